//! `rubrics`: a tenant's own rubrics, every version kept (the shipped ones live in code).

use sea_orm::entity::prelude::*;
use sea_orm_migration::{prelude::*, schema::*};

/// One version of a rubric.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rubrics")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant: Uuid,
    pub code: String,
    /// 1, 2, … per tenant and code.
    pub version: i32,
    /// The rubric (JSON `Rubric`).
    #[sea_orm(column_type = "Text")]
    pub definition: String,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

sangkien_kit::tenant_scoped!(Column::Tenant);

/// Creates `rubrics`.
pub struct CreateRubrics;

impl MigrationName for CreateRubrics {
    fn name(&self) -> &str {
        "m20261128_000302_appraisal_rubrics"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateRubrics {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("rubrics")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("tenant"))
                    .col(string_len("code", 64))
                    .col(integer("version"))
                    .col(text("definition"))
                    .col(uuid("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("rubrics_version")
                    .table("rubrics")
                    .col("tenant")
                    .col("code")
                    .col("version")
                    .unique()
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }
}
