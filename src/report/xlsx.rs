//! report.xlsx, what HR opens first: sheet 1 one row per employee (status, window, dates as
//! real Excel dates, term, fee, photo verdict, missing items, problem counts, a link to the
//! packet), sheet 2 every problem with its sheet/cell reference, sheet 3 every document of
//! every employee, sheet 4 the run itself. Frozen header, filters, red/amber/green fill.
//! Deterministic: the document's creation date is the as-of date, so reruns give identical
//! bytes.

mod calendar;

use super::{RunInfo, STATUSES, Summary, Texts, status_key};
use crate::catalog::{Catalog, Lang};
use crate::issue::{Issue, Severity};
use crate::outcome::{EmployeeOutcome, ItemStatus, Outcomes, Status};
use crate::platform::{FormField, Source};
use crate::rules::RenewalCalendar;
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Url, Workbook,
    Worksheet, XlsxError,
};

/// Excel's limit on one cell's text, in characters.
const MAX_CELL_CHARS: usize = 32_767;
/// Excel's limit on hyperlinks per worksheet.
const MAX_LINKS: usize = 65_530;

/// Fill and font colours per status: green, amber, grey-blue, red.
fn status_colors(status: Status) -> (u32, u32) {
    match status {
        Status::Ready => (0xC6EFCE, 0x006100),
        Status::Attention => (0xFFEB9C, 0x9C5700),
        Status::NotYet => (0xDDEBF7, 0x1F4E78),
        Status::TooLate => (0xFFC7CE, 0x9C0006),
    }
}

fn status_index(status: Status) -> usize {
    STATUSES.iter().position(|s| *s == status).unwrap_or(0)
}

/// Cell formats, one set per status so whole rows carry their status colour.
struct Formats {
    header: Format,
    text: Vec<Format>,
    wrap: Vec<Format>,
    num: Vec<Format>,
    date: Vec<Format>,
    link: Vec<Format>,
    plain_text: Format,
    plain_wrap: Format,
    plain_num: Format,
    plain_date: Format,
    error: Format,
    warning: Format,
    good: Format,
    bold: Format,
}

impl Formats {
    fn new() -> Formats {
        let base = Format::new()
            .set_align(FormatAlign::Top)
            .set_border(FormatBorder::Thin)
            .set_border_color(Color::RGB(0xD0D7E5));
        let fill = |f: &Format, s: Status| {
            let (bg, _) = status_colors(s);
            f.clone().set_background_color(Color::RGB(bg))
        };
        let date_base = base
            .clone()
            .set_num_format("yyyy-mm-dd")
            .set_align(FormatAlign::Left);
        let wrap_base = base.clone().set_text_wrap();
        let link_base = base
            .clone()
            .set_font_color(Color::RGB(0x0563C1))
            .set_hyperlink();
        Formats {
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_font_color(Color::White)
                .set_background_color(Color::RGB(0x1F4E78))
                .set_border(FormatBorder::Thin)
                .set_border_color(Color::RGB(0xD0D7E5)),
            text: STATUSES.iter().map(|s| fill(&base, *s)).collect(),
            wrap: STATUSES.iter().map(|s| fill(&wrap_base, *s)).collect(),
            num: STATUSES.iter().map(|s| fill(&base, *s)).collect(),
            date: STATUSES.iter().map(|s| fill(&date_base, *s)).collect(),
            link: STATUSES.iter().map(|s| fill(&link_base, *s)).collect(),
            plain_text: base.clone(),
            plain_wrap: wrap_base.clone(),
            plain_num: base.clone(),
            plain_date: date_base,
            error: base
                .clone()
                .set_background_color(Color::RGB(0xFFC7CE))
                .set_font_color(Color::RGB(0x9C0006)),
            warning: base
                .clone()
                .set_background_color(Color::RGB(0xFFEB9C))
                .set_font_color(Color::RGB(0x9C5700)),
            good: base
                .clone()
                .set_background_color(Color::RGB(0xC6EFCE))
                .set_font_color(Color::RGB(0x006100)),
            bold: base.set_bold(),
        }
    }

    fn status_cell(&self, status: Status) -> Format {
        let (bg, fg) = status_colors(status);
        self.text[status_index(status)]
            .clone()
            .set_bold()
            .set_background_color(Color::RGB(bg))
            .set_font_color(Color::RGB(fg))
    }
}

/// Rows of one sheet in Excel (Microsoft: Excel specifications and limits).
const EXCEL_MAX_ROWS: u32 = 1_048_576;

/// Writes cells of one sheet while tracking column widths.
struct Sheet<'a> {
    ws: &'a mut Worksheet,
    widths: Vec<f64>,
    links: usize,
    /// Rows the sheet may have, header and the note on cut rows included.
    max_rows: u32,
    /// Rows not written because the sheet was full.
    cut: u32,
}

