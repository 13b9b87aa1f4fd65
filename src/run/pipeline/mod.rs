//! The pipeline: runs every stage for one employee and gives back an [`EmployeeOutcome`].
//!
//! [`Batch`] holds what every employee of a run shares (the [`Setup`], the as-of date, the
//! company, the photo and scan folders, where packets go, the rerun cache).
//! [`Batch::process`] takes one roster row through rules -> scans -> photo -> letters ->
//! cover -> packet, and never fails: whatever goes wrong becomes an issue on that employee,
//! so one bad employee never stops the batch. Nothing per employee is kept beyond the returned outcome, and
//! [`Batch::process_into`] hands each outcome to the [`Spool`] (on disk) as soon as it is
//! done, so memory does not grow with the batch.

mod rerun;

use super::setup::Setup;
use crate::cache::RunCache;
use crate::catalog::{Catalog, Lang};
use crate::codes;
use crate::documents::{
    self,
    folder::{DocsIndex, FolderScan},
};
use crate::io::{Content, Inputs, Progress, Sink};
use crate::issue::Issue;
use crate::model::Company;
use crate::outcome::{
    ChecklistLine, EmployeeOutcome, ItemStatus, Outcomes, PhotoLine, Status, WindowState,
};
use crate::packet::{self, Document, PacketSources};
use crate::photo::{self, PhotoIndex};
use crate::render::{self, CoverData, Enquiry, LetterData, TimelineData};
use crate::roster::RosterRow;
use crate::rules;
use crate::spool::Spool;
use chrono::NaiveDate;
use std::panic::AssertUnwindSafe;

/// Checklist items permitpack writes itself, with the document that fills them.
const GENERATED: [(&str, render::Doc); 2] = [
    ("guarantee_letter", render::Doc::GuaranteeLetter),
    ("salary_certificate", render::Doc::SalaryCertificate),
];

/// The inputs of one run, shared by every employee.
pub struct Batch<'a> {
    pub setup: &'a Setup,
    /// Where the photos and scans are read from.
    pub inputs: &'a dyn Inputs,
    pub as_of: NaiveDate,
    pub company: Company,
    /// An error not tied to one employee (missing company details, missing column) blocks
    /// every employee's readiness.
    pub roster_blocked: bool,
    pub photos: Option<PhotoIndex>,
    pub docs: Option<DocsIndex>,
    /// The `_company/` scans, listed once.
    pub company_scans: FolderScan,
    /// Where packets go: `Some` for `build`, `None` for `check`.
    pub packets: Option<&'a dyn Sink>,
    pub password: Option<String>,
    /// The rerun cache (a build into an output folder, without a password).
    pub cache: Option<RunCache>,
    /// The company items' upload files, made once for the run (empty for `check`).
    pub company_uploads: Vec<packet::Upload>,
}

/// What the stages found for one employee before the packet is written.
struct Work {
    outcome: EmployeeOutcome,
    state: rules::WindowState,
    timeline: TimelineData,
    letters: Vec<Document>,
    photo: Option<Document>,
    /// The photo as the platform takes it (`build` only).
    platform_photo: Option<packet::PlatformPhoto>,
    scans: Vec<Document>,
    company_scans: Vec<Document>,
}

