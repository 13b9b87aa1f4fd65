//! The employer's details: read from the roster's Company sheet (key in column A, value in
//! column B) or from a `--company` TOML file, and checked (required values present, unified
//! social credit code well formed with its GB 32100-2015 check character).

use super::aliases::{COMPANY_KEYS, ColumnAliases};
use super::source::SheetData;
use super::values::{self, CellIn, is_blank};
use crate::codes;
use crate::issue::{Issue, cell_ref};
use crate::model::Company;
use crate::text::halfwidth;
use std::collections::BTreeMap;

/// Where the company details came from, so problems can point at them.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum CompanySource {
    /// The roster's Company sheet; `cells` gives the value cell (A1) of each field found.
    Sheet {
        sheet: String,
        cells: BTreeMap<String, String>,
    },
    /// A `--company` TOML file (its name as the user gave it).
    File { name: String },
    /// Neither a Company sheet nor a `--company` file.
    #[default]
    Absent,
}

/// The value of a `Company` field by key (`name_zh`, `uscc`, ...).
pub fn company_field<'a>(c: &'a Company, key: &str) -> Option<&'a str> {
    match key {
        "name_zh" => c.name_zh.as_deref(),
        "name_en" => c.name_en.as_deref(),
        "uscc" => c.uscc.as_deref(),
        "address" => c.address.as_deref(),
        "contact_person" => c.contact_person.as_deref(),
        "contact_phone" => c.contact_phone.as_deref(),
        "contact_email" => c.contact_email.as_deref(),
        "legal_representative" => c.legal_representative.as_deref(),
        "salary_basis" => c.salary_basis.as_deref(),
        _ => None,
    }
}

fn company_field_mut<'a>(c: &'a mut Company, key: &str) -> Option<&'a mut Option<String>> {
    match key {
        "name_zh" => Some(&mut c.name_zh),
        "name_en" => Some(&mut c.name_en),
        "uscc" => Some(&mut c.uscc),
        "address" => Some(&mut c.address),
        "contact_person" => Some(&mut c.contact_person),
        "contact_phone" => Some(&mut c.contact_phone),
        "contact_email" => Some(&mut c.contact_email),
        "legal_representative" => Some(&mut c.legal_representative),
        "salary_basis" => Some(&mut c.salary_basis),
        _ => None,
    }
}

