//! What the decision routes answer.

use crate::decisions::domain::status::DecisionStatus;
use actix_web::{HttpResponse, http::StatusCode};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use sangkien_kit::{ApiError, http::paging::etag};
use sangkien_proto::events::AuthorInfo;

use crate::decisions::{documents::lines_of, store::decision};

/// An author and their share.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorView {
    pub full_name: String,
    pub user_id: Option<Uuid>,
    pub contribution_percent: f64,
}

/// One dossier of a decision: what appraisal concluded and what the decision says.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemView {
    pub dossier_id: Uuid,
    pub register_number: i32,
    /// The initiative's name.
    pub name: String,
    pub authors: Vec<AuthorView>,
    /// Recognised (true) or refused (false) by this decision.
    pub recognised: bool,
    /// The written reason.
    pub reason: String,
    /// True when the secretariat moved it away from the conclusion.
    pub moved: bool,
    /// What appraisal concluded.
    pub recommended: bool,
    pub conclusion_reason: String,
    pub average: Option<f64>,
    pub grade: Option<String>,
}

/// A decision, draft or issued.
#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionView {
    pub id: Uuid,
    pub plan_id: Uuid,
    pub field: String,
    pub year: i32,
    /// Draft, or issued (signed and numbered).
    pub status: DecisionStatus,
    pub title: String,
    pub proposal: String,
    /// The number in the register, once signed.
    pub number: Option<i32>,
    /// `05/QĐ-UBND`, once signed.
    pub number_text: Option<String>,
    /// Local date of signature.
    pub signed_on: Option<chrono::NaiveDate>,
    pub signed_by: Option<Uuid>,
    pub recognised_count: usize,
    pub refused_count: usize,
    pub items: Vec<ItemView>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub version: i32,
}

/// A page of decisions (without their items).
#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionPage {
    pub items: Vec<DecisionView>,
    pub next_cursor: Option<String>,
}

/// The view of `d`; with its items unless `brief`.
pub async fn decision_view<C: ConnectionTrait>(
    db: &C,
    d: decision::Model,
    brief: bool,
) -> Result<DecisionView, ApiError> {
    let lines = lines_of(db, d.id).await.map_err(ApiError::internal)?;
    let recognised_count = lines.iter().filter(|(i, _)| i.recognised).count();
    let refused_count = lines.len() - recognised_count;
    let mut items = Vec::new();
    if !brief {
        for (i, x) in lines {
            let authors: Vec<AuthorInfo> =
                serde_json::from_str(&x.authors).map_err(ApiError::internal)?;
            items.push(ItemView {
                dossier_id: i.dossier_id,
                register_number: x.register_number,
                name: x.name,
                authors: authors
                    .into_iter()
                    .map(|a| AuthorView {
                        full_name: a.full_name,
                        user_id: a.user_id,
                        contribution_percent: a.contribution_percent,
                    })
                    .collect(),
                recognised: i.recognised,
                reason: i.reason,
                moved: i.moved,
                recommended: x.recommended,
                conclusion_reason: x.conclusion_reason,
                average: x.average,
                grade: x.grade,
            });
        }
    }
    Ok(DecisionView {
        id: d.id,
        plan_id: d.plan_id,
        field: d.field,
        year: d.year,
        status: DecisionStatus::stored(&d.status)?,
        title: d.title,
        proposal: d.proposal,
        number: d.number,
        number_text: d.number_text,
        signed_on: d.signed_on,
        signed_by: d.signed_by,
        recognised_count,
        refused_count,
        items,
        created_at: d.created_at,
        updated_at: d.updated_at,
        version: d.version,
    })
}

/// The answer with the decision's ETag.
pub fn answer(status: StatusCode, v: &DecisionView) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header(("ETag", etag(v.version)))
        .json(v)
}
