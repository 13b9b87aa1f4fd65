//! Delimited text rosters (csv, Excel's tab-separated "Unicode text"): decoding (BOM first,
//! then strict UTF-8, then GB18030 as Chinese Excel saves it), choosing the delimiter by which
//! one yields a recognisable header, and laying records out on the rows Excel would show.

use calamine::{Cell, Data, Range};
use csv::{ReaderBuilder, StringRecord};

/// Decoded text and the name of the encoding it was read in.
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
}

/// Decodes a text file: a byte-order mark decides; otherwise strict UTF-8; otherwise GB18030
/// (a superset of GBK, which is what Chinese Excel writes for "CSV").
pub fn decode(bytes: &[u8]) -> Decoded {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return Decoded {
            text: text.into_owned(),
            encoding: enc.name(),
        };
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Decoded {
            text: s.to_string(),
            encoding: "UTF-8",
        },
        Err(_) => {
            let (text, _) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            Decoded {
                text: text.into_owned(),
                encoding: "GB18030",
            }
        }
    }
}

/// Whether bytes look like binary data rather than text: NUL bytes or many control
/// characters in the first 8 KiB (a UTF-16 text with a byte-order mark is text).
pub fn looks_binary(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return false;
    }
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return true;
    }
    let controls = head
        .iter()
        .filter(|b| b.is_ascii_control() && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1A))
        .count();
    controls * 100 > head.len()
}

const DELIMITERS: [u8; 4] = [b',', b'\t', b';', b'|'];
/// Records parsed per candidate delimiter when choosing one.
const SNIFF_RECORDS: usize = 40;

/// Parses delimited text into a sheet. The delimiter is the one (of `,` tab `;` `|`) whose
/// first records score best under `score` (how well a header is recognised), comma on a tie.
pub fn parse(text: &str, score: &dyn Fn(&Range<Data>) -> usize) -> Range<Data> {
    let mut best = (b',', 0usize);
    for d in DELIMITERS {
        if d != b',' && !text.as_bytes().contains(&d) {
            continue;
        }
        let s = score(&records(text, d, Some(SNIFF_RECORDS)));
        if s > best.1 {
            best = (d, s);
        }
    }
    records(text, best.0, None)
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
        let r = parse(text, &score);
        assert_eq!(cell(&r, 1, 0), "Anna, Maria");
        assert_eq!(cell(&r, 1, 2), "PL");
    }

    #[test]
    fn binary_is_not_text() {
        assert!(looks_binary(b"ab\0cd"));
        assert!(looks_binary(&[1, 2, 3, 4, 5, 6, 7, 8]));
        assert!(!looks_binary("姓名,Name\r\n".as_bytes()));
    }
}
