//! Writes the samples in `samples/`: `roster.xlsx` (every spreadsheet trap the roster stage
//! handles), `roster_gbk.csv` (Chinese headers, GB18030 as Chinese Excel saves a CSV),
//! `company.toml`, and the employees' photos (`photos/<passport>.jpg`, synthetic portraits,
//! a few deliberately bad) and scans (`docs/<passport>/...` and `docs/_company/...`, small
//! JPEG scan pages and one-page PDFs named the way HR names them, some items missing on
//! purpose). Run with `cargo run --example make_samples`; the output is deterministic (the
//! `photos/` and `docs/` folders are rewritten from scratch).
//!
//! Work Permit expiries are relative to the sample as-of date 2026-11-26, so that
//! `permitpack build samples/roster.xlsx --as-of 2026-11-26` shows every application-window
//! case: open (45-85 days left), exactly 90 and exactly 30 days, not yet (>90), too late (<30)
//! and expired. The table in samples/README.md lists who is who.

#[path = "make_samples/scans.rs"]
mod scans;
#[path = "make_photo_fixtures/synth.rs"]
mod synth;

use chrono::{Datelike, Days, NaiveDate};
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};
use scans::Page;
use std::path::Path;

/// The as-of date the samples are built around.
fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap_or_default()
}

