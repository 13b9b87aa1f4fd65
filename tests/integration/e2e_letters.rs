//! End-to-end (issue 5): the PDFs inside one employee's packet, as `permitpack build` writes
//! them, read back with poppler's `pdftotext` and checked with `qpdf --check`: the salary
//! certificate, the guarantee letter and the cover checklist carry the employee's name,
//! passport number, both salary forms (480,000.00 and 人民币肆拾捌万元整) and the date
//! 2026年11月26日 in their text layer. Needs poppler-utils and qpdf (skipped, loudly, when
//! either is missing).

use crate::fixtures::folder;

use crate::fixtures::folder::{AS_OF, Person};
use crate::util::{Dir, need_tool};
use std::io::Read;
use std::path::Path;
use std::process::Command;

/// Every PDF entry of a zip, written into `into`; returns (entry name, path).
fn extract_pdfs(zip: &Path, into: &Path) -> Vec<(String, std::path::PathBuf)> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    let mut out = Vec::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        if !name.ends_with(".pdf") {
            continue;
        }
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        let path = into.join(name.replace('/', "_"));
        std::fs::write(&path, bytes).unwrap();
        out.push((name, path));
    }
    out
}

/// The text layer with all white space removed (pdftotext breaks lines and may space CJK
/// text; what matters is that the characters are there, in order).
fn text(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success(), "pdftotext {}", pdf.display());
    String::from_utf8(out.stdout)
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn pages(pdf: &Path) -> usize {
    let out = Command::new("pdfinfo").arg(pdf).output().unwrap();
    let info = String::from_utf8_lossy(&out.stdout).into_owned();
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("pdfinfo {}: {info}", pdf.display()))
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[track_caller]
fn has(text: &str, doc: &str, wanted: &[&str]) {
    for w in wanted {
        assert!(
            text.contains(&squash(w)),
            "{doc}: {w:?} not in the text layer:\n{text}"
        );
    }
}

#[test]
fn letters_and_cover_in_the_packet_extract_as_text_and_pass_qpdf() {
    if !need_tool("pdftotext", &["-v"]) || !need_tool("qpdf", &["--version"]) {
        return;
    }
    let dir = Dir::new();
    let mut anna = Person::new("Anna Nowak", "E12345678").scans(folder::FULL_B6);
    anna.birth = chrono::NaiveDate::from_ymd_opt(1985, 2, 3).unwrap();
    folder::write(&dir.join("co"), &[anna]);
    let out = dir.run(&["build", "co/roster.xlsx", "--as-of", AS_OF, "--out", "out"]);
    out.assert_code(0);

    let pdfs = extract_pdfs(
        &dir.join("out/packets/E12345678_ANNA_NOWAK.zip"),
        dir.path(),
    );
    let generated: Vec<&str> = pdfs
        .iter()
        .map(|(n, _)| n.as_str())
        .filter(|n| !n.starts_with("upload/") && !n.starts_with("originals/"))
        .collect();
    assert_eq!(
        generated,
        [
            "00_cover_checklist.pdf",
            "print/01_guarantee_letter.pdf",
            "print/02_salary_certificate.pdf"
        ]
    );

    for (name, path) in &pdfs {
        // Every PDF in the packet, generated or scanned, is structurally sound.
        let check = Command::new("qpdf")
            .arg("--check")
            .arg(path)
            .output()
            .unwrap();
        assert_eq!(
            check.status.code(),
            Some(0),
            "qpdf --check {name}: {}{}",
            String::from_utf8_lossy(&check.stdout),
            String::from_utf8_lossy(&check.stderr)
        );
    }
    let path = |n: &str| &pdfs.iter().find(|(name, _)| name == n).unwrap().1;

    let salary = text(path("print/02_salary_certificate.pdf"));
    has(
        &salary,
        "salary certificate",
        &[
            "薪资证明",
            "Salary Certificate",
            "Anna Nowak",
            "E12345678",
            "480,000.00",
            "人民币肆拾捌万元整",
            "2026年11月26日",
            folder::COMPANY_ZH,
            folder::USCC,
            "Senior Engineer",
        ],
    );

    let guarantee = text(path("print/01_guarantee_letter.pdf"));
    has(
        &guarantee,
        "guarantee letter",
        &[
            "Anna Nowak",
            "E12345678",
            "2026年11月26日",
            folder::COMPANY_ZH,
            "张伟",
        ],
    );
    // Date of birth and the current expiry, in whichever of the two written forms.
    assert!(
        guarantee.contains("1985年2月3日") || guarantee.contains("1985-02-03"),
        "date of birth: {guarantee}"
    );
    let expiry = folder::day(60);
    assert!(
        guarantee.contains(&expiry.format("%Y年%-m月%-d日").to_string())
            || guarantee.contains(&expiry.format("%Y-%m-%d").to_string()),
        "current expiry {expiry}: {guarantee}"
    );

    let cover = text(path("00_cover_checklist.pdf"));
    has(
        &cover,
        "cover checklist",
        &[
            "Anna Nowak",
            "E12345678",
            "外国人来华工作许可延期申请表",
            "广东省外国人签证数字相片采集检测回执",
            "0755-88121678",
            "12367",
            "800",
        ],
    );
    // The deadline (expiry - 30 days) is on the cover.
    let deadline = folder::day(30);
    assert!(
        cover.contains(&deadline.format("%Y年%-m月%-d日").to_string())
            || cover.contains(&deadline.format("%Y-%m-%d").to_string()),
        "deadline {deadline}: {cover}"
    );
    // The user's original scan names are kept on the cover.
    has(&cover, "cover checklist", &["劳动合同signed.pdf"]);

    // The two letters fit one A4 page each.
    for n in [
        "print/01_guarantee_letter.pdf",
        "print/02_salary_certificate.pdf",
    ] {
        assert_eq!(pages(path(n)), 1, "{n}");
    }
}
