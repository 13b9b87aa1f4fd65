//! The example employee and company that `permitpack init` writes into a starter roster, and
//! the check that warns when a roster still carries them (a packet for a made-up employee,
//! or letters on a made-up company's letterhead, must never go out unnoticed).

use crate::codes;
use crate::issue::Issue;
use crate::model::{Company, Field};
use crate::roster::Roster;

/// A value of the example employee.
pub enum Example {
    Text(&'static str),
    Date(u16, u8, u8),
    Number(f64),
}

/// The example employee of the starter workbook, by field.
pub fn employee_value(field: Field) -> Example {
    match field {
        Field::Name => Example::Text("Anna Kowalska"),
        Field::ChineseName => Example::Text("柯安娜"),
        Field::PassportNo => Example::Text("EA1234567"),
        Field::PassportExpiry => Example::Date(2031, 5, 20),
        Field::Nationality => Example::Text("Poland 波兰"),
        Field::DateOfBirth => Example::Date(1988, 4, 12),
        Field::Category => Example::Text("（六）"),
        Field::Position => Example::Text("Senior Software Engineer 高级软件工程师"),
        Field::StartDate => Example::Date(2021, 3, 1),
        Field::WorkPermitNo => Example::Text("1104400012345678"),
        Field::WorkPermitExpiry => Example::Date(2027, 3, 1),
        Field::ResidencePermitExpiry => Example::Date(2027, 3, 1),
        Field::YearsInChina => Example::Number(5.0),
        Field::RequestedTerm => Example::Number(2.0),
        Field::AnnualSalary => Example::Number(480_000.0),
        Field::SalaryBasis => Example::Text("税前"),
        Field::Mobile => Example::Text("13800138000"),
        Field::Photo => Example::Text(""),
        Field::Surname => Example::Text("KOWALSKA"),
        Field::GivenNames => Example::Text("ANNA"),
        Field::Gender => Example::Text("女"),
        Field::PassportIssueDate => Example::Date(2021, 5, 21),
        Field::Email => Example::Text("anna.kowalska@example.com"),
        Field::AddressInChina => Example::Text("深圳市南山区科技园路8号公寓2栋1201"),
        Field::ContractEndDate => Example::Date(2028, 2, 29),
        Field::WorkLocation => Example::Text("深圳市南山区粤海街道科技园路1号"),
    }
}

/// The example company (its USCC has a valid GB 32100-2015 check character).
pub fn company_value(key: &str) -> &'static str {
    match key {
        "name_zh" => "深圳市示例科技有限公司",
        "name_en" => "Shenzhen Example Technology Co., Ltd.",
        "uscc" => "91440300MA5G2K7P15",
        "address" => "深圳市南山区粤海街道科技园路1号",
        "contact_person" => "王丽",
        "contact_phone" => "0755-88886666",
        "contact_email" => "hr@example.com",
        "legal_representative" => "陈建国",
        "salary_basis" => "税前",
        _ => "",
    }
}

fn text(field: Field) -> &'static str {
    match employee_value(field) {
        Example::Text(s) => s,
        _ => "",
    }
}

/// Warns about the example data still in a roster: `roster.example_row` on the example
/// employee's row (same name and passport number), `roster.example_company` (returned) when
/// the company is the example one (same name or code).
pub fn leftovers(roster: &mut Roster, company: Option<&Company>) -> Vec<Issue> {
    for row in &mut roster.rows {
        let e = &row.employee;
        let same =
            |v: &Option<String>, field: Field| v.as_deref().map(str::trim) == Some(text(field));
        if same(&e.name, Field::Name) && same(&e.passport_no, Field::PassportNo) {
            let mut issue = Issue::warning(codes::ROSTER_EXAMPLE_ROW)
                .arg("name", text(Field::Name))
                .sheet(&e.sheet)
                .row(e.row);
            if let Some(cell) = e.cell_of(Field::Name) {
                issue = issue.cell(cell);
            }
            row.issues.push(issue);
        }
    }
    let Some(c) = company else {
        return Vec::new();
    };
    let same =
        |v: &Option<String>, key: &str| v.as_deref().map(str::trim) == Some(company_value(key));
    if same(&c.name_zh, "name_zh") || same(&c.uscc, "uscc") {
        vec![Issue::warning(codes::ROSTER_EXAMPLE_COMPANY).arg("name", company_value("name_zh"))]
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::Templates;
    use crate::roster::{self, ColumnAliases};

    const CSV: &str = "Name,Passport No,Nationality\n\
                       Anna Kowalska,EA1234567,Poland\n\
                       Anna Kowalska,EA7654321,Poland\n";

    #[test]
    fn the_example_employee_and_company_are_found() {
        let aliases = ColumnAliases::load(&Templates::builtin()).unwrap();
        let mut r = roster::read(CSV.as_bytes(), "r.csv", &aliases).unwrap();
        let company = Company {
            name_zh: Some("深圳市示例科技有限公司".into()),
            ..Default::default()
        };
        let run = leftovers(&mut r, Some(&company));
        assert_eq!(run.len(), 1);
        assert_eq!(run[0].code, codes::ROSTER_EXAMPLE_COMPANY);
        assert!(!run[0].is_error());
        let codes =
            |i: usize| -> Vec<String> { r.rows[i].issues.iter().map(|i| i.code.clone()).collect() };
        assert_eq!(codes(0), [codes::ROSTER_EXAMPLE_ROW]);
        assert_eq!(r.rows[0].issues[0].at.row, Some(2));
        // Same name, another passport: a real employee.
        assert!(codes(1).is_empty());
        let real = Company {
            name_zh: Some("深圳市真实科技有限公司".into()),
            uscc: Some("91440300MA5G2K7P16".into()),
            ..Default::default()
        };
        assert!(leftovers(&mut r.clone(), Some(&real)).is_empty());
        assert!(leftovers(&mut r.clone(), None).is_empty());
    }
}
