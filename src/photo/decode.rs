//! Decodes a JPEG or PNG (whose headers [`super::sniff`] has already accepted) into a small
//! 8-bit sRGB working image, as displayed. JPEGs are decoded at reduced scale in the DCT
//! domain; PNG rows stream through a box filter, so only the working image is kept.
//! Greyscale/CMYK/alpha/16-bit/ICC-profiled pixels are converted on the way, and the EXIF
//! orientation is applied last. Decoder limits are always set.

use super::icc::{self, IccSummary, ToSrgb};
use super::sniff::{Format, Header, Stored};
use serde::Serialize;

/// The working image's shorter side is reduced to about this many pixels (never enlarged):
/// enough for the background bands, the uniformity blocks and the face detector.
pub const WORK_SHORT_SIDE: u32 = 400;

/// The photo as displayed, reduced for measuring.
#[derive(Debug, Clone, PartialEq)]
pub struct Working {
    /// Interleaved sRGB, 3 bytes a pixel, `width * height * 3` long.
    pub rgb: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub colour: ColourFacts,
}

impl Working {
    pub fn pixel(&self, x: u32, y: u32) -> [u8; 3] {
        let i = ((y * self.width + x) * 3) as usize;
        [self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]]
    }
}

/// What was found about the colour encoding while decoding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColourFacts {
    pub stored: Stored,
    pub bit_depth: u8,
    /// An alpha channel (or PNG tRNS transparency) is present.
    pub alpha_channel: bool,
    /// Some pixel is not fully opaque (composited over white for judging).
    pub transparent_pixels: bool,
    /// The embedded colour profile, if any.
    pub icc: Option<IccSummary>,
    /// A non-sRGB profile was converted to sRGB.
    pub icc_converted: bool,
}

/// Integer box reduction, fed one RGB row at a time.
struct BoxDown {
    factor: u32,
    in_width: u32,
    out_width: u32,
    out_height: u32,
    acc: Vec<u32>,
    rows_in_acc: u32,
    out: Vec<u8>,
}

impl BoxDown {
    fn new(in_width: u32, in_height: u32, factor: u32) -> BoxDown {
        let out_width = (in_width / factor).max(1);
        let out_height = (in_height / factor).max(1);
        BoxDown {
            factor,
            in_width,
            out_width,
            out_height,
            acc: vec![0; out_width as usize * 3],
            rows_in_acc: 0,
            out: Vec::with_capacity(out_width as usize * out_height as usize * 3),
        }
    }

    /// Adds one input row of `in_width` RGB pixels.
    fn push(&mut self, row: &[u8]) {
        if self.out.len() >= self.out_width as usize * self.out_height as usize * 3 {
            return; // rows beyond the last whole block are dropped
        }
        let f = self.factor as usize;
        let usable = (self.out_width as usize * f).min(self.in_width as usize);
        for (ox, acc) in self.acc.chunks_exact_mut(3).enumerate() {
            let start = ox * f * 3;
            let end = ((ox + 1) * f).min(usable) * 3;
            let Some(block) = row.get(start..end) else {
                break;
            };
            for px in block.chunks_exact(3) {
                acc[0] += px[0] as u32;
                acc[1] += px[1] as u32;
                acc[2] += px[2] as u32;
            }
        }
        self.rows_in_acc += 1;
        if self.rows_in_acc == self.factor {
            self.flush();
        }
    }

    fn flush(&mut self) {
        let n = self.factor * self.factor.min(self.in_width);
        let n = n.max(1);
        let half = n / 2;
        for v in self.acc.iter_mut() {
            self.out.push(((*v + half) / n).min(255) as u8);
            *v = 0;
        }
        self.rows_in_acc = 0;
    }

    fn finish(mut self) -> (Vec<u8>, u32, u32) {
        // A partial last block (image height not a multiple of the factor) is dropped unless
        // it is the only row of output.
        if self.out.is_empty() && self.rows_in_acc > 0 {
            let n = (self.rows_in_acc * self.factor.min(self.in_width)).max(1);
            for v in self.acc.iter() {
                self.out.push(((*v + n / 2) / n).min(255) as u8);
            }
        }
        let h = (self.out.len() / (self.out_width as usize * 3)) as u32;
        (self.out, self.out_width, h)
    }
}

