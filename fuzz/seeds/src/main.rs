//! Writes the seed corpus of the fuzz targets into `fuzz/corpus/<target>/`: small rosters
//! (csv in UTF-8, GB18030 and UTF-16, xlsx with a title row, a Company sheet, dates as serial
//! numbers and text, numeric passport numbers, a hidden sheet) and small photos downscaled
//! from `tests/fixtures/photos` (JPEG with and without EXIF orientation, PNG with alpha,
//! greyscale), plus a few fixtures kept as they are because their oddity is in the bytes.
//!
//! Run from `fuzz/`: `cargo run -p permitpack-fuzz-seeds`. Output is deterministic.

use image::imageops::FilterType;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
use std::path::{Path, PathBuf};

const HEADER: [&str; 9] = [
    "姓名 Name",
    "护照号码 Passport No.",
    "国籍 Nationality",
    "出生日期 Date of birth",
    "人才类别 Talent category",
    "职位 Position",
    "工作许可到期日 Work permit expiry",
    "居留许可到期日 Residence permit expiry",
    "照片 Photo",
];

const ROWS: [[&str; 9]; 3] = [
    [
        "Anna Nowak",
        "EA1234567",
        "Poland",
        "1985-02-03",
        "（六）",
        "Engineer",
        "2027/1/10",
        "2027年1月10日",
        "EA1234567.jpg",
    ],
    [
        "Bob Lee",
        "0012345",
        "United States",
        "1990.01.01",
        "(一)",
        "Designer",
        "20270110",
        "2027-01-10",
        "",
    ],
    [
        "=cmd|' /C calc'!A0",
        "E 123 456 7",
        "",
        "31/12/1960",
        "待定",
        "",
        "soon",
        "",
        "../../etc/passwd",
    ],
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn write(target: &str, name: &str, bytes: &[u8]) {
    let dir = root().join("corpus").join(target);
    std::fs::create_dir_all(&dir).expect("corpus folder");
    std::fs::write(dir.join(name), bytes).expect("seed written");
}

fn csv_text() -> String {
    let mut s = String::from("外籍员工名册 Foreign staff,,,,,,,,\n");
    s.push_str(&HEADER.join(","));
    s.push('\n');
    for r in ROWS {
        let cells: Vec<String> = r
            .iter()
            .map(|c| {
                if c.contains([',', '"', '\n']) {
                    format!("\"{}\"", c.replace('"', "\"\""))
                } else {
                    c.to_string()
                }
            })
            .collect();
        s.push_str(&cells.join(","));
        s.push('\n');
    }
    s
}

fn csv_seeds() {
    let text = csv_text();
    write("roster_csv", "utf8.csv", text.as_bytes());
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(text.as_bytes());
    write("roster_csv", "utf8_bom.csv", &bom);
    let mut utf16 = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    write("roster_csv", "utf16le.csv", &utf16);
    write(
        "roster_csv",
        "semicolon.csv",
        text.replace(',', ";").as_bytes(),
    );
    write("roster_csv", "tab.csv", text.replace(',', "\t").as_bytes());
    write(
        "roster_csv",
        "quoted.csv",
        "Name,Passport No,Nationality\n\"Anna \"\"A\"\" Nowak\",\"EA1\n234567\",Poland\nBob,,\n"
            .as_bytes(),
    );
    let gbk = std::fs::read(root().join("../samples/roster_gbk.csv")).expect("sample csv");
    write("roster_csv", "gb18030.csv", &gbk);
}

/// The same package with every part stored, not deflated: mutations then reach the XML text
/// instead of scrambling compressed bytes.
fn stored(xlsx: &[u8]) -> Vec<u8> {
    use std::io::{Cursor, Read, Write};
    let mut src = zip::ZipArchive::new(Cursor::new(xlsx)).expect("xlsx is a zip");
    let mut out = Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .last_modified_time(zip::DateTime::default());
        for i in 0..src.len() {
            let mut part = src.by_index(i).unwrap();
            let mut bytes = Vec::new();
            part.read_to_end(&mut bytes).unwrap();
            w.start_file(part.name().to_string(), opts).unwrap();
            w.write_all(&bytes).unwrap();
        }
        w.finish().unwrap();
    }
    out.into_inner()
}

/// A workbook whose saved bytes do not depend on the clock.
fn workbook() -> Workbook {
    let mut wb = Workbook::new();
    let when = ExcelDateTime::from_ymd(2026, 1, 1).unwrap();
    wb.set_properties(&DocProperties::new().set_creation_datetime(&when));
    wb
}

