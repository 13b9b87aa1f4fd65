//! report.json: the machine-readable contract for HR's own systems. Stable keys, employees
//! in roster row order, every stage's fields (the outcome's `details` flattened into each
//! employee), issues with their text in both languages and their location. Passport numbers
//! and salaries are unmasked: the file sits in the output folder beside the packets.
//! Deterministic: the only date is the as-of date. Written as a stream, one employee at a
//! time.

use super::{RunInfo, Summary};
use crate::catalog::Catalog;
use crate::issue::{Issue, Severity};
use crate::model::{Category, Company};
use crate::outcome::{ChecklistLine, EmployeeOutcome, Outcomes, Status, WindowState};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Map, Value};
use std::io::Write;

/// Version of the report.json layout; raised when a key changes meaning or disappears.
/// 2: checklist `status` no longer has `bring_original` (originals are `provided` or
/// `missing`, with `bring_original: true`); `photo` is an object with `ok: false` when no
/// photo was judged, never null.
pub const FORMAT_VERSION: u32 = 2;

/// Keys of an employee object that permitpack sets itself; a stage detail or roster field of
/// the same name is merged (objects) or kept under `<key>_detail` instead of replacing it.
const CORE_KEYS: &[&str] = &[
    "row",
    "sheet",
    "name",
    "chinese_name",
    "passport_no",
    "category",
    "status",
    "ready",
    "window_state",
    "days_left",
    "window_opens",
    "deadline",
    "term_years",
    "fee_rmb",
    "photo",
    "checklist",
    "packet",
    "uploads",
    "error_count",
    "warning_count",
    "issues",
];

#[derive(Serialize)]
#[serde(bound = "")]
struct Report<'a, O: Outcomes + ?Sized> {
    format_version: u32,
    tool: &'static str,
    tool_version: &'a str,
    as_of: NaiveDate,
    roster: &'a str,
    sheet: Option<&'a str>,
    photo_profile: &'a str,
    company: Value,
    summary: Summary,
    employees: Employees<'a, O>,
    roster_issues: Vec<IssueJson<'a>>,
    #[serde(flatten)]
    extra: &'a Map<String, Value>,
}

struct Employees<'a, O: ?Sized> {
    outcomes: &'a O,
    catalog: &'a Catalog,
}

impl<O: Outcomes + ?Sized> Serialize for Employees<'_, O> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let mut seq = s.serialize_seq(Some(self.outcomes.count()))?;
        for o in self.outcomes.each() {
            let o = o.map_err(S::Error::custom)?;
            seq.serialize_element(&employee_json(&o, self.catalog))?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
struct EmployeeJson<'a> {
    row: u32,
    sheet: &'a str,
    name: Option<&'a str>,
    chinese_name: Option<&'a str>,
    passport_no: Option<&'a str>,
    category: Option<Category>,
    status: Status,
    ready: bool,
    window_state: WindowState,
    days_left: Option<i64>,
    window_opens: Option<NaiveDate>,
    deadline: Option<NaiveDate>,
    term_years: Option<f64>,
    fee_rmb: Option<i64>,
    photo: Value,
    checklist: &'a [ChecklistLine],
    packet: Option<&'a str>,
    /// The packet's `upload/` files with their sizes and pages.
    uploads: &'a [crate::outcome::UploadLine],
    error_count: usize,
    warning_count: usize,
    issues: Vec<IssueJson<'a>>,
    /// The other roster fields and every stage's details.
    #[serde(flatten)]
    more: Map<String, Value>,
}

/// An issue as report.json shows it: location keys always present (null when unknown).
#[derive(Serialize)]
pub(crate) struct IssueJson<'a> {
    code: &'a str,
    severity: Severity,
    message: String,
    message_zh: String,
    action: String,
    action_zh: String,
    sheet: Option<&'a str>,
    row: Option<u32>,
    cell: Option<&'a str>,
    file: Option<&'a str>,
    args: Map<String, Value>,
}

pub(crate) fn issue_json<'a>(issue: &'a Issue, catalog: &Catalog) -> IssueJson<'a> {
    let t = catalog.text(issue);
    IssueJson {
        code: &issue.code,
        severity: issue.severity,
        message: t.message,
        message_zh: t.message_zh,
        action: t.action,
        action_zh: t.action_zh,
        sheet: issue.at.sheet.as_deref(),
        row: issue.at.row,
        cell: issue.at.cell.as_deref(),
        file: issue.at.file.as_deref(),
        args: issue
            .args
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    }
}

