//! The page HR uses: one HTML file, its script and its style, compiled into the binary (no
//! CDN: it works without a network). The style is the HTML report's own (`report.css`, the
//! status colours) followed by the page's additions. The words come from the message
//! catalog through `/api/info`, so the page is as bilingual as the reports.

use super::AppState;
use super::error::ApiError;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

const INDEX: &str = include_str!("page.html");
const SCRIPT: &str = include_str!("page.js");
const STYLE: &str = include_str!("page.css");
const LOGIN: &str = include_str!("login.html");

pub async fn index() -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], INDEX).into_response()
}

pub async fn login() -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], LOGIN).into_response()
}

pub async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        SCRIPT,
    )
        .into_response()
}

pub async fn style(State(state): State<Arc<AppState>>) -> Response {
    let templates = &state.config.setup.templates;
    let report = templates
        .get_text(crate::report::CSS_TEMPLATE)
        .unwrap_or_default();
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        format!("{report}\n{STYLE}"),
    )
        .into_response()
}

// ---- the cards' photos -------------------------------------------------------------------

/// The thumbnails' height in pixels: twice what a card shows, for sharp screens.
const THUMB_HEIGHT: u32 = 128;

/// Thumbnails decoded at once: a 12-megapixel photo is decoded at reduced scale, but a page
/// of cards asks for all of them together, and the jobs need the processors more.
static THUMBS_AT_ONCE: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// `GET /api/jobs/{id}/thumb/{*path}`: a small JPEG of a photo in the job's upload (`path` as
/// uploaded, e.g. `company/photos/E12345678.jpg`), for the page's cards. Only a JPEG or PNG
/// inside the job's upload, within the photo profile's size limits; 404 otherwise.
pub async fn thumb(
    State(state): State<Arc<AppState>>,
    Path((id, path)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let job = state.jobs.find(&id)?;
    let rel = super::jobs::clean_upload_path(&path).ok_or_else(ApiError::not_found)?;
    let lower = rel.to_lowercase();
    if ![".jpg", ".jpeg", ".png"].iter().any(|e| lower.ends_with(e)) {
        return Err(ApiError::not_found());
    }
    let file = job.input_dir().join(&rel);
    let limits = &state.config.setup.profile.limits;
    let (max_bytes, max_pixels) = (limits.max_file_bytes, limits.max_pixels);
    let _permit = THUMBS_AT_ONCE
        .acquire()
        .await
        .map_err(|_| ApiError::not_found())?;
    let made = tokio::task::spawn_blocking(move || {
        let bytes = crate::fsutil::read_input(&file, max_bytes).ok()?;
        crate::photo::preview::thumbnail(&bytes, max_pixels, THUMB_HEIGHT)
    })
    .await;
    match made {
        Ok(Some(jpeg)) => Ok((
            [
                (header::CONTENT_TYPE, "image/jpeg"),
                // The page asks with the job's run count in the address: a replaced photo
                // is a new address.
                (header::CACHE_CONTROL, "private, max-age=3600"),
            ],
            jpeg,
        )
            .into_response()),
        _ => Err(ApiError::not_found()),
    }
}

// ---- download names ----------------------------------------------------------------------

/// The name a download is saved under: `<company>_<as-of>_<what>`, e.g.
/// `深圳市前海星河科技有限公司_2026-11-26_packets.zip`, from the job's report.json (the
/// company's Chinese name, else its English one). Just `what` when there is no report yet.
pub fn download_name(job: &super::jobs::Job, what: &str) -> String {
    let (company, as_of) = report_head(&job.out_dir().join("report.json"));
    let company = company.map(|c| safe_file_name(&c)).unwrap_or_default();
    let as_of = as_of.map(|d| safe_file_name(&d)).unwrap_or_default();
    [company.as_str(), as_of.as_str(), what]
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("_")
}

/// The longest company part of a download name, in characters.
const MAX_NAME_CHARS: usize = 60;

/// A name that every system can save a file under: the characters Windows refuses
/// (`/ \ : * ? " < > |`) and control characters become `_`, runs of them and of spaces one,
/// leading and trailing spaces, dots and `_` go, and it is cut to [`MAX_NAME_CHARS`].
/// Chinese and other letters stay.
pub fn safe_file_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        let c = if c.is_control() || "/\\:*?\"<>|".contains(c) {
            '_'
        } else if c.is_whitespace() {
            ' '
        } else {
            c
        };
        if (c == '_' || c == ' ') && out.ends_with(c) {
            continue;
        }
        out.push(c);
    }
    let cut: String = out
        .trim_matches(|c: char| c == ' ' || c == '.' || c == '_')
        .chars()
        .take(MAX_NAME_CHARS)
        .collect();
    cut.trim_end_matches(|c: char| c == ' ' || c == '.' || c == '_')
        .to_string()
}

