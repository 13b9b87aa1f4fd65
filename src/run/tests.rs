//! `Run` end to end on in-memory inputs: a roster, a company file, a photo and scans in,
//! packets and reports out, nothing on disk but the spool.

use super::*;
use crate::codes;
use crate::outcome::EmployeeOutcome;
use crate::outcome::Status;
use crate::store::Manifest;
use std::io::Read;
use std::sync::Mutex;

const ROSTER: &str = "Name,Passport No,Nationality,Date of birth,Talent category,Position,\
                      Start date,Work permit expiry,Residence permit expiry,\
                      Years worked in China,Annual salary (pre-tax)\n\
                      Anna Nowak,E12345678,Poland,1985-02-03,(六),Engineer,2021-03-01,\
                      2027-01-10,2027-01-10,5,480000\n\
                      Bob Lee,G7654321,Canada,1990-01-01,(一),Designer,2022-05-01,\
                      soon,2027-01-10,2,300000\n";

const COMPANY: &str = "name_zh = \"深圳市示例科技有限公司\"\n\
                       name_en = \"Shenzhen Example Technology Co., Ltd.\"\n\
                       uscc = \"91440300MA5FXT4L8P\"\n\
                       address = \"深圳市福田区福华三路88号\"\n\
                       contact_person = \"李明\"\n\
                       contact_phone = \"0755-2345 6789\"\n\
                       legal_representative = \"张伟\"\n";

const PHOTO: &[u8] = include_bytes!("../../tests/fixtures/photos/blue.jpg");

/// A one-page PDF, enough for a scan.
fn pdf(text: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {text}\n%%EOF\n").into_bytes()
}

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

fn inputs() -> MemoryInputs {
    let mut inputs = MemoryInputs::new("roster.csv", ROSTER).photo("E12345678.jpg", PHOTO);
    inputs.company = Some(Named {
        name: "company.toml".into(),
        shown: "company.toml".into(),
        bytes: COMPANY.as_bytes().to_vec(),
    });
    for name in [
        "外国人来华工作许可延期申请表.pdf",
        "劳动合同 signed.pdf",
        "Passport bio page.pdf",
        "居留许可页.pdf",
        "Work Permit card.pdf",
        "相片回执.pdf",
        "个人所得税完税证明 2025-2026.pdf",
    ] {
        inputs = inputs.scan("E12345678", name, pdf(name));
    }
    inputs
        .scan("_company", "公司近3个月纳税证明.pdf", pdf("tax"))
        .scan("_company", "Bank Statement 2026-Q3.pdf", pdf("bank"))
        .scan("_company", "business contracts.pdf", pdf("contracts"))
        .scan("E12345678", ".DS_Store", b"junk".to_vec())
}

/// Records what a run reports, as a server would stream it.
#[derive(Default)]
struct Events(Mutex<Vec<String>>);

impl Progress for Events {
    fn start(&self, employees: usize) {
        self.0.lock().unwrap().push(format!("start {employees}"));
    }
    fn employee_done(&self, index: usize, status: Status) {
        self.0.lock().unwrap().push(format!("{index} {status:?}"));
    }
    fn finish(&self) {
        self.0.lock().unwrap().push("finish".into());
    }
}

fn zip_entries(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut v = Vec::new();
            f.read_to_end(&mut v).unwrap();
            (f.name().unwrap().to_string(), v)
        })
        .collect()
}

