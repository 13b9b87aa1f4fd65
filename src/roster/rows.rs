//! Turning the rows under the header into typed employees, each with the problems of its own
//! cells (missing required value, unreadable date, bad number, duplicate passport number),
//! every problem naming its sheet, row and A1 cell.

use super::RosterRow;
use super::aliases::ColumnAliases;
use super::header::Header;
use super::source::SheetData;
use super::values::{self, CellIn, Problem, is_blank, parse_category};
use crate::codes;
use crate::issue::{Issue, cell_ref};
use crate::model::{Employee, Field, mask_id};
use calamine::Data;
use std::collections::HashMap;

/// Upper bounds for plain numbers; beyond them a value is a typing error.
const MAX_YEARS_IN_CHINA: f64 = 80.0;
const MAX_REQUESTED_TERM: f64 = 10.0;

/// Reads every employee row below the header. Returns the rows and roster-level warnings
/// (rows with text but no known field, total rows and a head count they state that differs,
/// hidden rows: never read, since HR hides the people who left).
pub(crate) fn read(
    sheet: &SheetData,
    header: &Header,
    aliases: &ColumnAliases,
) -> (Vec<RosterRow>, Vec<Issue>) {
    let mut rows = Vec::new();
    let mut roster_issues = Vec::new();
    let (Some(end), Some(last_row)) = (sheet.range.end(), sheet.last_row()) else {
        return (rows, roster_issues);
    };
    let start_col = sheet.range.start().map_or(0, |s| s.1);
    // First row (1-based) and cell of each passport number seen.
    let mut seen: HashMap<String, (u32, String)> = HashMap::new();
    // Employee rows read and hidden rows skipped, above the row and since the last total row,
    // to compare with the head count a total row states.
    let mut counts = Counts::default();
    for row in header.row + 1..=last_row {
        let known_blank = header.columns.values().all(|col| {
            sheet.range.get_value((row, *col)).is_none_or(is_blank)
                && sheet.formula(row, *col).is_none()
        });
        if !known_blank && let Some(col) = total_marker(sheet, header, aliases, row) {
            roster_issues.push(
                Issue::warning(codes::ROSTER_TOTAL_ROW)
                    .arg("value", cell_shown(sheet, row, col))
                    .sheet(&sheet.name)
                    .row(row + 1)
                    .cell(cell_ref(col, row + 1)),
            );
            if let Some(issue) = counts.check_total(sheet, aliases, row) {
                roster_issues.push(issue);
            }
            counts.total_row();
            continue;
        }
        if known_blank {
            // Text only in a row-number column is a row numbered in advance, not a note.
            let other = (start_col..=end.1).find(|c| {
                !header.row_numbers.contains(c)
                    && sheet
                        .range
                        .get_value((row, *c))
                        .is_some_and(|d| !is_blank(d))
            });
            if let Some(col) = other
                && !sheet.is_hidden_row(row)
            {
                roster_issues.push(
                    Issue::warning(codes::ROSTER_STRAY_ROW)
                        .sheet(&sheet.name)
                        .row(row + 1)
                        .cell(cell_ref(col, row + 1)),
                );
            }
            continue;
        }
        // HR hides the people who left: a hidden row is not an employee of the run.
        if sheet.is_hidden_row(row) {
            roster_issues.push(
                Issue::warning(codes::ROSTER_HIDDEN_ROW)
                    .arg("row", row + 1)
                    .sheet(&sheet.name)
                    .row(row + 1),
            );
            counts.hidden += 1;
            counts.hidden_since += 1;
            continue;
        }
        let mut r = read_row(sheet, header, aliases, row);
        counts.read += 1;
        counts.read_since += 1;
        if let Some(p) = r.employee.passport_no.clone() {
            let cell = r
                .employee
                .cell_of(Field::PassportNo)
                .unwrap_or("")
                .to_string();
            match seen.get(&p) {
                Some((first_row, first_cell)) => r.issues.push(
                    Issue::error(codes::ROSTER_DUPLICATE_PASSPORT)
                        .arg("passport", mask_id(&p))
                        .arg("first_row", first_row)
                        .arg("first_cell", first_cell)
                        .sheet(&sheet.name)
                        .row(row + 1)
                        .cell(cell),
                ),
                None => {
                    seen.insert(p, (row + 1, cell));
                }
            }
        }
        rows.push(r);
    }
    (rows, roster_issues)
}

