//! A stage's result from its score sheets [practice, DOMAIN §5: "each dossier is scored
//! independently by at least two reviewers; if their results disagree on the outcome
//! (pass/fail, or grade), a third reviewer scores and the chair decides on the three"].

use super::rubric::Centi;

/// What one submitted sheet concluded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetOutcome {
    /// Total in hundredths.
    pub total: Centi,
    /// Passed the rubric's rule.
    pub passed: bool,
    /// Grade, when the rubric grades.
    pub grade: Option<String>,
}

impl SheetOutcome {
    fn verdict(&self) -> (bool, Option<&str>) {
        (self.passed, self.grade.as_deref())
    }
}

/// Points in hundredths as shown (and as events carry them): `1234` is 12.34 points.
pub fn points(centi: Centi) -> f64 {
    centi as f64 / 100.0
}

/// True when two sheets disagree on the outcome: one passes and one fails, or the grades
/// differ.
pub fn disagree(a: &SheetOutcome, b: &SheetOutcome) -> bool {
    a.verdict() != b.verdict()
}

/// Sheets the stage needs before a result: two, or three when the first two (in order of
/// first submission) disagree.
pub fn sheets_required(first_two: &[SheetOutcome]) -> usize {
    match first_two {
        [a, b, ..] if disagree(a, b) => 3,
        _ => 2,
    }
}

/// The average of the totals in hundredths, rounded half up.
pub fn average(totals: &[Centi]) -> Option<Centi> {
    let n = Centi::try_from(totals.len()).ok().filter(|n| *n > 0)?;
    let sum: Centi = totals.iter().sum();
    Some((2 * sum + n).div_euclid(2 * n))
}

/// A stage result, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageResult {
    /// Recommended onward (passes).
    pub passed: bool,
    /// Grade, when graded.
    pub grade: Option<String>,
    /// Average of the sheets' totals, in hundredths.
    pub average: Option<Centi>,
    /// `agreed` (the sheets agree) or `chair` (the chair decided on three).
    pub method: &'static str,
}

/// Why a stage result cannot be recorded yet, or not as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResultRefused {
    /// Fewer submitted sheets than needed (`have`, `need`).
    SheetsMissing { have: usize, need: usize },
    /// The sheets disagree and only the chair decides.
    ChairDecides,
    /// The chair's choice is none of the sheets' outcomes.
    NotAnOutcomeOfTheSheets,
    /// The sheets agree and the request asks for something else.
    ContradictsTheSheets,
}

/// The stage's result from its submitted sheets (in order of first submission). When the first
/// two agree, their common outcome stands and `choice` must not contradict it; when they
/// disagree, the chair (`by_chair`) chooses, on the three, one of their outcomes.
pub fn stage_result(
    sheets: &[SheetOutcome],
    choice: Option<(bool, Option<String>)>,
    by_chair: bool,
) -> Result<StageResult, ResultRefused> {
    let need = sheets_required(sheets);
    if sheets.len() < need {
        return Err(ResultRefused::SheetsMissing {
            have: sheets.len(),
            need,
        });
    }
    let average = average(&sheets.iter().map(|s| s.total).collect::<Vec<_>>());
    if need == 2 {
        let (passed, grade) = (sheets[0].passed, sheets[0].grade.clone());
        if choice
            .as_ref()
            .is_some_and(|c| *c != (passed, grade.clone()))
        {
            return Err(ResultRefused::ContradictsTheSheets);
        }
        return Ok(StageResult {
            passed,
            grade,
            average,
            method: "agreed",
        });
    }
    if !by_chair {
        return Err(ResultRefused::ChairDecides);
    }
    let Some((passed, grade)) = choice else {
        return Err(ResultRefused::ChairDecides);
    };
    if !sheets
        .iter()
        .any(|s| s.passed == passed && s.grade == grade)
    {
        return Err(ResultRefused::NotAnOutcomeOfTheSheets);
    }
    Ok(StageResult {
        passed,
        grade,
        average,
        method: "chair",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(total: Centi, passed: bool, grade: Option<&str>) -> SheetOutcome {
        SheetOutcome {
            total,
            passed,
            grade: grade.map(str::to_owned),
        }
    }

    #[test]
    fn a_third_reviewer_is_requested_exactly_when_the_first_two_disagree() {
        let a = sheet(1700, true, Some("A"));
        assert_eq!(sheets_required(std::slice::from_ref(&a)), 2);
        assert_eq!(
            sheets_required(&[a.clone(), sheet(1650, true, Some("A"))]),
            2
        );
        assert_eq!(
            sheets_required(&[a.clone(), sheet(1450, true, Some("B"))]),
            3,
            "grades differ"
        );
        assert_eq!(
            sheets_required(&[sheet(7000, true, None), sheet(6975, false, None)]),
            3,
            "pass and fail"
        );
        assert_eq!(
            sheets_required(&[sheet(6000, false, None), sheet(5000, false, None)]),
            2,
            "both fail"
        );
    }

    #[test]
    fn agreeing_sheets_decide_and_the_chair_decides_on_three() {
        let agreed = [sheet(1700, true, Some("A")), sheet(1650, true, Some("A"))];
        let r = stage_result(&agreed, None, false).unwrap();
        assert_eq!(
            (r.passed, r.grade.as_deref(), r.average, r.method),
            (true, Some("A"), Some(1675), "agreed")
        );
        assert_eq!(
            stage_result(&agreed, Some((false, None)), true),
            Err(ResultRefused::ContradictsTheSheets)
        );

        let split = [sheet(1700, true, Some("A")), sheet(1400, true, Some("B"))];
        assert_eq!(
            stage_result(&split, Some((true, Some("A".into()))), true),
            Err(ResultRefused::SheetsMissing { have: 2, need: 3 })
        );
        let three = [
            split[0].clone(),
            split[1].clone(),
            sheet(1425, true, Some("B")),
        ];
        assert_eq!(
            stage_result(&three, Some((true, Some("B".into()))), false),
            Err(ResultRefused::ChairDecides)
        );
        assert_eq!(
            stage_result(&three, Some((false, None)), true),
            Err(ResultRefused::NotAnOutcomeOfTheSheets)
        );
        let r = stage_result(&three, Some((true, Some("B".into()))), true).unwrap();
        assert_eq!(
            (r.grade.as_deref(), r.average, r.method),
            (Some("B"), Some(1508), "chair")
        );
    }

    #[test]
    fn the_average_rounds_half_up_in_hundredths() {
        assert_eq!(average(&[7000, 6975]), Some(6988));
        assert_eq!(average(&[1, 2]), Some(2));
        assert_eq!(average(&[]), None);
    }
}
