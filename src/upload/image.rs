//! Scans and photos as images for the platform: read the headers, decode with limits (a large
//! JPEG at a reduced DCT scale, never at full size when a smaller one is enough), turn as
//! displayed (EXIF orientation), scale to a long side, encode as a baseline JPEG.

use crate::photo::sniff::{self, Format, Header, Stored};
use image::{DynamicImage, GrayImage, RgbImage, imageops::FilterType};

/// The most pixels an image may have to be decoded (a 100-megapixel scan is refused, with a
/// message, instead of taking 300 MB of memory).
pub const MAX_PIXELS: u64 = 100_000_000;

/// An image file's headers, when it is one permitpack can place on a page.
#[derive(Debug, Clone)]
pub struct ImageFile {
    pub header: Header,
}

impl ImageFile {
    /// The headers of a JPEG or PNG; `None` for anything else (a PDF, a HEIC photo...).
    pub fn sniff(bytes: &[u8]) -> Option<Result<ImageFile, String>> {
        match Format::detect(bytes) {
            Some(Format::Jpeg) | Some(Format::Png) => Some(
                sniff::sniff(bytes)
                    .map(|header| ImageFile { header })
                    .map_err(|e| format!("{e:?}")),
            ),
            _ => None,
        }
    }

    /// Width and height as displayed (after the EXIF orientation).
    pub fn displayed(&self) -> (u32, u32) {
        let h = &self.header;
        if (5..=8).contains(&h.orientation) {
            (h.height, h.width)
        } else {
            (h.width, h.height)
        }
    }

    /// A JPEG that a PDF can carry as it is (DCTDecode): grey or RGB, 8 bits.
    pub fn embeddable_jpeg(&self) -> bool {
        let h = &self.header;
        h.format == Format::Jpeg && h.bit_depth == 8 && matches!(h.stored, Stored::Grey | Stored::Rgb)
    }

    /// Whether the stored pixels are grey (kept grey: a third of the bytes).
    pub fn grey(&self) -> bool {
        matches!(self.header.stored, Stored::Grey | Stored::GreyAlpha)
    }
}

/// Decodes `bytes` with its longer side at least `long_side` (or its full size when smaller),
/// as displayed, composited over white, grey or RGB.
pub fn decode(bytes: &[u8], file: &ImageFile, long_side: u32) -> Result<DynamicImage, String> {
    let h = &file.header;
    let pixels = h.width as u64 * h.height as u64;
    if pixels > MAX_PIXELS {
        return Err(format!("{} x {} pixels is over the limit of {MAX_PIXELS}", h.width, h.height));
    }
    let mut img = match h.format {
        Format::Jpeg => decode_jpeg(bytes, h, long_side)?,
        Format::Png => decode_png(bytes)?,
        other => return Err(format!("{} is not decoded", other.key())),
    };
    if let Some(o) = image::metadata::Orientation::from_exif(h.orientation)
        && o != image::metadata::Orientation::NoTransforms
    {
        img.apply_orientation(o);
    }
    Ok(img)
}

fn decode_jpeg(bytes: &[u8], h: &Header, long_side: u32) -> Result<DynamicImage, String> {
    let mut d = jpeg_decoder::Decoder::new(bytes);
    d.set_max_decoding_buffer_size(h.width as usize * h.height as usize * 4 + (1 << 20));
    d.read_info().map_err(|e| e.to_string())?;
    // The decoder picks the smallest DCT scale (1/8, 1/4, 1/2, 1) meeting either side asked
    // for; the other side is asked an impossible size so the longer side decides.
    let want = long_side.min(u16::MAX as u32) as u16;
    let (rw, rh) = if h.width >= h.height { (want, u16::MAX) } else { (u16::MAX, want) };
    let (w, hh) = d.scale(rw, rh).map_err(|e| e.to_string())?;
    let (w, hh) = (w as u32, hh as u32);
    let px = d.decode().map_err(|e| e.to_string())?;
    let format = d.info().map(|i| i.pixel_format).ok_or("the JPEG headers could not be read")?;
    let n = w as usize * hh as usize;
    let bad = || "unexpected JPEG output size".to_string();
    Ok(match format {
        jpeg_decoder::PixelFormat::L8 => {
            DynamicImage::ImageLuma8(GrayImage::from_raw(w, hh, px).ok_or_else(bad)?)
        }
        jpeg_decoder::PixelFormat::RGB24 => {
            DynamicImage::ImageRgb8(RgbImage::from_raw(w, hh, px).ok_or_else(bad)?)
        }
        jpeg_decoder::PixelFormat::CMYK32 => {
            if px.len() != n * 4 {
                return Err(bad());
            }
            // Naive CMYK -> RGB (no print profile), as the photo stage does: jpeg-decoder
            // has already undone Adobe's inversion and YCCK.
            let mut rgb = Vec::with_capacity(n * 3);
            for p in px.chunks_exact(4) {
                let k = 255 - p[3] as u32;
                for &c in &p[..3] {
                    rgb.push(((255 - c as u32) * k / 255) as u8);
                }
            }
            DynamicImage::ImageRgb8(RgbImage::from_raw(w, hh, rgb).ok_or_else(bad)?)
        }
        jpeg_decoder::PixelFormat::L16 => return Err("16-bit JPEG is not supported".into()),
    })
}

