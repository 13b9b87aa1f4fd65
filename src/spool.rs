//! The outcome spool: where finished employees wait for the reports, on disk instead of in
//! memory, so that a run's memory does not grow with the batch.
//!
//! Each worker encodes its employee's [`EmployeeOutcome`] (checklist, issues, stage details,
//! photo preview) into a compact binary record and appends it to one temporary file in the
//! output folder as soon as the employee is done; memory keeps only where each record is
//! (16 bytes an employee). The reports then read the outcomes back one at a time, in roster
//! order, as often as they need ([`Outcomes`]).
//!
//! The file is anonymous (`tempfile::tempfile_in`: on Linux it never has a name, elsewhere it
//! is unlinked as soon as it is created), so it disappears when the spool is dropped, whether
//! the run succeeded or failed, and even when the process is killed: nothing half-written is
//! ever visible in the output folder. It sits in the output folder rather than in the system
//! temporary folder, which may be a RAM disk.
//!
//! The encoding is exact (floats by their bits, JSON details value by value, map order
//! kept), so the reports written from the spool are those written from memory.

use crate::issue::{Issue, Location, Severity};
use crate::model::{Category, Employee, Fen, Field, SalaryBasis};
use crate::outcome::{ChecklistLine, EmployeeOutcome, Outcomes, PhotoLine, Status};
use chrono::NaiveDate;
use serde_json::{Map, Number, Value};
use std::borrow::Cow;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::Mutex;

/// Where one record is in the file. The only per-employee state the spool keeps in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    offset: u64,
    len: u64,
}

/// Finished outcomes on disk, by roster index.
#[derive(Debug)]
pub struct Spool {
    inner: Mutex<Inner>,
}

#[derive(Debug)]
struct Inner {
    file: File,
    end: u64,
    slots: Vec<Option<Slot>>,
}

impl Spool {
    /// An empty spool for `len` employees, its file in `dir` (which must exist).
    pub fn new_in(dir: &Path, len: usize) -> io::Result<Spool> {
        let file = tempfile::tempfile_in(dir)?;
        Ok(Spool {
            inner: Mutex::new(Inner {
                file,
                end: 0,
                slots: vec![None; len],
            }),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves the slots consistent (a record is only
        // referenced once fully written), so a poisoned lock is still usable.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Stores the outcome of employee `index` (any order, from any thread); a later call for
    /// the same index replaces it.
    pub fn put(&self, index: usize, outcome: &EmployeeOutcome) -> io::Result<()> {
        let bytes = encode(outcome);
        let mut inner = self.lock();
        if index >= inner.slots.len() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("spool index {index} out of range"),
            ));
        }
        let offset = inner.end;
        inner.file.seek(SeekFrom::Start(offset))?;
        inner.file.write_all(&bytes)?;
        inner.end += bytes.len() as u64;
        inner.slots[index] = Some(Slot {
            offset,
            len: bytes.len() as u64,
        });
        Ok(())
    }

    /// Whether employee `index` has an outcome.
    pub fn has(&self, index: usize) -> bool {
        self.lock().slots.get(index).is_some_and(Option::is_some)
    }

    /// The outcome of employee `index`.
    pub fn get(&self, index: usize) -> io::Result<EmployeeOutcome> {
        let mut buf = Vec::new();
        self.read_into(index, &mut buf)?;
        decode(&buf)
    }

    fn read_into(&self, index: usize, buf: &mut Vec<u8>) -> io::Result<()> {
        let mut inner = self.lock();
        let slot = inner.slots.get(index).copied().flatten().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!("no outcome spooled for employee {index}"),
            )
        })?;
        buf.clear();
        buf.resize(slot.len as usize, 0);
        inner.file.seek(SeekFrom::Start(slot.offset))?;
        inner.file.read_exact(buf)
    }

    /// Bytes of memory the spool keeps per employee, whatever the outcomes hold.
    pub const RETAINED_PER_EMPLOYEE: usize = std::mem::size_of::<Option<Slot>>();

    /// Bytes of memory the spool keeps in all (its index), for the regression tests.
    pub fn retained_bytes(&self) -> usize {
        std::mem::size_of::<Spool>() + self.lock().slots.capacity() * Self::RETAINED_PER_EMPLOYEE
    }

    /// Size of the spool file.
    pub fn file_bytes(&self) -> u64 {
        self.lock().end
    }
}

