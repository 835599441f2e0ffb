//! Rubrics: the shipped defaults and a body's own, versioned; checked when saved.

use actix_web::{HttpResponse, web};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use sangkien_kit::http::with_location;
use sangkien_kit::{
    ApiError, auth::Caller, db::begin_write, error::Issues, service::ServiceContext,
};
use sangkien_proto::{ErrorCode, Role};

use crate::{
    domain::{
        rubric::{Rubric, check},
        shipped,
    },
    store::rubrics,
    workflow::rubrics::save_rubric as save,
};

/// Who writes rubrics.
pub const RUBRIC_EDITORS: &[Role] = &[Role::CouncilSecretariat, Role::Admin];

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/rubrics", web::get().to(list_rubrics))
        .route("/rubrics", web::post().to(save_rubric))
        .route("/rubrics/{code}", web::get().to(get_rubric));
}

/// A rubric version.
#[derive(Debug, Serialize, ToSchema)]
pub struct RubricView {
    /// True for the defaults shipped with sangkien.
    pub shipped: bool,
    pub version: i32,
    pub rubric: Rubric,
    pub created_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Which version to read.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    /// A version; the latest when absent.
    pub version: Option<i32>,
}

fn shipped_view(r: Rubric) -> RubricView {
    RubricView {
        shipped: true,
        version: 1,
        rubric: r,
        created_at: None,
    }
}

fn stored_view(m: rubrics::Model) -> Result<RubricView, ApiError> {
    Ok(RubricView {
        shipped: false,
        version: m.version,
        rubric: serde_json::from_str(&m.definition).map_err(ApiError::internal)?,
        created_at: Some(m.created_at),
    })
}

/// Lists the latest version of every rubric: the shipped ones, then the body's own.
#[utoipa::path(
    get,
    path = "/api/v1/appraisal/rubrics",
    tag = "rubrics",
    responses((status = 200, description = "Every rubric, latest versions", body = Vec<RubricView>)),
    security(("bearer" = []))
)]
pub async fn list_rubrics(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let mut items: Vec<RubricView> = shipped::all().into_iter().map(shipped_view).collect();
    let rows = rubrics::Entity::find()
        .filter(rubrics::Column::Tenant.eq(caller.tenant))
        .order_by_asc(rubrics::Column::Code)
        .order_by_desc(rubrics::Column::Version)
        .all(&ctx.db)
        .await?;
    let mut seen = std::collections::HashSet::new();
    for row in rows {
        if seen.insert(row.code.clone()) {
            items.push(stored_view(row)?);
        }
    }
    Ok(HttpResponse::Ok().json(items))
}

/// Reads a rubric (the latest version, or `?version=`).
#[utoipa::path(
    get,
    path = "/api/v1/appraisal/rubrics/{code}",
    tag = "rubrics",
    params(("code" = String, Path, description = "Rubric code"), VersionQuery),
    responses(
        (status = 200, description = "The rubric", body = RubricView),
        (status = 404, description = "No such rubric or version", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn get_rubric(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    code: web::Path<String>,
    query: web::Query<VersionQuery>,
) -> Result<HttpResponse, ApiError> {
    let code = code.into_inner();
    if let Some(r) = shipped::all().into_iter().find(|r| r.code == code) {
        if query.version.is_some_and(|v| v != 1) {
            return Err(ApiError::new(ErrorCode::NotFound));
        }
        return Ok(HttpResponse::Ok().json(shipped_view(r)));
    }
    let mut q = rubrics::Entity::find()
        .filter(rubrics::Column::Tenant.eq(caller.tenant))
        .filter(rubrics::Column::Code.eq(code))
        .order_by_desc(rubrics::Column::Version);
    if let Some(v) = query.version {
        q = q.filter(rubrics::Column::Version.eq(v));
    }
    let row = q
        .one(&ctx.db)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    Ok(HttpResponse::Ok().json(stored_view(row)?))
}

/// Saves a rubric of the body: a new code starts at version 1, an existing one gets the next
/// version; earlier versions stay as they were for the sheets scored with them. Checked
/// first: items add up, bands cover the range, thresholds are reachable.
#[utoipa::path(
    post,
    path = "/api/v1/appraisal/rubrics",
    tag = "rubrics",
    request_body = Rubric,
    responses(
        (status = 201, description = "Saved as a new version", body = RubricView, headers(("Location" = String, description = "The path of what was created (or of the list it joined): follow it to read it"))),
        (status = 409, description = "The code belongs to a shipped rubric", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every problem of the rubric", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn save_rubric(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    body: web::Json<Rubric>,
) -> Result<HttpResponse, ApiError> {
    let role = caller.require_any(RUBRIC_EDITORS)?;
    let rubric = body.into_inner();
    let mut issues = Issues::new();
    check(&rubric, &mut issues);
    issues.finish()?;
    not_shipped(&rubric)?;
    let now = ctx.clock.now();
    let txn = begin_write(&ctx.db).await?;
    let row = save(&txn, &caller, role, &rubric, now).await?;
    txn.commit().await?;
    let location = format!("/api/v1/appraisal/rubrics/{}", row.code);
    Ok(with_location(
        HttpResponse::Created().json(stored_view(row)?),
        &location,
    ))
}

/// 409 when `rubric` takes the code of a shipped rubric.
fn not_shipped(rubric: &Rubric) -> Result<(), ApiError> {
    if shipped::all().iter().any(|r| r.code == rubric.code) {
        return Err(ApiError::new(ErrorCode::CodeTaken).with_detail(
            format!("«{}» là phiếu chấm mặc định; hãy đặt mã khác", rubric.code),
            format!("«{}» is a shipped rubric; choose another code", rubric.code),
        ));
    }
    Ok(())
}