impl Batch<'_> {
    /// Runs every stage for one roster row. A panic inside a stage (a bug) becomes an
    /// `internal.error` issue on this employee; the others go on.
    pub fn process(&self, row: &RosterRow, packet_name: &str) -> EmployeeOutcome {
        match std::panic::catch_unwind(AssertUnwindSafe(|| self.process_inner(row, packet_name))) {
            Ok(outcome) => outcome,
            Err(panic) => {
                let detail = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unexpected failure".into());
                let mut issues = row.issues.clone();
                issues.push(
                    Issue::error(codes::INTERNAL_ERROR)
                        .arg("detail", detail)
                        .sheet(row.employee.sheet.clone())
                        .row(row.employee.row),
                );
                blank_outcome(row, issues)
            }
        }
    }

    fn process_inner(&self, row: &RosterRow, packet_name: &str) -> EmployeeOutcome {
        let mut work = self.judge(row);
        if let Some(sink) = self.packets {
            self.write_packet(&mut work, sink, packet_name);
        }
        finish(&mut work.outcome, work.state, self.roster_blocked);
        work.outcome
    }

    /// Rules, scans, photo and letters: everything but the cover and the packet.
    fn judge(&self, row: &RosterRow) -> Work {
        let s = self.setup;
        let emp = &row.employee;
        let mut issues = row.issues.clone();
        let passport_unsure = self.name_zero_padded_files(emp, &mut issues);

        let ev = rules::evaluate(emp, self.as_of, &s.rules, &s.calendar);
        issues.extend(ev.issues.iter().cloned());

        // Scans.
        let own = match (&self.docs, emp.passport_no.as_deref()) {
            (Some(d), Some(p)) => Some(d.employee(self.inputs, p)),
            _ => None,
        };
        let matched = match &own {
            Some(own) => {
                issues.extend(own.issues.iter().cloned());
                let mut m = documents::match_scans_as(
                    &ev.checklist,
                    &own.names(),
                    &self.company_scans.names(),
                    |name| documents::stem(own.document_name(name)).to_string(),
                );
                documents::vet_files(&ev.checklist, &mut m, |name| {
                    documents::folder::read_head(self.inputs, name, own, &self.company_scans)
                });
                m
            }
            None => documents::unchecked(&ev.checklist),
        };
        // The shared company scans are judged once for the run (`super::company_findings`).
        let own_findings = matched
            .issues
            .iter()
            .filter(|i| !is_company_finding(i))
            .cloned();
        issues.extend(documents::sum_up_unmatched(
            own_findings.collect(),
            s.limits.scans.max_listed_per_kind,
        ));
        let mut checklist = documents::to_lines(&ev.checklist, &matched);
        let (scans, company_scans) =
            scan_documents(self.inputs, &checklist, own.as_ref(), &self.company_scans);

        // Photo.
        let (photo_line, photo_doc, photo_detail, platform_photo) =
            self.judge_photo(row, &mut issues);

        // Letters.
        let letter = LetterData::new(emp, &self.company, self.as_of, ev.term_years, &s.countries);
        if checklist
            .iter()
            .any(|l| GENERATED.iter().any(|(id, _)| *id == l.id))
        {
            push_new(&mut issues, render::data::language_gaps(emp, &s.countries));
        }
        let mut letters = Vec::new();
        for (item, doc) in GENERATED {
            let Some(line) = checklist.iter_mut().find(|l| l.id == item) else {
                continue;
            };
            if passport_unsure {
                // The number may have lost leading zeros: it must not be printed on a letter.
                let why: Vec<Issue> = issues
                    .iter()
                    .filter(|i| {
                        i.code == codes::ROSTER_PASSPORT_AS_NUMBER
                            || i.code == codes::ROSTER_PASSPORT_AS_NUMBER_FOUND
                    })
                    .cloned()
                    .collect();
                explain_not_generated(line, &why, &s.catalog);
                continue;
            }
            if self.packets.is_none() {
                // `check`: the same field and glyph checks, without typesetting.
                let problems = s.renderer.check_letter(doc, &letter);
                if problems.iter().any(Issue::is_error) {
                    explain_not_generated(line, &problems, &s.catalog);
                }
                push_new(&mut issues, problems);
                continue;
            }
            let rendered = match doc {
                render::Doc::SalaryCertificate => s.renderer.salary_certificate(&letter),
                _ => s.renderer.guarantee_letter(&letter),
            };
            match rendered {
                Ok(pdf) => {
                    push_new(&mut issues, pdf.warnings);
                    letters.push(Document {
                        item_id: item.to_string(),
                        original: format!("{item}.pdf"),
                        content: Content::Bytes(pdf.bytes),
                    });
                }
                Err(problems) => {
                    explain_not_generated(line, &problems, &s.catalog);
                    push_new(&mut issues, problems);
                }
            }
        }

        // What HR types into the platform, and the platform's rules on those values.
        let form = crate::platform::build(emp, &self.company, &s.countries, &s.platform);
        push_new(&mut issues, form.issues);

        let state = ev.eligibility.state;
        defer_until_window(&mut issues, state, ev.eligibility.window_opens);
        let status = rules::status(state, &issues);
        let mut details = ev.details();
        if let Some(p) = photo_detail {
            details.insert("photo".into(), p);
        }
        details.insert("platform_form".into(), serde_json::json!(form.fields));
        if !matched.unmatched.is_empty() {
            details.insert(
                "unmatched_files".into(),
                serde_json::json!(matched.unmatched),
            );
        }
        let timeline = ev
            .timeline
            .as_ref()
            .map_or_else(TimelineData::default, |t| TimelineData {
                expected_review: Some(render::DateText::new(t.review_result_by)),
                expected_visit: Some(render::DateText::new(t.earliest_visit)),
                expected_pickup: Some(render::DateText::new(t.permit_ready_about)),
            });
        let outcome = EmployeeOutcome {
            employee: emp.clone(),
            status,
            ready: rules::is_ready(state, &issues),
            window_state: ev.eligibility.state,
            days_left: ev.eligibility.days_left,
            window_opens: ev.eligibility.window_opens,
            deadline: ev.eligibility.deadline,
            term_years: ev.term_years,
            fee_rmb: ev.fee_rmb,
            photo: photo_line,
            checklist,
            issues,
            packet: None,
            uploads: Vec::new(),
            details,
        };
        Work {
            outcome,
            state,
            timeline,
            letters,
            photo: photo_doc,
            platform_photo,
            scans,
            company_scans,
        }
    }

    /// When the passport number was stored as a number without a zero-padding format
    /// (`roster.passport_as_number`), looks for a docs folder or photo named with leading
    /// zeros plus that number and names it in the issue. Returns whether the number is unsure.
    fn name_zero_padded_files(&self, emp: &crate::model::Employee, issues: &mut [Issue]) -> bool {
        let Some(issue) = issues
            .iter_mut()
            .find(|i| i.code == codes::ROSTER_PASSPORT_AS_NUMBER)
        else {
            return false;
        };
        let Some(digits) = emp.passport_no.as_deref() else {
            return true;
        };
        let max_len = self.setup.aliases.passport_max_len;
        let found = (1..=max_len.saturating_sub(digits.len())).find_map(|zeros| {
            let padded = format!("{}{digits}", "0".repeat(zeros));
            let folder = self
                .docs
                .as_ref()
                .is_some_and(|d| d.employee(self.inputs, &padded).listing.is_some());
            let max = self.setup.profile.limits.max_file_bytes;
            let photo = self
                .photos
                .as_ref()
                .is_some_and(|p| p.find(self.inputs, None, Some(&padded), max).is_ok());
            if folder {
                Some(format!("docs/{}", crate::model::mask_id(&padded)))
            } else {
                photo.then(|| format!("photos/{}", crate::model::mask_id(&padded)))
            }
        });
        if let Some(found) = found {
            issue.code = codes::ROSTER_PASSPORT_AS_NUMBER_FOUND.into();
            issue.args.push(("found".into(), found));
        }
        true
    }

    /// Finds, reads and judges the employee's photo. Returns the verdict line, the photo as
    /// a packet entry (original bytes) and the measurements for report.json.
    fn judge_photo(
        &self,
        row: &RosterRow,
        issues: &mut Vec<Issue>,
    ) -> (
        Option<PhotoLine>,
        Option<Document>,
        Option<serde_json::Value>,
        Option<packet::PlatformPhoto>,
    ) {
        let emp = &row.employee;
        let on_row = |i: Issue| {
            let i = i.sheet(emp.sheet.clone()).row(emp.row);
            match emp.cell_of(crate::model::Field::Photo) {
                Some(c) if emp.photo.is_some() => i.cell(c),
                _ => i,
            }
        };
        let Some(index) = &self.photos else {
            issues.push(on_row(Issue::error(codes::PHOTO_NO_FOLDER)));
            return (None, None, None, None);
        };
        let max_bytes = self.setup.profile.limits.max_file_bytes;
        let file = match index.find_employee(self.inputs, emp, max_bytes) {
            Ok(f) => f,
            Err(issue) => {
                issues.push(on_row(issue));
                return (None, None, None, None);
            }
        };
        issues.extend(file.warnings.iter().cloned().map(on_row));
        let bytes = file.bytes;
        let verdict = photo::judge(&bytes, &file.name, &self.setup.profile);
        let line = verdict.line();
        issues.extend(verdict.issues.into_iter().map(on_row));
        let detail = serde_json::to_value(&verdict.report).ok();
        let platform = self.packets.and_then(|_| {
            self.platform_photo(&file.name, &bytes, verdict.working.as_ref(), issues)
        });
        let doc = Document {
            item_id: packet::PHOTO_ITEM.to_string(),
            original: file.name.clone(),
            content: Content::Bytes(bytes),
        };
        (Some(line), Some(doc), detail, platform)
    }

    /// Renders the cover, assembles the packet and writes it atomically. A failure becomes
    /// an issue on the employee; a previous packet of the same name is left as it was.
    fn write_packet(&self, work: &mut Work, sink: &dyn Sink, name: &str) {
        let s = self.setup;
        let o = &mut work.outcome;
        let scans = packet::sorted(
            &o.checklist,
            s.rules.checklists.sides(),
            std::mem::take(&mut work.scans),
        );
        let checklist = &o.checklist;
        let names = |id: &str| {
            checklist
                .iter()
                .find(|l| l.id == id)
                .map(|l| (l.name_zh.clone(), l.name_en.clone()))
        };
        let mut uploads = item_uploads(&scans, &names, &s.limits, &mut o.issues);
        for line in &o.checklist {
            let shared = line
                .files
                .iter()
                .any(|f| f.starts_with(&format!("{}/", documents::COMPANY_DIR)));
            if shared && let Some(u) = self.company_uploads.iter().find(|u| u.item_id == line.id) {
                uploads.push(u.clone());
            }
        }
        let sources = PacketSources {
            cover: Vec::new(),
            letters: std::mem::take(&mut work.letters),
            photo: work.photo.take(),
            platform_photo: work.platform_photo.take(),
            uploads,
            scans,
            company_scans: std::mem::take(&mut work.company_scans),
        };
        let mut plan = packet::plan(&o.checklist, s.rules.checklists.sides(), sources);
        o.details
            .insert("packet_entries".into(), serde_json::json!(plan.manifest()));
        o.uploads = plan.uploads.clone();

        // The cover reflects everything known before the packet is written.
        let mut preview = o.clone();
        finish(&mut preview, work.state, self.roster_blocked);
        let mut cover = CoverData::from_outcome(
            &preview,
            &self.company,
            self.as_of,
            &s.catalog,
            &s.countries,
        );
        cover.timeline = work.timeline.clone();
        let lines = s.rules.enquiry();
        cover.enquiry = [&lines.work_permit, &lines.residence_permit]
            .into_iter()
            .map(|e| Enquiry {
                name_zh: e.office_zh.clone(),
                name_en: e.office_en.clone(),
                phone: e.phone.clone(),
            })
            .collect();
        match s.renderer.cover(&cover) {
            Ok(pdf) => {
                push_new(&mut o.issues, pdf.warnings);
                plan.set_cover(pdf.bytes);
            }
            Err(problems) => {
                push_new(&mut o.issues, problems);
                return;
            }
        }
        match packet::write_packet(
            sink,
            name,
            &plan.entries,
            self.as_of,
            self.password.as_deref(),
            s.limits.scans.max_file_bytes,
        ) {
            Ok((_, left_out)) => {
                o.issues.extend(left_out.iter().map(|l| l.to_issue(name)));
                o.packet = Some(name.to_string());
            }
            Err(e) => o.issues.push(e.to_issue(name)),
        }
    }
}

