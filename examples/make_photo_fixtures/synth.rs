//! Synthetic head-and-shoulders portraits for photo fixtures and benchmarks: a studio
//! backdrop (plain, mottled or shadowed), a person with shaded skin, hair, eyes, brows, nose,
//! mouth, ears, neck, suit and shirt, sensor noise, drawn with 2 x 2 supersampling.
//! Deterministic for a given seed. Shared by `examples/make_photo_fixtures` and
//! `benches/photo.rs` (included by path).
#![allow(dead_code)]

/// What to draw.
#[derive(Debug, Clone)]
pub struct Scene {
    pub backdrop: [u8; 3],
    /// Blotchy cloth backdrop.
    pub mottled: bool,
    /// Light from the left: a gradient and the person's shadow on the right.
    pub shadow: bool,
    /// Draw the person (false: an empty backdrop).
    pub person: bool,
    pub skin: [u8; 3],
    pub hair: [u8; 3],
    /// Standard deviation of per-pixel noise, 0-255 units.
    pub noise: f32,
    pub seed: u64,
}

impl Scene {
    pub fn on(backdrop: [u8; 3]) -> Scene {
        Scene {
            backdrop,
            mottled: false,
            shadow: false,
            person: true,
            skin: [224, 182, 150],
            hair: [48, 34, 26],
            noise: 2.5,
            seed: 1,
        }
    }
}

