//! The `render` stage: the salary certificate, the certificate (guarantee) letter and the
//! cover checklist of one employee as PDF bytes, typeset by typst used as a library.
//!
//! Wording and layout live in the editable templates `templates/{salary_certificate,
//! guarantee_letter,cover,common}.typ`; the data reaches them as JSON (never pasted into
//! markup). Before rendering, the fields a template declares (`// permitpack:requires ...`)
//! must be present, and every string is cleaned for printing ([`glyphs`]: invisible characters
//! removed, a character no font has drawn as a box, with a `template.glyph` warning); problems
//! come back as issues (`template.missing_field`, `template.glyph`, `template.error`).
//!
//! A [`Renderer`] is built once, is `Send + Sync` and cheap to clone, and renders documents
//! from any number of threads.

pub mod data;
pub mod fields;
pub mod fonts;
pub mod glyphs;
pub mod numerals;
mod world;

pub use data::{
    BiText, CompanyData, CoverData, DateText, EmployeeData, Enquiry, LetterData, Money, PhotoData,
    RowRef, Term, TimelineData, WindowData,
};
pub use world::DATA_PATH;

use crate::assets::{AssetError, Templates};
use crate::catalog::{Catalog, CatalogError};
use crate::codes;
use crate::issue::Issue;
use chrono::{Datelike, NaiveDate};
use fields::Labels;
use fonts::FontSet;
use serde::Serialize;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use typst::World;
use typst::WorldExt;
use typst::diag::{Severity as TypstSeverity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};
use world::{DATA_ID, DocWorld, Shared};

/// A document permitpack renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Doc {
    SalaryCertificate,
    GuaranteeLetter,
    Cover,
}

impl Doc {
    pub const ALL: [Doc; 3] = [Doc::SalaryCertificate, Doc::GuaranteeLetter, Doc::Cover];

    /// Template file stem, also the key of `template.document.*` labels.
    pub fn stem(self) -> &'static str {
        match self {
            Doc::SalaryCertificate => "salary_certificate",
            Doc::GuaranteeLetter => "guarantee_letter",
            Doc::Cover => "cover",
        }
    }

    /// Template file name relative to the templates folder.
    pub fn template(self) -> String {
        format!("{}.typ", self.stem())
    }
}

/// Template files read at start-up: the documents and the shared layout helpers.
const SHARED_TEMPLATES: [&str; 1] = ["common.typ"];

/// Every this many documents (over all threads) the typst memo cache is trimmed...
const EVICT_EVERY: usize = 4;
/// ...of entries unused since the last trim. Measured with `benches/render.rs` over 2,000
/// mixed documents on 2 threads: peak 59 MB and 17.3 ms CPU a document; evict(0) after
/// every document gave 43 MB and 19.8 ms; every 8 keeping 2 ages grew to 119 MB by 300.
const EVICT_AGE: usize = 1;

/// Stack of the render threads. typst's layout recurses deeply (the cover sheet overflowed a
/// 2 MiB rayon worker stack in a release build); stacks are mapped on demand, so only the
/// pages used cost memory.
const RENDER_STACK: usize = 32 * 1024 * 1024;

/// A rendered PDF and any warnings typst gave for it (a user's template).
#[derive(Debug, Clone)]
pub struct Pdf {
    pub bytes: Vec<u8>,
    pub warnings: Vec<Issue>,
}

struct Inner {
    /// Documents are typeset on these threads, never on the caller's (see `render`).
    pool: rayon::ThreadPool,
    shared: Shared,
    catalog_labels: Labels,
    /// Required field paths per document, in `Doc::ALL` order.
    required: [Vec<String>; 3],
    rendered: AtomicUsize,
    evict_every: AtomicUsize,
    evict_age: AtomicUsize,
}

/// Renders documents. Build once per run; clones share everything.
#[derive(Clone)]
pub struct Renderer {
    inner: Arc<Inner>,
}

