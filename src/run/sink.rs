//! Where a run writes: the [`Sink`] seam for packets and reports, with [`FsSink`] (the output
//! folder: every file written under a temporary name and renamed when complete, packets made
//! durable in one pass before the reports that list them) and [`MemorySink`] (files kept in
//! memory, for tests and a server that streams them). The output folder also holds the
//! rerun cache and the lock that keeps a second run out (`crate::cache`); memory has neither.

use crate::cache::{Cache, OutLock};
use crate::fsutil::{self, Durability, WriteError};
use crate::issue::Issue;
use crate::packet::manifest::{self, Manifest};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::io::{self, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

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

/// Everything a run writes. Each file is written whole: a reader sees the previous file or
/// the complete new one, never a part. `Sync`: packets are written from several threads.
pub trait Sink: Sync {
    /// Makes the sink ready for a run (with a packets folder when `packets`), removing what a
    /// killed run left half-written. `Ok`: notes for the terminal (a packets folder whose
    /// permissions were narrowed). `Err` says why nothing can be written.
    fn prepare(&self, packets: bool) -> Result<Vec<Issue>, String>;
    /// Writes one file through `fill`; a failure of `fill` leaves the previous file as it was.
    /// Returns where it went, for messages.
    fn write(&self, file: OutFile<'_>, fill: Fill<'_>) -> Result<PathBuf, WriteError>;
    /// Makes the packets written so far durable, once, before the reports that list them.
    /// Returns those that could not be.
    fn sync_packets(&self, names: &[&str]) -> Vec<(String, WriteError)>;
    /// A folder for the run's temporary files (the outcome spool, the xlsx sheets); `None`
    /// for the system's temporary folder.
    fn scratch(&self) -> Option<&Path>;
    /// Ends a build's packets: removes the packets an earlier build wrote that this one did
    /// not (`written` are this build's packet names; nothing else is ever touched) and
    /// records `written` for the next run. Returns the names removed.
    fn finish_packets(
        &self,
        _written: &[String],
        _as_of: NaiveDate,
        _roster: &str,
    ) -> Result<Vec<String>, WriteError> {
        Ok(Vec::new())
    }
    /// What the last build recorded about the packets now in the sink, if any (a `check`
    /// says they are from that build).
    fn earlier_build(&self) -> Option<Manifest> {
        None
    }
    /// Claims the sink for one run, before [`Sink::prepare`]: a second run on the same
    /// output while the returned guard lives is refused (`Err`: the issue saying who holds
    /// it and what to do). `Ok(None)`: nothing to claim.
    fn lock(&self) -> Result<Option<OutLock>, Issue> {
        Ok(None)
    }
    /// The rerun cache kept with this output (`crate::cache`), opened for one run under
    /// [`Sink::lock`]; `None`: the sink keeps none. `Err` is a warning: the run goes on
    /// without it.
    fn cache(&self) -> Option<Result<Cache, Issue>> {
        None
    }
}

/// The output folder on disk: reports in it, packets in `packets/`.
#[derive(Debug, Clone)]
pub struct FsSink {
    out: PathBuf,
    packets: PathBuf,
    /// Folders and files readable by the user's group (`--shared`), else by the user alone.
    group_readable: bool,
}

impl FsSink {
    pub fn new(out: impl Into<PathBuf>) -> FsSink {
        let out = out.into();
        FsSink {
            packets: out.join("packets"),
            out,
            group_readable: false,
        }
    }

    /// Reports in `out`, packets in `packets` (rather than `out/packets`).
    pub fn with_packets(out: impl Into<PathBuf>, packets: impl Into<PathBuf>) -> FsSink {
        FsSink {
            out: out.into(),
            packets: packets.into(),
            group_readable: false,
        }
    }

    /// With `group_readable`, the folders and files written are readable by the user's group
    /// (0750, 0640: a team folder, `--shared`) instead of private to the user (0700, 0600):
    /// they hold passport numbers and salaries ([`fsutil::output_file_mode`]).
    pub fn shared(mut self, group_readable: bool) -> FsSink {
        self.group_readable = group_readable;
        self
    }

    /// The output folder.
    pub fn dir(&self) -> &Path {
        &self.out
    }

    /// The tool's own state beside the outputs (`OUT/.permitpack`): the packets manifest.
    pub fn state(&self) -> PathBuf {
        self.out.join(".permitpack")
    }
}

impl Sink for FsSink {
    fn prepare(&self, packets: bool) -> Result<Vec<Issue>, String> {
        let mut notes = Vec::new();
        let packets = packets.then_some(self.packets.as_path());
        if let Some(dir) = packets {
            // A packets folder made before the run and open to more users than the run's
            // mode (0777 by hand, 0750 by an earlier --shared run) is narrowed to it: the
            // packets hold passport scans. The output folder itself is the user's choice.
            match fsutil::tighten_output_dir(dir, self.group_readable) {
                Ok(Some((was, now))) => notes.push(
                    Issue::warning("output.packets_tightened")
                        .arg("dir", dir.display())
                        .arg("was", format!("{was:04o}"))
                        .arg("now", format!("{now:04o}")),
                ),
                Ok(None) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(format!(
                        "cannot narrow the permissions of the packets folder {}: {}; it may be read by other users",
                        dir.display(),
                        super::inputs::io_reason(&e)
                    ));
                }
            }
        }
        for dir in std::iter::once(self.out.as_path()).chain(packets) {
            fsutil::create_output_dir(dir, self.group_readable).map_err(|e| {
                format!(
                    "cannot create the output folder {}: {}; choose another folder with --out",
                    dir.display(),
                    super::inputs::io_reason(&e)
                )
            })?;
            fsutil::remove_stale_temps(dir).map_err(|e| {
                format!(
                    "cannot read the output folder {}: {}",
                    dir.display(),
                    super::inputs::io_reason(&e)
                )
            })?;
        }
        Ok(notes)
    }

    fn write(&self, file: OutFile<'_>, fill: Fill<'_>) -> Result<PathBuf, WriteError> {
        let (dir, name, durability) = match file {
            OutFile::Report(name) => (&self.out, name, Durability::Now),
            OutFile::Packet(name) => (&self.packets, name, Durability::Later),
        };
        fsutil::write_atomic_as(dir, name, durability, self.group_readable, |w| fill(w))
            .map(|(p, ())| p)
    }

    fn sync_packets(&self, names: &[&str]) -> Vec<(String, WriteError)> {
        fsutil::sync_files(&self.packets, names.iter().copied())
    }

    fn scratch(&self) -> Option<&Path> {
        Some(&self.out)
    }

    fn finish_packets(
        &self,
        written: &[String],
        as_of: NaiveDate,
        roster: &str,
    ) -> Result<Vec<String>, WriteError> {
        manifest::finish_build(&self.packets, &self.state(), written, as_of, roster)
    }

    fn earlier_build(&self) -> Option<Manifest> {
        Manifest::read(&self.state())
    }

    /// An advisory lock on `OUT/.permitpack/lock`, held until the run ends (however it ends).
    fn lock(&self) -> Result<Option<OutLock>, Issue> {
        // The output folder first, with the permissions `prepare` would give it (`--shared`);
        // the state folder inside stays private.
        let _ = fsutil::create_output_dir(&self.out, self.group_readable);
        OutLock::acquire(&self.out)
            .map(Some)
            .map_err(|e| e.to_issue(&self.out))
    }

    /// `OUT/.permitpack/cache/`.
    fn cache(&self) -> Option<Result<Cache, Issue>> {
        Some(Cache::open(&self.out, &self.packets, self.group_readable))
    }
}

