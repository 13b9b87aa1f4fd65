//! End-to-end: the committed samples (samples/roster.xlsx with samples/photos and
//! samples/docs beside it, samples/roster_gbk.csv) read and end as samples/README.md
//! documents them. The build test is the sample run of the README: every employee's state,
//! status, photo verdict and checklist.

use crate::report::Report;
use crate::util::{Dir, stderr};

fn sample(name: &str) -> String {
    format!("{}/samples/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn sample_workbook_reads_as_documented() {
    let dir = Dir::new();
    let roster = sample("roster.xlsx");
    let out = dir.run(&["check", &roster, "--as-of", "2026-11-26"]);
    out.assert_code(1);
    let r = Report::read(&dir, "out");
    assert_eq!(r.sheet.as_deref(), Some("员工名册"));
    assert_eq!(r.rest["header_row"], 3);
    assert_eq!(
        r.company.name_zh.as_deref(),
        Some("深圳市前海星河科技有限公司")
    );
    assert_eq!(r.rows(), (4..=11).chain(13..=20).collect::<Vec<u32>>());
    type Row<'a> = (u32, &'a str, &'a [(&'a str, &'a str)]);
    let expected: [Row; 16] = [
        (4, "EK1234567", &[]),
        (5, "U12345678", &[]),
        (6, "18FV12345", &[]),
        (7, "PAA123456", &[]),
        (8, "056789123", &[]),
        // Nine digits typed as a number: no zero can be missing, read with a note.
        (9, "123456789", &[("roster.passport_number_cell", "D9")]),
        (10, "PX1234567", &[]),
        (11, "C01X00T47", &[]),
        (13, "TR1234567", &[]),
        (14, "751234567", &[]),
        (15, "Z1234567", &[]),
        (16, "EK1234567", &[("roster.duplicate_passport", "D16")]),
        (17, "C1234567", &[("roster.missing", "E17")]),
        (18, "M12345678", &[("roster.bad_date", "K18")]),
        (19, "AB123456", &[("roster.bad_number", "M19")]),
        (
            20,
            "A12345678",
            &[("roster.bad_date", "F20"), ("roster.bad_money", "N20")],
        ),
    ];
    for (row, passport, codes) in expected {
        let e = r.employee(row);
        assert_eq!(e.passport_no.as_deref(), Some(passport), "row {row}");
        assert_eq!(e.codes("roster."), pairs(codes), "row {row}");
        // The salary header says pre-tax; José's basis cell says after-tax and wins.
        let basis = if row == 7 { "after_tax" } else { "pre_tax" };
        assert_eq!(e.field("salary_basis"), basis, "row {row}");
    }
    // Window cases relative to 2026-11-26 (see samples/README.md).
    for (row, expiry) in [
        (4, "2027-01-25"),  // +60
        (5, "2027-01-10"),  // +45
        (8, "2027-02-24"),  // exactly +90
        (9, "2026-12-26"),  // exactly +30
        (13, "2027-03-26"), // +120, not yet
        (14, "2026-11-16"), // expired
        (15, "2026-12-16"), // +20, too late
    ] {
        assert_eq!(
            r.employee(row).field("work_permit_expiry"),
            expiry,
            "row {row}"
        );
    }
    assert_eq!(r.employee(11).field("date_of_birth"), "1964-05-01");
    assert_eq!(r.employee(10).category.as_deref(), Some("B2"));
    assert_eq!(r.employee(13).category, None);
    assert_eq!(r.employee(7).field("annual_salary_fen"), 48_000_000);
    // photos/ and docs/ beside the roster are found: no run-level photo or scan notes but
    // the shared company folder's, once (the business contracts are not there). The
    // row-number column (A3) is known and silent.
    assert_eq!(
        r.roster_issue_codes(),
        vec![
            "roster.hidden_sheet",
            "roster.sheet_chosen",
            "roster.sheet_passed_no_header",
            "roster.unknown_column",
            "document.company_missing"
        ]
    );
    let cells: Vec<&str> = r
        .roster_issues
        .iter()
        .filter_map(|i| i.cell.as_deref())
        .collect();
    assert_eq!(cells, ["Q3"]);
}

#[test]
fn sample_gbk_csv_reads_with_the_company_file() {
    let dir = Dir::new();
    let out = dir.run(&[
        "check",
        &sample("roster_gbk.csv"),
        "--as-of",
        "2026-11-26",
        "--company",
        &sample("company.toml"),
    ]);
    out.assert_not_code(2);
    let r = Report::read(&dir, "out");
    assert_eq!(r.rest["encoding"], "GB18030");
    let run: Vec<(&str, &str)> = r
        .roster_issues
        .iter()
        .map(|i| {
            (
                i.code.as_str(),
                i.args.get("folder").map_or("", String::as_str),
            )
        })
        .collect();
    // No roster problem. The CSV holds five of the workbook's employees, so the scan folders
    // of the others are reported as unclaimed, named as they are on disk.
    assert_eq!(
        run,
        [
            ("document.unclaimed_folder", "123456789"),
            ("document.unclaimed_folder", "C1234567"),
            ("document.unclaimed_folder", "EK1234567"),
            ("document.unclaimed_folder", "PAA123456"),
            ("document.unclaimed_folder", "U12345678"),
            ("document.unclaimed_folder", "Z1234567"),
            ("document.company_missing", ""),
        ]
    );
    assert_eq!(
        r.names(),
        [
            "Hans Müller",
            "Renée Dubois",
            "David Miller",
            "Kenji Tanaka",
            "Olga Ivanova"
        ]
    );
    for e in &r.employees {
        let name = e.name.as_deref().unwrap();
        // Kenji's start date is a month only ("2020年4月"): read as the 1st, with a note.
        let notes = if name == "Kenji Tanaka" {
            pairs(&[("roster.month_only_date", "G6")])
        } else {
            vec![]
        };
        assert_eq!(e.codes("roster."), notes, "{name}");
        // "税前年薪": the header gives the basis.
        assert_eq!(e.field("salary_basis"), "pre_tax", "{name}");
    }
    assert_eq!(r.employee(6).field("start_date"), "2020-04-01");
    // The CSV format shows ready employees too: the start date a letter needs is there.
    for row in [4, 5] {
        let e = r.employee(row);
        assert!(e.ready, "{:?}: {:#?}", e.name, e.issues);
    }
}

/// What samples/README.md promises for one employee of the sample run.
struct Expect {
    row: u32,
    status: &'static str,
    window: &'static str,
    days_left: Option<i64>,
    /// report.json `photo.ok`: false when the photo failed or there is none (never null).
    photo_ok: Option<bool>,
    /// Every issue code in report order, except `calendar.*` (those depend on which years of
    /// holiday data ship, not on the sample).
    codes: &'static [&'static str],
    /// Checklist items (employee side) with status `missing`, in checklist order.
    missing: &'static [&'static str],
}

