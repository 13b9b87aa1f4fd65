//! [`Setup`]: what a run is configured with, loaded once from the templates (the built-in
//! ones, or a user's folder over them) and shared by every run of a process: the message
//! catalog, the column aliases, the rules and calendar, the photo profile, the renderer,
//! the limits, the country table and the platform form.

use crate::assets::Templates;
use crate::catalog::Catalog;
use crate::countries::Countries;
use crate::limits::Limits;
use crate::photo::PhotoProfile;
use crate::platform::PlatformSpec;
use crate::render::Renderer;
use crate::roster::ColumnAliases;
use crate::rules::{Calendar, Rules};
use std::path::Path;

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

impl Setup {
    /// Loads the templates (a user's directory over the built-in ones). The error names the
    /// template file that is wrong.
    pub fn load(templates_dir: Option<&Path>, photo_profile: &str) -> Result<Setup, String> {
        let templates = match templates_dir {
            Some(d) => {
                if !d.is_dir() {
                    return Err(format!(
                        "the templates folder {} does not exist; give an existing folder to \
                         --templates, or leave it out to use the built-in templates",
                        d.display()
                    ));
                }
                Templates::with_dir(d)
            }
            None => Templates::builtin(),
        };
        let catalog = Catalog::load(&templates).map_err(|e| e.to_string())?;
        let aliases = ColumnAliases::load(&templates).map_err(|e| e.to_string())?;
        let rules = Rules::load(&templates).map_err(|e| e.to_string())?;
        let calendar = Calendar::load(&templates).map_err(|e| e.to_string())?;
        let profile = PhotoProfile::load(&templates, photo_profile).map_err(|e| e.to_string())?;
        let renderer = Renderer::new(&templates).map_err(|e| e.to_string())?;
        let limits = Limits::load(&templates).map_err(|e| e.to_string())?;
        let countries = Countries::load(&templates).map_err(|e| e.to_string())?;
        let platform = PlatformSpec::load(&templates).map_err(|e| e.to_string())?;
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
