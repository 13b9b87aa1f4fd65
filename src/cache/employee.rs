//! What an employee's cache key is made of, and the cached path through the pipeline: when
//! the key matches and the packet in the packets folder still has the recorded digest, the
//! stored outcome stands and nothing is decoded, typeset or written for that employee.
//!
//! The run key covers what every employee shares (the build, the templates in force, the
//! as-of date, the language, the company details, the company scans, whether a roster-level
//! error blocks everyone); the employee key adds the roster row (values, cell positions and
//! the row's own issues), the packet name, the photo the row leads to (its name, the choice
//! warnings and its bytes) and the employee's scans folder (every file's name and bytes, and
//! what was skipped). Files are hashed in full unless their stamp shows them unchanged.

use super::{Cache, Digest, Entry, FileStamp, KeyBuilder, PacketRecord};
use crate::documents::folder::FolderScan;
use crate::outcome::EmployeeOutcome;
use crate::pipeline::Batch;
use crate::roster::RosterRow;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The cache as one run uses it: the store, the run key and what was reused.
#[derive(Debug)]
pub struct RunCache {
    pub cache: Cache,
    run_key: Digest,
    reused: AtomicUsize,
}

impl RunCache {
    /// The cache of a build of `batch` (whose `cache` field is still `None`).
    pub fn new(cache: Cache, batch: &Batch<'_>, lang: &str) -> std::io::Result<RunCache> {
        let run_key = run_key(&cache, batch, lang)?;
        Ok(RunCache {
            cache,
            run_key,
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
    folder(cache, &mut k, "company_scans", &batch.company_scans);
    Ok(k.finish())
}

/// A scans folder: its issues and every file's name and content.
fn folder(cache: &Cache, k: &mut KeyBuilder, tag: &str, scan: &FolderScan) {
    k.issues(tag, &scan.issues);
    let Some(listing) = &scan.listing else {
        k.str(tag, "no folder");
        return;
    };
    k.u64(tag, listing.files.len() as u64);
    for f in &listing.files {
        k.str("name", &f.name);
        file(cache, k, "scan", &f.path);
    }
}

/// A file's content digest (or why it could not be read, which the pipeline will meet too).
fn file(cache: &Cache, k: &mut KeyBuilder, tag: &str, path: &Path) {
    let id = format!("{tag}:{}", path.display());
    let stamp = FileStamp::of_path(path).ok();
    match cache.digest(&id, stamp, || std::fs::read(path)) {
        Ok(d) => k.digest(tag, &d),
        Err(e) => k.str(tag, &format!("unreadable: {:?}", e.kind())),
    };
}

impl Batch<'_> {
    /// The employee's full key.
    fn employee_key(&self, rc: &RunCache, row: &RosterRow, packet_name: &str) -> Digest {
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
            Some(index) => match index.locate_employee(emp) {
                Err(issue) => {
                    k.issue("photo", &issue);
                }
                Ok(f) => {
                    k.str("photo", &f.name).issues("photo_choice", &f.warnings);
                    file(cache, &mut k, "photo", &f.path);
                }
            },
        }
        match (&self.docs, emp.passport_no.as_deref()) {
            (Some(d), Some(p)) => folder(cache, &mut k, "scans", &d.employee(p)),
            _ => {
                k.str("scans", "none");
            }
        }
        k.finish()
    }

    /// [`Batch::process`] through the cache: the stored outcome when the key matches and
    /// the packet is still the one recorded, else the pipeline, whose result is stored.
    /// Encrypted builds and `check` never use it.
    pub fn process_cached(&self, row: &RosterRow, packet_name: &str) -> EmployeeOutcome {
        let (Some(rc), Some(dir), None) = (self.cache, &self.packets_dir, &self.password) else {
            return self.process(row, packet_name);
        };
        let key = self.employee_key(rc, row, packet_name);
        if let Some(found) = rc.cache.lookup(&key)
            && packet_unchanged(&rc.cache, dir, found.packet.as_ref())
        {
            rc.reused.fetch_add(1, Ordering::Relaxed);
            return found.outcome;
        }
        let outcome = self.process(row, packet_name);
        // Only complete results are kept: an employee whose packet was not written (a full
        // disk, a file that could not be read) is tried again on the next run.
        if let Some(name) = &outcome.packet
            && let Some(record) = packet_record(&rc.cache, dir, name)
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

/// The digest of a packet as now in `dir`.
fn packet_record(cache: &Cache, dir: &Path, name: &str) -> Option<PacketRecord> {
    let path = dir.join(name);
    let stamp = FileStamp::of_path(&path).ok()?;
    let digest = cache
        .digest(&packet_id(name), Some(stamp), || std::fs::read(&path))
        .ok()?;
    Some(PacketRecord {
        name: name.to_string(),
        len: stamp.len,
        digest,
    })
}

/// Whether the packet recorded in an entry is still in `dir` with the same content.
fn packet_unchanged(cache: &Cache, dir: &Path, recorded: Option<&PacketRecord>) -> bool {
    let Some(rec) = recorded else {
        return false;
    };
    packet_record(cache, dir, &rec.name).is_some_and(|now| now == *rec)
}
