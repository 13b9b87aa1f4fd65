//! What the pipeline knows about one employee once every stage has run: the input the
//! `report` and `packet` stages consume. Stage-specific details (the eligibility object, the
//! photo measurements, the timeline) travel in `details` as JSON so that report.json carries
//! every stage's fields without the reports depending on each stage's types.

use crate::issue::Issue;
use crate::model::Employee;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// Where an employee stands overall, for the report summary and colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Window open and no error: the packet can be submitted.
    Ready,
    /// Window open (or unknown) but some error must be fixed first.
    Attention,
    /// More than 90 days left: too early for the combined service.
    NotYet,
    /// Fewer than 30 days left, or already expired.
    TooLate,
}

/// How a checklist item reaches the packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// permitpack writes it.
    Generated,
    /// A scan is expected in the docs folder.
    Upload,
    /// Bring the original in person; a scan may also be uploaded.
    Original,
    /// Exists only once the on-site appointment is booked.
    AfterBooking,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Generated => "generated",
            ItemKind::Upload => "upload",
            ItemKind::Original => "original",
            ItemKind::AfterBooking => "after_booking",
        }
    }
}

/// Where a checklist item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    /// permitpack writes it.
    Generated,
    /// A usable scan was found (for an original: the scan; the original is brought too).
    Provided,
    /// No usable scan (upload and original items alike).
    Missing,
    /// Only exists once the appointment is booked.
    AfterBooking,
}

impl ItemStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemStatus::Generated => "generated",
            ItemStatus::Provided => "provided",
            ItemStatus::Missing => "missing",
            ItemStatus::AfterBooking => "after_booking",
        }
    }
}

/// Where an employee stands in the application window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowState {
    /// Between the window opening and the deadline (both inclusive).
    Open,
    /// More days left than the window allows.
    NotYet,
    /// Past the deadline but not yet expired.
    TooLate,
    /// A permit has expired.
    Expired,
    /// No Work Permit expiry date to judge by.
    Unknown,
}

impl WindowState {
    pub fn as_str(self) -> &'static str {
        match self {
            WindowState::Open => "open",
            WindowState::NotYet => "not_yet",
            WindowState::TooLate => "too_late",
            WindowState::Expired => "expired",
            WindowState::Unknown => "unknown",
        }
    }
}

/// One line of the document checklist, as shown on the cover sheet and in the reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChecklistLine {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub kind: ItemKind,
    /// An original is `provided` when its scan was found (the scan is uploaded; the original
    /// is brought as well).
    pub status: ItemStatus,
    /// Whether a missing item is only a warning (company-side items, items the window may
    /// ask for).
    pub optional: bool,
    /// The original is handed in at the window on the day (passport, Work Permit, labour
    /// contract), besides the uploaded scan.
    pub bring_original: bool,
    /// How to obtain the item.
    pub how_zh: String,
    pub how_en: String,
    /// The user's original file names matched to this item.
    pub files: Vec<String>,
}

/// The photo verdict in brief; the full measurements are in `details["photo"]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhotoLine {
    pub file: String,
    pub ok: bool,
    /// Annotated thumbnail (PNG or JPEG bytes) for the HTML report and cover sheet.
    #[serde(skip)]
    pub preview: Option<Vec<u8>>,
    /// MIME type of `preview`.
    #[serde(skip)]
    pub preview_mime: Cow<'static, str>,
}

/// Everything known about one employee after the pipeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmployeeOutcome {
    pub employee: Employee,
    pub status: Status,
    pub ready: bool,
    /// State of the application window.
    pub window_state: WindowState,
    pub days_left: Option<i64>,
    pub window_opens: Option<NaiveDate>,
    pub deadline: Option<NaiveDate>,
    pub term_years: Option<f64>,
    pub fee_rmb: Option<i64>,
    pub photo: Option<PhotoLine>,
    pub checklist: Vec<ChecklistLine>,
    pub issues: Vec<Issue>,
    /// Packet file name inside OUT/packets/, when one was written.
    pub packet: Option<String>,
    /// The packet's `upload/` files, in the platform's order (empty without a packet).
    #[serde(default)]
    pub uploads: Vec<UploadLine>,
    /// Stage fields for report.json (`eligibility`, `timeline`, `photo`, ...).
    pub details: serde_json::Map<String, serde_json::Value>,
}

