//! Who may not score a dossier [DOMAIN §5, practice]: its authors and co-authors, any member
//! of an author's unit, the unit head who confirmed it, and whoever declared a conflict.

use uuid::Uuid;

/// What a case tells about conflicts.
#[derive(Debug, Clone, Default)]
pub struct CaseParties {
    /// Authors' and co-authors' accounts (those who have one) and the owner.
    pub author_users: Vec<Uuid>,
    /// The owner's unit and every author's unit.
    pub author_units: Vec<Uuid>,
    /// The unit head who confirmed it.
    pub confirmed_by: Option<Uuid>,
    /// Reviewers who declared a conflict on it.
    pub declared: Vec<Uuid>,
}

/// Why a reviewer may not score a dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    /// They are an author or co-author.
    Author,
    /// They belong to an author's unit.
    SameUnit,
    /// They confirmed it as unit head.
    ConfirmedIt,
    /// They declared a conflict.
    Declared,
}

impl Conflict {
    /// The reason recorded and shown.
    pub fn reason(self) -> (&'static str, &'static str) {
        match self {
            Conflict::Author => ("là tác giả hoặc đồng tác giả", "is an author or co-author"),
            Conflict::SameUnit => ("cùng đơn vị với tác giả", "belongs to an author's unit"),
            Conflict::ConfirmedIt => (
                "là thủ trưởng đã xác nhận hồ sơ",
                "confirmed the dossier as unit head",
            ),
            Conflict::Declared => (
                "đã tự khai có xung đột lợi ích",
                "declared a conflict of interest",
            ),
        }
    }
}

/// The first conflict of reviewer `user` (of `unit`) on a case, if any.
pub fn conflict_of(user: Uuid, unit: Uuid, case: &CaseParties) -> Option<Conflict> {
    if case.author_users.contains(&user) {
        Some(Conflict::Author)
    } else if case.confirmed_by == Some(user) {
        Some(Conflict::ConfirmedIt)
    } else if case.author_units.contains(&unit) {
        Some(Conflict::SameUnit)
    } else if case.declared.contains(&user) {
        Some(Conflict::Declared)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reviewers_never_score_their_own_their_units_or_what_they_confirmed() {
        let (author, head, colleague, outsider, declarer) = (
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
        );
        let (school, office) = (Uuid::now_v7(), Uuid::now_v7());
        let case = CaseParties {
            author_users: vec![author],
            author_units: vec![school],
            confirmed_by: Some(head),
            declared: vec![declarer],
        };
        assert_eq!(conflict_of(author, office, &case), Some(Conflict::Author));
        assert_eq!(
            conflict_of(head, office, &case),
            Some(Conflict::ConfirmedIt)
        );
        assert_eq!(
            conflict_of(colleague, school, &case),
            Some(Conflict::SameUnit)
        );
        assert_eq!(
            conflict_of(declarer, office, &case),
            Some(Conflict::Declared)
        );
        assert_eq!(conflict_of(outsider, office, &case), None);
    }
}