fn xlsx_seeds() {
    // A realistic workbook: merged title row, header, typed cells, a Company sheet.
    let mut wb = workbook();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let text = Format::new().set_num_format("@");
    let zeros = Format::new().set_num_format("000000000");
    let sheet = wb.add_worksheet();
    sheet.set_name("员工 Staff").unwrap();
    sheet
        .merge_range(0, 0, 0, 8, "外籍员工名册", &Format::new())
        .unwrap();
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(1, c as u16, *h).unwrap();
    }
    for (r, row) in ROWS.iter().enumerate() {
        let r = r as u32 + 2;
        for (c, v) in row.iter().enumerate() {
            sheet
                .write_string_with_format(r, c as u16, *v, &text)
                .unwrap();
        }
    }
    let expiry = ExcelDateTime::from_ymd(2027, 3, 1).unwrap();
    sheet
        .write_datetime_with_format(5, 6, &expiry, &date)
        .unwrap();
    sheet.write_number(5, 7, 46447.0).unwrap();
    sheet
        .write_number_with_format(5, 1, 12345.0, &zeros)
        .unwrap();
    sheet.write_string(5, 0, "Chen Mei").unwrap();
    sheet.write_formula(5, 2, "=\"Can\"&\"ada\"").unwrap();
    let company = wb.add_worksheet();
    company.set_name("Company 公司").unwrap();
    for (r, (k, v)) in [
        ("公司名称 Company name", "深圳示例科技有限公司"),
        ("统一社会信用代码 USCC", "91440300MA5FXXXX0X"),
        ("地址 Address", "深圳市南山区"),
    ]
    .iter()
    .enumerate()
    {
        company.write_string(r as u32, 0, *k).unwrap();
        company.write_string(r as u32, 1, *v).unwrap();
    }
    let hidden = wb.add_worksheet();
    hidden.set_name("old").unwrap();
    hidden.write_string(0, 0, "Name").unwrap();
    hidden.set_hidden(true);
    let staff = wb.save_to_buffer().unwrap();
    write("roster_xlsx", "staff.xlsx", &staff);
    write("roster_xlsx", "staff_stored.xlsx", &stored(&staff));

    // The smallest workbook with a header and one employee.
    let mut wb = workbook();
    let s = wb.add_worksheet();
    for (c, h) in ["Name", "Passport No", "Nationality"].iter().enumerate() {
        s.write_string(0, c as u16, *h).unwrap();
    }
    s.write_string(1, 0, "Anna").unwrap();
    s.write_string(1, 1, "EA1234567").unwrap();
    s.write_string(1, 2, "Poland").unwrap();
    let minimal = wb.save_to_buffer().unwrap();
    write("roster_xlsx", "minimal.xlsx", &minimal);
    write("roster_xlsx", "minimal_stored.xlsx", &stored(&minimal));
}

fn load(name: &str) -> image::DynamicImage {
    let path = root().join("../tests/fixtures/photos").join(name);
    image::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn jpeg(img: &image::DynamicImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
    img.to_rgb8().write_with_encoder(enc).expect("jpeg encodes");
    out
}

/// The APP1 (EXIF) segment of a JPEG, marker included.
fn exif_segment(jpeg: &[u8]) -> Option<Vec<u8>> {
    let mut i = 2;
    while i + 4 <= jpeg.len() && jpeg[i] == 0xFF {
        let len = u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]) as usize;
        if jpeg[i + 1] == 0xE1 && jpeg.get(i + 4..i + 8) == Some(b"Exif") {
            return Some(jpeg[i..i + 2 + len].to_vec());
        }
        i += 2 + len;
    }
    None
}

fn photo_seeds() {
    for name in [
        "blue.jpg",
        "white.jpg",
        "grey.jpg",
        "light_cyan.jpg",
        "square.jpg",
        "no_person.jpg",
    ] {
        let small = load(name).resize(90, 120, FilterType::Triangle);
        write("photo_judge", name, &jpeg(&small, 70));
    }
    // EXIF orientation survives: splice the fixture's EXIF segment after SOI.
    let rotated = std::fs::read(root().join("../tests/fixtures/photos/rotated_exif.jpg")).unwrap();
    let small = jpeg(
        &load("rotated_exif.jpg")
            .resize(120, 90, FilterType::Triangle)
            .rotate90(),
        70,
    );
    if let Some(exif) = exif_segment(&rotated) {
        let mut with = small[..2].to_vec();
        with.extend_from_slice(&exif);
        with.extend_from_slice(&small[2..]);
        write("photo_judge", "rotated_exif.jpg", &with);
    }
    let grey = load("greyscale.jpg").resize(90, 120, FilterType::Triangle);
    let mut out = Vec::new();
    let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 70);
    grey.to_luma8().write_with_encoder(enc).unwrap();
    write("photo_judge", "greyscale.jpg", &out);
    for name in ["alpha.png", "opaque.png"] {
        let small = load(name).resize(60, 80, FilterType::Triangle);
        let mut out = std::io::Cursor::new(Vec::new());
        small.write_to(&mut out, image::ImageFormat::Png).unwrap();
        write("photo_judge", name, &out.into_inner());
    }
    // Kept as they are: their point is in the header bytes.
    for name in ["iphone.heic", "not_an_image.jpg"] {
        let bytes = std::fs::read(root().join("../tests/fixtures/photos").join(name)).unwrap();
        write("photo_judge", name, &bytes);
    }
    // A PNG header claiming 100000 x 100000 pixels (the decompression-bomb shape).
    let bomb = std::fs::read(root().join("../tests/fixtures/photos/bomb.png")).unwrap();
    write("photo_judge", "bomb_head.png", &bomb[..bomb.len().min(256)]);
}

fn main() {
    csv_seeds();
    xlsx_seeds();
    photo_seeds();
    println!("seeds written under {}", root().join("corpus").display());
}
