//! Bearer tokens and role capabilities.
//!
//! A handler states what it needs by the extractor it takes: a
//! `CoworkingManager` can only be had by admins and rental managers, so a
//! handler that takes one cannot serve anybody else by mistake.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};
use tessera_domain::Role;
use tessera_store::User;

use crate::AppState;
use crate::error::Problem;

/// A fresh bearer token: 256 random bits.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What is stored of a token: its SHA-256. Tokens are random, so a fast
/// hash is enough and lookups stay an index probe.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Hashes a password with Argon2id, off the async threads and bounded by
/// [`crate::hashing`] (it is slow and memory-hungry on purpose).
pub async fn hash_password(password: String) -> Result<String, Problem> {
    crate::hashing::run(move || crate::argon::hash(password.as_bytes()).ok_or(Problem::Internal)).await?
}

/// Checks a password against a stored hash, in constant time, bounded like
/// hashing; `Err` only when the server is too busy to check it now.
pub async fn verify_password(password: String, hash: String) -> Result<bool, Problem> {
    crate::hashing::run(move || crate::argon::verify(password.as_bytes(), &hash)).await
}

/// A hash to verify against when the e-mail is unknown, so that a wrong
/// e-mail takes as long as a wrong password.
pub static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    use argon2::password_hash::{PasswordHasher, SaltString, rand_core::OsRng};
    let salt = SaltString::generate(&mut OsRng);
    argon2::Argon2::default()
        .hash_password(b"not a password anyone has", &salt)
        .map(|h| h.to_string())
        .unwrap_or_default()
});

/// The web UI's session cookie: the same random token the API hands out.
pub const SESSION_COOKIE: &str = "tessera_session";

/// A cookie's value.
pub fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.trim().to_owned())
}

/// The session token in the request's cookies, if any.
pub fn session_cookie(headers: &axum::http::HeaderMap) -> Option<String> {
    cookie(headers, SESSION_COOKIE).filter(|t| !t.is_empty() && t.len() <= 256)
}

/// The CSRF token of a session: derived from the secret session token, so
/// nothing more is stored and a page can embed it.
pub fn csrf_token(session_token: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"tessera csrf\0");
    h.update(session_token.as_bytes());
    hex::encode(&h.finalize()[..16])
}

/// Whether a CSRF token (from a header or a form) belongs to this session,
/// compared in constant time.
pub fn csrf_valid(given: &[u8], session_token: &str) -> bool {
    use subtle::ConstantTimeEq;
    given.ct_eq(csrf_token(session_token).as_bytes()).into()
}

/// Ends a session on every instance: the row, and this instance's cache at once.
pub async fn end_session(state: &AppState, token_hash: String) -> Result<(), Problem> {
    state.sessions.forget(&token_hash);
    state
        .store
        .revoke_session(token_hash, state.clock.now().as_second())
        .await?;
    Ok(())
}

/// Whoever sent a valid bearer token.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The user.
    pub user: User,
    /// Their role.
    pub role: Role,
    /// The token's hash (to sign out).
    pub token_hash: String,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        if let Some(c) = parts.extensions.get::<Caller>() {
            return Ok(c.clone());
        }
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim);
        let token = match bearer {
            Some(token) => token.to_owned(),
            // The web UI's pages call the API with their session cookie; a
            // cookie is sent by the browser on its own, so a write must also
            // carry the page's CSRF token, which another site cannot read.
            None => {
                let token = session_cookie(&parts.headers).ok_or(Problem::Unauthenticated)?;
                let csrf = parts.headers.get("x-csrf-token").map(|v| v.as_bytes());
                if !parts.method.is_safe() && !csrf.is_some_and(|given| csrf_valid(given, &token)) {
                    return Err(Problem::Forbidden);
                }
                token
            }
        };
        let caller = Caller::of_token(state, &token).await?;
        parts.extensions.insert(caller.clone());
        Ok(caller)
    }
}

impl Caller {
    /// Whoever holds this session token (bearer or cookie alike).
    pub async fn of_token(state: &AppState, token: &str) -> Result<Caller, Problem> {
        if token.is_empty() || token.len() > 256 {
            return Err(Problem::Unauthenticated);
        }
        let hash = token_hash(token);
        let now = state.clock.now().as_second();
        let user = match state.sessions.get(&hash, now) {
            Some(user) => user,
            None => {
                let user = state
                    .store
                    .session_user(&hash, now)
                    .await?
                    .ok_or(Problem::Unauthenticated)?;
                state.sessions.put(hash.clone(), user.clone(), now);
                user
            }
        };
        let role = Role::parse(&user.role).ok_or(Problem::Forbidden)?;
        Ok(Caller {
            user,
            role,
            token_hash: hash,
        })
    }
}

macro_rules! capability {
    ($(#[$doc:meta])* $name:ident, $allowed:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        #[allow(dead_code, reason = "handlers that need only the capability ignore who holds it")]
        pub struct $name(pub Caller);

        impl FromRequestParts<AppState> for $name {
            type Rejection = Problem;

            async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
                let caller = Caller::from_request_parts(parts, state).await?;
                let allowed: fn(Role) -> bool = $allowed;
                if allowed(caller.role) { Ok($name(caller)) } else { Err(Problem::Forbidden) }
            }
        }
    };
}

capability!(
    /// An admin.
    Admin,
    |r| r == Role::Admin
);
capability!(
    /// Someone who may place orders: managers for customers, visitors for themselves.
    Booker,
    |r| r.manages_coworking() || r == Role::Visitor
);
capability!(
    /// A turnstile (or an admin trying one).
    Gatekeeper,
    |r| matches!(r, Role::Gate | Role::Admin)
);
capability!(
    /// A turnstile only: what it decided offline is its own to report.
    Turnstile,
    |r| r == Role::Gate
);
capability!(
    /// A person, not a turnstile: a gate account may only check passes.
    Person,
    |r| r != Role::Gate
);
capability!(
    /// Someone who works the coworking calendar: admin or rental manager.
    CoworkingManager,
    Role::manages_coworking
);

/// Hashes a password on the calling thread (the CLI, the demo loader).
pub fn hash_password_now(password: &str) -> Option<String> {
    use argon2::password_hash::{PasswordHasher, SaltString, rand_core::OsRng};
    let salt = SaltString::generate(&mut OsRng);
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .ok()
        .map(|h| h.to_string())
}
