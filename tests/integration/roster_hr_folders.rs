//! End-to-end (issue 21): the real binary on a company folder kept the way a Shenzhen HR
//! department keeps one: rosters exported from the HR system with Chinese-only headers
//! carrying notes in brackets and a row-number column, last year's roster beside this year's
//! (the older one touched last), a former employee hidden, a total row counting him, a UK
//! passport number typed as a number, photos/ and docs/ beside, and the folder given
//! instead of a file.

use crate::fixtures::folder::{self, AS_OF, FULL_B1, FULL_B6, Person, day};
use crate::report::Report;
use crate::util::Dir;
use rust_xlsxwriter::Workbook;
use std::path::Path;
use std::time::{Duration, SystemTime};

/// A cell of the roster sheet.
enum C {
    S(String),
    N(f64),
}

fn s(v: &str) -> C {
    C::S(v.to_string())
}

/// The header as the HR system exports it: Chinese only, notes in half- and full-width
/// brackets, a unit, a format, a line break.
const HEADER: [&str; 12] = [
    "序号",
    "姓名（与护照一致）",
    "护照号码(必填)",
    "国籍/地区",
    "出生日期(yyyy-mm-dd)",
    "人才类别\n（一）至（六）",
    "职位",
    "入职日期",
    "工作许可到期日",
    "居留许可有效期至",
    "年薪(税前,元)",
    "联系电话",
];

fn row(n: u32, name: &str, passport: C, category: &str, expiry_days: i64) -> Vec<C> {
    let expiry = day(expiry_days).format("%Y-%m-%d").to_string();
    vec![
        C::N(n.into()),
        s(name),
        passport,
        s("United Kingdom 英国"),
        s("1985-02-03"),
        s(category),
        s("Senior Engineer 高级工程师"),
        s("2021-03-01"),
        C::S(expiry.clone()),
        C::S(expiry),
        C::N(480000.0),
        s("13800138000"),
    ]
}

