//! The plain input of the templates: what a letter or a cover sheet says about the company
//! and one employee, serialized to JSON and read by the template as the virtual file
//! `/data.json`. Values are already formatted where a format is not wording (dates in three
//! forms, money in figures and in capital numerals); wording stays in the templates.
//!
//! Field names match [`crate::model::Field::key`] so that issues can point at the roster
//! cell a value came from.

use super::numerals;
use crate::catalog::Catalog;
use crate::codes;
use crate::countries::{Countries, has_han, nationality_parts, split_bilingual};
use crate::issue::Issue;
use crate::model::{Company, Employee, Fen, Field, SalaryBasis, mask_id};
use crate::outcome::{ChecklistLine, EmployeeOutcome};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::BTreeMap;

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A date in the forms templates print.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DateText {
    /// `2026-11-26`
    pub iso: String,
    /// `2026年11月26日`
    pub zh: String,
    /// `26 November 2026`
    pub en: String,
    /// The day is known (false for a month alone: "born in December 1986", not "on").
    pub has_day: bool,
}

impl DateText {
    /// A date given as a month alone (`1986.12`): printed without a day, `1986年12月`,
    /// `December 1986`, `1986-12`.
    pub fn month(d: NaiveDate) -> DateText {
        DateText {
            iso: d.format("%Y-%m").to_string(),
            zh: format!("{}年{}月", d.year(), d.month()),
            en: format!("{} {}", MONTHS_EN[d.month0() as usize], d.year()),
            has_day: false,
        }
    }

    pub fn new(d: NaiveDate) -> DateText {
        DateText {
            iso: d.format("%Y-%m-%d").to_string(),
            zh: format!("{}年{}月{}日", d.year(), d.month(), d.day()),
            en: format!(
                "{} {} {}",
                d.day(),
                MONTHS_EN[d.month0() as usize],
                d.year()
            ),
            has_day: true,
        }
    }
}

/// An amount of money in the forms templates print.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Money {
    pub fen: i64,
    /// `480,000.00`
    pub figures: String,
    /// `人民币肆拾捌万元整`
    pub capital: String,
    /// `four hundred and eighty thousand yuan only`, for the English text.
    pub words_en: String,
}

impl Money {
    /// `None` for a negative amount.
    pub fn new(amount: Fen) -> Option<Money> {
        Some(Money {
            fen: amount.0,
            figures: amount.to_figures(),
            capital: numerals::rmb_capital(amount)?,
            words_en: numerals::english_words(amount)?,
        })
    }
}

/// A residence term, in whole months and in years.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Term {
    /// Rounded to whole months.
    pub months: u32,
    /// Whole years when `months` is a multiple of 12.
    pub years: Option<u32>,
}

impl Term {
    /// `None` for a term that is not positive or not a number.
    pub fn from_years(years: f64) -> Option<Term> {
        if !years.is_finite() || years <= 0.0 || years > 100.0 {
            return None;
        }
        let months = (years * 12.0).round() as u32;
        if months == 0 {
            return None;
        }
        Some(Term {
            months,
            years: months.is_multiple_of(12).then_some(months / 12),
        })
    }
}

/// A line of text in both languages.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BiText {
    pub zh: String,
    pub en: String,
}

/// The company as the letters print it. `None` is a missing value.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CompanyData {
    pub name_zh: Option<String>,
    pub name_en: Option<String>,
    pub uscc: Option<String>,
    pub address: Option<String>,
    pub contact_person: Option<String>,
    pub contact_phone: Option<String>,
    pub legal_representative: Option<String>,
}

impl From<&Company> for CompanyData {
    fn from(c: &Company) -> Self {
        CompanyData {
            name_zh: clean(&c.name_zh),
            name_en: clean(&c.name_en),
            uscc: clean(&c.uscc),
            address: clean(&c.address),
            contact_person: clean(&c.contact_person),
            contact_phone: clean(&c.contact_phone),
            legal_representative: clean(&c.legal_representative),
        }
    }
}

