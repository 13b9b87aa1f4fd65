//! The scans folder: indexes its top level once ([`DocsIndex`]), gives its folders and loose
//! files to their owners by the rule of [`super::owner`] (passport number, name, Chinese
//! name), finds `_company/`, and lists the regular files in a folder through the run's
//! [`Inputs`]; the on-disk listing ([`list_folder`], [`list_named`], [`read_top`]) is what
//! the inputs on real folders call. Symlinks are followed only when they stay inside DIR;
//! hidden and system files (`.DS_Store`, `Thumbs.db`, `~$` Office lock files...) are
//! skipped; sub-folders, empty and unreadable files are reported, never silently dropped.

use super::COMPANY_DIR;
use super::owner::{How, Owner, Owners, passport_key};
use crate::codes::{self, Code};
use crate::io::{Content, DocsTop, Inputs, Listing, ScanFile, ScanLimits, SkipReason, Skipped};
use crate::issue::Issue;
use crate::model::mask_id;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The listing without hidden and system entries, whichever [`Inputs`] listed it.
fn without_hidden(mut listing: Listing) -> Listing {
    listing.files.retain(|f| !is_hidden(&f.name));
    listing.skipped.retain(|f| !is_hidden(&f.name));
    listing.garbled.retain(|f| !is_hidden(f));
    listing
}

/// Warnings for skipped and garbled entries; `prefix` (e.g. `_company/`) is put before
/// each name.
///
/// At most `scans.max_listed_per_kind` files are named per kind of problem; the rest of
/// that kind are counted in one `document.more_files` line, so a folder of thousands of
/// files gives a few lines, not thousands.
fn listing_issues(listing: &Listing, prefix: &str) -> Vec<Issue> {
    let mut out = Vec::new();
    let max = listing.limits.max_listed_per_kind;
    let mut per_kind: BTreeMap<Code, usize> = BTreeMap::new();
    let mut push = |out: &mut Vec<Issue>, code: Code, issue: Issue| {
        let n = per_kind.entry(code).or_default();
        *n += 1;
        if *n <= max {
            out.push(issue);
        }
    };
    for s in &listing.skipped {
        let name = format!("{prefix}{}", s.name);
        let (code, issue) = match s.reason {
            SkipReason::Subfolder => (
                codes::DOCUMENT_SUBFOLDER,
                Issue::warning(codes::DOCUMENT_SUBFOLDER),
            ),
            SkipReason::LinkOutside => (
                codes::DOCUMENT_LINK_OUTSIDE,
                Issue::warning(codes::DOCUMENT_LINK_OUTSIDE),
            ),
            SkipReason::Empty => (codes::DOCUMENT_EMPTY, Issue::warning(codes::DOCUMENT_EMPTY)),
            SkipReason::Unreadable => (
                codes::DOCUMENT_UNREADABLE,
                Issue::warning(codes::DOCUMENT_UNREADABLE),
            ),
            SkipReason::TooLarge(size) => (
                codes::DOCUMENT_TOO_LARGE,
                Issue::warning(codes::DOCUMENT_TOO_LARGE)
                    .arg("size", crate::fsutil::human_size(size))
                    .arg(
                        "max",
                        crate::fsutil::human_size(listing.limits.max_file_bytes),
                    ),
            ),
        };
        push(&mut out, code, issue.arg("file", &name).file(name));
    }
    for g in &listing.garbled {
        let name = format!("{prefix}{g}");
        let issue = Issue::warning(codes::DOCUMENT_BAD_NAME)
            .arg("file", &name)
            .file(name);
        push(&mut out, codes::DOCUMENT_BAD_NAME, issue);
    }
    for (code, n) in per_kind {
        if n > max {
            out.push(
                Issue::warning(codes::DOCUMENT_MORE_FILES)
                    .arg("count", n - max)
                    .arg("code", code)
                    .arg("folder", if prefix.is_empty() { "." } else { prefix }),
            );
        }
    }
    if listing.over_count > 0 {
        out.push(
            Issue::warning(codes::DOCUMENT_TOO_MANY_FILES)
                .arg("count", listing.over_count)
                .arg("max", listing.limits.max_files_per_folder)
                .arg("folder", if prefix.is_empty() { "." } else { prefix }),
        );
    }
    out
}

/// Whether a file or folder name is a hidden or system entry to skip without a word.
pub fn is_hidden(name: &str) -> bool {
    const SYSTEM: [&str; 5] = [
        "thumbs.db",
        "ehthumbs.db",
        "desktop.ini",
        "__macosx",
        "$recycle.bin",
    ];
    let lower = name.to_lowercase();
    name.starts_with('.') || name.starts_with("~$") || SYSTEM.contains(&lower.as_str())
}

/// A name as text: UTF-8, else GB18030 (names from zips made on Chinese Windows), else with
/// replacement characters (`true` = garbled).
fn name_text(name: OsString) -> (String, bool) {
    match name.into_string() {
        Ok(s) => (s, false),
        Err(os) => decode_raw(&os),
    }
}

