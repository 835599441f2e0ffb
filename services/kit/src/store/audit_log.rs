//! `audit_log`: who did what, when, in which role; append-only.

use sea_orm::entity::prelude::*;

/// One recorded action.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    /// UUIDv7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// When it happened (from the service clock).
    pub at: DateTimeUtc,
    /// The tenant (recognising body).
    pub tenant: Uuid,
    /// The user or service account that acted.
    pub actor: Uuid,
    /// The role the actor acted in (`receiving_office`, `system` for event handlers).
    pub actor_role: String,
    /// What was done (`dossier.submit`).
    pub action: String,
    /// The kind of thing acted on (`dossier`).
    pub subject_type: String,
    /// Its id.
    pub subject_id: Uuid,
    /// Request id (or event id) that carried the action.
    pub request_id: String,
    /// Anything else worth keeping (reason, before/after), JSON text.
    #[sea_orm(column_type = "Text")]
    pub details: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

crate::tenant_scoped!(Column::Tenant);