/// Why the renderer cannot start: a template or font file that cannot be read or used, a
/// template that requires a field permitpack does not provide, or no render threads.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    Asset(#[from] AssetError),
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error("cannot start the render threads: {0}")]
    Threads(#[from] rayon::ThreadPoolBuildError),
    #[error("built-in font {0} could not be read")]
    BuiltinFont(&'static str),
    #[error(
        "template file {file} is not a font permitpack can read \
         (TrueType or OpenType expected)"
    )]
    Font { file: String },
    #[error("template {0} could not be loaded")]
    NotLoaded(String),
    #[error(
        "template {file}: `permitpack:requires` names the field `{field}`, which \
         permitpack does not provide; see the field list in {}",
        DATA_PATH
    )]
    UnknownField { file: String, field: String },
}

impl Renderer {
    /// Loads fonts, templates and field labels, with one render thread per core. Fails with a
    /// message naming the template file when a template cannot be read or requires a field
    /// permitpack does not know.
    pub fn new(templates: &Templates) -> Result<Renderer, RenderError> {
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        Renderer::with_threads(templates, threads)
    }

    /// [`Renderer::new`] with `threads` render threads (at least 1): the most documents
    /// typeset at once, whatever number of threads call the renderer.
    pub fn with_threads(templates: &Templates, threads: usize) -> Result<Renderer, RenderError> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.max(1))
            .stack_size(RENDER_STACK)
            .thread_name(|i| format!("permitpack-render-{i}"))
            .build()?;
        let fonts = FontSet::load(templates)?;
        let catalog = Catalog::load(templates)?;
        let mut preload: Vec<String> = Doc::ALL.iter().map(|d| d.template()).collect();
        preload.extend(SHARED_TEMPLATES.iter().map(|s| s.to_string()));
        let shared = Shared::new(templates, fonts, &preload)?;

        let mut required: [Vec<String>; 3] = Default::default();
        for (i, doc) in Doc::ALL.into_iter().enumerate() {
            let source = shared
                .source(&doc.template())
                .ok_or_else(|| RenderError::NotLoaded(doc.template()))?;
            let req = fields::required_fields(source.text());
            let schema = schema(doc);
            if let Some(bad) = req.iter().find(|p| fields::lookup(&schema, p).is_none()) {
                return Err(RenderError::UnknownField {
                    file: doc.template(),
                    field: bad.clone(),
                });
            }
            required[i] = req;
        }
        Ok(Renderer {
            inner: Arc::new(Inner {
                pool,
                shared,
                catalog_labels: Labels::from_catalog(&catalog),
                required,
                rendered: AtomicUsize::new(0),
                evict_every: AtomicUsize::new(EVICT_EVERY),
                evict_age: AtomicUsize::new(EVICT_AGE),
            }),
        })
    }

    /// How often typst's memo cache is trimmed: every `every` documents (over all clones
    /// and threads), dropping entries unused for `age` trims. typst caches layout results
    /// across documents; without trimming, memory grows with the batch (about 1 MB a
    /// document). The default (every 4, age 1) was chosen with `cargo bench --bench render`.
    pub fn set_eviction(&self, every: usize, age: usize) {
        self.inner
            .evict_every
            .store(every.max(1), Ordering::Relaxed);
        self.inner.evict_age.store(age, Ordering::Relaxed);
    }

    /// The dotted field paths a document's template requires.
    pub fn required_fields(&self, doc: Doc) -> &[String] {
        &self.inner.required[doc as usize]
    }

    /// The salary certificate (薪资证明).
    pub fn salary_certificate(&self, data: &LetterData) -> Result<Pdf, Vec<Issue>> {
        self.render(
            Doc::SalaryCertificate,
            data,
            &data.employee,
            None,
            data.as_of,
        )
    }

    /// The certificate (guarantee) letter (证明（担保）函).
    pub fn guarantee_letter(&self, data: &LetterData) -> Result<Pdf, Vec<Issue>> {
        self.render(Doc::GuaranteeLetter, data, &data.employee, None, data.as_of)
    }

    /// The cover checklist.
    pub fn cover(&self, data: &CoverData) -> Result<Pdf, Vec<Issue>> {
        self.render(
            Doc::Cover,
            data,
            &data.employee,
            data.photo.as_ref(),
            data.as_of,
        )
    }

    /// The checks done before rendering (required fields, glyph coverage), without
    /// rendering: for `permitpack check`. Without errors when the document would render.
    pub fn check_letter(&self, doc: Doc, data: &LetterData) -> Vec<Issue> {
        match to_json(data) {
            Ok(mut v) => self.check_value(doc, &mut v, &data.employee),
            Err(i) => vec![*i],
        }
    }

    /// Cleans `value` for printing (see [`glyphs`]: its warnings never stop a document),
    /// then checks the fields the template requires.
    fn check_value(
        &self,
        doc: Doc,
        value: &mut serde_json::Value,
        employee: &EmployeeData,
    ) -> Vec<Issue> {
        let name = employee.display_name();
        let labels = &self.inner.catalog_labels;
        let mut issues = glyphs::clean(
            &self.inner.shared.fonts,
            value,
            labels,
            &name,
            &employee.source,
        );
        issues.extend(fields::check(
            self.required_fields(doc),
            value,
            labels,
            &name,
            doc.stem(),
            &employee.source,
        ));
        issues
    }

    fn render(
        &self,
        doc: Doc,
        data: &impl Serialize,
        employee: &EmployeeData,
        photo: Option<&PhotoData>,
        as_of: NaiveDate,
    ) -> Result<Pdf, Vec<Issue>> {
        let mut value = to_json(data).map_err(|i| vec![*i])?;
        let checked = self.check_value(doc, &mut value, employee);
        if checked.iter().any(Issue::is_error) {
            return Err(checked);
        }
        let name = employee.display_name();
        let json = serde_json::to_vec(&value).map_err(|e| vec![internal(&name, e)])?;
        let photo = photo.and_then(|p| {
            let id = DocWorld::photo_id(p.thumbnail.as_deref()?)?;
            Some((id, Bytes::new(p.thumbnail_bytes.clone()?)))
        });
        let today = Datetime::from_ymd(as_of.year(), as_of.month() as u8, as_of.day() as u8)
            .ok_or_else(|| vec![internal(&name, "as-of date out of range")])?;
        let main = world::file_id(&format!("/{}", doc.template()));
        let ident = format!(
            "permitpack/{}/{}",
            doc.stem(),
            employee.passport_no.as_deref().unwrap_or(&name)
        );

        // The document is typeset on the renderer's own threads while the caller blocks on a
        // channel. typst-pdf hands work to rayon and, while waiting for it, lets the waiting
        // thread run other queued rayon jobs: on a caller's rayon worker (the pipeline's
        // `par_iter`) that started the next employees' documents nested on the same stack,
        // which overflowed the stack and kept every unfinished document in memory
        // (1.1 GB after 2,000 documents). A plain channel wait steals nothing.
        let inner = Arc::clone(&self.inner);
        let data = Bytes::new(json);
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        let job_name = name.clone();
        self.inner.pool.spawn(move || {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let world = DocWorld {
                    shared: &inner.shared,
                    main,
                    data,
                    photo,
                    today,
                };
                compile(&world, &job_name, ident, today)
            }))
            .unwrap_or_else(|_| Err(vec![internal(&job_name, "the typesetter stopped")]));
            after_document(&inner);
            drop(inner);
            let _ = tx.send(result);
        });
        let mut result = rx
            .recv()
            .unwrap_or_else(|_| Err(vec![internal(&name, "the typesetter stopped")]));
        match &mut result {
            Ok(pdf) => pdf.warnings.splice(0..0, checked).for_each(drop),
            Err(issues) => issues.splice(0..0, checked).for_each(drop),
        }
        result
    }
}

