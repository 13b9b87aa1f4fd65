//! The outcome spool: where finished employees wait for the reports, on disk instead of in
//! memory, so that a run's memory does not grow with the batch.
//!
//! Each worker encodes its employee's [`EmployeeOutcome`] (checklist, issues, stage details,
//! photo preview) as a length-prefixed CBOR record (through the outcome's serde derive) and
//! appends it to one temporary file in the
//! output folder as soon as the employee is done; memory keeps only where each record is
//! (16 bytes an employee). The reports then read the outcomes back one at a time, in roster
//! order, as often as they need ([`Outcomes`]).
//!
//! The file is anonymous (`tempfile::tempfile_in`: on Linux it never has a name, elsewhere it
//! is unlinked as soon as it is created), so it disappears when the spool is dropped, whether
//! the run succeeded or failed, and even when the process is killed: nothing half-written is
//! ever visible in the output folder. It sits in the output folder rather than in the system
//! temporary folder, which may be a RAM disk.
//!
//! The encoding is exact (floats as CBOR floats, never through text; JSON details value by
//! value, map order kept), so the reports written from the spool are those written from
//! memory.

mod record;

pub use record::{decode, encode};

use crate::outcome::{EmployeeOutcome, Outcomes};
use std::borrow::Cow;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The spool could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum SpoolError {
    #[error("{full} {}: free some space there (or write to another disk with --out) and run again", dir.display())]
    DiskFull { full: String, dir: PathBuf },
    #[error("{0}")]
    Io(io::Error),
}

/// Where one record is in the file. The only per-employee state the spool keeps in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    offset: u64,
    len: u64,
}

/// Finished outcomes on disk, by roster index.
#[derive(Debug)]
pub struct Spool {
    inner: Mutex<Inner>,
    /// The folder of its file, for messages.
    dir: PathBuf,
}

#[derive(Debug)]
struct Inner {
    file: File,
    end: u64,
    slots: Vec<Option<Slot>>,
}

impl Spool {
    /// An empty spool for `len` employees, its file in `dir` (which must exist).
    pub fn new_in(dir: &Path, len: usize) -> io::Result<Spool> {
        let file = tempfile::tempfile_in(dir)?;
        Ok(Spool {
            inner: Mutex::new(Inner {
                file,
                end: 0,
                slots: vec![None; len],
            }),
            dir: dir.to_path_buf(),
        })
    }

    /// Why the spool cannot be written or read: a full disk in the words of every other
    /// full-disk message (`fsutil::WriteError`), with the folder.
    pub fn error(&self, e: io::Error) -> SpoolError {
        match crate::fsutil::disk_full(&e) {
            Some(full) => SpoolError::DiskFull {
                full: full.to_string(),
                dir: self.dir.clone(),
            },
            None => SpoolError::Io(e),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves the slots consistent (a record is only
        // referenced once fully written), so a poisoned lock is still usable.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Stores the outcome of employee `index` (any order, from any thread); a later call for
    /// the same index replaces it.
    pub fn put(&self, index: usize, outcome: &EmployeeOutcome) -> io::Result<()> {
        let bytes = encode(outcome);
        let mut inner = self.lock();
        if index >= inner.slots.len() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("spool index {index} out of range"),
            ));
        }
        let offset = inner.end;
        inner.file.seek(SeekFrom::Start(offset))?;
        inner.file.write_all(&bytes)?;
        inner.end += bytes.len() as u64;
        inner.slots[index] = Some(Slot {
            offset,
            len: bytes.len() as u64,
        });
        Ok(())
    }

    /// Whether employee `index` has an outcome.
    pub fn has(&self, index: usize) -> bool {
        self.lock().slots.get(index).is_some_and(Option::is_some)
    }

    /// The outcome of employee `index`.
    pub fn get(&self, index: usize) -> io::Result<EmployeeOutcome> {
        let mut buf = Vec::new();
        self.read_into(index, &mut buf)?;
        decode(&buf)
    }

    fn read_into(&self, index: usize, buf: &mut Vec<u8>) -> io::Result<()> {
        let mut inner = self.lock();
        let slot = inner.slots.get(index).copied().flatten().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!("no outcome spooled for employee {index}"),
            )
        })?;
        buf.clear();
        buf.resize(slot.len as usize, 0);
        inner.file.seek(SeekFrom::Start(slot.offset))?;
        inner.file.read_exact(buf)
    }

    /// Bytes of memory the spool keeps per employee, whatever the outcomes hold.
    pub const RETAINED_PER_EMPLOYEE: usize = std::mem::size_of::<Option<Slot>>();

    /// Bytes of memory the spool keeps in all (its index), for the regression tests.
    pub fn retained_bytes(&self) -> usize {
        std::mem::size_of::<Spool>() + self.lock().slots.capacity() * Self::RETAINED_PER_EMPLOYEE
    }

    /// Size of the spool file.
    pub fn file_bytes(&self) -> u64 {
        self.lock().end
    }
}

