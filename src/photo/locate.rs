//! The filesystem edge of the photo stage: finds an employee's photo in the `--photos`
//! folder (the roster's photo cell, else a file whose stem is the passport number, case
//! insensitive) and reads it under the size cap. Never leaves the photos folder, whether
//! by `..`, an absolute path or a symbolic link.

// Lookups return `Result<_, Issue>`: the issue is the user-facing outcome, not an error
// to propagate cheaply, so its size does not matter.
#![allow(clippy::result_large_err)]

use crate::issue::Issue;
use crate::model::{Employee, Field, mask_id};
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// Extensions looked at when matching a passport number, best first. Formats other than
/// JPEG and PNG are still found, so the judge can say "convert to JPEG".
const PHOTO_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "jpe", "png", "heic", "heif", "avif", "webp", "gif", "bmp", "tif", "tiff",
];

/// A photo file that was found.
#[derive(Debug, Clone, PartialEq)]
pub struct PhotoFile {
    /// Full path, for reading.
    pub path: PathBuf,
    /// The name relative to the photos folder, with `/` separators: what people see.
    pub name: String,
    /// Warnings about the choice (several candidate files).
    pub warnings: Vec<Issue>,
}

/// The photos folder, listed once, for finding many employees' photos.
#[derive(Debug, Clone)]
pub struct PhotoIndex {
    dir: PathBuf,
    canonical: PathBuf,
    /// Lower-case stem -> file names directly in the folder with a photo extension.
    by_stem: BTreeMap<String, Vec<String>>,
    /// Lower-case file name -> file name, for case-insensitive lookups of photo cells.
    by_name: BTreeMap<String, String>,
}

fn ext_rank(name: &str) -> Option<usize> {
    let ext = Path::new(name).extension()?.to_str()?.to_ascii_lowercase();
    PHOTO_EXTENSIONS.iter().position(|e| *e == ext)
}

