//! The rerun cache: each employee's result kept in the output folder
//! (`OUT/.permitpack/cache/`), found again by a digest of everything that result depends on,
//! so a rerun decodes, typesets and writes only the employees whose inputs changed.
//!
//! This module owns the store (one file an entry, named by its key, written atomically,
//! checked on every read, dropped when a run did not use it), the stamps that let unchanged
//! files skip rehashing ([`stamps`]), the key encoding ([`digest`]) and the cache as one run
//! uses it ([`RunCache`]). Which inputs go into an employee's key is decided with the
//! pipeline (`crate::run`), since it is the pipeline that reads them; the output folder's
//! store (`crate::store`) opens the cache.

pub mod digest;
mod entry;
pub mod stamps;

pub use digest::{Digest, KeyBuilder, build_id};
pub use entry::{Damage, Entry, PacketRecord};

use crate::assets::Templates;
use crate::codes;
use crate::io::FileStamp;
use crate::issue::Issue;
use crate::outcome::EmployeeOutcome;
use stamps::StampMap;
use std::collections::{BTreeMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

const ENTRY_EXT: &str = "entry";
const STAMPS_FILE: &str = "stamps";

/// The cache of one output folder for one run. Shared by the worker threads.
#[derive(Debug)]
pub struct Cache {
    dir: PathBuf,
    /// `dir` as messages name it, from the output folder (`.permitpack/cache`).
    shown: String,
    /// The packets folder whose packets the entries record.
    packets: PathBuf,
    /// The permission bits the sink gives packets (`--shared` or not): a packet with others
    /// is written again rather than reused.
    packet_mode: u32,
    /// Stamps recorded by the previous run.
    known: StampMap,
    /// Stamps of the files this run looked at, saved for the next run.
    seen: Mutex<StampMap>,
    /// Packets this run wrote: name, stamp right after the write, the entry's key.
    written: Mutex<Vec<(String, FileStamp, Digest)>>,
    /// Keys this run found or stored; every other entry is dropped at the end.
    used: Mutex<HashSet<Digest>>,
    notes: Mutex<Vec<Issue>>,
    /// A write failed: the rest of the run does not retry (and does not repeat the note).
    broken: Mutex<bool>,
}

fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every critical section leaves the data consistent, so a poisoned lock is usable.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Cache {
    /// Opens (creating) the cache in the state folder `state` (`OUT/.permitpack`) of an
    /// output folder whose packets are in `packets`. The caller holds the output folder's
    /// lock (`crate::store::OutStore::lock`). `Err` is the warning to show; the run then goes
    /// on without a cache.
    pub fn open(state: &Path, packets: &Path, group_readable: bool) -> Result<Cache, Issue> {
        let dir = state.join("cache");
        let shown = Path::new(state.file_name().unwrap_or_default())
            .join("cache")
            .display()
            .to_string();
        let unavailable = |e: &io::Error| {
            Issue::warning(codes::CACHE_UNAVAILABLE)
                .arg("dir", dir.display())
                .arg("detail", e)
        };
        // Private like every folder permitpack creates: entries hold the employees' results.
        crate::fsutil::create_output_dir(&dir, false).map_err(|e| unavailable(&e))?;
        crate::fsutil::remove_stale_temps(&dir).map_err(|e| unavailable(&e))?;
        let mut notes = Vec::new();
        let known = match std::fs::read(dir.join(STAMPS_FILE)) {
            Ok(bytes) => entry::decode_stamps(&bytes).unwrap_or_else(|damage| {
                notes.push(damaged(&shown, STAMPS_FILE, &damage));
                StampMap::new()
            }),
            Err(e) if e.kind() == io::ErrorKind::NotFound => StampMap::new(),
            Err(e) => return Err(unavailable(&e)),
        };
        Ok(Cache {
            dir,
            shown,
            packets: packets.to_path_buf(),
            packet_mode: crate::fsutil::output_file_mode(group_readable),
            known,
            seen: Mutex::new(StampMap::new()),
            written: Mutex::new(Vec::new()),
            used: Mutex::new(HashSet::new()),
            notes: Mutex::new(notes),
            broken: Mutex::new(false),
        })
    }

    /// Where the entries are.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The digest of a file's content, identified by `id` (unique within the output folder,
    /// e.g. `photo:` and its path): taken from the previous run's stamp when `stamp` shows
    /// the file unchanged, else by reading it with `read`. Files without a stamp (bytes in
    /// memory) are always read.
    pub fn digest(
        &self,
        id: &str,
        stamp: Option<FileStamp>,
        read: impl FnOnce() -> io::Result<Vec<u8>>,
    ) -> io::Result<Digest> {
        let (digest, record) = stamps::digest_with(self.known.get(id), stamp, read)?;
        if let Some(r) = record {
            locked(&self.seen).insert(id.to_string(), r);
        }
        Ok(digest)
    }

    /// The entry stored under `key`, if there is a sound one. A damaged entry is reported
    /// (see [`Cache::take_notes`]), removed and treated as absent.
    pub fn lookup(&self, key: &Digest) -> Option<Entry> {
        let name = entry_name(key);
        let path = self.dir.join(&name);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return None,
            Err(e) => {
                locked(&self.notes).push(damaged(
                    &self.shown,
                    &name,
                    &Damage::Content(e.to_string()),
                ));
                return None;
            }
        };
        match entry::decode_entry(key, &bytes) {
            Ok(found) => {
                locked(&self.used).insert(*key);
                Some(found)
            }
            Err(damage) => {
                locked(&self.notes).push(damaged(&self.shown, &name, &damage));
                let _ = std::fs::remove_file(&path);
                None
            }
        }
    }

    /// Stores `entry` under `key` (atomically: a reader sees the old entry, the new one or
    /// none). A failure is noted once and turns further stores off; the run is unaffected.
    pub fn store(&self, key: &Digest, found: &Entry) {
        if *locked(&self.broken) {
            return;
        }
        let bytes = entry::encode_entry(key, found);
        // Not fsynced: an entry lost or torn by a power cut fails its checksum and is
        // recomputed, so its durability is not worth a disk flush per employee.
        let written = crate::fsutil::write_atomic_durable(
            &self.dir,
            &entry_name(key),
            crate::fsutil::Durability::Later,
            |w| io::Write::write_all(w, &bytes),
        );
        match written {
            Ok(_) => {
                locked(&self.used).insert(*key);
            }
            Err(e) => {
                *locked(&self.broken) = true;
                locked(&self.notes).push(
                    Issue::warning(codes::CACHE_UNAVAILABLE)
                        .arg("dir", self.dir.display())
                        .arg("detail", e.source),
                );
            }
        }
    }

    /// The warnings so far (damaged entries, a cache that cannot be written), once each.
    pub fn take_notes(&self) -> Vec<Issue> {
        std::mem::take(&mut *locked(&self.notes))
    }

    /// Ends the run: drops every entry this run did not use and saves the stamps of the
    /// files it looked at and of the packets it wrote. Call only after a run that went
    /// through every employee, or the entries of the others would be lost, and after its
    /// packets were synced (their stamps are taken then). Returns the warnings not yet taken.
    pub fn finish(self) -> Vec<Issue> {
        self.confirm_packets();
        let used = std::mem::take(&mut *locked(&self.used));
        let mut notes = self.take_notes();
        let unavailable = |e: &dyn std::fmt::Display| {
            Issue::warning(codes::CACHE_UNAVAILABLE)
                .arg("dir", self.dir.display())
                .arg("detail", e)
        };
        match std::fs::read_dir(&self.dir) {
            Ok(rd) => {
                for e in rd.flatten() {
                    let name = e.file_name().to_string_lossy().into_owned();
                    let stale = name
                        .strip_suffix(&format!(".{ENTRY_EXT}"))
                        .and_then(Digest::from_hex)
                        .is_some_and(|k| !used.contains(&k));
                    if stale {
                        let _ = std::fs::remove_file(e.path());
                    }
                }
            }
            Err(e) => notes.push(unavailable(&e)),
        }
        let seen = std::mem::take(&mut *locked(&self.seen));
        if let Err(e) =
            crate::fsutil::write_atomic(&self.dir, STAMPS_FILE, &entry::encode_stamps(&seen))
        {
            notes.push(unavailable(&e.source));
        }
        notes
    }

    /// Notes a packet this run wrote for the entry `key`, as it is on disk right after the
    /// write (its stamp, not its content: a packet is never read back to be hashed). Its
    /// stamp is confirmed and saved for the next run by [`Cache::finish`], after every
    /// packet has been synced. `None` when the packet cannot be looked at.
    fn packet_written(&self, name: &str, key: &Digest) -> Option<PacketRecord> {
        let stamp = FileStamp::of_path(&self.packets.join(name)).ok()?;
        locked(&self.written).push((name.to_string(), stamp, *key));
        Some(PacketRecord {
            name: name.to_string(),
            len: stamp.len,
        })
    }

    /// Whether the packet recorded in the entry `key` is still in the packets folder as that
    /// run wrote it: the stamp confirmed at the end of that run (for this entry) still holds,
    /// and the file has the mode packets are written with. Nothing is read: a packet touched
    /// since, or one the run that wrote it did not confirm (it was cut off), is written again.
    pub fn packet_unchanged(&self, recorded: Option<&PacketRecord>, key: &Digest) -> bool {
        let Some(rec) = recorded else {
            return false;
        };
        let path = self.packets.join(&rec.name);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).map(|m| m.permissions().mode() & 0o777);
            if mode.ok() != Some(self.packet_mode) {
                return false;
            }
        }
        let id = packet_id(&rec.name);
        let Some(known) = self.known.get(&id) else {
            return false;
        };
        let Ok(now) = FileStamp::of_path(&path) else {
            return false;
        };
        if known.digest != *key || now.len != rec.len || !known.still_valid(&now) {
            return false;
        }
        locked(&self.seen).insert(id, *known);
        true
    }

    /// Confirms the stamps of the packets this run wrote (call after they were synced): a
    /// packet whose stamp is still the one taken right after its write is recorded for its
    /// entry's key. Waits, once and at most [`MAX_SETTLE`], for the newest packet to be older
    /// than the file system's timestamp resolution, so that no stamp is "racy" and the first
    /// rerun trusts them all, as later ones do.
    fn confirm_packets(&self) {
        let written = std::mem::take(&mut *locked(&self.written));
        let margin = written
            .iter()
            .map(|(_, s, _)| s.mtime_ns + s.resolution())
            .max();
        if let Some(margin) = margin {
            let wait = margin - FileStamp::nanos(std::time::SystemTime::now()) + 1_000_000;
            if wait > 0 && wait <= MAX_SETTLE.as_nanos() as i128 {
                std::thread::sleep(std::time::Duration::from_nanos(wait as u64));
            }
        }
        let confirmed_at = FileStamp::nanos(std::time::SystemTime::now());
        let mut seen = locked(&self.seen);
        for (name, at_write, key) in written {
            let Ok(now) = FileStamp::of_path(&self.packets.join(&name)) else {
                continue;
            };
            if now == at_write {
                seen.insert(
                    packet_id(&name),
                    stamps::Stamped {
                        stamp: now,
                        hashed_at_ns: confirmed_at,
                        digest: key,
                    },
                );
            }
        }
    }
}

