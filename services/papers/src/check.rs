//! The layout check of a rendered DOCX: reads the package's XML back and lists every rule of
//! Decree 30/2020/NĐ-CP, Appendix I (as [`crate::docx`] implements it) that the file breaks.
//! Public so that every service's tests run it on the documents they really produce (the
//! decision, its certificates, the minutes, the estimate, the receipt), not only on samples.

use std::io::{Cursor, Read};

use crate::docx::{
    MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, NATIONAL_NAME_TEXT, PAGE_HEIGHT,
    PAGE_WIDTH, RIGHT_COLUMN, TEXT_WIDTH,
};

/// One run of text with its properties, as read from `word/document.xml`.
#[derive(Debug, Clone)]
pub struct RunText {
    /// The run's text, XML entities left as written.
    pub text: String,
    /// `<w:b />` in its properties.
    pub bold: bool,
    /// `<w:i />` in its properties.
    pub italic: bool,
    /// Its size in half-points, when set on the run.
    pub size: Option<usize>,
}

/// A part of the package as text; empty when it is missing.
pub fn part(docx: &[u8], name: &str) -> String {
    let mut s = String::new();
    if let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(docx))
        && let Ok(mut f) = zip.by_name(name)
    {
        let _ = f.read_to_string(&mut s);
    }
    s
}

fn parts_starting(docx: &[u8], prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(docx)) {
        for i in 0..zip.len() {
            if let Ok(mut f) = zip.by_index(i)
                && f.name().starts_with(prefix)
            {
                let mut s = String::new();
                let _ = f.read_to_string(&mut s);
                out.push(s);
            }
        }
    }
    out
}

fn between<'a>(s: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let from = s.find(open)? + open.len();
    let to = s[from..].find(close)? + from;
    Some(&s[from..to])
}

fn texts(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(at) = rest.find("<w:t") {
        rest = &rest[at + 4..];
        // `<w:t>` or `<w:t xml:space="preserve">`, never `<w:tbl>`, `<w:tc>`…
        if !(rest.starts_with('>') || rest.starts_with(' ')) {
            continue;
        }
        let Some(open) = rest.find('>') else { break };
        let Some(close) = rest.find("</w:t>") else {
            break;
        };
        if open < close {
            out.push_str(&rest[open + 1..close]);
        }
        rest = &rest[close..];
    }
    out
}

/// Every run of `word/document.xml`, in order.
pub fn runs(document: &str) -> Vec<RunText> {
    document
        .split("<w:r>")
        .skip(1)
        .map(|r| {
            let r = r.split("</w:r>").next().unwrap_or_default();
            let props = between(r, "<w:rPr>", "</w:rPr>").unwrap_or_default();
            RunText {
                text: texts(r),
                bold: props.contains("<w:b />") || props.contains("<w:b/>"),
                italic: props.contains("<w:i />") || props.contains("<w:i/>"),
                size: between(props, "<w:sz w:val=\"", "\"").and_then(|v| v.parse().ok()),
            }
        })
        .collect()
}

