//! report.ics: the renewal calendar (RFC 5545) HR imports into Outlook, WPS, Feishu, Google
//! or Apple Calendar. One all-day event per [`RenewalEvent`] of every employee, written with
//! the `icalendar` crate (content lines, escaping, folding at 75 octets, CRLF).
//!
//! What makes the file import everywhere, and update instead of duplicate on a re-import:
//! - one VCALENDAR with VERSION, PRODID, CALSCALE, METHOD:PUBLISH (Outlook opens it as a
//!   calendar, not as a meeting request) and X-WR-CALNAME (the name Google and Apple give the
//!   imported calendar);
//! - all-day events as `DTSTART;VALUE=DATE` with an exclusive `DTEND` the day after (Google
//!   refuses DTEND = DTSTART); TRANSP:TRANSPARENT so they never block anyone's free time;
//! - UID = a SHA-1 digest of the passport number (or the name when there is none) and the
//!   event kind, never the number itself: stable across runs, so a newer file replaces the
//!   events of an older one; SEQUENCE and DTSTAMP come from the as-of date, so the same
//!   inputs give the same bytes and a later run counts as the newer revision;
//! - lead-time reminders are events of their own (Google drops the alarms of imported
//!   events, Outlook keeps one): the deadline carries a single alarm, after every property.
//!
//! Nothing personal beyond the name: the passport number masked, no salary, no birth date.
//! The outcomes are read one at a time and each employee's events written at once.

use super::{RunInfo, Texts, join_lang};
use crate::catalog::{Catalog, Lang};
use crate::model::{Employee, mask_id};
use crate::outcome::{EmployeeOutcome, Outcomes};
use crate::rules::{EventKind, RenewalCalendar, RenewalEvent, WindowState};
use chrono::{Days, NaiveDate, TimeZone, Utc};
use icalendar::{Alarm, Component, EventLike, Property};
use sha1::{Digest, Sha1};
use std::collections::HashSet;
use std::io::{self, Write};

/// Names the producing program (RFC 5545 3.7.3); no version, so an upgrade alone does not
/// change the file.
pub const PRODID: &str = "-//permitpack//Permit renewal calendar//EN";

/// SEQUENCE counts days from this date to the as-of date.
const SEQUENCE_EPOCH: (i32, u32, u32) = (2020, 1, 1);

/// Streams report.ics into `w`.
pub fn write<W: Write, O: Outcomes + ?Sized>(
    mut w: W,
    run: &RunInfo,
    outcomes: &O,
    catalog: &Catalog,
    cal: &RenewalCalendar,
) -> io::Result<()> {
    let ics = Ics::new(run, catalog, cal);
    let head = ics.head();
    let end = "END:VCALENDAR\r\n";
    let body = head.strip_suffix(end).unwrap_or(&head);
    w.write_all(body.as_bytes())?;
    // A passport number twice in a roster (a copy-paste slip) must not give two people the
    // same UIDs: the later rows add their row. 16 bytes an employee stay in memory.
    let mut seen: HashSet<[u8; 16]> = HashSet::new();
    for o in outcomes.each() {
        let o = o?;
        let mut key = who_key(&o.employee);
        if !seen.insert(digest(&key)) {
            key = format!("{key}\0row:{}:{}", o.employee.sheet, o.employee.row);
        }
        for event in cal.events(&o.employee, run.as_of) {
            w.write_all(ics.event(&o, &key, event).as_bytes())?;
        }
    }
    w.write_all(end.as_bytes())?;
    w.flush()
}

/// report.ics in memory.
pub fn render<O: Outcomes + ?Sized>(
    run: &RunInfo,
    outcomes: &O,
    catalog: &Catalog,
    cal: &RenewalCalendar,
) -> io::Result<String> {
    let mut out = Vec::new();
    write(&mut out, run, outcomes, catalog, cal)?;
    String::from_utf8(out).map_err(io::Error::other)
}

struct Ics<'a> {
    run: &'a RunInfo,
    t: Texts<'a>,
    cal: &'a RenewalCalendar,
    stamp: chrono::DateTime<Utc>,
    sequence: u32,
}

