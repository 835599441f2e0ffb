//! The in-process transport for the standalone system.
//!
//! It keeps RabbitMQ's guarantees without a broker: queues live in their own SQLite file
//! (`<data_dir>/events.db`), so a published event survives a crash exactly as a persistent
//! message does; publishing commits one row per bound queue (the "confirm"); a delivery stays
//! in its queue until acknowledged, goes back on failure, and moves to the dead-letter state
//! after the delivery limit; deliveries in flight when the process stops are delivered again
//! at the next start. Several consumers of one queue share it, each delivery going to one.

use async_trait::async_trait;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement, Value};
use std::{
    collections::HashSet,
    sync::{Arc, Mutex},
    time::Duration,
};
use tokio::{sync::Notify, task::JoinSet};
use tokio_util::sync::CancellationToken;

use sangkien_proto::Envelope;

use super::{
    DeadLetter, Delivery, DeliveryHandler, Outcome, QueueSpec, Transport, TransportError,
    backoff::retry_delay, bounded_error, topic, topology,
};

/// The in-process transport.
#[derive(Clone)]
pub struct InProcessTransport {
    db: DatabaseConnection,
    delivery_limit: u32,
    prefetch: u16,
    poll: Duration,
    notify: Arc<Notify>,
    in_flight: Arc<Mutex<HashSet<i64>>>,
}

struct Row {
    seq: i64,
    body: String,
    routing_key: String,
    deliveries: i64,
}

