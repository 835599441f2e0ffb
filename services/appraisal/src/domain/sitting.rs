//! What a sitting records: who was present with their panel role, and the council's vote on
//! each dossier with what it means under the two-thirds rule.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::panel::PanelRole;

/// How the vote was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VoteMethod {
    /// Biểu quyết giơ tay.
    ShowOfHands,
    /// Bỏ phiếu kín.
    SecretBallot,
}

/// A person present, with the panel role that decides what they are paid.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Attendee {
    pub user_id: Uuid,
    pub full_name: String,
    pub role: PanelRole,
}

/// A recorded vote, with what it means.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct VoteView {
    pub method: VoteMethod,
    pub in_favour: usize,
    pub against: usize,
    pub abstaining: usize,
    /// Members who may vote on this dossier (authors among them may not).
    pub members: usize,
    /// Votes in favour needed: two thirds of `members`, rounded up.
    pub required: usize,
    pub carried: bool,
}
