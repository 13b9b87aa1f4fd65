//! One run of the engine, for every front end (the command line, tests, a server): reads
//! the roster and the company details through [`Inputs`], runs every employee through the
//! pipeline (`pipeline`: one employee, every stage; `pipeline::rerun`: through the rerun
//! cache), and writes packets and reports to an [`Output`] (a [`Sink`](crate::io::Sink),
//! with the output folder's store beside it when there is a folder), telling a [`Progress`]
//! as it goes. All I/O and "today" come from the caller: `Run` never opens a path or reads
//! the clock itself. What a run is configured with is its [`Setup`]; the folders on disk and
//! the bytes in memory it reads and writes are [`FsInputs`], [`MemoryInputs`], [`FsSink`]
//! and [`MemorySink`].
//!
//! ```no_run
//! # use permitpack::run::*;
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let setup = std::sync::Arc::new(Setup::load(None, "shenzhen-2inch")?);
//! let inputs = FsInputs::new("roster.xlsx".into(), None, Some("photos".into()), Some("docs".into()));
//! let run = Run::load(RunInputs::new(setup, inputs, chrono::NaiveDate::MIN))?;
//! let summary = run.build(&FsSink::new("out"), &())?;
//! println!("{} employees, all ready: {}", summary.counts.employees, summary.all_ready);
//! # Ok(()) }
//! ```

mod inputs;
mod pipeline;
mod place;
mod setup;
mod sink;

pub use inputs::{FsInputs, MemoryInputs};
pub use place::{PlaceError, Placement, Store};
pub use setup::{Setup, SetupError};
pub use sink::{FsSink, MemorySink, Output};

use crate::cache::RunCache;
use crate::catalog::Lang;
use crate::codes;
use crate::documents::{
    self,
    folder::{DocsIndex, FolderScan},
    owner::Owners,
};
use crate::fsutil::WriteError;
use crate::io::{Inputs, Named, Progress};
use crate::issue::Issue;
use crate::model::Company;
use crate::outcome::Outcomes;
use crate::packet::PacketNames;
use crate::photo::PhotoIndex;
use crate::report::{self, RunInfo, Summary};
use crate::roster::{self, CompanySource, Roster, RosterRow};
use crate::rules::ChecklistItem;
use crate::spool::Spool;
use crate::store::OutStore;
use chrono::NaiveDate;
use pipeline::Batch;
use serde_json::{Map, Value, json};
use std::path::PathBuf;
use std::sync::Arc;

/// Why a run could not be done (exit status 2 on the command line).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The roster or the company file cannot be read: the issue names the file and what to
    /// do.
    #[error("{}", .0.code)]
    Input(Box<Issue>),
    /// Another run is writing to the same output folder (its store's lock): the issue says
    /// which and what to do.
    #[error("{}", .0.code)]
    Busy(Box<Issue>),
    /// Anything else (the output cannot be written), as one sentence.
    #[error(transparent)]
    Failed(#[from] RunFailure),
}

