//! Accounts and their search.

use tessera_domain::person::{name_key, prefix_upper_bound};

use crate::{Conflict, Conn, Result, Store, StoreError, User, args, sql};

/// A user to create; values already parsed.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// E-mail, lower-cased.
    pub email: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Phone.
    pub phone: Option<String>,
    /// Role name.
    pub role: String,
    /// Argon2 hash; `None` for an account that cannot sign in yet.
    pub password_hash: Option<String>,
    /// The language of mail to them (`ru`, `bg`, `en`).
    pub locale: String,
}

/// Inserts a user inside a transaction; a taken e-mail is a conflict.
pub(crate) async fn insert_user(c: &mut Conn<'_>, u: &NewUser, now: i64) -> Result<User> {
    let taken = c
        .opt::<(i64,)>(
            sql!(c, "SELECT id FROM users WHERE email = $1"),
            &args![u.email.as_str()],
        )
        .await?;
    if taken.is_some() {
        return Err(StoreError::conflict(Conflict::EmailTaken));
    }
    let row = c
        .one::<User>(
            sql!(
                c,
                "INSERT INTO users (email, first_name, last_name, first_key, last_key, phone, role, password_hash, created_at, locale)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                 RETURNING id, email, first_name, last_name, phone, role, locale, deactivated_at"
            ),
            &args![
                u.email.as_str(),
                u.first_name.as_str(),
                u.last_name.as_str(),
                name_key(&u.first_name),
                name_key(&u.last_name),
                u.phone.clone(),
                u.role.as_str(),
                u.password_hash.clone(),
                now,
                u.locale.as_str()
            ],
        )
        .await;
    match row {
        Err(e) if e.is_email_taken() => Err(StoreError::conflict(Conflict::EmailTaken)),
        other => other,
    }
}

pub(crate) async fn user_by_id(c: &mut Conn<'_>, id: i64) -> Result<Option<User>> {
    c.opt(
        sql!(
            c,
            "SELECT id, email, first_name, last_name, phone, role, locale, deactivated_at FROM users WHERE id = $1"
        ),
        &args![id],
    )
    .await
}

impl Store {
    /// Creates a user.
    pub async fn create_user(&self, user: NewUser, now: i64) -> Result<User> {
        self.write(move |mut c| Box::pin(async move { insert_user(&mut c, &user, now).await }))
            .await
    }

    /// A user by id.
    pub async fn user(&self, id: i64) -> Result<Option<User>> {
        let mut r = self.reader().await?;
        user_by_id(&mut r.conn(), id).await
    }

    /// A user by e-mail, with the password hash, for signing in.
    pub async fn user_for_login(&self, email: &str) -> Result<Option<(User, Option<String>)>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            user: User,
            password_hash: Option<String>,
        }
        let mut r = self.reader().await?;
        let mut c = r.conn();
        let row: Option<Row> = c
            .opt(
                sql!(
                    c,
                    "SELECT id, email, first_name, last_name, phone, role, locale, deactivated_at, password_hash FROM users WHERE email = $1"
                ),
                &args![email],
            )
            .await?;
        Ok(row.map(|r| (r.user, r.password_hash)))
    }

    /// A user by e-mail.
    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>> {
        Ok(self.user_for_login(email).await?.map(|(u, _)| u))
    }

    /// Users whose first or last name contains `search` (case-insensitive,
    /// any script), or whose e-mail starts with it; by name, paged by id.
    pub async fn search_users(
        &self,
        search: Option<&str>,
        role: Option<&str>,
        active: Option<bool>,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<User>> {
        let mut r = self.reader().await?;
        let mut c = r.conn();
        let pattern = search.map(|s| format!("%{}%", escape_like(&name_key(s))));
        let email_prefix = search.map(|s| s.trim().to_lowercase());
        let email_upper = email_prefix.as_deref().map(prefix_upper_bound);
        c.all(
            sql!(
                c,
                "SELECT id, email, first_name, last_name, phone, role, locale, deactivated_at FROM users
                 WHERE id > $1
                   AND ($2 IS NULL OR first_key LIKE $2 ESCAPE '\\' OR last_key LIKE $2 ESCAPE '\\'
                        OR (email >= $3 AND email < $4))
                   AND ($5 IS NULL OR role = $5)
                   AND ($7 IS NULL OR ($7 = 1 AND deactivated_at IS NULL) OR ($7 = 0 AND deactivated_at IS NOT NULL))
                 ORDER BY id LIMIT $6"
            ),
            &args![
                after_id,
                pattern,
                email_prefix,
                email_upper,
                role,
                limit,
                active.map(i64::from)
            ],
        )
        .await
    }

    /// How many users exist (to know whether first-run setup is needed).
    pub async fn count_users(&self) -> Result<i64> {
        let mut r = self.reader().await?;
        let mut c = r.conn();
        c.scalar(sql!(c, "SELECT COUNT(*) FROM users"), &[]).await
    }
}

fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}
