//! Delimited text rosters (csv, Excel's tab-separated "Unicode text"): decoding (BOM first,
//! then strict UTF-8, then GB18030 as Chinese Excel saves it), choosing the delimiter by which
//! one yields a recognisable header, and laying records out on the rows Excel would show.
//!
//! A text file damaged in the ways hand-edited files are is still read, row by row, and each
//! repair is a [`Note`] naming the lines: a line in GBK inside a UTF-8 file is decoded as GBK
//! (the others stay UTF-8), a byte-order mark or NUL byte inside the file is removed, and a
//! quote that opens a cell and would swallow the following lines is taken as a plain
//! character.

use crate::codes;
use crate::issue::Issue;
use calamine::{Cell, Data, Range};
use csv::{ReaderBuilder, StringRecord};
use std::borrow::Cow;

/// Decoded text and the name of the encoding it was read in.
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
    /// What was repaired while decoding.
    pub notes: Vec<Note>,
}

/// A repair made to a text roster, with the 1-based lines it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// Lines not in UTF-8 inside a UTF-8 file, decoded as GB18030.
    MixedEncoding(Vec<usize>),
    /// Lines holding a byte-order mark after the start of the file; the mark was removed.
    Bom(Vec<usize>),
    /// Lines holding NUL bytes; they were removed.
    Nul(Vec<usize>),
    /// A quote opening a cell at `line` that would have taken the next `swallowed` lines
    /// into that cell (never closed, or closed only after whole records); read as a plain
    /// character.
    StrayQuote { line: usize, swallowed: usize },
}

/// Line numbers listed one by one in a message; the rest are counted.
const MAX_LINES_LISTED: usize = 10;

impl Note {
    /// The warning telling the user what was repaired, on which lines of `file`.
    pub fn to_issue(&self, file: &str) -> Issue {
        let list = |lines: &[usize]| {
            let mut shown: Vec<String> = lines
                .iter()
                .take(MAX_LINES_LISTED)
                .map(usize::to_string)
                .collect();
            if lines.len() > MAX_LINES_LISTED {
                shown.push(format!("(+{})", lines.len() - MAX_LINES_LISTED));
            }
            shown.join(", ")
        };
        let issue = match self {
            Note::MixedEncoding(lines) => {
                Issue::warning(codes::ROSTER_CSV_MIXED_ENCODING).arg("lines", list(lines))
            }
            Note::Bom(lines) => Issue::warning(codes::ROSTER_CSV_BOM).arg("lines", list(lines)),
            Note::Nul(lines) => Issue::warning(codes::ROSTER_CSV_NUL).arg("lines", list(lines)),
            Note::StrayQuote { line, swallowed } => Issue::warning(codes::ROSTER_CSV_QUOTE)
                .arg("line", line)
                .arg("swallowed", swallowed),
        };
        issue.arg("file", file).file(file)
    }
}

/// Decodes a text file: a byte-order mark decides; otherwise strict UTF-8; otherwise GB18030
/// (a superset of GBK, which is what Chinese Excel writes for "CSV"), for the whole file when
/// no line is UTF-8 and for the lines that are not when others are.
pub fn decode(bytes: &[u8]) -> Decoded {
    let mut notes = Vec::new();
    let (text, encoding) = if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        (text.into_owned(), enc.name())
    } else {
        match std::str::from_utf8(bytes) {
            Ok(s) => (s.to_string(), "UTF-8"),
            Err(_) => {
                let lines = || bytes.split_inclusive(|b| *b == b'\n');
                let utf8_lines = lines()
                    .filter(|l| !l.is_ascii() && std::str::from_utf8(l).is_ok())
                    .count();
                if utf8_lines == 0 {
                    let (text, _) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
                    (text.into_owned(), "GB18030")
                } else {
                    let mut text = String::with_capacity(bytes.len());
                    let mut other = Vec::new();
                    for (i, line) in lines().enumerate() {
                        match std::str::from_utf8(line) {
                            Ok(s) => text.push_str(s),
                            Err(_) => {
                                other.push(i + 1);
                                let (t, _) = encoding_rs::GB18030.decode_without_bom_handling(line);
                                text.push_str(&t);
                            }
                        }
                    }
                    notes.push(Note::MixedEncoding(other));
                    (text, "UTF-8")
                }
            }
        }
    };
    let text = remove_stray(text, &mut notes);
    Decoded {
        text,
        encoding,
        notes,
    }
}