impl<'a> Sheet<'a> {
    fn new(ws: &'a mut Worksheet, columns: usize) -> Self {
        Sheet {
            ws,
            widths: vec![0.0; columns],
            links: 0,
            max_rows: EXCEL_MAX_ROWS,
            cut: 0,
        }
    }

    /// At most `max_rows` rows: the rows past them are counted, not written, and
    /// [`Self::note_cut`] says so in the last row.
    fn capped(mut self, max_rows: u32) -> Self {
        self.max_rows = max_rows.clamp(2, EXCEL_MAX_ROWS);
        self
    }

    /// Whether `row` fits; the last row is kept for the note.
    fn shown(&mut self, row: u32) -> bool {
        if row + 1 < self.max_rows {
            return true;
        }
        self.cut = self.cut.max(row + 2 - self.max_rows);
        false
    }

    /// The last row says how many rows were cut and where they all are.
    fn note_cut(&mut self, t: &Texts, f: &Format) -> Result<(), XlsxError> {
        if self.cut == 0 {
            return Ok(());
        }
        let note = t.catalog.ui(
            "ui.xlsx.cut",
            t.lang,
            &[
                ("count", self.cut.to_string()),
                ("max", self.max_rows.to_string()),
            ],
        );
        self.ws
            .write_string_with_format(self.max_rows - 1, 0, cap_chars(&note), f)?;
        Ok(())
    }

    fn grow(&mut self, col: u16, width: f64) {
        if let Some(w) = self.widths.get_mut(col as usize) {
            *w = w.max(width);
        }
    }

    fn text(&mut self, row: u32, col: u16, s: &str, f: &Format) -> Result<(), XlsxError> {
        if !self.shown(row) {
            return Ok(());
        }
        let s = cap_chars(s);
        self.grow(col, display_width(s));
        self.ws.write_string_with_format(row, col, s, f)?;
        Ok(())
    }

    fn opt_text(
        &mut self,
        row: u32,
        col: u16,
        s: Option<&str>,
        f: &Format,
    ) -> Result<(), XlsxError> {
        match s {
            Some(s) => self.text(row, col, s, f),
            None => self.blank(row, col, f),
        }
    }

    fn num(&mut self, row: u32, col: u16, n: Option<f64>, f: &Format) -> Result<(), XlsxError> {
        if !self.shown(row) {
            return Ok(());
        }
        match n {
            Some(n) if n.is_finite() => {
                self.grow(col, format!("{n}").len() as f64);
                self.ws.write_number_with_format(row, col, n, f)?;
                Ok(())
            }
            _ => self.blank(row, col, f),
        }
    }

    fn date(
        &mut self,
        row: u32,
        col: u16,
        d: Option<NaiveDate>,
        f: &Format,
    ) -> Result<(), XlsxError> {
        if !self.shown(row) {
            return Ok(());
        }
        let Some(d) = d else {
            return self.blank(row, col, f);
        };
        match excel_date(d) {
            Some(x) => {
                self.grow(col, 10.0);
                self.ws.write_datetime_with_format(row, col, &x, f)?;
                Ok(())
            }
            // Outside Excel's calendar (before 1900): keep the date readable as text.
            None => self.text(row, col, &d.to_string(), f),
        }
    }

    fn link(
        &mut self,
        row: u32,
        col: u16,
        target: &str,
        text: &str,
        f: &Format,
    ) -> Result<(), XlsxError> {
        if !self.shown(row) {
            return Ok(());
        }
        if self.links < MAX_LINKS {
            let url = Url::new(format!("file:///{target}")).set_text(text);
            if self.ws.write_url_with_format(row, col, url, f).is_ok() {
                self.links += 1;
                self.grow(col, display_width(text));
                return Ok(());
            }
        }
        self.text(row, col, text, f)
    }

    fn blank(&mut self, row: u32, col: u16, f: &Format) -> Result<(), XlsxError> {
        if !self.shown(row) {
            return Ok(());
        }
        self.ws.write_blank(row, col, f)?;
        Ok(())
    }

    /// The header row; its height is set first, as a streamed sheet writes each row once.
    fn header(&mut self, titles: &[String], f: &Format, both: bool) -> Result<(), XlsxError> {
        self.ws.set_row_height(0, if both { 46.0 } else { 32.0 })?;
        for (c, t) in titles.iter().enumerate() {
            let col = c as u16;
            self.ws.write_string_with_format(0, col, cap_chars(t), f)?;
            // Headers wrap; count them only up to a moderate width.
            self.grow(col, display_width(t).min(18.0));
        }
        Ok(())
    }

    /// Frozen header, filter over the used range, column widths; `wide` columns (long text)
    /// get a larger cap and wrap.
    fn finish(self, rows: u32, wide: &[u16]) -> Result<(), XlsxError> {
        let cols = self.widths.len() as u16;
        self.ws.set_freeze_panes(1, 0)?;
        if cols > 0 {
            let rows = rows.min(self.max_rows - u32::from(self.cut > 0));
            self.ws.autofilter(0, 0, rows.max(1) - 1, cols - 1)?;
        }
        for (c, w) in self.widths.iter().enumerate() {
            let col = c as u16;
            let cap = if wide.contains(&col) { 60.0 } else { 36.0 };
            self.ws.set_column_width(col, (w + 2.0).clamp(6.0, cap))?;
        }
        Ok(())
    }
}

