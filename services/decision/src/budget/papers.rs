//! The budget estimate as papers the finance office appraises and files (dự toán kinh phí):
//! a DOCX in the Decree 30/2020 layout and an XLSX report, both through `sangkien-papers`.
//! Lines are grouped by the contents of Circular 03/2019/TT-BTC, each with quantity × rate =
//! amount and the legal basis of its rate, the appraised amount beside the requested one, the
//! finance office's adjustments with their reasons, and the total in figures and in words.
//! Built only from what is passed in, so the same estimate gives the same bytes.

use crate::budget::domain::status::{EstimateStatus, LineAppraisal};
use chrono::{DateTime, NaiveDate, Utc};
use sangkien_papers::{
    Authority, Letterhead, OfficialPaper, Signature, TableSpec,
    docx::Block,
    xlsx::{Column, Report, Value},
};

use crate::budget::domain::{
    money::{format_dong, in_words, total},
    rates::{LINES, payee_label},
};

/// One line of the estimate as the papers print it.
#[derive(Debug, Clone)]
pub struct EstimateLine {
    pub line_code: String,
    pub payee_role: Option<String>,
    pub description: String,
    pub quantity: i64,
    pub unit_amount: i64,
    /// Requested: `quantity × unit_amount`.
    pub amount: i64,
    /// The legal basis of the rate applied (empty when no rate was named).
    pub legal_basis: String,
    /// Where the finance office's appraisal left it.
    pub appraisal: LineAppraisal,
    pub approved_amount: Option<i64>,
    pub appraisal_reason: Option<String>,
}

/// What the estimate's papers say.
#[derive(Debug, Clone)]
pub struct EstimatePaper {
    /// The body as its profile names it.
    pub body: String,
    pub superior: Option<String>,
    pub place: String,
    pub symbol: String,
    /// The plan's number (`163/KH-UBND`).
    pub plan_symbol: String,
    pub year: i32,
    pub revision: i32,
    /// Draft, approved or superseded: a draft is printed as one.
    pub status: EstimateStatus,
    /// The approval date, else the drafting date.
    pub dated: NaiveDate,
    pub lines: Vec<EstimateLine>,
    /// Title lines and name of the head who signs.
    pub signer_titles: Vec<String>,
    pub signer_name: String,
    pub archive_line: String,
    pub created: DateTime<Utc>,
}

const ROMAN: [&str; 10] = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"];

/// Column widths of the estimate's DOCX table, filling the text area (9355 twips): amounts up
/// to 99.999.999 on one line; the finance office's reasons follow the table.
pub const WIDTHS: [usize; 7] = [700, 2100, 1600, 850, 1250, 1400, 1455];

/// One printed row: a group heading, a line or the total.
#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    Group {
        number: String,
        name: String,
        requested: i64,
        appraised: i64,
    },
    Line {
        number: usize,
        name: String,
        basis: String,
        quantity: i64,
        rate: i64,
        requested: i64,
        appraised: Option<i64>,
        note: String,
    },
    Total {
        requested: i64,
        appraised: i64,
    },
}

/// What the finance office allowed of `l`: its approved amount once appraised (0 when
/// rejected), `None` while pending.
pub fn appraised(l: &EstimateLine) -> Option<i64> {
    match l.appraisal {
        LineAppraisal::Approved => Some(l.approved_amount.unwrap_or(l.amount)),
        LineAppraisal::Adjusted => l.approved_amount,
        LineAppraisal::Rejected => Some(0),
        LineAppraisal::Pending => None,
    }
}

fn line_name(l: &EstimateLine) -> String {
    let payee = payee_label(l.payee_role.as_deref());
    let mut name = if payee.is_empty() {
        l.description.clone()
    } else if l.description.trim().is_empty() {
        payee.to_owned()
    } else {
        format!("{payee}: {}", l.description)
    };
    if name.trim().is_empty() {
        // Never the code: the content's name as the circular writes it.
        name = crate::budget::domain::rates::line_kind(&l.line_code)
            .map(|k| k.name.to_owned())
            .unwrap_or_else(|| l.line_code.clone());
    }
    name
}

