//! The terminal's account of a run: the one line for a run that could not be done, and the
//! summary table of a finished run (the employees needing attention, the roster problems,
//! the counts per status), with passport numbers masked.

use crate::catalog::{Catalog, Lang};
use crate::issue::Issue;
use crate::model::mask_id;
use crate::outcome::{EmployeeOutcome, Outcomes};
use crate::report::{self, Summary};
use std::path::Path;

/// At most this many employees needing attention are listed on the terminal; the report
/// has them all.
const SUMMARY_LINES: usize = 40;

/// The one stderr line for a run that could not be done.
pub fn fatal_line(issue: &Issue, catalog: &Catalog, lang: Lang) -> String {
    let message = catalog.message(issue, lang);
    let action = catalog.action(issue, lang);
    let line = if action.is_empty() {
        format!("permitpack: {message}")
    } else {
        format!("permitpack: {message} {action}")
    };
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn place(issue: &Issue) -> String {
    let at = &issue.at;
    match (&at.sheet, &at.cell, at.row, &at.file) {
        (Some(s), Some(c), _, _) => format!("{s}!{c}"),
        (Some(s), None, Some(r), _) => format!("{s} row {r}"),
        (Some(s), None, None, _) => s.clone(),
        (None, Some(c), _, _) => c.clone(),
        (None, None, _, Some(f)) => f.clone(),
        _ => String::new(),
    }
}

/// Text padded (or cut with an ellipsis) to `width` terminal columns; Chinese characters
/// count as two.
fn cell(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let mut out = String::new();
    let mut used = 0;
    let total: usize = text.chars().map(|c| c.width().unwrap_or(0)).sum();
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if total > width && used + w + 1 > width {
            out.push('…');
            used += 1;
            break;
        }
        out.push(c);
        used += w;
    }
    out.push_str(&" ".repeat(width.saturating_sub(used)));
    out
}

/// Text right-aligned in `width` terminal columns.
fn rcell(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    let padded = cell(text, width);
    let body = padded.trim_end();
    let w = body.width();
    format!("{}{body}", " ".repeat(width.saturating_sub(w)))
}

/// `text` with every occurrence of the passport number masked.
fn mask_in(text: &str, passport: Option<&str>) -> String {
    match passport.filter(|p| p.len() > 3) {
        Some(p) => crate::model::mask_in(text, p),
        None => text.to_string(),
    }
}

/// One language for the terminal table: the report carries both.
fn one_lang(lang: Lang) -> Lang {
    if lang == Lang::Both { Lang::Zh } else { lang }
}