fn plus(days: i64) -> NaiveDate {
    let base = as_of();
    if days >= 0 {
        base.checked_add_days(Days::new(days.unsigned_abs()))
    } else {
        base.checked_sub_days(Days::new(days.unsigned_abs()))
    }
    .unwrap_or(base)
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// How a value is written into its cell.
#[derive(Clone)]
enum V {
    Text(String),
    /// A real Excel date cell (serial number with a date format).
    Date(NaiveDate),
    /// A plain number (General format).
    Num(f64),
    /// A number with a custom number format.
    NumFmt(f64, &'static str),
}

fn t(s: &str) -> V {
    V::Text(s.to_string())
}

/// Text date forms HR types.
fn slash(d: NaiveDate) -> V {
    t(&format!("{}/{}/{}", d.year(), d.month(), d.day()))
}
fn dots(d: NaiveDate) -> V {
    t(&d.format("%Y.%m.%d").to_string())
}
fn zh(d: NaiveDate) -> V {
    t(&format!("{}年{}月{}日", d.year(), d.month(), d.day()))
}
fn compact(d: NaiveDate) -> V {
    t(&d.format("%Y%m%d").to_string())
}
fn iso(d: NaiveDate) -> V {
    t(&d.format("%Y-%m-%d").to_string())
}

/// Column headers of the employees sheet, as a company might write them.
const HEADERS: [&str; 17] = [
    "序号\nNo.",
    "姓名\nName",
    "中文名 Chinese name",
    "护照号码 Passport No.",
    "Nationality",
    "出生日期",
    "人才类别 Talent category",
    "Position 职位",
    "入职日期 Start date",
    "工作许可证号 Work permit No.",
    "Work Permit Expiry\n工作许可到期日",
    "居留许可到期日 Residence permit expiry",
    "在华工作年限 Years worked in China",
    "年薪（税前，元）\nAnnual salary (pre-tax, RMB)",
    "税前/税后 Pre- or after-tax",
    "手机号码 Mobile",
    "备注 Notes",
];

struct Person {
    name: &'static str,
    chinese: &'static str,
    passport: V,
    nationality: &'static str,
    dob: V,
    category: &'static str,
    position: &'static str,
    start: V,
    wp_no: &'static str,
    wp_expiry: V,
    rp_expiry: V,
    years: V,
    salary: V,
    /// The salary-basis cell: empty for most rows (the salary header says pre-tax).
    basis: &'static str,
    mobile: &'static str,
    note: &'static str,
}

fn people() -> Vec<Option<Person>> {
    vec![
        Some(Person {
            name: "Michał Wiśniewski",
            chinese: "米哈乌",
            passport: t("EK1234567"),
            nationality: "Poland",
            dob: V::Date(ymd(1986, 7, 14)),
            category: "（六）",
            position: "Senior Firmware Engineer 高级固件工程师",
            start: V::Date(ymd(2019, 3, 1)),
            wp_no: "1104400019000123",
            wp_expiry: V::Date(plus(60)),
            rp_expiry: V::Date(plus(60)),
            years: V::Num(5.5),
            salary: V::Num(560_000.0),
            basis: "",
            mobile: "13612345678",
            note: "",
        }),
        Some(Person {
            name: "Ayşe Yılmaz",
            chinese: "",
            passport: t("U12345678"),
            nationality: "Türkiye",
            dob: slash(ymd(1990, 2, 11)),
            category: "六",
            position: "UX Designer 用户体验设计师",
            start: slash(ymd(2024, 9, 2)),
            wp_no: "1104400024000456",
            wp_expiry: slash(plus(45)),
            rp_expiry: slash(plus(45)),
            years: V::Num(2.0),
            salary: t("480,000"),
            basis: "",
            mobile: "136 1234 5679",
            note: "",
        }),
        Some(Person {
            name: "Renée Dubois",
            chinese: "杜蕾妮",
            passport: t("18FV12345"),
            nationality: "France 法国",
            dob: dots(ymd(1984, 11, 3)),
            category: "B6",
            position: "Product Manager 产品经理",
            start: dots(ymd(2022, 5, 16)),
            wp_no: "1104400022000789",
            wp_expiry: dots(plus(72)),
            rp_expiry: dots(plus(72)),
            years: t("3年"),
            salary: t("￥520,000.00"),
            basis: "",
            mobile: "13712345670",
            note: "",
        }),
        Some(Person {
            name: "José Luis Muñoz García",
            chinese: "",
            passport: t("PAA123456"),
            nationality: "Spain",
            dob: zh(ymd(1979, 1, 25)),
            category: "6",
            position: "Chief Architect 首席架构师",
            start: zh(ymd(2018, 8, 20)),
            wp_no: "1104400018000321",
            wp_expiry: zh(plus(85)),
            rp_expiry: zh(plus(85)),
            years: V::Num(8.0),
            salary: t("48万"),
            // A basis cell wins over the header's pre-tax.
            basis: "税后",
            mobile: "13812345671",
            note: "",
        }),
        Some(Person {
            name: "David Miller",
            chinese: "米大卫",
            // Typed as a number; the 000000000 format keeps the leading zero.
            passport: V::NumFmt(56_789_123.0, "000000000"),
            nationality: "United States",
            dob: V::Num(31_900.0), // a bare Excel serial: 1987-05-03
            category: "（一）",
            position: "Test Engineer 测试工程师",
            start: V::Date(ymd(2023, 6, 1)),
            wp_no: "1104400023000654",
            wp_expiry: compact(plus(90)),
            rp_expiry: compact(plus(90)),
            years: V::Num(3.0),
            salary: V::Num(360_000.0),
            basis: "",
            mobile: "13912345672",
            note: "exactly 90 days",
        }),
        Some(Person {
            name: "Emma Johnson",
            chinese: "",
            // Typed as a number without a format: zeros may have been lost.
            passport: V::Num(123_456_789.0),
            nationality: "United Kingdom",
            dob: V::Date(ymd(1992, 9, 30)),
            category: "(一)",
            position: "English Content Editor 英文编辑",
            start: V::Date(ymd(2023, 2, 13)),
            wp_no: "1104400023000987",
            wp_expiry: V::Date(plus(30)),
            rp_expiry: V::Date(plus(30)),
            years: V::Num(3.5),
            salary: V::Num(300_000.0),
            basis: "",
            mobile: "+44 7700 900123",
            note: "exactly 30 days",
        }),
        Some(Person {
            name: "Liam O'Brien",
            chinese: "",
            passport: t("PX1234567"),
            nationality: "Ireland",
            dob: iso(ymd(1988, 3, 17)),
            category: "（二）",
            position: "Sales Director 销售总监",
            start: iso(ymd(2021, 1, 4)),
            wp_no: "1104400021000111",
            wp_expiry: iso(plus(55)),
            rp_expiry: iso(plus(55)),
            years: V::Num(5.0),
            salary: V::Num(650_000.0),
            basis: "",
            mobile: "13512345673",
            note: "",
        }),
        Some(Person {
            name: "Hans Müller",
            chinese: "穆汉斯",
            passport: t("C01X00T47"),
            nationality: "Germany 德国",
            dob: V::Date(ymd(1964, 5, 1)),
            category: "（六）计点积分60分以上的专业人才",
            position: "Manufacturing Consultant 制造顾问",
            start: V::Date(ymd(2016, 10, 10)),
            wp_no: "1104400016000222",
            wp_expiry: V::Date(plus(50)),
            rp_expiry: V::Date(plus(50)),
            years: V::Num(10.0),
            salary: V::Num(720_000.0),
            basis: "",
            mobile: "13412345674",
            note: "aged 62",
        }),
        None, // an empty row in the middle of the list
        Some(Person {
            name: "Kenji Tanaka",
            chinese: "田中健二",
            passport: t("TR1234567"),
            nationality: "Japan",
            dob: V::Date(ymd(1983, 12, 8)),
            category: "待定",
            position: "Quality Manager 质量经理",
            start: V::Date(ymd(2020, 4, 1)),
            wp_no: "1104400020000333",
            wp_expiry: V::Date(plus(120)),
            rp_expiry: V::Date(plus(120)),
            years: V::Num(6.0),
            salary: V::Num(540_000.0),
            basis: "",
            mobile: "13312345675",
            note: "category not decided yet",
        }),
        Some(Person {
            name: "Olga Ivanova",
            chinese: "",
            passport: t("751234567"),
            nationality: "Russia",
            dob: V::Date(ymd(1991, 6, 21)),
            category: "(一)",
            position: "Data Analyst 数据分析师",
            start: V::Date(ymd(2022, 7, 1)),
            wp_no: "1104400022000444",
            wp_expiry: V::Date(plus(-10)),
            rp_expiry: V::Date(plus(-10)),
            years: V::Num(4.0),
            salary: V::Num(320_000.0),
            basis: "",
            mobile: "13212345676",
            note: "expired",
        }),
        Some(Person {
            name: "Priya Sharma",
            chinese: "",
            passport: t("Z1234567"),
            nationality: "India",
            dob: V::Date(ymd(1989, 8, 8)),
            category: "（六）",
            position: "Machine Learning Engineer 机器学习工程师",
            start: V::Date(ymd(2023, 11, 6)),
            wp_no: "1104400023000555",
            wp_expiry: V::Date(plus(20)),
            rp_expiry: V::Date(plus(20)),
            years: V::Num(3.0),
            salary: V::Num(600_000.0),
            basis: "",
            mobile: "13112345677",
            note: "",
        }),
        Some(Person {
            name: "Carlos Eduardo Santos",
            chinese: "",
            // Same passport number as Michał Wiśniewski: a copy-paste error.
            passport: t("EK1234567"),
            nationality: "Brazil",
            dob: V::Date(ymd(1987, 10, 2)),
            category: "（六）",
            position: "Hardware Engineer 硬件工程师",
            start: V::Date(ymd(2021, 9, 1)),
            wp_no: "1104400021000666",
            wp_expiry: V::Date(plus(65)),
            rp_expiry: V::Date(plus(65)),
            years: V::Num(5.0),
            salary: V::Num(450_000.0),
            basis: "",
            mobile: "15012345678",
            note: "",
        }),
        Some(Person {
            name: "Nguyễn Văn An",
            chinese: "阮文安",
            passport: t("C1234567"),
            nationality: "",
            dob: V::Date(ymd(1993, 4, 30)),
            category: "（一）",
            position: "Supply Chain Specialist 供应链专员",
            start: V::Date(ymd(2024, 3, 18)),
            wp_no: "1104400024000777",
            wp_expiry: V::Date(plus(70)),
            rp_expiry: V::Date(plus(70)),
            years: V::Num(2.5),
            salary: V::Num(260_000.0),
            basis: "",
            mobile: "15112345679",
            note: "",
        }),
        Some(Person {
            name: "Kim Min-jun",
            chinese: "金敏俊",
            passport: t("M12345678"),
            nationality: "Korea, Republic of",
            dob: V::Date(ymd(1985, 1, 9)),
            category: "（六）",
            position: "Display Engineer 显示工程师",
            start: V::Date(ymd(2020, 12, 1)),
            wp_no: "1104400020000888",
            wp_expiry: t("31/02/2027"),
            rp_expiry: V::Date(plus(62)),
            years: V::Num(6.0),
            salary: V::Num(500_000.0),
            basis: "",
            mobile: "15212345670",
            note: "",
        }),
        Some(Person {
            name: "Sophie Martin",
            chinese: "",
            passport: t("AB123456"),
            nationality: "Canada",
            dob: V::Date(ymd(1990, 10, 15)),
            category: "（一）",
            position: "Marketing Manager 市场经理",
            start: V::Date(ymd(2023, 4, 3)),
            wp_no: "1104400023000999",
            wp_expiry: V::Date(plus(75)),
            rp_expiry: V::Date(plus(75)),
            years: t("three"),
            salary: V::Num(380_000.0),
            basis: "",
            mobile: "15312345671",
            note: "",
        }),
        Some(Person {
            name: "Ahmed Hassan",
            chinese: "",
            passport: t("A12345678"),
            nationality: "Egypt",
            dob: V::Num(1985.0), // only the year typed: not a date
            category: "（六）",
            position: "Network Engineer 网络工程师",
            start: V::Date(ymd(2022, 2, 14)),
            wp_no: "1104400022001010",
            wp_expiry: V::Date(plus(80)),
            rp_expiry: V::Date(plus(80)),
            years: V::Num(4.0),
            salary: t("面议"),
            basis: "",
            mobile: "15512345672",
            note: "",
        }),
    ]
}

struct Formats {
    date: Format,
    head: Format,
    title: Format,
    text: Format,
    border: Format,
}

fn write_value(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    v: &V,
    f: &Formats,
) -> Result<(), XlsxError> {
    match v {
        V::Text(s) if s.is_empty() => {
            ws.write_blank(row, col, &f.border)?;
        }
        V::Text(s) => {
            ws.write_string_with_format(row, col, s, &f.border)?;
        }
        V::Date(d) => {
            let dt = ExcelDateTime::from_ymd(
                u16::try_from(d.year()).unwrap_or(1900),
                u8::try_from(d.month()).unwrap_or(1),
                u8::try_from(d.day()).unwrap_or(1),
            )?;
            ws.write_datetime_with_format(row, col, dt, &f.date)?;
        }
        V::Num(n) => {
            ws.write_number_with_format(row, col, *n, &f.border)?;
        }
        V::NumFmt(n, code) => {
            ws.write_number_with_format(row, col, *n, &f.border.clone().set_num_format(*code))?;
        }
    }
    Ok(())
}

fn header_and_rows(
    ws: &mut Worksheet,
    first_row: u32,
    people: &[Option<Person>],
    f: &Formats,
) -> Result<u32, XlsxError> {
    for (c, h) in HEADERS.iter().enumerate() {
        ws.write_string_with_format(first_row, c as u16, *h, &f.head)?;
    }
    let mut row = first_row + 1;
    let mut n = 0;
    for p in people {
        let Some(p) = p else {
            row += 1;
            continue;
        };
        n += 1;
        let values = [
            V::Num(f64::from(n)),
            t(p.name),
            t(p.chinese),
            p.passport.clone(),
            t(p.nationality),
            p.dob.clone(),
            t(p.category),
            t(p.position),
            p.start.clone(),
            t(p.wp_no),
            p.wp_expiry.clone(),
            p.rp_expiry.clone(),
            p.years.clone(),
            p.salary.clone(),
            t(p.basis),
            t(p.mobile),
            t(p.note),
        ];
        for (c, v) in values.iter().enumerate() {
            write_value(ws, row, c as u16, v, f)?;
        }
        row += 1;
    }
    Ok(row)
}

fn workbook() -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(2026, 11, 20)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title("Foreign employee roster (sample)")
            .set_author("permitpack samples")
            .set_creation_datetime(&created),
    );
    let f = Formats {
        date: Format::new()
            .set_num_format("yyyy-mm-dd")
            .set_border(FormatBorder::Thin),
        head: Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_background_color("#DDEBF7")
            .set_border(FormatBorder::Thin),
        title: Format::new()
            .set_bold()
            .set_font_size(16)
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter),
        text: Format::new().set_num_format("@"),
        border: Format::new().set_border(FormatBorder::Thin),
    };

    // 1. A visible sheet of instructions first: its header does not match, so it is passed.
    let ws = wb.add_worksheet();
    ws.set_name("说明 Read me")?;
    ws.set_column_width(0, 100)?;
    ws.write_string(0, 0, "本名册由人事部维护。This roster is kept by HR.")?;
    ws.write_string(
        1,
        0,
        "员工信息见“员工名册”工作表，公司信息见“公司信息”工作表。",
    )?;
    ws.write_string(
        2,
        0,
        "Employees are on the sheet 员工名册, company details on 公司信息.",
    )?;

    // 2. Last year's roster, hidden: never read, even though its header matches.
    let old: Vec<Option<Person>> = people().into_iter().take(2).collect();
    let ws = wb.add_worksheet();
    ws.set_name("2025旧名册")?;
    header_and_rows(ws, 0, &old, &f)?;
    ws.set_hidden(true);

    // 3. The employees: merged title row, a note row, the header on row 3.
    let all = people();
    let ws = wb.add_worksheet();
    ws.set_name("员工名册")?;
    let last_col = (HEADERS.len() - 1) as u16;
    ws.merge_range(
        0,
        0,
        0,
        last_col,
        "深圳市前海星河科技有限公司 外籍员工名册 Foreign Employee Roster",
        &f.title,
    )?;
    ws.set_row_height(0, 30)?;
    ws.write_string(1, 0, "更新 Updated 2026-11-20")?;
    ws.set_row_height(2, 48)?;
    let end = header_and_rows(ws, 2, &all, &f)?;
    // Trailing rows that are formatted but empty: not employees.
    for row in end..end + 5 {
        for c in 0..=last_col {
            ws.write_blank(row, c, &f.border)?;
        }
    }
    for (c, w) in [
        6, 24, 10, 14, 18, 12, 22, 34, 12, 20, 16, 16, 12, 18, 12, 16, 22,
    ]
    .iter()
    .enumerate()
    {
        ws.set_column_width(c as u16, *w)?;
    }
    ws.set_freeze_panes(3, 2)?;
    ws.set_active(true);

    // 4. Company details: key in column A, value in column B.
    let cs = wb.add_worksheet();
    cs.set_name("公司信息")?;
    cs.set_column_width(0, 36)?;
    cs.set_column_width(1, 60)?;
    let company = [
        ("公司名称", "深圳市前海星河科技有限公司"),
        (
            "Company name (English)",
            "Shenzhen Qianhai Xinghe Technology Co., Ltd.",
        ),
        ("统一社会信用代码 USCC", "91440300MA5FXT4L8P"),
        (
            "地址 Address",
            "深圳市南山区粤海街道科技南十二路18号星河大厦12楼",
        ),
        ("联系人 Contact person", "王丽（人事部）"),
        ("联系电话 Contact phone", "0755-8666 1234"),
        ("法定代表人 Legal representative", "陈建国"),
    ];
    for (i, (k, v)) in company.iter().enumerate() {
        cs.write_string_with_format(i as u32, 0, *k, &f.head)?;
        cs.write_string_with_format(i as u32, 1, *v, &f.text)?;
    }
    wb.save_to_buffer()
}

