//! Attachment bytes in an object store, streamed in and out.
//!
//! [`FileStore::put_stream`] reads an upload chunk by chunk, hashing it and deciding its type
//! on the way, and writes it as a multipart upload in parts ([`PART_BYTES`] for S3-compatible
//! stores, [`LOCAL_PART_BYTES`] for a local directory). Up to [`PARTS_IN_FLIGHT`] parts are
//! written while the next one is read, so reading the socket and writing the disk overlap; one
//! part being filled plus those in flight is the most an upload ever holds in memory. It stops reading at the first chunk that breaks a rule
//! (too large, a refused type, a failed stream) and aborts the upload, so nothing is left in
//! the store. Keys come from ids only ([`key_for`]); a client's file name is kept for display
//! alone ([`safe_display_name`]).

use sangkien_kit::ExposeSecret;
use std::{fmt::Display, sync::Arc};

use anyhow::Context;
use bytes::{Bytes, BytesMut};
use futures::{Stream, StreamExt, stream::BoxStream};
use object_store::{
    GetOptions, MultipartUpload, ObjectStore, ObjectStoreExt, PutMultipartOptions,
    aws::AmazonS3Builder, local::LocalFileSystem, path::Path, prefix::PrefixStore,
};
use sangkien_kit::{Settings, settings::FilesLocation};
use sha2::{Digest, Sha256};
use tokio::task::JoinSet;
use uuid::Uuid;

use super::sniff::{FileType, Sniffer, Verdict};

/// Size of the parts an upload is written in to an S3-compatible store: the smallest part
/// such stores take.
pub const PART_BYTES: usize = 5 * 1024 * 1024;

/// Size of the parts written to a local directory, which takes parts of any size: smaller
/// parts keep less of each upload in memory (50 authors uploading at once hold at most
/// 50 × 3 parts). Well under the deployments' `MALLOC_MMAP_THRESHOLD_=1048576`, so a part
/// buffer comes from the heap and is reused rather than mapped and unmapped (and its pages
/// zeroed) for every part.
pub const LOCAL_PART_BYTES: usize = 256 * 1024;

/// Parts written at once while the next part is read: enough to keep the disk (or the
/// connection to the bucket) busy while the socket is read, no more.
pub const PARTS_IN_FLIGHT: usize = 2;

/// Where attachments are kept: a local directory (standalone, or a volume shared by the
/// intake replicas). Cheap to clone; share one per process.
#[derive(Debug, Clone)]
pub struct FileStore {
    store: Arc<dyn ObjectStore>,
    part_bytes: usize,
}

/// A file now in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// Bytes stored.
    pub size: u64,
    /// SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
    /// The type its bytes show.
    pub file_type: FileType,
}

/// Why an upload was not stored. Every variant leaves nothing in the store.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// The file passed `max_bytes`; reading stopped there.
    #[error("the file is larger than {max_bytes} bytes")]
    TooLarge {
        /// The limit that was passed.
        max_bytes: u64,
    },
    /// Not one of [`super::sniff::ALLOWED`]. `detected` names what the bytes look like when
    /// recognisable (`ZIP`, `EXE`, `DOC/XLS 97-2003`, `PPTX`, `HEIC`).
    #[error("the file type is not accepted ({})", detected.as_deref().unwrap_or("unknown"))]
    Unsupported {
        /// What the bytes look like, when known.
        detected: Option<String>,
    },
    /// The body had no bytes.
    #[error("the file is empty")]
    Empty,
    /// The client's stream failed (connection dropped, malformed chunked encoding).
    #[error("the upload stream failed: {0}")]
    Stream(String),
    /// The store failed: an internal error, not the client's.
    #[error(transparent)]
    Store(#[from] object_store::Error),
}

