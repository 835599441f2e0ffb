//! What awaits a decision: the concluded dossiers of a plan's field not yet in any decision,
//! and how many received ones are still in appraisal — what the secretariat checks before
//! drafting (a draft takes exactly these).

use actix_web::{HttpResponse, web};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use sangkien_kit::{ApiError, auth::Caller, service::ServiceContext};

use super::READERS;
use crate::decisions::store::{dossier, item};

/// `?plan_id=&field=`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PendingQuery {
    pub plan_id: Uuid,
    /// The plan's field code.
    pub field: String,
}

/// A concluded dossier awaiting a decision.
#[derive(Debug, Serialize, ToSchema)]
pub struct PendingDossier {
    pub dossier_id: Uuid,
    pub register_number: i32,
    /// The initiative's name.
    pub name: String,
    /// Whether appraisal recommended it for recognition.
    pub recommended: bool,
    /// The conclusion's reason.
    pub reason: String,
    pub average: Option<f64>,
    pub grade: Option<String>,
}

/// What awaits a decision in a plan's field.
#[derive(Debug, Serialize, ToSchema)]
pub struct Pending {
    /// Concluded and in no decision yet, by register number: what a draft would take.
    pub concluded: Vec<PendingDossier>,
    /// Received but not concluded yet (still in appraisal).
    pub in_appraisal: u64,
}

/// The concluded, received dossiers of `plan_id`'s `field` that no decision names yet, by
/// register number: what a new draft takes.
pub async fn open_conclusions<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    plan_id: Uuid,
    field: &str,
) -> Result<Vec<dossier::Model>, sea_orm::DbErr> {
    let taken: Vec<Uuid> = item::Entity::find()
        .filter(item::Column::Tenant.eq(tenant))
        .select_only()
        .column(item::Column::DossierId)
        .into_tuple()
        .all(db)
        .await?;
    let concluded = dossier::Entity::find()
        .filter(dossier::Column::Tenant.eq(tenant))
        .filter(dossier::Column::PlanId.eq(plan_id))
        .filter(dossier::Column::Field.eq(field.to_owned()))
        .filter(dossier::Column::Concluded.eq(true))
        .filter(dossier::Column::Received.eq(true))
        .order_by_asc(dossier::Column::RegisterNumber)
        .all(db)
        .await?;
    Ok(concluded
        .into_iter()
        .filter(|d| !taken.contains(&d.id))
        .collect())
}

/// Lists what awaits a decision in a plan's field.
#[utoipa::path(
    get,
    path = "/api/v1/decision/decisions/pending",
    tag = "decisions",
    params(PendingQuery),
    responses(
        (status = 200, description = "What a draft would take now", body = Pending),
        (status = 400, description = "`plan_id` or `field` missing or malformed", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn pending(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    query: web::Query<PendingQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(READERS)?;
    let open = open_conclusions(&ctx.db, caller.tenant, query.plan_id, &query.field).await?;
    let in_appraisal = dossier::Entity::find()
        .filter(dossier::Column::Tenant.eq(caller.tenant))
        .filter(dossier::Column::PlanId.eq(query.plan_id))
        .filter(dossier::Column::Field.eq(query.field.clone()))
        .filter(dossier::Column::Received.eq(true))
        .filter(dossier::Column::Concluded.eq(false))
        .count(&ctx.db)
        .await?;
    Ok(HttpResponse::Ok().json(Pending {
        concluded: open
            .into_iter()
            .map(|d| PendingDossier {
                dossier_id: d.id,
                register_number: d.register_number,
                name: d.name,
                recommended: d.recommended,
                reason: d.conclusion_reason,
                average: d.average,
                grade: d.grade,
            })
            .collect(),
        in_appraisal,
    }))
}
