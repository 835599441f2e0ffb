//! Database connection and migrations, SQLite or PostgreSQL by URL.

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr};
use sea_orm_migration::MigratorTrait;
use std::time::Duration;

use crate::settings::DatabaseSettings;

/// Opens a pool for `url` with short timeouts, so a database that is down fails the start
/// (or the readiness check) in seconds instead of hanging.
///
/// SQLite files get their directory created, write-ahead logging, a busy timeout and foreign
/// keys; in-memory SQLite gets a pool of one, since each connection would see its own empty
/// database.
pub async fn connect(url: &str, settings: &DatabaseSettings) -> Result<DatabaseConnection, DbErr> {
    let is_sqlite = url.starts_with("sqlite:");
    let in_memory = is_sqlite && url.contains(":memory:");
    if is_sqlite && !in_memory {
        create_sqlite_dir(url)?;
    }
    let mut opts = ConnectOptions::new(url.to_owned());
    let timeout = Duration::from_secs(settings.connect_timeout_secs.max(1));
    opts.connect_timeout(timeout)
        .acquire_timeout(timeout)
        .sqlx_logging(false)
        .max_connections(if in_memory { 1 } else { settings.max_connections })
        .min_connections(if in_memory { 1 } else { 0 });
    if in_memory {
        opts.idle_timeout(None::<Duration>).max_lifetime(None::<Duration>);
    }
    let db = Database::connect(opts).await?;
    if is_sqlite {
        for pragma in [
            "PRAGMA journal_mode=WAL",
            "PRAGMA busy_timeout=10000",
            "PRAGMA foreign_keys=ON",
            "PRAGMA synchronous=NORMAL",
        ] {
            db.execute_unprepared(pragma).await?;
        }
    }
    Ok(db)
}

fn create_sqlite_dir(url: &str) -> Result<(), DbErr> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    if let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)
            .map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", parent.display())))?;
    }
    Ok(())
}

/// Applies the pending migrations of `M`.
///
/// On PostgreSQL the run holds a transaction-scoped advisory lock, so replicas starting at
/// once migrate one after the other instead of racing on the same tables.
pub async fn migrate<M: MigratorTrait>(db: &DatabaseConnection, lock_name: &str) -> Result<(), DbErr> {
    match db.get_database_backend() {
        DbBackend::Postgres => {
            use sea_orm::TransactionTrait;
            let txn = db.begin().await?;
            txn.execute_unprepared(&format!(
                "SELECT pg_advisory_xact_lock(hashtext('sangkien-migrate-{}'))",
                lock_name.replace('\'', "")
            ))
            .await?;
            M::up(&txn, None).await?;
            txn.commit().await
        }
        _ => M::up(db, None).await,
    }
}

/// True when `err` is a unique-constraint violation (a duplicate key).
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}