impl FileStore {
    /// The store `settings.files` names: a local directory (`<data_dir>/files` or a
    /// `file:///` URL; created, writes fsynced since a database row will point at the file)
    /// or an S3-compatible bucket (`s3://bucket/prefix` with the `s3_*` settings, falling
    /// back to the `AWS_*` environment for credentials).
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        match settings.files_location()? {
            FilesLocation::Local(dir) => {
                std::fs::create_dir_all(&dir).with_context(|| {
                    format!("creating the file store directory {}", dir.display())
                })?;
                let local = LocalFileSystem::new_with_prefix(&dir)
                    .with_context(|| format!("opening the file store directory {}", dir.display()))?
                    .with_fsync(true)
                    .with_automatic_cleanup(true);
                Ok(Self::new(Arc::new(local)).with_part_bytes(LOCAL_PART_BYTES))
            }
            FilesLocation::S3 { bucket, prefix } => {
                let f = &settings.files;
                let mut builder = AmazonS3Builder::from_env()
                    .with_bucket_name(&bucket)
                    .with_region(&f.s3_region)
                    .with_allow_http(f.s3_allow_http);
                if let Some(e) = &f.s3_endpoint {
                    builder = builder
                        .with_endpoint(e)
                        .with_virtual_hosted_style_request(false);
                }
                if let Some(k) = &f.s3_access_key_id {
                    builder = builder.with_access_key_id(k);
                }
                if let Some(k) = &f.s3_secret_access_key {
                    builder = builder.with_secret_access_key(k.expose_secret());
                }
                let s3 = builder
                    .build()
                    .with_context(|| format!("configuring the S3 bucket {bucket}"))?;
                if prefix.is_empty() {
                    Ok(Self::new(Arc::new(s3)))
                } else {
                    Ok(Self::new(Arc::new(PrefixStore::new(s3, prefix.as_str()))))
                }
            }
        }
    }

    /// A store over any `object_store` backend, written in parts of [`PART_BYTES`].
    pub fn new(store: Arc<dyn ObjectStore>) -> Self {
        Self {
            store,
            part_bytes: PART_BYTES,
        }
    }

    /// The same store written in parts of `part_bytes` (at least 1), for backends without
    /// S3's minimum part size.
    pub fn with_part_bytes(mut self, part_bytes: usize) -> Self {
        self.part_bytes = part_bytes.max(1);
        self
    }

    /// Streams `stream` to `key`, at most `max_bytes`, and returns its size, SHA-256 and
    /// type. Stops reading and aborts the upload at the first chunk that passes `max_bytes`,
    /// as soon as the leading bytes rule the type out, or when the stream fails; an empty
    /// body or a ZIP that is neither DOCX nor XLSX is refused at the end. On any error
    /// nothing is left at `key` (a stale object there is replaced only on success).
    pub async fn put_stream<S, E>(
        &self,
        key: &Path,
        mut stream: S,
        max_bytes: u64,
    ) -> Result<Stored, UploadError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: Display,
    {
        let mut upload = Upload {
            store: self.store.as_ref(),
            key,
            multipart: None,
            part_bytes: self.part_bytes,
            part: BytesMut::new(),
            in_flight: JoinSet::new(),
        };
        let read = read_into(&mut upload, &mut stream, max_bytes).await;
        let done = match read {
            Ok(stored) => upload.complete().await.map(|()| stored),
            Err(e) => Err(e),
        };
        if done.is_err() {
            upload.abort().await;
        }
        done
    }

    /// Opens a stored file for a streamed download: its size and its bytes.
    pub async fn open(
        &self,
        key: &Path,
    ) -> anyhow::Result<(u64, BoxStream<'static, Result<Bytes, object_store::Error>>)> {
        let got = self
            .store
            .get_opts(key, GetOptions::default())
            .await
            .with_context(|| format!("opening stored file {key}"))?;
        Ok((got.meta.size, got.into_stream()))
    }

    /// Every stored object with its last write time (the orphan sweep).
    pub fn list(
        &self,
    ) -> BoxStream<'static, Result<object_store::ObjectMeta, object_store::Error>> {
        self.store.list(None)
    }

    /// Deletes a stored file; deleting one already gone succeeds.
    pub async fn delete(&self, key: &Path) -> anyhow::Result<()> {
        match self.store.delete(key).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(anyhow::Error::new(e).context(format!("deleting stored file {key}"))),
        }
    }
}

