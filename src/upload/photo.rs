//! The photo as the platform takes it: a JPEG of at least the profile's digital size
//! (354 x 472 px), within `[upload] photo_max_bytes`. Scaled only: a JPEG that already
//! fits, the right way up, is kept byte for byte; anything else is decoded, turned as
//! displayed, and scaled (never below the digital size) and re-encoded until it fits.

use super::UploadError;
use super::image::{self as img, ImageFile};
use crate::codes;
use crate::issue::Issue;
use crate::photo::sniff::Format;
use ::image::DynamicImage;

/// The platform photo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformPhoto {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// The original file unchanged.
    pub unchanged: bool,
    /// The JPEG quality it was encoded at (0 when unchanged).
    pub quality: u8,
}

/// The longest side a platform photo made from a large original starts from: 1,000 px
/// (750 x 1,000 at 3:4, over four times the digital size's pixels) is about 100 KB at
/// quality 92, inside the 40-200 KB the platform asks, and a 4,000 px master is read at a
/// quarter scale for it.
const START_LONG_SIDE: u32 = 1000;

/// Qualities tried, best first: a portrait is looked at closely, so the ladder stays high.
const QUALITIES: [u8; 7] = [95, 92, 88, 84, 80, 75, 70];

/// The platform photo of `bytes` (named `name` in messages); `min` is the profile's digital
/// size (width, height). `Err` is the issue to tell (a photo that is not a JPEG or PNG is
/// already judged by the photo stage; this says only that no platform photo was made).
pub fn platform_photo(
    name: &str,
    bytes: &[u8],
    working: Option<&crate::photo::decode::Working>,
    min: (u32, u32),
    (min_bytes, max_bytes): (u64, u64),
) -> Result<PlatformPhoto, Issue> {
    let fail = |detail: &UploadError| {
        Issue::warning(codes::UPLOAD_PHOTO_NOT_MADE)
            .arg("file", name)
            .arg("detail", detail)
    };
    let file = match ImageFile::sniff(bytes) {
        Some(Ok(f)) => f,
        Some(Err(e)) => return Err(fail(&e)),
        None => return Err(fail(&UploadError::NotJpegOrPng)),
    };
    let (dw, dh) = file.displayed();
    if file.header.format == Format::Jpeg
        && file.header.orientation == 1
        && file.embeddable_jpeg()
        && bytes.len() as u64 <= max_bytes
    {
        return Ok(PlatformPhoto {
            jpeg: bytes.to_vec(),
            width: dw,
            height: dh,
            unchanged: true,
            quality: 0,
        });
    }
    // The photo stage's working image (a box-filtered reduction, as displayed, in sRGB) when
    // it is at least the digital size: a 12-megapixel master is not decoded a second time.
    // When that comes out under `min_bytes`, the file is decoded again at the smallest DCT
    // scale that keeps START_LONG_SIDE (never beyond its own size).
    if let Some(w) = working
        && w.width >= min.0
        && w.height >= min.1
        && let Some(rgb) = image::RgbImage::from_raw(w.width, w.height, w.rgb.clone())
        && let Some(made) = fit(&DynamicImage::ImageRgb8(rgb), min, max_bytes, &fail)?
        && made.jpeg.len() as u64 >= min_bytes
    {
        return Ok(made);
    }
    let decoded = img::decode(bytes, &file, START_LONG_SIDE.max(min.1)).map_err(|e| fail(&e))?;
    let full = img::scaled(&decoded, START_LONG_SIDE.max(min.0.max(min.1)));
    match fit(&full, min, max_bytes, &fail)? {
        Some(made) => Ok(made),
        None => {
            let smallest = img::encode_jpeg(
                &img::scaled(
                    &full,
                    full.width().max(full.height()) * min.1 / full.height().max(1),
                ),
                QUALITIES[QUALITIES.len() - 1],
            )
            .map_err(|e| fail(&e))?;
            Err(Issue::warning(codes::UPLOAD_PHOTO_TOO_LARGE)
                .arg("file", name)
                .arg("size", super::mb(smallest.len() as u64))
                .arg("budget", super::mb(max_bytes)))
        }
    }
}

/// The best (largest, then highest quality) encoding of `full` within `max_bytes`, scaled
/// down step by step to the digital size `min`; `None` when even that does not fit.
fn fit(
    full: &DynamicImage,
    min: (u32, u32),
    max_bytes: u64,
    fail: &dyn Fn(&UploadError) -> Issue,
) -> Result<Option<PlatformPhoto>, Issue> {
    let floor = (min.0 as f64 / full.width() as f64)
        .max(min.1 as f64 / full.height() as f64)
        .min(1.0);
    let mut scales = vec![1.0f64];
    let mut k = 1.0;
    while k * 0.8 > floor {
        k *= 0.8;
        scales.push(k);
    }
    if floor < 1.0 {
        scales.push(floor);
    }
    for &k in &scales {
        let long = ((full.width().max(full.height()) as f64) * k).ceil() as u32;
        let scaled = img::scaled(full, long);
        for &q in &QUALITIES {
            let jpeg = img::encode_jpeg_full_colour(&scaled, q).map_err(|e| fail(&e))?;
            if jpeg.len() as u64 <= max_bytes {
                return Ok(Some(PlatformPhoto {
                    width: scaled.width(),
                    height: scaled.height(),
                    jpeg,
                    unchanged: false,
                    quality: q,
                }));
            }
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::RgbImage;

    fn noisy(w: u32, h: u32) -> Vec<u8> {
        // Texture that does not compress away: a hash of the position.
        let img = RgbImage::from_fn(w, h, |x, y| {
            let v = (x.wrapping_mul(2654435761) ^ y.wrapping_mul(40503)).wrapping_mul(2246822519);
            image::Rgb([(v >> 8) as u8, (v >> 16) as u8, (v >> 24) as u8])
        });
        img::encode_jpeg(&DynamicImage::ImageRgb8(img), 95).unwrap()
    }

    #[test]
    fn a_small_jpeg_is_kept_byte_for_byte() {
        let small =
            img::encode_jpeg(&DynamicImage::ImageRgb8(RgbImage::new(354, 472)), 90).unwrap();
        let p = platform_photo("a.jpg", &small, None, (354, 472), (40_000, 200_000)).unwrap();
        assert!(p.unchanged);
        assert_eq!(p.jpeg, small);
    }

    #[test]
    fn a_large_photo_is_scaled_never_below_the_digital_size() {
        let big = noisy(1500, 2000);
        assert!(big.len() > 200_000);
        let p = platform_photo("big.jpg", &big, None, (354, 472), (40_000, 200_000)).unwrap();
        assert!(!p.unchanged);
        assert!(p.jpeg.len() <= 200_000);
        assert!(
            p.width >= 354 && p.height >= 472,
            "{} x {}",
            p.width,
            p.height
        );
        assert_eq!(
            p,
            platform_photo("big.jpg", &big, None, (354, 472), (40_000, 200_000)).unwrap()
        );
    }

    #[test]
    fn a_budget_too_small_says_so() {
        let big = noisy(708, 944);
        let e = platform_photo("x.jpg", &big, None, (354, 472), (0, 1_000)).unwrap_err();
        assert_eq!(e.code, codes::UPLOAD_PHOTO_TOO_LARGE);
    }
}