/// report.xlsx in memory (its sheets still stream through temporary files).
pub fn render<O: Outcomes + ?Sized>(
    run: &RunInfo,
    outcomes: &O,
    catalog: &Catalog,
) -> Result<Vec<u8>, XlsxError> {
    let mut out = std::io::Cursor::new(Vec::new());
    write(&mut out, run, outcomes, catalog, None)?;
    Ok(out.into_inner())
}

/// Streams report.xlsx into `w`. The sheets are written row by row ("low memory" worksheets:
/// each row goes to a temporary file in `tempdir`, or the system's, as soon as the next one
/// starts; only the shared strings and the hyperlinks stay in memory), so memory hardly
/// grows with the number of employees. The result differs from a workbook built in memory
/// only in the optional `spans` row attributes, which a streamed sheet cannot know.
pub fn write<W: std::io::Write + Send, O: Outcomes + ?Sized>(
    w: W,
    run: &RunInfo,
    outcomes: &O,
    catalog: &Catalog,
    tempdir: Option<&std::path::Path>,
) -> Result<(), XlsxError> {
    let summary = Summary::read(outcomes, &run.roster_issues)?;
    let max_rows = crate::limits::Limits::default().report.max_xlsx_rows;
    write_with(w, run, outcomes, &summary, catalog, tempdir, None, max_rows)
}

/// [`write`] with the summary already counted, and a last "Calendar" sheet ([`calendar`])
/// when `cal` is given. No sheet has more than `max_rows` rows (`report.max_xlsx_rows` of
/// limits.toml): a longer list is cut with a note in its last row.
#[allow(clippy::too_many_arguments)]
pub(crate) fn write_with<W: std::io::Write + Send, O: Outcomes + ?Sized>(
    w: W,
    run: &RunInfo,
    outcomes: &O,
    summary: &Summary,
    catalog: &Catalog,
    tempdir: Option<&std::path::Path>,
    cal: Option<&RenewalCalendar>,
    max_rows: u32,
) -> Result<(), XlsxError> {
    let t = Texts::new(catalog, run.lang);
    let f = Formats::new();
    let mut wb = Workbook::new();
    if let Some(dir) = tempdir {
        wb.set_tempdir(dir)?;
    }
    if summary.packets > 0 {
        // Streamed sheets number their formats as they are first used; a workbook built in
        // memory puts the hyperlink style first, so register it first to keep that order.
        wb.register_format(&Format::default().set_hyperlink());
    }
    let mut props = DocProperties::new()
        .set_title(t.ui("ui.report.title"))
        .set_author("permitpack");
    if let Some(created) = excel_date(run.as_of) {
        props = props.set_creation_datetime(&created);
    }
    wb.set_properties(&props);

    let m = max_rows;
    employees_sheet(wb.add_worksheet_with_low_memory()?, &t, &f, outcomes, m)?;
    issues_sheet(
        wb.add_worksheet_with_low_memory()?,
        &t,
        &f,
        run,
        outcomes,
        m,
    )?;
    checklist_sheet(wb.add_worksheet_with_low_memory()?, &t, &f, outcomes, m)?;
    uploads_sheet(wb.add_worksheet_with_low_memory()?, &t, &f, outcomes, m)?;
    platform_sheet(wb.add_worksheet_with_low_memory()?, &t, &f, outcomes, m)?;
    run_sheet(wb.add_worksheet_with_low_memory()?, &t, &f, run, summary)?;
    if let Some(cal) = cal {
        let ws = wb.add_worksheet_with_low_memory()?;
        calendar::sheet(ws, &t, &f, run.as_of, outcomes, cal, m)?;
    }
    wb.save_to_writer(w)
}