/// A cell as shown in messages: its formula when it has one, else its value.
fn cell_shown(sheet: &SheetData, row: u32, col: u32) -> String {
    sheet.formula(row, col).map_or_else(
        || {
            values::display(CellIn::new(
                sheet.range.get_value((row, col)).unwrap_or(&Data::Empty),
            ))
        },
        |f| format!("={f}"),
    )
}

/// Employee rows read and hidden rows skipped so far.
#[derive(Default)]
struct Counts {
    read: usize,
    hidden: usize,
    read_since: usize,
    hidden_since: usize,
    totals: usize,
}

impl Counts {
    fn total_row(&mut self) {
        self.totals += 1;
        self.read_since = 0;
        self.hidden_since = 0;
    }

    /// `roster.total_count_differs` when the total row states a head count (`11人`, or a
    /// COUNT/COUNTA formula's saved result) that is neither the employee rows read above it
    /// nor, after an earlier total row, those since that row.
    fn check_total(&self, sheet: &SheetData, aliases: &ColumnAliases, row: u32) -> Option<Issue> {
        let (start, end) = (sheet.range.start()?, sheet.range.end()?);
        let (col, stated) = (start.1..=end.1).find_map(|col| {
            let data = sheet.range.get_value((row, col))?;
            let counting = sheet.formula(row, col).is_some_and(|f| {
                let f = f.trim_start_matches('=').to_ascii_uppercase();
                f.starts_with("COUNTA(") || f.starts_with("COUNT(")
            });
            let n = match data {
                Data::String(t) => aliases.head_count(t)?,
                Data::Float(f) if counting && *f >= 0.0 && f.fract() == 0.0 => *f as u32,
                Data::Int(i) if counting => u32::try_from(*i).ok()?,
                _ => return None,
            };
            Some((col, n as usize))
        })?;
        if stated == self.read || stated == self.read_since {
            return None;
        }
        let (read, hidden) = if self.totals == 0 {
            (self.read, self.hidden)
        } else {
            (self.read_since, self.hidden_since)
        };
        Some(
            Issue::warning(codes::ROSTER_TOTAL_COUNT_DIFFERS)
                .arg("value", cell_shown(sheet, row, col))
                .arg("stated", stated)
                .arg("read", read)
                .arg("hidden", hidden)
                .sheet(&sheet.name)
                .row(row + 1)
                .cell(cell_ref(col, row + 1)),
        )
    }
}

/// The column of the cell that makes this row a total or summary row, if it is one: a total
/// word or a head count ("合计", "6人") in any cell, or a SUM/SUBTOTAL/COUNT formula, on a row
/// whose name and passport cells hold nothing else (an employee is never skipped).
fn total_marker(
    sheet: &SheetData,
    header: &Header,
    aliases: &ColumnAliases,
    row: u32,
) -> Option<u32> {
    let (start, end) = (sheet.range.start()?, sheet.range.end()?);
    let text_at = |col: u32| -> Option<String> {
        sheet
            .range
            .get_value((row, col))
            .filter(|d| matches!(d, Data::String(_)))
            .map(|d| values::display(CellIn::new(d)))
    };
    let is_marker = |col: u32| -> bool {
        let summing = sheet.formula(row, col).is_some_and(|f| {
            let f = f.trim_start_matches('=').to_ascii_uppercase();
            [
                "SUM(",
                "SUBTOTAL(",
                "COUNT(",
                "COUNTA(",
                "SUMIF(",
                "SUMPRODUCT(",
            ]
            .iter()
            .any(|p| f.starts_with(p))
        });
        summing || text_at(col).is_some_and(|t| aliases.is_total_text(&t))
    };
    let marker = (start.1..=end.1).find(|c| is_marker(*c))?;
    let holds_an_employee = [Field::Name, Field::PassportNo].iter().any(|f| {
        header.columns.get(f).is_some_and(|col| {
            let filled = sheet
                .range
                .get_value((row, *col))
                .is_some_and(|d| !is_blank(d));
            filled && !is_marker(*col)
        })
    });
    (!holds_an_employee).then_some(marker)
}

