//! Creating, listing, reading and editing dossiers.

use crate::domain::plan::PlanStatus;
use actix_web::{HttpRequest, HttpResponse, web};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use sangkien_kit::{
    ApiError,
    audit::AuditEntry,
    auth::Caller,
    db::begin_write,
    error::Issues,
    http::paging::{PageQuery, etag, next_cursor, require_if_match},
    idempotent::Idempotency,
    service::ServiceContext,
    store::TenantScoped,
    text::like,
};
use sangkien_proto::{ErrorCode, Role};

use super::{DossierView, Relation, load, load_for_update, relations, view_of};
use crate::{
    api::{
        common::{audit, parse_json, remember_answer, wrong_status},
        plans::{fields_of, plan_of},
    },
    domain::{
        form::{Form, check_draft, search_text},
        lifecycle::Status,
        plan::FieldSpec,
    },
    store::{
        self,
        entities::{dossier, plan},
    },
};

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/dossiers", web::post().to(create_dossier))
        .route("/dossiers", web::get().to(list_dossiers))
        .route("/dossiers/{id}", web::get().to(get_dossier))
        .route("/dossiers/{id}", web::put().to(update_dossier));
}

/// A new dossier.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DossierCreate {
    /// The published plan.
    pub plan_id: Uuid,
    /// The plan's field code.
    pub field: String,
    /// The unit the author submits from (one they hold `author` on); needed only when they
    /// hold it on several.
    pub unit_id: Option<Uuid>,
    /// The request form, complete or not.
    #[serde(default)]
    pub form: Form,
}

/// A dossier in a list (no form text).
#[derive(Debug, Serialize, ToSchema)]
pub struct DossierSummary {
    pub id: Uuid,
    pub plan_id: Uuid,
    pub field: String,
    /// The initiative's name.
    pub name: String,
    /// Its authors' names.
    pub authors: Vec<String>,
    pub status: Status,
    pub status_label: String,
    pub unit_id: Uuid,
    pub register_number: Option<i32>,
    pub decision_due_on: Option<chrono::NaiveDate>,
    pub submitted_at: Option<chrono::DateTime<chrono::Utc>>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// A page of dossiers.
#[derive(Debug, Serialize, ToSchema)]
pub struct DossierPage {
    pub items: Vec<DossierSummary>,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}

/// Filters of the dossier list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DossierFilter {
    /// The plan's year (`2022`).
    pub year: Option<i32>,
    pub plan_id: Option<Uuid>,
    /// Field code.
    pub field: Option<String>,
    pub status: Option<Status>,
    /// The authors' unit.
    pub unit_id: Option<Uuid>,
}

pub fn summary(d: dossier::Model) -> DossierSummary {
    let form: Form = serde_json::from_str(&d.form).unwrap_or_default();
    let status = Status::parse(&d.status).unwrap_or(Status::Draft);
    DossierSummary {
        id: d.id,
        plan_id: d.plan_id,
        field: d.field,
        name: form.name,
        authors: form.authors.into_iter().map(|a| a.full_name).collect(),
        status,
        status_label: status.label_vi().into(),
        unit_id: d.unit_id,
        register_number: d.register_number,
        decision_due_on: d.decision_due_on,
        submitted_at: d.submitted_at,
        updated_at: d.updated_at,
    }
}

fn with_etag(status: actix_web::http::StatusCode, v: &DossierView) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header(("ETag", etag(v.version)))
        .json(v)
}

