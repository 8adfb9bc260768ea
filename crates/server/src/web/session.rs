//! Signing in and out of the web UI, and picking its language.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use serde::Deserialize;

use super::redirect::local_target;
use super::viewer::{LANG_COOKIE, page_locale};
use super::{Viewer, WebError, render};
use crate::AppState;
use crate::auth::{Caller, SESSION_COOKIE, csrf_valid, end_session, session_cookie, token_hash};
use crate::error::Problem;
use crate::routes::auth::{LoginIn, login as api_login};
use crate::throttle::ClientAddr;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    v: Viewer,
    next: String,
    email: String,
    error: Option<&'static str>,
    demo: bool,
}

/// `?next=` on the sign-in page.
#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// The sign-in page.
pub async fn login_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Result<Response, WebError> {
    let locale = page_locale(&headers, state.config.default_locale);
    let page = LoginPage {
        v: Viewer::anonymous(locale, "/login".into()),
        next: local_target(q.next.as_deref()),
        email: String::new(),
        error: None,
        demo: state.config.demo_logins,
    };
    Ok(render(&page, locale)?.into_response())
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

/// A form posted from another site is refused: browsers name the page's
/// origin, and it must be ours.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    origin
        .split_once("://")
        .is_some_and(|(_, rest)| rest.trim_end_matches('/') == host)
}

/// Signs in through the API's own sign-in and keeps the token in a cookie.
pub async fn login(
    State(state): State<AppState>,
    addr: ClientAddr,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    let locale = page_locale(&headers, state.config.default_locale);
    if !same_origin(&headers) {
        return Err(WebError::Forbidden(locale));
    }
    let next = local_target(form.next.as_deref());
    let email = form.email.clone();
    // The API's own sign-in: the same checks, throttling and session.
    let answer = api_login(
        State(state.clone()),
        addr,
        crate::extract::Json(LoginIn {
            email: form.email,
            password: form.password,
        }),
    )
    .await;
    let out = match answer {
        Ok(axum::Json(out)) => out,
        Err(problem) => {
            let v = Viewer::anonymous(locale, "/login".into());
            let error = match problem {
                Problem::BadCredentials | Problem::Malformed(_) | Problem::Invalid(_) => v.ui.bad_credentials,
                ref p if p.render(locale).status == 429 => v.ui.too_many_attempts,
                _ => v.ui.error_text,
            };
            let page = LoginPage {
                v,
                next,
                email,
                error: Some(error),
                demo: state.config.demo_logins,
            };
            let mut res = render(&page, locale)?.into_response();
            *res.status_mut() = axum::http::StatusCode::UNAUTHORIZED;
            return Ok(res);
        }
    };
    // Straight to where they work, unless they came for a page.
    let next = if next == "/" {
        match tessera_domain::Role::parse(&out.user.role) {
            Some(tessera_domain::Role::Visitor) => "/app".to_owned(),
            Some(tessera_domain::Role::Gate) => "/door".to_owned(),
            _ => next,
        }
    } else {
        next
    };
    let mut res = Redirect::to(&next).into_response();
    keep_in_cookie(&mut res, &state, &headers, &out.token);
    Ok(res)
}

/// Sets the session cookie the pages sign in with.
pub fn keep_in_cookie(res: &mut Response, state: &AppState, headers: &HeaderMap, token: &str) {
    let max_age = state.config.session_ttl.as_secs();
    // Behind a TLS-terminating proxy the cookie must never travel in clear.
    let secure = headers
        .get("x-forwarded-proto")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"));
    let cookie = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
}

/// The sign-out form.
#[derive(Debug, Deserialize)]
pub struct LogoutForm {
    csrf: String,
}

/// Signs out: ends the session everywhere and drops the cookie.
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<LogoutForm>,
) -> Result<Response, WebError> {
    let locale = page_locale(&headers, state.config.default_locale);
    if let Some(token) = session_cookie(&headers) {
        if !csrf_valid(form.csrf.as_bytes(), &token) {
            return Err(WebError::Forbidden(locale));
        }
        end_session(&state, token_hash(&token))
            .await
            .map_err(|_| WebError::Internal(locale))?;
    }
    let mut res = Redirect::to("/login").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_static("tessera_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
    );
    Ok(res)
}

/// `?back=` after a language switch.
#[derive(Debug, Deserialize)]
pub struct BackQuery {
    back: Option<String>,
}

/// Keeps the picked language in a cookie and returns to the page.
pub async fn set_lang(Path(tag): Path<String>, Query(q): Query<BackQuery>) -> Response {
    let back = local_target(q.back.as_deref());
    let mut res = Redirect::to(&back).into_response();
    if let Some(l) = tessera_domain::Locale::parse(&tag) {
        let cookie = format!("{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000", l.tag());
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

#[derive(Template)]
#[template(path = "password_reset.html")]
struct ResetPage {
    v: Viewer,
    /// The token from the link; `None` on the page that asks for one.
    token: Option<String>,
}

/// `?token=` of a reset link.
#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

/// A forgotten password: the page that asks for a link, and the page the
/// link opens to set a new password. Both write through the API.
pub async fn password_reset_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<TokenQuery>,
) -> Result<Response, WebError> {
    let locale = page_locale(&headers, state.config.default_locale);
    let page = ResetPage {
        v: Viewer::anonymous(locale, "/password-reset".into()),
        token: q.token.filter(|t| !t.is_empty()),
    };
    let mut res = render(&page, locale)?.into_response();
    // The token must not leak to other sites through the Referer header.
    res.headers_mut()
        .insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    Ok(res)
}

/// A session token to keep in the page's cookie.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionIn {
    token: String,
}

/// Keeps a session the page got from the API (signing up) in the cookie
/// the pages use. Only from a page of this site, and only a live session.
pub async fn keep_session(State(state): State<AppState>, headers: HeaderMap, Json(b): Json<SessionIn>) -> Response {
    let locale = page_locale(&headers, state.config.default_locale);
    if !same_origin(&headers) {
        return WebError::Forbidden(locale).into_response();
    }
    if Caller::of_token(&state, &b.token).await.is_err() {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let mut res = StatusCode::NO_CONTENT.into_response();
    keep_in_cookie(&mut res, &state, &headers, &b.token);
    res
}
