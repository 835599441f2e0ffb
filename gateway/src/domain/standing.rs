//! Whether an access token still speaks for its account.
//!
//! Access tokens live 15 minutes and are checked by signature alone, so without this a person
//! deactivated by an admin, a person whose body (tenant) was deactivated, a person who just
//! changed a leaked password, or a person whose role was taken away could go on with the
//! tokens already issued until they expire.

use std::sync::Arc;

use sangkien_proto::Role;
use uuid::Uuid;

/// What the identity store says of a token's account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// Not in this store (a token of another issuer sharing the keys, or a test's): nothing
    /// to say against it beyond its signature.
    Unknown,
    /// Active in an active tenant; tokens issued from `tokens_from` (seconds since the epoch,
    /// the last password change) stand, as long as every role they carry is still granted.
    Active {
        /// The first second whose tokens stand.
        tokens_from: i64,
        /// The roles held now, each on its unit.
        grants: Arc<[(Role, Uuid)]>,
    },
    /// The account or its tenant is deactivated.
    Inactive,
}

/// A token issued at `issued_at` (its `iat`, whole seconds) carrying `roles` stands when its
/// account is active, it was issued no earlier than the second of the last password change (a
/// token issued in that very second, right after the change, is the new session's), and each
/// role it carries is still granted on its unit: a removed grant or a changed role ends the
/// tokens that carry the old one at once. A role granted since is simply not in the token
/// yet; the next refresh brings it.
pub fn token_stands(standing: &Standing, issued_at: i64, roles: &[(Role, Uuid)]) -> bool {
    match standing {
        Standing::Unknown => true,
        Standing::Active {
            tokens_from,
            grants,
        } => issued_at >= *tokens_from && roles.iter().all(|r| grants.contains(r)),
        Standing::Inactive => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn active(tokens_from: i64, grants: &[(Role, Uuid)]) -> Standing {
        Standing::Active {
            tokens_from,
            grants: grants.into(),
        }
    }

    #[test]
    fn a_deactivated_account_or_a_password_change_ends_the_tokens_already_issued() {
        let changed = active(1_000, &[]);
        assert!(
            token_stands(&changed, 1_000, &[]),
            "issued in the second of the change"
        );
        assert!(token_stands(&changed, 1_500, &[]));
        assert!(
            !token_stands(&changed, 999, &[]),
            "issued before the change"
        );
        assert!(!token_stands(&Standing::Inactive, 2_000, &[]));
        assert!(token_stands(&Standing::Unknown, 0, &[]));
    }

    #[test]
    fn a_removed_grant_or_a_changed_role_ends_the_tokens_that_carry_it() {
        let (school, office) = (Uuid::now_v7(), Uuid::now_v7());
        let token = [(Role::Reviewer, school), (Role::Author, school)];
        let now = active(0, &[(Role::Author, school), (Role::Reviewer, school)]);
        assert!(token_stands(&now, 10, &token), "nothing taken away");
        let removed = active(0, &[(Role::Author, school)]);
        assert!(!token_stands(&removed, 10, &token), "reviewer removed");
        let moved = active(0, &[(Role::Author, school), (Role::Reviewer, office)]);
        assert!(
            !token_stands(&moved, 10, &token),
            "reviewer now on another unit"
        );
        let added = active(
            0,
            &[
                (Role::Author, school),
                (Role::Reviewer, school),
                (Role::Admin, office),
            ],
        );
        assert!(
            token_stands(&added, 10, &token),
            "a new grant waits for the next token"
        );
    }
}
