//! Packets written by the library into a real folder: byte-identical on rerun, valid for
//! Info-ZIP's `unzip -t`, entries in checklist order with fixed timestamps, safe names that
//! stay inside the folder, AES-256 when asked, and no partial zip after a killed writer.

use crate::fixtures::run_outcomes;

use chrono::NaiveDate;
use permitpack::fsutil;
use permitpack::io::Content;
use permitpack::packet::{self, Document, PacketNames, PacketSources};
use permitpack::run::FsSink;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

fn jpeg() -> Vec<u8> {
    let png = run_outcomes::preview([67, 142, 219], true);
    let img = image::load_from_memory(&png).unwrap();
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

/// A user's docs folder with scans on disk, as the documents stage finds them.
fn docs(dir: &Path) -> Vec<Document> {
    let e = dir.join("docs/E12345678");
    std::fs::create_dir_all(&e).unwrap();
    let files: [(&str, &str, Vec<u8>); 4] = [
        ("passport", "E12345678/护照 passport.jpg", jpeg()),
        ("residence_permit_page", "E12345678/RP page.JPG", jpeg()),
        (
            "tax_certificate",
            "E12345678/完税证明.pdf",
            b"%PDF-1.4\n% tax\n".repeat(50),
        ),
        (
            "wp_extension_form",
            "E12345678/form notes.txt",
            "申请表 notes\n".repeat(200).into_bytes(),
        ),
    ];
    files
        .into_iter()
        .map(|(item, original, bytes)| {
            let path = dir.join("docs").join(original);
            std::fs::write(&path, bytes).unwrap();
            Document {
                item_id: item.into(),
                original: original.into(),
                content: Content::File(path),
            }
        })
        .collect()
}

fn sources(dir: &Path) -> PacketSources {
    PacketSources {
        cover: b"%PDF-1.7\n% cover checklist\n".to_vec(),
        letters: vec![
            Document {
                item_id: "salary_certificate".into(),
                original: "salary_certificate.pdf".into(),
                content: Content::Bytes(b"%PDF-1.7\n% salary\n".to_vec()),
            },
            Document {
                item_id: "guarantee_letter".into(),
                original: "guarantee_letter.pdf".into(),
                content: Content::Bytes(b"%PDF-1.7\n% guarantee\n".to_vec()),
            },
        ],
        photo: Some(Document {
            item_id: packet::PHOTO_ITEM.into(),
            original: "E12345678.jpg".into(),
            content: Content::Bytes(jpeg()),
        }),
        platform_photo: Some(packet::PlatformPhoto {
            jpeg: jpeg(),
            file: "photos/E12345678.jpg".into(),
            how: permitpack::outcome::UploadHow::PassedThrough,
            within_budget: true,
        }),
        uploads: vec![packet::Upload {
            item_id: "passport".into(),
            pdf: b"%PDF-1.7\n% passport upload\n".to_vec(),
            pages: 1,
            files: vec!["E12345678/护照 passport.jpg".into()],
            how: permitpack::outcome::UploadHow::Placed,
            within_budget: true,
        }],
        scans: docs(dir),
        company_scans: vec![Document {
            item_id: "company_bank_statements".into(),
            original: "_company/bank 2026-08..10.pdf".into(),
            content: Content::Bytes(b"%PDF-1.4\n% bank\n".to_vec()),
        }],
    }
}

fn as_of() -> NaiveDate {
    run_outcomes::as_of()
}

fn write_one(dir: &Path, out: &Path, password: Option<&str>) -> PathBuf {
    let outcomes = run_outcomes::outcomes();
    let plan = packet::plan(
        &outcomes[0].checklist,
        &permitpack::rules::PageSides::default(),
        sources(dir),
    );
    let name = PacketNames::new().claim(&outcomes[0].employee);
    std::fs::create_dir_all(out).unwrap();
    packet::write_packet(
        &FsSink::with_packets(out, out),
        &name,
        &plan.entries,
        as_of(),
        password,
        u64::MAX,
    )
    .unwrap()
    .0
}

#[test]
fn rerun_gives_byte_identical_zips_that_unzip_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let a = write_one(dir.path(), &dir.path().join("out1/packets"), None);
    let b = write_one(dir.path(), &dir.path().join("out2/packets"), None);
    assert_eq!(a.file_name().unwrap(), "E12345678_SMITH_JOHN.zip");
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    // A rerun into the same folder replaces the packet with the same bytes.
    let first = std::fs::read(&a).unwrap();
    let again = write_one(dir.path(), &dir.path().join("out1/packets"), None);
    assert_eq!(std::fs::read(again).unwrap(), first);

    if let Some(keep) = std::env::var_os("PERMITPACK_KEEP_DIR") {
        // For looking at a packet by hand (zipinfo, unzip -l).
        std::fs::create_dir_all(&keep).unwrap();
        std::fs::copy(&a, Path::new(&keep).join(a.file_name().unwrap())).unwrap();
    }
    if crate::util::need_tool("unzip", &["-v"]) {
        let out = Command::new("unzip").arg("-t").arg(&a).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "unzip -t failed:\n{text}");
        assert!(text.contains("No errors detected"), "{text}");
    }
}