/// The box factor that brings the shorter side down to about [`WORK_SHORT_SIDE`].
pub fn reduction_factor(width: u32, height: u32) -> u32 {
    (width.min(height) / WORK_SHORT_SIDE).max(1)
}

/// Converts one stored row (`channels` bytes a pixel: 1 grey, 2 grey+alpha, 3 RGB,
/// 4 RGB+alpha) to RGB, compositing transparency over white. Returns whether a pixel was
/// not fully opaque.
fn to_rgb_row(src: &[u8], channels: usize, dst: &mut Vec<u8>) -> bool {
    dst.clear();
    let mut transparent = false;
    let over_white = |c: u8, a: u8| -> u8 {
        let (c, a) = (c as u32, a as u32);
        ((c * a + 255 * (255 - a) + 127) / 255) as u8
    };
    match channels {
        1 => {
            for &g in src {
                dst.extend_from_slice(&[g, g, g]);
            }
        }
        2 => {
            for p in src.chunks_exact(2) {
                transparent |= p[1] != 255;
                let g = over_white(p[0], p[1]);
                dst.extend_from_slice(&[g, g, g]);
            }
        }
        3 => dst.extend_from_slice(src),
        _ => {
            for p in src.chunks_exact(4) {
                transparent |= p[3] != 255;
                dst.extend_from_slice(&[
                    over_white(p[0], p[3]),
                    over_white(p[1], p[3]),
                    over_white(p[2], p[3]),
                ]);
            }
        }
    }
    transparent
}

