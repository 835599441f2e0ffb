//! Drafting a decision from the concluded cases of a plan's field, reading it, and the
//! secretariat's edits (title and proposal, each item recognised or refused with a reason).

use crate::decisions::domain::status::DecisionStatus;
use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use chrono::Datelike;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Deserialize;
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
    http::paging::{PageQuery, next_cursor},
    idempotent::{Idempotency, Remembered},
    service::ServiceContext,
};
use sangkien_proto::Role;

use super::{
    DRAFTERS, claim_draft, decision_of,
    views::{DecisionPage, answer, decision_view},
};
use crate::decisions::{
    domain::draft::{Conclusion, initial_items},
    store::{decision, dossier, item, writes},
};

/// A draft to start.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftInput {
    pub plan_id: Uuid,
    /// The plan's field code.
    pub field: String,
    /// `Về việc công nhận sáng kiến năm 2022` by default.
    #[serde(default)]
    pub title: Option<String>,
    /// The proposal it follows: `Hội đồng Sáng kiến huyện tại Tờ trình số 12/TTr-HĐSK ngày 25
    /// tháng 3 năm 2022`.
    pub proposal: String,
}

/// New title and proposal of a draft.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionUpdate {
    pub title: String,
    pub proposal: String,
}

/// Filters of the decision list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DecisionFilter {
    pub plan_id: Option<Uuid>,
    pub field: Option<String>,
    /// `draft` or `issued`.
    pub status: Option<String>,
}

/// Lists decisions, newest first, without their items; an author sees only the issued
/// decisions on her own initiatives.
#[utoipa::path(
    get,
    path = "/api/v1/decision/decisions",
    tag = "decisions",
    params(PageQuery, DecisionFilter),
    responses((status = 200, description = "A page of decisions", body = DecisionPage)),
    security(("bearer" = []))
)]
pub async fn list_decisions(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    page: web::Query<PageQuery>,
    filter: web::Query<DecisionFilter>,
) -> Result<HttpResponse, ApiError> {
    let all = super::reads_all(&caller);
    if !all {
        caller.require_any(&[Role::Author])?;
    }
    let limit = page.limit()?;
    let mut q = decision::Entity::find()
        .filter(decision::Column::Tenant.eq(caller.tenant))
        .order_by_desc(decision::Column::Id);
    if let Some(p) = filter.plan_id {
        q = q.filter(decision::Column::PlanId.eq(p));
    }
    if let Some(f) = &filter.field {
        q = q.filter(decision::Column::Field.eq(f.clone()));
    }
    if let Some(s) = &filter.status {
        q = q.filter(decision::Column::Status.eq(s.clone()));
    }
    if !all {
        q = q.filter(decision::Column::Status.eq(DecisionStatus::Issued.code()));
    }
    // An author sees only the issued decisions on her own initiatives, which the query cannot
    // select by itself: scan on in batches until her page is full or the rows run out, so a
    // page never comes back empty while hers are further on.
    let mut after = page.cursor()?;
    let mut items = Vec::new();
    let mut shown: Vec<Uuid> = Vec::new();
    loop {
        let mut batch = q.clone();
        if let Some(c) = after {
            batch = batch.filter(decision::Column::Id.lt(c));
        }
        let rows = batch.limit(limit).all(&ctx.db).await?;
        let exhausted = (rows.len() as u64) < limit;
        for r in rows {
            after = Some(r.id);
            if all || super::concerns(&ctx.db, &caller, &r).await? {
                shown.push(r.id);
                items.push(decision_view(&ctx.db, r, true).await?);
                if shown.len() as u64 == limit {
                    break;
                }
            }
        }
        if exhausted || shown.len() as u64 == limit {
            break;
        }
    }
    Ok(HttpResponse::Ok().json(DecisionPage {
        next_cursor: next_cursor(&shown, limit),
        items,
    }))
}

