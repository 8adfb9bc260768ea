//! Editing accounts: contact data, role, deactivation, passwords and the
//! one-time links that reset a forgotten one. Who may do what is the
//! domain's (`tessera_domain::people`); it is decided here inside the
//! change's transaction, against the rows as they are then.

use tessera_domain::Role;
use tessera_domain::mail::PASSWORD_RESET_EVENT;
use tessera_domain::people::{PeopleError, Standing, Touched, keeps_an_admin, may_edit};
use tessera_domain::person::name_key;
use tessera_domain::refusal::{Refusal, Thing};

use crate::{Conflict, Conn, Result, Store, StoreError, User, args, sql};

/// An edit of an account; `None` leaves a field as it is. Values already parsed.
#[derive(Debug, Clone, Default)]
pub struct UserPatch {
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// E-mail, lower-cased.
    pub email: Option<String>,
    /// Phone; `Some(None)` removes it.
    pub phone: Option<Option<String>>,
    /// Role.
    pub role: Option<Role>,
    /// Whether the account may sign in.
    pub active: Option<bool>,
    /// The language of their mail.
    pub locale: Option<String>,
}

impl UserPatch {
    /// The kinds of field it touches, for the domain's permission rule.
    pub fn touched(&self) -> Touched {
        Touched {
            contact: self.first_name.is_some()
                || self.last_name.is_some()
                || self.email.is_some()
                || self.phone.is_some(),
            role: self.role.is_some(),
            active: self.active.is_some(),
            locale: self.locale.is_some(),
        }
    }
}

fn refused(e: PeopleError) -> StoreError {
    match e {
        PeopleError::NotAllowed => StoreError::Forbidden,
        PeopleError::LastAdmin => StoreError::conflict(Conflict::LastAdmin),
    }
}

fn standing(u: &User) -> Result<Standing> {
    Ok(Standing {
        role: Role::parse(&u.role).ok_or_else(|| tessera_domain::stored::UnknownName {
            what: "role",
            name: u.role.clone(),
        })?,
        active: u.is_active(),
    })
}

/// Ends every live session of a user but `keep` (the one making the change).
async fn end_sessions(c: &mut Conn<'_>, user_id: i64, keep: Option<&str>, now: i64) -> Result<u64> {
    c.exec(
        sql!(
            c,
            "UPDATE sessions SET revoked_at = $2
             WHERE user_id = $1 AND revoked_at IS NULL AND ($3 IS NULL OR token_hash <> $3)"
        ),
        &args![user_id, now, keep.map(str::to_owned)],
    )
    .await
}

impl Store {
    /// Edits an account as `editor` (role and id) may; deactivating it ends its sessions
    /// in the same transaction.
    pub async fn update_user(&self, id: i64, editor: (Role, i64), patch: UserPatch, now: i64) -> Result<User> {
        self.write(move |mut c| {
            Box::pin(async move {
                let lock = c.for_update();
                let before: User = c
                    .opt(
                        &format!(
                            "{}{lock}",
                            sql!(
                                c,
                                "SELECT id, email, first_name, last_name, phone, role, locale, deactivated_at FROM users WHERE id = $1"
                            )
                        ),
                        &args![id],
                    )
                    .await?
                    .ok_or(StoreError::NotFound(Thing::User))?;
                let was = standing(&before)?;
                may_edit(editor.0, editor.1 == id, was.role, patch.touched()).map_err(refused)?;
                let will = Standing {
                    role: patch.role.unwrap_or(was.role),
                    active: patch.active.unwrap_or(was.active),
                };
                if was != will {
                    // Every active admin row locked, so two demotions at once
                    // cannot both count the other as the one who stays.
                    let admins: Vec<(i64,)> = c
                        .all(
                            &format!(
                                "{}{lock}",
                                sql!(
                                    c,
                                    "SELECT id FROM users WHERE role = 'admin' AND deactivated_at IS NULL"
                                )
                            ),
                            &[],
                        )
                        .await?;
                    let count = i64::try_from(admins.len()).unwrap_or(i64::MAX);
                    keeps_an_admin(count, was, will).map_err(refused)?;
                }
                let email = patch.email.unwrap_or(before.email.clone());
                if email != before.email {
                    let taken = c
                        .opt::<(i64,)>(
                            sql!(c, "SELECT id FROM users WHERE email = $1 AND id <> $2"),
                            &args![email.as_str(), id],
                        )
                        .await?;
                    if taken.is_some() {
                        return Err(StoreError::conflict(Conflict::EmailTaken));
                    }
                }
                let first_name = patch.first_name.unwrap_or(before.first_name.clone());
                let last_name = patch.last_name.unwrap_or(before.last_name.clone());
                let phone = patch.phone.unwrap_or(before.phone.clone());
                let locale = patch.locale.unwrap_or(before.locale.clone());
                let deactivated_at = match (was.active, will.active) {
                    (true, false) => Some(now),
                    (_, true) => None,
                    (false, false) => before.deactivated_at,
                };
                let updated = c
                    .one::<User>(
                        sql!(
                            c,
                            "UPDATE users SET email = $2, first_name = $3, last_name = $4, first_key = $5, last_key = $6,
                                phone = $7, role = $8, locale = $9, deactivated_at = $10
                             WHERE id = $1
                             RETURNING id, email, first_name, last_name, phone, role, locale, deactivated_at"
                        ),
                        &args![
                            id,
                            email.as_str(),
                            first_name.as_str(),
                            last_name.as_str(),
                            name_key(&first_name),
                            name_key(&last_name),
                            phone,
                            will.role.as_str(),
                            locale.as_str(),
                            deactivated_at
                        ],
                    )
                    .await;
                let updated = match updated {
                    Err(e) if e.is_email_taken() => return Err(StoreError::conflict(Conflict::EmailTaken)),
                    other => other?,
                };
                if was.active && !will.active {
                    end_sessions(&mut c, id, None, now).await?;
                }
                // Customers are cached with the catalogue.
                crate::catalogue_edits::bump_version(&mut c).await?;
                Ok(updated)
            })
        })
        .await
    }

