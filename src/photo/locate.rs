//! Finding an employee's photo among the photos folder's files: the roster's photo cell,
//! else a file whose stem is the passport number (case insensitive), else a file the
//! employee owns by the rule of [`crate::documents::owner`] (number and name, or, with a
//! warning, the name or Chinese name; a photo two employees could own goes to neither). The folder is listed
//! and read through the run's [`Inputs`], which keep every read inside the folder (no `..`,
//! absolute path or link leading out).

// Lookups return `Result<_, Issue>`: the issue is the user-facing outcome, not an error
// to propagate cheaply, so its size does not matter.
#![allow(clippy::result_large_err)]

use crate::codes;
use crate::documents::owner::{How, Owner, Owners, owner_key, shown_name};
use crate::io::{FileStamp, Inputs, PhotoReadError};
use crate::issue::Issue;
use crate::model::{Employee, Field, mask_id};
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// Extensions looked at when matching a passport number, best first. Formats other than
/// JPEG and PNG are still found, so the judge can say "convert to JPEG".
const PHOTO_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "jpe", "png", "heic", "heif", "avif", "webp", "gif", "bmp", "tif", "tiff",
];

/// A photo file on disk, for judging files given on the command line.
#[derive(Debug, Clone, PartialEq)]
pub struct PhotoFile {
    /// Full path, for reading.
    pub path: PathBuf,
    /// The name as shown.
    pub name: String,
    /// Warnings about the choice (several candidate files).
    pub warnings: Vec<Issue>,
}

/// An employee's photo, found and read.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundPhoto {
    /// The name relative to the photos folder, with `/` separators: what people see.
    pub name: String,
    pub bytes: Vec<u8>,
    /// Warnings about the choice (several candidate files).
    pub warnings: Vec<Issue>,
}

/// An employee's photo, found but not read (see [`PhotoIndex::locate_employee`]).
#[derive(Debug, Clone, PartialEq)]
pub struct LocatedPhoto {
    /// The name relative to the photos folder, as in [`FoundPhoto`].
    pub name: String,
    /// Its stamp, when the inputs have one (files on disk).
    pub stamp: Option<FileStamp>,
    pub warnings: Vec<Issue>,
}

/// The photos named by the roster's employees, by owner key: the photos whose names are
/// theirs (best first), and the photos that fit nobody but whose names are near theirs.
#[derive(Debug, Clone, Default)]
struct Owned {
    theirs: BTreeMap<String, Vec<(String, How)>>,
    near: BTreeMap<String, Vec<String>>,
}

/// A photo found, with what reading it gave (its bytes, or its stamp).
struct Found<T> {
    name: String,
    bytes: T,
    warnings: Vec<Issue>,
}

impl Found<Vec<u8>> {
    fn photo(self) -> FoundPhoto {
        FoundPhoto {
            name: self.name,
            bytes: self.bytes,
            warnings: self.warnings,
        }
    }
}

/// The photos folder, listed once, for finding many employees' photos.
#[derive(Debug, Clone)]
pub struct PhotoIndex {
    /// The folder as the user gave it, for messages.
    dir: String,
    /// Lower-case stem -> file names directly in the folder with a photo extension.
    by_stem: BTreeMap<String, Vec<String>>,
    /// Lower-case file name -> file name, for case-insensitive lookups of photo cells.
    by_name: BTreeMap<String, String>,
    /// What [`PhotoIndex::assign`] found: the owner keys of the roster, and by owner key
    /// the photos whose names are theirs or near theirs.
    owned: Option<(std::collections::BTreeSet<String>, Owned)>,
    /// Photos two or more employees could own, said once per run.
    issues: Vec<Issue>,
}

fn ext_rank(name: &str) -> Option<usize> {
    let ext = Path::new(name).extension()?.to_str()?.to_ascii_lowercase();
    PHOTO_EXTENSIONS.iter().position(|e| *e == ext)
}

impl PhotoIndex {
    /// Indexes the names of the files directly in the photos folder; `dir` is the folder as
    /// shown in messages.
    pub fn new(dir: impl Into<String>, names: impl IntoIterator<Item = String>) -> PhotoIndex {
        let mut by_stem: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut by_name = BTreeMap::new();
        for name in names {
            if name.starts_with('.') {
                continue;
            }
            by_name.insert(name.to_lowercase(), name.clone());
            if ext_rank(&name).is_some()
                && let Some(stem) = Path::new(&name).file_stem().and_then(|s| s.to_str())
            {
                by_stem
                    .entry(stem.trim().to_lowercase())
                    .or_default()
                    .push(name.clone());
            }
        }
        for names in by_stem.values_mut() {
            names.sort_by_key(|n| (ext_rank(n), n.clone()));
        }
        PhotoIndex {
            dir: dir.into(),
            by_stem,
            by_name,
            owned: None,
            issues: Vec::new(),
        }
    }