/// The rows grouped by the contents of Circular 03/2019/TT-BTC, in the circular's order, then
/// the total. `None` when a sum overflows.
pub fn rows(lines: &[EstimateLine]) -> Option<Vec<Row>> {
    let mut out = Vec::new();
    let mut n = 0;
    let mut group = 0;
    for kind in LINES {
        let of: Vec<&EstimateLine> = lines.iter().filter(|l| l.line_code == kind.code).collect();
        if of.is_empty() {
            continue;
        }
        out.push(Row::Group {
            number: ROMAN.get(group).copied().unwrap_or("-").to_owned(),
            name: kind.name.to_owned(),
            requested: total(of.iter().map(|l| l.amount))?,
            appraised: total(of.iter().map(|l| appraised(l).unwrap_or(0)))?,
        });
        group += 1;
        for l in of {
            n += 1;
            out.push(Row::Line {
                number: n,
                name: line_name(l),
                basis: l.legal_basis.clone(),
                quantity: l.quantity,
                rate: l.unit_amount,
                requested: l.amount,
                appraised: appraised(l),
                note: match l.appraisal {
                    LineAppraisal::Adjusted | LineAppraisal::Rejected => {
                        l.appraisal_reason.clone().unwrap_or_default()
                    }
                    LineAppraisal::Pending | LineAppraisal::Approved => String::new(),
                },
            });
        }
    }
    out.push(Row::Total {
        requested: total(lines.iter().map(|l| l.amount))?,
        appraised: total(lines.iter().map(|l| appraised(l).unwrap_or(0)))?,
    });
    Some(out)
}

/// The header of the estimate's table.
pub const HEADER: [&str; 8] = [
    "STT",
    "Nội dung chi",
    "Căn cứ mức chi",
    "Số lượng",
    "Mức chi (đồng)",
    "Đề nghị (đồng)",
    "Thẩm định (đồng)",
    "Ghi chú",
];

fn totals(rows: &[Row]) -> (i64, i64) {
    rows.iter()
        .find_map(|r| match r {
            Row::Total {
                requested,
                appraised,
            } => Some((*requested, *appraised)),
            _ => None,
        })
        .unwrap_or_default()
}

fn title(e: &EstimatePaper) -> String {
    format!(
        "Kinh phí thực hiện hoạt động sáng kiến năm {} (Kế hoạch số {}{})",
        e.year,
        e.plan_symbol,
        if e.revision > 1 {
            format!(", điều chỉnh lần {}", e.revision - 1)
        } else {
            String::new()
        }
    )
}

/// The estimate as an [`OfficialPaper`]; `None` when a sum overflows.
pub fn estimate_paper(e: &EstimatePaper) -> Option<OfficialPaper> {
    let rows = rows(&e.lines)?;
    let (requested, approved) = totals(&rows);
    let appraised_any = e.lines.iter().any(|l| appraised(l).is_some());
    let mut blocks = vec![
        Block::Basis("Căn cứ Thông tư số 03/2019/TT-BTC ngày 15 tháng 01 năm 2019 của Bộ Tài chính quy định về nguồn kinh phí, nội dung và mức chi từ ngân sách nhà nước để thực hiện hoạt động sáng kiến;".into()),
        Block::Basis(format!("Căn cứ Kế hoạch số {} về triển khai công tác sáng kiến năm {}.", e.plan_symbol, e.year)),
        Block::Text(format!("{} lập dự toán kinh phí như sau (đơn vị tính: đồng):", e.body)),
    ];
    let money = |m: i64| format_dong(m);
    blocks.push(Block::Table(TableSpec {
        header: HEADER[..7].iter().map(|h| (*h).to_owned()).collect(),
        widths: WIDTHS.to_vec(),
        rows: rows
            .iter()
            .map(|r| match r {
                Row::Group {
                    number,
                    name,
                    requested,
                    appraised,
                } => vec![
                    number.clone(),
                    name.to_uppercase(),
                    String::new(),
                    String::new(),
                    String::new(),
                    money(*requested),
                    if appraised_any {
                        money(*appraised)
                    } else {
                        String::new()
                    },
                ],
                Row::Line {
                    number,
                    name,
                    basis,
                    quantity,
                    rate,
                    requested,
                    appraised,
                    ..
                } => vec![
                    number.to_string(),
                    name.clone(),
                    basis.clone(),
                    quantity.to_string(),
                    money(*rate),
                    money(*requested),
                    appraised.map(money).unwrap_or_default(),
                ],
                Row::Total {
                    requested,
                    appraised,
                } => vec![
                    String::new(),
                    "TỔNG CỘNG".into(),
                    String::new(),
                    String::new(),
                    String::new(),
                    money(*requested),
                    if appraised_any {
                        money(*appraised)
                    } else {
                        String::new()
                    },
                ],
            })
            .collect(),
    }));
    blocks.push(Block::Text(format!(
        "Tổng kinh phí đề nghị: {} đồng. Bằng chữ: {}.",
        money(requested),
        in_words(requested)
    )));
    if appraised_any {
        blocks.push(Block::Text(format!(
            "Tổng kinh phí cơ quan tài chính thẩm định: {} đồng. Bằng chữ: {}.",
            money(approved),
            in_words(approved)
        )));
    }
    let changed: Vec<&EstimateLine> = e
        .lines
        .iter()
        .filter(|l| {
            matches!(
                l.appraisal,
                LineAppraisal::Adjusted | LineAppraisal::Rejected
            )
        })
        .collect();
    if !changed.is_empty() {
        blocks.push(Block::Heading(
            "CÁC KHOẢN CƠ QUAN TÀI CHÍNH ĐIỀU CHỈNH".into(),
        ));
        for l in changed {
            blocks.push(Block::Text(format!(
                "- {}: đề nghị {} đồng, thẩm định {} đồng; lý do: {}.",
                line_name(l),
                money(l.amount),
                money(appraised(l).unwrap_or(0)),
                l.appraisal_reason
                    .as_deref()
                    .unwrap_or_default()
                    .trim()
                    .trim_end_matches('.')
            )));
        }
    }
    Some(OfficialPaper {
        letterhead: Letterhead {
            superior: e.superior.clone(),
            body: e.body.clone(),
            number: None,
            symbol: format!("DT-{}", e.symbol),
            place: e.place.clone(),
            date: Some(e.dated),
            year: e.year,
        },
        kind: "Dự toán kinh phí".into(),
        summary: title(e),
        draft: e.status == EstimateStatus::Draft,
        blocks,
        recipients: vec!["Cơ quan tài chính cùng cấp".into(), e.archive_line.clone()],
        signatures: vec![Signature {
            authority: Authority::Titles(if e.signer_titles.is_empty() {
                vec!["Thủ trưởng đơn vị".into()]
            } else {
                e.signer_titles.clone()
            }),
            name: e.signer_name.clone(),
        }],
        created: e.created,
    })
}

