//! End-to-end: `permitpack init DIR` writes a starter workbook that `check` reads cleanly, a
//! copy of the templates that `--templates` then uses, and refuses to overwrite a roster.

use crate::report::Report;
use crate::util::{Dir, stderr, stdout};

#[test]
fn init_writes_a_workbook_that_checks_clean() {
    let dir = Dir::new();
    let out = dir.run(&["init", "hr"]);
    out.assert_code(0);
    assert!(stdout(&out).contains("roster.xlsx"));
    for f in [
        "hr/roster.xlsx",
        "hr/company.example.toml",
        "hr/templates/columns.toml",
        "hr/templates/messages/roster.toml",
        "hr/templates/messages/common.toml",
    ] {
        assert!(dir.join(f).is_file(), "{f} written");
    }
    let out = dir.run(&[
        "check",
        "hr/roster.xlsx",
        "--as-of",
        "2026-11-26",
        "--out",
        "o",
    ]);
    out.assert_not_code(2);
    let r = Report::read(&dir, "o");
    assert_eq!(r.rest["header_row"], 2);
    // No roster problem; only the warning that the example company is still there (without
    // a scans folder each employee gets `document.not_checked`, a to-do while the window is not open).
    assert_eq!(r.roster_issue_codes(), ["roster.example_company"]);
    assert_eq!(r.roster_issues[0].severity, "warning");
    let e = r.employee(3);
    // Its window is months away: the unchecked scans are a to-do, not an error.
    assert_eq!(e.status, "not_yet");
    assert_eq!(e.issues_of("document.todo_unchecked").len(), 1);
    // The untouched example employee is warned about, nothing else in the roster.
    let row_codes: Vec<String> = e.codes("roster.").into_iter().map(|(c, _)| c).collect();
    assert_eq!(row_codes, ["roster.example_row"]);
    assert!(stdout(&out).contains("permitpack init"), "{}", stdout(&out));
    assert_eq!(e.category.as_deref(), Some("B6"));
    assert_eq!(r.company.rest["uscc"], "91440300MA5G2K7P15");

    // The example company file works with --company.
    let out = dir.run(&[
        "check",
        "hr/roster.xlsx",
        "--company",
        "hr/company.example.toml",
        "--out",
        "o2",
    ]);
    out.assert_not_code(2);
    assert_eq!(
        dir.report("o2")["company"]["source"]["file"],
        "company.example.toml"
    );
}

#[test]
fn init_refuses_to_overwrite_a_roster() {
    let dir = Dir::new();
    dir.write("hr/roster.xlsx", b"mine");
    let out = dir.run(&["init", "hr"]);
    out.assert_code(2);
    let err = stderr(&out);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("roster.xlsx"), "{err}");
    assert_eq!(dir.read("hr/roster.xlsx"), b"mine");
}

#[test]
fn init_keeps_edited_templates_and_check_uses_them() {
    let dir = Dir::new();
    // An edited alias file already in place: init keeps it.
    let builtin = {
        let d = Dir::new();
        d.run(&["init", "x"]).assert_code(0);
        String::from_utf8(d.read("x/templates/columns.toml")).unwrap()
    };
    let edited = builtin.replace("\"护照英文姓名\",", "\"护照英文姓名\", \"staff member\",");
    assert_ne!(edited, builtin, "alias inserted");
    dir.write("hr/templates/columns.toml", &edited);
    let out = dir.run(&["init", "hr"]);
    out.assert_code(0);
    assert_eq!(dir.read("hr/templates/columns.toml"), edited.as_bytes());

    let csv =
        "Staff member,Passport No.,Nationality,Talent category\nAnna Nowak,EA1234567,Poland,(六)\n";
    dir.write("r.csv", csv);
    // Without the edited templates the name column is unknown...
    let out = dir.run(&["check", "r.csv", "--out", "a"]);
    out.assert_not_code(2);
    let a = dir.report("a");
    assert_eq!(a["roster_issues"][0]["code"], "roster.unknown_column");
    assert_eq!(a["employees"][0]["name"], serde_json::Value::Null);
    // ...with them it is the name.
    let out = dir.run(&[
        "check",
        "r.csv",
        "--out",
        "b",
        "--templates",
        "hr/templates",
    ]);
    out.assert_not_code(2);
    let b = dir.report("b");
    assert_eq!(b["employees"][0]["name"], "Anna Nowak");
}
