//! Users: creation by admins (any role) and rental managers (visitors), and
//! the partial-name search of the change-visitor dialog.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use tessera_domain::password::check_password;
use tessera_domain::person::{parse_email, parse_name, parse_phone};
use tessera_domain::{Locale, Role};
use tessera_store::NewUser;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::{CoworkingManager, hash_password};
use crate::error::{FieldFault, Problem, ProblemBody};
use crate::extract::{Json, Query};
use crate::field_text::Malformed;
use crate::wire::{Page, UserOut, check, limit, one_of};

/// A user to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserIn {
    /// First name.
    #[schema(value_type = crate::rules::PersonName)]
    pub first_name: String,
    /// Last name.
    #[schema(value_type = crate::rules::PersonName)]
    pub last_name: String,
    /// E-mail, unique.
    #[schema(value_type = crate::rules::Email)]
    pub email: String,
    /// Phone.
    #[schema(value_type = Option<crate::rules::Phone>)]
    pub phone: Option<String>,
    /// Role; `visitor` if omitted.
    #[schema(value_type = Option<crate::rules::Role>)]
    pub role: Option<String>,
    /// Password: at least 10 characters, not a common one; without one the user cannot sign in yet.
    #[schema(value_type = Option<crate::rules::Password>)]
    pub password: Option<String>,
}

/// Parses a user to create, collecting every field error.
/// `locale` is the language their mail will be written in: the one they
/// registered in, or the server's default for an account made for them.
pub fn parse_user(body: &UserIn, prefix: &str, locale: Locale) -> Result<(NewUser, Option<String>), Problem> {
    let mut errors = Vec::new();
    let f = |n: &str| format!("{prefix}{n}");
    let mut take = |field: String, r: Result<String, tessera_domain::person::PersonError>| match r {
        Ok(v) => v,
        Err(e) => {
            errors.push(FieldFault {
                field,
                refusal: e.into(),
            });
            String::new()
        }
    };
    let first_name = take(f("first_name"), parse_name(&body.first_name));
    let last_name = take(f("last_name"), parse_name(&body.last_name));
    let email = take(f("email"), parse_email(&body.email));
    // Counted as sent, spaces around it included, as the document's maxLength states.
    let phone = match body.phone.as_deref() {
        Some(p) if p.chars().count() > tessera_domain::person::MAX_PHONE => Some(take(
            f("phone"),
            Err(tessera_domain::person::PersonError::TooLong(
                tessera_domain::person::MAX_PHONE,
            )),
        )),
        p => p
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| take(f("phone"), parse_phone(p))),
    };
    let role = match body.role.as_deref() {
        None => Role::Visitor,
        Some(r) => one_of(&f("role"), r, Role::parse, Role::NAMES, &mut errors).unwrap_or(Role::Visitor),
    };
    if let Some(p) = &body.password
        && let Err(e) = check_password(p, &[&body.email, &body.first_name, &body.last_name])
    {
        errors.push(FieldFault {
            field: f("password"),
            refusal: e.into(),
        });
    }
    check(errors)?;
    let user = NewUser {
        email,
        first_name,
        last_name,
        phone,
        role: role.as_str().into(),
        password_hash: None,
        locale: locale.tag().into(),
    };
    Ok((user, body.password.clone()))
}

/// Creates a user. Admins create any role; rental managers create visitors.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = UserIn, security(("bearer" = [])),
    responses((status = 201, body = UserOut), (status = 403, body = ProblemBody), (status = 409, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn create(
    State(state): State<AppState>,
    CoworkingManager(caller): CoworkingManager,
    Json(body): Json<UserIn>,
) -> Result<(StatusCode, axum::Json<UserOut>), Problem> {
    let (mut user, password) = parse_user(&body, "", state.config.default_locale)?;
    if caller.role != Role::Admin && user.role != Role::Visitor.as_str() {
        return Err(Problem::Forbidden);
    }
    if let Some(p) = password {
        user.password_hash = Some(hash_password(p).await?);
    }
    let created = state.store.create_user(user, state.clock.now().as_second()).await?;
    tracing::info!(actor = caller.user.id, user = created.id, role = %created.role, "user created");
    Ok((StatusCode::CREATED, axum::Json(created.into())))
}

/// Search parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    /// Part of a first or last name (any case, any script), or the start of an e-mail.
    pub search: Option<String>,
    /// Only users of this role.
    pub role: Option<String>,
    /// `true`: only those who may sign in; `false`: only deactivated ones.
    #[param(value_type = Option<bool>)]
    pub active: Option<String>,
    /// Page size (default 50, at most 500).
    #[serde(default, deserialize_with = "crate::rules::query_int")]
    pub limit: Option<i64>,
    /// From `next_cursor`.
    #[serde(default, deserialize_with = "crate::rules::empty_as_none")]
    pub cursor: Option<String>,
}

/// Finds users by partial name.
#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(SearchQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<UserOut>), (status = 400, body = ProblemBody), (status = 403, body = ProblemBody)))]
pub async fn search(
    State(state): State<AppState>,
    _m: CoworkingManager,
    Query(q): Query<SearchQuery>,
) -> Result<axum::Json<Page<UserOut>>, Problem> {
    let limit = limit(q.limit)?;
    let after = match q.cursor.as_deref() {
        Some(c) => crate::wire::decode_cursor(c)?,
        None => 0,
    };
    if q.search
        .as_deref()
        .is_some_and(|s| s.chars().count() > crate::rules::SEARCH_MAX)
    {
        return Err(Problem::Malformed(Malformed::SearchTooLong(crate::rules::SEARCH_MAX)));
    }
    if let Some(r) = q.role.as_deref()
        && Role::parse(r).is_none()
    {
        return Err(Problem::Malformed(Malformed::Role));
    }
    let active = match q.active.as_deref() {
        None | Some("") => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => {
            return Err(Problem::Malformed(Malformed::Values(vec![(
                "active".into(),
                tessera_domain::refusal::Refusal::OneOf(&["true", "false"]),
            )])));
        }
    };
    let search = q.search.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let users = state
        .store
        .search_users(search, q.role.as_deref(), active, after, limit + 1)
        .await?;
    let (users, next_cursor) = crate::wire::page_of(users, limit, |u| u.id);
    Ok(axum::Json(Page {
        items: users.into_iter().map(UserOut::from).collect(),
        next_cursor,
    }))
}
