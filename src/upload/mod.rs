//! The `upload` stage: what the online platform's 附件信息 page takes. For each checklist
//! item with files, one PDF made of them in order (images on A4 pages at their aspect, turned
//! as displayed; PDF pages copied), within `[upload] max_file_bytes` of `limits.toml`; and
//! the photo as a JPEG within `[upload] photo_max_bytes`, scaled only, never retouched.
//!
//! Pure: bytes in, bytes and issues out, the same bytes for the same inputs. The pipeline
//! reads the files and the packet stage writes the results into `upload/`.
//!
//! How a file is made to fit, cheapest first:
//! 1. one PDF already within the budget is passed through unchanged;
//! 2. JPEGs and PDF pages whose bytes already fit are placed as they are (no re-encoding);
//! 3. images are scaled down the `long_sides_px` ladder and re-encoded down the
//!    `jpeg_qualities` ladder, never below `min_long_side_px`, until the whole file fits;
//! 4. PDF pages too large to copy are rendered at the same sizes and re-encoded the same way;
//! 5. what still does not fit is written at the smallest step with `upload.too_large`.

pub mod image;
pub mod pdf;
pub mod photo;

use crate::codes;
use crate::issue::Issue;
use crate::limits::UploadLimits;
use ::image::DynamicImage;
use image::ImageFile;
use pdf::{Jpeg, Page};

/// Why a file could not be read, scaled or written for the upload: each says it in the
/// words the `upload.unreadable` and `upload.photo_not_made` issues carry as their detail.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// A JPEG or PNG whose headers cannot be read.
    #[error("{0:?}")]
    Sniff(crate::photo::sniff::SniffError),
    #[error("{width} x {height} pixels is over the limit of {limit}")]
    TooManyPixels { width: u32, height: u32, limit: u64 },
    /// A format the upload stage sniffs but does not decode.
    #[error("{format} is not decoded")]
    NotDecoded { format: &'static str },
    #[error("{0}")]
    Jpeg(#[source] jpeg_decoder::Error),
    #[error("the JPEG headers could not be read")]
    JpegHeaders,
    #[error("unexpected JPEG output size")]
    JpegSize,
    #[error("16-bit JPEG is not supported")]
    Jpeg16,
    #[error("{0}")]
    Png(#[source] ::image::ImageError),
    #[error("{width} x {height} is too large for a JPEG")]
    TooLargeForJpeg { width: u32, height: u32 },
    #[error("{0}")]
    Encode(#[source] jpeg_encoder::EncodingError),
    /// A page of a source PDF cannot be copied.
    #[error("{0:?}")]
    Copy(hayro_write::ExtractionError),
    #[error("page {page} does not exist")]
    NoPage { page: usize },
    /// A page of a source PDF that the copy left out (not expected).
    #[error("a copied page was not extracted")]
    NotExtracted,
    #[error("page {page} of {file} could not be rendered")]
    NotRendered { page: usize, file: String },
    #[error("it is protected with a password")]
    Protected,
    #[error("it is damaged or not a PDF")]
    Damaged,
    #[error("it has no pages")]
    NoPages,
    /// The photo is in a format the platform photo is not made from.
    #[error("it is not a JPEG or PNG")]
    NotJpegOrPng,
}

/// One of the item's files, in the order they go into the PDF.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// The name the user knows it by (for messages).
    pub name: &'a str,
    pub bytes: &'a [u8],
}

/// The upload file of one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converted {
    pub pdf: Vec<u8>,
    pub pages: usize,
    /// The files that went into it, in order.
    pub files: Vec<String>,
    /// How it was made.
    pub how: How,
}

pub use crate::outcome::UploadHow as How;

/// The result for one item: the file (when any of its files could be used) and what to tell.
#[derive(Debug, Clone, Default)]
pub struct ItemUpload {
    pub converted: Option<Converted>,
    pub issues: Vec<Issue>,
}

/// Bytes a page costs besides its image (page, content stream, xref lines): measured about
/// 250 on the writer's output; 600 leaves room.
const PAGE_OVERHEAD: u64 = 600;

/// A source file, read.
enum Input<'a> {
    Image {
        name: &'a str,
        bytes: &'a [u8],
        file: ImageFile,
    },
    Pdf {
        name: &'a str,
        bytes: &'a [u8],
        pdf: hayro::hayro_syntax::Pdf,
    },
}