#[test]
fn build_on_memory_inputs_reads_photo_and_scans_and_writes_packets_and_reports() {
    let setup = Arc::new(Setup::load(None, "shenzhen-2inch").unwrap());
    let given = RunInputs {
        jobs: 2,
        ..RunInputs::new(setup, inputs(), as_of())
    };
    let sink = MemorySink::new();
    let events = Events::default();
    let done = Run::load(given).unwrap().build(&sink, &events).unwrap();

    let outcomes: Vec<_> = done.outcomes().each().map(|o| o.unwrap()).collect();
    let anna = &outcomes[0];
    let codes = |o: &EmployeeOutcome| {
        o.issues
            .iter()
            .map(|i| format!("{} {:?}", i.code, i.args))
            .collect::<Vec<_>>()
    };
    assert!(anna.ready, "{:?}", codes(anna));

    // Progress: both employees, then the end.
    let mut seen = events.0.into_inner().unwrap();
    assert_eq!(seen.first().map(String::as_str), Some("start 2"));
    assert_eq!(seen.pop().as_deref(), Some("finish"));
    seen.sort();
    assert_eq!(seen, ["0 Ready", "1 Attention", "start 2"]);

    // The summary: counted once, the same as the outcomes say.
    assert_eq!(done.counts.employees, 2);
    assert_eq!(done.counts.count(Status::Ready), 1);
    assert_eq!(done.counts.packets, 2);
    assert!(!done.all_ready);
    let photo = anna.photo.as_ref().expect("photo judged");
    assert_eq!(photo.file, "E12345678.jpg");
    assert!(photo.ok);
    let provided: Vec<_> = anna
        .checklist
        .iter()
        .filter(|l| l.status == crate::outcome::ItemStatus::Provided)
        .map(|l| l.id.as_str())
        .collect();
    assert!(provided.contains(&"wp_extension_form"), "{provided:?}");
    // An original to bring: its scan still goes into the packet.
    let passport = anna.checklist.iter().find(|l| l.id == "passport").unwrap();
    assert_eq!(passport.files, ["Passport bio page.pdf"]);
    assert!(
        provided.contains(&"company_bank_statements"),
        "{provided:?}"
    );
    // Bob has no photo and no folder: said on him, not fatal.
    let bob = &outcomes[1];
    let codes: Vec<_> = bob.issues.iter().map(|i| i.code.as_str()).collect();
    assert!(codes.contains(&codes::PHOTO_MISSING.as_str()), "{codes:?}");
    assert!(
        codes.contains(&codes::DOCUMENT_NO_FOLDER.as_str()),
        "{codes:?}"
    );

    // Outputs: four reports and two packets in the sink.
    let files = sink.files();
    let names: Vec<_> = files.keys().map(String::as_str).collect();
    for report in ["report.json", "report.csv", "report.xlsx", "report.html"] {
        assert!(names.contains(&report), "{names:?}");
    }
    let packet = anna.packet.as_deref().unwrap();
    let entries = zip_entries(&files[&format!("packets/{packet}")]);
    let entry = |suffix: &str| {
        entries
            .iter()
            .find(|(n, _)| n.ends_with(suffix))
            .unwrap_or_else(|| {
                panic!(
                    "no {suffix} in {:?}",
                    entries.iter().map(|e| &e.0).collect::<Vec<_>>()
                )
            })
    };
    assert!(entry("00_cover_checklist.pdf").1.starts_with(b"%PDF"));
    assert_eq!(
        entry("originals/photos/E12345678.jpg").1,
        PHOTO,
        "the photo's original bytes"
    );
    assert_eq!(
        entry("originals/Passport bio page.pdf").1,
        pdf("Passport bio page.pdf")
    );
    // A PDF within the platform's budget is its upload file as it is.
    assert_eq!(entry("_passport.pdf").1, pdf("Passport bio page.pdf"));
    assert_eq!(
        entry("upload/09_company_bank_statements.pdf").1,
        pdf("bank")
    );
    let report: serde_json::Value =
        serde_json::from_slice(&files["report.json"]).expect("report.json parses");
    assert_eq!(report["employees"][0]["packet"], packet);
    assert_eq!(report["company"]["source"]["file"], "company.toml");
}

#[test]
fn check_writes_reports_only_and_a_bad_roster_is_an_input_error() {
    let setup = Arc::new(Setup::load(None, "shenzhen-2inch").unwrap());
    let sink = MemorySink::new();
    let done = Run::load(RunInputs::new(setup.clone(), inputs(), as_of()))
        .unwrap()
        .check(&sink, &())
        .unwrap();
    assert_eq!(done.counts.packets, 0);
    assert!(sink.files().keys().all(|k| k.starts_with("report.")));

    let empty = MemoryInputs::new("roster.csv", "");
    match Run::load(RunInputs::new(setup.clone(), empty, as_of())) {
        Err(RunError::Input(issue)) => assert!(issue.code.starts_with("roster."), "{issue:?}"),
        _ => panic!("an empty roster stops the run"),
    }
    let given = RunInputs {
        password: Some(String::new()),
        ..RunInputs::new(setup, inputs(), as_of())
    };
    assert!(matches!(Run::load(given), Err(RunError::Failed(_))));
}

#[test]
fn a_run_level_error_blocks_everyone() {
    let setup = Arc::new(Setup::load(None, "shenzhen-2inch").unwrap());
    let mut no_company = inputs();
    no_company.company = None;
    let done = Run::load(RunInputs::new(setup, no_company, as_of()))
        .unwrap()
        .check(&MemorySink::new(), &())
        .unwrap();
    assert!(done.roster_issues.iter().any(Issue::is_error));
    assert!(!done.all_ready);
    for o in done.outcomes().each() {
        let o = o.unwrap();
        assert!(!o.ready);
        assert_ne!(o.status, Status::Ready);
    }
}

