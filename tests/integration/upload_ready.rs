//! End-to-end (issue 22): the packet is what the online platform takes. A company folder
//! made the way HR makes one: phone shots of 3-6 MB (one stored sideways with an EXIF
//! orientation), a work permit card as two files, a contract as a multi-page PDF of phone
//! shots over the 1 MB budget, a PDF already small enough, a 12-megapixel photo.
//! The real binary runs; each `upload/` file must be within the budget, valid for qpdf, in
//! checklist order with the right pages, the photo a JPEG of the digital size within its
//! budget, the letters in `print/`, HR's files untouched in `originals/`, the cover and the
//! reports listing sizes and pages, and a rerun byte-identical.

use crate::fixtures::folder::{Scan, fixture_photo, scan_bytes};
use crate::report::Report;
use crate::util::{Dir, need_tool};
use image::{DynamicImage, GenericImageView, Rgb, RgbImage};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::process::Command;

const ROSTER: &str = "\
姓名 Name,护照号码 Passport No.,国籍 Nationality,出生日期 Date of birth,人才类别 Talent category,职位 Position,入职日期 Start date,工作许可到期日 Work permit expiry,居留许可到期日 Residence permit expiry,年薪 Annual salary
Maria Garcia,P1234567,Spain,1986-04-12,(六),Engineer,2021-03-01,2027-01-25,2027-01-25,480000
";

const COMPANY: &str = "\
name_zh = \"深圳市测试科技有限公司\"
name_en = \"Shenzhen Test Technology Co., Ltd.\"
uscc = \"91440300MA5FXT4L8P\"
address = \"深圳市南山区科技南十二路18号\"
contact_person = \"王丽\"
contact_phone = \"0755-8666 1234\"
";

const BUDGET: u64 = 1_000_000;

/// A phone shot of a document page: the page (a sample scan, so it has real print on it)
/// filling most of a 4032 x 3024 frame on a desk, with sensor noise; quality 92, as phone
/// cameras save. `turned`: stored sideways (landscape pixels of a portrait page) with EXIF
/// orientation 6, as a phone held upright writes it.
fn phone_shot(page: &Path, seed: u32, turned: bool) -> Vec<u8> {
    let src = image::open(page).unwrap().to_rgb8();
    let (fw, fh) = (3024u32, 4032u32);
    let (pw, ph) = (fw * 86 / 100, fh * 86 / 100);
    let page = image::imageops::resize(&src, pw, ph, image::imageops::FilterType::Triangle);
    let (ox, oy) = ((fw - pw) / 2, (fh - ph) / 2);
    let frame = RgbImage::from_fn(fw, fh, |x, y| {
        let n =
            (x.wrapping_mul(2654435761) ^ y.wrapping_mul(40503) ^ seed).wrapping_mul(2246822519);
        let noise = ((n >> 24) % 17) as i32 - 8;
        let base = if x >= ox && y >= oy && x < ox + pw && y < oy + ph {
            page.get_pixel(x - ox, y - oy).0
        } else {
            [120, 96, 70]
        };
        Rgb(base.map(|c| (c as i32 + noise).clamp(0, 255) as u8))
    });
    let img = if turned {
        DynamicImage::ImageRgb8(image::imageops::rotate270(&frame))
    } else {
        DynamicImage::ImageRgb8(frame)
    };
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 92)
        .encode_image(&img)
        .unwrap();
    if turned {
        with_orientation_6(&out)
    } else {
        out
    }
}

