#!/usr/bin/env python3
"""The obvious alternative an HR IT team would write, for comparison with permitpack.

Same work per employee as `permitpack build`: read the roster (openpyxl), judge the photo
(Pillow, JPEG draft mode = DCT-domain downscaling; aspect, resolution, blue share on the top and
side bands), render three PDFs (cover checklist, salary certificate, guarantee letter) with
reportlab and a subset-embedded CJK TrueType font, make the platform's upload files, and zip
the packet (stored, not deflated), one process per core. The packet:

    00_cover_checklist.pdf
    upload/NN_<item>.pdf       one PDF per checklist item with scans, <= 1,000,000 bytes
    upload/photo.jpg           the photo as a JPEG <= 200,000 bytes, at least 354 x 472 px
    print/01_guarantee_letter.pdf, print/02_salary_certificate.pdf
    originals/photos/<photo>, originals/<scan>, originals/_company/<scan> (as permitpack names them)

The upload files follow permitpack's algorithm (src/upload), with Pillow, reportlab and pypdf:
1. one PDF already within the budget is passed through unchanged;
2. when every input is a grey/RGB JPEG with its long side <= 2500 px (or a PDF, copied) and
   the bytes fit, the JPEGs are placed unchanged (reportlab embeds JPEG bytes as DCTDecode;
   the EXIF orientation is applied by the page's matrix);
3. otherwise images are decoded once (JPEG with `draft()`, the smallest DCT scale keeping the
   long side >= 2000 px), turned (`ImageOps.exif_transpose`), and the (long side, quality)
   ladder [2000, 1600, 1240] x [85, 75, 65, 55, 45] is searched for the best step whose whole
   PDF fits, as permitpack does: the smallest step is made first, its size predicts the
   others, the predicted step is made and, if it does not fit, the next ones down (2-3
   encodings instead of one per step); PDF inputs have their pages copied (pypdf);
4. PDFs too large to copy: pypdf cannot render pages, so instead of rendering them to images
   (permitpack) the JPEG/raster images inside their pages are recompressed down the same
   ladder (long side of each image, JPEG quality), pages and any text kept as they are. The
   image streams are swapped directly in the pypdf object tree: the documented
   `ImageFile.replace()` would decode and re-encode every image twice more per try;
5. else the smallest made, with a warning in report.json.
Images are one per A4 page (portrait or landscape as displayed, 10 mm margins, aspect kept).
The platform photo is kept byte for byte when it is a JPEG, orientation 1, within 200 KB;
otherwise, as permitpack does, it starts from the photo check's 1/8-scale image when that is
at least the 354 x 472 digital size (else from the file decoded at the smallest DCT scale
keeping a 1200 px long side) and is scaled down permitpack's ladder (scale 1, 0.8, 0.64...
down to the digital size, qualities 92 88 84 80 75 70, the first that fits), found by binary
search over that ladder (sizes fall along it).

`--layout paragraph` (the default) sets the letters as a real script must: full-length Chinese
and English paragraphs in reportlab `Paragraph`s with `wordWrap="CJK"`, which breaks Chinese
lines between any two characters and keeps them inside the margins. `--layout drawstring` is
the earlier, lighter variant: one `drawString` per line, no line breaking at all (a long
Chinese paragraph runs off the page), kept to compare with earlier figures.

usage: baseline.py ROSTER.xlsx PHOTOS DOCS OUT [--procs N] [--font PATH] [--layout L]
"""
import argparse
import contextlib
import datetime as dt
import io
import json
import math
import os
import sys
import zipfile
from multiprocessing import Pool

from openpyxl import load_workbook
from PIL import Image, ImageChops, ImageOps
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, NumberObject
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

FONT = "CJK"
COLUMNS = {
    "name": "Name", "passport": "Passport No.", "nationality": "Nationality", "dob": "Date of Birth",
    "category": "Talent Category", "position": "Position", "start": "Start Date",
    "wp_expiry": "Work Permit Expiry", "rp_expiry": "Residence Permit Expiry",
    "years": "Years Worked in China", "salary": "Annual Salary",
}
ITEMS = ["wp_extension_form", "visa_application_form", "guarantee_letter", "labour_contract", "passport",
         "residence_permit", "work_permit", "photo_receipt", "salary_certificate", "tax_certificate"]

# The checklist order of permitpack's templates/checklists.toml (list (六), which holds every
# item of list (一) in the same order), then the company items. Upload files are numbered in
# this order; a scan belongs to the item whose id its file name starts with (the longest).
CHECKLIST = ["wp_extension_form", "visa_application_form", "guarantee_letter", "labour_contract",
             "passport", "residence_permit", "work_permit", "photo_receipt", "salary_certificate",
             "tax_certificate", "accommodation_registration", "multi_year_request_letter",
             "company_tax_certificate", "company_bank_statements", "business_contracts"]
