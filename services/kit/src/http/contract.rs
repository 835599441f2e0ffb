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
    schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type},
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

/// A file's bytes as a file: `type: string, format: binary`. Use it as `body = inline(Binary)`
/// (or `request_body(content = inline(Binary), ..)`) with the real media type, so generated
/// clients give a file or a blob instead of an array of integers (`Vec<u8>` in utoipa).
pub struct Binary;

impl utoipa::PartialSchema for Binary {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .into()
    }
}

impl utoipa::ToSchema for Binary {}

/// The body of an action that takes nothing: `{}` (an empty body is taken too). Declared as an
/// empty object, not as an optional string, so generated clients send `{}` instead of failing
/// to generate (openapi-python-client wrote invalid Python for `type: [string, null]`).
pub struct Empty;

impl utoipa::PartialSchema for Empty {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some("Nothing: `{}`"))
            .additional_properties(Some(
                utoipa::openapi::schema::AdditionalProperties::FreeForm(false),
            ))
            .into()
    }
}

impl utoipa::ToSchema for Empty {
    fn name() -> std::borrow::Cow<'static, str> {
        "Empty".into()
    }
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
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .pattern(Some(r#"^(W/)?"[^"]*"$"#)),
                ))
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

/// The problems the whole system can answer on a route, whatever the route does: one shared
/// set, so no operation declares them by hand and none forgets one (issue 14, item 2). Each
/// entry: status, the code a client branches on, and when the route can give it.
pub const SHARED_PROBLEMS: [(u16, &str, &str); 10] = [
    (
        400,
        "malformed_body",
        "`malformed_body`, `invalid_path`, `invalid_query` or `invalid_header`: the body, a path or query parameter or a header is not of its documented type",
    ),
    (
        401,
        "unauthenticated",
        "`unauthenticated`: no valid access token",
    ),
    (
        403,
        "forbidden",
        "`forbidden`: no role the route accepts, or not this resource",
    ),
    (
        404,
        "not_found",
        "`not_found`: no such resource, in the path or named in the body (or not visible to you)",
    ),
    (
        413,
        "payload_too_large",
        "`payload_too_large`: the body is over the route's limit",
    ),
    (
        415,
        "unsupported_media_type",
        "`unsupported_media_type`: the body is not in the documented media type",
    ),
    (
        422,
        "validation_failed",
        "`validation_failed`: every field in error, in `errors`",
    ),
    (
        429,
        "rate_limited",
        "`rate_limited`: too many requests; retry after `Retry-After` seconds",
    ),
    (
        503,
        "service_unavailable",
        "`service_unavailable`/`upstream_unavailable`: a service is down; retry after `Retry-After` seconds",
    ),
    (
        504,
        "upstream_timeout",
        "`upstream_timeout`: the service behind the gateway answered too slowly",
    ),
];

/// What an operation is, as far as the shared problems go: read from its document entry.
struct Shape {
    body: bool,
    json_body: bool,
    params: bool,
    path_params: bool,
    query_params: bool,
    signed_in: bool,
    /// Opened by a signed link: without its signature the gateway asks for a token (401).
    signed_link: bool,
    restricted: bool,
    proxied: bool,
}

fn shape_of(path: &str, op: &serde_json::Map<String, serde_json::Value>) -> Shape {
    let content = op
        .get("requestBody")
        .and_then(|b| b.get("content"))
        .and_then(serde_json::Value::as_object);
    let params = op
        .get("parameters")
        .and_then(serde_json::Value::as_array)
        .is_some_and(|ps| ps.iter().any(|p| p["in"] == "query" || p["in"] == "path"));
    let access = op.get("x-access").and_then(serde_json::Value::as_str);
    let secured = op
        .get("security")
        .and_then(serde_json::Value::as_array)
        .is_some_and(|s| !s.is_empty());
    Shape {
        body: content.is_some(),
        json_body: content.is_some_and(|c| c.keys().any(|k| k.contains("json"))),
        params: params || path.contains('{'),
        path_params: path.contains('{'),
        query_params: op
            .get("parameters")
            .and_then(serde_json::Value::as_array)
            .is_some_and(|ps| ps.iter().any(|p| p["in"] == "query")),
        signed_in: secured || matches!(access, Some("signed_in" | "roles")),
        signed_link: access == Some("signed_link"),
        restricted: matches!(access, Some("roles" | "signed_link")),
        proxied: ["/api/v1/intake/", "/api/v1/appraisal/", "/api/v1/decision/"]
            .iter()
            .any(|p| path.starts_with(p)),
    }
}

