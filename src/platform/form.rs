//! Builds one employee's platform form: every field of `platform_form.toml` in platform
//! order with its value, where the value came from and a note, plus the issues the
//! platform's known rules raise (a name not in MRZ letters, the company's contact given as
//! the applicant's).

use super::PlatformSpec;
use super::mrz::{self, SplitHow};
use crate::codes;
use crate::countries::Countries;
use crate::issue::Issue;
use crate::model::{Company, Employee, Field};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The value keys a `[[field]]` may name: each is filled by [`value_of`].
pub(crate) const VALUE_KEYS: [&str; 21] = [
    "surname",
    "given_names",
    "chinese_name",
    "gender",
    "nationality",
    "date_of_birth",
    "passport_no",
    "passport_issue_date",
    "passport_expiry",
    "email",
    "mobile",
    "work_permit_no",
    "category",
    "position",
    "start_date",
    "contract_end_date",
    "work_location",
    "annual_salary",
    "address_in_china",
    "residence_permit_expiry",
    "requested_term",
];

/// Where a value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// As the roster has it.
    Roster,
    /// Worked out by permitpack from the roster (a split name, MRZ letters, a country's
    /// English name, a stated default): the note says how.
    Derived,
    /// Not in the roster: the note says where to find it.
    Missing,
}

/// One field of the platform form for one employee, as report.json, report.xlsx and the
/// cover print it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormField {
    /// The section's Chinese name as the platform shows it (`个人信息`).
    pub section: String,
    pub section_en: String,
    /// The field's key in `platform_form.toml`.
    pub field: String,
    pub label_zh: String,
    pub label_en: String,
    /// What to type; empty when missing.
    pub value: String,
    pub source: Source,
    pub note: String,
    pub note_zh: String,
    /// Whether the platform's wording of this field is sourced.
    pub verified: bool,
}

/// One employee's form and the issues its values raise.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Form {
    pub fields: Vec<FormField>,
    pub issues: Vec<Issue>,
}

/// A value before it is placed in its field.
struct Value {
    text: String,
    source: Source,
    /// A note key of `[notes]` and its arguments, beside the field's own note.
    note: Option<(&'static str, Vec<(&'static str, String)>)>,
}

impl Value {
    fn roster(text: impl Into<String>) -> Value {
        Value {
            text: text.into(),
            source: Source::Roster,
            note: None,
        }
    }
    fn missing() -> Value {
        Value {
            text: String::new(),
            source: Source::Missing,
            note: Some(("missing", Vec::new())),
        }
    }
    fn derived(
        text: impl Into<String>,
        note: &'static str,
        args: Vec<(&'static str, String)>,
    ) -> Value {
        Value {
            text: text.into(),
            source: Source::Derived,
            note: Some((note, args)),
        }
    }
}

/// The name in its two parts, in MRZ letters, with what to say about it.
struct NameParts {
    surname: Value,
    given: Value,
}

/// Builds the form of one employee.
pub fn build(e: &Employee, company: &Company, countries: &Countries, spec: &PlatformSpec) -> Form {
    let mut issues = Vec::new();
    let names = name_parts(e, spec, &mut issues);
    let (mut surname, mut given) = (Some(names.surname), Some(names.given));
    let mut fields = Vec::with_capacity(spec.fields.len());
    for f in &spec.fields {
        let v = match f.key.as_str() {
            "surname" => surname.take().unwrap_or_else(Value::missing),
            "given_names" => given.take().unwrap_or_else(Value::missing),
            key => value_of(key, e, company, countries),
        };
        let (section_zh, section_en) = spec
            .section(&f.section)
            .map_or((f.section.clone(), f.section.clone()), |s| {
                (s.zh.clone(), s.en.clone())
            });
        let mut note_zh = Vec::new();
        let mut note_en = Vec::new();
        if let Some((key, args)) = &v.note {
            let with = |place: &'_ str| -> Vec<(&str, String)> {
                let mut a: Vec<(&str, String)> =
                    args.iter().map(|(k, v)| (*k, v.clone())).collect();
                a.push(("where", place.to_string()));
                a
            };
            let fill = |zh: bool, a: Vec<(&str, String)>| {
                let a: Vec<(&str, &str)> = a.iter().map(|(k, v)| (*k, v.as_str())).collect();
                spec.note(key, zh, &a)
            };
            note_zh.push(fill(true, with(&f.where_zh)));
            note_en.push(fill(false, with(&f.where_en)));
        }
        if !f.note_zh.is_empty() {
            note_zh.push(f.note_zh.clone());
        }
        if !f.note_en.is_empty() {
            note_en.push(f.note_en.clone());
        }
        if !f.verified {
            note_zh.push(spec.note("unverified", true, &[]));
            note_en.push(spec.note("unverified", false, &[]));
        }
        fields.push(FormField {
            section: section_zh,
            section_en,
            field: f.key.clone(),
            label_zh: f.label_zh.clone(),
            label_en: f.label_en.clone(),
            value: v.text,
            source: v.source,
            note: note_en.join(" "),
            note_zh: note_zh.join(""),
            verified: f.verified,
        });
    }
    issues.extend(same_contact(e, company));
    Form { fields, issues }
}

