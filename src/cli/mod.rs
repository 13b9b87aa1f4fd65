//! The command line: argument parsing, exit codes and dispatch to one file per subcommand.
//! A thin shell: `build` and `check` hand the folders to [`crate::run::Run`] and print its
//! summary ([`summary`]).

mod args;
mod build;
mod init;
mod photo;
mod plan;
mod serve;
mod summary;
mod table;

use crate::catalog::Lang;
use chrono::{Datelike, NaiveDate};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

pub use crate::exit::{EXIT_ATTENTION, EXIT_FAILED, EXIT_READY};

#[derive(Debug, Parser)]
#[command(
    name = "permitpack",
    version,
    about = "Prepare Work Permit + Residence Permit extension packets for a company's foreign employees",
    long_about = None
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate the roster and write one zipped packet per employee plus the reports.
    Build(RunArgs),
    /// Validate the roster and write only the reports.
    Check(RunArgs),
    /// Judge photo files against a photo profile.
    Photo(PhotoArgs),
    /// Write a starter workbook and a copy of the templates into DIR.
    Init(InitArgs),
    /// Show the months ahead: whose window opens, whose deadline falls, who is late now.
    Plan(PlanArgs),
    /// Open a page in the browser where HR drops the company folder and downloads the packets.
    Serve(ServeArgs),
}

/// Options shared by `build` and `check`.
#[derive(Debug, Args, Clone)]
pub struct RunArgs {
    /// The employee spreadsheet (xlsx, xls, xlsb, ods or csv), or the company folder holding
    /// it (the roster is chosen among its spreadsheets: latest date in the name, then newest).
    pub roster: PathBuf,
    /// Folder of photos [default: photos/ beside the roster, when present].
    #[arg(long)]
    pub photos: Option<PathBuf>,
    /// Folder of scans, one sub-folder per passport number plus _company/
    /// [default: docs/ beside the roster, when present].
    #[arg(long)]
    pub docs: Option<PathBuf>,
    /// Output folder.
    #[arg(long, default_value = "out")]
    pub out: PathBuf,
    /// The date to judge against, YYYY-MM-DD [default: today in China].
    #[arg(long, value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
    /// Company details as TOML, instead of the roster's Company sheet.
    #[arg(long)]
    pub company: Option<PathBuf>,
    /// A folder of templates overriding the built-in ones file by file.
    #[arg(long)]
    pub templates: Option<PathBuf>,
    /// Photo profile name (a file templates/photo/NAME.toml).
    #[arg(long, default_value = "shenzhen-2inch")]
    pub photo_profile: String,
    /// Language of reports and messages.
    #[arg(long, value_enum, default_value_t = Lang::Both)]
    pub lang: Lang,
    /// Encrypt packets with AES-256 using this password (or set PERMITPACK_PASSWORD).
    #[arg(long, env = "PERMITPACK_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
    /// Write packets and reports readable by your group (files 0640, folders 0750), for a
    /// team folder; without it they are private to you (0600, 0700): they hold passport
    /// numbers and salaries.
    #[arg(long)]
    pub shared: bool,
    /// Worker threads [default: all cores].
    #[arg(long)]
    pub jobs: Option<usize>,
    /// No progress bar or summary table, only errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Compute every employee afresh, ignoring the results kept in OUT/.permitpack/cache/
    /// from earlier runs (which are then replaced).
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Debug, Args, Clone)]
pub struct PhotoArgs {
    /// Photo files (JPEG or PNG).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Photo profile name (a file templates/photo/NAME.toml).
    #[arg(long, default_value = "shenzhen-2inch")]
    pub photo_profile: String,
    /// A folder of templates overriding the built-in ones file by file.
    #[arg(long)]
    pub templates: Option<PathBuf>,
    /// Write an annotated preview (JPEG) for each photo into this folder.
    #[arg(long)]
    pub previews: Option<PathBuf>,
    /// Language of messages.
    #[arg(long, value_enum, default_value_t = Lang::Both)]
    pub lang: Lang,
}

#[derive(Debug, Args, Clone)]
pub struct InitArgs {
    /// Folder to create (it may exist but must not already hold a roster.xlsx).
    pub dir: PathBuf,
}

#[derive(Debug, Args, Clone)]
pub struct PlanArgs {
    /// The employee spreadsheet (xlsx, xls, xlsb, ods or csv), or the folder holding it.
    pub roster: PathBuf,
    /// How many months ahead, counting the as-of month.
    #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..=60))]
    pub months: u32,
    /// The date to plan from, YYYY-MM-DD [default: today in China].
    #[arg(long, value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
    /// A folder of templates overriding the built-in ones file by file.
    #[arg(long)]
    pub templates: Option<PathBuf>,
    /// Language of the plan.
    #[arg(long, value_enum, default_value_t = Lang::Both)]
    pub lang: Lang,
}

