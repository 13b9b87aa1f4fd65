//! Makes a synthetic company for benchmarks: `cargo run --release --example synth_company --
//! N DIR [--as-of YYYY-MM-DD]` writes DIR/roster.xlsx (N employees with a Company sheet),
//! DIR/photos/<passport>.jpg (12-megapixel 4:2:0 JPEG portraits, 2960 x 4064 = 35:48 as the default
//! photo profile asks, on studio-blue backdrops, with a face the detector finds) and
//! DIR/docs/<passport>/ (scans as JPEG and PDF) plus DIR/docs/_company/.
//!
//! `--phone-shots` makes the scans the way HR really has them instead (see `phone.rs`):
//! phone photos of the documents, 4032 x 3024 JPEGs at quality 92 of 3-6 MB each, the A4
//! sheets (residence permit page, photo receipt) stored landscape with an EXIF orientation 6
//! tag, the work permit card as two files (`work_permit_front.jpg`, `work_permit_back.jpg`),
//! and the labour contract as a 3-page PDF of scanned page images (1.5-3 MB). The forms
//! (`wp_extension_form.pdf`, `tax_certificate.pdf`) and the company scans stay small PDFs.
//! Without the option the output is what it always was, byte for byte.
//!
//! Distinct images are rendered once (a small pool) and hard-linked per employee (copied
//! where links are not possible), so a 5,000-employee company costs little disk; permitpack
//! still opens and decodes every file. The portraits come from the photo fixtures' generator
//! (`examples/make_photo_fixtures/synth.rs`), so the benchmark judges the same kind of
//! picture the photo tests are calibrated on.

#[path = "make_photo_fixtures/synth.rs"]
mod synth;

#[path = "synth_company/phone.rs"]
mod phone;

use chrono::{Duration, NaiveDate};
use image::{Rgb, RgbImage};
use rust_xlsxwriter::{Workbook, XlsxError};
use std::path::{Path, PathBuf};

const POOL: usize = 8;

/// Distinct phone shots of each kind, and distinct contract PDFs (`--phone-shots`).
const PHONE_POOL: u32 = 3;

/// 12.03 megapixels at 35:48 (0.7284 against 0.7292), both sides multiples of 16.
const PHOTO_W: u32 = 2960;
const PHOTO_H: u32 = 4064;

/// The studio blues of DOMAIN.md.
const BLUES: [[u8; 3]; 3] = [[67, 142, 219], [98, 139, 206], [100, 197, 255]];

