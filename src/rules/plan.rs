//! The renewal plan of a roster: for the months ahead, from the same renewal events as
//! report.ics, who stands where now, which events fall in each month, and what needs lead
//! time (a passport that ends before the new term, the age rule, a holiday closure inside a
//! window, years without holiday data). Typed facts only: the words are the caller's.

use super::calendar::Closure;
use super::events::{next_month, renewal_events};
use super::{EventKind, RenewalCalendar, RenewalEvent, Rules, WindowState, evaluate};
use crate::codes::{self, Code};
use crate::issue::Issue;
use crate::model::Employee;
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeSet;

/// Issue codes of the rules stage that need acting on well before the window.
const LEAD_TIME_CODES: [Code; 6] = [
    codes::TERM_PASSPORT_CAP,
    codes::TERM_PASSPORT_TOO_SHORT,
    codes::ELIGIBILITY_AGE,
    codes::ELIGIBILITY_AGE_DEADLINE,
    codes::ELIGIBILITY_AGE_BEFORE_WINDOW,
    codes::ELIGIBILITY_RP_FIRST,
];

/// The plan for `months` months from `as_of`.
#[derive(Debug)]
pub struct Plan<'a> {
    pub as_of: NaiveDate,
    /// The last day the plan covers.
    pub last: NaiveDate,
    /// Everyone whose window is not merely ahead, in roster order.
    pub now: Vec<Now<'a>>,
    /// Every month from `as_of`'s, in order, with its events (possibly none).
    pub months: Vec<Month<'a>>,
    pub warnings: Vec<Warning<'a>>,
    pub counts: Counts,
    /// Someone needs attention: a roster error, a rules error, a window missed or unknown.
    pub attention: bool,
}

/// Where one employee stands on the as-of date.
#[derive(Debug)]
pub struct Now<'a> {
    pub employee: &'a Employee,
    pub state: WindowState,
    pub deadline: Option<NaiveDate>,
    pub days_to_deadline: Option<i64>,
}

/// One month of the plan.
#[derive(Debug)]
pub struct Month<'a> {
    /// The month's first day.
    pub first: NaiveDate,
    /// In date order, then by kind, then by roster row.
    pub events: Vec<Dated<'a>>,
}

/// One event of one employee.
#[derive(Debug)]
pub struct Dated<'a> {
    pub event: RenewalEvent,
    pub employee: &'a Employee,
}

/// Something to act on well ahead.
#[derive(Debug)]
pub enum Warning<'a> {
    /// The reminders are the built-in ones (the user's rules have none): these days before
    /// the deadline.
    BuiltinReminders(Vec<u32>),
    /// An issue of the rules stage that needs lead time.
    LeadTime {
        employee: &'a Employee,
        issue: Issue,
    },
    /// A public-holiday closure inside an employee's window.
    Holiday {
        employee: &'a Employee,
        closure: Closure,
        opens: NaiveDate,
        deadline: NaiveDate,
    },
    /// A year the plan or a window reaches that has no holiday data.
    NoHolidayData(i32),
}

/// How many employees stand where.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub open: usize,
    pub not_yet: usize,
    /// Too late or expired.
    pub too_late: usize,
    pub unknown: usize,
}

impl<'a> Plan<'a> {
    /// The plan of `employees` (and whether `roster_issues` hold an error) for `months`
    /// months from `as_of`.
    pub fn of(
        employees: &'a [Employee],
        roster_issues: &[Issue],
        as_of: NaiveDate,
        months: u32,
        rules: &Rules,
        cal: &RenewalCalendar,
    ) -> Plan<'a> {
        let end = (0..months.max(1))
            .try_fold(as_of, |d, _| next_month(d))
            .unwrap_or(NaiveDate::MAX);
        let last = end.pred_opt().unwrap_or(end);
        let mut plan = Plan {
            as_of,
            last,
            now: Vec::new(),
            months: Vec::new(),
            warnings: Vec::new(),
            counts: Counts::default(),
            attention: roster_issues.iter().any(Issue::is_error),
        };
        if cal.reminders_builtin {
            let days = cal.reminders.days_before_deadline.clone();
            plan.warnings.push(Warning::BuiltinReminders(days));
        }
        let mut dated: Vec<Dated> = Vec::new();
        let mut years: BTreeSet<i32> = (as_of.year()..=last.year()).collect();
        for employee in employees {
            let ev = evaluate(employee, as_of, rules, &cal.holidays);
            let e = &ev.eligibility;
            plan.attention |= ev.issues.iter().any(Issue::is_error);
            let c = &mut plan.counts;
            match e.state {
                WindowState::Open => c.open += 1,
                WindowState::NotYet => c.not_yet += 1,
                WindowState::TooLate | WindowState::Expired => c.too_late += 1,
                WindowState::Unknown => c.unknown += 1,
            }
            plan.attention |= !matches!(e.state, WindowState::Open | WindowState::NotYet);
            if e.state != WindowState::NotYet {
                plan.now.push(Now {
                    employee,
                    state: e.state,
                    deadline: e.deadline,
                    days_to_deadline: e.days_to_deadline,
                });
            }
            for event in renewal_events(e, as_of, &cal.reminders, cal.age.limit) {
                if event.date >= as_of && event.date < end && event.kind != EventKind::CallNow {
                    dated.push(Dated { event, employee });
                }
            }
            for issue in ev.issues {
                if LEAD_TIME_CODES.iter().any(|c| issue.code == *c) {
                    plan.warnings.push(Warning::LeadTime { employee, issue });
                }
            }
            if !matches!(e.state, WindowState::Open | WindowState::NotYet) {
                continue;
            }
            let (Some(opens), Some(deadline)) = (e.window_opens, e.deadline) else {
                continue;
            };
            years.extend(opens.year().max(as_of.year())..=deadline.year());
            for closure in cal.holidays.closures(opens.max(as_of), deadline) {
                plan.warnings.push(Warning::Holiday {
                    employee,
                    closure,
                    opens,
                    deadline,
                });
            }
        }
        let known: BTreeSet<i32> = cal.holidays.known_years().collect();
        let missing = years.difference(&known).map(|&y| Warning::NoHolidayData(y));
        plan.warnings.extend(missing);
        dated.sort_by_key(|d| (d.event.date, d.event.kind, d.employee.row));
        plan.months = months_of(dated, as_of, end);
        plan
    }
}

