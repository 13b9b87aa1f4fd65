//! The HTTP contract: the page and its files, the login, the jobs API
//! (`POST/GET/PUT/DELETE /api/jobs...`, files added to one employee, the roster chosen),
//! the progress stream and the downloads. Each handler
//! is short, calls [`super::jobs`] and ends in `?` on an [`ApiError`]. Around every route,
//! from the outside in: the request log, the security headers, the error bodies, and
//! [`super::auth::guard`].

use super::AppState;
use super::error::ApiError;
use super::jobs::JobError;
use crate::codes;
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

/// The largest body of `PUT /api/jobs/{id}` (one short field).
const MAX_SETTINGS_BYTES: usize = 4096;

pub fn router(state: Arc<AppState>) -> Router {
    let jobs = Router::new()
        .route("/api/jobs", post(create_job).get(job_list))
        .route(
            "/api/jobs/{id}",
            get(job_status)
                .put(choose_roster)
                .delete(delete_job)
                .layer(DefaultBodyLimit::max(MAX_SETTINGS_BYTES)),
        )
        .route("/api/jobs/{id}/files", put(replace_files))
        .route("/api/jobs/{id}/employees/{passport}/files", post(add_files))
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
        .layer(axum::middleware::map_response_with_state(
            state.clone(),
            super::error::render,
        ))
        .layer(super::auth::security_headers())
        .layer(super::log::request_log())
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::not_found()
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
) -> Result<Response, ApiError> {
    if !state.auth.has_password() {
        return Err(ApiError::not_found());
    }
    let client = super::net::client_ip(req.headers(), peer, state.config.trust_proxy);
    let Form(form) = Form::<LoginForm>::from_request(req, &())
        .await
        .map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    Issue::error(codes::SERVE_LOGIN_TOO_LARGE).arg("limit", MAX_LOGIN_BYTES),
                )
            } else {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    Issue::error(codes::SERVE_BAD_FORM).arg("reason", rejection.body_text()),
                )
            }
        })?;
    match state.auth.check_password(client, form.password).await {
        Ok(()) => {
            let mut r = (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response();
            r.headers_mut()
                .insert(header::SET_COOKIE, state.auth.set_cookie());
            Ok(r)
        }
        Err(StatusCode::TOO_MANY_REQUESTS) => Err(ApiError::code(
            StatusCode::TOO_MANY_REQUESTS,
            codes::SERVE_LOGIN_LIMITED,
        )),
        Err(status) => Err(ApiError::code(status, codes::SERVE_LOGIN_WRONG)),
    }
}

async fn create_job(
    State(state): State<Arc<AppState>>,
    mut form: Multipart,
) -> Result<Response, ApiError> {
    // A place in the queue from the first byte: uploads beyond it are refused at once.
    let slot = state.jobs.reserve()?;
    let job = state.jobs.create()?;
    match state.jobs.receive(&job, &mut form).await {
        Ok(settings) => {
            state.jobs.start(job.clone(), settings, slot);
            Ok((StatusCode::CREATED, axum::Json(json!({"id": job.id}))).into_response())
        }
        Err(e) => {
            state.jobs.delete(&job.id).await;
            Err(e.into())
        }
    }
}

async fn replace_files(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    mut form: Multipart,
) -> Result<Response, ApiError> {
    let job = state.jobs.find(&id)?;
    let slot = state.jobs.reserve()?;
    let settings = state.jobs.receive(&job, &mut form).await?;
    state.jobs.start(job.clone(), settings, slot);
    Ok((StatusCode::ACCEPTED, axum::Json(json!({"id": job.id}))).into_response())
}

/// Files for one employee, each with its item: put where the run reads them, then the job
/// runs again.
async fn add_files(
    State(state): State<Arc<AppState>>,
    Path((id, passport)): Path<(String, String)>,
    mut form: Multipart,
) -> Result<Response, ApiError> {
    let job = state.jobs.find(&id)?;
    let slot = state.jobs.reserve()?;
    let (settings, added) = state.jobs.add(&job, &passport, &mut form).await?;
    state.jobs.start(job.clone(), settings, slot);
    let body = json!({"id": job.id, "added": added});
    Ok((StatusCode::ACCEPTED, axum::Json(body)).into_response())
}

/// The body of `PUT /api/jobs/{id}`: `roster` a path among the job's candidates, empty for
/// the chooser's default; left out, the same roster (the job runs again as it was).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RosterChoice {
    roster: Option<String>,
}