impl PhotoIndex {
    /// Lists the folder. `Err` is a `photo.folder` issue when it cannot be read.
    pub fn scan(dir: &Path) -> Result<PhotoIndex, Issue> {
        let folder_issue = |e: &std::io::Error| {
            Issue::error("photo.folder")
                .arg("folder", dir.display())
                .arg("detail", e.kind())
        };
        let canonical = dir.canonicalize().map_err(|e| folder_issue(&e))?;
        let mut by_stem: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut by_name = BTreeMap::new();
        for entry in std::fs::read_dir(&canonical)
            .map_err(|e| folder_issue(&e))?
            .flatten()
        {
            let Ok(name) = entry.file_name().into_string() else {
                continue; // not valid Unicode: cannot be named in a roster cell either
            };
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
        Ok(PhotoIndex {
            dir: dir.to_path_buf(),
            canonical,
            by_stem,
            by_name,
        })
    }

    /// The folder as given.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Finds the photo named in a roster cell, or else the one named after the passport.
    /// Issues carry the file name only; add sheet/row/cell (or use [`Self::locate_employee`]).
    pub fn locate(
        &self,
        cell: Option<&str>,
        passport_no: Option<&str>,
    ) -> Result<PhotoFile, Issue> {
        let cell = cell.map(str::trim).filter(|c| !c.is_empty());
        if let Some(c) = cell {
            return self.by_cell(c);
        }
        let passport = passport_no.map(str::trim).filter(|p| !p.is_empty());
        let Some(p) = passport else {
            return Err(Issue::error("photo.missing").arg("passport", "—"));
        };
        let key = p.to_lowercase();
        let Some(names) = self.by_stem.get(&key) else {
            return Err(Issue::error("photo.missing").arg("passport", mask_id(p)));
        };
        // Try candidates best first; a symlink out of the folder is skipped, not followed.
        let mut escaped = None;
        for name in names {
            match self.inside(Path::new(name)) {
                Ok(path) => {
                    let mut warnings = Vec::new();
                    if names.len() > 1 {
                        warnings.push(
                            Issue::warning("photo.ambiguous")
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
                    return Ok(PhotoFile {
                        path,
                        name: name.clone(),
                        warnings,
                    });
                }
                Err(e) => escaped = Some(e),
            }
        }
        Err(escaped.unwrap_or_else(|| Issue::error("photo.missing").arg("passport", mask_id(p))))
    }

    /// [`Self::locate`] for a roster row, with the issue pointing at the photo cell (or the
    /// passport cell when the photo cell was empty).
    pub fn locate_employee(&self, e: &Employee) -> Result<PhotoFile, Issue> {
        let cell_given = e.photo.as_deref().is_some_and(|c| !c.trim().is_empty());
        self.locate(e.photo.as_deref(), e.passport_no.as_deref())
            .map_err(|mut i| {
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

    fn by_cell(&self, cell: &str) -> Result<PhotoFile, Issue> {
        let typed = cell
            .trim_matches(|c| c == '"' || c == '\'')
            .replace('\\', "/");
        let rel = Path::new(&typed);
        let bad_path = || {
            Issue::error("photo.path")
                .arg("file", cell)
                .arg("folder", self.dir.display())
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
            if self.canonical.join(t).is_file() {
                let path = self.inside(t)?;
                let name = t
                    .components()
                    .filter_map(|c| c.as_os_str().to_str())
                    .collect::<Vec<_>>()
                    .join("/");
                return Ok(PhotoFile {
                    path,
                    name,
                    warnings: Vec::new(),
                });
            }
        }
        Err(Issue::error("photo.missing.file")
            .arg("file", cell)
            .arg("folder", self.dir.display())
            .file(typed))
    }

    /// The real path of `rel` if it stays inside the folder after resolving links.
    fn inside(&self, rel: &Path) -> Result<PathBuf, Issue> {
        let shown = rel.display().to_string();
        let escape = || {
            Issue::error("photo.path")
                .arg("file", &shown)
                .arg("folder", self.dir.display())
                .file(shown.clone())
        };
        let real = self
            .canonical
            .join(rel)
            .canonicalize()
            .map_err(|_| escape())?;
        if !real.starts_with(&self.canonical) || !real.is_file() {
            return Err(escape());
        }
        Ok(real)
    }
}

/// One-off lookup (lists the folder each call; use [`PhotoIndex`] for many employees).
pub fn locate(
    photos_dir: &Path,
    cell: Option<&str>,
    passport_no: Option<&str>,
) -> Result<PhotoFile, Issue> {
    PhotoIndex::scan(photos_dir)?.locate(cell, passport_no)
}

/// Reads a located photo once, without following a link and refusing (without reading) a
/// file over `max_bytes` or one that is not a regular file; the bytes judged are the bytes
/// packed.
pub fn read_photo(file: &PhotoFile, max_bytes: u64) -> Result<Vec<u8>, Issue> {
    use crate::fsutil::InputError;
    crate::fsutil::read_input(&file.path, max_bytes).map_err(|e| match e {
        InputError::TooLarge { size, limit } => Issue::error("photo.oversize_file")
            .arg("bytes", super::human_bytes(size))
            .arg("max", super::human_bytes(limit))
            .file(file.name.clone()),
        other => Issue::error("photo.unreadable")
            .arg("detail", format!("cannot read the file: {other}"))
            .file(file.name.clone()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let idx = PhotoIndex::scan(d.path()).unwrap();
        assert_eq!(idx.locate(Some("a.jpg"), None).unwrap().name, "a.jpg");
        assert_eq!(
            idx.locate(Some(" sub\\b.png "), None).unwrap().name,
            "sub/b.png"
        );
        // Case-insensitive and with the folder name repeated.
        assert_eq!(
            idx.locate(Some("mixed.jpg"), None).unwrap().name,
            "Mixed.JPG"
        );
        assert_eq!(
            idx.locate(Some("photos/a.jpg"), None).unwrap().name,
            "a.jpg"
        );
        let e = idx.locate(Some("nope.jpg"), Some("E12345678")).unwrap_err();
        assert_eq!(e.code, "photo.missing.file");
    }

    #[test]
    fn passport_stem_matches_case_insensitively_and_prefers_jpeg() {
        let d = dir_with(&[
            "e12345678.PNG",
            "E12345678.jpg",
            "E12345678.heic",
            "G7654321.heic",
        ]);
        let idx = PhotoIndex::scan(d.path()).unwrap();
        let f = idx.locate(None, Some("E12345678")).unwrap();
        assert_eq!(f.name, "E12345678.jpg");
        assert_eq!(f.warnings.len(), 1);
        assert_eq!(f.warnings[0].code, "photo.ambiguous");
        // Only a HEIC: found, so the judge can say "convert to JPEG".
        assert_eq!(
            idx.locate(Some(""), Some("g7654321")).unwrap().name,
            "G7654321.heic"
        );
        let e = idx.locate(None, Some("X99999999")).unwrap_err();
        assert_eq!(e.code, "photo.missing");
        // The passport number is masked in the message arguments.
        assert_eq!(e.get("passport"), Some("X9****999"));
    }

    #[test]
    fn never_leaves_the_folder() {
        let outer = dir_with(&["secret.jpg", "photos/ok.jpg"]);
        let photos = outer.path().join("photos");
        let idx = PhotoIndex::scan(&photos).unwrap();
        for bad in [
            "../secret.jpg",
            "/etc/passwd",
            "C:\\x.jpg",
            "sub/../../secret.jpg",
        ] {
            let e = idx.locate(Some(bad), None).unwrap_err();
            assert_eq!(e.code, "photo.path", "{bad}");
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
            let idx = PhotoIndex::scan(&photos).unwrap();
            assert_eq!(
                idx.locate(Some("link.jpg"), None).unwrap_err().code,
                "photo.path"
            );
            assert_eq!(
                idx.locate(None, Some("E1234567")).unwrap_err().code,
                "photo.path"
            );
        }
    }

    #[test]
    fn employee_issues_point_at_the_cell() {
        let d = dir_with(&[]);
        let idx = PhotoIndex::scan(d.path()).unwrap();
        let mut e = Employee {
            sheet: "Staff".into(),
            row: 7,
            passport_no: Some("E12345678".into()),
            ..Default::default()
        };
        e.cells.insert(Field::PassportNo, "C7".into());
        e.cells.insert(Field::Photo, "R7".into());
        let i = idx.locate_employee(&e).unwrap_err();
        assert_eq!(
            (i.at.sheet.as_deref(), i.at.row, i.at.cell.as_deref()),
            (Some("Staff"), Some(7), Some("C7"))
        );
        e.photo = Some("me.jpg".into());
        let i = idx.locate_employee(&e).unwrap_err();
        assert_eq!(i.at.cell.as_deref(), Some("R7"));
    }

    #[test]
    fn size_cap_is_checked_before_reading_and_missing_folder_is_an_issue() {
        let d = dir_with(&["a.jpg"]);
        let f = locate(d.path(), Some("a.jpg"), None).unwrap();
        assert_eq!(read_photo(&f, 1).unwrap(), b"x");
        assert_eq!(read_photo(&f, 0).unwrap_err().code, "photo.oversize_file");
        let e = PhotoIndex::scan(&d.path().join("nope")).unwrap_err();
        assert_eq!(e.code, "photo.folder");
    }
}