/// Makes the one upload PDF of an item from its files (in order). `item` names the item in
/// messages.
pub fn item_pdf(item: &str, files: &[Source<'_>], limits: &UploadLimits) -> ItemUpload {
    let budget = limits.max_file_bytes;
    let mut out = ItemUpload::default();
    let mut inputs = Vec::new();
    for f in files {
        if let Some(header) = ImageFile::sniff(f.bytes) {
            match header {
                Ok(file) => inputs.push(Input::Image {
                    name: f.name,
                    bytes: f.bytes,
                    file,
                }),
                Err(e) => out.issues.push(unreadable(item, f.name, &e)),
            }
        } else if is_pdf(f.bytes) {
            match pdf::open(f.bytes) {
                Ok(p) if p.pages().len() > 0 => inputs.push(Input::Pdf {
                    name: f.name,
                    bytes: f.bytes,
                    pdf: p,
                }),
                Ok(_) => out
                    .issues
                    .push(unreadable(item, f.name, &UploadError::NoPages)),
                Err(e) => {
                    // A lone PDF the reader cannot open may still be what the platform takes.
                    if files.len() == 1 && f.bytes.len() as u64 <= budget {
                        out.issues.push(unreadable(item, f.name, &e));
                        out.converted = Some(Converted {
                            pdf: f.bytes.to_vec(),
                            pages: 0,
                            files: vec![f.name.to_string()],
                            how: How::PassedThrough,
                        });
                        return out;
                    }
                    out.issues.push(unreadable(item, f.name, &e));
                }
            }
        } else {
            out.issues.push(
                Issue::warning(codes::UPLOAD_CANNOT_CONVERT)
                    .arg("item", item)
                    .arg("file", f.name)
                    .file(f.name),
            );
        }
    }
    if inputs.is_empty() {
        return out;
    }
    let names: Vec<String> = inputs
        .iter()
        .map(|i| match i {
            Input::Image { name, .. } | Input::Pdf { name, .. } => name.to_string(),
        })
        .collect();
    let done = |pdf: Vec<u8>, pages: usize, how: How| Converted {
        pdf,
        pages,
        files: names.clone(),
        how,
    };

    // 1. One PDF within the budget: unchanged.
    if let [Input::Pdf { bytes, pdf, .. }] = inputs.as_slice()
        && bytes.len() as u64 <= budget
    {
        out.converted = Some(done(bytes.to_vec(), pdf.pages().len(), How::PassedThrough));
        return out;
    }
    match fit(&inputs, limits) {
        Ok((pdf, pages, how, fits)) => {
            if !fits {
                out.issues.push(
                    Issue::warning(codes::UPLOAD_TOO_LARGE)
                        .arg("item", item)
                        .arg("files", names.join(", "))
                        .arg("size", mb(pdf.len() as u64))
                        .arg("budget", mb(budget))
                        .arg("pages", pages)
                        .file(names.first().cloned().unwrap_or_default()),
                );
            }
            out.converted = Some(done(pdf, pages, how));
        }
        Err(e) => out.issues.push(unreadable(item, &names.join(", "), &e)),
    }
    out
}

fn unreadable(item: &str, file: &str, detail: &UploadError) -> Issue {
    Issue::warning(codes::UPLOAD_UNREADABLE)
        .arg("item", item)
        .arg("file", file)
        .arg("detail", detail)
        .file(file)
}

/// `1.0 MB` style sizes for messages (see [`crate::outcome::size_text`]).
pub use crate::outcome::size_text as mb;

fn is_pdf(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    memchr::memmem::find(head, b"%PDF-").is_some()
}

/// The PDF of `inputs`, the page count, how it was made and whether it fits the budget.
fn fit(
    inputs: &[Input<'_>],
    limits: &UploadLimits,
) -> Result<(Vec<u8>, usize, How, bool), UploadError> {
    let budget = limits.max_file_bytes;
    let pages_of = |i: &Input<'_>| match i {
        Input::Image { .. } => 1,
        Input::Pdf { pdf, .. } => pdf.pages().len(),
    };
    let page_count: usize = inputs.iter().map(pages_of).sum();
    let overhead = PAGE_OVERHEAD * page_count as u64 + 2_000;
    let pdf_bytes: u64 = inputs
        .iter()
        .map(|i| match i {
            Input::Pdf { bytes, .. } => bytes.len() as u64,
            Input::Image { .. } => 0,
        })
        .sum();
    let top = limits
        .long_sides_px
        .iter()
        .copied()
        .max()
        .unwrap_or(limits.min_long_side_px);

    // 2. Everything as it is, when that fits: JPEGs keep their bytes.
    let all_placeable = inputs.iter().all(|i| match i {
        Input::Image { file, .. } => {
            file.embeddable_jpeg() && file.header.width.max(file.header.height) <= top * 5 / 4
        }
        Input::Pdf { .. } => true,
    });
    let raw: u64 = inputs
        .iter()
        .map(|i| match i {
            Input::Image { bytes, .. } | Input::Pdf { bytes, .. } => bytes.len() as u64,
        })
        .sum();
    if all_placeable && raw + overhead <= budget {
        let pages = placed_pages(inputs);
        let out = pdf::assemble(&pages)?;
        if out.len() as u64 <= budget {
            return Ok((out, page_count, How::Placed, true));
        }
    }

    // 3. Images down the ladder, PDF pages copied. Decoded once, at the largest size.
    let steps = ladder(limits);
    let mut decoded: Vec<Option<DynamicImage>> = Vec::with_capacity(inputs.len());
    for i in inputs {
        decoded.push(match i {
            Input::Image { bytes, file, .. } => Some(image::decode(bytes, file, top)?),
            Input::Pdf { .. } => None,
        });
    }
    let mut last = None;
    if pdf_bytes + overhead < budget {
        let mut scaled = Scaled::new(&decoded);
        let (found, smallest) = search(&steps, budget, pdf_bytes + overhead, |&(side, q)| {
            let mut pages = Vec::with_capacity(page_count);
            for (k, i) in inputs.iter().enumerate() {
                match i {
                    Input::Image { .. } => {
                        if let Some(img) = scaled.get(k, side) {
                            pages.push(Page::Image(jpeg_of(img, q)?));
                        }
                    }
                    Input::Pdf { pdf, .. } => {
                        pages.extend((0..pdf.pages().len()).map(|p| Page::Copied(pdf, p)))
                    }
                }
            }
            pdf::assemble(&pages)
        })?;
        if let Some((pdf, (side, q))) = found {
            let how = How::Recompressed {
                long_side: side,
                quality: q,
            };
            return Ok((pdf, page_count, how, true));
        }
        last = smallest.map(|(pdf, (side, q))| {
            (
                pdf,
                How::Recompressed {
                    long_side: side,
                    quality: q,
                },
            )
        });
    }

    // 4. PDF pages rendered too, when the file could fit at all: a page takes at least
    // about 30 KB at the smallest step, so a 40-page contract is not rendered in vain.
    let worst_page = 30_000u64;
    if pdf_bytes > 0 && worst_page * page_count as u64 <= budget {
        let mut rendered: Vec<Option<DynamicImage>> = Vec::with_capacity(page_count);
        let mut sizes: Vec<Option<(f32, f32)>> = Vec::with_capacity(page_count);
        for (i, d) in inputs.iter().zip(decoded.iter_mut()) {
            match i {
                Input::Image { .. } => {
                    rendered.push(d.take());
                    sizes.push(None);
                }
                Input::Pdf { name, pdf, .. } => {
                    for p in 0..pdf.pages().len() {
                        let (img, size) = pdf::rasterise(pdf, p, top).ok_or_else(|| {
                            UploadError::NotRendered {
                                page: p + 1,
                                file: name.to_string(),
                            }
                        })?;
                        rendered.push(Some(img));
                        sizes.push(Some(size));
                    }
                }
            }
        }
        let mut scaled = Scaled::new(&rendered);
        let (found, smallest) = search(&steps, budget, overhead, |&(side, q)| {
            let mut pages = Vec::with_capacity(sizes.len());
            for (k, size) in sizes.iter().enumerate() {
                let Some(img) = scaled.get(k, side) else {
                    continue;
                };
                let j = jpeg_of(img, q)?;
                pages.push(match size {
                    Some(s) => Page::Raster(j, *s),
                    None => Page::Image(j),
                });
            }
            pdf::assemble(&pages)
        })?;
        if let Some((pdf, (side, q))) = found {
            return Ok((
                pdf,
                page_count,
                How::Rendered {
                    long_side: side,
                    quality: q,
                },
                true,
            ));
        }
        if let Some((pdf, (side, q))) = smallest
            && last
                .as_ref()
                .is_none_or(|(l, _): &(Vec<u8>, How)| pdf.len() < l.len())
        {
            last = Some((
                pdf,
                How::Rendered {
                    long_side: side,
                    quality: q,
                },
            ));
        }
    }

    // 5. The smallest made, or everything as it is.
    match last {
        Some((pdf, how)) => Ok((pdf, page_count, how, false)),
        None => {
            let smallest = steps
                .last()
                .copied()
                .unwrap_or((limits.min_long_side_px, 45));
            let mut pages = Vec::new();
            for (i, d) in inputs.iter().zip(&decoded) {
                match (i, d) {
                    (Input::Image { .. }, Some(img)) => pages.push(Page::Image(jpeg_of(
                        &image::scaled(img, smallest.0),
                        smallest.1,
                    )?)),
                    (Input::Pdf { pdf, .. }, _) => {
                        pages.extend((0..pdf.pages().len()).map(|p| Page::Copied(pdf, p)))
                    }
                    _ => {}
                }
            }
            let out = pdf::assemble(&pages)?;
            let fits = out.len() as u64 <= budget;
            let how = How::Recompressed {
                long_side: smallest.0,
                quality: smallest.1,
            };
            Ok((out, page_count, how, fits))
        }
    }
}

/// The pages of `inputs` with every JPEG as it is and every PDF page copied.
fn placed_pages<'a>(inputs: &'a [Input<'a>]) -> Vec<Page<'a>> {
    let mut pages = Vec::new();
    for i in inputs {
        match i {
            Input::Image { bytes, file, .. } => pages.push(Page::Image(Jpeg {
                bytes: bytes.to_vec(),
                width: file.header.width,
                height: file.header.height,
                grey: file.grey(),
                orientation: file.header.orientation,
            })),
            Input::Pdf { pdf, .. } => {
                pages.extend((0..pdf.pages().len()).map(|p| Page::Copied(pdf, p)))
            }
        }
    }
    pages
}

fn jpeg_of(img: &DynamicImage, quality: u8) -> Result<Jpeg, UploadError> {
    Ok(Jpeg {
        bytes: image::encode_jpeg(img, quality)?,
        width: img.width(),
        height: img.height(),
        grey: matches!(img, DynamicImage::ImageLuma8(_)),
        orientation: 1,
    })
}

/// The (long side, quality) steps, best first: at each long side but the smallest, the
/// upper half of the quality ladder (a sharp picture at a smaller size reads better than a
/// blocky one at a larger); at the smallest side, every quality.
pub fn ladder(limits: &UploadLimits) -> Vec<(u32, u8)> {
    let mut sides: Vec<u32> = limits
        .long_sides_px
        .iter()
        .copied()
        .filter(|&s| s >= limits.min_long_side_px)
        .collect();
    if sides.is_empty() {
        sides.push(limits.min_long_side_px);
    }
    sides.sort_unstable_by(|a, b| b.cmp(a));
    sides.dedup();
    let mut qualities = limits.jpeg_qualities.clone();
    qualities.sort_unstable_by(|a, b| b.cmp(a));
    qualities.dedup();
    let upper = &qualities[..qualities.len().div_ceil(2)];
    let last = sides.len() - 1;
    sides
        .iter()
        .enumerate()
        .flat_map(|(k, &s)| {
            let qs = if k == last { &qualities[..] } else { upper };
            qs.iter().map(move |&q| (s, q))
        })
        .collect()
}

type Made = (Vec<u8>, (u32, u8));

/// Relative JPEG size by quality for photographs and scans (quality 80 = 1), from the
/// libjpeg quality scaling; only used to guess which step to try, every guess is checked.
fn quality_factor(q: u8) -> f64 {
    const TABLE: [(u8, f64); 14] = [
        (30, 0.43),
        (35, 0.47),
        (40, 0.51),
        (45, 0.55),
        (50, 0.59),
        (55, 0.63),
        (60, 0.68),
        (65, 0.73),
        (70, 0.80),
        (75, 0.88),
        (80, 1.0),
        (85, 1.15),
        (90, 1.45),
        (95, 1.9),
    ];
    let q = q.clamp(30, 95);
    let i = TABLE
        .iter()
        .position(|&(t, _)| t >= q)
        .unwrap_or(TABLE.len() - 1);
    if i == 0 || TABLE[i].0 == q {
        return TABLE[i].1;
    }
    let ((q0, f0), (q1, f1)) = (TABLE[i - 1], TABLE[i]);
    f0 + (f1 - f0) * (q - q0) as f64 / (q1 - q0) as f64
}

/// The best step (highest on the ladder) whose output fits `budget`, and the smallest output
/// made when none fits. The best step is made first (a phone shot decoded at the top size
/// needs no resampling for it); when it does not fit, its size, less the `fixed` bytes no
/// step changes, predicts the others; the predicted step is made and, when it does not fit
/// after all, the next ones down. Two or three encodings in all, instead of one per step.
fn search(
    steps: &[(u32, u8)],
    budget: u64,
    fixed: u64,
    mut make: impl FnMut(&(u32, u8)) -> Result<Vec<u8>, UploadError>,
) -> Result<(Option<Made>, Option<Made>), UploadError> {
    let (Some(&top), Some(&low)) = (steps.first(), steps.last()) else {
        return Ok((None, None));
    };
    let first = make(&top)?;
    if first.len() as u64 <= budget {
        return Ok((Some((first, top)), None));
    }
    let rel = |&(side, q): &(u32, u8)| (side as f64 / top.0 as f64).powi(2) * quality_factor(q);
    let variable = first.len().saturating_sub(fixed as usize) as f64 / rel(&top);
    let guess = steps
        .iter()
        .position(|s| fixed as f64 + variable * rel(s) <= budget as f64 * 0.95)
        .unwrap_or(steps.len() - 1)
        .max(1);
    let mut smallest = (first, top);
    for step in &steps[guess..] {
        let out = make(step)?;
        if out.len() as u64 <= budget {
            return Ok((Some((out, *step)), None));
        }
        if out.len() < smallest.0.len() {
            smallest = (out, *step);
        }
    }
    let _ = low;
    Ok((None, Some(smallest)))
}

/// Scaled copies of images by long side, made once each: the search tries several qualities
/// at one size.
struct Scaled<'a> {
    images: &'a [Option<DynamicImage>],
    made: Vec<(u32, Vec<Option<DynamicImage>>)>,
}

impl<'a> Scaled<'a> {
    fn new(images: &'a [Option<DynamicImage>]) -> Scaled<'a> {
        Scaled {
            images,
            made: Vec::new(),
        }
    }

    /// Image `i` with its long side at most `side`.
    fn get(&mut self, i: usize, side: u32) -> Option<&DynamicImage> {
        let k = match self.made.iter().position(|(s, _)| *s == side) {
            Some(k) => k,
            None => {
                let set = self
                    .images
                    .iter()
                    .map(|img| img.as_ref().map(|img| image::scaled(img, side)))
                    .collect();
                self.made.push((side, set));
                self.made.len() - 1
            }
        };
        self.made[k].1[i].as_ref()
    }
}

#[cfg(test)]
mod tests;
