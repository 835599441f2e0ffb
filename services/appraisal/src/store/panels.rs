//! `panels`, `assignments`, `conflict_declarations`.

use sea_orm_migration::{prelude::*, schema::*};

/// A panel of a plan's field at one stage.
pub mod panel {
    use sea_orm::entity::prelude::*;

    /// One panel.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "panels")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub tenant: Uuid,
        pub plan_id: Uuid,
        pub field: String,
        /// `appraisal_team` or `council`.
        pub kind: String,
        pub name: String,
        /// JSON array of `Member`.
        #[sea_orm(column_type = "Text")]
        pub members: String,
        pub version: i32,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    sangkien_kit::tenant_scoped!(Column::Tenant);
}

/// A reviewer assigned to a case at a stage.
pub mod assignment {
    use sea_orm::entity::prelude::*;

    /// One assignment.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "assignments")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub case_id: Uuid,
        pub reviewer: Uuid,
        /// `appraisal_team` or `council`.
        pub stage: String,
        /// Who assigned (the secretariat's user id), nil for the automatic assignment.
        pub assigned_by: Uuid,
        pub assigned_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A conflict a reviewer declared on a case.
pub mod declaration {
    use sea_orm::entity::prelude::*;

    /// One declaration.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "conflict_declarations")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub case_id: Uuid,
        pub reviewer: Uuid,
        pub reason: String,
        pub declared_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Creates the three tables.
pub struct CreatePanels;

impl MigrationName for CreatePanels {
    fn name(&self) -> &str {
        "m20261128_000303_appraisal_panels_assignments"
    }
}

fn unique(name: &str, table: &'static str, cols: &[&'static str]) -> IndexCreateStatement {
    sangkien_kit::store::migrations::index(name, table, cols, true)
}

#[async_trait::async_trait]
impl MigrationTrait for CreatePanels {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("panels")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("tenant"))
                    .col(uuid("plan_id"))
                    .col(string_len("field", 40))
                    .col(string_len("kind", 20))
                    .col(string_len("name", 300))
                    .col(text("members"))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "panels_stage",
                "panels",
                &["tenant", "plan_id", "field", "kind"],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("assignments")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("case_id"))
                    .col(uuid("reviewer"))
                    .col(string_len("stage", 20))
                    .col(uuid("assigned_by"))
                    .col(timestamp_with_time_zone("assigned_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "assignments_once",
                "assignments",
                &["case_id", "stage", "reviewer"],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("conflict_declarations")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("case_id"))
                    .col(uuid("reviewer"))
                    .col(text("reason"))
                    .col(timestamp_with_time_zone("declared_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "declarations_once",
                "conflict_declarations",
                &["case_id", "reviewer"],
            ))
            .await
    }
}
