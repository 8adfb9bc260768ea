//! "People": the users list with its search and filters, one account's page
//! (edit, role, deactivate, set a password), and everybody's own profile.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use tessera_domain::people::{Touched, may_edit};
use tessera_domain::{Locale, Role};

use super::list_filter::FilterValues;
use super::viewer::Area;
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

#[derive(Template)]
#[template(path = "people.html")]
struct PeoplePage {
    v: Viewer,
    rows: Vec<PersonRow>,
    f: FilterValues,
    roles: Vec<(&'static str, &'static str)>,
    next_url: Option<String>,
    first_url: Option<String>,
    error: Option<String>,
}

fn role_of(name: &str) -> Role {
    Role::parse(name).unwrap_or(Role::Visitor)
}

/// The users list: search by part of a name, role and active filters.
pub async fn list(State(state): State<AppState>, v: Viewer, RawQuery(raw): RawQuery) -> Result<Html, WebError> {
    v.require(Area::Coworking)?;
    let l = v.locale;
    let (mut f, cursor) = FilterValues::from_query(raw.as_deref(), &["search", "role", "active"]);
    let role = Role::parse(f.get("role"));
    let active = match f.get("active") {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    };
    // A cursor the server did not give starts from the first page.
    let after = cursor.as_deref().and_then(|c| decode_cursor(c).ok()).unwrap_or(0);
    let search = f.get("search").trim().to_owned();
    let search = search.as_str();
    let (rows, next, error) = if search.chars().count() > crate::rules::SEARCH_MAX {
        f.refuse(
            "search",
            crate::field_text::refusal(&tessera_domain::refusal::Refusal::TooLong(crate::rules::SEARCH_MAX), l),
        );
        (Vec::new(), None, None::<String>)
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
    let (first_url, next_url) = f.pages("/admin/people", next, cursor.as_deref());
    let page = PeoplePage {
        roles: Role::ALL.into_iter().map(|r| (r.as_str(), v.ui.role(r))).collect(),
        next_url,
        first_url,
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
    own: bool,
}

/// One account: contact data, role, deactivation and a new password.
pub async fn person(State(state): State<AppState>, v: Viewer, Path(id): Path<String>) -> Result<Html, WebError> {
    v.require(Area::Coworking)?;
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
