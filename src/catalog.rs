//! The message catalog: turns an issue code and its arguments into Chinese and English
//! sentences (what is wrong, what to do), from `templates/messages/*.toml`.
//! Interface strings of the reports (`ui.*` keys) come from the same catalog.

use crate::assets::{AssetError, Templates};
use crate::issue::Issue;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Output language for people.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    clap::ValueEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Zh,
    En,
    /// Chinese first, then English.
    #[default]
    Both,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Entry {
    #[serde(default)]
    pub en: String,
    #[serde(default)]
    pub zh: String,
    #[serde(default)]
    pub action_en: String,
    #[serde(default)]
    pub action_zh: String,
    /// The action as the served page says it, where [`Entry::action_en`] speaks of the
    /// command line (its options, "run again"): the page has no options, it has folders and
    /// files to drop. Empty: the action suits both.
    #[serde(default)]
    pub page_action_en: String,
    #[serde(default)]
    pub page_action_zh: String,
    /// The message (or interface string) as the served page says it; empty: the same.
    #[serde(default)]
    pub page_en: String,
    #[serde(default)]
    pub page_zh: String,
}

/// All messages, keyed by code.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    entries: BTreeMap<String, Entry>,
}

/// An issue's text in both languages.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Text {
    pub message: String,
    pub message_zh: String,
    pub action: String,
    pub action_zh: String,
}

/// Why the message catalog cannot be loaded: a `messages/*.toml` file that is unreadable
/// or not valid TOML.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error(transparent)]
    Asset(#[from] AssetError),
    #[error("template {file}: {reason}")]
    Template { file: String, reason: String },
}

impl Catalog {
    /// Loads every `messages/*.toml` file. A file that does not parse is an error naming it.
    pub fn load(templates: &Templates) -> Result<Catalog, CatalogError> {
        let mut entries = BTreeMap::new();
        for name in templates.list("messages", "toml") {
            let rel = format!("messages/{name}");
            let text = templates.get_text(&rel)?;
            let table: BTreeMap<String, Entry> =
                toml::from_str(&text).map_err(|e| CatalogError::Template {
                    file: rel,
                    reason: e.to_string(),
                })?;
            entries.extend(table);
        }
        Ok(Catalog { entries })
    }

    /// The catalog as the served page speaks: every text that has a page version
    /// (`page_en`, `page_zh`, `page_action_en`, `page_action_zh`) takes it, so the reports,
    /// the refusals and the job errors of `permitpack serve` give no command-line advice.
    pub fn for_page(mut self) -> Catalog {
        for e in self.entries.values_mut() {
            for (text, page) in [
                (&mut e.en, &mut e.page_en),
                (&mut e.zh, &mut e.page_zh),
                (&mut e.action_en, &mut e.page_action_en),
                (&mut e.action_zh, &mut e.page_action_zh),
            ] {
                if !page.is_empty() {
                    *text = std::mem::take(page);
                }
            }
        }
        self
    }

    pub fn contains(&self, code: &str) -> bool {
        self.entries.contains_key(code)
    }

    pub fn codes(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// Text of an issue in both languages. An unknown code still gives a readable sentence
    /// built from the code and its arguments.
    pub fn text(&self, issue: &Issue) -> Text {
        match self.entries.get(&issue.code) {
            Some(e) => Text {
                message: fill(&e.en, &issue.args),
                message_zh: fill(&e.zh, &issue.args),
                action: fill(&e.action_en, &issue.args),
                action_zh: fill(&e.action_zh, &issue.args),
            },
            None => {
                let args: Vec<String> =
                    issue.args.iter().map(|(k, v)| format!("{k}={v}")).collect();
                let s = format!("{} ({})", issue.code, args.join(", "));
                Text {
                    message: s.clone(),
                    message_zh: s,
                    action: String::new(),
                    action_zh: String::new(),
                }
            }
        }
    }

    /// An issue's message in the chosen language (`both`: Chinese, then English).
    pub fn message(&self, issue: &Issue, lang: Lang) -> String {
        let t = self.text(issue);
        pick(lang, &t.message_zh, &t.message)
    }

    /// An issue's suggested action in the chosen language.
    pub fn action(&self, issue: &Issue, lang: Lang) -> String {
        let t = self.text(issue);
        pick(lang, &t.action_zh, &t.action)
    }

    /// An interface string (`ui.*`) with arguments, in the chosen language. Falls back to the
    /// key itself so a missing entry is visible, never blank.
    pub fn ui(&self, key: &str, lang: Lang, args: &[(&str, String)]) -> String {
        let owned: Vec<(String, String)> = args
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        match self.entries.get(key) {
            Some(e) => pick(lang, &fill(&e.zh, &owned), &fill(&e.en, &owned)),
            None => key.to_string(),
        }
    }

    /// An interface string in one language only (`Both` gives Chinese).
    pub fn ui_one(&self, key: &str, zh: bool) -> String {
        match self.entries.get(key) {
            Some(e) => {
                if zh {
                    e.zh.clone()
                } else {
                    e.en.clone()
                }
            }
            None => key.to_string(),
        }
    }
}

fn pick(lang: Lang, zh: &str, en: &str) -> String {
    match lang {
        Lang::Zh if !zh.is_empty() => zh.to_string(),
        Lang::En if !en.is_empty() => en.to_string(),
        Lang::Zh | Lang::En => {
            if zh.is_empty() {
                en.to_string()
            } else {
                zh.to_string()
            }
        }
        Lang::Both => match (zh.is_empty(), en.is_empty()) {
            (false, false) if zh != en => format!("{zh} / {en}"),
            (false, _) => zh.to_string(),
            _ => en.to_string(),
        },
    }
}

/// The longest argument value put into a message, in characters: a 5,000-character cell
/// must not turn one message into a page. Longer values end in `…`.
const MAX_ARG_CHARS: usize = 200;

/// An argument value cut to [`MAX_ARG_CHARS`].
fn short_arg(v: &str) -> std::borrow::Cow<'_, str> {
    match v.char_indices().nth(MAX_ARG_CHARS) {
        Some((cut, _)) => format!("{}…", &v[..cut]).into(),
        None => v.into(),
    }
}

