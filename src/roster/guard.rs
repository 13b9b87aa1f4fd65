//! Bounds on what a roster workbook may cost before and while it is parsed, so a damaged or
//! hostile file is refused with a clear reason instead of exhausting memory:
//!
//! - [`check_package`]: the parts of a zip-based workbook (xlsx, xlsb, ods) are inflated once,
//!   counting, before any parser sees them. Their real inflated size (not the size the zip
//!   directory claims) must stay under [`MAX_INFLATED_BYTES`], which refuses zip bombs; and
//!   the shared-strings count an xlsx announces (which the parser reserves memory for) must
//!   be believable for the size of its part.
//! - [`xlsx_range`]: reads an xlsx sheet cell by cell and refuses a sheet whose used area
//!   (rows x columns, which the parser would allocate as one dense grid) exceeds the cell
//!   budget, naming the far cell so the user can delete it, or whose text (a shared string
//!   counted once per cell that uses it) exceeds the text budget; a cell longer than Excel's
//!   own limit is cut as it is read.
//! - [`check_ods`]: walks an .ods `content.xml` once, counting what its repeated rows and
//!   columns (`number-rows-repeated` x `number-columns-repeated`) would expand to, before the
//!   parser expands them.
//! - [`cut_long_cells`] and [`refuse_long_names`]: a cell over the length limit is cut and
//!   named; a name too long to be a name is refused on its cell before it reaches a letter.
//!
//! The budgets are `[roster]` in `templates/limits.toml`.

use crate::codes;
use crate::issue::{Issue, cell_ref};
use crate::limits::RosterLimits;
use crate::model::Field;
use calamine::{Cell, Data, DataRef, Range, Xlsx, XlsxError};
use std::io::{Cursor, Read, Seek};

/// The most bytes the parts of one workbook package may inflate to, all together. A roster
/// of 10,000 employees is a few megabytes of XML.
pub const MAX_INFLATED_BYTES: u64 = 256 << 20;

/// The smallest XML one shared string takes (`<si><t/></si>`): a part of N bytes cannot hold
/// more than N / this many strings.
const MIN_SHARED_STRING_BYTES: u64 = 8;

/// How much of a shared-strings part is kept to read its `<sst ...>` start tag.
const SST_HEAD_BYTES: usize = 4096;

fn megabytes(n: u64) -> u64 {
    n >> 20
}

/// Why a roster workbook is refused before or while it is parsed: each names the part,
/// sheet or cell and what to delete. The roster stage wraps it in its
/// [`RosterError`](super::RosterError) with the file's name.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GuardError {
    /// The package's parts inflate past [`MAX_INFLATED_BYTES`] (`limit_mb`), at `part`.
    #[error(
        "its content inflates to more than {limit_mb} MB, in part {part}: it is damaged or a \
         zip bomb"
    )]
    Inflates { part: String, limit_mb: u64 },
    /// A shared-strings part announces more strings than its size can hold.
    #[error(
        "part {part} announces {count} shared texts but holds at most {most}: the file is \
         damaged"
    )]
    SharedStrings { part: String, count: u64, most: u64 },
    /// An xlsx sheet's used area (from cell `from` to cell `to`) is over the cell budget.
    #[error(
        "sheet '{sheet}' has cells from {from} to {to} ({rows} rows by {columns} columns), \
         more than permitpack reads; delete the stray cells far outside the employee table"
    )]
    Area {
        sheet: String,
        from: String,
        to: String,
        rows: u32,
        columns: u32,
    },
    /// A sheet's text, counted once per cell, is over the text budget by `cell`.
    #[error(
        "sheet '{sheet}' holds more than {limit_mb} MB of text by cell {cell} (one long text \
         repeated in many cells counts once per cell); delete the repeated cells or the long \
         text"
    )]
    Text {
        sheet: String,
        cell: String,
        limit_mb: u64,
    },
    /// An .ods sheet's repeated rows and columns expand past the cell budget (`limit`).
    #[error(
        "sheet '{sheet}' repeats its rows and columns to more than {limit} cells (about {rows} \
         rows by {columns} columns); delete the repeated rows and columns outside the \
         employee table"
    )]
    OdsArea {
        sheet: String,
        limit: u64,
        rows: u64,
        columns: u64,
    },
    /// An .ods sheet's repeated text expands past the text budget.
    #[error(
        "sheet '{sheet}' repeats its text to more than {limit_mb} MB; delete the repeated cells"
    )]
    OdsText { sheet: String, limit_mb: u64 },
}

