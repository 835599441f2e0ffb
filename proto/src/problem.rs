//! The problem+json body (RFC 9457) and the table of stable error codes.
//!
//! Every HTTP error of every process is a [`Problem`]. Clients branch on `code`, never on
//! `title` or `detail`, which are for people and come in Vietnamese by default or English when
//! the request says `Accept-Language: en`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The language of human text in answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Vietnamese, the default.
    #[default]
    Vi,
    /// English, on `Accept-Language: en`.
    En,
}

impl Lang {
    /// Picks the language from an `Accept-Language` header: the first of `vi` or `en` by
    /// preference (q-values honoured); Vietnamese when neither is named.
    pub fn from_accept_language(header: Option<&str>) -> Lang {
        let Some(header) = header else {
            return Lang::Vi;
        };
        let mut choices: Vec<(f32, Lang)> = header
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.trim().split(';');
                let tag = pieces.next()?.trim().to_ascii_lowercase();
                let q = pieces
                    .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse().ok()))
                    .unwrap_or(1.0);
                let primary = tag.split('-').next().unwrap_or_default();
                match primary {
                    "vi" => Some((q, Lang::Vi)),
                    "en" => Some((q, Lang::En)),
                    _ => None,
                }
            })
            .collect();
        choices.sort_by(|a, b| b.0.total_cmp(&a.0));
        choices.first().map(|c| c.1).unwrap_or_default()
    }

    /// Chooses between a Vietnamese and an English text.
    pub fn pick<'a>(self, vi: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }
}

macro_rules! error_codes {
    ($( $(#[$doc:meta])* $variant:ident = ($code:literal, $status:literal, $vi:literal, $en:literal), )*) => {
        /// A stable, machine-readable error code with its HTTP status and titles.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum ErrorCode {
            $( $(#[$doc])* $variant, )*
        }

        impl ErrorCode {
            /// Every code, for the documentation table and tests.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The snake_case code clients branch on.
            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code,)* }
            }

            /// The HTTP status this code is always answered with.
            pub fn status(self) -> u16 {
                match self { $(ErrorCode::$variant => $status,)* }
            }

            /// The short human title in the requested language.
            pub fn title(self, lang: Lang) -> &'static str {
                match self { $(ErrorCode::$variant => lang.pick($vi, $en),)* }
            }
        }
    };
}