impl Outcomes for Spool {
    fn count(&self) -> usize {
        self.lock().slots.len()
    }

    fn each(&self) -> Box<dyn Iterator<Item = io::Result<Cow<'_, EmployeeOutcome>>> + '_> {
        let mut buf = Vec::new();
        Box::new((0..self.count()).map(move |i| {
            self.read_into(i, &mut buf)?;
            decode(&buf).map(Cow::Owned)
        }))
    }
}

// --- Encoding -------------------------------------------------------------------------------

/// The record of one outcome. Deterministic: the same outcome gives the same bytes.
pub fn encode(o: &EmployeeOutcome) -> Vec<u8> {
    let mut w = Enc(Vec::with_capacity(
        8 * 1024
            + o.photo
                .as_ref()
                .and_then(|p| p.preview.as_ref())
                .map_or(0, Vec::len),
    ));
    // Destructured so that a new field fails to compile here instead of being dropped.
    let EmployeeOutcome {
        employee,
        status,
        ready,
        window_state,
        days_left,
        window_opens,
        deadline,
        term_years,
        fee_rmb,
        photo,
        checklist,
        issues,
        packet,
        details,
    } = o;
    w.u8(MAGIC);
    w.employee(employee);
    w.u8(match status {
        Status::Ready => 0,
        Status::Attention => 1,
        Status::NotYet => 2,
        Status::TooLate => 3,
    });
    w.bool(*ready);
    w.str(window_state);
    w.opt(days_left.as_ref(), |w, v| w.i64(*v));
    w.opt(window_opens.as_ref(), |w, d| w.date(*d));
    w.opt(deadline.as_ref(), |w, d| w.date(*d));
    w.opt(term_years.as_ref(), |w, v| w.f64(*v));
    w.opt(fee_rmb.as_ref(), |w, v| w.i64(*v));
    w.opt(photo.as_ref(), |w, p| {
        let PhotoLine {
            file,
            ok,
            preview,
            preview_mime,
        } = p;
        w.str(file);
        w.bool(*ok);
        w.opt(preview.as_ref(), |w, b| w.bytes(b));
        w.str(preview_mime);
    });
    w.len(checklist.len());
    for line in checklist {
        let ChecklistLine {
            id,
            name_zh,
            name_en,
            kind,
            status,
            optional,
            bring_original,
            how_zh,
            how_en,
            files,
        } = line;
        for s in [id, name_zh, name_en, kind, status] {
            w.str(s);
        }
        w.bool(*optional);
        w.bool(*bring_original);
        w.str(how_zh);
        w.str(how_en);
        w.len(files.len());
        for f in files {
            w.str(f);
        }
    }
    w.len(issues.len());
    for i in issues {
        w.issue(i);
    }
    w.opt(packet.as_ref(), |w, p| w.str(p));
    w.map(details);
    w.0
}

/// First byte of every record: catches reading from a wrong offset.
const MAGIC: u8 = 0xA7;

struct Enc(Vec<u8>);

