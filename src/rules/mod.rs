//! The `rules` stage: given an employee and the as-of date, where they stand in the
//! application window, the term and fee, the age check, the expected timeline in working
//! days, and the document checklist of their category. All numbers come from
//! `templates/rules.toml`, `templates/checklists.toml` and `templates/holidays/*.json`.

pub mod calendar;
pub mod checklist;
pub mod config;
pub mod eligibility;
pub mod events;
pub mod plan;
pub mod term;
pub mod timeline;

pub use calendar::{Calendar, WorkingDate};
pub use checklist::{
    CategoryList, ChecklistItem, Checklists, ItemKind, PageSides, Side, match_keys,
};
pub use config::{Enquiries, Enquiry, RulesData};
pub use eligibility::{Eligibility, Permit, WindowState};
pub use events::{EventKind, RenewalCalendar, RenewalEvent};
pub use term::{TermDecision, TermLimit};
pub use timeline::Timeline;

use crate::assets::Templates;
use crate::codes::{self, Code};
use crate::issue::Issue;
use crate::model::{Category, Employee, Field};
use crate::outcome::Status;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeSet;
use std::sync::Arc;
use term::TermNote;

/// The rules and checklists, loaded once per run.
#[derive(Debug, Clone, PartialEq)]
pub struct Rules {
    pub data: RulesData,
    pub checklists: Checklists,
}

/// Why the rules, the checklists or the holiday files cannot be used: each names the
/// template file and what is wrong in it.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error(transparent)]
    Asset(#[from] crate::assets::AssetError),
    /// A file that is not valid TOML, or a value in it the rules cannot use.
    #[error("template {file}: {reason}")]
    Template { file: &'static str, reason: String },
    #[error("template {file}: not a holiday-cn file: {source}")]
    HolidayFile {
        file: String,
        source: serde_json::Error,
    },
    #[error("template {file}: day {day}: '{value}' is not a date of the form YYYY-MM-DD")]
    HolidayDate {
        file: String,
        day: usize,
        value: String,
    },
    #[error("'{0}' is not a month-day of the form MM-DD (e.g. 12-29)")]
    MonthDay(String),
}

impl Rules {
    /// Reads `rules.toml` and `checklists.toml` (the user's templates folder first). Errors
    /// name the file and the key.
    pub fn load(templates: &Templates) -> Result<Rules, RulesError> {
        let rules = templates.get_text("rules.toml")?;
        let lists = templates.get_text("checklists.toml")?;
        Rules::from_texts(&rules, &lists)
    }

    /// From the two files' text.
    pub fn from_texts(rules_toml: &str, checklists_toml: &str) -> Result<Rules, RulesError> {
        Ok(Rules {
            data: RulesData::parse(rules_toml)?,
            checklists: Checklists::parse(checklists_toml)?,
        })
    }

    /// The enquiry lines (cover sheet, messages).
    pub fn enquiry(&self) -> &Enquiries {
        &self.data.enquiry
    }

    /// The salary basis a certificate uses when the roster states none.
    pub fn default_salary_basis(&self) -> crate::model::SalaryBasis {
        self.data.salary.default_basis
    }
}

/// What the rules stage decides for one employee.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    pub eligibility: Eligibility,
    pub term: TermDecision,
    /// `term.years`, for the report's columns.
    pub term_years: Option<f64>,
    /// `term.fee_rmb`.
    pub fee_rmb: Option<i64>,
    /// Age in whole years on the as-of date, when the date of birth is known.
    pub age: Option<u32>,
    /// Category key (`B6`), when readable.
    pub category: Option<String>,
    /// The checklist used, with its labels; `None` when the category has no list.
    pub checklist_label_zh: Option<String>,
    pub checklist_label_en: Option<String>,
    pub timeline: Option<Timeline>,
    /// The items the packet must hold, in order; empty when the category has no list.
    /// Shared between employees of one category.
    #[serde(skip)]
    pub checklist: Arc<[ChecklistItem]>,
    /// Problems found (`eligibility.*`, `category.*`, `term.*`, `calendar.no_data`).
    #[serde(skip)]
    pub issues: Vec<Issue>,
}

