//! Which data fields a template needs, and the check that they are present. A template
//! declares them in comment lines of its own text, so whoever edits the wording also edits
//! the list:
//!
//! ```text
//! // permitpack:requires employee.name employee.passport_no company.name_zh
//! ```
//!
//! A required field that is absent, `null`, blank or an empty list is a
//! `template.missing_field` issue naming the field (in words, from the message catalog's
//! `template.field.*` entries) and the employee, never a blank on the page.

use super::data::RowRef;
use crate::catalog::Catalog;
use crate::codes;
use crate::issue::Issue;
use serde_json::Value;
use std::collections::BTreeMap;

const MARKER: &str = "permitpack:requires";

/// Dotted field paths required by a template, from its `// permitpack:requires` lines, in
/// order of appearance and without duplicates.
pub fn required_fields(source: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in source.lines() {
        let Some(rest) = line.trim_start().strip_prefix("//") else {
            continue;
        };
        let Some(list) = rest.trim_start().strip_prefix(MARKER) else {
            continue;
        };
        for path in list.split(|c: char| c.is_whitespace() || c == ',') {
            let path = path.trim();
            if !path.is_empty() && !out.iter().any(|p| p == path) {
                out.push(path.to_string());
            }
        }
    }
    out
}

/// The value at a dotted path; `None` when a key on the way does not exist.
pub fn lookup<'a>(data: &'a Value, path: &str) -> Option<&'a Value> {
    let mut v = data;
    for key in path.split('.') {
        v = match v {
            Value::Object(map) => map.get(key)?,
            Value::Array(items) => items.get(key.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(v)
}

/// Whether a value counts as missing on a document.
pub fn is_missing(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.trim().is_empty(),
        Some(Value::Array(a)) => a.is_empty(),
        Some(_) => false,
    }
}

/// One issue per required field that is missing from `data`.
pub fn check(
    required: &[String],
    data: &Value,
    labels: &Labels,
    employee: &str,
    document: &str,
    source: &RowRef,
) -> Vec<Issue> {
    let (doc_en, doc_zh) = labels.document(document);
    required
        .iter()
        .filter(|path| is_missing(lookup(data, path)))
        .map(|path| {
            let (en, zh) = labels.field(path);
            let issue = Issue::error(codes::TEMPLATE_MISSING_FIELD)
                .arg("employee", employee)
                .arg("field", en)
                .arg("field_zh", zh)
                .arg("document", &doc_en)
                .arg("document_zh", &doc_zh);
            locate(issue, path, source)
        })
        .collect()
}

/// Points an issue about an employee field (`employee.*`) at the roster: the cell when the
/// roster had that column, else the employee's row. Other fields (company, checklist) come
/// from elsewhere and get no roster location.
pub fn locate(issue: Issue, path: &str, source: &RowRef) -> Issue {
    let Some(rest) = path.strip_prefix("employee.") else {
        return issue;
    };
    if source.row == 0 {
        return issue;
    }
    let issue = issue.sheet(source.sheet.clone()).row(source.row);
    let key = rest.split('.').next().unwrap_or(rest);
    match source.cells.get(key) {
        Some(cell) => issue.cell(cell.clone()),
        None => issue,
    }
}

/// Human names of fields and documents from the catalog (`template.field.employee.name`,
/// `template.document.salary_certificate`), so messages say "passport number / 护照号码"
/// rather than a path.
#[derive(Debug, Clone, Default)]
pub struct Labels {
    names: BTreeMap<String, (String, String)>,
}

impl Labels {
    pub fn from_catalog(catalog: &Catalog) -> Labels {
        let mut names = BTreeMap::new();
        for code in catalog.codes() {
            let key = code
                .strip_prefix("template.field.")
                .map(|k| format!("field:{k}"))
                .or_else(|| {
                    code.strip_prefix("template.document.")
                        .map(|k| format!("document:{k}"))
                });
            if let Some(key) = key {
                names.insert(
                    key,
                    (catalog.ui_one(code, false), catalog.ui_one(code, true)),
                );
            }
        }
        Labels { names }
    }

    /// English and Chinese name of a field path; list indices are ignored for the look-up
    /// (`checklist.3.how_zh` uses `template.field.checklist.how_zh`). Unknown paths are
    /// named by the path itself.
    pub fn field(&self, path: &str) -> (String, String) {
        let generic: Vec<&str> = path
            .split('.')
            .filter(|s| s.parse::<usize>().is_err())
            .collect();
        match self.names.get(&format!("field:{}", generic.join("."))) {
            Some((en, zh)) => (en.clone(), zh.clone()),
            None => (path.to_string(), path.to_string()),
        }
    }

    /// English and Chinese name of a document (template stem).
    pub fn document(&self, stem: &str) -> (String, String) {
        match self.names.get(&format!("document:{stem}")) {
            Some((en, zh)) => (en.clone(), zh.clone()),
            None => (stem.to_string(), stem.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::Templates;
    use serde_json::json;

    #[test]
    fn requires_lines_are_collected_in_order() {
        let src = "// permitpack:requires a.b c.d\n#let x = 1\n  //permitpack:requires c.d, e\n// other comment a.z\n";
        assert_eq!(required_fields(src), vec!["a.b", "c.d", "e"]);
        assert!(required_fields("#set page()").is_empty());
    }

    #[test]
    fn missing_means_absent_null_blank_or_empty() {
        let data = json!({"e": {"name": " ", "n": null, "ok": "x", "list": [], "num": 0}});
        assert!(is_missing(lookup(&data, "e.name")));
        assert!(is_missing(lookup(&data, "e.n")));
        assert!(is_missing(lookup(&data, "e.absent")));
        assert!(is_missing(lookup(&data, "e.list")));
        assert!(!is_missing(lookup(&data, "e.ok")));
        assert!(!is_missing(lookup(&data, "e.num")));
        assert_eq!(
            lookup(&json!({"a": [1, {"b": 2}]}), "a.1.b"),
            Some(&json!(2))
        );
    }

    #[test]
    fn missing_field_issue_names_field_employee_and_cell() {
        let labels = Labels::from_catalog(&Catalog::load(&Templates::builtin()).unwrap());
        let mut source = RowRef {
            sheet: "Staff".into(),
            row: 9,
            ..Default::default()
        };
        source.cells.insert("passport_no".into(), "D9".into());
        let data = json!({"employee": {"passport_no": null, "name": "A"}, "company": {}});
        let req = vec![
            "employee.passport_no".to_string(),
            "employee.name".to_string(),
            "company.legal_representative".to_string(),
        ];
        let issues = check(&req, &data, &labels, "A", "guarantee_letter", &source);
        assert_eq!(issues.len(), 2);
        let pp = &issues[0];
        assert_eq!(pp.code, codes::TEMPLATE_MISSING_FIELD);
        assert_eq!(pp.get("field"), Some("passport number"));
        assert_eq!(pp.get("field_zh"), Some("护照号码"));
        assert_eq!(pp.get("employee"), Some("A"));
        assert_eq!(pp.at.cell.as_deref(), Some("D9"));
        // An employee field whose column the roster lacked points at the row.
        source.cells.clear();
        let row_only = check(&req[..1], &data, &labels, "A", "cover", &source);
        assert_eq!(row_only[0].at.row, Some(9));
        assert_eq!(row_only[0].at.cell, None);
        let rep = &issues[1];
        assert_eq!(rep.get("field_zh"), Some("法定代表人"));
        assert_eq!(
            rep.at.row, None,
            "a company field is not on the employee's row"
        );
        assert_eq!(rep.get("document_zh"), Some("证明（担保）函"));
    }
}
