//! A test company for end-to-end runs of the real binary: a roster workbook written with
//! rust_xlsxwriter (employees sheet plus a company sheet), photos copied from
//! `tests/fixtures/photos/`, and a docs folder with real JPEG and PDF scans under Chinese and
//! English file names. Dates are relative to the as-of date [`AS_OF`] (2026-11-26).
//! Include with `mod e2e_company;`.
#![allow(dead_code)]

use chrono::{Duration, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use std::path::Path;

/// The as-of date every run uses.
pub const AS_OF: &str = "2026-11-26";

pub fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

/// `AS_OF + days`.
pub fn day(days: i64) -> NaiveDate {
    as_of() + Duration::days(days)
}

/// The company sheet's values.
pub const COMPANY_ZH: &str = "深圳市端到端测试科技有限公司";
pub const COMPANY_EN: &str = "Shenzhen End-to-End Test Technology Co., Ltd.";
/// A valid unified social credit code (GB 32100-2015 check digit).
pub const USCC: &str = "91440300MA5FXT4L8P";

/// One employee row.
#[derive(Debug, Clone)]
pub struct Person {
    pub name: &'static str,
    pub passport: &'static str,
    pub nationality: &'static str,
    pub birth: NaiveDate,
    pub category: &'static str,
    pub position: &'static str,
    pub start: NaiveDate,
    pub passport_expiry: NaiveDate,
    pub wp_expiry: NaiveDate,
    pub rp_expiry: NaiveDate,
    pub years_in_china: f64,
    pub salary: f64,
    /// Photo fixture copied to `photos/<passport>.jpg`, if any.
    pub photo: Option<&'static str>,
    /// Scans written to `docs/<passport>/`: (file name, kind of content).
    pub scans: Vec<(&'static str, Scan)>,
}

/// What a scan file holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scan {
    Jpeg,
    Pdf,
    /// A few bytes of something else (a Word file HR dropped in by mistake).
    Other,
}

impl Person {
    /// A category (六) employee, window open (60 days left), 5.5 years in China, 480,000
    /// a year, the blue photo, no scans.
    pub fn new(name: &'static str, passport: &'static str) -> Person {
        Person {
            name,
            passport,
            nationality: "Poland",
            birth: NaiveDate::from_ymd_opt(1985, 2, 3).unwrap(),
            category: "（六）",
            position: "Senior Engineer 高级工程师",
            start: NaiveDate::from_ymd_opt(2021, 3, 1).unwrap(),
            passport_expiry: NaiveDate::from_ymd_opt(2034, 6, 1).unwrap(),
            wp_expiry: day(60),
            rp_expiry: day(60),
            years_in_china: 5.5,
            salary: 480000.0,
            photo: Some("blue.jpg"),
            scans: Vec::new(),
        }
    }

    pub fn expiring_in(mut self, days: i64) -> Person {
        self.wp_expiry = day(days);
        self.rp_expiry = day(days);
        self
    }

    pub fn category(mut self, c: &'static str) -> Person {
        self.category = c;
        self
    }

    pub fn years(mut self, y: f64) -> Person {
        self.years_in_china = y;
        self
    }

    pub fn scans(mut self, scans: &[(&'static str, Scan)]) -> Person {
        self.scans = scans.to_vec();
        self
    }
}

/// Every upload and original of a category (六) employee, named as HR would: Chinese,
/// English and mixed names. With these the employee has no missing item.
pub const FULL_B6: &[(&str, Scan)] = &[
    ("外国人来华工作许可延期申请表.pdf", Scan::Pdf),
    ("劳动合同 signed.pdf", Scan::Pdf),
    ("Passport bio page.jpg", Scan::Jpeg),
    ("居留许可页.jpg", Scan::Jpeg),
    ("Work Permit card.JPG", Scan::Jpeg),
    ("相片回执.jpg", Scan::Jpeg),
    ("个人所得税完税证明 2025-2026.pdf", Scan::Pdf),
];

/// The same for category (一) (no tax certificate).
pub const FULL_B1: &[(&str, Scan)] = &[
    ("wp_extension_form.pdf", Scan::Pdf),
    ("Employment Contract.pdf", Scan::Pdf),
    ("护照.jpg", Scan::Jpeg),
    ("RP page.jpg", Scan::Jpeg),
    ("工作许可证.jpg", Scan::Jpeg),
    ("photo receipt.jpg", Scan::Jpeg),
];

/// Company scans in `docs/_company/` (no business contracts: a warning for everyone).
pub const COMPANY_SCANS: &[(&str, Scan)] = &[
    ("公司近3个月纳税证明.pdf", Scan::Pdf),
    ("Bank Statement 2026-Q3.pdf", Scan::Pdf),
];

/// The photo fixture folder.
pub fn fixture_photo(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/photos")
        .join(name)
}

/// Writes `dir/roster.xlsx`, `dir/photos/` and `dir/docs/` for `people`.
pub fn write(dir: &Path, people: &[Person]) {
    std::fs::create_dir_all(dir).unwrap();
    roster(people)
        .save(dir.join("roster.xlsx"))
        .expect("roster written");
    let photos = dir.join("photos");
    let docs = dir.join("docs");
    std::fs::create_dir_all(&photos).unwrap();
    std::fs::create_dir_all(docs.join("_company")).unwrap();
    for (name, kind) in COMPANY_SCANS {
        std::fs::write(docs.join("_company").join(name), scan_bytes(name, *kind)).unwrap();
    }
    for p in people {
        if let Some(photo) = p.photo {
            std::fs::copy(
                fixture_photo(photo),
                photos.join(format!("{}.jpg", p.passport)),
            )
            .unwrap();
        }
        if !p.scans.is_empty() {
            let d = docs.join(p.passport);
            std::fs::create_dir_all(&d).unwrap();
            for (name, kind) in &p.scans {
                std::fs::write(d.join(name), scan_bytes(name, *kind)).unwrap();
            }
        }
    }
}

const HEADER: [&str; 14] = [
    "姓名 Name",
    "护照号码 Passport No.",
    "国籍 Nationality",
    "出生日期 Date of birth",
    "人才类别 Talent category",
    "职位 Position",
    "入职日期 Start date",
    "护照有效期至 Passport expiry",
    "工作许可到期日 Work permit expiry",
    "居留许可到期日 Residence permit expiry",
    "在华工作年限 Years worked in China",
    "年薪（元）Annual salary",
    "税前税后 Pre or after tax",
    "工作许可证号 Work permit No.",
];

fn excel_date(d: NaiveDate) -> ExcelDateTime {
    use chrono::Datelike;
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8).unwrap()
}

/// The workbook: sheet `员工` (header on row 1, employees from row 2 in `people` order) and
/// sheet `公司信息`.
pub fn roster(people: &[Person]) -> Workbook {
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let ws = wb.add_worksheet();
    ws.set_name("员工").unwrap();
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (i, p) in people.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 0, p.name).unwrap();
        ws.write_string(r, 1, p.passport).unwrap();
        ws.write_string(r, 2, p.nationality).unwrap();
        ws.write_datetime_with_format(r, 3, excel_date(p.birth), &date)
            .unwrap();
        ws.write_string(r, 4, p.category).unwrap();
        ws.write_string(r, 5, p.position).unwrap();
        ws.write_datetime_with_format(r, 6, excel_date(p.start), &date)
            .unwrap();
        ws.write_datetime_with_format(r, 7, excel_date(p.passport_expiry), &date)
            .unwrap();
        ws.write_datetime_with_format(r, 8, excel_date(p.wp_expiry), &date)
            .unwrap();
        ws.write_datetime_with_format(r, 9, excel_date(p.rp_expiry), &date)
            .unwrap();
        ws.write_number(r, 10, p.years_in_china).unwrap();
        ws.write_number(r, 11, p.salary).unwrap();
        ws.write_string(r, 12, "税前").unwrap();
        ws.write_string(r, 13, format!("11044000{:08}", 20000123 + i))
            .unwrap();
    }
    let cs = wb.add_worksheet();
    cs.set_name("公司信息").unwrap();
    let rows = [
        ("公司名称", COMPANY_ZH),
        ("Company name (English)", COMPANY_EN),
        ("统一社会信用代码", USCC),
        ("地址 Address", "深圳市福田区福华三路88号时代财富大厦20楼"),
        ("联系人 Contact person", "李明（人事部）"),
        ("联系电话 Contact phone", "0755-2345 6789"),
        ("法定代表人", "张伟"),
    ];
    for (i, (k, v)) in rows.iter().enumerate() {
        cs.write_string(i as u32, 0, *k).unwrap();
        cs.write_string(i as u32, 1, *v).unwrap();
    }
    wb
}