/// Inserts an APP1 Exif segment with orientation 6 after the JPEG's SOI.
fn with_orientation_6(jpeg: &[u8]) -> Vec<u8> {
    let mut tiff =
        b"MM\x00\x2a\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06".to_vec();
    tiff.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    let mut app1 = b"Exif\x00\x00".to_vec();
    app1.extend_from_slice(&tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// A PDF of `pages` JPEG pages, as a phone's "scan to PDF" makes one (each page image
/// stored as it is, A4 pages).
fn pdf_of_jpegs(pages: &[Vec<u8>]) -> Vec<u8> {
    let mut objects: Vec<Vec<u8>> = Vec::new();
    let n = pages.len();
    // 1 catalog, 2 pages, then per page: page, content, image.
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 3 + i * 3)).collect();
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    objects.push(format!("<< /Type /Pages /Kids [{}] /Count {n} >>", kids.join(" ")).into_bytes());
    for (i, jpeg) in pages.iter().enumerate() {
        let (w, h) = image::load_from_memory(jpeg).unwrap().dimensions();
        let (page, content, img) = (3 + i * 3, 4 + i * 3, 5 + i * 3);
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {content} 0 R /Resources << /XObject << /I{page} {img} 0 R >> >> >>"
        ).into_bytes());
        let draw = format!("q 595 0 0 842 0 0 cm /I{page} Do Q");
        objects
            .push(format!("<< /Length {} >>\nstream\n{draw}\nendstream", draw.len()).into_bytes());
        let mut o = format!(
            "<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length {} >>\nstream\n",
            jpeg.len()
        )
        .into_bytes();
        o.extend_from_slice(jpeg);
        o.extend_from_slice(b"\nendstream");
        objects.push(o);
    }
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(o);
        out.extend_from_slice(b"\nendobj\n");
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

fn sample(rel: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples/docs")
        .join(rel)
}

/// The company folder; returns the sizes of the phone shots written.
fn company_folder(d: &Dir) -> Vec<usize> {
    d.write("co/roster.csv", ROSTER);
    d.write("co/company.toml", COMPANY);
    // A 12-megapixel photo (the studio's master), several times the platform's 200 KB.
    let blue = image::open(fixture_photo("blue.jpg")).unwrap();
    let big = blue.resize_exact(3000, 4000, image::imageops::FilterType::Triangle);
    let mut photo = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut photo, 95)
        .encode_image(&big)
        .unwrap();
    d.write("co/photos/Maria Garcia.jpg", &photo);

    let passport_page = sample("18FV12345/护照首页.jpg");
    let card_front = sample("18FV12345/WP card front.jpg");
    let card_back = sample("18FV12345/WP card back.jpg");
    let passport = phone_shot(&passport_page, 1, true);
    let front = phone_shot(&card_front, 2, false);
    let back = phone_shot(&card_back, 3, false);
    let dir = "co/docs/Maria GARCIA";
    d.write(format!("{dir}/护照.jpg"), &passport);
    d.write(format!("{dir}/工作许可证 正面.jpg"), &front);
    d.write(format!("{dir}/工作许可证 背面.jpg"), &back);
    // The contract: three phone-shot pages in one PDF, well over the budget.
    let page = |seed| {
        let shot = phone_shot(&passport_page, seed, false);
        let img = image::load_from_memory(&shot).unwrap().resize(
            1700,
            2200,
            image::imageops::FilterType::Triangle,
        );
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
            .encode_image(&img)
            .unwrap();
        out
    };
    let contract = pdf_of_jpegs(&[page(4), page(5), page(6)]);
    assert!(
        contract.len() as u64 > BUDGET,
        "contract {}",
        contract.len()
    );
    d.write(format!("{dir}/劳动合同.pdf"), &contract);
    // Already what the platform takes: passed through unchanged.
    d.write(
        format!("{dir}/完税证明.pdf"),
        scan_bytes("完税证明.pdf", Scan::Pdf),
    );
    d.write(
        format!("{dir}/居留许可.jpg"),
        scan_bytes("居留许可.jpg", Scan::Jpeg),
    );
    d.write(
        "co/docs/_company/银行流水.pdf",
        scan_bytes("银行流水.pdf", Scan::Pdf),
    );
    d.write(
        "co/docs/_company/公司纳税证明.pdf",
        scan_bytes("公司纳税证明.pdf", Scan::Pdf),
    );
    vec![passport.len(), front.len(), back.len()]
}