#[cfg(unix)]
fn decode_raw(os: &std::ffi::OsStr) -> (String, bool) {
    use std::os::unix::ffi::OsStrExt;
    let bytes = os.as_bytes();
    match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(s) => (s.into_owned(), false),
        None => (String::from_utf8_lossy(bytes).into_owned(), true),
    }
}

#[cfg(not(unix))]
fn decode_raw(os: &std::ffi::OsStr) -> (String, bool) {
    (os.to_string_lossy().into_owned(), true)
}

/// What an entry is, symlinks resolved only inside `root`.
enum Kind {
    /// A regular file: its size and the path to read it by (a link inside the docs folder
    /// resolved, so the file is opened without following links).
    File(u64, PathBuf),
    Dir(PathBuf),
    Skip(SkipReason),
}

fn classify(path: &Path, root: &Path) -> Kind {
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(_) => return Kind::Skip(SkipReason::Unreadable),
    };
    let (meta, real) = if meta.file_type().is_symlink() {
        let Ok(target) = fs::canonicalize(path) else {
            return Kind::Skip(SkipReason::LinkOutside);
        };
        if !target.starts_with(root) {
            return Kind::Skip(SkipReason::LinkOutside);
        }
        match fs::metadata(&target) {
            Ok(m) => (m, target),
            Err(_) => return Kind::Skip(SkipReason::Unreadable),
        }
    } else {
        (meta, path.to_path_buf())
    };
    if meta.is_dir() {
        Kind::Dir(real)
    } else if meta.is_file() {
        Kind::File(meta.len(), real)
    } else {
        // Sockets, devices, fifos.
        Kind::Skip(SkipReason::Unreadable)
    }
}

/// Lists the regular files directly inside `dir`, which must lie inside `root` (the
/// canonical docs folder; symlinks leaving it are skipped). Sorted by name.
pub fn list_folder(dir: &Path, root: &Path) -> io::Result<Listing> {
    list_folder_limited(dir, root, &ScanLimits::default())
}

/// [`list_folder`] within `limits`: only the first `max_files_per_folder` entries by name are
/// looked at (the rest are counted), and files over `max_file_bytes` are skipped.
pub fn list_folder_limited(dir: &Path, root: &Path, limits: &ScanLimits) -> io::Result<Listing> {
    let mut listing = Listing {
        limits: limits.clone(),
        ..Listing::default()
    };
    // Names first (cheap), then only the first entries are classified.
    let mut entries: Vec<(OsString, PathBuf)> = Vec::new();
    for entry in fs::read_dir(dir)? {
        match entry {
            Ok(e) => entries.push((e.file_name(), e.path())),
            Err(_) => listing.skipped.push(Skipped {
                name: "?".into(),
                reason: SkipReason::Unreadable,
            }),
        }
    }
    entries.sort();
    let mut looked = 0usize;
    for (file_name, path) in entries {
        let (name, garbled) = name_text(file_name);
        if is_hidden(&name) {
            continue;
        }
        if looked == limits.max_files_per_folder {
            listing.over_count += 1;
            continue;
        }
        looked += 1;
        match classify(&path, root) {
            Kind::File(0, _) => listing.skipped.push(Skipped {
                name,
                reason: SkipReason::Empty,
            }),
            Kind::File(size, _) if size > limits.max_file_bytes => listing.skipped.push(Skipped {
                name,
                reason: SkipReason::TooLarge(size),
            }),
            Kind::File(size, path) => {
                if garbled {
                    listing.garbled.push(name.clone());
                }
                listing.files.push(ScanFile { name, path, size });
            }
            Kind::Dir(_) => listing.skipped.push(Skipped {
                name,
                reason: SkipReason::Subfolder,
            }),
            Kind::Skip(reason) => listing.skipped.push(Skipped { name, reason }),
        }
    }
    listing.files.sort_by(|a, b| a.name.cmp(&b.name));
    listing.skipped.sort_by(|a, b| a.name.cmp(&b.name));
    listing.garbled.sort();
    Ok(listing)
}

/// The files `names` lying directly in `root` (the canonical docs folder), classified as
/// [`list_folder_limited`] does: the loose scans an employee owns by their names.
pub fn list_named(root: &Path, names: &[String], limits: &ScanLimits) -> Listing {
    let mut listing = Listing {
        limits: limits.clone(),
        ..Listing::default()
    };
    for name in names {
        let path = root.join(name);
        match classify(&path, root) {
            Kind::File(0, _) => listing.skipped.push(Skipped {
                name: name.clone(),
                reason: SkipReason::Empty,
            }),
            Kind::File(size, _) if size > limits.max_file_bytes => listing.skipped.push(Skipped {
                name: name.clone(),
                reason: SkipReason::TooLarge(size),
            }),
            Kind::File(size, path) => listing.files.push(ScanFile {
                name: name.clone(),
                path,
                size,
            }),
            Kind::Dir(_) => {}
            Kind::Skip(reason) => listing.skipped.push(Skipped {
                name: name.clone(),
                reason,
            }),
        }
    }
    listing.files.sort_by(|a, b| a.name.cmp(&b.name));
    listing.skipped.sort_by(|a, b| a.name.cmp(&b.name));
    listing
}

