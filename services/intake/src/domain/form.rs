//! The request for recognition (đơn yêu cầu công nhận sáng kiến)
//! [law: Circular 18/2013 Art. 5 and Appendix I; Decree 13/2012 Charter Art. 3–4].
//!
//! A draft may be incomplete; [`check_draft`] only refuses what is malformed. Submitting
//! needs everything the form asks for: [`check_complete`] lists every gap at once.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use sangkien_kit::error::Issues;

use super::shares::{to_hundredths, total_is_whole};

/// The four kinds of initiative [law: Circular 18/2013 Art. 3].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InitiativeKind {
    /// Giải pháp kỹ thuật.
    Technical,
    /// Giải pháp quản lý.
    Management,
    /// Giải pháp tác nghiệp.
    Operational,
    /// Giải pháp ứng dụng tiến bộ kỹ thuật.
    TechnicalProgress,
}

/// An author or co-author.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct Author {
    /// Full name (họ và tên).
    pub full_name: String,
    /// Date of birth.
    pub date_of_birth: Option<NaiveDate>,
    /// Workplace (nơi công tác).
    pub workplace: String,
    /// Title (chức danh).
    pub title: String,
    /// Qualification (trình độ chuyên môn).
    pub qualification: String,
    /// Share in creating the initiative, in percent, at most two decimals; all total 100.
    pub contribution_percent: f64,
    /// The author's account, when they have one (appraisal uses it to avoid conflicts).
    #[serde(default)]
    pub user_id: Option<Uuid>,
    /// The author's unit, when known (appraisal uses it to avoid conflicts).
    #[serde(default)]
    pub unit_id: Option<Uuid>,
}

/// Someone who took part in the first (trial) application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct Participant {
    /// Full name.
    pub full_name: String,
    /// Date of birth.
    pub date_of_birth: Option<NaiveDate>,
    /// Workplace.
    pub workplace: String,
    /// Title.
    pub title: String,
    /// Qualification.
    pub qualification: String,
    /// What they did in the application.
    pub role_in_application: String,
}

/// Every field of the request form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Form {
    /// Authors and co-authors.
    pub authors: Vec<Author>,
    /// The initiative's name (tên sáng kiến).
    pub name: String,
    /// Who invested in creating it, when not the authors (chủ đầu tư tạo ra sáng kiến).
    pub investor: Option<String>,
    /// Field of application (lĩnh vực áp dụng), as the author describes it.
    pub application_area: String,
    /// Kind.
    pub kind: Option<InitiativeKind>,
    /// Date of first or trial application.
    pub first_applied_on: Option<NaiveDate>,
    /// Essence: steps, conditions, what it improves on (mô tả bản chất).
    pub essence: String,
    /// Where it has been applied and with what result.
    pub applied_where: String,
    /// Information to keep confidential; shown only to those who assess the dossier.
    pub confidential_info: Option<String>,
    /// Conditions needed to apply it.
    pub conditions: String,
    /// People who took part in the first application.
    pub participants: Vec<Participant>,
    /// Benefit expected or obtained, as the author assesses it.
    pub benefits_by_author: String,
    /// Benefit as those who took part in the application assess it.
    pub benefits_by_participants: String,
    /// The author declares that everything written is true (cam đoan).
    pub declaration: bool,
}

const SHORT: usize = 300;
const LONG: usize = 20_000;

/// The field as the request form (Circular 18/2013, Appendix I) labels it, for Vietnamese
/// messages: a Vietnamese reader is told "Cần nhập Tác giả", never a code name. The field's
/// path (`authors[1].workplace`) stays next to it in the problem's `field`.
pub fn label_vi(field: &str) -> String {
    let nth = |rest: &str, whose: &str| -> Option<(String, String)> {
        let (index, tail) = rest.split_once(']')?;
        let n: usize = index.parse().ok()?;
        Some((
            tail.trim_start_matches('.').to_owned(),
            format!("{whose} thứ {}", n + 1),
        ))
    };
    let item = |name: &str| match name {
        "full_name" => "Họ và tên",
        "date_of_birth" => "Ngày tháng năm sinh",
        "workplace" => "Nơi công tác",
        "title" => "Chức danh",
        "qualification" => "Trình độ chuyên môn",
        "contribution_percent" => "Tỷ lệ đóng góp",
        "role_in_application" => "Nội dung công việc hỗ trợ",
        "user_id" => "Tài khoản",
        "unit_id" => "Đơn vị",
        _ => "",
    };
    for (prefix, whose) in [("authors[", "tác giả"), ("participants[", "người tham gia")] {
        if let Some(rest) = field.strip_prefix(prefix)
            && let Some((tail, who)) = nth(rest, whose)
        {
            let label = item(&tail);
            if !label.is_empty() {
                return format!("{label} ({who})");
            }
        }
    }
    match field {
        "authors" => "Tác giả",
        "participants" => "Người tham gia áp dụng thử",
        "name" => "Tên sáng kiến",
        "investor" => "Chủ đầu tư tạo ra sáng kiến",
        "application_area" => "Phạm vi áp dụng",
        "kind" => "Loại sáng kiến",
        "first_applied_on" => "Ngày áp dụng lần đầu",
        "essence" => "Mô tả bản chất của sáng kiến",
        "applied_where" => "Nơi đã áp dụng",
        "confidential_info" => "Thông tin cần được bảo mật",
        "conditions" => "Điều kiện cần thiết để áp dụng",
        "benefits_by_author" => "Lợi ích theo đánh giá của tác giả",
        "benefits_by_participants" => "Lợi ích theo đánh giá của người tham gia áp dụng thử",
        "declaration" => "Lời cam đoan",
        other => other,
    }
    .to_owned()
}