impl Batch<'_> {
    /// The photo as the platform takes it (`upload/photo.jpg`). A photo that cannot be
    /// decoded has been judged already by the photo stage; only a photo that cannot be made
    /// small enough is said here.
    fn platform_photo(
        &self,
        name: &str,
        bytes: &[u8],
        working: Option<&photo::decode::Working>,
        issues: &mut Vec<Issue>,
    ) -> Option<packet::PlatformPhoto> {
        let s = self.setup;
        let min = (
            s.profile.resolution.min_width_px,
            s.profile.resolution.min_height_px,
        );
        let sizes = (
            s.limits.upload.photo_min_bytes,
            s.limits.upload.photo_max_bytes,
        );
        match crate::upload::photo::platform_photo(name, bytes, working, min, sizes) {
            Ok(p) => Some(packet::PlatformPhoto {
                how: if p.unchanged {
                    crate::outcome::UploadHow::PassedThrough
                } else {
                    crate::outcome::UploadHow::Recompressed {
                        long_side: p.width.max(p.height),
                        quality: p.quality,
                    }
                },
                jpeg: p.jpeg,
                file: name.to_string(),
                within_budget: true,
            }),
            Err(issue) => {
                if issue.code == codes::UPLOAD_PHOTO_TOO_LARGE {
                    issues.push(issue.file(name.to_string()));
                }
                None
            }
        }
    }
}

