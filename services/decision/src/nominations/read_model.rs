//! Fills the nominations' read model from the events decision consumes, idempotently: each
//! event sets what it knows about a dossier (a row is created by whichever arrives first), a
//! sheet keeps its latest revision, a sitting is linked to a dossier once.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, QueryFilter, sea_query::OnConflict,
};
use uuid::Uuid;

use sangkien_proto::{
    Envelope,
    events::{CaseConcluded, DecisionIssued, DossierReceived, SheetSubmitted, SittingHeld},
};

use super::store::{nom_dossier, nom_sheet, nom_sitting};

/// Handles the events the nominations read; `Ok(true)` when it was one of them.
pub async fn handle(
    txn: &DatabaseTransaction,
    envelope: &Envelope,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let tenant = envelope.tenant;
    if envelope.is::<DossierReceived>() {
        let e: DossierReceived = envelope.decode()?;
        let authors = serde_json::to_string(&e.authors)?;
        update_dossier(txn, tenant, e.dossier_id, now, move |m| {
            m.plan_id = Set(Some(e.plan_id));
            m.field = Set(Some(e.field));
            m.register_number = Set(Some(e.register_number));
            m.name = Set(Some(e.name));
            m.kind = Set(Some(e.kind));
            m.owner = Set(Some(e.owner));
            m.unit_id = Set(Some(e.unit_id));
            m.authors = Set(authors);
            m.received_on = Set(Some(e.received_on));
        })
        .await?;
        return Ok(true);
    }
    if envelope.is::<CaseConcluded>() {
        let e: CaseConcluded = envelope.decode()?;
        update_dossier(txn, tenant, e.dossier_id, now, move |m| {
            m.conclusion_stage = Set(Some(e.stage));
            m.recommended = Set(Some(e.recommended));
            m.conclusion_reason = Set(Some(e.reason));
            m.average_score = Set(e.average_score);
            m.grade = Set(e.grade);
        })
        .await?;
        return Ok(true);
    }
    if envelope.is::<DecisionIssued>() {
        let e: DecisionIssued = envelope.decode()?;
        for o in e.outcomes {
            let (id, number, on) = (e.decision_id, e.number.clone(), e.signed_on);
            update_dossier(txn, tenant, o.dossier_id, now, move |m| {
                m.decision_id = Set(Some(id));
                m.decision_number = Set(Some(number));
                m.decision_signed_on = Set(Some(on));
                m.recognised = Set(Some(o.recognised));
                m.decision_reason = Set(Some(o.reason));
            })
            .await?;
        }
        return Ok(true);
    }
    if envelope.is::<SheetSubmitted>() {
        let e: SheetSubmitted = envelope.decode()?;
        record_sheet(txn, e).await?;
        return Ok(true);
    }
    if envelope.is::<SittingHeld>() {
        let e: SittingHeld = envelope.decode()?;
        for dossier_id in &e.dossier_ids {
            nom_sitting::Entity::insert(nom_sitting::ActiveModel {
                id: Set(Uuid::now_v7()),
                sitting_id: Set(e.sitting_id),
                dossier_id: Set(*dossier_id),
                stage: Set(e.stage.clone()),
                held_on: Set(e.held_on),
            })
            .on_conflict(
                OnConflict::columns([
                    nom_sitting::Column::SittingId,
                    nom_sitting::Column::DossierId,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(txn)
            .await?;
        }
        return Ok(true);
    }
    Ok(false)
}

/// Creates the dossier's row if it is not there yet, then applies `change`.
async fn update_dossier<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    dossier_id: Uuid,
    now: DateTime<Utc>,
    change: impl FnOnce(&mut nom_dossier::ActiveModel),
) -> anyhow::Result<()> {
    nom_dossier::Entity::insert(nom_dossier::ActiveModel {
        dossier_id: Set(dossier_id),
        tenant: Set(tenant),
        plan_id: Set(None),
        field: Set(None),
        register_number: Set(None),
        name: Set(None),
        kind: Set(None),
        owner: Set(None),
        unit_id: Set(None),
        authors: Set("[]".into()),
        received_on: Set(None),
        conclusion_stage: Set(None),
        recommended: Set(None),
        conclusion_reason: Set(None),
        average_score: Set(None),
        grade: Set(None),
        decision_id: Set(None),
        decision_number: Set(None),
        decision_signed_on: Set(None),
        recognised: Set(None),
        decision_reason: Set(None),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(nom_dossier::Column::DossierId)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    let row = nom_dossier::Entity::find_by_id(dossier_id)
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("nom_dossiers row {dossier_id} vanished"))?;
    if row.tenant != tenant {
        tracing::warn!(%dossier_id, %tenant, "an event names another tenant's dossier; not applied");
        return Ok(());
    }
    let mut m = row.into_active_model();
    change(&mut m);
    m.updated_at = Set(now);
    nom_dossier::Entity::update(m).exec(db).await?;
    Ok(())
}

/// Keeps the latest revision of a reviewer's sheet at a stage.
async fn record_sheet<C: ConnectionTrait>(db: &C, e: SheetSubmitted) -> anyhow::Result<()> {
    let existing = nom_sheet::Entity::find()
        .filter(nom_sheet::Column::DossierId.eq(e.dossier_id))
        .filter(nom_sheet::Column::ReviewerId.eq(e.reviewer_id))
        .filter(nom_sheet::Column::Stage.eq(e.stage.clone()))
        .one(db)
        .await?;
    match existing {
        Some(row) if row.revision >= e.revision => {}
        Some(row) => {
            let mut m = row.into_active_model();
            m.revision = Set(e.revision);
            m.total = Set(e.total);
            m.passed = Set(e.passed);
            m.grade = Set(e.grade);
            nom_sheet::Entity::update(m).exec(db).await?;
        }
        None => {
            nom_sheet::Entity::insert(nom_sheet::ActiveModel {
                id: Set(Uuid::now_v7()),
                dossier_id: Set(e.dossier_id),
                reviewer_id: Set(e.reviewer_id),
                stage: Set(e.stage),
                revision: Set(e.revision),
                total: Set(e.total),
                passed: Set(e.passed),
                grade: Set(e.grade),
            })
            .exec_without_returning(db)
            .await?;
        }
    }
    Ok(())
}