/// The reports and packets in an output folder, by name (not `.permitpack/`).
fn folder_files(out: &std::path::Path) -> std::collections::BTreeMap<String, (u64, Vec<u8>)> {
    use std::os::unix::fs::MetadataExt;
    let mut files = std::collections::BTreeMap::new();
    for dir in [out.to_path_buf(), out.join("packets")] {
        for e in std::fs::read_dir(&dir).unwrap() {
            let e = e.unwrap();
            let meta = e.metadata().unwrap();
            if meta.is_file() {
                let rel = e.path().strip_prefix(out).unwrap().display().to_string();
                files.insert(rel, (meta.ino(), std::fs::read(e.path()).unwrap()));
            }
        }
    }
    files
}

#[test]
fn a_folder_sink_reuses_unchanged_employees_and_memory_keeps_no_cache() {
    let setup = Arc::new(Setup::load(None, "shenzhen-2inch").unwrap());
    let dir = tempfile::tempdir().unwrap();
    let sink = FsSink::new(dir.path().join("out"));
    let build = |inputs: MemoryInputs, cache: bool| {
        let given = RunInputs {
            cache,
            ..RunInputs::new(setup.clone(), inputs, as_of())
        };
        Run::load(given).unwrap().build(&sink, &()).unwrap()
    };
    let cold = build(inputs(), true);
    assert_eq!(cold.reused, 0);
    assert!(cold.cache_notes.is_empty(), "{:?}", cold.cache_notes);
    let packets = Manifest::read(&sink.store().state()).unwrap().packets;
    assert_eq!(packets.len(), 2, "{packets:?}");
    let first = folder_files(sink.dir());

    // Nothing changed: every employee from the cache, no packet written again, the same
    // bytes everywhere, and the manifest still lists the reused packets.
    let warm = build(inputs(), true);
    assert_eq!(warm.reused, 2);
    let second = folder_files(sink.dir());
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (name, (ino, bytes)) in &second {
        assert!(*bytes == first[name].1, "{name} differs");
        if name.ends_with(".zip") {
            assert_eq!(*ino, first[name].0, "{name} was written again");
        }
    }
    let manifest = Manifest::read(&sink.store().state()).unwrap();
    assert_eq!(manifest.packets, packets);

    // One photo changed (bytes in memory: hashed, no stamps): only its employee is redone.
    let mut changed = inputs();
    let mut photo = PHOTO.to_vec();
    photo.extend_from_slice(b"trailing bytes");
    changed = changed.photo("E12345678.jpg", photo);
    let one = build(changed, true);
    assert_eq!(one.reused, 1);
    // Without the cache everyone is computed afresh.
    assert_eq!(build(inputs(), false).reused, 0);

    // A sink in memory keeps no cache: every build computes everyone.
    for _ in 0..2 {
        let given = RunInputs::new(setup.clone(), inputs(), as_of());
        let done = Run::load(given)
            .unwrap()
            .build(&MemorySink::new(), &())
            .unwrap();
        assert_eq!(done.reused, 0);
    }
}

#[test]
fn a_second_run_on_a_held_output_folder_is_busy() {
    let setup = Arc::new(Setup::load(None, "shenzhen-2inch").unwrap());
    let dir = tempfile::tempdir().unwrap();
    let sink = FsSink::new(dir.path().join("out"));
    let held = sink.store().lock().unwrap();
    for packets in [true, false] {
        let run = Run::load(RunInputs::new(setup.clone(), inputs(), as_of())).unwrap();
        let done = if packets {
            run.build(&sink, &())
        } else {
            run.check(&sink, &())
        };
        match done {
            Err(RunError::Busy(issue)) => assert_eq!(issue.code, codes::OUTPUT_LOCKED),
            Err(e) => panic!("expected Busy, got {e}"),
            Ok(_) => panic!("expected Busy, the run went ahead"),
        }
    }
    assert!(
        !dir.path().join("out/packets").exists(),
        "nothing written while busy"
    );
    drop(held);
    let run = Run::load(RunInputs::new(setup, inputs(), as_of())).unwrap();
    assert!(run.build(&sink, &()).is_ok());
    // The memory sink has nothing to lock.
    assert!(Output::from(&MemorySink::new()).store.is_none());
}
