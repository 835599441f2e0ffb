//! Lists: cursor pagination with a bounded page size, and optimistic concurrency with ETags.

use actix_web::{HttpRequest, http::header};
use serde::Deserialize;
use uuid::Uuid;

use sangkien_proto::ErrorCode;

use crate::error::{ApiError, FieldIssue, Localized};

/// Largest page.
pub const MAX_PAGE: u64 = 100;
/// Page size when none is asked for.
pub const DEFAULT_PAGE: u64 = 50;

/// `?limit=&cursor=&q=`: page size, the id after which to continue, and a search text.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page, 1–100 (default 50).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Text to search for.
    pub q: Option<String>,
}

impl PageQuery {
    /// The page size, checked.
    pub fn limit(&self) -> Result<u64, ApiError> {
        match self.limit {
            None => Ok(DEFAULT_PAGE),
            Some(n) if (1..=MAX_PAGE).contains(&n) => Ok(n),
            Some(_) => Err(ApiError::validation(vec![FieldIssue {
                field: "limit".into(),
                code: "out_of_range".into(),
                message: Localized::new(
                    format!("limit phải từ 1 đến {MAX_PAGE}"),
                    format!("limit must be between 1 and {MAX_PAGE}"),
                ),
            }])),
        }
    }

    /// The cursor as an id, checked.
    pub fn cursor(&self) -> Result<Option<Uuid>, ApiError> {
        self.cursor
            .as_deref()
            .map(|c| {
                Uuid::parse_str(c).map_err(|_| {
                    ApiError::validation(vec![FieldIssue {
                        field: "cursor".into(),
                        code: "invalid".into(),
                        message: Localized::new("cursor không hợp lệ", "cursor is not valid"),
                    }])
                })
            })
            .transpose()
    }

    /// The search text, trimmed, lowercase, if any.
    pub fn search(&self) -> Option<String> {
        self.q
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(str::to_lowercase)
    }
}

/// The cursor of the next page: the last id when the page is full.
pub fn next_cursor(ids: &[Uuid], limit: u64) -> Option<String> {
    (ids.len() as u64 == limit)
        .then(|| ids.last().map(Uuid::to_string))
        .flatten()
}

/// The ETag of a resource at `version`.
pub fn etag(version: i32) -> String {
    format!("\"{version}\"")
}

/// Requires `If-Match` to name the current `version`: 428 without it, 412 when stale.
pub fn require_if_match(req: &HttpRequest, version: i32) -> Result<(), ApiError> {
    let Some(value) = req.headers().get(header::IF_MATCH) else {
        return Err(ApiError::new(ErrorCode::PreconditionRequired).with_detail(
            "Cần gửi If-Match với ETag đã đọc để tránh ghi đè thay đổi của người khác",
            "Send If-Match with the ETag you read, so nobody's change is overwritten",
        ));
    };
    let given = value
        .to_str()
        .unwrap_or_default()
        .trim()
        .trim_start_matches("W/");
    if given == "*" || given == etag(version) {
        Ok(())
    } else {
        Err(ApiError::new(ErrorCode::PreconditionFailed).with_detail(
            format!(
                "Dữ liệu đã thay đổi (phiên bản hiện tại {}), hãy tải lại",
                etag(version)
            ),
            format!(
                "The resource has changed (now {}); read it again",
                etag(version)
            ),
        ))
    }
}
