//! The spool's records: one outcome as a length-prefixed CBOR record (its photo preview as
//! one byte string), exact and deterministic; also the cache's encoding of an outcome.

use crate::outcome::EmployeeOutcome;
use serde::{Deserialize, Serialize};
use std::io;

/// One spooled outcome: the outcome's own fields, plus its photo preview, which the outcome
/// leaves out of its serde form (report.json never carries it).
#[derive(Serialize)]
struct RecordRef<'a> {
    outcome: &'a EmployeeOutcome,
    preview: Option<Bytes<'a>>,
    preview_mime: &'a str,
}

#[derive(Deserialize)]
struct Record {
    outcome: EmployeeOutcome,
    preview: Option<ByteBuf>,
    preview_mime: String,
}

/// Bytes as one CBOR byte string, not a list of numbers.
struct Bytes<'a>(&'a [u8]);

impl Serialize for Bytes<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0)
    }
}

struct ByteBuf(Vec<u8>);

impl<'de> Deserialize<'de> for ByteBuf {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<ByteBuf, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = ByteBuf;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a byte string")
            }
            fn visit_bytes<E>(self, v: &[u8]) -> Result<ByteBuf, E> {
                Ok(ByteBuf(v.to_vec()))
            }
            fn visit_byte_buf<E>(self, v: Vec<u8>) -> Result<ByteBuf, E> {
                Ok(ByteBuf(v))
            }
        }
        d.deserialize_byte_buf(Visit)
    }
}

/// Bytes before each record: its length (u32, little-endian), checked on reading so that a
/// read from a wrong offset or a cut record is an error, not a wrong outcome.
const PREFIX: usize = 4;

/// The record of one outcome: its length, then the outcome as CBOR. Deterministic: the same
/// outcome gives the same bytes. Floats are kept exactly and the details' key order kept.
pub fn encode(o: &EmployeeOutcome) -> Vec<u8> {
    let preview = o.photo.as_ref().and_then(|p| p.preview.as_deref());
    let record = RecordRef {
        outcome: o,
        preview: preview.map(Bytes),
        preview_mime: o.photo.as_ref().map_or("", |p| &p.preview_mime),
    };
    let mut out = vec![0; PREFIX];
    out.reserve(8 * 1024 + preview.map_or(0, <[u8]>::len));
    // Writing into a Vec cannot fail, and every type in an outcome serialises.
    ciborium::into_writer(&record, &mut out).expect("an outcome serialises to CBOR");
    let len = u32::try_from(out.len() - PREFIX).unwrap_or(u32::MAX);
    out[..PREFIX].copy_from_slice(&len.to_le_bytes());
    out
}

/// An outcome from its record; a damaged record is an error.
pub fn decode(bytes: &[u8]) -> io::Result<EmployeeOutcome> {
    let bad = |what: String| io::Error::new(io::ErrorKind::InvalidData, what);
    let (prefix, body) = bytes
        .split_first_chunk::<PREFIX>()
        .ok_or_else(|| bad("spool record too short".into()))?;
    if u32::from_le_bytes(*prefix) as usize != body.len() {
        return Err(bad("spool record length does not match".into()));
    }
    let record: Record =
        ciborium::from_reader(body).map_err(|e| bad(format!("damaged spool record: {e}")))?;
    let mut outcome = record.outcome;
    if let Some(photo) = outcome.photo.as_mut() {
        photo.preview = record.preview.map(|b| b.0);
        photo.preview_mime = record.preview_mime.into();
    }
    Ok(outcome)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::issue::Issue;
    use crate::model::{Category, Fen, Field, SalaryBasis};
    use crate::outcome::PhotoLine;
    use crate::report::testdata;
    use serde_json::json;

    /// The report test outcomes plus one with every optional field set and awkward values.
    pub(in crate::spool) fn outcomes() -> Vec<EmployeeOutcome> {
        let mut all = testdata::outcomes();
        let mut full = all[0].clone();
        let e = &mut full.employee;
        e.passport_expiry = Some(testdata::date(2031, 1, 2));
        e.date_of_birth = Some(testdata::date(1899, 12, 31));
        e.position = Some("工程师 / Engineer".into());
        e.start_date = Some(testdata::date(2020, 2, 29));
        e.work_permit_no = Some("9001".into());
        e.years_in_china = Some(0.1 + 0.2);
        e.requested_term_years = Some(-0.0);
        e.annual_salary = Some(Fen(-1));
        e.salary_basis = Some(SalaryBasis::AfterTax);
        e.mobile = Some("+86 138 0000 0000".into());
        e.category = Some(Category::C);
        e.cells.insert(Field::Mobile, "Q7".into());
        full.term_years = Some(f64::MIN_POSITIVE);
        full.days_left = Some(i64::MIN);
        full.fee_rmb = Some(i64::MAX);
        full.packet = Some("E1_X.zip".into());
        full.photo = Some(PhotoLine {
            file: "x.jpg".into(),
            ok: false,
            preview: Some((0..=255).cycle().take(70_000).collect()),
            preview_mime: crate::photo::preview::PREVIEW_MIME.into(),
        });
        full.issues.push(
            Issue::unlisted("photo.small", crate::issue::Severity::Warning)
                .arg("w", "1")
                .arg("名", "值")
                .file("x.jpg")
                .row(u32::MAX),
        );
        full.details.insert(
            "photo".into(),
            json!({"ratio": 0.7291666666666666, "n": -3, "big": u64::MAX,
                   "list": [null, true, "s", [1.5e300, {"z": 1, "a": 2}]]}),
        );
        full.details.insert("empty".into(), json!({}));
        all.push(full);
        all
    }

    #[test]
    fn records_round_trip_exactly_and_deterministically() {
        for o in outcomes() {
            let bytes = encode(&o);
            assert_eq!(bytes, encode(&o), "same outcome, same bytes");
            let back = decode(&bytes).unwrap();
            assert_eq!(back, o);
            assert_eq!(encode(&back), bytes);
            // Float bits survive (`-0.0 == 0.0` would hide a lost sign).
            assert_eq!(
                back.employee.requested_term_years.map(f64::to_bits),
                o.employee.requested_term_years.map(f64::to_bits)
            );
            // Map order is kept.
            let keys = |o: &EmployeeOutcome| o.details.keys().cloned().collect::<Vec<_>>();
            assert_eq!(keys(&back), keys(&o));
        }
    }

    #[test]
    fn damaged_records_are_errors_not_panics() {
        let bytes = encode(outcomes().last().unwrap());
        for cut in [0, 1, 2, 9, 100, bytes.len() / 2, bytes.len() - 1] {
            assert!(decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut extra = bytes.clone();
        extra.push(0);
        assert!(decode(&extra).is_err(), "trailing byte");
        let mut wrong = bytes;
        wrong[0] ^= 0xFF;
        assert!(decode(&wrong).is_err(), "magic");
    }
}
