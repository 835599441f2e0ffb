//! The page of Decree 30/2020/NĐ-CP, Appendix I: A4, margins top/bottom 20 mm, left 30 mm,
//! right 15 mm, Times New Roman 13 pt; body block and national name side by side, title and
//! summary, justified body, `Nơi nhận:` and the signature block, page numbers from page 2.
//! Every service builds an [`OfficialPaper`] and calls [`OfficialPaper::render`]; nothing else
//! writes a page layout.

use chrono::{DateTime, NaiveDate, Utc};
use docx_rs::{
    AlignmentType, BreakType, Docx, Header, LineSpacing, PageMargin, PageNum, Paragraph, Run,
    RunFonts, SpecialIndentType, Table, TableCell, TableLayoutType, TableRow, WidthType,
};

use crate::dates::{blank_date_line, date_line};
use crate::props::{Properties, with_properties};

/// A4 in twentieths of a point.
pub const PAGE_WIDTH: u32 = 11906;
/// A4 in twentieths of a point.
pub const PAGE_HEIGHT: u32 = 16838;
/// 20 mm.
pub const MARGIN_TOP: i32 = 1134;
/// 20 mm.
pub const MARGIN_BOTTOM: i32 = 1134;
/// 30 mm.
pub const MARGIN_LEFT: i32 = 1701;
/// 15 mm.
pub const MARGIN_RIGHT: i32 = 850;
/// The width a table may take: the page less both side margins.
pub const TEXT_WIDTH: usize = (PAGE_WIDTH as i32 - MARGIN_LEFT - MARGIN_RIGHT) as usize;
/// The body block's column in the header table.
pub const LEFT_COLUMN: usize = 3600;
/// The national name's column: wide enough for the name on one line at 12 pt bold.
pub const RIGHT_COLUMN: usize = TEXT_WIDTH - LEFT_COLUMN;

const FONT: &str = "Times New Roman";
/// Sizes are in half-points.
const BODY: usize = 26;
const NATIONAL_NAME: usize = 24;
const RECIPIENTS_HEADING: usize = 24;
const RECIPIENT: usize = 22;
/// 1 cm first-line indent.
const INDENT: i32 = 567;
/// 6 pt after each body paragraph.
const AFTER: u32 = 120;

/// The national name, bold upper case on one line.
pub const NATIONAL_NAME_TEXT: &str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
/// The motto, bold with a line under it.
pub const MOTTO: &str = "Độc lập - Tự do - Hạnh phúc";

/// Who issues the paper and its number and date.
#[derive(Debug, Clone)]
pub struct Letterhead {
    /// `UBND HUYỆN TAM DƯƠNG`, where the body has a superior.
    pub superior: Option<String>,
    /// `Phòng Giáo dục và Đào tạo`: printed bold upper case.
    pub body: String,
    /// `05/QĐ-UBND`; `None` on a draft, which prints the blank before `symbol`.
    pub number: Option<String>,
    /// `QĐ-UBND`: what follows the slash of a blank number.
    pub symbol: String,
    /// The body's place name (`Tam Dương`), never a room.
    pub place: String,
    /// The signing date; `None` on a draft.
    pub date: Option<NaiveDate>,
    /// The year printed on a draft's blank date.
    pub year: i32,
}

impl Letterhead {
    /// `Số: 05/QĐ-UBND`, or `Số:       /QĐ-UBND` before the number is given.
    pub fn number_line(&self) -> String {
        match &self.number {
            Some(n) => format!("Số: {n}"),
            None => format!("Số:       /{}", self.symbol),
        }
    }

    /// The italic place-and-date line.
    pub fn date_line(&self) -> String {
        match self.date {
            Some(on) => date_line(&self.place, on),
            None => blank_date_line(&self.place, self.year),
        }
    }
}

/// On whose authority the signer signs (Decree 30/2020/NĐ-CP, Appendix I, item 7).
#[derive(Debug, Clone, PartialEq)]
pub enum Authority {
    /// The head signs in their own name: `CHỦ TỊCH`.
    Head { position: String },
    /// The head signs for a collective body: `TM. ỦY BAN NHÂN DÂN` / `CHỦ TỊCH`.
    Collective { body: String, position: String },
    /// A deputy signs for the head: `KT. CHỦ TỊCH` / `PHÓ CHỦ TỊCH`.
    Deputy { head: String, position: String },
    /// Title lines as a body's profile configures them, printed as given.
    Titles(Vec<String>),
    /// A deputy signs for the head of a collective body.
    CollectiveDeputy {
        body: String,
        head: String,
        position: String,
    },
}

