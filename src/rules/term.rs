//! The extension term (1 year, or 2 after 3 years in China; a requested term capped; never
//! beyond the passport) with the Residence Permit fee for it, and the age check.

use super::config::{AgeRule, CountsFrom, RulesData, years_to_months};
use crate::model::Category;
use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

/// Why the term is shorter than asked or than the rule's maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TermLimit {
    /// The requested term is above the maximum the rule allows.
    Rule,
    /// The passport expires before the term would end.
    Passport,
}

/// The `term` object of report.json.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TermDecision {
    /// The term to apply for, in whole months; `None` when no term is possible (the
    /// passport runs out first).
    pub months: Option<u32>,
    /// `months / 12`.
    pub years: Option<f64>,
    /// The rule's maximum for this employee, in months.
    pub max_months: u32,
    /// Whether the longer maximum applies (years in China at or above the threshold).
    pub extended: bool,
    /// The term asked for in the roster, in months, when given and sensible.
    pub requested_months: Option<u32>,
    /// What shortened the term, if anything.
    pub limited_by: Option<TermLimit>,
    /// The date the term is counted from, and where it would end.
    pub starts: NaiveDate,
    pub ends: Option<NaiveDate>,
    /// Residence Permit fee for the term, RMB.
    pub fee_rmb: Option<i64>,
}

/// What the term judgement needs to tell the user beyond the decision itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermNote {
    /// Years in China unknown: the default maximum was assumed.
    YearsUnknown,
    /// The requested term is not a usable number of years.
    RequestInvalid,
    /// The requested term was lowered to the rule's maximum.
    CappedByRule,
    /// The term was lowered to end by the passport's expiry.
    CappedByPassport,
    /// The passport expires before any term could start.
    PassportTooShort,
    /// No fee band covers the term.
    NoFee,
}

/// Decides the term and its fee.
pub fn decide(
    rules: &RulesData,
    as_of: NaiveDate,
    wp_expiry: Option<NaiveDate>,
    years_in_china: Option<f64>,
    requested_years: Option<f64>,
    passport_expiry: Option<NaiveDate>,
) -> (TermDecision, Vec<TermNote>) {
    let t = &rules.term;
    let mut notes = Vec::new();
    let default_max = years_to_months(t.default_years).unwrap_or(0);
    let extended_max = years_to_months(t.extended_years).unwrap_or(default_max);
    let extended = match years_in_china.filter(|y| y.is_finite()) {
        Some(y) => y >= t.extended_from_years_in_china,
        None => {
            notes.push(TermNote::YearsUnknown);
            false
        }
    };
    let max_months = if extended { extended_max } else { default_max };

    let requested_months = match requested_years {
        None => None,
        Some(y) => match years_to_months(y).filter(|m| *m > 0) {
            Some(m) => Some(m),
            None => {
                notes.push(TermNote::RequestInvalid);
                None
            }
        },
    };
    let mut limited_by = None;
    let mut months = match requested_months {
        Some(m) if m > max_months => {
            notes.push(TermNote::CappedByRule);
            limited_by = Some(TermLimit::Rule);
            max_months
        }
        Some(m) => m,
        None => max_months,
    };

    let starts = match t.counts_from {
        CountsFrom::WpExpiry => wp_expiry.unwrap_or(as_of),
        CountsFrom::AsOf => as_of,
    };
    if let Some(passport) = passport_expiry {
        let room = whole_months_between(starts, passport);
        if room == 0 {
            notes.push(TermNote::PassportTooShort);
            limited_by = Some(TermLimit::Passport);
            let decision = TermDecision {
                months: None,
                years: None,
                max_months,
                extended,
                requested_months,
                limited_by,
                starts,
                ends: None,
                fee_rmb: None,
            };
            return (decision, notes);
        }
        if room < months {
            notes.push(TermNote::CappedByPassport);
            limited_by = Some(TermLimit::Passport);
            months = room;
        }
    }
    let fee_rmb = rules.fee_for_months(months);
    if fee_rmb.is_none() {
        notes.push(TermNote::NoFee);
    }
    let decision = TermDecision {
        months: Some(months),
        years: Some(f64::from(months) / 12.0),
        max_months,
        extended,
        requested_months,
        limited_by,
        starts,
        ends: starts.checked_add_months(Months::new(months)),
        fee_rmb,
    };
    (decision, notes)
}

