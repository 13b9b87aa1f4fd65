//! One PDF out of pages of three kinds: a JPEG placed on an A4 page at its aspect (turned as
//! its EXIF orientation says, by the page's matrix, so an unchanged JPEG keeps its bytes), a
//! JPEG filling a page of a given size (a rasterised PDF page), and a page of another PDF
//! copied as it is (hayro-write). Written with pdf-writer: no date, no random id, so the same
//! pages give the same bytes.

use super::UploadError;
use hayro::hayro_syntax::Pdf as SourcePdf;
use hayro_write::{ExtractionQuery, extract};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, TextStr};

/// A4 in points.
pub const A4: (f32, f32) = (595.276, 841.89);
/// White margin around an image on an A4 page: 10 mm.
const MARGIN: f32 = 28.35;

/// A JPEG to place.
#[derive(Debug, Clone)]
pub struct Jpeg {
    pub bytes: Vec<u8>,
    /// Stored size (before the orientation).
    pub width: u32,
    pub height: u32,
    pub grey: bool,
    /// EXIF orientation 1-8 the page applies (1 for pixels already turned).
    pub orientation: u8,
}

/// One page of the output.
pub enum Page<'a> {
    /// An image on an A4 page, portrait or landscape as the image is, 10 mm margins.
    Image(Jpeg),
    /// An image filling a page of this size in points (a rasterised page of another PDF).
    Raster(Jpeg, (f32, f32)),
    /// Page `index` (0-based) of a PDF, copied.
    Copied(&'a SourcePdf, usize),
}

