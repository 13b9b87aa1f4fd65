//! End-to-end: the real binary on an OpenDocument spreadsheet (.ods) written here by hand
//! with the zip crate, as LibreOffice lays one out: a hidden sheet, a title row, headers with
//! line breaks, date cells, text dates, numbers, repeated empty rows, a Company sheet.

use crate::fixtures::spreadsheet;
use crate::report::Report;
use crate::util::{Dir, employee_at_row, issue_codes};

/// One ODS cell.
enum O {
    S(&'static str),
    /// Two paragraphs: a line break inside the cell.
    Lines(&'static str, &'static str),
    Date(&'static str),
    F(f64),
    Empty,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn row(cells: &[O]) -> String {
    let mut x = String::from("<table:table-row>");
    for c in cells {
        match c {
            O::S(s) => x.push_str(&format!(
                "<table:table-cell office:value-type=\"string\"><text:p>{}</text:p></table:table-cell>",
                esc(s)
            )),
            O::Lines(a, b) => x.push_str(&format!(
                "<table:table-cell office:value-type=\"string\"><text:p>{}</text:p><text:p>{}</text:p></table:table-cell>",
                esc(a),
                esc(b)
            )),
            O::Date(d) => x.push_str(&format!(
                "<table:table-cell office:value-type=\"date\" office:date-value=\"{d}\"><text:p>{d}</text:p></table:table-cell>"
            )),
            O::F(f) => x.push_str(&format!(
                "<table:table-cell office:value-type=\"float\" office:value=\"{f}\"><text:p>{f}</text:p></table:table-cell>"
            )),
            O::Empty => x.push_str("<table:table-cell/>"),
        }
    }
    x.push_str("</table:table-row>");
    x
}

fn header() -> Vec<O> {
    vec![
        O::Lines("姓名", "Name"),
        O::S("护照号码 Passport No."),
        O::S("国籍 Nationality"),
        O::S("出生日期 Date of birth"),
        O::S("人才类别 Talent category"),
        O::S("职位 Position"),
        O::Lines("工作许可到期日", "Work permit expiry"),
        O::S("居留许可到期日 Residence permit expiry"),
        O::S("年薪 Annual salary"),
        O::S("Remarks"),
    ]
}

fn person(name: &'static str, passport: O, wp: O) -> Vec<O> {
    vec![
        O::S(name),
        passport,
        O::S("Spain"),
        O::Date("1979-01-25"),
        O::S("（六）"),
        O::S("Chief Architect"),
        wp,
        O::Date("2027-03-01"),
        O::F(480000.0),
        O::Empty,
    ]
}

fn table(name: &str, style: &str, rows: &[Vec<O>], tail: &str) -> String {
    let mut x = format!("<table:table table:name=\"{name}\" table:style-name=\"{style}\">");
    for r in rows {
        x.push_str(&row(r));
    }
    x.push_str(tail);
    x.push_str("</table:table>");
    x
}

/// An .ods file of `tables` (styles ta1 shown, ta2 hidden).
fn ods(tables: &str) -> Vec<u8> {
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" \
xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">\
<office:automatic-styles>\
<style:style style:name=\"ta1\" style:family=\"table\"><style:table-properties table:display=\"true\"/></style:style>\
<style:style style:name=\"ta2\" style:family=\"table\"><style:table-properties table:display=\"false\"/></style:style>\
</office:automatic-styles>\
<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"
    );
    spreadsheet::ods(&content)
}

fn company(uscc: &'static str) -> String {
    let rows = vec![
        vec![O::S("公司名称"), O::S("深圳市测试科技有限公司")],
        vec![O::S("统一社会信用代码"), O::S(uscc)],
        vec![O::S("地址"), O::S("深圳市福田区福华三路88号")],
        vec![O::S("联系人"), O::S("李明")],
        vec![O::S("联系电话"), O::F(75523456789.0)],
    ];
    table("Company", "ta1", &rows, "")
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn ods_with_every_trap() {
    let hidden = table(
        "Archive",
        "ta2",
        &[
            header(),
            person("Ghost Person", O::S("ZZ9999999"), O::Date("2027-01-01")),
        ],
        "",
    );
    let mut rows = vec![
        vec![O::S("外籍员工名册 Foreign employees")], // row 1
        header(),                                     // row 2
        person("José Muñoz", O::S("PAA123456"), O::Date("2027-03-01")), // row 3
        person("Ayşe Yılmaz", O::S("U12345678"), O::S("2027/3/1")), // row 4
        person("Renée Dubois", O::S("18FV12345"), O::S("2027年3月1日")), // row 5
        person("Emma Johnson", O::F(12345678.0), O::S("20270301")), // row 6: bare 8-digit passport
        vec![],                                       // row 7: empty
        person("Carlos Santos", O::S("PAA123456"), O::Date("2027-03-01")), // row 8: duplicate
        person("Kim Min-jun", O::S("M12345678"), O::S("2027-02-30")), // row 9: bad date
        person("Ahmed Hassan", O::S("A12345678"), O::F(7.0)), // row 10: 7 is not a date
    ];
    let mut r11 = person("Nguyễn Văn An", O::S("C1234567"), O::Date("2027-03-01"));
    r11[2] = O::Empty; // row 11: nationality missing
    r11[8] = O::S("48万");
    rows.push(r11);
    let mut r12 = person("Olga Ivanova", O::S("751234567"), O::Date("2027-03-01"));
    r12[8] = O::S("lots"); // row 12: bad money
    r12[4] = O::S("B1");
    rows.push(r12);
    // Formatted empty rows at the end, as LibreOffice writes them.
    let tail = "<table:table-row table:number-rows-repeated=\"20\"><table:table-cell table:number-columns-repeated=\"10\"/></table:table-row>";
    let staff = table("Staff", "ta1", &rows, tail);
    let dir = Dir::new();
    dir.write(
        "roster.ods",
        ods(&format!("{hidden}{staff}{}", company("91440300MA5FXT4L8P"))),
    );
    let out = dir.run(&["check", "roster.ods", "--as-of", "2026-11-26"]);
    out.assert_code(1);
    let r = dir.report("out");
    assert_eq!(r["format"], "ods");
    assert_eq!(r["sheet"], "Staff");
    assert_eq!(r["header_row"], 2);
    let rows: Vec<u64> = r["employees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["row"].as_u64().unwrap())
        .collect();
    assert_eq!(rows, vec![3, 4, 5, 6, 8, 9, 10, 11, 12]);
    for row in [3, 4, 5] {
        let e = employee_at_row(&r, row);
        assert_eq!(issue_codes(e, "roster."), vec![], "row {row}");
        assert_eq!(e["work_permit_expiry"], "2027-03-01");
        assert_eq!(e["date_of_birth"], "1979-01-25");
        assert_eq!(e["category"], "B6");
        // The date reached the rules stage: 95 days before expiry the window is not open yet.
        // (`ready` needs the photo and scans too; this test is about reading the roster.)
        assert_eq!(e["window_state"], "not_yet");
        assert_eq!(e["days_left"], 95);
    }
    let e6 = employee_at_row(&r, 6);
    assert_eq!(
        issue_codes(e6, "roster."),
        pairs(&[("roster.passport_as_number", "B6")])
    );
    assert_eq!(e6["work_permit_expiry"], "2027-03-01");
    assert_eq!(
        issue_codes(employee_at_row(&r, 8), "roster."),
        pairs(&[("roster.duplicate_passport", "B8")])
    );
    assert_eq!(
        issue_codes(employee_at_row(&r, 9), "roster."),
        pairs(&[("roster.bad_date", "G9")])
    );
    assert_eq!(
        issue_codes(employee_at_row(&r, 10), "roster."),
        pairs(&[("roster.bad_date", "G10")])
    );
    let e11 = employee_at_row(&r, 11);
    assert_eq!(
        issue_codes(e11, "roster."),
        pairs(&[("roster.missing", "C11")])
    );
    assert_eq!(e11["annual_salary_fen"], 48_000_000);
    let e12 = employee_at_row(&r, 12);
    assert_eq!(
        issue_codes(e12, "roster."),
        pairs(&[("roster.bad_money", "I12")])
    );
    assert_eq!(e12["category"], "B1");

    // Only the roster family: the run may add other families (document.*, photo.*).
    let roster = Report::of(&r).roster_codes("roster.");
    // No start date column (required: both letters print it); no salary basis stated (the
    // certificate takes the stated default, said once).
    assert_eq!(
        roster,
        pairs(&[
            ("roster.hidden_sheet", ""),
            ("roster.unknown_column", "J2"),
            ("roster.missing_column", ""),
            ("roster.salary_basis_assumed", "")
        ])
    );
    assert_eq!(r["company"]["contact_phone"], "75523456789");
    assert_eq!(r["company"]["source"]["cells"]["uscc"], "B2");
}

#[test]
fn ods_company_with_a_bad_uscc() {
    let staff = table(
        "Staff",
        "ta1",
        &[
            header(),
            person("José Muñoz", O::S("PAA123456"), O::Date("2027-03-01")),
        ],
        "",
    );
    let dir = Dir::new();
    dir.write(
        "r.ods",
        ods(&format!("{staff}{}", company("9144030OMA5FXT4L8P"))),
    );
    let out = dir.run(&["check", "r.ods", "--as-of", "2026-11-26"]);
    out.assert_code(1);
    let r = dir.report("out");
    let uscc = r["roster_issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "roster.uscc_char")
        .expect("uscc_char issue");
    assert_eq!(uscc["sheet"], "Company");
    assert_eq!(uscc["cell"], "B2");
}
