//! What intake does with the events it consumes: the directory's names, and what appraisal
//! and the decision say about each dossier, so its author sees in appraisal, concluded,
//! recognised or refused, with the reason.

use async_trait::async_trait;
use sea_orm::{
    ActiveValue::Set, DatabaseTransaction, EntityTrait, IntoActiveModel, sea_query::OnConflict,
};
use uuid::Uuid;

use sangkien_kit::store::WithinTenant;
use sangkien_kit::{
    audit::{self, AuditEntry},
    auth::Caller,
    clock::SharedClock,
    events::EventHandler,
};
use sangkien_proto::{
    Envelope, Lang,
    events::{
        CaseConcluded, CaseOpened, CaseReadersChanged, DecisionIssued, UnitChanged, UserChanged,
    },
};

use crate::{
    domain::lifecycle::Status,
    store::{
        assessors::assessor,
        directory::{person, unit},
        entities::dossier,
        locks::lock_dossier,
    },
};

/// Dispatches each consumed event; unknown types are acknowledged and ignored.
pub struct Handlers {
    clock: SharedClock,
}

impl Handlers {
    /// Handlers stamping changes with `clock`.
    pub fn new(clock: SharedClock) -> Self {
        Self { clock }
    }

    /// Moves dossier `id` to `to` when it is in one of `from`, recording `reason`; anything
    /// else (withdrawn meanwhile, already moved) is left alone.
    async fn advance(
        &self,
        txn: &DatabaseTransaction,
        envelope: &Envelope,
        id: Uuid,
        from: &[Status],
        to: Status,
        reason: Option<String>,
    ) -> anyhow::Result<()> {
        // Wait for any request changing this dossier (a withdrawal, say) to commit, and read
        // what it wrote: without the lock a late event could put a withdrawn dossier back.
        // A dossier of another tenant is not this event's to move. (The row is read under
        // the lock, in one statement.)
        let Some(d) = lock_dossier(txn, id)
            .await?
            .filter(|d| d.tenant == envelope.tenant)
        else {
            tracing::warn!(dossier = %id, event_type = %envelope.event_type, "event about an unknown dossier");
            return Ok(());
        };
        let current = Status::parse(&d.status).unwrap_or(Status::Draft);
        if !from.contains(&current) {
            return Ok(());
        }
        let now = self.clock.now();
        let mut m = d.clone().into_active_model();
        m.status = Set(to.as_str().into());
        m.version = Set(d.version + 1);
        m.updated_at = Set(now);
        if let Some(r) = &reason {
            m.outcome_reason = Set(Some(r.clone()));
            m.last_reason = Set(Some(r.clone()));
        }
        dossier::Entity::update(m).exec(txn).await?;
        let system = Caller {
            user: Uuid::nil(),
            tenant: d.tenant,
            roles: Vec::new(),
            name: Some("system".into()),
            request_id: envelope.id.to_string(),
            lang: Lang::Vi,
        };
        audit::record(
            txn,
            &system,
            now,
            AuditEntry {
                action: &format!("dossier.{}", to.as_str()),
                subject_type: "dossier",
                subject_id: d.id,
                role: "system",
                details: serde_json::json!({ "event": envelope.event_type, "reason": reason }),
            },
        )
        .await?;
        Ok(())
    }
}

#[async_trait]
impl EventHandler for Handlers {
    async fn handle(&self, txn: &DatabaseTransaction, envelope: &Envelope) -> anyhow::Result<()> {
        if envelope.is::<UserChanged>() {
            let e: UserChanged = envelope.decode()?;
            person::Entity::insert(person::ActiveModel {
                id: Set(e.user_id),
                tenant: Set(envelope.tenant),
                username: Set(e.username),
                full_name: Set(e.full_name),
                active: Set(e.active),
            })
            .on_conflict(
                OnConflict::column(person::Column::Id)
                    .update_columns([
                        person::Column::Username,
                        person::Column::FullName,
                        person::Column::Active,
                    ])
                    .within_tenant((person::Entity, person::Column::Tenant), envelope.tenant)
                    .to_owned(),
            )
            .exec_without_returning(txn)
            .await?;
        } else if envelope.is::<UnitChanged>() {
            let e: UnitChanged = envelope.decode()?;
            unit::Entity::insert(unit::ActiveModel {
                id: Set(e.unit_id),
                tenant: Set(envelope.tenant),
                parent_id: Set(e.parent_id),
                code: Set(e.code),
                name: Set(e.name),
                kind: Set(e.kind),
                active: Set(e.active),
            })
            .on_conflict(
                OnConflict::column(unit::Column::Id)
                    .update_columns([
                        unit::Column::ParentId,
                        unit::Column::Code,
                        unit::Column::Name,
                        unit::Column::Kind,
                        unit::Column::Active,
                    ])
                    .within_tenant((unit::Entity, unit::Column::Tenant), envelope.tenant)
                    .to_owned(),
            )
            .exec_without_returning(txn)
            .await?;
        } else if envelope.is::<CaseReadersChanged>() {
            let e: CaseReadersChanged = envelope.decode()?;
            keep_assessors(txn, envelope.tenant, e).await?;
        } else if envelope.is::<CaseOpened>() {
            let e: CaseOpened = envelope.decode()?;
            self.advance(
                txn,
                envelope,
                e.dossier_id,
                &[Status::Received],
                Status::InAppraisal,
                None,
            )
            .await?;
        } else if envelope.is::<CaseConcluded>() {
            let e: CaseConcluded = envelope.decode()?;
            self.advance(
                txn,
                envelope,
                e.dossier_id,
                &[Status::Received, Status::InAppraisal],
                Status::Concluded,
                Some(e.reason),
            )
            .await?;
        } else if envelope.is::<DecisionIssued>() {
            let e: DecisionIssued = envelope.decode()?;
            for o in e.outcomes {
                let to = if o.recognised {
                    Status::Recognised
                } else {
                    Status::Refused
                };
                self.advance(
                    txn,
                    envelope,
                    o.dossier_id,
                    &[Status::Received, Status::InAppraisal, Status::Concluded],
                    to,
                    Some(format!("{} ({})", o.reason, e.number)),
                )
                .await?;
            }
        } else {
            tracing::debug!(event_type = %envelope.event_type, "event type not handled here");
        }
        Ok(())
    }
}

/// Keeps who judges a dossier, as appraisal announced it; an older announcement arriving late
/// (redelivery, several consumers) never replaces a newer one, and another tenant's row is
/// never touched.
async fn keep_assessors(
    txn: &DatabaseTransaction,
    tenant: Uuid,
    e: CaseReadersChanged,
) -> anyhow::Result<()> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    assessor::Entity::insert(assessor::ActiveModel {
        dossier_id: Set(e.dossier_id),
        tenant: Set(tenant),
        readers: Set(serde_json::to_string(&e.readers)?),
        conflicted: Set(serde_json::to_string(&e.conflicted)?),
        revision: Set(e.revision),
        as_of: Set(e.as_of),
    })
    .on_conflict(
        OnConflict::column(assessor::Column::DossierId)
            .update_columns([
                assessor::Column::Readers,
                assessor::Column::Conflicted,
                assessor::Column::Revision,
                assessor::Column::AsOf,
            ])
            .within_tenant((assessor::Entity, assessor::Column::Tenant), tenant)
            .action_and_where(
                Expr::col((assessor::Entity, assessor::Column::Revision))
                    .lt(Expr::value(e.revision)),
            )
            .to_owned(),
    )
    .exec_without_returning(txn)
    .await?;
    Ok(())
}
