//! The photo stage: judges one photo file (bytes) against a [`PhotoProfile`] and returns
//! the measurements, the `photo.*` issues and an annotated preview. Pure: no filesystem
//! access except in [`locate`], the thin edge that finds an employee's photo file.
//!
//! Order of work, cheapest refusal first: file-size cap, format by magic bytes, header size
//! against the pixel cap, completeness, then one decode to a small working image (see
//! [`decode`]), then geometry, colour, face, background and uniformity, then the preview.

pub mod decode;
pub mod face;
pub mod icc;
pub mod locate;
pub mod measure;
pub mod preview;
pub mod profile;
pub mod sniff;

pub use locate::{PhotoFile, PhotoIndex, locate, read_photo};
pub use profile::{DEFAULT_PROFILE, PhotoProfile};

use crate::issue::{Issue, Severity};
use decode::{ColourFacts, Working};
use face::Face;
use measure::{BackgroundMeasure, Rect};
use profile::{ColourAction, Level};
use serde::Serialize;
use sniff::{Format, SniffError, Stored};

/// Result of one check, for people and the reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    Pass,
    Warn,
    Fail,
    /// Could not be measured (e.g. no face to measure, detector could not run).
    Skip,
}

/// One check with what was measured and what the profile asks, as short language-neutral
/// text (numbers and units). The check's name comes from the catalog: `ui.photo.check.<id>`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckLine {
    pub check: &'static str,
    pub status: CheckStatus,
    pub measured: String,
    pub threshold: String,
}

/// The face detector's findings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FaceReport {
    /// Whether the detector ran.
    pub ran: bool,
    pub count: usize,
    /// Faces found, best first (at most 5), as fractions of the displayed photo.
    pub faces: Vec<Face>,
    /// For exactly one face: centre offset and face-box height share.
    pub centre_offset: Option<f64>,
    pub height_share: Option<f64>,
}

/// Everything measured about one photo, for report.json (`details["photo"]`) and the HTML
/// report. Sizes are as displayed (after the EXIF orientation).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhotoReport {
    pub file: String,
    pub profile: String,
    pub format: Option<Format>,
    pub bytes: u64,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// EXIF orientation (1 = as stored).
    pub orientation: u8,
    /// Displayed width / height.
    pub aspect: Option<f64>,
    /// Resolution recorded in the file.
    pub dpi: Option<f64>,
    pub colour: Option<ColourFacts>,
    /// Share of the background bands in an accepted backdrop colour (blue for the default
    /// profile), 0-1.
    pub background_share: Option<f64>,
    pub background: Option<BackgroundMeasure>,
    pub face: Option<FaceReport>,
    pub checks: Vec<CheckLine>,
    /// No error-level issue.
    pub ok: bool,
}

/// The verdict on one photo.
#[derive(Debug, Clone, PartialEq)]
pub struct PhotoVerdict {
    pub report: PhotoReport,
    /// `photo.*` issues, each with `.file(file_name)`.
    pub issues: Vec<Issue>,
    /// Annotated thumbnail ([`preview::PREVIEW_MIME`]), when the photo could be decoded.
    pub preview: Option<Vec<u8>>,
}

impl PhotoVerdict {
    pub fn ok(&self) -> bool {
        self.report.ok
    }
    /// The brief line for `EmployeeOutcome::photo`.
    pub fn line(&self) -> crate::outcome::PhotoLine {
        crate::outcome::PhotoLine {
            file: self.report.file.clone(),
            ok: self.report.ok,
            preview: self.preview.clone(),
            preview_mime: preview::PREVIEW_MIME,
        }
    }
}

fn pct(v: f64) -> String {
    format!("{:.1} %", v * 100.0)
}

/// `12.3 MB`, `45.6 KB`, `789 B` (1 KB = 1024 bytes, as file managers on Windows show).
pub fn human_bytes(n: u64) -> String {
    if n >= 1 << 20 {
        format!("{:.1} MB", n as f64 / (1u64 << 20) as f64)
    } else if n >= 1 << 10 {
        format!("{:.1} KB", n as f64 / 1024.0)
    } else {
        format!("{n} B")
    }
}

/// Collects issues and check lines while judging.
struct Judge<'a> {
    file: &'a str,
    issues: Vec<Issue>,
    checks: Vec<CheckLine>,
}

