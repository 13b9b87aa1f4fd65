//! The plain data types the pipeline stages hand to each other: an employee as read from the
//! roster, the company, and the talent category. No I/O and no rules live here.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Amount of money in fen (1/100 RMB), so sums and formatting stay exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Fen(pub i64);

impl Fen {
    pub fn from_yuan(yuan: i64) -> Self {
        Fen(yuan * 100)
    }
    /// `480,000.00`
    pub fn to_figures(self) -> String {
        let neg = self.0 < 0;
        let abs = self.0.unsigned_abs();
        let yuan = (abs / 100).to_string();
        let mut grouped = String::new();
        for (i, ch) in yuan.chars().enumerate() {
            if i > 0 && (yuan.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        format!("{}{}.{:02}", if neg { "-" } else { "" }, grouped, abs % 100)
    }
}

/// Talent category. National classes are A (high-end), B (professional, with numbered
/// sub-categories (一)-(六) in the Shenzhen guide) and C.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    A,
    /// B-class sub-category 1..=6; 0 when the class is B but the sub-category was not given.
    B(u8),
    C,
}

impl Category {
    /// Stable key used in rules data: `A`, `B`, `B1`..`B6`, `C`.
    pub fn key(self) -> String {
        match self {
            Category::A => "A".into(),
            Category::B(0) => "B".into(),
            Category::B(n) => format!("B{n}"),
            Category::C => "C".into(),
        }
    }
    /// Chinese label as the guide writes it: `(六)`, `A类`.
    pub fn label_zh(self) -> String {
        const NUM: [&str; 7] = ["", "一", "二", "三", "四", "五", "六"];
        match self {
            Category::A => "A类".into(),
            Category::B(0) => "B类".into(),
            Category::B(n) if (n as usize) < NUM.len() => format!("（{}）", NUM[n as usize]),
            Category::B(n) => format!("B{n}"),
            Category::C => "C类".into(),
        }
    }
    pub fn is_b_or_c(self) -> bool {
        matches!(self, Category::B(_) | Category::C)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key())
    }
}

impl Serialize for Category {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.key())
    }
}

impl Category {
    /// The category of a key as [`Category::key`] writes it.
    pub fn from_key(key: &str) -> Option<Category> {
        match key {
            "A" => Some(Category::A),
            "B" => Some(Category::B(0)),
            "C" => Some(Category::C),
            _ => key
                .strip_prefix('B')
                .and_then(|n| n.parse().ok())
                .map(Category::B),
        }
    }
}

impl<'de> Deserialize<'de> for Category {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Category, D::Error> {
        let key = String::deserialize(d)?;
        Category::from_key(&key)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown category {key}")))
    }
}

/// A roster column permitpack understands. The spreadsheet header aliases for each live in
/// `templates/columns.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Name,
    ChineseName,
    PassportNo,
    PassportExpiry,
    Nationality,
    DateOfBirth,
    Category,
    Position,
    StartDate,
    WorkPermitNo,
    WorkPermitExpiry,
    ResidencePermitExpiry,
    YearsInChina,
    RequestedTerm,
    AnnualSalary,
    SalaryBasis,
    Mobile,
    Photo,
    Surname,
    GivenNames,
    Gender,
    PassportIssueDate,
    Email,
    AddressInChina,
    ContractEndDate,
    WorkLocation,
}

impl Field {
    pub const ALL: [Field; 26] = [
        Field::Name,
        Field::ChineseName,
        Field::PassportNo,
        Field::PassportExpiry,
        Field::Nationality,
        Field::DateOfBirth,
        Field::Category,
        Field::Position,
        Field::StartDate,
        Field::WorkPermitNo,
        Field::WorkPermitExpiry,
        Field::ResidencePermitExpiry,
        Field::YearsInChina,
        Field::RequestedTerm,
        Field::AnnualSalary,
        Field::SalaryBasis,
        Field::Mobile,
        Field::Photo,
        Field::Surname,
        Field::GivenNames,
        Field::Gender,
        Field::PassportIssueDate,
        Field::Email,
        Field::AddressInChina,
        Field::ContractEndDate,
        Field::WorkLocation,
    ];
    /// snake_case key used in data files and JSON.
    pub fn key(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::ChineseName => "chinese_name",
            Field::PassportNo => "passport_no",
            Field::PassportExpiry => "passport_expiry",
            Field::Nationality => "nationality",
            Field::DateOfBirth => "date_of_birth",
            Field::Category => "category",
            Field::Position => "position",
            Field::StartDate => "start_date",
            Field::WorkPermitNo => "work_permit_no",
            Field::WorkPermitExpiry => "work_permit_expiry",
            Field::ResidencePermitExpiry => "residence_permit_expiry",
            Field::YearsInChina => "years_in_china",
            Field::RequestedTerm => "requested_term",
            Field::AnnualSalary => "annual_salary",
            Field::SalaryBasis => "salary_basis",
            Field::Mobile => "mobile",
            Field::Photo => "photo",
            Field::Surname => "surname",
            Field::GivenNames => "given_names",
            Field::Gender => "gender",
            Field::PassportIssueDate => "passport_issue_date",
            Field::Email => "email",
            Field::AddressInChina => "address_in_china",
            Field::ContractEndDate => "contract_end_date",
            Field::WorkLocation => "work_location",
        }
    }
    pub fn from_key(key: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.key() == key)
    }
}

