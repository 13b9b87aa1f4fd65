//! `permitpack serve`: a local web server over [`crate::run::Run`] for people who do not use a
//! terminal. HR drops the company folder on a page, watches the employees go by, reads the
//! report, drops fixed files again and downloads the packets.
//!
//! One concern per module: [`config`] (the settings and the data folder), [`auth`] (token,
//! cookie, password login, Host and Origin checks, security headers), [`jobs`] (job
//! folders, uploads, the queue, running `Run`; no HTTP), [`routes`] (the HTTP contract),
//! [`error`] (what a refusal answers), [`form`] (the multipart body as an upload), [`log`]
//! (the request log), [`net`] (connections: timeouts, caps, the shutdown), [`zipstream`]
//! (`packets.zip`) and [`page`] (the embedded page). The runtime is built here, not for the
//! whole command line.

pub mod auth;
pub mod config;
pub mod error;
pub mod form;
pub mod jobs;
pub mod log;
pub mod net;
pub mod page;
pub mod random;
pub mod routes;
pub mod zipstream;

pub use config::{Config, ConfigError};

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

/// Everything a request handler may need, shared in one `Arc`.
pub struct AppState {
    pub config: Config,
    pub auth: auth::Auth,
    pub jobs: jobs::Jobs,
    /// Flips to `true` on Ctrl-C: open progress streams end.
    pub shutdown: tokio::sync::watch::Receiver<bool>,
}

