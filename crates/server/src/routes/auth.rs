//! Signing in and out.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::{Caller, DUMMY_HASH, end_session, new_token, token_hash, verify_password};
use crate::error::{Problem, ProblemBody};
use crate::extract::Json;
use crate::throttle::{ClientAddr, normalize_email, reserve_sign_in};
use crate::wire::UserOut;

/// Credentials.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginIn {
    /// E-mail.
    pub email: String,
    /// Password.
    pub password: String,
}

/// A bearer token and its user.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginOut {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    /// Who signed in.
    pub user: UserOut,
}

/// Signs in with e-mail and password. Each attempt is counted before the
/// password is checked: after 5 failures for one e-mail from one address, or
/// 20 from one address, within 15 minutes, attempts get 429 with
/// `Retry-After` (the password is not checked). Failures of an e-mail from
/// other addresses only delay its sign-in (up to 8 s), never refuse it. When
/// every core is checking passwords and the queue is full: 503 with `Retry-After`.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginIn,
    responses((status = 200, body = LoginOut), (status = 401, body = ProblemBody), (status = 400, body = ProblemBody), (status = 422, body = ProblemBody),
        (status = 429, body = ProblemBody, headers(("Retry-After" = u64, description = "seconds until another attempt is allowed"))),
        (status = 503, body = ProblemBody, headers(("Retry-After" = u64, description = "seconds to wait")))))]
pub async fn login(
    State(state): State<AppState>,
    addr: ClientAddr,
    Json(body): Json<LoginIn>,
) -> Result<axum::Json<LoginOut>, Problem> {
    let email = normalize_email(&body.email);
    let attempt = reserve_sign_in(&state, &email, addr, state.config.sign_in).await?;
    // Bounded in characters, like the e-mails users are created with (a
    // byte bound refused long non-ASCII addresses that registration
    // accepts).
    if body.email.trim().chars().count() > tessera_domain::person::MAX_EMAIL
        || body.password.len() > tessera_domain::password::MAX_PASSWORD_BYTES
    {
        state.store.sign_in_failed(attempt.id).await?;
        return Err(Problem::BadCredentials);
    }
    let found = state.store.user_for_login(&email).await?;
    let (user, hash) = match found {
        Some((user, Some(hash))) => (Some(user), hash),
        _ => (None, DUMMY_HASH.clone()),
    };
    let ok = match verify_password(body.password, hash).await {
        Ok(ok) => ok,
        Err(busy) => {
            // Never checked: it must not count as a failure.
            state.store.release_sign_in(attempt.id).await?;
            return Err(busy);
        }
    };
    // A deactivated account answers exactly as a wrong password does.
    let Some(user) = user.filter(|u| ok && u.is_active()) else {
        state.store.sign_in_failed(attempt.id).await?;
        return Err(Problem::BadCredentials);
    };
    state.store.sign_in_succeeded(attempt.id, email, addr.key()).await?;
    let token = new_token();
    let now = state.clock.now().as_second();
    let ttl = i64::try_from(state.config.session_ttl.as_secs()).unwrap_or(i64::MAX / 2);
    state
        .store
        .create_session(token_hash(&token), user.id, now, now.saturating_add(ttl))
        .await?;
    tracing::info!(user = user.id, "signed in");
    Ok(axum::Json(LoginOut {
        token,
        user: user.into(),
    }))
}

/// Ends the session of the token sent.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204, description = "signed out"), (status = 401, body = ProblemBody)))]
pub async fn logout(State(state): State<AppState>, caller: Caller) -> Result<StatusCode, Problem> {
    end_session(&state, caller.token_hash).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = UserOut), (status = 401, body = ProblemBody)))]
pub async fn me(caller: Caller) -> axum::Json<UserOut> {
    axum::Json(caller.user.into())
}
