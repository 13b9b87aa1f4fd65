//! Glyph coverage check: before a document is rendered, every character of the text it
//! receives must be drawable with the fonts, else the page would show an empty box. An
//! uncovered or invisible character is a `template.glyph` issue naming it, its code point
//! and the field it is in.

use super::data::RowRef;
use super::fields::{Labels, locate};
use super::fonts::FontSet;
use crate::issue::Issue;
use serde_json::Value;

/// Characters that print nothing and can reorder or hide text (zero-width and bidi controls,
/// BOM); never legitimate in a name or an address on a letter.
fn invisible(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB)
}

/// Every string in `data` checked against the fonts; one issue per character and field.
pub fn check(
    fonts: &FontSet,
    data: &Value,
    labels: &Labels,
    employee: &str,
    source: &RowRef,
) -> Vec<Issue> {
    let mut issues = Vec::new();
    let mut path = Vec::new();
    // (character, field): the language parts of a bilingual cell are the same field.
    let mut seen: Vec<(char, String)> = Vec::new();
    walk(data, &mut path, &mut |path, text| {
        let path = super::data::bilingual_source(path).unwrap_or(path);
        for c in text.chars() {
            if (invisible(c) || !fonts.covers(c)) && !seen.contains(&(c, path.to_string())) {
                seen.push((c, path.to_string()));
                let (en, zh) = labels.field(path);
                let shown = if invisible(c) || c.is_control() {
                    String::new()
                } else {
                    c.to_string()
                };
                let issue = Issue::error("template.glyph")
                    .arg("employee", employee)
                    .arg("char", shown)
                    .arg("code", format!("U+{:04X}", c as u32))
                    .arg("field", en)
                    .arg("field_zh", zh);
                issues.push(locate(issue, path, source));
            }
        }
    });
    issues
}

/// Calls `f` with the dotted path (`employee.name`, `checklist.3.how_zh`) of every string.
fn walk(v: &Value, path: &mut Vec<String>, f: &mut impl FnMut(&str, &str)) {
    match v {
        Value::String(s) => f(&path.join("."), s),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(i.to_string());
                walk(item, path, f);
                path.pop();
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
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

    fn run(data: Value) -> Vec<Issue> {
        let fonts = FontSet::builtin().unwrap();
        let mut source = RowRef {
            sheet: "Staff".into(),
            row: 7,
            ..Default::default()
        };
        source.cells.insert("name".into(), "B7".into());
        check(&fonts, &data, &Labels::default(), "Test", &source)
    }

    #[test]
    fn covered_text_passes() {
        let issues = run(json!({
            "employee": {"name": "Łukasz Öztürk-Şahin", "chinese_name": "陆卡斯"},
            "company": {"name_zh": "深圳市前海示例科技有限公司（测试）", "address": "#import ] $x$ *b* <x>"},
            "checklist": [{"how_zh": "个人所得税 App ✓"}],
        }));
        assert!(issues.is_empty(), "{issues:?}");
    }

    #[test]
    fn uncovered_and_invisible_characters_are_named_once_per_field() {
        let issues = run(json!({
            "employee": {"name": "Anna 😀😀", "position": "Eng\u{202E}ineer"},
            "company": {"address": "𠀀 street"},
        }));
        assert_eq!(issues.len(), 3, "{issues:?}");
        let name = issues
            .iter()
            .find(|i| i.get("field") == Some("employee.name"))
            .unwrap();
        assert_eq!(name.get("char"), Some("😀"));
        assert_eq!(name.get("code"), Some("U+1F600"));
        assert_eq!(name.at.cell.as_deref(), Some("B7"));
        assert_eq!(name.at.row, Some(7));
        let rlo = issues
            .iter()
            .find(|i| i.get("code") == Some("U+202E"))
            .unwrap();
        assert_eq!(rlo.get("char"), Some(""));
        let addr = issues
            .iter()
            .find(|i| i.get("field") == Some("company.address"))
            .unwrap();
        assert_eq!(addr.get("code"), Some("U+20000"));
        assert_eq!(addr.at.row, None, "company values have no roster row");
    }

    #[test]
    fn the_language_parts_of_a_cell_are_reported_as_the_cell() {
        let issues = run(json!({
            "employee": {"name": "Anna 😀", "position": "x"},
            "employee_parts": {},
        }));
        assert_eq!(issues.len(), 1);
        let issues = run(json!({"employee": {
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
}
