//! The table's geometry: the width of each column for a terminal width, and cells fitted to
//! their column in terminal columns (a CJK character counts two), cut with `…`.

use super::{Line, pick};
use crate::catalog::{Catalog, Lang};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The name column never takes more than this, so the problem keeps room.
pub(super) const MAX_NAME: usize = 24;
/// Nor less than this, on a narrow terminal.
pub(super) const MIN_NAME: usize = 10;
/// The problem column keeps at least this much, even if the line then wraps.
pub(super) const MIN_PROBLEM: usize = 16;
/// Narrower than this beside the other columns, the problem goes on its own line.
pub(super) const MIN_SIDE_PROBLEM: usize = 36;
/// Space between columns.
pub(super) const GAP: &str = "  ";

/// The column widths of one table.
pub(super) struct Widths {
    pub row: usize,
    pub name: usize,
    pub passport: usize,
    pub status: usize,
    pub deadline: usize,
    pub problem: usize,
}

impl Widths {
    /// Everything but the problem column, with the gaps.
    fn fixed(&self) -> usize {
        self.row + self.name + self.passport + self.status + self.deadline + 5 * GAP.len()
    }
}

/// The widths for `width` columns. `stacked`: the statuses of every language share one
/// cell (the problem is not beside them) and there is no problem column.
pub(super) fn layout(
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
pub(super) fn problem_cell(x: &Line, l: Lang, width: usize) -> String {
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

/// Cells joined by the gap, trailing blanks trimmed, ending the line.
pub(super) fn join(cells: &[String]) -> String {
    let mut line = cells.join(GAP);
    line.truncate(line.trim_end().len());
    line.push('\n');
    line
}

/// `text` in exactly `width` columns: padded, or cut with `…` when longer.
pub(super) fn fit(text: &str, width: usize) -> String {
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
pub(super) fn right(text: &str, width: usize) -> String {
    let body = fit(text, width);
    let body = body.trim_end();
    format!("{}{body}", " ".repeat(width.saturating_sub(body.width())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_cut_by_terminal_columns() {
        assert_eq!(fit("材料清单", 5), "材料…");
        assert_eq!(fit("材料清单", 5).width(), 5);
        assert_eq!(fit("abc", 5), "abc  ");
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("a\tb", 3), "a b");
        assert_eq!(right("12", 4), "  12");
    }
}