fn employee_json<'a>(o: &'a EmployeeOutcome, catalog: &Catalog) -> EmployeeJson<'a> {
    let e = &o.employee;
    let mut more = Map::new();
    // The roster fields not already above, with two renames for clarity: the photo file name
    // (the `photo` key holds the verdict) and the salary, which is in fen.
    if let Ok(Value::Object(fields)) = serde_json::to_value(e) {
        for (k, v) in fields {
            let key = match k.as_str() {
                "photo" => "photo_file".to_string(),
                "annual_salary" => "annual_salary_fen".to_string(),
                _ if CORE_KEYS.contains(&k.as_str()) => continue,
                _ => k,
            };
            more.insert(key, v);
        }
    }
    // No photo judged (none found, unreadable, refused before judging) is a photo that is
    // not OK: `ok` is false, never absent or null.
    let mut photo = match &o.photo {
        Some(p) => serde_json::to_value(p).unwrap_or(Value::Null),
        None => serde_json::json!({ "file": null, "ok": false }),
    };
    for (k, v) in &o.details {
        if k == "photo" {
            merge_into(&mut photo, v);
        } else if CORE_KEYS.contains(&k.as_str()) || more.contains_key(k) {
            more.insert(format!("{k}_detail"), v.clone());
        } else {
            more.insert(k.clone(), v.clone());
        }
    }
    EmployeeJson {
        row: e.row,
        sheet: &e.sheet,
        name: e.name.as_deref(),
        chinese_name: e.chinese_name.as_deref(),
        passport_no: e.passport_no.as_deref(),
        category: e.category,
        status: o.status,
        ready: o.ready,
        window_state: o.window_state,
        days_left: o.days_left,
        window_opens: o.window_opens,
        deadline: o.deadline,
        term_years: o.term_years,
        fee_rmb: o.fee_rmb,
        photo,
        checklist: &o.checklist,
        packet: o.packet.as_deref(),
        uploads: &o.uploads,
        error_count: o.error_count(),
        warning_count: o.warning_count(),
        issues: o.issues.iter().map(|i| issue_json(i, catalog)).collect(),
        more,
    }
}

/// The company object with where its details came from.
fn company_json(company: &Company, source: &Value) -> Value {
    let mut v = serde_json::to_value(company).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        m.insert("source".into(), source.clone());
    }
    v
}

