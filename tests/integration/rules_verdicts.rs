//! End-to-end (issue 11, verdict items): the real binary on a company whose scans carry the
//! names HR really uses and whose photos include real public-domain portraits. An employee
//! with complete, correct inputs is ready; one without passport, contract or Work Permit
//! scans is not, nor one whose "photo" is a plain blue image, nor a 62-year-old in
//! category B; an unusable scan is refused on its file; a photo named by the employee's
//! name is found with a warning; originals are `provided`/`missing` with `bring_original`.

use crate::fixtures::folder::{self, AS_OF, FULL_B6, Person, Scan, day, fixture_photo};
use crate::util::{Dir, employee_at_row};
use serde_json::Value;

/// The scans of a complete category (六) employee, under the names HR used in the issue:
/// `签证页` for the Residence Permit page, `Receipt of tax payment` for the tax certificate,
/// the Work Permit card as front and back, and an RP application draft that must not be
/// taken as the RP page.
const REAL_NAMES_B6: &[(&str, Scan)] = &[
    ("工作许可延期申请表.pdf", Scan::Pdf),
    ("劳动合同.pdf", Scan::Pdf),
    ("护照.jpg", Scan::Jpeg),
    ("签证页.jpg", Scan::Jpeg),
    ("WP card back.jpg", Scan::Jpeg),
    ("WP card front.jpg", Scan::Jpeg),
    ("相片回执.jpg", Scan::Jpeg),
    ("Receipt of tax payment.pdf", Scan::Pdf),
    ("居留许可延期申请.pdf", Scan::Pdf),
];

/// The uploads only: no passport, contract or Work Permit scan.
const NO_ORIGINALS_B6: &[(&str, Scan)] = &[
    ("工作许可延期申请表.pdf", Scan::Pdf),
    ("居留许可页.jpg", Scan::Jpeg),
    ("相片回执.jpg", Scan::Jpeg),
    ("tax 2025.pdf", Scan::Pdf),
];

fn company(dir: &Dir) {
    let mut old = Person::new("Hans Becker", "C01X00T47").scans(FULL_B6);
    old.birth = chrono::NaiveDate::from_ymd_opt(1964, 5, 1).unwrap(); // 62 on the as-of date
    let mut by_name = Person::new("Maria Rossi", "YA7654321").scans(FULL_B6);
    by_name.photo = None;
    let mut real = Person::new("Eileen Collins", "NA1234567").scans(FULL_B6);
    real.photo = Some("real/collins_astronaut_33x48.jpg");
    let mut nophoto = Person::new("Tom Black", "TB1234567").scans(FULL_B6);
    nophoto.photo = None;
    let people = vec![
        // Row 2: complete, realistic names.
        Person::new("Anna Nowak", "E12345678").scans(REAL_NAMES_B6),
        // Row 3: no passport, contract or Work Permit scan.
        Person::new("Jane Doe", "G12345678").scans(NO_ORIGINALS_B6),
        // Row 4: a plain blue image with no face.
        {
            let mut p = Person::new("Blue Square", "BL1234567").scans(FULL_B6);
            p.photo = Some("no_person.jpg");
            p
        },
        // Row 5: 62 years old, category (六) = B.
        old,
        // Row 6: the passport "scan" is a HEIC photo named .jpg, the contract a Word file.
        Person::new("Ivan Petrov", "P98765432").scans(&[
            ("工作许可延期申请表.pdf", Scan::Pdf),
            ("labour contract.pdf", Scan::Other),
            ("Passport.jpg", Scan::Jpeg),
            ("居留许可页.jpg", Scan::Jpeg),
            ("工作许可证.jpg", Scan::Jpeg),
            ("相片回执.jpg", Scan::Jpeg),
            ("完税证明.pdf", Scan::Pdf),
        ]),
        // Row 7: the photo is named by her name.
        by_name,
        // Row 8: a real public-domain portrait (not on a blue backdrop).
        real,
        // Row 9: no photo at all.
        nophoto,
    ];
    folder::write(dir.join("co").as_path(), &people);
    std::fs::copy(
        fixture_photo("blue.jpg"),
        dir.join("co/photos/Maria Rossi.jpg"),
    )
    .unwrap();
    // A HEIC photo saved as the passport scan (row 6).
    std::fs::copy(
        fixture_photo("iphone.heic"),
        dir.join("co/docs/P98765432/Passport.jpg"),
    )
    .unwrap();
}