/// The GB18030 CSV: Chinese headers, a title line, text dates, a few of the same employees.
fn gbk_csv() -> Result<Vec<u8>, String> {
    let rows: Vec<[String; 11]> = vec![
        [
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
            "税前年薪",
        ]
        .map(str::to_string),
        [
            "Hans Müller".into(),
            "C01X00T47".into(),
            "德国".into(),
            "1964-05-01".into(),
            "（六）计点积分60分以上的专业人才".into(),
            "制造顾问".into(),
            "2016-10-10".into(),
            plus(50).format("%Y/%-m/%-d").to_string(),
            plus(50).format("%Y/%-m/%-d").to_string(),
            "10".into(),
            "72万".into(),
        ],
        [
            "Renée Dubois".into(),
            "18FV12345".into(),
            "法国".into(),
            "1984.11.03".into(),
            "B6".into(),
            "产品经理".into(),
            "2022/5/16".into(),
            format!(
                "{}年{}月{}日",
                plus(72).year(),
                plus(72).month(),
                plus(72).day()
            ),
            plus(72).format("%Y-%m-%d").to_string(),
            "3".into(),
            "￥520,000.00".into(),
        ],
        [
            "David Miller".into(),
            "056789123".into(),
            "美国".into(),
            "1987-05-03".into(),
            "（一）".into(),
            "测试工程师".into(),
            "2023-06-01".into(),
            plus(90).format("%Y%m%d").to_string(),
            plus(90).format("%Y%m%d").to_string(),
            "3".into(),
            "360,000".into(),
        ],
        [
            "Kenji Tanaka".into(),
            "TR1234567".into(),
            "日本".into(),
            "1983-12-08".into(),
            "待定".into(),
            "质量经理".into(),
            // Month only: read as the 1st, with a note.
            "2020年4月".into(),
            plus(120).format("%Y.%m.%d").to_string(),
            plus(120).format("%Y.%m.%d").to_string(),
            "6".into(),
            "540000".into(),
        ],
        [
            "Olga Ivanova".into(),
            "751234567".into(),
            "俄罗斯".into(),
            "1991-06-21".into(),
            "(一)".into(),
            "数据分析师".into(),
            "2022.07.01".into(),
            plus(-10).format("%Y-%m-%d").to_string(),
            plus(-10).format("%Y-%m-%d").to_string(),
            "4".into(),
            "32万".into(),
        ],
    ];
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(["外籍员工名册（深圳市前海星河科技有限公司）"])
        .map_err(|e| e.to_string())?;
    for r in &rows {
        w.write_record(r).map_err(|e| e.to_string())?;
    }
    let text =
        String::from_utf8(w.into_inner().map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    // Chinese Excel writes GBK (code page 936); every character here exists in GBK.
    let (bytes, _, had_errors) = encoding_rs::GBK.encode(&text);
    if had_errors {
        return Err("a character of the CSV sample is not in GBK".into());
    }
    Ok(bytes.into_owned())
}

/// The same company as the workbook's 公司信息 sheet, for `--company` (used with the CSV).
const COMPANY_TOML: &str = "\
# Company details for the CSV sample: permitpack check samples/roster_gbk.csv --company samples/company.toml
name_zh = \"深圳市前海星河科技有限公司\"
name_en = \"Shenzhen Qianhai Xinghe Technology Co., Ltd.\"
uscc = \"91440300MA5FXT4L8P\"
address = \"深圳市南山区粤海街道科技南十二路18号星河大厦12楼\"
contact_person = \"王丽（人事部）\"
contact_phone = \"0755-8666 1234\"
legal_representative = \"陈建国\"
";

/// What is wrong with a sample photo, on purpose.
#[derive(Clone, Copy, PartialEq)]
enum Flaw {
    None,
    /// A grey studio backdrop instead of blue.
    Grey,
    /// 240 x 329 px: below 413 x 567 (300 dpi at 35 x 48 mm).
    Small,
    /// A mottled cloth backdrop lit from the left, with the person's shadow on it.
    Shadowed,
}

/// One employee's photo: `samples/photos/<passport>.jpg`.
struct Look {
    passport: &'static str,
    backdrop: [u8; 3],
    skin: [u8; 3],
    hair: [u8; 3],
    seed: u64,
    flaw: Flaw,
}

/// The three studio blues seen in practice (DOMAIN.md).
const BLUE: [u8; 3] = [67, 142, 219];
const MID_BLUE: [u8; 3] = [98, 139, 206];
const LIGHT_BLUE: [u8; 3] = [100, 197, 255];

const fn look(
    passport: &'static str,
    backdrop: [u8; 3],
    skin: [u8; 3],
    hair: [u8; 3],
    seed: u64,
    flaw: Flaw,
) -> Look {
    Look {
        passport,
        backdrop,
        skin,
        hair,
        seed,
        flaw,
    }
}

/// Every sample employee but Priya Sharma (Z1234567), who has no photo yet. Carlos Eduardo
/// Santos shares Michał's passport number (the duplicate), and so his photo file too.
const LOOKS: [Look; 14] = [
    look(
        "EK1234567",
        BLUE,
        [226, 186, 160],
        [150, 110, 70],
        11,
        Flaw::None,
    ),
    look(
        "U12345678",
        MID_BLUE,
        [206, 160, 126],
        [28, 22, 20],
        12,
        Flaw::None,
    ),
    look(
        "18FV12345",
        LIGHT_BLUE,
        [232, 196, 172],
        [120, 62, 34],
        13,
        Flaw::None,
    ),
    look(
        "PAA123456",
        [168, 168, 166],
        [214, 170, 136],
        [40, 32, 28],
        14,
        Flaw::Grey,
    ),
    look(
        "056789123",
        BLUE,
        [230, 192, 166],
        [196, 160, 104],
        15,
        Flaw::None,
    ),
    look(
        "123456789",
        BLUE,
        [236, 200, 178],
        [170, 120, 60],
        16,
        Flaw::Small,
    ),
    look(
        "PX1234567",
        MID_BLUE,
        [238, 204, 184],
        [176, 80, 40],
        17,
        Flaw::None,
    ),
    look(
        "C01X00T47",
        BLUE,
        [224, 184, 158],
        [170, 166, 160],
        18,
        Flaw::Shadowed,
    ),
    look(
        "TR1234567",
        LIGHT_BLUE,
        [222, 184, 150],
        [20, 18, 18],
        19,
        Flaw::None,
    ),
    look(
        "751234567",
        MID_BLUE,
        [236, 206, 186],
        [200, 170, 120],
        20,
        Flaw::None,
    ),
    look(
        "C1234567",
        BLUE,
        [200, 156, 118],
        [18, 16, 16],
        21,
        Flaw::None,
    ),
    look(
        "M12345678",
        LIGHT_BLUE,
        [226, 190, 160],
        [22, 20, 20],
        22,
        Flaw::None,
    ),
    look(
        "AB123456",
        MID_BLUE,
        [232, 194, 170],
        [90, 60, 40],
        23,
        Flaw::None,
    ),
    look(
        "A12345678",
        BLUE,
        [176, 126, 92],
        [24, 20, 18],
        24,
        Flaw::None,
    ),
];

/// The JPEG of a sample photo: 480 x 658 px (35:48) at about 45 KB, as a studio delivers it.
fn photo(l: &Look) -> Vec<u8> {
    let (w, h) = if l.flaw == Flaw::Small {
        (240, 329)
    } else {
        (480, 658)
    };
    let scene = synth::Scene {
        skin: l.skin,
        hair: l.hair,
        seed: l.seed,
        mottled: l.flaw == Flaw::Shadowed,
        shadow: l.flaw == Flaw::Shadowed,
        ..synth::Scene::on(l.backdrop)
    };
    let target = if l.flaw == Flaw::Small {
        14_000
    } else {
        45_000
    };
    scans::jpeg_near(&synth::portrait(w, h, &scene), target, 300)
}

/// How one scan file is made.
#[derive(Clone, Copy)]
enum Scan {
    /// A JPEG scan page of about 24 KB.
    Jpg(Page),
    /// A one-page PDF with this title.
    Pdf(&'static str),
}

use Scan::{Jpg, Pdf};

/// One employee's scan folder: `samples/docs/<passport>/`.
struct Folder {
    passport: &'static str,
    /// The name as printed in the PDFs (ASCII, as in the passport's machine-readable zone).
    name: &'static str,
    files: &'static [(&'static str, Scan)],
}

