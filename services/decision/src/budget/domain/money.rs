//! Money in whole đồng: `i64`, checked arithmetic, never floating point.
//!
//! Every amount of the budget passes through these functions, so an overflow is an answer
//! (`None`) rather than a wrapped figure in a financial report.

/// The largest single amount accepted (10^15 đồng): far above any real line, and low enough
/// that every amount and any sum of a few thousand of them stays exact in an XLSX cell
/// (IEEE double, exact to 2^53).
pub const MAX_AMOUNT: i64 = 1_000_000_000_000_000;

/// `quantity × unit_amount`, or `None` when either is negative or the product overflows or
/// exceeds [`MAX_AMOUNT`].
pub fn amount(quantity: i64, unit_amount: i64) -> Option<i64> {
    if quantity < 0 || unit_amount < 0 {
        return None;
    }
    quantity
        .checked_mul(unit_amount)
        .filter(|a| *a <= MAX_AMOUNT)
}

/// The sum of `amounts`, or `None` on overflow.
pub fn total(amounts: impl IntoIterator<Item = i64>) -> Option<i64> {
    amounts.into_iter().try_fold(0i64, i64::checked_add)
}

/// `a - b`, or `None` on overflow.
pub fn difference(a: i64, b: i64) -> Option<i64> {
    a.checked_sub(b)
}

/// `amount` with thousands separated by dots, as Vietnamese documents write đồng
/// (`1.500.000`).
pub fn format_dong(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if amount < 0 { format!("-{out}") } else { out }
}

const DIGITS: [&str; 10] = [
    "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
];

/// One group of three digits; `full` when a higher group precedes it, so that its zeros are
/// read ("không trăm", "lẻ").
fn group_words(n: u64, full: bool) -> Vec<&'static str> {
    let (h, t, u) = (
        (n / 100) as usize,
        ((n / 10) % 10) as usize,
        (n % 10) as usize,
    );
    let mut w = Vec::new();
    if h > 0 || full {
        w.extend([DIGITS[h], "trăm"]);
    }
    match (t, u) {
        (0, 0) => {}
        (0, u) => {
            if h > 0 || full {
                w.push("lẻ");
            }
            w.push(DIGITS[u]);
        }
        (1, u) => {
            w.push("mười");
            match u {
                0 => {}
                5 => w.push("lăm"),
                u => w.push(DIGITS[u]),
            }
        }
        (t, u) => {
            w.extend([DIGITS[t], "mươi"]);
            match u {
                0 => {}
                1 => w.push("mốt"),
                5 => w.push("lăm"),
                u => w.push(DIGITS[u]),
            }
        }
    }
    w
}

/// The words of `n` below 10^9 (`full` as in [`group_words`]).
fn below_billion(n: u64, full: bool) -> Vec<&'static str> {
    let groups = [
        (n / 1_000_000, "triệu"),
        ((n / 1_000) % 1_000, "nghìn"),
        (n % 1_000, ""),
    ];
    let mut w = Vec::new();
    let mut started = full;
    for (g, unit) in groups {
        if g == 0 {
            continue;
        }
        w.extend(group_words(g, started));
        if !unit.is_empty() {
            w.push(unit);
        }
        started = true;
    }
    w
}

fn number_words(n: u64, full: bool) -> Vec<&'static str> {
    if n >= 1_000_000_000 {
        let mut w = number_words(n / 1_000_000_000, full);
        w.push("tỷ");
        w.extend(below_billion(n % 1_000_000_000, true));
        w
    } else {
        below_billion(n, full)
    }
}

/// An amount in Vietnamese words, as a financial document writes it under the total
/// ("Bằng chữ: Chín triệu ba trăm nghìn đồng") [Circular 200/2014/TT-BTC, Appendix 3: the
/// amount in words on every voucher and estimate]: groups of three read with "trăm",
/// "mươi", "lẻ" for a zero ten, "mốt", "lăm", "mười"; zero groups skipped; "tỷ" repeated for
/// thousands of billions; capitalised, ending in "đồng".
pub fn in_words(amount: i64) -> String {
    let n = amount.unsigned_abs();
    let mut w = if n == 0 {
        vec!["không"]
    } else {
        number_words(n, false)
    };
    if amount < 0 {
        w.insert(0, "âm");
    }
    w.push("đồng");
    let text = w.join(" ");
    let mut c = text.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amount_is_quantity_times_rate_in_whole_dong() {
        assert_eq!(amount(12, 200_000), Some(2_400_000));
        assert_eq!(amount(0, 500_000), Some(0));
    }

    #[test]
    fn amount_overflow_is_refused_not_wrapped() {
        assert_eq!(amount(i64::MAX, 2), None);
        assert_eq!(amount(1_000_001, 1_000_000_000), None, "above MAX_AMOUNT");
        assert_eq!(amount(-1, 200_000), None);
        assert_eq!(amount(1, -200_000), None);
    }

    #[test]
    fn totals_use_checked_addition() {
        assert_eq!(total([500_000, 1_200_000, 0]), Some(1_700_000));
        assert_eq!(total([i64::MAX, 1]), None);
        assert_eq!(total(Vec::new()), Some(0));
        assert_eq!(difference(i64::MIN, 1), None);
    }

    #[test]
    fn dong_are_written_with_dots() {
        assert_eq!(format_dong(500_000), "500.000");
        assert_eq!(format_dong(10_000_000), "10.000.000");
        assert_eq!(format_dong(-1_234), "-1.234");
        assert_eq!(format_dong(0), "0");
    }

    #[test]
    fn circular_200_2014_amounts_are_written_in_vietnamese_words() {
        assert_eq!(in_words(9_300_000), "Chín triệu ba trăm nghìn đồng");
        assert_eq!(in_words(0), "Không đồng");
        assert_eq!(in_words(15), "Mười lăm đồng");
        assert_eq!(in_words(21), "Hai mươi mốt đồng");
        assert_eq!(in_words(105), "Một trăm lẻ năm đồng");
        assert_eq!(in_words(1_005), "Một nghìn không trăm lẻ năm đồng");
        assert_eq!(
            in_words(1_050_000),
            "Một triệu không trăm năm mươi nghìn đồng"
        );
        assert_eq!(in_words(8_600_000), "Tám triệu sáu trăm nghìn đồng");
        assert_eq!(in_words(200_000), "Hai trăm nghìn đồng");
        assert_eq!(in_words(1_000_000_000), "Một tỷ đồng");
        assert_eq!(
            in_words(2_015_000_010),
            "Hai tỷ không trăm mười lăm triệu không trăm mười đồng"
        );
        assert_eq!(in_words(-500_000), "Âm năm trăm nghìn đồng");
        assert_eq!(in_words(MAX_AMOUNT), "Một triệu tỷ đồng");
    }
}
