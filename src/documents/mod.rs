//! The `documents` stage: matches HR's scan files (an employee's folder and the shared
//! `_company/` folder) to the checklist items, on plain file names. Each item gets a status
//! (generated | provided | missing | bring_original | after_booking); unmatched files,
//! duplicates and missing scans become issues. The filesystem edge is in [`folder`].
//!
//! Matching, on the file name without its extension, after NFKC normalisation, lower-casing
//! and turning every run of non-alphanumeric characters into `_`:
//! - a name that equals or starts with an item id matches that item with the id's length;
//! - a name that contains an item keyword matches it with the keyword's length (an ASCII
//!   keyword must start a word; one shorter than 4 characters must be a whole word);
//! - the longest match wins; on a tie an id match beats a keyword match, then the earlier
//!   item in the checklist wins. So `company_tax_certificate_2025` is the company item, not
//!   `tax_certificate`, and `公司纳税证明` is the company item while `完税证明` is personal.
//!
//! Employee files are matched against every item; `_company/` files only against the
//! company-side items (and are ignored when the checklist has none, as for a category with
//! no list).

pub mod folder;

use crate::issue::Issue;
use crate::outcome::ChecklistLine;
use crate::rules::{ChecklistItem, ItemKind};
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

/// Folder name of the documents shared by every packet, and the prefix of its files in
/// results and messages.
pub const COMPANY_DIR: &str = "_company";

pub use crate::outcome::ItemStatus;

/// One checklist item with its status and matched files.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemMatch {
    pub id: String,
    pub status: ItemStatus,
    /// File names as the user wrote them, employee files first, company files as
    /// `_company/NAME`; sorted within each group.
    pub files: Vec<String>,
}

/// The result of matching one employee's scans.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocumentMatch {
    /// In checklist order.
    pub items: Vec<ItemMatch>,
    /// Files that fit no item (`_company/` prefixed for company files).
    pub unmatched: Vec<String>,
    /// `document.missing`, `document.company_missing`, `document.unmatched`,
    /// `document.duplicate`.
    #[serde(skip)]
    pub issues: Vec<Issue>,
}

impl DocumentMatch {
    /// The status of an item by id.
    pub fn status_of(&self, id: &str) -> Option<ItemStatus> {
        self.items.iter().find(|m| m.id == id).map(|m| m.status)
    }

    /// The matched files of an item by id.
    pub fn files_of(&self, id: &str) -> &[String] {
        self.items
            .iter()
            .find(|m| m.id == id)
            .map_or(&[], |m| m.files.as_slice())
    }
}

/// The key a scan's file name is matched by: lower-cased NFKC text with every run of
/// characters that are not letters or digits turned into one `_`, trimmed of `_`. `"Labour-Contract (signed)"` ->
/// `"labour_contract_signed"`; full-width `ｐａｓｓｐｏｒｔ` -> `passport`.
pub fn scan_key(name: &str) -> String {
    use unicode_normalization::{IsNormalized, is_nfkc_quick};
    let composed: std::borrow::Cow<str> =
        if name.is_ascii() || is_nfkc_quick(name.chars()) == IsNormalized::Yes {
            name.into()
        } else {
            name.nfkc().collect::<String>().into()
        };
    let mut out = String::with_capacity(composed.len());
    let mut pending_sep = false;
    for c in composed.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if pending_sep && !out.is_empty() {
                out.push('_');
            }
            pending_sep = false;
            out.push(c);
        } else {
            pending_sep = true;
        }
    }
    out
}

/// The normalised matching keys of an item: its id first, then its keywords.
pub fn match_keys(id: &str, keywords: &[String]) -> Vec<String> {
    std::iter::once(id)
        .chain(keywords.iter().map(String::as_str))
        .map(scan_key)
        .collect()
}

/// The name without its last extension (`a.b.pdf` -> `a.b`; `.pdf` stays `.pdf`).
pub fn stem(name: &str) -> &str {
    match name.rfind('.') {
        Some(i) if i > 0 => &name[..i],
        _ => name,
    }
}

