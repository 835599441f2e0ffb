//! Moving a dossier through its lifecycle: submit, confirm or return, register or ask for
//! corrections, withdraw; reopening the window for one dossier; the receipt.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDate;
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, IntoActiveModel, QueryFilter, QueryOrder,
    sea_query::{Expr, OnConflict},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use sangkien_kit::http::with_location;
use sangkien_kit::{
    ApiError, audit::AuditEntry, auth::Caller, db::begin_write, error::Issues, http::paging::etag,
    idempotent::Idempotency, service::ServiceContext, store::find_in_tenant,
};
use sangkien_proto::{
    ErrorCode, Role,
    events::{AuthorInfo, DossierReceived, DossierWithdrawn},
};

use super::{
    AttachmentView, DossierView, Loaded, Relation, current_attachments, load, load_for_update,
    view_of,
};
use crate::{
    api::{
        common::{audit, remember_answer, wrong_status},
        plans::{fields_of, plan_of, stage_infos},
    },
    domain::{
        deadline::{decision_due, default_correction_deadline},
        form::{Form, check_complete},
        lifecycle::{Action, Status, next},
        plan::FieldSpec,
        window::local_date,
    },
    store::{
        self,
        entities::{attachment, dossier, register_counter, window_exception},
    },
};

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/dossiers/{id}/submit", web::post().to(submit))
        .route("/dossiers/{id}/confirm", web::post().to(confirm))
        .route("/dossiers/{id}/return", web::post().to(return_to_author))
        .route("/dossiers/{id}/register", web::post().to(register))
        .route(
            "/dossiers/{id}/request-correction",
            web::post().to(request_correction),
        )
        .route("/dossiers/{id}/withdraw", web::post().to(withdraw))
        .route(
            "/dossiers/{id}/window-exception",
            web::post().to(reopen_window),
        )
        .route("/dossiers/{id}/receipt", web::get().to(receipt))
        .route("/dossiers/{id}/receipt.docx", web::get().to(receipt_docx));
}

/// A reason, required when sending back or withdrawing.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    /// Why (shown to the author and kept).
    pub reason: String,
}

/// A request for corrections.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionRequest {
    /// What to correct.
    pub reason: String,
    /// Last local date to resubmit; one month when absent.
    pub deadline: Option<NaiveDate>,
}

/// Reopening the receive window for one dossier.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WindowExceptionInput {
    /// Why the dossier may come late (kept and shown).
    pub reason: String,
    /// Last local date it may be submitted.
    pub until: NaiveDate,
}

/// The receipt (phiếu tiếp nhận) of a registered dossier.
#[derive(Debug, Serialize, ToSchema)]
pub struct Receipt {
    pub dossier_id: Uuid,
    /// `163/KH-UBND`.
    pub plan_symbol: String,
    /// Field name.
    pub field_name: String,
    /// Register number in the plan and field.
    pub register_number: i32,
    /// The initiative's name.
    pub name: String,
    pub authors: Vec<String>,
    /// The office that received it.
    pub receiving_unit_id: Uuid,
    pub received_on: NaiveDate,
    /// The result is due by this date [Charter Art. 6(2)].
    pub decision_due_on: NaiveDate,
    /// The receipt in one sentence, for printing.
    pub text_vi: String,
}

fn reason_of(issues: &mut Issues, reason: &str) -> String {
    issues.text("reason", reason, 2000)
}

fn step(loaded: &Loaded, action: Action, vi: &str, en: &str) -> Result<Status, ApiError> {
    let status = loaded.status();
    next(status, action).ok_or_else(|| wrong_status(vi, en, status.as_str()))
}

/// Saves the dossier's new status and other changes, bumping its version.
async fn save<C: ConnectionTrait>(
    txn: &C,
    d: &dossier::Model,
    status: Status,
    now: chrono::DateTime<chrono::Utc>,
    change: impl FnOnce(&mut dossier::ActiveModel),
) -> Result<dossier::Model, ApiError> {
    let mut m = d.clone().into_active_model();
    m.status = Set(status.as_str().into());
    m.version = Set(d.version + 1);
    m.updated_at = Set(now);
    change(&mut m);
    Ok(dossier::Entity::update(m).exec(txn).await?)
}

