//! What codes, sign-in names and e-mail addresses may look like.

sangkien_kit::closed_set! {
    /// The kind of an organisational unit: stored as its code, documented as an enum.
    pub enum UnitKind {
        /// Cơ quan xét công nhận — the body that recognises (UBND xã, sở, ban, ngành).
        Body = ("body", "Cơ quan xét công nhận"),
        /// Phòng, ban — an office of the body.
        Office = ("office", "Phòng, ban"),
        /// Trường học — a school.
        School = ("school", "Trường học"),
        /// Xã, phường — a commune or ward.
        Commune = ("commune", "Xã, phường"),
        /// Hội đồng — a council.
        Council = ("council", "Hội đồng"),
        /// Doanh nghiệp, hợp tác xã — an enterprise or a cooperative.
        Enterprise = ("enterprise", "Doanh nghiệp, hợp tác xã"),
        /// Khác — anything else.
        Other = ("other", "Khác"),
    }
}

/// A tenant or unit code: 2–64 of `a-z 0-9 - _ .`, starting with a letter or digit, so it
/// is safe in URLs, file names and document symbols.
pub fn is_valid_code(code: &str) -> bool {
    let n = code.len();
    (2..=64).contains(&n)
        && code.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
}

/// A sign-in name: 3–64 of `a-z 0-9 - _ .`, starting with a letter or digit. Names are
/// stored lowercase, so `An.Nguyen` and `an.nguyen` are one account.
pub fn is_valid_username(name: &str) -> bool {
    name.len() >= 3 && is_valid_code(name)
}

/// A plausible e-mail address (one `@`, a dot in the domain, no spaces, at most 254).
pub fn is_valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    email.len() <= 254
        && !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_url_safe_lowercase() {
        assert!(is_valid_code("vinh-tuong"));
        assert!(is_valid_code("thcs.ly_tu_trong"));
        assert!(!is_valid_code("Vinh"));
        assert!(!is_valid_code("-x"));
        assert!(!is_valid_code("a"));
        assert!(!is_valid_code("vĩnh"));
        assert!(!is_valid_code(&"a".repeat(65)));
    }

    #[test]
    fn usernames_and_emails() {
        assert!(is_valid_username("an.nguyen"));
        assert!(!is_valid_username("an"));
        assert!(is_valid_email("an@vinhtuong.gov.vn"));
        assert!(!is_valid_email("an@localhost"));
        assert!(!is_valid_email("a n@x.vn"));
        assert!(!is_valid_email("@x.vn"));
        assert!(!is_valid_email("a@b@x.vn"));
    }
}
