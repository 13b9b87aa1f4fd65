//! End-to-end (issue 3): the real binary on a roster workbook plus a docs folder whose scans
//! carry Chinese and English file names. Asserts, per employee in report.json, the checklist
//! statuses and files, `document.missing` errors naming the item, `document.unmatched`
//! warnings, company items as warnings, the `eligibility` object for open / not yet / too
//! late / expired employees, `term_years` and `fee_rmb`, and `ready`.

use crate::fixtures::docs;
use crate::fixtures::folder;

use crate::fixtures::folder::{AS_OF, Scan, day};
use crate::report::{Employee, Report};
use crate::util::Dir;

/// Writes the standard company, with Jane Doe's folder holding the files of
/// `tests/fixtures/docs.rs` under a lower-case folder name.
fn company(dir: &Dir) {
    folder::write(dir.join("co").as_path(), &folder::standard());
    let jane = dir.join("co/docs/g12345678");
    std::fs::create_dir_all(&jane).unwrap();
    for name in docs::EMPLOYEE_FILES {
        let kind = if name.to_lowercase().ends_with(".jpg") {
            Scan::Jpeg
        } else if name.to_lowercase().ends_with(".pdf") {
            Scan::Pdf
        } else {
            Scan::Other
        };
        std::fs::write(jane.join(name), folder::scan_bytes(name, kind)).unwrap();
    }
}

fn statuses(e: &Employee) -> Vec<(String, String)> {
    e.checklist
        .iter()
        .map(|l| (l.id.clone(), l.status.clone()))
        .collect()
}

