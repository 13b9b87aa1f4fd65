//! The renewal timeline of report.html: the next 12 months as one inline SVG (no script),
//! one row per employee with the application window as a bar coloured by status, the last
//! day to file marked, the permit expiry dotted, the public-holiday closures shaded and the
//! as-of date as a line. Rows are written as the outcomes are read, one at a time.

use super::markup::esc;
use super::{Texts, status_key};
use crate::catalog::Lang;
use crate::model::mask_id;
use crate::outcome::{Outcomes, Status};
use crate::report::ics::{display_name, holiday_name};
use crate::rules::events::next_month;
use crate::rules::{RenewalCalendar, WindowState};
use chrono::{Datelike, NaiveDate};
use std::fmt::Write as _;
use std::io::{self, Write};

/// The drawing's width in SVG units (names and chart), shown at its own size.
const WIDTH: f64 = 1000.0;
/// Left column for the names.
const LABEL: f64 = 210.0;
const HEADER: f64 = 30.0;
const ROW: f64 = 22.0;
/// Text size in SVG units; the drawings are shown at their own size, so also in CSS pixels.
const FONT: f64 = 12.0;
const MONTHS: usize = 12;

/// Bar colours by status, as the report's status colours.
fn color(status: Status) -> &'static str {
    match status {
        Status::Ready => "#2e7d32",
        Status::Attention => "#ef6c00",
        Status::NotYet => "#1565c0",
        Status::TooLate => "#c62828",
    }
}

/// The 12 months from the first day of the as-of month.
struct Scale {
    start: NaiveDate,
    end: NaiveDate,
    days: f64,
}

impl Scale {
    fn new(as_of: NaiveDate) -> Scale {
        let start = NaiveDate::from_ymd_opt(as_of.year(), as_of.month(), 1).unwrap_or(as_of);
        let end = (0..MONTHS)
            .try_fold(start, |d, _| next_month(d))
            .unwrap_or(NaiveDate::MAX);
        let days = end.signed_duration_since(start).num_days().max(1) as f64;
        Scale { start, end, days }
    }

    /// The x of the start of `date`'s day, clamped to the chart.
    fn x(&self, date: NaiveDate) -> f64 {
        let d = date.signed_duration_since(self.start).num_days() as f64;
        LABEL + (d.clamp(0.0, self.days) / self.days) * (WIDTH - LABEL - 8.0)
    }

    /// The x of the end of `date`'s day.
    fn x_end(&self, date: NaiveDate) -> f64 {
        self.x(date.succ_opt().unwrap_or(date))
    }

    fn contains(&self, date: NaiveDate) -> bool {
        date >= self.start && date < self.end
    }
}

