//! The roster's vocabulary, loaded from `templates/columns.toml`: column aliases per field,
//! required fields, header search settings, Company sheet keys, and the words accepted in
//! enumerated columns. Also owns header-text normalisation and matching.

use crate::assets::Templates;
use crate::model::{Field, SalaryBasis};
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
    /// Normalised aliases (see [`normalize`]).
    pub aliases: Vec<String>,
}

/// Everything the roster stage reads from `columns.toml`.
#[derive(Debug, Clone)]
pub struct ColumnAliases {
    pub columns: BTreeMap<Field, ColumnSpec>,
    /// Normalised ignorable words.
    pub ignore: Vec<String>,
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
pub const COMPANY_KEYS: [&str; 8] = [
    "name_zh",
    "name_en",
    "uscc",
    "address",
    "contact_person",
    "contact_phone",
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
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FilePassport {
    min_length: usize,
    max_length: usize,
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

impl ColumnAliases {
    /// Loads `columns.toml` from the templates (the user's folder first).
    pub fn load(templates: &Templates) -> Result<ColumnAliases, String> {
        let text = templates
            .get_text(COLUMNS_FILE)
            .map_err(|e| e.to_string())?;
        Self::from_toml(&text).map_err(|e| format!("template {COLUMNS_FILE}: {e}"))
    }

    /// Parses the contents of a `columns.toml` file.
    pub fn from_toml(text: &str) -> Result<ColumnAliases, String> {
        let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut columns = BTreeMap::new();
        for (key, s) in file.columns {
            let field = Field::from_key(&key).ok_or_else(|| {
                let known: Vec<&str> = Field::ALL.iter().map(|f| f.key()).collect();
                format!(
                    "unknown column [columns.{key}]; known columns are {}",
                    known.join(", ")
                )
            })?;
            let spec = spec(s);
            if spec.aliases.is_empty() {
                return Err(format!("[columns.{key}] has no aliases"));
            }
            if let Some(bad) = spec
                .required_for
                .iter()
                .find(|k| super::values::parse_category(k).is_none_or(|c| c.key() != **k))
            {
                return Err(format!(
                    "[columns.{key}] required_for: '{bad}' is not a category key (A, B, B1-B6, C)"
                ));
            }
            columns.insert(field, spec);
        }
        let mut company = BTreeMap::new();
        for (key, s) in file.company.fields {
            if !COMPANY_KEYS.contains(&key.as_str()) {
                return Err(format!(
                    "unknown company field [company.fields.{key}]; known fields are {}",
                    COMPANY_KEYS.join(", ")
                ));
            }
            company.insert(key, spec(s));
        }
        if file.header.min_matches == 0 {
            return Err("[header] min_matches must be at least 1".into());
        }
        if file.passport.min_length == 0 || file.passport.min_length > file.passport.max_length {
            return Err("[passport] needs 0 < min_length <= max_length".into());
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
        Ok(ColumnAliases {
            columns,
            ignore,
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
    pub fn field_of_header(&self, header: &str) -> Option<Field> {
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
            let digits = rest.trim_start_matches(|c: char| c.is_ascii_digit());
            digits.len() < rest.len()
                && ["人", "名", "people", "persons", "employees", "名员工", "位"].contains(&digits)
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

/// Maps a full-width ASCII form (U+FF01..U+FF5E) and the ideographic space to ASCII.
pub fn halfwidth(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
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
        assert_eq!(a.field_of_header("Position (pre-tax)"), None);
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
        let err = ColumnAliases::from_toml(&bad).unwrap_err();
        assert!(err.contains("fotos"), "{err}");
    }

    fn builtin_text() -> String {
        Templates::builtin().get_text(COLUMNS_FILE).unwrap()
    }
}
