//! Faces of everyone: the face check measured on real photographs of 62 people of varied skin
//! tones (tests/fixtures/faces/, whose README gives each file's source, licence and group),
//! framed as ID photos on blue, resampled to 480-4,032 px on the long side and stored as JPEG
//! and PNG, then judged by the real photo stage (`photo::judge`). The target (issue 21,
//! item 13): the detector misses at most 2 % of the faces overall and no more for darker skin
//! than for the rest.
//!
//! The test judges every person once, at one size and format each (all eight sizes and
//! formats covered, see `sampled`); `cargo bench --bench photo -- faces` (benches/photo.rs)
//! judges every person at every size in both formats with the same code, and again under- and
//! over-exposed, and prints the figures.

use image::{ImageEncoder, RgbImage, imageops::FilterType};
use permitpack::assets::Templates;
use permitpack::photo::{self, PhotoProfile};
use std::collections::BTreeMap;

/// Long sides of the variants: a small web photo up to a 12-megapixel phone photo.
pub const SIZES: [u32; 4] = [480, 1000, 2000, 4032];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    Jpeg,
    Png,
}

pub const FORMATS: [Format; 2] = [Format::Jpeg, Format::Png];

/// The skin-tone groups of the fixtures' README.
pub const GROUPS: [&str; 3] = ["lighter", "medium", "darker"];

pub struct Person {
    pub file: String,
    pub group: String,
    pub image: RgbImage,
}

fn dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/faces")
}

/// Every photo the README's table lists, with its group.
pub fn people() -> Vec<Person> {
    let readme = std::fs::read_to_string(dir().join("README.md")).expect("faces README");
    readme
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let file = cells[1].trim_matches('`').to_string();
            let group = cells[4].to_string();
            assert!(GROUPS.contains(&group.as_str()), "{file}: group {group}");
            let image = image::open(dir().join(&file))
                .unwrap_or_else(|e| panic!("{file}: {e}"))
                .to_rgb8();
            Person { file, group, image }
        })
        .collect()
}

/// The photo resampled to `long` pixels on its long side (keeping its shape) and encoded:
/// JPEG at quality 90 (as a phone or studio saves), or PNG.
pub fn variant(img: &RgbImage, long: u32, format: Format) -> Vec<u8> {
    let (w, h) = img.dimensions();
    let scale = long as f64 / w.max(h) as f64;
    let (nw, nh) = (
        (w as f64 * scale).round() as u32,
        (h as f64 * scale).round() as u32,
    );
    let resized = image::imageops::resize(img, nw, nh, FilterType::Triangle);
    let mut out = Vec::new();
    match format {
        Format::Jpeg => image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
            .encode_image(&resized)
            .expect("jpeg"),
        Format::Png => image::codecs::png::PngEncoder::new_with_quality(
            &mut out,
            image::codecs::png::CompressionType::Fast,
            image::codecs::png::FilterType::Adaptive,
        )
        .write_image(&resized, nw, nh, image::ExtendedColorType::Rgb8)
        .expect("png"),
    }
    out
}

/// The photo with its exposure changed by `ev` stops (in linear light, sRGB taken as a 2.2
/// gamma; highlights clip as a camera's would): -1 is a photo taken with half the light.
pub fn exposed(img: &RgbImage, ev: f64) -> RgbImage {
    let k = 2f64.powf(ev);
    let map: Vec<u8> = (0..256)
        .map(|v| {
            let lin = (v as f64 / 255.0).powf(2.2) * k;
            (lin.min(1.0).powf(1.0 / 2.2) * 255.0).round() as u8
        })
        .collect();
    let mut out = img.clone();
    for px in out.pixels_mut() {
        px.0 = px.0.map(|c| map[c as usize]);
    }
    out
}

/// What the photo stage said about the face.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The detector found exactly one face.
    Found,
    /// More than one face was reported.
    Many,
    /// No face detected: the photo is refused (`photo.face.none` / `photo.face.unavailable`).
    Refused,
}

/// The profile the photos are judged with: the default one, with the file-size cap lifted
/// (a 4,032 px PNG can pass it; what is measured here is the face, not the file's size).
pub fn profile() -> PhotoProfile {
    let mut p = PhotoProfile::load(&Templates::builtin(), photo::DEFAULT_PROFILE).unwrap();
    p.limits.max_file_bytes = u64::MAX;
    p
}

pub fn judge(bytes: &[u8], name: &str, profile: &PhotoProfile) -> Outcome {
    let v = photo::judge(bytes, name, profile);
    let has = |code: &str| v.issues.iter().any(|i| i.code == code);
    if has("photo.face.none") || has("photo.face.unavailable") {
        Outcome::Refused
    } else if has("photo.face.many") {
        Outcome::Many
    } else {
        let n = v.report.face.as_ref().map_or(0, |f| f.count);
        assert_eq!(n, 1, "{name}: {:?}", v.issues);
        Outcome::Found
    }
}

/// Counts of one slice of the measurement.
#[derive(Debug, Default, Clone, Copy)]
pub struct Count {
    pub photos: usize,
    /// The detector found no face (and the photo was refused).
    pub missed: usize,
    pub many: usize,
}

impl Count {
    fn add(&mut self, o: Outcome) {
        self.photos += 1;
        match o {
            Outcome::Found => {}
            Outcome::Many => self.many += 1,
            Outcome::Refused => self.missed += 1,
        }
    }
    pub fn miss_rate(&self) -> f64 {
        self.missed as f64 / self.photos.max(1) as f64
    }
}

