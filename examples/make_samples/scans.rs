//! Sample "scans" for `examples/make_samples.rs`: small JPEG scan pages drawn with
//! text-like strokes (a passport data page, a Residence Permit page, a Work Permit card, a
//! photo-studio receipt, a phone snapshot) and tiny valid one-page PDFs written by hand.
//! Deterministic for a given seed: the same call gives the same bytes.

use super::synth::{Scene, portrait};

/// What a scan page shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Page {
    /// Passport data page: photo on the left, fields on the right, two MRZ lines.
    Passport,
    /// Passport page with the Residence Permit sticker.
    ResidencePermit,
    /// The Work Permit card, front.
    WorkPermit,
    /// The photo studio's verification receipt slip with a barcode.
    PhotoReceipt,
    /// A phone snapshot of something on a desk (the stray file HR forgot to rename).
    Snapshot,
}

fn hash(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

/// A small deterministic random source.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = hash(self.0.wrapping_add(0x9E37_79B9_7F4A_7C15));
        self.0
    }
    /// Uniform in `lo..hi` (`lo` when the range is empty).
    fn range(&mut self, lo: u32, hi: u32) -> u32 {
        if hi <= lo {
            lo
        } else {
            lo + (self.next() % u64::from(hi - lo)) as u32
        }
    }
    fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }
}

type Img = image::RgbImage;

fn fill(img: &mut Img, x: u32, y: u32, w: u32, h: u32, c: [u8; 3]) {
    for yy in y..(y + h).min(img.height()) {
        for xx in x..(x + w).min(img.width()) {
            img.put_pixel(xx, yy, image::Rgb(c));
        }
    }
}

fn frame(img: &mut Img, x: u32, y: u32, w: u32, h: u32, c: [u8; 3]) {
    fill(img, x, y, w, 1, c);
    fill(img, x, y + h.saturating_sub(1), w, 1, c);
    fill(img, x, y, 1, h, c);
    fill(img, x + w.saturating_sub(1), y, 1, h, c);
}

/// One "word": glyph-like strokes (stems, bars and gaps) `h` px high, about `w` wide.
fn word(img: &mut Img, rng: &mut Rng, x: u32, y: u32, w: u32, h: u32, ink: [u8; 3]) -> u32 {
    let mut cx = x;
    while cx < x + w {
        let gw = rng.range(h / 2, h + 1).max(3);
        match rng.range(0, 4) {
            0 => {
                // Two stems and a bar (like n, h, H).
                fill(img, cx, y, 1, h, ink);
                fill(img, cx + gw - 2, y + h / 3, 1, h - h / 3, ink);
                fill(img, cx, y + h / 3, gw - 1, 1, ink);
            }
            1 => {
                // A bowl (like o, a, e).
                frame(img, cx, y + h / 3, gw - 1, h - h / 3, ink);
            }
            2 => {
                // A tall stem with a foot (like l, t, 十).
                fill(img, cx + gw / 2, y, 1, h, ink);
                fill(img, cx, y + h / 2, gw - 1, 1, ink);
            }
            _ => {
                // A box with an inner bar (like 日, 口, E).
                frame(img, cx, y + 1, gw - 1, h - 1, ink);
                fill(img, cx, y + h / 2, gw - 1, 1, ink);
            }
        }
        cx += gw + 1;
    }
    cx
}

/// A line of words from `x0` to about `x1`.
fn text_line(img: &mut Img, rng: &mut Rng, x0: u32, x1: u32, y: u32, h: u32, ink: [u8; 3]) {
    let mut x = x0;
    while x + 3 * h < x1 {
        let w = rng.range(2 * h, 7 * h).min(x1 - x);
        x = word(img, rng, x, y, w, h, ink) + h;
    }
}

