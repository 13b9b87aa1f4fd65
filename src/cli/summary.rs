//! The terminal's account of a run: the one line for a run that could not be done, and the
//! summary table of a finished run (the employees needing attention, the roster problems,
//! the counts per status), with passport numbers masked.

use super::table;
use crate::catalog::{Catalog, Lang};
use crate::issue::Issue;
use crate::outcome::Outcomes;
use crate::report::Summary;
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

/// The terminal summary: a table of the employees (all of them for a small batch, else those
/// needing attention) fitted to the terminal's width ([`table`]), the roster problems, the
/// counts per status and where the report is. Passport numbers from the roster are masked
/// wherever they appear, in any case; paths and file names the user typed are not.
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
    summary_fitted(
        outcomes,
        sum,
        roster_issues,
        report_path,
        catalog,
        lang,
        table::output_width(),
    )
}

/// [`summary`] for a terminal `width` columns wide.
pub fn summary_fitted<O: Outcomes + ?Sized>(
    outcomes: &O,
    sum: &Summary,
    roster_issues: &[Issue],
    report_path: &Path,
    catalog: &Catalog,
    lang: Lang,
    width: usize,
) -> std::io::Result<String> {
    let mut s = String::new();
    let show_all = outcomes.count() <= SUMMARY_LINES;
    let mut shown = Vec::new();
    let (mut not_ready, mut shown_not_ready) = (0, 0);
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
            shown_not_ready += usize::from(!o.ready);
            shown.push(table::Line::of(&o, catalog));
        }
    }
    s.push_str(&table::render(&shown, catalog, lang, width));
    let hidden = not_ready.saturating_sub(shown_not_ready);
    if hidden > 0 {
        s.push_str(&format!(
            "       {}\n",
            catalog.ui("ui.run.more", lang, &[("count", hidden.to_string())])
        ));
    }
    // Roster problems may name files called after an employee's passport number.
    let mask = |line: String| {
        passports
            .iter()
            .fold(line, |l, p| crate::model::mask_in(&l, p))
    };
    let mut tail =
        table::roster_problems(roster_issues, place, &mask, catalog, lang, SUMMARY_LINES);
    let count = |st: crate::outcome::Status| sum.count(st).to_string();
    use crate::outcome::Status::*;
    tail.push_str(&table::ui_lines(
        catalog,
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
    tail.push('\n');
    tail.push_str(&table::ui_lines(
        catalog,
        "ui.run.report_written",
        lang,
        &[("path", report_path.display().to_string())],
    ));
    tail.push('\n');
    s.push_str(&table::wrap(&tail, width));
    // Names and file names come from the roster and the folders: a control character in
    // them (ESC starting a terminal escape sequence, CR) must not reach the terminal.
    Ok(s.chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::{MemoryInputs, MemorySink, Run, RunInputs, Setup};
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
        assert!(text.contains("Anna"), "{text}");
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{text:?}"
        );
    }
}
