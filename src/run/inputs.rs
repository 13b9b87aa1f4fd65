//! Where a run reads from: the two implementations of [`Inputs`], [`FsInputs`] over real
//! folders and [`MemoryInputs`] over bytes held in memory (tests, a server's upload). Which
//! files exist, how they are opened and how far links may lead is decided here.

use crate::codes;
use crate::documents::folder;
use crate::io::{
    Content, DocsTop, FileStamp, Inputs, Listing, Named, PhotoListing, PhotoReadError, ScanFile,
    SkipReason, Skipped,
};
use crate::issue::Issue;
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Why an input file was not read.
enum ReadFail {
    TooLarge(u64),
    Io(io::Error),
    /// A link, a FIFO, a device: refused on the open handle.
    Refused(crate::fsutil::InputError),
}

/// Reads a whole input file once through [`crate::fsutil::read_input`] (no link followed,
/// regular files only, size checked on the handle): the one place the filesystem inputs
/// open a file.
fn read_capped(path: &Path, max_bytes: u64) -> Result<Vec<u8>, ReadFail> {
    use crate::fsutil::InputError;
    crate::fsutil::read_input(path, max_bytes).map_err(|e| match e {
        InputError::TooLarge { size, .. } => ReadFail::TooLarge(size),
        InputError::NotFound => ReadFail::Io(io::ErrorKind::NotFound.into()),
        InputError::Io(e) => ReadFail::Io(e),
        other => ReadFail::Refused(other),
    })
}

/// Why the roster or company file was not read, in words.
fn fail_reason(e: &ReadFail) -> String {
    match e {
        ReadFail::TooLarge(size) => format!(
            "it is {}, more than a roster can be (limits.toml, roster.max_file_bytes)",
            crate::fsutil::human_size(*size)
        ),
        ReadFail::Io(e) => io_reason(e),
        ReadFail::Refused(e) => e.to_string(),
    }
}

/// The inputs of a run on real folders.
#[derive(Debug, Default)]
pub struct FsInputs {
    pub roster: PathBuf,
    pub company: Option<PathBuf>,
    pub photos: Option<PathBuf>,
    pub docs: Option<PathBuf>,
    /// The photos folder resolved once, for the containment check of each photo.
    photos_real: OnceLock<Option<PathBuf>>,
    /// The scans folder resolved once, and its sub-folders by name.
    docs_real: OnceLock<Option<(PathBuf, BTreeMap<String, PathBuf>)>>,
}

impl FsInputs {
    pub fn new(
        roster: PathBuf,
        company: Option<PathBuf>,
        photos: Option<PathBuf>,
        docs: Option<PathBuf>,
    ) -> FsInputs {
        FsInputs {
            roster,
            company,
            photos,
            docs,
            ..FsInputs::default()
        }
    }

    /// A photo's real path, checked to be a file inside the photos folder.
    fn photo_path(&self, name: &str) -> Result<PathBuf, PhotoReadError> {
        let real_dir = self.photos_real().ok_or(PhotoReadError::NotFound)?;
        let path = real_dir.join(name);
        if !path.is_file() {
            return Err(PhotoReadError::NotFound);
        }
        let real = path.canonicalize().map_err(|_| PhotoReadError::Outside)?;
        if !real.starts_with(real_dir) || !real.is_file() {
            return Err(PhotoReadError::Outside);
        }
        Ok(real)
    }

    fn photos_real(&self) -> Option<&Path> {
        self.photos_real
            .get_or_init(|| self.photos.as_ref().and_then(|d| d.canonicalize().ok()))
            .as_deref()
    }
}

/// A path's file name, for messages (never the machine's full path).
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

pub(crate) use crate::io::io_reason;

impl Inputs for FsInputs {
    fn roster(&self) -> Result<Named, Issue> {
        let limits = crate::limits::RosterLimits::default();
        let bytes = read_capped(&self.roster, limits.max_file_bytes).map_err(|e| {
            Issue::error(codes::ROSTER_CANNOT_OPEN)
                .arg("file", self.roster.display())
                .arg("reason", fail_reason(&e))
        })?;
        Ok(Named {
            name: file_name(&self.roster),
            shown: self.roster.display().to_string(),
            bytes,
        })
    }

