//! Reading one cell into a typed value: dates (Excel serials in both epochs and the text forms
//! HR types), money (480,000 / ￥480,000.00 / 48万), passport numbers (leading zeros kept from
//! the cell's number format), talent categories ((六) / 六 / 6 / B6), plain numbers and text.
//! Pure functions on a cell; problems come back as codes plus arguments, never as sentences.

use crate::codes::{self, Code};
use crate::issue::Severity;
use crate::model::{Category, Fen, Gender};
use crate::text::halfwidth;
use calamine::{Data, ExcelDateTime, ExcelDateTimeType};
use chrono::{Datelike, NaiveDate};

/// A cell as the roster stage sees it: its value, its number format (xlsx only) and the
/// workbook's date epoch.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CellIn<'a> {
    pub data: &'a Data,
    pub format: Option<&'a str>,
    pub is_1904: bool,
}

impl<'a> CellIn<'a> {
    pub fn new(data: &'a Data) -> Self {
        CellIn {
            data,
            format: None,
            is_1904: false,
        }
    }
}

/// A problem with a cell, before it is placed (sheet, row, cell) by the caller.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Problem {
    pub code: Code,
    pub severity: Severity,
    pub args: Vec<(&'static str, String)>,
}

impl Problem {
    pub fn error(code: Code) -> Self {
        Problem {
            code,
            severity: Severity::Error,
            args: Vec::new(),
        }
    }
    pub fn warning(code: Code) -> Self {
        Problem {
            code,
            severity: Severity::Warning,
            args: Vec::new(),
        }
    }
    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Self {
        self.args.push((name, value.to_string()));
        self
    }
}

/// Years accepted in any date. Outside this, a value is a typing error, not a date.
const MIN_YEAR: i32 = 1900;
const MAX_YEAR: i32 = 2100;
/// A bare number (no date format) is read as an Excel serial only when it lands in these
/// years; smaller numbers (1, 12, 365...) are typing errors, not dates in 1900.
const MIN_SERIAL_YEAR: i32 = 1920;

/// Whether a cell holds nothing (empty, or only spaces).
pub(crate) fn is_blank(data: &Data) -> bool {
    match data {
        Data::Empty => true,
        Data::String(s) => s.chars().all(char::is_whitespace),
        _ => false,
    }
}

/// The cell as it would read to a person, for messages (dates as YYYY-MM-DD). Long text is
/// shortened.
pub(crate) fn display(cell: CellIn<'_>) -> String {
    let s = match cell.data {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Float(f) => number_text(*f),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(dt) => match excel_date(dt) {
            Some(d) => d.to_string(),
            None => number_text(dt.as_f64()),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    };
    let mut chars = s.chars();
    let short: String = chars.by_ref().take(60).collect();
    if chars.next().is_some() {
        format!("{short}…")
    } else {
        short
    }
}

fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{f:.0}")
    } else {
        f.to_string()
    }
}

fn cell_error(data: &Data) -> Option<Problem> {
    match data {
        Data::Error(e) => Some(Problem::error(codes::ROSTER_CELL_ERROR).arg("error", e)),
        _ => None,
    }
}

