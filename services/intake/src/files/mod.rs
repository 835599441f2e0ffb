//! Attachments' bytes: the description report and evidence authors upload with a dossier.
//!
//! Uploads stream to an `object_store` store (a local directory in this version) with a size
//! cap, a SHA-256 computed on the way, and a type decided from the bytes alone: PDF, DOCX,
//! XLSX, JPEG or PNG ([`sniff`]). Memory per upload stays bounded whatever the size: the part
//! being filled and the [`storage::PARTS_IN_FLIGHT`] being written (parts of
//! [`storage::LOCAL_PART_BYTES`] on a local directory, [`storage::PART_BYTES`] on S3) plus a
//! few bytes of sniffing. Storage keys are built from ids;
//! a client's file name is kept for display only ([`storage::safe_display_name`]).
//!
//! ```text
//! let key = key_for(caller.tenant, dossier.id, attachment_id);
//! let stored = files.put_stream(&key, payload.map_err(|e| e.to_string()), cap).await?;
//! // stored.size, stored.sha256 (hex), stored.file_type.mime()
//! ```

pub mod sniff;
pub mod storage;
pub mod sweep;

pub use sniff::{ALLOWED, FileType, Sniffer, Verdict};
pub use storage::{FileStore, PART_BYTES, Stored, UploadError, key_for, safe_display_name};