/// The events grouped by month, every month from `as_of`'s to the one before `end`.
fn months_of(dated: Vec<Dated<'_>>, as_of: NaiveDate, end: NaiveDate) -> Vec<Month<'_>> {
    let mut months = Vec::new();
    let mut first = NaiveDate::from_ymd_opt(as_of.year(), as_of.month(), 1).unwrap_or(as_of);
    let mut next = dated.into_iter().peekable();
    while first < end {
        let following = next_month(first).unwrap_or(NaiveDate::MAX);
        let mut events = Vec::new();
        while let Some(d) = next.next_if(|d| d.event.date < following) {
            events.push(d);
        }
        months.push(Month { first, events });
        first = following;
    }
    months
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::Templates;
    use crate::rules::Calendar;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn emp(row: u32, wp: NaiveDate) -> Employee {
        Employee {
            sheet: "Staff".into(),
            row,
            name: Some(format!("EMPLOYEE {row}")),
            passport_no: Some(format!("E1234567{row}")),
            work_permit_expiry: Some(wp),
            residence_permit_expiry: Some(wp),
            category: Some(crate::model::Category::B(6)),
            ..Employee::default()
        }
    }

    #[test]
    fn states_months_and_warnings_as_facts() {
        let t = Templates::builtin();
        let rules = Rules::load(&t).unwrap();
        let cal = RenewalCalendar::from_rules(&rules.data, Calendar::load(&t).unwrap()).unwrap();
        let employees = [
            emp(4, d(2027, 2, 14)), // open
            emp(5, d(2027, 4, 10)), // not yet
            emp(6, d(2026, 11, 1)), // expired
        ];
        let plan = Plan::of(&employees, &[], d(2026, 11, 26), 12, &rules, &cal);
        let counts = Counts {
            open: 1,
            not_yet: 1,
            too_late: 1,
            unknown: 0,
        };
        assert_eq!(plan.counts, counts);
        assert!(plan.attention, "someone is expired");
        let now: Vec<(u32, WindowState)> =
            plan.now.iter().map(|n| (n.employee.row, n.state)).collect();
        assert_eq!(now, [(4, WindowState::Open), (6, WindowState::Expired)]);
        assert_eq!(plan.months.len(), 12);
        assert_eq!(plan.months[0].first, d(2026, 11, 1));
        assert_eq!(plan.last, d(2027, 10, 31));
        let jan = &plan.months[2];
        let kinds: Vec<(u32, EventKind)> = jan
            .events
            .iter()
            .map(|e| (e.employee.row, e.event.kind))
            .collect();
        assert_eq!(
            kinds,
            [
                (4, EventKind::DaysLeft(14)),
                (4, EventKind::DaysLeft(7)),
                (5, EventKind::WindowOpens),
                (4, EventKind::Deadline)
            ]
        );
        assert!(
            jan.events
                .windows(2)
                .all(|p| p[0].event.date <= p[1].event.date)
        );
        assert!(
            plan.warnings
                .iter()
                .any(|w| matches!(w, Warning::NoHolidayData(2027)))
        );
        // Nothing is dated outside the plan.
        let all = plan.months.iter().flat_map(|m| &m.events);
        assert!(
            all.clone()
                .all(|e| e.event.date >= plan.as_of && e.event.date <= plan.last)
        );
        assert!(all.clone().all(|e| e.event.kind != EventKind::CallNow));
    }
}
