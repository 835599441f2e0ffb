//! The decisions' routes under `/api/v1/decision`.

pub mod drafts;
pub mod files;
pub mod items;
pub mod pending;
pub mod profile;
pub mod sign;
pub mod views;

use actix_web::web;
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use sangkien_kit::{ApiError, auth::Caller};
use sangkien_proto::{ErrorCode, Role};

use super::store::decision;

/// Who drafts and edits decisions.
pub const DRAFTERS: &[Role] = &[Role::CouncilSecretariat];
/// Who reads decisions and their documents.
pub const READERS: &[Role] = &[Role::CouncilSecretariat, Role::Signer, Role::Admin];

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/body-profile", web::get().to(profile::get_profile))
        .route("/body-profile", web::put().to(profile::put_profile))
        .route("/decisions", web::get().to(drafts::list_decisions))
        .route("/decisions", web::post().to(drafts::draft_decision))
        .route("/decisions/pending", web::get().to(pending::pending))
        .route("/decisions/{id}", web::get().to(drafts::get_decision))
        .route("/decisions/{id}", web::put().to(drafts::update_decision))
        .route(
            "/decisions/{id}/items/{dossier_id}",
            web::put().to(items::edit_item),
        )
        .route("/decisions/{id}/sign", web::post().to(sign::sign_decision))
        .route(
            "/decisions/{id}/document",
            web::get().to(files::download_decision),
        )
        .route(
            "/decisions/{id}/certificates",
            web::get().to(files::list_certificates),
        )
        .route(
            "/decisions/{id}/certificates/{dossier_id}",
            web::get().to(files::download_certificate),
        );
}

/// The decision `id` of the caller's tenant, or `decision_not_found`.
pub async fn decision_of<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    id: Uuid,
) -> Result<decision::Model, ApiError> {
    super::documents::find(db, caller.tenant, id)
        .await
        .map_err(ApiError::internal)?
        .ok_or_else(|| ApiError::new(ErrorCode::DecisionNotFound))
}

/// Refuses any change to a signed decision.
pub fn still_draft(d: &decision::Model) -> Result<(), ApiError> {
    if d.status != "draft" {
        return Err(ApiError::new(ErrorCode::DecisionIssued).with_detail(
            format!(
                "Quyết định {} đã ký ban hành; không sửa được",
                d.number_text.clone().unwrap_or_default()
            ),
            format!(
                "Decision {} is signed and can no longer change",
                d.number_text.clone().unwrap_or_default()
            ),
        ));
    }
    Ok(())
}

/// Parses a JSON body read as bytes (so `Idempotency-Key` can fingerprint it), answering
/// `malformed_body` with serde's reason.
pub fn parse_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::new(ErrorCode::MalformedBody).with_detail(
            format!("Nội dung JSON không hợp lệ: {e}"),
            format!("The JSON body is not valid: {e}"),
        )
    })
}
