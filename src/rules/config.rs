//! The rules data of `templates/rules.toml` (window, term, fee bands, age, timeline,
//! calendar setting, enquiry lines), parsed and checked for consistency. No judging here.

use super::RulesError;
use serde::Deserialize;

/// Everything in `rules.toml`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesData {
    pub window: WindowRule,
    pub term: TermRule,
    pub fee: Vec<FeeBand>,
    pub age: AgeRule,
    pub timeline: TimelineRule,
    pub calendar: CalendarRule,
    pub enquiry: Enquiries,
    /// Absent in a `rules.toml` copied before it existed: the built-in one is used then.
    #[serde(default)]
    pub reminders: Option<ReminderRule>,
    pub salary: SalaryRule,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindowRule {
    pub opens: OpensRule,
    pub wp_deadline: DeadlineRule,
    pub rp_deadline: DeadlineRule,
}

/// The window opens this many calendar days before the Work Permit expires.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpensRule {
    pub days_before_wp_expiry: u32,
    pub source: String,
}

/// The last filing day is this many calendar days before the permit expires.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeadlineRule {
    pub days_before_expiry: u32,
    pub source: String,
}

/// Which date a new term is counted from when checking it against the passport.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CountsFrom {
    WpExpiry,
    AsOf,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermRule {
    pub default_years: f64,
    pub default_source: String,
    pub extended_years: f64,
    pub extended_from_years_in_china: f64,
    pub extended_source: String,
    pub counts_from: CountsFrom,
    pub passport_source: String,
}

/// One Residence Permit fee band: `min_years` inclusive, `max_years` exclusive unless
/// `max_inclusive`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeeBand {
    pub min_years: f64,
    pub max_years: f64,
    #[serde(default)]
    pub max_inclusive: bool,
    pub rmb: i64,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgeRule {
    pub limit: u32,
    /// Category key prefixes the rule applies to (`B` covers `B1`..`B6`).
    pub categories: Vec<String>,
    /// Whether an applicant at or over the limit is blocked (`error`) or only warned.
    pub severity: AgeSeverity,
    pub reason_zh: String,
    pub reason_en: String,
    /// What to do instead (the route that remains), in both languages.
    pub route_zh: String,
    pub route_en: String,
    pub source: String,
    /// The source as quoted in the Chinese message.
    pub source_zh: String,
}

/// Severity of the age rule as written in `rules.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AgeSeverity {
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimelineRule {
    pub review_working_days: u32,
    pub review_source: String,
    pub permit_ready_working_days: u32,
    pub permit_ready_source: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarRule {
    /// `MM-DD`, or empty to turn the check off.
    pub next_year_notice_from: String,
    pub source: String,
}

/// The salary basis a certificate uses when the roster states none.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SalaryRule {
    pub default_basis: crate::model::SalaryBasis,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Enquiries {
    pub work_permit: Enquiry,
    pub residence_permit: Enquiry,
}

/// An enquiry line: the office, its phone number and the permit it answers for.
#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Enquiry {
    pub permit_zh: String,
    pub permit_en: String,
    pub office_zh: String,
    pub office_en: String,
    pub phone: String,
    #[serde(skip_serializing)]
    pub source: String,
}

/// Lead-time reminders before the last day to file (report.ics, `permitpack plan`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReminderRule {
    /// Calendar days before the deadline, each its own all-day event.
    pub days_before_deadline: Vec<u32>,
    /// The alarm on the deadline event, in hours before that all-day event starts.
    pub deadline_alarm_hours_before: u32,
    pub source: String,
}

impl CalendarRule {
    /// The parsed month and day, `None` when the check is off.
    pub fn month_day(&self) -> Result<Option<(u32, u32)>, RulesError> {
        parse_month_day(&self.next_year_notice_from)
    }
}

/// Parses `MM-DD` (empty means none).
pub fn parse_month_day(s: &str) -> Result<Option<(u32, u32)>, RulesError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let bad = || RulesError::MonthDay(s.to_string());
    let (m, d) = s.split_once('-').ok_or_else(bad)?;
    let m: u32 = m.trim().parse().map_err(|_| bad())?;
    let d: u32 = d.trim().parse().map_err(|_| bad())?;
    // 2000 is a leap year, so 02-29 is accepted.
    chrono::NaiveDate::from_ymd_opt(2000, m, d).ok_or_else(bad)?;
    Ok(Some((m, d)))
}

/// A value of `rules.toml` the rules cannot use.
fn invalid(reason: impl Into<String>) -> RulesError {
    RulesError::Template {
        file: "rules.toml",
        reason: reason.into(),
    }
}

/// Whole months in a number of years, if it is a sensible term (finite, 0..=100 years).
pub fn years_to_months(years: f64) -> Option<u32> {
    if !years.is_finite() || !(0.0..=100.0).contains(&years) {
        return None;
    }
    Some((years * 12.0).round() as u32)
}

