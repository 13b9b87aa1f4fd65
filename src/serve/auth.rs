//! Who may talk to the server and what every answer carries: the token (once in the URL,
//! then an HttpOnly SameSite=Strict cookie named with the port, or `Authorization: Bearer`),
//! the optional password login (argon2 hash in memory, failed attempts limited per client),
//! the `Host` allow-list (a DNS-rebinding page sends its own name as Host), the same-origin
//! rule for requests that change something (`Origin`, `Sec-Fetch-Site`), and the security
//! headers every answer carries.

use super::config::Config;
use super::error::ApiError;
use super::log::Refused;
use super::{AppState, ServeError};
use crate::codes::{self, Code};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use subtle::ConstantTimeEq;
use tower_http::set_header::response::SetMultipleResponseHeadersLayer;

/// Failed password attempts allowed per client within [`ATTEMPT_WINDOW`].
const MAX_ATTEMPTS: u32 = 5;
const ATTEMPT_WINDOW: Duration = Duration::from_secs(300);

/// The page's policy: its own script and style files only, images from the page's own
/// origin and `blob:` previews, no frames, no forms posting elsewhere.
pub const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The token, the password and the attempts of each client.
pub struct Auth {
    token: String,
    cookie: String,
    hosts: Vec<String>,
    bare_hosts: Vec<String>,
    password: Option<Arc<Password>>,
    attempts: Attempts,
    /// Password checks running at once (argon2 takes about 19 MiB each).
    verifies: Arc<tokio::sync::Semaphore>,
}

/// Password attempts per client within [`ATTEMPT_WINDOW`]. An attempt is counted before the
/// password is checked, so attempts sent all at once cannot pass the limit together.
#[derive(Default)]
pub struct Attempts(Mutex<HashMap<IpAddr, (u32, Instant)>>);

impl Attempts {
    /// Counts an attempt of `client`; `false` when it has used up its attempts.
    pub fn reserve(&self, client: IpAddr) -> bool {
        let mut attempts = self.0.lock().unwrap_or_else(|e| e.into_inner());
        attempts.retain(|_, (_, since)| since.elapsed() < ATTEMPT_WINDOW);
        let entry = attempts.entry(client).or_insert((0, Instant::now()));
        if entry.0 >= MAX_ATTEMPTS {
            return false;
        }
        entry.0 += 1;
        true
    }

    /// Gives back an attempt that was not a wrong password (the right one).
    pub fn give_back(&self, client: IpAddr) {
        let mut attempts = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(entry) = attempts.get_mut(&client) {
            entry.0 = entry.0.saturating_sub(1);
        }
    }
}

/// How the bound address is written in a URL and a Host header (`[::1]:8421`). An
/// unspecified address (`0.0.0.0`) is shown as loopback, which always reaches it.
pub fn url_host(bind: IpAddr, port: u16) -> String {
    let ip = if bind.is_unspecified() {
        IpAddr::from([127, 0, 0, 1])
    } else {
        bind
    };
    match ip {
        IpAddr::V6(v6) => format!("[{v6}]:{port}"),
        IpAddr::V4(v4) => format!("{v4}:{port}"),
    }
}