#[test]
fn entries_in_checklist_order_with_fixed_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_one(dir.path(), &dir.path().join("out/packets"), None);
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    let names: Vec<String> = (0..zip.len())
        .map(|i| zip.by_index(i).unwrap().name().unwrap().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "00_cover_checklist.pdf",
            "upload/01_passport.pdf",
            "upload/photo.jpg",
            "print/01_guarantee_letter.pdf",
            "print/02_salary_certificate.pdf",
            "originals/photos/E12345678.jpg",
            "originals/E12345678/form notes.txt",
            "originals/E12345678/护照 passport.jpg",
            "originals/E12345678/RP page.JPG",
            "originals/E12345678/完税证明.pdf",
            "originals/_company/bank 2026-08..10.pdf",
        ]
    );
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let t = f.last_modified().unwrap();
        assert_eq!(
            (t.year(), t.month(), t.day(), t.hour(), t.minute()),
            (2026, 11, 26, 0, 0)
        );
        assert_eq!(f.unix_mode().map(|m| m & 0o777), Some(0o644));
        let deflated = f.compression() == zip::CompressionMethod::Deflated;
        assert_eq!(
            deflated,
            f.name().unwrap().ends_with(".txt"),
            "{}",
            f.name().unwrap()
        );
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        assert!(!bytes.is_empty());
    }
    // The photo is the original bytes.
    let mut photo = Vec::new();
    zip.by_name("originals/photos/E12345678.jpg")
        .unwrap()
        .read_to_end(&mut photo)
        .unwrap();
    assert_eq!(photo, jpeg());
}

#[test]
fn aes_packets_open_only_with_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_one(
        dir.path(),
        &dir.path().join("out/packets"),
        Some("Shenzhen-2026!"),
    );
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    assert!(
        zip.by_name("originals/E12345678/护照 passport.jpg")
            .is_err()
    );
    let mut got = Vec::new();
    zip.by_name_decrypt("originals/E12345678/护照 passport.jpg", b"Shenzhen-2026!")
        .unwrap()
        .read_to_end(&mut got)
        .unwrap();
    assert_eq!(got, jpeg());
    assert!(
        zip.by_name_decrypt("originals/E12345678/护照 passport.jpg", b"wrong")
            .is_err()
    );
}