/// Machine-readable zone: fixed-pitch glyph blocks.
fn mrz_line(img: &mut Img, rng: &mut Rng, x0: u32, x1: u32, y: u32, h: u32) {
    let pitch = h * 2 / 3 + 2;
    let mut x = x0;
    while x + pitch < x1 {
        if rng.range(0, 5) == 0 {
            // '<' filler: two strokes.
            fill(img, x, y + h / 2, pitch - 3, 1, [30, 30, 36]);
            fill(img, x, y + h / 2 - 2, 1, 5, [30, 30, 36]);
        } else {
            word(img, rng, x, y, pitch - 2, h, [30, 30, 36]);
        }
        x += pitch;
    }
}

fn barcode(img: &mut Img, rng: &mut Rng, x0: u32, y: u32, w: u32, h: u32) {
    let mut x = x0;
    while x < x0 + w {
        let bar = rng.range(1, 4);
        fill(img, x, y, bar, h, [20, 20, 20]);
        x += bar + rng.range(1, 4);
    }
}

/// A small ID-photo thumbnail drawn into the page.
fn photo_box(img: &mut Img, x: u32, y: u32, w: u32, h: u32, seed: u64) {
    let face = portrait(
        w,
        h,
        &Scene {
            seed,
            noise: 1.0,
            ..Scene::on([230, 232, 236])
        },
    );
    for (px, py, p) in face.enumerate_pixels() {
        if x + px < img.width() && y + py < img.height() {
            img.put_pixel(x + px, y + py, *p);
        }
    }
    frame(img, x, y, w, h, [90, 90, 90]);
}

/// Paper with scanner noise, a slight tint and a darker edge where the lid did not close.
fn paper(w: u32, h: u32, tint: [u8; 3], rng: &mut Rng) -> Img {
    let mut img = Img::new(w, h);
    for (x, _y, p) in img.enumerate_pixels_mut() {
        let edge = if x < 10 { (10 - x) as f32 * 6.0 } else { 0.0 };
        let n = (rng.unit() - 0.5) * 3.0;
        *p = image::Rgb(tint.map(|c| (c as f32 - edge + n).clamp(0.0, 255.0) as u8));
    }
    img
}