/// Typesets one document and exports it as PDF/A-2b.
fn compile(
    world: &DocWorld,
    name: &str,
    ident: String,
    today: Datetime,
) -> Result<Pdf, Vec<Issue>> {
    let warned = typst::compile::<PagedDocument>(world);
    let mut warnings = diagnostics(world, &warned.warnings, name);
    let document = warned
        .output
        .map_err(|errors| diagnostics(world, &errors, name))?;
    // PDF/A-2b: archivable, all fonts embedded; costs about 4 KB a document.
    let standards =
        PdfStandards::new(&[PdfStandard::A_2b]).map_err(|e| vec![internal(name, e.message())])?;
    let options = PdfOptions {
        ident: Smart::Custom(ident),
        creator: Smart::Custom(Some(format!(
            "permitpack {} (typst)",
            env!("CARGO_PKG_VERSION")
        ))),
        // Noon of the as-of date, China Standard Time: a fixed instant that shows the
        // same date in any viewer's time zone between UTC-11 and UTC+11.
        timestamp: Datetime::from_ymd_hms(
            today.year().unwrap_or(2000),
            today.month().unwrap_or(1),
            today.day().unwrap_or(1),
            12,
            0,
            0,
        )
        .and_then(|noon| Timestamp::new_local(noon, 8 * 60)),
        page_ranges: None,
        standards,
        tagged: true,
        pretty: false,
    };
    let bytes =
        typst_pdf::pdf(&document, &options).map_err(|errors| diagnostics(world, &errors, name))?;
    warnings.retain(|w| !w.is_error());
    Ok(Pdf { bytes, warnings })
}

