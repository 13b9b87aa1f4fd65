//! The `roster` stage: the spreadsheet HR keeps (xlsx, xls, xlsb, ods, csv in UTF-8 or
//! GB18030) in, typed employees and company details out, with every problem naming its sheet,
//! row and cell. Works on bytes; the caller reads the file.
//!
//! Submodules: `source` (format detection, opening), `text` (csv decoding), `aliases` (the
//! column vocabulary from `templates/columns.toml`), `header` (finding the header row),
//! `values` (reading one cell), `rows` (employees), `company` (Company sheet, TOML, USCC),
//! `guard` (size bounds that refuse zip bombs and oversized sheets before parsing), `settle`
//! (what depends on the run: the stated salary-basis default, dates impossible on the as-of
//! date), `example` (the starter roster's example data, and the warning when it is still
//! there), `choose` (which spreadsheet of a folder is the roster: the one place the roster
//! stage looks at a folder rather than bytes).

mod aliases;
mod choose;
mod company;
pub mod example;
mod guard;
mod header;
mod rows;
mod settle;
mod sheetxml;
mod source;
pub mod starter;
mod text;
mod values;

pub use aliases::{
    AliasesError, COLUMNS_FILE, COMPANY_KEYS, ColumnAliases, ColumnSpec, header_key,
};
pub use choose::{
    Choice, FileEntry, NameDate, ROSTER_EXTENSIONS, Reason, choose, name_date, spreadsheets_in,
};
pub use company::{
    CompanyFileError, CompanySource, check_company, company_field, company_salary_basis,
    load_company_toml, uscc_check_char, uscc_problem,
};
pub use settle::settle;
pub use source::Format;
pub use values::parse_category;

use crate::codes;
use crate::issue::{Issue, cell_ref, column_letters};
use crate::limits::RosterLimits;
use crate::model::{Company, Employee, Field};
use calamine::{Data, Range};
use std::collections::BTreeMap;

/// One employee row and the problems found in its cells.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterRow {
    pub employee: Employee,
    pub issues: Vec<Issue>,
}

/// Everything read from a roster file.
#[derive(Debug, Clone, PartialEq)]
pub struct Roster {
    /// The file name as given (no folders).
    pub file: String,
    pub format: Format,
    /// How a text file was decoded (`UTF-8`, `gb18030`, `UTF-16LE`); `None` for workbooks.
    pub encoding: Option<&'static str>,
    /// The employees sheet.
    pub sheet: String,
    /// 1-based row of the header.
    pub header_row: u32,
    /// Column letters of each recognised field.
    pub columns: BTreeMap<Field, String>,
    pub rows: Vec<RosterRow>,
    /// From the Company sheet, when there is one.
    pub company: Option<Company>,
    pub company_source: CompanySource,
    /// Problems not tied to one employee: hidden sheets skipped, unknown or repeated columns,
    /// missing required columns, stray rows, Company sheet keys not understood.
    pub issues: Vec<Issue>,
}

/// Why a roster could not be read at all (exit status 2). Its `Display` is one line naming
/// the file and what to do; [`RosterError::issue`] gives the same as a catalog issue.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RosterError {
    #[error("{file} is empty; fill in the employees or give the right file")]
    Empty { file: String },
    #[error(
        "{file} is not a spreadsheet (it looks like {what}); give an .xlsx, .xls, .ods or .csv roster"
    )]
    NotSpreadsheet { file: String, what: String },
    #[error(
        "{file} cannot be read as {format} ({reason}); open it in Excel or WPS and save it again as .xlsx"
    )]
    Unreadable {
        file: String,
        format: String,
        reason: String,
    },
    /// Over a budget of `limits.toml` (`reason` names the far cell or the repeated area):
    /// saving again would not help, deleting what the reason names does.
    #[error("{file} is larger than permitpack reads ({reason}); delete it, save, and run again")]
    TooLarge { file: String, reason: String },
    #[error("{file} is protected by a password; save an unprotected copy and use that")]
    Encrypted { file: String },
    #[error(
        "no header row found in {file} (looked in the visible sheets {sheets}); put a header row naming at least the name, passport number and nationality columns"
    )]
    NoHeader { file: String, sheets: String },
    #[error(
        "{file}, sheet {sheet}: there are no employee rows under the header; add the employees"
    )]
    NoEmployees { file: String, sheet: String },
}

