//! Photo profiles: the editable thresholds a photo is judged against, read from
//! `templates/photo/NAME.toml` (built-in `shenzhen-2inch` and `cn-exit-entry`, or a user's
//! own file), checked for sense when loaded.

use crate::assets::{AssetError, Templates};
use crate::issue::Severity;
use serde::{Deserialize, Serialize};

/// Name of the profile used when none is chosen.
pub const DEFAULT_PROFILE: &str = "shenzhen-2inch";

/// Everything a photo is judged against. Field meanings and sources are documented in the
/// built-in profile files.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PhotoProfile {
    /// Profile name (the file stem); filled in by [`PhotoProfile::load`].
    #[serde(default)]
    pub name: String,
    pub name_en: String,
    pub name_zh: String,
    pub print: Print,
    pub limits: Limits,
    pub formats: Formats,
    pub aspect: Aspect,
    pub resolution: Resolution,
    pub file: FileRules,
    pub colour: ColourRules,
    pub background: Background,
    pub uniformity: Uniformity,
    pub face: FaceRules,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Print {
    pub width_mm: f64,
    pub height_mm: f64,
}

/// Hard limits checked before decoding.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    pub max_file_bytes: u64,
    pub max_pixels: u64,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Formats {
    /// Lower-case format names: `jpeg`, `png`.
    pub accept: Vec<String>,
    pub severity: Level,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Aspect {
    pub width: f64,
    pub height: f64,
    /// Allowed relative deviation of width/height from `width / height`.
    pub tolerance: f64,
    pub severity: Level,
    /// Other ratios accepted as they are (the files studios deliver), with a note that the
    /// print must still have the profile's print size.
    #[serde(default)]
    pub also_accept: Option<AspectRange>,
}

/// A closed range of width:height ratios, from one ratio to another.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AspectRange {
    /// `[width, height]`, e.g. `[33.0, 48.0]`.
    pub from: [f64; 2],
    pub to: [f64; 2],
}

impl AspectRange {
    /// The lower and upper ratio (width / height).
    pub fn bounds(&self) -> (f64, f64) {
        let a = self.from[0] / self.from[1];
        let b = self.to[0] / self.to[1];
        (a.min(b), a.max(b))
    }
}

