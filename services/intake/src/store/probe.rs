//! `probes`: diagnostic probes sent by operators.

use sea_orm::entity::prelude::*;
use sea_orm_migration::{prelude::*, schema::*};

/// One probe.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "probes")]
pub struct Model {
    /// UUIDv7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The tenant.
    pub tenant: Uuid,
    /// The operator's note.
    pub note: String,
    /// Who sent it.
    pub sent_by: Uuid,
    /// When.
    pub sent_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

sangkien_kit::tenant_scoped!(Column::Tenant);

/// Creates `probes`.
pub struct CreateProbes;

impl MigrationName for CreateProbes {
    fn name(&self) -> &str {
        "m20261128_000101_intake_probes"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateProbes {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("probes")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("tenant"))
                    .col(text("note"))
                    .col(uuid("sent_by"))
                    .col(timestamp_with_time_zone("sent_at"))
                    .to_owned(),
            )
            .await
    }
}
