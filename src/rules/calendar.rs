//! The mainland China working-day calendar: Monday to Friday, minus the State Council's public
//! holidays, plus its make-up working days (调休), from the holiday-cn JSON files in
//! `templates/holidays/`. Years without data are reported, never guessed.

use super::RulesError;
use super::config::{RulesData, parse_month_day};
use crate::assets::Templates;
use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;
use std::collections::{BTreeSet, HashMap};

/// One holiday-cn file (`holidays/2026.json`).
#[derive(Debug, Deserialize)]
struct HolidayFile {
    year: i32,
    #[serde(default)]
    #[allow(dead_code)]
    papers: Vec<String>,
    days: Vec<HolidayDay>,
}

#[derive(Debug, Deserialize)]
struct HolidayDay {
    #[serde(default)]
    name: String,
    date: String,
    #[serde(rename = "isOffDay")]
    is_off_day: bool,
}

/// Name of the JSON schema shipped beside the data; it is not a year file.
const SCHEMA_FILE: &str = "schema.json";

/// Working days in mainland China.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Calendar {
    /// Dates the notices change: `true` = day off, `false` = make-up working day.
    changes: HashMap<NaiveDate, bool>,
    /// Years whose notice is known (some file for that year lists at least one day).
    known_years: BTreeSet<i32>,
    /// From this (month, day) on, a date also needs the next year's notice.
    next_year_from: Option<(u32, u32)>,
    /// The holiday each day off belongs to (`春节`), as the notice names it.
    names: HashMap<NaiveDate, String>,
}

/// Consecutive days off of one public holiday, as the notice lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closure {
    /// The notice's name (`春节`, `国庆节`).
    pub name: String,
    pub first: NaiveDate,
    pub last: NaiveDate,
}

/// The result of working-day arithmetic, with every year it relied on that has no data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingDate {
    pub date: NaiveDate,
    /// Sorted, without duplicates.
    pub years_without_data: Vec<i32>,
}

impl Calendar {
    /// Every `holidays/*.json` file (built-in and from the user's templates folder, so a
    /// `2027.json` can be dropped in) plus the `[calendar]` setting of `rules.toml`.
    pub fn load(templates: &Templates) -> Result<Calendar, RulesError> {
        let mut files = Vec::new();
        for name in templates.list("holidays", "json") {
            if name == SCHEMA_FILE {
                continue;
            }
            let rel = format!("holidays/{name}");
            let text = templates.get_text(&rel)?;
            files.push((rel, text));
        }
        let rules_text = templates.get_text("rules.toml")?;
        let next_year_from = RulesData::parse(&rules_text)?.calendar.month_day()?;
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        Calendar::from_files(&refs, next_year_from)
    }

    /// Builds a calendar from `(file name, JSON text)` pairs; later files win on a date both
    /// list. Errors name the file and the entry.
    pub fn from_files(
        files: &[(&str, &str)],
        next_year_from: Option<(u32, u32)>,
    ) -> Result<Calendar, RulesError> {
        let mut cal = Calendar {
            next_year_from,
            ..Calendar::default()
        };
        for (name, text) in files {
            let file: HolidayFile =
                serde_json::from_str(text).map_err(|source| RulesError::HolidayFile {
                    file: name.to_string(),
                    source,
                })?;
            for (i, day) in file.days.iter().enumerate() {
                let date =
                    NaiveDate::parse_from_str(day.date.trim(), "%Y-%m-%d").map_err(|_| {
                        RulesError::HolidayDate {
                            file: name.to_string(),
                            day: i + 1,
                            value: day.date.clone(),
                        }
                    })?;
                cal.changes.insert(date, day.is_off_day);
                if day.is_off_day {
                    cal.names.insert(date, day.name.trim().to_string());
                } else {
                    cal.names.remove(&date);
                }
            }
            if !file.days.is_empty() {
                cal.known_years.insert(file.year);
            }
        }
        Ok(cal)
    }

    /// Sets from which month-day (`MM-DD`) a date also needs the next year's notice.
    pub fn with_next_year_from(mut self, month_day: &str) -> Result<Calendar, RulesError> {
        self.next_year_from = parse_month_day(month_day)?;
        Ok(self)
    }

