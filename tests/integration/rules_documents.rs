//! Library-level run of the rules and documents stages on a real docs folder: an employee
//! is judged, their folder found by passport number (another case), the scans matched with
//! Chinese and English names, and the checklist lines and readiness asserted.

use crate::fixtures::docs;

use chrono::NaiveDate;
use permitpack::assets::Templates;
use permitpack::catalog::{Catalog, Lang};
use permitpack::documents::{self, folder::DocsIndex};
use permitpack::model::{Category, Employee, Field};
use permitpack::outcome::Status;
use permitpack::rules::{self, Calendar, Rules};
use permitpack::run::FsInputs;
use std::path::PathBuf;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn employee(passport: &str) -> Employee {
    let mut e = Employee {
        sheet: "员工".into(),
        row: 3,
        name: Some("Jane Doe".into()),
        passport_no: Some(passport.into()),
        passport_expiry: Some(d(2034, 6, 1)),
        date_of_birth: Some(d(1985, 4, 2)),
        category: Some(Category::B(6)),
        work_permit_expiry: Some(d(2027, 1, 15)),
        residence_permit_expiry: Some(d(2027, 1, 15)),
        years_in_china: Some(3.5),
        ..Employee::default()
    };
    e.cells.insert(Field::WorkPermitExpiry, "H3".into());
    e
}

#[test]
fn statuses_from_a_real_docs_folder() {
    let tmp = tempfile::tempdir().unwrap();
    docs::write_docs(tmp.path(), "e12345678");
    let t = Templates::builtin();
    let rules = Rules::load(&t).unwrap();
    let cal = Calendar::load(&t).unwrap();
    let emp = employee("E12345678");

    let ev = rules::evaluate(&emp, d(2026, 11, 20), &rules, &cal);
    assert_eq!(ev.window_state(), "open");
    assert_eq!((ev.term_years, ev.fee_rmb), (Some(2.0), Some(800)));

    let inputs = FsInputs::new(PathBuf::new(), None, None, Some(tmp.path().to_path_buf()));
    let index = DocsIndex::open(&inputs).unwrap().unwrap();
    let own = index.employee(&inputs, emp.passport_no.as_deref().unwrap());
    let company = index.company(&inputs);
    assert!(own.issues.is_empty(), "{:?}", own.issues);
    assert!(company.issues.is_empty(), "{:?}", company.issues);
    let m = documents::match_scans(&ev.checklist, &own.names(), &company.names());
    let lines = documents::to_lines(&ev.checklist, &m);

    let got: Vec<(&str, &str)> = lines
        .iter()
        .map(|l| (l.id.as_str(), l.status.as_str()))
        .collect();
    assert_eq!(got, docs::EXPECTED_B6);
    let files = |id: &str| lines.iter().find(|l| l.id == id).unwrap().files.clone();
    assert_eq!(
        files("labour_contract"),
        ["Labour Contract.jpg", "聘用合同.pdf"]
    );
    assert_eq!(files("passport"), ["passport_scan.PDF"]);
    assert_eq!(files("tax_certificate"), ["完税证明2025.pdf"]);
    assert_eq!(
        files("company_tax_certificate"),
        ["_company/公司近3个月纳税证明.pdf"]
    );
    assert_eq!(m.unmatched, ["random.docx"]);

    // The whole employee: two missing uploads are errors, so not ready.
    let mut issues = ev.issues.clone();
    issues.extend(own.issues);
    issues.extend(company.issues.clone());
    issues.extend(m.issues);
    let missing: Vec<&str> = issues
        .iter()
        .filter(|i| i.code == "document.missing")
        .map(|i| i.get("item").unwrap())
        .collect();
    assert_eq!(
        missing,
        ["wp_extension_form", "work_permit", "photo_receipt"]
    );
    assert!(!rules::is_ready(ev.eligibility.state, &issues));
    assert_eq!(
        rules::status(ev.eligibility.state, &issues),
        Status::Attention
    );
    let cat = Catalog::load(&t).unwrap();
    let missing_issue = issues
        .iter()
        .find(|i| i.code == "document.missing")
        .unwrap();
    assert!(
        cat.message(missing_issue, Lang::En)
            .contains("wp_extension_form")
    );

    // Once the three scans are added the employee is ready (warnings remain).
    std::fs::write(tmp.path().join("e12345678/WP延期申请表.pdf"), b"scan").unwrap();
    std::fs::write(tmp.path().join("e12345678/相片回执.JPG"), b"scan").unwrap();
    std::fs::write(tmp.path().join("e12345678/工作许可证.jpg"), b"scan").unwrap();
    let own = index.employee(&inputs, "E12345678");
    let m = documents::match_scans(&ev.checklist, &own.names(), &company.names());
    let mut issues = ev.issues.clone();
    issues.extend(m.issues);
    assert!(issues.iter().all(|i| !i.is_error()), "{issues:?}");
    assert!(rules::is_ready(ev.eligibility.state, &issues));
    assert_eq!(rules::status(ev.eligibility.state, &issues), Status::Ready);
}

#[test]
fn an_employee_without_a_folder_is_told_so_with_the_number_masked() {
    let tmp = tempfile::tempdir().unwrap();
    docs::write_docs(tmp.path(), "E12345678");
    let inputs = FsInputs::new(PathBuf::new(), None, None, Some(tmp.path().to_path_buf()));
    let index = DocsIndex::open(&inputs).unwrap().unwrap();
    let scan = index.employee(&inputs, "G00012345");
    assert!(scan.listing.is_none());
    let cat = Catalog::load(&Templates::builtin()).unwrap();
    let text = cat.message(&scan.issues[0], Lang::Both);
    assert!(text.contains("G0****345"), "{text}");
    assert!(!text.contains("G00012345"), "{text}");
}

#[test]
fn a_user_holiday_file_for_2027_removes_the_warning() {
    let t = Templates::builtin();
    let rules = Rules::load(&t).unwrap();
    let mut emp = employee("E1");
    emp.work_permit_expiry = Some(d(2027, 4, 30));
    emp.residence_permit_expiry = Some(d(2027, 4, 30));
    let as_of = d(2027, 2, 1);
    let ev = rules::evaluate(&emp, as_of, &rules, &Calendar::load(&t).unwrap());
    assert!(ev.issues.iter().any(|i| i.code == "calendar.no_data"));

    let user = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(user.path().join("holidays")).unwrap();
    std::fs::write(
        user.path().join("holidays/2027.json"),
        r#"{"year": 2027, "papers": [], "days": [
            {"name": "春节", "date": "2027-02-06", "isOffDay": true},
            {"name": "春节", "date": "2027-02-07", "isOffDay": true},
            {"name": "春节", "date": "2027-02-08", "isOffDay": true}
        ]}"#,
    )
    .unwrap();
    let cal = Calendar::load(&Templates::with_dir(user.path())).unwrap();
    let ev = rules::evaluate(&emp, as_of, &rules, &cal);
    assert!(
        ev.issues.iter().all(|i| i.code != "calendar.no_data"),
        "{:?}",
        ev.issues
    );
    // Monday 1 Feb + 5 working days: 2, 3, 4, 5, then Monday 8 is off -> Tuesday 9.
    let tl = ev.timeline.unwrap();
    assert_eq!(tl.review_result_by, d(2027, 2, 9));
}