impl RosterError {
    /// The error as an issue for the message catalog (codes `roster.empty_file`,
    /// `roster.not_spreadsheet`, `roster.unreadable`, `roster.too_large`, `roster.encrypted`,
    /// `roster.no_header`,
    /// `roster.no_employees`).
    pub fn issue(&self) -> Issue {
        match self {
            RosterError::Empty { file } => Issue::error(codes::ROSTER_EMPTY_FILE).arg("file", file),
            RosterError::NotSpreadsheet { file, what } => {
                Issue::error(codes::ROSTER_NOT_SPREADSHEET)
                    .arg("file", file)
                    .arg("what", what)
            }
            RosterError::Unreadable {
                file,
                format,
                reason,
            } => Issue::error(codes::ROSTER_UNREADABLE)
                .arg("file", file)
                .arg("format", format)
                .arg("reason", reason),
            RosterError::TooLarge { file, reason } => Issue::error(codes::ROSTER_TOO_LARGE)
                .arg("file", file)
                .arg("reason", reason),
            RosterError::Encrypted { file } => {
                Issue::error(codes::ROSTER_ENCRYPTED).arg("file", file)
            }
            RosterError::NoHeader { file, sheets } => Issue::error(codes::ROSTER_NO_HEADER)
                .arg("file", file)
                .arg("sheets", sheets),
            RosterError::NoEmployees { file, sheet } => Issue::error(codes::ROSTER_NO_EMPLOYEES)
                .arg("file", file)
                .arg("sheet", sheet),
        }
    }
}

/// A sheet with a recognised header, read in full so sheets can be compared by content.
struct Candidate {
    sheet: source::SheetData,
    header: header::Header,
    rows: Vec<RosterRow>,
    row_issues: Vec<Issue>,
    /// The sheet's name says instructions or example.
    instructions: bool,
}

/// Which sheet was read and why each other visible sheet was not.
fn sheet_choice_notes(
    chosen: &Candidate,
    others: &[Candidate],
    no_header: &[String],
) -> Vec<Issue> {
    let mut notes = vec![
        Issue::warning(codes::ROSTER_SHEET_CHOSEN)
            .arg("sheet", &chosen.sheet.name)
            .arg("rows", chosen.rows.len())
            .arg("header_row", chosen.header.row + 1)
            .sheet(&chosen.sheet.name),
    ];
    for o in others {
        let code = if o.instructions && !chosen.instructions {
            codes::ROSTER_SHEET_PASSED_INSTRUCTIONS
        } else {
            codes::ROSTER_SHEET_PASSED_FEWER_ROWS
        };
        notes.push(
            Issue::warning(code)
                .arg("sheet", &o.sheet.name)
                .arg("rows", o.rows.len())
                .arg("chosen", &chosen.sheet.name)
                .arg("chosen_rows", chosen.rows.len())
                .sheet(&o.sheet.name),
        );
    }
    for name in no_header {
        notes.push(
            Issue::warning(codes::ROSTER_SHEET_PASSED_NO_HEADER)
                .arg("sheet", name)
                .arg("chosen", &chosen.sheet.name)
                .sheet(name),
        );
    }
    notes
}

/// How many header cells a message lists before "…".
const SHOWN_HEADER_CELLS: usize = 12;