fn main() {
    if let Err(e) = run() {
        eprintln!("synth_company: {e}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: synth_company N DIR [--as-of YYYY-MM-DD] [--phone-shots]";
    let n: usize = args.first().and_then(|s| s.parse().ok()).ok_or(usage)?;
    let dir = PathBuf::from(args.get(1).ok_or(usage)?);
    let as_of = match args.iter().position(|a| a == "--as-of") {
        Some(i) => NaiveDate::parse_from_str(args.get(i + 1).ok_or(usage)?, "%Y-%m-%d")
            .map_err(|e| e.to_string())?,
        None => NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
    };
    let phone_shots = args.iter().any(|a| a == "--phone-shots");
    std::fs::create_dir_all(dir.join("photos")).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(dir.join("docs/_company")).map_err(|e| e.to_string())?;
    let pool = dir.join(".pool");
    std::fs::create_dir_all(&pool).map_err(|e| e.to_string())?;

    // Pool of distinct files.
    use rayon::prelude::*;
    (0..POOL).into_par_iter().try_for_each(|i| {
        let img = portrait(i);
        write_jpeg(&pool.join(format!("photo{i}.jpg")), &img, 92)
    })?;
    if phone_shots {
        let shots: Vec<(phone::Shot, u32)> = PHONE_KINDS
            .iter()
            .flat_map(|&k| (0..PHONE_POOL).map(move |s| (k, s)))
            .collect();
        shots.par_iter().try_for_each(|&(kind, s)| {
            std::fs::write(pool.join(shot_name(kind, s)), phone::shot(kind, s))
                .map_err(|e| e.to_string())
        })?;
        (0..PHONE_POOL).into_par_iter().try_for_each(|s| {
            std::fs::write(
                pool.join(format!("contract{s}.pdf")),
                phone::contract_pdf(s),
            )
            .map_err(|e| e.to_string())
        })?;
    } else {
        (0..POOL).into_par_iter().try_for_each(|i| {
            let img = scan_page(1240, 1754, i as u32);
            write_jpeg(&pool.join(format!("scan{i}.jpg")), &img, 75)
        })?;
    }
    // The default company keeps the small PDF it always had (its content stream's /Length
    // says 44 where the stream has 48 bytes: readers recover, `qpdf --check` warns); phone-shot
    // companies get it with the right length, so an upload passed through unchanged is valid.
    let form = if phone_shots {
        form_pdf()
    } else {
        minimal_pdf()
    };
    std::fs::write(pool.join("scan.pdf"), form).map_err(|e| e.to_string())?;

    let people = people(n, as_of);
    write_roster(&dir.join("roster.xlsx"), &people).map_err(|e| e.to_string())?;
    for (i, p) in people.iter().enumerate() {
        link(
            &pool.join(format!("photo{}.jpg", i % POOL)),
            &dir.join("photos").join(format!("{}.jpg", p.passport)),
        )?;
        let d = dir.join("docs").join(&p.passport);
        std::fs::create_dir_all(&d).map_err(|e| e.to_string())?;
        if phone_shots {
            let s = |k: u32| (i as u32 + k) % PHONE_POOL;
            for (k, (kind, name)) in [
                (phone::Shot::Passport, "passport.jpg"),
                (phone::Shot::PermitPage, "residence_permit.jpg"),
                (phone::Shot::CardFront, "work_permit_front.jpg"),
                (phone::Shot::CardBack, "work_permit_back.jpg"),
                (phone::Shot::Receipt, "photo_receipt.jpg"),
            ]
            .into_iter()
            .enumerate()
            {
                link(&pool.join(shot_name(kind, s(k as u32))), &d.join(name))?;
            }
            link(
                &pool.join(format!("contract{}.pdf", s(0))),
                &d.join("labour_contract.pdf"),
            )?;
        } else {
            for (k, item) in [
                "passport",
                "residence_permit",
                "work_permit",
                "labour_contract",
                "photo_receipt",
            ]
            .iter()
            .enumerate()
            {
                link(
                    &pool.join(format!("scan{}.jpg", (i + k) % POOL)),
                    &d.join(format!("{item}.jpg")),
                )?;
            }
        }
        link(&pool.join("scan.pdf"), &d.join("wp_extension_form.pdf"))?;
        if p.category == "（六）" {
            link(&pool.join("scan.pdf"), &d.join("tax_certificate.pdf"))?;
        }
    }
    for item in [
        "company_tax_certificate",
        "company_bank_statements",
        "business_contracts",
    ] {
        link(
            &pool.join("scan.pdf"),
            &dir.join("docs/_company").join(format!("{item}.pdf")),
        )?;
    }
    eprintln!("synth_company: {n} employees in {}", dir.display());
    Ok(())
}

/// The kinds of phone shot in the pool (`--phone-shots`).
const PHONE_KINDS: [phone::Shot; 5] = [
    phone::Shot::Passport,
    phone::Shot::PermitPage,
    phone::Shot::Receipt,
    phone::Shot::CardFront,
    phone::Shot::CardBack,
];

/// The pool file of one phone shot.
fn shot_name(kind: phone::Shot, seed: u32) -> String {
    let k = match kind {
        phone::Shot::Passport => "passport",
        phone::Shot::PermitPage => "permit_page",
        phone::Shot::Receipt => "receipt",
        phone::Shot::CardFront => "card_front",
        phone::Shot::CardBack => "card_back",
    };
    format!("shot_{k}{seed}.jpg")
}

struct Person {
    name: String,
    passport: String,
    nationality: &'static str,
    dob: NaiveDate,
    category: &'static str,
    position: &'static str,
    start: NaiveDate,
    wp_no: String,
    wp_expiry: NaiveDate,
    rp_expiry: NaiveDate,
    years: u32,
    salary: u32,
}

fn people(n: usize, as_of: NaiveDate) -> Vec<Person> {
    const FIRST: [&str; 10] = [
        "Anna", "James", "Maria", "Kenji", "Olga", "Pierre", "Sofia", "David", "Amira", "Lukas",
    ];
    const LAST: [&str; 10] = [
        "Smith", "Garcia", "Tanaka", "Novak", "Dubois", "Rossi", "Khan", "Müller", "Silva",
        "Kowalski",
    ];
    const NAT: [&str; 8] = [
        "USA",
        "Spain",
        "Japan",
        "Czech Republic",
        "France",
        "Italy",
        "Pakistan",
        "Germany",
    ];
    const POS: [&str; 5] = [
        "Software Engineer",
        "Product Manager",
        "Designer",
        "Sales Director",
        "Data Scientist",
    ];
    (0..n)
        .map(|i| {
            let k = i as i64;
            Person {
                name: format!("{} {}", LAST[i % 10].to_uppercase(), FIRST[(i / 10) % 10]),
                passport: format!("E{:08}", 10_000_000 + i),
                nationality: NAT[i % NAT.len()],
                dob: NaiveDate::from_ymd_opt(
                    1975 + (i % 25) as i32,
                    1 + (i % 12) as u32,
                    1 + (i % 28) as u32,
                )
                .unwrap(),
                category: if i % 3 == 0 { "（一）" } else { "（六）" },
                position: POS[i % POS.len()],
                start: NaiveDate::from_ymd_opt(2018 + (i % 6) as i32, 3, 1).unwrap(),
                wp_no: format!("{:018}", 440_300_000_000_000_000u64 + i as u64),
                // Mostly inside the 30..90 day window, a few outside it.
                wp_expiry: as_of + Duration::days(31 + (k * 7) % 70),
                rp_expiry: as_of + Duration::days(40 + (k * 7) % 70),
                years: 1 + (i % 6) as u32,
                salary: 300_000 + (i as u32 % 20) * 12_000,
            }
        })
        .collect()
}

fn xl(d: NaiveDate) -> Result<rust_xlsxwriter::ExcelDateTime, XlsxError> {
    use chrono::Datelike;
    rust_xlsxwriter::ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
}

fn write_roster(path: &Path, people: &[Person]) -> Result<(), XlsxError> {
    let mut wb = Workbook::new();
    let date_fmt = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    let ws = wb.add_worksheet().set_name("Employees")?;
    let headers = [
        "姓名 Name",
        "护照号码 Passport No.",
        "国籍 Nationality",
        "出生日期 Date of Birth",
        "人才类别 Talent Category",
        "职位 Position",
        "入职日期 Start Date",
        "工作许可证号 Work Permit No.",
        "工作许可到期日 Work Permit Expiry",
        "居留许可到期日 Residence Permit Expiry",
        "在华工作年限 Years Worked in China",
        "年薪 Annual Salary",
        "税前/税后 Pre- or after-tax",
        "手机号码 Mobile",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h)?;
    }
    for (r, p) in people.iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_string(r, 0, &p.name)?;
        ws.write_string(r, 1, &p.passport)?;
        ws.write_string(r, 2, p.nationality)?;
        ws.write_datetime_with_format(r, 3, &xl(p.dob)?, &date_fmt)?;
        ws.write_string(r, 4, p.category)?;
        ws.write_string(r, 5, p.position)?;
        ws.write_datetime_with_format(r, 6, &xl(p.start)?, &date_fmt)?;
        ws.write_string(r, 7, &p.wp_no)?;
        ws.write_datetime_with_format(r, 8, &xl(p.wp_expiry)?, &date_fmt)?;
        ws.write_datetime_with_format(r, 9, &xl(p.rp_expiry)?, &date_fmt)?;
        ws.write_number(r, 10, p.years as f64)?;
        ws.write_number(r, 11, p.salary as f64)?;
        ws.write_string(r, 12, if r % 4 == 0 { "税后" } else { "税前" })?;
        ws.write_string(r, 13, format!("138{:08}", r))?;
    }
    let cs = wb.add_worksheet().set_name("Company")?;
    let company = [
        (
            "Company name (Chinese) 公司中文名称",
            "深圳前海示例科技有限公司",
        ),
        (
            "Company name (English) 公司英文名称",
            "Shenzhen Qianhai Example Technology Co., Ltd.",
        ),
        (
            "Unified social credit code 统一社会信用代码",
            "91440300MA5FR2K7QL",
        ),
        ("Address 地址", "深圳市南山区粤海街道科技园路1号"),
        ("Contact person 联系人", "王芳"),
        ("Contact phone 联系电话", "0755-86001234"),
        ("Legal representative 法定代表人", "李明"),
    ];
    for (r, (k, v)) in company.iter().enumerate() {
        cs.write_string(r as u32, 0, *k)?;
        cs.write_string(r as u32, 1, *v)?;
    }
    wb.save(path)
}

