//! The dashboard of a plan: how many dossiers each field holds in each status, counted by the
//! database over the `dossiers_plan_field` index (plan, field, status), not paginated.

use actix_web::{HttpResponse, web};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect, sea_query::Expr};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use sangkien_kit::{ApiError, auth::Caller, service::ServiceContext};
use sangkien_proto::Role;

use crate::{
    api::plans::{fields_of, plan_of},
    store::entities::dossier,
};

/// Registers the route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/dashboard", web::get().to(dashboard));
}

/// Which plan.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DashboardQuery {
    /// The plan to count.
    pub plan_id: Uuid,
}

/// One field's counts.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldCounts {
    /// Field code.
    pub field: String,
    /// All dossiers of the field, drafts included.
    pub total: i64,
    /// Dossiers per status (statuses with none are left out).
    pub by_status: std::collections::BTreeMap<String, i64>,
}

/// The counts of a plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct Dashboard {
    pub plan_id: Uuid,
    /// The fields the caller follows, in the plan's order.
    pub fields: Vec<FieldCounts>,
    /// Sum over those fields.
    pub total: i64,
}

/// Counts a plan's dossiers by field and status: the secretariat and admins see every field,
/// a receiving office the fields it receives.
#[utoipa::path(
    get,
    path = "/api/v1/intake/dashboard",
    tag = "dossiers",
    params(DashboardQuery),
    responses(
        (status = 200, description = "Counts by field and status", body = Dashboard),
        (status = 404, description = "No such plan in the caller's tenant", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn dashboard(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    query: web::Query<DashboardQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(&[Role::CouncilSecretariat, Role::ReceivingOffice, Role::Admin])?;
    let plan = plan_of(&ctx.db, &caller, query.plan_id).await?;
    let everything = caller.has_role(Role::Admin) || caller.has_role(Role::CouncilSecretariat);
    let offices = caller.units_with(Role::ReceivingOffice);
    let followed: Vec<String> = fields_of(&plan)?
        .into_iter()
        .filter(|f| everything || offices.contains(&f.receiving_unit_id))
        .map(|f| f.code)
        .collect();
    let rows: Vec<(String, String, i64)> = dossier::Entity::find()
        .select_only()
        .column(dossier::Column::Field)
        .column(dossier::Column::Status)
        .column_as(Expr::cust("COUNT(*)"), "n")
        // No tenant condition: `plan_of` has checked that the plan is the caller's tenant's,
        // and a dossier belongs to its plan's tenant. So the three columns of the index are
        // all the query reads and PostgreSQL answers from the index alone (index-only scan).
        .filter(dossier::Column::PlanId.eq(plan.id))
        .filter(dossier::Column::Field.is_in(followed.clone()))
        .group_by(dossier::Column::Field)
        .group_by(dossier::Column::Status)
        .into_tuple()
        .all(&ctx.db)
        .await?;
    let mut fields: Vec<FieldCounts> = followed
        .into_iter()
        .map(|field| FieldCounts {
            field,
            total: 0,
            by_status: Default::default(),
        })
        .collect();
    for (field, status, n) in rows {
        if let Some(f) = fields.iter_mut().find(|f| f.field == field) {
            f.total += n;
            *f.by_status.entry(status).or_default() += n;
        }
    }
    Ok(HttpResponse::Ok().json(Dashboard {
        plan_id: plan.id,
        total: fields.iter().map(|f| f.total).sum(),
        fields,
    }))
}
