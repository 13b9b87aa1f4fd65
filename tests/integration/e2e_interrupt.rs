//! End-to-end (issue 6): a `build` of 300 employees killed (SIGKILL) as soon as its first
//! packet appears leaves no partial packet: every `*.zip` in OUT/packets is complete (read in
//! full by the zip crate, and `unzip -t` when Info-ZIP is installed), any leftover temporary
//! file can never be taken for a packet, and the next run removes the leftovers.

use crate::fixtures::folder;

use crate::fixtures::folder::{AS_OF, Person};
use crate::util::Dir;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const EMPLOYEES: usize = 300;

fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut v: Vec<PathBuf> = rd.map(|e| e.unwrap().path()).collect();
    v.sort();
    v
}

fn is_zip(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "zip")
}

fn name(p: &Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

/// Reads every entry in full (checks every CRC and the central directory).
fn assert_complete(path: &Path) {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap())
        .unwrap_or_else(|e| panic!("partial packet {}: {e}", path.display()));
    assert!(z.len() >= 2, "{}", path.display());
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let mut v = Vec::new();
        f.read_to_end(&mut v)
            .unwrap_or_else(|e| panic!("{} entry {i}: {e}", path.display()));
    }
    if crate::util::need_tool("unzip", &["-v"]) {
        let out = Command::new("unzip").arg("-t").arg(path).output().unwrap();
        assert!(
            out.status.success(),
            "unzip -t {}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

/// A file in OUT that is neither a finished packet/report nor the writer's temporary file.
fn assert_only_finished_or_temp(dir: &Path) {
    for p in files(dir) {
        if p.is_dir() {
            continue;
        }
        let n = name(&p);
        if n.starts_with('.') && n.contains(".tmp-") {
            assert!(
                !n.ends_with(".zip") && !n.ends_with(".json") && !n.ends_with(".xlsx"),
                "a leftover that looks finished: {n}"
            );
        } else if is_zip(&p) {
            assert_complete(&p);
        } else if n == "report.json" {
            serde_json::from_slice::<serde_json::Value>(&std::fs::read(&p).unwrap())
                .expect("report.json complete");
        }
    }
}

#[test]
fn a_killed_build_leaves_no_partial_packet_and_a_rerun_cleans_up() {
    let dir = Dir::new();
    let people: Vec<Person> = (0..EMPLOYEES)
        .map(|i| {
            let passport: &'static str = Box::leak(format!("E{:08}", 10_000_000 + i).into());
            let name: &'static str = Box::leak(format!("Test Person {i:03}").into());
            Person::new(name, passport).scans(folder::FULL_B6)
        })
        .collect();
    folder::write(&dir.join("big"), &people);

    let mut child = dir
        .cmd(&[
            "build",
            "big/roster.xlsx",
            "--as-of",
            AS_OF,
            "--out",
            "out",
            "--jobs",
            "2",
        ])
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("stderr.txt")).unwrap())
        .spawn()
        .unwrap();
    let packets = dir.join("out/packets");
    let limit = Instant::now() + Duration::from_secs(300);
    let first = loop {
        if let Some(p) = files(&packets).into_iter().find(|p| is_zip(p)) {
            break p;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!(
                "build ended ({status}) before any packet appeared: {}",
                String::from_utf8_lossy(&std::fs::read(dir.join("stderr.txt")).unwrap())
            );
        }
        assert!(Instant::now() < limit, "no packet appeared");
        std::thread::sleep(Duration::from_millis(2));
    };
    let finished_early = child.try_wait().unwrap().is_some();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        !finished_early,
        "the build finished before it could be killed; raise EMPLOYEES"
    );
    assert!(first.exists());
    let written = files(&packets).into_iter().filter(|p| is_zip(p)).count();
    assert!(
        written < EMPLOYEES,
        "killed midway: {written} of {EMPLOYEES} packets"
    );
    eprintln!(
        "killed after {written} packets; leftovers: {:?}",
        files(&packets)
            .iter()
            .map(|p| name(p))
            .filter(|n| n.starts_with('.'))
            .collect::<Vec<_>>()
    );
    assert_only_finished_or_temp(&packets);
    assert_only_finished_or_temp(&dir.join("out"));
    assert!(
        !dir.join("out/report.xlsx").exists() && !dir.join("out/report.html").exists(),
        "reports are written only at the end"
    );

    // A leftover as a killed writer leaves it (in case the kill fell between two packets),
    // then a rerun on a small roster into the same OUT.
    std::fs::write(
        packets.join(".permitpack-E99999999_GHOST.zip.tmp-AbC123"),
        b"PK\x03\x04 half a packet",
    )
    .unwrap();
    folder::write(
        &dir.join("small"),
        &[Person::new("Anna Nowak", "E12345678").scans(folder::FULL_B6)],
    );
    let out = dir.run(&[
        "build",
        "small/roster.xlsx",
        "--as-of",
        AS_OF,
        "--out",
        "out",
    ]);
    out.assert_code(0);
    for dir in [&packets, &dir.join("out")] {
        let left: Vec<String> = files(dir)
            .iter()
            .map(|p| name(p))
            .filter(|n| n.contains(".tmp-"))
            .collect();
        assert!(left.is_empty(), "leftovers after a rerun: {left:?}");
    }
    assert!(packets.join("E12345678_ANNA_NOWAK.zip").exists());
    for p in files(&packets) {
        assert_complete(&p);
    }
}
