//! The package sent to the provincial DOST system (docs/province-api.md): for each nominated
//! initiative the request data, a signed link to its files, the appraisal's conclusion and
//! sheet summary, signed links to the minutes of the sittings that discussed it, and the
//! decision that recognised it with a signed link to the decision document.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use sangkien_kit::{ApiError, Settings, links::LinkSigner};
use sangkien_proto::events::AuthorInfo;

use super::store::{nom_dossier, nom_sheet, nom_sitting, nomination, nomination_dossier};

/// What is sent: one nomination of typical initiatives.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Package {
    /// The nomination; also the `Idempotency-Key` of the sending.
    pub nomination_id: Uuid,
    /// The recognising body (tenant) nominating.
    pub tenant: Uuid,
    /// Why these initiatives are typical.
    pub reason: String,
    /// When the secretariat nominated them.
    pub nominated_at: DateTime<Utc>,
    /// When every link in the package stops working.
    pub links_expire_at: DateTime<Utc>,
    /// Where the province reports its result (relative to our public URL).
    pub result_url: String,
    /// The initiatives, in the order nominated.
    pub initiatives: Vec<PackageInitiative>,
}

/// One author or co-author as sent.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PackageAuthor {
    pub full_name: String,
    /// Share of the initiative, percent.
    pub contribution_percent: f64,
}

/// The appraisal's conclusion.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PackageConclusion {
    /// `appraisal_team` or `council`: the stage that concluded.
    pub stage: String,
    pub recommended: bool,
    pub reason: String,
    pub average_score: Option<f64>,
    pub grade: Option<String>,
}

/// The score sheets of one stage, summed up (never who gave which score).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PackageSheets {
    pub stage: String,
    /// Sheets submitted (latest revision of each reviewer).
    pub count: usize,
    /// Of them, passing the rubric's rule.
    pub passed: usize,
    /// Each sheet's total, highest first.
    pub totals: Vec<f64>,
}

/// The minutes of a sitting that discussed the initiative.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PackageMinutes {
    pub sitting_id: Uuid,
    pub stage: String,
    pub held_on: NaiveDate,
    /// Signed link to the DOCX minutes.
    pub url: String,
}

/// The recognition decision.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PackageDecision {
    pub decision_id: Uuid,
    /// Number and symbol (`05/QĐ-UBND`).
    pub number: String,
    pub signed_on: NaiveDate,
    /// Signed link to the decision document.
    pub document_url: String,
}

/// One nominated initiative.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PackageInitiative {
    pub dossier_id: Uuid,
    pub plan_id: Option<Uuid>,
    /// The plan's field code.
    pub field: Option<String>,
    pub register_number: Option<i32>,
    pub name: Option<String>,
    /// `technical`, `management`, `operational` or `technical_progress`.
    pub kind: Option<String>,
    /// The owner's unit.
    pub unit_id: Option<Uuid>,
    pub received_on: Option<NaiveDate>,
    pub authors: Vec<PackageAuthor>,
    /// Signed link to the list of the dossier's files, each with its own signed link.
    pub attachments_url: String,
    pub conclusion: Option<PackageConclusion>,
    pub sheets: Vec<PackageSheets>,
    pub minutes: Vec<PackageMinutes>,
    pub decision: Option<PackageDecision>,
}

/// The dossier ids of a nomination, in order.
pub async fn dossier_ids_of<C: ConnectionTrait>(
    db: &C,
    nomination_id: Uuid,
) -> Result<Vec<Uuid>, ApiError> {
    Ok(nomination_dossier::Entity::find()
        .filter(nomination_dossier::Column::NominationId.eq(nomination_id))
        .order_by_asc(nomination_dossier::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|d| d.dossier_id)
        .collect())
}