impl<'a> Ics<'a> {
    fn new(run: &'a RunInfo, catalog: &'a Catalog, cal: &'a RenewalCalendar) -> Self {
        let midnight = run.as_of.and_hms_opt(0, 0, 0).unwrap_or_default();
        let (y, m, d) = SEQUENCE_EPOCH;
        let epoch = NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN);
        let days = run.as_of.signed_duration_since(epoch).num_days();
        Ics {
            run,
            t: Texts::new(catalog, run.lang),
            cal,
            stamp: Utc.from_utc_datetime(&midnight),
            sequence: u32::try_from(days.max(0)).unwrap_or(u32::MAX),
        }
    }

    /// The calendar's own lines, then `END:VCALENDAR`.
    fn head(&self) -> String {
        let company = join_lang(
            self.run.lang,
            self.run.company.name_zh.as_deref().unwrap_or(""),
            self.run.company.name_en.as_deref().unwrap_or(""),
        );
        let base = self.t.ui("ui.calendar.name");
        let name = if company.is_empty() {
            base
        } else {
            format!("{base} - {company}")
        };
        let mut c = icalendar::Calendar::empty();
        c.append_property(Property::new("VERSION", "2.0"))
            .append_property(Property::new("PRODID", PRODID))
            .append_property(Property::new("CALSCALE", "GREGORIAN"))
            .append_property(Property::new("METHOD", "PUBLISH"))
            // An X- property is written unescaped: keep it free of the separators.
            .append_property(Property::new("X-WR-CALNAME", unescaped_value(&name)));
        c.to_string()
    }

    /// One VEVENT, folded, CRLF-terminated.
    fn event(&self, o: &EmployeeOutcome, key: &str, event: RenewalEvent) -> String {
        let emp = &o.employee;
        let end = event
            .date
            .checked_add_days(Days::new(1))
            .unwrap_or(event.date);
        let mut e = icalendar::Event::new();
        e.uid(&uid_of(key, event.kind))
            .timestamp(self.stamp)
            .add_property(
                "LAST-MODIFIED",
                self.stamp.format("%Y%m%dT%H%M%SZ").to_string(),
            )
            .sequence(self.sequence)
            .starts(event.date)
            .ends(end)
            .summary(&plain(&self.title(emp, event.kind), true))
            .description(&plain(&self.description(o, event.kind), false))
            .add_property("TRANSP", "TRANSPARENT")
            .add_property("X-MICROSOFT-CDO-ALLDAYEVENT", "TRUE");
        if event.kind == EventKind::Deadline {
            let hours = self.cal.reminders.deadline_alarm_hours_before;
            let alarm = Alarm::display(
                &plain(&self.t.ui("ui.calendar.alarm"), true),
                -chrono::Duration::hours(i64::from(hours)),
            )
            .append_property(Property::new("TRIGGER", format!("-PT{hours}H")))
            // The crate gives every component a UID and a DTSTAMP, random and the clock's
            // when not set (RFC 9074 allows a UID on an alarm).
            .uid(&format!("alarm-{}", uid_of(key, event.kind)))
            .timestamp(self.stamp)
            .done();
            e.alarm(alarm);
        }
        // Writing into a String cannot fail.
        e.done().try_into_string().unwrap_or_default()
    }

    /// `续签窗口开启 Window opens: Alice SMITH` (one language with --lang zh|en).
    fn title(&self, emp: &Employee, kind: EventKind) -> String {
        let (zh, en) = self
            .t
            .pair(&format!("ui.calendar.{}", kind.key()), &days_arg(kind));
        let who = display_name(emp);
        match self.run.lang {
            Lang::Zh => format!("{zh}：{who}"),
            Lang::En => format!("{en}: {who}"),
            Lang::Both => format!("{zh} {en}: {who}"),
        }
    }

    fn description(&self, o: &EmployeeOutcome, kind: EventKind) -> String {
        let emp = &o.employee;
        let t = &self.t;
        let mut lines = Vec::new();
        let line = |key: &str, value: String| format!("{}: {value}", t.ui(key));
        lines.push(line("ui.calendar.status", t.status(o.status)));
        let elig = self.cal.judge(emp, self.run.as_of);
        if let (Some(opens), Some(deadline)) = (elig.window_opens, elig.deadline) {
            lines.push(line("ui.calendar.window", format!("{opens} - {deadline}")));
        }
        if let Some(d) = emp.work_permit_expiry {
            lines.push(line("ui.calendar.wp_expiry", d.to_string()));
        }
        if let Some(d) = emp.residence_permit_expiry {
            lines.push(line("ui.calendar.rp_expiry", d.to_string()));
        }
        if let Some(p) = &emp.passport_no {
            lines.push(line("ui.calendar.passport", mask_id(p)));
        }
        let missing = t.missing_items(o);
        if !missing.is_empty() {
            lines.push(line("ui.calendar.missing", missing));
        }
        let packet = match &o.packet {
            Some(p) => masked(p, emp.passport_no.as_deref()),
            None => t.ui("ui.calendar.no_packet"),
        };
        lines.push(line("ui.calendar.packet", packet));
        if kind == EventKind::CallNow
            || matches!(elig.state, WindowState::TooLate | WindowState::Expired)
        {
            let l = &self.cal.enquiry;
            let args = [
                ("wp_office_zh", l.work_permit.office_zh.clone()),
                ("wp_office_en", l.work_permit.office_en.clone()),
                ("wp_phone", l.work_permit.phone.clone()),
                ("rp_office_zh", l.residence_permit.office_zh.clone()),
                ("rp_office_en", l.residence_permit.office_en.clone()),
                ("rp_phone", l.residence_permit.phone.clone()),
            ];
            lines.push(t.catalog.ui("ui.calendar.call", t.lang, &args));
        }
        for issue in o
            .issues
            .iter()
            .filter(|i| i.code.starts_with("eligibility."))
        {
            let text = t.catalog.message(issue, t.lang);
            lines.push(format!("- {}", masked(&text, emp.passport_no.as_deref())));
        }
        lines.push(t.catalog.ui(
            "ui.calendar.source",
            t.lang,
            &[("date", self.run.as_of.to_string())],
        ));
        lines.join("\n")
    }
}

