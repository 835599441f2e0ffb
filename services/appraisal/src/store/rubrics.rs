//! `rubrics`: a tenant's own rubrics, every version kept (the shipped ones live in code).

use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, QueryOrder};
use sea_orm_migration::{prelude::*, schema::*};

use sangkien_kit::ApiError;

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

/// The latest version of rubric `code` of `tenant`, if it has one.
pub async fn latest_version<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    code: &str,
) -> Result<Option<i32>, ApiError> {
    let latest = Entity::find()
        .filter(Column::Tenant.eq(tenant))
        .filter(Column::Code.eq(code.to_owned()))
        .order_by_desc(Column::Version)
        .one(db)
        .await?;
    Ok(latest.map(|r| r.version))
}

/// Inserts rubric version `row` (a unique violation when that version was saved meanwhile).
pub async fn insert_version<C: ConnectionTrait>(db: &C, row: &Model) -> Result<(), DbErr> {
    Entity::insert(ActiveModel {
        id: Set(row.id),
        tenant: Set(row.tenant),
        code: Set(row.code.clone()),
        version: Set(row.version),
        definition: Set(row.definition.clone()),
        created_by: Set(row.created_by),
        created_at: Set(row.created_at),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

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
