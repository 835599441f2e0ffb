//! Appraisal cases as the secretariat, the chair and the receiving offices see them.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use sangkien_kit::{
    ApiError,
    auth::Caller,
    http::paging::{PageQuery, next_cursor},
    service::ServiceContext,
};
use sangkien_proto::{
    ErrorCode, Role,
    events::{AuthorInfo, StageInfo},
};

pub use super::CASE_READERS;
use super::{case_of, conflicted};
use crate::{
    domain::conflicts::conflict_of,
    store::{
        cases,
        queries::{assignments_of, cases_page, member_of_stage, parties_of},
    },
};
use crate::{domain::status::CaseStatus, store::queries::status_of};

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/cases", web::get().to(list_cases))
        .route("/cases/{id}", web::get().to(get_case));
}

/// A case.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseView {
    /// The dossier's id.
    pub id: Uuid,
    pub plan_id: Uuid,
    pub field: String,
    pub register_number: i32,
    pub name: String,
    pub kind: String,
    pub authors: Vec<AuthorInfo>,
    pub stages: Vec<StageInfo>,
    /// Index of the current stage.
    pub stage: i32,
    /// Where the case stands.
    pub status: CaseStatus,
    pub received_on: chrono::NaiveDate,
    pub decision_due_on: chrono::NaiveDate,
    pub opened_at: chrono::DateTime<chrono::Utc>,
    pub closed_reason: Option<String>,
}

/// A page of cases.
#[derive(Debug, Serialize, ToSchema)]
pub struct CasePage {
    pub items: Vec<CaseView>,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}

/// Filters of the case list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseFilter {
    pub plan_id: Option<Uuid>,
    /// Field code.
    pub field: Option<String>,
    /// `open` or `withdrawn`.
    pub status: Option<CaseStatus>,
}

fn view(c: cases::Model) -> Result<CaseView, ApiError> {
    let status = status_of(&c)?;
    Ok(CaseView {
        authors: serde_json::from_str(&c.authors).map_err(ApiError::internal)?,
        stages: serde_json::from_str(&c.stages).map_err(ApiError::internal)?,
        id: c.id,
        plan_id: c.plan_id,
        field: c.field,
        register_number: c.register_number,
        name: c.name,
        kind: c.kind,
        stage: c.stage,
        status,
        received_on: c.received_on,
        decision_due_on: c.decision_due_on,
        opened_at: c.opened_at,
        closed_reason: c.closed_reason,
    })
}

/// Lists the tenant's cases in register order.
#[utoipa::path(
    get,
    path = "/api/v1/appraisal/cases",
    tag = "cases",
    params(PageQuery, CaseFilter),
    responses((status = 200, description = "A page of cases", body = CasePage)),
    security(("bearer" = []))
)]
pub async fn list_cases(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    page: web::Query<PageQuery>,
    filter: web::Query<CaseFilter>,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(CASE_READERS)?;
    let limit = page.limit()?;
    let by = (
        filter.plan_id,
        filter.field.as_deref(),
        filter.status.map(CaseStatus::code),
    );
    let rows = cases_page(&ctx.db, caller.tenant, by, page.cursor()?, limit).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    Ok(HttpResponse::Ok().json(CasePage {
        next_cursor: next_cursor(&ids, limit),
        items: rows.into_iter().map(view).collect::<Result<_, _>>()?,
    }))
}

/// Reads a case.
#[utoipa::path(
    get,
    path = "/api/v1/appraisal/cases/{id}",
    tag = "cases",
    params(("id" = Uuid, Path, description = "Case id (the dossier's id)")),
    responses(
        (status = 200, description = "The case", body = CaseView),
        (status = 404, description = "No such case (yet)", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn get_case(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let c = case_of(&ctx.db, &caller, id.into_inner()).await?;
    if CASE_READERS.iter().any(|r| caller.has_role(*r)) {
        return Ok(HttpResponse::Ok().json(view(c)?));
    }
    // A reviewer: refused with the reason when conflicted, else only what is assigned.
    caller.require_any(&[Role::Reviewer, Role::CouncilChair])?;
    if let Some(member) = member_of_stage(&ctx.db, &c, caller.user).await?
        && let Some(conflict) = conflict_of(
            member.user_id,
            member.unit_id,
            &parties_of(&ctx.db, &c).await?,
        )
    {
        let txn = sangkien_kit::db::begin_write(&ctx.db).await?;
        sangkien_kit::audit::record(
            &txn,
            &caller,
            ctx.clock.now(),
            sangkien_kit::audit::AuditEntry {
                action: "case.access_refused_conflict",
                subject_type: "case",
                subject_id: c.id,
                role: Role::Reviewer.as_str(),
                details: serde_json::json!({ "reason": conflict.reason().1 }),
            },
        )
        .await?;
        txn.commit().await?;
        return Err(conflicted(conflict));
    }
    let assigned = assignments_of(&ctx.db, c.id).await?;
    if !assigned.iter().any(|a| a.reviewer == caller.user) {
        return Err(ApiError::new(ErrorCode::NotFound));
    }
    Ok(HttpResponse::Ok().json(view(c)?))
}