/// Where an employee's values came from, for issues (not passed to templates).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RowRef {
    pub sheet: String,
    /// 1-based sheet row; 0 when unknown.
    pub row: u32,
    /// Field key (`passport_no`) -> A1 cell.
    pub cells: BTreeMap<String, String>,
}

/// One employee as the letters and the cover sheet print them. `None` is a missing value.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EmployeeData {
    /// Latin name as in the passport.
    pub name: Option<String>,
    pub chinese_name: Option<String>,
    pub passport_no: Option<String>,
    pub passport_expiry: Option<DateText>,
    pub nationality: Option<String>,
    /// The Chinese and the English part of a bilingual nationality cell (both the whole cell
    /// when it is in one language).
    pub nationality_zh: Option<String>,
    pub nationality_en: Option<String>,
    pub date_of_birth: Option<DateText>,
    /// Category key (`B6`).
    pub category: Option<String>,
    /// Category as the guide writes it (`（六）`).
    pub category_label: Option<String>,
    pub position: Option<String>,
    pub position_zh: Option<String>,
    pub position_en: Option<String>,
    pub start_date: Option<DateText>,
    pub work_permit_no: Option<String>,
    pub work_permit_expiry: Option<DateText>,
    pub residence_permit_expiry: Option<DateText>,
    pub annual_salary: Option<Money>,
    /// `pre_tax` or `after_tax`.
    pub salary_basis: Option<String>,
    pub mobile: Option<String>,
    #[serde(skip)]
    pub source: RowRef,
}

impl EmployeeData {
    pub fn from_employee(e: &Employee, countries: &Countries) -> EmployeeData {
        let nationality = clean(&e.nationality);
        let position = clean(&e.position);
        let (nationality_zh, nationality_en) = match nationality.as_deref() {
            Some(n) => {
                let (zh, en) = nationality_parts(n, countries);
                (Some(zh), Some(en))
            }
            None => (None, None),
        };
        // A date given as a month prints as the month: no document invents a day.
        let dated = |field: Field, d: Option<NaiveDate>| {
            d.map(|d| match e.month_only.contains(&field) {
                true => DateText::month(d),
                false => DateText::new(d),
            })
        };
        EmployeeData {
            name: clean(&e.name),
            chinese_name: clean(&e.chinese_name),
            passport_no: clean(&e.passport_no),
            passport_expiry: e.passport_expiry.map(DateText::new),
            nationality_zh,
            nationality_en,
            nationality,
            position_zh: part(&position, true),
            position_en: part(&position, false),
            position,
            date_of_birth: dated(Field::DateOfBirth, e.date_of_birth),
            category: e.category.map(|c| c.key()),
            category_label: e.category.map(|c| c.label_zh()),
            start_date: dated(Field::StartDate, e.start_date),
            work_permit_no: clean(&e.work_permit_no),
            work_permit_expiry: e.work_permit_expiry.map(DateText::new),
            residence_permit_expiry: e.residence_permit_expiry.map(DateText::new),
            annual_salary: e.annual_salary.and_then(Money::new),
            salary_basis: e.salary_basis.map(|b| {
                match b {
                    SalaryBasis::PreTax => "pre_tax",
                    SalaryBasis::AfterTax => "after_tax",
                }
                .to_string()
            }),
            mobile: clean(&e.mobile),
            source: RowRef {
                sheet: e.sheet.clone(),
                row: e.row,
                cells: e
                    .cells
                    .iter()
                    .map(|(f, c)| (f.key().to_string(), c.clone()))
                    .collect(),
            },
        }
    }

    /// How issues name this employee: the passport name, else the row.
    pub fn display_name(&self) -> String {
        match (&self.name, &self.chinese_name) {
            (Some(n), _) => n.clone(),
            (None, Some(n)) => n.clone(),
            (None, None) if self.source.row > 0 => format!("row {}", self.source.row),
            (None, None) => "?".to_string(),
        }
    }
}

