//! report.csv: one row per problem, for filtering in Excel. Each row repeats the employee's
//! columns (row, name, passport, status, deadline, packet) so that a filtered view (all
//! `photo.*` codes, all errors, one cell) still reads on its own; an employee without
//! problems gets one row with empty problem columns, so the file lists everybody; problems
//! of the roster as a whole come last, with empty employee columns.
//!
//! UTF-8 with a BOM (Excel otherwise shows Chinese as mojibake), CRLF line ends, and
//! formula-injection protection: any text cell starting with `=` `+` `-` `@`, tab, CR or the
//! full-width `＝` `＋` `－` `＠` gets a leading `'`. Number cells are never altered.

use super::{RunInfo, Texts};
use crate::catalog::{Catalog, Lang};
use crate::issue::Issue;
use crate::outcome::Outcomes;
use std::borrow::Cow;
use std::io::{self, Write};

/// A cell: text (guarded against formula injection) or a number (written as is).
enum Cell<'a> {
    Text(Cow<'a, str>),
    Num(String),
}

fn text<'a>(s: impl Into<Cow<'a, str>>) -> Cell<'a> {
    Cell::Text(s.into())
}

fn opt_text(s: Option<&str>) -> Cell<'_> {
    Cell::Text(Cow::Borrowed(s.unwrap_or("")))
}

fn num(n: Option<impl ToString>) -> Cell<'static> {
    Cell::Num(n.map(|n| n.to_string()).unwrap_or_default())
}

/// Characters that make Excel (or LibreOffice) read a cell as a formula.
const FORMULA_STARTS: &[char] = &['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'];

/// `'`-prefixes a text cell Excel would otherwise take for a formula.
pub fn guard(s: &str) -> Cow<'_, str> {
    match s.chars().next() {
        Some(c) if FORMULA_STARTS.contains(&c) => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    }
}

/// Streams report.csv into `w`.
pub fn write<W: Write, O: Outcomes + ?Sized>(
    w: W,
    run: &RunInfo,
    outcomes: &O,
    catalog: &Catalog,
) -> io::Result<()> {
    let t = Texts::new(catalog, run.lang);
    let mut w = w;
    w.write_all("\u{FEFF}".as_bytes())?;
    let mut out = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(w);
    let both = run.lang == Lang::Both;

    let mut header: Vec<String> = [
        "ui.col.row",
        "ui.col.sheet",
        "ui.col.name",
        "ui.col.chinese_name",
        "ui.col.passport",
        "ui.col.status",
        "ui.col.days_left",
        "ui.col.deadline",
        "ui.col.missing",
        "ui.col.packet",
        "ui.col.severity",
        "ui.col.code",
    ]
    .iter()
    .map(|k| t.ui(k))
    .collect();
    if both {
        for k in ["ui.col.message", "ui.col.action"] {
            let (zh, en) = t.pair(k, &[]);
            header.push(zh);
            header.push(en);
        }
    } else {
        header.push(t.ui("ui.col.message"));
        header.push(t.ui("ui.col.action"));
    }
    header.push(t.ui("ui.col.cell"));
    header.push(t.ui("ui.col.file"));
    write_row(&mut out, header.iter().map(|h| text(h.as_str())))?;

    for o in outcomes.each() {
        let o = o?;
        let e = &o.employee;
        let status = t.status(o.status);
        let missing = t.missing_items(&o);
        let deadline = o.deadline.map(|d| d.to_string());
        let employee_cells = |row: Option<u32>, sheet: Option<&str>| -> Vec<Cell<'_>> {
            vec![
                num(row.or(Some(e.row))),
                text(sheet.unwrap_or(&e.sheet).to_string()),
                opt_text(e.name.as_deref()),
                opt_text(e.chinese_name.as_deref()),
                opt_text(e.passport_no.as_deref()),
                text(status.as_str()),
                num(o.days_left),
                opt_text(deadline.as_deref()),
                text(missing.as_str()),
                opt_text(o.packet.as_deref()),
            ]
        };
        if o.issues.is_empty() {
            let mut cells = employee_cells(None, None);
            cells.extend(empty_issue_cells(both));
            write_row(&mut out, cells)?;
        }
        for issue in &o.issues {
            let mut cells = employee_cells(issue.at.row, issue.at.sheet.as_deref());
            cells.extend(issue_cells(&t, issue, both));
            write_row(&mut out, cells)?;
        }
    }
    for issue in &run.roster_issues {
        let mut cells = vec![num(issue.at.row), opt_text(issue.at.sheet.as_deref())];
        cells.extend((0..8).map(|_| text("")));
        cells.extend(issue_cells(&t, issue, both));
        write_row(&mut out, cells)?;
    }
    out.flush()?;
    Ok(())
}

/// report.csv in memory.
pub fn render<O: Outcomes + ?Sized>(run: &RunInfo, outcomes: &O, catalog: &Catalog) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = write(&mut out, run, outcomes, catalog);
    out
}