fn decode_png(bytes: &[u8]) -> Result<DynamicImage, String> {
    let mut reader = image::ImageReader::with_format(
        std::io::Cursor::new(bytes),
        image::ImageFormat::Png,
    );
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_PIXELS * 8);
    reader.limits(limits);
    let img = reader.decode().map_err(|e| e.to_string())?;
    let grey = !img.color().has_color();
    if !img.color().has_alpha() {
        return Ok(if grey {
            DynamicImage::ImageLuma8(img.to_luma8())
        } else {
            DynamicImage::ImageRgb8(img.to_rgb8())
        });
    }
    // Transparency over white, as on paper.
    let rgba = img.to_rgba8();
    let over = |c: u8, a: u8| ((c as u32 * a as u32 + 255 * (255 - a as u32) + 127) / 255) as u8;
    let (w, h) = rgba.dimensions();
    let mut rgb = RgbImage::new(w, h);
    for (dst, src) in rgb.pixels_mut().zip(rgba.pixels()) {
        let [r, g, b, a] = src.0;
        dst.0 = [over(r, a), over(g, a), over(b, a)];
    }
    Ok(if grey {
        DynamicImage::ImageLuma8(DynamicImage::ImageRgb8(rgb).to_luma8())
    } else {
        DynamicImage::ImageRgb8(rgb)
    })
}

/// The image with its longer side at most `long_side` (never enlarged).
pub fn scaled(img: &DynamicImage, long_side: u32) -> DynamicImage {
    let (w, h) = (img.width(), img.height());
    if w.max(h) <= long_side {
        return img.clone();
    }
    let k = long_side as f64 / w.max(h) as f64;
    let nw = ((w as f64 * k).round() as u32).max(1);
    let nh = ((h as f64 * k).round() as u32).max(1);
    img.resize_exact(nw, nh, FilterType::Triangle)
}

/// A baseline JPEG of `img` at `quality` (1-100); no metadata, so the same pixels give the
/// same bytes.
pub fn encode_jpeg(img: &DynamicImage, quality: u8) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
    match img {
        DynamicImage::ImageLuma8(g) => g.write_with_encoder(enc),
        DynamicImage::ImageRgb8(c) => c.write_with_encoder(enc),
        other => other.to_rgb8().write_with_encoder(enc),
    }
    .map_err(|e| e.to_string())?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
        encode_jpeg(&DynamicImage::ImageRgb8(img), 90).unwrap()
    }

    #[test]
    fn a_large_jpeg_is_decoded_at_a_reduced_scale_but_not_below_the_long_side() {
        let bytes = jpeg(4000, 3000);
        let f = ImageFile::sniff(&bytes).unwrap().unwrap();
        let img = decode(&bytes, &f, 1600).unwrap();
        // 1/2 scale gives 2000 x 1500: the smallest DCT scale with the long side >= 1600.
        assert_eq!((img.width(), img.height()), (2000, 1500));
        let small = scaled(&img, 1240);
        assert_eq!((small.width(), small.height()), (1240, 930));
        assert_eq!(scaled(&small, 5000).dimensions_pair(), (1240, 930));
    }

    trait Pair {
        fn dimensions_pair(&self) -> (u32, u32);
    }
    impl Pair for DynamicImage {
        fn dimensions_pair(&self) -> (u32, u32) {
            (self.width(), self.height())
        }
    }

    #[test]
    fn encoding_is_deterministic_and_smaller_at_lower_quality() {
        let bytes = jpeg(800, 600);
        let f = ImageFile::sniff(&bytes).unwrap().unwrap();
        let img = decode(&bytes, &f, 800).unwrap();
        let a = encode_jpeg(&img, 85).unwrap();
        assert_eq!(a, encode_jpeg(&img, 85).unwrap());
        assert!(encode_jpeg(&img, 45).unwrap().len() < a.len());
    }

    #[test]
    fn not_an_image_is_none() {
        assert!(ImageFile::sniff(b"%PDF-1.7\n").is_none());
        assert!(ImageFile::sniff(b"PK\x03\x04").is_none());
    }
}