/// Collapses runs of whitespace (line breaks included) into single spaces and trims.
pub(crate) fn clean_text(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Plain text (names, nationality, position). Numbers are written without a decimal point
/// when whole.
pub(crate) fn text(cell: CellIn<'_>) -> Result<Option<String>, Problem> {
    if let Some(p) = cell_error(cell.data) {
        return Err(p);
    }
    if is_blank(cell.data) {
        return Ok(None);
    }
    let s = match cell.data {
        Data::String(s) => clean_text(s),
        _ => display(cell),
    };
    Ok(Some(s))
}

/// An identifier that is not a passport number (work permit number, mobile). A number cell
/// longer than Excel's 15 significant digits has lost digits and is an error.
pub(crate) fn id_text(cell: CellIn<'_>) -> Result<Option<String>, Problem> {
    match cell.data {
        Data::Float(f) if f.abs() >= 1e15 => {
            Err(Problem::error(codes::ROSTER_NUMBER_PRECISION).arg("value", display(cell)))
        }
        Data::Float(f) if f.fract() == 0.0 => {
            let digits = format!("{:.0}", f.abs());
            Ok(Some(format_integer(&digits, cell.format).unwrap_or(digits)))
        }
        _ => text(cell),
    }
}

/// A passport number: spaces removed, upper case, letters and digits only, `len` characters
/// long. A number cell keeps the leading zeros its number format shows (`000000000`). A bare
/// number of `mrz_digits` digits (the longest a machine-readable zone holds) cannot have lost
/// a zero and is read as it is, with a note; a shorter bare number is an error (the number is
/// kept for finding the employee's files): Excel may have dropped zeros, and a wrong number
/// must not reach the letters.
pub(crate) fn passport(
    cell: CellIn<'_>,
    len: std::ops::RangeInclusive<usize>,
    mrz_digits: usize,
    problems: &mut Vec<Problem>,
) -> Option<String> {
    let (min_len, max_len) = (*len.start(), *len.end());
    if let Some(p) = cell_error(cell.data) {
        problems.push(p);
        return None;
    }
    let bad = |shown: &str| {
        Problem::error(codes::ROSTER_BAD_PASSPORT)
            .arg("value", crate::model::mask_if_id(shown))
            .arg("min", min_len)
            .arg("max", max_len)
    };
    let raw = match cell.data {
        Data::DateTime(_) | Data::DateTimeIso(_) | Data::DurationIso(_) | Data::Bool(_) => {
            problems.push(bad(&display(cell)));
            return None;
        }
        Data::Float(f) => {
            if f.fract() != 0.0 || *f < 0.0 {
                problems.push(bad(&display(cell)));
                return None;
            }
            if *f >= 1e15 {
                problems.push(
                    Problem::error(codes::ROSTER_NUMBER_PRECISION)
                        .arg("value", crate::model::mask_id(&display(cell))),
                );
                return None;
            }
            bare_number(format!("{f:.0}"), cell.format, mrz_digits, problems)
        }
        Data::Int(i) if *i >= 0 => bare_number(i.to_string(), cell.format, mrz_digits, problems),
        Data::Int(_) => {
            problems.push(bad(&display(cell)));
            return None;
        }
        _ => match text(cell) {
            Ok(Some(s)) => s,
            Ok(None) => return None,
            Err(p) => {
                problems.push(p);
                return None;
            }
        },
    };
    let cleaned: String = raw
        .chars()
        .map(halfwidth)
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect();
    let ok_chars = cleaned.chars().all(|c| c.is_ascii_alphanumeric());
    let len = cleaned.chars().count();
    if !ok_chars || len < min_len || len > max_len {
        problems.push(bad(&cleaned));
        return None;
    }
    Some(cleaned)
}

/// A passport number stored as a whole number: as its format shows it, else as its digits,
/// with an error when a leading zero may have been lost (fewer than `mrz_digits` digits) or
/// a note when it cannot have been.
fn bare_number(
    digits: String,
    format: Option<&str>,
    mrz_digits: usize,
    problems: &mut Vec<Problem>,
) -> String {
    if let Some(shown) = format_integer(&digits, format) {
        return shown;
    }
    let code = if digits.len() == mrz_digits {
        Problem::warning(codes::ROSTER_PASSPORT_NUMBER_CELL)
    } else {
        Problem::error(codes::ROSTER_PASSPORT_AS_NUMBER)
    };
    problems.push(code.arg("value", crate::model::mask_id(&digits)));
    digits
}

/// Renders a whole number through an Excel number format when that format pads or decorates
/// it (`000000000` -> leading zeros, `"E"00000000` -> a prefix). `None` when the format is
/// absent, `General`, text (`@`), or anything but a plain integer pattern.
pub(crate) fn format_integer(digits: &str, format: Option<&str>) -> Option<String> {
    let code = format?;
    // First section only (positive numbers).
    let mut section = String::new();
    let mut in_quote = false;
    let mut chars = code.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                in_quote = !in_quote;
                section.push(c);
            }
            '\\' if !in_quote => {
                section.push(c);
                if let Some(n) = chars.next() {
                    section.push(n);
                }
            }
            ';' if !in_quote => break,
            _ => section.push(c),
        }
    }
    enum Tok {
        Lit(String),
        Zero,
        Hash,
    }
    let mut toks = Vec::new();
    let mut it = section.chars();
    let mut zeros = 0usize;
    let mut literal_seen = false;
    while let Some(c) = it.next() {
        match c {
            '"' => {
                let mut lit = String::new();
                for n in it.by_ref() {
                    if n == '"' {
                        break;
                    }
                    lit.push(n);
                }
                literal_seen |= !lit.is_empty();
                toks.push(Tok::Lit(lit));
            }
            '\\' => {
                if let Some(n) = it.next() {
                    literal_seen = true;
                    toks.push(Tok::Lit(n.to_string()));
                }
            }
            '[' => {
                // Colour or locale tag: skip to the closing bracket.
                for n in it.by_ref() {
                    if n == ']' {
                        break;
                    }
                }
            }
            '_' | '*' => {
                it.next();
            }
            '0' => {
                zeros += 1;
                toks.push(Tok::Zero);
            }
            '#' => toks.push(Tok::Hash),
            '-' | '(' | ')' | ' ' | '+' | '$' => {
                literal_seen = true;
                toks.push(Tok::Lit(c.to_string()));
            }
            // Decimals, thousands, exponent, percent, fraction, text, dates: not a plain
            // integer pattern.
            _ => return None,
        }
    }
    if zeros <= 1 && !literal_seen {
        return None;
    }
    let placeholders = toks
        .iter()
        .filter(|t| matches!(t, Tok::Zero | Tok::Hash))
        .count();
    if placeholders == 0 {
        return None;
    }
    let digits: Vec<char> = digits.chars().collect();
    // Right-align the digits in the placeholders; surplus digits go to the first one.
    let surplus = digits.len().saturating_sub(placeholders);
    let mut out = String::new();
    let mut slot = 0usize;
    for t in &toks {
        match t {
            Tok::Lit(s) => out.push_str(s),
            Tok::Zero | Tok::Hash => {
                let first = slot == 0;
                // Index of the digit for this placeholder when right-aligned.
                let offset = placeholders - slot;
                slot += 1;
                if first && surplus > 0 {
                    out.extend(&digits[..=surplus]);
                    continue;
                }
                if offset <= digits.len() {
                    out.push(digits[digits.len() - offset]);
                } else if matches!(t, Tok::Zero) {
                    out.push('0');
                }
            }
        }
    }
    Some(out)
}

