//! Database connection and migrations, SQLite or PostgreSQL by URL.

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, SqliteTransactionMode, SqlxSqliteConnector, TransactionOptions, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;
use std::{
    collections::HashMap,
    path::PathBuf,
    sync::{LazyLock, Mutex},
    time::Duration,
};

use crate::settings::DatabaseSettings;

/// Opens a pool for `url` with short timeouts, so a database that is down fails the start
/// (or the readiness check) in seconds instead of hanging.
///
/// SQLite files get their directory created, write-ahead logging, a busy timeout and foreign
/// keys (writes then go through the file's one write connection, see [`writer`]); in-memory
/// SQLite gets a pool of one, since each connection would see its own empty database.
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
        // Per connection, so a write outside the write connection's queue (or another
        // process on the same file) waits for the writer instead of failing, and readers
        // never block the writer.
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

/// How long a writer waits for SQLite's one write connection before giving up: the busy
/// timeout every connection had before writes queued here.
pub const SQLITE_WRITE_WAIT: Duration = Duration::from_secs(15);

/// The write connection of each SQLite file, by path: one per file, whichever pool asks.
static SQLITE_WRITERS: LazyLock<Mutex<HashMap<PathBuf, DatabaseConnection>>> =
    LazyLock::new(Default::default);

/// The connection writes to `db` should go through. On a SQLite file that is a pool of one
/// connection shared by every pool of that file, so writers queue for it in the process
/// (fairly, without sleeping) instead of each taking one of the pooled connections and then
/// sleeping in SQLite's busy handler until the file's write lock is free; reads stay on the
/// pool, which WAL lets run beside the writer. Anything else (PostgreSQL, in-memory SQLite
/// with its pool of one) is `db` itself.
pub fn writer(db: &DatabaseConnection) -> DatabaseConnection {
    if db.get_database_backend() != DbBackend::Sqlite {
        return db.clone();
    }
    let pool = db.get_sqlite_connection_pool();
    if pool.options().get_max_connections() <= 1 {
        return db.clone();
    }
    let options = pool.connect_options();
    let Ok(mut writers) = SQLITE_WRITERS.lock() else {
        return db.clone();
    };
    writers
        .entry(options.get_filename().to_path_buf())
        .or_insert_with(|| {
            SqlxSqliteConnector::from_sqlx_sqlite_pool(
                pool.options()
                    .clone()
                    .max_connections(1)
                    .min_connections(0)
                    .acquire_timeout(SQLITE_WRITE_WAIT)
                    .connect_lazy_with((*options).clone()),
            )
        })
        .clone()
}

/// Begins a transaction that will write. On SQLite it runs on the file's one write connection
/// ([`writer`]), so writers wait their turn in the process instead of in SQLite's busy
/// handler, and it takes the write lock at `BEGIN` (`BEGIN IMMEDIATE`), so a transaction that
/// reads before it writes never fails with "database is locked" against a writer outside the
/// queue; on PostgreSQL it is a plain `BEGIN`.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    writer(db)
        .begin_with_options(TransactionOptions {
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
