//! Embedded ICC colour profiles: tells sRGB from other RGB spaces (Display P3 from phones,
//! Adobe RGB from cameras) and converts matrix/TRC RGB profiles to sRGB, so the background
//! colour is judged as a screen shows it. LUT-based profiles are recognised but not
//! converted (the caller reports that).

use serde::Serialize;

/// What an embedded profile is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IccSummary {
    /// The profile's own description (`desc`), e.g. "Display P3".
    pub description: String,
    /// Colour space signature: `RGB`, `GRAY`, `CMYK`, ...
    pub space: String,
    /// Whether it is (close enough to) sRGB.
    pub srgb: bool,
}

/// A conversion from a matrix/TRC RGB profile to sRGB.
pub struct ToSrgb {
    /// Stored channel value -> linear light, per channel.
    lin: [[f32; 256]; 3],
    /// Linear source RGB -> linear sRGB.
    m: [[f32; 3]; 3],
}

/// sRGB primaries adapted to D50 (as in the ICC sRGB profile), columns R, G, B.
const SRGB_D50: [[f64; 3]; 3] = [
    [0.436_074_7, 0.385_064_9, 0.143_080_4],
    [0.222_504_5, 0.716_878_6, 0.060_616_9],
    [0.013_932_2, 0.097_104_5, 0.714_173_3],
];

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn s15f16(b: &[u8], at: usize) -> Option<f64> {
    Some(be32(b, at)? as i32 as f64 / 65536.0)
}

/// The data of a tag, by signature.
fn tag<'a>(p: &'a [u8], sig: &[u8; 4]) -> Option<&'a [u8]> {
    let count = be32(p, 128)? as usize;
    for i in 0..count.min(1024) {
        let at = 132 + i * 12;
        if p.get(at..at + 4)? == sig {
            let off = be32(p, at + 4)? as usize;
            let len = be32(p, at + 8)? as usize;
            return p.get(off..off.checked_add(len)?);
        }
    }
    None
}

fn description(p: &[u8]) -> String {
    let Some(d) = tag(p, b"desc") else {
        return String::new();
    };
    match d.get(0..4) {
        Some(b"desc") => {
            let n = be32(d, 8).unwrap_or(0) as usize;
            let s = d
                .get(12..12 + n.min(d.len().saturating_sub(12)))
                .unwrap_or(&[]);
            String::from_utf8_lossy(s)
                .trim_end_matches('\0')
                .trim()
                .to_string()
        }
        Some(b"mluc") => {
            // First record: language, country, length, offset (UTF-16BE).
            let (Some(len), Some(off)) = (be32(d, 20), be32(d, 24)) else {
                return String::new();
            };
            let (len, off) = (len as usize, off as usize);
            let Some(s) = d.get(off..off.saturating_add(len)) else {
                return String::new();
            };
            let units: Vec<u16> = s
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&units)
                .trim_end_matches('\0')
                .trim()
                .to_string()
        }
        _ => String::new(),
    }
}

fn xyz(p: &[u8], sig: &[u8; 4]) -> Option<[f64; 3]> {
    let d = tag(p, sig)?;
    if d.get(0..4)? != b"XYZ " {
        return None;
    }
    Some([s15f16(d, 8)?, s15f16(d, 12)?, s15f16(d, 16)?])
}