/// Chooses the roster (JSON or a form) and runs the job again.
async fn choose_roster(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, ApiError> {
    let job = state.jobs.find(&id)?;
    let is_json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let refused = |status: StatusCode, text: String| {
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::from(JobError::FieldTooLarge {
                field: "roster".into(),
                limit: MAX_SETTINGS_BYTES,
            })
        } else {
            ApiError::from(JobError::BadForm { reason: text })
        }
    };
    let empty = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .is_some_and(|v| v.as_bytes() == b"0");
    let choice = if empty {
        RosterChoice { roster: None }
    } else if is_json {
        axum::Json::<RosterChoice>::from_request(req, &())
            .await
            .map_err(|r| refused(r.status(), r.body_text()))?
            .0
    } else {
        Form::<RosterChoice>::from_request(req, &())
            .await
            .map_err(|r| refused(r.status(), r.body_text()))?
            .0
    };
    let change = match choice.roster.as_deref().map(str::trim) {
        None => None,
        Some("") => Some(None),
        Some(path) => Some(Some(super::jobs::clean_upload_path(path).ok_or_else(
            || JobError::NotARoster {
                file: crate::fsutil::truncate_bytes(path, 120).to_string(),
            },
        )?)),
    };
    let slot = state.jobs.reserve()?;
    let settings = state.jobs.choose_roster(&job, change).await?;
    state.jobs.start(job.clone(), settings, slot);
    Ok((StatusCode::ACCEPTED, axum::Json(json!({"id": job.id}))).into_response())
}

/// The jobs of this server, the newest first: `{"jobs": [{id, created, state, mode, roster,
/// company, counts, runs}]}`.
async fn job_list(State(state): State<Arc<AppState>>) -> Response {
    axum::Json(json!({"jobs": state.jobs.list()})).into_response()
}

async fn job_status(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(axum::Json(state.jobs.find(&id)?.status()).into_response())
}

async fn delete_job(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    if state.jobs.delete(&id).await {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(JobError::NoJob.into())
    }
}

/// The progress stream: every event from `Last-Event-ID` on (so a reloaded page picks up
/// where it was), then new ones as they come, until the server stops or the job is deleted.
async fn events(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let job = state.jobs.find(&id)?;
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
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response())
}

