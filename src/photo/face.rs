//! Face detection with the SeetaFace frontal model (via `rustface`), compiled into the
//! binary from `models/` (BSD-2-Clause, see `models/README.md`): finds the faces on a small
//! greyscale copy of the working image, and derives the head region that the background
//! measurement leaves out. No model is ever downloaded.

use super::decode::Working;
use super::measure::{Ellipse, Rect};
use rustface::{Detector, ImageData, Model};
use serde::Serialize;
use std::cell::RefCell;
use std::sync::OnceLock;

/// The SeetaFace frontal face model (rustface 0.1.7 crate package, BSD-2-Clause).
static MODEL_BYTES: &[u8] = include_bytes!("../../models/seeta_fd_frontal_v1.0.bin");

/// The detection image's shorter side is reduced to about this many pixels (by a whole
/// factor). SeetaFace looks through a 40 px window and rustface never enlarges the image
/// (it ignores `set_min_face_size`), so the smallest face found is about 27-35 % of the
/// photo's shorter side. The profiles' smallest acceptable face box is about 0.38 of the
/// height (0.52 of the width at 35:48), so every face worth measuring is found, and a small
/// one is reported as too small rather than missing. Any face is finally judged through the
/// same 40 px window, so a larger detection image only adds pyramid levels that find faces
/// too small to matter: at 200 px detection took 108 M instructions a photo (14 ms), at
/// 130 px about half. The box sizes move in the pyramid's 25 % steps either way.
const DETECT_SHORT_SIDE: u32 = 130;

/// The smallest image the detector accepts (its window is 40 px).
const DETECT_MIN_SIDE: u32 = 48;

/// Head region around a face box, in face-box units. SeetaFace's box runs from the middle
/// of the forehead to the chin and about temple to temple (about 0.8 of the head length);
/// the region adds the top of the head and some hair above, ears and hair at the sides, and
/// a little below the chin. Used only to keep hair out of the background bands.
const HEAD_ABOVE: f64 = 0.5;
const HEAD_SIDES: f64 = 0.15;
const HEAD_BELOW: f64 = 0.1;

fn model() -> Option<&'static Model> {
    static MODEL: OnceLock<Option<Model>> = OnceLock::new();
    MODEL
        .get_or_init(|| rustface::read_model(MODEL_BYTES).ok())
        .as_ref()
}

thread_local! {
    static DETECTOR: RefCell<Option<Box<dyn Detector>>> = const { RefCell::new(None) };
}

/// One face, as fractions of the displayed photo (0-1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Face {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// Detector score (higher is surer).
    pub score: f64,
}

impl Face {
    /// Horizontal distance of the face centre from the photo centre, share of the width.
    pub fn centre_offset(&self) -> f64 {
        (self.x + self.width / 2.0 - 0.5).abs()
    }

    /// The face box in working-image pixels.
    pub fn rect(&self, w: u32, h: u32) -> Rect {
        let px = |v: f64, size: u32| (v * size as f64).round().clamp(0.0, size as f64) as u32;
        Rect {
            x0: px(self.x, w),
            y0: px(self.y, h),
            x1: px(self.x + self.width, w),
            y1: px(self.y + self.height, h),
        }
    }

    /// The head region (an ellipse around the face box, widened for hair and ears) in
    /// working-image pixels.
    pub fn head_region(&self, w: u32, h: u32) -> Ellipse {
        let top = self.y - HEAD_ABOVE * self.height;
        let bottom = self.y + self.height * (1.0 + HEAD_BELOW);
        Ellipse {
            cx: (self.x + self.width / 2.0) * w as f64,
            cy: (top + bottom) / 2.0 * h as f64,
            rx: self.width * (0.5 + HEAD_SIDES) * w as f64,
            ry: (bottom - top) / 2.0 * h as f64,
        }
    }
}

/// Whether the bundled model loads (it always should; tested).
pub fn available() -> bool {
    model().is_some()
}

/// Finds faces scoring at least `min_score`, best first. `Err` when the detector cannot run
/// (model missing, image too small, or an internal failure).
///
/// When no face is found on the usual detection image, the detector looks again on one
/// three times finer (or the working image itself): no face is an error, so a face too
/// small for the usual image (a full-length shot, a wide crop) must be found and reported
/// as too small, not missed. Photos with a face, nearly all of them, never pay for it.
pub fn detect(work: &Working, min_score: f64) -> Result<Vec<Face>, FaceError> {
    let (w, h) = (work.width, work.height);
    // Nearest integer reduction (375 -> 187, 480 -> 240): detection cost grows with the
    // pixel count, and faces in a portrait photo are far larger than the 40 px window.
    let factor = ((w.min(h) as f64 / DETECT_SHORT_SIDE as f64).round() as u32).max(1);
    let faces = detect_at(work, factor, min_score)?;
    if faces.is_empty() && factor > 1 {
        return detect_at(work, (factor / 3).max(1), min_score);
    }
    Ok(faces)
}

