//! Finding the header row of the employees sheet by its known column names (not assuming row
//! 1: a merged title row above it is normal) and mapping each column to a field.

use super::aliases::ColumnAliases;
use super::values::{CellIn, display, is_blank};
use crate::model::{Field, SalaryBasis};
use calamine::{Data, Range};
use std::collections::BTreeMap;

/// The header row of a sheet and what each of its columns holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// Zero-based sheet row of the header.
    pub row: u32,
    /// Zero-based column of each recognised field (the leftmost when a field repeats).
    pub columns: BTreeMap<Field, u32>,
    /// Header cells naming a field already named by an earlier column: (column, text, field).
    pub repeated: Vec<(u32, String, Field)>,
    /// Header cells that name no known column: (column, text).
    pub unknown: Vec<(u32, String)>,
    /// Row-number columns (`序号`, `No.`): known, never read.
    pub row_numbers: Vec<u32>,
    /// Every non-blank cell of the header as read: (column, text).
    pub cells: Vec<(u32, String)>,
    /// The basis the annual salary header states ("年薪（税前）", "Gross annual salary"), if
    /// any: the default for rows whose salary-basis cell is empty or absent.
    pub salary_basis: Option<SalaryBasis>,
    /// The factor the annual salary header's unit puts on plain numbers (10,000 for
    /// "年收入（万元）"), else 1.
    pub salary_scale: i64,
}

impl Header {
    /// Number of distinct fields recognised.
    pub fn matched(&self) -> usize {
        self.columns.len()
    }
}

/// The text of a header cell, `None` when blank.
fn cell_text(range: &Range<Data>, row: u32, col: u32) -> Option<String> {
    range
        .get_value((row, col))
        .filter(|d| !is_blank(d))
        .map(|d| display(CellIn::new(d)))
}

/// Builds a header from the text of each of its cells: every cell is a field or unknown.
fn from_cells(row: u32, cells: Vec<(u32, String)>, aliases: &ColumnAliases) -> Header {
    let mut h = Header {
        row,
        columns: BTreeMap::new(),
        repeated: Vec::new(),
        unknown: Vec::new(),
        row_numbers: Vec::new(),
        cells: cells.clone(),
        salary_basis: None,
        salary_scale: 1,
    };
    for (col, text) in cells {
        match aliases.field_of_header(&text) {
            Some(field) if h.columns.contains_key(&field) => h.repeated.push((col, text, field)),
            Some(field) => {
                if field == Field::AnnualSalary {
                    h.salary_basis = aliases.salary_basis_in_header(&text);
                    h.salary_scale = aliases.salary_scale_in_header(&text);
                }
                h.columns.insert(field, col);
            }
            None if aliases.is_row_number_header(&text) => h.row_numbers.push(col),
            None => h.unknown.push((col, text)),
        }
    }
    h
}

/// Reads one row as a header.
fn read_row(range: &Range<Data>, row: u32, aliases: &ColumnAliases) -> Header {
    let (Some(start), Some(end)) = (range.start(), range.end()) else {
        return from_cells(row, Vec::new(), aliases);
    };
    let cells = (start.1..=end.1)
        .filter_map(|col| cell_text(range, row, col).map(|t| (col, t)))
        .collect();
    from_cells(row, cells, aliases)
}

/// Reads two rows as one header: a group cell over sub-headers (到期日 over 工作许可 /
/// 居留许可) gives each sub-header plus the group, in whichever order names a column; a cell
/// of the upper row over a blank one (a header merged down) stands alone. A group spans the
/// blank upper cells to its right as long as the lower row has sub-headers there (a merged
/// cell keeps its text in its first cell only).
fn read_two_rows(range: &Range<Data>, upper: u32, aliases: &ColumnAliases) -> Header {
    let lower = upper + 1;
    let (Some(start), Some(end)) = (range.start(), range.end()) else {
        return from_cells(lower, Vec::new(), aliases);
    };
    let mut cells = Vec::new();
    let mut group: Option<String> = None;
    for col in start.1..=end.1 {
        let top = cell_text(range, upper, col);
        let sub = cell_text(range, lower, col);
        match (&top, &sub) {
            (Some(t), _) => {
                // A cell that names a column by itself is not a group label.
                group = aliases.field_of_header(t).is_none().then(|| t.clone());
            }
            (None, None) => group = None,
            (None, Some(_)) => {}
        }
        let text = match (top, sub) {
            (None, None) => continue,
            (Some(t), None) => t,
            (_, Some(s)) => match &group {
                Some(g) => [format!("{s} {g}"), format!("{g} {s}")]
                    .into_iter()
                    .find(|t| aliases.field_of_header(t).is_some())
                    .unwrap_or(s),
                None => s,
            },
        };
        cells.push((col, text));
    }
    from_cells(lower, cells, aliases)
}

