//! Hostile output folders, run through the real binary: the output folder is a file, one
//! employee's packet cannot be written, and the disk runs out of space (a tiny tmpfs when
//! this process may mount one, else the atomic writer failing at the library level). Each
//! gives a clear message naming the file, the others' packets are still written, and
//! nothing half-written remains.

use crate::fixtures::small::*;
use crate::report::Report;
use crate::util::{Dir, code, employee_at_row, stderr};
use std::path::{Path, PathBuf};
use std::process::Command;

fn setup(n: usize) -> Dir {
    let dir = Dir::new();
    dir.write("roster.csv", roster(n));
    dir.write("company.toml", COMPANY);
    dir
}

fn build(dir: &Dir, out: &str) -> crate::util::Ran {
    dir.run(&[
        "build",
        "roster.csv",
        "--company",
        "company.toml",
        "--out",
        out,
        "--as-of",
        AS_OF,
        "--jobs",
        "1",
    ])
}

/// Whether a zip file is complete (its central directory reads and every entry inflates).
fn complete_zip(path: &Path) -> bool {
    let Ok(f) = std::fs::File::open(path) else {
        return false;
    };
    let Ok(mut zip) = zip::ZipArchive::new(f) else {
        return false;
    };
    (0..zip.len()).all(|i| {
        zip.by_index(i)
            .is_ok_and(|mut e| std::io::copy(&mut e, &mut std::io::sink()).is_ok())
    })
}

#[test]
fn an_output_folder_that_is_a_file_is_refused() {
    let dir = setup(2);
    dir.write("out", b"not a folder");
    let out = build(&dir, "out");
    sane(&out, dir.path(), &[passport(0), passport(1)]);
    let err = stderr(&out);
    out.assert_code(2);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("out"), "names the folder: {err}");
    assert!(err.contains("--out"), "says what to do: {err}");
    assert_eq!(dir.read("out"), b"not a folder");
}

#[test]
fn an_output_folder_under_proc_is_refused() {
    let dir = setup(1);
    let out = build(&dir, "/proc/permitpack-out");
    sane(&out, dir.path(), &[passport(0)]);
    let err = stderr(&out);
    out.assert_code(2);
    assert!(err.contains("/proc/permitpack-out"), "{err}");
}

