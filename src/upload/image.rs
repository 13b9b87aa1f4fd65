//! Scans and photos as images for the platform: read the headers, decode with limits (a large
//! JPEG at a reduced DCT scale, never at full size when a smaller one is enough), turn as
//! displayed (EXIF orientation), scale to a long side, encode as a baseline JPEG.

use super::UploadError;
use crate::photo::jpeg_dc;
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
    pub fn sniff(bytes: &[u8]) -> Option<Result<ImageFile, UploadError>> {
        match Format::detect(bytes) {
            Some(Format::Jpeg) | Some(Format::Png) => Some(
                sniff::sniff(bytes)
                    .map(|header| ImageFile { header })
                    .map_err(UploadError::Sniff),
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
        h.format == Format::Jpeg
            && h.bit_depth == 8
            && matches!(h.stored, Stored::Grey | Stored::Rgb)
    }

    /// Whether the stored pixels are grey (kept grey: a third of the bytes).
    pub fn grey(&self) -> bool {
        matches!(self.header.stored, Stored::Grey | Stored::GreyAlpha)
    }
}

/// Decodes `bytes` with its longer side at least `long_side` (or its full size when smaller),
/// as displayed, composited over white, grey or RGB.
pub fn decode(bytes: &[u8], file: &ImageFile, long_side: u32) -> Result<DynamicImage, UploadError> {
    let h = &file.header;
    let pixels = h.width as u64 * h.height as u64;
    if pixels > MAX_PIXELS {
        return Err(UploadError::TooManyPixels {
            width: h.width,
            height: h.height,
            limit: MAX_PIXELS,
        });
    }
    let mut img = match h.format {
        Format::Jpeg => decode_jpeg(bytes, h, long_side)?,
        Format::Png => decode_png(bytes)?,
        other => {
            return Err(UploadError::NotDecoded {
                format: other.key(),
            });
        }
    };
    if let Some(o) = image::metadata::Orientation::from_exif(h.orientation)
        && o != image::metadata::Orientation::NoTransforms
    {
        img.apply_orientation(o);
    }
    Ok(img)
}

fn decode_jpeg(bytes: &[u8], h: &Header, long_side: u32) -> Result<DynamicImage, UploadError> {
    // At 1/8 or 1/4 scale a baseline file goes through the photo stage's fast decoder
    // (Huffman data skipped past the few coefficients those scales need); anything it does
    // not take goes to jpeg-decoder below.
    let scale = jpeg_scale(h.width, h.height, long_side);
    if scale >= 4 {
        let fast = if scale == 8 {
            jpeg_dc::decode_eighth(bytes, h.width, h.height)
        } else {
            jpeg_dc::decode_quarter(bytes, h.width, h.height)
        };
        if let Ok(e) = fast {
            let bad = || UploadError::JpegSize;
            return Ok(if matches!(h.stored, Stored::Grey) {
                let g = e.rgb.chunks_exact(3).map(|p| p[0]).collect();
                DynamicImage::ImageLuma8(GrayImage::from_raw(e.width, e.height, g).ok_or_else(bad)?)
            } else {
                DynamicImage::ImageRgb8(
                    RgbImage::from_raw(e.width, e.height, e.rgb).ok_or_else(bad)?,
                )
            });
        }
    }
    let mut d = jpeg_decoder::Decoder::new(bytes);
    d.set_max_decoding_buffer_size(h.width as usize * h.height as usize * 4 + (1 << 20));
    d.read_info().map_err(UploadError::Jpeg)?;
    // The decoder picks the smallest DCT scale (1/8, 1/4, 1/2, 1) meeting either side asked
    // for; the other side is asked an impossible size so the longer side decides.
    let want = long_side.min(u16::MAX as u32) as u16;
    let (rw, rh) = if h.width >= h.height {
        (want, u16::MAX)
    } else {
        (u16::MAX, want)
    };
    let (w, hh) = d.scale(rw, rh).map_err(UploadError::Jpeg)?;
    let (w, hh) = (w as u32, hh as u32);
    let px = d.decode().map_err(UploadError::Jpeg)?;
    let format = d
        .info()
        .map(|i| i.pixel_format)
        .ok_or(UploadError::JpegHeaders)?;
    let n = w as usize * hh as usize;
    let bad = || UploadError::JpegSize;
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
        jpeg_decoder::PixelFormat::L16 => return Err(UploadError::Jpeg16),
    })
}

