//! The `packet` stage: one zip per employee in `OUT/packets/`, holding the cover checklist,
//! the generated letters, the photo and the matched scans in checklist order.
//!
//! - [`name`]: safe, unique packet file names (`<PASSPORT>_<NAME>.zip`).
//! - [`plan`]: entry order and names (`00_cover_checklist.pdf`, `upload/NN_<item id>.pdf`,
//!   `upload/photo.jpg`, `print/NN_<item id>.pdf`, `originals/<name as given>`).
//! - [`archive`]: deterministic zip writing, optional AES-256.
//! - [`write_packet`]: the thin I/O edge, writing atomically into the packets folder.

pub mod archive;
pub mod name;
pub mod plan;

pub use archive::{LeftOut, assemble, assemble_to_vec};
pub use name::{PacketNames, file_name};
pub use plan::{
    COVER_NAME, Document, ManifestLine, ORIGINALS_DIR, PHOTO_ITEM, PRINT_DIR, PacketEntry,
    PacketPlan, PacketSources, PlatformPhoto, UPLOAD_DIR, Upload, plan, sorted,
};

use crate::codes;
use crate::fsutil;
use crate::io::{OutFile, Sink};
use crate::issue::Issue;
use chrono::NaiveDate;
use std::path::PathBuf;
use zip::result::ZipError;

