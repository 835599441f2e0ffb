//! `inbox_events`: ids of events a consumer has handled, written in the handler's transaction.

use sea_orm::entity::prelude::*;

/// One handled event.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inbox_events")]
pub struct Model {
    /// Envelope id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub event_id: Uuid,
    /// Name of the consumer that handled it (one service may run several).
    #[sea_orm(primary_key, auto_increment = false)]
    pub consumer: String,
    /// Envelope type.
    pub event_type: String,
    /// When it was handled.
    pub handled_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
