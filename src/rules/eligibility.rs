//! The application window: from the Work Permit and Residence Permit expiry dates and the
//! as-of date, whether the combined extension can be filed now, not yet, or no longer.

use super::config::{Enquiries, Enquiry, WindowRule};
use chrono::{Days, NaiveDate};
use serde::Serialize;

pub use crate::outcome::WindowState;

/// Which permit a date belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Permit {
    WorkPermit,
    ResidencePermit,
}

impl Permit {
    /// The enquiry line (office, phone, permit names) for this permit.
    pub fn enquiry(self, lines: &Enquiries) -> &Enquiry {
        match self {
            Permit::WorkPermit => &lines.work_permit,
            Permit::ResidencePermit => &lines.residence_permit,
        }
    }
}

/// The `eligibility` object of report.json.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Eligibility {
    pub state: WindowState,
    /// Calendar days from the as-of date to the governing permit's expiry (negative once
    /// expired).
    pub days_left: Option<i64>,
    /// First day the combined service can be used (Work Permit expiry - 90 days).
    pub window_opens: Option<NaiveDate>,
    /// Last day to file: the earlier of the two permits' deadlines.
    pub deadline: Option<NaiveDate>,
    /// Calendar days from the as-of date to the deadline (negative once past).
    pub days_to_deadline: Option<i64>,
    /// The permit whose date decides the state: the one with the earlier deadline, or the
    /// one that has expired.
    pub governing: Option<Permit>,
    pub wp_expiry: Option<NaiveDate>,
    pub wp_days_left: Option<i64>,
    pub wp_deadline: Option<NaiveDate>,
    pub rp_expiry: Option<NaiveDate>,
    pub rp_days_left: Option<i64>,
    pub rp_deadline: Option<NaiveDate>,
    /// The Residence Permit must be filed before the combined window opens: it has to be
    /// renewed on its own.
    pub rp_due_before_window: bool,
    /// The day before the applicant reaches the age limit, for a category the age rule
    /// covers when that day is still ahead and falls before the permits' deadline: the
    /// renewal must be filed by then ([`Eligibility::with_age_limit`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_deadline: Option<NaiveDate>,
    /// `deadline` is `age_deadline`: the age limit, not a permit, sets the last day.
    pub deadline_by_age: bool,
}

impl Eligibility {
    /// Applies the age limit in time: an applicant who reaches the limit on `limit_day`
    /// (a birthday) is refused from that day on, so the last day to file is the day before.
    /// When that day comes before the permits' deadline and is not past, it becomes the
    /// deadline; the state follows (too late once past, open or not yet as before).
    /// A limit day already past is the age check's business (`eligibility.age`), not the
    /// window's.
    pub fn with_age_limit(mut self, limit_day: Option<NaiveDate>, as_of: NaiveDate) -> Self {
        let (Some(limit), Some(deadline)) = (limit_day, self.deadline) else {
            return self;
        };
        let Some(last) = limit.pred_opt() else {
            return self;
        };
        // Before the window opens there is no day to file on at all: the age check says so.
        if last >= deadline || as_of > last || self.window_opens.is_some_and(|o| last < o) {
            return self;
        }
        self.age_deadline = Some(last);
        self.deadline = Some(last);
        self.deadline_by_age = true;
        self.days_to_deadline = Some(days_between(as_of, last));
        self
    }
}

fn minus_days(date: NaiveDate, days: u32) -> NaiveDate {
    date.checked_sub_days(Days::new(u64::from(days)))
        .unwrap_or(NaiveDate::MIN)
}

fn days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    to.signed_duration_since(from).num_days()
}

