//! The seams of a run, on the ground floor: what a run reads ([`Inputs`]), where it writes
//! ([`Sink`]) and whom it tells how it goes ([`Progress`]), with the plain data that crosses
//! them: a file's bytes or place ([`Content`]), a scans folder's files ([`Listing`]) and a
//! file's look without its bytes ([`FileStamp`]). Traits and data only: the folders on disk
//! and the bytes in memory behind them are implemented at the edge (`crate::run`), so the
//! stages never open a path themselves.

mod content;
mod inputs;
mod listing;
mod sink;
mod stamp;

pub use content::Content;
pub use inputs::{Inputs, Named, PhotoListing, PhotoReadError};
pub use listing::{DocsTop, Listing, ScanFile, ScanLimits, SkipReason, Skipped};
pub use sink::{Fill, OutFile, PrepareError, Sink, WriteSeek};
pub use stamp::FileStamp;

use crate::outcome::Status;

/// An I/O failure in words.
pub(crate) fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Told how a run goes; the command line draws a bar with it, a server streams it. Called
/// from worker threads.
pub trait Progress: Sync {
    /// The employees are about to be processed.
    fn start(&self, _employees: usize) {}
    /// Employee `index` (roster order) is done, with this status.
    fn employee_done(&self, _index: usize, _status: Status) {}
    /// Every employee is done; the reports are next.
    fn finish(&self) {}
}

/// No progress shown.
impl Progress for () {}
