//! The HTTP contract: the page and its files, the login, the jobs API
//! (`POST/GET/PUT/DELETE /api/jobs...`), the progress stream and the downloads. Each handler
//! is short and calls [`super::jobs`]; every route passes [`super::auth::guard`] first.

use super::AppState;
use super::jobs::{Job, Refusal, issue_json};
use crate::issue::Issue;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{
    ConnectInfo, DefaultBodyLimit, Form, FromRequest, Multipart, Path, Request, State,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde_json::{Map, json};
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// report.html is the HTML report as the command line writes it: inline style, no script
/// (its own test holds it to that). It is served sandboxed with scripts off, so nothing in it
/// can run; it keeps its origin so that its links to `packets/NAME.zip` are same-site and
/// carry the SameSite=Strict cookie.
const REPORT_CSP: &str = "sandbox allow-same-origin allow-downloads; default-src 'none'; style-src 'unsafe-inline'; script-src 'none'; img-src data:";

/// The largest login form (`password=...`): a password is short.
const MAX_LOGIN_BYTES: usize = 1024;

/// The largest report file served (the xlsx of a very large company).
const MAX_REPORT_BYTES: u64 = 1 << 30;

pub fn router(state: Arc<AppState>) -> Router {
    let jobs = Router::new()
        .route("/api/jobs", post(create_job))
        .route("/api/jobs/{id}", get(job_status).delete(delete_job))
        .route("/api/jobs/{id}/files", put(replace_files))
        .route("/api/jobs/{id}/events", get(events))
        .route("/api/jobs/{id}/packets.zip", get(all_packets))
        .route("/api/jobs/{id}/packets", get(packet_list))
        .route("/api/jobs/{id}/packets/{name}", get(one_packet))
        .route("/api/jobs/{id}/thumb/{*path}", get(super::page::thumb))
        .route("/api/jobs/{id}/{file}", get(report_file))
        .layer(DefaultBodyLimit::disable());
    Router::new()
        .route("/", get(super::page::index))
        .route("/app.js", get(super::page::script))
        .route("/app.css", get(super::page::style))
        .route(
            "/login",
            get(super::page::login)
                .post(login)
                .layer(DefaultBodyLimit::max(MAX_LOGIN_BYTES)),
        )
        .route("/api/info", get(info))
        .route("/new-roster.xlsx", get(starter))
        .merge(jobs)
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            super::auth::guard,
        ))
        .with_state(state)
}

/// A refusal as JSON: `{"error": {"code", "en", "zh", "action_en", "action_zh", "line"}}`.
pub fn error_response(state: &AppState, status: StatusCode, issue: &Issue) -> Response {
    let e = issue_json(&state.config.setup.catalog, issue, &state.config.data);
    (status, axum::Json(json!({ "error": e }))).into_response()
}

fn refused(state: &AppState, (status, issue): Refusal) -> Response {
    error_response(state, status, &issue)
}

async fn not_found(State(state): State<Arc<AppState>>) -> Response {
    error_response(
        &state,
        StatusCode::NOT_FOUND,
        &Issue::error("serve.not_found"),
    )
}

fn find(state: &AppState, id: &str) -> Result<Arc<Job>, Response> {
    state
        .jobs
        .get(id)
        .ok_or_else(|| error_response(state, StatusCode::NOT_FOUND, &Issue::error("serve.no_job")))
}

/// The limits and the page's words (every `ui.*` string in both languages).
async fn info(State(state): State<Arc<AppState>>) -> Response {
    let catalog = &state.config.setup.catalog;
    let mut strings = Map::new();
    for key in catalog.codes().filter(|k| k.starts_with("ui.")) {
        strings.insert(
            key.to_string(),
            json!({"zh": catalog.ui_one(key, true), "en": catalog.ui_one(key, false)}),
        );
    }
    let l = state.jobs.limits();
    axum::Json(json!({
        "limits": {
            "max_job_bytes": l.max_job_bytes,
            "max_file_bytes": l.max_file_bytes,
            "max_files": l.max_files,
            "max_queued_jobs": l.max_queued_jobs,
            "max_job": crate::fsutil::human_size(l.max_job_bytes),
            "max_file": crate::fsutil::human_size(l.max_file_bytes),
        },
        "keep": super::config::show_duration(state.config.keep),
        "strings": strings,
    }))
    .into_response()
}