/// The upper-case lines above the signature, in order.
pub fn authority_lines(a: &Authority) -> Vec<String> {
    let up = |s: &str| s.trim().to_uppercase();
    match a {
        Authority::Head { position } => vec![up(position)],
        Authority::Titles(lines) => lines.iter().map(|l| up(l)).collect(),
        Authority::Collective { body, position } => vec![format!("TM. {}", up(body)), up(position)],
        Authority::Deputy { head, position } => vec![format!("KT. {}", up(head)), up(position)],
        Authority::CollectiveDeputy {
            body,
            head,
            position,
        } => vec![
            format!("TM. {}", up(body)),
            format!("KT. {}", up(head)),
            up(position),
        ],
    }
}

/// The signature block: authority lines, room to sign and the seal, the name in bold.
#[derive(Debug, Clone)]
pub struct Signature {
    pub authority: Authority,
    /// Empty on a draft: the block keeps its room.
    pub name: String,
}

/// A table with one width per column, in twentieths of a point.
#[derive(Debug, Clone)]
pub struct TableSpec {
    pub header: Vec<String>,
    pub widths: Vec<usize>,
    pub rows: Vec<Vec<String>>,
}

/// Why a paper cannot be laid out.
#[derive(Debug, thiserror::Error)]
pub enum PaperError {
    /// A table whose header, widths and rows do not have the same number of cells.
    #[error("table has {header} header cells, {widths} widths and a row of {row} cells")]
    Cells {
        header: usize,
        widths: usize,
        row: usize,
    },
    /// A table wider than the text area.
    #[error("table is {0} wide, the text area {TEXT_WIDTH}")]
    TooWide(usize),
    /// The packed file could not be written.
    #[error("docx packing failed: {0}")]
    Pack(#[from] zip::result::ZipError),
}

/// One piece of the paper's body, in reading order.
#[derive(Debug, Clone)]
pub enum Block {
    /// A justified paragraph with a first-line indent.
    Text(String),
    /// A legal basis: italic, justified, indented (`Căn cứ …;`).
    Basis(String),
    /// `Điều 1.` in bold followed by the article's text.
    Article { number: u32, text: String },
    /// A centred bold line (`QUYẾT ĐỊNH:`, `Phụ lục`).
    Heading(String),
    /// A centred italic line (an annex's subtitle).
    Note(String),
    /// A table within the text area.
    Table(TableSpec),
}

/// A whole paper: what it is, what it says, who receives it and who signs it.
#[derive(Debug, Clone)]
pub struct OfficialPaper {
    pub letterhead: Letterhead,
    /// `QUYẾT ĐỊNH`, `BIÊN BẢN`, `GIẤY CHỨNG NHẬN`.
    pub kind: String,
    /// `Về việc công nhận sáng kiến năm 2026`; empty when the kind has none.
    pub summary: String,
    /// Marks the paper `DỰ THẢO`.
    pub draft: bool,
    pub blocks: Vec<Block>,
    /// `Nơi nhận:` items; an empty list prints no block (a certificate).
    pub recipients: Vec<String>,
    pub signatures: Vec<Signature>,
    /// When it was produced, for the document properties.
    pub created: DateTime<Utc>,
}

fn run(t: impl Into<String>) -> Run {
    Run::new().add_text(t.into())
}

fn centred(r: Run) -> Paragraph {
    Paragraph::new().align(AlignmentType::Center).add_run(r)
}

/// A short line drawn as underlined non-breaking spaces, `chars` wide.
fn rule(chars: usize) -> Paragraph {
    centred(run("\u{a0}".repeat(chars)).underline("single").size(12))
}

fn body_paragraph(runs: Vec<Run>) -> Paragraph {
    runs.into_iter().fold(
        Paragraph::new()
            .align(AlignmentType::Both)
            .indent(None, Some(SpecialIndentType::FirstLine(INDENT)), None, None)
            .line_spacing(LineSpacing::new().after(AFTER)),
        |p, r| p.add_run(r),
    )
}

fn header_table(l: &Letterhead) -> Table {
    let mut left = TableCell::new().width(LEFT_COLUMN, WidthType::Dxa);
    if let Some(s) = &l.superior {
        left = left.add_paragraph(centred(run(s.to_uppercase()).size(NATIONAL_NAME)));
    }
    left = left
        .add_paragraph(centred(
            run(l.body.to_uppercase()).bold().size(NATIONAL_NAME),
        ))
        .add_paragraph(rule(14))
        .add_paragraph(centred(run(l.number_line())));
    let right = TableCell::new()
        .width(RIGHT_COLUMN, WidthType::Dxa)
        .add_paragraph(centred(run(NATIONAL_NAME_TEXT).bold().size(NATIONAL_NAME)))
        .add_paragraph(centred(run(MOTTO).bold()))
        .add_paragraph(rule(40))
        .add_paragraph(centred(run(l.date_line()).italic()));
    Table::without_borders(vec![TableRow::new(vec![left, right])])
        .set_grid(vec![LEFT_COLUMN, RIGHT_COLUMN])
        .layout(TableLayoutType::Fixed)
        .width(TEXT_WIDTH, WidthType::Dxa)
}

fn table(t: &TableSpec) -> Result<Table, PaperError> {
    let wide: usize = t.widths.iter().sum();
    if wide > TEXT_WIDTH {
        return Err(PaperError::TooWide(wide));
    }
    let n = t.widths.len();
    if let Some(row) = std::iter::once(&t.header)
        .chain(t.rows.iter())
        .find(|r| r.len() != n)
    {
        return Err(PaperError::Cells {
            header: t.header.len(),
            widths: n,
            row: row.len(),
        });
    }
    let row = |cells: &[String], bold: bool| {
        TableRow::new(
            cells
                .iter()
                .zip(&t.widths)
                .map(|(c, w)| {
                    let r = if bold { run(c).bold() } else { run(c) };
                    let p = Paragraph::new().add_run(r.size(24));
                    let p = if bold {
                        p.align(AlignmentType::Center)
                    } else {
                        p
                    };
                    TableCell::new().width(*w, WidthType::Dxa).add_paragraph(p)
                })
                .collect(),
        )
    };
    let rows = std::iter::once(row(&t.header, true))
        .chain(t.rows.iter().map(|r| row(r, false)))
        .collect();
    Ok(Table::new(rows)
        .set_grid(t.widths.clone())
        .layout(TableLayoutType::Fixed)
        .width(wide, WidthType::Dxa))
}

fn closing(p: &OfficialPaper) -> Table {
    let half = TEXT_WIDTH / 2;
    let mut left = TableCell::new().width(half, WidthType::Dxa);
    if !p.recipients.is_empty() {
        left = left.add_paragraph(
            Paragraph::new().add_run(run("Nơi nhận:").bold().italic().size(RECIPIENTS_HEADING)),
        );
        let last = p.recipients.len() - 1;
        for (i, r) in p.recipients.iter().enumerate() {
            let r = r
                .trim()
                .trim_start_matches('-')
                .trim()
                .trim_end_matches([';', '.']);
            let end = if i == last { "." } else { ";" };
            left = left.add_paragraph(
                Paragraph::new().add_run(run(format!("- {r}{end}")).size(RECIPIENT)),
            );
        }
    }
    // One signer: recipients left, signature right. Two signers (the minutes: secretary
    // left, chair right) share the row and the paper has no recipients.
    let cells: Vec<TableCell> = if p.signatures.len() > 1 {
        p.signatures
            .iter()
            .map(|s| signature_cell(s, half))
            .collect()
    } else {
        std::iter::once(left)
            .chain(
                p.signatures
                    .iter()
                    .map(|s| signature_cell(s, TEXT_WIDTH - half)),
            )
            .collect()
    };
    let grid = vec![half, TEXT_WIDTH - half];
    Table::without_borders(vec![TableRow::new(cells)])
        .set_grid(grid)
        .layout(TableLayoutType::Fixed)
        .width(TEXT_WIDTH, WidthType::Dxa)
}

fn signature_cell(s: &Signature, width: usize) -> TableCell {
    let mut cell = TableCell::new().width(width, WidthType::Dxa);
    for line in authority_lines(&s.authority) {
        cell = cell.add_paragraph(centred(run(line).bold().size(BODY)));
    }
    for _ in 0..4 {
        cell = cell.add_paragraph(Paragraph::new());
    }
    cell.add_paragraph(centred(run(s.name.clone()).bold()))
}

impl OfficialPaper {
    /// The title in the file's properties: kind and summary.
    pub fn title(&self) -> String {
        let kind = self.kind.to_lowercase();
        let t: String = match kind.chars().next() {
            Some(c) => c.to_uppercase().chain(kind.chars().skip(1)).collect(),
            None => kind,
        };
        if self.summary.is_empty() {
            t
        } else {
            format!("{t} {}", lower_first(&self.summary))
        }
    }