/// A date from a date cell, a number, or text in the forms HR types.
pub(crate) fn date(cell: CellIn<'_>) -> Result<Option<NaiveDate>, Problem> {
    if let Some(p) = cell_error(cell.data) {
        return Err(p);
    }
    if is_blank(cell.data) {
        return Ok(None);
    }
    let bad = || Problem::error(codes::ROSTER_BAD_DATE).arg("value", display(cell));
    let found = match cell.data {
        Data::DateTime(dt) if dt.is_datetime() => excel_date(dt).filter(|d| in_range(*d, MIN_YEAR)),
        Data::DateTime(_) => None,
        Data::DateTimeIso(s) => text_date(s),
        Data::Float(f) => number_date(*f, cell.is_1904),
        Data::Int(i) => number_date(*i as f64, cell.is_1904),
        Data::String(s) => text_date(s),
        _ => None,
    };
    found.map(Some).ok_or_else(bad)
}

fn in_range(d: NaiveDate, min_year: i32) -> bool {
    (min_year..=MAX_YEAR).contains(&d.year())
}

fn excel_date(dt: &ExcelDateTime) -> Option<NaiveDate> {
    let (y, m, d, ..) = dt.to_ymd_hms_milli();
    NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d))
}

/// A number in a date column: `20270301` typed as a number, or an Excel serial that lands in
/// a plausible year.
fn number_date(f: f64, is_1904: bool) -> Option<NaiveDate> {
    if !f.is_finite() || f < 1.0 {
        return None;
    }
    if f.fract() == 0.0 && (19_000_101.0..=21_001_231.0).contains(&f) {
        let n = f as u64;
        return ymd(
            (n / 10_000) as i64,
            (n / 100 % 100) as i64,
            (n % 100) as i64,
        );
    }
    if f >= 2_958_466.0 {
        return None;
    }
    let dt = ExcelDateTime::new(f, ExcelDateTimeType::DateTime, is_1904);
    excel_date(&dt).filter(|d| in_range(*d, MIN_SERIAL_YEAR))
}

fn ymd(y: i64, m: i64, d: i64) -> Option<NaiveDate> {
    let y = i32::try_from(y).ok()?;
    let date = NaiveDate::from_ymd_opt(y, u32::try_from(m).ok()?, u32::try_from(d).ok()?)?;
    in_range(date, MIN_YEAR).then_some(date)
}

/// Text dates: 2027-03-01, 2027/3/1, 2027.03.01, 2027年3月1日, 20270301, optionally followed
/// by a time. Day-first or month-first forms (01/03/2027) are ambiguous and refused.
pub(crate) fn text_date(s: &str) -> Option<NaiveDate> {
    let s: String = s.trim().chars().map(halfwidth).collect();
    // Drop a time part: "2027-03-01 00:00:00", "2027-03-01T00:00:00".
    let date_part = s
        .split(|c: char| c.is_whitespace() || c == 'T')
        .find(|p| !p.is_empty())?;
    let unified: String = date_part
        .chars()
        .filter(|c| *c != '日' && *c != '号')
        .map(|c| match c {
            '年' | '月' | '/' | '.' | '-' => '-',
            c => c,
        })
        .collect();
    let unified = unified.trim_end_matches('-');
    if unified.len() == 8 && unified.chars().all(|c| c.is_ascii_digit()) {
        let n: i64 = unified.parse().ok()?;
        return ymd(n / 10_000, n / 100 % 100, n % 100);
    }
    let parts: Vec<&str> = unified.split('-').collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    if parts[0].len() != 4 || parts[1].len() > 2 || parts[2].len() > 2 {
        return None;
    }
    ymd(
        parts[0].parse().ok()?,
        parts[1].parse().ok()?,
        parts[2].parse().ok()?,
    )
}

/// A date where a year and month are enough (start of employment, birth): a full date as
/// [`date`] reads it, or a month alone (`2021.3`, `2021-03`, `2020年5月`, the number 2021.3)
/// read as the 1st with a `roster.month_only_date` note.
pub(crate) fn date_or_month(cell: CellIn<'_>, problems: &mut Vec<Problem>) -> Option<NaiveDate> {
    let err = match date(cell) {
        Ok(d) => return d,
        Err(e) => e,
    };
    if err.code != codes::ROSTER_BAD_DATE {
        problems.push(err);
        return None;
    }
    let month = match cell.data {
        Data::String(s) => text_month(s),
        Data::Float(f) => {
            let shown = number_text(*f);
            if let Some((_, frac)) = shown.split_once('.')
                && frac == "1"
            {
                // 2021.10 typed in a number cell is stored as 2021.1.
                problems.push(Problem::error(codes::ROSTER_AMBIGUOUS_MONTH).arg("value", shown));
                return None;
            }
            text_month(&shown)
        }
        _ => None,
    };
    match month {
        Some(d) => {
            problems.push(
                Problem::warning(codes::ROSTER_MONTH_ONLY_DATE)
                    .arg("value", display(cell))
                    .arg("date", d)
                    .arg("month_zh", format!("{}年{}月", d.year(), d.month()))
                    .arg("month_en", d.format("%B %Y")),
            );
            Some(d)
        }
        None => {
            problems.push(err);
            None
        }
    }
}