/// Why a run stopped before its output was complete; each says it in one sentence.
#[derive(Debug, thiserror::Error)]
pub enum RunFailure {
    #[error("the packet password is empty; give a password or leave --password out")]
    EmptyPassword,
    /// The output cannot be made ready: the sink's own sentence.
    #[error("{0}")]
    Prepare(#[source] crate::io::PrepareError),
    #[error("cannot create a temporary file in the output folder {}: {reason}", .folder.display())]
    Scratch { folder: PathBuf, reason: String },
    /// An employee's results cannot be kept: the batch's own sentence.
    #[error("{0}")]
    Batch(#[source] pipeline::BatchError),
    #[error("cannot keep the employees' results: {0}")]
    Keep(crate::spool::SpoolError),
    #[error("cannot record the packets written: {0}")]
    Record(WriteError),
    #[error("cannot write the reports: {0}")]
    Reports(report::ReportError),
}

/// What a run is given.
pub struct RunInputs {
    /// The templates, rules, catalog and renderer, loaded once and shareable between runs.
    pub setup: Arc<Setup>,
    /// Where the roster, company file, photos and scans are read from.
    pub inputs: Box<dyn Inputs + Send>,
    /// The date everything is judged against ("today" is the caller's business).
    pub as_of: NaiveDate,
    /// Language of the reports.
    pub lang: Lang,
    /// Encrypt packets with AES-256 using this password.
    pub password: Option<String>,
    /// Worker threads (at least 1).
    pub jobs: usize,
    /// Take unchanged employees from the output folder's rerun cache (`crate::cache`), when
    /// it has one. `false` (`--no-cache`): everyone is computed afresh, and the cache is
    /// refilled.
    /// Encrypted builds never use it (each packet has its own random salts).
    pub cache: bool,
    /// Notes from the front end that belong in the roster problems of the reports (which
    /// spreadsheet of a folder was read as the roster, and why).
    pub notes: Vec<Issue>,
}

impl RunInputs {
    /// Inputs with both languages, no password, one worker per core.
    pub fn new(setup: Arc<Setup>, inputs: impl Inputs + Send + 'static, as_of: NaiveDate) -> Self {
        RunInputs {
            setup,
            inputs: Box::new(inputs),
            as_of,
            lang: Lang::Both,
            password: None,
            jobs: rayon::current_num_threads(),
            cache: true,
            notes: Vec::new(),
        }
    }
}

/// What a finished run gives back: the counts (computed once, shared by every report and the
/// terminal), whether everyone is ready, where the reports went, and the outcomes to read.
pub struct RunSummary {
    pub counts: Summary,
    /// Every employee ready and no run-level error: exit status 0.
    pub all_ready: bool,
    /// The reports as written (report.json, .csv, .xlsx, .html).
    pub reports: Vec<PathBuf>,
    /// Problems not tied to one employee (roster, company, folders).
    pub roster_issues: Vec<Issue>,
    /// Employees taken unchanged from the rerun cache.
    pub reused: usize,
    /// Warnings about the rerun cache (a damaged entry rebuilt, a cache that cannot be
    /// written) and the output folder (a packets folder's permissions narrowed): about
    /// permitpack's own files, so for the terminal, not the reports.
    pub cache_notes: Vec<Issue>,
    outcomes: Spool,
}

impl RunSummary {
    /// The employees' outcomes in roster order (read from the spool one at a time).
    pub fn outcomes(&self) -> &dyn Outcomes {
        &self.outcomes
    }
}

/// A loaded run: the roster read, the company details settled, the photo and scan folders
/// indexed. [`Run::check`] and [`Run::build`] do the work.
pub struct Run {
    setup: Arc<Setup>,
    inputs: Box<dyn Inputs + Send>,
    as_of: NaiveDate,
    lang: Lang,
    password: Option<String>,
    jobs: usize,
    cache: bool,
    roster: Roster,
    company: Option<Company>,
    company_source: CompanySource,
    roster_issues: Vec<Issue>,
    photos: Option<PhotoIndex>,
    docs: Option<DocsIndex>,
    company_scans: FolderScan,
}

impl Run {
    /// Reads the roster and the company details and indexes the folders. `Err` when the
    /// roster (or the company file) cannot be read at all.
    pub fn load(given: RunInputs) -> Result<Run, RunError> {
        if given.password.as_deref() == Some("") {
            return Err(RunFailure::EmptyPassword.into());
        }
        let inputs = given.inputs;
        let aliases = &given.setup.aliases;
        let file = inputs.roster().map_err(|i| RunError::Input(Box::new(i)))?;
        let limits = &given.setup.limits.roster;
        let mut roster = quietly(|| roster::read_limited(&file.bytes, &file.name, aliases, limits))
            .map_err(|e| RunError::Input(Box::new(e.issue())))?;
        drop(file);
        let (company, company_source) = match inputs.company_file() {
            Some(file) => {
                let file = file.map_err(|i| RunError::Input(Box::new(i)))?;
                (
                    Some(company_toml(&file)?),
                    CompanySource::File { name: file.name },
                )
            }
            None => (roster.company.clone(), roster.company_source.clone()),
        };
        let mut roster_issues = given.notes.clone();
        roster_issues.extend(roster.issues.iter().cloned());
        roster_issues.extend(roster::check_company(
            company.as_ref(),
            &company_source,
            aliases,
        ));
        roster_issues.extend(roster::example::leftovers(&mut roster, company.as_ref()));
        roster_issues.extend(roster::settle(
            &mut roster.rows,
            company.as_ref(),
            aliases,
            given.setup.rules.default_salary_basis(),
            given.as_of,
            &|e| given.setup.rules.gets_salary_certificate(e),
        ));
        let (photos, docs, company_scans) = open_folders(&*inputs, &roster, &mut roster_issues);
        if docs.is_some() {
            roster_issues.extend(documents::sum_up_unmatched(
                company_findings(given.setup.rules.checklists.company_items(), &company_scans),
                given.setup.limits.scans.max_listed_per_kind,
            ));
        }
        Ok(Run {
            setup: given.setup,
            inputs,
            as_of: given.as_of,
            lang: given.lang,
            password: given.password,
            jobs: given.jobs.max(1),
            cache: given.cache,
            roster,
            company,
            company_source,
            roster_issues,
            photos,
            docs,
            company_scans,
        })
    }

    /// The roster as read.
    pub fn roster(&self) -> &Roster {
        &self.roster
    }

    /// The company details the run uses (the company file's, else the roster's).
    pub fn company(&self) -> Option<&Company> {
        self.company.as_ref()
    }

    /// Judges every employee and writes the reports (no packets) to `out` (an [`FsSink`], a
    /// [`MemorySink`], or any [`Output`]).
    pub fn check<'o>(
        self,
        out: impl Into<Output<'o>>,
        progress: &dyn Progress,
    ) -> Result<RunSummary, RunError> {
        self.run(out.into(), progress, false)
    }

    /// Judges every employee, writes one packet each and the reports to `out`.
    pub fn build<'o>(
        self,
        out: impl Into<Output<'o>>,
        progress: &dyn Progress,
    ) -> Result<RunSummary, RunError> {
        self.run(out.into(), progress, true)
    }

