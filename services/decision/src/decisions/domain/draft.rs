//! What a draft decision holds [DOMAIN §4: concluded → recognised or refused in writing with
//! reasons]: every concluded case of the plan's field, recommended ones recognised, the others
//! refused with the conclusion's reason; the secretariat may move one across with a written
//! reason, never add one that is not concluded.

use uuid::Uuid;

/// What appraisal concluded on a dossier.
#[derive(Debug, Clone, PartialEq)]
pub struct Conclusion {
    /// The dossier.
    pub dossier_id: Uuid,
    /// Recommended for recognition.
    pub recommended: bool,
    /// The conclusion's reason.
    pub reason: String,
}

/// One line of a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The dossier.
    pub dossier_id: Uuid,
    /// Recognised (true) or refused.
    pub recognised: bool,
    /// The written reason.
    pub reason: String,
    /// True once the secretariat changed what the conclusion said.
    pub moved: bool,
}

/// The items a new draft starts with: each conclusion as it stands.
pub fn initial_items(concluded: &[Conclusion]) -> Vec<Item> {
    concluded
        .iter()
        .map(|c| Item {
            dossier_id: c.dossier_id,
            recognised: c.recommended,
            reason: c.reason.clone(),
            moved: false,
        })
        .collect()
}

/// Why an edit of an item is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditRefused {
    /// No written reason.
    ReasonMissing,
    /// The reason is longer than 2000 characters.
    ReasonTooLong,
}

/// The item after the secretariat sets it to `recognised` with `reason`: the reason is
/// required whichever way it goes, and the item counts as moved when it departs from the
/// conclusion.
pub fn edit(
    conclusion: &Conclusion,
    recognised: bool,
    reason: &str,
) -> Result<Item, Vec<EditRefused>> {
    let reason = reason.trim();
    let mut refused = Vec::new();
    if reason.is_empty() {
        refused.push(EditRefused::ReasonMissing);
    }
    if reason.chars().count() > 2000 {
        refused.push(EditRefused::ReasonTooLong);
    }
    if !refused.is_empty() {
        return Err(refused);
    }
    Ok(Item {
        dossier_id: conclusion.dossier_id,
        recognised,
        reason: reason.to_owned(),
        moved: recognised != conclusion.recommended,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn concluded(recommended: bool) -> Conclusion {
        Conclusion {
            dossier_id: Uuid::now_v7(),
            recommended,
            reason: "Hội đồng biểu quyết 5/7".into(),
        }
    }

    #[test]
    fn charter_art_6_a_draft_recognises_the_recommended_and_refuses_the_others_with_reasons() {
        let items = initial_items(&[concluded(true), concluded(false)]);
        assert!(items[0].recognised && !items[1].recognised);
        assert!(items.iter().all(|i| !i.reason.is_empty() && !i.moved));
    }

    #[test]
    fn moving_an_item_needs_a_written_reason() {
        let c = concluded(false);
        assert_eq!(edit(&c, true, "  "), Err(vec![EditRefused::ReasonMissing]));
        let moved = edit(&c, true, "Đã bổ sung minh chứng áp dụng")
            .unwrap_or_else(|_| initial_items(std::slice::from_ref(&c)).remove(0));
        assert!(moved.recognised && moved.moved);
        let kept = edit(&c, false, "Giữ nguyên kết luận").map(|i| i.moved);
        assert_eq!(kept, Ok(false));
    }
}
