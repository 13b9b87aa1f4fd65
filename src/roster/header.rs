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
    /// The basis the annual salary header states ("年薪（税前）", "Gross annual salary"), if
    /// any: the default for rows whose salary-basis cell is empty or absent.
    pub salary_basis: Option<SalaryBasis>,
}

impl Header {
    /// Number of distinct fields recognised.
    pub fn matched(&self) -> usize {
        self.columns.len()
    }
}

/// Reads one row as a header: every non-blank cell is either a field or unknown.
fn read_row(range: &Range<Data>, row: u32, aliases: &ColumnAliases) -> Header {
    let mut h = Header {
        row,
        columns: BTreeMap::new(),
        repeated: Vec::new(),
        unknown: Vec::new(),
        salary_basis: None,
    };
    let (Some(start), Some(end)) = (range.start(), range.end()) else {
        return h;
    };
    for col in start.1..=end.1 {
        let Some(data) = range.get_value((row, col)) else {
            continue;
        };
        if is_blank(data) {
            continue;
        }
        let text = display(CellIn::new(data));
        match aliases.field_of_header(&text) {
            Some(field) if h.columns.contains_key(&field) => h.repeated.push((col, text, field)),
            Some(field) => {
                if field == Field::AnnualSalary {
                    h.salary_basis = aliases.salary_basis_in_header(&text);
                }
                h.columns.insert(field, col);
            }
            None => h.unknown.push((col, text)),
        }
    }
    h
}

/// The header of a sheet: among its first `search_rows` rows, the one naming the most known
/// columns (the upper one on a tie), if it names at least `min_matches`.
pub fn find(range: &Range<Data>, aliases: &ColumnAliases) -> Option<Header> {
    let (start, end) = (range.start()?, range.end()?);
    let last = end.0.min(aliases.search_rows.saturating_sub(1));
    if start.0 > last {
        return None;
    }
    let mut best: Option<Header> = None;
    for row in start.0..=last {
        let h = read_row(range, row, aliases);
        if h.matched() >= aliases.min_matches
            && best.as_ref().is_none_or(|b| h.matched() > b.matched())
        {
            best = Some(h);
        }
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
        assert_eq!(
            h.unknown,
            vec![(0, "序号 No.".to_string()), (4, "备注 Notes".to_string())]
        );
        assert_eq!(h.repeated, vec![(5, "Name".to_string(), Field::Name)]);
    }

    #[test]
    fn no_header_when_too_few_columns_match() {
        let a = ColumnAliases::load(&Templates::builtin()).unwrap();
        let r = sheet(&[&["Name", "Something", "Else"], &["Anna", "x", "y"]]);
        assert!(find(&r, &a).is_none());
        assert!(find(&Range::empty(), &a).is_none());
    }
}