/// Draws a scan page of the given kind, `w` x `h` px.
pub fn page(kind: Page, w: u32, h: u32, seed: u64) -> Img {
    let mut rng = Rng(seed ^ 0x5CA1_AB1E);
    let ink = [38, 38, 46];
    match kind {
        Page::Passport => {
            let mut img = paper(w, h, [236, 232, 222], &mut rng);
            fill(&mut img, 20, 16, w - 40, 14, [120, 40, 60]);
            let ph = h * 45 / 100;
            photo_box(&mut img, 30, 48, ph * 35 / 48, ph, seed);
            let fx = 40 + ph * 35 / 48;
            for i in 0..7 {
                let y = 50 + i * (ph / 7);
                text_line(
                    &mut img,
                    &mut rng,
                    fx,
                    fx + (w - fx) / 3,
                    y,
                    6,
                    [110, 90, 90],
                );
                text_line(&mut img, &mut rng, fx, w - 40, y + 9, 9, ink);
            }
            mrz_line(&mut img, &mut rng, 30, w - 30, h - 62, 14);
            mrz_line(&mut img, &mut rng, 30, w - 30, h - 36, 14);
            img
        }
        Page::ResidencePermit => {
            let mut img = paper(w, h, [238, 236, 228], &mut rng);
            // The sticker: a tinted rectangle with a guilloche-like stripe and a photo.
            let (sx, sy, sw, sh) = (30, 30, w - 60, h - 80);
            fill(&mut img, sx, sy, sw, sh, [214, 226, 214]);
            for i in 0..sw {
                let yy = sy + 10 + ((i as f32 / 9.0).sin() * 5.0 + 5.0) as u32;
                fill(&mut img, sx + i, yy, 1, 2, [170, 196, 170]);
            }
            text_line(
                &mut img,
                &mut rng,
                sx + 20,
                sx + sw - 20,
                sy + 26,
                11,
                [60, 90, 60],
            );
            let ph = sh * 55 / 100;
            photo_box(&mut img, sx + 16, sy + 50, ph * 35 / 48, ph, seed ^ 1);
            let fx = sx + 30 + ph * 35 / 48;
            for i in 0..6 {
                text_line(
                    &mut img,
                    &mut rng,
                    fx,
                    sx + sw - 20,
                    sy + 52 + i * 22,
                    8,
                    ink,
                );
            }
            mrz_line(&mut img, &mut rng, sx + 16, sx + sw - 16, sy + sh - 40, 12);
            mrz_line(&mut img, &mut rng, sx + 16, sx + sw - 16, sy + sh - 20, 12);
            img
        }
        Page::WorkPermit => {
            let mut img = paper(w, h, [246, 246, 244], &mut rng);
            let (cx, cy, cw, ch) = (40, 40, w - 80, h - 80);
            fill(&mut img, cx, cy, cw, ch, [206, 222, 240]);
            fill(&mut img, cx, cy, cw, 30, [40, 90, 160]);
            text_line(
                &mut img,
                &mut rng,
                cx + 20,
                cx + cw - 20,
                cy + 9,
                12,
                [240, 240, 250],
            );
            let ph = ch * 50 / 100;
            photo_box(&mut img, cx + 20, cy + 46, ph * 35 / 48, ph, seed ^ 2);
            let fx = cx + 36 + ph * 35 / 48;
            for i in 0..6 {
                text_line(
                    &mut img,
                    &mut rng,
                    fx,
                    cx + cw - 110,
                    cy + 50 + i * 20,
                    8,
                    ink,
                );
            }
            // QR-code-like block.
            let q = 80;
            let (qx, qy) = (cx + cw - q - 16, cy + ch - q - 16);
            fill(&mut img, qx, qy, q, q, [250, 250, 250]);
            for by in 0..20 {
                for bx in 0..20 {
                    let corner = !(5..=14).contains(&bx) && (by < 5 || (bx < 5 && by > 14));
                    if corner || rng.range(0, 2) == 0 {
                        fill(&mut img, qx + bx * 4, qy + by * 4, 4, 4, [15, 15, 20]);
                    }
                }
            }
            img
        }
        Page::PhotoReceipt => {
            let mut img = paper(w, h, [250, 250, 248], &mut rng);
            text_line(&mut img, &mut rng, 40, w - 40, 24, 14, ink);
            photo_box(&mut img, 40, 60, 105, 144, seed ^ 3);
            for i in 0..8 {
                text_line(&mut img, &mut rng, 170, w - 40, 64 + i * 18, 8, ink);
            }
            barcode(&mut img, &mut rng, 40, h - 80, w - 80, 44);
            text_line(&mut img, &mut rng, 40, w / 2, h - 26, 8, ink);
            // A red studio stamp.
            let (rx, ry, r) = (w as f32 - 110.0, 140.0, 42.0);
            for (x, y, p) in img.enumerate_pixels_mut() {
                let d = ((x as f32 - rx).powi(2) + (y as f32 - ry).powi(2)).sqrt();
                if (d - r).abs() < 2.5 || (d < r - 8.0 && (y as i32 - ry as i32).abs() < 2) {
                    *p = image::Rgb([200, 40, 40]);
                }
            }
            img
        }
        Page::Snapshot => {
            // A phone photo of a page lying on a wooden desk.
            let mut img = Img::new(w, h);
            for (x, y, p) in img.enumerate_pixels_mut() {
                let grain = ((x as f32 * 0.05 + (y as f32 * 0.013).sin() * 3.0).sin() * 10.0)
                    + (rng.unit() - 0.5) * 3.0;
                *p = image::Rgb([
                    (150.0 + grain) as u8,
                    (105.0 + grain * 0.8) as u8,
                    (70.0 + grain * 0.5) as u8,
                ]);
            }
            let (px, py, pw, ph) = (w / 6, h / 8, w * 2 / 3, h * 3 / 4);
            fill(&mut img, px, py, pw, ph, [236, 236, 230]);
            for i in 0..(ph / 16).saturating_sub(2) {
                text_line(
                    &mut img,
                    &mut rng,
                    px + 16,
                    px + pw - 16,
                    py + 16 + i * 16,
                    7,
                    ink,
                );
            }
            img
        }
    }
}