/// Adds to one operation (a document's `paths.<path>.<method>` object) the shared problems
/// its route can give and the operation does not declare already (its own description of a
/// status wins), with `Retry-After` on 429 and 503, and the `Accept-Language` parameter every
/// route honours. The gateway calls it on every operation of the merged document.
pub fn declare_shared(path: &str, op: &mut serde_json::Map<String, serde_json::Value>) {
    use serde_json::Value;
    let shape = shape_of(path, op);
    let applies = |status: u16| match status {
        400 => shape.body || shape.params,
        401 => shape.signed_in || shape.signed_link,
        403 => shape.restricted,
        404 => shape.path_params || shape.json_body,
        413 => shape.body,
        415 => shape.json_body,
        422 => shape.json_body || shape.query_params,
        504 => shape.proxied,
        _ => true,
    };
    let responses = op
        .entry("responses")
        .or_insert_with(|| Value::Object(Default::default()));
    if let Value::Object(responses) = responses {
        for (status, _, description) in SHARED_PROBLEMS {
            if !applies(status) || responses.contains_key(&status.to_string()) {
                continue;
            }
            let mut response = serde_json::to_value(problem(description)).unwrap_or_default();
            if matches!(status, 429 | 503) {
                response["headers"]["Retry-After"] = serde_json::json!({
                    "description": "Seconds to wait before retrying",
                    "schema": {"type": "integer", "minimum": 0}
                });
            }
            responses.insert(status.to_string(), response);
        }
    }
    let params = op
        .entry("parameters")
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(params) = params
        && !params.iter().any(|p| {
            p["name"]
                .as_str()
                .is_some_and(|n| n.eq_ignore_ascii_case("accept-language"))
        })
    {
        params.push(serde_json::json!({
            "name": "Accept-Language",
            "in": "header",
            "required": false,
            "description": "`en` for English, else Vietnamese (`vi`, the default): the language of problems' title and detail",
            "schema": {"type": "string"}
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use utoipa::{IntoParams, IntoResponses};

    #[test]
    fn shared_problems_are_declared_where_the_route_can_give_them() {
        let mut op = serde_json::json!({
            "security": [{"bearer": []}],
            "x-access": "roles",
            "requestBody": {"content": {"application/json": {}}},
            "responses": {"200": {"description": "ok"}, "422": {"description": "own"}}
        });
        let serde_json::Value::Object(map) = &mut op else {
            panic!("object")
        };
        declare_shared("/api/v1/intake/x/{id}", map);
        let statuses: Vec<&String> = op["responses"].as_object().unwrap().keys().collect();
        assert_eq!(
            statuses,
            [
                "200", "400", "401", "403", "404", "413", "415", "422", "429", "503", "504"
            ]
        );
        assert_eq!(op["responses"]["422"]["description"], "own");
        assert!(op["responses"]["429"]["headers"]["Retry-After"].is_object());
        assert!(op["responses"]["503"]["headers"]["Retry-After"].is_object());
        assert_eq!(op["parameters"][0]["name"], "Accept-Language");

        let mut public = serde_json::json!({"x-access": "public", "responses": {"200": {}}});
        let serde_json::Value::Object(map) = &mut public else {
            panic!("object")
        };
        declare_shared("/.well-known/jwks.json", map);
        let statuses: Vec<&String> = public["responses"].as_object().unwrap().keys().collect();
        assert_eq!(statuses, ["200", "429", "503"]);

        // A signed link without its signature is asked for a token (e2e nominations).
        let mut link = serde_json::json!({"x-access": "signed_link", "responses": {"200": {}}});
        let serde_json::Value::Object(map) = &mut link else {
            panic!("object")
        };
        declare_shared("/api/v1/intake/shared/dossiers/{id}", map);
        let statuses: Vec<&String> = link["responses"].as_object().unwrap().keys().collect();
        assert_eq!(
            statuses,
            ["200", "400", "401", "403", "404", "429", "503", "504"]
        );
    }

    #[test]
    fn binary_is_a_string_of_format_binary() {
        let v = serde_json::to_value(<Binary as utoipa::PartialSchema>::schema()).unwrap();
        assert_eq!(v, serde_json::json!({"type": "string", "format": "binary"}));
    }

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
