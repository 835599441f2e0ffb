//! Migrations of the kit's own tables; every service lists them first in its migrator.

use sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

/// The kit's migrations, to put first in a service's `MigratorTrait::migrations`.
pub fn kit_migrations() -> Vec<Box<dyn MigrationTrait>> {
    vec![
        Box::new(CreateOutboxInboxAudit),
        Box::new(CreateIdempotentRequests),
        Box::new(IndexIdempotentCreatedAt),
    ]
}

/// An index on `cols` of `table`, unique or not, created only if missing: the one helper
/// every service's migrations use.
pub fn index(
    name: &str,
    table: &'static str,
    cols: &[&'static str],
    unique: bool,
) -> IndexCreateStatement {
    let mut idx = Index::create();
    idx.name(name).table(table).if_not_exists();
    if unique {
        idx.unique();
    }
    for c in cols {
        idx.col(*c);
    }
    idx.to_owned()
}

/// Creates `outbox_events`, `inbox_events` and the append-only `audit_log`.
pub struct CreateOutboxInboxAudit;

impl MigrationName for CreateOutboxInboxAudit {
    fn name(&self) -> &str {
        "m20261128_000001_kit_outbox_inbox_audit"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateOutboxInboxAudit {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("outbox_events")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(string("event_type"))
                    .col(text("envelope"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("published_at"))
                    .col(integer("attempts").default(0))
                    .col(text_null("last_error"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("outbox_events_pending")
                    .table("outbox_events")
                    .col("published_at")
                    .col("id")
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("inbox_events")
                    .if_not_exists()
                    .col(uuid("event_id"))
                    .col(string("consumer"))
                    .col(string("event_type"))
                    .col(timestamp_with_time_zone("handled_at"))
                    .primary_key(Index::create().col("event_id").col("consumer"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("audit_log")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(timestamp_with_time_zone("at"))
                    .col(uuid("tenant"))
                    .col(uuid("actor"))
                    .col(string("actor_role"))
                    .col(string("action"))
                    .col(string("subject_type"))
                    .col(uuid("subject_id"))
                    .col(string("request_id"))
                    .col(text("details"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("audit_log_subject")
                    .table("audit_log")
                    .col("subject_type")
                    .col("subject_id")
                    .col("at")
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
                     BEGIN RAISE EXCEPTION 'audit_log is append-only'; END; $$ LANGUAGE plpgsql;
                     DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log;
                     CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
                     FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();",
                )
                .await?;
            }
            _ => {
                db.execute_unprepared(
                    "CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
                     BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
                     BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;",
                )
                .await?;
            }
        }
        Ok(())
    }
}

/// Creates `idempotent_requests`.
pub struct CreateIdempotentRequests;

impl sea_orm_migration::MigrationName for CreateIdempotentRequests {
    fn name(&self) -> &str {
        "m20261128_000003_kit_idempotent_requests"
    }
}

#[async_trait::async_trait]
impl sea_orm_migration::MigrationTrait for CreateIdempotentRequests {
    async fn up(&self, manager: &sea_orm_migration::SchemaManager) -> Result<(), sea_orm::DbErr> {
        use sea_orm_migration::{prelude::*, schema::*};
        manager
            .create_table(
                Table::create()
                    .table("idempotent_requests")
                    .if_not_exists()
                    .col(uuid("user_id"))
                    .col(string_len("key", 200))
                    .col(string_len("fingerprint", 64))
                    .col(integer("status"))
                    .col(text("body"))
                    .col(text_null("location"))
                    .col(text_null("etag"))
                    .col(timestamp_with_time_zone("created_at"))
                    .primary_key(Index::create().col("user_id").col("key"))
                    .to_owned(),
            )
            .await
    }
}

/// Indexes `idempotent_requests.created_at`, so the hourly purge of expired keys reads only
/// what it deletes.
pub struct IndexIdempotentCreatedAt;

impl sea_orm_migration::MigrationName for IndexIdempotentCreatedAt {
    fn name(&self) -> &str {
        "m20261129_000001_kit_idempotent_created_at"
    }
}

#[async_trait::async_trait]
impl sea_orm_migration::MigrationTrait for IndexIdempotentCreatedAt {
    async fn up(&self, manager: &sea_orm_migration::SchemaManager) -> Result<(), sea_orm::DbErr> {
        manager
            .create_index(index(
                "idempotent_requests_created_at",
                "idempotent_requests",
                &["created_at"],
                false,
            ))
            .await
    }
}
