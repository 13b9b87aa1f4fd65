//! The `report` stage: what HR opens after a run, written from the employees' outcomes and a
//! run header ([`RunInfo`]). Four views of the same data:
//!
//! - [`json`]: report.json, the stable machine contract (passport numbers unmasked).
//! - [`csv`]: report.csv, one row per problem, UTF-8 with BOM, formula-injection safe.
//! - [`xlsx`]: report.xlsx, employees / problems / documents / run sheets, coloured by status.
//! - [`html`]: report.html, one self-contained page with a summary and a card per employee.
//!
//! Every sentence and heading comes from the message catalog (`ui.*` keys and the issue
//! messages), in Chinese, English or both. Renderers work on bytes and writers; only
//! [`write_all`] writes, into the run's [`Sink`].

pub mod csv;
pub mod html;
pub mod ics;
pub mod json;
mod markup;
pub mod timeline;
pub mod xlsx;

use crate::assets::{AssetError, Templates};
use crate::catalog::{Catalog, Lang};
use crate::fsutil::WriteError;
use crate::io::{OutFile, Sink};
use crate::issue::Issue;
use crate::model::Company;
use crate::outcome::{ChecklistLine, EmployeeOutcome, Outcomes, Status};
use crate::rules::RenewalCalendar;
use chrono::NaiveDate;
use serde::Serialize;
use std::path::PathBuf;

/// Template file holding the HTML report's style sheet.
pub const CSS_TEMPLATE: &str = "report.css";

/// The run header shared by all reports.
#[derive(Debug, Clone, PartialEq)]
pub struct RunInfo {
    /// The date everything was judged against.
    pub as_of: NaiveDate,
    /// Roster file name as the user gave it (no machine path).
    pub roster: String,
    /// Roster sheet the employees were read from.
    pub sheet: Option<String>,
    pub company: Company,
    /// Problems that belong to no single employee (no header row, unknown columns...).
    pub roster_issues: Vec<Issue>,
    /// `env!("CARGO_PKG_VERSION")` of the binary.
    pub tool_version: String,
    pub lang: Lang,
    /// Photo profile name the photos were judged against.
    pub photo_profile: String,
    /// Where the company details came from (`{"sheet", "cells"}` or `{"file"}`), shown in
    /// report.json as `company.source`.
    pub company_source: serde_json::Value,
    /// Further run facts for report.json's top level (`command`, `format`, `encoding`,
    /// `header_row`, `columns`).
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Counts for the summary of every report and the terminal.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub employees: usize,
    pub ready: usize,
    pub attention: usize,
    pub not_yet: usize,
    pub too_late: usize,
    /// Errors and warnings over the roster and the employees who can act now: an employee
    /// whose window opens later counts in `later_errors` instead.
    pub errors: usize,
    pub warnings: usize,
    /// Errors of employees whose window is not yet open (nothing to file before then).
    pub later_errors: usize,
    pub packets: usize,
}

impl Summary {
    pub fn of(outcomes: &[EmployeeOutcome], roster_issues: &[Issue]) -> Summary {
        let mut s = Summary::default();
        for o in outcomes {
            s.add(o);
        }
        s.add_roster(roster_issues);
        s
    }

    /// [`Summary::of`] outcomes read one at a time (from a spool).
    pub fn read<O: Outcomes + ?Sized>(
        outcomes: &O,
        roster_issues: &[Issue],
    ) -> std::io::Result<Summary> {
        let mut s = Summary::default();
        for o in outcomes.each() {
            s.add(&*o?);
        }
        s.add_roster(roster_issues);
        Ok(s)
    }

    fn add(&mut self, o: &EmployeeOutcome) {
        self.employees += 1;
        match o.status {
            Status::Ready => self.ready += 1,
            Status::Attention => self.attention += 1,
            Status::NotYet => self.not_yet += 1,
            Status::TooLate => self.too_late += 1,
        }
        if o.status == Status::NotYet {
            self.later_errors += o.error_count();
        } else {
            self.errors += o.error_count();
        }
        self.warnings += o.warning_count();
        self.packets += usize::from(o.packet.is_some());
    }

    fn add_roster(&mut self, roster_issues: &[Issue]) {
        let roster_errors = roster_issues.iter().filter(|i| i.is_error()).count();
        self.errors += roster_errors;
        self.warnings += roster_issues.len() - roster_errors;
    }

    /// The count for one status.
    pub fn count(&self, status: Status) -> usize {
        match status {
            Status::Ready => self.ready,
            Status::Attention => self.attention,
            Status::NotYet => self.not_yet,
            Status::TooLate => self.too_late,
        }
    }
}

/// Statuses in the order reports show them.
pub const STATUSES: [Status; 4] = [
    Status::Ready,
    Status::Attention,
    Status::NotYet,
    Status::TooLate,
];