fn line<'a>(e: &'a Value, id: &str) -> &'a Value {
    e["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == id)
        .unwrap_or_else(|| panic!("no checklist line {id}: {}", e["checklist"]))
}

fn codes(e: &Value, severity: &str) -> Vec<String> {
    e["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["severity"] == severity)
        .map(|i| i["code"].as_str().unwrap().to_string())
        .collect()
}

fn issue<'a>(e: &'a Value, code: &str) -> &'a Value {
    e["issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {}", e["issues"]))
}

fn files(e: &Value, id: &str) -> Vec<String> {
    line(e, id)["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn verdicts_on_realistic_inputs() {
    let dir = Dir::new();
    company(&dir);
    dir.run(&["build", "co/roster.xlsx", "--as-of", AS_OF, "--out", "out"])
        .assert_code(1);
    let report = dir.report("out");
    assert_eq!(report["format_version"], 2);
    for e in report["employees"].as_array().unwrap() {
        for l in e["checklist"].as_array().unwrap() {
            assert_ne!(l["status"], "bring_original", "retired status value");
            assert!(l["bring_original"].is_boolean());
        }
        assert!(
            e["photo"]["ok"].is_boolean(),
            "photo.ok never null: {}",
            e["photo"]
        );
    }

    // Row 2: complete inputs under real names: ready.
    let anna = employee_at_row(&report, 2);
    assert_eq!(anna["ready"], true, "{:?}", codes(anna, "error"));
    assert_eq!(anna["status"], "ready");
    assert_eq!(files(anna, "residence_permit"), ["签证页.jpg"]);
    assert_eq!(
        files(anna, "tax_certificate"),
        ["Receipt of tax payment.pdf"]
    );
    assert_eq!(files(anna, "photo_receipt"), ["相片回执.jpg"]);
    assert_eq!(
        files(anna, "work_permit"),
        ["WP card front.jpg", "WP card back.jpg"]
    );
    assert_eq!(
        files(anna, "visa_application_form"),
        ["居留许可延期申请.pdf"]
    );
    for id in ["passport", "labour_contract", "work_permit"] {
        assert_eq!(line(anna, id)["status"], "provided", "{id}");
        assert_eq!(line(anna, id)["bring_original"], true, "{id}");
    }
    assert_eq!(line(anna, "residence_permit")["bring_original"], false);
    // The window-may-ask items are warnings, with their source.
    let acc = line(anna, "accommodation_registration");
    assert_eq!(acc["status"], "missing");
    assert_eq!(acc["optional"], true);
    assert_eq!(acc["bring_original"], true);
    let w = anna["issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| {
            i["code"] == "document.may_ask_missing"
                && i["args"]["item"] == "accommodation_registration"
        })
        .unwrap();
    assert_eq!(w["severity"], "warning");
    assert!(w["message"].as_str().unwrap().contains("Pingshan"), "{w}");
    // 5.5 years in China: a 2-year term, so the multi-year letter may be asked for.
    assert_eq!(anna["term_years"], 2.0);
    assert_eq!(line(anna, "multi_year_request_letter")["optional"], true);
    assert!(!codes(anna, "warning").contains(&"document.duplicate".to_string()));

    // Row 3: no passport, contract or Work Permit scan: not ready, one error each.
    let jane = employee_at_row(&report, 3);
    assert_eq!(jane["ready"], false);
    let missing: Vec<&str> = jane["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["code"] == "document.missing")
        .map(|i| i["args"]["item"].as_str().unwrap())
        .collect();
    assert_eq!(missing, ["labour_contract", "passport", "work_permit"]);
    for id in ["passport", "labour_contract", "work_permit"] {
        assert_eq!(line(jane, id)["status"], "missing", "{id}");
        assert_eq!(line(jane, id)["bring_original"], true, "{id}");
    }
    assert_eq!(files(jane, "tax_certificate"), ["tax 2025.pdf"]);
    let msg = issue(jane, "document.missing")["message"].as_str().unwrap();
    assert!(msg.contains("original is handed in"), "{msg}");

    // Row 4: a plain blue image: no face, an error, the photo is not OK.
    let blue = employee_at_row(&report, 4);
    assert_eq!(blue["ready"], false);
    assert_eq!(blue["photo"]["ok"], false);
    assert_eq!(issue(blue, "photo.face.none")["severity"], "error");

    // Row 5: 62 and category B: refused in Shenzhen, so not ready.
    let hans = employee_at_row(&report, 5);
    assert_eq!(hans["ready"], false);
    let age = issue(hans, "eligibility.age");
    assert_eq!(age["severity"], "error");
    assert!(
        !age["message_zh"].as_str().unwrap().contains("press"),
        "{age}"
    );
    assert!(
        age["action"].as_str().unwrap().contains("category A"),
        "{age}"
    );

    // Row 6: files that cannot be uploaded are refused on the file, and not packed.
    let ivan = employee_at_row(&report, 6);
    assert_eq!(ivan["ready"], false);
    let refused: Vec<(&str, &str)> = ivan["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["code"] == "document.format")
        .map(|i| (i["file"].as_str().unwrap(), i["severity"].as_str().unwrap()))
        .collect();
    assert_eq!(
        refused,
        [("labour contract.pdf", "error"), ("Passport.jpg", "error")]
    );
    assert!(
        issue(ivan, "document.format")["action"]
            .as_str()
            .unwrap()
            .contains("PDF or JPG")
    );
    assert_eq!(line(ivan, "passport")["status"], "missing");
    let entries: Vec<String> = ivan["packet_entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["entry"].as_str().unwrap().to_string())
        .collect();
    assert!(
        !entries
            .iter()
            .any(|n| n.contains("passport") || n.contains("labour_contract")),
        "{entries:?}"
    );

    // Row 7: the photo named by the employee's name is found, with a warning.
    let maria = employee_at_row(&report, 7);
    assert_eq!(maria["photo"]["file"], "Maria Rossi.jpg");
    assert_eq!(maria["photo"]["ok"], true);
    let by_name = issue(maria, "photo.by_name");
    assert_eq!(by_name["severity"], "warning");
    assert_eq!(by_name["file"], "Maria Rossi.jpg");
    assert_eq!(maria["ready"], true, "{:?}", codes(maria, "error"));

    // Row 8: a real portrait: the face is found (the backdrop is what fails).
    let real = employee_at_row(&report, 8);
    assert_eq!(real["photo"]["face"]["count"], 1, "{}", real["photo"]);
    assert!(!codes(real, "error").contains(&"photo.face.none".to_string()));
    assert!(codes(real, "error").contains(&"photo.background".to_string()));

    // Row 9: no photo: `ok` false, not null.
    let tom = employee_at_row(&report, 9);
    assert_eq!(tom["photo"]["ok"], false);
    assert_eq!(tom["ready"], false);

    // The cover and the HTML card mark the originals.
    let html = String::from_utf8(dir.read("out/report.html")).unwrap();
    assert!(
        html.contains("class=\"orig\""),
        "no bring-original mark in the HTML card"
    );
    if let Ok(text) = pdftotext_cover(&dir, anna["packet"].as_str().unwrap()) {
        assert!(text.contains("+原件"), "{text}");
        assert!(text.contains("provided + original"), "{text}");
        // The on-site list names the originals to bring.
        assert!(text.contains("携带原件"), "{text}");
    }
    // The expiry is what the rules judged from.
    assert_eq!(
        anna["deadline"],
        (day(60) - chrono::Duration::days(30)).to_string()
    );
}

/// The cover's text through pdftotext, when it is installed.
fn pdftotext_cover(dir: &Dir, packet: &str) -> Result<String, ()> {
    let zip = dir.join("out/packets").join(packet);
    let x = dir.join("x");
    std::fs::create_dir_all(&x).unwrap();
    let unzip = std::process::Command::new("unzip")
        .args(["-o", "-q"])
        .arg(&zip)
        .arg("00_cover_checklist.pdf")
        .arg("-d")
        .arg(&x)
        .status()
        .map_err(|_| ())?;
    if !unzip.success() {
        return Err(());
    }
    let out = std::process::Command::new("pdftotext")
        .arg(x.join("00_cover_checklist.pdf"))
        .arg("-")
        .output()
        .map_err(|_| ())?;
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn no_docs_folder_is_never_ready() {
    let dir = Dir::new();
    folder::write(
        dir.join("co").as_path(),
        &[Person::new("Anna Nowak", "E12345678").scans(FULL_B6)],
    );
    std::fs::remove_dir_all(dir.join("co/docs")).unwrap();
    dir.run(&["check", "co/roster.xlsx", "--as-of", AS_OF, "--out", "out"])
        .assert_code(1);
    let report = dir.report("out");
    let anna = employee_at_row(&report, 2);
    assert_eq!(anna["ready"], false);
    assert_eq!(issue(anna, "document.not_checked")["severity"], "error");
}
