//! End-to-end: the real binary on xlsx rosters written here with rust_xlsxwriter, carrying
//! every spreadsheet trap the roster stage handles; asserts exact issue codes and cells.

use crate::util;

use crate::report::Report;
use crate::util::{Dir, employee_at_row, issue_codes, stderr};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};
use serde_json::Value;
use std::io::{Read, Write};

const HEADER: [&str; 14] = [
    "姓名\nName",
    "中文名 Chinese name",
    "护照号码 Passport No.",
    "国籍 Nationality",
    "出生日期 Date of birth",
    "人才类别 Talent category",
    "职位 Position",
    "入职日期 Start date",
    "工作许可证号 Work permit No.",
    "Work Permit Expiry\n工作许可到期日",
    "居留许可到期日 Residence permit expiry",
    "在华工作年限 Years worked in China",
    "年薪（税前，元）Annual salary (pre-tax)",
    "备注 Notes",
];

/// A cell value to write.
enum C {
    S(&'static str),
    /// A date cell (1900 epoch) with a date format.
    D(u16, u8, u8),
    N(f64),
    /// A number with a number format.
    F(f64, &'static str),
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
            C::D(y, m, d) => {
                ws.write_datetime_with_format(
                    row,
                    col,
                    ExcelDateTime::from_ymd(*y, *m, *d).unwrap(),
                    &date,
                )
                .unwrap();
            }
            C::N(n) => {
                ws.write_number(row, col, *n).unwrap();
            }
            C::F(n, f) => {
                ws.write_number_with_format(row, col, *n, &Format::new().set_num_format(*f))
                    .unwrap();
            }
            C::Blank => {
                ws.write_blank(
                    row,
                    col,
                    &Format::new().set_border(rust_xlsxwriter::FormatBorder::Thin),
                )
                .unwrap();
            }
        }
    }
}

/// The header row; the last column (备注 Notes) is one permitpack does not know.
fn header(ws: &mut Worksheet, row: u32, with_notes: bool) {
    let n = if with_notes {
        HEADER.len()
    } else {
        HEADER.len() - 1
    };
    for (c, h) in HEADER[..n].iter().enumerate() {
        ws.write_string(row, c as u16, *h).unwrap();
    }
}

fn company_sheet(wb: &mut Workbook, uscc: &str) {
    let cs = wb.add_worksheet();
    cs.set_name("公司信息").unwrap();
    let rows = [
        ("公司名称", "深圳市测试科技有限公司"),
        (
            "Company name (English)",
            "Shenzhen Test Technology Co., Ltd.",
        ),
        ("统一社会信用代码", uscc),
        ("地址 Address", "深圳市福田区福华三路88号"),
        ("联系人 Contact person", "李明"),
        ("联系电话 Contact phone", "0755-2345 6789"),
        ("法定代表人", "张伟"),
    ];
    for (i, (k, v)) in rows.iter().enumerate() {
        cs.write_string(i as u32, 0, *k).unwrap();
        cs.write_string(i as u32, 1, *v).unwrap();
    }
}

/// A clean employee row with the given passport cell and work permit expiry cell.
fn person(name: &'static str, passport: C, wp: C) -> Vec<C> {
    vec![
        C::S(name),
        C::Blank,
        passport,
        C::S("Poland"),
        C::D(1986, 7, 14),
        C::S("（六）"),
        C::S("Engineer 工程师"),
        C::D(2020, 3, 1),
        C::S("1104400020000123"),
        wp,
        C::D(2027, 3, 1),
        C::N(4.0),
        C::N(480000.0),
        C::Blank,
    ]
}

