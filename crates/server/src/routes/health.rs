//! Readiness.

use axum::extract::State;
use axum::http::StatusCode;

use crate::AppState;

/// 200 when the database answers.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, description = "ready"), (status = 503, description = "database unavailable")))]
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.store.count_users().await {
        Ok(_) => (StatusCode::OK, "ok"),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable"),
    }
}
