//! End-to-end (issue 6): what HR receives from `permitpack build`, checked the way its readers
//! will see it. Packets: byte-identical on rerun, entries in checklist order with `NN_`
//! prefixes (cover, letters, photo, scans, company scans), fixed timestamps, original bytes,
//! valid for the zip crate and Info-ZIP's `unzip -t`, AES-256 with `--password` only.
//! Reports: report.xlsx read with calamine, report.csv as Excel reads it (BOM, formulas
//! neutralised), report.html self-contained. Exit codes 0/1/2 and passport numbers masked on
//! the terminal.

use crate::fixtures::folder;

use crate::fixtures::folder::{AS_OF, Person};
use crate::report::Report;
use crate::util::{Dir, need_tool, stderr, stdout};
use calamine::{Data, Reader, Xlsx, open_workbook};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

fn build(dir: &Dir, extra: &[&str]) -> crate::util::Ran {
    let mut args = vec!["build", "co/roster.xlsx", "--as-of", AS_OF, "--out", "out"];
    args.extend_from_slice(extra);
    dir.run(&args)
}

fn zips(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "zip"))
        .collect();
    v.sort();
    v
}

/// Entry names, in the order stored, of a zip on disk.
fn entry_names(path: &Path) -> Vec<String> {
    let z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..z.len())
        .map(|i| z.name_for_index(i).unwrap().unwrap().to_string())
        .collect()
}

fn entry_bytes(path: &Path, name: &str) -> Vec<u8> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut f = z.by_name(name).unwrap();
    let mut v = Vec::new();
    f.read_to_end(&mut v).unwrap();
    v
}

/// Reads every entry in full, which checks each CRC.
fn verify_zip(path: &Path) {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let mut v = Vec::new();
        f.read_to_end(&mut v)
            .unwrap_or_else(|e| panic!("{} entry {i}: {e}", path.display()));
    }
}

/// Info-ZIP's `unzip -t`, when the tool is installed (`.ci/run` installs it).
fn unzip_t(path: &Path) -> Option<bool> {
    if !need_tool("unzip", &["-v"]) {
        return None;
    }
    let out = Command::new("unzip").arg("-t").arg(path).output().unwrap();
    Some(out.status.success())
}

#[test]
fn packets_and_reports_are_byte_identical_on_rerun() {
    let dir = Dir::new();
    folder::write(&dir.join("co"), &folder::standard());
    let first = build(&dir, &[]);
    first.assert_code(1);
    let before = crate::util::output_files(&dir.join("out"));
    let packets: Vec<&String> = before.keys().filter(|k| k.ends_with(".zip")).collect();
    assert_eq!(packets.len(), 7, "one packet per readable row: {packets:?}");
    for report in [
        "report.json",
        "report.csv",
        "report.xlsx",
        "report.html",
        "report.ics",
    ] {
        assert!(before.contains_key(report), "{report} written");
    }

    // The same inputs, into the same folder (replacing) and into a fresh one.
    let second = build(&dir, &[]);
    second.assert_code(1);
    let again = crate::util::output_files(&dir.join("out"));
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        again.keys().collect::<Vec<_>>(),
        "nothing left over, nothing new"
    );
    for (name, bytes) in &before {
        assert!(again[name] == *bytes, "{name} differs on rerun");
    }
    let fresh = dir.run(&["build", "co/roster.xlsx", "--as-of", AS_OF, "--out", "out2"]);
    fresh.assert_code(1);
    let other = crate::util::output_files(&dir.join("out2"));
    for (name, bytes) in &before {
        assert!(other[name] == *bytes, "{name} differs in another folder");
    }
}

