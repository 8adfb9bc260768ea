//! Who is looking at a page, in which language.

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use tessera_domain::Locale;

use super::WebError;
use super::app_text::{AppUi, app_ui};
use super::kit_text::{Kit, kit};
use super::text::{Ui, ui};
use crate::AppState;
use crate::auth::{Caller, cookie, csrf_token, session_cookie};
use crate::error::{Problem, request_locale};

/// The cookie that keeps the language the user picked.
pub const LANG_COOKIE: &str = "tessera_lang";

/// A signed-in user looking at a page (or nobody, on the sign-in page).
pub struct Viewer {
    /// Their language.
    pub locale: Locale,
    /// The words in it.
    pub ui: &'static Ui,
    /// The visitor's app's and the door's words in it.
    pub app: &'static AppUi,
    /// The shared components' words in it.
    pub kit: &'static Kit,
    /// Who they are.
    pub caller: Option<Caller>,
    /// Their name, for the header.
    pub name: String,
    /// May see the coworking calendar.
    pub can_coworking: bool,
    /// May see events.
    pub can_events: bool,
    /// An admin: settings and people.
    pub is_admin: bool,
    /// The token the page's scripts send with every change.
    pub csrf: String,
    /// This page's path and query (to come back after a language switch).
    pub path: String,
    /// The static files' version, to bust caches on upgrade.
    pub assets: &'static str,
}

impl Viewer {
    /// Nobody signed in.
    pub fn anonymous(locale: Locale, path: String) -> Viewer {
        Viewer {
            locale,
            ui: ui(locale),
            app: app_ui(locale),
            kit: kit(locale),
            caller: None,
            name: String::new(),
            can_coworking: false,
            can_events: false,
            is_admin: false,
            csrf: String::new(),
            path,
            assets: super::assets::version(),
        }
    }

    /// Refuses unless the viewer works in `area`, saying whose area it is
    /// (with a way out: their own section, or signing out).
    pub fn require(&self, area: Area) -> Result<(), WebError> {
        let (allowed, text) = match area {
            Area::Coworking => (self.can_coworking, self.app.area_coworking),
            Area::Events => (self.can_events, self.app.area_events),
            Area::Admin => (self.is_admin, self.app.area_admin),
        };
        if allowed {
            Ok(())
        } else {
            Err(WebError::NotYourArea {
                locale: self.locale,
                csrf: self.csrf.clone(),
                text,
            })
        }
    }

    /// Where this viewer works: a visitor's app, a turnstile's door, each
    /// manager's own area.
    pub fn home(&self) -> &'static str {
        match self.caller.as_ref().map(|c| c.role) {
            Some(tessera_domain::Role::Visitor) => "/app",
            Some(tessera_domain::Role::Gate) => "/door",
            _ if self.can_coworking => "/admin/coworking",
            _ if self.can_events => "/admin/events",
            _ => "/login",
        }
    }

    /// Someone who works in the admin (and gets its menu).
    pub fn staff(&self) -> bool {
        self.can_coworking || self.can_events
    }

    /// An icon of the sprite (`static/icons.svg`), for `|safe` in templates;
    /// `name` is always a literal of a template.
    pub fn icon(&self, name: &str) -> String {
        icon(self.assets, name)
    }

    /// The viewer's initials, for the avatar.
    pub fn initials(&self) -> String {
        self.name
            .split_whitespace()
            .take(2)
            .filter_map(|w| w.chars().next())
            .flat_map(char::to_uppercase)
            .collect()
    }

    /// The languages to switch to, with whether each is current.
    pub fn languages(&self) -> [(&'static str, &'static str, bool); 3] {
        [
            ("ru", "Русский", self.locale == Locale::Ru),
            ("bg", "Български", self.locale == Locale::Bg),
            ("en", "English", self.locale == Locale::En),
        ]
    }
}

/// An icon of the sprite, decorative (its button or link carries the words).
pub fn icon(assets: &str, name: &str) -> String {
    format!(
        r#"<svg class="icon" aria-hidden="true" focusable="false"><use href="/static/icons.svg?v={assets}#i-{name}"></use></svg>"#
    )
}

/// A part of the UI that belongs to some roles.
#[derive(Debug, Clone, Copy)]
pub enum Area {
    /// The coworking calendar, orders and people: rental managers and admins.
    Coworking,
    /// Events: event managers and admins.
    Events,
    /// Settings: admins.
    Admin,
}

/// The page's language: the user's pick, else the browser's, else the default.
pub fn page_locale(headers: &HeaderMap, default: Locale) -> Locale {
    cookie(headers, LANG_COOKIE)
        .and_then(|tag| Locale::parse(&tag))
        .unwrap_or_else(|| request_locale(headers, default))
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let locale = page_locale(&parts.headers, state.config.default_locale);
        let path = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/".into());
        // Pages sign in by cookie only: a bearer token is the API's.
        let Some(token) = session_cookie(&parts.headers) else {
            return Err(WebError::SignIn(path));
        };
        let caller = match Caller::of_token(state, &token).await {
            Ok(c) => c,
            Err(Problem::Unauthenticated) => return Err(WebError::SignIn(path)),
            Err(Problem::Forbidden) => return Err(WebError::Forbidden(locale)),
            Err(_) => return Err(WebError::Internal(locale)),
        };
        let mut v = Viewer::anonymous(locale, path);
        v.name = format!("{} {}", caller.user.first_name, caller.user.last_name);
        v.can_coworking = caller.role.manages_coworking();
        v.can_events = caller.role.manages_events();
        v.is_admin = caller.role == tessera_domain::Role::Admin;
        v.csrf = csrf_token(&token);
        v.caller = Some(caller);
        Ok(v)
    }
}