/// Merges a stage's photo details into the photo verdict object; the verdict's own keys win.
fn merge_into(photo: &mut Value, details: &Value) {
    match (photo, details) {
        (Value::Object(p), Value::Object(d)) => {
            for (k, v) in d {
                p.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        (p @ Value::Null, d) => *p = d.clone(),
        (Value::Object(p), d) => {
            p.insert("details".into(), d.clone());
        }
        _ => {}
    }
}

/// Streams report.json into `w` (pretty-printed, UTF-8, trailing newline).
pub fn write<W: Write, O: Outcomes + ?Sized>(
    w: W,
    run: &RunInfo,
    outcomes: &O,
    catalog: &Catalog,
) -> serde_json::Result<()> {
    let summary = Summary::read(outcomes, &run.roster_issues).map_err(serde_json::Error::io)?;
    write_with(w, run, outcomes, &summary, catalog)
}

/// [`write`] with the summary already counted.
pub(crate) fn write_with<W: Write, O: Outcomes + ?Sized>(
    mut w: W,
    run: &RunInfo,
    outcomes: &O,
    summary: &Summary,
    catalog: &Catalog,
) -> serde_json::Result<()> {
    let report = Report {
        format_version: FORMAT_VERSION,
        tool: "permitpack",
        tool_version: &run.tool_version,
        as_of: run.as_of,
        roster: &run.roster,
        sheet: run.sheet.as_deref(),
        photo_profile: &run.photo_profile,
        company: company_json(&run.company, &run.company_source),
        summary: *summary,
        employees: Employees { outcomes, catalog },
        roster_issues: run
            .roster_issues
            .iter()
            .map(|i| issue_json(i, catalog))
            .collect(),
        extra: &run.extra,
    };
    serde_json::to_writer_pretty(&mut w, &report)?;
    w.write_all(b"\n").map_err(serde_json::Error::io)
}

/// report.json in memory.
pub fn render<O: Outcomes + ?Sized>(
    run: &RunInfo,
    outcomes: &O,
    catalog: &Catalog,
) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::new();
    write(&mut out, run, outcomes, catalog)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::testdata;
    use super::*;
    use crate::assets::Templates;
    use crate::catalog::Lang;
    use crate::codes;

    fn parsed() -> Value {
        let cat = Catalog::load(&Templates::builtin()).unwrap();
        let bytes = render(&testdata::run(Lang::Both), &testdata::outcomes(), &cat).unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[test]
    fn header_and_summary() {
        let v = parsed();
        assert_eq!(v["format_version"], 2);
        assert_eq!(v["as_of"], "2026-11-26");
        assert_eq!(v["roster"], "员工名册 roster.xlsx");
        assert_eq!(v["sheet"], "Staff");
        assert_eq!(v["company"]["uscc"], "91440300MA5G2X3Y4K");
        let n = v["employees"].as_array().unwrap().len();
        assert_eq!(v["summary"]["employees"], n);
        assert_eq!(
            v["roster_issues"][0]["code"],
            codes::ROSTER_UNKNOWN_COLUMN.as_str()
        );
        assert_eq!(v["roster_issues"][0]["cell"], "S3");
    }

    #[test]
    fn employees_in_row_order_with_every_stage_field() {
        let v = parsed();
        let emps = v["employees"].as_array().unwrap();
        let rows: Vec<u64> = emps.iter().map(|e| e["row"].as_u64().unwrap()).collect();
        let mut sorted = rows.clone();
        sorted.sort();
        assert_eq!(rows, sorted);
        let e = &emps[0];
        assert_eq!(e["passport_no"], "E12345678", "unmasked in the file");
        assert_eq!(e["status"], "ready");
        assert_eq!(e["category"], "B6");
        assert_eq!(e["term_years"], 1.0);
        assert_eq!(e["fee_rmb"], 800);
        assert_eq!(e["deadline"], "2027-01-15");
        assert_eq!(e["annual_salary_fen"], 48_000_000);
        assert_eq!(e["photo_file"], "E12345678.jpg");
        assert_eq!(e["photo"]["ok"], true);
        assert_eq!(e["photo"]["width_px"], 413, "details merged into photo");
        assert_eq!(e["eligibility"]["window"], "open", "details flattened");
        assert_eq!(e["cells"]["passport_no"], "D4");
        assert_eq!(e["checklist"][0]["id"], "wp_extension_form");
        assert_eq!(e["packet"], "E12345678_SMITH_JOHN.zip");
        assert!(e.get("window_state").is_some());
    }

    #[test]
    fn issues_carry_both_languages_and_location() {
        let v = parsed();
        let e = &v["employees"][2];
        let issue = e["issues"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["code"] == codes::ROSTER_BAD_DATE.as_str())
            .unwrap();
        assert_eq!(issue["severity"], "error");
        assert_eq!(
            issue["message"],
            "居留许可到期 RP expiry: '2027/13/45' is not a date permitpack can read."
        );
        assert_eq!(
            issue["message_zh"],
            "“居留许可到期 RP expiry”：“2027/13/45”不是可识别的日期。"
        );
        assert!(issue["action_zh"].as_str().is_some_and(|a| !a.is_empty()));
        assert_eq!(issue["sheet"], "Staff");
        assert_eq!(issue["cell"], "H6");
        assert_eq!(issue["file"], Value::Null, "location keys always present");
        assert_eq!(issue["args"]["value"], "2027/13/45");
        assert_eq!(e["error_count"].as_u64().unwrap() as usize, 2);
    }

    #[test]
    fn colliding_detail_keys_do_not_replace_core_fields() {
        let cat = Catalog::load(&Templates::builtin()).unwrap();
        let mut outcomes = testdata::outcomes();
        outcomes[0]
            .details
            .insert("status".into(), Value::String("stage status".into()));
        // The photo verdict's own keys win over the photo stage's details.
        outcomes[0].details["photo"]["ok"] = Value::Bool(false);
        let bytes = render(&testdata::run(Lang::En), &outcomes, &cat).unwrap();
        let v: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(v["employees"][0]["status"], "ready");
        assert_eq!(v["employees"][0]["status_detail"], "stage status");
        assert_eq!(v["employees"][0]["photo"]["ok"], true);
        assert_eq!(v["employees"][0]["photo"]["width_px"], 413);
    }

    #[test]
    fn a_photo_not_judged_is_not_ok_never_null() {
        let cat = Catalog::load(&Templates::builtin()).unwrap();
        let mut outcomes = testdata::outcomes();
        outcomes[0].photo = None;
        outcomes[0].details.remove("photo");
        let bytes = render(&testdata::run(Lang::En), &outcomes, &cat).unwrap();
        let v: Value = serde_json::from_slice(&bytes).unwrap();
        let photo = &v["employees"][0]["photo"];
        assert!(photo.is_object(), "{photo}");
        assert_eq!(photo["ok"], false);
        assert_eq!(photo["file"], Value::Null);
        for e in v["employees"].as_array().unwrap() {
            assert!(e["photo"]["ok"].is_boolean(), "{}", e["photo"]);
        }
    }

    #[test]
    fn deterministic() {
        let cat = Catalog::load(&Templates::builtin()).unwrap();
        let a = render(&testdata::run(Lang::Both), &testdata::outcomes(), &cat).unwrap();
        let b = render(&testdata::run(Lang::Both), &testdata::outcomes(), &cat).unwrap();
        assert_eq!(a, b);
        assert!(a.ends_with(b"}\n"));
    }
}
