//! The server's log on stderr, through `tracing`: one line per request from tower-http's
//! [`TraceLayer`] (method, route template, job id, status, duration, and why the guard
//! refused it), and the server's own messages (listening, stopping). The route is axum's
//! [`MatchedPath`], never the URI: a query string can carry the token, a path a passport
//! number or a file name. Every line starts `permitpack serve: `.

use axum::body::Body;
use axum::extract::MatchedPath;
use axum::http::{Request, Response};
use std::fmt;
use std::time::Duration;
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::trace::TraceLayer;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Span, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, FormattedFields, MakeWriter};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::LookupSpan;

/// Why the guard refused a request, for its log line (a response extension).
#[derive(Debug, Clone, Copy)]
pub struct Refused(pub &'static str);

/// The request log as a layer: a span per request, one line when its response starts.
pub type RequestLog = TraceLayer<
    SharedClassifier<ServerErrorsAsFailures>,
    fn(&Request<Body>) -> Span,
    (),
    fn(&Response<Body>, Duration, &Span),
    (),
    (),
    (),
>;

pub fn request_log() -> RequestLog {
    TraceLayer::new_for_http()
        .make_span_with(request_span as fn(&Request<Body>) -> Span)
        .on_request(())
        .on_response(response_line as fn(&Response<Body>, Duration, &Span))
        .on_body_chunk(())
        .on_eos(())
        .on_failure(())
}

fn request_span(req: &Request<Body>) -> Span {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("(no route)", MatchedPath::as_str);
    let span = tracing::info_span!(
        "request",
        method = %req.method(),
        route,
        job = tracing::field::Empty
    );
    if let Some(job) = job_in_path(req.uri().path()) {
        span.record("job", job);
    }
    span
}

fn response_line(res: &Response<Body>, latency: Duration, _: &Span) {
    let status = res.status().as_u16();
    let ms = latency.as_millis() as u64;
    match res.extensions().get::<Refused>() {
        Some(Refused(why)) => tracing::info!(status, ms, refused = why),
        None => tracing::info!(status, ms),
    }
}

/// The job id in a path (job ids are random, not personal).
fn job_in_path(path: &str) -> Option<&str> {
    let id = path.strip_prefix("/api/jobs/")?.split('/').next()?;
    (id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())).then_some(id)
}

/// Sends this program's log to stderr, once per process; a second call does nothing.
pub fn init() {
    let _ = tracing::subscriber::set_global_default(subscriber(std::io::stderr));
}

/// The subscriber that writes the log lines to `out`: this program's events only.
pub fn subscriber<W>(out: W) -> impl Subscriber + Send + Sync
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let lines = tracing_subscriber::fmt::layer()
        .event_format(Line)
        .fmt_fields(Words)
        .with_writer(out)
        .with_filter(Targets::new().with_target("permitpack", Level::INFO));
    tracing_subscriber::registry().with(lines)
}

/// `permitpack serve: `, the request's fields, the event's fields.
struct Line;

impl<S, N> FormatEvent<S, N> for Line
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut w: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        w.write_str("permitpack serve: ")?;
        for span in ctx.event_scope().into_iter().flat_map(|s| s.from_root()) {
            if let Some(fields) = span.extensions().get::<FormattedFields<N>>()
                && !fields.is_empty()
            {
                write!(w, "{fields} ")?;
            }
        }
        ctx.field_format().format_fields(w.by_ref(), event)?;
        writeln!(w)
    }
}

/// Fields as words: `GET /api/jobs/{id} job 1f2e… 200 3ms (refused: …)`, no names.
struct Words;

impl<'w> FormatFields<'w> for Words {
    fn format_fields<R: tracing_subscriber::field::RecordFields>(
        &self,
        w: Writer<'w>,
        fields: R,
    ) -> fmt::Result {
        let mut v = WordVisitor {
            w,
            first: true,
            result: Ok(()),
        };
        fields.record(&mut v);
        v.result
    }
}

struct WordVisitor<'w> {
    w: Writer<'w>,
    first: bool,
    result: fmt::Result,
}

impl Visit for WordVisitor<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.record_debug(field, &format_args!("{value}"));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if self.result.is_err() {
            return;
        }
        let space = if self.first { "" } else { " " };
        self.first = false;
        self.result = match field.name() {
            "job" => write!(self.w, "{space}job {value:?}"),
            "ms" => write!(self.w, "{space}{value:?}ms"),
            "refused" => write!(self.w, "{space}({value:?})"),
            _ => write!(self.w, "{space}{value:?}"),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_ids_are_read_from_job_paths_only() {
        let id = "0123456789abcdef0123456789abcdef";
        assert_eq!(job_in_path(&format!("/api/jobs/{id}/events")), Some(id));
        assert_eq!(job_in_path("/api/jobs/EK1234567/events"), None);
        assert_eq!(job_in_path(&format!("/x/{id}")), None);
    }
}