fn employees_sheet<O: Outcomes + ?Sized>(
    ws: &mut Worksheet,
    t: &Texts,
    f: &Formats,
    outcomes: &O,
    max_rows: u32,
) -> Result<(), XlsxError> {
    ws.set_name(sheet_name(t, "ui.sheet.employees"))?;
    ws.set_tab_color(Color::RGB(0x1F4E78));
    let keys = [
        "ui.col.row",
        "ui.col.name",
        "ui.col.chinese_name",
        "ui.col.passport",
        "ui.col.nationality",
        "ui.col.category",
        "ui.col.status",
        "ui.col.window",
        "ui.col.days_left",
        "ui.col.window_opens",
        "ui.col.deadline",
        "ui.col.wp_expiry",
        "ui.col.rp_expiry",
        "ui.col.term",
        "ui.col.fee",
        "ui.col.photo",
        "ui.col.missing",
        "ui.col.errors",
        "ui.col.warnings",
        "ui.col.packet",
    ];
    let titles: Vec<String> = keys.iter().map(|k| t.ui(k)).collect();
    let mut s = Sheet::new(ws, titles.len()).capped(max_rows);
    s.header(&titles, &f.header, t.lang == Lang::Both)?;
    let mut r = 0u32;
    for o in outcomes.each() {
        let o = o?;
        r += 1;
        let e = &o.employee;
        let si = status_index(o.status);
        let (tx, nm, dt) = (&f.text[si], &f.num[si], &f.date[si]);
        s.num(r, 0, Some(e.row as f64), nm)?;
        s.opt_text(r, 1, e.name.as_deref(), tx)?;
        s.opt_text(r, 2, e.chinese_name.as_deref(), tx)?;
        s.opt_text(r, 3, e.passport_no.as_deref(), tx)?;
        s.opt_text(r, 4, e.nationality.as_deref(), tx)?;
        let category = e
            .category
            .map(|c| c.key())
            .or_else(|| e.category_raw.clone());
        s.opt_text(r, 5, category.as_deref(), tx)?;
        s.text(r, 6, &t.status(o.status), &f.status_cell(o.status))?;
        s.text(r, 7, &t.window(o.window_state.as_str()), tx)?;
        s.num(r, 8, o.days_left.map(|d| d as f64), nm)?;
        s.date(r, 9, o.window_opens, dt)?;
        s.date(r, 10, o.deadline, dt)?;
        s.date(r, 11, e.work_permit_expiry, dt)?;
        s.date(r, 12, e.residence_permit_expiry, dt)?;
        s.num(r, 13, o.term_years, nm)?;
        s.num(r, 14, o.fee_rmb.map(|x| x as f64), nm)?;
        let photo = match &o.photo {
            Some(p) if p.ok => t.ui("ui.photo.ok"),
            Some(_) => t.ui("ui.photo.failed"),
            None => t.ui("ui.photo.none"),
        };
        s.text(r, 15, &photo, tx)?;
        s.text(r, 16, &t.missing_items(&o), &f.wrap[si])?;
        s.num(r, 17, Some(o.error_count() as f64), nm)?;
        s.num(r, 18, Some(o.warning_count() as f64), nm)?;
        match &o.packet {
            Some(p) => s.link(r, 19, &format!("packets/{p}"), p, &f.link[si])?,
            None => s.blank(r, 19, tx)?,
        }
    }
    s.note_cut(t, &f.plain_text)?;
    s.finish(r + 1, &[16])
}

fn issues_sheet<O: Outcomes + ?Sized>(
    ws: &mut Worksheet,
    t: &Texts,
    f: &Formats,
    run: &RunInfo,
    outcomes: &O,
    max_rows: u32,
) -> Result<(), XlsxError> {
    ws.set_name(sheet_name(t, "ui.sheet.issues"))?;
    ws.set_tab_color(Color::RGB(0xC00000));
    let both = t.lang == Lang::Both;
    let mut titles: Vec<String> = [
        "ui.col.row",
        "ui.col.sheet",
        "ui.col.cell",
        "ui.col.name",
        "ui.col.passport",
        "ui.col.status",
        "ui.col.severity",
        "ui.col.code",
    ]
    .iter()
    .map(|k| t.ui(k))
    .collect();
    let mut wide = Vec::new();
    for k in ["ui.col.message", "ui.col.action"] {
        if both {
            let (zh, en) = t.pair(k, &[]);
            wide.extend([titles.len() as u16, titles.len() as u16 + 1]);
            titles.push(zh);
            titles.push(en);
        } else {
            wide.push(titles.len() as u16);
            titles.push(t.ui(k));
        }
    }
    titles.push(t.ui("ui.col.file"));
    let mut s = Sheet::new(ws, titles.len()).capped(max_rows);
    s.header(&titles, &f.header, t.lang == Lang::Both)?;
    let mut r = 1u32;
    for o in outcomes.each() {
        let o = o?;
        for issue in &o.issues {
            issue_row(&mut s, t, f, r, Some(&o), issue, both)?;
            r += 1;
        }
    }
    for issue in &run.roster_issues {
        issue_row(&mut s, t, f, r, None, issue, both)?;
        r += 1;
    }
    s.note_cut(t, &f.plain_text)?;
    s.finish(r, &wide)
}

