//! Where a budget estimate stands, as a closed set parsed once from its stored code.

sangkien_kit::closed_set! {
    /// Where an estimate (dự toán) stands under Circular 03/2019/TT-BTC: drafted and edited,
    /// approved by the finance office, or superseded by an approved revision.
    pub enum EstimateStatus {
        /// Dự thảo — lines may still be added, edited and appraised.
        Draft = ("draft", "Dự thảo"),
        /// Đã phê duyệt — approved by the finance office; spending is reconciled against it.
        Approved = ("approved", "Đã phê duyệt"),
        /// Đã được thay thế — a later revision was approved in its place.
        Superseded = ("superseded", "Đã được thay thế"),
    }
}

sangkien_kit::closed_set! {
    /// Where one estimate line stands in the finance office's appraisal (thẩm định dự toán).
    pub enum LineAppraisal {
        /// Chờ thẩm định — not appraised yet (or edited since).
        Pending = ("pending", "Chờ thẩm định"),
        /// Chấp thuận — allowed as drafted.
        Approved = ("approved", "Chấp thuận"),
        /// Điều chỉnh — allowed at another amount, with a reason.
        Adjusted = ("adjusted", "Điều chỉnh"),
        /// Không chấp thuận — nothing allowed, with a reason.
        Rejected = ("rejected", "Không chấp thuận"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_estimate_status_reads_back_from_its_code_and_has_a_vietnamese_label() {
        for s in EstimateStatus::ALL {
            assert_eq!(EstimateStatus::parse(s.code()), Some(*s));
            assert!(!s.label().is_empty());
        }
        assert_eq!(EstimateStatus::parse("settled"), None);
    }

    #[test]
    fn every_line_appraisal_reads_back_from_its_code_and_has_a_vietnamese_label() {
        for s in LineAppraisal::ALL {
            assert_eq!(LineAppraisal::parse(s.code()), Some(*s));
            assert!(!s.label().is_empty());
        }
    }
}
