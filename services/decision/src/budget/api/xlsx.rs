//! The reports as XLSX: finance offices work in Excel. Vietnamese headers, amounts as numbers
//! (whole đồng, exact in a spreadsheet cell below 2^53, see `money::MAX_AMOUNT`).

use actix_web::HttpResponse;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::reports::ExecutionReport;

/// The XLSX media type.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Column headers of the reports.
pub const HEADERS: [&str; 7] = [
    "STT",
    "Nội dung chi",
    "Đối tượng",
    "Dự toán được duyệt (đồng)",
    "Thực chi (đồng)",
    "Còn lại (đồng)",
    "Vượt dự toán",
];

/// A cell value of đồng.
fn cell(amount: i64) -> f64 {
    // Exact: every amount and total is far below 2^53 (money::MAX_AMOUNT).
    amount as f64
}

/// Renders the report: title, headers on row 3, one row per line, then "Tổng cộng".
pub fn render(title: &str, r: &ExecutionReport) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Bao cao")?;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0");
    let bold_money = Format::new().set_bold().set_num_format("#,##0");
    ws.write_string_with_format(0, 0, title, &bold)?;
    for (c, h) in HEADERS.iter().enumerate() {
        ws.write_string_with_format(2, c as u16, *h, &bold)?;
    }
    let mut row = 3u32;
    for (i, l) in r.lines.iter().enumerate() {
        ws.write_number(row, 0, (i + 1) as f64)?;
        ws.write_string(row, 1, &l.line_name)?;
        ws.write_string(row, 2, &l.payee_name)?;
        ws.write_number_with_format(row, 3, cell(l.estimated), &money)?;
        ws.write_number_with_format(row, 4, cell(l.spent), &money)?;
        ws.write_number_with_format(row, 5, cell(l.remaining), &money)?;
        ws.write_string(row, 6, if l.over { "Có" } else { "" })?;
        row += 1;
    }
    ws.write_string_with_format(row, 1, "Tổng cộng", &bold)?;
    ws.write_number_with_format(row, 3, cell(r.totals.estimated), &bold_money)?;
    ws.write_number_with_format(row, 4, cell(r.totals.spent), &bold_money)?;
    ws.write_number_with_format(row, 5, cell(r.totals.remaining), &bold_money)?;
    ws.set_column_width(1, 50)?;
    ws.set_column_width(2, 40)?;
    for c in 3..=5 {
        ws.set_column_width(c, 22)?;
    }
    wb.save_to_buffer()
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
    use crate::budget::api::reports::{ReportLine, Totals};
    use calamine::{Data, Reader, Xlsx};

    #[test]
    fn the_xlsx_read_back_holds_the_totals_as_numbers_under_vietnamese_headers() {
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
        let r = ExecutionReport {
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
        };
        let bytes = render("BÁO CÁO", &r).unwrap();
        let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let range = wb.worksheet_range("Bao cao").unwrap();
        assert_eq!(
            range.get_value((2, 3)),
            Some(&Data::String("Dự toán được duyệt (đồng)".into()))
        );
        assert_eq!(
            range.get_value((5, 1)),
            Some(&Data::String("Tổng cộng".into()))
        );
        assert_eq!(range.get_value((5, 3)), Some(&Data::Float(3_400_000.0)));
        assert_eq!(range.get_value((5, 4)), Some(&Data::Float(6_200_000.0)));
        assert_eq!(range.get_value((5, 5)), Some(&Data::Float(-2_800_000.0)));
        assert_eq!(range.get_value((4, 6)), Some(&Data::String("Có".into())));
    }
}