/// An event's title in the chosen language (`both`: Chinese, then English).
pub fn event_label(c: &Catalog, lang: Lang, kind: EventKind) -> String {
    let key = format!("ui.calendar.{}", kind.key());
    let args = days_arg(kind);
    let zh = c.ui(&key, Lang::Zh, &args);
    let en = c.ui(&key, Lang::En, &args);
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
        Lang::Both => format!("{zh} {en}"),
    }
}

/// A holiday's name in the chosen language; the notice's own name when no English one is
/// known.
pub fn holiday_name(c: &Catalog, lang: Lang, name: &str) -> String {
    let key = format!("ui.holiday.{name}");
    if c.contains(&key) {
        c.ui(&key, lang, &[])
    } else {
        name.to_string()
    }
}

/// `{days}` for the lead-time titles.
pub(crate) fn days_arg(kind: EventKind) -> Vec<(&'static str, String)> {
    match kind {
        EventKind::DaysLeft(n) => vec![("days", n.to_string())],
        EventKind::AgeDeadline(n) => vec![("age", n.to_string())],
        _ => Vec::new(),
    }
}

/// The employee as calendars show them: the passport name, else the Chinese name, else the
/// roster row.
pub(crate) fn display_name(emp: &Employee) -> String {
    emp.name
        .as_deref()
        .or(emp.chinese_name.as_deref())
        .map(str::to_string)
        .unwrap_or_else(|| format!("#{}", emp.row))
}

/// A stable UID: the digest of the passport number (the name, then the row, when there is
/// none) and the event kind.
pub fn uid(emp: &Employee, kind: EventKind) -> String {
    uid_of(&who_key(emp), kind)
}

