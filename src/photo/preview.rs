//! The annotated thumbnail HR sees next to a verdict: the photo as displayed, about
//! [`PREVIEW_HEIGHT`] px tall, with band pixels that are not an accepted background colour
//! tinted magenta, the measured bands outlined (dashed yellow) and the face box drawn
//! (green when the face checks pass, orange otherwise). Encoded as a JPEG.

use super::decode::Working;
use super::measure::{Rect, Role};
use image::{Rgb, RgbImage};

/// Preview height in pixels.
pub const PREVIEW_HEIGHT: u32 = 240;
/// MIME type of the preview bytes.
pub const PREVIEW_MIME: &str = "image/jpeg";

const TINT: [u8; 3] = [255, 0, 200];
const BAND: [u8; 3] = [255, 230, 0];
const FACE_OK: [u8; 3] = [0, 220, 60];
const FACE_BAD: [u8; 3] = [255, 140, 0];

/// What to draw on the preview.
pub struct Marks<'a> {
    /// Role of each working pixel (from the background measurement); may be empty.
    pub roles: &'a [Role],
    /// Band rectangles in working pixels.
    pub bands: &'a [Rect],
    /// Face boxes in working pixels, and whether the face checks passed.
    pub faces: &'a [Rect],
    pub face_ok: bool,
}

/// Renders and encodes the preview. `None` only if encoding fails.
pub fn render(work: &Working, marks: &Marks<'_>) -> Option<Vec<u8>> {
    let (w, h) = (work.width, work.height);
    let mut tinted = work.rgb.clone();
    if marks.roles.len() == (w * h) as usize {
        for (px, role) in tinted.chunks_exact_mut(3).zip(marks.roles) {
            if *role == Role::NotBackground {
                for (c, t) in px.iter_mut().zip(TINT) {
                    *c = ((*c as u32 * 45 + t as u32 * 55) / 100) as u8;
                }
            }
        }
    }
    let mut img = RgbImage::from_raw(w, h, tinted)?;
    let ph = PREVIEW_HEIGHT.min(h).max(1);
    let pw = ((w as f64 * ph as f64 / h as f64).round() as u32).max(1);
    // Halve with a 2 x 2 box while still twice the preview size: the triangle filter then
    // works on a quarter of the pixels (it took 31 M instructions a photo on its own).
    while img.height() >= 2 * ph && img.width() >= 2 * pw {
        img = halve(&img);
    }
    let mut small = if (pw, ph) == img.dimensions() {
        img
    } else {
        image::imageops::resize(&img, pw, ph, image::imageops::FilterType::Triangle)
    };
    let sx = pw as f64 / w as f64;
    let sy = ph as f64 / h as f64;
    let scale = |r: &Rect| Rect {
        x0: (r.x0 as f64 * sx).round() as u32,
        y0: (r.y0 as f64 * sy).round() as u32,
        x1: (r.x1 as f64 * sx).round() as u32,
        y1: (r.y1 as f64 * sy).round() as u32,
    };
    for b in marks.bands {
        outline(&mut small, &scale(b), BAND, 1, true);
    }
    let colour = if marks.face_ok { FACE_OK } else { FACE_BAD };
    for f in marks.faces {
        outline(&mut small, &scale(f), colour, 2, false);
    }
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&small)
        .ok()?;
    Some(out)
}

/// A plain thumbnail (no marks) of a photo file as displayed, `height` px tall at most, as a
/// JPEG: the served page's cards show it. `None` when the file is not a JPEG or PNG that
/// decodes within `max_pixels` (the decoders' panics are caught, as for judging).
pub fn thumbnail(bytes: &[u8], max_pixels: u64, height: u32) -> Option<Vec<u8>> {
    let header = super::sniff::sniff(bytes).ok()?;
    let work = std::panic::catch_unwind(|| super::decode::decode(bytes, &header, max_pixels))
        .ok()?
        .ok()?;
    let (w, h) = (work.width, work.height);
    let mut img = RgbImage::from_raw(w, h, work.rgb)?;
    let th = height.min(h).max(1);
    let tw = ((w as f64 * th as f64 / h as f64).round() as u32).max(1);
    while img.height() >= 2 * th && img.width() >= 2 * tw {
        img = halve(&img);
    }
    let small = if (tw, th) == img.dimensions() {
        img
    } else {
        image::imageops::resize(&img, tw, th, image::imageops::FilterType::Triangle)
    };
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 82)
        .encode_image(&small)
        .ok()?;
    Some(out)
}