fn issue_cells<'a>(t: &Texts<'_>, issue: &'a Issue, both: bool) -> Vec<Cell<'a>> {
    let tx = t.catalog.text(issue);
    let sev = t.ui(match issue.severity {
        crate::issue::Severity::Error => "ui.severity.error",
        crate::issue::Severity::Warning => "ui.severity.warning",
    });
    let mut cells = vec![text(sev), text(issue.code.as_str())];
    if both {
        cells.push(text(tx.message_zh));
        cells.push(text(tx.message));
        cells.push(text(tx.action_zh));
        cells.push(text(tx.action));
    } else {
        let lang = t.lang;
        cells.push(text(super::join_lang(lang, &tx.message_zh, &tx.message)));
        cells.push(text(super::join_lang(lang, &tx.action_zh, &tx.action)));
    }
    cells.push(opt_text(issue.at.cell.as_deref()));
    cells.push(opt_text(issue.at.file.as_deref()));
    cells
}

fn empty_issue_cells(both: bool) -> Vec<Cell<'static>> {
    let n = if both { 8 } else { 6 };
    (0..n).map(|_| text("")).collect()
}

fn write_row<'a, W: Write>(
    out: &mut ::csv::Writer<W>,
    cells: impl IntoIterator<Item = Cell<'a>>,
) -> io::Result<()> {
    let record: Vec<Cow<'_, str>> = cells
        .into_iter()
        .map(|c| match c {
            Cell::Text(s) => match guard(&s) {
                Cow::Borrowed(_) => s,
                Cow::Owned(g) => Cow::Owned(g),
            },
            Cell::Num(n) => Cow::Owned(n),
        })
        .collect();
    out.write_record(record.iter().map(|s| s.as_bytes()))
        .map_err(io::Error::other)
}

#[cfg(test)]
mod tests {
    use super::super::testdata;
    use super::*;
    use crate::assets::Templates;
    use crate::codes;

    fn rows(lang: Lang) -> (Vec<u8>, Vec<Vec<String>>) {
        let cat = Catalog::load(&Templates::builtin()).unwrap();
        let bytes = render(&testdata::run(lang), &testdata::outcomes(), &cat);
        let body = bytes.strip_prefix("\u{FEFF}".as_bytes()).expect("BOM");
        let mut rdr = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(body);
        let rows = rdr
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();
        (bytes, rows)
    }

    #[test]
    fn guard_covers_every_formula_start_and_nothing_else() {
        for s in [
            "=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "＝1", "＋1", "－1", "＠x",
        ] {
            assert_eq!(guard(s), format!("'{s}"), "{s:?}");
        }
        for s in ["", "abc", "1-2", "E12345678", " =1", "张三", "'x"] {
            assert_eq!(guard(s), s, "{s:?}");
        }
    }

    #[test]
    fn bom_crlf_and_one_row_per_issue_plus_issue_free_employees() {
        let (bytes, rows) = rows(Lang::Both);
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        assert!(bytes.windows(2).any(|w| w == b"\r\n"));
        let outcomes = testdata::outcomes();
        let issue_rows: usize = outcomes.iter().map(|o| o.issues.len().max(1)).sum();
        let roster = testdata::run(Lang::Both).roster_issues.len();
        assert_eq!(rows.len(), 1 + issue_rows + roster);
        let width = rows[0].len();
        assert!(rows.iter().all(|r| r.len() == width), "rectangular");
        assert_eq!(rows[0][0], "行号 / Row");
        assert!(rows[0].contains(&"问题说明".to_string()));
        assert!(rows[0].contains(&"Message".to_string()));
        // The issue-free employee (row 9) has exactly one row with empty issue columns.
        let r9: Vec<_> = rows.iter().filter(|r| r[0] == "9").collect();
        assert_eq!(r9.len(), 1);
        assert_eq!(r9[0][11], "");
        // Roster issue last, without employee columns.
        let last = rows.last().unwrap();
        assert_eq!(last[0], "3");
        assert_eq!(last[2], "");
        assert_eq!(last[11], codes::ROSTER_UNKNOWN_COLUMN);
    }

    #[test]
    fn hostile_text_is_guarded_and_numbers_are_not() {
        let (_, rows) = rows(Lang::En);
        let attention: Vec<_> = rows.iter().filter(|r| r[2].contains("script")).collect();
        assert!(!attention.is_empty());
        for r in &attention {
            assert_eq!(r[4], "'=1+2", "passport cell guarded");
        }
        assert!(rows.iter().any(|r| r.iter().any(|c| c == "'@SUM(A1)")));
        // Negative days left is a number: untouched.
        let late = rows.iter().find(|r| r[0] == "10").unwrap();
        assert_eq!(late[6], "-3");
        assert_eq!(late[4], "", "no passport");
        // No text cell starts with a formula character.
        for r in &rows {
            for (i, c) in r.iter().enumerate() {
                if i == 0 || i == 6 {
                    continue;
                }
                assert!(!c.starts_with(FORMULA_STARTS), "{c:?}");
            }
        }
    }

    #[test]
    fn single_language_has_one_message_column() {
        let (_, zh) = rows(Lang::Zh);
        let (_, en) = rows(Lang::En);
        assert_eq!(zh[0].len(), en[0].len());
        assert_eq!(zh[0][0], "行号");
        assert_eq!(en[0][0], "Row");
        let (_, both) = rows(Lang::Both);
        assert_eq!(both[0].len(), en[0].len() + 2);
    }
}
