//! Every submitted version, unchanged, and the dossier's history.

use actix_web::{HttpResponse, web};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use sangkien_kit::{ApiError, auth::Caller, service::ServiceContext, store::audit_log};
use sangkien_proto::ErrorCode;

use super::{AttachmentView, load};
use crate::{domain::form::Form, store::entities::dossier_version};

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/dossiers/{id}/versions", web::get().to(list_versions))
        .route(
            "/dossiers/{id}/versions/{number}",
            web::get().to(get_version),
        )
        .route("/dossiers/{id}/history", web::get().to(history));
}

/// A submitted version.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionView {
    /// 1, 2, … in order of submission.
    pub number: i32,
    /// The form as submitted.
    pub form: Form,
    /// The files as submitted.
    pub attachments: Vec<AttachmentView>,
    pub submitted_by: Uuid,
    pub submitted_at: chrono::DateTime<chrono::Utc>,
}

/// One step of a dossier's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryEntry {
    pub at: chrono::DateTime<chrono::Utc>,
    /// Who acted.
    pub actor: Uuid,
    /// In which role.
    pub role: String,
    /// What they did (`dossier.returned`).
    pub action: String,
    /// Reason and other facts.
    pub details: serde_json::Value,
}

fn version_view(
    v: dossier_version::Model,
    hide_confidential: bool,
) -> Result<VersionView, ApiError> {
    let mut form: Form = serde_json::from_str(&v.form).map_err(ApiError::internal)?;
    if hide_confidential {
        form.confidential_info = None;
    }
    Ok(VersionView {
        number: v.number,
        form,
        attachments: serde_json::from_str(&v.attachments).map_err(ApiError::internal)?,
        submitted_by: v.submitted_by,
        submitted_at: v.submitted_at,
    })
}

/// Lists the submitted versions, oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/intake/dossiers/{id}/versions",
    tag = "dossiers",
    params(("id" = Uuid, Path, description = "Dossier id")),
    responses((status = 200, description = "Every submitted version", body = Vec<VersionView>)),
    security(("bearer" = []))
)]
pub async fn list_versions(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let loaded = load(&ctx.db, &caller, id.into_inner()).await?;
    let hide = !loaded.relations.iter().any(|r| r.sees_confidential());
    let rows = dossier_version::Entity::find()
        .filter(dossier_version::Column::DossierId.eq(loaded.dossier.id))
        .order_by_asc(dossier_version::Column::Number)
        .all(&ctx.db)
        .await?;
    let items = rows
        .into_iter()
        .map(|v| version_view(v, hide))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(items))
}

/// Reads one submitted version.
#[utoipa::path(
    get,
    path = "/api/v1/intake/dossiers/{id}/versions/{number}",
    tag = "dossiers",
    params(
        ("id" = Uuid, Path, description = "Dossier id"),
        ("number" = i32, Path, description = "Version number"),
    ),
    responses(
        (status = 200, description = "The version as submitted", body = VersionView),
        (status = 404, description = "No such version", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn get_version(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    path: web::Path<(Uuid, i32)>,
) -> Result<HttpResponse, ApiError> {
    let (id, number) = path.into_inner();
    let loaded = load(&ctx.db, &caller, id).await?;
    let hide = !loaded.relations.iter().any(|r| r.sees_confidential());
    let v = dossier_version::Entity::find()
        .filter(dossier_version::Column::DossierId.eq(loaded.dossier.id))
        .filter(dossier_version::Column::Number.eq(number))
        .one(&ctx.db)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    Ok(HttpResponse::Ok().json(version_view(v, hide)?))
}

/// The dossier's history: who did what, when, with which reason.
#[utoipa::path(
    get,
    path = "/api/v1/intake/dossiers/{id}/history",
    tag = "dossiers",
    params(("id" = Uuid, Path, description = "Dossier id")),
    responses((status = 200, description = "Every recorded step, oldest first", body = Vec<HistoryEntry>)),
    security(("bearer" = []))
)]
pub async fn history(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let loaded = load(&ctx.db, &caller, id.into_inner()).await?;
    let rows = audit_log::Entity::find()
        .filter(audit_log::Column::SubjectId.eq(loaded.dossier.id))
        .order_by_asc(audit_log::Column::Id)
        .all(&ctx.db)
        .await?;
    let items: Vec<HistoryEntry> = rows
        .into_iter()
        .map(|r| HistoryEntry {
            at: r.at,
            actor: r.actor,
            role: r.actor_role,
            action: r.action,
            details: serde_json::from_str(&r.details).unwrap_or(serde_json::Value::Null),
        })
        .collect();
    Ok(HttpResponse::Ok().json(items))
}
