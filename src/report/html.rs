//! report.html: one self-contained page for people (no network, no script: a
//! Content-Security-Policy forbids both), readable on a phone and on paper. A summary of the
//! four statuses, an overview table, then one card per employee with the photo preview
//! (a `data:` URI), the dates, the documents (missing ones in red), every problem with where
//! it is and what to do, and a link to the packet. The markup is written with `maud`, which
//! escapes every text and attribute value; only the catalog's bilingual fragments (already
//! escaped) and the style sheet (made safe by [`css_safe`]) go in as they are. The style
//! sheet is the editable template `report.css`.
//!
//! The page is streamed: the overview's rows and the cards are written one at a time, so the
//! tags around them (`<html>`, `<body>`, `<main>`, the overview table, the cards' section) are
//! opened and closed as plain text around the `maud` fragments.
//!
//! Passport numbers: the overview and card headers show them masked (`E1****678`), since
//! this page is what gets shown on a screen or projected in a meeting; the full number sits
//! in a closed `<details>` element of the card for matching against the passport itself (the
//! file is an output like the packets, which hold the passport scans anyway).

use super::{RunInfo, STATUSES, Summary, Texts, fmt_years, status_key};
use crate::catalog::{Catalog, Lang};
use crate::issue::{Issue, Severity};
use crate::model::mask_id;
use crate::outcome::{ChecklistLine, EmployeeOutcome, ItemStatus, Outcomes, PhotoLine};
use crate::rules::RenewalCalendar;
use maud::{Markup, PreEscaped, html};
use std::fmt::Write as _;
use std::io::{self, Write};

/// The page's own policy: nothing from the network, no script, inline style only.
const CSP: &str = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; \
                   base-uri 'none'; form-action 'none'";

/// Streams report.html into `w`: the outcomes are read one at a time (twice: the overview
/// table, then the cards), and each card, with its photo preview, is written as soon as it
/// is built, so the page is never whole in memory.
pub fn write<W: Write, O: Outcomes + ?Sized>(
    w: W,
    run: &RunInfo,
    outcomes: &O,
    catalog: &Catalog,
    css: &str,
) -> io::Result<()> {
    let sum = Summary::read(outcomes, &run.roster_issues)?;
    write_with(w, run, outcomes, &sum, catalog, css, None)
}

/// [`write`] with the summary already counted, and the renewal timeline
/// ([`super::timeline`]) after the overview when `cal` is given.
pub(crate) fn write_with<W: Write, O: Outcomes + ?Sized>(
    mut w: W,
    run: &RunInfo,
    outcomes: &O,
    sum: &Summary,
    catalog: &Catalog,
    css: &str,
    cal: Option<&RenewalCalendar>,
) -> io::Result<()> {
    let h = Html {
        t: Texts::new(catalog, run.lang),
    };
    let html_lang = if h.lang() == Lang::En { "en" } else { "zh-CN" };
    write!(w, "<!DOCTYPE html><html lang=\"{html_lang}\">")?;
    w.write_all(h.head(run, css).0.as_bytes())?;
    w.write_all(b"<body>")?;
    w.write_all(h.top(run).0.as_bytes())?;
    w.write_all(b"<main>")?;
    w.write_all(h.summary(sum).0.as_bytes())?;
    if !run.roster_issues.is_empty() {
        w.write_all(h.roster_issues(&run.roster_issues).0.as_bytes())?;
    }
    h.overview(&mut w, outcomes)?;
    if let Some(cal) = cal.filter(|_| outcomes.count() > 0) {
        super::timeline::write(&mut w, &h.t, run.as_of, outcomes, cal)?;
    }
    w.write_all(b"<section class=\"cards\">")?;
    for o in outcomes.each() {
        let o = o?;
        w.write_all(h.card(&o).0.as_bytes())?;
    }
    w.write_all(b"</section></main>")?;
    w.write_all(h.foot(run).0.as_bytes())?;
    w.write_all(b"</body></html>\n")?;
    w.flush()
}

