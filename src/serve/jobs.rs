//! Jobs: one uploaded company folder each, in its own 0700 folder under `--data`
//! (`in/` the upload, `out/` what `Run` writes, `upload-*/` an upload being received). An
//! upload is checked against the limits of `limits.toml` `[serve]` and written to a staging
//! folder with the atomic write helpers; only a complete, valid upload is moved into `in/`,
//! so a refused one leaves nothing. Jobs wait in order for one of the cores (a fair
//! semaphore) and run `Run` on a blocking thread, telling their progress to whoever listens.
//! Jobs are deleted on request, or `--keep` after their last upload.

use super::config::Config;
use crate::catalog::Catalog;
use crate::issue::Issue;
use crate::limits::ServeLimits;
use crate::outcome::Status;
use crate::pipeline::Setup;
use crate::run::{FsInputs, FsSink, Progress, Run, RunError, RunInputs};
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::{Semaphore, watch};

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    Queued,
    Running,
    Done,
    Failed,
}

/// What the job runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Check,
    Build,
}

/// The choices sent with an upload (form fields beside the files).
#[derive(Debug, Clone)]
pub struct Settings {
    pub mode: Mode,
    pub lang: crate::catalog::Lang,
    /// `None`: today in China when the job runs.
    pub as_of: Option<NaiveDate>,
    /// The roster's path inside the upload, when the person chose one.
    pub roster: Option<String>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            mode: Mode::Build,
            lang: crate::catalog::Lang::Both,
            as_of: None,
            roster: None,
        }
    }
}

/// A job's state as `GET /api/jobs/{id}` gives it.
#[derive(Debug, Clone, Serialize)]
pub struct JobStatus {
    pub state: JobState,
    pub done: usize,
    pub total: usize,
    pub summary: Option<Value>,
    pub error: Option<Value>,
    /// The roster read (a path inside the upload) and the other candidates, when several.
    pub roster: Option<String>,
    pub roster_candidates: Vec<String>,
    pub mode: Mode,
    /// Runs finished so far (each upload starts one).
    pub runs: usize,
}