fn read_row(sheet: &SheetData, header: &Header, aliases: &ColumnAliases, row: u32) -> RosterRow {
    let row1 = row + 1;
    let mut e = Employee {
        sheet: sheet.name.clone(),
        row: row1,
        ..Employee::default()
    };
    let mut issues = Vec::new();
    let mut basis_typed = false;
    // Fields with a value or with a problem of their own, for the per-category check.
    let mut settled = Vec::new();
    for (&field, &col) in &header.columns {
        let cell_name = cell_ref(col, row1);
        e.cells.insert(field, cell_name.clone());
        let data = sheet.range.get_value((row, col)).unwrap_or(&Data::Empty);
        let cell = CellIn {
            data,
            format: sheet.format_of(row, col),
            is_1904: sheet.is_1904,
        };
        let mut problems = Vec::new();
        // A formula whose result was never saved reads as empty: say what it really is.
        if is_blank(data)
            && let Some(f) = sheet.formula(row, col)
        {
            issues.push(
                Issue::error(codes::ROSTER_FORMULA_NO_VALUE)
                    .arg("column", aliases.label(field))
                    .arg("formula", format!("={}", values::clean_text(f)))
                    .sheet(&sheet.name)
                    .row(row1)
                    .cell(&cell_name),
            );
            settled.push(field);
            continue;
        }
        let filled = read_field(&mut e, field, cell, header, aliases, &mut problems);
        basis_typed |= field == Field::SalaryBasis && filled;
        if !filled && problems.is_empty() && aliases.is_required(field) {
            problems.push(Problem::error(codes::ROSTER_MISSING));
        }
        if filled || !problems.is_empty() {
            settled.push(field);
        }
        for p in problems {
            let mut issue = Issue::new(p.code, p.severity).arg("column", aliases.label(field));
            for (k, v) in p.args {
                issue = issue.arg(k, v);
            }
            issues.push(issue.sheet(&sheet.name).row(row1).cell(&cell_name));
        }
    }
    if let Some(category) = e.category {
        let key = category.key();
        for field in Field::ALL {
            if settled.contains(&field) || !aliases.is_required_for(field, &key) {
                continue;
            }
            let mut issue = Issue::error(codes::ROSTER_MISSING_FOR_CATEGORY)
                .arg("column", aliases.label(field))
                .arg("category", category.label_zh())
                .sheet(&sheet.name)
                .row(row1);
            if let Some(c) = e.cells.get(&field) {
                issue = issue.cell(c);
            }
            issues.push(issue);
        }
    }
    // A typed basis cell wins (an unreadable one keeps its error); an empty or absent one
    // takes the basis the salary header states, if any.
    if !basis_typed {
        e.salary_basis = header.salary_basis;
    }
    RosterRow {
        employee: e,
        issues,
    }
}