const fn x(
    row: u32,
    status: &'static str,
    window: &'static str,
    days_left: Option<i64>,
    photo_ok: Option<bool>,
    codes: &'static [&'static str],
    missing: &'static [&'static str],
) -> Expect {
    Expect {
        row,
        status,
        window,
        days_left,
        photo_ok,
        codes,
        missing,
    }
}

const DM: &str = "document.missing";
const NF: &str = "document.no_folder";
/// The accommodation form and (for a term over a year) the multi-year letter: the window
/// may ask for them, so they are warnings.
const MA: &str = "document.may_ask_missing";
/// Every scan of a category (一) employee: uploads and originals alike.
const B1_SCANS: &[&str] = &[
    "wp_extension_form",
    "labour_contract",
    "passport",
    "residence_permit",
    "work_permit",
    "photo_receipt",
];
const B6_SCANS: &[&str] = &[
    "wp_extension_form",
    "labour_contract",
    "passport",
    "residence_permit",
    "work_permit",
    "photo_receipt",
    "tax_certificate",
];

/// Generated from a run and checked against samples/README.md by hand.
const EXPECTED: [Expect; 16] = [
    x(4, "ready", "open", Some(60), Some(true), &[MA, MA], &[]),
    x(
        5,
        "attention",
        "open",
        Some(45),
        Some(true),
        &[DM, MA],
        &["tax_certificate"],
    ),
    x(
        6,
        "ready",
        "open",
        Some(72),
        Some(true),
        &["document.duplicate", MA, MA, "document.unmatched"],
        &[],
    ),
    x(
        7,
        "attention",
        "open",
        Some(85),
        Some(false),
        &[MA, MA, "photo.background"],
        &[],
    ),
    x(8, "ready", "open", Some(90), Some(true), &[MA, MA], &[]),
    x(
        9,
        "attention",
        "open",
        Some(30),
        Some(false),
        &["roster.passport_number_cell", MA, MA, "photo.resolution"],
        // Nine digits cannot have lost a zero: the letters are written with the number.
        &[],
    ),
    x(
        10,
        "attention",
        "open",
        Some(55),
        Some(true),
        &["category.common_list", NF, DM, DM, DM, DM, DM, DM, MA, MA],
        &B1_SCANS,
    ),
    x(
        11,
        "attention",
        "open",
        Some(50),
        Some(true),
        &["eligibility.age", MA, MA, "photo.uniformity.shadow"],
        &[],
    ),
    x(
        13,
        "not_yet",
        "not_yet",
        Some(120),
        Some(true),
        &["eligibility.not_yet", "category.unknown", NF],
        &[],
    ),
    x(
        14,
        "too_late",
        "expired",
        Some(-10),
        Some(true),
        &["eligibility.expired", NF, DM, DM, DM, DM, DM, DM, MA, MA],
        B1_SCANS,
    ),
    x(
        15,
        "too_late",
        "too_late",
        Some(20),
        Some(false),
        &["eligibility.too_late", MA, MA, "photo.missing"],
        &[],
    ),
    x(
        16,
        "attention",
        "open",
        Some(65),
        Some(true),
        &["roster.duplicate_passport", MA, MA],
        &[],
    ),
    x(
        17,
        "attention",
        "open",
        Some(70),
        Some(true),
        &["roster.missing", MA, "template.missing_field"],
        &["guarantee_letter"],
    ),
    x(
        18,
        "attention",
        "unknown",
        None,
        Some(true),
        &[
            "roster.bad_date",
            "eligibility.no_wp_expiry",
            NF,
            DM,
            DM,
            DM,
            DM,
            DM,
            DM,
            DM,
            MA,
            MA,
        ],
        B6_SCANS,
    ),
    x(
        19,
        "attention",
        "open",
        Some(75),
        Some(true),
        &[
            "roster.bad_number",
            "term.years_unknown",
            NF,
            DM,
            DM,
            DM,
            DM,
            DM,
            DM,
            MA,
        ],
        B1_SCANS,
    ),
    x(
        20,
        "attention",
        "open",
        Some(80),
        Some(true),
        &[
            "roster.bad_date",
            "roster.bad_money",
            NF,
            DM,
            DM,
            DM,
            DM,
            DM,
            DM,
            DM,
            MA,
            MA,
            "template.missing_field",
            "template.missing_field",
        ],
        &[
            "wp_extension_form",
            "guarantee_letter",
            "labour_contract",
            "passport",
            "residence_permit",
            "work_permit",
            "photo_receipt",
            "salary_certificate",
            "tax_certificate",
        ],
    ),
];

