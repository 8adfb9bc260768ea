//! The admin web UI: server-rendered pages for managers, in Russian,
//! Bulgarian and English.
//!
//! Pages read through the store and render with askama; every change a
//! page makes goes through the JSON API (with the session cookie and the
//! page's CSRF token), so the UI and the mobile apps share one set of rules
//! and one set of errors.

mod app;
pub(crate) mod app_text;
mod assets;
mod coworking;
mod diary;
mod door;
mod events;
mod format;
mod integrations;
mod integrations_text;
mod kit_text;
mod list_filter;
mod orders;
mod people;
mod redirect;
mod session;
mod settings;
mod sheet;
pub(crate) mod text;
mod viewer;

use askama::Template;
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use tessera_domain::Locale;

use crate::AppState;
pub(crate) use format::folio_title;
pub use viewer::Viewer;
pub(crate) use viewer::page_locale;

/// The web UI's routes.
pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/login", get(session::login_page).post(session::login))
        .route("/logout", post(session::logout))
        .route("/password-reset", get(session::password_reset_page))
        .route("/lang/{tag}", get(session::set_lang))
        .route("/static/{file}", get(assets::file))
        .route("/session", post(session::keep_session))
        .route("/app", get(app::tickets))
        .route("/app/tickets/{number}", get(app::ticket))
        .route("/app/signup", get(app::sign_up))
        .route("/app/book", get(app::book))
        .route("/app/manifest.webmanifest", get(app::manifest))
        .route("/app/sw.js", get(app::service_worker))
        .route("/door", get(door::door))
        .route("/admin/coworking/door", get(door::log))
        .route("/admin/coworking", get(coworking::list))
        .route("/admin/coworking/tickets/{number}", get(coworking::ticket))
        .route("/admin/coworking/orders", get(orders::list))
        .route("/admin/coworking/orders/new", get(coworking::new_order))
        .route("/admin/coworking/orders/{number}", get(orders::order))
        .route("/admin/people", get(people::list))
        .route("/admin/people/{id}", get(people::person))
        .route("/admin/profile", get(people::profile))
        .route("/admin/settings", get(settings::venues))
        .route("/admin/settings/venues/{id}", get(settings::venue))
        .route("/admin/integrations", get(integrations::list))
        .route("/admin/integrations/webhooks/{id}", get(integrations::webhook))
        .route("/admin/integrations/mail", get(integrations::mail))
        .route("/admin/events", get(events::list))
        .route("/admin/events/diary", get(diary::diary))
        .route("/admin/events/{id}/sheet", get(sheet::sheet))
        .route("/admin/events/{id}", get(events::event))
        .layer(axum::middleware::from_fn_with_state(state, localize_error_pages))
}

/// A page whose store query failed learns the request's language only here:
/// `?` turns a `StoreError` into [`WebError::Store`], which has none.
async fn localize_error_pages(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let locale = viewer::page_locale(req.headers(), state.config.default_locale);
    let res = next.run(req).await;
    if res.extensions().get::<Unlocalized>().is_some() {
        return WebError::Internal(locale).into_response();
    }
    res
}

/// Marks an error page still to be written in the request's language.
#[derive(Clone, Copy)]
struct Unlocalized;

/// The start page: the area the signed-in user works in.
async fn home(v: Viewer) -> Redirect {
    Redirect::to(v.home())
}

/// A rendered page.
pub struct Html(String);

impl IntoResponse for Html {
    fn into_response(self) -> Response {
        let mut res = (StatusCode::OK, self.0).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        // Pages show live data and a CSRF token: never cache them.
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        res
    }
}

/// Renders a template, or the error page if rendering fails.
pub fn render(t: &impl Template, locale: Locale) -> Result<Html, WebError> {
    t.render().map(Html).map_err(|e| {
        tracing::error!(error = %e, "a page failed to render");
        WebError::Internal(locale)
    })
}

/// Why a page is not shown.
#[derive(Debug)]
pub enum WebError {
    /// Not signed in: to the sign-in page, then back.
    SignIn(String),
    /// Signed in, but the role may not see this.
    Forbidden(Locale),
    /// Signed in to the wrong area: says whose it is, offers the way out.
    NotYourArea {
        /// The page's language.
        locale: Locale,
        /// For the sign-out form.
        csrf: String,
        /// Whose area it is, in words.
        text: &'static str,
    },
    /// No such thing.
    NotFound(Locale),
    /// A fault of ours (logged).
    Internal(Locale),
    /// A store query failed (logged); the page is written in the request's
    /// language by [`localize_error_pages`].
    Store,
}

impl From<tessera_store::StoreError> for WebError {
    fn from(e: tessera_store::StoreError) -> Self {
        tracing::error!(error = %e, "a page's query failed");
        WebError::Store
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    v: Viewer,
    title: &'static str,
    text: &'static str,
    /// Signed in: the page offers their own section and signing out.
    signed_in: bool,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let mut signed_in = None;
        let (status, locale) = match self {
            WebError::SignIn(next) => {
                let to = format!("/login?next={}", format::url_encode(&next));
                return Redirect::to(&to).into_response();
            }
            WebError::Forbidden(l) => (StatusCode::FORBIDDEN, l),
            WebError::NotYourArea { locale, csrf, text } => {
                signed_in = Some((csrf, text));
                (StatusCode::FORBIDDEN, locale)
            }
            WebError::NotFound(l) => (StatusCode::NOT_FOUND, l),
            WebError::Internal(l) => (StatusCode::INTERNAL_SERVER_ERROR, l),
            WebError::Store => {
                let mut res = StatusCode::INTERNAL_SERVER_ERROR.into_response();
                res.extensions_mut().insert(Unlocalized);
                return res;
            }
        };
        let mut v = Viewer::anonymous(locale, String::new());
        let (title, mut text) = match status {
            StatusCode::FORBIDDEN => (v.ui.forbidden_title, v.ui.forbidden_text),
            StatusCode::NOT_FOUND => (v.ui.not_found_title, v.ui.not_found_text),
            _ => (v.ui.error_title, v.ui.error_text),
        };
        if let Some((csrf, area)) = &signed_in {
            v.csrf.clone_from(csrf);
            text = area;
        }
        let page = ErrorPage {
            v,
            title,
            text,
            signed_in: signed_in.is_some(),
        };
        let body = page
            .render()
            .unwrap_or_else(|_| format!("<!doctype html><title>{title}</title><p>{text}</p>"));
        let mut res = (status, Html(body)).into_response();
        *res.status_mut() = status;
        res
    }
}