/// One job.
pub struct Job {
    pub id: String,
    pub dir: PathBuf,
    status: Mutex<JobStatus>,
    settings: Mutex<Settings>,
    /// Every progress event so far, as JSON; an event's id is its index.
    events: Mutex<Vec<(&'static str, String)>>,
    /// The number of events, for listeners to wait on.
    count: watch::Sender<usize>,
    touched: Mutex<Instant>,
    /// One run at a time per job: a second upload waits for the first run.
    run_lock: tokio::sync::Mutex<()>,
    /// The job's folder on disk: held by an upload from its staging folder to the move into
    /// `in/`, and by the deletion, so a deletion waits for an upload to stop (and removes
    /// what it wrote) instead of racing it.
    disk: tokio::sync::Mutex<()>,
    deleted: std::sync::atomic::AtomicBool,
    /// Flips to `true` when the job is deleted: an upload in flight stops at once and the
    /// progress streams end.
    gone: watch::Sender<bool>,
    /// A run was queued (an upload completed) at least once.
    started: std::sync::atomic::AtomicBool,
}

/// The most bytes of a form field beside the files (`mode`, `lang`, `as_of`, `roster`).
pub const MAX_FIELD_BYTES: usize = 1024;

/// A place in the queue, taken when an upload starts: an upload counts as a waiting job from
/// its first byte, so no more uploads than the queue holds are received at once, and the
/// ones beyond are refused before their body is read. Given back when dropped (the upload
/// failed), or handed to the run by [`Jobs::start`].
pub struct QueueSlot {
    queued: Arc<AtomicUsize>,
}

impl Drop for QueueSlot {
    fn drop(&mut self) {
        self.queued.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Job {
    pub fn input_dir(&self) -> PathBuf {
        self.dir.join("in")
    }
    pub fn out_dir(&self) -> PathBuf {
        self.dir.join("out")
    }

    pub fn status(&self) -> JobStatus {
        lock(&self.status).clone()
    }

    /// Events from index `from` on, and whether the job is settled (no run pending).
    pub fn events_from(&self, from: usize) -> Vec<(usize, &'static str, String)> {
        let events = lock(&self.events);
        events
            .iter()
            .enumerate()
            .skip(from)
            .map(|(i, (kind, data))| (i, *kind, data.clone()))
            .collect()
    }

    pub fn subscribe(&self) -> watch::Receiver<usize> {
        self.count.subscribe()
    }

    fn push(&self, kind: &'static str, data: Value) {
        let mut events = lock(&self.events);
        events.push((kind, data.to_string()));
        let n = events.len();
        drop(events);
        self.count.send_replace(n);
    }

    fn set_state(&self, state: JobState) {
        lock(&self.status).state = state;
        self.push("state", json!({"state": state}));
    }

    pub fn is_settled(&self) -> bool {
        matches!(self.status().state, JobState::Done | JobState::Failed)
    }

    pub fn is_deleted(&self) -> bool {
        self.deleted.load(Ordering::SeqCst)
    }

    /// Resolves when the job is deleted (at once if it already is).
    pub async fn deleted(&self) {
        let mut rx = self.gone.subscribe();
        let _ = rx.wait_for(|g| *g).await;
    }

    fn mark_deleted(&self) {
        self.deleted.store(true, Ordering::SeqCst);
        self.gone.send_replace(true);
    }

    fn touch(&self) {
        *lock(&self.touched) = Instant::now();
    }
}

/// What an upload to a job deleted meanwhile gets.
fn gone_refusal() -> Refusal {
    (StatusCode::NOT_FOUND, Issue::error("serve.job_deleted"))
}

/// `fut`, unless the job is deleted first.
async fn unless_deleted<T>(
    job: &Job,
    fut: impl std::future::Future<Output = T>,
) -> Result<T, Refusal> {
    tokio::select! {
        biased;
        () = job.deleted() => Err(gone_refusal()),
        v = fut => Ok(v),
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A refused request: the status and the issue that says why, in both languages.
pub type Refusal = (StatusCode, Issue);

/// All jobs, the queue and the limits.
pub struct Jobs {
    data: PathBuf,
    keep: Duration,
    limits: ServeLimits,
    setup: Arc<Setup>,
    map: Mutex<HashMap<String, Arc<Job>>>,
    cores: Arc<Semaphore>,
    workers: usize,
    queued: Arc<AtomicUsize>,
    running: Arc<AtomicUsize>,
}

impl Jobs {
    pub fn new(config: &Config) -> Jobs {
        Jobs {
            data: config.data.clone(),
            keep: config.keep,
            limits: config.limits.clone(),
            setup: config.setup.clone(),
            map: Mutex::new(HashMap::new()),
            cores: Arc::new(Semaphore::new(config.workers.max(1))),
            workers: config.workers.max(1),
            queued: Arc::new(AtomicUsize::new(0)),
            running: Arc::new(AtomicUsize::new(0)),
        }
    }

    pub fn limits(&self) -> &ServeLimits {
        &self.limits
    }

    pub fn get(&self, id: &str) -> Option<Arc<Job>> {
        lock(&self.map).get(id).cloned()
    }

    /// A place in the queue for an upload about to be received. Refused when as many jobs
    /// as the queue holds already wait or are being uploaded.
    pub fn reserve(&self) -> Result<QueueSlot, Refusal> {
        let max = self.limits.max_queued_jobs;
        self.queued
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < max).then_some(n + 1)
            })
            .map_err(|_| {
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    Issue::error("serve.queue_full").arg("count", max),
                )
            })?;
        Ok(QueueSlot {
            queued: self.queued.clone(),
        })
    }

