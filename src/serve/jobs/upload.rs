//! Receiving an upload into a job. The parts of the form are checked against the limits of
//! `limits.toml` `[serve]` as they come and streamed to a staging folder of the job
//! (`upload-*`, with the atomic write helpers), all under the job's disk lock; only a
//! complete, valid upload is moved into `in/`, so a refused one leaves nothing. A deletion
//! meanwhile stops it. The form is anything that gives parts and chunks ([`Form`]): the
//! server hands in its multipart body, the tests a list in memory.

use super::{Job, JobError, Mode, Settings, lock};
use crate::limits::ServeLimits;
use bytes::Bytes;
use chrono::NaiveDate;
use std::future::Future;
use std::path::Path;
use std::time::{Duration, SystemTime};

/// The most bytes of a form field beside the files (`mode`, `lang`, `as_of`, `roster`).
pub const MAX_FIELD_BYTES: usize = 1024;

/// An upload form: named parts one after another, a file part with the file's path.
pub trait Form: Send {
    type Part<'a>: Part
    where
        Self: 'a;
    /// The next part, `None` after the last. `Err` says why the form cannot be read
    /// ([`JobError::BadForm`]).
    fn next_part(
        &mut self,
    ) -> impl Future<Output = Result<Option<Self::Part<'_>>, JobError>> + Send;
}

/// One part of a [`Form`].
pub trait Part: Send {
    /// The form field's name (`file` for a file).
    fn name(&self) -> &str;
    /// The path of a file inside the dropped folder, as the browser sent it.
    fn file_name(&self) -> &str;
    /// The next piece of the part's bytes, `None` at its end. `Err` says why the form
    /// cannot be read ([`JobError::BadForm`]).
    fn chunk(&mut self) -> impl Future<Output = Result<Option<Bytes>, JobError>> + Send;
}

/// Receives an upload into a staging folder of the job, then moves it into `in/`, all
/// under the job's disk lock, and returns the settings sent with it. A deletion meanwhile
/// stops it: it removes its staging folder and is refused, and the deletion then removes
/// the rest.
pub async fn receive(
    job: &Job,
    form: &mut impl Form,
    limits: &ServeLimits,
) -> Result<Settings, JobError> {
    let _disk = unless_deleted(job, job.disk.lock()).await?;
    if job.is_deleted() {
        return Err(JobError::Deleted);
    }
    let staging = new_staging(job)?;
    let received = receive_into(job, form, &staging, limits).await;
    let result = match received {
        Ok(_) if job.is_deleted() => Err(JobError::Deleted),
        Ok(got) => {
            let into = job.input_dir();
            let st = staging.clone();
            tokio::task::spawn_blocking(move || {
                move_into(&st, &into, &got.files)?;
                set_modified(&into, &got.files, &got.modified);
                Ok(got.settings)
            })
            .await
            .map_err(JobError::internal)
            .and_then(|r| r)
        }
        Err(e) => Err(e),
    };
    let _ = tokio::fs::remove_dir_all(&staging).await;
    // Deleted during the move: the deletion, waiting for this lock, removes what moved.
    if job.is_deleted() {
        return Err(JobError::Deleted);
    }
    result
}

/// What an upload brought: the settings, the files' paths (in the order received, each
/// once), and the modification times the browser gave.
struct Received {
    settings: Settings,
    files: Vec<String>,
    modified: Vec<(String, SystemTime)>,
}

/// The bytes of the job's upload so far.
pub(super) async fn job_bytes(job: &Job) -> u64 {
    let dir = job.input_dir();
    tokio::task::spawn_blocking(move || folder_bytes(&dir))
        .await
        .unwrap_or(0)
}

