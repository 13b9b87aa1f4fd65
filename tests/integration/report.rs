//! A typed view of report.json for assertions: the fields the tests read most, named as the
//! report names them, so a test says `report.employee(4).issue("photo.background")` instead of
//! walking `serde_json::Value`s. What the view does not name stays reachable in `rest`.
#![allow(dead_code)]

use crate::util::Dir;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Deserialize)]
pub struct Report {
    pub format_version: u32,
    pub as_of: String,
    pub roster: String,
    pub sheet: Option<String>,
    pub company: Company,
    pub summary: Summary,
    pub employees: Vec<Employee>,
    pub roster_issues: Vec<Issue>,
    #[serde(flatten)]
    pub rest: BTreeMap<String, Value>,
}

#[derive(Debug, Deserialize)]
pub struct Company {
    pub name_zh: Option<String>,
    pub name_en: Option<String>,
    #[serde(flatten)]
    pub rest: BTreeMap<String, Value>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Summary {
    pub employees: usize,
    pub ready: usize,
    pub attention: usize,
    pub not_yet: usize,
    pub too_late: usize,
    pub errors: usize,
    pub warnings: usize,
    pub later_errors: usize,
    pub packets: usize,
}

impl Summary {
    /// The count of a status by its report.json name (`ready`, `not_yet`, ...); `None` for a
    /// name that is no status.
    pub fn count(&self, status: &str) -> Option<usize> {
        match status {
            "ready" => Some(self.ready),
            "attention" => Some(self.attention),
            "not_yet" => Some(self.not_yet),
            "too_late" => Some(self.too_late),
            _ => None,
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct Employee {
    pub row: u32,
    pub name: Option<String>,
    pub passport_no: Option<String>,
    pub category: Option<String>,
    pub category_raw: Option<String>,
    pub status: String,
    pub ready: bool,
    pub window_state: String,
    pub days_left: Option<i64>,
    pub deadline: Option<String>,
    pub term_years: Option<f64>,
    pub fee_rmb: Option<i64>,
    pub photo: Photo,
    pub packet: Option<String>,
    pub checklist: Vec<Item>,
    pub uploads: Vec<Upload>,
    pub error_count: usize,
    pub issues: Vec<Issue>,
    /// The packet's files in order (written by `build`, absent after `check`).
    #[serde(default)]
    pub packet_entries: Vec<Entry>,
    /// What HR types into the platform, field by field in the platform's order.
    #[serde(default)]
    pub platform_form: Vec<FormField>,
    /// The rules' verdict on the window (absent when the rules did not run).
    pub eligibility: Option<Eligibility>,
    #[serde(flatten)]
    pub rest: BTreeMap<String, Value>,
}

/// The `eligibility` object: the window and the deadline the rules judged.
#[derive(Debug, Deserialize, PartialEq)]
pub struct Eligibility {
    pub state: Option<String>,
    pub days_left: Option<i64>,
    pub window_opens: Option<String>,
    pub deadline: Option<String>,
    pub deadline_by_age: Option<bool>,
    #[serde(flatten)]
    pub rest: BTreeMap<String, Value>,
}

/// The photo verdict, with the photo stage's measurements in `rest`.
#[derive(Debug, Deserialize)]
pub struct Photo {
    pub ok: bool,
    pub file: Option<String>,
    /// Pixels, as the photo stage measured them.
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// The share of the background in the backdrop's colour.
    pub background_share: Option<f64>,
    #[serde(flatten)]
    pub rest: BTreeMap<String, Value>,
}

#[derive(Debug, Deserialize, PartialEq)]
pub struct Item {
    pub id: String,
    pub kind: String,
    pub status: String,
    pub optional: bool,
    pub bring_original: bool,
    pub how_zh: String,
    pub how_en: String,
    pub files: Vec<String>,
    #[serde(flatten)]
    pub rest: BTreeMap<String, Value>,
}

#[derive(Debug, Deserialize)]
pub struct Issue {
    pub code: String,
    pub severity: String,
    pub message: String,
    pub message_zh: String,
    pub action: String,
    pub action_zh: String,
    pub sheet: Option<String>,
    pub row: Option<u32>,
    pub cell: Option<String>,
    pub file: Option<String>,
    #[serde(default)]
    pub args: BTreeMap<String, String>,
}

/// A file of the packet's `upload/` folder.
#[derive(Debug, Deserialize)]
pub struct Upload {
    pub entry: String,
    pub item_id: String,
    pub bytes: u64,
    pub pages: usize,
    pub files: Vec<String>,
    /// How it was made from HR's files: `{"kind": "passed_through"}`, ...
    pub how: Value,
    pub within_budget: bool,
}

/// An entry of the packet zip and the item it stands for.
#[derive(Debug, Deserialize)]
pub struct Entry {
    pub entry: String,
    pub item_id: String,
    /// The file it was made from, as HR named it (none for what permitpack wrote).
    pub original: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct FormField {
    pub section: String,
    pub section_en: String,
    pub field: String,
    pub label_zh: String,
    pub label_en: String,
    pub value: String,
    pub source: String,
    pub note: String,
    pub note_zh: String,
    pub verified: bool,
}

impl Report {
    /// OUT/report.json under `out` in `dir`.
    pub fn read(dir: &Dir, out: &str) -> Report {
        let bytes = dir.read(Path::new(out).join("report.json"));
        serde_json::from_slice(&bytes).expect("report.json has the shape of a report")
    }

    /// The view of a report.json already parsed.
    pub fn of(json: &Value) -> Report {
        serde_json::from_value(json.clone()).expect("report.json has the shape of a report")
    }

    /// The employee on roster row `row`.
    pub fn employee(&self, row: u32) -> &Employee {
        self.employees
            .iter()
            .find(|e| e.row == row)
            .unwrap_or_else(|| panic!("no employee at row {row} in {:?}", self.rows()))
    }

    /// The employee with passport number `passport`.
    pub fn by_passport(&self, passport: &str) -> &Employee {
        self.employees
            .iter()
            .find(|e| e.passport_no.as_deref() == Some(passport))
            .unwrap_or_else(|| panic!("no employee with passport {passport}"))
    }

    pub fn rows(&self) -> Vec<u32> {
        self.employees.iter().map(|e| e.row).collect()
    }

    /// The employees' names in roster order (empty for a row without one).
    pub fn names(&self) -> Vec<&str> {
        self.employees
            .iter()
            .map(|e| e.name.as_deref().unwrap_or(""))
            .collect()
    }

    /// `(code, cell)` of the roster-wide issues whose code starts with `family`, in order.
    pub fn roster_codes(&self, family: &str) -> Vec<(String, String)> {
        codes(&self.roster_issues, family)
    }

    /// The first roster-wide issue with `code`.
    pub fn roster_issue(&self, code: &str) -> &Issue {
        self.roster_issues
            .iter()
            .find(|i| i.code == code)
            .unwrap_or_else(|| panic!("no {code} in {:?}", self.roster_codes("")))
    }

    /// Every roster-wide issue with `code`, in order.
    pub fn roster_issues_of(&self, code: &str) -> Vec<&Issue> {
        self.roster_issues
            .iter()
            .filter(|i| i.code == code)
            .collect()
    }

    /// The codes of the roster-wide issues, in order.
    pub fn roster_issue_codes(&self) -> Vec<&str> {
        self.roster_issues.iter().map(|i| i.code.as_str()).collect()
    }

    /// Every issue of the run, the roster's and each employee's, in report order.
    pub fn all_issues(&self) -> impl Iterator<Item = &Issue> {
        self.roster_issues
            .iter()
            .chain(self.employees.iter().flat_map(|e| &e.issues))
    }
}

impl Employee {
    /// The view of one employee object of report.json.
    pub fn of(json: &Value) -> Employee {
        serde_json::from_value(json.clone()).expect("an employee of report.json")
    }

    /// `(code, cell)` of the issues whose code starts with `family`, in order.
    pub fn codes(&self, family: &str) -> Vec<(String, String)> {
        codes(&self.issues, family)
    }

    /// The codes of all its issues, in order.
    pub fn issue_codes(&self) -> Vec<&str> {
        self.issues.iter().map(|i| i.code.as_str()).collect()
    }

    /// The codes of its errors, in order.
    pub fn error_codes(&self) -> Vec<&str> {
        self.codes_of("error")
    }

    /// The codes of its warnings, in order.
    pub fn warning_codes(&self) -> Vec<&str> {
        self.codes_of("warning")
    }

    fn codes_of(&self, severity: &str) -> Vec<&str> {
        self.issues
            .iter()
            .filter(|i| i.severity == severity)
            .map(|i| i.code.as_str())
            .collect()
    }

    /// The first issue with `code`.
    pub fn issue(&self, code: &str) -> &Issue {
        self.issues
            .iter()
            .find(|i| i.code == code)
            .unwrap_or_else(|| panic!("row {}: no {code} in {:?}", self.row, self.codes("")))
    }

    /// Every issue with `code`, in order.
    pub fn issues_of(&self, code: &str) -> Vec<&Issue> {
        self.issues.iter().filter(|i| i.code == code).collect()
    }

    /// The checklist line of item `id`.
    pub fn item(&self, id: &str) -> &Item {
        self.checklist
            .iter()
            .find(|i| i.id == id)
            .unwrap_or_else(|| panic!("row {}: no checklist item {id}", self.row))
    }

    /// The ids of the checklist items of `status` (`missing`, `provided`, ...), in order.
    pub fn items_in(&self, status: &str) -> Vec<&str> {
        self.checklist
            .iter()
            .filter(|i| i.status == status)
            .map(|i| i.id.as_str())
            .collect()
    }

    /// The packet's entry names, in order.
    pub fn entries(&self) -> Vec<&str> {
        self.packet_entries
            .iter()
            .map(|e| e.entry.as_str())
            .collect()
    }

    /// The packet's file name; panics when the employee has none.
    pub fn packet(&self) -> &str {
        self.packet
            .as_deref()
            .unwrap_or_else(|| panic!("row {}: no packet", self.row))
    }

    /// The rules' verdict on the window; panics when the rules did not run.
    pub fn eligibility(&self) -> &Eligibility {
        self.eligibility
            .as_ref()
            .unwrap_or_else(|| panic!("row {}: no eligibility", self.row))
    }

    /// The platform form's field `field`.
    pub fn form_field(&self, field: &str) -> &FormField {
        self.platform_form
            .iter()
            .find(|f| f.field == field)
            .unwrap_or_else(|| panic!("row {}: no platform field {field}", self.row))
    }

    /// One of the fields the view does not name (a roster field, a stage's details).
    pub fn field(&self, key: &str) -> &Value {
        self.rest.get(key).unwrap_or(&Value::Null)
    }
}

impl Item {
    pub fn files(&self) -> Vec<&str> {
        self.files.iter().map(String::as_str).collect()
    }
}

impl Issue {
    /// The argument `name` the catalog put into the message; panics when it is absent.
    pub fn arg(&self, name: &str) -> &str {
        self.args
            .get(name)
            .unwrap_or_else(|| panic!("{}: no argument {name} in {:?}", self.code, self.args))
    }
}

fn codes(issues: &[Issue], family: &str) -> Vec<(String, String)> {
    issues
        .iter()
        .filter(|i| i.code.starts_with(family))
        .map(|i| (i.code.clone(), i.cell.clone().unwrap_or_default()))
        .collect()
}