const PASSPORT_PDF: &str = "Passport data page (copy)";
const RP_PDF: &str = "Residence Permit page (copy)";
const WP_PDF: &str = "Foreigner's Work Permit (copy)";
const CONTRACT_PDF: &str = "Labour Contract";
const RECEIPT_PDF: &str = "Digital photo verification receipt";
const TAX_PDF: &str = "Individual Income Tax Certificate 2025";
const WP_FORM_PDF: &str = "Application for Extension of Work Permit";

/// The employees' scan folders. Employees not listed have no folder yet
/// (`document.no_folder`). See samples/README.md for what each one shows.
const FOLDERS: [Folder; 9] = [
    // Complete (六) set, Chinese names.
    Folder {
        passport: "EK1234567",
        name: "WISNIEWSKI MICHAL",
        files: &[
            ("护照首页.jpg", Jpg(Page::Passport)),
            ("居留许可.jpg", Jpg(Page::ResidencePermit)),
            ("工作许可证.jpg", Jpg(Page::WorkPermit)),
            ("劳动合同.pdf", Pdf(CONTRACT_PDF)),
            ("相片回执.jpg", Jpg(Page::PhotoReceipt)),
            ("完税证明2025.pdf", Pdf(TAX_PDF)),
            ("工作许可延期申请表.pdf", Pdf(WP_FORM_PDF)),
        ],
    },
    // (六) with English names and no tax certificate.
    Folder {
        passport: "U12345678",
        name: "YILMAZ AYSE",
        files: &[
            ("Passport.jpg", Jpg(Page::Passport)),
            ("Residence Permit page.jpg", Jpg(Page::ResidencePermit)),
            ("Work Permit.jpg", Jpg(Page::WorkPermit)),
            ("Labour Contract.pdf", Pdf(CONTRACT_PDF)),
            ("photo_receipt.jpg", Jpg(Page::PhotoReceipt)),
            ("WP extension form.pdf", Pdf(WP_FORM_PDF)),
        ],
    },
    // Mixed names, the passport twice, and a phone snapshot nobody renamed.
    Folder {
        passport: "18FV12345",
        name: "DUBOIS RENEE",
        files: &[
            ("护照首页.jpg", Jpg(Page::Passport)),
            ("Passport.pdf", Pdf(PASSPORT_PDF)),
            ("居留许可 Residence Permit.jpg", Jpg(Page::ResidencePermit)),
            ("劳动合同 Labour Contract.pdf", Pdf(CONTRACT_PDF)),
            ("相片回执.jpg", Jpg(Page::PhotoReceipt)),
            ("完税证明2025.pdf", Pdf(TAX_PDF)),
            ("工作许可延期申请表.pdf", Pdf(WP_FORM_PDF)),
            ("IMG_0001.jpg", Jpg(Page::Snapshot)),
            ("WP card front.jpg", Jpg(Page::WorkPermit)),
            ("WP card back.jpg", Jpg(Page::WorkPermit)),
        ],
    },
    // Complete; the photo is the problem.
    Folder {
        passport: "PAA123456",
        name: "MUNOZ GARCIA JOSE LUIS",
        files: &[
            ("护照.pdf", Pdf(PASSPORT_PDF)),
            ("居留许可.jpg", Jpg(Page::ResidencePermit)),
            ("工作许可证.jpg", Jpg(Page::WorkPermit)),
            ("劳动合同.pdf", Pdf(CONTRACT_PDF)),
            ("照片回执.jpg", Jpg(Page::PhotoReceipt)),
            ("个人所得税完税证明.pdf", Pdf(TAX_PDF)),
            ("工作许可延期申请表.pdf", Pdf(WP_FORM_PDF)),
        ],
    },
    // Complete (一) set, English names with ids.
    Folder {
        passport: "056789123",
        name: "MILLER DAVID",
        files: &[
            ("passport_056789123.jpg", Jpg(Page::Passport)),
            ("Residence_Permit.jpg", Jpg(Page::ResidencePermit)),
            ("photo_receipt.jpg", Jpg(Page::PhotoReceipt)),
            ("Labour Contract.pdf", Pdf(CONTRACT_PDF)),
            ("work_permit_extension_form.pdf", Pdf(WP_FORM_PDF)),
            ("Work_Permit.jpg", Jpg(Page::WorkPermit)),
        ],
    },
    // Complete (一) set, scanned to PDF; the photo is too small.
    Folder {
        passport: "123456789",
        name: "JOHNSON EMMA",
        files: &[
            ("Passport.pdf", Pdf(PASSPORT_PDF)),
            ("Residence Permit.pdf", Pdf(RP_PDF)),
            ("相片回执.jpg", Jpg(Page::PhotoReceipt)),
            ("Labour Contract.pdf", Pdf(CONTRACT_PDF)),
            ("工作许可延期申请表.pdf", Pdf(WP_FORM_PDF)),
            ("Work Permit.pdf", Pdf(WP_PDF)),
        ],
    },
    // Complete (六) set, mostly PDFs.
    Folder {
        passport: "C01X00T47",
        name: "MUELLER HANS",
        files: &[
            ("护照首页.pdf", Pdf(PASSPORT_PDF)),
            ("居留许可.pdf", Pdf(RP_PDF)),
            ("工作许可证.pdf", Pdf(WP_PDF)),
            ("劳动合同.pdf", Pdf(CONTRACT_PDF)),
            ("相片回执.jpg", Jpg(Page::PhotoReceipt)),
            ("完税证明2025.pdf", Pdf(TAX_PDF)),
            ("工作许可延期申请表.pdf", Pdf(WP_FORM_PDF)),
        ],
    },
    // Complete (六) set in English PDFs: the documents are fine, the deadline has passed.
    Folder {
        passport: "Z1234567",
        name: "SHARMA PRIYA",
        files: &[
            ("Passport.pdf", Pdf(PASSPORT_PDF)),
            ("Residence Permit.pdf", Pdf(RP_PDF)),
            ("Work Permit.pdf", Pdf(WP_PDF)),
            ("Labour Contract.pdf", Pdf(CONTRACT_PDF)),
            ("Photo receipt.pdf", Pdf(RECEIPT_PDF)),
            ("Tax certificate 2025.pdf", Pdf(TAX_PDF)),
            ("WP extension form.pdf", Pdf(WP_FORM_PDF)),
        ],
    },
    // Complete (一) set, every name prefixed with the passport number.
    Folder {
        passport: "C1234567",
        name: "NGUYEN VAN AN",
        files: &[
            ("C1234567 passport.pdf", Pdf(PASSPORT_PDF)),
            ("C1234567 RP page.pdf", Pdf(RP_PDF)),
            ("C1234567 photo receipt.pdf", Pdf(RECEIPT_PDF)),
            ("C1234567 contract.pdf", Pdf(CONTRACT_PDF)),
            ("C1234567 WP extension.pdf", Pdf(WP_FORM_PDF)),
            ("C1234567 WP card.pdf", Pdf(WP_PDF)),
        ],
    },
];

