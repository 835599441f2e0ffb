//! Contribution shares of authors and co-authors must total 100 %
//! [law: Circular 18/2013 Appendix I, "tỷ lệ (%) đóng góp vào việc tạo ra sáng kiến"].
//!
//! Shares are kept in hundredths of a percent (`3334` = 33.34 %) so sums are exact.

/// 100 % in hundredths.
pub const WHOLE: u32 = 10_000;

/// A percentage given by a client as a number, in hundredths; `None` when it is negative,
/// above 100 or has more than two decimals.
pub fn to_hundredths(percent: f64) -> Option<u32> {
    if !percent.is_finite() || !(0.0..=100.0).contains(&percent) {
        return None;
    }
    let scaled = percent * 100.0;
    let rounded = scaled.round();
    ((scaled - rounded).abs() < 1e-6).then_some(rounded as u32)
}

/// The percentage of `hundredths`, for display and JSON.
pub fn to_percent(hundredths: u32) -> f64 {
    f64::from(hundredths) / 100.0
}

/// True when the shares total exactly 100 %.
pub fn total_is_whole(shares: &[u32]) -> bool {
    shares.iter().map(|s| u64::from(*s)).sum::<u64>() == u64::from(WHOLE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn circular_18_2013_contribution_shares_total_100() {
        let thirds = [3334, 3333, 3333];
        assert!(total_is_whole(&thirds));
        assert!(!total_is_whole(&[5000, 4999]));
        assert!(total_is_whole(&[WHOLE]));
    }

    #[test]
    fn percentages_have_at_most_two_decimals() {
        assert_eq!(to_hundredths(33.34), Some(3334));
        assert_eq!(to_hundredths(100.0), Some(10_000));
        assert_eq!(to_hundredths(12.345), None);
        assert_eq!(to_hundredths(-1.0), None);
        assert_eq!(to_hundredths(100.01), None);
        assert_eq!(to_percent(3334), 33.34);
    }
}