/// Who an employee is for the UIDs.
fn who_key(emp: &Employee) -> String {
    match (&emp.passport_no, &emp.name) {
        (Some(p), _) => format!("passport:{p}"),
        (None, Some(n)) => format!("name:{n}"),
        (None, None) => format!("row:{}:{}", emp.sheet, emp.row),
    }
}

fn digest(text: &str) -> [u8; 16] {
    let mut h = Sha1::new();
    h.update(b"permitpack renewal event\0");
    h.update(text.as_bytes());
    let mut out = [0u8; 16];
    out.copy_from_slice(&h.finalize()[..16]);
    out
}

fn uid_of(key: &str, kind: EventKind) -> String {
    let hex: String = digest(&format!("{key}\0{}", kind.id()))
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{hex}@permitpack")
}

/// `text` with the passport number masked wherever it occurs (packet names contain it).
fn masked(text: &str, passport: Option<&str>) -> String {
    match passport.filter(|p| p.len() > 3) {
        Some(p) => text.replace(p, &mask_id(p)),
        None => text.to_string(),
    }
}

/// Text without control characters; line breaks stay unless `one_line`. The crate escapes
/// what is left.
fn plain(text: &str, one_line: bool) -> String {
    text.chars()
        .map(|c| match c {
            '\n' if !one_line => '\n',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}

/// A value for a property the crate writes unescaped (`X-WR-CALNAME`): one line, without the
/// `,` `;` `\` a reader would take for separators or escapes.
fn unescaped_value(text: &str) -> String {
    let spaced: String = plain(text, true)
        .chars()
        .map(|c| {
            if matches!(c, ',' | ';' | '\\') {
                ' '
            } else {
                c
            }
        })
        .collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::assets::Templates;
    use crate::report::testdata;
    use icalendar::{CalendarComponent, DatePerhapsTime};

    fn setup() -> (Catalog, RenewalCalendar) {
        let t = Templates::builtin();
        (
            Catalog::load(&t).unwrap(),
            RenewalCalendar::load(&t).unwrap(),
        )
    }

    /// Four of the report test outcomes (ready, the hostile name, not yet, expired without a
    /// passport number) with expiry dates that give each window state as of 2026-11-26: open
    /// (80 days), open (45 days, both reminders ahead), not yet, expired.
    pub(crate) fn outcomes() -> Vec<EmployeeOutcome> {
        let d = testdata::date;
        let dates = [
            (d(2027, 2, 14), d(2027, 6, 30)),
            (d(2027, 1, 10), d(2027, 1, 10)),
            (d(2027, 6, 12), d(2027, 9, 1)),
            (d(2026, 11, 23), d(2027, 3, 1)),
        ];
        let mut outcomes = testdata::outcomes();
        outcomes.retain(|o| [4, 6, 7, 10].contains(&o.employee.row));
        for (o, (wp, rp)) in outcomes.iter_mut().zip(dates) {
            o.employee.work_permit_expiry = Some(wp);
            o.employee.residence_permit_expiry = Some(rp);
            o.employee.date_of_birth = Some(d(1971, 4, 9));
        }
        outcomes
    }

    fn ics(lang: Lang) -> (String, Vec<EmployeeOutcome>, RunInfo) {
        let (cat, cal) = setup();
        let run = testdata::run(lang);
        let outcomes = outcomes();
        let text = render(&run, &outcomes, &cat, &cal).unwrap();
        (text, outcomes, run)
    }

    fn date_of(p: Option<DatePerhapsTime>) -> NaiveDate {
        match p {
            Some(DatePerhapsTime::Date(d)) => d,
            other => panic!("not an all-day date: {other:?}"),
        }
    }

    #[test]
    fn parsed_back_every_event_matches_the_event_list_field_by_field() {
        let (text, outcomes, run) = ics(Lang::Both);
        let (_, cal) = setup();
        let parsed: icalendar::Calendar = text.parse().expect("the icalendar parser reads it");
        assert_eq!(parsed.property_value("VERSION"), Some("2.0"));
        assert_eq!(parsed.property_value("PRODID"), Some(PRODID));
        assert_eq!(parsed.property_value("METHOD"), Some("PUBLISH"));
        assert!(
            parsed
                .property_value("X-WR-CALNAME")
                .is_some_and(|n| n.contains("Permit renewals"))
        );
        let events: Vec<&icalendar::Event> = parsed.events().collect();
        let mut expected = Vec::new();
        for o in &outcomes {
            for e in cal.events(&o.employee, run.as_of) {
                expected.push((o, e));
            }
        }
        assert!(expected.len() >= 5, "test data gives too few events");
        assert_eq!(events.len(), expected.len());
        assert_eq!(parsed.components.len(), expected.len());
        let mut alarms = 0;
        for (got, (o, want)) in events.iter().zip(&expected) {
            let start = date_of(got.get_start());
            let end = date_of(got.get_end());
            assert_eq!(start, want.date);
            assert_eq!(end, want.date.succ_opt().unwrap(), "DTEND is the day after");
            assert_eq!(got.get_uid(), Some(uid(&o.employee, want.kind).as_str()));
            assert_eq!(
                got.get_timestamp().unwrap().date_naive(),
                run.as_of,
                "DTSTAMP is the as-of date"
            );
            let summary = got.get_summary().unwrap();
            assert!(summary.ends_with(&display_name(&o.employee)), "{summary}");
            let description = got.get_description().unwrap();
            assert!(description.contains("Status"), "{description}");
            assert!(description.contains('\n'), "line breaks survive escaping");
            assert_eq!(got.property_value("TRANSP"), Some("TRANSPARENT"));
            let valarms: Vec<_> = got
                .components()
                .iter()
                .filter(|c| c.component_kind() == "VALARM")
                .collect();
            if want.kind == EventKind::Deadline {
                assert_eq!(valarms.len(), 1);
                assert_eq!(valarms[0].property_value("TRIGGER"), Some("-PT15H"));
                assert_eq!(valarms[0].property_value("ACTION"), Some("DISPLAY"));
                assert_eq!(
                    valarms[0].property_value("DTSTAMP"),
                    got.property_value("DTSTAMP"),
                    "no clock time anywhere"
                );
                alarms += 1;
            } else {
                assert!(valarms.is_empty());
            }
        }
        assert!(alarms > 0, "the test data has no deadline ahead");
        assert!(
            parsed
                .components
                .iter()
                .all(|c| matches!(c, CalendarComponent::Event(_)))
        );
    }

    #[test]
    fn the_wire_format_follows_rfc_5545() {
        let (text, _, _) = ics(Lang::Both);
        assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(text.ends_with("END:VEVENT\r\nEND:VCALENDAR\r\n"));
        assert_eq!(text.matches("BEGIN:VCALENDAR").count(), 1);
        // Every line ends in CRLF and is at most 75 octets; continuation lines start with a
        // space.
        for line in text.split("\r\n") {
            assert!(!line.contains('\n') && !line.contains('\r'), "{line:?}");
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        assert!(text.contains("\r\n "), "long descriptions are folded");
        assert!(text.contains("DTSTART;VALUE=DATE:"));
        assert!(text.contains("DTEND;VALUE=DATE:"));
        // Inside each event every property comes before the VALARM.
        for event in text.split("BEGIN:VEVENT\r\n").skip(1) {
            let event = event.split("END:VEVENT").next().unwrap();
            if let Some(at) = event.find("BEGIN:VALARM") {
                let after = &event[event.find("END:VALARM").unwrap()..];
                assert_eq!(
                    after.trim_end(),
                    "END:VALARM",
                    "a property after the VALARM"
                );
                assert!(event[..at].contains("UID:"));
                assert!(event[..at].contains("DTEND;VALUE=DATE:"));
            }
        }
    }

    #[test]
    fn the_same_inputs_give_the_same_bytes_and_uids_survive_a_new_as_of() {
        let (a, outcomes, run) = ics(Lang::Both);
        let (b, _, _) = ics(Lang::Both);
        assert_eq!(a, b);
        let (cat, cal) = setup();
        let mut later = run.clone();
        later.as_of = run.as_of.succ_opt().unwrap();
        let c = render(&later, &outcomes, &cat, &cal).unwrap();
        assert_ne!(a, c);
        let uids = |s: &str| -> Vec<String> {
            s.lines()
                .filter(|l| l.starts_with("UID:"))
                .map(str::to_string)
                .collect()
        };
        let (ua, uc) = (uids(&a), uids(&c));
        assert!(
            uc.iter().any(|u| ua.contains(u)),
            "a re-import finds its events"
        );
        let seq = |s: &str| -> u32 {
            s.lines()
                .find_map(|l| l.strip_prefix("SEQUENCE:"))
                .unwrap()
                .trim()
                .parse()
                .unwrap()
        };
        assert_eq!(seq(&c), seq(&a) + 1, "a later run is a newer revision");
    }

    #[test]
    fn no_passport_number_in_clear_and_nothing_else_personal() {
        let (cat, cal) = setup();
        let run = testdata::run(Lang::Both);
        let mut outcomes = outcomes();
        // A packet file named after the passport, as build writes it.
        for o in &mut outcomes {
            if let Some(p) = o.employee.passport_no.clone() {
                o.packet = Some(format!("{p}_{}.zip", display_name(&o.employee)));
            }
        }
        let text = render(&run, &outcomes, &cat, &cal).unwrap();
        let unfolded = text.replace("\r\n ", "");
        let mut checked = 0;
        for o in &outcomes {
            let e = &o.employee;
            if let Some(p) = &e.passport_no {
                assert!(!unfolded.contains(p.as_str()), "{p} in clear");
                checked += 1;
            }
            if let Some(b) = e.date_of_birth {
                assert!(!unfolded.contains(&b.to_string()), "birth date {b}");
                assert!(!unfolded.contains(&b.format("%Y%m%d").to_string()));
            }
            if let Some(s) = e.annual_salary {
                let yuan = (s.0 / 100).to_string();
                assert!(!unfolded.contains(&yuan), "salary {yuan}");
            }
        }
        assert!(checked > 0);
        assert!(unfolded.contains("****"), "masked numbers are shown");
    }

    #[test]
    fn a_passport_twice_in_the_roster_still_gives_unique_uids() {
        let (cat, cal) = setup();
        let run = testdata::run(Lang::En);
        let mut outcomes = outcomes();
        let first = outcomes[0].clone();
        let mut twin = first.clone();
        twin.employee.row = 40;
        twin.employee.name = Some("SMITH JANE".into());
        outcomes.push(twin);
        let text = render(&run, &outcomes, &cat, &cal).unwrap();
        let uids: Vec<&str> = text.lines().filter(|l| l.starts_with("UID:")).collect();
        let unique: HashSet<&str> = uids.iter().copied().collect();
        assert_eq!(unique.len(), uids.len(), "duplicate UIDs");
        // The first of the two keeps the UIDs it has without the twin.
        assert!(text.contains(&format!(
            "UID:{}",
            uid(&first.employee, EventKind::Deadline)
        )));
    }

    #[test]
    fn uids_differ_per_kind_and_hide_the_passport() {
        let emp = Employee {
            passport_no: Some("E12345678".into()),
            ..Employee::default()
        };
        let a = uid(&emp, EventKind::Deadline);
        let b = uid(&emp, EventKind::DaysLeft(14));
        let c = uid(&emp, EventKind::DaysLeft(7));
        assert!(a != b && b != c && a != c);
        assert!(!a.contains("12345678"));
        assert_eq!(a, uid(&emp, EventKind::Deadline));
        assert_eq!(a.len(), 32 + "@permitpack".len());
    }

    #[test]
    fn one_language_titles() {
        let (zh, _, _) = ics(Lang::Zh);
        let (en, _, _) = ics(Lang::En);
        assert!(zh.contains("SUMMARY:最后申请日："), "{zh}");
        assert!(en.contains("SUMMARY:Last day to file: "), "{en}");
        let (both, _, _) = ics(Lang::Both);
        assert!(both.contains("SUMMARY:最后申请日 Last day to file: "));
    }
}