    /// Gives each photo to the employee its name belongs to ([`crate::documents::owner`]);
    /// a photo two or more employees could own is given to none, with one
    /// `photo.owner_ambiguous` warning in [`Self::issues`].
    pub fn assign(&mut self, owners: &Owners) {
        let (owned, issues) = self.resolve_all(owners);
        let keys = (0..owners.len())
            .map(|i| owners.person(i).key.clone())
            .collect();
        self.owned = Some((keys, owned));
        self.issues = issues;
    }

    /// The run's warnings about photos several employees could own.
    pub fn issues(&self) -> &[Issue] {
        &self.issues
    }

    fn resolve_all(&self, owners: &Owners) -> (Owned, Vec<Issue>) {
        let mut owned = Owned::default();
        let mut issues = Vec::new();
        for (stem, files) in &self.by_stem {
            match owners.resolve_whole(stem).owner {
                Owner::One { who, how } => owned
                    .theirs
                    .entry(owners.person(who).key.clone())
                    .or_default()
                    .extend(files.iter().map(|f| (f.clone(), how))),
                Owner::Several(who) => {
                    for f in files {
                        let issue = Issue::warning(codes::PHOTO_OWNER_AMBIGUOUS)
                            .arg("file", f)
                            .file(f.clone());
                        issues.push(owners.ambiguity_args(&who, issue));
                    }
                }
                Owner::Nobody { closest: Some(who) } => owned
                    .near
                    .entry(owners.person(who).key.clone())
                    .or_default()
                    .extend(files.iter().cloned()),
                Owner::Nobody { closest: None } => {}
            }
        }
        for list in owned.theirs.values_mut() {
            list.sort_by_key(|(n, how)| (*how, ext_rank(n), n.clone()));
        }
        (owned, issues)
    }

    /// The photos an employee owns by name or number (best first), and the photos nobody
    /// owns whose names are near the employee's: as [`Self::assign`] gave them, or, without
    /// it, among this employee alone.
    fn owned_by(&self, e: &Employee) -> (Vec<(String, How)>, Vec<String>) {
        let key = owner_key(e);
        let take = |o: &Owned| {
            (
                o.theirs.get(&key).cloned().unwrap_or_default(),
                o.near.get(&key).cloned().unwrap_or_default(),
            )
        };
        if let Some((keys, owned)) = &self.owned
            && keys.contains(&key)
        {
            return take(owned);
        }
        take(&self.resolve_all(&Owners::new([e])).0)
    }

    /// Lists the photos folder through `inputs`; `None` without one, `Err` a `photo.folder`
    /// issue when it cannot be read.
    pub fn open(inputs: &dyn Inputs) -> Option<Result<PhotoIndex, Issue>> {
        inputs
            .photo_names()
            .map(|listed| listed.map(|l| PhotoIndex::new(l.folder, l.names)))
    }

    /// The folder as given.
    pub fn dir(&self) -> &str {
        &self.dir
    }

    /// The photos named by this passport number (any case, any photo extension), best first.
    pub fn named_by_number(&self, passport_no: &str) -> &[String] {
        self.by_stem
            .get(&passport_no.trim().to_lowercase())
            .map_or(&[], Vec::as_slice)
    }

    /// Finds and reads the photo named in a roster cell, or else the one named after the
    /// passport, refusing one over `max_bytes` unread. Issues carry the file name only; add
    /// sheet/row/cell (or use [`Self::find_employee`]).
    pub fn find(
        &self,
        inputs: &dyn Inputs,
        cell: Option<&str>,
        passport_no: Option<&str>,
        max_bytes: u64,
    ) -> Result<FoundPhoto, Issue> {
        self.find_with(
            &|name| inputs.photo(name, max_bytes),
            cell,
            passport_no,
            max_bytes,
        )
        .map(Found::photo)
    }