fn cap(issues: &mut Issues, field: &str, value: &str, max: usize) {
    if value.chars().count() > max {
        issues.push(
            field,
            "too_long",
            format!("{} dài tối đa {max} ký tự", label_vi(field)),
            format!("{field} may have at most {max} characters"),
        );
    }
}

fn required(issues: &mut Issues, field: &str, empty: bool) {
    if empty {
        issues.push(
            field,
            "required",
            format!("Cần nhập {}", label_vi(field)),
            format!("{field} is required"),
        );
    }
}

/// Checks what a draft must never hold: over-long texts, impossible percentages, too many
/// authors; returns the shares in hundredths.
pub fn check_draft(form: &Form, issues: &mut Issues) -> Vec<Option<u32>> {
    if form.authors.len() > 50 {
        issues.push(
            "authors",
            "too_many",
            "Tối đa 50 tác giả",
            "At most 50 authors",
        );
    }
    if form.participants.len() > 200 {
        issues.push(
            "participants",
            "too_many",
            "Tối đa 200 người",
            "At most 200 people",
        );
    }
    let mut shares = Vec::new();
    for (i, a) in form.authors.iter().enumerate() {
        for (name, value) in [
            ("full_name", &a.full_name),
            ("workplace", &a.workplace),
            ("title", &a.title),
            ("qualification", &a.qualification),
        ] {
            cap(issues, &format!("authors[{i}].{name}"), value, SHORT);
        }
        let share = to_hundredths(a.contribution_percent);
        if share.is_none() {
            issues.push(
                format!("authors[{i}].contribution_percent"),
                "invalid",
                "Tỷ lệ đóng góp từ 0 đến 100, tối đa hai chữ số thập phân",
                "The share is between 0 and 100 with at most two decimals",
            );
        }
        shares.push(share);
    }
    for (i, p) in form.participants.iter().enumerate() {
        for (name, value) in [
            ("full_name", &p.full_name),
            ("workplace", &p.workplace),
            ("title", &p.title),
            ("qualification", &p.qualification),
            ("role_in_application", &p.role_in_application),
        ] {
            cap(issues, &format!("participants[{i}].{name}"), value, SHORT);
        }
    }
    cap(issues, "name", &form.name, SHORT);
    cap(
        issues,
        "investor",
        form.investor.as_deref().unwrap_or_default(),
        SHORT,
    );
    cap(issues, "application_area", &form.application_area, SHORT);
    for (name, value) in [
        ("essence", &form.essence),
        ("applied_where", &form.applied_where),
        ("conditions", &form.conditions),
        ("benefits_by_author", &form.benefits_by_author),
        ("benefits_by_participants", &form.benefits_by_participants),
    ] {
        cap(issues, name, value, LONG);
    }
    cap(
        issues,
        "confidential_info",
        form.confidential_info.as_deref().unwrap_or_default(),
        LONG,
    );
    shares
}

/// Checks that the form is complete enough to submit; every gap goes to `issues`.
pub fn check_complete(form: &Form, issues: &mut Issues) {
    let shares = check_draft(form, issues);
    required(issues, "authors", form.authors.is_empty());
    for (i, a) in form.authors.iter().enumerate() {
        required(
            issues,
            &format!("authors[{i}].full_name"),
            a.full_name.trim().is_empty(),
        );
        required(
            issues,
            &format!("authors[{i}].date_of_birth"),
            a.date_of_birth.is_none(),
        );
        required(
            issues,
            &format!("authors[{i}].workplace"),
            a.workplace.trim().is_empty(),
        );
    }
    if !form.authors.is_empty() && shares.iter().all(Option::is_some) {
        let shares: Vec<u32> = shares.into_iter().flatten().collect();
        if !total_is_whole(&shares) {
            issues.push(
                "authors",
                "shares_not_100",
                "Tổng tỷ lệ đóng góp của các tác giả phải bằng 100%",
                "The authors' shares must total 100 %",
            );
        }
    }
    required(issues, "name", form.name.trim().is_empty());
    required(
        issues,
        "application_area",
        form.application_area.trim().is_empty(),
    );
    required(issues, "kind", form.kind.is_none());
    required(issues, "first_applied_on", form.first_applied_on.is_none());
    required(issues, "essence", form.essence.trim().is_empty());
    required(
        issues,
        "applied_where",
        form.applied_where.trim().is_empty(),
    );
    required(
        issues,
        "benefits_by_author",
        form.benefits_by_author.trim().is_empty(),
    );
    if !form.declaration {
        issues.push(
            "declaration",
            "required",
            "Tác giả cần cam đoan mọi thông tin là trung thực",
            "The author must declare that everything is true",
        );
    }
}

