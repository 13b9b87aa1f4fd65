//! The photo stage: judges one photo file (bytes) against a [`PhotoProfile`] and returns
//! the measurements, the `photo.*` issues and an annotated preview. No filesystem access:
//! [`locate`] finds an employee's photo among the files the run's inputs list.
//!
//! Order of work, cheapest refusal first: file-size cap, format by magic bytes, header size
//! against the pixel cap, completeness, then one decode to a small working image (see
//! [`decode`]), then geometry, colour, face, background and uniformity ([`checks`]), then
//! the preview.

pub mod checks;
pub mod decode;
pub mod face;
pub mod icc;
pub mod jpeg_dc;
pub mod locate;
pub mod measure;
pub mod preview;
pub mod profile;
pub mod sniff;

pub use locate::{FoundPhoto, LocatedPhoto, PhotoFile, PhotoIndex, read_photo};
pub use profile::{DEFAULT_PROFILE, PhotoProfile, ProfileError};

use crate::catalog::{Catalog, Lang};
use crate::issue::Issue;
use checks::Judge;
use decode::ColourFacts;
use face::Face;
use measure::{BackgroundMeasure, Rect};
use serde::Serialize;
use sniff::{Format, SniffError};
use std::collections::BTreeMap;

/// Result of one check, for people and the reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    Pass,
    Warn,
    Fail,
    /// Could not be measured (e.g. no background found, the detector could not run).
    Skip,
}

/// One check with what was measured and what the profile asks. The texts come from the
/// catalog: the check's name from `ui.photo.check.<check>`, the measurement from
/// `measured_key` and the threshold from `threshold_key` (both `ui.photo.*`), filled from
/// `values` (numbers already formatted with their units).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckLine {
    pub check: &'static str,
    pub status: CheckStatus,
    pub measured_key: &'static str,
    /// Empty when the check has no threshold to show.
    pub threshold_key: &'static str,
    pub values: BTreeMap<String, String>,
}

impl CheckLine {
    /// The check's name in the chosen language.
    pub fn name(&self, catalog: &Catalog, lang: Lang) -> String {
        catalog.ui(&format!("ui.photo.check.{}", self.check), lang, &[])
    }
    /// What was measured, in the chosen language.
    pub fn measured(&self, catalog: &Catalog, lang: Lang) -> String {
        self.text(self.measured_key, catalog, lang)
    }
    /// What the profile asks, in the chosen language (empty if nothing to show).
    pub fn threshold(&self, catalog: &Catalog, lang: Lang) -> String {
        self.text(self.threshold_key, catalog, lang)
    }
    fn text(&self, key: &str, catalog: &Catalog, lang: Lang) -> String {
        if key.is_empty() {
            return String::new();
        }
        let args: Vec<(&str, String)> = self
            .values
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        catalog.ui(key, lang, &args)
    }
}

/// The face detector's findings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FaceReport {
    /// Whether the detector ran.
    pub ran: bool,
    pub count: usize,
    /// Faces found, best first (at most 5), as fractions of the displayed photo.
    pub faces: Vec<Face>,
    /// For exactly one face: centre offset (share of the width) and face-box height (share
    /// of the height).
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
    /// The decoded working image (as displayed, sRGB, about 400 px on the short side), for
    /// the platform photo: a 12-megapixel file need not be decoded twice.
    pub working: Option<decode::Working>,
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
            preview_mime: preview::PREVIEW_MIME.into(),
        }
    }
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
    let mut j = Judge::new(file_name);
    let (preview, working) = judge_into(bytes, profile, &mut report, &mut j);
    report.ok = !j.issues.iter().any(Issue::is_error);
    report.checks = j.checks;
    PhotoVerdict {
        report,
        issues: j.issues,
        preview,
        working,
    }
}

