//! The fonts documents are set in: the subset Noto fonts compiled into the binary (see
//! `fonts/README.md`), plus any `fonts/*.ttf|otf|ttc` a company puts in its `--templates`
//! folder. Loaded once into a shared [`FontSet`] (font book + faces) and queried for glyph
//! coverage before rendering.

use super::RenderError;
use crate::assets::Templates;
use typst::foundations::Bytes;
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;

/// Built-in fonts: file name and contents.
static BUILTIN: &[(&str, &[u8])] = &[
    (
        "NotoSans-Regular.ttf",
        include_bytes!("../../fonts/NotoSans-Regular.ttf"),
    ),
    (
        "NotoSans-Bold.ttf",
        include_bytes!("../../fonts/NotoSans-Bold.ttf"),
    ),
    (
        "NotoSansCJKsc-Regular.otf",
        include_bytes!("../../fonts/NotoSansCJKsc-Regular.otf"),
    ),
    (
        "NotoSansCJKsc-Bold.otf",
        include_bytes!("../../fonts/NotoSansCJKsc-Bold.otf"),
    ),
    (
        "NotoSansSymbols2-Regular.ttf",
        include_bytes!("../../fonts/NotoSansSymbols2-Regular.ttf"),
    ),
    // Hangul: Korean employees' names (HR types them into the Chinese-name column).
    (
        "NotoSansCJKkr-Hangul.otf",
        include_bytes!("../../fonts/NotoSansCJKkr-Hangul.otf"),
    ),
];

/// A built-in font file's bytes by its name (`NotoSans-Regular.ttf`).
pub fn builtin_bytes(name: &str) -> Option<&'static [u8]> {
    BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, b)| *b)
}

/// All font faces a document may use, with their book. Cheap to share behind an `Arc`.
pub struct FontSet {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    /// Code points some face covers, as sorted, disjoint, non-adjacent half-open ranges.
    /// typst's own `Coverage::contains` scans a face's runs linearly, and the subset CJK
    /// faces have thousands of runs: checking every character of a cover sheet that way
    /// took 12 % of its render time.
    covered: Vec<(u32, u32)>,
}

impl FontSet {
    /// The built-in fonts only.
    pub fn builtin() -> Result<FontSet, RenderError> {
        let mut fonts = Vec::new();
        for (name, data) in BUILTIN {
            let before = fonts.len();
            fonts.extend(Font::iter(Bytes::new(*data)));
            if fonts.len() == before {
                return Err(RenderError::BuiltinFont(name));
            }
        }
        Ok(FontSet::from_fonts(fonts))
    }

    /// The built-in fonts plus the font files in the templates folder's `fonts/`.
    pub fn load(templates: &Templates) -> Result<FontSet, RenderError> {
        let mut set = FontSet::builtin()?;
        let mut extra = Vec::new();
        for ext in ["ttf", "otf", "ttc", "otc"] {
            for name in templates.list("fonts", ext) {
                let rel = format!("fonts/{name}");
                let data = templates.get(&rel)?;
                let before = extra.len();
                extra.extend(Font::iter(Bytes::new(data.into_owned())));
                if extra.len() == before {
                    return Err(RenderError::Font { file: rel });
                }
            }
        }
        if !extra.is_empty() {
            // A company's own fonts come first so that its template can name them and so
            // that their families win over the built-in ones of the same name.
            extra.append(&mut set.fonts);
            set = FontSet::from_fonts(extra);
        }
        Ok(set)
    }

    fn from_fonts(fonts: Vec<Font>) -> FontSet {
        let mut points: Vec<u32> = fonts
            .iter()
            .flat_map(|f| f.info().coverage.iter())
            .collect();
        points.sort_unstable();
        points.dedup();
        let mut covered: Vec<(u32, u32)> = Vec::new();
        for p in points {
            match covered.last_mut() {
                Some(last) if last.1 == p => last.1 = p + 1,
                _ => covered.push((p, p + 1)),
            }
        }
        FontSet {
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            covered,
        }
    }

    pub fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    pub fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }

    pub fn len(&self) -> usize {
        self.fonts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fonts.is_empty()
    }

    /// Family names, sorted and without duplicates.
    pub fn families(&self) -> Vec<String> {
        let mut names: Vec<String> = self.fonts.iter().map(|f| f.info().family.clone()).collect();
        names.sort();
        names.dedup();
        names
    }

    /// Whether some face can draw `c`. White space counts as drawable.
    pub fn covers(&self, c: char) -> bool {
        if c == ' ' || c == '\n' || c == '\t' {
            return true;
        }
        if c.is_control() {
            return false;
        }
        let c = c as u32;
        // The last range starting at or before `c`.
        let i = self.covered.partition_point(|&(start, _)| start <= c);
        i > 0 && c < self.covered[i - 1].1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_fonts_load_with_their_families() {
        let set = FontSet::builtin().unwrap();
        assert_eq!(set.len(), 6);
        let families = set.families();
        for want in [
            "Noto Sans",
            "Noto Sans CJK KR",
            "Noto Sans CJK SC",
            "Noto Sans Symbols2",
        ] {
            assert!(families.iter().any(|f| f == want), "{want} in {families:?}");
        }
    }

    #[test]
    fn coverage_includes_names_letters_and_marks() {
        let set = FontSet::builtin().unwrap();
        for c in
            "Łukasz Öztürk Şahin Ñúñez Nguyễn Thị 张伟 肆拾捌万元整 ✓✗□○（）：，。김민준ㄱ".chars()
        {
            assert!(set.covers(c), "{c} U+{:04X}", c as u32);
        }
        // An emoji, a rare hanzi outside the 通用规范汉字表 and GB 2312, and a control char.
        for c in ['😀', '𠀀', '\u{7}'] {
            assert!(!set.covers(c), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn merged_coverage_agrees_with_every_face() {
        let set = FontSet::builtin().unwrap();
        for cp in 0u32..0x3_0000 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            if c.is_whitespace() || c.is_control() {
                continue;
            }
            let slow = set.fonts.iter().any(|f| f.info().coverage.contains(cp));
            assert_eq!(set.covers(c), slow, "U+{cp:04X}");
        }
    }
}
