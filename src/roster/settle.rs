//! What the roster's values mean once the run is known: the salary basis of rows that state
//! none (the company's, else the stated default of `rules.toml`), and dates that cannot be
//! true on the run's as-of date (born or hired in the future).

use super::RosterRow;
use super::aliases::ColumnAliases;
use super::company::company_salary_basis;
use crate::codes;
use crate::issue::Issue;
use crate::model::{Company, Employee, Field, SalaryBasis};
use chrono::NaiveDate;

/// Settles the run-dependent values of every row. Returns the roster-level issues (at most
/// one `roster.salary_basis_assumed`); cell problems go on their rows.
/// `certified` says whether an employee gets a salary certificate: only those count in the
/// assumed-basis note, since only their documents state the basis.
pub fn settle(
    rows: &mut [RosterRow],
    company: Option<&Company>,
    aliases: &ColumnAliases,
    default_basis: SalaryBasis,
    as_of: NaiveDate,
    certified: &dyn Fn(&Employee) -> bool,
) -> Vec<Issue> {
    for row in rows.iter_mut() {
        check_dates(row, as_of, aliases);
    }
    salary_basis(
        rows,
        company_salary_basis(company, aliases),
        default_basis,
        certified,
    )
    .into_iter()
    .collect()
}

/// Gives each row with an annual salary and no stated basis the company's basis, else
/// `default`. A basis cell that could not be read keeps its error and gets nothing.
fn salary_basis(
    rows: &mut [RosterRow],
    company: Option<SalaryBasis>,
    default: SalaryBasis,
    certified: &dyn Fn(&Employee) -> bool,
) -> Option<Issue> {
    let mut assumed = 0usize;
    for row in rows.iter_mut() {
        let e = &mut row.employee;
        if e.salary_basis.is_some() || e.annual_salary.is_none() {
            continue;
        }
        let basis_cell = e.cell_of(Field::SalaryBasis);
        let unreadable = row
            .issues
            .iter()
            .any(|i| i.is_error() && basis_cell.is_some() && i.at.cell.as_deref() == basis_cell);
        if unreadable {
            continue;
        }
        match company {
            Some(b) => e.salary_basis = Some(b),
            None => {
                e.salary_basis = Some(default);
                assumed += usize::from(certified(e));
            }
        }
    }
    (assumed > 0).then(|| {
        let (zh, en) = match default {
            SalaryBasis::PreTax => ("税前", "pre-tax"),
            SalaryBasis::AfterTax => ("税后", "after-tax"),
        };
        Issue::warning(codes::ROSTER_SALARY_BASIS_ASSUMED)
            .arg("count", assumed)
            .arg("basis_zh", zh)
            .arg("basis_en", en)
    })
}

