//! The terminal's employee table and roster-problem list: one line per employee (two with
//! `--lang both`: Chinese, then English), fitted to the terminal's width by cutting the
//! problem column, with CJK characters counted as two columns. Passport numbers arrive
//! masked; nothing here masks or unmasks text.

use crate::catalog::{Catalog, Lang};
use crate::issue::Issue;
use crate::model::mask_id;
use crate::outcome::EmployeeOutcome;
use crate::report;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Width used when the output is not a terminal and `COLUMNS` is not set: wide enough for a
/// log file, narrow enough that a problem stays one line.
const UNFITTED_WIDTH: usize = 160;
/// The name column never takes more than this, so the problem keeps room.
const MAX_NAME: usize = 24;
/// Nor less than this, on a narrow terminal.
const MIN_NAME: usize = 10;
/// The problem column keeps at least this much, even if the line then wraps.
const MIN_PROBLEM: usize = 16;
/// Space between columns.
const GAP: &str = "  ";

/// The width to fit: the terminal's when stdout is one, else `COLUMNS`, else
/// [`UNFITTED_WIDTH`].
pub fn output_width() -> usize {
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal()
        && let Some((_, cols)) = console::Term::stdout().size_checked()
    {
        return usize::from(cols);
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c >= 20)
        .unwrap_or(UNFITTED_WIDTH)
}

/// One employee of the table. Texts come in both languages; the table shows what `--lang`
/// asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub row: u32,
    pub name: String,
    /// Already masked.
    pub passport: String,
    pub status_zh: String,
    pub status_en: String,
    pub deadline: String,
    pub problem_zh: String,
    pub problem_en: String,
    /// How many more problems the employee has beyond the one shown.
    pub more: usize,
}

impl Line {
    /// The table line of one employee: the first error (else the first warning) is the
    /// problem shown. The passport number is masked here: it comes from the roster.
    pub fn of(o: &EmployeeOutcome, catalog: &Catalog) -> Line {
        let e = &o.employee;
        let status = format!("ui.status.{}", report::status_key(o.status));
        let first = o
            .issues
            .iter()
            .find(|i| i.is_error())
            .or_else(|| o.issues.first());
        let text = |l: Lang| first.map(|i| catalog.message(i, l)).unwrap_or_default();
        Line {
            row: e.row,
            name: e
                .name
                .as_deref()
                .or(e.chinese_name.as_deref())
                .unwrap_or("")
                .to_string(),
            passport: e.passport_no.as_deref().map(mask_id).unwrap_or_default(),
            status_zh: catalog.ui(&status, Lang::Zh, &[]),
            status_en: catalog.ui(&status, Lang::En, &[]),
            deadline: o.deadline.map(|d| d.to_string()).unwrap_or_default(),
            problem_zh: text(Lang::Zh),
            problem_en: text(Lang::En),
            more: o.issues.len().saturating_sub(1),
        }
    }
}

/// The languages of the table's lines, in order.
fn langs(lang: Lang) -> &'static [Lang] {
    match lang {
        Lang::Zh => &[Lang::Zh],
        Lang::En => &[Lang::En],
        Lang::Both => &[Lang::Zh, Lang::En],
    }
}

/// The text of one line's language, the other when that one is empty.
fn pick<'a>(lang: Lang, zh: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::En if !en.is_empty() => en,
        Lang::En => zh,
        _ if zh.is_empty() => en,
        _ => zh,
    }
}

/// The column widths of one table.
struct Widths {
    row: usize,
    name: usize,
    passport: usize,
    status: usize,
    deadline: usize,
    problem: usize,
}