/// A phone-style 12-megapixel portrait: a person on one of the studio blues, with the
/// sensor noise of a phone camera so the JPEG has a realistic size (a few MB).
fn portrait(i: usize) -> RgbImage {
    let mut scene = synth::Scene::on(BLUES[i % BLUES.len()]);
    scene.seed = 1 + i as u64;
    scene.noise = 4.0;
    scene.skin = [
        [224, 182, 150],
        [198, 150, 118],
        [150, 105, 80],
        [236, 200, 172],
    ][i % 4];
    scene.hair = [[48, 34, 26], [20, 18, 16], [120, 84, 50], [70, 50, 36]][(i / 2) % 4];
    synth::portrait(PHOTO_W, PHOTO_H, &scene)
}

/// A grey A4 page scanned at 150 dpi: lines of text-like strokes on paper with a little
/// sensor noise (about 200-300 KB as a JPEG, like a phone scanner app's output).
fn scan_page(w: u32, h: u32, seed: u32) -> RgbImage {
    let mut rng = (seed + 7).wrapping_mul(2_246_822_519).max(1);
    RgbImage::from_fn(w, h, |x, y| {
        rng ^= rng << 13;
        rng ^= rng >> 17;
        rng ^= rng << 5;
        let line = (y / 28) % 2 == 0
            && x > 120
            && x < w - 120
            && y > 150
            && y < h - 150
            && (x / 9 + y / 28 + seed) % 7 != 0;
        let v = if line && (x + rng % 3) % 9 < 6 {
            40
        } else {
            236
        } + (rng % 5) as i32
            - 2;
        let v = v.clamp(0, 255) as u8;
        Rgb([v, v, v])
    })
}