/// The DCT scale divisor (8, 4, 2 or 1) `jpeg-decoder` picks for a `w x h` file asked for
/// `long_side` on its longer side: the smallest image whose longer side reaches it.
fn jpeg_scale(w: u32, h: u32, long_side: u32) -> u32 {
    let (long, want) = (w.max(h), long_side.min(u16::MAX as u32));
    [8, 4, 2]
        .into_iter()
        .find(|&s| long.div_ceil(s) >= want)
        .unwrap_or(1)
}

fn decode_png(bytes: &[u8]) -> Result<DynamicImage, UploadError> {
    let mut reader =
        image::ImageReader::with_format(std::io::Cursor::new(bytes), image::ImageFormat::Png);
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_PIXELS * 8);
    reader.limits(limits);
    let img = reader.decode().map_err(UploadError::Png)?;
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

/// The image with its longer side at most `long_side` (never enlarged; one within 5 % of it
/// is kept as it is, a resampling that changes nothing one can see is not worth its time).
pub fn scaled(img: &DynamicImage, long_side: u32) -> DynamicImage {
    let (w, h) = (img.width(), img.height());
    if w.max(h) as u64 * 100 <= long_side as u64 * 105 {
        return img.clone();
    }
    let k = long_side as f64 / w.max(h) as f64;
    let nw = ((w as f64 * k).round() as u32).max(1);
    let nh = ((h as f64 * k).round() as u32).max(1);
    match img {
        DynamicImage::ImageLuma8(g) => {
            let px = resize(g.as_raw(), w, h, 1, nw, nh);
            GrayImage::from_raw(nw, nh, px).map(DynamicImage::ImageLuma8)
        }
        other => {
            let rgb = other.to_rgb8();
            let px = resize(rgb.as_raw(), w, h, 3, nw, nh);
            RgbImage::from_raw(nw, nh, px).map(DynamicImage::ImageRgb8)
        }
    }
    .unwrap_or_else(|| img.resize_exact(nw, nh, FilterType::Triangle))
}

/// Fixed-point precision of the resampling weights.
const WEIGHT_BITS: u32 = 14;

/// The taps of one output position: the first source index and one weight per source pixel
/// (summing to 1 << WEIGHT_BITS).
struct Taps {
    start: Vec<u32>,
    len: Vec<u32>,
    weights: Vec<i32>,
    /// Offset of each output position's weights in `weights`.
    at: Vec<usize>,
}

/// A triangle (linear) filter widened by the reduction factor, so that every source pixel
/// counts when shrinking (as Pillow's and image's "Triangle" do), in integer weights.
fn taps(src: u32, dst: u32) -> Taps {
    let scale = src as f64 / dst as f64;
    let support = scale.max(1.0);
    let mut t = Taps {
        start: Vec::with_capacity(dst as usize),
        len: Vec::with_capacity(dst as usize),
        weights: Vec::new(),
        at: Vec::with_capacity(dst as usize),
    };
    for o in 0..dst {
        let centre = (o as f64 + 0.5) * scale;
        let lo = ((centre - support).floor().max(0.0)) as u32;
        let hi = ((centre + support).ceil() as u32).min(src);
        let raw: Vec<f64> = (lo..hi)
            .map(|i| {
                let d = ((i as f64 + 0.5) - centre).abs() / support;
                (1.0 - d).max(0.0)
            })
            .collect();
        let sum: f64 = raw.iter().sum();
        let one = (1i64 << WEIGHT_BITS) as f64;
        let mut ints: Vec<i32> = raw.iter().map(|w| (w / sum * one).round() as i32).collect();
        // The rounding error goes to the largest weight, so the weights sum exactly to one.
        let err = (1i32 << WEIGHT_BITS) - ints.iter().sum::<i32>();
        if let Some(m) = (0..ints.len()).max_by_key(|&i| ints[i]) {
            ints[m] += err;
        }
        t.at.push(t.weights.len());
        t.start.push(lo);
        t.len.push(ints.len() as u32);
        t.weights.extend(ints);
    }
    t
}