/// The workbook with every trap. Sheet rows (1-based) are noted beside each employee.
fn trap_workbook() -> Vec<u8> {
    let mut wb = Workbook::new();
    // A hidden sheet first, with a matching header: never read.
    let hidden = wb.add_worksheet();
    hidden.set_name("Old 2025").unwrap();
    header(hidden, 0, true);
    write_row(
        hidden,
        1,
        &person("Ghost Person", C::S("ZZ9999999"), C::D(2027, 1, 1)),
    );
    hidden.set_hidden(true);

    let ws = wb.add_worksheet();
    ws.set_name("Staff").unwrap();
    // The active sheet cannot be hidden, so the employees sheet is the active one.
    ws.set_active(true);
    ws.merge_range(
        0,
        0,
        0,
        13,
        "外籍员工名册 Foreign employees",
        &Format::new().set_bold(),
    )
    .unwrap();
    header(ws, 2, true); // row 3
    // Row 4: clean, real date cells.
    write_row(
        ws,
        3,
        &person("Michał Wiśniewski", C::S("EK1234567"), C::D(2027, 3, 1)),
    );
    // Row 5: text dates in slash form, money with separators, category 六.
    let mut r5 = person("Ayşe Yılmaz", C::S(" u1234 5678 "), C::S("2027/3/1"));
    r5[4] = C::S("1990/2/11");
    r5[5] = C::S("六");
    r5[12] = C::S("480,000");
    write_row(ws, 4, &r5);
    // Row 6: dotted date, ￥ money, B6.
    let mut r6 = person("Renée Dubois", C::S("18FV12345"), C::S("2027.03.01"));
    r6[5] = C::S("B6");
    r6[12] = C::S("￥480,000.00");
    write_row(ws, 5, &r6);
    // Row 7: Chinese date, 48万, 6.
    let mut r7 = person("José Muñoz", C::S("PAA123456"), C::S("2027年3月1日"));
    r7[5] = C::N(6.0);
    r7[12] = C::S("48万");
    write_row(ws, 6, &r7);
    // Row 8: compact date text, passport as a zero-padded number, long category text.
    let mut r8 = person(
        "David Miller",
        C::F(12345678.0, "000000000"),
        C::S("20270301"),
    );
    r8[5] = C::S("（六）计点积分60分以上的专业人才");
    write_row(ws, 7, &r8);
    // Row 9: passport as a bare number of 8 digits (a zero may be lost), a bare serial in a
    // date column, (一).
    let mut r9 = person("Emma Johnson", C::N(12345678.0), C::N(46447.0));
    r9[5] = C::S("(一)");
    write_row(ws, 8, &r9);
    // Row 10: empty (skipped).
    // Row 11: duplicate passport of row 4.
    write_row(
        ws,
        10,
        &person("Carlos Santos", C::S("ek1234567"), C::D(2027, 3, 1)),
    );
    // Row 12: missing nationality (required).
    let mut r12 = person("Nguyễn Văn An", C::S("C1234567"), C::D(2027, 3, 1));
    r12[3] = C::Blank;
    write_row(ws, 11, &r12);
    // Row 13: an impossible text date.
    write_row(
        ws,
        12,
        &person("Kim Min-jun", C::S("M12345678"), C::S("31/02/2027")),
    );
    // Row 14: a number in a date column that is not a plausible date.
    let mut r14 = person("Ahmed Hassan", C::S("A12345678"), C::D(2027, 3, 1));
    r14[4] = C::N(1985.0);
    write_row(ws, 13, &r14);
    // Row 15: bad number and bad money.
    let mut r15 = person("Sophie Martin", C::S("AB123456"), C::D(2027, 3, 1));
    r15[11] = C::S("three");
    r15[12] = C::S("面议");
    write_row(ws, 14, &r15);
    // Row 16: unreadable category: kept raw, no roster issue (the rules stage reports it).
    let mut r16 = person("Kenji Tanaka", C::S("TR1234567"), C::D(2027, 3, 1));
    r16[5] = C::S("待定");
    write_row(ws, 15, &r16);
    // Row 17: empty category (required) and a passport that is not one.
    let mut r17 = person("Olga Ivanova", C::S("75-1234567"), C::D(2027, 3, 1));
    r17[5] = C::Blank;
    write_row(ws, 16, &r17);
    // Rows 18-22: formatted but empty.
    for r in 17..22 {
        write_row(ws, r, &(0..14).map(|_| C::Blank).collect::<Vec<_>>());
    }
    company_sheet(&mut wb, "91440300MA5FXT4L8P");
    wb.save_to_buffer().unwrap()
}

