//! A typed view of report.json for assertions: the fields the tests read most, named as the
//! report names them, so a test says `r.employee(4).codes("roster.")` instead of walking
//! `serde_json::Value`s. What the view does not name stays reachable in `rest`.
#![allow(dead_code)]

use crate::util::Dir;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Deserialize)]
pub struct Report {
    pub as_of: String,
    pub roster: String,
    pub sheet: Option<String>,
    pub summary: Summary,
    pub employees: Vec<Employee>,
    pub roster_issues: Vec<Issue>,
    #[serde(flatten)]
    pub rest: BTreeMap<String, Value>,
}

#[derive(Debug, Deserialize, PartialEq, Eq)]
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

#[derive(Debug, Deserialize)]
pub struct Employee {
    pub row: u32,
    pub name: Option<String>,
    pub passport_no: Option<String>,
    pub category: Option<String>,
    pub category_raw: Option<String>,
    pub status: String,
    pub packet: Option<String>,
    pub checklist: Vec<Item>,
    pub issues: Vec<Issue>,
    #[serde(flatten)]
    pub rest: BTreeMap<String, Value>,
}

#[derive(Debug, Deserialize)]
pub struct Item {
    pub id: String,
    pub kind: String,
    pub status: String,
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
    pub args: BTreeMap<String, Value>,
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

    pub fn rows(&self) -> Vec<u32> {
        self.employees.iter().map(|e| e.row).collect()
    }

    /// `(code, cell)` of the roster-wide issues whose code starts with `family`, in order.
    pub fn roster_codes(&self, family: &str) -> Vec<(String, String)> {
        codes(&self.roster_issues, family)
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

    /// The first issue with `code`.
    pub fn issue(&self, code: &str) -> &Issue {
        self.issues
            .iter()
            .find(|i| i.code == code)
            .unwrap_or_else(|| panic!("row {}: no {code} in {:?}", self.row, self.codes("")))
    }

    /// The checklist line of item `id`.
    pub fn item(&self, id: &str) -> &Item {
        self.checklist
            .iter()
            .find(|i| i.id == id)
            .unwrap_or_else(|| panic!("row {}: no checklist item {id}", self.row))
    }
}

fn codes(issues: &[Issue], family: &str) -> Vec<(String, String)> {
    issues
        .iter()
        .filter(|i| i.code.starts_with(family))
        .map(|i| (i.code.clone(), i.cell.clone().unwrap_or_default()))
        .collect()
}
