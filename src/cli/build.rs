//! `permitpack build` and `permitpack check`: resolve the inputs, read the roster and the
//! company details, run the stages, write OUT/report.json (atomically) and print a short
//! summary with passport numbers masked. Exit status 0 (all ready), 1 (someone needs
//! attention) or 2 (nothing could be done, one line on stderr).
//!
//! Each step is its own function so later stages slot in between `load_inputs` and
//! `write_report_json`.

use super::{EXIT_ATTENTION, EXIT_FAILED, EXIT_READY, RunArgs, table};
use crate::catalog::{Catalog, Lang};
use crate::documents::folder::{DocsIndex, FolderScan};
use crate::issue::Issue;
use crate::model::Company;
use crate::outcome::Outcomes;
use crate::packet::PacketNames;
use crate::photo::PhotoIndex;
use crate::pipeline::{Batch, Setup};
use crate::report::{self, RunInfo};
use crate::roster::{self, ColumnAliases, CompanySource, Roster, RosterRow};
use crate::spool::Spool;
use chrono::NaiveDate;
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};

/// At most this many employees needing attention are listed on the terminal; the report
/// has them all.
const SUMMARY_LINES: usize = 40;

/// The run's inputs after defaults are applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Inputs {
    pub roster: PathBuf,
    /// `--photos`, or `photos/` beside the roster when that folder exists.
    pub photos: Option<PathBuf>,
    /// `--docs`, or `docs/` beside the roster when that folder exists.
    pub docs: Option<PathBuf>,
    pub out: PathBuf,
    pub as_of: NaiveDate,
}

impl Inputs {
    /// Applies the defaults of the command-line contract.
    pub fn resolve(args: &RunArgs, today: NaiveDate) -> Inputs {
        let beside = args
            .roster
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let default_dir = |name: &str| {
            let p = beside.join(name);
            p.is_dir().then_some(p)
        };
        Inputs {
            roster: args.roster.clone(),
            photos: args.photos.clone().or_else(|| default_dir("photos")),
            docs: args.docs.clone().or_else(|| default_dir("docs")),
            out: args.out.clone(),
            as_of: args.as_of.unwrap_or(today),
        }
    }
}

/// What the roster stage produced for the run: the roster, the company (from its sheet or
/// `--company`), and the problems not tied to one employee (roster and company).
#[derive(Debug, Clone)]
pub struct Loaded {
    pub roster: Roster,
    pub company: Option<Company>,
    pub company_source: CompanySource,
    pub roster_issues: Vec<Issue>,
}

/// The file name of a path, for messages and the report (never the machine's full path).
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Reads the roster file and the company details. `Err` is the issue that stops the run
/// (exit status 2).
pub fn load_inputs(
    roster_path: &Path,
    company_path: Option<&Path>,
    aliases: &ColumnAliases,
) -> Result<Loaded, Box<Issue>> {
    let name = file_name(roster_path);
    let bytes = std::fs::read(roster_path).map_err(|e| {
        Box::new(
            Issue::error("roster.cannot_open")
                .arg("file", roster_path.display())
                .arg("reason", io_reason(&e)),
        )
    })?;
    let mut roster =
        quietly(|| roster::read(&bytes, &name, aliases)).map_err(|e| Box::new(e.issue()))?;
    drop(bytes);
    let (company, company_source) = match company_path {
        Some(p) => {
            let company_file = file_name(p);
            let bad = |reason: String| {
                Box::new(
                    Issue::error("roster.company_file_bad")
                        .arg("file", p.display())
                        .arg("reason", reason),
                )
            };
            let text = std::fs::read(p).map_err(|e| bad(io_reason(&e)))?;
            let text =
                String::from_utf8(text).map_err(|_| bad("it is not UTF-8 text".to_string()))?;
            let company = roster::load_company_toml(&text)
                .map_err(|e| bad(e.split_whitespace().collect::<Vec<_>>().join(" ")))?;
            (Some(company), CompanySource::File { name: company_file })
        }
        None => (roster.company.clone(), roster.company_source.clone()),
    };
    let mut roster_issues = roster.issues.clone();
    roster_issues.extend(roster::check_company(
        company.as_ref(),
        &company_source,
        aliases,
    ));
    roster_issues.extend(roster::example::leftovers(&mut roster, company.as_ref()));
    Ok(Loaded {
        roster,
        company,
        company_source,
        roster_issues,
    })
}