impl Judge<'_> {
    fn issue(&mut self, code: &str, severity: Severity) -> &mut Issue {
        self.issues
            .push(Issue::new(code, severity).file(self.file.to_string()));
        let last = self.issues.len() - 1;
        &mut self.issues[last]
    }
    fn add(&mut self, code: &str, severity: Severity, args: &[(&str, String)]) {
        let i = self.issue(code, severity);
        for (k, v) in args {
            i.args.push((k.to_string(), v.clone()));
        }
    }
    fn check(
        &mut self,
        check: &'static str,
        status: CheckStatus,
        measured: String,
        threshold: String,
    ) {
        self.checks.push(CheckLine {
            check,
            status,
            measured,
            threshold,
        });
    }
}

fn status_of(level: Level) -> CheckStatus {
    match level {
        Level::Error => CheckStatus::Fail,
        Level::Warning => CheckStatus::Warn,
    }
}

/// Judges one photo. Never panics on any input; a decoder failure becomes
/// `photo.unreadable`. `file_name` is how the user knows the file (relative to the photos
/// folder) and goes into every issue.
pub fn judge(bytes: &[u8], file_name: &str, profile: &PhotoProfile) -> PhotoVerdict {
    let mut report = PhotoReport {
        file: file_name.to_string(),
        profile: profile.name.clone(),
        format: None,
        bytes: bytes.len() as u64,
        width: None,
        height: None,
        orientation: 1,
        aspect: None,
        dpi: None,
        colour: None,
        background_share: None,
        background: None,
        face: None,
        checks: Vec::new(),
        ok: false,
    };
    let mut j = Judge {
        file: file_name,
        issues: Vec::new(),
        checks: Vec::new(),
    };
    let preview = judge_into(bytes, profile, &mut report, &mut j);
    report.ok = !j.issues.iter().any(Issue::is_error);
    report.checks = j.checks;
    PhotoVerdict {
        report,
        issues: j.issues,
        preview,
    }
}

