//! The connections: accepting them within the caps (in total, and per client address),
//! hyper's HTTP/1 settings (a client must send its request headers within
//! [`NetLimits::header_timeout`], an idle kept-alive connection included), tower-http's
//! request body timeout (a body that makes no progress for [`NetLimits::body_timeout`] ends
//! its request), and the shutdown: open connections get [`NetLimits::shutdown_grace`] to
//! finish, then are dropped.
//!
//! The values are the defaults below; `PERMITPACK_SERVE_NET` (undocumented, for the tests)
//! overrides them: `header_timeout=1s,body_timeout=2s,max_connections=16,
//! max_client_connections=4,shutdown_grace=5s,login_verifies=2`.

use axum::Router;
use axum::body::Bytes;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request};
use hyper::body::{Body as HttpBody, Frame, SizeHint};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceBuilder;

/// How long a client may take and how many connections it may hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetLimits {
    /// From the connection (or the end of the previous answer) to the end of the request
    /// headers; then the connection is closed.
    pub header_timeout: Duration,
    /// The longest pause while a request body arrives; then the request is refused and the
    /// connection closed.
    pub body_timeout: Duration,
    /// Connections open at once; the next ones wait in the system's queue.
    pub max_connections: usize,
    /// Connections open at once from one address; the next ones are answered 503 and closed.
    /// Not applied with `--trust-proxy` (every connection comes from the proxy).
    pub max_client_connections: usize,
    /// How long open requests may go on after Ctrl-C.
    pub shutdown_grace: Duration,
    /// Password checks (argon2, about 19 MiB each) running at once.
    pub login_verifies: usize,
}

impl Default for NetLimits {
    fn default() -> NetLimits {
        NetLimits {
            header_timeout: Duration::from_secs(30),
            body_timeout: Duration::from_secs(60),
            max_connections: 512,
            max_client_connections: 64,
            shutdown_grace: Duration::from_secs(5),
            login_verifies: 2,
        }
    }
}

/// The environment variable that overrides [`NetLimits`] (for the tests).
pub const NET_ENV: &str = "PERMITPACK_SERVE_NET";

impl NetLimits {
    /// The defaults, overridden by `PERMITPACK_SERVE_NET` when set.
    pub fn from_env() -> Result<NetLimits, NetLimitsError> {
        match std::env::var(NET_ENV) {
            Ok(v) if !v.trim().is_empty() => NetLimits::parse(&v),
            _ => Ok(NetLimits::default()),
        }
    }

    /// `key=value` pairs separated by commas; durations as `humantime` reads them (`500ms`,
    /// `2s`, `1min 30s`), more than zero.
    pub fn parse(s: &str) -> Result<NetLimits, NetLimitsError> {
        let mut n = NetLimits::default();
        for pair in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let bad = || NetLimitsError::NotKeyValue(pair.to_string());
            let (k, v) = pair.split_once('=').ok_or_else(bad)?;
            let dur = || match humantime::parse_duration(v.trim()) {
                Ok(d) if !d.is_zero() => Ok(d),
                Ok(_) => Err(NetLimitsError::Zero(pair.to_string())),
                Err(source) => Err(NetLimitsError::Duration {
                    pair: pair.to_string(),
                    source,
                }),
            };
            let count = || {
                v.trim()
                    .parse::<usize>()
                    .ok()
                    .filter(|c| *c > 0)
                    .ok_or_else(bad)
            };
            match k.trim() {
                "header_timeout" => n.header_timeout = dur()?,
                "body_timeout" => n.body_timeout = dur()?,
                "shutdown_grace" => n.shutdown_grace = dur()?,
                "max_connections" => n.max_connections = count()?,
                "max_client_connections" => n.max_client_connections = count()?,
                "login_verifies" => n.login_verifies = count()?,
                _ => return Err(bad()),
            }
        }
        Ok(n)
    }
}

/// What is wrong in `PERMITPACK_SERVE_NET`: the pair, and what to write instead.
#[derive(Debug, thiserror::Error)]
pub enum NetLimitsError {
    #[error("{NET_ENV}: '{0}' is not key=value with a known key")]
    NotKeyValue(String),
    #[error("{NET_ENV}: '{0}': the duration must be more than zero, such as 500ms or 2s")]
    Zero(String),
    #[error("{NET_ENV}: '{pair}': {source}; write a duration such as 500ms or 2s")]
    Duration {
        pair: String,
        source: humantime::DurationError,
    },
}

