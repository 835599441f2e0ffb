//! The decisions' tables: what the service knows of each dossier (from `dossier.received` and
//! `case.concluded`), plans (from `plan.published`), the body profile, decisions and their
//! items, and the register counters. The only SQL of the module.

use sea_orm_migration::{prelude::*, schema::*};

pub mod writes;

/// `decision_dossiers`: a dossier as a decision prints it, and its conclusion.
pub mod dossier {
    use sea_orm::entity::prelude::*;

    /// One dossier.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "decision_dossiers")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub tenant: Uuid,
        pub plan_id: Uuid,
        pub field: String,
        /// `dossier.received` has arrived.
        pub received: bool,
        pub register_number: i32,
        #[sea_orm(column_type = "Text")]
        pub name: String,
        pub owner: Option<Uuid>,
        pub unit_id: Option<Uuid>,
        /// JSON array of `AuthorInfo`.
        #[sea_orm(column_type = "Text")]
        pub authors: String,
        /// `case.concluded` has arrived.
        pub concluded: bool,
        pub recommended: bool,
        #[sea_orm(column_type = "Text")]
        pub conclusion_reason: String,
        pub average: Option<f64>,
        pub grade: Option<String>,
        pub updated_at: DateTimeUtc,
        /// JSON `Grounds` of the conclusion (votes, rule, what was written), printed per
        /// language; `None` for conclusions announced before they were carried.
        #[sea_orm(column_type = "Text", nullable)]
        pub conclusion_grounds: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    sangkien_kit::tenant_scoped!(Column::Tenant);
}

/// `decision_units`: organisational units' names, for the appendix and certificates.
pub mod unit {
    use sea_orm::entity::prelude::*;

    /// One unit.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "decision_units")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub tenant: Uuid,
        pub name: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    sangkien_kit::tenant_scoped!(Column::Tenant);
}

/// `decision_plans`: a plan's symbol, year and field names.
pub mod plan {
    use sea_orm::entity::prelude::*;

    /// One plan.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "decision_plans")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub tenant: Uuid,
        pub symbol: String,
        pub year: i32,
        /// JSON object: field code → name.
        #[sea_orm(column_type = "Text")]
        pub fields: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    sangkien_kit::tenant_scoped!(Column::Tenant);
}

/// `body_profiles`: one per tenant.
pub mod profile {
    use sea_orm::entity::prelude::*;

    /// One profile.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "body_profiles")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub tenant: Uuid,
        /// JSON `BodyProfile`.
        #[sea_orm(column_type = "Text")]
        pub profile: String,
        pub version: i32,
        pub updated_by: Uuid,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    sangkien_kit::tenant_scoped!(Column::Tenant);
}

/// `decisions`: drafts and issued decisions.
pub mod decision {
    use sea_orm::entity::prelude::*;

    /// One decision.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "decisions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub tenant: Uuid,
        pub plan_id: Uuid,
        pub field: String,
        /// The plan's year.
        pub year: i32,
        /// `draft` or `issued`.
        pub status: String,
        /// `Về việc công nhận sáng kiến năm 2022`.
        #[sea_orm(column_type = "Text")]
        pub title: String,
        /// The proposal (tờ trình) it follows.
        #[sea_orm(column_type = "Text")]
        pub proposal: String,
        pub number: Option<i32>,
        pub number_text: Option<String>,
        pub signed_on: Option<Date>,
        pub signed_by: Option<Uuid>,
        /// JSON `BodyProfile` as it stood at signing, so the document never changes.
        #[sea_orm(column_type = "Text", nullable)]
        pub issued_profile: Option<String>,
        pub created_by: Uuid,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub version: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    impl Model {
        /// The decision's status; `None` for a code this version does not know.
        pub fn state(&self) -> Option<crate::decisions::domain::status::DecisionStatus> {
            crate::decisions::domain::status::DecisionStatus::parse(&self.status)
        }
    }

