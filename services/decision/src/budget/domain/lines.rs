//! Estimate lines under finance appraisal, and estimate against actual per spending line.

use std::collections::BTreeMap;

use super::{money, status::LineAppraisal};

/// The finance office's decision on one line (thẩm định dự toán).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Appraisal {
    /// The line as drafted.
    Approve,
    /// A different amount, with a reason.
    Adjust(i64),
    /// Nothing for this line, with a reason.
    Reject,
}

impl Appraisal {
    /// What the line may spend once approved.
    pub fn approved_amount(self, drafted: i64) -> i64 {
        match self {
            Appraisal::Approve => drafted,
            Appraisal::Adjust(a) => a,
            Appraisal::Reject => 0,
        }
    }

    /// Where the line stands after it.
    pub fn outcome(self) -> LineAppraisal {
        match self {
            Appraisal::Approve => LineAppraisal::Approved,
            Appraisal::Adjust(_) => LineAppraisal::Adjusted,
            Appraisal::Reject => LineAppraisal::Rejected,
        }
    }
}

/// Whether `on` falls in budget year `year`. The State Budget Law (Luật Ngân sách nhà nước
/// 83/2015/QH13, Art. 14) makes the budget year the calendar year, 1 January to 31 December:
/// a line or an expense of the 2022 estimate is dated in 2022, so nobody picks the cap of
/// another year by dating it there.
pub fn in_budget_year(year: i32, on: chrono::NaiveDate) -> bool {
    chrono::Datelike::year(&on) == year
}

/// A spending line of the reports: the line code and payee role.
pub type LineKey = (String, Option<String>);

/// One row of the execution report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reconciled {
    pub key: LineKey,
    /// Approved in the estimate.
    pub estimated: i64,
    /// Booked.
    pub spent: i64,
    /// `estimated - spent` (negative when over).
    pub remaining: i64,
    pub over: bool,
}

/// Estimate against actual per line, every line of either side, in key order; `None` on
/// overflow.
pub fn reconcile(approved: &[(LineKey, i64)], spent: &[(LineKey, i64)]) -> Option<Vec<Reconciled>> {
    let mut rows: BTreeMap<LineKey, (i64, i64)> = BTreeMap::new();
    for (k, a) in approved {
        let e = rows.entry(k.clone()).or_default();
        e.0 = e.0.checked_add(*a)?;
    }
    for (k, a) in spent {
        let e = rows.entry(k.clone()).or_default();
        e.1 = e.1.checked_add(*a)?;
    }
    rows.into_iter()
        .map(|(key, (estimated, spent))| {
            Some(Reconciled {
                remaining: money::difference(estimated, spent)?,
                over: spent > estimated,
                key,
                estimated,
                spent,
            })
        })
        .collect()
}

/// True when booking `amount` on a line with `approved` and `already` spent goes beyond the
/// approved estimate: such spending is flagged and needs a reason.
pub fn beyond_line(approved: i64, already: i64, amount: i64) -> Option<bool> {
    Some(already.checked_add(amount)? > approved)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: &str, r: Option<&str>) -> LineKey {
        (c.into(), r.map(Into::into))
    }

    #[test]
    fn budget_year_is_the_calendar_year_law_83_2015_art_14() {
        let d = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert!(in_budget_year(2022, d(2022, 1, 1)));
        assert!(in_budget_year(2022, d(2022, 12, 31)));
        assert!(!in_budget_year(2022, d(2021, 12, 31)));
        assert!(!in_budget_year(2022, d(2023, 1, 1)));
    }

    #[test]
    fn appraisal_approves_adjusts_or_rejects_a_line() {
        assert_eq!(Appraisal::Approve.approved_amount(1_000_000), 1_000_000);
        assert_eq!(
            Appraisal::Adjust(800_000).approved_amount(1_000_000),
            800_000
        );
        assert_eq!(Appraisal::Reject.approved_amount(1_000_000), 0);
    }

    #[test]
    fn execution_reconciles_estimate_and_actual_per_line() {
        let approved = [
            (key("council_sitting", Some("chair")), 1_000_000),
            (key("training", None), 5_000_000),
        ];
        let spent = [
            (key("council_sitting", Some("chair")), 500_000),
            (key("council_sitting", Some("chair")), 500_000),
            (key("council_sitting", Some("chair")), 500_000),
            (key("fair_exhibition", Some("unit")), 10_000_000),
        ];
        let rows = reconcile(&approved, &spent).unwrap();
        assert_eq!(rows[0].key, key("council_sitting", Some("chair")));
        assert_eq!(
            (rows[0].spent, rows[0].remaining, rows[0].over),
            (1_500_000, -500_000, true)
        );
        assert_eq!(
            (rows[1].estimated, rows[1].spent, rows[1].over),
            (0, 10_000_000, true)
        );
        assert_eq!((rows[2].remaining, rows[2].over), (5_000_000, false));
        assert_eq!(
            reconcile(&[(key("x", None), i64::MAX)], &[(key("x", None), -1)]),
            None
        );
    }

    #[test]
    fn spending_beyond_an_approved_line_is_flagged() {
        assert_eq!(beyond_line(1_000_000, 500_000, 500_000), Some(false));
        assert_eq!(beyond_line(1_000_000, 500_000, 500_001), Some(true));
        assert_eq!(beyond_line(0, i64::MAX, 1), None);
    }
}