/// Averages each 2 x 2 block (an odd last row or column is dropped).
fn halve(img: &RgbImage) -> RgbImage {
    let (w, h) = (img.width() / 2, img.height() / 2);
    let src = img.as_raw();
    let stride = img.width() as usize * 3;
    let mut out = Vec::with_capacity(w as usize * h as usize * 3);
    for y in 0..h as usize {
        let (top, bottom) = (&src[2 * y * stride..], &src[(2 * y + 1) * stride..]);
        for x in 0..w as usize {
            for c in 0..3 {
                let i = 6 * x + c;
                let sum =
                    top[i] as u32 + top[i + 3] as u32 + bottom[i] as u32 + bottom[i + 3] as u32;
                out.push(((sum + 2) / 4) as u8);
            }
        }
    }
    RgbImage::from_raw(w, h, out).unwrap_or_default()
}

/// Draws a rectangle outline `thick` px wide inside `r`, dashed if asked. Clipped.
fn outline(img: &mut RgbImage, r: &Rect, c: [u8; 3], thick: u32, dashed: bool) {
    let (w, h) = img.dimensions();
    if r.x1 <= r.x0 || r.y1 <= r.y0 {
        return;
    }
    let x1 = r.x1.min(w);
    let y1 = r.y1.min(h);
    let mut put = |x: u32, y: u32, along: u32| {
        if x < w && y < h && (!dashed || (along / 3).is_multiple_of(2)) {
            img.put_pixel(x, y, Rgb(c));
        }
    };
    for t in 0..thick {
        for x in r.x0..x1 {
            put(x, r.y0 + t, x);
            put(x, (y1 - 1).saturating_sub(t), x);
        }
        for y in r.y0..y1 {
            put(r.x0 + t, y, y);
            put((x1 - 1).saturating_sub(t), y, y);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::photo::decode::ColourFacts;
    use crate::photo::sniff::Stored;

    #[test]
    fn thumbnail_is_a_small_jpeg_of_the_photo() {
        let img = RgbImage::from_pixel(600, 822, Rgb([67, 142, 219]));
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
            .encode_image(&img)
            .unwrap();
        let t = thumbnail(&jpeg, 50_000_000, 120).unwrap();
        let back = image::load_from_memory(&t).unwrap();
        assert_eq!(back.height(), 120);
        assert!((back.width() as i32 - 88).abs() <= 1, "{}", back.width());
        assert!(t.len() < jpeg.len());
        // Not a photo, or too many pixels: none.
        assert!(thumbnail(b"%PDF-1.4", 50_000_000, 120).is_none());
        assert!(thumbnail(&jpeg, 1000, 120).is_none());
    }

    #[test]
    fn preview_is_a_small_jpeg_with_marks() {
        let (w, h) = (300u32, 400u32);
        let work = Working {
            rgb: [67u8, 142, 219].repeat((w * h) as usize),
            width: w,
            height: h,
            colour: ColourFacts {
                stored: Stored::Rgb,
                bit_depth: 8,
                alpha_channel: false,
                transparent_pixels: false,
                icc: None,
                icc_converted: false,
            },
        };
        let mut roles = vec![Role::Outside; (w * h) as usize];
        for r in roles.iter_mut().take((w * 20) as usize) {
            *r = Role::NotBackground;
        }
        let face = Rect {
            x0: 100,
            y0: 120,
            x1: 200,
            y1: 220,
        };
        let bytes = render(
            &work,
            &Marks {
                roles: &roles,
                bands: &[],
                faces: &[face],
                face_ok: true,
            },
        )
        .unwrap();
        let img = image::load_from_memory(&bytes).unwrap().to_rgb8();
        assert_eq!(img.dimensions(), (180, 240));
        // The tinted top rows are magenta-ish, the middle is still blue.
        let top = img.get_pixel(90, 3);
        assert!(top[0] > 120 && top[1] < 100, "{top:?}");
        let mid = img.get_pixel(20, 200);
        assert!(mid[2] > 180 && mid[0] < 110, "{mid:?}");
        // The face box edge is green.
        let edge = img.get_pixel(90, 72);
        assert!(edge[1] > 150 && edge[0] < 120, "{edge:?}");
        // Same input, same bytes.
        let again = render(
            &work,
            &Marks {
                roles: &roles,
                bands: &[],
                faces: &[face],
                face_ok: true,
            },
        )
        .unwrap();
        assert_eq!(bytes, again);
    }

    #[test]
    fn halving_averages_blocks_and_drops_an_odd_edge() {
        let mut img = RgbImage::new(5, 3);
        img.put_pixel(0, 0, Rgb([0, 0, 0]));
        img.put_pixel(1, 0, Rgb([100, 10, 255]));
        img.put_pixel(0, 1, Rgb([100, 10, 255]));
        img.put_pixel(1, 1, Rgb([200, 20, 255]));
        img.put_pixel(4, 2, Rgb([255, 255, 255]));
        let half = halve(&img);
        assert_eq!(half.dimensions(), (2, 1));
        assert_eq!(half.get_pixel(0, 0), &Rgb([100, 10, 191]));
        assert_eq!(half.get_pixel(1, 0), &Rgb([0, 0, 0]));
    }
}
