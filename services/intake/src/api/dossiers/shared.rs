//! A dossier's files shared by a signed expiring link (`sangkien_kit::links`): what the
//! provincial DOST system downloads from a nomination package without an account. The list
//! answers each file with its own link, signed until the same expiry.

use actix_web::{HttpRequest, HttpResponse, http::header, web};
use futures::StreamExt;
use sea_orm::EntityTrait;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use sangkien_kit::{
    ApiError, Settings,
    links::{LinkSigner, SignedQuery, verify_request},
    service::ServiceContext,
};
use sangkien_proto::ErrorCode;

use super::{attachments::disposition, current_attachments};
use crate::{files::FileStore, store::entities::attachment};

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/shared/dossiers/{id}/attachments",
        web::get().to(shared_attachments),
    )
    .route(
        "/shared/dossiers/{id}/attachments/{attachment}",
        web::get().to(shared_download),
    );
}

/// A file of a shared dossier, with its own signed link.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SharedAttachment {
    pub id: Uuid,
    /// Name to show.
    pub name: String,
    /// Type decided from the bytes.
    pub content_type: String,
    pub size: i64,
    /// SHA-256, hex.
    pub sha256: String,
    /// Gateway path of the file, signed until the list's own expiry.
    pub href: String,
}

/// The files of a dossier, by signed link (no token).
#[utoipa::path(
    get,
    path = "/api/v1/intake/shared/dossiers/{id}/attachments",
    tag = "dossiers",
    params(("id" = Uuid, Path, description = "Dossier id"), SignedQuery),
    responses(
        (status = 200, description = "The files", body = Vec<SharedAttachment>),
        (status = 403, description = "Signature does not match", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 410, description = "The link has expired", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn shared_attachments(
    req: HttpRequest,
    ctx: web::Data<ServiceContext>,
    settings: web::Data<Settings>,
    id: web::Path<Uuid>,
    query: web::Query<SignedQuery>,
) -> Result<HttpResponse, ApiError> {
    verify_request(&req, &settings, &query, ctx.clock.now())?;
    let signer = LinkSigner::from_settings(&settings)?;
    let expires = chrono::DateTime::from_timestamp(query.expires, 0)
        .ok_or_else(|| ApiError::from(sangkien_kit::links::LinkRefused::Invalid))?;
    let files = current_attachments(&ctx.db, id.into_inner()).await?;
    let items: Vec<SharedAttachment> = files
        .into_iter()
        .map(|a| {
            let path = format!("{}/{}", req.path(), a.id);
            SharedAttachment {
                href: signer.signed_path(&path, expires),
                id: a.id,
                name: a.name,
                content_type: a.content_type,
                size: a.size,
                sha256: a.sha256,
            }
        })
        .collect();
    Ok(HttpResponse::Ok().json(items))
}

/// Downloads one file of a dossier by signed link (no token), streamed.
#[utoipa::path(
    get,
    path = "/api/v1/intake/shared/dossiers/{id}/attachments/{attachment}",
    tag = "dossiers",
    params(
        ("id" = Uuid, Path, description = "Dossier id"),
        ("attachment" = Uuid, Path, description = "Attachment id"),
        SignedQuery,
    ),
    responses(
        (status = 200, description = "The file, with the media type it was typed as (PDF, DOCX, XLSX, JPEG, PNG)", content_type = "application/octet-stream", body = inline(sangkien_kit::http::contract::Binary), headers(("ETag" = String, description = "The file's SHA-256 in quotes (a strong tag): the same bytes while it stays the same"))),
        (status = 403, description = "Signature does not match", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 410, description = "The link has expired", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn shared_download(
    req: HttpRequest,
    ctx: web::Data<ServiceContext>,
    settings: web::Data<Settings>,
    files: web::Data<FileStore>,
    path: web::Path<(Uuid, Uuid)>,
    query: web::Query<SignedQuery>,
) -> Result<HttpResponse, ApiError> {
    verify_request(&req, &settings, &query, ctx.clock.now())?;
    let (id, attachment_id) = path.into_inner();
    let a = attachment::Entity::find_by_id(attachment_id)
        .one(&ctx.db)
        .await?
        .filter(|a| a.dossier_id == id)
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
        .no_chunking(size)
        .streaming(body))
}
