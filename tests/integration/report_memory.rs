//! Regression guard for memory: a batch's outcomes wait in the spool on disk, and the four
//! reports are written from it one employee at a time, so the heap does not grow with the
//! number of employees. Measured by counting heap bytes with a wrapping allocator (`alloc_count`,
//! the test alone in its own process), not by RSS: deterministic and cheap enough for
//! CI. It fails if outcomes are collected in memory again, if a report is built whole in
//! memory (an xlsx workbook kept in memory, an HTML page in a String), or if the spool keeps
//! more than its index.

use crate::alloc_count::{self, alone};
use permitpack::assets::Templates;
use permitpack::catalog::{Catalog, Lang};
use permitpack::codes;
use permitpack::issue::Issue;
use permitpack::model::{Category, Company, Employee, Fen, Field};
use permitpack::outcome::{
    ChecklistLine, EmployeeOutcome, ItemKind, ItemStatus, PhotoLine, Status, WindowState,
};
use permitpack::report::{self, RunInfo};
use permitpack::run::FsSink;
use permitpack::spool::{self, Spool};
use serde_json::json;

fn date(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A realistic outcome: ten checklist lines, two issues, stage details and a 40 KB preview,
/// with the name, passport number and packet unique to the employee.
fn outcome(i: usize) -> EmployeeOutcome {
    let row = i as u32 + 2;
    let passport = format!("E{:08}", 10_000_000 + i);
    let mut cells = std::collections::BTreeMap::new();
    cells.insert(Field::Name, format!("B{row}"));
    cells.insert(Field::PassportNo, format!("C{row}"));
    let employee = Employee {
        sheet: "Staff".into(),
        row,
        name: Some(format!("PERSON NUMBER {i}")),
        chinese_name: Some(format!("员工{i}")),
        passport_no: Some(passport.clone()),
        nationality: Some("GBR".into()),
        category: Some(Category::B(6)),
        category_raw: Some("(六)".into()),
        work_permit_expiry: Some(date(2027, 2, 14)),
        residence_permit_expiry: Some(date(2027, 2, 14)),
        annual_salary: Some(Fen::from_yuan(480_000)),
        photo: Some(format!("{passport}.jpg")),
        cells,
        ..Employee::default()
    };
    let checklist = (0..10)
        .map(|k| ChecklistLine {
            id: format!("item_{k}"),
            name_zh: "申请人近1年的完税证明".into(),
            name_en: "Individual income tax certificate".into(),
            kind: ItemKind::Upload,
            status: if k == 3 {
                ItemStatus::Missing
            } else {
                ItemStatus::Provided
            },
            optional: k == 9,
            bring_original: false,
            how_zh: "从个人所得税 App 下载。".repeat(4),
            how_en: "Download it from the Individual Income Tax app. ".repeat(4),
            files: vec![format!("{passport}/item_{k}.pdf")],
        })
        .collect();
    let issues = vec![
        Issue::error(codes::DOCUMENT_MISSING)
            .arg("item", "item_3")
            .sheet("Staff")
            .row(row),
        Issue::warning(codes::PHOTO_RESOLUTION)
            .arg("file", format!("{passport}.jpg"))
            .file(format!("{passport}.jpg")),
    ];
    let mut details = serde_json::Map::new();
    details.insert(
        "photo".into(),
        json!({"width_px": 413 + i, "ratio": 0.7291666, "face": {"x": 1.5, "y": 2.5},
               "histogram": (0..64).map(|v| v * i).collect::<Vec<_>>()}),
    );
    details.insert(
        "packet_entries".into(),
        json!(
            (0..12)
                .map(|k| format!("{k:02}_{passport}_entry.pdf"))
                .collect::<Vec<_>>()
        ),
    );
    EmployeeOutcome {
        employee,
        status: Status::Attention,
        ready: false,
        window_state: WindowState::Open,
        days_left: Some(45),
        window_opens: Some(date(2026, 11, 16)),
        deadline: Some(date(2027, 1, 15)),
        term_years: Some(1.0),
        fee_rmb: Some(800),
        photo: Some(PhotoLine {
            file: format!("{passport}.jpg"),
            ok: true,
            preview: Some((0..40_000).map(|b| (b * 7 + i) as u8).collect()),
            preview_mime: "image/jpeg".into(),
        }),
        checklist,
        issues,
        packet: Some(format!("{passport}_PERSON_NUMBER_{i}.zip")),
        uploads: Vec::new(),
        details,
    }
}

struct Figures {
    /// Heap still held after spooling every outcome (the outcomes themselves are dropped).
    kept: usize,
    /// Peak heap above the start while writing report.json, .csv and .html from the spool.
    peak_text: usize,
    /// Peak heap above the start while writing the four reports from the spool.
    peak: usize,
    /// Size of one spooled outcome.
    record: usize,
}

fn run_batch(n: usize, catalog: &Catalog, templates: &Templates) -> Figures {
    let dir = tempfile::tempdir().unwrap();
    let run = RunInfo {
        as_of: date(2026, 11, 26),
        roster: "roster.xlsx".into(),
        sheet: Some("Staff".into()),
        company: Company::default(),
        roster_issues: Vec::new(),
        tool_version: "0.1.0".into(),
        lang: Lang::Both,
        photo_profile: "shenzhen-2inch".into(),
        company_source: serde_json::Value::Null,
        extra: serde_json::Map::new(),
    };
    let start = alloc_count::live();
    let spool = Spool::new_in(dir.path(), n).unwrap();
    for i in 0..n {
        spool.put(i, &outcome(i)).unwrap();
    }
    let kept = (alloc_count::live() - start).max(0) as usize;
    let css = templates.get_text(report::CSS_TEMPLATE).unwrap();
    let base = alloc_count::start_peak();
    report::json::write(std::io::sink(), &run, &spool, catalog).unwrap();
    report::csv::write(std::io::sink(), &run, &spool, catalog).unwrap();
    report::html::write(std::io::sink(), &run, &spool, catalog, &css).unwrap();
    let peak_text = alloc_count::peak_since(base);
    let base = alloc_count::start_peak();
    let paths =
        report::write_all(&FsSink::new(dir.path()), &run, &spool, catalog, templates).unwrap();
    let peak = alloc_count::peak_since(base);
    assert_eq!(paths.len(), 5);
    drop(spool);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 5);
    Figures {
        kept,
        peak_text,
        peak,
        record: spool::encode(&outcome(0)).len(),
    }
}