/// The value of a field other than the two name parts.
fn value_of(key: &str, e: &Employee, company: &Company, countries: &Countries) -> Value {
    let text = |s: &Option<String>| match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Value::roster(s),
        None => Value::missing(),
    };
    let date = |d: Option<NaiveDate>, field: Field| match d {
        Some(d) if e.month_only.contains(&field) => {
            Value::derived(d.format("%Y-%m").to_string(), "month_only", Vec::new())
        }
        Some(d) => Value::roster(d.format("%Y-%m-%d").to_string()),
        None => Value::missing(),
    };
    match key {
        // Asked only of a person who ever held Chinese nationality, which no roster column
        // says: left empty, with the field's own note.
        "chinese_name" => Value {
            text: String::new(),
            source: Source::Derived,
            note: None,
        },
        "gender" => match e.gender {
            Some(g) => Value::roster(format!("{} / {}", g.label_zh(), g.label_en())),
            None => Value::missing(),
        },
        "nationality" => nationality(e, countries),
        "date_of_birth" => date(e.date_of_birth, Field::DateOfBirth),
        "passport_no" => text(&e.passport_no),
        "passport_issue_date" => date(e.passport_issue_date, Field::PassportIssueDate),
        "passport_expiry" => date(e.passport_expiry, Field::PassportExpiry),
        "email" => text(&e.email),
        "mobile" => text(&e.mobile),
        "work_permit_no" => text(&e.work_permit_no),
        "category" => match e.category {
            Some(c) => Value::roster(c.label_zh()),
            None => text(&e.category_raw),
        },
        "position" => text(&e.position),
        "start_date" => date(e.start_date, Field::StartDate),
        "contract_end_date" => date(e.contract_end_date, Field::ContractEndDate),
        "work_location" => match (text(&e.work_location), text(&company.address)) {
            (v, _) if v.source == Source::Roster => v,
            (_, a) if a.source == Source::Roster => {
                Value::derived(a.text, "company_address", Vec::new())
            }
            (v, _) => v,
        },
        "annual_salary" => match e.annual_salary {
            Some(f) if f.0 % 100 == 0 => Value::roster((f.0 / 100).to_string()),
            Some(f) => Value::roster(format!("{}.{:02}", f.0 / 100, f.0 % 100)),
            None => Value::missing(),
        },
        "address_in_china" => text(&e.address_in_china),
        "residence_permit_expiry" => date(e.residence_permit_expiry, Field::ResidencePermitExpiry),
        "requested_term" => match e.requested_term_years {
            Some(y) => Value::roster(format!("{y}")),
            None => Value::missing(),
        },
        _ => Value::missing(),
    }
}

/// The English name the platform's list shows, with the code and Chinese name in the note.
fn nationality(e: &Employee, countries: &Countries) -> Value {
    let Some(cell) = e
        .nationality
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    else {
        return Value::missing();
    };
    let (zh, en) = crate::countries::nationality_parts(cell, countries);
    let found = countries
        .find(cell)
        .or_else(|| countries.find(&en))
        .or_else(|| countries.find(&zh));
    match found {
        Some(c) => {
            let args = vec![
                ("zh", c.zh.clone()),
                ("code", c.alpha3.clone()),
                ("typed", cell.to_string()),
            ];
            if c.en == cell {
                Value {
                    text: c.en.clone(),
                    source: Source::Roster,
                    note: Some(("nationality", args)),
                }
            } else {
                Value::derived(c.en.clone(), "nationality", args)
            }
        }
        None => Value {
            text: cell.to_string(),
            source: Source::Roster,
            note: Some(("nationality_unknown", Vec::new())),
        },
    }
}