impl Enc {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn bool(&mut self, v: bool) {
        self.u8(u8::from(v));
    }
    fn len(&mut self, n: usize) {
        self.u64(n as u64);
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn i64(&mut self, v: i64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn f64(&mut self, v: f64) {
        self.u64(v.to_bits());
    }
    fn bytes(&mut self, b: &[u8]) {
        self.len(b.len());
        self.0.extend_from_slice(b);
    }
    fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }
    fn date(&mut self, d: NaiveDate) {
        self.i64(i64::from(chrono::Datelike::num_days_from_ce(&d)));
    }
    fn opt<T>(&mut self, v: Option<&T>, f: impl FnOnce(&mut Self, &T)) {
        match v {
            Some(v) => {
                self.u8(1);
                f(self, v);
            }
            None => self.u8(0),
        }
    }
    fn opt_str(&mut self, v: &Option<String>) {
        self.opt(v.as_ref(), |w, s| w.str(s));
    }
    fn opt_date(&mut self, v: &Option<NaiveDate>) {
        self.opt(v.as_ref(), |w, d| w.date(*d));
    }
    fn opt_f64(&mut self, v: &Option<f64>) {
        self.opt(v.as_ref(), |w, x| w.f64(*x));
    }

    fn employee(&mut self, e: &Employee) {
        let Employee {
            sheet,
            row,
            name,
            chinese_name,
            passport_no,
            passport_expiry,
            nationality,
            date_of_birth,
            category,
            category_raw,
            position,
            start_date,
            work_permit_no,
            work_permit_expiry,
            residence_permit_expiry,
            years_in_china,
            requested_term_years,
            annual_salary,
            salary_basis,
            mobile,
            photo,
            cells,
        } = e;
        self.str(sheet);
        self.u64(u64::from(*row));
        self.opt_str(name);
        self.opt_str(chinese_name);
        self.opt_str(passport_no);
        self.opt_date(passport_expiry);
        self.opt_str(nationality);
        self.opt_date(date_of_birth);
        self.opt(category.as_ref(), |w, c| match c {
            Category::A => w.u8(0),
            Category::B(n) => {
                w.u8(1);
                w.u8(*n);
            }
            Category::C => w.u8(2),
        });
        self.opt_str(category_raw);
        self.opt_str(position);
        self.opt_date(start_date);
        self.opt_str(work_permit_no);
        self.opt_date(work_permit_expiry);
        self.opt_date(residence_permit_expiry);
        self.opt_f64(years_in_china);
        self.opt_f64(requested_term_years);
        self.opt(annual_salary.as_ref(), |w, f| w.i64(f.0));
        self.opt(salary_basis.as_ref(), |w, b| {
            w.u8(match b {
                SalaryBasis::PreTax => 0,
                SalaryBasis::AfterTax => 1,
            })
        });
        self.opt_str(mobile);
        self.opt_str(photo);
        self.len(cells.len());
        for (field, cell) in cells {
            self.str(field.key());
            self.str(cell);
        }
    }

    fn issue(&mut self, i: &Issue) {
        let Issue {
            code,
            severity,
            args,
            at,
        } = i;
        self.str(code);
        self.u8(match severity {
            Severity::Warning => 0,
            Severity::Error => 1,
        });
        self.len(args.len());
        for (k, v) in args {
            self.str(k);
            self.str(v);
        }
        let Location {
            sheet,
            row,
            cell,
            file,
        } = at;
        self.opt_str(sheet);
        self.opt(row.as_ref(), |w, r| w.u64(u64::from(*r)));
        self.opt_str(cell);
        self.opt_str(file);
    }

    fn map(&mut self, m: &Map<String, Value>) {
        self.len(m.len());
        for (k, v) in m {
            self.str(k);
            self.value(v);
        }
    }

    fn value(&mut self, v: &Value) {
        match v {
            Value::Null => self.u8(0),
            Value::Bool(b) => {
                self.u8(1);
                self.bool(*b);
            }
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    self.u8(2);
                    self.u64(u);
                } else if let Some(i) = n.as_i64() {
                    self.u8(3);
                    self.i64(i);
                } else {
                    self.u8(4);
                    self.f64(n.as_f64().unwrap_or(f64::NAN));
                }
            }
            Value::String(s) => {
                self.u8(5);
                self.str(s);
            }
            Value::Array(a) => {
                self.u8(6);
                self.len(a.len());
                for v in a {
                    self.value(v);
                }
            }
            Value::Object(m) => {
                self.u8(7);
                self.map(m);
            }
        }
    }
}

// --- Decoding -------------------------------------------------------------------------------