/// The upload file of each of the employee's items with files, from `scans` in packet order
/// (a card's front before its back). A file that cannot be read is left out of its upload
/// file (the packet says so for the originals too).
pub(crate) fn item_uploads(
    scans: &[Document],
    names: &dyn Fn(&str) -> Option<(String, String)>,
    limits: &crate::limits::Limits,
    issues: &mut Vec<Issue>,
) -> Vec<packet::Upload> {
    let mut out = Vec::new();
    for group in scans.chunk_by(|a, b| a.item_id == b.item_id) {
        let read: Vec<(String, std::borrow::Cow<'_, [u8]>)> = group
            .iter()
            .filter_map(|d| {
                d.content
                    .read(limits.scans.max_file_bytes)
                    .ok()
                    .map(|b| (d.original.clone(), b))
            })
            .collect();
        let sources: Vec<crate::upload::Source<'_>> = read
            .iter()
            .map(|(name, bytes)| crate::upload::Source { name, bytes })
            .collect();
        let item = &group[0].item_id;
        let made = crate::upload::item_pdf(item, &sources, &limits.upload);
        let (zh, en) = names(item).unwrap_or_else(|| (item.clone(), item.clone()));
        push_new(
            issues,
            made.issues
                .into_iter()
                .map(|i| i.arg("item_zh", &zh).arg("item_en", &en))
                .collect(),
        );
        if let Some(c) = made.converted {
            let within_budget = c.pdf.len() as u64 <= limits.upload.max_file_bytes;
            out.push(packet::Upload {
                item_id: item.clone(),
                pdf: c.pdf,
                pages: c.pages,
                files: c.files,
                how: c.how,
                within_budget,
            });
        }
    }
    out
}

/// Adds the issues not already listed: the documents of one employee print the same fields,
/// and a character one cannot print is one warning, not one per document.
fn push_new(issues: &mut Vec<Issue>, new: Vec<Issue>) {
    for issue in new {
        if !issues.contains(&issue) {
            issues.push(issue);
        }
    }
}

/// Why the batch stopped before every employee was processed.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// An outcome cannot be written to the spool (a full disk).
    #[error("cannot keep the employees' results: {0}")]
    Keep(#[source] crate::spool::SpoolError),
    /// Not one worker thread could be started.
    #[error("cannot start a worker thread: {0}")]
    Thread(#[source] std::io::Error),
}

/// Stack size of a worker thread: typst's layout recurses deeply on long tables.
const WORKER_STACK: usize = 32 << 20;

impl Batch<'_> {
    /// The outcomes in row order, in memory (for tests of the workers).
    #[cfg(test)]
    fn process_all(
        &self,
        rows: &[(&RosterRow, String)],
        jobs: usize,
        progress: &dyn Progress,
    ) -> Result<Vec<EmployeeOutcome>, BatchError> {
        use std::sync::Mutex;
        let slots: Vec<Mutex<Option<EmployeeOutcome>>> =
            rows.iter().map(|_| Mutex::new(None)).collect();
        self.process_each(rows, jobs, progress, &|i, outcome| {
            if let Ok(mut slot) = slots[i].lock() {
                *slot = Some(outcome);
            }
            Ok(())
        })?;
        Ok(rows
            .iter()
            .zip(slots)
            .map(|((row, _), slot)| {
                slot.into_inner()
                    .ok()
                    .flatten()
                    .unwrap_or_else(|| unprocessed(row))
            })
            .collect())
    }

    /// Processes every row on `jobs` worker threads, telling `progress` after each employee;
    /// each outcome goes to `spool` (under its row index) as soon as its employee is done.
    /// Exactly `jobs` employees are in flight at any time, so memory is bounded by `jobs`,
    /// not by the batch. Every row has an outcome in the spool afterwards. `Err` when the
    /// spool cannot be written (a full disk): the run stops.
    ///
    /// The workers are plain threads, not rayon tasks: typst parallelises its own layout with
    /// rayon, and a rayon worker waiting on that inner work steals other employees' tasks on
    /// the same stack, so the number of photos, letters and packets half-done at once (and
    /// the stack depth) would grow with the batch. From a plain thread, typst's inner work
    /// runs on rayon's pool while the worker waits.
    pub fn process_into(
        &self,
        rows: &[(&RosterRow, String)],
        jobs: usize,
        progress: &dyn Progress,
        spool: &Spool,
    ) -> Result<(), BatchError> {
        let spool_err = |e: std::io::Error| BatchError::Keep(spool.error(e));
        self.process_each(rows, jobs, progress, &|i, outcome| {
            spool.put(i, &outcome).map_err(spool_err)
        })?;
        for (i, (row, _)) in rows.iter().enumerate() {
            if !spool.has(i) {
                spool.put(i, &unprocessed(row)).map_err(spool_err)?;
            }
        }
        Ok(())
    }

    /// Runs the workers; `put` receives each outcome with its row index, from the worker
    /// that made it. The first `put` error stops the workers (after the employees in
    /// flight) and is returned.
    fn process_each(
        &self,
        rows: &[(&RosterRow, String)],
        jobs: usize,
        progress: &dyn Progress,
        put: &(dyn Fn(usize, EmployeeOutcome) -> Result<(), BatchError> + Sync),
    ) -> Result<(), BatchError> {
        use std::sync::Mutex;
        use std::sync::atomic::{AtomicUsize, Ordering};
        let next = AtomicUsize::new(0);
        let failed: Mutex<Option<BatchError>> = Mutex::new(None);
        let worker = || {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((row, name)) = rows.get(i) else {
                    break;
                };
                let outcome = self.process_cached(row, name);
                let status = outcome.status;
                if let Err(e) = put(i, outcome) {
                    next.store(rows.len(), Ordering::Relaxed);
                    if let Ok(mut f) = failed.lock() {
                        f.get_or_insert(e);
                    }
                    break;
                }
                progress.employee_done(i, status);
            }
        };
        let jobs = jobs.clamp(1, rows.len().max(1));
        std::thread::scope(|scope| {
            let mut started = 0;
            for k in 0..jobs {
                let spawned = std::thread::Builder::new()
                    .name(format!("permitpack-worker-{k}"))
                    .stack_size(WORKER_STACK)
                    .spawn_scoped(scope, worker);
                match spawned {
                    Ok(_) => started += 1,
                    Err(e) if started == 0 => {
                        return Err(BatchError::Thread(e));
                    }
                    Err(_) => break, // fewer workers than asked: the others carry on
                }
            }
            Ok(())
        })?;
        match failed.into_inner() {
            Ok(Some(e)) => Err(e),
            _ => Ok(()),
        }
    }

    /// Makes every packet of the run durable once all are written (packets are renamed into
    /// place without waiting for the disk, see [`packet::write_packet`]); call it before the
    /// report that lists them is written. An outcome whose packet could not be synced is
    /// read back, given the issue, no longer listed as written, and spooled again.
    pub fn sync_spooled_packets(&self, spool: &Spool) -> std::io::Result<()> {
        let Some(sink) = self.packets else {
            return Ok(());
        };
        let mut written: Vec<(usize, String)> = Vec::new();
        for (i, o) in spool.each().enumerate() {
            if let Some(p) = &o?.packet {
                written.push((i, p.clone()));
            }
        }
        let names: Vec<&str> = written.iter().map(|(_, n)| n.as_str()).collect();
        let failed = packet::sync_packets(sink, &names);
        for (name, issue) in failed {
            for (i, _) in written.iter().filter(|(_, n)| *n == name) {
                let mut o = spool.get(*i)?;
                self.unlist_packet(&mut o, issue.clone());
                spool.put(*i, &o)?;
            }
        }
        Ok(())
    }

    /// An outcome whose packet did not reach the disk.
    fn unlist_packet(&self, o: &mut EmployeeOutcome, issue: Issue) {
        o.packet = None;
        o.issues.push(issue);
        finish(o, o.window_state, self.roster_blocked);
    }
}

