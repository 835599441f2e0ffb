//! The writes of the budget API (and the reads that guard them), with the audit entries that
//! go in the same transaction: the handlers call these instead of holding the SQL.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder,
};
use uuid::Uuid;

use sangkien_kit::{
    ApiError,
    audit::{self, AuditEntry},
    auth::Caller,
};
use sangkien_proto::Role;

use super::entities::{estimate, expense, line, panel, rate, settlement};
use super::queries;
use crate::budget::domain::{
    draft::DraftLine,
    lines::Appraisal,
    money,
    rates::{Profile, Rate, applicable},
    status::{EstimateStatus, LineAppraisal},
};

/// Any estimate of the plan, so that its first one is drafted only once.
pub async fn any_estimate_of_plan<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    plan_id: Uuid,
) -> Result<Option<estimate::Model>, DbErr> {
    estimate::Entity::find()
        .filter(estimate::Column::Tenant.eq(tenant))
        .filter(estimate::Column::PlanId.eq(plan_id))
        .one(db)
        .await
}

/// The latest revision of the plan's estimate, which a new revision follows.
pub async fn latest_estimate<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    plan_id: Uuid,
) -> Result<Option<estimate::Model>, DbErr> {
    estimate::Entity::find()
        .filter(estimate::Column::Tenant.eq(tenant))
        .filter(estimate::Column::PlanId.eq(plan_id))
        .order_by_desc(estimate::Column::Revision)
        .one(db)
        .await
}

/// The panels announced for the plan, in order, which size the drafted sittings.
pub async fn panels_of<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    plan_id: Uuid,
) -> Result<Vec<panel::Model>, DbErr> {
    panel::Entity::find()
        .filter(panel::Column::Tenant.eq(tenant))
        .filter(panel::Column::PlanId.eq(plan_id))
        .order_by_asc(panel::Column::Id)
        .all(db)
        .await
}

/// Inserts an estimate version; the caller maps its unique revision number to a conflict.
pub async fn insert_estimate<C: ConnectionTrait>(db: &C, e: &estimate::Model) -> Result<(), DbErr> {
    estimate::Entity::insert(e.clone().into_active_model())
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Inserts one line of an estimate, pending appraisal; returns its id.
#[allow(clippy::too_many_arguments)]
pub async fn insert_line<C: ConnectionTrait>(
    db: &C,
    e: &estimate::Model,
    position: i32,
    code: &str,
    payee: Option<String>,
    description: &str,
    quantity: i64,
    unit: i64,
    rate_id: Option<Uuid>,
) -> Result<Uuid, ApiError> {
    let amount = money::amount(quantity, unit)
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("amount overflow")))?;
    let id = Uuid::now_v7();
    line::Entity::insert(line::ActiveModel {
        id: Set(id),
        estimate_id: Set(e.id),
        tenant: Set(e.tenant),
        position: Set(position),
        line_code: Set(code.into()),
        payee_role: Set(payee),
        description: Set(description.into()),
        quantity: Set(quantity),
        unit_amount: Set(unit),
        amount: Set(amount),
        rate_id: Set(rate_id),
        appraisal: Set(LineAppraisal::Pending.code().into()),
        approved_amount: Set(None),
        appraisal_reason: Set(None),
        appraised_by: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    Ok(id)
}

/// Inserts the drafted lines of a first estimate, each with the rate applying on `on`.
pub async fn insert_drafted_lines<C: ConnectionTrait>(
    db: &C,
    e: &estimate::Model,
    lines: &[DraftLine],
    rates: &[Rate],
    profile: Option<&Profile>,
    on: NaiveDate,
) -> Result<(), ApiError> {
    for (i, l) in lines.iter().enumerate() {
        let rate_id =
            applicable(rates, &l.line_code, l.payee_role.as_deref(), on, profile).map(|r| r.id);
        insert_line(
            db,
            e,
            i as i32,
            &l.line_code,
            l.payee_role.clone(),
            &l.description,
            l.quantity,
            l.unit_amount,
            rate_id,
        )
        .await?;
    }
    Ok(())
}

/// Copies the lines of estimate `from` into the revision `to`, to be appraised again.
pub async fn copy_lines<C: ConnectionTrait>(
    db: &C,
    from: Uuid,
    to: &estimate::Model,
) -> Result<(), ApiError> {
    for l in queries::lines_of(db, from).await? {
        insert_line(
            db,
            to,
            l.position,
            &l.line_code,
            l.payee_role,
            &l.description,
            l.quantity,
            l.unit_amount,
            l.rate_id,
        )
        .await?;
    }
    Ok(())
}

/// Audits the first estimate drafted for a plan, with its computed lines.
pub async fn audit_estimate_drafted<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    now: DateTime<Utc>,
    role: Role,
    e: &estimate::Model,
    lines: &[DraftLine],
) -> Result<(), DbErr> {
    audit::record(db, caller, now, AuditEntry {
        action: "budget.estimate.drafted",
        subject_type: "budget_estimate",
        subject_id: e.id,
        role: role.as_str(),
        details: serde_json::json!({ "plan_id": e.plan_id, "lines": lines.iter().map(|l| serde_json::json!({
            "line_code": l.line_code, "payee_role": l.payee_role, "quantity": l.quantity, "unit_amount": l.unit_amount })).collect::<Vec<_>>() }),
    })
    .await
}

