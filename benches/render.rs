//! Benchmark of the render stage: documents per second on one thread and with rayon, bytes
//! per PDF, and peak memory (VmHWM) over a batch.
//!
//! ```text
//! cargo bench --bench render                      # 2,000 documents, default cache policy
//! cargo bench --bench render -- --docs 2000 --threads 2 --render-threads 2
//! cargo bench --bench render -- --kind cover --evict-every 8 --evict-age 2
//! cargo bench --bench render -- --evict-every 1 --evict-age 0   # evict(0) after each
//! cargo bench --bench render -- --no-evict                      # memory without trimming
//! cargo bench --bench render -- --full-cover    # the cover's platform form page and uploads
//! PERMITPACK_BENCH_TEMPLATES=DIR cargo bench --bench render      # DIR over the built-ins
//! ```
//!
//! Peak memory is a property of the process, so compare cache policies in separate runs.

use chrono::NaiveDate;
use permitpack::assets::Templates;
use permitpack::countries::Countries;
use permitpack::model::{Category, Company, Employee, Fen, SalaryBasis};
use permitpack::outcome::{ChecklistLine, ItemKind, ItemStatus};
use permitpack::platform::PlatformSpec;
use permitpack::render::{
    BiText, CoverData, DateText, EmployeeData, LetterData, PhotoData, Renderer, Term, TimelineData,
    WindowData, data::UploadData,
};
use rayon::prelude::*;
use std::time::Instant;

struct Args {
    /// Only this document kind in the batch (salary, guarantee, cover); all three if None.
    kind: Option<Kind>,
    docs: usize,
    /// Threads calling the renderer (a rayon pool, as the pipeline does).
    threads: usize,
    /// The renderer's own threads.
    render_threads: usize,
    evict: Option<(usize, usize)>,
    single: usize,
    /// The cover as a real packet has it: the platform form page and the upload lines.
    full_cover: bool,
}