/// The client a request comes from: the connection's address, or with `--trust-proxy` the
/// address the reverse proxy added last to `X-Forwarded-For` (the entries before it are the
/// client's own words and could be anything).
pub fn client_ip(headers: &HeaderMap, peer: SocketAddr, trust_proxy: bool) -> IpAddr {
    if !trust_proxy {
        return peer.ip();
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .next_back()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .and_then(|last| last.trim().parse::<IpAddr>().ok())
        .unwrap_or(peer.ip())
}

/// Connections open per client address.
type PerClient = Arc<Mutex<HashMap<IpAddr, usize>>>;

/// One connection counted against its address; uncounted when dropped.
struct ClientSlot {
    map: PerClient,
    ip: IpAddr,
}

impl ClientSlot {
    fn take(map: &PerClient, ip: IpAddr, max: usize) -> Option<ClientSlot> {
        let mut m = map.lock().unwrap_or_else(|e| e.into_inner());
        let n = m.entry(ip).or_insert(0);
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(ClientSlot {
            map: map.clone(),
            ip,
        })
    }
}

impl Drop for ClientSlot {
    fn drop(&mut self) {
        let mut m = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = m.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                m.remove(&self.ip);
            }
        }
    }
}

/// What a connection over the per-address cap is told before it is closed.
fn too_many() -> Vec<u8> {
    let body = "Too many connections from this address: close other tabs or scripts using permitpack serve, then reload in a minute.\n";
    format!(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A request body handed over in slices of at most [`PACED_SLICE`] bytes, giving way (it
/// wakes itself and answers `Pending` once) after each slice. axum's multipart parser
/// (multer) appends to its buffer everything its stream has ready, then takes out one
/// field's header, or the bytes of the field being read, per read. Over loopback an upload
/// of many files was buffered whole (8 companies of 400 files at once took the server to
/// 1 GB). In slices, each read adds at most one slice: a file of `F` bytes leaves at most
/// `2 x slice - F` behind, so files over 16 KB leave nothing and the handler's bounded
/// channel to the disk writer holds the client back; 5,000 tiny files (the upload limit)
/// leave at most 80 MB.
struct Paced<B> {
    inner: std::pin::Pin<Box<B>>,
    rest: Bytes,
    gave_way: bool,
}

/// The most one poll of a paced body hands over.
const PACED_SLICE: usize = 8 * 1024;

impl<B> Paced<B> {
    fn new(inner: B) -> Self {
        Paced {
            inner: Box::pin(inner),
            rest: Bytes::new(),
            gave_way: false,
        }
    }
}

impl<B: HttpBody<Data = Bytes>> HttpBody for Paced<B> {
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if !self.gave_way {
            self.gave_way = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        if self.rest.is_empty() {
            match self.inner.as_mut().poll_frame(cx) {
                Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
                    Ok(data) => self.rest = data,
                    Err(trailers) => return Poll::Ready(Some(Ok(trailers))),
                },
                other => return other,
            }
        }
        let take = self.rest.len().min(PACED_SLICE);
        let slice = self.rest.split_to(take);
        self.gave_way = false;
        Poll::Ready(Some(Ok(Frame::data(slice))))
    }

    fn is_end_stream(&self) -> bool {
        self.rest.is_empty() && self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        let inner = self.inner.size_hint();
        let rest = self.rest.len() as u64;
        let mut hint = SizeHint::new();
        if let Some(upper) = inner.upper() {
            hint.set_upper(upper + rest);
        }
        hint.set_lower(inner.lower() + rest);
        hint
    }
}

/// Serves `app` on `listener` until `stop` completes, then lets open requests finish for
/// the grace time. `Err` only if the connection count's semaphore was closed, which
/// nothing here does.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: &NetLimits,
    trust_proxy: bool,
    stop: impl Future<Output = ()>,
) -> Result<(), tokio::sync::AcquireError> {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let total = Arc::new(Semaphore::new(limits.max_connections));
    let per_client: PerClient = Arc::default();
    let body_timeout = limits.body_timeout;
    tokio::pin!(stop);
    loop {
        // A free place first: over the cap, connections wait in the system's queue.
        let permit = tokio::select! {
            p = total.clone().acquire_owned() => p?,
            () = &mut stop => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file handles, or a connection reset before it was taken: wait
                    // a little instead of spinning.
                    tracing::warn!("cannot accept a connection: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let slot = if trust_proxy {
            None
        } else {
            match ClientSlot::take(&per_client, peer.ip(), limits.max_client_connections) {
                Some(s) => Some(s),
                None => {
                    let _ = stream.try_write(&too_many());
                    continue;
                }
            }
        };
        let _ = stream.set_nodelay(true);
        let svc = ServiceBuilder::new()
            .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
                body_timeout,
            ))
            .map_request(move |req: Request<_>| {
                let mut req = req.map(|body| axum::body::Body::new(Paced::new(body)));
                req.extensions_mut().insert(ConnectInfo(peer));
                req
            })
            .service(app.clone());
        let conn = http.serve_connection(
            TokioIo::new(stream),
            hyper_util::service::TowerToHyperService::new(svc),
        );
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _ = conn.await;
            drop(permit);
            drop(slot);
        });
    }
    drop(listener);
    if tokio::time::timeout(limits.shutdown_grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            "requests still open after {} s were cut off",
            limits.shutdown_grace.as_secs_f32()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paced_body_hands_over_slices_and_gives_way_between_them() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        let mut body = std::pin::pin!(Paced::new(axum::body::Body::from(data.clone())));
        let waker = std::task::Waker::noop();
        let mut cx = Context::from_waker(waker);
        let (mut got, mut slices, mut pending_in_a_row) = (Vec::new(), 0, 0);
        assert_eq!(body.size_hint().exact(), Some(100_000));
        loop {
            match body.as_mut().poll_frame(&mut cx) {
                Poll::Pending => {
                    pending_in_a_row += 1;
                    assert!(pending_in_a_row < 2, "gives way once, then hands over");
                }
                Poll::Ready(Some(Ok(frame))) => {
                    pending_in_a_row = 0;
                    let slice = frame.into_data().unwrap();
                    assert!(slice.len() <= PACED_SLICE);
                    got.extend_from_slice(&slice);
                    slices += 1;
                    assert_eq!(
                        body.size_hint().lower(),
                        (data.len() - got.len()) as u64,
                        "the rest is still counted"
                    );
                }
                Poll::Ready(Some(Err(e))) => panic!("{e}"),
                Poll::Ready(None) => break,
            }
        }
        assert_eq!(got, data);
        assert_eq!(slices, 100_000usize.div_ceil(PACED_SLICE));
        assert!(body.is_end_stream());
    }

    #[test]
    fn limits_from_the_environment_string() {
        assert_eq!(NetLimits::parse("").unwrap(), NetLimits::default());
        let n = NetLimits::parse("header_timeout=500ms, body_timeout=2s,max_client_connections=3")
            .unwrap();
        assert_eq!(n.header_timeout, Duration::from_millis(500));
        assert_eq!(n.body_timeout, Duration::from_secs(2));
        assert_eq!(n.max_client_connections, 3);
        assert_eq!(n.max_connections, 512);
        for bad in [
            "header_timeout=0s",
            "x=1",
            "max_connections=0",
            "body_timeout=5",
        ] {
            assert!(NetLimits::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            NetLimits::parse("x=1").unwrap_err().to_string(),
            "PERMITPACK_SERVE_NET: 'x=1' is not key=value with a known key"
        );
        assert_eq!(
            NetLimits::parse("header_timeout=0s")
                .unwrap_err()
                .to_string(),
            "PERMITPACK_SERVE_NET: 'header_timeout=0s': the duration must be more than zero, \
             such as 500ms or 2s"
        );
        // Any duration humantime reads; a wrong one is named, with an example.
        let n = NetLimits::parse("shutdown_grace=1min 30s").unwrap();
        assert_eq!(n.shutdown_grace, Duration::from_secs(90));
        let e = NetLimits::parse("body_timeout=5").unwrap_err().to_string();
        assert!(
            e.contains("PERMITPACK_SERVE_NET") && e.contains("body_timeout=5") && e.contains("2s"),
            "{e}"
        );
    }

    #[test]
    fn the_client_is_the_last_forwarded_address_only_behind_a_trusted_proxy() {
        let peer: SocketAddr = "10.0.0.1:5000".parse().unwrap();
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", "1.2.3.4, 192.168.1.7".parse().unwrap());
        assert_eq!(client_ip(&h, peer, false), peer.ip());
        assert_eq!(
            client_ip(&h, peer, true),
            "192.168.1.7".parse::<IpAddr>().unwrap()
        );
        h.insert("x-forwarded-for", "not an address".parse().unwrap());
        assert_eq!(client_ip(&h, peer, true), peer.ip());
        assert_eq!(client_ip(&HeaderMap::new(), peer, true), peer.ip());
    }

    #[test]
    fn client_slots_are_counted_and_given_back() {
        let map: PerClient = Arc::default();
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        let a = ClientSlot::take(&map, ip, 2).unwrap();
        let b = ClientSlot::take(&map, ip, 2).unwrap();
        assert!(ClientSlot::take(&map, ip, 2).is_none());
        assert!(ClientSlot::take(&map, "::1".parse().unwrap(), 2).is_some());
        drop(a);
        let _c = ClientSlot::take(&map, ip, 2).unwrap();
        drop(b);
        drop(_c);
        assert!(map.lock().unwrap().is_empty());
    }
}
