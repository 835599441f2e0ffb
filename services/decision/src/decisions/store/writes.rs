//! The writes of the decisions API (and the reads that guard them), with the audit entries
//! that go in the same transaction: the handlers call these instead of holding the SQL.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter,
};
use uuid::Uuid;

use sangkien_kit::{
    audit::{self, AuditEntry},
    auth::Caller,
};
use sangkien_proto::Role;

use super::{decision, dossier, item, plan, profile};
use crate::decisions::domain::{draft::Item, profile::SignerProfile, status::DecisionStatus};

/// The year of the plan in the tenant, which names a draft by default.
pub async fn plan_year<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    plan_id: Uuid,
) -> Result<Option<i32>, DbErr> {
    Ok(plan::Entity::find_by_id(plan_id)
        .one(db)
        .await?
        .filter(|p| p.tenant == tenant)
        .map(|p| p.year))
}

/// Inserts a new draft decision.
pub async fn insert_decision<C: ConnectionTrait>(db: &C, d: &decision::Model) -> Result<(), DbErr> {
    decision::Entity::insert(d.clone().into_active_model())
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Inserts the items a draft starts with, one per open dossier; a unique violation means
/// another draft took a dossier meanwhile (the caller answers it).
pub async fn insert_items<C: ConnectionTrait>(
    db: &C,
    d: &decision::Model,
    items: &[Item],
    open: &[dossier::Model],
) -> Result<(), DbErr> {
    for (i, x) in items.iter().zip(open.iter()) {
        item::Entity::insert(item::ActiveModel {
            dossier_id: Set(i.dossier_id),
            decision_id: Set(d.id),
            tenant: Set(d.tenant),
            register_number: Set(x.register_number),
            recognised: Set(i.recognised),
            reason: Set(i.reason.clone()),
            moved: Set(false),
        })
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

/// Audits a drafted decision with the items it starts with.
pub async fn audit_drafted<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    now: DateTime<Utc>,
    role: Role,
    d: &decision::Model,
    items: &[Item],
) -> Result<(), DbErr> {
    audit::record(
        db,
        caller,
        now,
        AuditEntry {
            action: "decision.drafted",
            subject_type: "decision",
            subject_id: d.id,
            role: role.as_str(),
            details: serde_json::json!({
                "plan": d.plan_id, "field": d.field,
                "items": items.iter().map(|i| serde_json::json!({ "dossier": i.dossier_id, "recognised": i.recognised })).collect::<Vec<_>>(),
            }),
        },
    )
    .await
}

/// The dossier as decision knows it, in the tenant.
pub async fn dossier_in<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    dossier_id: Uuid,
) -> Result<Option<dossier::Model>, DbErr> {
    Ok(dossier::Entity::find_by_id(dossier_id)
        .one(db)
        .await?
        .filter(|x| x.tenant == tenant))
}

/// The item of a dossier in whichever decision holds it (a dossier is in one at most).
pub async fn item_of<C: ConnectionTrait>(
    db: &C,
    dossier_id: Uuid,
) -> Result<Option<item::Model>, DbErr> {
    item::Entity::find_by_id(dossier_id).one(db).await
}

/// Writes the edited item of dossier `x` in draft `d`: updates it, or adds it to the draft.
pub async fn set_item<C: ConnectionTrait>(
    db: &C,
    d: &decision::Model,
    x: &dossier::Model,
    existing: Option<item::Model>,
    new: &Item,
) -> Result<(), DbErr> {
    match existing {
        Some(i) => {
            let mut am = i.into_active_model();
            am.recognised = Set(new.recognised);
            am.reason = Set(new.reason.clone());
            am.moved = Set(new.moved);
            item::Entity::update(am).exec(db).await?;
        }
        None => {
            item::Entity::insert(item::ActiveModel {
                dossier_id: Set(x.id),
                decision_id: Set(d.id),
                tenant: Set(d.tenant),
                register_number: Set(x.register_number),
                recognised: Set(new.recognised),
                reason: Set(new.reason.clone()),
                moved: Set(new.moved),
            })
            .exec_without_returning(db)
            .await?;
        }
    }
    Ok(())
}

/// Stores the draft at its next version, changed at `now` (its ETag moves).
pub async fn bump<C: ConnectionTrait>(
    db: &C,
    d: &decision::Model,
    now: DateTime<Utc>,
) -> Result<decision::Model, DbErr> {
    let mut am = d.clone().into_active_model();
    am.version = Set(d.version + 1);
    am.updated_at = Set(now);
    decision::Entity::update(am).exec(db).await
}

/// What an item edit changed, for the audit entry.
pub struct ItemChange<'a> {
    pub decision_id: Uuid,
    pub dossier_id: Uuid,
    pub before: Option<serde_json::Value>,
    pub after: &'a Item,
}

