//! Automatic assignment: every dossier gets at least two reviewers of its panel, load is
//! balanced, and no conflicted reviewer is ever assigned [DOMAIN §5, practice].

use std::collections::HashMap;
use uuid::Uuid;

use super::conflicts::{CaseParties, conflict_of};

/// Reviewers per dossier.
pub const REVIEWERS_PER_DOSSIER: usize = 2;

/// A reviewer who may be assigned.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub user_id: Uuid,
    pub unit_id: Uuid,
    /// Dossiers already assigned to them in this stage.
    pub load: usize,
}

/// The plan of an automatic assignment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    /// Case → reviewers newly assigned.
    pub assigned: Vec<(Uuid, Vec<Uuid>)>,
    /// Cases that could not get enough reviewers, with how many they lack.
    pub short: Vec<(Uuid, usize)>,
}

/// Assigns reviewers to `cases` (each with the reviewers it already has): least loaded
/// first; among equals, the reviewer who can take fewer of these dossiers first (so the
/// flexible ones stay free for the dossiers only they can take); then by id, so the result
/// is reproducible.
pub fn assign(cases: &[(Uuid, CaseParties, Vec<Uuid>)], candidates: &[Candidate]) -> Plan {
    let mut load: HashMap<Uuid, usize> = candidates.iter().map(|c| (c.user_id, c.load)).collect();
    let reach: HashMap<Uuid, usize> = candidates
        .iter()
        .map(|c| {
            let n = cases
                .iter()
                .filter(|(_, parties, _)| conflict_of(c.user_id, c.unit_id, parties).is_none())
                .count();
            (c.user_id, n)
        })
        .collect();
    let mut plan = Plan::default();
    for (case_id, parties, existing) in cases {
        let needed = REVIEWERS_PER_DOSSIER.saturating_sub(existing.len());
        if needed == 0 {
            continue;
        }
        let mut eligible: Vec<&Candidate> = candidates
            .iter()
            .filter(|c| !existing.contains(&c.user_id))
            .filter(|c| conflict_of(c.user_id, c.unit_id, parties).is_none())
            .collect();
        eligible.sort_by_key(|c| {
            (
                load.get(&c.user_id).copied().unwrap_or(0),
                reach.get(&c.user_id).copied().unwrap_or(0),
                c.user_id,
            )
        });
        let chosen: Vec<Uuid> = eligible.iter().take(needed).map(|c| c.user_id).collect();
        for u in &chosen {
            *load.entry(*u).or_default() += 1;
        }
        if chosen.len() < needed {
            plan.short.push((*case_id, needed - chosen.len()));
        }
        if !chosen.is_empty() {
            plan.assigned.push((*case_id, chosen));
        }
    }
    plan
}

/// One more reviewer for a case that already has `existing` (the third, when the first two
/// disagree): the least loaded unconflicted candidate not already on it, by id among equals.
pub fn assign_one(
    parties: &CaseParties,
    existing: &[Uuid],
    candidates: &[Candidate],
) -> Option<Uuid> {
    candidates
        .iter()
        .filter(|c| !existing.contains(&c.user_id))
        .filter(|c| conflict_of(c.user_id, c.unit_id, parties).is_none())
        .min_by_key(|c| (c.load, c.user_id))
        .map(|c| c.user_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(unit: Uuid) -> Candidate {
        Candidate {
            user_id: Uuid::now_v7(),
            unit_id: unit,
            load: 0,
        }
    }

    #[test]
    fn every_dossier_gets_two_unconflicted_reviewers_and_load_is_balanced() {
        let (school_a, school_b, office) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let reviewers = vec![
            candidate(school_a),
            candidate(office),
            candidate(office),
            candidate(school_b),
        ];
        let cases: Vec<(Uuid, CaseParties, Vec<Uuid>)> = (0..6)
            .map(|i| {
                let unit = if i % 2 == 0 { school_a } else { school_b };
                (
                    Uuid::now_v7(),
                    CaseParties {
                        author_units: vec![unit],
                        ..CaseParties::default()
                    },
                    Vec::new(),
                )
            })
            .collect();
        let plan = assign(&cases, &reviewers);
        assert!(plan.short.is_empty());
        let mut load: HashMap<Uuid, usize> = HashMap::new();
        for ((_, parties, _), (_, chosen)) in cases.iter().zip(&plan.assigned) {
            assert_eq!(chosen.len(), 2);
            for u in chosen {
                let r = reviewers.iter().find(|r| r.user_id == *u).unwrap();
                assert!(
                    !parties.author_units.contains(&r.unit_id),
                    "no reviewer from the author's unit"
                );
                *load.entry(*u).or_default() += 1;
            }
        }
        let (min, max) = (load.values().min().unwrap(), load.values().max().unwrap());
        assert!(max - min <= 1, "balanced: {load:?}");
    }

    #[test]
    fn a_dossier_that_cannot_get_two_reviewers_is_reported() {
        let school = Uuid::now_v7();
        let reviewers = vec![candidate(school), candidate(Uuid::now_v7())];
        let case = Uuid::now_v7();
        let plan = assign(
            &[(
                case,
                CaseParties {
                    author_units: vec![school],
                    ..CaseParties::default()
                },
                Vec::new(),
            )],
            &reviewers,
        );
        assert_eq!(plan.short, vec![(case, 1)]);
        assert_eq!(plan.assigned[0].1.len(), 1);
    }

    #[test]
    fn the_third_reviewer_is_never_conflicted_nor_already_on_the_case() {
        let author_unit = Uuid::from_u128(100);
        let parties = CaseParties {
            author_users: vec![Uuid::from_u128(1)],
            author_units: vec![author_unit],
            confirmed_by: None,
            declared: vec![Uuid::from_u128(4)],
        };
        let c = |id: u128, unit: u128, load: usize| Candidate {
            user_id: Uuid::from_u128(id),
            unit_id: Uuid::from_u128(unit),
            load,
        };
        let candidates = [
            c(2, 200, 0),
            c(3, 100, 0),
            c(4, 300, 0),
            c(5, 300, 5),
            c(6, 300, 1),
        ];
        let existing = [Uuid::from_u128(2)];
        assert_eq!(
            assign_one(&parties, &existing, &candidates),
            Some(Uuid::from_u128(6)),
            "3 shares the author's unit, 4 declared a conflict, 2 is on it, 6 is less loaded than 5"
        );
        assert_eq!(assign_one(&parties, &existing, &candidates[..3]), None);
    }
}
