//! `ApiError`: what handlers return; rendered as problem+json by [`crate::http::problems`].

use actix_web::{HttpResponse, ResponseError, http::StatusCode};
use sangkien_proto::{ErrorCode, FieldError, Lang, Problem, problem::PROBLEM_CONTENT_TYPE};

/// A text in both languages of the interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Localized {
    /// Vietnamese.
    pub vi: String,
    /// English.
    pub en: String,
}

impl Localized {
    /// Both texts.
    pub fn new(vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            vi: vi.into(),
            en: en.into(),
        }
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        lang.pick(&self.vi, &self.en)
    }
}

/// One offending field, in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldIssue {
    /// Path of the field (`authors[1].share`).
    pub field: String,
    /// Rule broken (`required`, `out_of_range`).
    pub code: String,
    /// What is wrong.
    pub message: Localized,
}

/// Collects every problem of a request body, so the answer lists them all at once.
#[derive(Debug, Default)]
pub struct Issues(Vec<FieldIssue>);

impl Issues {
    /// No problems yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a problem.
    pub fn push(
        &mut self,
        field: impl Into<String>,
        code: &str,
        vi: impl Into<String>,
        en: impl Into<String>,
    ) {
        self.0.push(FieldIssue {
            field: field.into(),
            code: code.to_owned(),
            message: Localized::new(vi, en),
        });
    }

    /// Checks a required text of at most `max` characters; returns it trimmed.
    pub fn text(&mut self, field: &str, value: &str, max: usize) -> String {
        let v = value.trim();
        if v.is_empty() {
            self.push(
                field,
                "required",
                format!("Cần nhập {field}"),
                format!("{field} is required"),
            );
        } else if v.chars().count() > max {
            self.push(
                field,
                "too_long",
                format!("{field} dài tối đa {max} ký tự"),
                format!("{field} may have at most {max} characters"),
            );
        }
        v.to_owned()
    }

    /// True when nothing is wrong so far.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok` when nothing is wrong, otherwise a validation error listing everything.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::validation(self.0))
        }
    }
}

/// An error answered to a client: a stable code, a detail in both languages, the fields at
/// fault, and for the unexpected the cause, which is logged and never sent.
#[derive(Debug)]
pub struct ApiError {
    /// The code.
    pub code: ErrorCode,
    /// The detail; the code's title when absent.
    pub detail: Option<Localized>,
    /// Offending fields.
    pub errors: Vec<FieldIssue>,
    /// The cause of an internal error, for the log only.
    pub source: Option<anyhow::Error>,
    /// Seconds after which to retry (`Retry-After`), for 429 and 503.
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// An error with the code's own title as detail.
    pub fn new(code: ErrorCode) -> Self {
        Self {
            code,
            detail: None,
            errors: Vec::new(),
            source: None,
            retry_after: None,
        }
    }

    /// Sets `Retry-After`.
    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.retry_after = Some(secs);
        self
    }

    /// Sets the detail.
    pub fn with_detail(mut self, vi: impl Into<String>, en: impl Into<String>) -> Self {
        self.detail = Some(Localized::new(vi, en));
        self
    }

    /// A validation error listing every issue.
    pub fn validation(errors: Vec<FieldIssue>) -> Self {
        let n = errors.len();
        Self {
            code: ErrorCode::ValidationFailed,
            detail: Some(Localized::new(
                format!("Có {n} lỗi trong dữ liệu gửi lên"),
                format!("{n} problem(s) in the request"),
            )),
            errors,
            source: None,
            retry_after: None,
        }
    }

    /// An unexpected failure; `err` goes to the log with the request id.
    ///
    /// A dependency that cannot be reached ([`crate::outage::is_outage`]) is not unexpected:
    /// it becomes `503 service_unavailable` with `Retry-After`, since the same request will
    /// succeed once the database or broker answers again. Every handler that lets a database
    /// error through (`?`, `map_err(ApiError::internal)`) answers so without knowing it.
    pub fn internal(err: impl Into<anyhow::Error>) -> Self {
        let err = err.into();
        if crate::outage::is_outage(&err) {
            return Self::unavailable(err);
        }
        Self {
            code: ErrorCode::Internal,
            detail: None,
            errors: Vec::new(),
            source: Some(err),
            retry_after: None,
        }
    }

    /// A dependency outage: `503 service_unavailable` with `Retry-After`; `err` is logged.
    pub fn unavailable(err: impl Into<anyhow::Error>) -> Self {
        Self {
            code: ErrorCode::ServiceUnavailable,
            detail: None,
            errors: Vec::new(),
            source: Some(err.into()),
            retry_after: Some(crate::outage::RETRY_AFTER_SECS),
        }
    }

    /// The problem body in `lang`.
    pub fn to_problem(&self, lang: Lang) -> Problem {
        let mut p = Problem::new(self.code, lang);
        if let Some(d) = &self.detail {
            p = p.with_detail(d.get(lang));
        }
        p.with_errors(
            self.errors
                .iter()
                .map(|e| FieldError {
                    field: e.field.clone(),
                    code: e.code.clone(),
                    message: e.message.get(lang).to_owned(),
                })
                .collect(),
        )
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.code.as_str())?;
        if let Some(s) = &self.source {
            write!(f, ": {s:#}")?;
        }
        Ok(())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status_code());
        res.content_type(PROBLEM_CONTENT_TYPE);
        if let Some(secs) = self.retry_after {
            res.insert_header(("Retry-After", secs.to_string()));
        }
        res.json(self.to_problem(Lang::Vi))
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(e: sea_orm::DbErr) -> Self {
        ApiError::internal(e)
    }
}

impl From<sea_orm::TransactionError<ApiError>> for ApiError {
    fn from(e: sea_orm::TransactionError<ApiError>) -> Self {
        match e {
            sea_orm::TransactionError::Connection(db) => ApiError::internal(db),
            sea_orm::TransactionError::Transaction(api) => api,
        }
    }
}
