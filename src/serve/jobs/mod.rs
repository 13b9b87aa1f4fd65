//! Jobs: one uploaded company folder each, in its own 0700 folder under `--data` (`in/` the
//! upload, `out/` what `Run` writes, `upload-*/` an upload being received, `job.json` the job
//! kept for a restarted server). [`registry`] keeps the job table, [`upload`] receives an
//! upload and moves it in, [`add`] puts files HR adds for one employee where the run reads
//! them, [`runner`] queues and runs `Run`. What they refuse is a [`JobError`]: nothing here
//! knows of HTTP.

pub mod add;
mod error;
mod job;
pub mod registry;
pub mod runner;
pub mod upload;

pub use add::Added;
pub use error::JobError;
pub use job::{Job, JobState, JobStatus, Mode, Settings};
pub use registry::Registry;
pub use runner::{QueueSlot, Runner};
pub use upload::{Form, MAX_FIELD_BYTES, Part, clean_upload_path, windows_safe};

use super::config::Config;
use crate::catalog::Catalog;
use crate::codes;
use crate::issue::Issue;
use crate::limits::ServeLimits;
use crate::run::Setup;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// All jobs, the queue and the upload limits: what the routes call.
pub struct Jobs {
    registry: Registry,
    runner: Runner,
    limits: ServeLimits,
    setup: Arc<Setup>,
    data: PathBuf,
}

impl Jobs {
    pub fn new(config: &Config) -> Jobs {
        Jobs {
            registry: Registry::new(config.data.clone(), config.keep),
            runner: Runner::new(
                config.setup.clone(),
                config.workers,
                config.limits.max_queued_jobs,
            ),
            limits: config.limits.clone(),
            setup: config.setup.clone(),
            data: config.data.clone(),
        }
    }

    pub fn limits(&self) -> &ServeLimits {
        &self.limits
    }

    /// The job of `id`, or [`JobError::NoJob`].
    pub fn find(&self, id: &str) -> Result<Arc<Job>, JobError> {
        self.registry.find(id)
    }

    /// A place in the queue for an upload about to be received ([`Runner::reserve`]).
    pub fn reserve(&self) -> Result<QueueSlot, JobError> {
        self.runner.reserve()
    }

    /// A new job with an empty folder.
    pub fn create(&self) -> Result<Arc<Job>, JobError> {
        self.registry.create()
    }

    /// Receives an upload into the job ([`upload::receive`]).
    pub async fn receive(&self, job: &Job, form: &mut impl Form) -> Result<Settings, JobError> {
        upload::receive(job, form, &self.limits).await
    }

    /// Receives files for one employee and puts each where the run reads it ([`add::add`]).
    pub async fn add(
        &self,
        job: &Arc<Job>,
        passport: &str,
        form: &mut impl Form,
    ) -> Result<(Settings, Vec<Added>), JobError> {
        add::add(job, &self.setup, passport, form, &self.limits).await
    }

    /// The roster the job's next run reads: with `Some(Some(path))` one of the upload's
    /// spreadsheets, with `Some(None)` the one [`crate::roster::choose`] ranks first, with
    /// `None` the same as before. Returns the settings for that run. Refused while the job
    /// waits or runs, and for a file that is not one of the candidates.
    pub async fn choose_roster(
        &self,
        job: &Job,
        change: Option<Option<String>>,
    ) -> Result<Settings, JobError> {
        let _disk = job.disk.lock().await;
        if job.is_deleted() {
            return Err(JobError::Deleted);
        }
        if !job.is_settled() {
            return Err(JobError::Running);
        }
        let mut settings = lock(&job.settings).clone();
        let Some(roster) = change else {
            return Ok(settings);
        };
        if let Some(r) = &roster {
            let input = job.input_dir();
            let setup = self.setup.clone();
            let ranked = tokio::task::spawn_blocking(move || {
                runner::roster_choice(&input, &setup.aliases).ranked
            })
            .await
            .map_err(JobError::internal)?;
            if !ranked.iter().any(|f| &f.path == r) {
                return Err(JobError::NotARoster {
                    file: crate::fsutil::truncate_bytes(r, 120).to_string(),
                });
            }
        }
        settings.roster = roster;
        Ok(settings)
    }

    /// Every job's line for the page's list, the newest first ([`Job::entry`]).
    pub fn list(&self) -> Vec<Value> {
        self.registry.list().iter().map(|j| j.entry()).collect()
    }

    /// At start: the jobs an earlier server kept ([`Registry::restore`]); one that was
    /// waiting or running comes back failed with `serve.interrupted`.
    pub fn restore(&self) -> usize {
        let interrupted = crate::issue::Issue::error(codes::SERVE_INTERRUPTED);
        let error = issue_json(&self.setup.catalog, &interrupted, &self.data);
        self.registry.restore(|| error.clone())
    }

    /// Queues a run of the job in the place its upload took ([`Runner::start`]).
    pub fn start(&self, job: Arc<Job>, settings: Settings, slot: QueueSlot) {
        self.runner.start(job, settings, slot);
    }

    /// Deletes a job and its folder ([`Registry::delete`]); `false` when there is none.
    pub async fn delete(&self, id: &str) -> bool {
        self.registry.delete(id).await
    }

    /// Deletes what is older than `--keep` ([`Registry::sweep`]).
    pub async fn sweep(&self) -> usize {
        self.registry.sweep().await
    }

    /// Deletes the staging folders an earlier server left ([`Registry::remove_stale_staging`]).
    pub fn remove_stale_staging(&self) -> usize {
        self.registry.remove_stale_staging()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
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