#[test]
fn report_memory_does_not_grow_with_the_batch() {
    if !alone("report_memory::report_memory_does_not_grow_with_the_batch") {
        return;
    }
    let templates = Templates::builtin();
    let catalog = Catalog::load(&templates).unwrap();
    let small = run_batch(20, &catalog, &templates);
    let big = run_batch(420, &catalog, &templates);
    let extra = 400;
    let kept_each = big.kept.saturating_sub(small.kept) / extra;
    let text_each = big.peak_text.saturating_sub(small.peak_text) / extra;
    let peak_each = big.peak.saturating_sub(small.peak) / extra;
    eprintln!(
        "record {} B; kept {} -> {} B ({kept_each} B/employee); json+csv+html peak {} -> {} B \
         ({text_each} B/employee); all reports peak {} -> {} B ({peak_each} B/employee)",
        small.record, small.kept, big.kept, small.peak_text, big.peak_text, small.peak, big.peak
    );
    assert!(small.record > 40_000, "the outcome is realistic");
    // The spool keeps its index only.
    assert!(kept_each <= 32, "{kept_each} B kept per employee");
    // report.json, .csv and .html are streamed: nothing grows with the batch.
    assert!(text_each <= 64, "{text_each} B per employee");
    // All four: what grows is report.xlsx's shared strings (names, passport numbers, file
    // names, messages; rust_xlsxwriter keeps them until the file is saved) and its
    // hyperlinks, a few KB an employee, far below the outcome itself.
    assert!(
        peak_each <= 4096,
        "the reports hold {peak_each} B per employee (an outcome is {} B)",
        small.record
    );
}
