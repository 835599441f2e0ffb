//! Saving a rubric of the body: the next version of its code, kept beside the earlier ones
//! and recorded in the audit trail.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, SqlErr};
use uuid::Uuid;

use sangkien_kit::{
    ApiError,
    audit::{self, AuditEntry},
    auth::Caller,
};
use sangkien_proto::{ErrorCode, Role};

use crate::{
    domain::rubric::Rubric,
    store::rubrics::{self, insert_version, latest_version},
};

/// Saves `rubric` (already checked) in `txn` as the next version of its code, 1 for a new
/// code; 409 when someone saved that version meanwhile. Returns the stored row.
pub async fn save_rubric<C: ConnectionTrait>(
    txn: &C,
    caller: &Caller,
    role: Role,
    rubric: &Rubric,
    now: DateTime<Utc>,
) -> Result<rubrics::Model, ApiError> {
    let latest = latest_version(txn, caller.tenant, &rubric.code).await?;
    let version = latest.map(|v| v + 1).unwrap_or(1);
    let row = rubrics::Model {
        id: Uuid::now_v7(),
        tenant: caller.tenant,
        code: rubric.code.clone(),
        version,
        definition: serde_json::to_string(rubric).map_err(ApiError::internal)?,
        created_by: caller.user,
        created_at: now,
    };
    insert_version(txn, &row).await.map_err(saved_meanwhile)?;
    audit_saved(txn, caller, role, &row, now).await?;
    Ok(row)
}

/// The refusal of a version someone else saved just now (409), or a 500.
fn saved_meanwhile(e: DbErr) -> ApiError {
    match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => ApiError::new(ErrorCode::Conflict)
            .with_detail(
                "Phiên bản vừa được lưu bởi người khác; hãy thử lại",
                "Someone saved a version just now; retry",
            ),
        _ => ApiError::internal(e),
    }
}

/// Records `rubric.saved` for `row` in the audit trail.
async fn audit_saved<C: ConnectionTrait>(
    txn: &C,
    caller: &Caller,
    role: Role,
    row: &rubrics::Model,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    audit::record(
        txn,
        caller,
        now,
        AuditEntry {
            action: "rubric.saved",
            subject_type: "rubric",
            subject_id: row.id,
            role: role.as_str(),
            details: serde_json::json!({ "code": row.code, "version": row.version }),
        },
    )
    .await?;
    Ok(())
}
