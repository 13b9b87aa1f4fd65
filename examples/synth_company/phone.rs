//! Scans the way HR really has them (`synth_company --phone-shots`): documents photographed
//! with a phone, 4032 x 3024 JPEGs at quality 92 of 3-6 MB each (paper texture, text lines
//! and sensor noise, so they do not compress away), some stored landscape with an EXIF
//! orientation 6 tag (displayed portrait, as a phone held sideways writes them), and labour
//! contracts as 3-page PDFs of scanned page images (1.5-3 MB, over the 1 MB upload budget).
//! Deterministic for a given pool index.

use image::{Rgb, RgbImage};

/// A phone's 12-megapixel sensor, stored landscape.
pub const SHOT_W: u32 = 4032;
pub const SHOT_H: u32 = 3024;
/// The quality phone cameras write.
pub const SHOT_QUALITY: u8 = 92;
/// A4 scanned at 200 dpi.
const PAGE_W: u32 = 1654;
const PAGE_H: u32 = 2339;
/// The flatbed scanner's JPEG quality inside the contract PDFs.
pub const PAGE_QUALITY: u8 = 85;

/// What a phone shot shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shot {
    /// A passport's data page spread, landscape (orientation 1).
    Passport,
    /// The residence permit page, an A4 sheet shot with the phone held sideways: displayed
    /// portrait, stored landscape with orientation 6.
    PermitPage,
    /// The photo receipt, another A4 sheet shot the same way.
    Receipt,
    /// The work permit card's front, landscape (orientation 1).
    CardFront,
    /// Its back.
    CardBack,
}

impl Shot {
    /// The EXIF orientation the file carries (1: none written).
    pub fn orientation(self) -> u16 {
        match self {
            Shot::PermitPage | Shot::Receipt => 6,
            _ => 1,
        }
    }
}

/// A phone shot as its JPEG file: `seed` varies the text and the light.
pub fn shot(kind: Shot, seed: u32) -> Vec<u8> {
    let mut rng = Rng::new(0x5107 + seed as u64 * 7919 + kind as u64 * 104_729);
    let img = match kind {
        Shot::PermitPage | Shot::Receipt => {
            // Drawn as displayed (portrait), stored turned a quarter to the left: a viewer
            // turns it back by the tag's quarter turn to the right.
            let title = if kind == Shot::PermitPage {
                "RESIDENCE PERMIT FOR FOREIGNER"
            } else {
                "PHOTO RECEIPT"
            };
            let shown = sheet_photo(&mut rng, title);
            image::imageops::rotate270(&shown)
        }
        Shot::Passport => passport_photo(&mut rng),
        Shot::CardFront => card_photo(&mut rng, true),
        Shot::CardBack => card_photo(&mut rng, false),
    };
    let jpeg = super::jpeg_bytes(&img, SHOT_QUALITY);
    match kind.orientation() {
        1 => jpeg,
        o => super::synth::with_exif_orientation(&jpeg, o),
    }
}

/// A labour contract as a scanner writes it: three A4 pages, each one JPEG image filling
/// the page.
pub fn contract_pdf(seed: u32) -> Vec<u8> {
    let mut rng = Rng::new(0xC0_7AC7 + seed as u64 * 31);
    let pages: Vec<Vec<u8>> = (0..3)
        .map(|p| {
            let img = contract_page(&mut rng, p);
            super::jpeg_bytes(&img, PAGE_QUALITY)
        })
        .collect();
    image_pdf(&pages, PAGE_W, PAGE_H)
}

// ---------------------------------------------------------------------------------------
// Drawing.

/// xorshift64*: fast, deterministic.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in [0, 1).
    pub fn f(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }
    pub fn below(&mut self, n: u32) -> u32 {
        ((self.next() >> 32) % n as u64) as u32
    }
}

fn fill(img: &mut RgbImage, x: i32, y: i32, w: i32, h: i32, c: [u8; 3]) {
    let (iw, ih) = (img.width() as i32, img.height() as i32);
    for yy in y.max(0)..(y + h).min(ih) {
        for xx in x.max(0)..(x + w).min(iw) {
            img.put_pixel(xx as u32, yy as u32, Rgb(c));
        }
    }
}

