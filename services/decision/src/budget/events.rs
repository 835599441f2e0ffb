//! What the budget does with consumed events: keeps plans and panels (for the draft) and
//! books the attendance of each sitting held, once per sitting and payee role.

use sea_orm::{ActiveValue::Set, DatabaseTransaction, EntityTrait, sea_query::OnConflict};
use uuid::Uuid;

use sangkien_kit::store::WithinTenant;
use sangkien_kit::{
    audit::{self, AuditEntry},
    auth::Caller,
};
use sangkien_proto::{
    Envelope, Lang,
    events::{PanelChanged, PlanPublished, SittingHeld},
};

use super::{
    domain::{
        lines::beyond_line,
        money,
        rates::{applicable, payee_label, sitting_payee},
    },
    store::{
        entities::{expense, panel, plan},
        queries,
    },
};

/// Handles the events the budget needs; `Ok(true)` when it was one of them.
pub async fn handle(
    txn: &DatabaseTransaction,
    envelope: &Envelope,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<bool> {
    if envelope.is::<PlanPublished>() {
        keep_plan(txn, envelope.tenant, envelope.decode()?, now).await?;
    } else if envelope.is::<PanelChanged>() {
        keep_panel(txn, envelope.tenant, envelope.decode()?, now).await?;
    } else if envelope.is::<SittingHeld>() {
        book_sitting(txn, envelope, envelope.decode()?, now).await?;
    } else {
        return Ok(false);
    }
    Ok(true)
}

async fn keep_plan(
    txn: &DatabaseTransaction,
    tenant: Uuid,
    e: PlanPublished,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    plan::Entity::insert(plan::ActiveModel {
        id: Set(e.plan_id),
        tenant: Set(tenant),
        symbol: Set(e.symbol),
        year: Set(e.year),
        fields: Set(serde_json::to_string(&e.fields)?),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(plan::Column::Id)
            .update_columns([
                plan::Column::Symbol,
                plan::Column::Year,
                plan::Column::Fields,
                plan::Column::UpdatedAt,
            ])
            .within_tenant((plan::Entity, plan::Column::Tenant), tenant)
            .to_owned(),
    )
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

async fn keep_panel(
    txn: &DatabaseTransaction,
    tenant: Uuid,
    e: PanelChanged,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    panel::Entity::insert(panel::ActiveModel {
        id: Set(e.panel_id),
        tenant: Set(tenant),
        plan_id: Set(e.plan_id),
        field: Set(e.field),
        stage: Set(e.stage),
        name: Set(e.name),
        members: Set(serde_json::to_string(&e.members)?),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(panel::Column::Id)
            .update_columns([
                panel::Column::Name,
                panel::Column::Members,
                panel::Column::UpdatedAt,
            ])
            .within_tenant((panel::Entity, panel::Column::Tenant), tenant)
            .to_owned(),
    )
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

/// The system as the author of booked sittings in the audit log.
fn system_caller(envelope: &Envelope) -> Caller {
    Caller {
        user: Uuid::nil(),
        tenant: envelope.tenant,
        roles: Vec::new(),
        name: Some("sitting.held".into()),
        request_id: envelope.id.to_string(),
        lang: Lang::Vi,
    }
}

/// Books attendance × the rate for each payee role of a held sitting: the approved line's
/// rate when the estimate has one, never above the cap in force on the sitting's date. The
/// unique key on (sitting, payee role) books it once whatever the redeliveries. A settled
/// year takes no more expenses.
async fn book_sitting(
    txn: &DatabaseTransaction,
    envelope: &Envelope,
    e: SittingHeld,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let tenant = envelope.tenant;
    let year = queries::plan_in(txn, tenant, e.plan_id)
        .await?
        .map(|p| p.year)
        .unwrap_or_else(|| chrono::Datelike::year(&e.held_on));
    queries::hold_year(txn, tenant, year, queries::YearHold::Booking).await?;
    if queries::settlement_of_year(txn, tenant, year)
        .await?
        .is_some()
    {
        tracing::warn!(sitting = %e.sitting_id, year, "sitting held after the year was settled; not booked");
        return Ok(());
    }
    let rates = queries::rates_of(txn, tenant).await?;
    let profile = queries::profile_of(txn, tenant).await?;
    let approved = queries::approved_estimate(txn, tenant, e.plan_id).await?;
    for payee in ["chair", "member", "other"] {
        let count = e
            .attendees
            .iter()
            .filter(|a| sitting_payee(&a.panel_role) == payee)
            .count() as i64;
        if count == 0 {
            continue;
        }
        let rate = applicable(
            &rates,
            "council_sitting",
            Some(payee),
            e.held_on,
            profile.as_ref(),
        );
        let cap = rate.and_then(|r| r.max_amount).unwrap_or(0);
        let planned = approved.as_ref().and_then(|(_, lines)| {
            lines
                .iter()
                .find(|l| {
                    l.line_code == "council_sitting"
                        && l.payee_role.as_deref() == Some(payee)
                        && l.approved_amount.unwrap_or(0) > 0
                })
                .map(|l| l.unit_amount)
        });
        let unit = planned.map_or(cap, |p| p.min(cap));
        let amount =
            money::amount(count, unit).ok_or_else(|| anyhow::anyhow!("amount overflow"))?;
        let key = ("council_sitting".to_owned(), Some(payee.to_owned()));
        let approved_amount = approved
            .as_ref()
            .map(|(_, lines)| {
                money::total(
                    lines
                        .iter()
                        .filter(|l| l.line_code == key.0 && l.payee_role == key.1)
                        .map(|l| l.approved_amount.unwrap_or(0)),
                )
            })
            .unwrap_or(Some(0))
            .ok_or_else(|| anyhow::anyhow!("total overflow"))?;
        let already = queries::spent_on_line(txn, tenant, e.plan_id, &key)
            .await?
            .ok_or_else(|| anyhow::anyhow!("total overflow"))?;
        let over = beyond_line(approved_amount, already, amount).unwrap_or(true);
        let id = Uuid::now_v7();
        let description = format!(
            "Phiên họp ngày {} — {}: {count} người",
            e.held_on.format("%d/%m/%Y"),
            payee_label(Some(payee))
        );
        let inserted = expense::Entity::insert(expense::ActiveModel {
            id: Set(id),
            tenant: Set(tenant),
            plan_id: Set(e.plan_id),
            year: Set(year),
            line_code: Set(key.0.clone()),
            payee_role: Set(key.1.clone()),
            source: Set("sitting".into()),
            sitting_id: Set(Some(e.sitting_id)),
            voucher_number: Set(None),
            spent_on: Set(e.held_on),
            quantity: Set(count),
            unit_amount: Set(unit),
            amount: Set(amount),
            description: Set(description),
            over_line: Set(over),
            reason: Set(None),
            rate_id: Set(rate.map(|r| r.id)),
            created_by: Set(Uuid::nil()),
            created_at: Set(now),
        })
        .on_conflict(
            OnConflict::columns([expense::Column::SittingId, expense::Column::PayeeRole])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
        if inserted == 1 {
            audit::record(
                txn,
                &system_caller(envelope),
                now,
                AuditEntry {
                    action: "budget.expense.booked_from_sitting",
                    subject_type: "budget_expense",
                    subject_id: id,
                    role: "system",
                    details: serde_json::json!({
                        "sitting_id": e.sitting_id, "payee_role": payee, "quantity": count,
                        "unit_amount": unit, "amount": amount, "over_line": over,
                    }),
                },
            )
            .await?;
        }
    }
    Ok(())
}