/// A roster workbook: a title row, the header, `rows` (0-based sheet rows in `hidden` are
/// hidden), then a Company sheet.
fn workbook(title: &str, header: &[&str], rows: &[Vec<C>], hidden: &[u32]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("花名册").unwrap();
    ws.write_string(0, 0, title).unwrap();
    for (c, h) in header.iter().enumerate() {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    for (r, cells) in rows.iter().enumerate() {
        for (c, v) in cells.iter().enumerate() {
            let (r, c) = (2 + r as u32, c as u16);
            match v {
                C::S(t) if t.is_empty() => {}
                C::S(t) => {
                    ws.write_string(r, c, t).unwrap();
                }
                C::N(n) => {
                    ws.write_number(r, c, *n).unwrap();
                }
            }
        }
    }
    for h in hidden {
        ws.set_row_hidden(*h).unwrap();
    }
    let cs = wb.add_worksheet();
    cs.set_name("公司信息").unwrap();
    for (i, (k, v)) in [
        ("公司名称", folder::COMPANY_ZH),
        ("公司英文名称", folder::COMPANY_EN),
        ("统一社会信用代码", folder::USCC),
        ("公司地址", "深圳市福田区福华三路88号时代财富大厦20楼"),
        ("联系人", "李明（人事部）"),
        ("联系电话", "0755-2345 6789"),
    ]
    .iter()
    .enumerate()
    {
        cs.write_string(i as u32, 0, *k).unwrap();
        cs.write_string(i as u32, 1, *v).unwrap();
    }
    wb.save_to_buffer().unwrap()
}

fn touch(path: &Path, secs_ago: u64) {
    let f = std::fs::File::options().write(true).open(path).unwrap();
    f.set_modified(SystemTime::now() - Duration::from_secs(secs_ago))
        .unwrap();
}

/// The company folder: photos/ and docs/ for Anna and Ben, this year's roster and last
/// year's (modified after this year's), no roster.xlsx.
fn company_folder(dir: &Dir) -> std::path::PathBuf {
    let co = dir.join("公司资料");
    let people = [
        Person::new("Anna Nowak", "E12345678").scans(FULL_B6),
        Person::new("Ben Carter", "123456780")
            .category("（一）")
            .scans(FULL_B1),
    ];
    folder::write(&co, &people);
    std::fs::remove_file(co.join("roster.xlsx")).unwrap();
    let this_year = workbook(
        "外籍员工花名册（2026年12月）",
        &HEADER,
        &[
            row(1, "Anna Nowak", s("E12345678"), "（六）", 60),
            // Left the company: HR hid the row.
            row(2, "Old Staff", s("H12345678"), "（一）", 60),
            // A UK passport number typed as a number: 9 digits, no zero can be missing.
            row(3, "Ben Carter", C::N(123456780.0), "（一）", 60),
            vec![s(""), s("合计"), s("3人")],
        ],
        &[3],
    );
    std::fs::write(co.join("2026年12月外籍员工花名册.xlsx"), this_year).unwrap();
    let last_year = workbook(
        "外籍员工花名册（2025年）",
        &HEADER,
        &[row(1, "Zoe Former", s("Z12345678"), "（一）", -300)],
        &[],
    );
    std::fs::write(co.join("2025年外籍员工花名册.xlsx"), last_year).unwrap();
    touch(&co.join("2026年12月外籍员工花名册.xlsx"), 3600);
    touch(&co.join("2025年外籍员工花名册.xlsx"), 60);
    co
}

#[test]
fn a_company_folder_as_hr_keeps_it() {
    let dir = Dir::new();
    company_folder(&dir);
    let out = dir.run(&[
        "build",
        "公司资料/",
        "--as-of",
        AS_OF,
        "--out",
        "out",
        "--lang",
        "en",
    ]);
    out.assert_not_code(2);
    let r = Report::read(&dir, "out");

    // This year's roster, by the date in its name, though last year's was touched later;
    // the choice is said with the others.
    assert_eq!(r.roster, "2026年12月外籍员工花名册.xlsx");
    assert!(
        out.stdout()
            .contains("Roster read: 2026年12月外籍员工花名册.xlsx"),
        "{}",
        out.story("the roster choice with the roster problems")
    );
    // The reports say it too, in the roster problems.
    let chosen: Vec<_> = r
        .roster_issues
        .iter()
        .filter(|i| i.code.starts_with("roster.file_chosen"))
        .collect();
    assert_eq!(chosen.len(), 1, "{:#?}", r.roster_issues);
    let said = &chosen[0].message;
    assert!(said.contains("latest date (2026-12)"), "{said}");
    assert!(said.contains("2025年外籍员工花名册.xlsx"), "{said}");

    // Every bracketed header read by its known part; 序号 is known and silent.
    let columns = &r.rest["columns"];
    for (field, col) in [
        ("name", "B"),
        ("passport_no", "C"),
        ("nationality", "D"),
        ("date_of_birth", "E"),
        ("category", "F"),
        ("annual_salary", "K"),
        ("mobile", "L"),
    ] {
        assert_eq!(columns[field], col, "{field}: {columns:#}");
    }
    for code in [
        "roster.unknown_column",
        "roster.missing_column",
        "roster.missing_name_column",
        "roster.stray_row",
    ] {
        assert!(
            r.roster_issues_of(code).is_empty(),
            "{code}: {:#?}",
            r.roster_issues
        );
    }

    // The hidden former employee is no employee of the run: said once, no packet.
    assert_eq!(r.rows(), [3, 5]);
    let hidden = r.roster_issues_of("roster.hidden_row");
    assert_eq!(hidden.len(), 1, "{:#?}", r.roster_issues);
    assert_eq!(hidden[0].row, Some(4));
    assert_eq!(hidden[0].sheet.as_deref(), Some("花名册"));
    assert!(
        hidden[0]
            .message
            .contains("Row 4 is hidden and was not read"),
        "{:?}",
        hidden[0]
    );
    // The total still counts him.
    let total = r.roster_issues_of("roster.total_count_differs");
    assert_eq!(total.len(), 1, "{:#?}", r.roster_issues);
    assert_eq!(total[0].cell.as_deref(), Some("C6"));
    assert_eq!(
        (
            total[0].arg("stated"),
            total[0].arg("read"),
            total[0].arg("hidden")
        ),
        ("3", "2", "1")
    );
    let packets: Vec<String> = std::fs::read_dir(dir.join("out/packets"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(packets.len(), 2, "{packets:?}");
    assert!(
        !packets.iter().any(|p| p.contains("H12345678")),
        "{packets:?}"
    );

    // Nine digits typed as a number: read as they are, a note at most, letters written.
    let ben = r.employee(5);
    assert_eq!(ben.passport_no.as_deref(), Some("123456780"));
    assert_eq!(
        ben.codes("roster."),
        [("roster.passport_number_cell".to_string(), "C5".to_string())]
    );
    assert_eq!(ben.issues[0].severity, "warning");
    let letter = ben.item("guarantee_letter");
    assert_eq!(letter.status, "generated", "{letter:?}");
    assert!(
        packets.iter().any(|p| p.starts_with("123456780_")),
        "{packets:?}"
    );

    // photos/ and docs/ beside the chosen roster were used.
    let anna = r.employee(3);
    assert!(anna.photo.ok, "{:#?}", anna.photo);
    assert!(anna.codes("roster.").is_empty(), "{:#?}", anna.issues);
    assert!(
        !anna.issue_codes().contains(&"document.no_folder"),
        "{:#?}",
        anna.issues
    );
}

#[test]
fn an_undated_live_roster_beside_last_years_is_read_when_it_is_newer() {
    let dir = Dir::new();
    let co = company_folder(&dir);
    std::fs::rename(
        co.join("2026年12月外籍员工花名册.xlsx"),
        co.join("外籍员工花名册.xlsx"),
    )
    .unwrap();
    touch(&co.join("外籍员工花名册.xlsx"), 10);
    let out = dir.run(&["check", "公司资料", "--as-of", AS_OF, "--lang", "en"]);
    out.assert_not_code(2);
    assert_eq!(Report::read(&dir, "out").roster, "外籍员工花名册.xlsx");
    assert!(
        out.stdout().contains("the most recently modified"),
        "{}",
        out.story("why the undated roster")
    );
    // Touched before last year's: last year's is read, and the note says why.
    touch(&co.join("外籍员工花名册.xlsx"), 7200);
    let out = dir.run(&["check", "公司资料", "--as-of", AS_OF, "--lang", "en", "-q"]);
    assert_eq!(
        Report::read(&dir, "out").roster,
        "2025年外籍员工花名册.xlsx"
    );
    assert!(
        !out.stderr().contains("Roster read"),
        "-q: {}",
        out.stderr()
    );
}

#[test]
fn a_roster_without_a_name_column_names_what_it_saw() {
    let dir = Dir::new();
    let mut header = HEADER;
    header[1] = "员工名字（拼音）";
    let bytes = workbook(
        "外籍员工花名册",
        &header,
        &[row(1, "Anna Nowak", s("E12345678"), "（六）", 60)],
        &[],
    );
    dir.write("hr/名册.xlsx", bytes);
    let out = dir.run(&["check", "hr/名册.xlsx", "--as-of", AS_OF, "--lang", "en"]);
    out.assert_code(1);
    let r = Report::read(&dir, "out");
    let missing = r.roster_issues_of("roster.missing_name_column");
    assert_eq!(missing.len(), 1, "{:#?}", r.roster_issues);
    let m = missing[0];
    assert_eq!(m.severity, "error");
    assert_eq!((m.sheet.as_deref(), m.row), (Some("花名册"), Some(2)));
    let message = &m.message;
    for want in ["A2 '序号'", "B2 '员工名字（拼音）'", "C2 '护照号码(必填)'"] {
        assert!(message.contains(want), "{want} not in {message}");
    }
    let action = &m.action;
    assert!(
        action.contains("B2 '员工名字（拼音）' ~ '员工姓名'"),
        "{action}"
    );
    // Said once, and in the terminal's roster problems.
    assert!(
        out.stdout().contains("员工名字"),
        "{}",
        out.story("the terminal")
    );
}

#[test]
fn a_folder_without_a_spreadsheet_is_a_clear_error() {
    let dir = Dir::new();
    dir.write("co/photos/a.jpg", b"x");
    dir.write("co/notes.txt.pdf", b"x");
    let out = dir.run(&["check", "co", "--as-of", AS_OF, "--lang", "en"]);
    out.assert_code(2);
    let err = out.stderr();
    assert!(
        err.contains("No spreadsheet was found in the folder co"),
        "{}",
        out.story("the error")
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}
