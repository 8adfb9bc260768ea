//! People: one account read and edited (contact data, role, deactivation),
//! passwords set by an admin or changed by their owner, and the one-time
//! links that reset a forgotten one.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use tessera_domain::password::check_password;
use tessera_domain::people::RESET_LINK_SECONDS;
use tessera_domain::person::{parse_email, parse_name, parse_phone};
use tessera_domain::refusal::{Refusal, Thing};
use tessera_domain::{Locale, Role};
use tessera_store::UserPatch;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::{Admin, Caller, CoworkingManager, hash_password, new_token, token_hash, verify_password};
use crate::error::{FieldFault, Problem, ProblemBody};
use crate::extract::{Json, Number};
use crate::throttle::normalize_email;
use crate::wire::{UserOut, check, one_of};

/// An edit of an account; fields left out stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatchIn {
    /// First name.
    #[schema(value_type = Option<crate::rules::PersonName>)]
    pub first_name: Option<String>,
    /// Last name.
    #[schema(value_type = Option<crate::rules::PersonName>)]
    pub last_name: Option<String>,
    /// E-mail, unique.
    #[schema(value_type = Option<crate::rules::Email>)]
    pub email: Option<String>,
    /// Phone; `null` or empty removes it.
    #[schema(value_type = Option<crate::rules::Phone>)]
    #[serde(default, deserialize_with = "crate::rules::present")]
    pub phone: Option<Option<String>>,
    /// Role (admins only).
    #[schema(value_type = Option<crate::rules::Role>)]
    pub role: Option<String>,
    /// `false` deactivates the account (its sessions end at once); `true` reactivates it (admins only).
    pub active: Option<bool>,
    /// The language of mail to them: `ru`, `bg` or `en`.
    #[schema(value_type = Option<crate::rules::Locale>)]
    pub locale: Option<String>,
}

/// Parses an edit, collecting every field error.
fn parse_patch(b: &UserPatchIn) -> Result<UserPatch, Problem> {
    let mut errors = Vec::new();
    let mut take = |field: &str, r: Result<String, tessera_domain::person::PersonError>| match r {
        Ok(v) => Some(v),
        Err(e) => {
            errors.push(FieldFault {
                field: field.into(),
                refusal: e.into(),
            });
            None
        }
    };
    let first_name = b.first_name.as_deref().and_then(|v| take("first_name", parse_name(v)));
    let last_name = b.last_name.as_deref().and_then(|v| take("last_name", parse_name(v)));
    let email = b.email.as_deref().and_then(|v| take("email", parse_email(v)));
    let phone = match &b.phone {
        None => None,
        // Counted as sent, spaces around it included, as the document's maxLength states.
        Some(Some(p)) if p.chars().count() > tessera_domain::person::MAX_PHONE => take(
            "phone",
            Err(tessera_domain::person::PersonError::TooLong(
                tessera_domain::person::MAX_PHONE,
            )),
        )
        .map(Some),
        Some(p) => match p.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            None => Some(None),
            Some(p) => take("phone", parse_phone(p)).map(Some),
        },
    };
    let role = b
        .role
        .as_deref()
        .and_then(|r| one_of("role", r, Role::parse, Role::NAMES, &mut errors));
    let locale = b
        .locale
        .as_deref()
        .and_then(|v| one_of("locale", v, Locale::parse, Locale::NAMES, &mut errors))
        .map(|l| l.tag().to_owned());
    check(errors)?;
    Ok(UserPatch {
        first_name,
        last_name,
        email,
        phone,
        role,
        active: b.active,
        locale,
    })
}

/// One user.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", security(("bearer" = [])),
    params(("id" = i64, Path, description = "User id")),
    responses((status = 200, body = UserOut), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    _m: CoworkingManager,
    Number(id): Number,
) -> Result<axum::Json<UserOut>, Problem> {
    let user = state.store.user(id).await?.ok_or(Problem::NotFound(Thing::User))?;
    Ok(axum::Json(user.into()))
}

