//! The employee table drawn: side by side when the problem column is wide enough to read,
//! else each problem on its own lines under its employee; with `--lang both` a Chinese and an
//! English line for the header and for each employee.

use super::Line;
use super::langs;
use super::layout::{
    GAP, MIN_PROBLEM, MIN_SIDE_PROBLEM, Widths, fit, join, layout, problem_cell, right,
};
use super::pick;
use crate::catalog::{Catalog, Lang};

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

/// A column heading in language `l`.
fn heading(catalog: &Catalog, key: &str, l: Lang) -> String {
    catalog.ui(&format!("ui.table.{key}"), l, &[])
}

/// The heading cells both layouts share (row, name, passport, status, deadline).
fn head_cells(catalog: &Catalog, l: Lang, w: &Widths) -> Vec<String> {
    vec![
        right(&heading(catalog, "row", l), w.row),
        fit(&heading(catalog, "name", l), w.name),
        fit(&heading(catalog, "passport", l), w.passport),
        fit(&heading(catalog, "status", l), w.status),
        fit(&heading(catalog, "deadline", l), w.deadline),
    ]
}

fn side_by_side_table(lines: &[Line], catalog: &Catalog, tongues: &[Lang], w: &Widths) -> String {
    let blank = |n: usize| " ".repeat(n);
    let mut out = String::new();
    for &l in tongues {
        let mut cells = head_cells(catalog, l, w);
        cells.push(fit(&heading(catalog, "problem", l), w.problem));
        out.push_str(&join(&cells));
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
    let indent = w.row + GAP.len();
    let problem_width = width.saturating_sub(indent).max(MIN_PROBLEM);
    let mut out = String::new();
    for &l in tongues {
        out.push_str(&join(&head_cells(catalog, l, w)));
    }
    let problem_head: Vec<String> = tongues
        .iter()
        .map(|&l| heading(catalog, "problem", l))
        .collect();
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

#[cfg(test)]
mod tests {
    use super::super::tests::{catalog, lines};
    use super::*;
    use unicode_width::UnicodeWidthStr;

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
}
