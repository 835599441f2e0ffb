//! Where a recognition decision stands, as a closed set parsed once from its stored code.

sangkien_kit::closed_set! {
    /// Where a decision stands: a draft the standing body edits, or issued — signed, numbered
    /// and final.
    pub enum DecisionStatus {
        /// Dự thảo — the standing body still edits it; nothing is numbered.
        Draft = ("draft", "Dự thảo"),
        /// Đã ban hành — signed and numbered; its documents are final.
        Issued = ("issued", "Đã ban hành"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_decision_status_reads_back_from_its_code_and_has_a_vietnamese_label() {
        for s in DecisionStatus::ALL {
            assert_eq!(DecisionStatus::parse(s.code()), Some(*s));
            assert!(!s.label().is_empty());
        }
        assert_eq!(DecisionStatus::parse("signed"), None);
    }
}
