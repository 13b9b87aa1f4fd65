//! Throughput of the rules and documents stages: `evaluate` plus `match_scans` for a large
//! synthetic company, one employee at a time and nothing kept, as the pipeline streams them.
//! Run: `cargo bench --bench rules` (add `-- 50000` for another batch size).

use chrono::{Days, NaiveDate};
use permitpack::assets::Templates;
use permitpack::documents;
use permitpack::model::{Category, Employee};
use permitpack::rules::{self, Calendar, Rules};
use std::hint::black_box;
use std::time::Instant;

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(20_000);
    let t = Templates::builtin();
    let start = Instant::now();
    let rules = Rules::load(&t).expect("built-in rules");
    let cal = Calendar::load(&t).expect("built-in calendar");
    let load = start.elapsed();

    let as_of = NaiveDate::from_ymd_opt(2026, 11, 2).expect("date");
    let files: Vec<String> = [
        "聘用合同.pdf",
        "Labour Contract.jpg",
        "passport_scan.PDF",
        "完税证明2025.pdf",
        "居留许可页.jpg",
        "相片回执.jpg",
        "WP延期申请表.pdf",
        "random.docx",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let company: Vec<String> = ["公司纳税证明.pdf", "bank_statement.pdf"]
        .iter()
        .map(|s| s.to_string())
        .collect();

    let start = Instant::now();
    let (mut ready, mut issues) = (0usize, 0usize);
    for i in 0..n {
        let expiry = as_of + Days::new((i % 400) as u64);
        let emp = Employee {
            sheet: "Staff".into(),
            row: i as u32 + 2,
            passport_no: Some(format!("E{i:08}")),
            passport_expiry: Some(as_of + Days::new(3000)),
            date_of_birth: NaiveDate::from_ymd_opt(1950 + (i % 50) as i32, 3, 1),
            category: Some(if i % 7 == 0 {
                Category::B(2)
            } else {
                Category::B(6)
            }),
            work_permit_expiry: Some(expiry),
            residence_permit_expiry: Some(expiry),
            years_in_china: Some((i % 6) as f64),
            ..Employee::default()
        };
        let ev = rules::evaluate(&emp, as_of, &rules, &cal);
        let m = documents::match_scans(&ev.checklist, &files, &company);
        let lines = documents::to_lines(&ev.checklist, &m);
        let mut all = ev.issues.clone();
        all.extend(m.issues);
        if rules::is_ready(ev.eligibility.state, &all) {
            ready += 1;
        }
        issues += all.len();
        black_box((&ev.details(), &lines));
    }
    let run = start.elapsed();
    // The parts on their own.
    let list = rules
        .checklists
        .for_key("B6")
        .expect("B6 list")
        .items
        .clone();
    let emp = Employee {
        passport_no: Some("E00000001".into()),
        category: Some(Category::B(6)),
        work_permit_expiry: Some(as_of + Days::new(60)),
        residence_permit_expiry: Some(as_of + Days::new(60)),
        years_in_china: Some(4.0),
        ..Employee::default()
    };
    let t0 = Instant::now();
    for _ in 0..n {
        black_box(rules::evaluate(black_box(&emp), as_of, &rules, &cal));
    }
    let t_eval = t0.elapsed();
    let t0 = Instant::now();
    for _ in 0..n {
        black_box(documents::match_scans(&list, black_box(&files), &company));
    }
    let t_match = t0.elapsed();
    let per = |d: std::time::Duration| d.as_secs_f64() * 1e6 / n as f64;
    println!(
        "per call: evaluate {:.1} µs, match_scans (8 + 2 files) {:.1} µs",
        per(t_eval),
        per(t_match)
    );
    println!(
        "load rules+calendar: {:.1} ms; {n} employees: {:.1} ms ({:.1} µs each); ready {ready}, issues {issues}",
        load.as_secs_f64() * 1e3,
        run.as_secs_f64() * 1e3,
        run.as_secs_f64() * 1e6 / n as f64
    );
}