/// The shared company documents: tax certificate and bank statements, no business contracts.
const COMPANY_FILES: [(&str, &str); 2] = [
    (
        "公司纳税证明.pdf",
        "Tax Payment Certificate (company), 2026-08 to 2026-10",
    ),
    (
        "银行对账单.pdf",
        "Bank statement, company account, 2026-08 to 2026-10",
    ),
];

const COMPANY_EN: &str = "Shenzhen Qianhai Xinghe Technology Co., Ltd.";
const COMPANY_USCC: &str = "91440300MA5FXT4L8P";

/// The body of a sample PDF.
fn pdf_lines(name: &str, passport: &str) -> Vec<String> {
    let mut lines = Vec::new();
    if !name.is_empty() {
        lines.push(format!("Name: {name}"));
        lines.push(format!("Passport No.: {passport}"));
    }
    lines.push(format!("Employer: {COMPANY_EN}"));
    lines.push(format!("Unified social credit code: {COMPANY_USCC}"));
    lines.push(String::new());
    lines.push("Sample document written by permitpack's examples/make_samples.rs.".into());
    lines.push("It stands in for the scan HR would put in this folder.".into());
    lines
}

/// A stable seed from a file's folder and name.
fn seed_of(folder: &str, name: &str) -> u64 {
    folder
        .bytes()
        .chain([b'/'])
        .chain(name.bytes())
        .fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
}