impl Evaluation {
    /// `open | not_yet | too_late | expired | unknown`.
    pub fn window_state(&self) -> &'static str {
        self.eligibility.state.as_str()
    }

    /// The stage's fields for report.json: `eligibility`, `term`, `timeline`, `age`,
    /// `checklist_label`.
    pub fn details(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut map = serde_json::Map::new();
        let mut put = |key: &str, value: serde_json::Result<serde_json::Value>| {
            map.insert(key.to_string(), value.unwrap_or(serde_json::Value::Null));
        };
        put("eligibility", serde_json::to_value(&self.eligibility));
        put("term", serde_json::to_value(&self.term));
        put("timeline", serde_json::to_value(&self.timeline));
        put("age", serde_json::to_value(self.age));
        put(
            "checklist_label",
            serde_json::to_value(
                self.checklist_label_zh
                    .as_ref()
                    .map(|zh| (zh, self.checklist_label_en.as_deref().unwrap_or(""))),
            ),
        );
        map
    }
}

/// Ready to submit: the window is open and no issue is an error.
pub fn is_ready(state: WindowState, issues: &[Issue]) -> bool {
    state == WindowState::Open && !issues.iter().any(Issue::is_error)
}

impl Rules {
    /// Whether this employee's checklist has the salary certificate (category (六) with the
    /// shipped lists): only then does a document state the salary and its basis.
    pub fn gets_salary_certificate(&self, emp: &Employee) -> bool {
        emp.category
            .and_then(|c| self.checklists.for_key(&c.key()))
            .is_some_and(|l| l.items.iter().any(|i| i.id == "salary_certificate"))
    }
}

/// The overall status for the report summary, from the window and all of an employee's
/// issues (every stage's).
pub fn status(state: WindowState, issues: &[Issue]) -> Status {
    if is_ready(state, issues) {
        return Status::Ready;
    }
    match state {
        WindowState::NotYet => Status::NotYet,
        WindowState::TooLate | WindowState::Expired => Status::TooLate,
        WindowState::Open | WindowState::Unknown => Status::Attention,
    }
}

/// Places an issue on the employee's row, and on the cell of `field` when the roster had it.
fn on_row(issue: Issue, emp: &Employee, field: Option<Field>) -> Issue {
    let mut issue = issue;
    if !emp.sheet.is_empty() {
        issue = issue.sheet(emp.sheet.clone());
    }
    if emp.row > 0 {
        issue = issue.row(emp.row);
    }
    if let Some(cell) = field.and_then(|f| emp.cell_of(f)) {
        issue = issue.cell(cell);
    }
    issue
}

