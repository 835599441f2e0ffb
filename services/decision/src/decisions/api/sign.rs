//! Signing: the signer's configured title, the next number of the body's register taken in
//! the signing transaction (no gap, no reuse), the decision frozen with the profile of the day,
//! and `decision.issued` with each dossier's outcome.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use chrono::{Datelike, NaiveDate};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    sea_query::{Expr, OnConflict},
};
use uuid::Uuid;

use sangkien_kit::{
    ApiError, auth::Caller, clock::local_date, db::begin_write, service::ServiceContext,
};
use sangkien_proto::{
    ErrorCode, Role,
    events::{DecisionIssued, DossierOutcome},
};

use super::{
    claim_draft, decision_of,
    views::{answer, decision_view},
};
use crate::decisions::{
    domain::{
        numbering::{RegisterPosition, next_number, number_text},
        profile::BodyProfile,
    },
    store::{counter, item, writes},
};

/// Takes the next number of the register of `doc_type` for a document signed on `on`. The
/// counter row is locked by the first update until the transaction ends (PostgreSQL), or the
/// whole transaction holds the write lock (SQLite), so two signatures at the same moment get
/// two consecutive numbers.
async fn take_number<C: ConnectionTrait>(
    txn: &C,
    tenant: Uuid,
    doc_type: &str,
    on: NaiveDate,
) -> Result<i32, ApiError> {
    counter::Entity::insert(counter::ActiveModel {
        tenant: Set(tenant),
        doc_type: Set(doc_type.to_owned()),
        year: Set(0),
        last: Set(0),
    })
    .on_conflict(
        OnConflict::columns([counter::Column::Tenant, counter::Column::DocType])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(txn)
    .await?;
    let of_row = || {
        sea_orm::Condition::all()
            .add(counter::Column::Tenant.eq(tenant))
            .add(counter::Column::DocType.eq(doc_type))
    };
    // Lock first (an update), then read what the previous holder committed.
    counter::Entity::update_many()
        .col_expr(counter::Column::Last, Expr::col(counter::Column::Last))
        .filter(of_row())
        .exec(txn)
        .await?;
    let row = counter::Entity::find()
        .filter(of_row())
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("register counter vanished")))?;
    let position = (row.year > 0).then_some(RegisterPosition {
        year: row.year,
        last: row.last,
    });
    let n = next_number(position, on).ok_or_else(|| {
        ApiError::new(ErrorCode::InvalidTransition).with_detail(
            format!(
                "Sổ đăng ký văn bản đã sang năm {}; ngày ký {on} thuộc năm trước",
                row.year
            ),
            format!(
                "The register has moved to {}; a signature dated {on} belongs to the year before",
                row.year
            ),
        )
    })?;
    counter::Entity::update_many()
        .col_expr(counter::Column::Year, Expr::value(on.year()))
        .col_expr(counter::Column::Last, Expr::value(n))
        .filter(of_row())
        .exec(txn)
        .await?;
    Ok(n)
}

/// Signs a draft (`If-Match`): the caller must be a signer configured in the body profile;
/// the decision takes the next number of the register, becomes immutable, and
/// `decision.issued` tells intake each dossier's outcome.
#[utoipa::path(
    post,
    path = "/api/v1/decision/decisions/{id}/sign",
    tag = "decisions",
    params(sangkien_kit::http::contract::IfMatch, ("id" = Uuid, Path, description = "Decision id")),
    responses(
        sangkien_kit::http::contract::Conditional,
        (status = 200, description = "Issued, numbered", body = super::views::DecisionView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"))),
        (status = 409, description = "`decision_issued` (already signed), `body_profile_missing`, `signer_not_configured`, or an empty decision", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn sign_decision(
    req: HttpRequest,
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let role = caller.require_any(&[Role::Signer])?;
    let now = ctx.clock.now();
    let txn = begin_write(&ctx.db).await?;
    let d = decision_of(&txn, &caller, id.into_inner()).await?;
    claim_draft(&txn, &req, &d).await?;
    let stored = writes::body_profile(&txn, caller.tenant)
        .await?
        .ok_or_else(profile_missing)?;
    let p: BodyProfile = serde_json::from_str(&stored.profile).map_err(ApiError::internal)?;
    let Some(signer) = p.signer(caller.user).cloned() else {
        return Err(signer_not_configured());
    };
    let items = writes::items_of(&txn, d.id).await?;
    if items.is_empty() {
        return Err(ApiError::new(ErrorCode::InvalidTransition).with_detail(
            "Quyết định không có hồ sơ nào",
            "The decision decides no dossier",
        ));
    }
    let on = local_date(now);
    let n = take_number(&txn, caller.tenant, &p.decision_type, on).await?;
    let text = number_text(n, &p.decision_type, &p.document_symbol);
    let issue = writes::Issue {
        number: n,
        number_text: &text,
        doc_type: &p.decision_type,
        signed_on: on,
        signed_by: caller.user,
        profile: &stored.profile,
    };
    let updated = writes::mark_issued(&txn, &d, &issue, now).await?;
    let event = issued_event(d.id, &text, on, &items);
    ctx.outbox.publish(&txn, now, &caller, &event).await?;
    writes::audit_signed(&txn, &caller, now, role, &d, &issue, &signer).await?;
    let view = decision_view(&txn, updated, false).await?;
    txn.commit().await?;
    Ok(answer(StatusCode::OK, &view))
}

/// The 409 of a body whose issuing profile is not configured yet.
fn profile_missing() -> ApiError {
    ApiError::new(ErrorCode::BodyProfileMissing).with_detail(
        "Quản trị chưa cấu hình thông tin cơ quan ban hành (tên, số ký hiệu, người ký)",
        "The admin has not configured the issuing body (name, symbol, signers)",
    )
}

/// The 409 of a signer whose title the body profile does not give.
fn signer_not_configured() -> ApiError {
    ApiError::new(ErrorCode::SignerNotConfigured).with_detail(
        "Hồ sơ cơ quan chưa ghi chức danh của bạn (ví dụ CHỦ TỊCH, hoặc KT. CHỦ TỊCH / PHÓ CHỦ TỊCH); quản trị cần bổ sung trước khi ký",
        "The body profile has no title for you (e.g. CHỦ TỊCH, or KT. CHỦ TỊCH / PHÓ CHỦ TỊCH); the admin must add it before you sign",
    )
}

/// `decision.issued`, telling intake each dossier's outcome (in dossier order).
fn issued_event(
    decision_id: Uuid,
    number: &str,
    signed_on: NaiveDate,
    items: &[item::Model],
) -> DecisionIssued {
    let mut outcomes: Vec<DossierOutcome> = items
        .iter()
        .map(|i| DossierOutcome {
            dossier_id: i.dossier_id,
            recognised: i.recognised,
            reason: i.reason.clone(),
        })
        .collect();
    outcomes.sort_by_key(|o| o.dossier_id);
    DecisionIssued {
        decision_id,
        number: number.to_owned(),
        signed_on,
        outcomes,
    }
}
