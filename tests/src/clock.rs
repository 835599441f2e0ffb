//! A clock another process can move: the instant written in a file. Only the test node
//! binary (`sangkien-node`) runs services on it, so the distributed topology can play a year
//! the way the in-process tests do with `ManualClock`; the production binaries never read it.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use sangkien_kit::clock::Clock;

/// Reads the current instant from a file (RFC 3339); the real time while the file is absent
/// or unreadable.
#[derive(Debug, Clone)]
pub struct FileClock {
    path: PathBuf,
}

impl FileClock {
    /// A clock reading `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// Sets the instant every process reading `path` sees; written atomically (rename).
    pub fn set(path: &std::path::Path, at: DateTime<Utc>) -> std::io::Result<()> {
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, at.to_rfc3339())?;
        std::fs::rename(tmp, path)
    }
}

impl Clock for FileClock {
    fn now(&self) -> DateTime<Utc> {
        std::fs::read_to_string(&self.path)
            .ok()
            .and_then(|s| DateTime::parse_from_rfc3339(s.trim()).ok())
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(Utc::now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_clock_reads_what_another_process_wrote() {
        let dir = sangkien_kit::testing::scratch_dir("file-clock");
        let path = dir.join("clock");
        let clock = FileClock::new(&path);
        let before = Utc::now();
        assert!(clock.now() >= before, "absent file: real time");
        let at = DateTime::parse_from_rfc3339("2022-02-28T16:59:00Z")
            .unwrap()
            .with_timezone(&Utc);
        FileClock::set(&path, at).unwrap();
        assert_eq!(clock.now(), at);
        let _ = std::fs::remove_dir_all(dir);
    }
}