/// The outcome a record holds.
pub fn decode(bytes: &[u8]) -> io::Result<EmployeeOutcome> {
    let mut r = Dec(bytes);
    if r.u8()? != MAGIC {
        return Err(bad("not an outcome record"));
    }
    let employee = r.employee()?;
    let status = match r.u8()? {
        0 => Status::Ready,
        1 => Status::Attention,
        2 => Status::NotYet,
        3 => Status::TooLate,
        _ => return Err(bad("status")),
    };
    let ready = r.bool()?;
    let window_state = r.string()?;
    let days_left = r.opt(Dec::i64)?;
    let window_opens = r.opt(Dec::date)?;
    let deadline = r.opt(Dec::date)?;
    let term_years = r.opt(Dec::f64)?;
    let fee_rmb = r.opt(Dec::i64)?;
    let photo = r.opt(|r| {
        Ok(PhotoLine {
            file: r.string()?,
            ok: r.bool()?,
            preview: r.opt(|r| r.bytes().map(<[u8]>::to_vec))?,
            preview_mime: static_mime(r.str()?),
        })
    })?;
    let n = r.len()?;
    let mut checklist = Vec::with_capacity(n.min(1024));
    for _ in 0..n {
        checklist.push(ChecklistLine {
            id: r.string()?,
            name_zh: r.string()?,
            name_en: r.string()?,
            kind: r.string()?,
            status: r.string()?,
            optional: r.bool()?,
            bring_original: r.bool()?,
            how_zh: r.string()?,
            how_en: r.string()?,
            files: r.vec(Dec::string)?,
        });
    }
    let issues = r.vec(Dec::issue)?;
    let packet = r.opt(Dec::string)?;
    let details = r.map()?;
    if !r.0.is_empty() {
        return Err(bad("trailing bytes"));
    }
    Ok(EmployeeOutcome {
        employee,
        status,
        ready,
        window_state,
        days_left,
        window_opens,
        deadline,
        term_years,
        fee_rmb,
        photo,
        checklist,
        issues,
        packet,
        details,
    })
}

fn bad(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("damaged outcome spool record ({what})"),
    )
}

/// The `&'static str` of a preview MIME type. The pipeline only sets the few below; any
/// other is kept by leaking it once.
fn static_mime(s: &str) -> &'static str {
    const KNOWN: &[&str] = &[
        crate::photo::preview::PREVIEW_MIME,
        "image/jpeg",
        "image/png",
        "",
    ];
    KNOWN
        .iter()
        .find(|k| **k == s)
        .copied()
        .unwrap_or_else(|| Box::leak(s.to_string().into_boxed_str()))
}

struct Dec<'a>(&'a [u8]);

