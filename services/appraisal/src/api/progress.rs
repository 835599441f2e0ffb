//! Progress of a panel's work: per reviewer assigned, submitted and overdue; per dossier how
//! many sheets are in of how many needed ("2 of 3 sheets in").

use actix_web::{HttpResponse, web};
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
        panels::assignment,
        queries::{
            StageWork, members_of, stage_kind_of, stage_work, stages_of, submitted_outcomes,
        },
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
    let StageWork {
        cases: all_cases,
        assignments,
        submitted: sheets,
        results,
    } = stage_work(&ctx.db, &p).await?;
    let mut cases_out = Vec::new();
    let mut overdue_of: Vec<Uuid> = Vec::new();
    for c in &all_cases {
        let at_stage = status_of(c)? == CaseStatus::Open
            && stage_kind_of(c).as_deref() == Some(p.kind.as_str());
        let assigned: Vec<&assignment::Model> =
            assignments.iter().filter(|a| a.case_id == c.id).collect();
        if !at_stage && assigned.is_empty() {
            continue;
        }
        let outcomes = submitted_outcomes(&ctx.db, c.id, &p.kind).await?;
        let required = sheets_required(
            &outcomes
                .iter()
                .take(2)
                .map(|(_, o)| o.clone())
                .collect::<Vec<_>>(),
        );
        let recorded = results.iter().any(|r| r.case_id == c.id);
        let stage_end = stages_of(c)?
            .into_iter()
            .find(|s| s.kind == p.kind)
            .map(|s| s.to);
        if !recorded && stage_end.is_some_and(|end| today > end) {
            for a in &assigned {
                if !sheets
                    .iter()
                    .any(|s| s.case_id == c.id && s.reviewer == a.reviewer)
                {
                    overdue_of.push(a.reviewer);
                }
            }
        }
        cases_out.push(CaseProgress {
            case_id: c.id,
            register_number: c.register_number,
            name: c.name.clone(),
            sheets_submitted: outcomes.len(),
            sheets_required: required,
            third_reviewer_needed: required == 3 && assigned.len() < 3 && !recorded,
            result_recorded: recorded,
            label: format!("{}/{required} phiếu đã nộp", outcomes.len()),
        });
    }
    let reviewers = reviewers(&members, &assignments, &sheets, &overdue_of);
    Ok(HttpResponse::Ok().json(PanelProgress {
        panel_id: p.id,
        kind: p.kind,
        reviewers,
        cases: cases_out,
    }))
}

/// Each scoring member's assigned, submitted and overdue counts.
fn reviewers(
    members: &[Member],
    assignments: &[assignment::Model],
    submitted: &[crate::store::sheets::sheet::Model],
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
