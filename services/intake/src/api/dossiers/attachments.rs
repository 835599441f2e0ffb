//! A dossier's files: streamed up and down, never held whole in memory; type decided from
//! the bytes; size capped per file and per dossier; SHA-256 kept; names only for display.

use actix_web::{HttpRequest, HttpResponse, http::header, web};
use futures::{StreamExt, TryStreamExt};
use sea_orm::{ActiveValue::Set, EntityTrait, IntoActiveModel};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use sangkien_kit::{
    ApiError, Settings, audit::AuditEntry, auth::Caller, db::begin_write, service::ServiceContext,
};
use sangkien_proto::{ErrorCode, Role};

use super::{AttachmentView, Loaded, Relation, current_attachments, load, load_for_update};
use crate::{
    api::common::{audit, wrong_status},
    files::{
        FileStore, UploadError,
        sniff::{ALLOWED, FileType},
        storage::{download_name, key_for, safe_display_name},
    },
    store::{self, entities::attachment},
};

/// Most files one dossier may hold.
pub const MAX_FILES: usize = 20;

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/dossiers/{id}/attachments", web::post().to(upload))
        .route("/dossiers/{id}/attachments", web::get().to(list))
        .route(
            "/dossiers/{id}/attachments/{attachment}",
            web::get().to(download),
        )
        .route(
            "/dossiers/{id}/attachments/{attachment}",
            web::delete().to(remove),
        );
}

/// The file's name, for display.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadName {
    /// File name to show (`bao-cao-mo-ta.pdf`); never used as a path. Alternatively send
    /// `Content-Disposition: attachment; filename="…"`.
    pub name: Option<String>,
}

fn name_from_disposition(req: &HttpRequest) -> Option<String> {
    let value = req
        .headers()
        .get(header::CONTENT_DISPOSITION)?
        .to_str()
        .ok()?;
    let start = value.find("filename=")? + "filename=".len();
    let rest = &value[start..];
    let name = rest.trim_start_matches('"');
    let end = name.find(['"', ';']).unwrap_or(name.len());
    Some(name[..end].to_owned())
}