fn judge_into(
    bytes: &[u8],
    profile: &PhotoProfile,
    report: &mut PhotoReport,
    j: &mut Judge<'_>,
) -> Option<Vec<u8>> {
    let limits = &profile.limits;
    // 1. File-size cap, before looking inside.
    let size = bytes.len() as u64;
    if size > limits.max_file_bytes {
        j.add(
            "photo.oversize_file",
            Severity::Error,
            &[
                ("bytes", human_bytes(size)),
                ("max", human_bytes(limits.max_file_bytes)),
            ],
        );
        j.check(
            "file",
            CheckStatus::Fail,
            human_bytes(size),
            format!("≤ {}", human_bytes(limits.max_file_bytes)),
        );
        return None;
    }
    // 2. Format and headers.
    let header = match sniff::sniff(bytes) {
        Ok(h) => h,
        Err(e) => {
            let (code, args, measured): (&str, Vec<(&str, String)>, String) = match e {
                SniffError::NotImage => (
                    "photo.unreadable",
                    vec![("detail", "not an image file".to_string())],
                    "not an image".into(),
                ),
                SniffError::Other(f) => {
                    report.format = Some(f);
                    (
                        "photo.format",
                        vec![
                            ("format", f.key().to_uppercase()),
                            ("accepted", accepted(profile)),
                        ],
                        f.key().to_uppercase(),
                    )
                }
                SniffError::Truncated(kind) => (
                    "photo.unreadable",
                    vec![(
                        "detail",
                        format!("the {} file is cut off (truncated)", kind.to_uppercase()),
                    )],
                    "truncated".into(),
                ),
                SniffError::Malformed(d) => {
                    ("photo.unreadable", vec![("detail", d)], "damaged".into())
                }
            };
            let sev = if code == "photo.format" {
                profile.formats.severity.severity()
            } else {
                Severity::Error
            };
            j.add(code, sev, &args);
            let status = if sev == Severity::Error {
                CheckStatus::Fail
            } else {
                CheckStatus::Warn
            };
            j.check("file", status, measured, accepted(profile));
            return None;
        }
    };
    report.format = Some(header.format);
    report.orientation = header.orientation;
    report.dpi = header.dpi;
    let swapped = header.orientation >= 5;
    let (dw, dh) = if swapped {
        (header.height, header.width)
    } else {
        (header.width, header.height)
    };
    report.width = Some(dw);
    report.height = Some(dh);
    // 3. Pixel cap, from the header, before any decoding.
    let pixels = header.width as u64 * header.height as u64;
    if pixels > limits.max_pixels {
        j.add(
            "photo.oversize_image",
            Severity::Error,
            &[
                ("width", dw.to_string()),
                ("height", dh.to_string()),
                ("megapixels", format!("{:.1}", pixels as f64 / 1e6)),
                (
                    "max_megapixels",
                    format!("{:.1}", limits.max_pixels as f64 / 1e6),
                ),
            ],
        );
        j.check(
            "file",
            CheckStatus::Fail,
            format!("{dw} × {dh} px"),
            format!("≤ {:.1} MP", limits.max_pixels as f64 / 1e6),
        );
        return None;
    }
    if !profile.accepts(header.format.key()) {
        j.add(
            "photo.format",
            profile.formats.severity.severity(),
            &[
                ("format", header.format.key().to_uppercase()),
                ("accepted", accepted(profile)),
            ],
        );
        j.check(
            "file",
            status_of(profile.formats.severity),
            header.format.key().to_uppercase(),
            accepted(profile),
        );
    } else {
        j.check(
            "file",
            CheckStatus::Pass,
            header.format.key().to_uppercase(),
            accepted(profile),
        );
    }
    // 4. Geometry from the header (as displayed).
    check_aspect(j, profile, dw, dh, report);
    check_resolution(j, profile, dw, dh);
    check_file(j, profile, size, header.dpi);
    // 5. Decode once to the working image. Decoders are fuzzed but foreign code: a panic is
    // caught and reported like any unreadable file.
    let decoded = std::panic::catch_unwind(|| decode::decode(bytes, &header, limits.max_pixels))
        .unwrap_or_else(|_| Err("the decoder failed on this file".into()));
    let work = match decoded {
        Ok(w) => w,
        Err(detail) => {
            j.add("photo.unreadable", Severity::Error, &[("detail", detail)]);
            j.check(
                "decode",
                CheckStatus::Fail,
                "unreadable".into(),
                String::new(),
            );
            return None;
        }
    };
    check_colour(j, profile, &work.colour);
    report.colour = Some(work.colour.clone());
    // 6. Face, then the background around it.
    let faces = check_face(j, profile, &work);
    let head = match &faces {
        Some(f) if f.len() == 1 => Some(f[0].head_region(work.width, work.height)),
        _ => None,
    };
    let face_ok = !j.issues.iter().any(|i| i.code.starts_with("photo.face."));
    report.face = faces.as_ref().map(|f| FaceReport {
        ran: true,
        count: f.len(),
        faces: f.iter().take(5).cloned().collect(),
        centre_offset: (f.len() == 1).then(|| f[0].centre_offset()),
        height_share: (f.len() == 1).then(|| f[0].height),
    });
    if report.face.is_none() && profile.face.enabled {
        report.face = Some(FaceReport {
            ran: false,
            count: 0,
            faces: Vec::new(),
            centre_offset: None,
            height_share: None,
        });
    }
    let bg = measure::measure(&work, &profile.background, head);
    check_background(j, profile, &bg);
    check_uniformity(j, profile, &bg);
    report.background_share = Some(bg.share);
    // 7. Preview.
    let bands = measure::bands(work.width, work.height, &profile.background);
    let face_rects: Vec<Rect> = faces
        .iter()
        .flatten()
        .take(5)
        .map(|f| f.rect(work.width, work.height))
        .collect();
    let preview = preview::render(
        &work,
        &preview::Marks {
            roles: &bg.roles,
            bands: &bands,
            faces: &face_rects,
            face_ok,
        },
    );
    report.background = Some(bg);
    preview
}

fn accepted(profile: &PhotoProfile) -> String {
    profile
        .formats
        .accept
        .iter()
        .map(|f| f.to_uppercase())
        .collect::<Vec<_>>()
        .join(", ")
}