/// Removes byte-order marks and NUL characters from inside the text, noting their lines.
fn remove_stray(text: String, notes: &mut Vec<Note>) -> String {
    if !text.contains(['\u{feff}', '\0']) {
        return text;
    }
    let (mut bom, mut nul) = (Vec::new(), Vec::new());
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if line.contains('\u{feff}') {
            bom.push(i + 1);
        }
        if line.contains('\0') {
            nul.push(i + 1);
        }
        out.extend(line.chars().filter(|c| !matches!(c, '\u{feff}' | '\0')));
    }
    if !bom.is_empty() {
        notes.push(Note::Bom(bom));
    }
    if !nul.is_empty() {
        notes.push(Note::Nul(nul));
    }
    out
}

/// Whether bytes look like binary data rather than text: many NUL bytes (UTF-16 without a
/// byte-order mark, a binary format) or many other control characters in the first 8 KiB.
/// A stray NUL in a text file is text (removed while decoding, with a note).
pub fn looks_binary(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return false;
    }
    let head = &bytes[..bytes.len().min(8192)];
    let nuls = head.iter().filter(|b| **b == 0).count();
    if nuls * 20 > head.len() {
        return true;
    }
    let controls = head
        .iter()
        .filter(|b| b.is_ascii_control() && !matches!(b, 0 | b'\t' | b'\n' | b'\r' | 0x0C | 0x1A))
        .count();
    controls * 100 > head.len()
}

const DELIMITERS: [u8; 4] = [b',', b'\t', b';', b'|'];
/// Records parsed per candidate delimiter when choosing one.
const SNIFF_RECORDS: usize = 40;

/// Parses delimited text into a sheet. The delimiter is the one (of `,` tab `;` `|`) whose
/// first records score best under `score` (how well a header is recognised), comma on a tie.
/// Quotes that would swallow whole records are read as plain characters, with a note each.
pub fn parse(text: &str, score: &dyn Fn(&Range<Data>) -> usize) -> (Range<Data>, Vec<Note>) {
    let mut best = (b',', 0usize);
    for d in DELIMITERS {
        if d != b',' && !text.as_bytes().contains(&d) {
            continue;
        }
        let (repaired, _) = repair_quotes(text, d);
        let s = score(&records(&repaired, d, Some(SNIFF_RECORDS)));
        if s > best.1 {
            best = (d, s);
        }
    }
    let (repaired, notes) = repair_quotes(text, best.0);
    (records(&repaired, best.0, None), notes)
}

/// Lines looked at to learn how many delimiters a record line has.
const SHAPE_LINES: usize = 20;

/// Finds quotes that open a cell and would swallow whole records: never closed before the
/// end of the file, closed by a quote that does not end a cell (one inside a later cell), or
/// closed only after a line holding about as many delimiters as a record has (a cell with a
/// line break in an address does not look like that). Each such
/// quote is removed, so that its line is read as the record it is.
fn repair_quotes(text: &str, delimiter: u8) -> (Cow<'_, str>, Vec<Note>) {
    let bytes = text.as_bytes();
    if !bytes.contains(&b'"') {
        return (Cow::Borrowed(text), Vec::new());
    }
    // The delimiters of the widest of the first lines; a swallowed line with two thirds of
    // them is a record.
    let widest = bytes
        .split(|b| *b == b'\n')
        .take(SHAPE_LINES)
        .map(|l| l.iter().filter(|b| **b == delimiter).count())
        .max()
        .unwrap_or(0);
    let record_like = (widest * 2 / 3).max(2);
    let is_record = |line: &[u8]| line.iter().filter(|b| **b == delimiter).count() >= record_like;

    let mut stray: Vec<usize> = Vec::new();
    let mut i = 0;
    let mut field_start = true;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'"' && field_start {
            // Find where this quoted cell ends.
            let open = i;
            let mut j = i + 1;
            let close = loop {
                match bytes.get(j) {
                    None => break None,
                    Some(b'"') if bytes.get(j + 1) == Some(&b'"') => j += 2,
                    Some(b'"') => break Some(j),
                    Some(_) => j += 1,
                }
            };
            let inside = &bytes[open + 1..close.unwrap_or(bytes.len())];
            // A closing quote must end the cell; one followed by more text is a quote inside
            // a later cell, not the end of this one.
            let ends_cell = |j: usize| {
                matches!(bytes.get(j + 1), None | Some(b'\n' | b'\r'))
                    || bytes.get(j + 1) == Some(&delimiter)
            };
            let swallows = match close {
                None => inside.contains(&b'\n'),
                Some(j) => {
                    inside.contains(&b'\n')
                        && (!ends_cell(j) || inside.split(|b| *b == b'\n').skip(1).any(is_record))
                }
            };
            if swallows || close.is_none() {
                stray.push(open);
                i = open + 1;
                field_start = false;
                continue;
            }
            i = close.unwrap_or(bytes.len()) + 1;
            field_start = false;
            continue;
        }
        field_start = b == delimiter || b == b'\n' || b == b'\r';
        i += 1;
    }
    if stray.is_empty() {
        return (Cow::Borrowed(text), Vec::new());
    }
    let line_of = |pos: usize| bytes[..pos].iter().filter(|b| **b == b'\n').count() + 1;
    let total_lines = line_of(bytes.len()) - usize::from(bytes.ends_with(b"\n"));
    let mut notes = Vec::new();
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for (k, &pos) in stray.iter().enumerate() {
        out.push_str(&text[from..pos]);
        from = pos + 1;
        // The lines the quote would have taken: up to its closing quote, or the end.
        let until = stray.get(k + 1).copied().unwrap_or(bytes.len());
        let end = closing_quote(bytes, pos + 1)
            .unwrap_or(bytes.len())
            .min(until.max(pos));
        let line = line_of(pos);
        let swallowed = if end >= bytes.len() {
            total_lines - line
        } else {
            line_of(end) - line
        };
        notes.push(Note::StrayQuote { line, swallowed });
    }
    out.push_str(&text[from..]);
    (Cow::Owned(out), notes)
}

