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

/// `docx` with its `docProps/core.xml` replaced by the properties of `p`; every other part is
/// copied unchanged.
pub fn with_properties(docx: &[u8], p: &Properties) -> zip::result::ZipResult<Vec<u8>> {
    let mut input = ZipArchive::new(Cursor::new(docx))?;
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    // A fixed entry time: the same paper must give the same bytes (stored hashes, caches).
    let options = SimpleFileOptions::default().last_modified_time(zip::DateTime::default());
    for i in 0..input.len() {
        let mut file = input.by_index(i)?;
        let name = file.name().to_owned();
        out.start_file(name.as_str(), options)?;
        if name == "docProps/core.xml" {
            out.write_all(core_xml(p).as_bytes())?;
        } else {
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes)?;
            out.write_all(&bytes)?;
        }
    }
    Ok(out.finish()?.into_inner())
}
