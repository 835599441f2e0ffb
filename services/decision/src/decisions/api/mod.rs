//! The decisions' routes under `/api/v1/decision`.

pub mod drafts;
pub mod files;
pub mod items;
pub mod pending;
pub mod profile;
pub mod sign;
pub mod views;

use crate::decisions::domain::status::DecisionStatus;
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
        .route("/decisions/{id}", web::delete().to(drafts::delete_draft))
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

/// Takes the draft for one change: it must still be a draft, at the version the caller read
/// (`If-Match`), and it is bumped to the next version by a conditional write before anything
/// else is written. Reads alone do not serialise two requests on PostgreSQL's READ COMMITTED:
/// of two signatures (or an edit racing a signature) with the same ETag, the second waits on
/// the row, finds the version moved and gets 412 — a draft is never signed twice, never
/// changed after its signature, and a losing signature takes no register number.
pub async fn claim_draft<C: ConnectionTrait>(
    db: &C,
    req: &actix_web::HttpRequest,
    d: &decision::Model,
) -> Result<(), ApiError> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    still_draft(d)?;
    sangkien_kit::http::paging::require_if_match(req, d.version)?;
    let claimed = decision::Entity::update_many()
        .col_expr(decision::Column::Version, Expr::value(d.version + 1))
        .filter(decision::Column::Id.eq(d.id))
        .filter(decision::Column::Version.eq(d.version))
        .filter(decision::Column::Status.eq(DecisionStatus::Draft.code()))
        .exec(db)
        .await?;
    if claimed.rows_affected == 0 {
        return Err(ApiError::new(ErrorCode::PreconditionFailed).with_detail(
            "Quyết định vừa được người khác sửa hoặc ký; tải lại rồi thử lại",
            "The decision was just changed or signed by someone else; reload and retry",
        ));
    }
    Ok(())
}

/// Refuses any change to a signed decision.
pub fn still_draft(d: &decision::Model) -> Result<(), ApiError> {
    if d.state() != Some(DecisionStatus::Draft) {
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
            format!(
                "Nội dung JSON không hợp lệ: {}",
                sangkien_kit::http::problems::json_problem_vi(&e)
            ),
            format!("The JSON body is not valid: {e}"),
        )
    })
}

/// True when `caller` reads every decision of the tenant (secretariat, signer, admin).
pub fn reads_all(caller: &Caller) -> bool {
    READERS.iter().any(|r| caller.has_role(*r))
}

/// True when the issued decision `d` decides on an initiative `caller` is an author of (the
/// dossier's owner, or a co-author with an account): the author may read and download it.
pub async fn concerns<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    d: &decision::Model,
) -> Result<bool, ApiError> {
    if d.state() != Some(DecisionStatus::Issued) || !caller.has_role(Role::Author) {
        return Ok(false);
    }
    for (_, x) in super::documents::lines_of(db, d.id)
        .await
        .map_err(ApiError::internal)?
    {
        if files::author_ids(&x)?.contains(&caller.user) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The decision `id` for a reader: every decision for those who read all, an issued one
/// that concerns her for an author; `decision_not_found` otherwise, so ids reveal nothing.
pub async fn readable_decision<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    id: Uuid,
) -> Result<decision::Model, ApiError> {
    if !reads_all(caller) {
        caller.require_any(&[Role::Author])?;
    }
    let d = decision_of(db, caller, id).await?;
    if reads_all(caller) || concerns(db, caller, &d).await? {
        Ok(d)
    } else {
        Err(ApiError::new(ErrorCode::DecisionNotFound))
    }
}
