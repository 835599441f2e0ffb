//! A score sheet is valid only if every item is within its range and on the rubric's step
//! [DOMAIN §5: "A sheet is valid only if every item is within its range"]; every problem is
//! listed at once.

use std::collections::HashMap;

use sangkien_kit::error::Issues;

use super::rubric::{Centi, Rubric, to_centi};

/// One score given on a sheet: a criterion (or `criterion.sub_item`) and its points.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    /// `novelty`, or `effect.students` for a sub-item.
    pub item: String,
    /// Points as given.
    pub points: f64,
}

/// Checks `scores` against `r` and returns each criterion's points in hundredths (sub-items
/// summed), ready for [`super::rubric::outcome`]; every problem goes to `issues`.
pub fn check_sheet(r: &Rubric, scores: &[Score], issues: &mut Issues) -> Vec<(String, Centi)> {
    let step = to_centi(r.step).unwrap_or(1).max(1);
    let mut given: HashMap<&str, Centi> = HashMap::new();
    // Items scored at all, valid or not: an invalid one is reported once, not also missing.
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for (i, s) in scores.iter().enumerate() {
        let field = format!("scores[{i}]");
        let known = r.criteria.iter().any(|c| {
            (c.sub_items.is_empty() && c.code == s.item)
                || c.sub_items
                    .iter()
                    .any(|sub| format!("{}.{}", c.code, sub.code) == s.item)
        });
        if !known {
            issues.push(
                field,
                "unknown_item",
                "Không có mục chấm này",
                "No such item on the rubric",
            );
            continue;
        }
        if !seen.insert(s.item.as_str()) {
            issues.push(
                field,
                "duplicate",
                "Mục chấm bị lặp",
                "The item is scored twice",
            );
            continue;
        }
        match to_centi(s.points) {
            Some(p) if p >= 0 && p % step == 0 => {
                given.insert(s.item.as_str(), p);
            }
            _ => issues.push(
                field,
                "off_step",
                format!("Điểm phải là bội của {} và không âm", r.step),
                format!("Points are a non-negative multiple of {}", r.step),
            ),
        }
    }
    let mut totals = Vec::new();
    for c in &r.criteria {
        let items: Vec<(String, f64)> = if c.sub_items.is_empty() {
            vec![(c.code.clone(), c.max)]
        } else {
            c.sub_items
                .iter()
                .map(|s| (format!("{}.{}", c.code, s.code), s.max))
                .collect()
        };
        let mut sum = 0;
        for (item, max) in items {
            match given.get(item.as_str()) {
                None if seen.contains(item.as_str()) => {}
                None => issues.push(
                    format!("scores.{item}"),
                    "required",
                    "Chưa chấm mục này",
                    "This item is not scored",
                ),
                Some(p) if *p > to_centi(max).unwrap_or(0) => issues.push(
                    format!("scores.{item}"),
                    "out_of_range",
                    format!("Tối đa {max} điểm"),
                    format!("At most {max} points"),
                ),
                Some(p) => sum += p,
            }
        }
        totals.push((c.code.clone(), sum));
    }
    totals
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{rubric::outcome, shipped::education_20};

    fn s(item: &str, points: f64) -> Score {
        Score {
            item: item.into(),
            points,
        }
    }

    #[test]
    fn a_sheet_is_valid_only_if_every_item_is_within_its_range_and_step() {
        let r = education_20();
        let mut issues = Issues::new();
        let totals = check_sheet(
            &r,
            &[
                s("introduction", 1.75),
                s("main_content", 12.5),
                s("conclusion", 1.5),
                s("presentation", 2.0),
            ],
            &mut issues,
        );
        assert!(issues.is_empty());
        assert_eq!(outcome(&r, &totals).grade.as_deref(), Some("A"));

        let mut issues = Issues::new();
        check_sheet(
            &r,
            &[
                s("introduction", 2.1),
                s("main_content", 15.0),
                s("presentation", -1.0),
                s("style", 1.0),
            ],
            &mut issues,
        );
        let found: Vec<String> = issues
            .finish()
            .unwrap_err()
            .errors
            .into_iter()
            .map(|e| format!("{}:{}", e.field, e.code))
            .collect();
        assert_eq!(
            found,
            [
                "scores[0]:off_step",
                "scores[2]:off_step",
                "scores[3]:unknown_item",
                "scores.main_content:out_of_range",
                "scores.conclusion:required",
            ]
        );
    }
}
