//! Document properties (title, the body as author, the real creation time): docx-rs writes
//! `unknown` as the creator and offers no title, so the packed file's `docProps/core.xml` is
//! written again here.

use std::io::{Cursor, Read, Write};

use chrono::{DateTime, Utc};
use zip::{ZipArchive, ZipWriter, write::SimpleFileOptions};

/// What the file's properties say about it.
#[derive(Debug, Clone)]
pub struct Properties {
    /// The paper's title (`Quyết định về việc công nhận sáng kiến năm 2026`).
    pub title: String,
    /// The issuing body, the paper's author.
    pub author: String,
    /// When the paper was produced (the signing time of a signed paper).
    pub created: DateTime<Utc>,
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The core-properties part for `p`.
pub fn core_xml(p: &Properties) -> String {
    let at = p.created.format("%Y-%m-%dT%H:%M:%SZ");
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" "#,
            r#"xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" "#,
            r#"xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
            r#"<dc:title>{title}</dc:title><dc:creator>{author}</dc:creator>"#,
            r#"<cp:lastModifiedBy>{author}</cp:lastModifiedBy><dc:language>vi-VN</dc:language>"#,
            r#"<dcterms:created xsi:type="dcterms:W3CDTF">{at}</dcterms:created>"#,
            r#"<dcterms:modified xsi:type="dcterms:W3CDTF">{at}</dcterms:modified>"#,
            r#"</cp:coreProperties>"#
        ),
        title = escape(&p.title),
        author = escape(&p.author),
        at = at
    )
}

/// `xml` with every `paraId` numbered in order from `next`: docx-rs draws them from a
/// thread-local counter that runs on between papers, so the same paper rendered twice on one
/// thread would differ. Returns the next free number.
fn renumber_para_ids(xml: &str, next: &mut u32) -> String {
    const KEY: &str = "paraId=\"";
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(at) = rest.find(KEY) {
        let value = at + KEY.len();
        out.push_str(&rest[..value]);
        let Some(end) = rest[value..].find('"') else {
            break;
        };
        out.push_str(&format!("{:08X}", *next));
        *next += 1;
        rest = &rest[value + end..];
    }
    out.push_str(rest);
    out
}

/// `docx` with its `docProps/core.xml` replaced by the properties of `p`, paragraph ids
/// numbered in order; every other part is copied unchanged.
pub fn with_properties(docx: &[u8], p: &Properties) -> zip::result::ZipResult<Vec<u8>> {
    let mut input = ZipArchive::new(Cursor::new(docx))?;
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    // A fixed entry time: the same paper must give the same bytes (stored hashes, caches).
    let options = SimpleFileOptions::default().last_modified_time(zip::DateTime::default());
    let mut next = 1;
    for i in 0..input.len() {
        let mut file = input.by_index(i)?;
        let name = file.name().to_owned();
        out.start_file(name.as_str(), options)?;
        if name == "docProps/core.xml" {
            out.write_all(core_xml(p).as_bytes())?;
        } else if name.starts_with("word/") && name.ends_with(".xml") {
            let mut xml = String::new();
            file.read_to_string(&mut xml)?;
            out.write_all(renumber_para_ids(&xml, &mut next).as_bytes())?;
        } else {
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes)?;
            out.write_all(&bytes)?;
        }
    }
    Ok(out.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraph_ids_are_numbered_in_order_whatever_the_counter_said() {
        let mut next = 1;
        assert_eq!(
            renumber_para_ids(
                r#"<w:p w14:paraId="0000002A"><w:p w14:paraId="0000002B">"#,
                &mut next
            ),
            r#"<w:p w14:paraId="00000001"><w:p w14:paraId="00000002">"#
        );
        assert_eq!(next, 3);
    }
}