/// Roster fields whose cell HR often writes in both languages ("Russia 俄罗斯", "Algorithm
/// Engineer 算法工程师"); the data carries `<field>_zh` and `<field>_en` beside the cell so
/// Chinese text prints the Chinese part and English text the English part.
pub const BILINGUAL_FIELDS: [&str; 2] = ["nationality", "position"];

/// The cell a language part comes from: `employee.position_zh` -> `employee.position`.
pub fn bilingual_source(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("employee.")?;
    let base = rest
        .strip_suffix("_zh")
        .or_else(|| rest.strip_suffix("_en"))?;
    BILINGUAL_FIELDS
        .contains(&base)
        .then(|| &path[..path.len() - 3])
}

/// Warnings for a letter whose English text would print Chinese (or its Chinese text a
/// name it cannot translate): a nationality the country table does not know, written in
/// one language; a position written only in Chinese (the English text keeps it as written).
pub fn language_gaps(e: &Employee, countries: &Countries) -> Vec<Issue> {
    let mut out = Vec::new();
    let at = |issue: Issue, field: Field| {
        let mut issue = issue.sheet(e.sheet.clone()).row(e.row);
        if let Some(cell) = e.cell_of(field) {
            issue = issue.cell(cell);
        }
        issue
    };
    if let Some(n) = clean(&e.nationality) {
        let (zh, en) = split_bilingual(&n);
        if zh == en && countries.find(&n).is_none() {
            out.push(at(
                Issue::warning(codes::TEMPLATE_NATIONALITY_ONE_LANGUAGE).arg("value", &n),
                Field::Nationality,
            ));
        }
    }
    if let Some(p) = clean(&e.position) {
        let (zh, en) = split_bilingual(&p);
        if zh == en && has_han(&p) {
            out.push(at(
                Issue::warning(codes::TEMPLATE_POSITION_CHINESE_ONLY).arg("value", &p),
                Field::Position,
            ));
        }
    }
    out
}

fn part(value: &Option<String>, zh: bool) -> Option<String> {
    value.as_deref().map(|v| {
        let (z, e) = split_bilingual(v);
        if zh { z } else { e }
    })
}

/// Input of the salary certificate and the guarantee letter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LetterData {
    pub company: CompanyData,
    pub employee: EmployeeData,
    /// The date written on the letter (the as-of date of the run).
    pub date: DateText,
    /// The residence term applied for.
    pub term: Option<Term>,
    /// The Residence Permit's validity end if the term is granted (current expiry + term).
    pub requested_until: Option<DateText>,
    #[serde(skip)]
    pub as_of: NaiveDate,
}

impl LetterData {
    /// Letter data for one employee. `term_years` is the term the rules stage settled on
    /// (else the roster's requested term is used).
    pub fn new(
        employee: &Employee,
        company: &Company,
        as_of: NaiveDate,
        term_years: Option<f64>,
        countries: &Countries,
    ) -> LetterData {
        let term = term_years
            .or(employee.requested_term_years)
            .and_then(Term::from_years);
        let requested_until = match (&term, employee.residence_permit_expiry) {
            (Some(t), Some(exp)) => exp
                .checked_add_months(chrono::Months::new(t.months))
                .map(DateText::new),
            _ => None,
        };
        LetterData {
            company: CompanyData::from(company),
            employee: EmployeeData::from_employee(employee, countries),
            date: DateText::new(as_of),
            term,
            requested_until,
            as_of,
        }
    }
}

/// The application window and the expected dates, as the cover sheet shows them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct WindowData {
    /// open | not_yet | too_late | expired | unknown
    pub state: String,
    pub days_left: Option<i64>,
    pub opens: Option<DateText>,
    pub deadline: Option<DateText>,
}