fn scan_bytes(folder: &str, file: &str, scan: Scan, name: &str) -> Vec<u8> {
    match scan {
        Pdf(title) => scans::pdf(title, &pdf_lines(name, folder)),
        Jpg(kind) => {
            let (w, h) = match kind {
                Page::Passport | Page::ResidencePermit => (700, 490),
                Page::WorkPermit => (640, 420),
                Page::PhotoReceipt => (560, 420),
                Page::Snapshot => (640, 480),
            };
            let img = scans::page(kind, w, h, seed_of(folder, file));
            scans::jpeg_near(&img, 24_000, 150)
        }
    }
}

/// Empties and recreates a samples sub-folder, so a rerun leaves no stale file behind.
fn fresh_dir(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// Writes `photos/` and `docs/`; returns (files, bytes).
fn photos_and_docs(dir: &Path) -> Result<(usize, usize), String> {
    let (mut files, mut bytes) = (0, 0);
    let photos = dir.join("photos");
    fresh_dir(&photos)?;
    for l in &LOOKS {
        let jpg = photo(l);
        write_file(&photos.join(format!("{}.jpg", l.passport)), &jpg)?;
        files += 1;
        bytes += jpg.len();
    }
    let docs = dir.join("docs");
    fresh_dir(&docs)?;
    for f in &FOLDERS {
        let folder = docs.join(f.passport);
        std::fs::create_dir_all(&folder).map_err(|e| e.to_string())?;
        for (file, scan) in f.files {
            let b = scan_bytes(f.passport, file, *scan, f.name);
            write_file(&folder.join(file), &b)?;
            files += 1;
            bytes += b.len();
        }
    }
    let company = docs.join("_company");
    std::fs::create_dir_all(&company).map_err(|e| e.to_string())?;
    for (file, title) in COMPANY_FILES {
        let b = scans::pdf(title, &pdf_lines("", ""));
        write_file(&company.join(file), &b)?;
        files += 1;
        bytes += b.len();
    }
    Ok((files, bytes))
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let result = (|| -> Result<(usize, usize), String> {
        // The sample company's USCC must pass its own check.
        if permitpack::roster::uscc_problem("91440300MA5FXT4L8P").is_some() {
            return Err("sample USCC fails its check character".into());
        }
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let xlsx = workbook().map_err(|e| e.to_string())?;
        std::fs::write(dir.join("roster.xlsx"), xlsx).map_err(|e| e.to_string())?;
        std::fs::write(dir.join("roster_gbk.csv"), gbk_csv()?).map_err(|e| e.to_string())?;
        std::fs::write(dir.join("company.toml"), COMPANY_TOML).map_err(|e| e.to_string())?;
        photos_and_docs(&dir)
    })();
    match result {
        Ok((files, bytes)) => println!(
            "wrote roster.xlsx, roster_gbk.csv, company.toml and {files} photos and scans \
             ({} KB) in {}",
            bytes / 1024,
            dir.display()
        ),
        Err(e) => {
            eprintln!("make_samples: {e}");
            std::process::exit(1);
        }
    }
}
