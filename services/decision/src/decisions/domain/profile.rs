//! The recognising body's profile: what its decisions and certificates print [DOMAIN §2:
//! the body is data, not code; §6: Decree 30/2020 layout]. One per tenant.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A person who may sign, and how the signature block reads for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignerProfile {
    /// Their account (they hold `signer`).
    pub user_id: Uuid,
    /// Title lines, top to bottom: `["CHỦ TỊCH"]`, or for a deputy
    /// `["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]`.
    pub titles: Vec<String>,
    /// The name printed under the signature.
    pub name: String,
}

/// Cơ quan xét công nhận — the recognising body as its documents name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BodyProfile {
    /// `ỦY BAN NHÂN DÂN HUYỆN VĨNH TƯỜNG`.
    pub full_name: String,
    /// The superior body, first header line: `UBND TỈNH VĨNH PHÚC`.
    pub superior_name: String,
    /// Place of the date line: `Vĩnh Tường`.
    pub place_name: String,
    /// The body's symbol in document numbers: `UBND`.
    pub document_symbol: String,
    /// The decision type code: `QĐ`.
    pub decision_type: String,
    /// Who decides, above the legal bases: `CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN VĨNH TƯỜNG`
    /// (the full name when absent).
    #[serde(default)]
    pub authority: Option<String>,
    /// Each legal basis, printed `Căn cứ <line>;`.
    pub legal_bases: Vec<String>,
    /// Recipients under `Nơi nhận:`, each printed `- <line>;`.
    pub recipients: Vec<String>,
    /// The last recipient line: `Lưu: VT, KT&HT.`
    pub archive_line: String,
    /// Who may sign and their title lines.
    pub signers: Vec<SignerProfile>,
}

impl BodyProfile {
    /// The signature block of `user`, if configured.
    pub fn signer(&self, user: Uuid) -> Option<&SignerProfile> {
        self.signers.iter().find(|s| s.user_id == user)
    }

    /// The authority line (the full name when not set).
    pub fn authority_line(&self) -> String {
        self.authority
            .clone()
            .filter(|a| !a.trim().is_empty())
            .unwrap_or_else(|| self.full_name.clone())
    }
}

/// One thing wrong with a profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileProblem {
    /// Path of the field.
    pub field: String,
    /// Rule broken.
    pub code: &'static str,
    /// Vietnamese message.
    pub vi: String,
    /// English message.
    pub en: String,
}

fn problem(field: String, code: &'static str, vi: &str, en: &str) -> ProfileProblem {
    ProfileProblem {
        field,
        code,
        vi: vi.into(),
        en: en.into(),
    }
}

fn line(out: &mut Vec<ProfileProblem>, field: String, value: &str, max: usize) {
    let v = value.trim();
    if v.is_empty() {
        out.push(problem(
            field,
            "required",
            "Không được để trống",
            "Required",
        ));
    } else if v.chars().count() > max {
        out.push(problem(
            field,
            "too_long",
            &format!("Tối đa {max} ký tự"),
            &format!("At most {max} characters"),
        ));
    }
}

fn code_part(out: &mut Vec<ProfileProblem>, field: &str, value: &str) {
    line(out, field.into(), value, 20);
    if value.contains(['/', '-', ' ']) {
        out.push(problem(
            field.into(),
            "invalid",
            "Không chứa dấu /, - hay khoảng trắng (số ký hiệu ghép thành 05/QĐ-UBND)",
            "No /, - or spaces (the number joins them as 05/QĐ-UBND)",
        ));
    }
}

fn lines(out: &mut Vec<ProfileProblem>, field: &str, values: &[String], max_lines: usize) {
    if values.is_empty() {
        out.push(problem(
            field.into(),
            "required",
            "Cần ít nhất một dòng",
            "At least one line is needed",
        ));
    } else if values.len() > max_lines {
        out.push(problem(
            field.into(),
            "too_many",
            &format!("Tối đa {max_lines} dòng"),
            &format!("At most {max_lines} lines"),
        ));
    }
    for (i, v) in values.iter().enumerate() {
        line(out, format!("{field}[{i}]"), v, 500);
    }
}

