//! The background sender: posts each pending nomination's package to the provincial DOST
//! system with the nomination id as `Idempotency-Key`, until the province acknowledges it
//! with a receipt id. Failures wait [`retry_delay`] on the injectable clock; a 4xx other
//! than 408/429 stops the sending for a person to read the reason. Every sending is audited;
//! the acknowledgement is published as `nomination.sent`.

use crate::nominations::domain::NominationStatus;
use sangkien_kit::ExposeSecret;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect, sea_query::Expr,
};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use sangkien_kit::{
    Settings,
    audit::{self, AuditEntry},
    auth::Caller,
    clock::SharedClock,
    db::begin_write,
    events::Outbox,
};
use sangkien_proto::events::NominationSent;

use super::{
    domain::{AnswerKind, classify, retry_delay},
    package::{self, dossier_ids_of},
    store::nomination,
};

/// The province's acknowledgement body (docs/province-api.md).
#[derive(Debug, serde::Deserialize)]
struct Receipt {
    receipt_id: String,
}

/// What one sending came to.
#[derive(Debug)]
enum Outcome {
    Acknowledged(String),
    Rejected(String),
    Retry(String),
}

/// The sender of one decision service.
pub struct Sender {
    db: DatabaseConnection,
    outbox: Outbox,
    clock: SharedClock,
    settings: Settings,
    http: reqwest::Client,
}

