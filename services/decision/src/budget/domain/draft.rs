//! The draft estimate computed from the plan: expected sittings of each panel from its stage
//! window, attendees by panel role at the rate in force, one training class per field, and the
//! documents of the sittings (DOMAIN §3 and §7).

use chrono::NaiveDate;

use super::{
    money,
    rates::{Profile, Rate, applicable, payee_label, sitting_payee},
};

/// A stage window of the plan.
#[derive(Debug, Clone)]
pub struct StageWindow {
    pub field: String,
    /// `appraisal_team` or `council`.
    pub kind: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// A panel as `panel.changed` announced it.
#[derive(Debug, Clone)]
pub struct PanelSize {
    pub field: String,
    pub stage: String,
    pub name: String,
    /// Each member's panel role.
    pub roles: Vec<String>,
}

/// One computed line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftLine {
    pub line_code: String,
    pub payee_role: Option<String>,
    pub description: String,
    pub quantity: i64,
    pub unit_amount: i64,
}

/// Expected sittings in a stage window [practice]: one per started week of the window,
/// at least one (the 2022 council window 10/03–20/03 gives two). The secretariat edits the
/// figure when it knows better.
pub fn expected_sittings(from: NaiveDate, to: NaiveDate) -> i64 {
    let days = (to - from).num_days() + 1;
    ((days.max(1) + 6) / 7).max(1)
}

/// The lines of the draft: per panel and payee role (sittings × attendees at the cap in force
/// on the stage's first day), then the sittings' documents and one training class per field,
/// both paid on invoices and left at 0 đồng for the secretariat to price.
pub fn draft(
    fields: &[String],
    stages: &[StageWindow],
    panels: &[PanelSize],
    rates: &[Rate],
    profile: Option<&Profile>,
    plan_start: NaiveDate,
) -> Option<Vec<DraftLine>> {
    let mut lines = Vec::new();
    let mut all_sittings = 0i64;
    for p in panels {
        let window = stages
            .iter()
            .find(|s| s.field == p.field && s.kind == p.stage);
        let (sittings, on) = window
            .map(|w| (expected_sittings(w.from, w.to), w.from))
            .unwrap_or((1, plan_start));
        all_sittings = all_sittings.checked_add(sittings)?;
        for payee in ["chair", "member", "other"] {
            let count = p.roles.iter().filter(|r| sitting_payee(r) == payee).count() as i64;
            if count == 0 {
                continue;
            }
            let unit = applicable(rates, "council_sitting", Some(payee), on, profile)
                .and_then(|r| r.max_amount)
                .unwrap_or(0);
            let quantity = sittings.checked_mul(count)?;
            money::amount(quantity, unit)?;
            lines.push(DraftLine {
                line_code: "council_sitting".into(),
                payee_role: Some(payee.into()),
                description: format!(
                    "{} — {}: {sittings} phiên × {count} người",
                    p.name,
                    payee_label(Some(payee))
                ),
                quantity,
                unit_amount: unit,
            });
        }
    }
    if all_sittings > 0 {
        lines.push(DraftLine {
            line_code: "council_documents".into(),
            payee_role: None,
            description: format!("Tài liệu, văn phòng phẩm cho {all_sittings} phiên họp"),
            quantity: all_sittings,
            unit_amount: 0,
        });
    }
    for f in fields {
        lines.push(DraftLine {
            line_code: "training".into(),
            payee_role: None,
            description: format!("Lớp tập huấn sáng kiến lĩnh vực {f}"),
            quantity: 1,
            unit_amount: 0,
        });
    }
    Some(lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::budget::domain::rates::national_rates;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2022, m, d).unwrap()
    }

    #[test]
    fn expected_sittings_are_one_per_started_week_of_the_window() {
        assert_eq!(expected_sittings(day(3, 10), day(3, 20)), 2);
        assert_eq!(expected_sittings(day(3, 1), day(3, 7)), 1);
        assert_eq!(expected_sittings(day(9, 1), day(9, 10)), 2);
        assert_eq!(expected_sittings(day(3, 5), day(3, 5)), 1);
    }

    #[test]
    fn the_draft_pays_each_panel_role_at_the_national_cap() {
        let stages = vec![StageWindow {
            field: "education".into(),
            kind: "council".into(),
            from: day(3, 10),
            to: day(3, 20),
        }];
        let panels = vec![PanelSize {
            field: "education".into(),
            stage: "council".into(),
            name: "HĐSK".into(),
            roles: [
                "chair",
                "vice_chair",
                "secretary",
                "member",
                "expert",
                "trade_union",
                "other",
            ]
            .map(String::from)
            .to_vec(),
        }];
        let lines = draft(
            &["education".into()],
            &stages,
            &panels,
            &national_rates(),
            None,
            day(1, 18),
        )
        .unwrap();
        let figures: Vec<(Option<&str>, i64, i64)> = lines
            .iter()
            .map(|l| (l.payee_role.as_deref(), l.quantity, l.unit_amount))
            .collect();
        assert_eq!(
            figures,
            [
                (Some("chair"), 2, 500_000),
                (Some("member"), 10, 200_000),
                (Some("other"), 2, 100_000),
                (None, 2, 0),
                (None, 1, 0),
            ]
        );
    }
}