#[derive(Debug, Args, Clone)]
pub struct ServeArgs {
    /// Port to listen on (0: any free port; the URL printed says which).
    #[arg(long, default_value_t = 8421)]
    pub port: u16,
    /// Address to listen on. Anything but loopback needs --password.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Folder for the job folders [default: permitpack/serve in the user's cache folder].
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Do not open the browser.
    #[arg(long)]
    pub no_open: bool,
    /// Delete a job this long after its last upload (90s, 30m, 24h, 7d).
    #[arg(long, default_value = "24h")]
    pub keep: String,
    /// Also answer to this host name (a reverse proxy, an office server name); repeatable.
    #[arg(long = "allow-host", value_name = "NAME")]
    pub allow_host: Vec<String>,
    /// Login password for the page; required with --bind other than loopback. Better set
    /// PERMITPACK_SERVE_PASSWORD or use --password-stdin: a command line shows in the process
    /// list.
    #[arg(long)]
    pub password: Option<String>,
    /// Read the login password from the first line of standard input.
    #[arg(long, conflicts_with = "password")]
    pub password_stdin: bool,
    /// Behind a reverse proxy: take the client's address from the last X-Forwarded-For entry
    /// (for the login attempt limit). Only when every request comes through the proxy.
    #[arg(long)]
    pub trust_proxy: bool,
    /// A folder of templates overriding the built-in ones file by file.
    #[arg(long)]
    pub templates: Option<PathBuf>,
    /// Photo profile name (a file templates/photo/NAME.toml).
    #[arg(long, default_value = "shenzhen-2inch")]
    pub photo_profile: String,
}

/// The as-of dates accepted: a permit judged before 1950 or after 2199 is a typing error
/// (`+10000-01-01`), and the documents' dates could not be printed for it.
const AS_OF_YEARS: std::ops::RangeInclusive<i32> = 1950..=2199;

/// Why `--as-of` was refused; clap prints it after the option and the value given (clap's
/// value parsers take any error type, not only `String`).
#[derive(Debug, thiserror::Error)]
enum DateError {
    #[error("'{given}' is not a date of the form YYYY-MM-DD")]
    NotADate {
        given: String,
        #[source]
        source: chrono::ParseError,
    },
    #[error("'{given}' is out of range: give a date between {first}-01-01 and {last}-12-31")]
    OutOfRange {
        given: String,
        first: i32,
        last: i32,
    },
}

fn parse_date(s: &str) -> Result<NaiveDate, DateError> {
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|source| DateError::NotADate {
        given: s.to_string(),
        source,
    })?;
    if !AS_OF_YEARS.contains(&d.year()) {
        return Err(DateError::OutOfRange {
            given: s.to_string(),
            first: *AS_OF_YEARS.start(),
            last: *AS_OF_YEARS.end(),
        });
    }
    Ok(d)
}

/// Runs the program and returns the exit status. Never panics outward: a panic inside is
/// reported as one line and exit status 2.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                EXIT_FAILED
            } else {
                EXIT_READY
            };
            let _ = e.print();
            return code;
        }
    };
    match std::panic::catch_unwind(move || run(cli)) {
        Ok(code) => code,
        Err(_) => {
            eprintln!(
                "permitpack: internal error (a bug); nothing more was written. Please report it."
            );
            EXIT_FAILED
        }
    }
}

fn run(cli: Cli) -> i32 {
    let result = match cli.command {
        Command::Build(args) => build::run(&args, true),
        Command::Check(args) => build::run(&args, false),
        Command::Photo(args) => photo::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Plan(args) => plan::run(&args),
        Command::Serve(args) => serve::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("permitpack: {e:#}");
            EXIT_FAILED
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_as_of_date_says_what_is_taken() {
        assert_eq!(
            parse_date("2024-13-01").unwrap_err().to_string(),
            "'2024-13-01' is not a date of the form YYYY-MM-DD"
        );
        assert_eq!(
            parse_date("1900-01-01").unwrap_err().to_string(),
            "'1900-01-01' is out of range: give a date between 1950-01-01 and 2199-12-31"
        );
        assert_eq!(
            parse_date("2199-12-31").unwrap(),
            NaiveDate::from_ymd_opt(2199, 12, 31).unwrap()
        );
    }
}