    /// [`Self::find`] with `read` standing for reading a photo (or only checking it).
    fn find_with<T>(
        &self,
        read: &dyn Fn(&str) -> Result<T, PhotoReadError>,
        cell: Option<&str>,
        passport_no: Option<&str>,
        max_bytes: u64,
    ) -> Result<Found<T>, Issue> {
        let cell = cell.map(str::trim).filter(|c| !c.is_empty());
        if let Some(c) = cell {
            return self.by_cell(read, c, max_bytes);
        }
        let passport = passport_no.map(str::trim).filter(|p| !p.is_empty());
        let Some(p) = passport else {
            return Err(Issue::error(codes::PHOTO_MISSING)
                .arg("passport", "—")
                .arg("passport_full", "—")
                .arg("hint_en", "")
                .arg("hint_zh", ""));
        };
        let key = p.to_lowercase();
        let missing = || {
            Issue::error(codes::PHOTO_MISSING)
                .arg("passport", mask_id(p))
                .arg("passport_full", p)
                .arg("hint_en", "")
                .arg("hint_zh", "")
        };
        let Some(names) = self.by_stem.get(&key) else {
            return Err(missing());
        };
        // Try candidates best first; a link out of the folder is skipped, not followed.
        let mut escaped = None;
        for name in names {
            match read(name) {
                Ok(bytes) => {
                    let mut warnings = Vec::new();
                    if names.len() > 1 {
                        warnings.push(
                            Issue::warning(codes::PHOTO_AMBIGUOUS)
                                .arg("passport", mask_id(p))
                                .arg("chosen", name)
                                .arg(
                                    "others",
                                    names
                                        .iter()
                                        .filter(|n| *n != name)
                                        .cloned()
                                        .collect::<Vec<_>>()
                                        .join(", "),
                                )
                                .file(name.clone()),
                        );
                    }
                    return Ok(Found {
                        name: name.clone(),
                        bytes,
                        warnings,
                    });
                }
                // Listed but not readable as a file inside: a link leading out or nowhere.
                Err(PhotoReadError::NotFound | PhotoReadError::Outside) => {
                    escaped = Some(self.escape(name))
                }
                Err(e) => return Err(read_issue(e, name, max_bytes)),
            }
        }
        Err(escaped.unwrap_or_else(missing))
    }

    /// [`Self::find`] for a roster row, with the issue pointing at the photo cell (or the
    /// passport cell when the photo cell was empty). With no cell and no file named by the
    /// passport number, a file named by the employee's name (English or Chinese) is taken,
    /// with a `photo.by_name` warning.
    pub fn find_employee(
        &self,
        inputs: &dyn Inputs,
        e: &Employee,
        max_bytes: u64,
    ) -> Result<FoundPhoto, Issue> {
        self.find_employee_with(&|name| inputs.photo(name, max_bytes), e, max_bytes)
            .map(Found::photo)
    }

    /// [`Self::find_employee`] without reading the photo: the file it would read, with its
    /// stamp, for the rerun cache's key. Every check but the read itself is made, so the
    /// same file is found (or the same issue given).
    pub fn locate_employee(
        &self,
        inputs: &dyn Inputs,
        e: &Employee,
        max_bytes: u64,
    ) -> Result<LocatedPhoto, Issue> {
        self.find_employee_with(&|name| inputs.photo_stamp(name, max_bytes), e, max_bytes)
            .map(|f| LocatedPhoto {
                name: f.name,
                stamp: f.bytes,
                warnings: f.warnings,
            })
    }

    fn find_employee_with<T>(
        &self,
        read: &dyn Fn(&str) -> Result<T, PhotoReadError>,
        e: &Employee,
        max_bytes: u64,
    ) -> Result<Found<T>, Issue> {
        let cell_given = e.photo.as_deref().is_some_and(|c| !c.trim().is_empty());
        let found = self.find_with(
            read,
            e.photo.as_deref(),
            e.passport_no.as_deref(),
            max_bytes,
        );
        let found = match found {
            Err(mut i) if !cell_given && i.code == codes::PHOTO_MISSING => {
                let (theirs, near) = self.owned_by(e);
                if !near.is_empty() {
                    say_near(&mut i, &near);
                }
                match theirs.first() {
                    Some((name, how)) => match read(name) {
                        Ok(bytes) => {
                            let warnings = if how.by_name() {
                                vec![by_name_issue(e, name, *how)]
                            } else {
                                Vec::new()
                            };
                            Ok(Found {
                                name: name.clone(),
                                bytes,
                                warnings,
                            })
                        }
                        Err(_) => Err(i),
                    },
                    None => Err(i),
                }
            }
            other => other,
        };
        found.map_err(|mut i| {
            i.at.sheet = Some(e.sheet.clone());
            i.at.row = Some(e.row);
            let field = if cell_given {
                Field::Photo
            } else {
                Field::PassportNo
            };
            i.at.cell = e.cell_of(field).map(str::to_string).or(i.at.cell);
            i
        })
    }