/// The header of a sheet: among its first `search_rows` rows (and pairs of rows, for
/// two-level headers), the one naming the most known columns (the upper one on a tie; a pair
/// only when it names more than either of its rows), if it names at least `min_matches`.
pub fn find(range: &Range<Data>, aliases: &ColumnAliases) -> Option<Header> {
    let (start, end) = (range.start()?, range.end()?);
    let last = end.0.min(aliases.search_rows.saturating_sub(1));
    if start.0 > last {
        return None;
    }
    let mut best: Option<Header> = None;
    let consider = |h: Header, best: &mut Option<Header>| {
        if h.matched() >= aliases.min_matches
            && best.as_ref().is_none_or(|b| h.matched() > b.matched())
        {
            *best = Some(h);
        }
    };
    let mut previous: Option<Header> = None;
    for row in start.0..=last {
        let h = read_row(range, row, aliases);
        if let Some(p) = &previous {
            let pair = read_two_rows(range, row - 1, aliases);
            if pair.matched() > p.matched().max(h.matched()) {
                consider(pair, &mut best);
            }
        }
        consider(h.clone(), &mut best);
        previous = Some(h);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::Templates;
    use calamine::Cell;

    fn sheet(rows: &[&[&str]]) -> Range<Data> {
        let mut cells = Vec::new();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if !v.is_empty() {
                    cells.push(Cell::new((r as u32, c as u32), Data::String(v.to_string())));
                }
            }
        }
        Range::from_sparse(cells)
    }

    #[test]
    fn finds_a_header_below_a_title_row() {
        let a = ColumnAliases::load(&Templates::builtin()).unwrap();
        let r = sheet(&[
            &["外籍员工名册 Foreign employees 2026"],
            &[],
            &[
                "序号 No.",
                "姓名\nName",
                "护照号码 Passport No.",
                "国籍 Nationality",
                "备注 Notes",
                "Name",
            ],
            &["1", "Anna", "E1234567", "Poland"],
        ]);
        let h = find(&r, &a).expect("header found");
        assert_eq!(h.row, 2);
        assert_eq!(h.columns.get(&Field::Name), Some(&1));
        assert_eq!(h.columns.get(&Field::PassportNo), Some(&2));
        assert_eq!(h.unknown, vec![(4, "备注 Notes".to_string())]);
        assert_eq!(h.row_numbers, vec![0]);
        assert_eq!(h.repeated, vec![(5, "Name".to_string(), Field::Name)]);
    }

    #[test]
    fn two_level_header_with_a_group_over_sub_headers() {
        let a = ColumnAliases::load(&Templates::builtin()).unwrap();
        let r = sheet(&[
            &["员工名册"],
            &[
                "姓名",
                "护照号码",
                "国家/地区",
                "出生年月",
                "到期日",
                "",
                "备注",
            ],
            &["", "", "", "", "工作许可", "居留许可", ""],
            &[
                "Anna",
                "E1234567",
                "Poland",
                "1985.2",
                "2027-01-10",
                "2027-01-10",
            ],
        ]);
        let h = find(&r, &a).expect("header found");
        assert_eq!(h.row, 2);
        assert_eq!(h.columns.get(&Field::Nationality), Some(&2));
        assert_eq!(h.columns.get(&Field::DateOfBirth), Some(&3));
        assert_eq!(h.columns.get(&Field::WorkPermitExpiry), Some(&4));
        assert_eq!(h.columns.get(&Field::ResidencePermitExpiry), Some(&5));
        assert_eq!(h.unknown, vec![(6, "备注".to_string())]);
        // The English form, group after the sub-headers' row order.
        let r = sheet(&[
            &["Name", "Passport No.", "Nationality", "Expiry date", ""],
            &["", "", "", "Work permit", "Residence permit"],
        ]);
        let h = find(&r, &a).expect("header found");
        assert_eq!(h.columns.get(&Field::WorkPermitExpiry), Some(&3));
        assert_eq!(h.columns.get(&Field::ResidencePermitExpiry), Some(&4));
    }

    #[test]
    fn header_aliases_hr_types_and_a_unit_that_scales() {
        let a = ColumnAliases::load(&Templates::builtin()).unwrap();
        let r = sheet(&[&[
            "姓名",
            "护照号码",
            "国家/地区",
            "来华工作年限",
            "联系电话",
            "年收入（万元）",
        ]]);
        let h = find(&r, &a).expect("header found");
        for (f, c) in [
            (Field::Nationality, 2),
            (Field::YearsInChina, 3),
            (Field::Mobile, 4),
            (Field::AnnualSalary, 5),
        ] {
            assert_eq!(h.columns.get(&f), Some(&c), "{f:?}");
        }
        assert_eq!(h.salary_scale, 10_000);
        assert!(h.unknown.is_empty(), "{:?}", h.unknown);
        let r = sheet(&[&["姓名", "护照号码", "国籍", "年薪（元）"]]);
        assert_eq!(find(&r, &a).unwrap().salary_scale, 1);
    }

    #[test]
    fn no_header_when_too_few_columns_match() {
        let a = ColumnAliases::load(&Templates::builtin()).unwrap();
        let r = sheet(&[&["Name", "Something", "Else"], &["Anna", "x", "y"]]);
        assert!(find(&r, &a).is_none());
        assert!(find(&Range::empty(), &a).is_none());
    }
}