#[test]
fn one_packet_that_cannot_be_written_does_not_stop_the_others() {
    let dir = setup(3);
    // A first run tells the packet names.
    let first = build(&dir, "out");
    first.assert_code(1);
    let report = dir.report("out");
    let name = employee_at_row(&report, 3)["packet"]
        .as_str()
        .expect("packet name")
        .to_string();
    std::fs::remove_dir_all(dir.join("out")).unwrap();
    // A folder (with a file in it) where the second employee's packet goes: the rename
    // over it fails.
    dir.write(Path::new("out/packets").join(&name).join("keep.txt"), b"x");

    let out = build(&dir, "out");
    sane(&out, dir.path(), &(0..3).map(passport).collect::<Vec<_>>());
    out.assert_code(1);
    let report = dir.report("out");
    let blocked = employee_at_row(&report, 3);
    assert!(blocked["packet"].is_null(), "{blocked}");
    let issue = blocked["issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "packet.write_failed")
        .unwrap_or_else(|| panic!("no packet.write_failed: {}", blocked["issues"]));
    assert!(issue.to_string().contains(&name), "{issue}");
    for row in [2, 4] {
        let e = employee_at_row(&report, row);
        let p = e["packet"].as_str().expect("others' packets written");
        assert!(complete_zip(&dir.join("out/packets").join(p)));
    }
    // The blocking folder is left alone.
    assert!(
        dir.join("out/packets")
            .join(&name)
            .join("keep.txt")
            .is_file()
    );
}

/// A tmpfs mounted for the test's life; unmounted on drop (also when the test fails).
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(at: &Path, bytes: u64) -> Option<Tmpfs> {
        std::fs::create_dir_all(at).ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={bytes}"), "tmpfs"])
            .arg(at)
            .output()
            .is_ok_and(|o| o.status.success());
        ok.then(|| Tmpfs(at.to_path_buf()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn running_out_of_space_leaves_only_complete_packets() {
    let n = 6;
    let dir = setup(n);
    // Sizes from a run with room to spare.
    let roomy = build(&dir, "roomy");
    roomy.assert_code(1);
    let packet_bytes: u64 = std::fs::read_dir(dir.join("roomy/packets"))
        .unwrap()
        .flatten()
        .map(|e| e.metadata().unwrap().len())
        .max()
        .unwrap();
    // Room for about half the packets.
    let size = (packet_bytes * n as u64 / 2).div_ceil(4096) * 4096;
    let Some(_mounted) = Tmpfs::mount(&dir.join("small"), size) else {
        eprintln!(
            "note: cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN); the \
             disk-full case is covered at the library level by \
             disk_full_at_the_library_level_leaves_nothing_half_written"
        );
        return;
    };
    let out = build(&dir, "small/out");
    sane(&out, dir.path(), &(0..n).map(passport).collect::<Vec<_>>());
    let err = stderr(&out);
    // The packets, not the build's manifest beside them.
    let packets: Vec<PathBuf> = std::fs::read_dir(dir.join("small/out/packets"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "zip"))
        .collect();
    assert!(!packets.is_empty(), "the first packets fit");
    assert!(packets.len() < n, "the disk filled up: {}", packets.len());
    for p in &packets {
        assert!(complete_zip(p), "{} is incomplete", p.display());
    }
    match code(&out) {
        // The reports fitted: they name each packet that could not be written.
        1 => {
            let report = Report::read(&dir, "small/out");
            let failed: Vec<_> = report
                .employees
                .iter()
                .filter(|e| e.packet.is_none())
                .collect();
            assert_eq!(failed.len(), n - packets.len());
            for e in failed {
                // Said in words, with where: not the writer's raw error.
                let message = &e.issue("packet.disk_full").message;
                assert!(message.contains("the disk is full at"), "{message}");
                assert!(message.contains("small/out/packets"), "{message}");
                assert!(!message.contains("Os {"), "{message}");
            }
        }
        // The reports did not fit: one line naming the file and the full disk.
        2 => {
            assert_eq!(err.trim_end().lines().count(), 1, "{err}");
            assert!(err.contains("small/out"), "names the file: {err}");
            assert!(err.contains("disk is full"), "{err}");
        }
        c => panic!("exit {c}: {err}"),
    }
}

#[test]
fn disk_full_at_the_library_level_leaves_nothing_half_written() {
    let dir = Dir::new();
    let target = dir.write("report.json", b"previous");
    let err = permitpack::fsutil::write_atomic_with(dir.path(), "report.json", |w| {
        use std::io::Write;
        w.write_all(&[b'x'; 100_000])?;
        Err::<(), _>(std::io::Error::from(std::io::ErrorKind::StorageFull))
    })
    .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("report.json"), "{text}");
    assert!(text.contains("disk is full"), "{text}");
    assert_eq!(std::fs::read(&target).unwrap(), b"previous");
    no_leftovers(dir.path());
}

/// A list longer than a report.xlsx sheet may hold is cut with a note in its last row (the
/// limit is `report.max_xlsx_rows` of limits.toml, lowered here so the test stays small),
/// and every other report is whole.
#[test]
fn a_sheet_longer_than_the_row_limit_is_cut_with_a_note() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let dir = Dir::new();
    let n = 40;
    dir.write("roster.csv", roster(n));
    dir.write("company.toml", COMPANY);
    let limits = permitpack::assets::Templates::builtin()
        .get_text("limits.toml")
        .unwrap()
        .replace("max_xlsx_rows = 1_048_576", "max_xlsx_rows = 25");
    assert!(limits.contains("max_xlsx_rows = 25"));
    dir.write("tpl/limits.toml", limits);
    let out = dir.run(&[
        "check",
        "roster.csv",
        "--company",
        "company.toml",
        "--templates",
        "tpl",
        "--as-of",
        AS_OF,
    ]);
    sane(&out, dir.path(), &[]);
    out.assert_code(1);
    let report = dir.report("out");
    assert_eq!(report["employees"].as_array().unwrap().len(), n);
    let problems: usize = report["employees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["issues"].as_array().unwrap().len())
        .sum::<usize>()
        + report["roster_issues"].as_array().unwrap().len();
    let mut wb: Xlsx<_> = open_workbook(dir.join("out/report.xlsx")).unwrap();
    let names = wb.sheet_names();
    for (i, name) in names.iter().enumerate().take(3) {
        let range = wb.worksheet_range(name).unwrap();
        assert_eq!(range.height(), 25, "sheet {name}");
        let note = match range.get_value((24, 0)) {
            Some(Data::String(s)) => s.clone(),
            other => panic!("sheet {name}: last row {other:?}"),
        };
        assert!(note.contains("report.json"), "{note}");
        if i == 1 {
            // Header, 23 problems, the note: the rest are counted.
            let cut = problems - 23;
            assert!(note.contains(&format!("{cut} ")), "{cut} in {note}");
        }
    }
    // report.csv lists every problem: header and one line each (a message may span lines,
    // so count the code column's values instead).
    let csv = String::from_utf8(dir.read("out/report.csv")).unwrap();
    assert!(
        csv.matches("document.not_checked").count() >= n,
        "every employee in report.csv"
    );
    assert!(dir.join("out/report.html").exists());
}

/// One report that cannot be written never keeps the others from being written, and the
/// message names it.
#[test]
fn one_report_failing_does_not_stop_the_others() {
    let dir = Dir::new();
    dir.write("roster.csv", roster(3));
    dir.write("company.toml", COMPANY);
    // A folder where report.xlsx goes: it cannot be replaced by a file.
    std::fs::create_dir_all(dir.join("out/report.xlsx/keep")).unwrap();
    let out = dir.run(&[
        "check",
        "roster.csv",
        "--company",
        "company.toml",
        "--as-of",
        AS_OF,
    ]);
    sane(&out, dir.path(), &[]);
    out.assert_code(2);
    let err = out.stderr();
    assert!(err.contains("report.xlsx"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    for name in ["report.json", "report.csv", "report.html", "report.ics"] {
        assert!(dir.join("out").join(name).is_file(), "{name} written");
        assert!(err.contains(name), "{err} says {name} was written");
    }
}
