//! The (operation, status) check of issue 14: every answer the e2e suite sees through
//! [`crate::TestSystem::call`] must carry a status its operation declares in the merged
//! document the gateway serves (`sangkien_gateway::openapi::merged`, the bytes behind
//! `/api/openapi.json`). Each call is checked at once, so the test that met an undeclared
//! status fails with the operation named, whatever order the tests run in.

use std::{io::Write, sync::OnceLock};

use serde_json::Value;

/// One documented path template: its segments, and per method (lower case) the operation id
/// and the declared response keys (`"200"`, `"4XX"`, `"default"`).
struct Template {
    template: String,
    parts: Vec<String>,
    operations: Vec<(String, String, Vec<String>)>,
}

/// The merged document's operations, built once per test process.
fn templates() -> &'static Result<Vec<Template>, String> {
    static TEMPLATES: OnceLock<Result<Vec<Template>, String>> = OnceLock::new();
    TEMPLATES.get_or_init(|| {
        let doc = sangkien_gateway::openapi::merged().map_err(|e| e.to_string())?;
        let paths = doc
            .get("paths")
            .and_then(Value::as_object)
            .ok_or("the merged document has no paths")?;
        Ok(paths
            .iter()
            .map(|(template, item)| Template {
                template: template.clone(),
                parts: template.split('/').map(str::to_owned).collect(),
                operations: item
                    .as_object()
                    .map(|ops| {
                        ops.iter()
                            .filter_map(|(method, op)| {
                                let responses = op.get("responses")?.as_object()?;
                                Some((
                                    method.to_ascii_lowercase(),
                                    op.get("operationId")
                                        .and_then(Value::as_str)
                                        .unwrap_or("")
                                        .to_owned(),
                                    responses.keys().cloned().collect(),
                                ))
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            })
            .collect())
    })
}

/// True when `status` is one of `declared` (an exact code, a range like `4XX`, or `default`).
pub fn declares(declared: &[String], status: u16) -> bool {
    let code = status.to_string();
    let range = format!("{}XX", status / 100);
    declared
        .iter()
        .any(|d| d == &code || d.eq_ignore_ascii_case(&range) || d == "default")
}

/// The documented template a concrete path (query cut off) falls under: the most literal
/// one among those that fit (`/decisions/pending` before `/decisions/{id}`), as the gateway
/// routes it.
fn template_of<'a>(templates: &'a [Template], path: &str) -> Option<&'a Template> {
    let path = path.split('?').next().unwrap_or(path);
    let asked: Vec<&str> = path.split('/').collect();
    let param = |t: &str| t.starts_with('{') && t.ends_with('}');
    templates
        .iter()
        .filter(|t| {
            t.parts.len() == asked.len()
                && t.parts
                    .iter()
                    .zip(&asked)
                    .all(|(t, a)| t == a || (param(t) && !a.is_empty()))
        })
        .min_by_key(|t| t.parts.iter().filter(|p| param(p)).count())
}

/// Checks one answer: `Err` naming the operation when the document declares `method path`
/// but not `status`. A path or method the document does not publish is not an operation and
/// is left to the tests that assert its 404/405. With `SK_E2E_STATUS_LOG` set, every
/// (method, template, status) seen is appended to that file (one line each).
pub fn check(method: &str, path: &str, status: u16) -> anyhow::Result<()> {
    let templates = templates()
        .as_ref()
        .map_err(|e| anyhow::anyhow!("the merged OpenAPI document: {e}"))?;
    let Some(template) = template_of(templates, path) else {
        return Ok(());
    };
    let method = method.to_ascii_lowercase();
    let Some((_, operation, declared)) = template.operations.iter().find(|(m, _, _)| *m == method)
    else {
        return Ok(());
    };
    if let Ok(log) = std::env::var("SK_E2E_STATUS_LOG")
        && let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
    {
        let method = method.to_ascii_uppercase();
        let _ = writeln!(f, "{method} {} {status}", template.template);
    }
    anyhow::ensure!(
        declares(declared, status),
        "undeclared status: {} {} (operation {operation}) answered {status}, which \
         /api/openapi.json does not declare for it (declared: {}); declare it in the \
         service's annotations or the shared problem set (kit http::contract)",
        method.to_ascii_uppercase(),
        template.template,
        declared.join(", ")
    );
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_status_counts_as_declared_by_its_code_its_range_or_default() {
        let d = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert!(declares(&d(&["200", "404"]), 404));
        assert!(!declares(&d(&["200", "404"]), 409));
        assert!(declares(&d(&["4XX"]), 409));
        assert!(declares(&d(&["default"]), 500));
    }

    #[test]
    fn an_undeclared_status_of_a_documented_operation_is_refused() {
        assert!(check("GET", "/api/v1/intake/dossiers?limit=5", 200).is_ok());
        let err = check("GET", "/api/v1/intake/dossiers", 299).unwrap_err();
        assert!(
            err.to_string().contains("GET /api/v1/intake/dossiers"),
            "{err}"
        );
        // Not an operation of the document: left to the routing tests.
        assert!(check("GET", "/api/v1/nobody/publishes/this", 404).is_ok());
    }
}
