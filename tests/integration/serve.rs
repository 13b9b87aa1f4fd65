//! `permitpack serve` over loopback: the real binary started with `--port 0`, spoken to with
//! a plain HTTP/1.1 client (so every header, the Host included, is the test's own choice):
//! the token, cookie and Bearer rules, Host and Origin refusals, upload limits and paths,
//! deletion, a failing roster, the bind rule, clean logs, the samples giving what the
//! command line gives, a small load of three companies at once, and (issue 24) files added to
//! one employee of a folder kept the way HR keeps one, the roster chosen, and jobs served
//! again after a restart.

use crate::fixtures::folder::{self, FULL_B6, Person};
use crate::report::{Employee, Report, Summary};
use crate::util::{Dir, listing};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running server, killed when dropped; its stderr (the log) is collected.
pub struct Server {
    child: Child,
    pub port: u16,
    pub token: String,
    pub url: String,
    log: Arc<Mutex<String>>,
    pub data: PathBuf,
}

impl Server {
    pub fn start(dir: &Dir, extra: &[&str]) -> Server {
        let args: Vec<&str> = ["--no-open"].iter().chain(extra).copied().collect();
        Server::start_with(dir, &args, &[], None)
    }

    /// With `PERMITPACK_SERVE_NET` (short timeouts, small connection caps).
    pub fn start_net(dir: &Dir, extra: &[&str], net: Option<&str>) -> Server {
        let args: Vec<&str> = ["--no-open"].iter().chain(extra).copied().collect();
        let env: Vec<(&str, &str)> = net
            .map(|n| ("PERMITPACK_SERVE_NET", n))
            .into_iter()
            .collect();
        Server::start_with(dir, &args, &env, None)
    }

    /// `permitpack serve --port 0 --data DIR ARGS` (without `--no-open` unless in `args`),
    /// with `env` set and `stdin` written to its standard input, then closed.
    pub fn start_with(
        dir: &Dir,
        args: &[&str],
        env: &[(&str, &str)],
        stdin: Option<&[u8]>,
    ) -> Server {
        let data = dir.join("data");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_permitpack"));
        cmd.current_dir(dir.path())
            .args(["serve", "--port", "0", "--data"])
            .arg(&data)
            .args(args)
            .env_remove("PERMITPACK_SERVE_PASSWORD")
            .env_remove("PERMITPACK_SERVE_NET")
            .env_remove("BROWSER")
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("permitpack serve starts");
        if let Some(bytes) = stdin {
            let mut input = child.stdin.take().unwrap();
            input.write_all(bytes).unwrap();
        }
        let log = Arc::new(Mutex::new(String::new()));
        let mut err = BufReader::new(child.stderr.take().unwrap());
        let sink = log.clone();
        std::thread::spawn(move || {
            let mut line = String::new();
            while err.read_line(&mut line).is_ok_and(|n| n > 0) {
                sink.lock().unwrap().push_str(&line);
                line.clear();
            }
        });
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut url = String::new();
        out.read_line(&mut url).unwrap();
        let url = url.trim().to_string();
        assert!(
            url.starts_with("http://127.0.0.1:"),
            "the first line is the URL, got {url:?}; log:\n{}",
            log.lock().unwrap()
        );
        let rest = url.strip_prefix("http://127.0.0.1:").unwrap();
        let (port, token) = rest.split_once("/?token=").unwrap();
        Server {
            child,
            port: port.parse().unwrap(),
            token: token.to_string(),
            url,
            log,
            data,
        }
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Kills the server (as a crash would) and waits for it to end.
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// A request with the Bearer token and the right Host.
    pub fn get(&self, path: &str) -> Resp {
        self.send("GET", path, &self.bearer(), None)
    }

    pub fn bearer(&self) -> Vec<(String, String)> {
        vec![("Authorization".into(), format!("Bearer {}", self.token))]
    }

    pub fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(String, String)],
        body: Option<(&str, &[u8])>,
    ) -> Resp {
        let mut all: Vec<(String, String)> = Vec::new();
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
            all.push(("Host".into(), self.host()));
        }
        all.extend(headers.iter().cloned());
        request(self.port, method, path, &all, body)
    }

    /// `POST /api/jobs` (or PUT files) with the Bearer token.
    pub fn upload(
        &self,
        method: &str,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(String, Vec<u8>)],
    ) -> Resp {
        let (kind, body) = multipart(fields, files);
        self.send(method, path, &self.bearer(), Some((&kind, &body)))
    }

    /// `GET /api/jobs/{id}`: where the job stands.
    pub fn status(&self, id: &str) -> JobStatus {
        let r = self.get(&format!("/api/jobs/{id}"));
        assert_eq!(r.status, 200, "{}", r.story());
        JobStatus::of(r.json())
    }

    /// `GET /api/jobs`: the page's list of jobs.
    pub fn jobs(&self) -> Vec<JobEntry> {
        #[derive(Deserialize)]
        struct Jobs {
            jobs: Vec<JobEntry>,
        }
        let r = self.get("/api/jobs");
        assert_eq!(r.status, 200, "{}", r.story());
        r.body_as::<Jobs>().jobs
    }

    /// Waits for a job to settle and returns its status.
    pub fn wait(&self, id: &str) -> JobStatus {
        let start = Instant::now();
        loop {
            let st = self.status(id);
            if st.settled() {
                return st;
            }
            assert!(
                start.elapsed() < Duration::from_secs(300),
                "job {id} did not finish: {st}\nlog:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Job folders in the data folder.
    pub fn job_folders(&self) -> Vec<String> {
        std::fs::read_dir(&self.data)
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP answer.
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    what: String,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.story()))
    }
    /// The body read as `T`, one of the server's answers below.
    pub fn body_as<T: DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.story()))
    }
    /// The id of the job a `POST /api/jobs` created.
    pub fn job_id(&self) -> String {
        #[derive(Deserialize)]
        struct Created {
            id: String,
        }
        self.body_as::<Created>().id
    }
    /// The refusal the body gives, `{"error": {...}}`.
    pub fn refusal(&self) -> Said {
        #[derive(Deserialize)]
        struct Refused {
            error: Said,
        }
        self.body_as::<Refused>().error
    }
    /// The files a `POST /api/jobs/{id}/employees/{passport}/files` placed.
    pub fn added(&self) -> Vec<Added> {
        #[derive(Deserialize)]
        struct Placed {
            added: Vec<Added>,
        }
        self.body_as::<Placed>().added
    }
    pub fn story(&self) -> String {
        let body = self.text();
        format!(
            "{}\n-> {} {:?}\n{}",
            self.what,
            self.status,
            self.headers,
            &body[..body.len().min(2000)]
        )
    }
}

/// What the server says in both languages: a refusal, a failed job, why a roster was read.
#[derive(Debug, Clone, Deserialize)]
#[allow(dead_code)] // every field of the answer, whether a test reads it or not
pub struct Said {
    pub code: String,
    pub en: String,
    pub zh: String,
    pub action_en: String,
    pub action_zh: String,
    /// Both languages on one line, as the page shows it.
    pub line: String,
}

/// A job as `GET /api/jobs/{id}` gives it.
#[derive(Debug, Deserialize)]
#[allow(dead_code)] // every field of the answer, whether a test reads it or not
pub struct JobStatus {
    pub state: String,
    pub done: usize,
    pub total: usize,
    pub summary: Option<JobSummary>,
    pub error: Option<Said>,
    /// The roster read (a path inside the upload) and the other candidates, best first.
    pub roster: Option<String>,
    pub roster_candidates: Vec<String>,
    pub roster_reason: Option<Said>,
    pub mode: String,
    /// Runs finished so far (each upload starts one).
    pub runs: usize,
    /// The answer as sent, for failure messages.
    #[serde(skip)]
    raw: Value,
}

impl JobStatus {
    fn of(raw: Value) -> JobStatus {
        let mut st: JobStatus = serde_json::from_value(raw.clone())
            .unwrap_or_else(|e| panic!("{e}: not a job status: {raw}"));
        st.raw = raw;
        st
    }

    /// Done or failed: nothing more will happen without a new upload.
    pub fn settled(&self) -> bool {
        self.state == "done" || self.state == "failed"
    }

    /// The summary of the last run; panics when there is none.
    pub fn summary(&self) -> &JobSummary {
        self.summary
            .as_ref()
            .unwrap_or_else(|| panic!("no summary in {self}"))
    }

    /// Why the job failed; panics when it did not.
    pub fn error(&self) -> &Said {
        self.error
            .as_ref()
            .unwrap_or_else(|| panic!("no error in {self}"))
    }
}

impl std::fmt::Display for JobStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.raw)
    }
}

/// A run's summary in a job's status: report.json's counts and the company's name.
#[derive(Debug, Deserialize, PartialEq)]
pub struct JobSummary {
    pub counts: Summary,
    pub company: Option<String>,
    #[serde(flatten)]
    pub rest: BTreeMap<String, Value>,
}

/// A line of the page's list of jobs, `GET /api/jobs`.
#[derive(Debug, Deserialize)]
#[allow(dead_code)] // every field of the answer, whether a test reads it or not
pub struct JobEntry {
    pub id: String,
    /// Seconds since 1970.
    pub created: u64,
    pub state: String,
    pub mode: String,
    pub roster: Option<String>,
    pub company: Option<String>,
    pub counts: Option<Summary>,
    pub runs: usize,
}

/// A file added to an employee: where it went and the files it replaced.
#[derive(Debug, Deserialize)]
#[allow(dead_code)] // every field of the answer, whether a test reads it or not
pub struct Added {
    pub item: String,
    pub file: String,
    pub replaced: Vec<String>,
}

/// One HTTP/1.1 request on a fresh connection (`Connection: close`), chunked bodies decoded.
pub fn request(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: Option<(&str, &[u8])>,
) -> Resp {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some((kind, b)) = body {
        head.push_str(&format!(
            "Content-Type: {kind}\r\nContent-Length: {}\r\n",
            b.len()
        ));
    } else if method != "GET" {
        head.push_str("Content-Length: 0\r\n");
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    if let Some((_, b)) = body {
        // The server may answer (and close) before the whole body is sent: a refusal.
        let _ = s.write_all(b);
    }
    read_answer(s, format!("{method} {path} {headers:?}"))
}

/// Reads an HTTP answer to its end (the request was sent with `Connection: close`).
pub fn read_answer(mut s: TcpStream, what: String) -> Resp {
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| {
            panic!(
                "no HTTP answer to {what}: {:?}",
                String::from_utf8_lossy(&raw)
            )
        });
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status: u16 = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    Resp {
        status,
        headers,
        body,
        what,
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = b.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&b[..eol]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + size]);
        b = &b[eol + 2 + size + 2..];
    }
    out
}

/// A multipart/form-data body: text fields, then files named by their path.
pub fn multipart(fields: &[(&str, &str)], files: &[(String, Vec<u8>)]) -> (String, Vec<u8>) {
    let boundary = "permitpack-test-boundary-7f3a9c";
    let mut b = Vec::new();
    for (k, v) in fields {
        b.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for (path, bytes) in files {
        b.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{path}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        b.extend_from_slice(bytes);
        b.extend_from_slice(b"\r\n");
    }
    b.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), b)
}