    fn by_cell<T>(
        &self,
        read: &dyn Fn(&str) -> Result<T, PhotoReadError>,
        cell: &str,
        max_bytes: u64,
    ) -> Result<Found<T>, Issue> {
        let typed = cell
            .trim_matches(|c| c == '"' || c == '\'')
            .replace('\\', "/");
        let rel = Path::new(&typed);
        let bad_path = || {
            Issue::error(codes::PHOTO_PATH)
                .arg("file", cell)
                .arg("folder", &self.dir)
        };
        if rel.is_absolute() || typed.starts_with('/') || typed.get(1..2) == Some(":") {
            return Err(bad_path());
        }
        if rel
            .components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
        {
            return Err(bad_path());
        }
        let mut tries: Vec<PathBuf> = vec![rel.to_path_buf()];
        // Case-insensitive match of a bare file name, and a cell that repeats the folder
        // name ("photos/E123.jpg") or another prefix: try the bare file name too.
        if let Some(file) = rel.file_name().and_then(|f| f.to_str())
            && let Some(real) = self.by_name.get(&file.to_lowercase())
        {
            tries.push(PathBuf::from(real));
        }
        for t in &tries {
            let name = t
                .components()
                .filter_map(|c| match c {
                    Component::Normal(n) => n.to_str(),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join("/");
            match read(&name) {
                Ok(bytes) => {
                    return Ok(Found {
                        name,
                        bytes,
                        warnings: Vec::new(),
                    });
                }
                Err(PhotoReadError::NotFound) => continue,
                Err(PhotoReadError::Outside) => return Err(self.escape(&t.display().to_string())),
                Err(e) => return Err(read_issue(e, &name, max_bytes)),
            }
        }
        Err(Issue::error(codes::PHOTO_MISSING_FILE)
            .arg("file", cell)
            .arg("folder", &self.dir)
            .file(typed))
    }

    /// The issue for a name that leads out of the folder.
    fn escape(&self, shown: &str) -> Issue {
        Issue::error(codes::PHOTO_PATH)
            .arg("file", shown)
            .arg("folder", &self.dir)
            .file(shown.to_string())
    }
}

/// `photo.by_name`: the photo was taken because its name is the employee's. The action
/// gives the full passport number to rename it to (the report is private; the terminal
/// masks it).
fn by_name_issue(e: &Employee, name: &str, how: How) -> Issue {
    let passport = e
        .passport_no
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    let ext = Path::new(name)
        .extension()
        .and_then(|x| x.to_str())
        .unwrap_or("jpg")
        .to_ascii_lowercase();
    Issue::warning(codes::PHOTO_BY_NAME)
        .arg("file", name)
        .arg(
            "passport",
            passport.map(mask_id).unwrap_or_else(|| "—".into()),
        )
        .arg("passport_full", passport.unwrap_or("—"))
        .arg("ext", ext)
        .arg("name", shown_name(e))
        .arg("how_en", how.label_en())
        .arg("how_zh", how.label_zh())
        .file(name.to_string())
}

/// Names, in a `photo.missing` issue, the photos nobody owns whose names are near the
/// employee's (`Mario Garsia.jpg` for María García): the likely typo, said once, to the
/// employee it is nearest to.
fn say_near(issue: &mut Issue, near: &[String]) {
    let files = near
        .iter()
        .map(|f| format!("'{f}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let hint_en = format!(
        " The photo {files} has a name near this employee's but fits nobody, so it was not used."
    );
    let hint_zh = format!("照片 {files} 的名称与该员工相近但不属于任何人，因此未被使用。");
    for (k, v) in issue.args.iter_mut() {
        match k.as_str() {
            "hint_en" => *v = hint_en.clone(),
            "hint_zh" => *v = hint_zh.clone(),
            _ => {}
        }
    }
}

/// The issue for a photo that was found but not read.
fn read_issue(e: PhotoReadError, name: &str, max_bytes: u64) -> Issue {
    match e {
        PhotoReadError::TooLarge { size } => Issue::error(codes::PHOTO_OVERSIZE_FILE)
            .arg("bytes", super::human_bytes(size))
            .arg("max", super::human_bytes(max_bytes))
            .file(name.to_string()),
        PhotoReadError::Io(kind) => Issue::error(codes::PHOTO_UNREADABLE)
            .arg("detail", format!("cannot read the file: {kind}"))
            .file(name.to_string()),
        PhotoReadError::NotFound => Issue::error(codes::PHOTO_UNREADABLE)
            .arg("detail", "cannot read the file: entity not found")
            .file(name.to_string()),
        PhotoReadError::Outside => Issue::error(codes::PHOTO_UNREADABLE)
            .arg(
                "detail",
                "cannot read the file: it leads outside the photos folder",
            )
            .file(name.to_string()),
    }
}

/// Reads a photo file once, without following a link, refusing (without reading) a file
/// over `max_bytes` or one that is not a regular file.
pub fn read_photo(file: &PhotoFile, max_bytes: u64) -> Result<Vec<u8>, Issue> {
    use crate::fsutil::InputError;
    crate::fsutil::read_input(&file.path, max_bytes).map_err(|e| match e {
        InputError::TooLarge { size, limit } => Issue::error(codes::PHOTO_OVERSIZE_FILE)
            .arg("bytes", super::human_bytes(size))
            .arg("max", super::human_bytes(limit))
            .file(file.name.clone()),
        other => Issue::error(codes::PHOTO_UNREADABLE)
            .arg("detail", format!("cannot read the file: {other}"))
            .file(file.name.clone()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::FsInputs;

    /// The photos folder `dir` on disk, indexed.
    fn scan(dir: &Path) -> Result<(FsInputs, PhotoIndex), Issue> {
        let inputs = FsInputs::new(PathBuf::new(), None, Some(dir.to_path_buf()), None);
        let index = PhotoIndex::open(&inputs).unwrap()?;
        Ok((inputs, index))
    }

    fn dir_with(files: &[&str]) -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        for f in files {
            let p = d.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, b"x").unwrap();
        }
        d
    }

    #[test]
    fn cell_names_a_file_relative_to_the_folder() {
        let d = dir_with(&["a.jpg", "sub/b.png", "Mixed.JPG"]);
        let (inputs, idx) = scan(d.path()).unwrap();
        assert_eq!(
            idx.find(&inputs, Some("a.jpg"), None, u64::MAX)
                .unwrap()
                .name,
            "a.jpg"
        );
        assert_eq!(
            idx.find(&inputs, Some(" sub\\b.png "), None, u64::MAX)
                .unwrap()
                .name,
            "sub/b.png"
        );
        // Case-insensitive and with the folder name repeated.
        assert_eq!(
            idx.find(&inputs, Some("mixed.jpg"), None, u64::MAX)
                .unwrap()
                .name,
            "Mixed.JPG"
        );
        assert_eq!(
            idx.find(&inputs, Some("photos/a.jpg"), None, u64::MAX)
                .unwrap()
                .name,
            "a.jpg"
        );
        let e = idx
            .find(&inputs, Some("nope.jpg"), Some("E12345678"), u64::MAX)
            .unwrap_err();
        assert_eq!(e.code, codes::PHOTO_MISSING_FILE);
    }

    #[test]
    fn passport_stem_matches_case_insensitively_and_prefers_jpeg() {
        let d = dir_with(&[
            "e12345678.PNG",
            "E12345678.jpg",
            "E12345678.heic",
            "G7654321.heic",
        ]);
        let (inputs, idx) = scan(d.path()).unwrap();
        let f = idx
            .find(&inputs, None, Some("E12345678"), u64::MAX)
            .unwrap();
        assert_eq!(f.name, "E12345678.jpg");
        assert_eq!(f.warnings.len(), 1);
        assert_eq!(f.warnings[0].code, codes::PHOTO_AMBIGUOUS);
        // Only a HEIC: found, so the judge can say "convert to JPEG".
        assert_eq!(
            idx.find(&inputs, Some(""), Some("g7654321"), u64::MAX)
                .unwrap()
                .name,
            "G7654321.heic"
        );
        let e = idx
            .find(&inputs, None, Some("X99999999"), u64::MAX)
            .unwrap_err();
        assert_eq!(e.code, codes::PHOTO_MISSING);
        // The passport number is masked in the message arguments.
        assert_eq!(e.get("passport"), Some("X9****999"));
    }

    #[test]
    fn never_leaves_the_folder() {
        let outer = dir_with(&["secret.jpg", "photos/ok.jpg"]);
        let photos = outer.path().join("photos");
        let (inputs, idx) = scan(&photos).unwrap();
        for bad in [
            "../secret.jpg",
            "/etc/passwd",
            "C:\\x.jpg",
            "sub/../../secret.jpg",
        ] {
            let e = idx.find(&inputs, Some(bad), None, u64::MAX).unwrap_err();
            assert_eq!(e.code, codes::PHOTO_PATH, "{bad}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(
                outer.path().join("secret.jpg"),
                photos.join("E1234567.jpg"),
            )
            .unwrap();
            std::os::unix::fs::symlink(outer.path().join("secret.jpg"), photos.join("link.jpg"))
                .unwrap();
            let (inputs, idx) = scan(&photos).unwrap();
            assert_eq!(
                idx.find(&inputs, Some("link.jpg"), None, u64::MAX)
                    .unwrap_err()
                    .code,
                codes::PHOTO_PATH
            );
            assert_eq!(
                idx.find(&inputs, None, Some("E1234567"), u64::MAX)
                    .unwrap_err()
                    .code,
                codes::PHOTO_PATH
            );
        }
    }

    #[test]
    fn employee_issues_point_at_the_cell() {
        let d = dir_with(&[]);
        let (inputs, idx) = scan(d.path()).unwrap();
        let mut e = Employee {
            sheet: "Staff".into(),
            row: 7,
            passport_no: Some("E12345678".into()),
            ..Default::default()
        };
        e.cells.insert(Field::PassportNo, "C7".into());
        e.cells.insert(Field::Photo, "R7".into());
        let i = idx.find_employee(&inputs, &e, u64::MAX).unwrap_err();
        assert_eq!(
            (i.at.sheet.as_deref(), i.at.row, i.at.cell.as_deref()),
            (Some("Staff"), Some(7), Some("C7"))
        );
        e.photo = Some("me.jpg".into());
        let i = idx.find_employee(&inputs, &e, u64::MAX).unwrap_err();
        assert_eq!(i.at.cell.as_deref(), Some("R7"));
    }

    #[test]
    fn size_cap_is_checked_before_reading_and_missing_folder_is_an_issue() {
        let d = dir_with(&["a.jpg"]);
        let (inputs, idx) = scan(d.path()).unwrap();
        assert_eq!(
            idx.find(&inputs, Some("a.jpg"), None, 1).unwrap().bytes,
            b"x"
        );
        let e = idx.find(&inputs, Some("a.jpg"), None, 0).unwrap_err();
        assert_eq!(e.code, codes::PHOTO_OVERSIZE_FILE);
        let e = scan(&d.path().join("nope")).unwrap_err();
        assert_eq!(e.code, codes::PHOTO_FOLDER);
    }

    /// Photos named by person, under the roster's owner rule: by name with a warning that
    /// carries the full number for the fix, no guess between two Wangs (said once), and a
    /// near miss named in the missing photo's message.
    #[test]
    fn photos_named_by_person_follow_the_owner_rule() {
        let d = dir_with(&[
            "Maria Garcia.jpg",
            "张伟.png",
            "Wang.jpg",
            "Jean Dubios.jpg",
        ]);
        let (inputs, mut idx) = scan(d.path()).unwrap();
        let person = |passport: &str, name: &str, chinese: Option<&str>| Employee {
            sheet: "Staff".into(),
            row: 2,
            passport_no: Some(passport.into()),
            name: Some(name.into()),
            chinese_name: chinese.map(str::to_string),
            ..Default::default()
        };
        let staff = [
            person("P1234567", "María García", None),
            person("E12345678", "Zhang Wei", Some("张伟")),
            person("K80000001", "Wang Lei", None),
            person("K80000002", "Wang Fang", None),
            person("12AB34567", "Jean Dubois", None),
        ];
        idx.assign(&Owners::new(&staff));
        let maria = idx.find_employee(&inputs, &staff[0], u64::MAX).unwrap();
        assert_eq!(maria.name, "Maria Garcia.jpg");
        assert_eq!(maria.warnings.len(), 1);
        let w = &maria.warnings[0];
        assert_eq!(w.code, codes::PHOTO_BY_NAME);
        assert_eq!(w.get("passport"), Some("P1***567"));
        assert_eq!(w.get("passport_full"), Some("P1234567"));
        assert_eq!(w.get("how_en"), Some("name"));
        let zhang = idx.find_employee(&inputs, &staff[1], u64::MAX).unwrap();
        assert_eq!(zhang.name, "张伟.png");
        assert_eq!(zhang.warnings[0].get("how_en"), Some("Chinese name"));
        for wang in &staff[2..4] {
            let e = idx.find_employee(&inputs, wang, u64::MAX).unwrap_err();
            assert_eq!(e.code, codes::PHOTO_MISSING);
            assert_eq!(e.get("hint_en"), Some(""));
        }
        let run: Vec<(&str, Option<&str>)> = idx
            .issues()
            .iter()
            .map(|i| (i.code.as_str(), i.get("names")))
            .collect();
        assert_eq!(
            run,
            [(
                codes::PHOTO_OWNER_AMBIGUOUS.as_str(),
                Some("Wang Lei, Wang Fang")
            )]
        );
        let dubois = idx.find_employee(&inputs, &staff[4], u64::MAX).unwrap_err();
        assert_eq!(dubois.code, codes::PHOTO_MISSING);
        assert!(
            dubois.get("hint_en").unwrap().contains("'Jean Dubios.jpg'"),
            "{dubois:?}"
        );
        assert_eq!(dubois.get("passport_full"), Some("12AB34567"));
    }

    /// The rerun cache keys an employee by the photo `locate_employee` names: it must be
    /// the one `find_employee` reads, or the same issue, in every case, on disk and in memory.
    #[test]
    fn locate_agrees_with_find_without_reading() {
        use std::os::unix::fs::symlink;
        let d = dir_with(&[
            "E12345678.jpg",
            "E12345678.png",
            "Maria Rossi.jpg",
            "big.jpg",
            "sub/c.jpg",
        ]);
        std::fs::write(d.path().join("big.jpg"), vec![0u8; 100]).unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("x.jpg"), b"x").unwrap();
        symlink(outside.path().join("x.jpg"), d.path().join("G1234567.jpg")).unwrap();
        let (fs, idx) = scan(d.path()).unwrap();
        let mut memory = crate::run::MemoryInputs::default();
        for name in [
            "E12345678.jpg",
            "E12345678.png",
            "Maria Rossi.jpg",
            "sub/c.jpg",
        ] {
            memory = memory.photo(name, b"x".to_vec());
        }
        memory = memory.photo("big.jpg", vec![0u8; 100]);
        let mem_idx = PhotoIndex::open(&memory).unwrap().unwrap();
        let person = |passport: Option<&str>, cell: Option<&str>, name: Option<&str>| Employee {
            sheet: "Staff".into(),
            row: 3,
            passport_no: passport.map(str::to_string),
            photo: cell.map(str::to_string),
            name: name.map(str::to_string),
            ..Default::default()
        };
        let cases = [
            person(Some("E12345678"), None, None),
            person(Some("e12345678"), None, None),
            person(None, Some("sub/c.jpg"), None),
            person(None, Some("big.jpg"), None),
            person(None, Some("../x.jpg"), None),
            person(None, Some("nope.jpg"), None),
            person(Some("X9999999"), None, Some("Maria Rossi")),
            person(Some("X9999999"), None, None),
            person(Some("G1234567"), None, None),
        ];
        for e in &cases {
            for (inputs, idx) in [
                (&fs as &dyn Inputs, &idx),
                (&memory as &dyn Inputs, &mem_idx),
            ] {
                let found = idx.find_employee(inputs, e, 50);
                let located = idx.locate_employee(inputs, e, 50);
                match (&found, &located) {
                    (Ok(f), Ok(l)) => {
                        assert_eq!((&f.name, &f.warnings), (&l.name, &l.warnings));
                    }
                    (Err(f), Err(l)) => assert_eq!(f, l),
                    _ => panic!("{e:?}: found {found:?}, located {located:?}"),
                }
            }
        }
        // On disk the stamp is the file's; in memory there is none (the bytes are hashed).
        let e = &cases[0];
        let l = idx.locate_employee(&fs, e, 50).unwrap();
        let meta = std::fs::metadata(d.path().join(&l.name)).unwrap();
        assert_eq!(l.stamp, Some(FileStamp::of(&meta)));
        assert_eq!(mem_idx.locate_employee(&memory, e, 50).unwrap().stamp, None);
    }
}
