//! "People": the users list with its search and filters, one account's page
//! (edit, role, deactivate, set a password), and everybody's own profile.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use tessera_domain::people::{Touched, may_edit};
use tessera_domain::{Locale, Role};

use super::format::url_encode;
use super::{Html, Viewer, WebError, render};
use crate::AppState;
use crate::wire::decode_cursor;

/// A row of the users list.
pub struct PersonRow {
    id: i64,
    name: String,
    email: String,
    phone: String,
    role: &'static str,
    active: bool,
}

/// The filter as the user set it.
#[derive(Default)]
pub struct PeopleFilter {
    search: String,
    role: String,
    active: String,
}

#[derive(Template)]
#[template(path = "people.html")]
struct PeoplePage {
    v: Viewer,
    rows: Vec<PersonRow>,
    f: PeopleFilter,
    roles: Vec<(&'static str, &'static str)>,
    next_url: Option<String>,
    first_url: Option<String>,
    error: Option<String>,
    is_admin: bool,
}

fn role_of(name: &str) -> Role {
    Role::parse(name).unwrap_or(Role::Visitor)
}

/// The users list: search by part of a name, role and active filters.
pub async fn list(State(state): State<AppState>, v: Viewer, RawQuery(raw): RawQuery) -> Result<Html, WebError> {
    v.require(v.can_coworking)?;
    let l = v.locale;
    let mut f = PeopleFilter::default();
    let mut cursor = None;
    for (k, val) in form_urlencoded::parse(raw.as_deref().unwrap_or("").as_bytes()) {
        let val = val.into_owned();
        match k.as_ref() {
            "search" => f.search = val,
            "role" => f.role = val,
            "active" => f.active = val,
            "cursor" => cursor = Some(val),
            _ => {}
        }
    }
    let role = Role::parse(&f.role);
    let active = match f.active.as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    };
    // A cursor the server did not give starts from the first page.
    let after = cursor.as_deref().and_then(|c| decode_cursor(c).ok()).unwrap_or(0);
    let search = f.search.trim();
    let (rows, next, error) = if search.chars().count() > crate::rules::SEARCH_MAX {
        (
            Vec::new(),
            None,
            Some(format!("{}: ≤ {}", v.ui.search, crate::rules::SEARCH_MAX)),
        )
    } else {
        let found = state
            .store
            .search_users(
                Some(search).filter(|s| !s.is_empty()),
                role.map(Role::as_str),
                active,
                after,
                21,
            )
            .await?;
        let (found, next) = crate::wire::page_of(found, 20, |u| u.id);
        let rows = found
            .into_iter()
            .map(|u| PersonRow {
                active: u.is_active(),
                id: u.id,
                name: format!("{} {}", u.first_name, u.last_name),
                email: u.email,
                phone: u.phone.unwrap_or_default(),
                role: v.ui.role(role_of(&u.role)),
            })
            .collect();
        (rows, next, None)
    };
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, val) in [("search", &f.search), ("role", &f.role), ("active", &f.active)] {
        if !val.is_empty() {
            q.append_pair(k, val);
        }
    }
    let base = q.finish();
    let sep = if base.is_empty() { "" } else { "&" };
    let page = PeoplePage {
        roles: Role::ALL.into_iter().map(|r| (r.as_str(), v.ui.role(r))).collect(),
        next_url: next.map(|c| format!("/admin/people?{base}{sep}cursor={}", url_encode(&c))),
        first_url: cursor.map(|_| format!("/admin/people?{base}")),
        is_admin: v.caller.as_ref().is_some_and(|c| c.role == Role::Admin),
        v,
        rows,
        f,
        error,
    };
    render(&page, l)
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage {
    v: Viewer,
    id: i64,
    name: String,
    first_name: String,
    last_name: String,
    email: String,
    phone: String,
    role_key: &'static str,
    role: &'static str,
    active: bool,
    roles: Vec<(&'static str, &'static str)>,
    may_edit_contact: bool,
    is_admin: bool,
    own: bool,
}

/// One account: contact data, role, deactivation and a new password.
pub async fn person(State(state): State<AppState>, v: Viewer, Path(id): Path<String>) -> Result<Html, WebError> {
    v.require(v.can_coworking)?;
    let l = v.locale;
    let id: i64 = id.parse().map_err(|_| WebError::NotFound(l))?;
    let u = state.store.user(id).await?.ok_or(WebError::NotFound(l))?;
    let (editor, own) = match &v.caller {
        Some(c) => (c.role, c.user.id == id),
        None => return Err(WebError::Forbidden(l)),
    };
    let target = role_of(&u.role);
    let contact = Touched {
        contact: true,
        ..Touched::default()
    };
    let page = PersonPage {
        id,
        name: format!("{} {}", u.first_name, u.last_name),
        role_key: target.as_str(),
        role: v.ui.role(target),
        active: u.is_active(),
        roles: Role::ALL.into_iter().map(|r| (r.as_str(), v.ui.role(r))).collect(),
        may_edit_contact: may_edit(editor, own, target, contact).is_ok(),
        is_admin: editor == Role::Admin,
        own,
        first_name: u.first_name,
        last_name: u.last_name,
        email: u.email,
        phone: u.phone.unwrap_or_default(),
        v,
    };
    render(&page, l)
}

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    v: Viewer,
    email: String,
    role: &'static str,
    locales: Vec<(&'static str, &'static str, bool)>,
}

/// The signed-in user's own page: their password and the language of their mail.
pub async fn profile(State(state): State<AppState>, v: Viewer) -> Result<Html, WebError> {
    let l = v.locale;
    let Some(caller) = v.caller.as_ref() else {
        return Err(WebError::Forbidden(l));
    };
    // Read fresh: the session's copy may be seconds old.
    let u = state.store.user(caller.user.id).await?.ok_or(WebError::NotFound(l))?;
    let names = [
        (Locale::Ru, "Русский"),
        (Locale::Bg, "Български"),
        (Locale::En, "English"),
    ];
    let page = ProfilePage {
        role: v.ui.role(role_of(&u.role)),
        locales: names
            .into_iter()
            .map(|(loc, name)| (loc.tag(), name, loc.tag() == u.locale))
            .collect(),
        email: u.email,
        v,
    };
    render(&page, l)
}
