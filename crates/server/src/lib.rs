//! Tessera's HTTP API: axum handlers over the store, problem+json errors in
//! the caller's language, bearer-token auth with role capabilities, and the
//! OpenAPI document generated from the handlers themselves.

mod argon;
mod auth;
mod clock;
mod error;
mod exports;
mod extract;
mod field_text;
mod hashing;
mod i18n;
mod idempotency;
pub mod mail;
mod missing_fields;
mod openapi;
mod passes;
mod query_params;
mod routes;
mod rules;
mod sessions;
mod state;
pub mod telemetry;
pub mod throttle;
mod web;
mod webhooks;
mod wire;

pub use auth::{hash_password_now, token_hash};
pub use clock::Clock;
pub use openapi::ApiDoc;
pub use state::{AppState, Config};
pub use webhooks::spawn_dispatcher;

use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, Request, header};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// The Content-Security-Policy of every response: only this origin's files,
/// no inline scripts or styles, never framed.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; \
     script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

/// Security headers on every response; a handler that sets one itself wins.
fn security_headers(router: Router) -> Router {
    [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
    ]
    .into_iter()
    .fold(router, |r, (name, value)| {
        r.layer(SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_static(value),
        ))
    })
}

/// The whole application: API routes with tracing, request ids, metrics and
/// security headers.
pub fn app(state: AppState) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    let router = routes::router()
        .merge(web::router(state.clone()))
        // Prometheus' scrape; unauthenticated, like /healthz (see docs/operations.md).
        .route("/metrics", axum::routing::get(telemetry::scrape))
        // Inside `localize`, so that a refused body becomes problem+json too.
        .layer(tower_http::limit::RequestBodyLimitLayer::new(1024 * 1024))
        .merge(routes::bulk_router().layer(tower_http::limit::RequestBodyLimitLayer::new(16 * 1024 * 1024)))
        .layer(axum::middleware::from_fn_with_state(state.clone(), error::localize))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            idempotency::idempotency,
        ))
        .with_state(state)
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(30),
        ))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
            // Name the matched route, not the raw path: few distinct spans.
            let route = req
                .extensions()
                .get::<axum::extract::MatchedPath>()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default();
            let id = req
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned();
            tracing::info_span!("request", method = %req.method(), route, request_id = id)
        }))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        // Outside the timeout and the error pages: every answer is counted.
        .layer(axum::middleware::from_fn(telemetry::track));
    security_headers(router)
}

/// Runs the background sweep that writes down time-driven status changes.
pub fn spawn_sweeper(state: AppState, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            loop {
                match state.store.sweep(state.clock.now()).await {
                    Ok(n) if n > 0 => {
                        metrics::counter!(telemetry::SWEPT).increment(u64::try_from(n).unwrap_or(0));
                        tracing::info!(tickets = n, "time-driven statuses written")
                    }
                    Ok(_) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "sweep failed; retrying next tick");
                        break;
                    }
                }
            }
        }
    })
}
