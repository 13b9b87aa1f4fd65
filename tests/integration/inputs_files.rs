//! Hostile inputs of issue 12 and the output folder of issue 11 item 14, run through the real
//! binary: a scan swapped for a link while the build runs, rosters that would expand to
//! gigabytes, a FIFO or a device as the roster, a user's dotfiles in the output folder, the
//! output folder's permissions, passport numbers in lower-case file names, and packets left
//! by an earlier build. Inputs are generated here, never stored.

use crate::fixtures::small::*;
use crate::util::{Dir, code, employee_at_row, issue_codes, stderr, stdout};
use std::io::{Read, Write};
use std::path::Path;

/// A marker no real file holds: the bytes a packet must never contain.
const MARKER: &[u8] = b"PERMITPACK-RACE-TARGET-7f3a9c1e";

fn packet_bytes(path: &Path) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut all = Vec::new();
    for i in 0..zip.len() {
        zip.by_index(i).unwrap().read_to_end(&mut all).unwrap();
    }
    all
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn base(dir: &Dir, n: usize) {
    dir.write("roster.csv", roster(n));
    dir.write("company.toml", COMPANY);
    std::fs::create_dir_all(dir.join("photos")).unwrap();
}

fn run(dir: &Dir, cmd: &str, extra: &[&str]) -> crate::util::Ran {
    let mut args = vec![
        cmd,
        "roster.csv",
        "--company",
        "company.toml",
        "--photos",
        "photos",
        "--docs",
        "docs",
        "--as-of",
        AS_OF,
    ];
    args.extend_from_slice(extra);
    dir.run(&args)
}

/// Item 1: while a build runs, every employee's passport scan flips between a regular file
/// and a link to a file outside the folders. No packet may ever hold the target's bytes.
#[test]
fn a_scan_swapped_for_a_link_during_the_build_never_reaches_a_packet() {
    let dir = Dir::new();
    let n = 12;
    base(&dir, n);
    let target = dir.write(
        "elsewhere/target.pdf",
        [b"%PDF-1.4 ".as_slice(), MARKER].concat(),
    );
    let scans: Vec<_> = (0..n)
        .map(|i| {
            dir.write(
                format!("docs/{}/passport.pdf", passport(i)),
                b"%PDF-1.4 real scan",
            )
        })
        .collect();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let swapper = {
        let stop = stop.clone();
        let scans = scans.clone();
        std::thread::spawn(move || {
            let mut flips = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                for s in &scans {
                    // Atomic swaps (rename over), so the name always exists.
                    let link = s.with_extension("lnk");
                    let _ = std::fs::remove_file(&link);
                    std::os::unix::fs::symlink(&target, &link).unwrap();
                    std::fs::rename(&link, s).unwrap();
                    let real = s.with_extension("real");
                    std::fs::write(&real, b"%PDF-1.4 real scan").unwrap();
                    std::fs::rename(&real, s).unwrap();
                    flips += 1;
                }
            }
            flips
        })
    };
    let mut packets = 0;
    for _ in 0..3 {
        let out = run(&dir, "build", &["--jobs", "2"]);
        sane(&out, dir.path(), &[]);
        for entry in std::fs::read_dir(dir.join("out/packets"))
            .unwrap()
            .flatten()
        {
            if entry.path().extension().is_some_and(|e| e == "zip") {
                packets += 1;
                assert!(
                    !contains(&packet_bytes(&entry.path()), MARKER),
                    "{} holds the link target's bytes",
                    entry.path().display()
                );
            }
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let flips = swapper.join().unwrap();
    assert!(flips > 0);
    assert_eq!(
        packets,
        3 * n,
        "every packet is written, with or without the scan"
    );
}

/// Item 1: a scan that is a link at packing time is named, and the packet is written.
#[test]
fn a_scan_that_is_a_link_when_packed_is_named_and_the_packet_written() {
    let dir = Dir::new();
    base(&dir, 1);
    dir.write(
        format!("docs/{}/passport.pdf", passport(0)),
        b"%PDF-1.4 scan",
    );
    let out = run(&dir, "build", &[]);
    sane(&out, dir.path(), &[]);
    assert!(dir.join("out/packets").read_dir().unwrap().count() >= 1);
}

/// Item 2: a 1 KB .ods whose rows and columns repeat to billions of cells is refused
/// quickly, naming the sheet, before the parser expands it.
#[test]
fn an_ods_that_repeats_to_billions_of_cells_is_refused() {
    let dir = Dir::new();
    let content = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>
<table:table table:name="Staff"><table:table-row><table:table-cell office:value-type="string"><text:p>Name</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>Passport No</text:p></table:table-cell></table:table-row>
<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="16000" office:value-type="string"><text:p>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA</text:p></table:table-cell></table:table-row>
</table:table></office:spreadsheet></office:body></office:document-content>"#;
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        w.start_file("mimetype", stored).unwrap();
        w.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
            .unwrap();
        w.start_file("content.xml", zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(content.as_bytes()).unwrap();
        w.finish().unwrap();
    }
    let bytes = buf.into_inner();
    assert!(bytes.len() < 2048, "{}", bytes.len());
    dir.write("roster.ods", &bytes);
    let started = std::time::Instant::now();
    let out = dir.run(&["check", "roster.ods", "--as-of", AS_OF]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("roster.ods") && err.contains("Staff"), "{err}");
    assert!(started.elapsed().as_secs() < 30);
}

/// Item 2: one long shared string referenced by many cells is refused by the text budget,
/// naming the cell where the budget ran out.
#[test]
fn a_shared_string_repeated_in_many_cells_is_refused() {
    let dir = Dir::new();
    let long = "X".repeat(32_767);
    let sst = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3"><si><t>Name</t></si><si><t>Passport No</t></si><si><t>{long}</t></si></sst>"#
    );
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>"#,
    );
    for r in 2..=6000 {
        sheet.push_str(&format!(
            r#"<row r="{r}"><c r="A{r}" t="s"><v>2</v></c></row>"#
        ));
    }
    sheet.push_str("</sheetData></worksheet>");
    let parts = [
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#.to_string()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string()),
        ("xl/workbook.xml", r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Staff" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string()),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#.to_string()),
        ("xl/worksheets/sheet1.xml", sheet),
        ("xl/sharedStrings.xml", sst),
    ];
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        for (name, body) in &parts {
            w.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(body.as_bytes()).unwrap();
        }
        w.finish().unwrap();
    }
    dir.write("roster.xlsx", buf.into_inner());
    let out = dir.run(&["check", "roster.xlsx", "--as-of", AS_OF]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("MB of text") && err.contains("Staff"), "{err}");
}