/// A tone curve as a 256-entry table from stored value to linear light.
fn trc(p: &[u8], sig: &[u8; 4]) -> Option<[f32; 256]> {
    let d = tag(p, sig)?;
    let mut out = [0f32; 256];
    match d.get(0..4)? {
        b"curv" => {
            let n = be32(d, 8)? as usize;
            match n {
                0 => {
                    for (i, o) in out.iter_mut().enumerate() {
                        *o = i as f32 / 255.0;
                    }
                }
                1 => {
                    let g = be16(d, 12)? as f64 / 256.0;
                    for (i, o) in out.iter_mut().enumerate() {
                        *o = (i as f64 / 255.0).powf(g) as f32;
                    }
                }
                _ => {
                    let table: Vec<f64> = (0..n)
                        .map(|k| be16(d, 12 + 2 * k).map(|v| v as f64 / 65535.0))
                        .collect::<Option<_>>()?;
                    for (i, o) in out.iter_mut().enumerate() {
                        let x = i as f64 / 255.0 * (n - 1) as f64;
                        let lo = x.floor() as usize;
                        let hi = (lo + 1).min(n - 1);
                        let t = x - lo as f64;
                        *o = (table[lo] * (1.0 - t) + table[hi] * t) as f32;
                    }
                }
            }
        }
        b"para" => {
            let kind = be16(d, 8)?;
            let nparams = match kind {
                0 => 1,
                1 => 3,
                2 => 4,
                3 => 5,
                4 => 7,
                _ => return None,
            };
            let v: Vec<f64> = (0..nparams)
                .map(|k| s15f16(d, 12 + 4 * k))
                .collect::<Option<_>>()?;
            let (g, a, b, c, dd, e, f) = (
                v[0],
                *v.get(1).unwrap_or(&1.0),
                *v.get(2).unwrap_or(&0.0),
                *v.get(3).unwrap_or(&0.0),
                *v.get(4).unwrap_or(&0.0),
                *v.get(5).unwrap_or(&0.0),
                *v.get(6).unwrap_or(&0.0),
            );
            for (i, o) in out.iter_mut().enumerate() {
                let x = i as f64 / 255.0;
                let y = match kind {
                    0 => x.powf(g),
                    1 => {
                        if x >= -b / a {
                            (a * x + b).max(0.0).powf(g)
                        } else {
                            0.0
                        }
                    }
                    2 => {
                        if x >= -b / a {
                            (a * x + b).max(0.0).powf(g) + c
                        } else {
                            c
                        }
                    }
                    3 => {
                        if x >= dd {
                            (a * x + b).max(0.0).powf(g)
                        } else {
                            c * x
                        }
                    }
                    _ => {
                        if x >= dd {
                            (a * x + b).max(0.0).powf(g) + e
                        } else {
                            c * x + f
                        }
                    }
                };
                *o = y.clamp(0.0, 1.0) as f32;
            }
        }
        _ => return None,
    }
    Some(out)
}

fn invert(m: [[f64; 3]; 3]) -> Option<[[f64; 3]; 3]> {
    let det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
        - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
        + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    if det.abs() < 1e-12 || !det.is_finite() {
        return None;
    }
    let c =
        |r1: usize, c1: usize, r2: usize, c2: usize| m[r1][c1] * m[r2][c2] - m[r1][c2] * m[r2][c1];
    Some([
        [
            c(1, 1, 2, 2) / det,
            -c(0, 1, 2, 2) / det,
            c(0, 1, 1, 2) / det,
        ],
        [
            -c(1, 0, 2, 2) / det,
            c(0, 0, 2, 2) / det,
            -c(0, 0, 1, 2) / det,
        ],
        [
            c(1, 0, 2, 1) / det,
            -c(0, 0, 2, 1) / det,
            c(0, 0, 1, 1) / det,
        ],
    ])
}

fn mul(a: [[f64; 3]; 3], b: [[f64; 3]; 3]) -> [[f64; 3]; 3] {
    let mut out = [[0.0; 3]; 3];
    for (r, row) in out.iter_mut().enumerate() {
        for (c, v) in row.iter_mut().enumerate() {
            *v = (0..3).map(|k| a[r][k] * b[k][c]).sum();
        }
    }
    out
}

/// Reads what a profile is. `None` when the bytes are not an ICC profile.
pub fn summarize(p: &[u8]) -> Option<IccSummary> {
    if p.len() < 132 || p.get(36..40)? != b"acsp" {
        return None;
    }
    let space = String::from_utf8_lossy(p.get(16..20)?).trim().to_string();
    let description = description(p);
    let srgb = space == "RGB"
        && (description.to_ascii_lowercase().contains("srgb") || colorants_are_srgb(p));
    Some(IccSummary {
        description,
        space,
        srgb,
    })
}

/// Whether the RGB colorants equal sRGB's (within rounding) and the curves are sRGB-like.
fn colorants_are_srgb(p: &[u8]) -> bool {
    let (Some(r), Some(g), Some(b)) = (xyz(p, b"rXYZ"), xyz(p, b"gXYZ"), xyz(p, b"bXYZ")) else {
        return false;
    };
    let close = |v: [f64; 3], col: usize| (0..3).all(|k| (v[k] - SRGB_D50[k][col]).abs() < 0.003);
    if !(close(r, 0) && close(g, 1) && close(b, 2)) {
        return false;
    }
    // Same primaries with another tone curve (e.g. gamma 1.0) is not sRGB.
    match trc(p, b"gTRC") {
        Some(t) => [10u8, 64, 128, 200]
            .iter()
            .all(|&v| (t[v as usize] - srgb_to_linear(v)).abs() < 0.002),
        None => false,
    }
}

/// sRGB decoding of an 8-bit value to linear light.
pub fn srgb_to_linear(v: u8) -> f32 {
    let c = v as f64 / 255.0;
    (if c <= 0.04045 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }) as f32
}

