//! `dossier_assessors`: who reads a dossier because they judge it, as appraisal last announced
//! it with `case.readers_changed` (one row per dossier, the newest set wins).

use sea_orm_migration::{prelude::*, schema::*};

/// The assessors of one dossier.
pub mod assessor {
    use sea_orm::entity::prelude::*;

    /// One dossier's set.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "dossier_assessors")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub dossier_id: Uuid,
        pub tenant: Uuid,
        /// JSON array of the user ids who may read it (assigned reviewers, council members
        /// sitting on it).
        #[sea_orm(column_type = "Text")]
        pub readers: String,
        /// JSON array of the panel members kept off it by a conflict (403, not 404).
        #[sea_orm(column_type = "Text")]
        pub conflicted: String,
        /// Appraisal's count of announcements of this dossier; the highest wins.
        pub revision: i64,
        /// When appraisal computed the set.
        pub as_of: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    sangkien_kit::tenant_scoped!(Column::Tenant);
}

/// How a user stands to a dossier's appraisal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Neither reader nor conflicted.
    None,
    /// Judges it: reads the form, confidential part included, and its files.
    Reader,
    /// A panel member the conflict rules keep off it.
    Conflicted,
}

impl assessor::Model {
    /// How `user` stands to this dossier (conflict wins over reading).
    pub fn standing_of(&self, user: uuid::Uuid) -> Standing {
        let has = |json: &str| {
            serde_json::from_str::<Vec<uuid::Uuid>>(json)
                .map(|ids| ids.contains(&user))
                .unwrap_or(false)
        };
        if has(&self.conflicted) {
            Standing::Conflicted
        } else if has(&self.readers) {
            Standing::Reader
        } else {
            Standing::None
        }
    }
}

/// Creates `dossier_assessors`.
pub struct CreateAssessors;

impl MigrationName for CreateAssessors {
    fn name(&self) -> &str {
        "m20261204_000104_intake_dossier_assessors"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateAssessors {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("dossier_assessors")
                    .if_not_exists()
                    .col(pk_uuid("dossier_id"))
                    .col(uuid("tenant"))
                    .col(text("readers"))
                    .col(text("conflicted"))
                    .col(big_integer("revision"))
                    .col(timestamp_with_time_zone("as_of"))
                    .to_owned(),
            )
            .await
    }
}