/// Whether an annual salary is before or after individual income tax.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SalaryBasis {
    PreTax,
    AfterTax,
}

/// Gender as the passport states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    /// As the platform's choice reads: `男` / `女`.
    pub fn label_zh(self) -> &'static str {
        match self {
            Gender::Male => "男",
            Gender::Female => "女",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Gender::Male => "Male",
            Gender::Female => "Female",
        }
    }
}

/// One employee row as read from the roster. Values that could not be read are `None` and
/// the roster stage has emitted an issue for them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Employee {
    /// Sheet the row came from.
    pub sheet: String,
    /// 1-based sheet row.
    pub row: u32,
    /// Latin name as in the passport.
    pub name: Option<String>,
    pub chinese_name: Option<String>,
    /// Trimmed, upper-cased, leading zeros kept.
    pub passport_no: Option<String>,
    pub passport_expiry: Option<NaiveDate>,
    pub nationality: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub category: Option<Category>,
    /// The category cell as typed, for messages and the cover sheet.
    pub category_raw: Option<String>,
    pub position: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub work_permit_no: Option<String>,
    pub work_permit_expiry: Option<NaiveDate>,
    pub residence_permit_expiry: Option<NaiveDate>,
    pub years_in_china: Option<f64>,
    pub requested_term_years: Option<f64>,
    pub annual_salary: Option<Fen>,
    pub salary_basis: Option<SalaryBasis>,
    pub mobile: Option<String>,
    /// Photo file name relative to the photos folder, as typed.
    pub photo: Option<String>,
    /// Surname and given names in their own columns, as in the passport (optional columns:
    /// the platform form asks for them apart; without them the name is split).
    #[serde(default)]
    pub surname: Option<String>,
    #[serde(default)]
    pub given_names: Option<String>,
    #[serde(default)]
    pub gender: Option<Gender>,
    #[serde(default)]
    pub passport_issue_date: Option<NaiveDate>,
    /// The applicant's own e-mail (the platform refuses the HR handler's).
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub address_in_china: Option<String>,
    #[serde(default)]
    pub contract_end_date: Option<NaiveDate>,
    #[serde(default)]
    pub work_location: Option<String>,
    /// A1 reference of the cell each known field was read from, so later stages can point
    /// at the cell in their own issues.
    pub cells: BTreeMap<Field, String>,
    /// Date fields given as a month alone (`1986.12`): held as the 1st of the month for the
    /// rules, printed as the month (`1986年12月`), never with an invented day.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub month_only: BTreeSet<Field>,
}

impl Employee {
    /// The A1 cell of a field on this row, if the roster had that column.
    pub fn cell_of(&self, field: Field) -> Option<&str> {
        self.cells.get(&field).map(String::as_str)
    }
}

/// The employer, from the roster's Company sheet or a `--company` TOML file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct Company {
    pub name_zh: Option<String>,
    pub name_en: Option<String>,
    /// Unified social credit code (统一社会信用代码), 18 characters.
    pub uscc: Option<String>,
    pub address: Option<String>,
    pub contact_person: Option<String>,
    pub contact_phone: Option<String>,
    /// The contact's e-mail: the platform refuses it as an applicant's own address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_email: Option<String>,
    pub legal_representative: Option<String>,
    /// The basis of the roster's annual salaries as written (税前 / 税后 / pre-tax ...), for
    /// rows whose own cell and salary header say nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salary_basis: Option<String>,
}

/// Masks an identifier for anything printed: `E12345678` -> `E1****678`.
pub fn mask_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 4 {
        return "*".repeat(chars.len());
    }
    let head = if chars.len() >= 8 { 2 } else { 1 };
    let tail = if chars.len() >= 8 { 3 } else { 2 };
    let mut out: String = chars[..head].iter().collect();
    out.push_str(&"*".repeat(chars.len() - head - tail));
    out.extend(&chars[chars.len() - tail..]);
    out
}

