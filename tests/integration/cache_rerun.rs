//! The rerun cache end to end: cached and fresh builds give the same bytes; one changed input
//! of each kind redoes exactly the employees it affects (seen by which packets were
//! rewritten: an atomic rewrite always gives the packet a new inode); damaged entries are
//! rebuilt with a warning; one output folder takes one run at a time.

use crate::fixtures::folder::{self, AS_OF, Person};
use crate::util::Dir;
use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::fs::MetadataExt;
use std::path::Path;

fn build(dir: &Dir, out: &str, extra: &[&str]) -> crate::util::Ran {
    build_on(dir, out, AS_OF, extra)
}

fn build_on(dir: &Dir, out: &str, as_of: &str, extra: &[&str]) -> crate::util::Ran {
    let mut args = vec!["build", "co/roster.xlsx", "--as-of", as_of, "--out", out];
    args.extend_from_slice(extra);
    dir.run(&args)
}

#[track_caller]
fn assert_same_outputs(a: &Path, b: &Path) {
    let (x, y) = (crate::util::output_files(a), crate::util::output_files(b));
    assert_eq!(
        x.keys().collect::<Vec<_>>(),
        y.keys().collect::<Vec<_>>(),
        "same files"
    );
    for (name, bytes) in &x {
        assert!(y[name] == *bytes, "{name} differs between {a:?} and {b:?}");
    }
}

/// Each packet's inode (a rewritten packet gets a new one); only `.zip` files count.
fn packet_inodes(out: &Path) -> BTreeMap<String, u64> {
    std::fs::read_dir(out.join("packets"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().extension().is_some_and(|x| x == "zip"))
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                e.metadata().unwrap().ino(),
            )
        })
        .collect()
}

/// The packets (by passport number) rewritten between two inode snapshots.
fn rewritten(before: &BTreeMap<String, u64>, after: &BTreeMap<String, u64>) -> BTreeSet<String> {
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    after
        .iter()
        .filter(|(name, ino)| before[*name] != **ino)
        .map(|(name, _)| name.split('_').next().unwrap().to_string())
        .collect()
}

