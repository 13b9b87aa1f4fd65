#!/usr/bin/env python3
"""The obvious alternative an HR IT team would write, for comparison with permitpack.

Same work per employee as `permitpack build`: read the roster (openpyxl), judge the photo
(Pillow, JPEG draft mode = DCT-domain downscaling; aspect, resolution, blue share on the top and
side bands), render three PDFs (cover checklist, salary certificate, guarantee letter) with
reportlab and a subset-embedded CJK TrueType font, and zip them with the photo and scans
(stored, not deflated), one process per core.

`--layout paragraph` (the default) sets the letters as a real script must: full-length Chinese
and English paragraphs in reportlab `Paragraph`s with `wordWrap="CJK"`, which breaks Chinese
lines between any two characters and keeps them inside the margins. `--layout drawstring` is
the earlier, lighter variant: one `drawString` per line, no line breaking at all (a long
Chinese paragraph runs off the page), kept to compare with earlier figures.

usage: baseline.py ROSTER.xlsx PHOTOS DOCS OUT [--procs N] [--font PATH] [--layout L]
"""
import argparse
import datetime as dt
import io
import json
import os
import sys
import zipfile
from multiprocessing import Pool

from openpyxl import load_workbook
from PIL import Image, ImageChops, ImageOps
from reportlab.lib.pagesizes import A4
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


def letters_paragraph(p, passport, salary, as_of, state, days, scans):
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
           for i in ITEMS],
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


def letters_drawstring(p, passport, salary, as_of, state, days, scans):
    cover = pdf([f"{p['name']}  {passport}  {p['nationality']}", f"状态 State: {state}, {days} days left",
                 "费用 Fee: 800 RMB"] + [f"{i}: {'✓' if any(s.startswith(i) for s in scans) else '✗'}" for i in ITEMS],
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
    photo_path = os.path.join(photos, passport + ".jpg")
    verdict = judge_photo(photo_path)
    expiry = p["wp_expiry"].date() if isinstance(p["wp_expiry"], dt.datetime) else p["wp_expiry"]
    days = (expiry - as_of).days
    state = "not_yet" if days > 90 else "open" if days >= 30 else "too_late"
    salary = float(p["salary"] or 0)
    folder = os.path.join(docs, passport)
    scans = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
    make = letters_paragraph if layout == "paragraph" else letters_drawstring
    cover, salary_pdf, letter = make(p, passport, salary, as_of, state, days, scans)
    name = f"{passport}_{str(p['name']).replace(' ', '_')}.zip"
    tmp = os.path.join(out, "." + name + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as z:
        z.writestr("00_cover_checklist.pdf", cover)
        z.writestr("01_guarantee_letter.pdf", letter)
        z.writestr("02_salary_certificate.pdf", salary_pdf)
        z.write(photo_path, "03_photo.jpg")
        for i, s in enumerate(scans):
            z.write(os.path.join(folder, s), f"{i + 4:02d}_{s}")
    os.replace(tmp, os.path.join(out, name))
    return {"passport": passport[:2] + "****", "state": state, "photo_ok": verdict["ok"]}


def init(font):
    pdfmetrics.registerFont(TTFont(FONT, font, subfontIndex=0))


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
    with Pool(a.procs, initializer=init, initargs=(a.font,)) as pool:
        rows = pool.map(one, work, chunksize=4)
    with open(os.path.join(a.out, "report.json"), "w") as f:
        json.dump(rows, f)
    print(f"baseline: {len(rows)} employees", file=sys.stderr)


if __name__ == "__main__":
    main()
