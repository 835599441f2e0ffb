//! Diagnostic probes: an admin sends one; it travels as `probe.sent` through the outbox to
//! every consuming service, which shows its arrival on its own `probes/{id}`.

use actix_web::{HttpResponse, web};
use sea_orm::{ActiveValue::Set, EntityTrait};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use sangkien_kit::{
    ApiError,
    audit::{self, AuditEntry},
    auth::Caller,
    error::{FieldIssue, Localized},
    service::ServiceContext,
    store::find_in_tenant,
};
use sangkien_proto::{ErrorCode, Role, events::ProbeSent};

use crate::store::probe;

/// Longest note accepted.
const MAX_NOTE_CHARS: usize = 500;

/// Registers the probe routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/probes", web::post().to(send_probe))
        .route("/probes/{id}", web::get().to(get_probe));
}

/// A probe to send.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProbeCreate {
    /// Free text to recognise the probe by (at most 500 characters).
    #[serde(default)]
    pub note: String,
}

/// A probe as sent.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProbeView {
    /// Probe id.
    pub id: Uuid,
    /// The note.
    pub note: String,
    /// Who sent it.
    pub sent_by: Uuid,
    /// When.
    pub sent_at: chrono::DateTime<chrono::Utc>,
}

impl From<probe::Model> for ProbeView {
    fn from(m: probe::Model) -> Self {
        Self {
            id: m.id,
            note: m.note,
            sent_by: m.sent_by,
            sent_at: m.sent_at,
        }
    }
}

fn validate(body: &ProbeCreate) -> Result<String, ApiError> {
    let note = body.note.trim().to_owned();
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(ApiError::validation(vec![FieldIssue {
            field: "note".into(),
            code: "too_long".into(),
            message: Localized::new(
                format!("Ghi chú dài tối đa {MAX_NOTE_CHARS} ký tự"),
                format!("The note may have at most {MAX_NOTE_CHARS} characters"),
            ),
        }]));
    }
    Ok(note)
}

/// Sends a probe through the event path.
#[utoipa::path(
    post,
    path = "/api/v1/intake/probes",
    tag = "diagnostics",
    request_body = ProbeCreate,
    responses(
        (status = 201, description = "Probe recorded and queued for publication", body = ProbeView, headers(("Location" = String, description = "The path of what was created (or of the list it joined): follow it to read it"))),
        (status = 401, description = "Not signed in", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid note", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn send_probe(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    body: web::Json<ProbeCreate>,
) -> Result<HttpResponse, ApiError> {
    let role = caller.require_any(&[Role::Admin])?;
    let note = validate(&body)?;
    let now = ctx.clock.now();
    let row = probe::Model {
        id: Uuid::now_v7(),
        tenant: caller.tenant,
        note,
        sent_by: caller.user,
        sent_at: now,
    };
    let event = ProbeSent {
        probe_id: row.id,
        note: row.note.clone(),
        sent_by: caller.user,
    };
    let txn = sangkien_kit::db::begin_write(&ctx.db).await?;
    let event_id = ctx.outbox.publish(&txn, now, &caller, &event).await?;
    probe::Entity::insert(probe::ActiveModel {
        id: Set(row.id),
        tenant: Set(row.tenant),
        note: Set(row.note.clone()),
        sent_by: Set(row.sent_by),
        sent_at: Set(row.sent_at),
    })
    .exec_without_returning(&txn)
    .await?;
    audit::record(
        &txn,
        &caller,
        now,
        AuditEntry {
            action: "probe.send",
            subject_type: "probe",
            subject_id: row.id,
            role: role.as_str(),
            details: serde_json::json!({ "event_id": event_id }),
        },
    )
    .await?;
    ctx.outbox.commit(txn).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/intake/probes/{}", row.id)))
        .json(ProbeView::from(row)))
}

/// Reads a probe.
#[utoipa::path(
    get,
    path = "/api/v1/intake/probes/{id}",
    tag = "diagnostics",
    params(("id" = Uuid, Path, description = "Probe id")),
    responses(
        (status = 200, description = "The probe", body = ProbeView),
        (status = 404, description = "No such probe", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn get_probe(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(&[Role::Admin])?;
    let found = find_in_tenant::<probe::Entity>(&ctx.db, caller.tenant, id.into_inner())
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::ProbeNotFound))?;
    Ok(HttpResponse::Ok().json(ProbeView::from(found)))
}