/// The key of an attachment: `<tenant>/<dossier>/<attachment>`, from ids only, so no client
/// input ever reaches a path.
pub fn key_for(tenant: Uuid, dossier: Uuid, attachment: Uuid) -> Path {
    Path::from_iter([tenant, dossier, attachment].map(|id| id.to_string()))
}

/// What is shown of a client's file name (lists, `Content-Disposition`), never a path:
/// the last component after any `/` or `\`, without control or invisible direction
/// characters, leading dots or surrounding spaces, at most 200 characters (keeping a short
/// extension); `tep-dinh-kem` when nothing is left.
pub fn safe_display_name(name: &str) -> String {
    const MAX: usize = 200;
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let kept: String = last.chars().filter(|&c| !hidden(c)).collect();
    let kept = kept.trim().trim_start_matches('.').trim_start();
    if kept.is_empty() {
        return "tep-dinh-kem".into();
    }
    if kept.chars().count() <= MAX {
        return kept.to_owned();
    }
    let ext = kept
        .rsplit_once('.')
        .map(|(_, e)| e)
        .filter(|e| (1..=10).contains(&e.chars().count()));
    match ext {
        Some(ext) => {
            let stem: String = kept.chars().take(MAX - 1 - ext.chars().count()).collect();
            format!("{}.{ext}", stem.trim_end())
        }
        None => kept
            .chars()
            .take(MAX)
            .collect::<String>()
            .trim_end()
            .to_owned(),
    }
}

/// The file name a download is saved under: the client's label with the extension of the
/// type sniffed from the bytes, so a PDF uploaded as `poly.html` is saved as `poly.pdf` and
/// never opened as a web page. A label whose extension already fits stays as it is.
pub fn download_name(label: &str, file_type: Option<FileType>) -> String {
    let Some(t) = file_type else {
        return label.to_owned();
    };
    match label.rsplit_once('.') {
        Some((_, ext)) if t.has_extension(ext) => label.to_owned(),
        Some((stem, ext)) if !stem.is_empty() && (1..=10).contains(&ext.chars().count()) => {
            format!("{stem}.{}", t.extension())
        }
        _ => format!("{label}.{}", t.extension()),
    }
}

/// Control characters, and the invisible ones that reorder or hide text
/// (`bao-cao\u{202E}fdp.exe` shows as `bao-caoexe.pdf`).
fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// Reads the whole stream into `upload`, checking each chunk before it is written.
async fn read_into<S, E>(
    upload: &mut Upload<'_>,
    stream: &mut S,
    max_bytes: u64,
) -> Result<Stored, UploadError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: Display,
{
    let mut size = 0u64;
    let mut hasher = Sha256::new();
    let mut sniffer = Sniffer::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| UploadError::Stream(e.to_string()))?;
        size += chunk.len() as u64;
        if size > max_bytes {
            return Err(UploadError::TooLarge { max_bytes });
        }
        sniffer.feed(&chunk);
        if let Verdict::Refused(detected) = sniffer.verdict() {
            return Err(unsupported(detected));
        }
        hasher.update(&chunk);
        upload.write(&chunk).await?;
    }
    if size == 0 {
        return Err(UploadError::Empty);
    }
    let Some(file_type) = sniffer.finish() else {
        let detected = match sniffer.verdict() {
            Verdict::Refused(d) => d,
            _ => None,
        };
        return Err(unsupported(detected));
    };
    Ok(Stored {
        size,
        sha256: format!("{:x}", hasher.finalize()),
        file_type,
    })
}

fn unsupported(detected: Option<&str>) -> UploadError {
    UploadError::Unsupported {
        detected: detected.map(str::to_owned),
    }
}

/// A multipart upload started lazily at the first full part, so refusals in the first part
/// never touch the store. Bytes are copied into a part buffer rather than holding the client's
/// chunks, so tiny chunks cannot pin more memory than a part. A full part is handed to a task
/// that writes it while the next part is read; at most [`PARTS_IN_FLIGHT`] are being written.
struct Upload<'a> {
    store: &'a dyn ObjectStore,
    key: &'a Path,
    multipart: Option<Box<dyn MultipartUpload>>,
    part_bytes: usize,
    part: BytesMut,
    /// Parts being written; dropped with the upload (a client gone), their tasks are aborted.
    in_flight: JoinSet<Result<(), object_store::Error>>,
}

