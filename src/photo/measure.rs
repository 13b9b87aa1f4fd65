//! Background measurements on the working image: which pixels of the top and side bands
//! are an accepted backdrop colour (HSV classes from the profile), and how even that
//! backdrop is (left/right and top/bottom lightness, blotchiness, texture) in CIE L*.

use super::decode::Working;
use super::profile::Background;
use serde::Serialize;
use std::collections::BTreeMap;

/// A rectangle in working-image pixels, `x0..x1` by `y0..y1` (exclusive ends).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rect {
    pub x0: u32,
    pub y0: u32,
    pub x1: u32,
    pub y1: u32,
}

impl Rect {
    pub fn contains(&self, x: u32, y: u32) -> bool {
        x >= self.x0 && x < self.x1 && y >= self.y0 && y < self.y1
    }
}

/// An axis-aligned ellipse in working-image pixels (the head region).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Ellipse {
    pub cx: f64,
    pub cy: f64,
    pub rx: f64,
    pub ry: f64,
}

impl Ellipse {
    /// Whether the centre of pixel (x, y) is inside.
    pub fn contains(&self, x: u32, y: u32) -> bool {
        if self.rx <= 0.0 || self.ry <= 0.0 {
            return false;
        }
        let dx = (x as f64 + 0.5 - self.cx) / self.rx;
        let dy = (y as f64 + 0.5 - self.cy) / self.ry;
        dx * dx + dy * dy <= 1.0
    }
}

/// Per-pixel role in the measurement, for the preview.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Role {
    Outside = 0,
    Background = 1,
    NotBackground = 2,
    Head = 3,
}

/// The background measurement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BackgroundMeasure {
    /// Share of measured band pixels in an accepted colour (0-1).
    pub share: f64,
    /// Share per accepted colour, by the profile's colour name.
    pub colours: BTreeMap<String, f64>,
    /// Pixels measured (in the bands, outside the head region).
    pub pixels: u64,
    /// Band pixels left out because they belong to the head region.
    pub head_pixels: u64,
    /// Mean colour of the measured band pixels, sRGB.
    pub mean_rgb: [u8; 3],
    /// Evenness of the accepted background; `None` when too little background was found.
    pub uniformity: Option<UniformityMeasure>,
    /// Role of each working pixel (row-major), for the preview.
    #[serde(skip)]
    pub roles: Vec<Role>,
}

/// Evenness of the backdrop, CIE L* units.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UniformityMeasure {
    /// |mean L* of the left band - mean L* of the right band|.
    pub left_right: f64,
    /// |mean L* of the top of the bands - mean L* of the bottom of the side bands|.
    pub top_bottom: f64,
    /// Standard deviation of block L* around a fitted plane (blotches, shadow patches).
    pub spread: f64,
    /// Mean L* difference between neighbouring blocks (texture).
    pub gradient: f64,
    /// Blocks measured.
    pub blocks: usize,
    /// Block edge in working pixels.
    pub block_px: u32,
}

/// HSV of an sRGB pixel: hue in degrees (0 for greys), saturation and value 0-1.
pub fn hsv(p: [u8; 3]) -> (f32, f32, f32) {
    let (r, g, b) = (p[0] as f32, p[1] as f32, p[2] as f32);
    let max = r.max(g).max(b);
    let min = r.min(g).min(b);
    let d = max - min;
    let v = max / 255.0;
    let s = if max > 0.0 { d / max } else { 0.0 };
    let h = if d == 0.0 {
        0.0
    } else if max == r {
        60.0 * (((g - b) / d).rem_euclid(6.0))
    } else if max == g {
        60.0 * ((b - r) / d + 2.0)
    } else {
        60.0 * ((r - g) / d + 4.0)
    };
    (h, s, v)
}

/// CIE L* (0-100) of each 8-bit sRGB luminance contribution, computed from linear light.
struct Lightness {
    lin: [f32; 256],
}

