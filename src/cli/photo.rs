//! `permitpack photo FILE...`: judges photo files against a photo profile and prints, per
//! file, PASS/FAIL and then each check with its measurement and threshold, followed by the
//! problems found and what to do. `--previews DIR` writes the annotated thumbnails.
//! Exit status: 0 every photo passes, 1 some photo fails, 2 nothing could be read or the
//! arguments are wrong.

#![allow(clippy::result_large_err)] // `Unread` carries a whole issue, by design

use super::args::FolderOption;
use super::{EXIT_ATTENTION, EXIT_FAILED, EXIT_READY, PhotoArgs};
use crate::assets::Templates;
use crate::catalog::{Catalog, Lang};
use crate::issue::Issue;
use crate::photo::{self, CheckStatus, PhotoProfile, PhotoVerdict};
use rayon::prelude::*;
use std::io::Write;
use std::path::Path;

pub fn run(args: &PhotoArgs) -> anyhow::Result<i32> {
    let templates = match &args.templates {
        Some(d) => {
            let builtin = Catalog::load(&Templates::builtin()).map_err(anyhow::Error::msg)?;
            if let Some(issue) = super::args::missing_folder(FolderOption::Templates, d, &builtin) {
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
    let profile = match PhotoProfile::load(&templates, &args.photo_profile) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("permitpack: {e}");
            return Ok(EXIT_FAILED);
        }
    };
    let catalog = Catalog::load(&templates).map_err(anyhow::Error::msg)?;
    if let Some(dir) = &args.previews {
        std::fs::create_dir_all(dir).map_err(|e| {
            anyhow::anyhow!("cannot create the previews folder {}: {e}", dir.display())
        })?;
    }
    let lang = args.lang;
    let out = std::io::stdout();
    let mut out = out.lock();
    let _ = writeln!(
        out,
        "{}",
        catalog.ui(
            "ui.photo.profile",
            lang,
            &[
                ("profile", profile.name.clone()),
                ("name", profile.name_en.clone()),
                ("name_zh", profile.name_zh.clone()),
            ],
        )
    );
    // Judge in parallel, print in the order given. Chunks keep memory bounded for long lists.
    let (mut passed, mut readable, mut total) = (0usize, 0usize, 0usize);
    let mut used_names = std::collections::HashSet::new();
    for chunk in args.files.chunks(64) {
        let results: Vec<(String, Result<PhotoVerdict, Unread>)> = chunk
            .par_iter()
            .map(|path| {
                let shown = display_name(path);
                let verdict = read(path, &shown, profile.limits.max_file_bytes)
                    .map(|bytes| photo::judge(&bytes, &shown, &profile));
                (shown, verdict)
            })
            .collect();
        for (shown, result) in results {
            total += 1;
            match result {
                Ok(v) => {
                    if v.report.bytes > 0 && v.report.format.is_some() {
                        readable += 1;
                    }
                    if v.ok() {
                        passed += 1;
                    }
                    print_verdict(&mut out, &catalog, lang, &shown, &v);
                    if let (Some(dir), Some(bytes)) = (&args.previews, &v.preview) {
                        let name = unique(preview_name(&shown), &mut used_names);
                        let target = dir.join(&name);
                        // Temporary name, then rename: never a half-written preview.
                        match crate::fsutil::write_atomic(dir, &name, bytes) {
                            Ok(_) => {
                                let _ = writeln!(
                                    out,
                                    "    {}",
                                    catalog.ui(
                                        "ui.photo.preview",
                                        lang,
                                        &[("file", target.display().to_string())]
                                    )
                                );
                            }
                            Err(e) => {
                                eprintln!("permitpack: cannot write {}: {e}", target.display())
                            }
                        }
                    }
                }
                Err(Unread::Issue(issue)) => {
                    let _ = writeln!(out, "{}  {shown}", catalog.ui("ui.photo.fail", lang, &[]));
                    print_issue(&mut out, &catalog, lang, &issue);
                }
                Err(Unread::Io(detail)) => {
                    let _ = writeln!(out, "{}  {shown}", catalog.ui("ui.photo.fail", lang, &[]));
                    let line = catalog.ui(
                        "ui.photo.cannot_read",
                        lang,
                        &[("file", shown.clone()), ("detail", detail)],
                    );
                    let _ = writeln!(out, "    - {line}");
                }
            }
        }
    }
    let _ = writeln!(
        out,
        "{}",
        catalog.ui(
            "ui.photo.summary",
            lang,
            &[("pass", passed.to_string()), ("total", total.to_string())],
        )
    );
    Ok(if readable == 0 {
        EXIT_FAILED
    } else if passed == total {
        EXIT_READY
    } else {
        EXIT_ATTENTION
    })
}

/// What went wrong with a file given on the command line.
enum Unread {
    /// Refused by the photo stage (over the size cap).
    Issue(Issue),
    /// Could not be opened (missing, a folder, no permission).
    Io(String),
}

/// Reads a file given on the command line, under the profile's size cap.
fn read(path: &Path, shown: &str, max_bytes: u64) -> Result<Vec<u8>, Unread> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => {}
        Ok(_) => return Err(Unread::Io("not a file".into())),
        Err(e) => return Err(Unread::Io(e.kind().to_string())),
    }
    let file = photo::PhotoFile {
        path: path.to_path_buf(),
        name: shown.to_string(),
        warnings: Vec::new(),
    };
    photo::read_photo(&file, max_bytes).map_err(Unread::Issue)
}

