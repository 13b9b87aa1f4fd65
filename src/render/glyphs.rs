//! What the documents may print: before a document is rendered, every string of the data it
//! receives is cleaned so that one character can never lose a packet.
//!
//! - Control and invisible characters (ESC, CR, zero-width spaces and joiners, the soft
//!   hyphen, bidi controls, BOM, variation selectors, tag characters) print nothing and can
//!   reorder or hide text: they are removed.
//! - A character no font has (an emoji, a script permitpack bundles no font for, a rare
//!   hanzi) is drawn as [`FALLBACK`], a box every built-in font set has, and reported once
//!   per field as a `template.glyph` warning naming the characters and the field, or the
//!   file when the text is a scan's or photo's file name. A combining mark that follows a
//!   replaced character belongs to the same box.

use super::data::RowRef;
use super::fields::{Labels, locate};
use super::fonts::FontSet;
use crate::codes;
use crate::issue::Issue;
use serde_json::Value;
use unicode_normalization::char::is_combining_mark;

/// The last-resort glyph: drawn in place of a character no font has.
pub const FALLBACK: char = '\u{25A1}';

/// Distinct characters named in one warning; the rest are counted.
const MAX_NAMED: usize = 8;

/// Characters that print nothing and can reorder or hide text; never legitimate in a name,
/// an address or a file name on a letter.
pub fn invisible(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c as u32,
            0x00AD | 0x034F | 0x061C | 0x115F | 0x1160 | 0x17B4 | 0x17B5 | 0x180B..=0x180F
            | 0x200B..=0x200F | 0x2028..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFE00..=0xFE0F
            | 0xFEFF | 0xFFA0 | 0xFFF9..=0xFFFB | 0xE0000..=0xE0FFF)
}

/// `text` as the documents print it: invisible characters removed, uncovered ones replaced
/// by [`FALLBACK`]; with the distinct uncovered characters, in order of appearance.
pub fn printable(fonts: &FontSet, text: &str) -> (String, Vec<char>) {
    let mut out = String::with_capacity(text.len());
    let mut missing: Vec<char> = Vec::new();
    let mut replaced_last = false;
    for c in text.chars() {
        if invisible(c) {
            continue;
        }
        if fonts.covers(c) {
            out.push(c);
            replaced_last = false;
            continue;
        }
        if !missing.contains(&c) {
            missing.push(c);
        }
        if !(replaced_last && is_combining_mark(c)) {
            out.push(FALLBACK);
        }
        replaced_last = true;
    }
    (out, missing)
}

/// Cleans every string in `data` (see the module doc) and returns one warning per field
/// whose characters were replaced.
pub fn clean(
    fonts: &FontSet,
    data: &mut Value,
    labels: &Labels,
    employee: &str,
    source: &RowRef,
) -> Vec<Issue> {
    let mut issues: Vec<Issue> = Vec::new();
    let mut path = Vec::new();
    walk(data, &mut path, &mut |path, text| {
        let (clean, missing) = printable(fonts, text);
        // The problem notes repeat other issues' messages, whose own field or file is
        // reported: naming the note as well would only repeat it. The upload list repeats the
        // checklist's item names and matched file names and the photo's file name, which are
        // reported where they first appear.
        if !missing.is_empty() && !path.starts_with("notes.") && !path.starts_with("uploads.") {
            let field_path = super::data::bilingual_source(path).unwrap_or(path);
            let issue = warning(labels, employee, field_path, text, &missing, source);
            if !issues.contains(&issue) {
                issues.push(issue);
            }
        }
        if clean.len() != text.len() || clean != *text {
            *text = clean;
        }
    });
    issues
}

fn warning(
    labels: &Labels,
    employee: &str,
    path: &str,
    text: &str,
    missing: &[char],
    source: &RowRef,
) -> Issue {
    let (en, zh) = labels.field(path);
    let mut shown: Vec<String> = missing
        .iter()
        .take(MAX_NAMED)
        .map(|c| c.to_string())
        .collect();
    let mut codes: Vec<String> = missing
        .iter()
        .take(MAX_NAMED)
        .map(|c| format!("U+{:04X}", *c as u32))
        .collect();
    if missing.len() > MAX_NAMED {
        shown.push("…".into());
        codes.push(format!("+{}", missing.len() - MAX_NAMED));
    }
    let issue = Issue::warning(codes::TEMPLATE_GLYPH)
        .arg("employee", employee)
        .arg("char", shown.join(" "))
        .arg("code", codes.join(", "))
        .arg("field", en)
        .arg("field_zh", zh)
        .arg("fallback", FALLBACK);
    // A file name listed on the cover: the warning is about that file.
    let generic: Vec<&str> = path
        .split('.')
        .filter(|s| s.parse::<usize>().is_err())
        .collect();
    match generic.as_slice() {
        ["checklist", "files"] | ["photo", "file"] => issue.file(text),
        _ => locate(issue, path, source),
    }
}

