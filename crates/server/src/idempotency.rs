//! `Idempotency-Key` on creating `POST`s: a retry with the same key and body
//! gets the first answer and creates nothing; the same key with another body
//! is a 422. Keys are per user and kept in the database, so they hold across
//! instances and restarts.

use std::time::Duration;
use tessera_domain::refusal::Refusal;

use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use tessera_store::KeyState;

use crate::AppState;
use crate::auth::Caller;
use crate::error::{Problem, problem_response, request_locale};

/// Longest body we hash (the body limit of the API).
const MAX_BODY: usize = 1024 * 1024;
/// How long a retry waits for the first request to finish.
const WAIT: Duration = Duration::from_secs(10);
/// A claim without an answer this old belongs to a request that died.
const STALE_SECONDS: i64 = 60;

/// The key a request holds, for handlers that note what they create against
/// it in their own transaction (creating an order does).
#[derive(Debug, Clone)]
pub struct HeldKey {
    /// The caller.
    pub user: i64,
    /// Their `Idempotency-Key`.
    pub key: String,
}

/// The middleware.
pub async fn idempotency(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let locale = request_locale(req.headers(), state.config.default_locale);
    let key = match req.headers().get("idempotency-key") {
        Some(k) if req.method() == Method::POST => k.to_str().ok().map(str::to_owned).unwrap_or_default(),
        _ => return next.run(req).await,
    };
    if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        let problem = Problem::field("Idempotency-Key", Refusal::NotKey);
        return problem_response(&problem, locale, None);
    }
    let (mut parts, body) = req.into_parts();
    let Ok(caller) = Caller::from_request_parts(&mut parts, &state).await else {
        // Not signed in: the handler answers 401, nothing is created.
        return next.run(Request::from_parts(parts, body)).await;
    };
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return problem_response(&Problem::TooLarge, locale, None);
    };
    let mut hasher = Sha256::new();
    hasher.update(parts.method.as_str().as_bytes());
    hasher.update(b" ");
    hasher.update(parts.uri.path().as_bytes());
    hasher.update(b"\n");
    hasher.update(&bytes);
    let hash = hex::encode(hasher.finalize());
    let user = caller.user.id;
    let started = tokio::time::Instant::now();
    loop {
        let now = state.clock.now().as_second();
        let claim = state
            .store
            .claim_idempotency_key(user, key.clone(), hash.clone(), now)
            .await;
        match claim {
            Err(e) => return problem_response(&Problem::from(e), locale, None),
            Ok(KeyState::Claimed) => return first_answer(&state, user, key, parts, bytes, next).await,
            Ok(KeyState::Answered {
                request_hash,
                status,
                body,
            }) => {
                if request_hash != hash {
                    let problem = Problem::field("Idempotency-Key", Refusal::KeyReused);
                    return problem_response(&problem, locale, None);
                }
                return replay(status, body);
            }
            Ok(KeyState::InProgress {
                request_hash,
                claimed_at,
                order_number,
            }) => {
                if request_hash != hash {
                    let problem = Problem::field("Idempotency-Key", Refusal::KeyReused);
                    return problem_response(&problem, locale, None);
                }
                // The order is committed but its answer was not kept (the
                // process died in between, or is about to keep it): answer
                // with that order rather than create another.
                if let Some(number) = order_number {
                    // Never run again once the order exists: if it cannot be
                    // read now, the retry is told to come back.
                    let Ok(Some(order)) = state.store.order(number, state.clock.now()).await else {
                        return problem_response(&Problem::KeyInProgress, locale, None);
                    };
                    let body = crate::wire::order_out(order, locale);
                    let text = serde_json::to_string(&body).unwrap_or_default();
                    if let Err(e) = state.store.answer_idempotency_key(user, key, 201, text.clone()).await {
                        tracing::warn!(error = %e, "cannot keep the recovered answer of an idempotent request");
                    }
                    return replay(201, text);
                }
                if now - claimed_at > STALE_SECONDS
                    && state
                        .store
                        .reclaim_idempotency_key(user, key.clone(), claimed_at, now)
                        .await
                        .unwrap_or(false)
                {
                    return first_answer(&state, user, key, parts, bytes, next).await;
                }
                if started.elapsed() > WAIT {
                    return problem_response(&Problem::KeyInProgress, locale, None);
                }
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
        }
    }
}

async fn first_answer(
    state: &AppState,
    user: i64,
    key: String,
    parts: axum::http::request::Parts,
    bytes: axum::body::Bytes,
    next: Next,
) -> Response {
    let mut parts = parts;
    parts.extensions.insert(HeldKey { user, key: key.clone() });
    let res = next.run(Request::from_parts(parts, Body::from(bytes))).await;
    let status = res.status();
    if status.is_server_error() {
        // Nothing was created for sure; let a retry run again.
        let _ = state.store.release_idempotency_key(user, key).await;
        return res;
    }
    let (mut head, body) = res.into_parts();
    let Ok(bytes) = to_bytes(body, usize::MAX).await else {
        let _ = state.store.release_idempotency_key(user, key).await;
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let text = String::from_utf8_lossy(&bytes).into_owned();
    if let Err(e) = state
        .store
        .answer_idempotency_key(user, key, status.as_u16(), text)
        .await
    {
        tracing::error!(error = %e, "cannot keep the answer of an idempotent request");
    }
    head.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(head, Body::from(bytes))
}

fn replay(status: u16, body: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let content_type = if status.is_success() {
        "application/json"
    } else {
        "application/problem+json"
    };
    let mut res = (status, body).into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    res.headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    res
}