impl Aspect {
    /// The expected width/height ratio.
    pub fn ratio(&self) -> f64 {
        self.width / self.height
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Resolution {
    pub min_width_px: u32,
    pub min_height_px: u32,
    pub severity: Level,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FileRules {
    /// 0 = no lower limit.
    pub min_bytes: u64,
    /// 0 = no upper limit.
    pub max_bytes: u64,
    /// 0 = no lower limit.
    pub min_dpi: f64,
    /// 0 = no upper limit.
    pub max_dpi: f64,
    pub severity: Level,
}

/// What to do with a photo that is not plain 24-bit sRGB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ColourAction {
    /// Say nothing.
    Accept,
    /// Judge the converted pixels and warn.
    Convert,
    /// Judge the converted pixels and report an error.
    Fail,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ColourRules {
    pub greyscale: ColourAction,
    pub cmyk: ColourAction,
    pub alpha: ColourAction,
    pub other_profile: ColourAction,
    /// More than 8 bits per channel (16-bit PNG). A profile copied before this key existed
    /// converts and warns.
    #[serde(default = "convert")]
    pub deep: ColourAction,
}

fn convert() -> ColourAction {
    ColourAction::Convert
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Background {
    pub min_share: f64,
    pub severity: Level,
    pub top_band: f64,
    pub side_band: f64,
    pub side_bottom: f64,
    /// Accepted background colours; a pixel matching any of them is background.
    #[serde(rename = "colour")]
    pub colours: Vec<ColourClass>,
}

/// A range of colours in HSV: hue in degrees (0-360), saturation and value 0-1.
/// `hue_min > hue_max` wraps around red (e.g. 340..20).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ColourClass {
    pub name: String,
    pub name_zh: String,
    pub hue_min: f64,
    pub hue_max: f64,
    pub saturation_min: f64,
    pub saturation_max: f64,
    pub value_min: f64,
    pub value_max: f64,
}

impl ColourClass {
    /// Whether an HSV colour (hue in degrees, s and v 0-1) falls in this class. A hue range
    /// of 0..360 accepts every hue, including the undefined hue of greys.
    pub fn contains(&self, h: f32, s: f32, v: f32) -> bool {
        let (hmin, hmax) = (self.hue_min as f32, self.hue_max as f32);
        let hue_ok = if hmax - hmin >= 360.0 {
            true
        } else if hmin <= hmax {
            h >= hmin && h <= hmax
        } else {
            h >= hmin || h <= hmax
        };
        hue_ok
            && s >= self.saturation_min as f32
            && s <= self.saturation_max as f32
            && v >= self.value_min as f32
            && v <= self.value_max as f32
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Uniformity {
    pub severity: Level,
    pub max_left_right: f64,
    pub max_top_bottom: f64,
    pub max_spread: f64,
    pub max_gradient: f64,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FaceRules {
    pub enabled: bool,
    /// Severity of a face that is off-centre, too small or too large, or of several faces.
    pub severity: Level,
    /// Severity of a photo where no face is found (or the detector cannot run on it): a photo
    /// without a face cannot be the applicant's.
    #[serde(default = "error_level")]
    pub none_severity: Level,
    pub min_score: f64,
    pub max_centre_offset: f64,
    pub min_height_share: f64,
    pub max_height_share: f64,
}

fn error_level() -> Level {
    Level::Error
}

/// Severity as written in a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Warning,
    Error,
}

impl Level {
    pub fn severity(self) -> Severity {
        match self {
            Level::Warning => Severity::Warning,
            Level::Error => Severity::Error,
        }
    }
}

/// Why a photo profile cannot be used: an unknown name, or a file that is unreadable, not
/// valid TOML, or holds a value that makes no sense (named by its field).
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error(transparent)]
    Asset(#[from] AssetError),
    #[error(
        "unknown photo profile '{name}'; available profiles: {} \
         (add your own as photo/NAME.toml in a --templates folder) / \
         未知的照片规格“{name}”；可用的规格：{}",
        available.join(", "),
        available.join("、")
    )]
    Unknown {
        name: String,
        available: Vec<String>,
    },
    #[error("photo profile {file}: {reason}")]
    Template { file: String, reason: String },
}

impl PhotoProfile {
    /// Loads `photo/NAME.toml` from the templates (the user's folder first). An unknown name
    /// gives a message listing the available profiles; a file that does not parse or holds
    /// a nonsensical value gives a message naming the file and the field.
    pub fn load(templates: &Templates, name: &str) -> Result<PhotoProfile, ProfileError> {
        let available = Self::available(templates);
        // Only names that are listed are read: a name like "../x" never reaches the disk.
        if !available.iter().any(|n| *n == name) {
            return Err(ProfileError::Unknown {
                name: name.to_string(),
                available,
            });
        }
        let text = templates.get_text(&format!("photo/{name}.toml"))?;
        Self::parse(name, &text)
    }

    /// Names of the available profiles (file stems), sorted.
    pub fn available(templates: &Templates) -> Vec<String> {
        templates
            .list("photo", "toml")
            .into_iter()
            .filter_map(|f| f.strip_suffix(".toml").map(str::to_string))
            .collect()
    }

    /// Parses and checks a profile from TOML text.
    pub fn parse(name: &str, text: &str) -> Result<PhotoProfile, ProfileError> {
        let mut p: PhotoProfile = toml::from_str(text).map_err(|e| ProfileError::Template {
            file: format!("photo/{name}.toml"),
            reason: e.to_string(),
        })?;
        p.name = name.to_string();
        p.validate()?;
        Ok(p)
    }

    /// Checks that every value makes sense, naming the first field that does not.
    pub fn validate(&self) -> Result<(), ProfileError> {
        let invalid = |reason: String| ProfileError::Template {
            file: format!("photo/{}.toml", self.name),
            reason,
        };
        let positive = |field: &str, v: f64| {
            if v.is_finite() && v > 0.0 {
                Ok(())
            } else {
                Err(invalid(format!(
                    "{field} must be a number above 0 (found {v})"
                )))
            }
        };
        let fraction = |field: &str, v: f64| {
            if v.is_finite() && (0.0..=1.0).contains(&v) {
                Ok(())
            } else {
                Err(invalid(format!(
                    "{field} must be between 0 and 1 (found {v})"
                )))
            }
        };
        let non_negative = |field: &str, v: f64| {
            if v.is_finite() && v >= 0.0 {
                Ok(())
            } else {
                Err(invalid(format!("{field} must be 0 or more (found {v})")))
            }
        };
        positive("print.width_mm", self.print.width_mm)?;
        positive("print.height_mm", self.print.height_mm)?;
        if self.limits.max_file_bytes == 0 {
            return Err(invalid("limits.max_file_bytes must be above 0".into()));
        }
        if self.limits.max_pixels == 0 {
            return Err(invalid("limits.max_pixels must be above 0".into()));
        }
        for f in &self.formats.accept {
            if !matches!(f.as_str(), "jpeg" | "png") {
                return Err(invalid(format!(
                    "formats.accept may list \"jpeg\" and \"png\" only (found \"{f}\")"
                )));
            }
        }
        if self.formats.accept.is_empty() {
            return Err(invalid(
                "formats.accept must list at least one format".into(),
            ));
        }
        positive("aspect.width", self.aspect.width)?;
        positive("aspect.height", self.aspect.height)?;
        fraction("aspect.tolerance", self.aspect.tolerance)?;
        if let Some(r) = &self.aspect.also_accept {
            for (i, v) in r.from.iter().chain(&r.to).enumerate() {
                positive(&format!("aspect.also_accept value {}", i + 1), *v)?;
            }
        }
        non_negative("file.min_dpi", self.file.min_dpi)?;
        non_negative("file.max_dpi", self.file.max_dpi)?;
        if self.file.max_bytes > 0 && self.file.min_bytes > self.file.max_bytes {
            return Err(invalid("file.min_bytes is above file.max_bytes".into()));
        }
        if self.file.max_dpi > 0.0 && self.file.min_dpi > self.file.max_dpi {
            return Err(invalid("file.min_dpi is above file.max_dpi".into()));
        }
        let b = &self.background;
        fraction("background.min_share", b.min_share)?;
        fraction("background.top_band", b.top_band)?;
        fraction("background.side_band", b.side_band)?;
        fraction("background.side_bottom", b.side_bottom)?;
        if b.side_band > 0.5 {
            return Err(invalid(format!(
                "background.side_band must be at most 0.5 (found {})",
                b.side_band
            )));
        }
        if b.top_band <= 0.0 && (b.side_band <= 0.0 || b.side_bottom <= 0.0) {
            return Err(invalid(
                "background bands are empty: set top_band or side_band".into(),
            ));
        }
        if b.colours.is_empty() {
            return Err(invalid(
                "background needs at least one [[background.colour]]".into(),
            ));
        }
        for (i, c) in b.colours.iter().enumerate() {
            let at = format!("background.colour[{}] ({})", i + 1, c.name);
            for (f, v) in [("hue_min", c.hue_min), ("hue_max", c.hue_max)] {
                if !(v.is_finite() && (0.0..=360.0).contains(&v)) {
                    return Err(invalid(format!(
                        "{at}.{f} must be between 0 and 360 (found {v})"
                    )));
                }
            }
            fraction(&format!("{at}.saturation_min"), c.saturation_min)?;
            fraction(&format!("{at}.saturation_max"), c.saturation_max)?;
            fraction(&format!("{at}.value_min"), c.value_min)?;
            fraction(&format!("{at}.value_max"), c.value_max)?;
            if c.saturation_min > c.saturation_max || c.value_min > c.value_max {
                return Err(invalid(format!("{at}: a minimum is above its maximum")));
            }
        }
        let u = &self.uniformity;
        non_negative("uniformity.max_left_right", u.max_left_right)?;
        non_negative("uniformity.max_top_bottom", u.max_top_bottom)?;
        non_negative("uniformity.max_spread", u.max_spread)?;
        non_negative("uniformity.max_gradient", u.max_gradient)?;
        let f = &self.face;
        positive("face.min_score", f.min_score)?;
        fraction("face.max_centre_offset", f.max_centre_offset)?;
        fraction("face.min_height_share", f.min_height_share)?;
        fraction("face.max_height_share", f.max_height_share)?;
        if f.min_height_share > f.max_height_share {
            return Err(invalid(
                "face.min_height_share is above face.max_height_share".into(),
            ));
        }
        Ok(())
    }

    /// Whether a format name (`jpeg`, `png`) is accepted.
    pub fn accepts(&self, format: &str) -> bool {
        self.formats.accept.iter().any(|f| f == format)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_profiles_load_and_differ() {
        let t = Templates::builtin();
        let sz = PhotoProfile::load(&t, DEFAULT_PROFILE).unwrap();
        assert_eq!(sz.print.width_mm, 35.0);
        assert_eq!(sz.resolution.min_width_px, 354);
        assert_eq!(sz.resolution.min_height_px, 472);
        let range = sz.aspect.also_accept.as_ref().unwrap().bounds();
        assert!((range.0 - 33.0 / 48.0).abs() < 1e-9 && (range.1 - 0.75).abs() < 1e-9);
        assert_eq!(sz.face.none_severity, Level::Error);
        assert!((sz.aspect.ratio() - 35.0 / 48.0).abs() < 1e-9);
        let ee = PhotoProfile::load(&t, "cn-exit-entry").unwrap();
        assert_eq!(ee.resolution.min_width_px, 354);
        assert_eq!(ee.resolution.min_height_px, 472);
        assert!((ee.aspect.ratio() - 0.75).abs() < 1e-9);
        assert_eq!(ee.file.min_bytes, 20 * 1024);
        assert_eq!(ee.file.max_bytes, 80 * 1024);
        assert_eq!(ee.background.colours.len(), 2);
        assert_eq!(
            PhotoProfile::available(&t),
            vec!["cn-exit-entry".to_string(), "shenzhen-2inch".to_string()]
        );
    }

    #[test]
    fn unknown_profile_lists_the_available_ones() {
        let err = PhotoProfile::load(&Templates::builtin(), "passport-uk")
            .unwrap_err()
            .to_string();
        assert!(err.contains("passport-uk"), "{err}");
        assert!(err.contains("cn-exit-entry, shenzhen-2inch"), "{err}");
        // A path is never used as a name.
        let err = PhotoProfile::load(&Templates::builtin(), "../photo/shenzhen-2inch");
        assert!(err.is_err());
    }

    #[test]
    fn user_profile_is_found_and_checked() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("photo")).unwrap();
        let base = Templates::builtin()
            .get_text("photo/shenzhen-2inch.toml")
            .unwrap();
        let mine = base.replace("min_share = 0.90", "min_share = 0.75");
        std::fs::write(tmp.path().join("photo/mine.toml"), mine).unwrap();
        let bad = base.replace("min_share = 0.90", "min_share = 90");
        std::fs::write(tmp.path().join("photo/bad.toml"), bad).unwrap();
        let typo = base.replace("min_share = 0.90", "min_shar = 0.90");
        std::fs::write(tmp.path().join("photo/typo.toml"), typo).unwrap();
        let t = Templates::with_dir(tmp.path());
        let p = PhotoProfile::load(&t, "mine").unwrap();
        assert_eq!(p.name, "mine");
        assert_eq!(p.background.min_share, 0.75);
        let e = PhotoProfile::load(&t, "bad").unwrap_err().to_string();
        assert!(
            e.contains("photo/bad.toml") && e.contains("background.min_share"),
            "{e}"
        );
        let e = PhotoProfile::load(&t, "typo").unwrap_err().to_string();
        assert!(
            e.contains("photo/typo.toml") && e.contains("min_shar"),
            "{e}"
        );
    }

    #[test]
    fn hue_ranges_may_wrap_and_cover_everything() {
        let mut c = ColourClass {
            name: "red".into(),
            name_zh: "红".into(),
            hue_min: 340.0,
            hue_max: 20.0,
            saturation_min: 0.0,
            saturation_max: 1.0,
            value_min: 0.0,
            value_max: 1.0,
        };
        assert!(c.contains(350.0, 0.5, 0.5));
        assert!(c.contains(10.0, 0.5, 0.5));
        assert!(!c.contains(200.0, 0.5, 0.5));
        c.hue_min = 0.0;
        c.hue_max = 360.0;
        assert!(c.contains(200.0, 0.5, 0.5));
    }
}
