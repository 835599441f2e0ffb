//! The body's register of documents and the date line [law: Decree 30/2020/NĐ-CP, Appendix I].
//!
//! A decision's number is taken from the issuing body's register for its year and document
//! type: numbers start at 01 each 1 January, have two digits at least, and are never reused.
//! The symbol joins the type and the body (`05/QĐ-UBND`).

use chrono::{Datelike, NaiveDate};

/// Where the register stands for one document type: the year of the last number and the
/// number itself (`None` when nothing was ever numbered).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegisterPosition {
    /// Year of the last number given.
    pub year: i32,
    /// The last number given that year.
    pub last: i32,
}

/// The number a document signed on `signed_on` takes after `position`: the next one in the
/// same year, or 1 when the year has turned (numbering restarts each 1 January). `None` when
/// the register has already moved to a later year: going back would reuse its numbers.
pub fn next_number(position: Option<RegisterPosition>, signed_on: NaiveDate) -> Option<i32> {
    match position {
        Some(p) if p.year > signed_on.year() => None,
        Some(p) if p.year == signed_on.year() => Some(p.last.saturating_add(1)),
        _ => Some(1),
    }
}

/// `05/QĐ-UBND`: the number on two digits at least, the type, the body's symbol.
pub fn number_text(number: i32, decision_type: &str, symbol: &str) -> String {
    format!("{number:02}/{decision_type}-{symbol}")
}

/// The date rules live once, in the papers crate that prints them
/// (`Vĩnh Tường, ngày 05 tháng 02 năm 2022`).
pub use sangkien_papers::{date_line, day_text as vietnamese_date};

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn decree_30_2020_date_line_pads_days_below_10_and_months_1_and_2() {
        assert_eq!(
            date_line("Vĩnh Tường", day(2022, 2, 5)),
            "Vĩnh Tường, ngày 05 tháng 02 năm 2022"
        );
        assert_eq!(
            vietnamese_date(day(2022, 1, 18)),
            "ngày 18 tháng 01 năm 2022"
        );
        assert_eq!(
            vietnamese_date(day(2022, 3, 25)),
            "ngày 25 tháng 3 năm 2022"
        );
        assert_eq!(vietnamese_date(day(2022, 9, 9)), "ngày 09 tháng 9 năm 2022");
        assert_eq!(
            vietnamese_date(day(2022, 12, 1)),
            "ngày 01 tháng 12 năm 2022"
        );
    }

    #[test]
    fn decree_30_2020_number_has_two_digits_at_least_and_joins_type_and_symbol() {
        assert_eq!(number_text(5, "QĐ", "UBND"), "05/QĐ-UBND");
        assert_eq!(number_text(123, "QĐ", "UBND"), "123/QĐ-UBND");
    }

    #[test]
    fn numbering_restarts_at_01_each_1_january() {
        let end_of_2022 = Some(RegisterPosition {
            year: 2022,
            last: 37,
        });
        assert_eq!(next_number(end_of_2022, day(2022, 12, 31)), Some(38));
        assert_eq!(next_number(end_of_2022, day(2023, 1, 1)), Some(1));
        let start_of_2023 = Some(RegisterPosition {
            year: 2023,
            last: 1,
        });
        assert_eq!(
            next_number(start_of_2023, day(2022, 12, 31)),
            None,
            "a late clock never takes the register back a year"
        );
        assert_eq!(next_number(None, day(2022, 2, 5)), Some(1));
    }
}