/// The text of the document, paragraph by paragraph (one line each), entities decoded.
pub fn plain_text(docx: &[u8]) -> String {
    part(docx, "word/document.xml")
        .split("</w:p>")
        .map(texts)
        .filter(|l| !l.is_empty())
        .map(|l| {
            l.replace("&amp;", "&")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&apos;", "'")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn grid_of(table: &str) -> Vec<usize> {
    table
        .split("<w:gridCol w:w=\"")
        .skip(1)
        .filter_map(|g| g.split('"').next().and_then(|w| w.parse().ok()))
        .collect()
}

/// Every layout rule `docx` breaks, each named; empty when the paper may be printed.
pub fn layout_problems(docx: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut need = |ok: bool, rule: &str| {
        if !ok {
            out.push(rule.to_owned());
        }
    };
    let doc = part(docx, "word/document.xml");
    if doc.is_empty() {
        return vec!["no word/document.xml: not a DOCX".into()];
    }
    need(
        doc.contains(&format!(
            r#"<w:pgSz w:w="{PAGE_WIDTH}" w:h="{PAGE_HEIGHT}""#
        )),
        "A4 page",
    );
    for (side, v) in [
        ("top", MARGIN_TOP),
        ("bottom", MARGIN_BOTTOM),
        ("left", MARGIN_LEFT),
        ("right", MARGIN_RIGHT),
    ] {
        need(
            doc.contains(&format!(r#"w:{side}="{v}""#)),
            &format!("margin {side} {v} twips"),
        );
    }
    let styles = part(docx, "word/styles.xml");
    need(
        styles.contains(r#"w:ascii="Times New Roman""#),
        "Times New Roman by default",
    );
    need(
        styles.contains(r#"<w:sz w:val="26" />"#) || styles.contains(r#"<w:sz w:val="26"/>"#),
        "13 pt body by default",
    );
    let all = runs(&doc);
    match all.iter().find(|r| r.text.contains(NATIONAL_NAME_TEXT)) {
        Some(r) => need(r.bold && r.size == Some(24), "national name bold 12 pt"),
        None => need(false, "national name printed"),
    }
    need(
        doc.contains(&format!(r#"<w:gridCol w:w="{RIGHT_COLUMN}""#)),
        "national name in a column wide enough for one line",
    );
    need(
        all.iter()
            .any(|r| r.bold && r.text.contains("Độc lập - Tự do - Hạnh phúc")),
        "motto in bold",
    );
    need(
        doc.matches(r#"<w:u w:val="single""#).count() >= 2,
        "lines under the body name and the motto",
    );
    match all.iter().find(|r| r.text.contains(", ngày ")) {
        Some(r) => need(r.italic, "place-and-date line in italic"),
        None => need(false, "place-and-date line printed"),
    }
    need(
        all.iter().filter(|r| r.text.starts_with("Số:")).count() == 1,
        "one number line",
    );
    for r in all.iter().filter(|r| is_article(&r.text)) {
        need(r.bold, &format!("{:?} in bold", r.text.trim()));
    }
    // Legal bases are paragraphs of the body; a table's header may start with the same words.
    let outside_tables: String = doc
        .split("<w:tbl>")
        .enumerate()
        .map(|(i, part)| {
            if i == 0 {
                part
            } else {
                part.split_once("</w:tbl>")
                    .map(|(_, after)| after)
                    .unwrap_or("")
            }
        })
        .collect();
    for r in runs(&outside_tables)
        .iter()
        .filter(|r| r.text.starts_with("Căn cứ "))
    {
        need(r.italic, "legal bases in italic");
        need(
            r.text.trim_end().ends_with(';') || r.text.trim_end().ends_with('.'),
            "a legal basis ends with ; or .",
        );
    }
    for (i, table) in doc.split("<w:tbl>").skip(1).enumerate() {
        let table = table.split("</w:tbl>").next().unwrap_or_default();
        let grid = grid_of(table);
        need(
            !grid.is_empty(),
            &format!("table {i} has explicit column widths"),
        );
        need(
            grid.iter().sum::<usize>() <= TEXT_WIDTH,
            &format!("table {i} within the text area"),
        );
        for (j, row) in table.split("<w:tr>").skip(1).enumerate() {
            let cells = row.matches("<w:tc>").count();
            need(
                cells == grid.len(),
                &format!(
                    "table {i} row {j}: {cells} cells over {} columns",
                    grid.len()
                ),
            );
        }
    }
    need(
        doc.contains("<w:titlePg />") || doc.contains("<w:titlePg/>"),
        "no page number on page 1",
    );
    need(
        parts_starting(docx, "word/header")
            .iter()
            .any(|h| h.contains("PAGE") && h.contains(r#"<w:jc w:val="center""#)),
        "page number at the top centre from page 2",
    );
    if let Some(r) = all.iter().find(|r| r.text == "Nơi nhận:") {
        need(
            r.bold && r.italic && r.size == Some(24),
            "Nơi nhận: bold italic 12 pt",
        );
    }
    let core = part(docx, "docProps/core.xml");
    need(
        between(&core, "<dc:title>", "</dc:title>").is_some_and(|t| !t.trim().is_empty()),
        "a title in the properties",
    );
    need(
        between(&core, "<dc:creator>", "</dc:creator>").is_some_and(|t| !t.trim().is_empty()),
        "the body as author in the properties",
    );
    need(core.contains("dcterms:created"), "the creation time");
    out
}

/// Writes `bytes` as `file` into the folder `SK_PAPERS_DIR` names, when it is set, so that
/// `tests/papers.sh` converts every paper the services' tests render with LibreOffice and
/// checks its pages. Without the variable it does nothing.
pub fn keep(file: &str, bytes: &[u8]) -> std::io::Result<()> {
    match std::env::var_os("SK_PAPERS_DIR") {
        Some(dir) => {
            std::fs::create_dir_all(&dir)?;
            std::fs::write(std::path::Path::new(&dir).join(file), bytes)
        }
        None => Ok(()),
    }
}

/// `Điều 12. `: an article's number, which must be bold.
fn is_article(t: &str) -> bool {
    let Some(rest) = t.strip_prefix("Điều ") else {
        return false;
    };
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && rest[digits..].starts_with('.')
}

/// English words that must never appear in a Vietnamese paper (what the bilingual reasons of
/// old printed: "The council voted 3 of 7 in favour…"). A word list, not a dictionary: it
/// catches the sentences this system could ever have written.
pub const ENGLISH_WORDS: &[&str] = &[
    "the",
    "of",
    "favour",
    "council",
    "voted",
    "needed",
    "recommended",
    "not",
    "and",
    "recognition",
    "for",
    "with",
    "reason",
    "team",
    "appraisal",
    "passed",
    "failed",
    "score",
    "members",
    "against",
    "abstaining",
    "rule",
    "vote",
    "is",
    "was",
    "by",
];

/// The English words in `text`, in order (ASCII words only; `in` and `to`, which are also
/// Vietnamese words, are not in the list).
pub fn english_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.is_ascii() && !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| ENGLISH_WORDS.contains(&w.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_article_number_is_recognised_but_not_a_mention_of_one() {
        assert!(is_article("Điều 1. "));
        assert!(is_article("Điều 12."));
        assert!(!is_article("Điều lệ Sáng kiến"));
        assert!(!is_article("Điều 1 chịu"));
    }

    #[test]
    fn english_words_are_found_and_vietnamese_passes() {
        assert_eq!(
            english_words("3/7 tán thành / The council voted 3 of 7 in favour"),
            ["the", "council", "voted", "of", "favour"]
        );
        assert!(
            english_words("Không đề nghị công nhận: 3/7 thành viên tán thành (cần 5)").is_empty()
        );
    }

    #[test]
    fn what_is_not_a_docx_is_one_problem() {
        assert_eq!(layout_problems(b"nope").len(), 1);
    }
}