async fn starter(State(state): State<Arc<AppState>>) -> Response {
    download(
        state.config.starter.clone(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "roster.xlsx",
    )
}

#[derive(serde::Deserialize)]
struct LoginForm {
    password: String,
}

/// The password login. Without a password there is no login: 404 before the body is read.
async fn login(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response {
    if !state.auth.has_password() {
        return not_found(State(state)).await;
    }
    let client = super::net::client_ip(req.headers(), peer, state.config.trust_proxy);
    let form = match Form::<LoginForm>::from_request(req, &()).await {
        Ok(Form(form)) => form,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return error_response(
                &state,
                StatusCode::PAYLOAD_TOO_LARGE,
                &Issue::error("serve.login_too_large").arg("limit", MAX_LOGIN_BYTES),
            );
        }
        Err(rejection) => {
            return error_response(
                &state,
                StatusCode::BAD_REQUEST,
                &Issue::error("serve.bad_form").arg("reason", rejection.body_text()),
            );
        }
    };
    match state.auth.check_password(client, form.password).await {
        Ok(()) => {
            let mut r = (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response();
            r.headers_mut()
                .insert(header::SET_COOKIE, state.auth.set_cookie());
            r
        }
        Err(StatusCode::TOO_MANY_REQUESTS) => error_response(
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            &Issue::error("serve.login_limited"),
        ),
        Err(status) => error_response(&state, status, &Issue::error("serve.login_wrong")),
    }
}

async fn create_job(State(state): State<Arc<AppState>>, form: Multipart) -> Response {
    // A place in the queue from the first byte: uploads beyond it are refused at once.
    let slot = match state.jobs.reserve() {
        Ok(slot) => slot,
        Err(r) => return refused(&state, r),
    };
    let job = match state.jobs.create() {
        Ok(job) => job,
        Err(r) => return refused(&state, r),
    };
    match state.jobs.receive(&job, form).await {
        Ok(settings) => {
            state.jobs.start(job.clone(), settings, slot);
            (StatusCode::CREATED, axum::Json(json!({"id": job.id}))).into_response()
        }
        Err(r) => {
            state.jobs.delete(&job.id).await;
            refused(&state, r)
        }
    }
}

async fn replace_files(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    form: Multipart,
) -> Response {
    let job = match find(&state, &id) {
        Ok(j) => j,
        Err(r) => return r,
    };
    let slot = match state.jobs.reserve() {
        Ok(slot) => slot,
        Err(r) => return refused(&state, r),
    };
    match state.jobs.receive(&job, form).await {
        Ok(settings) => {
            state.jobs.start(job.clone(), settings, slot);
            (StatusCode::ACCEPTED, axum::Json(json!({"id": job.id}))).into_response()
        }
        Err(r) => refused(&state, r),
    }
}

async fn job_status(State(state): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    match find(&state, &id) {
        Ok(job) => axum::Json(job.status()).into_response(),
        Err(r) => r,
    }
}

async fn delete_job(State(state): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    if state.jobs.delete(&id).await {
        StatusCode::NO_CONTENT.into_response()
    } else {
        error_response(&state, StatusCode::NOT_FOUND, &Issue::error("serve.no_job"))
    }
}

/// The progress stream: every event from `Last-Event-ID` on (so a reloaded page picks up
/// where it was), then new ones as they come, until the server stops or the job is deleted.
async fn events(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let job = match find(&state, &id) {
        Ok(j) => j,
        Err(r) => return r,
    };
    let from = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<usize>().ok())
        .map_or(0, |last| last + 1);
    let rx = job.subscribe();
    let stop = state.shutdown.clone();
    let start = (
        from,
        rx,
        stop,
        job,
        VecDeque::<(usize, &str, String)>::new(),
    );
    let stream = futures_util::stream::unfold(
        start,
        |(mut next, mut rx, mut stop, job, mut pending)| async move {
            loop {
                if *stop.borrow() || job.is_deleted() {
                    return None;
                }
                if let Some((i, kind, data)) = pending.pop_front() {
                    let ev = Event::default().id(i.to_string()).event(kind).data(data);
                    return Some((
                        Ok::<_, std::convert::Infallible>(ev),
                        (next, rx, stop, job, pending),
                    ));
                }
                drop(rx.borrow_and_update());
                let new = job.events_from(next);
                if let Some((last, _, _)) = new.last() {
                    next = last + 1;
                    pending.extend(new);
                    continue;
                }
                tokio::select! {
                    changed = rx.changed() => if changed.is_err() { return None },
                    _ = stop.changed() => return None,
                    () = job.deleted() => return None,
                }
            }
        },
    );
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

/// A report file of the job's last run.
async fn report_file(
    State(state): State<Arc<AppState>>,
    Path((id, file)): Path<(String, String)>,
) -> Response {
    let job = match find(&state, &id) {
        Ok(j) => j,
        Err(r) => return r,
    };
    let kind = match file.as_str() {
        "report.html" => "text/html; charset=utf-8",
        "report.json" => "application/json",
        "report.csv" => "text/csv; charset=utf-8",
        "report.ics" => "text/calendar; charset=utf-8",
        "report.xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => return not_found(State(state)).await,
    };
    let path = job.out_dir().join(&file);
    let read =
        tokio::task::spawn_blocking(move || crate::fsutil::read_input(&path, MAX_REPORT_BYTES))
            .await;
    let Ok(Ok(bytes)) = read else {
        return error_response(
            &state,
            StatusCode::NOT_FOUND,
            &Issue::error("serve.not_yet"),
        );
    };
    let mut r = if file == "report.html" || file == "report.json" {
        ([(header::CONTENT_TYPE, kind)], bytes).into_response()
    } else {
        download(bytes, kind, &super::page::download_name(&job, &file))
    };
    if file == "report.html" {
        r.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(REPORT_CSP),
        );
    }
    r
}

async fn packet_list(State(state): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    match find(&state, &id) {
        Ok(job) => axum::Json(json!({"packets": state.jobs.packets(&job)})).into_response(),
        Err(r) => r,
    }
}

async fn one_packet(
    State(state): State<Arc<AppState>>,
    Path((id, name)): Path<(String, String)>,
) -> Response {
    let job = match find(&state, &id) {
        Ok(j) => j,
        Err(r) => return r,
    };
    // Only a name the packets folder lists: never a path built from the request.
    if !state.jobs.packets(&job).contains(&name) {
        return error_response(
            &state,
            StatusCode::NOT_FOUND,
            &Issue::error("serve.not_found"),
        );
    }
    let path = job.out_dir().join("packets").join(&name);
    let read =
        tokio::task::spawn_blocking(move || crate::fsutil::read_input(&path, u64::MAX)).await;
    match read {
        Ok(Ok(bytes)) => download(bytes, "application/zip", &name),
        _ => error_response(
            &state,
            StatusCode::NOT_FOUND,
            &Issue::error("serve.not_found"),
        ),
    }
}

/// Every packet in one zip, written as it is sent (never whole in memory).
async fn all_packets(State(state): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    let job = match find(&state, &id) {
        Ok(j) => j,
        Err(r) => return r,
    };
    let names = state.jobs.packets(&job);
    if names.is_empty() {
        return error_response(
            &state,
            StatusCode::NOT_FOUND,
            &Issue::error("serve.not_yet"),
        );
    }
    let dir = job.out_dir().join("packets");
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    tokio::task::spawn_blocking(move || {
        if let Err(e) = super::zipstream::write(&dir, &names, &tx) {
            let _ = tx.blocking_send(Err(e));
        }
    });
    let body = Body::from_stream(futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    }));
    let mut r = body.into_response();
    let name = super::page::download_name(&job, "packets.zip");
    set_download(r.headers_mut(), "application/zip", &name);
    r
}

fn download(bytes: Vec<u8>, kind: &str, name: &str) -> Response {
    let mut r = bytes.into_response();
    set_download(r.headers_mut(), kind, name);
    r
}

/// Content type and an attachment name (UTF-8, RFC 6266 `filename*`).
fn set_download(h: &mut HeaderMap, kind: &str, name: &str) {
    if let Ok(v) = HeaderValue::from_str(kind) {
        h.insert(header::CONTENT_TYPE, v);
    }
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"._-".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
}