/// The employee table, `width` columns wide at most (unless even the smallest layout needs
/// more), header first.
pub fn render(lines: &[Line], catalog: &Catalog, lang: Lang, width: usize) -> String {
    if lines.is_empty() {
        return String::new();
    }
    let head = |key: &str, l: Lang| catalog.ui(&format!("ui.table.{key}"), l, &[]);
    let tongues = langs(lang);
    let widest = |f: &dyn Fn(Lang) -> Vec<String>| {
        tongues
            .iter()
            .flat_map(|&l| f(l))
            .map(|s| s.width())
            .max()
            .unwrap_or(0)
    };
    let mut w = Widths {
        row: widest(&|l| {
            std::iter::once(head("row", l))
                .chain(lines.iter().map(|x| x.row.to_string()))
                .collect()
        }),
        name: widest(&|l| {
            std::iter::once(head("name", l))
                .chain(lines.iter().map(|x| x.name.clone()))
                .collect()
        })
        .min(MAX_NAME),
        passport: widest(&|l| {
            std::iter::once(head("passport", l))
                .chain(lines.iter().map(|x| x.passport.clone()))
                .collect()
        }),
        status: widest(&|l| {
            std::iter::once(head("status", l))
                .chain(
                    lines
                        .iter()
                        .map(|x| pick(l, &x.status_zh, &x.status_en).to_string()),
                )
                .collect()
        }),
        deadline: widest(&|l| {
            std::iter::once(head("deadline", l))
                .chain(lines.iter().map(|x| x.deadline.clone()))
                .collect()
        }),
        problem: 0,
    };
    let fixed = |w: &Widths| w.row + w.name + w.passport + w.status + w.deadline + 5 * GAP.len();
    // A narrow terminal takes columns from the name first, down to its minimum.
    let min_name = MIN_NAME.min(w.name);
    while fixed(&w) + MIN_PROBLEM > width && w.name > min_name {
        w.name -= 1;
    }
    w.problem = width.saturating_sub(fixed(&w)).max(MIN_PROBLEM);

    let mut out = String::new();
    for &l in tongues {
        out.push_str(&join(&[
            right(&head("row", l), w.row),
            fit(&head("name", l), w.name),
            fit(&head("passport", l), w.passport),
            fit(&head("status", l), w.status),
            fit(&head("deadline", l), w.deadline),
            fit(&head("problem", l), w.problem),
        ]));
    }
    for x in lines {
        for (i, &l) in tongues.iter().enumerate() {
            let first = i == 0;
            let problem = pick(l, &x.problem_zh, &x.problem_en);
            let suffix = if x.more > 0 && !problem.is_empty() {
                format!(" (+{})", x.more)
            } else {
                String::new()
            };
            let problem = format!(
                "{}{suffix}",
                fit(problem, w.problem.saturating_sub(suffix.width())).trim_end()
            );
            let blank = |n: usize| " ".repeat(n);
            out.push_str(&join(&[
                if first {
                    right(&x.row.to_string(), w.row)
                } else {
                    blank(w.row)
                },
                if first {
                    fit(&x.name, w.name)
                } else {
                    blank(w.name)
                },
                if first {
                    fit(&x.passport, w.passport)
                } else {
                    blank(w.passport)
                },
                fit(pick(l, &x.status_zh, &x.status_en), w.status),
                if first {
                    fit(&x.deadline, w.deadline)
                } else {
                    blank(w.deadline)
                },
                problem,
            ]));
        }
    }
    out
}

