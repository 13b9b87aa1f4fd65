//! The on-disk form of a cache entry and of the stamps file, and how damage is recognised.
//!
//! An entry is `magic, format version, key, payload, checksum`, the checksum a BLAKE3 digest
//! of everything before it. A file that is shorter than its lengths say, has another magic
//! or version, another key than its name, or a checksum that does not match is reported as
//! [`Damage`] and never used.

use super::digest::Digest;
use super::stamps::Stamped;
use crate::io::FileStamp;
use crate::outcome::EmployeeOutcome;
use std::fmt;

const ENTRY_MAGIC: &[u8; 8] = b"PPCACHE\n";
const STAMPS_MAGIC: &[u8; 8] = b"PPSTAMP\n";
/// Version of the entry and stamps layout (the outcome inside is versioned by the build id
/// in the key).
pub const ENTRY_FORMAT: u32 = 2;

/// What a run keeps of one employee: the outcome the reports are written from (with the
/// photo preview) and the packet it wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub outcome: EmployeeOutcome,
    /// `None` when no packet was written (the employee's packet failed).
    pub packet: Option<PacketRecord>,
}

/// A packet as written: its name in the packets folder and size. That the file is still the
/// one written is proved by its stamp, taken once the run has synced every packet (see
/// `Cache::packet_unchanged`): the packet is never read back to be hashed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PacketRecord {
    pub name: String,
    pub len: u64,
}

/// Why a cache file was not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Damage {
    /// Shorter than its own lengths say.
    Truncated,
    /// Not a permitpack cache file.
    Foreign,
    /// Written in another layout version.
    Version(u32),
    /// The checksum does not match the content.
    Checksum,
    /// A sound file under another key's name.
    WrongKey,
    /// The checksum matches but the content cannot be read back.
    Content(String),
}

impl fmt::Display for Damage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Damage::Truncated => f.write_str("truncated"),
            Damage::Foreign => f.write_str("not a permitpack cache file"),
            Damage::Version(v) => write!(f, "format version {v}, expected {ENTRY_FORMAT}"),
            Damage::Checksum => f.write_str("checksum mismatch"),
            Damage::WrongKey => f.write_str("stored under another key"),
            Damage::Content(e) => write!(f, "unreadable content: {e}"),
        }
    }
}

/// Appends length-prefixed fields.
struct Writer(Vec<u8>);

impl Writer {
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn i128(&mut self, v: i128) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn raw(&mut self, b: &[u8]) {
        self.0.extend_from_slice(b);
    }
    fn blob(&mut self, b: &[u8]) {
        self.u64(b.len() as u64);
        self.raw(b);
    }
    /// Seals the buffer with its checksum.
    fn seal(mut self) -> Vec<u8> {
        let sum = Digest::of(&self.0);
        self.raw(&sum.0);
        self.0
    }
}

/// Reads what [`Writer`] wrote; every read checks the length first.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: u64) -> Result<&'a [u8], Damage> {
        let n = usize::try_from(n).map_err(|_| Damage::Truncated)?;
        if n > self.0.len() {
            return Err(Damage::Truncated);
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }
    fn u32(&mut self) -> Result<u32, Damage> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }
    fn u64(&mut self) -> Result<u64, Damage> {
        Ok(u64::from_le_bytes(
            self.take(8)?.try_into().expect("8 bytes"),
        ))
    }
    fn i128(&mut self) -> Result<i128, Damage> {
        Ok(i128::from_le_bytes(
            self.take(16)?.try_into().expect("16 bytes"),
        ))
    }
    fn digest(&mut self) -> Result<Digest, Damage> {
        Ok(Digest(self.take(32)?.try_into().expect("32 bytes")))
    }
    fn blob(&mut self) -> Result<&'a [u8], Damage> {
        let n = self.u64()?;
        self.take(n)
    }
}

/// Checks magic, version and checksum; returns the body between the header and the checksum.
fn open<'a>(bytes: &'a [u8], magic: &[u8; 8]) -> Result<&'a [u8], Damage> {
    if bytes.len() < 8 {
        return Err(if magic.starts_with(bytes) {
            Damage::Truncated
        } else {
            Damage::Foreign
        });
    }
    if &bytes[..8] != magic {
        return Err(Damage::Foreign);
    }
    let mut r = Reader(&bytes[8..]);
    let version = r.u32()?;
    if version != ENTRY_FORMAT {
        return Err(Damage::Version(version));
    }
    if bytes.len() < 12 + 32 {
        return Err(Damage::Truncated);
    }
    let (content, sum) = bytes.split_at(bytes.len() - 32);
    if Digest::of(content).0 != sum {
        return Err(Damage::Checksum);
    }
    Ok(&content[12..])
}

fn header(magic: &[u8; 8]) -> Writer {
    let mut w = Writer(Vec::new());
    w.raw(magic);
    w.u32(ENTRY_FORMAT);
    w
}

/// The bytes of an entry stored under `key`.
pub fn encode_entry(key: &Digest, entry: &Entry) -> Vec<u8> {
    let mut w = header(ENTRY_MAGIC);
    w.raw(&key.0);
    match &entry.packet {
        Some(p) => {
            w.u32(1);
            w.blob(p.name.as_bytes());
            w.u64(p.len);
        }
        None => w.u32(0),
    }
    w.blob(&crate::spool::encode(&entry.outcome));
    w.seal()
}

