//! Jobs: one uploaded company folder each, in its own 0700 folder under `--data` (`in/` the
//! upload, `out/` what `Run` writes, `upload-*/` an upload being received). [`registry`]
//! keeps the job table, [`upload`] receives an upload and moves it in, [`runner`] queues
//! and runs `Run`. What they refuse is a [`JobError`]: nothing here knows of HTTP.

mod error;
mod job;
pub mod registry;
pub mod runner;
pub mod upload;

pub use error::JobError;
pub use job::{Job, JobState, JobStatus, Mode, Settings};
pub use registry::Registry;
pub use runner::{QueueSlot, Runner};
pub use upload::{Form, MAX_FIELD_BYTES, Part, clean_upload_path, windows_safe};

use super::config::Config;
use crate::catalog::Catalog;
use crate::issue::Issue;
use crate::limits::ServeLimits;
use serde_json::{Value, json};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// All jobs, the queue and the upload limits: what the routes call.
pub struct Jobs {
    registry: Registry,
    runner: Runner,
    limits: ServeLimits,
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