/// `2021.3`, `2021-03`, `2021/3`, `2020年5月`: the 1st of that month.
fn text_month(s: &str) -> Option<NaiveDate> {
    let s: String = s.trim().chars().map(halfwidth).collect();
    let unified: String = s
        .trim_end_matches('月')
        .chars()
        .map(|c| match c {
            '年' | '/' | '.' | '-' => '-',
            c => c,
        })
        .collect();
    let (y, m) = unified.split_once('-')?;
    if y.len() != 4
        || m.is_empty()
        || m.len() > 2
        || !y.chars().chain(m.chars()).all(|c| c.is_ascii_digit())
    {
        return None;
    }
    ymd(y.parse().ok()?, m.parse().ok()?, 1)
}

/// An amount of money in a column whose header gives a unit (`年收入（万元）`: `scale` 10,000):
/// plain numbers are multiplied; a cell writing its own unit (`48万`) is read as written.
pub(crate) fn money_scaled(cell: CellIn<'_>, scale: i64) -> Result<Option<Fen>, Problem> {
    let own_unit = matches!(cell.data, Data::String(s) if s.contains('万'));
    let v = money(cell)?;
    if scale == 1 || own_unit {
        return Ok(v);
    }
    v.map(|f| {
        f.0.checked_mul(scale)
            .map(Fen)
            .ok_or_else(|| Problem::error(codes::ROSTER_BAD_MONEY).arg("value", display(cell)))
    })
    .transpose()
}

/// An amount of money: a number cell, or text such as 480000, 480,000, ￥480,000.00,
/// RMB 480000, 480000元, 48万, 48.5万元.
pub(crate) fn money(cell: CellIn<'_>) -> Result<Option<Fen>, Problem> {
    if let Some(p) = cell_error(cell.data) {
        return Err(p);
    }
    if is_blank(cell.data) {
        return Ok(None);
    }
    let bad = || Problem::error(codes::ROSTER_BAD_MONEY).arg("value", display(cell));
    let fen = match cell.data {
        Data::Float(f) if f.is_finite() && *f > 0.0 && *f < 1e13 => {
            Some(Fen((f * 100.0).round() as i64))
        }
        Data::Int(i) if *i > 0 && *i < 10_000_000_000_000 => Some(Fen(i * 100)),
        Data::String(s) => money_text(s),
        _ => None,
    };
    fen.map(Some).ok_or_else(bad)
}

