//! Whether an access token still speaks for its account.
//!
//! Access tokens live 15 minutes and are checked by signature alone, so without this a person
//! deactivated by an admin, a person whose body (tenant) was deactivated, or a person who just
//! changed a leaked password could go on with the tokens already issued until they expire.

/// What the identity store says of a token's account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Not in this store (a token of another issuer sharing the keys, or a test's): nothing
    /// to say against it beyond its signature.
    Unknown,
    /// Active in an active tenant; tokens issued from `tokens_from` (seconds since the epoch,
    /// the last password change) stand.
    Active {
        /// The first second whose tokens stand.
        tokens_from: i64,
    },
    /// The account or its tenant is deactivated.
    Inactive,
}

/// A token issued at `issued_at` (its `iat`, whole seconds) stands when its account is active
/// and it was issued no earlier than the second of the last password change (a token issued in
/// that very second, right after the change, is the new session's).
pub fn token_stands(standing: Standing, issued_at: i64) -> bool {
    match standing {
        Standing::Unknown => true,
        Standing::Active { tokens_from } => issued_at >= tokens_from,
        Standing::Inactive => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deactivated_account_or_a_password_change_ends_the_tokens_already_issued() {
        let changed = Standing::Active { tokens_from: 1_000 };
        assert!(
            token_stands(changed, 1_000),
            "issued in the second of the change"
        );
        assert!(token_stands(changed, 1_500));
        assert!(!token_stands(changed, 999), "issued before the change");
        assert!(!token_stands(Standing::Inactive, 2_000));
        assert!(token_stands(Standing::Unknown, 0));
    }
}
