//! Which kind of file an upload is, decided from its bytes as they stream by.
//!
//! A client's file name and `Content-Type` are never consulted: a `.pdf` name on a text file
//! or an executable changes nothing. PDF, JPEG and PNG are told by their leading magic bytes.
//! DOCX and XLSX are both ZIP archives, told apart by the name of an entry they must hold
//! (`word/document.xml`, `xl/workbook.xml`), read from the ZIP local file headers as the
//! bytes go by. The [`Sniffer`] keeps only the first few bytes and a rolling window of under
//! 64 bytes across chunk boundaries, so its memory is fixed whatever the file's size.

use std::fmt;

/// A kind of file authors may attach to a dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileType {
    /// PDF, usually the signed description report.
    Pdf,
    /// Word document (Office Open XML).
    Docx,
    /// Excel workbook (Office Open XML), usually the benefit calculation.
    Xlsx,
    /// JPEG photo.
    Jpeg,
    /// PNG image.
    Png,
}

/// Every accepted type, in the order error messages list them.
pub const ALLOWED: [FileType; 5] = [
    FileType::Pdf,
    FileType::Docx,
    FileType::Xlsx,
    FileType::Jpeg,
    FileType::Png,
];

impl FileType {
    /// The media type sent back on download.
    pub const fn mime(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
        }
    }

    /// The usual file extension, without the dot.
    pub const fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Docx => "docx",
            Self::Xlsx => "xlsx",
            Self::Jpeg => "jpg",
            Self::Png => "png",
        }
    }

    /// The type stored as `mime` ([`FileType::mime`]), if it is one of ours.
    pub fn from_mime(mime: &str) -> Option<Self> {
        ALLOWED.into_iter().find(|t| t.mime() == mime)
    }

    /// True when `ext` (without the dot, any case) is a usual extension of this type.
    pub fn has_extension(self, ext: &str) -> bool {
        let ext = ext.to_ascii_lowercase();
        ext == self.extension() || (self == Self::Jpeg && ext == "jpeg")
    }

    /// The name people know the type by (`PDF`), for messages.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Pdf => "PDF",
            Self::Docx => "DOCX",
            Self::Xlsx => "XLSX",
            Self::Jpeg => "JPEG",
            Self::Png => "PNG",
        }
    }
}

impl fmt::Display for FileType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What the bytes seen so far say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// More bytes are needed: the leading bytes, or the entry names of a ZIP.
    Pending,
    /// An allowed type; final.
    Allowed(FileType),
    /// Not allowed whatever follows; final. Names what the bytes look like when that is
    /// recognisable (`ZIP`, `EXE`, `DOC/XLS 97-2003`), for the refusal message.
    Refused(Option<&'static str>),
}

/// Bytes kept before judging the leading signature (HEIC needs 12).
const HEAD: usize = 12;
const ZIP_LOCAL: &[u8; 4] = b"PK\x03\x04";
/// Fixed part of a ZIP local file header; the name length is at offset 26, the name at 30.
const ZIP_FIXED: usize = 30;
/// Entry names that tell what an Office Open XML archive is.
const ZIP_MARKERS: [(&[u8], Verdict); 3] = [
    (b"word/document.xml", Verdict::Allowed(FileType::Docx)),
    (b"xl/workbook.xml", Verdict::Allowed(FileType::Xlsx)),
    (b"ppt/presentation.xml", Verdict::Refused(Some("PPTX"))),
];
/// Longest header plus marker name; a record still undecided starts in the last
/// `ZIP_RECORD - 1` bytes seen, which is all the window keeps.
const ZIP_RECORD: usize = ZIP_FIXED + longest_marker();
const CARRY: usize = ZIP_RECORD - 1;