/// "N of M employees were unchanged" from a run's stderr; 0 when the line is absent.
fn reused(stderr: &str) -> usize {
    stderr
        .lines()
        .find_map(|line| {
            // The English half comes last with --lang both.
            let en = line
                .rsplit(" / ")
                .next()?
                .trim_start_matches("permitpack: ");
            let (n, rest) = en.split_once(" of ")?;
            rest.contains("employees were unchanged")
                .then(|| n.trim().parse().ok())
                .flatten()
        })
        .unwrap_or(0)
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn cached_and_fresh_builds_are_byte_identical() {
    let dir = Dir::new();
    folder::write(&dir.join("co"), &folder::standard());
    let cold = build(&dir, "out", &[]);
    cold.assert_code(1);
    assert_eq!(reused(&cold.stderr()), 0, "{}", cold.stderr());
    let first = packet_inodes(&dir.join("out"));
    assert_eq!(first.len(), 7);

    let warm = build(&dir, "out", &[]);
    warm.assert_code(1);
    assert_eq!(warm.stdout(), cold.stdout(), "the same summary");
    warm.assert_that(reused(&warm.stderr()) == 7, "every employee from the cache");
    assert!(
        rewritten(&first, &packet_inodes(&dir.join("out"))).is_empty(),
        "no packet written"
    );

    let fresh = build(&dir, "fresh", &["--no-cache"]);
    fresh.assert_code(1);
    assert_same_outputs(&dir.join("out"), &dir.join("fresh"));
    // --no-cache ignores what is there, and rewrites every packet.
    let before = packet_inodes(&dir.join("out"));
    let ignored = build(&dir, "out", &["--no-cache"]);
    ignored.assert_that(reused(&ignored.stderr()) == 0, "--no-cache reuses nothing");
    assert_eq!(
        rewritten(&before, &packet_inodes(&dir.join("out"))).len(),
        7
    );
    assert_same_outputs(&dir.join("out"), &dir.join("fresh"));

    // Encrypted packets are never taken from the cache (each has its own random salt).
    let enc = build(&dir, "enc", &["--password", "pw"]);
    enc.assert_code(1);
    let before = packet_inodes(&dir.join("enc"));
    let again = build(&dir, "enc", &["--password", "pw"]);
    again.assert_that(reused(&again.stderr()) == 0, "no cache with --password");
    assert_eq!(
        rewritten(&before, &packet_inodes(&dir.join("enc"))).len(),
        7
    );
}

#[test]
fn one_changed_input_reruns_exactly_the_employees_it_affects() {
    let dir = Dir::new();
    let co = dir.join("co");
    let mut people = folder::standard();
    folder::write(&co, &people);
    build(&dir, "out", &[]).assert_code(1);
    let out = dir.join("out");
    let mut last = packet_inodes(&out);

    // Runs a build with `extra` and checks that exactly `want` were redone.
    let as_of = std::cell::Cell::new(AS_OF);
    let mut step = |what: &str, extra: &[&str], want: BTreeSet<String>| {
        let ran = build_on(&dir, "out", as_of.get(), extra);
        ran.assert_not_code(2);
        let now = packet_inodes(&out);
        let got = rewritten(&last, &now);
        ran.assert_that(
            got == want,
            &format!("{what}: rewritten {got:?}, expected {want:?}"),
        );
        ran.assert_that(
            reused(&ran.stderr()) == 7 - want.len(),
            &format!("{what}: the others come from the cache"),
        );
        last = now;
    };
    let all: BTreeSet<String> = people.iter().map(|p| p.passport.to_string()).collect();

    step("nothing changed", &[], set(&[]));

    // A roster cell of one employee.
    people[1].position = "Principal Engineer 首席工程师";
    folder::roster(&people)
        .save(co.join("roster.xlsx"))
        .unwrap();
    step("a roster cell", &[], set(&["G12345678"]));

    // One photo's bytes.
    std::fs::copy(
        folder::fixture_photo("blue_studio.jpg"),
        co.join("photos/TR1234567.jpg"),
    )
    .unwrap();
    step("a photo", &[], set(&["TR1234567"]));

    // One scan of one employee.
    let scan = co.join("docs/E12345678/Passport bio page.jpg");
    let mut bytes = std::fs::read(&scan).unwrap();
    bytes.extend_from_slice(b"\0rescanned");
    std::fs::write(&scan, bytes).unwrap();
    step("a scan", &[], set(&["E12345678"]));

    // A template: every letter depends on it.
    let templates = dir.join("tpl");
    std::fs::create_dir_all(&templates).unwrap();
    let letter = permitpack::assets::Templates::builtin()
        .get_text("guarantee_letter.typ")
        .unwrap();
    std::fs::write(
        templates.join("guarantee_letter.typ"),
        letter.replace("特此证明。", "特此证明！"),
    )
    .unwrap();
    let tpl = templates.to_str().unwrap().to_string();
    step("a template", &["--templates", &tpl], all.clone());
    step("the same template again", &["--templates", &tpl], set(&[]));
    // Back to the built-in templates (entries of the built-in run were dropped: unused).
    step("the built-in templates", &[], all.clone());

    // The company sheet.
    let mut wb = folder::roster(&people);
    wb.worksheet_from_name("公司信息")
        .unwrap()
        .write_string(3, 1, "深圳市南山区科技园科苑路15号")
        .unwrap();
    wb.save(co.join("roster.xlsx")).unwrap();
    step("the company sheet", &[], all.clone());

    // --as-of.
    as_of.set("2026-11-27");
    step("--as-of", &[], all.clone());

    // And each cached result is still the one a fresh build gives.
    let fresh = build_on(&dir, "fresh", as_of.get(), &["--no-cache"]);
    fresh.assert_not_code(2);
    assert_same_outputs(&out, &dir.join("fresh"));
}

#[test]
fn a_damaged_cache_entry_is_rebuilt_with_a_warning() {
    let dir = Dir::new();
    let people: Vec<Person> = folder::standard().into_iter().take(3).collect();
    folder::write(&dir.join("co"), &people);
    build(&dir, "fresh", &["--no-cache"]).assert_code(1);
    build(&dir, "out", &[]).assert_code(1);
    let cache = dir.join("out/.permitpack/cache");
    let entry = || {
        std::fs::read_dir(&cache)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "entry"))
            .min()
            .unwrap()
    };
    let damages: [(&str, fn(&mut Vec<u8>), &str); 3] = [
        (
            "truncated",
            |b| b.truncate(b.len() / 3),
            "checksum mismatch",
        ),
        ("flipped byte", |b| b[200] ^= 0x04, "checksum mismatch"),
        (
            "wrong version",
            |b| b[8..12].copy_from_slice(&99u32.to_le_bytes()),
            "format version 99",
        ),
    ];
    for (what, damage, reason) in damages {
        let path = entry();
        let mut bytes = std::fs::read(&path).unwrap();
        damage(&mut bytes);
        std::fs::write(&path, bytes).unwrap();
        let before = packet_inodes(&dir.join("out"));
        let ran = build(&dir, "out", &[]);
        ran.assert_code(1);
        let err = ran.stderr();
        ran.assert_that(
            err.contains("was damaged") && err.contains(reason),
            &format!("{what}: a warning naming the damage"),
        );
        ran.assert_that(reused(&err) == 2, &format!("{what}: the others reused"));
        assert_eq!(
            rewritten(&before, &packet_inodes(&dir.join("out"))).len(),
            1,
            "{what}: one employee redone"
        );
        assert_same_outputs(&dir.join("out"), &dir.join("fresh"));
        // Rebuilt: the next run takes everyone from the cache, without a warning.
        let next = build(&dir, "out", &[]);
        next.assert_that(
            reused(&next.stderr()) == 3 && !next.stderr().contains("damaged"),
            &format!("{what}: the entry was rebuilt"),
        );
    }

    // A packet changed behind permitpack's back is written again, not trusted.
    let packet = std::fs::read_dir(dir.join("out/packets"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "zip"))
        .min()
        .unwrap();
    let good = std::fs::read(&packet).unwrap();
    let mut bad = good.clone();
    bad[100] ^= 1;
    std::fs::write(&packet, &bad).unwrap();
    let ran = build(&dir, "out", &[]);
    ran.assert_that(reused(&ran.stderr()) == 2, "the changed packet is redone");
    assert_eq!(std::fs::read(&packet).unwrap(), good);
}

