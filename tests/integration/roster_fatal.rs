//! End-to-end: rosters that cannot be read at all (empty, corrupt, not a spreadsheet, no
//! header, no employees, missing) give exit status 2 and exactly one clear line on stderr,
//! never a panic, and no report.

use crate::util::{Dir, code, stderr};
use rust_xlsxwriter::Workbook;
use std::io::Write;

/// Runs `check` on `bytes` saved as `name` and returns the single stderr line.
fn fails(name: &str, bytes: &[u8]) -> String {
    let dir = Dir::new();
    dir.write(name, bytes);
    let out = dir.run(&["check", name, "--as-of", "2026-11-26"]);
    let err = stderr(&out);
    out.assert_code(2);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "one line expected: {err}"
    );
    assert!(err.starts_with("permitpack: "), "{err}");
    assert!(err.contains(name), "names the file: {err}");
    assert!(!dir.join("out/report.json").exists());
    err
}

fn valid_xlsx() -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["Name", "Passport No.", "Nationality"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "Anna").unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn empty_files() {
    let e = fails("roster.xlsx", b"");
    assert!(e.contains("empty"), "{e}");
    fails("roster.csv", b" \r\n\r\n ");
}

#[test]
fn not_spreadsheets() {
    let e = fails(
        "roster.xlsx",
        b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<<>>\nendobj\n",
    );
    assert!(e.contains("PDF"), "{e}");
    let e = fails("photo.xlsx", b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00");
    assert!(e.contains("JPEG"), "{e}");
    // Deterministic binary junk.
    let junk: Vec<u8> = (0u32..20_000)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    fails("junk.xlsx", &junk);
    // A web page saved with an .xls name.
    fails(
        "export.xls",
        b"<html><body><table><tr><td>Name</td></tr></table></body></html>",
    );
    // A Word document renamed.
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    z.start_file(
        "word/document.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    z.write_all(b"<w:document/>").unwrap();
    let docx = z.finish().unwrap().into_inner();
    let e = fails("letter.xlsx", &docx);
    assert!(e.contains("Word"), "{e}");
}

#[test]
fn corrupt_workbooks() {
    let good = valid_xlsx();
    // Cut off half way: the zip directory is gone.
    fails("cut.xlsx", &good[..good.len() / 2]);
    // A zip whose workbook part is garbage.
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, body) in [
        ("[Content_Types].xml", &b"<Types/>"[..]),
        ("xl/workbook.xml", &b"<workbook><sheets><sheet name="[..]),
        ("xl/worksheets/sheet1.xml", &b"\x00\x01\x02"[..]),
    ] {
        z.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(body).unwrap();
    }
    fails("broken.xlsx", &z.finish().unwrap().into_inner());
    // An OLE container header followed by junk: an unreadable .xls.
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend((0u32..4096).map(|i| (i * 31 % 256) as u8));
    fails("old.xls", &ole);
}

#[test]
fn no_header_and_no_employees() {
    let e = fails("notes.csv", "会议记录\n今天讨论了预算\n".as_bytes());
    assert!(e.contains("header") || e.contains("表头"), "{e}");
    let e = fails(
        "empty_roster.csv",
        "姓名,护照号码,国籍,人才类别\n,,,\n".as_bytes(),
    );
    assert!(e.contains("no employee rows"), "{e}");
    // A workbook whose only matching sheet is hidden.
    let mut wb = Workbook::new();
    let first = wb.add_worksheet();
    first.write_string(0, 0, "nothing here").unwrap();
    first.set_active(true);
    let hidden = wb.add_worksheet();
    for (c, h) in ["Name", "Passport No.", "Nationality"].iter().enumerate() {
        hidden.write_string(0, c as u16, *h).unwrap();
    }
    hidden.write_string(1, 0, "Anna").unwrap();
    hidden.set_hidden(true);
    fails("hidden.xlsx", &wb.save_to_buffer().unwrap());
}

#[test]
fn missing_roster_file() {
    let dir = Dir::new();
    let out = dir.run(&["check", "nowhere.xlsx"]);
    out.assert_code(2);
    let err = stderr(&out);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("nowhere.xlsx"), "{err}");
    // `build` follows the same contract.
    let out = dir.run(&["build", "nowhere.xlsx"]);
    out.assert_code(2);
}

/// Replaces text in one part of an xlsx package.
fn patch_xlsx(xlsx: &[u8], part: &str, from: &str, to: &str) -> Vec<u8> {
    use std::io::Read;
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name == part {
            let text = String::from_utf8(data).unwrap();
            assert!(text.contains(from), "{part} contains {from}");
            data = text.replace(from, to).into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn a_parser_panic_is_one_line_not_a_crash() {
    // A reversed sheet dimension makes the xlsx parser overflow when overflow checks are on
    // (debug builds); either way the user sees a result or one line, never a panic.
    let bad = patch_xlsx(
        &valid_xlsx(),
        "xl/worksheets/sheet1.xml",
        "ref=\"A1:C2\"",
        "ref=\"C9:A1\"",
    );
    let dir = Dir::new();
    dir.write("odd.xlsx", &bad);
    let out = dir.run(&["check", "odd.xlsx"]);
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    match code(&out) {
        2 => assert_eq!(err.trim_end().lines().count(), 1, "{err}"),
        1 => assert!(dir.join("out/report.json").exists()),
        _ => panic!("{}", out.story("expected exit status 1 or 2")),
    }
}