/// Inflates every part of a zip-based workbook into nothing, counting. `Err` is the reason
/// the file is refused. Parts that cannot be inflated are left to the parser, which names
/// them in its own error.
pub fn check_package(bytes: &[u8]) -> Result<(), GuardError> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(()); // the parser reports the broken container itself
    };
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let Ok(mut part) = zip.by_index(i) else {
            continue;
        };
        // A name not valid in its encoding is still shown, with replacement characters.
        let name = part
            .name()
            .map(|n| n.into_owned())
            .unwrap_or_else(|_| String::from_utf8_lossy(part.name_raw()).into_owned());
        let shared_strings = name.to_ascii_lowercase().ends_with("sharedstrings.xml");
        let budget = MAX_INFLATED_BYTES - total;
        let mut head = Vec::new();
        let mut inflated: u64 = 0;
        let mut buf = [0u8; 64 * 1024];
        loop {
            match part.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    if shared_strings && head.len() < SST_HEAD_BYTES {
                        let keep = n.min(SST_HEAD_BYTES - head.len());
                        head.extend_from_slice(&buf[..keep]);
                    }
                    inflated += n as u64;
                    if inflated > budget {
                        return Err(GuardError::Inflates {
                            part: name,
                            limit_mb: megabytes(MAX_INFLATED_BYTES),
                        });
                    }
                }
                // A part that cannot be inflated (damaged, unsupported method, encrypted)
                // fails in the parser if the parser needs it.
                Err(_) => break,
            }
        }
        total += inflated;
        if shared_strings {
            if let Some(count) = announced_unique_count(&head) {
                if count > inflated / MIN_SHARED_STRING_BYTES + 1 {
                    return Err(GuardError::SharedStrings {
                        part: name,
                        count,
                        most: inflated / MIN_SHARED_STRING_BYTES + 1,
                    });
                }
            }
        }
    }
    Ok(())
}

/// The `uniqueCount` (else `count`) attribute of the `<sst>` start tag at the beginning of a
/// shared-strings part, when there is one. A number too long for u64 counts as `u64::MAX`.
fn announced_unique_count(head: &[u8]) -> Option<u64> {
    let text = String::from_utf8_lossy(head);
    let start = text.find("<sst")?;
    let tag = &text[start..];
    let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
    let mut best = None;
    for attr in ["uniqueCount", "count"] {
        let mut rest = tag;
        while let Some(i) = rest.find(attr) {
            let before = rest[..i].chars().last();
            let after = &rest[i + attr.len()..];
            rest = after;
            if before.is_some_and(|c| c.is_alphanumeric() || c == ':') {
                continue; // part of a longer name
            }
            let after = after.trim_start();
            let Some(after) = after.strip_prefix('=') else {
                continue;
            };
            let after = after.trim_start();
            let value = after.trim_start_matches(['"', '\'']);
            let digits: String = value.chars().take_while(char::is_ascii_digit).collect();
            if !digits.is_empty() {
                let n = digits.parse::<u64>().unwrap_or(u64::MAX);
                best = Some(best.map_or(n, |b: u64| b.max(n)));
            }
        }
    }
    best
}

/// Why an xlsx sheet was not read: the parser's error or a sheet too large to expand.
pub enum RangeError {
    Parser(XlsxError),
    TooLarge(GuardError),
}