/// The position of the quote closing a quoted cell whose content starts at `from`.
fn closing_quote(bytes: &[u8], mut from: usize) -> Option<usize> {
    while from < bytes.len() {
        if bytes[from] == b'"' {
            if bytes.get(from + 1) == Some(&b'"') {
                from += 2;
                continue;
            }
            return Some(from);
        }
        from += 1;
    }
    None
}

/// Reads records onto sheet rows: each record is one row, and each blank line is an empty
/// row, as Excel shows the file. The csv crate skips blank lines, so they are counted from the
/// bytes between one record's end and the next record.
fn records(text: &str, delimiter: u8, limit: Option<usize>) -> Range<Data> {
    let bytes = text.as_bytes();
    let mut rdr = ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes);
    let mut rec = StringRecord::new();
    let mut cells = Vec::new();
    let mut row = 0u32;
    let mut count = 0usize;
    // Byte offset just past the previous record.
    let mut end = 0usize;
    loop {
        match rdr.read_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            // A malformed record (cannot happen with flexible records from a &str, but never
            // stop a whole roster on it): skip it.
            Err(_) => continue,
        }
        row = row.saturating_add(blank_lines(bytes, end));
        for (col, field) in rec.iter().enumerate() {
            if !field.is_empty() {
                let col = u32::try_from(col).unwrap_or(u32::MAX);
                cells.push(Cell::new((row, col), Data::String(field.to_string())));
            }
        }
        row = row.saturating_add(1);
        end = usize::try_from(rdr.position().byte()).unwrap_or(bytes.len());
        count += 1;
        if limit.is_some_and(|l| count >= l) {
            break;
        }
    }
    if cells.is_empty() {
        return Range::empty();
    }
    Range::from_sparse(cells)
}