/// The first [`super::sniff::HEAD_BYTES`] bytes and the size of a matched file, named as
/// [`super::match_scans`] names it: an employee file, or `_company/NAME`.
pub fn read_head(
    inputs: &dyn Inputs,
    name: &str,
    own: &FolderScan,
    company: &FolderScan,
) -> io::Result<(Vec<u8>, u64)> {
    use std::io::Read;
    let (scan, file) = match name
        .strip_prefix(COMPANY_DIR)
        .and_then(|rest| rest.strip_prefix('/'))
    {
        Some(rest) => (company, rest),
        None => (own, name),
    };
    let file = scan
        .listing
        .as_ref()
        .and_then(|l| l.files.iter().find(|f| f.name == file))
        .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))?;
    // Through the same `Inputs` the packet reads from, so the bytes judged are the bytes
    // packed, whatever holds them (a folder on disk, an upload in memory).
    match inputs.scan(file) {
        Content::Bytes(bytes) => {
            let size = bytes.len() as u64;
            let head = bytes[..bytes.len().min(super::sniff::HEAD_BYTES)].to_vec();
            Ok((head, size))
        }
        Content::File(path) => {
            let f = fs::File::open(path)?;
            let size = f.metadata()?.len();
            let mut head = Vec::with_capacity(super::sniff::HEAD_BYTES);
            f.take(super::sniff::HEAD_BYTES as u64)
                .read_to_end(&mut head)?;
            Ok((head, size))
        }
    }
}

/// The folder key a passport number or folder name is compared by.
fn folder_key(name: &str) -> String {
    passport_key(name)
}

/// Reads the top level of `dir` on disk: the canonical folder, its entries, and the real path
/// of each sub-folder by name (links followed only when they stay inside).
pub(crate) fn read_top(dir: &Path) -> io::Result<(PathBuf, DocsTop, BTreeMap<String, PathBuf>)> {
    let root = fs::canonicalize(dir)?;
    let mut top = DocsTop::default();
    let mut paths = BTreeMap::new();
    for entry in fs::read_dir(&root)? {
        let Ok(entry) = entry else { continue };
        let (name, _) = name_text(entry.file_name());
        if is_hidden(&name) {
            continue;
        }
        match classify(&entry.path(), &root) {
            Kind::Dir(real) => {
                top.folders.push(name.clone());
                paths.insert(name, real);
            }
            Kind::File(..) => top.files.push(name),
            Kind::Skip(_) => {}
        }
    }
    Ok((root, top, paths))
}

/// The scans folder, read once: its employee folders, the files lying loose in it and
/// `_company/`; once [`DocsIndex::assign`]ed, who owns each folder and loose file.
#[derive(Debug, Clone)]
pub struct DocsIndex {
    /// Folder names (not `_company/`), sorted.
    folders: Vec<String>,
    company: Option<String>,
    /// Files lying directly in DIR, sorted.
    loose: Vec<String>,
    /// What [`DocsIndex::assign`] found.
    owned: Option<Owned>,
}

/// The folders and loose files given to the roster's employees.
#[derive(Debug, Clone, Default)]
struct Owned {
    /// Owner key -> what it owns.
    claims: BTreeMap<String, Vec<Claim>>,
    /// Owner key -> the name shown and the passport number, for every employee given.
    people: BTreeMap<String, (String, String)>,
    /// Entries several employees could own, and entries nobody owns: one each per run.
    issues: Vec<Issue>,
}

/// A folder or loose file an employee owns.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Claim {
    name: String,
    folder: bool,
    how: How,
    /// The document part of a loose file's name (`Dubois_passport.pdf` -> `passport`).
    rest: String,
}

/// An employee's (or the company's) scans, with the warnings found on the way.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FolderScan {
    /// `None` when there is no folder and no loose file.
    pub listing: Option<Listing>,
    /// The employee's own folder (a name in the scans folder), when it has one.
    pub folder: Option<String>,
    pub issues: Vec<Issue>,
    /// The document part of each loose file's name, by the name shown: what the checklist
    /// is matched on, without the owner's name or number.
    pub documents: BTreeMap<String, String>,
}

impl FolderScan {
    /// The file names (empty without a folder).
    pub fn names(&self) -> Vec<String> {
        self.listing
            .as_ref()
            .map(Listing::names)
            .unwrap_or_default()
    }

