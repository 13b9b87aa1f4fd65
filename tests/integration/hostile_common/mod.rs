//! Shared pieces of the hostile-input suites (`tests/hostile_*.rs`): a plain roster, the
//! company file, small hand-made workbooks and the checks every hostile run must pass
//! (no panic, no unmasked passport number, nothing half-written in the output folder).
#![allow(dead_code)]

use std::io::Write;
use std::path::Path;
use std::process::Output;

pub const AS_OF: &str = "2026-11-26";

pub const COMPANY: &str = "name_zh = \"深圳市测试科技有限公司\"\nuscc = \"91440300MA5FXT4L8P\"\naddress = \"深圳市福田区福华三路88号\"\ncontact_person = \"李明\"\ncontact_phone = \"0755-23456789\"\n";

pub const HEADER: &str = "Name,Passport No,Nationality,Date of birth,Talent category,Position,Work permit expiry,Residence permit expiry";

/// One roster line for employee `i` with passport `EA` + 7 digits, inside the window.
pub fn row(i: usize) -> String {
    format!(
        "Employee {i},{},Poland,1985-02-03,(六),Engineer,2027-01-10,2027-01-10",
        passport(i)
    )
}

pub fn passport(i: usize) -> String {
    format!("EA{:07}", 1_000_000 + i)
}

/// A CSV roster of `n` employees.
pub fn roster(n: usize) -> String {
    let mut s = String::with_capacity(n * 90 + 100);
    s.push_str(HEADER);
    s.push('\n');
    for i in 0..n {
        s.push_str(&row(i));
        s.push('\n');
    }
    s
}

/// Asserts what every hostile run must give: a known exit status, no panic or backtrace, no
/// passport number in full on the terminal, and no temporary file left in `out` or
/// `out/packets`.
pub fn sane(out: &Output, dir: &Path, passports: &[String]) {
    let err = String::from_utf8_lossy(&out.stderr);
    let std = String::from_utf8_lossy(&out.stdout);
    let code = out.status.code();
    assert!(
        matches!(code, Some(0..=2)),
        "exit {code:?}\nstderr: {err}\nstdout: {std}"
    );
    for text in [&err, &std] {
        assert!(!text.contains("panicked"), "{text}");
        assert!(!text.contains("RUST_BACKTRACE"), "{text}");
        for p in passports {
            assert!(
                !text.contains(p.as_str()),
                "passport {p} printed in full: {text}"
            );
        }
    }
    no_leftovers(dir);
}

/// No temporary (`.name.tmp-XXXXXX`) file anywhere under `dir`.
pub fn no_leftovers(dir: &Path) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in rd.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(
            !(name.starts_with(".permitpack-") && name.contains(".tmp-")),
            "half-written file left: {}",
            entry.path().display()
        );
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            no_leftovers(&entry.path());
        }
    }
}

/// An xlsx package written part by part, for files Excel would never write (formulas
/// without cached values, cells far away, inflated parts).
pub struct Package {
    parts: Vec<(String, Vec<u8>)>,
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Staff" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;

pub const SHEET_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#;
pub const SHEET_TAIL: &str = "</sheetData></worksheet>";

/// An inline-string cell.
pub fn text_cell(r: &str, text: &str) -> String {
    format!(r#"<c r="{r}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// A row of inline-string cells starting at column A.
pub fn text_row(row: u32, cells: &[&str]) -> String {
    let mut s = format!(r#"<row r="{row}">"#);
    for (i, c) in cells.iter().enumerate() {
        let col = (b'A' + i as u8) as char;
        s.push_str(&text_cell(&format!("{col}{row}"), c));
    }
    s.push_str("</row>");
    s
}

/// The header row of [`HEADER`] as sheet XML (row 1).
pub fn header_row() -> String {
    let cells: Vec<&str> = HEADER.split(',').collect();
    text_row(1, &cells)
}

impl Package {
    /// A one-sheet workbook whose sheet XML is `sheet`.
    pub fn one_sheet(sheet: impl Into<Vec<u8>>) -> Package {
        Package {
            parts: vec![
                ("[Content_Types].xml".into(), CONTENT_TYPES.into()),
                ("_rels/.rels".into(), ROOT_RELS.into()),
                ("xl/workbook.xml".into(), WORKBOOK.into()),
                ("xl/_rels/workbook.xml.rels".into(), WORKBOOK_RELS.into()),
                ("xl/worksheets/sheet1.xml".into(), sheet.into()),
            ],
        }
    }

    /// The zip bytes, every part deflated.
    pub fn bytes(&self) -> Vec<u8> {
        let mut buf = std::io::Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .large_file(true);
            for (name, bytes) in &self.parts {
                w.start_file(name.as_str(), opts).unwrap();
                w.write_all(bytes).unwrap();
            }
            w.finish().unwrap();
        }
        buf.into_inner()
    }

    /// Like [`Self::bytes`], but the sheet part is streamed from `head`, `body` repeated
    /// `times` and `tail`, so a part of hundreds of megabytes never sits in memory here.
    pub fn bytes_with_streamed_sheet(head: &str, body: &[u8], times: usize, tail: &str) -> Vec<u8> {
        let base = Package::one_sheet(Vec::new());
        let mut buf = std::io::Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .compression_level(Some(9))
                .large_file(true);
            for (name, bytes) in &base.parts {
                w.start_file(name.as_str(), opts).unwrap();
                if name.ends_with("sheet1.xml") {
                    w.write_all(head.as_bytes()).unwrap();
                    for _ in 0..times {
                        w.write_all(body).unwrap();
                    }
                    w.write_all(tail.as_bytes()).unwrap();
                } else {
                    w.write_all(bytes).unwrap();
                }
            }
            w.finish().unwrap();
        }
        buf.into_inner()
    }
}