/// A 5 x 7 bitmap font (rows top down, bit 4 the left column), capitals, digits and a few
/// signs: enough for titles, names and the machine-readable zone to read as text.
fn glyph(c: char) -> [u8; 7] {
    match c.to_ascii_uppercase() {
        'A' => [14, 17, 17, 31, 17, 17, 17],
        'B' => [30, 17, 17, 30, 17, 17, 30],
        'C' => [14, 17, 16, 16, 16, 17, 14],
        'D' => [30, 17, 17, 17, 17, 17, 30],
        'E' => [31, 16, 16, 30, 16, 16, 31],
        'F' => [31, 16, 16, 30, 16, 16, 16],
        'G' => [14, 17, 16, 23, 17, 17, 15],
        'H' => [17, 17, 17, 31, 17, 17, 17],
        'I' => [14, 4, 4, 4, 4, 4, 14],
        'J' => [7, 2, 2, 2, 2, 18, 12],
        'K' => [17, 18, 20, 24, 20, 18, 17],
        'L' => [16, 16, 16, 16, 16, 16, 31],
        'M' => [17, 27, 21, 21, 17, 17, 17],
        'N' => [17, 17, 25, 21, 19, 17, 17],
        'O' => [14, 17, 17, 17, 17, 17, 14],
        'P' => [30, 17, 17, 30, 16, 16, 16],
        'Q' => [14, 17, 17, 17, 21, 18, 13],
        'R' => [30, 17, 17, 30, 20, 18, 17],
        'S' => [15, 16, 16, 14, 1, 1, 30],
        'T' => [31, 4, 4, 4, 4, 4, 4],
        'U' => [17, 17, 17, 17, 17, 17, 14],
        'V' => [17, 17, 17, 17, 17, 10, 4],
        'W' => [17, 17, 17, 21, 21, 21, 10],
        'X' => [17, 17, 10, 4, 10, 17, 17],
        'Y' => [17, 17, 10, 4, 4, 4, 4],
        'Z' => [31, 1, 2, 4, 8, 16, 31],
        '0' => [14, 17, 19, 21, 25, 17, 14],
        '1' => [4, 12, 4, 4, 4, 4, 14],
        '2' => [14, 17, 1, 2, 4, 8, 31],
        '3' => [31, 2, 4, 2, 1, 17, 14],
        '4' => [2, 6, 10, 18, 31, 2, 2],
        '5' => [31, 16, 30, 1, 1, 17, 14],
        '6' => [6, 8, 16, 30, 17, 17, 14],
        '7' => [31, 1, 2, 4, 8, 8, 8],
        '8' => [14, 17, 17, 14, 17, 17, 14],
        '9' => [14, 17, 17, 15, 1, 2, 12],
        '<' => [2, 4, 8, 16, 8, 4, 2],
        '-' => [0, 0, 0, 31, 0, 0, 0],
        '.' => [0, 0, 0, 0, 0, 12, 12],
        ',' => [0, 0, 0, 0, 12, 4, 8],
        ':' => [0, 12, 12, 0, 12, 12, 0],
        '/' => [1, 1, 2, 4, 8, 16, 16],
        _ => [0; 7],
    }
}

/// Draws `text` with its top left at (x, y), each font dot `s` x `s` pixels; returns the
/// width drawn.
fn text(img: &mut RgbImage, x: i32, y: i32, s: i32, c: [u8; 3], t: &str) -> i32 {
    let mut cx = x;
    for ch in t.chars() {
        let g = glyph(ch);
        for (row, bits) in g.iter().enumerate() {
            for col in 0..5 {
                if bits & (16 >> col) != 0 {
                    fill(img, cx + col * s, y + row as i32 * s, s, s, c);
                }
            }
        }
        cx += 6 * s;
    }
    cx - x
}

#[rustfmt::skip]
const WORDS: [&str; 24] = [
    "THE", "EMPLOYER", "EMPLOYEE", "SHALL", "AGREE", "TERM", "OF", "CONTRACT", "WORK", "PERMIT",
    "SALARY", "MONTHLY", "ARTICLE", "PARTY", "AND", "SHENZHEN", "POSITION", "IN", "ACCORDANCE",
    "WITH", "LAW", "PERIOD", "DATE", "RESIDENCE",
];

