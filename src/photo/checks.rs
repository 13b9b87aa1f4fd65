//! The individual photo checks: each compares a measurement with the profile, records a
//! [`CheckLine`] (measurement and threshold, rendered later through the catalog) and emits
//! `photo.*` issues with the severity the profile gives.

use super::decode::{ColourFacts, Working};
use super::face::{self, Face};
use super::measure::BackgroundMeasure;
use super::profile::{ColourAction, Level, PhotoProfile};
use super::sniff::{Format, SniffError, Stored};
use super::{CheckLine, CheckStatus, human_bytes};
use crate::codes::{self, Code};
use crate::issue::{Issue, Severity};

/// Collects issues and check lines while judging one photo.
pub struct Judge<'a> {
    file: &'a str,
    pub issues: Vec<Issue>,
    pub checks: Vec<CheckLine>,
}

/// Named values for a check line or an issue.
type Values<'v> = &'v [(&'v str, String)];

/// A colour finding: issue code, what the profile says to do, issue arguments.
type ColourFinding<'a> = (Code, ColourAction, Vec<(&'a str, String)>);

impl<'a> Judge<'a> {
    pub fn new(file: &'a str) -> Judge<'a> {
        Judge {
            file,
            issues: Vec::new(),
            checks: Vec::new(),
        }
    }

    fn issue(&mut self, code: Code, severity: Severity, args: Values<'_>) {
        let mut i = Issue::new(code, severity).file(self.file.to_string());
        for (k, v) in args {
            i = i.arg(k, v);
        }
        self.issues.push(i);
    }

    fn check(
        &mut self,
        check: &'static str,
        status: CheckStatus,
        measured_key: &'static str,
        threshold_key: &'static str,
        values: Values<'_>,
    ) {
        self.checks.push(CheckLine {
            check,
            status,
            measured_key,
            threshold_key,
            values: values
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        });
    }
}

fn status_of(level: Level) -> CheckStatus {
    match level {
        Level::Error => CheckStatus::Fail,
        Level::Warning => CheckStatus::Warn,
    }
}

fn pct(v: f64) -> String {
    format!("{:.1} %", v * 100.0)
}

fn ratio(r: f64) -> String {
    format!("{r:.3}")
}

/// `35` for 35.0, `33.5` for 33.5.
fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
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

pub fn oversize_file(j: &mut Judge<'_>, size: u64, max: u64) {
    let v = [("bytes", human_bytes(size)), ("max", human_bytes(max))];
    j.issue(codes::PHOTO_OVERSIZE_FILE, Severity::Error, &v);
    j.check(
        "file",
        CheckStatus::Fail,
        "ui.photo.m.bytes",
        "ui.photo.t.max_bytes",
        &v,
    );
}

pub fn oversize_image(j: &mut Judge<'_>, w: u32, h: u32, max_pixels: u64) {
    let v = [
        ("width", w.to_string()),
        ("height", h.to_string()),
        ("megapixels", format!("{:.1}", w as f64 * h as f64 / 1e6)),
        ("max_megapixels", format!("{:.1}", max_pixels as f64 / 1e6)),
    ];
    j.issue(codes::PHOTO_OVERSIZE_IMAGE, Severity::Error, &v);
    j.check(
        "file",
        CheckStatus::Fail,
        "ui.photo.m.pixels",
        "ui.photo.t.max_pixels",
        &v,
    );
}

/// A file that is not a JPEG or PNG permitpack can read.
pub fn unreadable_file(j: &mut Judge<'_>, profile: &PhotoProfile, e: SniffError) {
    let acc = ("accepted", accepted(profile));
    match e {
        SniffError::Other(f) => {
            let v = [("format", f.key().to_uppercase()), acc];
            let level = profile.formats.severity;
            j.issue(codes::PHOTO_FORMAT, level.severity(), &v);
            j.check(
                "file",
                status_of(level),
                "ui.photo.m.format",
                "ui.photo.t.format",
                &v,
            );
        }
        SniffError::NotImage => {
            j.issue(
                codes::PHOTO_UNREADABLE,
                Severity::Error,
                &[("detail", "not an image file".into())],
            );
            j.check(
                "file",
                CheckStatus::Fail,
                "ui.photo.m.not_image",
                "ui.photo.t.format",
                &[acc],
            );
        }
        SniffError::Truncated(kind) => {
            let detail = format!("the {} file is cut off (truncated)", kind.to_uppercase());
            j.issue(
                codes::PHOTO_UNREADABLE,
                Severity::Error,
                &[("detail", detail.to_string())],
            );
            j.check(
                "file",
                CheckStatus::Fail,
                "ui.photo.m.truncated",
                "ui.photo.t.format",
                &[acc],
            );
        }
        SniffError::Malformed(detail) => {
            j.issue(
                codes::PHOTO_UNREADABLE,
                Severity::Error,
                &[("detail", detail.clone())],
            );
            j.check(
                "file",
                CheckStatus::Fail,
                "ui.photo.m.damaged",
                "ui.photo.t.format",
                &[("detail", detail), acc],
            );
        }
    }
}

/// The decoder gave up on a file whose headers were fine.
pub fn undecodable(j: &mut Judge<'_>, detail: String) {
    let v = [("detail", detail)];
    j.issue(codes::PHOTO_UNREADABLE, Severity::Error, &v);
    j.check("decode", CheckStatus::Fail, "ui.photo.m.damaged", "", &v);
}

pub fn format(j: &mut Judge<'_>, profile: &PhotoProfile, format: Format) {
    let v = [
        ("format", format.key().to_uppercase()),
        ("accepted", accepted(profile)),
    ];
    if profile.accepts(format.key()) {
        j.check(
            "file",
            CheckStatus::Pass,
            "ui.photo.m.format",
            "ui.photo.t.format",
            &v,
        );
    } else {
        let level = profile.formats.severity;
        j.issue(codes::PHOTO_FORMAT, level.severity(), &v);
        j.check(
            "file",
            status_of(level),
            "ui.photo.m.format",
            "ui.photo.t.format",
            &v,
        );
    }
}

pub fn aspect(j: &mut Judge<'_>, profile: &PhotoProfile, w: u32, h: u32) {
    let a = &profile.aspect;
    let r = w as f64 / h as f64;
    let expected = a.ratio();
    let off = (r / expected - 1.0).abs();
    let (range_en, range_zh) = match &a.also_accept {
        Some(x) => (
            format!(
                ", or between {}:{} and {}:{}",
                num(x.from[0]),
                num(x.from[1]),
                num(x.to[0]),
                num(x.to[1])
            ),
            format!(
                "，或在 {}:{} 至 {}:{} 之间",
                num(x.from[0]),
                num(x.from[1]),
                num(x.to[0]),
                num(x.to[1])
            ),
        ),
        None => (String::new(), String::new()),
    };
    let v = [
        ("ratio", ratio(r)),
        ("width", w.to_string()),
        ("height", h.to_string()),
        ("expected", ratio(expected)),
        ("expected_w", num(a.width)),
        ("expected_h", num(a.height)),
        ("tolerance", pct(a.tolerance)),
        ("off", pct(off)),
        ("range_en", range_en),
        ("range_zh", range_zh),
        ("print_w", num(profile.print.width_mm)),
        ("print_h", num(profile.print.height_mm)),
    ];
    // A tiny epsilon so a ratio exactly at the tolerance passes despite rounding.
    if off <= a.tolerance + 1e-9 {
        j.check(
            "aspect",
            CheckStatus::Pass,
            "ui.photo.m.aspect",
            "ui.photo.t.aspect",
            &v,
        );
        return;
    }
    // Half a pixel either way: a 354 x 472 file is 3:4 whatever rounding made it.
    let in_range = a.also_accept.as_ref().is_some_and(|x| {
        let (lo, hi) = x.bounds();
        (w as f64 + 0.5) / h as f64 >= lo - 1e-9 && (w as f64 - 0.5) / h as f64 <= hi + 1e-9
    });
    if in_range {
        // Accepted as delivered; the line says what the print on the form must be.
        j.check(
            "aspect",
            CheckStatus::Pass,
            "ui.photo.m.aspect_print",
            "ui.photo.t.aspect",
            &v,
        );
        return;
    }
    j.issue(codes::PHOTO_ASPECT, a.severity.severity(), &v);
    j.check(
        "aspect",
        status_of(a.severity),
        "ui.photo.m.aspect",
        "ui.photo.t.aspect",
        &v,
    );
}

pub fn resolution(j: &mut Judge<'_>, profile: &PhotoProfile, w: u32, h: u32) {
    let r = &profile.resolution;
    let dpi_w = w as f64 / (profile.print.width_mm / 25.4);
    let dpi_h = h as f64 / (profile.print.height_mm / 25.4);
    let v = [
        ("width", w.to_string()),
        ("height", h.to_string()),
        ("min_width", r.min_width_px.to_string()),
        ("min_height", r.min_height_px.to_string()),
        ("print_dpi", format!("{:.0}", dpi_w.min(dpi_h))),
        ("print_w", num(profile.print.width_mm)),
        ("print_h", num(profile.print.height_mm)),
    ];
    let status = if w < r.min_width_px || h < r.min_height_px {
        j.issue(codes::PHOTO_RESOLUTION, r.severity.severity(), &v);
        status_of(r.severity)
    } else {
        CheckStatus::Pass
    };
    j.check(
        "resolution",
        status,
        "ui.photo.m.pixels",
        "ui.photo.t.min_pixels",
        &v,
    );
}

/// File size and recorded dpi, when the profile asks for them.
pub fn file(j: &mut Judge<'_>, profile: &PhotoProfile, size: u64, dpi: Option<f64>) {
    let f = &profile.file;
    if f.min_bytes > 0 || f.max_bytes > 0 {
        let range = match (f.min_bytes, f.max_bytes) {
            (0, max) => format!("≤ {}", human_bytes(max)),
            (min, 0) => format!("≥ {}", human_bytes(min)),
            (min, max) => format!("{} – {}", human_bytes(min), human_bytes(max)),
        };
        let v = [("bytes", human_bytes(size)), ("range", range)];
        let status = if size < f.min_bytes || (f.max_bytes > 0 && size > f.max_bytes) {
            j.issue(codes::PHOTO_FILE_SIZE, f.severity.severity(), &v);
            status_of(f.severity)
        } else {
            CheckStatus::Pass
        };
        j.check(
            "file_size",
            status,
            "ui.photo.m.bytes",
            "ui.photo.t.range",
            &v,
        );
    }
    if f.min_dpi > 0.0 || f.max_dpi > 0.0 {
        let range = match (f.min_dpi > 0.0, f.max_dpi > 0.0) {
            (true, true) => format!("{} – {} dpi", num(f.min_dpi), num(f.max_dpi)),
            (true, false) => format!("≥ {} dpi", num(f.min_dpi)),
            _ => format!("≤ {} dpi", num(f.max_dpi)),
        };
        match dpi {
            None => {
                let v = [("range", range)];
                j.issue(codes::PHOTO_DPI_MISSING, f.severity.severity(), &v);
                j.check(
                    "dpi",
                    status_of(f.severity),
                    "ui.photo.m.dpi_none",
                    "ui.photo.t.range",
                    &v,
                );
            }
            Some(d) => {
                let v = [("dpi", format!("{d:.0}")), ("range", range)];
                let bad = (f.min_dpi > 0.0 && d < f.min_dpi - 0.5)
                    || (f.max_dpi > 0.0 && d > f.max_dpi + 0.5);
                let status = if bad {
                    j.issue(codes::PHOTO_DPI, f.severity.severity(), &v);
                    status_of(f.severity)
                } else {
                    CheckStatus::Pass
                };
                j.check("dpi", status, "ui.photo.m.dpi", "ui.photo.t.range", &v);
            }
        }
    }
}

pub fn colour(j: &mut Judge<'_>, profile: &PhotoProfile, c: &ColourFacts) {
    let rules = &profile.colour;
    let mut found: Vec<ColourFinding<'_>> = Vec::new();
    match c.stored {
        Stored::Grey | Stored::GreyAlpha => {
            found.push((codes::PHOTO_COLOUR_GREYSCALE, rules.greyscale, vec![]))
        }
        Stored::Cmyk | Stored::Ycck => found.push((codes::PHOTO_COLOUR_CMYK, rules.cmyk, vec![])),
        _ => {}
    }
    if c.bit_depth > 8 {
        found.push((
            codes::PHOTO_COLOUR_DEEP,
            rules.deep,
            vec![("bits", c.bit_depth.to_string())],
        ));
    }
    if c.alpha_channel {
        let t = if c.transparent_pixels { "yes" } else { "no" };
        found.push((
            codes::PHOTO_COLOUR_ALPHA,
            rules.alpha,
            vec![("transparent", t.into())],
        ));
    }
    if let Some(icc) = &c.icc
        && icc.space == "RGB"
        && !icc.srgb
    {
        let name = if icc.description.is_empty() {
            "(unnamed)".to_string()
        } else {
            icc.description.clone()
        };
        let code = if c.icc_converted {
            codes::PHOTO_COLOUR_PROFILE
        } else {
            codes::PHOTO_COLOUR_PROFILE_UNCONVERTED
        };
        found.push((code, rules.other_profile, vec![("profile", name)]));
    }
    let mut status = CheckStatus::Pass;
    for (code, action, args) in found {
        let sev = match action {
            ColourAction::Accept => continue,
            ColourAction::Convert => Severity::Warning,
            ColourAction::Fail => Severity::Error,
        };
        j.issue(code, sev, &args);
        status = match (status, sev) {
            (_, Severity::Error) | (CheckStatus::Fail, _) => CheckStatus::Fail,
            _ => CheckStatus::Warn,
        };
    }
    let kind = match c.stored {
        Stored::Grey => "grey",
        Stored::GreyAlpha => "grey_alpha",
        Stored::Rgb | Stored::Palette => "rgb",
        Stored::RgbAlpha => "rgb_alpha",
        Stored::Cmyk | Stored::Ycck => "cmyk",
    };
    let icc = c.icc.as_ref().map(|i| {
        if i.description.is_empty() {
            i.space.clone()
        } else {
            i.description.clone()
        }
    });
    let key = match (kind, icc.is_some()) {
        ("grey", false) => "ui.photo.m.colour.grey",
        ("grey", true) => "ui.photo.m.colour.grey_icc",
        ("grey_alpha", _) => "ui.photo.m.colour.grey_alpha",
        ("rgb", false) => "ui.photo.m.colour.rgb",
        ("rgb", true) => "ui.photo.m.colour.rgb_icc",
        ("rgb_alpha", false) => "ui.photo.m.colour.rgb_alpha",
        ("rgb_alpha", true) => "ui.photo.m.colour.rgb_alpha_icc",
        (_, false) => "ui.photo.m.colour.cmyk",
        (_, true) => "ui.photo.m.colour.cmyk_icc",
    };
    let v = [
        ("bits", c.bit_depth.to_string()),
        ("icc", icc.unwrap_or_default()),
    ];
    j.check("colour", status, key, "ui.photo.t.colour", &v);
}

pub fn face(j: &mut Judge<'_>, profile: &PhotoProfile, work: &Working) -> Option<Vec<Face>> {
    let rules = &profile.face;
    if !rules.enabled {
        return None;
    }
    let sev = rules.severity.severity();
    let status = status_of(rules.severity);
    let none_sev = rules.none_severity.severity();
    let limits = [
        ("max_offset", pct(rules.max_centre_offset)),
        ("min", pct(rules.min_height_share)),
        ("max", pct(rules.max_height_share)),
    ];
    let faces = match face::detect(work, rules.min_score) {
        Ok(f) => f,
        Err(detail) => {
            // No face confirmed: judged like a photo without one, not waved through.
            j.issue(
                codes::PHOTO_FACE_UNAVAILABLE,
                none_sev,
                &[("detail", detail.to_string())],
            );
            j.check(
                "face",
                status_of(rules.none_severity),
                "ui.photo.m.none",
                "ui.photo.t.face",
                &limits,
            );
            return None;
        }
    };
    match faces.len() {
        0 => {
            j.issue(codes::PHOTO_FACE_NONE, none_sev, &[]);
            let mut v = limits.to_vec();
            v.push(("count", "0".into()));
            j.check(
                "face",
                status_of(rules.none_severity),
                "ui.photo.m.face_count",
                "ui.photo.t.face",
                &v,
            );
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
                j.issue(
                    codes::PHOTO_FACE_CENTRE,
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
                j.issue(
                    codes::PHOTO_FACE_SIZE,
                    sev,
                    &[
                        ("share", pct(share)),
                        ("min", pct(rules.min_height_share)),
                        ("max", pct(rules.max_height_share)),
                        ("direction", dir.into()),
                    ],
                );
            }
            let mut v = limits.to_vec();
            v.push(("offset", pct(off)));
            v.push(("share", pct(share)));
            let st = if bad { status } else { CheckStatus::Pass };
            j.check("face", st, "ui.photo.m.face_one", "ui.photo.t.face", &v);
        }
        n => {
            j.issue(codes::PHOTO_FACE_MANY, sev, &[("count", n.to_string())]);
            let mut v = limits.to_vec();
            v.push(("count", n.to_string()));
            j.check(
                "face",
                status,
                "ui.photo.m.face_count",
                "ui.photo.t.face",
                &v,
            );
        }
    }
    Some(faces)
}

pub fn background(j: &mut Judge<'_>, profile: &PhotoProfile, bg: &BackgroundMeasure) {
    let b = &profile.background;
    let en = b
        .colours
        .iter()
        .map(|c| c.name.replace('_', " "))
        .collect::<Vec<_>>()
        .join(" or ");
    let zh = b
        .colours
        .iter()
        .map(|c| c.name_zh.clone())
        .collect::<Vec<_>>()
        .join("或");
    let [r, g, bl] = bg.mean_rgb;
    let v = [
        ("share", pct(bg.share)),
        ("min", pct(b.min_share)),
        ("colours", en),
        ("colours_zh", zh),
        ("mean_rgb", format!("RGB({r},{g},{bl})")),
    ];
    if bg.pixels == 0 {
        j.check(
            "background",
            CheckStatus::Skip,
            "ui.photo.m.none",
            "ui.photo.t.background",
            &v,
        );
        return;
    }
    let status = if bg.share < b.min_share {
        j.issue(codes::PHOTO_BACKGROUND, b.severity.severity(), &v);
        status_of(b.severity)
    } else {
        CheckStatus::Pass
    };
    j.check(
        "background",
        status,
        "ui.photo.m.background",
        "ui.photo.t.background",
        &v,
    );
}

pub fn uniformity(j: &mut Judge<'_>, profile: &PhotoProfile, bg: &BackgroundMeasure) {
    let u = &profile.uniformity;
    let mut v = vec![
        ("max_left_right", num(u.max_left_right)),
        ("max_top_bottom", num(u.max_top_bottom)),
        ("max_spread", num(u.max_spread)),
        ("max_texture", num(u.max_gradient)),
    ];
    let Some(m) = &bg.uniformity else {
        j.check(
            "uniformity",
            CheckStatus::Skip,
            "ui.photo.m.none",
            "ui.photo.t.uniformity",
            &v,
        );
        return;
    };
    v.extend([
        ("left_right", format!("{:.1}", m.left_right)),
        ("top_bottom", format!("{:.1}", m.top_bottom)),
        ("spread", format!("{:.1}", m.spread)),
        ("texture", format!("{:.2}", m.gradient)),
    ]);
    let shadow = m.left_right > u.max_left_right || m.top_bottom > u.max_top_bottom;
    let mottled = m.spread > u.max_spread || m.gradient > u.max_gradient;
    if !shadow && !mottled {
        j.check(
            "uniformity",
            CheckStatus::Pass,
            "ui.photo.m.uniformity",
            "ui.photo.t.uniformity",
            &v,
        );
        return;
    }
    // One issue: an uneven light (shadow, gradient) explains blotchiness too.
    let code = if shadow {
        codes::PHOTO_UNIFORMITY_SHADOW
    } else {
        codes::PHOTO_UNIFORMITY_MOTTLED
    };
    j.issue(code, u.severity.severity(), &v);
    j.check(
        "uniformity",
        status_of(u.severity),
        "ui.photo.m.uniformity",
        "ui.photo.t.uniformity",
        &v,
    );
}
