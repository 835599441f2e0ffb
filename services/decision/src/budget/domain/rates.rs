//! Spending lines (nội dung chi) and capped rates (mức chi) of Circular 03/2019/TT-BTC, and
//! which rate applies to a body on a date.
//!
//! A rate is national (no jurisdiction) or set by a provincial People's Council resolution for
//! a jurisdiction and, optionally, a council tier; each has its legal basis and validity. The
//! most specific rate in force on the date applies; a line without a numeric maximum is paid
//! on invoices within the estimate.

use chrono::NaiveDate;
use uuid::Uuid;

use super::money::format_dong;

/// The legal basis of the national council-sitting and fair maxima.
pub const CIRCULAR_03_2019: &str = "Thông tư 03/2019/TT-BTC ngày 15/01/2019 của Bộ Tài chính";

/// The day Circular 03/2019/TT-BTC came into force.
pub fn circular_03_in_force() -> NaiveDate {
    NaiveDate::from_ymd_opt(2019, 3, 3).unwrap_or_default()
}

/// A spending line of the Circular: code, Vietnamese name, and the payee roles it is split by.
#[derive(Debug, Clone, Copy)]
pub struct LineKind {
    /// Stable code used in the API.
    pub code: &'static str,
    /// Name as finance offices write it.
    pub name: &'static str,
    /// Payee roles the line is paid by (empty: one undivided line).
    pub payee_roles: &'static [&'static str],
}

/// Every spending line the budget knows, in report order.
pub const LINES: &[LineKind] = &[
    LineKind {
        code: "council_sitting",
        name: "Chi họp Hội đồng sáng kiến",
        payee_roles: &["chair", "member", "other"],
    },
    LineKind {
        code: "council_documents",
        name: "Chi tài liệu, văn phòng phẩm phục vụ Hội đồng",
        payee_roles: &[],
    },
    LineKind {
        code: "fair_exhibition",
        name: "Chi tham gia hội chợ, triển lãm",
        payee_roles: &["unit"],
    },
    LineKind {
        code: "brokerage_publicity",
        name: "Chi môi giới chuyển giao, tuyên truyền gương điển hình",
        payee_roles: &[],
    },
    LineKind {
        code: "contests_rewards",
        name: "Chi thi, triển lãm, tuần lễ sáng kiến, tổng kết, khen thưởng",
        payee_roles: &[],
    },
    LineKind {
        code: "training",
        name: "Chi hội nghị phổ biến, tập huấn",
        payee_roles: &[],
    },
];

/// The line of `code`, if it is one.
pub fn line_kind(code: &str) -> Option<&'static LineKind> {
    LINES.iter().find(|l| l.code == code)
}

/// Vietnamese name of a payee role.
pub fn payee_label(role: Option<&str>) -> &'static str {
    match role {
        Some("chair") => "Chủ tịch Hội đồng",
        Some("member") => "Phó Chủ tịch, thư ký, thành viên, chuyên gia",
        Some("other") => "Người khác do thủ trưởng bổ sung",
        Some("unit") => "Đơn vị tham gia",
        _ => "",
    }
}

/// True when `role` is a payee role of `line` (none for an undivided line).
pub fn payee_fits(line: &LineKind, role: Option<&str>) -> bool {
    match role {
        None => line.payee_roles.is_empty(),
        Some(r) => line.payee_roles.contains(&r),
    }
}

/// The council-sitting payee role of a panel role (DOMAIN §5, Circular 18/2013 Art. 8): the
/// chair; the vice-chair, secretary, members, experts and the trade-union representative
/// (a member of the council); others the head adds.
pub fn sitting_payee(panel_role: &str) -> &'static str {
    match panel_role {
        "chair" => "chair",
        "vice_chair" | "secretary" | "member" | "expert" | "trade_union" => "member",
        _ => "other",
    }
}

