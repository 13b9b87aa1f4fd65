//! Hostile rosters, run through the real binary: 10,000 rows, 5,000-character cells, formula
//! cells without cached values, a zip bomb, a sheet with a cell a million rows away, a PDF
//! named .xlsx. Each gives a clear message naming the file or cell, never a crash; a roster
//! that can be read still gives every employee a report row.

use crate::fixtures::small::*;
use crate::report::Report;
use crate::util::{Dir, employee_at_row, issue_codes, stderr, stdout};

/// Runs `check` on a roster that must be refused: exit 2, one line naming the file, no
/// report.
fn refused(dir: &Dir, name: &str) -> String {
    let out = dir.run(&["check", name, "--as-of", AS_OF]);
    sane(&out, dir.path(), &[]);
    let err = stderr(&out);
    out.assert_code(2);
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.contains(name), "names the file: {err}");
    assert!(!dir.join("out/report.json").exists());
    err
}

#[test]
fn ten_thousand_rows_are_all_reported() {
    let dir = Dir::new();
    let n = 10_000;
    dir.write("roster.csv", roster(n));
    dir.write("company.toml", COMPANY);
    let out = dir.run(&[
        "check",
        "roster.csv",
        "--company",
        "company.toml",
        "--as-of",
        AS_OF,
    ]);
    // Only the first employees' passports could appear in a capped summary; check a spread.
    let sample: Vec<String> = (0..n).step_by(997).map(passport).collect();
    sane(&out, dir.path(), &sample);
    // No photos and no scans: everyone needs attention, nothing is fatal.
    out.assert_code(1);
    let report = dir.report("out");
    let employees = report["employees"].as_array().expect("employees");
    assert_eq!(employees.len(), n);
    // Rows keep their sheet numbering (header is row 1).
    let last = employee_at_row(&report, n as u64 + 1);
    assert_eq!(last["name"], format!("Employee {}", n - 1));
    let summary = stdout(&out);
    assert!(summary.contains("10000"), "{summary}");
    for ext in ["csv", "xlsx", "html"] {
        assert!(
            std::fs::read_dir(dir.join("out"))
                .unwrap()
                .flatten()
                .any(|e| e.path().extension().is_some_and(|x| x == ext)),
            "a .{ext} report is written"
        );
    }
}

#[test]
fn five_thousand_character_cells_are_reported_not_fatal() {
    let dir = Dir::new();
    let long = "W".repeat(5_000);
    let han = "长".repeat(5_000);
    let mut csv = roster(1);
    // Row 3: every cell 5,000 characters long.
    csv.push_str(&vec![long.as_str(); 8].join(","));
    csv.push('\n');
    // Row 4: a plausible employee whose name and position are 5,000 characters.
    csv.push_str(&format!(
        "{han},{},Poland,1985-02-03,(六),{long},2027-01-10,2027-01-10\n",
        passport(7)
    ));
    dir.write("roster.csv", &csv);
    dir.write("company.toml", COMPANY);
    let out = dir.run(&[
        "build",
        "roster.csv",
        "--company",
        "company.toml",
        "--as-of",
        AS_OF,
        "--jobs",
        "2",
    ]);
    sane(&out, dir.path(), &[passport(0), passport(7)]);
    out.assert_code(1);
    let report = dir.report("out");
    assert_eq!(report["employees"].as_array().unwrap().len(), 3);
    // The all-long row: its passport and dates are problems named by cell.
    let bad = employee_at_row(&report, 3);
    let cells: Vec<String> = issue_codes(bad, "roster.")
        .into_iter()
        .map(|(_, c)| c)
        .collect();
    for cell in ["B3", "G3", "H3"] {
        assert!(cells.iter().any(|c| c == cell), "{cell} in {cells:?}");
    }
    // The ordinary employee on row 2 still gets a packet.
    let good = employee_at_row(&report, 2);
    let packet = good["packet"].as_str().expect("row 2 has a packet");
    assert!(dir.join("out/packets").join(packet).is_file());
    // The report lines for the long rows are bounded: no cell blows up the terminal.
    assert!(stdout(&out).len() < 50_000, "{}", stdout(&out).len());
}

