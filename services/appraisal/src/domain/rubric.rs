//! A rubric (phiếu chấm điểm) is data, versioned, chosen per plan, field and stage
//! [DOMAIN §5: "Rubrics are data, versioned, chosen per plan and field"].
//!
//! Points are kept in hundredths (`centi`) so steps such as 0.25 add up exactly.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use sangkien_kit::error::Issues;

/// Points in hundredths.
pub type Centi = i64;

/// The most points any rubric, criterion or score may carry: far above every scale in use
/// (100 and 20 points) and small enough that sums of hundredths can never overflow.
pub const MAX_POINTS: f64 = 10_000.0;

/// Points given by people (`17.25`) in hundredths; `None` with more than two decimals or
/// beyond ±[`MAX_POINTS`].
pub fn to_centi(points: f64) -> Option<Centi> {
    if !points.is_finite() || points.abs() > MAX_POINTS {
        return None;
    }
    let scaled = points * 100.0;
    let rounded = scaled.round();
    ((scaled - rounded).abs() < 1e-6).then_some(rounded as Centi)
}

/// A band of a criterion: the range of points and what they mean.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// Lowest points of the band.
    pub from: f64,
    /// Highest points, included.
    pub to: f64,
    /// What the band means (`Hoàn toàn mới`).
    pub label: String,
}

/// A sub-item of a criterion, scored on its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubItem {
    /// Code unique in the criterion.
    pub code: String,
    pub name: String,
    /// Maximum points.
    pub max: f64,
}

/// A criterion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    /// Code unique in the rubric (`novelty`).
    pub code: String,
    pub name: String,
    /// Maximum points.
    pub max: f64,
    /// Points needed on this criterion to pass, if any.
    #[serde(default)]
    pub min_to_pass: Option<f64>,
    /// Sub-items whose maxima add up to `max`, if the criterion is scored by parts.
    #[serde(default)]
    pub sub_items: Vec<SubItem>,
    /// Bands covering 0..=max without gaps or overlaps, if the criterion has bands.
    #[serde(default)]
    pub bands: Vec<Band>,
}

/// A grade: a total and per-criterion minima.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Grade {
    /// `A`, `B`, `C`.
    pub label: String,
    /// Total needed.
    pub min_total: f64,
    /// Points needed on named criteria.
    #[serde(default)]
    pub criterion_minima: Vec<CriterionMinimum>,
}

/// Points needed on one criterion for a grade.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CriterionMinimum {
    /// The criterion's code.
    pub criterion: String,
    /// Points needed.
    pub min: f64,
}

/// A rubric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rubric {
    /// Code (`general-100`); versions share it.
    pub code: String,
    pub name: String,
    /// Maximum total points.
    pub max: f64,
    /// Smallest difference between two scores (`1`, `0.5`, `0.25`).
    pub step: f64,
    pub criteria: Vec<Criterion>,
    /// Total needed to pass.
    pub pass_total: f64,
    /// Grades, best first; empty when the rubric only passes or fails.
    #[serde(default)]
    pub grades: Vec<Grade>,
}

fn centi(issues: &mut Issues, field: &str, points: f64) -> Centi {
    match to_centi(points) {
        Some(c) if c >= 0 => c,
        _ => {
            issues.push(
                field,
                "invalid",
                "Điểm không âm, không quá 10 000, tối đa hai chữ số thập phân",
                "Points are not negative, at most 10 000, with at most two decimals",
            );
            0
        }
    }
}

fn on_step(issues: &mut Issues, field: &str, value: Centi, step: Centi) {
    if step > 0 && value % step != 0 {
        issues.push(
            field,
            "off_step",
            "Điểm không khớp bước chấm",
            "The points are not a multiple of the score step",
        );
    }
}