/// Reads the values of an xlsx sheet like `Xlsx::worksheet_range`, but refuses a sheet whose
/// used area or number of cells exceeds [`MAX_GRID_CELLS`] before anything that size is
/// allocated.
pub fn xlsx_range<RS: Read + Seek>(
    book: &mut Xlsx<RS>,
    sheet: &str,
    limits: &RosterLimits,
    cut: &mut Vec<LongCell>,
) -> Result<Range<Data>, RangeError> {
    let max_cells = limits.max_cells;
    let mut text_bytes: u64 = 0;
    let mut reader = match book.worksheet_cells_reader(sheet) {
        Ok(r) => r,
        // A chart sheet or dialog sheet listed as a sheet: no cells, as calamine does.
        Err(XlsxError::NotAWorksheet(_)) => return Ok(Range::default()),
        Err(e) => return Err(RangeError::Parser(e)),
    };
    let mut cells: Vec<Cell<Data>> = Vec::new();
    let (mut top, mut bottom, mut left, mut right) = (u32::MAX, 0u32, u32::MAX, 0u32);
    loop {
        let cell = match reader.next_cell() {
            Ok(Some(c)) => c,
            Ok(None) => break,
            Err(e) => return Err(RangeError::Parser(e)),
        };
        if matches!(cell.get_value(), DataRef::Empty) {
            continue;
        }
        let (row, col) = cell.get_position();
        top = top.min(row);
        bottom = bottom.max(row);
        left = left.min(col);
        right = right.max(col);
        let area = u64::from(bottom - top + 1) * u64::from(right - left + 1);
        if area > max_cells || cells.len() as u64 >= max_cells {
            return Err(RangeError::TooLarge(GuardError::Area {
                sheet: sheet.to_string(),
                from: cell_ref(left, top + 1),
                to: cell_ref(right, bottom + 1),
                rows: bottom - top + 1,
                columns: right - left + 1,
            }));
        }
        let pos = (row, col);
        let value = match cell.get_value() {
            DataRef::SharedString(s) => Some(*s),
            DataRef::String(s) => Some(s.as_str()),
            _ => None,
        };
        let data = match value {
            Some(text) => {
                // A shared string is one copy in the file but one copy per cell once read.
                text_bytes += text.len() as u64;
                if text_bytes > limits.max_text_bytes {
                    return Err(RangeError::TooLarge(text_budget(
                        sheet,
                        cell_ref(col, row + 1),
                        limits.max_text_bytes,
                    )));
                }
                Data::String(cut_text(text, row, col, limits.max_cell_chars, cut))
            }
            None => Data::from(cell.get_value().clone()),
        };
        cells.push(Cell::new(pos, data));
    }
    Ok(Range::from_sparse(cells))
}

fn text_budget(sheet: &str, cell: String, max: u64) -> GuardError {
    GuardError::Text {
        sheet: sheet.to_string(),
        cell,
        limit_mb: megabytes(max),
    }
}

/// A cell cut to the length limit: 0-based row and column, and its length in characters.
#[derive(Debug, Clone, PartialEq)]
pub struct LongCell {
    pub row: u32,
    pub col: u32,
    pub chars: usize,
}

/// `text`, cut to `max` characters when longer (and the cut recorded).
fn cut_text(text: &str, row: u32, col: u32, max: usize, cut: &mut Vec<LongCell>) -> String {
    // Fast path: a string of at most `max` bytes has at most `max` characters.
    if text.len() <= max {
        return text.to_string();
    }
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((end, _)) => {
            cut.push(LongCell {
                row,
                col,
                chars: text.chars().count(),
            });
            text[..end].to_string()
        }
    }
}

/// Cuts every text cell of `range` longer than the limit (formats whose parser gives the
/// whole grid at once: xls, xlsb, ods, csv), recording each cut, and refuses a sheet whose
/// text exceeds the text budget.
pub fn cut_long_cells(
    range: &mut Range<Data>,
    sheet: &str,
    limits: &RosterLimits,
    cut: &mut Vec<LongCell>,
) -> Result<(), GuardError> {
    let start = range.start().unwrap_or((0, 0));
    let height = range.height();
    let mut text_bytes: u64 = 0;
    for r in 0..height {
        for (c, data) in range[r].iter_mut().enumerate() {
            let Data::String(s) = data else { continue };
            let row = start.0 + r as u32;
            let col = start.1 + c as u32;
            text_bytes += s.len() as u64;
            if text_bytes > limits.max_text_bytes {
                return Err(text_budget(
                    sheet,
                    cell_ref(col, row + 1),
                    limits.max_text_bytes,
                ));
            }
            if s.len() > limits.max_cell_chars {
                let cut_to = cut_text(s, row, col, limits.max_cell_chars, cut);
                *s = cut_to;
            }
        }
    }
    Ok(())
}

