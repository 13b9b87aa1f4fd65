//! `permitpack serve`: parse the options, load the templates once, hand over to
//! [`crate::serve`]. Exit status 2 with one line when the server cannot start.

use super::{EXIT_FAILED, ServeArgs};
use crate::pipeline::Setup;
use crate::serve::{Config, config};
use std::sync::Arc;

pub fn run(args: &ServeArgs) -> anyhow::Result<i32> {
    let fail = |msg: &str| {
        eprintln!("permitpack: {msg}");
        Ok(EXIT_FAILED)
    };
    let keep = match config::parse_keep(&args.keep) {
        Ok(k) => k,
        Err(e) => return fail(&format!("--keep: {e}")),
    };
    let setup = match Setup::load(args.templates.as_deref(), &args.photo_profile) {
        Ok(s) => Arc::new(s),
        Err(e) => return fail(&e),
    };
    let starter = match super::init::starter_workbook(&setup.aliases) {
        Ok(b) => b,
        Err(e) => return fail(&format!("cannot write the starter workbook: {e}")),
    };
    let config = Config {
        bind: args.bind,
        port: args.port,
        data: args.data.clone().unwrap_or_else(config::default_data_dir),
        keep,
        allow_hosts: args.allow_host.clone(),
        password: args.password.clone(),
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