fn hash(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

/// Smooth value noise in [-1, 1].
fn vnoise(x: f32, y: f32, seed: u64) -> f32 {
    let (xi, yi) = (x.floor() as i64, y.floor() as i64);
    let (fx, fy) = (x - xi as f32, y - yi as f32);
    let s = |t: f32| t * t * (3.0 - 2.0 * t);
    let corner = |i: i64, j: i64| {
        let h = hash(
            seed ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
                ^ (j as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F),
        );
        (h >> 11) as f32 / (1u64 << 53) as f32 * 2.0 - 1.0
    };
    let a = corner(xi, yi) + (corner(xi + 1, yi) - corner(xi, yi)) * s(fx);
    let b = corner(xi, yi + 1) + (corner(xi + 1, yi + 1) - corner(xi, yi + 1)) * s(fx);
    a + (b - a) * s(fy)
}

/// Inside an axis-aligned ellipse: normalised radius squared (< 1 inside).
fn ell(x: f32, y: f32, cx: f32, cy: f32, rx: f32, ry: f32) -> f32 {
    let dx = (x - cx) / rx;
    let dy = (y - cy) / ry;
    dx * dx + dy * dy
}

fn scale(c: [u8; 3], k: f32) -> [f32; 3] {
    [c[0] as f32 * k, c[1] as f32 * k, c[2] as f32 * k]
}

fn mix(a: [f32; 3], b: [f32; 3], t: f32) -> [f32; 3] {
    [
        a[0] + (b[0] - a[0]) * t,
        a[1] + (b[1] - a[1]) * t,
        a[2] + (b[2] - a[2]) * t,
    ]
}

/// Where the head sits, in units of the image height: crown (top of the hair) and head
/// length (crown to chin). 0.62 of the height is the middle of the 28-33 mm head length a
/// 48 mm passport photo asks for.
const CROWN: f32 = 0.06;
const HEAD: f32 = 0.62;

fn darker(c: [f32; 3], k: f32) -> [f32; 3] {
    [c[0] * k, c[1] * k, c[2] * k]
}

/// Colour at a point. `x` is horizontal distance from the centre line and `y` distance from
/// the top, both in units of the image height.
fn colour(s: &Scene, x: f32, y: f32) -> [f32; 3] {
    // Backdrop.
    let mut k = 1.0 + 0.03 * (0.5 - y);
    if s.mottled {
        k *= 1.0
            + 0.10 * vnoise(x * 7.0 + 11.0, y * 7.0 + 3.0, s.seed)
            + 0.05 * vnoise(x * 19.0, y * 19.0, s.seed ^ 7);
    }
    if s.shadow {
        k *= 1.06 - 0.22 * (x + 0.5).clamp(0.0, 1.0);
        // The person's shadow, offset right and down, soft-edged.
        let d = ell(x, y, 0.14, 0.36, 0.23, 0.33).min(ell(x, y, 0.16, 1.14, 0.46, 0.4));
        let t = ((1.25 - d) / 0.5).clamp(0.0, 1.0);
        k *= 1.0 - 0.30 * t;
    }
    let mut c = scale(s.backdrop, k);
    if !s.person {
        return c;
    }
    let skin = |shade: f32| scale(s.skin, shade);
    // Suit and shirt (image units).
    let in_suit = ell(x, y, 0.0, 1.16, 0.43, 0.39) < 1.0;
    if in_suit {
        c = scale([38, 42, 56], 1.0 - 0.15 * x.abs());
        let vx = x.abs();
        if y > 0.785 && vx < 0.075 - (y - 0.785) * 0.45 {
            c = scale([236, 238, 240], 0.95);
            if vx < 0.012 && y > 0.82 {
                c = scale([120, 30, 40], 1.0); // tie
            }
        }
    }
    // Head coordinates: crown at 0, chin at 1.
    let hx = x / HEAD;
    let hy = (y - CROWN) / HEAD;
    // Neck, darker under the chin.
    if hx.abs() < 0.15 && hy > 0.8 && !(in_suit && y > 0.785) && y < 0.86 {
        let shade = 0.70 + 0.18 * ((hy - 0.95) / 0.2).clamp(0.0, 1.0);
        c = skin(shade * (1.0 - 0.2 * (hx.abs() / 0.15)));
    }
    // Hair behind the head.
    let hair_d = ell(hx, hy, 0.0, 0.42, 0.36, 0.44);
    if hair_d < 1.0 && hy < 0.72 {
        c = scale(s.hair, 0.9 + 0.2 * vnoise(hx * 40.0, hy * 6.0, s.seed ^ 3));
    }
    // Ears.
    for side in [-1.0f32, 1.0] {
        let d = ell(hx, hy, side * 0.315, 0.55, 0.05, 0.1);
        if d < 1.0 {
            c = skin(0.80 + 0.1 * (1.0 - d));
        }
    }
    // Face with sphere-like shading and light from the upper left.
    let fd = ell(hx, hy, 0.0, 0.57, 0.31, 0.43);
    if fd < 1.0 {
        let shade = 0.80 + 0.22 * (1.0 - fd).sqrt() - 0.05 * hx / 0.31;
        c = skin(shade);
        // Cheek colour.
        for side in [-1.0f32, 1.0] {
            let d = ell(hx, hy, side * 0.16, 0.66, 0.085, 0.06);
            if d < 1.0 {
                c = mix(c, [c[0] * 1.02, c[1] * 0.93, c[2] * 0.92], 1.0 - d);
            }
        }
        // Eye sockets, eyes, lids, brows.
        for side in [-1.0f32, 1.0] {
            let ex = side * 0.12;
            let d = ell(hx, hy, ex, 0.50, 0.085, 0.05);
            if d < 1.0 {
                c = mix(c, darker(c, 0.82), 1.0 - d);
            }
            let sd = ell(hx, hy, ex, 0.50, 0.055, 0.022);
            if sd < 1.0 {
                c = [228.0, 224.0, 220.0];
                let ir = ell(hx, hy, ex, 0.50, 0.021, 0.021);
                if ir < 1.0 {
                    c = mix([92.0, 62.0, 42.0], [50.0, 34.0, 24.0], ir);
                    if ell(hx, hy, ex, 0.50, 0.009, 0.009) < 1.0 {
                        c = [12.0, 10.0, 10.0];
                    }
                    if ell(hx, hy, ex - 0.006, 0.494, 0.004, 0.004) < 1.0 {
                        c = [240.0, 240.0, 240.0];
                    }
                }
                // Upper lid line.
                if hy < 0.50 && sd > 0.55 {
                    c = [40.0, 30.0, 28.0];
                }
            }
            // Brow: a curved band.
            let bx = (hx - ex) / 0.075;
            if bx.abs() < 1.0 {
                let by = 0.437 - 0.012 * (1.0 - bx * bx) + 0.004 * side * bx;
                let thick = 0.016 * (1.0 - 0.4 * (bx * side).max(0.0));
                if (hy - by).abs() < thick {
                    c = scale(s.hair, 1.0);
                }
            }
        }
        // Nose: side shading, tip highlight, nostrils, shadow beneath.
        if hy > 0.51 && hy < 0.70 {
            let t = ((hy - 0.51) / 0.19).clamp(0.0, 1.0);
            let dx = hx.abs();
            if dx > 0.025 && dx < 0.045 + 0.012 * t {
                c = darker(c, 0.9);
            }
        }
        if ell(hx, hy, 0.0, 0.685, 0.034, 0.026) < 1.0 {
            c = darker(c, 1.05);
        }
        for side in [-1.0f32, 1.0] {
            if ell(hx, hy, side * 0.028, 0.705, 0.016, 0.009) < 1.0 {
                c = [70.0, 40.0, 35.0];
            }
        }
        if ell(hx, hy, 0.0, 0.727, 0.065, 0.012) < 1.0 {
            c = darker(c, 0.9);
        }
        // Mouth.
        if ell(hx, hy, 0.0, 0.80, 0.09, 0.025) < 1.0 {
            c = [178.0, 96.0, 92.0];
            if (hy - 0.80).abs() < 0.0045 {
                c = [70.0, 30.0, 30.0];
            }
        }
        // Chin shadow line.
        if fd > 0.9 && hy > 0.85 {
            c = darker(c, 0.85);
        }
    }
    // Fringe over the forehead with a wavy hairline.
    if hair_d < 1.0 && hy < 0.2 + 0.025 * (hx * 18.0).cos() - 0.5 * hx * hx {
        c = scale(
            s.hair,
            0.92 + 0.18 * vnoise(hx * 40.0, hy * 6.0, s.seed ^ 3),
        );
    }
    c
}

/// Renders a `w` x `h` portrait (any aspect; the person is centred and sized to the height).
pub fn portrait(w: u32, h: u32, s: &Scene) -> image::RgbImage {
    let mut img = image::RgbImage::new(w, h);
    let hf = h as f32;
    let mut rng = s.seed.wrapping_add(0x1234_5678);
    let mut next = move || {
        rng = hash(rng.wrapping_add(0x9E37_79B9_7F4A_7C15));
        (rng >> 40) as f32 / (1u64 << 24) as f32
    };
    for (px, py, p) in img.enumerate_pixels_mut() {
        let mut acc = [0f32; 3];
        for (ox, oy) in [(0.25f32, 0.25f32), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)] {
            let x = (px as f32 + ox - w as f32 / 2.0) / hf;
            let y = (py as f32 + oy) / hf;
            let c = colour(s, x, y);
            for k in 0..3 {
                acc[k] += c[k] / 4.0;
            }
        }
        // Approximately Gaussian noise (sum of three uniforms), same on all channels plus a
        // little chroma noise.
        let n = (next() + next() + next() - 1.5) * 2.0 * s.noise;
        let mut out = [0u8; 3];
        for k in 0..3 {
            let cn = (next() - 0.5) * s.noise * 0.6;
            out[k] = (acc[k] + n + cn).round().clamp(0.0, 255.0) as u8;
        }
        *p = image::Rgb(out);
    }
    img
}