/// Every file under `root`, as (path with `prefix/`, bytes).
pub fn folder_files(root: &Path, prefix: &str) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![(root.to_path_buf(), prefix.to_string())];
    while let Some((d, rel)) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let p = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            if e.file_type().unwrap().is_dir() {
                stack.push((e.path(), p));
            } else {
                out.push((p, std::fs::read(e.path()).unwrap()));
            }
        }
    }
    out.sort();
    out
}

pub fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
}

fn h(k: &str, v: &str) -> (String, String) {
    (k.to_string(), v.to_string())
}

#[test]
fn serve_token_cookie_and_bearer() {
    let dir = Dir::new();
    let s = Server::start(&dir, &[]);
    // Nothing without the token, not even whether a route exists.
    assert_eq!(s.send("GET", "/", &[], None).status, 401);
    assert_eq!(s.send("GET", "/api/info", &[], None).status, 401);
    assert_eq!(s.send("GET", "/no/such/route", &[], None).status, 401);
    assert_eq!(
        s.send("GET", "/?token=0123456789abcdef0123456789abcdef", &[], None)
            .status,
        401
    );
    let wrong = [h(
        "Authorization",
        "Bearer 0123456789abcdef0123456789abcdef",
    )];
    assert_eq!(s.send("GET", "/api/info", &wrong, None).status, 401);
    // The token once in the URL: a relative redirect away from it, and the cookie.
    let r = s.send("GET", &format!("/?token={}", s.token), &[], None);
    assert_eq!(r.status, 303, "{}", r.story());
    assert_eq!(r.header("location"), Some("/"));
    let cookie = r.header("set-cookie").expect("a cookie").to_string();
    assert!(
        cookie.starts_with(&format!("permitpack-{}={}", s.port, s.token)),
        "{cookie}"
    );
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attr), "{cookie}");
    }
    let pair = cookie.split(';').next().unwrap().to_string();
    let page = s.send("GET", "/", &[h("Cookie", &pair)], None);
    assert_eq!(page.status, 200, "{}", page.story());
    assert!(page.text().contains("/app.js"));
    let csp = page.header("content-security-policy").unwrap();
    assert!(
        csp.contains("default-src 'none'")
            && csp.contains("script-src 'self'")
            && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(page.header("x-frame-options"), Some("DENY"));
    assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
    assert!(page.header("access-control-allow-origin").is_none());
    let js = s.send("GET", "/app.js", &[h("Cookie", &pair)], None);
    assert_eq!(js.status, 200);
    assert!(js.text().contains("webkitGetAsEntry"));
    // Bearer works for automation; unknown routes are 404 once authenticated.
    let info = s.get("/api/info");
    assert_eq!(info.status, 200, "{}", info.story());
    #[derive(Deserialize)]
    struct Info {
        limits: Limits,
    }
    #[derive(Deserialize)]
    struct Limits {
        max_files: u64,
    }
    assert!(info.body_as::<Info>().limits.max_files > 0);
    assert_eq!(s.get("/no/such/route").status, 404);
    let starter = s.get("/new-roster.xlsx");
    assert_eq!(starter.status, 200);
    assert!(
        starter.body.starts_with(b"PK"),
        "the init workbook is an xlsx"
    );
    // The log holds neither the token nor the query string. It is read by another thread:
    // wait for the line rather than race it.
    wait_until("GET / 303 in the log", Duration::from_secs(10), || {
        s.log().contains("GET / 303")
    });
    let log = s.log();
    assert!(!log.contains(&s.token), "token in the log:\n{log}");
    assert!(!log.contains("token="), "query string in the log:\n{log}");
    assert!(log.contains("GET / 303"), "{log}");
}

#[test]
fn serve_refuses_foreign_hosts_and_cross_origin_writes() {
    let dir = Dir::new();
    let s = Server::start(&dir, &["--allow-host", "permits.office.example"]);
    let auth = s.bearer();
    let with = |extra: &[(String, String)]| -> Vec<(String, String)> {
        auth.iter().cloned().chain(extra.iter().cloned()).collect()
    };
    // DNS rebinding: the attacker's name resolves to 127.0.0.1, the browser sends it as Host
    // (and as Origin, so an Origin-equals-Host check would pass).
    let port = s.port;
    for host in [
        format!("evil.example:{port}"),
        "evil.example".into(),
        format!("127.0.0.1.evil.example:{port}"),
        format!("localhost:{}", port + 1),
    ] {
        let r = s.send("GET", "/api/info", &with(&[h("Host", &host)]), None);
        assert_eq!(r.status, 403, "Host {host}: {}", r.story());
        let origin = format!("http://{host}");
        let r = s.send(
            "POST",
            "/api/jobs",
            &with(&[h("Host", &host), h("Origin", &origin)]),
            None,
        );
        assert_eq!(r.status, 403, "rebinding Host {host}: {}", r.story());
    }
    // The log is read by another thread: wait for the line rather than race it.
    wait_until(
        "the --allow-host hint in the log",
        Duration::from_secs(10),
        || s.log().contains("--allow-host NAME"),
    );
    // The allowed names: loopback forms and --allow-host (with or without a port).
    for host in [
        format!("localhost:{port}"),
        format!("permits.office.example:{port}"),
        "permits.office.example".into(),
    ] {
        assert_eq!(
            s.send("GET", "/api/info", &with(&[h("Host", &host)]), None)
                .status,
            200,
            "{host}"
        );
    }
    // Cross-origin writes are refused before the body is read.
    let (kind, body) = multipart(
        &[("mode", "check")],
        &[("roster.csv".into(), b"x".to_vec())],
    );
    let evil = with(&[h("Origin", "http://evil.example")]);
    assert_eq!(
        s.send("POST", "/api/jobs", &evil, Some((&kind, &body)))
            .status,
        403
    );
    let cross = with(&[h("Sec-Fetch-Site", "cross-site")]);
    assert_eq!(
        s.send("POST", "/api/jobs", &cross, Some((&kind, &body)))
            .status,
        403
    );
    let same_site = with(&[h("Sec-Fetch-Site", "same-site")]);
    assert_eq!(
        s.send("POST", "/api/jobs", &same_site, Some((&kind, &body)))
            .status,
        403
    );
    assert!(s.job_folders().is_empty(), "{:?}", s.job_folders());
    // The page's own origin may.
    let own = with(&[
        h("Origin", &format!("http://{}", s.host())),
        h("Sec-Fetch-Site", "same-origin"),
    ]);
    let r = s.send("POST", "/api/jobs", &own, Some((&kind, &body)));
    assert_eq!(r.status, 201, "{}", r.story());
}

/// A templates folder whose limits.toml has small `[serve]` limits.
fn small_limits(dir: &Dir) -> PathBuf {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/limits.toml"),
    )
    .unwrap();
    let text = text
        .replace("max_job_bytes = 2_147_483_648", "max_job_bytes = 2500")
        .replace(
            "max_file_bytes = 67_108_864            # 64 MB; source: seed\n# Files",
            "max_file_bytes = 1000\n# Files",
        )
        .replace("max_files = 5_000 ", "max_files = 3 ");
    assert!(
        text.contains("max_job_bytes = 2500")
            && text.contains("max_file_bytes = 1000\n")
            && text.contains("max_files = 3 ")
    );
    dir.write("small/limits.toml", text)
}

#[test]
fn serve_upload_limits_and_paths() {
    let dir = Dir::new();
    let templates = small_limits(&dir);
    let s = Server::start(
        &dir,
        &["--templates", templates.parent().unwrap().to_str().unwrap()],
    );
    let f = |p: &str, n: usize| (p.to_string(), vec![b'a'; n]);
    let refused = |files: &[(String, Vec<u8>)], status: u16, code: &str| {
        let r = s.upload("POST", "/api/jobs", &[("mode", "check")], files);
        assert_eq!(r.status, status, "{}", r.story());
        let e = r.refusal();
        assert_eq!(e.code, code, "{}", r.story());
        assert!(!e.en.is_empty() && !e.zh.is_empty(), "{e:?}");
        assert!(
            s.job_folders().is_empty(),
            "nothing kept: {}",
            listing(&s.data)
        );
        r
    };
    let r = refused(
        &[f("roster.csv", 10), f("docs/E1/big.pdf", 1001)],
        413,
        "serve.file_too_large",
    );
    assert!(r.refusal().en.contains("docs/E1/big.pdf"));
    refused(
        &[f("a.csv", 1), f("b", 1), f("c", 1), f("d", 1)],
        413,
        "serve.too_many_files",
    );
    refused(
        &[f("a.csv", 900), f("b", 900), f("c", 900)],
        413,
        "serve.job_too_large",
    );
    // Paths that could leave the job folder: refused, nothing written anywhere.
    let before = listing(dir.path());
    for bad in [
        "../escape.csv",
        "a/../../escape.csv",
        "/tmp/escape.csv",
        "C:/escape.csv",
        "C:escape.csv",
        "..\\\\escape.csv",
        "a\\\\..\\\\..\\\\escape.csv",
        "docs//x.pdf",
        "./roster.csv",
        "roster.csv:ads",
    ] {
        refused(&[f("roster.csv", 5), f(bad, 5)], 400, "serve.bad_path");
    }
    assert_eq!(
        listing(dir.path()),
        before,
        "nothing written by refused uploads"
    );
    assert!(!dir.path().parent().unwrap().join("escape.csv").exists());
    // PUT counts what the job already holds.
    let r = s.upload(
        "POST",
        "/api/jobs",
        &[("mode", "check")],
        &[f("roster.csv", 900), f("b", 900)],
    );
    assert_eq!(r.status, 201, "{}", r.story());
    let id = r.job_id();
    s.wait(&id);
    let r = s.upload("PUT", &format!("/api/jobs/{id}/files"), &[], &[f("c", 900)]);
    assert_eq!(r.status, 413, "{}", r.story());
    let r = s.upload(
        "PUT",
        &format!("/api/jobs/{id}/files"),
        &[],
        &[f("../c", 9)],
    );
    assert_eq!(r.status, 400, "{}", r.story());
    assert!(!s.data.join(&id).join("c").exists() && !s.data.join("c").exists());
    let r = s.upload(
        "PUT",
        &format!("/api/jobs/{id}/files"),
        &[("mode", "bogus")],
        &[],
    );
    assert_eq!(r.status, 400, "{}", r.story());
}