/// Keeps typst's memo cache from growing with the batch.
fn after_document(inner: &Inner) {
    let n = inner.rendered.fetch_add(1, Ordering::Relaxed) + 1;
    let every = inner.evict_every.load(Ordering::Relaxed).max(1);
    if n.is_multiple_of(every) {
        comemo::evict(inner.evict_age.load(Ordering::Relaxed));
    }
}

/// The data as the JSON the template reads.
fn to_json(data: &impl Serialize) -> Result<serde_json::Value, Box<Issue>> {
    serde_json::to_value(data).map_err(|e| Box::new(internal("?", e)))
}

fn internal(employee: &str, detail: impl std::fmt::Display) -> Issue {
    Issue::error(codes::INTERNAL_ERROR).arg("detail", format!("{employee}: {detail}"))
}

/// typst diagnostics as `template.error` / `template.warning` issues naming the template
/// file and line.
fn diagnostics(world: &DocWorld, diags: &[SourceDiagnostic], employee: &str) -> Vec<Issue> {
    diags
        .iter()
        .map(|d| {
            let mut detail = d.message.to_string();
            for hint in &d.hints {
                detail.push_str(" (");
                detail.push_str(&hint.v);
                detail.push(')');
            }
            let code = match d.severity {
                TypstSeverity::Error => codes::TEMPLATE_ERROR,
                TypstSeverity::Warning => codes::TEMPLATE_WARNING,
            };
            let (file, line) = position(world, d);
            let mut issue = Issue::new(
                code,
                match d.severity {
                    TypstSeverity::Error => crate::issue::Severity::Error,
                    TypstSeverity::Warning => crate::issue::Severity::Warning,
                },
            )
            .arg("employee", employee)
            .arg("file", file.clone())
            .arg("line", line.map_or("?".to_string(), |l| l.to_string()))
            .arg("detail", detail);
            if !file.is_empty() {
                issue = issue.file(file);
            }
            issue
        })
        .collect()
}

/// Template file (relative to the templates folder) and 1-based line of a diagnostic.
fn position(world: &DocWorld, d: &SourceDiagnostic) -> (String, Option<usize>) {
    let Some(id) = d.span.id() else {
        return (String::new(), None);
    };
    let file = id
        .vpath()
        .get_with_slash()
        .trim_start_matches('/')
        .to_string();
    if id == *DATA_ID {
        return (file, None);
    }
    let line = world.range(d.span).and_then(|range| {
        world
            .source(id)
            .ok()
            .and_then(|s| s.lines().byte_to_line(range.start))
            .map(|l| l + 1)
    });
    (file, line)
}