    fn company_file(&self) -> Option<Result<Named, Issue>> {
        let p = self.company.as_ref()?;
        Some(
            read_capped(
                p,
                crate::limits::RosterLimits::default().max_company_file_bytes,
            )
            .map(|bytes| Named {
                name: file_name(p),
                shown: p.display().to_string(),
                bytes,
            })
            .map_err(|e| {
                Issue::error(codes::ROSTER_COMPANY_FILE_BAD)
                    .arg("file", p.display())
                    .arg("reason", fail_reason(&e))
            }),
        )
    }

    fn photo_names(&self) -> Option<Result<PhotoListing, Issue>> {
        let dir = self.photos.as_ref()?;
        let folder_issue = |e: &io::Error| {
            Issue::error(codes::PHOTO_FOLDER)
                .arg("folder", dir.display())
                .arg("detail", e.kind())
        };
        let listed = (|| -> io::Result<PhotoListing> {
            let real = dir.canonicalize()?;
            let mut names = Vec::new();
            for entry in std::fs::read_dir(&real)?.flatten() {
                // A name that is not valid Unicode cannot be named in a roster cell either.
                if let Ok(name) = entry.file_name().into_string() {
                    names.push(name);
                }
            }
            Ok(PhotoListing {
                folder: dir.display().to_string(),
                names,
            })
        })();
        Some(listed.map_err(|e| folder_issue(&e)))
    }

    fn photo(&self, name: &str, max_bytes: u64) -> Result<Vec<u8>, PhotoReadError> {
        let real = self.photo_path(name)?;
        read_capped(&real, max_bytes).map_err(|e| match e {
            ReadFail::TooLarge(size) => PhotoReadError::TooLarge { size },
            ReadFail::Io(e) if e.kind() == io::ErrorKind::NotFound => PhotoReadError::NotFound,
            ReadFail::Io(e) => PhotoReadError::Io(e.kind()),
            ReadFail::Refused(_) => PhotoReadError::Io(io::ErrorKind::InvalidInput),
        })
    }

    fn photo_stamp(&self, name: &str, max_bytes: u64) -> Result<Option<FileStamp>, PhotoReadError> {
        let real = self.photo_path(name)?;
        // Not following a link, as reading does: a link is refused when read.
        let meta = std::fs::symlink_metadata(&real).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => PhotoReadError::NotFound,
            kind => PhotoReadError::Io(kind),
        })?;
        if !meta.is_file() {
            return Err(PhotoReadError::Io(io::ErrorKind::InvalidInput));
        }
        if meta.len() > max_bytes {
            return Err(PhotoReadError::TooLarge { size: meta.len() });
        }
        Ok(Some(FileStamp::of(&meta)))
    }

    fn scan_stamp(&self, file: &ScanFile) -> Option<FileStamp> {
        let meta = std::fs::symlink_metadata(&file.path).ok()?;
        meta.is_file().then(|| FileStamp::of(&meta))
    }

    fn docs(&self) -> Option<Result<DocsTop, Issue>> {
        let dir = self.docs.as_ref()?;
        let read = || -> io::Result<DocsTop> {
            let (root, top, folders) = folder::read_top(dir)?;
            let _ = self.docs_real.set(Some((root, folders)));
            Ok(top)
        };
        Some(read().map_err(|e| {
            Issue::error(codes::DOCUMENT_DOCS_UNREADABLE)
                .arg("dir", dir.display())
                .arg("detail", io_reason(&e))
        }))
    }

    fn scan_folder(&self, folder: &str) -> io::Result<Listing> {
        let not_found = || io::Error::from(io::ErrorKind::NotFound);
        let (root, folders) = self
            .docs_real
            .get()
            .and_then(Option::as_ref)
            .ok_or_else(not_found)?;
        let path = folders.get(folder).ok_or_else(not_found)?;
        folder::list_folder_limited(path, root, &crate::limits::ScanLimits::default())
    }

    fn scan(&self, file: &ScanFile) -> Content {
        Content::File(file.path.clone())
    }

    fn loose_scans(&self, names: &[String]) -> Listing {
        match self.docs_real.get().and_then(Option::as_ref) {
            Some((root, _)) => {
                folder::list_named(root, names, &crate::limits::ScanLimits::default())
            }
            None => Listing::unreadable(names),
        }
    }
}