/// One row of the issues sheet: an employee's problem, or the roster's (`o` is `None`).
fn issue_row(
    s: &mut Sheet,
    t: &Texts,
    f: &Formats,
    r: u32,
    o: Option<&EmployeeOutcome>,
    issue: &Issue,
    both: bool,
) -> Result<(), XlsxError> {
    let e = o.map(|o| &o.employee);
    let row = issue.at.row.or(e.map(|e| e.row));
    s.num(r, 0, row.map(f64::from), &f.plain_num)?;
    let sheet = issue.at.sheet.as_deref().or(e.map(|e| e.sheet.as_str()));
    s.opt_text(r, 1, sheet, &f.plain_text)?;
    s.opt_text(r, 2, issue.at.cell.as_deref(), &f.plain_text)?;
    s.opt_text(r, 3, e.and_then(|e| e.name.as_deref()), &f.plain_text)?;
    s.opt_text(
        r,
        4,
        e.and_then(|e| e.passport_no.as_deref()),
        &f.plain_text,
    )?;
    match o {
        Some(o) => s.text(r, 5, &t.status(o.status), &f.status_cell(o.status))?,
        None => s.blank(r, 5, &f.plain_text)?,
    }
    let (sev_key, sev_fmt) = severity(issue, f);
    s.text(r, 6, &t.ui(sev_key), sev_fmt)?;
    s.text(r, 7, &issue.code, &f.plain_text)?;
    let tx = t.catalog.text(issue);
    let mut c = 8u16;
    let texts: Vec<String> = if both {
        vec![tx.message_zh, tx.message, tx.action_zh, tx.action]
    } else {
        vec![
            super::join_lang(t.lang, &tx.message_zh, &tx.message),
            super::join_lang(t.lang, &tx.action_zh, &tx.action),
        ]
    };
    for text in &texts {
        s.text(r, c, text, &f.plain_wrap)?;
        c += 1;
    }
    s.opt_text(r, c, issue.at.file.as_deref(), &f.plain_text)?;
    Ok(())
}

fn severity<'f>(issue: &Issue, f: &'f Formats) -> (&'static str, &'f Format) {
    match issue.severity {
        Severity::Error => ("ui.severity.error", &f.error),
        Severity::Warning => ("ui.severity.warning", &f.warning),
    }
}

fn checklist_sheet<O: Outcomes + ?Sized>(
    ws: &mut Worksheet,
    t: &Texts,
    f: &Formats,
    outcomes: &O,
    max_rows: u32,
) -> Result<(), XlsxError> {
    ws.set_name(sheet_name(t, "ui.sheet.checklist"))?;
    let titles: Vec<String> = [
        "ui.col.row",
        "ui.col.name",
        "ui.col.passport",
        "ui.col.item_id",
        "ui.col.item",
        "ui.col.item_status",
        "ui.col.optional",
        "ui.col.files",
        "ui.col.how",
    ]
    .iter()
    .map(|k| t.ui(k))
    .collect();
    let mut s = Sheet::new(ws, titles.len()).capped(max_rows);
    s.header(&titles, &f.header, t.lang == Lang::Both)?;
    let (yes, no) = (t.ui("ui.word.yes"), t.ui("ui.word.no"));
    let mut r = 1u32;
    for o in outcomes.each() {
        let o = o?;
        let e = &o.employee;
        for line in &o.checklist {
            s.num(r, 0, Some(e.row as f64), &f.plain_num)?;
            s.opt_text(r, 1, e.name.as_deref(), &f.plain_text)?;
            s.opt_text(r, 2, e.passport_no.as_deref(), &f.plain_text)?;
            s.text(r, 3, &line.id, &f.plain_text)?;
            s.text(r, 4, &t.item_name(line), &f.plain_wrap)?;
            let fmt = match line.status {
                ItemStatus::Missing if line.optional => &f.warning,
                ItemStatus::Missing => &f.error,
                ItemStatus::Provided | ItemStatus::Generated => &f.good,
                ItemStatus::AfterBooking => &f.plain_text,
            };
            s.text(r, 5, &t.item_status(line.status.as_str()), fmt)?;
            s.text(r, 6, if line.optional { &yes } else { &no }, &f.plain_text)?;
            s.text(r, 7, &line.files.join("; "), &f.plain_wrap)?;
            let how = super::join_lang(t.lang, &line.how_zh, &line.how_en);
            s.text(r, 8, &how, &f.plain_wrap)?;
            r += 1;
        }
    }
    s.note_cut(t, &f.plain_text)?;
    s.finish(r, &[4, 7, 8])
}

/// "上传文件 Uploads": one row per file of the packets' `upload/` folders, with its size,
/// pages and the files it was made from.
fn uploads_sheet<O: Outcomes + ?Sized>(
    ws: &mut Worksheet,
    t: &Texts,
    f: &Formats,
    outcomes: &O,
    max_rows: u32,
) -> Result<(), XlsxError> {
    ws.set_name(sheet_name(t, "ui.sheet.uploads"))?;
    let titles: Vec<String> = [
        "ui.col.row",
        "ui.col.name",
        "ui.col.passport",
        "ui.col.upload_file",
        "ui.col.item_id",
        "ui.col.pages",
        "ui.col.bytes",
        "ui.col.within_budget",
        "ui.col.made_from",
    ]
    .iter()
    .map(|k| t.ui(k))
    .collect();
    let mut s = Sheet::new(ws, titles.len()).capped(max_rows);
    s.header(&titles, &f.header, t.lang == Lang::Both)?;
    let (yes, no) = (t.ui("ui.word.yes"), t.ui("ui.word.no"));
    let mut r = 1u32;
    for o in outcomes.each() {
        let o = o?;
        let e = &o.employee;
        for u in &o.uploads {
            s.num(r, 0, Some(e.row as f64), &f.plain_num)?;
            s.opt_text(r, 1, e.name.as_deref(), &f.plain_text)?;
            s.opt_text(r, 2, e.passport_no.as_deref(), &f.plain_text)?;
            s.text(r, 3, &u.entry, &f.plain_text)?;
            s.text(r, 4, &u.item_id, &f.plain_text)?;
            s.num(r, 5, Some(u.pages as f64), &f.plain_num)?;
            s.num(r, 6, Some(u.bytes as f64), &f.plain_num)?;
            if u.within_budget {
                s.text(r, 7, &yes, &f.good)?;
            } else {
                s.text(r, 7, &no, &f.error)?;
            }
            s.text(r, 8, &u.files.join("; "), &f.plain_wrap)?;
            r += 1;
        }
    }
    s.note_cut(t, &f.plain_text)?;
    s.finish(r, &[8])
}