/// Runs `f` with the panic message silenced. `roster::read` turns a panic of the spreadsheet
/// parsers on a damaged file into an error; without this the default hook would still print
/// a backtrace notice before the one clear line. Called on the main thread before any
/// parallel stage starts.
fn quietly<T>(f: impl FnOnce() -> T) -> T {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let out = f();
    std::panic::set_hook(previous);
    out
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// The one stderr line for a run that could not be done.
pub fn fatal_line(issue: &Issue, catalog: &Catalog, lang: Lang) -> String {
    let message = catalog.message(issue, lang);
    let action = catalog.action(issue, lang);
    let line = if action.is_empty() {
        format!("permitpack: {message}")
    } else {
        format!("permitpack: {message} {action}")
    };
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn place(issue: &Issue) -> String {
    let at = &issue.at;
    match (&at.sheet, &at.cell, at.row, &at.file) {
        (Some(s), Some(c), _, _) => format!("{s}!{c}"),
        (Some(s), None, Some(r), _) => format!("{s} row {r}"),
        (Some(s), None, None, _) => s.clone(),
        (None, Some(c), _, _) => c.clone(),
        (None, None, _, Some(f)) => f.clone(),
        _ => String::new(),
    }
}

/// The terminal summary: a table of the employees (all of them for a small batch, else those
/// needing attention), passport numbers masked; the roster problems; the counts per status
/// and where the report is.
///
/// The outcomes are read once; only the few shown and the counts are kept.
pub fn summary<O: Outcomes + ?Sized>(
    outcomes: &O,
    roster_issues: &[Issue],
    report_path: &Path,
    catalog: &Catalog,
    lang: Lang,
) -> std::io::Result<String> {
    let mut s = String::new();
    let show_all = outcomes.count() <= SUMMARY_LINES;
    let mut shown = Vec::new();
    let (mut not_ready, mut shown_not_ready) = (0, 0);
    let sum = report::Summary::read(outcomes, &[])?;
    for o in outcomes.each() {
        let o = o?;
        not_ready += usize::from(!o.ready);
        if show_all || (!o.ready && shown.len() < SUMMARY_LINES) {
            shown_not_ready += usize::from(!o.ready);
            shown.push(table::Line::of(&o, catalog));
        }
    }
    s.push_str(&table::render(&shown, catalog, lang, table::output_width()));
    let hidden = not_ready.saturating_sub(shown_not_ready);
    if hidden > 0 {
        s.push_str(&format!(
            "       {}\n",
            catalog.ui("ui.run.more", lang, &[("count", hidden.to_string())])
        ));
    }
    s.push_str(&table::roster_problems(
        roster_issues,
        place,
        catalog,
        lang,
        SUMMARY_LINES,
    ));
    let count = |st: crate::outcome::Status| sum.count(st).to_string();
    use crate::outcome::Status::*;
    s.push_str(&table::ui_lines(
        catalog,
        "ui.run.summary",
        lang,
        &[
            ("total", sum.employees.to_string()),
            ("ready", count(Ready)),
            ("attention", count(Attention)),
            ("not_yet", count(NotYet)),
            ("too_late", count(TooLate)),
            ("packets", sum.packets.to_string()),
        ],
    ));
    s.push('\n');
    s.push_str(&table::ui_lines(
        catalog,
        "ui.run.report_written",
        lang,
        &[("path", report_path.display().to_string())],
    ));
    s.push('\n');
    Ok(s)
}

/// Exit status for a finished run.
pub fn exit_status<O: Outcomes + ?Sized>(
    outcomes: &O,
    roster_issues: &[Issue],
) -> std::io::Result<i32> {
    let mut all_ready = true;
    for o in outcomes.each() {
        all_ready &= o?.ready;
    }
    Ok(if all_ready && !roster_issues.iter().any(Issue::is_error) {
        EXIT_READY
    } else {
        EXIT_ATTENTION
    })
}

/// Creates the output folders and removes temporary files a killed run left behind, so
/// nothing half-written stays in OUT.
fn prepare_out(out: &Path, packets: Option<&Path>, shared: bool) -> Result<(), String> {
    for dir in std::iter::once(out).chain(packets) {
        crate::fsutil::create_output_dir(dir, shared).map_err(|e| {
            format!(
                "cannot create the output folder {}: {}; choose another folder with --out",
                dir.display(),
                io_reason(&e)
            )
        })?;
        crate::fsutil::remove_stale_temps(dir).map_err(|e| {
            format!(
                "cannot read the output folder {}: {}",
                dir.display(),
                io_reason(&e)
            )
        })?;
    }
    Ok(())
}

/// The photo and scan folders, opened once. Problems with them are run-level issues.
fn open_folders(
    inputs: &Inputs,
    roster: &Roster,
    roster_issues: &mut Vec<Issue>,
) -> (Option<PhotoIndex>, Option<DocsIndex>, FolderScan) {
    let photos = match &inputs.photos {
        Some(dir) => match PhotoIndex::scan(dir) {
            Ok(index) => Some(index),
            Err(issue) => {
                roster_issues.push(issue);
                None
            }
        },
        None => None,
    };
    let docs = match &inputs.docs {
        Some(dir) => match DocsIndex::open(dir) {
            Ok(index) => Some(index),
            Err(e) => {
                roster_issues.push(
                    Issue::error("document.docs_unreadable")
                        .arg("dir", dir.display())
                        .arg("detail", io_reason(&e)),
                );
                None
            }
        },
        // Each employee gets `document.not_checked` instead.
        None => None,
    };
    let company_scans = docs.as_ref().map(DocsIndex::company).unwrap_or_default();
    if let Some(d) = &docs {
        roster_issues.extend(company_scans.issues.iter().cloned());
        for name in d.stray_files() {
            roster_issues.push(
                Issue::warning("document.stray_file")
                    .arg("file", name)
                    .file(name.clone()),
            );
        }
        let passports = roster
            .rows
            .iter()
            .filter_map(|r| r.employee.passport_no.as_deref());
        for folder in d.unclaimed(passports) {
            roster_issues.push(Issue::warning("document.unclaimed_folder").arg("folder", folder));
        }
    }
    (photos, docs, company_scans)
}

/// The report header.
fn run_info(args: &RunArgs, inputs: &Inputs, loaded: &Loaded, write_packets: bool) -> RunInfo {
    let r = &loaded.roster;
    let company_source = match &loaded.company_source {
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
        as_of: inputs.as_of,
        roster: r.file.clone(),
        sheet: Some(r.sheet.clone()),
        company: loaded.company.clone().unwrap_or_default(),
        roster_issues: loaded.roster_issues.clone(),
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        lang: args.lang,
        photo_profile: args.photo_profile.clone(),
        company_source,
        extra,
    }
}

/// A progress bar on stderr for long runs; hidden when stderr is not a terminal or with
/// `--quiet`.
fn progress(len: usize, quiet: bool) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{bar:40.cyan/blue} {pos}/{len} employees {elapsed_precise} (eta {eta})",
    ) {
        bar.set_style(style);
    }
    bar
}

