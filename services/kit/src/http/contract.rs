//! Shared pieces of the OpenAPI contract, so a header or a problem answer every conditional
//! route shares is declared in one place instead of by hand per route (issue 14, item 1).
//!
//! Use them inside `#[utoipa::path]`: `params(IfMatch, ("id" = Uuid, Path, ..))` and
//! `responses((status = 200, ..), Conditional)`.

use std::collections::BTreeMap;

use utoipa::openapi::{
    ContentBuilder, Ref, RefOr, Required,
    header::HeaderBuilder,
    path::{Parameter, ParameterBuilder, ParameterIn},
    response::{Response, ResponseBuilder},
    schema::{ObjectBuilder, Type},
};

/// The media type every problem answer is written in.
const PROBLEM_JSON: &str = "application/problem+json";

/// A problem+json response referencing the shared `Problem` schema.
fn problem(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            PROBLEM_JSON,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .header(
            "Content-Language",
            HeaderBuilder::new()
                .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                .description(Some(
                    "Language of the problem's title and detail (vi or en)",
                ))
                .build(),
        )
        .build()
        .into()
}

/// The `If-Match` request header of a conditional write: without it a generated client has
/// no argument to send the ETag and the server answers 428 for ever.
pub struct IfMatch;

impl utoipa::IntoParams for IfMatch {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![
            ParameterBuilder::new()
                .name("If-Match")
                .parameter_in(ParameterIn::Header)
                .required(Required::True)
                .description(Some(
                    "The ETag last read (`W/\"<version>\"`); 428 without it, 412 when stale",
                ))
                .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                .build(),
        ]
    }
}

/// The two answers of a conditional write: 412 for a stale `If-Match`, 428 for a missing one.
pub struct Conditional;

impl utoipa::IntoResponses for Conditional {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        BTreeMap::from([
            (
                "412".to_owned(),
                problem("`If-Match` is not the current ETag: someone changed it; reload and retry"),
            ),
            ("428".to_owned(), problem("`If-Match` is missing")),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use utoipa::{IntoParams, IntoResponses};

    #[test]
    fn if_match_is_a_required_header() {
        let p = IfMatch::into_params(|| None);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].name, "If-Match");
        assert!(matches!(p[0].parameter_in, ParameterIn::Header));
        assert!(matches!(p[0].required, Required::True));
    }

    #[test]
    fn conditional_declares_412_and_428_as_problems() {
        let r = Conditional::responses();
        assert_eq!(r.keys().collect::<Vec<_>>(), ["412", "428"]);
        for v in r.values() {
            let RefOr::T(resp) = v else { panic!("inline") };
            assert!(resp.content.contains_key(PROBLEM_JSON));
        }
    }
}
