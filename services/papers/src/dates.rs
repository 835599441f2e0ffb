//! The place-and-date line under the motto (Decree 30/2020/NĐ-CP, Appendix I, item 5).

use chrono::{Datelike, NaiveDate};

/// `Tam Dương, ngày 05 tháng 02 năm 2027`: the place is the body's place name (never a room);
/// days under 10 and the months January and February take a leading zero, as the decree asks,
/// so that nobody can add a digit by hand.
pub fn date_line(place: &str, on: NaiveDate) -> String {
    let place = place.trim();
    if place.is_empty() {
        // No place recorded: the date alone, never a dangling comma.
        let d = day_text(on);
        return format!("N{}", &d[1..]);
    }
    format!("{place}, {}", day_text(on))
}

/// `ngày 05 tháng 02 năm 2027`: a date in running text ("Quyết định số 05/QĐ-UBND ngày 05
/// tháng 02 năm 2027"), with the same leading zeros as the date line.
pub fn day_text(on: NaiveDate) -> String {
    let month = if on.month() <= 2 {
        format!("{:02}", on.month())
    } else {
        on.month().to_string()
    };
    format!("ngày {:02} tháng {} năm {}", on.day(), month, on.year())
}

/// The date line of a draft: the blanks an office fills in by hand when it signs.
pub fn blank_date_line(place: &str, year: i32) -> String {
    format!("{}, ngày      tháng      năm {year}", place.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn decree_30_appendix_i_item_5_days_under_ten_and_months_one_and_two_take_a_leading_zero() {
        assert_eq!(
            date_line("Tam Dương", day(2027, 2, 5)),
            "Tam Dương, ngày 05 tháng 02 năm 2027"
        );
        assert_eq!(
            date_line("Tam Dương", day(2027, 1, 31)),
            "Tam Dương, ngày 31 tháng 01 năm 2027"
        );
    }

    #[test]
    fn decree_30_appendix_i_item_5_months_from_march_have_no_leading_zero() {
        assert_eq!(
            date_line("Vĩnh Phúc", day(2026, 3, 9)),
            "Vĩnh Phúc, ngày 09 tháng 3 năm 2026"
        );
        assert_eq!(
            date_line(" Vĩnh Phúc ", day(2026, 12, 24)),
            "Vĩnh Phúc, ngày 24 tháng 12 năm 2026"
        );
    }

    #[test]
    fn decree_30_appendix_i_item_5_a_date_in_running_text_takes_the_same_zeros() {
        assert_eq!(day_text(day(2022, 2, 5)), "ngày 05 tháng 02 năm 2022");
        assert_eq!(day_text(day(2022, 3, 15)), "ngày 15 tháng 3 năm 2022");
        assert_eq!(day_text(day(2022, 12, 1)), "ngày 01 tháng 12 năm 2022");
        assert_eq!(day_text(day(2022, 1, 18)), "ngày 18 tháng 01 năm 2022");
    }

    #[test]
    fn without_a_place_the_date_line_is_the_date_alone() {
        assert_eq!(date_line(" ", day(2022, 3, 15)), "Ngày 15 tháng 3 năm 2022");
    }

    #[test]
    fn a_draft_leaves_day_and_month_blank_but_prints_the_year() {
        assert_eq!(
            blank_date_line("Tam Dương", 2027),
            "Tam Dương, ngày      tháng      năm 2027"
        );
    }
}
