//! Minutes (biên bản) of a sitting as DOCX, the format offices edit in Word [DOMAIN §6 layout:
//! A4, Times New Roman 13 pt, margins top/bottom 20 mm, left 30 mm, right 15 mm]. Built only
//! from what was recorded, so the same sitting always gives the same document.

use docx_rs::{
    AlignmentType, Docx, PageMargin, Paragraph, Run, RunFonts, Table, TableCell, TableRow,
    WidthType,
};

/// One member of the panel, present or not.
#[derive(Debug, Clone)]
pub struct MinutesMember {
    pub full_name: String,
    /// The role as written in the minutes (`Chủ tịch`).
    pub role_label: String,
    pub present: bool,
}

/// One dossier discussed.
#[derive(Debug, Clone)]
pub struct MinutesItem {
    pub register_number: i32,
    pub name: String,
    pub authors: String,
    /// `17,50`, or empty.
    pub average: String,
    pub grade: String,
    /// `5/7 tán thành (cần 5)`, or empty for a team sitting.
    pub vote: String,
    /// `Đề nghị công nhận`.
    pub conclusion: String,
}

/// What the minutes say.
#[derive(Debug, Clone)]
pub struct Minutes {
    /// `HỘI ĐỒNG SÁNG KIẾN HUYỆN VĨNH TƯỜNG NĂM 2022`.
    pub panel_name: String,
    pub council: bool,
    pub held_on: chrono::NaiveDate,
    pub place: String,
    pub members: Vec<MinutesMember>,
    pub items: Vec<MinutesItem>,
    pub notes: String,
    pub chair: String,
    pub secretary: String,
}

const FONT: &str = "Times New Roman";
/// 13 pt in half-points.
const BODY_SIZE: usize = 26;

fn text(t: impl Into<String>) -> Run {
    Run::new().add_text(t.into())
}

fn para(t: impl Into<String>) -> Paragraph {
    Paragraph::new().add_run(text(t))
}

fn centred_bold(t: impl Into<String>) -> Paragraph {
    Paragraph::new()
        .align(AlignmentType::Center)
        .add_run(text(t).bold())
}

fn cell(t: impl Into<String>, bold: bool) -> TableCell {
    let run = if bold { text(t).bold() } else { text(t) };
    TableCell::new().add_paragraph(Paragraph::new().add_run(run))
}

fn row(cells: &[String], bold: bool) -> TableRow {
    TableRow::new(cells.iter().map(|c| cell(c.clone(), bold)).collect())
}

pub use sangkien_kit::text::vietnamese_date;

/// The minutes as DOCX bytes.
pub fn render(m: &Minutes) -> anyhow::Result<Vec<u8>> {
    let body = if m.council {
        "HỘI ĐỒNG SÁNG KIẾN"
    } else {
        "TỔ THẨM ĐỊNH SÁNG KIẾN"
    };
    let present: Vec<&MinutesMember> = m.members.iter().filter(|x| x.present).collect();
    let absent: Vec<&MinutesMember> = m.members.iter().filter(|x| !x.present).collect();
    let header = Table::without_borders(vec![TableRow::new(vec![
        TableCell::new()
            .width(4000, WidthType::Dxa)
            .add_paragraph(centred_bold(body)),
        TableCell::new()
            .width(5500, WidthType::Dxa)
            .add_paragraph(centred_bold("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"))
            .add_paragraph(centred_bold("Độc lập - Tự do - Hạnh phúc")),
    ])]);
    let mut doc = Docx::new()
        .page_size(11906, 16838)
        .page_margin(
            PageMargin::new()
                .top(1134)
                .bottom(1134)
                .left(1701)
                .right(850),
        )
        .default_fonts(
            RunFonts::new()
                .ascii(FONT)
                .hi_ansi(FONT)
                .cs(FONT)
                .east_asia(FONT),
        )
        .default_size(BODY_SIZE)
        .add_table(header)
        .add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Right)
                .add_run(text(format!("{}, {}", m.place, vietnamese_date(m.held_on))).italic()),
        )
        .add_paragraph(centred_bold("BIÊN BẢN"))
        .add_paragraph(centred_bold(format!("Họp {}", m.panel_name)))
        .add_paragraph(para(format!(
            "Hôm nay, {}, tại {}, {} họp xét các sáng kiến đề nghị công nhận.",
            vietnamese_date(m.held_on),
            m.place,
            m.panel_name
        )))
        .add_paragraph(para("I. THÀNH PHẦN").bold())
        .add_paragraph(para(format!(
            "Có mặt {}/{} thành viên:",
            present.len(),
            m.members.len()
        )));
    let mut members = vec![row(
        &["STT".into(), "Họ và tên".into(), "Chức danh".into()],
        true,
    )];
    for (i, x) in present.iter().enumerate() {
        members.push(row(
            &[
                format!("{}", i + 1),
                x.full_name.clone(),
                x.role_label.clone(),
            ],
            false,
        ));
    }
    doc = doc.add_table(Table::new(members));
    let absent_line = if absent.is_empty() {
        "Vắng mặt: không.".to_owned()
    } else {
        format!(
            "Vắng mặt: {}.",
            absent
                .iter()
                .map(|x| format!("{} ({})", x.full_name, x.role_label))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    doc = doc
        .add_paragraph(para(absent_line))
        .add_paragraph(para("II. NỘI DUNG VÀ KẾT QUẢ").bold());
    let mut items = vec![row(
        &[
            "STT".into(),
            "Số ĐK".into(),
            "Tên sáng kiến".into(),
            "Tác giả".into(),
            "Điểm TB".into(),
            "Xếp loại".into(),
            "Biểu quyết".into(),
            "Kết luận".into(),
        ],
        true,
    )];
    for (i, it) in m.items.iter().enumerate() {
        items.push(row(
            &[
                format!("{}", i + 1),
                format!("{:02}", it.register_number),
                it.name.clone(),
                it.authors.clone(),
                it.average.clone(),
                it.grade.clone(),
                it.vote.clone(),
                it.conclusion.clone(),
            ],
            false,
        ));
    }
    doc = doc.add_table(Table::new(items));
    if !m.notes.is_empty() {
        doc = doc.add_paragraph(para(format!("Ý kiến khác: {}", m.notes)));
    }
    doc = doc
        .add_paragraph(para(
            "Biên bản đã được đọc lại cho các thành viên có mặt cùng nghe và thống nhất thông qua.",
        ))
        .add_table(Table::without_borders(vec![
            TableRow::new(vec![
                TableCell::new().add_paragraph(centred_bold("THƯ KÝ")),
                TableCell::new().add_paragraph(centred_bold("CHỦ TỊCH")),
            ]),
            TableRow::new(vec![
                TableCell::new().add_paragraph(
                    Paragraph::new()
                        .align(AlignmentType::Center)
                        .add_run(text(m.secretary.clone())),
                ),
                TableCell::new().add_paragraph(
                    Paragraph::new()
                        .align(AlignmentType::Center)
                        .add_run(text(m.chair.clone())),
                ),
            ]),
        ]));
    let mut out = std::io::Cursor::new(Vec::new());
    doc.pack(&mut out)?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_minutes_follow_decree_30_2020() {
        let d = |m| chrono::NaiveDate::from_ymd_opt(2022, m, 5).unwrap_or_default();
        assert_eq!(vietnamese_date(d(2)), "ngày 05 tháng 02 năm 2022");
        assert_eq!(vietnamese_date(d(3)), "ngày 05 tháng 3 năm 2022");
    }
}
