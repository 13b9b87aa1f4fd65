//! `permitpack build` and `permitpack check`: resolve the inputs, read the roster and the
//! company details, run the stages, write OUT/report.json (atomically) and print a short
//! summary with passport numbers masked. Exit status 0 (all ready), 1 (someone needs
//! attention) or 2 (nothing could be done, one line on stderr).
//!
//! Each step is its own function so later stages slot in between `load_inputs` and
//! `write_report_json`.

use super::{EXIT_ATTENTION, EXIT_FAILED, EXIT_READY, RunArgs};
use crate::assets::Templates;
use crate::catalog::{Catalog, Lang};
use crate::issue::Issue;
use crate::model::{Company, mask_id};
use crate::outcome::{EmployeeOutcome, Status};
use crate::roster::{self, ColumnAliases, CompanySource, Roster};
use chrono::NaiveDate;
use serde_json::{Map, Value, json};
use std::io::Write;
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

/// The message catalog and column vocabulary of the run (later stages add their data).
pub struct Setup {
    pub catalog: Catalog,
    pub aliases: ColumnAliases,
}

impl Setup {
    pub fn load(templates_dir: Option<&Path>) -> Result<Setup, String> {
        let templates = match templates_dir {
            Some(d) => Templates::with_dir(d),
            None => Templates::builtin(),
        };
        let catalog = Catalog::load(&templates)?;
        let aliases = ColumnAliases::load(&templates)?;
        Ok(Setup { catalog, aliases })
    }
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
    let roster =
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

/// The employees as outcomes of the roster stage alone: ready when neither the employee nor
/// the roster as a whole (company details, missing columns) has an error. Later stages refine
/// status, window and checklist.
pub fn roster_outcomes(loaded: &Loaded) -> Vec<EmployeeOutcome> {
    let roster_blocked = loaded.roster_issues.iter().any(Issue::is_error);
    loaded
        .roster
        .rows
        .iter()
        .map(|row| {
            let ready = !roster_blocked && !row.issues.iter().any(Issue::is_error);
            EmployeeOutcome {
                employee: row.employee.clone(),
                status: if ready {
                    Status::Ready
                } else {
                    Status::Attention
                },
                ready,
                window_state: "unknown".into(),
                days_left: None,
                window_opens: None,
                deadline: None,
                term_years: None,
                fee_rmb: None,
                photo: None,
                checklist: Vec::new(),
                issues: row.issues.clone(),
                packet: None,
                details: Map::new(),
            }
        })
        .collect()
}

/// One issue as report.json shows it: code, severity, message and action in both languages,
/// and where it is.
pub fn issue_json(issue: &Issue, catalog: &Catalog) -> Value {
    let text = catalog.text(issue);
    let mut m = Map::new();
    m.insert("code".into(), json!(issue.code));
    m.insert("severity".into(), json!(issue.severity));
    m.insert("message".into(), json!(text.message));
    m.insert("message_zh".into(), json!(text.message_zh));
    m.insert("action".into(), json!(text.action));
    m.insert("action_zh".into(), json!(text.action_zh));
    if let Some(s) = &issue.at.sheet {
        m.insert("sheet".into(), json!(s));
    }
    if let Some(r) = issue.at.row {
        m.insert("row".into(), json!(r));
    }
    if let Some(c) = &issue.at.cell {
        m.insert("cell".into(), json!(c));
    }
    if let Some(f) = &issue.at.file {
        m.insert("file".into(), json!(f));
    }
    Value::Object(m)
}

/// One employee as report.json shows it: the roster fields at the top level (`row`, `name`,
/// `passport_no`, ..., `cells`), the outcome (`ready`, `status`, window, fee, checklist, ...),
/// each stage's `details` entries, and the issues with their text.
pub fn employee_json(o: &EmployeeOutcome, catalog: &Catalog) -> Value {
    let mut m = match serde_json::to_value(o) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    if let Some(Value::Object(emp)) = m.remove("employee") {
        for (k, v) in emp {
            // Money is kept exact in fen; name the unit.
            let k = if k == "annual_salary" {
                "annual_salary_fen".to_string()
            } else {
                k
            };
            m.insert(k, v);
        }
    }
    if let Some(Value::Object(details)) = m.remove("details") {
        for (k, v) in details {
            m.insert(k, v);
        }
    }
    m.insert(
        "issues".into(),
        Value::Array(o.issues.iter().map(|i| issue_json(i, catalog)).collect()),
    );
    Value::Object(m)
}

/// Facts about the run that report.json records.
pub struct RunInfo<'a> {
    pub command: &'a str,
    pub as_of: NaiveDate,
}