    /// A new, empty job folder.
    pub fn create(&self) -> Result<Arc<Job>, Refusal> {
        let id = super::auth::random_hex().map_err(internal)?;
        let dir = self.data.join(&id);
        for d in [&dir, &dir.join("in"), &dir.join("out")] {
            crate::fsutil::create_output_dir(d, false).map_err(|e| internal(e.to_string()))?;
        }
        let (count, _) = watch::channel(0);
        let job = Arc::new(Job {
            id: id.clone(),
            dir,
            status: Mutex::new(JobStatus {
                state: JobState::Queued,
                done: 0,
                total: 0,
                summary: None,
                error: None,
                roster: None,
                roster_candidates: Vec::new(),
                mode: Mode::Build,
                runs: 0,
            }),
            settings: Mutex::new(Settings::default()),
            events: Mutex::new(Vec::new()),
            count,
            touched: Mutex::new(Instant::now()),
            run_lock: tokio::sync::Mutex::new(()),
            disk: tokio::sync::Mutex::new(()),
            deleted: false.into(),
            gone: watch::channel(false).0,
            started: false.into(),
        });
        lock(&self.map).insert(id, job.clone());
        Ok(job)
    }

    /// Deletes a job and everything of it on disk. An upload in flight is stopped first
    /// (it removes its staging folder), so nothing of the job is written after this returns;
    /// a run in progress removes the job's folder again when it ends.
    pub async fn delete(&self, id: &str) -> bool {
        let Some(job) = lock(&self.map).remove(id) else {
            return false;
        };
        job.mark_deleted();
        let _disk = job.disk.lock().await;
        let dir = job.dir.clone();
        let _ = tokio::task::spawn_blocking(move || std::fs::remove_dir_all(dir)).await;
        true
    }

    /// Deletes the jobs untouched for longer than `--keep` (settled ones, and those whose
    /// first upload never completed: a stalled upload counts from its last bytes), and job
    /// folders left by an earlier server that old. Returns how many folders went.
    pub async fn sweep(&self) -> usize {
        let mut gone = 0;
        let old: Vec<String> = lock(&self.map)
            .iter()
            .filter(|(_, j)| {
                (j.is_settled() || !j.started.load(Ordering::SeqCst))
                    && lock(&j.touched).elapsed() > self.keep
            })
            .map(|(id, _)| id.clone())
            .collect();
        for id in old {
            gone += usize::from(self.delete(&id).await);
        }
        let known: Vec<String> = lock(&self.map).keys().cloned().collect();
        let (data, keep) = (self.data.clone(), self.keep);
        gone + tokio::task::spawn_blocking(move || sweep_folders(&data, keep, &known))
            .await
            .unwrap_or(0)
    }

    /// At start: the staging folders (`upload-*`) an earlier server left in its job folders
    /// when it was killed during an upload. Their files were never accepted. Returns how
    /// many went.
    pub fn remove_stale_staging(&self) -> usize {
        let mut gone = 0;
        for job in job_folders(&self.data) {
            if lock(&self.map).contains_key(&job.0) {
                continue;
            }
            for e in std::fs::read_dir(&job.1).into_iter().flatten().flatten() {
                let is_staging = e.file_name().to_str().is_some_and(is_staging_name);
                // Never through a link: only a real folder of this job is removed.
                let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
                if is_staging && is_dir && std::fs::remove_dir_all(e.path()).is_ok() {
                    gone += 1;
                }
            }
        }
        gone
    }

