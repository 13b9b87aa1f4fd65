//! Writes a planned packet as a zip: entries in plan order, fixed timestamps (the as-of date,
//! 00:00), fixed permissions (0644), no host data, so the same inputs give byte-identical
//! zips. With a password every entry is AES-256 encrypted (WinZip AE-2); AES uses a random
//! salt per entry, so encrypted packets are not byte-identical between runs.

use super::PacketError;
use super::plan::PacketEntry;
use crate::fsutil::{InputError, open_input, safe_file_name};
use crate::io::Content;
use chrono::{Datelike, NaiveDate};
use std::collections::HashSet;
use std::io::Read;
use std::io::{Seek, Write};
use zip::write::SimpleFileOptions;
use zip::{AesMode, CompressionMethod, DateTime, ZipWriter};

/// Deflate level: fixed so the output does not depend on library defaults.
const DEFLATE_LEVEL: i64 = 6;

/// Entries at least this large need zip64 headers.
const ZIP64_THRESHOLD: u64 = 0xFFFF_0000;

/// A source file left out of a packet because it could not be read (vanished, swapped for
/// a link, not a regular file, over the size limit, a read error): the packet is written
/// without it and the employee gets an issue naming it.
#[derive(Debug)]
pub struct LeftOut {
    /// The entry it would have been.
    pub entry: String,
    /// The file name as the user knows it.
    pub file: String,
    pub item_id: String,
    pub reason: InputError,
}

/// Writes `entries` as a zip into `out` and returns the writer and the source files left out.
/// Entry names must be plain, safe file names (as [`super::plan`] makes them) and unique
/// ignoring case. A source file is opened once without following links, checked to be a
/// regular file of at most `max_source_bytes`, and that handle is what is copied.
pub fn assemble<W: Write + Seek>(
    out: W,
    entries: &[PacketEntry],
    as_of: NaiveDate,
    password: Option<&str>,
    max_source_bytes: u64,
) -> Result<(W, Vec<LeftOut>), PacketError> {
    if password.is_some_and(str::is_empty) {
        return Err(PacketError::EmptyPassword);
    }
    check_names(entries)?;
    let stamp = zip_time(as_of);
    let mut zip = ZipWriter::new(Latched {
        inner: out,
        failed: false,
    });
    let mut left_out = Vec::new();
    for entry in entries {
        let leave_out = |reason: InputError| LeftOut {
            entry: entry.name.clone(),
            file: entry.original.clone().unwrap_or_else(|| entry.name.clone()),
            item_id: entry.item_id.clone(),
            reason,
        };
        let (source, size) = match &entry.content {
            Content::Bytes(b) => (None, b.len() as u64),
            Content::File(p) => match open_input(p, max_source_bytes) {
                Ok((f, size)) => (Some(f), size),
                Err(reason) => {
                    left_out.push(leave_out(reason));
                    continue;
                }
            },
        };
        let mut options = SimpleFileOptions::default()
            .last_modified_time(stamp)
            .unix_permissions(0o644)
            .large_file(size >= ZIP64_THRESHOLD);
        options = if entry.compress {
            options
                .compression_method(CompressionMethod::Deflated)
                .compression_level(Some(DEFLATE_LEVEL))
        } else {
            options.compression_method(CompressionMethod::Stored)
        };
        match password {
            Some(pw) => zip.start_file(
                entry.name.as_str(),
                options.with_aes_encryption(AesMode::Aes256, pw),
            )?,
            None => zip.start_file(entry.name.as_str(), options)?,
        }
        match (&entry.content, source) {
            (Content::Bytes(b), _) => zip.write_all(b).map_err(PacketError::Write)?,
            (Content::File(_), Some(f)) => {
                // The size checked is the size copied, even if the file grows meanwhile.
                let mut f = f.take(size);
                match copy_from_source(&mut f, &mut zip) {
                    Ok(()) => {}
                    Err(CopyError::Write(e)) => return Err(PacketError::Write(e)),
                    Err(CopyError::Read(e)) => {
                        zip.abort_file()?;
                        left_out.push(leave_out(InputError::Io(e)));
                    }
                }
            }
            (Content::File(_), None) => {}
        }
    }
    Ok((zip.finish()?.inner, left_out))
}

/// Passes writes through until one fails; after that every write and seek succeeds without
/// doing anything. The failure was already returned by the call that met it (the packet is
/// not written: the atomic writer drops its temporary file), and a `ZipWriter` dropped on
/// that error finishes its archive into the sink again and prints what fails then
/// ("ZipWriter drop failed: Io(Os { code: 28 ...") straight to the terminal.
struct Latched<W> {
    inner: W,
    failed: bool,
}