GENERATED = {"guarantee_letter", "salary_certificate"}
FRONT = ("front", "obverse", "正面", "正页")
BACK = ("back", "reverse", "verso", "背面", "反面", "背页")

# templates/limits.toml [upload] and the photo profile's digital size.
UPLOAD_MAX = 1_000_000
PHOTO_MAX = 200_000
PHOTO_MIN = (354, 472)
LONG_SIDES = [2000, 1600, 1240]
QUALITIES = [85, 75, 65, 55, 45]
STEPS = [(side, q) for side in LONG_SIDES for q in QUALITIES]
PHOTO_QUALITIES = [92, 88, 84, 80, 75, 70]
PHOTO_START = 1200           # the longest side a platform photo starts from
PAGE_OVERHEAD = 600          # bytes a page costs besides its image
WORST_PAGE = 30_000          # a page takes at least this at the smallest step
MARGIN = 10 * mm
# Unit square of the stored image -> unit square as displayed, per EXIF orientation.
ORIENT = {1: (1, 0, 0, 1, 0, 0), 2: (-1, 0, 0, 1, 1, 0), 3: (-1, 0, 0, -1, 1, 1),
          4: (1, 0, 0, -1, 0, 1), 5: (0, -1, -1, 0, 1, 1), 6: (0, -1, 1, 0, 0, 1),
          7: (0, 1, 1, 0, 0, 0), 8: (0, 1, -1, 0, 1, 0)}


def item_of(name):
    stem = os.path.splitext(os.path.basename(name))[0].lower()
    best = None
    for item in CHECKLIST:
        if stem.startswith(item) and (best is None or len(item) > len(best)):
            best = item
    return best


def side_key(name):
    """Sort key putting a document's front before its back (p1_back before p2_front)."""
    stem = os.path.splitext(name)[0].lower()
    words = stem.replace("-", "_").replace(" ", "_").replace(".", "_").split("_")
    side = 1
    if any(w in FRONT for w in words) or any(f in stem for f in FRONT if not f.isascii()):
        side = 0
    elif any(w in BACK for w in words) or any(b in stem for b in BACK if not b.isascii()):
        side = 2
    rest = "_".join(w for w in words if w not in FRONT and w not in BACK)
    return rest, side, name.lower(), name


@contextlib.contextmanager
def raw_streams():
    """reportlab ASCII85-encodes image streams by default (+25 % on every JPEG)."""
    old = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = old


class JpegReader(ImageReader):
    """reportlab names an image by hashing its decoded pixels (`getRGBData()` decodes the
    whole JPEG again); a JPEG's own bytes name it as well. The bytes are embedded as they
    are (DCTDecode) either way."""

    def __init__(self, data):
        super().__init__(io.BytesIO(data))
        self._jpeg = data
        self._dataA = None  # no alpha in a JPEG

    def getRGBData(self):
        return self._jpeg


def images_pdf(jpegs):
    """A4 pages each holding one JPEG (bytes, stored w, h, orientation), unchanged bytes."""
    buf = io.BytesIO()
    with raw_streams():
        c = canvas.Canvas(buf, pagesize=A4, invariant=1)
        for data, w, h, orientation in jpegs:
            dw, dh = (h, w) if orientation in (5, 6, 7, 8) else (w, h)
            pw, ph = (A4[1], A4[0]) if dw > dh else A4
            k = min((pw - 2 * MARGIN) / dw, (ph - 2 * MARGIN) / dh)
            iw, ih = dw * k, dh * k
            c.setPageSize((pw, ph))
            c.saveState()
            c.transform(iw, 0, 0, ih, (pw - iw) / 2, (ph - ih) / 2)
            c.transform(*ORIENT.get(orientation, ORIENT[1]))
            c.drawImage(JpegReader(data), 0, 0, 1, 1)
            c.restoreState()
            c.showPage()
        c.save()
    return buf.getvalue()


def encode_jpeg(img, quality):
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def scaled(img, long_side):
    w, h = img.size
    if max(w, h) <= long_side:
        return img
    k = long_side / max(w, h)
    return img.resize((max(1, round(w * k)), max(1, round(h * k))), Image.BILINEAR)