/// Writes the pages, in order, as one PDF.
pub fn assemble(pages: &[Page<'_>]) -> Result<Vec<u8>, UploadError> {
    let mut pdf = Pdf::new();
    let mut next = Ref::new(1);
    let catalog = next.bump();
    let tree = next.bump();
    let info = next.bump();

    // Copied pages first become form XObjects, one extraction per source PDF so resources
    // shared by its pages are written once.
    let mut copied: Vec<Option<(Ref, (f32, f32))>> = (0..pages.len()).map(|_| None).collect();
    let mut sources: Vec<&SourcePdf> = Vec::new();
    for p in pages {
        if let Page::Copied(src, _) = p
            && !sources.iter().any(|s| std::ptr::eq(*s, *src))
        {
            sources.push(src);
        }
    }
    for src in sources {
        let wanted: Vec<(usize, usize)> = pages
            .iter()
            .enumerate()
            .filter_map(|(i, p)| match p {
                Page::Copied(s, idx) if std::ptr::eq(*s, src) => Some((i, *idx)),
                _ => None,
            })
            .collect();
        let queries: Vec<ExtractionQuery> = wanted
            .iter()
            .map(|&(_, idx)| ExtractionQuery::new_xobject(idx))
            .collect();
        let result = extract(
            src,
            Box::new(|| next.bump()),
            Default::default(),
            |group| {
                group.color_space().device_rgb();
            },
            &queries,
        )
        .map_err(UploadError::Copy)?;
        pdf.extend(&result.chunk);
        let list = src.pages();
        for ((i, idx), root) in wanted.into_iter().zip(result.root_refs) {
            let root = root.map_err(UploadError::Copy)?;
            let size = list
                .get(idx)
                .map(|p| p.render_dimensions())
                .ok_or(UploadError::NoPage { page: idx + 1 })?;
            copied[i] = Some((root, size));
        }
    }

    let mut kids = Vec::with_capacity(pages.len());
    for (i, p) in pages.iter().enumerate() {
        let page_ref = next.bump();
        let content_ref = next.bump();
        let (size, xobject, content) = match p {
            Page::Image(jpeg) => {
                let image_ref = next.bump();
                write_image(&mut pdf, image_ref, jpeg);
                let (dw, dh) = displayed(jpeg);
                let size = if dw > dh { (A4.1, A4.0) } else { A4 };
                let k =
                    ((size.0 - 2.0 * MARGIN) / dw as f32).min((size.1 - 2.0 * MARGIN) / dh as f32);
                let (iw, ih) = (dw as f32 * k, dh as f32 * k);
                let at = ((size.0 - iw) / 2.0, (size.1 - ih) / 2.0);
                (size, image_ref, place(jpeg.orientation, at, (iw, ih)))
            }
            Page::Raster(jpeg, size) => {
                let image_ref = next.bump();
                write_image(&mut pdf, image_ref, jpeg);
                (*size, image_ref, place(jpeg.orientation, (0.0, 0.0), *size))
            }
            Page::Copied(..) => {
                let (xref, size) = copied[i].ok_or(UploadError::NotExtracted)?;
                let mut c = Content::new();
                c.x_object(Name(b"P0"));
                (size, xref, c.finish().to_vec())
            }
        };
        let mut page = pdf.page(page_ref);
        page.media_box(Rect::new(0.0, 0.0, size.0, size.1));
        page.parent(tree);
        page.contents(content_ref);
        page.resources().x_objects().pair(Name(b"P0"), xobject);
        page.finish();
        pdf.stream(content_ref, &content);
        kids.push(page_ref);
    }
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(kids.iter().copied())
        .count(kids.len() as i32);
    pdf.document_info(info).producer(TextStr("permitpack"));
    Ok(pdf.finish())
}

fn displayed(j: &Jpeg) -> (u32, u32) {
    if (5..=8).contains(&j.orientation) {
        (j.height, j.width)
    } else {
        (j.width, j.height)
    }
}

fn write_image(pdf: &mut Pdf, id: Ref, j: &Jpeg) {
    let mut img = pdf.image_xobject(id, &j.bytes);
    img.filter(Filter::DctDecode);
    img.width(j.width as i32);
    img.height(j.height as i32);
    if j.grey {
        img.color_space().device_gray();
    } else {
        img.color_space().device_rgb();
    }
    img.bits_per_component(8);
    img.finish();
}

/// The content stream drawing the image XObject `P0` into the box at `at` of size `size`,
/// turned as EXIF `orientation` says. The image's unit square (u right, v up) is first
/// mapped to the displayed unit square, then scaled into the box.
fn place(orientation: u8, at: (f32, f32), size: (f32, f32)) -> Vec<u8> {
    // (a, b, c, d, e, f): U = a u + c v + e, V = b u + d v + f.
    let o: [f32; 6] = match orientation {
        2 => [-1.0, 0.0, 0.0, 1.0, 1.0, 0.0],
        3 => [-1.0, 0.0, 0.0, -1.0, 1.0, 1.0],
        4 => [1.0, 0.0, 0.0, -1.0, 0.0, 1.0],
        5 => [0.0, -1.0, -1.0, 0.0, 1.0, 1.0],
        6 => [0.0, -1.0, 1.0, 0.0, 0.0, 1.0],
        7 => [0.0, 1.0, 1.0, 0.0, 0.0, 0.0],
        8 => [0.0, 1.0, -1.0, 0.0, 1.0, 0.0],
        _ => [1.0, 0.0, 0.0, 1.0, 0.0, 0.0],
    };
    let mut c = Content::new();
    c.save_state();
    c.transform([size.0, 0.0, 0.0, size.1, at.0, at.1]);
    c.transform(o);
    c.x_object(Name(b"P0"));
    c.restore_state();
    c.finish().to_vec()
}

/// Pages of a PDF as a rasteriser sees them: an error when it cannot be read (damaged, or
/// encrypted with a password).
pub fn open(bytes: &[u8]) -> Result<SourcePdf, UploadError> {
    SourcePdf::new(bytes.to_vec()).map_err(|e| match e {
        hayro::hayro_syntax::LoadPdfError::Decryption(_) => UploadError::Protected,
        hayro::hayro_syntax::LoadPdfError::Invalid => UploadError::Damaged,
    })
}

/// Renders page `index` of `pdf` on white with its longer side `long_side` pixels.
pub fn rasterise(
    pdf: &SourcePdf,
    index: usize,
    long_side: u32,
) -> Option<(image::DynamicImage, (f32, f32))> {
    let pages = pdf.pages();
    let page = pages.get(index)?;
    let (w, h) = page.render_dimensions();
    if !(w > 0.0 && h > 0.0) {
        return None;
    }
    let scale = long_side as f32 / w.max(h);
    let settings = hayro::RenderSettings {
        x_scale: scale,
        y_scale: scale,
        width: None,
        height: None,
        bg_color: hayro::vello_cpu::color::palette::css::WHITE,
    };
    let cache = hayro::RenderCache::new();
    let pixmap = hayro::render(page, &cache, &interpreter(), &settings);
    let (pw, ph) = (pixmap.width() as u32, pixmap.height() as u32);
    if pw == 0 || ph == 0 {
        return None;
    }
    let mut rgb = Vec::with_capacity(pw as usize * ph as usize * 3);
    for p in pixmap.take_unpremultiplied() {
        rgb.extend_from_slice(&[p.r, p.g, p.b]);
    }
    let img = image::RgbImage::from_raw(pw, ph, rgb)?;
    Some((image::DynamicImage::ImageRgb8(img), (w, h)))
}

/// The rasteriser's settings: a font that is not in the PDF (the 14 standard fonts a PDF may
/// use without embedding them, Helvetica, Times...) is set in the built-in Noto Sans CJK,
/// which also has Latin letters, so a page's text is never dropped when it is rendered.
fn interpreter() -> hayro::hayro_interpret::InterpreterSettings {
    use hayro::hayro_interpret::font::FontQuery;
    use std::sync::Arc;
    let regular = crate::render::fonts::builtin_bytes("NotoSansCJKsc-Regular.otf");
    let bold = crate::render::fonts::builtin_bytes("NotoSansCJKsc-Bold.otf");
    hayro::hayro_interpret::InterpreterSettings {
        font_resolver: Arc::new(move |query: &FontQuery| {
            let is_bold = match query {
                FontQuery::Standard(s) => format!("{s:?}").contains("Bold"),
                FontQuery::Fallback(_) => false,
            };
            let bytes = if is_bold { bold.or(regular) } else { regular }?;
            let data: hayro::hayro_interpret::font::FontData = Arc::new(bytes);
            Some((data, 0))
        }),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(w: u32, h: u32) -> Jpeg {
        let img = image::RgbImage::from_fn(w, h, |x, _| image::Rgb([(x % 256) as u8, 40, 200]));
        let bytes =
            super::super::image::encode_jpeg(&image::DynamicImage::ImageRgb8(img), 80).unwrap();
        Jpeg {
            bytes,
            width: w,
            height: h,
            grey: false,
            orientation: 1,
        }
    }

    #[test]
    fn images_and_copied_pages_make_one_readable_deterministic_pdf() {
        let a = assemble(&[Page::Image(jpeg(300, 200))]).unwrap();
        let src = open(&a).unwrap();
        assert_eq!(src.pages().len(), 1);
        // Landscape image: landscape A4.
        let (w, h) = src.pages()[0].render_dimensions();
        assert!(w > h, "{w} x {h}");
        let mut turned = jpeg(300, 200);
        turned.orientation = 6;
        let b = assemble(&[
            Page::Image(turned),
            Page::Copied(&src, 0),
            Page::Raster(jpeg(100, 141), A4),
        ])
        .unwrap();
        let merged = open(&b).unwrap();
        assert_eq!(merged.pages().len(), 3);
        // Orientation 6 displays the 300 x 200 image as 200 x 300: portrait A4.
        let (w, h) = merged.pages()[0].render_dimensions();
        assert!(h > w, "{w} x {h}");
        let again = assemble(&[
            Page::Image({
                let mut t = jpeg(300, 200);
                t.orientation = 6;
                t
            }),
            Page::Copied(&src, 0),
            Page::Raster(jpeg(100, 141), A4),
        ])
        .unwrap();
        assert_eq!(b, again, "same pages, same bytes");
        // The rasteriser reads it back.
        let (img, size) = rasterise(&merged, 1, 400).unwrap();
        assert_eq!(img.width().max(img.height()), 400);
        assert!(size.0 > size.1);
    }

    #[test]
    fn text_in_a_font_the_pdf_does_not_embed_is_still_rendered() {
        // Helvetica, not embedded, as simple generators write it.
        let content = b"BT /F1 48 Tf 40 300 Td (PASSPORT P1234567) Tj ET";
        let mut pdf = Pdf::new();
        let (cat, tree, page, font, c) = (
            Ref::new(1),
            Ref::new(2),
            Ref::new(3),
            Ref::new(4),
            Ref::new(5),
        );
        pdf.catalog(cat).pages(tree);
        pdf.pages(tree).kids([page]).count(1);
        let mut p = pdf.page(page);
        p.media_box(Rect::new(0.0, 0.0, 595.0, 420.0));
        p.parent(tree);
        p.contents(c);
        p.resources().fonts().pair(Name(b"F1"), font);
        p.finish();
        pdf.type1_font(font).base_font(Name(b"Helvetica"));
        pdf.stream(c, content);
        let bytes = pdf.finish();
        let src = open(&bytes).unwrap();
        let (img, _) = rasterise(&src, 0, 600).unwrap();
        let dark = img.to_luma8().pixels().filter(|p| p.0[0] < 100).count();
        assert!(dark > 500, "the text is drawn: {dark} dark pixels");
    }

    #[test]
    fn a_damaged_pdf_is_refused_with_a_reason() {
        assert!(open(b"%PDF-1.7\ngarbage").is_err());
    }
}
