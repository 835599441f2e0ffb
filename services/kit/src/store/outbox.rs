//! `outbox_events`: events written in the same transaction as the state change they report.

use sea_orm::entity::prelude::*;

/// One event waiting for (or done with) publication.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox_events")]
pub struct Model {
    /// Envelope id (UUIDv7), so rows sort in the order they were written.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Envelope type, also the routing key.
    pub event_type: String,
    /// The whole envelope as JSON text.
    #[sea_orm(column_type = "Text")]
    pub envelope: String,
    /// When the state change committed.
    pub created_at: DateTimeUtc,
    /// When the broker confirmed it; `None` while pending.
    pub published_at: Option<DateTimeUtc>,
    /// Publication attempts so far.
    pub attempts: i32,
    /// The last publication error, for operators.
    pub last_error: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