/// The company's name and the as-of date from a report.json, read up to its employees (they
/// come after both): a large company's report is not read whole for a file name.
fn report_head(path: &std::path::Path) -> (Option<String>, Option<String>) {
    use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
    #[derive(Default)]
    struct Head {
        company: Option<String>,
        as_of: Option<String>,
    }
    #[derive(serde::Deserialize)]
    struct Company {
        #[serde(default)]
        name_zh: Option<String>,
        #[serde(default)]
        name_en: Option<String>,
    }
    struct Seed<'a>(&'a mut Head);
    impl<'de> DeserializeSeed<'de> for Seed<'_> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_map(self)
        }
    }
    impl<'de> Visitor<'de> for Seed<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a report")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while let Some(key) = map.next_key::<String>()? {
                match key.as_str() {
                    "company" => {
                        let c: Option<Company> = map.next_value()?;
                        self.0.company = c.and_then(|c| {
                            [c.name_zh, c.name_en]
                                .into_iter()
                                .flatten()
                                .find(|n| !n.trim().is_empty())
                        });
                    }
                    "as_of" => self.0.as_of = map.next_value()?,
                    // Both come before the employees: stop reading here.
                    "employees" => return Err(serde::de::Error::custom("enough")),
                    _ => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            Ok(())
        }
    }
    let mut head = Head::default();
    if let Ok(file) = std::fs::File::open(path) {
        let mut de = serde_json::Deserializer::from_reader(std::io::BufReader::new(file));
        let _ = Seed(&mut head).deserialize(&mut de);
    }
    (head.company, head.as_of)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_keep_letters_and_lose_what_windows_refuses() {
        assert_eq!(
            safe_file_name("深圳市前海星河科技有限公司"),
            "深圳市前海星河科技有限公司"
        );
        assert_eq!(
            safe_file_name("Shenzhen Qianhai Xinghe Technology Co., Ltd."),
            "Shenzhen Qianhai Xinghe Technology Co., Ltd"
        );
        assert_eq!(
            safe_file_name("A/B\\C:D*E?F\"G<H>I|J"),
            "A_B_C_D_E_F_G_H_I_J"
        );
        assert_eq!(safe_file_name("a\u{0}b\nc\td\u{7f}e"), "a_b_c_d_e");
        assert_eq!(safe_file_name("  ..公司  //  名.. "), "公司 _ 名");
        assert_eq!(safe_file_name("x   y"), "x y");
        assert_eq!(safe_file_name("???"), "");
        assert_eq!(
            safe_file_name(&"长".repeat(100)).chars().count(),
            MAX_NAME_CHARS
        );
        assert_eq!(safe_file_name("2026-11-26"), "2026-11-26");
    }

    #[test]
    fn the_report_head_is_read_without_the_employees() {
        let dir = std::env::temp_dir().join(format!("permitpack-head-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("report.json");
        // The employees are not even valid JSON: reading stops before them.
        std::fs::write(
            &path,
            r#"{"format_version": 1, "as_of": "2026-11-26", "company": {"name_zh": "", "name_en": "Acme: \"Best\" Co."}, "employees": [oops"#,
        )
        .unwrap();
        let (company, as_of) = report_head(&path);
        assert_eq!(company.as_deref(), Some("Acme: \"Best\" Co."));
        assert_eq!(as_of.as_deref(), Some("2026-11-26"));
        assert_eq!(report_head(&dir.join("none.json")), (None, None));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