/// Stores one field's value in the employee. Returns whether a value was stored.
fn read_field(
    e: &mut Employee,
    field: Field,
    cell: CellIn<'_>,
    header: &Header,
    aliases: &ColumnAliases,
    problems: &mut Vec<Problem>,
) -> bool {
    fn keep<T>(r: Result<Option<T>, Problem>, problems: &mut Vec<Problem>) -> Option<T> {
        match r {
            Ok(v) => v,
            Err(p) => {
                problems.push(p);
                None
            }
        }
    }
    match field {
        Field::Name => {
            e.name = keep(values::text(cell), problems);
            e.name.is_some()
        }
        Field::ChineseName => {
            e.chinese_name = keep(values::text(cell), problems);
            e.chinese_name.is_some()
        }
        Field::Nationality => {
            e.nationality = keep(values::text(cell), problems);
            e.nationality.is_some()
        }
        Field::Position => {
            e.position = keep(values::text(cell), problems);
            e.position.is_some()
        }
        Field::Photo => {
            e.photo = keep(values::text(cell), problems);
            e.photo.is_some()
        }
        Field::WorkPermitNo => {
            e.work_permit_no = keep(values::id_text(cell), problems)
                .map(|s| s.chars().filter(|c| !c.is_whitespace()).collect());
            e.work_permit_no.is_some()
        }
        Field::Mobile => {
            e.mobile = keep(values::id_text(cell), problems);
            e.mobile.is_some()
        }
        Field::PassportNo => {
            let before = problems.len();
            e.passport_no = values::passport(
                cell,
                aliases.passport_min_len..=aliases.passport_max_len,
                aliases.passport_mrz_digits,
                problems,
            );
            // A refused value counts as present: its own error says what is wrong.
            e.passport_no.is_some() || problems.len() > before
        }
        Field::PassportExpiry => {
            e.passport_expiry = keep(values::date(cell), problems);
            e.passport_expiry.is_some()
        }
        Field::DateOfBirth => {
            e.date_of_birth = month_or_date(e, field, cell, problems);
            e.date_of_birth.is_some()
        }
        Field::StartDate => {
            e.start_date = month_or_date(e, field, cell, problems);
            e.start_date.is_some()
        }
        Field::WorkPermitExpiry => {
            e.work_permit_expiry = keep(values::date(cell), problems);
            e.work_permit_expiry.is_some()
        }
        Field::ResidencePermitExpiry => {
            e.residence_permit_expiry = keep(values::date(cell), problems);
            e.residence_permit_expiry.is_some()
        }
        Field::Category => {
            // An unreadable category keeps its raw text; the rules stage reports it.
            e.category_raw = keep(values::text(cell), problems);
            e.category = e.category_raw.as_deref().and_then(parse_category);
            e.category_raw.is_some()
        }
        Field::YearsInChina => {
            e.years_in_china = keep(values::number(cell, MAX_YEARS_IN_CHINA), problems);
            e.years_in_china.is_some()
        }
        Field::RequestedTerm => {
            e.requested_term_years = keep(values::number(cell, MAX_REQUESTED_TERM), problems);
            e.requested_term_years.is_some()
        }
        Field::AnnualSalary => {
            e.annual_salary = keep(values::money_scaled(cell, header.salary_scale), problems);
            e.annual_salary.is_some()
        }
        Field::Surname => {
            e.surname = keep(values::text(cell), problems);
            e.surname.is_some()
        }
        Field::GivenNames => {
            e.given_names = keep(values::text(cell), problems);
            e.given_names.is_some()
        }
        Field::AddressInChina => {
            e.address_in_china = keep(values::text(cell), problems);
            e.address_in_china.is_some()
        }
        Field::WorkLocation => {
            e.work_location = keep(values::text(cell), problems);
            e.work_location.is_some()
        }
        Field::PassportIssueDate => {
            e.passport_issue_date = keep(values::date(cell), problems);
            e.passport_issue_date.is_some()
        }
        Field::ContractEndDate => {
            e.contract_end_date = keep(values::date(cell), problems);
            e.contract_end_date.is_some()
        }
        Field::Gender => match keep(values::text(cell), problems) {
            Some(t) => {
                e.gender = values::parse_gender(&t);
                if e.gender.is_none() {
                    // Only the platform form list prints it: a warning, never a block.
                    problems.push(Problem::warning(codes::ROSTER_BAD_GENDER).arg("value", t));
                }
                true
            }
            None => false,
        },
        Field::Email => {
            e.email = keep(values::email(cell), problems);
            e.email.is_some()
        }
        Field::SalaryBasis => match keep(values::text(cell), problems) {
            Some(t) => {
                e.salary_basis = aliases.salary_basis(&t);
                if e.salary_basis.is_none() {
                    problems.push(Problem::error(codes::ROSTER_BAD_CHOICE).arg("value", t));
                }
                true
            }
            None => false,
        },
    }
}

/// A birth or start date that may be a month alone; a month is recorded in
/// [`Employee::month_only`] so no document prints an invented day.
fn month_or_date(
    e: &mut Employee,
    field: Field,
    cell: CellIn<'_>,
    problems: &mut Vec<Problem>,
) -> Option<chrono::NaiveDate> {
    let before = problems.len();
    let date = values::date_or_month(cell, problems);
    if problems[before..]
        .iter()
        .any(|p| p.code == codes::ROSTER_MONTH_ONLY_DATE)
    {
        e.month_only.insert(field);
    }
    date
}
