//! The pipeline through the rerun cache (`crate::cache`): what an employee's key is made of,
//! and the cached path: when the key matches and the packet in the packets folder still has
//! the recorded digest, the stored outcome stands and nothing is decoded, typeset or written
//! for that employee.
//!
//! The run key covers what every employee shares (the build, the templates in force, the
//! as-of date, the language, the company details, the company scans, whether a roster-level
//! error blocks everyone); the employee key adds the roster row (values, cell positions and
//! the row's own issues), the packet name, the photo the row leads to (its name, the choice
//! warnings and its bytes) and the employee's scans folder (every file's name and bytes, and
//! what was skipped). Files are hashed in full unless their stamp, given by the run's
//! [`Inputs`], shows them unchanged. The pipeline decides what goes into a key, since it is
//! the pipeline that reads those inputs.

use super::{Batch, blank_outcome};
use crate::cache::{self, Cache, Digest, KeyBuilder, RunCache};
use crate::codes;
use crate::documents::folder::FolderScan;
use crate::io::{Content, Inputs, ScanFile};
use crate::outcome::EmployeeOutcome;
use crate::roster::RosterRow;

impl Batch<'_> {
    /// The key part every employee of the run shares, for a run whose outcomes are kept
    /// in `cache`.
    pub fn run_key(&self, cache: &Cache, lang: &str) -> std::io::Result<Digest> {
        let s = self.setup;
        let mut k = KeyBuilder::new("run");
        k.str("build", &cache::build_id())
            .digest("templates", &cache::templates_digest(&s.templates)?)
            .str("photo_profile", &s.profile.name)
            .str("as_of", &self.as_of.to_string())
            .str("lang", lang)
            .bytes(
                "company",
                &serde_json::to_vec(&self.company).map_err(std::io::Error::other)?,
            )
            .bool("roster_blocked", self.roster_blocked)
            .bool("photos_folder", self.photos.is_some())
            .bool("docs_folder", self.docs.is_some());
        self.folder_key(cache, &mut k, "company_scans", &self.company_scans);
        Ok(k.finish())
    }

    /// [`Batch::process`] through the rerun cache (when the run has one): the stored
    /// outcome when the key matches and the packet is still the one recorded, else the
    /// pipeline, whose result is kept.
    pub(super) fn process_cached(&self, row: &RosterRow, packet_name: &str) -> EmployeeOutcome {
        let Some(rc) = &self.cache else {
            return self.process(row, packet_name);
        };
        let Some(key) = self.employee_key(rc, row, packet_name) else {
            return self.process(row, packet_name);
        };
        if let Some(found) = rc.reusable(&key) {
            return found;
        }
        let outcome = self.process(row, packet_name);
        rc.keep(&key, &outcome);
        outcome
    }

    /// The employee's full key; `None` when the employee is not cached (a passport number
    /// that may have lost its zeros: its outcome depends on which padded names exist).
    fn employee_key(&self, rc: &RunCache, row: &RosterRow, packet_name: &str) -> Option<Digest> {
        if row
            .issues
            .iter()
            .any(|i| i.code == codes::ROSTER_PASSPORT_AS_NUMBER)
        {
            return None;
        }
        let cache = rc.cache();
        let emp = &row.employee;
        let mut k = rc.employee_key();
        k.str("packet", packet_name);
        // The row exactly as the spool keeps it: every value, its cell, the row's issues.
        k.bytes(
            "row",
            &crate::spool::encode(&blank_outcome(row, row.issues.clone())),
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
            (Some(d), Some(p)) => {
                self.folder_key(cache, &mut k, "scans", &d.employee(self.inputs, p));
            }
            _ => {
                k.str("scans", "none");
            }
        }
        Some(k.finish())
    }

    /// A scans folder: its issues, what was left out, and every file's name and content.
    fn folder_key(&self, cache: &Cache, k: &mut KeyBuilder, tag: &str, scan: &FolderScan) {
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
            self.scan_key(cache, k, f);
        }
    }

    /// A scan's content digest (or why it could not be read, which the packet will meet
    /// too).
    fn scan_key(&self, cache: &Cache, k: &mut KeyBuilder, f: &ScanFile) {
        let inputs: &dyn Inputs = self.inputs;
        let max = self.setup.limits.scans.max_file_bytes;
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
}
