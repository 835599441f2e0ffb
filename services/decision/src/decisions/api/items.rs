//! The secretariat's edit of one item of a draft: recognised or refused with a written
//! reason, a concluded dossier of the same plan and field added, nothing else.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use sangkien_kit::{
    ApiError, auth::Caller, db::begin_write, error::Issues, service::ServiceContext,
};

use super::{
    DRAFTERS, claim_draft, decision_of,
    views::{answer, decision_view},
};
use crate::decisions::{
    domain::draft::{Conclusion, EditRefused, Item, edit},
    store::{decision, dossier, item, writes},
};

/// What the decision says about one dossier.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemInput {
    pub recognised: bool,
    /// Required, whichever way.
    pub reason: String,
}

/// Sets one dossier of a draft recognised or refused with a written reason (`If-Match`); a
/// dossier not yet in it is added only when concluded in the same plan and field and in no
/// other decision.
#[utoipa::path(
    put,
    path = "/api/v1/decision/decisions/{id}/items/{dossier_id}",
    tag = "decisions",
    params(sangkien_kit::http::contract::IfMatch,
        ("id" = Uuid, Path, description = "Decision id"),
        ("dossier_id" = Uuid, Path, description = "Dossier id"),
    ),
    request_body = ItemInput,
    responses(
        sangkien_kit::http::contract::Conditional,
        (status = 200, description = "Changed", body = super::views::DecisionView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"))),
        (status = 409, description = "Signed: `decision_issued`", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Reason missing; dossier not concluded, of another plan or field, or in another decision", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn edit_item(
    req: HttpRequest,
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
    body: web::Json<ItemInput>,
) -> Result<HttpResponse, ApiError> {
    let role = caller.require_any(DRAFTERS)?;
    let (id, dossier_id) = path.into_inner();
    let now = ctx.clock.now();
    let txn = begin_write(&ctx.db).await?;
    let d = decision_of(&txn, &caller, id).await?;
    claim_draft(&txn, &req, &d).await?;
    let x = writes::dossier_in(&txn, caller.tenant, dossier_id).await?;
    let existing = writes::item_of(&txn, dossier_id).await?;
    let (x, new) = checked_item(&d, dossier_id, x, existing.as_ref(), &body)?;
    let before = existing
        .as_ref()
        .map(|i| serde_json::json!({ "recognised": i.recognised, "reason": i.reason }));
    writes::set_item(&txn, &d, &x, existing, &new).await?;
    let updated = writes::bump(&txn, &d, now).await?;
    let change = writes::ItemChange {
        decision_id: d.id,
        dossier_id,
        before,
        after: &new,
    };
    writes::audit_item_set(&txn, &caller, now, role, change).await?;
    let view = decision_view(&txn, updated, false).await?;
    txn.commit().await?;
    Ok(answer(StatusCode::OK, &view))
}

/// Checks an item edit, collecting every issue: the dossier concluded, of the draft's plan
/// and field and in no other decision, and a written reason; returns the dossier and the
/// item as edited.
fn checked_item(
    d: &decision::Model,
    dossier_id: Uuid,
    x: Option<dossier::Model>,
    existing: Option<&item::Model>,
    body: &ItemInput,
) -> Result<(dossier::Model, Item), ApiError> {
    let mut issues = Issues::new();
    match (&x, existing) {
        (_, Some(i)) if i.decision_id != d.id => issues.push(
            "dossier_id",
            "in_another_decision",
            "Hồ sơ đã thuộc một quyết định khác",
            "The dossier is already in another decision",
        ),
        (Some(x), _) if !(x.concluded && x.received) => issues.push(
            "dossier_id",
            "not_concluded",
            "Hồ sơ chưa có kết luận thẩm định; không đưa vào quyết định được",
            "The dossier is not concluded; it cannot be decided",
        ),
        (None, _) => issues.push(
            "dossier_id",
            "not_concluded",
            "Hồ sơ chưa có kết luận thẩm định; không đưa vào quyết định được",
            "The dossier is not concluded; it cannot be decided",
        ),
        (Some(x), _) if x.plan_id != d.plan_id || x.field != d.field => issues.push(
            "dossier_id",
            "other_plan_or_field",
            "Hồ sơ thuộc kế hoạch hoặc lĩnh vực khác",
            "The dossier belongs to another plan or field",
        ),
        _ => {}
    }
    let conclusion = x.as_ref().map(|x| Conclusion {
        dossier_id,
        recommended: x.recommended,
        reason: x.conclusion_reason.clone(),
    });
    let edited = conclusion
        .as_ref()
        .map(|c| edit(c, body.recognised, &body.reason));
    if let Some(Err(refused)) = &edited {
        for r in refused {
            match r {
                EditRefused::ReasonMissing => issues.push(
                    "reason",
                    "required",
                    "Cần ghi rõ lý do",
                    "A written reason is required",
                ),
                EditRefused::ReasonTooLong => issues.push(
                    "reason",
                    "too_long",
                    "Lý do dài tối đa 2000 ký tự",
                    "The reason may have at most 2000 characters",
                ),
            }
        }
    } else if conclusion.is_none() && body.reason.trim().is_empty() {
        issues.push(
            "reason",
            "required",
            "Cần ghi rõ lý do",
            "A written reason is required",
        );
    }
    issues.finish()?;
    let (Some(x), Some(Ok(new))) = (x, edited) else {
        return Err(ApiError::internal(anyhow::anyhow!("checked above")));
    };
    Ok((x, new))
}