/// Encodes RGB pixels as a baseline JPEG.
pub fn jpeg(img: &image::RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(img)
        .expect("JPEG encoding of an in-memory image");
    out
}

/// Inserts an APP1 Exif segment holding only an Orientation tag right after SOI, written
/// by hand (little-endian TIFF, one IFD entry).
pub fn with_exif_orientation(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"II*\0");
    tiff.extend_from_slice(&8u32.to_le_bytes()); // IFD0 offset
    tiff.extend_from_slice(&1u16.to_le_bytes()); // one entry
    tiff.extend_from_slice(&0x0112u16.to_le_bytes()); // Orientation
    tiff.extend_from_slice(&3u16.to_le_bytes()); // SHORT
    tiff.extend_from_slice(&1u32.to_le_bytes()); // count
    tiff.extend_from_slice(&orientation.to_le_bytes());
    tiff.extend_from_slice(&[0, 0]); // value padding
    tiff.extend_from_slice(&0u32.to_le_bytes()); // no next IFD
    let mut seg = b"Exif\0\0".to_vec();
    seg.extend_from_slice(&tiff);
    let len = (seg.len() + 2) as u16;
    let mut out = Vec::with_capacity(jpeg.len() + seg.len() + 4);
    out.extend_from_slice(&jpeg[..2]);
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&seg);
    out.extend_from_slice(&jpeg[2..]);
    out
}
