//! The queue and the runs. A place in the queue ([`QueueSlot`]) is taken when an upload
//! starts; a job with its files waits in order for one of the cores (a fair semaphore),
//! then runs `Run` on a blocking thread in its folders, telling its progress to whoever
//! listens. Which roster a run reads ([`pick_roster`]: the person's choice, else
//! [`crate::roster::choose`]'s) and the folders beside it ([`job_inputs`]) are decided here,
//! for the runs and for the files added to an employee alike.

use super::{Job, JobError, JobState, Mode, Settings, issue_json, lock};
use crate::codes;
use crate::io::Progress;
use crate::issue::Issue;
use crate::outcome::Status;
use crate::roster::Choice;
use crate::run::{FsInputs, FsSink, Run, RunError, RunInputs, Setup};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
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
                Err(json!({"code": codes::SERVE_INTERNAL.as_str(), "en": "The run stopped on an internal error (a bug).", "zh": "运行因内部错误（程序缺陷）中止。"}))
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

/// The roster a run of a job reads, the candidates it was chosen among, and why.
pub(super) struct RosterPick {
    /// A path inside the upload.
    pub rel: String,
    /// Every spreadsheet that may be the roster, best first ([`crate::roster::choose`]).
    pub candidates: Vec<String>,
    /// `roster.file_chosen_*` (the chooser's reason), or `serve.roster_chosen` (the person
    /// chose it).
    pub reason: Issue,
}

/// The spreadsheets of an upload that may be the roster, ranked by
/// [`crate::roster::choose`], the rule of the command line for a folder (shallowest, named
/// like a roster, latest date in the name, a workbook before its CSV export, newest).
pub fn roster_choice(input: &Path, aliases: &crate::roster::ColumnAliases) -> Choice {
    crate::roster::choose(
        crate::roster::spreadsheets_in(input),
        &aliases.roster_file_words,
    )
}

/// The roster of a job's upload: the one the person chose while it is still there, else the
/// chooser's first. `None` when the upload holds no spreadsheet.
pub(super) fn pick_roster(
    input: &Path,
    chosen: Option<&str>,
    aliases: &crate::roster::ColumnAliases,
) -> Option<RosterPick> {
    let choice = roster_choice(input, aliases);
    let candidates: Vec<String> = choice.ranked.iter().map(|f| f.path.clone()).collect();
    if let Some(rel) = chosen.filter(|r| input.join(r).is_file()) {
        let others: Vec<&str> = candidates
            .iter()
            .map(String::as_str)
            .filter(|c| *c != rel)
            .collect();
        let reason = Issue::warning(codes::SERVE_ROSTER_CHOSEN)
            .arg("file", rel)
            .arg("count", others.len())
            .arg("others", others.join(", "))
            .file(rel);
        return Some(RosterPick {
            rel: rel.to_string(),
            candidates,
            reason,
        });
    }
    let first = choice.chosen()?.path.clone();
    // The dropped folder, as the person named it.
    let folder = first.split_once('/').map_or("—", |(top, _)| top);
    let reason = choice.note(folder)?;
    Some(RosterPick {
        rel: first,
        candidates,
        reason,
    })
}

/// What a run of the job reads: its roster and the photos and scans folders beside it.
pub(super) struct JobInputs {
    pub roster: RosterPick,
    pub inputs: FsInputs,
    /// The folder the roster lies in (where `photos/` and `docs/` are, or go).
    pub beside: PathBuf,
}

/// The inputs of a run of the job with these settings. `Err`: no roster in the upload.
pub(super) fn job_inputs(
    job: &Job,
    settings: &Settings,
    setup: &Setup,
) -> Result<JobInputs, Issue> {
    let input = job.input_dir();
    let roster = pick_roster(&input, settings.roster.as_deref(), &setup.aliases)
        .ok_or_else(|| Issue::error(codes::SERVE_NO_ROSTER))?;
    let path = input.join(&roster.rel);
    let beside = path.parent().unwrap_or(&input).to_path_buf();
    let dir_if = |name: &str| {
        let p = beside.join(name);
        p.is_dir().then_some(p)
    };
    let inputs = FsInputs::new(path.clone(), None, dir_if("photos"), dir_if("docs"));
    Ok(JobInputs {
        roster,
        inputs,
        beside,
    })
}

/// The company's name for the list of jobs: the Chinese name, else the English one.
fn company_name(c: Option<&crate::model::Company>) -> Option<String> {
    let c = c?;
    [&c.name_zh, &c.name_en]
        .into_iter()
        .flatten()
        .map(|n| n.trim())
        .find(|n| !n.is_empty())
        .map(str::to_string)
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
    let catalog = &setup.catalog;
    let opened = job_inputs(job, &settings, setup);
    {
        let mut s = lock(&job.status);
        s.mode = settings.mode;
        match &opened {
            Ok(o) => {
                s.roster = Some(o.roster.rel.clone());
                s.roster_candidates = o.roster.candidates.clone();
                s.roster_reason = Some(issue_json(catalog, &o.roster.reason, &input));
            }
            Err(_) => {
                s.roster = None;
                s.roster_candidates = Vec::new();
                s.roster_reason = None;
            }
        }
    }
    let JobInputs { roster, inputs, .. } = opened.map_err(|i| issue_json(catalog, &i, &input))?;
    let as_of = settings.as_of.unwrap_or_else(crate::clock::today_in_china);
    let given = RunInputs {
        lang: settings.lang,
        jobs: threads,
        ..RunInputs::new(setup.clone(), inputs, as_of)
    };
    let sink = FsSink::new(job.out_dir());
    let progress = JobProgress(job);
    let mut company = None;
    let done = Run::load(given).and_then(|run| {
        company = company_name(run.company());
        match settings.mode {
            Mode::Build => run.build(&sink, &progress),
            Mode::Check => run.check(&sink, &progress),
        }
    });
    match done {
        Ok(summary) => Ok(json!({
            "counts": summary.counts,
            "all_ready": summary.all_ready,
            "as_of": as_of.to_string(),
            "company": company,
            "roster": roster.rel,
            "roster_candidates": roster.candidates,
        })),
        Err(RunError::Input(issue) | RunError::Busy(issue)) => {
            Err(issue_json(catalog, &issue, &input))
        }
        Err(RunError::Failed(msg)) => Err(issue_json(
            catalog,
            &Issue::error(codes::SERVE_RUN_FAILED).arg("reason", msg),
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
        let ranked: Vec<String> = roster_choice(d, &aliases)
            .ranked
            .into_iter()
            .map(|f| f.path)
            .collect();
        assert_eq!(
            ranked,
            [
                "company/roster.xlsx",
                "company/roster_gbk.csv",
                "company/list.xlsx",
                "company/old/roster.xlsx"
            ]
        );
    }
}
