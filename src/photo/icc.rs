//! Embedded ICC colour profiles, read and converted by `moxcms`: tells sRGB from other RGB
//! spaces (Display P3 from phones, Adobe RGB from cameras) and converts the pixels of an RGB
//! profile (matrix/TRC or LUT-based) to sRGB, so the background colour is judged as a screen
//! shows it. A profile `moxcms` cannot read or convert is still named, and left unconverted
//! (the caller reports that).

use moxcms::{
    CmsError, ColorProfile, Layout, LocalizableString, ProfileText, Transform8BitExecutor,
    TransformOptions, Xyzd,
};
use serde::Serialize;
use std::sync::Arc;

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

/// A conversion from an RGB profile to sRGB.
pub struct ToSrgb(Arc<Transform8BitExecutor>);

/// sRGB primaries adapted to D50 (as in the ICC sRGB profile), columns R, G, B.
const SRGB_D50: [[f64; 3]; 3] = [
    [0.436_074_7, 0.385_064_9, 0.143_080_4],
    [0.222_504_5, 0.716_878_6, 0.060_616_9],
    [0.013_932_2, 0.097_104_5, 0.714_173_3],
];

/// Reads what a profile is. `None` when the bytes are not an ICC profile. The colour space
/// comes from the header, so a profile whose tags `moxcms` refuses is still told apart (with
/// no description, and not sRGB).
pub fn summarize(p: &[u8]) -> Option<IccSummary> {
    if p.len() < 132 || p.get(36..40)? != b"acsp" {
        return None;
    }
    let space = String::from_utf8_lossy(p.get(16..20)?).trim().to_string();
    let parsed = ColorProfile::new_from_slice(p).ok();
    let description = parsed
        .as_ref()
        .and_then(|c| c.description.as_ref())
        .map(text)
        .unwrap_or_default();
    let srgb = space == "RGB"
        && (description.to_ascii_lowercase().contains("srgb")
            || parsed.as_ref().is_some_and(colorants_are_srgb));
    Some(IccSummary {
        description,
        space,
        srgb,
    })
}

/// A profile text as one line: the first record of a localised text, the ASCII part of a v2
/// description.
fn text(t: &ProfileText) -> String {
    let s = match t {
        ProfileText::PlainString(s) => s.as_str(),
        ProfileText::Localizable(records) => records.first().map_or("", |r| r.value.as_str()),
        ProfileText::Description(d) if d.ascii_string.trim_end_matches('\0').is_empty() => {
            d.unicode_string.as_str()
        }
        ProfileText::Description(d) => d.ascii_string.as_str(),
    };
    s.trim_end_matches('\0').trim().to_string()
}

/// Whether the RGB colorants equal sRGB's (within rounding) and the curves are sRGB-like.
fn colorants_are_srgb(c: &ColorProfile) -> bool {
    let close = |v: Xyzd, col: usize| {
        [v.x, v.y, v.z]
            .iter()
            .enumerate()
            .all(|(k, v)| (v - SRGB_D50[k][col]).abs() < 0.003)
    };
    if !(close(c.red_colorant, 0) && close(c.green_colorant, 1) && close(c.blue_colorant, 2)) {
        return false;
    }
    // Same primaries with another tone curve (e.g. gamma 1.0) is not sRGB.
    let Some(curve) = c
        .green_trc
        .as_ref()
        .and_then(|t| t.make_linear_evaluator().ok())
    else {
        return false;
    };
    [10u8, 64, 128, 200]
        .iter()
        .all(|&v| (curve.evaluate_value(v as f32 / 255.0) - srgb_to_linear(v)).abs() < 0.002)
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

impl ToSrgb {
    /// A conversion for an RGB profile; `None` for other spaces (grey, CMYK) and for what
    /// `moxcms` cannot read or convert.
    pub fn new(p: &[u8]) -> Option<ToSrgb> {
        if summarize(p)?.space != "RGB" {
            return None;
        }
        let source = ColorProfile::new_from_slice(p).ok()?;
        let to = source
            .create_transform_8bit(
                Layout::Rgb,
                &ColorProfile::new_srgb(),
                Layout::Rgb,
                TransformOptions::default(),
            )
            .ok()?;
        Some(ToSrgb(to))
    }

    /// Converts interleaved RGB8 pixels in place.
    pub fn apply(&self, rgb: &mut [u8]) -> Result<(), CmsError> {
        let source = rgb.to_vec();
        self.0.transform(&source, rgb)
    }
}

/// Builds a matrix/TRC RGB profile with the given D50 colorants (columns R, G, B) and one
/// gamma curve for the three channels (0 = the sRGB curve). Used by tests and the fixture
/// generator.
pub fn build_matrix_profile(description: &str, colorants: [[f64; 3]; 3], gamma: f64) -> Vec<u8> {
    let mut p = ColorProfile::new_srgb();
    let column = |c: usize| Xyzd::new(colorants[0][c], colorants[1][c], colorants[2][c]);
    p.red_colorant = column(0);
    p.green_colorant = column(1);
    p.blue_colorant = column(2);
    if gamma > 0.0 {
        let curve = moxcms::curve_from_gamma(gamma as f32);
        p.red_trc = Some(curve.clone());
        p.green_trc = Some(curve.clone());
        p.blue_trc = Some(curve);
    }
    // The curves and colorants above are the profile, not sRGB's code points.
    p.cicp = None;
    p.copyright = None;
    p.description = Some(ProfileText::Localizable(vec![LocalizableString::new(
        "en".into(),
        "US".into(),
        description.into(),
    )]));
    p.encode().expect("a matrix profile encodes")
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
        conv.apply(&mut px).unwrap();
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
        conv.apply(&mut px).unwrap();
        assert_eq!(&px[0..3], &[255, 0, 0]);
        // Greys stay grey (same white point and curve).
        assert!(
            px[3..6].iter().all(|v| (*v as i32 - 128).abs() <= 1),
            "{px:?}"
        );
        // A muted P3 blue becomes a more saturated sRGB blue.
        let mut b = vec![80, 140, 210];
        conv.apply(&mut b).unwrap();
        assert!(b[0] < 80 && b[2] >= 210, "{b:?}");
    }

    #[test]
    fn gamma_22_profile_darkens_midtones_into_srgb() {
        let p = build_matrix_profile("Adobe-ish", SRGB_D50, 2.2);
        assert!(!summarize(&p).unwrap().srgb);
        let conv = ToSrgb::new(&p).unwrap();
        let mut px = vec![128, 128, 128];
        conv.apply(&mut px).unwrap();
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

    #[test]
    fn a_profile_moxcms_refuses_is_still_named_by_its_space_and_left_unconverted() {
        let mut p = build_matrix_profile("Display P3", DISPLAY_P3_D50, 0.0);
        // Every tag's data past the end of the profile.
        let count = u32::from_be_bytes(p[128..132].try_into().unwrap()) as usize;
        for i in 0..count {
            let at = 132 + i * 12 + 4;
            p[at..at + 4].copy_from_slice(&0x00FF_FFFFu32.to_be_bytes());
        }
        let s = summarize(&p).unwrap();
        assert_eq!(s.space, "RGB");
        assert!(!s.srgb);
        assert!(ToSrgb::new(&p).is_none());
    }
}
