//! `score_sheets` and `sheet_revisions`: each reviewer's sheet for a case at a stage, and
//! every submitted revision, never changed.

use sea_orm_migration::{prelude::*, schema::*};

/// A reviewer's current sheet.
pub mod sheet {
    use sea_orm::entity::prelude::*;

    /// One sheet.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "score_sheets")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub case_id: Uuid,
        pub stage: String,
        pub reviewer: Uuid,
        pub rubric_code: String,
        pub rubric_version: i32,
        /// JSON array of scored items.
        #[sea_orm(column_type = "Text")]
        pub scores: String,
        pub comment: Option<String>,
        /// `draft` or `submitted`.
        pub status: String,
        /// Total in hundredths of a point, when complete.
        pub total: Option<i64>,
        pub passed: Option<bool>,
        pub grade: Option<String>,
        /// Submitted revisions so far.
        pub revision: i32,
        pub updated_at: DateTimeUtc,
        pub submitted_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A submitted revision.
pub mod revision {
    use sea_orm::entity::prelude::*;

    /// One revision.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sheet_revisions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub sheet_id: Uuid,
        pub revision: i32,
        #[sea_orm(column_type = "Text")]
        pub scores: String,
        pub comment: Option<String>,
        pub total: i64,
        pub passed: bool,
        pub grade: Option<String>,
        pub submitted_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Creates both tables.
pub struct CreateSheets;

impl MigrationName for CreateSheets {
    fn name(&self) -> &str {
        "m20261128_000304_appraisal_sheets"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateSheets {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("score_sheets")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("case_id"))
                    .col(string_len("stage", 20))
                    .col(uuid("reviewer"))
                    .col(string_len("rubric_code", 64))
                    .col(integer("rubric_version"))
                    .col(text("scores"))
                    .col(text_null("comment"))
                    .col(string_len("status", 16))
                    .col(big_integer_null("total"))
                    .col(boolean_null("passed"))
                    .col(string_len_null("grade", 20))
                    .col(integer("revision"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(timestamp_with_time_zone_null("submitted_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("score_sheets_once")
                    .table("score_sheets")
                    .col("case_id")
                    .col("stage")
                    .col("reviewer")
                    .unique()
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("sheet_revisions")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("sheet_id"))
                    .col(integer("revision"))
                    .col(text("scores"))
                    .col(text_null("comment"))
                    .col(big_integer("total"))
                    .col(boolean("passed"))
                    .col(string_len_null("grade", 20))
                    .col(timestamp_with_time_zone("submitted_at"))
                    .to_owned(),
            )
            .await
    }
}
