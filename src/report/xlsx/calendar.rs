//! The "Calendar" sheet of report.xlsx: one row per employee with the renewal dates, then
//! one column per month of the next 12 with what falls in it (window opens, lead-time
//! reminders, last day to file, expiry days, or "call now"); months inside the window are
//! filled with the status colour. The same events as report.ics, streamed row by row.

use super::{Formats, Sheet, sheet_name, status_index};
use crate::model::mask_id;
use crate::outcome::Outcomes;
use crate::report::Texts;
use crate::report::ics::{display_name, event_label};
use crate::rules::RenewalCalendar;
use crate::rules::events::next_month;
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{Color, Worksheet, XlsxError};

/// Months shown, from the as-of month.
const MONTHS: usize = 12;
/// Fixed columns before the months.
const FIXED: u16 = 8;

pub(super) fn sheet<O: Outcomes + ?Sized>(
    ws: &mut Worksheet,
    t: &Texts,
    f: &Formats,
    as_of: NaiveDate,
    outcomes: &O,
    cal: &RenewalCalendar,
    max_rows: u32,
) -> Result<(), XlsxError> {
    ws.set_name(sheet_name(t, "ui.calendar.sheet"))?;
    ws.set_tab_color(Color::RGB(0xD81B60));
    let first = NaiveDate::from_ymd_opt(as_of.year(), as_of.month(), 1).unwrap_or(as_of);
    let mut months = vec![first];
    while months.len() < MONTHS {
        match months.last().copied().and_then(next_month) {
            Some(m) => months.push(m),
            None => break,
        }
    }
    let end = months
        .last()
        .copied()
        .and_then(next_month)
        .unwrap_or(NaiveDate::MAX);
    let mut titles: Vec<String> = [
        "ui.col.row",
        "ui.col.name",
        "ui.col.passport",
        "ui.col.status",
        "ui.col.window_opens",
        "ui.col.deadline",
        "ui.col.wp_expiry",
        "ui.col.rp_expiry",
    ]
    .iter()
    .map(|k| t.ui(k))
    .collect();
    titles.extend(months.iter().map(|m| m.format("%Y-%m").to_string()));
    let mut s = Sheet::new(ws, titles.len()).capped(max_rows);
    s.header(&titles, &f.header, t.lang == crate::catalog::Lang::Both)?;
    let mut r = 0u32;
    for o in outcomes.each() {
        let o = o?;
        r += 1;
        let e = &o.employee;
        let si = status_index(o.status);
        let (tx, nm, dt) = (&f.text[si], &f.num[si], &f.date[si]);
        let elig = cal.judge(e, as_of);
        s.num(r, 0, Some(f64::from(e.row)), nm)?;
        s.text(r, 1, &display_name(e), tx)?;
        s.opt_text(r, 2, e.passport_no.as_deref().map(mask_id).as_deref(), tx)?;
        s.text(r, 3, &t.status(o.status), &f.status_cell(o.status))?;
        s.date(r, 4, elig.window_opens, dt)?;
        s.date(r, 5, elig.deadline, dt)?;
        s.date(r, 6, e.work_permit_expiry, dt)?;
        s.date(r, 7, e.residence_permit_expiry, dt)?;
        let events = cal.events(e, as_of);
        for (i, m) in months.iter().enumerate() {
            let next = next_month(*m).unwrap_or(end);
            let text: Vec<String> = events
                .iter()
                .filter(|ev| ev.date >= *m && ev.date < next)
                .map(|ev| {
                    format!(
                        "{} {}",
                        ev.date.format("%m-%d"),
                        event_label(t.catalog, t.lang, ev.kind)
                    )
                })
                .collect();
            let in_window = match (elig.window_opens, elig.deadline) {
                (Some(a), Some(b)) => a < next && b >= *m,
                _ => false,
            };
            let format = if in_window {
                &f.wrap[si]
            } else {
                &f.plain_wrap
            };
            let col = FIXED + i as u16;
            if text.is_empty() {
                s.blank(r, col, format)?;
            } else {
                s.text(r, col, &text.join("\n"), format)?;
            }
        }
    }
    let wide: Vec<u16> = (FIXED..FIXED + months.len() as u16).collect();
    s.note_cut(t, &f.plain_text)?;
    s.finish(r + 1, &wide)
}
