//! The decision and its certificates as DOCX in the layout of Decree 30/2020/NĐ-CP [DOMAIN §6:
//! A4, Times New Roman 13 pt, margins top/bottom 20 mm, left 30 mm, right 15 mm]: built only
//! from what is passed in, so the same stored data always gives the same bytes.

use chrono::NaiveDate;
use docx_rs::{
    AlignmentType, BreakType, Docx, PageMargin, Paragraph, Run, RunFonts, Table, TableCell,
    TableRow, WidthType,
};

use crate::decisions::domain::{
    numbering::{date_line, vietnamese_date},
    profile::{BodyProfile, SignerProfile},
};

/// One initiative as the documents print it.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Register number in the plan's field.
    pub register_number: i32,
    /// The initiative's name.
    pub name: String,
    /// Authors with their contribution share in percent.
    pub authors: Vec<(String, f64)>,
    /// The owner's unit (empty when its name is not known).
    pub unit: String,
    /// Average score, when scored.
    pub average: Option<f64>,
    /// Grade, when graded.
    pub grade: Option<String>,
    /// The written reason (a refusal's grounds).
    pub reason: String,
}

/// What a decision says; `number` and `signed_on` are `None` on a draft, which prints the
/// blanks an office fills in by hand.
#[derive(Debug, Clone)]
pub struct DecisionPaper {
    pub profile: BodyProfile,
    pub number: Option<String>,
    pub signed_on: Option<NaiveDate>,
    /// `Về việc công nhận sáng kiến năm 2022`.
    pub title: String,
    /// The proposal it follows.
    pub proposal: String,
    /// `Giáo dục và Đào tạo`.
    pub field_name: String,
    pub year: i32,
    /// The signature block; `None` on a draft.
    pub signer: Option<SignerProfile>,
    pub recognised: Vec<Line>,
    pub refused: Vec<Line>,
}

/// A certificate of one recognised initiative.
#[derive(Debug, Clone)]
pub struct CertificatePaper {
    pub decision: DecisionPaper,
    pub line: Line,
    /// `05/QĐ-UBND-02`: the decision's number and the initiative's place in its appendix
    /// (`.1`, `.2`… added for each author's own certificate).
    pub serial: String,
    /// The author this certificate is issued to (index into `line.authors`); `None` for the
    /// initiative's certificate naming every author. Each recognised author gets one
    /// [DOMAIN §6].
    pub holder: Option<usize>,
}

const FONT: &str = "Times New Roman";
/// 13 pt in half-points.
const BODY_SIZE: usize = 26;

fn text(t: impl Into<String>) -> Run {
    Run::new().add_text(t.into())
}

fn para(t: impl Into<String>) -> Paragraph {
    Paragraph::new().align(AlignmentType::Both).add_run(text(t))
}

fn centred(run: Run) -> Paragraph {
    Paragraph::new().align(AlignmentType::Center).add_run(run)
}

fn cell(t: impl Into<String>, bold: bool) -> TableCell {
    let run = if bold { text(t).bold() } else { text(t) };
    TableCell::new().add_paragraph(Paragraph::new().add_run(run))
}

/// `60%`, `33,5%`.
fn percent(p: f64) -> String {
    let tenths = (p * 10.0).round() as i64;
    if tenths % 10 == 0 {
        format!("{}%", tenths / 10)
    } else {
        format!("{},{}%", tenths / 10, tenths % 10)
    }
}

/// `17,50`.
fn points(p: f64) -> String {
    let centi = (p * 100.0).round() as i64;
    format!("{},{:02}", centi / 100, centi % 100)
}

