//! What intake does with the events it consumes: the directory's names.

use async_trait::async_trait;
use sea_orm::{ActiveValue::Set, DatabaseTransaction, EntityTrait, sea_query::OnConflict};

use sangkien_kit::events::EventHandler;
use sangkien_proto::{
    Envelope,
    events::{UnitChanged, UserChanged},
};

use crate::store::directory::{person, unit};

/// Dispatches each consumed event; unknown types are acknowledged and ignored.
pub struct Handlers;

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
                    .to_owned(),
            )
            .exec_without_returning(txn)
            .await?;
        } else {
            tracing::debug!(event_type = %envelope.event_type, "event type not handled here");
        }
        Ok(())
    }
}
