//! The same paper as a spreadsheet report a finance office prints and files: A4, one page wide,
//! Times New Roman, the body name and the report's title with its period, a date line, bordered
//! cells, money as numbers with a thousands format, and the three signature lines
//! (Người lập biểu / Kế toán / Thủ trưởng đơn vị).

use chrono::{DateTime, Utc};
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, XlsxError,
};

/// One value of a report's cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    /// A sum of money in đồng, written as a number with a thousands format.
    Money(i64),
    /// A count or a quantity.
    Number(f64),
}

/// A column: its header and its width in characters.
#[derive(Debug, Clone)]
pub struct Column {
    pub header: String,
    pub width: f64,
}

/// A report as an office files it.
#[derive(Debug, Clone)]
pub struct Report {
    /// `UBND HUYỆN TAM DƯƠNG`, where the body has a superior.
    pub superior: Option<String>,
    pub body: String,
    /// `BÁO CÁO THỰC HIỆN KINH PHÍ`.
    pub title: String,
    /// `Năm 2026`.
    pub period: String,
    /// The place-and-date line ([`crate::date_line`]).
    pub date_line: String,
    /// The sheet's name, in Vietnamese (at most 31 characters).
    pub sheet: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Value>>,
    /// Wide reports print landscape; still one page wide.
    pub landscape: bool,
    /// The signers' names under their roles, empty where not known.
    pub signers: [String; 3],
    pub created: DateTime<Utc>,
}

/// The roles that sign a financial report, left to right.
pub const SIGNING_ROLES: [&str; 3] = ["Người lập biểu", "Kế toán", "Thủ trưởng đơn vị"];

const FONT: &str = "Times New Roman";
/// A4 in Excel's paper codes.
const A4: u8 = 9;

fn base() -> Format {
    Format::new().set_font_name(FONT).set_font_size(12)
}

impl Report {
    /// The report as XLSX bytes.
    pub fn render(&self) -> Result<Vec<u8>, XlsxError> {
        let mut book = Workbook::new();
        let created = ExcelDateTime::from_timestamp(self.created.timestamp())?;
        book.set_properties(
            &DocProperties::new()
                .set_title(format!("{} {}", self.title, self.period))
                .set_author(self.body.clone())
                .set_creation_datetime(&created),
        );
        let sheet = book.add_worksheet();
        sheet.set_name(&self.sheet)?;
        sheet.set_paper_size(A4);
        if self.landscape {
            sheet.set_landscape();
        }
        // Left 30 mm, right 15 mm, top and bottom 20 mm, in inches.
        sheet.set_margins(1.18, 0.59, 0.79, 0.79, 0.3, 0.3);
        sheet.set_print_fit_to_pages(1, 0);
        sheet.set_print_center_horizontally(true);

        let last = (self.columns.len().max(2) - 1) as u16;
        let half = last / 2;
        let centre = base().set_align(FormatAlign::Center);
        let bold = centre.clone().set_bold();
        let mut row = 0u32;
        if let Some(s) = &self.superior {
            sheet.merge_range(row, 0, row, half, &s.to_uppercase(), &centre)?;
            row += 1;
        }
        sheet.merge_range(row, 0, row, half, &self.body.to_uppercase(), &bold)?;
        sheet.merge_range(
            0,
            half + 1,
            0,
            last,
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            &bold,
        )?;
        sheet.merge_range(
            1,
            half + 1,
            1,
            last,
            "Độc lập - Tự do - Hạnh phúc",
            &bold
                .clone()
                .set_underline(rust_xlsxwriter::FormatUnderline::Single),
        )?;
        row = row.max(1) + 2;
        let title = bold.clone().set_font_size(14);
        sheet.merge_range(row, 0, row, last, &self.title.to_uppercase(), &title)?;
        sheet.merge_range(row + 1, 0, row + 1, last, &self.period, &bold)?;
        row += 3;

        let boxed = base().set_border(FormatBorder::Thin).set_text_wrap();
        let head = boxed.clone().set_bold().set_align(FormatAlign::Center);
        let money = boxed.clone().set_num_format("#,##0");
        let number = boxed.clone().set_num_format("#,##0.##");
        for (c, col) in self.columns.iter().enumerate() {
            sheet.set_column_width(c as u16, col.width)?;
            sheet.write_string_with_format(row, c as u16, &col.header, &head)?;
        }
        sheet.set_repeat_rows(row, row)?;
        for r in &self.rows {
            row += 1;
            for (c, v) in r.iter().enumerate() {
                let c = c as u16;
                match v {
                    Value::Text(t) => sheet.write_string_with_format(row, c, t, &boxed)?,
                    Value::Money(m) => sheet.write_number_with_format(row, c, *m as f64, &money)?,
                    Value::Number(n) => sheet.write_number_with_format(row, c, *n, &number)?,
                };
            }
        }
        row += 2;
        let italic = centre.clone().set_italic();
        sheet.merge_range(row, half + 1, row, last, &self.date_line, &italic)?;
        row += 1;
        let thirds = [
            (0, last / 3),
            (last / 3 + 1, 2 * last / 3),
            (2 * last / 3 + 1, last),
        ];
        for (i, (from, to)) in thirds.iter().enumerate() {
            let put = |s: &mut rust_xlsxwriter::Worksheet, r: u32, t: &str, f: &Format| {
                if from == to {
                    s.write_string_with_format(r, *from, t, f).map(|_| ())
                } else {
                    s.merge_range(r, *from, r, *to, t, f).map(|_| ())
                }
            };
            put(sheet, row, SIGNING_ROLES[i], &bold)?;
            put(sheet, row + 1, "(Ký, ghi rõ họ tên)", &italic)?;
            put(sheet, row + 6, &self.signers[i], &bold)?;
        }
        book.save_to_buffer()
    }
}