/// Starts a dossier in a field of a published plan (`Idempotency-Key` accepted).
#[utoipa::path(
    post,
    path = "/api/v1/intake/dossiers",
    tag = "dossiers",
    request_body = DossierCreate,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe creation")),
    responses(
        (status = 201, description = "Draft created", body = DossierView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"), ("Location" = String, description = "The path of what was created (or of the list it joined): follow it to read it"))),
        (status = 403, description = "Not an author", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such published plan or field", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every problem of the form", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn create_dossier(
    req: HttpRequest,
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(&[Role::Author])?;
    let idem = Idempotency::from_request(&req, &body)?;
    if let Some(i) = &idem
        && let Some(replay) = i.replay(&ctx.db, caller.user, ctx.clock.now()).await?
    {
        return Ok(replay);
    }
    let input: DossierCreate = parse_json(&body)?;
    let unit_id = check_create(&caller, &input)?;
    let plan = plan_of(&ctx.db, &caller, input.plan_id).await?;
    let field = published_field(&plan, &input.field)?;
    let now = ctx.clock.now();
    let model = new_draft(&caller, &plan, &input, unit_id, now)?;
    let txn = begin_write(&ctx.db).await?;
    store::dossiers::insert_dossier(&txn, &model).await?;
    audit_created(&txn, &ctx, &caller, &model).await?;
    let loaded = super::Loaded {
        relations: relations(&caller, &model, None),
        field,
        dossier: model,
        plan,
    };
    let view = view_of(&txn, &loaded, now).await?;
    let location = format!("/api/v1/intake/dossiers/{}", view.id);
    let version = view.version;
    remember_answer(
        &txn,
        idem.as_ref(),
        &caller,
        201,
        &view,
        Some(&location),
        version,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", location))
        .insert_header(("ETag", etag(view.version)))
        .json(view))
}

/// Checks a new dossier's form and unit, every problem at once; returns the unit it is from.
fn check_create(caller: &Caller, input: &DossierCreate) -> Result<Uuid, ApiError> {
    let mut issues = Issues::new();
    check_draft(&input.form, &mut issues);
    let units = caller.units_with(Role::Author);
    let unit_id = match input.unit_id {
        Some(u) if units.contains(&u) => Some(u),
        Some(_) => {
            issues.push(
                "unit_id",
                "not_your_unit",
                "Bạn không phải tác giả của đơn vị này",
                "You are not an author of this unit",
            );
            None
        }
        None if units.len() == 1 => units.first().copied(),
        None => {
            issues.push(
                "unit_id",
                "required",
                "Bạn là tác giả ở nhiều đơn vị; hãy chọn đơn vị nộp hồ sơ",
                "You are an author in several units; name the one you submit from",
            );
            None
        }
    };
    issues.finish()?;
    unit_id.ok_or_else(|| ApiError::new(ErrorCode::Forbidden))
}

/// The field `code` of `plan`, which must be published: dossiers start only there.
fn published_field(plan: &plan::Model, code: &str) -> Result<FieldSpec, ApiError> {
    if plan.state() != Some(PlanStatus::Published) {
        return Err(ApiError::new(ErrorCode::PlanNotFound));
    }
    fields_of(plan)?
        .into_iter()
        .find(|f| f.code == code)
        .ok_or_else(|| {
            ApiError::new(ErrorCode::PlanNotFound).with_detail(
                format!("Kế hoạch không có lĩnh vực «{code}»"),
                format!("The plan has no field «{code}»"),
            )
        })
}

/// The row of a new draft by `caller` from `unit_id`, so the handler only inserts it.
fn new_draft(
    caller: &Caller,
    plan: &plan::Model,
    input: &DossierCreate,
    unit_id: Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<dossier::Model, ApiError> {
    Ok(dossier::Model {
        id: Uuid::now_v7(),
        tenant: caller.tenant,
        plan_id: plan.id,
        field: input.field.clone(),
        owner: caller.user,
        unit_id,
        status: Status::Draft.as_str().into(),
        form: serde_json::to_string(&input.form).map_err(ApiError::internal)?,
        search: search_text(&input.form),
        submissions: 0,
        register_number: None,
        received_on: None,
        decision_due_on: None,
        correction_due_on: None,
        confirmed_by: None,
        last_reason: None,
        outcome_reason: None,
        version: 1,
        created_at: now,
        updated_at: now,
        submitted_at: None,
    })
}

/// Audits the creation of draft `model`, so the handler names the step instead of the entry.
async fn audit_created<C: sea_orm::ConnectionTrait>(
    txn: &C,
    ctx: &ServiceContext,
    caller: &Caller,
    model: &dossier::Model,
) -> Result<(), ApiError> {
    audit(
        txn,
        ctx,
        caller,
        AuditEntry {
            action: "dossier.created",
            subject_type: "dossier",
            subject_id: model.id,
            role: Role::Author.as_str(),
            details: serde_json::json!({ "plan_id": model.plan_id, "field": model.field }),
        },
    )
    .await
}

/// Lists the dossiers the caller may see: their own, their unit's as unit head, their
/// field's as receiving office, all received ones as secretariat, all as admin.
#[utoipa::path(
    get,
    path = "/api/v1/intake/dossiers",
    tag = "dossiers",
    params(PageQuery, DossierFilter),
    responses((status = 200, description = "A page of dossiers", body = DossierPage)),
    security(("bearer" = []))
)]
pub async fn list_dossiers(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    page: web::Query<PageQuery>,
    filter: web::Query<DossierFilter>,
) -> Result<HttpResponse, ApiError> {
    let limit = page.limit()?;
    let mut q = visible_dossiers(&ctx.db, &caller, &filter).await?;
    if let Some(c) = page.cursor()? {
        q = q.filter(dossier::Column::Id.gt(c));
    }
    if let Some(text) = page.search() {
        q = q.filter(dossier::Column::Search.like(like(&text)));
    }
    let rows = q
        .order_by_asc(dossier::Column::Id)
        .limit(limit)
        .all(&ctx.db)
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    Ok(HttpResponse::Ok().json(DossierPage {
        next_cursor: next_cursor(&ids, limit),
        items: rows.into_iter().map(summary).collect(),
    }))
}

/// The dossiers `caller` may see, narrowed by `filter`: their own, their unit's as unit head,
/// their field's as receiving office, all received ones as secretariat, all as admin.
pub async fn visible_dossiers<C: sea_orm::ConnectionTrait>(
    db: &C,
    caller: &Caller,
    filter: &DossierFilter,
) -> Result<sea_orm::Select<dossier::Entity>, ApiError> {
    let mut visible = Condition::any().add(dossier::Column::Owner.eq(caller.user));
    let head_units = caller.units_with(Role::UnitHead);
    if !head_units.is_empty() {
        visible = visible.add(
            Condition::all()
                .add(dossier::Column::UnitId.is_in(head_units))
                .add(dossier::Column::Status.ne(Status::Draft.as_str())),
        );
    }
    let office_units = caller.units_with(Role::ReceivingOffice);
    if !office_units.is_empty() {
        let plans = plan::Entity::find_in(caller.tenant)
            .filter(plan::Column::Status.eq(PlanStatus::Published.code()))
            .all(db)
            .await?;
        for p in &plans {
            for f in fields_of(p)? {
                if office_units.contains(&f.receiving_unit_id) {
                    visible = visible.add(
                        Condition::all()
                            .add(dossier::Column::PlanId.eq(p.id))
                            .add(dossier::Column::Field.eq(f.code.clone()))
                            .add(dossier::Column::Status.is_not_in([
                                Status::Draft.as_str(),
                                Status::Submitted.as_str(),
                                Status::Returned.as_str(),
                            ])),
                    );
                }
            }
        }
    }
    if caller.has_role(Role::CouncilSecretariat) {
        visible = visible.add(dossier::Column::ReceivedOn.is_not_null());
    }
    let mut q = dossier::Entity::find_in(caller.tenant);
    if !caller.has_role(Role::Admin) {
        q = q.filter(visible);
    }
    if let Some(p) = filter.plan_id {
        q = q.filter(dossier::Column::PlanId.eq(p));
    }
    if let Some(f) = &filter.field {
        q = q.filter(dossier::Column::Field.eq(f.clone()));
    }
    if let Some(s) = filter.status {
        q = q.filter(dossier::Column::Status.eq(s.as_str()));
    }
    if let Some(u) = filter.unit_id {
        q = q.filter(dossier::Column::UnitId.eq(u));
    }
    if let Some(y) = filter.year {
        let of_year: Vec<Uuid> = plan::Entity::find_in(caller.tenant)
            .filter(plan::Column::Year.eq(y))
            .all(db)
            .await?
            .into_iter()
            .map(|p| p.id)
            .collect();
        q = q.filter(dossier::Column::PlanId.is_in(of_year));
    }
    Ok(q)
}

/// Reads a dossier.
#[utoipa::path(
    get,
    path = "/api/v1/intake/dossiers/{id}",
    tag = "dossiers",
    params(("id" = Uuid, Path, description = "Dossier id")),
    responses(
        (status = 200, description = "The dossier; ETag is its version", body = DossierView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"))),
        (status = 404, description = "No such dossier, or not yours to see", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn get_dossier(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let loaded = load(&ctx.db, &caller, id.into_inner()).await?;
    let view = view_of(&ctx.db, &loaded, ctx.clock.now()).await?;
    Ok(with_etag(actix_web::http::StatusCode::OK, &view))
}

/// Replaces the form of a draft (or of a returned or to-be-corrected dossier); `If-Match`
/// required.
#[utoipa::path(
    put,
    path = "/api/v1/intake/dossiers/{id}",
    tag = "dossiers",
    params(sangkien_kit::http::contract::IfMatch, ("id" = Uuid, Path, description = "Dossier id")),
    request_body = Form,
    responses(
        sangkien_kit::http::contract::Conditional,
        (status = 200, description = "Saved", body = DossierView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"))),
        (status = 409, description = "Not editable now", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every problem of the form", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn update_dossier(
    req: HttpRequest,
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: web::Json<Form>,
) -> Result<HttpResponse, ApiError> {
    let form = body.into_inner();
    let mut issues = Issues::new();
    check_draft(&form, &mut issues);
    issues.finish()?;
    let now = ctx.clock.now();
    let txn = begin_write(&ctx.db).await?;
    let loaded = load_for_update(&txn, &caller, id.into_inner()).await?;
    loaded.require(Relation::Owner)?;
    require_if_match(&req, loaded.dossier.version)?;
    let status = loaded.status();
    if !status.is_editable() {
        return Err(wrong_status("sửa", "edit", status.as_str()));
    }
    let d = loaded.dossier.clone();
    let mut m = d.clone().into_active_model();
    m.form = Set(serde_json::to_string(&form).map_err(ApiError::internal)?);
    m.search = Set(search_text(&form));
    m.version = Set(d.version + 1);
    m.updated_at = Set(now);
    let updated = dossier::Entity::update(m).exec(&txn).await?;
    audit(
        &txn,
        &ctx,
        &caller,
        AuditEntry {
            action: "dossier.edited",
            subject_type: "dossier",
            subject_id: d.id,
            role: Role::Author.as_str(),
            details: serde_json::json!({ "version": updated.version }),
        },
    )
    .await?;
    let loaded = super::Loaded {
        dossier: updated,
        ..loaded
    };
    let view = view_of(&txn, &loaded, now).await?;
    txn.commit().await?;
    Ok(with_etag(actix_web::http::StatusCode::OK, &view))
}
