//! The budget's HTTP API under `/api/v1/decision/budget`: rates and profile, estimates and
//! their appraisal, expenses, and the reports (JSON and XLSX).

pub mod appraisal;
pub mod documents;
pub mod estimates;
pub mod expenses;
pub mod rates;
pub mod reports;
pub mod views;
pub mod xlsx;

use actix_web::web;
use sangkien_kit::ApiError;
use sangkien_proto::{ErrorCode, Role};

use super::domain::rates::CapBreach;
use super::store::queries;

/// Who reads the budget and its reports.
pub const READERS: &[Role] = &[
    Role::CouncilSecretariat,
    Role::FinanceOffice,
    Role::Signer,
    Role::Admin,
];
/// Who drafts and edits the estimate.
pub const DRAFTERS: &[Role] = &[Role::CouncilSecretariat];
/// Who appraises, approves and settles.
pub const FINANCE: &[Role] = &[Role::FinanceOffice];
/// Who manages rates and the profile.
pub const ADMINS: &[Role] = &[Role::Admin];
/// Who enters expenses with their vouchers.
pub const SPENDERS: &[Role] = &[Role::CouncilSecretariat, Role::FinanceOffice];

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    rates::configure(cfg);
    estimates::configure(cfg);
    documents::configure(cfg);
    appraisal::configure(cfg);
    expenses::configure(cfg);
    reports::configure(cfg);
}

/// The refusal of an amount per unit, naming the rule it breaks.
pub fn cap_refusal(breach: CapBreach, field: &str, on: chrono::NaiveDate) -> ApiError {
    let day = on.format("%d/%m/%Y");
    match breach {
        CapBreach::AboveCap(rate) => {
            let rule = rate.describe();
            let mut e = ApiError::new(ErrorCode::RateAboveCap).with_detail(
                format!("Mức chi vượt mức tối đa ngày {day} — {rule}"),
                format!("The rate is above the maximum in force on {day} — {rule}"),
            );
            e.errors.push(sangkien_kit::error::FieldIssue {
                field: field.into(),
                code: "rate_above_cap".into(),
                message: sangkien_kit::error::Localized::new(rule.clone(), rule),
            });
            e
        }
        CapBreach::NoRateInForce => ApiError::new(ErrorCode::RateNotInForce).with_detail(
            format!("Không có mức chi nào của nội dung này có hiệu lực ngày {day}"),
            format!("No rate of this line is in force on {day}"),
        ),
    }
}

/// The 409 of a locked estimate.
pub fn locked() -> ApiError {
    ApiError::new(ErrorCode::EstimateLocked).with_detail(
        "Dự toán đã được phê duyệt nên không sửa được; hãy lập bản điều chỉnh (revision)",
        "The estimate is approved and locked; open a revision to change it",
    )
}

/// The 409 of a settled year.
pub fn settled(year: i32) -> ApiError {
    ApiError::new(ErrorCode::YearSettled).with_detail(
        format!("Năm {year} đã quyết toán; không nhận thêm khoản chi"),
        format!("The year {year} is settled; no expense is accepted"),
    )
}

/// The 404 of an unknown plan.
pub fn no_plan() -> ApiError {
    ApiError::new(ErrorCode::PlanNotFound)
}

/// Holds `year` for a booking and refuses it once settled (`year_settled`).
pub async fn year_open<C: sea_orm::ConnectionTrait>(
    db: &C,
    tenant: uuid::Uuid,
    year: i32,
) -> Result<(), ApiError> {
    queries::hold_year(db, tenant, year, queries::YearHold::Booking).await?;
    if queries::settlement_of_year(db, tenant, year)
        .await?
        .is_some()
    {
        return Err(settled(year));
    }
    Ok(())
}