/// Writes the timeline section: the names in a drawing of their own beside the chart, and
/// the chart in a box that scrolls sideways by itself on a narrow screen, drawn at its own
/// size (never shrunk to unreadable text). Both drawings share the row height, so the rows
/// line up.
pub(crate) fn write<W: Write, O: Outcomes + ?Sized>(
    w: &mut W,
    t: &Texts,
    as_of: NaiveDate,
    outcomes: &O,
    cal: &RenewalCalendar,
) -> io::Result<()> {
    let scale = Scale::new(as_of);
    let n = outcomes.count();
    let height = HEADER + ROW * n as f64 + 6.0;
    let mut s = String::with_capacity(8 * 1024);
    let _ = writeln!(
        s,
        "<section class=\"timeline\" id=\"timeline\">\n<h2>{}</h2>",
        ui_html(t, "ui.calendar.timeline")
    );
    // The names: a fixed column.
    let _ = writeln!(
        s,
        "<div class=\"timeline-box\"><svg class=\"timeline-names\" viewBox=\"0 0 {LABEL} {height}\" \
         width=\"{LABEL}\" height=\"{height}\" preserveAspectRatio=\"xMinYMin slice\" \
         aria-hidden=\"true\" font-size=\"{FONT}\">",
    );
    w.write_all(s.as_bytes())?;
    for (i, o) in outcomes.each().enumerate() {
        let o = o?;
        s.clear();
        let y = HEADER + ROW * i as f64;
        let emp = &o.employee;
        if i % 2 == 1 {
            stripe(&mut s, y, LABEL);
        }
        let passport = emp
            .passport_no
            .as_deref()
            .map(|p| format!(" {}", mask_id(p)))
            .unwrap_or_default();
        let name: String = display_name(emp).chars().take(24).collect();
        let _ = writeln!(
            s,
            "<text x=\"4\" y=\"{:.1}\" fill=\"#222\">{}<tspan class=\"pp\" fill=\"#777\">{}</tspan><title>#{} {} – {}</title></text>",
            y + 15.0,
            esc(&name),
            esc(&passport),
            emp.row,
            esc(&display_name(emp)),
            esc(&t.status(o.status)),
        );
        w.write_all(s.as_bytes())?;
    }
    s.clear();
    s.push_str("</svg>\n");
    // The chart, shifted left by the names' width so that its x are the scale's.
    let chart = WIDTH - LABEL;
    let _ = writeln!(
        s,
        "<div class=\"timeline-wrap\"><svg class=\"timeline-svg\" viewBox=\"{LABEL} 0 {chart} {height}\" \
         width=\"{chart}\" height=\"{height}\" role=\"img\" aria-label=\"{}\" font-size=\"{FONT}\">",
        esc(&t.ui("ui.calendar.timeline"))
    );
    let bottom = height - 2.0;
    // Holiday closures, under everything else.
    let last_day = scale.end.pred_opt().unwrap_or(scale.end);
    for c in cal.holidays.closures(scale.start, last_day) {
        let (x0, x1) = (scale.x(c.first), scale.x_end(c.last));
        let name = holiday(t, &c.name);
        let _ = writeln!(
            s,
            "<rect class=\"closure\" x=\"{x0:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" \
             fill=\"#f4c7c3\" fill-opacity=\"0.6\"><title>{} {} – {}</title></rect>",
            HEADER - 6.0,
            (x1 - x0).max(1.0),
            bottom - HEADER + 6.0,
            esc(&name),
            c.first,
            c.last
        );
    }
    // Months.
    let mut m = scale.start;
    while m < scale.end {
        let x = scale.x(m);
        let next = next_month(m).unwrap_or(scale.end);
        let label = if m.month() == 1 || m == scale.start {
            m.format("%Y-%m").to_string()
        } else {
            m.format("%m").to_string()
        };
        let _ = writeln!(
            s,
            "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{bottom:.1}\" stroke=\"#d0d0d0\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#555\">{label}</text>",
            HEADER - 6.0,
            (x + scale.x(next)) / 2.0,
            HEADER - 12.0,
        );
        m = next;
    }
    w.write_all(s.as_bytes())?;
    for (i, o) in outcomes.each().enumerate() {
        let o = o?;
        s.clear();
        let y = HEADER + ROW * i as f64;
        let emp = &o.employee;
        let elig = cal.judge(emp, as_of);
        if i % 2 == 1 {
            stripe(&mut s, y, WIDTH);
        }
        let mid = y + ROW / 2.0;
        // The markers of the row first (their x), so that a label is put beside them, never
        // under one.
        let mut marks: Vec<f64> = Vec::new();
        let mut shapes = String::new();
        for (date, key) in [
            (emp.work_permit_expiry, "ui.calendar.wp_expiry"),
            (emp.residence_permit_expiry, "ui.calendar.rp_expiry"),
        ] {
            if let Some(date) = date.filter(|d| scale.contains(*d)) {
                let x = scale.x(date) + (scale.x_end(date) - scale.x(date)) / 2.0;
                marks.push(x);
                let _ = writeln!(
                    shapes,
                    "<circle class=\"expiry\" cx=\"{x:.1}\" cy=\"{mid:.1}\" r=\"4\" fill=\"#fff\" stroke=\"#111\" \
                     stroke-width=\"1.5\"><title>{}: {date}</title></circle>",
                    esc(&t.ui(key)),
                );
            }
        }
        match (elig.state, elig.window_opens, elig.deadline) {
            (WindowState::Open | WindowState::NotYet, Some(opens), Some(deadline)) => {
                let (a, b) = (opens.max(scale.start), deadline.min(last_day));
                if a <= b && scale.contains(a) {
                    let (x0, x1) = (scale.x(a), scale.x_end(b));
                    let _ = writeln!(
                        s,
                        "<rect class=\"window {}\" x=\"{x0:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"10\" rx=\"3\" \
                         fill=\"{}\" fill-opacity=\"0.75\"><title>{}: {opens} – {deadline}</title></rect>",
                        status_key(o.status),
                        mid - 5.0,
                        (x1 - x0).max(2.0),
                        color(o.status),
                        esc(&t.ui("ui.calendar.window")),
                    );
                } else if opens >= scale.end {
                    let _ = writeln!(
                        s,
                        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#1565c0\">→ {opens}</text>",
                        WIDTH - 10.0,
                        y + 15.0
                    );
                }
                if scale.contains(deadline) {
                    let x = scale.x(deadline) + (scale.x_end(deadline) - scale.x(deadline)) / 2.0;
                    let _ = writeln!(
                        s,
                        "<path class=\"deadline\" d=\"M{x:.1} {:.1} l5 8 l-5 8 l-5 -8 z\" fill=\"#111\">\
                         <title>{}: {deadline}</title></path>",
                        mid - 8.0,
                        esc(&t.ui("ui.calendar.deadline")),
                    );
                }
            }
            (WindowState::TooLate | WindowState::Expired, _, _) => {
                let x = scale.x(as_of);
                let text = t.ui("ui.calendar.call_now");
                let at = place_label(x + 10.0, label_width(&text), &marks);
                let _ = writeln!(
                    s,
                    "<circle class=\"late\" cx=\"{x:.1}\" cy=\"{mid:.1}\" r=\"6\" fill=\"#c62828\"><title>{}</title></circle>\
                     <text class=\"late-label\" x=\"{at:.1}\" y=\"{:.1}\" fill=\"#c62828\">{}</text>",
                    esc(&text),
                    y + 15.0,
                    esc(&text),
                );
            }
            _ => {
                let text = t.ui("ui.calendar.no_dates");
                let at = place_label(LABEL + 4.0, label_width(&text), &marks);
                let _ = writeln!(
                    s,
                    "<text x=\"{at:.1}\" y=\"{:.1}\" fill=\"#777\" font-style=\"italic\">{}</text>",
                    y + 15.0,
                    esc(&text),
                );
            }
        }
        s.push_str(&shapes);
        w.write_all(s.as_bytes())?;
    }
    s.clear();
    let x = scale.x(as_of);
    let _ = writeln!(
        s,
        "<line class=\"today\" x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{bottom:.1}\" stroke=\"#d81b60\" \
         stroke-width=\"2\"><title>{}: {as_of}</title></line>\n</svg></div></div>",
        HEADER - 8.0,
        esc(&t.ui("ui.calendar.legend_today")),
    );
    s.push_str("<ul class=\"legend\">");
    for (swatch, key) in [
        (
            "<rect x=\"1\" y=\"3\" width=\"22\" height=\"10\" rx=\"3\" fill=\"#888\" fill-opacity=\"0.75\"/>",
            "ui.calendar.legend_window",
        ),
        (
            "<path d=\"M12 0 l5 8 l-5 8 l-5 -8 z\" fill=\"#111\"/>",
            "ui.calendar.legend_deadline",
        ),
        (
            "<circle cx=\"12\" cy=\"8\" r=\"4\" fill=\"#fff\" stroke=\"#111\" stroke-width=\"1.5\"/>",
            "ui.calendar.legend_expiry",
        ),
        (
            "<line x1=\"12\" y1=\"0\" x2=\"12\" y2=\"16\" stroke=\"#d81b60\" stroke-width=\"2\"/>",
            "ui.calendar.legend_today",
        ),
        (
            "<rect x=\"4\" y=\"0\" width=\"16\" height=\"16\" fill=\"#f4c7c3\"/>",
            "ui.calendar.legend_holiday",
        ),
    ] {
        let _ = write!(
            s,
            "<li><svg width=\"24\" height=\"16\" viewBox=\"0 0 24 16\" aria-hidden=\"true\">{swatch}</svg> {}</li>",
            esc(&t.ui(key))
        );
    }
    s.push_str("</ul>\n");
    let known: Vec<i32> = cal.holidays.known_years().collect();
    let missing: Vec<String> = (scale.start.year()..=last_day.year())
        .filter(|y| !known.contains(y))
        .map(|y| y.to_string())
        .collect();
    for year in missing {
        let _ = writeln!(
            s,
            "<p class=\"note\">{}</p>",
            esc(&t
                .catalog
                .ui("ui.plan.no_holiday_data", t.lang, &[("year", year)]))
        );
    }
    s.push_str("</section>\n");
    w.write_all(s.as_bytes())
}

