//! `permitpack plan ROSTER`: the months ahead in the terminal, from the same renewal events
//! as report.ics: who is too late or expired now, then month by month whose window opens,
//! whose lead-time reminder and deadline fall; last, what needs lead time (a passport that
//! ends before the new term, the age rule, a holiday closure inside a window, years without
//! holiday data). Reads only the roster: no photos, scans or packets. Passport numbers are
//! masked. Exit status as `check`: 0 nothing needs attention, 1 someone does, 2 nothing
//! could be done.

use super::{EXIT_ATTENTION, EXIT_FAILED, EXIT_READY, PlanArgs};
use crate::assets::Templates;
use crate::catalog::{Catalog, Lang};
use crate::codes::{self, Code};
use crate::issue::Issue;
use crate::model::{Employee, mask_id};
use crate::report::ics::{display_name, event_label, holiday_name};
use crate::roster::{self, ColumnAliases};
use crate::rules::events::next_month;
use crate::rules::{
    Calendar, Evaluation, EventKind, RenewalCalendar, RenewalEvent, Rules, WindowState, evaluate,
};
use crate::run::SetupError;
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

/// Issue codes of the rules stage that need acting on well before the window.
const LEAD_TIME_CODES: [Code; 6] = [
    codes::TERM_PASSPORT_CAP,
    codes::TERM_PASSPORT_TOO_SHORT,
    codes::ELIGIBILITY_AGE,
    codes::ELIGIBILITY_AGE_DEADLINE,
    codes::ELIGIBILITY_AGE_BEFORE_WINDOW,
    codes::ELIGIBILITY_RP_FIRST,
];

/// What the plan needs from the templates.
pub struct PlanSetup {
    pub catalog: Catalog,
    pub aliases: ColumnAliases,
    pub rules: Rules,
    pub renewal: RenewalCalendar,
}

impl PlanSetup {
    pub fn load(templates: &Templates) -> Result<PlanSetup, SetupError> {
        let rules = Rules::load(templates)?;
        let holidays = Calendar::load(templates)?;
        Ok(PlanSetup {
            catalog: Catalog::load(templates)?,
            aliases: ColumnAliases::load(templates)?,
            renewal: RenewalCalendar::from_rules(&rules.data, holidays)?,
            rules,
        })
    }
}

pub fn run(args: &PlanArgs) -> anyhow::Result<i32> {
    let fail = |msg: String| {
        eprintln!("permitpack: {msg}");
        Ok(EXIT_FAILED)
    };
    let templates = match &args.templates {
        Some(d) => {
            let builtin = Catalog::load(&Templates::builtin()).map_err(anyhow::Error::msg)?;
            let option = super::args::FolderOption::Templates;
            if let Some(issue) = super::args::missing_folder(option, d, &builtin) {
                eprintln!(
                    "{}",
                    super::summary::fatal_line(&issue, &builtin, args.lang)
                );
                return Ok(EXIT_FAILED);
            }
            Templates::with_dir(d)
        }
        None => Templates::builtin(),
    };
    let setup = match PlanSetup::load(&templates) {
        Ok(s) => s,
        Err(e) => return fail(e.to_string()),
    };
    let rows = match read_roster(&args.roster, &setup.aliases) {
        Ok(r) => r,
        Err(issue) => {
            let c = &setup.catalog;
            let line = format!(
                "{} {}",
                c.message(&issue, args.lang),
                c.action(&issue, args.lang)
            );
            return fail(line.split_whitespace().collect::<Vec<_>>().join(" "));
        }
    };
    let as_of = args.as_of.unwrap_or_else(crate::clock::today_in_china);
    let (text, code) = plan(&rows.0, &rows.1, as_of, args.months, &setup, args.lang);
    print!("{text}");
    Ok(code)
}

/// The employees and the roster-wide problems.
fn read_roster(arg: &Path, aliases: &ColumnAliases) -> Result<(Vec<Employee>, Vec<Issue>), Issue> {
    let (path, note) = super::build::roster_in(arg, aliases)?;
    // Read as `build` reads it: through the run's inputs (size cap, a regular file only).
    use crate::io::Inputs;
    let named = crate::run::FsInputs::new(path, None, None, None).roster()?;
    let (bytes, name) = (named.bytes, named.name);
    // The spreadsheet parsers' panics become errors inside `roster::read`; silence the
    // default hook's notice meanwhile.
    let roster = crate::quiet::quietly(|| roster::read(&bytes, &name, aliases));
    let roster = roster.map_err(|e| e.issue())?;
    let employees = roster.rows.into_iter().map(|r| r.employee).collect();
    Ok((employees, note.into_iter().chain(roster.issues).collect()))
}

/// One dated line of the plan.
struct Dated<'a> {
    event: RenewalEvent,
    emp: &'a Employee,
}

