//! Writes the photo fixtures used by the photo tests into `tests/fixtures/photos/` (or the
//! folder given as the first argument), then judges each with both built-in profiles and
//! prints the verdicts, so thresholds can be calibrated against them.
//!
//! Run: `cargo run --example make_photo_fixtures [OUT_DIR] [--previews DIR]`
//! The output is deterministic: running it again gives the same bytes.

mod synth;

use permitpack::assets::Templates;
use permitpack::photo::{self, PhotoProfile, icc};
use std::path::{Path, PathBuf};
use synth::{Scene, jpeg, portrait, with_exif_orientation};

/// Portrait size for 35:48 fixtures (ratio 0.7295, above 413 x 567).
const W: u32 = 480;
const H: u32 = 658;

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    println!("{:>8} bytes  {name}", bytes.len());
}

fn png(img: &image::DynamicImage) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("PNG encoding");
    out
}

/// A JPEG at the quality that brings it closest to `target` bytes (for the 20-80 KB rule).
fn jpeg_near(img: &image::RgbImage, target: usize, dpi: u16) -> Vec<u8> {
    let mut best: Option<Vec<u8>> = None;
    for q in (50..=95).step_by(5) {
        let mut out = Vec::new();
        let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, q);
        enc.set_pixel_density(image::codecs::jpeg::PixelDensity::dpi(dpi));
        enc.encode_image(img).expect("JPEG encoding");
        let better = best
            .as_ref()
            .is_none_or(|b| out.len().abs_diff(target) < b.len().abs_diff(target));
        if better {
            best = Some(out);
        }
    }
    best.expect("at least one quality tried")
}

/// RGB -> CMYK (naive, no profile) and a CMYK JPEG, Adobe-style (inverted), as Photoshop
/// writes it.
fn cmyk_jpeg(img: &image::RgbImage, quality: u8) -> Vec<u8> {
    let mut data = Vec::with_capacity((img.width() * img.height() * 4) as usize);
    for p in img.pixels() {
        let [r, g, b] = p.0.map(|v| v as f32 / 255.0);
        let k = 1.0 - r.max(g).max(b);
        let (c, m, y) = if k >= 1.0 {
            (0.0, 0.0, 0.0)
        } else {
            (
                (1.0 - r - k) / (1.0 - k),
                (1.0 - g - k) / (1.0 - k),
                (1.0 - b - k) / (1.0 - k),
            )
        };
        data.extend([c, m, y, k].map(|v| (v * 255.0).round() as u8));
    }
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, quality)
        .encode(
            &data,
            img.width() as u16,
            img.height() as u16,
            jpeg_encoder::ColorType::Cmyk,
        )
        .expect("CMYK JPEG encoding");
    out
}

