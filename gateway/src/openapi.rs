//! One OpenAPI document for mobile and web clients: the services' documents merged, with the
//! bearer-token scheme they all use.

use utoipa::openapi::{
    OpenApi,
    security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};

use crate::api::{auth, directory, views};

/// The gateway's own routes: sign-in, tokens, keys and the directory.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        auth::login,
        auth::refresh,
        auth::logout,
        auth::client_token,
        auth::change_password,
        auth::me,
        auth::jwks,
        directory::tenants::list_tenants,
        directory::tenants::create_tenant,
        directory::tenants::get_tenant,
        directory::tenants::update_tenant,
        directory::units::list_units,
        directory::units::create_unit,
        directory::units::get_unit,
        directory::units::update_unit,
        directory::users::list_users,
        directory::users::create_user,
        directory::users::get_user,
        directory::users::update_user,
        directory::users::reset_password,
        directory::users::add_grant,
        directory::users::remove_grant,
        directory::users::create_service_account,
        directory::users::rotate_secret,
        directory::audit_log::list_audit,
        sangkien_kit::http::audit::list,
    ),
    components(schemas(
        views::TokenPair,
        views::TenantView,
        views::UnitView,
        views::GrantView,
        views::UserView,
        views::CreatedUser,
        views::TenantPage,
        views::UnitPage,
        views::UserPage,
        sangkien_kit::audit::AuditPage,
        sangkien_kit::audit::AuditView,
        crate::keys::Jwks,
        crate::keys::Jwk,
        sangkien_proto::Problem,
        sangkien_proto::ErrorCode,
        sangkien_proto::FieldError,
        sangkien_proto::Role,
    ))
)]
pub struct GatewayDoc;

/// Prefixes every operation id with its service, so ids stay unique once merged (each
/// service names its handlers freely; client generators need unique ids).
fn prefix_operation_ids(doc: &mut OpenApi, service: &str) {
    for item in doc.paths.paths.values_mut() {
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
            &mut item.head,
            &mut item.options,
            &mut item.trace,
        ]
        .into_iter()
        .flatten()
        {
            if let Some(id) = &op.operation_id {
                op.operation_id = Some(format!("{service}_{id}"));
            }
        }
    }
}

/// The merged document served at `/api/openapi.json`.
pub fn merged() -> OpenApi {
    let mut doc = <GatewayDoc as utoipa::OpenApi>::openapi();
    prefix_operation_ids(&mut doc, "gateway");
    for (service, mut part) in [
        ("intake", sangkien_intake::openapi()),
        ("appraisal", sangkien_appraisal::openapi()),
        ("decision", sangkien_decision::openapi()),
    ] {
        prefix_operation_ids(&mut part, service);
        doc.merge(part);
    }
    doc.info.title = "sangkien API".into();
    doc.info.version = env!("CARGO_PKG_VERSION").into();
    doc.info.description = Some(
        "Recognition of workplace initiatives (sáng kiến): intake, appraisal, decision and budget. \
         Errors are application/problem+json with a stable `code`; send `Accept-Language: en` for \
         English text."
            .into(),
    );
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .build(),
        ),
    );
    doc
}

#[cfg(test)]
mod tests {
    use super::merged;
    use crate::domain::policy::POLICY;

    /// True when a documented path template covers a policy pattern: same segments, a
    /// `{parameter}` on either side matching any one segment.
    fn covers(documented: &str, pattern: &str) -> bool {
        let param = |s: &str| s.starts_with('{') && s.ends_with('}');
        let d: Vec<&str> = documented.split('/').collect();
        let p: Vec<&str> = pattern.split('/').collect();
        d.len() == p.len()
            && d.iter()
                .zip(&p)
                .all(|(a, b)| a == b || param(a) || param(b))
    }

    /// A mobile client learns the API from one document: every route the gateway lets through
    /// is in it, with its method.
    #[test]
    fn every_route_the_policy_lets_through_is_in_the_openapi_document() {
        let doc = serde_json::to_value(merged()).unwrap_or_default();
        let paths = doc["paths"].as_object().cloned().unwrap_or_default();
        let missing: Vec<String> = POLICY
            .iter()
            .filter(|r| !r.pattern.contains("**"))
            .filter(|r| {
                !paths.iter().any(|(path, item)| {
                    covers(path, r.pattern)
                        && (r.method == "*" || item.get(r.method.to_lowercase()).is_some())
                })
            })
            .map(|r| format!("{} {}", r.method, r.pattern))
            .collect();
        assert!(missing.is_empty(), "not in /api/openapi.json: {missing:#?}");
    }
}
