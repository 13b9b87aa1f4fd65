//! Memory bounds of the photo stage, measured with the counting allocator (`alloc_count`), each test alone in
//! its own process: a decompression bomb is refused with almost no allocation, and a 12-megapixel
//! phone-size JPEG is judged without ever holding a full-size pixel buffer (it is decoded at
//! reduced scale), and nothing accumulates from one photo to the next.
#![allow(clippy::result_large_err)]

use crate::alloc_count::{self, alone};
use permitpack::assets::Templates;
use permitpack::photo::{self, PhotoIndex, PhotoProfile};
use permitpack::run::FsInputs;
use std::path::PathBuf;

/// Bytes allocated at the peak of `f`, above what was live before it.
fn peak_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = alloc_count::start_peak();
    let out = f();
    (out, alloc_count::peak_since(base))
}

fn profile() -> PhotoProfile {
    PhotoProfile::load(&Templates::builtin(), "shenzhen-2inch").unwrap()
}

#[test]
fn decompression_bomb_is_refused_with_bounded_memory() {
    if !alone("photo_limits::decompression_bomb_is_refused_with_bounded_memory") {
        return;
    }
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/photos/bomb.png"
    ))
    .unwrap();
    assert!(bytes.len() < 100_000, "the bomb is small on disk");
    let p = profile();
    let (v, peak) = peak_during(|| photo::judge(&bytes, "bomb.png", &p));
    let codes: Vec<&str> = v.issues.iter().map(|i| i.code.as_str()).collect();
    assert_eq!(codes, ["photo.oversize_image"]);
    assert_eq!(
        (v.report.width, v.report.height),
        (Some(20_000), Some(20_000))
    );
    eprintln!("bomb: peak allocation {peak} bytes");
    // Decoding it would need 400 MB as greyscale, 1.6 GB as RGBA.
    assert!(peak < 256 * 1024, "peak allocation {peak} bytes");
}

#[test]
fn oversize_file_is_refused_before_reading() {
    if !alone("photo_limits::oversize_file_is_refused_before_reading") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.jpg");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(64 * 1024 * 1024).unwrap(); // sparse: 64 MB claimed, nothing written
    let inputs = FsInputs::new(PathBuf::new(), None, Some(dir.path().to_path_buf()), None);
    let index = PhotoIndex::open(&inputs).unwrap().unwrap();
    let cap = profile().limits.max_file_bytes;
    let (r, peak) = peak_during(|| index.find(&inputs, Some("huge.jpg"), None, cap));
    assert_eq!(r.unwrap_err().code, "photo.oversize_file");
    assert!(peak < 64 * 1024, "peak allocation {peak} bytes");
}

#[test]
fn twelve_megapixel_jpeg_never_exists_at_full_size() {
    if !alone("photo_limits::twelve_megapixel_jpeg_never_exists_at_full_size") {
        return;
    }
    // A 3000 x 4000 portrait-format JPEG (phone camera size), smooth so it encodes quickly.
    let (w, h) = (3000u32, 4000u32);
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let inside = {
            let dx = (x as f32 - 1500.0) / 700.0;
            let dy = (y as f32 - 1800.0) / 950.0;
            dx * dx + dy * dy < 1.0
        };
        if inside {
            image::Rgb([224, 182, 150])
        } else {
            image::Rgb([67, 142, 219])
        }
    });
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90)
        .encode_image(&img)
        .unwrap();
    drop(img);
    let p = profile();
    let full_rgb = (w * h * 3) as usize; // 36 MB: what a full-size decode would hold
    // Warm up: the face detector is built once per thread and kept.
    drop(photo::judge(&bytes, "big.jpg", &p));
    let live_before = alloc_count::live();
    let mut peaks = Vec::new();
    for _ in 0..3 {
        let (v, peak) = peak_during(|| photo::judge(&bytes, "big.jpg", &p));
        assert_eq!((v.report.width, v.report.height), (Some(w), Some(h)));
        assert!(v.report.background_share.unwrap() > 0.9);
        peaks.push(peak);
    }
    let live_after = alloc_count::live();
    eprintln!("12 MP JPEG: peak allocation per photo {peaks:?} bytes");
    // Decoded at reduced scale: never a full-size pixel buffer.
    for peak in &peaks {
        assert!(
            *peak < full_rgb / 2,
            "peak {peak} bytes for a {full_rgb}-byte image"
        );
    }
    // Nothing accumulates from one photo to the next.
    assert!(
        live_after.abs_diff(live_before) < 64 * 1024,
        "live bytes {live_before} -> {live_after}"
    );
}
