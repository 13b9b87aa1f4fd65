//! The renewal calendar of one employee: the dated events HR must see coming (window opens,
//! lead-time reminders, last day to file, permit expiry days, or "call now" once it is too
//! late). A pure function of the window judgement and the reminder rule; report.ics,
//! `permitpack plan`, the report's timeline and its Calendar sheet all read it.

use super::RulesError;
use super::calendar::Calendar;
use super::config::{AgeRule, Enquiries, ReminderRule, RulesData, WindowRule};
use super::eligibility::{self, Eligibility, WindowState};
use crate::assets::Templates;
use crate::model::Employee;
use chrono::{Days, NaiveDate};

/// What happens on an event's day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EventKind {
    /// The first day the combined service can be used.
    WindowOpens,
    /// A lead-time reminder: this many days are left to file.
    DaysLeft(u32),
    /// The last day to file (the earlier permit's deadline).
    Deadline,
    /// The last day to file when the age rule sets it: the day before the birthday of this
    /// age.
    AgeDeadline(u32),
    /// Too late or expired: call the enquiry lines (dated on the as-of date).
    CallNow,
    WorkPermitExpires,
    ResidencePermitExpires,
}

impl EventKind {
    /// A stable name, for UIDs and the `ui.calendar.*` catalog keys (`days_left` for every
    /// lead time).
    pub fn key(self) -> &'static str {
        match self {
            EventKind::WindowOpens => "window_opens",
            EventKind::DaysLeft(_) => "days_left",
            EventKind::Deadline => "deadline",
            EventKind::AgeDeadline(_) => "age_deadline",
            EventKind::CallNow => "call_now",
            EventKind::WorkPermitExpires => "wp_expiry",
            EventKind::ResidencePermitExpires => "rp_expiry",
        }
    }

    /// [`EventKind::key`] plus the lead time, unique per employee (`days_left_14`).
    pub fn id(self) -> String {
        match self {
            EventKind::DaysLeft(n) => format!("days_left_{n}"),
            other => other.key().to_string(),
        }
    }
}

/// One all-day event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RenewalEvent {
    pub date: NaiveDate,
    pub kind: EventKind,
}

/// The events of one employee, in date order.
///
/// - Window open or not yet open: the window's first day, the lead-time reminders still
///   ahead of `as_of`, the last day to file, and the expiry days of both permits.
/// - Too late or expired: one [`EventKind::CallNow`] on `as_of`, and the expiry days still
///   ahead (the past ones are history, not something to act on).
/// - No Work Permit expiry: nothing is known about the window; only a known Residence
///   Permit expiry day.
pub fn renewal_events(
    elig: &Eligibility,
    as_of: NaiveDate,
    reminders: &ReminderRule,
    age_limit: u32,
) -> Vec<RenewalEvent> {
    let mut out = Vec::new();
    let mut push = |date: Option<NaiveDate>, kind| {
        if let Some(date) = date {
            out.push(RenewalEvent { date, kind });
        }
    };
    match elig.state {
        WindowState::Open | WindowState::NotYet => {
            push(elig.window_opens, EventKind::WindowOpens);
            if let Some(deadline) = elig.deadline {
                for &days in &reminders.days_before_deadline {
                    let date = deadline.checked_sub_days(Days::new(u64::from(days)));
                    push(date.filter(|d| *d >= as_of), EventKind::DaysLeft(days));
                }
            }
            let last = match elig.deadline_by_age {
                true => EventKind::AgeDeadline(age_limit),
                false => EventKind::Deadline,
            };
            push(elig.deadline, last);
            push(elig.wp_expiry, EventKind::WorkPermitExpires);
            push(elig.rp_expiry, EventKind::ResidencePermitExpires);
        }
        WindowState::TooLate | WindowState::Expired => {
            push(Some(as_of), EventKind::CallNow);
            push(
                elig.wp_expiry.filter(|d| *d >= as_of),
                EventKind::WorkPermitExpires,
            );
            push(
                elig.rp_expiry.filter(|d| *d >= as_of),
                EventKind::ResidencePermitExpires,
            );
        }
        WindowState::Unknown => push(elig.rp_expiry, EventKind::ResidencePermitExpires),
    }
    out.sort();
    out.dedup();
    out
}

