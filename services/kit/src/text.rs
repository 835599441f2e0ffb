//! Text as people search for it: Vietnamese names found with or without their marks.

use chrono::Datelike;
use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};

/// Lowercase, without diacritics, `đ` as `d`, runs of spaces as one: what search columns
/// hold and what a search text is compared with, so `nguyen van` finds `Nguyễn Văn`.
pub fn fold(text: &str) -> String {
    let stripped: String = text
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            other => other,
        })
        .collect::<String>()
        .to_lowercase();
    stripped.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `%text%` for a `LIKE` over a folded column, with `%`, `_` and `\` escaped (use
/// `ESCAPE '\'`).
pub fn like_pattern(text: &str) -> String {
    let mut out = String::from("%");
    for c in fold(text).chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// A `LIKE` matching folded text containing `text`, portable across SQLite and PostgreSQL.
pub fn like(text: &str) -> sea_orm::sea_query::LikeExpr {
    sea_orm::sea_query::LikeExpr::new(like_pattern(text)).escape('\\')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_removes_vietnamese_marks_and_case() {
        assert_eq!(fold("  Nguyễn   Văn Đức "), "nguyen van duc");
        assert_eq!(fold("Trường THCS Lý Tự Trọng"), "truong thcs ly tu trong");
        assert_eq!(
            fold("Ủy ban nhân dân huyện Vĩnh Tường"),
            "uy ban nhan dan huyen vinh tuong"
        );
    }

    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(like_pattern("50%_x"), "%50\\%\\_x%");
    }
}

/// "ngày 05 tháng 02 năm 2022": a date as official documents write it [Decree 30/2020,
/// Appendix I]: the day on two digits below 10, the month with a leading zero only for 1 and 2.
/// Decisions, certificates and minutes print dates with it.
pub fn vietnamese_date(d: chrono::NaiveDate) -> String {
    let month = if d.month() <= 2 {
        format!("{:02}", d.month())
    } else {
        d.month().to_string()
    };
    format!("ngày {:02} tháng {month} năm {}", d.day(), d.year())
}

#[cfg(test)]
mod date_tests {
    use super::vietnamese_date;

    #[test]
    fn decree_30_2020_dates_pad_days_below_10_and_only_months_1_and_2() {
        let d = |m, day| chrono::NaiveDate::from_ymd_opt(2022, m, day).unwrap_or_default();
        assert_eq!(vietnamese_date(d(2, 5)), "ngày 05 tháng 02 năm 2022");
        assert_eq!(vietnamese_date(d(1, 18)), "ngày 18 tháng 01 năm 2022");
        assert_eq!(vietnamese_date(d(3, 15)), "ngày 15 tháng 3 năm 2022");
        assert_eq!(vietnamese_date(d(12, 1)), "ngày 01 tháng 12 năm 2022");
    }
}