/// The roster problems (not tied to one employee), each with where it is; with `--lang
/// both` the English line follows the Chinese one. At most `limit` are listed.
pub fn roster_problems(
    issues: &[Issue],
    place: impl Fn(&Issue) -> String,
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
                out.push_str(&format!("  - {at}{text}\n"));
            } else if text != catalog.message(i, Lang::Zh) {
                out.push_str(&format!("    {text}\n"));
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

/// Cells joined by the gap, trailing blanks trimmed, ending the line.
fn join(cells: &[String]) -> String {
    let mut line = cells.join(GAP);
    line.truncate(line.trim_end().len());
    line.push('\n');
    line
}

/// `text` in exactly `width` columns: padded, or cut with `…` when longer.
fn fit(text: &str, width: usize) -> String {
    let text: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.width() <= width {
        let pad = width - text.width();
        return format!("{text}{}", " ".repeat(pad));
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw + 1 > width {
            break;
        }
        out.push(c);
        used += cw;
    }
    if width > 0 {
        out.push('…');
        used += 1;
    }
    out.push_str(&" ".repeat(width.saturating_sub(used)));
    out
}

/// `text` right-aligned in `width` columns.
fn right(text: &str, width: usize) -> String {
    let body = fit(text, width);
    let body = body.trim_end();
    format!("{}{body}", " ".repeat(width.saturating_sub(body.width())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::Templates;

    fn catalog() -> Catalog {
        Catalog::load(&Templates::builtin()).unwrap()
    }

    fn lines() -> Vec<Line> {
        vec![
            Line {
                row: 4,
                name: "José Luis Muñoz García".into(),
                passport: "PA****456".into(),
                status_zh: "需要处理".into(),
                status_en: "Needs attention".into(),
                deadline: "2027-01-20".into(),
                problem_zh: "头部周围的背景只有 0.0 % 为蓝色（要求至少 90.0 %）；背景平均颜色为 RGB(250, 250, 250)".into(),
                problem_en: "Only 0.0 % of the background around the head is blue (at least 90.0 % needed); its mean colour is RGB(250, 250, 250)".into(),
                more: 3,
            },
            Line {
                row: 120,
                name: "柯安娜".into(),
                passport: "E1****678".into(),
                status_zh: "可以提交".into(),
                status_en: "Ready".into(),
                deadline: "2026-12-26".into(),
                problem_zh: String::new(),
                problem_en: String::new(),
                more: 0,
            },
        ]
    }

    fn widths(text: &str) -> Vec<usize> {
        text.lines().map(UnicodeWidthStr::width).collect()
    }

    #[test]
    fn the_table_fits_the_width_in_every_language() {
        let cat = catalog();
        for width in [80, 100, 120] {
            for lang in [Lang::Zh, Lang::En, Lang::Both] {
                let t = render(&lines(), &cat, lang, width);
                for w in widths(&t) {
                    assert!(w <= width, "{lang:?} at {width}: a line of {w}\n{t}");
                }
                // The count of further problems survives the cut.
                assert!(t.contains("(+3)"), "{t}");
                assert!(t.contains("PA****456") && t.contains("E1****678"), "{t}");
            }
        }
    }

    #[test]
    fn wide_terminals_show_more_of_the_problem() {
        let cat = catalog();
        let narrow = render(&lines(), &cat, Lang::En, 80);
        let wide = render(&lines(), &cat, Lang::En, 200);
        assert!(narrow.contains('…'), "{narrow}");
        assert!(wide.contains("RGB(250, 250, 250) (+3)"), "{wide}");
        assert!(!wide.contains('…'), "{wide}");
    }

    #[test]
    fn columns_line_up_with_chinese_text() {
        let cat = catalog();
        let t = render(&lines(), &cat, Lang::Zh, 100);
        // The passport column starts at the same terminal column on every line.
        let starts: Vec<usize> = t
            .lines()
            .skip(1)
            .map(|l| {
                let i = l.find(['P', 'E']).unwrap();
                l[..i].width()
            })
            .collect();
        assert!(starts.windows(2).all(|p| p[0] == p[1]), "{starts:?}\n{t}");
    }

    #[test]
    fn lang_picks_the_headers_and_statuses() {
        let cat = catalog();
        let en = render(&lines(), &cat, Lang::En, 120);
        assert!(en.contains("Status") && en.contains("Needs attention"), "{en}");
        assert!(!en.contains("状态") && !en.contains("需要处理"), "{en}");
        let zh = render(&lines(), &cat, Lang::Zh, 120);
        assert!(zh.contains("状态") && zh.contains("需要处理"), "{zh}");
        assert!(!zh.contains("Needs attention"), "{zh}");
        // Both: a Chinese and an English line, for the header and for each employee.
        let both = render(&lines(), &cat, Lang::Both, 120);
        let l: Vec<&str> = both.lines().collect();
        assert_eq!(l.len(), 6, "{both}");
        assert!(l[0].contains("状态") && l[1].contains("Status"), "{both}");
        assert!(l[2].contains("需要处理") && l[3].contains("Needs attention"), "{both}");
        assert!(l[4].contains("可以提交") && l[5].contains("Ready"), "{both}");
        // The second line repeats neither the row nor the passport.
        assert!(!l[3].contains("PA****456") && !l[3].contains(" 4 "), "{both}");
    }

    #[test]
    fn cells_are_cut_by_terminal_columns() {
        assert_eq!(fit("材料清单", 5), "材料…");
        assert_eq!(fit("材料清单", 5).width(), 5);
        assert_eq!(fit("abc", 5), "abc  ");
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("a\tb", 3), "a b");
        assert_eq!(right("12", 4), "  12");
    }

    #[test]
    fn roster_problems_follow_the_language() {
        let cat = catalog();
        let issues = vec![Issue::warning("document.unclaimed_folder").arg("folder", "E12345679")];
        let place = |_: &Issue| String::new();
        let both = roster_problems(&issues, place, &cat, Lang::Both, 40);
        let l: Vec<&str> = both.lines().collect();
        assert_eq!(l.len(), 3, "{both}");
        assert!(l[0].contains("名册问题") && l[0].contains("Roster problems"), "{both}");
        assert!(l[1].contains("不属于") && l[1].contains("E12345679"), "{both}");
        assert!(l[2].contains("belongs to no employee"), "{both}");
        let en = roster_problems(&issues, place, &cat, Lang::En, 40);
        assert_eq!(en.lines().count(), 2, "{en}");
    }
}