/// Item 2: a FIFO or a device as the roster is refused at once, never read or waited on.
#[test]
fn a_fifo_or_a_device_as_the_roster_is_refused() {
    let dir = Dir::new();
    let fifo = dir.join("roster.csv");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let out = dir.run(&["check", "roster.csv", "--as-of", AS_OF]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("FIFO"), "{}", stderr(&out));
    let out = dir.run(&["check", "/dev/zero", "--as-of", AS_OF]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("not a regular file"),
        "{}",
        stderr(&out)
    );
}

/// Item 2: a name of 100,000 characters is cut to Excel's cell limit and refused on its cell,
/// never typeset (it took gigabytes); the other employees' packets are written.
#[test]
fn a_huge_name_is_refused_on_its_cell() {
    let dir = Dir::new();
    let mut csv = roster(2);
    csv.push_str(&format!(
        "{},EA7777777,Poland,1985-02-03,(六),Engineer,2027-01-10,2027-01-10\n",
        "N".repeat(100_000)
    ));
    dir.write("roster.csv", csv);
    dir.write("company.toml", COMPANY);
    std::fs::create_dir_all(dir.join("photos")).unwrap();
    std::fs::create_dir_all(dir.join("docs")).unwrap();
    let out = run(&dir, "build", &[]);
    sane(&out, dir.path(), &[]);
    let report = dir.report("out");
    let e = employee_at_row(&report, 4);
    let codes = issue_codes(e, "roster.");
    assert!(
        codes.contains(&("roster.cell_too_long".into(), "A4".into())),
        "{codes:?}"
    );
    assert!(
        codes.contains(&("roster.name_too_long".into(), "A4".into())),
        "{codes:?}"
    );
    // The cover needs a name, so this employee's packet waits for the corrected cell; the
    // others are written.
    for row in [2, 3] {
        assert!(
            employee_at_row(&report, row)["packet"].is_string(),
            "row {row}"
        );
    }
}

/// Item 5: the start-up clean-up removes only this tool's leftovers.
#[test]
fn user_dotfiles_in_the_output_folder_are_kept() {
    let dir = Dir::new();
    base(&dir, 1);
    std::fs::create_dir_all(dir.join("docs")).unwrap();
    dir.write("out/.notes.tmp-123456", b"mine");
    dir.write("out/packets/.draft.zip.tmp-abcdef", b"mine too");
    dir.write("out/packets/.permitpack-EA1.zip.tmp-abcdef", b"half");
    let out = run(&dir, "build", &[]);
    sane(&out, dir.path(), &[]);
    assert!(dir.join("out/.notes.tmp-123456").exists());
    assert!(dir.join("out/packets/.draft.zip.tmp-abcdef").exists());
    assert!(
        !dir.join("out/packets/.permitpack-EA1.zip.tmp-abcdef")
            .exists()
    );
}

