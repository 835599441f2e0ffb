//! The office's register of received dossiers (sổ theo dõi hồ sơ) of one plan's field, as
//! XLSX in the official report layout: the office prints and files it.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use sangkien_kit::{ApiError, auth::Caller, clock::local_date, service::ServiceContext};
use sangkien_papers::xlsx::{Column, Report, Value};
use sangkien_proto::{ErrorCode, Role};

use super::drafts::{DossierFilter, summary, visible_dossiers};
use crate::{
    api::plans::{fields_of, plan_of},
    domain::{form::Form, plan::FieldSpec},
    store::{
        self, directory,
        entities::{dossier, plan},
    },
};

/// Who keeps and reads the register.
const REGISTER_READERS: &[Role] = &[Role::ReceivingOffice, Role::CouncilSecretariat, Role::Admin];

/// The XLSX media type.
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Registers the route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/plans/{id}/register.xlsx",
        web::get().to(download_register),
    );
}

/// Which field's register.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegisterQuery {
    /// The plan's field code.
    pub field: String,
}

/// The register of a plan's field: every registered dossier the caller may see, by register
/// number, with date received, name, authors, unit, status and result.
#[utoipa::path(
    get,
    path = "/api/v1/intake/plans/{id}/register.xlsx",
    tag = "dossiers",
    params(("id" = Uuid, Path, description = "Plan id"), RegisterQuery),
    responses(
        (status = 200, description = "The register", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = inline(sangkien_kit::http::contract::Binary)),
        (status = 403, description = "Not an office that keeps registers", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such plan or field", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn download_register(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
    query: web::Query<RegisterQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(REGISTER_READERS)?;
    let plan = plan_of(&ctx.db, &caller, id.into_inner()).await?;
    let field = field_named(&plan, &query.field)?;
    let filter = DossierFilter {
        year: None,
        plan_id: Some(plan.id),
        field: Some(field.code.clone()),
        status: None,
        unit_id: None,
    };
    let visible = visible_dossiers(&ctx.db, &caller, &filter).await?;
    let rows = store::dossiers::registered(&ctx.db, visible).await?;
    let units = store::dossiers::units_of_tenant(&ctx.db, caller.tenant).await?;
    let lines = register_lines(rows, &units);
    let report = register_report(
        &plan,
        &field,
        unit_name(&units, field.receiving_unit_id),
        lines,
        ctx.clock.now(),
    );
    let bytes = report.render().map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type(XLSX)
        .insert_header((
            "Content-Disposition",
            format!(
                "attachment; filename=\"so-theo-doi-{}-{}.xlsx\"",
                plan.year, field.code
            ),
        ))
        .body(bytes))
}

/// The field `code` of `plan`, or 404: a register is kept per field.
fn field_named(plan: &plan::Model, code: &str) -> Result<FieldSpec, ApiError> {
    fields_of(plan)?
        .into_iter()
        .find(|f| f.code == code)
        .ok_or_else(|| {
            ApiError::new(ErrorCode::NotFound).with_detail(
                "Kế hoạch không có lĩnh vực này",
                "The plan has no such field",
            )
        })
}

/// The name of unit `u` in the directory copy, empty when unknown: printed, never refused.
fn unit_name(units: &[directory::unit::Model], u: Uuid) -> String {
    units
        .iter()
        .find(|x| x.id == u)
        .map(|x| x.name.clone())
        .unwrap_or_default()
}

/// The register's lines, one per registered dossier in `rows`, in the report's columns.
fn register_lines(rows: Vec<dossier::Model>, units: &[directory::unit::Model]) -> Vec<Vec<Value>> {
    let mut lines = Vec::new();
    for d in rows {
        let form: Form = serde_json::from_str(&d.form).unwrap_or_default();
        let received = d
            .received_on
            .map(|r| r.format("%d/%m/%Y").to_string())
            .unwrap_or_default();
        let result = d.outcome_reason.clone().unwrap_or_default();
        let unit = unit_name(units, d.unit_id);
        let s = summary(d);
        lines.push(vec![
            Value::Number(f64::from(s.register_number.unwrap_or_default())),
            Value::Text(received),
            Value::Text(form.name),
            Value::Text(s.authors.join(", ")),
            Value::Text(unit),
            Value::Text(s.status_label),
            Value::Text(result),
        ]);
    }
    lines
}

/// The register of `plan`'s `field` in the official report layout, kept by `office`.
fn register_report(
    plan: &plan::Model,
    field: &FieldSpec,
    office: String,
    lines: Vec<Vec<Value>>,
    now: chrono::DateTime<chrono::Utc>,
) -> Report {
    let today = local_date(now);
    let column = |header: &str, width: f64| Column {
        header: header.into(),
        width,
    };
    Report {
        superior: None,
        body: office,
        title: "Sổ theo dõi hồ sơ sáng kiến".into(),
        period: format!(
            "Kế hoạch số {} — Lĩnh vực {} — Năm {}",
            plan.symbol, field.name, plan.year
        ),
        date_line: format!(
            "Ngày {} tháng {} năm {}",
            today.format("%d"),
            today.format("%-m"),
            today.format("%Y")
        ),
        sheet: "Sổ theo dõi".into(),
        columns: vec![
            column("Số thứ tự", 8.0),
            column("Ngày nhận", 12.0),
            column("Tên sáng kiến", 40.0),
            column("Tác giả", 30.0),
            column("Đơn vị", 28.0),
            column("Trạng thái", 18.0),
            column("Kết quả", 36.0),
        ],
        rows: lines,
        landscape: true,
        signers: [String::new(), String::new(), String::new()],
        created: now,
    }
}