/// Why the server could not start, or stopped: each says it in one line for the user.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot start the server's threads: {0}")]
    Threads(#[source] std::io::Error),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("cannot listen on {bind}:{port}: {source}; choose another port with --port")]
    Listen {
        bind: IpAddr,
        port: u16,
        source: std::io::Error,
    },
    #[error("cannot read the listening address: {0}")]
    LocalAddr(#[source] std::io::Error),
    /// No random numbers for the access token or the password's salt.
    #[error(transparent)]
    Random(#[from] random::NoRandom),
    #[error("cannot hash the password")]
    Hash,
    /// The connections loop failed (`net::serve`).
    #[error("the server stopped: {0}")]
    Stopped(#[source] tokio::sync::AcquireError),
}

/// How often job folders older than `--keep` are looked for while the server runs.
const SWEEP_EVERY: Duration = Duration::from_secs(600);

/// Runs the server until Ctrl-C. Returns the exit status; `Err` is one line for the user.
pub fn run(config: Config) -> Result<i32, ServeError> {
    log::init();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("permitpack-serve")
        .build()
        .map_err(ServeError::Threads)?;
    let code = rt.block_on(serve(config));
    // A job still running in a blocking thread is not waited for: its half-written files are
    // temporary names, cleaned by the next run in that folder.
    rt.shutdown_timeout(Duration::from_millis(500));
    code
}

async fn serve(config: Config) -> Result<i32, ServeError> {
    config::create_data_dir(&config.data)?;
    let listener = tokio::net::TcpListener::bind((config.bind, config.port))
        .await
        .map_err(|source| ServeError::Listen {
            bind: config.bind,
            port: config.port,
            source,
        })?;
    let local = listener.local_addr().map_err(ServeError::LocalAddr)?;
    let auth = auth::Auth::new(&config, local.port())?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let jobs = jobs::Jobs::new(&config);
    let staging = jobs.remove_stale_staging();
    let restored = jobs.restore();
    let swept = jobs.sweep().await;
    let state = Arc::new(AppState {
        config,
        auth,
        jobs,
        shutdown: stop_rx,
    });
    let url = format!(
        "http://{}/?token={}",
        auth::url_host(state.config.bind, local.port()),
        state.auth.token()
    );
    // The one line a person (or a test) reads to reach the page; stdout only, never the log.
    println!("{url}");
    use std::io::Write;
    let _ = std::io::stdout().flush();
    tracing::info!(
        "listening on {local}; data in {}; jobs kept {}{}",
        state.config.data.display(),
        config::show_duration(state.config.keep),
        if swept > 0 {
            format!("; {swept} old job folder(s) deleted")
        } else {
            String::new()
        }
    );
    if staging > 0 {
        tracing::info!("{staging} unfinished upload(s) left by an earlier server deleted");
    }
    if restored > 0 {
        tracing::info!("{restored} job(s) of an earlier server served again");
    }
    // Kept open until the server stops, then removed: the page's address with its token,
    // which must not show on the process list as the opener's argument.
    let _opener = if state.config.open {
        open_browser(&url, &state.config.data)
    } else {
        None
    };
    let sweeper = {
        let state = state.clone();
        // More often for a short --keep, so a stalled upload goes about when it should.
        let every = SWEEP_EVERY
            .min(state.config.keep / 2)
            .max(Duration::from_secs(1));
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.tick().await;
            loop {
                tick.tick().await;
                state.jobs.sweep().await;
            }
        })
    };
    let app = routes::router(state.clone());
    let grace = state.config.net.shutdown_grace;
    let shutdown = async move {
        let mut signals = Signals::new();
        signals.next().await;
        tracing::info!(
            "stopping (open requests get {} s; Ctrl-C again to stop at once)",
            grace.as_secs_f32()
        );
        let _ = stop_tx.send(true);
        // A second Ctrl-C does not wait for anyone.
        tokio::spawn(async move {
            signals.next().await;
            tracing::info!("stopped at once");
            std::process::exit(crate::exit::EXIT_INTERRUPTED);
        });
    };
    let served = net::serve(
        listener,
        app,
        &state.config.net,
        state.config.trust_proxy,
        shutdown,
    )
    .await;
    sweeper.abort();
    served.map_err(ServeError::Stopped)?;
    Ok(crate::exit::EXIT_READY)
}

/// Ctrl-C, or SIGTERM from a service manager, as often as they come. The handlers are
/// installed once, so a signal between two waits is not lost.
struct Signals {
    #[cfg(unix)]
    int: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    term: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    fn new() -> Signals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Signals {
                int: signal(SignalKind::interrupt()).ok(),
                term: signal(SignalKind::terminate()).ok(),
            }
        }
        #[cfg(not(unix))]
        Signals {}
    }

    async fn next(&mut self) {
        #[cfg(unix)]
        {
            async fn recv(s: &mut Option<tokio::signal::unix::Signal>) {
                match s {
                    Some(s) => {
                        if s.recv().await.is_none() {
                            std::future::pending::<()>().await;
                        }
                    }
                    None => std::future::pending::<()>().await,
                }
            }
            if self.int.is_none() && self.term.is_none() {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
            tokio::select! {
                () = recv(&mut self.int) => {}
                () = recv(&mut self.term) => {}
            }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Opens the page in the desktop's browser through a private file (0600, in the data
/// folder) whose script and `meta refresh` go to the URL, as Jupyter does: the opener's
/// command line, which every user sees in `ps`, holds only the file's path, never the token.
/// `BROWSER`, when set, is the program to run with the file (as Python's `webbrowser` reads
/// it); else the system's opener. The file is removed when the returned handle is dropped,
/// at the server's end. A failure only means the person copies the URL printed.
fn open_browser(url: &str, data: &std::path::Path) -> Option<tempfile::NamedTempFile> {
    use std::io::Write;
    let mut file = tempfile::Builder::new()
        .prefix("permitpack-open-")
        .suffix(".html")
        .tempfile_in(data)
        .ok()?;
    // The URL is ours (an address, a port, hex digits); escaped all the same.
    let attr = url
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;");
    let js = serde_json::to_string(url).ok()?.replace('<', "\\u003c");
    let page = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n\
         <meta http-equiv=\"refresh\" content=\"1;url={attr}\">\n\
         <title>permitpack</title>\n\
         <script>window.location.replace({js});</script>\n\
         </head><body><p><a href=\"{attr}\">Open permitpack</a></p></body></html>\n"
    );
    file.write_all(page.as_bytes()).ok()?;
    file.flush().ok()?;
    let path = file.path().to_path_buf();
    let browser = std::env::var_os("BROWSER").filter(|b| !b.is_empty());
    let mut cmd = if let Some(b) = browser {
        let mut c = std::process::Command::new(b);
        c.arg(&path);
        c
    } else if cfg!(target_os = "windows") {
        let mut c = std::process::Command::new("cmd");
        // `start` reads the first quoted argument as a window title.
        c.args(["/C", "start", ""]).arg(&path);
        c
    } else if cfg!(target_os = "macos") {
        let mut c = std::process::Command::new("open");
        c.arg(&path);
        c
    } else {
        let mut c = std::process::Command::new("xdg-open");
        c.arg(&path);
        c
    };
    let _ = cmd
        // The browser has no use for the login password.
        .env_remove("PERMITPACK_SERVE_PASSWORD")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    Some(file)
}