/// Every problem of `p`, in field order; empty when it may be stored.
pub fn problems(p: &BodyProfile) -> Vec<ProfileProblem> {
    let mut out = Vec::new();
    line(&mut out, "full_name".into(), &p.full_name, 200);
    line(&mut out, "superior_name".into(), &p.superior_name, 200);
    line(&mut out, "place_name".into(), &p.place_name, 100);
    code_part(&mut out, "document_symbol", &p.document_symbol);
    code_part(&mut out, "decision_type", &p.decision_type);
    if let Some(a) = &p.authority {
        line(&mut out, "authority".into(), a, 300);
    }
    lines(&mut out, "legal_bases", &p.legal_bases, 30);
    lines(&mut out, "recipients", &p.recipients, 30);
    line(&mut out, "archive_line".into(), &p.archive_line, 200);
    if !p.archive_line.trim_start().starts_with("Lưu") {
        out.push(problem(
            "archive_line".into(),
            "invalid",
            "Dòng lưu bắt đầu bằng \"Lưu:\" (ví dụ \"Lưu: VT, KT&HT.\")",
            "The archive line starts with \"Lưu:\" (e.g. \"Lưu: VT, KT&HT.\")",
        ));
    }
    if p.signers.is_empty() {
        out.push(problem(
            "signers".into(),
            "required",
            "Cần ít nhất một người ký",
            "At least one signer is needed",
        ));
    }
    for (i, s) in p.signers.iter().enumerate() {
        if p.signers[..i].iter().any(|o| o.user_id == s.user_id) {
            out.push(problem(
                format!("signers[{i}].user_id"),
                "duplicate",
                "Người ký bị lặp",
                "Listed twice",
            ));
        }
        if s.titles.is_empty() || s.titles.len() > 3 {
            out.push(problem(
                format!("signers[{i}].titles"),
                "out_of_range",
                "Chức danh gồm 1 đến 3 dòng (ví dụ KT. CHỦ TỊCH / PHÓ CHỦ TỊCH)",
                "Titles have 1 to 3 lines (e.g. KT. CHỦ TỊCH / PHÓ CHỦ TỊCH)",
            ));
        }
        for (j, t) in s.titles.iter().enumerate() {
            line(&mut out, format!("signers[{i}].titles[{j}]"), t, 100);
        }
        line(&mut out, format!("signers[{i}].name"), &s.name, 100);
    }
    out
}

#[cfg(test)]
pub(crate) fn vinh_tuong(chair: Uuid, deputy: Uuid) -> BodyProfile {
    BodyProfile {
        full_name: "ỦY BAN NHÂN DÂN HUYỆN VĨNH TƯỜNG".into(),
        superior_name: "UBND TỈNH VĨNH PHÚC".into(),
        place_name: "Vĩnh Tường".into(),
        document_symbol: "UBND".into(),
        decision_type: "QĐ".into(),
        authority: Some("CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN VĨNH TƯỜNG".into()),
        legal_bases: vec![
            "Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015".into(),
            "Nghị định số 13/2012/NĐ-CP ngày 02 tháng 3 năm 2012 của Chính phủ ban hành Điều lệ Sáng kiến".into(),
        ],
        recipients: vec!["Như Điều 3".into(), "CT, các PCT UBND huyện".into()],
        archive_line: "Lưu: VT, KT&HT.".into(),
        signers: vec![
            SignerProfile {
                user_id: chair,
                titles: vec!["CHỦ TỊCH".into()],
                name: "Nguyễn Văn Toàn".into(),
            },
            SignerProfile {
                user_id: deputy,
                titles: vec!["KT. CHỦ TỊCH".into(), "PHÓ CHỦ TỊCH".into()],
                name: "Trần Thị Phương".into(),
            },
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_complete_profile_has_no_problems() {
        let p = vinh_tuong(Uuid::now_v7(), Uuid::now_v7());
        assert_eq!(problems(&p), vec![]);
        assert_eq!(
            p.authority_line(),
            "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN VĨNH TƯỜNG"
        );
    }

    #[test]
    fn every_problem_of_a_profile_is_listed_at_once() {
        let id = Uuid::now_v7();
        let mut p = vinh_tuong(id, id);
        p.full_name = " ".into();
        p.document_symbol = "UB ND".into();
        p.legal_bases.clear();
        p.archive_line = "VT".into();
        p.signers[1].titles.clear();
        let fields: Vec<(String, &str)> = problems(&p)
            .into_iter()
            .map(|x| (x.field, x.code))
            .collect();
        assert_eq!(
            fields,
            vec![
                ("full_name".to_owned(), "required"),
                ("document_symbol".to_owned(), "invalid"),
                ("legal_bases".to_owned(), "required"),
                ("archive_line".to_owned(), "invalid"),
                ("signers[1].user_id".to_owned(), "duplicate"),
                ("signers[1].titles".to_owned(), "out_of_range"),
            ]
        );
    }
}