fn allowed_list() -> String {
    ALLOWED
        .iter()
        .map(|t| t.label())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The dossier holds [`MAX_FILES`] already.
fn too_many_files() -> ApiError {
    ApiError::new(ErrorCode::ValidationFailed).with_detail(
        format!("Mỗi hồ sơ tối đa {MAX_FILES} tệp"),
        format!("A dossier holds at most {MAX_FILES} files"),
    )
}

fn upload_error(e: UploadError, per_file: u64, remaining: u64) -> ApiError {
    match e {
        UploadError::TooLarge { max_bytes } => {
            let mib = max_bytes / (1024 * 1024);
            let (vi, en) = if max_bytes < per_file || remaining < per_file {
                (
                    format!("Hồ sơ chỉ còn chỗ cho {mib} MiB tệp đính kèm"),
                    format!("The dossier has room for only {mib} MiB more"),
                )
            } else {
                (
                    format!("Mỗi tệp tối đa {mib} MiB"),
                    format!("Each file may have at most {mib} MiB"),
                )
            };
            ApiError::new(ErrorCode::PayloadTooLarge).with_detail(vi, en)
        }
        UploadError::Unsupported { detected } => {
            let allowed = allowed_list();
            let seen = detected.unwrap_or_else(|| "không rõ / unknown".into());
            ApiError::new(ErrorCode::UnsupportedMediaType).with_detail(
                format!("Loại tệp không được chấp nhận ({seen}); chỉ nhận: {allowed}"),
                format!("This type of file is not accepted ({seen}); allowed: {allowed}"),
            )
        }
        UploadError::Empty => {
            ApiError::new(ErrorCode::ValidationFailed).with_detail("Tệp rỗng", "The file is empty")
        }
        UploadError::Stream(reason) => ApiError::new(ErrorCode::MalformedBody).with_detail(
            format!("Tải tệp lên bị gián đoạn: {reason}"),
            format!("The upload was interrupted: {reason}"),
        ),
        UploadError::Store(e) => ApiError::internal(anyhow::anyhow!("file store: {e}")),
    }
}

/// Uploads one file to a dossier the author may still edit. The body is the file itself.
#[utoipa::path(
    post,
    path = "/api/v1/intake/dossiers/{id}/attachments",
    operation_id = "upload_attachment",
    tag = "dossiers",
    params(("id" = Uuid, Path, description = "Dossier id"), UploadName),
    request_body(content = inline(sangkien_kit::http::contract::Binary), content_type = "application/octet-stream", description = "The file's bytes (PDF, DOCX, XLSX, JPEG, PNG)"),
    responses(
        (status = 201, description = "Stored", body = AttachmentView, headers(("Location" = String, description = "The path of what was created (or of the list it joined): follow it to read it"))),
        (status = 409, description = "The dossier is not editable now", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The dossier holds its 20 files already", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 413, description = "Over the per-file or per-dossier limit", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not an allowed type, naming those allowed", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn upload(
    req: HttpRequest,
    ctx: web::Data<ServiceContext>,
    files: web::Data<FileStore>,
    caller: Caller,
    id: web::Path<Uuid>,
    query: web::Query<UploadName>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let settings = settings_of(&req)?;
    let loaded = load(&ctx.db, &caller, id.into_inner()).await?;
    loaded.require(Relation::Owner)?;
    let room = room_for_upload(&ctx.db, &loaded, &settings).await?;
    let name = safe_display_name(
        &query
            .name
            .clone()
            .or_else(|| name_from_disposition(&req))
            .unwrap_or_default(),
    );
    let attachment_id = Uuid::now_v7();
    let key = key_for(caller.tenant, loaded.dossier.id, attachment_id);
    let stream = payload.map_err(|e| e.to_string()).boxed_local();
    let stored = files
        .put_stream(&key, stream, room.cap)
        .await
        .map_err(|e| upload_error(e, room.per_file, room.remaining))?;
    let now = ctx.clock.now();
    let row = attachment::Model {
        id: attachment_id,
        dossier_id: loaded.dossier.id,
        name,
        content_type: stored.file_type.mime().into(),
        size: stored.size as i64,
        sha256: stored.sha256.clone(),
        storage_key: key.to_string(),
        uploaded_by: caller.user,
        uploaded_at: now,
        removed_at: None,
    };
    let saved = save_upload(&ctx, &caller, &row, stored.size, &settings, room.per_file).await;
    if let Err(e) = saved {
        let _ = files.delete(&key).await;
        return Err(e);
    }
    Ok(HttpResponse::Created()
        .insert_header((
            "Location",
            format!(
                "/api/v1/intake/dossiers/{}/attachments/{}",
                row.dossier_id, row.id
            ),
        ))
        .json(AttachmentView::from(row)))
}

/// The service's settings, which carry the file limits an upload is held to.
fn settings_of(req: &HttpRequest) -> Result<web::Data<Settings>, ApiError> {
    req.app_data::<web::Data<Settings>>()
        .cloned()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("settings missing")))
}

/// How much one more file of a dossier may hold, decided before its bytes are read.
struct Room {
    /// The per-file limit.
    per_file: u64,
    /// What the dossier's byte total leaves.
    remaining: u64,
    /// The lesser of the two: where the stream is cut off.
    cap: u64,
}

/// Checks before streaming that `loaded` is editable and has room, and how many bytes remain.
async fn room_for_upload<C: sea_orm::ConnectionTrait>(
    db: &C,
    loaded: &Loaded,
    settings: &Settings,
) -> Result<Room, ApiError> {
    let status = loaded.status();
    if !status.is_editable() {
        return Err(wrong_status(
            "đính kèm tệp vào",
            "attach files to",
            status.as_str(),
        ));
    }
    let existing = current_attachments(db, loaded.dossier.id).await?;
    if existing.len() >= MAX_FILES {
        return Err(too_many_files());
    }
    let used: u64 = existing.iter().map(|a| a.size.max(0) as u64).sum();
    let per_file = settings.files.max_file_bytes;
    let remaining = settings.files.max_dossier_bytes.saturating_sub(used);
    Ok(Room {
        per_file,
        remaining,
        cap: per_file.min(remaining),
    })
}

/// Records the stored file `row`, rechecked under the dossier's lock: it may have changed.
async fn save_upload(
    ctx: &ServiceContext,
    caller: &Caller,
    row: &attachment::Model,
    size: u64,
    settings: &Settings,
    per_file: u64,
) -> Result<(), ApiError> {
    let txn = begin_write(&ctx.db).await?;
    // Checked again now that the file is in: the dossier may have changed meanwhile.
    // Under the dossier's lock, so concurrent uploads count one after the other and the
    // 20 files and the byte total hold whatever the concurrency.
    let again = load_for_update(&txn, caller, row.dossier_id).await?;
    if !again.status().is_editable() {
        return Err(wrong_status(
            "đính kèm tệp vào",
            "attach files to",
            again.status().as_str(),
        ));
    }
    let current = current_attachments(&txn, row.dossier_id).await?;
    if current.len() >= MAX_FILES {
        return Err(too_many_files());
    }
    let used: u64 = current.iter().map(|a| a.size.max(0) as u64).sum();
    if used + size > settings.files.max_dossier_bytes {
        return Err(upload_error(
            UploadError::TooLarge {
                max_bytes: settings.files.max_dossier_bytes.saturating_sub(used),
            },
            per_file,
            0,
        ));
    }
    store::dossiers::insert_attachment(&txn, row).await?;
    audit_attached(&txn, ctx, caller, row).await?;
    txn.commit().await?;
    Ok(())
}

/// Audits the file `row` attached, so the upload's transaction reads as its steps.
async fn audit_attached<C: sea_orm::ConnectionTrait>(
    txn: &C,
    ctx: &ServiceContext,
    caller: &Caller,
    row: &attachment::Model,
) -> Result<(), ApiError> {
    audit(
        txn,
        ctx,
        caller,
        AuditEntry {
            action: "dossier.file_attached",
            subject_type: "dossier",
            subject_id: row.dossier_id,
            role: Role::Author.as_str(),
            details: serde_json::json!({
                "attachment_id": row.id, "name": row.name, "size": row.size, "sha256": row.sha256,
            }),
        },
    )
    .await
}

/// Lists the files a dossier has now.
#[utoipa::path(
    get,
    path = "/api/v1/intake/dossiers/{id}/attachments",
    operation_id = "list_attachments",
    tag = "dossiers",
    params(("id" = Uuid, Path, description = "Dossier id")),
    responses((status = 200, description = "The files", body = Vec<AttachmentView>)),
    security(("bearer" = []))
)]
pub async fn list(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let loaded = load(&ctx.db, &caller, id.into_inner()).await?;
    let items: Vec<AttachmentView> = current_attachments(&ctx.db, loaded.dossier.id)
        .await?
        .into_iter()
        .map(AttachmentView::from)
        .collect();
    Ok(HttpResponse::Ok().json(items))
}

