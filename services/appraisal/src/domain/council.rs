//! The council's sitting: quorum and the two-thirds vote [law: Circular 18/2013 Art. 8 — "the
//! council's conclusion needs at least two-thirds of its members in favour"; a council is
//! mandatory when the head of the recognising body is an author, and the head may not sit on it].

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::panel::PanelRole;

/// Votes in favour a conclusion needs from a council of `members`: at least two thirds,
/// rounded up (7 members need 5; 6 need 4; 9 need 6).
pub fn two_thirds_required(members: usize) -> usize {
    (2 * members).div_ceil(3)
}

/// True when `in_favour` of `members` carry the conclusion.
pub fn carried(members: usize, in_favour: usize) -> bool {
    members > 0 && in_favour >= two_thirds_required(members)
}

/// True when recording a result would conclude the case without a council although the head
/// of the recognising body is one of its authors, which the law refuses: then the council is
/// mandatory and only its vote concludes [Circular 18/2013 Art. 8]. `concludes` is whether the
/// result being recorded is the last stage's (a council stage never records one this way: it
/// votes at a sitting).
pub fn council_required(concludes: bool, head_is_author: bool) -> bool {
    concludes && head_is_author
}

/// The members who may vote on a dossier: every member but its authors. When the head of the
/// recognising body is an author, the head may not sit on the council, so the two thirds are
/// counted without them [Circular 18/2013 Art. 8].
pub fn voting_members<T: PartialEq + Copy>(members: &[T], authors: &[T]) -> Vec<T> {
    members
        .iter()
        .copied()
        .filter(|m| !authors.contains(m))
        .collect()
}

/// A rule of the sitting's quorum, named so the refusal says which one failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuorumRule {
    /// The chair (or, in their absence, a vice-chair) presides.
    ChairPresides,
    /// The secretary is present to keep the minutes (councils only).
    SecretaryPresent,
    /// At least two thirds of the members are present, or no conclusion could ever carry.
    TwoThirdsPresent,
}

impl QuorumRule {
    /// The rule in Vietnamese and English.
    pub fn text(self) -> (&'static str, &'static str) {
        match self {
            QuorumRule::ChairPresides => (
                "Chủ tịch hoặc phó chủ tịch phải chủ trì phiên họp",
                "The chair or a vice-chair must preside",
            ),
            QuorumRule::SecretaryPresent => (
                "Thư ký phải có mặt để ghi biên bản",
                "The secretary must be present to keep the minutes",
            ),
            QuorumRule::TwoThirdsPresent => (
                "Phải có mặt ít nhất hai phần ba số thành viên (Thông tư 18/2013/TT-BKHCN, Điều 8)",
                "At least two thirds of the members must be present (Circular 18/2013 Art. 8)",
            ),
        }
    }
}

/// The quorum rules a sitting breaks, given the panel's roles and who of them is present;
/// empty when it may conclude. `council` adds the secretary rule.
pub fn quorum_broken(
    council: bool,
    members: &[PanelRole],
    present: &[PanelRole],
) -> Vec<QuorumRule> {
    let mut broken = Vec::new();
    if !present
        .iter()
        .any(|r| matches!(r, PanelRole::Chair | PanelRole::ViceChair))
    {
        broken.push(QuorumRule::ChairPresides);
    }
    if council && !present.contains(&PanelRole::Secretary) {
        broken.push(QuorumRule::SecretaryPresent);
    }
    if present.len() < two_thirds_required(members.len()) {
        broken.push(QuorumRule::TwoThirdsPresent);
    }
    broken
}

/// How a council voted on one dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Tally {
    /// Tán thành.
    pub in_favour: usize,
    /// Không tán thành.
    pub against: usize,
    /// Không biểu quyết.
    pub abstaining: usize,
}

impl Tally {
    /// Everyone who voted.
    pub fn voters(&self) -> usize {
        self.in_favour + self.against + self.abstaining
    }
}

/// Why a tally cannot be recorded, when it cannot: more votes than members present who may
/// vote on the dossier.
pub fn tally_problem(tally: &Tally, eligible_present: usize) -> Option<(String, String)> {
    (tally.voters() > eligible_present).then(|| {
        (
            format!(
                "Tổng số phiếu ({}) vượt số thành viên có mặt được biểu quyết ({eligible_present})",
                tally.voters()
            ),
            format!(
                "{} votes exceed the {eligible_present} members present who may vote",
                tally.voters()
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use PanelRole::*;

    #[test]
    fn circular_18_2013_art_8_a_head_who_is_an_author_needs_the_council_to_conclude() {
        assert!(council_required(true, true));
        // An earlier stage may still record its result: the council comes after it.
        assert!(!council_required(false, true));
        assert!(!council_required(true, false));
        assert!(!council_required(false, false));
    }

    #[test]
    fn circular_18_2013_art_8_two_thirds_of_the_members_must_be_in_favour() {
        assert_eq!(two_thirds_required(7), 5);
        assert_eq!(two_thirds_required(6), 4);
        assert_eq!(two_thirds_required(9), 6);
        assert_eq!(two_thirds_required(3), 2);
        assert!(carried(6, 4), "4 of 6 pass");
        assert!(!carried(7, 4), "4 of 7 do not");
        assert!(carried(7, 5), "5 of 7 pass");
        assert!(!carried(0, 0), "no council, no conclusion");
    }

    #[test]
    fn circular_18_2013_art_8_the_head_who_is_an_author_does_not_sit_nor_count() {
        let members = [1, 2, 3, 4, 5, 6, 7];
        let voting = voting_members(&members, &[7, 42]);
        assert_eq!(voting.len(), 6);
        assert_eq!(
            two_thirds_required(voting.len()),
            4,
            "4 of the 6 others carry it"
        );
    }

    #[test]
    fn circular_18_2013_art_8_quorum_names_each_rule_broken() {
        let council = [Chair, ViceChair, Secretary, Member, Member, Expert, Member];
        assert!(
            quorum_broken(true, &council, &[Chair, Secretary, Member, Member, Expert]).is_empty()
        );
        assert_eq!(
            quorum_broken(true, &council, &[ViceChair, Member, Member, Expert]),
            [QuorumRule::SecretaryPresent, QuorumRule::TwoThirdsPresent]
        );
        assert_eq!(
            quorum_broken(true, &council, &[Secretary, Member, Member, Expert, Member]),
            [QuorumRule::ChairPresides]
        );
        let team = [Chair, Member, Member];
        assert!(quorum_broken(false, &team, &[Chair, Member]).is_empty());
    }

    #[test]
    fn a_tally_never_counts_more_votes_than_members_present() {
        let t = Tally {
            in_favour: 5,
            against: 1,
            abstaining: 1,
        };
        assert!(tally_problem(&t, 7).is_none());
        assert!(tally_problem(&t, 6).is_some());
    }
}