fn judge_into(
    bytes: &[u8],
    profile: &PhotoProfile,
    report: &mut PhotoReport,
    j: &mut Judge<'_>,
) -> (Option<Vec<u8>>, Option<decode::Working>) {
    let limits = &profile.limits;
    // 1. File-size cap, before looking inside.
    let size = bytes.len() as u64;
    if size > limits.max_file_bytes {
        checks::oversize_file(j, size, limits.max_file_bytes);
        return (None, None);
    }
    // 2. Format and headers.
    let header = match sniff::sniff(bytes) {
        Ok(h) => h,
        Err(e) => {
            if let SniffError::Other(f) = &e {
                report.format = Some(*f);
            }
            checks::unreadable_file(j, profile, e);
            return (None, None);
        }
    };
    report.format = Some(header.format);
    report.orientation = header.orientation;
    report.dpi = header.dpi;
    let (dw, dh) = if header.orientation >= 5 {
        (header.height, header.width)
    } else {
        (header.width, header.height)
    };
    report.width = Some(dw);
    report.height = Some(dh);
    // 3. Pixel cap, from the header, before any decoding.
    let pixels = header.width as u64 * header.height as u64;
    if pixels > limits.max_pixels {
        checks::oversize_image(j, dw, dh, limits.max_pixels);
        return (None, None);
    }
    checks::format(j, profile, header.format);
    // 4. Geometry from the header (as displayed).
    report.aspect = Some(dw as f64 / dh as f64);
    checks::aspect(j, profile, dw, dh);
    checks::resolution(j, profile, dw, dh);
    checks::file(j, profile, size, header.dpi);
    // 5. Decode once to the working image. The decoders are fuzzed but foreign code: a
    // panic is caught and reported like any unreadable file.
    let decoded = std::panic::catch_unwind(|| decode::decode(bytes, &header, limits.max_pixels))
        .unwrap_or(Err(decode::DecodeError::Malformed(
            "the decoder failed on this file",
        )));
    let work = match decoded {
        Ok(w) => w,
        Err(detail) => {
            checks::undecodable(j, detail.to_string());
            return (None, None);
        }
    };
    checks::colour(j, profile, &work.colour);
    report.colour = Some(work.colour.clone());
    // 6. Face, then the background around it.
    let faces = checks::face(j, profile, &work);
    let head = match &faces {
        Some(f) if f.len() == 1 => Some(f[0].head_region(work.width, work.height)),
        _ => None,
    };
    let face_ok = !j.issues.iter().any(|i| i.code.starts_with("photo.face."));
    if profile.face.enabled {
        report.face = Some(FaceReport {
            ran: faces.is_some(),
            count: faces.as_ref().map_or(0, Vec::len),
            faces: faces.iter().flatten().take(5).cloned().collect(),
            centre_offset: faces
                .as_ref()
                .filter(|f| f.len() == 1)
                .map(|f| f[0].centre_offset()),
            height_share: faces.as_ref().filter(|f| f.len() == 1).map(|f| f[0].height),
        });
    }
    let bg = measure::measure(&work, &profile.background, head);
    checks::background(j, profile, &bg);
    checks::uniformity(j, profile, &bg);
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
    (preview, Some(work))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::Templates;
    use crate::catalog::Catalog;
    use crate::codes;
    use profile::{ColourAction, Level};

    fn profile(name: &str) -> PhotoProfile {
        PhotoProfile::load(&Templates::builtin(), name).unwrap()
    }

    macro_rules! fixture {
        ($name:literal) => {
            include_bytes!(concat!("../../tests/fixtures/photos/", $name)).as_slice()
        };
    }

    fn codes(v: &PhotoVerdict) -> Vec<String> {
        let mut c: Vec<String> = v
            .issues
            .iter()
            .map(|i| format!("{}{}", i.code, if i.is_error() { "!" } else { "" }))
            .collect();
        c.sort();
        c
    }

    /// (fixture, bytes, profile, passes, issue codes with "!" for errors)
    type Case = (
        &'static str,
        &'static [u8],
        &'static str,
        bool,
        &'static [&'static str],
    );

    fn cases() -> Vec<Case> {
        let sz = "shenzhen-2inch";
        let ee = "cn-exit-entry";
        vec![
            ("blue.jpg", fixture!("blue.jpg"), sz, true, &[]),
            (
                "blue_studio.jpg",
                fixture!("blue_studio.jpg"),
                sz,
                true,
                &[],
            ),
            ("light_blue.jpg", fixture!("light_blue.jpg"), sz, true, &[]),
            (
                "white.jpg",
                fixture!("white.jpg"),
                sz,
                false,
                &["photo.background!"],
            ),
            (
                "grey.jpg",
                fixture!("grey.jpg"),
                sz,
                false,
                &["photo.background!"],
            ),
            (
                "light_cyan.jpg",
                fixture!("light_cyan.jpg"),
                sz,
                false,
                &["photo.background!"],
            ),
            (
                "mottled.jpg",
                fixture!("mottled.jpg"),
                sz,
                true,
                &["photo.uniformity.mottled"],
            ),
            (
                "shadow.jpg",
                fixture!("shadow.jpg"),
                sz,
                true,
                &["photo.uniformity.shadow"],
            ),
            (
                "no_person.jpg",
                fixture!("no_person.jpg"),
                sz,
                false,
                &["photo.face.none!"],
            ),
            (
                "square.jpg",
                fixture!("square.jpg"),
                sz,
                false,
                &["photo.aspect!"],
            ),
            (
                "small.jpg",
                fixture!("small.jpg"),
                sz,
                false,
                &["photo.resolution!"],
            ),
            (
                "rotated_exif.jpg",
                fixture!("rotated_exif.jpg"),
                sz,
                true,
                &[],
            ),
            (
                "cmyk.jpg",
                fixture!("cmyk.jpg"),
                sz,
                true,
                &["photo.colour.cmyk"],
            ),
            (
                "cmyk.jpg",
                fixture!("cmyk.jpg"),
                ee,
                false,
                &["photo.aspect!", "photo.colour.cmyk!", "photo.dpi.missing"],
            ),
            (
                "greyscale.jpg",
                fixture!("greyscale.jpg"),
                sz,
                false,
                &["photo.background!", "photo.colour.greyscale!"],
            ),
            (
                "display_p3.jpg",
                fixture!("display_p3.jpg"),
                sz,
                true,
                &["photo.colour.profile"],
            ),
            (
                "alpha.png",
                fixture!("alpha.png"),
                sz,
                false,
                &["photo.background!", "photo.colour.alpha"],
            ),
            ("opaque.png", fixture!("opaque.png"), sz, true, &[]),
            (
                "opaque.png",
                fixture!("opaque.png"),
                ee,
                false,
                &["photo.aspect!", "photo.dpi.missing", "photo.format!"],
            ),
            (
                "exit_entry_white.jpg",
                fixture!("exit_entry_white.jpg"),
                ee,
                true,
                &[],
            ),
            (
                "exit_entry_white.jpg",
                fixture!("exit_entry_white.jpg"),
                sz,
                false,
                // 354 x 472 at 3:4 is the studio file the default profile accepts; white
                // is still the wrong backdrop.
                &["photo.background!"],
            ),
            (
                "white.jpg",
                fixture!("white.jpg"),
                ee,
                false,
                &["photo.aspect!", "photo.dpi.missing"],
            ),
            (
                "truncated.jpg",
                fixture!("truncated.jpg"),
                sz,
                false,
                &["photo.unreadable!"],
            ),
            (
                "not_an_image.jpg",
                fixture!("not_an_image.jpg"),
                sz,
                false,
                &["photo.unreadable!"],
            ),
            (
                "iphone.heic",
                fixture!("iphone.heic"),
                sz,
                false,
                &["photo.format!"],
            ),
            (
                "bomb.png",
                fixture!("bomb.png"),
                sz,
                false,
                &["photo.oversize_image!"],
            ),
        ]
    }

    #[test]
    fn every_fixture_gets_its_verdict() {
        let mut failures = Vec::new();
        for (name, bytes, prof, pass, expected) in cases() {
            let v = judge(bytes, name, &profile(prof));
            let got = codes(&v);
            let want: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
            if v.ok() != pass || got != want {
                failures.push(format!(
                    "{name} ({prof}): ok={} codes={got:?}, expected ok={pass} codes={want:?}",
                    v.ok()
                ));
            }
            // Every issue names the file and has a catalog entry in both languages.
            for i in &v.issues {
                assert_eq!(i.at.file.as_deref(), Some(name), "{i:?}");
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn every_issue_code_has_a_message() {
        let cat = Catalog::load(&Templates::builtin()).unwrap();
        for (name, bytes, prof, _, _) in cases() {
            let v = judge(bytes, name, &profile(prof));
            // Every check line renders in both languages, with every placeholder filled.
            for c in &v.report.checks {
                for lang in [Lang::En, Lang::Zh] {
                    let m = c.measured(&cat, lang);
                    let t = c.threshold(&cat, lang);
                    let n = c.name(&cat, lang);
                    for text in [&m, &t, &n] {
                        assert!(
                            !text.contains('{') && !text.starts_with("ui."),
                            "{name}: {c:?} -> {text}"
                        );
                    }
                    assert!(!m.is_empty(), "{name}: {c:?}");
                }
            }
            for i in v.issues {
                assert!(cat.contains(&i.code), "no message for {}", i.code);
                let t = cat.text(&i);
                assert!(
                    !t.message.contains('{') && !t.message_zh.contains('{'),
                    "unfilled: {t:?}"
                );
                assert!(
                    !t.action.is_empty() && !t.action_zh.is_empty(),
                    "{}",
                    i.code
                );
            }
        }
        for check in [
            "file",
            "decode",
            "aspect",
            "resolution",
            "file_size",
            "dpi",
            "colour",
            "background",
            "uniformity",
            "face",
        ] {
            assert!(cat.contains(&format!("ui.photo.check.{check}")), "{check}");
        }
    }

    /// The real public-domain portraits of `tests/fixtures/photos/real/` (see its README).
    fn real_photos() -> Vec<(String, Vec<u8>)> {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/photos/real");
        let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "jpg"))
            .map(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read(&p).unwrap())
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn a_real_face_is_never_missed() {
        let photos = real_photos();
        assert!(photos.len() >= 6, "{}", photos.len());
        for prof in ["shenzhen-2inch", "cn-exit-entry"] {
            let p = profile(prof);
            for (name, bytes) in &photos {
                let v = judge(bytes, name, &p);
                let face = v.report.face.as_ref().unwrap();
                assert!(face.ran, "{name}");
                assert!(
                    face.count >= 1,
                    "{name} ({prof}): no face found in a real portrait: {:?}",
                    codes(&v)
                );
                assert!(
                    !codes(&v)
                        .iter()
                        .any(|c| c.starts_with(codes::PHOTO_FACE_NONE.as_str())),
                    "{name}"
                );
            }
        }
        // The ID-photo crops hold exactly one face; each framing is judged with it.
        let p = profile("shenzhen-2inch");
        for (name, bytes) in photos.iter().filter(|(n, _)| !n.contains("full")) {
            let v = judge(bytes, name, &p);
            assert_eq!(v.report.face.as_ref().unwrap().count, 1, "{name}");
        }
    }

    #[test]
    fn no_face_is_an_error_and_the_photo_is_not_ok() {
        let p = profile("shenzhen-2inch");
        let v = judge(fixture!("no_person.jpg"), "blue.jpg", &p);
        assert!(!v.ok());
        let none = v
            .issues
            .iter()
            .find(|i| i.code == codes::PHOTO_FACE_NONE)
            .unwrap();
        assert!(none.is_error());
        // The blue backdrop itself is fine: the missing face alone refuses it.
        assert_eq!(codes(&v), ["photo.face.none!"]);
        // A profile may lower it to a warning.
        let mut soft = p.clone();
        soft.face.none_severity = Level::Warning;
        assert!(judge(fixture!("no_person.jpg"), "blue.jpg", &soft).ok());
    }

    /// `blue.jpg` (480 x 658, 35:48) cropped to `w` x `h` from the top left.
    fn cropped(w: u32, h: u32) -> Vec<u8> {
        let img = image::load_from_memory(fixture!("blue.jpg"))
            .unwrap()
            .to_rgb8();
        let x = (img.width() - w) / 2;
        let part = image::imageops::crop_imm(&img, x, 0, w, h).to_image();
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 92)
            .encode_image(&part)
            .unwrap();
        out
    }

    #[test]
    fn studio_ratios_from_33_48_to_3_4_pass_with_a_print_note() {
        let p = profile("shenzhen-2inch");
        let cat = Catalog::load(&Templates::builtin()).unwrap();
        // 3:4 (the national digital photo), 33:48 (the national print), 35:48 itself.
        for (w, h, note) in [(480, 640, true), (452, 658, true), (480, 658, false)] {
            let v = judge(&cropped(w, h), "studio.jpg", &p);
            assert!(v.ok(), "{w} x {h}: {:?}", codes(&v));
            let line = v
                .report
                .checks
                .iter()
                .find(|c| c.check == "aspect")
                .unwrap();
            assert_eq!(line.status, CheckStatus::Pass);
            let text = line.measured(&cat, Lang::En);
            assert_eq!(text.contains("35 × 48 mm"), note, "{w} x {h}: {text}");
            if note {
                assert!(line.measured(&cat, Lang::Zh).contains("35 × 48 毫米"));
            }
        }
        // Narrower than 33:48 (2:3) or wider than 3:4 (4:5) is still refused.
        for (w, h) in [(438, 658), (480, 600)] {
            let v = judge(&cropped(w, h), "odd.jpg", &p);
            assert!(
                codes(&v).contains(&"photo.aspect!".to_string()),
                "{w} x {h}"
            );
            let i = v
                .issues
                .iter()
                .find(|i| i.code == codes::PHOTO_ASPECT)
                .unwrap();
            let t = cat.text(i);
            assert!(t.message.contains("between 33:48 and 3:4"), "{}", t.message);
        }
    }

    #[test]
    fn the_national_digital_size_is_enough() {
        let p = profile("shenzhen-2inch");
        assert_eq!(
            (p.resolution.min_width_px, p.resolution.min_height_px),
            (354, 472)
        );
        let bytes = {
            let img = image::load_from_memory(&cropped(480, 640)).unwrap();
            let small = img.resize_exact(354, 472, image::imageops::FilterType::Triangle);
            let mut out = Vec::new();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 92)
                .encode_image(&small.to_rgb8())
                .unwrap();
            out
        };
        let v = judge(&bytes, "354x472.jpg", &p);
        assert!(v.ok(), "{:?}", codes(&v));
    }

    #[test]
    fn a_good_photo_reports_its_measurements() {
        let v = judge(fixture!("blue.jpg"), "blue.jpg", &profile("shenzhen-2inch"));
        let r = &v.report;
        assert_eq!((r.width, r.height), (Some(480), Some(658)));
        assert_eq!(r.format, Some(Format::Jpeg));
        assert!(r.background_share.unwrap() > 0.99);
        let face = r.face.as_ref().unwrap();
        assert!(face.ran && face.count == 1);
        assert!(face.centre_offset.unwrap() < 0.04, "{face:?}");
        let share = face.height_share.unwrap();
        assert!((0.38..0.62).contains(&share), "{share}");
        assert!(r.ok);
        let checks: Vec<&str> = r.checks.iter().map(|c| c.check).collect();
        assert_eq!(
            checks,
            [
                "file",
                "aspect",
                "resolution",
                "colour",
                "face",
                "background",
                "uniformity"
            ]
        );
        assert!(
            r.checks.iter().all(|c| c.status == CheckStatus::Pass),
            "{:?}",
            r.checks
        );
        // A small JPEG preview, about 240 px tall, as displayed.
        let p = image::load_from_memory(v.preview.as_ref().unwrap()).unwrap();
        assert_eq!((p.width(), p.height()), (175, 240));
        // report.json fields.
        let json = serde_json::to_value(r).unwrap();
        for key in [
            "file",
            "width",
            "height",
            "background_share",
            "face",
            "dpi",
            "bytes",
            "colour",
            "ok",
            "checks",
        ] {
            assert!(json.get(key).is_some(), "{key} missing from {json}");
        }
        assert!(json["background"]["uniformity"]["left_right"].is_number());
    }

    #[test]
    fn exif_orientation_is_applied_before_geometry() {
        let p = profile("shenzhen-2inch");
        let with = judge(fixture!("rotated_exif.jpg"), "r.jpg", &p);
        assert_eq!(with.report.orientation, 6);
        assert_eq!(
            (with.report.width, with.report.height),
            (Some(480), Some(658))
        );
        assert!(with.ok());
        let without = judge(fixture!("rotated_no_exif.jpg"), "r.jpg", &p);
        assert_eq!(
            (without.report.width, without.report.height),
            (Some(658), Some(480))
        );
        assert!(!without.ok());
        // Same pixels, judged the same once upright.
        let upright = judge(fixture!("blue.jpg"), "b.jpg", &p);
        let a = with.report.background_share.unwrap();
        let b = upright.report.background_share.unwrap();
        assert!((a - b).abs() < 0.01);
    }

    #[test]
    fn file_size_cap_is_checked_first() {
        let mut p = profile("shenzhen-2inch");
        p.limits.max_file_bytes = 1000;
        let v = judge(fixture!("blue.jpg"), "b.jpg", &p);
        assert_eq!(codes(&v), ["photo.oversize_file!"]);
        assert!(v.preview.is_none());
    }

    #[test]
    fn warnings_and_errors_follow_the_profile() {
        let mut p = profile("shenzhen-2inch");
        p.uniformity.severity = Level::Error;
        let v = judge(fixture!("mottled.jpg"), "m.jpg", &p);
        assert_eq!(codes(&v), ["photo.uniformity.mottled!"]);
        assert!(!v.ok());
        p.face.enabled = false;
        let v = judge(fixture!("no_person.jpg"), "n.jpg", &p);
        assert!(v.ok() && v.report.face.is_none());
        p.colour.cmyk = ColourAction::Accept;
        assert!(codes(&judge(fixture!("cmyk.jpg"), "c.jpg", &p)).is_empty());
    }

    #[test]
    fn never_panics_on_damaged_files() {
        // Deterministic damage: truncations and byte flips of every fixture kind.
        let p = profile("shenzhen-2inch");
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for src in [
            fixture!("small.jpg"),
            fixture!("opaque.png"),
            fixture!("cmyk.jpg"),
            fixture!("rotated_exif.jpg"),
        ] {
            for round in 0..12 {
                let mut b = src.to_vec();
                if round % 3 == 0 {
                    let cut = (next() as usize) % b.len();
                    b.truncate(cut);
                } else {
                    for _ in 0..(1 + round) {
                        let at = (next() as usize) % b.len();
                        b[at] = next() as u8;
                    }
                }
                let v = judge(&b, "damaged", &p);
                // Either judged or refused with a reason; never silent.
                assert!(v.report.ok || !v.issues.is_empty());
            }
        }
        // Degenerate sizes decode and are judged without panicking.
        for (w, h) in [(1u32, 1u32), (1, 600), (600, 1), (3, 2), (47, 64)] {
            let img = image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
                w,
                h,
                image::Rgb([67, 142, 219]),
            ));
            for fmt in [image::ImageFormat::Png, image::ImageFormat::Jpeg] {
                let mut b = Vec::new();
                img.write_to(&mut std::io::Cursor::new(&mut b), fmt)
                    .unwrap();
                let v = judge(&b, "tiny", &p);
                assert!(!v.ok(), "{w}x{h} {fmt:?} is too small to pass");
                assert!(
                    v.issues.iter().any(|i| i.code == codes::PHOTO_RESOLUTION),
                    "{w}x{h}: {:?}",
                    v.issues
                );
            }
        }
        for junk in [
            &b""[..],
            b"\xFF\xD8",
            b"\x89PNG\r\n\x1a\n",
            b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR",
        ] {
            let v = judge(junk, "junk", &p);
            assert!(!v.ok());
        }
    }
}