/// Text to search a dossier by: its name and its authors' names.
pub fn search_text(form: &Form) -> String {
    let names: Vec<&str> = form.authors.iter().map(|a| a.full_name.as_str()).collect();
    sangkien_kit::text::fold(&format!("{} {}", form.name, names.join(" ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_messages_name_fields_as_the_circular_18_form_labels_them() {
        assert_eq!(label_vi("authors"), "Tác giả");
        assert_eq!(label_vi("application_area"), "Phạm vi áp dụng");
        assert_eq!(
            label_vi("authors[1].workplace"),
            "Nơi công tác (tác giả thứ 2)"
        );
        assert_eq!(
            label_vi("participants[0].role_in_application"),
            "Nội dung công việc hỗ trợ (người tham gia thứ 1)"
        );
        let mut issues = Issues::new();
        check_complete(&Form::default(), &mut issues);
        let problem = issues
            .finish()
            .unwrap_err()
            .to_problem(sangkien_proto::Lang::Vi);
        let authors = problem
            .errors
            .iter()
            .find(|e| e.field == "authors")
            .unwrap();
        assert_eq!(authors.message, "Cần nhập Tác giả");
        let area = problem
            .errors
            .iter()
            .find(|e| e.field == "application_area")
            .unwrap();
        assert_eq!(area.message, "Cần nhập Phạm vi áp dụng");
        for e in &problem.errors {
            assert!(!e.message.contains('_'), "a code name in {:?}", e.message);
        }
    }

    /// A complete education dossier of the 2022 plan.
    fn example() -> Form {
        Form {
            authors: vec![
                Author {
                    full_name: "Nguyễn Thị Hoa".into(),
                    date_of_birth: NaiveDate::from_ymd_opt(1985, 4, 12),
                    workplace: "Trường THCS Lý Tự Trọng".into(),
                    title: "Giáo viên".into(),
                    qualification: "Thạc sĩ".into(),
                    contribution_percent: 60.0,
                    ..Author::default()
                },
                Author {
                    full_name: "Trần Văn Nam".into(),
                    date_of_birth: NaiveDate::from_ymd_opt(1990, 9, 1),
                    workplace: "Trường THCS Lý Tự Trọng".into(),
                    title: "Giáo viên".into(),
                    qualification: "Cử nhân".into(),
                    contribution_percent: 40.0,
                    ..Author::default()
                },
            ],
            name: "Một số biện pháp nâng cao chất lượng dạy học môn Toán lớp 9".into(),
            application_area: "Giáo dục và Đào tạo".into(),
            kind: Some(InitiativeKind::Operational),
            first_applied_on: NaiveDate::from_ymd_opt(2021, 9, 6),
            essence: "Các bước…".into(),
            applied_where: "Lớp 9A, 9B năm học 2021–2022".into(),
            benefits_by_author: "Tỷ lệ học sinh khá giỏi tăng 15%".into(),
            declaration: true,
            ..Form::default()
        }
    }

    #[test]
    fn a_complete_request_form_passes() {
        let mut issues = Issues::new();
        check_complete(&example(), &mut issues);
        assert!(issues.is_empty(), "{issues:?}");
    }

    #[test]
    fn circular_18_2013_appendix_i_every_gap_is_listed_at_once() {
        let mut form = example();
        form.authors[1].contribution_percent = 30.0;
        form.name.clear();
        form.kind = None;
        form.declaration = false;
        let mut issues = Issues::new();
        check_complete(&form, &mut issues);
        let err = issues.finish().unwrap_err();
        let fields: Vec<&str> = err.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["authors", "name", "kind", "declaration"]);
    }

    #[test]
    fn a_draft_may_be_incomplete_but_not_malformed() {
        let mut issues = Issues::new();
        check_draft(&Form::default(), &mut issues);
        assert!(issues.is_empty());
        let mut form = Form::default();
        form.authors.push(Author {
            contribution_percent: 33.333,
            ..Author::default()
        });
        form.name = "x".repeat(400);
        let mut issues = Issues::new();
        check_draft(&form, &mut issues);
        assert_eq!(issues.finish().unwrap_err().errors.len(), 2);
    }
}