#[test]
fn packet_entries_are_in_checklist_order_with_original_bytes() {
    let dir = Dir::new();
    folder::write(&dir.join("co"), &folder::standard());
    let out = build(&dir, &[]);
    out.assert_code(1);
    let r = Report::read(&dir, "out");
    let anna = r.employee(2);
    let packet = anna.packet();
    assert_eq!(packet, "E12345678_ANNA_NOWAK.zip");
    let zip = dir.join("out/packets").join(packet);
    let names = entry_names(&zip);
    assert_eq!(
        names,
        [
            "00_cover_checklist.pdf",
            "upload/01_wp_extension_form.pdf",
            "upload/02_labour_contract.pdf",
            "upload/03_passport.pdf",
            "upload/04_residence_permit.pdf",
            "upload/05_work_permit.pdf",
            "upload/06_photo_receipt.pdf",
            "upload/07_tax_certificate.pdf",
            "upload/08_company_tax_certificate.pdf",
            "upload/09_company_bank_statements.pdf",
            "upload/photo.jpg",
            "print/01_guarantee_letter.pdf",
            "print/02_salary_certificate.pdf",
            "originals/photos/E12345678.jpg",
            "originals/外国人来华工作许可延期申请表.pdf",
            "originals/劳动合同 signed.pdf",
            "originals/Passport bio page.jpg",
            "originals/居留许可页.jpg",
            "originals/Work Permit card.JPG",
            "originals/相片回执.jpg",
            "originals/个人所得税完税证明 2025-2026.pdf",
            "originals/_company/公司近3个月纳税证明.pdf",
            "originals/_company/Bank Statement 2026-Q3.pdf",
        ]
    );
    // The manifest in report.json names the originals.
    let original = |entry: &str| {
        anna.packet_entries
            .iter()
            .find(|m| m.entry == entry)
            .unwrap_or_else(|| panic!("no {entry} in {:#?}", anna.packet_entries))
            .original
            .as_deref()
    };
    assert_eq!(
        original("originals/劳动合同 signed.pdf"),
        Some("劳动合同 signed.pdf")
    );
    assert_eq!(
        original("originals/_company/Bank Statement 2026-Q3.pdf"),
        Some("_company/Bank Statement 2026-Q3.pdf")
    );
    // Original bytes: the photo and the scans are copied, not re-encoded.
    let photo = std::fs::read(folder::fixture_photo("blue.jpg")).unwrap();
    assert!(entry_bytes(&zip, "originals/photos/E12345678.jpg") == photo);
    let scan = std::fs::read(dir.join("co/docs/E12345678/居留许可页.jpg")).unwrap();
    assert!(entry_bytes(&zip, "originals/居留许可页.jpg") == scan);
    let bank = std::fs::read(dir.join("co/docs/_company/Bank Statement 2026-Q3.pdf")).unwrap();
    assert!(entry_bytes(&zip, "originals/_company/Bank Statement 2026-Q3.pdf") == bank);
    // A PDF already within the platform's budget is its own upload file, unchanged.
    assert!(entry_bytes(&zip, "upload/09_company_bank_statements.pdf") == bank);
    for pdf in [
        "00_cover_checklist.pdf",
        "print/01_guarantee_letter.pdf",
        "upload/04_residence_permit.pdf",
    ] {
        assert!(entry_bytes(&zip, pdf).starts_with(b"%PDF-"), "{pdf}");
    }
    // Timestamps are the as-of date, not the clock.
    let mut z = zip::ZipArchive::new(std::fs::File::open(&zip).unwrap()).unwrap();
    for i in 0..z.len() {
        let f = z.by_index(i).unwrap();
        let t = f.last_modified().unwrap();
        assert_eq!(
            (t.year(), t.month(), t.day()),
            (2026, 11, 26),
            "{}",
            f.name().unwrap()
        );
    }

    // Jane Doe's packet exists although items are missing; her unmatched random.docx is not
    // in it.
    let jane_zip = dir.join("out/packets").join(r.employee(3).packet());
    let names = entry_names(&jane_zip);
    assert_eq!(names[0], "00_cover_checklist.pdf");
    assert!(names.iter().all(|n| !n.contains("docx")), "{names:?}");
    assert!(names.iter().any(|n| n == "upload/photo.jpg"), "{names:?}");

    // Every packet is a valid zip, by the zip crate and by Info-ZIP.
    for p in zips(&dir.join("out/packets")) {
        verify_zip(&p);
        if let Some(ok) = unzip_t(&p) {
            assert!(ok, "unzip -t {}", p.display());
        }
        let names = entry_names(&p);
        assert_eq!(names[0], "00_cover_checklist.pdf", "{}", p.display());
        // Then upload/, print/, originals/, each numbered in order.
        let folders: Vec<&str> = names[1..]
            .iter()
            .map(|n| n.split('/').next().unwrap())
            .collect();
        let mut grouped = folders.clone();
        grouped.sort_by_key(|f| ["upload", "print", "originals"].iter().position(|x| x == f));
        assert_eq!(folders, grouped, "{names:?} in {}", p.display());
        for folder in ["upload", "print"] {
            let numbered: Vec<&String> = names
                .iter()
                .filter(|n| n.starts_with(&format!("{folder}/")) && !n.ends_with("photo.jpg"))
                .collect();
            for (i, n) in numbered.iter().enumerate() {
                assert!(
                    n.starts_with(&format!("{folder}/{:02}_", i + 1)),
                    "{n} in {}",
                    p.display()
                );
            }
        }
    }
}

fn reader_header(text: &str) -> Vec<String> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    r.headers().unwrap().iter().map(str::to_string).collect()
}

