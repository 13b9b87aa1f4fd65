//! The expected timeline for the cover sheet: earliest and latest submission, preliminary
//! review result, on-site visit, new Residence Permit ready, and the days the passport is
//! held (no travel), in working days of the [`Calendar`].

use super::calendar::Calendar;
use super::config::TimelineRule;
use super::eligibility::{Eligibility, WindowState};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeSet;

/// The `timeline` object of report.json. Every date is the earliest it can be if the
/// packet is submitted on `earliest_submission`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Timeline {
    /// The as-of date when the window is open, else the day it opens.
    pub earliest_submission: NaiveDate,
    /// The deadline.
    pub latest_submission: NaiveDate,
    /// Preliminary review result (SMS to the handler), submission + review working days.
    pub review_result_by: NaiveDate,
    /// Earliest on-site visit: the first working day with the review result.
    pub earliest_visit: NaiveDate,
    /// New Residence Permit ready, visit + permit-ready working days.
    pub permit_ready_about: NaiveDate,
    /// The authority keeps the passport from the visit until the new permit is collected:
    /// the applicant cannot travel.
    pub passport_held_from: NaiveDate,
    pub passport_held_until: NaiveDate,
    pub review_working_days: u32,
    pub permit_ready_working_days: u32,
    /// Years the arithmetic touched without holiday data (weekdays were assumed).
    pub years_without_data: Vec<i32>,
}

/// The timeline, when the packet can still be submitted (window open or not yet open, and
/// the deadline not before the window opens).
pub fn plan(
    elig: &Eligibility,
    as_of: NaiveDate,
    rule: &TimelineRule,
    cal: &Calendar,
) -> Option<Timeline> {
    let deadline = elig.deadline?;
    let earliest_submission = match elig.state {
        WindowState::Open => as_of,
        WindowState::NotYet => elig.window_opens?.max(as_of),
        _ => return None,
    };
    if earliest_submission > deadline {
        return None;
    }
    let mut missing = BTreeSet::new();
    let review = cal.add_working_days(earliest_submission, rule.review_working_days);
    missing.extend(review.years_without_data);
    let visit = if cal.is_working_day(review.date) {
        review.date
    } else {
        let v = cal.add_working_days(review.date, 1);
        missing.extend(v.years_without_data);
        v.date
    };
    missing.extend(cal.missing_years(visit));
    let ready = cal.add_working_days(visit, rule.permit_ready_working_days);
    missing.extend(ready.years_without_data);
    Some(Timeline {
        earliest_submission,
        latest_submission: deadline,
        review_result_by: review.date,
        earliest_visit: visit,
        permit_ready_about: ready.date,
        passport_held_from: visit,
        passport_held_until: ready.date,
        review_working_days: rule.review_working_days,
        permit_ready_working_days: rule.permit_ready_working_days,
        years_without_data: missing.into_iter().collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::Templates;
    use crate::rules::config::RulesData;
    use crate::rules::eligibility::judge;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn setup() -> (RulesData, Calendar) {
        let t = Templates::builtin();
        (
            RulesData::parse(&t.get_text("rules.toml").unwrap()).unwrap(),
            Calendar::load(&t).unwrap(),
        )
    }

    #[test]
    fn deadline_across_spring_festival_2026() {
        let (r, cal) = setup();
        // WP expires 14 March 2026: deadline 12 Feb (a Thursday), submitted that day.
        let as_of = d(2026, 2, 12);
        let e = judge(Some(d(2026, 3, 14)), None, as_of, &r.window);
        assert_eq!(e.deadline, Some(as_of));
        assert_eq!(e.state, WindowState::Open);
        let t = plan(&e, as_of, &r.timeline, &cal).unwrap();
        // Fri 13, Sat 14 (调休 make-up day), holiday 15-23, Tue 24, Wed 25, Thu 26.
        assert_eq!(t.review_result_by, d(2026, 2, 26));
        assert_eq!(t.earliest_visit, d(2026, 2, 26));
        // 10 working days from Thu 26 Feb: 27, Sat 28 (调休), 2-6 March, 9, 10, 11.
        assert_eq!(t.permit_ready_about, d(2026, 3, 11));
        assert_eq!(t.passport_held_from, d(2026, 2, 26));
        assert_eq!(t.passport_held_until, d(2026, 3, 11));
        assert!(t.years_without_data.is_empty());
    }

    #[test]
    fn not_yet_plans_from_the_window_opening() {
        let (r, cal) = setup();
        let e = judge(Some(d(2026, 12, 31)), None, d(2026, 6, 1), &r.window);
        assert_eq!(e.state, WindowState::NotYet);
        let t = plan(&e, d(2026, 6, 1), &r.timeline, &cal).unwrap();
        // Window opens Friday 2 October 2026, inside the National Day holiday (1-7 Oct,
        // Saturday 10 Oct worked): review counts 8, 9, Sat 10, 12, 13.
        assert_eq!(t.earliest_submission, d(2026, 10, 2));
        assert_eq!(t.review_result_by, d(2026, 10, 13));
        assert_eq!(t.latest_submission, d(2026, 12, 1));
    }

    #[test]
    fn a_year_without_data_is_carried() {
        let (r, cal) = setup();
        let as_of = d(2027, 1, 20);
        let e = judge(Some(d(2027, 3, 31)), None, as_of, &r.window);
        let t = plan(&e, as_of, &r.timeline, &cal).unwrap();
        assert_eq!(t.years_without_data, vec![2027]);
    }

    #[test]
    fn no_timeline_once_too_late_or_when_rp_is_due_first() {
        let (r, cal) = setup();
        let as_of = d(2026, 12, 10);
        let e = judge(Some(d(2026, 12, 31)), None, as_of, &r.window);
        assert!(plan(&e, as_of, &r.timeline, &cal).is_none());
        let as_of = d(2026, 10, 1);
        let e = judge(
            Some(d(2027, 4, 19)),
            Some(d(2026, 11, 10)),
            as_of,
            &r.window,
        );
        assert!(plan(&e, as_of, &r.timeline, &cal).is_none());
    }
}