/// Edits a user: an admin anything, a rental manager a visitor's names,
/// e-mail and phone. Deactivating ends the user's sessions at once; the last
/// active admin stays one (409).
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", request_body = UserPatchIn, security(("bearer" = [])),
    params(("id" = i64, Path, description = "User id")),
    responses((status = 200, body = UserOut), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody),
        (status = 409, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn update(
    State(state): State<AppState>,
    CoworkingManager(caller): CoworkingManager,
    Number(id): Number,
    Json(b): Json<UserPatchIn>,
) -> Result<axum::Json<UserOut>, Problem> {
    let patch = parse_patch(&b)?;
    let updated = state
        .store
        .update_user(id, (caller.role, caller.user.id), patch, state.clock.now().as_second())
        .await?;
    // A cached session must not outlive a deactivation or keep an old role.
    state.sessions.forget_user(id);
    tracing::info!(actor = caller.user.id, user = id, active = updated.is_active(), role = %updated.role, "user edited");
    Ok(axum::Json(updated.into()))
}

/// Changes the caller's own language (the one their mail is written in).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MePatchIn {
    /// `ru`, `bg` or `en`.
    #[schema(value_type = crate::rules::Locale)]
    pub locale: String,
}

/// Sets the caller's own language.
#[utoipa::path(patch, path = "/api/v1/me", tag = "auth", request_body = MePatchIn, security(("bearer" = [])),
    responses((status = 200, body = UserOut), (status = 401, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn update_me(
    State(state): State<AppState>,
    caller: Caller,
    Json(b): Json<MePatchIn>,
) -> Result<axum::Json<UserOut>, Problem> {
    let mut errors = Vec::new();
    let locale = one_of("locale", &b.locale, Locale::parse, Locale::NAMES, &mut errors);
    check(errors)?;
    let patch = UserPatch {
        locale: locale.map(|l| l.tag().to_owned()),
        ..UserPatch::default()
    };
    let updated = state
        .store
        .update_user(
            caller.user.id,
            (caller.role, caller.user.id),
            patch,
            state.clock.now().as_second(),
        )
        .await?;
    state.sessions.forget_user(caller.user.id);
    Ok(axum::Json(updated.into()))
}

/// A password an admin sets.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordIn {
    /// At least 10 characters, not a common one.
    #[schema(value_type = crate::rules::Password)]
    pub password: String,
}

/// Sets a user's password; every session of theirs ends.
#[utoipa::path(put, path = "/api/v1/users/{id}/password", tag = "users", request_body = PasswordIn, security(("bearer" = [])),
    params(("id" = i64, Path, description = "User id")),
    responses((status = 204, description = "set"), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn set_password(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Number(id): Number,
    Json(b): Json<PasswordIn>,
) -> Result<StatusCode, Problem> {
    let user = state.store.user(id).await?.ok_or(Problem::NotFound(Thing::User))?;
    check_password(&b.password, &[&user.email, &user.first_name, &user.last_name])
        .map_err(|e| Problem::field("password", e))?;
    let hash = hash_password(b.password).await?;
    // An admin setting their own password stays signed in where they are,
    // as with PUT /api/v1/me/password; every other session ends.
    let keep = (id == caller.user.id).then(|| caller.token_hash.clone());
    state
        .store
        .set_password(id, hash, keep, state.clock.now().as_second())
        .await?;
    state.sessions.forget_user(id);
    tracing::info!(actor = caller.user.id, user = id, "password set by an admin");
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's own new password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MyPasswordIn {
    /// The password now.
    #[schema(value_type = String)]
    pub current_password: String,
    /// At least 10 characters, not a common one.
    #[schema(value_type = crate::rules::Password)]
    pub new_password: String,
}

/// Changes the caller's password; their other sessions end, this one stays.
#[utoipa::path(put, path = "/api/v1/me/password", tag = "auth", request_body = MyPasswordIn, security(("bearer" = [])),
    responses((status = 204, description = "changed"), (status = 401, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn change_mine(
    State(state): State<AppState>,
    caller: Caller,
    Json(b): Json<MyPasswordIn>,
) -> Result<StatusCode, Problem> {
    let u = &caller.user;
    let mut errors = Vec::new();
    if let Err(e) = check_password(&b.new_password, &[&u.email, &u.first_name, &u.last_name]) {
        errors.push(FieldFault {
            field: "new_password".into(),
            refusal: e.into(),
        });
    }
    let current_ok = match state.store.password_hash(u.id).await? {
        Some(hash) if b.current_password.len() <= tessera_domain::password::MAX_PASSWORD_BYTES => {
            verify_password(b.current_password, hash).await?
        }
        _ => false,
    };
    if !current_ok {
        errors.insert(
            0,
            FieldFault {
                field: "current_password".into(),
                refusal: Refusal::WrongPassword,
            },
        );
    }
    check(errors)?;
    let hash = hash_password(b.new_password).await?;
    state
        .store
        .set_password(
            u.id,
            hash,
            Some(caller.token_hash.clone()),
            state.clock.now().as_second(),
        )
        .await?;
    state.sessions.forget_user(u.id);
    tracing::info!(user = u.id, "password changed by its owner; other sessions ended");
    Ok(StatusCode::NO_CONTENT)
}

/// Who forgot their password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetIn {
    /// Their e-mail.
    #[schema(value_type = String)]
    pub email: String,
}

/// Asks for a link to set a new password. The answer is 202 whether or not
/// the e-mail is known, so it tells nobody which addresses have accounts.
#[utoipa::path(post, path = "/api/v1/auth/password-reset", tag = "auth", request_body = ResetIn,
    responses((status = 202, description = "a link is on its way if the e-mail is known"), (status = 422, body = ProblemBody)))]
pub async fn request_reset(State(state): State<AppState>, Json(b): Json<ResetIn>) -> Result<StatusCode, Problem> {
    let email = normalize_email(&b.email);
    if email.chars().count() > tessera_domain::person::MAX_EMAIL {
        return Ok(StatusCode::ACCEPTED);
    }
    if let Some(user) = state.store.user_by_email(&email).await?
        && user.is_active()
    {
        let token = new_token();
        let now = state.clock.now().as_second();
        // The link is mailed through the outbox, written with the token.
        state
            .store
            .create_password_reset(
                user.id,
                token_hash(&token),
                format!("/password-reset?token={token}"),
                now,
                now + RESET_LINK_SECONDS,
            )
            .await?;
        tracing::info!(user = user.id, "password reset link made; it goes out by mail");
    }
    Ok(StatusCode::ACCEPTED)
}

/// A reset link used.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetConfirmIn {
    /// The token from the link.
    #[schema(value_type = String)]
    pub token: String,
    /// At least 10 characters, not a common one.
    #[schema(value_type = crate::rules::Password)]
    pub new_password: String,
}

/// Sets a new password from a reset link (once, within an hour); every
/// session of the user ends.
#[utoipa::path(post, path = "/api/v1/auth/password-reset/confirm", tag = "auth", request_body = ResetConfirmIn,
    responses((status = 204, description = "set"), (status = 422, body = ProblemBody)))]
pub async fn confirm_reset(
    State(state): State<AppState>,
    Json(b): Json<ResetConfirmIn>,
) -> Result<StatusCode, Problem> {
    check_password(&b.new_password, &[]).map_err(|e| Problem::field("new_password", e))?;
    if b.token.is_empty() || b.token.len() > 200 {
        return Err(Problem::field("token", Refusal::ResetLinkInvalid));
    }
    let hash = hash_password(b.new_password).await?;
    let user = state
        .store
        .reset_password(token_hash(&b.token), hash, state.clock.now().as_second())
        .await?;
    state.sessions.forget_user(user);
    tracing::info!(user, "password reset from a link");
    Ok(StatusCode::NO_CONTENT)
}
