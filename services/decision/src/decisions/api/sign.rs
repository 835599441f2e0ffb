//! Signing: the signer's configured title, the next number of the body's register taken in
//! the signing transaction (no gap, no reuse), the decision frozen with the profile of the day,
//! and `decision.issued` with each dossier's outcome.

use crate::decisions::domain::status::DecisionStatus;
use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use chrono::{Datelike, NaiveDate};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    sea_query::{Expr, OnConflict},
};
use uuid::Uuid;

use sangkien_kit::{
    ApiError,
    audit::{self, AuditEntry},
    auth::Caller,
    clock::local_date,
    db::begin_write,
    service::ServiceContext,
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
    store::{counter, decision, item, profile},
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
    let stored = profile::Entity::find_by_id(caller.tenant)
        .one(&txn)
        .await?
        .ok_or_else(|| {
            ApiError::new(ErrorCode::BodyProfileMissing).with_detail(
                "Quản trị chưa cấu hình thông tin cơ quan ban hành (tên, số ký hiệu, người ký)",
                "The admin has not configured the issuing body (name, symbol, signers)",
            )
        })?;
    let p: BodyProfile = serde_json::from_str(&stored.profile).map_err(ApiError::internal)?;
    let Some(signer) = p.signer(caller.user).cloned() else {
        return Err(ApiError::new(ErrorCode::SignerNotConfigured).with_detail(
            "Hồ sơ cơ quan chưa ghi chức danh của bạn (ví dụ CHỦ TỊCH, hoặc KT. CHỦ TỊCH / PHÓ CHỦ TỊCH); quản trị cần bổ sung trước khi ký",
            "The body profile has no title for you (e.g. CHỦ TỊCH, or KT. CHỦ TỊCH / PHÓ CHỦ TỊCH); the admin must add it before you sign",
        ));
    };
    let items = item::Entity::find()
        .filter(item::Column::DecisionId.eq(d.id))
        .all(&txn)
        .await?;
    if items.is_empty() {
        return Err(ApiError::new(ErrorCode::InvalidTransition).with_detail(
            "Quyết định không có hồ sơ nào",
            "The decision decides no dossier",
        ));
    }
    let on = local_date(now);
    let n = take_number(&txn, caller.tenant, &p.decision_type, on).await?;
    let text = number_text(n, &p.decision_type, &p.document_symbol);
    let mut am = d.clone().into_active_model();
    am.status = Set(DecisionStatus::Issued.code().into());
    am.number = Set(Some(n));
    am.number_text = Set(Some(text.clone()));
    am.signed_on = Set(Some(on));
    am.signed_by = Set(Some(caller.user));
    am.issued_profile = Set(Some(stored.profile.clone()));
    am.version = Set(d.version + 1);
    am.updated_at = Set(now);
    let updated = decision::Entity::update(am).exec(&txn).await?;
    let mut outcomes: Vec<DossierOutcome> = items
        .iter()
        .map(|i| DossierOutcome {
            dossier_id: i.dossier_id,
            recognised: i.recognised,
            reason: i.reason.clone(),
        })
        .collect();
    outcomes.sort_by_key(|o| o.dossier_id);
    let event = DecisionIssued {
        decision_id: d.id,
        number: text.clone(),
        signed_on: on,
        outcomes,
    };
    ctx.outbox.publish(&txn, now, &caller, &event).await?;
    audit::record(
        &txn,
        &caller,
        now,
        AuditEntry {
            action: "decision.signed",
            subject_type: "decision",
            subject_id: d.id,
            role: role.as_str(),
            details: serde_json::json!({
                "number": n, "number_text": text, "doc_type": p.decision_type,
                "register_year": on.year(), "signed_on": on, "titles": signer.titles,
                "name": signer.name,
            }),
        },
    )
    .await?;
    let view = decision_view(&txn, updated, false).await?;
    txn.commit().await?;
    Ok(answer(StatusCode::OK, &view))
}