/// The largest number of whole months `m` with `from + m months <= to` (0 when `to` is not
/// after `from`). Month ends clamp as chrono does (31 Jan + 1 month = 28/29 Feb).
pub fn whole_months_between(from: NaiveDate, to: NaiveDate) -> u32 {
    if to <= from {
        return 0;
    }
    let rough = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32;
    let mut m = u32::try_from(rough.max(0)).unwrap_or(0);
    while m > 0 {
        match from.checked_add_months(Months::new(m)) {
            Some(end) if end <= to => break,
            _ => m -= 1,
        }
    }
    m
}

/// Age in whole years on `on`. Someone born on 29 February turns a year older on 1 March in
/// common years. `None` when `on` is before the birth date.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> Option<u32> {
    if on < birth {
        return None;
    }
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    u32::try_from(age).ok()
}

/// The day someone born on `birth` reaches `years` of age (1 March for a 29 February birth
/// in a common year), as [`age_on`] counts it.
pub fn birthday_of_age(birth: NaiveDate, years: u32) -> Option<NaiveDate> {
    let year = birth.year().checked_add(i32::try_from(years).ok()?)?;
    NaiveDate::from_ymd_opt(year, birth.month(), birth.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, 3, 1))
}

/// The day the age rule starts refusing this employee: the birthday of the limit, for a
/// category the rule covers and a known birth date (a month alone counts from its 1st, the
/// earliest the birthday can be).
pub fn age_limit_day(emp: &crate::model::Employee, rule: &AgeRule) -> Option<NaiveDate> {
    let cat = emp.category?;
    if !age_rule_applies(rule, cat) {
        return None;
    }
    birthday_of_age(emp.date_of_birth?, rule.limit)
}