fn check_aspect(
    j: &mut Judge<'_>,
    profile: &PhotoProfile,
    w: u32,
    h: u32,
    report: &mut PhotoReport,
) {
    let a = &profile.aspect;
    let ratio = w as f64 / h as f64;
    report.aspect = Some(ratio);
    let expected = a.ratio();
    let off = (ratio / expected - 1.0).abs();
    let threshold = format!(
        "{} ({}:{}) ± {:.1} %",
        fmt_ratio(expected),
        trim_num(a.width),
        trim_num(a.height),
        a.tolerance * 100.0
    );
    let measured = format!("{} ({w} × {h})", fmt_ratio(ratio));
    // A tiny epsilon so a ratio exactly at the tolerance passes despite rounding.
    if off > a.tolerance + 1e-9 {
        j.add(
            "photo.aspect",
            a.severity.severity(),
            &[
                ("ratio", fmt_ratio(ratio)),
                ("width", w.to_string()),
                ("height", h.to_string()),
                ("expected", fmt_ratio(expected)),
                ("expected_w", trim_num(a.width)),
                ("expected_h", trim_num(a.height)),
                ("tolerance", format!("{:.1} %", a.tolerance * 100.0)),
                ("off", format!("{:.1} %", off * 100.0)),
            ],
        );
        j.check("aspect", status_of(a.severity), measured, threshold);
    } else {
        j.check("aspect", CheckStatus::Pass, measured, threshold);
    }
}

fn fmt_ratio(r: f64) -> String {
    format!("{r:.3}")
}

/// `35` for 35.0, `33.5` for 33.5.
fn trim_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

fn check_resolution(j: &mut Judge<'_>, profile: &PhotoProfile, w: u32, h: u32) {
    let r = &profile.resolution;
    let measured = format!("{w} × {h} px");
    let threshold = format!("≥ {} × {} px", r.min_width_px, r.min_height_px);
    if w < r.min_width_px || h < r.min_height_px {
        let dpi_w = w as f64 / (profile.print.width_mm / 25.4);
        let dpi_h = h as f64 / (profile.print.height_mm / 25.4);
        j.add(
            "photo.resolution",
            r.severity.severity(),
            &[
                ("width", w.to_string()),
                ("height", h.to_string()),
                ("min_width", r.min_width_px.to_string()),
                ("min_height", r.min_height_px.to_string()),
                ("print_dpi", format!("{:.0}", dpi_w.min(dpi_h))),
                ("print_w", trim_num(profile.print.width_mm)),
                ("print_h", trim_num(profile.print.height_mm)),
            ],
        );
        j.check("resolution", status_of(r.severity), measured, threshold);
    } else {
        j.check("resolution", CheckStatus::Pass, measured, threshold);
    }
}

fn check_file(j: &mut Judge<'_>, profile: &PhotoProfile, size: u64, dpi: Option<f64>) {
    let f = &profile.file;
    if f.min_bytes > 0 || f.max_bytes > 0 {
        let threshold = match (f.min_bytes, f.max_bytes) {
            (0, max) => format!("≤ {}", human_bytes(max)),
            (min, 0) => format!("≥ {}", human_bytes(min)),
            (min, max) => format!("{} – {}", human_bytes(min), human_bytes(max)),
        };
        let bad = size < f.min_bytes || (f.max_bytes > 0 && size > f.max_bytes);
        if bad {
            j.add(
                "photo.file_size",
                f.severity.severity(),
                &[("bytes", human_bytes(size)), ("range", threshold.clone())],
            );
        }
        let status = if bad {
            status_of(f.severity)
        } else {
            CheckStatus::Pass
        };
        j.check("file_size", status, human_bytes(size), threshold);
    }
    if f.min_dpi > 0.0 || f.max_dpi > 0.0 {
        let threshold = match (f.min_dpi > 0.0, f.max_dpi > 0.0) {
            (true, true) => format!("{} – {} dpi", trim_num(f.min_dpi), trim_num(f.max_dpi)),
            (true, false) => format!("≥ {} dpi", trim_num(f.min_dpi)),
            _ => format!("≤ {} dpi", trim_num(f.max_dpi)),
        };
        match dpi {
            None => {
                j.add(
                    "photo.dpi.missing",
                    f.severity.severity(),
                    &[("range", threshold.clone())],
                );
                j.check("dpi", status_of(f.severity), "—".into(), threshold);
            }
            Some(d) => {
                let bad = (f.min_dpi > 0.0 && d < f.min_dpi - 0.5)
                    || (f.max_dpi > 0.0 && d > f.max_dpi + 0.5);
                if bad {
                    j.add(
                        "photo.dpi",
                        f.severity.severity(),
                        &[("dpi", format!("{d:.0}")), ("range", threshold.clone())],
                    );
                }
                let status = if bad {
                    status_of(f.severity)
                } else {
                    CheckStatus::Pass
                };
                j.check("dpi", status, format!("{d:.0} dpi"), threshold);
            }
        }
    }
}