/// Expected dates after filing, when the rules stage computed them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TimelineData {
    /// Result of the online preliminary review (5 working days).
    pub expected_review: Option<DateText>,
    /// Earliest on-site visit.
    pub expected_visit: Option<DateText>,
    /// New Residence Permit ready (about 2 weeks after the visit).
    pub expected_pickup: Option<DateText>,
}

/// A telephone line for questions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Enquiry {
    pub name_zh: String,
    pub name_en: String,
    pub phone: String,
}

/// The photo's verdict for the cover sheet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhotoData {
    pub file: String,
    pub ok: bool,
    /// Virtual path of the thumbnail inside the template's world, when there is one.
    pub thumbnail: Option<String>,
    #[serde(skip)]
    pub thumbnail_bytes: Option<Vec<u8>>,
}

impl PhotoData {
    /// `mime` is `image/png` or `image/jpeg`; other thumbnails are left out.
    pub fn new(file: &str, ok: bool, thumbnail: Option<(Vec<u8>, &str)>) -> PhotoData {
        let (thumbnail, thumbnail_bytes) = match thumbnail {
            Some((bytes, "image/png")) => (Some("/photo.png".to_string()), Some(bytes)),
            Some((bytes, "image/jpeg" | "image/jpg")) => {
                (Some("/photo.jpg".to_string()), Some(bytes))
            }
            _ => (None, None),
        };
        PhotoData {
            file: file.to_string(),
            ok,
            thumbnail,
            thumbnail_bytes,
        }
    }
}

/// Input of the cover checklist.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoverData {
    pub company: CompanyData,
    pub employee: EmployeeData,
    /// The as-of date of the run.
    pub date: DateText,
    /// ready | attention | not_yet | too_late
    pub status: String,
    pub window: WindowData,
    pub timeline: TimelineData,
    pub term: Option<Term>,
    pub fee_rmb: Option<i64>,
    /// In platform order.
    pub checklist: Vec<ChecklistLine>,
    /// Extra lines for the on-site day, after the template's own list.
    pub onsite: Vec<BiText>,
    /// Telephone lines; empty uses the template's own lines.
    pub enquiry: Vec<Enquiry>,
    /// What still needs doing (issue messages), worded by the catalog.
    pub notes: Vec<BiText>,
    pub photo: Option<PhotoData>,
    /// What to type into the platform's form, in its section order (report.json
    /// `platform_form`); empty leaves the cover's platform page out.
    pub platform_form: Vec<crate::platform::FormField>,
    /// The packet's `upload/` files, in order.
    pub uploads: Vec<UploadData>,
    #[serde(skip)]
    pub as_of: NaiveDate,
}

/// One `upload/` file as the cover lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UploadData {
    pub entry: String,
    pub item_id: String,
    pub name_zh: String,
    pub name_en: String,
    pub pages: usize,
    /// `812 KB`, `1.2 MB`.
    pub size: String,
    pub files: Vec<String>,
    pub within_budget: bool,
}

impl UploadData {
    /// The cover lines of `outcome`'s upload files, named as its checklist names them.
    pub fn list(outcome: &EmployeeOutcome) -> Vec<UploadData> {
        outcome
            .uploads
            .iter()
            .map(|u| {
                let (zh, en) = if u.item_id == crate::packet::PHOTO_ITEM {
                    ("照片".to_string(), "Photo".to_string())
                } else {
                    outcome
                        .checklist
                        .iter()
                        .find(|l| l.id == u.item_id)
                        .map(|l| (l.name_zh.clone(), l.name_en.clone()))
                        .unwrap_or_else(|| (u.item_id.clone(), u.item_id.clone()))
                };
                UploadData {
                    entry: u.entry.clone(),
                    item_id: u.item_id.clone(),
                    name_zh: zh,
                    name_en: en,
                    pages: u.pages,
                    size: crate::outcome::size_text(u.bytes),
                    files: u.files.clone(),
                    within_budget: u.within_budget,
                }
            })
            .collect()
    }
}

