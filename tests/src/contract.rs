//! The (operation, status) check of issue 14: every answer the e2e suite sees through
//! [`crate::TestSystem::call`] must carry a status its operation declares in the merged
//! document the gateway serves (`sangkien_gateway::openapi::merged`, the bytes behind
//! `/api/openapi.json`). Each call is checked at once, so the test that met an undeclared
//! status fails with the operation named, whatever order the tests run in. The headers a
//! client acts on are checked the same way: an `ETag` or `Location` the server sends must be
//! declared on that response, and every 201 names what it created in `Location`.

use std::{io::Write, sync::OnceLock};

use serde_json::Value;

/// One documented operation: its method (lower case), its id, and per declared response key
/// (`"200"`, `"4XX"`, `"default"`) the response headers it declares (lower case).
struct Operation {
    method: String,
    id: String,
    responses: Vec<(String, Vec<String>)>,
}

/// One documented path template: its segments and its operations.
struct Template {
    template: String,
    parts: Vec<String>,
    operations: Vec<Operation>,
}

/// The response headers a client acts on: an undeclared one is a header a generated client
/// cannot read.
const CHECKED_HEADERS: [&str; 2] = ["etag", "location"];

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
                                Some(Operation {
                                    method: method.to_ascii_lowercase(),
                                    id: op
                                        .get("operationId")
                                        .and_then(Value::as_str)
                                        .unwrap_or("")
                                        .to_owned(),
                                    responses: responses
                                        .iter()
                                        .map(|(status, r)| (status.clone(), headers_of(r)))
                                        .collect(),
                                })
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            })
            .collect())
    })
}

/// The header names (lower case) a response object declares.
fn headers_of(response: &Value) -> Vec<String> {
    response
        .get("headers")
        .and_then(Value::as_object)
        .map(|h| h.keys().map(|k| k.to_ascii_lowercase()).collect())
        .unwrap_or_default()
}

/// The declared response `status` falls under: its exact code, else its range, else
/// `default` (the order OpenAPI gives them).
fn response_for(responses: &[(String, Vec<String>)], status: u16) -> Option<&[String]> {
    let code = status.to_string();
    let range = format!("{}XX", status / 100);
    [code.as_str(), range.as_str(), "default"]
        .iter()
        .find_map(|key| {
            responses
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, h)| h.as_slice())
        })
}

/// What is wrong with the headers of one answer, if anything: an `ETag` or `Location` the
/// response does not declare, or a 201 that does not say where the new thing is.
pub fn header_problem(declared: &[String], status: u16, sent: &[&str]) -> Option<String> {
    if status == 201 && !sent.iter().any(|h| h.eq_ignore_ascii_case("location")) {
        return Some("a 201 without `Location`".to_owned());
    }
    CHECKED_HEADERS
        .iter()
        .find(|h| {
            sent.iter().any(|s| s.eq_ignore_ascii_case(h)) && !declared.iter().any(|d| d == *h)
        })
        .map(|h| format!("header `{h}` sent but not declared on the {status} response"))
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
pub fn check(
    method: &str,
    path: &str,
    status: u16,
    headers: &reqwest::header::HeaderMap,
) -> anyhow::Result<()> {
    let templates = templates()
        .as_ref()
        .map_err(|e| anyhow::anyhow!("the merged OpenAPI document: {e}"))?;
    let Some(template) = template_of(templates, path) else {
        return Ok(());
    };
    let method = method.to_ascii_lowercase();
    let Some(operation) = template.operations.iter().find(|o| o.method == method) else {
        return Ok(());
    };
    let declared: Vec<String> = operation.responses.iter().map(|(k, _)| k.clone()).collect();
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
        declares(&declared, status),
        "undeclared status: {} {} (operation {operation}) answered {status}, which \
         /api/openapi.json does not declare for it (declared: {}); declare it in the \
         service's annotations or the shared problem set (kit http::contract)",
        method.to_ascii_uppercase(),
        template.template,
        declared.join(", "),
        operation = operation.id,
    );
    let sent: Vec<&str> = headers
        .keys()
        .map(reqwest::header::HeaderName::as_str)
        .collect();
    if let Some(problem) = header_problem(
        response_for(&operation.responses, status).unwrap_or_default(),
        status,
        &sent,
    ) {
        anyhow::bail!(
            "{} {} (operation {}) answered {status}: {problem}; declare it in the route's \
             `responses(... headers(...))` or send it",
            method.to_ascii_uppercase(),
            template.template,
            operation.id
        );
    }
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
        let none = reqwest::header::HeaderMap::new();
        assert!(check("GET", "/api/v1/intake/dossiers?limit=5", 200, &none).is_ok());
        let err = check("GET", "/api/v1/intake/dossiers", 299, &none).unwrap_err();
        assert!(
            err.to_string().contains("GET /api/v1/intake/dossiers"),
            "{err}"
        );
        // Not an operation of the document: left to the routing tests.
        assert!(check("GET", "/api/v1/nobody/publishes/this", 404, &none).is_ok());
    }

    #[test]
    fn a_created_answer_names_its_location_and_sends_only_declared_headers() {
        let declared = vec!["location".to_owned()];
        assert_eq!(
            header_problem(&declared, 201, &["location", "content-type"]),
            None
        );
        assert!(header_problem(&declared, 201, &["content-type"]).is_some());
        let problem = header_problem(&declared, 201, &["location", "etag"]).unwrap();
        assert!(problem.contains("etag"), "{problem}");
        assert_eq!(
            header_problem(&[], 200, &["content-type", "x-request-id"]),
            None
        );
        assert!(header_problem(&[], 200, &["ETag"]).is_some());
    }

    #[test]
    fn a_response_is_found_by_its_code_then_its_range_then_default() {
        let r = vec![
            ("200".to_owned(), vec!["etag".to_owned()]),
            ("4XX".to_owned(), vec![]),
            ("default".to_owned(), vec!["x".to_owned()]),
        ];
        assert_eq!(response_for(&r, 200), Some(&["etag".to_owned()][..]));
        assert_eq!(response_for(&r, 404), Some(&[][..]));
        assert_eq!(response_for(&r, 500), Some(&["x".to_owned()][..]));
    }
}