/// Judges the window. Boundaries (with the shipped 90/30/30): exactly 90 days left is open,
/// 91 is not yet; exactly 30 days left is open (the deadline day), 29 is too late; the
/// expiry day itself (0 left) is too late and the day after is expired.
pub fn judge(
    wp_expiry: Option<NaiveDate>,
    rp_expiry: Option<NaiveDate>,
    as_of: NaiveDate,
    rule: &WindowRule,
) -> Eligibility {
    let wp_deadline = wp_expiry.map(|e| minus_days(e, rule.wp_deadline.days_before_expiry));
    let rp_deadline = rp_expiry.map(|e| minus_days(e, rule.rp_deadline.days_before_expiry));
    let window_opens = wp_expiry.map(|e| minus_days(e, rule.opens.days_before_wp_expiry));
    let mut out = Eligibility {
        state: WindowState::Unknown,
        days_left: None,
        window_opens,
        deadline: None,
        days_to_deadline: None,
        governing: None,
        wp_expiry,
        wp_days_left: wp_expiry.map(|e| days_between(as_of, e)),
        wp_deadline,
        rp_expiry,
        rp_days_left: rp_expiry.map(|e| days_between(as_of, e)),
        rp_deadline,
        rp_due_before_window: false,
        age_deadline: None,
        deadline_by_age: false,
    };
    let (Some(wp_exp), Some(wp_dl), Some(opens)) = (wp_expiry, wp_deadline, window_opens) else {
        return out;
    };
    // The earlier deadline governs; on a tie the Work Permit does.
    let (governing, deadline, gov_expiry) = match (rp_expiry, rp_deadline) {
        (Some(rp_exp), Some(rp_dl)) if rp_dl < wp_dl => (Permit::ResidencePermit, rp_dl, rp_exp),
        _ => (Permit::WorkPermit, wp_dl, wp_exp),
    };
    out.deadline = Some(deadline);
    out.days_to_deadline = Some(days_between(as_of, deadline));
    out.rp_due_before_window = governing == Permit::ResidencePermit && deadline < opens;

    // An expired permit governs whatever the deadlines say; with both expired, the earlier.
    let expired = [
        (Permit::WorkPermit, Some(wp_exp)),
        (Permit::ResidencePermit, rp_expiry),
    ]
    .into_iter()
    .filter_map(|(p, e)| e.filter(|e| as_of > *e).map(|e| (e, p)))
    .min();
    let (state, governing, gov_expiry) = match expired {
        Some((e, p)) => (WindowState::Expired, p, e),
        None if as_of > deadline => (WindowState::TooLate, governing, gov_expiry),
        None if as_of < opens => (WindowState::NotYet, governing, gov_expiry),
        None => (WindowState::Open, governing, gov_expiry),
    };
    out.state = state;
    out.governing = Some(governing);
    out.days_left = Some(days_between(as_of, gov_expiry));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::Templates;
    use crate::rules::config::RulesData;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn rule() -> WindowRule {
        let text = Templates::builtin().get_text("rules.toml").unwrap();
        RulesData::parse(&text).unwrap().window
    }

    /// The state with `left` days to a Work Permit expiring 2026-12-31 and no RP.
    fn state_with(left: i64) -> Eligibility {
        let expiry = d(2026, 12, 31);
        let as_of = expiry - chrono::Duration::days(left);
        judge(Some(expiry), None, as_of, &rule())
    }

    #[test]
    fn boundaries_91_90_31_30_29_0_and_minus_1() {
        assert_eq!(state_with(91).state, WindowState::NotYet);
        assert_eq!(state_with(90).state, WindowState::Open);
        assert_eq!(state_with(31).state, WindowState::Open);
        assert_eq!(state_with(30).state, WindowState::Open);
        assert_eq!(state_with(29).state, WindowState::TooLate);
        assert_eq!(state_with(0).state, WindowState::TooLate);
        assert_eq!(state_with(-1).state, WindowState::Expired);
        let e = state_with(90);
        assert_eq!(e.days_left, Some(90));
        assert_eq!(e.window_opens, Some(d(2026, 10, 2)));
        assert_eq!(e.deadline, Some(d(2026, 12, 1)));
        assert_eq!(e.days_to_deadline, Some(60));
        assert_eq!(e.governing, Some(Permit::WorkPermit));
        assert_eq!(state_with(29).days_to_deadline, Some(-1));
    }

    #[test]
    fn leap_year_expiry_on_29_february() {
        // 2028 is a leap year: expiry 29 Feb 2028.
        let expiry = d(2028, 2, 29);
        let e = judge(Some(expiry), None, d(2027, 12, 1), &rule());
        assert_eq!(e.window_opens, Some(d(2027, 12, 1)));
        assert_eq!(e.state, WindowState::Open);
        assert_eq!(e.days_left, Some(90));
        assert_eq!(e.deadline, Some(d(2028, 1, 30)));
        let e = judge(Some(expiry), None, d(2028, 1, 31), &rule());
        assert_eq!(e.state, WindowState::TooLate);
        assert_eq!(e.days_left, Some(29));
    }

    #[test]
    fn leap_year_as_of_29_february() {
        // As of 29 Feb 2024, an expiry 30 days later is 30 March 2024.
        let e = judge(Some(d(2024, 3, 30)), None, d(2024, 2, 29), &rule());
        assert_eq!(e.days_left, Some(30));
        assert_eq!(e.state, WindowState::Open);
        assert_eq!(e.deadline, Some(d(2024, 2, 29)));
        // Counting back across 29 Feb: 90 days before 29 May 2024 is 29 Feb 2024.
        let e = judge(Some(d(2024, 5, 29)), None, d(2024, 2, 29), &rule());
        assert_eq!(e.window_opens, Some(d(2024, 2, 29)));
        assert_eq!(e.state, WindowState::Open);
        let e = judge(Some(d(2024, 5, 30)), None, d(2024, 2, 29), &rule());
        assert_eq!(e.state, WindowState::NotYet);
        assert_eq!(e.days_left, Some(91));
    }

    #[test]
    fn the_earlier_residence_permit_governs() {
        let as_of = d(2026, 10, 1);
        // WP has 61 days left (open); RP has 29 left: too late by the RP.
        let e = judge(Some(d(2026, 12, 1)), Some(d(2026, 10, 30)), as_of, &rule());
        assert_eq!(e.state, WindowState::TooLate);
        assert_eq!(e.governing, Some(Permit::ResidencePermit));
        assert_eq!(e.days_left, Some(29));
        assert_eq!(e.deadline, Some(d(2026, 9, 30)));
        assert_eq!(e.wp_days_left, Some(61));
        // RP with exactly 30 left: still open.
        let e = judge(Some(d(2026, 12, 1)), Some(d(2026, 10, 31)), as_of, &rule());
        assert_eq!(e.state, WindowState::Open);
        assert_eq!(e.governing, Some(Permit::ResidencePermit));
        // Same expiry on both: the Work Permit governs.
        let e = judge(Some(d(2026, 12, 1)), Some(d(2026, 12, 1)), as_of, &rule());
        assert_eq!(e.governing, Some(Permit::WorkPermit));
    }

    #[test]
    fn an_expired_residence_permit_is_expired() {
        let e = judge(
            Some(d(2026, 12, 1)),
            Some(d(2026, 9, 30)),
            d(2026, 10, 1),
            &rule(),
        );
        assert_eq!(e.state, WindowState::Expired);
        assert_eq!(e.governing, Some(Permit::ResidencePermit));
        assert_eq!(e.days_left, Some(-1));
    }

    #[test]
    fn residence_permit_due_before_the_window_opens() {
        // WP still 200 days (not yet), RP needs renewing within 40 days.
        let e = judge(
            Some(d(2027, 4, 19)),
            Some(d(2026, 11, 10)),
            d(2026, 10, 1),
            &rule(),
        );
        assert_eq!(e.state, WindowState::NotYet);
        assert!(e.rp_due_before_window);
        assert_eq!(e.deadline, Some(d(2026, 10, 11)));
    }

    #[test]
    fn no_work_permit_expiry_is_unknown() {
        let e = judge(None, Some(d(2026, 12, 1)), d(2026, 10, 1), &rule());
        assert_eq!(e.state, WindowState::Unknown);
        assert_eq!(e.rp_days_left, Some(61));
        assert_eq!(e.days_left, None);
        assert_eq!(e.deadline, None);
    }

    #[test]
    fn extreme_dates_do_not_panic() {
        let e = judge(Some(NaiveDate::MIN), None, NaiveDate::MAX, &rule());
        assert_eq!(e.state, WindowState::Expired);
    }
}