impl CoverData {
    /// Cover data from the pipeline's outcome. Timeline, on-site extras and enquiry lines
    /// are left empty for the caller to fill from the rules stage.
    pub fn from_outcome(
        outcome: &EmployeeOutcome,
        company: &Company,
        as_of: NaiveDate,
        catalog: &Catalog,
        countries: &Countries,
    ) -> CoverData {
        let status = serde_json::to_value(outcome.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        // The cover is the employee's own packet and prints the passport number in full at
        // its top: messages masked it for the terminal and reports, the cover shows it whole.
        let passport = outcome
            .employee
            .passport_no
            .as_deref()
            .map(str::trim)
            .filter(|p| p.chars().count() > 4);
        let unmask = |text: String| match passport {
            Some(p) => text.replace(&mask_id(p), p),
            None => text,
        };
        let notes = outcome
            .issues
            .iter()
            .map(|i| {
                let t = catalog.text(i);
                BiText {
                    zh: unmask(t.message_zh),
                    en: unmask(t.message),
                }
            })
            .collect();
        let photo = outcome.photo.as_ref().map(|p| {
            PhotoData::new(
                &p.file,
                p.ok,
                p.preview.clone().map(|b| (b, &*p.preview_mime)),
            )
        });
        CoverData {
            company: CompanyData::from(company),
            employee: EmployeeData::from_employee(&outcome.employee, countries),
            date: DateText::new(as_of),
            status,
            window: WindowData {
                state: outcome.window_state.as_str().to_string(),
                days_left: outcome.days_left,
                opens: outcome.window_opens.map(DateText::new),
                deadline: outcome.deadline.map(DateText::new),
            },
            timeline: TimelineData::default(),
            term: outcome.term_years.and_then(Term::from_years),
            fee_rmb: outcome.fee_rmb,
            checklist: outcome.checklist.clone(),
            onsite: Vec::new(),
            enquiry: Vec::new(),
            notes,
            photo,
            platform_form: outcome
                .details
                .get("platform_form")
                .and_then(|v| serde_json::from_value(v.clone()).ok())
                .unwrap_or_default(),
            uploads: UploadData::list(outcome),
            as_of,
        }
    }
}

/// Trimmed text, `None` when empty.
fn clean(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Category, Field};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates_in_three_forms() {
        let t = DateText::new(d(2026, 11, 26));
        assert_eq!(t.iso, "2026-11-26");
        assert_eq!(t.zh, "2026年11月26日");
        assert_eq!(t.en, "26 November 2026");
        assert_eq!(DateText::new(d(2027, 3, 1)).zh, "2027年3月1日");
    }

    #[test]
    fn money_in_both_forms() {
        let m = Money::new(Fen::from_yuan(480_000)).unwrap();
        assert_eq!(m.figures, "480,000.00");
        assert_eq!(m.capital, "人民币肆拾捌万元整");
        assert!(Money::new(Fen(-1)).is_none());
    }

    #[test]
    fn terms_round_to_months() {
        assert_eq!(
            Term::from_years(1.0),
            Some(Term {
                months: 12,
                years: Some(1)
            })
        );
        assert_eq!(
            Term::from_years(0.5),
            Some(Term {
                months: 6,
                years: None
            })
        );
        assert_eq!(Term::from_years(0.0), None);
        assert_eq!(Term::from_years(f64::NAN), None);
        assert_eq!(Term::from_years(-1.0), None);
    }

