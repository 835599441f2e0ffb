//! The dossier's lifecycle [law: Decree 13/2012 Charter Art. 5–6; DOMAIN §4]:
//! draft → submitted → confirmed by the unit head (or returned) → received and registered by
//! the receiving office (or returned for correction) → in appraisal → concluded → recognised
//! or refused. The author may withdraw before the conclusion.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where a dossier stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Being written by its author.
    Draft,
    /// Sent to the head of the author's unit.
    Submitted,
    /// Sent back by the unit head, with a reason; the author edits and submits again.
    Returned,
    /// Confirmed by the unit head; waiting for the receiving office.
    Confirmed,
    /// The receiving office asked for corrections before a deadline.
    CorrectionRequested,
    /// Registered by the receiving office; the decision is due within three months.
    Received,
    /// Being appraised.
    InAppraisal,
    /// Appraisal concluded; waiting for the decision.
    Concluded,
    /// Recognised by a signed decision.
    Recognised,
    /// Refused, with written reasons.
    Refused,
    /// Withdrawn by its author.
    Withdrawn,
}

impl Status {
    /// Every status.
    pub const ALL: [Status; 11] = [
        Status::Draft,
        Status::Submitted,
        Status::Returned,
        Status::Confirmed,
        Status::CorrectionRequested,
        Status::Received,
        Status::InAppraisal,
        Status::Concluded,
        Status::Recognised,
        Status::Refused,
        Status::Withdrawn,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Returned => "returned",
            Status::Confirmed => "confirmed",
            Status::CorrectionRequested => "correction_requested",
            Status::Received => "received",
            Status::InAppraisal => "in_appraisal",
            Status::Concluded => "concluded",
            Status::Recognised => "recognised",
            Status::Refused => "refused",
            Status::Withdrawn => "withdrawn",
        }
    }

    /// The status named `s`.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Vietnamese label for people.
    pub fn label_vi(self) -> &'static str {
        match self {
            Status::Draft => "Bản nháp",
            Status::Submitted => "Chờ thủ trưởng đơn vị xác nhận",
            Status::Returned => "Bị trả lại để chỉnh sửa",
            Status::Confirmed => "Chờ cơ quan tiếp nhận",
            Status::CorrectionRequested => "Yêu cầu bổ sung, sửa đổi",
            Status::Received => "Đã tiếp nhận",
            Status::InAppraisal => "Đang thẩm định",
            Status::Concluded => "Đã có kết luận",
            Status::Recognised => "Được công nhận",
            Status::Refused => "Không được công nhận",
            Status::Withdrawn => "Đã rút hồ sơ",
        }
    }

    /// True when the author may change the form and the attachments.
    pub fn is_editable(self) -> bool {
        matches!(
            self,
            Status::Draft | Status::Returned | Status::CorrectionRequested
        )
    }
}

/// What someone does to a dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The author submits (first time, after a return, or after a correction request).
    Submit,
    /// The unit head confirms.
    Confirm,
    /// The unit head sends it back.
    Return,
    /// The receiving office registers it.
    Register,
    /// The receiving office asks for corrections.
    RequestCorrection,
    /// The author withdraws it.
    Withdraw,
}

/// The status after `action` from `from`, or `None` when the action is not possible there.
///
/// A dossier corrected at the receiving office's request goes straight back to that office:
/// the unit head has already confirmed it.
pub fn next(from: Status, action: Action) -> Option<Status> {
    use Action as A;
    use Status as S;
    match (from, action) {
        (S::Draft | S::Returned, A::Submit) => Some(S::Submitted),
        (S::CorrectionRequested, A::Submit) => Some(S::Confirmed),
        (S::Submitted, A::Confirm) => Some(S::Confirmed),
        (S::Submitted, A::Return) => Some(S::Returned),
        (S::Confirmed, A::Register) => Some(S::Received),
        (S::Confirmed, A::RequestCorrection) => Some(S::CorrectionRequested),
        (
            S::Draft
            | S::Submitted
            | S::Returned
            | S::Confirmed
            | S::CorrectionRequested
            | S::Received
            | S::InAppraisal,
            A::Withdraw,
        ) => Some(S::Withdrawn),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charter_lifecycle_goes_draft_submitted_confirmed_received() {
        let mut s = Status::Draft;
        for (a, expected) in [
            (Action::Submit, Status::Submitted),
            (Action::Confirm, Status::Confirmed),
            (Action::Register, Status::Received),
        ] {
            s = next(s, a).unwrap();
            assert_eq!(s, expected);
        }
    }

    #[test]
    fn returned_and_corrected_dossiers_come_back_by_their_own_road() {
        assert_eq!(
            next(Status::Submitted, Action::Return),
            Some(Status::Returned)
        );
        assert_eq!(
            next(Status::Returned, Action::Submit),
            Some(Status::Submitted)
        );
        assert_eq!(
            next(Status::Confirmed, Action::RequestCorrection),
            Some(Status::CorrectionRequested)
        );
        assert_eq!(
            next(Status::CorrectionRequested, Action::Submit),
            Some(Status::Confirmed)
        );
    }

    #[test]
    fn withdrawal_is_possible_only_before_the_conclusion() {
        assert_eq!(
            next(Status::InAppraisal, Action::Withdraw),
            Some(Status::Withdrawn)
        );
        for s in [
            Status::Concluded,
            Status::Recognised,
            Status::Refused,
            Status::Withdrawn,
        ] {
            assert_eq!(next(s, Action::Withdraw), None, "{s:?}");
        }
    }

    #[test]
    fn nothing_skips_a_step() {
        assert_eq!(next(Status::Draft, Action::Register), None);
        assert_eq!(next(Status::Submitted, Action::Register), None);
        assert_eq!(next(Status::Received, Action::Submit), None);
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
    }
}
