//! Progress of a panel's work: per reviewer assigned, submitted and overdue; per dossier how
//! many sheets are in of how many needed ("2 of 3 sheets in").

use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use sea_orm::ConnectionTrait;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use sangkien_kit::{ApiError, auth::Caller, clock::local_date, service::ServiceContext};
use sangkien_proto::Role;

use super::panel_of;
use crate::{domain::status::CaseStatus, store::queries::status_of};
use crate::{
    domain::{panel::Member, scoring::sheets_required},
    store::{
        cases,
        panels::{assignment, panel},
        queries::{
            StageWork, members_of, stage_kind_of, stage_work, stages_of, submitted_outcomes,
        },
        sheets::sheet,
    },
};

/// Registers the route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/panels/{id}/progress", web::get().to(panel_progress));
}

/// One reviewer's work.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewerProgress {
    pub reviewer: Uuid,
    pub full_name: String,
    pub assigned: usize,
    pub submitted: usize,
    /// Assigned, not submitted, and the stage's last day has passed without a result.
    pub overdue: usize,
}

/// One dossier's sheets.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseProgress {
    pub case_id: Uuid,
    pub register_number: i32,
    pub name: String,
    pub sheets_submitted: usize,
    /// Two, or three once the first two disagree.
    pub sheets_required: usize,
    /// The first two disagree and no third reviewer is assigned yet.
    pub third_reviewer_needed: bool,
    /// The stage's result is recorded.
    pub result_recorded: bool,
    /// `2/3 phiếu đã nộp`.
    pub label: String,
}

/// A panel's progress.
#[derive(Debug, Serialize, ToSchema)]
pub struct PanelProgress {
    pub panel_id: Uuid,
    /// `appraisal_team` or `council`.
    pub kind: String,
    pub reviewers: Vec<ReviewerProgress>,
    pub cases: Vec<CaseProgress>,
}

/// The panel's progress: every scoring member with their load, every dossier at or past the
/// panel's stage with its sheets.
#[utoipa::path(
    get,
    path = "/api/v1/appraisal/panels/{id}/progress",
    tag = "panels",
    params(("id" = Uuid, Path, description = "Panel id")),
    responses((status = 200, description = "Progress", body = PanelProgress)),
    security(("bearer" = []))
)]
pub async fn panel_progress(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(&[
        Role::CouncilSecretariat,
        Role::ReceivingOffice,
        Role::Admin,
        Role::CouncilChair,
    ])?;
    let p = panel_of(&ctx.db, &caller, id.into_inner()).await?;
    let members = members_of(&p)?;
    let today = local_date(ctx.clock.now());
    let work = stage_work(&ctx.db, &p).await?;
    let mut cases_out = Vec::new();
    let mut overdue_of: Vec<Uuid> = Vec::new();
    for c in &work.cases {
        if let Some(row) = case_progress(&ctx.db, &p, c, &work, today, &mut overdue_of).await? {
            cases_out.push(row);
        }
    }
    let reviewers = reviewers(&members, &work.assignments, &work.submitted, &overdue_of);
    Ok(HttpResponse::Ok().json(PanelProgress {
        panel_id: p.id,
        kind: p.kind,
        reviewers,
        cases: cases_out,
    }))
}

/// Dossier `c`'s sheets at panel `p`'s stage, `None` when it is neither at the stage nor
/// assigned there; its assigned reviewers without a sheet once the stage has ended without a
/// result go to `overdue_of`.
async fn case_progress<C: ConnectionTrait>(
    db: &C,
    p: &panel::Model,
    c: &cases::Model,
    work: &StageWork,
    today: NaiveDate,
    overdue_of: &mut Vec<Uuid>,
) -> Result<Option<CaseProgress>, ApiError> {
    let at_stage =
        status_of(c)? == CaseStatus::Open && stage_kind_of(c).as_deref() == Some(p.kind.as_str());
    let assigned: Vec<&assignment::Model> = work
        .assignments
        .iter()
        .filter(|a| a.case_id == c.id)
        .collect();
    if !at_stage && assigned.is_empty() {
        return Ok(None);
    }
    let outcomes = submitted_outcomes(db, c.id, &p.kind).await?;
    let required = sheets_required(
        &outcomes
            .iter()
            .take(2)
            .map(|(_, o)| o.clone())
            .collect::<Vec<_>>(),
    );
    let recorded = work.results.iter().any(|r| r.case_id == c.id);
    let stage_end = stages_of(c)?
        .into_iter()
        .find(|s| s.kind == p.kind)
        .map(|s| s.to);
    if !recorded && stage_end.is_some_and(|end| today > end) {
        overdue_of.extend(without_sheet(&assigned, &work.submitted, c.id));
    }
    Ok(Some(CaseProgress {
        case_id: c.id,
        register_number: c.register_number,
        name: c.name.clone(),
        sheets_submitted: outcomes.len(),
        sheets_required: required,
        third_reviewer_needed: required == 3 && assigned.len() < 3 && !recorded,
        result_recorded: recorded,
        label: format!("{}/{required} phiếu đã nộp", outcomes.len()),
    }))
}

/// The reviewers `assigned` to case `case_id` who have not submitted a sheet for it.
fn without_sheet(
    assigned: &[&assignment::Model],
    submitted: &[sheet::Model],
    case_id: Uuid,
) -> Vec<Uuid> {
    assigned
        .iter()
        .filter(|a| {
            !submitted
                .iter()
                .any(|s| s.case_id == case_id && s.reviewer == a.reviewer)
        })
        .map(|a| a.reviewer)
        .collect()
}

/// Each scoring member's assigned, submitted and overdue counts.
fn reviewers(
    members: &[Member],
    assignments: &[assignment::Model],
    submitted: &[sheet::Model],
    overdue_of: &[Uuid],
) -> Vec<ReviewerProgress> {
    members
        .iter()
        .filter(|m| m.role.scores())
        .map(|m| ReviewerProgress {
            reviewer: m.user_id,
            full_name: m.full_name.clone(),
            assigned: assignments
                .iter()
                .filter(|a| a.reviewer == m.user_id)
                .count(),
            submitted: submitted.iter().filter(|s| s.reviewer == m.user_id).count(),
            overdue: overdue_of.iter().filter(|r| **r == m.user_id).count(),
        })
        .collect()
}