/// The outcome of a row no worker finished.
fn unprocessed(row: &RosterRow) -> EmployeeOutcome {
    let mut issues = row.issues.clone();
    issues.push(
        Issue::error(codes::INTERNAL_ERROR)
            .arg("detail", "the employee was not processed")
            .sheet(row.employee.sheet.clone())
            .row(row.employee.row),
    );
    blank_outcome(row, issues)
}

/// Settles readiness and status once every issue is known.
/// A finding about the shared company scans: a missing company item, or a file in
/// `_company/` that fits no item.
fn is_company_finding(issue: &Issue) -> bool {
    issue.code == codes::DOCUMENT_COMPANY_MISSING
        || (issue.code == codes::DOCUMENT_UNMATCHED
            && issue
                .at
                .file
                .as_deref()
                .is_some_and(|f| f.starts_with(&format!("{}/", documents::COMPANY_DIR))))
}

/// For an employee whose window opens later, a missing scan is a to-do with the date to
/// have it by (the window's first day), not an error: nothing can be filed before then.
fn defer_until_window(issues: &mut [Issue], state: WindowState, opens: Option<NaiveDate>) {
    let (WindowState::NotYet, Some(opens)) = (state, opens) else {
        return;
    };
    for issue in issues.iter_mut() {
        let code = if issue.code == codes::DOCUMENT_MISSING {
            codes::DOCUMENT_TODO
        } else if issue.code == codes::DOCUMENT_NOT_CHECKED {
            codes::DOCUMENT_TODO_UNCHECKED
        } else {
            continue;
        };
        issue.code = code.to_string();
        issue.severity = crate::issue::Severity::Warning;
        issue.args.push(("by".into(), opens.to_string()));
    }
}

