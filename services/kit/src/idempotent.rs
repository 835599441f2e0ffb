//! `Idempotency-Key` for creating requests: a mobile client on a poor network retries, and
//! the second request gets the first one's answer instead of creating twice.
//!
//! A handler reads the key and fingerprints the request ([`Idempotency::from_request`]),
//! answers a stored reply if there is one ([`Idempotency::replay`]), and otherwise does its
//! work and stores its reply in the same transaction ([`Idempotency::remember`]), so the
//! resource and the remembered answer commit together. The same key with another request is
//! refused (`idempotency_key_reused`); keys are remembered for 24 hours per user.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, SqlErr};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use sangkien_proto::ErrorCode;

use crate::error::ApiError;

/// How long a key is remembered.
pub const KEY_LIFETIME_HOURS: i64 = 24;

/// `idempotent_requests`: remembered answers.
pub mod entity {
    use sea_orm::entity::prelude::*;

    /// One remembered answer.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "idempotent_requests")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub key: String,
        /// SHA-256 of method, path and body.
        pub fingerprint: String,
        pub status: i32,
        #[sea_orm(column_type = "Text")]
        pub body: String,
        pub location: Option<String>,
        pub etag: Option<String>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The key of a request and the fingerprint of what it asks.
#[derive(Debug, Clone)]
pub struct Idempotency {
    /// The client's key.
    pub key: String,
    /// SHA-256 of method, path and body, hex.
    pub fingerprint: String,
}

fn fingerprint(method: &str, path: &str, body: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(method.as_bytes());
    h.update(b" ");
    h.update(path.as_bytes());
    h.update(b"\n");
    h.update(body);
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

impl Idempotency {
    /// The request's `Idempotency-Key` (1–200 visible ASCII characters), if any.
    pub fn from_request(req: &HttpRequest, body: &[u8]) -> Result<Option<Self>, ApiError> {
        let Some(value) = req.headers().get("idempotency-key") else {
            return Ok(None);
        };
        let key = value.to_str().unwrap_or_default().trim();
        if key.is_empty() || key.len() > 200 || !key.chars().all(|c| c.is_ascii_graphic()) {
            return Err(ApiError::new(ErrorCode::InvalidHeader).with_detail(
                "Idempotency-Key gồm 1–200 ký tự ASCII nhìn thấy được",
                "Idempotency-Key has 1–200 visible ASCII characters",
            ));
        }
        Ok(Some(Self {
            key: key.to_owned(),
            fingerprint: fingerprint(req.method().as_str(), req.path(), body),
        }))
    }

    /// The stored answer to repeat, if this key was used by `user` for the same request in
    /// the last 24 hours; `idempotency_key_reused` if it was used for another request.
    pub async fn replay<C: ConnectionTrait>(
        &self,
        db: &C,
        user: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Option<HttpResponse>, ApiError> {
        let Some(row) = entity::Entity::find_by_id((user, self.key.clone()))
            .one(db)
            .await?
            .filter(|r| r.created_at > now - Duration::hours(KEY_LIFETIME_HOURS))
        else {
            return Ok(None);
        };
        if row.fingerprint != self.fingerprint {
            return Err(ApiError::new(ErrorCode::IdempotencyKeyReused).with_detail(
                "Khóa Idempotency-Key này đã được dùng cho một yêu cầu khác",
                "This Idempotency-Key was used for a different request",
            ));
        }
        let status = StatusCode::from_u16(row.status as u16).unwrap_or(StatusCode::OK);
        let mut res = HttpResponse::build(status);
        res.content_type("application/json")
            .insert_header(("Idempotent-Replayed", "true"));
        if let Some(l) = row.location {
            res.insert_header(("Location", l));
        }
        if let Some(e) = row.etag {
            res.insert_header(("ETag", e));
        }
        Ok(Some(res.body(row.body)))
    }

    /// Stores the answer inside the handler's transaction. A duplicate that committed first
    /// makes this fail with 409, so the client's retry gets the replay.
    pub async fn remember<C: ConnectionTrait>(
        &self,
        txn: &C,
        user: Uuid,
        answer: Remembered<'_>,
        now: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        entity::Entity::delete_many()
            .filter(entity::Column::UserId.eq(user))
            .filter(entity::Column::Key.eq(self.key.clone()))
            .filter(entity::Column::CreatedAt.lte(now - Duration::hours(KEY_LIFETIME_HOURS)))
            .exec(txn)
            .await?;
        entity::Entity::insert(entity::ActiveModel {
            user_id: Set(user),
            key: Set(self.key.clone()),
            fingerprint: Set(self.fingerprint.clone()),
            status: Set(i32::from(answer.status)),
            body: Set(answer.body.to_string()),
            location: Set(answer.location.map(str::to_owned)),
            etag: Set(answer.etag.map(str::to_owned)),
            created_at: Set(now),
        })
        .exec_without_returning(txn)
        .await
        .map_err(|e| match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => ApiError::new(ErrorCode::Conflict)
                .with_detail(
                    "Một yêu cầu cùng Idempotency-Key đang được xử lý; hãy thử lại",
                    "A request with the same Idempotency-Key is in progress; retry",
                ),
            _ => ApiError::internal(e),
        })?;
        Ok(())
    }
}

/// An answer to remember.
#[derive(Debug, Clone, Copy)]
pub struct Remembered<'a> {
    /// Status code.
    pub status: u16,
    /// JSON body.
    pub body: &'a serde_json::Value,
    /// `Location` header.
    pub location: Option<&'a str>,
    /// `ETag` header.
    pub etag: Option<&'a str>,
}

/// Forgets answers older than `cutoff` (housekeeping).
pub async fn purge_older_than<C: ConnectionTrait>(
    db: &C,
    cutoff: DateTime<Utc>,
) -> Result<u64, sea_orm::DbErr> {
    Ok(entity::Entity::delete_many()
        .filter(entity::Column::CreatedAt.lt(cutoff))
        .exec(db)
        .await?
        .rows_affected)
}

/// How often a running service forgets expired answers.
pub const PURGE_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// Housekeeping every service runs until `cancel`: at start and then every [`PURGE_EVERY`],
/// forgets the answers older than [`KEY_LIFETIME_HOURS`] by the service's clock, so the table
/// holds about a day of keys rather than every key ever sent.
pub async fn purge_expired_periodically(
    db: sea_orm::DatabaseConnection,
    clock: crate::clock::SharedClock,
    cancel: tokio_util::sync::CancellationToken,
) {
    loop {
        let cutoff = clock.now() - Duration::hours(KEY_LIFETIME_HOURS);
        let purged = tokio::select! {
            _ = cancel.cancelled() => return,
            p = purge_older_than(&db, cutoff) => p,
        };
        match purged {
            Ok(0) => {}
            Ok(n) => tracing::info!(purged = n, "expired idempotency keys forgotten"),
            Err(e) => tracing::warn!(error = %e, "idempotency housekeeping failed; will retry"),
        }
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = tokio::time::sleep(PURGE_EVERY) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn the_fingerprint_covers_method_path_and_body() {
        let a = fingerprint("POST", "/x", b"{}");
        assert_eq!(a, fingerprint("POST", "/x", b"{}"));
        assert_ne!(a, fingerprint("POST", "/y", b"{}"));
        assert_ne!(a, fingerprint("POST", "/x", b"{ }"));
    }

    #[test]
    fn keys_are_visible_ascii_up_to_200() {
        let ok = TestRequest::post()
            .insert_header(("Idempotency-Key", "nop-lan-1"))
            .to_http_request();
        assert!(Idempotency::from_request(&ok, b"").unwrap().is_some());
        let none = TestRequest::post().to_http_request();
        assert!(Idempotency::from_request(&none, b"").unwrap().is_none());
        let long = "k".repeat(201);
        let bad = TestRequest::post()
            .insert_header(("Idempotency-Key", long.as_str()))
            .to_http_request();
        assert!(Idempotency::from_request(&bad, b"").is_err());
    }
}
