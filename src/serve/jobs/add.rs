//! Adding files to one employee of a job (the page's card): each file with the checklist
//! item it is (or `photo`), put where the run reads that employee's scans or photo, named
//! after the item, in place of the file the run matched to that item
//! ([`crate::run::Run::place`]). Received as an upload is (the same limits, the job's disk
//! lock, a staging folder), then moved in; a refusal leaves nothing.
//!
//! The form: `item` fields and `file` parts, each file taking the last `item` before it
//! (`item=passport, file, item=residence_permit, file, file`: the last two are both the
//! Residence Permit, its front and back).

use super::runner::job_inputs;
use super::upload::{job_bytes, new_staging, read_field, receive_file, shown_path, unless_deleted};
use super::{Form, Job, JobError, Part, Settings, clean_upload_path, lock, windows_safe};
use crate::limits::ServeLimits;
use crate::packet::PHOTO_ITEM;
use crate::run::Setup;
use crate::run::{PlaceError, Run, RunInputs, Store};
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Extensions of a scan HR may add (the documents stage reads PDF, JPEG and PNG).
const SCAN_EXTENSIONS: [&str; 4] = ["pdf", "jpg", "jpeg", "png"];
/// Extensions of a photo (the photo stage reads JPEG and PNG).
const PHOTO_EXTENSIONS: [&str; 3] = ["jpg", "jpeg", "png"];

/// One file added: its item, where it went and what it replaced (paths inside the upload).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Added {
    pub item: String,
    pub file: String,
    pub replaced: Vec<String>,
}

/// A file received into the staging folder, not yet placed.
struct Staged {
    item: String,
    /// Its name as sent, for messages.
    sent: String,
    /// Lower-case extension.
    ext: String,
    path: PathBuf,
}

/// Receives files for the employee with this passport number and moves each where the run
/// reads it. Returns the job's settings (for the rerun) and what was added. Refused while the
/// job waits or runs, for a passport number not on the roster, an item not on the employee's
/// checklist, a file of the wrong type, and over the upload limits; nothing is kept then.
pub async fn add(
    job: &Arc<Job>,
    setup: &Arc<Setup>,
    passport: &str,
    form: &mut impl Form,
    limits: &ServeLimits,
) -> Result<(Settings, Vec<Added>), JobError> {
    let _disk = unless_deleted(job, job.disk.lock()).await?;
    if job.is_deleted() {
        return Err(JobError::Deleted);
    }
    if !job.is_settled() {
        return Err(JobError::Running);
    }
    let settings = lock(&job.settings).clone();
    // The employee and the items are known before a byte of a file is read.
    let items = {
        let (job, setup, settings, passport) = (
            job.clone(),
            setup.clone(),
            settings.clone(),
            passport.to_string(),
        );
        tokio::task::spawn_blocking(move || {
            let run = load(&job, &setup, &settings)?.0;
            run.items_of(&passport)
                .map_err(|e| place_error(e, &passport, ""))
        })
        .await
        .map_err(JobError::internal)??
    };
    let staging = new_staging(job)?;
    let received = receive_files(job, form, &staging, &items, limits).await;
    let result = match received {
        Ok(_) if job.is_deleted() => Err(JobError::Deleted),
        Ok(staged) => {
            let (job, setup, settings, passport) = (
                job.clone(),
                setup.clone(),
                settings.clone(),
                passport.to_string(),
            );
            tokio::task::spawn_blocking(move || {
                place_all(&job, &setup, &settings, &passport, staged)
            })
            .await
            .map_err(JobError::internal)
            .and_then(|r| r)
        }
        Err(e) => Err(e),
    };
    let _ = tokio::fs::remove_dir_all(&staging).await;
    if job.is_deleted() {
        return Err(JobError::Deleted);
    }
    result.map(|added| (settings, added))
}

/// The run over the job's current files (roster read, folders indexed; nothing judged), and
/// the folder the roster lies in.
fn load(job: &Job, setup: &Arc<Setup>, settings: &Settings) -> Result<(Run, PathBuf), JobError> {
    let opened = job_inputs(job, settings, setup).map_err(|_| JobError::NoRoster)?;
    let as_of = settings.as_of.unwrap_or_else(crate::clock::today_in_china);
    let run = Run::load(RunInputs::new(setup.clone(), opened.inputs, as_of))
        .map_err(|_| JobError::NoRoster)?;
    Ok((run, opened.beside))
}

fn place_error(e: PlaceError, passport: &str, item: &str) -> JobError {
    match e {
        PlaceError::NoEmployee => JobError::NoEmployee {
            passport: shown_path(passport),
        },
        PlaceError::NoItem { items } => JobError::NoItem {
            item: shown_path(item),
            items,
        },
    }
}

