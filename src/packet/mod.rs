//! The `packet` stage: one zip per employee in `OUT/packets/`, holding the cover checklist,
//! the generated letters, the photo and the matched scans in checklist order.
//!
//! - [`name`]: safe, unique packet file names (`<PASSPORT>_<NAME>.zip`).
//! - [`plan`]: entry order and names (`00_cover_checklist.pdf`, `NN_<item id>.<ext>`).
//! - [`archive`]: deterministic zip writing, optional AES-256.
//! - [`write_packet`]: the thin I/O edge, writing atomically into the packets folder.

pub mod archive;
pub mod name;
pub mod plan;

pub use archive::{assemble, assemble_to_vec};
pub use name::{PacketNames, file_name};
pub use plan::{
    COVER_NAME, Content, Document, ManifestLine, PHOTO_ITEM, PacketEntry, PacketPlan,
    PacketSources, plan,
};

use crate::fsutil;
use crate::issue::Issue;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// Why a packet could not be written.
#[derive(Debug, thiserror::Error)]
pub enum PacketError {
    /// An input file (a scan or the photo) could not be read.
    #[error("cannot read {file} for packet entry {entry}: {source}")]
    Source {
        entry: String,
        /// The file name as the user knows it.
        file: String,
        source: std::io::Error,
    },
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
}

impl PacketError {
    /// The issue to attach to the employee whose packet failed (the batch goes on).
    pub fn to_issue(&self, packet: &str) -> Issue {
        match self {
            PacketError::Source { file, source, .. } => Issue::error("packet.source_unreadable")
                .arg("file", file)
                .arg("packet", packet)
                .arg("detail", source)
                .file(file.clone()),
            PacketError::EmptyPassword => Issue::error("packet.empty_password"),
            other => Issue::error("packet.write_failed")
                .arg("packet", packet)
                .arg("detail", other),
        }
    }
}

/// Writes one packet as `dir/file_name` atomically: the zip is assembled in a temporary file
/// (`.<file_name>.tmp-XXXXXX`) in `dir` and renamed over any previous packet only when it is
/// complete, so an interrupted run leaves no half packet and a rerun replaces packets whole.
/// `dir` must exist. Returns the packet's path.
///
/// The packet is not fsynced here: a batch calls [`sync_packets`] once all packets are
/// written (before the report that lists them). Waiting for the disk after every packet
/// would stall a worker for each one (tens of milliseconds for a few MB) while the kernel
/// can write them back in the background as the batch goes on; the rename keeps readers from
/// ever seeing a partial packet, and only a power cut during the run could lose packets,
/// which the next run writes again.
pub fn write_packet(
    dir: &Path,
    file_name: &str,
    entries: &[PacketEntry],
    as_of: NaiveDate,
    password: Option<&str>,
) -> Result<PathBuf, PacketError> {
    write_packet_as(dir, file_name, entries, as_of, password, false)
}

/// [`write_packet`], readable by the user's group when `group_readable` (`--shared`;
/// [`fsutil::output_file_mode`]).
pub fn write_packet_as(
    dir: &Path,
    file_name: &str,
    entries: &[PacketEntry],
    as_of: NaiveDate,
    password: Option<&str>,
    group_readable: bool,
) -> Result<PathBuf, PacketError> {
    let mut failure = None;
    let written = fsutil::write_atomic_as(
        dir,
        file_name,
        fsutil::Durability::Later,
        group_readable,
        |w| match assemble(w, entries, as_of, password) {
            Ok(_) => Ok(()),
            Err(e) => {
                let io = std::io::Error::other(e.to_string());
                failure = Some(e);
                Err(io)
            }
        },
    );
    match written {
        Ok((path, ())) => Ok(path),
        Err(e) => Err(failure.unwrap_or(PacketError::Output(e))),
    }
}

/// Makes the packets written by [`write_packet`] durable (one fsync each, then the folder).
/// Returns the packets that could not be synced, each with its issue.
pub fn sync_packets<'a>(
    dir: &Path,
    file_names: impl IntoIterator<Item = &'a str>,
) -> Vec<(String, Issue)> {
    fsutil::sync_files(dir, file_names)
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
    use crate::assets::Templates;
    use crate::catalog::Catalog;

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
        let path = write_packet(dir.path(), "E1_A.zip", &p.entries, date(), None).unwrap();
        let first = std::fs::read(&path).unwrap();
        write_packet(dir.path(), "E1_A.zip", &p.entries, date(), None).unwrap();
        assert_eq!(
            std::fs::read(&path).unwrap(),
            first,
            "rerun is byte-identical"
        );

        let mut broken = p.clone();
        broken.entries[1].content = Content::File(dir.path().join("missing.jpg"));
        let err = write_packet(dir.path(), "E1_A.zip", &broken.entries, date(), None).unwrap_err();
        assert!(matches!(err, PacketError::Source { .. }), "{err:?}");
        assert_eq!(std::fs::read(&path).unwrap(), first, "old packet kept");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file left");

        let issue = err.to_issue("E1_A.zip");
        assert_eq!(issue.code, "packet.source_unreadable");
        assert_eq!(issue.at.file.as_deref(), Some("E1/passport.jpg"));
    }

    #[test]
    fn packet_issue_codes_have_messages() {
        let cat = Catalog::load(&Templates::builtin()).unwrap();
        for code in [
            "packet.source_unreadable",
            "packet.write_failed",
            "packet.empty_password",
        ] {
            assert!(cat.contains(code), "{code} missing from the catalog");
        }
    }
}
