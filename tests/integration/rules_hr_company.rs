//! End-to-end (issue 21, items 4-9): the real binary on a company kept the way a Shenzhen HR
//! department keeps one: a Chinese-only roster with dates typed as text (a birth month
//! alone), the category as on the card (`B类`), a nationality and a position in Chinese only,
//! an applicant who turns 60 before the deadline, one whose window opens in months, and a
//! `_company/` folder with a stray file. The verdicts checked: the common checklist with the
//! scans still matched, the age deadline on every view, no invented day of birth, English
//! text from Chinese cells, to-dos instead of errors before the window, company findings once.

use crate::fixtures::folder::{
    AS_OF, COMPANY_EN, COMPANY_ZH, Scan, USCC, day, fixture_photo, scan_bytes,
};
use crate::report::Report;
use crate::util::{Dir, need_tool, packet_pdf_text};
use rust_xlsxwriter::Workbook;
use std::path::Path;

/// One roster row, every cell typed as text as an HR-system export writes it.
struct Row {
    name: &'static str,
    passport: &'static str,
    nationality: &'static str,
    birth: String,
    category: &'static str,
    position: &'static str,
    wp_expiry: String,
    salary: &'static str,
    scans: &'static [(&'static str, Scan)],
}

const SCANS: &[(&str, Scan)] = &[
    ("工作许可延期申请表.pdf", Scan::Pdf),
    ("劳动合同.pdf", Scan::Pdf),
    ("护照.jpg", Scan::Jpeg),
    ("居留许可页.jpg", Scan::Jpeg),
    ("工作许可证.jpg", Scan::Jpeg),
    ("相片回执.jpg", Scan::Jpeg),
];

/// The same plus the tax certificate of (六).
const SCANS_WITH_TAX: &[(&str, Scan)] = &[
    ("工作许可延期申请表.pdf", Scan::Pdf),
    ("劳动合同.pdf", Scan::Pdf),
    ("护照.jpg", Scan::Jpeg),
    ("居留许可页.jpg", Scan::Jpeg),
    ("工作许可证.jpg", Scan::Jpeg),
    ("相片回执.jpg", Scan::Jpeg),
    ("完税证明.pdf", Scan::Pdf),
];

fn date(days: i64) -> String {
    day(days).format("%Y/%m/%d").to_string()
}

fn rows() -> Vec<Row> {
    vec![
        // Row 2: the category as on the card, with the (六) tax certificate among the scans.
        Row {
            name: "Lukas Schmidt",
            passport: "C4K7Z9Q21",
            nationality: "德国",
            birth: "1985/02/03".into(),
            category: "B类",
            position: "高级工程师 Senior Engineer",
            wp_expiry: date(60),
            salary: "",
            scans: SCANS_WITH_TAX,
        },
        // Row 3: (六), turns 60 on 2026-12-20, before the permits' deadline (2026-12-26).
        Row {
            name: "Pierre Martin",
            passport: "18AB12345",
            nationality: "France 法国",
            birth: "1966/12/20".into(),
            category: "（六）",
            position: "总监 Director",
            wp_expiry: date(60),
            salary: "480000",
            scans: SCANS_WITH_TAX,
        },
        // Row 4: born in a month only; nationality and position in Chinese only.
        Row {
            name: "Olga Ivanova",
            passport: "751234567",
            nationality: "俄罗斯",
            birth: "1986.12".into(),
            category: "（一）",
            position: "算法工程师",
            wp_expiry: date(60),
            salary: "",
            scans: SCANS,
        },
        // Row 5: the window opens in months; no scans yet.
        Row {
            name: "Kenji Sato",
            passport: "TZ1234567",
            nationality: "Japan",
            birth: "1990/07/15".into(),
            category: "（一）",
            position: "Designer 设计师",
            wp_expiry: date(200),
            salary: "",
            scans: &[],
        },
    ]
}

const HEADER: [&str; 11] = [
    "序号",
    "姓名",
    "护照号码",
    "国籍",
    "出生日期",
    "人才类别",
    "职位",
    "入职日期",
    "工作许可到期日",
    "居留许可到期日",
    "年薪",
];

