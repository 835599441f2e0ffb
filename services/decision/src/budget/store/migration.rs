//! Creates the budget's tables and seeds the national maxima of Circular 03/2019/TT-BTC.

use sangkien_kit::store::migrations::index;
use sea_orm::{ActiveValue::Set, EntityTrait};
use sea_orm_migration::{prelude::*, schema::*};
use uuid::Uuid;

use super::entities::rate;
use crate::budget::domain::rates::national_rates;

/// The budget's one migration.
pub struct CreateBudget;

impl MigrationName for CreateBudget {
    fn name(&self) -> &str {
        "m20261129_000600_budget"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateBudget {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("budget_rates")
                .if_not_exists()
                .col(pk_uuid("id"))
                .col(uuid("tenant"))
                .col(string_len("line_code", 40))
                .col(string_len_null("payee_role", 20))
                .col(string_len("legal_basis", 300))
                .col(string_len("unit", 60))
                .col(big_integer_null("max_amount"))
                .col(date("valid_from"))
                .col(date_null("valid_to"))
                .col(string_len_null("jurisdiction", 60))
                .col(string_len_null("council_tier", 40))
                .col(uuid("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "budget_rates_line",
            "budget_rates",
            &["tenant", "line_code"],
            false,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("budget_profiles")
                .if_not_exists()
                .col(pk_uuid("tenant"))
                .col(string_len("jurisdiction", 60))
                .col(string_len("council_tier", 40))
                .col(integer("version"))
                .col(uuid("updated_by"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("budget_plans")
                .if_not_exists()
                .col(pk_uuid("id"))
                .col(uuid("tenant"))
                .col(string_len("symbol", 100))
                .col(integer("year"))
                .col(text("fields"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("budget_panels")
                .if_not_exists()
                .col(pk_uuid("id"))
                .col(uuid("tenant"))
                .col(uuid("plan_id"))
                .col(string_len("field", 40))
                .col(string_len("stage", 20))
                .col(string_len("name", 300))
                .col(text("members"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "budget_panels_plan",
            "budget_panels",
            &["tenant", "plan_id"],
            false,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("budget_estimates")
                .if_not_exists()
                .col(pk_uuid("id"))
                .col(uuid("tenant"))
                .col(uuid("plan_id"))
                .col(integer("year"))
                .col(integer("revision"))
                .col(string_len("status", 16))
                .col(uuid_null("previous_id"))
                .col(text("note"))
                .col(uuid("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(uuid_null("approved_by"))
                .col(timestamp_with_time_zone_null("approved_at"))
                .col(integer("version"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "budget_estimates_revision",
            "budget_estimates",
            &["tenant", "plan_id", "revision"],
            true,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("budget_estimate_lines")
                .if_not_exists()
                .col(pk_uuid("id"))
                .col(uuid("estimate_id"))
                .col(uuid("tenant"))
                .col(integer("position"))
                .col(string_len("line_code", 40))
                .col(string_len_null("payee_role", 20))
                .col(string_len("description", 500))
                .col(big_integer("quantity"))
                .col(big_integer("unit_amount"))
                .col(big_integer("amount"))
                .col(uuid_null("rate_id"))
                .col(string_len("appraisal", 16))
                .col(big_integer_null("approved_amount"))
                .col(text_null("appraisal_reason"))
                .col(uuid_null("appraised_by"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "budget_lines_estimate",
            "budget_estimate_lines",
            &["estimate_id", "position"],
            false,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("budget_expenses")
                .if_not_exists()
                .col(pk_uuid("id"))
                .col(uuid("tenant"))
                .col(uuid("plan_id"))
                .col(integer("year"))
                .col(string_len("line_code", 40))
                .col(string_len_null("payee_role", 20))
                .col(string_len("source", 16))
                .col(uuid_null("sitting_id"))
                .col(string_len_null("voucher_number", 60))
                .col(date("spent_on"))
                .col(big_integer("quantity"))
                .col(big_integer("unit_amount"))
                .col(big_integer("amount"))
                .col(string_len("description", 500))
                .col(boolean("over_line"))
                .col(text_null("reason"))
                .col(uuid_null("rate_id"))
                .col(uuid("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        // A sitting is paid once per payee role, whatever the redeliveries.
        m.create_index(index(
            "budget_expenses_sitting_once",
            "budget_expenses",
            &["sitting_id", "payee_role"],
            true,
        ))
        .await?;
        m.create_index(index(
            "budget_expenses_voucher",
            "budget_expenses",
            &["tenant", "voucher_number"],
            true,
        ))
        .await?;
        m.create_index(index(
            "budget_expenses_plan",
            "budget_expenses",
            &["tenant", "plan_id"],
            false,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("budget_settlements")
                .if_not_exists()
                .col(pk_uuid("id"))
                .col(uuid("tenant"))
                .col(uuid("plan_id"))
                .col(integer("year"))
                .col(big_integer("estimated"))
                .col(big_integer("spent"))
                .col(text("report"))
                .col(text("note"))
                .col(uuid("settled_by"))
                .col(timestamp_with_time_zone("settled_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "budget_settlements_year",
            "budget_settlements",
            &["tenant", "year"],
            true,
        ))
        .await?;
        let db = m.get_connection();
        let seeded =
            chrono::DateTime::<chrono::Utc>::from_timestamp(1_551_571_200, 0).unwrap_or_default();
        for r in national_rates() {
            rate::Entity::insert(rate::ActiveModel {
                id: Set(r.id),
                tenant: Set(Uuid::nil()),
                line_code: Set(r.line_code),
                payee_role: Set(r.payee_role),
                legal_basis: Set(r.legal_basis),
                unit: Set(r.unit),
                max_amount: Set(r.max_amount),
                valid_from: Set(r.valid_from),
                valid_to: Set(r.valid_to),
                jurisdiction: Set(None),
                council_tier: Set(None),
                created_by: Set(Uuid::nil()),
                created_at: Set(seeded),
            })
            .on_conflict(OnConflict::column(rate::Column::Id).do_nothing().to_owned())
            .exec_without_returning(db)
            .await?;
        }
        Ok(())
    }
}