/// A light band behind every other row, for the eye to follow a row across.
fn stripe(s: &mut String, y: f64, width: f64) {
    let _ = writeln!(
        s,
        "<rect x=\"0\" y=\"{y:.1}\" width=\"{width}\" height=\"{ROW}\" fill=\"#000\" \
         fill-opacity=\"0.03\"/>"
    );
}

/// About how wide a label is at [`FONT`]: Chinese characters are square, Latin letters
/// about half as wide.
fn label_width(text: &str) -> f64 {
    text.chars()
        .map(|c| if (c as u32) >= 0x2E80 { 1.0 } else { 0.56 })
        .sum::<f64>()
        * FONT
}

/// Where a label of `width` that would start at `x` goes so that no marker of the row (at the
/// x in `marks`, about 10 units wide) is under it: after the last marker it would cover.
fn place_label(x: f64, width: f64, marks: &[f64]) -> f64 {
    const CLEAR: f64 = 7.0;
    let mut at = x;
    let mut sorted = marks.to_vec();
    sorted.sort_by(f64::total_cmp);
    for m in sorted {
        if m + CLEAR > at && m - CLEAR < at + width {
            at = m + CLEAR + 2.0;
        }
    }
    at
}

/// A `ui.*` string as HTML, as the report's headings show it: with --lang both, Chinese
/// then English in a lighter span.
fn ui_html(t: &Texts, key: &str) -> String {
    if t.lang != Lang::Both {
        return esc(&t.ui(key));
    }
    let (zh, en) = t.pair(key, &[]);
    format!(
        "{}<span class=\"en\" lang=\"en\">{}</span>",
        esc(&zh),
        esc(&en)
    )
}

