//! What [`super::Inputs`] say about the scans folder: its top level ([`DocsTop`]) and the
//! files of one of its folders ([`Listing`]), with what was left out and why, listed within
//! [`ScanLimits`].

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Bounds on the scans of the docs folder (`[scans]` of `limits.toml`, see
/// `crate::limits`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanLimits {
    pub max_file_bytes: u64,
    pub max_files_per_folder: usize,
    pub max_listed_per_kind: usize,
}

/// The top level of the scans folder: its sub-folders and the files lying directly in it,
/// by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocsTop {
    pub folders: Vec<String>,
    pub files: Vec<String>,
}

/// A scan file: the name to show and match on, and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanFile {
    /// The name as the user sees it (a GBK name from a Windows zip is decoded).
    pub name: String,
    /// Where the [`super::Inputs`] that listed it find it again (a real path on disk).
    pub path: PathBuf,
    pub size: u64,
}

/// Why an entry of a folder was not taken as a scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// A folder inside the employee's folder: its files are not looked at.
    Subfolder,
    /// A symbolic link leading outside the docs folder (or nowhere).
    LinkOutside,
    /// A zero-byte file.
    Empty,
    /// The entry could not be read.
    Unreadable,
    /// Larger than `scans.max_file_bytes` of `limits.toml` (the size is kept).
    TooLarge(u64),
}

/// An entry that was not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub name: String,
    pub reason: SkipReason,
}

/// The regular files of one folder, sorted by name, and what was left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing {
    pub files: Vec<ScanFile>,
    pub skipped: Vec<Skipped>,
    /// Names that were not valid text in any known encoding (shown with replacement
    /// characters).
    pub garbled: Vec<String>,
    /// Files beyond `scans.max_files_per_folder` (by name order), not looked at.
    pub over_count: usize,
    /// The limits the folder was listed with.
    pub limits: ScanLimits,
}

impl Listing {
    /// Every file of `names` as skipped, unreadable.
    pub fn unreadable(names: &[String]) -> Listing {
        Listing {
            skipped: names
                .iter()
                .map(|n| Skipped {
                    name: n.clone(),
                    reason: SkipReason::Unreadable,
                })
                .collect(),
            ..Listing::default()
        }
    }

    /// The file names, for matching against the checklist.
    pub fn names(&self) -> Vec<String> {
        self.files.iter().map(|f| f.name.clone()).collect()
    }

    /// The path of a listed file by the name shown.
    pub fn path_of(&self, name: &str) -> Option<&Path> {
        self.files
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.path.as_path())
    }
}