/// sRGB encoding of linear light (0-1) to an 8-bit value.
pub fn linear_to_srgb(l: f32) -> u8 {
    let l = l.clamp(0.0, 1.0) as f64;
    let c = if l <= 0.003_130_8 {
        l * 12.92
    } else {
        1.055 * l.powf(1.0 / 2.4) - 0.055
    };
    (c * 255.0).round().clamp(0.0, 255.0) as u8
}

impl ToSrgb {
    /// A conversion for a matrix/TRC RGB profile; `None` for other kinds (LUT-based, grey,
    /// CMYK) or damaged tags.
    pub fn new(p: &[u8]) -> Option<ToSrgb> {
        let s = summarize(p)?;
        if s.space != "RGB" {
            return None;
        }
        let (r, g, b) = (xyz(p, b"rXYZ")?, xyz(p, b"gXYZ")?, xyz(p, b"bXYZ")?);
        let src = [[r[0], g[0], b[0]], [r[1], g[1], b[1]], [r[2], g[2], b[2]]];
        let m = mul(invert(SRGB_D50)?, src);
        let mut mf = [[0f32; 3]; 3];
        for (row, out) in m.iter().zip(mf.iter_mut()) {
            for (v, o) in row.iter().zip(out.iter_mut()) {
                if !v.is_finite() {
                    return None;
                }
                *o = *v as f32;
            }
        }
        Some(ToSrgb {
            lin: [trc(p, b"rTRC")?, trc(p, b"gTRC")?, trc(p, b"bTRC")?],
            m: mf,
        })
    }

    /// Converts interleaved RGB8 pixels in place.
    pub fn apply(&self, rgb: &mut [u8]) {
        // linear -> sRGB through a 4096-step table: ample for 8-bit output.
        let enc: Vec<u8> = (0..4096)
            .map(|i| linear_to_srgb(i as f32 / 4095.0))
            .collect();
        for px in rgb.chunks_exact_mut(3) {
            let l = [
                self.lin[0][px[0] as usize],
                self.lin[1][px[1] as usize],
                self.lin[2][px[2] as usize],
            ];
            for (c, out) in px.iter_mut().enumerate() {
                let v = self.m[c][0] * l[0] + self.m[c][1] * l[1] + self.m[c][2] * l[2];
                *out = enc[(v.clamp(0.0, 1.0) * 4095.0).round() as usize];
            }
        }
    }
}

/// Builds a minimal matrix/TRC RGB profile (v2) with the given D50 colorants and a gamma
/// curve per channel (0 = the sRGB curve as a parametric type-3 curve). Used by tests and
/// the fixture generator.
pub fn build_matrix_profile(description: &str, colorants: [[f64; 3]; 3], gamma: f64) -> Vec<u8> {
    let mut tags: Vec<([u8; 4], Vec<u8>)> = Vec::new();
    let mut desc = b"desc\0\0\0\0".to_vec();
    desc.extend_from_slice(&((description.len() + 1) as u32).to_be_bytes());
    desc.extend_from_slice(description.as_bytes());
    desc.push(0);
    desc.extend_from_slice(&[0u8; 4 + 4 + 2 + 1 + 67]);
    tags.push((*b"desc", desc));
    let fixed = |v: f64| ((v * 65536.0).round() as i32).to_be_bytes();
    for (i, sig) in [b"rXYZ", b"gXYZ", b"bXYZ"].iter().enumerate() {
        let mut d = b"XYZ \0\0\0\0".to_vec();
        for row in colorants.iter() {
            d.extend_from_slice(&fixed(row[i]));
        }
        tags.push((**sig, d));
    }
    let mut wtpt = b"XYZ \0\0\0\0".to_vec();
    for v in [0.9642, 1.0, 0.8249] {
        wtpt.extend_from_slice(&fixed(v));
    }
    tags.push((*b"wtpt", wtpt));
    let curve = if gamma > 0.0 {
        let mut d = b"curv\0\0\0\0".to_vec();
        d.extend_from_slice(&1u32.to_be_bytes());
        d.extend_from_slice(&((gamma * 256.0).round() as u16).to_be_bytes());
        d.extend_from_slice(&[0, 0]);
        d
    } else {
        let mut d = b"para\0\0\0\0".to_vec();
        d.extend_from_slice(&3u16.to_be_bytes());
        d.extend_from_slice(&[0, 0]);
        for v in [2.4, 1.0 / 1.055, 0.055 / 1.055, 1.0 / 12.92, 0.04045] {
            d.extend_from_slice(&fixed(v));
        }
        d
    };
    for sig in [b"rTRC", b"gTRC", b"bTRC"] {
        tags.push((*sig, curve.clone()));
    }
    let header_len = 128 + 4 + 12 * tags.len();
    let mut offset = header_len;
    let mut table = Vec::new();
    let mut data = Vec::new();
    for (sig, d) in &tags {
        table.extend_from_slice(sig);
        table.extend_from_slice(&(offset as u32).to_be_bytes());
        table.extend_from_slice(&(d.len() as u32).to_be_bytes());
        data.extend_from_slice(d);
        while data.len() % 4 != 0 {
            data.push(0);
        }
        offset = header_len + data.len();
    }
    let mut p = vec![0u8; 128];
    let total = (header_len + data.len()) as u32;
    p[0..4].copy_from_slice(&total.to_be_bytes());
    p[8..12].copy_from_slice(&[2, 0x10, 0, 0]);
    p[12..16].copy_from_slice(b"mntr");
    p[16..20].copy_from_slice(b"RGB ");
    p[20..24].copy_from_slice(b"XYZ ");
    p[36..40].copy_from_slice(b"acsp");
    p[68..80].copy_from_slice(&[0, 0, 0xF6, 0xD6, 0, 1, 0, 0, 0, 0, 0xD3, 0x2D]);
    p.extend_from_slice(&(tags.len() as u32).to_be_bytes());
    p.extend_from_slice(&table);
    p.extend_from_slice(&data);
    p
}

