//! The terminal's employee table and roster-problem list: one line per employee (two with
//! `--lang both`: Chinese, then English), fitted to the terminal's width by cutting the
//! problem column, with CJK characters counted as two columns. An employee's passport number
//! is masked in the line and its problem ([`Line::of`]); the roster problems are masked by the
//! caller, who knows the roster's numbers.

use crate::catalog::{Catalog, Lang};
use crate::codes;
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
/// Narrower than this beside the other columns, the problem goes on its own line.
const MIN_SIDE_PROBLEM: usize = 36;
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
        // Someone whose window opens later is first told when it opens (an age limit that
        // falls before it excepted).
        let not_yet = (o.status == crate::outcome::Status::NotYet)
            .then(|| {
                let urgent = o
                    .issues
                    .iter()
                    .find(|i| i.is_error() && i.code.starts_with("eligibility."));
                urgent.or_else(|| {
                    o.issues
                        .iter()
                        .find(|i| i.code == codes::ELIGIBILITY_NOT_YET)
                })
            })
            .flatten();
        let first = not_yet
            .or_else(|| o.issues.iter().find(|i| i.is_error()))
            .or_else(|| o.issues.first());
        // A file named after the passport number must not show it in full.
        let text = |l: Lang| {
            let text = first.map(|i| catalog.message(i, l)).unwrap_or_default();
            match e.passport_no.as_deref().filter(|p| p.len() > 3) {
                Some(p) => crate::model::mask_in(&text, p),
                None => text,
            }
        };
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

impl Widths {
    /// Everything but the problem column, with the gaps.
    fn fixed(&self) -> usize {
        self.row + self.name + self.passport + self.status + self.deadline + 5 * GAP.len()
    }
}

/// The employee table, `width` columns wide at most (unless even the smallest layout needs
/// more), header first. When the problem column would be too narrow to read beside the
/// others, each problem goes on its own line under its employee, indented.
pub fn render(lines: &[Line], catalog: &Catalog, lang: Lang, width: usize) -> String {
    if lines.is_empty() {
        return String::new();
    }
    let tongues = langs(lang);
    let side_by_side = layout(lines, catalog, tongues, width, false);
    if side_by_side.problem >= MIN_SIDE_PROBLEM {
        return side_by_side_table(lines, catalog, tongues, &side_by_side);
    }
    let w = layout(lines, catalog, tongues, width, true);
    stacked_table(lines, catalog, tongues, &w, width)
}

/// The widths for `width` columns. `stacked`: the statuses of every language share one
/// cell (the problem is not beside them) and there is no problem column.
fn layout(
    lines: &[Line],
    catalog: &Catalog,
    tongues: &[Lang],
    width: usize,
    stacked: bool,
) -> Widths {
    let head = |key: &str, l: Lang| catalog.ui(&format!("ui.table.{key}"), l, &[]);
    let widest = |key: &str, cell: &dyn Fn(&Line, Lang) -> String| {
        tongues
            .iter()
            .flat_map(|&l| {
                std::iter::once(head(key, l)).chain(lines.iter().map(move |x| cell(x, l)))
            })
            .map(|s| s.width())
            .max()
            .unwrap_or(0)
    };
    let status = if stacked {
        let both = |x: &Line| {
            tongues
                .iter()
                .map(|&l| pick(l, &x.status_zh, &x.status_en))
                .collect::<Vec<_>>()
                .join(" ")
        };
        lines
            .iter()
            .map(|x| both(x).width())
            .chain(tongues.iter().map(|&l| head("status", l).width()))
            .max()
            .unwrap_or(0)
    } else {
        widest("status", &|x, l| {
            pick(l, &x.status_zh, &x.status_en).to_string()
        })
    };
    let mut w = Widths {
        row: widest("row", &|x, _| x.row.to_string()),
        name: widest("name", &|x, _| x.name.clone()).min(MAX_NAME),
        passport: widest("passport", &|x, _| x.passport.clone()),
        status,
        deadline: widest("deadline", &|x, _| x.deadline.clone()),
        problem: 0,
    };
    // A narrow terminal takes columns from the name first, down to its minimum.
    let min_name = MIN_NAME.min(w.name);
    let room = if stacked { 0 } else { MIN_SIDE_PROBLEM };
    while w.fixed() + room > width && w.name > min_name {
        w.name -= 1;
    }
    if !stacked {
        w.problem = width.saturating_sub(w.fixed());
    }
    w
}

/// The problem of one line in one language, cut to `width` with the count of further
/// problems kept visible.
fn problem_cell(x: &Line, l: Lang, width: usize) -> String {
    let problem = pick(l, &x.problem_zh, &x.problem_en);
    if problem.is_empty() {
        return String::new();
    }
    let suffix = if x.more > 0 {
        format!(" (+{})", x.more)
    } else {
        String::new()
    };
    format!(
        "{}{suffix}",
        fit(problem, width.saturating_sub(suffix.width())).trim_end()
    )
}