/// Decides a [`FileType`] from bytes fed chunk by chunk, in fixed memory.
#[derive(Debug, Default)]
pub struct Sniffer {
    head: [u8; HEAD],
    head_len: usize,
    /// `Some` while reading the entry names of a ZIP: the last bytes of the stream so far.
    zip_window: Option<Vec<u8>>,
    verdict: Option<Verdict>,
}

impl Sniffer {
    /// A sniffer that has seen nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// What the bytes fed so far say; once `Allowed` or `Refused` it never changes, so a
    /// caller may stop reading as soon as it sees `Refused`.
    pub fn verdict(&self) -> Verdict {
        self.verdict.unwrap_or(Verdict::Pending)
    }

    /// Feeds the next bytes of the file.
    pub fn feed(&mut self, chunk: &[u8]) {
        let mut rest = chunk;
        if self.verdict.is_none() && self.zip_window.is_none() {
            let take = (HEAD - self.head_len).min(rest.len());
            self.head[self.head_len..self.head_len + take].copy_from_slice(&rest[..take]);
            self.head_len += take;
            rest = &rest[take..];
            if self.head_len < HEAD {
                return;
            }
            self.judge_head();
            if self.zip_window.is_some() {
                let head = self.head;
                self.scan_zip(&head);
            }
        }
        if self.verdict.is_none() && self.zip_window.is_some() {
            self.scan_zip(rest);
        }
    }

    /// Ends the file and gives the final answer: `None` when it is not an allowed type (an
    /// empty file, a ZIP that is neither DOCX nor XLSX, anything else). [`Sniffer::verdict`]
    /// then tells what it looked like.
    pub fn finish(&mut self) -> Option<FileType> {
        if self.verdict.is_none() && self.zip_window.is_none() {
            self.judge_head();
        }
        if self.verdict.is_none() {
            self.zip_window = None;
            self.verdict = Some(Verdict::Refused(Some("ZIP")));
        }
        match self.verdict() {
            Verdict::Allowed(t) => Some(t),
            _ => None,
        }
    }

    fn judge_head(&mut self) {
        let h = &self.head[..self.head_len];
        let ok = |t| Some(Verdict::Allowed(t));
        let other = |name| Some(Verdict::Refused(Some(name)));
        self.verdict = if h.starts_with(b"%PDF-") {
            ok(FileType::Pdf)
        } else if h.starts_with(b"\xFF\xD8\xFF") {
            ok(FileType::Jpeg)
        } else if h.starts_with(b"\x89PNG\r\n\x1A\n") {
            ok(FileType::Png)
        } else if h.starts_with(ZIP_LOCAL) {
            self.zip_window = Some(Vec::with_capacity(CARRY + ZIP_RECORD));
            None
        } else if h.starts_with(b"PK\x05\x06") {
            other("ZIP")
        } else if h.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
            other("DOC/XLS 97-2003")
        } else if h.starts_with(b"MZ") {
            other("EXE")
        } else if h.starts_with(b"GIF8") {
            other("GIF")
        } else if h.starts_with(b"II*\0") || h.starts_with(b"MM\0*") {
            other("TIFF")
        } else if h.get(4..11) == Some(&b"ftyphei"[..]) {
            other("HEIC")
        } else if h.starts_with(b"Rar!") || h.starts_with(b"7z\xBC\xAF") {
            other("RAR/7Z")
        } else {
            Some(Verdict::Refused(None))
        };
    }

    /// Looks for marker entries in the local file headers that end in `chunk`: first those
    /// that started in the window (across the boundary), then those wholly in `chunk`.
    fn scan_zip(&mut self, chunk: &[u8]) {
        let Some(mut joined) = self.zip_window.take() else {
            return;
        };
        let carried = joined.len();
        joined.extend_from_slice(&chunk[..chunk.len().min(ZIP_RECORD)]);
        let found = headers(&joined)
            .take_while(|&p| p < carried)
            .find_map(|p| match record(&joined, p) {
                Some((end, found)) if end > carried => found,
                _ => None,
            })
            .or_else(|| headers(chunk).find_map(|p| record(chunk, p).and_then(|(_, f)| f)));
        if let Some(v) = found {
            self.verdict = Some(v);
            return;
        }
        if chunk.len() >= CARRY {
            joined.clear();
            joined.extend_from_slice(&chunk[chunk.len() - CARRY..]);
        } else {
            joined.truncate(carried);
            joined.extend_from_slice(chunk);
            let excess = joined.len().saturating_sub(CARRY);
            joined.drain(..excess);
        }
        self.zip_window = Some(joined);
    }
}

