//! The queue and the runs. A place in the queue ([`QueueSlot`]) is taken when an upload
//! starts; a job with its files waits in order for one of the cores (a fair semaphore),
//! then runs `Run` on a blocking thread in its folders, telling its progress to whoever
//! listens.

use super::{Job, JobError, JobState, Mode, Settings, issue_json, lock};
use crate::io::Progress;
use crate::issue::Issue;
use crate::outcome::Status;
use crate::run::Setup;
use crate::run::{FsInputs, FsSink, Run, RunError, RunInputs};
use serde_json::{Value, json};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::Semaphore;

/// A place in the queue, taken when an upload starts: an upload counts as a waiting job from
/// its first byte, so no more uploads than the queue holds are received at once, and the
/// ones beyond are refused before their body is read. Given back when dropped (the upload
/// failed), or handed to the run by [`Runner::start`].
pub struct QueueSlot {
    queued: Arc<AtomicUsize>,
}

impl Drop for QueueSlot {
    fn drop(&mut self) {
        self.queued.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The queue and the cores the runs share.
pub struct Runner {
    setup: Arc<Setup>,
    max_queued: usize,
    cores: Arc<Semaphore>,
    workers: usize,
    queued: Arc<AtomicUsize>,
    running: Arc<AtomicUsize>,
}

impl Runner {
    /// `workers` jobs run at once; `max_queued` wait (or are being uploaded).
    pub fn new(setup: Arc<Setup>, workers: usize, max_queued: usize) -> Runner {
        let workers = workers.max(1);
        Runner {
            setup,
            max_queued,
            cores: Arc::new(Semaphore::new(workers)),
            workers,
            queued: Arc::new(AtomicUsize::new(0)),
            running: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// A place in the queue for an upload about to be received. Refused when as many jobs
    /// as the queue holds already wait or are being uploaded.
    pub fn reserve(&self) -> Result<QueueSlot, JobError> {
        let max = self.max_queued;
        self.queued
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < max).then_some(n + 1)
            })
            .map_err(|_| JobError::QueueFull { waiting: max })?;
        Ok(QueueSlot {
            queued: self.queued.clone(),
        })
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
            if job.is_deleted() {
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
            let result = done.unwrap_or_else(|_| {
                Err(json!({"code": "serve.internal", "en": "The run stopped on an internal error (a bug).", "zh": "运行因内部错误（程序缺陷）中止。"}))
            });
            finish(&job, result);
        });
    }
}

/// Records a finished run in the job: its summary or its error, then its state.
fn finish(job: &Job, result: Result<Value, Value>) {
    if job.is_deleted() {
        let _ = std::fs::remove_dir_all(&job.dir);
        return;
    }
    let state = if result.is_ok() {
        JobState::Done
    } else {
        JobState::Failed
    };
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

#[cfg(test)]
mod tests {
    use super::*;

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