/// The whole report.json document.
pub fn report_json(
    info: &RunInfo<'_>,
    loaded: &Loaded,
    outcomes: &[EmployeeOutcome],
    catalog: &Catalog,
) -> Value {
    let r = &loaded.roster;
    let company = match &loaded.company {
        Some(c) => {
            let mut m = match serde_json::to_value(c) {
                Ok(Value::Object(m)) => m,
                _ => Map::new(),
            };
            let source = match &loaded.company_source {
                CompanySource::Sheet { sheet, cells } => json!({"sheet": sheet, "cells": cells}),
                CompanySource::File { name } => json!({"file": name}),
                CompanySource::Absent => Value::Null,
            };
            m.insert("source".into(), source);
            Value::Object(m)
        }
        None => Value::Null,
    };
    let ready = outcomes.iter().filter(|o| o.ready).count();
    json!({
        "as_of": info.as_of.to_string(),
        "command": info.command,
        "roster": r.file,
        "format": r.format.name(),
        "encoding": r.encoding,
        "sheet": r.sheet,
        "header_row": r.header_row,
        "columns": r.columns.iter().map(|(f, c)| (f.key().to_string(), json!(c))).collect::<Map<_, _>>(),
        "company": company,
        "summary": {
            "employees": outcomes.len(),
            "ready": ready,
            "attention": outcomes.len() - ready,
        },
        "employees": outcomes.iter().map(|o| employee_json(o, catalog)).collect::<Vec<_>>(),
        "roster_issues": loaded.roster_issues.iter().map(|i| issue_json(i, catalog)).collect::<Vec<_>>(),
    })
}

/// Writes `bytes` to `dir/name` atomically: a temporary file in `dir`, then a rename, so a
/// reader never sees half a report.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".permitpack-")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    let dest = dir.join(name);
    tmp.persist(&dest).map_err(|e| e.error)?;
    Ok(dest)
}

