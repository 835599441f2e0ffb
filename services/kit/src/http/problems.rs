//! Every error answered as `application/problem+json`, in the caller's language.
//!
//! Handlers return [`ApiError`]; actix's own errors (bad JSON, bad path or query, body too
//! large, no route, wrong method) are mapped to the same body here, so a client never sees
//! a bare text or an empty error page, and an internal error never shows its cause.

use actix_web::{
    Error, HttpMessage, HttpResponse,
    body::{BoxBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    error::{JsonPayloadError, PathError, QueryPayloadError},
    http::header::{self, HeaderValue},
    middleware::Next,
    web,
};
use sangkien_proto::{ErrorCode, Lang, problem::PROBLEM_CONTENT_TYPE};

use super::RequestId;
use crate::error::ApiError;

/// The language a request asked for.
pub fn lang_of(req: &actix_web::HttpRequest) -> Lang {
    Lang::from_accept_language(
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    )
}

fn code_for_status(status: u16) -> ErrorCode {
    match status {
        400 => ErrorCode::MalformedBody,
        401 => ErrorCode::Unauthenticated,
        403 => ErrorCode::Forbidden,
        404 => ErrorCode::NotFound,
        405 => ErrorCode::MethodNotAllowed,
        409 => ErrorCode::Conflict,
        412 => ErrorCode::PreconditionFailed,
        413 => ErrorCode::PayloadTooLarge,
        415 => ErrorCode::UnsupportedMediaType,
        422 => ErrorCode::ValidationFailed,
        428 => ErrorCode::PreconditionRequired,
        429 => ErrorCode::RateLimited,
        502 => ErrorCode::UpstreamUnavailable,
        503 => ErrorCode::ServiceUnavailable,
        504 => ErrorCode::UpstreamTimeout,
        _ => ErrorCode::Internal,
    }
}

fn is_problem(res: &ServiceResponse<impl MessageBody>) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with(PROBLEM_CONTENT_TYPE))
}

/// Middleware: renders every error response as problem+json in the request's language,
/// with the request path and id, and logs internal errors with their cause.
pub async fn problems(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    // The request must not be cloned before routing (actix needs it unshared), so what the
    // problem body needs is taken out first.
    let lang = lang_of(req.request());
    let path = req.path().to_owned();
    let request_id = req.extensions().get::<RequestId>().map(|r| r.0.clone());
    let res = next.call(req).await?.map_into_boxed_body();
    let status = res.status().as_u16();
    let api_error = res
        .response()
        .error()
        .and_then(|e| e.as_error::<ApiError>());
    let needs_render = status >= 400 && (api_error.is_some() || !is_problem(&res));
    if !needs_render {
        return Ok(res);
    }
    let problem = match api_error {
        Some(err) => {
            match &err.source {
                Some(source) if err.code == ErrorCode::ServiceUnavailable => tracing::warn!(
                    request_id = request_id.as_deref().unwrap_or(""),
                    error = format!("{source:#}"),
                    "dependency unavailable"
                ),
                Some(source) => tracing::error!(
                    request_id = request_id.as_deref().unwrap_or(""),
                    error = format!("{source:#}"),
                    "internal error"
                ),
                None => {}
            }
            err.to_problem(lang)
        }
        None => {
            if status >= 500
                && let Some(e) = res.response().error()
            {
                tracing::error!(request_id = request_id.as_deref().unwrap_or(""), error = %e, "internal error");
            }
            sangkien_proto::Problem::new(code_for_status(status), lang)
        }
    }
    .at(path, request_id);
    let original_headers = res.headers().clone();
    let mut rendered = HttpResponse::build(res.status())
        .content_type(PROBLEM_CONTENT_TYPE)
        .json(problem);
    for (name, value) in original_headers.iter() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            rendered.headers_mut().insert(name.clone(), value.clone());
        }
    }
    if lang == Lang::En {
        rendered
            .headers_mut()
            .insert(header::CONTENT_LANGUAGE, HeaderValue::from_static("en"));
    } else {
        rendered
            .headers_mut()
            .insert(header::CONTENT_LANGUAGE, HeaderValue::from_static("vi"));
    }
    Ok(res.into_response(rendered))
}