    fn run(
        self,
        out: Output<'_>,
        progress: &dyn Progress,
        write_packets: bool,
    ) -> Result<RunSummary, RunError> {
        let Output { sink, store } = out;
        // Held to the end of the run: one run at a time writes to an output folder.
        let _lock = store
            .as_ref()
            .map(OutStore::lock)
            .transpose()
            .map_err(|i| RunError::Busy(Box::new(i)))?;
        let prepare_notes = sink.prepare(write_packets).map_err(RunFailure::Prepare)?;
        let mut info = self.run_info(write_packets);
        let Run {
            setup,
            inputs,
            as_of,
            password,
            jobs,
            cache,
            lang,
            roster,
            company,
            roster_issues,
            photos,
            docs,
            company_scans,
            ..
        } = self;
        let mut roster_issues = roster_issues;
        if !write_packets && let Some(m) = store.as_ref().and_then(OutStore::earlier_build) {
            let note = Issue::warning(codes::PACKET_FROM_EARLIER_BUILD)
                .arg("count", m.packets.len())
                .arg("as_of", m.as_of)
                .arg("roster", m.roster);
            info.roster_issues.push(note.clone());
            roster_issues.push(note);
        }
        // The company's files are the same in every packet: made into upload files once.
        let company_uploads = if write_packets {
            company_uploads(&setup, &*inputs, &company_scans, &mut roster_issues)
        } else {
            Vec::new()
        };
        let mut batch = Batch {
            setup: &setup,
            inputs: &*inputs,
            as_of,
            company: company.unwrap_or_default(),
            roster_blocked: roster_issues.iter().any(Issue::is_error),
            photos,
            docs,
            company_scans,
            packets: write_packets.then_some(sink),
            password,
            cache: None,
            company_uploads,
        };
        // About the output folder's permissions: the terminal, as the cache's notes.
        let mut cache_notes = prepare_notes;
        // The run's part of every key is made from the batch.
        batch.cache = open_cache(
            cache,
            write_packets,
            store.as_ref(),
            &batch,
            lang,
            &mut cache_notes,
        );
        // Packet names are settled in row order first, so duplicates get the same suffix on
        // every run whatever the thread timing.
        let mut names = PacketNames::new();
        let rows: Vec<(&RosterRow, String)> = roster
            .rows
            .iter()
            .map(|r| (r, names.claim(&r.employee)))
            .collect();
        // Each finished employee goes to the spool (an anonymous temporary file, gone when
        // the spool is dropped), so memory does not grow with the batch; the reports read
        // the outcomes back one at a time.
        let scratch = sink
            .scratch()
            .map_or_else(std::env::temp_dir, PathBuf::from);
        let spool = Spool::new_in(&scratch, rows.len()).map_err(|e| {
            RunError::from(RunFailure::Scratch {
                folder: scratch.clone(),
                reason: inputs::io_reason(&e),
            })
        })?;
        progress.start(rows.len());
        batch
            .process_into(&rows, jobs, progress, &spool)
            .map_err(RunFailure::Batch)?;
        progress.finish();
        drop(rows);
        let failed = |e: std::io::Error| RunError::from(RunFailure::Keep(spool.error(e)));
        // Packets reach the disk here, once, before the report that lists them.
        batch.sync_spooled_packets(&spool).map_err(failed)?;
        if write_packets && let Some(store) = &store {
            let mut written = Vec::new();
            for o in spool.each() {
                written.extend(o.map_err(failed)?.packet.clone());
            }
            let removed = store
                .finish_packets(&written, as_of, &roster.file)
                .map_err(RunFailure::Record)?;
            if !removed.is_empty() {
                // Not named: the old names hold passport numbers no longer in the roster.
                let note = Issue::warning(codes::PACKET_STALE_REMOVED).arg("count", removed.len());
                info.roster_issues.push(note.clone());
                roster_issues.push(note);
            }
        }
        let counts = Summary::read(&spool, &roster_issues).map_err(failed)?;
        let reports = report::write_all_counted(
            sink,
            &info,
            &spool,
            &counts,
            &setup.catalog,
            &setup.templates,
        )
        .map_err(RunFailure::Reports)?;
        let reused = batch.cache.as_ref().map_or(0, RunCache::reused);
        if let Some(rc) = batch.cache.take() {
            // Only after a run that went through every employee: unused entries are dropped.
            cache_notes.extend(rc.finish());
        }
        let mut all_ready = !roster_issues.iter().any(Issue::is_error);
        for o in spool.each() {
            all_ready &= o.map_err(failed)?.ready;
        }
        Ok(RunSummary {
            counts,
            all_ready,
            reports,
            roster_issues,
            reused,
            cache_notes,
            outcomes: spool,
        })
    }

