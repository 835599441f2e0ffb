//! Who reads a dossier because they judge it: the reviewers assigned to it and the members of
//! a council sitting on it, never a panel member the conflict rules keep off it.
//!
//! Intake owns the dossier and its files; it learns this set from `case.readers_changed`
//! (published here through the outbox at every assignment, conflict, sitting and panel
//! change) instead of asking appraisal on the reader's request path.

use std::collections::BTreeSet;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use sangkien_kit::{ApiError, auth::Caller, service::ServiceContext};
use sangkien_proto::events::CaseReadersChanged;

use crate::{
    api::{assignments::parties_of, panels::members_of, results::publish},
    domain::conflicts::conflict_of,
    store::{
        cases,
        panels::{assignment, panel},
        sittings::sitting,
    },
};

/// The readers and the conflicted of case `c`, as they stand in `db`.
pub async fn readers_of<C: ConnectionTrait>(
    db: &C,
    c: &cases::Model,
) -> Result<(Vec<Uuid>, Vec<Uuid>), ApiError> {
    let parties = parties_of(db, c).await?;
    let panels = panel::Entity::find()
        .filter(panel::Column::Tenant.eq(c.tenant))
        .filter(panel::Column::PlanId.eq(c.plan_id))
        .filter(panel::Column::Field.eq(c.field.clone()))
        .all(db)
        .await?;
    let mut conflicted = BTreeSet::new();
    for p in &panels {
        for m in members_of(p)? {
            if conflict_of(m.user_id, m.unit_id, &parties).is_some() {
                conflicted.insert(m.user_id);
            }
        }
    }
    let mut readers: BTreeSet<Uuid> = assignment::Entity::find()
        .filter(assignment::Column::CaseId.eq(c.id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.reviewer)
        .collect();
    let sittings = sitting::Entity::find()
        .filter(sitting::Column::Tenant.eq(c.tenant))
        .filter(sitting::Column::PlanId.eq(c.plan_id))
        .all(db)
        .await?;
    for s in sittings {
        let ids: Vec<Uuid> = serde_json::from_str(&s.dossier_ids).map_err(ApiError::internal)?;
        if !ids.contains(&c.id) {
            continue;
        }
        if let Some(p) = panels.iter().find(|p| p.id == s.panel_id) {
            readers.extend(members_of(p)?.into_iter().map(|m| m.user_id));
        }
    }
    let readers = readers.difference(&conflicted).copied().collect();
    Ok((readers, conflicted.into_iter().collect()))
}

/// Publishes `case.readers_changed` for case `c` inside `txn`, with the set as it now
/// stands there.
pub async fn announce<C: ConnectionTrait>(
    ctx: &ServiceContext,
    txn: &C,
    caller: &Caller,
    c: &cases::Model,
) -> Result<(), ApiError> {
    // Counted first: the row lock makes a concurrent announcement of this case wait, so the
    // set read below includes what it committed.
    let revision = crate::store::readers::next_revision(txn, c.id).await?;
    let (readers, conflicted) = readers_of(txn, c).await?;
    let event = CaseReadersChanged {
        dossier_id: c.id,
        readers,
        conflicted,
        revision,
        as_of: ctx.clock.now(),
    };
    publish(ctx, txn, caller, &event).await
}

/// [`announce`] for every case of a plan's field (a panel's members changed).
pub async fn announce_field<C: ConnectionTrait>(
    ctx: &ServiceContext,
    txn: &C,
    caller: &Caller,
    plan_id: Uuid,
    field: &str,
) -> Result<(), ApiError> {
    let found = cases::Entity::find()
        .filter(cases::Column::Tenant.eq(caller.tenant))
        .filter(cases::Column::PlanId.eq(plan_id))
        .filter(cases::Column::Field.eq(field.to_owned()))
        .all(txn)
        .await?;
    for c in &found {
        announce(ctx, txn, caller, c).await?;
    }
    Ok(())
}