/// Reads the form into `staging`: `item` fields, and files each staged under a number with
/// the last item before it.
async fn receive_files(
    job: &Job,
    form: &mut impl Form,
    staging: &Path,
    items: &[String],
    limits: &ServeLimits,
) -> Result<Vec<Staged>, JobError> {
    let mut total = job_bytes(job).await;
    let mut item: Option<String> = None;
    let mut staged: Vec<Staged> = Vec::new();
    while let Some(mut part) = unless_deleted(job, form.next_part()).await?? {
        job.touch();
        let name = part.name().to_string();
        if name != "file" {
            let text = unless_deleted(job, read_field(&mut part, &name)).await??;
            let text = text.trim();
            if name != "item" {
                return Err(JobError::BadField {
                    field: shown_path(&name),
                    value: shown_path(crate::fsutil::truncate_bytes(text, 40)),
                });
            }
            if !items.iter().any(|i| i == text) {
                return Err(JobError::NoItem {
                    item: shown_path(text),
                    items: items.to_vec(),
                });
            }
            item = Some(text.to_string());
            continue;
        }
        let sent = part.file_name().to_string();
        let Some(item) = item.clone() else {
            return Err(JobError::ItemMissing {
                file: shown_path(&sent),
            });
        };
        let ext = checked_type(&sent, &item)?;
        if item == PHOTO_ITEM && staged.iter().any(|s| s.item == PHOTO_ITEM) {
            return Err(JobError::OnePhoto);
        }
        if staged.len() >= limits.max_files {
            return Err(JobError::TooManyFiles {
                limit: limits.max_files,
            });
        }
        let rel = format!("file-{}", staged.len());
        total += receive_file(job, &mut part, staging, &rel, total, limits).await?;
        staged.push(Staged {
            item,
            sent: shown_path(&sent),
            ext,
            path: staging.join(&rel),
        });
    }
    if staged.is_empty() {
        return Err(JobError::NoFiles);
    }
    Ok(staged)
}

/// The lower-case extension of a file sent for `item`, when its type can be that item.
fn checked_type(sent: &str, item: &str) -> Result<String, JobError> {
    let base = sent.rsplit(['/', '\\']).next().unwrap_or(sent);
    if clean_upload_path(base).is_none() {
        return Err(JobError::BadPath {
            file: shown_path(sent),
        });
    }
    let photo = item == PHOTO_ITEM;
    let allowed: &[&str] = if photo {
        &PHOTO_EXTENSIONS
    } else {
        &SCAN_EXTENSIONS
    };
    let ext = base
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .filter(|e| allowed.contains(&e.as_str()));
    ext.ok_or_else(|| JobError::BadFileType {
        file: shown_path(sent),
        allowed: if photo { "JPEG, PNG" } else { "PDF, JPEG, PNG" }.to_string(),
    })
}

/// Places every staged file (all places are settled on the files as they were, before any
/// moves), then moves each in, removing the files it replaces.
fn place_all(
    job: &Job,
    setup: &Arc<Setup>,
    settings: &Settings,
    passport: &str,
    staged: Vec<Staged>,
) -> Result<Vec<Added>, JobError> {
    let (run, beside) = load(job, setup, settings)?;
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut moves = Vec::new();
    for f in staged {
        let place = run
            .place(passport, &f.item)
            .map_err(|e| place_error(e, passport, &f.item))?;
        let n = seen.entry(f.item.clone()).or_default();
        *n += 1;
        let place = if *n > 1 { place.nth(*n) } else { place };
        let store = beside.join(match place.store {
            Store::Docs => "docs",
            Store::Photos => "photos",
        });
        let rel = place.path(&f.ext);
        if clean_upload_path(&rel).as_deref() != Some(rel.as_str()) || !windows_safe(&rel) {
            return Err(JobError::BadPath { file: f.sent });
        }
        moves.push((f, store, rel, place.replaces));
    }
    drop(run);
    let input = job.input_dir();
    let shown = |p: &Path| {
        p.strip_prefix(&input)
            .map(|r| r.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default()
    };
    let mut added = Vec::new();
    for (f, store, rel, replaces) in moves {
        let target = store.join(&rel);
        let not_moved = |e: std::io::Error| JobError::NotMoved {
            file: f.sent.clone(),
            reason: e.to_string(),
        };
        if let Some(parent) = target.parent() {
            crate::fsutil::create_output_dir(parent, false).map_err(not_moved)?;
        }
        std::fs::rename(&f.path, &target).map_err(not_moved)?;
        let mut replaced = Vec::new();
        for old in replaces.iter().filter(|r| **r != rel) {
            let path = store.join(old);
            // Only a file of this job's upload, never through a link.
            let is_file = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file());
            if is_file && path.starts_with(&input) && std::fs::remove_file(&path).is_ok() {
                replaced.push(shown(&path));
            }
        }
        if replaces.contains(&rel) {
            replaced.push(shown(&target));
        }
        added.push(Added {
            item: f.item,
            file: shown(&target),
            replaced,
        });
    }
    Ok(added)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_of_the_wrong_type_is_refused_by_its_extension() {
        assert_eq!(checked_type("Passport.PDF", "passport").unwrap(), "pdf");
        assert_eq!(checked_type("dir/x.JPEG", "photo").unwrap(), "jpeg");
        for (sent, item) in [
            ("contract.docx", "labour_contract"),
            ("scan.pdf", "photo"),
            ("noextension", "passport"),
            ("photo.heic", "photo"),
        ] {
            assert!(
                matches!(checked_type(sent, item), Err(JobError::BadFileType { .. })),
                "{sent} {item}"
            );
        }
        assert!(matches!(
            checked_type("a\u{1}b.pdf", "passport"),
            Err(JobError::BadPath { .. })
        ));
    }
}