/// The path as typed: the user named the file and must find it again, so it is never
/// masked, even when its stem is a passport number (no roster says it is one here).
fn display_name(path: &Path) -> String {
    path.display().to_string()
}

/// `name`, or `name-2`, `name-3`... if already used (two photos with the same stem).
fn unique(name: String, used: &mut std::collections::HashSet<String>) -> String {
    let mut candidate = name.clone();
    let mut n = 1;
    while !used.insert(candidate.clone()) {
        n += 1;
        let stem = name.trim_end_matches(".preview.jpg");
        candidate = format!("{stem}-{n}.preview.jpg");
    }
    candidate
}

/// `photos/E12345678.jpg` -> `E12345678.preview.jpg`: the photo's own stem, made safe.
fn preview_name(shown: &str) -> String {
    let base = Path::new(shown)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("photo");
    let safe: String = base
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}.preview.jpg")
}

fn print_verdict(
    out: &mut impl Write,
    catalog: &Catalog,
    lang: Lang,
    shown: &str,
    v: &PhotoVerdict,
) {
    let head = if v.ok() {
        "ui.photo.pass"
    } else {
        "ui.photo.fail"
    };
    let _ = writeln!(out, "{}  {shown}", catalog.ui(head, lang, &[]));
    let need = catalog.ui("ui.photo.need", lang, &[]);
    for c in &v.report.checks {
        let status = catalog.ui(
            match c.status {
                CheckStatus::Pass => "ui.photo.status.pass",
                CheckStatus::Warn => "ui.photo.status.warn",
                CheckStatus::Fail => "ui.photo.status.fail",
                CheckStatus::Skip => "ui.photo.status.skip",
            },
            lang,
            &[],
        );
        let threshold = c.threshold(catalog, lang);
        let threshold = if threshold.is_empty() {
            String::new()
        } else {
            format!("  ({need}: {threshold})")
        };
        let _ = writeln!(
            out,
            "    [{status}] {}: {}{threshold}",
            c.name(catalog, lang),
            c.measured(catalog, lang)
        );
    }
    for i in &v.issues {
        print_issue(out, catalog, lang, i);
    }
}

fn print_issue(out: &mut impl Write, catalog: &Catalog, lang: Lang, i: &Issue) {
    let _ = writeln!(out, "    - {} [{}]", catalog.message(i, lang), i.code);
    let action = catalog.action(i, lang);
    if !action.is_empty() {
        let _ = writeln!(out, "      → {action}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_names_are_shown_and_used_as_typed() {
        // A passport-like stem, a size-like stem: neither is masked, and two photos whose
        // numbers differ in the middle stay two different names.
        for name in [
            "photos/EK1234567.jpg",
            "photos/EK7654567.jpg",
            "p413x579.jpg",
        ] {
            assert_eq!(display_name(Path::new(name)), name);
        }
        assert_eq!(display_name(Path::new("alice.jpg")), "alice.jpg");
        let mut used = std::collections::HashSet::new();
        assert_eq!(unique("a.preview.jpg".into(), &mut used), "a.preview.jpg");
        assert_eq!(unique("a.preview.jpg".into(), &mut used), "a-2.preview.jpg");
        assert_eq!(unique("a.preview.jpg".into(), &mut used), "a-3.preview.jpg");
        assert_eq!(
            preview_name("photos/EK1234567.jpg"),
            "EK1234567.preview.jpg"
        );
        assert_ne!(
            preview_name("photos/EK1234567.jpg"),
            preview_name("photos/EK7654567.jpg")
        );
    }
}