/// One file of the packet's `upload/` folder: what HR uploads on the platform's 附件信息
/// page, one file per item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadLine {
    /// Entry name in the packet: `upload/03_passport.pdf`, `upload/photo.jpg`.
    pub entry: String,
    /// Checklist item id (`photo` for the photo).
    pub item_id: String,
    pub bytes: u64,
    /// Pages of the PDF (1 for the photo; 0 when a passed-through PDF could not be read).
    pub pages: usize,
    /// The files it was made from, as HR named them, in order.
    pub files: Vec<String>,
    pub how: UploadHow,
    /// Within `[upload] max_file_bytes` (`photo_max_bytes` for the photo).
    pub within_budget: bool,
}

/// A file size as HR reads it: `812 KB`, `1.2 MB` (decimal, as the platform counts).
pub fn size_text(bytes: u64) -> String {
    if bytes >= 100_000 {
        format!("{:.1} MB", bytes as f64 / 1_000_000.0)
    } else {
        format!("{} KB", bytes.div_ceil(1000))
    }
}

/// How an upload file was made from HR's files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum UploadHow {
    /// One file already as the platform takes it, unchanged.
    PassedThrough,
    /// Placed on pages as they are, nothing re-encoded.
    Placed,
    /// Images scaled to this long side (pixels) and re-encoded at this JPEG quality.
    Recompressed { long_side: u32, quality: u8 },
    /// As `Recompressed`, with the PDF pages rendered to images first.
    Rendered { long_side: u32, quality: u8 },
}

impl EmployeeOutcome {
    /// The outcome of an employee no stage could finish: who it is and `issues`, nothing
    /// judged, not ready.
    pub fn blank(employee: Employee, issues: Vec<Issue>) -> EmployeeOutcome {
        EmployeeOutcome {
            employee,
            status: Status::Attention,
            ready: false,
            window_state: WindowState::Unknown,
            days_left: None,
            window_opens: None,
            deadline: None,
            term_years: None,
            fee_rmb: None,
            photo: None,
            checklist: Vec::new(),
            issues,
            packet: None,
            uploads: Vec::new(),
            details: serde_json::Map::new(),
        }
    }

    pub fn error_count(&self) -> usize {
        self.issues.iter().filter(|i| i.is_error()).count()
    }
    pub fn warning_count(&self) -> usize {
        self.issues.len() - self.error_count()
    }
    pub fn missing_items(&self) -> impl Iterator<Item = &ChecklistLine> {
        self.checklist
            .iter()
            .filter(|c| c.status == ItemStatus::Missing)
    }
}

/// The employees' outcomes in roster order, wherever they are kept: in memory (a slice, for
/// tests and small callers) or on disk ([`crate::spool::Spool`], for a run). The reports read
/// them one at a time, as many times as they need, so that a batch never has to be in memory
/// at once.
pub trait Outcomes {
    /// Number of employees.
    fn count(&self) -> usize;
    /// Every outcome in roster order. Reading from disk can fail.
    fn each(&self) -> Box<dyn Iterator<Item = std::io::Result<Cow<'_, EmployeeOutcome>>> + '_>;
}

impl Outcomes for [EmployeeOutcome] {
    fn count(&self) -> usize {
        self.len()
    }
    fn each(&self) -> Box<dyn Iterator<Item = std::io::Result<Cow<'_, EmployeeOutcome>>> + '_> {
        Box::new(self.iter().map(|o| Ok(Cow::Borrowed(o))))
    }
}

impl Outcomes for Vec<EmployeeOutcome> {
    fn count(&self) -> usize {
        self.len()
    }
    fn each(&self) -> Box<dyn Iterator<Item = std::io::Result<Cow<'_, EmployeeOutcome>>> + '_> {
        self.as_slice().each()
    }
}