/// The platform form of an outcome (`details["platform_form"]`), if the pipeline made one.
fn platform_form(o: &EmployeeOutcome) -> Option<Vec<FormField>> {
    let v = o.details.get("platform_form")?;
    serde_json::from_value::<Vec<FormField>>(v.clone())
        .ok()
        .filter(|f| !f.is_empty())
}

/// "平台填报 Platform form": one row per employee, one column per form field in the
/// platform's order, ready to copy; a value the roster lacks is an empty amber cell (its
/// note, with where to find it, is in report.json and on the cover's platform page).
fn platform_sheet<O: Outcomes + ?Sized>(
    ws: &mut Worksheet,
    t: &Texts,
    f: &Formats,
    outcomes: &O,
    max_rows: u32,
) -> Result<(), XlsxError> {
    ws.set_name(sheet_name(t, "ui.sheet.platform"))?;
    ws.set_tab_color(Color::RGB(0x2E7D32));
    // Every employee's form has the same fields (platform_form.toml): the first gives them.
    let mut fields: Vec<FormField> = Vec::new();
    for o in outcomes.each() {
        let o = o?;
        if let Some(form) = platform_form(&o) {
            fields = form;
            break;
        }
    }
    let unverified = t.ui("ui.platform.unverified");
    let mut titles = vec![t.ui("ui.col.row"), t.ui("ui.col.name")];
    for field in &fields {
        let label = match t.lang {
            Lang::Zh => field.label_zh.clone(),
            Lang::En => field.label_en.clone(),
            Lang::Both => format!("{}\n{}", field.label_zh, field.label_en),
        };
        titles.push(if field.verified {
            label
        } else {
            format!("{label} ({unverified})")
        });
    }
    let mut s = Sheet::new(ws, titles.len()).capped(max_rows);
    s.header(&titles, &f.header, t.lang == Lang::Both)?;
    let mut r = 0u32;
    for o in outcomes.each() {
        let o = o?;
        r += 1;
        let e = &o.employee;
        s.num(r, 0, Some(e.row as f64), &f.plain_num)?;
        s.opt_text(r, 1, e.name.as_deref(), &f.plain_text)?;
        let form = platform_form(&o).unwrap_or_default();
        for (i, field) in fields.iter().enumerate() {
            let col = 2 + i as u16;
            match form.iter().find(|x| x.field == field.field) {
                Some(x) if x.source == Source::Missing => s.blank(r, col, &f.warning)?,
                Some(x) if !x.value.is_empty() => s.text(r, col, &x.value, &f.plain_text)?,
                _ => s.blank(r, col, &f.plain_text)?,
            }
        }
    }
    s.note_cut(t, &f.plain_text)?;
    s.finish(r + 1, &[])
}

fn run_sheet(
    ws: &mut Worksheet,
    t: &Texts,
    f: &Formats,
    run: &RunInfo,
    summary: &Summary,
) -> Result<(), XlsxError> {
    ws.set_name(sheet_name(t, "ui.sheet.run"))?;
    let titles = vec![t.ui("ui.col.field"), t.ui("ui.col.value")];
    let mut s = Sheet::new(ws, 2);
    s.header(&titles, &f.header, t.lang == Lang::Both)?;
    let company = super::join_lang(
        t.lang,
        run.company.name_zh.as_deref().unwrap_or(""),
        run.company.name_en.as_deref().unwrap_or(""),
    );
    let mut r = 1u32;
    s.text(r, 0, &t.ui("ui.word.as_of"), &f.bold)?;
    s.date(r, 1, Some(run.as_of), &f.plain_date)?;
    r += 1;
    let texts: Vec<(String, String)> = vec![
        (t.ui("ui.report.roster"), run.roster.clone()),
        (t.ui("ui.col.sheet"), run.sheet.clone().unwrap_or_default()),
        (t.ui("ui.report.company"), company),
        (
            "USCC / 统一社会信用代码".to_string(),
            run.company.uscc.clone().unwrap_or_default(),
        ),
        (t.ui("ui.word.profile"), run.photo_profile.clone()),
        (t.ui("ui.word.version"), run.tool_version.clone()),
    ];
    for (k, v) in &texts {
        s.text(r, 0, k, &f.bold)?;
        s.text(r, 1, v, &f.plain_text)?;
        r += 1;
    }
    let mut counts = vec![(t.ui("ui.summary.total"), summary.employees, &f.plain_num)];
    for st in STATUSES {
        counts.push((
            t.ui(&format!("ui.status.{}", status_key(st))),
            summary.count(st),
            &f.plain_num,
        ));
    }
    counts.push((t.ui("ui.summary.packets"), summary.packets, &f.plain_num));
    counts.push((t.ui("ui.summary.errors"), summary.errors, &f.plain_num));
    counts.push((t.ui("ui.summary.warnings"), summary.warnings, &f.plain_num));
    for (k, n, fmt) in counts {
        s.text(r, 0, &k, &f.bold)?;
        s.num(r, 1, Some(n as f64), fmt)?;
        r += 1;
    }
    s.finish(r, &[1])
}

