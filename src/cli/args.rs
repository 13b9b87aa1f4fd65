//! Checks of the command line made before any work starts: folders that must exist and
//! options the command does not use. A wrong folder is a bad argument (exit status 2, one
//! line), worded the same for every option and command. Also the quoting of a path in a
//! command the program suggests, so it can be pasted back into the shell.

use super::RunArgs;
use crate::assets::Templates;
use crate::catalog::{Catalog, Lang};
use crate::codes;
use crate::issue::Issue;
use std::path::Path;

/// Which folder option, and what is used when it is left out (for the message's advice).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FolderOption {
    Photos,
    Docs,
    Templates,
}

impl FolderOption {
    fn flag(self) -> &'static str {
        match self {
            FolderOption::Photos => "--photos",
            FolderOption::Docs => "--docs",
            FolderOption::Templates => "--templates",
        }
    }

    fn default_key(self) -> &'static str {
        match self {
            FolderOption::Photos => "ui.args.default.photos",
            FolderOption::Docs => "ui.args.default.docs",
            FolderOption::Templates => "ui.args.default.templates",
        }
    }
}

/// `args.folder_missing` when `path`, given to `option`, is not an existing folder.
pub fn missing_folder(option: FolderOption, path: &Path, catalog: &Catalog) -> Option<Box<Issue>> {
    if path.is_dir() {
        return None;
    }
    let what = if path.exists() {
        codes::ARGS_FOLDER_IS_FILE
    } else {
        codes::ARGS_FOLDER_MISSING
    };
    Some(Box::new(
        Issue::error(what)
            .arg("option", option.flag())
            .arg("path", path.display())
            .arg(
                "default_zh",
                catalog.ui(option.default_key(), Lang::Zh, &[]),
            )
            .arg(
                "default_en",
                catalog.ui(option.default_key(), Lang::En, &[]),
            ),
    ))
}

/// The first folder option of `build`/`check` that names no folder.
pub fn check_run_folders(args: &RunArgs, catalog: &Catalog) -> Result<(), Box<Issue>> {
    let given = [
        (FolderOption::Templates, &args.templates),
        (FolderOption::Photos, &args.photos),
        (FolderOption::Docs, &args.docs),
    ];
    for (option, path) in given {
        if let Some(issue) = path
            .as_deref()
            .and_then(|p| missing_folder(option, p, catalog))
        {
            return Err(issue);
        }
    }
    Ok(())
}

/// Why `build` or `check` stops before loading anything (exit status 2): its `Display` is
/// the one line to print.
#[derive(Debug, thiserror::Error)]
pub enum PreflightError {
    /// The built-in message catalog cannot be loaded (a bug).
    #[error("permitpack: {0}")]
    Catalog(#[source] crate::catalog::CatalogError),
    /// A folder option that names no folder: the issue, and its line in the catalog's words.
    #[error("{line}")]
    Folder { issue: Box<Issue>, line: String },
}

/// What `build` and `check` verify before loading anything: `Err` is the one line to print
/// before exiting with status 2; `Ok` holds warning lines to print and go on with.
pub fn preflight(args: &RunArgs, write_packets: bool) -> Result<Vec<String>, PreflightError> {
    let catalog = Catalog::load(&Templates::builtin()).map_err(PreflightError::Catalog)?;
    if let Err(issue) = check_run_folders(args, &catalog) {
        let line = super::summary::fatal_line(&issue, &catalog, args.lang);
        return Err(PreflightError::Folder { issue, line });
    }
    Ok(password_ignored(args, write_packets)
        .map(|i| super::summary::fatal_line(&i, &catalog, args.lang))
        .into_iter()
        .collect())
}

/// The warning that `check` ignores the packet password (it writes no packets). Given once,
/// on stderr, whether the password came from `--password` or `PERMITPACK_PASSWORD`.
pub fn password_ignored(args: &RunArgs, write_packets: bool) -> Option<Issue> {
    (!write_packets && args.password.is_some())
        .then(|| Issue::warning(codes::ARGS_PASSWORD_IGNORED))
}

/// `path` as a shell word: as is when it is made of characters no shell treats specially,
/// else quoted (single quotes on Unix, double quotes on Windows).
pub fn shell_word(path: &Path) -> String {
    let text = path.display().to_string();
    let plain = !text.is_empty()
        && text.chars().all(|c| {
            c.is_alphanumeric() || "-_./:@%+=,".contains(c) || (cfg!(windows) && c == '\\')
        });
    if plain {
        return text;
    }
    if cfg!(windows) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_folder_names_the_option_and_what_to_do() {
        let cat = Catalog::load(&Templates::builtin()).unwrap();
        let tmp = tempfile::tempdir().unwrap();
        assert!(missing_folder(FolderOption::Photos, tmp.path(), &cat).is_none());
        let gone = tmp.path().join("no such");
        for option in [
            FolderOption::Photos,
            FolderOption::Docs,
            FolderOption::Templates,
        ] {
            let issue = missing_folder(option, &gone, &cat).unwrap();
            assert_eq!(issue.code, codes::ARGS_FOLDER_MISSING);
            let t = cat.text(&issue);
            for s in [&t.message, &t.message_zh, &t.action, &t.action_zh] {
                assert!(!s.is_empty() && !s.contains('{'), "{s}");
            }
            assert!(t.message.contains(option.flag()), "{}", t.message);
            assert!(t.message.contains("no such"), "{}", t.message);
        }
        let file = tmp.path().join("roster.xlsx");
        std::fs::write(&file, b"x").unwrap();
        let issue = missing_folder(FolderOption::Docs, &file, &cat).unwrap();
        assert_eq!(issue.code, codes::ARGS_FOLDER_IS_FILE);
        assert!(!cat.text(&issue).action.contains('{'));
    }

    #[test]
    fn suggested_paths_survive_the_shell() {
        assert_eq!(shell_word(Path::new("hr/roster.xlsx")), "hr/roster.xlsx");
        if !cfg!(windows) {
            assert_eq!(
                shell_word(Path::new("My Files/roster.xlsx")),
                "'My Files/roster.xlsx'"
            );
            assert_eq!(shell_word(Path::new("it's/r.xlsx")), "'it'\\''s/r.xlsx'");
            assert_eq!(shell_word(Path::new("a$b")), "'a$b'");
            assert_eq!(shell_word(Path::new("")), "''");
        }
        assert_eq!(
            shell_word(Path::new("员工/roster.xlsx")),
            "员工/roster.xlsx"
        );
    }
}
