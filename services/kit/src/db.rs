//! Database connection and migrations, SQLite or PostgreSQL by URL.

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
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
        .max_connections(if in_memory {
            1
        } else {
            settings.max_connections
        })
        .min_connections(if in_memory { 1 } else { 0 });
    if in_memory {
        opts.idle_timeout(None::<Duration>)
            .max_lifetime(None::<Duration>);
    }
    if is_sqlite {
        // Per connection, so every connection of the pool waits for a busy writer instead of
        // failing, and readers never block the writer.
        opts.map_sqlx_sqlite_opts(|o| {
            use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
            o.busy_timeout(Duration::from_secs(15))
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
        });
    }
    Database::connect(opts).await
}

/// Begins a transaction that will write. On SQLite it takes the write lock at `BEGIN`
/// (`BEGIN IMMEDIATE`), so a transaction that reads before it writes waits for another
/// writer instead of failing with "database is locked"; on PostgreSQL it is a plain `BEGIN`.
pub async fn begin_write<C: TransactionTrait>(db: &C) -> Result<C::Transaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
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
pub async fn migrate<M: MigratorTrait>(
    db: &DatabaseConnection,
    lock_name: &str,
) -> Result<(), DbErr> {
    match db.get_database_backend() {
        DbBackend::Postgres => {
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
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

/// A unique violation as the caller's `answer` (another writer got there first, or the thing
/// exists already), any other database error as it is: for `.map_err(|e| unique_or(e, …))`
/// on an insert that a unique index guards.
pub fn unique_or(err: DbErr, answer: impl FnOnce() -> crate::ApiError) -> crate::ApiError {
    if is_unique_violation(&err) {
        answer()
    } else {
        err.into()
    }
}