error_codes! {
    /// The request body or parameters break one or more rules; `errors` lists each.
    ValidationFailed = ("validation_failed", 422, "Dữ liệu không hợp lệ", "The request is not valid"),
    /// The body is not well-formed JSON or does not have the expected shape.
    MalformedBody = ("malformed_body", 400, "Nội dung yêu cầu không đúng định dạng", "The request body is malformed"),
    /// A path parameter could not be read (for example a malformed id).
    InvalidPath = ("invalid_path", 400, "Tham số đường dẫn không hợp lệ", "A path parameter is invalid"),
    /// A query parameter could not be read.
    InvalidQuery = ("invalid_query", 400, "Tham số truy vấn không hợp lệ", "A query parameter is invalid"),
    /// A header is missing or malformed.
    InvalidHeader = ("invalid_header", 400, "Tiêu đề yêu cầu không hợp lệ", "A request header is invalid"),
    /// The body is larger than this route accepts.
    PayloadTooLarge = ("payload_too_large", 413, "Dữ liệu gửi lên vượt quá giới hạn cho phép", "The request body is too large"),
    /// The body's media type is not accepted here.
    UnsupportedMediaType = ("unsupported_media_type", 415, "Định dạng dữ liệu không được hỗ trợ", "The media type is not supported"),
    /// No route or resource at this address.
    NotFound = ("not_found", 404, "Không tìm thấy", "Not found"),
    /// The route exists but not for this method.
    MethodNotAllowed = ("method_not_allowed", 405, "Phương thức không được hỗ trợ", "Method not allowed"),
    /// No valid credentials were presented.
    Unauthenticated = ("unauthenticated", 401, "Chưa xác thực hoặc phiên đăng nhập đã hết hạn", "Authentication is required"),
    /// The caller is known but may not do this.
    Forbidden = ("forbidden", 403, "Không có quyền thực hiện thao tác này", "You are not allowed to do this"),
    /// The request conflicts with the current state.
    Conflict = ("conflict", 409, "Xung đột với trạng thái hiện tại", "The request conflicts with the current state"),
    /// The resource changed since the ETag given in `If-Match`.
    PreconditionFailed = ("precondition_failed", 412, "Dữ liệu đã bị thay đổi bởi người khác", "The resource has changed since you read it"),
    /// An update was sent without `If-Match`.
    PreconditionRequired = ("precondition_required", 428, "Thiếu tiêu đề If-Match", "If-Match is required"),
    /// The same `Idempotency-Key` was used with a different request.
    IdempotencyKeyReused = ("idempotency_key_reused", 422, "Khóa Idempotency-Key đã được dùng cho một yêu cầu khác", "This Idempotency-Key was used for another request"),
    /// Too many requests; retry after the time in `Retry-After`.
    RateLimited = ("rate_limited", 429, "Quá nhiều yêu cầu, vui lòng thử lại sau", "Too many requests, retry later"),
    /// A service behind the gateway did not answer.
    UpstreamUnavailable = ("upstream_unavailable", 503, "Dịch vụ tạm thời không phản hồi", "A service did not answer"),
    /// A service behind the gateway answered too slowly.
    UpstreamTimeout = ("upstream_timeout", 504, "Dịch vụ phản hồi quá chậm", "A service answered too slowly"),
    /// A dependency (database, broker) is not reachable.
    ServiceUnavailable = ("service_unavailable", 503, "Dịch vụ tạm thời không sẵn sàng", "The service is temporarily unavailable"),
    /// Something unexpected failed; details are in the server log under the request id.
    Internal = ("internal", 500, "Lỗi hệ thống, vui lòng thử lại sau", "Internal error, please retry later"),
    /// Sign-in failed; the answer never says whether the name or the password was wrong.
    InvalidCredentials = ("invalid_credentials", 401, "Tên đăng nhập hoặc mật khẩu không đúng", "Wrong sign-in name or password"),
    /// The refresh token is unknown, expired, revoked or was already used.
    InvalidRefreshToken = ("invalid_refresh_token", 401, "Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại", "The session has ended, please sign in again"),
    /// The sign-in name is taken.
    UsernameTaken = ("username_taken", 409, "Tên đăng nhập đã được dùng", "This sign-in name is taken"),
    /// The e-mail address is taken.
    EmailTaken = ("email_taken", 409, "Địa chỉ e-mail đã được dùng", "This e-mail address is taken"),
    /// The code is already used in this scope.
    CodeTaken = ("code_taken", 409, "Mã đã được dùng", "This code is already used"),
    /// The role is already granted on that unit.
    GrantExists = ("grant_exists", 409, "Vai trò này đã được cấp trên đơn vị đó", "This role is already granted on that unit"),
    /// No such tenant (or not visible to the caller).
    TenantNotFound = ("tenant_not_found", 404, "Không tìm thấy cơ quan", "Tenant not found"),
    /// No such unit.
    UnitNotFound = ("unit_not_found", 404, "Không tìm thấy đơn vị", "Unit not found"),
    /// No such user.
    UserNotFound = ("user_not_found", 404, "Không tìm thấy người dùng", "User not found"),
    /// No such grant.
    GrantNotFound = ("grant_not_found", 404, "Không tìm thấy quyền", "Grant not found"),
    /// The probe does not exist.
    ProbeNotFound = ("probe_not_found", 404, "Không tìm thấy bản tin kiểm tra", "Probe not found"),
    /// No such plan in the caller's tenant (or not published yet).
    PlanNotFound = ("plan_not_found", 404, "Không tìm thấy kế hoạch", "Plan not found"),
    /// No such dossier, or the caller may not see it.
    DossierNotFound = ("dossier_not_found", 404, "Không tìm thấy hồ sơ", "Dossier not found"),
    /// No such attachment on this dossier.
    AttachmentNotFound = ("attachment_not_found", 404, "Không tìm thấy tệp đính kèm", "Attachment not found"),
    /// The action does not fit the resource's current status; the detail names both.
    InvalidTransition = ("invalid_transition", 409, "Không thể thực hiện ở trạng thái hiện tại", "Not possible in the current status"),
    /// The reviewer is an author, of an author's unit, confirmed the dossier, or declared a
    /// conflict: they may neither be assigned nor open it; the detail names the reason.
    ConflictOfInterest = ("conflict_of_interest", 403, "Người chấm có xung đột lợi ích với hồ sơ", "The reviewer has a conflict of interest"),
    /// Outside the receive window (or past the correction deadline); the detail names the window.
    WindowClosed = ("window_closed", 409, "Ngoài thời gian nhận hồ sơ", "Outside the receive window"),
    /// The appraisal stage's window has ended or its result is recorded: sheets and votes are
    /// closed; the detail names the stage and its last day.
    StageClosed = ("stage_closed", 409, "Vòng thẩm định đã kết thúc", "The appraisal stage is closed"),
    /// The sitting cannot conclude; the detail and `errors` name each quorum rule broken.
    QuorumNotMet = ("quorum_not_met", 409, "Phiên họp không đủ điều kiện để kết luận", "The sitting does not meet its quorum"),
    /// The head of the recognising body is an author: only the council may conclude, without
    /// the head.
    CouncilRequired = ("council_required", 409, "Hồ sơ phải được Hội đồng sáng kiến xét", "The dossier must go before the council"),
    /// An amount per unit is above the maximum of the rate that applies (Circular 03/2019/TT-BTC
    /// or a provincial resolution); the detail and `errors` name the legal basis, maximum and validity.
    RateAboveCap = ("rate_above_cap", 422, "Mức chi vượt mức tối đa được phép", "The rate is above the allowed maximum"),
    /// No rate of this spending line is in force on the date (before its validity, or after it ended).
    RateNotInForce = ("rate_not_in_force", 422, "Không có mức chi có hiệu lực vào ngày này", "No rate is in force on this date"),
    /// The voucher number is already booked in this recognising body.
    VoucherTaken = ("voucher_taken", 409, "Số chứng từ đã được ghi nhận", "This voucher number is already booked"),
    /// The estimate is approved (or superseded) and locked: open a revision to change it.
    EstimateLocked = ("estimate_locked", 409, "Dự toán đã được phê duyệt, không sửa được", "The estimate is approved and locked"),
    /// The year's settlement is done: no expense is accepted any more.
    YearSettled = ("year_settled", 409, "Năm ngân sách đã quyết toán", "The budget year is settled"),
    /// No such recognition decision in the caller's tenant.
    DecisionNotFound = ("decision_not_found", 404, "Không tìm thấy quyết định", "Decision not found"),
    /// The decision is signed and numbered: it can no longer change.
    DecisionIssued = ("decision_issued", 409, "Quyết định đã ký ban hành, không sửa được", "The decision is signed and can no longer change"),
    /// The recognising body's profile (name, symbol, signers) is not configured yet.
    BodyProfileMissing = ("body_profile_missing", 409, "Chưa cấu hình thông tin cơ quan ban hành", "The issuing body is not configured"),
    /// The signer has no title in the body profile, so the signature block cannot be printed.
    SignerNotConfigured = ("signer_not_configured", 409, "Người ký chưa được cấu hình chức danh", "The signer has no configured title"),
    /// A signed link's signature does not match its path and expiry (tampered or not ours).
    LinkInvalid = ("link_invalid", 403, "Đường dẫn chia sẻ không hợp lệ", "The shared link is not valid"),
    /// A signed link has expired; ask for a new one.
    LinkExpired = ("link_expired", 410, "Đường dẫn chia sẻ đã hết hạn", "The shared link has expired"),
    /// No such nomination to the provincial DOST system in the caller's tenant.
    NominationNotFound = ("nomination_not_found", 404, "Không tìm thấy đề nghị gửi Sở KH&CN", "Nomination not found"),
    /// The dossier is already in a nomination to the provincial DOST system.
    AlreadyNominated = ("already_nominated", 409, "Sáng kiến đã được đề nghị lên Sở KH&CN", "The initiative is already nominated"),
}