/// The inputs of a run held in memory: the roster's bytes, photos by name, and scans by
/// folder and name. What a test builds, or a server after an upload.
#[derive(Debug, Clone, Default)]
pub struct MemoryInputs {
    pub roster: Named,
    pub company: Option<Named>,
    /// Photos by file name; `None`: no photos folder.
    pub photos: Option<BTreeMap<String, Vec<u8>>>,
    /// Scans by folder (`<passport>` or `_company`) and file name; `None`: no scans folder.
    pub docs: Option<BTreeMap<String, BTreeMap<String, Vec<u8>>>>,
    /// Files lying directly in the scans folder.
    pub loose_docs: Vec<String>,
}

impl MemoryInputs {
    pub fn new(roster_name: &str, roster: impl Into<Vec<u8>>) -> MemoryInputs {
        MemoryInputs {
            roster: Named {
                name: roster_name.into(),
                shown: roster_name.into(),
                bytes: roster.into(),
            },
            ..MemoryInputs::default()
        }
    }

    /// Adds a photo (and so a photos folder).
    pub fn photo(mut self, name: &str, bytes: impl Into<Vec<u8>>) -> MemoryInputs {
        self.photos
            .get_or_insert_with(BTreeMap::new)
            .insert(name.into(), bytes.into());
        self
    }

    /// Adds a scan in `folder` (and so a scans folder).
    pub fn scan(mut self, folder: &str, name: &str, bytes: impl Into<Vec<u8>>) -> MemoryInputs {
        self.docs
            .get_or_insert_with(BTreeMap::new)
            .entry(folder.into())
            .or_default()
            .insert(name.into(), bytes.into());
        self
    }
}

/// Separates a memory scan's folder from its name in [`ScanFile::path`].
const MEMORY_SEP: char = '\u{0}';

impl Inputs for MemoryInputs {
    fn roster(&self) -> Result<Named, Issue> {
        Ok(self.roster.clone())
    }

    fn company_file(&self) -> Option<Result<Named, Issue>> {
        self.company.clone().map(Ok)
    }

    fn photo_names(&self) -> Option<Result<PhotoListing, Issue>> {
        self.photos.as_ref().map(|p| {
            Ok(PhotoListing {
                folder: "photos".into(),
                names: p.keys().cloned().collect(),
            })
        })
    }

    fn photo(&self, name: &str, max_bytes: u64) -> Result<Vec<u8>, PhotoReadError> {
        let bytes = self
            .photos
            .as_ref()
            .and_then(|p| p.get(name))
            .ok_or(PhotoReadError::NotFound)?;
        if bytes.len() as u64 > max_bytes {
            return Err(PhotoReadError::TooLarge {
                size: bytes.len() as u64,
            });
        }
        Ok(bytes.clone())
    }

    fn photo_stamp(&self, name: &str, max_bytes: u64) -> Result<Option<FileStamp>, PhotoReadError> {
        let bytes = self
            .photos
            .as_ref()
            .and_then(|p| p.get(name))
            .ok_or(PhotoReadError::NotFound)?;
        if bytes.len() as u64 > max_bytes {
            return Err(PhotoReadError::TooLarge {
                size: bytes.len() as u64,
            });
        }
        Ok(None)
    }

    fn docs(&self) -> Option<Result<DocsTop, Issue>> {
        let docs = self.docs.as_ref()?;
        Some(Ok(DocsTop {
            folders: docs.keys().cloned().collect(),
            files: self.loose_docs.clone(),
        }))
    }

    fn scan_folder(&self, name: &str) -> io::Result<Listing> {
        let files = self
            .docs
            .as_ref()
            .and_then(|d| d.get(name))
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))?;
        let mut listing = Listing::default();
        for (file, bytes) in files {
            if folder::is_hidden(file) {
                continue;
            }
            if bytes.is_empty() {
                listing.skipped.push(Skipped {
                    name: file.clone(),
                    reason: SkipReason::Empty,
                });
                continue;
            }
            listing.files.push(ScanFile {
                name: file.clone(),
                path: PathBuf::from(format!("{name}{MEMORY_SEP}{file}")),
                size: bytes.len() as u64,
            });
        }
        Ok(listing)
    }

    fn scan(&self, file: &ScanFile) -> Content {
        let key = file.path.to_string_lossy();
        let bytes = key
            .split_once(MEMORY_SEP)
            .and_then(|(folder, name)| self.docs.as_ref()?.get(folder)?.get(name))
            .cloned()
            .unwrap_or_default();
        Content::Bytes(bytes)
    }
}
