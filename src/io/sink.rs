//! [`Sink`]: where a run writes its packets and reports, each file whole.

use crate::fsutil::WriteError;
use crate::issue::Issue;
use std::io::{self, Seek, Write};
use std::path::{Path, PathBuf};

/// What a file is written into: a buffered writer that can also seek (a zip needs both).
pub trait WriteSeek: Write + Seek + Send {}
impl<T: Write + Seek + Send> WriteSeek for T {}

/// Fills one output file.
pub type Fill<'a> = &'a mut dyn FnMut(&mut dyn WriteSeek) -> io::Result<()>;

/// One output file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutFile<'a> {
    /// A report (`report.json` ...), durable once written.
    Report(&'a str),
    /// An employee's packet, made durable later by [`Sink::sync_packets`].
    Packet(&'a str),
}

/// Why a sink cannot be made ready for a run: each names the folder and what to do.
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    #[error(
        "cannot narrow the permissions of the packets folder {}: {}; it may be read by other users",
        .dir.display(),
        super::io_reason(.source)
    )]
    Narrow { dir: PathBuf, source: io::Error },
    #[error(
        "cannot create the output folder {}: {}; choose another folder with --out",
        .dir.display(),
        super::io_reason(.source)
    )]
    Create { dir: PathBuf, source: io::Error },
    #[error("cannot read the output folder {}: {}", .dir.display(), super::io_reason(.source))]
    Read { dir: PathBuf, source: io::Error },
}

/// Everything a run writes. Each file is written whole: a reader sees the previous file or
/// the complete new one, never a part. `Sync`: packets are written from several threads.
pub trait Sink: Sync {
    /// Makes the sink ready for a run (with a packets folder when `packets`), removing what a
    /// killed run left half-written. `Ok`: notes for the terminal (a packets folder whose
    /// permissions were narrowed). `Err` says why nothing can be written.
    fn prepare(&self, packets: bool) -> Result<Vec<Issue>, PrepareError>;
    /// Writes one file through `fill`; a failure of `fill` leaves the previous file as it was.
    /// Returns where it went, for messages.
    fn write(&self, file: OutFile<'_>, fill: Fill<'_>) -> Result<PathBuf, WriteError>;
    /// Makes the packets written so far durable, once, before the reports that list them.
    /// Returns those that could not be.
    fn sync_packets(&self, names: &[&str]) -> Vec<(String, WriteError)>;
    /// A folder for the run's temporary files (the outcome spool, the xlsx sheets), on the
    /// same disk as what is written; `None` for the system's temporary folder.
    fn scratch(&self) -> Option<&Path>;
}