/// The plan's text and exit status, for `months` months from `as_of`.
pub fn plan(
    employees: &[Employee],
    roster_issues: &[Issue],
    as_of: NaiveDate,
    months: u32,
    setup: &PlanSetup,
    lang: Lang,
) -> (String, i32) {
    let c = &setup.catalog;
    let cal = &setup.renewal;
    let ui = |key: &str, args: &[(&str, String)]| c.ui(key, lang, args);
    let end = (0..months.max(1))
        .try_fold(as_of, |d, _| next_month(d))
        .unwrap_or(NaiveDate::MAX);
    let mut out = String::new();
    let last = end.pred_opt().unwrap_or(end);
    let _ = writeln!(
        out,
        "{}",
        ui(
            "ui.plan.title",
            &[
                ("from", as_of.to_string()),
                ("to", last.to_string()),
                ("count", employees.len().to_string()),
            ]
        )
    );
    let evals: Vec<Evaluation> = employees
        .iter()
        .map(|e| evaluate(e, as_of, &setup.rules, &cal.holidays))
        .collect();
    let mut attention = roster_issues.iter().any(Issue::is_error);
    let mut counts = [0usize; 4];

    // Now.
    let _ = writeln!(
        out,
        "\n{}",
        ui("ui.plan.now", &[("date", as_of.to_string())])
    );
    let lines = &cal.enquiry;
    let phones = [
        ("wp_phone", lines.work_permit.phone.clone()),
        ("rp_phone", lines.residence_permit.phone.clone()),
    ];
    let mut dated: Vec<Dated> = Vec::new();
    for (emp, ev) in employees.iter().zip(&evals) {
        let e = &ev.eligibility;
        attention |= ev.issues.iter().any(Issue::is_error);
        let now = match e.state {
            WindowState::Open => {
                counts[0] += 1;
                let deadline = e.deadline.map(|d| d.to_string()).unwrap_or_default();
                let days = e.days_to_deadline.unwrap_or(0).to_string();
                Some(ui(
                    "ui.plan.open_now",
                    &[("deadline", deadline), ("days", days)],
                ))
            }
            WindowState::NotYet => {
                counts[1] += 1;
                None
            }
            WindowState::TooLate => {
                counts[2] += 1;
                attention = true;
                Some(ui("ui.plan.too_late_now", &phones))
            }
            WindowState::Expired => {
                counts[2] += 1;
                attention = true;
                Some(ui("ui.plan.expired_now", &phones))
            }
            WindowState::Unknown => {
                counts[3] += 1;
                attention = true;
                Some(ui("ui.plan.unknown_now", &[]))
            }
        };
        if let Some(now) = now {
            let _ = writeln!(out, "  {}  {now}", who(emp));
        }
        let events =
            super::super::rules::events::renewal_events(e, as_of, &cal.reminders, cal.age.limit);
        for event in events {
            if event.date >= as_of && event.date < end && event.kind != EventKind::CallNow {
                dated.push(Dated { event, emp });
            }
        }
    }
    dated.sort_by_key(|d| (d.event.date, d.event.kind, d.emp.row));

    // Month by month.
    let mut month = NaiveDate::from_ymd_opt(as_of.year(), as_of.month(), 1).unwrap_or(as_of);
    let mut next = dated.iter().peekable();
    while month < end {
        let following = next_month(month).unwrap_or(NaiveDate::MAX);
        let _ = writeln!(out, "\n{}", month.format("%Y-%m"));
        let mut any = false;
        while let Some(d) = next.next_if(|d| d.event.date < following) {
            any = true;
            let _ = writeln!(
                out,
                "  {}  {}  {}",
                d.event.date.format("%m-%d"),
                event_label(c, lang, d.event.kind),
                who(d.emp)
            );
        }
        if !any {
            let _ = writeln!(out, "  {}", ui("ui.plan.nothing", &[]));
        }
        month = following;
    }

    // Lead time.
    let mut warnings: Vec<String> = Vec::new();
    if cal.reminders_builtin {
        let days: Vec<String> = cal
            .reminders
            .days_before_deadline
            .iter()
            .map(u32::to_string)
            .collect();
        warnings.push(ui(
            "ui.plan.builtin_reminders",
            &[("days", days.join(", "))],
        ));
    }
    let mut years: BTreeSet<i32> = (as_of.year()..=last.year()).collect();
    for (emp, ev) in employees.iter().zip(&evals) {
        for issue in &ev.issues {
            if LEAD_TIME_CODES.iter().any(|c| issue.code == *c) {
                let text = mask(&c.message(issue, lang), emp.passport_no.as_deref());
                warnings.push(format!("{}: {text}", who(emp)));
            }
        }
        let e = &ev.eligibility;
        if !matches!(e.state, WindowState::Open | WindowState::NotYet) {
            continue;
        }
        let (Some(opens), Some(deadline)) = (e.window_opens, e.deadline) else {
            continue;
        };
        years.extend(opens.year().max(as_of.year())..=deadline.year());
        for closure in cal.holidays.closures(opens.max(as_of), deadline) {
            let days = closure.last.signed_duration_since(closure.first).num_days() + 1;
            let text = ui(
                "ui.plan.holiday_in_window",
                &[
                    ("holiday", holiday_name(c, lang, &closure.name)),
                    ("first", closure.first.to_string()),
                    ("last", closure.last.to_string()),
                    ("days", days.to_string()),
                    ("opens", opens.to_string()),
                    ("deadline", deadline.to_string()),
                ],
            );
            warnings.push(format!("{}: {text}", who(emp)));
        }
    }
    let known: BTreeSet<i32> = cal.holidays.known_years().collect();
    for year in years.difference(&known) {
        warnings.push(ui("ui.plan.no_holiday_data", &[("year", year.to_string())]));
    }
    if !warnings.is_empty() {
        let _ = writeln!(out, "\n{}", ui("ui.plan.warnings", &[]));
        for w in &warnings {
            let _ = writeln!(out, "  - {w}");
        }
    }
    let _ = writeln!(
        out,
        "\n{}",
        ui(
            "ui.plan.summary",
            &[
                ("open", counts[0].to_string()),
                ("not_yet", counts[1].to_string()),
                ("too_late", counts[2].to_string()),
                ("unknown", counts[3].to_string()),
                ("warnings", warnings.len().to_string()),
            ]
        )
    );
    let code = if attention {
        EXIT_ATTENTION
    } else {
        EXIT_READY
    };
    (out, code)
}

