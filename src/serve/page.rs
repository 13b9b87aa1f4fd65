//! The page HR uses: one HTML file, its script and its style, compiled into the binary (no
//! CDN: it works without a network). The style is the HTML report's own (`report.css`, the
//! status colours) followed by the page's additions. The words come from the message
//! catalog through `/api/info`, so the page is as bilingual as the reports.

use super::AppState;
use axum::extract::State;
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