/// Reads every part into `staging`: form fields into the settings, files into staged
/// files.
async fn receive_into(
    job: &Job,
    form: &mut impl Form,
    staging: &Path,
    limits: &ServeLimits,
) -> Result<Received, JobError> {
    let mut total = job_bytes(job).await;
    let mut files: Vec<String> = Vec::new();
    let mut modified = Vec::new();
    let mut settings = lock(&job.settings).clone();
    while let Some(mut part) = unless_deleted(job, form.next_part()).await?? {
        job.touch();
        let name = part.name().to_string();
        if name != "file" {
            let text = unless_deleted(job, read_field(&mut part, &name)).await??;
            if name == "modified" {
                modified.push(modified_field(text.trim())?);
            } else {
                apply_field(&mut settings, &name, text.trim())?;
            }
            continue;
        }
        let path = part.file_name().to_string();
        let rel = clean_upload_path(&path).ok_or_else(|| JobError::BadPath {
            file: shown_path(&path),
        })?;
        if !windows_safe(&rel) {
            return Err(JobError::WindowsName {
                file: shown_path(&rel),
            });
        }
        if files.len() >= limits.max_files {
            return Err(JobError::TooManyFiles {
                limit: limits.max_files,
            });
        }
        total += receive_file(job, &mut part, staging, &rel, total, limits).await?;
        files.retain(|f| f != &rel);
        files.push(rel);
    }
    Ok(Received {
        settings,
        files,
        modified,
    })
}

/// A `modified` field: `<milliseconds since 1970> <path>`, the time the person's computer
/// last changed a file of the upload (a browser sends it beside the file; the upload itself
/// does not carry it). Choosing the roster by "newest" needs it.
fn modified_field(value: &str) -> Result<(String, SystemTime), JobError> {
    let bad = || JobError::BadField {
        field: "modified".into(),
        value: crate::fsutil::truncate_bytes(value, 40).to_string(),
    };
    let (ms, path) = value.split_once(' ').ok_or_else(bad)?;
    let ms: u64 = ms.parse().map_err(|_| bad())?;
    let path = clean_upload_path(path).ok_or_else(bad)?;
    Ok((path, SystemTime::UNIX_EPOCH + Duration::from_millis(ms)))
}

/// Gives the files just moved into `into` the modification times the browser sent; a time
/// for a file not in this upload is ignored.
fn set_modified(into: &Path, files: &[String], modified: &[(String, SystemTime)]) {
    for (rel, time) in modified {
        if !files.contains(rel) {
            continue;
        }
        let file = std::fs::File::options().write(true).open(into.join(rel));
        if let Ok(f) = file {
            let _ = f.set_modified(*time);
        }
    }
}

/// Streams one file part to its staged file; returns its size. `total` is the job's bytes
/// so far.
pub(super) async fn receive_file(
    job: &Job,
    part: &mut impl Part,
    staging: &Path,
    rel: &str,
    total: u64,
    limits: &ServeLimits,
) -> Result<u64, JobError> {
    // Chunks go straight to the staged file: one upload never holds a whole file in
    // memory. `None` ends a complete file; a closed channel without it is a refusal, and
    // the helper then removes its temporary file.
    let (tx, rx) = tokio::sync::mpsc::channel::<Option<Bytes>>(8);
    let st = staging.to_path_buf();
    let r = rel.to_string();
    let writer = tokio::task::spawn_blocking(move || write_staged(&st, &r, rx));
    let mut size: u64 = 0;
    let received = async {
        while let Some(chunk) = unless_deleted(job, part.chunk()).await?? {
            job.touch();
            size += chunk.len() as u64;
            if size > limits.max_file_bytes {
                return Err(JobError::FileTooLarge {
                    file: rel.to_string(),
                    limit: limits.max_file_bytes,
                });
            }
            if total + size > limits.max_job_bytes {
                return Err(JobError::JobTooLarge {
                    limit: limits.max_job_bytes,
                });
            }
            if tx.send(Some(chunk)).await.is_err() {
                break;
            }
        }
        let _ = tx.send(None).await;
        Ok(())
    }
    .await;
    drop(tx);
    // The writer is waited for even on a refusal, so nothing is written after the staging
    // folder is removed.
    let written = writer.await.map_err(JobError::internal)?;
    received?;
    written.map_err(|_| JobError::BadPath {
        file: rel.to_string(),
    })?;
    Ok(size)
}

/// `fut`, unless the job is deleted first.
pub(super) async fn unless_deleted<T>(
    job: &Job,
    fut: impl Future<Output = T>,
) -> Result<T, JobError> {
    tokio::select! {
        biased;
        () = job.deleted() => Err(JobError::Deleted),
        v = fut => Ok(v),
    }
}

