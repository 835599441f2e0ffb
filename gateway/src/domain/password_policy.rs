//! What a password must be. No default password exists anywhere; generated ones are long.

use rand::{Rng, distributions::Alphanumeric};

/// Shortest password accepted.
pub const MIN_LEN: usize = 10;
/// Longest password accepted (argon2 has no limit, but a bound stops abuse).
pub const MAX_LEN: usize = 128;

/// Why a password is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordProblem {
    /// Fewer than [`MIN_LEN`] characters.
    TooShort,
    /// More than [`MAX_LEN`] characters.
    TooLong,
    /// The same as the user name or e-mail.
    SameAsLogin,
    /// One character repeated.
    Repetitive,
}

/// Checks `password` for the account `login`; every problem is returned.
pub fn check_password(password: &str, login: &str) -> Vec<PasswordProblem> {
    let mut problems = Vec::new();
    let n = password.chars().count();
    if n < MIN_LEN {
        problems.push(PasswordProblem::TooShort);
    }
    if n > MAX_LEN {
        problems.push(PasswordProblem::TooLong);
    }
    if !login.is_empty() && password.to_lowercase() == login.to_lowercase() {
        problems.push(PasswordProblem::SameAsLogin);
    }
    let mut chars = password.chars();
    if let Some(first) = chars.next()
        && n > 1
        && chars.all(|c| c == first)
    {
        problems.push(PasswordProblem::Repetitive);
    }
    problems
}

/// A random password of 20 letters and digits, for the first admin and for service-account
/// secrets.
pub fn generate_password() -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(20)
        .map(char::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_policy_lists_every_problem() {
        assert_eq!(
            check_password("aaaaaaaaaaaa", "x"),
            vec![PasswordProblem::Repetitive]
        );
        assert_eq!(
            check_password("short", "x"),
            vec![PasswordProblem::TooShort]
        );
        assert_eq!(
            check_password("Nguyen.Van.A", "nguyen.van.a"),
            vec![PasswordProblem::SameAsLogin]
        );
        assert!(check_password("mot-cau-mat-khau-dai", "user").is_empty());
        assert_eq!(
            check_password(&"x".repeat(200), "u"),
            vec![PasswordProblem::TooLong, PasswordProblem::Repetitive]
        );
    }

    #[test]
    fn generated_passwords_pass_the_policy_and_differ() {
        let a = generate_password();
        assert!(check_password(&a, "admin").is_empty());
        assert_ne!(a, generate_password());
    }
}