impl<W: Write> Write for Latched<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.failed {
            return Ok(buf.len());
        }
        self.inner.write(buf).inspect_err(|_| self.failed = true)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.failed {
            return Ok(());
        }
        self.inner.flush().inspect_err(|_| self.failed = true)
    }
}

impl<W: Seek> Seek for Latched<W> {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        if self.failed {
            return Ok(0);
        }
        self.inner.seek(pos).inspect_err(|_| self.failed = true)
    }
}

/// [`assemble`] into memory.
pub fn assemble_to_vec(
    entries: &[PacketEntry],
    as_of: NaiveDate,
    password: Option<&str>,
    max_source_bytes: u64,
) -> Result<(Vec<u8>, Vec<LeftOut>), PacketError> {
    let (cursor, left_out) = assemble(
        std::io::Cursor::new(Vec::new()),
        entries,
        as_of,
        password,
        max_source_bytes,
    )?;
    Ok((cursor.into_inner(), left_out))
}

enum CopyError {
    Read(std::io::Error),
    Write(std::io::Error),
}

/// `io::copy` that tells a failing source (a scan that vanished or is unreadable) from a
/// failing destination (disk full).
fn copy_from_source<R: std::io::Read, W: Write>(r: &mut R, w: &mut W) -> Result<(), CopyError> {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match r.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(CopyError::Read(e)),
        };
        w.write_all(&buf[..n]).map_err(CopyError::Write)?;
    }
}

/// The as-of date at 00:00 as a DOS timestamp; dates outside 1980-2107 (which a zip cannot
/// hold) use 1980-01-01.
fn zip_time(as_of: NaiveDate) -> DateTime {
    u16::try_from(as_of.year())
        .ok()
        .and_then(|y| {
            DateTime::from_date_and_time(y, as_of.month() as u8, as_of.day() as u8, 0, 0, 0).ok()
        })
        .unwrap_or_default()
}