/// A compiled pattern of one item.
struct Pattern<'a> {
    text: &'a str,
    chars: usize,
    is_id: bool,
    ascii: bool,
}

/// The normalised id and keywords of each item.
struct Matcher<'a> {
    patterns: Vec<Vec<Pattern<'a>>>,
}

impl<'a> Matcher<'a> {
    /// `keys[i]` holds the [`match_keys`] of item `i`.
    fn new(keys: &'a [Vec<String>]) -> Matcher<'a> {
        let patterns = keys
            .iter()
            .map(|keys| {
                keys.iter()
                    .enumerate()
                    .filter(|(_, k)| !k.is_empty())
                    .map(|(i, k)| Pattern {
                        chars: k.chars().count(),
                        ascii: k.is_ascii(),
                        text: k.as_str(),
                        is_id: i == 0,
                    })
                    .collect()
            })
            .collect();
        Matcher { patterns }
    }

    /// The best item for a normalised stem among `allowed` items, as an index.
    fn best(&self, stem: &str, allowed: impl Fn(usize) -> bool) -> Option<usize> {
        // Score: (length, id match) — larger is better; ties go to the earlier item.
        let mut best: Option<((usize, bool), usize)> = None;
        for (idx, patterns) in self.patterns.iter().enumerate() {
            if !allowed(idx) {
                continue;
            }
            let score = patterns
                .iter()
                .filter(|p| p.matches(stem))
                .map(|p| (p.chars, p.is_id))
                .max();
            if let Some(score) = score
                && best.is_none_or(|(b, _)| score > b)
            {
                best = Some((score, idx));
            }
        }
        best.map(|(_, idx)| idx)
    }
}

impl Pattern<'_> {
    /// Whether the pattern fits a normalised stem. Byte-wise: a UTF-8 needle can only match
    /// at a character boundary, and for names this short a plain scan beats `str::find`.
    fn matches(&self, stem: &str) -> bool {
        let (hay, needle) = (stem.as_bytes(), self.text.as_bytes());
        if self.is_id {
            return hay.starts_with(needle);
        }
        let n = needle.len();
        if n == 0 || n > hay.len() {
            return false;
        }
        let whole_word = self.ascii && self.chars < 4;
        (0..=hay.len() - n).any(|at| {
            if hay[at] != needle[0] || &hay[at..at + n] != needle {
                return false;
            }
            if !self.ascii {
                return true;
            }
            let starts_word = at == 0 || !hay[at - 1].is_ascii_alphabetic();
            let ends_word = hay.get(at + n).is_none_or(|b| !b.is_ascii_alphabetic());
            starts_word && (!whole_word || ends_word)
        })
    }
}