/// Errors on dates that cannot be true: a birth or start date after the as-of date, and any
/// date before 1950 in a permit or passport expiry (a typing error, not a permit).
fn check_dates(row: &mut RosterRow, as_of: NaiveDate, aliases: &ColumnAliases) {
    const EXPIRY_MIN_YEAR: i32 = 1950;
    let e = &row.employee;
    let min_expiry = NaiveDate::from_ymd_opt(EXPIRY_MIN_YEAR, 1, 1).unwrap_or(as_of);
    let checks: [(Field, Option<NaiveDate>, bool); 5] = [
        (Field::DateOfBirth, e.date_of_birth, true),
        (Field::StartDate, e.start_date, true),
        (Field::WorkPermitExpiry, e.work_permit_expiry, false),
        (
            Field::ResidencePermitExpiry,
            e.residence_permit_expiry,
            false,
        ),
        (Field::PassportExpiry, e.passport_expiry, false),
    ];
    let mut found = Vec::new();
    for (field, date, past_only) in checks {
        let Some(d) = date else { continue };
        let code = if past_only && d > as_of {
            codes::ROSTER_DATE_IN_FUTURE
        } else if !past_only && d < min_expiry {
            codes::ROSTER_EXPIRY_TOO_EARLY
        } else {
            continue;
        };
        let mut issue = Issue::error(code)
            .arg("column", aliases.label(field))
            .arg("value", d)
            .arg("as_of", as_of)
            .arg("min_year", EXPIRY_MIN_YEAR)
            .sheet(&e.sheet)
            .row(e.row);
        if let Some(c) = e.cell_of(field) {
            issue = issue.cell(c);
        }
        found.push(issue);
    }
    row.issues.extend(found);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::Templates;
    use crate::model::{Employee, Fen};

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    fn row(salary: Option<i64>, basis: Option<SalaryBasis>) -> RosterRow {
        RosterRow {
            employee: Employee {
                sheet: "S".into(),
                row: 2,
                annual_salary: salary.map(Fen::from_yuan),
                salary_basis: basis,
                ..Employee::default()
            },
            issues: Vec::new(),
        }
    }

    fn aliases() -> ColumnAliases {
        ColumnAliases::load(&Templates::builtin()).unwrap()
    }

    #[test]
    fn default_basis_is_used_once_with_one_warning() {
        let mut rows = vec![
            row(Some(480_000), None),
            row(Some(300_000), Some(SalaryBasis::AfterTax)),
            row(None, None),
            row(Some(200_000), None),
        ];
        let issues = settle(
            &mut rows,
            None,
            &aliases(),
            SalaryBasis::PreTax,
            d(2026, 11, 26),
            &|_| true,
        );
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].code, codes::ROSTER_SALARY_BASIS_ASSUMED);
        assert_eq!(issues[0].get("count"), Some("2"));
        assert_eq!(issues[0].get("basis_zh"), Some("税前"));
        let bases: Vec<_> = rows.iter().map(|r| r.employee.salary_basis).collect();
        assert_eq!(
            bases,
            [
                Some(SalaryBasis::PreTax),
                Some(SalaryBasis::AfterTax),
                None,
                Some(SalaryBasis::PreTax)
            ]
        );
    }

    #[test]
    fn only_employees_with_a_salary_certificate_count_in_the_note() {
        let mut rows = vec![row(Some(480_000), None), row(Some(300_000), None)];
        rows[0].employee.row = 7;
        let issues = settle(
            &mut rows,
            None,
            &aliases(),
            SalaryBasis::PreTax,
            d(2026, 11, 26),
            &|e| e.row == 7,
        );
        assert_eq!(issues[0].get("count"), Some("1"));
        // Nobody certified: no note, the default still settles the basis.
        let mut rows = vec![row(Some(480_000), None)];
        let none = settle(
            &mut rows,
            None,
            &aliases(),
            SalaryBasis::PreTax,
            d(2026, 11, 26),
            &|_| false,
        );
        assert!(none.is_empty(), "{none:?}");
        assert_eq!(rows[0].employee.salary_basis, Some(SalaryBasis::PreTax));
    }

    #[test]
    fn the_company_basis_wins_over_the_default_without_a_warning() {
        let mut rows = vec![row(Some(480_000), None)];
        let company = Company {
            salary_basis: Some("税后".into()),
            ..Company::default()
        };
        let issues = settle(
            &mut rows,
            Some(&company),
            &aliases(),
            SalaryBasis::PreTax,
            d(2026, 11, 26),
            &|_| true,
        );
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(rows[0].employee.salary_basis, Some(SalaryBasis::AfterTax));
    }

    #[test]
    fn an_unreadable_basis_cell_is_not_papered_over() {
        let mut r = row(Some(480_000), None);
        r.employee.cells.insert(Field::SalaryBasis, "E2".into());
        r.issues
            .push(Issue::error(codes::ROSTER_BAD_CHOICE).cell("E2"));
        let mut rows = vec![r];
        let issues = settle(
            &mut rows,
            None,
            &aliases(),
            SalaryBasis::PreTax,
            d(2026, 11, 26),
            &|_| true,
        );
        assert!(issues.is_empty());
        assert_eq!(rows[0].employee.salary_basis, None);
    }

    #[test]
    fn future_births_and_starts_and_ancient_expiries_are_errors_on_the_cell() {
        let mut r = row(None, None);
        r.employee.date_of_birth = Some(d(2030, 1, 1));
        r.employee.start_date = Some(d(2026, 11, 27));
        r.employee.work_permit_expiry = Some(d(1949, 12, 31));
        r.employee.residence_permit_expiry = Some(d(1950, 1, 1));
        r.employee.cells.insert(Field::DateOfBirth, "F2".into());
        r.employee.cells.insert(Field::StartDate, "I2".into());
        r.employee
            .cells
            .insert(Field::WorkPermitExpiry, "K2".into());
        let mut rows = vec![r];
        settle(
            &mut rows,
            None,
            &aliases(),
            SalaryBasis::PreTax,
            d(2026, 11, 26),
            &|_| true,
        );
        let got: Vec<(&str, Option<&str>)> = rows[0]
            .issues
            .iter()
            .map(|i| (i.code.as_str(), i.at.cell.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                (codes::ROSTER_DATE_IN_FUTURE.as_str(), Some("F2")),
                (codes::ROSTER_DATE_IN_FUTURE.as_str(), Some("I2")),
                (codes::ROSTER_EXPIRY_TOO_EARLY.as_str(), Some("K2")),
            ]
        );
        // A start date on the as-of day itself is possible.
        let mut ok = vec![row(None, None)];
        ok[0].employee.start_date = Some(d(2026, 11, 26));
        settle(
            &mut ok,
            None,
            &aliases(),
            SalaryBasis::PreTax,
            d(2026, 11, 26),
            &|_| true,
        );
        assert!(ok[0].issues.is_empty());
    }
}