/// The longest [`Cache::finish`] waits for the newest packet's stamp to be trustworthy (a
/// file system with whole-second times would need up to two seconds: its last packets are
/// then written again on the next run instead).
const MAX_SETTLE: std::time::Duration = std::time::Duration::from_millis(100);

/// The stamps-file identity of a packet.
fn packet_id(name: &str) -> String {
    format!("packet:{name}")
}

/// The cache as one run uses it: the store, the key part every employee of the run shares,
/// and how many employees were taken from it.
#[derive(Debug)]
pub struct RunCache {
    cache: Cache,
    run_key: Digest,
    /// `false` with `--no-cache`: nothing is taken from the cache, but this run's results
    /// replace what it held.
    reuse: bool,
    reused: AtomicUsize,
}

impl RunCache {
    /// The cache of one run, whose shared key part is `run_key`.
    pub fn new(cache: Cache, run_key: Digest, reuse: bool) -> RunCache {
        RunCache {
            cache,
            run_key,
            reuse,
            reused: AtomicUsize::new(0),
        }
    }

    /// The store, for the digests of the files a key is made of.
    pub fn cache(&self) -> &Cache {
        &self.cache
    }

    /// The start of an employee's key: the run's part, to which the caller adds what is
    /// the employee's own.
    pub fn employee_key(&self) -> KeyBuilder {
        let mut k = KeyBuilder::new("employee");
        k.digest("run", &self.run_key);
        k
    }