pub fn run(args: &RunArgs, write_packets: bool) -> anyhow::Result<i32> {
    let fail = |msg: String| {
        eprintln!(
            "permitpack: {}",
            msg.split_whitespace().collect::<Vec<_>>().join(" ")
        );
        Ok(EXIT_FAILED)
    };
    match super::args::preflight(args, write_packets) {
        Ok(warnings) => warnings.iter().for_each(|w| eprintln!("{w}")),
        Err(line) => {
            eprintln!("{line}");
            return Ok(EXIT_FAILED);
        }
    }
    let setup = match Setup::load(args.templates.as_deref(), &args.photo_profile) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    if args.password.as_deref() == Some("") {
        return fail(
            "the packet password is empty; give a password or leave --password out".into(),
        );
    }
    let inputs = Inputs::resolve(args, super::today_in_china());
    let mut loaded = match load_inputs(&inputs.roster, args.company.as_deref(), &setup.aliases) {
        Ok(l) => l,
        Err(issue) => {
            eprintln!("{}", fatal_line(&issue, &setup.catalog, args.lang));
            return Ok(EXIT_FAILED);
        }
    };
    let packets_dir = write_packets.then(|| inputs.out.join("packets"));
    if let Err(e) = prepare_out(&inputs.out, packets_dir.as_deref(), args.shared) {
        return fail(e);
    }
    let (photos, docs, company_scans) =
        open_folders(&inputs, &loaded.roster, &mut loaded.roster_issues);
    let batch = Batch {
        setup: &setup,
        as_of: inputs.as_of,
        company: loaded.company.clone().unwrap_or_default(),
        roster_blocked: loaded.roster_issues.iter().any(Issue::is_error),
        photos,
        docs,
        company_scans,
        packets_dir,
        password: args.password.clone(),
        group_readable: args.shared,
    };

    // Packet names are settled in row order first, so duplicates get the same suffix on
    // every run whatever the thread timing.
    let mut names = PacketNames::new();
    let rows: Vec<(&RosterRow, String)> = loaded
        .roster
        .rows
        .iter()
        .map(|r| (r, names.claim(&r.employee)))
        .collect();
    let bar = progress(rows.len(), args.quiet);
    let jobs = args
        .jobs
        .unwrap_or_else(|| rayon::current_num_threads())
        .max(1);
    // Each finished employee goes to the spool (an anonymous temporary file in OUT, gone
    // when the spool is dropped, on success or failure), so memory does not grow with the
    // batch; the reports read the outcomes back one at a time.
    let spool = match Spool::new_in(&inputs.out, rows.len()) {
        Ok(s) => s,
        Err(e) => {
            return fail(format!(
                "cannot create a temporary file in the output folder {}: {}",
                inputs.out.display(),
                io_reason(&e)
            ));
        }
    };
    if let Err(e) = batch.process_into(&rows, jobs, &|| bar.inc(1), &spool) {
        return fail(e);
    }
    bar.finish_and_clear();
    drop(rows);
    // Packets reach the disk here, once, before the report that lists them.
    if let Err(e) = batch.sync_spooled_packets(&spool) {
        return fail(format!("cannot keep the employees' results: {e}"));
    }

    let info = run_info(args, &inputs, &loaded, write_packets);
    let paths = match report::write_all_as(
        &inputs.out,
        &info,
        &spool,
        &setup.catalog,
        &setup.templates,
        args.shared,
    ) {
        Ok(p) => p,
        Err(e) => return fail(format!("cannot write the reports: {e}")),
    };
    let read_failed = |e: std::io::Error| format!("cannot read the employees' results: {e}");
    if !args.quiet {
        let html = paths
            .iter()
            .find(|p| p.extension().is_some_and(|e| e == "html"));
        let text = summary(
            &spool,
            &loaded.roster_issues,
            html.unwrap_or(&paths[0]),
            &setup.catalog,
            args.lang,
        );
        match text {
            Ok(text) => {
                let access = if args.shared {
                    "ui.run.shared"
                } else {
                    "ui.run.private"
                };
                print!(
                    "{text}{}\n",
                    table::ui_lines(&setup.catalog, access, args.lang, &[])
                );
            }
            Err(e) => return fail(read_failed(e)),
        }
    }
    match exit_status(&spool, &loaded.roster_issues) {
        Ok(code) => Ok(code),
        Err(e) => fail(read_failed(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::{EmployeeOutcome, Status};

    const CSV: &str = "Name,Passport No,Nationality,Date of birth,Talent category,Position,Work permit expiry,Residence permit expiry\n\
                       Anna Nowak,EA1234567,Poland,1985-02-03,(六),Engineer,2027-01-10,2027-01-10\n\
                       Bob Lee,EA7654321,,1990-01-01,(一),Designer,soon,2027-01-10\n";

    /// The outcomes of a small roster with no photos or scans, as `check` computes them.
    fn outcomes(setup: &Setup, roster_blocked: bool) -> Vec<EmployeeOutcome> {
        let roster = roster::read(CSV.as_bytes(), "r.csv", &setup.aliases).unwrap();
        let batch = Batch {
            setup,
            as_of: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
            company: Company::default(),
            roster_blocked,
            photos: None,
            docs: None,
            company_scans: FolderScan::default(),
            packets_dir: None,
            password: None,
            group_readable: false,
        };
        roster
            .rows
            .iter()
            .map(|r| batch.process(r, "x.zip"))
            .collect()
    }

    #[test]
    fn a_roster_error_blocks_everyone() {
        let setup = Setup::load(None, "shenzhen-2inch").unwrap();
        for o in outcomes(&setup, true) {
            assert!(!o.ready);
            assert_ne!(o.status, Status::Ready);
        }
    }

    #[test]
    fn summary_masks_passports() {
        let setup = Setup::load(None, "shenzhen-2inch").unwrap();
        let outcomes = outcomes(&setup, false);
        let text = summary(
            &outcomes,
            &[],
            Path::new("out/report.html"),
            &setup.catalog,
            Lang::En,
        )
        .unwrap();
        assert!(!text.contains("EA7654321"), "{text}");
        assert!(text.contains("EA****321"), "{text}");
        assert!(text.contains("2 employees"), "{text}");
        assert!(text.contains("Needs attention"), "{text}");
        assert_eq!(exit_status(&outcomes, &[]).unwrap(), EXIT_ATTENTION);
    }

    #[test]
    fn every_roster_code_has_a_message() {
        let setup = Setup::load(None, "shenzhen-2inch").unwrap();
        let catalog_codes: Vec<&str> = setup.catalog.codes().collect();
        let source = [
            include_str!("../roster/values.rs"),
            include_str!("../roster/rows.rs"),
            include_str!("../roster/mod.rs"),
            include_str!("../roster/company.rs"),
            include_str!("../pipeline.rs"),
            include_str!("build.rs"),
            include_str!("init.rs"),
        ]
        .concat();
        let mut checked = 0;
        for family in ["\"roster.", "\"photo.", "\"document.", "\"internal."] {
            let mut rest = source.as_str();
            while let Some(i) = rest.find(family) {
                let tail = &rest[i + 1..];
                let end = tail.find('"').unwrap_or(0);
                let code = &tail[..end];
                let name = code.split_once('.').map_or("", |(_, n)| n);
                let is_file = ["xlsx", "xls", "csv", "ods", "toml", "json", "rs"].contains(&name);
                if !name.is_empty()
                    && !is_file
                    && name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                {
                    assert!(catalog_codes.contains(&code), "no message for {code}");
                    checked += 1;
                }
                rest = &tail[end..];
            }
        }
        assert!(checked > 20);
    }
}