impl Outcomes for Spool {
    fn count(&self) -> usize {
        self.lock().slots.len()
    }

    fn each(&self) -> Box<dyn Iterator<Item = io::Result<Cow<'_, EmployeeOutcome>>> + '_> {
        let mut buf = Vec::new();
        Box::new((0..self.count()).map(move |i| {
            self.read_into(i, &mut buf)?;
            decode(&buf).map(Cow::Owned)
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::record::tests::outcomes;
    use super::*;
    use crate::report::testdata;

    #[test]
    fn reads_back_in_roster_order_whatever_the_write_order() {
        let dir = tempfile::tempdir().unwrap();
        let all = outcomes();
        let originals: Vec<EmployeeOutcome> = (0..40)
            .map(|i| {
                let mut o = all[i % all.len()].clone();
                o.employee.row = i as u32 + 2;
                o
            })
            .collect();
        let spool = Spool::new_in(dir.path(), originals.len()).unwrap();
        assert_eq!(spool.count(), 40);
        assert!(!spool.has(0));
        // Four writers, each taking every fourth employee from the end.
        std::thread::scope(|s| {
            for k in 0..4 {
                let (spool, originals) = (&spool, &originals);
                s.spawn(move || {
                    for i in (0..originals.len()).rev().filter(|i| i % 4 == k) {
                        spool.put(i, &originals[i]).unwrap();
                    }
                });
            }
        });
        let back: Vec<EmployeeOutcome> = spool.each().map(|o| o.unwrap().into_owned()).collect();
        assert_eq!(back, originals);
        // A second pass reads the same.
        assert_eq!(spool.each().filter(|o| o.is_ok()).count(), 40);
        // Replacing one record changes only that one.
        let mut changed = originals[7].clone();
        changed.packet = None;
        spool.put(7, &changed).unwrap();
        assert_eq!(spool.get(7).unwrap(), changed);
        assert_eq!(spool.get(8).unwrap(), originals[8]);
        assert!(spool.put(40, &changed).is_err(), "out of range");
    }

    #[test]
    fn a_missing_outcome_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let spool = Spool::new_in(dir.path(), 2).unwrap();
        spool.put(1, &outcomes()[0]).unwrap();
        let read: Vec<bool> = spool.each().map(|o| o.is_ok()).collect();
        assert_eq!(read, [false, true]);
    }

    #[test]
    fn leaves_nothing_in_the_folder_on_success_or_failure() {
        let dir = tempfile::tempdir().unwrap();
        let listing = || std::fs::read_dir(dir.path()).unwrap().count();
        {
            let spool = Spool::new_in(dir.path(), 3).unwrap();
            for i in 0..3 {
                spool.put(i, &outcomes()[i]).unwrap();
            }
            assert!(spool.file_bytes() > 0);
            // Anonymous from the start: nothing named, so nothing half-written to see.
            assert_eq!(listing(), 0);
        }
        assert_eq!(listing(), 0, "gone after a successful run");
        let path = dir.path().to_path_buf();
        let failed = std::thread::spawn(move || {
            let spool = Spool::new_in(&path, 3).unwrap();
            spool.put(0, &outcomes()[0]).unwrap();
            panic!("a failing run");
        })
        .join();
        assert!(failed.is_err());
        assert_eq!(listing(), 0, "gone after a failed run");
        assert!(Spool::new_in(&dir.path().join("missing"), 1).is_err());
    }

    /// The regression guard for memory: what the spool keeps per employee is a fixed few
    /// bytes, however big the outcomes (previews, details) are.
    #[test]
    fn retained_state_per_employee_is_small_and_independent_of_the_outcome() {
        assert!(Spool::RETAINED_PER_EMPLOYEE <= 24);
        let dir = tempfile::tempdir().unwrap();
        // The last test outcome has no photo, so no preview.
        let small = &testdata::outcomes().pop().unwrap();
        let mut big = outcomes().last().unwrap().clone();
        big.photo.as_mut().unwrap().preview = Some(vec![7; 1 << 20]);
        let n = 50;
        let retained = |o: &EmployeeOutcome| {
            let spool = Spool::new_in(dir.path(), n).unwrap();
            for i in 0..n {
                spool.put(i, o).unwrap();
            }
            (spool.retained_bytes(), spool.file_bytes())
        };
        let (small_mem, small_file) = retained(small);
        let (big_mem, big_file) = retained(&big);
        assert_eq!(small_mem, big_mem);
        assert!(big_mem <= 128 + n * Spool::RETAINED_PER_EMPLOYEE);
        assert!(
            big_file > small_file + ((n as u64) << 20),
            "the bulk is on disk"
        );
    }
}