/// A rate: a maximum (or none: invoices within the estimate) with its basis and validity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rate {
    pub id: Uuid,
    pub line_code: String,
    pub payee_role: Option<String>,
    pub legal_basis: String,
    /// What one is paid per (`người/buổi`).
    pub unit: String,
    /// Maximum per unit in đồng; `None` when paid on invoices or actual cost.
    pub max_amount: Option<i64>,
    pub valid_from: NaiveDate,
    /// Last day in force, included.
    pub valid_to: Option<NaiveDate>,
    /// `None` for the national maxima.
    pub jurisdiction: Option<String>,
    /// `None` for every tier of the jurisdiction.
    pub council_tier: Option<String>,
}

impl Rate {
    /// The rule in words, for refusals: basis, maximum, validity.
    pub fn describe(&self) -> String {
        let max = self
            .max_amount
            .map(|m| format!("tối đa {} đồng/{}", format_dong(m), self.unit))
            .unwrap_or_else(|| "theo hóa đơn, chứng từ trong dự toán".into());
        let to = self
            .valid_to
            .map(|d| d.format("%d/%m/%Y").to_string())
            .unwrap_or_else(|| "nay".into());
        format!(
            "{}: {max}, hiệu lực từ {} đến {to}",
            self.legal_basis,
            self.valid_from.format("%d/%m/%Y")
        )
    }

    /// True when in force on `on`.
    pub fn in_force(&self, on: NaiveDate) -> bool {
        self.valid_from <= on && self.valid_to.is_none_or(|t| on <= t)
    }
}

/// The recognising body's place in the rate tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// Province code (`phu-tho`).
    pub jurisdiction: String,
    /// Council tier (`province`, `commune`, `district`, `department`, `enterprise`, …).
    pub council_tier: String,
}

/// How specific `rate` is for `profile`: 2 for the jurisdiction and tier, 1 for the
/// jurisdiction, 0 for the national rate; `None` when it is another body's.
pub fn specificity(rate: &Rate, profile: Option<&Profile>) -> Option<u8> {
    match (&rate.jurisdiction, profile) {
        (None, _) => Some(0),
        (Some(_), None) => None,
        (Some(j), Some(p)) if *j != p.jurisdiction => None,
        (Some(_), Some(p)) => match &rate.council_tier {
            None => Some(1),
            Some(t) if *t == p.council_tier => Some(2),
            Some(_) => None,
        },
    }
}

/// The rate that applies to `line` and `payee_role` on `on`: the most specific in force,
/// the latest start among equals.
pub fn applicable<'a>(
    rates: &'a [Rate],
    line: &str,
    payee_role: Option<&str>,
    on: NaiveDate,
    profile: Option<&Profile>,
) -> Option<&'a Rate> {
    rates
        .iter()
        .filter(|r| r.line_code == line && r.payee_role.as_deref() == payee_role && r.in_force(on))
        .filter_map(|r| specificity(r, profile).map(|s| (s, r)))
        .max_by_key(|(s, r)| (*s, r.valid_from))
        .map(|(_, r)| r)
}

/// Why an amount per unit is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CapBreach {
    /// No rate of the line is in force on the date.
    NoRateInForce,
    /// Above the maximum of the rate that applies.
    AboveCap(Box<Rate>),
}

/// Checks `unit_amount` against the rate that applies on `on`; returns that rate.
pub fn check_cap<'a>(
    rates: &'a [Rate],
    line: &str,
    payee_role: Option<&str>,
    on: NaiveDate,
    profile: Option<&Profile>,
    unit_amount: i64,
) -> Result<&'a Rate, CapBreach> {
    let rate = applicable(rates, line, payee_role, on, profile).ok_or(CapBreach::NoRateInForce)?;
    match rate.max_amount {
        Some(max) if unit_amount > max => Err(CapBreach::AboveCap(Box::new(rate.clone()))),
        _ => Ok(rate),
    }
}

fn national(
    n: u128,
    line: &str,
    role: Option<&str>,
    basis: &str,
    unit: &str,
    max: Option<i64>,
) -> Rate {
    Rate {
        id: Uuid::from_u128(0x0b0d_6e70_0000_4000_8000_0000_0000_0000 | n),
        line_code: line.into(),
        payee_role: role.map(Into::into),
        legal_basis: basis.into(),
        unit: unit.into(),
        max_amount: max,
        valid_from: circular_03_in_force(),
        valid_to: None,
        jurisdiction: None,
        council_tier: None,
    }
}