/// Calls `f` with the dotted path (`employee.name`, `checklist.3.how_zh`) of every string.
fn walk(v: &mut Value, path: &mut Vec<String>, f: &mut impl FnMut(&str, &mut String)) {
    match v {
        Value::String(s) => f(&path.join("."), s),
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                path.push(i.to_string());
                walk(item, path, f);
                path.pop();
            }
        }
        Value::Object(map) => {
            for (k, item) in map.iter_mut() {
                path.push(k.clone());
                walk(item, path, f);
                path.pop();
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(mut data: Value) -> (Value, Vec<Issue>) {
        let fonts = FontSet::builtin().unwrap();
        let mut source = RowRef {
            sheet: "Staff".into(),
            row: 7,
            ..Default::default()
        };
        source.cells.insert("name".into(), "B7".into());
        let issues = clean(&fonts, &mut data, &Labels::default(), "Test", &source);
        (data, issues)
    }

    #[test]
    fn covered_text_passes_unchanged() {
        let data = json!({
            "employee": {"name": "Łukasz Öztürk-Şahin", "chinese_name": "陆卡斯"},
            "company": {"name_zh": "深圳市前海示例科技有限公司（测试）", "address": "#import ] $x$ *b* <x>"},
            "checklist": [{"how_zh": "个人所得税 App ✓", "files": ["a\tb.pdf"]}],
        });
        let (out, issues) = run(data.clone());
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(out, data);
    }

    #[test]
    fn hangul_is_covered() {
        let (out, issues) =
            run(json!({"employee": {"chinese_name": "김민준", "name": "KIM MINJUN"}}));
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(out["employee"]["chinese_name"], "김민준");
    }

    #[test]
    fn invisible_and_control_characters_are_removed_without_a_warning() {
        let (out, issues) = run(json!({"employee": {
            "name": "AN\u{200B}NA\u{00AD} \u{1B}[31mLEE\r",
            "position": "Eng\u{202E}ineer\u{FEFF}\u{2066}",
        }}));
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(out["employee"]["name"], "ANNA [31mLEE");
        assert_eq!(out["employee"]["position"], "Engineer");
    }

    #[test]
    fn uncovered_characters_are_boxed_and_named_once_per_field() {
        let (out, issues) = run(json!({
            "employee": {"name": "Anna 😀😀\u{FE0F}", "position": "สมชาย"},
            "company": {"address": "𠀀 street"},
            "checklist": [{"files": ["passport 👍.pdf", "ok.pdf"]}],
        }));
        assert_eq!(out["employee"]["name"], "Anna □□");
        // Thai vowels and tone marks combine with the consonant before them: one box.
        assert_eq!(out["employee"]["position"], "□□□□□");
        assert_eq!(out["checklist"][0]["files"][0], "passport □.pdf");
        assert_eq!(issues.len(), 4, "{issues:?}");
        assert!(issues.iter().all(|i| !i.is_error()));
        let name = issues
            .iter()
            .find(|i| i.get("field") == Some("employee.name"))
            .unwrap();
        assert_eq!(name.get("char"), Some("😀"));
        assert_eq!(name.get("code"), Some("U+1F600"));
        assert_eq!(name.at.cell.as_deref(), Some("B7"));
        assert_eq!(name.at.row, Some(7));
        let addr = issues
            .iter()
            .find(|i| i.get("field") == Some("company.address"))
            .unwrap();
        assert_eq!(addr.get("code"), Some("U+20000"));
        assert_eq!(addr.at.row, None, "company values have no roster row");
        let file = issues.iter().find(|i| i.at.file.is_some()).unwrap();
        assert_eq!(file.at.file.as_deref(), Some("passport 👍.pdf"));
        assert_eq!(file.get("code"), Some("U+1F44D"));
    }

    #[test]
    fn the_language_parts_of_a_cell_are_reported_as_the_cell() {
        let (_, issues) = run(json!({"employee": {
            "name": "A", "name_zh": "😀", "name_en": "😀",
            "position": "Chief 🚀 首席", "position_en": "Chief 🚀", "position_zh": "首席",
        }}));
        let fields: Vec<_> = issues.iter().filter_map(|i| i.get("field")).collect();
        // name_zh / name_en are not parts of a bilingual cell: each is its own field.
        assert_eq!(
            fields,
            ["employee.name_en", "employee.name_zh", "employee.position"]
        );
    }

    #[test]
    fn a_long_list_of_characters_is_cut() {
        let text: String = ('\u{0E01}'..='\u{0E20}').collect();
        let (_, issues) = run(json!({"employee": {"name": text}}));
        assert_eq!(issues.len(), 1);
        assert!(
            issues[0].get("code").unwrap().ends_with("+24"),
            "{issues:?}"
        );
    }
}
