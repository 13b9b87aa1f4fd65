//! One job: its folder, its state and settings, the progress events of its runs, and the
//! locks and flags the upload, the runner and a deletion share.

use super::lock;
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;
use tokio::sync::watch;

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
    pub(super) status: Mutex<JobStatus>,
    pub(super) settings: Mutex<Settings>,
    /// Every progress event so far, as JSON; an event's id is its index.
    events: Mutex<Vec<(&'static str, String)>>,
    /// The number of events, for listeners to wait on.
    count: watch::Sender<usize>,
    pub(super) touched: Mutex<Instant>,
    /// One run at a time per job: a second upload waits for the first run.
    pub(super) run_lock: tokio::sync::Mutex<()>,
    /// The job's folder on disk: held by an upload from its staging folder to the move into
    /// `in/`, and by the deletion, so a deletion waits for an upload to stop (and removes
    /// what it wrote) instead of racing it.
    pub(super) disk: tokio::sync::Mutex<()>,
    deleted: AtomicBool,
    /// Flips to `true` when the job is deleted: an upload in flight stops at once and the
    /// progress streams end.
    gone: watch::Sender<bool>,
    /// A run was queued (an upload completed) at least once.
    pub(super) started: AtomicBool,
}

impl Job {
    /// A job of a new, empty folder `dir`.
    pub(super) fn new(id: String, dir: PathBuf) -> Job {
        Job {
            id,
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
            count: watch::channel(0).0,
            touched: Mutex::new(Instant::now()),
            run_lock: tokio::sync::Mutex::new(()),
            disk: tokio::sync::Mutex::new(()),
            deleted: false.into(),
            gone: watch::channel(false).0,
            started: false.into(),
        }
    }

    pub fn input_dir(&self) -> PathBuf {
        self.dir.join("in")
    }
    pub fn out_dir(&self) -> PathBuf {
        self.dir.join("out")
    }

    pub fn status(&self) -> JobStatus {
        lock(&self.status).clone()
    }

    /// Events from index `from` on, with their ids.
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

    pub(super) fn push(&self, kind: &'static str, data: Value) {
        let mut events = lock(&self.events);
        events.push((kind, data.to_string()));
        let n = events.len();
        drop(events);
        self.count.send_replace(n);
    }

    pub(super) fn set_state(&self, state: JobState) {
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

    pub(super) fn mark_deleted(&self) {
        self.deleted.store(true, Ordering::SeqCst);
        self.gone.send_replace(true);
    }

    pub(super) fn touch(&self) {
        *lock(&self.touched) = Instant::now();
    }

    /// Packet file names of the job's last build, sorted.
    pub fn packets(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.out_dir().join("packets"))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.ends_with(".zip") && !crate::fsutil::is_temp_leftover(n))
            .collect();
        names.sort();
        names
    }
}