/// A report file of the job's last run.
async fn report_file(
    State(state): State<Arc<AppState>>,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let job = state.jobs.find(&id)?;
    let kind = match file.as_str() {
        "report.html" => "text/html; charset=utf-8",
        "report.json" => "application/json",
        "report.csv" => "text/csv; charset=utf-8",
        "report.ics" => "text/calendar; charset=utf-8",
        "report.xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => return Err(ApiError::not_found()),
    };
    let path = job.out_dir().join(&file);
    let read =
        tokio::task::spawn_blocking(move || crate::fsutil::read_input(&path, MAX_REPORT_BYTES))
            .await;
    let Ok(Ok(bytes)) = read else {
        return Err(JobError::NotYet.into());
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
    Ok(r)
}

async fn packet_list(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let job = state.jobs.find(&id)?;
    Ok(axum::Json(json!({"packets": job.packets()})).into_response())
}

async fn one_packet(
    State(state): State<Arc<AppState>>,
    Path((id, name)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let job = state.jobs.find(&id)?;
    // Only a name the packets folder lists: never a path built from the request.
    if !job.packets().contains(&name) {
        return Err(ApiError::not_found());
    }
    let path = job.out_dir().join("packets").join(&name);
    let read =
        tokio::task::spawn_blocking(move || crate::fsutil::read_input(&path, u64::MAX)).await;
    match read {
        Ok(Ok(bytes)) => Ok(download(bytes, "application/zip", &name)),
        _ => Err(ApiError::not_found()),
    }
}

/// Every packet in one zip, written as it is sent (never whole in memory).
async fn all_packets(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let job = state.jobs.find(&id)?;
    let names = job.packets();
    if names.is_empty() {
        return Err(JobError::NotYet.into());
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
    Ok(r)
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::sync::Mutex;
    use tower::ServiceExt;

    const PORT: u16 = 8421;

    fn state(data: &std::path::Path) -> Arc<AppState> {
        let setup = Arc::new(crate::run::Setup::load(None, "shenzhen-2inch").unwrap());
        let config = super::super::Config {
            bind: [127, 0, 0, 1].into(),
            port: PORT,
            data: data.to_path_buf(),
            keep: Duration::from_secs(3600),
            allow_hosts: Vec::new(),
            password: None,
            open: false,
            limits: setup.limits.serve.clone(),
            setup,
            starter: Vec::new(),
            workers: 1,
            trust_proxy: false,
            net: super::super::net::NetLimits::default(),
        };
        Arc::new(AppState {
            auth: super::super::auth::Auth::new(&config, PORT).unwrap(),
            jobs: super::super::jobs::Jobs::new(&config),
            shutdown: tokio::sync::watch::channel(false).1,
            config,
        })
    }

    /// A request to the router as the page would send it, with the token when `bearer`.
    fn request(uri: &str, host: &str, bearer: Option<&str>) -> Request {
        let mut b = Request::builder().uri(uri).header(header::HOST, host);
        if let Some(token) = bearer {
            b = b.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        b.body(Body::empty()).unwrap()
    }

    fn send(state: &Arc<AppState>, req: Request) -> Response {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(router(state.clone()).oneshot(req)).unwrap()
    }

    fn body_json(r: Response) -> serde_json::Value {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let bytes = rt
            .block_on(axum::body::to_bytes(r.into_body(), 1 << 20))
            .unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    /// The log lines written while `f` runs.
    fn logged(f: impl FnOnce()) -> Vec<String> {
        #[derive(Clone, Default)]
        struct Lines(Arc<Mutex<Vec<u8>>>);
        impl Write for Lines {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let lines = Lines::default();
        let out = lines.clone();
        let subscriber = super::super::log::subscriber(move || out.clone());
        tracing::subscriber::with_default(subscriber, f);
        let text = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
        text.lines().map(str::to_string).collect()
    }

    /// `permitpack serve: {head} {N}ms{tail}`, whatever the duration.
    fn assert_line(line: &str, head: &str, tail: &str) {
        let rest = line
            .strip_prefix(&format!("permitpack serve: {head} "))
            .and_then(|r| r.strip_suffix(tail))
            .and_then(|r| r.strip_suffix("ms"))
            .unwrap_or_else(|| panic!("{line:?} is not {head:?} N ms {tail:?}"));
        assert!(rest.bytes().all(|b| b.is_ascii_digit()), "{line:?}");
    }

    #[test]
    fn the_log_has_the_route_template_never_the_uri() {
        let dir = tempfile::tempdir().unwrap();
        let s = state(dir.path());
        let token = s.auth.token().to_string();
        let host = format!("127.0.0.1:{PORT}");
        let job = s.jobs.create().unwrap();
        let lines = logged(|| {
            let passport = "/api/jobs/EK1234567/packets/EK1234567%20passport.zip?token=SECRETQUERY";
            let r = send(&s, request(passport, &host, Some(&token)));
            assert_eq!(r.status(), StatusCode::NOT_FOUND);
            let r = send(&s, request("/?token=SECRETQUERY", &host, None));
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
            let r = send(
                &s,
                request("/EK1234567/scan.pdf?token=x", &host, Some(&token)),
            );
            assert_eq!(r.status(), StatusCode::NOT_FOUND);
            let r = send(
                &s,
                request(&format!("/api/jobs/{}", job.id), &host, Some(&token)),
            );
            assert_eq!(r.status(), StatusCode::OK);
            let r = send(&s, request("/api/info", "evil.example", Some(&token)));
            assert_eq!(r.status(), StatusCode::FORBIDDEN);
        });
        assert_eq!(lines.len(), 5, "{lines:#?}");
        assert_line(&lines[0], "GET /api/jobs/{id}/packets/{name} 404", "");
        assert_line(&lines[1], "GET / 401", "");
        assert_line(&lines[2], "GET (no route) 404", "");
        assert_line(
            &lines[3],
            &format!("GET /api/jobs/{{id}} job {} 200", job.id),
            "",
        );
        assert_line(
            &lines[4],
            "GET /api/info 403",
            " (refused: the Host header is not a name this server answers to; if it is reached under another name (a reverse proxy, an office server), start it with --allow-host NAME)",
        );
        let all = lines.join("\n");
        for secret in [
            token.as_str(),
            "SECRETQUERY",
            "token",
            "EK1234567",
            "passport",
            "scan",
        ] {
            assert!(!all.contains(secret), "{secret:?} in the log:\n{all}");
        }
    }

    #[test]
    fn security_headers_are_on_a_404_and_on_refusals() {
        let dir = tempfile::tempdir().unwrap();
        let s = state(dir.path());
        let token = s.auth.token().to_string();
        let host = format!("127.0.0.1:{PORT}");
        let answers = [
            (
                request("/no/such/route", &host, Some(&token)),
                404,
                codes::SERVE_NOT_FOUND,
            ),
            (
                request("/api/info", &host, None),
                401,
                codes::SERVE_TOKEN_MISSING,
            ),
            (
                request("/api/info", "evil.example", Some(&token)),
                403,
                codes::SERVE_HOST_REFUSED,
            ),
            (
                request(
                    &format!("/api/jobs/{}", "0".repeat(32)),
                    &host,
                    Some(&token),
                ),
                404,
                codes::SERVE_NO_JOB,
            ),
        ];
        for (req, status, code) in answers {
            let uri = req.uri().to_string();
            let r = send(&s, req);
            assert_eq!(r.status().as_u16(), status, "{uri}");
            let h = r.headers();
            let csp = super::super::auth::PAGE_CSP;
            for (name, value) in [
                ("content-security-policy", csp),
                ("x-frame-options", "DENY"),
                ("referrer-policy", "no-referrer"),
                ("x-content-type-options", "nosniff"),
                ("cache-control", "no-store"),
            ] {
                assert_eq!(
                    h.get(name).and_then(|v| v.to_str().ok()),
                    Some(value),
                    "{uri}: {name}"
                );
            }
            assert_eq!(h.get("content-type").unwrap(), "application/json", "{uri}");
            let e = &body_json(r)["error"];
            assert_eq!(e["code"], code.as_str(), "{uri}: {e}");
            assert!(
                e["en"].as_str().is_some_and(|t| !t.is_empty()),
                "{uri}: {e}"
            );
            assert!(
                e["zh"].as_str().is_some_and(|t| !t.is_empty()),
                "{uri}: {e}"
            );
        }
    }
}