/// Encodes an image as a JPEG at the quality that brings it closest to `target` bytes, with
/// the given pixel density (a flatbed scanner writes 150 or 300 dpi).
pub fn jpeg_near(img: &Img, target: usize, dpi: u16) -> Vec<u8> {
    let mut best: Option<Vec<u8>> = None;
    for q in (30..=90).step_by(5) {
        let mut out = Vec::new();
        let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, q);
        enc.set_pixel_density(image::codecs::jpeg::PixelDensity::dpi(dpi));
        enc.encode_image(img)
            .expect("JPEG encoding of an in-memory image");
        if best
            .as_ref()
            .is_none_or(|b| out.len().abs_diff(target) < b.len().abs_diff(target))
        {
            best = Some(out);
        }
    }
    best.expect("at least one quality tried")
}

/// Escapes text for a PDF literal string (ASCII only; anything else becomes '?').
fn pdf_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('(');
    for c in s.chars() {
        match c {
            '(' | ')' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            ' '..='~' => out.push(c),
            _ => out.push('?'),
        }
    }
    out.push(')');
    out
}

/// A valid one-page A4 PDF (PDF 1.4, Helvetica) with a title, lines of text and a signature
/// line: what a scanned-and-OCRed or exported document looks like to a file matcher, at about
/// 1-2 KB. Text is ASCII.
pub fn pdf(title: &str, lines: &[String]) -> Vec<u8> {
    let mut content = String::new();
    content.push_str("0.2 0.2 0.25 rg\nBT /F1 16 Tf 56 780 Td ");
    content.push_str(&pdf_string(title));
    content.push_str(" Tj ET\n0.6 G 1 w 56 768 m 539 768 l S\n");
    content.push_str("BT /F1 10 Tf 14 TL 56 744 Td\n");
    for l in lines {
        content.push_str(&pdf_string(l));
        content.push_str(" Tj T*\n");
    }
    content.push_str("ET\n0.3 G 0.8 w 56 140 m 250 140 l S 330 140 m 539 140 l S\n");
    content.push_str("BT /F1 8 Tf 56 128 Td (Signature) Tj 274 0 Td (Company seal / Date) Tj ET\n");

    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
         /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
            .to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_string(),
        format!(
            "<< /Length {} >>\nstream\n{content}endstream",
            content.len()
        ),
        format!(
            "<< /Title {} /Producer (permitpack samples) >>",
            pdf_string(title)
        ),
    ];
    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_xref_offsets_point_at_objects() {
        let bytes = pdf("Labour Contract (copy)", &["Line \\ one".to_string()]);
        // Byte offsets: the binary comment on line 2 is not UTF-8, so work on bytes.
        let at = |off: usize, what: &str| bytes[off..].starts_with(what.as_bytes());
        let tail = String::from_utf8_lossy(&bytes[bytes.len() - 40..]).into_owned();
        let start: usize = tail
            .rsplit("startxref\n")
            .next()
            .and_then(|s| s.lines().next())
            .and_then(|s| s.parse().ok())
            .unwrap();
        assert!(at(start, "xref"));
        let table = String::from_utf8_lossy(&bytes[start..]).into_owned();
        for (i, line) in table.lines().skip(3).take(6).enumerate() {
            let off: usize = line[..10].parse().unwrap();
            assert!(at(off, &format!("{} 0 obj", i + 1)), "{line}");
        }
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("(Labour Contract \\(copy\\))"));
        assert!(text.contains("(Line \\\\ one)"));
    }
}
