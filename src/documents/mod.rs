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
//! - a name that contains one of an item's `not_keywords` never matches that item
//!   (`居留许可延期申请` is an application, not the Residence Permit page);
//! - the longest match wins; on a tie an id match beats a keyword match, then the earlier
//!   item in the checklist wins. So `company_tax_certificate_2025` is the company item, not
//!   `tax_certificate`, and `公司纳税证明` is the company item while `完税证明` is personal.
//!
//! Employee files are matched against every item; `_company/` files only against the
//! company-side items (and are ignored when the checklist has none, as for a category with
//! no list).

pub mod folder;
pub mod owner;
pub mod sniff;

use crate::codes;
use crate::issue::Issue;
use crate::outcome::ChecklistLine;
use crate::rules::{ChecklistItem, ItemKind};
pub use crate::text::{scan_key, stem};
use serde::Serialize;

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

/// A compiled pattern of one item.
struct Pattern<'a> {
    text: &'a str,
    chars: usize,
    is_id: bool,
    ascii: bool,
}

impl<'a> Pattern<'a> {
    fn new(text: &'a str, is_id: bool) -> Pattern<'a> {
        Pattern {
            chars: text.chars().count(),
            ascii: text.is_ascii(),
            text,
            is_id,
        }
    }
}

/// The normalised id, keywords and excluding words of each item.
struct Matcher<'a> {
    patterns: Vec<Vec<Pattern<'a>>>,
    excludes: Vec<Vec<Pattern<'a>>>,
}

