//! Rates (the national seeds and provincial resolutions) and the tenant's budget profile.

use actix_web::{HttpRequest, HttpResponse, web};
use sea_orm::{ActiveValue::Set, EntityTrait};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use sangkien_kit::http::with_location;
use sangkien_kit::{
    ApiError,
    audit::{self, AuditEntry},
    auth::Caller,
    clock::local_date,
    db::begin_write,
    error::Issues,
    http::paging::{PageQuery, etag, next_cursor, require_if_match},
    service::ServiceContext,
};
use sangkien_proto::ErrorCode;

use super::{ADMINS, READERS, views::RateView};
use crate::budget::{
    domain::{
        money::MAX_AMOUNT,
        rates::{LINES, applicable, line_kind, payee_fits},
    },
    store::{
        entities::{profile, rate},
        queries::{profile_of, rates_of, to_rate},
        writes,
    },
};

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/budget/rates", web::get().to(list_rates))
        .route("/budget/rates", web::post().to(create_rate))
        .route("/budget/rates/applicable", web::get().to(applicable_rates))
        .route("/budget/profile", web::get().to(get_profile))
        .route("/budget/profile", web::put().to(put_profile));
}

/// A provincial rate (People's Council resolution) for a jurisdiction and council tier.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RateInput {
    pub line_code: String,
    pub payee_role: Option<String>,
    /// `Nghị quyết 10/2022/NQ-HĐND ngày …`.
    pub legal_basis: String,
    pub unit: String,
    /// Maximum in đồng; omitted for invoice lines.
    pub max_amount: Option<i64>,
    pub valid_from: chrono::NaiveDate,
    pub valid_to: Option<chrono::NaiveDate>,
    /// Province code, as in the profiles.
    pub jurisdiction: String,
    /// Omitted: every tier of the jurisdiction.
    pub council_tier: Option<String>,
}

/// A page of rates.
#[derive(Debug, Serialize, ToSchema)]
pub struct RatePage {
    pub items: Vec<RateView>,
    pub next_cursor: Option<String>,
}

/// The budget profile of the caller's body.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileBody {
    /// Province code (`phu-tho`).
    pub jurisdiction: String,
    /// `province`, `commune`, `district`, `department`, `school`, `enterprise`, …
    pub council_tier: String,
}

/// `?on=` date.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OnQuery {
    /// Local date (default today).
    pub on: Option<chrono::NaiveDate>,
}