    /// Queues a run of the job with its current files and settings, in the queue place
    /// its upload took.
    pub fn start(&self, job: Arc<Job>, settings: Settings, slot: QueueSlot) {
        *lock(&job.settings) = settings;
        job.touch();
        job.started.store(true, Ordering::SeqCst);
        {
            let mut s = lock(&job.status);
            s.done = 0;
            s.total = 0;
            s.error = None;
        }
        job.set_state(JobState::Queued);
        let cores = self.cores.clone();
        let running = self.running.clone();
        let workers = self.workers;
        let setup = self.setup.clone();
        tokio::spawn(async move {
            let _one_run = job.run_lock.lock().await;
            let permit = cores.acquire_owned().await;
            // Running (or deleted) now: no longer waiting.
            drop(slot);
            if job.deleted.load(Ordering::SeqCst) {
                return;
            }
            let now_running = running.fetch_add(1, Ordering::SeqCst) + 1;
            // The cores are shared among the jobs running now.
            let threads = workers.div_ceil(now_running).max(1);
            job.set_state(JobState::Running);
            let j = job.clone();
            let done = tokio::task::spawn_blocking(move || run_job(&j, &setup, threads)).await;
            running.fetch_sub(1, Ordering::SeqCst);
            drop(permit);
            let (state, result) = match done {
                Ok(Ok(summary)) => (JobState::Done, Ok(summary)),
                Ok(Err(error)) => (JobState::Failed, Err(error)),
                Err(_) => (
                    JobState::Failed,
                    Err(
                        json!({"code": "serve.internal", "en": "The run stopped on an internal error (a bug).", "zh": "运行因内部错误（程序缺陷）中止。"}),
                    ),
                ),
            };
            if job.deleted.load(Ordering::SeqCst) {
                let _ = std::fs::remove_dir_all(&job.dir);
                return;
            }
            {
                let mut s = lock(&job.status);
                s.runs += 1;
                match &result {
                    Ok(summary) => s.summary = Some(summary.clone()),
                    Err(e) => {
                        s.summary = None;
                        s.error = Some(e.clone());
                    }
                }
            }
            match result {
                Ok(summary) => job.push("summary", summary),
                Err(e) => job.push("error", e),
            }
            job.set_state(state);
        });
    }

    /// Receives an upload into a staging folder of the job, then moves it into `in/`, all
    /// under the job's disk lock. A deletion meanwhile stops it: it removes its staging
    /// folder and is refused, and the deletion then removes the rest.
    pub async fn receive(
        &self,
        job: &Job,
        mut form: axum::extract::Multipart,
    ) -> Result<Settings, Refusal> {
        let _disk = unless_deleted(job, job.disk.lock()).await?;
        if job.is_deleted() {
            return Err(gone_refusal());
        }
        let staging = job.dir.join(format!(
            "{STAGING_PREFIX}{}",
            super::auth::random_hex().map_err(internal)?
        ));
        // Not recursive: the job's own folder must still be there.
        create_staging(&staging).map_err(|e| internal(e.to_string()))?;
        let received = self.receive_into(job, &mut form, &staging).await;
        let result = match received {
            Ok(_) if job.is_deleted() => Err(gone_refusal()),
            Ok((settings, files)) => {
                let into = job.input_dir();
                let st = staging.clone();
                tokio::task::spawn_blocking(move || move_into(&st, &into, &files))
                    .await
                    .map_err(|e| internal(e.to_string()))
                    .and_then(|r| r)
                    .map(|()| settings)
            }
            Err(e) => Err(e),
        };
        let _ = tokio::fs::remove_dir_all(&staging).await;
        // Deleted during the move: the deletion, waiting for this lock, removes what moved.
        if job.is_deleted() {
            return Err(gone_refusal());
        }
        result
    }

