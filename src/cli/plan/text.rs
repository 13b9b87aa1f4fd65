//! The plan in words: the title, who stands where now, month by month the events, the
//! lead-time warnings and the counts, in the catalog's language.

use super::PlanSetup;
use crate::catalog::{Catalog, Lang};
use crate::cli::{EXIT_ATTENTION, EXIT_READY};
use crate::issue::Issue;
use crate::model::{Employee, mask_id};
use crate::report::ics::{display_name, event_label, holiday_name};
use crate::rules::WindowState;
use crate::rules::plan::{Plan, Warning};
use chrono::NaiveDate;
use std::fmt::Write as _;

/// The plan's text and exit status, for `months` months from `as_of`.
pub fn plan(
    employees: &[Employee],
    roster_issues: &[Issue],
    as_of: NaiveDate,
    months: u32,
    setup: &PlanSetup,
    lang: Lang,
) -> (String, i32) {
    let plan = Plan::of(
        employees,
        roster_issues,
        as_of,
        months,
        &setup.rules,
        &setup.renewal,
    );
    let c = &setup.catalog;
    let ui = |key: &str, args: &[(&str, String)]| c.ui(key, lang, args);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        ui(
            "ui.plan.title",
            &[
                ("from", as_of.to_string()),
                ("to", plan.last.to_string()),
                ("count", employees.len().to_string()),
            ]
        )
    );
    let _ = writeln!(
        out,
        "\n{}",
        ui("ui.plan.now", &[("date", as_of.to_string())])
    );
    let lines = &setup.renewal.enquiry;
    let phones = [
        ("wp_phone", lines.work_permit.phone.clone()),
        ("rp_phone", lines.residence_permit.phone.clone()),
    ];
    for now in &plan.now {
        let text = match now.state {
            WindowState::Open => {
                let deadline = now.deadline.map(|d| d.to_string()).unwrap_or_default();
                let days = now.days_to_deadline.unwrap_or(0).to_string();
                ui(
                    "ui.plan.open_now",
                    &[("deadline", deadline), ("days", days)],
                )
            }
            WindowState::TooLate => ui("ui.plan.too_late_now", &phones),
            WindowState::Expired => ui("ui.plan.expired_now", &phones),
            WindowState::Unknown | WindowState::NotYet => ui("ui.plan.unknown_now", &[]),
        };
        let _ = writeln!(out, "  {}  {text}", who(now.employee));
    }
    for month in &plan.months {
        let _ = writeln!(out, "\n{}", month.first.format("%Y-%m"));
        for d in &month.events {
            let _ = writeln!(
                out,
                "  {}  {}  {}",
                d.event.date.format("%m-%d"),
                event_label(c, lang, d.event.kind),
                who(d.employee)
            );
        }
        if month.events.is_empty() {
            let _ = writeln!(out, "  {}", ui("ui.plan.nothing", &[]));
        }
    }
    if !plan.warnings.is_empty() {
        let _ = writeln!(out, "\n{}", ui("ui.plan.warnings", &[]));
        for w in &plan.warnings {
            let _ = writeln!(out, "  - {}", warning(w, c, lang));
        }
    }
    let n = plan.counts;
    let _ = writeln!(
        out,
        "\n{}",
        ui(
            "ui.plan.summary",
            &[
                ("open", n.open.to_string()),
                ("not_yet", n.not_yet.to_string()),
                ("too_late", n.too_late.to_string()),
                ("unknown", n.unknown.to_string()),
                ("warnings", plan.warnings.len().to_string()),
            ]
        )
    );
    let code = if plan.attention {
        EXIT_ATTENTION
    } else {
        EXIT_READY
    };
    (out, code)
}

/// One lead-time warning in words, passport numbers masked.
fn warning(w: &Warning, c: &Catalog, lang: Lang) -> String {
    match w {
        Warning::BuiltinReminders(days) => {
            let days: Vec<String> = days.iter().map(u32::to_string).collect();
            c.ui(
                "ui.plan.builtin_reminders",
                lang,
                &[("days", days.join(", "))],
            )
        }
        Warning::LeadTime { employee, issue } => {
            let text = mask(&c.message(issue, lang), employee.passport_no.as_deref());
            format!("{}: {text}", who(employee))
        }
        Warning::Holiday {
            employee,
            closure,
            opens,
            deadline,
        } => {
            let days = closure.last.signed_duration_since(closure.first).num_days() + 1;
            let text = c.ui(
                "ui.plan.holiday_in_window",
                lang,
                &[
                    ("holiday", holiday_name(c, lang, &closure.name)),
                    ("first", closure.first.to_string()),
                    ("last", closure.last.to_string()),
                    ("days", days.to_string()),
                    ("opens", opens.to_string()),
                    ("deadline", deadline.to_string()),
                ],
            );
            format!("{}: {text}", who(employee))
        }
        Warning::NoHolidayData(year) => c.ui(
            "ui.plan.no_holiday_data",
            lang,
            &[("year", year.to_string())],
        ),
    }
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
    use crate::assets::Templates;

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