/// Builds the package of `n` now, its links valid for `links.ttl_secs`.
pub async fn build<C: ConnectionTrait>(
    db: &C,
    settings: &Settings,
    n: &nomination::Model,
    now: DateTime<Utc>,
) -> Result<Package, ApiError> {
    let signer = LinkSigner::from_settings(settings)?;
    let base = settings.links.public_url.as_str();
    let ttl = i64::try_from(settings.links.ttl_secs).unwrap_or(i64::MAX / 2);
    let expires = now + chrono::Duration::seconds(ttl.min(10 * 365 * 24 * 3600));
    // Links carry whole seconds.
    let expires = DateTime::from_timestamp(expires.timestamp(), 0).unwrap_or(expires);
    let ids = dossier_ids_of(db, n.id).await?;
    let dossiers = nom_dossier::Entity::find()
        .filter(nom_dossier::Column::DossierId.is_in(ids.clone()))
        .all(db)
        .await?;
    let sheets = nom_sheet::Entity::find()
        .filter(nom_sheet::Column::DossierId.is_in(ids.clone()))
        .all(db)
        .await?;
    let sittings = nom_sitting::Entity::find()
        .filter(nom_sitting::Column::DossierId.is_in(ids.clone()))
        .order_by_asc(nom_sitting::Column::HeldOn)
        .all(db)
        .await?;
    let mut initiatives = Vec::new();
    for id in ids {
        let Some(d) = dossiers.iter().find(|d| d.dossier_id == id) else {
            continue;
        };
        let authors: Vec<AuthorInfo> = serde_json::from_str(&d.authors).unwrap_or_default();
        let mut stages: Vec<PackageSheets> = Vec::new();
        for s in sheets.iter().filter(|s| s.dossier_id == id) {
            let pos = match stages.iter().position(|x| x.stage == s.stage) {
                Some(p) => p,
                None => {
                    stages.push(PackageSheets {
                        stage: s.stage.clone(),
                        count: 0,
                        passed: 0,
                        totals: Vec::new(),
                    });
                    stages.len() - 1
                }
            };
            let st = &mut stages[pos];
            st.count += 1;
            st.passed += usize::from(s.passed);
            st.totals.push(s.total);
        }
        for st in &mut stages {
            st.totals.sort_by(|a, b| b.total_cmp(a));
        }
        initiatives.push(PackageInitiative {
            dossier_id: id,
            plan_id: d.plan_id,
            field: d.field.clone(),
            register_number: d.register_number,
            name: d.name.clone(),
            kind: d.kind.clone(),
            unit_id: d.unit_id,
            received_on: d.received_on,
            authors: authors
                .into_iter()
                .map(|a| PackageAuthor {
                    full_name: a.full_name,
                    contribution_percent: a.contribution_percent,
                })
                .collect(),
            attachments_url: signer.signed_url(
                base,
                &format!("/api/v1/intake/shared/dossiers/{id}/attachments"),
                expires,
            ),
            conclusion: match (&d.conclusion_stage, d.recommended) {
                (Some(stage), Some(recommended)) => Some(PackageConclusion {
                    stage: stage.clone(),
                    recommended,
                    reason: d.conclusion_reason.clone().unwrap_or_default(),
                    average_score: d.average_score,
                    grade: d.grade.clone(),
                }),
                _ => None,
            },
            sheets: stages,
            minutes: sittings
                .iter()
                .filter(|s| s.dossier_id == id)
                .map(|s| PackageMinutes {
                    sitting_id: s.sitting_id,
                    stage: s.stage.clone(),
                    held_on: s.held_on,
                    url: signer.signed_url(
                        base,
                        &format!("/api/v1/appraisal/shared/sittings/{}/minutes", s.sitting_id),
                        expires,
                    ),
                })
                .collect(),
            decision: match (d.decision_id, &d.decision_number, d.decision_signed_on) {
                (Some(decision_id), Some(number), Some(signed_on)) => Some(PackageDecision {
                    decision_id,
                    number: number.clone(),
                    signed_on,
                    document_url: signer.signed_url(
                        base,
                        &format!("/api/v1/decision/shared/decisions/{decision_id}/document"),
                        expires,
                    ),
                }),
                _ => None,
            },
        });
    }
    Ok(Package {
        nomination_id: n.id,
        tenant: n.tenant,
        reason: n.reason.clone(),
        nominated_at: n.created_at,
        links_expire_at: expires,
        result_url: format!("/api/v1/decision/nominations/{}/result", n.id),
        initiatives,
    })
}