    /// Sets a user's password hash and ends their sessions but `keep`.
    pub async fn set_password(&self, id: i64, hash: String, keep: Option<String>, now: i64) -> Result<()> {
        self.write(move |mut c| {
            Box::pin(async move {
                let n = c
                    .exec(
                        sql!(c, "UPDATE users SET password_hash = $2 WHERE id = $1"),
                        &args![id, hash],
                    )
                    .await?;
                if n == 0 {
                    return Err(StoreError::NotFound(Thing::User));
                }
                end_sessions(&mut c, id, keep.as_deref(), now).await?;
                Ok(())
            })
        })
        .await
    }

    /// The password hash of a user, to check the current one.
    pub async fn password_hash(&self, id: i64) -> Result<Option<String>> {
        let mut r = self.reader().await?;
        let mut c = r.conn();
        let row: Option<(Option<String>,)> = c
            .opt(sql!(c, "SELECT password_hash FROM users WHERE id = $1"), &args![id])
            .await?;
        Ok(row.and_then(|r| r.0))
    }

    /// Stores a reset link's token hash for an active user, valid until
    /// `expires_at`, and in the same transaction the event that mails them
    /// the link (`link`: the token itself, kept only until it is mailed).
    pub async fn create_password_reset(
        &self,
        user_id: i64,
        token_hash: String,
        link: String,
        now: i64,
        expires_at: i64,
    ) -> Result<()> {
        self.write(move |mut c| {
            Box::pin(async move {
                c.exec(
                    sql!(
                        c,
                        "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)"
                    ),
                    &args![token_hash, user_id, now, expires_at],
                )
                .await?;
                let detail = serde_json::json!({ "link": link }).to_string();
                crate::outbox::emit_named(&mut c, PASSWORD_RESET_EVENT, user_id, now, Some(detail)).await?;
                // Links long dead are of no use to anyone.
                c.exec(
                    sql!(c, "DELETE FROM password_resets WHERE expires_at < $1"),
                    &args![now - 86_400],
                )
                .await?;
                Ok(())
            })
        })
        .await
    }

    /// Uses a reset link: sets the password and ends every session of its
    /// user; a used, expired or unknown link is refused at `token`.
    pub async fn reset_password(&self, token_hash: String, hash: String, now: i64) -> Result<i64> {
        self.write(move |mut c| {
            Box::pin(async move {
                let lock = c.for_update();
                let row: Option<(i64,)> = c
                    .opt(
                        &format!(
                            "{}{lock}",
                            sql!(
                                c,
                                "SELECT r.user_id FROM password_resets r JOIN users u ON u.id = r.user_id
                                 WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > $2
                                   AND u.deactivated_at IS NULL"
                            )
                        ),
                        &args![token_hash.as_str(), now],
                    )
                    .await?;
                let Some((user_id,)) = row else {
                    return Err(StoreError::unprocessable("token", Refusal::ResetLinkInvalid));
                };
                c.exec(
                    sql!(c, "UPDATE password_resets SET used_at = $2 WHERE token_hash = $1"),
                    &args![token_hash.as_str(), now],
                )
                .await?;
                c.exec(
                    sql!(c, "UPDATE users SET password_hash = $2 WHERE id = $1"),
                    &args![user_id, hash],
                )
                .await?;
                end_sessions(&mut c, user_id, None, now).await?;
                Ok(user_id)
            })
        })
        .await
    }
}
