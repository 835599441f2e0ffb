//! Where a case stands, as a closed set parsed once from its stored code: no handler or step
//! compares a status as text.

sangkien_kit::closed_set! {
    /// Where an appraisal case stands: being appraised, concluded (the last stage, or a failed
    /// one, recorded its result) or withdrawn by its author.
    pub enum CaseStatus {
        /// Đang thẩm định — being appraised, at one of its stages.
        Open = ("open", "Đang thẩm định"),
        /// Đã kết luận — concluded; `case.concluded` has left.
        Concluded = ("concluded", "Đã kết luận"),
        /// Đã rút — withdrawn by its author.
        Withdrawn = ("withdrawn", "Đã rút"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_case_status_reads_back_from_its_code_and_has_a_vietnamese_label() {
        for s in [
            CaseStatus::Open,
            CaseStatus::Concluded,
            CaseStatus::Withdrawn,
        ] {
            assert_eq!(CaseStatus::parse(s.code()), Some(s));
            assert_eq!(serde_json::to_value(s).ok(), Some(s.code().into()));
            assert!(!s.label().is_empty());
        }
        assert_eq!(CaseStatus::parse("held"), None);
    }
}
