//! `reader_revisions`: how many times a case's readers were announced, so intake keeps the
//! newest set whatever order the announcements arrive in (several consumers, redeliveries).

use sea_orm::{
    ActiveValue::Set,
    ConnectionTrait, EntityTrait,
    sea_query::{Expr, ExprTrait, OnConflict},
};
use sea_orm_migration::{prelude::*, schema::*};

/// One case's count.
pub mod revision {
    use sea_orm::entity::prelude::*;

    /// One row per case announced.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "reader_revisions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub case_id: Uuid,
        pub revision: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Counts one more announcement of case `case_id` and returns its number. The upsert locks
/// the row until the transaction ends, so two announcements of one case take turns and the
/// later one, computed after the earlier committed, gets the higher number.
pub async fn next_revision<C: ConnectionTrait>(
    db: &C,
    case_id: uuid::Uuid,
) -> Result<i64, sea_orm::DbErr> {
    revision::Entity::insert(revision::ActiveModel {
        case_id: Set(case_id),
        revision: Set(1),
    })
    .on_conflict(
        OnConflict::column(revision::Column::CaseId)
            .value(
                revision::Column::Revision,
                Expr::col((revision::Entity, revision::Column::Revision)).add(1),
            )
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(revision::Entity::find_by_id(case_id)
        .one(db)
        .await?
        .map_or(1, |r| r.revision))
}

/// Creates `reader_revisions`.
pub struct CreateReaderRevisions;

impl MigrationName for CreateReaderRevisions {
    fn name(&self) -> &str {
        "m20261204_000306_appraisal_reader_revisions"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateReaderRevisions {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("reader_revisions")
                    .if_not_exists()
                    .col(pk_uuid("case_id"))
                    .col(big_integer("revision"))
                    .to_owned(),
            )
            .await
    }
}