/// The employees sheet of report.xlsx as strings (dates and numbers in their display form).
fn xlsx_employees(path: &Path) -> (Vec<String>, Vec<Vec<Data>>) {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let names = wb.sheet_names();
    let range = wb.worksheet_range(&names[0]).unwrap();
    let mut rows = range.rows().map(|r| r.to_vec());
    let header = rows.next().unwrap().iter().map(|c| c.to_string()).collect();
    (header, rows.collect())
}

#[test]
fn reports_read_back_as_hr_opens_them() {
    let dir = Dir::new();
    let mut people = folder::standard();
    // A name Excel would run as a formula.
    people[1].name = "=HYPERLINK(\"http://x\",\"y\")";
    folder::write(&dir.join("co"), &people);
    let out = build(&dir, &["--lang", "en"]);
    out.assert_code(1);
    let r = Report::read(&dir, "out");

    // report.xlsx: one row per employee, in roster order, with the right status.
    let (header, rows) = xlsx_employees(&dir.join("out/report.xlsx"));
    assert_eq!(header[0], "Row");
    assert_eq!(header[6], "Status");
    assert_eq!(rows.len(), 7);
    let expected = [
        (2, "E12345678", "Ready", 60.0),
        (3, "G12345678", "Needs attention", 45.0),
        (4, "TR1234567", "Not yet", 120.0),
        (5, "Z1234567", "Too late", 20.0),
        (6, "751234567", "Too late", -10.0),
        (7, "PX1234567", "Ready", 60.0),
        (8, "AB1234567", "Ready", 50.0),
    ];
    for (row, (sheet_row, passport, status, days)) in rows.iter().zip(expected) {
        assert_eq!(row[0], Data::Float(sheet_row as f64));
        assert_eq!(row[3], Data::String(passport.into()), "passport as text");
        assert_eq!(row[6], Data::String(status.into()), "row {sheet_row}");
        assert_eq!(row[8], Data::Float(days), "row {sheet_row}");
        assert_eq!(
            row[19],
            Data::String(r.employee(sheet_row).packet().into()),
            "row {sheet_row}"
        );
    }
    match &rows[1][16] {
        Data::String(s) => assert!(s.contains("photo"), "Jane's missing items: {s}"),
        other => panic!("missing items cell: {other:?}"),
    }

    // report.csv: BOM, one line per problem (an employee without any gets one line), every
    // employee present, the formula neutralised.
    let csv = dir.read("out/report.csv");
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM");
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let header = reader_header(&text);
    let passport_col = header
        .iter()
        .position(|h| h.contains("Passport") || h.contains("passport"))
        .expect("a passport column");
    let mut passports: Vec<&str> = records.iter().map(|r| &r[passport_col]).collect();
    passports.sort();
    passports.dedup();
    passports.retain(|p| !p.is_empty());
    assert_eq!(passports.len(), 7, "{passports:?}");
    let cells: Vec<&str> = records.iter().flat_map(|r| r.iter()).collect();
    assert!(
        cells.contains(&"'=HYPERLINK(\"http://x\",\"y\")"),
        "the formula is prefixed with ': {:?}",
        records
    );
    for c in &cells {
        let bad = ['=', '+', '@', '\t', '\r', '＝', '＋', '－', '＠'];
        assert!(
            !c.starts_with(bad) && !(c.starts_with('-') && c.parse::<f64>().is_err()),
            "unneutralised cell {c:?}"
        );
    }
    // Numbers are untouched: Olga's days left stays a negative number.
    assert!(cells.contains(&"-10"), "{records:?}");

    // report.html: self-contained, nothing fetched from the network, packets linked.
    let html = String::from_utf8(dir.read("out/report.html")).unwrap();
    for attr in ["src=\"", "href=\"", "src='", "href='"] {
        for (i, _) in html.match_indices(attr) {
            let target = &html[i + attr.len()..];
            assert!(
                target.starts_with("data:")
                    || target.starts_with('#')
                    || target.starts_with("packets/"),
                "external reference: {}",
                &target[..target.len().min(80)]
            );
        }
    }
    for bad in ["<script src", "<link ", "@import", "url(http", "//cdn"] {
        assert!(!html.contains(bad), "{bad} in report.html");
    }
    assert!(html.contains("packets/E12345678_ANNA_NOWAK.zip"));
    assert!(!html.contains("=HYPERLINK(\"http"), "text is HTML-escaped");
    assert!(html.contains("Anna Nowak"));
    assert!(html.contains("=HYPERLINK(&quot;http") || html.contains("=HYPERLINK(&#34;http"));
}

