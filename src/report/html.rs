//! report.html: one self-contained page for people (no network, no script: a
//! Content-Security-Policy forbids both), readable on a phone and on paper. A summary of the
//! four statuses, an overview table, then one card per employee with the photo preview
//! (a `data:` URI), the dates, the documents (missing ones in red), every problem with where
//! it is and what to do, and a link to the packet. All text is HTML-escaped. The style sheet
//! is the editable template `report.css`.
//!
//! Passport numbers: the overview and card headers show them masked (`E1****678`), since
//! this page is what gets shown on a screen or projected in a meeting; the full number sits
//! in a closed `<details>` element of the card for matching against the passport itself (the
//! file is an output like the packets, which hold the passport scans anyway).

use super::markup::esc;
use super::{RunInfo, STATUSES, Summary, Texts, fmt_years, status_key};
use crate::catalog::{Catalog, Lang};
use crate::issue::{Issue, Severity};
use crate::model::mask_id;
use crate::outcome::{ChecklistLine, EmployeeOutcome, ItemStatus, Outcomes, PhotoLine};
use crate::rules::RenewalCalendar;
use std::fmt::Write as _;
use std::io::{self, Write};

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
    w.write_all(h.head(run, css).as_bytes())?;
    w.write_all(h.summary(sum).as_bytes())?;
    if !run.roster_issues.is_empty() {
        w.write_all(h.roster_issues(&run.roster_issues).as_bytes())?;
    }
    h.overview(&mut w, outcomes)?;
    if let Some(cal) = cal.filter(|_| outcomes.count() > 0) {
        super::timeline::write(&mut w, &h.t, run.as_of, outcomes, cal)?;
    }
    w.write_all(b"<section class=\"cards\">\n")?;
    let mut buf = String::with_capacity(16 * 1024);
    for o in outcomes.each() {
        let o = o?;
        buf.clear();
        h.card(&mut buf, &o);
        w.write_all(buf.as_bytes())?;
    }
    w.write_all(b"</section>\n</main>\n")?;
    w.write_all(h.foot(run).as_bytes())?;
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
    fn ui(&self, key: &str) -> String {
        self.ui_args(key, &[])
    }

    fn ui_args(&self, key: &str, args: &[(&str, String)]) -> String {
        let (zh, en) = self.t.pair(key, args);
        self.bi(&zh, &en)
    }

    /// Two versions of a text as HTML, by language.
    fn bi(&self, zh: &str, en: &str) -> String {
        match self.lang() {
            Lang::Zh if !zh.is_empty() => esc(zh),
            Lang::En if !en.is_empty() => esc(en),
            _ if zh.is_empty() => esc(en),
            _ if en.is_empty() || zh == en || self.lang() != Lang::Both => esc(zh),
            _ => format!(
                "{}<span class=\"en\" lang=\"en\">{}</span>",
                esc(zh),
                esc(en)
            ),
        }
    }

    /// A plain-text label in the run's language (for `title` and `alt` attributes).
    fn plain(&self, key: &str) -> String {
        esc(&self.t.ui(key))
    }

    fn head(&self, run: &RunInfo, css: &str) -> String {
        let html_lang = if self.lang() == Lang::En {
            "en"
        } else {
            "zh-CN"
        };
        let title = self.plain("ui.report.title");
        let mut s = String::with_capacity(css.len() + 4096);
        let _ = write!(
            s,
            "<!DOCTYPE html>\n<html lang=\"{html_lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
             img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">\n\
             <meta name=\"referrer\" content=\"no-referrer\">\n\
             <meta name=\"generator\" content=\"permitpack {}\">\n\
             <title>{title} · {}</title>\n<style>\n{}\n</style>\n</head>\n<body>\n",
            esc(&run.tool_version),
            run.as_of,
            css_safe(css)
        );
        s.push_str("<header class=\"top\" id=\"top\">\n");
        let _ = writeln!(s, "<h1>{}</h1>", self.ui("ui.report.title"));
        s.push_str("<dl class=\"meta\">\n");
        let company = self.bi(
            run.company.name_zh.as_deref().unwrap_or(""),
            run.company.name_en.as_deref().unwrap_or(""),
        );
        let _ = writeln!(
            s,
            "<div><dt>{}</dt><dd><time datetime=\"{d}\">{d}</time></dd></div>",
            self.ui("ui.word.as_of"),
            d = run.as_of
        );
        if !company.is_empty() {
            let _ = writeln!(
                s,
                "<div><dt>{}</dt><dd>{company}</dd></div>",
                self.ui("ui.report.company")
            );
        }
        let roster = match &run.sheet {
            Some(sheet) => format!("{} · {}", esc(&run.roster), esc(sheet)),
            None => esc(&run.roster),
        };
        let _ = writeln!(
            s,
            "<div><dt>{}</dt><dd>{roster}</dd></div>",
            self.ui("ui.report.roster")
        );
        s.push_str("</dl>\n");
        let _ = writeln!(
            s,
            "<p class=\"privacy\">{}</p>",
            self.ui("ui.report.privacy")
        );
        s.push_str("</header>\n<main>\n");
        s
    }

    fn summary(&self, sum: &Summary) -> String {
        let mut s =
            String::from("<section class=\"summary\" id=\"summary\">\n<div class=\"tiles\">\n");
        for st in STATUSES {
            let key = status_key(st);
            let _ = writeln!(
                s,
                "<div class=\"tile s-{key}\"><span class=\"n\">{}</span>\
                 <span class=\"label\">{}</span><p class=\"hint\">{}</p></div>",
                sum.count(st),
                self.ui(&format!("ui.status.{key}")),
                self.ui(&format!("ui.status_hint.{key}")),
            );
        }
        s.push_str("</div>\n<ul class=\"totals\">\n");
        for (key, n) in [
            ("ui.summary.total", sum.employees),
            ("ui.summary.packets", sum.packets),
            ("ui.summary.errors", sum.errors),
            ("ui.summary.warnings", sum.warnings),
        ] {
            let _ = writeln!(s, "<li><b>{n}</b> {}</li>", self.ui(key));
        }
        s.push_str("</ul>\n</section>\n");
        s
    }

    fn roster_issues(&self, issues: &[Issue]) -> String {
        let mut s = String::from("<section class=\"roster-issues\">\n");
        let _ = writeln!(s, "<h2>{}</h2>", self.ui("ui.report.roster_issues"));
        self.issue_list(&mut s, issues);
        s.push_str("</section>\n");
        s
    }

    /// The overview table, streamed row by row.
    fn overview<W: Write, O: Outcomes + ?Sized>(&self, w: &mut W, outcomes: &O) -> io::Result<()> {
        let mut s = String::with_capacity(1024);
        s.push_str("<section class=\"overview\" id=\"overview\">\n");
        let _ = writeln!(s, "<h2>{}</h2>", self.ui("ui.report.overview"));
        if outcomes.count() == 0 {
            let _ = writeln!(
                s,
                "<p class=\"empty\">{}</p>",
                self.ui("ui.report.no_employees")
            );
            s.push_str("</section>\n");
            return w.write_all(s.as_bytes());
        }
        s.push_str("<div class=\"table-wrap\"><table>\n<thead><tr>");
        for (key, class) in [
            ("ui.col.row", "num opt-phone"),
            ("ui.col.name", ""),
            ("ui.col.passport", "opt"),
            ("ui.col.status", ""),
            ("ui.col.deadline", ""),
            ("ui.col.missing", "num"),
            ("ui.col.errors", "num opt"),
        ] {
            let _ = write!(s, "<th class=\"{class}\">{}</th>", self.ui(key));
        }
        s.push_str("</tr></thead>\n<tbody>\n");
        for o in outcomes.each() {
            let o = o?;
            w.write_all(s.as_bytes())?;
            s.clear();
            let e = &o.employee;
            let key = status_key(o.status);
            let missing = o.missing_items().filter(|l| !l.optional).count();
            let _ = writeln!(
                s,
                "<tr class=\"s-{key}\"><td class=\"num opt-phone\">{row}</td>\
                 <td><a href=\"#e-{row}\">{name}</a></td><td class=\"opt mono\">{pp}</td>\
                 <td><span class=\"badge s-{key}\">{status}</span></td><td class=\"date\">{deadline}</td>\
                 <td class=\"num{miss_class}\">{missing}</td><td class=\"num opt{err_class}\">{errors}</td></tr>",
                row = e.row,
                name = self.display_name(&o),
                pp = e
                    .passport_no
                    .as_deref()
                    .map(|p| esc(&mask_id(p)))
                    .unwrap_or_default(),
                status = self.ui(&format!("ui.status.{key}")),
                deadline = o.deadline.map(|d| d.to_string()).unwrap_or_default(),
                miss_class = if missing > 0 { " bad" } else { "" },
                errors = o.error_count(),
                err_class = if o.error_count() > 0 { " bad" } else { "" },
            );
        }
        s.push_str("</tbody></table></div>\n</section>\n");
        w.write_all(s.as_bytes())
    }

    fn display_name(&self, o: &EmployeeOutcome) -> String {
        let e = &o.employee;
        match (&e.name, &e.chinese_name) {
            (Some(n), Some(z)) if !z.is_empty() => {
                format!("{} <span class=\"zh-name\">{}</span>", esc(n), esc(z))
            }
            (Some(n), _) => esc(n),
            (None, Some(z)) => esc(z),
            (None, None) => self.ui_args("ui.loc.row", &[("row", e.row.to_string())]),
        }
    }

    fn card(&self, s: &mut String, o: &EmployeeOutcome) {
        let e = &o.employee;
        let key = status_key(o.status);
        let _ = writeln!(s, "<article class=\"card s-{key}\" id=\"e-{}\">", e.row);
        s.push_str("<header>\n<div class=\"who\">\n");
        let _ = writeln!(s, "<h2>{}</h2>", self.display_name(o));
        let mut facts = Vec::new();
        if let Some(p) = &e.passport_no {
            facts.push(format!("<span class=\"mono\">{}</span>", esc(&mask_id(p))));
        }
        if let Some(n) = &e.nationality {
            facts.push(esc(n));
        }
        if let Some(c) = e.category {
            facts.push(esc(&format!("{} {}", c.key(), c.label_zh())));
        } else if let Some(raw) = &e.category_raw {
            facts.push(esc(raw));
        }
        facts.push(self.ui_args("ui.loc.row", &[("row", e.row.to_string())]));
        let _ = writeln!(s, "<p class=\"sub\">{}</p>", facts.join(" · "));
        if let Some(p) = &e.passport_no {
            let _ = writeln!(
                s,
                "<details class=\"pp\"><summary>{}</summary><span class=\"mono\">{}</span></details>",
                self.ui("ui.html.show_passport"),
                esc(p)
            );
        }
        s.push_str("</div>\n");
        let _ = writeln!(
            s,
            "<span class=\"badge s-{key}\">{}</span>\n</header>",
            self.ui(&format!("ui.status.{key}"))
        );

        s.push_str("<div class=\"body\">\n");
        self.photo(s, o.photo.as_ref());
        s.push_str("<dl class=\"facts\">\n");
        let mut fact = |label: &str, value: String, class: &str| {
            if !value.is_empty() {
                let _ = writeln!(
                    s,
                    "<div class=\"{class}\"><dt>{}</dt><dd>{value}</dd></div>",
                    self.ui(label)
                );
            }
        };
        fact(
            "ui.col.window",
            self.ui(&format!("ui.window.{}", o.window_state.as_str())),
            "",
        );
        if let Some(d) = o.days_left {
            let (k, n) = if d >= 0 {
                ("ui.days.left", d)
            } else {
                ("ui.days.over", -d)
            };
            let class = if d < 0 { "bad" } else { "" };
            fact(
                "ui.col.days_left",
                self.ui_args(k, &[("n", n.to_string())]),
                class,
            );
        }
        let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        fact("ui.col.window_opens", date(o.window_opens), "");
        fact("ui.col.deadline", date(o.deadline), "strong");
        fact("ui.col.wp_expiry", date(e.work_permit_expiry), "");
        fact("ui.col.rp_expiry", date(e.residence_permit_expiry), "");
        if let Some(y) = o.term_years {
            fact(
                "ui.col.term",
                self.ui_args("ui.unit.years", &[("n", fmt_years(y))]),
                "",
            );
        }
        if let Some(fee) = o.fee_rmb {
            fact(
                "ui.col.fee",
                self.ui_args("ui.unit.rmb", &[("n", fee.to_string())]),
                "",
            );
        }
        s.push_str("</dl>\n</div>\n");

        if !o.checklist.is_empty() {
            let _ = writeln!(
                s,
                "<h3>{}</h3>\n<ul class=\"checklist\">",
                self.ui("ui.html.documents")
            );
            for line in &o.checklist {
                self.checklist_line(s, line);
            }
            s.push_str("</ul>\n");
        }

        if !o.uploads.is_empty() {
            let _ = writeln!(
                s,
                "<h3>{}</h3>\n<div class=\"table-wrap\"><table class=\"uploads\">\n<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
                self.ui("ui.html.uploads"),
                self.ui("ui.col.upload_file"),
                self.ui("ui.col.pages"),
                self.ui("ui.col.size"),
                self.ui("ui.col.made_from"),
            );
            for u in &o.uploads {
                let size = crate::outcome::size_text(u.bytes);
                let size = if u.within_budget {
                    esc(&size).to_string()
                } else {
                    format!("<span class=\"over\">{} ✗</span>", esc(&size))
                };
                let _ = writeln!(
                    s,
                    "<tr><td class=\"mono\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"files\">{}</td></tr>",
                    esc(&u.entry),
                    u.pages,
                    size,
                    esc(&u.files.join(", ")),
                );
            }
            s.push_str("</table></div>\n");
        }

        let _ = writeln!(s, "<h3>{}</h3>", self.ui("ui.html.issues"));
        if o.issues.is_empty() {
            let _ = writeln!(s, "<p class=\"none\">{}</p>", self.ui("ui.html.no_issues"));
        } else {
            self.issue_list(s, &o.issues);
        }

        s.push_str("<footer>\n");
        match &o.packet {
            Some(p) => {
                let _ = writeln!(
                    s,
                    "<a class=\"packet\" href=\"packets/{}\">{}<span class=\"file mono\">{}</span></a>",
                    percent_encode(p),
                    self.ui("ui.html.download"),
                    esc(p)
                );
            }
            None => {
                let _ = writeln!(
                    s,
                    "<p class=\"no-packet\">{}</p>",
                    self.ui("ui.html.no_packet")
                );
            }
        }
        let _ = writeln!(
            s,
            "<a class=\"top-link\" href=\"#overview\">{}</a>\n</footer>\n</article>",
            self.ui("ui.html.back_to_top")
        );
    }

    fn photo(&self, s: &mut String, photo: Option<&PhotoLine>) {
        let Some(p) = photo else {
            let _ = writeln!(
                s,
                "<figure class=\"photo none\"><div class=\"placeholder\"></div><figcaption>{}</figcaption></figure>",
                self.ui("ui.photo.none")
            );
            return;
        };
        let (class, key) = if p.ok {
            ("ok", "ui.photo.ok")
        } else {
            ("bad", "ui.photo.failed")
        };
        let _ = write!(s, "<figure class=\"photo {class}\">");
        match p
            .preview
            .as_deref()
            .filter(|b| image_matches(&p.preview_mime, b))
        {
            Some(bytes) => {
                let _ = write!(
                    s,
                    "<img src=\"data:{};base64,{}\" alt=\"{}\">",
                    p.preview_mime,
                    base64(bytes),
                    esc(&p.file)
                );
            }
            None => s.push_str("<div class=\"placeholder\"></div>"),
        }
        let _ = writeln!(
            s,
            "<figcaption>{}<span class=\"file\">{}</span></figcaption></figure>",
            self.ui(key),
            esc(&p.file)
        );
    }

    fn checklist_line(&self, s: &mut String, line: &ChecklistLine) {
        let class = match line.status {
            ItemStatus::Missing if line.optional => "missing optional",
            ItemStatus::Missing => "missing",
            ItemStatus::Provided | ItemStatus::Generated => "done",
            ItemStatus::AfterBooking => "todo",
        };
        let _ = write!(
            s,
            "<li class=\"{class}\"><span class=\"st\">{}</span><span class=\"item\">{}",
            self.ui(&format!("ui.item.{}", line.status.as_str())),
            self.bi(&line.name_zh, &line.name_en)
        );
        if line.status == ItemStatus::Missing && line.optional {
            let _ = write!(s, " <em>({})</em>", self.ui("ui.item.optional"));
        }
        if line.bring_original {
            let _ = write!(
                s,
                " <span class=\"orig\">{}</span>",
                self.ui("ui.item.bring_original")
            );
        }
        if line.status == ItemStatus::Missing {
            let how = self.bi(&line.how_zh, &line.how_en);
            if !how.is_empty() {
                let _ = write!(s, "<small class=\"how\">{how}</small>");
            }
        }
        if !line.files.is_empty() {
            let files: Vec<String> = line.files.iter().map(|f| esc(f)).collect();
            let _ = write!(s, "<small class=\"files\">{}</small>", files.join(", "));
        }
        s.push_str("</span></li>\n");
    }

    fn issue_list(&self, s: &mut String, issues: &[Issue]) {
        s.push_str("<ul class=\"issues\">\n");
        for issue in issues {
            let (class, sev) = match issue.severity {
                Severity::Error => ("error", "ui.severity.error"),
                Severity::Warning => ("warning", "ui.severity.warning"),
            };
            let tx = self.t.catalog.text(issue);
            let _ = write!(
                s,
                "<li class=\"{class}\"><div class=\"line\"><span class=\"sev\">{}</span>",
                self.ui(sev)
            );
            let place = where_short(issue);
            if !place.is_empty() {
                let _ = write!(s, "<span class=\"where mono\">{}</span>", esc(&place));
            }
            let _ = write!(s, "<code>{}</code></div>", esc(&issue.code));
            let _ = write!(
                s,
                "<p class=\"msg\">{}</p>",
                self.bi(&tx.message_zh, &tx.message)
            );
            let action = self.bi(&tx.action_zh, &tx.action);
            if !action.is_empty() {
                let _ = write!(s, "<p class=\"act\">{action}</p>");
            }
            s.push_str("</li>\n");
        }
        s.push_str("</ul>\n");
    }

    fn foot(&self, run: &RunInfo) -> String {
        format!(
            "<footer class=\"bottom\"><p>{}</p></footer>\n</body>\n</html>\n",
            self.ui_args(
                "ui.report.generated_by",
                &[
                    ("version", run.tool_version.clone()),
                    ("profile", run.photo_profile.clone()),
                ],
            )
        )
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