#[test]
fn hostile_names_stay_in_the_packets_folder_and_are_unique() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out/packets");
    std::fs::create_dir_all(&out).unwrap();
    let mut names = PacketNames::new();
    let cases = [
        (Some("../../../etc"), Some("passwd")),
        (Some("E1"), Some("..\\..\\Windows\\System32")),
        (Some("CON"), Some("NUL")),
        (Some("E1"), Some("..\\..\\windows\\system32")),
        (Some("/abs"), Some("C:\\x")),
        (None, Some("")),
    ];
    let mut written = Vec::new();
    for (row, (p, n)) in cases.into_iter().enumerate() {
        let name = names.claim_parts(p, n, row as u32 + 4);
        let plan = packet::plan(
            &[],
            &permitpack::rules::PageSides::default(),
            PacketSources {
                cover: b"%PDF".to_vec(),
                ..Default::default()
            },
        );
        let (path, _) = packet::write_packet(
            &FsSink::with_packets(&out, &out),
            &name,
            &plan.entries,
            as_of(),
            None,
            u64::MAX,
        )
        .unwrap();
        assert_eq!(path.parent().unwrap(), out, "{name}");
        written.push(name);
    }
    let count = std::fs::read_dir(&out).unwrap().count();
    assert_eq!(count, written.len(), "no collision: {written:?}");
    assert!(
        written
            .iter()
            .all(|n| n.ends_with(".zip") && !n.starts_with('.'))
    );
    assert_eq!(
        std::fs::read_dir(dir.path().join("out")).unwrap().count(),
        1
    );
}

/// Child side of the kill test: writes a packet of many entries of incompressible bytes
/// (deflate takes seconds on them), so the parent kills the process mid-packet. (A FIFO as a
/// source would no longer block: sources are opened non-blocking and refused unless they
/// are regular files.)
#[test]
fn kill_helper() {
    let Some(dir) = std::env::var_os("PERMITPACK_KILL_HELPER_DIR") else {
        return;
    };
    let dir = PathBuf::from(dir);
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let noise: Vec<u8> = (0..8 << 20)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    let mut entries = vec![packet::PacketEntry {
        name: "00_cover_checklist.pdf".into(),
        content: Content::Bytes(vec![b'x'; 200_000]),
        compress: false,
        item_id: "cover".into(),
        original: None,
    }];
    for i in 1..40 {
        entries.push(packet::PacketEntry {
            name: format!("{i:02}_scan.pdf"),
            content: Content::Bytes(noise.clone()),
            compress: true,
            item_id: "scan".into(),
            original: None,
        });
    }
    let _ = packet::write_packet(
        &FsSink::with_packets(dir.join("packets"), dir.join("packets")),
        "E1_A.zip",
        &entries,
        as_of(),
        None,
        u64::MAX,
    );
}

#[cfg(unix)]
#[test]
fn killed_writer_leaves_no_partial_zip() {
    let dir = tempfile::tempdir().unwrap();
    let packets = dir.path().join("packets");
    std::fs::create_dir_all(&packets).unwrap();
    // A complete packet from an earlier run.
    let old = packet::plan(
        &[],
        &permitpack::rules::PageSides::default(),
        PacketSources {
            cover: b"%PDF old".to_vec(),
            ..Default::default()
        },
    );
    let (old_path, _) = packet::write_packet(
        &FsSink::with_packets(&packets, &packets),
        "E1_A.zip",
        &old.entries,
        as_of(),
        None,
        u64::MAX,
    )
    .unwrap();
    let old_bytes = std::fs::read(&old_path).unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "packet_zip::kill_helper",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("PERMITPACK_KILL_HELPER_DIR", dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the writer has started its temporary file.
    let mut temp = None;
    for _ in 0..600 {
        temp = std::fs::read_dir(&packets)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .find(|n| fsutil::is_temp_leftover(n));
        if temp.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.kill().unwrap(); // SIGKILL: no destructor runs
    child.wait().unwrap();
    let temp = temp.expect("the writer started a temporary file");
    assert!(temp.starts_with(".permitpack-E1_A.zip.tmp-"), "{temp}");

    let zips: Vec<String> = std::fs::read_dir(&packets)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".zip"))
        .collect();
    assert_eq!(zips, ["E1_A.zip"], "only the old, complete packet");
    assert_eq!(
        std::fs::read(&old_path).unwrap(),
        old_bytes,
        "old packet untouched"
    );
    // The next run removes the leftover.
    let removed = fsutil::remove_stale_temps(&packets).unwrap();
    assert_eq!(removed, [temp]);
    assert_eq!(std::fs::read_dir(&packets).unwrap().count(), 1);
}