#[test]
fn formula_cells_without_cached_values_are_empty_cells_named_by_cell() {
    let mut sheet = String::from(SHEET_HEAD);
    sheet.push_str(&header_row());
    // Row 2: the passport and the expiry dates are formulas with no cached <v>.
    sheet.push_str(r#"<row r="2">"#);
    sheet.push_str(&text_cell("A2", "Anna Nowak"));
    sheet.push_str(r#"<c r="B2" t="str"><f>CONCAT("EA","1234567")</f></c>"#);
    sheet.push_str(&text_cell("C2", "Poland"));
    sheet.push_str(&text_cell("D2", "1985-02-03"));
    sheet.push_str(&text_cell("E2", "(六)"));
    sheet.push_str(&text_cell("F2", "Engineer"));
    sheet.push_str(r#"<c r="G2"><f>DATE(2027,1,10)</f></c>"#);
    sheet.push_str(r#"<c r="H2"><f>G2</f><v></v></c>"#);
    sheet.push_str("</row>");
    sheet.push_str(&text_row(
        3,
        &[
            "Bob Lee",
            "EA7654321",
            "Poland",
            "1990-01-01",
            "(六)",
            "Designer",
            "2027-01-10",
            "2027-01-10",
        ],
    ));
    sheet.push_str(SHEET_TAIL);
    let dir = Dir::new();
    dir.write("roster.xlsx", Package::one_sheet(sheet).bytes());
    dir.write("company.toml", COMPANY);
    let out = dir.run(&[
        "check",
        "roster.xlsx",
        "--company",
        "company.toml",
        "--as-of",
        AS_OF,
    ]);
    sane(&out, dir.path(), &["EA7654321".into()]);
    out.assert_code(1);
    let report = dir.report("out");
    let anna = employee_at_row(&report, 2);
    let cells: Vec<String> = issue_codes(anna, "roster.")
        .into_iter()
        .map(|(_, c)| c)
        .collect();
    for cell in ["B2", "G2", "H2"] {
        assert!(cells.iter().any(|c| c == cell), "{cell} in {cells:?}");
    }
    // The next row is read normally.
    let bob = employee_at_row(&report, 3);
    assert_eq!(bob["passport_no"], "EA7654321");
}

#[test]
fn zip_bomb_is_refused_quickly_within_bounded_memory() {
    // 1 GiB of sheet XML (the same cell over and over) deflates to about 1 MB.
    let body = text_row(2, &["x"; 8]);
    let times = (1usize << 30) / body.len();
    let bytes = Package::bytes_with_streamed_sheet(
        &(SHEET_HEAD.to_string() + &header_row()),
        body.as_bytes(),
        times,
        SHEET_TAIL,
    );
    assert!(bytes.len() < 8 << 20, "bomb is {} bytes", bytes.len());
    let dir = Dir::new();
    dir.write("bomb.xlsx", &bytes);
    // Address space capped at 1 GiB: inflating the sheet, or holding its cells, would fail.
    let out = dir.run_command(
        std::process::Command::new("sh")
            .current_dir(dir.path())
            .arg("-c")
            .arg(format!(
                "ulimit -v 1048576 && exec '{}' check bomb.xlsx --as-of {AS_OF}",
                env!("CARGO_BIN_EXE_permitpack")
            )),
    );
    sane(&out, dir.path(), &[]);
    let err = stderr(&out);
    out.assert_code(2);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("bomb.xlsx"), "{err}");
    assert!(err.contains("256 MB"), "{err}");
}

#[test]
fn a_cell_a_million_rows_away_is_refused_naming_it() {
    let mut sheet = String::from(SHEET_HEAD);
    sheet.push_str(&header_row());
    sheet.push_str(&text_row(2, &row(0).split(',').collect::<Vec<_>>()));
    // One stray cell in the last cell of the sheet: a dense grid of it is 17 billion cells.
    sheet.push_str(r#"<row r="1048576">"#);
    sheet.push_str(&text_cell("XFD1048576", "stray"));
    sheet.push_str("</row>");
    sheet.push_str(SHEET_TAIL);
    let dir = Dir::new();
    dir.write("far.xlsx", Package::one_sheet(sheet).bytes());
    let err = refused(&dir, "far.xlsx");
    assert!(err.contains("XFD1048576"), "{err}");
    assert!(err.contains("Staff"), "names the sheet: {err}");
    // Says to delete it: saving the file again keeps the stray cell.
    assert!(err.contains("Delete"), "{err}");
    assert!(!err.contains("save it again as .xlsx"), "{err}");
}

#[test]
fn a_pdf_named_xlsx_is_refused() {
    let dir = Dir::new();
    let mut pdf = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj << /Type /Catalog >> endobj\n".to_vec();
    pdf.extend(std::iter::repeat_n(b'x', 10_000));
    dir.write("roster.xlsx", &pdf);
    let err = refused(&dir, "roster.xlsx");
    assert!(err.contains("PDF"), "{err}");
}

#[test]
fn a_lying_shared_string_count_is_refused_not_a_crash() {
    // calamine reserves memory for the announced count: a trillion strings would abort.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in HEADER.split(',').enumerate() {
        ws.write_string(0, c as u16, h).unwrap();
    }
    let bytes = wb.save_to_buffer().unwrap();
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = std::io::Cursor::new(Vec::new());
    {
        use std::io::{Read, Write};
        let mut w = zip::ZipWriter::new(&mut out);
        for i in 0..src.len() {
            let mut part = src.by_index(i).unwrap();
            let mut text = String::new();
            part.read_to_string(&mut text).unwrap();
            if part.name().unwrap() == "xl/sharedStrings.xml" {
                let at = text.find("uniqueCount=\"").unwrap() + "uniqueCount=\"".len();
                let end = at + text[at..].find('"').unwrap();
                text.replace_range(at..end, "1000000000000");
            }
            w.start_file(
                part.name().unwrap(),
                zip::write::SimpleFileOptions::default(),
            )
            .unwrap();
            w.write_all(text.as_bytes()).unwrap();
        }
        w.finish().unwrap();
    }
    let dir = Dir::new();
    dir.write("sst.xlsx", out.into_inner());
    let err = refused(&dir, "sst.xlsx");
    assert!(err.contains("damaged"), "{err}");
}

/// A CSV damaged as hand-edited files are: every row that can be read is read, and each
/// repair names its line.
#[test]
fn damaged_csv_lines_are_named_and_every_row_read() {
    // (name of the damage, bytes of the roster, issue code, line named)
    let quote = roster(3).replacen("Employee 1,", "\"Employee 1,", 1);
    // A UTF-8 file (Chinese on line 2) whose line 4 was pasted in from a GBK file.
    let mut gbk = format!(
        "{HEADER}\n{}\n{}\n",
        row(0).replacen("Employee 0,", "Employee 0 王,", 1),
        row(1)
    )
    .into_bytes();
    let (line, _, _) = encoding_rs::GBK
        .encode("Employee 2,EA1000002,波兰,1985-02-03,(六),工程师,2027-01-10,2027-01-10\n");
    gbk.extend_from_slice(&line);
    let bom = roster(3).replacen("EA1000001", "EA\u{feff}1000001", 1);
    let mut nul = roster(3).into_bytes();
    let at = nul.len() - 10;
    nul[at] = 0;
    nul.splice(at..at, [0u8]);
    for (what, bytes, code, line) in [
        (
            "unterminated quote",
            quote.into_bytes(),
            "roster.csv_quote",
            "3",
        ),
        ("GBK line", gbk, "roster.csv_mixed_encoding", "4"),
        ("BOM inside", bom.into_bytes(), "roster.csv_bom", "3"),
        ("NUL byte", nul, "roster.csv_nul", "4"),
    ] {
        let dir = Dir::new();
        dir.write("roster.csv", &bytes);
        dir.write("company.toml", COMPANY);
        let out = dir.run(&[
            "check",
            "roster.csv",
            "--company",
            "company.toml",
            "--as-of",
            AS_OF,
        ]);
        sane(&out, dir.path(), &[]);
        out.assert_code(1);
        let report = Report::read(&dir, "out");
        let employees = &report.employees;
        assert_eq!(employees.len(), 3, "{what}: every row read");
        let found = report.roster_issues_of(code);
        assert_eq!(found.len(), 1, "{what}: {:#?}", report.roster_issues);
        let message = &found[0].message;
        assert!(
            message.contains(&format!("line {line}"))
                || message.contains(&format!("line(s) {line} ")),
            "{what}: names line {line}: {:?}",
            found[0]
        );
        assert_eq!(found[0].file.as_deref(), Some("roster.csv"), "{what}");
        for (i, e) in employees.iter().enumerate() {
            assert_eq!(e.passport_no, Some(passport(i)), "{what}: row {i}");
            let name = e.name.as_deref().unwrap_or_default();
            assert!(name.starts_with(&format!("Employee {i}")), "{what}: {name}");
        }
        if what == "GBK line" {
            assert_eq!(employees[2].field("nationality"), "波兰", "{what}");
            assert_eq!(
                employees[0].name.as_deref(),
                Some("Employee 0 王"),
                "{what}"
            );
        }
    }
}
