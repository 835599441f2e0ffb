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

/// Filters of an audit list: one subject, one actor, one action.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilter {
    /// Only actions on this subject (a dossier, case, decision, user… id).
    pub subject_id: Option<Uuid>,
    /// Only actions by this actor.
    pub actor: Option<Uuid>,
    /// Only this action (`auth.sign_in`, `sheet.submit`).
    pub action: Option<String>,
}

/// One recorded action, as an auditor reads it.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct AuditView {
    pub id: Uuid,
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor: Uuid,
    pub actor_role: String,
    pub action: String,
    pub subject_type: String,
    pub subject_id: Uuid,
    pub request_id: String,
    /// Facts recorded with the action (before and after, reasons).
    pub details: serde_json::Value,
}

/// A page of an audit log, oldest first.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditView>,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}

/// Reads one page of `tenant`'s log in `db`: the gateway's directory log and each service's
/// own log are read the same way.
pub async fn page<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    page: &crate::http::paging::PageQuery,
    filter: &AuditFilter,
) -> Result<AuditPage, crate::ApiError> {
    use crate::store::TenantScoped;
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, QuerySelect};
    let limit = page.limit()?;
    let mut query = audit_log::Entity::find_in(tenant).order_by_asc(audit_log::Column::Id);
    if let Some(s) = filter.subject_id {
        query = query.filter(audit_log::Column::SubjectId.eq(s));
    }
    if let Some(a) = filter.actor {
        query = query.filter(audit_log::Column::Actor.eq(a));
    }
    if let Some(a) = &filter.action {
        query = query.filter(audit_log::Column::Action.eq(a.clone()));
    }
    if let Some(c) = page.cursor()? {
        query = query.filter(audit_log::Column::Id.gt(c));
    }
    let rows = query.limit(limit).all(db).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    Ok(AuditPage {
        next_cursor: crate::http::paging::next_cursor(&ids, limit),
        items: rows
            .into_iter()
            .map(|r| AuditView {
                id: r.id,
                at: r.at,
                actor: r.actor,
                actor_role: r.actor_role,
                action: r.action,
                subject_type: r.subject_type,
                subject_id: r.subject_id,
                request_id: r.request_id,
                details: serde_json::from_str(&r.details).unwrap_or(serde_json::Value::Null),
            })
            .collect(),
    })
}