/// Parses money text exactly (no floating point). `None` when unreadable or not positive.
pub(crate) fn money_text(s: &str) -> Option<Fen> {
    let mut t: String = s
        .chars()
        .map(halfwidth)
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    for prefix in ["￥", "¥", "RMB", "CNY", "人民币"] {
        if let Some(rest) = t.strip_prefix(prefix) {
            t = rest.to_string();
        }
    }
    for suffix in ["元整", "元", "RMB", "CNY", "人民币"] {
        if let Some(rest) = t.strip_suffix(suffix) {
            t = rest.to_string();
        }
    }
    let (t, scale) = match t.strip_suffix('万') {
        Some(rest) => (rest.to_string(), 10_000i128),
        None => (t, 1i128),
    };
    let (int_part, frac_part) = match t.split_once('.') {
        Some((i, f)) => (i, f),
        None => (t.as_str(), ""),
    };
    if int_part.is_empty() || !frac_part.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    // Thousands separators: groups of three after the first group.
    let groups: Vec<&str> = int_part.split(',').collect();
    if groups
        .iter()
        .any(|g| g.is_empty() || !g.chars().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    if groups.len() > 1 && (groups[0].len() > 3 || groups[1..].iter().any(|g| g.len() != 3)) {
        return None;
    }
    let digits: String = groups.concat();
    if digits.len() + frac_part.len() > 20 {
        return None;
    }
    let int: i128 = digits.parse().ok()?;
    let frac_len = u32::try_from(frac_part.len()).ok()?;
    let frac: i128 = if frac_part.is_empty() {
        0
    } else {
        frac_part.parse().ok()?
    };
    let denom = 10i128.checked_pow(frac_len)?;
    // fen = (int + frac/denom) * scale * 100, which must be whole.
    let numer = (int.checked_mul(denom)?.checked_add(frac)?)
        .checked_mul(scale)?
        .checked_mul(100)?;
    if numer % denom != 0 {
        return None;
    }
    let fen = i64::try_from(numer / denom).ok()?;
    (fen > 0).then_some(Fen(fen))
}

/// A non-negative number such as years worked in China: 3, 3.5, "3年", "3 years".
pub(crate) fn number(cell: CellIn<'_>, max: f64) -> Result<Option<f64>, Problem> {
    if let Some(p) = cell_error(cell.data) {
        return Err(p);
    }
    if is_blank(cell.data) {
        return Ok(None);
    }
    let bad = || Problem::error(codes::ROSTER_BAD_NUMBER).arg("value", display(cell));
    let v = match cell.data {
        Data::Float(f) => Some(*f),
        Data::Int(i) => Some(*i as f64),
        Data::String(s) => number_text_value(s),
        _ => None,
    };
    match v {
        Some(v) if v.is_finite() && (0.0..=max).contains(&v) => Ok(Some(v)),
        _ => Err(bad()),
    }
}

fn number_text_value(s: &str) -> Option<f64> {
    let t: String = s
        .chars()
        .map(halfwidth)
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    let mut t = t.as_str();
    for suffix in ["years", "year", "yrs", "yr", "年"] {
        if let Some(rest) = t.strip_suffix(suffix) {
            t = rest;
            break;
        }
    }
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    t.parse().ok()
}

const NUMERALS: [(char, u8); 6] = [
    ('一', 1),
    ('二', 2),
    ('三', 3),
    ('四', 4),
    ('五', 5),
    ('六', 6),
];

fn numeral(c: char) -> Option<u8> {
    if let Some((_, n)) = NUMERALS.iter().find(|(z, _)| *z == c) {
        return Some(*n);
    }
    match c {
        '1'..='6' => Some(c as u8 - b'0'),
        _ => None,
    }
}

/// Reads a gender cell: `M` / `F`, `男` / `女`, `male` / `female` (any case, full-width
/// forms, `男性` / `女性`). `None` for anything else (the caller reports `roster.bad_gender`).
pub fn parse_gender(raw: &str) -> Option<Gender> {
    let t: String = raw
        .chars()
        .map(halfwidth)
        .filter(|c| !c.is_whitespace() && !matches!(c, '.' | '(' | ')'))
        .collect::<String>()
        .to_lowercase();
    match t.as_str() {
        "m" | "male" | "man" | "男" | "男性" => Some(Gender::Male),
        "f" | "female" | "woman" | "女" | "女性" => Some(Gender::Female),
        _ => None,
    }
}

/// An e-mail address: one `@` with text before it and a dotted domain after it, no spaces.
/// Anything else is a warning (`roster.bad_email`): the column is optional and the value is
/// only printed in the platform form list, so the row is kept.
pub(crate) fn email(cell: CellIn<'_>) -> Result<Option<String>, Problem> {
    let Some(t) = text(cell)? else {
        return Ok(None);
    };
    let t: String = t
        .chars()
        .map(halfwidth)
        .collect::<String>()
        .trim()
        .to_string();
    let ok = match t.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && !t.contains(char::is_whitespace)
                && domain.split('.').count() >= 2
                && domain.split('.').all(|p| !p.is_empty())
        }
        None => false,
    };
    if ok {
        Ok(Some(t))
    } else {
        Err(Problem::warning(codes::ROSTER_BAD_EMAIL).arg("value", t))
    }
}

/// Reads a talent category: (六), （六）, 六, 6, B6, "B类(六)", "（六）计点积分…", A, A类,
/// "外国高端人才（A类）", C. `None` when it cannot be read (the rules stage reports it).
pub fn parse_category(raw: &str) -> Option<Category> {
    let t: String = raw
        .chars()
        .map(halfwidth)
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    if t.is_empty() {
        return None;
    }
    let chars: Vec<char> = t.chars().collect();
    // "B6", "B-6", "B(6)", "B类(六)": a B followed by a sub-category.
    for (i, c) in chars.iter().enumerate() {
        if *c == 'B' && (i == 0 || !chars[i - 1].is_ascii_alphabetic()) {
            let rest: String = chars[i + 1..]
                .iter()
                .filter(|c| !matches!(c, '-' | '_' | '(' | ')' | '类' | '.'))
                .collect();
            if let Some(n) = rest.chars().next().and_then(numeral) {
                let next_is_digit = rest.chars().nth(1).is_some_and(|c| c.is_ascii_digit());
                if !next_is_digit {
                    return Some(Category::B(n));
                }
            }
        }
    }
    // A parenthesised numeral anywhere: (六), （六）计点积分…
    for w in chars.windows(3) {
        if w[0] == '('
            && w[2] == ')'
            && let Some(n) = numeral(w[1])
        {
            return Some(Category::B(n));
        }
    }
    // A leading numeral: 六, 6, 六、计点积分, 6类, 第六类.
    let body = t.strip_prefix('第').unwrap_or(&t);
    let mut it = body.chars();
    if let Some(n) = it.next().and_then(numeral) {
        let next = it.next();
        let ok = match next {
            None => true,
            Some(c) => !c.is_ascii_digit() && !c.is_ascii_alphabetic(),
        };
        if ok {
            return Some(Category::B(n));
        }
    }
    // The classes by name, as the Work Permit card and the platform write them.
    for (words, cat) in [
        (&["外国高端人才", "高端人才"][..], Category::A),
        (&["外国专业人才", "专业人才"][..], Category::B(0)),
        (
            &["外国普通人员", "普通人员", "其他外国人员"][..],
            Category::C,
        ),
    ] {
        if words.iter().any(|w| t.contains(w)) {
            return Some(cat);
        }
    }
    // Class letters: A, A类, "外国高端人才（A类）", B类, C.
    let letter_class = |l: char| -> bool {
        t == l.to_string()
            || t.contains(&format!("{l}类"))
            || t.contains(&format!("({l})"))
            || t == format!("{l}CLASS")
            || t == format!("CLASS{l}")
            || t == format!("CATEGORY{l}")
    };
    if letter_class('A') {
        return Some(Category::A);
    }
    if letter_class('C') {
        return Some(Category::C);
    }
    if letter_class('B') {
        return Some(Category::B(0));
    }
    None
}

