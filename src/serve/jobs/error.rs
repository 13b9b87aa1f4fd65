//! [`JobError`]: what a job operation refuses or fails on, in the job's own terms. Each says
//! itself as a catalog issue; which HTTP status it becomes is the server's business.

use crate::codes;
use crate::fsutil::human_size;
use crate::issue::Issue;

/// A refused or failed job operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobError {
    /// No job of that id: deleted, expired, or the server was restarted.
    NoJob,
    /// The job was deleted while its upload was received; nothing was kept.
    Deleted,
    /// This many jobs already wait or are being uploaded.
    QueueFull { waiting: usize },
    /// The file asked for is not there yet: the job has not finished, or only checked.
    NotYet,
    /// The upload form could not be read (a broken or cut multipart body).
    BadForm { reason: String },
    /// A form field beside the files has a value not understood (`value` as shown).
    BadField { field: String, value: String },
    /// A form field beside the files is longer than `limit` bytes.
    FieldTooLarge { field: String, limit: usize },
    /// A file path that could reach outside the job, or that could not be written.
    BadPath { file: String },
    /// A staged file could not be moved into the job's `in/` folder.
    NotMoved { file: String, reason: String },
    /// A file name Windows cannot hold.
    WindowsName { file: String },
    /// More than `limit` files in one upload.
    TooManyFiles { limit: usize },
    /// One file larger than `limit` bytes.
    FileTooLarge { file: String, limit: u64 },
    /// The job's files together larger than `limit` bytes.
    JobTooLarge { limit: u64 },
    /// The job is waiting or running: its files and roster stay as they are until it ends.
    Running,
    /// The job's upload holds no roster that can be read, so its employees are not known.
    NoRoster,
    /// No employee of the job's roster has this passport number.
    NoEmployee { passport: String },
    /// Not an item of the employee's checklist (nor `photo`); `items` are the ones there are.
    NoItem { item: String, items: Vec<String> },
    /// A file sent for an employee without an `item` field before it.
    ItemMissing { file: String },
    /// A file whose type cannot be that item (a scan: PDF, JPEG or PNG; a photo: JPEG or
    /// PNG), by its name's extension.
    BadFileType { file: String, allowed: String },
    /// Two photos for one employee in one request.
    OnePhoto,
    /// A request to add files without a file.
    NoFiles,
    /// A roster chosen that is not one of the upload's spreadsheets.
    NotARoster { file: String },
    /// The server's own failure: the disk, a thread, random numbers.
    Internal { reason: String },
}

impl JobError {
    pub fn internal(reason: impl ToString) -> JobError {
        JobError::Internal {
            reason: reason.to_string(),
        }
    }

    /// The issue that says what happened, in both languages through the catalog.
    pub fn issue(&self) -> Issue {
        match self {
            JobError::NoJob => Issue::error(codes::SERVE_NO_JOB),
            JobError::Deleted => Issue::error(codes::SERVE_JOB_DELETED),
            JobError::QueueFull { waiting } => {
                Issue::error(codes::SERVE_QUEUE_FULL).arg("count", waiting)
            }
            JobError::NotYet => Issue::error(codes::SERVE_NOT_YET),
            JobError::BadForm { reason } => {
                Issue::error(codes::SERVE_BAD_FORM).arg("reason", reason)
            }
            JobError::BadField { field, value } => Issue::error(codes::SERVE_BAD_FIELD)
                .arg("field", field)
                .arg("value", value),
            JobError::FieldTooLarge { field, limit } => Issue::error(codes::SERVE_FIELD_TOO_LARGE)
                .arg("field", field)
                .arg("limit", limit),
            JobError::BadPath { file } => Issue::error(codes::SERVE_BAD_PATH).arg("file", file),
            JobError::NotMoved { file, reason } => Issue::error(codes::SERVE_BAD_PATH)
                .arg("file", file)
                .arg("reason", reason),
            JobError::WindowsName { file } => {
                Issue::error(codes::SERVE_WINDOWS_NAME).arg("file", file)
            }
            JobError::TooManyFiles { limit } => {
                Issue::error(codes::SERVE_TOO_MANY_FILES).arg("count", limit)
            }
            JobError::FileTooLarge { file, limit } => Issue::error(codes::SERVE_FILE_TOO_LARGE)
                .arg("file", file)
                .arg("limit", human_size(*limit)),
            JobError::JobTooLarge { limit } => {
                Issue::error(codes::SERVE_JOB_TOO_LARGE).arg("limit", human_size(*limit))
            }
            JobError::Running => Issue::error(codes::SERVE_JOB_RUNNING),
            JobError::NoRoster => Issue::error(codes::SERVE_NO_ROSTER),
            JobError::NoEmployee { passport } => {
                Issue::error(codes::SERVE_NO_EMPLOYEE).arg("passport", passport)
            }
            JobError::NoItem { item, items } => Issue::error(codes::SERVE_NO_ITEM)
                .arg("item", item)
                .arg("items", items.join(", ")),
            JobError::ItemMissing { file } => {
                Issue::error(codes::SERVE_ITEM_MISSING).arg("file", file)
            }
            JobError::BadFileType { file, allowed } => Issue::error(codes::SERVE_BAD_FILE_TYPE)
                .arg("file", file)
                .arg("allowed", allowed),
            JobError::OnePhoto => Issue::error(codes::SERVE_ONE_PHOTO),
            JobError::NoFiles => Issue::error(codes::SERVE_NO_FILES),
            JobError::NotARoster { file } => {
                Issue::error(codes::SERVE_NOT_A_ROSTER).arg("file", file)
            }
            JobError::Internal { reason } => {
                Issue::error(codes::SERVE_INTERNAL).arg("reason", reason)
            }
        }
    }
}
