//! End-to-end (issue 11, roster items): the real binary on rosters laid out as other
//! companies' files are, written here (rust_xlsxwriter with its formula results stripped as
//! script-written files have them; an .ods by hand with the zip crate), not by the samples'
//! generator: an instructions sheet holding an example table, a two-level header, HR's own
//! column names, a unit in the salary header, bilingual cells, month-only dates, no salary
//! basis anywhere, a passport number that lost its zero, a formula without a saved result, a
//! hidden row, a total row, a start date in the future. Employees whose inputs are complete
//! and correct come out ready.

use crate::fixtures::folder::{self, AS_OF, FULL_B1, FULL_B6, Person, day};
use crate::fixtures::spreadsheet::{self, excel_date as excel, ymd};
use crate::report::Report;
use crate::util::{Dir, packet_pdf_text};
use rust_xlsxwriter::{Format, Formula, Workbook, Worksheet};
use std::io::{Read, Write};

enum C {
    S(&'static str),
    D(chrono::NaiveDate),
    N(f64),
    /// A formula; its result is stripped from the file afterwards.
    F(&'static str),
    Blank,
}

fn write_row(ws: &mut Worksheet, row: u32, cells: &[C]) {
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (c, v) in cells.iter().enumerate() {
        let col = c as u16;
        match v {
            C::S(s) => {
                ws.write_string(row, col, *s).unwrap();
            }
            C::D(d) => {
                ws.write_datetime_with_format(row, col, excel(*d), &date)
                    .unwrap();
            }
            C::N(n) => {
                ws.write_number(row, col, *n).unwrap();
            }
            C::F(f) => {
                ws.write_formula(row, col, Formula::new(*f)).unwrap();
            }
            C::Blank => {}
        }
    }
}

/// An employee row of the roster sheet below (columns A..M).
#[allow(clippy::too_many_arguments)]
fn person(
    n: f64,
    name: &'static str,
    passport: C,
    nationality: &'static str,
    birth: C,
    category: &'static str,
    position: &'static str,
    start: C,
    expiry_days: i64,
    years: C,
    salary_wan: f64,
) -> Vec<C> {
    vec![
        C::N(n),
        C::S(name),
        passport,
        C::S(nationality),
        birth,
        C::S(category),
        C::S(position),
        start,
        C::D(day(expiry_days)),
        C::D(day(expiry_days)),
        years,
        C::S("13800138000"),
        C::N(salary_wan),
    ]
}

/// The workbook: an instructions sheet with an example table first, then the roster with a
/// two-level header, then the company without a salary basis.
fn workbook() -> Vec<u8> {
    let mut wb = Workbook::new();

    let ws = wb.add_worksheet();
    ws.set_name("填表说明").unwrap();
    ws.write_string(
        0,
        0,
        "请按以下示例填写“花名册”工作表。Fill in the sheet 花名册 like this example.",
    )
    .unwrap();
    let example = [
        "姓名",
        "护照号码",
        "国籍",
        "出生日期",
        "人才类别",
        "职位",
        "入职日期",
        "工作许可到期日",
        "居留许可到期日",
    ];
    for (c, h) in example.iter().enumerate() {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    write_row(
        ws,
        3,
        &[
            C::S("张三（示例）"),
            C::S("E00000000"),
            C::S("Example"),
            C::D(ymd(1990, 1, 1)),
            C::S("（一）"),
            C::S("Engineer"),
            C::D(ymd(2020, 1, 1)),
            C::D(day(60)),
            C::D(day(60)),
        ],
    );

    let ws = wb.add_worksheet();
    ws.set_name("花名册").unwrap();
    ws.merge_range(0, 0, 0, 12, "外籍员工花名册 2026", &Format::new())
        .unwrap();
    let top = [
        "序号",
        "姓名",
        "护照号码",
        "国家/地区",
        "出生年月",
        "人才类别",
        "职位",
        "入职日期",
    ];
    for (c, h) in top.iter().enumerate() {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    ws.merge_range(1, 8, 1, 9, "到期日", &Format::new())
        .unwrap();
    ws.write_string(1, 10, "来华工作年限").unwrap();
    ws.write_string(1, 11, "联系电话").unwrap();
    ws.write_string(1, 12, "年收入（万元）").unwrap();
    ws.write_string(2, 8, "工作许可").unwrap();
    ws.write_string(2, 9, "居留许可").unwrap();
    let rows = vec![
        // Row 4: complete and correct; bilingual cells, month-only dates, salary in 万.
        person(
            1.0,
            "Anna Nowak",
            C::S("E12345678"),
            "Poland 波兰",
            C::S("1985年2月"),
            "（六）",
            "Algorithm Engineer 算法工程师",
            C::S("2021.3"),
            60,
            C::N(5.5),
            48.0,
        ),
        // Row 5: complete and correct, category (一).
        person(
            2.0,
            "Juan Pérez",
            C::S("G23456789"),
            "西班牙 Spain",
            C::D(ymd(1980, 5, 6)),
            "（一）",
            "Architect（架构师）",
            C::D(ymd(2019, 4, 1)),
            70,
            C::N(4.0),
            30.0,
        ),
        // Row 6: the passport 056789123 typed as a number: the zero is gone.
        person(
            3.0,
            "David Miller",
            C::N(56_789_123.0),
            "United States",
            C::D(ymd(1987, 5, 3)),
            "（一）",
            "Test Engineer",
            C::D(ymd(2023, 6, 1)),
            80,
            C::N(3.0),
            36.0,
        ),
        // Row 7: years in China as a formula whose result was never saved.
        person(
            4.0,
            "Renée Dubois",
            C::S("R12345678"),
            "France",
            C::D(ymd(1984, 11, 3)),
            "（六）",
            "Product Manager",
            C::D(ymd(2022, 5, 16)),
            72,
            C::F("2026-2022"),
            52.0,
        ),
        // Row 8: hidden (a former employee).
        person(
            5.0,
            "Old Staff",
            C::S("H12345678"),
            "Italy",
            C::D(ymd(1970, 1, 1)),
            "（一）",
            "Former Engineer",
            C::D(ymd(2015, 1, 1)),
            50,
            C::N(10.0),
            30.0,
        ),
        // Row 9: a start date after the as-of date.
        person(
            6.0,
            "Kenji Tanaka",
            C::S("K12345678"),
            "Japan",
            C::D(ymd(1983, 12, 8)),
            "（一）",
            "Quality Manager",
            C::D(ymd(2027, 1, 5)),
            65,
            C::N(6.0),
            40.0,
        ),
    ];
    for (i, r) in rows.iter().enumerate() {
        write_row(ws, 3 + i as u32, r);
    }
    ws.set_row_hidden(7).unwrap();
    // Row 10: the total.
    write_row(
        ws,
        9,
        &[
            C::Blank,
            C::S("合计"),
            C::S("6人"),
            C::Blank,
            C::Blank,
            C::Blank,
            C::Blank,
            C::Blank,
            C::Blank,
            C::Blank,
            C::Blank,
            C::Blank,
            C::F("SUM(M4:M9)"),
        ],
    );

    let cs = wb.add_worksheet();
    cs.set_name("公司信息").unwrap();
    for (i, (k, v)) in [
        ("公司名称", folder::COMPANY_ZH),
        ("Company name (English)", folder::COMPANY_EN),
        ("统一社会信用代码", folder::USCC),
        ("地址 Address", "深圳市福田区福华三路88号时代财富大厦20楼"),
        ("联系人 Contact person", "李明（人事部）"),
        ("联系电话 Contact phone", "0755-2345 6789"),
    ]
    .iter()
    .enumerate()
    {
        cs.write_string(i as u32, 0, *k).unwrap();
        cs.write_string(i as u32, 1, *v).unwrap();
    }
    strip_formula_results(&wb.save_to_buffer().unwrap())
}

/// Removes every saved formula result, as openpyxl and HR-system exports leave them.
fn strip_formula_results(xlsx: &[u8]) -> Vec<u8> {
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut stripped = 0;
    for i in 0..src.len() {
        let mut f = src.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        if name.starts_with("xl/worksheets/") {
            let text = String::from_utf8(bytes).unwrap();
            stripped += text.matches("</f><v>0</v>").count();
            bytes = text.replace("</f><v>0</v>", "</f>").into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&bytes).unwrap();
    }
    assert_eq!(stripped, 2, "both formulas had a saved result to strip");
    out.finish().unwrap().into_inner()
}

#[test]
fn another_companys_workbook_reads_right_and_complete_employees_are_ready() {
    let dir = Dir::new();
    // Photos and scans for everyone (the fixture company's), then this roster over its own.
    let people = [
        Person::new("Anna Nowak", "E12345678").scans(FULL_B6),
        Person::new("Juan Pérez", "G23456789").scans(FULL_B1),
        Person::new("David Miller", "056789123").scans(FULL_B1),
        Person::new("Renée Dubois", "R12345678").scans(FULL_B6),
        Person::new("Kenji Tanaka", "K12345678").scans(FULL_B1),
    ];
    folder::write(&dir.join("co"), &people);
    std::fs::write(dir.join("co/roster.xlsx"), workbook()).unwrap();
    let out = dir.run(&[
        "build",
        "co/roster.xlsx",
        "--as-of",
        AS_OF,
        "--out",
        "out",
        "--lang",
        "en",
    ]);
    out.assert_code(1);
    let r = Report::read(&dir, "out");

    // The sheet chosen by content, the two-level header below the title.
    assert_eq!(r.sheet.as_deref(), Some("花名册"));
    assert_eq!(r.rest["header_row"], 3);
    assert_eq!(
        r.rows(),
        [4, 5, 6, 7, 9],
        "the total row is no employee, nor the hidden row"
    );
    let chosen = r.roster_issue("roster.sheet_chosen");
    assert_eq!(chosen.sheet.as_deref(), Some("花名册"));
    assert_eq!(
        r.roster_issue("roster.sheet_passed_instructions")
            .sheet
            .as_deref(),
        Some("填表说明")
    );
    let total = r.roster_issue("roster.total_row");
    assert_eq!(
        (total.sheet.as_deref(), total.cell.as_deref()),
        (Some("花名册"), Some("B10"))
    );
    // The total says 6 people: 5 were read, the 6th is hidden.
    let count = r.roster_issue("roster.total_count_differs");
    assert_eq!(
        (
            count.cell.as_deref(),
            count.arg("stated"),
            count.arg("read")
        ),
        (Some("C10"), "6", "5")
    );
    assert_eq!(count.arg("hidden"), "1");
    let basis = r.roster_issue("roster.salary_basis_assumed");
    assert_eq!(basis.severity, "warning");
    let run = r.roster_issue_codes();
    assert_eq!(
        run.iter()
            .filter(|c| **c == "roster.salary_basis_assumed")
            .count(),
        1,
        "said once"
    );
    assert!(!run.contains(&"roster.missing_column"), "{run:?}");

    // Complete, correct inputs: ready, with the notes on the month-only dates.
    let anna = r.employee(4);
    assert!(anna.ready, "{:#?}", anna.issues);
    assert_eq!(
        anna.codes("roster."),
        [
            ("roster.month_only_date".to_string(), "E4".to_string()),
            ("roster.month_only_date".to_string(), "H4".to_string()),
        ]
    );
    assert_eq!(anna.field("date_of_birth"), "1985-02-01");
    assert_eq!(anna.field("start_date"), "2021-03-01");
    assert_eq!(anna.field("annual_salary_fen"), 48_000_000);
    assert_eq!(anna.field("salary_basis"), "pre_tax");
    assert_eq!(anna.field("nationality"), "Poland 波兰");
    assert_eq!(anna.field("mobile"), "13800138000");
    assert_eq!(anna.item("salary_certificate").status, "generated");
    let juan = r.employee(5);
    assert!(juan.ready, "{:#?}", juan.issues);
    assert_eq!(juan.field("years_in_china"), 4.0);

    // The certificate prints each language's part and the basis it assumed.
    if let Some(text) = packet_pdf_text(
        &dir.join("out/packets/E12345678_ANNA_NOWAK.zip"),
        "salary_certificate",
        dir.path(),
    ) {
        for want in [
            "国籍：波兰",
            "现任算法工程师职务",
            "anationalofPoland",
            "thepositionofAlgorithmEngineer",
            "（税前）",
            "beforetax",
            "480,000.00",
            // The start date was given as a month: printed as the month, no invented day.
            "自2021年3月起",
            "sinceMarch2021",
        ] {
            assert!(text.contains(want), "{want:?} not in {text}");
        }
        assert!(!text.contains("2021年3月1日"), "an invented day: {text}");
        assert!(!text.contains("国籍：Poland"), "{text}");
    }

    // The passport that lost its zero: an error naming the folder with the zero, no letters.
    let david = r.employee(6);
    assert!(!david.ready);
    let lost = david.issue("roster.passport_as_number_found");
    assert_eq!(lost.severity, "error");
    assert_eq!(lost.cell.as_deref(), Some("C6"));
    assert!(lost.message.contains("docs/05****123"), "{lost:#?}");
    assert_eq!(david.item("guarantee_letter").status, "missing");

    // A formula without its result: said as such on the cell, never "empty".
    let renee = r.employee(7);
    assert_eq!(
        renee.codes("roster."),
        [("roster.formula_no_value".to_string(), "K7".to_string())]
    );
    assert!(!renee.ready);

    // The hidden row (a former employee) is not read: said once, on the roster.
    let hidden = r.roster_issue("roster.hidden_row");
    assert_eq!(
        (hidden.sheet.as_deref(), hidden.row),
        (Some("花名册"), Some(8))
    );
    assert_eq!(run.iter().filter(|c| **c == "roster.hidden_row").count(), 1);
    assert!(!dir.join("out/packets/H12345678_OLD_STAFF.zip").exists());

    // A start date after the as-of date is an error on its cell.
    let kenji = r.employee(9);
    assert_eq!(
        kenji.codes("roster."),
        [("roster.date_in_future".to_string(), "H9".to_string())]
    );
    assert!(!kenji.ready);
}

/// An .ods as LibreOffice writes one: a passport number styled with leading zeros, a hidden
/// row, a formula with no saved value.
fn ods() -> Vec<u8> {
    let cell = |v: &str| {
        format!(
            "<table:table-cell office:value-type=\"string\"><text:p>{v}</text:p></table:table-cell>"
        )
    };
    let date = |d: &str| {
        format!(
            "<table:table-cell office:value-type=\"date\" office:date-value=\"{d}\"><text:p>{d}</text:p></table:table-cell>"
        )
    };
    let header: String = [
        "姓名",
        "护照号码",
        "国籍",
        "出生日期",
        "人才类别",
        "职位",
        "入职日期",
        "工作许可到期日",
        "居留许可到期日",
        "在华工作年限",
    ]
    .iter()
    .map(|h| cell(h))
    .collect();
    let wp = day(60).format("%Y-%m-%d").to_string();
    let person = |name: &str, passport: &str, years: &str| {
        format!(
            "{}{passport}{}{}{}{}{}{}{}{years}",
            cell(name),
            cell("United States"),
            date("1987-05-03"),
            cell("（一）"),
            cell("Test Engineer"),
            date("2023-06-01"),
            date(&wp),
            date(&wp)
        )
    };
    let padded = "<table:table-cell table:style-name=\"ce9\" office:value-type=\"float\" office:value=\"56789123\"><text:p>056789123</text:p></table:table-cell>";
    let plain = "<table:table-cell office:value-type=\"float\" office:value=\"56789124\"><text:p>56789124</text:p></table:table-cell>";
    let three = "<table:table-cell office:value-type=\"float\" office:value=\"3\"><text:p>3</text:p></table:table-cell>";
    let no_value = "<table:table-cell table:formula=\"of:=2026-2023\"/>";
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" \
xmlns:number=\"urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0\" \
xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">\
<office:automatic-styles>\
<number:number-style style:name=\"N9\"><number:number number:decimal-places=\"0\" number:min-integer-digits=\"9\"/></number:number-style>\
<style:style style:name=\"ce9\" style:family=\"table-cell\" style:parent-style-name=\"Default\" style:data-style-name=\"N9\"/>\
</office:automatic-styles>\
<office:body><office:spreadsheet><table:table table:name=\"Staff\">\
<table:table-row>{header}</table:table-row>\
<table:table-row>{}</table:table-row>\
<table:table-row table:visibility=\"collapse\">{}</table:table-row>\
<table:table-row>{}</table:table-row>\
</table:table></office:spreadsheet></office:body></office:document-content>",
        person("David Miller", padded, three),
        person("Hidden Person", plain, three),
        person(
            "Formula Person",
            "<table:table-cell office:value-type=\"string\"><text:p>F12345678</text:p></table:table-cell>",
            no_value
        ),
    );
    spreadsheet::ods(&content)
}

#[test]
fn ods_zero_padded_passport_hidden_row_and_unsaved_formula() {
    let dir = Dir::new();
    dir.write("staff.ods", ods());
    let company = dir.write(
        "company.toml",
        format!(
            "name_zh = \"{}\"\nuscc = \"{}\"\naddress = \"深圳市福田区\"\ncontact_person = \"李明\"\ncontact_phone = \"0755-23456789\"\nsalary_basis = \"税后\"\n",
            folder::COMPANY_ZH,
            folder::USCC
        ),
    );
    let out = dir.run(&[
        "check",
        "staff.ods",
        "--as-of",
        AS_OF,
        "--company",
        company.to_str().unwrap(),
    ]);
    out.assert_code(1);
    let r = Report::read(&dir, "out");
    // Styled with leading zeros: read like the same xlsx cell, no warning.
    let david = r.employee(2);
    assert_eq!(david.passport_no.as_deref(), Some("056789123"));
    assert!(david.codes("roster.").is_empty(), "{:#?}", david.issues);
    // A hidden row is not read (the .ods hides it as xlsx does): said on the roster.
    assert!(!r.rows().contains(&3), "{:?}", r.rows());
    let hidden: Vec<(Option<&str>, Option<u32>)> = r
        .roster_issues
        .iter()
        .filter(|i| i.code == "roster.hidden_row")
        .map(|i| (i.sheet.as_deref(), i.row))
        .collect();
    assert_eq!(hidden.len(), 1, "{:#?}", r.roster_issues);
    assert!(hidden[0].0.is_some(), "{hidden:?}");
    assert_eq!(hidden[0].1, Some(3));
    let formula = r.employee(4);
    assert_eq!(
        formula.codes("roster."),
        [("roster.formula_no_value".to_string(), "J4".to_string())]
    );
    // company.toml's salary_basis key is accepted (an unknown key would stop the run).
    assert_eq!(r.company.rest["salary_basis"], "税后");
}
