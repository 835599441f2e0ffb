//! One OpenAPI document for mobile and web clients: the services' documents merged, with the
//! bearer-token scheme they all use.

use serde_json::{Map, Value};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

use crate::{
    api::{auth, directory, views},
    domain::policy::{Access, POLICY, find_rule},
};

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
fn prefix_operation_ids(doc: &mut Value, service: &str) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for operation in paths.values_mut().filter_map(Value::as_object_mut) {
        for op in operation.values_mut() {
            if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                op["operationId"] = Value::String(format!("{service}_{id}"));
            }
        }
    }
}

/// The services' documents, as committed beside each service crate (each crate's own test
/// keeps its file equal to its code), so the gateway is built without compiling them.
const SERVICE_DOCUMENTS: [(&str, &str); 3] = [
    ("intake", include_str!("../../services/intake/openapi.json")),
    (
        "appraisal",
        include_str!("../../services/appraisal/openapi.json"),
    ),
    (
        "decision",
        include_str!("../../services/decision/openapi.json"),
    ),
];

/// Why the documents cannot be merged: a committed file does not parse, or two parts give
/// different schemas one name (a client generator would silently keep one of them).
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("services/{service}/openapi.json is not JSON: {error}")]
    Unreadable {
        service: &'static str,
        error: serde_json::Error,
    },
    #[error("schema names used by two parts with different schemas: {0:?}")]
    DuplicateSchemas(Vec<String>),
}

/// Adds `part`'s paths, components and tags to `doc`, and returns the names of the
/// components `part` defines differently from `doc` (same name, other content), which keep
/// `doc`'s definition.
fn merge_into(doc: &mut Map<String, Value>, part: Value, service: &str) -> Vec<String> {
    let mut conflicts = Vec::new();
    let Value::Object(part) = part else {
        return conflicts;
    };
    for (key, value) in part {
        match (key.as_str(), value) {
            ("paths", Value::Object(paths)) => {
                let ours = object_at(doc, "paths");
                for (path, item) in paths {
                    match (ours.get_mut(&path), item) {
                        (Some(Value::Object(existing)), Value::Object(item)) => {
                            existing.extend(item)
                        }
                        (_, item) => {
                            ours.insert(path, item);
                        }
                    }
                }
            }
            ("components", Value::Object(kinds)) => {
                for (kind, entries) in kinds {
                    let Value::Object(entries) = entries else {
                        continue;
                    };
                    let ours = object_at(object_at(doc, "components"), &kind);
                    for (name, entry) in entries {
                        match ours.get(&name) {
                            Some(existing) if *existing != entry => {
                                conflicts.push(format!("{service}: {kind}/{name}"));
                            }
                            Some(_) => {}
                            None => {
                                ours.insert(name, entry);
                            }
                        }
                    }
                }
            }
            ("tags", Value::Array(tags)) => {
                let Value::Array(ours) = doc.entry("tags").or_insert(Value::Array(Vec::new()))
                else {
                    continue;
                };
                for tag in tags {
                    if !ours.iter().any(|t| t["name"] == tag["name"]) {
                        ours.push(tag);
                    }
                }
            }
            _ => {}
        }
    }
    conflicts
}

/// The object under `key`, created empty when missing (or not an object).
fn object_at<'a>(map: &'a mut Map<String, Value>, key: &str) -> &'a mut Map<String, Value> {
    let slot = map.entry(key).or_insert_with(|| Value::Object(Map::new()));
    if !slot.is_object() {
        *slot = Value::Object(Map::new());
    }
    match slot {
        Value::Object(inner) => inner,
        _ => unreachable!("made an object above"),
    }
}

/// The gateway's rule for a documented operation: outside `/api/v1/` the gateway serves
/// everyone (its keys); a template whose parameter stands for several policy patterns (the
/// audit of `{service}`) has their access when they all agree.
fn access_of(method: &str, template: &str) -> Option<Access> {
    if !template.starts_with("/api/v1/") {
        return Some(Access::Public);
    }
    if let Some(rule) = find_rule(POLICY, method, template) {
        return Some(rule.access);
    }
    let param = |s: &str| s.starts_with('{') && s.ends_with('}');
    let covers = |pattern: &str| {
        let (d, p): (Vec<&str>, Vec<&str>) =
            (template.split('/').collect(), pattern.split('/').collect());
        d.len() == p.len()
            && d.iter()
                .zip(&p)
                .all(|(a, b)| a == b || param(a) || param(b))
    };
    let mut found = POLICY
        .iter()
        .filter(|r| r.method.eq_ignore_ascii_case(method) && covers(r.pattern))
        .map(|r| r.access);
    let first = found.next()?;
    found.all(|a| a == first).then_some(first)
}