    /// The paper as DOCX bytes.
    pub fn render(&self) -> Result<Vec<u8>, PaperError> {
        self.render_with_annex(&[])
    }

    /// The paper with an annex (phụ lục) after the signature, on a new page: a decision's
    /// list of recognised initiatives. An empty annex prints nothing more.
    pub fn render_with_annex(&self, annex: &[Block]) -> Result<Vec<u8>, PaperError> {
        let mut doc = Docx::new()
            .page_size(PAGE_WIDTH, PAGE_HEIGHT)
            .page_margin(
                PageMargin::new()
                    .top(MARGIN_TOP)
                    .bottom(MARGIN_BOTTOM)
                    .left(MARGIN_LEFT)
                    .right(MARGIN_RIGHT)
                    .header(567)
                    .footer(567),
            )
            .default_fonts(
                RunFonts::new()
                    .ascii(FONT)
                    .hi_ansi(FONT)
                    .cs(FONT)
                    .east_asia(FONT),
            )
            .default_size(BODY)
            .title_pg()
            .first_header(Header::new())
            .header(
                Header::new().add_paragraph(
                    Paragraph::new()
                        .align(AlignmentType::Center)
                        .add_page_num(PageNum::new()),
                ),
            );
        if self.draft {
            doc = doc.add_paragraph(
                Paragraph::new()
                    .align(AlignmentType::Right)
                    .add_run(run("DỰ THẢO").bold()),
            );
        }
        doc = doc
            .add_table(header_table(&self.letterhead))
            .add_paragraph(Paragraph::new())
            .add_paragraph(centred(run(self.kind.to_uppercase()).bold().size(28)));
        if !self.summary.is_empty() {
            doc = doc
                .add_paragraph(centred(run(self.summary.clone()).bold()))
                .add_paragraph(rule(24));
        }
        doc = doc.add_paragraph(Paragraph::new());
        doc = add_blocks(doc, &self.blocks)?;
        doc = doc.add_table(closing(self));
        if !annex.is_empty() {
            doc =
                doc.add_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)));
            doc = add_blocks(doc, annex)?;
        }
        let mut packed = std::io::Cursor::new(Vec::new());
        doc.build().pack(&mut packed)?;
        Ok(with_properties(
            &packed.into_inner(),
            &Properties {
                title: self.title(),
                author: self.letterhead.body.clone(),
                created: self.created,
            },
        )?)
    }
}

