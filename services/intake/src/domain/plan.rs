//! A plan's fields, each with its receiving office, receive window and appraisal stages
//! [plan 163/KH-UBND §II.1: education — Education Office receives 01/02–28/02, its appraisal
//! team scores 01/03–10/03, the council 10/03–20/03; socio-economic — Economy & Infrastructure
//! Office receives 01/08–31/08, the council 01/09–10/09].

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use sangkien_kit::error::Issues;

use super::window::Window;

sangkien_kit::closed_set! {
    /// Where a plan stands: a draft its editors still change, or published — open to
    /// dossiers, changed only by a recorded amendment.
    pub enum PlanStatus {
        /// Dự thảo — only its editors see and change it.
        Draft = ("draft", "Dự thảo"),
        /// Đã ban hành — published: authors file dossiers under it.
        Published = ("published", "Đã ban hành"),
    }
}

/// Who appraises at a stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StageKind {
    /// The receiving office's appraisal team (Tổ thẩm định) scores with sheets.
    AppraisalTeam,
    /// The initiative council (Hội đồng sáng kiến) evaluates and votes.
    Council,
}

/// One appraisal stage of a field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    /// Who appraises.
    pub kind: StageKind,
    /// When (local dates, both included).
    pub window: Window,
    /// Code of the rubric used at this stage (`general-100`, `education-20`).
    pub rubric: String,
}

/// One field of a plan (lĩnh vực).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// Code unique in the plan (`education`, `socio_economic`).
    pub code: String,
    /// Name (`Giáo dục và Đào tạo`).
    pub name: String,
    /// The receiving office (a unit of the tenant).
    pub receiving_unit_id: Uuid,
    /// When dossiers are received.
    pub receive: Window,
    /// Appraisal stages in order.
    pub stages: Vec<Stage>,
}

fn valid_code(code: &str) -> bool {
    (2..=40).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

/// Checks a plan's fields; every problem goes to `issues`.
pub fn check_fields(fields: &[FieldSpec], issues: &mut Issues) {
    if fields.is_empty() {
        issues.push(
            "fields",
            "required",
            "Kế hoạch cần ít nhất một lĩnh vực",
            "A plan needs at least one field",
        );
    }
    let mut seen = std::collections::HashSet::new();
    for (i, f) in fields.iter().enumerate() {
        let at = |name: &str| format!("fields[{i}].{name}");
        if !valid_code(&f.code) {
            issues.push(
                at("code"),
                "invalid",
                "Mã lĩnh vực gồm 2–40 ký tự a-z, 0-9, '_', '-'",
                "The field code has 2–40 characters of a-z, 0-9, '_', '-'",
            );
        } else if !seen.insert(f.code.as_str()) {
            issues.push(
                at("code"),
                "duplicate",
                "Mã lĩnh vực bị trùng",
                "The field code is repeated",
            );
        }
        issues.text(&at("name"), &f.name, 200);
        if !f.receive.is_ordered() {
            issues.push(
                at("receive"),
                "window_reversed",
                "Ngày kết thúc nhận hồ sơ trước ngày bắt đầu",
                "The receive window ends before it starts",
            );
        }
        check_stages(f, issues, i);
    }
}

fn check_stages(f: &FieldSpec, issues: &mut Issues, i: usize) {
    if f.stages.is_empty() {
        issues.push(
            format!("fields[{i}].stages"),
            "required",
            "Cần ít nhất một vòng thẩm định",
            "At least one appraisal stage is needed",
        );
    }
    let mut previous_start = f.receive.from;
    for (j, s) in f.stages.iter().enumerate() {
        let at = |name: &str| format!("fields[{i}].stages[{j}].{name}");
        if !s.window.is_ordered() {
            issues.push(
                at("window"),
                "window_reversed",
                "Ngày kết thúc vòng thẩm định trước ngày bắt đầu",
                "The stage window ends before it starts",
            );
        }
        if s.window.from < previous_start {
            issues.push(
                at("window"),
                "out_of_order",
                "Vòng thẩm định bắt đầu trước vòng trước hoặc trước khi nhận hồ sơ",
                "The stage starts before the previous stage or before receiving opens",
            );
        }
        previous_start = s.window.from;
        if s.kind == StageKind::Council && j + 1 != f.stages.len() {
            issues.push(
                at("kind"),
                "council_not_last",
                "Hội đồng sáng kiến là vòng cuối cùng",
                "The council is the last stage",
            );
        }
        if f.stages[..j].iter().any(|p| p.kind == s.kind) {
            issues.push(
                at("kind"),
                "duplicate",
                "Vòng thẩm định bị lặp",
                "The stage is repeated",
            );
        }
        issues.text(&at("rubric"), &s.rubric, 64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_plan_status_reads_back_from_its_code_and_has_a_vietnamese_label() {
        for s in PlanStatus::ALL {
            assert_eq!(PlanStatus::parse(s.code()), Some(*s));
            assert!(!s.label().is_empty());
        }
        assert_eq!(PlanStatus::parse("archived"), None);
    }
    use chrono::NaiveDate;

    fn w(m1: u32, d1: u32, m2: u32, d2: u32) -> Window {
        Window {
            from: NaiveDate::from_ymd_opt(2022, m1, d1).unwrap(),
            to: NaiveDate::from_ymd_opt(2022, m2, d2).unwrap(),
        }
    }

    /// The 2022 plan's two fields.
    pub fn plan_163_fields() -> Vec<FieldSpec> {
        vec![
            FieldSpec {
                code: "education".into(),
                name: "Giáo dục và Đào tạo".into(),
                receiving_unit_id: Uuid::now_v7(),
                receive: w(2, 1, 2, 28),
                stages: vec![
                    Stage {
                        kind: StageKind::AppraisalTeam,
                        window: w(3, 1, 3, 10),
                        rubric: "education-20".into(),
                    },
                    Stage {
                        kind: StageKind::Council,
                        window: w(3, 10, 3, 20),
                        rubric: "education-20".into(),
                    },
                ],
            },
            FieldSpec {
                code: "socio_economic".into(),
                name: "Kinh tế - xã hội".into(),
                receiving_unit_id: Uuid::now_v7(),
                receive: w(8, 1, 8, 31),
                stages: vec![Stage {
                    kind: StageKind::Council,
                    window: w(9, 1, 9, 10),
                    rubric: "general-100".into(),
                }],
            },
        ]
    }

    #[test]
    fn plan_163_fields_are_valid() {
        let mut issues = Issues::new();
        check_fields(&plan_163_fields(), &mut issues);
        assert!(issues.is_empty(), "{issues:?}");
    }

    #[test]
    fn council_comes_last_and_windows_run_forward() {
        let mut fields = plan_163_fields();
        fields[0].stages.reverse();
        fields[1].receive = w(8, 31, 8, 1);
        fields[1].code = "education".into();
        let mut issues = Issues::new();
        check_fields(&fields, &mut issues);
        let err = issues.finish().unwrap_err();
        let codes: Vec<&str> = err.errors.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "council_not_last",
                "out_of_order",
                "duplicate",
                "window_reversed"
            ]
        );
    }
}
