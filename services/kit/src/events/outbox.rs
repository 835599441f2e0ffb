//! The transactional outbox and its relay.
//!
//! A service writes its state change and its events in one transaction ([`Outbox::enqueue`]),
//! so either both happen or neither. The relay publishes pending rows and marks them sent
//! only after the broker confirmed them; it wakes when a service commits
//! ([`Outbox::wake`]) and also polls, so a crash between commit and publish loses nothing.
//! On PostgreSQL several relays (replicas) share the table with `FOR UPDATE SKIP LOCKED`.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
    sea_query::{Expr, ExprTrait, LockBehavior, LockType},
};
use std::{sync::Arc, time::Duration};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use sangkien_proto::Envelope;

use super::{SharedTransport, backoff::Backoff};
use crate::{clock::SharedClock, metrics::Metrics, store::outbox};

/// Rows published per round.
const BATCH: u64 = 200;

/// Writes events next to state changes and wakes the relay after commit.
#[derive(Debug, Clone, Default)]
pub struct Outbox {
    notify: Arc<Notify>,
}

impl Outbox {
    /// A new outbox handle; clones share the wake-up.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `envelope` to the outbox inside the caller's transaction.
    pub async fn enqueue<C: ConnectionTrait>(
        &self,
        txn: &C,
        envelope: &Envelope,
        now: DateTime<Utc>,
    ) -> Result<(), DbErr> {
        let json = serde_json::to_string(envelope)
            .map_err(|e| DbErr::Custom(format!("envelope does not serialise: {e}")))?;
        outbox::Entity::insert(outbox::ActiveModel {
            id: Set(envelope.id),
            event_type: Set(envelope.event_type.clone()),
            envelope: Set(json),
            created_at: Set(now),
            published_at: Set(None),
            attempts: Set(0),
            last_error: Set(None),
        })
        .exec_without_returning(txn)
        .await?;
        Ok(())
    }

    /// Tells the relay there is something to publish; call after the commit.
    pub fn wake(&self) {
        self.notify.notify_one();
    }

    /// Commits `txn` and wakes the relay.
    pub async fn commit(&self, txn: sea_orm::DatabaseTransaction) -> Result<(), DbErr> {
        txn.commit().await?;
        self.wake();
        Ok(())
    }
}

/// Publishes what services wrote to their outbox.
pub struct OutboxRelay {
    db: DatabaseConnection,
    transport: SharedTransport,
    outbox: Outbox,
    clock: SharedClock,
    metrics: Arc<Metrics>,
    poll: Duration,
    max_backoff: Duration,
}

impl OutboxRelay {
    /// A relay for the outbox table of `db`.
    pub fn new(
        db: DatabaseConnection,
        transport: SharedTransport,
        outbox: Outbox,
        clock: SharedClock,
        metrics: Arc<Metrics>,
        poll: Duration,
        max_backoff: Duration,
    ) -> Self {
        Self {
            db,
            transport,
            outbox,
            clock,
            metrics,
            poll,
            max_backoff,
        }
    }

    /// Runs until `cancel`: publish, then sleep until woken or the poll interval passes;
    /// back off while the broker is unreachable.
    pub async fn run(self, cancel: CancellationToken) {
        let mut backoff = Backoff::new(self.max_backoff);
        loop {
            if cancel.is_cancelled() {
                return;
            }
            match self.relay_once().await {
                Ok(n) => {
                    backoff.reset();
                    if n as u64 >= BATCH {
                        continue;
                    }
                    tokio::select! {
                        _ = cancel.cancelled() => return,
                        _ = self.outbox.notify.notified() => {}
                        _ = tokio::time::sleep(self.poll) => {}
                    }
                }
                Err(e) => {
                    let delay = backoff.next_delay();
                    tracing::warn!(error = %e, retry_in_ms = delay.as_millis() as u64, "outbox relay could not publish");
                    tokio::select! {
                        _ = cancel.cancelled() => return,
                        _ = tokio::time::sleep(delay) => {}
                    }
                }
            }
        }
    }

