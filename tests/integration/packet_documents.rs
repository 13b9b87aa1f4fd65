//! End-to-end (issue 13, cover and letters): a packet puts a document's front before its back
//! whatever the file names' alphabet says; a salary certificate that was not produced says
//! why and what to fix instead of "written by permitpack"; the cover's to-do list prints the
//! passport number in full, as the cover's top does; the salary certificate's letterhead
//! never breaks inside 电话 (needs poppler's `pdftotext`; that part is skipped without it).

use crate::fixtures::folder;
use crate::fixtures::folder::{AS_OF, Person, Scan};
use crate::report::Report;
use crate::util::{Dir, need_tool};
use std::io::Read;

fn entry(zip: &std::path::Path, name: &str) -> Vec<u8> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    let mut f = z.by_name(name).unwrap();
    let mut bytes = Vec::new();
    f.read_to_end(&mut bytes).unwrap();
    bytes
}

fn pdftotext(pdf: &[u8], dir: &Dir) -> Option<String> {
    if !need_tool("pdftotext", &["-v"]) {
        return None;
    }
    let path = dir.write("x.pdf", pdf);
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn fronts_before_backs_and_the_cover_in_full() {
    let d = Dir::new();
    let anna = Person::new("Anna Nowak", "E12345678").scans(&[
        ("work_permit_back.jpg", Scan::Jpeg),
        ("work_permit_front.jpg", Scan::Jpeg),
        ("居留许可背面.jpg", Scan::Jpeg),
        ("居留许可正面.jpg", Scan::Jpeg),
    ]);
    // The same passport twice: a to-do note that names the passport number.
    let twin = Person::new("Anna Twin", "E12345678");
    folder::write(&d.join("co"), &[anna, twin]);
    let out = d.run(&["build", "co/roster.xlsx", "--as-of", AS_OF, "--out", "o"]);
    out.assert_code(1);
    let r = Report::read(&d, "o");
    let e = r.employee(2);
    let originals: Vec<&str> = e
        .packet_entries
        .iter()
        .filter_map(|x| x.original.as_deref())
        .filter(|o| o.contains("work_permit") || o.contains("居留许可"))
        .collect();
    assert_eq!(
        originals,
        [
            "居留许可正面.jpg",
            "居留许可背面.jpg",
            "work_permit_front.jpg",
            "work_permit_back.jpg"
        ],
        "{:#?}",
        e.packet_entries
    );

    let twin = r.employee(3);
    let zip = d.join("o/packets").join(twin.packet());
    if let Some(text) = pdftotext(&entry(&zip, "00_cover_checklist.pdf"), &d) {
        assert!(!text.contains("E1****678"), "{text}");
        assert!(text.matches("E12345678").count() >= 2, "{text}");
    }
}

#[test]
fn a_letter_not_produced_says_why() {
    let d = Dir::new();
    d.write(
        "r.csv",
        "Name,Passport No,Nationality,Date of birth,Talent category,Position,Start date,Work permit expiry,Residence permit expiry,Annual salary\n\
         Anna Nowak,E12345678,Poland,1985-02-03,(六),Engineer,2021-03-01,2027-01-10,2027-01-10,\n",
    );
    d.write(
        "company.toml",
        "name_zh = \"深圳市测试科技有限公司\"\nname_en = \"Shenzhen Test Technology Co., Ltd.\"\n\
         uscc = \"91440300MA5FXT4L8P\"\n\
         address = \"深圳市南山区粤海街道科技南十二路18号星河大厦12楼1201-1208室（深圳湾科技生态园旁）\"\n\
         contact_person = \"王丽\"\ncontact_phone = \"0755-8666 1234\"\nlegal_representative = \"陈建国\"\n",
    );
    let out = d.run(&[
        "build",
        "r.csv",
        "--company",
        "company.toml",
        "--as-of",
        AS_OF,
        "--out",
        "o",
    ]);
    out.assert_code(1);
    let r = Report::read(&d, "o");
    let e = r.employee(2);
    let line = e.item("salary_certificate");
    assert_eq!(line.status, "missing");
    let (zh, en) = (&line.how_zh, &line.how_en);
    assert!(
        !zh.contains("已生成") && !en.contains("Written by permitpack"),
        "{line:?}"
    );
    assert!(zh.contains("未生成") && zh.contains("年收入"), "{zh}");
    assert!(
        en.contains("Not produced") && en.contains("annual salary"),
        "{en}"
    );
    // The guarantee letter was produced: its letterhead keeps 电话 whole.
    let zip = d.join("o/packets").join(e.packet());
    if let Some(text) = pdftotext(&entry(&zip, "print/01_guarantee_letter.pdf"), &d) {
        let head: Vec<&str> = text.lines().take(8).collect();
        assert!(head.iter().any(|l| l.contains("电话 Tel")), "{head:#?}");
        assert!(head.iter().any(|l| l.contains("地址 Address")), "{head:#?}");
        assert!(
            !head.iter().any(|l| l.trim_start().starts_with('·')),
            "{head:#?}"
        );
    }
}

#[test]
fn a_letter_held_back_for_a_passport_that_lost_its_zeros_says_why() {
    let d = Dir::new();
    // The sample roster with Emma Johnson's passport number a bare number of 8 digits (9
    // digits cannot have lost a zero).
    let sample = format!("{}/samples/roster.xlsx", env!("CARGO_MANIFEST_DIR"));
    let mut src = zip::ZipArchive::new(std::fs::File::open(sample).unwrap()).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut patched = 0;
    for i in 0..src.len() {
        let mut f = src.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        if name.starts_with("xl/worksheets/") {
            let text = String::from_utf8(bytes).unwrap();
            patched += text.matches(">123456789</v>").count();
            bytes = text.replace(">123456789</v>", ">12345678</v>").into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut out, &bytes).unwrap();
    }
    assert_eq!(patched, 1, "the sample's bare passport number");
    d.write("roster.xlsx", out.finish().unwrap().into_inner());
    let out = d.run(&["check", "roster.xlsx", "--as-of", AS_OF, "--out", "o"]);
    out.assert_code(1);
    let r = Report::read(&d, "o");
    let line = r.employee(9).item("guarantee_letter");
    assert_eq!(line.status, "missing", "{line:?}");
    let (zh, en) = (&line.how_zh, &line.how_en);
    assert!(zh.starts_with("未生成") && zh.contains("开头的 0"), "{zh}");
    assert!(
        en.starts_with("Not produced") && en.contains("leading zeros"),
        "{en}"
    );
}
