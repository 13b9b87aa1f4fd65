//! End-to-end (issue 11, verdict items): the real binary on a company whose scans carry the
//! names HR really uses and whose photos include real public-domain portraits. An employee
//! with complete, correct inputs is ready; one without passport, contract or Work Permit
//! scans is not, nor one whose "photo" is a plain blue image, nor a 62-year-old in
//! category B; an unusable scan is refused on its file; a photo named by the employee's
//! name is found with a warning; originals are `provided`/`missing` with `bring_original`.

use crate::fixtures::folder::{self, AS_OF, FULL_B6, Person, Scan, day, fixture_photo};
use crate::report::Report;
use crate::util::Dir;

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

#[test]
fn verdicts_on_realistic_inputs() {
    let dir = Dir::new();
    company(&dir);
    dir.run(&["build", "co/roster.xlsx", "--as-of", AS_OF, "--out", "out"])
        .assert_code(1);
    // The view reads `bring_original` and `photo.ok` as booleans: never null.
    let report = Report::read(&dir, "out");
    assert_eq!(report.format_version, 2);
    for e in &report.employees {
        for l in &e.checklist {
            assert_ne!(l.status, "bring_original", "retired status value");
        }
    }

    // Row 2: complete inputs under real names: ready.
    let anna = report.employee(2);
    assert!(anna.ready, "{:?}", anna.error_codes());
    assert_eq!(anna.status, "ready");
    assert_eq!(anna.item("residence_permit").files(), ["签证页.jpg"]);
    assert_eq!(
        anna.item("tax_certificate").files(),
        ["Receipt of tax payment.pdf"]
    );
    assert_eq!(anna.item("photo_receipt").files(), ["相片回执.jpg"]);
    assert_eq!(
        anna.item("work_permit").files(),
        ["WP card front.jpg", "WP card back.jpg"]
    );
    assert_eq!(
        anna.item("visa_application_form").files(),
        ["居留许可延期申请.pdf"]
    );
    for id in ["passport", "labour_contract", "work_permit"] {
        assert_eq!(anna.item(id).status, "provided", "{id}");
        assert!(anna.item(id).bring_original, "{id}");
    }
    assert!(!anna.item("residence_permit").bring_original);
    // The window-may-ask items are warnings, with their source.
    let acc = anna.item("accommodation_registration");
    assert_eq!(acc.status, "missing");
    assert!(acc.optional);
    assert!(acc.bring_original);
    let w = anna
        .issues_of("document.may_ask_missing")
        .into_iter()
        .find(|i| i.arg("item") == "accommodation_registration")
        .unwrap();
    assert_eq!(w.severity, "warning");
    assert!(w.message.contains("Pingshan"), "{w:?}");
    // 5.5 years in China: a 2-year term, so the multi-year letter may be asked for.
    assert_eq!(anna.term_years, Some(2.0));
    assert!(anna.item("multi_year_request_letter").optional);
    assert!(!anna.warning_codes().contains(&"document.duplicate"));

    // Row 3: no passport, contract or Work Permit scan: not ready, one error each.
    let jane = report.employee(3);
    assert!(!jane.ready);
    let missing: Vec<&str> = jane
        .issues_of("document.missing")
        .into_iter()
        .map(|i| i.arg("item"))
        .collect();
    assert_eq!(missing, ["labour_contract", "passport", "work_permit"]);
    for id in ["passport", "labour_contract", "work_permit"] {
        assert_eq!(jane.item(id).status, "missing", "{id}");
        assert!(jane.item(id).bring_original, "{id}");
    }
    assert_eq!(jane.item("tax_certificate").files(), ["tax 2025.pdf"]);
    let msg = &jane.issue("document.missing").message;
    assert!(msg.contains("original is handed in"), "{msg}");

    // Row 4: a plain blue image: no face, an error, the photo is not OK.
    let blue = report.employee(4);
    assert!(!blue.ready);
    assert!(!blue.photo.ok);
    assert_eq!(blue.issue("photo.face.none").severity, "error");

    // Row 5: 62 and category B: refused in Shenzhen, so not ready.
    let hans = report.employee(5);
    assert!(!hans.ready);
    let age = hans.issue("eligibility.age");
    assert_eq!(age.severity, "error");
    assert!(!age.message_zh.contains("press"), "{age:?}");
    assert!(age.action.contains("category A"), "{age:?}");

    // Row 6: files that cannot be uploaded are refused on the file, and not packed.
    let ivan = report.employee(6);
    assert!(!ivan.ready);
    let refused: Vec<(Option<&str>, &str)> = ivan
        .issues_of("document.format")
        .into_iter()
        .map(|i| (i.file.as_deref(), i.severity.as_str()))
        .collect();
    assert_eq!(
        refused,
        [
            (Some("labour contract.pdf"), "error"),
            (Some("Passport.jpg"), "error")
        ]
    );
    assert!(ivan.issue("document.format").action.contains("PDF or JPG"));
    assert_eq!(ivan.item("passport").status, "missing");
    let entries = ivan.entries();
    assert!(!entries.is_empty(), "the packet lists its entries");
    assert!(
        !entries
            .iter()
            .any(|n| n.contains("passport") || n.contains("labour_contract")),
        "{entries:?}"
    );

    // Row 7: the photo named by the employee's name is found, with a warning.
    let maria = report.employee(7);
    assert_eq!(maria.photo.file.as_deref(), Some("Maria Rossi.jpg"));
    assert!(maria.photo.ok);
    let by_name = maria.issue("photo.by_name");
    assert_eq!(by_name.severity, "warning");
    assert_eq!(by_name.file.as_deref(), Some("Maria Rossi.jpg"));
    assert!(maria.ready, "{:?}", maria.error_codes());

    // Row 8: a real portrait: the face is found (the backdrop is what fails).
    let real = report.employee(8);
    assert_eq!(real.photo.rest["face"]["count"], 1, "{:?}", real.photo);
    assert!(!real.error_codes().contains(&"photo.face.none"));
    assert!(real.error_codes().contains(&"photo.background"));

    // Row 9: no photo: `ok` false, not null.
    let tom = report.employee(9);
    assert!(!tom.photo.ok);
    assert!(!tom.ready);

    // The cover and the HTML card mark the originals.
    let html = String::from_utf8(dir.read("out/report.html")).unwrap();
    assert!(
        html.contains("class=\"orig\""),
        "no bring-original mark in the HTML card"
    );
    if let Ok(text) = pdftotext_cover(&dir, anna.packet()) {
        assert!(text.contains("+原件"), "{text}");
        assert!(text.contains("provided + original"), "{text}");
        // The on-site list names the originals to bring.
        assert!(text.contains("携带原件"), "{text}");
    }
    // The expiry is what the rules judged from.
    assert_eq!(
        anna.deadline,
        Some((day(60) - chrono::Duration::days(30)).to_string())
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
    let report = Report::read(&dir, "out");
    let anna = report.employee(2);
    assert!(!anna.ready);
    assert_eq!(anna.issue("document.not_checked").severity, "error");
}