impl RulesData {
    /// Parses `rules.toml` text and checks it. Errors name the file and the key.
    pub fn parse(text: &str) -> Result<RulesData, RulesError> {
        let data: RulesData = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        data.validate()?;
        Ok(data)
    }

    fn validate(&self) -> Result<(), RulesError> {
        let sources = [
            ("window.opens.source", &self.window.opens.source),
            ("window.wp_deadline.source", &self.window.wp_deadline.source),
            ("window.rp_deadline.source", &self.window.rp_deadline.source),
            ("term.default_source", &self.term.default_source),
            ("term.extended_source", &self.term.extended_source),
            ("term.passport_source", &self.term.passport_source),
            ("age.source", &self.age.source),
            ("age.source_zh", &self.age.source_zh),
            ("timeline.review_source", &self.timeline.review_source),
            (
                "timeline.permit_ready_source",
                &self.timeline.permit_ready_source,
            ),
            ("calendar.source", &self.calendar.source),
            ("salary.source", &self.salary.source),
            (
                "enquiry.work_permit.source",
                &self.enquiry.work_permit.source,
            ),
            (
                "enquiry.residence_permit.source",
                &self.enquiry.residence_permit.source,
            ),
        ];
        for (key, value) in sources {
            if value.trim().is_empty() {
                return Err(invalid(format!(
                    "{key} is empty: every rule must name its source"
                )));
            }
        }
        let w = &self.window;
        for (key, d) in [
            ("window.wp_deadline", &w.wp_deadline),
            ("window.rp_deadline", &w.rp_deadline),
        ] {
            if d.days_before_expiry > w.opens.days_before_wp_expiry {
                return Err(invalid(format!(
                    "{key}.days_before_expiry ({}) is more than window.opens.days_before_wp_expiry ({}): the window would never open",
                    d.days_before_expiry, w.opens.days_before_wp_expiry
                )));
            }
        }
        let t = &self.term;
        match (
            years_to_months(t.default_years),
            years_to_months(t.extended_years),
        ) {
            (Some(d), Some(e)) if d > 0 && e >= d => {}
            _ => {
                return Err(invalid(format!(
                    "term.default_years ({}) and term.extended_years ({}) must be positive, with extended_years at least default_years",
                    t.default_years, t.extended_years
                )));
            }
        }
        if !t.extended_from_years_in_china.is_finite() || t.extended_from_years_in_china < 0.0 {
            return Err(invalid(
                "term.extended_from_years_in_china must be 0 or more",
            ));
        }
        self.validate_fees()?;
        if let Some(r) = &self.reminders {
            if r.source.trim().is_empty() {
                return Err(invalid(
                    "reminders.source is empty: every rule must name its source",
                ));
            }
            let opens = self.window.opens.days_before_wp_expiry;
            if let Some(d) = r
                .days_before_deadline
                .iter()
                .find(|d| **d == 0 || **d > opens)
            {
                return Err(invalid(format!(
                    "reminders.days_before_deadline: {d} is not between 1 and {opens} (the window's length)"
                )));
            }
            if r.deadline_alarm_hours_before > 24 * 30 {
                return Err(invalid(
                    "reminders.deadline_alarm_hours_before is more than 30 days",
                ));
            }
        }
        if self.age.limit == 0 || self.age.limit > 150 {
            return Err(invalid(format!(
                "age.limit ({}) is not a plausible age",
                self.age.limit
            )));
        }
        self.calendar
            .month_day()
            .map_err(|e| invalid(format!("calendar.next_year_notice_from: {e}")))?;
        for (key, e) in [
            ("enquiry.work_permit", &self.enquiry.work_permit),
            ("enquiry.residence_permit", &self.enquiry.residence_permit),
        ] {
            if e.phone.trim().is_empty() || e.office_zh.trim().is_empty() {
                return Err(invalid(format!("{key} needs an office_zh and a phone")));
            }
        }
        Ok(())
    }

    fn validate_fees(&self) -> Result<(), RulesError> {
        if self.fee.is_empty() {
            return Err(invalid("no [[fee]] band is given"));
        }
        let mut prev: Option<(u32, bool)> = None;
        for (i, band) in self.fee.iter().enumerate() {
            let n = i + 1;
            if band.source.trim().is_empty() {
                return Err(invalid(format!(
                    "fee band {n} has an empty source: every rule must name its source"
                )));
            }
            let (Some(lo), Some(hi)) = (
                years_to_months(band.min_years),
                years_to_months(band.max_years),
            ) else {
                return Err(invalid(format!(
                    "fee band {n}: years must be between 0 and 100"
                )));
            };
            if hi < lo || (hi == lo && !band.max_inclusive) {
                return Err(invalid(format!(
                    "fee band {n}: max_years is below min_years"
                )));
            }
            if band.rmb < 0 {
                return Err(invalid(format!("fee band {n}: rmb must not be negative")));
            }
            if let Some((prev_hi, prev_incl)) = prev
                && (lo < prev_hi || (lo == prev_hi && prev_incl))
            {
                return Err(invalid(format!(
                    "fee band {n} overlaps the band before it (bands go from the shortest term up)"
                )));
            }
            prev = Some((hi, band.max_inclusive));
        }
        Ok(())
    }