/// The national maxima of Circular 03/2019/TT-BTC (DOMAIN §7), seeded for every body. Lines
/// paid on invoices or actual cost carry no maximum; no per-review fee is invented.
pub fn national_rates() -> Vec<Rate> {
    let c = CIRCULAR_03_2019;
    vec![
        national(
            1,
            "council_sitting",
            Some("chair"),
            c,
            "buổi họp",
            Some(500_000),
        ),
        national(
            2,
            "council_sitting",
            Some("member"),
            c,
            "người/buổi họp",
            Some(200_000),
        ),
        national(
            3,
            "council_sitting",
            Some("other"),
            c,
            "người/buổi họp",
            Some(100_000),
        ),
        national(4, "council_documents", None, c, "hóa đơn", None),
        national(
            5,
            "fair_exhibition",
            Some("unit"),
            c,
            "đơn vị",
            Some(10_000_000),
        ),
        national(
            6,
            "brokerage_publicity",
            None,
            c,
            "hợp đồng, chi phí thực tế",
            None,
        ),
        national(
            7,
            "contests_rewards",
            None,
            "Thông tư 27/2018/TT-BTC (theo Thông tư 03/2019/TT-BTC)",
            "theo quy định",
            None,
        ),
        national(
            8,
            "training",
            None,
            "Thông tư 40/2017/TT-BTC (theo Thông tư 03/2019/TT-BTC)",
            "theo quy định",
            None,
        ),
    ]
}