fn finish(o: &mut EmployeeOutcome, state: rules::WindowState, roster_blocked: bool) {
    o.ready = !roster_blocked && rules::is_ready(state, &o.issues);
    o.status = rules::status(state, &o.issues);
    if roster_blocked && o.status == Status::Ready {
        o.status = Status::Attention;
    }
}

/// The outcome of a row no stage could finish.
pub(crate) fn blank_outcome(row: &RosterRow, issues: Vec<Issue>) -> EmployeeOutcome {
    EmployeeOutcome::blank(row.employee.clone(), issues)
}

/// The employee's and the company's matched scans as packet entries (read when the packet is
/// written, not held in memory).
fn scan_documents(
    inputs: &dyn Inputs,
    checklist: &[ChecklistLine],
    own: Option<&FolderScan>,
    company: &FolderScan,
) -> (Vec<Document>, Vec<Document>) {
    let mut scans = Vec::new();
    let mut company_docs = Vec::new();
    for line in checklist {
        for name in &line.files {
            let company_file = name
                .strip_prefix(documents::COMPANY_DIR)
                .and_then(|rest| rest.strip_prefix('/'));
            if let Some(rest) = company_file {
                if let Some(file) = company.file(rest) {
                    company_docs.push(Document {
                        item_id: line.id.clone(),
                        original: name.clone(),
                        content: inputs.scan(file),
                    });
                }
            } else if let Some(file) = own.and_then(|o| o.file(name)) {
                scans.push(Document {
                    item_id: line.id.clone(),
                    original: name.clone(),
                    content: inputs.scan(file),
                });
            }
        }
    }
    (scans, company_docs)
}