/// report.html in memory.
pub fn render<O: Outcomes + ?Sized>(
    run: &RunInfo,
    outcomes: &O,
    catalog: &Catalog,
    css: &str,
) -> String {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = write(&mut out, run, outcomes, catalog, css);
    String::from_utf8(out).unwrap_or_default()
}

struct Html<'a> {
    t: Texts<'a>,
}

impl Html<'_> {
    fn lang(&self) -> Lang {
        self.t.lang
    }

    /// A `ui.*` string as HTML: `both` gives Chinese, then English in a lighter line.
    fn ui(&self, key: &str) -> Markup {
        self.ui_args(key, &[])
    }

    fn ui_args(&self, key: &str, args: &[(&str, String)]) -> Markup {
        let (zh, en) = self.t.pair(key, args);
        self.bi(&zh, &en)
    }

    /// Two versions of a text as HTML, by language.
    fn bi(&self, zh: &str, en: &str) -> Markup {
        let (text, english) = match self.lang() {
            Lang::Zh if !zh.is_empty() => (zh, None),
            Lang::En if !en.is_empty() => (en, None),
            _ if zh.is_empty() => (en, None),
            _ if en.is_empty() || zh == en || self.lang() != Lang::Both => (zh, None),
            _ => (zh, Some(en)),
        };
        html! {
            (text)
            @if let Some(en) = english { span.en lang="en" { (en) } }
        }
    }

    fn head(&self, run: &RunInfo, css: &str) -> Markup {
        html! {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta http-equiv="Content-Security-Policy" content=(CSP);
                meta name="referrer" content="no-referrer";
                meta name="generator" content={ "permitpack " (run.tool_version) };
                title { (self.t.ui("ui.report.title")) " · " (run.as_of) }
                style { "\n" (PreEscaped(css_safe(css))) "\n" }
            }
        }
    }

    /// The page's header: title, as-of date, company, roster, the privacy note.
    fn top(&self, run: &RunInfo) -> Markup {
        let company = self.bi(
            run.company.name_zh.as_deref().unwrap_or(""),
            run.company.name_en.as_deref().unwrap_or(""),
        );
        html! {
            header.top #top {
                h1 { (self.ui("ui.report.title")) }
                dl.meta {
                    div {
                        dt { (self.ui("ui.word.as_of")) }
                        dd { time datetime=(run.as_of) { (run.as_of) } }
                    }
                    @if !company.0.is_empty() {
                        div { dt { (self.ui("ui.report.company")) } dd { (company) } }
                    }
                    div {
                        dt { (self.ui("ui.report.roster")) }
                        dd {
                            (run.roster)
                            @if let Some(sheet) = &run.sheet { " · " (sheet) }
                        }
                    }
                }
                p.privacy { (self.ui("ui.report.privacy")) }
            }
        }
    }

    fn summary(&self, sum: &Summary) -> Markup {
        let totals = [
            ("ui.summary.total", sum.employees),
            ("ui.summary.packets", sum.packets),
            ("ui.summary.errors", sum.errors),
            ("ui.summary.warnings", sum.warnings),
        ];
        html! {
            section.summary #summary {
                div.tiles {
                    @for st in STATUSES {
                        @let key = status_key(st);
                        div class={ "tile s-" (key) } {
                            span.n { (sum.count(st)) }
                            span.label { (self.ui(&format!("ui.status.{key}"))) }
                            p.hint { (self.ui(&format!("ui.status_hint.{key}"))) }
                        }
                    }
                }
                ul.totals {
                    @for (key, n) in totals { li { b { (n) } " " (self.ui(key)) } }
                }
            }
        }
    }

    fn roster_issues(&self, issues: &[Issue]) -> Markup {
        html! {
            section.roster-issues {
                h2 { (self.ui("ui.report.roster_issues")) }
                (self.issue_list(issues))
            }
        }
    }

    /// The overview table, streamed row by row.
    fn overview<W: Write, O: Outcomes + ?Sized>(&self, w: &mut W, outcomes: &O) -> io::Result<()> {
        let title = html! { h2 { (self.ui("ui.report.overview")) } };
        write!(w, "<section class=\"overview\" id=\"overview\">{}", title.0)?;
        if outcomes.count() == 0 {
            let empty = html! { p.empty { (self.ui("ui.report.no_employees")) } };
            return write!(w, "{}</section>", empty.0);
        }
        let columns = [
            ("ui.col.row", "num opt-phone"),
            ("ui.col.name", ""),
            ("ui.col.passport", "opt"),
            ("ui.col.status", ""),
            ("ui.col.deadline", ""),
            ("ui.col.missing", "num"),
            ("ui.col.errors", "num opt"),
        ];
        let head = html! {
            thead { tr { @for (key, class) in columns { th class=(class) { (self.ui(key)) } } } }
        };
        write!(w, "<div class=\"table-wrap\"><table>{}<tbody>", head.0)?;
        for o in outcomes.each() {
            let o = o?;
            w.write_all(self.overview_row(&o).0.as_bytes())?;
        }
        w.write_all(b"</tbody></table></div></section>")
    }

    fn overview_row(&self, o: &EmployeeOutcome) -> Markup {
        let e = &o.employee;
        let key = status_key(o.status);
        let missing = o.missing_items().filter(|l| !l.optional).count();
        let errors = o.error_count();
        html! {
            tr class={ "s-" (key) } {
                td.num.opt-phone { (e.row) }
                td { a href={ "#e-" (e.row) } { (self.display_name(o)) } }
                td.opt.mono { @if let Some(p) = &e.passport_no { (mask_id(p)) } }
                td { span class={ "badge s-" (key) } { (self.ui(&format!("ui.status.{key}"))) } }
                td.date { @if let Some(d) = o.deadline { (d) } }
                td.num.bad[missing > 0] { (missing) }
                td.num.opt.bad[errors > 0] { (errors) }
            }
        }
    }

    fn display_name(&self, o: &EmployeeOutcome) -> Markup {
        let e = &o.employee;
        html! {
            @match (&e.name, &e.chinese_name) {
                (Some(n), Some(z)) if !z.is_empty() => { (n) " " span.zh-name { (z) } }
                (Some(n), _) => { (n) }
                (None, Some(z)) => { (z) }
                (None, None) => { (self.ui_args("ui.loc.row", &[("row", e.row.to_string())])) }
            }
        }
    }

    fn card(&self, o: &EmployeeOutcome) -> Markup {
        let e = &o.employee;
        let key = status_key(o.status);
        html! {
            article class={ "card s-" (key) } id={ "e-" (e.row) } {
                header {
                    div.who {
                        h2 { (self.display_name(o)) }
                        p.sub { (self.card_facts(o)) }
                        @if let Some(p) = &e.passport_no {
                            details.pp {
                                summary { (self.ui("ui.html.show_passport")) }
                                span.mono { (p) }
                            }
                        }
                    }
                    span class={ "badge s-" (key) } { (self.ui(&format!("ui.status.{key}"))) }
                }
                div.body {
                    (self.photo(o.photo.as_ref()))
                    dl.facts {
                        @for (label, value, class) in self.dates(o) {
                            div class=(class) { dt { (self.ui(label)) } dd { (value) } }
                        }
                    }
                }
                @if !o.checklist.is_empty() {
                    h3 { (self.ui("ui.html.documents")) }
                    ul.checklist { @for line in &o.checklist { (self.checklist_line(line)) } }
                }
                @if !o.uploads.is_empty() {
                    h3 { (self.ui("ui.html.uploads")) }
                    div.table-wrap { table.uploads {
                        tr {
                            th { (self.ui("ui.col.upload_file")) }
                            th { (self.ui("ui.col.pages")) }
                            th { (self.ui("ui.col.size")) }
                            th { (self.ui("ui.col.made_from")) }
                        }
                        @for u in &o.uploads {
                            @let size = crate::outcome::size_text(u.bytes);
                            tr {
                                td.mono { (u.entry) }
                                td.num { (u.pages) }
                                td.num {
                                    @if u.within_budget { (size) } @else { span.over { (size) " ✗" } }
                                }
                                td.files { (u.files.join(", ")) }
                            }
                        }
                    } }
                }
                h3 { (self.ui("ui.html.issues")) }
                @if o.issues.is_empty() {
                    p.none { (self.ui("ui.html.no_issues")) }
                } @else {
                    (self.issue_list(&o.issues))
                }
                footer {
                    @match &o.packet {
                        Some(p) => {
                            a.packet href={ "packets/" (percent_encode(p)) } {
                                (self.ui("ui.html.download")) span.file.mono { (p) }
                            }
                        }
                        None => { p.no-packet { (self.ui("ui.html.no_packet")) } }
                    }
                    a.top-link href="#overview" { (self.ui("ui.html.back_to_top")) }
                }
            }
        }
    }

    /// The line under a card's name: masked passport, nationality, category, roster row.
    fn card_facts(&self, o: &EmployeeOutcome) -> Markup {
        let e = &o.employee;
        let mut facts = Vec::new();
        if let Some(p) = &e.passport_no {
            facts.push(html! { span.mono { (mask_id(p)) } });
        }
        if let Some(n) = &e.nationality {
            facts.push(html! { (n) });
        }
        if let Some(c) = e.category {
            facts.push(html! { (c.key()) " " (c.label_zh()) });
        } else if let Some(raw) = &e.category_raw {
            facts.push(html! { (raw) });
        }
        facts.push(self.ui_args("ui.loc.row", &[("row", e.row.to_string())]));
        html! {
            @for (i, f) in facts.iter().enumerate() { @if i > 0 { " · " } (f) }
        }
    }

    /// The card's dates and figures: `(label, value, class)`, the empty ones left out.
    fn dates(&self, o: &EmployeeOutcome) -> Vec<(&'static str, Markup, &'static str)> {
        let e = &o.employee;
        let date = |d: Option<chrono::NaiveDate>| d.map(|d| html! { (d) });
        let mut out = vec![(
            "ui.col.window",
            Some(self.ui(&format!("ui.window.{}", o.window_state.as_str()))),
            "",
        )];
        if let Some(d) = o.days_left {
            let (k, n) = if d >= 0 {
                ("ui.days.left", d)
            } else {
                ("ui.days.over", -d)
            };
            let class = if d < 0 { "bad" } else { "" };
            let value = self.ui_args(k, &[("n", n.to_string())]);
            out.push(("ui.col.days_left", Some(value), class));
        }
        out.push(("ui.col.window_opens", date(o.window_opens), ""));
        out.push(("ui.col.deadline", date(o.deadline), "strong"));
        out.push(("ui.col.wp_expiry", date(e.work_permit_expiry), ""));
        out.push(("ui.col.rp_expiry", date(e.residence_permit_expiry), ""));
        if let Some(y) = o.term_years {
            let value = self.ui_args("ui.unit.years", &[("n", fmt_years(y))]);
            out.push(("ui.col.term", Some(value), ""));
        }
        if let Some(fee) = o.fee_rmb {
            let value = self.ui_args("ui.unit.rmb", &[("n", fee.to_string())]);
            out.push(("ui.col.fee", Some(value), ""));
        }
        out.into_iter()
            .filter_map(|(label, value, class)| {
                value.filter(|v| !v.0.is_empty()).map(|v| (label, v, class))
            })
            .collect()
    }

    fn photo(&self, photo: Option<&PhotoLine>) -> Markup {
        let Some(p) = photo else {
            return html! {
                figure.photo.none {
                    div.placeholder {}
                    figcaption { (self.ui("ui.photo.none")) }
                }
            };
        };
        let (class, key) = if p.ok {
            ("ok", "ui.photo.ok")
        } else {
            ("bad", "ui.photo.failed")
        };
        let preview = p
            .preview
            .as_deref()
            .filter(|b| image_matches(&p.preview_mime, b));
        html! {
            figure class={ "photo " (class) } {
                @match preview {
                    Some(bytes) => {
                        img src={ "data:" (p.preview_mime) ";base64," (base64(bytes)) } alt=(p.file);
                    }
                    None => { div.placeholder {} }
                }
                figcaption { (self.ui(key)) span.file { (p.file) } }
            }
        }
    }

    fn checklist_line(&self, line: &ChecklistLine) -> Markup {
        let class = match line.status {
            ItemStatus::Missing if line.optional => "missing optional",
            ItemStatus::Missing => "missing",
            ItemStatus::Provided | ItemStatus::Generated => "done",
            ItemStatus::AfterBooking => "todo",
        };
        let missing = line.status == ItemStatus::Missing;
        let how = self.bi(&line.how_zh, &line.how_en);
        html! {
            li class=(class) {
                span.st { (self.ui(&format!("ui.item.{}", line.status.as_str()))) }
                span.item {
                    (self.bi(&line.name_zh, &line.name_en))
                    @if missing && line.optional { " " em { "(" (self.ui("ui.item.optional")) ")" } }
                    @if line.bring_original { " " span.orig { (self.ui("ui.item.bring_original")) } }
                    @if missing && !how.0.is_empty() { small.how { (how) } }
                    @if !line.files.is_empty() { small.files { (line.files.join(", ")) } }
                }
            }
        }
    }

    fn issue_list(&self, issues: &[Issue]) -> Markup {
        html! {
            ul.issues {
                @for issue in issues {
                    @let (class, sev) = match issue.severity {
                        Severity::Error => ("error", "ui.severity.error"),
                        Severity::Warning => ("warning", "ui.severity.warning"),
                    };
                    @let tx = self.t.catalog.text(issue);
                    @let place = where_short(issue);
                    @let action = self.bi(&tx.action_zh, &tx.action);
                    li class=(class) {
                        div.line {
                            span.sev { (self.ui(sev)) }
                            @if !place.is_empty() { span class="where mono" { (place) } }
                            code { (issue.code) }
                        }
                        p.msg { (self.bi(&tx.message_zh, &tx.message)) }
                        @if !action.0.is_empty() { p.act { (action) } }
                    }
                }
            }
        }
    }

    fn foot(&self, run: &RunInfo) -> Markup {
        let args = [
            ("version", run.tool_version.clone()),
            ("profile", run.photo_profile.clone()),
        ];
        html! {
            footer.bottom { p { (self.ui_args("ui.report.generated_by", &args)) } }
        }
    }
}