#[test]
fn sample_build_ends_as_documented() {
    let dir = Dir::new();
    let out = dir.run(&["build", &sample("roster.xlsx"), "--as-of", "2026-11-26"]);
    let err = stderr(&out);
    out.assert_code(1);
    assert!(!err.contains("panicked"), "{err}");
    let r = Report::read(&dir, "out");
    // An accented name says what to type on the platform.
    let michal = r.employee(4);
    let ascii = michal.issue("platform.name_ascii");
    assert_eq!(ascii.severity, "warning");
    assert!(ascii.message.contains("WISNIEWSKI"), "{ascii:?}");
    assert_eq!(r.summary.employees, 16);
    assert_eq!(r.summary.ready, 3);
    assert_eq!(r.summary.not_yet, 1);
    assert_eq!(r.summary.too_late, 2);
    assert_eq!(r.summary.attention, 10);

    for x in &EXPECTED {
        let e = r.employee(x.row);
        let who = format!("row {} {:?}", x.row, e.name);
        assert_eq!(e.status, x.status, "{who}");
        assert_eq!(e.ready, x.status == "ready", "{who}");
        assert_eq!(e.window_state, x.window, "{who}");
        assert_eq!(e.days_left, x.days_left, "{who}");
        // The platform form's warnings (names in MRZ letters) are checked below, apart.
        let codes: Vec<&str> = e
            .issue_codes()
            .into_iter()
            .filter(|c| !c.starts_with("calendar.") && !c.starts_with("platform."))
            .collect();
        assert_eq!(codes, x.codes, "{who}");
        assert_eq!(e.photo.ok, x.photo_ok.unwrap_or(false), "{who}");
        let missing: Vec<&str> = e
            .checklist
            .iter()
            .filter(|c| c.status == "missing" && !c.optional)
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(missing, x.missing, "{who}");
        // Every employee with a checklist gets the shared company scans and misses only the
        // business contracts on the company side.
        if !e.checklist.is_empty() {
            assert_eq!(
                e.item("company_tax_certificate").files(),
                ["_company/公司纳税证明.pdf"],
                "{who}"
            );
            assert_eq!(
                e.item("company_bank_statements").files(),
                ["_company/银行对账单.pdf"],
                "{who}"
            );
            assert_eq!(e.item("business_contracts").status, "missing");
        }
        // A packet for everyone, written completely.
        let packet = e.packet.as_deref().unwrap_or_else(|| panic!("{who}"));
        assert!(dir.join("out/packets").join(packet).is_file(), "{who}");
    }
    // Kenji (unreadable category) has no checklist at all; Liam (二), a category without a
    // list of its own, gets the items every list shares.
    assert!(r.employee(13).checklist.is_empty());
    assert!(
        !r.employee(10)
            .item("company_tax_certificate")
            .files
            .is_empty()
    );

    // Chinese and English file names land on the intended items.
    for (id, files) in [
        ("wp_extension_form", "工作许可延期申请表.pdf"),
        ("labour_contract", "劳动合同.pdf"),
        ("passport", "护照首页.jpg"),
        ("residence_permit", "居留许可.jpg"),
        ("work_permit", "工作许可证.jpg"),
        ("photo_receipt", "相片回执.jpg"),
        ("tax_certificate", "完税证明2025.pdf"),
    ] {
        assert_eq!(michal.item(id).files(), [files], "{id}");
    }
    for (status, ids) in [
        (
            "provided",
            &[
                "wp_extension_form",
                "residence_permit",
                "labour_contract",
                "passport",
            ][..],
        ),
        ("generated", &["guarantee_letter", "salary_certificate"][..]),
        ("after_booking", &["visa_application_form"][..]),
    ] {
        for id in ids {
            assert_eq!(michal.item(id).status, status, "{id}");
        }
    }
    let ayse = r.employee(5);
    assert_eq!(
        ayse.item("residence_permit").files(),
        ["Residence Permit page.jpg"]
    );
    assert_eq!(
        ayse.item("wp_extension_form").files(),
        ["WP extension form.pdf"]
    );
    assert_eq!(ayse.item("work_permit").files(), ["Work Permit.jpg"]);
    assert_eq!(ayse.item("photo_receipt").files(), ["photo_receipt.jpg"]);
    let renee = r.employee(6);
    // 首页 (first page) is the front: first.
    assert_eq!(
        renee.item("passport").files(),
        ["护照首页.jpg", "Passport.pdf"]
    );
    assert_eq!(
        renee.item("work_permit").files(),
        ["WP card front.jpg", "WP card back.jpg"]
    );
    for id in ["labour_contract", "passport", "work_permit"] {
        assert!(michal.item(id).bring_original, "{id}");
    }
    assert_eq!(
        renee.field("unmatched_files"),
        &serde_json::json!(["IMG_0001.jpg"])
    );
    assert_eq!(renee.term_years, Some(2.0));
    assert_eq!(renee.fee_rmb, Some(800));
    let jose = r.employee(7);
    assert_eq!(
        jose.item("tax_certificate").files(),
        ["个人所得税完税证明.pdf"]
    );
    assert_eq!(jose.item("photo_receipt").files(), ["照片回执.jpg"]);
    assert_eq!(
        r.employee(8).item("wp_extension_form").files(),
        ["work_permit_extension_form.pdf"]
    );
    assert_eq!(
        r.employee(17).item("residence_permit").files(),
        ["C1234567 RP page.pdf"]
    );
    assert_eq!(
        r.employee(15).item("tax_certificate").files(),
        ["Tax certificate 2025.pdf"]
    );

    // Photo verdicts with their measurements.
    assert!(jose.photo.background_share.unwrap() < 0.9);
    let emma = r.employee(9);
    assert_eq!(emma.photo.width, Some(240));
    assert_eq!(emma.photo.height, Some(329));
    let hans = r.employee(11);
    let lr = hans.photo.rest["background"]["uniformity"]["left_right"]
        .as_f64()
        .unwrap();
    assert!(lr > 8.0, "left/right difference {lr}");
    for row in [4, 5, 6, 8, 10, 13, 14] {
        let p = &r.employee(row).photo;
        assert_eq!(p.width, Some(480), "row {row}");
        assert_eq!(p.height, Some(658), "row {row}");
        assert!(p.background_share.unwrap() >= 0.9, "row {row}");
    }
    // Carlos shares Michał's passport number, and so his photo file and scan folder.
    let carlos = r.employee(16);
    assert_eq!(carlos.photo.file.as_deref(), Some("EK1234567.jpg"));
    assert_eq!(carlos.item("tax_certificate").files(), ["完税证明2025.pdf"]);

    // Nothing half-written in the output folder.
    for f in std::fs::read_dir(dir.join("out/packets")).unwrap() {
        let name = f.unwrap().file_name().into_string().unwrap();
        assert!(name.ends_with(".zip"), "{name}");
    }
}