fn owned(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn date(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Runs `command` on the company and returns report.json.
fn run(dir: &Dir, command: &str) -> Report {
    let out = dir.run(&[
        command,
        "co/roster.xlsx",
        "--as-of",
        AS_OF,
        "--out",
        "out",
        "--lang",
        "en",
    ]);
    out.assert_code(1);
    Report::read(dir, "out")
}

#[test]
fn checklist_statuses_eligibility_term_and_fee_per_employee() {
    let dir = Dir::new();
    company(&dir);
    let r = run(&dir, "check");
    assert_eq!(r.employees.len(), 7);

    // Row 2, Anna Nowak: every scan, window open, ready. Company items: two provided, the
    // business contracts missing, which is only a warning.
    let anna = r.employee(2);
    assert_eq!(
        statuses(anna),
        owned(&[
            ("wp_extension_form", "provided"),
            ("visa_application_form", "after_booking"),
            ("guarantee_letter", "generated"),
            ("labour_contract", "provided"),
            ("passport", "provided"),
            ("residence_permit", "provided"),
            ("work_permit", "provided"),
            ("photo_receipt", "provided"),
            ("salary_certificate", "generated"),
            ("tax_certificate", "provided"),
            // The window may ask for these: missing, only warnings.
            ("accommodation_registration", "missing"),
            ("multi_year_request_letter", "missing"),
            ("company_tax_certificate", "provided"),
            ("company_bank_statements", "provided"),
            ("business_contracts", "missing"),
        ])
    );
    assert_eq!(
        anna.item("wp_extension_form").files(),
        ["外国人来华工作许可延期申请表.pdf"]
    );
    assert_eq!(
        anna.item("labour_contract").files(),
        ["劳动合同 signed.pdf"]
    );
    assert_eq!(anna.item("passport").files(), ["Passport bio page.jpg"]);
    assert_eq!(anna.item("residence_permit").files(), ["居留许可页.jpg"]);
    assert_eq!(anna.item("work_permit").files(), ["Work Permit card.JPG"]);
    assert_eq!(anna.item("photo_receipt").files(), ["相片回执.jpg"]);
    assert_eq!(
        anna.item("tax_certificate").files(),
        ["个人所得税完税证明 2025-2026.pdf"]
    );
    assert_eq!(
        anna.item("company_bank_statements").files(),
        ["_company/Bank Statement 2026-Q3.pdf"]
    );
    assert!(anna.error_codes().is_empty(), "{:#?}", anna.issues);
    // The shared company scans are judged once for the run, not on each employee.
    assert!(anna.issues_of("document.company_missing").is_empty());
    let company_missing = r.roster_issues_of("document.company_missing");
    assert_eq!(company_missing.len(), 1, "{:#?}", r.roster_issues);
    assert_eq!(company_missing[0].severity, "warning");
    assert_eq!(company_missing[0].arg("item"), "business_contracts");
    assert!(anna.issues_of("document.missing").is_empty());
    assert!(anna.ready);
    assert_eq!(anna.status, "ready");
    let el = anna.eligibility();
    assert_eq!(el.state.as_deref(), Some("open"));
    assert_eq!(el.days_left, Some(60));
    assert_eq!(el.window_opens, Some(date(day(60 - 90))));
    assert_eq!(el.deadline, Some(date(day(60 - 30))));
    assert_eq!(anna.window_state, "open");
    assert_eq!(anna.term_years, Some(2.0));
    assert_eq!(anna.fee_rmb, Some(800));

    // Row 3, Jane Doe: the fixture's files in a lower-case folder; two uploads and the Work
    // Permit scan missing. 1.5 years in China: a 1-year term, so no multi-year letter.
    let jane = r.employee(3);
    let expected: Vec<(&str, &str)> = docs::EXPECTED_B6
        .iter()
        .copied()
        .filter(|(id, _)| *id != "multi_year_request_letter")
        .collect();
    assert_eq!(statuses(jane), owned(&expected), "{:#?}", jane.checklist);
    assert_eq!(
        jane.item("labour_contract").files(),
        ["Labour Contract.jpg", "聘用合同.pdf"]
    );
    assert_eq!(jane.item("tax_certificate").files(), ["完税证明2025.pdf"]);
    assert_eq!(jane.item("residence_permit").files(), ["居留许可页.jpg"]);
    let missing = jane.issues_of("document.missing");
    let items: Vec<&str> = missing.iter().map(|i| i.arg("item")).collect();
    assert_eq!(items, ["wp_extension_form", "work_permit", "photo_receipt"]);
    for (i, item) in missing.iter().zip(&items) {
        assert_eq!(i.severity, "error");
        assert!(
            i.message.contains(item),
            "the message names the item: {i:#?}"
        );
    }
    let unmatched = jane.issues_of("document.unmatched");
    assert_eq!(unmatched.len(), 1, "{:#?}", jane.issues);
    assert_eq!(unmatched[0].severity, "warning");
    assert!(
        unmatched[0].message.contains("random.docx"),
        "{:#?}",
        unmatched[0]
    );
    // System files are skipped without a word.
    let all = format!("{:?}", jane.issues);
    assert!(
        !all.contains("DS_Store") && !all.contains("Thumbs.db"),
        "{all}"
    );
    assert!(!jane.ready);
    assert_eq!(jane.status, "attention");
    assert_eq!(jane.eligibility().state.as_deref(), Some("open"));
    assert_eq!(jane.eligibility().days_left, Some(45));
    assert_eq!(jane.term_years, Some(1.0));
    assert_eq!(jane.fee_rmb, Some(800));

    // Row 4, Kenji Tanaka: 120 days left, the window opens in 30 days.
    let kenji = r.employee(4);
    let el = kenji.eligibility();
    assert_eq!(el.state.as_deref(), Some("not_yet"));
    assert_eq!(el.days_left, Some(120));
    assert_eq!(el.window_opens, Some(date(day(30))));
    assert_eq!(el.deadline, Some(date(day(90))));
    let not_yet = kenji.issues_of("eligibility.not_yet");
    assert_eq!(not_yet.len(), 1);
    assert_eq!(not_yet[0].severity, "warning");
    assert!(
        not_yet[0].message.contains(&date(day(30))),
        "says when the window opens: {:#?}",
        not_yet[0]
    );
    assert!(!kenji.ready);
    assert_eq!(kenji.status, "not_yet");
    assert!(kenji.error_codes().is_empty(), "{:#?}", kenji.issues);
    // Category (一): no tax certificate line; every scan matched. Missing: only what the
    // window may ask for (warnings).
    let ids: Vec<String> = statuses(kenji).into_iter().map(|(id, _)| id).collect();
    assert!(!ids.contains(&"tax_certificate".to_string()), "{ids:?}");
    assert_eq!(
        kenji.items_in("missing"),
        [
            "accommodation_registration",
            "multi_year_request_letter",
            "business_contracts"
        ]
    );

    // Row 5, Priya Sharma: 20 days left, too late; the error says whom to call.
    let priya = r.employee(5);
    assert_eq!(priya.eligibility().state.as_deref(), Some("too_late"));
    assert_eq!(priya.eligibility().days_left, Some(20));
    assert_eq!(priya.eligibility().deadline, Some(date(day(-10))));
    let late = priya.issues_of("eligibility.too_late");
    assert_eq!(late.len(), 1);
    assert_eq!(late[0].severity, "error");
    let text = format!("{}{}", late[0].message, late[0].action);
    assert!(
        text.contains("0755-88121678") || text.contains("12367"),
        "{text}"
    );
    assert!(!priya.ready);
    assert_eq!(priya.status, "too_late");

    // Row 6, Olga Ivanova: expired ten days ago.
    let olga = r.employee(6);
    assert_eq!(olga.eligibility().state.as_deref(), Some("expired"));
    assert_eq!(olga.eligibility().days_left, Some(-10));
    let expired = olga.issues_of("eligibility.expired");
    assert_eq!(expired.len(), 1);
    assert_eq!(expired[0].severity, "error");
    assert!(!olga.ready);
    assert_eq!(olga.status, "too_late");

    // Row 7, Liam O'Brien: category (二) has no list of its own: the items every list
    // shares, with one warning naming both enquiry lines; his scans all match.
    let liam = r.employee(7);
    let common = liam.issues_of("category.common_list");
    assert_eq!(common.len(), 1, "{:#?}", liam.issues);
    assert_eq!(common[0].severity, "warning");
    let text = format!("{}{}", common[0].message, common[0].action);
    assert!(
        text.contains("0755-88121678") && text.contains("12367"),
        "{text}"
    );
    assert_eq!(liam.item("passport").status, "provided");
    assert!(liam.issues_of("document.unmatched").is_empty());
    assert_eq!(liam.status, "ready", "{:#?}", liam.issues);

    // Row 8, Sophie Martin: passport expires 8 months after the permit: the term is cut to
    // the passport and costs the under-one-year fee.
    let sophie = r.employee(8);
    let term = sophie.term_years.unwrap();
    assert!(term > 0.0 && term < 1.0, "term {term}");
    assert_eq!(sophie.fee_rmb, Some(400));
    assert_eq!(sophie.issues_of("term.passport_cap").len(), 1);
    assert!(sophie.ready, "{:#?}", sophie.issues);

    // The summary counts agree with the employees.
    let ready = r.employees.iter().filter(|e| e.ready).count();
    assert_eq!(ready, 3);
}

#[test]
fn build_gives_the_same_checklist_as_check() {
    let dir = Dir::new();
    company(&dir);
    let checked = run(&dir, "check");
    let built = run(&dir, "build");
    for row in 2..=8 {
        let (c, b) = (checked.employee(row), built.employee(row));
        assert_eq!(c.checklist, b.checklist, "row {row}");
        assert_eq!(c.ready, b.ready, "row {row}");
        assert_eq!(c.eligibility, b.eligibility, "row {row}");
    }
}

#[test]
fn adding_the_missing_scans_makes_the_employee_ready() {
    let dir = Dir::new();
    company(&dir);
    std::fs::write(
        dir.join("co/docs/g12345678/WP延期申请表.pdf"),
        folder::scan_pdf("wp"),
    )
    .unwrap();
    std::fs::write(
        dir.join("co/docs/g12345678/Photo Receipt.JPG"),
        folder::scan_bytes("r", Scan::Jpeg),
    )
    .unwrap();
    // The Work Permit is brought as an original and uploaded as a scan too.
    std::fs::write(
        dir.join("co/docs/g12345678/Work Permit card.jpg"),
        folder::scan_bytes("wp", Scan::Jpeg),
    )
    .unwrap();
    let r = run(&dir, "check");
    let jane = r.employee(3);
    assert_eq!(jane.item("wp_extension_form").files(), ["WP延期申请表.pdf"]);
    assert_eq!(jane.item("photo_receipt").files(), ["Photo Receipt.JPG"]);
    assert!(jane.issues_of("document.missing").is_empty());
    // random.docx is still reported, but a warning does not block.
    assert_eq!(jane.issues_of("document.unmatched").len(), 1);
    assert!(jane.ready, "{:#?}", jane.issues);
}
