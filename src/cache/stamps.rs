//! The file pre-check: what a file looked like (its [`FileStamp`]) when its content was last
//! hashed, so a rerun can take the digest of an unchanged photo, scan or packet without
//! reading it again, as git's index and cargo's fingerprints do.
//!
//! A stamp is trusted only when every part is equal and the file's modification time was
//! older than the moment of hashing by more than the file system's timestamp resolution.
//! Without that margin a file rewritten within the same clock tick as it was hashed would
//! keep its stamp with other content (git's "racy clean" case); such a file is hashed again
//! on the next run instead. Any change of size or either time means a rehash.

use super::digest::Digest;
use crate::io::FileStamp;
use std::collections::HashMap;
use std::io;
use std::path::Path;
use std::time::SystemTime;

/// A file's stamp at the time its content was hashed, and that digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamped {
    pub stamp: FileStamp,
    /// When the hashing started (taken before the file was looked at).
    pub hashed_at_ns: i128,
    pub digest: Digest,
}

impl Stamped {
    /// Whether `now` (the file's stamp on this run) proves the content is still `digest`.
    pub fn still_valid(&self, now: &FileStamp) -> bool {
        self.stamp == *now && now.mtime_ns < self.hashed_at_ns - now.resolution()
    }
}

/// Stamps by file identity (a path or another name unique within one output folder).
pub type StampMap = HashMap<String, Stamped>;

/// The digest of a file's content: from `known` when the stamp still holds, else by reading
/// it (`read`) and hashing. Returns the digest and what to remember for the next run
/// (`None` when the file has no stamp, e.g. bytes held in memory).
pub fn digest_with(
    known: Option<&Stamped>,
    stamp: Option<FileStamp>,
    read: impl FnOnce() -> io::Result<Vec<u8>>,
) -> io::Result<(Digest, Option<Stamped>)> {
    if let (Some(k), Some(s)) = (known, stamp)
        && k.still_valid(&s)
    {
        return Ok((k.digest, Some(*k)));
    }
    let hashed_at_ns = FileStamp::nanos(SystemTime::now());
    let bytes = read()?;
    let digest = Digest::of(&bytes);
    let record = stamp.map(|stamp| Stamped {
        stamp,
        hashed_at_ns,
        digest,
    });
    Ok((digest, record))
}

/// [`digest_with`] for a file on disk: stamped before it is read, so a write during the read
/// leaves a stamp that no longer matches.
pub fn digest_path(known: Option<&Stamped>, path: &Path) -> io::Result<(Digest, Option<Stamped>)> {
    let stamp = FileStamp::of_path(path)?;
    digest_with(known, Some(stamp), || std::fs::read(path))
}

/// Makes a file look `ago` old, for tests that need a stamp to be trusted.
#[cfg(test)]
pub(crate) fn set_mtime(path: &Path, ago: std::time::Duration) {
    let f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    f.set_modified(SystemTime::now() - ago).unwrap();
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn unchanged_old_file_is_not_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.jpg");
        std::fs::write(&p, b"photo one").unwrap();
        set_mtime(&p, Duration::from_secs(60));
        let (d, rec) = digest_path(None, &p).unwrap();
        assert_eq!(d, Digest::of(b"photo one"));
        let rec = rec.unwrap();
        let reads = Cell::new(0);
        let stamp = FileStamp::of_path(&p).unwrap();
        let (d2, _) = digest_with(Some(&rec), Some(stamp), || {
            reads.set(reads.get() + 1);
            std::fs::read(&p)
        })
        .unwrap();
        assert_eq!(d2, d);
        assert_eq!(reads.get(), 0);
    }

    #[test]
    fn a_change_of_size_or_mtime_rehashes() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.jpg");
        std::fs::write(&p, b"photo one").unwrap();
        set_mtime(&p, Duration::from_secs(60));
        let (_, rec) = digest_path(None, &p).unwrap();
        let rec = rec.unwrap();

        // Same size, other content, another mtime.
        std::fs::write(&p, b"photo two").unwrap();
        set_mtime(&p, Duration::from_secs(30));
        let (d, _) = digest_path(Some(&rec), &p).unwrap();
        assert_eq!(d, Digest::of(b"photo two"));

        // Other size, mtime set back to the recorded one: the size alone forces a rehash.
        std::fs::write(&p, b"photo three").unwrap();
        let f = std::fs::OpenOptions::new().write(true).open(&p).unwrap();
        f.set_modified(UNIX_EPOCH + Duration::from_nanos(rec.stamp.mtime_ns as u64))
            .unwrap();
        drop(f);
        let (d, _) = digest_path(Some(&rec), &p).unwrap();
        assert_eq!(d, Digest::of(b"photo three"));
    }

    #[test]
    fn a_file_hashed_right_after_it_was_written_is_hashed_again() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("packet.zip");
        std::fs::write(&p, b"fresh").unwrap();
        let (_, rec) = digest_path(None, &p).unwrap();
        let rec = rec.unwrap();
        // Racy: a same-size rewrite within the same tick would keep the stamp.
        assert!(!rec.still_valid(&FileStamp::of_path(&p).unwrap()));
    }

    #[test]
    fn whole_second_times_need_two_seconds() {
        let s = FileStamp {
            len: 1,
            mtime_ns: 10_000_000_000,
            ctime_ns: 0,
            inode: 1,
            device: 1,
        };
        let rec = |at| Stamped {
            stamp: s,
            hashed_at_ns: at,
            digest: Digest::of(b""),
        };
        assert!(!rec(11_000_000_000).still_valid(&s));
        assert!(rec(12_000_000_001).still_valid(&s));
        let fine = FileStamp {
            mtime_ns: 10_000_000_123,
            ..s
        };
        let rec = Stamped {
            stamp: fine,
            hashed_at_ns: 10_100_000_000,
            digest: Digest::of(b""),
        };
        assert!(rec.still_valid(&fine));
    }
}