/// Why no face search could be made on an image.
#[derive(Debug, thiserror::Error)]
pub enum FaceError {
    #[error("the face model could not be loaded")]
    NoModel,
    #[error("the image is too small for face detection ({w} x {h})")]
    TooSmall { w: u32, h: u32 },
    #[error("the face detector failed on this image")]
    Failed,
}

/// [`detect`] on the working image reduced by a whole `factor`.
fn detect_at(work: &Working, factor: u32, min_score: f64) -> Result<Vec<Face>, FaceError> {
    let model = model().ok_or(FaceError::NoModel)?;
    let (w, h) = (work.width, work.height);
    let (dw, dh) = (w / factor, h / factor);
    if dw < DETECT_MIN_SIDE || dh < DETECT_MIN_SIDE {
        return Err(FaceError::TooSmall { w, h });
    }
    // Luma (ITU-R BT.601, as the model was trained on), box-reduced by `factor`.
    let mut grey = vec![0u8; (dw * dh) as usize];
    let n = factor * factor;
    for dy in 0..dh {
        for dx in 0..dw {
            let mut acc = 0u32;
            for y in dy * factor..(dy + 1) * factor {
                for x in dx * factor..(dx + 1) * factor {
                    let [r, g, b] = work.pixel(x, y);
                    acc += (299 * r as u32 + 587 * g as u32 + 114 * b as u32 + 500) / 1000;
                }
            }
            grey[(dy * dw + dx) as usize] = ((acc + n / 2) / n) as u8;
        }
    }
    let score = if min_score.is_finite() && min_score > 0.0 {
        min_score
    } else {
        2.0
    };
    let run = || {
        DETECTOR.with(|cell| {
            let mut slot = cell.borrow_mut();
            let det =
                slot.get_or_insert_with(|| rustface::create_detector_with_model(model.clone()));
            det.set_min_face_size(20);
            det.set_score_thresh(score);
            det.set_pyramid_scale_factor(0.8);
            det.set_slide_window_step(4, 4);
            det.detect(&ImageData::new(&grey, dw, dh))
        })
    };
    let found = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) {
        Ok(f) => f,
        Err(_) => {
            // Start from a fresh detector next time.
            let _ = DETECTOR.try_with(|cell| cell.try_borrow_mut().map(|mut s| *s = None));
            return Err(FaceError::Failed);
        }
    };
    let mut faces: Vec<Face> = found
        .iter()
        .map(|f| {
            let b = f.bbox();
            Face {
                x: b.x() as f64 / dw as f64,
                y: b.y() as f64 / dh as f64,
                width: b.width() as f64 / dw as f64,
                height: b.height() as f64 / dh as f64,
                score: f.score(),
            }
        })
        .collect();
    faces.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.x.total_cmp(&b.x))
            .then(a.y.total_cmp(&b.y))
    });
    Ok(faces)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::photo::decode::ColourFacts;
    use crate::photo::sniff::Stored;

    fn working(w: u32, h: u32, rgb: Vec<u8>) -> Working {
        Working {
            rgb,
            width: w,
            height: h,
            colour: ColourFacts {
                stored: Stored::Rgb,
                bit_depth: 8,
                alpha_channel: false,
                transparent_pixels: false,
                icc: None,
                icc_converted: false,
            },
        }
    }

    #[test]
    fn bundled_model_loads() {
        assert!(available());
    }

    #[test]
    fn plain_backdrop_has_no_face_and_tiny_images_are_refused() {
        let w = working(300, 400, [67u8, 142, 219].repeat(300 * 400));
        assert_eq!(detect(&w, 2.0).unwrap(), vec![]);
        let tiny = working(30, 40, vec![128; 30 * 40 * 3]);
        assert!(detect(&tiny, 2.0).is_err());
    }

    #[test]
    fn head_region_extends_above_and_beside_the_face() {
        let f = Face {
            x: 0.3,
            y: 0.3,
            width: 0.4,
            height: 0.4,
            score: 5.0,
        };
        assert!((f.centre_offset() - 0.0).abs() < 1e-9);
        let e = f.head_region(100, 100);
        assert!((e.cx - 50.0).abs() < 1e-9 && (e.rx - 26.0).abs() < 1e-9);
        // From 0.2 above the box top (y = 0.1) to 0.04 below its bottom (y = 0.74).
        assert!((e.cy - 42.0).abs() < 1e-9 && (e.ry - 32.0).abs() < 1e-9);
        assert!(
            e.contains(50, 11) && !e.contains(50, 9) && !e.contains(23, 42) && e.contains(24, 42)
        );
        assert_eq!(
            f.rect(100, 100),
            Rect {
                x0: 30,
                y0: 30,
                x1: 70,
                y1: 70
            }
        );
    }
}