    /// The report header.
    fn run_info(&self, write_packets: bool) -> RunInfo {
        let r = &self.roster;
        let company_source = match &self.company_source {
            CompanySource::Sheet { sheet, cells } => json!({"sheet": sheet, "cells": cells}),
            CompanySource::File { name } => json!({"file": name}),
            CompanySource::Absent => Value::Null,
        };
        let mut extra = Map::new();
        extra.insert(
            "command".into(),
            json!(if write_packets { "build" } else { "check" }),
        );
        extra.insert("format".into(), json!(r.format.name()));
        extra.insert("encoding".into(), json!(r.encoding));
        extra.insert("header_row".into(), json!(r.header_row));
        extra.insert(
            "columns".into(),
            Value::Object(
                r.columns
                    .iter()
                    .map(|(f, c)| (f.key().to_string(), json!(c)))
                    .collect(),
            ),
        );
        RunInfo {
            as_of: self.as_of,
            roster: r.file.clone(),
            sheet: Some(r.sheet.clone()),
            company: self.company.clone().unwrap_or_default(),
            roster_issues: self.roster_issues.clone(),
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            lang: self.lang,
            photo_profile: self.setup.profile.name.clone(),
            company_source,
            extra,
        }
    }
}

/// The output folder's rerun cache for a build of `batch`: `None` for `check` (no packets to
/// reuse), encrypted packets (random salts: never the same bytes twice) or an output without
/// a store. A cache that cannot be opened is a warning in `notes`; the run goes on without it.
fn open_cache(
    reuse: bool,
    write_packets: bool,
    store: Option<&OutStore>,
    batch: &Batch<'_>,
    lang: Lang,
    notes: &mut Vec<Issue>,
) -> Option<RunCache> {
    if !write_packets || batch.password.is_some() {
        return None;
    }
    let cache = store?.cache().map_err(|i| notes.push(i)).ok()?;
    notes.extend(cache.take_notes());
    let dir = cache.dir().to_path_buf();
    batch
        .run_key(&cache, &format!("{lang:?}"))
        .map(|run_key| RunCache::new(cache, run_key, reuse))
        .map_err(|e| {
            notes.push(
                Issue::warning(codes::CACHE_UNAVAILABLE)
                    .arg("dir", dir.display())
                    .arg("detail", e),
            )
        })
        .ok()
}

