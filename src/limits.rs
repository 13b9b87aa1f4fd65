//! The limits of `templates/limits.toml`: how large a roster, a cell, a scan or a report
//! sheet may be before permitpack refuses or cuts it. Parsed and checked here; the readers
//! and writers apply them.

use crate::assets::{AssetError, Templates};
/// The `[scans]` table, defined beside the listings it bounds.
pub use crate::io::ScanLimits;
use serde::Deserialize;

/// The template file holding the limits.
pub const LIMITS_FILE: &str = "limits.toml";

/// Everything in `limits.toml`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    pub roster: RosterLimits,
    pub scans: ScanLimits,
    pub report: ReportLimits,
    /// A user's copy of limits.toml from before `permitpack serve` has no `[serve]`.
    #[serde(default)]
    pub serve: ServeLimits,
    /// A user's copy of limits.toml from before the upload folder has no `[upload]`.
    #[serde(default)]
    pub upload: UploadLimits,
}

/// Bounds on reading the roster.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RosterLimits {
    pub max_file_bytes: u64,
    pub max_cells: u64,
    pub max_text_bytes: u64,
    pub max_cell_chars: usize,
    pub max_name_chars: usize,
    pub max_company_file_bytes: u64,
}

/// Bounds on the reports.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportLimits {
    pub max_xlsx_rows: u32,
}

/// Bounds on one upload to `permitpack serve` and on its queue.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServeLimits {
    pub max_job_bytes: u64,
    pub max_file_bytes: u64,
    pub max_files: usize,
    pub max_queued_jobs: usize,
}

/// What the online platform takes: one file per item within a byte budget, and the photo.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UploadLimits {
    /// The largest upload file (one per checklist item).
    pub max_file_bytes: u64,
    /// The largest platform photo.
    pub photo_max_bytes: u64,
    /// The smallest platform photo: one that would be smaller is made from a larger decode
    /// of the original (never enlarged beyond it).
    #[serde(default)]
    pub photo_min_bytes: u64,
    /// The longest side an image is scaled to first, then step by step down to
    /// `min_long_side_px`, each tried with the JPEG qualities in turn until the file fits.
    pub long_sides_px: Vec<u32>,
    /// Never below this long side (about 150 dpi on A4).
    pub min_long_side_px: u32,
    /// The JPEG quality ladder, best first.
    pub jpeg_qualities: Vec<u8>,
}

impl Default for UploadLimits {
    fn default() -> UploadLimits {
        Limits::default().upload
    }
}

impl Default for ServeLimits {
    fn default() -> ServeLimits {
        Limits::default().serve
    }
}

impl Default for Limits {
    /// The built-in `limits.toml`.
    fn default() -> Limits {
        static BUILTIN: std::sync::OnceLock<Limits> = std::sync::OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                Limits::load(&Templates::builtin()).expect("the built-in limits.toml is valid")
            })
            .clone()
    }
}

impl Default for ScanLimits {
    fn default() -> ScanLimits {
        Limits::default().scans
    }
}

impl Default for RosterLimits {
    fn default() -> RosterLimits {
        Limits::default().roster
    }
}

/// Why `limits.toml` cannot be used: unreadable, not valid TOML, or a limit that makes no
/// sense (zero, or a minimum above its maximum).
#[derive(Debug, thiserror::Error)]
pub enum LimitsError {
    #[error(transparent)]
    Asset(#[from] AssetError),
    #[error("template {file}: {reason}")]
    Template { file: &'static str, reason: String },
}

/// A value of `limits.toml` that cannot be used.
fn invalid(reason: String) -> LimitsError {
    LimitsError::Template {
        file: LIMITS_FILE,
        reason,
    }
}

impl Limits {
    /// Reads `limits.toml` (a user's copy over the built-in one). The error names the file.
    pub fn load(templates: &Templates) -> Result<Limits, LimitsError> {
        let text = templates.get_text(LIMITS_FILE)?;
        let limits: Limits = toml::from_str(&text).map_err(|e| invalid(e.to_string()))?;
        limits.check()?;
        Ok(limits)
    }

    fn check(&self) -> Result<(), LimitsError> {
        let r = &self.roster;
        let s = &self.scans;
        for (name, v) in [
            ("roster.max_file_bytes", r.max_file_bytes),
            ("roster.max_cells", r.max_cells),
            ("roster.max_text_bytes", r.max_text_bytes),
            ("roster.max_cell_chars", r.max_cell_chars as u64),
            ("roster.max_name_chars", r.max_name_chars as u64),
            ("roster.max_company_file_bytes", r.max_company_file_bytes),
            ("scans.max_file_bytes", s.max_file_bytes),
            ("scans.max_files_per_folder", s.max_files_per_folder as u64),
            ("scans.max_listed_per_kind", s.max_listed_per_kind as u64),
            ("serve.max_job_bytes", self.serve.max_job_bytes),
            ("serve.max_file_bytes", self.serve.max_file_bytes),
            ("serve.max_files", self.serve.max_files as u64),
            ("serve.max_queued_jobs", self.serve.max_queued_jobs as u64),
            ("upload.max_file_bytes", self.upload.max_file_bytes),
            ("upload.photo_max_bytes", self.upload.photo_max_bytes),
            (
                "upload.min_long_side_px",
                self.upload.min_long_side_px as u64,
            ),
        ] {
            if v == 0 {
                return Err(invalid(format!("{name} must be above 0")));
            }
        }
        let u = &self.upload;
        if u.photo_min_bytes >= u.photo_max_bytes {
            return Err(invalid(
                "upload.photo_min_bytes must be below upload.photo_max_bytes".into(),
            ));
        }
        if u.jpeg_qualities.is_empty() || u.jpeg_qualities.iter().any(|q| !(1..=100).contains(q)) {
            return Err(invalid(
                "upload.jpeg_qualities must list qualities from 1 to 100".into(),
            ));
        }
        if u.long_sides_px.iter().any(|&s| s < u.min_long_side_px) {
            return Err(invalid(
                "upload.long_sides_px must not go below upload.min_long_side_px".into(),
            ));
        }
        if !(2..=1_048_576).contains(&self.report.max_xlsx_rows) {
            return Err(invalid(
                "report.max_xlsx_rows must be between 2 and 1048576 (Excel's limit)".into(),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_limits_load_and_zero_is_refused() {
        let l = Limits::default();
        assert_eq!(l.roster.max_cell_chars, 32_767);
        assert_eq!(l.report.max_xlsx_rows, 1_048_576);
        let dir = tempfile::tempdir().unwrap();
        let text = String::from_utf8(Templates::builtin().get(LIMITS_FILE).unwrap().to_vec())
            .unwrap()
            .replace("max_files_per_folder = 200", "max_files_per_folder = 0");
        std::fs::write(dir.path().join(LIMITS_FILE), text).unwrap();
        let err = Limits::load(&Templates::with_dir(dir.path()))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("limits.toml") && err.contains("max_files_per_folder"),
            "{err}"
        );
    }
}