#[cfg(test)]
mod tests {

    #[test]
    fn gender_words_and_e_mail_shapes() {
        for (raw, want) in [
            ("M", Some(Gender::Male)),
            ("f", Some(Gender::Female)),
            ("男", Some(Gender::Male)),
            ("女性", Some(Gender::Female)),
            (" Female ", Some(Gender::Female)),
            ("ＭＡＬＥ", Some(Gender::Male)),
            ("X", None),
            ("", None),
        ] {
            assert_eq!(parse_gender(raw), want, "{raw:?}");
        }
        let read = |s: &str| email(CellIn::new(&Data::String(s.into())));
        assert_eq!(
            read(" anna@example.com ").unwrap().as_deref(),
            Some("anna@example.com")
        );
        assert_eq!(
            read("anna＠example.cn").unwrap().as_deref(),
            Some("anna@example.cn")
        );
        for bad in [
            "anna",
            "anna@",
            "@x.com",
            "anna@example",
            "a b@x.com",
            "a@b@c.com",
            "a@x..com",
        ] {
            let p = read(bad).unwrap_err();
            assert_eq!(
                (p.code, p.severity),
                (codes::ROSTER_BAD_EMAIL, Severity::Warning),
                "{bad}"
            );
        }
        assert_eq!(email(CellIn::new(&Data::Empty)).unwrap(), None);
    }
    use super::*;

    fn s(v: &str) -> Data {
        Data::String(v.to_string())
    }

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    #[test]
    fn text_dates_in_every_form_hr_types() {
        for t in [
            "2027-03-01",
            "2027/3/1",
            "2027.03.01",
            "2027年3月1日",
            "2027年03月01日",
            "20270301",
            " 2027-3-1 ",
            "2027-03-01 00:00:00",
            "2027-03-01T00:00:00",
            "２０２７年３月１日",
        ] {
            assert_eq!(text_date(t), Some(d(2027, 3, 1)), "{t:?}");
        }
        for t in [
            "01/03/2027",
            "2027-13-01",
            "2027-02-30",
            "soon",
            "2027",
            "27-3-1",
            "3099-01-01",
        ] {
            assert_eq!(text_date(t), None, "{t:?}");
        }
    }

    #[test]
    fn excel_serials_in_both_epochs() {
        // 2027-03-01 is serial 46447 in the 1900 system and 44985 in the 1904 system.
        let v1900 = Data::DateTime(ExcelDateTime::new(
            46447.0,
            ExcelDateTimeType::DateTime,
            false,
        ));
        assert_eq!(date(CellIn::new(&v1900)), Ok(Some(d(2027, 3, 1))));
        let v1904 = Data::DateTime(ExcelDateTime::new(
            44985.0,
            ExcelDateTimeType::DateTime,
            true,
        ));
        assert_eq!(date(CellIn::new(&v1904)), Ok(Some(d(2027, 3, 1))));
        // A bare number in a date column, with the workbook's epoch.
        let bare = Data::Float(44985.0);
        let cell = CellIn {
            data: &bare,
            format: None,
            is_1904: true,
        };
        assert_eq!(date(cell), Ok(Some(d(2027, 3, 1))));
        assert_eq!(
            date(CellIn::new(&Data::Float(46447.0))),
            Ok(Some(d(2027, 3, 1)))
        );
        assert_eq!(
            date(CellIn::new(&Data::Float(20270301.0))),
            Ok(Some(d(2027, 3, 1)))
        );
        assert_eq!(
            date(CellIn::new(&Data::Int(20270301))),
            Ok(Some(d(2027, 3, 1)))
        );
    }

    #[test]
    fn implausible_numbers_are_not_dates() {
        for v in [
            Data::Float(12.0),
            Data::Float(365.0),
            Data::Float(-5.0),
            Data::Float(3e9),
            Data::Bool(true),
        ] {
            let err = date(CellIn::new(&v)).unwrap_err();
            assert_eq!(err.code, codes::ROSTER_BAD_DATE, "{v:?}");
        }
        assert_eq!(date(CellIn::new(&s("  "))), Ok(None));
        assert_eq!(date(CellIn::new(&Data::Empty)), Ok(None));
        let e = date(CellIn::new(&Data::Error(calamine::CellErrorType::NA))).unwrap_err();
        assert_eq!(e.code, codes::ROSTER_CELL_ERROR);
    }