/// Audits an item set recognised or refused, before and after.
pub async fn audit_item_set<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    now: DateTime<Utc>,
    role: Role,
    c: ItemChange<'_>,
) -> Result<(), DbErr> {
    let new = c.after;
    audit::record(
        db,
        caller,
        now,
        AuditEntry {
            action: "decision.item_set",
            subject_type: "decision",
            subject_id: c.decision_id,
            role: role.as_str(),
            details: serde_json::json!({
                "dossier": c.dossier_id,
                "before": c.before,
                "after": { "recognised": new.recognised, "reason": new.reason, "moved": new.moved },
            }),
        },
    )
    .await
}

/// The stored body profile of the tenant, if an admin configured one.
pub async fn body_profile<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
) -> Result<Option<profile::Model>, DbErr> {
    profile::Entity::find_by_id(tenant).one(db).await
}

/// The items of a decision.
pub async fn items_of<C: ConnectionTrait>(
    db: &C,
    decision_id: Uuid,
) -> Result<Vec<item::Model>, DbErr> {
    item::Entity::find()
        .filter(item::Column::DecisionId.eq(decision_id))
        .all(db)
        .await
}

/// What a signature gives a decision.
pub struct Issue<'a> {
    pub number: i32,
    pub number_text: &'a str,
    /// The register the number is taken in.
    pub doc_type: &'a str,
    pub signed_on: NaiveDate,
    pub signed_by: Uuid,
    /// The body profile as it stands at signing (JSON).
    pub profile: &'a str,
}

/// Stores the draft as issued: numbered, signed, frozen with the profile of the day.
pub async fn mark_issued<C: ConnectionTrait>(
    db: &C,
    d: &decision::Model,
    issue: &Issue<'_>,
    now: DateTime<Utc>,
) -> Result<decision::Model, DbErr> {
    let mut am = d.clone().into_active_model();
    am.status = Set(DecisionStatus::Issued.code().into());
    am.number = Set(Some(issue.number));
    am.number_text = Set(Some(issue.number_text.to_owned()));
    am.signed_on = Set(Some(issue.signed_on));
    am.signed_by = Set(Some(issue.signed_by));
    am.issued_profile = Set(Some(issue.profile.to_owned()));
    am.version = Set(d.version + 1);
    am.updated_at = Set(now);
    decision::Entity::update(am).exec(db).await
}

/// Audits a signature with the number taken and the signer's title.
pub async fn audit_signed<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    now: DateTime<Utc>,
    role: Role,
    d: &decision::Model,
    issue: &Issue<'_>,
    signer: &SignerProfile,
) -> Result<(), DbErr> {
    let (n, text, on) = (issue.number, issue.number_text, issue.signed_on);
    audit::record(
        db,
        caller,
        now,
        AuditEntry {
            action: "decision.signed",
            subject_type: "decision",
            subject_id: d.id,
            role: role.as_str(),
            details: serde_json::json!({
                "number": n, "number_text": text, "doc_type": issue.doc_type,
                "register_year": chrono::Datelike::year(&on), "signed_on": on, "titles": signer.titles,
                "name": signer.name,
            }),
        },
    )
    .await
}