/// `Nguyễn Thị Hoa (60%), Trần Văn Nam (40%)`.
pub fn authors_text(authors: &[(String, f64)]) -> String {
    authors
        .iter()
        .map(|(n, p)| format!("{n} ({})", percent(*p)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn base() -> Docx {
    Docx::new()
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
}

fn number_line(d: &DecisionPaper) -> String {
    match &d.number {
        Some(n) => format!("Số: {n}"),
        None => format!(
            "Số:       /{}-{}",
            d.profile.decision_type, d.profile.document_symbol
        ),
    }
}

fn dated(d: &DecisionPaper) -> String {
    match d.signed_on {
        Some(on) => date_line(&d.profile.place_name, on),
        None => format!(
            "{}, ngày      tháng      năm {}",
            d.profile.place_name, d.year
        ),
    }
}

/// Body and superior on the left with the number; motto and date line on the right.
fn header(d: &DecisionPaper) -> Table {
    Table::without_borders(vec![TableRow::new(vec![
        TableCell::new()
            .width(3900, WidthType::Dxa)
            .add_paragraph(centred(text(d.profile.superior_name.to_uppercase())))
            .add_paragraph(centred(text(d.profile.full_name.to_uppercase()).bold()))
            .add_paragraph(centred(text(number_line(d)))),
        TableCell::new()
            .width(5600, WidthType::Dxa)
            .add_paragraph(centred(text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").bold()))
            .add_paragraph(centred(text("Độc lập - Tự do - Hạnh phúc").bold()))
            .add_paragraph(centred(text(dated(d)).italic())),
    ])])
}

/// `Nơi nhận:` on the left, the signer's title lines and name on the right.
fn signature(d: &DecisionPaper) -> Table {
    let mut left = TableCell::new()
        .width(4500, WidthType::Dxa)
        .add_paragraph(Paragraph::new().add_run(text("Nơi nhận:").bold().italic()));
    for r in &d.profile.recipients {
        let r = r
            .trim()
            .trim_start_matches('-')
            .trim()
            .trim_end_matches([';', '.']);
        left = left.add_paragraph(Paragraph::new().add_run(text(format!("- {r};")).size(22)));
    }
    left = left.add_paragraph(
        Paragraph::new().add_run(text(format!("- {}", d.profile.archive_line.trim())).size(22)),
    );
    let mut right = TableCell::new().width(5000, WidthType::Dxa);
    let (titles, name) = match &d.signer {
        Some(s) => (s.titles.clone(), s.name.clone()),
        None => (vec!["NGƯỜI KÝ".to_owned()], String::new()),
    };
    for t in titles {
        right = right.add_paragraph(centred(text(t).bold()));
    }
    for _ in 0..3 {
        right = right.add_paragraph(Paragraph::new());
    }
    right = right.add_paragraph(centred(text(name).bold()));
    Table::without_borders(vec![TableRow::new(vec![left, right])])
}

fn basis(line: &str) -> String {
    let l = line
        .trim()
        .trim_start_matches("Căn cứ")
        .trim()
        .trim_end_matches([';', '.']);
    format!("Căn cứ {l};")
}

fn appendix(d: &DecisionPaper, doc: Docx) -> Docx {
    let reference = match (&d.number, d.signed_on) {
        (Some(n), Some(on)) => format!(
            "(Kèm theo Quyết định số {n} {} của {})",
            vietnamese_date(on),
            d.profile.authority_line()
        ),
        _ => format!(
            "(Kèm theo Quyết định số      /{}-{} ngày      tháng      năm {} của {})",
            d.profile.decision_type,
            d.profile.document_symbol,
            d.year,
            d.profile.authority_line()
        ),
    };
    let mut rows = vec![TableRow::new(
        [
            "STT",
            "Số ĐK",
            "Tên sáng kiến",
            "Tác giả (tỷ lệ đóng góp)",
            "Điểm TB",
            "Xếp loại",
        ]
        .into_iter()
        .map(|h| cell(h, true))
        .collect(),
    )];
    for (i, l) in d.recognised.iter().enumerate() {
        rows.push(TableRow::new(vec![
            cell(format!("{}", i + 1), false),
            cell(format!("{:02}", l.register_number), false),
            cell(l.name.clone(), false),
            cell(authors_text(&l.authors), false),
            cell(l.unit.clone(), false),
            cell(l.average.map(points).unwrap_or_default(), false),
            cell(l.grade.clone().unwrap_or_default(), false),
        ]));
    }
    doc.add_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)))
        .add_paragraph(centred(text("DANH SÁCH SÁNG KIẾN ĐƯỢC CÔNG NHẬN").bold()))
        .add_paragraph(centred(
            text(format!("Lĩnh vực {} năm {}", d.field_name, d.year)).bold(),
        ))
        .add_paragraph(centred(text(reference).italic()))
        .add_table(Table::new(rows))
}

/// The decision as DOCX bytes.
pub fn decision(d: &DecisionPaper) -> anyhow::Result<Vec<u8>> {
    let mut doc = base()
        .add_table(header(d))
        .add_paragraph(Paragraph::new())
        .add_paragraph(centred(text("QUYẾT ĐỊNH").bold().size(28)))
        .add_paragraph(centred(text(d.title.clone()).bold()))
        .add_paragraph(Paragraph::new())
        .add_paragraph(centred(
            text(d.profile.authority_line().to_uppercase()).bold(),
        ));
    for b in &d.profile.legal_bases {
        doc = doc.add_paragraph(para(basis(b)));
    }
    let proposal = d.proposal.trim().trim_end_matches('.');
    doc = doc
        .add_paragraph(para(format!("Theo đề nghị của {proposal}.")))
        .add_paragraph(centred(text("QUYẾT ĐỊNH:").bold()))
        .add_paragraph(para(format!(
            "Điều 1. Công nhận {} sáng kiến lĩnh vực {} năm {} (có danh sách kèm theo).",
            d.recognised.len(),
            d.field_name,
            d.year
        )));
    let mut article = 2;
    if !d.refused.is_empty() {
        doc = doc.add_paragraph(para(format!(
            "Điều {article}. Không công nhận {} sáng kiến sau đây, với lý do:",
            d.refused.len()
        )));
        for l in &d.refused {
            doc = doc.add_paragraph(para(format!(
                "- \"{}\" của {}: {}",
                l.name,
                authors_text(&l.authors),
                l.reason.trim()
            )));
        }
        article += 1;
    }
    doc = doc
        .add_paragraph(para(format!(
            "Điều {article}. Tác giả của các sáng kiến được công nhận tại Điều 1 được hưởng các quyền lợi theo quy định của Điều lệ Sáng kiến ban hành kèm theo Nghị định số 13/2012/NĐ-CP và các quy định hiện hành."
        )))
        .add_paragraph(para(format!(
            "Điều {}. Quyết định này có hiệu lực kể từ ngày ký. Thủ trưởng các cơ quan, đơn vị có liên quan và các tác giả có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này./.",
            article + 1
        )))
        .add_paragraph(Paragraph::new())
        .add_table(signature(d));
    doc = appendix(d, doc);
    pack(doc)
}

/// A certificate (giấy chứng nhận sáng kiến) of one recognised initiative.
pub fn certificate(c: &CertificatePaper) -> anyhow::Result<Vec<u8>> {
    let d = &c.decision;
    let decided = match (&d.number, d.signed_on) {
        (Some(n), Some(on)) => format!("Quyết định số {n} {}", vietnamese_date(on)),
        _ => String::new(),
    };
    let doc = base()
        .add_table(header(d))
        .add_paragraph(Paragraph::new())
        .add_paragraph(centred(text("GIẤY CHỨNG NHẬN SÁNG KIẾN").bold().size(32)))
        .add_paragraph(centred(text(format!("Số: {}", c.serial)).italic()))
        .add_paragraph(Paragraph::new())
        .add_paragraph(centred(
            text(format!(
                "{} CHỨNG NHẬN",
                d.profile.authority_line().to_uppercase()
            ))
            .bold(),
        ))
        .add_paragraph(
            match c.holder.and_then(|h| c.line.authors.get(h).map(|a| (h, a))) {
                Some((h, (name, share))) => para(format!(
                    "Ông/Bà: {name} — {} ({}) của sáng kiến:",
                    if h == 0 {
                        "tác giả"
                    } else {
                        "đồng tác giả"
                    },
                    percent(*share)
                )),
                None => Paragraph::new(),
            },
        )
        .add_paragraph(para(format!("Sáng kiến: {}", c.line.name)))
        .add_paragraph(para(format!("Tác giả: {}", authors_text(&c.line.authors))))
        .add_paragraph(para(format!("Đơn vị: {}", c.line.unit)))
        .add_paragraph(para(format!("Lĩnh vực: {} năm {}", d.field_name, d.year)))
        .add_paragraph(para(format!(
            "Đã được công nhận là sáng kiến theo {decided} của {}.",
            d.profile.authority_line()
        )))
        .add_paragraph(Paragraph::new())
        .add_table(signature(d));
    pack(doc)
}

fn pack(doc: Docx) -> anyhow::Result<Vec<u8>> {
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut out)?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;
    use crate::decisions::domain::profile::vinh_tuong;

    fn paper() -> DecisionPaper {
        let deputy = uuid::Uuid::now_v7();
        let profile = vinh_tuong(uuid::Uuid::now_v7(), deputy);
        DecisionPaper {
            signer: profile.signer(deputy).cloned(),
            profile,
            number: Some("05/QĐ-UBND".into()),
            signed_on: NaiveDate::from_ymd_opt(2022, 2, 5),
            title: "Về việc công nhận sáng kiến năm 2022".into(),
            proposal: "Hội đồng Sáng kiến huyện tại Tờ trình số 12/TTr-HĐSK".into(),
            field_name: "Giáo dục và Đào tạo".into(),
            year: 2022,
            recognised: vec![Line {
                register_number: 1,
                name: "Dạy học phân hóa môn Toán 9".into(),
                authors: vec![
                    ("Nguyễn Thị Hoa".into(), 60.0),
                    ("Trần Văn Nam".into(), 40.0),
                ],
                unit: "Trường THCS Lý Tự Trọng".into(),
                average: Some(15.25),
                grade: Some("B".into()),
                reason: "Đạt".into(),
            }],
            refused: vec![Line {
                register_number: 2,
                name: "Câu lạc bộ đọc sách".into(),
                authors: vec![("Đinh Thị Mai".into(), 100.0)],
                unit: String::new(),
                average: None,
                grade: None,
                reason: "Không đủ hai phần ba".into(),
            }],
        }
    }

    fn xml(bytes: &[u8]) -> String {
        let mut archive =
            zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap_or_else(|e| panic!("{e}"));
        let mut xml = String::new();
        archive
            .by_name("word/document.xml")
            .unwrap_or_else(|e| panic!("{e}"))
            .read_to_string(&mut xml)
            .unwrap_or_default();
        xml
    }

    #[test]
    fn decree_30_2020_decision_layout_prints_number_date_signature_and_appendix() {
        let bytes = decision(&paper()).unwrap_or_default();
        let x = xml(&bytes);
        for expected in [
            "UBND TỈNH VĨNH PHÚC",
            "ỦY BAN NHÂN DÂN HUYỆN VĨNH TƯỜNG",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Số: 05/QĐ-UBND",
            "Vĩnh Tường, ngày 05 tháng 02 năm 2022",
            "QUYẾT ĐỊNH:",
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
            "Điều 1.",
            "KT. CHỦ TỊCH",
            "PHÓ CHỦ TỊCH",
            "Trần Thị Phương",
            "Nơi nhận:",
            "- Lưu: VT, KT&amp;HT.",
            "(Kèm theo Quyết định số 05/QĐ-UBND ngày 05 tháng 02 năm 2022",
            "Dạy học phân hóa môn Toán 9",
            "Nguyễn Thị Hoa (60%), Trần Văn Nam (40%)",
            "Trường THCS Lý Tự Trọng",
            "Không đủ hai phần ba",
        ] {
            assert!(x.contains(expected), "the decision lacks {expected:?}");
        }
    }

    #[test]
    fn the_same_decision_gives_the_same_bytes_twice() {
        let first = decision(&paper()).unwrap_or_default();
        std::thread::sleep(std::time::Duration::from_millis(2100));
        assert_eq!(first, decision(&paper()).unwrap_or_default());
        let p = paper();
        let c = CertificatePaper {
            line: p.recognised[0].clone(),
            decision: p,
            serial: "05/QĐ-UBND-01".into(),
            holder: None,
        };
        let one = certificate(&c).unwrap_or_default();
        assert_eq!(one, certificate(&c).unwrap_or_default());
        assert!(xml(&one).contains("GIẤY CHỨNG NHẬN SÁNG KIẾN"));
        let own = CertificatePaper {
            holder: Some(1),
            serial: "05/QĐ-UBND-01.2".into(),
            ..c
        };
        let text = xml(&certificate(&own).unwrap_or_default());
        let co_author = &own.line.authors[1].0;
        assert!(
            text.contains(&format!("Ông/Bà: {co_author} — đồng tác giả"))
                && text.contains("05/QĐ-UBND-01.2"),
            "{text}"
        );
    }
}
