//! The roster's vocabulary, loaded from `templates/columns.toml`: column aliases per field,
//! required fields, header search settings, Company sheet keys, and the words accepted in
//! enumerated columns. Also owns header-text normalisation and matching.

use crate::assets::{AssetError, Templates};
use crate::model::{Field, SalaryBasis};
use crate::text::halfwidth;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Path of the data file inside the templates folder.
pub const COLUMNS_FILE: &str = "columns.toml";

/// One known column (or Company sheet key): its aliases, already normalised, and whether a
/// value is required.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnSpec {
    pub required: bool,
    /// Category keys (`B6`) for which a value is required although `required` is false.
    pub required_for: Vec<String>,
    pub label_en: String,
    pub label_zh: String,
    /// Normalised aliases (see [`header_key`]).
    pub aliases: Vec<String>,
    /// The aliases as written in `columns.toml`, for suggestions in messages.
    pub names: Vec<String>,
}

/// Everything the roster stage reads from `columns.toml`.
#[derive(Debug, Clone)]
pub struct ColumnAliases {
    pub columns: BTreeMap<Field, ColumnSpec>,
    /// Normalised ignorable words.
    pub ignore: Vec<String>,
    /// Normalised names of a row-number column (`序号`, `No.`): known, never read.
    row_number: Vec<String>,
    /// Normalised words that mark a spreadsheet's file name as the roster (`名册`, `roster`).
    pub roster_file_words: Vec<String>,
    /// Normalised words that follow a head count on a total row (`人` in `11人`).
    people_words: Vec<String>,
    /// Digits of the longest passport number a machine-readable zone holds: a bare number
    /// this long cannot have lost leading zeros.
    pub passport_mrz_digits: usize,
    pub search_rows: u32,
    pub min_matches: usize,
    pub passport_min_len: usize,
    pub passport_max_len: usize,
    /// Normalised Company sheet names.
    pub company_sheets: Vec<String>,
    /// Company keys by `Company` field name (`name_zh`, `uscc`, ...), in file order of
    /// [`COMPANY_KEYS`].
    pub company: BTreeMap<String, ColumnSpec>,
    pre_tax: Vec<String>,
    after_tax: Vec<String>,
    /// `ignore` plus the pre- and after-tax words: the words the annual salary header may
    /// carry beside its name ("年薪（税前）", "Gross annual salary").
    salary_ignore: Vec<String>,
    /// Category drop-down choices for the starter workbook, as written.
    pub category_choices: Vec<String>,
    pub category_prompt_en: String,
    pub category_prompt_zh: String,
    /// Normalised words that mark a sheet as instructions or an example, not the roster.
    pub not_employee_sheets: Vec<String>,
    /// Normalised words that mark a total or summary row.
    pub total_words: Vec<String>,
    /// Normalised words that, in the annual salary header, mean "in 10,000 yuan".
    salary_ten_thousand: Vec<String>,
}

