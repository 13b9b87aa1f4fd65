//! [`FileStamp`]: what a file looks like without reading it (size, times, inode), so a rerun
//! can tell an unchanged file from a changed one, as git's index and cargo's fingerprints do.

use std::io;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

/// What a file looks like without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStamp {
    pub len: u64,
    /// Modification time, nanoseconds since the Unix epoch.
    pub mtime_ns: i128,
    /// Status change time (Unix), which no ordinary program can set back; 0 elsewhere.
    pub ctime_ns: i128,
    pub inode: u64,
    pub device: u64,
}

impl FileStamp {
    /// The stamp of the file at `path` (following links, as reading it does).
    pub fn of_path(path: &Path) -> io::Result<FileStamp> {
        Ok(FileStamp::of(&std::fs::metadata(path)?))
    }

    pub fn of(meta: &std::fs::Metadata) -> FileStamp {
        let mtime_ns = meta.modified().map(FileStamp::nanos).unwrap_or(0);
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            FileStamp {
                len: meta.len(),
                mtime_ns,
                ctime_ns: i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec()),
                inode: meta.ino(),
                device: meta.dev(),
            }
        }
        #[cfg(not(unix))]
        {
            FileStamp {
                len: meta.len(),
                mtime_ns,
                ctime_ns: 0,
                inode: 0,
                device: 0,
            }
        }
    }

    /// How far apart two writes must be to be sure they get different modification times.
    /// A file system that stores whole seconds (FAT keeps two) shows no fraction; others
    /// advance with the kernel's clock tick (at most 10 ms on Linux, 15.6 ms on Windows).
    pub fn resolution(&self) -> i128 {
        if self.mtime_ns % 1_000_000_000 == 0 {
            2_000_000_000
        } else {
            50_000_000
        }
    }

    /// A time on the stamps' scale: nanoseconds since the Unix epoch (negative before it).
    pub fn nanos(t: SystemTime) -> i128 {
        match t.duration_since(UNIX_EPOCH) {
            Ok(d) => d.as_nanos() as i128,
            Err(e) => -(e.duration().as_nanos() as i128),
        }
    }
}