/// The rates the caller's body sees: the national maxima and its own resolutions.
#[utoipa::path(
    get,
    path = "/api/v1/decision/budget/rates",
    tag = "budget",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of the rates the body sees: national maxima and its own resolutions", body = RatePage),
        (status = 422, description = "Bad `limit` or `cursor`", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 400, description = "A query parameter is malformed (`invalid_query`)", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or bad bearer token", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a council secretariat, finance office, signer or admin caller", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn list_rates(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(READERS)?;
    let (limit, cursor) = (q.limit()?, q.cursor()?);
    let all = rates_of(&ctx.db, caller.tenant).await?;
    let items: Vec<RateView> = all
        .iter()
        .filter(|r| cursor.is_none_or(|c| r.id > c))
        .take(limit as usize)
        .map(RateView::from)
        .collect();
    let ids: Vec<Uuid> = items.iter().map(|r| r.id).collect();
    Ok(HttpResponse::Ok().json(RatePage {
        next_cursor: next_cursor(&ids, limit),
        items,
    }))
}

/// The rate that applies to each line and payee role on a date, for the body's profile.
#[utoipa::path(
    get,
    path = "/api/v1/decision/budget/rates/applicable",
    tag = "budget",
    params(OnQuery),
    responses(
        (status = 200, description = "The rate applying to each line and payee role on the date", body = Vec<RateView>),
        (status = 400, description = "`on` is not a date (`invalid_query`)", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or bad bearer token", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a council secretariat, finance office, signer or admin caller", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn applicable_rates(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    q: web::Query<OnQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(READERS)?;
    let on = q.on.unwrap_or_else(|| local_date(ctx.clock.now()));
    let rates = rates_of(&ctx.db, caller.tenant).await?;
    let profile = profile_of(&ctx.db, caller.tenant).await?;
    let mut out = Vec::new();
    for l in LINES {
        let roles: Vec<Option<&str>> = if l.payee_roles.is_empty() {
            vec![None]
        } else {
            l.payee_roles.iter().map(|r| Some(*r)).collect()
        };
        for role in roles {
            if let Some(r) = applicable(&rates, l.code, role, on, profile.as_ref()) {
                out.push(RateView::from(r));
            }
        }
    }
    Ok(HttpResponse::Ok().json(out))
}

/// Enters a provincial resolution's rate.
#[utoipa::path(
    post,
    path = "/api/v1/decision/budget/rates",
    tag = "budget",
    request_body = RateInput,
    responses(
        (status = 201, description = "The rate entered", body = RateView, headers(("Location" = String, description = "The path of what was created (or of the list it joined): follow it to read it"))),
        (status = 422, description = "Every problem, including a rate above the national maximum", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 400, description = "The body is not valid JSON of this shape (`malformed_body`)", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or bad bearer token", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin caller", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn create_rate(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    body: web::Json<RateInput>,
) -> Result<HttpResponse, ApiError> {
    let role = caller.require_any(ADMINS)?;
    let b = body.into_inner();
    let checked = checked_rate(&b)?;
    let now = ctx.clock.now();
    let m = rate_row(&caller, b, checked, now);
    let view = RateView::from(&to_rate(&m));
    let txn = begin_write(&ctx.db).await?;
    writes::insert_rate(&txn, m).await?;
    audit::record(&txn, &caller, now, AuditEntry {
        action: "budget.rate.created",
        subject_type: "budget_rate",
        subject_id: view.id,
        role: role.as_str(),
        details: serde_json::json!({ "after": view.rule, "line_code": view.line_code, "payee_role": view.payee_role, "max_amount": view.max_amount }),
    })
    .await?;
    txn.commit().await?;
    Ok(with_location(
        HttpResponse::Created().json(view),
        "/api/v1/decision/budget/rates",
    ))
}

/// The texts of a rate, trimmed and checked.
struct CheckedRate {
    legal_basis: String,
    unit: String,
    jurisdiction: String,
}

/// Checks a rate in full, collecting every issue: known line and payee, texts, amount and
/// dates, and the national maximum it may not exceed.
fn checked_rate(b: &RateInput) -> Result<CheckedRate, ApiError> {
    let mut issues = Issues::new();
    match line_kind(&b.line_code) {
        None => issues.push(
            "line_code",
            "unknown",
            "Không có nội dung chi này",
            "No such spending line",
        ),
        Some(l) if !payee_fits(l, b.payee_role.as_deref()) => issues.push(
            "payee_role",
            "not_of_this_line",
            "Đối tượng chi không thuộc nội dung chi này",
            "This payee role is not one of the line's",
        ),
        _ => {}
    }
    let legal_basis = issues.text("legal_basis", &b.legal_basis, 300);
    let unit = issues.text("unit", &b.unit, 60);
    let jurisdiction = issues.text("jurisdiction", &b.jurisdiction, 60);
    if let Some(m) = b.max_amount
        && !(0..=MAX_AMOUNT).contains(&m)
    {
        issues.push(
            "max_amount",
            "out_of_range",
            "Mức tối đa không hợp lệ",
            "The maximum is out of range",
        );
    }
    if b.valid_to.is_some_and(|t| t < b.valid_from) {
        issues.push(
            "valid_to",
            "before_valid_from",
            "Ngày hết hiệu lực trước ngày có hiệu lực",
            "valid_to is before valid_from",
        );
    }
    if let Some(cap) = crate::budget::domain::rates::national_cap_broken(
        &b.line_code,
        b.payee_role.as_deref(),
        b.valid_from,
        b.max_amount,
    ) {
        issues.push(
            "max_amount",
            "above_national_cap",
            format!(
                "Thông tư 03/2019/TT-BTC quy định mức tối đa {} đồng; nghị quyết của tỉnh chỉ được quy định thấp hơn hoặc bằng",
                crate::budget::domain::money::format_dong(cap)
            ),
            format!("Circular 03/2019/TT-BTC caps this at {cap} VND; a provincial rate may only be at or below it"),
        );
    }
    if let Some(tier) = b.council_tier.as_ref().filter(|t| !t.trim().is_empty()) {
        issues.text("council_tier", tier, 40);
    }
    issues.finish()?;
    Ok(CheckedRate {
        legal_basis,
        unit,
        jurisdiction,
    })
}

/// The stored row of a checked rate of the caller's body.
fn rate_row(
    caller: &Caller,
    b: RateInput,
    c: CheckedRate,
    now: chrono::DateTime<chrono::Utc>,
) -> rate::Model {
    rate::Model {
        id: Uuid::now_v7(),
        tenant: caller.tenant,
        line_code: b.line_code,
        payee_role: b.payee_role,
        legal_basis: c.legal_basis,
        unit: c.unit,
        max_amount: b.max_amount,
        valid_from: b.valid_from,
        valid_to: b.valid_to,
        jurisdiction: Some(c.jurisdiction),
        council_tier: b
            .council_tier
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty()),
        created_by: caller.user,
        created_at: now,
    }
}

/// The body's profile (404 until an admin sets it; the national maxima apply meanwhile).
#[utoipa::path(
    get,
    path = "/api/v1/decision/budget/profile",
    operation_id = "get_budget_profile",
    tag = "budget",
    responses(
        (status = 200, description = "The body's profile, with its ETag", body = ProfileBody, headers(("ETag" = String, description = "The profile's version"))),
        (status = 404, description = "No profile set yet (the national maxima apply)", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or bad bearer token", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a council secretariat, finance office, signer or admin caller", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn get_profile(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(READERS)?;
    let p = profile::Entity::find_by_id(caller.tenant)
        .one(&ctx.db)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    Ok(HttpResponse::Ok()
        .insert_header(("ETag", etag(p.version)))
        .json(ProfileBody {
            jurisdiction: p.jurisdiction,
            council_tier: p.council_tier,
        }))
}

/// Sets the body's profile; a change needs `If-Match`.
#[utoipa::path(
    put,
    path = "/api/v1/decision/budget/profile",
    operation_id = "put_budget_profile",
    tag = "budget",
    params(("If-Match" = Option<String>, Header, description = "The ETag last read; required once the profile exists")),
    request_body = ProfileBody,
    responses(
        (status = 200, description = "The profile set, with its new ETag", body = ProfileBody, headers(("ETag" = String, description = "The profile's version"))),
        (status = 412, description = "The profile changed since it was read", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every problem", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing while the profile exists", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 400, description = "The body is not valid JSON of this shape (`malformed_body`)", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or bad bearer token", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin caller", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn put_profile(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    req: HttpRequest,
    body: web::Json<ProfileBody>,
) -> Result<HttpResponse, ApiError> {
    let role = caller.require_any(ADMINS)?;
    let mut issues = Issues::new();
    let jurisdiction = issues.text("jurisdiction", &body.jurisdiction, 60);
    let council_tier = issues.text("council_tier", &body.council_tier, 40);
    issues.finish()?;
    let now = ctx.clock.now();
    let txn = begin_write(&ctx.db).await?;
    let before = profile::Entity::find_by_id(caller.tenant).one(&txn).await?;
    let version = match &before {
        Some(p) => {
            require_if_match(&req, p.version)?;
            p.version + 1
        }
        None => 1,
    };
    let am = profile::ActiveModel {
        tenant: Set(caller.tenant),
        jurisdiction: Set(jurisdiction.clone()),
        council_tier: Set(council_tier.clone()),
        version: Set(version),
        updated_by: Set(caller.user),
        updated_at: Set(now),
    };
    if before.is_some() {
        profile::Entity::update(am).exec(&txn).await?;
    } else {
        profile::Entity::insert(am)
            .exec_without_returning(&txn)
            .await?;
    }
    audit::record(&txn, &caller, now, AuditEntry {
        action: "budget.profile.changed",
        subject_type: "budget_profile",
        subject_id: caller.tenant,
        role: role.as_str(),
        details: serde_json::json!({
            "before": before.as_ref().map(|p| serde_json::json!({ "jurisdiction": p.jurisdiction, "council_tier": p.council_tier })),
            "after": { "jurisdiction": jurisdiction, "council_tier": council_tier },
        }),
    })
    .await?;
    txn.commit().await?;
    Ok(HttpResponse::Ok()
        .insert_header(("ETag", etag(version)))
        .json(ProfileBody {
            jurisdiction,
            council_tier,
        }))
}
