//! The estimate's papers for download: the DOCX the finance office appraises and files, and
//! the same as an XLSX report (`budget::papers`).

use crate::budget::domain::status::EstimateStatus;
use crate::budget::domain::status::LineAppraisal;
use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use sea_orm::EntityTrait;
use uuid::Uuid;

use sangkien_kit::{ApiError, auth::Caller, clock::local_date, service::ServiceContext};
use sangkien_proto::ErrorCode;

use super::{READERS, no_plan, views::estimate_of, xlsx};
use crate::budget::{
    papers::{EstimateLine, EstimatePaper, estimate_paper, estimate_report},
    store::queries,
};
use crate::decisions::{documents::DOCX, domain::profile::BodyProfile, store::profile};

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/budget/estimates/{id}/document",
        web::get().to(estimate_docx),
    )
    .route(
        "/budget/estimates/{id}/document.xlsx",
        web::get().to(estimate_xlsx),
    );
}

/// The body profile of the caller's tenant; `body_profile_missing` without one.
async fn profile_of<C: sea_orm::ConnectionTrait>(
    db: &C,
    caller: &Caller,
) -> Result<BodyProfile, ApiError> {
    match profile::Entity::find_by_id(caller.tenant).one(db).await? {
        Some(row) => serde_json::from_str(&row.profile).map_err(ApiError::internal),
        None => Err(ApiError::new(ErrorCode::BodyProfileMissing)),
    }
}

/// Who issues the tenant's reports, from its body profile: the body, its superior and place,
/// and the head (the first signer). A tenant without a profile gets its reports without a
/// body name rather than none.
pub async fn issuer_of<C: sea_orm::ConnectionTrait>(
    db: &C,
    caller: &Caller,
) -> Result<xlsx::Issuer, ApiError> {
    Ok(match profile_of(db, caller).await {
        Ok(p) => {
            let superior = p.superior_name.trim().to_owned();
            xlsx::Issuer {
                superior: (!superior.is_empty()).then_some(superior),
                head: p
                    .signers
                    .first()
                    .map(|s| s.name.clone())
                    .unwrap_or_default(),
                place: p.place_name,
                body: p.full_name,
            }
        }
        Err(e) if e.code == ErrorCode::BodyProfileMissing => xlsx::Issuer {
            superior: None,
            body: String::new(),
            place: String::new(),
            head: String::new(),
        },
        Err(e) => return Err(e),
    })
}

/// Everything the estimate's papers say, from what is stored.
async fn paper_of(
    ctx: &ServiceContext,
    caller: &Caller,
    id: Uuid,
) -> Result<EstimatePaper, ApiError> {
    let e = estimate_of(&ctx.db, caller, id).await?;
    let plan = queries::plan_in(&ctx.db, caller.tenant, e.plan_id)
        .await?
        .ok_or_else(no_plan)?;
    let body = profile_of(&ctx.db, caller).await?;
    let bases: BTreeMap<Uuid, String> = queries::rates_of(&ctx.db, caller.tenant)
        .await?
        .into_iter()
        .map(|r| (r.id, r.legal_basis))
        .collect();
    let lines = queries::lines_of(&ctx.db, e.id)
        .await?
        .into_iter()
        .map(|l| {
            Ok(EstimateLine {
                legal_basis: l
                    .rate_id
                    .and_then(|r| bases.get(&r).cloned())
                    .unwrap_or_default(),
                line_code: l.line_code,
                payee_role: l.payee_role,
                description: l.description,
                quantity: l.quantity,
                unit_amount: l.unit_amount,
                amount: l.amount,
                appraisal: LineAppraisal::stored(&l.appraisal)?,
                approved_amount: l.approved_amount,
                appraisal_reason: l.appraisal_reason,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let head = body.signers.first();
    let superior = body.superior_name.trim().to_owned();
    Ok(EstimatePaper {
        superior: (!superior.is_empty()).then_some(superior),
        place: body.place_name.clone(),
        symbol: body.document_symbol.clone(),
        plan_symbol: plan.symbol,
        year: e.year,
        revision: e.revision,
        status: EstimateStatus::stored(&e.status)?,
        dated: local_date(e.approved_at.unwrap_or(e.created_at)),
        lines,
        signer_titles: head.map(|s| s.titles.clone()).unwrap_or_default(),
        signer_name: head.map(|s| s.name.clone()).unwrap_or_default(),
        archive_line: body.archive_line.clone(),
        created: e.approved_at.unwrap_or(e.created_at),
        body: body.full_name,
    })
}

/// The budget estimate as DOCX (dự toán kinh phí, Decree 30/2020 layout): lines grouped by the
/// contents of Circular 03/2019/TT-BTC with quantity × rate = amount and each rate's legal
/// basis, the appraised amount beside the requested one, the finance office's adjustments with
/// reasons, the total in figures and in words. A draft is marked `DỰ THẢO`.
#[utoipa::path(
    get,
    path = "/api/v1/decision/budget/estimates/{id}/document",
    operation_id = "budget_estimate_document",
    tag = "budget",
    params(("id" = Uuid, Path, description = "Estimate id")),
    responses(
        (status = 200, description = "The estimate as a document", body = inline(sangkien_kit::http::contract::Binary), content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (status = 404, description = "No such estimate, or its plan is unknown", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`body_profile_missing`", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 400, description = "A path id is not a UUID (`invalid_path`)", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or bad bearer token", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a council secretariat, finance office, signer or admin caller", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn estimate_docx(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(READERS)?;
    let p = paper_of(&ctx, &caller, *id).await?;
    let bytes = estimate_paper(&p)
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("estimate total overflows")))?
        .render()
        .map_err(ApiError::internal)?;
    let file = format!("du-toan-kinh-phi-{}-{}.docx", p.year, p.revision);
    Ok(HttpResponse::Ok()
        .content_type(DOCX)
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{file}\""),
        ))
        .body(bytes))
}

/// The same estimate as an XLSX report (A4 landscape, one page wide, signature lines).
#[utoipa::path(
    get,
    path = "/api/v1/decision/budget/estimates/{id}/document.xlsx",
    operation_id = "budget_estimate_document_xlsx",
    tag = "budget",
    params(("id" = Uuid, Path, description = "Estimate id")),
    responses(
        (status = 200, description = "The estimate as a workbook", body = inline(sangkien_kit::http::contract::Binary), content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 404, description = "No such estimate, or its plan is unknown", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`body_profile_missing`", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 400, description = "A path id is not a UUID (`invalid_path`)", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or bad bearer token", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a council secretariat, finance office, signer or admin caller", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn estimate_xlsx(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(READERS)?;
    let p = paper_of(&ctx, &caller, *id).await?;
    let bytes = estimate_report(&p)
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("estimate total overflows")))?
        .render()
        .map_err(ApiError::internal)?;
    Ok(xlsx::answer(
        bytes,
        &format!("du-toan-kinh-phi-{}-{}.xlsx", p.year, p.revision),
    ))
}
