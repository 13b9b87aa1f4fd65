//! Where a run writes: the two implementations of [`Sink`], [`FsSink`] (the output folder:
//! every file written under a temporary name and renamed when complete, packets made durable
//! in one pass before the reports that list them) and [`MemorySink`] (files kept in memory,
//! for tests and a server that streams them), and the [`Output`] a run is handed: the sink,
//! with the output folder's store beside it (`crate::store`) when there is a folder.

use crate::codes;
use crate::fsutil::{self, Durability, WriteError};
use crate::io::{Fill, OutFile, PrepareError, Sink};
use crate::issue::Issue;
use crate::store::OutStore;
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Where a run's files go: the sink, and the output folder's own state (its lock, rerun
/// cache and packets manifest) when the sink is a folder on disk.
pub struct Output<'a> {
    pub sink: &'a dyn Sink,
    pub store: Option<OutStore>,
}

impl<'a> Output<'a> {
    /// A sink with no store: nothing to lock, no cache, no record of earlier builds.
    pub fn new(sink: &'a dyn Sink) -> Output<'a> {
        Output { sink, store: None }
    }
}

impl<'a> From<&'a FsSink> for Output<'a> {
    fn from(sink: &'a FsSink) -> Output<'a> {
        Output {
            sink,
            store: Some(sink.store()),
        }
    }
}

impl<'a> From<&'a MemorySink> for Output<'a> {
    fn from(sink: &'a MemorySink) -> Output<'a> {
        Output::new(sink)
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

    /// The tool's own state beside the outputs (`OUT/.permitpack`): the lock, the rerun
    /// cache and the packets manifest.
    pub fn store(&self) -> OutStore {
        OutStore::new(self.out.clone(), self.packets.clone(), self.group_readable)
    }
}

impl Sink for FsSink {
    fn prepare(&self, packets: bool) -> Result<Vec<Issue>, PrepareError> {
        let mut notes = Vec::new();
        let packets = packets.then_some(self.packets.as_path());
        if let Some(dir) = packets {
            // A packets folder made before the run and open to more users than the run's
            // mode (0777 by hand, 0750 by an earlier --shared run) is narrowed to it: the
            // packets hold passport scans. The output folder itself is the user's choice.
            match fsutil::tighten_output_dir(dir, self.group_readable) {
                Ok(Some((was, now))) => notes.push(
                    Issue::warning(codes::OUTPUT_PACKETS_TIGHTENED)
                        .arg("dir", dir.display())
                        .arg("was", format!("{was:04o}"))
                        .arg("now", format!("{now:04o}")),
                ),
                Ok(None) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(source) => {
                    return Err(PrepareError::Narrow {
                        dir: dir.to_path_buf(),
                        source,
                    });
                }
            }
        }
        for dir in std::iter::once(self.out.as_path()).chain(packets) {
            fsutil::create_output_dir(dir, self.group_readable).map_err(|source| {
                PrepareError::Create {
                    dir: dir.to_path_buf(),
                    source,
                }
            })?;
            fsutil::remove_stale_temps(dir).map_err(|source| PrepareError::Read {
                dir: dir.to_path_buf(),
                source,
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
    fn prepare(&self, _packets: bool) -> Result<Vec<Issue>, PrepareError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_output_folder_that_cannot_be_made_is_named_with_what_to_do() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("roster.xlsx");
        std::fs::write(&file, b"x").unwrap();
        let out = file.join("out");
        let e = FsSink::new(&out).prepare(false).unwrap_err();
        assert!(
            matches!(&e, PrepareError::Create { dir, .. } if *dir == out),
            "{e:?}"
        );
        let source = std::error::Error::source(&e).unwrap().to_string();
        assert_eq!(
            e.to_string(),
            format!(
                "cannot create the output folder {}: {source}; choose another folder with --out",
                out.display()
            )
        );
    }
}