/// Surname and given names in MRZ letters, with the issues of the name: a split guessed from
/// the last word, letters that change in MRZ form (what to type), letters with no A-Z form.
fn name_parts(e: &Employee, spec: &PlatformSpec, issues: &mut Vec<Issue>) -> NameParts {
    let Some(split) = mrz::split(e) else {
        return NameParts {
            surname: Value::missing(),
            given: Value::missing(),
        };
    };
    let at = |issue: Issue| {
        let issue = issue.sheet(e.sheet.clone()).row(e.row);
        let cell = if split.how == SplitHow::Columns {
            e.cell_of(Field::Surname).or(e.cell_of(Field::Name))
        } else {
            e.cell_of(Field::Name).or(e.cell_of(Field::Surname))
        };
        match cell {
            Some(c) => issue.cell(c),
            None => issue,
        }
    };
    let surname = mrz::transliterate(&split.surname, &spec.letters);
    let given = mrz::transliterate(&split.given, &spec.letters);
    let typed = if split.given.is_empty() {
        split.surname.clone()
    } else {
        format!("{} {}", split.surname, split.given)
    };
    let unmapped: Vec<char> = surname
        .unmapped
        .iter()
        .chain(&given.unmapped)
        .copied()
        .collect();
    if !unmapped.is_empty() {
        issues.push(at(Issue::warning(codes::PLATFORM_NAME_NOT_LATIN)
            .arg("name", &typed)
            .arg("chars", unmapped.iter().collect::<String>())));
        let v = || Value {
            text: String::new(),
            source: Source::Missing,
            note: Some(("not_latin", vec![("typed", typed.clone())])),
        };
        return NameParts {
            surname: v(),
            given: v(),
        };
    }
    let plain = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_uppercase()
    };
    let changed = surname.text != plain(&split.surname) || given.text != plain(&split.given);
    if split.how == SplitHow::LastWord {
        issues.push(at(Issue::warning(codes::PLATFORM_NAME_SPLIT)
            .arg("name", &typed)
            .arg("surname", &surname.text)
            .arg("given", &given.text)));
    }
    if changed {
        issues.push(at(Issue::warning(codes::PLATFORM_NAME_ASCII)
            .arg("name", &typed)
            .arg("surname", &surname.text)
            .arg("given", &given.text)));
    }
    let part = |text: String| -> Value {
        if text.is_empty() {
            return Value::missing();
        }
        let how = match split.how {
            SplitHow::Columns | SplitHow::OneWord if !changed => return Value::roster(text),
            SplitHow::Columns | SplitHow::OneWord => "ascii",
            SplitHow::OneColumn => "split_one_column",
            SplitHow::Comma => "split_comma",
            SplitHow::Capitals => "split_capitals",
            SplitHow::LastWord => "split_last_word",
        };
        Value::derived(text, how, vec![("typed", typed.clone())])
    };
    NameParts {
        surname: part(surname.text),
        given: part(given.text),
    }
}

/// Digits of a phone number without a leading `+86` / `86` / `0086` country code, for
/// comparing two numbers however they are written.
fn phone_digits(s: &str) -> String {
    let d: String = s.chars().filter(char::is_ascii_digit).collect();
    for prefix in ["0086", "86"] {
        if let Some(rest) = d.strip_prefix(prefix)
            && rest.len() == 11
        {
            return rest.to_string();
        }
    }
    d
}

