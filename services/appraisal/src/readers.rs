//! Who reads a dossier because they judge it: the reviewers assigned to it and the members of
//! a council sitting on it, never a panel member the conflict rules keep off it.
//!
//! Intake owns the dossier and its files; it learns this set from `case.readers_changed`
//! (published here through the outbox at every assignment, conflict, sitting and panel
//! change) instead of asking appraisal on the reader's request path.

use std::collections::BTreeSet;

use sea_orm::ConnectionTrait;
use uuid::Uuid;

use sangkien_kit::{ApiError, auth::Caller, service::ServiceContext};
use sangkien_proto::events::CaseReadersChanged;

use crate::{
    domain::conflicts::conflict_of,
    store::{
        cases,
        queries::{
            assignments_of, cases_of_field, members_of, panels_of_field, parties_of,
            sittings_of_plan,
        },
    },
};

/// The readers and the conflicted of case `c`, as they stand in `db`.
pub async fn readers_of<C: ConnectionTrait>(
    db: &C,
    c: &cases::Model,
) -> Result<(Vec<Uuid>, Vec<Uuid>), ApiError> {
    let parties = parties_of(db, c).await?;
    let panels = panels_of_field(db, c.tenant, c.plan_id, &c.field).await?;
    let mut conflicted = BTreeSet::new();
    for p in &panels {
        for m in members_of(p)? {
            if conflict_of(m.user_id, m.unit_id, &parties).is_some() {
                conflicted.insert(m.user_id);
            }
        }
    }
    let mut readers: BTreeSet<Uuid> = assignments_of(db, c.id)
        .await?
        .into_iter()
        .map(|a| a.reviewer)
        .collect();
    let sittings = sittings_of_plan(db, c.tenant, c.plan_id).await?;
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
    ctx.outbox
        .publish(txn, ctx.clock.now(), caller, &event)
        .await?;
    Ok(())
}

/// [`announce`] for every case of a plan's field (a panel's members changed).
pub async fn announce_field<C: ConnectionTrait>(
    ctx: &ServiceContext,
    txn: &C,
    caller: &Caller,
    plan_id: Uuid,
    field: &str,
) -> Result<(), ApiError> {
    let found = cases_of_field(txn, caller.tenant, plan_id, field).await?;
    for c in &found {
        announce(ctx, txn, caller, c).await?;
    }
    Ok(())
}
