//! The upload files on scans like HR's: phone shots of several MB with EXIF orientation,
//! cards as two files, multi-page PDFs, and a budget that forces the ladder.

use super::*;
use crate::codes;
use ::image::{DynamicImage, Rgb, RgbImage};

/// A phone shot of a document: paper-white page with dark "text" lines, a gradient and
/// sensor noise, so it compresses like a photo of paper (several MB at quality 95).
pub(crate) fn phone_shot(w: u32, h: u32, seed: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(w, h, |x, y| {
        let n =
            (x.wrapping_mul(2654435761) ^ y.wrapping_mul(40503) ^ seed).wrapping_mul(2246822519);
        let noise = ((n >> 24) % 24) as i32 - 12;
        let line = (y / 40) % 3 == 0 && (x / 9) % 7 != 0 && x > w / 10 && x < w * 9 / 10;
        let base: i32 = if line { 40 } else { 225 - (x * 30 / w) as i32 };
        let c = |d: i32| (base + noise + d).clamp(0, 255) as u8;
        Rgb([c(0), c(-4), c(-10)])
    });
    image::encode_jpeg(&DynamicImage::ImageRgb8(img), 95).unwrap()
}

/// A JPEG with an EXIF orientation tag (APP1 inserted after SOI).
pub(crate) fn with_orientation(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    // Big-endian TIFF header, one IFD entry: 0x0112 SHORT 1 = orientation.
    let mut tiff = b"MM\x00\x2a\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01".to_vec();
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    let mut app1 = b"Exif\x00\x00".to_vec();
    app1.extend_from_slice(&tiff);
    let len = (app1.len() + 2) as u16;
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn limits() -> UploadLimits {
    UploadLimits::default()
}

fn pages(pdf: &[u8]) -> usize {
    pdf::open(pdf).unwrap().pages().len()
}

#[test]
fn the_builtin_ladder_goes_from_best_to_smallest() {
    let steps = ladder(&limits());
    assert_eq!(
        steps,
        vec![
            (2000, 85),
            (2000, 75),
            (2000, 65),
            (1600, 85),
            (1600, 75),
            (1600, 65),
            (1240, 85),
            (1240, 75),
            (1240, 65),
            (1240, 55),
            (1240, 45),
        ]
    );
}

#[test]
fn a_pdf_within_the_budget_is_passed_through_unchanged() {
    let one = pdf::assemble(&[pdf::Page::Image(pdf::Jpeg {
        bytes: image::encode_jpeg(&DynamicImage::ImageRgb8(RgbImage::new(60, 80)), 80).unwrap(),
        width: 60,
        height: 80,
        grey: false,
        orientation: 1,
    })])
    .unwrap();
    let up = item_pdf(
        "passport",
        &[Source {
            name: "p.pdf",
            bytes: &one,
        }],
        &limits(),
    );
    let c = up.converted.unwrap();
    assert_eq!(c.pdf, one);
    assert_eq!(c.how, How::PassedThrough);
    assert_eq!(c.pages, 1);
    assert!(up.issues.is_empty());
}

#[test]
fn two_phone_shots_of_a_card_become_one_pdf_within_the_budget_front_first() {
    let front = with_orientation(&phone_shot(4000, 3000, 1), 6);
    let back = phone_shot(4000, 3000, 2);
    assert!(
        front.len() > 2_500_000 && back.len() > 2_500_000,
        "{} {}",
        front.len(),
        back.len()
    );
    let files = [
        Source {
            name: "card front.jpg",
            bytes: &front,
        },
        Source {
            name: "card back.jpg",
            bytes: &back,
        },
    ];
    let up = item_pdf("work_permit", &files, &limits());
    assert!(up.issues.is_empty(), "{:?}", up.issues);
    let c = up.converted.unwrap();
    assert!(
        c.pdf.len() as u64 <= limits().max_file_bytes,
        "{}",
        c.pdf.len()
    );
    assert_eq!(c.pages, 2);
    assert_eq!(pages(&c.pdf), 2);
    assert_eq!(c.files, vec!["card front.jpg", "card back.jpg"]);
    let How::Recompressed { long_side, .. } = c.how else {
        panic!("{:?}", c.how)
    };
    assert!(long_side >= 1240);
    // The front, orientation 6 (stored landscape), is shown portrait: a portrait A4 page;
    // the back stays landscape.
    let doc = pdf::open(&c.pdf).unwrap();
    let (w0, h0) = doc.pages()[0].render_dimensions();
    let (w1, h1) = doc.pages()[1].render_dimensions();
    assert!(h0 > w0 && w1 > h1, "{w0}x{h0} {w1}x{h1}");
    // The same files give the same bytes.
    let again = item_pdf("work_permit", &files, &limits())
        .converted
        .unwrap();
    assert_eq!(again.pdf, c.pdf);
}

#[test]
fn orientation_turns_the_page_content_the_right_way() {
    // Stored 200 x 100: left half black, right half white. Orientation 6 (turn clockwise to
    // display) puts the black half on top.
    let img = RgbImage::from_fn(200, 100, |x, _| {
        if x < 100 {
            Rgb([0, 0, 0])
        } else {
            Rgb([255, 255, 255])
        }
    });
    let jpeg = with_orientation(
        &image::encode_jpeg(&DynamicImage::ImageRgb8(img), 90).unwrap(),
        6,
    );
    let up = item_pdf(
        "passport",
        &[Source {
            name: "p.jpg",
            bytes: &jpeg,
        }],
        &limits(),
    );
    let c = up.converted.unwrap();
    assert_eq!(c.how, How::Placed, "a small JPEG keeps its bytes");
    let doc = pdf::open(&c.pdf).unwrap();
    let (r, _) = pdf::rasterise(&doc, 0, 400).unwrap();
    let r = r.to_luma8();
    let (w, h) = r.dimensions();
    assert!(h > w);
    let top = r.get_pixel(w / 2, h / 3).0[0];
    let bottom = r.get_pixel(w / 2, h * 2 / 3).0[0];
    assert!(top < 60 && bottom > 200, "top {top}, bottom {bottom}");
}

#[test]
fn a_pdf_and_images_merge_in_order_and_pages_are_kept() {
    let shot = phone_shot(1200, 1600, 3);
    let three = pdf::assemble(&[
        pdf::Page::Image(pdf::Jpeg {
            bytes: shot.clone(),
            width: 1200,
            height: 1600,
            grey: false,
            orientation: 1,
        }),
        pdf::Page::Image(pdf::Jpeg {
            bytes: shot.clone(),
            width: 1200,
            height: 1600,
            grey: false,
            orientation: 1,
        }),
        pdf::Page::Image(pdf::Jpeg {
            bytes: shot.clone(),
            width: 1200,
            height: 1600,
            grey: false,
            orientation: 1,
        }),
    ])
    .unwrap();
    let files = [
        Source {
            name: "passport p1-3.pdf",
            bytes: &three,
        },
        Source {
            name: "visa page.jpg",
            bytes: &shot,
        },
    ];
    let up = item_pdf("passport", &files, &limits());
    let c = up.converted.unwrap();
    assert_eq!(c.pages, 4);
    assert_eq!(pages(&c.pdf), 4);
    assert!(c.pdf.len() as u64 <= limits().max_file_bytes);
}

#[test]
fn a_large_scanned_pdf_is_rendered_smaller_to_fit() {
    let shot = phone_shot(2480, 3508, 4);
    let pages_in: Vec<pdf::Page> = (0..2)
        .map(|_| {
            pdf::Page::Image(pdf::Jpeg {
                bytes: shot.clone(),
                width: 2480,
                height: 3508,
                grey: false,
                orientation: 1,
            })
        })
        .collect();
    let big = pdf::assemble(&pages_in).unwrap();
    assert!(big.len() as u64 > limits().max_file_bytes);
    let up = item_pdf(
        "labour_contract",
        &[Source {
            name: "contract.pdf",
            bytes: &big,
        }],
        &limits(),
    );
    assert!(up.issues.is_empty(), "{:?}", up.issues);
    let c = up.converted.unwrap();
    assert!(matches!(c.how, How::Rendered { .. }), "{:?}", c.how);
    assert!(c.pdf.len() as u64 <= limits().max_file_bytes);
    assert_eq!(pages(&c.pdf), 2);
}

#[test]
fn what_cannot_fit_is_written_smallest_with_a_warning() {
    let shot = phone_shot(2480, 3508, 5);
    let tight = UploadLimits {
        max_file_bytes: 20_000,
        ..limits()
    };
    let up = item_pdf(
        "passport",
        &[Source {
            name: "p.jpg",
            bytes: &shot,
        }],
        &tight,
    );
    let c = up.converted.unwrap();
    assert!(c.pdf.len() > 20_000);
    assert_eq!(up.issues.len(), 1);
    assert_eq!(up.issues[0].code, codes::UPLOAD_TOO_LARGE);
    assert_eq!(up.issues[0].get("files"), Some("p.jpg"));
}

#[test]
fn files_that_are_not_images_or_pdfs_are_named_and_the_rest_still_used() {
    let shot = phone_shot(600, 800, 6);
    let files = [
        Source {
            name: "contract.docx",
            bytes: b"PK\x03\x04 not a pdf",
        },
        Source {
            name: "page.jpg",
            bytes: &shot,
        },
        Source {
            name: "broken.pdf",
            bytes: b"%PDF-1.4 garbage",
        },
    ];
    let up = item_pdf("labour_contract", &files, &limits());
    let codes: Vec<&str> = up.issues.iter().map(|i| i.code.as_str()).collect();
    assert_eq!(
        codes,
        vec![codes::UPLOAD_CANNOT_CONVERT, codes::UPLOAD_UNREADABLE]
    );
    assert_eq!(up.converted.unwrap().files, vec!["page.jpg"]);
    assert!(item_pdf("x", &[], &limits()).converted.is_none());
}

#[test]
fn quality_factor_is_monotone() {
    let mut last = 0.0;
    for q in 30..=95 {
        let f = quality_factor(q);
        assert!(f >= last, "{q}");
        last = f;
    }
}

#[test]
fn why_a_file_was_not_used_is_said_in_the_issues_words() {
    let cases = [
        (
            UploadError::TooManyPixels {
                width: 20_000,
                height: 10_000,
                limit: image::MAX_PIXELS,
            },
            "20000 x 10000 pixels is over the limit of 100000000",
        ),
        (
            UploadError::TooLargeForJpeg {
                width: 70_000,
                height: 10,
            },
            "70000 x 10 is too large for a JPEG",
        ),
        (
            UploadError::NotRendered {
                page: 3,
                file: "contract.pdf".into(),
            },
            "page 3 of contract.pdf could not be rendered",
        ),
        (UploadError::NoPage { page: 4 }, "page 4 does not exist"),
        (UploadError::Protected, "it is protected with a password"),
        (UploadError::Damaged, "it is damaged or not a PDF"),
        (UploadError::NoPages, "it has no pages"),
        (UploadError::NotJpegOrPng, "it is not a JPEG or PNG"),
        (UploadError::Jpeg16, "16-bit JPEG is not supported"),
        (UploadError::JpegSize, "unexpected JPEG output size"),
    ];
    for (e, text) in cases {
        assert_eq!(e.to_string(), text);
    }
    // A damaged PDF is named with the reason in the issue.
    let out = item_pdf(
        "passport",
        &[Source {
            name: "scan.pdf",
            bytes: b"%PDF-1.7\nnot really",
        }],
        &limits(),
    );
    let detail = out.issues[0].args.iter().find(|(k, _)| k == "detail");
    assert_eq!(
        detail.map(|(_, v)| v.as_str()),
        Some("it is damaged or not a PDF")
    );
}
