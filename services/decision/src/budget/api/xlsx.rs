//! The reports as XLSX through `sangkien-papers`' `xlsx::Report`: A4 landscape, one page
//! wide, print titles, borders, Times New Roman, the body's name and the title with its
//! period, a date line and the signature lines Người lập biểu / Kế toán / Thủ trưởng đơn vị;
//! amounts as numbers with a thousands format (whole đồng, exact in a cell below 2^53, see
//! `money::MAX_AMOUNT`). The execution report and the settlement are two reports.

use std::collections::BTreeMap;

use actix_web::HttpResponse;
use chrono::{DateTime, NaiveDate, Utc};
use sangkien_papers::xlsx::{Column, Report, Value};

use super::views::ExecutionReport;

/// The XLSX media type.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Column headers of the execution report.
pub const HEADERS: [&str; 7] = [
    "STT",
    "Nội dung chi",
    "Đối tượng",
    "Dự toán được duyệt (đồng)",
    "Thực chi (đồng)",
    "Còn lại (đồng)",
    "Ghi chú",
];

/// Column headers of the settlement.
pub const SETTLEMENT_HEADERS: [&str; 7] = [
    "STT",
    "Nội dung chi",
    "Đối tượng",
    "Dự toán được duyệt (đồng)",
    "Quyết toán thực chi (đồng)",
    "Tiết kiệm (+) / Vượt (−) (đồng)",
    "Ghi chú (lý do)",
];

const WIDTHS: [f64; 7] = [6.0, 42.0, 30.0, 17.0, 17.0, 17.0, 34.0];

/// Who issues a report and when: the body as its profile names it.
#[derive(Debug, Clone)]
pub struct Issuer {
    pub superior: Option<String>,
    pub body: String,
    pub place: String,
    /// The head who signs as Thủ trưởng đơn vị (empty when unknown).
    pub head: String,
}

fn columns(headers: &[&str]) -> Vec<Column> {
    headers
        .iter()
        .zip(WIDTHS)
        .map(|(h, w)| Column {
            header: (*h).to_owned(),
            width: w,
        })
        .collect()
}

fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
}

/// What kind of report: its title, sheet name and column headers.
struct Kind<'a> {
    title: &'a str,
    sheet: &'a str,
    headers: &'a [&'a str],
}

fn report(
    issuer: &Issuer,
    kind: Kind<'_>,
    period: String,
    dated: NaiveDate,
    rows: Vec<Vec<Value>>,
    created: DateTime<Utc>,
) -> Report {
    let Kind {
        title,
        sheet,
        headers,
    } = kind;
    Report {
        superior: issuer.superior.clone(),
        body: issuer.body.clone(),
        title: title.into(),
        period,
        date_line: sangkien_papers::date_line(&issuer.place, dated),
        sheet: sheet.into(),
        columns: columns(headers),
        rows,
        landscape: true,
        signers: [String::new(), String::new(), issuer.head.clone()],
        created,
    }
}

/// The "Tổng cộng" row under the lines.
fn total_row(r: &ExecutionReport) -> Vec<Value> {
    vec![
        text(""),
        text("Tổng cộng"),
        text(""),
        Value::Money(r.totals.estimated),
        Value::Money(r.totals.spent),
        Value::Money(r.totals.remaining),
        text(""),
    ]
}

/// The execution report (estimate against actual per line) as a [`Report`], dated `on`.
pub fn execution_report(
    issuer: &Issuer,
    r: &ExecutionReport,
    on: NaiveDate,
    created: DateTime<Utc>,
) -> Report {
    let mut rows: Vec<Vec<Value>> = r
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            vec![
                text(&(i + 1).to_string()),
                text(&l.line_name),
                text(&l.payee_name),
                Value::Money(l.estimated),
                Value::Money(l.spent),
                Value::Money(l.remaining),
                text(if l.over { "Vượt dự toán" } else { "" }),
            ]
        })
        .collect();
    rows.push(total_row(r));
    report(
        issuer,
        Kind {
            title: "Báo cáo thực hiện dự toán kinh phí hoạt động sáng kiến",
            sheet: "Thực hiện dự toán",
            headers: &HEADERS,
        },
        format!("Năm {} (Kế hoạch số {})", r.year, r.symbol),
        on,
        rows,
        created,
    )
}

/// The settlement (quyết toán) as a report of its own: the settlement date, approved against
/// spent per line, the saving or overspend, and the reasons recorded for spending beyond a
/// line (`reasons`, by line code and payee role) and the finance office's note.
pub fn settlement_report(
    issuer: &Issuer,
    r: &ExecutionReport,
    settled_at: DateTime<Utc>,
    note: &str,
    reasons: &BTreeMap<(String, Option<String>), Vec<String>>,
) -> Report {
    let on = sangkien_kit::clock::local_date(settled_at);
    let mut rows: Vec<Vec<Value>> = r
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let why = reasons
                .get(&(l.line_code.clone(), l.payee_role.clone()))
                .map(|r| r.join("; "))
                .unwrap_or_default();
            let note = match (l.over, why.is_empty()) {
                (true, false) => format!("Vượt: {why}"),
                (true, true) => "Vượt dự toán".to_owned(),
                (false, _) if l.remaining > 0 => "Tiết kiệm".to_owned(),
                _ => String::new(),
            };
            vec![
                text(&(i + 1).to_string()),
                text(&l.line_name),
                text(&l.payee_name),
                Value::Money(l.estimated),
                Value::Money(l.spent),
                Value::Money(l.remaining),
                text(&note),
            ]
        })
        .collect();
    rows.push(total_row(r));
    rows.push(vec![
        text(""),
        text(&format!(
            "Ngày quyết toán: {}.{}",
            on.format("%d/%m/%Y"),
            if note.trim().is_empty() {
                String::new()
            } else {
                format!(" {}", note.trim())
            }
        )),
        text(""),
        text(""),
        text(""),
        text(""),
        text(""),
    ]);
    report(
        issuer,
        Kind {
            title: "Báo cáo quyết toán kinh phí hoạt động sáng kiến",
            sheet: "Quyết toán",
            headers: &SETTLEMENT_HEADERS,
        },
        format!("Năm {} (Kế hoạch số {})", r.year, r.symbol),
        on,
        rows,
        settled_at,
    )
}

