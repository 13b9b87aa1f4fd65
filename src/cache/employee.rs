//! What an employee's cache key is made of, and the cached path through the pipeline: when
//! the key matches and the packet in the packets folder still has the recorded digest, the
//! stored outcome stands and nothing is decoded, typeset or written for that employee.
//!
//! The run key covers what every employee shares (the build, the templates in force, the
//! as-of date, the language, the company details, the company scans, whether a roster-level
//! error blocks everyone); the employee key adds the roster row (values, cell positions and
//! the row's own issues), the packet name, the photo the row leads to (its name, the choice
//! warnings and its bytes) and the employee's scans folder (every file's name and bytes, and
//! what was skipped). Files are hashed in full unless their stamp, given by the run's
//! [`Inputs`], shows them unchanged; packets are checked against the packets folder the
//! [`Cache`] was opened with.

use super::{Cache, Digest, Entry, KeyBuilder, PacketRecord};
use crate::documents::folder::FolderScan;
use crate::io::{Content, FileStamp, Inputs, ScanFile};
use crate::outcome::EmployeeOutcome;
use crate::pipeline::Batch;
use crate::roster::RosterRow;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The cache as one run uses it: the store, the run key and what was reused.
#[derive(Debug)]
pub struct RunCache {
    pub cache: Cache,
    run_key: Digest,
    /// `false` with `--no-cache`: every employee is computed afresh and stored.
    reuse: bool,
    reused: AtomicUsize,
}

impl RunCache {
    /// The cache of a build of `batch` (whose `cache` field is still `None`). With `reuse`
    /// false nothing is taken from it, but this run's results replace what it held.
    pub fn new(
        cache: Cache,
        batch: &Batch<'_>,
        lang: &str,
        reuse: bool,
    ) -> std::io::Result<RunCache> {
        let run_key = run_key(&cache, batch, lang)?;
        Ok(RunCache {
            cache,
            run_key,
            reuse,
            reused: AtomicUsize::new(0),
        })
    }

    /// How many employees were taken from the cache.
    pub fn reused(&self) -> usize {
        self.reused.load(Ordering::Relaxed)
    }
}

/// The key part every employee of the run shares.
fn run_key(cache: &Cache, batch: &Batch<'_>, lang: &str) -> std::io::Result<Digest> {
    let s = batch.setup;
    let mut k = KeyBuilder::new("run");
    k.str("build", &super::build_id())
        .digest("templates", &super::templates_digest(&s.templates)?)
        .str("photo_profile", &s.profile.name)
        .str("as_of", &batch.as_of.to_string())
        .str("lang", lang)
        .bytes(
            "company",
            &serde_json::to_vec(&batch.company).map_err(std::io::Error::other)?,
        )
        .bool("roster_blocked", batch.roster_blocked)
        .bool("photos_folder", batch.photos.is_some())
        .bool("docs_folder", batch.docs.is_some());
    folder(cache, batch, &mut k, "company_scans", &batch.company_scans);
    Ok(k.finish())
}

/// A scans folder: its issues, what was left out, and every file's name and content.
fn folder(cache: &Cache, batch: &Batch<'_>, k: &mut KeyBuilder, tag: &str, scan: &FolderScan) {
    k.issues(tag, &scan.issues);
    let Some(listing) = &scan.listing else {
        k.str(tag, "no folder");
        return;
    };
    k.str(
        "left_out",
        &format!(
            "{:?} {:?} {}",
            listing.skipped, listing.garbled, listing.over_count
        ),
    );
    k.u64(tag, listing.files.len() as u64);
    for f in &listing.files {
        k.str("name", &f.name);
        scan_digest(cache, batch, k, f);
    }
}

/// A scan's content digest (or why it could not be read, which the packet will meet too).
fn scan_digest(cache: &Cache, batch: &Batch<'_>, k: &mut KeyBuilder, f: &ScanFile) {
    let inputs: &dyn Inputs = batch.inputs;
    let max = batch.setup.limits.scans.max_file_bytes;
    let id = format!("scan:{}", f.path.display());
    let read = || match inputs.scan(f) {
        Content::Bytes(b) => Ok(b),
        Content::File(p) => crate::fsutil::read_input(&p, max).map_err(|e| match e {
            crate::fsutil::InputError::Io(e) => e,
            other => std::io::Error::other(other.to_string()),
        }),
    };
    match cache.digest(&id, inputs.scan_stamp(f), read) {
        Ok(d) => k.digest("scan", &d),
        Err(e) => k.str("scan", &format!("unreadable: {e}")),
    };
}