/// The stable key of a status, as in report.json and the `ui.status.*` catalog keys.
pub fn status_key(status: Status) -> &'static str {
    match status {
        Status::Ready => "ready",
        Status::Attention => "attention",
        Status::NotYet => "not_yet",
        Status::TooLate => "too_late",
    }
}

/// Why the reports could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error("cannot build report.xlsx: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("cannot build report.json: {0}")]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    Template(#[from] AssetError),
    #[error(transparent)]
    Rules(#[from] crate::rules::RulesError),
    #[error(transparent)]
    Limits(#[from] crate::limits::LimitsError),
    /// Some reports could not be written; the others were.
    #[error("{}", partial_message(failed, written))]
    Partial {
        failed: Vec<(&'static str, ReportError)>,
        written: Vec<PathBuf>,
    },
}

/// Writes report.json, report.csv, report.xlsx, report.html and
/// report.ics into `sink`, each whole, and
/// returns where they went. The counts are read once, for all five (and for the caller:
/// [`write_all_counted`]). The HTML style sheet comes from `templates`. The outcomes are
/// read one at a time, once per report pass (they may be spooled on disk); the xlsx sheets
/// are streamed through temporary files in the sink's scratch folder, so memory does not
/// grow with the number of employees.
pub fn write_all<O: Outcomes + ?Sized>(
    sink: &dyn Sink,
    run: &RunInfo,
    outcomes: &O,
    catalog: &Catalog,
    templates: &Templates,
) -> Result<Vec<PathBuf>, ReportError> {
    let summary = Summary::read(outcomes, &run.roster_issues)
        .map_err(|e| ReportError::Json(serde_json::Error::io(e)))?;
    write_all_counted(sink, run, outcomes, &summary, catalog, templates)
}

/// [`write_all`] with the counts already read.
pub fn write_all_counted<O: Outcomes + ?Sized>(
    sink: &dyn Sink,
    run: &RunInfo,
    outcomes: &O,
    summary: &Summary,
    catalog: &Catalog,
    templates: &Templates,
) -> Result<Vec<PathBuf>, ReportError> {
    let css = templates.get_text(CSS_TEMPLATE)?;
    let renewal = RenewalCalendar::load(templates).map_err(ReportError::Rules)?;
    let max_rows = crate::limits::Limits::load(templates)?.report.max_xlsx_rows;
    // Each report is written on its own: one that fails never keeps the others from being
    // written, and the error names it and the ones that were.
    let mut paths = Vec::with_capacity(5);
    let mut failed: Vec<(&'static str, ReportError)> = Vec::new();
    let mut json_err = None;
    let r = sink
        .write(OutFile::Report("report.json"), &mut |w| {
            json::write_with(w, run, outcomes, summary, catalog).map_err(|e| {
                let io = std::io::Error::other(e.to_string());
                json_err = Some(e);
                io
            })
        })
        .map_err(|e| {
            json_err
                .take()
                .map_or(ReportError::Write(e), ReportError::Json)
        });
    keep("report.json", r, &mut paths, &mut failed);
    let r = sink
        .write(OutFile::Report("report.csv"), &mut |w| {
            csv::write(w, run, outcomes, catalog)
        })
        .map_err(ReportError::Write);
    keep("report.csv", r, &mut paths, &mut failed);
    let mut xlsx_err = None;
    let r = sink
        .write(OutFile::Report("report.xlsx"), &mut |w| {
            quiet_unwind(|| {
                xlsx::write_with(
                    w,
                    run,
                    outcomes,
                    summary,
                    catalog,
                    sink.scratch(),
                    Some(&renewal),
                    max_rows,
                )
            })?
            .map_err(|e| {
                let io = std::io::Error::other(e.to_string());
                xlsx_err = Some(e);
                io
            })
        })
        .map_err(|e| {
            xlsx_err
                .take()
                .map_or(ReportError::Write(e), ReportError::Xlsx)
        });
    keep("report.xlsx", r, &mut paths, &mut failed);
    let r = sink
        .write(OutFile::Report("report.html"), &mut |w| {
            html::write_with(w, run, outcomes, summary, catalog, &css, Some(&renewal))
        })
        .map_err(ReportError::Write);
    keep("report.html", r, &mut paths, &mut failed);
    let r = sink
        .write(OutFile::Report("report.ics"), &mut |w| {
            ics::write(w, run, outcomes, catalog, &renewal)
        })
        .map_err(ReportError::Write);
    keep("report.ics", r, &mut paths, &mut failed);
    if failed.is_empty() {
        Ok(paths)
    } else {
        Err(ReportError::Partial {
            failed,
            written: paths,
        })
    }
}

/// Runs the xlsx writer, whose library unwraps some I/O results of its temporary files (a
/// full disk under its scratch folder panics inside it), with a panic turned into an I/O
/// error and its message kept off the terminal (on this thread only: see [`crate::quiet`]).
fn quiet_unwind<T>(f: impl FnOnce() -> T) -> std::io::Result<T> {
    let out = crate::quiet::quietly(|| std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)));
    out.map_err(|payload| {
        let text = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or_default();
        // The library's unwrap keeps the OS error only as text.
        if text.contains(&format!("code: {},", libc::ENOSPC)) {
            std::io::Error::from_raw_os_error(libc::ENOSPC)
        } else if text.contains(&format!("code: {},", libc::EDQUOT)) {
            std::io::Error::from_raw_os_error(libc::EDQUOT)
        } else {
            std::io::Error::other("the xlsx writer stopped")
        }
    })
}

fn keep(
    name: &'static str,
    r: Result<PathBuf, ReportError>,
    paths: &mut Vec<PathBuf>,
    failed: &mut Vec<(&'static str, ReportError)>,
) {
    match r {
        Ok(p) => paths.push(p),
        Err(e) => failed.push((name, e)),
    }
}

/// "report.xlsx (why); the others were written: report.json, ..." for [`ReportError::Partial`].
fn partial_message(failed: &[(&'static str, ReportError)], written: &[PathBuf]) -> String {
    let failed: Vec<String> = failed.iter().map(|(n, e)| format!("{n} ({e})")).collect();
    let written: Vec<String> = written
        .iter()
        .map(|p| {
            p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            )
        })
        .collect();
    if written.is_empty() {
        failed.join("; ")
    } else {
        format!(
            "{}; written all the same: {}",
            failed.join("; "),
            written.join(", ")
        )
    }
}

/// Interface strings in the run's language, shared by the renderers.
pub(crate) struct Texts<'a> {
    pub catalog: &'a Catalog,
    pub lang: Lang,
}

impl<'a> Texts<'a> {
    pub fn new(catalog: &'a Catalog, lang: Lang) -> Self {
        Texts { catalog, lang }
    }

    /// A `ui.*` string in the run's language (`both`: `中文 / English`).
    pub fn ui(&self, key: &str) -> String {
        self.catalog.ui(key, self.lang, &[])
    }

    /// Chinese and English separately, with arguments.
    pub fn pair(&self, key: &str, args: &[(&str, String)]) -> (String, String) {
        (
            self.catalog.ui(key, Lang::Zh, args),
            self.catalog.ui(key, Lang::En, args),
        )
    }

    pub fn status(&self, status: Status) -> String {
        self.ui(&format!("ui.status.{}", status_key(status)))
    }

    pub fn window(&self, state: &str) -> String {
        self.ui(&format!("ui.window.{state}"))
    }

    pub fn item_status(&self, status: &str) -> String {
        self.ui(&format!("ui.item.{status}"))
    }

    /// A checklist item's name in the run's language.
    pub fn item_name(&self, line: &ChecklistLine) -> String {
        join_lang(self.lang, &line.name_zh, &line.name_en)
    }

    /// Missing items of an employee, `; `-separated; optional ones marked as such.
    pub fn missing_items(&self, o: &EmployeeOutcome) -> String {
        let optional = self.ui("ui.item.optional");
        o.missing_items()
            .map(|l| {
                if l.optional {
                    format!("{} ({optional})", self.item_name(l))
                } else {
                    self.item_name(l)
                }
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Two versions of one text for the chosen language (`both`: Chinese first).
pub(crate) fn join_lang(lang: Lang, zh: &str, en: &str) -> String {
    match lang {
        Lang::Zh if !zh.is_empty() => zh.to_string(),
        Lang::En if !en.is_empty() => en.to_string(),
        _ => match (zh.is_empty(), en.is_empty()) {
            (false, false) if zh != en => format!("{zh} / {en}"),
            (false, _) => zh.to_string(),
            _ => en.to_string(),
        },
    }
}

/// A number of years without a useless `.0`: `1`, `1.5`.
pub(crate) fn fmt_years(y: f64) -> String {
    if y.fract() == 0.0 && y.abs() < 1e9 {
        format!("{}", y as i64)
    } else {
        let s = format!("{y:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// The run outcomes built by hand for the tests; tests/integration includes the same file.
#[cfg(test)]
pub(crate) mod testdata;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::FsSink;

    #[test]
    fn summary_counts_statuses_issues_and_packets() {
        let outcomes = testdata::outcomes();
        let run = testdata::run(Lang::Both);
        let s = Summary::of(&outcomes, &run.roster_issues);
        assert_eq!(s.employees, outcomes.len());
        assert_eq!(
            s.ready + s.attention + s.not_yet + s.too_late,
            outcomes.len()
        );
        let issues: usize = outcomes.iter().map(|o| o.issues.len()).sum();
        assert_eq!(
            s.errors + s.warnings + s.later_errors,
            issues + run.roster_issues.len()
        );
        assert_eq!(
            s.packets,
            outcomes.iter().filter(|o| o.packet.is_some()).count()
        );
        assert_eq!(s.count(Status::Ready), s.ready);
    }

    #[test]
    fn every_ui_key_used_by_the_renderers_is_in_the_catalog() {
        let cat = Catalog::load(&Templates::builtin()).unwrap();
        let sources = [
            include_str!("mod.rs"),
            include_str!("csv.rs"),
            include_str!("xlsx.rs"),
            include_str!("html.rs"),
            include_str!("ics.rs"),
            include_str!("timeline.rs"),
            include_str!("xlsx/calendar.rs"),
            include_str!("../cli/plan/text.rs"),
        ];
        let mut checked = 0;
        for src in sources {
            let mut rest = src;
            while let Some(i) = rest.find("\"ui.") {
                let tail = &rest[i + 1..];
                let end = tail.find('"').unwrap_or(tail.len());
                let key = &tail[..end];
                rest = &tail[end..];
                if key.ends_with('.') || key.contains('{') {
                    continue; // a prefix completed at run time, checked below
                }
                assert!(
                    cat.contains(key),
                    "{key} is not in templates/messages/ui.toml"
                );
                checked += 1;
            }
        }
        assert!(checked > 40, "only {checked} keys found");
        for s in STATUSES {
            assert!(cat.contains(&format!("ui.status.{}", status_key(s))));
            assert!(cat.contains(&format!("ui.status_hint.{}", status_key(s))));
        }
        for w in ["open", "not_yet", "too_late", "expired", "unknown"] {
            assert!(cat.contains(&format!("ui.window.{w}")), "{w}");
        }
        for i in [
            "generated",
            "provided",
            "missing",
            "bring_original",
            "after_booking",
            "optional",
        ] {
            assert!(cat.contains(&format!("ui.item.{i}")), "{i}");
        }
    }

    #[test]
    fn languages_pick_and_join() {
        assert_eq!(join_lang(Lang::Both, "护照", "Passport"), "护照 / Passport");
        assert_eq!(join_lang(Lang::Zh, "护照", "Passport"), "护照");
        assert_eq!(join_lang(Lang::En, "护照", "Passport"), "Passport");
        assert_eq!(join_lang(Lang::En, "护照", ""), "护照");
        assert_eq!(join_lang(Lang::Both, "", "Passport"), "Passport");
    }

    #[test]
    fn years_are_short() {
        assert_eq!(fmt_years(1.0), "1");
        assert_eq!(fmt_years(1.5), "1.5");
        assert_eq!(fmt_years(0.25), "0.25");
    }

    #[test]
    fn reports_from_a_spool_are_those_from_memory() {
        let cat = Catalog::load(&Templates::builtin()).unwrap();
        let outcomes = testdata::outcomes();
        for lang in [Lang::Both, Lang::En] {
            let run = testdata::run(lang);
            let mem = tempfile::tempdir().unwrap();
            write_all(
                &FsSink::new(mem.path()),
                &run,
                &outcomes,
                &cat,
                &Templates::builtin(),
            )
            .unwrap();
            let out = tempfile::tempdir().unwrap();
            let spool = crate::spool::Spool::new_in(out.path(), outcomes.len()).unwrap();
            for (i, o) in outcomes.iter().enumerate().rev() {
                spool.put(i, o).unwrap();
            }
            write_all(
                &FsSink::new(out.path()),
                &run,
                &spool,
                &cat,
                &Templates::builtin(),
            )
            .unwrap();
            for name in [
                "report.json",
                "report.csv",
                "report.xlsx",
                "report.html",
                "report.ics",
            ] {
                let a = std::fs::read(mem.path().join(name)).unwrap();
                let b = std::fs::read(out.path().join(name)).unwrap();
                assert!(a == b, "{name} differs");
            }
            drop(spool);
            // The spool and the xlsx sheets' temporary files leave nothing behind.
            assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 5);
        }
    }

    #[test]
    fn write_all_writes_five_files_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let cat = Catalog::load(&Templates::builtin()).unwrap();
        let paths = write_all(
            &FsSink::new(dir.path()),
            &testdata::run(Lang::Both),
            &testdata::outcomes(),
            &cat,
            &Templates::builtin(),
        )
        .unwrap();
        let names: Vec<String> = paths
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            [
                "report.json",
                "report.csv",
                "report.xlsx",
                "report.html",
                "report.ics"
            ]
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 5);
    }
}