/// Resamples interleaved 8-bit pixels (`channels` a pixel) from `w x h` to `nw x nh`:
/// rows first, then columns, integer arithmetic throughout.
fn resize(src: &[u8], w: u32, h: u32, channels: usize, nw: u32, nh: u32) -> Vec<u8> {
    let c = channels;
    let round = 1i32 << (WEIGHT_BITS - 1);
    let clamp = |v: i32| ((v + round) >> WEIGHT_BITS).clamp(0, 255) as u8;
    // Horizontal: h rows of nw pixels.
    let tx = taps(w, nw);
    let mut mid = vec![0u8; h as usize * nw as usize * c];
    for (y, out_row) in mid.chunks_exact_mut(nw as usize * c).enumerate() {
        let row = &src[y * w as usize * c..(y + 1) * w as usize * c];
        for x in 0..nw as usize {
            let (start, len, at) = (tx.start[x] as usize, tx.len[x] as usize, tx.at[x]);
            let ws = &tx.weights[at..at + len];
            let mut acc = [0i32; 3];
            for (k, &wt) in ws.iter().enumerate() {
                let p = (start + k) * c;
                for ch in 0..c {
                    acc[ch] += row[p + ch] as i32 * wt;
                }
            }
            for ch in 0..c {
                out_row[x * c + ch] = clamp(acc[ch]);
            }
        }
    }
    // Vertical: nh rows from the h intermediate rows.
    let ty = taps(h, nh);
    let stride = nw as usize * c;
    let mut out = vec![0u8; nh as usize * stride];
    let mut acc = vec![0i32; stride];
    for (y, out_row) in out.chunks_exact_mut(stride).enumerate() {
        let (start, len, at) = (ty.start[y] as usize, ty.len[y] as usize, ty.at[y]);
        acc.iter_mut().for_each(|a| *a = 0);
        for (k, &wt) in ty.weights[at..at + len].iter().enumerate() {
            let row = &mid[(start + k) * stride..(start + k + 1) * stride];
            for (a, &p) in acc.iter_mut().zip(row) {
                *a += p as i32 * wt;
            }
        }
        for (o, &a) in out_row.iter_mut().zip(&acc) {
            *o = clamp(a);
        }
    }
    out
}

/// A baseline JPEG of `img` at `quality` (1-100), 4:2:0 for colour as cameras and scanners
/// write; no metadata, so the same pixels give the same bytes.
pub fn encode_jpeg(img: &DynamicImage, quality: u8) -> Result<Vec<u8>, UploadError> {
    encode_jpeg_sampled(img, quality, jpeg_encoder::SamplingFactor::F_2_2)
}

/// [`encode_jpeg`] with full-resolution colour (4:4:4), for a portrait looked at closely.
pub fn encode_jpeg_full_colour(img: &DynamicImage, quality: u8) -> Result<Vec<u8>, UploadError> {
    encode_jpeg_sampled(img, quality, jpeg_encoder::SamplingFactor::F_1_1)
}

fn encode_jpeg_sampled(
    img: &DynamicImage,
    quality: u8,
    sampling: jpeg_encoder::SamplingFactor,
) -> Result<Vec<u8>, UploadError> {
    let (w, h) = (img.width(), img.height());
    if w > u16::MAX as u32 || h > u16::MAX as u32 {
        return Err(UploadError::TooLargeForJpeg {
            width: w,
            height: h,
        });
    }
    let mut out = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut out, quality);
    let result = match img {
        DynamicImage::ImageLuma8(g) => enc.encode(
            g.as_raw(),
            w as u16,
            h as u16,
            jpeg_encoder::ColorType::Luma,
        ),
        DynamicImage::ImageRgb8(c) => {
            enc.set_sampling_factor(sampling);
            enc.encode(c.as_raw(), w as u16, h as u16, jpeg_encoder::ColorType::Rgb)
        }
        other => {
            enc.set_sampling_factor(sampling);
            let c = other.to_rgb8();
            enc.encode(c.as_raw(), w as u16, h as u16, jpeg_encoder::ColorType::Rgb)
        }
    };
    result.map_err(UploadError::Encode)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
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

    #[test]
    fn resampling_keeps_flat_colour_and_averages_detail() {
        let flat =
            DynamicImage::ImageRgb8(RgbImage::from_pixel(300, 200, image::Rgb([200, 100, 50])));
        let small = scaled(&flat, 100).to_rgb8();
        assert_eq!(small.dimensions(), (100, 67));
        assert!(small.pixels().all(|p| p.0 == [200, 100, 50]));
        // A fine black-and-white stripe pattern shrinks to grey, not to stripes.
        let stripes = DynamicImage::ImageLuma8(GrayImage::from_fn(400, 400, |x, _| {
            image::Luma([if x % 2 == 0 { 0 } else { 255 }])
        }));
        let grey = scaled(&stripes, 100).to_luma8();
        assert!(
            grey.pixels().all(|p| (110..=145).contains(&p.0[0])),
            "{:?}",
            grey.get_pixel(50, 50)
        );
        // Within 5 % of the size asked: kept.
        assert_eq!(scaled(&flat, 290).width(), 300);
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