/// Entry names are relative paths of plain parts: no empty, `.` or `..` part, no `\\`,
/// no control character, no drive letter; generated names (the last part of anything but
/// `originals/`) are also [`safe_file_name`]s. Unique in any case.
fn check_names(entries: &[PacketEntry]) -> Result<(), PacketError> {
    let mut seen = HashSet::new();
    for e in entries {
        let parts: Vec<&str> = e.name.split('/').collect();
        let plain = parts.iter().all(|p| {
            !p.is_empty()
                && !p.chars().all(|c| c == '.')
                && !p.chars().any(|c| c.is_control() || matches!(c, '\\' | ':'))
                && p.len() <= 255
        });
        let generated = parts.first() != Some(&super::plan::ORIGINALS_DIR);
        let last = parts.last().copied().unwrap_or_default();
        if !plain
            || (generated && safe_file_name(last, 255) != last)
            || !seen.insert(e.name.to_lowercase())
        {
            return Err(PacketError::BadEntryName(e.name.clone()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Read};

    fn entry(name: &str, bytes: &[u8], compress: bool) -> PacketEntry {
        PacketEntry {
            name: name.into(),
            content: Content::Bytes(bytes.to_vec()),
            compress,
            item_id: "x".into(),
            original: Some(format!("orig/{name}")),
        }
    }

    fn date() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    /// The zip bytes, with every source readable.
    fn assemble_to_vec(
        entries: &[PacketEntry],
        as_of: NaiveDate,
        password: Option<&str>,
    ) -> Result<Vec<u8>, PacketError> {
        let (bytes, left_out) = super::assemble_to_vec(entries, as_of, password, u64::MAX)?;
        assert!(left_out.is_empty(), "{left_out:?}");
        Ok(bytes)
    }

    fn sample() -> Vec<PacketEntry> {
        vec![
            entry("00_cover_checklist.pdf", b"%PDF-1.7 cover", false),
            entry("01_notes.txt", &b"hello packet ".repeat(200), true),
            entry("02_passport.jpg", &[0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3], false),
        ]
    }

    #[test]
    fn same_inputs_give_identical_bytes() {
        let a = assemble_to_vec(&sample(), date(), None).unwrap();
        let b = assemble_to_vec(&sample(), date(), None).unwrap();
        assert_eq!(a, b);
        let c = assemble_to_vec(&sample(), date().succ_opt().unwrap(), None).unwrap();
        assert_ne!(a, c, "the as-of date is the timestamp");
    }

    #[test]
    fn entries_read_back_with_fixed_metadata() {
        let bytes = assemble_to_vec(&sample(), date(), None).unwrap();
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
        assert_eq!(names.len(), 3);
        for (i, want) in sample().iter().enumerate() {
            let mut f = zip.by_index(i).unwrap();
            assert_eq!(f.name().unwrap(), want.name);
            let t = f.last_modified().unwrap();
            assert_eq!((t.year(), t.month(), t.day(), t.hour()), (2026, 11, 26, 0));
            assert_eq!(f.unix_mode().map(|m| m & 0o777), Some(0o644));
            let method = f.compression();
            assert_eq!(method == CompressionMethod::Deflated, want.compress);
            let mut got = Vec::new();
            f.read_to_end(&mut got).unwrap();
            let Content::Bytes(b) = &want.content else {
                unreachable!()
            };
            assert_eq!(&got, b);
        }
    }

    #[test]
    fn aes_packets_need_the_password() {
        let bytes = assemble_to_vec(&sample(), date(), Some("s3cret-密码")).unwrap();
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        assert!(
            zip.by_index(1).is_err(),
            "reading without the password fails"
        );
        {
            let mut f = zip
                .by_index_decrypt(1, b"s3cret-\xE5\xAF\x86\xE7\xA0\x81")
                .unwrap();
            let mut got = Vec::new();
            f.read_to_end(&mut got).unwrap();
            assert_eq!(got, b"hello packet ".repeat(200));
        }
        assert!(zip.by_index_decrypt(1, b"wrong").is_err());
        assert!(matches!(
            assemble_to_vec(&sample(), date(), Some("")),
            Err(PacketError::EmptyPassword)
        ));
    }

    #[test]
    fn unsafe_or_duplicate_entry_names_are_refused() {
        for bad in [
            "../x.pdf",
            "a/../b.pdf",
            "/abs.pdf",
            "upload//x.pdf",
            "C:/x.pdf",
            "a\\b.pdf",
            ".hidden",
            "CON.pdf",
            "print/CON.pdf",
        ] {
            let e = vec![entry(bad, b"x", false)];
            assert!(
                matches!(
                    assemble_to_vec(&e, date(), None),
                    Err(PacketError::BadEntryName(_))
                ),
                "{bad}"
            );
        }
        let dup = vec![
            entry("01_a.pdf", b"x", false),
            entry("01_A.pdf", b"y", false),
        ];
        assert!(matches!(
            assemble_to_vec(&dup, date(), None),
            Err(PacketError::BadEntryName(_))
        ));
    }

    #[test]
    fn files_are_streamed_and_an_unreadable_scan_is_left_out_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("scan.pdf");
        std::fs::write(&p, b"%PDF scan").unwrap();
        let mut e = entry("01_passport.pdf", b"", false);
        e.content = Content::File(p.clone());
        let bytes = assemble_to_vec(std::slice::from_ref(&e), date(), None).unwrap();
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut got = Vec::new();
        zip.by_index(0).unwrap().read_to_end(&mut got).unwrap();
        assert_eq!(got, b"%PDF scan");

        // Over the limit, swapped for a link, vanished: the packet is written without it.
        let cover = entry("00_cover_checklist.pdf", b"%PDF cover", false);
        let check = |entries: &[PacketEntry], limit: u64, want: &str| {
            let (bytes, left) = super::assemble_to_vec(entries, date(), None, limit).unwrap();
            assert_eq!(left.len(), 1, "{left:?}");
            assert_eq!(left[0].file, "orig/01_passport.pdf");
            assert_eq!(left[0].entry, "01_passport.pdf");
            assert!(
                left[0].reason.to_string().contains(want),
                "{}",
                left[0].reason
            );
            let zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
            assert_eq!(
                zip.file_names().map(|n| n.unwrap()).collect::<Vec<_>>(),
                ["00_cover_checklist.pdf"]
            );
        };
        let both = [cover.clone(), e.clone()];
        check(&both, 4, "more than");
        let secret = dir.path().join("secret.txt");
        std::fs::write(&secret, b"outside").unwrap();
        std::fs::remove_file(&p).unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&secret, &p).unwrap();
            check(&both, u64::MAX, "symbolic link");
            std::fs::remove_file(&p).unwrap();
        }
        check(&both, u64::MAX, "no such file");
    }

    #[test]
    fn dates_a_zip_cannot_hold_fall_back_to_1980() {
        let old = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        let bytes = assemble_to_vec(&sample(), old, None).unwrap();
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let t = zip.by_index(0).unwrap().last_modified().unwrap();
        assert_eq!(t.year(), 1980);
    }
}
