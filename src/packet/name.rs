//! Packet file names: `<PASSPORT>_<NAME>.zip`, safe on Windows, macOS and Linux whatever the
//! roster says, and unique within a batch even when two rows share a passport number or
//! differ only in letter case (Windows and macOS folders ignore case).

use crate::fsutil::safe_file_name;
use crate::model::Employee;
use std::collections::HashSet;

/// Longest packet file name in UTF-8 bytes, `.zip` and any duplicate suffix included. Well
/// under every file system's 255-byte limit, leaving room for the temporary-file prefix and
/// suffix and for deep output folders on Windows.
pub const MAX_NAME_BYTES: usize = 100;

/// Longest passport part of a name; real passport numbers have at most 9-10 characters.
const MAX_PASSPORT_BYTES: usize = 20;

/// Room kept for a duplicate suffix such as `_row12345_2`.
const SUFFIX_ROOM: usize = 16;

/// The packet file name of one employee, before de-duplication: `E12345678_SMITH_JOHN.zip`.
/// The passport number is upper-cased; the name is the passport (Latin) name upper-cased as
/// in the passport's machine-readable zone, or the Chinese name when there is no Latin one.
/// A missing passport number gives `ROW<n>` so the row can still be found.
pub fn file_name(passport: Option<&str>, name: Option<&str>, row: u32) -> String {
    stem(passport, name, row, MAX_NAME_BYTES - ".zip".len()) + ".zip"
}

fn stem(passport: Option<&str>, name: Option<&str>, row: u32, max: usize) -> String {
    // A value with nothing usable in it (".", "/") counts as missing.
    let usable = |s: String| (s != "_").then_some(s);
    let passport = passport
        .and_then(|p| usable(safe_file_name(&p.to_uppercase(), MAX_PASSPORT_BYTES)))
        .unwrap_or_else(|| format!("ROW{row}"));
    let room = max.saturating_sub(passport.len() + 1);
    let name = name.and_then(|n| usable(safe_file_name(&n.to_uppercase(), room)));
    let stem = match name {
        Some(n) => format!("{passport}_{n}"),
        None => passport,
    };
    // The combination may still need the sanitiser (e.g. a device name as passport number).
    safe_file_name(&stem, max)
}

/// Hands out packet file names for a batch, in roster row order, so that no two employees
/// share a name. Case and Unicode form are ignored when comparing, as Windows and macOS do.
/// The first employee keeps the plain name; a later one gets `_row<n>` (and `_2`, `_3`... in
/// the unlikely case that is taken too). Call it sequentially, in row order, for
/// deterministic names.
#[derive(Debug, Default)]
pub struct PacketNames {
    taken: HashSet<String>,
}

impl PacketNames {
    pub fn new() -> Self {
        Self::default()
    }

    /// The unique packet file name for `employee` (see [`file_name`]).
    pub fn claim(&mut self, employee: &Employee) -> String {
        let name = employee
            .name
            .as_deref()
            .filter(|n| !n.trim().is_empty())
            .or(employee.chinese_name.as_deref());
        self.claim_parts(employee.passport_no.as_deref(), name, employee.row)
    }

    /// [`claim`](Self::claim) from the parts of a name.
    pub fn claim_parts(&mut self, passport: Option<&str>, name: Option<&str>, row: u32) -> String {
        let plain = file_name(passport, name, row);
        if self.taken.insert(fold(&plain)) {
            return plain;
        }
        let base = stem(
            passport,
            name,
            row,
            MAX_NAME_BYTES - ".zip".len() - SUFFIX_ROOM,
        );
        let mut n = 1u32;
        loop {
            let candidate = if n == 1 {
                format!("{base}_row{row}.zip")
            } else {
                format!("{base}_row{row}_{n}.zip")
            };
            if self.taken.insert(fold(&candidate)) {
                return candidate;
            }
            n += 1;
        }
    }

    /// How many names were handed out.
    pub fn len(&self) -> usize {
        self.taken.len()
    }

    pub fn is_empty(&self) -> bool {
        self.taken.is_empty()
    }
}

/// Comparison key: the names are already NFC (from `safe_file_name`); fold the case.
fn fold(name: &str) -> String {
    name.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fsutil::safe_file_name;

    #[test]
    fn plain_names() {
        assert_eq!(
            file_name(Some("e12345678"), Some("Smith John"), 4),
            "E12345678_SMITH_JOHN.zip"
        );
        assert_eq!(file_name(None, Some("Smith"), 7), "ROW7_SMITH.zip");
        assert_eq!(file_name(Some("E1"), None, 7), "E1.zip");
        assert_eq!(file_name(Some("  "), Some("  "), 9), "ROW9.zip");
        assert_eq!(
            file_name(Some("G0123"), Some("王小明"), 3),
            "G0123_王小明.zip"
        );
    }

    #[test]
    fn hostile_roster_values_stay_inside_the_folder() {
        let cases = [
            (Some("../../.."), Some("../../etc/passwd")),
            (Some("CON"), Some("NUL")),
            (Some("a\\b"), Some("c:d")),
            (Some("E1\u{0}"), Some("x\u{202E}piz.exe")),
            (Some("."), Some(".")),
        ];
        for (p, n) in cases {
            let name = file_name(p, n, 5);
            assert!(!name.contains(['/', '\\', ':', '\0']), "{name}");
            assert!(!name.starts_with('.'), "{name}");
            let first = name.split('.').next().unwrap_or("").to_uppercase();
            assert!(!["CON", "NUL", ""].contains(&first.as_str()), "{name}");
            assert!(name.ends_with(".zip"));
            assert_eq!(
                safe_file_name(&name, MAX_NAME_BYTES),
                name,
                "stable: {name}"
            );
        }
        assert_eq!(file_name(Some("CON"), None, 1), "_CON.zip");
        assert_eq!(file_name(Some("."), Some("/"), 5), "ROW5.zip");
    }

    #[test]
    fn long_names_are_capped_in_bytes() {
        let long = "Ñ".repeat(200);
        let name = file_name(Some("E12345678"), Some(&long), 2);
        assert!(name.len() <= MAX_NAME_BYTES, "{}", name.len());
        assert!(name.starts_with("E12345678_Ñ"));
        assert!(name.ends_with(".zip"));
    }

    #[test]
    fn duplicates_get_row_suffixes_case_insensitively() {
        let mut names = PacketNames::new();
        assert_eq!(names.claim_parts(Some("E1"), Some("Li"), 4), "E1_LI.zip");
        assert_eq!(
            names.claim_parts(Some("e1"), Some("li"), 9),
            "E1_LI_row9.zip"
        );
        assert_eq!(
            names.claim_parts(Some("E1"), Some("LI"), 9),
            "E1_LI_row9_2.zip"
        );
        assert_eq!(names.len(), 3);
        let long = "A".repeat(300);
        let a = names.claim_parts(Some("E2"), Some(&long), 10);
        let b = names.claim_parts(Some("E2"), Some(&long), 11);
        assert_ne!(a, b);
        assert!(
            b.len() <= MAX_NAME_BYTES && b.ends_with("_row11.zip"),
            "{b}"
        );
    }

    #[test]
    fn claim_uses_the_chinese_name_when_there_is_no_latin_one() {
        let mut names = PacketNames::new();
        let e = Employee {
            row: 3,
            passport_no: Some("E7".into()),
            chinese_name: Some("李雷".into()),
            name: Some(" ".into()),
            ..Employee::default()
        };
        assert_eq!(names.claim(&e), "E7_李雷.zip");
    }
}