fn side_by_side_table(lines: &[Line], catalog: &Catalog, tongues: &[Lang], w: &Widths) -> String {
    let head = |key: &str, l: Lang| catalog.ui(&format!("ui.table.{key}"), l, &[]);
    let blank = |n: usize| " ".repeat(n);
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
            // The second language's line repeats only what is worded.
            let first = i == 0;
            let only_first = |text: String, n: usize| if first { text } else { blank(n) };
            out.push_str(&join(&[
                only_first(right(&x.row.to_string(), w.row), w.row),
                only_first(fit(&x.name, w.name), w.name),
                only_first(fit(&x.passport, w.passport), w.passport),
                fit(pick(l, &x.status_zh, &x.status_en), w.status),
                only_first(fit(&x.deadline, w.deadline), w.deadline),
                problem_cell(x, l, w.problem),
            ]));
        }
    }
    out
}

fn stacked_table(
    lines: &[Line],
    catalog: &Catalog,
    tongues: &[Lang],
    w: &Widths,
    width: usize,
) -> String {
    let head = |key: &str, l: Lang| catalog.ui(&format!("ui.table.{key}"), l, &[]);
    let indent = w.row + GAP.len();
    let problem_width = width.saturating_sub(indent).max(MIN_PROBLEM);
    let mut out = String::new();
    for &l in tongues {
        out.push_str(&join(&[
            right(&head("row", l), w.row),
            fit(&head("name", l), w.name),
            fit(&head("passport", l), w.passport),
            fit(&head("status", l), w.status),
            fit(&head("deadline", l), w.deadline),
        ]));
    }
    let problem_head: Vec<String> = tongues.iter().map(|&l| head("problem", l)).collect();
    out.push_str(&join(&[
        " ".repeat(w.row),
        fit(&problem_head.join(" / "), problem_width),
    ]));
    for x in lines {
        let status: Vec<&str> = tongues
            .iter()
            .map(|&l| pick(l, &x.status_zh, &x.status_en))
            .collect();
        out.push_str(&join(&[
            right(&x.row.to_string(), w.row),
            fit(&x.name, w.name),
            fit(&x.passport, w.passport),
            fit(&status.join(" "), w.status),
            fit(&x.deadline, w.deadline),
        ]));
        for &l in tongues {
            let p = problem_cell(x, l, problem_width);
            if !p.is_empty() {
                out.push_str(&join(&[" ".repeat(w.row), p]));
            }
        }
    }
    out
}

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
        assert!(
            en.contains("Status") && en.contains("Needs attention"),
            "{en}"
        );
        assert!(!en.contains("状态") && !en.contains("需要处理"), "{en}");
        let zh = render(&lines(), &cat, Lang::Zh, 120);
        assert!(zh.contains("状态") && zh.contains("需要处理"), "{zh}");
        assert!(!zh.contains("Needs attention"), "{zh}");
        // Both: a Chinese and an English line, for the header and for each employee.
        let both = render(&lines(), &cat, Lang::Both, 120);
        let l: Vec<&str> = both.lines().collect();
        assert_eq!(l.len(), 6, "{both}");
        assert!(l[0].contains("状态") && l[1].contains("Status"), "{both}");
        assert!(
            l[2].contains("需要处理") && l[3].contains("Needs attention"),
            "{both}"
        );
        assert!(
            l[4].contains("可以提交") && l[5].contains("Ready"),
            "{both}"
        );
        // The second line repeats neither the row nor the passport.
        assert!(
            !l[3].contains("PA****456") && !l[3].contains(" 4 "),
            "{both}"
        );
    }

    #[test]
    fn a_narrow_terminal_puts_the_problem_under_its_employee() {
        let cat = catalog();
        let t = render(&lines(), &cat, Lang::Both, 80);
        let l: Vec<&str> = t.lines().collect();
        // Two header lines, the problem header, then per employee: the facts with both
        // statuses, the Chinese problem, the English problem (none for a clean employee).
        assert!(l[0].contains("状态") && l[1].contains("Status"), "{t}");
        assert!(
            l[2].contains("首要问题") && l[2].contains("First problem"),
            "{t}"
        );
        assert!(
            l[3].contains("PA****456") && l[3].contains("需要处理 Needs attention"),
            "{t}"
        );
        assert!(l[4].starts_with("     头部周围"), "{t}");
        assert!(
            l[5].starts_with("     Only 0.0 %") && l[5].ends_with("(+3)"),
            "{t}"
        );
        assert!(
            l[6].contains("E1****678") && l[6].contains("可以提交 Ready"),
            "{t}"
        );
        assert_eq!(l.len(), 7, "{t}");
        // The problem gets most of the width.
        assert!(l[5].width() > 70, "{t}");
        let en = render(&lines(), &cat, Lang::En, 80);
        assert!(en.lines().any(|l| l.starts_with("     Only 0.0 %")), "{en}");
    }

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
        let issues =
            vec![Issue::warning(codes::DOCUMENT_UNCLAIMED_FOLDER).arg("folder", "E12345679")];
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