fn check(dir: &Dir, file: &str, extra: &[&str]) -> (i32, Value, String) {
    let mut args = vec!["check", file, "--as-of", "2026-11-26"];
    args.extend_from_slice(extra);
    let out = dir.run(&args);
    let err = out.stderr();
    out.assert_that(!err.contains("panicked"), "no panic")
        .assert_not_code(2);
    (out.code(), dir.report("out"), err)
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn xlsx_with_every_trap() {
    let dir = Dir::new();
    dir.write("roster.xlsx", trap_workbook());
    let (c, r, _) = check(&dir, "roster.xlsx", &[]);
    assert_eq!(c, 1);
    assert_eq!(r["roster"], "roster.xlsx");
    assert_eq!(r["sheet"], "Staff");
    assert_eq!(r["header_row"], 3);
    assert_eq!(r["as_of"], "2026-11-26");

    let rows: Vec<u64> = r["employees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["row"].as_u64().unwrap())
        .collect();
    assert_eq!(rows, vec![4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17]);

    // Rows 4-8: every date, money and category form reads the same, without issues.
    for row in 4..=8 {
        let e = employee_at_row(&r, row);
        assert_eq!(issue_codes(e, "roster."), vec![], "row {row}");
        assert_eq!(e["work_permit_expiry"], "2027-03-01", "row {row}");
        assert_eq!(e["category"], "B6", "row {row}");
        assert_eq!(e["annual_salary_fen"], 48_000_000, "row {row}");
        // No basis column: the salary header says pre-tax, for every row.
        assert_eq!(e["salary_basis"], "pre_tax", "row {row}");
        // The date reached the rules stage: 95 days before expiry the window is not open
        // yet. (`ready` needs photos and scans too: see the USCC test below.)
        assert_eq!(e["window_state"], "not_yet", "row {row}");
        assert_eq!(e["days_left"], 95, "row {row}");
    }
    assert_eq!(employee_at_row(&r, 5)["passport_no"], "U12345678");
    assert_eq!(employee_at_row(&r, 5)["date_of_birth"], "1990-02-11");
    assert_eq!(employee_at_row(&r, 8)["passport_no"], "012345678");
    assert_eq!(employee_at_row(&r, 4)["name"], "Michał Wiśniewski");
    assert_eq!(employee_at_row(&r, 4)["cells"]["work_permit_expiry"], "J4");

    let e9 = employee_at_row(&r, 9);
    assert_eq!(
        issue_codes(e9, "roster."),
        pairs(&[("roster.passport_as_number", "C9")])
    );
    // A bare number may have lost zeros: an error, not a warning (issue 11).
    assert_eq!(e9["issues"][0]["severity"], "error");
    assert_eq!(e9["passport_no"], "12345678");
    assert_eq!(e9["work_permit_expiry"], "2027-03-01");
    assert_eq!(e9["category"], "B1");

    let report = Report::of(&r);
    let e11 = report.employee(11);
    assert_eq!(
        e11.codes("roster."),
        pairs(&[("roster.duplicate_passport", "C11")])
    );
    assert!(e11.issues[0].message.contains("row 4"));
    assert_eq!(e11.issues[0].severity, "error");
    assert_eq!(
        issue_codes(employee_at_row(&r, 12), "roster."),
        pairs(&[("roster.missing", "D12")])
    );
    assert_eq!(
        issue_codes(employee_at_row(&r, 13), "roster."),
        pairs(&[("roster.bad_date", "J13")])
    );
    assert_eq!(
        issue_codes(employee_at_row(&r, 14), "roster."),
        pairs(&[("roster.bad_date", "E14")])
    );
    assert_eq!(
        issue_codes(employee_at_row(&r, 15), "roster."),
        pairs(&[("roster.bad_number", "L15"), ("roster.bad_money", "M15")])
    );
    let e16 = employee_at_row(&r, 16);
    assert_eq!(issue_codes(e16, "roster."), vec![]);
    assert_eq!(e16["category"], Value::Null);
    assert_eq!(e16["category_raw"], "待定");
    assert_eq!(
        issue_codes(employee_at_row(&r, 17), "roster."),
        pairs(&[("roster.bad_passport", "C17"), ("roster.missing", "F17")])
    );

    // Only the roster family: the run may add other families (document.*, photo.*).
    let roster = Report::of(&r).roster_codes("roster.");
    assert_eq!(
        roster,
        pairs(&[("roster.hidden_sheet", ""), ("roster.unknown_column", "N3")])
    );
    assert_eq!(r["roster_issues"][0]["sheet"], "Old 2025");
    assert_eq!(r["roster_issues"][1]["sheet"], "Staff");
    assert_eq!(r["company"]["uscc"], "91440300MA5FXT4L8P");
    assert_eq!(r["company"]["source"]["sheet"], "公司信息");
    // Every issue carries both languages and an action.
    for e in r["employees"].as_array().unwrap() {
        for i in e["issues"].as_array().unwrap() {
            for key in ["message", "message_zh", "action", "action_zh"] {
                assert!(!i[key].as_str().unwrap_or("").is_empty(), "{key} in {i}");
            }
        }
    }
}

#[test]
fn terminal_output_masks_passport_numbers() {
    let dir = Dir::new();
    dir.write("roster.xlsx", trap_workbook());
    let out = dir.run(&["check", "roster.xlsx", "--as-of", "2026-11-26"]);
    let all = format!("{}{}", util::stdout(&out), stderr(&out));
    assert!(!all.contains("EK1234567"), "{all}");
    assert!(all.contains("EK****567"), "{all}");
}

/// Sets the workbook's date system to 1904 (Excel for Mac's old default).
fn to_1904(xlsx: &[u8]) -> Vec<u8> {
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name == "xl/workbook.xml" {
            let text = String::from_utf8(data).unwrap();
            let patched = if text.contains("<workbookPr ") {
                text.replacen("<workbookPr ", "<workbookPr date1904=\"1\" ", 1)
            } else {
                text.replacen("<bookViews>", "<workbookPr date1904=\"1\"/><bookViews>", 1)
            };
            assert!(patched.contains("date1904"));
            data = patched.into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn xlsx_in_the_1904_date_system() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    header(ws, 0, false);
    // 2027-03-01 is serial 44985 in the 1904 system (46447 in the 1900 one).
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let mut row = person("Michał Wiśniewski", C::S("EK1234567"), C::Blank);
    row[4] = C::Blank;
    write_row(ws, 1, &row);
    ws.write_number_with_format(1, 9, 44985.0, &date).unwrap();
    // A bare number in the 1904 system as well.
    ws.write_number(1, 4, 31070.0).unwrap(); // 1989-01-24 in the 1904 system
    company_sheet(&mut wb, "91440300MA5FXT4L8P");
    let dir = Dir::new();
    dir.write("mac.xlsx", to_1904(&wb.save_to_buffer().unwrap()));
    let (_, r, _) = check(&dir, "mac.xlsx", &[]);
    let e = employee_at_row(&r, 2);
    assert_eq!(issue_codes(e, "roster."), vec![]);
    assert_eq!(e["work_permit_expiry"], "2027-03-01");
    assert_eq!(e["date_of_birth"], "1989-01-24");
}

/// Copies Michał Wiśniewski's sample photo and his complete (六) set of scans, plus the
/// company scans, beside a roster in `dir` (`photos/` and `docs/`, found by default).
fn sample_photo_and_scans(dir: &Dir) {
    let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    dir.write(
        "photos/EK1234567.jpg",
        std::fs::read(samples.join("photos/EK1234567.jpg")).unwrap(),
    );
    for sub in ["EK1234567", "_company"] {
        for f in std::fs::read_dir(samples.join("docs").join(sub)).unwrap() {
            let f = f.unwrap();
            dir.write(
                std::path::Path::new("docs").join(sub).join(f.file_name()),
                std::fs::read(f.path()).unwrap(),
            );
        }
    }
}

#[test]
fn a_wrong_uscc_check_character_blocks_everyone() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    header(ws, 0, false);
    // 60 days left: the window is open.
    write_row(
        ws,
        1,
        &person("Michał Wiśniewski", C::S("EK1234567"), C::D(2027, 1, 25)),
    );
    company_sheet(&mut wb, "91440300MA5FXT4L8Q");
    let dir = Dir::new();
    dir.write("r.xlsx", wb.save_to_buffer().unwrap());
    // A good photo and every scan: only the company sheet can stand in the way.
    sample_photo_and_scans(&dir);
    let (c, r, _) = check(&dir, "r.xlsx", &[]);
    assert_eq!(c, 1);
    let r = Report::of(&r);
    let i = &r.roster_issues[0];
    assert_eq!(i.code, "roster.uscc_check");
    assert_eq!(i.sheet.as_deref(), Some("公司信息"));
    assert_eq!(i.cell.as_deref(), Some("B3"));
    assert!(i.message.contains("should be P"), "{i:?}");
    let e = r.employee(2);
    assert_eq!(e.window_state, "open");
    assert!(!e.ready);
    assert_eq!(e.status, "attention");
    // The employee has no error of their own: the company's code is what blocks them.
    assert_eq!(e.error_count, 0, "{:?}", e.issues);

    // --company replaces the sheet: with a valid file the roster problem is gone.
    dir.write(
        "company.toml",
        "name_zh = \"深圳市测试科技有限公司\"\nuscc = \"91440300MA5FXT4L8P\"\naddress = \"深圳市福田区\"\ncontact_person = \"李明\"\ncontact_phone = \"0755-23456789\"\nlegal_representative = \"张伟\"\n",
    );
    let (c, r, _) = check(&dir, "r.xlsx", &["--company", "company.toml"]);
    assert_eq!(c, 0, "{}", r["employees"]);
    // Only the shared company scans' findings remain (warnings, said once for the run).
    let left: Vec<&Value> = r["roster_issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["code"] != "document.company_missing")
        .collect();
    assert!(left.is_empty(), "{left:?}");
    assert_eq!(r["company"]["source"]["file"], "company.toml");
    assert_eq!(employee_at_row(&r, 2)["ready"], true);
}

#[test]
fn missing_columns_and_company_are_roster_issues() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["Name", "Passport No.", "Nationality", "Category"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in ["Anna Nowak", "EA1234567", "Poland", "(六)"]
        .iter()
        .enumerate()
    {
        ws.write_string(1, c as u16, *v).unwrap();
    }
    let dir = Dir::new();
    dir.write("r.xlsx", wb.save_to_buffer().unwrap());
    let (c, r, _) = check(&dir, "r.xlsx", &[]);
    assert_eq!(c, 1);
    let report = Report::of(&r);
    let codes: Vec<&str> = report
        .roster_issue_codes()
        .into_iter()
        .filter(|c| c.starts_with("roster."))
        .collect();
    assert_eq!(
        codes,
        vec![
            "roster.missing_column", // date of birth
            "roster.missing_column", // position
            "roster.missing_column", // start date (both letters print it)
            "roster.missing_column", // work permit expiry
            "roster.missing_column", // residence permit expiry
            "roster.company_missing",
        ]
    );
    assert!(
        report.roster_issues[3]
            .message
            .contains("Work permit expiry")
    );
    assert_eq!(report.company.name_zh, None);
    assert_eq!(report.company.rest["source"], Value::Null);
    assert!(!report.employee(2).ready);
}

#[test]
fn a_bad_company_file_stops_the_run() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    header(ws, 0, false);
    write_row(
        ws,
        1,
        &person("Michał Wiśniewski", C::S("EK1234567"), C::D(2027, 3, 1)),
    );
    let dir = Dir::new();
    dir.write("r.xlsx", wb.save_to_buffer().unwrap());
    dir.write("company.toml", "nmae_zh = \"x\"\n");
    let out = dir.run(&["check", "r.xlsx", "--company", "company.toml"]);
    out.assert_code(2);
    let err = stderr(&out);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("nmae_zh"), "{err}");
    let out = dir.run(&["check", "r.xlsx", "--company", "nope.toml"]);
    out.assert_code(2);
    assert_eq!(stderr(&out).trim_end().lines().count(), 1);
}
