//! The output folder's own state, kept in `OUT/.permitpack/` beside what a run writes: the
//! lock that keeps a second run out ([`lock`]), the record of the packets the last build
//! wrote ([`manifest`]) and the rerun cache's folder (`crate::cache`). Only a folder on disk
//! has them: a run that writes to memory is handed no [`OutStore`].

// `lock` and `cache` return `Result<_, Issue>`: the issue is what the user is told, once a
// run, so its size does not matter.
#![allow(clippy::result_large_err)]

pub mod lock;
pub mod manifest;

pub use lock::{LockError, OutLock};
pub use manifest::Manifest;

use crate::cache::Cache;
use crate::fsutil::{self, WriteError};
use crate::issue::Issue;
use chrono::NaiveDate;
use std::path::PathBuf;

/// The folder permitpack keeps its own working files in, inside the output folder.
pub const STATE_DIR: &str = ".permitpack";

/// The state of one output folder whose packets are in `packets`.
#[derive(Debug, Clone)]
pub struct OutStore {
    out: PathBuf,
    packets: PathBuf,
    /// Whether the output folder is readable by the user's group (`--shared`): the mode
    /// packets are written with, which a reused packet must still have.
    group_readable: bool,
}

impl OutStore {
    pub fn new(out: PathBuf, packets: PathBuf, group_readable: bool) -> OutStore {
        OutStore {
            out,
            packets,
            group_readable,
        }
    }

    /// The state folder, `OUT/.permitpack`.
    pub fn state(&self) -> PathBuf {
        self.out.join(STATE_DIR)
    }

    /// Claims the output folder for one run, before anything is written: a second run on
    /// the same folder while the returned lock lives is refused (`Err`: the issue saying who
    /// holds it and what to do). An advisory lock on `OUT/.permitpack/lock`, held until the
    /// run ends, however it ends.
    pub fn lock(&self) -> Result<OutLock, Issue> {
        // The output folder first, with the permissions the sink gives it (`--shared`); the
        // state folder inside stays private.
        let _ = fsutil::create_output_dir(&self.out, self.group_readable);
        OutLock::acquire(&self.state()).map_err(|e| e.to_issue(&self.out))
    }

    /// The rerun cache (`OUT/.permitpack/cache/`), opened for one run under
    /// [`OutStore::lock`]. `Err` is a warning: the run goes on without it.
    pub fn cache(&self) -> Result<Cache, Issue> {
        Cache::open(&self.state(), &self.packets, self.group_readable)
    }

    /// What the last build recorded about the packets now in the folder, if anything (a
    /// `check` says they are from that build).
    pub fn earlier_build(&self) -> Option<Manifest> {
        Manifest::read(&self.state())
    }

    /// Ends a build's packets: removes the packets an earlier build wrote that this one did
    /// not (`written` are this build's packet names; nothing else is ever touched) and
    /// records `written` for the next run. Returns the names removed.
    pub fn finish_packets(
        &self,
        written: &[String],
        as_of: NaiveDate,
        roster: &str,
    ) -> Result<Vec<String>, WriteError> {
        manifest::finish_build(&self.packets, &self.state(), written, as_of, roster)
    }
}
