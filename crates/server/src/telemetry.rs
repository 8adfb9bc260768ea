//! `GET /metrics` in Prometheus' text format: requests counted and timed by
//! method, matched route and status, and the requests in flight.
//!
//! The `metrics` facade has one recorder per process; every app in the
//! process reports into it (a server runs one app).

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// Requests answered, by `method`, `route` and `status`.
pub const REQUESTS: &str = "http_requests_total";
/// Seconds from request to response head, by `method`, `route` and `status`.
pub const DURATION: &str = "http_request_duration_seconds";
/// Requests being handled now.
pub const IN_FLIGHT: &str = "http_requests_in_flight";
/// Sign-ins refused by the login throttle.
pub const LOGINS_THROTTLED: &str = "tessera_logins_throttled_total";
/// Password checks refused because every core was hashing and the queue was full.
pub const HASHES_REFUSED: &str = "tessera_password_checks_refused_total";
/// Tickets whose time-driven status change the sweep wrote down.
pub const SWEPT: &str = "tessera_sweep_tickets_total";

const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// The process' recorder, installed on first use. `None` when another
/// recorder was installed first (then `/metrics` answers 503).
pub fn handle() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let installed = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Full(DURATION.into()), BUCKETS)
                .and_then(|b| b.install_recorder());
            match installed {
                Ok(h) => {
                    metrics::describe_counter!(REQUESTS, "HTTP requests answered");
                    metrics::describe_histogram!(
                        DURATION,
                        metrics::Unit::Seconds,
                        "HTTP request latency until the response head"
                    );
                    metrics::describe_gauge!(IN_FLIGHT, "HTTP requests being handled");
                    metrics::describe_counter!(LOGINS_THROTTLED, "Sign-ins refused by the login throttle");
                    metrics::describe_counter!(
                        HASHES_REFUSED,
                        "Password checks refused: every core hashing, the queue full"
                    );
                    metrics::describe_counter!(SWEPT, "Time-driven ticket status changes written by the sweep");
                    Some(h)
                }
                Err(e) => {
                    tracing::warn!(error = %e, "metrics recorder not installed; /metrics is off");
                    None
                }
            }
        })
        .as_ref()
}

/// Keeps the histograms drained when nobody scrapes for a while.
pub fn spawn_upkeep(every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            if let Some(h) = handle() {
                h.run_upkeep();
            }
        }
    })
}

/// `GET /metrics`: the Prometheus text exposition format.
pub async fn scrape() -> Response {
    match handle() {
        Some(h) => {
            let mut res = h.render().into_response();
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
            );
            res
        }
        None => (StatusCode::SERVICE_UNAVAILABLE, "metrics unavailable").into_response(),
    }
}

/// A method as a label: the standard ones by name, anything else `other`, so
/// that clients cannot mint new series.
fn method_label(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Requests being handled now, for the background work that yields to them.
static HANDLING: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

/// How many requests this process is handling now.
pub fn requests_in_flight() -> i64 {
    HANDLING.load(std::sync::atomic::Ordering::Relaxed)
}

/// Decrements the in-flight gauge however the request ends (also when the
/// client goes away and the future is dropped).
struct InFlight;

impl InFlight {
    fn start() -> InFlight {
        metrics::gauge!(IN_FLIGHT).increment(1.0);
        HANDLING.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        InFlight
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        metrics::gauge!(IN_FLIGHT).decrement(1.0);
        HANDLING.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Counts and times every request. The route is the matched pattern
/// (`/api/v1/orders/{number}`), never the raw path; unmatched paths share
/// one `unmatched` series.
pub async fn track(req: Request, next: Next) -> Response {
    // Installs the recorder before the first request is counted.
    let _ = handle();
    let method = method_label(req.method());
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let started = Instant::now();
    let guard = InFlight::start();
    let res = next.run(req).await;
    drop(guard);
    let labels = [
        ("method", method.to_owned()),
        ("route", route),
        ("status", res.status().as_u16().to_string()),
    ];
    metrics::counter!(REQUESTS, &labels).increment(1);
    metrics::histogram!(DURATION, &labels).record(started.elapsed().as_secs_f64());
    res
}
