//! [`Inputs`]: everything a run reads (the roster, the company file, the photos folder, the
//! scans folder), by name. Which files exist, how they are opened and how far links may
//! lead is the implementation's business; the stages only see names and bytes.

use super::content::Content;
use super::listing::{DocsTop, Listing, ScanFile};
use super::stamp::FileStamp;
use crate::issue::Issue;
use std::io;

/// A file as the run knows it: its name (shown in messages and the report, never a machine
/// path) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub name: String,
    /// The file as the user gave it (a path relative to where they work), for messages.
    pub shown: String,
    pub bytes: Vec<u8>,
}

impl Default for Named {
    fn default() -> Named {
        Named {
            name: "roster.csv".into(),
            shown: "roster.csv".into(),
            bytes: Vec::new(),
        }
    }
}

/// The photos folder's files: the folder as the user gave it (for messages) and the names of
/// the files directly inside.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PhotoListing {
    pub folder: String,
    pub names: Vec<String>,
}

/// Why one photo could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhotoReadError {
    /// No such file in the photos folder.
    NotFound,
    /// The name leads outside the photos folder (a link, `..`).
    Outside,
    /// Larger than the photo profile allows; nothing was read.
    TooLarge { size: u64 },
    /// Any other failure, by kind.
    Io(io::ErrorKind),
}

/// Everything a run reads. Implementations decide where the files are; the stages never open
/// a file themselves. `Sync`: employees are processed on several threads.
pub trait Inputs: Sync {
    /// The roster spreadsheet. `Err` is the issue that stops the run.
    fn roster(&self) -> Result<Named, Issue>;
    /// The company details file given instead of the roster's Company sheet, when one was
    /// given. `Err` is the issue that stops the run.
    fn company_file(&self) -> Option<Result<Named, Issue>>;
    /// The files directly in the photos folder; `None` without a photos folder. `Err` is a
    /// `photo.folder` issue.
    fn photo_names(&self) -> Option<Result<PhotoListing, Issue>>;
    /// One photo by its name relative to the photos folder (`/` separators), refused
    /// unread when larger than `max_bytes`.
    fn photo(&self, name: &str, max_bytes: u64) -> Result<Vec<u8>, PhotoReadError>;
    /// The top level of the scans folder (sub-folders and loose files); `None` without one.
    /// `Err` is a `document.docs_unreadable` issue.
    fn docs(&self) -> Option<Result<DocsTop, Issue>>;
    /// The files of one sub-folder of the scans folder, by its name in [`DocsTop`].
    fn scan_folder(&self, folder: &str) -> io::Result<Listing>;
    /// A listed scan as packet content, read when the packet is written.
    fn scan(&self, file: &ScanFile) -> Content;
    /// Files lying directly in the scans folder, by their names in [`DocsTop`]: the scans an
    /// employee owns by their names (`Dubois_passport.pdf`). Inputs that cannot list them
    /// report each as unreadable, never drop it.
    fn loose_scans(&self, names: &[String]) -> Listing {
        Listing::unreadable(names)
    }
    /// A photo's stamp (size, times, inode) after the checks [`Inputs::photo`] makes, without
    /// reading it: the rerun cache (`crate::cache`) takes an unchanged file's digest from the
    /// previous run instead of reading and hashing it again. `Ok(None)`: no stamp (bytes held
    /// in memory), the cache hashes the bytes.
    fn photo_stamp(&self, name: &str, max_bytes: u64) -> Result<Option<FileStamp>, PhotoReadError> {
        self.photo(name, max_bytes).map(|_| None)
    }
    /// A listed scan's stamp, for the rerun cache as [`Inputs::photo_stamp`]; `None`: the
    /// cache hashes its bytes.
    fn scan_stamp(&self, _file: &ScanFile) -> Option<FileStamp> {
        None
    }
}
