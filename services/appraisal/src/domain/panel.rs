//! Panels: the appraisal team and the council of a plan's field, with each member's panel
//! role [law: Circular 18/2013 Art. 8 — chair, vice-chair, secretary-member, experts, a
//! trade-union representative, others named by the head].

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use sangkien_kit::error::Issues;

/// A member's role on the panel: what they may do and what the budget pays them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PanelRole {
    /// Chủ tịch hội đồng / tổ trưởng.
    Chair,
    /// Phó chủ tịch.
    ViceChair,
    /// Thư ký (a member who keeps the minutes).
    Secretary,
    /// Ủy viên.
    Member,
    /// Chuyên gia of the field.
    Expert,
    /// Đại diện công đoàn.
    TradeUnion,
    /// Others the head names.
    Other,
}

impl PanelRole {
    /// The snake_case code of the role, as events and the wire carry it.
    pub fn code(self) -> &'static str {
        match self {
            PanelRole::Chair => "chair",
            PanelRole::ViceChair => "vice_chair",
            PanelRole::Secretary => "secretary",
            PanelRole::Member => "member",
            PanelRole::Expert => "expert",
            PanelRole::TradeUnion => "trade_union",
            PanelRole::Other => "other",
        }
    }

    /// True when the member scores dossiers.
    pub fn scores(self) -> bool {
        !matches!(self, PanelRole::Secretary)
    }
}

/// Which body a panel is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PanelKind {
    /// Tổ thẩm định.
    AppraisalTeam,
    /// Hội đồng sáng kiến.
    Council,
}

/// A member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// Their account.
    pub user_id: Uuid,
    /// Full name, as on the decision establishing the panel.
    pub full_name: String,
    /// Their unit (conflicts: a member never scores a dossier of their own unit).
    pub unit_id: Uuid,
    pub role: PanelRole,
}

/// Checks a panel's members; every problem goes to `issues`. A council has one chair and one
/// secretary; a team has at least two who score, since every dossier gets two reviewers.
pub fn check_members(kind: PanelKind, members: &[Member], issues: &mut Issues) {
    let count = |r: PanelRole| members.iter().filter(|m| m.role == r).count();
    if count(PanelRole::Chair) != 1 {
        issues.push(
            "members",
            "one_chair",
            "Cần đúng một chủ tịch (tổ trưởng)",
            "Exactly one chair is needed",
        );
    }
    if kind == PanelKind::Council && count(PanelRole::Secretary) != 1 {
        issues.push(
            "members",
            "one_secretary",
            "Hội đồng cần đúng một thư ký",
            "A council needs exactly one secretary",
        );
    }
    if members.iter().filter(|m| m.role.scores()).count() < 2 {
        issues.push(
            "members",
            "too_few",
            "Cần ít nhất hai thành viên chấm điểm",
            "At least two members who score are needed",
        );
    }
    let mut seen = std::collections::HashSet::new();
    for (i, m) in members.iter().enumerate() {
        if !seen.insert(m.user_id) {
            issues.push(
                format!("members[{i}].user_id"),
                "duplicate",
                "Thành viên bị lặp",
                "The member is listed twice",
            );
        }
        issues.text(&format!("members[{i}].full_name"), &m.full_name, 200);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(role: PanelRole) -> Member {
        Member {
            user_id: Uuid::now_v7(),
            full_name: "Thành viên".into(),
            unit_id: Uuid::now_v7(),
            role,
        }
    }

    #[test]
    fn circular_18_2013_art_8_council_has_a_chair_and_a_secretary() {
        let mut issues = Issues::new();
        let council = [
            m(PanelRole::Chair),
            m(PanelRole::Secretary),
            m(PanelRole::Expert),
            m(PanelRole::Member),
        ];
        check_members(PanelKind::Council, &council, &mut issues);
        assert!(issues.is_empty());
        let mut issues = Issues::new();
        check_members(
            PanelKind::Council,
            &[m(PanelRole::Member), m(PanelRole::Member)],
            &mut issues,
        );
        let codes: Vec<String> = issues
            .finish()
            .unwrap_err()
            .errors
            .into_iter()
            .map(|e| e.code)
            .collect();
        assert_eq!(codes, ["one_chair", "one_secretary"]);
    }

    #[test]
    fn a_team_needs_two_who_score() {
        let mut issues = Issues::new();
        check_members(
            PanelKind::AppraisalTeam,
            &[m(PanelRole::Chair)],
            &mut issues,
        );
        assert_eq!(issues.finish().unwrap_err().errors[0].code, "too_few");
    }
}