/// Normalises a USCC as typed: full-width to ASCII, spaces removed, upper case.
fn clean_uscc(s: &str) -> String {
    s.chars()
        .map(halfwidth)
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Reads the Company sheet. Returns the company, the value cell of each field, and
/// warnings about keys that are not understood or repeated.
pub(crate) fn read_sheet(
    sheet: &SheetData,
    aliases: &ColumnAliases,
) -> (Company, CompanySource, Vec<Issue>) {
    let mut company = Company::default();
    let mut cells = BTreeMap::new();
    let mut issues = Vec::new();
    let range = &sheet.range;
    if let (Some(start), Some(end)) = (range.start(), range.end()) {
        for row in start.0..=end.0 {
            let Some(key_data) = range.get_value((row, 0)) else {
                continue;
            };
            if is_blank(key_data) {
                continue;
            }
            let key_text = values::display(CellIn::new(key_data));
            let value_data = range.get_value((row, 1)).unwrap_or(&calamine::Data::Empty);
            let Some(key) = aliases.company_key(&key_text) else {
                if !is_blank(value_data) {
                    issues.push(
                        Issue::warning(codes::ROSTER_COMPANY_UNKNOWN_KEY)
                            .arg("key", &key_text)
                            .sheet(&sheet.name)
                            .row(row + 1)
                            .cell(cell_ref(0, row + 1)),
                    );
                }
                continue;
            };
            let value_cell = cell_ref(1, row + 1);
            if let Some(first) = cells.get(key) {
                issues.push(
                    Issue::warning(codes::ROSTER_COMPANY_REPEATED_KEY)
                        .arg("key", aliases.company_label(key))
                        .arg("first_cell", first)
                        .sheet(&sheet.name)
                        .row(row + 1)
                        .cell(cell_ref(0, row + 1)),
                );
                continue;
            }
            cells.insert(key.to_string(), value_cell.clone());
            let cell = CellIn {
                data: value_data,
                format: sheet.format_of(row, 1),
                is_1904: sheet.is_1904,
            };
            let read = if key == "uscc" || key == "contact_phone" {
                values::id_text(cell)
            } else {
                values::text(cell)
            };
            match read {
                Ok(v) => {
                    if let Some(slot) = company_field_mut(&mut company, key) {
                        *slot = v;
                    }
                }
                Err(p) => {
                    let mut issue = Issue::new(p.code, p.severity)
                        .arg("column", aliases.company_label(key))
                        .sheet(&sheet.name)
                        .row(row + 1)
                        .cell(value_cell);
                    for (k, v) in p.args {
                        issue = issue.arg(k, v);
                    }
                    issues.push(issue);
                }
            }
        }
    }
    if let Some(u) = company.uscc.as_mut() {
        *u = clean_uscc(u);
    }
    let source = CompanySource::Sheet {
        sheet: sheet.name.clone(),
        cells,
    };
    (company, source, issues)
}

/// Why a company TOML file cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum CompanyFileError {
    #[error("{0}")]
    Toml(#[from] toml::de::Error),
    #[error("unknown key '{key}'; the keys are {}", COMPANY_KEYS.join(", "))]
    UnknownKey { key: String },
    #[error("'{key}' must be text in quotes, not a {found}")]
    NotText { key: String, found: &'static str },
}

/// Reads company details from a TOML file with the keys `name_zh`, `name_en`, `uscc`,
/// `address`, `contact_person`, `contact_phone`, `legal_representative` (top level, or in a
/// `[company]` table). Unknown keys are refused so that a typo does not go unnoticed.
pub fn load_company_toml(text: &str) -> Result<Company, CompanyFileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut table: toml::Table = toml::from_str(text)?;
    if table.len() == 1
        && let Some(toml::Value::Table(inner)) = table.get("company")
    {
        table = inner.clone();
    }
    let mut company = Company::default();
    for (key, value) in &table {
        let slot = company_field_mut(&mut company, key)
            .ok_or_else(|| CompanyFileError::UnknownKey { key: key.clone() })?;
        let s = match value {
            toml::Value::String(s) => s.trim().to_string(),
            toml::Value::Integer(i) => i.to_string(),
            other => {
                return Err(CompanyFileError::NotText {
                    key: key.clone(),
                    found: other.type_str(),
                });
            }
        };
        *slot = (!s.is_empty()).then_some(s);
    }
    if let Some(u) = company.uscc.as_mut() {
        *u = clean_uscc(u);
    }
    Ok(company)
}

/// Characters of a unified social credit code, in value order (GB 32100-2015 table 1: the
/// digits and the capital letters without I, O, S, V, Z).
const USCC_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Position weights 3^i mod 31 (GB 32100-2015, 5.3).
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// The check character for the first 17 characters of a USCC; `None` if one of them is not
/// a USCC character or there are not exactly 17.
pub fn uscc_check_char(first17: &str) -> Option<char> {
    let chars: Vec<char> = first17.chars().collect();
    if chars.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (c, w) in chars.iter().zip(USCC_WEIGHTS) {
        let v = USCC_CHARS.find(*c)? as u32;
        sum += v * w;
    }
    let check = (31 - sum % 31) % 31;
    USCC_CHARS.chars().nth(check as usize)
}

/// Problems with a USCC: wrong length, a character outside the code's alphabet, or a wrong
/// check character. Codes: `roster.uscc_length`, `roster.uscc_char`, `roster.uscc_check`.
pub fn uscc_problem(uscc: &str) -> Option<Issue> {
    let u = clean_uscc(uscc);
    let len = u.chars().count();
    if len != 18 {
        return Some(
            Issue::error(codes::ROSTER_USCC_LENGTH)
                .arg("value", &u)
                .arg("length", len),
        );
    }
    if let Some(bad) = u.chars().find(|c| !USCC_CHARS.contains(*c)) {
        return Some(
            Issue::error(codes::ROSTER_USCC_CHAR)
                .arg("value", &u)
                .arg("char", bad),
        );
    }
    let (first, last) = u.split_at(17);
    let expected = uscc_check_char(first)?;
    if !last.starts_with(expected) {
        return Some(
            Issue::error(codes::ROSTER_USCC_CHECK)
                .arg("value", &u)
                .arg("expected", expected)
                .arg("found", last),
        );
    }
    None
}

/// Checks the company details: present at all, required values filled in (per
/// `columns.toml`), a valid USCC. Issues point at the Company sheet cell or the TOML file.
pub fn check_company(
    company: Option<&Company>,
    source: &CompanySource,
    aliases: &ColumnAliases,
) -> Vec<Issue> {
    let place = |issue: Issue, key: &str| -> Issue {
        match source {
            CompanySource::Sheet { sheet, cells } => {
                let issue = issue.sheet(sheet);
                match cells.get(key) {
                    Some(cell) => {
                        let row: Option<u32> = cell
                            .trim_start_matches(|c: char| c.is_ascii_alphabetic())
                            .parse()
                            .ok();
                        let issue = issue.cell(cell);
                        match row {
                            Some(r) => issue.row(r),
                            None => issue,
                        }
                    }
                    None => issue,
                }
            }
            CompanySource::File { name } => issue.file(name),
            CompanySource::Absent => issue,
        }
    };
    let Some(company) = company else {
        return vec![Issue::error(codes::ROSTER_COMPANY_MISSING)];
    };
    let mut issues = Vec::new();
    for key in COMPANY_KEYS {
        let Some(spec) = aliases.company.get(key) else {
            continue;
        };
        let value = company_field(company, key).map(str::trim).unwrap_or("");
        if value.is_empty() {
            if spec.required {
                issues.push(place(
                    Issue::error(codes::ROSTER_COMPANY_VALUE_MISSING)
                        .arg("key", aliases.company_label(key)),
                    key,
                ));
            }
            continue;
        }
        if key == "uscc"
            && let Some(issue) = uscc_problem(value)
        {
            issues.push(place(issue, key));
        }
        if key == "salary_basis" && aliases.salary_basis(value).is_none() {
            issues.push(place(
                Issue::error(codes::ROSTER_BAD_CHOICE)
                    .arg("column", aliases.company_label(key))
                    .arg("value", value),
                key,
            ));
        }
    }
    issues
}

/// The salary basis the company details state for the whole roster, if any (an unreadable
/// value gives none; [`check_company`] reports it).
pub fn company_salary_basis(
    company: Option<&Company>,
    aliases: &ColumnAliases,
) -> Option<crate::model::SalaryBasis> {
    company
        .and_then(|c| c.salary_basis.as_deref())
        .and_then(|v| aliases.salary_basis(v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::Templates;

    #[test]
    fn uscc_check_characters() {
        // Published codes (company registers): Huawei Technologies, Tencent (Shenzhen).
        assert_eq!(uscc_problem("914403001922038216"), None);
        assert_eq!(uscc_problem("9144030071526726XG"), None);
        assert_eq!(uscc_check_char("91440300192203821"), Some('6'));
        let bad = uscc_problem("914403001922038217").unwrap();
        assert_eq!(bad.code, codes::ROSTER_USCC_CHECK);
        assert_eq!(bad.get("expected"), Some("6"));
        assert_eq!(
            uscc_problem("91440300").unwrap().code,
            codes::ROSTER_USCC_LENGTH
        );
        assert_eq!(
            uscc_problem("91440300192203821I").unwrap().code,
            codes::ROSTER_USCC_CHAR
        );
        // Typed with spaces and lower case: still valid.
        assert_eq!(uscc_problem(" 9144 0300 7152 6726xg "), None);
    }

    #[test]
    fn toml_company_and_its_errors() {
        let c = load_company_toml(
            "name_zh = \"深圳市示例科技有限公司\"\nuscc = \"9144030071526726xg\"\ncontact_phone = 75588886666\n",
        )
        .unwrap();
        assert_eq!(c.uscc.as_deref(), Some("9144030071526726XG"));
        assert_eq!(c.contact_phone.as_deref(), Some("75588886666"));
        let c = load_company_toml("[company]\nname_en = \"X Ltd\"\n").unwrap();
        assert_eq!(c.name_en.as_deref(), Some("X Ltd"));
        let e = load_company_toml("nmae_zh = \"x\"")
            .unwrap_err()
            .to_string();
        assert!(e.contains("nmae_zh") && e.contains("name_zh"), "{e}");
        assert!(load_company_toml("uscc = [1]").is_err());
        assert!(load_company_toml("not toml at all =").is_err());
    }

    #[test]
    fn checks_required_values_and_points_at_cells() {
        let a = ColumnAliases::load(&Templates::builtin()).unwrap();
        let company = Company {
            name_zh: Some("深圳市示例科技有限公司".into()),
            uscc: Some("914403001922038217".into()),
            address: Some("深圳市南山区".into()),
            contact_person: Some("王丽".into()),
            contact_phone: None,
            contact_email: None,
            ..Company::default()
        };
        let mut cells = BTreeMap::new();
        cells.insert("uscc".to_string(), "B4".to_string());
        let source = CompanySource::Sheet {
            sheet: "Company".into(),
            cells,
        };
        let issues = check_company(Some(&company), &source, &a);
        let codes: Vec<(&str, Option<&str>)> = issues
            .iter()
            .map(|i| (i.code.as_str(), i.at.cell.as_deref()))
            .collect();
        assert_eq!(
            codes,
            vec![
                (codes::ROSTER_USCC_CHECK.as_str(), Some("B4")),
                (codes::ROSTER_COMPANY_VALUE_MISSING.as_str(), None)
            ]
        );
        assert_eq!(issues[0].at.row, Some(4));
        let missing = check_company(None, &CompanySource::Absent, &a);
        assert_eq!(missing[0].code, codes::ROSTER_COMPANY_MISSING);
        let file = check_company(
            Some(&Company::default()),
            &CompanySource::File {
                name: "company.toml".into(),
            },
            &a,
        );
        assert!(
            file.iter()
                .all(|i| i.at.file.as_deref() == Some("company.toml"))
        );
        assert_eq!(file.len(), 5);
    }
}
