#!/usr/bin/env python3
"""Reproduces fonts/: subsets of SIL OFL Noto fonts that permitpack embeds in its PDFs.

Run from the repository root:

    pip install fonttools            # pyftsubset's library
    apt-get install fonts-noto-cjk fonts-noto-core unicode-data
    python3 scripts/subset_fonts.py

Inputs (Debian packages, bookworm):
  fonts-noto-cjk 1:20220127   /usr/share/fonts/opentype/noto/NotoSansCJK-{Regular,Bold}.ttc
                              (face "Noto Sans CJK SC", version 2.004, upstream
                              https://github.com/notofonts/noto-cjk)
  fonts-noto-core 20201225    /usr/share/fonts/truetype/noto/NotoSans-{Regular,Bold}.ttf,
                              NotoSansSymbols2-Regular.ttf (upstream
                              https://github.com/notofonts/noto-fonts)
  unicode-data 15.0.0         /usr/share/unicode/Unihan_OtherMappings.txt.bz2 (kTGH field)

Character set of the CJK subset (written to fonts/README.md with the counts):
  * every character of the 通用规范汉字表 (Table of General Standard Chinese Characters,
    State Council 2013, 8105 characters) as listed by the Unihan database's kTGH field;
  * every character of GB 2312-80 (6763 hanzi plus its symbols, kana, Greek, Cyrillic and
    full-width forms), enumerated through Python's gb2312 codec;
  * CJK Symbols and Punctuation (U+3000-303F), Halfwidth and Fullwidth Forms (U+FF00-FFEF);
  * every non-ASCII character used in the files under templates/ (letters, messages, data),
    so the built-in wording can always be printed.
The Latin subset (Noto Sans) covers Basic Latin, Latin-1, Latin Extended-A/B/Additional,
IPA and spacing modifiers, combining diacritics, Greek, Cyrillic, general punctuation,
currency and letterlike symbols. The symbol subset (Noto Sans Symbols 2) covers the check
marks and boxes a checklist uses.

Output is byte-identical for the same inputs: the fonts keep their source's head.modified
timestamp (recalcTimestamp=False).
"""

import bz2
import os
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fonts"
TEMPLATES = ROOT / "templates"

CJK_DIR = Path(os.environ.get("NOTO_CJK_DIR", "/usr/share/fonts/opentype/noto"))
CORE_DIR = Path(os.environ.get("NOTO_CORE_DIR", "/usr/share/fonts/truetype/noto"))
UNIHAN = Path(
    os.environ.get("UNIHAN_OTHER", "/usr/share/unicode/Unihan_OtherMappings.txt.bz2")
)

LATIN_RANGES = [
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x00FF),  # Latin-1 Supplement
    (0x0100, 0x017F),  # Latin Extended-A (ł ğ ş ő ...)
    (0x0180, 0x024F),  # Latin Extended-B (ș ț ǎ ...)
    (0x0250, 0x02FF),  # IPA extensions, spacing modifier letters
    (0x0300, 0x036F),  # combining diacritical marks (decomposed é = e + U+0301)
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x04FF),  # Cyrillic
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese)
    (0x2000, 0x206F),  # general punctuation
    (0x20A0, 0x20CF),  # currency symbols
    (0x2100, 0x214F),  # letterlike symbols (№ ™ ℃)
    (0x2190, 0x21FF),  # arrows
    (0x2212, 0x2212),  # minus sign
]

SYMBOLS = "✓✔✗✘☐☑☒□■○●◯△▲※★☆→←↑↓"

# Hangul (Noto Sans CJK KR, regular only): Korean employees' names. Jamo, compatibility jamo,
# extended jamo A/B and the 11,172 precomposed syllables, plus the last-resort box.
HANGUL_RANGES = [
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x3131, 0x318E),  # Hangul Compatibility Jamo
    (0xA960, 0xA97C),  # Hangul Jamo Extended-A
    (0xAC00, 0xD7A3),  # Hangul Syllables
    (0xD7B0, 0xD7FB),  # Hangul Jamo Extended-B
    (0x25A1, 0x25A1),  # the box drawn for a character no font has
]
HANGUL_FEATURES = ["ccmp", "ljmo", "vjmo", "tjmo"]

# Layout features kept in the CJK subset. `locl` and the vertical features are left out: in
# the SC face they only map to Japanese, Korean and Traditional glyph forms (or vertical
# forms) that a horizontal Simplified-Chinese letter never shows, and they would double the
# size of the subset.
CJK_FEATURES = [
    "ccmp", "kern", "liga", "palt", "halt", "chws", "mark", "mkmk", "calt", "pwid", "fwid",
]


