//! What the signed-in panel member has to do: the dossiers assigned to her, and the sittings
//! she sits on with their dossiers. Each sees only her own, so a reviewer who has only her
//! sign-in name finds her work without knowing any id.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use sangkien_kit::{
    ApiError,
    auth::Caller,
    http::paging::{PageQuery, next_cursor},
    service::ServiceContext,
};
use sangkien_proto::Role;

use super::sittings::{SittingView, sitting_view};
use crate::store::queries::{
    assignments_page_of, cases_in, members_of, panels_in, sheets_of_reviewer, sittings_of_panels,
    stages_of,
};
use crate::{domain::status::CaseStatus, store::queries::status_of};

/// Who has assignments and sittings of their own.
const PANEL_MEMBERS: &[Role] = &[Role::Reviewer, Role::CouncilChair];

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/my/assignments", web::get().to(my_assignments))
        .route("/my/sittings", web::get().to(my_sittings));
}

/// One dossier assigned to the caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyAssignment {
    /// The case (same id as the dossier).
    pub case_id: Uuid,
    /// The dossier to read in intake (`GET /api/v1/intake/dossiers/{id}`).
    pub dossier_id: Uuid,
    /// The initiative's name.
    pub dossier_name: String,
    pub register_number: i32,
    /// `appraisal_team` or `council`.
    pub stage: String,
    /// Rubric code of the stage.
    pub rubric: Option<String>,
    /// Last local date of the stage: the sheet is due by then.
    pub due_on: Option<chrono::NaiveDate>,
    /// `not_started`, `draft` or `submitted`.
    pub sheet_state: String,
    /// Where the case stands.
    pub case_status: CaseStatus,
    pub assigned_at: chrono::DateTime<chrono::Utc>,
}

/// A page of the caller's assignments.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyAssignmentPage {
    pub items: Vec<MyAssignment>,
    pub next_cursor: Option<String>,
}

/// A dossier on a sitting's agenda.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgendaItem {
    pub dossier_id: Uuid,
    /// The initiative's name.
    pub name: String,
    pub register_number: i32,
}

/// A sitting the caller sits on, with its dossiers.
#[derive(Debug, Serialize, ToSchema)]
pub struct MySitting {
    pub sitting: SittingView,
    /// The panel's name.
    pub panel_name: String,
    /// The caller's role on the panel.
    pub my_role: String,
    /// The dossiers to discuss, in agenda order.
    pub dossiers: Vec<AgendaItem>,
}

/// The dossiers assigned to the signed-in reviewer, newest assignment first.
#[utoipa::path(
    get,
    path = "/api/v1/appraisal/my/assignments",
    tag = "cases",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of the caller's assignments", body = MyAssignmentPage),
        (status = 403, description = "Not a panel member", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn my_assignments(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(PANEL_MEMBERS)?;
    let limit = page.limit()?;
    let rows = assignments_page_of(&ctx.db, caller.user, page.cursor()?, limit).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let case_ids: Vec<Uuid> = rows.iter().map(|r| r.case_id).collect();
    let found = cases_in(&ctx.db, caller.tenant, &case_ids).await?;
    let sheets = sheets_of_reviewer(&ctx.db, caller.user, &case_ids).await?;
    let mut items = Vec::new();
    for a in rows {
        let Some(c) = found.iter().find(|c| c.id == a.case_id) else {
            continue;
        };
        let stage = stages_of(c)?.into_iter().find(|s| s.kind == a.stage);
        let sheet_state = sheets
            .iter()
            .find(|s| s.case_id == a.case_id && s.stage == a.stage)
            .map_or_else(|| "not_started".to_owned(), |s| s.status.clone());
        items.push(MyAssignment {
            case_id: c.id,
            dossier_id: c.id,
            dossier_name: c.name.clone(),
            register_number: c.register_number,
            stage: a.stage,
            rubric: stage.as_ref().map(|s| s.rubric.clone()),
            due_on: stage.map(|s| s.to),
            sheet_state,
            case_status: status_of(c)?,
            assigned_at: a.assigned_at,
        });
    }
    Ok(HttpResponse::Ok().json(MyAssignmentPage {
        next_cursor: next_cursor(&ids, limit),
        items,
    }))
}

/// The sittings of the panels the signed-in member sits on, newest first, each with its
/// dossiers (read them in intake: members of a council sitting on a dossier may).
#[utoipa::path(
    get,
    path = "/api/v1/appraisal/my/sittings",
    tag = "sittings",
    responses(
        (status = 200, description = "The caller's sittings with their dossiers", body = Vec<MySitting>),
        (status = 403, description = "Not a panel member", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn my_sittings(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(PANEL_MEMBERS)?;
    let mut mine = Vec::new();
    for p in panels_in(&ctx.db, caller.tenant, None, None).await? {
        if let Some(m) = members_of(&p)?
            .into_iter()
            .find(|m| m.user_id == caller.user)
        {
            mine.push((p, m.role.code()));
        }
    }
    let panel_ids: Vec<Uuid> = mine.iter().map(|(p, _)| p.id).collect();
    let rows = sittings_of_panels(&ctx.db, caller.tenant, &panel_ids).await?;
    let mut out = Vec::new();
    for s in rows {
        let Some((p, role)) = mine.iter().find(|(p, _)| p.id == s.panel_id) else {
            continue;
        };
        let view = sitting_view(s)?;
        let found = cases_in(&ctx.db, caller.tenant, &view.dossier_ids).await?;
        let dossiers = view
            .dossier_ids
            .iter()
            .filter_map(|id| found.iter().find(|c| c.id == *id))
            .map(|c| AgendaItem {
                dossier_id: c.id,
                name: c.name.clone(),
                register_number: c.register_number,
            })
            .collect();
        out.push(MySitting {
            sitting: view,
            panel_name: p.name.clone(),
            my_role: (*role).to_owned(),
            dossiers,
        });
    }
    Ok(HttpResponse::Ok().json(out))
}