fn entries(zip: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    let mut out = BTreeMap::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let mut b = Vec::new();
        f.read_to_end(&mut b).unwrap();
        out.insert(f.name().unwrap().to_string(), b);
    }
    out
}

fn pdf_pages(bytes: &[u8]) -> usize {
    // Count /Type /Page objects (not /Pages): good enough for the files this test makes and
    // checked against pdfinfo below when poppler is there.
    let text = String::from_utf8_lossy(bytes);
    text.matches("/Type /Page").count() - text.matches("/Type /Pages").count()
}

#[test]
fn the_packet_holds_one_upload_file_per_item_within_the_budget() {
    let d = Dir::new();
    let shots = company_folder(&d);
    assert!(
        shots.iter().all(|&s| (2_500_000..7_000_000).contains(&s)),
        "phone shots {shots:?}"
    );
    let ran = d.run(&[
        "build",
        "co",
        "--company",
        "co/company.toml",
        "--out",
        "out",
        "--as-of",
        "2026-12-06",
    ]);
    ran.assert_not_code(2);
    let report = Report::read(&d, "out");
    let e = report.employee(2);
    let packet = d.join("out/packets").join(e.packet());
    if let Some(keep) = std::env::var_os("PERMITPACK_KEEP_DIR") {
        // For looking at the upload files by hand (pdftoppm, the cover's last page).
        std::fs::create_dir_all(&keep).unwrap();
        std::fs::copy(&packet, Path::new(&keep).join("upload_ready.zip")).unwrap();
    }
    let files = entries(&packet);
    let names: Vec<&str> = files.keys().map(String::as_str).collect();

    // upload/: one PDF per provided item, in checklist order, and the photo.
    let uploads: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| n.starts_with("upload/"))
        .collect();
    let checklist: Vec<&str> = e
        .checklist
        .iter()
        .filter(|l| !l.files.is_empty())
        .map(|l| l.id.as_str())
        .collect();
    let pdfs: Vec<&str> = uploads
        .iter()
        .copied()
        .filter(|n| n.ends_with(".pdf"))
        .collect();
    let items: Vec<String> = pdfs
        .iter()
        .map(|n| {
            n.trim_start_matches("upload/")[3..]
                .trim_end_matches(".pdf")
                .to_string()
        })
        .collect();
    assert_eq!(items, checklist, "{names:#?}");
    for (i, n) in pdfs.iter().enumerate() {
        assert!(n.starts_with(&format!("upload/{:02}_", i + 1)), "{n}");
    }
    assert!(uploads.contains(&"upload/photo.jpg"), "{names:#?}");

    // Within the budget, valid, the right pages.
    for n in &pdfs {
        let b = &files[*n];
        assert!(b.len() as u64 <= BUDGET, "{n}: {} bytes", b.len());
        assert!(b.starts_with(b"%PDF-"), "{n}");
    }
    let pages_of = |item: &str| {
        let n = pdfs.iter().find(|n| n.contains(item)).unwrap();
        pdf_pages(&files[*n])
    };
    assert_eq!(pages_of("work_permit"), 2, "front and back in one file");
    assert_eq!(pages_of("labour_contract"), 3);
    assert_eq!(pages_of("passport"), 1);
    // The small PDF went through unchanged.
    let tax = pdfs
        .iter()
        .find(|n| n.ends_with("_tax_certificate.pdf") && !n.contains("company"))
        .unwrap();
    assert_eq!(files[*tax], scan_bytes("完税证明.pdf", Scan::Pdf));

    // The photo: a JPEG within 200 KB, at least 354 x 472, not retouched (same aspect).
    let photo = &files["upload/photo.jpg"];
    assert!(photo.len() <= 200_000, "photo {} bytes", photo.len());
    let img = image::load_from_memory(photo).unwrap();
    assert!(
        img.width() >= 354 && img.height() >= 472,
        "{:?}",
        img.dimensions()
    );
    assert_eq!(img.width() * 4000, img.height() * 3000, "aspect kept");

    // print/: the letters; originals/: HR's files byte for byte under their names.
    assert!(
        names.contains(&"print/01_guarantee_letter.pdf"),
        "{names:#?}"
    );
    assert!(
        names.contains(&"print/02_salary_certificate.pdf"),
        "{names:#?}"
    );
    for (rel, kind) in [
        ("护照.jpg", "Maria GARCIA"),
        ("工作许可证 正面.jpg", "Maria GARCIA"),
        ("劳动合同.pdf", "Maria GARCIA"),
        ("_company/银行流水.pdf", ""),
        ("Maria Garcia.jpg", "photos"),
    ] {
        // A person's scans are named as in their folder; the photo under photos/.
        let (entry, disk) = match kind {
            "photos" => (
                format!("originals/photos/{rel}"),
                d.read(format!("co/photos/{rel}")),
            ),
            "" => (format!("originals/{rel}"), d.read(format!("co/docs/{rel}"))),
            folder => (
                format!("originals/{rel}"),
                d.read(format!("co/docs/{folder}/{rel}")),
            ),
        };
        assert_eq!(files.get(&entry), Some(&disk), "{entry} in {names:#?}");
    }

    // report.json lists each upload file with its size and pages.
    assert_eq!(e.uploads.len(), uploads.len());
    for u in &e.uploads {
        assert_eq!(u.bytes, files[&u.entry].len() as u64, "{}", u.entry);
        if u.entry.ends_with(".pdf") {
            assert_eq!(u.pages, pdf_pages(&files[&u.entry]), "{}", u.entry);
        }
    }
    // Everything fitted: no upload problem.
    let upload_issues = e.codes("upload.");
    assert!(upload_issues.is_empty(), "{upload_issues:#?}");

    // The HTML and xlsx reports list them too.
    let html = String::from_utf8(d.read("out/report.html")).unwrap();
    assert!(
        html.contains("upload/02_") && html.contains("class=\"uploads\""),
        "html lists uploads"
    );

    // qpdf finds nothing wrong; poppler agrees on the pages; the passport page is upright.
    let scratch = d.join("scratch");
    std::fs::create_dir_all(&scratch).unwrap();
    if need_tool("qpdf", &["--version"]) {
        for n in &pdfs {
            let p = scratch.join(n.replace('/', "_"));
            std::fs::write(&p, &files[*n]).unwrap();
            let out = Command::new("qpdf")
                .arg("--check")
                .arg(&p)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "qpdf --check {n}: {}",
                String::from_utf8_lossy(&out.stdout)
            );
        }
    }
    if need_tool("pdftoppm", &["-v"]) {
        let n = pdfs.iter().find(|n| n.ends_with("_passport.pdf")).unwrap();
        let p = scratch.join("passport.pdf");
        std::fs::write(&p, &files[*n]).unwrap();
        let out = Command::new("pdftoppm")
            .args(["-png", "-r", "60", "-singlefile"])
            .arg(&p)
            .arg(scratch.join("passport"))
            .output()
            .unwrap();
        assert!(out.status.success());
        let png = image::open(scratch.join("passport.png")).unwrap();
        assert!(
            png.height() > png.width(),
            "the sideways phone shot is shown upright: {:?}",
            png.dimensions()
        );
        let cover = crate::util::packet_pdf_text(&packet, "cover", &scratch).unwrap();
        assert!(
            cover.contains("upload/03_passport.pdf") || cover.contains("_passport.pdf"),
            "cover lists uploads"
        );
        assert!(
            cover.contains("KB") || cover.contains("MB"),
            "cover gives sizes"
        );
    }

    // A rerun from scratch gives the same bytes.
    d.run(&[
        "build",
        "co",
        "--company",
        "co/company.toml",
        "--out",
        "out2",
        "--as-of",
        "2026-12-06",
        "--no-cache",
    ])
    .assert_not_code(2);
    let again = std::fs::read(d.join("out2/packets").join(e.packet())).unwrap();
    assert!(
        again == std::fs::read(&packet).unwrap(),
        "the packet is byte-identical on a rerun"
    );
}