/// A rate a body enters (a provincial resolution) may lower a national maximum of Circular
/// 03/2019/TT-BTC, never raise nor remove it [DOMAIN §7: "maximum levels"]: the national cap
/// in force on `valid_from` for this line and payee when `max_amount` breaks it (absent, or
/// above it); `None` when the rate is acceptable or the line has no national numeric cap.
pub fn national_cap_broken(
    line: &str,
    payee_role: Option<&str>,
    valid_from: NaiveDate,
    max_amount: Option<i64>,
) -> Option<i64> {
    let national = national_rates();
    let cap = applicable(&national, line, payee_role, valid_from, None)?.max_amount?;
    match max_amount {
        Some(m) if m <= cap => None,
        _ => Some(cap),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn cap(role: &str, on: NaiveDate, rates: &[Rate], p: Option<&Profile>) -> Option<i64> {
        applicable(rates, "council_sitting", Some(role), on, p).and_then(|r| r.max_amount)
    }

    #[test]
    fn circular_03_2019_council_chair_cap_is_500_000() {
        let r = national_rates();
        assert_eq!(cap("chair", day(2022, 3, 15), &r, None), Some(500_000));
        assert!(
            check_cap(
                &r,
                "council_sitting",
                Some("chair"),
                day(2022, 3, 15),
                None,
                500_000
            )
            .is_ok()
        );
        assert!(matches!(
            check_cap(&r, "council_sitting", Some("chair"), day(2022, 3, 15), None, 500_001),
            Err(CapBreach::AboveCap(rate)) if rate.max_amount == Some(500_000)
        ));
    }

    #[test]
    fn circular_03_2019_members_secretary_experts_cap_is_200_000_per_person_per_sitting() {
        let r = national_rates();
        assert_eq!(cap("member", day(2022, 3, 15), &r, None), Some(200_000));
        for role in ["vice_chair", "secretary", "member", "expert", "trade_union"] {
            assert_eq!(sitting_payee(role), "member", "{role}");
        }
    }

    #[test]
    fn circular_03_2019_others_added_by_the_head_cap_is_100_000() {
        let r = national_rates();
        assert_eq!(cap("other", day(2022, 3, 15), &r, None), Some(100_000));
        assert_eq!(sitting_payee("other"), "other");
    }

    #[test]
    fn circular_03_2019_fair_cap_is_10_000_000_per_unit() {
        let r = national_rates();
        let rate = applicable(&r, "fair_exhibition", Some("unit"), day(2022, 6, 1), None).unwrap();
        assert_eq!(rate.max_amount, Some(10_000_000));
    }

    #[test]
    fn circular_03_2019_invoice_lines_have_no_numeric_cap() {
        let r = national_rates();
        for line in [
            "council_documents",
            "brokerage_publicity",
            "contests_rewards",
            "training",
        ] {
            let rate = check_cap(&r, line, None, day(2022, 6, 1), None, 987_654_321).unwrap();
            assert_eq!(rate.max_amount, None, "{line}");
        }
    }

    #[test]
    fn a_rate_valid_only_from_a_date_refuses_earlier_spending() {
        let r = national_rates();
        assert_eq!(
            check_cap(
                &r,
                "council_sitting",
                Some("chair"),
                day(2019, 3, 2),
                None,
                100_000
            ),
            Err(CapBreach::NoRateInForce)
        );
        assert!(
            check_cap(
                &r,
                "council_sitting",
                Some("chair"),
                day(2019, 3, 3),
                None,
                100_000
            )
            .is_ok()
        );
    }

    #[test]
    fn provincial_resolution_overrides_by_validity_date_and_the_most_specific_rate_applies() {
        let mut r = national_rates();
        let mut provincial = r[0].clone();
        provincial.id = Uuid::from_u128(99);
        provincial.legal_basis = "Nghị quyết 10/2022/NQ-HĐND".into();
        provincial.jurisdiction = Some("vinh-phuc".into());
        provincial.council_tier = Some("district".into());
        provincial.max_amount = Some(300_000);
        provincial.valid_from = day(2022, 7, 1);
        provincial.valid_to = Some(day(2022, 12, 31));
        let mut whole_province = provincial.clone();
        whole_province.id = Uuid::from_u128(98);
        whole_province.council_tier = None;
        whole_province.max_amount = Some(400_000);
        r.push(provincial);
        r.push(whole_province);
        let district = Profile {
            jurisdiction: "vinh-phuc".into(),
            council_tier: "district".into(),
        };
        let commune = Profile {
            jurisdiction: "vinh-phuc".into(),
            council_tier: "commune".into(),
        };
        let elsewhere = Profile {
            jurisdiction: "ha-noi".into(),
            council_tier: "district".into(),
        };
        // Before the resolution is in force, the national maximum applies.
        assert_eq!(
            cap("chair", day(2022, 6, 30), &r, Some(&district)),
            Some(500_000)
        );
        assert_eq!(
            cap("chair", day(2022, 7, 1), &r, Some(&district)),
            Some(300_000)
        );
        assert_eq!(
            cap("chair", day(2022, 7, 1), &r, Some(&commune)),
            Some(400_000)
        );
        assert_eq!(
            cap("chair", day(2022, 7, 1), &r, Some(&elsewhere)),
            Some(500_000)
        );
        assert_eq!(
            cap("chair", day(2023, 1, 1), &r, Some(&district)),
            Some(500_000)
        );
        let refused = check_cap(
            &r,
            "council_sitting",
            Some("chair"),
            day(2022, 8, 1),
            Some(&district),
            400_000,
        );
        match refused {
            Err(CapBreach::AboveCap(rate)) => {
                assert!(rate.describe().contains("Nghị quyết 10/2022/NQ-HĐND"));
                assert!(rate.describe().contains("300.000"));
                assert!(rate.describe().contains("31/12/2022"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn circular_03_2019_a_provincial_rate_may_lower_a_national_cap_never_raise_or_remove_it() {
        let on = NaiveDate::from_ymd_opt(2022, 1, 1).unwrap_or_default();
        let chair = Some("chair");
        assert_eq!(
            national_cap_broken("council_sitting", chair, on, Some(300_000)),
            None
        );
        assert_eq!(
            national_cap_broken("council_sitting", chair, on, Some(500_000)),
            None
        );
        assert_eq!(
            national_cap_broken("council_sitting", chair, on, Some(500_001)),
            Some(500_000)
        );
        assert_eq!(
            national_cap_broken("council_sitting", chair, on, None),
            Some(500_000)
        );
        assert_eq!(
            national_cap_broken("council_documents", None, on, None),
            None
        );
        let before = NaiveDate::from_ymd_opt(2019, 1, 1).unwrap_or_default();
        assert_eq!(
            national_cap_broken("council_sitting", chair, before, Some(900_000)),
            None
        );
    }
}