/// Replaces `{name}` with the argument's value (cut to [`MAX_ARG_CHARS`]) and
/// `{name:one|other}` with the word form for the number in `name` (`one` for 1, `other` for
/// anything else: "1 employee", "2 employees"); unknown placeholders stay as written.
fn fill(template: &str, args: &[(String, String)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                let inner = &after[..end];
                let (name, forms) = match inner.split_once(':') {
                    Some((name, forms)) => (name, Some(forms)),
                    None => (inner, None),
                };
                match (args.iter().find(|(k, _)| k == name), forms) {
                    (Some((_, v)), None) => out.push_str(&short_arg(v)),
                    (Some((_, v)), Some(forms)) => out.push_str(plural(v, forms)),
                    (None, _) => {
                        out.push('{');
                        out.push_str(inner);
                        out.push('}');
                    }
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The form of `one|other` for the count `value`: `one` when it is exactly 1. A form list
/// without `|` is used for every count.
fn plural<'a>(value: &str, forms: &'a str) -> &'a str {
    let (one, other) = forms.split_once('|').unwrap_or((forms, forms));
    if value.trim() == "1" { one } else { other }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes;

    #[test]
    fn fills_placeholders_and_keeps_unknown_ones() {
        let args = vec![("column".to_string(), "Name".to_string())];
        assert_eq!(fill("{column} is empty {x}", &args), "Name is empty {x}");
        assert_eq!(fill("no braces", &args), "no braces");
        assert_eq!(fill("open { brace", &args), "open { brace");
    }

    #[test]
    fn plural_forms_follow_the_count() {
        let t = "{n} {n:employee|employees}, {k} {k:file was|files were} kept";
        let args = |n: &str, k: &str| {
            vec![
                ("n".to_string(), n.to_string()),
                ("k".to_string(), k.to_string()),
            ]
        };
        assert_eq!(fill(t, &args("1", "0")), "1 employee, 0 files were kept");
        assert_eq!(fill(t, &args("2", "1")), "2 employees, 1 file was kept");
        assert_eq!(
            fill(t, &args("11", "21")),
            "11 employees, 21 files were kept"
        );
        // An unknown count keeps the placeholder visible.
        assert_eq!(fill("{m:a|b}", &args("1", "1")), "{m:a|b}");
    }

    #[test]
    fn builtin_english_counts_use_plural_forms() {
        // Every English message that puts a count before a plural noun must choose the form.
        let cat = Catalog::load(&Templates::builtin()).unwrap();
        let one = |key: &str, args: &[(&str, &str)]| {
            let owned: Vec<(&str, String)> =
                args.iter().map(|(k, v)| (*k, v.to_string())).collect();
            cat.ui(key, Lang::En, &owned)
        };
        let summary = one(
            "ui.run.summary",
            &[
                ("total", "1"),
                ("ready", "1"),
                ("attention", "0"),
                ("not_yet", "0"),
                ("too_late", "0"),
                ("packets", "1"),
            ],
        );
        assert!(summary.starts_with("1 employee:"), "{summary}");
        assert!(summary.contains("1 packet written"), "{summary}");
        let summary = one(
            "ui.run.summary",
            &[
                ("total", "2"),
                ("ready", "1"),
                ("attention", "1"),
                ("not_yet", "0"),
                ("too_late", "0"),
                ("packets", "2"),
            ],
        );
        assert!(summary.starts_with("2 employees:"), "{summary}");
        assert!(summary.contains("1 needs attention"), "{summary}");
        assert!(summary.contains("2 packets written"), "{summary}");
        let photos = one("ui.photo.summary", &[("pass", "1"), ("total", "1")]);
        assert_eq!(photos, "1 of 1 photo passed.");
        let photos = one("ui.photo.summary", &[("pass", "1"), ("total", "3")]);
        assert_eq!(photos, "1 of 3 photos passed.");
    }

    #[test]
    fn long_values_are_cut_in_messages() {
        let long = "长".repeat(5_000);
        let args = vec![("v".to_string(), long)];
        let out = fill("[{v}]", &args);
        assert_eq!(out.chars().count(), MAX_ARG_CHARS + 3);
        assert!(out.ends_with("…]"), "{out}");
        let exact = "x".repeat(MAX_ARG_CHARS);
        assert_eq!(short_arg(&exact), exact);
    }

    #[test]
    fn builtin_catalog_loads_and_renders_both_languages() {
        let cat = Catalog::load(&Templates::builtin()).unwrap();
        let issue = Issue::error(codes::INTERNAL_ERROR).arg("detail", "boom");
        let t = cat.text(&issue);
        assert!(t.message.contains("boom"));
        assert!(t.message_zh.contains("boom"));
        assert!(
            cat.message(&issue, Lang::Both)
                .starts_with("permitpack 未能")
        );
        assert!(
            cat.message(&issue, Lang::En)
                .starts_with("permitpack could not")
        );
    }

    /// Whether a text gives command-line advice: an option, "run again", a permitpack
    /// command, or one of permitpack's own files.
    fn speaks_of_the_command_line(s: &str) -> bool {
        let s = s.to_lowercase();
        [
            "--",
            "run again",
            "run permitpack",
            "permitpack build",
            "permitpack check",
            "permitpack init",
            "permitpack serve",
            "permitpack photo",
            "permitpack plan",
            "重新运行",
            ".toml",
            "templates/",
            "templates folder",
            "模板文件夹",
            "holidays/",
        ]
        .iter()
        .any(|w| s.contains(w))
    }

    /// Texts that only the terminal shows (the summary of a run, `init`, `plan`, the
    /// command line's own options): never on the served page.
    const TERMINAL_ONLY: &[&str] = &[
        "args.",
        "ui.run.",
        "ui.init.",
        "ui.cache.",
        "ui.plan.builtin_reminders",
        "roster.init_exists",
    ];

    #[test]
    fn every_command_line_advice_has_a_page_version() {
        let cat = Catalog::load(&Templates::builtin()).unwrap();
        let mut lacking = Vec::new();
        for (code, e) in &cat.entries {
            if TERMINAL_ONLY.iter().any(|p| code.starts_with(p)) {
                continue;
            }
            for (field, text, page) in [
                ("en", &e.en, &e.page_en),
                ("zh", &e.zh, &e.page_zh),
                ("action_en", &e.action_en, &e.page_action_en),
                ("action_zh", &e.action_zh, &e.page_action_zh),
            ] {
                if speaks_of_the_command_line(text) && page.is_empty() {
                    lacking.push(format!("{code}.{field}: {text}"));
                }
                assert!(
                    !speaks_of_the_command_line(page),
                    "{code}: the page version speaks of the command line: {page}"
                );
            }
        }
        assert!(
            lacking.is_empty(),
            "command-line advice without a page version (page_en, page_zh, page_action_en, \
             page_action_zh):\n{}",
            lacking.join("\n")
        );
        // The page catalog gives the page's words; the command line's stay as they were.
        let page = cat.clone().for_page();
        let issue = Issue::warning(codes::DOCUMENT_NOT_CHECKED).arg("count", "3");
        assert!(cat.action(&issue, Lang::En).contains("--docs"));
        let on_page = page.text(&issue);
        assert!(!on_page.action.contains("--"), "{}", on_page.action);
        assert!(!on_page.action_zh.contains("--"), "{}", on_page.action_zh);
        assert!(on_page.action.contains("docs folder"), "{}", on_page.action);
        assert_eq!(on_page.message, cat.text(&issue).message);
        for (code, e) in &page.entries {
            if TERMINAL_ONLY.iter().any(|p| code.starts_with(p)) {
                continue;
            }
            for text in [&e.en, &e.zh, &e.action_en, &e.action_zh] {
                assert!(!speaks_of_the_command_line(text), "{code}: {text}");
            }
        }
    }

    #[test]
    fn unknown_code_is_still_readable() {
        let cat = Catalog::default();
        // An issue kept from another build may carry a code this catalog lacks.
        let issue = Issue {
            code: "x.y".to_string(),
            ..Issue::warning(codes::INTERNAL_ERROR).arg("a", "1")
        };
        assert_eq!(cat.message(&issue, Lang::En), "x.y (a=1)");
    }
}