/// Audits a revision opened from the approved estimate `previous_id`.
pub async fn audit_estimate_revised<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    now: DateTime<Utc>,
    role: Role,
    e: &estimate::Model,
    previous_id: Uuid,
) -> Result<(), DbErr> {
    audit::record(db, caller, now, AuditEntry {
        action: "budget.estimate.revised",
        subject_type: "budget_estimate",
        subject_id: e.id,
        role: role.as_str(),
        details: serde_json::json!({ "previous_id": previous_id, "revision": e.revision, "note": e.note }),
    })
    .await
}

/// Records the finance office's decision on a line; returns the amount it may spend.
pub async fn record_appraisal<C: ConnectionTrait>(
    db: &C,
    before: &line::Model,
    decision: Appraisal,
    reason: Option<String>,
    by: Uuid,
) -> Result<i64, DbErr> {
    let approved_amount = decision.approved_amount(before.amount);
    let mut am = before.clone().into_active_model();
    am.appraisal = Set(decision.outcome().code().into());
    am.approved_amount = Set(Some(approved_amount));
    am.appraisal_reason = Set(reason);
    am.appraised_by = Set(Some(by));
    line::Entity::update(am).exec(db).await?;
    Ok(approved_amount)
}

/// What a line appraisal changed, for the audit entry.
pub struct AppraisalChange<'a> {
    pub estimate_id: Uuid,
    pub before: &'a line::Model,
    pub decision: Appraisal,
    pub approved_amount: i64,
    pub reason: Option<String>,
}

/// Audits a line appraisal, before and after.
pub async fn audit_line_appraised<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    now: DateTime<Utc>,
    role: Role,
    c: AppraisalChange<'_>,
) -> Result<(), DbErr> {
    let (before, decision, approved_amount, reason) =
        (c.before, c.decision, c.approved_amount, c.reason);
    audit::record(db, caller, now, AuditEntry {
        action: "budget.estimate.line_appraised",
        subject_type: "budget_estimate_line",
        subject_id: before.id,
        role: role.as_str(),
        details: serde_json::json!({
            "estimate_id": c.estimate_id, "decision": decision.outcome().code(), "drafted": before.amount,
            "before": { "appraisal": before.appraisal, "approved_amount": before.approved_amount },
            "after": { "appraisal": decision.outcome().code(), "approved_amount": approved_amount }, "reason": reason,
        }),
    })
    .await
}