/// States on every operation who may call it, from the gateway's route policy (the rule the
/// gateway itself applies): `x-access` (`public`, `signed_in`, `roles`, `signed_link`), the
/// roles in `x-roles`, and the same in a line of the description, so a client generator and
/// a person reading `/docs` know it without reading the gateway.
fn annotate_access(doc: &mut Map<String, Value>) {
    let Some(Value::Object(paths)) = doc.get_mut("paths") else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Value::Object(item) = item else { continue };
        for (method, op) in item.iter_mut() {
            let Value::Object(op) = op else { continue };
            let Some(access) = access_of(method, path) else {
                continue;
            };
            let (access, roles, line) = match access {
                Access::Public => (
                    "public",
                    vec![],
                    "Who may call it: anyone (no token).".into(),
                ),
                Access::SignedIn => (
                    "signed_in",
                    vec![],
                    "Who may call it: anyone signed in.".into(),
                ),
                Access::Signed => (
                    "signed_link",
                    vec![],
                    "Who may call it: the holder of a signed link (`expires`, `signature`).".into(),
                ),
                Access::Roles(roles) => {
                    let codes: Vec<String> = roles
                        .iter()
                        .map(|r| {
                            serde_json::to_value(r)
                                .ok()
                                .and_then(|v| v.as_str().map(str::to_owned))
                                .unwrap_or_default()
                        })
                        .collect();
                    let line = format!(
                        "Who may call it (roles; the service may narrow it to its resources): {}.",
                        codes
                            .iter()
                            .map(|c| format!("`{c}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                    ("roles", codes, line)
                }
            };
            op.insert("x-access".into(), Value::String(access.into()));
            op.insert("x-roles".into(), Value::from(roles));
            let description = match op.get("description").and_then(Value::as_str) {
                Some(d) if !d.is_empty() => format!("{d}\n\n{line}"),
                _ => line,
            };
            op.insert("description".into(), Value::String(description));
        }
    }
}

/// Every operation declares the answers the whole system can give on its route (the shared
/// set in `sangkien_kit::http::contract`), after `x-access` says who may call it.
fn declare_shared_problems(doc: &mut Map<String, Value>) {
    let Some(Value::Object(paths)) = doc.get_mut("paths") else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Value::Object(item) = item else { continue };
        for op in item.values_mut() {
            if let Value::Object(op) = op {
                sangkien_kit::http::contract::declare_shared(path, op);
            }
        }
    }
}

/// The methods the merged document publishes for a concrete request path (upper case), or
/// none when no documented template matches it; computed once. A route of the gateway's own
/// asked with another method answers 405 with these in `Allow`, not 404.
pub fn documented_methods(path: &str) -> Vec<String> {
    static TEMPLATES: std::sync::OnceLock<Vec<(String, Vec<String>)>> = std::sync::OnceLock::new();
    let templates = TEMPLATES.get_or_init(|| {
        let Ok(Value::Object(doc)) = merged() else {
            return Vec::new();
        };
        let Some(Value::Object(paths)) = doc.get("paths") else {
            return Vec::new();
        };
        paths
            .iter()
            .map(|(template, item)| {
                let methods = item
                    .as_object()
                    .map(|ops| ops.keys().map(|m| m.to_ascii_uppercase()).collect())
                    .unwrap_or_default();
                (template.clone(), methods)
            })
            .collect()
    });
    let asked: Vec<&str> = path.split('/').collect();
    // Matching templates with the number of their `{parameter}` segments; the most literal
    // one is the route (`/decisions/pending` before `/decisions/{id}`).
    let matching: Vec<(usize, &Vec<String>)> = templates
        .iter()
        .filter_map(|(template, methods)| {
            let parts: Vec<&str> = template.split('/').collect();
            let param = |t: &str| t.starts_with('{') && t.ends_with('}');
            let fits = parts.len() == asked.len()
                && parts
                    .iter()
                    .zip(&asked)
                    .all(|(t, a)| t == a || (param(t) && !a.is_empty()));
            fits.then(|| (parts.iter().filter(|t| param(t)).count(), methods))
        })
        .collect();
    let fewest = matching.iter().map(|(n, _)| *n).min();
    let mut methods: Vec<String> = Vec::new();
    for (_, ms) in matching.iter().filter(|(n, _)| Some(*n) == fewest) {
        for m in ms.iter() {
            if !methods.contains(m) {
                methods.push(m.clone());
            }
        }
    }
    methods
}

/// The merged document served at `/api/openapi.json`: the gateway's own routes and the
/// services' committed documents, with operation ids prefixed by their service; refuses two
/// different schemas under one name rather than keeping one of them.
pub fn merged() -> Result<Value, MergeError> {
    let mut own = <GatewayDoc as utoipa::OpenApi>::openapi();
    own.info.title = "sangkien API".into();
    own.info.version = env!("CARGO_PKG_VERSION").into();
    own.info.description = Some(
        "Recognition of workplace initiatives (sáng kiến): intake, appraisal, decision and budget. \
         Errors are application/problem+json with a stable `code`; send `Accept-Language: en` for \
         English text."
            .into(),
    );
    own.components
        .get_or_insert_with(Default::default)
        .add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    let mut doc = serde_json::to_value(own).unwrap_or_default();
    prefix_operation_ids(&mut doc, "gateway");
    let Value::Object(mut doc) = doc else {
        return Ok(doc);
    };
    let mut conflicts = Vec::new();
    for (service, json) in SERVICE_DOCUMENTS {
        let mut part: Value = serde_json::from_str(json)
            .map_err(|error| MergeError::Unreadable { service, error })?;
        prefix_operation_ids(&mut part, service);
        conflicts.extend(merge_into(&mut doc, part, service));
    }
    if conflicts.is_empty() {
        crate::openapi_summaries::annotate(&mut doc);
        annotate_access(&mut doc);
        declare_shared_problems(&mut doc);
        Ok(Value::Object(doc))
    } else {
        Err(MergeError::DuplicateSchemas(conflicts))
    }
}

#[cfg(test)]
mod tests {
    use super::merged;
    use crate::domain::policy::POLICY;
    use serde_json::json;

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
        let doc = serde_json::to_value(merged().expect("documents merge")).unwrap_or_default();
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

    /// Two services calling different schemas by one name would leave a client with the
    /// wrong body for one of them: the merge must refuse it.
    #[test]
    fn a_documented_path_names_its_methods_for_the_405() {
        let m = super::documented_methods("/api/v1/directory/tenants");
        assert!(
            m.contains(&"GET".to_owned()) && m.contains(&"POST".to_owned()),
            "{m:?}"
        );
        assert_eq!(super::documented_methods("/.well-known/jwks.json"), ["GET"]);
        assert!(super::documented_methods("/api/v1/nothing/here").is_empty());
        assert_eq!(
            super::documented_methods("/api/v1/decision/decisions/pending"),
            ["GET"]
        );
    }

    #[test]
    fn the_merge_refuses_two_schemas_under_one_name() {
        let part = |t: &str| json!({"components": {"schemas": {"ResultInput": {"type": t}}}});
        let mut doc = serde_json::Map::new();
        assert!(super::merge_into(&mut doc, part("object"), "appraisal").is_empty());
        assert!(super::merge_into(&mut doc, part("object"), "intake").is_empty());
        assert_eq!(
            super::merge_into(&mut doc, part("string"), "decision"),
            ["decision: schemas/ResultInput"]
        );
        assert!(
            merged().is_ok(),
            "the shipped documents share no schema name"
        );
    }

    /// A client learns who may call an operation from the document: every operation carries
    /// the gateway's rule for it, and role-restricted ones name their roles.
    #[test]
    fn every_operation_states_who_may_call_it() {
        let doc = merged().expect("documents merge");
        let mut unstated = Vec::new();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                let stated = match op["x-access"].as_str() {
                    Some("roles") => op["x-roles"].as_array().is_some_and(|r| !r.is_empty()),
                    Some(_) => true,
                    None => false,
                };
                if !stated {
                    unstated.push(format!("{method} {path}"));
                }
            }
        }
        assert!(unstated.is_empty(), "no access stated: {unstated:#?}");
        let sign = &doc["paths"]["/api/v1/decision/decisions/{id}/sign"]["post"];
        assert_eq!(sign["x-roles"], json!(["signer"]), "{sign:#}");
        assert!(
            sign["description"]
                .as_str()
                .is_some_and(|d| d.contains("`signer`"))
        );
    }
}