/// `filename*=UTF-8''…` for Content-Disposition (RFC 6266 / 8187), the client's label with
/// the extension of the type stored as `content_type` ([`download_name`]).
pub(crate) fn disposition(label: &str, content_type: &str) -> String {
    let name = download_name(label, FileType::from_mime(content_type));
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// Downloads a file of the dossier, streamed (also a file of an earlier version).
#[utoipa::path(
    get,
    path = "/api/v1/intake/dossiers/{id}/attachments/{attachment}",
    operation_id = "download_attachment",
    tag = "dossiers",
    params(
        ("id" = Uuid, Path, description = "Dossier id"),
        ("attachment" = Uuid, Path, description = "Attachment id"),
    ),
    responses(
        (status = 200, description = "The file, with the media type it was typed as (PDF, DOCX, XLSX, JPEG, PNG)", content_type = "application/octet-stream", body = inline(sangkien_kit::http::contract::Binary), headers(("ETag" = String, description = "The file's SHA-256 in quotes (a strong tag): the same bytes while it stays the same"))),
        (status = 404, description = "No such file", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn download(
    ctx: web::Data<ServiceContext>,
    files: web::Data<FileStore>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, attachment_id) = path.into_inner();
    let loaded = load(&ctx.db, &caller, id).await?;
    let a = attachment::Entity::find_by_id(attachment_id)
        .one(&ctx.db)
        .await?
        .filter(|a| a.dossier_id == loaded.dossier.id)
        .ok_or_else(|| ApiError::new(ErrorCode::AttachmentNotFound))?;
    let key = object_store::path::Path::from(a.storage_key.as_str());
    let (size, stream) = files.open(&key).await.map_err(ApiError::internal)?;
    let body = stream
        .map(|chunk| chunk.map_err(|e| actix_web::error::ErrorInternalServerError(e.to_string())));
    Ok(HttpResponse::Ok()
        .content_type(a.content_type.as_str())
        .insert_header((
            header::CONTENT_DISPOSITION,
            disposition(&a.name, &a.content_type),
        ))
        .insert_header((header::ETAG, format!("\"{}\"", a.sha256)))
        .insert_header(("Digest", format!("sha-256={}", a.sha256)))
        .no_chunking(size)
        .streaming(body))
}

/// Removes a file from a dossier the author may still edit. A file that belongs to a
/// submitted version stays stored for that version.
#[utoipa::path(
    delete,
    path = "/api/v1/intake/dossiers/{id}/attachments/{attachment}",
    operation_id = "remove_attachment",
    tag = "dossiers",
    params(
        ("id" = Uuid, Path, description = "Dossier id"),
        ("attachment" = Uuid, Path, description = "Attachment id"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 409, description = "The dossier is not editable now", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn remove(
    ctx: web::Data<ServiceContext>,
    files: web::Data<FileStore>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, attachment_id) = path.into_inner();
    let now = ctx.clock.now();
    let txn = begin_write(&ctx.db).await?;
    let loaded = load(&txn, &caller, id).await?;
    loaded.require(Relation::Owner)?;
    let status = loaded.status();
    if !status.is_editable() {
        return Err(wrong_status(
            "gỡ tệp khỏi",
            "remove files from",
            status.as_str(),
        ));
    }
    let a = attachment::Entity::find_by_id(attachment_id)
        .one(&txn)
        .await?
        .filter(|a| a.dossier_id == loaded.dossier.id && a.removed_at.is_none())
        .ok_or_else(|| ApiError::new(ErrorCode::AttachmentNotFound))?;
    let mut m = a.clone().into_active_model();
    m.removed_at = Set(Some(now));
    attachment::Entity::update(m).exec(&txn).await?;
    audit(
        &txn,
        &ctx,
        &caller,
        AuditEntry {
            action: "dossier.file_removed",
            subject_type: "dossier",
            subject_id: loaded.dossier.id,
            role: Role::Author.as_str(),
            details: serde_json::json!({ "attachment_id": a.id, "name": a.name }),
        },
    )
    .await?;
    txn.commit().await?;
    if loaded.dossier.submissions == 0 {
        // Never part of a submitted version: nothing refers to the bytes any more.
        let _ = files
            .delete(&object_store::path::Path::from(a.storage_key.as_str()))
            .await;
    }
    Ok(HttpResponse::NoContent().finish())
}