impl Upload<'_> {
    async fn write(&mut self, mut bytes: &[u8]) -> Result<(), object_store::Error> {
        while !bytes.is_empty() {
            if self.part.capacity() == 0 {
                self.part.reserve(self.part_bytes);
            }
            let take = (self.part_bytes - self.part.len()).min(bytes.len());
            self.part.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
            if self.part.len() == self.part_bytes {
                self.flush().await?;
            }
        }
        Ok(())
    }

    /// Starts writing the part filled so far, then waits for parts to finish while more than
    /// [`PARTS_IN_FLIGHT`] are being written.
    async fn flush(&mut self) -> Result<(), object_store::Error> {
        let part = std::mem::take(&mut self.part).freeze();
        let multipart = match &mut self.multipart {
            Some(m) => m,
            None => self.multipart.insert(
                self.store
                    .put_multipart_opts(self.key, PutMultipartOptions::default())
                    .await?,
            ),
        };
        if part.is_empty() {
            return Ok(());
        }
        // Parts are placed by their order here, whenever their writes finish.
        self.in_flight.spawn(multipart.put_part(part.into()));
        while self.in_flight.len() > PARTS_IN_FLIGHT {
            self.wait_one().await?;
        }
        Ok(())
    }

    /// Waits for one part being written to finish.
    async fn wait_one(&mut self) -> Result<(), object_store::Error> {
        match self.in_flight.join_next().await {
            Some(done) => done.map_err(|e| object_store::Error::Generic {
                store: "intake",
                source: Box::new(e),
            })?,
            None => Ok(()),
        }
    }

    async fn complete(&mut self) -> Result<(), UploadError> {
        self.flush().await?;
        while !self.in_flight.is_empty() {
            self.wait_one().await?;
        }
        if let Some(m) = &mut self.multipart {
            m.complete().await?;
        }
        self.multipart = None;
        Ok(())
    }

    async fn abort(&mut self) {
        // Let the parts being written finish before the upload is removed under them.
        while !self.in_flight.is_empty() {
            let _ = self.wait_one().await;
        }
        if let Some(mut m) = self.multipart.take()
            && let Err(e) = m.abort().await
        {
            tracing::warn!(key = %self.key, error = %e, "could not abort a refused upload");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::{convert::Infallible, path::PathBuf};

    use futures::stream;

    use super::*;

    #[test]
    fn a_download_is_named_with_the_extension_of_its_sniffed_type() {
        assert_eq!(download_name("poly.html", Some(FileType::Pdf)), "poly.pdf");
        assert_eq!(download_name("mo-ta.pdf", Some(FileType::Pdf)), "mo-ta.pdf");
        assert_eq!(download_name("anh.JPEG", Some(FileType::Jpeg)), "anh.JPEG");
        assert_eq!(
            download_name("bang tinh", Some(FileType::Xlsx)),
            "bang tinh.xlsx"
        );
        assert_eq!(
            download_name("ban.sao.v2.docx", Some(FileType::Docx)),
            "ban.sao.v2.docx"
        );
        assert_eq!(download_name("x.exe", None), "x.exe");
    }

    const MIB: usize = 1024 * 1024;

    /// A store in a fresh directory under the system temp dir, removed on drop.
    struct TempStore {
        dir: PathBuf,
        files: FileStore,
    }

    impl Drop for TempStore {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }

    fn temp_store() -> TempStore {
        let dir = std::env::temp_dir().join(format!("sk-files-{}", Uuid::now_v7()));
        let settings = Settings {
            data_dir: dir.clone(),
            ..Settings::default()
        };
        let files = FileStore::from_settings(&settings).unwrap();
        TempStore { dir, files }
    }

    /// Every file under `dir`, staging files of unfinished uploads included.
    fn files_under(dir: &std::path::Path) -> Vec<PathBuf> {
        let mut found = Vec::new();
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = e.path();
            if path.is_dir() {
                found.extend(files_under(&path));
            } else {
                found.push(path);
            }
        }
        found
    }

    /// `total` bytes starting with `%PDF-1.7` then zeros, in chunks of `chunk`.
    fn pdf_chunks(total: usize, chunk: usize) -> impl Iterator<Item = Bytes> {
        (0..total.div_ceil(chunk)).map(move |i| {
            // Each chunk its own filler, so a part written at the wrong place changes the hash.
            let mut v = vec![(i % 251) as u8; chunk.min(total - i * chunk)];
            if i == 0 {
                v[..8].copy_from_slice(b"%PDF-1.7");
            }
            Bytes::from(v)
        })
    }

    fn ok<I: Iterator<Item = Bytes>>(
        chunks: I,
    ) -> stream::Iter<impl Iterator<Item = Result<Bytes, Infallible>>> {
        stream::iter(chunks.map(Ok))
    }

    fn key() -> Path {
        key_for(Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7())
    }

    #[tokio::test]
    async fn thirty_mib_pdf_streams_in_with_its_size_and_sha256_and_streams_back_out() {
        let t = temp_store();
        let key = key();
        let stored = t
            .files
            .put_stream(&key, ok(pdf_chunks(30 * MIB, 64 * 1024)), 50 * MIB as u64)
            .await
            .unwrap();

        let mut expected = Sha256::new();
        pdf_chunks(30 * MIB, 64 * 1024).for_each(|c| expected.update(&c));
        let expected = format!("{:x}", expected.finalize());
        assert_eq!(stored.size, 30 * MIB as u64);
        assert_eq!(stored.sha256, expected);
        assert_eq!(stored.file_type, FileType::Pdf);
        assert_eq!(
            files_under(&t.dir),
            vec![t.dir.join("files").join(key.to_string())]
        );

        let (size, mut body) = t.files.open(&key).await.unwrap();
        let (mut read, mut again) = (0u64, Sha256::new());
        while let Some(chunk) = body.next().await {
            let chunk = chunk.unwrap();
            read += chunk.len() as u64;
            again.update(&chunk);
        }
        assert_eq!((size, read), (stored.size, stored.size));
        assert_eq!(format!("{:x}", again.finalize()), expected);
    }

    #[tokio::test]
    async fn file_over_the_cap_is_refused_without_reading_on_and_leaves_nothing() {
        let t = temp_store();
        let mut body = ok(pdf_chunks(12 * MIB, 64 * 1024));
        let err = t
            .files
            .put_stream(&key(), &mut body, 10 * MIB as u64)
            .await
            .unwrap_err();
        assert!(matches!(err, UploadError::TooLarge { max_bytes } if max_bytes == 10 * MIB as u64));
        assert!(body.count().await > 0, "reading went on past the cap");
        assert_eq!(files_under(&t.dir), Vec::<PathBuf>::new());
    }

    #[tokio::test]
    async fn png_is_accepted() {
        let t = temp_store();
        let chunks = [&b"\x89PNG\r\n"[..], b"\x1A\n\0\0\0\rIHDR", &[0; 1000]];
        let stored = t
            .files
            .put_stream(&key(), ok(chunks.into_iter().map(Bytes::from_static)), 2000)
            .await
            .unwrap();
        assert_eq!((stored.file_type, stored.size), (FileType::Png, 1016));
        assert_eq!(files_under(&t.dir).len(), 1);
    }

    #[tokio::test]
    async fn executable_is_refused_from_its_first_chunk_and_leaves_nothing() {
        let t = temp_store();
        let exe = std::iter::once(Bytes::from_static(
            b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xFF\xFF\0\0",
        ));
        let mut body = ok(exe.chain(pdf_chunks(MIB, 64 * 1024)));
        let err = t
            .files
            .put_stream(&key(), &mut body, 10 * MIB as u64)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, UploadError::Unsupported { detected } if detected.as_deref() == Some("EXE")),
            "{err:?}"
        );
        assert_eq!(
            body.count().await,
            16,
            "reading went on after the first chunk"
        );
        assert_eq!(files_under(&t.dir), Vec::<PathBuf>::new());
    }

    #[tokio::test]
    async fn failing_stream_is_a_stream_error_and_leaves_nothing() {
        let t = temp_store();
        let good = pdf_chunks(6 * MIB, 64 * 1024).map(Ok);
        let body = stream::iter(good.chain([Err("connection reset by peer")]));
        let err = t
            .files
            .put_stream(&key(), body, 10 * MIB as u64)
            .await
            .unwrap_err();
        assert!(matches!(&err, UploadError::Stream(why) if why == "connection reset by peer"));
        assert_eq!(files_under(&t.dir), Vec::<PathBuf>::new());
    }

    #[tokio::test]
    async fn empty_body_and_plain_zip_are_refused_and_leave_nothing() {
        let t = temp_store();
        let err = t
            .files
            .put_stream(&key(), ok(std::iter::empty()), 100)
            .await
            .unwrap_err();
        assert!(matches!(err, UploadError::Empty));
        let zip = Bytes::from_static(
            b"PK\x03\x04\x14\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x05\0\0\0a.txtPK\x05\x06",
        );
        let err = t
            .files
            .put_stream(&key(), ok(std::iter::once(zip)), 100)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, UploadError::Unsupported { detected } if detected.as_deref() == Some("ZIP"))
        );
        assert_eq!(files_under(&t.dir), Vec::<PathBuf>::new());
    }

    #[tokio::test]
    async fn deleting_removes_the_file_and_deleting_again_succeeds() {
        let t = temp_store();
        let key = key();
        t.files
            .put_stream(&key, ok(pdf_chunks(100, 100)), 100)
            .await
            .unwrap();
        t.files.delete(&key).await.unwrap();
        t.files.delete(&key).await.unwrap();
        assert_eq!(files_under(&t.dir), Vec::<PathBuf>::new());
        assert!(t.files.open(&key).await.is_err());
    }

    #[tokio::test]
    async fn file_url_setting_names_the_directory() {
        let t = temp_store();
        let elsewhere = t.dir.join("volume");
        let settings = Settings {
            files: sangkien_kit::settings::FilesSettings {
                store_url: Some(format!("file://{}", elsewhere.display())),
                ..Default::default()
            },
            ..Settings::default()
        };
        let files = FileStore::from_settings(&settings).unwrap();
        let key = key();
        files
            .put_stream(&key, ok(pdf_chunks(10, 10)), 10)
            .await
            .unwrap();
        assert_eq!(files_under(&t.dir), vec![elsewhere.join(key.to_string())]);
    }

    #[test]
    fn upload_future_is_send_when_its_stream_is() {
        fn is_send<T: Send>(_: &T) {}
        let t = temp_store();
        let key = key();
        is_send(
            &t.files
                .put_stream(&key, stream::empty::<Result<Bytes, String>>(), 1),
        );
    }

    #[test]
    fn keys_are_built_from_ids_only() {
        let (t, d, a) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        assert_eq!(key_for(t, d, a).to_string(), format!("{t}/{d}/{a}"));
    }

    #[test]
    fn display_name_drops_path_components_controls_and_leading_dots() {
        assert_eq!(safe_display_name("../../etc/passwd"), "passwd");
        assert_eq!(
            safe_display_name("C:\\Users\\an\\Báo cáo mô tả.docx"),
            "Báo cáo mô tả.docx"
        );
        assert_eq!(safe_display_name(".htaccess"), "htaccess");
        assert_eq!(safe_display_name("bao\u{0}cao\r\n.pdf"), "baocao.pdf");
        assert_eq!(
            safe_display_name("hoa-don\u{202E}fdp.exe"),
            "hoa-donfdp.exe"
        );
    }

    #[test]
    fn display_name_falls_back_when_nothing_is_left() {
        for name in ["", "..", "a/", "  ", "\u{7}"] {
            assert_eq!(safe_display_name(name), "tep-dinh-kem", "{name:?}");
        }
    }

    #[test]
    fn display_name_is_cut_to_200_characters_keeping_the_extension() {
        let long = format!("{}.pdf", "ả".repeat(300));
        let shown = safe_display_name(&long);
        assert_eq!(shown.chars().count(), 200);
        assert!(shown.ends_with("ả.pdf"));
        assert_eq!(safe_display_name(&"x".repeat(250)).len(), 200);
    }
}