impl InProcessTransport {
    /// A transport over the queue database `db` (created if empty).
    pub async fn open(
        db: DatabaseConnection,
        delivery_limit: u32,
        prefetch: u16,
        poll: Duration,
    ) -> Result<Self, DbErr> {
        let autoincrement = match db.get_database_backend() {
            DbBackend::Postgres => "BIGSERIAL PRIMARY KEY",
            _ => "INTEGER PRIMARY KEY AUTOINCREMENT",
        };
        db.execute_unprepared(
            "CREATE TABLE IF NOT EXISTS queue_bindings (
                queue TEXT NOT NULL, pattern TEXT NOT NULL, PRIMARY KEY (queue, pattern))",
        )
        .await?;
        db.execute_unprepared(&format!(
            "CREATE TABLE IF NOT EXISTS queue_messages (
                seq {autoincrement},
                queue TEXT NOT NULL,
                message_id TEXT NOT NULL,
                routing_key TEXT NOT NULL,
                body TEXT NOT NULL,
                deliveries BIGINT NOT NULL DEFAULT 0,
                dead BOOLEAN NOT NULL DEFAULT FALSE,
                enqueued_at TEXT NOT NULL,
                last_error TEXT)"
        ))
        .await?;
        // Queues created before dead letters kept their last error gain the column.
        if db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT last_error FROM queue_messages LIMIT 1",
            ))
            .await
            .is_err()
        {
            let if_not_exists = match db.get_database_backend() {
                DbBackend::Postgres => "IF NOT EXISTS ",
                _ => "",
            };
            db.execute_unprepared(&format!(
                "ALTER TABLE queue_messages ADD COLUMN {if_not_exists}last_error TEXT"
            ))
            .await?;
        }
        db.execute_unprepared(
            "CREATE INDEX IF NOT EXISTS queue_messages_ready ON queue_messages (queue, dead, seq)",
        )
        .await?;
        Ok(Self {
            db,
            delivery_limit,
            prefetch,
            poll,
            notify: Arc::new(Notify::new()),
            in_flight: Arc::new(Mutex::new(HashSet::new())),
        })
    }

    fn stmt(&self, sql: &str, values: Vec<Value>) -> Statement {
        let backend = self.db.get_database_backend();
        let sql = if backend == DbBackend::Postgres {
            numbered_placeholders(sql)
        } else {
            sql.to_owned()
        };
        Statement::from_sql_and_values(backend, sql, values)
    }

    async fn fetch(&self, queue: &str, want: usize) -> Result<Vec<Row>, DbErr> {
        let rows = self
            .db
            .query_all_raw(self.stmt(
                "SELECT seq, body, routing_key, deliveries FROM queue_messages
                 WHERE queue = ? AND dead = FALSE ORDER BY seq LIMIT ?",
                vec![
                    queue.into(),
                    ((want as i64) + self.in_flight_len() as i64).into(),
                ],
            ))
            .await?;
        let taken = {
            let mut taken = Vec::new();
            let Ok(mut in_flight) = self.in_flight.lock() else {
                return Ok(taken);
            };
            for r in rows {
                let seq: i64 = r.try_get("", "seq")?;
                if taken.len() < want && in_flight.insert(seq) {
                    taken.push(Row {
                        seq,
                        body: r.try_get("", "body")?,
                        routing_key: r.try_get("", "routing_key")?,
                        deliveries: r.try_get("", "deliveries")?,
                    });
                }
            }
            taken
        };
        self.keep_unsettled(taken).await
    }

    /// The claimed rows still waiting as they were read, the others released.
    ///
    /// The read above can run while another delivery of the same row is being settled; once
    /// that delivery releases the row, the claim succeeds on what is by then a stale copy (an
    /// acknowledged message, or a failed one whose count went up). Settling happens only under
    /// a claim, so reading again now that the claim is held sees every settlement.
    async fn keep_unsettled(&self, claimed: Vec<Row>) -> Result<Vec<Row>, DbErr> {
        if claimed.is_empty() {
            return Ok(claimed);
        }
        let marks = vec!["?"; claimed.len()].join(", ");
        let current = self
            .db
            .query_all_raw(self.stmt(
                &format!(
                    "SELECT seq, deliveries FROM queue_messages WHERE dead = FALSE AND seq IN ({marks})"
                ),
                claimed.iter().map(|r| r.seq.into()).collect(),
            ))
            .await;
        let current = match current {
            Ok(rows) => rows
                .iter()
                .map(|r| {
                    Ok((
                        r.try_get::<i64>("", "seq")?,
                        r.try_get::<i64>("", "deliveries")?,
                    ))
                })
                .collect::<Result<std::collections::HashMap<_, _>, DbErr>>(),
            Err(e) => Err(e),
        };
        let current = match current {
            Ok(c) => c,
            Err(e) => {
                claimed.iter().for_each(|r| self.release(r.seq));
                return Err(e);
            }
        };
        let (fresh, stale): (Vec<Row>, Vec<Row>) = claimed
            .into_iter()
            .partition(|r| current.get(&r.seq) == Some(&r.deliveries));
        stale.iter().for_each(|r| self.release(r.seq));
        Ok(fresh)
    }

    fn in_flight_len(&self) -> usize {
        self.in_flight.lock().map(|s| s.len()).unwrap_or(0)
    }

    fn release(&self, seq: i64) {
        if let Ok(mut s) = self.in_flight.lock() {
            s.remove(&seq);
        }
    }

    async fn settle(&self, row: &Row, outcome: Outcome) -> Result<(), DbErr> {
        match outcome {
            Outcome::Ack => {
                self.db
                    .execute_raw(self.stmt(
                        "DELETE FROM queue_messages WHERE seq = ?",
                        vec![row.seq.into()],
                    ))
                    .await?;
            }
            Outcome::Retry(error) => {
                tokio::time::sleep(retry_delay(row.deliveries as u32)).await;
                let dead = row.deliveries + 1 >= i64::from(self.delivery_limit);
                self.db
                    .execute_raw(self.stmt(
                        "UPDATE queue_messages SET deliveries = deliveries + 1, dead = ?, last_error = ? WHERE seq = ?",
                        vec![dead.into(), bounded_error(&error).into(), row.seq.into()],
                    ))
                    .await?;
                if dead {
                    tracing::warn!(routing_key = %row.routing_key, deliveries = row.deliveries + 1, "event moved to the dead-letter queue");
                }
            }
            Outcome::DeadLetter(reason) => {
                self.db
                    .execute_raw(self.stmt(
                        "UPDATE queue_messages SET deliveries = deliveries + 1, dead = TRUE, last_error = ? WHERE seq = ?",
                        vec![bounded_error(&reason).into(), row.seq.into()],
                    ))
                    .await?;
            }
        }
        Ok(())
    }
}

/// `?` placeholders to PostgreSQL's `$1, $2, …`.
fn numbered_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            out.push_str(&format!("${n}"));
        } else {
            out.push(c);
        }
    }
    out
}

#[async_trait]
impl Transport for InProcessTransport {
    async fn publish(&self, envelopes: &[Envelope]) -> Result<(), TransportError> {
        if envelopes.is_empty() {
            return Ok(());
        }
        let bindings = self
            .db
            .query_all_raw(self.stmt("SELECT queue, pattern FROM queue_bindings", vec![]))
            .await?;
        let bindings: Vec<(String, String)> = bindings
            .iter()
            .map(|r| Ok((r.try_get("", "queue")?, r.try_get("", "pattern")?)))
            .collect::<Result<_, DbErr>>()?;
        let txn = crate::db::begin_write(&self.db).await?;
        let now = chrono::Utc::now().to_rfc3339();
        for env in envelopes {
            let body =
                serde_json::to_string(env).map_err(|e| TransportError::Refused(e.to_string()))?;
            let mut queues: Vec<&str> = bindings
                .iter()
                .filter(|(_, p)| topic::matches(p, env.routing_key()))
                .map(|(q, _)| q.as_str())
                .collect();
            queues.sort_unstable();
            queues.dedup();
            for q in queues {
                txn.execute_raw(self.stmt(
                    "INSERT INTO queue_messages (queue, message_id, routing_key, body, enqueued_at)
                     VALUES (?, ?, ?, ?, ?)",
                    vec![
                        q.into(),
                        env.id.to_string().into(),
                        env.routing_key().into(),
                        body.clone().into(),
                        now.clone().into(),
                    ],
                ))
                .await?;
            }
        }
        txn.commit().await?;
        self.notify.notify_waiters();
        Ok(())
    }