/// Files kept in memory by name (`report.json`, `packets/<name>.zip`).
#[derive(Debug, Default)]
pub struct MemorySink {
    files: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl MemorySink {
    pub fn new() -> MemorySink {
        MemorySink::default()
    }

    /// The files written, by name.
    pub fn files(&self) -> BTreeMap<String, Vec<u8>> {
        self.files.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// One file's bytes.
    pub fn get(&self, name: &str) -> Option<Vec<u8>> {
        self.files
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(name)
            .cloned()
    }
}

impl Sink for MemorySink {
    fn prepare(&self, _packets: bool) -> Result<Vec<Issue>, String> {
        Ok(Vec::new())
    }

    fn write(&self, file: OutFile<'_>, fill: Fill<'_>) -> Result<PathBuf, WriteError> {
        let name = match file {
            OutFile::Report(name) => name.to_string(),
            OutFile::Packet(name) => format!("packets/{name}"),
        };
        let mut cursor = io::Cursor::new(Vec::new());
        fill(&mut cursor).map_err(|source| WriteError {
            path: PathBuf::from(&name),
            source,
        })?;
        self.files
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(name.clone(), cursor.into_inner());
        Ok(PathBuf::from(name))
    }

    fn sync_packets(&self, _names: &[&str]) -> Vec<(String, WriteError)> {
        Vec::new()
    }

    fn scratch(&self) -> Option<&Path> {
        None
    }
}