fn add_blocks(mut doc: Docx, blocks: &[Block]) -> Result<Docx, PaperError> {
    for b in blocks {
        doc = match b {
            Block::Text(t) => doc.add_paragraph(body_paragraph(vec![run(t)])),
            Block::Basis(t) => doc.add_paragraph(body_paragraph(vec![run(t).italic()])),
            Block::Article { number, text } => doc.add_paragraph(body_paragraph(vec![
                run(format!("Điều {number}. ")).bold(),
                run(text),
            ])),
            Block::Heading(t) => doc.add_paragraph(
                centred(run(t).bold()).line_spacing(LineSpacing::new().before(AFTER).after(AFTER)),
            ),
            Block::Note(t) => doc.add_paragraph(centred(run(t).italic())),
            Block::Table(t) => doc.add_table(table(t)?).add_paragraph(Paragraph::new()),
        };
    }
    Ok(doc)
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decree_30_appendix_i_item_7_tm_for_a_collective_body_and_kt_for_a_deputy() {
        let a = Authority::CollectiveDeputy {
            body: "Ủy ban nhân dân".into(),
            head: "Chủ tịch".into(),
            position: "Phó Chủ tịch".into(),
        };
        assert_eq!(
            authority_lines(&a),
            ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
        );
        let head = Authority::Head {
            position: "Chủ tịch".into(),
        };
        assert_eq!(authority_lines(&head), ["CHỦ TỊCH"]);
        let configured = Authority::Titles(vec!["KT. Chủ tịch".into(), "Phó Chủ tịch".into()]);
        assert_eq!(
            authority_lines(&configured),
            ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
        );
        let collective = Authority::Collective {
            body: "Hội đồng sáng kiến".into(),
            position: "Chủ tịch".into(),
        };
        assert_eq!(
            authority_lines(&collective),
            ["TM. HỘI ĐỒNG SÁNG KIẾN", "CHỦ TỊCH"]
        );
    }

    #[test]
    fn the_header_columns_fill_exactly_the_text_area() {
        assert_eq!(LEFT_COLUMN + RIGHT_COLUMN, TEXT_WIDTH);
        assert_eq!(TEXT_WIDTH, 9355);
    }
}
