//! The starter workbook HR fills in (bilingual header row from `columns.toml`, one example
//! row, a Company sheet, a drop-down on the category column) and the example company file:
//! made here, beside the roster reader, so `init` and the served page offer the same one.

use crate::model::Field;
use crate::roster::example::{
    Example, company_value as company_example, employee_value as example_value,
};
use crate::roster::{COMPANY_KEYS, ColumnAliases};
use rust_xlsxwriter::{
    DataValidation, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, XlsxError,
};

/// Name of the starter workbook inside DIR.
pub const STARTER_FILE: &str = "roster.xlsx";
/// Name of the example company file inside DIR.
pub const COMPANY_EXAMPLE_FILE: &str = "company.example.toml";
/// Rows (below the header) that get the category drop-down and the column formats.
const PREPARED_ROWS: u32 = 1000;

/// Whether a field holds identifiers that must stay text (leading zeros, long numbers).
fn is_text_id(field: Field) -> bool {
    matches!(
        field,
        Field::PassportNo | Field::WorkPermitNo | Field::Mobile
    )
}

fn is_date(field: Field) -> bool {
    matches!(
        field,
        Field::PassportExpiry
            | Field::DateOfBirth
            | Field::StartDate
            | Field::WorkPermitExpiry
            | Field::ResidencePermitExpiry
    )
}

/// The 必填 mark under a column's label: required of everyone, or of some categories only
/// (the words are in the header's ignore list of columns.toml, so the header still reads).
fn required_mark(spec: &crate::roster::ColumnSpec) -> String {
    if spec.required {
        return "\n（必填 required）".into();
    }
    let labels: Vec<String> = spec
        .required_for
        .iter()
        .filter_map(|k| crate::roster::parse_category(k))
        .map(|c| c.label_zh())
        .collect();
    if labels.is_empty() {
        return String::new();
    }
    let zh = labels.join("");
    let en = labels.join(", ");
    format!("\n{zh}必填 required for {en}")
}

/// The starter workbook as xlsx bytes.
pub fn starter_workbook(aliases: &ColumnAliases) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let title = Format::new()
        .set_bold()
        .set_font_size(14)
        .set_align(FormatAlign::Left)
        .set_align(FormatAlign::VerticalCenter);
    let note = Format::new().set_italic().set_font_color("#555555");
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color("#DDEBF7")
        .set_border(FormatBorder::Thin);
    let text = Format::new().set_num_format("@");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let money = Format::new().set_num_format("#,##0");

    let columns: Vec<Field> = Field::ALL
        .into_iter()
        .filter(|f| aliases.columns.contains_key(f))
        .collect();
    let last_col = u16::try_from(columns.len().saturating_sub(1)).unwrap_or(0);

    let ws = wb.add_worksheet();
    ws.set_name("员工 Employees")?;
    ws.merge_range(
        0,
        0,
        0,
        last_col.max(1),
        "外籍员工名册 Foreign employees — 请将第3行示例替换为实际员工 / replace the example in row 3 with your employees",
        &title,
    )?;
    ws.set_row_height(0, 28)?;
    ws.set_row_height(1, 45)?;
    for (i, field) in columns.iter().enumerate() {
        let col = u16::try_from(i).unwrap_or(u16::MAX);
        let spec = &aliases.columns[field];
        let label = match (spec.label_zh.is_empty(), spec.label_en.is_empty()) {
            (false, false) => format!("{}\n{}", spec.label_zh, spec.label_en),
            (true, _) => spec.label_en.clone(),
            (_, true) => spec.label_zh.clone(),
        };
        let label = format!("{label}{}", required_mark(spec));
        ws.write_string_with_format(1, col, &label, &head)?;
        let width = match field {
            Field::Name | Field::Position => 30,
            Field::Category | Field::Nationality => 18,
            _ => 16,
        };
        ws.set_column_width(col, width)?;
        if is_text_id(*field) {
            ws.set_column_format(col, &text)?;
        } else if is_date(*field) {
            ws.set_column_format(col, &date)?;
        } else if *field == Field::AnnualSalary {
            ws.set_column_format(col, &money)?;
        }
        match example_value(*field) {
            Example::Text("") => {}
            Example::Text(s) if is_text_id(*field) => {
                ws.write_string_with_format(2, col, s, &text)?;
            }
            Example::Text(s) => {
                ws.write_string(2, col, s)?;
            }
            Example::Date(y, m, d) => {
                ws.write_datetime_with_format(2, col, ExcelDateTime::from_ymd(y, m, d)?, &date)?;
            }
            Example::Number(n) if *field == Field::AnnualSalary => {
                ws.write_number_with_format(2, col, n, &money)?;
            }
            Example::Number(n) => {
                ws.write_number(2, col, n)?;
            }
        }
        if *field == Field::Category {
            let mut dv = DataValidation::new()
                .allow_list_strings(&aliases.category_choices)?
                .ignore_blank(true);
            if !aliases.category_prompt_zh.is_empty() || !aliases.category_prompt_en.is_empty() {
                let prompt = format!(
                    "{}\n{}",
                    aliases.category_prompt_zh, aliases.category_prompt_en
                );
                dv = dv
                    .set_input_title("人才类别 Talent category")?
                    .set_input_message(prompt.trim())?;
            }
            ws.add_data_validation(2, col, PREPARED_ROWS + 1, col, &dv)?;
        }
    }
    ws.set_freeze_panes(2, 1)?;

    let cs = wb.add_worksheet();
    cs.set_name("公司信息")?;
    cs.set_column_width(0, 42)?;
    cs.set_column_width(1, 48)?;
    for (i, key) in COMPANY_KEYS.iter().enumerate() {
        let row = u32::try_from(i).unwrap_or(0);
        let label = match aliases.company.get(*key) {
            Some(s) => {
                format!("{} {}", s.label_zh, s.label_en).trim().to_string()
                    + if s.required { " 必填 required" } else { "" }
            }
            None => key.to_string(),
        };
        cs.write_string_with_format(row, 0, &label, &head)?;
        if *key == "uscc" || *key == "contact_phone" {
            cs.write_string_with_format(row, 1, company_example(key), &text)?;
        } else {
            cs.write_string(row, 1, company_example(key))?;
        }
    }
    let note_row = u32::try_from(COMPANY_KEYS.len() + 1).unwrap_or(8);
    cs.write_string_with_format(
        note_row,
        0,
        "A 列为项目、B 列为内容 / key in column A, value in column B",
        &note,
    )?;
    wb.save_to_buffer()
}

