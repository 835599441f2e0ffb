//! Text as people search for it: Vietnamese names found with or without their marks.

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
