//! End-to-end: the real binary on CSV rosters in UTF-8 (with and without a byte-order mark),
//! GBK as Chinese Excel saves it, semicolon-separated, and Excel's tab-separated UTF-16
//! "Unicode text"; asserts exact issue codes and cells, with rows counted as Excel shows them.

use crate::report::Report;
use crate::util::{Dir, employee_at_row, issue_codes};
use serde_json::Value;

const COMPANY: &str = "name_zh = \"深圳市测试科技有限公司\"\nuscc = \"91440300MA5FXT4L8P\"\naddress = \"深圳市福田区福华三路88号\"\ncontact_person = \"李明\"\ncontact_phone = \"0755-23456789\"\n";

/// Rows as Excel shows them: 1 title, 2 blank, 3 header (with a line break inside a quoted
/// cell), then employees; 7 is blank.
fn roster(sep: char) -> String {
    let rows: Vec<Vec<&str>> = vec![
        vec!["外籍员工名册"],
        vec![],
        vec![
            "\"姓名\nName\"",
            "护照号码",
            "国籍",
            "出生日期",
            "人才类别",
            "职位",
            "工作许可到期日",
            "居留许可到期日",
            "在华工作年限",
            "年薪",
            "备注",
        ],
        vec![
            "Hans Müller",
            "c01x00t47",
            "德国",
            "1964-05-01",
            "（六）计点积分60分以上的专业人才",
            "制造顾问",
            "2027/1/15",
            "2027/1/15",
            "10",
            "\"480,000\"",
            "",
        ],
        vec![
            "Renée Dubois",
            "18FV12345",
            "法国",
            "1984.11.03",
            "B6",
            "产品经理",
            "2027年2月6日",
            "2027-02-06",
            "3年",
            "￥520000.00",
            "",
        ],
        vec![
            "David Miller",
            "056789123",
            "美国",
            "19870503",
            "（一）",
            "测试工程师",
            "20270224",
            "20270224",
            "3",
            "36万",
            "第一批",
        ],
        vec![],
        vec![
            "Olga Ivanova",
            "056789123",
            "俄罗斯",
            "1991-06-21",
            "(一)",
            "数据分析师",
            "2026-11-16",
            "2026-11-16",
            "4",
            "320000",
            "",
        ],
        vec![
            "Kenji Tanaka",
            "TR1234567",
            "",
            "1983-12-08",
            "待定",
            "质量经理",
            "2027/02/30",
            "2027-03-26",
            "几年",
            "540000",
            "",
        ],
    ];
    let mut s = String::new();
    for r in rows {
        s.push_str(&r.join(&sep.to_string()));
        s.push_str("\r\n");
    }
    s
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn run(bytes: &[u8], name: &str) -> Value {
    let dir = Dir::new();
    dir.write(name, bytes);
    dir.write("company.toml", COMPANY);
    let out = dir.run(&[
        "check",
        name,
        "--as-of",
        "2026-11-26",
        "--company",
        "company.toml",
    ]);
    out.assert_code(1);
    dir.report("out")
}

fn assert_traps(r: &Value) {
    assert_eq!(r["header_row"], 3);
    let rows: Vec<u64> = r["employees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["row"].as_u64().unwrap())
        .collect();
    assert_eq!(rows, vec![4, 5, 6, 8, 9]);
    let e4 = employee_at_row(r, 4);
    assert_eq!(issue_codes(e4, "roster."), vec![]);
    assert_eq!(e4["name"], "Hans Müller");
    assert_eq!(e4["passport_no"], "C01X00T47");
    assert_eq!(e4["work_permit_expiry"], "2027-01-15");
    assert_eq!(e4["category"], "B6");
    assert_eq!(e4["annual_salary_fen"], 48_000_000);
    let e5 = employee_at_row(r, 5);
    assert_eq!(issue_codes(e5, "roster."), vec![]);
    assert_eq!(e5["work_permit_expiry"], "2027-02-06");
    assert_eq!(e5["years_in_china"], 3.0);
    let e6 = employee_at_row(r, 6);
    assert_eq!(issue_codes(e6, "roster."), vec![]);
    assert_eq!(e6["passport_no"], "056789123");
    assert_eq!(e6["date_of_birth"], "1987-05-03");
    assert_eq!(e6["category"], "B1");
    assert_eq!(e6["annual_salary_fen"], 36_000_000);
    assert_eq!(
        issue_codes(employee_at_row(r, 8), "roster."),
        pairs(&[("roster.duplicate_passport", "B8")])
    );
    let e9 = employee_at_row(r, 9);
    assert_eq!(
        issue_codes(e9, "roster."),
        pairs(&[
            ("roster.missing", "C9"),
            ("roster.bad_date", "G9"),
            ("roster.bad_number", "I9")
        ])
    );
    assert_eq!(e9["category_raw"], "待定");
    assert_eq!(e9["category"], Value::Null);
    // Only the roster family: the run may add other families (document.*, photo.*).
    let roster = Report::of(r).roster_codes("roster.");
    // This roster has no start date column (required: both letters print it) and states no
    // salary basis (the certificate takes the stated default, said once).
    assert_eq!(
        roster,
        pairs(&[
            ("roster.unknown_column", "K3"),
            ("roster.missing_column", ""),
            ("roster.salary_basis_assumed", "")
        ])
    );
}

#[test]
fn utf8_with_bom() {
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend(roster(',').as_bytes());
    let r = run(&bytes, "roster.csv");
    assert_eq!(r["encoding"], "UTF-8");
    assert_eq!(r["sheet"], "roster");
    assert_traps(&r);
}

#[test]
fn utf8_without_bom() {
    let r = run(roster(',').as_bytes(), "roster.csv");
    assert_eq!(r["encoding"], "UTF-8");
    assert_traps(&r);
}

#[test]
fn gbk_as_chinese_excel_saves_it() {
    let text = roster(',');
    let (bytes, _, had_errors) = encoding_rs::GBK.encode(&text);
    assert!(!had_errors);
    assert!(std::str::from_utf8(&bytes).is_err(), "really not UTF-8");
    let r = run(&bytes, "名册.csv");
    assert_eq!(r["encoding"], "GB18030");
    assert_eq!(r["roster"], "名册.csv");
    assert_traps(&r);
}

#[test]
fn semicolon_separated() {
    let r = run(roster(';').as_bytes(), "roster.csv");
    assert_traps(&r);
}

#[test]
fn tab_separated_utf16_unicode_text() {
    let mut bytes = vec![0xFF, 0xFE];
    for u in roster('\t').encode_utf16() {
        bytes.extend(u.to_le_bytes());
    }
    let r = run(&bytes, "roster.txt");
    assert_eq!(r["encoding"], "UTF-16LE");
    assert_traps(&r);
}
