//! The terminal's employee table and roster-problem list: one line per employee (two with
//! `--lang both`: Chinese, then English), fitted to the terminal's width by cutting the
//! problem column, with CJK characters counted as two columns. An employee's passport number
//! is masked in the line and its problem ([`Line::of`]); the roster problems are masked by the
//! caller, who knows the roster's numbers. The column widths and cells are [`layout`]'s,
//! the drawing [`render`]'s, the text around the table (roster problems, wrapped lines)
//! [`text`]'s.

mod layout;
mod render;
mod text;

pub use render::render;
pub use text::{roster_problems, ui_lines, wrap};

use crate::catalog::{Catalog, Lang};
use crate::model::mask_id;
use crate::outcome::EmployeeOutcome;
use crate::report;

/// Width used when the output is not a terminal and `COLUMNS` is not set: wide enough for a
/// log file, narrow enough that a problem stays one line.
const UNFITTED_WIDTH: usize = 160;

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
                        .find(|i| i.code == crate::codes::ELIGIBILITY_NOT_YET)
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
pub(super) fn langs(lang: Lang) -> &'static [Lang] {
    match lang {
        Lang::Zh => &[Lang::Zh],
        Lang::En => &[Lang::En],
        Lang::Both => &[Lang::Zh, Lang::En],
    }
}

/// The text of one line's language, the other when that one is empty.
pub(super) fn pick<'a>(lang: Lang, zh: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::En if !en.is_empty() => en,
        Lang::En => zh,
        _ if zh.is_empty() => en,
        _ => zh,
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::assets::Templates;

    pub(in crate::cli) fn catalog() -> Catalog {
        Catalog::load(&Templates::builtin()).unwrap()
    }

    pub(in crate::cli) fn lines() -> Vec<Line> {
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
}