    /// Publishes one batch of pending events; returns how many were published.
    pub async fn relay_once(&self) -> Result<usize, RelayError> {
        let published = match self.db.get_database_backend() {
            DbBackend::Postgres => self.relay_locked().await?,
            _ => self.relay_single().await?,
        };
        let backlog = self.backlog().await?;
        self.metrics.set_outbox_backlog(backlog as i64);
        self.metrics.add_published(published as u64);
        Ok(published)
    }

    /// PostgreSQL: rows locked with SKIP LOCKED for the length of the round, so replicas
    /// never publish the same row at the same time.
    async fn relay_locked(&self) -> Result<usize, RelayError> {
        let txn = self.db.begin().await?;
        let rows = outbox::Entity::find()
            .filter(outbox::Column::PublishedAt.is_null())
            .order_by_asc(outbox::Column::Id)
            .limit(BATCH)
            .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
            .all(&txn)
            .await?;
        if rows.is_empty() {
            txn.commit().await?;
            return Ok(0);
        }
        match self.publish(&rows).await {
            Ok(()) => {
                self.mark_published(&txn, &rows).await?;
                txn.commit().await?;
                Ok(rows.len())
            }
            Err(e) => {
                txn.rollback().await?;
                self.record_failure(&rows, &e).await?;
                Err(e)
            }
        }
    }

    /// SQLite: one relay per database file, and no long write transaction held while the
    /// broker is called.
    async fn relay_single(&self) -> Result<usize, RelayError> {
        let rows = outbox::Entity::find()
            .filter(outbox::Column::PublishedAt.is_null())
            .order_by_asc(outbox::Column::Id)
            .limit(BATCH)
            .all(&self.db)
            .await?;
        if rows.is_empty() {
            return Ok(0);
        }
        match self.publish(&rows).await {
            Ok(()) => {
                // Through the file's write connection: no busy-handler sleep beside the
                // request writers.
                self.mark_published(&crate::db::writer(&self.db), &rows)
                    .await?;
                Ok(rows.len())
            }
            Err(e) => {
                self.record_failure(&rows, &e).await?;
                Err(e)
            }
        }
    }

    async fn publish(&self, rows: &[outbox::Model]) -> Result<(), RelayError> {
        let envelopes = rows
            .iter()
            .map(|r| serde_json::from_str::<Envelope>(&r.envelope))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| RelayError::Corrupt(e.to_string()))?;
        self.transport
            .publish(&envelopes)
            .await
            .map_err(|e| RelayError::Transport(e.to_string()))
    }

    async fn mark_published<C: ConnectionTrait>(
        &self,
        db: &C,
        rows: &[outbox::Model],
    ) -> Result<(), DbErr> {
        outbox::Entity::update_many()
            .col_expr(outbox::Column::PublishedAt, Expr::value(self.clock.now()))
            .col_expr(
                outbox::Column::Attempts,
                Expr::col(outbox::Column::Attempts).add(1),
            )
            .filter(outbox::Column::Id.is_in(rows.iter().map(|r| r.id)))
            .exec(db)
            .await?;
        Ok(())
    }

    async fn record_failure(&self, rows: &[outbox::Model], e: &RelayError) -> Result<(), DbErr> {
        let message: String = e.to_string().chars().take(500).collect();
        outbox::Entity::update_many()
            .col_expr(
                outbox::Column::Attempts,
                Expr::col(outbox::Column::Attempts).add(1),
            )
            .col_expr(outbox::Column::LastError, Expr::value(message))
            .filter(outbox::Column::Id.is_in(rows.iter().map(|r| r.id)))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Events written but not yet confirmed by the broker.
    pub async fn backlog(&self) -> Result<u64, DbErr> {
        pending_count(&self.db).await
    }
}

/// Events in `db`'s outbox not yet confirmed by the broker.
pub async fn pending_count<C: ConnectionTrait>(db: &C) -> Result<u64, DbErr> {
    outbox::Entity::find()
        .filter(outbox::Column::PublishedAt.is_null())
        .count(db)
        .await
}

/// Why a relay round failed.
#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    /// The outbox table could not be read or written.
    #[error("outbox store: {0}")]
    Store(#[from] DbErr),
    /// The broker did not confirm.
    #[error("{0}")]
    Transport(String),
    /// A stored envelope does not parse.
    #[error("corrupt outbox row: {0}")]
    Corrupt(String),
}