/// One offending field of a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FieldError {
    /// Path of the field in the request (`authors[1].share`), or the parameter name.
    pub field: String,
    /// Machine code of the rule broken (`required`, `too_long`, `out_of_range`).
    pub code: String,
    /// Human message in the requested language.
    pub message: String,
}

/// An `application/problem+json` body (RFC 9457) with sangkien's extensions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// URI of the problem type: `urn:sangkien:problem:<code>`.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// Short human title of the code.
    pub title: String,
    /// HTTP status.
    pub status: u16,
    /// Stable machine code; clients branch on this.
    pub code: ErrorCode,
    /// What happened in this case, for people.
    pub detail: String,
    /// The request path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// The request id, to find the matching log lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Every offending field, for validation errors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// The media type of problem bodies.
pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

impl Problem {
    /// A problem with the code's own title as detail.
    pub fn new(code: ErrorCode, lang: Lang) -> Self {
        Self {
            problem_type: format!("urn:sangkien:problem:{}", code.as_str()),
            title: code.title(lang).to_owned(),
            status: code.status(),
            code,
            detail: code.title(lang).to_owned(),
            instance: None,
            request_id: None,
            errors: Vec::new(),
        }
    }

    /// Sets the human detail.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }

    /// Sets the offending fields.
    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.errors = errors;
        self
    }

    /// Sets the request path and request id.
    pub fn at(mut self, instance: impl Into<String>, request_id: Option<String>) -> Self {
        self.instance = Some(instance.into());
        self.request_id = request_id;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn error_codes_are_unique_snake_case_and_have_error_statuses() {
        let mut seen = HashSet::new();
        for code in ErrorCode::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "duplicate code {s}");
            assert!(s.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{s}");
            assert!((400..600).contains(&code.status()), "{s}");
            assert_eq!(serde_json::to_value(code).unwrap(), serde_json::json!(s));
            assert_ne!(
                code.title(Lang::Vi),
                code.title(Lang::En),
                "{s} lacks a translation"
            );
        }
    }

    #[test]
    fn accept_language_picks_english_only_when_preferred() {
        assert_eq!(Lang::from_accept_language(None), Lang::Vi);
        assert_eq!(Lang::from_accept_language(Some("en")), Lang::En);
        assert_eq!(Lang::from_accept_language(Some("en-US,en;q=0.9")), Lang::En);
        assert_eq!(Lang::from_accept_language(Some("vi-VN,en;q=0.8")), Lang::Vi);
        assert_eq!(Lang::from_accept_language(Some("fr, en;q=0.5")), Lang::En);
        assert_eq!(
            Lang::from_accept_language(Some("vi;q=0.4, en;q=0.6")),
            Lang::En
        );
        assert_eq!(Lang::from_accept_language(Some("de")), Lang::Vi);
    }

    #[test]
    fn problem_body_has_the_rfc_9457_members_and_the_code() {
        let p = Problem::new(ErrorCode::NotFound, Lang::En).at("/x", Some("r1".into()));
        let v = serde_json::to_value(&p).unwrap();
        assert_eq!(v["type"], "urn:sangkien:problem:not_found");
        assert_eq!(v["status"], 404);
        assert_eq!(v["code"], "not_found");
        assert_eq!(v["title"], "Not found");
        assert_eq!(v["instance"], "/x");
        assert!(v.get("errors").is_none());
    }
}

#[cfg(test)]
mod docs_tests {
    use super::ErrorCode;

    #[test]
    fn docs_list_every_error_code() {
        let doc = include_str!("../../docs/errors.md");
        for code in ErrorCode::ALL {
            let cell = format!("| `{}` | {} |", code.as_str(), code.status());
            assert!(doc.contains(&cell), "docs/errors.md lacks {cell}");
        }
    }
}
