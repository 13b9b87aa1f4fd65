//! Terminal text around the table: the roster problems, interface strings in one or both
//! languages, and lines wrapped to the terminal's width without cutting a word or a Chinese
//! character in two.

use super::langs;
use crate::catalog::{Catalog, Lang};
use crate::issue::Issue;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The roster problems (not tied to one employee), each with where it is; with `--lang
/// both` the English line follows the Chinese one. At most `limit` are listed.
pub fn roster_problems(
    issues: &[Issue],
    place: impl Fn(&Issue) -> String,
    mask: &dyn Fn(String) -> String,
    catalog: &Catalog,
    lang: Lang,
    limit: usize,
) -> String {
    if issues.is_empty() {
        return String::new();
    }
    let mut out = catalog.ui("ui.run.roster_problems", lang, &[]);
    out.push('\n');
    for i in issues.iter().take(limit) {
        let at = place(i);
        let at = if at.is_empty() {
            String::new()
        } else {
            format!("{at}: ")
        };
        for (k, &l) in langs(lang).iter().enumerate() {
            let text = catalog.message(i, l);
            if k == 0 {
                out.push_str(&mask(format!("  - {at}{text}\n")));
            } else if text != catalog.message(i, Lang::Zh) {
                out.push_str(&mask(format!("    {text}\n")));
            }
        }
    }
    if issues.len() > limit {
        let more = (issues.len() - limit).to_string();
        out.push_str(&format!(
            "  {}\n",
            catalog.ui("ui.run.more", lang, &[("count", more)])
        ));
    }
    out
}

/// An interface string for the terminal: with `--lang both` the Chinese line, then the
/// English one (a terminal line joined with ` / ` would wrap mid-sentence).
pub fn ui_lines(catalog: &Catalog, key: &str, lang: Lang, args: &[(&str, String)]) -> String {
    let lines: Vec<String> = langs(lang)
        .iter()
        .map(|&l| catalog.ui(key, l, args))
        .collect();
    match lines.as_slice() {
        [zh, en] if zh == en => zh.clone(),
        _ => lines.join("\n"),
    }
}

/// Lines of text (the roster problems, the counts, the report and access lines) wrapped to
/// `width` terminal columns, so the terminal does not cut a word or a Chinese character in
/// two: an English line breaks at a space, a Chinese one between any two characters. A
/// continued line is indented under its text (after `  - ` for a list item).
pub fn wrap(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, end) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        let lead = body.len() - body.trim_start_matches(' ').len();
        let indent = lead + if body[lead..].starts_with("- ") { 2 } else { 0 };
        if body.width() <= width || width <= indent + 8 {
            out.push_str(line);
            continue;
        }
        let mut rest = body;
        let mut first = true;
        while !rest.is_empty() {
            let room = if first { width } else { width - indent };
            if rest.width() <= room {
                if !first {
                    out.push_str(&" ".repeat(indent));
                }
                out.push_str(rest);
                break;
            }
            // The last break opportunity within `room`: after a space, or before a wide
            // (CJK) character.
            let (mut used, mut cut, mut next) = (0, None, None);
            for (i, c) in rest.char_indices() {
                let cw = c.width().unwrap_or(0);
                if c == ' ' && used <= room {
                    (cut, next) = (Some(i), Some(i + 1));
                } else if cw == 2 && i > 0 && used + cw <= room + cw {
                    (cut, next) = (Some(i), Some(i));
                }
                used += cw;
                if used > room {
                    break;
                }
            }
            let (cut, next) = match (cut, next) {
                (Some(c), Some(n)) if c > 0 => (c, n),
                // No opportunity: cut at the width.
                _ => {
                    let mut used = 0;
                    let i = rest
                        .char_indices()
                        .find(|(_, c)| {
                            used += c.width().unwrap_or(0);
                            used > room
                        })
                        .map_or(rest.len(), |(i, _)| i.max(1));
                    (i, i)
                }
            };
            if !first {
                out.push_str(&" ".repeat(indent));
            }
            out.push_str(rest[..cut].trim_end());
            out.push('\n');
            rest = rest[next..].trim_start_matches(' ');
            first = false;
        }
        out.push_str(end);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::catalog;
    use super::*;

    #[test]
    fn lines_wrap_at_words_and_between_chinese_characters() {
        let en = "  - 员工名册: The employees were read from the sheet '员工名册' (header on row 3, 16 employee rows).\n";
        let wrapped = wrap(en, 40);
        for l in wrapped.lines() {
            assert!(l.width() <= 40, "{l:?} in\n{wrapped}");
        }
        // No word is cut, and the continuation sits under the text of the item.
        let words: Vec<&str> = en.split_whitespace().collect();
        let back: Vec<&str> = wrapped.split_whitespace().collect();
        assert_eq!(words, back, "{wrapped}");
        assert!(
            wrapped
                .lines()
                .skip(1)
                .all(|l| l.starts_with("    ") && !l.starts_with("     ")),
            "{wrapped}"
        );
        let zh = "材料包和报告仅您本人可读（含护照号码和薪资）；如需放在团队文件夹中，请加 --shared 重新运行，让同组用户可读。";
        let wrapped = wrap(zh, 30);
        assert!(wrapped.lines().all(|l| l.width() <= 30), "{wrapped}");
        assert!(wrapped.contains("--shared"), "{wrapped}");
        assert_eq!(wrapped.replace(['\n', ' '], ""), zh.replace(' ', ""));
        // Short lines, and the line ends, are kept as they are.
        assert_eq!(wrap("a b\nc\n", 80), "a b\nc\n");
    }

    #[test]
    fn roster_problems_follow_the_language() {
        let cat = catalog();
        let issues = vec![
            Issue::warning(crate::codes::DOCUMENT_UNCLAIMED_FOLDER).arg("folder", "E12345679"),
        ];
        let place = |_: &Issue| String::new();
        let both = roster_problems(&issues, place, &|l| l, &cat, Lang::Both, 40);
        let l: Vec<&str> = both.lines().collect();
        assert_eq!(l.len(), 3, "{both}");
        assert!(
            l[0].contains("名册问题") && l[0].contains("Roster problems"),
            "{both}"
        );
        assert!(
            l[1].contains("不属于") && l[1].contains("E12345679"),
            "{both}"
        );
        assert!(l[2].contains("belongs to no employee"), "{both}");
        let en = roster_problems(&issues, place, &|l| l, &cat, Lang::En, 40);
        assert_eq!(en.lines().count(), 2, "{en}");
    }
}