/// `roster.missing_name_column`: without names no packet can be made, so the message shows
/// the header cells that were seen and the known names closest to those not recognised.
fn missing_name_column(header: &header::Header, sheet: &str, aliases: &ColumnAliases) -> Issue {
    let row = header.row + 1;
    let mut seen: Vec<String> = header
        .cells
        .iter()
        .take(SHOWN_HEADER_CELLS)
        .map(|(col, text)| format!("{} '{}'", cell_ref(*col, row), one_line(text)))
        .collect();
    if header.cells.len() > SHOWN_HEADER_CELLS {
        seen.push("…".into());
    }
    let mut near: Vec<(f64, String)> = header
        .unknown
        .iter()
        .filter_map(|(col, text)| {
            let (name, d) = aliases
                .nearest_names(Field::Name, text)
                .into_iter()
                .next()?;
            Some((
                d,
                format!("{} '{}' ~ '{name}'", cell_ref(*col, row), one_line(text)),
            ))
        })
        .collect();
    near.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    let closest: Vec<String> = if near.is_empty() {
        aliases
            .columns
            .get(&Field::Name)
            .map(|s| s.names.iter().take(4).map(|n| format!("'{n}'")).collect())
            .unwrap_or_default()
    } else {
        near.into_iter().take(3).map(|(_, s)| s).collect()
    };
    Issue::error(codes::ROSTER_MISSING_NAME_COLUMN)
        .arg("column", aliases.label(Field::Name))
        .arg(
            "seen",
            if seen.is_empty() {
                "-".to_string()
            } else {
                seen.join(", ")
            },
        )
        .arg("closest", closest.join(", "))
        .sheet(sheet)
        .row(row)
}

/// Error details on one line, without the machine's paths.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Reads a roster from the bytes of `file_name` (a name for messages; the extension is only a
/// hint, the content decides the format).
pub fn read(bytes: &[u8], file_name: &str, aliases: &ColumnAliases) -> Result<Roster, RosterError> {
    read_limited(bytes, file_name, aliases, &RosterLimits::default())
}

/// [`read`] within the budgets of `limits.toml`'s `[roster]`.
pub fn read_limited(
    bytes: &[u8],
    file_name: &str,
    aliases: &ColumnAliases,
    limits: &RosterLimits,
) -> Result<Roster, RosterError> {
    // The spreadsheet parsers are third-party code fed with user files: a panic inside them
    // must become an "unreadable file" error, not a crash.
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_inner(bytes, file_name, aliases, limits)
    })) {
        Ok(r) => r,
        Err(_) => Err(RosterError::Unreadable {
            file: file_name.to_string(),
            format: source::detect(bytes, file_name)
                .map_or("a spreadsheet", Format::name)
                .into(),
            reason: "the file is damaged or uses a feature permitpack cannot read".into(),
        }),
    }
}