    sangkien_kit::tenant_scoped!(Column::Tenant);
}

/// `decision_items`: a dossier belongs to one decision at most.
pub mod item {
    use sea_orm::entity::prelude::*;

    /// One item.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "decision_items")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub dossier_id: Uuid,
        pub decision_id: Uuid,
        pub tenant: Uuid,
        /// Register number of the dossier, for the order of the lists.
        pub register_number: i32,
        pub recognised: bool,
        #[sea_orm(column_type = "Text")]
        pub reason: String,
        pub moved: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    sangkien_kit::tenant_scoped!(Column::Tenant);
}

/// `decision_counters`: the register per tenant and document type.
pub mod counter {
    use sea_orm::entity::prelude::*;

    /// One register.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "decision_counters")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub tenant: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub doc_type: String,
        /// Year of the last number (0 before the first).
        pub year: i32,
        pub last: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    sangkien_kit::tenant_scoped!(Column::Tenant);
}

/// Adds `decision_dossiers.conclusion_grounds`: the conclusion's facts, so that papers render
/// them in their own language instead of a stored sentence.
pub struct AddConclusionGrounds;

impl MigrationName for AddConclusionGrounds {
    fn name(&self) -> &str {
        "m20261204_000402_decision_conclusion_grounds"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for AddConclusionGrounds {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("decision_dossiers")
                    .add_column(text_null("conclusion_grounds"))
                    .to_owned(),
            )
            .await
    }
}

/// Creates the module's tables.
pub struct CreateDecisions;

impl MigrationName for CreateDecisions {
    fn name(&self) -> &str {
        "m20261129_000401_decisions"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateDecisions {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("decision_dossiers")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("tenant"))
                    .col(uuid("plan_id"))
                    .col(string_len("field", 40))
                    .col(boolean("received"))
                    .col(integer("register_number"))
                    .col(text("name"))
                    .col(uuid_null("owner"))
                    .col(uuid_null("unit_id"))
                    .col(text("authors"))
                    .col(boolean("concluded"))
                    .col(boolean("recommended"))
                    .col(text("conclusion_reason"))
                    .col(double_null("average"))
                    .col(string_len_null("grade", 8))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("decision_dossiers_plan_field")
                    .table("decision_dossiers")
                    .col("tenant")
                    .col("plan_id")
                    .col("field")
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("decision_units")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("tenant"))
                    .col(string_len("name", 300))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("decision_plans")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("tenant"))
                    .col(string_len("symbol", 100))
                    .col(integer("year"))
                    .col(text("fields"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("body_profiles")
                    .if_not_exists()
                    .col(pk_uuid("tenant"))
                    .col(text("profile"))
                    .col(integer("version"))
                    .col(uuid("updated_by"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("decisions")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("tenant"))
                    .col(uuid("plan_id"))
                    .col(string_len("field", 40))
                    .col(integer("year"))
                    .col(string_len("status", 16))
                    .col(text("title"))
                    .col(text("proposal"))
                    .col(integer_null("number"))
                    .col(string_len_null("number_text", 60))
                    .col(date_null("signed_on"))
                    .col(uuid_null("signed_by"))
                    .col(text_null("issued_profile"))
                    .col(uuid("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(integer("version"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("decision_items")
                    .if_not_exists()
                    .col(pk_uuid("dossier_id"))
                    .col(uuid("decision_id"))
                    .col(uuid("tenant"))
                    .col(integer("register_number"))
                    .col(boolean("recognised"))
                    .col(text("reason"))
                    .col(boolean("moved"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("decision_items_decision")
                    .table("decision_items")
                    .col("decision_id")
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("decision_counters")
                    .if_not_exists()
                    .col(uuid("tenant"))
                    .col(string_len("doc_type", 20))
                    .col(integer("year"))
                    .col(integer("last"))
                    .primary_key(Index::create().col("tenant").col("doc_type"))
                    .to_owned(),
            )
            .await
    }
}
