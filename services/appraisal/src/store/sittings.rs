//! `sittings`, `stage_results` and `people`: what panels met about, what each stage
//! concluded on each case, and who holds the signer's role (the recognising body's head).

use std::collections::BTreeMap;

use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, IntoActiveModel};
use sea_orm_migration::{prelude::*, schema::*};
use uuid::Uuid;

use sangkien_kit::ApiError;

use crate::domain::sitting::{Attendee, VoteView};

/// A sitting (phiên họp) of a panel.
pub mod sitting {
    use sea_orm::entity::prelude::*;

    /// One sitting.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sittings")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub tenant: Uuid,
        pub panel_id: Uuid,
        pub plan_id: Uuid,
        pub field: String,
        /// `appraisal_team` or `council`.
        pub kind: String,
        /// Local date of the sitting.
        pub held_on: Date,
        pub place: String,
        /// `scheduled` or `held`.
        pub status: String,
        /// JSON array of the dossier ids discussed.
        #[sea_orm(column_type = "Text")]
        pub dossier_ids: String,
        /// JSON array of attendees (user, name, panel role), set by the secretary.
        #[sea_orm(column_type = "Text")]
        pub attendance: String,
        /// JSON object: dossier id → recorded vote.
        #[sea_orm(column_type = "Text")]
        pub votes: String,
        /// Free notes for the minutes.
        #[sea_orm(column_type = "Text")]
        pub notes: String,
        pub created_by: Uuid,
        pub created_at: DateTimeUtc,
        pub held_at: Option<DateTimeUtc>,
        pub version: i32,
        /// When the sitting starts and ends (local time), printed in the minutes.
        pub starts_at: Option<Time>,
        pub ends_at: Option<Time>,
        /// The recognising body the panel serves (`ỦY BAN NHÂN DÂN HUYỆN VĨNH TƯỜNG`) and its
        /// superior, printed in the minutes' body block.
        pub body_name: Option<String>,
        pub superior_name: Option<String>,
        /// The body's place name for the minutes' date line (`Vĩnh Tường`), never a room.
        pub locality: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    sangkien_kit::tenant_scoped!(Column::Tenant);
}

/// The result of one stage on one case.
pub mod stage_result {
    use sea_orm::entity::prelude::*;

    /// One result.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "stage_results")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub case_id: Uuid,
        /// `appraisal_team` or `council`.
        pub stage: String,
        pub passed: bool,
        pub grade: Option<String>,
        /// Average of the sheets' totals, in hundredths.
        pub average: Option<i64>,
        /// `agreed`, `chair` or `vote`.
        pub method: String,
        /// The reasons, as the author reads them.
        #[sea_orm(column_type = "Text")]
        pub reason: String,
        /// The sitting that voted, for a council.
        pub sitting_id: Option<Uuid>,
        pub decided_by: Uuid,
        pub decided_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// People as the directory announces them: appraisal needs to know who holds `signer` (the
/// recognising body's head) for the council-mandatory rule.
pub mod person {
    use sea_orm::entity::prelude::*;

    /// One person.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "people")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: Uuid,
        pub tenant: Uuid,
        pub full_name: String,
        pub active: bool,
        /// Holds the `signer` role somewhere in the tenant.
        pub signer: bool,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    sangkien_kit::tenant_scoped!(Column::Tenant);
}

/// Adds what the minutes print and the sitting did not record: start and end times, the body
/// and its place name (issue 16).
pub struct AddMinutesFacts;

impl MigrationName for AddMinutesFacts {
    fn name(&self) -> &str {
        "m20261204_000306_appraisal_sitting_minutes_facts"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for AddMinutesFacts {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one column per ALTER TABLE.
        for col in [
            time_null("starts_at"),
            time_null("ends_at"),
            string_len_null("body_name", 200),
            string_len_null("superior_name", 200),
            string_len_null("locality", 100),
        ] {
            let mut col = col;
            manager
                .alter_table(
                    Table::alter()
                        .table("sittings")
                        .add_column(&mut col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

/// Creates the three tables.
pub struct CreateSittings;

impl MigrationName for CreateSittings {
    fn name(&self) -> &str {
        "m20261128_000305_appraisal_sittings_results"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateSittings {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("sittings")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("tenant"))
                    .col(uuid("panel_id"))
                    .col(uuid("plan_id"))
                    .col(string_len("field", 40))
                    .col(string_len("kind", 20))
                    .col(date("held_on"))
                    .col(string_len("place", 300))
                    .col(string_len("status", 16))
                    .col(text("dossier_ids"))
                    .col(text("attendance"))
                    .col(text("votes"))
                    .col(text("notes"))
                    .col(uuid("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("held_at"))
                    .col(integer("version"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(sangkien_kit::store::migrations::index(
                "sittings_panel",
                "sittings",
                &["tenant", "panel_id", "held_on"],
                false,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("stage_results")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("case_id"))
                    .col(string_len("stage", 20))
                    .col(boolean("passed"))
                    .col(string_len_null("grade", 20))
                    .col(big_integer_null("average"))
                    .col(string_len("method", 16))
                    .col(text("reason"))
                    .col(uuid_null("sitting_id"))
                    .col(uuid("decided_by"))
                    .col(timestamp_with_time_zone("decided_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(sangkien_kit::store::migrations::index(
                "stage_results_once",
                "stage_results",
                &["case_id", "stage"],
                true,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("people")
                    .if_not_exists()
                    .col(pk_uuid("user_id"))
                    .col(uuid("tenant"))
                    .col(string_len("full_name", 200))
                    .col(boolean("active"))
                    .col(boolean("signer"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await
    }
}

/// Inserts the new sitting `m`.
pub async fn insert_sitting<C: ConnectionTrait>(
    db: &C,
    m: &sitting::Model,
) -> Result<(), ApiError> {
    sitting::Entity::insert(m.clone().into_active_model())
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Stores `present` as the attendance of sitting `s`, one version on; returns the sitting.
pub async fn set_attendance<C: ConnectionTrait>(
    db: &C,
    s: &sitting::Model,
    present: &[Attendee],
) -> Result<sitting::Model, ApiError> {
    let mut am = s.clone().into_active_model();
    am.attendance = Set(serde_json::to_string(&present).map_err(ApiError::internal)?);
    am.version = Set(s.version + 1);
    Ok(sitting::Entity::update(am).exec(db).await?)
}

/// Stores `votes` as the votes of sitting `s`, one version on; returns the sitting.
pub async fn set_votes<C: ConnectionTrait>(
    db: &C,
    s: &sitting::Model,
    votes: &BTreeMap<Uuid, VoteView>,
) -> Result<sitting::Model, ApiError> {
    let mut am = s.clone().into_active_model();
    am.votes = Set(serde_json::to_string(votes).map_err(ApiError::internal)?);
    am.version = Set(s.version + 1);
    Ok(sitting::Entity::update(am).exec(db).await?)
}