    async fn receive_into(
        &self,
        job: &Job,
        form: &mut axum::extract::Multipart,
        staging: &Path,
    ) -> Result<(Settings, Vec<String>), Refusal> {
        let limits = &self.limits;
        let bad_form = |e: axum::extract::multipart::MultipartError| {
            (
                StatusCode::BAD_REQUEST,
                Issue::error("serve.bad_form").arg("reason", e.body_text()),
            )
        };
        let already = {
            let dir = job.input_dir();
            tokio::task::spawn_blocking(move || folder_bytes(&dir))
                .await
                .unwrap_or(0)
        };
        let mut total = already;
        let mut files: Vec<String> = Vec::new();
        let mut settings = lock(&job.settings).clone();
        while let Some(mut field) = unless_deleted(job, form.next_field())
            .await?
            .map_err(bad_form)?
        {
            job.touch();
            let name = field.name().unwrap_or("").to_string();
            if name != "file" {
                let text = unless_deleted(job, read_field(&mut field, &name)).await??;
                apply_field(&mut settings, &name, text.trim())?;
                continue;
            }
            let path = field.file_name().unwrap_or("").to_string();
            let rel = clean_upload_path(&path).ok_or_else(|| {
                (
                    StatusCode::BAD_REQUEST,
                    Issue::error("serve.bad_path").arg("file", shown_path(&path)),
                )
            })?;
            if !windows_safe(&rel) {
                return Err((
                    StatusCode::BAD_REQUEST,
                    Issue::error("serve.windows_name").arg("file", shown_path(&rel)),
                ));
            }
            if files.len() >= limits.max_files {
                return Err((
                    StatusCode::PAYLOAD_TOO_LARGE,
                    Issue::error("serve.too_many_files").arg("count", limits.max_files),
                ));
            }
            // Chunks go straight to the staged file: one upload never holds a whole file in
            // memory. `None` ends a complete file; a closed channel without it is a refusal,
            // and the helper then removes its temporary file.
            let (tx, rx) = tokio::sync::mpsc::channel::<Option<axum::body::Bytes>>(8);
            let st = staging.to_path_buf();
            let r = rel.clone();
            let writer = tokio::task::spawn_blocking(move || write_staged(&st, &r, rx));
            let mut size: u64 = 0;
            let received = async {
                while let Some(chunk) = unless_deleted(job, field.chunk())
                    .await?
                    .map_err(bad_form)?
                {
                    job.touch();
                    size += chunk.len() as u64;
                    if size > limits.max_file_bytes {
                        return Err((
                            StatusCode::PAYLOAD_TOO_LARGE,
                            Issue::error("serve.file_too_large")
                                .arg("file", &rel)
                                .arg("limit", crate::fsutil::human_size(limits.max_file_bytes)),
                        ));
                    }
                    if total + size > limits.max_job_bytes {
                        return Err((
                            StatusCode::PAYLOAD_TOO_LARGE,
                            Issue::error("serve.job_too_large")
                                .arg("limit", crate::fsutil::human_size(limits.max_job_bytes)),
                        ));
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
            // The writer is waited for even on a refusal, so nothing is written after the
            // staging folder is removed.
            let written = writer.await.map_err(|e| internal(e.to_string()))?;
            received?;
            written.map_err(|_| {
                (
                    StatusCode::BAD_REQUEST,
                    Issue::error("serve.bad_path").arg("file", &rel),
                )
            })?;
            total += size;
            files.retain(|f| f != &rel);
            files.push(rel);
        }
        Ok((settings, files))
    }

    /// Packet file names of a job's last build, sorted.
    pub fn packets(&self, job: &Job) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(job.out_dir().join("packets"))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.ends_with(".zip") && !crate::fsutil::is_temp_leftover(n))
            .collect();
        names.sort();
        names
    }

    /// The catalog, for refusals.
    pub fn catalog(&self) -> &Catalog {
        &self.setup.catalog
    }
}

/// A form field beside the files, refused beyond [`MAX_FIELD_BYTES`] (read in chunks: a
/// huge field is never held whole).
async fn read_field(
    field: &mut axum::extract::multipart::Field<'_>,
    name: &str,
) -> Result<String, Refusal> {
    let mut bytes = Vec::new();
    loop {
        let chunk = field.chunk().await.map_err(|e| {
            (
                StatusCode::BAD_REQUEST,
                Issue::error("serve.bad_form").arg("reason", e.body_text()),
            )
        })?;
        let Some(chunk) = chunk else { break };
        if bytes.len() + chunk.len() > MAX_FIELD_BYTES {
            return Err((
                StatusCode::PAYLOAD_TOO_LARGE,
                Issue::error("serve.field_too_large")
                    .arg("field", shown_path(name))
                    .arg("limit", MAX_FIELD_BYTES),
            ));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| {
        (
            StatusCode::BAD_REQUEST,
            Issue::error("serve.bad_field")
                .arg("field", shown_path(name))
                .arg("value", "(not UTF-8 text)"),
        )
    })
}

fn internal(reason: String) -> Refusal {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Issue::error("serve.internal").arg("reason", reason),
    )
}

/// The name of an upload's staging folder inside its job folder: this and 32 hex digits.
const STAGING_PREFIX: &str = "upload-";

fn is_staging_name(name: &str) -> bool {
    name.strip_prefix(STAGING_PREFIX)
        .is_some_and(|r| r.len() == 32 && r.bytes().all(|b| b.is_ascii_hexdigit()))
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

/// The folders of `data` shaped like job ids (`--data` may hold more), with their paths.
fn job_folders(data: &Path) -> Vec<(String, PathBuf)> {
    std::fs::read_dir(data)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let is_job = name.len() == 32 && name.bytes().all(|b| b.is_ascii_hexdigit());
            is_job.then(|| (name, e.path()))
        })
        .collect()
}

/// Removes the job folders not in `known` last changed longer than `keep` ago (left by an
/// earlier server). Returns how many went.
fn sweep_folders(data: &Path, keep: Duration, known: &[String]) -> usize {
    let mut gone = 0;
    for (name, path) in job_folders(data) {
        if known.contains(&name) {
            continue;
        }
        let age = std::fs::symlink_metadata(&path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| SystemTime::now().duration_since(t).ok());
        if age.is_some_and(|a| a > keep) && std::fs::remove_dir_all(&path).is_ok() {
            gone += 1;
        }
    }
    gone
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

/// A form field beside the files.
fn apply_field(settings: &mut Settings, name: &str, value: &str) -> Result<(), Refusal> {
    let bad = || {
        Err((
            StatusCode::BAD_REQUEST,
            Issue::error("serve.bad_field")
                .arg("field", name)
                .arg("value", crate::fsutil::truncate_bytes(value, 40)),
        ))
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
fn shown_path(raw: &str) -> String {
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
    mut chunks: tokio::sync::mpsc::Receiver<Option<axum::body::Bytes>>,
) -> Result<(), String> {
    use std::io::Write;
    let (dir, name) = match rel.rsplit_once('/') {
        Some((d, n)) => (staging.join(d), n),
        None => (staging.to_path_buf(), rel),
    };
    crate::fsutil::create_output_dir(&dir, false).map_err(|e| e.to_string())?;
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
    .map_err(|e| e.to_string())
}

/// Moves the staged files into `in/`, replacing files of the same path.
fn move_into(staging: &Path, into: &Path, files: &[String]) -> Result<(), Refusal> {
    for rel in files {
        let target = into.join(rel);
        if let Some(parent) = target.parent() {
            crate::fsutil::create_output_dir(parent, false).map_err(|e| {
                (
                    StatusCode::CONFLICT,
                    Issue::error("serve.bad_path")
                        .arg("file", rel)
                        .arg("reason", e.to_string()),
                )
            })?;
        }
        std::fs::rename(staging.join(rel), &target).map_err(|e| {
            (
                StatusCode::CONFLICT,
                Issue::error("serve.bad_path")
                    .arg("file", rel)
                    .arg("reason", e.to_string()),
            )
        })?;
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

/// The spreadsheets of an upload that may be the roster, best first, by the rule of
/// [`crate::roster::choose`] (shallowest, named like a roster, latest date in the name, a
/// workbook before its CSV export, newest).
pub fn roster_candidates(input: &Path, aliases: &crate::roster::ColumnAliases) -> Vec<String> {
    let files = crate::roster::spreadsheets_in(input);
    crate::roster::choose(files, &aliases.roster_file_words)
        .ranked
        .into_iter()
        .map(|f| f.path)
        .collect()
}

/// Tells the job's listeners how the run goes.
struct JobProgress<'a>(&'a Job);

impl Progress for JobProgress<'_> {
    fn start(&self, employees: usize) {
        lock(&self.0.status).total = employees;
        self.0.push("start", json!({"total": employees}));
    }
    fn employee_done(&self, index: usize, status: Status) {
        let (done, total) = {
            let mut s = lock(&self.0.status);
            s.done += 1;
            (s.done, s.total)
        };
        self.0.push(
            "employee",
            json!({"index": index, "status": status, "done": done, "total": total}),
        );
    }
}

/// One run of `Run` on the job's folders. `Err` is the bilingual message for the page.
fn run_job(job: &Job, setup: &Arc<Setup>, threads: usize) -> Result<Value, Value> {
    let settings = lock(&job.settings).clone();
    let input = job.input_dir();
    let candidates = roster_candidates(&input, &setup.aliases);
    let chosen = settings
        .roster
        .clone()
        .filter(|r| input.join(r).is_file())
        .or_else(|| candidates.first().cloned());
    {
        let mut s = lock(&job.status);
        s.roster = chosen.clone();
        s.roster_candidates = candidates.clone();
        s.mode = settings.mode;
    }
    let catalog = &setup.catalog;
    let Some(roster_rel) = chosen else {
        return Err(issue_json(
            catalog,
            &Issue::error("serve.no_roster"),
            &input,
        ));
    };
    let roster = input.join(&roster_rel);
    let beside = roster.parent().unwrap_or(&input).to_path_buf();
    let dir_if = |name: &str| {
        let p = beside.join(name);
        p.is_dir().then_some(p)
    };
    let inputs = FsInputs::new(roster, None, dir_if("photos"), dir_if("docs"));
    let as_of = settings.as_of.unwrap_or_else(crate::cli::today_in_china);
    let given = RunInputs {
        lang: settings.lang,
        jobs: threads,
        ..RunInputs::new(setup.clone(), inputs, as_of)
    };
    let sink = FsSink::new(job.out_dir());
    let progress = JobProgress(job);
    let done = Run::load(given).and_then(|run| match settings.mode {
        Mode::Build => run.build(&sink, &progress),
        Mode::Check => run.check(&sink, &progress),
    });
    match done {
        Ok(summary) => Ok(json!({
            "counts": summary.counts,
            "all_ready": summary.all_ready,
            "as_of": as_of.to_string(),
            "roster": roster_rel,
            "roster_candidates": candidates,
        })),
        Err(RunError::Input(issue) | RunError::Busy(issue)) => {
            Err(issue_json(catalog, &issue, &input))
        }
        Err(RunError::Failed(msg)) => Err(issue_json(
            catalog,
            &Issue::error("serve.run_failed").arg("reason", msg),
            &input,
        )),
    }
}

/// An issue as `{code, en, zh, action_en, action_zh, line}`, with the job folder's path cut
/// from the file names (the person knows their own folder, not the server's).
pub fn issue_json(catalog: &Catalog, issue: &Issue, input: &Path) -> Value {
    let prefix = format!("{}/", input.display());
    let t = catalog.text(issue);
    let cut = |s: &str| s.replace(&prefix, "");
    let line = |m: &str, a: &str| {
        format!("{m} {a}")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    json!({
        "code": issue.code,
        "en": cut(&t.message),
        "zh": cut(&t.message_zh),
        "action_en": cut(&t.action),
        "action_zh": cut(&t.action_zh),
        "line": cut(&format!("{} {}", line(&t.message_zh, &t.action_zh), line(&t.message, &t.action))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn the_roster_is_the_shallowest_named_workbook() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("company/photos")).unwrap();
        std::fs::create_dir_all(d.join("company/old")).unwrap();
        for f in [
            "company/roster_gbk.csv",
            "company/roster.xlsx",
            "company/list.xlsx",
            "company/old/roster.xlsx",
            "company/photos/x.csv",
            "company/~$roster.xlsx",
        ] {
            std::fs::write(d.join(f), b"x").unwrap();
        }
        let aliases =
            crate::roster::ColumnAliases::load(&crate::assets::Templates::builtin()).unwrap();
        assert_eq!(
            roster_candidates(d, &aliases),
            [
                "company/roster.xlsx",
                "company/roster_gbk.csv",
                "company/list.xlsx",
                "company/old/roster.xlsx"
            ]
        );
    }
}
