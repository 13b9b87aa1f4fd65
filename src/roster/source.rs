//! Opening a roster from bytes: deciding the format by content (zip -> xlsx/xlsb/ods, OLE ->
//! xls, else delimited text), with the file extension only as a hint, and giving every sheet
//! as a calamine `Range` with its visibility, number formats and date epoch.

use super::RosterError;
use super::guard::{self, LongCell};
use super::sheetxml::{self, SheetExtras};
use super::text;
use crate::limits::RosterLimits;
use calamine::{Data, Ods, Range, Reader, SheetVisible, StyleRange, Xls, Xlsb, Xlsx};
use std::io::{Cursor, Read};

/// The spreadsheet formats permitpack reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xlsb,
    Xls,
    Ods,
    Csv,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Xlsb => "xlsb",
            Format::Xls => "xls",
            Format::Ods => "ods",
            Format::Csv => "csv",
        }
    }
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Decides the format from the content. `Err` names what the file seems to be instead.
pub fn detect(bytes: &[u8], file: &str) -> Result<Format, RosterError> {
    let not_sheet = |what: &str| RosterError::NotSpreadsheet {
        file: file.to_string(),
        what: what.to_string(),
    };
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(RosterError::Empty {
            file: file.to_string(),
        });
    }
    if bytes.starts_with(ZIP_MAGIC) {
        return zip_format(bytes, file);
    }
    if bytes.starts_with(OLE_MAGIC) {
        return Ok(Format::Xls);
    }
    for (magic, what) in [
        (&b"%PDF"[..], "a PDF document"),
        (&b"\x89PNG"[..], "a PNG image"),
        (&b"\xFF\xD8\xFF"[..], "a JPEG image"),
        (&b"GIF8"[..], "a GIF image"),
        (&b"Rar!"[..], "a RAR archive"),
        (&b"7z\xBC\xAF"[..], "a 7-Zip archive"),
        (&b"\x1F\x8B"[..], "a gzip archive"),
        (&b"{\\rtf"[..], "an RTF document"),
    ] {
        if bytes.starts_with(magic) {
            return Err(not_sheet(what));
        }
    }
    if text::looks_binary(bytes) {
        return Err(not_sheet("binary data"));
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if head.starts_with("<!doctype html") || head.starts_with("<html") || head.starts_with("<?xml")
    {
        return Err(not_sheet(
            "an HTML or XML document (save it from Excel as .xlsx)",
        ));
    }
    Ok(Format::Csv)
}

fn zip_format(bytes: &[u8], file: &str) -> Result<Format, RosterError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        // Both xlsx and ods are zip packages; name the one the file name suggests.
        let ods = file.to_ascii_lowercase().ends_with(".ods");
        RosterError::Unreadable {
            file: file.to_string(),
            format: if ods { "ods" } else { "xlsx" }.into(),
            reason: format!("the file is cut short or damaged: {e}"),
        }
    })?;
    if let Ok(mut f) = zip.by_name("mimetype") {
        let mut m = String::new();
        let _ = f.by_ref().take(200).read_to_string(&mut m);
        if m.trim() == "application/vnd.oasis.opendocument.spreadsheet" {
            return Ok(Format::Ods);
        }
        return Err(RosterError::NotSpreadsheet {
            file: file.to_string(),
            what: format!("an OpenDocument file of type {}", m.trim()),
        });
    }
    let names: Vec<String> = zip
        .file_names_raw()
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .collect();
    if names.iter().any(|n| n.ends_with("workbook.bin")) {
        return Ok(Format::Xlsb);
    }
    if names.iter().any(|n| n.starts_with("xl/")) {
        return Ok(Format::Xlsx);
    }
    let what = if names.iter().any(|n| n.starts_with("word/")) {
        "a Word document"
    } else if names.iter().any(|n| n.starts_with("ppt/")) {
        "a PowerPoint presentation"
    } else {
        "a zip archive without a workbook inside"
    };
    Err(RosterError::NotSpreadsheet {
        file: file.to_string(),
        what: what.into(),
    })
}

/// One sheet, loaded.
pub struct SheetData {
    pub name: String,
    pub range: Range<Data>,
    /// Number formats (xlsx only; empty otherwise).
    pub styles: StyleRange,
    pub is_1904: bool,
    /// Formula text by cell (workbooks only; empty for text files), to tell a formula whose
    /// result was never saved from an empty cell, and to spot SUM rows.
    pub formulas: Range<String>,
    /// Hidden rows, and .ods zero-padding formats.
    pub extras: SheetExtras,
    /// Cells cut to the length limit as they were read.
    pub long_cells: Vec<LongCell>,
}

impl SheetData {
    /// The number format code of a cell, if the format is known and not General.
    pub fn format_of(&self, row: u32, col: u32) -> Option<&str> {
        if let Some(f) = self.extras.formats.get(&(row, col)) {
            return Some(f.as_str());
        }
        self.styles
            .get((row, col))
            .and_then(|s| s.number_format.as_ref())
            .map(|f| f.format_code.as_str())
            .filter(|c| !c.eq_ignore_ascii_case("general"))
    }