/// Writes `dir/花名册.xlsx` (sheet 外籍员工 and 公司信息), `photos/` and `docs/`.
fn company(dir: &Path) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("外籍员工").unwrap();
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let docs = dir.join("docs");
    let photos = dir.join("photos");
    std::fs::create_dir_all(docs.join("_company")).unwrap();
    std::fs::create_dir_all(&photos).unwrap();
    for (i, r) in rows().iter().enumerate() {
        let row = i as u32 + 1;
        let cells = [
            (i + 1).to_string(),
            r.name.into(),
            r.passport.into(),
            r.nationality.into(),
            r.birth.clone(),
            r.category.into(),
            r.position.into(),
            "2021/03/01".into(),
            r.wp_expiry.clone(),
            r.wp_expiry.clone(),
            r.salary.into(),
        ];
        for (c, v) in cells.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(row, c as u16, v).unwrap();
            }
        }
        std::fs::copy(
            fixture_photo("blue.jpg"),
            photos.join(format!("{}.jpg", r.passport)),
        )
        .unwrap();
        if !r.scans.is_empty() {
            let d = docs.join(r.passport);
            std::fs::create_dir_all(&d).unwrap();
            for (name, kind) in r.scans {
                std::fs::write(d.join(name), scan_bytes(name, *kind)).unwrap();
            }
        }
    }
    let cs = wb.add_worksheet();
    cs.set_name("公司信息").unwrap();
    for (i, (k, v)) in [
        ("公司名称", COMPANY_ZH),
        ("英文名称", COMPANY_EN),
        ("统一社会信用代码", USCC),
        ("地址", "深圳市南山区科技园科苑路15号"),
        ("联系人", "王芳"),
        ("联系电话", "0755-8888 0000"),
    ]
    .iter()
    .enumerate()
    {
        cs.write_string(i as u32, 0, *k).unwrap();
        cs.write_string(i as u32, 1, *v).unwrap();
    }
    wb.save(dir.join("花名册.xlsx")).unwrap();
    // Company scans: tax and bank, no business contracts; a stray note HR left.
    for (name, kind) in [
        ("纳税证明.pdf", Scan::Pdf),
        ("银行对账单.pdf", Scan::Pdf),
        ("备忘 memo.pdf", Scan::Pdf),
    ] {
        std::fs::write(docs.join("_company").join(name), scan_bytes(name, kind)).unwrap();
    }
}

fn build(dir: &Dir) -> (Report, String) {
    company(&dir.join("co"));
    let ran = dir.run(&[
        "build",
        "co/花名册.xlsx",
        "--as-of",
        AS_OF,
        "--out",
        "out",
        "--lang",
        "en",
    ]);
    ran.assert_not_code(2);
    (Report::read(dir, "out"), ran.stdout())
}

#[test]
fn category_as_on_the_card_uses_the_common_list_and_keeps_the_scans() {
    let dir = Dir::new();
    let (report, _) = build(&dir);
    let e = report.employee(2);
    let c = e.issue_codes();
    assert!(c.contains(&"category.sub_category"), "{c:?}");
    assert!(
        !c.iter()
            .any(|c| *c == "category.no_list" || *c == "document.unmatched"),
        "{c:?}"
    );
    assert!(
        e.issue("category.sub_category")
            .message
            .contains("Salary certificate"),
        "{:#?}",
        e.issues
    );
    let status = |id: &str| {
        e.checklist
            .iter()
            .find(|l| l.id == id)
            .map(|l| l.status.as_str())
    };
    assert_eq!(status("passport"), Some("provided"));
    assert_eq!(status("tax_certificate"), Some("provided"));
    assert_eq!(status("salary_certificate"), None);
    assert_eq!(e.status, "ready", "{:#?}", e.issues);
}