/// The company details from a `--company` TOML file.
fn company_toml(file: &Named) -> Result<Company, RunError> {
    let bad = |reason: String| {
        RunError::Input(Box::new(
            Issue::error(codes::ROSTER_COMPANY_FILE_BAD)
                .arg("file", &file.shown)
                .arg("reason", reason),
        ))
    };
    let text =
        std::str::from_utf8(&file.bytes).map_err(|_| bad("it is not UTF-8 text".to_string()))?;
    roster::load_company_toml(text).map_err(|e| {
        bad(e
            .to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "))
    })
}

/// Runs `f` with the panic message silenced. `roster::read` turns a panic of the spreadsheet
/// parsers on a damaged file into an error; without this the default hook would still print
/// a backtrace notice before the one clear line.
fn quietly<T>(f: impl FnOnce() -> T) -> T {
    crate::quiet::quietly(f)
}

/// What the shared company scans (`docs/_company/`) lack or hold in excess: said once for
/// the run, since every employee shares them.
fn company_findings(items: &[ChecklistItem], scans: &FolderScan) -> Vec<Issue> {
    if items.is_empty() {
        return Vec::new();
    }
    documents::match_scans(items, &[], &scans.names()).issues
}

/// The upload files of the company items (`docs/_company/`), made once for the run; what
/// cannot be made or fit is said once, among the run's roster problems.
fn company_uploads(
    setup: &Setup,
    inputs: &dyn Inputs,
    scans: &FolderScan,
    issues: &mut Vec<Issue>,
) -> Vec<crate::packet::Upload> {
    let items = setup.rules.checklists.company_items();
    if items.is_empty() {
        return Vec::new();
    }
    let matched = documents::match_scans(items, &[], &scans.names());
    let mut docs = Vec::new();
    for m in &matched.items {
        for name in &m.files {
            let rest = name
                .strip_prefix(documents::COMPANY_DIR)
                .and_then(|r| r.strip_prefix('/'))
                .unwrap_or(name);
            if let Some(file) = scans.file(rest) {
                docs.push(crate::packet::Document {
                    item_id: m.id.clone(),
                    original: name.clone(),
                    content: inputs.scan(file),
                });
            }
        }
    }
    let docs = crate::packet::plan::sorted(&[], setup.rules.checklists.sides(), docs);
    let names = |id: &str| {
        items
            .iter()
            .find(|i| i.id == id)
            .map(|i| (i.name_zh.clone(), i.name_en.clone()))
    };
    pipeline::item_uploads(&docs, &names, &setup.limits, issues)
}

/// The photo and scan folders, indexed once. Problems with them are run-level issues.
fn open_folders(
    inputs: &dyn Inputs,
    roster: &Roster,
    roster_issues: &mut Vec<Issue>,
) -> (Option<PhotoIndex>, Option<DocsIndex>, FolderScan) {
    let photos = match PhotoIndex::open(inputs) {
        Some(Ok(mut index)) => {
            index.assign(&Owners::new(roster.rows.iter().map(|r| &r.employee)));
            roster_issues.extend(index.issues().iter().cloned());
            Some(index)
        }
        Some(Err(issue)) => {
            roster_issues.push(issue);
            None
        }
        None => None,
    };
    let mut docs = match DocsIndex::open(inputs) {
        Some(Ok(index)) => Some(index),
        Some(Err(issue)) => {
            roster_issues.push(issue);
            None
        }
        // Each employee gets `document.not_checked` instead.
        None => None,
    };
    let company_scans = docs.as_ref().map(|d| d.company(inputs)).unwrap_or_default();
    if let Some(d) = &mut docs {
        roster_issues.extend(company_scans.issues.iter().cloned());
        // Scans are looked for only for employees with a passport number.
        let employees = roster.rows.iter().map(|r| &r.employee);
        d.assign(&Owners::new(employees.filter(|e| {
            e.passport_no
                .as_deref()
                .is_some_and(|p| !p.trim().is_empty())
        })));
        roster_issues.extend(d.issues().iter().cloned());
    }
    (photos, docs, company_scans)
}

#[cfg(test)]
mod tests;
