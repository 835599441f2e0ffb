//! Roles a user can hold, each granted on an organisational unit (DOMAIN §1).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A role, always granted on a unit; one person may hold several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Tác giả — drafts and submits dossiers, sees the outcome.
    Author,
    /// Thủ trưởng đơn vị — confirms or returns the unit's dossiers.
    UnitHead,
    /// Cơ quan tiếp nhận — receives and registers dossiers of its field.
    ReceivingOffice,
    /// Cơ quan thường trực HĐSK — organises the council, drafts decision and estimate.
    CouncilSecretariat,
    /// Thành viên Tổ thẩm định / HĐSK — scores assigned dossiers, attends sittings.
    Reviewer,
    /// Chủ tịch HĐSK — decides disagreements, opens and closes sittings.
    CouncilChair,
    /// Người ký — signs the recognition decision.
    Signer,
    /// Phòng Tài chính – Kế hoạch — appraises the estimate, checks spending.
    FinanceOffice,
    /// The provincial DOST system's service account.
    Province,
    /// Quản trị — users, units, grants, configuration.
    Admin,
}

impl Role {
    /// Every role, in the order of DOMAIN §1.
    pub const ALL: [Role; 10] = [
        Role::Author,
        Role::UnitHead,
        Role::ReceivingOffice,
        Role::CouncilSecretariat,
        Role::Reviewer,
        Role::CouncilChair,
        Role::Signer,
        Role::FinanceOffice,
        Role::Province,
        Role::Admin,
    ];

    /// The snake_case name used in tokens and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Author => "author",
            Role::UnitHead => "unit_head",
            Role::ReceivingOffice => "receiving_office",
            Role::CouncilSecretariat => "council_secretariat",
            Role::Reviewer => "reviewer",
            Role::CouncilChair => "council_chair",
            Role::Signer => "signer",
            Role::FinanceOffice => "finance_office",
            Role::Province => "province",
            Role::Admin => "admin",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown role `{s}`"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_round_trip_through_their_wire_form() {
        for role in Role::ALL {
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(json, format!("\"{}\"", role.as_str()));
            assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
        }
        assert!("chairman".parse::<Role>().is_err());
    }
}