/// Whether the age rule applies to this category (by key prefix: `B` covers `B6`).
pub fn age_rule_applies(rule: &AgeRule, category: Category) -> bool {
    let key = category.key();
    rule.categories
        .iter()
        .any(|c| !c.trim().is_empty() && key.starts_with(c.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::Templates;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn rules() -> RulesData {
        RulesData::parse(&Templates::builtin().get_text("rules.toml").unwrap()).unwrap()
    }

    fn as_of() -> NaiveDate {
        d(2026, 11, 2)
    }

    fn wp() -> Option<NaiveDate> {
        Some(d(2026, 12, 31))
    }

    #[test]
    fn one_year_under_three_years_in_china_fee_800() {
        let (t, notes) = decide(&rules(), as_of(), wp(), Some(2.9), None, None);
        assert_eq!(t.months, Some(12));
        assert_eq!(t.years, Some(1.0));
        assert!(!t.extended);
        assert_eq!(t.fee_rmb, Some(800));
        assert!(notes.is_empty());
        assert_eq!(t.ends, Some(d(2027, 12, 31)));
    }

    #[test]
    fn two_years_from_three_years_in_china_fee_800() {
        let (t, notes) = decide(&rules(), as_of(), wp(), Some(3.0), None, None);
        assert_eq!(t.months, Some(24));
        assert_eq!(t.years, Some(2.0));
        assert!(t.extended);
        assert_eq!(t.fee_rmb, Some(800));
        assert!(notes.is_empty());
    }

    #[test]
    fn requested_terms_are_capped_and_explained() {
        let r = rules();
        let (t, notes) = decide(&r, as_of(), wp(), Some(1.0), Some(2.0), None);
        assert_eq!(t.months, Some(12));
        assert_eq!(t.requested_months, Some(24));
        assert_eq!(t.limited_by, Some(TermLimit::Rule));
        assert_eq!(notes, vec![TermNote::CappedByRule]);
        let (t, notes) = decide(&r, as_of(), wp(), Some(5.0), Some(3.0), None);
        assert_eq!(t.months, Some(24));
        assert_eq!(notes, vec![TermNote::CappedByRule]);
        // A shorter request is kept: half a year costs 400.
        let (t, notes) = decide(&r, as_of(), wp(), Some(5.0), Some(0.5), None);
        assert_eq!(t.months, Some(6));
        assert_eq!(t.fee_rmb, Some(400));
        assert!(notes.is_empty());
        let (t, notes) = decide(&r, as_of(), wp(), Some(5.0), Some(-1.0), None);
        assert_eq!(t.months, Some(24));
        assert_eq!(notes, vec![TermNote::RequestInvalid]);
    }

    #[test]
    fn unknown_years_in_china_assume_one_year() {
        let (t, notes) = decide(&rules(), as_of(), wp(), None, None, None);
        assert_eq!(t.months, Some(12));
        assert_eq!(notes, vec![TermNote::YearsUnknown]);
    }

    #[test]
    fn never_beyond_the_passport() {
        let r = rules();
        // Passport ends 8 months and 10 days after the WP expiry: 8 months, fee 400.
        let (t, notes) = decide(&r, as_of(), wp(), Some(4.0), None, Some(d(2027, 9, 10)));
        assert_eq!(t.months, Some(8));
        assert_eq!(t.limited_by, Some(TermLimit::Passport));
        assert_eq!(t.fee_rmb, Some(400));
        assert_eq!(notes, vec![TermNote::CappedByPassport]);
        // Passport ending exactly two years after: not capped.
        let (t, notes) = decide(&r, as_of(), wp(), Some(4.0), None, Some(d(2028, 12, 31)));
        assert_eq!(t.months, Some(24));
        assert!(notes.is_empty());
        // Passport ending before the WP expiry: no term at all.
        let (t, notes) = decide(&r, as_of(), wp(), Some(4.0), None, Some(d(2026, 12, 20)));
        assert_eq!(t.months, None);
        assert_eq!(t.fee_rmb, None);
        assert_eq!(notes, vec![TermNote::PassportTooShort]);
    }

    #[test]
    fn whole_months_clamp_at_month_ends() {
        assert_eq!(whole_months_between(d(2026, 1, 31), d(2026, 2, 28)), 1);
        assert_eq!(whole_months_between(d(2026, 1, 31), d(2026, 2, 27)), 0);
        assert_eq!(whole_months_between(d(2024, 2, 29), d(2025, 2, 28)), 12);
        assert_eq!(whole_months_between(d(2026, 5, 10), d(2026, 5, 9)), 0);
        assert_eq!(whole_months_between(d(2026, 5, 10), d(2028, 5, 10)), 24);
    }

    #[test]
    fn ages_59_and_60() {
        let birth = d(1966, 11, 3);
        assert_eq!(age_on(birth, d(2026, 11, 2)), Some(59));
        assert_eq!(age_on(birth, d(2026, 11, 3)), Some(60));
        // Born on a leap day: 60 on 1 March in a common year, on 29 Feb in a leap year.
        let leap = d(1964, 2, 29);
        assert_eq!(age_on(leap, d(2023, 2, 28)), Some(58));
        assert_eq!(age_on(leap, d(2024, 2, 28)), Some(59));
        assert_eq!(age_on(leap, d(2024, 2, 29)), Some(60));
        let leap = d(1966, 2, 28);
        assert_eq!(age_on(leap, d(2026, 2, 28)), Some(60));
        assert_eq!(age_on(d(1967, 2, 28), d(2026, 2, 28)), Some(59));
        assert_eq!(age_on(d(1966, 3, 1), d(2026, 2, 28)), Some(59));
        assert_eq!(age_on(d(2030, 1, 1), d(2026, 1, 1)), None);
    }

    #[test]
    fn age_rule_covers_b_and_c_only() {
        let r = rules();
        assert!(age_rule_applies(&r.age, Category::B(6)));
        assert!(age_rule_applies(&r.age, Category::B(0)));
        assert!(age_rule_applies(&r.age, Category::C));
        assert!(!age_rule_applies(&r.age, Category::A));
    }
}
