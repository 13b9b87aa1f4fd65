//! End-to-end (issue 3): the real binary on a roster workbook plus a docs folder whose scans
//! carry Chinese and English file names. Asserts, per employee in report.json, the checklist
//! statuses and files, `document.missing` errors naming the item, `document.unmatched`
//! warnings, company items as warnings, the `eligibility` object for open / not yet / too
//! late / expired employees, `term_years` and `fee_rmb`, and `ready`.

use crate::fixtures::docs;
use crate::fixtures::folder;

use crate::fixtures::folder::{AS_OF, Scan, day};
use crate::report::Employee;
use crate::util::{Dir, employee_at_row};
use serde_json::Value;

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

fn statuses(e: &Value) -> Vec<(String, String)> {
    let e = Employee::of(e);
    e.checklist.into_iter().map(|l| (l.id, l.status)).collect()
}

fn files(e: &Value, id: &str) -> Vec<String> {
    Employee::of(e).item(id).files.clone()
}

/// Issues of one code: (severity, args, message).
fn issues<'a>(e: &'a Value, code: &str) -> Vec<&'a Value> {
    e["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["code"] == code)
        .collect()
}

fn errors(e: &Value) -> Vec<String> {
    let e = Employee::of(e);
    e.issues
        .into_iter()
        .filter(|i| i.severity == "error")
        .map(|i| i.code)
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
fn run(dir: &Dir, command: &str) -> Value {
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
    dir.report("out")
}

#[test]
fn checklist_statuses_eligibility_term_and_fee_per_employee() {
    let dir = Dir::new();
    company(&dir);
    let r = run(&dir, "check");
    assert_eq!(r["employees"].as_array().unwrap().len(), 7);

    // Row 2, Anna Nowak: every scan, window open, ready. Company items: two provided, the
    // business contracts missing, which is only a warning.
    let anna = employee_at_row(&r, 2);
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
        files(anna, "wp_extension_form"),
        ["外国人来华工作许可延期申请表.pdf"]
    );
    assert_eq!(files(anna, "labour_contract"), ["劳动合同 signed.pdf"]);
    assert_eq!(files(anna, "passport"), ["Passport bio page.jpg"]);
    assert_eq!(files(anna, "residence_permit"), ["居留许可页.jpg"]);
    assert_eq!(files(anna, "work_permit"), ["Work Permit card.JPG"]);
    assert_eq!(files(anna, "photo_receipt"), ["相片回执.jpg"]);
    assert_eq!(
        files(anna, "tax_certificate"),
        ["个人所得税完税证明 2025-2026.pdf"]
    );
    assert_eq!(
        files(anna, "company_bank_statements"),
        ["_company/Bank Statement 2026-Q3.pdf"]
    );
    assert_eq!(errors(anna), Vec::<String>::new(), "{:#}", anna["issues"]);
    // The shared company scans are judged once for the run, not on each employee.
    assert!(issues(anna, "document.company_missing").is_empty());
    let company_missing: Vec<&Value> = r["roster_issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["code"] == "document.company_missing")
        .collect();
    assert_eq!(company_missing.len(), 1, "{:#}", r["roster_issues"]);
    assert_eq!(company_missing[0]["severity"], "warning");
    assert_eq!(company_missing[0]["args"]["item"], "business_contracts");
    assert!(issues(anna, "document.missing").is_empty());
    assert_eq!(anna["ready"], true);
    assert_eq!(anna["status"], "ready");
    let el = &anna["eligibility"];
    assert_eq!(el["state"], "open");
    assert_eq!(el["days_left"], 60);
    assert_eq!(el["window_opens"], date(day(60 - 90)));
    assert_eq!(el["deadline"], date(day(60 - 30)));
    assert_eq!(anna["window_state"], "open");
    assert_eq!(anna["term_years"], 2.0);
    assert_eq!(anna["fee_rmb"], 800);

    // Row 3, Jane Doe: the fixture's files in a lower-case folder; two uploads and the Work
    // Permit scan missing. 1.5 years in China: a 1-year term, so no multi-year letter.
    let jane = employee_at_row(&r, 3);
    let expected: Vec<(&str, &str)> = docs::EXPECTED_B6
        .iter()
        .copied()
        .filter(|(id, _)| *id != "multi_year_request_letter")
        .collect();
    assert_eq!(statuses(jane), owned(&expected), "{:#}", jane["checklist"]);
    assert_eq!(
        files(jane, "labour_contract"),
        ["Labour Contract.jpg", "聘用合同.pdf"]
    );
    assert_eq!(files(jane, "tax_certificate"), ["完税证明2025.pdf"]);
    assert_eq!(files(jane, "residence_permit"), ["居留许可页.jpg"]);
    let missing: Vec<&Value> = issues(jane, "document.missing");
    let items: Vec<&str> = missing
        .iter()
        .map(|i| i["args"]["item"].as_str().unwrap())
        .collect();
    assert_eq!(items, ["wp_extension_form", "work_permit", "photo_receipt"]);
    for (i, item) in missing.iter().zip(&items) {
        assert_eq!(i["severity"], "error");
        assert!(
            i["message"].as_str().unwrap().contains(item),
            "the message names the item: {i:#}"
        );
    }
    let unmatched = issues(jane, "document.unmatched");
    assert_eq!(unmatched.len(), 1, "{:#}", jane["issues"]);
    assert_eq!(unmatched[0]["severity"], "warning");
    assert!(
        unmatched[0]["message"]
            .as_str()
            .unwrap()
            .contains("random.docx"),
        "{:#}",
        unmatched[0]
    );
    // System files are skipped without a word.
    let all = jane["issues"].to_string();
    assert!(
        !all.contains("DS_Store") && !all.contains("Thumbs.db"),
        "{all}"
    );
    assert_eq!(jane["ready"], false);
    assert_eq!(jane["status"], "attention");
    assert_eq!(jane["eligibility"]["state"], "open");
    assert_eq!(jane["eligibility"]["days_left"], 45);
    assert_eq!(jane["term_years"], 1.0);
    assert_eq!(jane["fee_rmb"], 800);

    // Row 4, Kenji Tanaka: 120 days left, the window opens in 30 days.
    let kenji = employee_at_row(&r, 4);
    let el = &kenji["eligibility"];
    assert_eq!(el["state"], "not_yet");
    assert_eq!(el["days_left"], 120);
    assert_eq!(el["window_opens"], date(day(30)));
    assert_eq!(el["deadline"], date(day(90)));
    let not_yet = issues(kenji, "eligibility.not_yet");
    assert_eq!(not_yet.len(), 1);
    assert_eq!(not_yet[0]["severity"], "warning");
    assert!(
        not_yet[0]["message"]
            .as_str()
            .unwrap()
            .contains(&date(day(30))),
        "says when the window opens: {:#}",
        not_yet[0]
    );
    assert_eq!(kenji["ready"], false);
    assert_eq!(kenji["status"], "not_yet");
    assert_eq!(errors(kenji), Vec::<String>::new(), "{:#}", kenji["issues"]);
    // Category (一): no tax certificate line; every scan matched. Missing: only what the
    // window may ask for (warnings).
    let ids: Vec<String> = statuses(kenji).into_iter().map(|(id, _)| id).collect();
    assert!(!ids.contains(&"tax_certificate".to_string()), "{ids:?}");
    let missing: Vec<String> = statuses(kenji)
        .into_iter()
        .filter(|(_, s)| s == "missing")
        .map(|(id, _)| id)
        .collect();
    assert_eq!(
        missing,
        [
            "accommodation_registration",
            "multi_year_request_letter",
            "business_contracts"
        ]
    );

    // Row 5, Priya Sharma: 20 days left, too late; the error says whom to call.
    let priya = employee_at_row(&r, 5);
    assert_eq!(priya["eligibility"]["state"], "too_late");
    assert_eq!(priya["eligibility"]["days_left"], 20);
    assert_eq!(priya["eligibility"]["deadline"], date(day(-10)));
    let late = issues(priya, "eligibility.too_late");
    assert_eq!(late.len(), 1);
    assert_eq!(late[0]["severity"], "error");
    let text = format!("{}{}", late[0]["message"], late[0]["action"]);
    assert!(
        text.contains("0755-88121678") || text.contains("12367"),
        "{text}"
    );
    assert_eq!(priya["ready"], false);
    assert_eq!(priya["status"], "too_late");

    // Row 6, Olga Ivanova: expired ten days ago.
    let olga = employee_at_row(&r, 6);
    assert_eq!(olga["eligibility"]["state"], "expired");
    assert_eq!(olga["eligibility"]["days_left"], -10);
    let expired = issues(olga, "eligibility.expired");
    assert_eq!(expired.len(), 1);
    assert_eq!(expired[0]["severity"], "error");
    assert_eq!(olga["ready"], false);
    assert_eq!(olga["status"], "too_late");

    // Row 7, Liam O'Brien: category (二) has no list of its own: the items every list
    // shares, with one warning naming both enquiry lines; his scans all match.
    let liam = employee_at_row(&r, 7);
    let common = issues(liam, "category.common_list");
    assert_eq!(common.len(), 1, "{:#}", liam["issues"]);
    assert_eq!(common[0]["severity"], "warning");
    let text = format!("{}{}", common[0]["message"], common[0]["action"]);
    assert!(
        text.contains("0755-88121678") && text.contains("12367"),
        "{text}"
    );
    assert!(statuses(liam).contains(&("passport".into(), "provided".into())));
    assert!(issues(liam, "document.unmatched").is_empty());
    assert_eq!(liam["status"], "ready", "{:#}", liam["issues"]);

    // Row 8, Sophie Martin: passport expires 8 months after the permit: the term is cut to
    // the passport and costs the under-one-year fee.
    let sophie = employee_at_row(&r, 8);
    let term = sophie["term_years"].as_f64().unwrap();
    assert!(term > 0.0 && term < 1.0, "term {term}");
    assert_eq!(sophie["fee_rmb"], 400);
    assert_eq!(issues(sophie, "term.passport_cap").len(), 1);
    assert_eq!(sophie["ready"], true, "{:#}", sophie["issues"]);

    // The summary counts agree with the employees.
    let ready = r["employees"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["ready"] == true)
        .count();
    assert_eq!(ready, 3);
}

#[test]
fn build_gives_the_same_checklist_as_check() {
    let dir = Dir::new();
    company(&dir);
    let checked = run(&dir, "check");
    let built = run(&dir, "build");
    for row in 2..=8 {
        let c = employee_at_row(&checked, row);
        let b = employee_at_row(&built, row);
        assert_eq!(c["checklist"], b["checklist"], "row {row}");
        assert_eq!(c["ready"], b["ready"], "row {row}");
        assert_eq!(c["eligibility"], b["eligibility"], "row {row}");
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
    let jane = employee_at_row(&r, 3);
    assert_eq!(files(jane, "wp_extension_form"), ["WP延期申请表.pdf"]);
    assert_eq!(files(jane, "photo_receipt"), ["Photo Receipt.JPG"]);
    assert!(issues(jane, "document.missing").is_empty());
    // random.docx is still reported, but a warning does not block.
    assert_eq!(issues(jane, "document.unmatched").len(), 1);
    assert_eq!(jane["ready"], true, "{:#}", jane["issues"]);
}
