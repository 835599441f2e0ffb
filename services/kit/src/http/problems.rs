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
                format!("JSON không hợp lệ (dòng {line}, cột {column}): {e}"),
                format!("Invalid JSON (line {line}, column {column}): {e}"),
            )
        }
        other => ApiError::new(ErrorCode::MalformedBody).with_detail(
            format!("Không đọc được nội dung yêu cầu: {other}"),
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