    #[test]
    fn bilingual_cells_split_into_their_language_parts() {
        for (cell, zh, en) in [
            ("Russia 俄罗斯", "俄罗斯", "Russia"),
            ("俄罗斯 Russia", "俄罗斯", "Russia"),
            ("俄罗斯/Russia", "俄罗斯", "Russia"),
            (
                "Algorithm Engineer 算法工程师",
                "算法工程师",
                "Algorithm Engineer",
            ),
            (
                "Algorithm Engineer（算法工程师）",
                "算法工程师",
                "Algorithm Engineer",
            ),
            (
                "算法工程师\nAlgorithm Engineer",
                "算法工程师",
                "Algorithm Engineer",
            ),
            (
                "United States of America 美利坚合众国",
                "美利坚合众国",
                "United States of America",
            ),
            ("Côte d'Ivoire 科特迪瓦", "科特迪瓦", "Côte d'Ivoire"),
            // One language: the whole cell for both.
            ("Poland", "Poland", "Poland"),
            ("俄罗斯", "俄罗斯", "俄罗斯"),
            // Mixed inside one language run, or a language on both sides: not split.
            ("UX设计师", "UX设计师", "UX设计师"),
            (
                "高级UX设计师 Senior UX Designer",
                "高级UX设计师 Senior UX Designer",
                "高级UX设计师 Senior UX Designer",
            ),
            (
                "Senior 高级 Engineer",
                "Senior 高级 Engineer",
                "Senior 高级 Engineer",
            ),
            (
                "Engineer 工程师 (AI)",
                "Engineer 工程师 (AI)",
                "Engineer 工程师 (AI)",
            ),
        ] {
            let got = split_bilingual(cell);
            assert_eq!((got.0.as_str(), got.1.as_str()), (zh, en), "{cell:?}");
        }
        assert_eq!(
            bilingual_source("employee.position_zh"),
            Some("employee.position")
        );
        assert_eq!(bilingual_source("employee.name_en"), None);
        assert_eq!(bilingual_source("company.name_zh"), None);
    }

    #[test]
    fn letter_data_from_roster_row() {
        let mut e = Employee {
            sheet: "Staff".into(),
            row: 5,
            name: Some("  Anna Kowalska ".into()),
            chinese_name: Some("".into()),
            passport_no: Some("EA1234567".into()),
            category: Some(Category::B(6)),
            residence_permit_expiry: Some(d(2027, 1, 31)),
            annual_salary: Some(Fen::from_yuan(480_000)),
            salary_basis: Some(SalaryBasis::PreTax),
            requested_term_years: Some(2.0),
            nationality: Some("Poland 波兰".into()),
            ..Default::default()
        };
        e.cells.insert(Field::PassportNo, "C5".into());
        let c = Company {
            name_zh: Some("深圳示例科技有限公司".into()),
            ..Default::default()
        };
        let l = LetterData::new(&e, &c, d(2026, 11, 26), Some(1.0), Countries::builtin());
        assert_eq!(l.employee.name.as_deref(), Some("Anna Kowalska"));
        assert_eq!(l.employee.chinese_name, None);
        assert_eq!(l.employee.category_label.as_deref(), Some("（六）"));
        assert_eq!(l.employee.salary_basis.as_deref(), Some("pre_tax"));
        assert_eq!(l.employee.nationality_zh.as_deref(), Some("波兰"));
        assert_eq!(l.employee.nationality_en.as_deref(), Some("Poland"));
        assert_eq!(l.employee.source.cells["passport_no"], "C5");
        assert_eq!(l.term.as_ref().unwrap().years, Some(1));
        // 31 January + 12 months.
        assert_eq!(l.requested_until.as_ref().unwrap().iso, "2028-01-31");
        assert_eq!(l.date.zh, "2026年11月26日");
        // The roster's requested term is used when the rules gave none.
        let l2 = LetterData::new(&e, &c, d(2026, 11, 26), None, Countries::builtin());
        assert_eq!(l2.term.unwrap().years, Some(2));
        let json = serde_json::to_value(&l).unwrap();
        assert!(json.get("as_of").is_none());
        assert!(json["employee"].get("source").is_none());
        assert_eq!(json["employee"]["annual_salary"]["figures"], "480,000.00");
    }

