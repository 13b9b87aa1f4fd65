//! Reads what a photo file is without decoding a pixel: the format from its magic bytes, and
//! for JPEG and PNG the stored size, colour layout, recorded dpi, EXIF orientation, embedded
//! colour profile and whether the file is complete. This is what lets the size and pixel
//! caps refuse a file before any allocation that depends on its claimed dimensions.

use serde::Serialize;

/// A file format recognised by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Jpeg,
    Png,
    Heic,
    Avif,
    Webp,
    Gif,
    Bmp,
    Tiff,
    Pdf,
    Jpeg2000,
}

impl Format {
    /// Lower-case name used in profiles and reports.
    pub fn key(self) -> &'static str {
        match self {
            Format::Jpeg => "jpeg",
            Format::Png => "png",
            Format::Heic => "heic",
            Format::Avif => "avif",
            Format::Webp => "webp",
            Format::Gif => "gif",
            Format::Bmp => "bmp",
            Format::Tiff => "tiff",
            Format::Pdf => "pdf",
            Format::Jpeg2000 => "jpeg2000",
        }
    }

    /// Recognises a format from the first bytes of a file.
    pub fn detect(b: &[u8]) -> Option<Format> {
        if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
            return Some(Format::Jpeg);
        }
        if b.starts_with(b"\x89PNG\r\n\x1a\n") {
            return Some(Format::Png);
        }
        if b.len() >= 12 && &b[4..8] == b"ftyp" {
            return match &b[8..12] {
                b"avif" | b"avis" => Some(Format::Avif),
                b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"hevm" | b"hevs"
                | b"mif1" | b"msf1" => Some(Format::Heic),
                _ => None,
            };
        }
        if b.len() >= 12 && b.starts_with(b"RIFF") && &b[8..12] == b"WEBP" {
            return Some(Format::Webp);
        }
        if b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a") {
            return Some(Format::Gif);
        }
        if b.starts_with(b"II*\0") || b.starts_with(b"MM\0*") {
            return Some(Format::Tiff);
        }
        if b.starts_with(b"%PDF") {
            return Some(Format::Pdf);
        }
        if b.starts_with(&[0, 0, 0, 0x0C, b'j', b'P', b' ', b' '])
            || b.starts_with(&[0xFF, 0x4F, 0xFF, 0x51])
        {
            return Some(Format::Jpeg2000);
        }
        if b.len() >= 26 && b.starts_with(b"BM") {
            // The DIB header size at offset 14 is 12, 40, 52, 56, 64, 108 or 124.
            let dib = u32::from_le_bytes([b[14], b[15], b[16], b[17]]);
            if matches!(dib, 12 | 40 | 52 | 56 | 64 | 108 | 124) {
                return Some(Format::Bmp);
            }
        }
        None
    }
}

/// How the pixels are stored, before any conversion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stored {
    Grey,
    GreyAlpha,
    Rgb,
    RgbAlpha,
    /// PNG palette (may carry transparency in a tRNS chunk).
    Palette,
    Cmyk,
    /// JPEG YCCK (Adobe-transformed CMYK).
    Ycck,
}

/// What the headers say about a JPEG or PNG file.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub format: Format,
    /// Stored size (before the EXIF orientation).
    pub width: u32,
    pub height: u32,
    pub stored: Stored,
    pub bit_depth: u8,
    /// Resolution recorded in the file (JFIF, EXIF or pHYs), dots per inch.
    pub dpi: Option<f64>,
    /// EXIF orientation 1-8 (1 when absent or invalid).
    pub orientation: u8,
    /// Embedded ICC profile, when JPEG carries one (PNG profiles come from the decoder).
    pub icc: Option<Vec<u8>>,
    /// PNG iCCP chunk present.
    pub has_iccp: bool,
    /// PNG sRGB chunk present (declares sRGB explicitly).
    pub srgb_chunk: bool,
    /// PNG tRNS chunk present (transparency for palette / grey / RGB).
    pub trns: bool,
    /// JPEG progressive, or PNG interlaced.
    pub progressive: bool,
}

/// Why a file could not be read as a photo.
#[derive(Debug, Clone, PartialEq)]
pub enum SniffError {
    /// The bytes are not an image format permitpack knows.
    NotImage,
    /// Another image format (HEIC, WebP, ...): convert to JPEG.
    Other(Format),
    /// The file ends before the image does.
    Truncated(&'static str),
    /// The headers are damaged or use a coding permitpack cannot decode.
    Malformed(String),
}

/// Reads the headers of a JPEG or PNG file.
pub fn sniff(bytes: &[u8]) -> Result<Header, SniffError> {
    match Format::detect(bytes) {
        Some(Format::Jpeg) => jpeg(bytes),
        Some(Format::Png) => png(bytes),
        Some(other) => Err(SniffError::Other(other)),
        None => Err(SniffError::NotImage),
    }
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes([
        *b.get(at)?,
        *b.get(at + 1)?,
        *b.get(at + 2)?,
        *b.get(at + 3)?,
    ]))
}

