//! `directory_units`, `directory_people`: names from the gateway's directory events, so
//! intake can show who and which unit without reading the gateway's tables.

use sea_orm_migration::{prelude::*, schema::*};

/// A unit as the directory last announced it.
pub mod unit {
    use sea_orm::entity::prelude::*;

    /// One unit.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "directory_units")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub tenant: Uuid,
        pub parent_id: Option<Uuid>,
        pub code: String,
        pub name: String,
        pub kind: String,
        pub active: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    sangkien_kit::tenant_scoped!(Column::Tenant);
}

/// A person (or service account) as the directory last announced them.
pub mod person {
    use sea_orm::entity::prelude::*;

    /// One person.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "directory_people")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub tenant: Uuid,
        pub username: String,
        pub full_name: String,
        pub active: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    sangkien_kit::tenant_scoped!(Column::Tenant);
}

/// Creates the two tables.
pub struct CreateDirectoryCopy;

impl MigrationName for CreateDirectoryCopy {
    fn name(&self) -> &str {
        "m20261128_000103_intake_directory_copy"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateDirectoryCopy {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("directory_units")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("tenant"))
                    .col(uuid_null("parent_id"))
                    .col(string_len("code", 64))
                    .col(string_len("name", 300))
                    .col(string_len("kind", 32))
                    .col(boolean("active"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("directory_people")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("tenant"))
                    .col(string_len("username", 100))
                    .col(string_len("full_name", 200))
                    .col(boolean("active"))
                    .to_owned(),
            )
            .await
    }
}
