//! The two rubrics shipped as defaults [DOMAIN §5, practice]; a recognising body can add
//! its own.

use super::rubric::{Band, Criterion, CriterionMinimum, Grade, Rubric};

fn band(from: f64, to: f64, label: &str) -> Band {
    Band {
        from,
        to,
        label: label.into(),
    }
}

fn criterion(
    code: &str,
    name: &str,
    max: f64,
    min_to_pass: Option<f64>,
    bands: Vec<Band>,
) -> Criterion {
    Criterion {
        code: code.into(),
        name: name.into(),
        max,
        min_to_pass,
        sub_items: Vec::new(),
        bands,
    }
}

/// General (100 points): novelty 0–30, applicability 0–30, effectiveness 0–40; passes with
/// at least 70 in total and at least 21, 21 and 25 on the three.
pub fn general_100() -> Rubric {
    Rubric {
        code: "general-100".into(),
        name: "Phiếu chấm sáng kiến (thang 100 điểm)".into(),
        max: 100.0,
        step: 1.0,
        criteria: vec![
            criterion(
                "novelty",
                "Tính mới và sáng tạo",
                30.0,
                Some(21.0),
                vec![
                    band(27.0, 30.0, "Hoàn toàn mới"),
                    band(21.0, 26.0, "Cải tiến tốt"),
                    band(16.0, 20.0, "Cải tiến trung bình"),
                    band(1.0, 15.0, "Cải tiến nhỏ"),
                    band(0.0, 0.0, "Không có tính mới hoặc sao chép"),
                ],
            ),
            criterion(
                "applicability",
                "Khả năng áp dụng và nhân rộng",
                30.0,
                Some(21.0),
                vec![
                    band(27.0, 30.0, "Toàn tỉnh hoặc rộng hơn"),
                    band(21.0, 26.0, "Một ngành trong tỉnh"),
                    band(16.0, 20.0, "Trong đơn vị"),
                    band(1.0, 15.0, "Ít khả năng áp dụng"),
                    band(0.0, 0.0, "Không áp dụng được"),
                ],
            ),
            criterion(
                "effectiveness",
                "Hiệu quả",
                40.0,
                Some(25.0),
                vec![
                    band(31.0, 40.0, "Hiệu quả cao"),
                    band(21.0, 30.0, "Hiệu quả tốt"),
                    band(11.0, 20.0, "Hiệu quả trung bình"),
                    band(1.0, 10.0, "Hiệu quả thấp"),
                    band(0.0, 0.0, "Không hiệu quả"),
                ],
            ),
        ],
        pass_total: 70.0,
        grades: Vec::new(),
    }
}

/// Education experience initiative (20 points): introduction 2, main content 14,
/// conclusion 2, presentation 2. Grade A: total ≥ 16 with main content ≥ 11; B: total ≥ 13
/// with main content ≥ 9; C: otherwise passing, from 10 [open: the C threshold].
pub fn education_20() -> Rubric {
    let main = |min: f64| CriterionMinimum {
        criterion: "main_content".into(),
        min,
    };
    Rubric {
        code: "education-20".into(),
        name: "Phiếu chấm sáng kiến kinh nghiệm ngành giáo dục (thang 20 điểm)".into(),
        max: 20.0,
        step: 0.25,
        criteria: vec![
            criterion("introduction", "Phần mở đầu", 2.0, None, Vec::new()),
            criterion("main_content", "Phần nội dung", 14.0, None, Vec::new()),
            criterion("conclusion", "Phần kết luận", 2.0, None, Vec::new()),
            criterion("presentation", "Hình thức trình bày", 2.0, None, Vec::new()),
        ],
        pass_total: 10.0,
        grades: vec![
            Grade {
                label: "A".into(),
                min_total: 16.0,
                criterion_minima: vec![main(11.0)],
            },
            Grade {
                label: "B".into(),
                min_total: 13.0,
                criterion_minima: vec![main(9.0)],
            },
            Grade {
                label: "C".into(),
                min_total: 10.0,
                criterion_minima: Vec::new(),
            },
        ],
    }
}