/// Orientation and dpi from a raw EXIF (TIFF) block.
fn exif_facts(tiff: &[u8]) -> (Option<u8>, Option<f64>) {
    let Ok(exif) = exif::Reader::new().read_raw(tiff.to_vec()) else {
        return (None, None);
    };
    let orientation = exif
        .get_field(exif::Tag::Orientation, exif::In::PRIMARY)
        .and_then(|f| f.value.get_uint(0))
        .and_then(|v| u8::try_from(v).ok())
        .filter(|v| (1..=8).contains(v));
    let unit = exif
        .get_field(exif::Tag::ResolutionUnit, exif::In::PRIMARY)
        .and_then(|f| f.value.get_uint(0))
        .unwrap_or(2);
    let xres = exif
        .get_field(exif::Tag::XResolution, exif::In::PRIMARY)
        .and_then(|f| match &f.value {
            exif::Value::Rational(v) => v.first().filter(|r| r.denom != 0).map(|r| r.to_f64()),
            _ => None,
        });
    let dpi = match (unit, xres) {
        (2, Some(x)) => Some(x),
        (3, Some(x)) => Some(x * 2.54),
        _ => None,
    }
    .filter(|d| d.is_finite() && *d > 0.0);
    (orientation, dpi)
}

fn jpeg(b: &[u8]) -> Result<Header, SniffError> {
    let mut pos = 2usize;
    let mut jfif_dpi = None;
    let mut exif_dpi = None;
    let mut orientation = None;
    let mut icc_chunks: Vec<(u8, &[u8])> = Vec::new();
    let mut adobe_transform: Option<u8> = None;
    let mut frame: Option<(u8, u32, u32, u8, bool)> = None; // precision, w, h, ncomp, progressive
    let mut in_scans = false;
    loop {
        // Find the next marker. Inside entropy-coded data 0xFF is followed by 0x00 (stuffing)
        // or a restart marker; both are data, not segment markers.
        let Some(off) = memchr::memchr(0xFF, b.get(pos..).unwrap_or(&[])) else {
            return Err(SniffError::Truncated("jpeg"));
        };
        pos += off;
        let mut m = *b.get(pos + 1).ok_or(SniffError::Truncated("jpeg"))?;
        while m == 0xFF {
            pos += 1;
            m = *b.get(pos + 1).ok_or(SniffError::Truncated("jpeg"))?;
        }
        if in_scans && (m == 0x00 || (0xD0..=0xD7).contains(&m)) {
            pos += 2;
            continue;
        }
        if !in_scans && m == 0x00 {
            // Stray data between segments: skip it as decoders do.
            pos += 2;
            continue;
        }
        pos += 2;
        match m {
            0xD9 => {
                if !in_scans {
                    return Err(SniffError::Malformed("the JPEG has no image data".into()));
                }
                break;
            }
            0xD8 | 0x01 | 0xD0..=0xD7 => continue,
            _ => {}
        }
        let len = be16(b, pos).ok_or(SniffError::Truncated("jpeg"))? as usize;
        if len < 2 {
            return Err(SniffError::Malformed(format!(
                "JPEG segment FF{m:02X} has length {len}"
            )));
        }
        let seg = b
            .get(pos + 2..pos + len)
            .ok_or(SniffError::Truncated("jpeg"))?;
        match m {
            0xE0 if seg.starts_with(b"JFIF\0") && seg.len() >= 12 => {
                let units = seg[7];
                let x = u16::from_be_bytes([seg[8], seg[9]]) as f64;
                jfif_dpi = match units {
                    1 if x > 0.0 => Some(x),
                    2 if x > 0.0 => Some(x * 2.54),
                    _ => None,
                };
            }
            0xE1 if seg.starts_with(b"Exif\0\0") => {
                let (o, d) = exif_facts(&seg[6..]);
                orientation = orientation.or(o);
                exif_dpi = exif_dpi.or(d);
            }
            0xE2 if seg.starts_with(b"ICC_PROFILE\0") && seg.len() >= 14 => {
                icc_chunks.push((seg[12], &seg[14..]));
            }
            0xEE if seg.starts_with(b"Adobe") && seg.len() >= 12 => {
                adobe_transform = Some(seg[11]);
            }
            0xC0..=0xCF if !matches!(m, 0xC4 | 0xC8 | 0xCC) => {
                if frame.is_some() {
                    return Err(SniffError::Malformed("the JPEG has two frames".into()));
                }
                match m {
                    0xC0..=0xC2 => {}
                    0xC3 => {
                        return Err(SniffError::Malformed(
                            "lossless JPEG is not supported".into(),
                        ));
                    }
                    0xC5..=0xC7 => {
                        return Err(SniffError::Malformed(
                            "hierarchical JPEG is not supported".into(),
                        ));
                    }
                    _ => {
                        return Err(SniffError::Malformed(
                            "arithmetic-coded JPEG is not supported".into(),
                        ));
                    }
                }
                if seg.len() < 6 {
                    return Err(SniffError::Malformed("JPEG frame header too short".into()));
                }
                let h = u16::from_be_bytes([seg[1], seg[2]]) as u32;
                let w = u16::from_be_bytes([seg[3], seg[4]]) as u32;
                if w == 0 || h == 0 {
                    return Err(SniffError::Malformed(format!(
                        "the JPEG claims a size of {w} x {h}"
                    )));
                }
                frame = Some((seg[0], w, h, seg[5], m == 0xC2));
            }
            0xDA => {
                if frame.is_none() {
                    return Err(SniffError::Malformed(
                        "JPEG scan before the frame header".into(),
                    ));
                }
                in_scans = true;
            }
            _ => {}
        }
        pos += len;
    }
    let (precision, width, height, ncomp, progressive) =
        frame.ok_or_else(|| SniffError::Malformed("the JPEG has no frame header".into()))?;
    let stored = match ncomp {
        1 => Stored::Grey,
        3 => Stored::Rgb,
        4 => match adobe_transform {
            Some(2) => Stored::Ycck,
            _ => Stored::Cmyk,
        },
        n => {
            return Err(SniffError::Malformed(format!(
                "a JPEG with {n} colour components"
            )));
        }
    };
    let icc = if icc_chunks.is_empty() {
        None
    } else {
        icc_chunks.sort_by_key(|(seq, _)| *seq);
        Some(
            icc_chunks
                .iter()
                .flat_map(|(_, d)| d.iter().copied())
                .collect(),
        )
    };
    Ok(Header {
        format: Format::Jpeg,
        width,
        height,
        stored,
        bit_depth: precision,
        dpi: jfif_dpi.or(exif_dpi),
        orientation: orientation.unwrap_or(1),
        icc,
        has_iccp: false,
        srgb_chunk: false,
        trns: false,
        progressive,
    })
}