#[test]
fn serve_bad_roster_fails_the_job_and_the_server_lives_on() {
    let dir = Dir::new();
    let s = Server::start(&dir, &[]);
    let garbage = b"PK\x03\x04 this is not a workbook".to_vec();
    let r = s.upload(
        "POST",
        "/api/jobs",
        &[("mode", "build")],
        &[("roster.xlsx".into(), garbage.clone())],
    );
    assert_eq!(r.status, 201, "{}", r.story());
    let id = r.job_id();
    let st = s.wait(&id);
    assert_eq!(st.state, "failed", "{st}");
    let e = st.error();
    assert!(e.code.starts_with("roster."), "{st}");
    // The same message the command line prints for the same file.
    dir.write("cli/roster.xlsx", &garbage);
    let cli = dir.run(&["check", "cli/roster.xlsx", "--out", "cli-out"]);
    cli.assert_code(2);
    let cli_line = cli.stderr().replace("cli/roster.xlsx", "roster.xlsx");
    for (k, part) in [
        ("en", &e.en),
        ("zh", &e.zh),
        ("action_en", &e.action_en),
        ("action_zh", &e.action_zh),
    ] {
        assert!(!part.is_empty(), "{k}: {st}");
        assert!(
            cli_line.contains(
                part.split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .as_str()
            ),
            "{k} {part:?} not in the CLI's {cli_line:?}"
        );
    }
    // No machine path of the server's job folder in the message.
    assert!(!st.to_string().contains(s.data.to_str().unwrap()), "{e:?}");
    // The server lives on, and the next job works.
    assert_eq!(s.get("/api/info").status, 200);
    let r = s.upload("POST", "/api/jobs", &[("mode", "check")], &[]);
    let id2 = r.job_id();
    assert_eq!(s.wait(&id2).error().code, "serve.no_roster");
}

#[test]
fn serve_bind_beyond_loopback_needs_a_password() {
    let dir = Dir::new();
    let r = dir.run(&["serve", "--no-open", "--port", "0", "--bind", "0.0.0.0"]);
    r.assert_code(2);
    let err = r.stderr();
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(err.contains("--password"), "{err}");
    assert!(r.stdout().is_empty(), "no URL printed: {}", r.stdout());
}

#[test]
fn serve_password_login_is_rate_limited() {
    let dir = Dir::new();
    let s = Server::start(
        &dir,
        &["--password", "correct horse", "--bind", "127.0.0.1"],
    );
    let r = s.send("GET", "/", &[], None);
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/login"));
    assert_eq!(s.send("GET", "/login", &[], None).status, 200);
    let form = "application/x-www-form-urlencoded";
    let r = s.send(
        "POST",
        "/login",
        &[],
        Some((form, b"password=correct+horse")),
    );
    assert_eq!(r.status, 303, "{}", r.story());
    assert!(r.header("set-cookie").unwrap().contains(&s.token));
    for _ in 0..5 {
        assert_eq!(
            s.send("POST", "/login", &[], Some((form, b"password=wrong")))
                .status,
            401
        );
    }
    // Limited now, even with the right password.
    assert_eq!(
        s.send(
            "POST",
            "/login",
            &[],
            Some((form, b"password=correct+horse"))
        )
        .status,
        429
    );
    assert!(!s.log().contains("correct"), "{}", s.log());
}

/// The samples through the server give what `permitpack build` gives; packets download and
/// open; deletion leaves nothing; the log names no file, passport or token.
#[test]
fn serve_samples_match_the_cli_and_delete_leaves_nothing() {
    let dir = Dir::new();
    let cli = dir.run(&[
        "build",
        samples().join("roster.xlsx").to_str().unwrap(),
        "--as-of",
        "2026-11-26",
        "--out",
        "cli-out",
        "-q",
    ]);
    cli.assert_code(1);
    let want = Report::read(&dir, "cli-out");
    let s = Server::start(&dir, &[]);
    let files = folder_files(&samples(), "公司 company");
    let r = s.upload(
        "POST",
        "/api/jobs",
        &[("mode", "build"), ("as_of", "2026-11-26"), ("lang", "both")],
        &files,
    );
    assert_eq!(r.status, 201, "{}", r.story());
    let id = r.job_id();
    let st = s.wait(&id);
    assert_eq!(st.state, "done", "{st}\n{}", s.log());
    assert_eq!(
        st.roster.as_deref(),
        Some("公司 company/roster.xlsx"),
        "the workbook before its CSV export: {st}"
    );
    assert!(st.roster_candidates.len() >= 2, "{st}");
    assert_eq!(st.summary().counts, want.summary, "{st}");
    assert_eq!(st.done, st.total);
    let got = s.report(&id);
    assert_eq!(got.summary, want.summary);
    assert_eq!(got.employees.len(), want.employees.len());
    // Packets: the list, one packet, all of them.
    #[derive(Deserialize)]
    struct Packets {
        packets: Vec<String>,
    }
    let names = s
        .get(&format!("/api/jobs/{id}/packets"))
        .body_as::<Packets>()
        .packets;
    assert_eq!(names.len(), want.summary.packets);
    let one = s.get(&format!("/api/jobs/{id}/packets/{}", pct(&names[0])));
    assert_eq!(one.status, 200, "{}", one.story());
    let zip =
        zip::ZipArchive::new(std::io::Cursor::new(one.body.clone())).expect("a packet is a zip");
    assert!(
        zip.file_names()
            .any(|n| n.is_ok_and(|n| n.starts_with("00_cover"))),
        "{:?}",
        zip.file_names().collect::<Vec<_>>()
    );
    assert_eq!(
        one.body,
        std::fs::read(dir.join("cli-out/packets").join(&names[0])).unwrap(),
        "the same bytes as the CLI's packet"
    );
    let all = s.get(&format!("/api/jobs/{id}/packets.zip"));
    assert_eq!(all.status, 200, "{}", all.story());
    let mut outer =
        zip::ZipArchive::new(std::io::Cursor::new(all.body.clone())).expect("packets.zip is a zip");
    assert_eq!(outer.len(), names.len());
    for i in 0..outer.len() {
        let mut inner = Vec::new();
        outer.by_index(i).unwrap().read_to_end(&mut inner).unwrap();
        zip::ZipArchive::new(std::io::Cursor::new(inner)).expect("each packet inside is a zip");
    }
    dir.write("all.zip", &all.body);
    if crate::util::need_tool("unzip", &["-v"]) {
        let t = Command::new("unzip")
            .arg("-t")
            .arg(dir.join("all.zip"))
            .output()
            .unwrap();
        assert!(t.status.success(), "{}", String::from_utf8_lossy(&t.stdout));
    }
    for (f, magic) in [
        ("report.xlsx", &b"PK"[..]),
        ("report.csv", b"\xef\xbb\xbf"),
        ("report.html", b"<!"),
    ] {
        let r = s.get(&format!("/api/jobs/{id}/{f}"));
        assert_eq!(r.status, 200, "{f}");
        assert!(r.body.starts_with(magic), "{f}");
    }
    let html = s.get(&format!("/api/jobs/{id}/report.html"));
    assert!(
        html.header("content-security-policy")
            .unwrap()
            .starts_with("sandbox"),
        "report.html is sandboxed"
    );
    // The log: method, route, job, status, duration; nothing personal. (Read by another
    // thread: wait for the lines rather than race it.)
    wait_until("the requests in the log", Duration::from_secs(10), || {
        let log = s.log();
        log.contains("POST /api/jobs 201") && log.contains("GET /api/jobs/{id}/packets/{name} job")
    });
    let log = s.log();
    assert!(log.contains("POST /api/jobs 201"), "{log}");
    assert!(
        log.contains("GET /api/jobs/{id}/packets/{name} job"),
        "{log}"
    );
    for secret in [
        s.token.as_str(),
        "roster.xlsx",
        "EK1234567",
        "company",
        "公司",
        "Wiśniewski",
    ] {
        assert!(!log.contains(secret), "{secret:?} in the log:\n{log}");
    }
    // DELETE: 204, and nothing of the job on disk.
    let r = s.send("DELETE", &format!("/api/jobs/{id}"), &s.bearer(), None);
    assert_eq!(r.status, 204, "{}", r.story());
    assert!(s.job_folders().is_empty(), "{}", listing(&s.data));
    assert_eq!(s.get(&format!("/api/jobs/{id}")).status, 404);
}

fn pct(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"._-".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Reads an SSE stream for a while and returns what came.
fn read_events(s: &Server, id: &str, last: Option<usize>, wait: Duration) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    stream.set_read_timeout(Some(wait)).unwrap();
    let last = last
        .map(|l| format!("Last-Event-ID: {l}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "GET /api/jobs/{id}/events HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\n{last}\r\n",
        s.host(),
        s.token
    )
    .unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 8192];
    while let Ok(n) = stream.read(&mut buf) {
        if n == 0 {
            break;
        }
        got.extend_from_slice(&buf[..n]);
    }
    String::from_utf8_lossy(&got).into_owned()
}