impl Auth {
    pub fn new(config: &Config, port: u16) -> Result<Auth, ServeError> {
        let mut names = vec![
            "localhost".to_string(),
            "127.0.0.1".to_string(),
            "[::1]".to_string(),
        ];
        if !config.bind.is_unspecified() {
            names.push(match config.bind {
                IpAddr::V6(v6) => format!("[{v6}]"),
                IpAddr::V4(v4) => v4.to_string(),
            });
        }
        let extra: Vec<String> = config
            .allow_hosts
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .filter(|h| !h.is_empty())
            .collect();
        names.extend(extra.iter().cloned());
        let hosts = names.iter().map(|n| format!("{n}:{port}")).collect();
        let password = match config.password.as_deref().filter(|p| !p.is_empty()) {
            Some(pw) => Some(Arc::new(Password::new(pw)?)),
            None => None,
        };
        Ok(Auth {
            token: super::random::random_hex()?,
            cookie: format!("permitpack-{port}"),
            hosts,
            // Behind a reverse proxy the Host has no port (or the proxy's own).
            bare_hosts: extra,
            password,
            attempts: Attempts::default(),
            verifies: Arc::new(tokio::sync::Semaphore::new(
                config.net.login_verifies.max(1),
            )),
        })
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    pub fn has_password(&self) -> bool {
        self.password.is_some()
    }

    fn token_matches(&self, given: &str) -> bool {
        given.as_bytes().ct_eq(self.token.as_bytes()).into()
    }

    /// The Host header is one this server is reached under.
    fn host_allowed(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        self.hosts.contains(&host)
            || self.bare_hosts.contains(&host)
            || host
                .rsplit_once(':')
                .is_some_and(|(name, _)| self.bare_hosts.iter().any(|b| b == name))
    }

    /// The request carries the token: the cookie or a Bearer header.
    fn authenticated(&self, headers: &HeaderMap) -> bool {
        let bearer = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if bearer.is_some_and(|t| self.token_matches(t.trim())) {
            return true;
        }
        cookies(headers).any(|(name, value)| name == self.cookie && self.token_matches(value))
    }

    /// The cookie that keeps the token out of the address bar.
    pub fn set_cookie(&self) -> HeaderValue {
        HeaderValue::from_str(&format!(
            "{}={}; Path=/; HttpOnly; SameSite=Strict",
            self.cookie, self.token
        ))
        .expect("hex token and port make a valid header")
    }

    /// Checks a login password of `client`. The attempt is counted first (refused with 429
    /// when the client has none left), then the password is checked, at most
    /// `login_verifies` at once. `Err` is the status to answer.
    pub async fn check_password(&self, client: IpAddr, given: String) -> Result<(), StatusCode> {
        let Some(password) = self.password.clone() else {
            return Err(StatusCode::NOT_FOUND);
        };
        if !self.attempts.reserve(client) {
            return Err(StatusCode::TOO_MANY_REQUESTS);
        }
        let one = self
            .verifies
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| StatusCode::SERVICE_UNAVAILABLE)?;
        // The place is held by the check itself: a client hanging up does not free it early.
        let right = tokio::task::spawn_blocking(move || {
            let right = password.matches(&given);
            drop(one);
            right
        })
        .await
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
        if right {
            self.attempts.give_back(client);
            Ok(())
        } else {
            Err(StatusCode::UNAUTHORIZED)
        }
    }
}

/// The login password as an argon2id hash (default parameters: 19 MiB, 2 passes) of a
/// random salt, and the memory the checks reuse: one 19 MiB block array per check running
/// at once, allocated once, so checks one after another do not grow the process.
pub struct Password {
    salt: [u8; 16],
    hash: [u8; 32],
    memory: Mutex<Vec<Vec<argon2::Block>>>,
}

impl Password {
    pub fn new(pw: &str) -> Result<Password, ServeError> {
        let mut salt = [0u8; 16];
        super::random::fill(&mut salt)?;
        let p = Password {
            salt,
            hash: [0; 32],
            memory: Mutex::new(Vec::new()),
        };
        let hash = p.hash_of(pw).ok_or(ServeError::Hash)?;
        Ok(Password { hash, ..p })
    }

    fn hash_of(&self, given: &str) -> Option<[u8; 32]> {
        let mut memory = self
            .memory
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop()
            .unwrap_or_else(|| {
                vec![argon2::Block::default(); argon2::Params::DEFAULT.block_count()]
            });
        let mut out = [0u8; 32];
        let done = argon2::Argon2::default().hash_password_into_with_memory(
            given.as_bytes(),
            &self.salt,
            &mut out,
            &mut memory,
        );
        self.memory
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(memory);
        done.ok().map(|()| out)
    }

    /// Whether `given` is the password (compared in constant time).
    pub fn matches(&self, given: &str) -> bool {
        self.hash_of(given)
            .is_some_and(|h| bool::from(h.ct_eq(&self.hash)))
    }
}

/// The `name=value` pairs of every Cookie header.
fn cookies(headers: &HeaderMap) -> impl Iterator<Item = (&str, &str)> {
    headers
        .get_all(header::COOKIE)
        .into_iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
}

/// The query parameter `token`, if any.
fn query_token(query: Option<&str>) -> Option<&str> {
    query?.split('&').find_map(|kv| kv.strip_prefix("token="))
}

/// Paths anyone may reach: the login page and the shared style sheet it uses.
fn is_public(method: &Method, path: &str) -> bool {
    matches!(path, "/login" | "/app.css") && (method == Method::GET || method == Method::POST)
}