#[derive(Debug, Default)]
pub struct Tally {
    pub overall: Count,
    pub by_group: BTreeMap<String, Count>,
    pub by_variant: BTreeMap<(u32, Format), Count>,
    /// (file, size, format, outcome) of every photo not found.
    pub misses: Vec<(String, u32, Format, Outcome)>,
}

impl Tally {
    pub fn group(&self, g: &str) -> Count {
        self.by_group.get(g).copied().unwrap_or_default()
    }

    /// Miss rate of everyone but the darker group.
    pub fn others(&self) -> Count {
        let mut c = Count::default();
        for (g, n) in &self.by_group {
            if g != "darker" {
                c.photos += n.photos;
                c.missed += n.missed;
                c.many += n.many;
            }
        }
        c
    }

    /// A table of the figures, for the bench and a failing test.
    pub fn report(&self) -> String {
        let line = |name: &str, c: &Count| {
            format!(
                "{name:<14} {:>6} {:>7} {:>7.1} % {:>6}\n",
                c.photos,
                c.missed,
                c.miss_rate() * 100.0,
                c.many
            )
        };
        let mut s = format!(
            "{:<14} {:>6} {:>7} {:>9} {:>6}\n",
            "", "photos", "missed", "rate", "many"
        );
        for g in GROUPS {
            s += &line(g, &self.group(g));
        }
        s += &line("others", &self.others());
        s += &line("overall", &self.overall);
        for ((size, format), c) in &self.by_variant {
            s += &line(&format!("{size} {format:?}"), c);
        }
        for (file, size, format, o) in &self.misses {
            s += &format!("not found: {file} at {size} px {format:?}: {o:?}\n");
        }
        s
    }
}

/// Judges the variants `pick(person index, size, format)` selects, of every photo with its
/// exposure changed by `ev` stops (0: as stored).
pub fn measure(
    people: &[Person],
    profile: &PhotoProfile,
    ev: f64,
    pick: impl Fn(usize, u32, Format) -> bool,
) -> Tally {
    let mut t = Tally::default();
    for (i, p) in people.iter().enumerate() {
        let img = if ev == 0.0 {
            p.image.clone()
        } else {
            exposed(&p.image, ev)
        };
        for size in SIZES {
            for format in FORMATS {
                if !pick(i, size, format) {
                    continue;
                }
                let bytes = variant(&img, size, format);
                let o = judge(&bytes, &p.file, profile);
                t.overall.add(o);
                t.by_group.entry(p.group.clone()).or_default().add(o);
                t.by_variant.entry((size, format)).or_default().add(o);
                if o == Outcome::Refused {
                    t.misses.push((p.file.clone(), size, format, o));
                }
            }
        }
    }
    t
}

/// The test's share, one variant per person: every fourth person (16 of them, from every
/// group) rotates through all eight sizes and formats, two people each; the others, the
/// cheap ones, alternate between 480 px JPEG and 1,000 px PNG. The 2,000 and 4,032 px
/// variants cost most (resampling, encoding and decoding 4 and 12 megapixels).
pub fn sampled(i: usize, size: u32, format: Format) -> bool {
    let (s, f) = if i % 4 == 0 {
        let k = i / 4;
        (
            SIZES[k % SIZES.len()],
            FORMATS[(k / SIZES.len()) % FORMATS.len()],
        )
    } else if i % 2 == 1 {
        (480, Format::Jpeg)
    } else {
        (1000, Format::Png)
    };
    s == size && f == format
}

#[test]
fn the_set_is_varied_and_documented() {
    let people = people();
    let count = |g: &str| people.iter().filter(|p| p.group == g).count();
    assert!(people.len() >= 40, "{} people", people.len());
    assert!(
        count("darker") * 3 >= people.len(),
        "a third with darker skin"
    );
    for p in &people {
        assert_eq!(p.image.dimensions(), (450, 600), "{}", p.file);
    }
}

#[test]
fn every_face_is_found_whatever_the_skin_tone() {
    let people = people();
    let t = measure(&people, &profile(), 0.0, sampled);
    let report = t.report();
    eprintln!("{report}");
    assert_eq!(t.overall.photos, people.len());
    // Every size and format was exercised.
    assert_eq!(t.by_variant.len(), SIZES.len() * FORMATS.len(), "{report}");
    // At most 2 % missed overall, and darker skin no worse than the rest. (Measured: none
    // missed, at every size and format, in the bench.)
    assert!(t.overall.miss_rate() <= 0.02, "{report}");
    assert!(
        t.group("darker").miss_rate() <= t.others().miss_rate(),
        "{report}"
    );
    assert_eq!(t.overall.many, 0, "{report}");
}

#[test]
fn exposure_does_not_hide_darker_faces() {
    // A photo taken with a third of the light, at the size studios deliver: the case where
    // a detector trained on lighter faces loses darker ones first.
    let people: Vec<Person> = people()
        .into_iter()
        .filter(|p| p.group == "darker")
        .collect();
    let t = measure(&people, &profile(), -1.5, |_, size, format| {
        size == 480 && format == Format::Jpeg
    });
    let report = t.report();
    eprintln!("{report}");
    assert!(t.overall.photos >= 28, "{report}");
    assert!(t.overall.miss_rate() <= 0.02, "{report}");
}