fn check_colour(j: &mut Judge<'_>, profile: &PhotoProfile, c: &ColourFacts) {
    let rules = &profile.colour;
    let mut found: Vec<(&str, ColourAction, Vec<(&str, String)>)> = Vec::new();
    match c.stored {
        Stored::Grey | Stored::GreyAlpha => {
            found.push(("photo.colour.greyscale", rules.greyscale, vec![]))
        }
        Stored::Cmyk | Stored::Ycck => found.push(("photo.colour.cmyk", rules.cmyk, vec![])),
        _ => {}
    }
    if c.alpha_channel {
        let t = if c.transparent_pixels { "yes" } else { "no" };
        found.push((
            "photo.colour.alpha",
            rules.alpha,
            vec![("transparent", t.to_string())],
        ));
    }
    if let Some(icc) = &c.icc {
        if icc.space == "RGB" && !icc.srgb {
            let name = if icc.description.is_empty() {
                "(unnamed)".to_string()
            } else {
                icc.description.clone()
            };
            let code = if c.icc_converted {
                "photo.colour.profile"
            } else {
                "photo.colour.profile_unconverted"
            };
            found.push((code, rules.other_profile, vec![("profile", name)]));
        }
    }
    let mut measured = match c.stored {
        Stored::Grey => "greyscale".to_string(),
        Stored::GreyAlpha => "greyscale + alpha".to_string(),
        Stored::Rgb | Stored::Palette => "RGB".to_string(),
        Stored::RgbAlpha => "RGB + alpha".to_string(),
        Stored::Cmyk => "CMYK".to_string(),
        Stored::Ycck => "YCCK (CMYK)".to_string(),
    };
    if c.bit_depth != 8 {
        measured.push_str(&format!(", {}-bit", c.bit_depth));
    }
    if let Some(icc) = &c.icc {
        measured.push_str(&format!(
            ", ICC: {}",
            if icc.description.is_empty() {
                &icc.space
            } else {
                &icc.description
            }
        ));
    }
    let mut status = CheckStatus::Pass;
    for (code, action, args) in found {
        let sev = match action {
            ColourAction::Accept => continue,
            ColourAction::Convert => Severity::Warning,
            ColourAction::Fail => Severity::Error,
        };
        j.add(code, sev, &args);
        status = match (status, sev) {
            (_, Severity::Error) | (CheckStatus::Fail, _) => CheckStatus::Fail,
            _ => CheckStatus::Warn,
        };
    }
    j.check("colour", status, measured, "RGB, 8-bit, sRGB".into());
}

fn check_face(j: &mut Judge<'_>, profile: &PhotoProfile, work: &Working) -> Option<Vec<Face>> {
    let rules = &profile.face;
    if !rules.enabled {
        return None;
    }
    let sev = rules.severity.severity();
    let status = status_of(rules.severity);
    let range = format!(
        "1, ±{} from centre, height {} – {}",
        pct(rules.max_centre_offset),
        pct(rules.min_height_share),
        pct(rules.max_height_share)
    );
    let faces = match face::detect(work, rules.min_score) {
        Ok(f) => f,
        Err(detail) => {
            j.add(
                "photo.face.unavailable",
                Severity::Warning,
                &[("detail", detail)],
            );
            j.check("face", CheckStatus::Skip, "—".into(), range);
            return None;
        }
    };
    match faces.len() {
        0 => {
            j.add("photo.face.none", sev, &[]);
            j.check("face", status, "0".into(), range);
        }
        1 => {
            let f = &faces[0];
            let off = f.centre_offset();
            let share = f.height;
            let mut bad = false;
            if off > rules.max_centre_offset {
                bad = true;
                let side = if f.x + f.width / 2.0 < 0.5 {
                    "left"
                } else {
                    "right"
                };
                j.add(
                    "photo.face.centre",
                    sev,
                    &[
                        ("offset", pct(off)),
                        ("max", pct(rules.max_centre_offset)),
                        ("side", side.into()),
                    ],
                );
            }
            if share < rules.min_height_share || share > rules.max_height_share {
                bad = true;
                let dir = if share < rules.min_height_share {
                    "small"
                } else {
                    "large"
                };
                j.add(
                    "photo.face.size",
                    sev,
                    &[
                        ("share", pct(share)),
                        ("min", pct(rules.min_height_share)),
                        ("max", pct(rules.max_height_share)),
                        ("direction", dir.into()),
                    ],
                );
            }
            j.check(
                "face",
                if bad { status } else { CheckStatus::Pass },
                format!("1, {} from centre, height {}", pct(off), pct(share)),
                range,
            );
        }
        n => {
            j.add("photo.face.many", sev, &[("count", n.to_string())]);
            j.check("face", status, n.to_string(), range);
        }
    }
    Some(faces)
}