#[test]
fn exit_codes_and_masked_terminal_output() {
    let dir = Dir::new();
    let people = folder::standard();
    folder::write(&dir.join("co"), &people);

    // 1: someone needs attention. Nothing printed shows a full passport number.
    for lang in ["both", "en", "zh"] {
        let out = build(&dir, &["--lang", lang]);
        out.assert_code(1);
        let terminal = format!("{}{}", stdout(&out), stderr(&out));
        assert!(!terminal.is_empty());
        for p in &people {
            assert!(
                !terminal.contains(p.passport),
                "{} unmasked on the terminal ({lang}):\n{terminal}",
                p.passport
            );
        }
        // The masked forms do appear for the employees with errors.
        assert!(terminal.contains("G1****678"), "{terminal}");
        assert!(terminal.contains("Z1***567"), "{terminal}");
    }
    // The same with `check`.
    let out = dir.run(&["check", "co/roster.xlsx", "--as-of", AS_OF, "--out", "chk"]);
    out.assert_code(1);
    let terminal = format!("{}{}", stdout(&out), stderr(&out));
    for p in &people {
        assert!(!terminal.contains(p.passport), "{terminal}");
    }

    // 0: every employee ready.
    let ok = Dir::new();
    folder::write(
        &ok.join("co"),
        &[Person::new("Anna Nowak", "E12345678").scans(folder::FULL_B6)],
    );
    let out = build(&ok, &[]);
    out.assert_code(0);
    assert!(!stdout(&out).contains("E12345678"));
    assert_eq!(zips(&ok.join("out/packets")).len(), 1);

    // 2: nothing could be done; one line on stderr, nothing written.
    let out = dir.run(&["build", "nope.xlsx", "--as-of", AS_OF, "--out", "bad"]);
    out.assert_code(2);
    let err = stderr(&out);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("nope.xlsx"), "{err}");
    assert!(!dir.join("bad/report.json").exists());
    dir.write("garbage.xlsx", b"PK\x03\x04 this is not a workbook");
    let out = dir.run(&["build", "garbage.xlsx", "--as-of", AS_OF, "--out", "bad"]);
    out.assert_code(2);
    assert!(stderr(&out).contains("garbage.xlsx"), "{}", stderr(&out));
    let out = dir.run(&["build", "co/roster.xlsx", "--as-of", "2026-13-01"]);
    out.assert_code(2);
}

#[test]
fn password_gives_aes_packets_that_open_only_with_it() {
    let dir = Dir::new();
    folder::write(
        &dir.join("co"),
        &[Person::new("Anna Nowak", "E12345678").scans(folder::FULL_B6)],
    );
    let out = build(&dir, &["--password", "s3cret-密码"]);
    out.assert_code(0);
    assert!(
        !stdout(&out).contains("s3cret"),
        "the password is never echoed"
    );
    let zip = dir.join("out/packets/E12345678_ANNA_NOWAK.zip");
    let photo = std::fs::read(folder::fixture_photo("blue.jpg")).unwrap();

    let mut z = zip::ZipArchive::new(std::fs::File::open(&zip).unwrap()).unwrap();
    assert_eq!(z.len(), 23);
    for i in 0..z.len() {
        // Names are visible (zip encrypts contents only), contents are not.
        assert!(
            z.by_index(i).is_err(),
            "entry {i} readable without password"
        );
        assert!(
            match z.by_index_decrypt(i, b"wrong") {
                Err(_) => true,
                Ok(mut f) => f.read_to_end(&mut Vec::new()).is_err(),
            },
            "entry {i} opens with a wrong password"
        );
        let mut f = z.by_index_decrypt(i, "s3cret-密码".as_bytes()).unwrap();
        let mut v = Vec::new();
        f.read_to_end(&mut v).unwrap();
        if f.name().unwrap() == "originals/photos/E12345678.jpg" {
            assert!(v == photo);
        }
    }
    // No plaintext of the photo in the file.
    let raw = std::fs::read(&zip).unwrap();
    assert!(!raw.windows(64).any(|w| w == &photo[1000..1064]));

    // The environment variable does the same; the packet is byte-different (random salt)
    // but opens with the variable's password.
    let out = dir
        .command()
        .args(["build", "co/roster.xlsx", "--as-of", AS_OF, "--out", "env"])
        .env("PERMITPACK_PASSWORD", "from-env")
        .run();
    out.assert_code(0);
    let mut z = zip::ZipArchive::new(
        std::fs::File::open(dir.join("env/packets/E12345678_ANNA_NOWAK.zip")).unwrap(),
    )
    .unwrap();
    assert!(z.by_index(0).is_err());
    let mut v = Vec::new();
    z.by_index_decrypt(0, b"from-env")
        .unwrap()
        .read_to_end(&mut v)
        .unwrap();
    assert!(v.starts_with(b"%PDF-"));

    // An empty password is refused rather than giving an unencrypted packet.
    let out = build(&dir, &["--password", ""]);
    out.assert_code(2);
}
