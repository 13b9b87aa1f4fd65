//! The country table of `templates/countries.toml` (CLDR names in English and Chinese) and
//! cells written in two languages: turns a nationality written in one language into the
//! other, so the English text of a letter never prints "俄罗斯" and the Chinese text never
//! prints "Germany".

use crate::assets::{AssetError, Templates};
use serde::Deserialize;
use std::collections::HashMap;

/// One country or region.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Country {
    /// ISO 3166-1 alpha-2.
    pub code: String,
    /// ISO 3166-1 alpha-3 (the passport's machine-readable zone).
    pub alpha3: String,
    pub en: String,
    pub zh: String,
    #[serde(default)]
    pub aliases: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileData {
    #[serde(default)]
    country: Vec<Country>,
}

/// The table, indexed by every name and code it knows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Countries {
    all: Vec<Country>,
    by_key: HashMap<String, usize>,
}

const FILE: &str = "countries.toml";

/// A name as compared: lower case, without spaces, dots, apostrophes, hyphens or brackets.
fn key(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace() && !".'’-_()（）,，·".contains(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Why `countries.toml` cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum CountriesError {
    #[error(transparent)]
    Asset(#[from] AssetError),
    #[error("template {file}: {reason}")]
    Template { file: &'static str, reason: String },
}

/// A value of `countries.toml` that cannot be used.
fn invalid(reason: String) -> CountriesError {
    CountriesError::Template { file: FILE, reason }
}

impl Countries {
    /// From `countries.toml` (the user's templates first). The error names the file.
    pub fn load(templates: &Templates) -> Result<Countries, CountriesError> {
        let text = templates.get_text(FILE)?;
        Countries::parse(&text)
    }

    /// The built-in table (tests, benches and callers without a templates folder).
    pub fn builtin() -> &'static Countries {
        static BUILTIN: std::sync::OnceLock<Countries> = std::sync::OnceLock::new();
        BUILTIN.get_or_init(|| {
            Countries::load(&Templates::builtin()).expect("the built-in countries.toml parses")
        })
    }

    pub fn parse(text: &str) -> Result<Countries, CountriesError> {
        let data: FileData = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        let mut by_key = HashMap::new();
        for (i, c) in data.country.iter().enumerate() {
            if c.en.trim().is_empty() || c.zh.trim().is_empty() {
                return Err(invalid(format!(
                    "country {} needs both `en` and `zh`",
                    c.code
                )));
            }
            // The canonical names and codes first, so an alias never takes them over.
            for name in [&c.en, &c.zh, &c.alpha3] {
                by_key.insert(key(name), i);
            }
        }
        for (i, c) in data.country.iter().enumerate() {
            for name in c.aliases.iter().chain([&c.code]) {
                by_key.entry(key(name)).or_insert(i);
            }
        }
        Ok(Countries {
            all: data.country,
            by_key,
        })
    }

    /// The country a nationality cell names, in either language.
    pub fn find(&self, name: &str) -> Option<&Country> {
        let k = key(name);
        if k.is_empty() {
            return None;
        }
        self.by_key.get(&k).map(|&i| &self.all[i])
    }

    pub fn len(&self) -> usize {
        self.all.len()
    }

    pub fn is_empty(&self) -> bool {
        self.all.is_empty()
    }
}

/// Splits a cell written in both languages into its Chinese and its English part: one run
/// of Chinese (with Chinese punctuation, no Latin letters) before or after one run with Latin
/// letters, apart from separators (spaces, `/`, brackets). Anything else, or a cell in one
/// language, gives the whole cell for both.
pub fn split_bilingual(cell: &str) -> (String, String) {
    let whole = || (cell.trim().to_string(), cell.trim().to_string());
    let is_han = |c: char| matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F);
    let is_latin = |c: char| c.is_alphabetic() && !is_han(c);
    let sep = |c: char| c.is_whitespace() || "/|\\()（）[]【】-–—,，、:：;；".contains(c);
    let (Some(first), Some(last)) = (
        cell.char_indices()
            .find(|(_, c)| is_han(*c))
            .map(|(i, _)| i),
        cell.char_indices()
            .filter(|(_, c)| is_han(*c))
            .last()
            .map(|(i, c)| i + c.len_utf8()),
    ) else {
        return whole();
    };
    let zh = &cell[first..last];
    if zh.chars().any(is_latin) {
        return whole();
    }
    // The parts must be apart: "UX设计师" is one Chinese term, not "UX" + "设计师".
    let joined = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    if joined(cell[..first].chars().last()) || joined(cell[last..].chars().next()) {
        return whole();
    }
    let before = cell[..first].trim_matches(sep);
    let after = cell[last..].trim_matches(sep);
    let en = match (before.is_empty(), after.is_empty()) {
        (false, true) => before,
        (true, false) => after,
        _ => return whole(),
    };
    if !en.chars().any(is_latin) || en.chars().any(is_han) {
        return whole();
    }
    (zh.trim().to_string(), en.trim().to_string())
}

/// The Chinese and the English name of a nationality cell: its own parts when it is written
/// in both languages, else the other language from the country table; a name the table
/// does not know stays as written in both (see [`crate::render::data::language_gaps`]).
pub fn nationality_parts(cell: &str, countries: &Countries) -> (String, String) {
    let (zh, en) = split_bilingual(cell);
    if zh != en {
        return (zh, en);
    }
    match countries.find(cell) {
        Some(c) if has_han(cell) => (zh, c.en.clone()),
        Some(c) => (c.zh.clone(), c.en.clone()),
        None => (zh, en),
    }
}

pub(crate) fn has_han(s: &str) -> bool {
    s.chars()
        .any(|c| matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin() -> Countries {
        Countries::load(&Templates::builtin()).unwrap()
    }

    #[test]
    fn names_in_either_language_and_common_forms() {
        let c = builtin();
        assert!(c.len() > 240);
        for (cell, en, zh) in [
            ("俄罗斯", "Russia", "俄罗斯"),
            ("Russian Federation", "Russia", "俄罗斯"),
            ("germany", "Germany", "德国"),
            ("德国", "Germany", "德国"),
            ("USA", "United States", "美国"),
            ("美国", "United States", "美国"),
            ("U.K.", "United Kingdom", "英国"),
            ("英国", "United Kingdom", "英国"),
            ("韩国", "South Korea", "韩国"),
            ("Korea, Republic of", "South Korea", "韩国"),
            ("法国", "France", "法国"),
            ("波兰", "Poland", "波兰"),
            ("巴西", "Brazil", "巴西"),
            ("日本", "Japan", "日本"),
            ("DEU", "Germany", "德国"),
            ("Côte d’Ivoire", "Côte d’Ivoire", "科特迪瓦"),
        ] {
            let got = c.find(cell).unwrap_or_else(|| panic!("{cell} not found"));
            assert_eq!((got.en.as_str(), got.zh.as_str()), (en, zh), "{cell}");
        }
        for cell in ["", "Atlantis", "火星", "IN-DE"] {
            assert!(c.find(cell).is_none(), "{cell}");
        }
    }

    #[test]
    fn a_name_missing_a_language_is_refused() {
        let err = Countries::parse(
            "[[country]]\ncode = \"XX\"\nalpha3 = \"XXX\"\nen = \"X\"\nzh = \"\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("countries.toml") && err.contains("XX"),
            "{err}"
        );
    }
}