/// The issues for the cut cells of the employees sheet: an error on the cell when it is one
/// of the employee's columns (its value is not the whole cell), else a warning.
pub fn long_cell_issues(
    cut: &[LongCell],
    sheet: &str,
    max: usize,
    employee_column: &dyn Fn(u32) -> bool,
) -> Vec<(u32, Issue)> {
    cut.iter()
        .map(|c| {
            let issue = if employee_column(c.col) {
                Issue::error(codes::ROSTER_CELL_TOO_LONG)
            } else {
                Issue::warning(codes::ROSTER_CELL_TOO_LONG)
            };
            let issue = issue
                .arg("chars", c.chars)
                .arg("max", max)
                .sheet(sheet)
                .row(c.row + 1)
                .cell(cell_ref(c.col, c.row + 1));
            (c.row + 1, issue)
        })
        .collect()
}

/// Refuses, on its cell, a name longer than `max_name_chars`: the value is dropped (it would
/// cost gigabytes to typeset, and cannot be a name), so the letters say the name is missing.
pub fn refuse_long_names(rows: &mut [super::RosterRow], limits: &RosterLimits) {
    for r in rows {
        let e = &mut r.employee;
        for field in [Field::Name, Field::ChineseName] {
            let value = match field {
                Field::Name => &mut e.name,
                _ => &mut e.chinese_name,
            };
            let Some(chars) = value
                .as_deref()
                .map(|v| v.chars().count())
                .filter(|n| *n > limits.max_name_chars)
            else {
                continue;
            };
            *value = None;
            let mut issue = Issue::error(codes::ROSTER_NAME_TOO_LONG)
                .arg("chars", chars)
                .arg("max", limits.max_name_chars)
                .sheet(e.sheet.clone())
                .row(e.row);
            if let Some(c) = e.cell_of(field) {
                issue = issue.cell(c);
            }
            r.issues.push(issue);
        }
    }
}

/// What an .ods sheet's repeated rows and columns would expand to, counted from
/// `content.xml` before the parser expands them. `Err` is the reason the file is refused.
pub fn check_ods(bytes: &[u8], limits: &RosterLimits) -> Result<(), GuardError> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let Ok(content) = zip.by_name("content.xml") else {
        return Ok(()); // the parser names the missing part
    };
    // The package check has already bounded the inflated size.
    let mut xml = Vec::new();
    if content
        .take(MAX_INFLATED_BYTES)
        .read_to_end(&mut xml)
        .is_err()
    {
        return Ok(());
    }
    ods_budget(&xml, limits)
}

/// The parser caps columns and rows at Excel's grid (16,384 x 1,048,576).
const ODS_MAX_COLUMNS: u64 = 16_384;
const ODS_MAX_ROWS: u64 = 1_048_576;