fn holiday(t: &Texts, name: &str) -> String {
    holiday_name(t.catalog, t.lang, name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::Templates;
    use crate::catalog::Catalog;
    use crate::report::testdata;

    fn render(as_of: NaiveDate) -> String {
        let templates = Templates::builtin();
        let cat = Catalog::load(&templates).unwrap();
        let cal = RenewalCalendar::load(&templates).unwrap();
        let outcomes = crate::report::ics::tests::outcomes();
        let t = Texts::new(&cat, Lang::En);
        let mut out = Vec::new();
        write(&mut out, &t, as_of, &outcomes, &cal).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn one_row_per_employee_with_window_deadline_today_and_holidays() {
        let s = render(testdata::date(2026, 11, 26));
        assert_eq!(s.matches("<svg class=\"timeline-svg\"").count(), 1);
        // The names in their own drawing beside the chart, with the same rows.
        assert_eq!(s.matches("<svg class=\"timeline-names\"").count(), 1);
        let names = &s[s.find("timeline-names").unwrap()..s.find("timeline-wrap").unwrap()];
        assert!(names.contains("E1****678") && !names.contains("class=\"window"));
        // Two open windows and one not yet (within 12 months), one call-now dot.
        assert_eq!(s.matches("<rect class=\"window").count(), 3, "{s}");
        assert_eq!(s.matches("<circle class=\"late\"").count(), 1);
        assert_eq!(s.matches("class=\"deadline\"").count(), 3);
        assert_eq!(s.matches("class=\"today\"").count(), 1);
        // 2026 has holiday data (New Year's Day 2027 has none): December has no closure,
        // so none is drawn and the missing year is said.
        assert!(s.contains("no public-holiday data for 2027"), "{s}");
        assert!(!s.contains("<script"), "no script, even from a name");
        assert!(s.contains("&lt;script&gt;"));
        assert!(!s.contains("E12345678") && s.contains("E1****678"));
        // A year with holiday data shades its closures.
        let s = render(testdata::date(2026, 1, 10));
        assert!(s.contains("<rect class=\"closure\""), "{s}");
        assert!(s.contains("Spring Festival 2026-02-15 – 2026-02-23"), "{s}");
    }

    #[test]
    fn labels_are_put_beside_the_markers_never_under_them() {
        assert_eq!(place_label(100.0, 50.0, &[]), 100.0);
        assert_eq!(place_label(100.0, 50.0, &[300.0, 20.0]), 100.0);
        let clear = |at: f64, width: f64, marks: &[f64]| {
            marks.iter().all(|m| m + 6.0 <= at || m - 6.0 >= at + width)
        };
        for marks in [
            vec![120.0],
            vec![120.0, 300.0],
            vec![160.0, 120.0],
            vec![104.0, 110.0, 149.0, 190.0],
        ] {
            let at = place_label(100.0, 50.0, &marks);
            assert!(at >= 100.0 && clear(at, 50.0, &marks), "{marks:?}: {at}");
        }
        assert!(label_width("已错过期限") > label_width("Too late"));
    }

    #[test]
    fn too_late_label_is_not_under_an_expiry_circle() {
        // An employee whose window closed with the permits expiring within days: the label
        // starts after the circles.
        let s = render(testdata::date(2026, 11, 26));
        let num = |tag: &str, attr: &str| -> Vec<f64> {
            s.split(tag)
                .skip(1)
                .filter_map(|rest| {
                    let v = rest.split(&format!("{attr}=\"")).nth(1)?;
                    v.split('"').next()?.parse().ok()
                })
                .collect()
        };
        let late = num("<circle class=\"late\"", "cy");
        let labels = num("<text class=\"late-label\"", "x");
        assert_eq!(late.len(), labels.len());
        for (cy, x) in late.iter().zip(&labels) {
            for row in s
                .split('\n')
                .filter(|l| l.starts_with("<circle class=\"expiry\""))
            {
                let f = |a: &str| -> f64 {
                    row.split(&format!("{a}=\""))
                        .nth(1)
                        .unwrap()
                        .split('"')
                        .next()
                        .unwrap()
                        .parse()
                        .unwrap()
                };
                if (f("cy") - cy).abs() < 0.1 {
                    let width = label_width("Too late: call the enquiry lines");
                    let cx = f("cx");
                    assert!(
                        cx + 4.0 < *x || cx - 4.0 > x + width,
                        "circle at {cx} under the label at {x}"
                    );
                }
            }
        }
    }
}