/// A letter permitpack could not write: its checklist line is [`ItemStatus::Missing`] and
/// says why and what to fix, instead of the "written by permitpack" of `checklists.toml`.
/// Empty fields are listed together; any other error is given with its own message and
/// action.
fn explain_not_generated(line: &mut ChecklistLine, problems: &[Issue], catalog: &Catalog) {
    line.status = ItemStatus::Missing;
    let errors: Vec<&Issue> = problems.iter().filter(|i| i.is_error()).collect();
    let empty: Vec<&Issue> = errors
        .iter()
        .copied()
        .filter(|i| i.code == codes::TEMPLATE_MISSING_FIELD)
        .collect();
    let (zh, en) = if !empty.is_empty() {
        let fields = |key: &str, sep: &str, quote: bool| {
            empty
                .iter()
                .filter_map(|i| i.get(key))
                .map(|f| {
                    if quote {
                        format!("“{f}”")
                    } else {
                        f.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join(sep)
        };
        let args = [
            ("fields_zh", fields("field_zh", "、", true)),
            ("fields", fields("field", ", ", false)),
            ("count", empty.len().to_string()),
        ];
        (
            catalog.ui("ui.item.not_generated.empty", Lang::Zh, &args),
            catalog.ui("ui.item.not_generated.empty", Lang::En, &args),
        )
    } else {
        let reason = |lang: Lang| {
            errors
                .first()
                .map(|i| format!("{} {}", catalog.message(i, lang), catalog.action(i, lang)))
                .unwrap_or_default()
        };
        (
            catalog.ui(
                "ui.item.not_generated.other",
                Lang::Zh,
                &[("reason", reason(Lang::Zh))],
            ),
            catalog.ui(
                "ui.item.not_generated.other",
                Lang::En,
                &[("reason", reason(Lang::En))],
            ),
        )
    };
    line.how_zh = zh;
    line.how_en = en;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::Templates;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Issue messages are printed on the cover sheet: every character of every built-in
    /// message must be in the embedded fonts, or covers would fail with `template.glyph`.
    #[test]
    fn every_message_character_is_in_the_fonts() {
        let templates = Templates::builtin();
        let fonts = render::fonts::FontSet::builtin().unwrap();
        let mut missing = std::collections::BTreeSet::new();
        for name in templates.list("messages", "toml") {
            let text = templates.get_text(&format!("messages/{name}")).unwrap();
            let table: toml::Table = toml::from_str(&text).unwrap();
            for (code, entry) in &table {
                for (_, v) in entry.as_table().into_iter().flatten() {
                    for c in v.as_str().unwrap_or("").chars() {
                        if !c.is_control() && !fonts.covers(c) {
                            missing.insert(format!("{c} (U+{:04X}) in {code}", c as u32));
                        }
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "characters missing from the fonts: {missing:?}"
        );
    }

    #[test]
    fn process_all_keeps_row_order_and_reports_progress() {
        let setup = Setup::load(None, "shenzhen-2inch").unwrap();
        let mut csv = String::from(
            "Name,Passport No,Nationality,Date of birth,Talent category,Position,\
             Work permit expiry,Residence permit expiry\n",
        );
        for i in 0..23 {
            csv.push_str(&format!(
                "Person {i},EA{:07},Poland,1985-02-03,(六),Engineer,2027-01-10,2027-01-10\n",
                1_000_000 + i
            ));
        }
        let roster = crate::roster::read(csv.as_bytes(), "r.csv", &setup.aliases).unwrap();
        let inputs = crate::run::MemoryInputs::default();
        let batch = Batch {
            setup: &setup,
            inputs: &inputs,
            as_of: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
            company: Company::default(),
            roster_blocked: false,
            photos: None,
            docs: None,
            company_scans: FolderScan::default(),
            packets: None,
            password: None,
            cache: None,
            company_uploads: Vec::new(),
        };
        let rows: Vec<(&RosterRow, String)> = roster
            .rows
            .iter()
            .map(|r| (r, format!("{}.zip", r.employee.row)))
            .collect();
        struct Count(AtomicUsize);
        impl Progress for Count {
            fn employee_done(&self, _index: usize, _status: Status) {
                self.0.fetch_add(1, Ordering::Relaxed);
            }
        }
        let tick = Count(AtomicUsize::new(0));
        let done = &tick.0;
        for jobs in [1, 3, 64] {
            done.store(0, Ordering::Relaxed);
            let outcomes = batch.process_all(&rows, jobs, &tick).unwrap();
            assert_eq!(done.load(Ordering::Relaxed), 23);
            let names: Vec<_> = outcomes.iter().map(|o| o.employee.name.clone()).collect();
            let want: Vec<_> = (0..23).map(|i| Some(format!("Person {i}"))).collect();
            assert_eq!(names, want, "jobs = {jobs}");
        }
        assert!(batch.process_all(&[], 2, &tick).unwrap().is_empty());

        // The same into a spool: every row, in row order, nothing left in the folder.
        let dir = tempfile::tempdir().unwrap();
        for jobs in [1, 3] {
            let spool = Spool::new_in(dir.path(), rows.len()).unwrap();
            batch.process_into(&rows, jobs, &tick, &spool).unwrap();
            let names: Vec<_> = spool
                .each()
                .map(|o| o.unwrap().employee.name.clone())
                .collect();
            let want: Vec<_> = (0..23).map(|i| Some(format!("Person {i}"))).collect();
            assert_eq!(names, want, "jobs = {jobs}");
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
