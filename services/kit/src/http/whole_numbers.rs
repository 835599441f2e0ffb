//! Whole numbers written with a fraction or an exponent (`838.0`, `8.38e2`) read as integers.
//!
//! Why: the OpenAPI document is 3.1, whose JSON Schema counts `838.0` as an `integer`; a
//! generated client (or JavaScript's `JSON.stringify` of a computed value) may send it so, and
//! the schema-driven fuzzer does. serde refuses a float where an integer field is declared,
//! so such a request — valid by the document — was answered 400 `malformed_body`. This
//! middleware rewrites, in JSON bodies only, each number whose value is a whole number that an
//! `i64` holds exactly into its integer spelling before the handler's extractor reads it; a
//! floating field still reads the integer spelling as the same value, so nothing else changes.
//!
//! The common body has no such number and passes untouched after one scan of its bytes; a
//! body without `Content-Length` (chunked) or larger than [`MAX_REWRITTEN`] is passed as it is.

use actix_web::{
    Error, HttpMessage,
    body::MessageBody,
    dev::{Payload, ServiceRequest, ServiceResponse},
    http::header,
    middleware::Next,
    web::Bytes,
};
use futures::StreamExt;
use serde_json::{Number, Value};

/// Bodies up to this size are inspected; JSON bodies here are forms of a few KiB.
pub const MAX_REWRITTEN: usize = 1 << 20;

/// The largest magnitude below which every whole `f64` is exactly one `i64` (2^53).
const EXACT: f64 = 9_007_199_254_740_992.0;

/// Actix middleware (`from_fn(whole_numbers)`): see the module's documentation.
pub async fn whole_numbers(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    if is_json(&req) && declared_length(&req).is_some_and(|n| n > 0 && n <= MAX_REWRITTEN) {
        let mut payload = req.take_payload();
        let mut body = Vec::new();
        while let Some(chunk) = payload.next().await {
            body.extend_from_slice(&chunk?);
        }
        let body = rewritten(&body).map_or_else(|| Bytes::from(body), Bytes::from);
        req.headers_mut().insert(
            header::CONTENT_LENGTH,
            header::HeaderValue::from(body.len()),
        );
        req.set_payload(Payload::from(body));
    }
    next.call(req).await
}

fn is_json(req: &ServiceRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| {
            let m = m.trim().to_ascii_lowercase();
            m == "application/json" || m.ends_with("+json")
        })
        .unwrap_or(false)
}

fn declared_length(req: &ServiceRequest) -> Option<usize> {
    req.headers()
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// The body with every whole number in its integer spelling, or `None` when nothing needs
/// rewriting (no number with a fraction or exponent, or not JSON: the extractor then reports
/// the body as it came).
pub fn rewritten(body: &[u8]) -> Option<Vec<u8>> {
    if !has_fraction_or_exponent(body) {
        return None;
    }
    let mut value: Value = serde_json::from_slice(body).ok()?;
    if !integerise(&mut value) {
        return None;
    }
    serde_json::to_vec(&value).ok()
}

/// True when a number outside strings has a `.`, `e` or `E`: the fast path for every
/// ordinary body.
fn has_fraction_or_exponent(body: &[u8]) -> bool {
    let (mut in_string, mut escaped, mut in_number) = (false, false, false);
    for &b in body {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => {
                in_string = true;
                in_number = false;
            }
            b'0'..=b'9' | b'-' => in_number = true,
            b'.' | b'e' | b'E' if in_number => return true,
            b'+' if in_number => {}
            _ => in_number = false,
        }
    }
    false
}

/// Rewrites whole floats inside `value`; true when one was rewritten.
fn integerise(value: &mut Value) -> bool {
    match value {
        Value::Number(n) if n.is_f64() => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() <= EXACT => {
                // In range and whole: the cast is exact.
                *n = Number::from(f as i64);
                true
            }
            _ => false,
        },
        Value::Array(items) => items.iter_mut().fold(false, |acc, v| integerise(v) | acc),
        Value::Object(map) => map.values_mut().fold(false, |acc, v| integerise(v) | acc),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::rewritten;

    fn text(body: &str) -> Option<String> {
        rewritten(body.as_bytes()).map(|b| String::from_utf8(b).unwrap())
    }

    /// JSON Schema 2020-12 (OpenAPI 3.1): "838.0" is an integer, so the body a client sends
    /// with it must read like the one with "838".
    #[test]
    fn a_whole_number_with_a_fraction_reads_as_an_integer_json_schema_2020_12() {
        assert_eq!(
            text(r#"{"in_favour": 9418.0, "against": 1, "x": [2.0, 8.38e2]}"#).as_deref(),
            Some(r#"{"against":1,"in_favour":9418,"x":[2,838]}"#)
        );
        #[derive(serde::Deserialize)]
        struct Vote {
            in_favour: u32,
            ratio: f64,
        }
        let v: Vote =
            serde_json::from_slice(&rewritten(br#"{"in_favour": 5.0, "ratio": 2.0}"#).unwrap())
                .unwrap();
        assert_eq!((v.in_favour, v.ratio), (5, 2.0));
    }

    #[test]
    fn ordinary_bodies_fractions_and_strings_are_left_alone() {
        assert_eq!(text(r#"{"a": 1, "b": "2.0", "c": "1e5"}"#), None);
        assert_eq!(text(r#"{"points": 2.5}"#), None);
        assert_eq!(text(r#"{"big": 1e300}"#), None);
        assert_eq!(text(r#"{"name": "Tổ \"3.0\""}"#), None);
        assert_eq!(text("not json 1.0"), None);
    }
}