/// The estimate as an XLSX report (A4 landscape, one page wide); `None` when a sum
/// overflows.
pub fn estimate_report(e: &EstimatePaper) -> Option<Report> {
    let rows = rows(&e.lines)?;
    let (requested, approved) = totals(&rows);
    let widths = [6.0, 40.0, 34.0, 9.0, 13.0, 15.0, 15.0, 28.0];
    let text = |s: &str| Value::Text(s.to_owned());
    let mut out: Vec<Vec<Value>> = rows
        .iter()
        .map(|r| match r {
            Row::Group {
                number,
                name,
                requested,
                appraised,
            } => vec![
                text(number),
                text(&name.to_uppercase()),
                text(""),
                text(""),
                text(""),
                Value::Money(*requested),
                Value::Money(*appraised),
                text(""),
            ],
            Row::Line {
                number,
                name,
                basis,
                quantity,
                rate,
                requested,
                appraised,
                note,
            } => vec![
                text(&number.to_string()),
                text(name),
                text(basis),
                Value::Number(*quantity as f64),
                Value::Money(*rate),
                Value::Money(*requested),
                appraised.map(Value::Money).unwrap_or_else(|| text("")),
                text(note),
            ],
            Row::Total {
                requested,
                appraised,
            } => vec![
                text(""),
                text("TỔNG CỘNG"),
                text(""),
                text(""),
                text(""),
                Value::Money(*requested),
                Value::Money(*appraised),
                text(""),
            ],
        })
        .collect();
    let words = |label: &str, m: i64| {
        vec![
            text(""),
            text(&format!("{label}: {}", in_words(m))),
            text(""),
            text(""),
            text(""),
            text(""),
            text(""),
            text(""),
        ]
    };
    out.push(words("Bằng chữ (đề nghị)", requested));
    out.push(words("Bằng chữ (thẩm định)", approved));
    Some(Report {
        superior: e.superior.clone(),
        body: e.body.clone(),
        title: "Dự toán kinh phí hoạt động sáng kiến".into(),
        period: format!("Năm {} (Kế hoạch số {})", e.year, e.plan_symbol),
        date_line: sangkien_papers::date_line(&e.place, e.dated),
        sheet: "Dự toán".into(),
        columns: HEADER
            .iter()
            .zip(widths)
            .map(|(h, w)| Column {
                header: (*h).to_owned(),
                width: w,
            })
            .collect(),
        rows: out,
        landscape: true,
        signers: [String::new(), String::new(), e.signer_name.clone()],
        created: e.created,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn sample() -> EstimatePaper {
        let line = |code: &str,
                    role: Option<&str>,
                    q: i64,
                    r: i64,
                    appraisal: &str,
                    ok: Option<i64>,
                    why: Option<&str>| EstimateLine {
            line_code: code.into(),
            payee_role: role.map(String::from),
            description: String::new(),
            quantity: q,
            unit_amount: r,
            amount: q * r,
            legal_basis: "Thông tư 03/2019/TT-BTC, Điều 4".into(),
            appraisal: LineAppraisal::parse(appraisal).unwrap_or(LineAppraisal::Pending),
            approved_amount: ok,
            appraisal_reason: why.map(String::from),
        };
        EstimatePaper {
            body: "ỦY BAN NHÂN DÂN HUYỆN VĨNH TƯỜNG".into(),
            superior: Some("UBND TỈNH VĨNH PHÚC".into()),
            place: "Vĩnh Tường".into(),
            symbol: "UBND".into(),
            plan_symbol: "163/KH-UBND".into(),
            year: 2022,
            revision: 1,
            status: EstimateStatus::Approved,
            dated: NaiveDate::from_ymd_opt(2022, 2, 20).unwrap_or_default(),
            lines: vec![
                line(
                    "council_sitting",
                    Some("chair"),
                    2,
                    500_000,
                    "approved",
                    Some(1_000_000),
                    None,
                ),
                line(
                    "council_sitting",
                    Some("member"),
                    12,
                    200_000,
                    "approved",
                    Some(2_400_000),
                    None,
                ),
                line(
                    "council_documents",
                    None,
                    1,
                    900_000,
                    "adjusted",
                    Some(600_000),
                    Some("Chỉ in tài liệu cho thành viên có mặt"),
                ),
                line(
                    "training",
                    None,
                    1,
                    5_000_000,
                    "approved",
                    Some(5_000_000),
                    None,
                ),
            ],
            signer_titles: vec!["KT. CHỦ TỊCH".into(), "PHÓ CHỦ TỊCH".into()],
            signer_name: "Trần Thị Phương".into(),
            archive_line: "Lưu: VT, TC-KH.".into(),
            created: chrono::TimeZone::with_ymd_and_hms(&Utc, 2022, 2, 20, 2, 0, 0)
                .single()
                .unwrap_or_default(),
        }
    }

    #[test]
    fn circular_03_2019_estimate_lines_are_grouped_by_content_with_quantity_times_rate() {
        let r = rows(&sample().lines).unwrap_or_default();
        assert_eq!(
            r[0],
            Row::Group {
                number: "I".into(),
                name: "Chi họp Hội đồng sáng kiến".into(),
                requested: 3_400_000,
                appraised: 3_400_000
            }
        );
        assert!(
            matches!(&r[3], Row::Group { number, requested: 900_000, appraised: 600_000, .. } if number == "II")
        );
        assert_eq!(
            r.last(),
            Some(&Row::Total {
                requested: 9_300_000,
                appraised: 9_000_000
            })
        );
    }

    #[test]
    fn the_estimate_document_passes_the_layout_check_with_the_total_in_words() {
        use sangkien_papers::check::{layout_problems, plain_text};
        let bytes = estimate_paper(&sample())
            .and_then(|p| p.render().ok())
            .unwrap_or_default();
        assert_eq!(layout_problems(&bytes), Vec::<String>::new());
        sangkien_papers::check::keep("estimate.docx", &bytes).unwrap_or_default();
        let text = plain_text(&bytes);
        for expected in [
            "DỰ TOÁN KINH PHÍ",
            "Bằng chữ: Chín triệu ba trăm nghìn đồng.",
            "Bằng chữ: Chín triệu đồng.",
            "CHI HỌP HỘI ĐỒNG SÁNG KIẾN",
            "Thông tư 03/2019/TT-BTC, Điều 4",
            "Chi tài liệu, văn phòng phẩm phục vụ Hội đồng",
            "đề nghị 900.000 đồng, thẩm định 600.000 đồng; lý do: Chỉ in tài liệu cho thành viên có mặt.",
            "Vĩnh Tường, ngày 20 tháng 02 năm 2022",
        ] {
            assert!(text.contains(expected), "lacks {expected:?}:\n{text}");
        }
        assert!(!text.contains("DỰ THẢO"));
    }

    #[test]
    fn the_estimate_report_reads_back_with_money_as_numbers() {
        use calamine::{Data, Reader, Xlsx};
        let bytes = estimate_report(&sample())
            .and_then(|r| r.render().ok())
            .unwrap_or_default();
        sangkien_papers::check::keep("estimate-report.xlsx", &bytes).unwrap_or_default();
        let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes))
            .unwrap_or_else(|e| panic!("{e}"));
        let range = wb
            .worksheet_range("Dự toán")
            .unwrap_or_else(|e| panic!("{e}"));
        let cells: Vec<&Data> = range.used_cells().map(|(_, _, d)| d).collect();
        assert!(cells.contains(&&Data::Float(9_300_000.0)));
        assert!(cells.contains(&&Data::Float(9_000_000.0)));
        assert!(cells.contains(&&Data::String(
            "Bằng chữ (đề nghị): Chín triệu ba trăm nghìn đồng".into()
        )));
    }
}
