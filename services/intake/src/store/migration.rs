//! Intake's schema.

use sea_orm_migration::{prelude::*, schema::*};

/// Creates plans, dossiers, versions, window exceptions, attachments and register counters.
pub struct CreateIntake;

impl MigrationName for CreateIntake {
    fn name(&self) -> &str {
        "m20261128_000102_intake_plans_dossiers"
    }
}

use sangkien_kit::store::migrations::index;

#[async_trait::async_trait]
impl MigrationTrait for CreateIntake {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("plans")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("tenant"))
                    .col(string_len("symbol", 64))
                    .col(string_len("title", 300))
                    .col(date("issued_on"))
                    .col(integer("year"))
                    .col(string_len("status", 16))
                    .col(text("fields"))
                    .col(integer("version"))
                    .col(uuid("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(timestamp_with_time_zone_null("published_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("plans_tenant", "plans", &["tenant", "id"], false))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("plan_amendments")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("plan_id"))
                    .col(integer("version"))
                    .col(text("reason"))
                    .col(text("fields_before"))
                    .col(text("fields_after"))
                    .col(uuid("amended_by"))
                    .col(timestamp_with_time_zone("amended_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "plan_amendments_plan",
                "plan_amendments",
                &["plan_id"],
                false,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("dossiers")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("tenant"))
                    .col(uuid("plan_id"))
                    .col(string_len("field", 40))
                    .col(uuid("owner"))
                    .col(uuid("unit_id"))
                    .col(string_len("status", 32))
                    .col(text("form"))
                    .col(text("search"))
                    .col(integer("submissions"))
                    .col(integer_null("register_number"))
                    .col(date_null("received_on"))
                    .col(date_null("decision_due_on"))
                    .col(date_null("correction_due_on"))
                    .col(uuid_null("confirmed_by"))
                    .col(text_null("last_reason"))
                    .col(text_null("outcome_reason"))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(timestamp_with_time_zone_null("submitted_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "dossiers_tenant",
                "dossiers",
                &["tenant", "id"],
                false,
            ))
            .await?;
        manager
            .create_index(index("dossiers_owner", "dossiers", &["owner"], false))
            .await?;
        manager
            .create_index(index(
                "dossiers_plan_field",
                "dossiers",
                &["plan_id", "field", "status"],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "dossiers_unit",
                "dossiers",
                &["unit_id", "status"],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "dossiers_register",
                "dossiers",
                &["plan_id", "field", "register_number"],
                true,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("dossier_versions")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("dossier_id"))
                    .col(integer("number"))
                    .col(text("form"))
                    .col(text("attachments"))
                    .col(uuid("submitted_by"))
                    .col(timestamp_with_time_zone("submitted_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "dossier_versions_number",
                "dossier_versions",
                &["dossier_id", "number"],
                true,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("window_exceptions")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("dossier_id"))
                    .col(date("until"))
                    .col(text("reason"))
                    .col(uuid("granted_by"))
                    .col(timestamp_with_time_zone("granted_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "window_exceptions_dossier",
                "window_exceptions",
                &["dossier_id"],
                false,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("attachments")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("dossier_id"))
                    .col(string_len("name", 255))
                    .col(string_len("content_type", 100))
                    .col(big_integer("size"))
                    .col(string_len("sha256", 64))
                    .col(text("storage_key"))
                    .col(uuid("uploaded_by"))
                    .col(timestamp_with_time_zone("uploaded_at"))
                    .col(timestamp_with_time_zone_null("removed_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "attachments_dossier",
                "attachments",
                &["dossier_id"],
                false,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("register_counters")
                    .if_not_exists()
                    .col(uuid("plan_id"))
                    .col(string_len("field", 40))
                    .col(integer("last"))
                    .primary_key(Index::create().col("plan_id").col("field"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
