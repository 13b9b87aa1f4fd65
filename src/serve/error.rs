//! [`ApiError`]: every refusal the server answers, the one error type route handlers return
//! (so they end in `?`). The status of each [`JobError`] is decided here and nowhere else.
//! The body, `{"error": {"code", "en", "zh", "action_en", "action_zh", "line"}}`, needs the
//! message catalog, which lives in the state: an `ApiError` becomes a response that carries
//! its issue, and [`render`], a layer with the state, writes the body.

use super::AppState;
use super::jobs::{JobError, issue_json};
use crate::codes::{self, Code};
use crate::issue::Issue;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::sync::Arc;

/// A refused request: the status and the issue that says why, in both languages.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: StatusCode,
    pub issue: Issue,
}

impl ApiError {
    pub fn new(status: StatusCode, issue: Issue) -> ApiError {
        ApiError { status, issue }
    }

    /// An issue of `code` without arguments.
    pub fn code(status: StatusCode, code: Code) -> ApiError {
        ApiError::new(status, Issue::error(code))
    }

    /// Nothing at this address (an unknown route, file or packet).
    pub fn not_found() -> ApiError {
        ApiError::code(StatusCode::NOT_FOUND, codes::SERVE_NOT_FOUND)
    }
}

impl From<JobError> for ApiError {
    fn from(e: JobError) -> ApiError {
        let status = match &e {
            JobError::NoJob
            | JobError::Deleted
            | JobError::NotYet
            | JobError::NoEmployee { .. } => StatusCode::NOT_FOUND,
            JobError::QueueFull { .. } => StatusCode::SERVICE_UNAVAILABLE,
            JobError::BadForm { .. }
            | JobError::BadField { .. }
            | JobError::BadPath { .. }
            | JobError::WindowsName { .. }
            | JobError::NoItem { .. }
            | JobError::ItemMissing { .. }
            | JobError::BadFileType { .. }
            | JobError::OnePhoto
            | JobError::NoFiles
            | JobError::NotARoster { .. } => StatusCode::BAD_REQUEST,
            JobError::FieldTooLarge { .. }
            | JobError::TooManyFiles { .. }
            | JobError::FileTooLarge { .. }
            | JobError::JobTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            JobError::NotMoved { .. } | JobError::Running | JobError::NoRoster => {
                StatusCode::CONFLICT
            }
            JobError::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
        };
        ApiError::new(status, e.issue())
    }
}

/// The issue of an error response, until [`render`] writes it as the body.
#[derive(Clone)]
struct Unrendered(Issue);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = self.status.into_response();
        r.extensions_mut().insert(Unrendered(self.issue));
        r
    }
}

/// Writes the JSON body of an [`ApiError`] response, in the catalog's words, with the data
/// folder's path cut from them. Other responses pass unchanged.
pub async fn render(State(state): State<Arc<AppState>>, mut response: Response) -> Response {
    let Some(Unrendered(issue)) = response.extensions_mut().remove::<Unrendered>() else {
        return response;
    };
    let e = issue_json(&state.config.setup.catalog, &issue, &state.config.data);
    let (mut parts, _) = response.into_parts();
    let body = axum::Json(json!({ "error": e })).into_response();
    let (json_parts, json_body) = body.into_parts();
    parts.headers.extend(json_parts.headers);
    Response::from_parts(parts, json_body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_job_error_has_its_status_and_code() {
        let s = |s: &str| s.to_string();
        let cases = [
            (JobError::NoJob, 404, codes::SERVE_NO_JOB),
            (JobError::Deleted, 404, codes::SERVE_JOB_DELETED),
            (JobError::NotYet, 404, codes::SERVE_NOT_YET),
            (
                JobError::QueueFull { waiting: 3 },
                503,
                codes::SERVE_QUEUE_FULL,
            ),
            (
                JobError::BadForm { reason: s("cut") },
                400,
                codes::SERVE_BAD_FORM,
            ),
            (
                JobError::BadField {
                    field: s("mode"),
                    value: s("x"),
                },
                400,
                codes::SERVE_BAD_FIELD,
            ),
            (
                JobError::BadPath { file: s("../x") },
                400,
                codes::SERVE_BAD_PATH,
            ),
            (
                JobError::WindowsName { file: s("CON") },
                400,
                codes::SERVE_WINDOWS_NAME,
            ),
            (
                JobError::FieldTooLarge {
                    field: s("mode"),
                    limit: 1024,
                },
                413,
                codes::SERVE_FIELD_TOO_LARGE,
            ),
            (
                JobError::TooManyFiles { limit: 10 },
                413,
                codes::SERVE_TOO_MANY_FILES,
            ),
            (
                JobError::FileTooLarge {
                    file: s("a.pdf"),
                    limit: 1 << 20,
                },
                413,
                codes::SERVE_FILE_TOO_LARGE,
            ),
            (
                JobError::JobTooLarge { limit: 1 << 30 },
                413,
                codes::SERVE_JOB_TOO_LARGE,
            ),
            (
                JobError::NotMoved {
                    file: s("a.pdf"),
                    reason: s("busy"),
                },
                409,
                codes::SERVE_BAD_PATH,
            ),
            (JobError::Running, 409, codes::SERVE_JOB_RUNNING),
            (JobError::NoRoster, 409, codes::SERVE_NO_ROSTER),
            (
                JobError::NoEmployee { passport: s("X1") },
                404,
                codes::SERVE_NO_EMPLOYEE,
            ),
            (
                JobError::NoItem {
                    item: s("diploma"),
                    items: vec![s("passport"), s("photo")],
                },
                400,
                codes::SERVE_NO_ITEM,
            ),
            (
                JobError::ItemMissing { file: s("a.pdf") },
                400,
                codes::SERVE_ITEM_MISSING,
            ),
            (
                JobError::BadFileType {
                    file: s("a.docx"),
                    allowed: s("PDF"),
                },
                400,
                codes::SERVE_BAD_FILE_TYPE,
            ),
            (JobError::OnePhoto, 400, codes::SERVE_ONE_PHOTO),
            (JobError::NoFiles, 400, codes::SERVE_NO_FILES),
            (
                JobError::NotARoster { file: s("x.xlsx") },
                400,
                codes::SERVE_NOT_A_ROSTER,
            ),
            (JobError::internal("disk full"), 500, codes::SERVE_INTERNAL),
        ];
        for (e, status, code) in cases {
            let api = ApiError::from(e.clone());
            assert_eq!(api.status.as_u16(), status, "{e:?}");
            assert_eq!(api.issue.code, code, "{e:?}");
        }
        let full = ApiError::from(JobError::QueueFull { waiting: 3 });
        assert_eq!(full.issue.args, [(s("count"), s("3"))]);
    }

    #[test]
    fn an_error_response_carries_its_issue_until_rendered() {
        let r = ApiError::not_found().into_response();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        let Unrendered(issue) = r.extensions().get::<Unrendered>().unwrap();
        assert_eq!(issue.code, codes::SERVE_NOT_FOUND);
    }
}