/// A request that changes something comes from the page itself: not from another site
/// (`Sec-Fetch-Site`), and its `Origin`, when sent, is this server under the allowed Host.
fn same_origin(method: &Method, headers: &HeaderMap, host: &str) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    let site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if site.is_some_and(|s| s != "same-origin") {
        return false;
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        None => true,
        Some(origin) => {
            let origin = origin.to_ascii_lowercase();
            let host = host.to_ascii_lowercase();
            origin == format!("http://{host}") || origin == format!("https://{host}")
        }
    }
}

/// What every answer carries unless it sets its own (report.html has its own policy): the
/// page's content policy, no framing, no referrer, no type sniffing, no caching.
pub fn security_headers() -> SetMultipleResponseHeadersLayer<Response> {
    SetMultipleResponseHeadersLayer::if_not_present(
        [
            (header::CONTENT_SECURITY_POLICY, PAGE_CSP),
            (header::X_FRAME_OPTIONS, "DENY"),
            (header::REFERRER_POLICY, "no-referrer"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::CACHE_CONTROL, "no-store"),
        ]
        .into_iter()
        .map(|(name, value)| (name, HeaderValue::from_static(value)).into())
        .collect(),
    )
}

/// The middleware every routed request passes: the Host, the origin of a change, the token
/// (from the URL once, then the cookie or a Bearer header), the login redirect.
pub async fn guard(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let auth = &state.auth;
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    if !auth.host_allowed(&host) {
        return refuse(
            StatusCode::FORBIDDEN,
            codes::SERVE_HOST_REFUSED,
            "refused: the Host header is not a name this server answers to; if it is reached under another name (a reverse proxy, an office server), start it with --allow-host NAME",
        );
    }
    if !same_origin(req.method(), req.headers(), &host) {
        return refuse(
            StatusCode::FORBIDDEN,
            codes::SERVE_ORIGIN_REFUSED,
            "refused: the request came from another site or origin; if the page is reached under another name, start the server with --allow-host NAME",
        );
    }
    let path = req.uri().path().to_string();
    if path == "/"
        && req.method() == Method::GET
        && let Some(given) = query_token(req.uri().query())
    {
        if auth.token_matches(given) {
            // Relative redirect: the token leaves the address bar and the history.
            let mut r = (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response();
            r.headers_mut()
                .insert(header::SET_COOKIE, auth.set_cookie());
            return r;
        }
        return ApiError::code(StatusCode::UNAUTHORIZED, codes::SERVE_TOKEN_WRONG).into_response();
    }
    if is_public(req.method(), &path) || auth.authenticated(req.headers()) {
        return next.run(req).await;
    }
    if path == "/" && auth.has_password() {
        return (StatusCode::SEE_OTHER, [(header::LOCATION, "/login")]).into_response();
    }
    ApiError::code(StatusCode::UNAUTHORIZED, codes::SERVE_TOKEN_MISSING).into_response()
}

/// A refusal whose reason the log line also gives (the server's operator reads it).
fn refuse(status: StatusCode, code: Code, why: &'static str) -> Response {
    let mut r = ApiError::code(status, code).into_response();
    r.extensions_mut().insert(Refused(why));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_matches_only_itself() {
        let p = Password::new("correct horse").unwrap();
        assert!(p.matches("correct horse"));
        assert!(!p.matches("correct horse "));
        assert!(!p.matches(""));
        assert_eq!(p.memory.lock().unwrap().len(), 1, "the memory is reused");
    }

    #[test]
    fn attempts_sent_at_once_cannot_pass_the_limit_together() {
        let attempts = Arc::new(Attempts::default());
        let client: IpAddr = "192.0.2.9".parse().unwrap();
        let other: IpAddr = "192.0.2.10".parse().unwrap();
        let granted: u32 = std::thread::scope(|s| {
            let hs: Vec<_> = (0..64)
                .map(|_| {
                    let a = attempts.clone();
                    s.spawn(move || u32::from(a.reserve(client)))
                })
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).sum()
        });
        assert_eq!(granted, MAX_ATTEMPTS);
        assert!(!attempts.reserve(client));
        assert!(attempts.reserve(other), "another client has its own count");
        // The right password gives its attempt back.
        attempts.give_back(client);
        assert!(attempts.reserve(client));
        assert!(!attempts.reserve(client));
    }
}
