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
}