#[test]
fn serve_progress_stream_replays_from_last_event_id_and_ends_on_shutdown() {
    let dir = Dir::new();
    let company = dir.join("co");
    let people: Vec<Person> = (0..4)
        .map(|i| Person::new(leak(format!("Worker {i}")), leak(format!("E9{i:07}"))))
        .collect();
    folder::write(&company, &people);
    let mut s = Server::start(&dir, &[]);
    let r = s.upload(
        "POST",
        "/api/jobs",
        &[("mode", "check"), ("as_of", folder::AS_OF)],
        &folder_files(&company, ""),
    );
    let id = r.job_id();
    s.wait(&id);
    let all = read_events(&s, &id, None, Duration::from_millis(800));
    assert!(
        all.contains("event: start") && all.contains("\"total\":4"),
        "{all}"
    );
    assert_eq!(all.matches("event: employee").count(), 4, "{all}");
    assert!(
        all.contains("event: state\ndata: {\"state\":\"done\"}"),
        "{all}"
    );
    // From Last-Event-ID on: only what followed it.
    let ids: Vec<usize> = all
        .lines()
        .filter_map(|l| l.strip_prefix("id: "))
        .map(|v| v.parse().unwrap())
        .collect();
    let last = *ids.last().unwrap();
    let rest = read_events(&s, &id, Some(last - 1), Duration::from_millis(800));
    let rest_ids: Vec<usize> = rest
        .lines()
        .filter_map(|l| l.strip_prefix("id: "))
        .map(|v| v.parse().unwrap())
        .collect();
    assert_eq!(rest_ids, [last], "{rest}");
    // PUT adds a scan and runs again on the same job: the passport is provided now.
    let passport = |s: &Server| -> String {
        let report = s.report(&id);
        report.employees[0].item("passport").status.clone()
    };
    assert_eq!(passport(&s), "missing");
    let scan = folder::scan_bytes("Passport bio page.jpg", folder::Scan::Jpeg);
    let r = s.upload(
        "PUT",
        &format!("/api/jobs/{id}/files"),
        &[],
        &[("docs/E90000000/Passport bio page.jpg".to_string(), scan)],
    );
    assert_eq!(r.status, 202, "{}", r.story());
    let st = s.wait(&id);
    assert_eq!((st.state.as_str(), st.runs), ("done", 2), "{st}");
    assert_eq!(passport(&s), "provided");
    let last = last
        + read_events(&s, &id, Some(last), Duration::from_millis(800))
            .lines()
            .filter(|l| l.starts_with("id: "))
            .count();
    // Ctrl-C (SIGINT) ends open streams and the server exits.
    let mut stream = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    write!(stream, "GET /api/jobs/{id}/events HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\nLast-Event-ID: {last}\r\n\r\n", s.host(), s.token).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(unsafe { libc::kill(s.child.id() as i32, libc::SIGINT) }, 0);
    let started = Instant::now();
    let mut sink = Vec::new();
    let _ = stream.read_to_end(&mut sink);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the stream ended at shutdown"
    );
    let status = s.child.wait().unwrap();
    assert!(status.success(), "{status:?}\n{}", s.log());
    wait_until("stopping in the log", Duration::from_secs(10), || {
        s.log().contains("stopping")
    });
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// Three companies of ten at once: all finish with the counts `check` gives, while the status
/// endpoint keeps answering.
#[test]
fn serve_small_load_three_companies_at_once() {
    let dir = Dir::new();
    let mut uploads = Vec::new();
    for c in 0..3 {
        let company = dir.join(format!("co{c}"));
        let people: Vec<Person> = (0..10)
            .map(|i| {
                let p = Person::new(leak(format!("Worker {c} {i}")), leak(format!("L{c}{i:07}")));
                if i % 3 == 0 { p.scans(FULL_B6) } else { p }
            })
            .collect();
        folder::write(&company, &people);
        let cli = dir.run(&[
            "check",
            company.join("roster.xlsx").to_str().unwrap(),
            "--as-of",
            folder::AS_OF,
            "--out",
            &format!("cli{c}"),
            "-q",
        ]);
        assert!(cli.code() < 2, "{}", cli.story("check"));
        uploads.push((
            folder_files(&company, &format!("co{c}")),
            Report::read(&dir, &format!("cli{c}")).summary,
        ));
    }
    let s = Server::start(&dir, &[]);
    let ids: Vec<(String, &Summary)> = std::thread::scope(|sc| {
        let hs: Vec<_> = uploads
            .iter()
            .map(|(files, want)| {
                let s = &s;
                sc.spawn(move || {
                    let r = s.upload(
                        "POST",
                        "/api/jobs",
                        &[("mode", "build"), ("as_of", folder::AS_OF)],
                        files,
                    );
                    assert_eq!(r.status, 201, "{}", r.story());
                    (r.job_id(), want)
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut worst = Duration::ZERO;
    for (id, want) in &ids {
        loop {
            let t = Instant::now();
            let st = s.status(id);
            worst = worst.max(t.elapsed());
            if st.settled() {
                assert_eq!(st.state, "done", "{st}");
                let counts = &st.summary().counts;
                // check writes no packets; the rest must agree.
                let no_packets = |c: &Summary| Summary {
                    packets: 0,
                    ..c.clone()
                };
                assert_eq!(no_packets(counts), no_packets(want), "{id}");
                assert_eq!(counts.packets, 10);
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    assert!(
        worst < Duration::from_secs(2),
        "the status endpoint answered within {worst:?}"
    );
}

/// Sends the head of a request with a body of `len` bytes, and the first `first` bytes.
fn start_request(
    s: &Server,
    method: &str,
    path: &str,
    kind: &str,
    body: &[u8],
    first: usize,
) -> TcpStream {
    let mut t = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    t.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        t,
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\nConnection: close\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n\r\n",
        s.host(),
        s.token,
        body.len()
    )
    .unwrap();
    t.write_all(&body[..first]).unwrap();
    t.flush().unwrap();
    t
}

/// The status of an answer read to its end; `None` when the server closed without one.
fn answer_status(t: &mut TcpStream) -> (Option<u16>, String) {
    let mut raw = Vec::new();
    let _ = t.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .strip_prefix("HTTP/1.1 ")
        .and_then(|r| r.get(..3))
        .and_then(|c| c.parse().ok());
    (status, text)
}

fn wait_until(what: &str, limit: Duration, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(start.elapsed() < limit, "waited {limit:?} for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Files and folders under `dir`, relative.
fn entries(dir: &Path) -> Vec<String> {
    listing(dir)
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

/// Issue 23 item 3: a DELETE answered while a PUT is between two files. Before, the PUT went
/// on after the 204, re-created the job folder and left the passport scan in it, reachable
/// by no route. Now the upload stops, the DELETE answers when nothing of the job is left,
/// and the job's progress stream ends.
#[test]
fn serve_delete_during_a_slow_upload_leaves_nothing() {
    let dir = Dir::new();
    let s = Server::start(&dir, &[]);
    // No roster: the job fails at once, and is settled.
    let r = s.upload("POST", "/api/jobs", &[("mode", "check")], &[]);
    assert_eq!(r.status, 201, "{}", r.story());
    let id = r.job_id();
    s.wait(&id);
    let job = s.data.join(&id);
    let mut events = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    write!(
        events,
        "GET /api/jobs/{id}/events HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
        s.host(),
        s.token
    )
    .unwrap();
    events
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    // The visa scan whole, then the passport's part is only begun.
    let (kind, body) = multipart(
        &[],
        &[
            ("docs/E1/visa.jpg".into(), vec![b'v'; 3000]),
            ("docs/E1/passport.jpg".into(), vec![b'p'; 3000]),
        ],
    );
    let boundary = b"--permitpack-test-boundary-7f3a9c\r\n";
    let second = body
        .windows(boundary.len())
        .enumerate()
        .filter(|(_, w)| w == boundary)
        .nth(1)
        .unwrap()
        .0;
    let mut put = start_request(
        &s,
        "PUT",
        &format!("/api/jobs/{id}/files"),
        &kind,
        &body,
        second + boundary.len(),
    );
    let staged = || {
        std::fs::read_dir(&job)
            .into_iter()
            .flatten()
            .flatten()
            .any(|e| e.path().join("docs/E1/visa.jpg").is_file())
    };
    wait_until(
        "the visa scan to be staged",
        Duration::from_secs(10),
        staged,
    );
    let asked = Instant::now();
    let r = s.send("DELETE", &format!("/api/jobs/{id}"), &s.bearer(), None);
    assert_eq!(r.status, 204, "{}", r.story());
    assert!(
        asked.elapsed() < Duration::from_secs(5),
        "DELETE waited {:?} for the upload",
        asked.elapsed()
    );
    assert!(!job.exists(), "after the 204: {}", listing(&s.data));
    // The rest of the upload arrives after the 204: it is not kept.
    let _ = put.write_all(&body[second + boundary.len()..]);
    let (status, text) = answer_status(&mut put);
    assert!(
        status.is_none_or(|c| c == 404),
        "the PUT to a deleted job: {text}"
    );
    if status.is_some() {
        assert!(text.contains("serve.job_deleted"), "{text}");
    }
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        s.job_folders().is_empty(),
        "nothing of the job on disk: {}",
        listing(&s.data)
    );
    assert_eq!(s.get(&format!("/api/jobs/{id}")).status, 404);
    // The progress stream of the deleted job has ended.
    let started = Instant::now();
    let mut got = Vec::new();
    let _ = events.read_to_end(&mut got);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the progress stream ended with the job: {}",
        String::from_utf8_lossy(&got)
    );
    assert!(String::from_utf8_lossy(&got).contains("event: state"));
    // The server goes on.
    assert_eq!(s.get("/api/info").status, 200);
}

/// Issue 23 item 7: an upload that stalls is swept `--keep` after its last bytes, and the
/// stalled request is answered.
#[test]
fn serve_a_stalled_upload_is_swept() {
    let dir = Dir::new();
    let s = Server::start(&dir, &["--keep", "2s"]);
    let (kind, body) = multipart(
        &[("mode", "check")],
        &[("docs/E1/passport.jpg".into(), vec![b'p'; 20_000])],
    );
    let mut post = start_request(&s, "POST", "/api/jobs", &kind, &body, 5000);
    wait_until("the job folder", Duration::from_secs(10), || {
        !s.job_folders().is_empty()
    });
    wait_until("the sweep", Duration::from_secs(15), || {
        s.job_folders().is_empty()
    });
    let (status, text) = answer_status(&mut post);
    assert_eq!(status, Some(404), "{text}");
    assert!(text.contains("serve.job_deleted"), "{text}");
    assert!(entries(&s.data).is_empty(), "{}", listing(&s.data));
    assert_eq!(s.get("/api/info").status, 200);
}

/// Issue 23 item 7: staging folders a killed server left are removed at the next start; the
/// job's accepted files and folders not made by permitpack stay.
#[test]
fn serve_removes_staging_folders_left_by_a_crash() {
    let dir = Dir::new();
    let job = format!("data/{}", "ab".repeat(16));
    let staging = format!("{job}/upload-{}", "0f".repeat(16));
    dir.write(format!("{staging}/docs/E1/passport.jpg"), b"scan");
    dir.write(format!("{job}/in/roster.csv"), b"x");
    dir.write(format!("{job}/upload-notes/keep.txt"), b"mine");
    dir.write(
        format!("data/mine/upload-{}/keep.txt", "0f".repeat(16)),
        b"mine",
    );
    let s = Server::start(&dir, &[]);
    assert!(!dir.join(&staging).exists(), "{}", listing(&s.data));
    assert!(dir.join(format!("{job}/in/roster.csv")).is_file());
    assert!(dir.join(format!("{job}/upload-notes/keep.txt")).is_file());
    assert!(
        dir.join(format!("data/mine/upload-{}/keep.txt", "0f".repeat(16)))
            .is_file()
    );
    wait_until("the start's log", Duration::from_secs(5), || {
        s.log().contains("1 unfinished upload(s)")
    });
}

/// Issue 23 item 7: names Windows cannot hold are refused with a message naming the file,
/// and nothing of the upload is kept.
#[test]
fn serve_refuses_names_windows_cannot_hold() {
    let dir = Dir::new();
    let s = Server::start(&dir, &[]);
    for bad in [
        "CON",
        "docs/E1/NUL.txt",
        "aux.pdf",
        "COM1",
        "docs/LPT9/scan.pdf",
        "scan.",
        "docs/E1 /scan.pdf",
        "a<b.pdf",
        "a>b.pdf",
        "a|b.pdf",
        "a?b.pdf",
        "a*b.pdf",
    ] {
        let r = s.upload(
            "POST",
            "/api/jobs",
            &[("mode", "check")],
            &[
                ("roster.csv".into(), b"x".to_vec()),
                (bad.into(), b"scan".to_vec()),
            ],
        );
        assert_eq!(r.status, 400, "{bad}: {}", r.story());
        let e = r.refusal();
        assert_eq!(e.code, "serve.windows_name", "{bad}: {}", r.story());
        assert!(e.en.contains(bad) && e.zh.contains(bad), "{bad}: {e:?}");
        assert!(e.en.contains("Windows"), "{e:?}");
        assert!(s.job_folders().is_empty(), "{bad}: {}", listing(&s.data));
    }
    // Names that only look alike are fine.
    let r = s.upload(
        "POST",
        "/api/jobs",
        &[("mode", "check")],
        &[
            ("CONTRACT.pdf".into(), b"x".to_vec()),
            ("docs/E1/console.txt".into(), b"x".to_vec()),
            ("COM10.pdf".into(), b"x".to_vec()),
        ],
    );
    assert_eq!(r.status, 201, "{}", r.story());
}

/// Issue 23 item 4: the browser is opened through a private file that redirects to the
/// token URL; the opener's arguments (which `ps` shows) hold only the file's path. The file
/// goes when the server stops.
#[cfg(unix)]
#[test]
fn serve_opens_the_browser_through_a_private_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = Dir::new();
    let opener = dir.write(
        "opener.sh",
        "#!/bin/sh\nd=$(dirname \"$0\")\nprintf '%s\\n' \"$#\" \"$@\" > \"$d/args.tmp\"\ncat \"$1\" > \"$d/page.html\"\nmv \"$d/args.tmp\" \"$d/args\"\n",
    );
    std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut s = Server::start_with(&dir, &[], &[("BROWSER", opener.to_str().unwrap())], None);
    wait_until("the opener to run", Duration::from_secs(10), || {
        dir.join("args").is_file()
    });
    let args = String::from_utf8(dir.read("args")).unwrap();
    let lines: Vec<&str> = args.lines().collect();
    assert_eq!(lines.len(), 2, "one argument: {args:?}");
    assert_eq!(lines[0], "1", "{args:?}");
    assert!(
        !args.contains(&s.token) && !args.contains("token"),
        "{args:?}"
    );
    let file = PathBuf::from(lines[1]);
    assert!(file.is_absolute() && file.starts_with(&s.data), "{args:?}");
    assert_eq!(file.extension().and_then(|e| e.to_str()), Some("html"));
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{}", file.display());
    let page = String::from_utf8(dir.read("page.html")).unwrap();
    assert!(
        page.contains(&format!("url={}\"", s.url))
            && page.contains(&format!("location.replace(\"{}\")", s.url)),
        "the page goes to {}: {page}",
        s.url
    );
    // The server's own command line holds no secret either.
    if let Ok(cmdline) = std::fs::read(format!("/proc/{}/cmdline", s.child.id())) {
        assert!(!String::from_utf8_lossy(&cmdline).contains(&s.token));
    }
    assert!(!s.log().contains(&s.token), "{}", s.log());
    // Ctrl-C: the file is removed.
    assert_eq!(unsafe { libc::kill(s.child.id() as i32, libc::SIGINT) }, 0);
    let status = s.child.wait().unwrap();
    assert!(status.success(), "{status:?}\n{}", s.log());
    assert!(!file.exists(), "{} removed at the end", file.display());
}

fn login(s: &Server, password: &str) -> u16 {
    let body = format!("password={}", password.replace(' ', "+"));
    s.send(
        "POST",
        "/login",
        &[],
        Some(("application/x-www-form-urlencoded", body.as_bytes())),
    )
    .status
}

/// Issue 23 item 4: the password from `PERMITPACK_SERVE_PASSWORD` or `--password-stdin`,
/// kept off the process list; `--password` still works, with one warning.
#[test]
fn serve_password_from_the_environment_or_stdin_and_a_warning_for_argv() {
    let warning = "can be read by every user of this computer in the process list";
    let cmdline = |s: &Server| {
        std::fs::read(format!("/proc/{}/cmdline", s.child.id()))
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    };
    let d1 = Dir::new();
    let s = Server::start_with(
        &d1,
        &["--no-open", "--bind", "127.0.0.1"],
        &[("PERMITPACK_SERVE_PASSWORD", "tiger lily")],
        None,
    );
    assert_eq!(
        s.send("GET", "/", &[], None).header("location"),
        Some("/login")
    );
    assert_eq!(login(&s, "wrong"), 401);
    assert_eq!(login(&s, "tiger lily"), 303);
    assert!(!cmdline(&s).contains("tiger"));
    assert!(
        !s.log().contains(warning) && !s.log().contains("tiger"),
        "{}",
        s.log()
    );

    let d2 = Dir::new();
    let s = Server::start_with(
        &d2,
        &["--no-open", "--password-stdin"],
        &[],
        Some(b"sea horse\n"),
    );
    assert_eq!(
        s.send("GET", "/", &[], None).header("location"),
        Some("/login")
    );
    assert_eq!(login(&s, "sea horse"), 303);
    assert!(!cmdline(&s).contains("sea"));
    assert!(!s.log().contains(warning), "{}", s.log());

    let d3 = Dir::new();
    let s = Server::start(&d3, &["--password", "old way"]);
    assert_eq!(login(&s, "old way"), 303);
    assert_eq!(s.log().matches(warning).count(), 1, "{}", s.log());
    assert!(s.log().contains("PERMITPACK_SERVE_PASSWORD") && s.log().contains("--password-stdin"));
    assert!(!s.log().contains("old way"), "{}", s.log());

    // No password on standard input: one line, exit status 2.
    let d4 = Dir::new();
    let r = d4.run(&["serve", "--no-open", "--port", "0", "--password-stdin"]);
    r.assert_code(2);
    assert!(r.stderr().contains("--password-stdin"), "{}", r.stderr());
    assert!(r.stdout().is_empty());
}

// ---- issue 23: stalled clients, login races, Ctrl-C, bounded uploads ----------------------

/// Short timeouts and a small per-address cap, so the tests wait seconds, not minutes.
const SHORT_NET: &str = "header_timeout=1s,body_timeout=2s,max_client_connections=6";

/// Connects and sends `head` (maybe not a whole request) without reading.
fn raw(s: &Server, head: &[u8]) -> TcpStream {
    let mut c = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    c.write_all(head).unwrap();
    c.flush().unwrap();
    c
}

/// Waits until the server closes `c` (or `limit` passes); returns what it sent and how long
/// that took.
fn until_closed(c: &mut TcpStream, limit: Duration) -> (Vec<u8>, Duration) {
    let started = Instant::now();
    c.set_read_timeout(Some(limit)).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match c.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(e) => panic!(
                "the connection is still open after {:?} ({e}); got {:?}",
                started.elapsed(),
                String::from_utf8_lossy(&got)
            ),
        }
    }
    (got, started.elapsed())
}

/// The head of a request with a body of `len` bytes, the Bearer token and the right Host.
fn head_with_body(s: &Server, method: &str, path: &str, kind: &str, len: usize) -> String {
    format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\nConnection: close\r\nContent-Type: {kind}\r\nContent-Length: {len}\r\n\r\n",
        s.host(),
        s.token
    )
}

fn status_of(answer: &[u8]) -> u16 {
    String::from_utf8_lossy(answer)
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

#[test]
fn serve_stalled_clients_are_closed_and_others_are_served() {
    let dir = Dir::new();
    let s = Server::start_net(&dir, &[], Some(SHORT_NET));
    // Half the headers, then nothing: closed after the header timeout (1 s here).
    let half = format!("GET /api/info HTTP/1.1\r\nHost: {}\r\n", s.host());
    let mut slow = raw(&s, half.as_bytes());
    // Meanwhile the token holder is served at once.
    let t = Instant::now();
    assert_eq!(s.get("/api/info").status, 200);
    assert!(
        t.elapsed() < Duration::from_millis(900),
        "{:?}",
        t.elapsed()
    );
    let (_, took) = until_closed(&mut slow, Duration::from_secs(5));
    assert!(took < Duration::from_secs(3), "closed after {took:?}");
    // A kept-alive connection that goes quiet after its answer is closed too.
    let mut idle = raw(
        &s,
        format!(
            "GET /api/info HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\n\r\n",
            s.host(),
            s.token
        )
        .as_bytes(),
    );
    let (got, took) = until_closed(&mut idle, Duration::from_secs(5));
    assert_eq!(status_of(&got), 200);
    assert!(took < Duration::from_secs(3), "idle closed after {took:?}");

    // One address holds at most 6 connections: the 7th is told 503 and closed at once.
    let mut held: Vec<TcpStream> = (0..6).map(|_| raw(&s, half.as_bytes())).collect();
    std::thread::sleep(Duration::from_millis(200));
    let mut extra = raw(&s, half.as_bytes());
    let (got, took) = until_closed(&mut extra, Duration::from_secs(5));
    assert_eq!(status_of(&got), 503, "{}", String::from_utf8_lossy(&got));
    assert!(String::from_utf8_lossy(&got).contains("Too many connections"));
    assert!(took < Duration::from_millis(900), "{took:?}");
    // Once the stalled ones are cut off (header timeout), the address is served again.
    for c in &mut held {
        let (_, took) = until_closed(c, Duration::from_secs(5));
        assert!(took < Duration::from_secs(3), "{took:?}");
    }
    assert_eq!(s.get("/api/info").status, 200);

    // A body that stops halfway: refused after the body timeout (2 s), nothing kept.
    let (kind, body) = multipart(
        &[("mode", "check")],
        &[("roster.csv".into(), vec![b'a'; 5000])],
    );
    let mut c = raw(
        &s,
        head_with_body(&s, "POST", "/api/jobs", &kind, body.len()).as_bytes(),
    );
    c.write_all(&body[..body.len() / 2]).unwrap();
    let (got, took) = until_closed(&mut c, Duration::from_secs(8));
    assert_eq!(status_of(&got), 400, "{}", String::from_utf8_lossy(&got));
    assert!(
        took >= Duration::from_millis(1500) && took < Duration::from_secs(5),
        "{took:?}"
    );
    assert!(s.job_folders().is_empty(), "{}", listing(&s.data));

    // No password: /login is 404 before its body is read (no wait for the body timeout).
    let mut c = raw(
        &s,
        format!(
            "POST /login HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 900\r\n\r\npass",
            s.host()
        )
        .as_bytes(),
    );
    let (got, took) = until_closed(&mut c, Duration::from_secs(8));
    assert_eq!(status_of(&got), 404, "{}", String::from_utf8_lossy(&got));
    assert!(took < Duration::from_millis(1500), "{took:?}");
    assert_eq!(s.get("/api/info").status, 200, "{}", s.log());
}

/// Peak and current resident memory of a process, in kB.
fn memory_kb(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let field = |name: &str| -> u64 {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("no {name} in /proc/{pid}/status"))
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// Sends the login forms all at once (each on its own connection, released together) and
/// returns the statuses.
fn logins_at_once(s: &Server, forms: Vec<(Option<String>, &'static str)>) -> Vec<u16> {
    let gate = std::sync::Barrier::new(forms.len());
    std::thread::scope(|sc| {
        let hs: Vec<_> = forms
            .into_iter()
            .map(|(from, password)| {
                let gate = &gate;
                sc.spawn(move || {
                    let body = format!("password={password}");
                    let mut head = format!(
                        "POST /login HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
                        s.host(),
                        body.len()
                    );
                    if let Some(ip) = from {
                        head.push_str(&format!("X-Forwarded-For: 198.51.100.1, {ip}\r\n"));
                    }
                    head.push_str("\r\n");
                    let mut c = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
                    c.write_all(head.as_bytes()).unwrap();
                    gate.wait();
                    c.write_all(body.as_bytes()).unwrap();
                    read_answer(c, "POST /login".into()).status
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

#[test]
fn serve_raced_logins_stay_within_the_limit_and_memory() {
    let dir = Dir::new();
    let s = Server::start_net(
        &dir,
        &["--password", "correct horse", "--trust-proxy"],
        Some("max_client_connections=500"),
    );
    let pid = s.child.id();
    // 120 wrong passwords from one client at once: 5 are checked, the others refused.
    let statuses = logins_at_once(
        &s,
        (0..120)
            .map(|_| (Some("203.0.113.5".to_string()), "wrong"))
            .collect(),
    );
    let count = |code: u16| statuses.iter().filter(|&&c| c == code).count();
    assert_eq!((count(401), count(429)), (5, 115), "{statuses:?}");
    // Even the right password is refused now for that client; another client may log in.
    let one = |from: &str, pw: &'static str| logins_at_once(&s, vec![(Some(from.into()), pw)])[0];
    assert_eq!(one("203.0.113.5", "correct+horse"), 429);
    assert_eq!(one("203.0.113.6", "correct+horse"), 303);
    // 40 clients (behind the proxy) at once, each password checked: at most two checks of
    // about 19 MiB run at once, so the peak grows by tens of MB, not 40 x 19.
    let (peak_before, _) = memory_kb(pid);
    let statuses = logins_at_once(
        &s,
        (0..40)
            .map(|i| (Some(format!("192.0.2.{}", i + 10)), "wrong"))
            .collect(),
    );
    assert!(statuses.iter().all(|&c| c == 401), "{statuses:?}");
    let (peak_after, now) = memory_kb(pid);
    let grew_mb = peak_after.saturating_sub(peak_before) / 1024;
    eprintln!("login race: peak RSS {peak_before} -> {peak_after} kB, now {now} kB");
    assert!(
        grew_mb < 100,
        "peak RSS grew by {grew_mb} MB ({peak_before} -> {peak_after} kB)"
    );
    let log = s.log();
    assert!(!log.contains("correct") && !log.contains("wrong"), "{log}");
    // Without a password there is no login at all.
    let dir2 = Dir::new();
    let s2 = Server::start(&dir2, &[]);
    let r = s2.send(
        "POST",
        "/login",
        &[],
        Some(("application/x-www-form-urlencoded", b"password=x")),
    );
    assert_eq!(r.status, 404, "{}", r.story());
}

#[test]
fn serve_upload_of_many_small_files_is_not_buffered() {
    // Two companies of 1,200 files of 48 KB (56 MB each) sent at once, as fast as loopback
    // goes. The multipart parser used to append all the ready bytes to its buffer and take
    // one file out per read, so an upload of many files sat whole in memory (1 GB for eight
    // companies); the body now comes in slices, and the server's peak grows by a few MB.
    let dir = Dir::new();
    let s = Server::start(&dir, &[]);
    let pid = s.child.id();
    let files: Vec<(String, Vec<u8>)> = (0..1200u32)
        .map(|i| {
            let mut x = i.wrapping_mul(2_654_435_761) | 1;
            let bytes = (0..48 * 1024)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    x as u8
                })
                .collect();
            (format!("co/docs/{i:03}/scan.jpg"), bytes)
        })
        .collect();
    let (peak_before, _) = memory_kb(pid);
    std::thread::scope(|scope| {
        let sends: Vec<_> = (0..2)
            .map(|_| scope.spawn(|| s.upload("POST", "/api/jobs", &[("mode", "check")], &files)))
            .collect();
        for h in sends {
            let r = h.join().unwrap();
            assert_eq!(r.status, 201, "{}", r.story());
        }
    });
    let (peak_after, _) = memory_kb(pid);
    let grew_mb = peak_after.saturating_sub(peak_before) / 1024;
    eprintln!("many small files: peak RSS {peak_before} -> {peak_after} kB");
    assert!(
        grew_mb < 24,
        "peak RSS grew by {grew_mb} MB ({peak_before} -> {peak_after} kB) for 2 x 56 MB uploads"
    );
}

#[test]
fn serve_login_form_is_small() {
    let dir = Dir::new();
    let s = Server::start(&dir, &["--password", "correct horse"]);
    let big = format!("password={}", "x".repeat(2000));
    let r = s.send(
        "POST",
        "/login",
        &[],
        Some(("application/x-www-form-urlencoded", big.as_bytes())),
    );
    assert_eq!(r.status, 413, "{}", r.story());
    assert_eq!(r.refusal().code, "serve.login_too_large");
    // Not counted as an attempt: the right password still works five times over.
    let form = "application/x-www-form-urlencoded";
    for _ in 0..6 {
        let r = s.send(
            "POST",
            "/login",
            &[],
            Some((form, b"password=correct+horse")),
        );
        assert_eq!(r.status, 303, "{}", r.story());
    }
}

#[test]
fn serve_big_form_field_is_refused() {
    let dir = Dir::new();
    let s = Server::start(&dir, &[]);
    let big = "b".repeat(5000);
    let r = s.upload(
        "POST",
        "/api/jobs",
        &[("as_of", &big)],
        &[("roster.csv".into(), b"x".to_vec())],
    );
    assert_eq!(r.status, 413, "{}", r.story());
    let e = r.refusal();
    assert_eq!(e.code, "serve.field_too_large", "{}", r.story());
    assert!(e.en.contains("as_of"), "{}", r.story());
    assert!(s.job_folders().is_empty(), "{}", listing(&s.data));
    // A field of the limit is read (and judged by its value).
    let r = s.upload(
        "POST",
        "/api/jobs",
        &[("as_of", &"9".repeat(1024))],
        &[("roster.csv".into(), b"x".to_vec())],
    );
    assert_eq!(r.status, 400, "{}", r.story());
    assert_eq!(r.refusal().code, "serve.bad_field");
}

/// Waits for the process to exit, at most `limit`.
fn exit_within(s: &mut Server, limit: Duration) -> (std::process::ExitStatus, Duration) {
    let started = Instant::now();
    loop {
        if let Some(st) = s.child.try_wait().unwrap() {
            return (st, started.elapsed());
        }
        assert!(
            started.elapsed() < limit,
            "still running {limit:?} after the signal\n{}",
            s.log()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn serve_ctrl_c_with_a_stalled_client() {
    let sigint =
        |s: &Server| assert_eq!(unsafe { libc::kill(s.child.id() as i32, libc::SIGINT) }, 0);
    // One Ctrl-C: open requests get 5 s, then the server exits (0).
    let dir = Dir::new();
    let mut s = Server::start(&dir, &[]);
    let half = format!("GET /api/info HTTP/1.1\r\nHost: {}\r\n", s.host());
    let _stalled = raw(&s, half.as_bytes());
    std::thread::sleep(Duration::from_millis(200));
    sigint(&s);
    let (status, took) = exit_within(&mut s, Duration::from_secs(9));
    assert!(status.success(), "{status:?}\n{}", s.log());
    assert!(
        took >= Duration::from_secs(4) && took < Duration::from_millis(7500),
        "exited after {took:?}"
    );
    wait_until("cut off in the log", Duration::from_secs(10), || {
        s.log().contains("cut off")
    });
    // A second Ctrl-C exits at once (130).
    let dir = Dir::new();
    let mut s = Server::start(&dir, &[]);
    let half = format!("GET /api/info HTTP/1.1\r\nHost: {}\r\n", s.host());
    let _stalled = raw(&s, half.as_bytes());
    std::thread::sleep(Duration::from_millis(200));
    sigint(&s);
    std::thread::sleep(Duration::from_millis(300));
    sigint(&s);
    let (status, took) = exit_within(&mut s, Duration::from_secs(3));
    assert_eq!(status.code(), Some(130), "{status:?}\n{}", s.log());
    assert!(took < Duration::from_secs(1), "{took:?}");
}

/// A templates folder whose limits.toml `[serve]` has the replacements made.
fn limits_with(dir: &Dir, changes: &[(&str, &str)]) -> PathBuf {
    let mut text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/limits.toml"),
    )
    .unwrap();
    for (from, to) in changes {
        assert!(text.contains(from), "{from}");
        text = text.replace(from, to);
    }
    dir.write("limited/limits.toml", text)
        .parent()
        .unwrap()
        .to_path_buf()
}

#[test]
fn serve_queue_place_is_taken_when_the_upload_starts() {
    let dir = Dir::new();
    let templates = limits_with(&dir, &[("max_queued_jobs = 32 ", "max_queued_jobs = 2 ")]);
    let s = Server::start(&dir, &["--templates", templates.to_str().unwrap()]);
    // Refused uploads give their place back.
    for _ in 0..3 {
        let r = s.upload(
            "POST",
            "/api/jobs",
            &[],
            &[("../x.csv".into(), b"x".to_vec())],
        );
        assert_eq!(r.status, 400, "{}", r.story());
    }
    // Two uploads under way hold both places ...
    let (kind, body) = multipart(
        &[("mode", "check")],
        &[("roster.csv".into(), vec![b'a'; 3000])],
    );
    let half = body.len() / 2;
    let mut open: Vec<TcpStream> = (0..2)
        .map(|_| {
            let mut c = raw(
                &s,
                head_with_body(&s, "POST", "/api/jobs", &kind, body.len()).as_bytes(),
            );
            c.write_all(&body[..half]).unwrap();
            c
        })
        .collect();
    std::thread::sleep(Duration::from_millis(400));
    // ... so a third is refused at once, and a PUT too.
    let r = s.upload("POST", "/api/jobs", &[("mode", "check")], &[]);
    assert_eq!(r.status, 503, "{}", r.story());
    assert_eq!(r.refusal().code, "serve.queue_full");
    let ids: Vec<String> = open
        .iter_mut()
        .map(|c| {
            c.write_all(&body[half..]).unwrap();
            let r = read_answer(c.try_clone().unwrap(), "stalled POST".into());
            assert_eq!(r.status, 201, "{}", r.story());
            r.job_id()
        })
        .collect();
    for id in &ids {
        s.wait(id);
    }
    // Both ran: their places are free again.
    let r = s.upload("POST", "/api/jobs", &[("mode", "check")], &[]);
    assert_eq!(r.status, 201, "{}", r.story());
}

#[test]
fn serve_uploads_to_one_job_are_received_one_at_a_time() {
    let dir = Dir::new();
    let templates = small_limits(&dir);
    let s = Server::start(
        &dir,
        &["--templates", templates.parent().unwrap().to_str().unwrap()],
    );
    let r = s.upload(
        "POST",
        "/api/jobs",
        &[("mode", "check")],
        &[("roster.csv".into(), vec![b'a'; 900])],
    );
    assert_eq!(r.status, 201, "{}", r.story());
    let id = r.job_id();
    s.wait(&id);
    // Two PUTs of 900 bytes at once: each alone fits the job's 2,500 bytes, both do not.
    let path = format!("/api/jobs/{id}/files");
    let (kind, a) = multipart(&[], &[("a.pdf".into(), vec![b'a'; 900])]);
    let (_, b) = multipart(&[], &[("b.pdf".into(), vec![b'b'; 900])]);
    let mut first = raw(
        &s,
        head_with_body(&s, "PUT", &path, &kind, a.len()).as_bytes(),
    );
    first.write_all(&a[..a.len() / 2]).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let mut second = raw(
        &s,
        head_with_body(&s, "PUT", &path, &kind, b.len()).as_bytes(),
    );
    second.write_all(&b).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    first.write_all(&a[a.len() / 2..]).unwrap();
    let r1 = read_answer(first, "first PUT".into());
    let r2 = read_answer(second, "second PUT".into());
    assert_eq!(r1.status, 202, "{}", r1.story());
    assert_eq!(r2.status, 413, "{}", r2.story());
    assert_eq!(r2.refusal().code, "serve.job_too_large");
}

// ---- issue 24: files added to one employee, the roster chosen, jobs kept over a restart ----

/// A multipart body of parts in the order given: `(name, None, value)` a field,
/// `(name, Some(file name), bytes)` a file.
pub fn parts_body(parts: &[(&str, Option<&str>, Vec<u8>)]) -> (String, Vec<u8>) {
    let boundary = "permitpack-test-boundary-7f3a9c";
    let mut b = Vec::new();
    for (name, file, bytes) in parts {
        let head = match file {
            Some(f) => format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            ),
            None => {
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n")
            }
        };
        b.extend_from_slice(head.as_bytes());
        b.extend_from_slice(bytes);
        b.extend_from_slice(b"\r\n");
    }
    b.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), b)
}

/// `(item, file name, bytes)` for each file, sent as `item` then `file`.
type Adding<'a> = (&'a str, &'a str, Vec<u8>);

impl Server {
    /// `POST /api/jobs/{id}/employees/{passport}/files`, each file after its `item`.
    pub fn add_files(&self, id: &str, passport: &str, files: &[Adding]) -> Resp {
        let mut parts = Vec::new();
        for (item, name, bytes) in files {
            parts.push(("item", None, item.as_bytes().to_vec()));
            parts.push(("file", Some(*name), bytes.clone()));
        }
        let (kind, body) = parts_body(&parts);
        let path = format!("/api/jobs/{id}/employees/{}/files", pct(passport));
        self.send("POST", &path, &self.bearer(), Some((&kind, &body)))
    }

    /// The job's report.json.
    pub fn report(&self, id: &str) -> Report {
        let r = self.get(&format!("/api/jobs/{id}/report.json"));
        assert_eq!(r.status, 200, "{}", r.story());
        r.body_as()
    }
}

/// A company folder kept the way an HR department keeps one, under `d/co`: this year's
/// roster `2026_花名册.xlsx` beside last year's `2025_花名册.xlsx` (written later, so newer
/// on disk) and an old undated `roster.xlsx`; scan folders named by person
/// (`21AB34567_Dubois/`, `TK4829173 Tanaka/`, `Maria GARCIA/`); Garcia's photo named by her
/// name. Dubois lacks the Residence Permit scan, Tanaka the Residence Permit, the Work Permit
/// and the photo receipt. The undated `roster.xlsx` was last changed in 2020. Returns the
/// files as an upload sends them, and the `modified` fields a browser sends with them.
pub fn hr_company(d: &Dir) -> (Vec<(String, Vec<u8>)>, Vec<(&'static str, String)>) {
    use crate::fixtures::folder::{COMPANY_SCANS, Scan, fixture_photo, roster, scan_bytes};
    let without = |gone: &[&str]| -> Vec<(&'static str, Scan)> {
        FULL_B6
            .iter()
            .filter(|(n, _)| !gone.contains(n))
            .copied()
            .collect()
    };
    let dubois = Person::new("Jean Dubois", "21AB34567");
    let tanaka = Person::new("Kenji Tanaka", "TK4829173");
    let garcia = Person::new("Maria Garcia", "P1234567");
    let co = d.join("co");
    std::fs::create_dir_all(&co).unwrap();
    roster(&[dubois.clone(), tanaka.clone(), garcia.clone()])
        .save(co.join("2026_花名册.xlsx"))
        .unwrap();
    roster(&[dubois.clone(), tanaka.clone()])
        .save(co.join("roster.xlsx"))
        .unwrap();
    std::fs::File::options()
        .write(true)
        .open(co.join("roster.xlsx"))
        .unwrap()
        .set_modified(std::time::UNIX_EPOCH + Duration::from_secs(1_577_836_800))
        .unwrap();
    std::thread::sleep(Duration::from_millis(20));
    roster(&[dubois, tanaka])
        .save(co.join("2025_花名册.xlsx"))
        .unwrap();
    let scans = [
        ("21AB34567_Dubois", without(&["居留许可页.jpg"])),
        (
            "TK4829173 Tanaka",
            without(&["居留许可页.jpg", "Work Permit card.JPG", "相片回执.jpg"]),
        ),
        ("Maria GARCIA", FULL_B6.to_vec()),
        ("_company", COMPANY_SCANS.to_vec()),
    ];
    for (folder, files) in scans {
        for (name, kind) in files {
            d.write(format!("co/docs/{folder}/{name}"), scan_bytes(name, kind));
        }
    }
    let blue = std::fs::read(fixture_photo("blue.jpg")).unwrap();
    for name in ["21AB34567.jpg", "TK4829173.jpg", "Maria Garcia.jpg"] {
        d.write(format!("co/photos/{name}"), &blue);
    }
    let modified = vec![("modified", "1577836800000 co/roster.xlsx".to_string())];
    (folder_files(&co, "co"), modified)
}

/// Uploads the HR company (`check`, as of 2026-11-26) and waits for its report.
fn upload_hr_company(s: &Server, dir: &Dir) -> String {
    let (files, modified) = hr_company(dir);
    let mut fields: Vec<(&str, &str)> = vec![("mode", "check"), ("as_of", folder::AS_OF)];
    fields.extend(modified.iter().map(|(k, v)| (*k, v.as_str())));
    let r = s.upload("POST", "/api/jobs", &fields, &files);
    assert_eq!(r.status, 201, "{}", r.story());
    let id = r.job_id();
    let st = s.wait(&id);
    assert_eq!(st.state, "done", "{st}\n{}", s.log());
    id
}

/// The ids of an employee's missing (not optional) checklist items.
pub fn missing_items(e: &Employee) -> Vec<&str> {
    e.checklist
        .iter()
        .filter(|c| c.status == "missing" && !c.optional)
        .map(|c| c.id.as_str())
        .collect()
}

/// The files matched to each checklist item of an employee, as `item: file` lines.
fn matched_files(e: &Employee) -> Vec<String> {
    let mut out: Vec<String> = e
        .checklist
        .iter()
        .flat_map(|c| c.files.iter().map(move |f| format!("{}: {f}", c.id)))
        .collect();
    out.sort();
    out
}

/// The folders of the job's `in/co/docs/`.
fn docs_folders(s: &Server, id: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(s.data.join(id).join("in/co/docs"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn serve_add_files_to_a_person_named_folder_keeps_the_other_scans() {
    use crate::fixtures::folder::{Scan, fixture_photo, scan_bytes};
    let dir = Dir::new();
    let s = Server::start(&dir, &[]);
    let id = upload_hr_company(&s, &dir);
    let before = s.report(&id);
    let folders = docs_folders(&s, &id);
    let dubois = before.by_passport("21AB34567");
    assert_eq!(missing_items(dubois), ["residence_permit"], "{dubois:?}");
    let dubois_files = matched_files(dubois);

    // Dubois (`21AB34567_Dubois/`): the Residence Permit scan goes into his folder.
    let rp = scan_bytes("rp.jpg", Scan::Jpeg);
    let r = s.add_files(
        &id,
        "21AB34567",
        &[("residence_permit", "IMG_2041.jpg", rp)],
    );
    assert_eq!(r.status, 202, "{}", r.story());
    let added = r.added();
    assert_eq!(
        added[0].file, "co/docs/21AB34567_Dubois/residence_permit.jpg",
        "{added:?}"
    );
    assert!(added[0].replaced.is_empty(), "{added:?}");
    // The job runs again: a second request waits for it.
    let busy = s.add_files(
        &id,
        "21AB34567",
        &[("passport", "p.pdf", scan_bytes("p.pdf", Scan::Pdf))],
    );
    assert_eq!(busy.status, 409, "{}", busy.story());
    assert_eq!(busy.refusal().code, "serve.job_running");
    assert_eq!(s.wait(&id).state, "done");
    let after = s.report(&id);
    let dubois = after.by_passport("21AB34567");
    assert!(missing_items(dubois).is_empty(), "{dubois:?}");
    let mut want = dubois_files.clone();
    want.push("residence_permit: residence_permit.jpg".into());
    want.sort();
    assert_eq!(matched_files(dubois), want, "the other scans are kept");
    assert_eq!(docs_folders(&s, &id), folders, "no new folder");

    // Replacing: the new passport scan takes the place of `Passport bio page.jpg`.
    let r = s.add_files(
        &id,
        "21AB34567",
        &[("passport", "scan0001.PDF", scan_bytes("p.pdf", Scan::Pdf))],
    );
    assert_eq!(r.status, 202, "{}", r.story());
    let added = &r.added()[0];
    assert_eq!(added.file, "co/docs/21AB34567_Dubois/passport.pdf");
    assert_eq!(
        added.replaced,
        ["co/docs/21AB34567_Dubois/Passport bio page.jpg"]
    );
    s.wait(&id);
    let report = s.report(&id);
    let dubois = report.by_passport("21AB34567");
    let passport: Vec<&str> = dubois
        .checklist
        .iter()
        .filter(|c| c.id == "passport")
        .flat_map(|c| c.files())
        .collect();
    assert_eq!(passport, ["passport.pdf"], "{dubois:?}");
    assert!(
        !s.data
            .join(&id)
            .join("in/co/docs/21AB34567_Dubois/Passport bio page.jpg")
            .exists()
    );

    // Tanaka (`TK4829173 Tanaka/`): three files in one request, each with its item.
    let tanaka = after.by_passport("TK4829173");
    assert_eq!(
        missing_items(tanaka),
        ["residence_permit", "work_permit", "photo_receipt"],
        "{tanaka:?}"
    );
    let tanaka_files = matched_files(tanaka);
    let r = s.add_files(
        &id,
        "TK4829173",
        &[
            ("residence_permit", "a.jpg", scan_bytes("a.jpg", Scan::Jpeg)),
            (
                "work_permit",
                "b.png",
                std::fs::read(fixture_photo("blue.jpg")).unwrap(),
            ),
            ("photo_receipt", "c.pdf", scan_bytes("c.pdf", Scan::Pdf)),
        ],
    );
    assert_eq!(r.status, 202, "{}", r.story());
    let files: Vec<String> = r.added().into_iter().map(|a| a.file).collect();
    assert_eq!(
        files,
        [
            "co/docs/TK4829173 Tanaka/residence_permit.jpg",
            "co/docs/TK4829173 Tanaka/work_permit.png",
            "co/docs/TK4829173 Tanaka/photo_receipt.pdf",
        ]
    );
    s.wait(&id);
    let report = s.report(&id);
    let tanaka = report.by_passport("TK4829173");
    assert!(missing_items(tanaka).is_empty(), "{tanaka:?}");
    let mut want = tanaka_files;
    want.extend([
        "photo_receipt: photo_receipt.pdf".to_string(),
        "residence_permit: residence_permit.jpg".to_string(),
        "work_permit: work_permit.png".to_string(),
    ]);
    want.sort();
    assert_eq!(matched_files(tanaka), want);
    assert_eq!(docs_folders(&s, &id), folders, "still no new folder");

    // The photo: in place of `Maria Garcia.jpg`, keeping her name.
    let png = {
        let img = image::open(fixture_photo("blue.jpg")).unwrap();
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    };
    let r = s.add_files(&id, "P1234567", &[("photo", "new photo.png", png)]);
    assert_eq!(r.status, 202, "{}", r.story());
    let added = &r.added()[0];
    assert_eq!(added.file, "co/photos/Maria Garcia.png", "{added:?}");
    assert_eq!(added.replaced, ["co/photos/Maria Garcia.jpg"]);
    s.wait(&id);
    let report = s.report(&id);
    let garcia = report.by_passport("P1234567");
    assert_eq!(
        garcia.photo.file.as_deref(),
        Some("Maria Garcia.png"),
        "{garcia:?}"
    );
    assert!(garcia.photo.ok, "{garcia:?}");
    let log = s.log();
    for secret in ["21AB34567", "TK4829173", "Dubois", "Garcia"] {
        assert!(!log.contains(secret), "{secret:?} in the log:\n{log}");
    }
    assert!(
        log.contains("POST /api/jobs/{id}/employees/{passport}/files job"),
        "{log}"
    );
}

#[test]
fn serve_add_files_refusals_keep_nothing() {
    use crate::fixtures::folder::{Scan, scan_bytes};
    let dir = Dir::new();
    let s = Server::start(&dir, &[]);
    let id = upload_hr_company(&s, &dir);
    let before = listing(&s.data.join(&id).join("in"));
    let pdf = || scan_bytes("x.pdf", Scan::Pdf);
    let refused = |r: Resp, status: u16, code: &str| {
        assert_eq!(r.status, status, "{}", r.story());
        let e = r.refusal();
        assert_eq!(e.code, code, "{e:?}");
        for (k, t) in [
            ("en", &e.en),
            ("zh", &e.zh),
            ("action_en", &e.action_en),
            ("action_zh", &e.action_zh),
        ] {
            assert!(!t.is_empty() && !t.contains("--"), "{k}: {e:?}");
        }
        e
    };
    let e = refused(
        s.add_files(&id, "X0000000", &[("passport", "p.pdf", pdf())]),
        404,
        "serve.no_employee",
    );
    assert!(e.en.contains("X0000000"), "{e:?}");
    let e = refused(
        s.add_files(&id, "21AB34567", &[("diploma", "d.pdf", pdf())]),
        400,
        "serve.no_item",
    );
    assert!(e.action_en.contains("residence_permit"), "{e:?}");
    refused(
        s.add_files(
            &id,
            "21AB34567",
            &[("labour_contract", "contract.docx", b"PK\x03\x04".to_vec())],
        ),
        400,
        "serve.bad_file_type",
    );
    refused(
        s.add_files(&id, "21AB34567", &[("photo", "photo.pdf", pdf())]),
        400,
        "serve.bad_file_type",
    );
    // A file before any item: the second file of this request makes nothing of the first.
    let (kind, body) = parts_body(&[
        ("file", Some("a.pdf"), pdf()),
        ("item", None, b"passport".to_vec()),
        ("file", Some("b.pdf"), pdf()),
    ]);
    let r = s.send(
        "POST",
        &format!("/api/jobs/{id}/employees/21AB34567/files"),
        &s.bearer(),
        Some((&kind, &body)),
    );
    refused(r, 400, "serve.item_missing");
    // The first file is fine, the second is not: neither is kept.
    refused(
        s.add_files(
            &id,
            "21AB34567",
            &[
                ("residence_permit", "rp.pdf", pdf()),
                ("passport", "p.exe", b"MZ".to_vec()),
            ],
        ),
        400,
        "serve.bad_file_type",
    );
    let (kind, body) = parts_body(&[("item", None, b"passport".to_vec())]);
    let r = s.send(
        "POST",
        &format!("/api/jobs/{id}/employees/21AB34567/files"),
        &s.bearer(),
        Some((&kind, &body)),
    );
    refused(r, 400, "serve.no_files");
    refused(
        s.add_files(
            &"0".repeat(32),
            "21AB34567",
            &[("passport", "p.pdf", pdf())],
        ),
        404,
        "serve.no_job",
    );
    assert_eq!(
        listing(&s.data.join(&id).join("in")),
        before,
        "nothing kept"
    );
    assert_eq!(s.status(&id).runs, 1);
    let staging: Vec<String> = s
        .job_folders()
        .iter()
        .flat_map(|j| std::fs::read_dir(s.data.join(j)).unwrap().flatten())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("upload-"))
        .collect();
    assert!(staging.is_empty(), "{staging:?}");
}

#[test]
fn serve_roster_is_this_years_and_can_be_switched() {
    let dir = Dir::new();
    let s = Server::start(&dir, &[]);
    let id = upload_hr_company(&s, &dir);
    let st = s.status(&id);
    // The latest date in the name, though last year's file is newer on disk; the undated
    // roster.xlsx was last changed in 2020 (the `modified` field): last.
    assert_eq!(st.roster.as_deref(), Some("co/2026_花名册.xlsx"), "{st}");
    assert_eq!(
        st.roster_candidates,
        [
            "co/2026_花名册.xlsx",
            "co/2025_花名册.xlsx",
            "co/roster.xlsx"
        ],
        "{st}"
    );
    let why = st.roster_reason.as_ref().unwrap_or_else(|| panic!("{st}"));
    assert_eq!(why.code, "roster.file_chosen_date", "{why:?}");
    assert!(why.en.contains("latest date"), "{why:?}");
    assert!(!why.zh.is_empty(), "{why:?}");
    assert_eq!(st.summary().counts.employees, 3, "{st}");
    assert_eq!(
        st.summary().company.as_deref(),
        Some(folder::COMPANY_ZH),
        "{st}"
    );

    // Last year's, by JSON: two employees.
    let put = |body: &str, kind: &str| {
        s.send(
            "PUT",
            &format!("/api/jobs/{id}"),
            &s.bearer(),
            Some((kind, body.as_bytes())),
        )
    };
    let r = put(r#"{"roster": "co/2025_花名册.xlsx"}"#, "application/json");
    assert_eq!(r.status, 202, "{}", r.story());
    let busy = put(r#"{"roster": "co/2026_花名册.xlsx"}"#, "application/json");
    assert_eq!(busy.status, 409, "{}", busy.story());
    let st = s.wait(&id);
    assert_eq!(st.state, "done", "{st}");
    assert_eq!(st.roster.as_deref(), Some("co/2025_花名册.xlsx"), "{st}");
    assert_eq!(
        st.roster_reason.as_ref().map(|r| r.code.as_str()),
        Some("serve.roster_chosen"),
        "{st}"
    );
    assert_eq!(st.summary().counts.employees, 2, "{st}");
    assert_eq!(s.report(&id).employees.len(), 2);
    // Left out: the same roster again.
    let r = put("{}", "application/json");
    assert_eq!(r.status, 202, "{}", r.story());
    let st = s.wait(&id);
    assert_eq!(st.roster.as_deref(), Some("co/2025_花名册.xlsx"), "{st}");
    assert_eq!(st.runs, 3, "{st}");
    // Empty, as a form: the chooser's again.
    let r = put("roster=", "application/x-www-form-urlencoded");
    assert_eq!(r.status, 202, "{}", r.story());
    let st = s.wait(&id);
    assert_eq!(st.roster.as_deref(), Some("co/2026_花名册.xlsx"), "{st}");
    assert_eq!(st.summary().counts.employees, 3, "{st}");
    // Only a spreadsheet of the job.
    for bad in [
        r#"{"roster": "co/docs/21AB34567_Dubois/passport.pdf"}"#,
        r#"{"roster": "../x.xlsx"}"#,
        r#"{"roster": "co/2027_花名册.xlsx"}"#,
    ] {
        let r = put(bad, "application/json");
        assert_eq!(r.status, 400, "{bad}: {}", r.story());
        assert_eq!(r.refusal().code, "serve.not_a_roster", "{bad}");
    }
    let r = put(r#"{"sheet": "x"}"#, "application/json");
    assert_eq!(r.status, 400, "{}", r.story());
    let r = put(
        &format!(r#"{{"roster": "{}"}}"#, "a".repeat(5000)),
        "application/json",
    );
    assert_eq!(r.status, 413, "{}", r.story());
    assert_eq!(s.status(&id).runs, 4);
}

#[test]
fn serve_jobs_survive_a_restart() {
    let dir = Dir::new();
    let (id, old_token, summary) = {
        let s = Server::start(&dir, &[]);
        let id = upload_hr_company(&s, &dir);
        let st = s.status(&id);
        let list = s.jobs();
        assert_eq!(list[0].id, id, "{list:?}");
        (id, s.token.clone(), st.summary)
        // The server is killed here, as by a crash.
    };
    let kept = dir.join("data").join(&id).join("job.json");
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&kept).unwrap()).unwrap();
    assert_eq!(saved["status"]["state"], "done", "{saved}");

    let s = Server::start(&dir, &[]);
    assert_ne!(s.token, old_token);
    let st = s.status(&id);
    assert_eq!(st.state, "done", "{st}");
    assert_eq!(st.summary, summary);
    assert_eq!(st.roster.as_deref(), Some("co/2026_花名册.xlsx"));
    assert_eq!(s.report(&id).employees.len(), 3);
    let list = s.jobs();
    let entry = &list[0];
    assert_eq!(entry.id, id, "{list:?}");
    assert_eq!(
        entry.company.as_deref(),
        Some(folder::COMPANY_ZH),
        "{entry:?}"
    );
    assert_eq!(
        entry.roster.as_deref(),
        Some("co/2026_花名册.xlsx"),
        "{entry:?}"
    );
    assert_eq!(
        entry.counts.as_ref().map(|c| c.employees),
        Some(3),
        "{entry:?}"
    );
    assert!(entry.created > 1_700_000_000, "{entry:?}");
    // The page's progress stream replays the state of the job.
    let events = read_events(&s, &id, None, Duration::from_secs(2));
    assert!(
        events.contains("event: state") && events.contains("done"),
        "{events}"
    );
    // The old token opens nothing.
    let old = vec![("Authorization".to_string(), format!("Bearer {old_token}"))];
    let r = s.send("GET", &format!("/api/jobs/{id}"), &old, None);
    assert_eq!(r.status, 401, "{}", r.story());
    drop(s);

    // A job the server was running when it was killed: back as failed, and it runs again.
    let mut saved = saved;
    saved["status"]["state"] = "running".into();
    std::fs::write(&kept, serde_json::to_vec(&saved).unwrap()).unwrap();
    let s = Server::start(&dir, &[]);
    let st = s.status(&id);
    assert_eq!(st.state, "failed", "{st}");
    assert_eq!(st.error().code, "serve.interrupted", "{st}");
    assert!(!st.error().action_en.contains("--"), "{st}");
    // The log is read from the server's stderr by another thread: wait for the line.
    wait_until(
        "the restored jobs' log line",
        Duration::from_secs(10),
        || s.log().contains("1 job(s) of an earlier server"),
    );
    let r = s.send("PUT", &format!("/api/jobs/{id}"), &s.bearer(), None);
    assert_eq!(r.status, 202, "{}", r.story());
    let st = s.wait(&id);
    assert_eq!(st.state, "done", "{st}");
    assert_eq!(st.summary().counts, summary.as_ref().unwrap().counts);
    drop(s);

    // --keep sweeps a kept job like any other.
    let s = Server::start(&dir, &["--keep", "1s"]);
    std::thread::sleep(Duration::from_millis(1500));
    wait_until("the kept job is swept", Duration::from_secs(10), || {
        s.get(&format!("/api/jobs/{id}")).status == 404
    });
    assert!(!dir.join("data").join(&id).exists());
}