def flat(img):
    """Grey stays grey, everything else RGB; transparency over white, as on paper."""
    if img.mode in ("L", "RGB"):
        return img
    if img.mode in ("LA", "RGBA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        out = Image.alpha_composite(white, rgba).convert("RGB")
        return out.convert("L") if img.mode == "LA" else out
    if img.mode in ("I;16", "I", "1"):
        return img.convert("L")
    return img.convert("RGB")


def decode(data, long_side, turn=True):
    """The image with its long side >= long_side (or full size), decoded at the smallest
    DCT scale that allows, turned as displayed."""
    img = Image.open(io.BytesIO(data))
    w, h = img.size
    if img.format == "JPEG" and max(w, h) > long_side:
        k = long_side / max(w, h)
        img.draft(img.mode if img.mode in ("L", "RGB") else "RGB", (math.ceil(w * k), math.ceil(h * k)))
    if turn and img.getexif().get(0x0112, 1) != 1:
        img = ImageOps.exif_transpose(img)
    return flat(img)


def quality_factor(q):
    table = [(30, .43), (35, .47), (40, .51), (45, .55), (50, .59), (55, .63), (60, .68),
             (65, .73), (70, .80), (75, .88), (80, 1.0), (85, 1.15), (90, 1.45), (95, 1.9)]
    q = min(max(q, 30), 95)
    for i, (t, f) in enumerate(table):
        if t >= q:
            if i == 0 or t == q:
                return f
            (q0, f0), (q1, f1) = table[i - 1], table[i]
            return f0 + (f1 - f0) * (q - q0) / (q1 - q0)
    return table[-1][1]


def search(steps, budget, fixed, make):
    """(found, smallest): the best step whose output fits, or the smallest output made."""
    low = steps[-1]
    smallest = make(low)
    if len(smallest) > budget:
        return None, (smallest, low)

    def rel(s):
        return (s[0] / low[0]) ** 2 * quality_factor(s[1])
    variable = max(len(smallest) - fixed, 0) / rel(low)
    guess = next((i for i, s in enumerate(steps) if fixed + variable * rel(s) <= budget * 0.95),
                 len(steps) - 1)
    for step in steps[guess:-1]:
        out = make(step)
        if len(out) <= budget:
            return (out, step), None
    return (smallest, low), None


def pdf_images(page):
    """The image XObjects a page draws directly (not inside forms), in name order; images
    with a mask are left alone."""
    res = page.get("/Resources")
    res = res.get_object() if res is not None else None
    xobjects = res.get("/XObject") if res is not None else None
    if xobjects is None:
        return []
    xobjects = xobjects.get_object()
    out = []
    for name in sorted(xobjects):
        x = xobjects[name].get_object()
        if x.get("/Subtype") == "/Image" and "/SMask" not in x and "/Mask" not in x \
                and not x.get("/ImageMask", False):
            out.append(x)
    return out


def pil_of_xobject(x, page_images, long_side):
    """A PDF image as Pillow pixels: DCT data opened with draft(), others through pypdf."""
    f = x.get("/Filter")
    if f == "/DCTDecode" or f == ["/DCTDecode"]:
        return decode(x.get_data(), long_side, turn=False)
    for img in page_images:
        if img.indirect_reference is not None and img.indirect_reference.get_object() is x:
            return flat(img.image)
    return None


def swap_image(x, jpeg, img):
    """Replaces the image XObject's stream by a baseline JPEG."""
    for key in ("/DecodeParms", "/Decode", "/SMaskInData", "/Intent", "/Interpolate"):
        if key in x:
            del x[key]
    x[NameObject("/Filter")] = NameObject("/DCTDecode")
    x[NameObject("/Width")] = NumberObject(img.width)
    x[NameObject("/Height")] = NumberObject(img.height)
    x[NameObject("/ColorSpace")] = NameObject("/DeviceGray" if img.mode == "L" else "/DeviceRGB")
    x[NameObject("/BitsPerComponent")] = NumberObject(8)
    x._data = jpeg  # pypdf's set_data() refuses non-Flate streams
    x.decoded_self = None


def item_pdf(files):
    """The upload PDF of one item from its files [(name, bytes)] in order:
    (pdf bytes or None, pages, how, fits)."""
    inputs = []
    for name, data in files:
        if data[:3] == b"\xff\xd8\xff" or data[:8] == b"\x89PNG\r\n\x1a\n":
            try:
                img = Image.open(io.BytesIO(data))
                orientation = img.getexif().get(0x0112, 1) if img.format == "JPEG" else 1
                inputs.append(("img", name, data, img, orientation))
            except OSError:
                pass
        elif b"%PDF-" in data[:1024]:
            try:
                reader = PdfReader(io.BytesIO(data))
                if len(reader.pages):
                    inputs.append(("pdf", name, data, reader, None))
            except Exception:
                if len(files) == 1 and len(data) <= UPLOAD_MAX:
                    return data, 0, "passed_through", True
    if not inputs:
        return None, 0, "none", False
    # 1. One PDF within the budget: unchanged.
    if len(inputs) == 1 and inputs[0][0] == "pdf" and len(inputs[0][2]) <= UPLOAD_MAX:
        return inputs[0][2], len(inputs[0][3].pages), "passed_through", True
    page_count = sum(1 if i[0] == "img" else len(i[3].pages) for i in inputs)
    overhead = PAGE_OVERHEAD * page_count + 2_000
    pdf_bytes = sum(len(i[2]) for i in inputs if i[0] == "pdf")
    raw = sum(len(i[2]) for i in inputs)
    top = max(LONG_SIDES)

    def assemble(image_pages, recompress=None):
        """One PDF of the inputs in order: images as given JPEG pages, PDF pages copied
        (their images swapped for `recompress` = (side, quality) when given)."""
        if all(i[0] == "img" for i in inputs):
            return images_pdf(image_pages)
        writer = PdfWriter()
        pending, it = [], iter(image_pages)
        swaps = []
        for i, inp in enumerate(inputs):
            if inp[0] == "img":
                pending.append(next(it))
                continue
            if pending:
                writer.append(PdfReader(io.BytesIO(images_pdf(pending))))
                pending = []
            first = len(writer.pages)
            writer.append(inp[3], import_outline=False)
            if recompress:
                for p in range(len(inp[3].pages)):
                    for x, key in zip(pdf_images(writer.pages[first + p]), pdf_decoded[(i, p)]):
                        swaps.append((x, key))
        if pending:
            writer.append(PdfReader(io.BytesIO(images_pdf(pending))))
        for x, img in swaps:
            if img is not None:
                key = (id(img), recompress[0])
                if key not in resized:
                    resized[key] = scaled(img, recompress[0])
                small = resized[key]
                swap_image(x, encode_jpeg(small, recompress[1]), small)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    # 2. Everything as it is, when that fits: JPEGs keep their bytes.
    placeable = all(i[0] == "pdf" or (i[3].format == "JPEG" and i[3].mode in ("L", "RGB")
                                      and max(i[3].size) <= top * 5 // 4) for i in inputs)
    if placeable and raw + overhead <= UPLOAD_MAX:
        out = assemble([(i[2], i[3].size[0], i[3].size[1], i[4]) for i in inputs if i[0] == "img"])
        if len(out) <= UPLOAD_MAX:
            return out, page_count, "placed", True

    # 3. Images down the ladder, PDF pages copied. Decoded once, at the largest size.
    decoded = [decode(i[2], top) if i[0] == "img" else None for i in inputs]
    resized = {}

    def jpeg_pages(side, q):
        if side not in resized:
            resized[side] = [scaled(d, side) for d in decoded if d is not None]
        return [(encode_jpeg(img, q), img.width, img.height, 1) for img in resized[side]]

    last = None
    if pdf_bytes + overhead < UPLOAD_MAX:
        found, smallest = search(STEPS, UPLOAD_MAX, pdf_bytes + overhead,
                                 lambda s: assemble(jpeg_pages(*s)))
        if found:
            return found[0], page_count, f"recompressed {found[1][0]} px q{found[1][1]}", True
        last = (smallest[0], f"recompressed {smallest[1][0]} px q{smallest[1][1]}")

    # 4. The images inside the PDFs recompressed too (pypdf cannot render pages).
    pdf_decoded = {}
    if pdf_bytes > 0 and WORST_PAGE * page_count <= UPLOAD_MAX:
        for i, inp in enumerate(inputs):
            if inp[0] == "pdf":
                for p, page in enumerate(inp[3].pages):
                    xs = pdf_images(page)
                    needs_api = any(x.get("/Filter") not in ("/DCTDecode", ["/DCTDecode"]) for x in xs)
                    api = page.images if needs_api else []
                    pdf_decoded[(i, p)] = [pil_of_xobject(x, api, top) for x in xs]
        found, smallest = search(STEPS, UPLOAD_MAX, overhead,
                                 lambda s: assemble(jpeg_pages(*s), recompress=s))
        if found:
            return found[0], page_count, f"images in PDF recompressed {found[1][0]} px q{found[1][1]}", True
        if smallest and (last is None or len(smallest[0]) < len(last[0])):
            last = (smallest[0], f"images in PDF recompressed {smallest[1][0]} px q{smallest[1][1]}")

    # 5. The smallest made, or everything at the smallest step.
    if last is None:
        out = assemble(jpeg_pages(*STEPS[-1]))
        last = (out, f"recompressed {STEPS[-1][0]} px q{STEPS[-1][1]}")
    return last[0], page_count, last[1], len(last[0]) <= UPLOAD_MAX


def platform_photo(data, working=None):
    """upload/photo.jpg: (jpeg bytes, how). As permitpack: the photo check's reduced image
    (`working`, as displayed) when it is at least the digital size, else the file decoded at
    the smallest DCT scale keeping PHOTO_START px, scaled to that; then the ladder."""
    img = Image.open(io.BytesIO(data))
    orientation = img.getexif().get(0x0112, 1)
    if img.format == "JPEG" and orientation == 1 and img.mode in ("L", "RGB") and len(data) <= PHOTO_MAX:
        return data, "unchanged"
    if working is not None and working.width >= PHOTO_MIN[0] and working.height >= PHOTO_MIN[1]:
        start = flat(working)
    else:
        start = scaled(decode(data, max(PHOTO_START, PHOTO_MIN[1])), max(PHOTO_START, *PHOTO_MIN))
    w, h = start.size
    floor = min(max(PHOTO_MIN[0] / w, PHOTO_MIN[1] / h), 1.0)
    scales, k = [1.0], 1.0
    while k * 0.8 > floor:
        k *= 0.8
        scales.append(k)
    if floor < 1.0:
        scales.append(floor)
    longs = [math.ceil(max(w, h) * k) for k in scales]
    sized, made = {}, {}

    def make(i, q):
        if (i, q) not in made:
            if i not in sized:
                sized[i] = scaled(start, longs[i])
            made[(i, q)] = encode_jpeg(sized[i], q)
        return made[(i, q)]

    def fits(i, q):
        return len(make(i, q)) <= PHOTO_MAX
    # Sizes fall along both ladders: the largest scale at which the lowest quality fits,
    # then the best quality there (the first step of permitpack's walk that fits).
    low_q = PHOTO_QUALITIES[-1]
    if not fits(len(scales) - 1, low_q):
        return make(len(scales) - 1, low_q), "too large"
    lo, hi = 0, len(scales) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if fits(mid, low_q):
            hi = mid
        else:
            lo = mid + 1
    qa, qb = 0, len(PHOTO_QUALITIES) - 1
    while qa < qb:
        mid = (qa + qb) // 2
        if fits(lo, PHOTO_QUALITIES[mid]):
            qb = mid
        else:
            qa = mid + 1
    return make(lo, PHOTO_QUALITIES[qa]), f"scaled {longs[lo]} px q{PHOTO_QUALITIES[qa]}"


def read_roster(path):
    wb = load_workbook(path, read_only=True, data_only=True)
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows)
    index = {}
    for key, label in COLUMNS.items():
        for i, h in enumerate(header):
            if h and label.lower() in str(h).lower():
                index[key] = i
    people = []
    for r in rows:
        if not any(r):
            continue
        people.append({k: r[i] for k, i in index.items()})
    return people


# The default photo profile (templates/photo/shenzhen-2inch.toml): 35:48 within 2 %, at
# least 413 x 567 px, 90 % of the background bands studio blue (HSV hue 190-230 degrees,
# saturation >= 0.30, value >= 0.40). Pillow's HSV hue runs 0-255 for 0-360 degrees.
HUE_LUT = [255 if 190 <= v * 360 / 256 <= 230 else 0 for v in range(256)]
SAT_LUT = [255 if v >= 0.30 * 255 else 0 for v in range(256)]
VAL_LUT = [255 if v >= 0.40 * 255 else 0 for v in range(256)]


def judge_photo(path):
    img = Image.open(path)
    full_w, full_h = img.size  # stored size, from the header
    img.draft("RGB", (full_w // 8, full_h // 8))  # DCT-domain 1/8 decode
    orientation = img.getexif().get(0x0112, 1)
    if orientation in (5, 6, 7, 8):
        full_w, full_h = full_h, full_w
    img = ImageOps.exif_transpose(img).convert("RGB")
    w, h = img.size  # displayed size at reduced scale
    hsv = img.convert("HSV")
    top, side, bottom = h * 6 // 100, w * 12 // 100, h * 55 // 100
    bands = [hsv.crop((0, 0, w, top)), hsv.crop((0, top, side, bottom)),
             hsv.crop((w - side, top, w, bottom))]
    blue = total = 0
    for band in bands:
        hch, sch, vch = band.split()
        m = ImageChops.multiply(ImageChops.multiply(hch.point(HUE_LUT), sch.point(SAT_LUT)),
                                vch.point(VAL_LUT))
        blue += m.histogram()[255]
        total += band.size[0] * band.size[1]
    share = blue / total if total else 0.0
    ratio = full_w / full_h if full_h else 0
    # A small preview for the report, as permitpack makes one.
    thumb = img.copy()
    thumb.thumbnail((176, 240))
    preview = io.BytesIO()
    thumb.save(preview, "JPEG", quality=80)
    return {"width": full_w, "height": full_h, "blue_share": share, "preview": len(preview.getvalue()),
            "working": img,  # the 1/8-scale image as displayed, reused for upload/photo.jpg
            "ok": share >= 0.9 and full_w >= 413 and full_h >= 567
            and abs(ratio / (35 / 48) - 1) <= 0.02}


def pdf(lines, title):
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setTitle(title)
    c.setFont(FONT, 16)
    c.drawString(60, 780, title)
    c.setFont(FONT, 10.5)
    y = 750
    for line in lines:
        c.drawString(60, y, line)
        y -= 18
    c.showPage()
    c.save()
    return buf.getvalue()


STYLES = {}


def styles():
    if not STYLES:
        STYLES["title"] = ParagraphStyle("title", fontName=FONT, fontSize=16, leading=22,
                                         alignment=1, spaceAfter=10, wordWrap="CJK")
        STYLES["zh"] = ParagraphStyle("zh", fontName=FONT, fontSize=10.5, leading=18,
                                      firstLineIndent=21, spaceAfter=3, wordWrap="CJK")
        STYLES["en"] = ParagraphStyle("en", fontName=FONT, fontSize=9, leading=12,
                                      spaceAfter=8, wordWrap="CJK")
        STYLES["item"] = ParagraphStyle("item", fontName=FONT, fontSize=10, leading=14,
                                        leftIndent=12, wordWrap="CJK")
    return STYLES


def flowing_pdf(blocks, title):
    """A document of wrapped paragraphs: blocks are (style, text) pairs."""
    st = styles()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, invariant=1, title=title, leftMargin=24 * mm,
                            rightMargin=24 * mm, topMargin=17 * mm, bottomMargin=15 * mm)
    story = [Paragraph(title, st["title"]), Spacer(1, 4)]
    story += [Paragraph(text, st[style]) for style, text in blocks]
    doc.build(story)
    return buf.getvalue()


def upload_lines(uploads):
    """The cover's table of the upload/ files: entry, pages, size, what it was made from."""
    return [f"{u['entry']}  {u['pages']} p.  {u['bytes'] / 1e6:.2f} MB{'' if u['fits'] else ' ✗'}  "
            f"({', '.join(u['files'])})" for u in uploads]


def letters_paragraph(p, passport, salary, as_of, state, days, scans, uploads):
    """The three documents with the wording and length of permitpack's templates."""
    p = {k: v.date().isoformat() if isinstance(v, dt.datetime) else v for k, v in p.items()}
    date_zh = f"{as_of.year}年{as_of.month}月{as_of.day}日"
    company = "深圳市示例科技有限公司"
    cover = flowing_pdf(
        [("zh", f"{p['name']}  {passport}  {p['nationality']}"),
         ("zh", f"状态 State: {state}, {days} days left；费用 Fee: 800 RMB"),
         ("zh", "请在工作许可到期前 30 日以上提交延期申请，并按清单准备以下材料；"
                "标注为原件的材料须在现场核验时携带原件。"),
         ("en", "Submit the extension at least 30 days before the Work Permit expires, with the "
                "documents below; originals marked as such are checked on site.")]
        + [("item", f"{i}: {'✓ 已提供 provided' if any(s.startswith(i) for s in scans) else '✗ 缺少 missing'}")
           for i in ITEMS]
        + [("zh", "附件上传（材料包 upload/ 文件夹） Attachments to upload: the packet's upload/ folder")]
        + [("item", line) for line in upload_lines(uploads)]
        + [("en", "Print, sign and seal the letters in print/, then scan and upload them; "
                  "originals/ keeps the files as given.")],
        "申请材料清单 Cover checklist")
    salary_pdf = flowing_pdf(
        [("zh", f"兹证明{p['name']}（护照号码：{passport}，国籍：{p['nationality']}）自入职起在我单位"
                f"担任{p['position']}职务，现仍在职。其在我单位的年收入为人民币{salary:,.2f}元"
                f"（大写：{capital(salary)}），为税前收入，由我单位按月足额发放，并依法代扣代缴个人所得税。"),
         ("en", f"This is to certify that {p['name']}, passport number {passport}, a national of "
                f"{p['nationality']}, is employed by our company as {p['position']} and remains in "
                f"our employment. The holder's annual income is RMB {salary:,.2f} before tax, paid "
                "monthly in full, with individual income tax withheld as the law requires."),
         ("zh", "我单位对本证明内容的真实性负责。特此证明。"),
         ("en", "We are responsible for the truthfulness of this certificate. Hereby certified."),
         ("zh", f"{company}（盖章）　{date_zh}")],
        "薪资证明 Salary Certificate")
    letter = flowing_pdf(
        [("zh", "深圳市公安局出入境管理局："),
         ("en", "To: Exit and Entry Administration, Shenzhen Municipal Public Security Bureau"),
         ("zh", f"我单位{company}（统一社会信用代码：91440300MA5XXXXXXX）聘用的外籍员工{p['name']}，"
                f"国籍：{p['nationality']}，护照号码：{passport}，出生日期：{p['dob']}，"
                f"在我单位担任{p['position']}职务。"),
         ("en", f"Our company employs {p['name']}, a national of {p['nationality']}, passport "
                f"number {passport}, born on {p['dob']}, as {p['position']}."),
         ("zh", f"其所持工作类居留许可有效期至{p['rp_expiry']}，外国人工作许可有效期至{p['wp_expiry']}。"
                "因工作需要，我单位将继续聘用该员工，现为其申请办理工作许可及工作类居留许可延期，"
                "申请居留期限两年。"),
         ("en", "As we continue to employ the holder, we apply for the extension of the Work Permit "
                "and of the work-type Residence Permit for a term of two years."),
         ("zh", "我单位郑重承诺并担保：（一）该员工在华工作、居留期间的生活费用由我单位承担；"
                "（二）该员工在华期间遵守中国法律法规，我单位督促其依法居留、工作，不从事与居留事由"
                "不符的活动；（三）如该员工提前离职、与我单位解除或终止劳动合同，或变更工作单位，"
                "我单位将依照规定及时向公安机关出入境管理部门报告。"),
         ("en", "We undertake and guarantee that the holder's living costs are borne by our company, "
                "that the holder will abide by the laws and regulations of China, and that we will "
                "report an early departure or a change of employer without delay."),
         ("zh", "我单位对所提供材料的真实性负责。特此证明。"),
         ("zh", f"法定代表人（签字）：　　　　{company}（盖章）　{date_zh}")],
        "证明（担保）函 Letter of Certification and Guarantee")
    return cover, salary_pdf, letter


def letters_drawstring(p, passport, salary, as_of, state, days, scans, uploads):
    cover = pdf([f"{p['name']}  {passport}  {p['nationality']}", f"状态 State: {state}, {days} days left",
                 "费用 Fee: 800 RMB"] + [f"{i}: {'✓' if any(s.startswith(i) for s in scans) else '✗'}" for i in ITEMS]
                + upload_lines(uploads),
                "申请材料清单 Cover checklist")
    salary_pdf = pdf([f"兹证明 {p['name']}（护照号码 {passport}）为我公司员工，职位 {p['position']}。",
                      f"年收入 Annual income: {salary:,.2f}  {capital(salary)}",
                      f"日期：{as_of.year}年{as_of.month}月{as_of.day}日"], "薪资证明 Salary Certificate")
    letter = pdf([f"致：深圳市公安局出入境管理局", f"申请人 {p['name']}，国籍 {p['nationality']}，护照号码 {passport}。",
                  "我公司保证申请人在华期间遵守中国法律，并承担其生活费用。",
                  f"日期：{as_of.year}年{as_of.month}月{as_of.day}日"], "证明函件 Certificate Letter")
    return cover, salary_pdf, letter


def capital(n):
    digits = "零壹贰叁肆伍陆柒捌玖"
    units = ["", "拾", "佰", "仟"]
    out, zero = "", False
    s = str(int(n))
    for i, ch in enumerate(s):
        pos = len(s) - 1 - i
        d = int(ch)
        if d == 0:
            zero = True
        else:
            if zero:
                out += "零"
            out += digits[d] + units[pos % 4]
            zero = False
        if pos == 4 and out:
            out += "万"
            zero = False
    return "人民币" + out + "元整"


def one(args):
    p, photos, docs, out, as_of, layout = args
    passport = str(p["passport"]).strip().upper()
    photo_name = passport + ".jpg"
    photo_path = os.path.join(photos, photo_name)
    verdict = judge_photo(photo_path)
    with open(photo_path, "rb") as f:
        photo_jpeg, photo_how = platform_photo(f.read(), verdict.pop("working"))
    expiry = p["wp_expiry"].date() if isinstance(p["wp_expiry"], dt.datetime) else p["wp_expiry"]
    days = (expiry - as_of).days
    state = "not_yet" if days > 90 else "open" if days >= 30 else "too_late"
    salary = float(p["salary"] or 0)
    folder = os.path.join(docs, passport)
    scans = sorted(os.listdir(folder)) if os.path.isdir(folder) else []

    # The upload files: the employee's items, then the company's (made once, in main).
    groups = {}
    for s in scans:
        item = item_of(s)
        if item and item not in GENERATED:
            groups.setdefault(item, []).append(s)
    made = []
    for item, names in groups.items():
        names.sort(key=side_key)
        files = []
        for n in names:
            with open(os.path.join(folder, n), "rb") as f:
                files.append((n, f.read()))
        pdf_bytes, pages, how, fits = item_pdf(files)
        if pdf_bytes is not None:
            made.append((item, pdf_bytes, pages, how, fits, names))
    made += COMPANY_UPLOADS
    made.sort(key=lambda m: (CHECKLIST.index(m[0]) if m[0] in CHECKLIST else len(CHECKLIST), m[0]))
    width = max(2, len(str(len(made))))
    uploads = [{"entry": f"upload/{n + 1:0{width}d}_{m[0]}.pdf", "item": m[0], "pdf": m[1], "pages": m[2],
                "how": m[3], "fits": m[4], "files": m[5], "bytes": len(m[1])} for n, m in enumerate(made)]

    make = letters_paragraph if layout == "paragraph" else letters_drawstring
    cover, salary_pdf, letter = make(p, passport, salary, as_of, state, days, scans, uploads)
    name = f"{passport}_{str(p['name']).replace(' ', '_')}.zip"
    tmp = os.path.join(out, "." + name + ".tmp")
    employee_scans = sorted(scans, key=lambda s: (CHECKLIST.index(item_of(s)) if item_of(s) else len(CHECKLIST),
                                                 side_key(s)))
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as z:
        z.writestr("00_cover_checklist.pdf", cover)
        for u in uploads:
            z.writestr(u["entry"], u["pdf"])
        z.writestr("upload/photo.jpg", photo_jpeg)
        z.writestr("print/01_guarantee_letter.pdf", letter)
        z.writestr("print/02_salary_certificate.pdf", salary_pdf)
        z.write(photo_path, f"originals/photos/{photo_name}")
        for s in employee_scans:
            z.write(os.path.join(folder, s), f"originals/{s}")
        for path, rel in COMPANY_SCANS:
            z.write(path, f"originals/{rel}")
    os.replace(tmp, os.path.join(out, name))
    return {"passport": passport[:2] + "****", "state": state, "photo_ok": verdict["ok"],
            "photo_upload": {"bytes": len(photo_jpeg), "how": photo_how},
            "uploads": [{k: u[k] for k in ("entry", "bytes", "pages", "how", "fits")} for u in uploads]}


COMPANY_UPLOADS = []  # (item, pdf, pages, how, fits, files), made once in main
COMPANY_SCANS = []    # (path, "_company/<name>")


def company_uploads(docs):
    """The company items' upload files and scans (docs/_company/), shared by every packet."""
    folder = os.path.join(docs, "_company")
    names = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
    groups, scans = {}, []
    for n in sorted(names, key=lambda s: (CHECKLIST.index(item_of(s)) if item_of(s) else len(CHECKLIST),
                                          side_key(s))):
        scans.append((os.path.join(folder, n), f"_company/{n}"))
        item = item_of(n)
        if item:
            groups.setdefault(item, []).append(n)
    made = []
    for item, group in groups.items():
        files = []
        for n in group:
            with open(os.path.join(folder, n), "rb") as f:
                files.append((n, f.read()))
        pdf_bytes, pages, how, fits = item_pdf(files)
        if pdf_bytes is not None:
            made.append((item, pdf_bytes, pages, how, fits, group))
    return made, scans


def init(font, company):
    pdfmetrics.registerFont(TTFont(FONT, font, subfontIndex=0))
    COMPANY_UPLOADS[:], COMPANY_SCANS[:] = company


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("roster")
    ap.add_argument("photos")
    ap.add_argument("docs")
    ap.add_argument("out")
    ap.add_argument("--procs", type=int, default=os.cpu_count())
    ap.add_argument("--font", default="/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
    ap.add_argument("--as-of", default="2026-11-26")
    ap.add_argument("--layout", choices=["paragraph", "drawstring"], default="paragraph")
    a = ap.parse_args()
    as_of = dt.date.fromisoformat(a.as_of)
    os.makedirs(a.out, exist_ok=True)
    people = read_roster(a.roster)
    work = [(p, a.photos, a.docs, a.out, as_of, a.layout) for p in people]
    company = company_uploads(a.docs)
    with Pool(a.procs, initializer=init, initargs=(a.font, company)) as pool:
        rows = pool.map(one, work, chunksize=4)
    with open(os.path.join(a.out, "report.json"), "w") as f:
        json.dump(rows, f)
    print(f"baseline: {len(rows)} employees", file=sys.stderr)


if __name__ == "__main__":
    main()