    /// The outcome stored under `key`, when reuse is on and the packet it records is still
    /// in the packets folder, unchanged. Counted as reused.
    pub fn reusable(&self, key: &Digest) -> Option<EmployeeOutcome> {
        if !self.reuse {
            return None;
        }
        let found = self.cache.lookup(key)?;
        if !self.cache.packet_unchanged(found.packet.as_ref(), key) {
            return None;
        }
        self.reused.fetch_add(1, Ordering::Relaxed);
        Some(found.outcome)
    }

    /// Keeps `outcome` under `key`. Only complete results are kept: an employee whose packet
    /// was not written (a full disk, a file that could not be read) is tried again on the
    /// next run.
    pub fn keep(&self, key: &Digest, outcome: &EmployeeOutcome) {
        if let Some(name) = &outcome.packet
            && let Some(record) = self.cache.packet_written(name, key)
        {
            self.cache.store(
                key,
                &Entry {
                    outcome: outcome.clone(),
                    packet: Some(record),
                },
            );
        }
    }

    /// How many employees were taken from the cache.
    pub fn reused(&self) -> usize {
        self.reused.load(Ordering::Relaxed)
    }

    /// Ends the run ([`Cache::finish`]). Returns the warnings not yet taken.
    pub fn finish(self) -> Vec<Issue> {
        self.cache.finish()
    }
}