/// Years as people write them: `2`, `0.5`, `0.67`.
fn fmt_years(years: f64) -> String {
    let s = format!("{:.2}", years);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Adds the enquiry lines of both permits as `wp_office_zh`, `wp_phone`, `rp_...` arguments.
fn with_lines(issue: Issue, lines: &Enquiries) -> Issue {
    issue
        .arg("wp_office_zh", &lines.work_permit.office_zh)
        .arg("wp_office_en", &lines.work_permit.office_en)
        .arg("wp_phone", &lines.work_permit.phone)
        .arg("rp_office_zh", &lines.residence_permit.office_zh)
        .arg("rp_office_en", &lines.residence_permit.office_en)
        .arg("rp_phone", &lines.residence_permit.phone)
}

/// Adds the names and enquiry line of one permit as `permit_zh`, `office_zh`, `phone`...
fn with_permit(issue: Issue, permit: Permit, lines: &Enquiries) -> Issue {
    let e = permit.enquiry(lines);
    issue
        .arg("permit_zh", &e.permit_zh)
        .arg("permit_en", &e.permit_en)
        .arg("office_zh", &e.office_zh)
        .arg("office_en", &e.office_en)
        .arg("phone", &e.phone)
}

fn expiry_field(permit: Permit) -> Field {
    match permit {
        Permit::WorkPermit => Field::WorkPermitExpiry,
        Permit::ResidencePermit => Field::ResidencePermitExpiry,
    }
}

/// Judges one employee. Never fails: what cannot be judged becomes an issue.
pub fn evaluate(emp: &Employee, as_of: NaiveDate, rules: &Rules, cal: &Calendar) -> Evaluation {
    let data = &rules.data;
    let lines = &data.enquiry;
    let mut issues = Vec::new();

    // Window.
    let limit_day = term::age_limit_day(emp, &data.age);
    let permits = eligibility::judge(
        emp.work_permit_expiry,
        emp.residence_permit_expiry,
        as_of,
        &data.window,
    );
    let permit_deadline = permits.deadline;
    let elig = permits.with_age_limit(limit_day, as_of);
    eligibility_issues(emp, &elig, rules, &mut issues);

    // Category and checklist.
    let (list, label_zh, label_en) = match emp.category {
        None => {
            let raw = emp.category_raw.as_deref().unwrap_or("").trim().to_string();
            issues.push(on_row(
                with_lines(
                    Issue::error(codes::CATEGORY_UNKNOWN).arg("value", raw),
                    lines,
                ),
                emp,
                Some(Field::Category),
            ));
            (None, None, None)
        }
        Some(cat) => match rules.checklists.for_key(&cat.key()) {
            Some(list) => (
                Some(list),
                Some(list.label_zh.clone()),
                Some(list.label_en.clone()),
            ),
            None => match rules.checklists.common() {
                Some(common) => {
                    if let Some(issue) = common_list_issue(cat, rules) {
                        issues.push(on_row(issue, emp, Some(Field::Category)));
                    }
                    (
                        Some(common),
                        Some(common.label_zh.clone()),
                        Some(common.label_en.clone()),
                    )
                }
                None => {
                    let known: Vec<&str> = rules.checklists.keys().collect();
                    issues.push(on_row(
                        with_lines(
                            Issue::error(codes::CATEGORY_NO_LIST)
                                .arg("category", cat.key())
                                .arg("label_zh", cat.label_zh())
                                .arg("known", known.join(", ")),
                            lines,
                        ),
                        emp,
                        Some(Field::Category),
                    ));
                    (None, None, None)
                }
            },
        },
    };

    // Term and fee.
    let (term, notes) = term::decide(
        data,
        as_of,
        emp.work_permit_expiry,
        emp.years_in_china,
        emp.requested_term_years,
        emp.passport_expiry,
    );
    term_issues(emp, &term, &notes, data, &mut issues);
    // Age, on the as-of date and over the term applied for.
    let age = emp.date_of_birth.and_then(|b| term::age_on(b, as_of));
    age_issues(
        emp,
        age,
        AgeDates {
            term_ends: term.ends,
            limit_day,
            permit_deadline,
        },
        &elig,
        data,
        &mut issues,
    );
    let checklist: Arc<[ChecklistItem]> =
        list.map_or_else(|| Arc::from(Vec::new()), |l| l.for_term(term.years));

    // Timeline.
    let timeline = timeline::plan(&elig, as_of, &data.timeline, cal);
    let mut years: BTreeSet<i32> = BTreeSet::new();
    if let Some(t) = &timeline {
        years.extend(t.years_without_data.iter().copied());
    }
    for year in years {
        issues.push(Issue::warning(codes::CALENDAR_NO_DATA).arg("year", year));
    }

    Evaluation {
        term_years: term.years,
        fee_rmb: term.fee_rmb,
        eligibility: elig,
        term,
        age,
        category: emp.category.map(|c| c.key()),
        checklist_label_zh: label_zh,
        checklist_label_en: label_en,
        timeline,
        checklist,
        issues,
    }
}

/// The warning for an employee given the common list: `category.sub_category` when the
/// cell names the class only (`B类`) and a sub-category's list would add items (the salary
/// certificate of (六)); `category.common_list` when the category has no list of its own
/// (A, C, (二)-(五)). A class whose sub-lists add nothing needs no warning.
fn common_list_issue(cat: Category, rules: &Rules) -> Option<Issue> {
    let key = cat.key();
    if cat == Category::B(0) {
        let beyond = rules.checklists.beyond_common(&key);
        if beyond.is_empty() {
            return None;
        }
        let label = |k: &str, zh: bool| match Category::from_key(k) {
            Some(c) if zh => c.label_zh(),
            _ => k.to_string(),
        };
        let (mut zh, mut en) = (Vec::new(), Vec::new());
        for (k, items) in &beyond {
            let names_zh: Vec<&str> = items.iter().map(|i| i.name_zh.as_str()).collect();
            let names_en: Vec<&str> = items.iter().map(|i| i.name_en.as_str()).collect();
            zh.push(format!("{}：{}", label(k, true), names_zh.join("、")));
            en.push(format!("{}: {}", label(k, false), names_en.join(", ")));
        }
        return Some(
            Issue::warning(codes::CATEGORY_SUB_CATEGORY)
                .arg("value", cat.label_zh())
                .arg("extra_zh", zh.join("；"))
                .arg("extra_en", en.join("; ")),
        );
    }
    let known: Vec<&str> = rules.checklists.keys().collect();
    Some(with_lines(
        Issue::warning(codes::CATEGORY_COMMON_LIST)
            .arg("category", key)
            .arg("label_zh", cat.label_zh())
            .arg("known", known.join(", ")),
        &rules.data.enquiry,
    ))
}

/// `eligibility.age` (the rule's severity) for an applicant at or over the age limit on the
/// as-of date; `eligibility.age_during_term` (warning) for one who reaches it before the
/// term applied for ends, since the next renewal will then meet the rule.
/// The dates the age check compares.
struct AgeDates {
    term_ends: Option<NaiveDate>,
    /// The birthday of the limit ([`term::age_limit_day`]).
    limit_day: Option<NaiveDate>,
    /// The permits' own last day to file, before the age limit moved it.
    permit_deadline: Option<NaiveDate>,
}

/// `eligibility.age` (the rule's severity) for an applicant at or over the age limit on the
/// as-of date; `eligibility.age_deadline` (warning) when the limit's birthday comes before
/// the permits' deadline and so sets the last day to file; `eligibility.age_before_window`
/// (the rule's severity) when it comes before the window even opens;
/// `eligibility.age_during_term` (warning) for one who reaches it before the term applied
/// for ends, since the next renewal will then meet the rule.
fn age_issues(
    emp: &Employee,
    age: Option<u32>,
    dates: AgeDates,
    elig: &Eligibility,
    data: &RulesData,
    out: &mut Vec<Issue>,
) {
    let rule = &data.age;
    let (Some(age), Some(cat), Some(birthday)) = (age, emp.category, dates.limit_day) else {
        return;
    };
    let with_rule = |issue: Issue| {
        with_lines(
            issue
                .arg("limit", rule.limit)
                .arg("category", cat.key())
                .arg("reason_zh", &rule.reason_zh)
                .arg("reason_en", &rule.reason_en)
                .arg("route_zh", &rule.route_zh)
                .arg("route_en", &rule.route_en)
                .arg("source_en", &rule.source)
                .arg("source_zh", &rule.source_zh),
            &data.enquiry,
        )
    };
    let blocking = |code: Code| match rule.severity {
        config::AgeSeverity::Error => Issue::error(code),
        config::AgeSeverity::Warning => Issue::warning(code),
    };
    if age >= rule.limit {
        out.push(on_row(
            with_rule(blocking(codes::ELIGIBILITY_AGE).arg("age", age)),
            emp,
            Some(Field::DateOfBirth),
        ));
        return;
    }
    if let (Some(deadline), Some(permit_deadline)) = (elig.age_deadline, dates.permit_deadline) {
        out.push(on_row(
            with_rule(
                Issue::warning(codes::ELIGIBILITY_AGE_DEADLINE)
                    .arg("birthday", birthday)
                    .arg("deadline", deadline)
                    .arg("permit_deadline", permit_deadline),
            ),
            emp,
            Some(Field::DateOfBirth),
        ));
        return;
    }
    let open_states = matches!(elig.state, WindowState::Open | WindowState::NotYet);
    if let Some(opens) = elig.window_opens
        && open_states
        && birthday <= opens
        && dates.permit_deadline.is_some_and(|d| birthday <= d)
    {
        out.push(on_row(
            with_rule(
                blocking(codes::ELIGIBILITY_AGE_BEFORE_WINDOW)
                    .arg("birthday", birthday)
                    .arg("window_opens", opens),
            ),
            emp,
            Some(Field::DateOfBirth),
        ));
        return;
    }
    let Some(ends) = dates.term_ends else {
        return;
    };
    if birthday <= ends {
        out.push(on_row(
            with_rule(
                Issue::warning(codes::ELIGIBILITY_AGE_DURING_TERM)
                    .arg("age", age)
                    .arg("birthday", birthday)
                    .arg("term_ends", ends),
            ),
            emp,
            Some(Field::DateOfBirth),
        ));
    }
}

fn eligibility_issues(emp: &Employee, e: &Eligibility, rules: &Rules, out: &mut Vec<Issue>) {
    let lines = &rules.data.enquiry;
    if e.wp_expiry.is_none() {
        out.push(on_row(
            with_lines(Issue::error(codes::ELIGIBILITY_NO_WP_EXPIRY), lines),
            emp,
            Some(Field::WorkPermitExpiry),
        ));
    }
    if e.rp_expiry.is_none() {
        out.push(on_row(
            Issue::warning(codes::ELIGIBILITY_NO_RP_EXPIRY)
                .arg("days", rules.data.window.rp_deadline.days_before_expiry),
            emp,
            Some(Field::ResidencePermitExpiry),
        ));
    }
    let (Some(governing), Some(deadline), Some(days_left)) = (e.governing, e.deadline, e.days_left)
    else {
        return;
    };
    let expiry = match governing {
        Permit::WorkPermit => e.wp_expiry,
        Permit::ResidencePermit => e.rp_expiry,
    };
    let expiry = expiry.map(|d| d.to_string()).unwrap_or_default();
    let field = Some(expiry_field(governing));
    match e.state {
        WindowState::NotYet => {
            let opens = e.window_opens.map(|d| d.to_string()).unwrap_or_default();
            out.push(on_row(
                Issue::warning(codes::ELIGIBILITY_NOT_YET)
                    .arg("window_opens", &opens)
                    .arg("deadline", deadline)
                    .arg("days_left", e.wp_days_left.unwrap_or(days_left))
                    .arg("days", rules.data.window.opens.days_before_wp_expiry)
                    .arg(
                        "wp_expiry",
                        e.wp_expiry.map(|d| d.to_string()).unwrap_or_default(),
                    ),
                emp,
                Some(Field::WorkPermitExpiry),
            ));
            if e.rp_due_before_window {
                out.push(on_row(
                    with_lines(
                        Issue::error(codes::ELIGIBILITY_RP_FIRST)
                            .arg("rp_expiry", &expiry)
                            .arg("rp_deadline", deadline)
                            .arg("window_opens", &opens),
                        lines,
                    ),
                    emp,
                    Some(Field::ResidencePermitExpiry),
                ));
            }
        }
        WindowState::TooLate => out.push(on_row(
            with_lines(
                with_permit(Issue::error(codes::ELIGIBILITY_TOO_LATE), governing, lines)
                    .arg("expiry", &expiry)
                    .arg("deadline", deadline)
                    .arg("days_left", days_left),
                lines,
            ),
            emp,
            field,
        )),
        WindowState::Expired => out.push(on_row(
            with_lines(
                with_permit(Issue::error(codes::ELIGIBILITY_EXPIRED), governing, lines)
                    .arg("expiry", &expiry)
                    .arg("days_ago", -days_left),
                lines,
            ),
            emp,
            field,
        )),
        WindowState::Open | WindowState::Unknown => {}
    }
}

fn term_issues(
    emp: &Employee,
    t: &TermDecision,
    notes: &[TermNote],
    data: &RulesData,
    out: &mut Vec<Issue>,
) {
    let tr = &data.term;
    for note in notes {
        let issue = match note {
            TermNote::YearsUnknown => on_row(
                Issue::warning(codes::TERM_YEARS_UNKNOWN)
                    .arg("years", fmt_years(f64::from(t.max_months) / 12.0))
                    .arg("threshold", fmt_years(tr.extended_from_years_in_china))
                    .arg("extended", fmt_years(tr.extended_years)),
                emp,
                Some(Field::YearsInChina),
            ),
            TermNote::RequestInvalid => on_row(
                Issue::warning(codes::TERM_INVALID_REQUEST)
                    .arg(
                        "value",
                        emp.requested_term_years
                            .map(|y| y.to_string())
                            .unwrap_or_default(),
                    )
                    .arg("years", fmt_years(f64::from(t.max_months) / 12.0)),
                emp,
                Some(Field::RequestedTerm),
            ),
            TermNote::CappedByRule => on_row(
                Issue::warning(codes::TERM_CAPPED)
                    .arg(
                        "requested",
                        fmt_years(f64::from(t.requested_months.unwrap_or(0)) / 12.0),
                    )
                    .arg("allowed", fmt_years(f64::from(t.max_months) / 12.0))
                    .arg("extended", fmt_years(tr.extended_years))
                    .arg("threshold", fmt_years(tr.extended_from_years_in_china))
                    .arg(
                        "years_in_china",
                        emp.years_in_china
                            .map(fmt_years)
                            .unwrap_or_else(|| "?".into()),
                    ),
                emp,
                Some(Field::RequestedTerm),
            ),
            TermNote::CappedByPassport => on_row(
                Issue::warning(codes::TERM_PASSPORT_CAP)
                    .arg(
                        "passport_expiry",
                        emp.passport_expiry
                            .map(|d| d.to_string())
                            .unwrap_or_default(),
                    )
                    .arg("months", t.months.unwrap_or(0))
                    .arg("years", fmt_years(t.years.unwrap_or(0.0)))
                    .arg("starts", t.starts),
                emp,
                Some(Field::PassportExpiry),
            ),
            TermNote::PassportTooShort => on_row(
                Issue::error(codes::TERM_PASSPORT_TOO_SHORT)
                    .arg(
                        "passport_expiry",
                        emp.passport_expiry
                            .map(|d| d.to_string())
                            .unwrap_or_default(),
                    )
                    .arg("starts", t.starts),
                emp,
                Some(Field::PassportExpiry),
            ),
            TermNote::NoFee => {
                Issue::warning(codes::TERM_NO_FEE).arg("months", t.months.unwrap_or(0))
            }
        };
        out.push(issue);
    }
}

#[cfg(test)]
mod tests;