/// Lines of running text in the box, a paragraph break now and then.
#[allow(clippy::too_many_arguments)]
fn paragraph(
    img: &mut RgbImage,
    rng: &mut Rng,
    x: i32,
    y: i32,
    w: i32,
    lines: u32,
    s: i32,
    c: [u8; 3],
) -> i32 {
    let mut yy = y;
    for l in 0..lines {
        let mut cx = if l == 0 { x + 24 * s } else { x };
        // The last line of a paragraph stops short.
        let end = if l + 1 == lines {
            x + w / 2 + rng.below((w / 3) as u32) as i32
        } else {
            x + w
        };
        loop {
            let word = WORDS[rng.below(WORDS.len() as u32) as usize];
            let ww = word.len() as i32 * 6 * s;
            if cx + ww > end {
                break;
            }
            text(img, cx, yy, s, c, word);
            cx += ww + 6 * s;
        }
        yy += 12 * s;
    }
    yy
}

/// The light falling on the scene and the camera's noise, applied to the drawn pixels: a
/// soft [1 2 1] blur (the lens), a brighter centre and warm tint, luma noise of about
/// `noise` (0-255 units) and a little chroma noise.
fn photograph(img: &mut RgbImage, rng: &mut Rng, noise: f32, vignette: f32) {
    blur121(img);
    let (w, h) = (img.width() as f32, img.height() as f32);
    let (lx, ly) = (0.35 + 0.3 * rng.f(), 0.3 + 0.3 * rng.f());
    for (x, y, p) in img.enumerate_pixels_mut() {
        let dx = x as f32 / w - lx;
        let dy = y as f32 / h - ly;
        let light = 1.04 - vignette * (dx * dx + dy * dy);
        let n = (rng.f() + rng.f() + rng.f() - 1.5) * 2.0 * noise;
        let tint = [1.0f32, 0.985, 0.95];
        for k in 0..3 {
            let cn = (rng.f() - 0.5) * noise * 0.8;
            let v = p.0[k] as f32 * light * tint[k] + n + cn;
            p.0[k] = v.round().clamp(0.0, 255.0) as u8;
        }
    }
}

/// A [1 2 1] x [1 2 1] blur, in place.
fn blur121(img: &mut RgbImage) {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let src = img.as_raw().clone();
    let dst: &mut [u8] = img;
    let at = |x: usize, y: usize, k: usize| src[(y * w + x) * 3 + k] as u32;
    for y in 0..h {
        let (y0, y2) = (y.saturating_sub(1), (y + 1).min(h - 1));
        for x in 0..w {
            let (x0, x2) = (x.saturating_sub(1), (x + 1).min(w - 1));
            for k in 0..3 {
                let v = at(x0, y0, k)
                    + 2 * at(x, y0, k)
                    + at(x2, y0, k)
                    + 2 * (at(x0, y, k) + 2 * at(x, y, k) + at(x2, y, k))
                    + at(x0, y2, k)
                    + 2 * at(x, y2, k)
                    + at(x2, y2, k);
                dst[(y * w + x) * 3 + k] = ((v + 8) / 16) as u8;
            }
        }
    }
}

/// A desk under the document: wood grain.
fn desk(w: u32, h: u32, rng: &mut Rng) -> RgbImage {
    let base = [[132u8, 100, 72], [110, 104, 98], [150, 118, 86]][rng.below(3) as usize];
    let phase = rng.f() * 6.0;
    RgbImage::from_fn(w, h, |x, y| {
        let g = ((y as f32 / 37.0 + (x as f32 / 900.0).sin() * 3.0 + phase).sin() * 0.06) + 1.0;
        Rgb([
            (base[0] as f32 * g) as u8,
            (base[1] as f32 * g) as u8,
            (base[2] as f32 * g) as u8,
        ])
    })
}