    /// The formula of a cell, if it holds one.
    pub fn formula(&self, row: u32, col: u32) -> Option<&str> {
        self.formulas
            .get_value((row, col))
            .map(|f| f.trim())
            .filter(|f| !f.is_empty())
    }

    pub fn is_hidden_row(&self, row: u32) -> bool {
        self.extras.hidden_rows.contains(&row)
    }

    /// The last row holding a value or a formula.
    pub fn last_row(&self) -> Option<u32> {
        match (self.range.end(), self.formulas.end()) {
            (Some(a), Some(b)) => Some(a.0.max(b.0)),
            (a, b) => a.or(b).map(|e| e.0),
        }
    }
}

/// Sheet names and visibility in workbook order.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetInfo {
    pub name: String,
    pub visible: bool,
}

enum Inner<'a> {
    Xlsx(Box<Xlsx<Cursor<&'a [u8]>>>),
    Xlsb(Box<Xlsb<Cursor<&'a [u8]>>>),
    Xls(Box<Xls<Cursor<&'a [u8]>>>),
    Ods(Box<Ods<Cursor<&'a [u8]>>>),
    Csv(Option<Range<Data>>),
}

/// An opened roster file.
pub struct Book<'a> {
    pub format: Format,
    file: String,
    bytes: &'a [u8],
    inner: Inner<'a>,
    /// Note on how a text file was decoded (csv only), e.g. `GB18030`.
    pub encoding: Option<&'static str>,
    /// What was repaired in a text file while reading it (csv only), by line.
    pub text_notes: Vec<text::Note>,
    limits: RosterLimits,
}

fn unreadable(file: &str, format: Format, reason: impl ToString) -> RosterError {
    let reason = reason.to_string();
    if reason.to_ascii_lowercase().contains("password") {
        return RosterError::Encrypted {
            file: file.to_string(),
        };
    }
    RosterError::Unreadable {
        file: file.to_string(),
        format: format.name().to_string(),
        reason,
    }
}

impl<'a> Book<'a> {
    /// Opens the bytes of a roster file.
    pub fn open(
        bytes: &'a [u8],
        file: &str,
        score: &dyn Fn(&Range<Data>) -> usize,
        limits: &RosterLimits,
    ) -> Result<Book<'a>, RosterError> {
        let format = detect(bytes, file)?;
        if matches!(format, Format::Xlsx | Format::Xlsb | Format::Ods) {
            guard::check_package(bytes).map_err(|reason| unreadable(file, format, reason))?;
        }
        if format == Format::Ods {
            // The parser expands every sheet's repeats as it opens the file.
            guard::check_ods(bytes, limits).map_err(|reason| RosterError::TooLarge {
                file: file.to_string(),
                reason: reason.to_string(),
            })?;
        }
        let cur = || Cursor::new(bytes);
        let inner = match format {
            Format::Xlsx => Inner::Xlsx(Box::new(
                Xlsx::new(cur()).map_err(|e| unreadable(file, format, e))?,
            )),
            Format::Xlsb => Inner::Xlsb(Box::new(
                Xlsb::new(cur()).map_err(|e| unreadable(file, format, e))?,
            )),
            Format::Ods => Inner::Ods(Box::new(
                Ods::new(cur()).map_err(|e| unreadable(file, format, e))?,
            )),
            Format::Xls => match Xls::new(cur()) {
                Ok(x) => Inner::Xls(Box::new(x)),
                Err(e) => {
                    // An encrypted xlsx is an OLE container too.
                    if let Err(calamine::XlsxError::Password) = Xlsx::new(cur()) {
                        return Err(RosterError::Encrypted {
                            file: file.to_string(),
                        });
                    }
                    return Err(unreadable(file, format, e));
                }
            },
            Format::Csv => {
                let mut decoded = text::decode(bytes);
                let (range, quotes) = text::parse(&decoded.text, score);
                decoded.notes.extend(quotes);
                return Ok(Book {
                    format,
                    file: file.to_string(),
                    bytes,
                    inner: Inner::Csv(Some(range)),
                    encoding: Some(decoded.encoding),
                    text_notes: decoded.notes,
                    limits: limits.clone(),
                });
            }
        };
        Ok(Book {
            format,
            file: file.to_string(),
            bytes,
            inner,
            encoding: None,
            text_notes: Vec::new(),
            limits: limits.clone(),
        })
    }

    /// Sheets in workbook order. A text file has one sheet named after the file.
    pub fn sheets(&self) -> Vec<SheetInfo> {
        let meta = match &self.inner {
            Inner::Xlsx(x) => x.sheets_metadata(),
            Inner::Xlsb(x) => x.sheets_metadata(),
            Inner::Xls(x) => x.sheets_metadata(),
            Inner::Ods(x) => x.sheets_metadata(),
            Inner::Csv(_) => {
                return vec![SheetInfo {
                    name: self.csv_sheet_name(),
                    visible: true,
                }];
            }
        };
        meta.iter()
            .filter(|s| s.typ == calamine::SheetType::WorkSheet)
            .map(|s| SheetInfo {
                name: s.name.clone(),
                visible: s.visible == SheetVisible::Visible,
            })
            .collect()
    }

    fn csv_sheet_name(&self) -> String {
        let base = self.file.rsplit(['/', '\\']).next().unwrap_or(&self.file);
        match base.rsplit_once('.') {
            Some((stem, _)) if !stem.is_empty() => stem.to_string(),
            _ => base.to_string(),
        }
    }

    /// Loads a sheet's cells (and, for xlsx, its number formats).
    pub fn load(&mut self, name: &str) -> Result<SheetData, RosterError> {
        let file = self.file.clone();
        let format = self.format;
        let err =
            |e: &dyn std::fmt::Display| unreadable(&file, format, format!("sheet '{name}': {e}"));
        let bytes = self.bytes;
        let mut long_cells = Vec::new();
        let limits = &self.limits;
        // A sheet whose formulas or XML extras cannot be read is still read, without them.
        let (mut range, styles, is_1904, formulas, extras) = match &mut self.inner {
            Inner::Xlsx(x) => {
                let range =
                    guard::xlsx_range(x, name, limits, &mut long_cells).map_err(|e| match e {
                        guard::RangeError::Parser(e) => err(&e),
                        guard::RangeError::TooLarge(reason) => RosterError::TooLarge {
                            file: file.clone(),
                            reason: reason.to_string(),
                        },
                    })?;
                // Formats only matter for the leading zeros of passport numbers; a sheet whose
                // styles cannot be read is still read, without them.
                let styles = x.worksheet_style(name).unwrap_or_default();
                let formulas = x.worksheet_formula(name).unwrap_or_default();
                (
                    range,
                    styles,
                    x.has_1904_epoch(),
                    formulas,
                    sheetxml::xlsx(bytes, name),
                )
            }
            Inner::Xlsb(x) => (
                x.worksheet_range(name).map_err(|e| err(&e))?,
                StyleRange::empty(),
                x.has_1904_epoch(),
                x.worksheet_formula(name).unwrap_or_default(),
                SheetExtras::default(),
            ),
            Inner::Xls(x) => (
                x.worksheet_range(name).map_err(|e| err(&e))?,
                StyleRange::empty(),
                x.has_1904_epoch(),
                x.worksheet_formula(name).unwrap_or_default(),
                SheetExtras::default(),
            ),
            Inner::Ods(x) => (
                x.worksheet_range(name).map_err(|e| err(&e))?,
                StyleRange::empty(),
                false,
                x.worksheet_formula(name).unwrap_or_default(),
                sheetxml::ods(bytes, name),
            ),
            Inner::Csv(r) => (
                r.take().unwrap_or_default(),
                StyleRange::empty(),
                false,
                Range::default(),
                SheetExtras::default(),
            ),
        };
        if self.format != Format::Xlsx {
            guard::cut_long_cells(&mut range, name, &self.limits, &mut long_cells)
                .map_err(|reason| unreadable(&file, format, reason))?;
        }
        Ok(SheetData {
            name: name.to_string(),
            range,
            styles,
            is_1904,
            formulas,
            extras,
            long_cells,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_content_not_extension() {
        assert_eq!(
            detect(b"Name,Passport\nA,B\n", "x.xlsx").unwrap(),
            Format::Csv
        );
        assert!(matches!(
            detect(b"%PDF-1.7 ...", "roster.xlsx"),
            Err(RosterError::NotSpreadsheet { .. })
        ));
        assert!(matches!(
            detect(b"", "roster.csv"),
            Err(RosterError::Empty { .. })
        ));
        assert!(matches!(
            detect(b"  \n\r\n", "roster.csv"),
            Err(RosterError::Empty { .. })
        ));
        let junk: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
        assert!(matches!(
            detect(&junk, "roster.xlsx"),
            Err(RosterError::NotSpreadsheet { .. })
        ));
        assert!(matches!(
            detect(b"PK\x03\x04garbage", "roster.xlsx"),
            Err(RosterError::Unreadable { .. })
        ));
        assert_eq!(detect(OLE_MAGIC, "a.xls").unwrap(), Format::Xls);
    }

    #[test]
    fn a_zip_without_a_workbook_is_not_a_spreadsheet() {
        let mut buf = Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            w.start_file(
                "word/document.xml",
                zip::write::SimpleFileOptions::default(),
            )
            .unwrap();
            std::io::Write::write_all(&mut w, b"<x/>").unwrap();
            w.finish().unwrap();
        }
        let err = detect(buf.get_ref(), "r.xlsx").unwrap_err();
        assert!(err.to_string().contains("Word"), "{err}");
    }
}
