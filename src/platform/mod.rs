//! The platform stage: what HR types into the Foreign Talent Service Platform's extension
//! form, field by field in the platform's section order, with where each value comes from
//! (the roster, derived by permitpack, or missing and where to find it), and the platform's
//! own rules on those values (names in MRZ letters, the applicant's own contact details).
//! The field list and its sources live in `templates/platform_form.toml`.

pub mod form;
pub mod mrz;

pub use form::{FormField, Source, build};

use crate::assets::{AssetError, Templates};
use serde::Deserialize;
use std::collections::BTreeMap;

const FILE: &str = "platform_form.toml";

/// One section of the form, in platform order.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub key: String,
    pub zh: String,
    pub en: String,
}

/// One field of the form as `platform_form.toml` declares it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    pub section: String,
    pub key: String,
    pub label_zh: String,
    pub label_en: String,
    pub verified: bool,
    pub where_zh: String,
    pub where_en: String,
    #[serde(default)]
    pub note_zh: String,
    #[serde(default)]
    pub note_en: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileData {
    section: Vec<Section>,
    field: Vec<FieldSpec>,
    notes: BTreeMap<String, String>,
    mrz: FileMrz,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileMrz {
    letters: BTreeMap<String, String>,
}

/// The form as the templates declare it: sections, fields in platform order, the wording
/// of notes and the MRZ letter table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlatformSpec {
    pub sections: Vec<Section>,
    /// Sorted by section order, the file's order kept within a section.
    pub fields: Vec<FieldSpec>,
    pub notes: BTreeMap<String, String>,
    pub letters: BTreeMap<char, String>,
}

/// Note keys the form prints; each needs `_zh` and `_en` in `[notes]`.
const NOTE_KEYS: [&str; 14] = [
    "missing",
    "split_columns",
    "split_one_column",
    "split_comma",
    "split_capitals",
    "split_one_word",
    "split_last_word",
    "ascii",
    "not_latin",
    "nationality",
    "nationality_unknown",
    "month_only",
    "company_address",
    "unverified",
];