/// An A4 sheet photographed from above, as displayed: 3024 x 4032, the sheet filling most
/// of the frame.
fn sheet_photo(rng: &mut Rng, title: &str) -> RgbImage {
    let (w, h) = (SHOT_H, SHOT_W);
    let mut img = desk(w, h, rng);
    let pw = 2660;
    let ph = pw * 297 / 210;
    let (px, py) = (
        (w as i32 - pw) / 2 + rng.below(40) as i32 - 20,
        (h as i32 - ph) / 2,
    );
    // Shadow, then paper.
    fill(&mut img, px + 14, py + 18, pw, ph, [70, 58, 48]);
    fill(&mut img, px, py, pw, ph, [238, 236, 230]);
    let ink = [38, 40, 52];
    let m = 230;
    text(&mut img, px + m, py + 200, 12, ink, title);
    text(
        &mut img,
        px + m,
        py + 330,
        7,
        ink,
        "NO. 440300 2026 0001 7352",
    );
    // A photo box and the fields beside it.
    fill(&mut img, px + m, py + 480, 420, 560, [120, 150, 200]);
    fill(&mut img, px + m + 110, py + 560, 200, 240, [205, 170, 140]);
    let mut y = py + 500;
    for field in [
        "NAME: SMITH ANNA",
        "NATIONALITY: USA",
        "DATE OF BIRTH: 1980-05-12",
        "VALID UNTIL: 2027-01-05",
        "ISSUED BY: SHENZHEN",
    ] {
        text(&mut img, px + m + 520, y, 7, ink, field);
        y += 100;
    }
    let mut y = py + 1160;
    for _ in 0..5 {
        let lines = 3 + rng.below(4);
        y = paragraph(&mut img, rng, px + m, y, pw - 2 * m, lines, 6, ink);
        y += 50;
    }
    // A red seal.
    let (sx, sy, r) = (px + pw - m - 300, py + ph - 650, 190i32);
    for yy in -r..=r {
        for xx in -r..=r {
            let d = xx * xx + yy * yy;
            if d <= r * r && d >= (r - 22) * (r - 22) || (xx.abs() < 90 && yy.abs() < 12) {
                img.put_pixel((sx + xx) as u32, (sy + yy) as u32, Rgb([200, 50, 50]));
            }
        }
    }
    photograph(&mut img, rng, 5.5, 0.55);
    img
}

/// A passport's data page, landscape.
fn passport_photo(rng: &mut Rng) -> RgbImage {
    let (w, h) = (SHOT_W, SHOT_H);
    let mut img = desk(w, h, rng);
    let (pw, ph) = (3400, 2400);
    let (px, py) = (
        (w as i32 - pw) / 2,
        (h as i32 - ph) / 2 + rng.below(40) as i32 - 20,
    );
    fill(&mut img, px + 16, py + 20, pw, ph, [60, 50, 42]);
    // Light bluish security print.
    for yy in py..py + ph {
        for xx in px..px + pw {
            let wave = ((xx as f32 / 23.0).sin() + (yy as f32 / 31.0).cos()) * 4.0;
            let v = (224.0 + wave) as u8;
            img.put_pixel(xx as u32, yy as u32, Rgb([v - 8, v - 2, v]));
        }
    }
    let ink = [34, 36, 48];
    text(&mut img, px + 140, py + 110, 10, ink, "PASSPORT");
    text(
        &mut img,
        px + 1400,
        py + 110,
        10,
        ink,
        "UNITED STATES OF AMERICA",
    );
    fill(&mut img, px + 140, py + 330, 780, 1000, [118, 150, 210]);
    fill(&mut img, px + 330, py + 480, 400, 500, [205, 170, 140]);
    let mut y = py + 330;
    for (label, value) in [
        ("SURNAME", "SMITH"),
        ("GIVEN NAMES", "ANNA"),
        ("NATIONALITY", "UNITED STATES OF AMERICA"),
        ("DATE OF BIRTH", "12 MAY 1980"),
        ("DATE OF EXPIRY", "03 JUN 2031"),
    ] {
        text(&mut img, px + 1050, y, 4, [90, 90, 110], label);
        text(&mut img, px + 1050, y + 50, 8, ink, value);
        y += 200;
    }
    text(
        &mut img,
        px + 140,
        py + 1800,
        9,
        ink,
        "P<USASMITH<<ANNA<<<<<<<<<<<<<<<<<<<<<<<<<<<",
    );
    text(
        &mut img,
        px + 140,
        py + 1960,
        9,
        ink,
        "E100000003USA8005126F3106035<<<<<<<<<<<<<<04",
    );
    photograph(&mut img, rng, 6.0, 0.5);
    img
}