/// `row 4  SMITH JOHN (E1****678)`.
fn who(emp: &Employee) -> String {
    let passport = emp
        .passport_no
        .as_deref()
        .map(|p| format!(" ({})", mask_id(p)))
        .unwrap_or_default();
    format!("#{:<4} {}{passport}", emp.row, display_name(emp))
}

fn mask(text: &str, passport: Option<&str>) -> String {
    match passport.filter(|p| p.len() > 3) {
        Some(p) => text.replace(p, &mask_id(p)),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn emp(row: u32, name: &str, passport: &str, wp: Option<NaiveDate>) -> Employee {
        Employee {
            sheet: "Staff".into(),
            row,
            name: Some(name.into()),
            passport_no: Some(passport.into()),
            work_permit_expiry: wp,
            residence_permit_expiry: wp,
            category: Some(crate::model::Category::B(6)),
            ..Employee::default()
        }
    }

    fn setup() -> PlanSetup {
        PlanSetup::load(&Templates::builtin()).unwrap()
    }

    #[test]
    fn months_events_and_lead_time_warnings() {
        let as_of = d(2026, 11, 26);
        let employees = [
            // Open: deadline 2027-01-15, reminders 01-01 and 01-08.
            emp(4, "SMITH JOHN", "E12345678", Some(d(2027, 2, 14))),
            // Not yet: window 2027-01-10 .. 2027-03-11, Spring Festival 2027 has no data.
            emp(5, "LI MEI", "G87654321", Some(d(2027, 4, 10))),
            // Expired.
            emp(6, "GARCÍA JOSÉ", "X11112222", Some(d(2026, 11, 1))),
        ];
        let (text, code) = plan(&employees, &[], as_of, 12, &setup(), Lang::En);
        assert_eq!(code, EXIT_ATTENTION, "someone is expired");
        for p in ["E12345678", "G87654321", "X11112222"] {
            assert!(!text.contains(p), "{p} unmasked:\n{text}");
        }
        assert!(text.contains("E1****678"), "{text}");
        assert!(
            text.contains("a permit has expired: call 0755-88121678 / 12367"),
            "{text}"
        );
        // Month by month, each month once, in order, twelve of them.
        let months: Vec<&str> = text
            .lines()
            .filter(|l| l.len() == 7 && l.as_bytes()[4] == b'-')
            .collect();
        assert_eq!(months.len(), 12, "{text}");
        assert_eq!(months[0], "2026-11");
        assert_eq!(months[11], "2027-10");
        let jan = text.split("\n2027-01\n").nth(1).unwrap();
        let jan = jan.split("\n\n").next().unwrap();
        assert!(jan.contains("01-01  14 days left to file  #4"), "{jan}");
        assert!(jan.contains("01-08  7 days left to file  #4"), "{jan}");
        assert!(jan.contains("01-10  Window opens  #5"), "{jan}");
        assert!(jan.contains("01-15  Last day to file  #4"), "{jan}");
        assert!(text.contains("no public-holiday data for 2027"), "{text}");
        assert!(
            text.contains("1 window open, 1 not yet, 1 too late"),
            "{text}"
        );
    }

    #[test]
    fn a_holiday_inside_a_window_is_a_warning() {
        // Window 2026-08-01 .. 2026-09-30 as of 2026-07-01: no closure. Window 2026-09-02 ..
        // 2026-11-01 with National Day inside.
        let as_of = d(2026, 7, 1);
        let employees = [emp(4, "SMITH JOHN", "E12345678", Some(d(2026, 12, 1)))];
        let (text, code) = plan(&employees, &[], as_of, 3, &setup(), Lang::Both);
        assert!(text.contains("国庆节 / National Day (2026-10-01"), "{text}");
        assert_eq!(code, EXIT_READY, "{text}");
        assert!(text.contains("2026-09-02"), "{text}");
        assert!(!text.contains("E12345678"));
    }
}