/// Why a photo could not be decoded: a short technical reason, shown as the detail of the
/// "unreadable photo" issue.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("{pixels} pixels is over the limit of {max}")]
    TooManyPixels { pixels: u64, max: u64 },
    #[error("{0} is not decoded")]
    Format(&'static str),
    #[error("{0}")]
    Jpeg(#[from] jpeg_decoder::Error),
    #[error("{0}")]
    Png(#[from] png::DecodingError),
    #[error("the JPEG decoder found {found_w} x {found_h}, the header says {w} x {h}")]
    JpegSize {
        found_w: u16,
        found_h: u16,
        w: u32,
        h: u32,
    },
    #[error("the PNG has {rows} of {h} rows")]
    PngRows { rows: u32, h: u32 },
    /// A file the decoders could not make sense of, in a fixed sentence.
    #[error("{0}")]
    Malformed(&'static str),
}

/// Decodes the file into the working image. `Err` carries a short technical reason.
pub fn decode(bytes: &[u8], header: &Header, max_pixels: u64) -> Result<Working, DecodeError> {
    let pixels = header.width as u64 * header.height as u64;
    if pixels > max_pixels {
        return Err(DecodeError::TooManyPixels {
            pixels,
            max: max_pixels,
        });
    }
    let (rgb, w, h, mut colour, icc_bytes) = match header.format {
        Format::Jpeg => decode_jpeg(bytes, header)?,
        Format::Png => decode_png(bytes, header, max_pixels)?,
        other => return Err(DecodeError::Format(other.key())),
    };
    let mut rgb = rgb;
    if let Some(p) = icc_bytes.as_deref() {
        colour.icc = icc::summarize(p);
        if let Some(s) = &colour.icc
            && s.space == "RGB"
            && !s.srgb
            && let Some(conv) = ToSrgb::new(p)
            && conv.apply(&mut rgb).is_ok()
        {
            colour.icc_converted = true;
        }
    }
    let (rgb, width, height) = orient(rgb, w, h, header.orientation)?;
    Ok(Working {
        rgb,
        width,
        height,
        colour,
    })
}

type Decoded = (Vec<u8>, u32, u32, ColourFacts, Option<Vec<u8>>);

/// JPEGs are decoded at a reduced scale in the DCT domain (1/8, 1/4 or 1/2, by
/// `jpeg-decoder`), the smallest that keeps the shorter side at [`JPEG_MIN_SHORT_SIDE`] or
/// more: a 12-megapixel photo never exists at full size in memory. 1/8 keeps only each
/// 8 x 8 block's average, exactly a box filter.
pub const JPEG_MIN_SHORT_SIDE: u32 = 300;

/// The `(width, height)` to ask `jpeg-decoder` for so that the shorter side stays at least
/// [`JPEG_MIN_SHORT_SIDE`]: the decoder picks the smallest scale meeting either request, so
/// the longer side is asked for an impossible size.
fn jpeg_request(w: u32, h: u32) -> (u16, u16) {
    let short = JPEG_MIN_SHORT_SIDE.min(w.min(h)) as u16;
    if w <= h {
        (short, u16::MAX)
    } else {
        (u16::MAX, short)
    }
}

/// Whether `jpeg-decoder`, asked for [`jpeg_request`], would decode at 1/8 scale (its
/// `choose_idct_size`: the smallest scale meeting either requested side).
fn eighth_is_chosen(w: u32, h: u32) -> bool {
    let (rw, rh) = jpeg_request(w, h);
    w.div_ceil(8) >= rw as u32 || h.div_ceil(8) >= rh as u32
}

fn decode_jpeg(bytes: &[u8], header: &Header) -> Result<Decoded, DecodeError> {
    let colour = ColourFacts {
        stored: header.stored,
        bit_depth: header.bit_depth,
        alpha_channel: false,
        transparent_pixels: false,
        icc: None,
        icc_converted: false,
    };
    // The DC-only decoder gives the same 1/8-scale image several times faster; anything it
    // does not handle (or any error) goes to jpeg-decoder below, exactly as before.
    if eighth_is_chosen(header.width, header.height)
        && let Ok(e) = super::jpeg_dc::decode_eighth(bytes, header.width, header.height)
    {
        let (rgb, ow, oh) = reduce(&e.rgb, e.width, e.height, 3);
        return Ok((rgb, ow, oh, colour, header.icc.clone()));
    }
    decode_jpeg_decoder(bytes, header, colour)
}

/// The general path: `jpeg-decoder` with DCT-domain scaling.
fn decode_jpeg_decoder(
    bytes: &[u8],
    header: &Header,
    colour: ColourFacts,
) -> Result<Decoded, DecodeError> {
    let mut d = jpeg_decoder::Decoder::new(bytes);
    // The largest buffer the decoder may plan: the full image at 4 bytes a pixel (it
    // needs less once scaled; progressive files also keep their coefficients).
    d.set_max_decoding_buffer_size(header.width as usize * header.height as usize * 4);
    d.read_info()?;
    let info = d
        .info()
        .ok_or(DecodeError::Malformed("the JPEG headers could not be read"))?;
    if (info.width as u32, info.height as u32) != (header.width, header.height) {
        return Err(DecodeError::JpegSize {
            found_w: info.width,
            found_h: info.height,
            w: header.width,
            h: header.height,
        });
    }
    let (rw, rh) = jpeg_request(header.width, header.height);
    let (w, h) = d.scale(rw, rh)?;
    let (w, h) = (w as u32, h as u32);
    let pixels = d.decode()?;
    let format = d
        .info()
        .map(|i| i.pixel_format)
        .ok_or(DecodeError::Malformed("the JPEG headers could not be read"))?;
    let channels = match format {
        jpeg_decoder::PixelFormat::L8 => 1,
        jpeg_decoder::PixelFormat::RGB24 => 3,
        jpeg_decoder::PixelFormat::CMYK32 => 4,
        jpeg_decoder::PixelFormat::L16 => {
            return Err(DecodeError::Malformed("16-bit JPEG is not supported"));
        }
    };
    if w == 0 || h == 0 || pixels.len() != w as usize * h as usize * channels {
        return Err(DecodeError::Malformed("unexpected JPEG output size"));
    }
    let (rgb, ow, oh) = reduce(&pixels, w, h, channels);
    drop(pixels);
    Ok((rgb, ow, oh, colour, header.icc.clone()))
}

/// Converts decoded JPEG pixels (1 grey, 3 RGB or 4 CMYK bytes a pixel, `w * h` of them)
/// to RGB and box-reduces them to the working size.
fn reduce(pixels: &[u8], w: u32, h: u32, channels: usize) -> (Vec<u8>, u32, u32) {
    let factor = reduction_factor(w, h);
    if factor == 1 && channels == 3 && pixels.len() == w as usize * h as usize * 3 {
        // Already the working size (a 12-megapixel photo at 1/8): nothing to average.
        return (pixels.to_vec(), w, h);
    }
    let mut boxd = BoxDown::new(w, h, factor);
    let mut row = Vec::with_capacity(w as usize * 3);
    for src in pixels.chunks_exact(w as usize * channels) {
        match channels {
            3 => boxd.push(src),
            1 => {
                to_rgb_row(src, 1, &mut row);
                boxd.push(&row);
            }
            _ => {
                // Naive CMYK -> RGB (no print profile): R = (1 - C)(1 - K), and so on.
                // jpeg-decoder has already undone Adobe's inversion and YCCK.
                row.clear();
                for p in src.chunks_exact(4) {
                    let k = 255 - p[3] as u32;
                    for &c in &p[..3] {
                        row.push(((255 - c as u32) * k / 255) as u8);
                    }
                }
                boxd.push(&row);
            }
        }
    }
    boxd.finish()
}

fn decode_png(bytes: &[u8], header: &Header, max_pixels: u64) -> Result<Decoded, DecodeError> {
    let mut dec = png::Decoder::new(std::io::Cursor::new(bytes));
    // Enough for one interlaced frame at 8 bytes a pixel (16-bit RGBA) and the metadata.
    let budget = max_pixels
        .saturating_mul(8)
        .saturating_add(16 << 20)
        .min(usize::MAX as u64) as usize;
    dec.set_limits(png::Limits { bytes: budget });
    dec.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = dec.read_info()?;
    let info = reader.info();
    let (w, h) = (info.width, info.height);
    if (w, h) != (header.width, header.height) {
        return Err(DecodeError::Malformed("the PNG size changed between reads"));
    }
    let icc_bytes = info.icc_profile.as_ref().map(|c| c.to_vec());
    let (out_type, _) = reader.output_color_type();
    let channels = match out_type {
        png::ColorType::Grayscale => 1,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        png::ColorType::Indexed => {
            return Err(DecodeError::Malformed(
                "the PNG palette could not be expanded",
            ));
        }
    };
    let factor = reduction_factor(w, h);
    let mut boxd = BoxDown::new(w, h, factor);
    let mut row = Vec::with_capacity(w as usize * 3);
    let mut transparent = false;
    let line = w as usize * channels;
    if header.progressive {
        let size = reader
            .output_buffer_size()
            .ok_or(DecodeError::Malformed("the PNG is too large"))?;
        let mut full = vec![0u8; size];
        reader.next_frame(&mut full)?;
        for src in full.chunks_exact(line).take(h as usize) {
            transparent |= to_rgb_row(src, channels, &mut row);
            boxd.push(&row);
        }
    } else {
        let mut rows = 0u32;
        while let Some(r) = reader.next_row()? {
            let src = r.data();
            if src.len() < line {
                return Err(DecodeError::Malformed("a PNG row is too short"));
            }
            transparent |= to_rgb_row(&src[..line], channels, &mut row);
            boxd.push(&row);
            rows += 1;
        }
        if rows != h {
            return Err(DecodeError::PngRows { rows, h });
        }
    }
    let (rgb, ow, oh) = boxd.finish();
    let colour = ColourFacts {
        stored: header.stored,
        bit_depth: header.bit_depth,
        alpha_channel: matches!(channels, 2 | 4),
        transparent_pixels: transparent,
        icc: None,
        icc_converted: false,
    };
    Ok((rgb, ow, oh, colour, icc_bytes))
}

/// Applies an EXIF orientation (1-8) so the pixels are as displayed.
pub fn orient(
    rgb: Vec<u8>,
    w: u32,
    h: u32,
    orientation: u8,
) -> Result<(Vec<u8>, u32, u32), DecodeError> {
    let Some(o) = image::metadata::Orientation::from_exif(orientation) else {
        return Ok((rgb, w, h));
    };
    if o == image::metadata::Orientation::NoTransforms {
        return Ok((rgb, w, h));
    }
    let img = image::RgbImage::from_raw(w, h, rgb)
        .ok_or(DecodeError::Malformed("working image has the wrong length"))?;
    let mut dynimg = image::DynamicImage::ImageRgb8(img);
    dynimg.apply_orientation(o);
    let out = dynimg.into_rgb8();
    let (w, h) = out.dimensions();
    Ok((out.into_raw(), w, h))
}

#[cfg(test)]
mod tests {
    use super::super::sniff::sniff;
    use super::*;

    fn encode_png(img: &image::DynamicImage) -> Vec<u8> {
        let mut out = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn box_reduction_averages_blocks() {
        let mut b = BoxDown::new(4, 4, 2);
        for y in 0..4u8 {
            let row: Vec<u8> = (0..4u8).flat_map(|x| [x * 10 + y, 0, 255]).collect();
            b.push(&row);
        }
        let (out, w, h) = b.finish();
        assert_eq!((w, h), (2, 2));
        // block (0,0): x in 0..2, y in 0..2 -> (0+10+1+11)/4 = 5.5 -> 6
        assert_eq!(&out[0..3], &[6, 0, 255]);
        assert_eq!(reduction_factor(4000, 3000), 7);
        assert_eq!(reduction_factor(413, 567), 1);
    }

    #[test]
    fn jpeg_is_decoded_at_reduced_scale() {
        // 3000 x 4000 -> 1/8 in the DCT domain (375 x 500): above 300 on the short side.
        assert_eq!(jpeg_request(3000, 4000), (300, u16::MAX));
        assert_eq!(jpeg_request(4000, 3000), (u16::MAX, 300));
        assert_eq!(jpeg_request(200, 100), (u16::MAX, 100));
        let img = image::RgbImage::from_fn(1600, 1200, |x, _| {
            if x < 800 {
                image::Rgb([255, 0, 0])
            } else {
                image::Rgb([0, 0, 255])
            }
        });
        let mut bytes = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90)
            .encode_image(&img)
            .unwrap();
        let h = sniff(&bytes).unwrap();
        let w = decode(&bytes, &h, 100_000_000).unwrap();
        // 1/4 scale: 400 x 300 (1/8 would give a short side of 150).
        assert_eq!((w.width, w.height), (400, 300));
        let left = w.pixel(10, 150);
        let right = w.pixel(390, 150);
        assert!(left[0] > 230 && left[2] < 30, "{left:?}");
        assert!(right[2] > 230 && right[0] < 30, "{right:?}");
    }

    /// A JPEG big enough for 1/8 scale (short side 2400 -> 300).
    fn big_jpeg(progressive: bool, sampling: jpeg_encoder::SamplingFactor) -> Vec<u8> {
        let (w, h) = (2400u16, 2520u16);
        let rgb: Vec<u8> = (0..h as u32)
            .flat_map(|y| {
                (0..w as u32)
                    .flat_map(move |x| [(x / 10) as u8, (y / 10) as u8, ((x ^ y) & 0xFF) as u8])
            })
            .collect();
        let mut out = Vec::new();
        let mut e = jpeg_encoder::Encoder::new(&mut out, 85);
        e.set_progressive(progressive);
        e.set_sampling_factor(sampling);
        e.set_restart_interval(32);
        e.encode(&rgb, w, h, jpeg_encoder::ColorType::Rgb).unwrap();
        out
    }

    /// At 1/8 scale the DC-only decoder is used and gives jpeg-decoder's image (within one
    /// level of colour rounding); files it refuses give exactly jpeg-decoder's result, errors
    /// included.
    #[test]
    fn eighth_scale_fast_path_and_fallback() {
        use jpeg_encoder::SamplingFactor::*;
        assert!(eighth_is_chosen(2960, 4064) && eighth_is_chosen(2400, 2520));
        assert!(!eighth_is_chosen(2392, 4000) && !eighth_is_chosen(1600, 1200));
        let colour = |h: &Header| ColourFacts {
            stored: h.stored,
            bit_depth: h.bit_depth,
            alpha_channel: false,
            transparent_pixels: false,
            icc: None,
            icc_converted: false,
        };
        let ok = big_jpeg(false, R_4_2_0);
        let h = sniff(&ok).unwrap();
        assert!(super::super::jpeg_dc::decode_eighth(&ok, h.width, h.height).is_ok());
        let fast = decode_jpeg(&ok, &h).unwrap();
        let slow = decode_jpeg_decoder(&ok, &h, colour(&h)).unwrap();
        assert_eq!((fast.1, fast.2), (300, 315));
        assert_eq!((fast.1, fast.2, &fast.3), (slow.1, slow.2, &slow.3));
        let max = fast
            .0
            .iter()
            .zip(&slow.0)
            .map(|(a, b)| a.abs_diff(*b))
            .max();
        assert!(max <= Some(1), "{max:?}");

        let sos = ok.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
        let mut garbage = ok.clone();
        for (i, b) in garbage.iter_mut().enumerate().skip(sos + 20).take(5000) {
            *b = (i * 7919 % 251) as u8;
        }
        let mut bad_dht = ok.clone();
        let dht = ok.windows(2).position(|w| w == [0xFF, 0xC4]).unwrap();
        bad_dht[dht + 5] = 3; // three 1-bit codes
        let refused = [
            ("progressive", big_jpeg(true, R_4_2_0)),
            ("4:1:1", big_jpeg(false, R_4_1_1)),
            ("truncated", ok[..ok.len() / 2].to_vec()),
            ("garbage after SOS", garbage),
            ("bad DHT", bad_dht),
        ];
        for (what, bytes) in refused {
            assert!(
                super::super::jpeg_dc::decode_eighth(&bytes, h.width, h.height).is_err(),
                "{what}"
            );
            let via = decode_jpeg(&bytes, &h);
            let direct = decode_jpeg_decoder(&bytes, &h, colour(&h));
            match (via, direct) {
                (Ok(a), Ok(b)) => assert!(a.0 == b.0 && (a.1, a.2) == (b.1, b.2), "{what}"),
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{what}"),
                (a, b) => panic!("{what}: {:?} vs {:?}", a.err(), b.err()),
            }
        }
    }

    #[test]
    fn png_alpha_is_composited_over_white_and_reported() {
        let mut img = image::RgbaImage::from_pixel(8, 8, image::Rgba([0, 0, 255, 255]));
        img.put_pixel(0, 0, image::Rgba([0, 0, 0, 0]));
        let bytes = encode_png(&image::DynamicImage::ImageRgba8(img));
        let h = sniff(&bytes).unwrap();
        let w = decode(&bytes, &h, 1_000_000).unwrap();
        assert_eq!((w.width, w.height), (8, 8));
        assert!(w.colour.alpha_channel && w.colour.transparent_pixels);
        assert_eq!(w.pixel(0, 0), [255, 255, 255]);
        assert_eq!(w.pixel(1, 1), [0, 0, 255]);
    }

    #[test]
    fn sixteen_bit_grey_png_becomes_rgb() {
        let img = image::ImageBuffer::<image::Luma<u16>, Vec<u16>>::from_pixel(
            5,
            3,
            image::Luma([65535]),
        );
        let bytes = encode_png(&image::DynamicImage::ImageLuma16(img));
        let h = sniff(&bytes).unwrap();
        assert_eq!((h.stored, h.bit_depth), (Stored::Grey, 16));
        let w = decode(&bytes, &h, 1_000_000).unwrap();
        assert_eq!(w.pixel(4, 2), [255, 255, 255]);
        assert!(!w.colour.alpha_channel);
    }

    #[test]
    fn pixel_cap_refuses_before_decoding() {
        let img = image::RgbImage::new(100, 100);
        let bytes = encode_png(&image::DynamicImage::ImageRgb8(img));
        let h = sniff(&bytes).unwrap();
        assert!(decode(&bytes, &h, 9_999).is_err());
        assert!(decode(&bytes, &h, 10_000).is_ok());
    }

    #[test]
    fn orientation_six_turns_landscape_into_portrait() {
        // 3 x 2 stored; top-left red. Orientation 6 = rotate 90 clockwise to display:
        // the stored top-left ends up top-right.
        let mut rgb = vec![0u8; 3 * 2 * 3];
        rgb[0..3].copy_from_slice(&[255, 0, 0]);
        let (out, w, h) = orient(rgb, 3, 2, 6).unwrap();
        assert_eq!((w, h), (2, 3));
        assert_eq!(&out[3..6], &[255, 0, 0]);
    }
}