    /// Years whose notice is known.
    pub fn known_years(&self) -> impl Iterator<Item = i32> + '_ {
        self.known_years.iter().copied()
    }

    /// The public-holiday closures that overlap `from..=to`, in date order, cut to that range.
    /// A run of days off is one closure while the days follow each other.
    pub fn closures(&self, from: NaiveDate, to: NaiveDate) -> Vec<Closure> {
        let mut out: Vec<Closure> = Vec::new();
        let mut day = from;
        while day <= to {
            if self.changes.get(&day) == Some(&true) {
                let follows = out.last().is_some_and(|c| c.last.succ_opt() == Some(day));
                match out.last_mut() {
                    Some(c) if follows => c.last = day,
                    _ => out.push(Closure {
                        name: self.names.get(&day).cloned().unwrap_or_default(),
                        first: day,
                        last: day,
                    }),
                }
            }
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
        out
    }

    /// Whether `date` is a working day. In a year without data this is Monday to Friday.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.changes.get(&date) {
            Some(off) => !off,
            None => !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// The years a judgement about `date` needs but has no data for: its own year, and the
    /// next year for the last days of December.
    pub fn missing_years(&self, date: NaiveDate) -> impl Iterator<Item = i32> + '_ {
        let year = date.year();
        let own = (!self.known_years.contains(&year)).then_some(year);
        let next = match self.next_year_from {
            Some(md) if (date.month(), date.day()) >= md => {
                let next = year.checked_add(1);
                next.filter(|y| !self.known_years.contains(y))
            }
            _ => None,
        };
        own.into_iter().chain(next)
    }

    /// Whether every year a judgement about `date` needs is known.
    pub fn has_data(&self, date: NaiveDate) -> bool {
        self.missing_years(date).next().is_none()
    }

    /// The `n`-th working day after `start` (`start` itself is not counted; `n = 0` gives
    /// `start`), with the years without data among the days looked at.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> WorkingDate {
        let mut missing = BTreeSet::new();
        let mut date = start;
        let mut counted = 0;
        while counted < n {
            let Some(next) = date.succ_opt() else { break };
            date = next;
            missing.extend(self.missing_years(date));
            if self.is_working_day(date) {
                counted += 1;
            }
        }
        WorkingDate {
            date,
            years_without_data: missing.into_iter().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn builtin() -> Calendar {
        Calendar::load(&Templates::builtin()).unwrap()
    }

    #[test]
    fn ships_every_year_of_holiday_cn_and_2027_is_empty() {
        let cal = builtin();
        let years: Vec<i32> = cal.known_years().collect();
        assert_eq!(years, (2007..=2026).collect::<Vec<_>>());
        assert!(!cal.has_data(d(2027, 3, 1)));
        assert!(cal.has_data(d(2026, 3, 1)));
    }

    #[test]
    fn weekends_holidays_and_make_up_days() {
        let cal = builtin();
        // Ordinary weekday and weekend.
        assert!(cal.is_working_day(d(2026, 3, 10)));
        assert!(!cal.is_working_day(d(2026, 3, 14)));
        // Spring Festival 2026: 15-23 February off, Saturday 14 and Saturday 28 worked.
        assert!(!cal.is_working_day(d(2026, 2, 16)));
        assert!(!cal.is_working_day(d(2026, 2, 23)));
        assert!(cal.is_working_day(d(2026, 2, 14)));
        assert!(cal.is_working_day(d(2026, 2, 28)));
        // National Day 2026 on a weekday, make-up Sunday 20 September.
        assert!(!cal.is_working_day(d(2026, 10, 1)));
        assert!(cal.is_working_day(d(2026, 9, 20)));
        // A make-up day listed in the next year's file (2019.json lists 2018-12-29).
        assert!(cal.is_working_day(d(2018, 12, 29)));
        assert!(!cal.is_working_day(d(2018, 12, 31)));
    }

    #[test]
    fn adding_working_days_across_spring_festival_counts_make_up_saturday() {
        let cal = builtin();
        // Thursday 12 Feb 2026 + 5: Fri 13, Sat 14 (调休), then Tue 24, Wed 25, Thu 26.
        let r = cal.add_working_days(d(2026, 2, 12), 5);
        assert_eq!(r.date, d(2026, 2, 26));
        assert!(r.years_without_data.is_empty());
        // Friday 13 Feb + 1 is the make-up Saturday 14.
        assert_eq!(cal.add_working_days(d(2026, 2, 13), 1).date, d(2026, 2, 14));
        // Saturday 14 + 1 jumps the whole holiday to Tuesday 24.
        assert_eq!(cal.add_working_days(d(2026, 2, 14), 1).date, d(2026, 2, 24));
        // A weekend start counts from Monday; n = 0 stays put.
        assert_eq!(cal.add_working_days(d(2026, 3, 14), 1).date, d(2026, 3, 16));
        assert_eq!(cal.add_working_days(d(2026, 3, 14), 0).date, d(2026, 3, 14));
    }

    #[test]
    fn leap_day_is_an_ordinary_day() {
        let cal = builtin();
        // Thursday 29 Feb 2024 is a working day; + 1 is Friday 1 March.
        assert!(cal.is_working_day(d(2024, 2, 29)));
        assert_eq!(cal.add_working_days(d(2024, 2, 28), 1).date, d(2024, 2, 29));
        assert_eq!(cal.add_working_days(d(2024, 2, 29), 1).date, d(2024, 3, 1));
    }

    #[test]
    fn a_year_without_data_is_named_and_weekdays_are_used() {
        let cal = builtin();
        // Friday 8 Jan 2027 + 5 -> Friday 15 Jan (plain weekdays), warning for 2027.
        let r = cal.add_working_days(d(2027, 1, 8), 5);
        assert_eq!(r.date, d(2027, 1, 15));
        assert_eq!(r.years_without_data, vec![2027]);
        // Late December 2026 also needs the 2027 notice.
        let r = cal.add_working_days(d(2026, 12, 21), 3);
        assert_eq!(r.date, d(2026, 12, 24));
        assert!(r.years_without_data.is_empty());
        let r = cal.add_working_days(d(2026, 12, 24), 5);
        assert_eq!(r.date, d(2026, 12, 31));
        assert_eq!(r.years_without_data, vec![2027]);
    }

    #[test]
    fn a_dropped_in_2027_file_is_used() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("holidays")).unwrap();
        std::fs::write(
            tmp.path().join("holidays/2027.json"),
            r#"{"year": 2027, "papers": [], "days": [
                {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
                {"name": "春节", "date": "2027-01-11", "isOffDay": true}
            ]}"#,
        )
        .unwrap();
        let cal = Calendar::load(&Templates::with_dir(tmp.path())).unwrap();
        assert!(cal.has_data(d(2027, 6, 1)));
        assert!(!cal.is_working_day(d(2027, 1, 11)));
        let r = cal.add_working_days(d(2027, 1, 8), 1);
        assert_eq!(r.date, d(2027, 1, 12));
        assert!(r.years_without_data.is_empty());
        // 2028 is still unknown, and late December 2027 needs it.
        assert_eq!(
            cal.missing_years(d(2027, 12, 30)).collect::<Vec<_>>(),
            vec![2028]
        );
    }

    #[test]
    fn broken_files_are_named() {
        let err = Calendar::from_files(&[("holidays/x.json", "{")], None).unwrap_err();
        let err = err.to_string();
        assert!(err.contains("holidays/x.json"), "{err}");
        let err = Calendar::from_files(
            &[(
                "holidays/2030.json",
                r#"{"year": 2030, "papers": [], "days": [{"name": "x", "date": "2030/1/1", "isOffDay": true}]}"#,
            )],
            None,
        )
        .unwrap_err();
        let err = err.to_string();
        assert!(err.contains("day 1") && err.contains("2030/1/1"), "{err}");
    }

    #[test]
    fn next_year_check_can_be_turned_off() {
        let cal = builtin().with_next_year_from("").unwrap();
        assert!(cal.has_data(d(2026, 12, 31)));
        assert!(builtin().with_next_year_from("99-99").is_err());
    }

    #[test]
    fn closures_are_runs_of_days_off_with_their_names() {
        let cal = builtin();
        let c = cal.closures(d(2026, 1, 1), d(2026, 12, 31));
        let spring = c.iter().find(|c| c.name == "春节").unwrap();
        assert_eq!(
            (spring.first, spring.last),
            (d(2026, 2, 15), d(2026, 2, 23))
        );
        let national = c.iter().find(|c| c.name == "国庆节").unwrap();
        assert_eq!(national.first, d(2026, 10, 1));
        assert!(c.windows(2).all(|w| w[0].last < w[1].first));
        // Cut to the range asked for.
        let cut = cal.closures(d(2026, 2, 20), d(2026, 2, 21));
        assert_eq!(cut.len(), 1);
        assert_eq!(
            (cut[0].first, cut[0].last),
            (d(2026, 2, 20), d(2026, 2, 21))
        );
        // No data, no closures (never a guess).
        assert!(cal.closures(d(2027, 1, 1), d(2027, 12, 31)).is_empty());
    }

    #[test]
    fn the_end_of_dates_does_not_panic() {
        let cal = builtin();
        let r = cal.add_working_days(NaiveDate::MAX, 3);
        assert_eq!(r.date, NaiveDate::MAX);
    }
}