/// What is wrong with a JSON body, in Vietnamese: serde's English never reaches a Vietnamese
/// reader; the field or value it names (between backticks) is kept.
pub fn json_problem_vi(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let text = e.to_string();
    let quoted = text.split('`').nth(1).map(str::to_owned);
    match e.classify() {
        Category::Eof => "nội dung kết thúc giữa chừng".into(),
        Category::Syntax => "sai cú pháp JSON".into(),
        Category::Io => "không đọc được nội dung".into(),
        Category::Data => match quoted {
            Some(name) if text.starts_with("missing field") => format!("thiếu trường `{name}`"),
            Some(name) if text.starts_with("unknown field") => {
                format!("không có trường `{name}`")
            }
            Some(value) if text.starts_with("unknown variant") => {
                format!("giá trị `{value}` không nằm trong các giá trị cho phép")
            }
            Some(name) if text.starts_with("duplicate field") => {
                format!("trường `{name}` bị lặp")
            }
            _ if text.starts_with("invalid type") => "sai kiểu dữ liệu".into(),
            _ if text.starts_with("invalid length") => "sai số phần tử".into(),
            _ => "giá trị không hợp lệ".into(),
        },
    }
}

fn json_error(err: JsonPayloadError) -> ApiError {
    match err {
        JsonPayloadError::OverflowKnownLength { length, limit } => {
            ApiError::new(ErrorCode::PayloadTooLarge).with_detail(
                format!("Dữ liệu gửi lên dài {length} byte, vượt giới hạn {limit} byte"),
                format!("The body is {length} bytes, over the limit of {limit} bytes"),
            )
        }
        JsonPayloadError::Overflow { limit } => ApiError::new(ErrorCode::PayloadTooLarge)
            .with_detail(
                format!("Dữ liệu gửi lên vượt giới hạn {limit} byte"),
                format!("The body is over the limit of {limit} bytes"),
            ),
        JsonPayloadError::ContentType => ApiError::new(ErrorCode::UnsupportedMediaType)
            .with_detail(
                "Nội dung phải là application/json",
                "The body must be application/json",
            ),
        JsonPayloadError::Deserialize(e) => {
            let (line, column) = (e.line(), e.column());
            ApiError::new(ErrorCode::MalformedBody).with_detail(
                format!(
                    "JSON không hợp lệ (dòng {line}, cột {column}): {}",
                    json_problem_vi(&e)
                ),
                format!("Invalid JSON (line {line}, column {column}): {e}"),
            )
        }
        other => ApiError::new(ErrorCode::MalformedBody).with_detail(
            "Không đọc được nội dung yêu cầu",
            format!("The body could not be read: {other}"),
        ),
    }
}

/// JSON, path and query extractor configurations whose errors are problems.
pub fn extractor_configs(
    max_body_bytes: usize,
) -> (
    web::JsonConfig,
    web::PathConfig,
    web::QueryConfig,
    web::PayloadConfig,
) {
    let json = web::JsonConfig::default()
        .limit(max_body_bytes)
        .error_handler(|err, _req| json_error(err).into());
    let path = web::PathConfig::default().error_handler(|err: PathError, _req| {
        ApiError::new(ErrorCode::InvalidPath)
            .with_detail(
                format!("Tham số đường dẫn không hợp lệ: {err}"),
                format!("Invalid path parameter: {err}"),
            )
            .into()
    });
    let query = web::QueryConfig::default().error_handler(|err: QueryPayloadError, _req| {
        ApiError::new(ErrorCode::InvalidQuery)
            .with_detail(
                format!("Tham số truy vấn không hợp lệ: {err}"),
                format!("Invalid query parameter: {err}"),
            )
            .into()
    });
    let payload = web::PayloadConfig::default().limit(max_body_bytes);
    (json, path, query, payload)
}

/// The default service: a `not_found` problem for any unknown route.
pub async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::new(ErrorCode::NotFound))
}

#[cfg(test)]
mod vietnamese_json_tests {
    use super::json_problem_vi;

    fn problem(body: &str) -> String {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Input {
            year: i32,
            kind: Kind,
        }
        #[derive(Debug, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        enum Kind {
            Technical,
        }
        json_problem_vi(&serde_json::from_str::<Input>(body).unwrap_err())
    }

    #[test]
    fn a_vietnamese_malformed_body_carries_no_parser_english() {
        assert_eq!(problem(r#"{"year": 2022}"#), "thiếu trường `kind`");
        assert_eq!(
            problem(r#"{"year": 2022, "kind": "technical", "x": 1}"#),
            "không có trường `x`"
        );
        assert_eq!(
            problem(r#"{"year": 2022, "kind": "magic"}"#),
            "giá trị `magic` không nằm trong các giá trị cho phép"
        );
        assert_eq!(
            problem(r#"{"year": "2022", "kind": "technical"}"#),
            "sai kiểu dữ liệu"
        );
        assert_eq!(problem(r#"{"year": "#), "nội dung kết thúc giữa chừng");
        assert_eq!(problem(r#"{"year" 1}"#), "sai cú pháp JSON");
        for english in ["missing", "expected", "invalid", "unknown", "field"] {
            assert!(!problem(r#"{"year": true}"#).contains(english));
        }
    }
}
