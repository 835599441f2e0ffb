//! What the merged OpenAPI document says in Vietnamese, which steps complete asynchronously,
//! and example request bodies, kept in one committed file (`gateway/openapi-summaries.json`)
//! keyed by `METHOD path`.
//!
//! Why here: the services write their summaries in English from their doc comments; the people
//! who build a client for a Vietnamese office read both, and a client must know which answers
//! are only the first half of a step (a case opens after `dossier.received`) so it polls
//! instead of failing. Keeping them in the gateway's merge, beside `x-roles`, means one place
//! to read and one test that fails when a new operation has no Vietnamese summary.

use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The committed notes: one entry per operation, and the asynchronous steps they name.
const NOTES: &str = include_str!("../openapi-summaries.json");

/// One operation's notes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Notes {
    /// The summary in Vietnamese.
    vi: String,
    /// The asynchronous step the operation starts, by its key in `$async`.
    #[serde(rename = "async", default)]
    completes_later: Option<String>,
    /// An example request body (JSON).
    #[serde(default)]
    example: Option<Value>,
}

/// An asynchronous step: the events it waits for and what a client should do, in English and
/// Vietnamese.
#[derive(Debug, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
struct AsyncStep {
    events: Vec<String>,
    en: String,
    vi: String,
}

/// The parsed file: `$async` holds the steps, every other key is `METHOD path`.
struct Parsed {
    steps: BTreeMap<String, AsyncStep>,
    operations: BTreeMap<String, Notes>,
}

fn parsed() -> Parsed {
    let mut all: BTreeMap<String, Value> = serde_json::from_str(NOTES)
        .unwrap_or_else(|e| panic!("gateway/openapi-summaries.json is not JSON: {e}"));
    let steps = all
        .remove("$async")
        .map(|v| {
            serde_json::from_value(v)
                .unwrap_or_else(|e| panic!("openapi-summaries.json, $async: {e}"))
        })
        .unwrap_or_default();
    let operations = all
        .into_iter()
        .map(|(k, v)| {
            let notes = serde_json::from_value(v)
                .unwrap_or_else(|e| panic!("openapi-summaries.json, {k}: {e}"));
            (k, notes)
        })
        .collect();
    Parsed { steps, operations }
}

/// Adds to every operation of `doc` its Vietnamese summary (`x-summary-vi`, and the first line
/// of its description), `x-async` with a line in both languages where the step completes after
/// the answer, and the example request body where one is written.
pub fn annotate(doc: &mut Map<String, Value>) {
    let Parsed { steps, operations } = parsed();
    let Some(Value::Object(paths)) = doc.get_mut("paths") else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Value::Object(item) = item else { continue };
        for (method, op) in item.iter_mut() {
            let Value::Object(op) = op else { continue };
            let Some(notes) = operations.get(&format!("{} {path}", method.to_uppercase())) else {
                continue;
            };
            op.insert("x-summary-vi".into(), Value::String(notes.vi.clone()));
            let mut description = format!(
                "{}\n\n{}",
                notes.vi,
                op.get("description").and_then(Value::as_str).unwrap_or("")
            );
            if let Some(step) = notes.completes_later.as_ref().and_then(|k| steps.get(k)) {
                op.insert(
                    "x-async".into(),
                    serde_json::to_value(step).unwrap_or(Value::Null),
                );
                description.push_str(&format!(
                    "\n\nCompletes asynchronously: {}\n\nHoàn tất sau khi trả lời: {}",
                    step.en, step.vi
                ));
            }
            op.insert(
                "description".into(),
                Value::String(description.trim().into()),
            );
            if let Some(example) = &notes.example
                && let Some(Value::Object(media)) = op
                    .get_mut("requestBody")
                    .and_then(|b| b.pointer_mut("/content/application~1json"))
            {
                media.insert("example".into(), example.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parsed;
    use crate::openapi::merged;

    /// Every operation a client can call has its Vietnamese summary, and every note names an
    /// operation that exists (a renamed route cannot leave a stale note behind).
    #[test]
    fn every_operation_has_a_vietnamese_summary_and_every_note_an_operation() {
        let doc = merged().expect("documents merge");
        let mut missing = Vec::new();
        let mut documented = std::collections::BTreeSet::new();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                let key = format!("{} {path}", method.to_uppercase());
                if op["x-summary-vi"].as_str().is_none_or(|s| s.is_empty()) {
                    missing.push(key.clone());
                }
                documented.insert(key);
            }
        }
        assert!(missing.is_empty(), "no Vietnamese summary: {missing:#?}");
        let notes = parsed();
        let stale: Vec<_> = notes
            .operations
            .keys()
            .filter(|k| !documented.contains(*k))
            .collect();
        assert!(stale.is_empty(), "notes for no operation: {stale:#?}");
        for (key, n) in &notes.operations {
            if let Some(step) = &n.completes_later {
                assert!(notes.steps.contains_key(step), "{key}: no step {step}");
            }
        }
    }

    /// A client knows to wait for the appraisal case after registering a dossier, and finds a
    /// worked example of the main request bodies.
    #[test]
    fn asynchronous_steps_and_examples_are_in_the_document() {
        let doc = merged().expect("documents merge");
        let register = &doc["paths"]["/api/v1/intake/dossiers/{id}/register"]["post"];
        assert_eq!(
            register["x-async"]["events"][0], "dossier.received",
            "{register:#}"
        );
        assert!(
            register["description"]
                .as_str()
                .is_some_and(|d| d.contains("Completes asynchronously") && d.contains("Hoàn tất"))
        );
        let create = &doc["paths"]["/api/v1/intake/dossiers"]["post"];
        assert!(
            create["requestBody"]["content"]["application/json"]["example"]["plan_id"].is_string(),
            "{create:#}"
        );
    }
}