/// Number of empty lines starting at byte `pos` (just past a record). A record ended by CRLF
/// may leave its LF unread; that LF is not a blank line.
fn blank_lines(bytes: &[u8], mut pos: usize) -> u32 {
    if pos > 0 && pos < bytes.len() && bytes[pos - 1] == b'\r' && bytes[pos] == b'\n' {
        pos += 1;
    }
    let mut blanks = 0u32;
    while pos < bytes.len() {
        match bytes[pos] {
            b'\r' => {
                pos += 1;
                if bytes.get(pos) == Some(&b'\n') {
                    pos += 1;
                }
            }
            b'\n' => pos += 1,
            _ => break,
        }
        blanks = blanks.saturating_add(1);
    }
    blanks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(r: &Range<Data>, row: u32, col: u32) -> String {
        match r.get_value((row, col)) {
            Some(Data::String(s)) => s.clone(),
            _ => String::new(),
        }
    }

    #[test]
    fn decodes_bom_utf8_and_gb18030() {
        let d = decode("\u{feff}姓名,护照号码".as_bytes());
        assert_eq!(d.text, "姓名,护照号码");
        assert_eq!(d.encoding, "UTF-8");
        let d = decode("姓名,护照号码".as_bytes());
        assert_eq!(d.text, "姓名,护照号码");
        let (gbk, _, _) = encoding_rs::GBK.encode("姓名,护照号码,国籍");
        let d = decode(&gbk);
        assert_eq!(d.text, "姓名,护照号码,国籍");
        assert_eq!(d.encoding, "GB18030");
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "姓名\tName".encode_utf16() {
            utf16.extend(u.to_le_bytes());
        }
        let d = decode(&utf16);
        assert_eq!(d.text, "姓名\tName");
        assert!(!looks_binary(&utf16));
    }

    #[test]
    fn rows_follow_excel_including_blank_lines_and_multiline_cells() {
        let text = "title\n\nName,Passport\n\"Anna\nMaria\",E1\n\n\nBob,E2\r\nCarl,E3";
        let r = records(text, b',', None);
        assert_eq!(cell(&r, 0, 0), "title");
        assert_eq!(cell(&r, 2, 0), "Name");
        assert_eq!(cell(&r, 3, 0), "Anna\nMaria");
        assert_eq!(cell(&r, 6, 0), "Bob");
        assert_eq!(cell(&r, 7, 1), "E3");
        // Windows line ends throughout, with a blank line.
        let r = records("a,b\r\n\r\nc,d\r\ne,f\r\n", b',', None);
        assert_eq!(cell(&r, 2, 0), "c");
        assert_eq!(cell(&r, 3, 1), "f");
        // Old Mac line ends.
        let r = records("a\r\rc\r", b',', None);
        assert_eq!(cell(&r, 2, 0), "c");
    }

    #[test]
    fn picks_the_delimiter_that_reveals_a_header() {
        let text = "Name;Passport;Nationality\nAnna, Maria;E1;PL\n";
        // Score: number of cells in the first row.
        let score = |r: &Range<Data>| {
            (0..5)
                .filter(|c| matches!(r.get_value((0, *c)), Some(Data::String(_))))
                .count()
        };
        let (r, notes) = parse(text, &score);
        assert!(notes.is_empty());
        assert_eq!(cell(&r, 1, 0), "Anna, Maria");
        assert_eq!(cell(&r, 1, 2), "PL");
    }

    #[test]
    fn binary_is_not_text() {
        assert!(looks_binary(b"ab\0cd"));
        assert!(looks_binary(&[1, 2, 3, 4, 5, 6, 7, 8]));
        assert!(!looks_binary("姓名,Name\r\n".as_bytes()));
        // UTF-16 without a byte-order mark.
        let utf16: Vec<u8> = "Name,Passport\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert!(looks_binary(&utf16));
        // One NUL byte in a roster is damage in a text file, not a binary file.
        let mut text = b"Name,Passport No,Nationality\n".repeat(4);
        text[40] = 0;
        assert!(!looks_binary(&text));
    }

    const ROWS: &str =
        "Name,Passport,Nationality,Birth\nAnna,E1,PL,1980\nBob,E2,DE,1981\nCarl,E3,FR,1982\n";

    fn score_header(r: &Range<Data>) -> usize {
        usize::from(cell(r, 0, 1) == "Passport")
    }

    #[test]
    fn an_unterminated_quote_does_not_swallow_the_rows_after_it() {
        let text = ROWS.replace("Bob,", "\"Bob,");
        let (r, notes) = parse(&text, &score_header);
        assert_eq!(
            notes,
            [Note::StrayQuote {
                line: 3,
                swallowed: 1
            }]
        );
        assert_eq!(cell(&r, 2, 0), "Bob");
        assert_eq!(cell(&r, 2, 1), "E2");
        assert_eq!(cell(&r, 3, 0), "Carl");
        assert_eq!(cell(&r, 3, 3), "1982");
        // Closed only by a quote inside a later record: the same.
        let text = ROWS
            .replace("Bob,", "\"Bob,")
            .replace("Carl,E3", "Carl \"C\",E3");
        let (r, notes) = parse(&text, &score_header);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert_eq!(cell(&r, 3, 1), "E3");
        // A real multi-line cell (an address) and doubled quotes stay as they are.
        let text = format!("{ROWS}Dan,E4,\"Room 1\nBuilding \"\"A\"\"\",1983\n");
        let (r, notes) = parse(&text, &score_header);
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(cell(&r, 4, 2), "Room 1\nBuilding \"A\"");
        assert_eq!(cell(&r, 4, 3), "1983");
    }

    #[test]
    fn a_gbk_line_in_a_utf8_file_is_decoded_alone_and_named() {
        let mut bytes = "Name,Nationality\n王芳,中国\n".as_bytes().to_vec();
        let (gbk, _, _) = encoding_rs::GBK.encode("李娜,中国\n");
        bytes.extend_from_slice(&gbk);
        bytes.extend_from_slice("张伟,中国\n".as_bytes());
        let d = decode(&bytes);
        assert_eq!(
            d.text,
            "Name,Nationality\n王芳,中国\n李娜,中国\n张伟,中国\n"
        );
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(d.notes, [Note::MixedEncoding(vec![3])]);
    }

    #[test]
    fn a_bom_or_nul_inside_the_file_is_removed_and_named() {
        let d = decode(
            "\u{feff}Name,Passport\nAnna,E1\n\u{feff}Bob,E\u{feff}2\nC\0arl,E3\n".as_bytes(),
        );
        assert_eq!(d.text, "Name,Passport\nAnna,E1\nBob,E2\nCarl,E3\n");
        assert_eq!(d.notes, [Note::Bom(vec![3]), Note::Nul(vec![4])]);
        assert!(decode(ROWS.as_bytes()).notes.is_empty());
    }
}