/// The `Company` fields, in the order they are shown.
pub const COMPANY_KEYS: [&str; 9] = [
    "name_zh",
    "name_en",
    "uscc",
    "address",
    "contact_person",
    "contact_phone",
    "contact_email",
    "legal_representative",
    "salary_basis",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSpec {
    #[serde(default)]
    required: bool,
    #[serde(default)]
    required_for: Vec<String>,
    #[serde(default)]
    label_en: String,
    #[serde(default)]
    label_zh: String,
    aliases: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileHeader {
    search_rows: u32,
    min_matches: usize,
    #[serde(default)]
    ignore: Vec<String>,
    #[serde(default)]
    row_number: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FilePassport {
    min_length: usize,
    max_length: usize,
    mrz_digits: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSalaryBasis {
    pre_tax: Vec<String>,
    after_tax: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileCategory {
    choices: Vec<String>,
    #[serde(default)]
    prompt_en: String,
    #[serde(default)]
    prompt_zh: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSalaryUnits {
    ten_thousand: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileValues {
    salary_basis: FileSalaryBasis,
    salary_units: FileSalaryUnits,
    category: FileCategory,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSheets {
    not_employees: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileTotals {
    words: Vec<String>,
    people: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileFiles {
    roster_words: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileCompany {
    sheet_names: Vec<String>,
    fields: BTreeMap<String, FileSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    header: FileHeader,
    sheets: FileSheets,
    totals: FileTotals,
    files: FileFiles,
    passport: FilePassport,
    columns: BTreeMap<String, FileSpec>,
    values: FileValues,
    company: FileCompany,
}

fn spec(s: FileSpec) -> ColumnSpec {
    let mut aliases: Vec<String> = s.aliases.iter().map(|a| header_key(a)).collect();
    aliases.retain(|a| !a.is_empty());
    aliases.sort();
    aliases.dedup();
    ColumnSpec {
        required: s.required,
        required_for: s.required_for,
        label_en: s.label_en,
        label_zh: s.label_zh,
        aliases,
        names: s.aliases,
    }
}

fn norm_list(list: &[String]) -> Vec<String> {
    let mut v: Vec<String> = list
        .iter()
        .map(|s| header_key(s))
        .filter(|s| !s.is_empty())
        .collect();
    v.sort();
    v.dedup();
    v
}

/// Why `columns.toml` cannot be used: unreadable, not valid TOML, or a key or value the
/// roster reader cannot use.
#[derive(Debug, thiserror::Error)]
pub enum AliasesError {
    #[error(transparent)]
    Asset(#[from] AssetError),
    #[error("template {file}: {reason}")]
    Template { file: &'static str, reason: String },
}

/// A value of `columns.toml` the roster reader cannot use.
fn invalid(reason: String) -> AliasesError {
    AliasesError::Template {
        file: COLUMNS_FILE,
        reason,
    }
}

impl ColumnAliases {
    /// Loads `columns.toml` from the templates (the user's folder first).
    pub fn load(templates: &Templates) -> Result<ColumnAliases, AliasesError> {
        let text = templates.get_text(COLUMNS_FILE)?;
        Self::from_toml(&text)
    }

    /// Parses the contents of a `columns.toml` file.
    pub fn from_toml(text: &str) -> Result<ColumnAliases, AliasesError> {
        let file: File = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        let mut columns = BTreeMap::new();
        for (key, s) in file.columns {
            let field = Field::from_key(&key).ok_or_else(|| {
                let known: Vec<&str> = Field::ALL.iter().map(|f| f.key()).collect();
                invalid(format!(
                    "unknown column [columns.{key}]; known columns are {}",
                    known.join(", ")
                ))
            })?;
            let spec = spec(s);
            if spec.aliases.is_empty() {
                return Err(invalid(format!("[columns.{key}] has no aliases")));
            }
            if let Some(bad) = spec
                .required_for
                .iter()
                .find(|k| super::values::parse_category(k).is_none_or(|c| c.key() != **k))
            {
                return Err(invalid(format!(
                    "[columns.{key}] required_for: '{bad}' is not a category key (A, B, B1-B6, C)"
                )));
            }
            columns.insert(field, spec);
        }
        let mut company = BTreeMap::new();
        for (key, s) in file.company.fields {
            if !COMPANY_KEYS.contains(&key.as_str()) {
                return Err(invalid(format!(
                    "unknown company field [company.fields.{key}]; known fields are {}",
                    COMPANY_KEYS.join(", ")
                )));
            }
            company.insert(key, spec(s));
        }
        if file.header.min_matches == 0 {
            return Err(invalid("[header] min_matches must be at least 1".into()));
        }
        if file.passport.min_length == 0 || file.passport.min_length > file.passport.max_length {
            return Err(invalid(
                "[passport] needs 0 < min_length <= max_length".into(),
            ));
        }
        let ignore = norm_list(&file.header.ignore);
        let pre_tax = norm_list(&file.values.salary_basis.pre_tax);
        let after_tax = norm_list(&file.values.salary_basis.after_tax);
        let salary_ten_thousand = norm_list(&file.values.salary_units.ten_thousand);
        let mut salary_ignore: Vec<String> = ignore
            .iter()
            .chain(&pre_tax)
            .chain(&after_tax)
            .chain(&salary_ten_thousand)
            .cloned()
            .collect();
        salary_ignore.sort();
        salary_ignore.dedup();
        if file.passport.mrz_digits < file.passport.min_length
            || file.passport.mrz_digits > file.passport.max_length
        {
            return Err(invalid(
                "[passport] needs min_length <= mrz_digits <= max_length".into(),
            ));
        }
        Ok(ColumnAliases {
            columns,
            ignore,
            row_number: norm_list(&file.header.row_number),
            roster_file_words: norm_list(&file.files.roster_words),
            people_words: norm_list(&file.totals.people),
            passport_mrz_digits: file.passport.mrz_digits,
            search_rows: file.header.search_rows.max(1),
            min_matches: file.header.min_matches,
            passport_min_len: file.passport.min_length,
            passport_max_len: file.passport.max_length,
            company_sheets: norm_list(&file.company.sheet_names),
            company,
            pre_tax,
            after_tax,
            salary_ignore,
            category_choices: file.values.category.choices,
            category_prompt_en: file.values.category.prompt_en,
            category_prompt_zh: file.values.category.prompt_zh,
            not_employee_sheets: norm_list(&file.sheets.not_employees),
            total_words: norm_list(&file.totals.words),
            salary_ten_thousand,
        })
    }

    /// The field a header cell names, if any. When the text could name several fields, the
    /// one whose aliases cover more of it wins (ties: the earlier field in [`Field::ALL`]).
    /// The annual salary header may also carry a pre- or after-tax word ("年薪（税前）").
    ///
    /// A cell that names no field as a whole is read by its known part: the text outside
    /// brackets (`姓名（与护照一致）`, `护照号码(必填)`, `【必填】国籍`), else the text before a
    /// separator or line break (`Name - as in passport`, `姓名\n请按护照填写`). A note never
    /// names the column by itself (`备注（护照号码）` stays unknown).
    pub fn field_of_header(&self, header: &str) -> Option<Field> {
        self.field_of_whole(header)
            .or_else(|| known_part(header).and_then(|p| self.field_of_whole(&p)))
    }

    /// Whether a header cell names a row-number column (`序号`, `No.`, `编号`), alone or with a
    /// note.
    pub fn is_row_number_header(&self, header: &str) -> bool {
        let whole = |t: &str| {
            let n = header_key(t);
            !n.is_empty() && cover(&n, &self.row_number, &self.ignore).is_some()
        };
        whole(header) || known_part(header).is_some_and(|p| whole(&p))
    }

    /// The known names of a field nearest to a header text (by edit distance over the
    /// normalised forms), as written in `columns.toml`, best first, with their distance
    /// relative to the longer of the two (0.0 same, 1.0 nothing in common).
    pub fn nearest_names(&self, field: Field, header: &str) -> Vec<(String, f64)> {
        let Some(spec) = self.columns.get(&field) else {
            return Vec::new();
        };
        let n = header_key(&known_part(header).unwrap_or_else(|| header.to_string()));
        if n.is_empty() {
            return Vec::new();
        }
        let mut near: Vec<(String, f64)> = spec
            .names
            .iter()
            .map(|name| {
                let a = header_key(name);
                let longer = a.chars().count().max(n.chars().count()).max(1);
                (name.clone(), edit_distance(&n, &a) as f64 / longer as f64)
            })
            .collect();
        near.sort_by(|x, y| x.1.total_cmp(&y.1).then_with(|| x.0.cmp(&y.0)));
        near
    }

    /// The number of people a total row's cell states (`11人`, `共11人`, `合计：11人`,
    /// `Total 11 people`), if it states one.
    pub fn head_count(&self, text: &str) -> Option<u32> {
        let n = header_key(text);
        let rest = self
            .total_words
            .iter()
            .filter_map(|w| n.strip_prefix(w.as_str()))
            .min_by_key(|r| r.len())
            .unwrap_or(n.as_str());
        let rest = rest.strip_prefix('共').unwrap_or(rest);
        let unit = rest.trim_start_matches(|c: char| c.is_ascii_digit());
        let digits = &rest[..rest.len() - unit.len()];
        if digits.is_empty() || !self.people_words.iter().any(|w| w == unit) {
            return None;
        }
        digits.parse().ok()
    }

    /// [`ColumnAliases::field_of_header`] on the whole text.
    fn field_of_whole(&self, header: &str) -> Option<Field> {
        let n = header_key(header);
        best_match(
            &n,
            self.columns.iter().map(|(f, s)| {
                let ignore = if *f == Field::AnnualSalary {
                    &self.salary_ignore
                } else {
                    &self.ignore
                };
                (*f, s.aliases.as_slice(), ignore.as_slice())
            }),
        )
    }

    /// The `Company` field a Company sheet key names, if any.
    pub fn company_key(&self, key: &str) -> Option<&'static str> {
        let n = header_key(key);
        best_match(
            &n,
            COMPANY_KEYS.iter().filter_map(|k| {
                self.company
                    .get(*k)
                    .map(|s| (*k, s.aliases.as_slice(), self.ignore.as_slice()))
            }),
        )
    }

    /// Whether a sheet name is a Company sheet name, alone or combined (`公司信息 Company`).
    pub fn is_company_sheet(&self, name: &str) -> bool {
        let n = header_key(name);
        !n.is_empty() && cover(&n, &self.company_sheets, &[]).is_some()
    }

    pub fn is_required(&self, field: Field) -> bool {
        self.columns.get(&field).is_some_and(|s| s.required)
    }

    /// Whether a field is required for an employee of this category key (`B6`), beyond the
    /// fields required for everyone.
    pub fn is_required_for(&self, field: Field, category_key: &str) -> bool {
        self.columns
            .get(&field)
            .is_some_and(|s| s.required_for.iter().any(|k| k == category_key))
    }

    /// Whether a sheet's name says it holds instructions or an example, not the roster.
    pub fn is_not_employee_sheet(&self, name: &str) -> bool {
        let n = header_key(name);
        self.not_employee_sheets
            .iter()
            .any(|w| n.contains(w.as_str()))
    }

    /// Whether a cell's text marks a total or summary row: a total word alone or followed by
    /// a count ("合计", "Total: 6"), or a count of people ("6人", "共6人", "6 people").
    pub fn is_total_text(&self, text: &str) -> bool {
        let n = header_key(text);
        if n.is_empty() {
            return false;
        }
        let count_only = |rest: &str| {
            let rest = rest.strip_prefix('共').unwrap_or(rest);
            let unit = rest.trim_start_matches(|c: char| c.is_ascii_digit());
            unit.len() < rest.len() && self.people_words.iter().any(|w| w == unit)
        };
        if count_only(&n) {
            return true;
        }
        self.total_words.iter().any(|w| {
            n.strip_prefix(w.as_str()).is_some_and(|rest| {
                rest.is_empty() || rest.chars().all(|c| c.is_ascii_digit()) || count_only(rest)
            })
        })
    }

    /// The factor a unit in the annual salary header puts on plain numbers: 10,000 for
    /// "年收入（万元）", else 1.
    pub fn salary_scale_in_header(&self, header: &str) -> i64 {
        let n = header_key(header);
        if self
            .salary_ten_thousand
            .iter()
            .any(|w| n.contains(w.as_str()))
        {
            10_000
        } else {
            1
        }
    }

    /// Required fields, in [`Field::ALL`] order.
    pub fn required_fields(&self) -> impl Iterator<Item = Field> + '_ {
        Field::ALL.into_iter().filter(|f| self.is_required(*f))
    }

    /// A readable name for a field in messages: `Passport No. / 护照号码`.
    pub fn label(&self, field: Field) -> String {
        match self.columns.get(&field) {
            Some(s) if !s.label_en.is_empty() || !s.label_zh.is_empty() => {
                join_labels(&s.label_en, &s.label_zh)
            }
            _ => field.key().to_string(),
        }
    }

    /// A readable name for a Company field.
    pub fn company_label(&self, key: &str) -> String {
        match self.company.get(key) {
            Some(s) if !s.label_en.is_empty() || !s.label_zh.is_empty() => {
                join_labels(&s.label_en, &s.label_zh)
            }
            _ => key.to_string(),
        }
    }

    /// Reads a "pre- or after-tax" cell.
    pub fn salary_basis(&self, text: &str) -> Option<SalaryBasis> {
        let n = header_key(text);
        if self.pre_tax.contains(&n) {
            Some(SalaryBasis::PreTax)
        } else if self.after_tax.contains(&n) {
            Some(SalaryBasis::AfterTax)
        } else {
            None
        }
    }

    /// The basis an annual salary header states ("年薪（税前） Annual salary (pre-tax)",
    /// "税前年薪", "Gross annual salary"): a pre- or after-tax word found anywhere in the
    /// normalised header. `None` when it names neither, or both.
    pub fn salary_basis_in_header(&self, header: &str) -> Option<SalaryBasis> {
        let n = header_key(header);
        let pre = self.pre_tax.iter().any(|w| n.contains(w.as_str()));
        let after = self.after_tax.iter().any(|w| n.contains(w.as_str()));
        match (pre, after) {
            (true, false) => Some(SalaryBasis::PreTax),
            (false, true) => Some(SalaryBasis::AfterTax),
            _ => None,
        }
    }
}

fn join_labels(en: &str, zh: &str) -> String {
    match (en.is_empty(), zh.is_empty()) {
        (false, false) => format!("{en} / {zh}"),
        (false, true) => en.to_string(),
        _ => zh.to_string(),
    }
}

/// The key a header cell or company key is matched by: full-width forms to ASCII, lower
/// case, and only letters and digits kept (spaces, line breaks and punctuation dropped).
/// `"护照号码\nPassport No."` becomes `"护照号码passportno"`.
pub fn header_key(text: &str) -> String {
    text.chars()
        .map(halfwidth)
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Brackets whose content is a note beside a column name (half- and full-width forms are
/// the same after [`halfwidth`]).
const BRACKETS: [(char, char); 7] = [
    ('(', ')'),
    ('[', ']'),
    ('{', '}'),
    ('<', '>'),
    ('【', '】'),
    ('〔', '〕'),
    ('《', '》'),
];

/// Separators after which a header cell carries a note (`Name - as in passport`, `姓名：`).
const NOTE_SEPARATORS: [&str; 10] = [" - ", " – ", "—", "–", ":", ";", ",", "|", "\n", "\r"];

/// The part of a header cell that may name its column: the text outside brackets, cut at the
/// first note separator. `None` when that is the whole cell or nothing is left.
fn known_part(header: &str) -> Option<String> {
    let text: String = header.chars().map(halfwidth).collect();
    let mut outside = String::new();
    let mut open: Vec<char> = Vec::new();
    for c in text.chars() {
        if let Some((_, close)) = BRACKETS.iter().find(|(o, _)| *o == c) {
            open.push(*close);
        } else if open.last() == Some(&c) {
            open.pop();
        } else if open.is_empty() {
            outside.push(c);
        }
    }
    let cut = NOTE_SEPARATORS
        .iter()
        .filter_map(|s| outside.find(s))
        .min()
        .unwrap_or(outside.len());
    let part = outside[..cut].trim();
    (!header_key(part).is_empty() && part != text.trim()).then(|| part.to_string())
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = (diag + usize::from(ca != *cb)).min(row[j] + 1).min(up + 1);
            diag = up;
        }
    }
    row[b.len()]
}

/// Picks the candidate whose aliases (plus its ignorable words) cover the whole text with the
/// most characters taken by aliases. `None` when no candidate covers it.
fn best_match<'a, K: Copy>(
    text: &str,
    candidates: impl Iterator<Item = (K, &'a [String], &'a [String])>,
) -> Option<K> {
    if text.is_empty() {
        return None;
    }
    let mut best: Option<(K, usize)> = None;
    for (key, aliases, ignore) in candidates {
        if let Some(score) = cover(text, aliases, ignore)
            && best.is_none_or(|(_, s)| score > s)
        {
            best = Some((key, score));
        }
    }
    best.map(|(k, _)| k)
}

/// If `text` is a concatenation of aliases and ignorable words with at least one alias,
/// returns the number of bytes covered by aliases (maximised).
fn cover(text: &str, aliases: &[String], ignore: &[String]) -> Option<usize> {
    let n = text.len();
    // best[i]: max alias bytes covering text[..i] with at least one alias (Some(Some(x))),
    // covered only by ignorable words (Some(None)), or not coverable (None).
    let mut best: Vec<Option<Option<usize>>> = vec![None; n + 1];
    best[0] = Some(None);
    for i in 0..n {
        let Some(here) = best[i] else { continue };
        if !text.is_char_boundary(i) {
            continue;
        }
        let rest = &text[i..];
        for a in aliases {
            if rest.starts_with(a.as_str()) {
                let j = i + a.len();
                let val = Some(here.unwrap_or(0) + a.len());
                if best[j].is_none_or(|b| b < val) {
                    best[j] = Some(val);
                }
            }
        }
        for w in ignore {
            if rest.starts_with(w.as_str()) {
                let j = i + w.len();
                if best[j].is_none_or(|b| b < here) {
                    best[j] = Some(here);
                }
            }
        }
    }
    best[n].flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin() -> ColumnAliases {
        ColumnAliases::load(&Templates::builtin()).expect("built-in columns.toml loads")
    }

    #[test]
    fn normalizes_case_space_punctuation_and_fullwidth() {
        assert_eq!(header_key("护照号码\nPassport No."), "护照号码passportno");
        assert_eq!(header_key("  ＰＡＳＳＰＯＲＴ　Ｎｏ． "), "passportno");
        assert_eq!(header_key("*姓名（Name）"), "姓名name");
    }

    #[test]
    fn matches_single_and_combined_headers() {
        let a = builtin();
        let cases = [
            ("姓名\nName", Field::Name),
            ("护照号码 Passport No.", Field::PassportNo),
            ("Passport No. 护照号码", Field::PassportNo),
            ("PASSPORT  NUMBER", Field::PassportNo),
            ("Chinese name 中文名", Field::ChineseName),
            (
                "Work Permit Expiry\n工作许可到期日",
                Field::WorkPermitExpiry,
            ),
            ("居留许可到期日 (YYYY-MM-DD)", Field::ResidencePermitExpiry),
            ("年薪（元）Annual salary (RMB)", Field::AnnualSalary),
            ("人才类别 Talent category", Field::Category),
            ("Years worked in China 在华工作年限", Field::YearsInChina),
            ("出生日期*", Field::DateOfBirth),
            ("Name (as in passport)", Field::Name),
            ("Passport expiry 护照有效期至", Field::PassportExpiry),
        ];
        for (text, field) in cases {
            assert_eq!(a.field_of_header(text), Some(field), "{text:?}");
        }
        for text in [
            "备注 Notes",
            "",
            "Foreign staff roster 2026",
            "必填",
            "Name Passport",
        ] {
            assert_eq!(a.field_of_header(text), None, "{text:?}");
        }
    }

    /// What a header cell must be read as.
    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Read {
        Is(Field),
        RowNumber,
        Unknown,
    }

    /// Headers as HR writes them: Chinese HR-system exports and English sheets, with notes in
    /// full- and half-width brackets or after a separator, units, formats and line breaks.
    const HR_HEADERS: &[(&str, Read)] = {
        use Field::*;
        use Read::*;
        &[
            ("姓名", Is(Name)),
            ("姓名（与护照一致）", Is(Name)),
            ("姓名(与护照一致)", Is(Name)),
            ("姓名（拼音）", Is(Name)),
            ("姓名\n(护照)", Is(Name)),
            ("英文姓名（大写）", Is(Name)),
            ("护照姓名 Passport Name", Is(Name)),
            ("Name - as in passport", Is(Name)),
            ("Name (as in passport)", Is(Name)),
            ("Full Name [required]", Is(Name)),
            ("NAME\n(Surname Given names)", Is(Name)),
            ("员工姓名", Is(Name)),
            ("姓名*", Is(Name)),
            ("【必填】姓名", Is(Name)),
            ("外文姓名", Is(Name)),
            ("姓名：请按护照填写", Is(Name)),
            ("Name, as in passport", Is(Name)),
            ("姓名（中文）", Is(ChineseName)),
            ("中文姓名（如有）", Is(ChineseName)),
            ("Chinese Name (if any)", Is(ChineseName)),
            ("中文名", Is(ChineseName)),
            ("护照号码", Is(PassportNo)),
            ("护照号码(必填)", Is(PassportNo)),
            ("护照号码（必填）", Is(PassportNo)),
            ("护照号", Is(PassportNo)),
            ("护照号码\nPassport No.", Is(PassportNo)),
            ("Passport No. [required]", Is(PassportNo)),
            ("Passport Number - 9 characters", Is(PassportNo)),
            ("护照编号", Is(PassportNo)),
            ("证件号码（护照）", Is(PassportNo)),
            ("PASSPORT NO.", Is(PassportNo)),
            ("护照号码（请勿带空格）", Is(PassportNo)),
            ("护照号码 【必填】", Is(PassportNo)),
            ("护照有效期至", Is(PassportExpiry)),
            ("护照有效期（yyyy-mm-dd）", Is(PassportExpiry)),
            ("护照到期日", Is(PassportExpiry)),
            ("Passport Expiry Date", Is(PassportExpiry)),
            ("护照有效期截止日期", Is(PassportExpiry)),
            ("国籍", Is(Nationality)),
            ("国籍/地区", Is(Nationality)),
            ("国籍（地区）", Is(Nationality)),
            ("国家/地区", Is(Nationality)),
            ("Nationality 国籍", Is(Nationality)),
            ("国籍(英文)", Is(Nationality)),
            ("Country/Region", Is(Nationality)),
            ("Citizenship", Is(Nationality)),
            ("出生日期", Is(DateOfBirth)),
            ("出生日期(yyyy-mm-dd)", Is(DateOfBirth)),
            ("出生日期（年/月/日）", Is(DateOfBirth)),
            ("出生年月", Is(DateOfBirth)),
            ("Date of Birth (YYYY/MM/DD)", Is(DateOfBirth)),
            ("DOB", Is(DateOfBirth)),
            ("生日", Is(DateOfBirth)),
            ("人才类别", Is(Category)),
            ("人才类别（A/B/C）", Is(Category)),
            ("外国人才类别", Is(Category)),
            ("人才类型", Is(Category)),
            ("Talent Category (A/B/C)", Is(Category)),
            ("类别", Is(Category)),
            ("人才类别\n(一)-(六)", Is(Category)),
            ("职位", Is(Position)),
            ("岗位", Is(Position)),
            ("职务（中英文）", Is(Position)),
            ("Job Title", Is(Position)),
            ("Position 职位", Is(Position)),
            ("岗位名称", Is(Position)),
            ("入职日期", Is(StartDate)),
            ("入职时间", Is(StartDate)),
            ("入职日期(yyyy-mm-dd)", Is(StartDate)),
            ("Start Date", Is(StartDate)),
            ("Hire Date", Is(StartDate)),
            ("Date Joined", Is(StartDate)),
            ("入司日期", Is(StartDate)),
            ("工作许可证号", Is(WorkPermitNo)),
            ("工作许可证号码", Is(WorkPermitNo)),
            ("外国人工作许可证号", Is(WorkPermitNo)),
            ("工作许可证号（如有）", Is(WorkPermitNo)),
            ("Work Permit No.", Is(WorkPermitNo)),
            ("工作许可证编号", Is(WorkPermitNo)),
            ("工作许可证号\n(如无请留空)", Is(WorkPermitNo)),
            ("工作许可到期日", Is(WorkPermitExpiry)),
            ("工作许可有效期至", Is(WorkPermitExpiry)),
            ("工作许可证有效期至", Is(WorkPermitExpiry)),
            ("工作许可到期日\n(yyyy-mm-dd)", Is(WorkPermitExpiry)),
            ("Work Permit Expiry Date", Is(WorkPermitExpiry)),
            ("工作许可证到期日期", Is(WorkPermitExpiry)),
            ("WP expiry - see the card", Is(WorkPermitExpiry)),
            ("居留许可有效期至", Is(ResidencePermitExpiry)),
            ("居留许可到期日", Is(ResidencePermitExpiry)),
            ("居留许可有效期至（yyyy-mm-dd）", Is(ResidencePermitExpiry)),
            ("居留证到期日", Is(ResidencePermitExpiry)),
            ("Residence Permit Expiry", Is(ResidencePermitExpiry)),
            ("居留许可到期日期", Is(ResidencePermitExpiry)),
            ("居留许可有效期（截止）", Is(ResidencePermitExpiry)),
            ("在华工作年限", Is(YearsInChina)),
            ("来华工作年限（年）", Is(YearsInChina)),
            ("Years worked in China", Is(YearsInChina)),
            ("申请延期年限", Is(RequestedTerm)),
            ("申请期限（年）", Is(RequestedTerm)),
            ("年薪(税前,元)", Is(AnnualSalary)),
            ("年薪（税前，人民币元）", Is(AnnualSalary)),
            ("年收入（万元）", Is(AnnualSalary)),
            ("Annual Salary (RMB, pre-tax)", Is(AnnualSalary)),
            ("税前年薪", Is(AnnualSalary)),
            ("年薪", Is(AnnualSalary)),
            ("税前/税后", Is(SalaryBasis)),
            ("联系电话", Is(Mobile)),
            ("手机号码", Is(Mobile)),
            ("Mobile Phone", Is(Mobile)),
            ("手机号码（中国大陆）", Is(Mobile)),
            ("照片", Is(Photo)),
            ("照片文件名", Is(Photo)),
            ("序号", RowNumber),
            ("No.", RowNumber),
            ("编号", RowNumber),
            ("序号 No.", RowNumber),
            ("NO", RowNumber),
            ("S/N", RowNumber),
            ("序号（自动）", RowNumber),
            ("备注", Unknown),
            ("备注（护照号码有误请标注）", Unknown),
            ("部门", Unknown),
            ("性别", Is(Gender)),
            ("Gender", Is(Gender)),
            ("姓 Surname", Is(Surname)),
            ("名 Given names", Is(GivenNames)),
            ("护照签发日期", Is(PassportIssueDate)),
            ("合同到期日 Contract end date", Is(ContractEndDate)),
            ("在华住址", Is(AddressInChina)),
            ("工作地点", Is(WorkLocation)),
            ("Remarks: passport number", Unknown),
            ("签证类型", Unknown),
            ("证件类型", Unknown),
            ("员工编号", Unknown),
            ("邮箱 Email", Is(Email)),
            ("配偶姓名", Unknown),
        ]
    };

    #[test]
    fn headers_as_hr_writes_them() {
        let a = builtin();
        assert!(HR_HEADERS.len() >= 100, "{}", HR_HEADERS.len());
        let mut wrong = Vec::new();
        for (text, want) in HR_HEADERS {
            let got = match a.field_of_header(text) {
                Some(f) => Read::Is(f),
                None if a.is_row_number_header(text) => Read::RowNumber,
                None => Read::Unknown,
            };
            if got != *want {
                wrong.push(format!("{text:?}: {got:?}, want {want:?}"));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn the_known_part_outside_brackets_and_before_a_separator() {
        assert_eq!(known_part("姓名（与护照一致）").as_deref(), Some("姓名"));
        assert_eq!(known_part("【必填】国籍").as_deref(), Some("国籍"));
        assert_eq!(known_part("Name - as in passport").as_deref(), Some("Name"));
        assert_eq!(known_part("姓名\n请按护照填写").as_deref(), Some("姓名"));
        // Unclosed: the rest is the note.
        assert_eq!(known_part("姓名（与护照一致").as_deref(), Some("姓名"));
        assert_eq!(known_part("姓名"), None);
        assert_eq!(known_part("（备注）"), None);
    }

    #[test]
    fn nearest_names_by_edit_distance() {
        let a = builtin();
        let near = a.nearest_names(Field::Name, "员工名字（拼音）");
        assert!(near[0].1 < near.last().unwrap().1);
        assert_eq!(near[0].0, "员工姓名", "{near:?}");
        let near = a.nearest_names(Field::Name, "Nmae");
        assert_eq!(near[0].0, "name", "{near:?}");
        assert!(a.nearest_names(Field::Name, "（）").is_empty());
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "姓名"), 2);
    }

    #[test]
    fn head_counts_on_total_rows() {
        let a = builtin();
        for (text, want) in [
            ("11人", Some(11)),
            ("共11人", Some(11)),
            ("合计：11人", Some(11)),
            ("合计 共 11 人", Some(11)),
            ("Total: 11 people", Some(11)),
            ("11 employees", Some(11)),
            ("合计", None),
            ("Total: 11", None),
            ("11", None),
            ("人", None),
        ] {
            assert_eq!(a.head_count(text), want, "{text:?}");
        }
    }

    #[test]
    fn every_alias_names_its_own_field_only() {
        let a = builtin();
        for (field, spec) in &a.columns {
            for alias in &spec.aliases {
                assert_eq!(a.field_of_header(alias), Some(*field), "alias {alias:?}");
            }
        }
        for (key, spec) in &a.company {
            for alias in &spec.aliases {
                assert_eq!(a.company_key(alias), Some(key.as_str()), "alias {alias:?}");
            }
        }
    }

    #[test]
    fn company_keys_and_sheet_names() {
        let a = builtin();
        assert_eq!(a.company_key("统一社会信用代码 USCC"), Some("uscc"));
        assert_eq!(a.company_key("Company name (English)"), Some("name_en"));
        assert_eq!(a.company_key("公司名称"), Some("name_zh"));
        assert_eq!(a.company_key("Bank account"), None);
        assert!(a.is_company_sheet("公司信息"));
        assert!(a.is_company_sheet(" company "));
        assert!(a.is_company_sheet("公司信息 Company"));
        assert!(!a.is_company_sheet("Staff"));
        assert!(!a.is_company_sheet("Company cars"));
    }

    #[test]
    fn salary_basis_words() {
        let a = builtin();
        assert_eq!(a.salary_basis("税前"), Some(SalaryBasis::PreTax));
        assert_eq!(a.salary_basis("After tax"), Some(SalaryBasis::AfterTax));
        assert_eq!(a.salary_basis("maybe"), None);
    }

    #[test]
    fn salary_header_may_state_its_basis() {
        let a = builtin();
        for (text, basis) in [
            (
                "年薪（税前） Annual salary (pre-tax)",
                Some(SalaryBasis::PreTax),
            ),
            ("税前年薪", Some(SalaryBasis::PreTax)),
            ("Gross annual salary", Some(SalaryBasis::PreTax)),
            ("Annual salary before tax (RMB)", Some(SalaryBasis::PreTax)),
            ("税后年薪（元）", Some(SalaryBasis::AfterTax)),
            ("Annual income, net", Some(SalaryBasis::AfterTax)),
            (
                "Annual salary after-tax 年薪税后",
                Some(SalaryBasis::AfterTax),
            ),
            ("年薪（元）Annual salary (RMB)", None),
            // Both words: the header does not say which.
            ("年薪（税前/税后）", None),
        ] {
            assert_eq!(
                a.field_of_header(text),
                Some(Field::AnnualSalary),
                "{text:?}"
            );
            assert_eq!(a.salary_basis_in_header(text), basis, "{text:?}");
        }
        // The basis words alone still name the basis column, and do not widen other columns.
        assert_eq!(a.field_of_header("税前/税后"), Some(Field::SalaryBasis));
        assert_eq!(a.field_of_header("税前"), None);
        assert_eq!(a.field_of_header("Gross"), None);
        assert_eq!(a.field_of_header("Position pre-tax"), None);
    }

    #[test]
    fn required_fields_from_data() {
        let a = builtin();
        let req: Vec<Field> = a.required_fields().collect();
        assert!(req.contains(&Field::PassportNo));
        assert!(req.contains(&Field::WorkPermitExpiry));
        assert!(!req.contains(&Field::Photo));
        assert_eq!(a.label(Field::PassportNo), "Passport No. / 护照号码");
    }

    #[test]
    fn rejects_unknown_keys_with_a_clear_message() {
        let bad = builtin_text().replace("[columns.photo]", "[columns.fotos]");
        let err = ColumnAliases::from_toml(&bad).unwrap_err().to_string();
        assert!(err.contains("fotos"), "{err}");
    }

    fn builtin_text() -> String {
        Templates::builtin().get_text(COLUMNS_FILE).unwrap()
    }
}