/// A baseline JPEG with 4:2:0 chroma subsampling, as phone cameras and scanners write.
fn jpeg_bytes(img: &RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut out, quality);
    enc.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
    enc.encode(
        img.as_raw(),
        img.width() as u16,
        img.height() as u16,
        jpeg_encoder::ColorType::Rgb,
    )
    .expect("JPEG encoding of an in-memory image");
    out
}

/// Writes a baseline JPEG with 4:2:0 chroma subsampling, as phone cameras and scanners do.
fn write_jpeg(path: &Path, img: &RgbImage, quality: u8) -> Result<(), String> {
    let file = std::fs::File::create(path).map_err(|e| e.to_string())?;
    let w = std::io::BufWriter::new(file);
    let mut enc = jpeg_encoder::Encoder::new(w, quality);
    enc.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
    let (width, height) = (
        u16::try_from(img.width()).map_err(|e| e.to_string())?,
        u16::try_from(img.height()).map_err(|e| e.to_string())?,
    );
    enc.encode(img.as_raw(), width, height, jpeg_encoder::ColorType::Rgb)
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn link(from: &Path, to: &Path) -> Result<(), String> {
    let _ = std::fs::remove_file(to);
    std::fs::hard_link(from, to)
        .or_else(|_| std::fs::copy(from, to).map(|_| ()))
        .map_err(|e| format!("{}: {e}", to.display()))
}

/// [`minimal_pdf`] with its content stream's /Length corrected (same number of digits, so
/// the cross-reference offsets hold).
fn form_pdf() -> Vec<u8> {
    let pdf = minimal_pdf();
    let text = String::from_utf8(pdf).expect("ASCII PDF");
    let start = text.find("stream\n").expect("a stream") + "stream\n".len();
    let end = text.find("\nendstream").expect("its end");
    let fixed = text.replacen("/Length 44", &format!("/Length {}", end - start), 1);
    assert_eq!(fixed.len(), text.len());
    fixed.into_bytes()
}

/// A small valid one-page PDF standing in for a scanned certificate.
fn minimal_pdf() -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        "<< /Length 44 >>\nstream\nBT /F1 18 Tf 72 760 Td (Scanned document) Tj ET\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{}\nendobj\n", i + 1, o).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}
