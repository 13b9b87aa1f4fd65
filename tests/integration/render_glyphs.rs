//! Characters the fonts lack, and invisible ones, in the roster and in scan file names: the
//! packet is always written, the character is drawn as a box and named in a warning on its
//! cell or file, Hangul is printed with the bundled Korean font, and control characters never
//! reach a document.

use crate::fixtures::small::*;
use crate::util::{Dir, employee_at_row, need_tool};
use std::io::Read;
use std::path::Path;
use std::process::Command;

const HEADER_ZH: &str = "Name,Chinese name,Passport No,Nationality,Date of birth,Talent category,Position,Start date,Annual salary,Work permit expiry,Residence permit expiry";

/// (Chinese-name cell, scan file name) per employee: Hangul, Thai, Arabic, Devanagari, CJK
/// Extension B, emoji.
const CASES: [(&str, &str); 6] = [
    ("김민준", "passport 김민준.pdf"),
    ("สมชาย", "passport สมชาย.pdf"),
    ("محمد", "passport محمد.pdf"),
    ("राहुल", "passport राहुल.pdf"),
    ("𠀀𠀁", "passport 𠀀.pdf"),
    ("王😀", "passport 😀.pdf"),
];

fn issues_of<'a>(e: &'a serde_json::Value, code: &str) -> Vec<&'a serde_json::Value> {
    e["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["code"] == code)
        .collect()
}

fn cover_text(packet: &Path) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(packet).unwrap()).unwrap();
    let mut pdf = Vec::new();
    zip.by_name("00_cover_checklist.pdf")
        .unwrap()
        .read_to_end(&mut pdf)
        .unwrap();
    let tmp = packet.with_extension("cover.pdf");
    std::fs::write(&tmp, pdf).unwrap();
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&tmp)
        .arg("-")
        .output()
        .unwrap();
    std::fs::remove_file(&tmp).unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn no_packet_is_lost_to_a_character() {
    let dir = Dir::new();
    let mut csv = format!("{HEADER_ZH}\n");
    for (i, (zh, scan)) in CASES.iter().enumerate() {
        // Control and invisible characters in the name and the position: ESC, CR inside a
        // quoted cell, a zero-width space, a soft hyphen, a right-to-left override.
        csv.push_str(&format!(
            "\"EMPLOYEE\u{1b}[31m {i}\u{200b}\r\",{zh},{},Poland,1985-02-03,(六),Engi\u{00ad}neer\u{202e},2021-03-01,480000,2027-01-10,2027-01-10\n",
            passport(i)
        ));
        dir.write(format!("docs/{}/{scan}", passport(i)), b"%PDF-1.4 scan");
    }
    dir.write("roster.csv", csv);
    dir.write("company.toml", COMPANY);
    let out = dir.run(&[
        "build",
        "roster.csv",
        "--company",
        "company.toml",
        "--docs",
        "docs",
        "--as-of",
        AS_OF,
        "--jobs",
        "2",
    ]);
    let passports: Vec<String> = (0..CASES.len()).map(passport).collect();
    sane(&out, dir.path(), &passports);
    let report = dir.report("out");
    for (i, (zh, scan)) in CASES.iter().enumerate() {
        let e = employee_at_row(&report, i as u64 + 2);
        assert!(
            e["packet"].is_string(),
            "row {}: no packet for {zh}: {}",
            i + 2,
            e["issues"]
        );
        // The letters are written too (a character never costs a document).
        assert!(
            issues_of(e, "template.missing_field").is_empty(),
            "{}",
            e["issues"]
        );
        let glyph = issues_of(e, "template.glyph");
        assert!(
            glyph.iter().all(|g| g["severity"] == "warning"),
            "{glyph:?}"
        );
        if i == 0 {
            assert!(glyph.is_empty(), "Hangul is printable: {glyph:?}");
            continue;
        }
        // One warning on the Chinese-name cell (B), one on the scan file, none repeated
        // per document.
        let on_cell: Vec<_> = glyph
            .iter()
            .filter(|g| g["cell"] == format!("B{}", i + 2))
            .collect();
        assert_eq!(on_cell.len(), 1, "row {}: {glyph:?}", i + 2);
        let on_file: Vec<_> = glyph.iter().filter(|g| g["file"] == *scan).collect();
        assert_eq!(on_file.len(), 1, "row {}: {glyph:?}", i + 2);
        assert_eq!(glyph.len(), 2, "row {}: {glyph:?}", i + 2);
        let message = on_file[0].to_string();
        assert!(message.contains("U+"), "{message}");
    }
    if !need_tool("pdftotext", &["-v"]) {
        return;
    }
    let packets = dir.join("out/packets");
    let text_of = |i: usize| {
        let p = std::fs::read_dir(&packets)
            .unwrap()
            .flatten()
            .find(|p| p.file_name().to_string_lossy().starts_with(&passport(i)))
            .unwrap_or_else(|| panic!("packet of employee {i}"));
        cover_text(&p.path())
    };
    let hangul = text_of(0);
    assert!(hangul.contains("김민준"), "{hangul}");
    assert!(hangul.contains("passport 김민준.pdf"), "{hangul}");
    for text in [&hangul, &text_of(5)] {
        assert!(!text.contains('\u{1b}') && !text.contains('\u{200b}') && !text.contains('\u{ad}'));
        assert!(text.contains("EMPLOYEE[31m"), "{text}");
        assert!(text.contains("Engineer"), "{text}");
    }
    let emoji = text_of(5);
    assert!(emoji.contains("王□"), "{emoji}");
    assert!(emoji.contains("passport □.pdf"), "{emoji}");
}