/// An XLSX download with its file name.
pub fn answer(bytes: Vec<u8>, file: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(XLSX)
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{file}\""),
        ))
        .body(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::budget::api::views::{ReportLine, Totals};
    use calamine::{Data, Reader, Xlsx};

    fn sample() -> ExecutionReport {
        let line = |code: &str, e: i64, s: i64| ReportLine {
            line_code: code.into(),
            line_name: code.into(),
            payee_role: None,
            payee_name: String::new(),
            estimated: e,
            spent: s,
            remaining: e - s,
            over: s > e,
            expenses: 1,
        };
        ExecutionReport {
            plan_id: uuid::Uuid::nil(),
            symbol: "163/KH-UBND".into(),
            year: 2022,
            estimate_id: None,
            revision: None,
            lines: vec![
                line("council_sitting", 3_400_000, 1_700_000),
                line("training", 0, 4_500_000),
            ],
            totals: Totals {
                estimated: 3_400_000,
                spent: 6_200_000,
                remaining: -2_800_000,
            },
            settled: false,
        }
    }

    fn issuer() -> Issuer {
        Issuer {
            superior: Some("UBND TỈNH VĨNH PHÚC".into()),
            body: "ỦY BAN NHÂN DÂN HUYỆN VĨNH TƯỜNG".into(),
            place: "Vĩnh Tường".into(),
            head: "Nguyễn Văn Toàn".into(),
        }
    }

    fn at() -> DateTime<Utc> {
        chrono::TimeZone::with_ymd_and_hms(&Utc, 2022, 12, 20, 2, 0, 0)
            .single()
            .unwrap_or_default()
    }

    fn cells(bytes: Vec<u8>, sheet: &str) -> calamine::Range<Data> {
        let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        wb.worksheet_range(sheet).unwrap()
    }

    fn total_row(range: &calamine::Range<Data>) -> Vec<Data> {
        range
            .rows()
            .find(|r| r.get(1) == Some(&Data::String("Tổng cộng".into())))
            .unwrap()
            .to_vec()
    }

    #[test]
    fn the_xlsx_read_back_holds_the_totals_as_numbers_under_vietnamese_headers() {
        let day = NaiveDate::from_ymd_opt(2022, 12, 20).unwrap();
        let bytes = execution_report(&issuer(), &sample(), day, at())
            .render()
            .unwrap();
        sangkien_papers::check::keep("execution.xlsx", &bytes).unwrap();
        let range = cells(bytes, "Thực hiện dự toán");
        let all: Vec<&Data> = range.used_cells().map(|(_, _, d)| d).collect();
        for s in [
            "Dự toán được duyệt (đồng)",
            "ỦY BAN NHÂN DÂN HUYỆN VĨNH TƯỜNG",
            "Vĩnh Tường, ngày 20 tháng 12 năm 2022",
            "Vượt dự toán",
            "Thủ trưởng đơn vị",
        ] {
            assert!(all.contains(&&Data::String(s.into())), "{s}");
        }
        let t = total_row(&range);
        assert_eq!(
            (t[3].clone(), t[4].clone(), t[5].clone()),
            (
                Data::Float(3_400_000.0),
                Data::Float(6_200_000.0),
                Data::Float(-2_800_000.0)
            )
        );
    }

    #[test]
    fn the_settlement_is_a_report_of_its_own_with_its_date_and_the_reasons() {
        let mut reasons = BTreeMap::new();
        reasons.insert(
            ("training".to_owned(), None),
            vec!["Tập huấn bổ sung theo chỉ đạo của UBND huyện".to_owned()],
        );
        let bytes = settlement_report(&issuer(), &sample(), at(), "Quyết toán năm 2022", &reasons)
            .render()
            .unwrap();
        sangkien_papers::check::keep("settlement.xlsx", &bytes).unwrap();
        let range = cells(bytes, "Quyết toán");
        let all: Vec<&Data> = range.used_cells().map(|(_, _, d)| d).collect();
        for s in [
            "BÁO CÁO QUYẾT TOÁN KINH PHÍ HOẠT ĐỘNG SÁNG KIẾN",
            "Quyết toán thực chi (đồng)",
            "Vượt: Tập huấn bổ sung theo chỉ đạo của UBND huyện",
            "Tiết kiệm",
            "Ngày quyết toán: 20/12/2022. Quyết toán năm 2022",
        ] {
            assert!(all.contains(&&Data::String(s.into())), "{s}: {all:?}");
        }
        assert_eq!(total_row(&range)[5], Data::Float(-2_800_000.0));
    }
}
