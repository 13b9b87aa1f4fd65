//! Bounds on what a roster workbook may cost before and while it is parsed, so a damaged or
//! hostile file is refused with a clear reason instead of exhausting memory:
//!
//! - [`check_package`]: the parts of a zip-based workbook (xlsx, xlsb, ods) are inflated once,
//!   counting, before any parser sees them. Their real inflated size (not the size the zip
//!   directory claims) must stay under [`MAX_INFLATED_BYTES`], which refuses zip bombs; and
//!   the shared-strings count an xlsx announces (which the parser reserves memory for) must
//!   be believable for the size of its part.
//! - [`xlsx_range`]: reads an xlsx sheet cell by cell and refuses a sheet whose used area
//!   (rows x columns, which the parser would allocate as one dense grid) exceeds
//!   [`MAX_GRID_CELLS`], naming the far cell so the user can delete it.

use crate::issue::cell_ref;
use calamine::{Cell, Data, DataRef, Range, Xlsx, XlsxError};
use std::io::{Cursor, Read, Seek};

/// The most bytes the parts of one workbook package may inflate to, all together. A roster
/// of 10,000 employees is a few megabytes of XML.
pub const MAX_INFLATED_BYTES: u64 = 256 << 20;

/// The largest used area of one sheet, in cells (rows x columns), that is expanded into a
/// grid: 4 million cells is 10,000 rows by 400 columns, about 128 MB of cells.
pub const MAX_GRID_CELLS: u64 = 4_000_000;

/// The smallest XML one shared string takes (`<si><t/></si>`): a part of N bytes cannot hold
/// more than N / this many strings.
const MIN_SHARED_STRING_BYTES: u64 = 8;

/// How much of a shared-strings part is kept to read its `<sst ...>` start tag.
const SST_HEAD_BYTES: usize = 4096;

fn megabytes(n: u64) -> u64 {
    n >> 20
}

/// Inflates every part of a zip-based workbook into nothing, counting. `Err` is the reason
/// the file is refused. Parts that cannot be inflated are left to the parser, which names
/// them in its own error.
pub fn check_package(bytes: &[u8]) -> Result<(), String> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(()); // the parser reports the broken container itself
    };
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let Ok(mut part) = zip.by_index(i) else {
            continue;
        };
        let name = part.name().to_string();
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
                        return Err(format!(
                            "its content inflates to more than {} MB, in part {name}: it is \
                             damaged or a zip bomb",
                            megabytes(MAX_INFLATED_BYTES)
                        ));
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
                    return Err(format!(
                        "part {name} announces {count} shared texts but holds at most {}: \
                         the file is damaged",
                        inflated / MIN_SHARED_STRING_BYTES + 1
                    ));
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
    TooLarge(String),
}

/// Reads the values of an xlsx sheet like `Xlsx::worksheet_range`, but refuses a sheet whose
/// used area or number of cells exceeds [`MAX_GRID_CELLS`] before anything that size is
/// allocated.
pub fn xlsx_range<RS: Read + Seek>(
    book: &mut Xlsx<RS>,
    sheet: &str,
) -> Result<Range<Data>, RangeError> {
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
        if area > MAX_GRID_CELLS || cells.len() as u64 >= MAX_GRID_CELLS {
            return Err(RangeError::TooLarge(format!(
                "sheet '{sheet}' has cells from {} to {} ({} rows by {} columns), more than \
                 permitpack reads; delete the stray cells far outside the employee table",
                cell_ref(left, top + 1),
                cell_ref(right, bottom + 1),
                bottom - top + 1,
                right - left + 1
            )));
        }
        let pos = (row, col);
        cells.push(Cell::new(pos, Data::from(cell.get_value().clone())));
    }
    Ok(Range::from_sparse(cells))
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
        let err = check_package(&bytes).unwrap_err();
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
        let err = check_package(&bytes).unwrap_err();
        assert!(
            err.contains("sheet1.xml") && err.contains("256 MB"),
            "{err}"
        );
    }

    #[test]
    fn not_a_zip_is_left_to_the_parser() {
        assert!(check_package(b"PK\x03\x04 broken").is_ok());
    }
}