/// `platform.same_contact` when the applicant's mobile is the company contact's number, or
/// `platform.same_email` when the applicant's e-mail is the company contact's: the platform
/// refuses the HR handler's or the company's contact details as the applicant's.
fn same_contact(e: &Employee, company: &Company) -> Vec<Issue> {
    let mut out = Vec::new();
    let at = |issue: Issue, field: Field| {
        let issue = issue.sheet(e.sheet.clone()).row(e.row);
        match e.cell_of(field) {
            Some(c) => issue.cell(c),
            None => issue,
        }
    };
    let mobile = e
        .mobile
        .as_deref()
        .map(phone_digits)
        .filter(|d| d.len() >= 7);
    let contact = company.contact_phone.as_deref().map(phone_digits);
    if mobile.is_some() && mobile == contact {
        out.push(at(
            Issue::warning(codes::PLATFORM_SAME_CONTACT)
                .arg("value", e.mobile.as_deref().unwrap_or_default())
                .arg("contact", company.contact_person.as_deref().unwrap_or("—")),
            Field::Mobile,
        ));
    }
    let email = |v: Option<&str>| {
        v.map(|s| s.trim().to_lowercase())
            .filter(|s| s.contains('@'))
    };
    let own = email(e.email.as_deref());
    if own.is_some() && own == email(company.contact_email.as_deref()) {
        out.push(at(
            Issue::warning(codes::PLATFORM_SAME_EMAIL)
                .arg("value", e.email.as_deref().unwrap_or_default().trim())
                .arg("contact", company.contact_person.as_deref().unwrap_or("—")),
            Field::Email,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Category, Fen, Gender};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn maria() -> Employee {
        let mut e = Employee {
            sheet: "Staff".into(),
            row: 4,
            name: Some("María GARCÍA LÓPEZ".into()),
            passport_no: Some("PAE012345".into()),
            passport_expiry: Some(d(2031, 5, 19)),
            nationality: Some("西班牙".into()),
            date_of_birth: Some(d(1985, 7, 14)),
            category: Some(Category::B(6)),
            position: Some("Engineer".into()),
            annual_salary: Some(Fen::from_yuan(480_000)),
            mobile: Some("13800138000".into()),
            gender: Some(Gender::Female),
            email: Some("maria@example.com".into()),
            ..Employee::default()
        };
        e.cells.insert(Field::Name, "B4".into());
        e.cells.insert(Field::Mobile, "K4".into());
        e
    }

    fn company() -> Company {
        Company {
            address: Some("深圳市南山区科苑路15号".into()),
            contact_person: Some("王敏".into()),
            contact_phone: Some("0755-86001234".into()),
            contact_email: None,
            ..Company::default()
        }
    }

    fn form(e: &Employee, c: &Company) -> Form {
        build(e, c, Countries::builtin(), PlatformSpec::builtin())
    }

    fn field<'a>(f: &'a Form, key: &str) -> &'a FormField {
        f.fields.iter().find(|x| x.field == key).unwrap()
    }

    #[test]
    fn fields_follow_the_platform_order() {
        let f = form(&maria(), &company());
        let keys: Vec<&str> = f.fields.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(&keys[..3], ["surname", "given_names", "chinese_name"]);
        let sections: Vec<&str> = f.fields.iter().map(|x| x.section.as_str()).collect();
        let first = |s: &str| sections.iter().position(|x| *x == s).unwrap();
        assert!(first("个人信息") < first("业务信息"));
        assert!(first("业务信息") < first("居留许可申请信息"));
        assert_eq!(f.fields.len(), PlatformSpec::builtin().fields.len());
    }

    #[test]
    fn values_sources_and_notes() {
        let f = form(&maria(), &company());
        let s = field(&f, "surname");
        assert_eq!(
            (s.value.as_str(), s.source),
            ("GARCIA LOPEZ", Source::Derived)
        );
        assert!(s.note.contains("capitals"), "{}", s.note);
        assert_eq!(field(&f, "given_names").value, "MARIA");
        assert_eq!(field(&f, "gender").value, "女 / Female");
        let n = field(&f, "nationality");
        assert_eq!((n.value.as_str(), n.source), ("Spain", Source::Derived));
        assert!(n.note.contains("ESP"), "{}", n.note);
        assert_eq!(field(&f, "date_of_birth").value, "1985-07-14");
        assert_eq!(field(&f, "annual_salary").value, "480000");
        let issue = field(&f, "passport_issue_date");
        assert_eq!((issue.value.as_str(), issue.source), ("", Source::Missing));
        assert!(issue.note.contains("passport data page"), "{}", issue.note);
        assert!(issue.note_zh.contains("护照资料页"), "{}", issue.note_zh);
        let loc = field(&f, "work_location");
        assert_eq!(
            (loc.value.as_str(), loc.source),
            ("深圳市南山区科苑路15号", Source::Derived)
        );
        let addr = field(&f, "address_in_china");
        assert_eq!(addr.source, Source::Missing);
        assert!(
            !addr.verified && addr.note.contains("not verified"),
            "{}",
            addr.note
        );
        // The accented name says what to type.
        let ascii: Vec<&Issue> = f
            .issues
            .iter()
            .filter(|i| i.code == codes::PLATFORM_NAME_ASCII)
            .collect();
        assert_eq!(ascii.len(), 1);
        assert_eq!(ascii[0].get("surname"), Some("GARCIA LOPEZ"));
        assert_eq!(ascii[0].at.cell.as_deref(), Some("B4"));
        assert!(f.issues.iter().all(|i| !i.is_error()));
    }

    #[test]
    fn a_guessed_split_is_a_warning_and_plain_columns_are_roster_values() {
        let mut e = maria();
        e.name = Some("John Paul Smith".into());
        let f = form(&e, &company());
        assert_eq!(field(&f, "surname").value, "SMITH");
        assert_eq!(field(&f, "surname").source, Source::Derived);
        assert!(
            f.issues
                .iter()
                .any(|i| i.code == codes::PLATFORM_NAME_SPLIT)
        );
        assert!(
            !f.issues
                .iter()
                .any(|i| i.code == codes::PLATFORM_NAME_ASCII)
        );

        e.surname = Some("SMITH".into());
        e.given_names = Some("JOHN PAUL".into());
        let f = form(&e, &company());
        assert_eq!(
            (
                field(&f, "surname").value.as_str(),
                field(&f, "surname").source
            ),
            ("SMITH", Source::Roster)
        );
        assert_eq!(field(&f, "given_names").value, "JOHN PAUL");
        assert!(f.issues.is_empty(), "{:?}", f.issues);

        e.surname = None;
        e.given_names = None;
        e.name = Some("Иван Петров".into());
        let f = form(&e, &company());
        assert_eq!(field(&f, "surname").source, Source::Missing);
        assert!(
            f.issues
                .iter()
                .any(|i| i.code == codes::PLATFORM_NAME_NOT_LATIN)
        );
    }

    #[test]
    fn the_company_contact_is_not_the_applicants() {
        let mut e = maria();
        let mut c = company();
        c.contact_phone = Some("+86 138-0013-8000".into());
        let f = form(&e, &c);
        let same: Vec<&Issue> = f
            .issues
            .iter()
            .filter(|i| i.code == codes::PLATFORM_SAME_CONTACT)
            .collect();
        assert_eq!(same.len(), 1);
        assert_eq!(same[0].at.cell.as_deref(), Some("K4"));
        assert_eq!(same[0].get("contact"), Some("王敏"));
        e.mobile = Some("13900139000".into());
        assert!(
            !form(&e, &c)
                .issues
                .iter()
                .any(|i| i.code == codes::PLATFORM_SAME_CONTACT)
        );
        e.mobile = None;
        assert!(
            !form(&e, &c)
                .issues
                .iter()
                .any(|i| i.code == codes::PLATFORM_SAME_CONTACT)
        );
        // The e-mail too, in any case and with spaces around it.
        e.email = Some(" HR@Example.com ".into());
        c.contact_email = Some("hr@example.com".into());
        let f = form(&e, &c);
        let same: Vec<&Issue> = f
            .issues
            .iter()
            .filter(|i| i.code == codes::PLATFORM_SAME_EMAIL)
            .collect();
        assert_eq!(same.len(), 1, "{:?}", f.issues);
        assert_eq!(same[0].get("value"), Some("HR@Example.com"));
        e.email = Some("maria@example.com".into());
        assert!(
            !form(&e, &c)
                .issues
                .iter()
                .any(|i| i.code == codes::PLATFORM_SAME_EMAIL)
        );
    }

    #[test]
    fn deterministic_and_month_only_dates() {
        let mut e = maria();
        e.month_only.insert(Field::DateOfBirth);
        let a = form(&e, &company());
        let b = form(&e, &company());
        assert_eq!(a, b);
        let dob = field(&a, "date_of_birth");
        assert_eq!(
            (dob.value.as_str(), dob.source),
            ("1985-07", Source::Derived)
        );
        let json = serde_json::to_string(&a.fields).unwrap();
        assert_eq!(json, serde_json::to_string(&b.fields).unwrap());
        let back: Vec<FormField> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, a.fields);
    }
}