/// Approves `e`: the plan's approved version is superseded and `e` is locked as the ceiling.
pub async fn approve_estimate<C: ConnectionTrait>(
    db: &C,
    e: &estimate::Model,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<estimate::Model, DbErr> {
    estimate::Entity::update_many()
        .col_expr(
            estimate::Column::Status,
            sea_orm::sea_query::Expr::value(EstimateStatus::Superseded.code()),
        )
        .filter(estimate::Column::Tenant.eq(e.tenant))
        .filter(estimate::Column::PlanId.eq(e.plan_id))
        .filter(estimate::Column::Status.eq(EstimateStatus::Approved.code()))
        .exec(db)
        .await?;
    let mut am = e.clone().into_active_model();
    am.status = Set(EstimateStatus::Approved.code().into());
    am.approved_by = Set(Some(by));
    am.approved_at = Set(Some(now));
    am.version = Set(e.version + 1);
    estimate::Entity::update(am).exec(db).await
}

/// Audits the approval of an estimate with its approved total.
pub async fn audit_estimate_approved<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    now: DateTime<Utc>,
    role: Role,
    e: &estimate::Model,
    total: i64,
) -> Result<(), DbErr> {
    audit::record(db, caller, now, AuditEntry {
        action: "budget.estimate.approved",
        subject_type: "budget_estimate",
        subject_id: e.id,
        role: role.as_str(),
        details: serde_json::json!({ "revision": e.revision, "approved_total": total, "before": "draft", "after": "approved" }),
    })
    .await
}

/// Whether the voucher number is already booked in the tenant (voucher numbers are unique).
pub async fn voucher_booked<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    voucher: &str,
) -> Result<bool, DbErr> {
    Ok(expense::Entity::find()
        .filter(expense::Column::Tenant.eq(tenant))
        .filter(expense::Column::VoucherNumber.eq(voucher.to_owned()))
        .one(db)
        .await?
        .is_some())
}

/// Inserts an expense; the caller maps a taken voucher number to a conflict.
pub async fn insert_expense<C: ConnectionTrait>(db: &C, m: &expense::Model) -> Result<(), DbErr> {
    expense::Entity::insert(m.clone().into_active_model())
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Audits an expense entered with its voucher.
pub async fn audit_expense_entered<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    now: DateTime<Utc>,
    role: Role,
    m: &expense::Model,
) -> Result<(), DbErr> {
    audit::record(db, caller, now, AuditEntry {
        action: "budget.expense.entered",
        subject_type: "budget_expense",
        subject_id: m.id,
        role: role.as_str(),
        details: serde_json::json!({ "before": null, "after": {
            "voucher_number": m.voucher_number, "line_code": m.line_code, "payee_role": m.payee_role,
            "spent_on": m.spent_on, "amount": m.amount, "over_line": m.over_line, "reason": m.reason } }),
    })
    .await
}

/// Inserts a provincial rate.
pub async fn insert_rate<C: ConnectionTrait>(db: &C, m: rate::Model) -> Result<(), DbErr> {
    rate::Entity::insert(m.into_active_model())
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Inserts the settlement of a year; the caller maps a second one to `year_settled`.
pub async fn insert_settlement<C: ConnectionTrait>(
    db: &C,
    m: &settlement::Model,
) -> Result<(), DbErr> {
    settlement::Entity::insert(m.clone().into_active_model())
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Audits the settlement that closed a year.
pub async fn audit_settlement_closed<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    now: DateTime<Utc>,
    role: Role,
    m: &settlement::Model,
) -> Result<(), DbErr> {
    audit::record(db, caller, now, AuditEntry {
        action: "budget.settlement.closed",
        subject_type: "budget_settlement",
        subject_id: m.id,
        role: role.as_str(),
        details: serde_json::json!({ "year": m.year, "estimated": m.estimated, "spent": m.spent, "before": "open", "after": "settled" }),
    })
    .await
}