/// Reads an entry file that should hold `key`.
pub fn decode_entry(key: &Digest, bytes: &[u8]) -> Result<Entry, Damage> {
    let mut r = Reader(open(bytes, ENTRY_MAGIC)?);
    if r.digest()? != *key {
        return Err(Damage::WrongKey);
    }
    let packet = match r.u32()? {
        0 => None,
        1 => {
            let name = String::from_utf8(r.blob()?.to_vec())
                .map_err(|_| Damage::Content("packet name".into()))?;
            let len = r.u64()?;
            Some(PacketRecord { name, len })
        }
        n => return Err(Damage::Content(format!("packet tag {n}"))),
    };
    let outcome = crate::spool::decode(r.blob()?).map_err(|e| Damage::Content(e.to_string()))?;
    if !r.0.is_empty() {
        return Err(Damage::Content("trailing bytes".into()));
    }
    Ok(Entry { outcome, packet })
}

/// The bytes of the stamps file (records sorted by file identity, so equal maps give equal
/// files).
pub fn encode_stamps(stamps: &super::stamps::StampMap) -> Vec<u8> {
    let mut w = header(STAMPS_MAGIC);
    let mut ids: Vec<&String> = stamps.keys().collect();
    ids.sort();
    w.u64(ids.len() as u64);
    for id in ids {
        let s = &stamps[id];
        w.blob(id.as_bytes());
        w.u64(s.stamp.len);
        w.i128(s.stamp.mtime_ns);
        w.i128(s.stamp.ctime_ns);
        w.u64(s.stamp.inode);
        w.u64(s.stamp.device);
        w.i128(s.hashed_at_ns);
        w.raw(&s.digest.0);
    }
    w.seal()
}

pub fn decode_stamps(bytes: &[u8]) -> Result<super::stamps::StampMap, Damage> {
    let mut r = Reader(open(bytes, STAMPS_MAGIC)?);
    let n = r.u64()?;
    let mut map = super::stamps::StampMap::new();
    for _ in 0..n {
        let id = String::from_utf8(r.blob()?.to_vec())
            .map_err(|_| Damage::Content("file name".into()))?;
        let stamp = FileStamp {
            len: r.u64()?,
            mtime_ns: r.i128()?,
            ctime_ns: r.i128()?,
            inode: r.u64()?,
            device: r.u64()?,
        };
        let hashed_at_ns = r.i128()?;
        let digest = r.digest()?;
        map.insert(
            id,
            Stamped {
                stamp,
                hashed_at_ns,
                digest,
            },
        );
    }
    Ok(map)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::Employee;
    use crate::outcome::Status;

    /// An outcome with enough in it to notice a lossy round trip.
    pub(crate) fn outcome() -> EmployeeOutcome {
        let employee = Employee {
            sheet: "Employees".into(),
            row: 7,
            name: Some("Anna Nowak".into()),
            passport_no: Some("EA1234567".into()),
            ..Employee::default()
        };
        let mut o = EmployeeOutcome::blank(employee, Vec::new());
        o.issues.push(
            crate::issue::Issue::unlisted("photo.small", crate::issue::Severity::Warning)
                .arg("px", 300),
        );
        o.packet = Some("EA1234567_Anna_Nowak.zip".into());
        assert_ne!(o.status, Status::Ready);
        o
    }

    fn entry() -> Entry {
        Entry {
            outcome: outcome(),
            packet: Some(PacketRecord {
                name: "EA1234567_Anna_Nowak.zip".into(),
                len: 5_400_000,
            }),
        }
    }

    #[test]
    fn entries_round_trip() {
        let key = Digest::of(b"key");
        let bytes = encode_entry(&key, &entry());
        assert_eq!(decode_entry(&key, &bytes).unwrap(), entry());
        let none = Entry {
            packet: None,
            ..entry()
        };
        assert_eq!(
            decode_entry(&key, &encode_entry(&key, &none)).unwrap(),
            none
        );
    }

    #[test]
    fn every_kind_of_damage_is_caught() {
        let key = Digest::of(b"key");
        let good = encode_entry(&key, &entry());
        for cut in [0, 3, 8, 11, 40, good.len() / 2, good.len() - 1] {
            let got = decode_entry(&key, &good[..cut]);
            assert!(
                matches!(got, Err(Damage::Truncated | Damage::Checksum)),
                "cut at {cut}: {got:?}"
            );
        }
        for i in [12, 50, good.len() / 2, good.len() - 40, good.len() - 1] {
            let mut bad = good.clone();
            bad[i] ^= 0x10;
            assert_eq!(decode_entry(&key, &bad), Err(Damage::Checksum), "byte {i}");
        }
        let mut other = good.clone();
        other[8..12].copy_from_slice(&7u32.to_le_bytes());
        assert_eq!(decode_entry(&key, &other), Err(Damage::Version(7)));
        assert_eq!(
            decode_entry(&key, b"PK\x03\x04 a zip, say"),
            Err(Damage::Foreign)
        );
        assert_eq!(
            decode_entry(&Digest::of(b"other"), &good),
            Err(Damage::WrongKey)
        );
    }

    #[test]
    fn stamps_round_trip_and_are_checked() {
        let mut map = super::super::stamps::StampMap::new();
        map.insert(
            "photo:/p/a.jpg".into(),
            Stamped {
                stamp: FileStamp {
                    len: 3,
                    mtime_ns: -5,
                    ctime_ns: 1 << 70,
                    inode: 9,
                    device: 2,
                },
                hashed_at_ns: 77,
                digest: Digest::of(b"a"),
            },
        );
        let bytes = encode_stamps(&map);
        assert_eq!(decode_stamps(&bytes).unwrap(), map);
        let mut bad = bytes.clone();
        bad[20] ^= 1;
        assert_eq!(decode_stamps(&bad), Err(Damage::Checksum));
        assert!(decode_entry(&Digest::of(b"k"), &bytes).is_err());
    }
}