/// Masks `text` when it could be a passport number (letters and digits, with separators
/// such as `-` or `.` a typo may leave, at least 5 of them and two digits), and leaves
/// anything else as written: a roster cell such as `6人` or `TOTAL` in the passport column
/// is shown so the user can find it, never as `**`.
pub fn mask_if_id(text: &str) -> String {
    let core: Vec<char> = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_' | '/' | '.' | '+'))
        .collect();
    let looks_like_id = core.len() >= 5
        && core.iter().all(char::is_ascii_alphanumeric)
        && core.iter().filter(|c| c.is_ascii_digit()).count() >= 2;
    if looks_like_id {
        mask_id(text)
    } else {
        text.to_string()
    }
}

/// `text` with every occurrence of `id` masked as [`mask_id`] does, matched ignoring case
/// (a file named `scan_u12345678.pdf` holds the passport number `U12345678` all the same)
/// and full-width forms; the rest of the text is kept as it was.
pub fn mask_in(text: &str, id: &str) -> String {
    let id = id.trim();
    if id.chars().count() <= 3 {
        return text.to_string();
    }
    let fold = |c: char| -> char {
        // Full-width ASCII (Ａ１) as typed with a Chinese input method.
        let c = match c as u32 {
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        };
        c.to_ascii_uppercase()
    };
    let want: Vec<char> = id.chars().map(fold).collect();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0; // byte offset in `text` copied so far
    while i + want.len() <= chars.len() {
        let hit = (0..want.len()).all(|k| fold(chars[i + k].1) == want[k]);
        if hit {
            let start = chars[i].0;
            let end = chars.get(i + want.len()).map_or(text.len(), |(b, _)| *b);
            out.push_str(&text[copied..start]);
            out.push_str(&mask_id(&text[start..end]));
            copied = end;
            i += want.len();
        } else {
            i += 1;
        }
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passport_numbers_are_masked_in_any_case() {
        assert_eq!(
            mask_in("scan_u12345678_x.pdf", "U12345678"),
            "scan_u1****678_x.pdf"
        );
        assert_eq!(mask_in("ek1234567.pdf", "EK1234567"), "ek****567.pdf");
        assert_eq!(
            mask_in("EK1234567 and ek1234567", "ek1234567"),
            "EK****567 and ek****567"
        );
        assert_eq!(
            mask_in("Ｅ１２３４５６７８.jpg", "E12345678"),
            "Ｅ１****６７８.jpg"
        );
        assert_eq!(mask_in("nothing here", "E12345678"), "nothing here");
        assert_eq!(mask_in("张三 E12", "E12"), "张三 E12");
    }

    #[test]
    fn fen_figures_group_thousands() {
        assert_eq!(Fen::from_yuan(480_000).to_figures(), "480,000.00");
        assert_eq!(Fen(123_456_789).to_figures(), "1,234,567.89");
        assert_eq!(Fen(5).to_figures(), "0.05");
        assert_eq!(Fen(-100_000).to_figures(), "-1,000.00");
    }

    #[test]
    fn category_keys_and_labels() {
        assert_eq!(Category::B(6).key(), "B6");
        assert_eq!(Category::B(6).label_zh(), "（六）");
        assert!(Category::C.is_b_or_c());
        assert!(!Category::A.is_b_or_c());
    }

    #[test]
    fn masks_keep_ends_only() {
        assert_eq!(mask_id("E12345678"), "E1****678");
        assert_eq!(mask_id("G1234567"), "G1***567");
        assert_eq!(mask_id("AB12"), "****");
        assert_eq!(mask_id("AB1234"), "A***34");
    }

    #[test]
    fn only_passport_like_text_is_masked() {
        assert_eq!(mask_if_id("E12345678"), "E1****678");
        assert_eq!(
            mask_if_id("12345678901234567890123"),
            mask_id("12345678901234567890123")
        );
        assert_eq!(mask_if_id("E1234-5678"), mask_id("E1234-5678"));
        for shown in ["6人", "TOTAL", "合计", "N/A", "123", "共6人", "see sheet 2"] {
            assert_eq!(mask_if_id(shown), shown);
        }
    }

    #[test]
    fn field_keys_round_trip() {
        for f in Field::ALL {
            assert_eq!(Field::from_key(f.key()), Some(f));
        }
    }
}