    async fn declare(&self, specs: &[QueueSpec]) -> Result<(), TransportError> {
        for spec in specs {
            for pattern in &spec.bindings {
                self.db
                    .execute_raw(self.stmt(
                        "INSERT INTO queue_bindings (queue, pattern) VALUES (?, ?) ON CONFLICT DO NOTHING",
                        vec![spec.service.clone().into(), pattern.clone().into()],
                    ))
                    .await?;
            }
        }
        Ok(())
    }

    async fn run_consumer(
        &self,
        queue: QueueSpec,
        handler: Arc<dyn DeliveryHandler>,
        cancel: CancellationToken,
    ) {
        if let Err(e) = self.declare(std::slice::from_ref(&queue)).await {
            tracing::error!(error = %e, "cannot declare in-process queue");
        }
        let limit = usize::from(self.prefetch.max(1));
        let mut running: JoinSet<()> = JoinSet::new();
        loop {
            while running.try_join_next().is_some() {}
            let room = limit.saturating_sub(running.len());
            let notified = self.notify.notified();
            let rows = if room > 0 {
                match self.fetch(&queue.service, room).await {
                    Ok(rows) => rows,
                    Err(e) => {
                        tracing::warn!(error = %e, "in-process queue unreadable");
                        Vec::new()
                    }
                }
            } else {
                Vec::new()
            };
            let fetched = rows.len();
            for row in rows {
                let this = self.clone();
                let handler = handler.clone();
                let cancel = cancel.clone();
                running.spawn(async move {
                    let delivery = Delivery {
                        body: row.body.clone().into_bytes(),
                        routing_key: row.routing_key.clone(),
                        previous_deliveries: row.deliveries.max(0) as u32,
                    };
                    tokio::select! {
                        // Stopping mid-delivery leaves the message in its queue, unacknowledged.
                        _ = cancel.cancelled() => {}
                        outcome = handler.deliver(delivery) => {
                            if let Err(e) = this.settle(&row, outcome).await {
                                tracing::warn!(error = %e, "acknowledgement lost; the event will be delivered again");
                            }
                        }
                    }
                    this.release(row.seq);
                    this.notify.notify_waiters();
                });
            }
            if fetched == room && room > 0 {
                continue;
            }
            tokio::select! {
                _ = cancel.cancelled() => break,
                _ = notified => {}
                Some(_) = running.join_next(), if !running.is_empty() => {}
                _ = tokio::time::sleep(self.poll) => {}
            }
        }
        while running.join_next().await.is_some() {}
    }

    async fn check(&self) -> Result<(), TransportError> {
        self.db.ping().await?;
        Ok(())
    }

    async fn dead_letters(
        &self,
        service: &str,
        limit: usize,
    ) -> Result<Vec<DeadLetter>, TransportError> {
        let rows = self
            .db
            .query_all_raw(self.stmt(
                "SELECT message_id, routing_key, deliveries, body, last_error FROM queue_messages
                 WHERE queue = ? AND dead = TRUE ORDER BY seq LIMIT ?",
                vec![service.into(), (limit as i64).into()],
            ))
            .await?;
        rows.iter()
            .map(|r| {
                let deliveries: i64 = r.try_get("", "deliveries")?;
                Ok(DeadLetter {
                    message_id: r.try_get("", "message_id")?,
                    routing_key: r.try_get("", "routing_key")?,
                    deliveries: Some(deliveries.max(0) as u32),
                    body: r.try_get("", "body")?,
                    last_error: r.try_get("", "last_error")?,
                })
            })
            .collect::<Result<_, DbErr>>()
            .map_err(TransportError::from)
    }

    async fn replay_dead_letters(
        &self,
        service: &str,
        message_ids: Option<&[String]>,
    ) -> Result<usize, TransportError> {
        let result = match message_ids {
            None => {
                self.db
                    .execute_raw(self.stmt(
                        "UPDATE queue_messages SET dead = FALSE, deliveries = 0 WHERE queue = ? AND dead = TRUE",
                        vec![service.into()],
                    ))
                    .await?
                    .rows_affected()
            }
            Some(ids) => {
                let mut n = 0;
                for id in ids {
                    n += self
                        .db
                        .execute_raw(self.stmt(
                            "UPDATE queue_messages SET dead = FALSE, deliveries = 0
                             WHERE queue = ? AND dead = TRUE AND message_id = ?",
                            vec![service.into(), id.clone().into()],
                        ))
                        .await?
                        .rows_affected();
                }
                n
            }
        };
        self.notify.notify_waiters();
        Ok(result as usize)
    }