impl<'a> Matcher<'a> {
    /// `computed[i]` holds the keys (match, exclude) of item `i` when it came without them
    /// (an item built by hand rather than loaded).
    fn new(
        items: &'a [ChecklistItem],
        computed: &'a [Option<(Vec<String>, Vec<String>)>],
    ) -> Matcher<'a> {
        let compile = |keys: &'a [String], ids: bool| -> Vec<Pattern<'a>> {
            keys.iter()
                .enumerate()
                .filter(|(_, k)| !k.is_empty())
                .map(|(i, k)| Pattern::new(k.as_str(), ids && i == 0))
                .collect()
        };
        let mut patterns = Vec::with_capacity(items.len());
        let mut excludes = Vec::with_capacity(items.len());
        for (item, computed) in items.iter().zip(computed) {
            let (keys, not) = match computed {
                Some((k, n)) => (k.as_slice(), n.as_slice()),
                None => (item.match_keys.as_slice(), item.exclude_keys.as_slice()),
            };
            patterns.push(compile(keys, true));
            excludes.push(compile(not, false));
        }
        Matcher { patterns, excludes }
    }

    /// The best item for a normalised stem among `allowed` items, as an index.
    fn best(&self, stem: &str, allowed: impl Fn(usize) -> bool) -> Option<usize> {
        // Score: (length, id match); larger is better; ties go to the earlier item.
        let mut best: Option<((usize, bool), usize)> = None;
        for (idx, patterns) in self.patterns.iter().enumerate() {
            if !allowed(idx) || self.excludes[idx].iter().any(|p| p.matches(stem)) {
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

/// Which side of a two-sided card a file name says it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Side {
    Front,
    Unsaid,
    Back,
}

/// The side a normalised stem names: `front`/`正面`/`首页` or `back`/`背面`/`反面`.
fn side(stem: &str) -> Side {
    let words = |list: &[&str]| {
        list.iter().any(|w| {
            if w.is_ascii() {
                stem.split(|c: char| !c.is_ascii_alphabetic())
                    .any(|t| t == *w)
            } else {
                stem.contains(w)
            }
        })
    };
    if words(&["front", "正面", "首页", "正页"]) {
        Side::Front
    } else if words(&["back", "reverse", "背面", "反面", "背页"]) {
        Side::Back
    } else {
        Side::Unsaid
    }
}

/// A file's order within its item: front before an unsaid side before back, then by name.
fn file_order(name: &str) -> (Side, String) {
    let shown = name.rsplit('/').next().unwrap_or(name);
    (side(&scan_key(stem(shown))), name.to_string())
}

/// Whether several files of one item are the sides of one card (front and back), which is
/// one document rather than duplicates.
fn are_sides(files: &[String]) -> bool {
    let sides: Vec<Side> = files.iter().map(|f| file_order(f).0).collect();
    files.len() == 2 && sides.contains(&Side::Front) && sides.contains(&Side::Back)
}

/// Matches an employee's scans and the shared company scans to the checklist.
///
/// `employee_files` and `company_files` are plain file names (not paths). An item without a
/// scan (upload and original alike) gives `document.missing` (error), or a warning when the
/// item is optional: `document.company_missing` (company side) or `document.may_ask_missing`
/// (the window may ask). A file that fits no item gives `document.unmatched` (warning); two
/// or more files for one item are all kept (a card's front first) and, unless they are the
/// front and back of one card, reported as `document.duplicate` (warning).
pub fn match_scans(
    items: &[ChecklistItem],
    employee_files: &[String],
    company_files: &[String],
) -> DocumentMatch {
    match_scans_as(items, employee_files, company_files, |name| {
        stem(name).to_string()
    })
}

/// [`match_scans`] with `document(name)` the part of an employee file's name the checklist
/// is matched on: a loose file's name without its owner's name or number
/// ([`folder::FolderScan::document_name`]), without the extension.
pub fn match_scans_as(
    items: &[ChecklistItem],
    employee_files: &[String],
    company_files: &[String],
    document: impl Fn(&str) -> String,
) -> DocumentMatch {
    let computed: Vec<Option<(Vec<String>, Vec<String>)>> = items
        .iter()
        .map(|i| {
            i.match_keys.is_empty().then(|| {
                (
                    crate::rules::match_keys(&i.id, &i.keywords),
                    i.not_keywords.iter().map(|k| scan_key(k)).collect(),
                )
            })
        })
        .collect();
    let matcher = Matcher::new(items, &computed);
    let mut files: Vec<Vec<String>> = vec![Vec::new(); items.len()];
    let mut unmatched = Vec::new();

    let mut sorted: Vec<&String> = employee_files.iter().collect();
    sorted.sort();
    sorted.dedup();
    for name in sorted {
        match matcher.best(&scan_key(&document(name)), |_| true) {
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
    for list in &mut files {
        // Employee files first (the `_company/` ones were pushed after), fronts first.
        list.sort_by_key(|f| (f.starts_with(COMPANY_DIR), file_order(f)));
    }

    let out = items
        .iter()
        .zip(files)
        .map(|(item, files)| ItemMatch {
            id: item.id.clone(),
            status: status_for(item.kind, !files.is_empty()),
            files,
        })
        .collect();
    let mut m = DocumentMatch {
        items: out,
        unmatched,
        issues: Vec::new(),
    };
    m.issues = issues_for(items, &m, &[]);
    m
}

/// The status of an item of this kind with or without a usable scan.
fn status_for(kind: ItemKind, has_scan: bool) -> ItemStatus {
    match kind {
        ItemKind::Generated => ItemStatus::Generated,
        ItemKind::AfterBooking => ItemStatus::AfterBooking,
        ItemKind::Upload | ItemKind::Original if has_scan => ItemStatus::Provided,
        ItemKind::Upload | ItemKind::Original => ItemStatus::Missing,
    }
}

/// The missing, duplicate and unmatched issues of a match. Items in `refused` had files
/// that cannot be uploaded (already reported on each file), so their missing scan is not
/// reported again.
fn issues_for(items: &[ChecklistItem], m: &DocumentMatch, refused: &[String]) -> Vec<Issue> {
    let mut issues = Vec::new();
    for (item, matched) in items.iter().zip(&m.items) {
        // An item of some categories only is named once by the category warning.
        if matched.status == ItemStatus::Missing
            && !refused.contains(&item.id)
            && item.only_for.is_empty()
        {
            issues.push(missing_issue(item));
        }
        if matched.files.len() > 1 && !are_sides(&matched.files) {
            issues.push(
                Issue::warning(codes::DOCUMENT_DUPLICATE)
                    .arg("item", &item.id)
                    .arg("name_zh", &item.name_zh)
                    .arg("name_en", &item.name_en)
                    .arg("count", matched.files.len())
                    .arg("files", matched.files.join(", ")),
            );
        }
    }
    for name in &m.unmatched {
        issues.push(
            Issue::warning(codes::DOCUMENT_UNMATCHED)
                .arg("file", name)
                .file(name.clone()),
        );
    }
    issues
}

/// At most `max` `document.unmatched` warnings per folder (`_company/` apart from the
/// employee's own); the rest are counted in one `document.more_files` line per folder, so a
/// folder of thousands of files gives each employee a few lines, not thousands.
pub fn sum_up_unmatched(issues: Vec<Issue>, max: usize) -> Vec<Issue> {
    let mut per_folder: std::collections::BTreeMap<String, usize> = Default::default();
    let mut out = Vec::with_capacity(issues.len());
    for issue in issues {
        if issue.code == codes::DOCUMENT_UNMATCHED {
            let file = issue.at.file.as_deref().unwrap_or_default();
            let folder = file
                .rsplit_once('/')
                .map_or_else(|| ".".to_string(), |(f, _)| format!("{f}/"));
            let n = per_folder.entry(folder).or_default();
            *n += 1;
            if *n > max {
                continue;
            }
        }
        out.push(issue);
    }
    for (folder, n) in per_folder {
        if n > max {
            out.push(
                Issue::warning(codes::DOCUMENT_MORE_FILES)
                    .arg("count", n - max)
                    .arg("code", codes::DOCUMENT_UNMATCHED)
                    .arg("folder", folder),
            );
        }
    }
    out
}

/// `document.missing` (error) for a required item, a warning for an optional one. An
/// original's message says that the scan is uploaded and the original brought as well.
fn missing_issue(item: &ChecklistItem) -> Issue {
    let issue = if item.company {
        Issue::warning(codes::DOCUMENT_COMPANY_MISSING)
    } else if item.may_ask {
        Issue::warning(codes::DOCUMENT_MAY_ASK_MISSING)
            .arg("source_en", &item.source)
            .arg("source_zh", &item.source_zh)
    } else {
        Issue::error(codes::DOCUMENT_MISSING)
    };
    let (also_zh, also_en) = if item.kind == ItemKind::Original {
        (
            "扫描件需上传至平台“附件信息”页面，原件在现场递交。",
            " The scan is uploaded on the platform's 附件信息 page, and the original is handed in on the day.",
        )
    } else {
        ("", "")
    };
    issue
        .arg("item", &item.id)
        .arg("name_zh", &item.name_zh)
        .arg("name_en", &item.name_en)
        .arg("how_zh", &item.how_zh)
        .arg("how_en", &item.how_en)
        .arg("also_zh", also_zh)
        .arg("also_en", also_en)
}

/// Checks the contents of the matched files. `head(name)` gives the first bytes of a file
/// as the match names it (employee file, or `_company/NAME`), and its size; `Err` when it
/// cannot be read. A file that is not a PDF, JPEG or PNG (by its bytes, whatever its
/// extension) is taken off its item with `document.format` (error, on the file); an item
/// left without files becomes `missing`.
pub fn vet_files(
    items: &[ChecklistItem],
    m: &mut DocumentMatch,
    head: impl Fn(&str) -> std::io::Result<(Vec<u8>, u64)>,
) {
    let mut refused_items = Vec::new();
    let mut file_issues = Vec::new();
    for (item, matched) in items.iter().zip(m.items.iter_mut()) {
        let before = matched.files.len();
        matched.files.retain(|name| {
            let (verdict, opened) = match head(name) {
                Ok((bytes, size)) => (sniff::sniff(&bytes, size), true),
                Err(_) => (sniff::ScanFormat::Unreadable, false),
            };
            if verdict.accepted() {
                return true;
            }
            // A file that cannot be opened (permissions, gone since the listing) is not a
            // wrong format: say what to check. Its item becomes missing either way.
            let code = if opened {
                codes::DOCUMENT_FORMAT
            } else {
                codes::DOCUMENT_UNREADABLE
            };
            let issue = if item.optional() {
                Issue::warning(code)
            } else {
                Issue::error(code)
            };
            file_issues.push(
                issue
                    .arg("file", name)
                    .arg("found_zh", verdict.label_zh())
                    .arg("found_en", verdict.label_en())
                    .arg("item", &item.id)
                    .arg("name_zh", &item.name_zh)
                    .arg("name_en", &item.name_en)
                    .file(name.clone()),
            );
            false
        });
        if matched.files.len() < before {
            if matched.files.is_empty() {
                refused_items.push(item.id.clone());
            }
            matched.status = status_for(item.kind, !matched.files.is_empty());
        }
    }
    if file_issues.is_empty() {
        return;
    }
    // The match's issues again, from the vetted files, then the refused files.
    let mut issues = issues_for(items, m, &refused_items);
    issues.extend(file_issues);
    m.issues = issues;
}

/// The checklist lines for the cover sheet and the reports.
pub fn to_lines(items: &[ChecklistItem], matched: &DocumentMatch) -> Vec<ChecklistLine> {
    items
        .iter()
        .map(|item| {
            let m = matched.items.iter().find(|m| m.id == item.id);
            let status = m.map_or_else(|| status_for(item.kind, false), |m| m.status);
            ChecklistLine {
                id: item.id.clone(),
                name_zh: item.name_zh.clone(),
                name_en: item.name_en.clone(),
                kind: item.kind,
                status,
                optional: item.optional(),
                bring_original: item.kind == ItemKind::Original,
                how_zh: item.how_zh.clone(),
                how_en: item.how_en.clone(),
                files: m.map(|m| m.files.clone()).unwrap_or_default(),
            }
        })
        .collect()
}

/// Statuses when no docs folder was given: every scan item (upload or original) is
/// `missing`, and one `document.not_checked` error says the scans were not looked at: an
/// employee whose scans nobody checked is not ready. Optional items say nothing.
pub fn unchecked(items: &[ChecklistItem]) -> DocumentMatch {
    let out = items
        .iter()
        .map(|item| ItemMatch {
            id: item.id.clone(),
            status: status_for(item.kind, false),
            files: Vec::new(),
        })
        .collect();
    let scans = items
        .iter()
        .filter(|i| matches!(i.kind, ItemKind::Upload | ItemKind::Original) && !i.optional())
        .count();
    let issues = if scans > 0 {
        vec![Issue::error(codes::DOCUMENT_NOT_CHECKED).arg("count", scans)]
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
