//! What intake's handlers share: JSON bodies read from bytes (so `Idempotency-Key` can
//! fingerprint them), write transactions and audit lines.

use sea_orm::ConnectionTrait;
use serde::{Serialize, de::DeserializeOwned};

use sangkien_kit::{
    ApiError,
    audit::{self, AuditEntry},
    auth::Caller,
    http::paging::etag,
    idempotent::{Idempotency, Remembered},
    service::ServiceContext,
};
use sangkien_proto::ErrorCode;

/// Parses a JSON body, answering `malformed_body` with serde's reason.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::new(ErrorCode::MalformedBody).with_detail(
            format!(
                "Nội dung JSON không hợp lệ: {}",
                sangkien_kit::http::problems::json_problem_vi(&e)
            ),
            format!("The JSON body is not valid: {e}"),
        )
    })
}

/// Appends `entry` to the audit log in `txn`, at the service clock's time.
pub async fn audit<C: ConnectionTrait>(
    txn: &C,
    ctx: &ServiceContext,
    caller: &Caller,
    entry: AuditEntry<'_>,
) -> Result<(), ApiError> {
    audit::record(txn, caller, ctx.clock.now(), entry).await?;
    Ok(())
}

/// The refusal when an action does not fit the current status.
pub fn wrong_status(action_vi: &str, action_en: &str, status: &str) -> ApiError {
    ApiError::new(ErrorCode::InvalidTransition).with_detail(
        format!("Không thể {action_vi} khi hồ sơ ở trạng thái «{status}»"),
        format!("Cannot {action_en} a dossier that is {status}"),
    )
}

/// Keeps the answer under the request's `Idempotency-Key`, if any, so a retry gets it again.
#[allow(clippy::too_many_arguments)]
pub async fn remember_answer<C: ConnectionTrait, T: Serialize>(
    txn: &C,
    idem: Option<&Idempotency>,
    caller: &Caller,
    status: u16,
    body: &T,
    location: Option<&str>,
    version: i32,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ApiError> {
    let Some(i) = idem else {
        return Ok(());
    };
    i.remember(
        txn,
        caller.user,
        Remembered {
            status,
            body: &serde_json::to_value(body).map_err(ApiError::internal)?,
            location,
            etag: Some(&etag(version)),
        },
        now,
    )
    .await
}
