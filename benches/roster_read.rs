//! Benchmark of the roster stage: reading a 5,000-employee xlsx roster (text dates, number
//! dates, money forms, zero-padded passports) and the same roster as a GB18030 CSV.
//! Run with `cargo bench --bench roster_read`. Prints the mean time per read; it asserts
//! nothing about speed (timing is never a test).

use permitpack::assets::Templates;
use permitpack::roster::{self, ColumnAliases};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use std::hint::black_box;
use std::time::Instant;

const EMPLOYEES: u32 = 5_000;

fn roster_xlsx() -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let padded = Format::new().set_num_format("000000000");
    ws.write_string(0, 0, "外籍员工名册 Foreign employees")
        .unwrap_or_else(|e| panic!("{e}"));
    let header = [
        "姓名\nName",
        "护照号码 Passport No.",
        "国籍 Nationality",
        "出生日期 Date of birth",
        "人才类别 Talent category",
        "职位 Position",
        "工作许可到期日 Work permit expiry",
        "居留许可到期日 Residence permit expiry",
        "年薪 Annual salary",
        "在华工作年限 Years worked in China",
    ];
    for (c, h) in header.iter().enumerate() {
        ws.write_string(1, c as u16, *h)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    for i in 0..EMPLOYEES {
        let r = i + 2;
        let ok = |x: Result<&mut rust_xlsxwriter::Worksheet, rust_xlsxwriter::XlsxError>| {
            if let Err(e) = x {
                panic!("{e}")
            }
        };
        ok(ws.write_string(r, 0, format!("Employee Number {i}")));
        if i % 3 == 0 {
            ok(ws.write_number_with_format(r, 1, f64::from(10_000_000 + i), &padded));
        } else {
            ok(ws.write_string(r, 1, format!("E{:08}", i)));
        }
        ok(ws.write_string(r, 2, "Poland"));
        let dob = ExcelDateTime::from_ymd(
            1980 + (i % 20) as u16,
            1 + (i % 12) as u8,
            1 + (i % 28) as u8,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        ok(ws.write_datetime_with_format(r, 3, dob, &date));
        ok(ws.write_string(r, 4, ["（六）", "(一)", "B6", "6"][(i % 4) as usize]));
        ok(ws.write_string(r, 5, "Engineer 工程师"));
        ok(ws.write_string(r, 6, format!("2027/{}/{}", 1 + i % 12, 1 + i % 28)));
        ok(ws.write_string(r, 7, format!("2027年{}月{}日", 1 + i % 12, 1 + i % 28)));
        ok(ws.write_string(
            r,
            8,
            ["480,000", "￥520,000.00", "48万", "360000"][(i % 4) as usize],
        ));
        ok(ws.write_number(r, 9, f64::from(i % 10)));
    }
    wb.save_to_buffer().unwrap_or_else(|e| panic!("{e}"))
}

fn roster_csv() -> Vec<u8> {
    let mut s = String::from(
        "姓名,护照号码,国籍,出生日期,人才类别,职位,工作许可到期日,居留许可到期日,年薪\r\n",
    );
    for i in 0..EMPLOYEES {
        s.push_str(&format!(
            "Employee {i},E{i:08},波兰,1985-03-{:02},（六）,工程师,2027/{}/{},2027.{:02}.{:02},\"480,000\"\r\n",
            1 + i % 28,
            1 + i % 12,
            1 + i % 28,
            1 + i % 12,
            1 + i % 28
        ));
    }
    let (bytes, _, _) = encoding_rs::GBK.encode(&s);
    bytes.into_owned()
}

fn bench(name: &str, bytes: &[u8], file: &str, aliases: &ColumnAliases) {
    let runs = 5;
    let start = Instant::now();
    for _ in 0..runs {
        let r = roster::read(black_box(bytes), file, aliases).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.rows.len(), EMPLOYEES as usize);
        black_box(r);
    }
    let per = start.elapsed() / runs;
    println!(
        "{name}: {} bytes, {EMPLOYEES} employees, {:.1} ms per read ({:.1} µs per employee)",
        bytes.len(),
        per.as_secs_f64() * 1e3,
        per.as_secs_f64() * 1e6 / f64::from(EMPLOYEES)
    );
}

fn main() {
    let aliases = ColumnAliases::load(&Templates::builtin()).unwrap_or_else(|e| panic!("{e}"));
    bench("xlsx", &roster_xlsx(), "roster.xlsx", &aliases);
    bench("csv (GB18030)", &roster_csv(), "roster.csv", &aliases);
}