fn png(b: &[u8]) -> Result<Header, SniffError> {
    let mut pos = 8usize;
    let mut ihdr: Option<(u32, u32, u8, u8, bool)> = None;
    let mut dpi = None;
    let mut orientation = None;
    let mut has_iccp = false;
    let mut srgb_chunk = false;
    let mut trns = false;
    let mut seen_idat = false;
    loop {
        let len = be32(b, pos).ok_or(SniffError::Truncated("png"))? as usize;
        let kind = b
            .get(pos + 4..pos + 8)
            .ok_or(SniffError::Truncated("png"))?;
        let data = b
            .get(pos + 8..pos + 8 + len)
            .ok_or(SniffError::Truncated("png"))?;
        if b.len() < pos + 12 + len {
            return Err(SniffError::Truncated("png"));
        }
        if ihdr.is_none() && kind != b"IHDR" {
            return Err(SniffError::Malformed(
                "the PNG does not start with IHDR".into(),
            ));
        }
        match kind {
            b"IHDR" => {
                if data.len() < 13 {
                    return Err(SniffError::Malformed("PNG IHDR too short".into()));
                }
                let w = be32(data, 0).unwrap_or(0);
                let h = be32(data, 4).unwrap_or(0);
                if w == 0 || h == 0 {
                    return Err(SniffError::Malformed(format!(
                        "the PNG claims a size of {w} x {h}"
                    )));
                }
                ihdr = Some((w, h, data[8], data[9], data[12] != 0));
            }
            b"pHYs" if data.len() >= 9 && data[8] == 1 => {
                let ppm = be32(data, 0).unwrap_or(0) as f64;
                if ppm > 0.0 {
                    dpi = Some(ppm * 0.0254);
                }
            }
            b"eXIf" => {
                let (o, _) = exif_facts(data);
                orientation = orientation.or(o);
            }
            b"iCCP" => has_iccp = true,
            b"sRGB" => srgb_chunk = true,
            b"tRNS" => trns = true,
            b"IDAT" => seen_idat = true,
            b"IEND" => break,
            _ => {}
        }
        pos += 12 + len;
    }
    if !seen_idat {
        return Err(SniffError::Malformed("the PNG has no image data".into()));
    }
    let (width, height, bit_depth, colour_type, interlaced) =
        ihdr.ok_or_else(|| SniffError::Malformed("the PNG has no IHDR".into()))?;
    let stored = match colour_type {
        0 => Stored::Grey,
        2 => Stored::Rgb,
        3 => Stored::Palette,
        4 => Stored::GreyAlpha,
        6 => Stored::RgbAlpha,
        t => {
            return Err(SniffError::Malformed(format!(
                "PNG colour type {t} is not valid"
            )));
        }
    };
    Ok(Header {
        format: Format::Png,
        width,
        height,
        stored,
        bit_depth,
        dpi,
        orientation: orientation.unwrap_or(1),
        icc: None,
        has_iccp,
        srgb_chunk,
        trns,
        progressive: interlaced,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg_bytes(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_pixel(w, h, image::Rgb([67, 142, 219]));
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
            .encode_image(&img)
            .unwrap();
        out
    }

    #[test]
    fn recognises_formats_by_magic() {
        assert_eq!(Format::detect(b"\x89PNG\r\n\x1a\nxxxx"), Some(Format::Png));
        assert_eq!(
            Format::detect(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(Format::Jpeg)
        );
        assert_eq!(
            Format::detect(b"\0\0\0\x18ftypheic\0\0\0\0"),
            Some(Format::Heic)
        );
        assert_eq!(
            Format::detect(b"\0\0\0\x18ftypmif1\0\0\0\0"),
            Some(Format::Heic)
        );
        assert_eq!(
            Format::detect(b"\0\0\0\x18ftypavif\0\0\0\0"),
            Some(Format::Avif)
        );
        assert_eq!(Format::detect(b"RIFF\0\0\0\0WEBPVP8 "), Some(Format::Webp));
        assert_eq!(Format::detect(b"GIF89a.."), Some(Format::Gif));
        assert_eq!(Format::detect(b"%PDF-1.7"), Some(Format::Pdf));
        assert_eq!(Format::detect(b"hello, this is text"), None);
        assert_eq!(Format::detect(b""), None);
        assert_eq!(Format::detect(b"BM"), None);
    }

    #[test]
    fn jpeg_header_gives_size_and_completeness() {
        let j = jpeg_bytes(40, 30);
        let h = sniff(&j).unwrap();
        assert_eq!((h.width, h.height), (40, 30));
        assert_eq!(h.stored, Stored::Rgb);
        assert_eq!(h.orientation, 1);
        assert!(!h.progressive);
        // Every proper prefix is truncated or damaged, never accepted.
        for cut in [3, 10, 100, j.len() / 2, j.len() - 2] {
            assert!(sniff(&j[..cut]).is_err(), "prefix of {cut} bytes accepted");
        }
    }

    #[test]
    fn png_header_and_truncation() {
        let img = image::RgbaImage::from_pixel(20, 10, image::Rgba([1, 2, 3, 128]));
        let mut out = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        let h = sniff(&out).unwrap();
        assert_eq!((h.width, h.height, h.stored), (20, 10, Stored::RgbAlpha));
        assert_eq!(h.bit_depth, 8);
        assert_eq!(
            sniff(&out[..out.len() - 5]),
            Err(SniffError::Truncated("png"))
        );
    }

    #[test]
    fn other_formats_and_garbage_are_named() {
        assert_eq!(sniff(b"not an image at all"), Err(SniffError::NotImage));
        assert_eq!(
            sniff(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic"),
            Err(SniffError::Other(Format::Heic))
        );
        // A JPEG start with garbage after it never panics.
        for tail in [
            &b""[..],
            b"\xFF",
            b"\xFF\xC0\x00",
            b"\xFF\xC0\x00\x02",
            b"\xFF\xDA\x00\x02\xFF\xD9",
        ] {
            let mut b = vec![0xFF, 0xD8];
            b.extend_from_slice(tail);
            let _ = sniff(&b);
        }
    }

    #[test]
    fn exif_orientation_and_dpi_are_read() {
        // A little-endian TIFF block with Orientation = 6, XResolution = 300/1, unit = inch.
        let mut t = Vec::new();
        t.extend_from_slice(b"II*\0");
        t.extend_from_slice(&8u32.to_le_bytes());
        t.extend_from_slice(&3u16.to_le_bytes());
        let entry = |tag: u16, typ: u16, count: u32, val: u32| {
            let mut e = Vec::new();
            e.extend_from_slice(&tag.to_le_bytes());
            e.extend_from_slice(&typ.to_le_bytes());
            e.extend_from_slice(&count.to_le_bytes());
            e.extend_from_slice(&val.to_le_bytes());
            e
        };
        t.extend(entry(0x0112, 3, 1, 6));
        t.extend(entry(0x011A, 5, 1, 8 + 2 + 3 * 12 + 4));
        t.extend(entry(0x0128, 3, 1, 2));
        t.extend_from_slice(&0u32.to_le_bytes());
        t.extend_from_slice(&300u32.to_le_bytes());
        t.extend_from_slice(&1u32.to_le_bytes());
        assert_eq!(exif_facts(&t), (Some(6), Some(300.0)));
        assert_eq!(exif_facts(b"garbage"), (None, None));
    }
}