    #[test]
    fn cover_data_from_the_pipeline_outcome() {
        use crate::assets::Templates;
        use crate::issue::Issue;
        use crate::outcome::{PhotoLine, Status};
        let outcome = EmployeeOutcome {
            employee: Employee {
                name: Some("A B".into()),
                passport_no: Some("E1".into()),
                ..Default::default()
            },
            status: Status::NotYet,
            ready: false,
            window_state: crate::outcome::WindowState::NotYet,
            days_left: Some(120),
            window_opens: Some(d(2027, 1, 1)),
            deadline: Some(d(2027, 3, 2)),
            term_years: Some(2.0),
            fee_rmb: Some(800),
            photo: Some(PhotoLine {
                file: "a.jpg".into(),
                ok: false,
                preview: Some(vec![0x89, b'P']),
                preview_mime: "image/png".into(),
            }),
            checklist: Vec::new(),
            issues: vec![Issue::error(codes::INTERNAL_ERROR).arg("detail", "x")],
            packet: None,
            uploads: Vec::new(),
            details: Default::default(),
        };
        let catalog = Catalog::load(&Templates::builtin()).unwrap();
        let c = CoverData::from_outcome(
            &outcome,
            &Company::default(),
            d(2026, 11, 26),
            &catalog,
            Countries::builtin(),
        );
        assert_eq!(c.status, "not_yet");
        assert_eq!(c.window.deadline.as_ref().unwrap().zh, "2027年3月2日");
        assert_eq!(c.term.as_ref().unwrap().years, Some(2));
        assert_eq!(c.notes.len(), 1);
        assert!(c.notes[0].zh.contains('x') && c.notes[0].en.contains("could not"));
        let p = c.photo.unwrap();
        assert!(!p.ok);
        assert_eq!(p.thumbnail.as_deref(), Some("/photo.png"));
        assert_eq!(p.thumbnail_bytes.as_deref(), Some(&[0x89, b'P'][..]));
    }

    #[test]
    fn the_cover_notes_print_the_passport_in_full() {
        use crate::assets::Templates;
        use crate::issue::Issue;
        let outcome = EmployeeOutcome {
            employee: Employee {
                name: Some("A B".into()),
                passport_no: Some("EK1234567".into()),
                ..Default::default()
            },
            status: crate::outcome::Status::Attention,
            ready: false,
            window_state: crate::outcome::WindowState::Open,
            days_left: None,
            window_opens: None,
            deadline: None,
            term_years: None,
            fee_rmb: None,
            photo: None,
            checklist: Vec::new(),
            issues: vec![
                Issue::error(codes::ROSTER_DUPLICATE_PASSPORT)
                    .arg("passport", mask_id("EK1234567"))
                    .arg("first_row", 4)
                    .arg("first_cell", "D4"),
                Issue::warning(codes::DOCUMENT_NO_FOLDER).arg("passport", mask_id("EK1234567")),
            ],
            packet: None,
            uploads: Vec::new(),
            details: Default::default(),
        };
        let catalog = Catalog::load(&Templates::builtin()).unwrap();
        let c = CoverData::from_outcome(
            &outcome,
            &Company::default(),
            d(2026, 11, 26),
            &catalog,
            Countries::builtin(),
        );
        assert_eq!(c.employee.passport_no.as_deref(), Some("EK1234567"));
        for n in &c.notes {
            assert!(
                n.zh.contains("EK1234567") && n.en.contains("EK1234567"),
                "{n:?}"
            );
            assert!(!n.zh.contains('*') && !n.en.contains('*'), "{n:?}");
        }
    }

    #[test]
    fn photo_thumbnail_gets_a_virtual_path_by_type() {
        let p = PhotoData::new("a.jpg", true, Some((vec![1, 2], "image/png")));
        assert_eq!(p.thumbnail.as_deref(), Some("/photo.png"));
        let p = PhotoData::new("a.jpg", true, Some((vec![1, 2], "image/jpeg")));
        assert_eq!(p.thumbnail.as_deref(), Some("/photo.jpg"));
        let p = PhotoData::new("a.jpg", false, Some((vec![1, 2], "image/gif")));
        assert_eq!(p.thumbnail, None);
        assert_eq!(p.thumbnail_bytes, None);
    }
}