/// Why a packet could not be written.
#[derive(Debug, thiserror::Error)]
pub enum PacketError {
    /// Writing the zip failed (disk full, folder not writable...).
    #[error("cannot write the packet: {0}")]
    Write(std::io::Error),
    #[error("cannot write the packet: {0}")]
    Output(#[from] fsutil::WriteError),
    #[error("zip error: {0}")]
    Zip(#[from] zip::result::ZipError),
    /// A planned entry name that is not a plain, unique file name (a bug in the caller).
    #[error("invalid or duplicate packet entry name {0:?}")]
    BadEntryName(String),
    #[error("the packet password is empty")]
    EmptyPassword,
    /// No room left where the packet goes.
    #[error("{full} {}", folder.display())]
    DiskFull {
        full: fsutil::DiskFull,
        folder: std::path::PathBuf,
    },
}

impl PacketError {
    /// The issue to attach to the employee whose packet failed (the batch goes on).
    pub fn to_issue(&self, packet: &str) -> Issue {
        match self {
            PacketError::EmptyPassword => Issue::error(codes::PACKET_EMPTY_PASSWORD),
            PacketError::DiskFull { full, folder } => Issue::error(match full {
                fsutil::DiskFull::Space => codes::PACKET_DISK_FULL,
                fsutil::DiskFull::Quota => codes::PACKET_DISK_QUOTA,
            })
            .arg("packet", packet)
            .arg("folder", folder.display()),
            other => Issue::error(codes::PACKET_WRITE_FAILED)
                .arg("packet", packet)
                .arg("detail", other),
        }
    }
}

/// Writes one packet named `file_name` into `sink`, whole: the zip is assembled into the
/// sink's temporary file and takes the name only when complete, so an interrupted run leaves
/// no half packet and a rerun replaces packets whole. Returns where it went.
///
/// The packet is not made durable here: a batch calls [`Sink::sync_packets`] once all
/// packets are written (before the report that lists them). Waiting for the disk after every
/// packet would stall a worker for each one (tens of milliseconds for a few MB) while the
/// kernel can write them back in the background as the batch goes on.
///
/// Source files that cannot be read are left out (see [`LeftOut`]); the packet is still
/// written, with everything else.
pub fn write_packet(
    sink: &dyn Sink,
    file_name: &str,
    entries: &[PacketEntry],
    as_of: NaiveDate,
    password: Option<&str>,
    max_source_bytes: u64,
) -> Result<(PathBuf, Vec<LeftOut>), PacketError> {
    let mut failure = None;
    let mut left_out = Vec::new();
    let written = sink.write(OutFile::Packet(file_name), &mut |w| match assemble(
        w,
        entries,
        as_of,
        password,
        max_source_bytes,
    ) {
        Ok((_, left)) => {
            left_out = left;
            Ok(())
        }
        Err(e) => {
            let io = std::io::Error::other(e.to_string());
            failure = Some(e);
            Err(io)
        }
    });
    match written {
        Ok(path) => Ok((path, left_out)),
        Err(e) => {
            let full = match &failure {
                Some(PacketError::Write(io)) | Some(PacketError::Zip(ZipError::Io(io))) => {
                    fsutil::disk_full(io)
                }
                _ => None,
            };
            match full.or_else(|| fsutil::disk_full(&e.source)) {
                Some(full) => Err(PacketError::DiskFull {
                    full,
                    folder: e.path.parent().unwrap_or(&e.path).to_path_buf(),
                }),
                None => Err(failure.take().unwrap_or(PacketError::Output(e))),
            }
        }
    }
}

impl LeftOut {
    /// The issue on the employee: the scan is named, the packet was written without it.
    pub fn to_issue(&self, packet: &str) -> Issue {
        Issue::error(codes::PACKET_SOURCE_UNREADABLE)
            .arg("file", &self.file)
            .arg("packet", packet)
            .arg("detail", &self.reason)
            .file(self.file.clone())
    }
}

/// Makes the packets written by [`write_packet`] durable (one pass). Returns the packets that
/// could not be synced, each with its issue.
pub fn sync_packets(sink: &dyn Sink, file_names: &[&str]) -> Vec<(String, Issue)> {
    sink.sync_packets(file_names)
        .into_iter()
        .map(|(name, e)| {
            let issue = PacketError::Output(e).to_issue(&name);
            (name, issue)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::Content;
    use crate::run::FsSink;

    fn date() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    fn sources() -> PacketSources {
        PacketSources {
            cover: b"%PDF-cover".to_vec(),
            scans: vec![Document {
                item_id: "passport".into(),
                original: "E1/passport.jpg".into(),
                content: Content::Bytes(vec![0xFF, 0xD8, 0xFF]),
            }],
            ..Default::default()
        }
    }

    #[test]
    fn write_packet_replaces_atomically_and_cleans_up_on_failure() {
        let dir = tempfile::tempdir().unwrap();
        let p = plan(&[], &crate::rules::PageSides::default(), sources());
        let sink = FsSink::with_packets(dir.path(), dir.path());
        let (path, _) =
            write_packet(&sink, "E1_A.zip", &p.entries, date(), None, u64::MAX).unwrap();
        let first = std::fs::read(&path).unwrap();
        write_packet(&sink, "E1_A.zip", &p.entries, date(), None, u64::MAX).unwrap();
        assert_eq!(
            std::fs::read(&path).unwrap(),
            first,
            "rerun is byte-identical"
        );

        let mut broken = p.clone();
        broken.entries[1].name = "../escape.jpg".into();
        let err = write_packet(
            &FsSink::with_packets(dir.path(), dir.path()),
            "E1_A.zip",
            &broken.entries,
            date(),
            None,
            u64::MAX,
        )
        .unwrap_err();
        assert!(matches!(err, PacketError::BadEntryName(_)), "{err:?}");
        assert_eq!(std::fs::read(&path).unwrap(), first, "old packet kept");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file left");

        // A scan that cannot be read is left out by name; the packet is still written.
        let mut missing = p.clone();
        missing.entries[1].content = Content::File(dir.path().join("missing.jpg"));
        let (_, left) = write_packet(
            &FsSink::with_packets(dir.path(), dir.path()),
            "E1_A.zip",
            &missing.entries,
            date(),
            None,
            u64::MAX,
        )
        .unwrap();
        assert_eq!(left.len(), 1);
        assert_ne!(
            std::fs::read(&path).unwrap(),
            first,
            "packet rewritten without it"
        );
        let issue = left[0].to_issue("E1_A.zip");
        assert_eq!(issue.code, codes::PACKET_SOURCE_UNREADABLE);
        assert_eq!(issue.at.file.as_deref(), Some("E1/passport.jpg"));
    }
}
