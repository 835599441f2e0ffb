//! What appraisal does with the events it consumes.

use async_trait::async_trait;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    sea_query::OnConflict,
};

use sangkien_kit::store::{InTenant, WithinTenant};
use sangkien_kit::{
    clock::SharedClock,
    diagnostics,
    events::{EventHandler, Outbox},
};
use sangkien_proto::{
    Envelope, Role,
    events::{CaseOpened, DossierReceived, DossierWithdrawn, ProbeSent, UserChanged},
};

use crate::store::{cases, sittings::person};

/// Dispatches each consumed event to its handler; unknown types are acknowledged and
/// ignored, so a newer publisher never blocks an older consumer.
pub struct Handlers {
    clock: SharedClock,
}

impl Handlers {
    /// Handlers using `clock` for receipt times.
    pub fn new(clock: SharedClock) -> Self {
        Self { clock }
    }
}

#[async_trait]
impl EventHandler for Handlers {
    async fn handle(&self, txn: &DatabaseTransaction, envelope: &Envelope) -> anyhow::Result<()> {
        if envelope.is::<ProbeSent>() {
            diagnostics::record_probe(txn, envelope, self.clock.now()).await?;
        } else if envelope.is::<DossierReceived>() {
            open_case(txn, envelope, envelope.decode()?, self.clock.now()).await?;
        } else if envelope.is::<DossierWithdrawn>() {
            close_withdrawn(txn, envelope.tenant, envelope.decode()?, self.clock.now()).await?;
        } else if envelope.is::<UserChanged>() {
            keep_person(txn, envelope, envelope.decode()?, self.clock.now()).await?;
        } else {
            tracing::debug!(event_type = %envelope.event_type, "event type not handled here");
        }
        Ok(())
    }
}

/// Opens the case of a received dossier at its first stage and announces it with
/// `case.opened`; a second delivery changes nothing (the inbox already stops it; the key on
/// the dossier id stops anything else).
async fn open_case(
    txn: &DatabaseTransaction,
    envelope: &Envelope,
    e: DossierReceived,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let first_stage = e.stages.first().map(|s| s.kind.clone()).unwrap_or_default();
    let dossier_id = e.dossier_id;
    let inserted = cases::Entity::insert(cases::ActiveModel {
        id: Set(e.dossier_id),
        tenant: Set(envelope.tenant),
        plan_id: Set(e.plan_id),
        field: Set(e.field),
        register_number: Set(e.register_number),
        name: Set(e.name),
        kind: Set(e.kind),
        owner: Set(e.owner),
        unit_id: Set(e.unit_id),
        confirmed_by: Set(e.confirmed_by),
        authors: Set(serde_json::to_string(&e.authors)?),
        stages: Set(serde_json::to_string(&e.stages)?),
        stage: Set(0),
        status: Set(crate::domain::status::CaseStatus::Open.code().into()),
        dossier_version: Set(e.version),
        received_on: Set(e.received_on),
        decision_due_on: Set(e.decision_due_on),
        opened_at: Set(now),
        updated_at: Set(now),
        closed_reason: Set(None),
    })
    .on_conflict(
        OnConflict::column(cases::Column::Id)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(txn)
    .await?;
    if inserted == 1 {
        let opened = Envelope::new(
            &CaseOpened {
                dossier_id,
                stage: first_stage,
            },
            envelope.tenant,
            now,
            envelope.correlation_id.clone(),
            Some(envelope.id),
        )?;
        // The consumer commits this with the case and wakes the relay.
        Outbox::new().enqueue(txn, &opened, now).await?;
    }
    Ok(())
}

/// Closes the case of a withdrawn dossier, keeping what was done.
async fn close_withdrawn(
    txn: &DatabaseTransaction,
    tenant: uuid::Uuid,
    e: DossierWithdrawn,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    cases::Entity::update_many()
        .col_expr(
            cases::Column::Status,
            sea_orm::sea_query::Expr::value(crate::domain::status::CaseStatus::Withdrawn.code()),
        )
        .col_expr(
            cases::Column::ClosedReason,
            sea_orm::sea_query::Expr::value(e.reason),
        )
        .col_expr(
            cases::Column::UpdatedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(cases::Column::Id.eq(e.dossier_id))
        .in_tenant(tenant)
        .exec(txn)
        .await?;
    Ok(())
}

/// Keeps who the person is and whether they hold `signer` (the recognising body's head, for
/// the council-mandatory rule); the latest announcement wins.
async fn keep_person(
    txn: &DatabaseTransaction,
    envelope: &Envelope,
    e: UserChanged,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let signer = e.grants.iter().any(|g| g.role == Role::Signer);
    person::Entity::insert(person::ActiveModel {
        user_id: Set(e.user_id),
        tenant: Set(envelope.tenant),
        full_name: Set(e.full_name),
        active: Set(e.active),
        signer: Set(signer),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(person::Column::UserId)
            .update_columns([
                person::Column::FullName,
                person::Column::Active,
                person::Column::Signer,
                person::Column::UpdatedAt,
            ])
            .within_tenant((person::Entity, person::Column::Tenant), envelope.tenant)
            .to_owned(),
    )
    .exec_without_returning(txn)
    .await?;
    Ok(())
}
