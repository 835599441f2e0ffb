//! The spreadsheet layout check: render a report and read its XML back for A4, one page
//! wide, print titles, borders, fonts, money format, title, body, date and signature lines.

use std::io::{Cursor, Read};

use chrono::{NaiveDate, TimeZone, Utc};
use sangkien_papers::date_line;
use sangkien_papers::xlsx::{Column, Report, Value};

fn report() -> Report {
    let col = |h: &str, w: f64| Column {
        header: h.into(),
        width: w,
    };
    Report {
        superior: Some("UBND tỉnh Vĩnh Phúc".into()),
        body: "Ủy ban nhân dân huyện Tam Dương".into(),
        title: "Báo cáo thực hiện kinh phí sáng kiến".into(),
        period: "Năm 2026".into(),
        date_line: date_line(
            "Tam Dương",
            NaiveDate::from_ymd_opt(2027, 2, 5).unwrap_or_default(),
        ),
        sheet: "Thực hiện".into(),
        columns: vec![
            col("STT", 5.0),
            col("Nội dung chi", 40.0),
            col("Dự toán được duyệt", 16.0),
            col("Đã chi", 16.0),
            col("Còn lại", 16.0),
            col("Ghi chú", 20.0),
        ],
        rows: (1..=30)
            .map(|i| {
                vec![
                    Value::Number(i as f64),
                    Value::Text(format!("Chi thù lao thành viên hội đồng, phiên họp số {i}")),
                    Value::Money(9_300_000),
                    Value::Money(8_000_000),
                    Value::Money(1_300_000),
                    Value::Text(String::new()),
                ]
            })
            .collect(),
        landscape: false,
        signers: [String::new(), "Phạm Thu Trang".into(), "Lê Văn Bình".into()],
        created: Utc
            .with_ymd_and_hms(2027, 2, 5, 8, 30, 0)
            .single()
            .unwrap_or_default(),
    }
}

fn parts(xlsx: &[u8]) -> std::collections::HashMap<String, String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(xlsx)).expect("a zip");
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).expect("part");
            let mut s = String::new();
            f.read_to_string(&mut s).expect("utf-8");
            (f.name().to_owned(), s)
        })
        .collect()
}

fn rendered() -> std::collections::HashMap<String, String> {
    let bytes = report().render().expect("renders");
    if let Ok(dir) = std::env::var("SK_PAPERS_DIR") {
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(format!("{dir}/report-sample.xlsx"), &bytes).expect("write");
    }
    parts(&bytes)
}

#[test]
fn the_report_prints_on_a4_one_page_wide_with_the_header_row_repeated() {
    let p = rendered();
    let sheet = &p["xl/worksheets/sheet1.xml"];
    assert!(
        sheet.contains(r#"<pageSetUpPr fitToPage="1"/>"#),
        "fit to page"
    );
    assert!(sheet.contains(r#"paperSize="9""#), "A4");
    assert!(
        sheet.contains(r#"fitToHeight="0""#),
        "as many pages tall as needed"
    );
    assert!(!sheet.contains(r#"fitToWidth="2""#));
    assert!(sheet.contains(r#"horizontalCentered="1""#));
    let book = &p["xl/workbook.xml"];
    assert!(
        book.contains(r#"name="Thực hiện""#),
        "Vietnamese sheet name"
    );
    assert!(book.contains("_xlnm.Print_Titles"), "print titles");
}

#[test]
fn the_report_names_the_body_its_title_period_date_and_three_signers() {
    let p = rendered();
    let strings = &p["xl/sharedStrings.xml"];
    for s in [
        "ỦY BAN NHÂN DÂN HUYỆN TAM DƯƠNG",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "BÁO CÁO THỰC HIỆN KINH PHÍ SÁNG KIẾN",
        "Năm 2026",
        "Tam Dương, ngày 05 tháng 02 năm 2027",
        "Người lập biểu",
        "Kế toán",
        "Thủ trưởng đơn vị",
        "Lê Văn Bình",
    ] {
        assert!(strings.contains(s), "{s} missing");
    }
}

#[test]
fn cells_are_bordered_in_times_new_roman_and_money_is_a_number_with_thousands() {
    let p = rendered();
    let styles = &p["xl/styles.xml"];
    assert!(styles.contains(r#"<name val="Times New Roman"/>"#));
    assert!(
        styles.contains(r#"<left style="thin">"#) || styles.contains(r#"<left style="thin"/>"#)
    );
    assert!(styles.contains(r##"formatCode="#,##0""##));
    let sheet = &p["xl/worksheets/sheet1.xml"];
    assert!(sheet.contains("<v>9300000</v>"), "money stored as a number");
    let core = &p["docProps/core.xml"];
    assert!(core.contains("Báo cáo thực hiện kinh phí sáng kiến Năm 2026"));
    assert!(core.contains("<dc:creator>Ủy ban nhân dân huyện Tam Dương</dc:creator>"));
    assert!(core.contains("2027-02-05T08:30:00Z"));
}