/// Real content for a scan: a JPEG page or a valid one-page PDF naming the file.
pub fn scan_bytes(name: &str, kind: Scan) -> Vec<u8> {
    match kind {
        Scan::Jpeg => scan_jpeg(name),
        Scan::Pdf => scan_pdf(name),
        Scan::Other => b"PK\x03\x04 not really a docx".to_vec(),
    }
}

/// A small grey-on-white "scanned page" JPEG; the name varies the pattern so two scans
/// differ.
fn scan_jpeg(name: &str) -> Vec<u8> {
    let seed = name
        .bytes()
        .fold(7u32, |a, b| a.wrapping_mul(31).wrapping_add(b as u32));
    let img = image::RgbImage::from_fn(300, 420, |x, y| {
        let line = (y / 12) % 3 == 0 && x > 30 && x < 270 - (seed % 60);
        if line {
            image::Rgb([90, 90, 90])
        } else {
            image::Rgb([250, 250, 246])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

/// A minimal valid one-page PDF with the file's ASCII letters as its text.
pub fn scan_pdf(name: &str) -> Vec<u8> {
    let text: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == ' ')
        .collect();
    let stream = format!("BT /F1 18 Tf 72 720 Td (Scan {text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_string(),
        format!(
            "<< /Length {} >>\nstream\n{stream}\nendstream",
            stream.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        pdf.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

/// The standard company, rows 2-8 of sheet `员工`:
/// 2 Anna Nowak E12345678, (六), 60 days, every scan: ready, term 2, fee 800.
/// 3 Jane Doe G12345678, (六), 45 days, 1.5 years, the `tests/fixtures/docs.rs` files
///   (folder named in lower case): two uploads missing, `random.docx` unmatched; term 1.
/// 4 Kenji Tanaka TR1234567, (一), 120 days: not yet.
/// 5 Priya Sharma Z1234567, (六), 20 days: too late.
/// 6 Olga Ivanova 751234567, (一), expired 10 days ago.
/// 7 Liam O'Brien PX1234567, (二): no list of its own, the common one (every (一) scan).
/// 8 Sophie Martin AB1234567, (一), every scan, passport expiring in 8 months: term under a
///   year, fee 400.
pub fn standard() -> Vec<Person> {
    let mut sophie = Person::new("Sophie Martin", "AB1234567")
        .category("（一）")
        .expiring_in(50)
        .years(2.0)
        .scans(FULL_B1);
    sophie.nationality = "France";
    sophie.passport_expiry = day(50 + 240);
    vec![
        Person::new("Anna Nowak", "E12345678").scans(FULL_B6),
        {
            let mut p = Person::new("Jane Doe", "G12345678")
                .expiring_in(45)
                .years(1.5);
            p.nationality = "United Kingdom";
            p
        },
        Person::new("Kenji Tanaka", "TR1234567")
            .category("（一）")
            .expiring_in(120)
            .scans(FULL_B1),
        Person::new("Priya Sharma", "Z1234567")
            .expiring_in(20)
            .scans(FULL_B6),
        Person::new("Olga Ivanova", "751234567")
            .category("（一）")
            .expiring_in(-10)
            .scans(FULL_B1),
        Person::new("Liam O'Brien", "PX1234567")
            .category("（二）")
            .scans(FULL_B1),
        sophie,
    ]
}