fn colour_names(profile: &PhotoProfile) -> (String, String) {
    let en = profile
        .background
        .colours
        .iter()
        .map(|c| c.name.replace('_', " "))
        .collect::<Vec<_>>()
        .join(" or ");
    let zh = profile
        .background
        .colours
        .iter()
        .map(|c| c.name_zh.clone())
        .collect::<Vec<_>>()
        .join("或");
    (en, zh)
}

fn check_background(j: &mut Judge<'_>, profile: &PhotoProfile, bg: &BackgroundMeasure) {
    let b = &profile.background;
    let (en, zh) = colour_names(profile);
    let threshold = format!("≥ {} {en}", pct(b.min_share));
    let measured = format!(
        "{} (mean RGB {},{},{})",
        pct(bg.share),
        bg.mean_rgb[0],
        bg.mean_rgb[1],
        bg.mean_rgb[2]
    );
    if bg.pixels == 0 {
        j.check("background", CheckStatus::Skip, "—".into(), threshold);
        return;
    }
    if bg.share < b.min_share {
        j.add(
            "photo.background",
            b.severity.severity(),
            &[
                ("share", pct(bg.share)),
                ("min", pct(b.min_share)),
                ("colours", en),
                ("colours_zh", zh),
                (
                    "mean_rgb",
                    format!(
                        "RGB({},{},{})",
                        bg.mean_rgb[0], bg.mean_rgb[1], bg.mean_rgb[2]
                    ),
                ),
            ],
        );
        j.check("background", status_of(b.severity), measured, threshold);
    } else {
        j.check("background", CheckStatus::Pass, measured, threshold);
    }
}

fn check_uniformity(j: &mut Judge<'_>, profile: &PhotoProfile, bg: &BackgroundMeasure) {
    let u = &profile.uniformity;
    let threshold = format!(
        "ΔL* left/right ≤ {}, top/bottom ≤ {}, spread ≤ {}, texture ≤ {}",
        trim_num(u.max_left_right),
        trim_num(u.max_top_bottom),
        trim_num(u.max_spread),
        trim_num(u.max_gradient)
    );
    let Some(m) = &bg.uniformity else {
        j.check("uniformity", CheckStatus::Skip, "—".into(), threshold);
        return;
    };
    let measured = format!(
        "left/right {:.1}, top/bottom {:.1}, spread {:.1}, texture {:.2}",
        m.left_right, m.top_bottom, m.spread, m.gradient
    );
    let mut over: Vec<&str> = Vec::new();
    if m.left_right > u.max_left_right {
        over.push("left_right");
    }
    if m.top_bottom > u.max_top_bottom {
        over.push("top_bottom");
    }
    if m.spread > u.max_spread {
        over.push("spread");
    }
    if m.gradient > u.max_gradient {
        over.push("texture");
    }
    if over.is_empty() {
        j.check("uniformity", CheckStatus::Pass, measured, threshold);
        return;
    }
    let kind = if over.contains(&"left_right") || over.contains(&"top_bottom") {
        "photo.uniformity.shadow"
    } else {
        "photo.uniformity.mottled"
    };
    j.add(
        kind,
        u.severity.severity(),
        &[
            ("left_right", format!("{:.1}", m.left_right)),
            ("top_bottom", format!("{:.1}", m.top_bottom)),
            ("spread", format!("{:.1}", m.spread)),
            ("texture", format!("{:.2}", m.gradient)),
            ("max_left_right", trim_num(u.max_left_right)),
            ("max_top_bottom", trim_num(u.max_top_bottom)),
            ("max_spread", trim_num(u.max_spread)),
            ("max_texture", trim_num(u.max_gradient)),
            ("over", over.join(", ")),
        ],
    );
    j.check("uniformity", status_of(u.severity), measured, threshold);
}