/// Matches an employee's scans and the shared company scans to the checklist.
///
/// `employee_files` and `company_files` are plain file names (not paths). Missing upload
/// items give `document.missing` (error) or `document.company_missing` (warning, company
/// side); a file that fits no item gives `document.unmatched` (warning); two or more files
/// for one item are all kept and reported as `document.duplicate` (warning).
pub fn match_scans(
    items: &[ChecklistItem],
    employee_files: &[String],
    company_files: &[String],
) -> DocumentMatch {
    // The checklist items are plain configuration; what the matching needs is derived here
    // (a few dozen short strings, far below the cost of judging one photo).
    let keys: Vec<Vec<String>> = items
        .iter()
        .map(|i| match_keys(&i.id, &i.keywords))
        .collect();
    let matcher = Matcher::new(&keys);
    let mut files: Vec<Vec<String>> = vec![Vec::new(); items.len()];
    let mut unmatched = Vec::new();
    let mut issues = Vec::new();

    let mut sorted: Vec<&String> = employee_files.iter().collect();
    sorted.sort();
    sorted.dedup();
    for name in sorted {
        match matcher.best(&scan_key(stem(name)), |_| true) {
            Some(i) => files[i].push(name.clone()),
            None => unmatched.push(name.clone()),
        }
    }
    if items.iter().any(|i| i.company) {
        let mut sorted: Vec<&String> = company_files.iter().collect();
        sorted.sort();
        sorted.dedup();
        for name in sorted {
            let shown = format!("{COMPANY_DIR}/{name}");
            match matcher.best(&scan_key(stem(name)), |i| items[i].company) {
                Some(i) => files[i].push(shown),
                None => unmatched.push(shown),
            }
        }
    }

    let mut out = Vec::with_capacity(items.len());
    for (item, files) in items.iter().zip(files) {
        let status = match item.kind {
            ItemKind::Generated => ItemStatus::Generated,
            ItemKind::Original => ItemStatus::BringOriginal,
            ItemKind::AfterBooking => ItemStatus::AfterBooking,
            ItemKind::Upload if files.is_empty() => ItemStatus::Missing,
            ItemKind::Upload => ItemStatus::Provided,
        };
        if status == ItemStatus::Missing {
            let issue = if item.company {
                Issue::warning("document.company_missing")
            } else {
                Issue::error("document.missing")
            };
            issues.push(
                issue
                    .arg("item", &item.id)
                    .arg("name_zh", &item.name_zh)
                    .arg("name_en", &item.name_en)
                    .arg("how_zh", &item.how_zh)
                    .arg("how_en", &item.how_en),
            );
        }
        if files.len() > 1 {
            issues.push(
                Issue::warning("document.duplicate")
                    .arg("item", &item.id)
                    .arg("name_zh", &item.name_zh)
                    .arg("name_en", &item.name_en)
                    .arg("count", files.len())
                    .arg("files", files.join(", ")),
            );
        }
        out.push(ItemMatch {
            id: item.id.clone(),
            status,
            files,
        });
    }
    for name in &unmatched {
        issues.push(
            Issue::warning("document.unmatched")
                .arg("file", name)
                .file(name.clone()),
        );
    }
    DocumentMatch {
        items: out,
        unmatched,
        issues,
    }
}

/// The checklist lines for the cover sheet and the reports.
pub fn to_lines(items: &[ChecklistItem], matched: &DocumentMatch) -> Vec<ChecklistLine> {
    items
        .iter()
        .map(|item| {
            let m = matched.items.iter().find(|m| m.id == item.id);
            let status = m.map_or_else(|| default_status(item.kind), |m| m.status);
            ChecklistLine {
                id: item.id.clone(),
                name_zh: item.name_zh.clone(),
                name_en: item.name_en.clone(),
                kind: item.kind,
                status,
                optional: item.company,
                how_zh: item.how_zh.clone(),
                how_en: item.how_en.clone(),
                files: m.map(|m| m.files.clone()).unwrap_or_default(),
            }
        })
        .collect()
}

/// The status an item has before any scan is looked at.
fn default_status(kind: ItemKind) -> ItemStatus {
    match kind {
        ItemKind::Generated => ItemStatus::Generated,
        ItemKind::Original => ItemStatus::BringOriginal,
        ItemKind::AfterBooking => ItemStatus::AfterBooking,
        ItemKind::Upload => ItemStatus::Missing,
    }
}

/// Statuses when no docs folder was given: upload items are `missing` but, instead of one
/// error per item, a single `document.not_checked` warning says the scans were not looked
/// at. Whether that may count as ready is the pipeline's choice.
pub fn unchecked(items: &[ChecklistItem]) -> DocumentMatch {
    let out = items
        .iter()
        .map(|item| ItemMatch {
            id: item.id.clone(),
            status: default_status(item.kind),
            files: Vec::new(),
        })
        .collect();
    let uploads = items
        .iter()
        .filter(|i| i.kind == ItemKind::Upload && !i.company)
        .count();
    let issues = if uploads > 0 {
        vec![Issue::warning("document.not_checked").arg("count", uploads)]
    } else {
        Vec::new()
    };
    DocumentMatch {
        items: out,
        unmatched: Vec::new(),
        issues,
    }
}

#[cfg(test)]
mod tests;