/// The example `--company` file.
pub fn company_example_toml(aliases: &ColumnAliases) -> String {
    let mut s = String::from(
        "# Company details for `permitpack build ROSTER --company company.toml`, used instead of\n\
         # the roster's Company (公司信息) sheet. Replace the example values.\n\n",
    );
    for key in COMPANY_KEYS {
        if let Some(spec) = aliases.company.get(key) {
            s.push_str(&format!(
                "# {} {}{}\n",
                spec.label_zh,
                spec.label_en,
                if spec.required {
                    " (required / 必填)"
                } else {
                    ""
                }
            ));
        }
        let value = company_example(key)
            .replace('\\', "\\\\")
            .replace('"', "\\\"");
        s.push_str(&format!("{key} = \"{value}\"\n"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::Templates;
    use crate::roster;

    fn aliases() -> ColumnAliases {
        ColumnAliases::load(&Templates::builtin()).unwrap()
    }

    #[test]
    fn starter_workbook_reads_back_clean() {
        let a = aliases();
        let bytes = starter_workbook(&a).unwrap();
        let r = roster::read(&bytes, "roster.xlsx", &a).unwrap();
        assert_eq!(r.header_row, 2);
        assert_eq!(r.rows.len(), 1);
        let row = &r.rows[0];
        assert!(row.issues.is_empty(), "{:?}", row.issues);
        assert_eq!(row.employee.passport_no.as_deref(), Some("EA1234567"));
        assert_eq!(row.employee.category, Some(crate::model::Category::B(6)));
        assert_eq!(
            row.employee.work_permit_expiry,
            chrono::NaiveDate::from_ymd_opt(2027, 3, 1)
        );
        assert!(r.issues.is_empty(), "{:?}", r.issues);
        let company = r.company.as_ref().unwrap();
        let issues = roster::check_company(Some(company), &r.company_source, &a);
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(company.uscc.as_deref(), Some("91440300MA5G2K7P15"));
        assert_eq!(company.salary_basis.as_deref(), Some("税前"));
    }

    #[test]
    fn required_marks_agree_with_columns_toml() {
        let a = aliases();
        let bytes = starter_workbook(&a).unwrap();
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        use calamine::Reader;
        let sheet = book.worksheet_range("员工 Employees").unwrap();
        let header: Vec<String> = (0..a.columns.len() as u32)
            .map(|c| {
                sheet
                    .get_value((1, c))
                    .map(|d| d.to_string())
                    .unwrap_or_default()
            })
            .collect();
        for (field, spec) in &a.columns {
            let cell = header
                .iter()
                .find(|h| a.field_of_header(h) == Some(*field))
                .unwrap_or_else(|| panic!("{field:?} has no header"));
            let marked = cell.contains("必填");
            assert_eq!(
                marked,
                spec.required || !spec.required_for.is_empty(),
                "{field:?}: {cell:?}"
            );
        }
        assert!(a.is_required(Field::StartDate));
        assert!(!a.is_required(Field::SalaryBasis));
        let company = book.worksheet_range("公司信息").unwrap();
        for (i, key) in COMPANY_KEYS.iter().enumerate() {
            let label = company.get_value((i as u32, 0)).unwrap().to_string();
            assert_eq!(label.contains("必填"), a.company[*key].required, "{label}");
            assert_eq!(a.company_key(&label), Some(*key), "{label}");
        }
    }

    #[test]
    fn company_example_parses_and_checks() {
        let a = aliases();
        let c = roster::load_company_toml(&company_example_toml(&a)).unwrap();
        let source = roster::CompanySource::File {
            name: COMPANY_EXAMPLE_FILE.into(),
        };
        assert!(roster::check_company(Some(&c), &source, &a).is_empty());
        assert_eq!(
            c.name_en.as_deref(),
            Some("Shenzhen Example Technology Co., Ltd.")
        );
    }
}