    #[test]
    fn money_forms() {
        let yuan = |y: i64| Some(Fen::from_yuan(y));
        for t in [
            "480000",
            "480,000",
            "￥480,000.00",
            "¥480000",
            "RMB 480,000",
            "480000元",
            "48万",
            "48万元",
            "４８万",
            "CNY480000.00",
        ] {
            assert_eq!(money_text(t), yuan(480_000), "{t:?}");
        }
        assert_eq!(money_text("48.5万"), yuan(485_000));
        assert_eq!(money_text("1,234.56"), Some(Fen(123_456)));
        for t in [
            "abc",
            "48,00,00",
            "-480000",
            "0",
            "480000.001",
            "1.2.3",
            "万",
            "",
        ] {
            assert_eq!(money_text(t), None, "{t:?}");
        }
        assert_eq!(
            money(CellIn::new(&Data::Float(480000.0))),
            Ok(Some(Fen::from_yuan(480_000)))
        );
        assert_eq!(
            money(CellIn::new(&Data::Float(-1.0))).unwrap_err().code,
            codes::ROSTER_BAD_MONEY
        );
    }

    #[test]
    fn passport_numbers_keep_zeros_from_the_format() {
        let mut p = Vec::new();
        let n = Data::Float(12345678.0);
        let padded = CellIn {
            data: &n,
            format: Some("000000000"),
            is_1904: false,
        };
        assert_eq!(
            passport(padded, 5..=20, 9, &mut p).as_deref(),
            Some("012345678")
        );
        assert!(p.is_empty());
        // A bare number: kept (to find the employee's files) but an error, since zeros may be
        // lost.
        assert_eq!(
            passport(CellIn::new(&n), 5..=20, 9, &mut p).as_deref(),
            Some("12345678")
        );
        assert_eq!(p[0].code, codes::ROSTER_PASSPORT_AS_NUMBER);
        assert_eq!(p[0].severity, Severity::Error);
        p.clear();
        // Nine digits, the longest a machine-readable zone holds: no zero can be missing.
        for n in [Data::Float(123456789.0), Data::Int(987654321)] {
            assert_eq!(
                passport(CellIn::new(&n), 5..=20, 9, &mut p).as_deref(),
                Some(if n == Data::Int(987654321) {
                    "987654321"
                } else {
                    "123456789"
                })
            );
            assert_eq!(p.len(), 1);
            assert_eq!(p[0].code, codes::ROSTER_PASSPORT_NUMBER_CELL);
            assert_eq!(p[0].severity, Severity::Warning);
            p.clear();
        }
        // Shorter or longer bare numbers keep the error; a negative one is no number.
        for n in [
            Data::Float(1234567.0),
            Data::Int(12345678),
            Data::Float(1234567890.0),
        ] {
            passport(CellIn::new(&n), 5..=20, 9, &mut p);
            assert_eq!(p[0].code, codes::ROSTER_PASSPORT_AS_NUMBER, "{n:?}");
            p.clear();
        }
        assert_eq!(
            passport(CellIn::new(&Data::Int(-123456789)), 5..=20, 9, &mut p),
            None
        );
        assert_eq!(p[0].code, codes::ROSTER_BAD_PASSPORT);
        p.clear();
        assert_eq!(
            passport(CellIn::new(&s(" e 1234 5678 ")), 5..=20, 9, &mut p).as_deref(),
            Some("E12345678")
        );
        assert!(p.is_empty());
        assert_eq!(
            passport(CellIn::new(&s("E1234-5678")), 5..=20, 9, &mut p),
            None
        );
        assert_eq!(p[0].code, codes::ROSTER_BAD_PASSPORT);
        assert_eq!(p[0].args[0], ("value", "E1*****678".to_string()));
        p.clear();
        // A total row's cell is no passport number: shown as written, so it can be found.
        assert_eq!(passport(CellIn::new(&s("6人")), 5..=20, 9, &mut p), None);
        assert_eq!(p[0].code, codes::ROSTER_BAD_PASSPORT);
        assert_eq!(p[0].args[0], ("value", "6人".to_string()));
        p.clear();
        assert_eq!(
            passport(CellIn::new(&s("1.23457E+08")), 5..=20, 9, &mut p),
            None
        );
        assert_eq!(p[0].code, codes::ROSTER_BAD_PASSPORT);
    }

    #[test]
    fn month_only_dates_read_as_the_first_with_a_note() {
        for (v, want) in [
            (s("2021.3"), d(2021, 3, 1)),
            (s("2020年5月"), d(2020, 5, 1)),
            (s("2020年05月"), d(2020, 5, 1)),
            (s("2021-03"), d(2021, 3, 1)),
            (s("2021/12"), d(2021, 12, 1)),
            (Data::Float(2021.3), d(2021, 3, 1)),
            (Data::Float(2021.12), d(2021, 12, 1)),
        ] {
            let mut p = Vec::new();
            assert_eq!(date_or_month(CellIn::new(&v), &mut p), Some(want), "{v:?}");
            assert_eq!(p.len(), 1, "{v:?}");
            assert_eq!(p[0].code, codes::ROSTER_MONTH_ONLY_DATE);
            assert_eq!(p[0].severity, Severity::Warning);
        }
        // A full date needs no note; nonsense stays an error.
        let mut p = Vec::new();
        assert_eq!(
            date_or_month(CellIn::new(&s("2021-03-15")), &mut p),
            Some(d(2021, 3, 15))
        );
        assert!(p.is_empty());
        for v in [s("2021.13"), s("21.3"), s("soon"), s("2021")] {
            let mut p = Vec::new();
            assert_eq!(date_or_month(CellIn::new(&v), &mut p), None, "{v:?}");
            assert_eq!(p[0].code, codes::ROSTER_BAD_DATE, "{v:?}");
        }
        // 2021.10 typed in a number cell is stored as 2021.1: January or October?
        let mut p = Vec::new();
        assert_eq!(
            date_or_month(CellIn::new(&Data::Float(2021.1)), &mut p),
            None
        );
        assert_eq!(p[0].code, codes::ROSTER_AMBIGUOUS_MONTH);
        // Expiry dates stay strict: a month alone is not an expiry.
        assert!(date(CellIn::new(&s("2027.3"))).is_err());
    }

