//! Sign-in sessions: only a hash of each bearer token is stored, so a copy
//! of the database does not let anyone sign in.

use crate::{Result, Store, User, args, sql};

impl Store {
    /// Records a new session.
    pub async fn create_session(&self, token_hash: String, user_id: i64, now: i64, expires_at: i64) -> Result<()> {
        self.write(move |mut c| {
            Box::pin(async move {
                c.exec(
                    sql!(
                        c,
                        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)"
                    ),
                    &args![token_hash, user_id, now, expires_at],
                )
                .await?;
                Ok(())
            })
        })
        .await
    }

    /// The user of a live session.
    pub async fn session_user(&self, token_hash: &str, now: i64) -> Result<Option<User>> {
        let mut r = self.reader().await?;
        let mut c = r.conn();
        c.opt(
            sql!(
                c,
                "SELECT u.id, u.email, u.first_name, u.last_name, u.phone, u.role, u.locale, u.deactivated_at
                 FROM sessions s JOIN users u ON u.id = s.user_id
                 WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND u.deactivated_at IS NULL"
            ),
            &args![token_hash, now],
        )
        .await
    }

    /// Ends a session; `true` if it was live.
    pub async fn revoke_session(&self, token_hash: String, now: i64) -> Result<bool> {
        self.write(move |mut c| {
            Box::pin(async move {
                let n = c
                    .exec(
                        sql!(
                            c,
                            "UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL"
                        ),
                        &args![token_hash, now],
                    )
                    .await?;
                Ok(n > 0)
            })
        })
        .await
    }
}