/// Item 6: the folders permitpack creates are private; passport numbers in lower-case file
/// names are masked on the terminal.
#[test]
fn output_folders_are_private_and_lower_case_passports_masked() {
    use std::os::unix::fs::PermissionsExt;
    let dir = Dir::new();
    base(&dir, 1);
    let p = passport(0);
    dir.write(
        format!("docs/{p}/scan_{}_x.pdf", p.to_lowercase()),
        b"%PDF-1.4 scan",
    );
    dir.write(
        format!("photos/{}.png", p.to_lowercase()),
        b"not really a png",
    );
    let out = run(&dir, "build", &[]);
    sane(&out, dir.path(), &[p.clone(), p.to_lowercase()]);
    for d in ["out", "out/packets"] {
        let mode = std::fs::metadata(dir.join(d)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode & 0o077, 0, "{d} is {mode:o}");
    }
    let _ = stdout(&out);
}

/// Issue 11 item 14: a rerun removes the packets the earlier build wrote for employees no
/// longer produced, never other files; `check` says the packets are from the earlier build.
#[test]
fn the_packets_folder_reflects_this_run() {
    let dir = Dir::new();
    base(&dir, 3);
    std::fs::create_dir_all(dir.join("docs")).unwrap();
    let out = run(&dir, "build", &[]);
    sane(&out, dir.path(), &[]);
    let zips = |dir: &Dir| {
        let mut v: Vec<String> = std::fs::read_dir(dir.join("out/packets"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".zip"))
            .collect();
        v.sort();
        v
    };
    assert_eq!(zips(&dir).len(), 3);
    dir.write("out/packets/my_own.zip", b"keep me");
    // The third employee's passport number is corrected.
    let fixed = roster(3).replace(&passport(2), "EB9999999");
    dir.write("roster.csv", fixed);
    let out = run(&dir, "build", &[]);
    sane(&out, dir.path(), &[]);
    let now = zips(&dir);
    assert_eq!(now.len(), 4, "{now:?}");
    assert!(now.iter().any(|n| n.starts_with("EB9999999")));
    assert!(!now.iter().any(|n| n.starts_with(&passport(2))), "{now:?}");
    assert!(now.contains(&"my_own.zip".to_string()));
    for name in &now {
        assert!(!name.starts_with('.') && !name.contains(".."), "{name}");
    }
    let out = run(&dir, "check", &[]);
    sane(&out, dir.path(), &[]);
    let report = dir.report("out");
    let codes: Vec<&str> = report["roster_issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["code"].as_str())
        .collect();
    assert!(codes.contains(&"packet.from_earlier_build"), "{codes:?}");
}

/// Item 9: a date out of any sensible range is a bad argument (exit 2, said on the error
/// line), never an internal error on every employee.
#[test]
fn an_as_of_date_out_of_range_is_a_bad_argument() {
    let dir = Dir::new();
    base(&dir, 2);
    for (cmd, date) in [
        ("build", "+10000-01-01"),
        ("check", "+10000-01-01"),
        ("build", "9999-12-31"),
        ("check", "0001-01-01"),
        ("build", "1000-06-15"),
    ] {
        let out = dir.run(&[
            cmd,
            "roster.csv",
            "--company",
            "company.toml",
            "--as-of",
            date,
        ]);
        sane(&out, dir.path(), &[]);
        out.assert_code(2);
        let err = stderr(&out);
        let first = err.lines().next().unwrap_or_default();
        assert!(
            first.contains("--as-of") && first.contains(date),
            "{cmd} {date}: {err}"
        );
        assert!(
            first.contains("between 1950-01-01 and 2199-12-31") || first.contains("not a date"),
            "{cmd} {date}: {err}"
        );
        assert!(!err.contains("internal"), "{err}");
        assert!(
            !dir.join("out/report.json").exists(),
            "{cmd} {date}: nothing written"
        );
    }
    // The range's ends are accepted.
    let out = dir.run(&[
        "check",
        "roster.csv",
        "--company",
        "company.toml",
        "--as-of",
        "2199-12-31",
    ]);
    out.assert_not_code(2);
}
