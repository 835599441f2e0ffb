//! Reads the API and the event handler share: the rates a tenant sees, its profile, the
//! approved estimate, what was spent, whether the year is settled.

use crate::budget::domain::status::EstimateStatus;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::entities::{estimate, expense, line, plan, profile, rate, settlement};
use crate::budget::domain::{
    lines::LineKey,
    rates::{Profile, Rate},
};

/// The domain rate of a stored one.
pub fn to_rate(r: &rate::Model) -> Rate {
    Rate {
        id: r.id,
        line_code: r.line_code.clone(),
        payee_role: r.payee_role.clone(),
        legal_basis: r.legal_basis.clone(),
        unit: r.unit.clone(),
        max_amount: r.max_amount,
        valid_from: r.valid_from,
        valid_to: r.valid_to,
        jurisdiction: r.jurisdiction.clone(),
        council_tier: r.council_tier.clone(),
    }
}

/// The national rates and the tenant's own.
pub async fn rates_of<C: ConnectionTrait>(db: &C, tenant: Uuid) -> Result<Vec<Rate>, DbErr> {
    Ok(rate::Entity::find()
        .filter(rate::Column::Tenant.is_in([Uuid::nil(), tenant]))
        .order_by_asc(rate::Column::Id)
        .all(db)
        .await?
        .iter()
        .map(to_rate)
        .collect())
}

/// The tenant's profile, if an admin set one.
pub async fn profile_of<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
) -> Result<Option<Profile>, DbErr> {
    Ok(profile::Entity::find_by_id(tenant)
        .one(db)
        .await?
        .map(|p| Profile {
            jurisdiction: p.jurisdiction,
            council_tier: p.council_tier,
        }))
}

/// The plan, as announced to decision, in the tenant.
pub async fn plan_in<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    id: Uuid,
) -> Result<Option<plan::Model>, DbErr> {
    Ok(plan::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|p| p.tenant == tenant))
}

/// The approved estimate of a plan (the latest approved revision) with its lines.
pub async fn approved_estimate<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    plan_id: Uuid,
) -> Result<Option<(estimate::Model, Vec<line::Model>)>, DbErr> {
    let Some(e) = estimate::Entity::find()
        .filter(estimate::Column::Tenant.eq(tenant))
        .filter(estimate::Column::PlanId.eq(plan_id))
        .filter(estimate::Column::Status.eq(EstimateStatus::Approved.code()))
        .order_by_desc(estimate::Column::Revision)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let lines = lines_of(db, e.id).await?;
    Ok(Some((e, lines)))
}

/// The lines of an estimate in order.
pub async fn lines_of<C: ConnectionTrait>(
    db: &C,
    estimate_id: Uuid,
) -> Result<Vec<line::Model>, DbErr> {
    line::Entity::find()
        .filter(line::Column::EstimateId.eq(estimate_id))
        .order_by_asc(line::Column::Position)
        .order_by_asc(line::Column::Id)
        .all(db)
        .await
}

/// Approved amounts per spending line.
pub fn approved_by_key(lines: &[line::Model]) -> Vec<(LineKey, i64)> {
    lines
        .iter()
        .map(|l| {
            (
                (l.line_code.clone(), l.payee_role.clone()),
                l.approved_amount.unwrap_or(0),
            )
        })
        .collect()
}

/// Approved so far on one line of a plan (0 before any approval); `None` on overflow.
pub async fn approved_on_line<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    plan_id: Uuid,
    key: &LineKey,
) -> Result<Option<i64>, DbErr> {
    Ok(match approved_estimate(db, tenant, plan_id).await? {
        Some((_, lines)) => crate::budget::domain::money::total(
            lines
                .iter()
                .filter(|l| l.line_code == key.0 && l.payee_role == key.1)
                .map(|l| l.approved_amount.unwrap_or(0)),
        ),
        None => Some(0),
    })
}

/// Every expense of a plan, oldest first.
pub async fn expenses_of<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    plan_id: Uuid,
) -> Result<Vec<expense::Model>, DbErr> {
    expense::Entity::find()
        .filter(expense::Column::Tenant.eq(tenant))
        .filter(expense::Column::PlanId.eq(plan_id))
        .order_by_asc(expense::Column::Id)
        .all(db)
        .await
}

/// Spent so far on one line of a plan; `None` on overflow.
pub async fn spent_on_line<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    plan_id: Uuid,
    key: &LineKey,
) -> Result<Option<i64>, DbErr> {
    // Only that line's amounts are read (this runs for every expense booked or entered);
    // the sum stays checked in Rust.
    let payee = match &key.1 {
        Some(role) => expense::Column::PayeeRole.eq(role.clone()),
        None => expense::Column::PayeeRole.is_null(),
    };
    let amounts: Vec<i64> = expense::Entity::find()
        .select_only()
        .column(expense::Column::Amount)
        .filter(expense::Column::Tenant.eq(tenant))
        .filter(expense::Column::PlanId.eq(plan_id))
        .filter(expense::Column::LineCode.eq(key.0.clone()))
        .filter(payee)
        .into_tuple()
        .all(db)
        .await?;
    Ok(crate::budget::domain::money::total(amounts))
}

/// The settlement that closed `year`, if any.
pub async fn settlement_of_year<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    year: i32,
) -> Result<Option<settlement::Model>, DbErr> {
    settlement::Entity::find()
        .filter(settlement::Column::Tenant.eq(tenant))
        .filter(settlement::Column::Year.eq(year))
        .one(db)
        .await
}

/// How a transaction holds a budget year: booking into it, or closing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearHold {
    /// Expenses, sittings and estimate changes: many at once, none during a settlement.
    Booking,
    /// The settlement: alone, after every booking in flight has committed.
    Settling,
}

/// Holds `year` of `tenant` until the transaction ends, so that a settlement and a booking
/// never interleave: without it, on PostgreSQL an expense that read "not settled" could commit
/// just after the settlement that did not see it. Call it first in the transaction, before
/// reading whether the year is settled.
///
/// On PostgreSQL it is a transaction-scoped advisory lock, shared for bookings and exclusive for
/// the settlement; on SQLite every writing transaction already holds the database's one write
/// lock from its start (`begin_write`), so nothing more is needed.
pub async fn hold_year<C: ConnectionTrait>(
    txn: &C,
    tenant: Uuid,
    year: i32,
    hold: YearHold,
) -> Result<(), DbErr> {
    if txn.get_database_backend() != sea_orm::DbBackend::Postgres {
        return Ok(());
    }
    let function = match hold {
        YearHold::Booking => "pg_advisory_xact_lock_shared",
        YearHold::Settling => "pg_advisory_xact_lock",
    };
    txn.execute_raw(sea_orm::Statement::from_sql_and_values(
        sea_orm::DbBackend::Postgres,
        format!("SELECT {function}($1)"),
        [year_lock_key(tenant, year).into()],
    ))
    .await?;
    Ok(())
}

/// The advisory lock key of a tenant's budget year. Two years sharing a key only wait for
/// each other; they never book into each other.
fn year_lock_key(tenant: Uuid, year: i32) -> i64 {
    const BUDGET_YEAR: u64 = 0x5bd1_e995_0000_0000;
    let (hi, lo) = tenant.as_u64_pair();
    (hi ^ lo ^ BUDGET_YEAR ^ (year as u64)) as i64
}