impl Lightness {
    fn new() -> Lightness {
        let mut lin = [0f32; 256];
        for (i, l) in lin.iter_mut().enumerate() {
            *l = super::icc::srgb_to_linear(i as u8);
        }
        Lightness { lin }
    }
    fn l_star(&self, p: [u8; 3]) -> f32 {
        let y = 0.2126 * self.lin[p[0] as usize]
            + 0.7152 * self.lin[p[1] as usize]
            + 0.0722 * self.lin[p[2] as usize];
        if y > 0.008_856 {
            116.0 * y.cbrt() - 16.0
        } else {
            903.3 * y
        }
    }
}

/// The bands as pixel rectangles: top, left, right.
pub fn bands(width: u32, height: u32, bg: &Background) -> [Rect; 3] {
    let top_h = ((bg.top_band * height as f64).round() as u32).min(height);
    let side_w = ((bg.side_band * width as f64).round() as u32).min(width / 2);
    let bottom = ((bg.side_bottom * height as f64).round() as u32).min(height);
    [
        Rect {
            x0: 0,
            y0: 0,
            x1: width,
            y1: top_h,
        },
        Rect {
            x0: 0,
            y0: top_h,
            x1: side_w,
            y1: bottom.max(top_h),
        },
        Rect {
            x0: width - side_w,
            y0: top_h,
            x1: width,
            y1: bottom.max(top_h),
        },
    ]
}

/// Measures the background in the bands, leaving out `head` (hair) when given.
pub fn measure(work: &Working, bg: &Background, head: Option<Ellipse>) -> BackgroundMeasure {
    let (w, h) = (work.width, work.height);
    let [top, left, right] = bands(w, h, bg);
    let mut roles = vec![Role::Outside; w as usize * h as usize];
    let mut per_class = vec![0u64; bg.colours.len()];
    let (mut pixels, mut head_pixels, mut accepted) = (0u64, 0u64, 0u64);
    let mut sum = [0u64; 3];
    let lightness = Lightness::new();
    let block = ((h as f64 / 60.0).round() as u32).max(2);
    let (bw, bh) = (w.div_ceil(block), h.div_ceil(block));
    // Per block: background pixel count and L* sum.
    let mut bcount = vec![0u32; (bw * bh) as usize];
    let mut bsum = vec![0f64; (bw * bh) as usize];
    for rect in [top, left, right] {
        for y in rect.y0..rect.y1 {
            for x in rect.x0..rect.x1 {
                let i = (y * w + x) as usize;
                if head.is_some_and(|r| r.contains(x, y)) {
                    roles[i] = Role::Head;
                    head_pixels += 1;
                    continue;
                }
                let p = work.pixel(x, y);
                pixels += 1;
                for (s, v) in sum.iter_mut().zip(p) {
                    *s += v as u64;
                }
                let (hh, s, v) = hsv(p);
                let class = bg.colours.iter().position(|c| c.contains(hh, s, v));
                match class {
                    Some(k) => {
                        per_class[k] += 1;
                        accepted += 1;
                        roles[i] = Role::Background;
                        let b = ((y / block) * bw + x / block) as usize;
                        bcount[b] += 1;
                        bsum[b] += lightness.l_star(p) as f64;
                    }
                    None => roles[i] = Role::NotBackground,
                }
            }
        }
    }
    let share = if pixels > 0 {
        accepted as f64 / pixels as f64
    } else {
        0.0
    };
    let colours = bg
        .colours
        .iter()
        .zip(&per_class)
        .map(|(c, n)| {
            let s = if pixels > 0 {
                *n as f64 / pixels as f64
            } else {
                0.0
            };
            (c.name.clone(), s)
        })
        .collect();
    let mean_rgb = if pixels > 0 {
        sum.map(|s| (s as f64 / pixels as f64).round() as u8)
    } else {
        [0, 0, 0]
    };
    // Blocks mostly made of accepted background.
    let full = (block * block) as f64;
    let mut blocks: Vec<(u32, u32, f64)> = Vec::new(); // bx, by, mean L*
    let mut grid = vec![f64::NAN; (bw * bh) as usize];
    for by in 0..bh {
        for bx in 0..bw {
            let i = (by * bw + bx) as usize;
            // Edge blocks are smaller than `block`; compare with their real area.
            let cw = (w - bx * block).min(block) as f64;
            let ch = (h - by * block).min(block) as f64;
            let area = (cw * ch).min(full);
            if bcount[i] as f64 >= 0.75 * area && bcount[i] > 0 {
                let m = bsum[i] / bcount[i] as f64;
                grid[i] = m;
                blocks.push((bx, by, m));
            }
        }
    }
    let uniformity = uniformity(&blocks, &grid, bw, bh, block, w, [top, left, right]);
    BackgroundMeasure {
        share,
        colours,
        pixels,
        head_pixels,
        mean_rgb,
        uniformity,
        roles,
    }
}

