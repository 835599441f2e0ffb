//! The append-only audit log: every state change records who, when, in which role.

use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};
use uuid::Uuid;

use crate::{auth::Caller, store::audit_log};

/// One line of the audit log.
#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    /// The action (`probe.send`).
    pub action: &'a str,
    /// The kind of subject (`probe`).
    pub subject_type: &'a str,
    /// The subject's id.
    pub subject_id: Uuid,
    /// The role acted in.
    pub role: &'a str,
    /// Extra facts worth keeping.
    pub details: serde_json::Value,
}

/// Appends `entry` for `caller` inside the caller's transaction, in the caller's tenant.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    at: chrono::DateTime<chrono::Utc>,
    entry: AuditEntry<'_>,
) -> Result<(), DbErr> {
    record_in(db, caller, caller.tenant, at, entry).await
}

/// Appends `entry` in the log of `tenant`: where a system admin acts on another tenant,
/// that tenant's admins see what was done to it, and by whom.
pub async fn record_in<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    tenant: Uuid,
    at: chrono::DateTime<chrono::Utc>,
    entry: AuditEntry<'_>,
) -> Result<(), DbErr> {
    audit_log::Entity::insert(audit_log::ActiveModel {
        id: Set(Uuid::now_v7()),
        at: Set(at),
        tenant: Set(tenant),
        actor: Set(caller.user),
        actor_role: Set(entry.role.to_owned()),
        action: Set(entry.action.to_owned()),
        subject_type: Set(entry.subject_type.to_owned()),
        subject_id: Set(entry.subject_id),
        request_id: Set(caller.request_id.clone()),
        details: Set(entry.details.to_string()),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}