    /// A listed file by the name shown.
    pub fn file(&self, name: &str) -> Option<&ScanFile> {
        self.listing.as_ref()?.files.iter().find(|f| f.name == name)
    }

    /// The part of a file's name the checklist is matched on: a loose file's document
    /// part, any other file's whole name.
    pub fn document_name<'a>(&'a self, name: &'a str) -> &'a str {
        self.documents.get(name).map_or(name, String::as_str)
    }
}

/// `folder 'X'` / `file 'X'` / `files 'X', 'Y'`, in English and Chinese.
fn entries_text(names: &[&str], folder: bool) -> (String, String) {
    let en = names
        .iter()
        .map(|n| format!("'{n}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let zh = names
        .iter()
        .map(|n| format!("“{n}”"))
        .collect::<Vec<_>>()
        .join("、");
    match (folder, names.len()) {
        (true, _) => (format!("folder {en}"), format!("文件夹{zh}")),
        (false, 1) => (format!("file {en}"), format!("文件{zh}")),
        (false, _) => (format!("files {en}"), format!("文件{zh}")),
    }
}

impl DocsIndex {
    /// Indexes the top level of the scans folder.
    pub fn new(top: DocsTop) -> DocsIndex {
        let mut folders = Vec::new();
        let mut company: Option<String> = None;
        for name in top.folders {
            if is_hidden(&name) {
                continue;
            }
            if name.eq_ignore_ascii_case(COMPANY_DIR) {
                if company.is_none() || name == COMPANY_DIR {
                    company = Some(name);
                }
            } else {
                folders.push(name);
            }
        }
        folders.sort();
        let mut loose: Vec<String> = top.files.into_iter().filter(|n| !is_hidden(n)).collect();
        loose.sort();
        DocsIndex {
            folders,
            company,
            loose,
            owned: None,
        }
    }

    /// Opens the scans folder through `inputs`; `None` without one. `Err` is the issue when
    /// the folder itself cannot be read.
    pub fn open(inputs: &dyn Inputs) -> Option<Result<DocsIndex, Issue>> {
        inputs.docs().map(|top| top.map(DocsIndex::new))
    }

    /// Gives every folder and loose file to the employee it belongs to ([`super::owner`]).
    /// An entry two or more employees could own is given to nobody; an entry nobody owns
    /// is not used. Both are said once, in [`Self::issues`].
    pub fn assign(&mut self, owners: &Owners) {
        let (claims, issues) = self.resolve_all(owners);
        let people = (0..owners.len())
            .map(|i| {
                let p = owners.person(i);
                (
                    p.key.clone(),
                    (p.shown.clone(), p.passport.clone().unwrap_or_default()),
                )
            })
            .collect();
        self.owned = Some(Owned {
            claims,
            people,
            issues,
        });
    }

    /// The run's warnings about entries of the scans folder: owned by several employees
    /// (`document.owner_ambiguous`), or by nobody (`document.unclaimed_folder`,
    /// `document.stray_file`, with the closest employee when one is near). Empty before
    /// [`Self::assign`].
    pub fn issues(&self) -> &[Issue] {
        self.owned.as_ref().map_or(&[], |o| o.issues.as_slice())
    }

    /// Who owns each folder and loose file, by owner key; and the issues of the others.
    fn resolve_all(&self, owners: &Owners) -> (BTreeMap<String, Vec<Claim>>, Vec<Issue>) {
        let mut claims: BTreeMap<String, Vec<Claim>> = BTreeMap::new();
        let mut issues = Vec::new();
        let entries = self
            .folders
            .iter()
            .map(|f| (f, true))
            .chain(self.loose.iter().map(|f| (f, false)));
        for (name, folder) in entries {
            let r = if folder {
                owners.resolve_whole(name)
            } else {
                owners.resolve(super::stem(name))
            };
            match r.owner {
                Owner::One { who, how } => claims
                    .entry(owners.person(who).key.clone())
                    .or_default()
                    .push(Claim {
                        name: name.clone(),
                        folder,
                        how,
                        rest: r.rest,
                    }),
                Owner::Several(who) => {
                    let (entries_en, entries_zh) = entries_text(&[name.as_str()], folder);
                    let issue = Issue::warning(codes::DOCUMENT_OWNER_AMBIGUOUS)
                        .arg("entries_en", entries_en)
                        .arg("entries_zh", entries_zh)
                        .file(name.clone());
                    issues.push(owners.ambiguity_args(&who, issue));
                }
                Owner::Nobody { closest } => {
                    let near = closest.map(|i| owners.person(i));
                    let (hint_en, hint_zh, fix_en, fix_zh) = match near {
                        Some(p) => {
                            let passport = p.passport.as_deref().unwrap_or("—");
                            let (fix_en, fix_zh) = if folder {
                                (
                                    format!(" If it is {}'s, rename it to {passport}.", p.shown),
                                    format!("如属于 {}，请将其重命名为 {passport}。", p.shown),
                                )
                            } else {
                                (
                                    format!(
                                        " If it is {}'s, move it into the folder {passport} (or name it {passport}_<document>).",
                                        p.shown
                                    ),
                                    format!(
                                        "如属于 {}，请将其移入文件夹 {passport}（或命名为 {passport}_材料名称）。",
                                        p.shown
                                    ),
                                )
                            };
                            (
                                format!(" Closest employee: {}.", p.shown),
                                format!("最接近的员工：{}。", p.shown),
                                fix_en,
                                fix_zh,
                            )
                        }
                        None => Default::default(),
                    };
                    let issue = if folder {
                        Issue::warning(codes::DOCUMENT_UNCLAIMED_FOLDER).arg("folder", name)
                    } else {
                        Issue::warning(codes::DOCUMENT_STRAY_FILE)
                            .arg("file", name)
                            .file(name.clone())
                    };
                    issues.push(
                        issue
                            .arg("hint_en", hint_en)
                            .arg("hint_zh", hint_zh)
                            .arg("fix_en", fix_en)
                            .arg("fix_zh", fix_zh),
                    );
                }
            }
        }
        (claims, issues)
    }

    /// What the employee with this passport number owns: without [`Self::assign`], or for
    /// a number not on the roster (a zero-padded guess), by the number alone.
    fn claims_of(&self, key: &str) -> (Vec<Claim>, Option<(String, String)>) {
        if let Some(o) = &self.owned
            && let Some(person) = o.people.get(key)
        {
            let claims = o.claims.get(key).cloned().unwrap_or_default();
            return (claims, Some(person.clone()));
        }
        let alone = crate::model::Employee {
            passport_no: Some(key.to_string()),
            ..Default::default()
        };
        let (mut claims, _) = self.resolve_all(&Owners::new([&alone]));
        (claims.remove(key).unwrap_or_default(), None)
    }

    /// The scans of the employee with this passport number: the folder it owns (named by
    /// the number, any case, perhaps followed by a space, `_`, `-` or `.` and anything; or by
    /// the employee's name) and the loose files it owns. A folder named exactly by the number
    /// comes first; with two or more folders the first is used and `document.folder_ambiguous`
    /// says so. A folder or files found by name get one `document.by_name` warning each.
    pub fn employee(&self, inputs: &dyn Inputs, passport_no: &str) -> FolderScan {
        let key = folder_key(passport_no);
        let masked = mask_id(&key);
        let mut scan = FolderScan::default();
        if key.is_empty() {
            return scan;
        }
        let (claims, person) = self.claims_of(&key);
        let (mut folders, files): (Vec<Claim>, Vec<Claim>) =
            claims.into_iter().partition(|c| c.folder);
        folders.sort_by(|a, b| {
            (folder_key(&a.name) != key, a.how, &a.name).cmp(&(
                folder_key(&b.name) != key,
                b.how,
                &b.name,
            ))
        });
        if folders.is_empty() && files.is_empty() {
            scan.issues.push(
                Issue::warning(codes::DOCUMENT_NO_FOLDER)
                    .arg("passport", &masked)
                    .arg("passport_full", &key),
            );
            return scan;
        }
        let by_name = |names: &[&str], folder: bool, how: How| {
            let (shown, passport) = person.clone().unwrap_or_default();
            let (entries_en, entries_zh) = entries_text(names, folder);
            Issue::warning(codes::DOCUMENT_BY_NAME)
                .arg("entries_en", entries_en)
                .arg("entries_zh", entries_zh)
                .arg("name", shown)
                .arg("how_en", how.label_en())
                .arg("how_zh", how.label_zh())
                .arg("passport", &masked)
                .arg("passport_full", passport)
                .file(names[0].to_string())
        };
        if folders.len() > 1 {
            scan.issues.push(
                Issue::warning(codes::DOCUMENT_FOLDER_AMBIGUOUS)
                    .arg("passport", &masked)
                    .arg("count", folders.len())
                    .arg(
                        "folders",
                        folders
                            .iter()
                            .map(|c| c.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                    )
                    .arg("folder", &folders[0].name),
            );
        }
        if let Some(folder) = folders.first() {
            scan.folder = Some(folder.name.clone());
            if folder.how.by_name() {
                scan.issues
                    .push(by_name(&[folder.name.as_str()], true, folder.how));
            }
            match inputs.scan_folder(&folder.name) {
                Ok(listing) => {
                    let listing = without_hidden(listing);
                    scan.issues.extend(listing_issues(&listing, ""));
                    scan.listing = Some(listing);
                }
                Err(e) => scan.issues.push(
                    Issue::warning(codes::DOCUMENT_FOLDER_UNREADABLE)
                        .arg("passport", &masked)
                        .arg("folder", &folder.name)
                        .arg("detail", e.kind()),
                ),
            }
        }
        if !files.is_empty() {
            let named: Vec<&Claim> = files.iter().filter(|c| c.how.by_name()).collect();
            if let Some(first) = named.first() {
                let names: Vec<&str> = named.iter().map(|c| c.name.as_str()).collect();
                scan.issues.push(by_name(&names, false, first.how));
            }
            let names: Vec<String> = files.iter().map(|c| c.name.clone()).collect();
            let loose = without_hidden(inputs.loose_scans(&names));
            scan.issues.extend(listing_issues(&loose, ""));
            let listing = scan.listing.get_or_insert_with(|| Listing {
                limits: loose.limits.clone(),
                ..Listing::default()
            });
            listing.files.extend(loose.files);
            listing.files.sort_by(|a, b| a.name.cmp(&b.name));
            listing.skipped.extend(loose.skipped);
            listing.garbled.extend(loose.garbled);
            for c in files {
                scan.documents.insert(c.name, c.rest);
            }
        }
        scan
    }

    /// The shared `_company/` folder (no issue when there is none: the company items then
    /// show as missing).
    pub fn company(&self, inputs: &dyn Inputs) -> FolderScan {
        let mut scan = FolderScan::default();
        let Some(folder) = &self.company else {
            return scan;
        };
        match inputs.scan_folder(folder) {
            Ok(listing) => {
                let listing = without_hidden(listing);
                scan.issues
                    .extend(listing_issues(&listing, &format!("{COMPANY_DIR}/")));
                scan.listing = Some(listing);
            }
            Err(e) => scan.issues.push(
                Issue::warning(codes::DOCUMENT_FOLDER_UNREADABLE)
                    .arg("passport", COMPANY_DIR)
                    .arg("detail", e.kind()),
            ),
        }
        scan
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::FsInputs;

    fn open(root: &Path) -> (FsInputs, DocsIndex) {
        let inputs = FsInputs::new(PathBuf::new(), None, None, Some(root.to_path_buf()));
        let index = DocsIndex::open(&inputs).unwrap().unwrap();
        (inputs, index)
    }

    fn write(root: &Path, rel: &str, bytes: &[u8]) {
        let p = root.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, bytes).unwrap();
    }

    #[test]
    fn hidden_and_system_names() {
        for n in [
            ".DS_Store",
            "Thumbs.db",
            "desktop.ini",
            "~$合同.docx",
            "._scan.pdf",
        ] {
            assert!(is_hidden(n), "{n}");
        }
        for n in ["passport.pdf", "合同.pdf", "thumbs.db.pdf"] {
            assert!(!is_hidden(n), "{n}");
        }
    }

    #[test]
    fn lists_regular_files_and_reports_the_rest() {
        let tmp = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(tmp.path()).unwrap();
        let dir = root.join("E123");
        write(&dir, "b.pdf", b"x");
        write(&dir, "a.jpg", b"x");
        write(&dir, ".DS_Store", b"x");
        write(&dir, "Thumbs.db", b"x");
        write(&dir, "~$draft.docx", b"x");
        write(&dir, "empty.pdf", b"");
        write(&dir, "old/passport.pdf", b"x");
        let l = list_folder(&dir, &root).unwrap();
        assert_eq!(l.names(), vec!["a.jpg", "b.pdf"]);
        assert_eq!(
            l.skipped,
            vec![
                Skipped {
                    name: "empty.pdf".into(),
                    reason: SkipReason::Empty
                },
                Skipped {
                    name: "old".into(),
                    reason: SkipReason::Subfolder
                },
            ]
        );
        let codes: Vec<String> = listing_issues(&l, "").into_iter().map(|i| i.code).collect();
        assert_eq!(
            codes,
            vec![codes::DOCUMENT_EMPTY, codes::DOCUMENT_SUBFOLDER]
        );
        assert_eq!(l.path_of("a.jpg"), Some(dir.join("a.jpg").as_path()));
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_inside_are_followed_outside_are_not() {
        use std::os::unix::fs::symlink;
        let outside = tempfile::tempdir().unwrap();
        write(outside.path(), "secret.pdf", b"secret");
        let tmp = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(tmp.path()).unwrap();
        write(&root, "_company/bank_statement.pdf", b"x");
        write(&root, "E1/passport.pdf", b"x");
        symlink(
            root.join("_company/bank_statement.pdf"),
            root.join("E1/bank.pdf"),
        )
        .unwrap();
        symlink(
            outside.path().join("secret.pdf"),
            root.join("E1/secret.pdf"),
        )
        .unwrap();
        symlink(root.join("nowhere.pdf"), root.join("E1/dangling.pdf")).unwrap();
        // A whole employee folder linked from outside is not followed either.
        write(outside.path(), "E2/passport.pdf", b"x");
        symlink(outside.path().join("E2"), root.join("E2")).unwrap();

        let (inputs, index) = open(&root);
        let scan = index.employee(&inputs, "e1");
        assert_eq!(scan.names(), vec!["bank.pdf", "passport.pdf"]);
        let skipped: Vec<_> = scan.listing.as_ref().unwrap().skipped.clone();
        assert_eq!(skipped.len(), 2);
        assert!(skipped.iter().all(|s| s.reason == SkipReason::LinkOutside));
        assert!(
            scan.issues
                .iter()
                .all(|i| i.code == codes::DOCUMENT_LINK_OUTSIDE)
        );
        let scan = index.employee(&inputs, "E2");
        assert!(scan.listing.is_none());
        assert_eq!(scan.issues[0].code, codes::DOCUMENT_NO_FOLDER);
    }

    #[test]
    fn finds_folders_by_passport_case_insensitively() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        write(root, "e12345678/passport.pdf", b"x");
        write(root, "G7654321 Jane Doe/passport.pdf", b"x");
        write(root, "G76543210/other.pdf", b"x");
        write(root, "_Company/bank_statement.pdf", b"x");
        write(root, "stray.pdf", b"x");
        write(root, ".hidden/x.pdf", b"x");
        let (inputs, index) = open(root);
        assert_eq!(
            index.employee(&inputs, "E12345678").names(),
            vec!["passport.pdf"]
        );
        let scan = index.employee(&inputs, "g7654321");
        assert_eq!(scan.names(), vec!["passport.pdf"]);
        assert!(scan.issues.is_empty(), "{:?}", scan.issues);
        assert_eq!(
            index.employee(&inputs, "G76543210").names(),
            vec!["other.pdf"]
        );
        assert_eq!(index.company(&inputs).names(), vec!["bank_statement.pdf"]);
        // Given to a roster: the folder and the loose file nobody owns are named in full,
        // once each, the folder with the employee whose number is one digit off.
        let mut index = index;
        index.assign(&Owners::new(&[
            person("E12345678", "Jane Roe", ""),
            person("G7654321", "Jane Doe", ""),
        ]));
        let run: Vec<(&str, &str, &str)> = index
            .issues()
            .iter()
            .map(|i| {
                (
                    i.code.as_str(),
                    i.get("folder").or(i.get("file")).unwrap(),
                    i.get("hint_en").unwrap(),
                )
            })
            .collect();
        assert_eq!(
            run,
            [
                (
                    codes::DOCUMENT_UNCLAIMED_FOLDER.as_str(),
                    "G76543210",
                    " Closest employee: Jane Doe."
                ),
                (codes::DOCUMENT_STRAY_FILE.as_str(), "stray.pdf", ""),
            ]
        );
        let fix = index.issues()[0].get("fix_en").unwrap();
        assert!(fix.contains("rename it to G7654321"), "{fix}");
        // No folder: a warning with the number masked.
        let scan = index.employee(&inputs, "X99999999");
        assert_eq!(scan.issues.len(), 1);
        assert_eq!(scan.issues[0].code, codes::DOCUMENT_NO_FOLDER);
        assert_eq!(scan.issues[0].get("passport"), Some("X9****999"));
        // An empty passport finds nothing and says nothing.
        assert_eq!(index.employee(&inputs, "  "), FolderScan::default());
    }

    fn person(passport: &str, name: &str, chinese: &str) -> crate::model::Employee {
        crate::model::Employee {
            sheet: "员工".into(),
            row: 2,
            passport_no: Some(passport.into()),
            name: Some(name.into()),
            chinese_name: (!chinese.is_empty()).then(|| chinese.into()),
            ..Default::default()
        }
    }

    /// Folders and loose files as an HR department keeps them: by name in any order and
    /// case, by Chinese name with a list index, by number and name, and loose files named
    /// `<name>_<document>`.
    #[test]
    fn folders_and_loose_files_named_by_person() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        write(root, "Maria GARCIA/passport.pdf", b"x");
        write(root, "03 张伟/护照.jpg", b"x");
        write(root, "TK4829173 Tanaka/合同.pdf", b"x");
        write(root, "Dubois_passport.pdf", b"x");
        write(root, "Dubois 合同.pdf", b"x");
        write(root, "Wang/x.pdf", b"x");
        write(root, "Mario Garsia/y.pdf", b"x");
        write(root, "_company/bank.pdf", b"x");
        let (inputs, mut index) = open(root);
        index.assign(&Owners::new(&[
            person("P1234567", "María García", ""),
            person("E12345678", "Zhang Wei", "张伟"),
            person("TK4829173", "Tanaka Kenji", ""),
            person("G1111111", "Jean Dubois", ""),
            person("W1000001", "Wang Lei", ""),
            person("W1000002", "Wang Fang", ""),
        ]));
        let codes = |scan: &FolderScan| -> Vec<String> {
            scan.issues.iter().map(|i| i.code.clone()).collect()
        };

        let maria = index.employee(&inputs, "P1234567");
        assert_eq!(maria.names(), ["passport.pdf"]);
        assert_eq!(codes(&maria), [codes::DOCUMENT_BY_NAME]);
        let w = &maria.issues[0];
        assert_eq!(w.get("entries_en"), Some("folder 'Maria GARCIA'"));
        assert_eq!(w.get("name"), Some("María García"));
        assert_eq!(w.get("how_en"), Some("name"));
        assert_eq!(w.get("passport"), Some("P1***567"));
        assert_eq!(w.get("passport_full"), Some("P1234567"));

        let zhang = index.employee(&inputs, "E12345678");
        assert_eq!(zhang.names(), ["护照.jpg"]);
        assert_eq!(zhang.issues[0].get("how_en"), Some("Chinese name"));

        let tanaka = index.employee(&inputs, "TK4829173");
        assert_eq!(tanaka.names(), ["合同.pdf"]);
        assert!(tanaka.issues.is_empty(), "{:?}", tanaka.issues);

        let dubois = index.employee(&inputs, "g1111111");
        assert_eq!(dubois.names(), ["Dubois 合同.pdf", "Dubois_passport.pdf"]);
        assert_eq!(dubois.document_name("Dubois_passport.pdf"), "passport");
        assert_eq!(dubois.document_name("Dubois 合同.pdf"), "合同");
        assert_eq!(codes(&dubois), [codes::DOCUMENT_BY_NAME]);
        assert_eq!(
            dubois.issues[0].get("entries_en"),
            Some("files 'Dubois 合同.pdf', 'Dubois_passport.pdf'")
        );
        assert_eq!(dubois.issues[0].get("how_en"), Some("part of the name"));
        let path = dubois.file("Dubois_passport.pdf").unwrap().path.clone();
        assert_eq!(fs::read(path).unwrap(), b"x");

        // `Wang` could be either Wang: neither gets it, and the run says so once.
        let wang = index.employee(&inputs, "W1000001");
        assert_eq!(codes(&wang), [codes::DOCUMENT_NO_FOLDER]);
        assert_eq!(wang.issues[0].get("passport_full"), Some("W1000001"));
        let run: Vec<&str> = index.issues().iter().map(|i| i.code.as_str()).collect();
        assert_eq!(
            run,
            [
                codes::DOCUMENT_UNCLAIMED_FOLDER,
                codes::DOCUMENT_OWNER_AMBIGUOUS
            ],
            "{:?}",
            index.issues()
        );
        let unclaimed = &index.issues()[0];
        assert_eq!(unclaimed.get("folder"), Some("Mario Garsia"));
        assert_eq!(
            unclaimed.get("hint_en"),
            Some(" Closest employee: María García.")
        );
        let ambiguous = &index.issues()[1];
        assert_eq!(ambiguous.get("names"), Some("Wang Lei, Wang Fang"));
        assert_eq!(
            ambiguous.get("choices"),
            Some("Wang Lei W1000001; Wang Fang W1000002")
        );
        // The folder of a number nobody on the roster has (a zero-padded guess) is found
        // by the number alone.
        write(root, "0P1234567/a.pdf", b"x");
        let (inputs, index) = open(root);
        assert_eq!(index.employee(&inputs, "0P1234567").names(), ["a.pdf"]);
    }

    #[test]
    fn two_folders_for_one_passport_are_reported() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        write(root, "E1 old/a.pdf", b"x");
        write(root, "E1_new/b.pdf", b"x");
        let (inputs, index) = open(root);
        let scan = index.employee(&inputs, "E1");
        assert_eq!(scan.names(), vec!["a.pdf"]);
        assert_eq!(scan.issues[0].code, codes::DOCUMENT_FOLDER_AMBIGUOUS);
        assert_eq!(scan.issues[0].get("folders"), Some("E1 old, E1_new"));
        assert_eq!(scan.issues[0].get("folder"), Some("E1 old"));
    }

    #[cfg(unix)]
    #[test]
    fn gbk_file_names_are_decoded() {
        use std::os::unix::ffi::OsStrExt;
        let tmp = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(tmp.path()).unwrap();
        let dir = root.join("E1");
        fs::create_dir_all(&dir).unwrap();
        // "合同.pdf" in GBK.
        let (gbk, _, _) = encoding_rs::GBK.encode("合同.pdf");
        let name = std::ffi::OsStr::from_bytes(&gbk);
        if fs::write(dir.join(name), b"x").is_err() {
            return; // a filesystem that only takes UTF-8 names
        }
        let l = list_folder(&dir, &root).unwrap();
        assert_eq!(l.names(), vec!["合同.pdf"]);
        assert!(l.garbled.is_empty());
        assert_eq!(fs::read(&l.files[0].path).unwrap(), b"x");
    }

    #[test]
    fn a_missing_docs_folder_is_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        let inputs = FsInputs::new(PathBuf::new(), None, None, Some(tmp.path().join("nope")));
        assert!(DocsIndex::open(&inputs).unwrap().is_err());
    }
}