/// A form field beside the files, refused beyond [`MAX_FIELD_BYTES`] (read in chunks: a
/// huge field is never held whole).
pub(super) async fn read_field(part: &mut impl Part, name: &str) -> Result<String, JobError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = part.chunk().await? {
        if bytes.len() + chunk.len() > MAX_FIELD_BYTES {
            return Err(JobError::FieldTooLarge {
                field: shown_path(name),
                limit: MAX_FIELD_BYTES,
            });
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| JobError::BadField {
        field: shown_path(name),
        value: "(not UTF-8 text)".into(),
    })
}

/// A form field beside the files.
fn apply_field(settings: &mut Settings, name: &str, value: &str) -> Result<(), JobError> {
    let bad = || {
        Err(JobError::BadField {
            field: name.to_string(),
            value: crate::fsutil::truncate_bytes(value, 40).to_string(),
        })
    };
    match name {
        "mode" => match value {
            "check" => settings.mode = Mode::Check,
            "build" => settings.mode = Mode::Build,
            _ => return bad(),
        },
        "lang" => match value {
            "zh" => settings.lang = crate::catalog::Lang::Zh,
            "en" => settings.lang = crate::catalog::Lang::En,
            "both" | "" => settings.lang = crate::catalog::Lang::Both,
            _ => return bad(),
        },
        "as_of" => {
            settings.as_of = if value.is_empty() {
                None
            } else {
                match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
                    Ok(d) => Some(d),
                    Err(_) => return bad(),
                }
            }
        }
        "roster" => match clean_upload_path(value) {
            Some(p) => settings.roster = Some(p),
            None if value.is_empty() => settings.roster = None,
            None => return bad(),
        },
        _ => return bad(),
    }
    Ok(())
}

/// The name of an upload's staging folder inside its job folder: this and 32 hex digits.
const STAGING_PREFIX: &str = "upload-";