/// Display P3 primaries adapted to D50 (as in Apple's Display P3 profile), columns R, G, B.
pub const DISPLAY_P3_D50: [[f64; 3]; 3] = [
    [0.515_1, 0.292_0, 0.157_1],
    [0.241_2, 0.692_2, 0.066_6],
    [-0.001_1, 0.041_9, 0.784_1],
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn srgb_profile_is_recognised_and_is_identity() {
        let p = build_matrix_profile("sRGB IEC61966-2.1", SRGB_D50, 0.0);
        let s = summarize(&p).unwrap();
        assert!(s.srgb);
        assert_eq!(s.space, "RGB");
        assert_eq!(s.description, "sRGB IEC61966-2.1");
        // Same colorants, description without "sRGB": still sRGB by its colorants.
        let q = build_matrix_profile("Camera RGB", SRGB_D50, 0.0);
        assert!(summarize(&q).unwrap().srgb);
        let conv = ToSrgb::new(&q).unwrap();
        let mut px = vec![67, 142, 219, 0, 0, 0, 255, 255, 255, 128, 128, 128];
        let before = px.clone();
        conv.apply(&mut px);
        for (a, b) in px.iter().zip(&before) {
            assert!((*a as i32 - *b as i32).abs() <= 1, "{px:?} vs {before:?}");
        }
    }

    #[test]
    fn display_p3_converts_to_more_saturated_srgb() {
        let p = build_matrix_profile("Display P3", DISPLAY_P3_D50, 0.0);
        let s = summarize(&p).unwrap();
        assert!(!s.srgb);
        assert_eq!(s.description, "Display P3");
        let conv = ToSrgb::new(&p).unwrap();
        // P3 pure red is outside sRGB: it clips to sRGB red.
        let mut px = vec![255, 0, 0, 128, 128, 128];
        conv.apply(&mut px);
        assert_eq!(&px[0..3], &[255, 0, 0]);
        // Greys stay grey (same white point and curve).
        assert!(
            px[3..6].iter().all(|v| (*v as i32 - 128).abs() <= 1),
            "{px:?}"
        );
        // A muted P3 blue becomes a more saturated sRGB blue.
        let mut b = vec![80, 140, 210];
        conv.apply(&mut b);
        assert!(b[0] < 80 && b[2] >= 210, "{b:?}");
    }

    #[test]
    fn gamma_22_profile_darkens_midtones_into_srgb() {
        let p = build_matrix_profile("Adobe-ish", SRGB_D50, 2.2);
        assert!(!summarize(&p).unwrap().srgb);
        let conv = ToSrgb::new(&p).unwrap();
        let mut px = vec![128, 128, 128];
        conv.apply(&mut px);
        // gamma 2.2 linear of 0.502 = 0.22, sRGB-encoded = 0.51 -> 129 or so
        assert!((px[0] as i32 - 129).abs() <= 2, "{px:?}");
    }

    #[test]
    fn garbage_is_not_a_profile_and_never_panics() {
        assert!(summarize(b"short").is_none());
        let mut p = build_matrix_profile("x", SRGB_D50, 0.0);
        // Corrupt the tag table offsets.
        for i in 132..p.len().min(200) {
            p[i] = 0xFF;
        }
        let _ = summarize(&p);
        assert!(ToSrgb::new(&p).is_none());
    }
}