/// A JSON value with every field a document's data can have (all present, all null), to
/// check the field paths a template requires.
fn schema(doc: Doc) -> serde_json::Value {
    let as_of = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
    let date = || Some(DateText::new(as_of));
    let text = || Some(String::new());
    let full_employee = EmployeeData {
        name: text(),
        chinese_name: text(),
        passport_no: text(),
        passport_expiry: date(),
        nationality: text(),
        nationality_zh: text(),
        nationality_en: text(),
        date_of_birth: date(),
        category: text(),
        category_label: text(),
        position: text(),
        position_zh: text(),
        position_en: text(),
        start_date: date(),
        work_permit_no: text(),
        work_permit_expiry: date(),
        residence_permit_expiry: date(),
        annual_salary: Money::new(crate::model::Fen(0)),
        salary_basis: text(),
        mobile: text(),
        source: RowRef::default(),
    };
    let value = match doc {
        Doc::SalaryCertificate | Doc::GuaranteeLetter => serde_json::to_value(LetterData {
            company: CompanyData::default(),
            employee: full_employee,
            date: DateText::new(as_of),
            term: Term::from_years(1.0),
            requested_until: date(),
            as_of,
        }),
        Doc::Cover => serde_json::to_value(CoverData {
            company: CompanyData::default(),
            employee: full_employee,
            date: DateText::new(as_of),
            status: String::new(),
            window: WindowData {
                state: String::new(),
                days_left: Some(0),
                opens: date(),
                deadline: date(),
            },
            timeline: TimelineData {
                expected_review: date(),
                expected_visit: date(),
                expected_pickup: date(),
            },
            term: Term::from_years(1.0),
            fee_rmb: Some(0),
            checklist: Vec::new(),
            onsite: Vec::new(),
            enquiry: Vec::new(),
            notes: Vec::new(),
            photo: Some(PhotoData::new("", true, None)),
            platform_form: vec![crate::platform::FormField {
                section: String::new(),
                section_en: String::new(),
                field: String::new(),
                label_zh: String::new(),
                label_en: String::new(),
                value: String::new(),
                source: crate::platform::Source::Missing,
                note: String::new(),
                note_zh: String::new(),
                verified: false,
            }],
            uploads: vec![data::UploadData {
                entry: String::new(),
                item_id: String::new(),
                name_zh: String::new(),
                name_en: String::new(),
                pages: 0,
                size: String::new(),
                files: vec![String::new()],
                within_budget: false,
            }],
            as_of,
        }),
    };
    value.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_templates_load_and_declare_their_fields() {
        let r = Renderer::new(&Templates::builtin()).unwrap();
        let salary = r.required_fields(Doc::SalaryCertificate);
        assert!(salary.iter().any(|f| f == "employee.annual_salary"));
        assert!(salary.iter().any(|f| f == "employee.passport_no"));
        let guarantee = r.required_fields(Doc::GuaranteeLetter);
        for f in ["employee.date_of_birth", "employee.start_date", "term"] {
            assert!(guarantee.iter().any(|g| g == f), "{f}");
        }
        // The signature name line may stay blank: the representative signs by hand.
        assert!(
            !guarantee
                .iter()
                .any(|g| g == "company.legal_representative")
        );
        assert!(!guarantee.iter().any(|g| g == "employee.annual_salary"));
        assert_eq!(
            r.required_fields(Doc::Cover),
            ["employee.name", "employee.passport_no"]
        );
    }

    #[test]
    fn schema_knows_nested_paths() {
        let s = schema(Doc::Cover);
        for p in [
            "employee.start_date.zh",
            "employee.annual_salary.capital",
            "window.deadline.iso",
            "timeline.expected_pickup.en",
            "photo.thumbnail",
            "checklist",
            "fee_rmb",
        ] {
            assert!(fields::lookup(&s, p).is_some(), "{p}");
        }
        assert!(fields::lookup(&schema(Doc::GuaranteeLetter), "requested_until.zh").is_some());
        assert!(fields::lookup(&schema(Doc::GuaranteeLetter), "employee.nmae").is_none());
    }

    #[test]
    fn renderer_is_shareable_across_threads() {
        fn send_sync<T: Send + Sync + Clone + 'static>() {}
        send_sync::<Renderer>();
    }

    #[test]
    fn doc_names() {
        assert_eq!(Doc::SalaryCertificate.template(), "salary_certificate.typ");
        assert_eq!(Doc::ALL.map(|d| d as usize), [0, 1, 2]);
    }
}