fn args() -> Args {
    let mut a = Args {
        kind: None,
        docs: 2000,
        threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
        render_threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
        evict: None,
        single: 150,
        full_cover: false,
    };
    let v: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    let num = |i: usize| -> usize {
        v.get(i + 1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("{} needs a number", v[i]))
    };
    while i < v.len() {
        match v[i].as_str() {
            "--docs" => a.docs = num(i),
            "--threads" => a.threads = num(i),
            "--render-threads" => a.render_threads = num(i),
            "--single" => a.single = num(i),
            "--evict-every" => a.evict = Some((num(i), a.evict.map_or(0, |e| e.1))),
            "--evict-age" => a.evict = Some((a.evict.map_or(1, |e| e.0), num(i))),
            "--kind" => {
                a.kind = match v.get(i + 1).map(String::as_str) {
                    Some("salary") => Some(Kind::Salary),
                    Some("guarantee") => Some(Kind::Guarantee),
                    Some("cover") => Some(Kind::Cover),
                    _ => panic!("--kind salary|guarantee|cover"),
                }
            }
            "--full-cover" => {
                a.full_cover = true;
                i += 1;
                continue;
            }
            "--no-evict" => {
                a.evict = Some((usize::MAX, 0));
                i += 1;
                continue;
            }
            // cargo bench passes --bench
            _ => {
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    a
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

const GIVEN: [&str; 8] = [
    "Maria",
    "Łukasz",
    "Ayşe",
    "John",
    "Nguyễn Thị",
    "Renée",
    "Carlos",
    "Olga",
];
const FAMILY: [&str; 8] = [
    "García López",
    "Kowalski",
    "Yılmaz",
    "Smith",
    "Lan",
    "Dubois",
    "Núñez",
    "Ivanova",
];

/// Employee `i` of a synthetic company: every document differs in name, passport, dates
/// and salary, as in a real batch.
fn employee(i: usize) -> Employee {
    Employee {
        sheet: "Staff".into(),
        row: 2 + i as u32,
        name: Some(format!("{} {}", GIVEN[i % 8], FAMILY[(i / 8) % 8])),
        chinese_name: i.is_multiple_of(3).then(|| "玛丽亚".to_string()),
        passport_no: Some(format!("E{:08}", 10_000_000 + i * 7919 % 89_999_999)),
        passport_expiry: Some(date(2031, 1 + (i % 12) as u32, 15)),
        nationality: Some(["西班牙", "波兰", "土耳其", "英国"][i % 4].into()),
        date_of_birth: Some(date(
            1970 + (i % 30) as i32,
            1 + (i % 12) as u32,
            1 + (i % 28) as u32,
        )),
        category: Some(Category::B(6)),
        category_raw: Some("B6".into()),
        position: Some(
            [
                "软件工程师 Software Engineer",
                "产品经理",
                "Sales Director 销售总监",
            ][i % 3]
                .into(),
        ),
        start_date: Some(date(2015 + (i % 10) as i32, 3, 1)),
        work_permit_no: Some(format!("4403002019{:05}", i % 100_000)),
        work_permit_expiry: Some(date(2027, 1 + (i % 12) as u32, 10)),
        residence_permit_expiry: Some(date(2027, 1 + (i % 12) as u32, 10)),
        years_in_china: Some(4.0),
        requested_term_years: Some(1.0),
        annual_salary: Some(Fen(30_000_000 + (i as i64 * 1_234_567) % 90_000_000)),
        salary_basis: Some(SalaryBasis::PreTax),
        mobile: Some("13800138000".into()),
        photo: None,
        cells: Default::default(),
        month_only: Default::default(),
        ..Default::default()
    }
}

fn company() -> Company {
    Company {
        name_zh: Some("深圳市前海星河科技有限公司".into()),
        name_en: Some("Shenzhen Qianhai Galaxy Technology Co., Ltd.".into()),
        uscc: Some("91440300MA5G1234X7".into()),
        address: Some("深圳市南山区粤海街道科技园科苑路15号科兴科学园B栋3单元1201室".into()),
        contact_person: Some("王敏".into()),
        contact_phone: Some("0755-86001234".into()),
        contact_email: None,
        legal_representative: Some("李建国".into()),
        salary_basis: None,
    }
}

fn thumbnail() -> Vec<u8> {
    let img = image::RgbImage::from_fn(105, 144, |x, y| {
        let dx = (x as f64 - 52.0) / 26.0;
        let dy = (y as f64 - 60.0) / 33.0;
        if dx * dx + dy * dy < 1.0 {
            image::Rgb([236, 200, 170])
        } else {
            image::Rgb([67, 142, 219])
        }
    });
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

fn cover(i: usize, thumb: &[u8], full: bool) -> CoverData {
    let e = employee(i);
    let item = |id: &str, zh: &str, en: &str, status: &str| ChecklistLine {
        id: id.into(),
        name_zh: zh.into(),
        name_en: en.into(),
        kind: ItemKind::Upload,
        status: serde_json::from_value(status.into()).expect("a checklist status"),
        optional: false,
        how_zh: "平台材料上传页面下载模板".into(),
        how_en: "template on the platform's document upload page".into(),
        files: vec![],
        bring_original: false,
    };
    let mut checklist = vec![
        item(
            "wp_form",
            "外国人来华工作许可延期申请表",
            "Application Form for Extension of Foreigner's Work Permit in China",
            "provided",
        ),
        item(
            "visa_form",
            "外国人签证证件申请表",
            "Foreigner Visa Application Form",
            "after_booking",
        ),
        item(
            "guarantee",
            "申请签证证件的证明（担保）函件",
            "Certificate (guarantee) letter",
            "generated",
        ),
        item(
            "contract",
            "聘用合同原件",
            "Original labour contract",
            "provided",
        ),
        item(
            "passport",
            "申请人护照或国际旅行证件",
            "Original passport",
            "provided",
        ),
        item(
            "rp_page",
            "申请人所持的有效的工作类居留许可页",
            "Copy of the Residence Permit page",
            "provided",
        ),
        item(
            "wp_card",
            "外国人工作许可证",
            "Work Permit card",
            "provided",
        ),
        item(
            "photo_receipt",
            "广东省外国人签证数字相片采集检测回执",
            "Photo receipt",
            if i.is_multiple_of(2) {
                "missing"
            } else {
                "provided"
            },
        ),
        item("salary", "薪资证明材料", "Salary certificate", "generated"),
        item(
            "tax",
            "申请人近1年的完税证明",
            "Individual income tax certificate",
            "missing",
        ),
    ];
    let (platform_form, uploads) = if full {
        // The originals brought on the day, as the real checklist marks them.
        for l in &mut checklist {
            l.bring_original = ["contract", "passport", "wp_card"].contains(&l.id.as_str());
        }
        let form = permitpack::platform::build(
            &e,
            &company(),
            Countries::builtin(),
            PlatformSpec::builtin(),
        );
        (form.fields, uploads(&checklist))
    } else {
        (Vec::new(), Vec::new())
    };
    CoverData {
        company: (&company()).into(),
        employee: EmployeeData::from_employee(&e, Countries::builtin()),
        date: DateText::new(date(2026, 11, 26)),
        status: "attention".into(),
        window: WindowData {
            state: "open".into(),
            days_left: Some(40 + (i % 50) as i64),
            opens: Some(DateText::new(date(2026, 11, 2))),
            deadline: Some(DateText::new(date(2027, 1, 1))),
        },
        timeline: TimelineData {
            expected_review: Some(DateText::new(date(2026, 12, 3))),
            expected_visit: None,
            expected_pickup: Some(DateText::new(date(2026, 12, 21))),
        },
        term: Term::from_years(1.0),
        fee_rmb: Some(800),
        checklist,
        onsite: vec![],
        enquiry: vec![],
        notes: vec![BiText {
            zh: "缺少申请人近1年的完税证明：请在个人所得税App开具。".into(),
            en: "The individual income tax certificate is missing.".into(),
        }],
        photo: Some(PhotoData::new(
            "p.jpg",
            true,
            Some((thumb.to_vec(), "image/png")),
        )),
        platform_form,
        uploads,
        as_of: date(2026, 11, 26),
    }
}

/// The upload/ files of a packet: one per checklist item given, and the photo.
fn uploads(checklist: &[ChecklistLine]) -> Vec<UploadData> {
    let mut up: Vec<UploadData> = checklist
        .iter()
        .filter(|l| matches!(l.status, ItemStatus::Provided | ItemStatus::Generated))
        .enumerate()
        .map(|(n, l)| UploadData {
            entry: format!("upload/{:02}_{}.pdf", n + 1, l.id),
            item_id: l.id.clone(),
            name_zh: l.name_zh.clone(),
            name_en: l.name_en.clone(),
            pages: 1 + n % 3,
            size: format!("{} KB", 400 + 37 * n),
            files: vec![format!("{}.jpg", l.id)],
            within_budget: true,
        })
        .collect();
    up.push(UploadData {
        entry: "upload/photo.jpg".into(),
        item_id: "photo".into(),
        name_zh: "照片".into(),
        name_en: "Photo".into(),
        pages: 1,
        size: "38 KB".into(),
        files: vec!["p.jpg".into()],
        within_budget: true,
    });
    up
}

fn letter(i: usize) -> LetterData {
    LetterData::new(
        &employee(i),
        &company(),
        date(2026, 11, 26),
        Some(1.0),
        Countries::builtin(),
    )
}

/// CPU time (user + system) of the whole process in seconds, from /proc (Linux; clock
/// ticks of 1/100 s). Robust when other processes share the cores, unlike wall time.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses and may contain spaces).
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    (ticks(11) + ticks(12)) / 100.0
}

/// Peak and current resident memory in MB, from /proc (Linux).
fn memory() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = |key: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1024.0
    };
    (kb("VmHWM:"), kb("VmRSS:"))
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Salary,
    Guarantee,
    Cover,
}

fn render(r: &Renderer, kind: Kind, i: usize, thumb: &[u8], full: bool) -> usize {
    let pdf = match kind {
        Kind::Salary => r.salary_certificate(&letter(i)),
        Kind::Guarantee => r.guarantee_letter(&letter(i)),
        Kind::Cover => r.cover(&cover(i, thumb, full)),
    };
    match pdf {
        Ok(p) => p.bytes.len(),
        Err(issues) => panic!("{kind:?} {i}: {issues:?}"),
    }
}

fn main() {
    let a = args();
    let thumb = thumbnail();
    let t0 = Instant::now();
    // PERMITPACK_BENCH_TEMPLATES=DIR: a templates folder over the built-in ones (to time a
    // stripped-down document against the real one).
    let templates = std::env::var_os("PERMITPACK_BENCH_TEMPLATES")
        .map_or_else(Templates::builtin, |d| {
            Templates::with_dir(std::path::Path::new(&d))
        });
    let r = Renderer::with_threads(&templates, a.render_threads).expect("templates");
    println!(
        "{} render threads, {} calling threads",
        a.render_threads, a.threads
    );
    println!(
        "renderer start-up: {:.1} ms",
        t0.elapsed().as_secs_f64() * 1e3
    );
    match a.evict {
        Some((usize::MAX, _)) => {
            r.set_eviction(usize::MAX, 0);
            println!("cache policy: never evict");
        }
        Some((every, age)) => {
            r.set_eviction(every, age);
            println!("cache policy: evict({age}) every {every} documents");
        }
        None => println!("cache policy: the renderer's default"),
    }
    for k in [Kind::Salary, Kind::Guarantee, Kind::Cover] {
        render(&r, k, 0, &thumb, a.full_cover);
    }
    let (hwm, rss) = memory();
    println!("after warm-up: peak {hwm:.0} MB, resident {rss:.0} MB");

    // One thread, each document kind.
    for k in [Kind::Salary, Kind::Guarantee, Kind::Cover] {
        if a.single == 0 {
            break;
        }
        let t = Instant::now();
        let cpu = cpu_seconds();
        let mut bytes = Vec::with_capacity(a.single);
        for i in 0..a.single {
            bytes.push(render(&r, k, i, &thumb, a.full_cover));
        }
        let secs = t.elapsed().as_secs_f64();
        let cpu = cpu_seconds() - cpu;
        let mean = bytes.iter().sum::<usize>() as f64 / bytes.len() as f64;
        let max = bytes.iter().max().copied().unwrap_or(0);
        println!(
            "one at a time {k:<9?}: {:>4} docs in {:.2} s = {:>6.1} docs/s, {:>5.2} ms/doc wall, {:>5.2} ms/doc CPU, {:>6.0} bytes mean, {max} max",
            a.single,
            secs,
            a.single as f64 / secs,
            secs * 1e3 / a.single as f64,
            cpu * 1e3 / a.single as f64,
            mean
        );
    }

    // The batch: documents of all kinds for consecutive employees, in parallel.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(a.threads)
        .build()
        .expect("thread pool");
    let kinds = [Kind::Salary, Kind::Guarantee, Kind::Cover];
    let t = Instant::now();
    let cpu = cpu_seconds();
    let total: usize = pool.install(|| {
        (0..a.docs)
            .into_par_iter()
            .map(|n| match a.kind {
                Some(k) => render(&r, k, 1000 + n, &thumb, a.full_cover),
                None => render(&r, kinds[n % 3], 1000 + n / 3, &thumb, a.full_cover),
            })
            .sum()
    });
    let secs = t.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu;
    let (hwm, rss) = memory();
    println!(
        "batch, {} caller threads, {:<9}: {:>4} docs in {:.2} s = {:>6.1} docs/s, {:>5.2} ms/doc CPU, {:>6.0} bytes mean",
        a.threads,
        a.kind.map_or("mixed".to_string(), |k| format!("{k:?}")),
        a.docs,
        secs,
        a.docs as f64 / secs,
        cpu * 1e3 / a.docs as f64,
        total as f64 / a.docs as f64
    );
    println!("after the batch: peak {hwm:.0} MB, resident {rss:.0} MB");
}