impl Batch<'_> {
    /// The employee's full key; `None` when the employee is not cached (a passport number
    /// that may have lost its zeros: its outcome depends on which padded names exist).
    fn employee_key(&self, rc: &RunCache, row: &RosterRow, packet_name: &str) -> Option<Digest> {
        if row
            .issues
            .iter()
            .any(|i| i.code == "roster.passport_as_number")
        {
            return None;
        }
        let cache = &rc.cache;
        let emp = &row.employee;
        let mut k = KeyBuilder::new("employee");
        k.digest("run", &rc.run_key).str("packet", packet_name);
        // The row exactly as the spool keeps it: every value, its cell, the row's issues.
        k.bytes(
            "row",
            &crate::spool::encode(&crate::pipeline::blank_outcome(row, row.issues.clone())),
        );
        match &self.photos {
            None => {
                k.str("photo", "no folder");
            }
            Some(index) => {
                let max = self.setup.profile.limits.max_file_bytes;
                match index.locate_employee(self.inputs, emp, max) {
                    Err(issue) => {
                        k.issue("photo", &issue);
                    }
                    Ok(f) => {
                        k.str("photo", &f.name).issues("photo_choice", &f.warnings);
                        let id = format!("photo:{}", f.name);
                        let read = || {
                            self.inputs
                                .photo(&f.name, max)
                                .map_err(|e| std::io::Error::other(format!("{e:?}")))
                        };
                        match cache.digest(&id, f.stamp, read) {
                            Ok(d) => k.digest("photo", &d),
                            Err(e) => k.str("photo", &format!("unreadable: {e}")),
                        };
                    }
                }
            }
        }
        match (&self.docs, emp.passport_no.as_deref()) {
            (Some(d), Some(p)) => folder(cache, self, &mut k, "scans", &d.employee(self.inputs, p)),
            _ => {
                k.str("scans", "none");
            }
        }
        Some(k.finish())
    }

    /// [`Batch::process`] through the rerun cache (when the run has one): the stored
    /// outcome when the key matches and the packet is still the one recorded, else the
    /// pipeline, whose result is stored.
    pub fn process_cached(&self, row: &RosterRow, packet_name: &str) -> EmployeeOutcome {
        let Some(rc) = self.cache else {
            return self.process(row, packet_name);
        };
        let Some(key) = self.employee_key(rc, row, packet_name) else {
            return self.process(row, packet_name);
        };
        if rc.reuse
            && let Some(found) = rc.cache.lookup(&key)
            && rc.cache.packet_unchanged(found.packet.as_ref())
        {
            rc.reused.fetch_add(1, Ordering::Relaxed);
            return found.outcome;
        }
        let outcome = self.process(row, packet_name);
        // Only complete results are kept: an employee whose packet was not written (a full
        // disk, a file that could not be read) is tried again on the next run.
        if let Some(name) = &outcome.packet
            && let Some(record) = rc.cache.packet_record(name)
        {
            rc.cache.store(
                &key,
                &Entry {
                    outcome: outcome.clone(),
                    packet: Some(record),
                },
            );
        }
        outcome
    }
}

fn packet_id(name: &str) -> String {
    format!("packet:{name}")
}

impl Cache {
    /// The digest of a packet as now in the packets folder.
    pub fn packet_record(&self, name: &str) -> Option<PacketRecord> {
        let path = self.packets_dir().join(name);
        let stamp = FileStamp::of_path(&path).ok()?;
        let digest = self
            .digest(&packet_id(name), Some(stamp), || std::fs::read(&path))
            .ok()?;
        Some(PacketRecord {
            name: name.to_string(),
            len: stamp.len,
            digest,
        })
    }

    /// Whether the packet recorded in an entry is still in the packets folder with the same
    /// content.
    pub fn packet_unchanged(&self, recorded: Option<&PacketRecord>) -> bool {
        let Some(rec) = recorded else {
            return false;
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(self.packets_dir().join(&rec.name))
                .map(|m| m.permissions().mode() & 0o777);
            if mode.ok() != Some(self.packet_mode()) {
                return false;
            }
        }
        self.packet_record(&rec.name).is_some_and(|now| now == *rec)
    }
}