/// Where a problem is, compactly and language-neutral: `Staff!F5`, `Staff row 5`,
/// `photos/x.jpg`.
fn where_short(issue: &Issue) -> String {
    let mut parts = Vec::new();
    let sheet = issue.at.sheet.as_deref();
    match (&issue.at.cell, issue.at.row) {
        (Some(c), _) => parts.push(match sheet {
            Some(sh) => format!("{sh}!{c}"),
            None => c.clone(),
        }),
        (None, Some(r)) => parts.push(match sheet {
            Some(sh) => format!("{sh}:{r}"),
            None => format!("#{r}"),
        }),
        (None, None) => {
            if let Some(sh) = sheet {
                parts.push(sh.to_string());
            }
        }
    }
    if let Some(f) = &issue.at.file {
        parts.push(f.clone());
    }
    parts.join(" · ")
}

/// A style sheet made safe to inline in `<style>`: it cannot close the element.
fn css_safe(css: &str) -> String {
    css.replace("</", "<\\/")
}

/// Percent-encodes one path segment for an `href` (everything but unreserved characters).
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Whether preview bytes are an image of the announced type (only these may become a
/// `data:` URI).
fn image_matches(mime: &str, b: &[u8]) -> bool {
    match mime {
        "image/png" => b.starts_with(b"\x89PNG\r\n\x1a\n"),
        "image/jpeg" => b.starts_with(&[0xFF, 0xD8, 0xFF]),
        "image/gif" => b.starts_with(b"GIF8"),
        "image/webp" => b.len() > 12 && &b[..4] == b"RIFF" && &b[8..12] == b"WEBP",
        _ => false,
    }
}

/// Standard base64 with padding (RFC 4648).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(ALPHABET[(n >> 18) as usize & 63] as char);
        out.push(ALPHABET[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 {
            ALPHABET[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if chunk.len() > 2 {
            ALPHABET[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::markup::esc;
    use super::super::testdata;
    use super::*;
    use crate::assets::Templates;

    fn page(lang: Lang) -> String {
        let cat = Catalog::load(&Templates::builtin()).unwrap();
        let css = Templates::builtin()
            .get_text(super::super::CSS_TEMPLATE)
            .unwrap();
        render(&testdata::run(lang), &testdata::outcomes(), &cat, &css)
    }

    #[test]
    fn escaping() {
        assert_eq!(
            esc("<script>alert(1)</script> & \"x\" 'y'"),
            "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot; &#39;y&#39;"
        );
        assert_eq!(css_safe("a{}</style><script>"), "a{}<\\/style><script>");
    }

    #[test]
    fn hostile_names_never_become_markup() {
        let html = page(Lang::Both);
        assert!(!html.contains("<script"), "no script element anywhere");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot; =SUM(A1)")
        );
        // A preview whose bytes are not the announced image type is not embedded.
        assert!(!html.contains("data:text/html"));
        assert!(html.contains("data:image/png;base64,iVBORw0KGgo"));
        // The packet link is percent-encoded.
        assert!(html.contains("href=\"packets/_1_2_SCRIPT_ALERT_1_SCRIPT_%26_CO_%3DSUM_A1.zip\""));
        assert!(html.contains("href=\"packets/C01X00T47_M%C3%9CLLER_ANNA.zip\""));
    }

    #[test]
    fn self_contained_and_no_network() {
        let html = page(Lang::Both);
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("Content-Security-Policy"));
        for bad in [
            "http://",
            "https://",
            "<link",
            "@import",
            "url(",
            "src=\"http",
        ] {
            assert!(!html.contains(bad), "{bad}");
        }
        assert!(html.trim_end().ends_with("</html>"));
    }

    #[test]
    fn summary_cards_and_languages() {
        let both = page(Lang::Both);
        let outcomes = testdata::outcomes();
        assert_eq!(
            both.matches("<article class=\"card").count(),
            outcomes.len()
        );
        for o in &outcomes {
            assert!(both.contains(&format!("id=\"e-{}\"", o.employee.row)));
        }
        // Chinese first, then English.
        let zh = both.find("可以提交").unwrap();
        let en = both.find("Ready").unwrap();
        assert!(zh < en);
        assert!(both.contains("<html lang=\"zh-CN\">"));
        let en_only = page(Lang::En);
        assert!(!en_only.contains("可以提交"));
        assert!(en_only.contains("<html lang=\"en\">"));
        let zh_only = page(Lang::Zh);
        assert!(!zh_only.contains(">Ready<"));
        // Passport masked in the header, full in a details element.
        assert!(both.contains("E1****678"));
        assert!(both.contains("<details class=\"pp\">"));
        // The missing required item is marked.
        assert!(both.contains("<li class=\"missing\">"));
        assert!(both.contains("<li class=\"missing optional\">"));
        // Negative days are said as expired.
        assert!(en_only.contains("expired 3 days ago"));
    }

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (raw, enc) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(raw.as_bytes()), enc);
        }
        assert_eq!(base64(&[0xFB, 0xFF]), "+/8=");
    }

    #[test]
    fn percent_encoding_and_locations() {
        assert_eq!(percent_encode("a b#?%/ü"), "a%20b%23%3F%25%2F%C3%BC");
        let i = Issue::unlisted("x", Severity::Error)
            .sheet("Staff")
            .cell("C4")
            .file("photos/a.jpg");
        assert_eq!(where_short(&i), "Staff!C4 · photos/a.jpg");
        assert_eq!(
            where_short(&Issue::unlisted("x", Severity::Error).sheet("S").row(3)),
            "S:3"
        );
        assert_eq!(where_short(&Issue::unlisted("x", Severity::Error)), "");
    }

    #[test]
    fn deterministic() {
        assert_eq!(page(Lang::Both), page(Lang::Both));
    }
}