    /// The fee in RMB for a term of `months`, or `None` when no band covers it.
    pub fn fee_for_months(&self, months: u32) -> Option<i64> {
        self.fee.iter().find_map(|b| {
            let lo = years_to_months(b.min_years)?;
            let hi = years_to_months(b.max_years)?;
            let inside = months >= lo && (months < hi || (b.max_inclusive && months == hi));
            inside.then_some(b.rmb)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::Templates;

    fn builtin() -> RulesData {
        let text = Templates::builtin().get_text("rules.toml").unwrap();
        RulesData::parse(&text).unwrap()
    }

    #[test]
    fn builtin_rules_parse_with_the_domain_values() {
        let r = builtin();
        assert_eq!(r.window.opens.days_before_wp_expiry, 90);
        assert_eq!(r.window.wp_deadline.days_before_expiry, 30);
        assert_eq!(r.window.rp_deadline.days_before_expiry, 30);
        assert_eq!(r.age.limit, 60);
        assert_eq!(r.timeline.review_working_days, 5);
        assert_eq!(r.timeline.permit_ready_working_days, 10);
        assert_eq!(r.enquiry.work_permit.phone, "0755-88121678");
        assert_eq!(r.enquiry.residence_permit.phone, "12367");
        assert_eq!(r.calendar.month_day().unwrap(), Some((12, 29)));
        let reminders = r.reminders.unwrap();
        assert_eq!(reminders.days_before_deadline, [14, 7]);
        assert_eq!(reminders.deadline_alarm_hours_before, 15);
    }

    #[test]
    fn fee_bands_follow_the_seed_table() {
        let r = builtin();
        assert_eq!(r.fee_for_months(6), Some(400));
        assert_eq!(r.fee_for_months(11), Some(400));
        assert_eq!(r.fee_for_months(12), Some(800));
        assert_eq!(r.fee_for_months(24), Some(800));
        assert_eq!(r.fee_for_months(35), Some(800));
        assert_eq!(r.fee_for_months(36), Some(1000));
        assert_eq!(r.fee_for_months(60), Some(1000));
        assert_eq!(r.fee_for_months(61), None);
    }

    #[test]
    fn a_rule_without_source_is_refused() {
        let text = Templates::builtin().get_text("rules.toml").unwrap();
        let broken = text.replacen(
            "source = \"press reports 2026 on Shenzhen practice (soft)\"",
            "source = \"  \"",
            1,
        );
        assert_ne!(broken, text);
        let err = RulesData::parse(&broken).unwrap_err();
        assert!(err.to_string().contains("age.source"), "{err}");
    }

    #[test]
    fn a_misspelt_key_is_refused_with_its_name() {
        let text = Templates::builtin().get_text("rules.toml").unwrap();
        let broken = text.replacen("review_working_days", "review_workng_days", 1);
        let err = RulesData::parse(&broken).unwrap_err();
        assert!(err.to_string().contains("rules.toml"), "{err}");
        assert!(err.to_string().contains("review_workng_days"), "{err}");
    }

    #[test]
    fn overlapping_fee_bands_are_refused() {
        let text = Templates::builtin().get_text("rules.toml").unwrap();
        let broken = text.replacen("min_years = 1\n", "min_years = 0.5\n", 1);
        assert_ne!(broken, text);
        let err = RulesData::parse(&broken).unwrap_err();
        assert!(err.to_string().contains("fee band 2 overlaps"), "{err}");
    }

    #[test]
    fn reminders_may_be_absent_but_not_out_of_the_window() {
        let text = Templates::builtin().get_text("rules.toml").unwrap();
        let start = text.find("[reminders]").unwrap();
        let end = start + text[start..].find("# ----").unwrap();
        let without = format!("{}{}", &text[..start], &text[end..]);
        assert_eq!(RulesData::parse(&without).unwrap().reminders, None);
        let broken = text.replacen("[14, 7]", "[14, 120]", 1);
        let err = RulesData::parse(&broken).unwrap_err();
        assert!(
            err.to_string()
                .contains("reminders.days_before_deadline: 120"),
            "{err}"
        );
    }

    #[test]
    fn month_day_parsing() {
        assert_eq!(parse_month_day("12-29").unwrap(), Some((12, 29)));
        assert_eq!(parse_month_day("").unwrap(), None);
        assert!(parse_month_day("13-01").is_err());
        assert!(parse_month_day("12/29").is_err());
        assert_eq!(years_to_months(0.5), Some(6));
        assert_eq!(years_to_months(f64::NAN), None);
        assert_eq!(years_to_months(-1.0), None);
    }
}
