//! Problems found by any stage: a stable dotted code, a severity, named arguments for the
//! message catalog, and where the problem is (sheet, row, cell, file).
//!
//! Stages never format user-facing sentences themselves: they emit a code plus arguments and
//! the [`crate::catalog`] turns them into Chinese and English text with a suggested action.

use crate::codes::Code;
use serde::{Deserialize, Serialize};

/// How bad a problem is. `Error` blocks an employee's readiness; `Warning` does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// Where a problem sits. Every field is optional: a roster cell has sheet, row and cell; a
/// photo problem has a file; a rule problem may have none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// 1-based sheet row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<u32>,
    /// A1-style cell reference, e.g. `C12`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    /// A file name as the user knows it (relative to the folder they gave), never a full
    /// path of the machine.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

/// One problem. `code` is dotted, family first (`roster.missing`, `photo.aspect`), made
/// from a [`Code`]; it stays a string to come back from the outcome spool and the cache.
/// Its serde form carries everything (the outcome spool); report.json shows issues in its
/// own shape, with the messages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Issue {
    pub code: String,
    pub severity: Severity,
    /// Named values the catalog substitutes into `{name}` placeholders.
    pub args: Vec<(String, String)>,
    pub at: Location,
}

impl Issue {
    pub fn new(code: Code, severity: Severity) -> Self {
        Issue {
            code: code.as_str().to_string(),
            severity,
            args: Vec::new(),
            at: Location::default(),
        }
    }
    pub fn error(code: Code) -> Self {
        Self::new(code, Severity::Error)
    }
    pub fn warning(code: Code) -> Self {
        Self::new(code, Severity::Warning)
    }
    /// Adds a named argument for the message catalog.
    pub fn arg(mut self, name: &str, value: impl ToString) -> Self {
        self.args.push((name.to_string(), value.to_string()));
        self
    }
    pub fn sheet(mut self, sheet: impl Into<String>) -> Self {
        self.at.sheet = Some(sheet.into());
        self
    }
    pub fn row(mut self, row: u32) -> Self {
        self.at.row = Some(row);
        self
    }
    pub fn cell(mut self, cell: impl Into<String>) -> Self {
        self.at.cell = Some(cell.into());
        self
    }
    pub fn file(mut self, file: impl Into<String>) -> Self {
        self.at.file = Some(file.into());
        self
    }
    /// The value of a named argument, if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.args
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

#[cfg(test)]
impl Issue {
    /// An issue whose code no catalog lists, as one kept by another build may carry: the
    /// catalog shows it as the code and its arguments.
    pub(crate) fn unlisted(code: &str, severity: Severity) -> Self {
        Issue {
            code: code.to_string(),
            ..Issue::new(crate::codes::INTERNAL_ERROR, severity)
        }
    }
}

/// A1 reference for a zero-based column and a 1-based row: `cell_ref(2, 12) == "C12"`.
pub fn cell_ref(col0: u32, row1: u32) -> String {
    format!("{}{}", column_letters(col0), row1)
}

/// Spreadsheet column letters for a zero-based index: 0 -> A, 25 -> Z, 26 -> AA.
pub fn column_letters(col0: u32) -> String {
    let mut n = col0 + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII letters")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes;

    #[test]
    fn column_letters_cover_rollover() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
        assert_eq!(cell_ref(2, 12), "C12");
    }

    #[test]
    fn builder_keeps_arguments_in_order() {
        let i = Issue::error(codes::ROSTER_MISSING)
            .arg("column", "Name")
            .sheet("Staff")
            .row(4)
            .cell("B4");
        assert_eq!(i.get("column"), Some("Name"));
        assert_eq!(i.at.cell.as_deref(), Some("B4"));
        assert!(i.is_error());
    }
}
