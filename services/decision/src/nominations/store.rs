//! The nominations' tables: the read model of what the package says about each dossier
//! (filled from events), the nominations with their sending state, and which dossier is in
//! which nomination (a dossier is nominated once).

use sea_orm_migration::{prelude::*, schema::*};

pub mod writes;

/// What the package says about one dossier, gathered from `dossier.received`,
/// `case.concluded` and `decision.issued`.
pub mod nom_dossier {
    use sea_orm::entity::prelude::*;

    /// One dossier.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "nom_dossiers")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub dossier_id: Uuid,
        pub tenant: Uuid,
        pub plan_id: Option<Uuid>,
        pub field: Option<String>,
        pub register_number: Option<i32>,
        pub name: Option<String>,
        pub kind: Option<String>,
        pub owner: Option<Uuid>,
        pub unit_id: Option<Uuid>,
        /// JSON array of `AuthorInfo`.
        #[sea_orm(column_type = "Text")]
        pub authors: String,
        pub received_on: Option<Date>,
        /// The last conclusion received.
        pub conclusion_stage: Option<String>,
        pub recommended: Option<bool>,
        #[sea_orm(column_type = "Text", nullable)]
        pub conclusion_reason: Option<String>,
        pub average_score: Option<f64>,
        pub grade: Option<String>,
        /// The issued decision that decided it.
        pub decision_id: Option<Uuid>,
        pub decision_number: Option<String>,
        pub decision_signed_on: Option<Date>,
        pub recognised: Option<bool>,
        #[sea_orm(column_type = "Text", nullable)]
        pub decision_reason: Option<String>,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    sangkien_kit::tenant_scoped!(Column::Tenant);
}

/// The latest sheet of each reviewer at each stage of a dossier (`sheet.submitted`).
pub mod nom_sheet {
    use sea_orm::entity::prelude::*;

    /// One sheet.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "nom_sheets")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub dossier_id: Uuid,
        pub reviewer_id: Uuid,
        pub stage: String,
        pub revision: i32,
        pub total: f64,
        pub passed: bool,
        pub grade: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The sittings that discussed a dossier (`sitting.held`), whose minutes go in the package.
pub mod nom_sitting {
    use sea_orm::entity::prelude::*;

    /// One sitting × dossier.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "nom_sittings")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub sitting_id: Uuid,
        pub dossier_id: Uuid,
        pub stage: String,
        pub held_on: Date,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A nomination of typical initiatives to the provincial DOST system, with its sending
/// state (the outgoing queue: attempts, next attempt, last error).
pub mod nomination {
    use sea_orm::entity::prelude::*;

    /// One nomination.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "nominations")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub tenant: Uuid,
        /// Why these initiatives are typical.
        #[sea_orm(column_type = "Text")]
        pub reason: String,
        /// `pending`, `sent`, `rejected` or `result_reported`.
        pub status: String,
        pub created_by: Uuid,
        pub created_at: DateTimeUtc,
        /// Sendings tried so far.
        pub attempts: i32,
        /// When the sender tries next (`pending` only).
        pub next_attempt_at: Option<DateTimeUtc>,
        #[sea_orm(column_type = "Text", nullable)]
        pub last_error: Option<String>,
        /// The province's receipt id once acknowledged.
        pub receipt_id: Option<String>,
        pub sent_at: Option<DateTimeUtc>,
        /// JSON of the reported result.
        #[sea_orm(column_type = "Text", nullable)]
        pub result: Option<String>,
        pub result_at: Option<DateTimeUtc>,
        pub version: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    impl Model {
        /// The nomination's status; `None` for a code this version does not know.
        pub fn state(&self) -> Option<crate::nominations::domain::NominationStatus> {
            crate::nominations::domain::NominationStatus::parse(&self.status)
        }
    }

    sangkien_kit::tenant_scoped!(Column::Tenant);
}

/// Which dossier is in which nomination; the primary key makes a dossier nominated once.
pub mod nomination_dossier {
    use sea_orm::entity::prelude::*;

    /// One dossier of a nomination.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "nomination_dossiers")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub dossier_id: Uuid,
        pub nomination_id: Uuid,
        pub position: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Creates the nominations' tables.
pub struct CreateNominations;

impl MigrationName for CreateNominations {
    fn name(&self) -> &str {
        "m20261129_000601_decision_nominations"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateNominations {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use sangkien_kit::store::migrations::index;
        manager
            .create_table(
                Table::create()
                    .table("nom_dossiers")
                    .if_not_exists()
                    .col(pk_uuid("dossier_id"))
                    .col(uuid("tenant"))
                    .col(uuid_null("plan_id"))
                    .col(string_len_null("field", 40))
                    .col(integer_null("register_number"))
                    .col(text_null("name"))
                    .col(string_len_null("kind", 40))
                    .col(uuid_null("owner"))
                    .col(uuid_null("unit_id"))
                    .col(text("authors"))
                    .col(date_null("received_on"))
                    .col(string_len_null("conclusion_stage", 20))
                    .col(boolean_null("recommended"))
                    .col(text_null("conclusion_reason"))
                    .col(double_null("average_score"))
                    .col(string_len_null("grade", 20))
                    .col(uuid_null("decision_id"))
                    .col(string_len_null("decision_number", 100))
                    .col(date_null("decision_signed_on"))
                    .col(boolean_null("recognised"))
                    .col(text_null("decision_reason"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("nom_sheets")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("dossier_id"))
                    .col(uuid("reviewer_id"))
                    .col(string_len("stage", 20))
                    .col(integer("revision"))
                    .col(double("total"))
                    .col(boolean("passed"))
                    .col(string_len_null("grade", 20))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "nom_sheets_once",
                "nom_sheets",
                &["dossier_id", "reviewer_id", "stage"],
                true,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("nom_sittings")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("sitting_id"))
                    .col(uuid("dossier_id"))
                    .col(string_len("stage", 20))
                    .col(date("held_on"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "nom_sittings_once",
                "nom_sittings",
                &["sitting_id", "dossier_id"],
                true,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("nominations")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("tenant"))
                    .col(text("reason"))
                    .col(string_len("status", 20))
                    .col(uuid("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(integer("attempts"))
                    .col(timestamp_with_time_zone_null("next_attempt_at"))
                    .col(text_null("last_error"))
                    .col(string_len_null("receipt_id", 200))
                    .col(timestamp_with_time_zone_null("sent_at"))
                    .col(text_null("result"))
                    .col(timestamp_with_time_zone_null("result_at"))
                    .col(integer("version"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "nominations_due",
                "nominations",
                &["status", "next_attempt_at"],
                false,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("nomination_dossiers")
                    .if_not_exists()
                    .col(pk_uuid("dossier_id"))
                    .col(uuid("nomination_id"))
                    .col(integer("position"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "nomination_dossiers_nomination",
                "nomination_dossiers",
                &["nomination_id", "position"],
                false,
            ))
            .await
    }
}