/// A 20000 x 20000 1-bit PNG: a few dozen KB on disk, 1.6 GB as RGBA once decoded.
fn bomb_png() -> Vec<u8> {
    use std::io::Write;
    let (w, h) = (20_000u32, 20_000u32);
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::One);
        enc.set_compression(png::Compression::High);
        let mut writer = enc.write_header().expect("PNG header");
        let mut stream = writer.stream_writer().expect("PNG stream");
        let row = vec![0u8; (w as usize).div_ceil(8)];
        for _ in 0..h {
            stream.write_all(&row).expect("PNG row");
        }
        stream.finish().expect("PNG end");
    }
    out
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut dir = PathBuf::from("tests/fixtures/photos");
    let mut previews: Option<PathBuf> = None;
    while let Some(a) = args.next() {
        if a == "--previews" {
            previews = args.next().map(PathBuf::from);
        } else {
            dir = PathBuf::from(a);
        }
    }
    std::fs::create_dir_all(&dir).expect("fixture folder");

    let blue = [67, 142, 219];
    let person = portrait(W, H, &Scene::on(blue));
    write(&dir, "blue.jpg", &jpeg(&person, 88));
    write(
        &dir,
        "blue_studio.jpg",
        &jpeg(
            &portrait(
                W,
                H,
                &Scene {
                    seed: 2,
                    skin: [196, 150, 118],
                    hair: [24, 20, 18],
                    ..Scene::on([98, 139, 206])
                },
            ),
            88,
        ),
    );
    write(
        &dir,
        "light_blue.jpg",
        &jpeg(
            &portrait(
                W,
                H,
                &Scene {
                    seed: 3,
                    ..Scene::on([100, 197, 255])
                },
            ),
            88,
        ),
    );
    write(
        &dir,
        "white.jpg",
        &jpeg(
            &portrait(
                W,
                H,
                &Scene {
                    seed: 4,
                    ..Scene::on([246, 246, 243])
                },
            ),
            88,
        ),
    );
    write(
        &dir,
        "grey.jpg",
        &jpeg(
            &portrait(
                W,
                H,
                &Scene {
                    seed: 5,
                    ..Scene::on([168, 168, 166])
                },
            ),
            88,
        ),
    );
    write(
        &dir,
        "light_cyan.jpg",
        &jpeg(
            &portrait(
                W,
                H,
                &Scene {
                    seed: 6,
                    ..Scene::on([190, 236, 240])
                },
            ),
            88,
        ),
    );
    write(
        &dir,
        "mottled.jpg",
        &jpeg(
            &portrait(
                W,
                H,
                &Scene {
                    seed: 7,
                    mottled: true,
                    ..Scene::on(blue)
                },
            ),
            88,
        ),
    );
    write(
        &dir,
        "shadow.jpg",
        &jpeg(
            &portrait(
                W,
                H,
                &Scene {
                    seed: 8,
                    shadow: true,
                    ..Scene::on(blue)
                },
            ),
            88,
        ),
    );
    write(
        &dir,
        "no_person.jpg",
        &jpeg(
            &portrait(
                W,
                H,
                &Scene {
                    person: false,
                    ..Scene::on(blue)
                },
            ),
            88,
        ),
    );
    // Geometry.
    write(
        &dir,
        "square.jpg",
        &jpeg(&portrait(620, 620, &Scene::on(blue)), 88),
    );
    write(
        &dir,
        "small.jpg",
        &jpeg(&portrait(240, 329, &Scene::on(blue)), 88),
    );
    // Stored sideways (rotated 90 degrees counter-clockwise) with EXIF orientation 6
    // ("rotate 90 clockwise to display"): displayed upright at 480 x 658.
    let sideways = image::imageops::rotate270(&person);
    write(
        &dir,
        "rotated_exif.jpg",
        &with_exif_orientation(&jpeg(&sideways, 88), 6),
    );
    // The same stored pixels without the tag: judged sideways (658 x 480).
    write(&dir, "rotated_no_exif.jpg", &jpeg(&sideways, 88));
    // Colour encodings.
    write(&dir, "cmyk.jpg", &cmyk_jpeg(&person, 88));
    write(&dir, "greyscale.jpg", &{
        let g = image::DynamicImage::ImageRgb8(person.clone()).to_luma8();
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 88)
            .encode_image(&g)
            .expect("grey JPEG");
        out
    });
    write(&dir, "display_p3.jpg", &{
        let mut out = Vec::new();
        let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 88);
        use image::ImageEncoder;
        enc.set_icc_profile(icc::build_matrix_profile(
            "Display P3",
            icc::DISPLAY_P3_D50,
            0.0,
        ))
        .expect("ICC supported");
        enc.encode_image(&person).expect("JPEG");
        out
    });
    // PNG with alpha: the person opaque, the backdrop fully transparent. Flat (noise-free)
    // so the file stays small.
    let clean = portrait(
        413,
        567,
        &Scene {
            noise: 0.0,
            ..Scene::on(blue)
        },
    );
    let mut rgba = image::DynamicImage::ImageRgb8(clean.clone()).to_rgba8();
    for p in rgba.pixels_mut() {
        let d = (p[0] as i32 - 67).abs() + (p[1] as i32 - 142).abs() + (p[2] as i32 - 219).abs();
        if d < 40 {
            p[3] = 0;
        }
    }
    write(
        &dir,
        "alpha.png",
        &png(&image::DynamicImage::ImageRgba8(rgba)),
    );
    write(
        &dir,
        "opaque.png",
        &png(&image::DynamicImage::ImageRgb8(clean)),
    );
    // Exit-entry digital photo: 3:4, 360 x 480, white, 300 dpi, 20-80 KB.
    let ee = portrait(
        360,
        480,
        &Scene {
            seed: 9,
            ..Scene::on([247, 247, 245])
        },
    );
    write(&dir, "exit_entry_white.jpg", &jpeg_near(&ee, 45_000, 300));
    // Broken files.
    let good = jpeg(&person, 88);
    write(&dir, "truncated.jpg", &good[..good.len() * 3 / 5]);
    write(
        &dir,
        "not_an_image.jpg",
        b"Employee list 2026\nName,Passport\nSmith,E12345678\n",
    );
    let mut heic = Vec::new();
    heic.extend_from_slice(&24u32.to_be_bytes());
    heic.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
    heic.extend_from_slice(&[0u8; 64]);
    write(&dir, "iphone.heic", &heic);
    write(&dir, "bomb.png", &bomb_png());

    // Verdicts, for calibration.
    let t = Templates::builtin();
    for name in ["shenzhen-2inch", "cn-exit-entry"] {
        let profile = PhotoProfile::load(&t, name).expect("built-in profile");
        println!("\n== {name}");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("fixture folder")
            .flatten()
            .map(|e| e.path())
            .collect();
        files.sort();
        for f in files {
            let bytes = std::fs::read(&f).expect("fixture");
            let file = f
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("?")
                .to_string();
            let v = photo::judge(&bytes, &file, &profile);
            let codes: Vec<String> = v
                .issues
                .iter()
                .map(|i| format!("{}{}", i.code, if i.is_error() { "!" } else { "" }))
                .collect();
            let r = &v.report;
            let u = r.background.as_ref().and_then(|b| b.uniformity.as_ref());
            println!(
                "{:<22} {} share={:<6} lr={:<5} tb={:<5} spread={:<5} tex={:<5} faces={:<8} {}",
                file,
                if v.ok() { "PASS" } else { "FAIL" },
                r.background_share.map_or("-".into(), |s| format!("{s:.3}")),
                u.map_or("-".into(), |u| format!("{:.2}", u.left_right)),
                u.map_or("-".into(), |u| format!("{:.2}", u.top_bottom)),
                u.map_or("-".into(), |u| format!("{:.2}", u.spread)),
                u.map_or("-".into(), |u| format!("{:.2}", u.gradient)),
                r.face.as_ref().map_or("-".into(), |f| {
                    f.faces.first().map_or(format!("{}", f.count), |x| {
                        format!("{} h={:.2} s={:.1}", f.count, x.height, x.score)
                    })
                }),
                codes.join(" ")
            );
            if let (Some(p), Some(bytes)) = (&previews, &v.preview) {
                std::fs::create_dir_all(p).expect("previews folder");
                std::fs::write(p.join(format!("{name}-{file}.jpg")), bytes).expect("preview");
            }
        }
    }
}
