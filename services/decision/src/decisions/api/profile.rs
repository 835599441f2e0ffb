//! The body profile: read by those who draft and sign, written by the admin with `If-Match`
//! (the first write needs none).

use actix_web::{HttpRequest, HttpResponse, web};
use sea_orm::{ActiveValue::Set, EntityTrait, IntoActiveModel};
use serde::Serialize;
use utoipa::ToSchema;

use sangkien_kit::{
    ApiError,
    audit::{self, AuditEntry},
    auth::Caller,
    db::begin_write,
    error::Issues,
    http::paging::{etag, require_if_match},
    service::ServiceContext,
};
use sangkien_proto::{ErrorCode, Role};

use crate::decisions::{
    domain::profile::{BodyProfile, problems},
    store::profile,
};

/// The stored profile and its version.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileView {
    pub profile: BodyProfile,
    pub version: i32,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

fn view(m: profile::Model) -> Result<ProfileView, ApiError> {
    Ok(ProfileView {
        profile: serde_json::from_str(&m.profile).map_err(ApiError::internal)?,
        version: m.version,
        updated_at: m.updated_at,
    })
}

fn answer(v: &ProfileView) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("ETag", etag(v.version)))
        .json(v)
}

/// Reads the recognising body's profile; 404 until the admin sets it.
#[utoipa::path(
    get,
    path = "/api/v1/decision/body-profile",
    tag = "decisions",
    responses(
        (status = 200, description = "The profile; ETag is its version", body = ProfileView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"))),
        (status = 404, description = "Not configured yet", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn get_profile(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(&[Role::Admin, Role::CouncilSecretariat, Role::Signer])?;
    let m = profile::Entity::find_by_id(caller.tenant)
        .one(&ctx.db)
        .await?
        .ok_or_else(|| {
            ApiError::new(ErrorCode::NotFound).with_detail(
                "Chưa cấu hình thông tin cơ quan ban hành",
                "The issuing body is not configured yet",
            )
        })?;
    Ok(answer(&view(m)?))
}

/// Sets the body profile (`If-Match` once it exists): every problem is listed at once.
#[utoipa::path(
    put,
    path = "/api/v1/decision/body-profile",
    tag = "decisions",
    params(("If-Match" = Option<String>, Header, description = "The ETag last read (`W/\"<version>\"`): required once the profile exists — 428 without it, 412 when stale")),
    request_body = BodyProfile,
    responses(
        (status = 200, description = "Stored", body = ProfileView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"))),
        (status = 412, description = "Stale If-Match", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every problem", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing on an existing profile", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn put_profile(
    req: HttpRequest,
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    body: web::Json<BodyProfile>,
) -> Result<HttpResponse, ApiError> {
    let role = caller.require_any(&[Role::Admin])?;
    let now = ctx.clock.now();
    let mut p = body.into_inner();
    let mut issues = Issues::new();
    for x in problems(&p) {
        issues.push(x.field, x.code, x.vi, x.en);
    }
    issues.finish()?;
    trim(&mut p);
    let txn = begin_write(&ctx.db).await?;
    let existing = profile::Entity::find_by_id(caller.tenant).one(&txn).await?;
    let json = serde_json::to_string(&p).map_err(ApiError::internal)?;
    let before = existing.as_ref().map(|e| e.profile.clone());
    let stored = match existing {
        Some(e) => {
            require_if_match(&req, e.version)?;
            let mut am = e.clone().into_active_model();
            am.profile = Set(json);
            am.version = Set(e.version + 1);
            am.updated_by = Set(caller.user);
            am.updated_at = Set(now);
            profile::Entity::update(am).exec(&txn).await?
        }
        None => {
            let m = profile::Model {
                tenant: caller.tenant,
                profile: json,
                version: 1,
                updated_by: caller.user,
                updated_at: now,
            };
            profile::Entity::insert(m.clone().into_active_model())
                .exec_without_returning(&txn)
                .await?;
            m
        }
    };
    audit::record(
        &txn,
        &caller,
        now,
        AuditEntry {
            action: "body_profile.set",
            subject_type: "body_profile",
            subject_id: caller.tenant,
            role: role.as_str(),
            details: serde_json::json!({ "before": before, "after": p }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(answer(&view(stored)?))
}

fn trim(p: &mut BodyProfile) {
    for s in [
        &mut p.full_name,
        &mut p.superior_name,
        &mut p.place_name,
        &mut p.document_symbol,
        &mut p.decision_type,
        &mut p.archive_line,
    ] {
        *s = s.trim().to_owned();
    }
    for l in p.legal_bases.iter_mut().chain(p.recipients.iter_mut()) {
        *l = l.trim().to_owned();
    }
    for s in &mut p.signers {
        s.name = s.name.trim().to_owned();
        for t in &mut s.titles {
            *t = t.trim().to_owned();
        }
    }
}
