//! The typst `World` a document is compiled in: template sources (from [`Templates`], so a
//! company's `--templates DIR` wins), the employee's data as the virtual file `/data.json`,
//! an optional photo thumbnail (`/photo.png` or `/photo.jpg`), the shared fonts, and a fixed
//! "today" (the run's as-of date) so output never depends on the clock.
//!
//! Nothing else is reachable: no packages, no files outside the templates.

use super::fonts::FontSet;
use crate::assets::{AssetError, Templates};
use std::collections::HashMap;
use std::sync::{LazyLock, RwLock};
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// Virtual path of the data file templates read with `json("/data.json")`.
pub const DATA_PATH: &str = "/data.json";

pub(crate) static DATA_ID: LazyLock<FileId> = LazyLock::new(|| file_id(DATA_PATH));
static PHOTO_PNG_ID: LazyLock<FileId> = LazyLock::new(|| file_id("/photo.png"));
static PHOTO_JPG_ID: LazyLock<FileId> = LazyLock::new(|| file_id("/photo.jpg"));

/// The interned id of a project path. Only called with the fixed paths of this module and
/// the fixed template names of [`super::Doc`], never with user data.
pub(crate) fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("fixed virtual path is valid");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// What every document shares: standard library, fonts, template files. Built once.
pub(crate) struct Shared {
    pub library: LazyHash<Library>,
    pub fonts: FontSet,
    templates: Templates,
    /// Template sources read at start-up, parsed once.
    sources: HashMap<FileId, Source>,
    /// Other template files read on first use (images, extra `.typ` files).
    extra: RwLock<HashMap<FileId, FileResult<Bytes>>>,
}

impl Shared {
    pub fn new(
        templates: &Templates,
        fonts: FontSet,
        preload: &[String],
    ) -> Result<Self, AssetError> {
        let mut sources = HashMap::new();
        for rel in preload {
            let text = templates.get_text(rel)?;
            let id = file_id(&format!("/{rel}"));
            sources.insert(id, Source::new(id, text));
        }
        Ok(Shared {
            library: LazyHash::new(Library::builder().build()),
            fonts,
            templates: templates.clone(),
            sources,
            extra: RwLock::new(HashMap::new()),
        })
    }

    /// A preloaded template source.
    pub fn source(&self, rel: &str) -> Option<&Source> {
        self.sources.get(&file_id(&format!("/{rel}")))
    }

    /// A template file other than the preloaded sources, read once and cached.
    fn template_file(&self, id: FileId) -> FileResult<Bytes> {
        if let Ok(cache) = self.extra.read()
            && let Some(hit) = cache.get(&id)
        {
            return hit.clone();
        }
        let rel = id
            .vpath()
            .get_with_slash()
            .trim_start_matches('/')
            .to_string();
        let result = match self.templates.get(&rel) {
            Ok(bytes) => Ok(Bytes::new(bytes.into_owned())),
            Err(AssetError::Missing { .. }) => Err(FileError::NotFound(rel.into())),
            Err(AssetError::Io { .. }) => Err(FileError::AccessDenied),
        };
        if let Ok(mut cache) = self.extra.write() {
            cache.insert(id, result.clone());
        }
        result
    }
}

/// One document's world.
pub(crate) struct DocWorld<'a> {
    pub shared: &'a Shared,
    pub main: FileId,
    pub data: Bytes,
    /// `/photo.png` or `/photo.jpg` and its bytes.
    pub photo: Option<(FileId, Bytes)>,
    pub today: Datetime,
}

impl<'a> DocWorld<'a> {
    pub fn photo_id(path: &str) -> Option<FileId> {
        match path {
            "/photo.png" => Some(*PHOTO_PNG_ID),
            "/photo.jpg" => Some(*PHOTO_JPG_ID),
            _ => None,
        }
    }
}

impl World for DocWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.shared.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.shared.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if let Some(s) = self.shared.sources.get(&id) {
            return Ok(s.clone());
        }
        if id == *DATA_ID || self.photo.as_ref().is_some_and(|(p, _)| *p == id) {
            return Err(FileError::NotSource);
        }
        if !matches!(id.root(), VirtualRoot::Project) {
            return Err(packages_unavailable());
        }
        let bytes = self.shared.template_file(id)?;
        let text = std::str::from_utf8(&bytes).map_err(|_| FileError::InvalidUtf8)?;
        Ok(Source::new(id, text.to_string()))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == *DATA_ID {
            return Ok(self.data.clone());
        }
        if let Some((pid, bytes)) = &self.photo
            && *pid == id
        {
            return Ok(bytes.clone());
        }
        if let Some(s) = self.shared.sources.get(&id) {
            return Ok(Bytes::from_string(s.clone()));
        }
        if !matches!(id.root(), VirtualRoot::Project) {
            return Err(packages_unavailable());
        }
        self.shared.template_file(id)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.shared.fonts.font(index)
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

fn packages_unavailable() -> FileError {
    FileError::Other(Some(
        "typst packages are not available: permitpack works offline; copy what you need \
         into the templates folder"
            .into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serves_data_photo_and_templates_only() {
        let shared = Shared::new(
            &Templates::builtin(),
            FontSet::builtin().unwrap(),
            &["common.typ".to_string()],
        )
        .unwrap();
        let world = DocWorld {
            shared: &shared,
            main: file_id("/common.typ"),
            data: Bytes::new(b"{}".to_vec()),
            photo: Some((*PHOTO_PNG_ID, Bytes::new(vec![1, 2, 3]))),
            today: Datetime::from_ymd(2026, 11, 26).unwrap(),
        };
        assert_eq!(&*world.file(*DATA_ID).unwrap(), b"{}");
        assert_eq!(&*world.file(*PHOTO_PNG_ID).unwrap(), &[1, 2, 3]);
        assert!(world.file(*PHOTO_JPG_ID).is_err());
        assert!(world.source(file_id("/common.typ")).is_ok());
        assert!(matches!(
            world.file(file_id("/etc/passwd")),
            Err(FileError::NotFound(_))
        ));
        // `..` cannot climb out of the virtual root.
        assert!(VirtualPath::new("/../../etc/passwd").is_err());
        assert_eq!(
            world.today(None),
            Some(Datetime::from_ymd(2026, 11, 26).unwrap())
        );
        // A built-in template file that is not preloaded is still readable.
        assert!(world.file(file_id("/messages/template.toml")).is_ok());
    }
}
