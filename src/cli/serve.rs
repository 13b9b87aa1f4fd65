//! `permitpack serve`: parse the options, load the templates once, hand over to
//! [`crate::serve`]. Exit status 2 with one line when the server cannot start.

use super::{EXIT_FAILED, ServeArgs};
use crate::run::Setup;
use crate::serve::{Config, ConfigError, config};
use std::sync::Arc;

pub fn run(args: &ServeArgs) -> anyhow::Result<i32> {
    let fail = |msg: &dyn std::fmt::Display| {
        eprintln!("permitpack: {msg}");
        Ok(EXIT_FAILED)
    };
    let keep = match config::parse_keep(&args.keep) {
        Ok(k) => k,
        Err(e) => return fail(&format!("--keep: {e}")),
    };
    let setup = match Setup::load(args.templates.as_deref(), &args.photo_profile) {
        // The page's words: no command-line advice in the browser.
        Ok(mut s) => {
            s.catalog = s.catalog.for_page();
            Arc::new(s)
        }
        Err(e) => return fail(&e),
    };
    let starter = match crate::roster::starter::starter_workbook(&setup.aliases) {
        Ok(b) => b,
        Err(e) => return fail(&format!("cannot write the starter workbook: {e}")),
    };
    let password = match password(args) {
        Ok(p) => p,
        Err(e) => return fail(&e),
    };
    let config = Config {
        bind: args.bind,
        port: args.port,
        data: args.data.clone().unwrap_or_else(config::default_data_dir),
        keep,
        allow_hosts: args.allow_host.clone(),
        password,
        open: !args.no_open,
        limits: setup.limits.serve.clone(),
        setup,
        starter,
        workers: rayon::current_num_threads(),
        trust_proxy: args.trust_proxy,
        net: match crate::serve::net::NetLimits::from_env() {
            Ok(n) => n,
            Err(e) => return fail(&e),
        },
    };
    if let Err(e) = config.check() {
        return fail(&e);
    }
    match crate::serve::run(config) {
        Ok(code) => Ok(code),
        Err(e) => fail(&e),
    }
}

/// The login password: `--password-stdin` (the first line of standard input), `--password`
/// (with a warning: every user sees a command line in the process list) or the environment
/// variable `PERMITPACK_SERVE_PASSWORD`. `Err` is one line for the user.
fn password(args: &ServeArgs) -> Result<Option<String>, ConfigError> {
    if args.password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .map_err(ConfigError::PasswordStdin)?;
        let pw = line.trim_end_matches(['\r', '\n']).to_string();
        if pw.is_empty() {
            return Err(ConfigError::EmptyPasswordStdin);
        }
        return Ok(Some(pw));
    }
    if let Some(pw) = &args.password {
        eprintln!(
            "permitpack: warning: a password given with --password can be read by every user of this computer in the process list; set PERMITPACK_SERVE_PASSWORD or use --password-stdin instead"
        );
        return Ok(Some(pw.clone()));
    }
    Ok(std::env::var("PERMITPACK_SERVE_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty()))
}
