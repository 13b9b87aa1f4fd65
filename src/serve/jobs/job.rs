//! One job: its folder, its state and settings, the progress events of its runs, and the
//! locks and flags the upload, the runner and a deletion share. A job keeps itself on disk
//! (`job.json` in its folder: id, times, settings, state, last summary), so that a restarted
//! server serves it again ([`Job::restore`]).

use super::lock;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};
use tokio::sync::watch;

/// The file a job is kept in, inside its folder.
const JOB_FILE: &str = "job.json";

/// The largest `job.json` read back: a status with its summary is a few KB.
const MAX_JOB_FILE_BYTES: u64 = 1 << 20;

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    Queued,
    Running,
    Done,
    Failed,
}

/// What the job runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Check,
    Build,
}

/// The choices sent with an upload (form fields beside the files).
#[derive(Debug, Clone, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JobStatus {
    pub state: JobState,
    pub done: usize,
    pub total: usize,
    pub summary: Option<Value>,
    pub error: Option<Value>,
    /// The roster read (a path inside the upload) and the other candidates, best first by
    /// [`crate::roster::choose`].
    pub roster: Option<String>,
    pub roster_candidates: Vec<String>,
    /// Why that roster was read (`{code, en, zh, ...}`: the chooser's reason, or the
    /// person's choice).
    #[serde(default)]
    pub roster_reason: Option<Value>,
    pub mode: Mode,
    /// Runs finished so far (each upload starts one).
    pub runs: usize,
}

/// A job as `job.json` keeps it.
#[derive(Debug, Serialize, Deserialize)]
struct Saved {
    id: String,
    /// Seconds since 1970 (UTC).
    created: u64,
    /// When the job was last uploaded to (what `--keep` counts from), in seconds since 1970.
    touched: u64,
    settings: Settings,
    status: JobStatus,
}

fn secs(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn from_secs(s: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(s)
}

/// One job.
pub struct Job {
    pub id: String,
    pub dir: PathBuf,
    pub created: SystemTime,
    pub(super) status: Mutex<JobStatus>,
    pub(super) settings: Mutex<Settings>,
    /// Every progress event so far, as JSON; an event's id is its index.
    events: Mutex<Vec<(&'static str, String)>>,
    /// The number of events, for listeners to wait on.
    count: watch::Sender<usize>,
    /// The last upload (or bytes of one): what `--keep` counts from.
    pub(super) touched: Mutex<SystemTime>,
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
    /// Held while `job.json` is written, so a deletion waits for a write in progress.
    pub(super) saving: Mutex<()>,
}

impl Job {
    /// A job of a new, empty folder `dir`.
    pub(super) fn new(id: String, dir: PathBuf) -> Job {
        Job {
            id,
            dir,
            created: SystemTime::now(),
            status: Mutex::new(JobStatus {
                state: JobState::Queued,
                done: 0,
                total: 0,
                summary: None,
                error: None,
                roster: None,
                roster_candidates: Vec::new(),
                roster_reason: None,
                mode: Mode::Build,
                runs: 0,
            }),
            settings: Mutex::new(Settings::default()),
            events: Mutex::new(Vec::new()),
            count: watch::channel(0).0,
            touched: Mutex::new(SystemTime::now()),
            run_lock: tokio::sync::Mutex::new(()),
            disk: tokio::sync::Mutex::new(()),
            deleted: false.into(),
            gone: watch::channel(false).0,
            started: false.into(),
            saving: Mutex::new(()),
        }
    }

    /// The job kept in `dir/job.json` by an earlier server, with the progress events a page
    /// needs to show it (its summary or error, then its state). A job that was waiting or
    /// running when that server stopped comes back failed, with `interrupted` as its error.
    /// `None` when there is no readable `job.json` for a job of that folder's name.
    pub(super) fn restore(dir: PathBuf, interrupted: impl FnOnce() -> Value) -> Option<Job> {
        let bytes = crate::fsutil::read_input(&dir.join(JOB_FILE), MAX_JOB_FILE_BYTES).ok()?;
        let saved: Saved = serde_json::from_slice(&bytes).ok()?;
        if dir.file_name().and_then(|n| n.to_str()) != Some(saved.id.as_str()) {
            return None;
        }
        let job = Job::new(saved.id, dir);
        let mut status = saved.status;
        if matches!(status.state, JobState::Queued | JobState::Running) {
            status.state = JobState::Failed;
            status.summary = None;
            status.error = Some(interrupted());
        }
        let state = status.state;
        match (&status.summary, &status.error) {
            (Some(summary), _) if state == JobState::Done => job.push("summary", summary.clone()),
            (_, Some(error)) => job.push("error", error.clone()),
            _ => {}
        }
        *lock(&job.status) = status;
        *lock(&job.settings) = saved.settings;
        *lock(&job.touched) = from_secs(saved.touched);
        job.started.store(true, Ordering::SeqCst);
        let job = Job {
            created: from_secs(saved.created),
            ..job
        };
        job.set_state(state);
        Some(job)
    }

    /// Writes `job.json` (a temporary file, then a rename: a reader sees the old or the new
    /// one whole). Not forced to disk: a power cut may lose the last state, never the file.
    /// Nothing is written for a deleted job; a failure only means a restarted server will
    /// not know the job.
    pub(super) fn save(&self) {
        let _one = lock(&self.saving);
        if self.is_deleted() {
            return;
        }
        let saved = Saved {
            id: self.id.clone(),
            created: secs(self.created),
            touched: secs(*lock(&self.touched)),
            settings: lock(&self.settings).clone(),
            status: self.status(),
        };
        let Ok(bytes) = serde_json::to_vec_pretty(&saved) else {
            return;
        };
        use std::io::Write;
        let written = crate::fsutil::write_atomic_durable(
            &self.dir,
            JOB_FILE,
            crate::fsutil::Durability::Later,
            |w| w.write_all(&bytes),
        );
        if let Err(e) = written {
            tracing::warn!("job {}: cannot keep its state on disk: {e}", self.id);
        }
    }

    /// The line of the page's list of jobs: `{id, created, state, mode, roster, company,
    /// counts, runs}` (`created` in seconds since 1970).
    pub fn entry(&self) -> Value {
        let s = self.status();
        let summary = s.summary.as_ref();
        json!({
            "id": self.id,
            "created": secs(self.created),
            "state": s.state,
            "mode": s.mode,
            "roster": s.roster,
            "company": summary.and_then(|v| v.get("company")).cloned(),
            "counts": summary.and_then(|v| v.get("counts")).cloned(),
            "runs": s.runs,
        })
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

    /// Sets the state, tells the listeners, and keeps the job on disk.
    pub(super) fn set_state(&self, state: JobState) {
        lock(&self.status).state = state;
        self.push("state", json!({"state": state}));
        self.save();
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
        *lock(&self.touched) = SystemTime::now();
    }

    /// How long ago the job was last uploaded to.
    pub(super) fn idle(&self) -> Duration {
        SystemTime::now()
            .duration_since(*lock(&self.touched))
            .unwrap_or_default()
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