/// The work permit card, front or back, landscape and close up.
fn card_photo(rng: &mut Rng, front: bool) -> RgbImage {
    let (w, h) = (SHOT_W, SHOT_H);
    let mut img = desk(w, h, rng);
    let (cw, ch) = (3300, 3300 * 54 / 86);
    let (cx, cy) = (
        (w as i32 - cw) / 2 + rng.below(60) as i32 - 30,
        (h as i32 - ch) / 2,
    );
    fill(&mut img, cx + 18, cy + 22, cw, ch, [58, 48, 40]);
    // Pale green card with a darker band.
    for yy in cy..cy + ch {
        for xx in cx..cx + cw {
            let t = (xx - cx) as f32 / cw as f32;
            img.put_pixel(
                xx as u32,
                yy as u32,
                Rgb([(200.0 + 20.0 * t) as u8, 228, (210.0 + 10.0 * t) as u8]),
            );
        }
    }
    fill(&mut img, cx, cy, cw, 260, [40, 110, 90]);
    let ink = [30, 36, 44];
    if front {
        text(
            &mut img,
            cx + 120,
            cy + 70,
            16,
            [240, 240, 230],
            "WORK PERMIT",
        );
        fill(&mut img, cx + 140, cy + 420, 700, 900, [118, 150, 210]);
        fill(&mut img, cx + 300, cy + 560, 380, 460, [205, 170, 140]);
        let mut y = cy + 420;
        for line in [
            "NAME: SMITH ANNA",
            "NATIONALITY: USA",
            "NO. 440300000000000003",
            "CATEGORY: B",
            "VALID: 2027-01-05",
        ] {
            text(&mut img, cx + 1000, y, 9, ink, line);
            y += 170;
        }
    } else {
        text(&mut img, cx + 120, cy + 70, 16, [240, 240, 230], "NOTES");
        paragraph(&mut img, rng, cx + 140, cy + 400, cw - 280, 8, 7, ink);
        // A barcode.
        let mut x = cx + 140;
        while x < cx + cw - 700 {
            let bw = 6 + rng.below(4) as i32 * 6;
            fill(&mut img, x, cy + ch - 420, bw, 260, ink);
            x += bw + 6 + rng.below(3) as i32 * 6;
        }
    }
    photograph(&mut img, rng, 6.0, 0.5);
    img
}

/// One A4 contract page scanned at 200 dpi: white paper, text, a page number, a little
/// scanner noise.
fn contract_page(rng: &mut Rng, page: u32) -> RgbImage {
    let mut img = RgbImage::from_pixel(PAGE_W, PAGE_H, Rgb([246, 245, 241]));
    let ink = [28, 28, 34];
    let m = 170;
    let mut y = 170;
    if page == 0 {
        text(&mut img, m + 280, y, 8, ink, "LABOUR CONTRACT");
        y += 160;
    }
    while y < PAGE_H as i32 - 300 {
        text(
            &mut img,
            m,
            y,
            4,
            ink,
            &format!("ARTICLE {}", page * 10 + rng.below(9) + 1),
        );
        y += 60;
        let lines = 4 + rng.below(5);
        y = paragraph(&mut img, rng, m, y, PAGE_W as i32 - 2 * m, lines, 3, ink);
        y += 40;
    }
    text(
        &mut img,
        PAGE_W as i32 / 2 - 40,
        PAGE_H as i32 - 150,
        3,
        ink,
        &format!("- {} -", page + 1),
    );
    photograph(&mut img, rng, 4.5, 0.12);
    img
}

/// A PDF of A4 pages, each filled by one JPEG (`w` x `h` pixels, RGB).
fn image_pdf(jpegs: &[Vec<u8>], w: u32, h: u32) -> Vec<u8> {
    let n = jpegs.len();
    // 1 catalog, 2 pages, then per page: page, contents, image.
    let mut objects: Vec<Vec<u8>> = Vec::new();
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 3 + 3 * i)).collect();
    objects.push(format!("<< /Type /Pages /Kids [{}] /Count {n} >>", kids.join(" ")).into_bytes());
    for (i, j) in jpegs.iter().enumerate() {
        let page = 3 + 3 * i;
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] /Contents {} 0 R /Resources << /XObject << /Im0 {} 0 R >> >> >>",
                page + 1,
                page + 2
            )
            .into_bytes(),
        );
        let content = "q 595.28 0 0 841.89 0 0 cm /Im0 Do Q";
        objects.push(
            format!(
                "<< /Length {} >>\nstream\n{content}\nendstream",
                content.len()
            )
            .into_bytes(),
        );
        let mut img = format!(
            "<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length {} >>\nstream\n",
            j.len()
        )
        .into_bytes();
        img.extend_from_slice(j);
        img.extend_from_slice(b"\nendstream");
        objects.push(img);
    }
    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(o);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}