/// A worksheet name from a `ui.sheet.*` key: both languages joined by a space, without the
/// characters Excel refuses, at most 31 characters.
fn sheet_name(t: &Texts, key: &str) -> String {
    let (zh, en) = t.pair(key, &[]);
    let raw = match t.lang {
        Lang::Zh => zh,
        Lang::En => en,
        Lang::Both if zh == en => zh,
        Lang::Both => format!("{zh} {en}"),
    };
    let cleaned: String = raw
        .chars()
        .map(|c| {
            if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trimmed: String = cleaned.trim_matches('\'').chars().take(31).collect();
    if trimmed.trim().is_empty() {
        key.rsplit('.').next().unwrap_or("Sheet").to_string()
    } else {
        trimmed
    }
}

fn excel_date(d: NaiveDate) -> Option<ExcelDateTime> {
    let y = u16::try_from(d.year()).ok()?;
    ExcelDateTime::from_ymd(y, d.month() as u8, d.day() as u8).ok()
}

fn cap_chars(s: &str) -> &str {
    match s.char_indices().nth(MAX_CELL_CHARS) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Approximate column width of a text: CJK and full-width characters count double.
fn display_width(s: &str) -> f64 {
    s.lines()
        .map(|l| {
            l.chars()
                .map(|c| if is_wide(c) { 2.0 } else { 1.0 })
                .sum::<f64>()
        })
        .fold(0.0, f64::max)
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

#[cfg(test)]
mod tests {
    use super::super::testdata;
    use super::*;
    use crate::assets::Templates;
    use crate::codes;
    use calamine::{Data, Reader, Xlsx};
    use std::io::Cursor;

    fn book(lang: Lang) -> (Vec<u8>, Xlsx<Cursor<Vec<u8>>>) {
        let cat = Catalog::load(&Templates::builtin()).unwrap();
        let bytes = render(&testdata::run(lang), &testdata::outcomes(), &cat).unwrap();
        let wb = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
        (bytes, wb)
    }

    #[test]
    fn deterministic_bytes() {
        let (a, _) = book(Lang::Both);
        let (b, _) = book(Lang::Both);
        assert_eq!(a, b);
    }

    #[test]
    fn sheets_and_employee_rows_read_back() {
        let (_, mut wb) = book(Lang::En);
        assert_eq!(
            wb.sheet_names(),
            vec![
                "Employees",
                "Issues",
                "Documents",
                "Uploads",
                "Platform form",
                "Run"
            ]
        );
        let range = wb.worksheet_range("Employees").unwrap();
        let rows: Vec<&[Data]> = range.rows().collect();
        assert_eq!(rows.len(), 1 + testdata::outcomes().len());
        assert_eq!(rows[0][0], Data::String("Row".into()));
        assert_eq!(rows[1][0], Data::Float(4.0));
        assert_eq!(rows[1][3], Data::String("E12345678".into()));
        assert_eq!(rows[1][6], Data::String("Ready".into()));
        // Dates are real Excel dates.
        match &rows[1][10] {
            Data::DateTime(d) => {
                // Excel serial of 2027-01-15 (days since 1899-12-30).
                let serial = NaiveDate::from_ymd_opt(2027, 1, 15)
                    .unwrap()
                    .signed_duration_since(NaiveDate::from_ymd_opt(1899, 12, 30).unwrap())
                    .num_days();
                assert_eq!(d.as_f64(), serial as f64);
            }
            other => panic!("deadline is not a date: {other:?}"),
        }
        assert_eq!(rows[1][14], Data::Float(800.0));
        assert_eq!(rows[1][19], Data::String("E12345678_SMITH_JOHN.zip".into()));
        // Hostile text is stored as text, not as a formula.
        assert_eq!(rows[3][3], Data::String("=1+2".into()));
        assert_eq!(rows[7][8], Data::Float(-3.0));
        assert!(
            matches!(rows[4][16], Data::String(ref s) if s.is_empty())
                || rows[4][16] == Data::Empty
        );
        let formulas = wb.worksheet_formula("Employees").unwrap();
        assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
    }

    #[test]
    fn issues_sheet_lists_every_problem_with_its_cell() {
        let (_, mut wb) = book(Lang::Both);
        let names = wb.sheet_names();
        assert_eq!(names[1], "问题 Issues");
        let range = wb.worksheet_range(&names[1]).unwrap();
        let rows: Vec<&[Data]> = range.rows().collect();
        let outcomes = testdata::outcomes();
        let n: usize = outcomes.iter().map(|o| o.issues.len()).sum::<usize>() + 1;
        assert_eq!(rows.len(), 1 + n);
        let bad_date = rows
            .iter()
            .find(|r| r[7] == Data::String(codes::ROSTER_BAD_DATE.into()))
            .unwrap();
        assert_eq!(bad_date[2], Data::String("H6".into()));
        assert_eq!(bad_date[1], Data::String("Staff".into()));
        assert_eq!(
            bad_date[8],
            Data::String("“居留许可到期 RP expiry”：“2027/13/45”不是可识别的日期。".into())
        );
        assert_eq!(
            bad_date[9],
            Data::String(
                "居留许可到期 RP expiry: '2027/13/45' is not a date permitpack can read.".into()
            )
        );
        let roster = rows.last().unwrap();
        assert_eq!(roster[7], Data::String(codes::ROSTER_UNKNOWN_COLUMN.into()));
        assert_eq!(roster[2], Data::String("S3".into()));
    }

    #[test]
    fn checklist_and_run_sheets() {
        let (_, mut wb) = book(Lang::Zh);
        let names = wb.sheet_names();
        assert_eq!(
            names,
            vec!["员工", "问题", "材料", "上传文件", "平台填报", "运行信息"]
        );
        let range = wb.worksheet_range("材料").unwrap();
        let missing = range
            .rows()
            .filter(|r| r[5] == Data::String("缺少".into()))
            .count();
        let expected: usize = testdata::outcomes()
            .iter()
            .map(|o| o.missing_items().count())
            .sum();
        assert_eq!(missing, expected);
        let run = wb.worksheet_range("运行信息").unwrap();
        assert!(matches!(run.get((1, 1)), Some(Data::DateTime(_))));
    }

    #[test]
    fn platform_sheet_has_the_form_in_platform_order() {
        let cat = Catalog::load(&Templates::builtin()).unwrap();
        let mut outcomes = testdata::outcomes();
        let spec = crate::platform::PlatformSpec::builtin();
        let countries = crate::countries::Countries::builtin();
        let company = crate::model::Company::default();
        let form = crate::platform::build(&outcomes[0].employee, &company, countries, spec);
        outcomes[0]
            .details
            .insert("platform_form".into(), serde_json::json!(form.fields));
        let bytes = render(&testdata::run(Lang::En), &outcomes, &cat).unwrap();
        let mut wb = Xlsx::new(Cursor::new(bytes)).unwrap();
        let range = wb.worksheet_range("Platform form").unwrap();
        let rows: Vec<&[Data]> = range.rows().collect();
        assert_eq!(rows.len(), 1 + outcomes.len());
        assert_eq!(rows[0].len(), 2 + spec.fields.len());
        assert_eq!(rows[0][2], Data::String("Surname".into()));
        assert_eq!(rows[0][3], Data::String("Given names".into()));
        let residence = spec
            .fields
            .iter()
            .position(|f| f.section == "residence")
            .unwrap();
        assert!(matches!(&rows[0][2 + residence], Data::String(s) if s.ends_with("(unverified)")));
        let passport = spec
            .fields
            .iter()
            .position(|f| f.key == "passport_no")
            .unwrap();
        assert_eq!(rows[1][2 + passport], Data::String("E12345678".into()));
        assert_eq!(rows[1][1], Data::String("SMITH JOHN".into()));
        // A missing value is an empty cell, never a word to copy by mistake.
        let email = spec.fields.iter().position(|f| f.key == "email").unwrap();
        assert!(
            matches!(&rows[1][2 + email], Data::Empty)
                || rows[1][2 + email] == Data::String(String::new())
        );
    }

    #[test]
    fn sheet_names_are_valid() {
        let cat = Catalog::load(&Templates::builtin()).unwrap();
        for lang in [Lang::Zh, Lang::En, Lang::Both] {
            let t = Texts::new(&cat, lang);
            for k in [
                "ui.sheet.employees",
                "ui.sheet.issues",
                "ui.sheet.checklist",
                "ui.sheet.platform",
                "ui.sheet.run",
            ] {
                let n = sheet_name(&t, k);
                assert!(
                    n.chars().count() <= 31 && !n.contains(['/', ':', '[', ']']),
                    "{n}"
                );
            }
        }
        assert!((display_width("护照 Passport") - 13.0).abs() < f64::EPSILON);
    }
}
