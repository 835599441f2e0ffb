//! The nominations' routes: the council secretariat nominates recognised initiatives as
//! typical; the secretariat, the signer and admins follow them and see the package; the
//! province's service account reports its result.

use crate::nominations::domain::NominationStatus;
use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use sangkien_kit::http::with_location;
use sangkien_kit::{
    ApiError, Settings,
    audit::{self, AuditEntry},
    auth::Caller,
    db::begin_write,
    error::Issues,
    events::Outbox,
    http::paging::{PageQuery, etag, next_cursor},
    service::ServiceContext,
};
use sangkien_proto::{
    ErrorCode, Role,
    events::{NominationOutcome, NominationResultReported},
};

use super::{
    domain::result_covers_each_nominated_dossier_once,
    package::{self, Package, dossier_ids_of},
    store::{nom_dossier, nomination, writes},
};

/// Who follows nominations.
pub const READERS: &[Role] = &[Role::CouncilSecretariat, Role::Signer, Role::Admin];
/// Most dossiers in one nomination.
pub const MAX_DOSSIERS: usize = 50;

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/nominations", web::get().to(list_nominations))
        .route("/nominations", web::post().to(create_nomination))
        .route("/nominations/{id}", web::get().to(get_nomination))
        .route("/nominations/{id}/package", web::get().to(get_package))
        .route("/nominations/{id}/result", web::post().to(report_result))
        .route(
            "/nominations/{id}/resend",
            web::post().to(resend_nomination),
        );
}

/// A nomination to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NominationInput {
    /// Dossiers recognised by an issued decision, 1–50, each nominated once.
    pub dossier_ids: Vec<Uuid>,
    /// Why they are typical (at most 4000 characters).
    pub reason: String,
}

/// The result the province reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NominationResultInput {
    /// The province's receipt id, if it gives it again.
    #[serde(default)]
    pub receipt_id: Option<String>,
    /// One outcome per nominated dossier.
    pub outcomes: Vec<NominationOutcome>,
    /// A note on the whole nomination (at most 4000 characters).
    #[serde(default)]
    pub note: String,
}

/// A reported result, as kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NominationResultView {
    pub receipt_id: Option<String>,
    pub outcomes: Vec<NominationOutcome>,
    pub note: String,
    pub reported_at: DateTime<Utc>,
}

/// A nomination as its readers see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NominationView {
    pub id: Uuid,
    /// Pending (waiting to be acknowledged), sent, rejected (a person must look at
    /// `last_error`) or result reported.
    pub status: NominationStatus,
    pub reason: String,
    pub dossier_ids: Vec<Uuid>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    /// Sendings tried.
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    /// The province's receipt id once acknowledged.
    pub receipt_id: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub result: Option<NominationResultView>,
    pub version: i32,
}

/// A page of nominations, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct NominationPage {
    pub items: Vec<NominationView>,
    pub next_cursor: Option<String>,
}

/// The view of `n`.
pub async fn view_of<C: ConnectionTrait>(
    db: &C,
    n: nomination::Model,
) -> Result<NominationView, ApiError> {
    let dossier_ids = dossier_ids_of(db, n.id).await?;
    let result = n
        .result
        .as_deref()
        .map(serde_json::from_str::<NominationResultView>)
        .transpose()
        .map_err(ApiError::internal)?;
    Ok(NominationView {
        id: n.id,
        status: NominationStatus::stored(&n.status)?,
        reason: n.reason,
        dossier_ids,
        created_by: n.created_by,
        created_at: n.created_at,
        attempts: n.attempts,
        next_attempt_at: n.next_attempt_at,
        last_error: n.last_error,
        receipt_id: n.receipt_id,
        sent_at: n.sent_at,
        result,
        version: n.version,
    })
}

fn answer(status: StatusCode, v: NominationView) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header(("ETag", etag(v.version)))
        .json(v)
}

/// The nomination `id` of the caller's tenant.
pub async fn nomination_of<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    id: Uuid,
) -> Result<nomination::Model, ApiError> {
    nomination::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|n| n.tenant == caller.tenant)
        .ok_or_else(|| ApiError::new(ErrorCode::NominationNotFound))
}

/// Lists the tenant's nominations, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/decision/nominations",
    tag = "nominations",
    params(PageQuery),
    responses((status = 200, description = "A page of nominations", body = NominationPage)),
    security(("bearer" = []))
)]
pub async fn list_nominations(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(READERS)?;
    let limit = page.limit()?;
    let mut q = nomination::Entity::find()
        .filter(nomination::Column::Tenant.eq(caller.tenant))
        .order_by_desc(nomination::Column::Id);
    if let Some(c) = page.cursor()? {
        q = q.filter(nomination::Column::Id.lt(c));
    }
    let rows = q.limit(limit).all(&ctx.db).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut items = Vec::with_capacity(rows.len());
    for r in rows {
        items.push(view_of(&ctx.db, r).await?);
    }
    Ok(HttpResponse::Ok().json(NominationPage {
        next_cursor: next_cursor(&ids, limit),
        items,
    }))
}