fn entry_name(key: &Digest) -> String {
    format!("{}.{ENTRY_EXT}", key.hex())
}

/// The warning for a cache file that was not used; `dir` is the cache as messages name it.
fn damaged(dir: &str, name: &str, damage: &Damage) -> Issue {
    let shown = format!("{dir}/{name}");
    Issue::warning(codes::CACHE_ENTRY_DAMAGED)
        .arg("file", &shown)
        .arg("reason", damage)
        .file(shown)
}

/// A digest of the templates in force: every built-in file as overridden by the user's
/// `--templates` folder, plus the files only that folder has (fonts, extra profiles).
pub fn templates_digest(templates: &Templates) -> io::Result<Digest> {
    let mut files: BTreeMap<String, Digest> = Templates::builtin_files()
        .map(|(rel, bytes)| (rel.to_string(), Digest::of(bytes)))
        .collect();
    if let Some(dir) = templates.dir() {
        walk(dir, "", &mut files)?;
    }
    let mut k = KeyBuilder::new("templates");
    for (rel, d) in &files {
        k.str("path", rel).digest("content", d);
    }
    Ok(k.finish())
}

/// Every file under `dir` (following links, as the template loader does), by `/` path.
fn walk(dir: &Path, prefix: &str, out: &mut BTreeMap<String, Digest>) -> io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let name = e.file_name().to_string_lossy().into_owned();
        let rel = format!("{prefix}{name}");
        let path = e.path();
        if path.is_dir() {
            walk(&path, &format!("{rel}/"), out)?;
        } else if path.is_file() {
            out.insert(rel, Digest::of(&std::fs::read(&path)?));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::STATE_DIR;

    /// The cache of the output folder `out`.
    fn open(out: &Path) -> Cache {
        Cache::open(&out.join(STATE_DIR), &out.join("packets"), false).unwrap()
    }

    fn entry() -> Entry {
        Entry {
            outcome: entry::tests::outcome(),
            packet: Some(PacketRecord {
                name: "EA1234567_Anna_Nowak.zip".into(),
                len: 3,
            }),
        }
    }

    #[test]
    fn stored_entries_are_found_and_unused_ones_dropped() {
        let out = tempfile::tempdir().unwrap();
        let (a, b) = (Digest::of(b"a"), Digest::of(b"b"));
        let cache = open(out.path());
        assert_eq!(cache.lookup(&a), None);
        cache.store(&a, &entry());
        cache.store(&b, &entry());
        assert!(cache.finish().is_empty());

        // The next run uses only `a`: `b` goes.
        let cache = open(out.path());
        assert_eq!(cache.lookup(&a), Some(entry()));
        assert!(cache.finish().is_empty());
        let cache = open(out.path());
        assert_eq!(cache.lookup(&b), None);
        assert_eq!(cache.lookup(&a), Some(entry()));
        assert!(cache.dir().join(entry_name(&a)).is_file());
        assert!(!cache.dir().join(entry_name(&b)).exists());
    }

    #[test]
    fn a_damaged_entry_is_reported_removed_and_not_used() {
        let out = tempfile::tempdir().unwrap();
        let key = Digest::of(b"a");
        let cache = open(out.path());
        cache.store(&key, &entry());
        let path = cache.dir().join(entry_name(&key));
        cache.finish();

        let mut bytes = std::fs::read(&path).unwrap();
        let mid = bytes.len() / 2;
        bytes[mid] ^= 0xff;
        std::fs::write(&path, &bytes).unwrap();
        let cache = open(out.path());
        assert_eq!(cache.lookup(&key), None);
        let notes = cache.take_notes();
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert_eq!(notes[0].code, codes::CACHE_ENTRY_DAMAGED);
        assert!(notes[0].args.iter().any(|(_, v)| v == "checksum mismatch"));
        assert!(!path.exists());
        cache.store(&key, &entry());
        assert_eq!(cache.lookup(&key), Some(entry()));
    }

    #[test]
    fn stamps_carry_over_to_the_next_run() {
        let out = tempfile::tempdir().unwrap();
        let photo = out.path().join("a.jpg");
        std::fs::write(&photo, b"photo").unwrap();
        stamps::set_mtime(&photo, std::time::Duration::from_secs(60));
        let id = "photo:a.jpg";
        let cache = open(out.path());
        let stamp = FileStamp::of_path(&photo).ok();
        let d = cache.digest(id, stamp, || std::fs::read(&photo)).unwrap();
        cache.finish();

        let cache = open(out.path());
        let again = cache
            .digest(id, stamp, || panic!("an unchanged file is read again"))
            .unwrap();
        assert_eq!(again, d);
        // A file not looked at in a run is forgotten by the next.
        cache.finish();
        let cache = open(out.path());
        cache.finish();
        let cache = open(out.path());
        let mut read = false;
        cache
            .digest(id, stamp, || {
                read = true;
                std::fs::read(&photo)
            })
            .unwrap();
        assert!(read);
    }

    /// A run that wrote a packet (`keep`) and finished: the packet's stamp is confirmed
    /// after the write, so the very next run trusts it without reading the packet.
    fn write_and_keep(out: &Path, key: &Digest, bytes: &[u8]) -> PathBuf {
        let packets = out.join("packets");
        crate::fsutil::create_output_dir(&packets, false).unwrap();
        let path = packets.join("EA1234567_Anna_Nowak.zip");
        std::fs::write(&path, bytes).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = crate::fsutil::output_file_mode(false);
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        let rc = RunCache::new(open(out), Digest::of(b"run"), true);
        let mut o = entry().outcome;
        o.packet = Some("EA1234567_Anna_Nowak.zip".into());
        rc.keep(key, &o);
        assert!(rc.finish().is_empty());
        path
    }

    #[test]
    fn the_first_rerun_trusts_the_packets_just_written() {
        let out = tempfile::tempdir().unwrap();
        let key = Digest::of(b"employee");
        write_and_keep(out.path(), &key, b"zip bytes");
        // Right after the run: no waiting, no second run in between.
        let rc = RunCache::new(open(out.path()), Digest::of(b"run"), true);
        assert!(rc.reusable(&key).is_some());
        assert_eq!(rc.reused(), 1);
        rc.finish();
        // And the run after that.
        let rc = RunCache::new(open(out.path()), Digest::of(b"run"), true);
        assert!(rc.reusable(&key).is_some());
        // Another entry's key does not claim this packet.
        assert!(rc.reusable(&Digest::of(b"another")).is_none());
    }

    #[test]
    fn a_packet_touched_after_the_run_is_not_reused() {
        let out = tempfile::tempdir().unwrap();
        let key = Digest::of(b"employee");
        let path = write_and_keep(out.path(), &key, b"zip bytes");
        // Same size, other content, written later.
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&path, b"zip bytez").unwrap();
        let rc = RunCache::new(open(out.path()), Digest::of(b"run"), true);
        assert!(rc.reusable(&key).is_none());
        // Without the stamps file (a run cut off before its end), nothing is trusted.
        let out = tempfile::tempdir().unwrap();
        write_and_keep(out.path(), &key, b"zip bytes");
        std::fs::remove_file(out.path().join(STATE_DIR).join("cache").join(STAMPS_FILE)).unwrap();
        let rc = RunCache::new(open(out.path()), Digest::of(b"run"), true);
        assert!(rc.reusable(&key).is_none());
    }

    #[test]
    fn a_damaged_stamps_file_is_reported_and_ignored() {
        let out = tempfile::tempdir().unwrap();
        open(out.path()).finish();
        let path = out.path().join(STATE_DIR).join("cache").join(STAMPS_FILE);
        std::fs::write(&path, b"PPSTAMP\n garbage").unwrap();
        let cache = open(out.path());
        let notes = cache.take_notes();
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].code, codes::CACHE_ENTRY_DAMAGED);
    }

    #[test]
    fn templates_digest_follows_the_users_files() {
        let builtin = templates_digest(&Templates::builtin()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let user = Templates::with_dir(dir.path());
        assert_eq!(templates_digest(&user).unwrap(), builtin);
        std::fs::create_dir_all(dir.path().join("fonts")).unwrap();
        std::fs::write(dir.path().join("fonts/Company.ttf"), b"font").unwrap();
        let with_font = templates_digest(&user).unwrap();
        assert_ne!(with_font, builtin);
        std::fs::write(dir.path().join("fonts/Company.ttf"), b"font 2").unwrap();
        assert_ne!(templates_digest(&user).unwrap(), with_font);
        let (rel, bytes) = Templates::builtin_files().next().unwrap();
        std::fs::remove_dir_all(dir.path().join("fonts")).unwrap();
        if let Some(parent) = Path::new(rel).parent() {
            std::fs::create_dir_all(dir.path().join(parent)).unwrap();
        }
        std::fs::write(dir.path().join(rel), bytes).unwrap();
        assert_eq!(
            templates_digest(&user).unwrap(),
            builtin,
            "same bytes, same digest"
        );
        std::fs::write(dir.path().join(rel), b"changed").unwrap();
        assert_ne!(templates_digest(&user).unwrap(), builtin);
    }
}