    async fn dead_letter_count(&self, service: &str) -> Result<u64, TransportError> {
        self.count(service, true).await
    }

    async fn queue_depth(&self, service: &str) -> Result<u64, TransportError> {
        self.count(service, false).await
    }
}

impl InProcessTransport {
    /// Messages of `queue` that are dead-lettered (`dead`) or still to be handled.
    async fn count(&self, service: &str, dead: bool) -> Result<u64, TransportError> {
        let row = self
            .db
            .query_one_raw(self.stmt(
                "SELECT COUNT(*) AS n FROM queue_messages WHERE queue = ? AND dead = ?",
                vec![service.into(), dead.into()],
            ))
            .await?;
        let n: i64 = match row {
            Some(r) => r.try_get("", "n")?,
            None => 0,
        };
        Ok(n.max(0) as u64)
    }
}

/// Declares every service queue of the system on `transport`.
pub async fn declare_topology(transport: &dyn Transport) -> Result<(), TransportError> {
    transport.declare(&topology()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn transport() -> InProcessTransport {
        let db = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
        InProcessTransport::open(db, 3, 4, Duration::from_millis(50))
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn a_queue_created_before_last_errors_were_kept_gains_the_column_and_keeps_its_messages()
    {
        let db = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
        db.execute_unprepared(
            "CREATE TABLE queue_messages (
                seq INTEGER PRIMARY KEY AUTOINCREMENT, queue TEXT NOT NULL,
                message_id TEXT NOT NULL, routing_key TEXT NOT NULL, body TEXT NOT NULL,
                deliveries BIGINT NOT NULL DEFAULT 0, dead BOOLEAN NOT NULL DEFAULT FALSE,
                enqueued_at TEXT NOT NULL);
             INSERT INTO queue_messages (queue, message_id, routing_key, body, deliveries, dead, enqueued_at)
             VALUES ('q', 'old', 'probe.sent', '{}', 3, TRUE, '2022-01-01T00:00:00Z');",
        )
        .await
        .unwrap();
        let t = InProcessTransport::open(db, 3, 4, Duration::from_millis(50))
            .await
            .unwrap();
        let letters = t.dead_letters("q", 10).await.unwrap();
        assert_eq!(letters.len(), 1);
        assert_eq!(
            (letters[0].deliveries, letters[0].last_error.clone()),
            (Some(3), None)
        );
        // Opening again (the column now there) changes nothing.
        let again = InProcessTransport::open(t.db.clone(), 3, 4, Duration::from_millis(50)).await;
        assert!(again.is_ok());
    }

    async fn enqueue(t: &InProcessTransport, id: &str) {
        t.db.execute_raw(t.stmt(
            "INSERT INTO queue_messages (queue, message_id, routing_key, body, enqueued_at)
             VALUES ('q', ?, 'probe.sent', '{}', '2022-01-01T00:00:00Z')",
            vec![id.into()],
        ))
        .await
        .unwrap();
    }

    #[tokio::test]
    async fn a_row_settled_between_the_read_and_the_claim_is_not_delivered_again() {
        let t = transport().await;
        enqueue(&t, "acknowledged").await;
        enqueue(&t, "failed once").await;
        enqueue(&t, "waiting").await;
        // The consumer loop reads the three rows…
        let read = t.fetch("q", 3).await.unwrap();
        assert_eq!(read.len(), 3);
        // …while the deliveries that held them settle: the first acknowledged, the second
        // failed once; then they release their claims, as the delivery tasks do.
        t.settle(&read[0], Outcome::Ack).await.unwrap();
        t.db.execute_raw(t.stmt(
            "UPDATE queue_messages SET deliveries = deliveries + 1 WHERE seq = ?",
            vec![read[1].seq.into()],
        ))
        .await
        .unwrap();
        let stale: Vec<Row> = read
            .iter()
            .map(|r| Row {
                seq: r.seq,
                body: r.body.clone(),
                routing_key: r.routing_key.clone(),
                deliveries: r.deliveries,
            })
            .collect();
        // The stale copies, claimed again, keep only the row still as it was read.
        let kept = t.keep_unsettled(stale).await.unwrap();
        assert_eq!(
            kept.iter().map(|r| r.seq).collect::<Vec<_>>(),
            vec![read[2].seq]
        );
        // The dropped ones are released: the failed one is fetched again with its new count.
        let again = t.fetch("q", 3).await.unwrap();
        assert_eq!(again.len(), 1);
        assert_eq!((again[0].seq, again[0].deliveries), (read[1].seq, 1));
    }
}