    #[test]
    fn a_unit_in_the_header_scales_plain_numbers_only() {
        let wan = 10_000;
        assert_eq!(
            money_scaled(CellIn::new(&Data::Float(48.0)), wan),
            Ok(Some(Fen::from_yuan(480_000)))
        );
        assert_eq!(
            money_scaled(CellIn::new(&s("48.5")), wan),
            Ok(Some(Fen::from_yuan(485_000)))
        );
        assert_eq!(
            money_scaled(CellIn::new(&s("48万")), wan),
            Ok(Some(Fen::from_yuan(480_000)))
        );
        assert_eq!(
            money_scaled(CellIn::new(&Data::Float(480_000.0)), 1),
            Ok(Some(Fen::from_yuan(480_000)))
        );
    }

    #[test]
    fn integer_formats() {
        assert_eq!(
            format_integer("12345678", Some("000000000")).as_deref(),
            Some("012345678")
        );
        assert_eq!(
            format_integer("1234567", Some("\"E\"00000000")).as_deref(),
            Some("E01234567")
        );
        assert_eq!(
            format_integer("1234567", Some("\\G00000000")).as_deref(),
            Some("G01234567")
        );
        assert_eq!(
            format_integer("1234567890", Some("000000000")).as_deref(),
            Some("1234567890")
        );
        assert_eq!(
            format_integer("123", Some("[Red]00000;-00000")).as_deref(),
            Some("00123")
        );
        for f in ["General", "@", "0", "0.00", "#,##0", "yyyy-mm-dd", "0%"] {
            assert_eq!(format_integer("123", Some(f)), None, "{f}");
        }
        assert_eq!(format_integer("123", None), None);
    }

    #[test]
    fn categories_in_every_spelling() {
        for t in [
            "(六)",
            "（六）",
            "六",
            "6",
            "B6",
            "b6",
            "B-6",
            "B类(六)",
            "（六）计点积分60分以上的专业人才",
            "第六类",
            "六、计点积分",
            " 6 ",
        ] {
            assert_eq!(parse_category(t), Some(Category::B(6)), "{t:?}");
        }
        for (t, c) in [
            ("(一)", Category::B(1)),
            ("二", Category::B(2)),
            ("B3", Category::B(3)),
            ("（五）", Category::B(5)),
            ("A", Category::A),
            ("A类", Category::A),
            ("外国高端人才（A类）", Category::A),
            ("C类", Category::C),
            ("c", Category::C),
            ("B类", Category::B(0)),
            ("B", Category::B(0)),
            ("外国专业人才", Category::B(0)),
            ("外国专业人才（B类）", Category::B(0)),
            ("外国高端人才", Category::A),
            ("外国普通人员（C类）", Category::C),
            ("Professional (B)", Category::B(0)),
        ] {
            assert_eq!(parse_category(t), Some(c), "{t:?}");
        }
        for t in ["", "待定", "7", "B7", "(七)", "60", "professional", "B12"] {
            assert_eq!(parse_category(t), None, "{t:?}");
        }
    }

    #[test]
    fn builtin_category_choices_all_read() {
        let a = super::super::aliases::ColumnAliases::load(&crate::assets::Templates::builtin())
            .unwrap();
        assert!(!a.category_choices.is_empty());
        for c in &a.category_choices {
            assert!(parse_category(c).is_some(), "{c}");
        }
        // Excel limits a list validation to 255 characters.
        assert!(a.category_choices.join(",").chars().count() <= 255);
    }

    #[test]
    fn numbers_and_ids() {
        assert_eq!(number(CellIn::new(&s("3年")), 80.0), Ok(Some(3.0)));
        assert_eq!(number(CellIn::new(&s("3.5 years")), 80.0), Ok(Some(3.5)));
        assert_eq!(number(CellIn::new(&Data::Float(4.0)), 80.0), Ok(Some(4.0)));
        assert_eq!(
            number(CellIn::new(&s("three")), 80.0).unwrap_err().code,
            codes::ROSTER_BAD_NUMBER
        );
        assert_eq!(
            number(CellIn::new(&Data::Float(-1.0)), 80.0)
                .unwrap_err()
                .code,
            codes::ROSTER_BAD_NUMBER
        );
        assert_eq!(
            id_text(CellIn::new(&Data::Float(13800138000.0))),
            Ok(Some("13800138000".into()))
        );
        assert_eq!(
            id_text(CellIn::new(&Data::Float(1.1044e17)))
                .unwrap_err()
                .code,
            codes::ROSTER_NUMBER_PRECISION
        );
        assert_eq!(
            text(CellIn::new(&s("  José \n Muñoz "))),
            Ok(Some("José Muñoz".into()))
        );
    }
}