impl<'a> Dec<'a> {
    fn take(&mut self, n: usize) -> io::Result<&'a [u8]> {
        if n > self.0.len() {
            return Err(bad("truncated"));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }
    fn u8(&mut self) -> io::Result<u8> {
        Ok(self.take(1)?[0])
    }
    fn bool(&mut self) -> io::Result<bool> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(bad("bool")),
        }
    }
    fn u64(&mut self) -> io::Result<u64> {
        let b = self.take(8)?;
        Ok(u64::from_le_bytes(b.try_into().map_err(|_| bad("u64"))?))
    }
    fn u32(&mut self) -> io::Result<u32> {
        u32::try_from(self.u64()?).map_err(|_| bad("u32"))
    }
    fn i64(&mut self) -> io::Result<i64> {
        Ok(self.u64()? as i64)
    }
    fn f64(&mut self) -> io::Result<f64> {
        Ok(f64::from_bits(self.u64()?))
    }
    fn len(&mut self) -> io::Result<usize> {
        let n = usize::try_from(self.u64()?).map_err(|_| bad("length"))?;
        if n > self.0.len() {
            // Every element takes at least one byte.
            return Err(bad("length"));
        }
        Ok(n)
    }
    fn bytes(&mut self) -> io::Result<&'a [u8]> {
        let n = self.len()?;
        self.take(n)
    }
    fn str(&mut self) -> io::Result<&'a str> {
        std::str::from_utf8(self.bytes()?).map_err(|_| bad("text"))
    }
    fn string(&mut self) -> io::Result<String> {
        self.str().map(str::to_string)
    }
    fn date(&mut self) -> io::Result<NaiveDate> {
        i32::try_from(self.i64()?)
            .ok()
            .and_then(NaiveDate::from_num_days_from_ce_opt)
            .ok_or_else(|| bad("date"))
    }
    fn opt<T>(&mut self, f: impl FnOnce(&mut Self) -> io::Result<T>) -> io::Result<Option<T>> {
        match self.u8()? {
            0 => Ok(None),
            1 => f(self).map(Some),
            _ => Err(bad("option")),
        }
    }
    fn vec<T>(&mut self, mut f: impl FnMut(&mut Self) -> io::Result<T>) -> io::Result<Vec<T>> {
        let n = self.len()?;
        let mut v = Vec::with_capacity(n.min(1024));
        for _ in 0..n {
            v.push(f(self)?);
        }
        Ok(v)
    }
    fn opt_string(&mut self) -> io::Result<Option<String>> {
        self.opt(Dec::string)
    }
    fn opt_date(&mut self) -> io::Result<Option<NaiveDate>> {
        self.opt(Dec::date)
    }

    fn employee(&mut self) -> io::Result<Employee> {
        Ok(Employee {
            sheet: self.string()?,
            row: self.u32()?,
            name: self.opt_string()?,
            chinese_name: self.opt_string()?,
            passport_no: self.opt_string()?,
            passport_expiry: self.opt_date()?,
            nationality: self.opt_string()?,
            date_of_birth: self.opt_date()?,
            category: self.opt(|r| match r.u8()? {
                0 => Ok(Category::A),
                1 => Ok(Category::B(r.u8()?)),
                2 => Ok(Category::C),
                _ => Err(bad("category")),
            })?,
            category_raw: self.opt_string()?,
            position: self.opt_string()?,
            start_date: self.opt_date()?,
            work_permit_no: self.opt_string()?,
            work_permit_expiry: self.opt_date()?,
            residence_permit_expiry: self.opt_date()?,
            years_in_china: self.opt(Dec::f64)?,
            requested_term_years: self.opt(Dec::f64)?,
            annual_salary: self.opt(|r| r.i64().map(Fen))?,
            salary_basis: self.opt(|r| match r.u8()? {
                0 => Ok(SalaryBasis::PreTax),
                1 => Ok(SalaryBasis::AfterTax),
                _ => Err(bad("salary basis")),
            })?,
            mobile: self.opt_string()?,
            photo: self.opt_string()?,
            cells: {
                let n = self.len()?;
                let mut cells = std::collections::BTreeMap::new();
                for _ in 0..n {
                    let field = Field::from_key(self.str()?).ok_or_else(|| bad("field"))?;
                    cells.insert(field, self.string()?);
                }
                cells
            },
        })
    }

    fn issue(&mut self) -> io::Result<Issue> {
        let code = self.string()?;
        let severity = match self.u8()? {
            0 => Severity::Warning,
            1 => Severity::Error,
            _ => return Err(bad("severity")),
        };
        let args = self.vec(|r| Ok((r.string()?, r.string()?)))?;
        let at = Location {
            sheet: self.opt_string()?,
            row: self.opt(Dec::u32)?,
            cell: self.opt_string()?,
            file: self.opt_string()?,
        };
        Ok(Issue {
            code,
            severity,
            args,
            at,
        })
    }

    fn map(&mut self) -> io::Result<Map<String, Value>> {
        let n = self.len()?;
        let mut m = Map::new();
        for _ in 0..n {
            let k = self.string()?;
            let v = self.value()?;
            m.insert(k, v);
        }
        Ok(m)
    }

    fn value(&mut self) -> io::Result<Value> {
        Ok(match self.u8()? {
            0 => Value::Null,
            1 => Value::Bool(self.bool()?),
            2 => Value::Number(self.u64()?.into()),
            3 => Value::Number(self.i64()?.into()),
            4 => Number::from_f64(self.f64()?).map_or(Value::Null, Value::Number),
            5 => Value::String(self.string()?),
            6 => Value::Array(self.vec(Dec::value)?),
            7 => Value::Object(self.map()?),
            _ => return Err(bad("value")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata;
    use serde_json::json;

    /// The report test outcomes plus one with every optional field set and awkward values.
    fn outcomes() -> Vec<EmployeeOutcome> {
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
            preview_mime: crate::photo::preview::PREVIEW_MIME,
        });
        full.issues.push(
            Issue::warning("photo.small")
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

    #[test]
    fn reads_back_in_roster_order_whatever_the_write_order() {
        let dir = tempfile::tempdir().unwrap();
        let originals: Vec<EmployeeOutcome> = (0..40)
            .map(|i| {
                let mut o = outcomes()[i % 5].clone();
                o.employee.row = i as u32 + 2;
                o
            })
            .collect();
        let spool = Spool::new_in(dir.path(), originals.len()).unwrap();
        assert_eq!(spool.count(), 40);
        assert!(!spool.has(0));
        // Four writers, each taking every fourth employee from the end.
        std::thread::scope(|s| {
            for k in 0..4 {
                let (spool, originals) = (&spool, &originals);
                s.spawn(move || {
                    for i in (0..originals.len()).rev().filter(|i| i % 4 == k) {
                        spool.put(i, &originals[i]).unwrap();
                    }
                });
            }
        });
        let back: Vec<EmployeeOutcome> = spool.each().map(|o| o.unwrap().into_owned()).collect();
        assert_eq!(back, originals);
        // A second pass reads the same.
        assert_eq!(spool.each().filter(|o| o.is_ok()).count(), 40);
        // Replacing one record changes only that one.
        let mut changed = originals[7].clone();
        changed.packet = None;
        spool.put(7, &changed).unwrap();
        assert_eq!(spool.get(7).unwrap(), changed);
        assert_eq!(spool.get(8).unwrap(), originals[8]);
        assert!(spool.put(40, &changed).is_err(), "out of range");
    }

    #[test]
    fn a_missing_outcome_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let spool = Spool::new_in(dir.path(), 2).unwrap();
        spool.put(1, &outcomes()[0]).unwrap();
        let read: Vec<bool> = spool.each().map(|o| o.is_ok()).collect();
        assert_eq!(read, [false, true]);
    }

    #[test]
    fn leaves_nothing_in_the_folder_on_success_or_failure() {
        let dir = tempfile::tempdir().unwrap();
        let listing = || std::fs::read_dir(dir.path()).unwrap().count();
        {
            let spool = Spool::new_in(dir.path(), 3).unwrap();
            for i in 0..3 {
                spool.put(i, &outcomes()[i]).unwrap();
            }
            assert!(spool.file_bytes() > 0);
            // Anonymous from the start: nothing named, so nothing half-written to see.
            assert_eq!(listing(), 0);
        }
        assert_eq!(listing(), 0, "gone after a successful run");
        let path = dir.path().to_path_buf();
        let failed = std::thread::spawn(move || {
            let spool = Spool::new_in(&path, 3).unwrap();
            spool.put(0, &outcomes()[0]).unwrap();
            panic!("a failing run");
        })
        .join();
        assert!(failed.is_err());
        assert_eq!(listing(), 0, "gone after a failed run");
        assert!(Spool::new_in(&dir.path().join("missing"), 1).is_err());
    }

    /// The regression guard for memory: what the spool keeps per employee is a fixed few
    /// bytes, however big the outcomes (previews, details) are.
    #[test]
    fn retained_state_per_employee_is_small_and_independent_of_the_outcome() {
        assert!(Spool::RETAINED_PER_EMPLOYEE <= 24);
        let dir = tempfile::tempdir().unwrap();
        let small = &testdata::outcomes()[3];
        let mut big = outcomes().last().unwrap().clone();
        big.photo.as_mut().unwrap().preview = Some(vec![7; 1 << 20]);
        let n = 50;
        let retained = |o: &EmployeeOutcome| {
            let spool = Spool::new_in(dir.path(), n).unwrap();
            for i in 0..n {
                spool.put(i, o).unwrap();
            }
            (spool.retained_bytes(), spool.file_bytes())
        };
        let (small_mem, small_file) = retained(small);
        let (big_mem, big_file) = retained(&big);
        assert_eq!(small_mem, big_mem);
        assert!(big_mem <= 128 + n * Spool::RETAINED_PER_EMPLOYEE);
        assert!(
            big_file > small_file + ((n as u64) << 20),
            "the bulk is on disk"
        );
    }
}