/// Reads a decision with its items; the ETag is its version.
#[utoipa::path(
    get,
    path = "/api/v1/decision/decisions/{id}",
    tag = "decisions",
    params(("id" = Uuid, Path, description = "Decision id")),
    responses(
        (status = 200, description = "The decision", body = super::views::DecisionView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"))),
        (status = 404, description = "No such decision", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn get_decision(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let d = super::readable_decision(&ctx.db, &caller, id.into_inner()).await?;
    Ok(answer(
        StatusCode::OK,
        &decision_view(&ctx.db, d, false).await?,
    ))
}

fn text(issues: &mut Issues, field: &str, value: &str, max: usize) -> String {
    issues.text(field, value, max)
}

/// Drafts the decision of a plan's field from every concluded case not yet in a decision:
/// recommended ones recognised, the others refused with the conclusion's reason
/// (`Idempotency-Key` accepted).
#[utoipa::path(
    post,
    path = "/api/v1/decision/decisions",
    tag = "decisions",
    request_body = DraftInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe creation")),
    responses(
        (status = 201, description = "Drafted", body = super::views::DecisionView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"), ("Location" = String, description = "The path of what was created (or of the list it joined): follow it to read it"))),
        (status = 422, description = "Every problem; `no_concluded_dossiers` when nothing is left to decide", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn draft_decision(
    req: HttpRequest,
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    raw: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let role = caller.require_any(DRAFTERS)?;
    let body: DraftInput = super::parse_json(&raw)?;
    let idem = Idempotency::from_request(&req, &raw)?;
    let now = ctx.clock.now();
    if let Some(i) = &idem
        && let Some(r) = i.replay(&ctx.db, caller.user, now).await?
    {
        return Ok(r);
    }
    let mut issues = Issues::new();
    let field = text(&mut issues, "field", &body.field, 40);
    let proposal = text(&mut issues, "proposal", &body.proposal, 1000);
    let txn = begin_write(&ctx.db).await?;
    // Again inside the transaction: a retry that waited for the first attempt's lock gets the
    // first attempt's answer rather than "nothing left to decide".
    if let Some(i) = &idem
        && let Some(r) = i.replay(&txn, caller.user, now).await?
    {
        return Ok(r);
    }
    let year = writes::plan_year(&txn, caller.tenant, body.plan_id)
        .await?
        .unwrap_or_else(|| local_date(now).year());
    let title = draft_title(&mut issues, body.title.as_deref(), year);
    let open = super::pending::open_conclusions(&txn, caller.tenant, body.plan_id, &field).await?;
    nothing_left(&mut issues, &open, &field);
    issues.finish()?;
    let d = draft_row(&caller, body.plan_id, field, year, title, proposal, now);
    writes::insert_decision(&txn, &d).await?;
    let items = initial_items(&conclusions_of(&open));
    writes::insert_items(&txn, &d, &items, &open)
        .await
        .map_err(taken_meanwhile)?;
    writes::audit_drafted(&txn, &caller, now, role, &d, &items).await?;
    let view = decision_view(&txn, d, false).await?;
    let location = format!("/api/v1/decision/decisions/{}", view.id);
    if let Some(i) = &idem {
        remember_draft(&txn, i, &caller, &view, &location, now).await?;
    }
    txn.commit().await?;
    Ok(with_location(answer(StatusCode::CREATED, &view), &location))
}

/// The draft's title: the one given, checked, or the default naming the plan's year.
fn draft_title(issues: &mut Issues, given: Option<&str>, year: i32) -> String {
    match given {
        Some(t) => text(issues, "title", t, 500),
        None => format!("Về việc công nhận sáng kiến năm {year}"),
    }
}

/// Refuses a draft with nothing left to decide in the plan's field.
fn nothing_left(issues: &mut Issues, open: &[dossier::Model], field: &str) {
    if open.is_empty() && !field.is_empty() {
        issues.push(
            "plan_id",
            "no_concluded_dossiers",
            "Kế hoạch và lĩnh vực này không còn hồ sơ đã kết luận nào chưa có quyết định",
            "No concluded dossier of this plan and field is left without a decision",
        );
    }
}

/// A new draft decision of the caller's body, at version 1.
fn draft_row(
    caller: &Caller,
    plan_id: Uuid,
    field: String,
    year: i32,
    title: String,
    proposal: String,
    now: chrono::DateTime<chrono::Utc>,
) -> decision::Model {
    decision::Model {
        id: Uuid::now_v7(),
        tenant: caller.tenant,
        plan_id,
        field,
        year,
        status: DecisionStatus::Draft.code().into(),
        title,
        proposal,
        number: None,
        number_text: None,
        signed_on: None,
        signed_by: None,
        issued_profile: None,
        created_by: caller.user,
        created_at: now,
        updated_at: now,
        version: 1,
    }
}

/// The conclusions of the open dossiers, from which the draft's items start.
fn conclusions_of(open: &[dossier::Model]) -> Vec<Conclusion> {
    open.iter()
        .map(|x| Conclusion {
            dossier_id: x.id,
            recommended: x.recommended,
            reason: x.conclusion_reason.clone(),
        })
        .collect()
}

/// The answer to items taken by another draft meanwhile (two drafts of the same field at
/// once, PostgreSQL): the second finds the dossiers taken by the first.
fn taken_meanwhile(e: sea_orm::DbErr) -> ApiError {
    match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            ApiError::new(sangkien_proto::ErrorCode::Conflict).with_detail(
                "Hồ sơ vừa được đưa vào một dự thảo quyết định khác; tải lại danh sách",
                "The dossiers were just taken into another draft decision; reload the list",
            )
        }
        _ => e.into(),
    }
}

/// Remembers the answer to a draft under its `Idempotency-Key`, in the drafting transaction.
async fn remember_draft<C: sea_orm::ConnectionTrait>(
    txn: &C,
    i: &Idempotency,
    caller: &Caller,
    view: &super::views::DecisionView,
    location: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ApiError> {
    let json = serde_json::to_value(view).map_err(ApiError::internal)?;
    let tag = sangkien_kit::http::paging::etag(view.version);
    i.remember(
        txn,
        caller.user,
        Remembered {
            status: 201,
            body: &json,
            location: Some(location),
            etag: Some(&tag),
        },
        now,
    )
    .await?;
    Ok(())
}

/// Changes a draft's title and proposal (`If-Match`).
#[utoipa::path(
    put,
    path = "/api/v1/decision/decisions/{id}",
    tag = "decisions",
    params(sangkien_kit::http::contract::IfMatch, ("id" = Uuid, Path, description = "Decision id")),
    request_body = DecisionUpdate,
    responses(
        sangkien_kit::http::contract::Conditional,
        (status = 200, description = "Changed", body = super::views::DecisionView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"))),
        (status = 409, description = "Signed: `decision_issued`", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn update_decision(
    req: HttpRequest,
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: web::Json<DecisionUpdate>,
) -> Result<HttpResponse, ApiError> {
    let role = caller.require_any(DRAFTERS)?;
    let now = ctx.clock.now();
    let txn = begin_write(&ctx.db).await?;
    let d = decision_of(&txn, &caller, id.into_inner()).await?;
    claim_draft(&txn, &req, &d).await?;
    let mut issues = Issues::new();
    let title = issues.text("title", &body.title, 500);
    let proposal = issues.text("proposal", &body.proposal, 1000);
    issues.finish()?;
    let mut am = d.clone().into_active_model();
    am.title = Set(title.clone());
    am.proposal = Set(proposal.clone());
    am.version = Set(d.version + 1);
    am.updated_at = Set(now);
    let updated = decision::Entity::update(am).exec(&txn).await?;
    audit::record(
        &txn,
        &caller,
        now,
        AuditEntry {
            action: "decision.edited",
            subject_type: "decision",
            subject_id: d.id,
            role: role.as_str(),
            details: serde_json::json!({
                "before": { "title": d.title, "proposal": d.proposal },
                "after": { "title": title, "proposal": proposal },
            }),
        },
    )
    .await?;
    let view = decision_view(&txn, updated, false).await?;
    txn.commit().await?;
    Ok(answer(StatusCode::OK, &view))
}

/// Deletes a draft (`If-Match`): its dossiers go back to the pending list for a new draft. A
/// signed decision is a legal document and is never deleted (`decision_issued`); the audit log
/// keeps what the draft held.
#[utoipa::path(
    delete,
    path = "/api/v1/decision/decisions/{id}",
    tag = "decisions",
    params(sangkien_kit::http::contract::IfMatch, ("id" = Uuid, Path, description = "Decision id")),
    responses(
        sangkien_kit::http::contract::Conditional,
        (status = 204, description = "The draft is deleted"),
        (status = 404, description = "`decision_not_found`", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Signed: `decision_issued`", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or bad bearer token", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a council secretariat caller", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn delete_draft(
    req: HttpRequest,
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let role = caller.require_any(DRAFTERS)?;
    let now = ctx.clock.now();
    let txn = begin_write(&ctx.db).await?;
    let d = decision_of(&txn, &caller, id.into_inner()).await?;
    claim_draft(&txn, &req, &d).await?;
    let items = item::Entity::find()
        .filter(item::Column::DecisionId.eq(d.id))
        .order_by_asc(item::Column::RegisterNumber)
        .all(&txn)
        .await?;
    item::Entity::delete_many()
        .filter(item::Column::DecisionId.eq(d.id))
        .exec(&txn)
        .await?;
    decision::Entity::delete_by_id(d.id).exec(&txn).await?;
    audit::record(
        &txn,
        &caller,
        now,
        AuditEntry {
            action: "decision.draft_deleted",
            subject_type: "decision",
            subject_id: d.id,
            role: role.as_str(),
            details: serde_json::json!({
                "before": {
                    "plan_id": d.plan_id, "field": d.field, "title": d.title, "proposal": d.proposal,
                    "items": items.iter().map(|i| serde_json::json!({
                        "dossier_id": i.dossier_id, "register_number": i.register_number,
                        "recognised": i.recognised, "reason": i.reason,
                    })).collect::<Vec<_>>(),
                },
                "after": null,
            }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}