def tgh_chars():
    """The 8105 characters of the 通用规范汉字表 (Unihan kTGH)."""
    chars = set()
    with bz2.open(UNIHAN, "rt", encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 3 and parts[1] == "kTGH":
                chars.add(chr(int(parts[0][2:], 16)))
    if len(chars) != 8105:
        sys.exit(f"expected 8105 kTGH characters in {UNIHAN}, found {len(chars)}")
    return chars


def gb2312_chars():
    """Every character GB 2312 encodes (rows 1-9 symbols, 16-87 hanzi)."""
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def template_chars():
    chars = set()
    for path in sorted(TEMPLATES.rglob("*")):
        if path.is_file() and path.suffix in {".typ", ".toml", ".json", ".txt"}:
            chars |= set(path.read_text(encoding="utf-8", errors="ignore"))
    return {c for c in chars if ord(c) > 0x7E}


def ranges(rs):
    return {chr(c) for lo, hi in rs for c in range(lo, hi + 1)}


def subset_font(font, chars, out, features=None):
    opts = subset.Options()
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.name_legacy = True
    opts.notdef_outline = True
    opts.hinting = False
    opts.recalc_timestamp = False
    opts.drop_tables += ["DSIG", "VORG", "vhea", "vmtx"]
    if features is not None:
        opts.layout_features = features
    cmap = font.getBestCmap()
    wanted = sorted(ord(c) for c in chars if ord(c) in cmap)
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=wanted)
    sub.subset(font)
    font.save(out)
    return len(wanted)


def missing(font, chars):
    cmap = font.getBestCmap()
    return sorted(c for c in chars if ord(c) not in cmap)


def main():
    OUT.mkdir(exist_ok=True)
    tgh = tgh_chars()
    gb = gb2312_chars()
    tmpl = template_chars()
    cjk_set = tgh | gb | ranges([(0x3000, 0x303F), (0xFF01, 0xFFEF)]) | tmpl
    cjk_set |= ranges([(0x20, 0x7E)])
    latin_set = ranges(LATIN_RANGES) | {c for c in tmpl if ord(c) < 0x2E80}
    report = []

    for weight in ("Regular", "Bold"):
        ttc = TTCollection(CJK_DIR / f"NotoSansCJK-{weight}.ttc", recalcTimestamp=False)
        face = next(f for f in ttc.fonts if f["name"].getDebugName(1).startswith("Noto Sans CJK SC"))
        lost = [c for c in missing(face, cjk_set) if "\u4e00" <= c <= "\u9fff" or c in tgh]
        if lost:
            sys.exit(f"Noto Sans CJK SC {weight} lacks {len(lost)} wanted hanzi: {''.join(lost[:40])}")
        out = OUT / f"NotoSansCJKsc-{weight}.otf"
        n = subset_font(face, cjk_set, out, CJK_FEATURES)
        report.append((out.name, n, out.stat().st_size))

        latin = TTFont(CORE_DIR / f"NotoSans-{weight}.ttf", recalcTimestamp=False)
        out = OUT / f"NotoSans-{weight}.ttf"
        n = subset_font(latin, latin_set, out)
        report.append((out.name, n, out.stat().st_size))

    sym = TTFont(CORE_DIR / "NotoSansSymbols2-Regular.ttf", recalcTimestamp=False)
    out = OUT / "NotoSansSymbols2-Regular.ttf"
    n = subset_font(sym, set(SYMBOLS), out)
    report.append((out.name, n, out.stat().st_size))

    ttc = TTCollection(CJK_DIR / "NotoSansCJK-Regular.ttc", recalcTimestamp=False)
    face = next(f for f in ttc.fonts if f["name"].getDebugName(1).startswith("Noto Sans CJK KR"))
    out = OUT / "NotoSansCJKkr-Hangul.otf"
    n = subset_font(face, ranges(HANGUL_RANGES), out, HANGUL_FEATURES)
    report.append((out.name, n, out.stat().st_size))

    print(f"通用规范汉字表 (kTGH): {len(tgh)} characters")
    print(f"GB 2312: {len(gb)} characters ({len(gb - tgh)} not in the 通用规范汉字表)")
    print(f"template characters outside ASCII: {len(tmpl)}")
    for name, n, size in report:
        print(f"{name}: {n} code points, {size} bytes")


if __name__ == "__main__":
    main()