fn mean(v: impl Iterator<Item = f64>) -> Option<f64> {
    let (mut s, mut n) = (0.0, 0usize);
    for x in v {
        s += x;
        n += 1;
    }
    (n > 0).then(|| s / n as f64)
}

fn uniformity(
    blocks: &[(u32, u32, f64)],
    grid: &[f64],
    bw: u32,
    bh: u32,
    block: u32,
    width: u32,
    [top, left, right]: [Rect; 3],
) -> Option<UniformityMeasure> {
    if blocks.len() < 6 {
        return None;
    }
    let centre = |b: u32| (b * block + block / 2) as f64;
    let in_rect = |r: &Rect, bx: u32, by: u32| {
        let (x, y) = (centre(bx), centre(by));
        x >= r.x0 as f64 && x < r.x1 as f64 && y >= r.y0 as f64 && y < r.y1 as f64
    };
    // Left/right: the side bands; without side bands, the halves of the top band.
    let (lsel, rsel): (Vec<f64>, Vec<f64>) = if left.x1 > left.x0 && left.y1 > left.y0 {
        (
            blocks
                .iter()
                .filter(|b| in_rect(&left, b.0, b.1))
                .map(|b| b.2)
                .collect(),
            blocks
                .iter()
                .filter(|b| in_rect(&right, b.0, b.1))
                .map(|b| b.2)
                .collect(),
        )
    } else {
        let mid = width as f64 / 2.0;
        (
            blocks
                .iter()
                .filter(|b| centre(b.0) < mid)
                .map(|b| b.2)
                .collect(),
            blocks
                .iter()
                .filter(|b| centre(b.0) >= mid)
                .map(|b| b.2)
                .collect(),
        )
    };
    let left_right = match (mean(lsel.into_iter()), mean(rsel.into_iter())) {
        (Some(l), Some(r)) => (l - r).abs(),
        _ => 0.0,
    };
    // Top/bottom: the top band (and the top third of the side bands) against the bottom
    // third of the side bands.
    let span_top = top.y0 as f64;
    let span_bottom = left.y1.max(top.y1) as f64;
    let third = (span_bottom - span_top) / 3.0;
    let upper = mean(
        blocks
            .iter()
            .filter(|b| in_rect(&top, b.0, b.1) || centre(b.1) < span_top + third)
            .map(|b| b.2),
    );
    let lower = mean(
        blocks
            .iter()
            .filter(|b| !in_rect(&top, b.0, b.1) && centre(b.1) >= span_bottom - third)
            .map(|b| b.2),
    );
    let top_bottom = match (upper, lower) {
        (Some(u), Some(l)) => (u - l).abs(),
        _ => 0.0,
    };
    // Spread around a least-squares plane L = a + b x + c y.
    let n = blocks.len() as f64;
    let (mut sx, mut sy, mut sxx, mut syy, mut sxy, mut sl, mut sxl, mut syl) =
        (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    for &(bx, by, l) in blocks {
        let (x, y) = (bx as f64, by as f64);
        sx += x;
        sy += y;
        sxx += x * x;
        syy += y * y;
        sxy += x * y;
        sl += l;
        sxl += x * l;
        syl += y * l;
    }
    let m = [[n, sx, sy], [sx, sxx, sxy], [sy, sxy, syy]];
    let rhs = [sl, sxl, syl];
    let coef = solve3(m, rhs).unwrap_or([sl / n, 0.0, 0.0]);
    let var = blocks
        .iter()
        .map(|&(bx, by, l)| {
            let r = l - (coef[0] + coef[1] * bx as f64 + coef[2] * by as f64);
            r * r
        })
        .sum::<f64>()
        / n;
    let spread = var.sqrt();
    // Texture: neighbouring blocks.
    let (mut gsum, mut gn) = (0.0, 0usize);
    for by in 0..bh {
        for bx in 0..bw {
            let a = grid[(by * bw + bx) as usize];
            if a.is_nan() {
                continue;
            }
            if bx + 1 < bw {
                let b = grid[(by * bw + bx + 1) as usize];
                if !b.is_nan() {
                    gsum += (a - b).abs();
                    gn += 1;
                }
            }
            if by + 1 < bh {
                let b = grid[((by + 1) * bw + bx) as usize];
                if !b.is_nan() {
                    gsum += (a - b).abs();
                    gn += 1;
                }
            }
        }
    }
    let gradient = if gn > 0 { gsum / gn as f64 } else { 0.0 };
    Some(UniformityMeasure {
        left_right,
        top_bottom,
        spread,
        gradient,
        blocks: blocks.len(),
        block_px: block,
    })
}

/// Solves a 3x3 linear system by Cramer's rule; `None` when (nearly) singular.
fn solve3(m: [[f64; 3]; 3], r: [f64; 3]) -> Option<[f64; 3]> {
    let det = |a: [[f64; 3]; 3]| {
        a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1])
            - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
            + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0])
    };
    let d = det(m);
    if d.abs() < 1e-9 {
        return None;
    }
    let mut out = [0.0; 3];
    for (k, o) in out.iter_mut().enumerate() {
        let mut a = m;
        for row in 0..3 {
            a[row][k] = r[row];
        }
        *o = det(a) / d;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::Templates;
    use crate::photo::decode::ColourFacts;
    use crate::photo::profile::PhotoProfile;
    use crate::photo::sniff::Stored;

    fn profile(name: &str) -> PhotoProfile {
        PhotoProfile::load(&Templates::builtin(), name).unwrap()
    }

    fn flat(w: u32, h: u32, f: impl Fn(u32, u32) -> [u8; 3]) -> Working {
        let mut rgb = Vec::with_capacity((w * h * 3) as usize);
        for y in 0..h {
            for x in 0..w {
                rgb.extend_from_slice(&f(x, y));
            }
        }
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

    fn classify(p: &PhotoProfile, rgb: [u8; 3]) -> bool {
        let (h, s, v) = hsv(rgb);
        p.background.colours.iter().any(|c| c.contains(h, s, v))
    }

    #[test]
    fn hsv_matches_known_values() {
        let (h, s, v) = hsv([67, 142, 219]);
        assert!((h - 210.4).abs() < 0.5 && (s - 0.694).abs() < 0.01 && (v - 0.859).abs() < 0.01);
        let (h, s, _) = hsv([255, 0, 0]);
        assert_eq!((h, s), (0.0, 1.0));
        let (h, s, v) = hsv([128, 128, 128]);
        assert_eq!((h, s), (0.0, 0.0));
        assert!((v - 0.502).abs() < 0.01);
        let (h, _, _) = hsv([255, 0, 128]);
        assert!((h - 329.9).abs() < 0.5);
    }

    #[test]
    fn studio_blues_pass_and_other_backdrops_do_not() {
        let sz = profile("shenzhen-2inch");
        // DOMAIN.md studio blues.
        for blue in [[67, 142, 219], [98, 139, 206], [100, 197, 255]] {
            assert!(classify(&sz, blue), "{blue:?} should be blue");
        }
        // White, greys, light cyan, sky-ish cyan, a pale blue-grey, dark navy, purple.
        for other in [
            [255, 255, 255],
            [245, 245, 245],
            [200, 200, 200],
            [128, 128, 128],
            [224, 255, 255],
            [150, 230, 240],
            [0, 200, 200],
            [200, 210, 220],
            [10, 20, 60],
            [120, 80, 220],
        ] {
            assert!(!classify(&sz, other), "{other:?} should not be blue");
        }
        let ee = profile("cn-exit-entry");
        for ok in [
            [255, 255, 255],
            [245, 246, 248],
            [170, 210, 240],
            [67, 142, 219],
        ] {
            assert!(classify(&ee, ok), "{ok:?} should be light blue or white");
        }
        for bad in [
            [200, 200, 200],
            [128, 128, 128],
            [224, 255, 255],
            [230, 200, 170],
        ] {
            assert!(!classify(&ee, bad), "{bad:?} should not pass cn-exit-entry");
        }
    }

    #[test]
    fn flat_blue_backdrop_is_all_background_and_even() {
        let p = profile("shenzhen-2inch");
        let work = flat(300, 400, |_, _| [67, 142, 219]);
        let m = measure(&work, &p.background, None);
        assert_eq!(m.share, 1.0);
        assert_eq!(m.colours["blue"], 1.0);
        let u = m.uniformity.unwrap();
        assert!(u.left_right < 0.01 && u.top_bottom < 0.01 && u.spread < 0.01 && u.gradient < 0.01);
        assert_eq!(m.mean_rgb, [67, 142, 219]);
    }

    #[test]
    fn white_and_grey_backdrops_fail_the_blue_share() {
        let p = profile("shenzhen-2inch");
        for c in [[250, 250, 250], [160, 160, 160], [210, 240, 245]] {
            let m = measure(&flat(300, 400, |_, _| c), &p.background, None);
            assert_eq!(m.share, 0.0, "{c:?}");
            assert!(m.uniformity.is_none());
        }
    }

    #[test]
    fn head_region_is_left_out_of_the_bands() {
        let p = profile("shenzhen-2inch");
        // Dark hair in the middle of the top band.
        let work = flat(300, 400, |x, y| {
            let (dx, dy) = ((x as f64 - 150.0) / 50.0, (y as f64 - 40.0) / 45.0);
            if dx * dx + dy * dy < 1.0 {
                [30, 20, 10]
            } else {
                [67, 142, 219]
            }
        });
        let without = measure(&work, &p.background, None);
        assert!(without.share < 1.0);
        let head = Ellipse {
            cx: 150.0,
            cy: 60.0,
            rx: 60.0,
            ry: 70.0,
        };
        let with = measure(&work, &p.background, Some(head));
        assert_eq!(with.share, 1.0);
        assert!(with.head_pixels > 0);
    }

    #[test]
    fn shadow_and_mottling_are_measured() {
        let p = profile("shenzhen-2inch");
        // Left half darker: same hue, lower value.
        let shadow = flat(300, 400, |x, _| {
            if x < 150 {
                [45, 95, 150]
            } else {
                [67, 142, 219]
            }
        });
        let u = measure(&shadow, &p.background, None).uniformity.unwrap();
        assert!(u.left_right > p.uniformity.max_left_right, "{u:?}");
        // Top-to-bottom gradient.
        let grad = flat(300, 400, |_, y| {
            let k = 1.0 - y as f32 / 400.0 * 0.5;
            [(67.0 * k) as u8, (142.0 * k) as u8, (219.0 * k) as u8]
        });
        let u = measure(&grad, &p.background, None).uniformity.unwrap();
        assert!(u.top_bottom > p.uniformity.max_top_bottom, "{u:?}");
        assert!(u.spread < 1.0, "a smooth gradient is not blotchy: {u:?}");
        // Blotches of about 30 px.
        let mottled = flat(300, 400, |x, y| {
            let k = ((x as f32 / 15.0).sin() * (y as f32 / 13.0).cos()) * 0.18 + 1.0;
            [
                (67.0 * k) as u8,
                (142.0 * k) as u8,
                ((219.0 * k) as u32).min(255) as u8,
            ]
        });
        let u = measure(&mottled, &p.background, None).uniformity.unwrap();
        assert!(
            u.spread > p.uniformity.max_spread || u.gradient > p.uniformity.max_gradient,
            "{u:?}"
        );
    }

    #[test]
    fn solve3_solves_and_rejects_singular() {
        let s = solve3(
            [[2.0, 0.0, 0.0], [0.0, 3.0, 0.0], [0.0, 0.0, 4.0]],
            [2.0, 6.0, 12.0],
        )
        .unwrap();
        assert_eq!(s, [1.0, 2.0, 3.0]);
        assert!(solve3([[1.0; 3]; 3], [1.0; 3]).is_none());
    }
}