fn read_inner(
    bytes: &[u8],
    file_name: &str,
    aliases: &ColumnAliases,
    limits: &RosterLimits,
) -> Result<Roster, RosterError> {
    let score = |r: &Range<Data>| header::find(r, aliases).map_or(0, |h| h.matched());
    let mut book = source::Book::open(bytes, file_name, &score, limits)?;
    let sheets = book.sheets();
    let mut issues: Vec<Issue> = book
        .text_notes
        .iter()
        .map(|n| n.to_issue(file_name))
        .collect();
    for s in sheets.iter().filter(|s| !s.visible) {
        issues.push(
            Issue::warning(codes::ROSTER_HIDDEN_SHEET)
                .arg("sheet", &s.name)
                .sheet(&s.name),
        );
    }

    // The employees sheet, by content: every visible sheet with a recognised header is read,
    // and the one with the most employee rows wins (then the header naming more columns, then
    // the earlier sheet). A sheet named like instructions or an example comes last.
    let mut searched = Vec::new();
    let mut load_error = None;
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut no_header = Vec::new();
    for s in sheets
        .iter()
        .filter(|s| s.visible && !aliases.is_company_sheet(&s.name))
    {
        searched.push(format!("'{}'", s.name));
        match book.load(&s.name) {
            Ok(data) => match header::find(&data.range, aliases) {
                Some(h) => {
                    let (rows, row_issues) = rows::read(&data, &h, aliases);
                    candidates.push(Candidate {
                        instructions: aliases.is_not_employee_sheet(&s.name),
                        sheet: data,
                        header: h,
                        rows,
                        row_issues,
                    });
                }
                None => no_header.push(s.name.clone()),
            },
            Err(e) => load_error = Some(e),
        }
    }
    let best = candidates
        .iter()
        .enumerate()
        .max_by_key(|(i, c)| {
            (
                !c.instructions,
                c.rows.len(),
                c.header.matched(),
                std::cmp::Reverse(*i),
            )
        })
        .map(|(i, _)| i);
    let Some(best) = best else {
        if let Some(e) = load_error {
            return Err(e);
        }
        return Err(RosterError::NoHeader {
            file: file_name.to_string(),
            sheets: if searched.is_empty() {
                "(none)".into()
            } else {
                searched.join(", ")
            },
        });
    };
    let chosen = candidates.remove(best);
    if searched.len() > 1 {
        issues.extend(sheet_choice_notes(&chosen, &candidates, &no_header));
    }
    let Candidate {
        sheet,
        header,
        mut rows,
        row_issues,
        ..
    } = chosen;
    drop(candidates);

    let header_row = header.row + 1;
    for (col, text) in &header.unknown {
        issues.push(
            Issue::warning(codes::ROSTER_UNKNOWN_COLUMN)
                .arg("header", one_line(text))
                .sheet(&sheet.name)
                .row(header_row)
                .cell(cell_ref(*col, header_row)),
        );
    }
    for (col, text, field) in &header.repeated {
        let first = header.columns.get(field).copied().unwrap_or(0);
        issues.push(
            Issue::warning(codes::ROSTER_REPEATED_COLUMN)
                .arg("header", one_line(text))
                .arg("column", aliases.label(*field))
                .arg("first_cell", cell_ref(first, header_row))
                .sheet(&sheet.name)
                .row(header_row)
                .cell(cell_ref(*col, header_row)),
        );
    }
    for field in aliases.required_fields() {
        if field == Field::Name && !header.columns.contains_key(&field) {
            issues.push(missing_name_column(&header, &sheet.name, aliases));
        } else if !header.columns.contains_key(&field) {
            issues.push(
                Issue::error(codes::ROSTER_MISSING_COLUMN)
                    .arg("column", aliases.label(field))
                    .sheet(&sheet.name)
                    .row(header_row),
            );
        }
    }

    issues.extend(row_issues);
    let known = |col: u32| header.columns.values().any(|c| *c == col);
    for (row, issue) in guard::long_cell_issues(
        &sheet.long_cells,
        &sheet.name,
        limits.max_cell_chars,
        &known,
    ) {
        match rows.iter_mut().find(|r| r.employee.row == row) {
            Some(r) if issue.is_error() => r.issues.push(issue),
            _ => issues.push(issue),
        }
    }
    guard::refuse_long_names(&mut rows, limits);
    if rows.is_empty() {
        return Err(RosterError::NoEmployees {
            file: file_name.to_string(),
            sheet: sheet.name.clone(),
        });
    }
    let columns = header
        .columns
        .iter()
        .map(|(f, c)| (*f, column_letters(*c)))
        .collect();
    let sheet_name = sheet.name.clone();
    drop(sheet);

    // The Company sheet, when there is a visible one.
    let (company, company_source) = match sheets
        .iter()
        .find(|s| s.visible && aliases.is_company_sheet(&s.name))
    {
        Some(s) => {
            let data = book.load(&s.name)?;
            let (company, source, company_issues) = company::read_sheet(&data, aliases);
            issues.extend(company_issues);
            (Some(company), source)
        }
        None => (None, CompanySource::Absent),
    };

    Ok(Roster {
        file: file_name.to_string(),
        format: book.format,
        encoding: book.encoding,
        sheet: sheet_name,
        header_row,
        columns,
        rows,
        company,
        company_source,
        issues,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::Templates;

    fn aliases() -> ColumnAliases {
        ColumnAliases::load(&Templates::builtin()).unwrap()
    }

    fn codes(issues: &[Issue]) -> Vec<(String, String)> {
        issues
            .iter()
            .map(|i| (i.code.clone(), i.at.cell.clone().unwrap_or_default()))
            .collect()
    }

    #[test]
    fn reads_a_csv_roster_end_to_end() {
        let csv = "外籍员工名册,,,,,,,,,\n\
                   姓名 Name,护照号码 Passport No.,国籍,出生日期,人才类别,职位,入职日期,工作许可到期日,居留许可到期日,年薪（税前）\n\
                   Anna Nowak, ea 123 4567 ,Poland,1985-02-03,（六）,Engineer,2020-01-06,2027/1/10,2027年1月10日,48万\n\
                   ,,,,,,,,,\n\
                   Bob Lee,EA1234567,,1990.01.01,待定,Designer,2021.3,soon,20270110,\n";
        let r = read(csv.as_bytes(), "staff.csv", &aliases()).unwrap();
        assert_eq!(r.format, Format::Csv);
        assert_eq!(r.sheet, "staff");
        assert_eq!(r.header_row, 2);
        assert_eq!(r.rows.len(), 2);
        let a = &r.rows[0];
        assert_eq!(a.employee.row, 3);
        assert_eq!(a.employee.passport_no.as_deref(), Some("EA1234567"));
        assert_eq!(a.employee.category, Some(crate::model::Category::B(6)));
        assert_eq!(a.employee.cell_of(Field::WorkPermitExpiry), Some("H3"));
        assert!(a.issues.is_empty(), "{:?}", a.issues);
        let b = &r.rows[1];
        assert_eq!(b.employee.row, 5);
        assert_eq!(b.employee.category, None);
        assert_eq!(b.employee.category_raw.as_deref(), Some("待定"));
        assert_eq!(
            codes(&b.issues),
            vec![
                (codes::ROSTER_MISSING.to_string(), "C5".to_string()),
                (codes::ROSTER_MONTH_ONLY_DATE.to_string(), "G5".to_string()),
                (codes::ROSTER_BAD_DATE.to_string(), "H5".to_string()),
                (
                    codes::ROSTER_DUPLICATE_PASSPORT.to_string(),
                    "B5".to_string()
                ),
            ]
        );
        assert_eq!(
            b.employee.start_date,
            chrono::NaiveDate::from_ymd_opt(2021, 3, 1)
        );
        assert_eq!(b.issues[3].get("first_row"), Some("3"));
        assert!(r.company.is_none());
        assert!(r.issues.is_empty(), "{:?}", r.issues);
    }

    #[test]
    fn fatal_errors_are_one_line() {
        let a = aliases();
        for (bytes, code) in [
            (&b""[..], codes::ROSTER_EMPTY_FILE),
            (&b"%PDF-1.4 hello"[..], codes::ROSTER_NOT_SPREADSHEET),
            (&b"hello,world\n1,2\n"[..], codes::ROSTER_NO_HEADER),
            (&b"PK\x03\x04broken zip"[..], codes::ROSTER_UNREADABLE),
            (
                &b"Name,Passport No,Nationality\n"[..],
                codes::ROSTER_NO_EMPLOYEES,
            ),
        ] {
            let e = read(bytes, "r.xlsx", &a).unwrap_err();
            assert_eq!(e.issue().code, code, "{e}");
            assert!(!e.to_string().contains('\n'));
            assert!(e.to_string().contains("r.xlsx"));
        }
    }

    fn bases(r: &Roster) -> Vec<Option<crate::model::SalaryBasis>> {
        r.rows.iter().map(|r| r.employee.salary_basis).collect()
    }

    #[test]
    fn salary_header_gives_every_row_its_basis() {
        use crate::model::SalaryBasis::PreTax;
        let csv = "Name,Passport No,Nationality,年薪（税前） Annual salary (pre-tax)\n\
                   Anna,EA1234567,Poland,480000\n\
                   Bob,EB1234567,Chile,\n";
        let r = read(csv.as_bytes(), "r.csv", &aliases()).unwrap();
        assert_eq!(bases(&r), vec![Some(PreTax), Some(PreTax)]);
        assert_eq!(
            r.rows[0].employee.annual_salary.map(|f| f.0),
            Some(48_000_000)
        );
        assert!(r.rows[0].issues.is_empty(), "{:?}", r.rows[0].issues);
        assert!(
            !r.issues
                .iter()
                .any(|i| i.code == codes::ROSTER_UNKNOWN_COLUMN),
            "{:?}",
            r.issues
        );
    }

    #[test]
    fn a_basis_cell_wins_over_the_salary_header() {
        use crate::model::SalaryBasis::{AfterTax, PreTax};
        let csv = "Name,Passport No,Nationality,Gross annual salary,税前/税后\n\
                   Anna,EA1234567,Poland,480000,税后\n\
                   Bob,EB1234567,Chile,300000,\n\
                   Cleo,EC1234567,Peru,300000,maybe\n";
        let r = read(csv.as_bytes(), "r.csv", &aliases()).unwrap();
        assert_eq!(bases(&r), vec![Some(AfterTax), Some(PreTax), None]);
        assert_eq!(
            codes(&r.rows[2].issues),
            vec![(codes::ROSTER_BAD_CHOICE.to_string(), "E4".to_string())]
        );
    }

    #[test]
    fn no_basis_anywhere_leaves_it_unknown() {
        let csv = "Name,Passport No,Nationality,年薪（元）Annual salary (RMB)\n\
                   Anna,EA1234567,Poland,480000\n";
        let r = read(csv.as_bytes(), "r.csv", &aliases()).unwrap();
        assert_eq!(bases(&r), vec![None]);
    }

    /// An xlsx workbook of `sheets` (name, rows of cells; a cell starting with `=` is a
    /// formula, written without a saved result), with `hidden` 0-based rows of the sheet
    /// named first hidden.
    fn xlsx(sheets: &[(&str, &[&[&str]])], hidden: &[u32]) -> Vec<u8> {
        let mut wb = rust_xlsxwriter::Workbook::new();
        for (i, (name, rows)) in sheets.iter().enumerate() {
            let ws = wb.add_worksheet();
            ws.set_name(*name).unwrap();
            for (r, row) in rows.iter().enumerate() {
                for (c, v) in row.iter().enumerate() {
                    if let Some(f) = v.strip_prefix('=') {
                        ws.write_formula(r as u32, c as u16, f).unwrap();
                    } else if !v.is_empty() {
                        ws.write_string(r as u32, c as u16, *v).unwrap();
                    }
                }
            }
            if i == 0 {
                for h in hidden {
                    ws.set_row_hidden(*h).unwrap();
                }
            }
        }
        let bytes = wb.save_to_buffer().unwrap();
        // rust_xlsxwriter saves 0 as every formula's result; script-written files save none.
        let mut src = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for i in 0..src.len() {
            let mut f = src.by_index(i).unwrap();
            let name = f.name().unwrap().to_string();
            let mut text = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut text).unwrap();
            if name.starts_with("xl/worksheets/") {
                text = String::from_utf8(text)
                    .unwrap()
                    .replace("</f><v>0</v>", "</f>")
                    .into_bytes();
            }
            out.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            std::io::Write::write_all(&mut out, &text).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    const HEAD: &[&str] = &["Name", "Passport No", "Nationality", "Years in China"];

    #[test]
    fn the_sheet_with_the_most_employees_is_read_and_the_others_explained() {
        let bytes = xlsx(
            &[
                ("Notes", &[&["Fill in the roster on the sheet Staff."]]),
                ("Sheet2", &[HEAD, &["Anna", "EA1234567", "Poland"]]),
                (
                    "Staff",
                    &[
                        HEAD,
                        &["Anna", "EA1234567", "Poland"],
                        &["Bob", "EB1234567", "Chile"],
                    ],
                ),
                (
                    "填写说明",
                    &[
                        HEAD,
                        &["张三", "E0000000", "示例"],
                        &["李四", "E0000001", "示例"],
                        &["王五", "E0000002", "示例"],
                    ],
                ),
            ],
            &[],
        );
        let r = read(&bytes, "r.xlsx", &aliases()).unwrap();
        assert_eq!(r.sheet, "Staff");
        assert_eq!(r.rows.len(), 2);
        let notes: Vec<(&str, Option<&str>)> = r
            .issues
            .iter()
            .filter(|i| i.code.contains(".sheet_"))
            .map(|i| (i.code.as_str(), i.at.sheet.as_deref()))
            .collect();
        assert_eq!(
            notes,
            [
                (codes::ROSTER_SHEET_CHOSEN.as_str(), Some("Staff")),
                (
                    codes::ROSTER_SHEET_PASSED_FEWER_ROWS.as_str(),
                    Some("Sheet2")
                ),
                (
                    codes::ROSTER_SHEET_PASSED_INSTRUCTIONS.as_str(),
                    Some("填写说明")
                ),
                (codes::ROSTER_SHEET_PASSED_NO_HEADER.as_str(), Some("Notes")),
            ]
        );
        // One sheet: nothing to explain.
        let one = read(
            &xlsx(&[("Staff", &[HEAD, &["A", "EA1234567", "P"]])], &[]),
            "r.xlsx",
            &aliases(),
        )
        .unwrap();
        assert!(!one.issues.iter().any(|i| i.code.contains(".sheet_")));
    }

    #[test]
    fn total_rows_are_skipped_with_a_note_and_employees_never_are() {
        let bytes = xlsx(
            &[(
                "Staff",
                &[
                    HEAD,
                    &["Anna", "EA1234567", "Poland", "3"],
                    &["Total", "", "", "=SUM(D2:D2)"],
                    &["", "6人", "", ""],
                    &["共2人"],
                    &["", "", "", "=SUBTOTAL(9,D2:D3)"],
                    // A person called Sum, with a passport number: an employee.
                    &["Sum", "EB1234567", "Chile", "2"],
                ],
            )],
            &[],
        );
        let r = read(&bytes, "r.xlsx", &aliases()).unwrap();
        let rows: Vec<u32> = r.rows.iter().map(|r| r.employee.row).collect();
        assert_eq!(rows, [2, 7]);
        let totals: Vec<(Option<&str>, Option<&str>)> = r
            .issues
            .iter()
            .filter(|i| i.code == codes::ROSTER_TOTAL_ROW)
            .map(|i| (i.at.cell.as_deref(), i.get("value")))
            .collect();
        assert_eq!(
            totals,
            [
                (Some("A3"), Some("Total")),
                (Some("B4"), Some("6人")),
                (Some("A5"), Some("共2人")),
                (Some("D6"), Some("=SUBTOTAL(9,D2:D3)")),
            ]
        );
    }

    #[test]
    fn hidden_rows_are_not_read_and_unsaved_formulas_named() {
        let bytes = xlsx(
            &[(
                "Staff",
                &[
                    HEAD,
                    &["Anna", "EA1234567", "Poland", "3"],
                    &["Bob", "EB1234567", "Chile", "=2026-2020"],
                    &["Cleo", "=\"EC\"&\"1234567\"", "Peru", "1"],
                    // Anna came back: visible again, no duplicate of her hidden row.
                    &["Anna", "EA1234567", "Poland", "3"],
                    &[],
                ],
            )],
            &[1, 5],
        );
        let r = read(&bytes, "r.xlsx", &aliases()).unwrap();
        let rows: Vec<u32> = r.rows.iter().map(|r| r.employee.row).collect();
        assert_eq!(rows, [3, 4, 5]);
        assert!(r.rows[2].issues.is_empty(), "{:?}", r.rows[2].issues);
        let hidden: Vec<(&str, Option<u32>, Option<&str>)> = r
            .issues
            .iter()
            .filter(|i| i.code == codes::ROSTER_HIDDEN_ROW)
            .map(|i| (i.at.sheet.as_deref().unwrap(), i.at.row, i.get("row")))
            .collect();
        assert_eq!(hidden, [("Staff", Some(2), Some("2"))]);
        assert_eq!(
            codes(&r.rows[0].issues),
            [(codes::ROSTER_FORMULA_NO_VALUE.to_string(), "D3".to_string())]
        );
        assert_eq!(r.rows[0].issues[0].get("formula"), Some("=2026-2020"));
        // A required cell holding an unsaved formula is that, not "missing".
        assert_eq!(
            codes(&r.rows[1].issues),
            [(codes::ROSTER_FORMULA_NO_VALUE.to_string(), "B4".to_string())]
        );
        assert_eq!(r.rows[1].employee.passport_no, None);
    }

    #[test]
    fn a_total_row_stating_another_head_count_is_pointed_out() {
        let people: &[&[&str]] = &[
            &["序号", "Name", "Passport No", "Nationality"],
            &["1", "Anna", "EA1234567", "Poland"],
            &["2", "Bob", "EB1234567", "Chile"],
            &["3", "Cleo", "EC1234567", "Peru"],
            // Numbered in advance, never filled: an empty row, not a stray one.
            &["4"],
        ];
        let with_total = |total: &'static str, hidden: &[u32]| {
            let total_row = ["合计", total];
            let mut rows = people.to_vec();
            rows.push(&total_row);
            read(&xlsx(&[("Staff", &rows[..])], hidden), "r.xlsx", &aliases()).unwrap()
        };
        let differs = |r: &Roster| -> Vec<(Option<String>, Option<String>, Option<String>)> {
            r.issues
                .iter()
                .filter(|i| i.code == codes::ROSTER_TOTAL_COUNT_DIFFERS)
                .map(|i| {
                    (
                        i.at.cell.clone(),
                        i.get("stated").map(String::from),
                        i.get("hidden").map(String::from),
                    )
                })
                .collect()
        };
        let r = with_total("3人", &[]);
        assert_eq!(r.rows.len(), 3);
        assert!(differs(&r).is_empty(), "{:?}", r.issues);
        assert!(
            !r.issues.iter().any(
                |i| i.code == codes::ROSTER_STRAY_ROW || i.code == codes::ROSTER_UNKNOWN_COLUMN
            ),
            "{:?}",
            r.issues
        );
        let r = with_total("共4人", &[]);
        assert_eq!(
            differs(&r),
            [(
                Some("B6".to_string()),
                Some("4".to_string()),
                Some("0".to_string())
            )]
        );
        // HR hid Bob, who left; the total still counts him.
        let r = with_total("3人", &[2]);
        assert_eq!(r.rows.len(), 2);
        assert_eq!(
            differs(&r),
            [(
                Some("B6".to_string()),
                Some("3".to_string()),
                Some("1".to_string())
            )]
        );
    }

    #[test]
    fn a_missing_name_column_names_the_cells_seen_and_the_closest_names() {
        let csv = "序号,员工名字（拼音）,护照号码(必填),国籍/地区,出生日期(yyyy-mm-dd)\n\
                   1,Anna,EA1234567,Poland,1985-02-03\n";
        let r = read(csv.as_bytes(), "r.csv", &aliases()).unwrap();
        let i = r
            .issues
            .iter()
            .find(|i| i.code == codes::ROSTER_MISSING_NAME_COLUMN)
            .expect("missing name column");
        assert!(i.is_error());
        assert_eq!(i.at.row, Some(1));
        assert_eq!(
            i.get("seen"),
            Some(
                "A1 '序号', B1 '员工名字（拼音）', C1 '护照号码(必填)', D1 '国籍/地区', \
                 E1 '出生日期(yyyy-mm-dd)'"
            )
        );
        assert_eq!(i.get("closest"), Some("B1 '员工名字（拼音）' ~ '员工姓名'"));
        assert!(
            !r.issues
                .iter()
                .any(|i| i.code == codes::ROSTER_MISSING_COLUMN
                    && i.get("column") == Some(&*aliases().label(Field::Name)))
        );
        // The notes in brackets do not hide the other columns.
        assert!(r.columns.contains_key(&Field::PassportNo));
        assert!(r.columns.contains_key(&Field::Nationality));
    }

    #[test]
    fn the_salary_is_required_for_category_six_only() {
        let csv = "Name,Passport No,Nationality,Talent category,Annual salary\n\
                   Anna,EA1234567,Poland,（六）,\n\
                   Bob,EB1234567,Chile,（一）,\n\
                   Cleo,EC1234567,Peru,（六）,480000\n";
        let r = read(csv.as_bytes(), "r.csv", &aliases()).unwrap();
        assert_eq!(
            codes(&r.rows[0].issues),
            [(
                codes::ROSTER_MISSING_FOR_CATEGORY.to_string(),
                "E2".to_string()
            )]
        );
        assert_eq!(r.rows[0].issues[0].get("category"), Some("（六）"));
        assert!(r.rows[1].issues.is_empty());
        assert!(r.rows[2].issues.is_empty());
    }

    #[test]
    fn missing_required_column_is_a_roster_issue() {
        let csv = "Name,Passport No,Nationality\nAnna,EA1234567,Poland\n";
        let r = read(csv.as_bytes(), "r.csv", &aliases()).unwrap();
        let missing: Vec<&str> = r
            .issues
            .iter()
            .filter(|i| i.code == codes::ROSTER_MISSING_COLUMN)
            .filter_map(|i| i.get("column"))
            .collect();
        assert!(
            missing.contains(&"Talent category / 人才类别"),
            "{missing:?}"
        );
        assert!(r.rows[0].issues.is_empty());
    }
}