async fn answer<C: ConnectionTrait>(
    txn: &C,
    loaded: Loaded,
    updated: dossier::Model,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<DossierView, ApiError> {
    let loaded = Loaded {
        dossier: updated,
        ..loaded
    };
    view_of(txn, &loaded, now).await
}

fn ok(view: &DossierView) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("ETag", etag(view.version)))
        .json(view)
}

/// Checks the receive window (or the correction deadline) at `now`.
async fn check_window<C: ConnectionTrait>(
    db: &C,
    loaded: &Loaded,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ApiError> {
    let today = local_date(now);
    let d = &loaded.dossier;
    if loaded.status() == Status::CorrectionRequested {
        return match d.correction_due_on {
            Some(due) if today > due => Err(ApiError::new(ErrorCode::WindowClosed).with_detail(
                format!("Đã quá hạn bổ sung hồ sơ ({})", due.format("%d/%m/%Y")),
                format!(
                    "The correction deadline ({}) has passed",
                    due.format("%d/%m/%Y")
                ),
            )),
            _ => Ok(()),
        };
    }
    if loaded.field.receive.contains(now) {
        return Ok(());
    }
    let exception = window_exception::Entity::find()
        .filter(window_exception::Column::DossierId.eq(d.id))
        .order_by_desc(window_exception::Column::Until)
        .one(db)
        .await?;
    if exception.is_some_and(|e| today <= e.until) {
        return Ok(());
    }
    let window = loaded.field.receive.display();
    let name = &loaded.field.name;
    Err(ApiError::new(ErrorCode::WindowClosed).with_detail(
        format!("Ngoài thời gian nhận hồ sơ lĩnh vực «{name}» ({window})"),
        format!("Outside the receive window of the field «{name}» ({window})"),
    ))
}

/// Submits the dossier: to the unit head, or after a correction request straight back to
/// the receiving office. Only inside the field's receive window (local dates, the whole
/// last day included) unless the office reopened it for this dossier. The submitted version
/// is kept unchanged. `Idempotency-Key` accepted.
#[utoipa::path(
    post,
    path = "/api/v1/intake/dossiers/{id}/submit",
    tag = "dossiers",
    request_body(content = sangkien_kit::http::contract::Empty, description = "Nothing: `{}`"),
    params(
        ("id" = Uuid, Path, description = "Dossier id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Retry-safe submission"),
    ),
    responses(
        (status = 200, description = "Submitted", body = DossierView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"))),
        (status = 409, description = "`window_closed` naming the window, or not submittable now", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every gap of the form", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn submit(
    req: HttpRequest,
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let idem = Idempotency::from_request(&req, &body)?;
    if let Some(i) = &idem
        && let Some(replay) = i.replay(&ctx.db, caller.user, ctx.clock.now()).await?
    {
        return Ok(replay);
    }
    let now = ctx.clock.now();
    let txn = begin_write(&ctx.db).await?;
    let loaded = load_for_update(&txn, &caller, id.into_inner()).await?;
    loaded.require(Relation::Owner)?;
    let status = step(&loaded, Action::Submit, "nộp", "submit")?;
    check_window(&txn, &loaded, now).await?;
    let form = loaded.form()?;
    let attachments = current_attachments(&txn, loaded.dossier.id).await?;
    check_submittable(&form, &attachments)?;
    let d = loaded.dossier.clone();
    let number = d.submissions + 1;
    let files: Vec<AttachmentView> = attachments.into_iter().map(AttachmentView::from).collect();
    let files = serde_json::to_string(&files).map_err(ApiError::internal)?;
    store::dossiers::insert_version(&txn, &d, number, files, caller.user, now).await?;
    let updated = save(&txn, &d, status, now, |m| {
        m.submissions = Set(number);
        m.submitted_at = Set(Some(now));
    })
    .await?;
    audit_submitted(&txn, &ctx, &caller, &d, number, status).await?;
    let view = answer(&txn, loaded, updated, now).await?;
    let version = view.version;
    remember_answer(&txn, idem.as_ref(), &caller, 200, &view, None, version, now).await?;
    txn.commit().await?;
    Ok(ok(&view))
}

/// Checks the form is complete and a file attached, every gap at once: only then it is sent.
fn check_submittable(form: &Form, attachments: &[attachment::Model]) -> Result<(), ApiError> {
    let mut issues = Issues::new();
    check_complete(form, &mut issues);
    if attachments.is_empty() {
        issues.push(
            "attachments",
            "required",
            "Cần đính kèm báo cáo mô tả sáng kiến",
            "Attach the initiative's description report",
        );
    }
    issues.finish()
}

/// Audits the submission of version `number` of `d`, so the handler names the step.
async fn audit_submitted<C: ConnectionTrait>(
    txn: &C,
    ctx: &ServiceContext,
    caller: &Caller,
    d: &dossier::Model,
    number: i32,
    status: Status,
) -> Result<(), ApiError> {
    audit(
        txn,
        ctx,
        caller,
        AuditEntry {
            action: "dossier.submitted",
            subject_type: "dossier",
            subject_id: d.id,
            role: Role::Author.as_str(),
            details: serde_json::json!({ "version": number, "status": status.as_str() }),
        },
    )
    .await
}

/// The unit head confirms the dossier; it goes to the receiving office.
#[utoipa::path(
    post,
    path = "/api/v1/intake/dossiers/{id}/confirm",
    tag = "dossiers",
    params(("id" = Uuid, Path, description = "Dossier id")),
    responses(
        (status = 200, description = "Confirmed", body = DossierView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"))),
        (status = 403, description = "Not the head of the author's unit", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not waiting for confirmation", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn confirm(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let now = ctx.clock.now();
    let txn = begin_write(&ctx.db).await?;
    let loaded = load_for_update(&txn, &caller, id.into_inner()).await?;
    loaded.require(Relation::UnitHead)?;
    let status = step(&loaded, Action::Confirm, "xác nhận", "confirm")?;
    let d = loaded.dossier.clone();
    let updated = save(&txn, &d, status, now, |m| {
        m.confirmed_by = Set(Some(caller.user));
        m.last_reason = Set(None);
    })
    .await?;
    audit(
        &txn,
        &ctx,
        &caller,
        AuditEntry {
            action: "dossier.confirmed",
            subject_type: "dossier",
            subject_id: d.id,
            role: Role::UnitHead.as_str(),
            details: serde_json::json!({}),
        },
    )
    .await?;
    let view = answer(&txn, loaded, updated, now).await?;
    txn.commit().await?;
    Ok(ok(&view))
}

/// The unit head returns the dossier to its author with a reason.
#[utoipa::path(
    post,
    path = "/api/v1/intake/dossiers/{id}/return",
    tag = "dossiers",
    params(("id" = Uuid, Path, description = "Dossier id")),
    request_body = Reason,
    responses(
        (status = 200, description = "Returned to the author", body = DossierView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"))),
        (status = 409, description = "Not waiting for confirmation", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn return_to_author(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: web::Json<Reason>,
) -> Result<HttpResponse, ApiError> {
    let mut issues = Issues::new();
    let reason = reason_of(&mut issues, &body.reason);
    issues.finish()?;
    let now = ctx.clock.now();
    let txn = begin_write(&ctx.db).await?;
    let loaded = load_for_update(&txn, &caller, id.into_inner()).await?;
    loaded.require(Relation::UnitHead)?;
    let status = step(&loaded, Action::Return, "trả lại", "return")?;
    let d = loaded.dossier.clone();
    let updated = save(&txn, &d, status, now, |m| {
        m.last_reason = Set(Some(reason.clone()))
    })
    .await?;
    audit(
        &txn,
        &ctx,
        &caller,
        AuditEntry {
            action: "dossier.returned",
            subject_type: "dossier",
            subject_id: d.id,
            role: Role::UnitHead.as_str(),
            details: serde_json::json!({ "reason": reason }),
        },
    )
    .await?;
    let view = answer(&txn, loaded, updated, now).await?;
    txn.commit().await?;
    Ok(ok(&view))
}

/// The next register number of the plan's field, without gaps or reuse: the counter row is
/// locked by the update until the transaction ends.
async fn next_register_number<C: ConnectionTrait>(
    txn: &C,
    plan: Uuid,
    field: &str,
) -> Result<i32, ApiError> {
    register_counter::Entity::insert(register_counter::ActiveModel {
        plan_id: Set(plan),
        field: Set(field.to_owned()),
        last: Set(0),
    })
    .on_conflict(
        OnConflict::columns([
            register_counter::Column::PlanId,
            register_counter::Column::Field,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(txn)
    .await?;
    register_counter::Entity::update_many()
        .col_expr(
            register_counter::Column::Last,
            Expr::col(register_counter::Column::Last).add(1),
        )
        .filter(register_counter::Column::PlanId.eq(plan))
        .filter(register_counter::Column::Field.eq(field))
        .exec(txn)
        .await?;
    let row = register_counter::Entity::find()
        .filter(register_counter::Column::PlanId.eq(plan))
        .filter(register_counter::Column::Field.eq(field))
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("register counter vanished")))?;
    Ok(row.last)
}

fn receipt_of(loaded: &Loaded, d: &dossier::Model) -> Result<Option<Receipt>, ApiError> {
    let (Some(number), Some(received_on), Some(due)) =
        (d.register_number, d.received_on, d.decision_due_on)
    else {
        return Ok(None);
    };
    let form: crate::domain::form::Form =
        serde_json::from_str(&d.form).map_err(ApiError::internal)?;
    let text_vi = format!(
        "Hồ sơ số {number} lĩnh vực {} theo Kế hoạch số {} được tiếp nhận ngày {}; kết quả xét công nhận được trả trước ngày {}.",
        loaded.field.name,
        loaded.plan.symbol,
        received_on.format("%d/%m/%Y"),
        due.format("%d/%m/%Y"),
    );
    Ok(Some(Receipt {
        dossier_id: d.id,
        plan_symbol: loaded.plan.symbol.clone(),
        field_name: loaded.field.name.clone(),
        register_number: number,
        name: form.name,
        authors: form.authors.into_iter().map(|a| a.full_name).collect(),
        receiving_unit_id: loaded.field.receiving_unit_id,
        received_on,
        decision_due_on: due,
        text_vi,
    }))
}

/// The receiving office registers the dossier: it takes the next register number of the
/// plan's field, the receipt states when the result is due (three months on), and
/// `dossier.received` opens the appraisal case.
#[utoipa::path(
    post,
    path = "/api/v1/intake/dossiers/{id}/register",
    tag = "dossiers",
    params(("id" = Uuid, Path, description = "Dossier id")),
    responses(
        (status = 200, description = "Registered; the receipt", body = Receipt, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"))),
        (status = 403, description = "Not the field's receiving office", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not confirmed by the unit head", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn register(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let now = ctx.clock.now();
    let txn = begin_write(&ctx.db).await?;
    let loaded = load_for_update(&txn, &caller, id.into_inner()).await?;
    loaded.require(Relation::ReceivingOffice)?;
    let status = step(&loaded, Action::Register, "tiếp nhận", "register")?;
    let d = loaded.dossier.clone();
    let number = next_register_number(&txn, d.plan_id, &d.field).await?;
    let received_on = local_date(now);
    let due = decision_due(received_on);
    let updated = save(&txn, &d, status, now, |m| {
        m.register_number = Set(Some(number));
        m.received_on = Set(Some(received_on));
        m.decision_due_on = Set(Some(due));
        m.correction_due_on = Set(None);
        m.last_reason = Set(None);
    })
    .await?;
    let form = loaded.form()?;
    audit_registered(&txn, &ctx, &caller, &d, number, due).await?;
    let event = received_event(&loaded, &form, number, received_on, due);
    ctx.outbox.publish(&txn, now, &caller, &event).await?;
    let receipt = receipt_of(&loaded, &updated)?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("registered without receipt")))?;
    ctx.outbox.commit(txn).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("ETag", etag(updated.version)))
        .json(receipt))
}

/// Audits the registration of `d` under `number`, so the handler names the step.
async fn audit_registered<C: ConnectionTrait>(
    txn: &C,
    ctx: &ServiceContext,
    caller: &Caller,
    d: &dossier::Model,
    number: i32,
    due: NaiveDate,
) -> Result<(), ApiError> {
    audit(
        txn,
        ctx,
        caller,
        AuditEntry {
            action: "dossier.registered",
            subject_type: "dossier",
            subject_id: d.id,
            role: Role::ReceivingOffice.as_str(),
            details: serde_json::json!({ "register_number": number, "decision_due_on": due }),
        },
    )
    .await
}

/// `dossier.received` for the dossier of `loaded` and its `form`: it opens the appraisal case.
fn received_event(
    loaded: &Loaded,
    form: &Form,
    number: i32,
    received_on: NaiveDate,
    due: NaiveDate,
) -> DossierReceived {
    let d = &loaded.dossier;
    DossierReceived {
        dossier_id: d.id,
        plan_id: d.plan_id,
        field: d.field.clone(),
        register_number: number,
        name: form.name.clone(),
        kind: form
            .kind
            .map(|k| {
                serde_json::to_value(k)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            })
            .unwrap_or_default(),
        owner: d.owner,
        unit_id: d.unit_id,
        confirmed_by: d.confirmed_by,
        authors: form
            .authors
            .iter()
            .map(|a| AuthorInfo {
                full_name: a.full_name.clone(),
                user_id: a.user_id,
                unit_id: a.unit_id,
                contribution_percent: a.contribution_percent,
            })
            .collect(),
        version: d.submissions,
        received_on,
        decision_due_on: due,
        stages: stage_infos(&loaded.field),
    }
}

/// The receiving office asks for corrections with a deadline (one month when none given).
#[utoipa::path(
    post,
    path = "/api/v1/intake/dossiers/{id}/request-correction",
    tag = "dossiers",
    params(("id" = Uuid, Path, description = "Dossier id")),
    request_body = CorrectionRequest,
    responses(
        (status = 200, description = "Sent back for correction", body = DossierView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"))),
        (status = 409, description = "Not waiting for the office", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason, or a deadline in the past", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn request_correction(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: web::Json<CorrectionRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = ctx.clock.now();
    let today = local_date(now);
    let mut issues = Issues::new();
    let reason = reason_of(&mut issues, &body.reason);
    let deadline = body
        .deadline
        .unwrap_or_else(|| default_correction_deadline(today));
    if deadline < today {
        issues.push(
            "deadline",
            "in_the_past",
            "Hạn bổ sung đã qua",
            "The deadline is in the past",
        );
    }
    issues.finish()?;
    let txn = begin_write(&ctx.db).await?;
    let loaded = load_for_update(&txn, &caller, id.into_inner()).await?;
    loaded.require(Relation::ReceivingOffice)?;
    let status = step(
        &loaded,
        Action::RequestCorrection,
        "yêu cầu bổ sung",
        "ask for corrections on",
    )?;
    let d = loaded.dossier.clone();
    let updated = save(&txn, &d, status, now, |m| {
        m.correction_due_on = Set(Some(deadline));
        m.last_reason = Set(Some(reason.clone()));
    })
    .await?;
    audit(
        &txn,
        &ctx,
        &caller,
        AuditEntry {
            action: "dossier.correction_requested",
            subject_type: "dossier",
            subject_id: d.id,
            role: Role::ReceivingOffice.as_str(),
            details: serde_json::json!({ "reason": reason, "deadline": deadline }),
        },
    )
    .await?;
    let view = answer(&txn, loaded, updated, now).await?;
    txn.commit().await?;
    Ok(ok(&view))
}

/// The author withdraws the dossier, before its conclusion, with a reason.
#[utoipa::path(
    post,
    path = "/api/v1/intake/dossiers/{id}/withdraw",
    tag = "dossiers",
    params(("id" = Uuid, Path, description = "Dossier id")),
    request_body = Reason,
    responses(
        (status = 200, description = "Withdrawn", body = DossierView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"))),
        (status = 409, description = "Already concluded", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn withdraw(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: web::Json<Reason>,
) -> Result<HttpResponse, ApiError> {
    let mut issues = Issues::new();
    let reason = reason_of(&mut issues, &body.reason);
    issues.finish()?;
    let now = ctx.clock.now();
    let txn = begin_write(&ctx.db).await?;
    let loaded = load_for_update(&txn, &caller, id.into_inner()).await?;
    loaded.require(Relation::Owner)?;
    let before = loaded.status();
    let status = step(&loaded, Action::Withdraw, "rút", "withdraw")?;
    let d = loaded.dossier.clone();
    let updated = save(&txn, &d, status, now, |m| {
        m.last_reason = Set(Some(reason.clone()))
    })
    .await?;
    audit(
        &txn,
        &ctx,
        &caller,
        AuditEntry {
            action: "dossier.withdrawn",
            subject_type: "dossier",
            subject_id: d.id,
            role: Role::Author.as_str(),
            details: serde_json::json!({ "reason": reason, "was": before.as_str() }),
        },
    )
    .await?;
    if d.received_on.is_some() {
        ctx.outbox
            .publish(
                &txn,
                now,
                &caller,
                &DossierWithdrawn {
                    dossier_id: d.id,
                    reason: reason.clone(),
                },
            )
            .await?;
    }
    let view = answer(&txn, loaded, updated, now).await?;
    ctx.outbox.commit(txn).await?;
    Ok(ok(&view))
}

/// The field's receiving office reopens the receive window for one dossier, with a reason,
/// until a date. The exception is recorded.
#[utoipa::path(
    post,
    path = "/api/v1/intake/dossiers/{id}/window-exception",
    tag = "dossiers",
    params(("id" = Uuid, Path, description = "Dossier id")),
    request_body = WindowExceptionInput,
    responses(
        (status = 201, description = "Reopened for this dossier", headers(("Location" = String, description = "The path of what was created (or of the list it joined): follow it to read it"))),
        (status = 403, description = "Not the field's receiving office", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason, or a date in the past", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn reopen_window(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: web::Json<WindowExceptionInput>,
) -> Result<HttpResponse, ApiError> {
    let now = ctx.clock.now();
    let reason = check_reopen(&body, now)?;
    let txn = begin_write(&ctx.db).await?;
    let (d, field) = reopenable(&txn, &caller, id.into_inner()).await?;
    let id =
        store::dossiers::insert_window_exception(&txn, d.id, body.until, &reason, caller.user, now)
            .await?;
    audit(
        &txn,
        &ctx,
        &caller,
        AuditEntry {
            action: "dossier.window_reopened",
            subject_type: "dossier",
            subject_id: d.id,
            role: Role::ReceivingOffice.as_str(),
            details: serde_json::json!({ "reason": reason, "until": body.until, "window": field.receive.display() }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(with_location(
        HttpResponse::Created().json(serde_json::json!({
            "id": id,
            "dossier_id": d.id,
            "until": body.until,
            "reason": reason,
        })),
        &format!("/api/v1/intake/dossiers/{}", d.id),
    ))
}

/// Checks a window exception's reason and date, every problem at once; returns the reason.
fn check_reopen(
    body: &WindowExceptionInput,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<String, ApiError> {
    let mut issues = Issues::new();
    let reason = reason_of(&mut issues, &body.reason);
    if body.until < local_date(now) {
        issues.push(
            "until",
            "in_the_past",
            "Ngày đã qua",
            "The date is in the past",
        );
    }
    issues.finish()?;
    Ok(reason)
}

/// Dossier `id` and its field, if the caller is its office and it is a draft or returned.
async fn reopenable<C: ConnectionTrait>(
    txn: &C,
    caller: &Caller,
    id: Uuid,
) -> Result<(dossier::Model, FieldSpec), ApiError> {
    // The office may not read a draft, but it may let it in late: checked on the field.
    let d = find_in_tenant::<dossier::Entity>(txn, caller.tenant, id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::DossierNotFound))?;
    let plan = plan_of(txn, caller, d.plan_id).await?;
    let field = fields_of(&plan)?
        .into_iter()
        .find(|f| f.code == d.field)
        .ok_or_else(|| ApiError::new(ErrorCode::DossierNotFound))?;
    if !caller.has_role_on(Role::ReceivingOffice, field.receiving_unit_id) {
        return Err(ApiError::new(ErrorCode::DossierNotFound));
    }
    let status = Status::parse(&d.status).unwrap_or(Status::Draft);
    if !matches!(status, Status::Draft | Status::Returned) {
        return Err(wrong_status(
            "mở lại hạn nộp cho",
            "reopen the window for",
            status.as_str(),
        ));
    }
    Ok((d, field))
}

/// The receipt of a registered dossier.
#[utoipa::path(
    get,
    path = "/api/v1/intake/dossiers/{id}/receipt",
    tag = "dossiers",
    params(("id" = Uuid, Path, description = "Dossier id")),
    responses(
        (status = 200, description = "The receipt", body = Receipt),
        (status = 404, description = "Not registered (yet), or not yours to see", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn receipt(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let loaded = load(&ctx.db, &caller, id.into_inner()).await?;
    match receipt_of(&loaded, &loaded.dossier)? {
        Some(r) => Ok(HttpResponse::Ok().json(r)),
        None => Err(ApiError::new(ErrorCode::NotFound).with_detail(
            "Hồ sơ chưa được tiếp nhận",
            "The dossier has not been registered yet",
        )),
    }
}

/// The DOCX media type.
const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// The receipt of a registered dossier as a printable DOCX in the official layout (giấy
/// biên nhận hồ sơ): number, date received, name, authors, unit, field, plan, the papers
/// received by name, who received it, the office and its place. Whoever may read the dossier
/// may download it: the office that keeps it and the dossier's authors.
#[utoipa::path(
    get,
    path = "/api/v1/intake/dossiers/{id}/receipt.docx",
    tag = "dossiers",
    params(("id" = Uuid, Path, description = "Dossier id")),
    responses(
        (status = 200, description = "The receipt", content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", body = inline(sangkien_kit::http::contract::Binary)),
        (status = 404, description = "Not registered (yet), or not yours to see", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn receipt_docx(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let loaded = load(&ctx.db, &caller, id.into_inner()).await?;
    let d = &loaded.dossier;
    let (Some(number), Some(received_on), Some(due)) =
        (d.register_number, d.received_on, d.decision_due_on)
    else {
        return Err(ApiError::new(ErrorCode::NotFound).with_detail(
            "Hồ sơ chưa được tiếp nhận",
            "The dossier has not been registered yet",
        ));
    };
    let form = loaded.form()?;
    let facts = crate::store::receipts::facts_of(&ctx.db, &caller, &loaded).await?;
    let paper = crate::receipt::ReceiptPaper {
        superior: facts.superior,
        place: crate::receipt::place_of(facts.place_unit.as_deref().unwrap_or_default()),
        office: facts.office,
        register_number: number,
        received_on,
        decision_due_on: due,
        plan_symbol: loaded.plan.symbol.clone(),
        plan_title: loaded.plan.title.clone(),
        field_name: loaded.field.name.clone(),
        name: form.name.clone(),
        authors: form
            .authors
            .iter()
            .map(|a| crate::receipt::author_line(&a.full_name, a.contribution_percent))
            .collect(),
        unit: facts.unit,
        attachments: current_attachments(&ctx.db, d.id)
            .await?
            .into_iter()
            .map(|a| a.name)
            .collect(),
        received_by: facts.received_by,
        created: facts.registered_at.unwrap_or(d.updated_at),
    };
    let bytes = crate::receipt::paper(&paper)
        .render()
        .map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type(DOCX)
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"bien-nhan-{number}.docx\""),
        ))
        .body(bytes))
}
