//! One run at a time per output folder: an advisory lock on `OUT/.permitpack/lock`.
//!
//! The lock is the operating system's (`flock` on Unix, `LockFileEx` on Windows, through
//! `std::fs::File::try_lock`), held by an open file: it goes away when the run ends, however
//! it ends, a process killed with `kill -9` included. A lock file left behind by a killed
//! run is only a file and never blocks the next one. The process number written into it is
//! for the message of a refused run, never trusted for anything else.

use crate::codes;
use crate::issue::Issue;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};

/// Held while a run writes to an output folder; dropping it releases the folder.
#[derive(Debug)]
pub struct OutLock {
    _file: File,
    path: PathBuf,
}

/// Why the output folder could not be locked.
#[derive(Debug)]
pub enum LockError {
    /// Another process holds it (its number, when it wrote one).
    Busy {
        pid: Option<u32>,
    },
    Io(io::Error),
}

impl LockError {
    /// The message for the terminal (exit status 2).
    pub fn to_issue(&self, out: &Path) -> Issue {
        match self {
            LockError::Busy { pid } => Issue::error(codes::OUTPUT_LOCKED)
                .arg("dir", out.display())
                .arg(
                    "pid",
                    pid.map_or_else(|| "?".to_string(), |p| p.to_string()),
                ),
            LockError::Io(e) => Issue::error(codes::OUTPUT_LOCK_FAILED)
                .arg("dir", out.display())
                .arg("detail", e),
        }
    }
}

impl OutLock {
    /// Locks the output folder whose state folder is `state` (`OUT/.permitpack`, created when
    /// needed) for this process, or says who holds it. Never waits.
    pub fn acquire(state: &Path) -> Result<OutLock, LockError> {
        crate::fsutil::create_output_dir(state, false).map_err(LockError::Io)?;
        let path = state.join("lock");
        // Not truncated on open: the holder's process number must survive until we know
        // whether we hold the lock.
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(LockError::Io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                return Err(LockError::Busy {
                    pid: text.trim().parse().ok(),
                });
            }
            Err(TryLockError::Error(e)) => return Err(LockError::Io(e)),
        }
        // Best effort: the number only serves the message of a refused run.
        let _ = file
            .set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| writeln!(file, "{}", std::process::id()))
            .and_then(|()| file.flush());
        Ok(OutLock { _file: file, path })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::STATE_DIR;

    #[test]
    fn a_second_lock_is_refused_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let state = out.join(STATE_DIR);
        let first = OutLock::acquire(&state).unwrap();
        assert!(first.path().ends_with(".permitpack/lock"));
        match OutLock::acquire(&state) {
            Err(LockError::Busy { pid }) => assert_eq!(pid, Some(std::process::id())),
            other => panic!("expected Busy, got {other:?}"),
        }
        let issue = OutLock::acquire(&state).unwrap_err().to_issue(&out);
        assert_eq!(issue.code, codes::OUTPUT_LOCKED);
        drop(first);
        OutLock::acquire(&state).unwrap();
    }

    #[test]
    fn a_lock_file_left_by_a_killed_run_does_not_block() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(STATE_DIR)).unwrap();
        std::fs::write(dir.path().join(STATE_DIR).join("lock"), "999999\n").unwrap();
        let lock = OutLock::acquire(&dir.path().join(STATE_DIR)).unwrap();
        let text = std::fs::read_to_string(lock.path()).unwrap();
        assert_eq!(text.trim(), std::process::id().to_string());
    }
}
