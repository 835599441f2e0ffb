//! The rules of sending nominations: how long to wait after a failed sending, what the
//! province's answer means, and that a reported result covers each nominated dossier once.

use std::{collections::BTreeSet, time::Duration};

use uuid::Uuid;

sangkien_kit::closed_set! {
    /// Where a nomination to the province stands.
    pub enum NominationStatus {
        /// Chờ tỉnh tiếp nhận — waiting to be sent, or sent and not yet acknowledged.
        Pending = ("pending", "Chờ tỉnh tiếp nhận"),
        /// Đã gửi tỉnh — the province acknowledged the package.
        Sent = ("sent", "Đã gửi tỉnh"),
        /// Tỉnh từ chối — the province refused the package; a person must look at it.
        Rejected = ("rejected", "Tỉnh từ chối"),
        /// Đã có kết quả — the province reported its result.
        ResultReported = ("result_reported", "Đã có kết quả"),
    }
}

/// The pause after the `failures`-th failed sending in a row: `base`, doubled after each
/// further failure, never more than `max` (so a province down for a day is tried again
/// within `max` of coming back, without being hammered meanwhile).
pub fn retry_delay(failures: u32, base: Duration, max: Duration) -> Duration {
    let doublings = failures.saturating_sub(1).min(30);
    base.checked_mul(1u32 << doublings).unwrap_or(max).min(max)
}

/// What one sending's HTTP answer means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerKind {
    /// 2xx: the province holds the package.
    Acknowledged,
    /// A 4xx other than 408 and 429: the province refuses the package itself; sending it
    /// again will not help, a person must look at the reason.
    Rejected,
    /// Anything else (5xx, 408, 429, no answer): try again later.
    Retry,
}

/// Classifies the province's HTTP status.
pub fn classify(status: u16) -> AnswerKind {
    match status {
        200..=299 => AnswerKind::Acknowledged,
        408 | 429 => AnswerKind::Retry,
        400..=499 => AnswerKind::Rejected,
        _ => AnswerKind::Retry,
    }
}

/// What is wrong with a reported result's dossier list: dossiers not in the nomination,
/// reported twice, or missing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CoverageProblems {
    /// Positions (in the report) of dossiers that are not in the nomination.
    pub foreign: Vec<usize>,
    /// Positions of dossiers reported a second time.
    pub repeated: Vec<usize>,
    /// Nominated dossiers the report leaves out.
    pub missing: Vec<Uuid>,
}

impl CoverageProblems {
    /// True when the report covers each nominated dossier exactly once.
    pub fn is_empty(&self) -> bool {
        self.foreign.is_empty() && self.repeated.is_empty() && self.missing.is_empty()
    }
}

/// The province reports on each nominated dossier exactly once, and on no other.
pub fn result_covers_each_nominated_dossier_once(
    nominated: &[Uuid],
    reported: &[Uuid],
) -> CoverageProblems {
    let wanted: BTreeSet<Uuid> = nominated.iter().copied().collect();
    let mut seen = BTreeSet::new();
    let mut p = CoverageProblems::default();
    for (i, d) in reported.iter().enumerate() {
        if !wanted.contains(d) {
            p.foreign.push(i);
        } else if !seen.insert(*d) {
            p.repeated.push(i);
        }
    }
    p.missing = nominated
        .iter()
        .filter(|d| !seen.contains(d))
        .copied()
        .collect();
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_nomination_status_reads_back_from_its_code_and_has_a_vietnamese_label() {
        for s in NominationStatus::ALL {
            assert_eq!(NominationStatus::parse(s.code()), Some(*s));
            assert!(!s.label().is_empty());
        }
        assert_eq!(NominationStatus::parse("queued"), None);
    }

    #[test]
    fn backoff_doubles_from_the_base_and_stops_at_the_cap() {
        let base = Duration::from_secs(60);
        let max = Duration::from_secs(3600);
        let delays: Vec<u64> = (1..=8)
            .map(|n| retry_delay(n, base, max).as_secs())
            .collect();
        assert_eq!(delays, vec![60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(retry_delay(0, base, max).as_secs(), 60);
        assert_eq!(retry_delay(u32::MAX, base, max).as_secs(), 3600);
    }

    #[test]
    fn only_a_4xx_other_than_408_and_429_is_a_rejection() {
        assert_eq!(classify(200), AnswerKind::Acknowledged);
        assert_eq!(classify(201), AnswerKind::Acknowledged);
        assert_eq!(classify(400), AnswerKind::Rejected);
        assert_eq!(classify(422), AnswerKind::Rejected);
        assert_eq!(classify(408), AnswerKind::Retry);
        assert_eq!(classify(429), AnswerKind::Retry);
        assert_eq!(classify(500), AnswerKind::Retry);
        assert_eq!(classify(503), AnswerKind::Retry);
        assert_eq!(classify(302), AnswerKind::Retry);
    }

    #[test]
    fn a_result_covers_each_nominated_dossier_once() {
        let (a, b, c) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        assert!(result_covers_each_nominated_dossier_once(&[a, b], &[b, a]).is_empty());
        let p = result_covers_each_nominated_dossier_once(&[a, b], &[a, a, c]);
        assert_eq!(p.foreign, vec![2]);
        assert_eq!(p.repeated, vec![1]);
        assert_eq!(p.missing, vec![b]);
    }
}