const fn longest_marker() -> usize {
    let (mut i, mut longest) = (0, 0);
    while i < ZIP_MARKERS.len() {
        if ZIP_MARKERS[i].0.len() > longest {
            longest = ZIP_MARKERS[i].0.len();
        }
        i += 1;
    }
    longest
}

/// Offsets of ZIP local file header signatures in `buf`.
fn headers(buf: &[u8]) -> impl Iterator<Item = usize> + '_ {
    buf.windows(ZIP_LOCAL.len())
        .enumerate()
        .filter(|(_, w)| w == ZIP_LOCAL)
        .map(|(p, _)| p)
}

/// Judges the local file header at `p`: `None` while `buf` ends too soon, else the offset
/// just past the bytes it needed and the verdict of a marker name.
fn record(buf: &[u8], p: usize) -> Option<(usize, Option<Verdict>)> {
    let fixed = buf.get(p..p + ZIP_FIXED)?;
    let len = usize::from(u16::from_le_bytes([fixed[26], fixed[27]]));
    if !ZIP_MARKERS.iter().any(|(name, _)| name.len() == len) {
        return Some((p + ZIP_FIXED, None));
    }
    let end = p + ZIP_FIXED + len;
    let name = buf.get(p + ZIP_FIXED..end)?;
    let found = ZIP_MARKERS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| *v);
    Some((end, found))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stored ZIP entry: local header, name and data (the CRC is not checked by anyone).
    fn entry(name: &str, data: &[u8]) -> Vec<u8> {
        let size = (data.len() as u32).to_le_bytes();
        let mut v = ZIP_LOCAL.to_vec();
        v.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        v.extend_from_slice(&size);
        v.extend_from_slice(&size);
        v.extend_from_slice(&(name.len() as u16).to_le_bytes());
        v.extend_from_slice(&[0, 0]);
        v.extend_from_slice(name.as_bytes());
        v.extend_from_slice(data);
        v
    }

    /// A ZIP of stored entries, with an end-of-central-directory record.
    fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut v: Vec<u8> = entries.iter().flat_map(|(n, d)| entry(n, d)).collect();
        v.extend_from_slice(b"PK\x05\x06");
        v.extend_from_slice(&[0; 18]);
        v
    }

    fn docx() -> Vec<u8> {
        zip(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("_rels/.rels", b"<Relationships/>"),
            ("word/document.xml", b"<w:document/>"),
        ])
    }

    fn sniff_chunks(chunks: &[&[u8]]) -> (Option<FileType>, Verdict) {
        let mut s = Sniffer::new();
        for c in chunks {
            s.feed(c);
        }
        (s.finish(), s.verdict())
    }

    fn sniff(bytes: &[u8]) -> (Option<FileType>, Verdict) {
        sniff_chunks(&[bytes])
    }

    #[test]
    fn pdf_jpeg_and_png_are_told_by_their_leading_magic_bytes() {
        assert_eq!(sniff(b"%PDF-1.7\n%\xE2\xE3").0, Some(FileType::Pdf));
        assert_eq!(
            sniff(b"\xFF\xD8\xFF\xE0\0\x10JFIF\0").0,
            Some(FileType::Jpeg)
        );
        let png = b"\x89PNG\r\n\x1A\n\0\0\0\rIHDR";
        assert_eq!(sniff(png).0, Some(FileType::Png));
    }

    #[test]
    fn leading_bytes_split_over_tiny_chunks_still_decide() {
        assert_eq!(
            sniff_chunks(&[b"%P", b"", b"DF-", b"1.4"]).0,
            Some(FileType::Pdf)
        );
    }

    #[test]
    fn zip_holding_word_document_xml_is_docx() {
        assert_eq!(sniff(&docx()).0, Some(FileType::Docx));
    }

    #[test]
    fn zip_holding_xl_workbook_xml_is_xlsx() {
        let big = vec![7u8; 200_000];
        let bytes = zip(&[("xl/styles.xml", &big), ("xl/workbook.xml", b"<workbook/>")]);
        let chunks: Vec<&[u8]> = bytes.chunks(64 * 1024).collect();
        assert_eq!(sniff_chunks(&chunks).0, Some(FileType::Xlsx));
    }

    #[test]
    fn entry_name_split_across_two_chunks_is_still_found_at_every_split_point() {
        let bytes = docx();
        for split in 0..=bytes.len() {
            let (a, b) = bytes.split_at(split);
            assert_eq!(
                sniff_chunks(&[a, b]).0,
                Some(FileType::Docx),
                "split at {split}"
            );
        }
        let bytes = zip(&[("a.txt", b"x"), ("xl/workbook.xml", b"")]);
        for size in 1..=bytes.len() {
            let chunks: Vec<&[u8]> = bytes.chunks(size).collect();
            assert_eq!(
                sniff_chunks(&chunks).0,
                Some(FileType::Xlsx),
                "chunks of {size}"
            );
        }
    }

    #[test]
    fn plain_zip_is_refused_as_zip() {
        let bytes = zip(&[("photo.jpg", b"\xFF\xD8\xFF"), ("notes.txt", b"hello")]);
        assert_eq!(sniff(&bytes), (None, Verdict::Refused(Some("ZIP"))));
    }

    #[test]
    fn entry_name_only_counts_inside_a_local_file_header() {
        let bytes = zip(&[("readme.txt", b"see word/document.xml and xl/workbook.xml")]);
        assert_eq!(sniff(&bytes).0, None);
    }

    #[test]
    fn pptx_is_refused_as_soon_as_its_entry_is_seen() {
        let mut s = Sniffer::new();
        s.feed(&entry("ppt/presentation.xml", b""));
        assert_eq!(s.verdict(), Verdict::Refused(Some("PPTX")));
    }

    #[test]
    fn text_file_named_pdf_is_refused_since_names_are_never_read() {
        // "bao-cao.pdf" exists only in the client's mind: the sniffer has no name input.
        assert_eq!(
            sniff(b"Bao cao mo ta sang kien\n"),
            (None, Verdict::Refused(None))
        );
    }

    #[test]
    fn empty_file_is_refused() {
        assert_eq!(sniff(b""), (None, Verdict::Refused(None)));
    }

    #[test]
    fn executable_is_refused_from_its_leading_bytes_before_the_end() {
        let mut s = Sniffer::new();
        s.feed(b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xFF\xFF");
        assert_eq!(s.verdict(), Verdict::Refused(Some("EXE")));
    }

    #[test]
    fn legacy_office_and_iphone_photos_are_refused_by_name() {
        let doc = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0";
        assert_eq!(sniff(doc).1, Verdict::Refused(Some("DOC/XLS 97-2003")));
        let heic = b"\0\0\0\x18ftypheic\0\0\0\0";
        assert_eq!(sniff(heic).1, Verdict::Refused(Some("HEIC")));
    }

    #[test]
    fn every_allowed_type_has_a_mime_an_extension_and_a_label() {
        for t in ALLOWED {
            assert!(t.mime().contains('/'));
            assert!(!t.extension().is_empty() && !t.extension().starts_with('.'));
            assert_eq!(t.to_string(), t.label());
        }
    }
}