#[test]
fn a_second_build_on_the_same_output_folder_is_refused() {
    let dir = Dir::new();
    folder::write(&dir.join("co"), &folder::standard());
    let lock = dir.join("out/.permitpack/lock");
    let args = [
        "build",
        "co/roster.xlsx",
        "--as-of",
        AS_OF,
        "--out",
        "out",
        "-q",
    ];

    // Two builds started together: the second is refused while the first holds the folder.
    let quiet = |mut c: std::process::Command| {
        c.stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        c
    };
    let mut first = quiet(dir.cmd(&args)).spawn().unwrap();
    let pid = first.id().to_string();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while std::fs::read_to_string(&lock).map_or(true, |t| t.trim() != pid) {
        assert!(
            std::time::Instant::now() < deadline,
            "the first build never took the lock"
        );
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let second = dir.run(&args);
    let status = first.wait().unwrap();
    assert_eq!(status.code(), Some(1), "the first build finished normally");
    second.assert_code(2);
    second.assert_that(
        second.stderr().contains("Another permitpack run")
            && second.stderr().contains(&format!("process {pid}")),
        "the refusal names the running process and what to do",
    );
    second.assert_that(
        second.stderr().contains("--out"),
        "the refusal says what to do",
    );

    // The lock went with the first process: the next build runs.
    build(&dir, "out", &["-q"]).assert_code(1);

    // A build killed while holding the lock leaves no lock behind.
    let mut killed = quiet(dir.cmd(&args)).spawn().unwrap();
    let pid = killed.id().to_string();
    while std::fs::read_to_string(&lock).map_or(true, |t| t.trim() != pid) {
        if killed.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    let _ = killed.kill();
    let _ = killed.wait();
    build(&dir, "out", &["-q"]).assert_code(1);
}