/// What the calendar views need from the templates: the window and reminder rules and the
/// holiday closures, loaded once per run.
#[derive(Debug, Clone, PartialEq)]
pub struct RenewalCalendar {
    pub window: WindowRule,
    pub reminders: ReminderRule,
    /// Whether `reminders` came from the built-in rules because the user's rules.toml has
    /// no `[reminders]` section.
    pub reminders_builtin: bool,
    pub holidays: Calendar,
    /// The lines to call once it is too late.
    pub enquiry: Enquiries,
    /// The age rule, which can set an earlier last day to file.
    pub age: AgeRule,
}

impl RenewalCalendar {
    /// From `rules.toml` and `holidays/*.json` (the user's templates first).
    pub fn load(templates: &Templates) -> Result<RenewalCalendar, RulesError> {
        let text = templates.get_text("rules.toml")?;
        let rules = RulesData::parse(&text)?;
        RenewalCalendar::from_rules(&rules, Calendar::load(templates)?)
    }

    pub fn from_rules(
        rules: &RulesData,
        holidays: Calendar,
    ) -> Result<RenewalCalendar, RulesError> {
        let (reminders, reminders_builtin) = match &rules.reminders {
            Some(r) => (r.clone(), false),
            None => {
                let text = Templates::builtin().get_text("rules.toml")?;
                let builtin =
                    RulesData::parse(&text)?
                        .reminders
                        .ok_or_else(|| RulesError::Template {
                            file: "rules.toml",
                            reason: "the built-in rules have no [reminders]".to_string(),
                        })?;
                (builtin, true)
            }
        };
        Ok(RenewalCalendar {
            window: rules.window.clone(),
            reminders,
            reminders_builtin,
            holidays,
            enquiry: rules.enquiry.clone(),
            age: rules.age.clone(),
        })
    }

    /// The window judgement of one employee, as the rules stage makes it.
    pub fn judge(&self, emp: &Employee, as_of: NaiveDate) -> Eligibility {
        eligibility::judge(
            emp.work_permit_expiry,
            emp.residence_permit_expiry,
            as_of,
            &self.window,
        )
        .with_age_limit(super::term::age_limit_day(emp, &self.age), as_of)
    }

    /// The events of one employee.
    pub fn events(&self, emp: &Employee, as_of: NaiveDate) -> Vec<RenewalEvent> {
        renewal_events(
            &self.judge(emp, as_of),
            as_of,
            &self.reminders,
            self.age.limit,
        )
    }
}

