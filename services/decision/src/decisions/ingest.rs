//! What the decisions keep from consumed events: each received dossier (name, register number,
//! authors, unit), each conclusion (recommended, reason, average, grade), each plan's year
//! and field names, and each unit's name. Upserts, so a redelivery or an out-of-order arrival changes nothing wrong.

use std::collections::BTreeMap;

use sea_orm::{ActiveValue::Set, DatabaseTransaction, EntityTrait, sea_query::OnConflict};

use sangkien_kit::store::WithinTenant;
use sangkien_proto::{
    Envelope,
    events::{CaseConcluded, DossierReceived, PlanPublished, UnitChanged},
};

use super::store::{dossier, plan, unit};

/// Handles the events this module keeps; `Ok(true)` when it was one of them.
pub async fn handle(
    txn: &DatabaseTransaction,
    envelope: &Envelope,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<bool> {
    if envelope.is::<DossierReceived>() {
        received(txn, envelope, envelope.decode()?, now).await?;
    } else if envelope.is::<CaseConcluded>() {
        concluded(txn, envelope, envelope.decode()?, now).await?;
    } else if envelope.is::<PlanPublished>() {
        published(txn, envelope, envelope.decode()?).await?;
    } else if envelope.is::<UnitChanged>() {
        let e: UnitChanged = envelope.decode()?;
        unit::Entity::insert(unit::ActiveModel {
            id: Set(e.unit_id),
            tenant: Set(envelope.tenant),
            name: Set(e.name),
        })
        .on_conflict(
            OnConflict::column(unit::Column::Id)
                .update_columns([unit::Column::Name])
                .within_tenant((unit::Entity, unit::Column::Tenant), envelope.tenant)
                .to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
    } else {
        return Ok(false);
    }
    Ok(true)
}

fn blank(
    envelope: &Envelope,
    id: uuid::Uuid,
    plan_id: uuid::Uuid,
    field: String,
    now: chrono::DateTime<chrono::Utc>,
) -> dossier::ActiveModel {
    dossier::ActiveModel {
        id: Set(id),
        tenant: Set(envelope.tenant),
        plan_id: Set(plan_id),
        field: Set(field),
        received: Set(false),
        register_number: Set(0),
        name: Set(String::new()),
        owner: Set(None),
        unit_id: Set(None),
        authors: Set("[]".into()),
        concluded: Set(false),
        recommended: Set(false),
        conclusion_reason: Set(String::new()),
        conclusion_grounds: Set(None),
        average: Set(None),
        grade: Set(None),
        updated_at: Set(now),
    }
}

async fn received(
    txn: &DatabaseTransaction,
    envelope: &Envelope,
    e: DossierReceived,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let mut m = blank(envelope, e.dossier_id, e.plan_id, e.field, now);
    m.received = Set(true);
    m.register_number = Set(e.register_number);
    m.name = Set(e.name);
    m.owner = Set(Some(e.owner));
    m.unit_id = Set(Some(e.unit_id));
    m.authors = Set(serde_json::to_string(&e.authors)?);
    dossier::Entity::insert(m)
        .on_conflict(
            OnConflict::column(dossier::Column::Id)
                .update_columns([
                    dossier::Column::Received,
                    dossier::Column::RegisterNumber,
                    dossier::Column::Name,
                    dossier::Column::Owner,
                    dossier::Column::UnitId,
                    dossier::Column::Authors,
                    dossier::Column::UpdatedAt,
                ])
                .within_tenant((dossier::Entity, dossier::Column::Tenant), envelope.tenant)
                .to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
    Ok(())
}

async fn concluded(
    txn: &DatabaseTransaction,
    envelope: &Envelope,
    e: CaseConcluded,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let mut m = blank(envelope, e.dossier_id, e.plan_id, e.field, now);
    m.concluded = Set(true);
    m.recommended = Set(e.recommended);
    m.conclusion_reason = Set(e.reason);
    m.conclusion_grounds = Set(e.grounds.as_ref().map(serde_json::to_string).transpose()?);
    m.average = Set(e.average_score);
    m.grade = Set(e.grade);
    dossier::Entity::insert(m)
        .on_conflict(
            OnConflict::column(dossier::Column::Id)
                .update_columns([
                    dossier::Column::Concluded,
                    dossier::Column::Recommended,
                    dossier::Column::ConclusionReason,
                    dossier::Column::ConclusionGrounds,
                    dossier::Column::Average,
                    dossier::Column::Grade,
                    dossier::Column::UpdatedAt,
                ])
                .within_tenant((dossier::Entity, dossier::Column::Tenant), envelope.tenant)
                .to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
    Ok(())
}

async fn published(
    txn: &DatabaseTransaction,
    envelope: &Envelope,
    e: PlanPublished,
) -> anyhow::Result<()> {
    let fields: BTreeMap<String, String> = e.fields.into_iter().map(|f| (f.code, f.name)).collect();
    plan::Entity::insert(plan::ActiveModel {
        id: Set(e.plan_id),
        tenant: Set(envelope.tenant),
        symbol: Set(e.symbol),
        year: Set(e.year),
        fields: Set(serde_json::to_string(&fields)?),
    })
    .on_conflict(
        OnConflict::column(plan::Column::Id)
            .update_columns([
                plan::Column::Symbol,
                plan::Column::Year,
                plan::Column::Fields,
            ])
            .within_tenant((plan::Entity, plan::Column::Tenant), envelope.tenant)
            .to_owned(),
    )
    .exec_without_returning(txn)
    .await?;
    Ok(())
}
