//! `permitpack build` and `permitpack check`: check the command line ([`super::args`]),
//! resolve the roster (a file, or the spreadsheet a folder's files rank first by
//! [`crate::roster::choose`]) and the folders, run the engine ([`crate::run::Run`]) on them with a progress bar,
//! print the summary table and who may read the output. Exit status 0 (all ready), 1
//! (someone needs attention) or 2 (nothing could be done, one line on stderr).

use super::summary::{fatal_line, summary};
use super::{EXIT_ATTENTION, EXIT_FAILED, EXIT_READY, RunArgs, table};
use crate::codes;
use crate::io::Progress;
use crate::issue::Issue;
use crate::outcome::Status;
use crate::roster::{self, ColumnAliases};
use crate::run::Setup;
use crate::run::{FsInputs, FsSink, Run, RunError, RunInputs};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The run's folders and date after the command line's defaults are applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Paths {
    /// The roster file (the one chosen when a folder was given).
    pub roster: PathBuf,
    /// `--photos`, or `photos/` beside the roster (else in the folder given as the roster)
    /// when that folder exists.
    pub photos: Option<PathBuf>,
    /// `--docs`, or `docs/` beside the roster (else in the folder given) when it exists.
    pub docs: Option<PathBuf>,
    pub out: PathBuf,
    pub as_of: NaiveDate,
}

impl Paths {
    /// Applies the defaults of the command-line contract to the roster file `roster` (see
    /// [`roster_in`]).
    pub fn resolve(args: &RunArgs, roster: PathBuf, today: NaiveDate) -> Paths {
        let beside = roster.parent().map(Path::to_path_buf).unwrap_or_default();
        let given = args.roster.is_dir().then_some(args.roster.as_path());
        let default_dir = |name: &str| {
            std::iter::once(beside.join(name))
                .chain(given.map(|g| g.join(name)))
                .find(|p| p.is_dir())
        };
        Paths {
            roster,
            photos: args.photos.clone().or_else(|| default_dir("photos")),
            docs: args.docs.clone().or_else(|| default_dir("docs")),
            out: args.out.clone(),
            as_of: args.as_of.unwrap_or(today),
        }
    }
}

/// A progress bar on stderr; hidden when stderr is not a terminal or with `--quiet`.
struct Bar(indicatif::ProgressBar);

impl Bar {
    fn new(quiet: bool) -> Bar {
        use std::io::IsTerminal;
        if quiet || !std::io::stderr().is_terminal() {
            return Bar(indicatif::ProgressBar::hidden());
        }
        let bar = indicatif::ProgressBar::new(0);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{bar:40.cyan/blue} {pos}/{len} employees {elapsed_precise} (eta {eta})",
        ) {
            bar.set_style(style);
        }
        Bar(bar)
    }
}

impl Progress for Bar {
    fn start(&self, employees: usize) {
        self.0.set_length(employees as u64);
    }
    fn employee_done(&self, _index: usize, _status: Status) {
        self.0.inc(1);
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

/// The roster file a roster argument names: the file itself, or, for a folder, the
/// spreadsheet ranked first by [`roster::choose`] and the note saying which was read, why,
/// and which were not. `Err`: a folder holding no spreadsheet.
pub(super) fn roster_in(
    arg: &Path,
    aliases: &ColumnAliases,
) -> Result<(PathBuf, Option<Issue>), Issue> {
    if !arg.is_dir() {
        return Ok((arg.to_path_buf(), None));
    }
    let folder = arg.display().to_string();
    let choice = roster::choose(roster::spreadsheets_in(arg), &aliases.roster_file_words);
    match choice.chosen() {
        Some(f) => Ok((arg.join(&f.path), choice.note(&folder))),
        None => Err(Issue::error(codes::ROSTER_NO_ROSTER_IN_FOLDER).arg("folder", folder)),
    }
}

pub fn run(args: &RunArgs, write_packets: bool) -> anyhow::Result<i32> {
    let fail = |msg: &str| {
        eprintln!(
            "permitpack: {}",
            msg.split_whitespace().collect::<Vec<_>>().join(" ")
        );
        Ok(EXIT_FAILED)
    };
    match super::args::preflight(args, write_packets) {
        Ok(warnings) => warnings.iter().for_each(|w| eprintln!("{w}")),
        Err(e) => {
            eprintln!("{e}");
            return Ok(EXIT_FAILED);
        }
    }
    let setup = match Setup::load(args.templates.as_deref(), &args.photo_profile) {
        Ok(s) => Arc::new(s),
        Err(e) => return fail(&e.to_string()),
    };
    // The choice of a folder's roster is said with the roster problems (terminal and reports).
    let (roster, note) = match roster_in(&args.roster, &setup.aliases) {
        Ok(chosen) => chosen,
        Err(issue) => {
            eprintln!("{}", fatal_line(&issue, &setup.catalog, args.lang));
            return Ok(EXIT_FAILED);
        }
    };
    let paths = Paths::resolve(args, roster, crate::clock::today_in_china());
    let inputs = FsInputs::new(
        paths.roster.clone(),
        args.company.clone(),
        paths.photos.clone(),
        paths.docs.clone(),
    );
    let given = RunInputs {
        lang: args.lang,
        // `check` writes no packets: the password is ignored (preflight said so).
        password: args.password.clone().filter(|_| write_packets),
        jobs: args.jobs.unwrap_or_else(rayon::current_num_threads),
        cache: !args.no_cache,
        // The reports say which spreadsheet of the folder was read, and why.
        notes: note.into_iter().collect(),
        ..RunInputs::new(setup.clone(), inputs, paths.as_of)
    };
    let sink = FsSink::new(&paths.out).shared(args.shared);
    let bar = Bar::new(args.quiet);
    let done = Run::load(given).and_then(|run| {
        if write_packets {
            run.build(&sink, &bar)
        } else {
            run.check(&sink, &bar)
        }
    });
    let done = match done {
        Ok(done) => done,
        Err(RunError::Input(issue) | RunError::Busy(issue)) => {
            eprintln!("{}", fatal_line(&issue, &setup.catalog, args.lang));
            return Ok(EXIT_FAILED);
        }
        Err(RunError::Failed(why)) => return fail(&why.to_string()),
    };
    // About permitpack's own files, not the company's data: the terminal only.
    for note in &done.cache_notes {
        eprintln!("{}", fatal_line(note, &setup.catalog, args.lang));
    }
    if done.reused > 0 && !args.quiet {
        let line = setup.catalog.ui(
            "ui.cache.reused",
            args.lang,
            &[
                ("reused", done.reused.to_string()),
                ("total", done.counts.employees.to_string()),
            ],
        );
        eprintln!("permitpack: {line}");
    }
    if !args.quiet {
        let html = done
            .reports
            .iter()
            .find(|p| p.extension().is_some_and(|e| e == "html"));
        let text = summary(
            done.outcomes(),
            &done.counts,
            &done.roster_issues,
            html.unwrap_or(&done.reports[0]),
            &setup.catalog,
            args.lang,
        );
        match text {
            Ok(text) => {
                let access = if args.shared {
                    "ui.run.shared"
                } else {
                    "ui.run.private"
                };
                let access = table::ui_lines(&setup.catalog, access, args.lang, &[]) + "\n";
                print!("{text}{}", table::wrap(&access, table::output_width()));
            }
            Err(e) => return fail(&format!("cannot read the employees' results: {e}")),
        }
    }
    Ok(if done.all_ready {
        EXIT_READY
    } else {
        EXIT_ATTENTION
    })
}