/// Every shipped rubric.
pub fn all() -> Vec<Rubric> {
    vec![general_100(), education_20()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rubric::{check, outcome, to_centi};
    use sangkien_kit::error::Issues;

    fn scores(pairs: &[(&str, f64)]) -> Vec<(String, i64)> {
        pairs
            .iter()
            .map(|(c, p)| ((*c).to_owned(), to_centi(*p).unwrap()))
            .collect()
    }

    #[test]
    fn shipped_rubrics_pass_their_own_checks() {
        for r in all() {
            let mut issues = Issues::new();
            check(&r, &mut issues);
            assert!(issues.is_empty(), "{}: {issues:?}", r.code);
        }
    }

    #[test]
    fn general_100_passes_at_70_with_21_21_25() {
        let r = general_100();
        let pass = outcome(
            &r,
            &scores(&[
                ("novelty", 21.0),
                ("applicability", 24.0),
                ("effectiveness", 25.0),
            ]),
        );
        assert!(pass.passed);
        assert_eq!(pass.total, 7000);
        let low_minimum = outcome(
            &r,
            &scores(&[
                ("novelty", 20.0),
                ("applicability", 30.0),
                ("effectiveness", 40.0),
            ]),
        );
        assert!(!low_minimum.passed, "90 points but novelty under 21");
        let low_total = outcome(
            &r,
            &scores(&[
                ("novelty", 21.0),
                ("applicability", 21.0),
                ("effectiveness", 27.0),
            ]),
        );
        assert!(!low_total.passed, "69 points");
    }

    #[test]
    fn pass_rule_boundaries_69_75_fails_70_passes_and_one_step_under_a_minimum_fails() {
        // A body's version of the general rubric scored in quarter points.
        // (Its bands are whole-point ranges, so this version drops them.)
        let mut r = general_100();
        r.step = 0.25;
        for c in &mut r.criteria {
            c.bands.clear();
        }
        let mut issues = sangkien_kit::error::Issues::new();
        crate::domain::rubric::check(&r, &mut issues);
        assert!(issues.is_empty(), "still a valid rubric");
        let total = |n: f64, a: f64, e: f64| {
            outcome(
                &r,
                &scores(&[("novelty", n), ("applicability", a), ("effectiveness", e)]),
            )
        };
        assert!(!total(21.0, 23.75, 25.0).passed, "69.75 is under 70");
        assert_eq!(total(21.0, 23.75, 25.0).total, 6975);
        assert!(total(21.0, 24.0, 25.0).passed, "70 passes");
        assert!(
            !total(20.75, 30.0, 40.0).passed,
            "novelty one step under its minimum of 21"
        );
        assert!(
            !total(21.0, 30.0, 24.75).passed,
            "effectiveness one step under 25"
        );
    }

    #[test]
    fn education_20_grades_a_b_c_on_total_and_main_content() {
        let r = education_20();
        let a = outcome(
            &r,
            &scores(&[
                ("introduction", 1.75),
                ("main_content", 11.0),
                ("conclusion", 1.5),
                ("presentation", 2.0),
            ]),
        );
        assert_eq!(a.grade.as_deref(), Some("A"));
        let b = outcome(
            &r,
            &scores(&[
                ("introduction", 2.0),
                ("main_content", 10.75),
                ("conclusion", 2.0),
                ("presentation", 2.0),
            ]),
        );
        assert_eq!(
            b.grade.as_deref(),
            Some("B"),
            "16.75 but main content under 11"
        );
        let c = outcome(
            &r,
            &scores(&[
                ("introduction", 1.0),
                ("main_content", 8.0),
                ("conclusion", 1.0),
                ("presentation", 1.0),
            ]),
        );
        assert_eq!(c.grade.as_deref(), Some("C"));
        let fail = outcome(
            &r,
            &scores(&[
                ("introduction", 1.0),
                ("main_content", 7.0),
                ("conclusion", 0.5),
                ("presentation", 1.0),
            ]),
        );
        assert!(!fail.passed);
        assert_eq!(fail.grade, None);
    }

    #[test]
    fn a_rubric_whose_parts_do_not_add_up_or_whose_bands_leave_gaps_is_refused() {
        let mut r = general_100();
        r.criteria[0].max = 25.0;
        r.criteria[1].bands[1].from = 22.0;
        r.criteria[2].bands[0].from = 29.0;
        r.pass_total = 120.0;
        let mut issues = Issues::new();
        check(&r, &mut issues);
        let codes: Vec<String> = issues
            .finish()
            .unwrap_err()
            .errors
            .into_iter()
            .map(|e| format!("{}:{}", e.field, e.code))
            .collect();
        assert_eq!(
            codes,
            [
                "criteria[0].bands:beyond_max",
                "criteria[1].bands:gap",
                "criteria[2].bands:overlap",
                "criteria:sum_mismatch",
                "pass_total:unreachable",
            ]
        );
    }

    #[test]
    fn points_beyond_ten_thousand_are_refused_so_no_sum_overflows() {
        assert_eq!(to_centi(10_000.0), Some(1_000_000));
        assert_eq!(to_centi(10_000.01), None);
        assert_eq!(to_centi(-3.5e16), None);
        assert_eq!(to_centi(f64::MAX), None);
        // A rubric of huge maxima is refused field by field, never a panic.
        let mut r = crate::domain::shipped::all().into_iter().next().unwrap();
        for c in &mut r.criteria {
            c.max = 9.0e16;
        }
        let mut issues = Issues::new();
        check(&r, &mut issues);
        assert!(issues.finish().is_err());
    }
}
