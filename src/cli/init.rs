//! `permitpack init DIR`: a starter workbook (bilingual header row, one example row, a
//! Company sheet, a drop-down on the category column), an example `--company` file, and a
//! copy of every built-in template to edit.

use super::{EXIT_FAILED, EXIT_READY, InitArgs};
use crate::assets::Templates;
use crate::catalog::{Catalog, Lang};
use crate::codes;
use crate::issue::Issue;
use crate::roster::ColumnAliases;
use crate::roster::starter::{
    COMPANY_EXAMPLE_FILE, STARTER_FILE, company_example_toml, starter_workbook,
};
use std::io::Write;
use std::path::Path;

/// The command `init` suggests next, with the roster's path quoted for the shell.
fn check_command(roster: &Path) -> String {
    format!("permitpack check {}", super::args::shell_word(roster))
}

/// Creates `path` with `bytes`, refusing to replace an existing file.
fn create_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

pub fn run(args: &InitArgs) -> anyhow::Result<i32> {
    let templates = Templates::builtin();
    let catalog = Catalog::load(&templates).map_err(anyhow::Error::msg)?;
    let aliases = ColumnAliases::load(&templates).map_err(anyhow::Error::msg)?;
    let dir = &args.dir;
    let roster = dir.join(STARTER_FILE);
    if roster.exists() {
        let issue = Issue::error(codes::ROSTER_INIT_EXISTS).arg("path", roster.display());
        eprintln!(
            "{}",
            super::summary::fatal_line(&issue, &catalog, Lang::Both)
        );
        return Ok(EXIT_FAILED);
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    let bytes = starter_workbook(&aliases)
        .map_err(|e| anyhow::anyhow!("cannot build the starter workbook: {e}"))?;
    create_new(&roster, &bytes)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", roster.display()))?;

    let company = dir.join(COMPANY_EXAMPLE_FILE);
    if !company.exists() {
        create_new(&company, company_example_toml(&aliases).as_bytes())
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", company.display()))?;
    }

    let tdir = dir.join("templates");
    let (mut written, mut kept) = (0usize, 0usize);
    for (rel, content) in Templates::builtin_files() {
        let dest = tdir.join(rel);
        if dest.exists() {
            kept += 1;
            continue;
        }
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", parent.display()))?;
        }
        create_new(&dest, content)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", dest.display()))?;
        written += 1;
    }
    println!(
        "{}",
        catalog.ui(
            "ui.init.written",
            Lang::Both,
            &[
                ("path", roster.display().to_string()),
                ("command", check_command(&roster)),
            ]
        )
    );
    println!(
        "{}",
        catalog.ui(
            "ui.init.templates",
            Lang::Both,
            &[
                ("count", written.to_string()),
                ("kept", kept.to_string()),
                ("path", tdir.display().to_string()),
                ("path_arg", super::args::shell_word(&tdir)),
            ]
        )
    );
    Ok(EXIT_READY)
}