pub(super) fn is_staging_name(name: &str) -> bool {
    name.strip_prefix(STAGING_PREFIX)
        .is_some_and(|r| r.len() == 32 && r.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A new staging folder (0700) of the job, for an upload being received.
pub(super) fn new_staging(job: &Job) -> Result<std::path::PathBuf, JobError> {
    let staging = job.dir.join(format!(
        "{STAGING_PREFIX}{}",
        crate::serve::random::random_hex().map_err(JobError::internal)?
    ));
    // Not recursive: the job's own folder must still be there.
    create_staging(&staging).map_err(JobError::internal)?;
    Ok(staging)
}

/// Creates a staging folder (0700) inside an existing job folder, never the job folder.
fn create_staging(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Whether a clean upload path (see [`clean_upload_path`]) can be kept on Windows, so that
/// a job folder copied there works. Refused: a part named as a device (`CON`, `PRN`, `AUX`,
/// `NUL`, `COM0`-`COM9`, `LPT0`-`LPT9` and the superscript `COM¹`..., with any extension:
/// `NUL.txt`, `aux.tar.gz`), a part ending in a dot or a space, the characters
/// `< > : " | ? *`.
pub fn windows_safe(rel: &str) -> bool {
    rel.split('/').all(|part| {
        if part.chars().any(|c| "<>:\"|?*".contains(c)) {
            return false;
        }
        if part.ends_with('.') || part.trim_end() != part {
            return false;
        }
        // Windows reads the device in what comes before the first dot, spaces cut.
        let stem = part.split('.').next().unwrap_or(part).trim_end();
        let upper = stem.to_ascii_uppercase();
        let numbered = ["COM", "LPT"].iter().any(|p| {
            upper.strip_prefix(p).is_some_and(|n| {
                (n.len() == 1 && n.as_bytes()[0].is_ascii_digit()) || matches!(n, "¹" | "²" | "³")
            })
        });
        !(numbered || ["CON", "PRN", "AUX", "NUL"].contains(&upper.as_str()))
    })
}

/// An upload's path inside the dropped folder, as `a/b/c` with `/` separators; `None` for a
/// path that could reach outside the job: `..`, an absolute path, a drive letter or a
/// Windows stream (`:`), a backslash, a NUL or another control character, an empty or `.`
/// part, a part starting with white space, or a part too long for a file system.
pub fn clean_upload_path(raw: &str) -> Option<String> {
    if raw.is_empty() || raw.len() > 1024 || raw.starts_with('/') {
        return None;
    }
    if raw.chars().any(|c| c == '\\' || c == ':' || c.is_control()) {
        return None;
    }
    let parts: Vec<&str> = raw.split('/').collect();
    if parts.len() > 16 {
        return None;
    }
    for p in &parts {
        // A trailing space is refused by `windows_safe`, with its own message.
        if p.is_empty() || *p == "." || *p == ".." || p.len() > 255 || p.trim_start() != *p {
            return None;
        }
    }
    Some(parts.join("/"))
}

/// A refused path for a message: printable characters only, cut short.
pub(super) fn shown_path(raw: &str) -> String {
    let clean: String = raw
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    crate::fsutil::truncate_bytes(&clean, 120).to_string()
}

/// Writes one uploaded file under the staging folder (atomically, folders 0700).
fn write_staged(
    staging: &Path,
    rel: &str,
    mut chunks: tokio::sync::mpsc::Receiver<Option<Bytes>>,
) -> Result<(), crate::fsutil::WriteError> {
    use std::io::Write;
    let (dir, name) = match rel.rsplit_once('/') {
        Some((d, n)) => (staging.join(d), n),
        None => (staging.to_path_buf(), rel),
    };
    crate::fsutil::create_output_dir(&dir, false).map_err(|source| crate::fsutil::WriteError {
        path: dir.clone(),
        source,
    })?;
    crate::fsutil::write_atomic_with(&dir, name, |w| {
        loop {
            match chunks.blocking_recv() {
                Some(Some(chunk)) => w.write_all(&chunk)?,
                Some(None) => return Ok(()),
                None => {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::Interrupted,
                        "the upload was refused",
                    ));
                }
            }
        }
    })
    .map(|_| ())
}

/// Moves the staged files into `in/`, replacing files of the same path.
fn move_into(staging: &Path, into: &Path, files: &[String]) -> Result<(), JobError> {
    let not_moved = |rel: &str, e: std::io::Error| JobError::NotMoved {
        file: rel.to_string(),
        reason: e.to_string(),
    };
    for rel in files {
        let target = into.join(rel);
        if let Some(parent) = target.parent() {
            crate::fsutil::create_output_dir(parent, false).map_err(|e| not_moved(rel, e))?;
        }
        std::fs::rename(staging.join(rel), &target).map_err(|e| not_moved(rel, e))?;
    }
    Ok(())
}

/// Bytes of every file under `dir` (links not followed).
fn folder_bytes(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(e.path()),
                Ok(t) if t.is_file() => total += e.metadata().map_or(0, |m| m.len()),
                _ => {}
            }
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::collections::VecDeque;

    /// An upload form in memory: the parts in order, each with its bytes in chunks.
    struct Memory(VecDeque<Piece>);

    struct Piece {
        name: &'static str,
        file: &'static str,
        chunks: VecDeque<Bytes>,
    }

    fn piece(name: &'static str, file: &'static str, chunks: &[&'static [u8]]) -> Piece {
        let chunks = chunks.iter().map(|c| Bytes::from_static(c)).collect();
        Piece { name, file, chunks }
    }

    impl Form for Memory {
        type Part<'a> = Piece;
        async fn next_part(&mut self) -> Result<Option<Piece>, JobError> {
            Ok(self.0.pop_front())
        }
    }

    impl Part for Piece {
        fn name(&self) -> &str {
            self.name
        }
        fn file_name(&self) -> &str {
            self.file
        }
        async fn chunk(&mut self) -> Result<Option<Bytes>, JobError> {
            Ok(self.chunks.pop_front())
        }
    }

    /// What is in a folder, as sorted relative paths (folders end in `/`).
    fn listing(dir: &Path) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
                if e.file_type().unwrap().is_dir() {
                    out.push(format!("{rel}/"));
                    stack.push(e.path());
                } else {
                    out.push(rel);
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn an_upload_is_moved_in_whole_or_not_at_all() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("0".repeat(32));
        for d in [dir.join("in"), dir.join("out")] {
            std::fs::create_dir_all(d).unwrap();
        }
        let job = Job::new("0".repeat(32), dir.clone());
        let limits = ServeLimits {
            max_job_bytes: 100,
            max_file_bytes: 10,
            max_files: 4,
            max_queued_jobs: 1,
        };
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let mut good = Memory(VecDeque::from([
            piece("mode", "", &[b"check"]),
            piece("file", "company/roster.csv", &[b"a,b\n", b"1,2\n"]),
            piece("file", "company/docs/E1/passport.pdf", &[b"%PDF"]),
        ]));
        let settings = rt.block_on(receive(&job, &mut good, &limits)).unwrap();
        assert_eq!(settings.mode, Mode::Check);
        let moved = [
            "in/",
            "in/company/",
            "in/company/docs/",
            "in/company/docs/E1/",
            "in/company/docs/E1/passport.pdf",
            "in/company/roster.csv",
            "out/",
        ];
        assert_eq!(listing(&dir), moved);
        assert_eq!(
            std::fs::read(dir.join("in/company/roster.csv")).unwrap(),
            b"a,b\n1,2\n"
        );
        // The second file of this upload is over the limit: nothing of it is kept.
        let mut big = Memory(VecDeque::from([
            piece("file", "company/photos/E1.jpg", &[b"jpeg"]),
            piece("file", "company/docs/E1/scan.pdf", &[b"0123456789", b"!"]),
        ]));
        let refused = rt.block_on(receive(&job, &mut big, &limits)).unwrap_err();
        let file = "company/docs/E1/scan.pdf".to_string();
        assert_eq!(refused, JobError::FileTooLarge { file, limit: 10 });
        assert_eq!(listing(&dir), moved);
        let mut bad = Memory(VecDeque::from([piece("file", "../escape.csv", &[b"x"])]));
        let refused = rt.block_on(receive(&job, &mut bad, &limits)).unwrap_err();
        let file = "../escape.csv".to_string();
        assert_eq!(refused, JobError::BadPath { file });
        assert_eq!(listing(&dir), moved);
    }

    #[test]
    fn upload_paths_that_could_leave_the_job_are_refused() {
        for bad in [
            "",
            "../x",
            "a/../../x",
            "/etc/passwd",
            "C:/x",
            "C:x",
            "a\\..\\x",
            "..\\x",
            "a/\0b",
            "a//b",
            "./a",
            "a/.",
            "roster.xlsx:stream",
            " a/b",
            "a\nb",
        ] {
            assert_eq!(clean_upload_path(bad), None, "{bad:?}");
        }
        assert_eq!(
            clean_upload_path("docs/E123/护照 passport.pdf").as_deref(),
            Some("docs/E123/护照 passport.pdf")
        );
        assert_eq!(
            clean_upload_path("roster.xlsx").as_deref(),
            Some("roster.xlsx")
        );
    }

    #[test]
    fn names_windows_cannot_hold_are_refused() {
        for bad in [
            "CON",
            "con",
            "NUL.txt",
            "docs/E1/aux.pdf",
            "COM1",
            "lpt9.tar.gz",
            "COM\u{b9}.pdf",
            "PRN .txt",
            "docs/E1./x.pdf",
            "x.pdf.",
            "docs/a /x.pdf",
            "a<b.pdf",
            "a>b",
            "a\"b",
            "a|b",
            "a?b",
            "a*b",
        ] {
            assert!(!windows_safe(bad), "{bad:?}");
        }
        for good in [
            "roster.xlsx",
            "docs/E1/Passport bio page.jpg",
            "CONTRACT.pdf",
            "console.txt",
            "COM10.pdf",
            "LPT.pdf",
            "nul_scan.pdf",
            "docs/E123/护照 passport.pdf",
            ".hidden",
        ] {
            assert!(windows_safe(good), "{good:?}");
        }
    }
}