/// Reads a nomination with its sending state and result; the ETag is its version.
#[utoipa::path(
    get,
    path = "/api/v1/decision/nominations/{id}",
    tag = "nominations",
    params(("id" = Uuid, Path, description = "Nomination id")),
    responses(
        (status = 200, description = "The nomination", body = NominationView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"))),
        (status = 404, description = "No such nomination", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn get_nomination(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(READERS)?;
    let n = nomination_of(&ctx.db, &caller, id.into_inner()).await?;
    Ok(answer(StatusCode::OK, view_of(&ctx.db, n).await?))
}

/// The package as it is sent now (its links signed afresh).
#[utoipa::path(
    get,
    path = "/api/v1/decision/nominations/{id}/package",
    tag = "nominations",
    params(("id" = Uuid, Path, description = "Nomination id")),
    responses(
        (status = 200, description = "The package", body = Package),
        (status = 404, description = "No such nomination", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn get_package(
    ctx: web::Data<ServiceContext>,
    settings: web::Data<Settings>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(READERS)?;
    let n = nomination_of(&ctx.db, &caller, id.into_inner()).await?;
    let p = package::build(&ctx.db, &settings, &n, ctx.clock.now()).await?;
    Ok(HttpResponse::Ok().json(p))
}

/// Nominates initiatives recognised by an issued decision as typical, to be sent to the
/// provincial DOST system (Sở KH&CN); the sender sends it until acknowledged.
#[utoipa::path(
    post,
    path = "/api/v1/decision/nominations",
    tag = "nominations",
    request_body = NominationInput,
    responses(
        (status = 201, description = "Nominated; waiting to be sent", body = NominationView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"), ("Location" = String, description = "The path of what was created (or of the list it joined): follow it to read it"))),
        (status = 409, description = "A dossier is already nominated", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not recognised, unknown or repeated dossiers; no reason", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn create_nomination(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    input: web::Json<NominationInput>,
) -> Result<HttpResponse, ApiError> {
    let role = caller.require_any(&[Role::CouncilSecretariat])?;
    let input = input.into_inner();
    let now = ctx.clock.now();
    let txn = begin_write(&ctx.db).await?;
    let known = writes::known_dossiers(&txn, caller.tenant, &input.dossier_ids).await?;
    let reason = checked_nomination(&input, &known)?;
    let taken = writes::already_nominated(&txn, &input.dossier_ids).await?;
    if !taken.is_empty() {
        return Err(already_nominated(&taken));
    }
    let id = Uuid::now_v7();
    let inserted =
        writes::insert_nomination(&txn, id, &caller, &reason, &input.dossier_ids, now).await?;
    if let Some(d) = inserted {
        return Err(already_nominated(&[d]));
    }
    writes::audit_created(&txn, &caller, now, role, id, &input.dossier_ids, &reason).await?;
    let n = writes::nomination_by_id(&txn, id)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("nomination vanished")))?;
    let v = view_of(&txn, n).await?;
    ctx.outbox.commit(txn).await?;
    let location = format!("/api/v1/decision/nominations/{}", v.id);
    Ok(with_location(answer(StatusCode::CREATED, v), &location))
}

/// Checks a nomination, collecting every issue: a reason, 1–50 dossiers, each listed once
/// and recognised by an issued decision (as `known` says); returns the reason.
fn checked_nomination(
    input: &NominationInput,
    known: &[nom_dossier::Model],
) -> Result<String, ApiError> {
    let mut issues = Issues::new();
    let reason = issues.text("reason", &input.reason, 4000);
    if input.dossier_ids.is_empty() {
        issues.push(
            "dossier_ids",
            "required",
            "Cần chọn ít nhất một sáng kiến",
            "Choose at least one initiative",
        );
    } else if input.dossier_ids.len() > MAX_DOSSIERS {
        issues.push(
            "dossier_ids",
            "too_many",
            format!("Mỗi lần đề nghị tối đa {MAX_DOSSIERS} sáng kiến"),
            format!("At most {MAX_DOSSIERS} initiatives per nomination"),
        );
    }
    for (i, id) in input.dossier_ids.iter().enumerate() {
        if input.dossier_ids[..i].contains(id) {
            issues.push(
                format!("dossier_ids[{i}]"),
                "repeated",
                "Sáng kiến được chọn hai lần",
                "The initiative is listed twice",
            );
            continue;
        }
        let recognised = known
            .iter()
            .find(|d| d.dossier_id == *id)
            .is_some_and(|d| d.recognised == Some(true) && d.decision_id.is_some());
        if !recognised {
            issues.push(
                format!("dossier_ids[{i}]"),
                "not_recognised",
                "Chỉ đề nghị được sáng kiến đã được công nhận bằng quyết định đã ban hành",
                "Only initiatives recognised by an issued decision may be nominated",
            );
        }
    }
    issues.finish()?;
    Ok(reason)
}

fn already_nominated(ids: &[Uuid]) -> ApiError {
    let list = ids
        .iter()
        .map(Uuid::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    ApiError::new(ErrorCode::AlreadyNominated).with_detail(
        format!("Sáng kiến đã được đề nghị lên Sở KH&CN: {list}"),
        format!("Already nominated to the provincial DOST: {list}"),
    )
}

/// The province's service account reports its result on a nomination: one outcome per
/// nominated dossier. Recorded, audited and published as `nomination.result_reported`; the
/// same report sent again is answered as the first time.
#[utoipa::path(
    post,
    path = "/api/v1/decision/nominations/{id}/result",
    tag = "nominations",
    params(("id" = Uuid, Path, description = "Nomination id")),
    request_body = NominationResultInput,
    responses(
        (status = 200, description = "Recorded", body = NominationView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"))),
        (status = 404, description = "No such nomination", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Rejected, or another result already reported", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Outcomes do not cover each nominated dossier once", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn report_result(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
    input: web::Json<NominationResultInput>,
) -> Result<HttpResponse, ApiError> {
    let role = caller.require_any(&[Role::Province])?;
    let input = input.into_inner();
    let now = ctx.clock.now();
    let txn = begin_write(&ctx.db).await?;
    let n = nomination_of(&txn, &caller, id.into_inner()).await?;
    let nominated = dossier_ids_of(&txn, n.id).await?;
    checked_result(&input, &nominated)?;
    if n.state() == Some(NominationStatus::ResultReported) {
        return reported_again(&txn, n, &input).await;
    }
    if n.state() == Some(NominationStatus::Rejected) {
        return Err(ApiError::new(ErrorCode::InvalidTransition).with_detail(
            "Đề nghị đã bị Sở KH&CN từ chối tiếp nhận",
            "The province refused to take this nomination",
        ));
    }
    let kept = NominationResultView {
        receipt_id: input.receipt_id.clone().or_else(|| n.receipt_id.clone()),
        outcomes: input.outcomes.clone(),
        note: input.note.clone(),
        reported_at: now,
    };
    let json = serde_json::to_string(&kept).map_err(ApiError::internal)?;
    let Some(updated) = writes::record_result(&txn, &n, json, now).await? else {
        return Err(ApiError::new(ErrorCode::PreconditionFailed).with_detail(
            "Đề cử vừa thay đổi (đang được gửi); gửi lại kết quả",
            "The nomination just changed (it is being sent); report the result again",
        ));
    };
    result_recorded(&ctx.outbox, &txn, &caller, now, role, &n, &kept).await?;
    let v = view_of(&txn, updated).await?;
    ctx.outbox.commit(txn).await?;
    Ok(answer(StatusCode::OK, v))
}

/// Checks a reported result, collecting every issue: the lengths of its texts, and one
/// outcome for each nominated dossier, none for another.
fn checked_result(input: &NominationResultInput, nominated: &[Uuid]) -> Result<(), ApiError> {
    let mut issues = Issues::new();
    if input.note.chars().count() > 4000 {
        issues.push(
            "note",
            "too_long",
            "Ghi chú dài tối đa 4000 ký tự",
            "note may have at most 4000 characters",
        );
    }
    if input
        .receipt_id
        .as_ref()
        .is_some_and(|r| r.chars().count() > 200)
    {
        issues.push(
            "receipt_id",
            "too_long",
            "receipt_id dài tối đa 200 ký tự",
            "receipt_id may have at most 200 characters",
        );
    }
    for (i, o) in input.outcomes.iter().enumerate() {
        if o.note.chars().count() > 2000 {
            issues.push(
                format!("outcomes[{i}].note"),
                "too_long",
                "Ghi chú dài tối đa 2000 ký tự",
                "note may have at most 2000 characters",
            );
        }
    }
    let reported: Vec<Uuid> = input.outcomes.iter().map(|o| o.dossier_id).collect();
    let cover = result_covers_each_nominated_dossier_once(nominated, &reported);
    for i in cover.foreign {
        issues.push(
            format!("outcomes[{i}].dossier_id"),
            "not_nominated",
            "Sáng kiến này không có trong đề nghị",
            "This initiative is not in the nomination",
        );
    }
    for i in cover.repeated {
        issues.push(
            format!("outcomes[{i}].dossier_id"),
            "repeated",
            "Sáng kiến được báo kết quả hai lần",
            "The initiative is reported twice",
        );
    }
    for d in cover.missing {
        issues.push(
            "outcomes",
            "missing",
            format!("Thiếu kết quả của sáng kiến {d}"),
            format!("The outcome of initiative {d} is missing"),
        );
    }
    issues.finish()
}

/// Answers a result reported again: the same report as the first time, another one refused.
async fn reported_again<C: ConnectionTrait>(
    db: &C,
    n: nomination::Model,
    input: &NominationResultInput,
) -> Result<HttpResponse, ApiError> {
    let kept: Option<NominationResultView> = n
        .result
        .as_deref()
        .and_then(|r| serde_json::from_str(r).ok());
    let same = kept.as_ref().is_some_and(|k| {
        k.outcomes == input.outcomes && k.note == input.note && k.receipt_id == input.receipt_id
    });
    if same {
        let v = view_of(db, n).await?;
        return Ok(answer(StatusCode::OK, v));
    }
    Err(ApiError::new(ErrorCode::InvalidTransition).with_detail(
        "Kết quả của đề nghị này đã được báo, khác với kết quả gửi lại",
        "A different result was already reported for this nomination",
    ))
}

/// Audits the recorded result and publishes `nomination.result_reported`, in its transaction.
async fn result_recorded<C: ConnectionTrait>(
    outbox: &Outbox,
    txn: &C,
    caller: &Caller,
    now: DateTime<Utc>,
    role: Role,
    n: &nomination::Model,
    kept: &NominationResultView,
) -> Result<(), ApiError> {
    audit::record(
        txn,
        caller,
        now,
        AuditEntry {
            action: "nomination.result_reported",
            subject_type: "nomination",
            subject_id: n.id,
            role: role.as_str(),
            details: serde_json::json!({
                "before": n.status,
                "after": "result_reported",
                "result": kept,
            }),
        },
    )
    .await?;
    let event = NominationResultReported {
        nomination_id: n.id,
        receipt_id: kept.receipt_id.clone(),
        outcomes: kept.outcomes.clone(),
        note: kept.note.clone(),
    };
    outbox.publish(txn, now, caller, &event).await?;
    Ok(())
}

/// Why a refused nomination is sent again.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResendInput {
    /// What was put right since the province refused it (at most 2000 characters).
    pub reason: String,
}

/// Sends a nomination the province refused again, once its cause is put right (the body
/// registered with the DOST, say): the council secretariat gives the reason, with `If-Match`;
/// the nomination is `pending` again and the sender takes it at once, with the same
/// `Idempotency-Key`. The refusal stays in the audit log.
#[utoipa::path(
    post,
    path = "/api/v1/decision/nominations/{id}/resend",
    tag = "nominations",
    params(sangkien_kit::http::contract::IfMatch, ("id" = Uuid, Path, description = "Nomination id")),
    request_body = ResendInput,
    responses(
        sangkien_kit::http::contract::Conditional,
        (status = 200, description = "Pending again", body = NominationView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"))),
        (status = 404, description = "`nomination_not_found`", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not refused by the province (`invalid_transition`)", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason, or one too long", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or bad bearer token", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a council secretariat caller", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn resend_nomination(
    req: actix_web::HttpRequest,
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
    input: web::Json<ResendInput>,
) -> Result<HttpResponse, ApiError> {
    let role = caller.require_any(&[Role::CouncilSecretariat])?;
    let now = ctx.clock.now();
    let txn = begin_write(&ctx.db).await?;
    let n = nomination_of(&txn, &caller, id.into_inner()).await?;
    let reason = checked_resend(&input)?;
    sangkien_kit::http::paging::require_if_match(&req, n.version)?;
    if n.state() != Some(NominationStatus::Rejected) {
        return Err(ApiError::new(ErrorCode::InvalidTransition).with_detail(
            "Chỉ gửi lại đề nghị đã bị Sở KH&CN từ chối tiếp nhận",
            "Only a nomination the province refused can be sent again",
        ));
    }
    // Over the state read above only: two people resending at once get one 412.
    let Some(updated) = writes::reopen(&txn, &n, now).await? else {
        return Err(ApiError::new(ErrorCode::PreconditionFailed).with_detail(
            "Đề nghị vừa được người khác gửi lại; tải lại rồi thử lại",
            "The nomination was just sent again by someone else; reload and retry",
        ));
    };
    writes::audit_resent(&txn, &caller, now, role, &n, &reason).await?;
    let v = view_of(&txn, updated).await?;
    txn.commit().await?;
    Ok(answer(StatusCode::OK, v))
}

/// Checks the reason a refused nomination is sent again (required, at most 2000 characters).
fn checked_resend(input: &ResendInput) -> Result<String, ApiError> {
    let mut issues = Issues::new();
    let reason = issues.text("reason", &input.reason, 2000);
    issues.finish()?;
    Ok(reason)
}