/// Checks a rubric when it is saved; every problem goes to `issues`: items add up to the
/// maximum, bands cover the range without gaps or overlaps, thresholds are reachable.
pub fn check(r: &Rubric, issues: &mut Issues) {
    issues.text("code", &r.code, 64);
    issues.text("name", &r.name, 200);
    let max = centi(issues, "max", r.max);
    let step = centi(issues, "step", r.step);
    if step == 0 {
        issues.push(
            "step",
            "invalid",
            "Bước chấm phải lớn hơn 0",
            "The step must be above 0",
        );
    }
    if r.criteria.is_empty() {
        issues.push(
            "criteria",
            "required",
            "Cần ít nhất một tiêu chí",
            "At least one criterion",
        );
    }
    let mut total = 0;
    let mut codes = std::collections::HashSet::new();
    for (i, c) in r.criteria.iter().enumerate() {
        let at = |f: &str| format!("criteria[{i}].{f}");
        if !codes.insert(c.code.as_str()) {
            issues.push(
                at("code"),
                "duplicate",
                "Mã tiêu chí bị trùng",
                "The criterion code is repeated",
            );
        }
        issues.text(&at("name"), &c.name, 300);
        let cmax = centi(issues, &at("max"), c.max);
        on_step(issues, &at("max"), cmax, step);
        total += cmax;
        if let Some(m) = c.min_to_pass {
            let m = centi(issues, &at("min_to_pass"), m);
            if m > cmax {
                issues.push(
                    at("min_to_pass"),
                    "unreachable",
                    "Ngưỡng vượt điểm tối đa",
                    "The threshold is above the maximum",
                );
            }
        }
        if !c.sub_items.is_empty() {
            let sum: Centi = c
                .sub_items
                .iter()
                .enumerate()
                .map(|(j, s)| centi(issues, &format!("criteria[{i}].sub_items[{j}].max"), s.max))
                .sum();
            if sum != cmax {
                issues.push(
                    at("sub_items"),
                    "sum_mismatch",
                    "Tổng điểm các ý không bằng điểm tối đa của tiêu chí",
                    "The sub-items do not add up to the criterion's maximum",
                );
            }
        }
        check_bands(issues, i, &c.bands, cmax, step);
    }
    if !r.criteria.is_empty() && total != max {
        issues.push(
            "criteria",
            "sum_mismatch",
            "Tổng điểm các tiêu chí không bằng điểm tối đa",
            "The criteria do not add up to the maximum",
        );
    }
    let pass = centi(issues, "pass_total", r.pass_total);
    if pass > max {
        issues.push(
            "pass_total",
            "unreachable",
            "Ngưỡng đạt vượt điểm tối đa",
            "The pass mark is above the maximum",
        );
    }
    let mut previous: Option<Centi> = None;
    for (g, grade) in r.grades.iter().enumerate() {
        let at = |f: &str| format!("grades[{g}].{f}");
        issues.text(&at("label"), &grade.label, 20);
        let min = centi(issues, &at("min_total"), grade.min_total);
        if min > max || min < pass {
            issues.push(
                at("min_total"),
                "out_of_range",
                "Ngưỡng xếp loại phải nằm giữa ngưỡng đạt và điểm tối đa",
                "A grade's total lies between the pass mark and the maximum",
            );
        }
        if previous.is_some_and(|p| min > p) {
            issues.push(
                at("min_total"),
                "out_of_order",
                "Xếp loại từ cao xuống thấp",
                "Grades go from best to lowest",
            );
        }
        previous = Some(min);
        for (k, m) in grade.criterion_minima.iter().enumerate() {
            let field = format!("grades[{g}].criterion_minima[{k}]");
            match r.criteria.iter().find(|c| c.code == m.criterion) {
                None => issues.push(
                    field,
                    "unknown_criterion",
                    "Không có tiêu chí này",
                    "No such criterion",
                ),
                Some(c) => {
                    if centi(issues, &field, m.min) > to_centi(c.max).unwrap_or(0) {
                        issues.push(
                            field,
                            "unreachable",
                            "Ngưỡng vượt điểm tối đa",
                            "The threshold is above the maximum",
                        );
                    }
                }
            }
        }
    }
}

fn check_bands(issues: &mut Issues, i: usize, bands: &[Band], max: Centi, step: Centi) {
    if bands.is_empty() {
        return;
    }
    let mut sorted: Vec<(Centi, Centi)> = bands
        .iter()
        .enumerate()
        .map(|(b, band)| {
            let f = format!("criteria[{i}].bands[{b}]");
            (centi(issues, &f, band.from), centi(issues, &f, band.to))
        })
        .collect();
    sorted.sort();
    let field = format!("criteria[{i}].bands");
    let mut expected = 0;
    for (from, to) in &sorted {
        if from > to {
            issues.push(
                &field,
                "reversed",
                "Khoảng điểm bị ngược",
                "A band ends before it starts",
            );
            return;
        }
        if *from != expected {
            issues.push(
                &field,
                if *from < expected { "overlap" } else { "gap" },
                "Các khoảng điểm phải liền nhau, không chồng lấn, từ 0 đến điểm tối đa",
                "Bands must cover 0 to the maximum, one after another, without overlap",
            );
            return;
        }
        expected = to + step.max(1);
    }
    let last = expected - step.max(1);
    if last < max {
        issues.push(
            &field,
            "gap",
            "Các khoảng điểm chưa phủ tới điểm tối đa",
            "The bands stop short of the maximum",
        );
    } else if last > max {
        issues.push(
            &field,
            "beyond_max",
            "Khoảng điểm vượt điểm tối đa",
            "A band goes beyond the maximum",
        );
    }
}

/// The outcome of a sheet's scores (criterion code → points) under a rubric.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Total in hundredths.
    pub total: Centi,
    /// Passed the total and every criterion minimum.
    pub passed: bool,
    /// The first grade reached, when the rubric grades and the sheet passed.
    pub grade: Option<String>,
}

/// The outcome of `scores` (all criteria present and valid) under `r`.
pub fn outcome(r: &Rubric, scores: &[(String, Centi)]) -> Outcome {
    let score_of = |code: &str| {
        scores
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, s)| *s)
            .unwrap_or(0)
    };
    let total: Centi = scores.iter().map(|(_, s)| s).sum();
    let minima_met = r.criteria.iter().all(|c| {
        c.min_to_pass
            .and_then(to_centi)
            .is_none_or(|m| score_of(&c.code) >= m)
    });
    let passed = minima_met && total >= to_centi(r.pass_total).unwrap_or(0);
    let grade = passed
        .then(|| {
            r.grades
                .iter()
                .find(|g| {
                    total >= to_centi(g.min_total).unwrap_or(0)
                        && g.criterion_minima
                            .iter()
                            .all(|m| score_of(&m.criterion) >= to_centi(m.min).unwrap_or(0))
                })
                .map(|g| g.label.clone())
        })
        .flatten();
    Outcome {
        total,
        passed,
        grade,
    }
}