impl Sender {
    /// A sender on the service's database, outbox and clock.
    pub fn new(
        db: DatabaseConnection,
        outbox: Outbox,
        clock: SharedClock,
        settings: Settings,
    ) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(settings.province.timeout_secs))
            .connect_timeout(Duration::from_secs(settings.province.timeout_secs.min(10)))
            .build()?;
        Ok(Self {
            db,
            outbox,
            clock,
            settings,
            http,
        })
    }

    /// Sends what is due every `province.poll_interval_ms` until cancelled.
    pub async fn run(self, cancel: CancellationToken) {
        let poll = Duration::from_millis(self.settings.province.poll_interval_ms);
        loop {
            tokio::select! {
                () = cancel.cancelled() => return,
                () = tokio::time::sleep(poll) => {}
            }
            if self.settings.province.base_url.is_none() {
                continue;
            }
            if let Err(e) = self.send_due().await {
                tracing::warn!(error = %e, "nominations: sending failed");
            }
        }
    }

    /// Sends every nomination due now; returns how many were tried.
    pub async fn send_due(&self) -> anyhow::Result<usize> {
        let now = self.clock.now();
        let due = nomination::Entity::find()
            .filter(nomination::Column::Status.eq(NominationStatus::Pending.code()))
            .filter(nomination::Column::NextAttemptAt.lte(now))
            .order_by_asc(nomination::Column::NextAttemptAt)
            .limit(10)
            .all(&self.db)
            .await?;
        let mut tried = 0;
        for n in due {
            let Some(claimed) = self.claim(&n).await? else {
                continue;
            };
            tried += 1;
            let outcome = self.send(&n, now).await;
            self.record(n.id, claimed, outcome).await?;
        }
        Ok(tried)
    }

    /// Takes the nomination for this sending: pushes its next attempt past the sending's
    /// timeout from the moment of the claim (not of the batch: earlier sendings may have been
    /// slow), so another replica does not send it at the same time. The version it claimed
    /// at, which [`Self::record`] requires still to hold.
    async fn claim(&self, n: &nomination::Model) -> anyhow::Result<Option<i32>> {
        let lease = self.clock.now()
            + chrono::Duration::seconds(
                i64::try_from(self.settings.province.timeout_secs).unwrap_or(60) + 60,
            );
        let r = nomination::Entity::update_many()
            .col_expr(nomination::Column::NextAttemptAt, Expr::value(lease))
            .col_expr(nomination::Column::Version, Expr::value(n.version + 1))
            .filter(nomination::Column::Id.eq(n.id))
            .filter(nomination::Column::Version.eq(n.version))
            .filter(nomination::Column::Status.eq(NominationStatus::Pending.code()))
            .exec(&self.db)
            .await?;
        Ok((r.rows_affected == 1).then_some(n.version + 1))
    }

    async fn send(&self, n: &nomination::Model, now: DateTime<Utc>) -> Outcome {
        let Some(base) = &self.settings.province.base_url else {
            return Outcome::Retry("province.base_url is not set".into());
        };
        let package = match package::build(&self.db, &self.settings, n, now).await {
            Ok(p) => p,
            Err(e) => return Outcome::Retry(format!("building the package failed: {e:?}")),
        };
        let url = format!("{}/nominations", base.trim_end_matches('/'));
        let mut req = self
            .http
            .post(url)
            .header("Idempotency-Key", n.id.to_string())
            .json(&package);
        if let Some(t) = &self.settings.province.token {
            req = req.bearer_auth(t.expose_secret());
        }
        let res = match req.send().await {
            Ok(r) => r,
            Err(e) => return Outcome::Retry(format!("no answer: {e}")),
        };
        let status = res.status().as_u16();
        let body = res.text().await.unwrap_or_default();
        let short: String = body.chars().take(2000).collect();
        match classify(status) {
            AnswerKind::Acknowledged => match serde_json::from_str::<Receipt>(&body) {
                Ok(r) if !r.receipt_id.trim().is_empty() => {
                    Outcome::Acknowledged(r.receipt_id.chars().take(200).collect())
                }
                _ => Outcome::Retry(format!("{status} without a receipt_id: {short}")),
            },
            AnswerKind::Rejected => Outcome::Rejected(format!("{status}: {short}")),
            AnswerKind::Retry => Outcome::Retry(format!("{status}: {short}")),
        }
    }

    /// Records a sending's outcome, its audit line and, when acknowledged, `nomination.sent` —
    /// only while the nomination is still as this sending claimed it. When its lease ran out and
    /// another replica claimed it, or the province reported its result meanwhile, the other
    /// writer's state stands and this outcome is dropped (the province dedups by
    /// `Idempotency-Key`, so nothing is lost).
    async fn record(&self, id: Uuid, claimed: i32, outcome: Outcome) -> anyhow::Result<()> {
        let now = self.clock.now();
        let txn = begin_write(&self.db).await?;
        let still_ours = nomination::Entity::update_many()
            .col_expr(nomination::Column::Version, Expr::value(claimed + 1))
            .filter(nomination::Column::Id.eq(id))
            .filter(nomination::Column::Version.eq(claimed))
            .exec(&txn)
            .await?;
        if still_ours.rows_affected == 0 {
            tracing::info!(%id, "nominations: changed since this sending claimed it; outcome dropped");
            return Ok(());
        }
        let Some(n) = nomination::Entity::find_by_id(id).one(&txn).await? else {
            return Ok(());
        };
        let attempts = n.attempts + 1;
        let caller = Caller {
            user: Uuid::nil(),
            tenant: n.tenant,
            roles: Vec::new(),
            name: Some("nominations sender".into()),
            request_id: format!("nomination-{id}-attempt-{attempts}"),
            lang: sangkien_proto::Lang::default(),
        };
        let before = n.status.clone();
        let mut m = n.clone().into_active_model();
        m.attempts = Set(attempts);
        m.version = Set(n.version + 1);
        let (action, details, event) = match outcome {
            Outcome::Acknowledged(receipt) => {
                // A result reported while the acknowledgement was lost stays reported.
                if n.state() == Some(NominationStatus::Pending) {
                    m.status = Set(NominationStatus::Sent.code().into());
                }
                m.receipt_id = Set(Some(receipt.clone()));
                m.sent_at = Set(Some(now));
                m.next_attempt_at = Set(None);
                m.last_error = Set(None);
                let event = NominationSent {
                    nomination_id: id,
                    dossier_ids: dossier_ids_of(&txn, id)
                        .await
                        .map_err(|e| anyhow::anyhow!("{e:?}"))?,
                    receipt_id: receipt.clone(),
                    attempts,
                };
                (
                    "nomination.acknowledged",
                    serde_json::json!({ "before": before, "after": "sent", "receipt_id": receipt, "attempts": attempts }),
                    Some(event),
                )
            }
            Outcome::Rejected(reason) => {
                m.status = Set(NominationStatus::Rejected.code().into());
                m.next_attempt_at = Set(None);
                m.last_error = Set(Some(reason.clone()));
                (
                    "nomination.rejected",
                    serde_json::json!({ "before": before, "after": "rejected", "reason": reason, "attempts": attempts }),
                    None,
                )
            }
            Outcome::Retry(reason) => {
                let delay = retry_delay(
                    u32::try_from(attempts).unwrap_or(u32::MAX),
                    Duration::from_secs(self.settings.province.backoff_base_secs),
                    Duration::from_secs(self.settings.province.backoff_max_secs),
                );
                let next = now + chrono::Duration::from_std(delay).unwrap_or_default();
                m.next_attempt_at = Set(Some(next));
                m.last_error = Set(Some(reason.clone()));
                (
                    "nomination.send_failed",
                    serde_json::json!({ "reason": reason, "attempts": attempts, "next_attempt_at": next }),
                    None,
                )
            }
        };
        nomination::Entity::update(m).exec(&txn).await?;
        audit::record(
            &txn,
            &caller,
            now,
            AuditEntry {
                action,
                subject_type: "nomination",
                subject_id: id,
                role: "system",
                details,
            },
        )
        .await?;
        if let Some(event) = event {
            self.outbox.publish(&txn, now, &caller, &event).await?;
        }
        self.outbox.commit(txn).await?;
        Ok(())
    }
}