/// Why `platform_form.toml` cannot be used: unreadable, not valid TOML, or a field, note or
/// letter the form cannot use.
#[derive(Debug, thiserror::Error)]
pub enum PlatformError {
    #[error(transparent)]
    Asset(#[from] AssetError),
    #[error("template {file}: {reason}")]
    Template { file: &'static str, reason: String },
}

/// A value of `platform_form.toml` that cannot be used.
fn invalid(reason: String) -> PlatformError {
    PlatformError::Template { file: FILE, reason }
}

impl PlatformSpec {
    /// From `platform_form.toml` (the user's templates first). The error names the file and
    /// what is wrong in it.
    pub fn load(templates: &Templates) -> Result<PlatformSpec, PlatformError> {
        let text = templates.get_text(FILE)?;
        PlatformSpec::parse(&text)
    }

    /// The built-in form (tests and callers without a templates folder).
    pub fn builtin() -> &'static PlatformSpec {
        static BUILTIN: std::sync::OnceLock<PlatformSpec> = std::sync::OnceLock::new();
        BUILTIN.get_or_init(|| {
            PlatformSpec::load(&Templates::builtin())
                .expect("the built-in platform_form.toml parses")
        })
    }

    pub fn parse(text: &str) -> Result<PlatformSpec, PlatformError> {
        let data: FileData = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        let order = |key: &str| data.section.iter().position(|s| s.key == key);
        for f in &data.field {
            if order(&f.section).is_none() {
                return Err(invalid(format!(
                    "field {} names section '{}', which no [[section]] declares",
                    f.key, f.section
                )));
            }
            if !form::VALUE_KEYS.contains(&f.key.as_str()) {
                return Err(invalid(format!(
                    "unknown field key '{}'; known keys are {}",
                    f.key,
                    form::VALUE_KEYS.join(", ")
                )));
            }
        }
        for key in NOTE_KEYS {
            for lang in ["zh", "en"] {
                if !data.notes.contains_key(&format!("{key}_{lang}")) {
                    return Err(invalid(format!("[notes] lacks {key}_{lang}")));
                }
            }
        }
        let mut letters = BTreeMap::new();
        for (k, v) in data.mrz.letters {
            let mut chars = k.chars();
            let (Some(c), None) = (chars.next(), chars.next()) else {
                return Err(invalid(format!(
                    "[mrz.letters] key '{k}' must be one letter"
                )));
            };
            if v.is_empty() || !v.chars().all(|c| c.is_ascii_uppercase()) {
                return Err(invalid(format!(
                    "[mrz.letters] '{k}' must map to letters A-Z, not '{v}'"
                )));
            }
            letters.insert(c, v);
        }
        let mut fields = data.field;
        // A stable sort: the platform's section order, the file's order within a section.
        fields.sort_by_key(|f| order(&f.section));
        Ok(PlatformSpec {
            sections: data.section,
            fields,
            notes: data.notes,
            letters,
        })
    }

    /// A note in one language with its `{name}` placeholders filled.
    pub(crate) fn note(&self, key: &str, zh: bool, args: &[(&str, &str)]) -> String {
        let lang = if zh { "zh" } else { "en" };
        let mut text = self
            .notes
            .get(&format!("{key}_{lang}"))
            .cloned()
            .unwrap_or_default();
        for (k, v) in args {
            text = text.replace(&format!("{{{k}}}"), v);
        }
        text
    }

    pub(crate) fn section(&self, key: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.key == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes;

    #[test]
    fn builtin_form_is_in_platform_section_order() {
        let spec = PlatformSpec::builtin();
        let sections: Vec<&str> = spec.sections.iter().map(|s| s.zh.as_str()).collect();
        assert_eq!(
            sections,
            [
                "个人信息",
                "业务信息",
                "居留许可申请信息",
                "教育经历",
                "工作经历",
                "家属信息",
                "附件信息"
            ]
        );
        let order: Vec<usize> = spec
            .fields
            .iter()
            .map(|f| {
                spec.sections
                    .iter()
                    .position(|s| s.key == f.section)
                    .unwrap()
            })
            .collect();
        assert!(order.windows(2).all(|w| w[0] <= w[1]), "{order:?}");
        // The fields that must match the passport are verified; 居留许可申请信息 is not.
        for key in [
            "surname",
            "given_names",
            "gender",
            "nationality",
            "date_of_birth",
            "passport_no",
            "passport_issue_date",
            "passport_expiry",
        ] {
            let f = spec.fields.iter().find(|f| f.key == key).unwrap();
            assert!(f.verified && f.section == "personal", "{key}");
        }
        assert!(
            spec.fields
                .iter()
                .filter(|f| f.section == "residence")
                .all(|f| !f.verified)
        );
    }

    #[test]
    fn fields_are_sorted_into_section_order_and_errors_name_the_problem() {
        let base = include_str!("../../templates/platform_form.toml");
        // A personal field declared after the business ones still comes first.
        let moved = format!(
            "{base}\n[[field]]\nsection = \"personal\"\nkey = \"mobile\"\nlabel_zh = \"x\"\nlabel_en = \"x\"\nverified = true\nwhere_zh = \"x\"\nwhere_en = \"x\"\n"
        );
        let spec = PlatformSpec::parse(&moved).unwrap();
        let last_personal = spec
            .fields
            .iter()
            .rposition(|f| f.section == "personal")
            .unwrap();
        assert_eq!(spec.fields[last_personal].label_zh, "x");
        assert_eq!(spec.fields[last_personal + 1].section, "business");
        let bad = base.replace("key = \"gender\"", "key = \"shoe_size\"");
        assert!(
            PlatformSpec::parse(&bad)
                .unwrap_err()
                .to_string()
                .contains("shoe_size")
        );
        let bad = base.replace("\"Å\" = \"AA\"", "\"Å\" = \"å\"");
        assert!(
            PlatformSpec::parse(&bad)
                .unwrap_err()
                .to_string()
                .contains("A-Z")
        );
    }

    /// The optional columns the form asks for, read from a roster with HR's headers; an
    /// unreadable one is a warning on its cell, never an error.
    #[test]
    fn optional_roster_columns_for_the_form() {
        let aliases = crate::roster::ColumnAliases::load(&Templates::builtin()).unwrap();
        let csv = "姓名（与护照一致）,姓,名,性别,护照号码,国籍,出生日期,人才类别,职位,入职日期,\
                   工作许可到期日,居留许可到期日,护照签发日期,电子邮箱,在华住址,合同到期日,工作地点\n\
                   Åsa Øster,ØSTER,Åsa,女,AA1234567,Sweden,1990-01-02,(一),Designer,2022-04-01,\
                   2027-01-10,2027-01-10,2021-05-06,asa@example.se,深圳市南山区1号,2028-02-29,深圳\n\
                   Bo Ek,,,X,AB1234567,Sweden,1991-01-02,(一),Designer,2022-04-01,\
                   2027-01-10,2027-01-10,,bo at example,,,\n";
        let roster = crate::roster::read(csv.as_bytes(), "r.csv", &aliases).unwrap();
        let a = &roster.rows[0].employee;
        assert_eq!(a.surname.as_deref(), Some("ØSTER"));
        assert_eq!(a.given_names.as_deref(), Some("Åsa"));
        assert_eq!(a.gender, Some(crate::model::Gender::Female));
        assert_eq!(
            a.passport_issue_date,
            chrono::NaiveDate::from_ymd_opt(2021, 5, 6)
        );
        assert_eq!(a.email.as_deref(), Some("asa@example.se"));
        assert_eq!(a.address_in_china.as_deref(), Some("深圳市南山区1号"));
        assert_eq!(
            a.contract_end_date,
            chrono::NaiveDate::from_ymd_opt(2028, 2, 29)
        );
        assert_eq!(a.work_location.as_deref(), Some("深圳"));
        assert!(
            roster.rows[0].issues.is_empty(),
            "{:?}",
            roster.rows[0].issues
        );
        let b = &roster.rows[1];
        assert_eq!(
            (b.employee.gender, b.employee.email.as_deref()),
            (None, None)
        );
        let found: Vec<(&str, bool)> = b
            .issues
            .iter()
            .map(|i| (i.code.as_str(), i.is_error()))
            .collect();
        assert_eq!(
            found,
            [
                (codes::ROSTER_BAD_GENDER.as_str(), false),
                (codes::ROSTER_BAD_EMAIL.as_str(), false)
            ],
            "{:?}",
            b.issues
        );
    }

    /// The interface strings of the platform sheet have bilingual entries (the issue codes
    /// are checked by the build: see `crate::codes`).
    #[test]
    fn platform_sheet_strings_have_entries() {
        let catalog = crate::catalog::Catalog::load(&Templates::builtin()).unwrap();
        for key in ["ui.sheet.platform", "ui.platform.unverified"] {
            assert!(catalog.contains(key), "no entry for {key}");
        }
    }
}
