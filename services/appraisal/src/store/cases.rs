//! `cases`: one appraisal case per received dossier, opened by `dossier.received`.

use sea_orm::entity::prelude::*;
use sea_orm_migration::{prelude::*, schema::*};

/// A case.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "cases")]
pub struct Model {
    /// The dossier's id: one case per dossier, whatever the redeliveries.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant: Uuid,
    pub plan_id: Uuid,
    /// The plan's field code.
    pub field: String,
    pub register_number: i32,
    /// The initiative's name.
    pub name: String,
    pub kind: String,
    /// The dossier's owner and unit, and the unit head who confirmed it (for conflicts).
    pub owner: Uuid,
    pub unit_id: Uuid,
    pub confirmed_by: Option<Uuid>,
    /// Authors and co-authors (JSON array of `AuthorInfo`).
    #[sea_orm(column_type = "Text")]
    pub authors: String,
    /// The field's stages (JSON array of `StageInfo`).
    #[sea_orm(column_type = "Text")]
    pub stages: String,
    /// Index of the current stage in `stages`.
    pub stage: i32,
    /// `open`, `withdrawn` (later: `concluded`).
    pub status: String,
    /// The dossier's submitted version appraised.
    pub dossier_version: i32,
    pub received_on: Date,
    pub decision_due_on: Date,
    pub opened_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Why it was closed early (withdrawal).
    pub closed_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

sangkien_kit::tenant_scoped!(Column::Tenant);

/// Creates `cases`.
pub struct CreateCases;

impl MigrationName for CreateCases {
    fn name(&self) -> &str {
        "m20261128_000301_appraisal_cases"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateCases {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("cases")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("tenant"))
                    .col(uuid("plan_id"))
                    .col(string_len("field", 40))
                    .col(integer("register_number"))
                    .col(string_len("name", 300))
                    .col(string_len("kind", 32))
                    .col(uuid("owner"))
                    .col(uuid("unit_id"))
                    .col(uuid_null("confirmed_by"))
                    .col(text("authors"))
                    .col(text("stages"))
                    .col(integer("stage"))
                    .col(string_len("status", 16))
                    .col(integer("dossier_version"))
                    .col(date("received_on"))
                    .col(date("decision_due_on"))
                    .col(timestamp_with_time_zone("opened_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(text_null("closed_reason"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("cases_plan_field")
                    .table("cases")
                    .col("tenant")
                    .col("plan_id")
                    .col("field")
                    .col("register_number")
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }
}
