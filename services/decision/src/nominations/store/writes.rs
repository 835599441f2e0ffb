//! The writes of the nominations API (and the reads that guard them), with the audit entries
//! that go in the same transaction: the handlers call these instead of holding the SQL.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter,
};
use uuid::Uuid;

use sangkien_kit::{
    audit::{self, AuditEntry},
    auth::Caller,
    db::is_unique_violation,
};
use sangkien_proto::Role;

use super::{nom_dossier, nomination, nomination_dossier};
use crate::nominations::domain::NominationStatus;

/// What the read model knows of the dossiers, in the tenant, to check they are recognised.
pub async fn known_dossiers<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    ids: &[Uuid],
) -> Result<Vec<nom_dossier::Model>, DbErr> {
    nom_dossier::Entity::find()
        .filter(nom_dossier::Column::DossierId.is_in(ids.to_vec()))
        .filter(nom_dossier::Column::Tenant.eq(tenant))
        .all(db)
        .await
}

/// Those of the dossiers already in a nomination (a dossier is nominated once).
pub async fn already_nominated<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
) -> Result<Vec<Uuid>, DbErr> {
    Ok(nomination_dossier::Entity::find()
        .filter(nomination_dossier::Column::DossierId.is_in(ids.to_vec()))
        .all(db)
        .await?
        .iter()
        .map(|t| t.dossier_id)
        .collect())
}

/// Inserts a new nomination, pending and due at once, with its dossiers in order; returns
/// the first dossier found nominated meanwhile (the unique key), if any, and inserts no
/// further.
pub async fn insert_nomination<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    caller: &Caller,
    reason: &str,
    dossier_ids: &[Uuid],
    now: DateTime<Utc>,
) -> Result<Option<Uuid>, DbErr> {
    let n = nomination::ActiveModel {
        id: Set(id),
        tenant: Set(caller.tenant),
        reason: Set(reason.to_owned()),
        status: Set(NominationStatus::Pending.code().into()),
        created_by: Set(caller.user),
        created_at: Set(now),
        attempts: Set(0),
        next_attempt_at: Set(Some(now)),
        last_error: Set(None),
        receipt_id: Set(None),
        sent_at: Set(None),
        result: Set(None),
        result_at: Set(None),
        version: Set(1),
    };
    nomination::Entity::insert(n)
        .exec_without_returning(db)
        .await?;
    for (i, d) in dossier_ids.iter().enumerate() {
        let inserted = nomination_dossier::Entity::insert(nomination_dossier::ActiveModel {
            dossier_id: Set(*d),
            nomination_id: Set(id),
            position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
        })
        .exec_without_returning(db)
        .await;
        match inserted {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => return Ok(Some(*d)),
            Err(e) => return Err(e),
        }
    }
    Ok(None)
}

/// The nomination `id` as stored, whatever its tenant.
pub async fn nomination_by_id<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
) -> Result<Option<nomination::Model>, DbErr> {
    nomination::Entity::find_by_id(id).one(db).await
}

/// Audits a new nomination with its dossiers and reason.
pub async fn audit_created<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    now: DateTime<Utc>,
    role: Role,
    id: Uuid,
    dossier_ids: &[Uuid],
    reason: &str,
) -> Result<(), DbErr> {
    audit::record(
        db,
        caller,
        now,
        AuditEntry {
            action: "nomination.created",
            subject_type: "nomination",
            subject_id: id,
            role: role.as_str(),
            details: serde_json::json!({ "dossier_ids": dossier_ids, "reason": reason }),
        },
    )
    .await
}

/// Records the reported result (JSON) over the state `n` read: `None` when a sending was
/// recorded meanwhile (PostgreSQL), so that it is not overwritten with what was read before.
pub async fn record_result<C: ConnectionTrait>(
    db: &C,
    n: &nomination::Model,
    result: String,
    now: DateTime<Utc>,
) -> Result<Option<nomination::Model>, DbErr> {
    let mut m = n.clone().into_active_model();
    m.status = Set(NominationStatus::ResultReported.code().into());
    m.result = Set(Some(result));
    m.result_at = Set(Some(now));
    m.next_attempt_at = Set(None);
    m.version = Set(n.version + 1);
    let unchanged = nomination::Entity::update_many()
        .col_expr(
            nomination::Column::Version,
            sea_orm::sea_query::Expr::value(n.version + 1),
        )
        .filter(nomination::Column::Id.eq(n.id))
        .filter(nomination::Column::Version.eq(n.version))
        .exec(db)
        .await?;
    if unchanged.rows_affected == 0 {
        return Ok(None);
    }
    Ok(Some(nomination::Entity::update(m).exec(db).await?))
}

/// Makes the refused nomination `n` pending again and due now, with a fresh backoff; over
/// the state read only: `None` when someone else resent it meanwhile.
pub async fn reopen<C: ConnectionTrait>(
    db: &C,
    n: &nomination::Model,
    now: DateTime<Utc>,
) -> Result<Option<nomination::Model>, DbErr> {
    let claimed = nomination::Entity::update_many()
        .col_expr(
            nomination::Column::Version,
            sea_orm::sea_query::Expr::value(n.version + 1),
        )
        .filter(nomination::Column::Id.eq(n.id))
        .filter(nomination::Column::Version.eq(n.version))
        .filter(nomination::Column::Status.eq(NominationStatus::Rejected.code()))
        .exec(db)
        .await?;
    if claimed.rows_affected == 0 {
        return Ok(None);
    }
    let mut m = n.clone().into_active_model();
    m.status = Set(NominationStatus::Pending.code().into());
    m.next_attempt_at = Set(Some(now));
    m.last_error = Set(None);
    // A fresh start for the backoff, which grows with the attempts (the audit keeps the count).
    m.attempts = Set(0);
    m.version = Set(n.version + 1);
    Ok(Some(nomination::Entity::update(m).exec(db).await?))
}

/// Audits a resent nomination with the refusal it answers and the attempts so far.
pub async fn audit_resent<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    now: DateTime<Utc>,
    role: Role,
    n: &nomination::Model,
    reason: &str,
) -> Result<(), DbErr> {
    audit::record(
        db,
        caller,
        now,
        AuditEntry {
            action: "nomination.resent",
            subject_type: "nomination",
            subject_id: n.id,
            role: role.as_str(),
            details: serde_json::json!({
                "before": "rejected", "after": "pending", "reason": reason,
                "refusal": n.last_error, "attempts": n.attempts,
            }),
        },
    )
    .await
}