fn ods_budget(xml: &[u8], limits: &RosterLimits) -> Result<(), GuardError> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let attr = |e: &quick_xml::events::BytesStart, name: &str| -> Option<u64> {
        e.attributes()
            .flatten()
            .find(|a| a.key.as_ref() == name)
            .and_then(|a| a.value.trim().parse().ok())
    };
    let has = |e: &quick_xml::events::BytesStart, names: &[&str]| {
        e.attributes()
            .flatten()
            .any(|a| names.contains(&a.key.as_ref()))
    };
    let mut table = String::new();
    // Per table: physical cells the parser pushes, expanded rows, widest row, text bytes.
    let (mut pushed, mut rows, mut width, mut text) = (0u64, 0u64, 0u64, 0u64);
    // Per row.
    let (mut row_repeat, mut row_cols, mut pending_empty, mut row_text) = (1u64, 0u64, 0u64, 0u64);
    let mut rows_since_content = 0u64;
    // Per cell.
    let mut cell: Option<(u64, usize, bool)> = None; // repeats, start offset, has a value
    loop {
        let at = reader.buffer_position() as usize;
        match reader.read_event_into(&mut buf) {
            Err(_) | Ok(Event::Eof) => return Ok(()), // the parser reports broken XML
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) if e.name().as_ref() == "table:table" => {
                table = e
                    .attributes()
                    .flatten()
                    .find(|a| a.key.as_ref() == "table:name")
                    .map(|a| a.value.to_string())
                    .unwrap_or_default();
                (pushed, rows, width, text) = (0, 0, 0, 0);
                rows_since_content = 0;
            }
            Ok(Event::Start(e)) if e.name().as_ref() == "table:table-row" => {
                row_repeat = attr(&e, "table:number-rows-repeated").unwrap_or(1).max(1);
                (row_cols, pending_empty, row_text) = (0, 0, 0);
            }
            Ok(Event::End(e)) if e.name().as_ref() == "table:table-row" => {
                let row_repeat = row_repeat.min(ODS_MAX_ROWS);
                pushed += row_cols;
                if row_cols > 0 {
                    // Empty rows between content rows are expanded too.
                    rows = rows
                        .saturating_add(rows_since_content)
                        .saturating_add(row_repeat);
                    rows_since_content = 0;
                    width = width.max(row_cols);
                    text = text.saturating_add(row_text.saturating_mul(row_repeat));
                } else if rows > 0 {
                    rows_since_content = rows_since_content.saturating_add(row_repeat);
                }
                let area = rows.min(ODS_MAX_ROWS).saturating_mul(width);
                if area > limits.max_cells || pushed > limits.max_cells {
                    return Err(GuardError::OdsArea {
                        sheet: table,
                        limit: limits.max_cells,
                        rows,
                        columns: width,
                    });
                }
                if text > limits.max_text_bytes {
                    return Err(GuardError::OdsText {
                        sheet: table,
                        limit_mb: megabytes(limits.max_text_bytes),
                    });
                }
            }
            Ok(Event::Start(e))
                if matches!(
                    e.name().as_ref(),
                    "table:table-cell" | "table:covered-table-cell"
                ) =>
            {
                let repeats = attr(&e, "table:number-columns-repeated")
                    .unwrap_or(1)
                    .max(1);
                let valued = has(&e, &["office:value-type", "table:formula"]);
                cell = Some((repeats, at, valued));
            }
            Ok(Event::Empty(e))
                if matches!(
                    e.name().as_ref(),
                    "table:table-cell" | "table:covered-table-cell"
                ) =>
            {
                let repeats = attr(&e, "table:number-columns-repeated")
                    .unwrap_or(1)
                    .max(1);
                if has(&e, &["office:value-type", "table:formula"]) {
                    row_cols = (row_cols + pending_empty + repeats).min(ODS_MAX_COLUMNS);
                    row_text = row_text.saturating_add(repeats.saturating_mul(e.len() as u64));
                    pending_empty = 0;
                } else {
                    pending_empty = pending_empty.saturating_add(repeats);
                }
            }
            Ok(Event::Text(t)) => {
                if let Some(c) = cell.as_mut() {
                    c.2 |= !t.into_inner().trim().is_empty();
                }
            }
            Ok(Event::End(e))
                if matches!(
                    e.name().as_ref(),
                    "table:table-cell" | "table:covered-table-cell"
                ) =>
            {
                if let Some((repeats, start, valued)) = cell.take() {
                    if valued {
                        let end = reader.buffer_position() as usize;
                        let size = end.saturating_sub(start) as u64;
                        row_cols = (row_cols + pending_empty + repeats).min(ODS_MAX_COLUMNS);
                        row_text = row_text.saturating_add(repeats.saturating_mul(size));
                        pending_empty = 0;
                    } else {
                        pending_empty = pending_empty.saturating_add(repeats);
                    }
                }
            }
            _ => {}
        }
        buf.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use zip::write::SimpleFileOptions;

    fn package(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut buf = Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            let opts = SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .large_file(true);
            for (name, bytes) in parts {
                w.start_file(*name, opts).unwrap();
                w.write_all(bytes).unwrap();
            }
            w.finish().unwrap();
        }
        buf.into_inner()
    }

    #[test]
    fn reads_the_sst_count() {
        assert_eq!(
            announced_unique_count(br#"<?xml?><sst xmlns="x" count="3" uniqueCount="2">"#),
            Some(3)
        );
        assert_eq!(
            announced_unique_count(b"<sst uniqueCount='99999999999999999999999'>"),
            Some(u64::MAX)
        );
        assert_eq!(announced_unique_count(b"<sst>"), None);
        assert_eq!(announced_unique_count(b"<other count=\"5\">"), None);
    }

    #[test]
    fn a_lying_shared_string_count_is_refused() {
        let sst = br#"<sst xmlns="x" uniqueCount="1000000000000"><si><t>a</t></si></sst>"#;
        let bytes = package(&[("xl/sharedStrings.xml", sst)]);
        let err = check_package(&bytes).unwrap_err().to_string();
        assert!(err.contains("1000000000000"), "{err}");
        let honest = br#"<sst xmlns="x" uniqueCount="1"><si><t>a</t></si></sst>"#;
        assert!(check_package(&package(&[("xl/sharedStrings.xml", honest)])).is_ok());
    }

    #[test]
    fn a_zip_bomb_is_refused_by_what_it_inflates_to() {
        // 300 MB of spaces deflate to about 300 KB.
        let mut buf = Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            let opts = SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .large_file(true);
            w.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
            let chunk = vec![b' '; 1 << 20];
            for _ in 0..300 {
                w.write_all(&chunk).unwrap();
            }
            w.finish().unwrap();
        }
        let bytes = buf.into_inner();
        assert!(bytes.len() < 2 << 20, "{}", bytes.len());
        let err = check_package(&bytes).unwrap_err().to_string();
        assert!(
            err.contains("sheet1.xml") && err.contains("256 MB"),
            "{err}"
        );
    }

    #[test]
    fn each_refusal_says_where_and_what_to_delete() {
        let s = |x: &str| x.to_string();
        let cases = [
            (
                GuardError::Inflates {
                    part: s("xl/worksheets/sheet1.xml"),
                    limit_mb: 256,
                },
                "its content inflates to more than 256 MB, in part xl/worksheets/sheet1.xml: it \
                 is damaged or a zip bomb",
            ),
            (
                GuardError::SharedStrings {
                    part: s("xl/sharedStrings.xml"),
                    count: 1_000_000,
                    most: 9,
                },
                "part xl/sharedStrings.xml announces 1000000 shared texts but holds at most 9: \
                 the file is damaged",
            ),
            (
                GuardError::Area {
                    sheet: s("Staff"),
                    from: s("A1"),
                    to: s("XFD1048576"),
                    rows: 1_048_576,
                    columns: 16_384,
                },
                "sheet 'Staff' has cells from A1 to XFD1048576 (1048576 rows by 16384 columns), \
                 more than permitpack reads; delete the stray cells far outside the employee \
                 table",
            ),
            (
                text_budget("Staff", s("C9"), 64 << 20),
                "sheet 'Staff' holds more than 64 MB of text by cell C9 (one long text repeated \
                 in many cells counts once per cell); delete the repeated cells or the long text",
            ),
            (
                GuardError::OdsArea {
                    sheet: s("Staff"),
                    limit: 1000,
                    rows: 50,
                    columns: 30,
                },
                "sheet 'Staff' repeats its rows and columns to more than 1000 cells (about 50 \
                 rows by 30 columns); delete the repeated rows and columns outside the employee \
                 table",
            ),
            (
                GuardError::OdsText {
                    sheet: s("Staff"),
                    limit_mb: 64,
                },
                "sheet 'Staff' repeats its text to more than 64 MB; delete the repeated cells",
            ),
        ];
        for (e, text) in cases {
            assert_eq!(e.to_string(), text);
        }
    }

    #[test]
    fn not_a_zip_is_left_to_the_parser() {
        assert!(check_package(b"PK\x03\x04 broken").is_ok());
    }
}