#[test]
fn turning_60_before_the_deadline_moves_it_to_the_day_before_the_birthday() {
    let dir = Dir::new();
    let (report, stdout) = build(&dir);
    let e = report.employee(3);
    assert_eq!(
        e.eligibility().deadline.as_deref(),
        Some("2026-12-19"),
        "{:#?}",
        e.eligibility
    );
    assert_eq!(e.eligibility().deadline_by_age, Some(true));
    let i = e.issue("eligibility.age_deadline");
    assert_eq!(i.severity, "warning");
    assert!(i.message.contains("2026-12-20"), "{i:#?}");
    // The terminal shows the age deadline in the deadline column.
    let line = stdout
        .lines()
        .find(|l| l.contains("Pierre Martin"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(line.contains("2026-12-19"), "{line}");
    // report.ics: the last-day event is the age one, on the day before the birthday.
    let ics = String::from_utf8(dir.read("out/report.ics")).unwrap();
    let unfolded = ics.replace("\r\n ", "");
    let event = unfolded
        .split("BEGIN:VEVENT")
        .find(|e| e.contains("File before the 60th birthday") && e.contains("Pierre Martin"))
        .unwrap_or_else(|| panic!("no age event:\n{unfolded}"));
    assert!(event.contains("DTSTART;VALUE=DATE:20261219"), "{event}");
    // `plan` lists it under what needs lead time and in December.
    let plan = dir.run(&["plan", "co/花名册.xlsx", "--as-of", AS_OF, "--lang", "en"]);
    let out = plan.stdout();
    assert!(
        out.contains("12-19  File before the 60th birthday"),
        "{out}"
    );
    // Someone who turns 60 after the deadline keeps the permits' deadline.
    let other = report.employee(2);
    assert_eq!(other.eligibility().deadline_by_age, Some(false));
}

#[test]
fn month_only_birth_and_chinese_only_cells_print_without_invention() {
    if !need_tool("pdftotext", &["-v"]) {
        return;
    }
    let dir = Dir::new();
    let (report, _) = build(&dir);
    let e = report.employee(4);
    let c = e.issue_codes();
    assert!(c.contains(&"roster.month_only_date"), "{c:?}");
    assert!(c.contains(&"template.position_chinese_only"), "{c:?}");
    assert!(!c.contains(&"template.nationality_one_language"), "{c:?}");
    let text = packet_pdf_text(
        &dir.join("out/packets").join(e.packet()),
        "guarantee_letter",
        dir.path(),
    )
    .unwrap();
    assert!(text.contains("1986年12月"), "{text}");
    assert!(!text.contains("1986年12月1日"), "an invented day: {text}");
    assert!(text.contains("borninDecember1986"), "{text}");
    assert!(!text.contains("1December1986"), "an invented day: {text}");
    // The nationality given only in Chinese prints in English in the English text.
    assert!(text.contains("anationalofRussia"), "{text}");
    assert!(text.contains("国籍：俄罗斯"), "{text}");

    // The salary certificate of (六) writes the amount in English words.
    let six = report.employee(3);
    let text = packet_pdf_text(
        &dir.join("out/packets").join(six.packet()),
        "salary_certificate",
        dir.path(),
    )
    .unwrap();
    assert!(
        text.contains("fourhundredandeightythousandyuanonly"),
        "{text}"
    );
    assert!(text.contains("肆拾捌万元整"), "{text}");
}

#[test]
fn not_yet_due_gets_to_dos_not_errors_and_company_findings_come_once() {
    let dir = Dir::new();
    let (report, stdout) = build(&dir);
    let e = report.employee(5);
    assert_eq!(e.status, "not_yet");
    let errors = e.error_codes();
    assert!(errors.is_empty(), "{errors:#?}");
    let todo = e.issue("document.todo");
    let opens = e.eligibility().window_opens.as_deref().unwrap();
    assert!(todo.message.contains(opens), "{todo:#?}");
    // Its terminal line says when the window opens.
    let line = stdout
        .lines()
        .find(|l| l.contains("Kenji Sato"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(line.to_lowercase().contains("too early"), "{line}");

    // Company findings: once in the roster problems, on no employee.
    let roster: Vec<&str> = report
        .roster_issues
        .iter()
        .map(|i| i.code.as_str())
        .collect();
    assert_eq!(
        roster
            .iter()
            .filter(|c| **c == "document.company_missing")
            .count(),
        1,
        "{roster:?}"
    );
    assert_eq!(
        roster
            .iter()
            .filter(|c| **c == "document.unmatched")
            .count(),
        1,
        "{roster:?}"
    );
    for e in &report.employees {
        let c = e.issue_codes();
        assert!(!c.contains(&"document.company_missing"), "{c:?}");
        assert!(!c.contains(&"document.unmatched"), "{c:?}");
    }
    // The salary basis note counts the one employee with a salary certificate.
    let basis = report.roster_issue("roster.salary_basis_assumed");
    assert!(basis.message.contains("for 1 employee;"), "{basis:#?}");
}
