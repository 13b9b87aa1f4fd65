//! The editable data permitpack runs on (rules, fees, document lists, photo profiles, column
//! aliases, messages, letter templates, holiday calendars): the defaults are compiled into the
//! binary from `templates/`, and a user's `--templates DIR` overrides any file by name and
//! may add new ones (a `holidays/2027.json`, a new photo profile).
//!
//! This is the one place that reads template files; stages receive bytes or parsed data.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Default template files: path relative to `templates/`, and contents.
/// Add a line here for every file placed under `templates/`.
static DEFAULTS: &[(&str, &[u8])] = &[
    // (path, include_bytes!("../templates/path")),
    (
        "messages/common.toml",
        include_bytes!("../templates/messages/common.toml"),
    ),
    (
        "messages/photo.toml",
        include_bytes!("../templates/messages/photo.toml"),
    ),
    (
        "photo/shenzhen-2inch.toml",
        include_bytes!("../templates/photo/shenzhen-2inch.toml"),
    ),
    (
        "photo/cn-exit-entry.toml",
        include_bytes!("../templates/photo/cn-exit-entry.toml"),
    ),
];

/// Access to template files: a user's directory first, then the built-in defaults.
#[derive(Debug, Clone, Default)]
pub struct Templates {
    dir: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum AssetError {
    #[error("template file {path} was not found in {dir} nor among the built-in templates")]
    Missing { path: String, dir: String },
    #[error("cannot read template file {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

impl Templates {
    /// Built-in defaults only.
    pub fn builtin() -> Self {
        Templates { dir: None }
    }

    /// A user's template directory over the built-in defaults.
    pub fn with_dir(dir: impl Into<PathBuf>) -> Self {
        Templates {
            dir: Some(dir.into()),
        }
    }

    /// The user's directory, if any.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Contents of `rel` (e.g. `rules.toml`, `photo/shenzhen-2inch.toml`).
    pub fn get(&self, rel: &str) -> Result<Cow<'static, [u8]>, AssetError> {
        if let Some(dir) = &self.dir {
            let path = dir.join(rel);
            match std::fs::read(&path) {
                Ok(bytes) => return Ok(Cow::Owned(bytes)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => {
                    return Err(AssetError::Io {
                        path: path.display().to_string(),
                        source,
                    });
                }
            }
        }
        DEFAULTS
            .iter()
            .find(|(p, _)| *p == rel)
            .map(|(_, b)| Cow::Borrowed(*b))
            .ok_or_else(|| AssetError::Missing {
                path: rel.to_string(),
                dir: self
                    .dir
                    .as_ref()
                    .map_or("(none)".into(), |d| d.display().to_string()),
            })
    }

    /// Contents of `rel` as UTF-8 text (a BOM is dropped).
    pub fn get_text(&self, rel: &str) -> Result<String, AssetError> {
        let bytes = self.get(rel)?;
        let text = String::from_utf8_lossy(&bytes);
        Ok(text.strip_prefix('\u{feff}').unwrap_or(&text).to_string())
    }

    /// File names (not paths) directly inside `subdir` with the given extension, from the
    /// user's directory and the defaults together, sorted and without duplicates.
    pub fn list(&self, subdir: &str, ext: &str) -> Vec<String> {
        let mut names = BTreeSet::new();
        let prefix = format!("{}/", subdir.trim_end_matches('/'));
        for (p, _) in DEFAULTS {
            if let Some(rest) = p.strip_prefix(&prefix) {
                if !rest.contains('/') && rest.ends_with(&format!(".{ext}")) {
                    names.insert(rest.to_string());
                }
            }
        }
        if let Some(dir) = &self.dir {
            if let Ok(rd) = std::fs::read_dir(dir.join(subdir)) {
                for entry in rd.flatten() {
                    let name = entry.file_name().to_string_lossy().to_string();
                    if name.ends_with(&format!(".{ext}")) && entry.path().is_file() {
                        names.insert(name);
                    }
                }
            }
        }
        names.into_iter().collect()
    }

    /// Every built-in file, for `permitpack init`.
    pub fn builtin_files() -> impl Iterator<Item = (&'static str, &'static [u8])> {
        DEFAULTS.iter().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_dir_overrides_and_extends_defaults() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("messages")).unwrap();
        std::fs::write(tmp.path().join("messages/common.toml"), b"# mine").unwrap();
        std::fs::write(tmp.path().join("messages/extra.toml"), b"").unwrap();
        let t = Templates::with_dir(tmp.path());
        assert_eq!(&*t.get("messages/common.toml").unwrap(), b"# mine");
        let names = t.list("messages", "toml");
        assert!(names.contains(&"extra.toml".to_string()));
        assert!(names.contains(&"common.toml".to_string()));
        assert!(matches!(
            t.get("nope.toml"),
            Err(AssetError::Missing { .. })
        ));
    }

    #[test]
    fn every_default_is_listed_once() {
        let mut seen = BTreeSet::new();
        for (p, _) in Templates::builtin_files() {
            assert!(seen.insert(p), "{p} listed twice");
        }
    }
}