/// The terminal summary: a table of the employees (all of them for a small batch, else those
/// needing attention), passport numbers masked; the roster problems; the counts per status
/// and where the report is.
///
/// The outcomes are read once; only the few shown and (when there are roster problems) the
/// passport numbers to mask are kept.
pub fn summary<O: Outcomes + ?Sized>(
    outcomes: &O,
    sum: &Summary,
    roster_issues: &[Issue],
    report_path: &Path,
    catalog: &Catalog,
    lang: Lang,
) -> std::io::Result<String> {
    let one = one_lang(lang);
    let mut s = String::new();
    let show_all = outcomes.count() <= SUMMARY_LINES;
    let mut shown: Vec<EmployeeOutcome> = Vec::new();
    let mut not_ready = 0;
    let mut passports: Vec<String> = Vec::new();
    for o in outcomes.each() {
        let o = o?;
        not_ready += usize::from(!o.ready);
        if !roster_issues.is_empty() {
            passports.extend(
                o.employee
                    .passport_no
                    .as_deref()
                    .filter(|p| p.len() > 3)
                    .map(str::to_string),
            );
        }
        if show_all || (!o.ready && shown.len() < SUMMARY_LINES) {
            shown.push(o.into_owned());
        }
    }
    if !shown.is_empty() {
        let head = |k: &str| catalog.ui(&format!("ui.table.{k}"), one, &[]);
        s.push_str(&format!(
            "{}  {}{}{}{}{}\n",
            rcell(&head("row"), 5),
            cell(&head("name"), 26),
            cell(&head("passport"), 11),
            cell(&head("status"), 17),
            cell(&head("deadline"), 12),
            head("problem"),
        ));
        for o in &shown {
            let e = &o.employee;
            let passport = e.passport_no.as_deref().map(mask_id).unwrap_or_default();
            let name = e
                .name
                .as_deref()
                .or(e.chinese_name.as_deref())
                .unwrap_or("");
            let status = catalog.ui(
                &format!("ui.status.{}", report::status_key(o.status)),
                one,
                &[],
            );
            let deadline = o.deadline.map(|d| d.to_string()).unwrap_or_default();
            let first = o
                .issues
                .iter()
                .find(|i| i.is_error())
                .or_else(|| o.issues.first())
                .map(|i| {
                    let more = o.issues.len() - 1;
                    // A file named after the passport number must not show it in full.
                    let text = mask_in(&catalog.message(i, one), e.passport_no.as_deref());
                    if more > 0 {
                        format!("{text} (+{more})")
                    } else {
                        text
                    }
                })
                .unwrap_or_default();
            s.push_str(&format!(
                "{:>5}  {}{}{}{}{}\n",
                e.row,
                cell(name, 26),
                cell(&passport, 11),
                cell(&status, 17),
                cell(&deadline, 12),
                cell(&first, 70).trim_end(),
            ));
        }
        let hidden = not_ready.saturating_sub(shown.iter().filter(|o| !o.ready).count());
        if hidden > 0 {
            s.push_str(&format!(
                "       {}\n",
                catalog.ui("ui.run.more", one, &[("count", hidden.to_string())])
            ));
        }
    }
    if !roster_issues.is_empty() {
        // Roster problems may name files called after passport numbers.
        s.push_str(&catalog.ui("ui.run.roster_problems", one, &[]));
        s.push('\n');
        for i in roster_issues.iter().take(SUMMARY_LINES) {
            let place = place(i);
            let place = if place.is_empty() {
                String::new()
            } else {
                format!("{place}: ")
            };
            let line = format!("  - {place}{}\n", catalog.message(i, one));
            s.push_str(
                &passports
                    .iter()
                    .fold(line, |l, p| mask_in(&l, Some(p.as_str()))),
            );
        }
        if roster_issues.len() > SUMMARY_LINES {
            let more = (roster_issues.len() - SUMMARY_LINES).to_string();
            s.push_str(&format!(
                "  {}\n",
                catalog.ui("ui.run.more", one, &[("count", more)])
            ));
        }
    }
    let count = |st: crate::outcome::Status| sum.count(st).to_string();
    use crate::outcome::Status::*;
    s.push_str(&catalog.ui(
        "ui.run.summary",
        lang,
        &[
            ("total", sum.employees.to_string()),
            ("ready", count(Ready)),
            ("attention", count(Attention)),
            ("not_yet", count(NotYet)),
            ("too_late", count(TooLate)),
            ("packets", sum.packets.to_string()),
        ],
    ));
    s.push('\n');
    s.push_str(&catalog.ui(
        "ui.run.report_written",
        lang,
        &[("path", report_path.display().to_string())],
    ));
    s.push('\n');
    // Names and file names come from the roster and the folders: a control character in
    // them (ESC starting a terminal escape sequence, CR) must not reach the terminal.
    Ok(s.chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::Setup;
    use crate::run::{MemoryInputs, MemorySink, Run, RunInputs};
    use chrono::NaiveDate;
    use std::sync::Arc;

    const CSV: &str = "Name,Passport No,Nationality,Date of birth,Talent category,Position,Work permit expiry,Residence permit expiry\n\
                       Anna Nowak,EA1234567,Poland,1985-02-03,(六),Engineer,2027-01-10,2027-01-10\n\
                       Bob Lee,EA7654321,,1990-01-01,(一),Designer,soon,2027-01-10\n";

    #[test]
    fn summary_masks_passports() {
        let setup = Arc::new(Setup::load(None, "shenzhen-2inch").unwrap());
        let inputs = MemoryInputs::new("r.csv", CSV);
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let run = Run::load(RunInputs::new(setup.clone(), inputs, as_of)).unwrap();
        let done = run.check(&MemorySink::new(), &()).unwrap();
        let text = summary(
            done.outcomes(),
            &done.counts,
            &done.roster_issues,
            Path::new("out/report.html"),
            &setup.catalog,
            Lang::En,
        )
        .unwrap();
        assert!(!text.contains("EA7654321"), "{text}");
        assert!(text.contains("EA****321"), "{text}");
        assert!(text.contains("2 employees"), "{text}");
        assert!(text.contains("Needs attention"), "{text}");
        assert!(!done.all_ready);
    }

    #[test]
    fn control_characters_from_the_roster_never_reach_the_terminal() {
        let setup = Arc::new(Setup::load(None, "shenzhen-2inch").unwrap());
        let csv = CSV.replace("Anna Nowak", "\"Anna\u{1b}[2J\rNowak\"");
        let inputs = MemoryInputs::new("r.csv", csv);
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let run = Run::load(RunInputs::new(setup.clone(), inputs, as_of)).unwrap();
        let done = run.check(&MemorySink::new(), &()).unwrap();
        let text = summary(
            done.outcomes(),
            &done.counts,
            &done.roster_issues,
            Path::new("out/report.html"),
            &setup.catalog,
            Lang::En,
        )
        .unwrap();
        assert!(text.contains("Anna[2JNowak"), "{text}");
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{text:?}"
        );
    }
}
