//! Where a case stands, as a closed set parsed once from its stored code: no handler or step
//! compares a status as text.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where an appraisal case stands: `open` — Đang thẩm định (being appraised); `concluded` —
/// Đã kết luận (the last stage, or a failed one, recorded its result); `withdrawn` — Đã rút
/// (the author withdrew the dossier).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Đang thẩm định — being appraised, at one of its stages.
    Open,
    /// Đã kết luận — concluded; `case.concluded` has left.
    Concluded,
    /// Đã rút — withdrawn by its author.
    Withdrawn,
}

impl CaseStatus {
    /// The stored and wire code.
    pub fn code(self) -> &'static str {
        match self {
            CaseStatus::Open => "open",
            CaseStatus::Concluded => "concluded",
            CaseStatus::Withdrawn => "withdrawn",
        }
    }

    /// The status of a stored code; `None` for a code this version does not know.
    pub fn parse(code: &str) -> Option<Self> {
        [
            CaseStatus::Open,
            CaseStatus::Concluded,
            CaseStatus::Withdrawn,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }

    /// The Vietnamese label, as the console and the documents show it.
    pub fn label(self) -> &'static str {
        match self {
            CaseStatus::Open => "Đang thẩm định",
            CaseStatus::Concluded => "Đã kết luận",
            CaseStatus::Withdrawn => "Đã rút",
        }
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
