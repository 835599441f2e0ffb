//! Deadlines counted from dates.

use chrono::{Months, NaiveDate};

/// The decision is due within three months of accepting the dossier
/// [law: Decree 13/2012 Charter, Art. 6(2)].
pub fn decision_due(accepted_on: NaiveDate) -> NaiveDate {
    accepted_on
        .checked_add_months(Months::new(3))
        .unwrap_or(NaiveDate::MAX)
}

/// Default time an author has to correct a dossier when the office names no deadline
/// [open: one month].
pub fn default_correction_deadline(requested_on: NaiveDate) -> NaiveDate {
    requested_on
        .checked_add_months(Months::new(1))
        .unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn charter_art_6_2_decision_due_three_months_after_acceptance() {
        assert_eq!(decision_due(d(2022, 2, 15)), d(2022, 5, 15));
        // The end of a longer month falls on the last day of the shorter one.
        assert_eq!(decision_due(d(2022, 11, 30)), d(2023, 2, 28));
    }

    #[test]
    fn correction_deadline_defaults_to_one_month() {
        assert_eq!(default_correction_deadline(d(2022, 1, 31)), d(2022, 2, 28));
    }
}
