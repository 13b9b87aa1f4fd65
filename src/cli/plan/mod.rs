//! `permitpack plan ROSTER`: the months ahead in the terminal ([`crate::rules::plan`] in
//! words): who is too late or expired now, then month by month whose window opens, whose
//! lead-time reminder and deadline fall; last, what needs lead time. Reads only the roster:
//! no photos, scans or packets. Passport numbers are masked. Exit status as `check`: 0
//! nothing needs attention, 1 someone does, 2 nothing could be done.

mod text;

pub use text::plan;

use super::{EXIT_FAILED, PlanArgs};
use crate::assets::Templates;
use crate::catalog::Catalog;
use crate::issue::Issue;
use crate::model::Employee;
use crate::roster::{self, ColumnAliases};
use crate::rules::{Calendar, RenewalCalendar, Rules};
use crate::run::SetupError;
use std::path::Path;

/// What the plan needs from the templates.
pub struct PlanSetup {
    pub catalog: Catalog,
    pub aliases: ColumnAliases,
    pub rules: Rules,
    pub renewal: RenewalCalendar,
}

impl PlanSetup {
    pub fn load(templates: &Templates) -> Result<PlanSetup, SetupError> {
        let rules = Rules::load(templates)?;
        let holidays = Calendar::load(templates)?;
        Ok(PlanSetup {
            catalog: Catalog::load(templates)?,
            aliases: ColumnAliases::load(templates)?,
            renewal: RenewalCalendar::from_rules(&rules.data, holidays)?,
            rules,
        })
    }
}

pub fn run(args: &PlanArgs) -> anyhow::Result<i32> {
    let fail = |msg: String| {
        eprintln!("permitpack: {msg}");
        Ok(EXIT_FAILED)
    };
    let templates = match &args.templates {
        Some(d) => {
            let builtin = Catalog::load(&Templates::builtin()).map_err(anyhow::Error::msg)?;
            let option = super::args::FolderOption::Templates;
            if let Some(issue) = super::args::missing_folder(option, d, &builtin) {
                eprintln!(
                    "{}",
                    super::summary::fatal_line(&issue, &builtin, args.lang)
                );
                return Ok(EXIT_FAILED);
            }
            Templates::with_dir(d)
        }
        None => Templates::builtin(),
    };
    let setup = match PlanSetup::load(&templates) {
        Ok(s) => s,
        Err(e) => return fail(e.to_string()),
    };
    let rows = match read_roster(&args.roster, &setup.aliases) {
        Ok(r) => r,
        Err(issue) => {
            let c = &setup.catalog;
            let line = format!(
                "{} {}",
                c.message(&issue, args.lang),
                c.action(&issue, args.lang)
            );
            return fail(line.split_whitespace().collect::<Vec<_>>().join(" "));
        }
    };
    let as_of = args.as_of.unwrap_or_else(crate::clock::today_in_china);
    let (text, code) = plan(&rows.0, &rows.1, as_of, args.months, &setup, args.lang);
    print!("{text}");
    Ok(code)
}

/// The employees and the roster-wide problems.
fn read_roster(arg: &Path, aliases: &ColumnAliases) -> Result<(Vec<Employee>, Vec<Issue>), Issue> {
    let (path, note) = super::build::roster_in(arg, aliases)?;
    // Read as `build` reads it: through the run's inputs (size cap, a regular file only).
    use crate::io::Inputs;
    let named = crate::run::FsInputs::new(path, None, None, None).roster()?;
    let (bytes, name) = (named.bytes, named.name);
    // The spreadsheet parsers' panics become errors inside `roster::read`; silence the
    // default hook's notice meanwhile.
    let roster = crate::quiet::quietly(|| roster::read(&bytes, &name, aliases));
    let roster = roster.map_err(|e| e.issue())?;
    let employees = roster.rows.into_iter().map(|r| r.employee).collect();
    Ok((employees, note.into_iter().chain(roster.issues).collect()))
}