/// The first day of the month after `date`'s (`None` past the end of dates).
pub fn next_month(date: NaiveDate) -> Option<NaiveDate> {
    use chrono::Datelike;
    let (y, m) = if date.month() == 12 {
        (date.year().checked_add(1)?, 1)
    } else {
        (date.year(), date.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use EventKind::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn cal() -> RenewalCalendar {
        RenewalCalendar::load(&Templates::builtin()).unwrap()
    }

    fn events(wp: Option<NaiveDate>, rp: Option<NaiveDate>, as_of: NaiveDate) -> Vec<RenewalEvent> {
        let c = cal();
        let elig = eligibility::judge(wp, rp, as_of, &c.window);
        renewal_events(&elig, as_of, &c.reminders, 60)
    }

    fn ev(date: NaiveDate, kind: EventKind) -> RenewalEvent {
        RenewalEvent { date, kind }
    }

    #[test]
    fn lead_times_come_from_rules_toml() {
        let c = cal();
        assert_eq!(c.reminders.days_before_deadline, [14, 7]);
        assert!(!c.reminders_builtin);
    }

    #[test]
    fn exactly_90_days_left_the_window_opens_today() {
        let as_of = d(2026, 10, 2);
        let got = events(Some(d(2026, 12, 31)), None, as_of);
        assert_eq!(
            got,
            [
                ev(as_of, WindowOpens),
                ev(d(2026, 11, 17), DaysLeft(14)),
                ev(d(2026, 11, 24), DaysLeft(7)),
                ev(d(2026, 12, 1), Deadline),
                ev(d(2026, 12, 31), WorkPermitExpires),
            ]
        );
        // One day earlier (91 left) the same dates, window not yet open.
        assert_eq!(events(Some(d(2026, 12, 31)), None, d(2026, 10, 1)), got);
    }

    #[test]
    fn exactly_30_days_left_the_deadline_is_today_and_reminders_are_past() {
        let as_of = d(2026, 12, 1);
        let got = events(Some(d(2026, 12, 31)), Some(d(2027, 6, 30)), as_of);
        assert_eq!(
            got,
            [
                ev(d(2026, 10, 2), WindowOpens),
                ev(as_of, Deadline),
                ev(d(2026, 12, 31), WorkPermitExpires),
                ev(d(2027, 6, 30), ResidencePermitExpires),
            ]
        );
        // 29 days left: too late, call now; the expiry days ahead stay.
        let as_of = d(2026, 12, 2);
        let got = events(Some(d(2026, 12, 31)), Some(d(2027, 6, 30)), as_of);
        assert_eq!(
            got,
            [
                ev(as_of, CallNow),
                ev(d(2026, 12, 31), WorkPermitExpires),
                ev(d(2027, 6, 30), ResidencePermitExpires),
            ]
        );
    }

    #[test]
    fn seven_days_before_the_deadline_only_the_7_day_reminder_is_left() {
        let got = events(Some(d(2026, 12, 31)), None, d(2026, 11, 24));
        assert!(got.contains(&ev(d(2026, 11, 24), DaysLeft(7))));
        assert!(!got.iter().any(|e| e.kind == DaysLeft(14)));
    }

    #[test]
    fn expired_is_one_call_now_event() {
        let as_of = d(2026, 11, 26);
        let got = events(Some(d(2026, 11, 1)), Some(d(2026, 10, 1)), as_of);
        assert_eq!(got, [ev(as_of, CallNow)]);
    }

    #[test]
    fn unknown_expiry_has_no_window_events() {
        assert!(events(None, None, d(2026, 11, 26)).is_empty());
        assert_eq!(
            events(None, Some(d(2027, 3, 1)), d(2026, 11, 26)),
            [ev(d(2027, 3, 1), ResidencePermitExpires)]
        );
    }

    #[test]
    fn the_earlier_residence_permit_sets_the_deadline_and_reminders() {
        let got = events(Some(d(2027, 1, 31)), Some(d(2027, 1, 10)), d(2026, 11, 1));
        assert!(got.contains(&ev(d(2026, 12, 11), Deadline)));
        assert!(got.contains(&ev(d(2026, 11, 27), DaysLeft(14))));
        assert!(got.contains(&ev(d(2026, 11, 2), WindowOpens)));
    }

    #[test]
    fn leap_years() {
        // Expiry 29 Feb 2028: window opens 1 Dec 2027, deadline 30 Jan 2028.
        let got = events(Some(d(2028, 2, 29)), None, d(2027, 11, 1));
        assert_eq!(
            got,
            [
                ev(d(2027, 12, 1), WindowOpens),
                ev(d(2028, 1, 16), DaysLeft(14)),
                ev(d(2028, 1, 23), DaysLeft(7)),
                ev(d(2028, 1, 30), Deadline),
                ev(d(2028, 2, 29), WorkPermitExpires),
            ]
        );
        // Deadline 14 March 2024: the 14-day reminder counts back over 29 Feb.
        let got = events(Some(d(2024, 4, 13)), None, d(2024, 2, 1));
        assert!(got.contains(&ev(d(2024, 3, 14), Deadline)));
        assert!(got.contains(&ev(d(2024, 2, 29), DaysLeft(14))));
    }

    #[test]
    fn a_rules_copy_without_reminders_uses_the_builtin_ones() {
        let text = Templates::builtin().get_text("rules.toml").unwrap();
        let mut rules = RulesData::parse(&text).unwrap();
        rules.reminders = None;
        let c = RenewalCalendar::from_rules(&rules, Calendar::default()).unwrap();
        assert!(c.reminders_builtin);
        assert_eq!(c.reminders.days_before_deadline, [14, 7]);
    }

    #[test]
    fn next_month_wraps_the_year() {
        assert_eq!(next_month(d(2026, 12, 31)), Some(d(2027, 1, 1)));
        assert_eq!(next_month(d(2028, 2, 29)), Some(d(2028, 3, 1)));
        assert_eq!(next_month(NaiveDate::MAX), None);
    }
}
