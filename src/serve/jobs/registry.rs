//! The job table: a new job and its folder, finding a job by id, the list of jobs, the jobs
//! an earlier server kept (restored at start), deleting one (after the upload in flight
//! stops), and the `--keep` sweep of settled or stalled jobs and of the folders an earlier
//! server left.

use super::upload::is_staging_name;
use super::{Job, JobError, lock};
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// Every job of this server by id, and where their folders live.
pub struct Registry {
    data: PathBuf,
    keep: Duration,
    map: Mutex<HashMap<String, Arc<Job>>>,
}

impl Registry {
    pub fn new(data: PathBuf, keep: Duration) -> Registry {
        Registry {
            data,
            keep,
            map: Mutex::new(HashMap::new()),
        }
    }

    pub fn get(&self, id: &str) -> Option<Arc<Job>> {
        lock(&self.map).get(id).cloned()
    }

    /// The job of `id`, or [`JobError::NoJob`].
    pub fn find(&self, id: &str) -> Result<Arc<Job>, JobError> {
        self.get(id).ok_or(JobError::NoJob)
    }

    /// A new job with an empty folder (`in/` and `out/`, 0700).
    pub fn create(&self) -> Result<Arc<Job>, JobError> {
        let id = crate::serve::random::random_hex().map_err(JobError::internal)?;
        let dir = self.data.join(&id);
        for d in [&dir, &dir.join("in"), &dir.join("out")] {
            crate::fsutil::create_output_dir(d, false).map_err(JobError::internal)?;
        }
        // Kept on disk (`job.json`) once its first upload is complete and it is queued: a
        // job whose upload never completed is not served again after a restart.
        let job = Arc::new(Job::new(id.clone(), dir));
        lock(&self.map).insert(id, job.clone());
        Ok(job)
    }

    /// Every job, the newest first.
    pub fn list(&self) -> Vec<Arc<Job>> {
        let mut jobs: Vec<Arc<Job>> = lock(&self.map).values().cloned().collect();
        jobs.sort_by(|a, b| (b.created, &b.id).cmp(&(a.created, &a.id)));
        jobs
    }

    /// At start: the jobs an earlier server kept in the data folder (`job.json` in their
    /// folders), served again until `--keep` sweeps them. A job that was waiting or running
    /// then comes back failed, its error made by `interrupted`. Returns how many came back.
    pub fn restore(&self, interrupted: impl Fn() -> Value) -> usize {
        let mut back = 0;
        for (id, path) in job_folders(&self.data) {
            if lock(&self.map).contains_key(&id) {
                continue;
            }
            if let Some(job) = Job::restore(path, &interrupted) {
                lock(&self.map).insert(id, Arc::new(job));
                back += 1;
            }
        }
        back
    }

    /// Deletes a job and everything of it on disk. An upload in flight is stopped first
    /// (it removes its staging folder), so nothing of the job is written after this returns;
    /// a run in progress removes the job's folder again when it ends.
    pub async fn delete(&self, id: &str) -> bool {
        let Some(job) = lock(&self.map).remove(id) else {
            return false;
        };
        job.mark_deleted();
        // A write of `job.json` in progress ends first; none starts after this.
        drop(lock(&job.saving));
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
                (j.is_settled() || !j.started.load(Ordering::SeqCst)) && j.idle() > self.keep
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
