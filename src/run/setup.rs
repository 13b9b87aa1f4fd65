//! [`Setup`]: what a run is configured with, loaded once from the templates (the built-in
//! ones, or a user's folder over them) and shared by every run of a process: the message
//! catalog, the column aliases, the rules and calendar, the photo profile, the renderer,
//! the limits, the country table and the platform form.

use crate::assets::Templates;
use crate::catalog::{Catalog, CatalogError};
use crate::countries::{Countries, CountriesError};
use crate::limits::{Limits, LimitsError};
use crate::photo::{PhotoProfile, ProfileError};
use crate::platform::{PlatformError, PlatformSpec};
use crate::render::{RenderError, Renderer};
use crate::roster::{AliasesError, ColumnAliases};
use crate::rules::{Calendar, Rules, RulesError};
use std::path::{Path, PathBuf};

/// Everything loaded once per run from the templates.
pub struct Setup {
    pub templates: Templates,
    pub catalog: Catalog,
    pub aliases: ColumnAliases,
    pub rules: Rules,
    pub calendar: Calendar,
    pub profile: PhotoProfile,
    pub renderer: Renderer,
    pub limits: Limits,
    /// The country table: a nationality in one language printed in the other.
    pub countries: Countries,
    /// The platform form's fields in platform order.
    pub platform: PlatformSpec,
}

/// Why a [`Setup`] cannot be loaded: the templates folder is missing, or one stage's
/// template files cannot be used (each error names the file).
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error(
        "the templates folder {} does not exist; give an existing folder to \
         --templates, or leave it out to use the built-in templates",
        .0.display()
    )]
    NoTemplates(PathBuf),
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Aliases(#[from] AliasesError),
    #[error(transparent)]
    Rules(#[from] RulesError),
    #[error(transparent)]
    Photo(#[from] ProfileError),
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error(transparent)]
    Limits(#[from] LimitsError),
    #[error(transparent)]
    Countries(#[from] CountriesError),
    #[error(transparent)]
    Platform(#[from] PlatformError),
}

impl Setup {
    /// Loads the templates (a user's directory over the built-in ones). The error names the
    /// template file that is wrong.
    pub fn load(templates_dir: Option<&Path>, photo_profile: &str) -> Result<Setup, SetupError> {
        let templates = match templates_dir {
            Some(d) => {
                if !d.is_dir() {
                    return Err(SetupError::NoTemplates(d.to_path_buf()));
                }
                Templates::with_dir(d)
            }
            None => Templates::builtin(),
        };
        let catalog = Catalog::load(&templates)?;
        let aliases = ColumnAliases::load(&templates)?;
        let rules = Rules::load(&templates)?;
        let calendar = Calendar::load(&templates)?;
        let profile = PhotoProfile::load(&templates, photo_profile)?;
        let renderer = Renderer::new(&templates)?;
        let limits = Limits::load(&templates)?;
        let countries = Countries::load(&templates)?;
        let platform = PlatformSpec::load(&templates)?;
        Ok(Setup {
            templates,
            catalog,
            aliases,
            rules,
            calendar,
            profile,
            renderer,
            limits,
            countries,
            platform,
        })
    }
}
