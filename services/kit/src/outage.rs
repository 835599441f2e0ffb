//! Telling a dependency outage from a fault of the request or the event.
//!
//! A database that cannot be reached (refused or dropped connection, pool timeout, PostgreSQL
//! shutting down or out of connection slots, SQLite busy past its timeout) is transient: the
//! same request or event succeeds once the database answers again. Clients get
//! `503 service_unavailable` with `Retry-After` for it instead of `500 internal`, and the
//! consumer runner requeues such deliveries without spending their delivery attempts.

use sea_orm::{DbErr, RuntimeErr};

/// Seconds a client is told to wait (`Retry-After`) when a dependency is unreachable: about
/// one connect timeout, the time in which a healed database is noticed.
pub const RETRY_AFTER_SECS: u64 = 5;

/// True when `err` means the database could not be reached or gave up on the connection,
/// not that the statement was wrong.
pub fn is_db_outage(err: &DbErr) -> bool {
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            is_sqlx_outage(e)
        }
        _ => false,
    }
}

fn is_sqlx_outage(e: &sea_orm::sqlx::Error) -> bool {
    use sea_orm::sqlx::Error;
    match e {
        Error::Io(_) | Error::Tls(_) | Error::PoolTimedOut | Error::PoolClosed => true,
        Error::WorkerCrashed => true,
        Error::Database(db) => db.code().is_some_and(|c| is_outage_code(&c)),
        _ => false,
    }
}

/// PostgreSQL SQLSTATEs of an unreachable server (class 08 connection exception, 53300 too
/// many connections, 57P01–57P03 shutdown / cannot connect now) and SQLite's busy and locked
/// codes (5, 6), which outlast the busy timeout only while another writer holds the file.
fn is_outage_code(code: &str) -> bool {
    code.starts_with("08") || matches!(code, "53300" | "57P01" | "57P02" | "57P03" | "5" | "6")
}

/// True when a [`DbErr`] anywhere in `err`'s cause chain is an outage.
pub fn is_outage(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause.downcast_ref::<DbErr>().is_some_and(is_db_outage)
            || cause
                .downcast_ref::<sea_orm::TransactionError<DbErr>>()
                .is_some_and(|t| match t {
                    sea_orm::TransactionError::Connection(e)
                    | sea_orm::TransactionError::Transaction(e) => is_db_outage(e),
                })
            || cause
                .downcast_ref::<crate::events::TransportError>()
                .is_some_and(|t| match t {
                    crate::events::TransportError::Store(e) => is_db_outage(e),
                    crate::events::TransportError::Unreachable(_) => true,
                    crate::events::TransportError::Refused(_) => false,
                })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::ConnAcquireErr;
    use std::sync::Arc;

    fn sqlx(e: sea_orm::sqlx::Error) -> DbErr {
        DbErr::Query(RuntimeErr::SqlxError(Arc::new(e)))
    }

    #[test]
    fn an_unreachable_database_is_an_outage_and_a_bad_statement_is_not() {
        assert!(is_db_outage(&DbErr::ConnectionAcquire(
            ConnAcquireErr::Timeout
        )));
        assert!(is_db_outage(&sqlx(sea_orm::sqlx::Error::Io(
            std::io::Error::from(std::io::ErrorKind::ConnectionRefused)
        ))));
        assert!(is_db_outage(&sqlx(sea_orm::sqlx::Error::PoolTimedOut)));
        assert!(!is_db_outage(&sqlx(sea_orm::sqlx::Error::RowNotFound)));
        assert!(!is_db_outage(&DbErr::Custom("no such column".into())));
        assert!(!is_db_outage(&DbErr::RecordNotFound("x".into())));
    }

    #[test]
    fn an_outage_is_found_anywhere_in_the_cause_chain() {
        let err = anyhow::Error::new(DbErr::ConnectionAcquire(ConnAcquireErr::Timeout))
            .context("opening the inbox transaction");
        assert!(is_outage(&err));
        assert!(!is_outage(&anyhow::anyhow!("handler refuses poison")));
        assert!(is_outage(&anyhow::Error::new(
            crate::events::TransportError::Unreachable("cut".into())
        )));
    }

    #[test]
    fn postgres_shutdown_and_sqlite_busy_codes_are_outages() {
        for code in ["08006", "08001", "57P01", "57P03", "53300", "5", "6"] {
            assert!(is_outage_code(code), "{code}");
        }
        for code in ["23505", "42P01", "40001", "19"] {
            assert!(!is_outage_code(code), "{code}");
        }
    }
}