/// Writes OUT/report.json.
pub fn write_report_json(out: &Path, report: &Value) -> anyhow::Result<PathBuf> {
    let mut bytes = serde_json::to_vec_pretty(report)?;
    bytes.push(b'\n');
    write_atomic(out, "report.json", &bytes)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", out.join("report.json").display()))
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

/// The terminal summary: employees needing attention (passport numbers masked), roster
/// problems, counts and where the report is.
pub fn summary(
    outcomes: &[EmployeeOutcome],
    roster_issues: &[Issue],
    report_path: &Path,
    catalog: &Catalog,
    lang: Lang,
) -> String {
    let mut s = String::new();
    let attention: Vec<&EmployeeOutcome> = outcomes.iter().filter(|o| !o.ready).collect();
    // Employees with errors of their own; the others wait only on roster problems below.
    let listed: Vec<&&EmployeeOutcome> = attention
        .iter()
        .filter(|o| o.issues.iter().any(Issue::is_error))
        .collect();
    for o in listed.iter().take(SUMMARY_LINES) {
        let e = &o.employee;
        let passport = e.passport_no.as_deref().map(mask_id).unwrap_or_default();
        let name = e.name.as_deref().unwrap_or("");
        s.push_str(&format!("  row {:<5} {name} {passport}\n", e.row));
        for i in o.issues.iter().filter(|i| i.is_error()) {
            s.push_str(&format!(
                "      {} {}\n",
                place(i),
                catalog.message(i, lang)
            ));
        }
    }
    if listed.len() > SUMMARY_LINES {
        s.push_str(&format!(
            "  {}\n",
            catalog.ui(
                "ui.run.more",
                lang,
                &[("count", (listed.len() - SUMMARY_LINES).to_string())]
            )
        ));
    }
    if !roster_issues.is_empty() {
        s.push_str(&catalog.ui("ui.run.roster_problems", lang, &[]));
        s.push('\n');
        for i in roster_issues.iter().take(SUMMARY_LINES) {
            s.push_str(&format!(
                "  {:<7} {} {}\n",
                format!("{:?}", i.severity).to_lowercase(),
                place(i),
                catalog.message(i, lang)
            ));
        }
        if roster_issues.len() > SUMMARY_LINES {
            s.push_str(&format!(
                "  {}\n",
                catalog.ui(
                    "ui.run.more",
                    lang,
                    &[("count", (roster_issues.len() - SUMMARY_LINES).to_string())]
                )
            ));
        }
    }
    let ready = outcomes.len() - attention.len();
    s.push_str(&catalog.ui(
        "ui.run.summary",
        lang,
        &[
            ("total", outcomes.len().to_string()),
            ("ready", ready.to_string()),
            ("attention", attention.len().to_string()),
        ],
    ));
    s.push('\n');
    s.push_str(&catalog.ui(
        "ui.run.report_written",
        lang,
        &[("path", report_path.display().to_string())],
    ));
    s.push('\n');
    s
}

/// Exit status for a finished run.
pub fn exit_status(outcomes: &[EmployeeOutcome], roster_issues: &[Issue]) -> i32 {
    if outcomes.iter().all(|o| o.ready) && !roster_issues.iter().any(Issue::is_error) {
        EXIT_READY
    } else {
        EXIT_ATTENTION
    }
}

pub fn run(args: &RunArgs, write_packets: bool) -> anyhow::Result<i32> {
    let setup = match Setup::load(args.templates.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "permitpack: {}",
                e.split_whitespace().collect::<Vec<_>>().join(" ")
            );
            return Ok(EXIT_FAILED);
        }
    };
    let inputs = Inputs::resolve(args, super::today_in_china());
    let loaded = match load_inputs(&inputs.roster, args.company.as_deref(), &setup.aliases) {
        Ok(l) => l,
        Err(issue) => {
            eprintln!("{}", fatal_line(&issue, &setup.catalog, args.lang));
            return Ok(EXIT_FAILED);
        }
    };
    let outcomes = roster_outcomes(&loaded);
    let info = RunInfo {
        command: if write_packets { "build" } else { "check" },
        as_of: inputs.as_of,
    };
    let report = report_json(&info, &loaded, &outcomes, &setup.catalog);
    let path = write_report_json(&inputs.out, &report)?;
    if !args.quiet {
        print!(
            "{}",
            summary(
                &outcomes,
                &loaded.roster_issues,
                &path,
                &setup.catalog,
                args.lang
            )
        );
    }
    Ok(exit_status(&outcomes, &loaded.roster_issues))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> Setup {
        Setup::load(None).unwrap()
    }

    const CSV: &str = "Name,Passport No,Nationality,Date of birth,Talent category,Position,Work permit expiry,Residence permit expiry\n\
                       Anna Nowak,EA1234567,Poland,1985-02-03,(六),Engineer,2027-01-10,2027-01-10\n\
                       Bob Lee,EA7654321,,1990-01-01,(一),Designer,soon,2027-01-10\n";

    fn loaded(csv: &str) -> Loaded {
        let s = setup();
        let roster = roster::read(csv.as_bytes(), "r.csv", &s.aliases).unwrap();
        let company = Company {
            name_zh: Some("深圳市示例科技有限公司".into()),
            uscc: Some("91440300MA5G2K7P15".into()),
            address: Some("深圳市南山区".into()),
            contact_person: Some("王丽".into()),
            contact_phone: Some("0755-88886666".into()),
            ..Company::default()
        };
        let source = CompanySource::File {
            name: "company.toml".into(),
        };
        let roster_issues = roster::check_company(Some(&company), &source, &s.aliases);
        Loaded {
            roster,
            company: Some(company),
            company_source: source,
            roster_issues,
        }
    }

    #[test]
    fn report_has_the_contract_shape() {
        let s = setup();
        let l = loaded(CSV);
        assert!(l.roster_issues.is_empty(), "{:?}", l.roster_issues);
        let outcomes = roster_outcomes(&l);
        let info = RunInfo {
            command: "check",
            as_of: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
        };
        let r = report_json(&info, &l, &outcomes, &s.catalog);
        assert_eq!(r["as_of"], "2026-11-26");
        assert_eq!(r["roster"], "r.csv");
        assert_eq!(r["company"]["uscc"], "91440300MA5G2K7P15");
        assert_eq!(r["company"]["source"]["file"], "company.toml");
        let e0 = &r["employees"][0];
        assert_eq!(e0["row"], 2);
        assert_eq!(e0["name"], "Anna Nowak");
        assert_eq!(e0["passport_no"], "EA1234567");
        assert_eq!(e0["ready"], true);
        assert_eq!(e0["category"], "B6");
        assert_eq!(e0["cells"]["passport_no"], "B2");
        let e1 = &r["employees"][1];
        assert_eq!(e1["ready"], false);
        let issue = &e1["issues"][0];
        assert_eq!(issue["code"], "roster.missing");
        assert_eq!(issue["severity"], "error");
        assert_eq!(issue["cell"], "C3");
        assert_eq!(issue["sheet"], "r");
        assert!(issue["message"].as_str().unwrap().contains("Nationality"));
        assert!(issue["message_zh"].as_str().unwrap().contains("国籍"));
        assert!(!issue["action"].as_str().unwrap().is_empty());
        assert!(!issue["action_zh"].as_str().unwrap().is_empty());
        assert_eq!(r["summary"]["attention"], 1);
        assert_eq!(exit_status(&outcomes, &l.roster_issues), EXIT_ATTENTION);
    }

    #[test]
    fn a_company_error_blocks_everyone() {
        let s = setup();
        let mut l = loaded(CSV);
        l.roster_issues = roster::check_company(None, &CompanySource::Absent, &s.aliases);
        let outcomes = roster_outcomes(&l);
        assert!(outcomes.iter().all(|o| !o.ready));
    }

    #[test]
    fn summary_masks_passports() {
        let s = setup();
        let l = loaded(CSV);
        let outcomes = roster_outcomes(&l);
        let text = summary(
            &outcomes,
            &l.roster_issues,
            Path::new("out/report.json"),
            &s.catalog,
            Lang::En,
        );
        assert!(!text.contains("EA7654321"), "{text}");
        assert!(text.contains("EA****321"), "{text}");
        assert!(
            text.contains("2 employees: 1 ready, 1 need attention."),
            "{text}"
        );
    }

    #[test]
    fn every_roster_code_has_a_message() {
        let s = setup();
        let catalog_codes: Vec<&str> = s.catalog.codes().collect();
        let source = [
            include_str!("../roster/values.rs"),
            include_str!("../roster/rows.rs"),
            include_str!("../roster/mod.rs"),
            include_str!("../roster/company.rs"),
            include_str!("build.rs"),
            include_str!("init.rs"),
        ]
        .concat();
        let mut rest = source.as_str();
        let mut checked = 0;
        while let Some(i) = rest.find("\"roster.") {
            let tail = &rest[i + 1..];
            let end = tail.find('"').unwrap_or(0);
            let code = &tail[..end];
            let name = code.strip_prefix("roster.").unwrap_or("");
            let is_file = ["xlsx", "xls", "csv", "ods", "toml", "json"].contains(&name);
            if !name.is_empty()
                && !is_file
                && name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
            {
                assert!(catalog_codes.contains(&code), "no message for {code}");
                checked += 1;
            }
            rest = &tail[end..];
        }
        assert!(checked > 20);
    }

    #[test]
    fn atomic_write_replaces_the_file() {
        let dir = tempfile::tempdir().unwrap();
        write_atomic(dir.path(), "report.json", b"one").unwrap();
        write_atomic(dir.path(), "report.json", b"two").unwrap();
        assert_eq!(
            std::fs::read(dir.path().join("report.json")).unwrap(),
            b"two"
        );
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1);
    }
}
