//! Idempotency keys: the first answer to a creating request, kept so that a
//! client's retry with the same key gets it again instead of creating twice.

use crate::{Result, Store, args, sql};

/// What the store knows of a key.
#[derive(Debug, Clone, PartialEq)]
pub enum KeyState {
    /// This caller now holds the key; run the request.
    Claimed,
    /// A request with this key is running (or died without an answer).
    InProgress {
        /// Hash of the first request.
        request_hash: String,
        /// When it was claimed (UNIX seconds).
        claimed_at: i64,
        /// The order it created, if that is committed (the answer is not
        /// kept yet: in flight, or the process died before keeping it).
        order_number: Option<i64>,
    },
    /// The first request was answered.
    Answered {
        /// Hash of the first request.
        request_hash: String,
        /// Its status.
        status: u16,
        /// Its body.
        body: String,
    },
}

#[derive(sqlx::FromRow)]
struct Row {
    request_hash: String,
    status: Option<i64>,
    body: Option<String>,
    created_at: i64,
    order_number: Option<i64>,
}

impl Store {
    /// Claims `key` for `user`, or says who has it.
    pub async fn claim_idempotency_key(
        &self,
        user: i64,
        key: String,
        request_hash: String,
        now: i64,
    ) -> Result<KeyState> {
        self.write(move |mut c| {
            Box::pin(async move {
                let claimed = c
                    .exec(
                        sql!(c, "INSERT INTO idempotency_keys (user_id, key, request_hash, created_at) VALUES ($1, $2, $3, $4)
                                 ON CONFLICT (user_id, key) DO NOTHING"),
                        &args![user, key.as_str(), request_hash.as_str(), now],
                    )
                    .await?;
                if claimed == 1 {
                    return Ok(KeyState::Claimed);
                }
                let row: Row = c
                    .one(
                        sql!(c, "SELECT request_hash, status, CAST(body AS TEXT) AS body, created_at, order_number FROM idempotency_keys WHERE user_id = $1 AND key = $2"),
                        &args![user, key.as_str()],
                    )
                    .await?;
                Ok(match (row.status, row.body) {
                    (Some(status), Some(body)) => KeyState::Answered {
                        request_hash: row.request_hash,
                        status: u16::try_from(status).unwrap_or(500),
                        body,
                    },
                    _ => KeyState::InProgress {
                        request_hash: row.request_hash,
                        claimed_at: row.created_at,
                        order_number: row.order_number,
                    },
                })
            })
        })
        .await
    }

    /// Takes over a key whose first request died without an answer.
    pub async fn reclaim_idempotency_key(&self, user: i64, key: String, claimed_at: i64, now: i64) -> Result<bool> {
        self.write(move |mut c| {
            Box::pin(async move {
                let n = c
                    .exec(
                        sql!(c, "UPDATE idempotency_keys SET created_at = $4 WHERE user_id = $1 AND key = $2 AND created_at = $3 AND status IS NULL AND order_number IS NULL"),
                        &args![user, key, claimed_at, now],
                    )
                    .await?;
                Ok(n == 1)
            })
        })
        .await
    }

    /// Keeps the answer of a claimed key.
    pub async fn answer_idempotency_key(&self, user: i64, key: String, status: u16, body: String) -> Result<()> {
        self.write(move |mut c| {
            Box::pin(async move {
                c.exec(
                    sql!(
                        c,
                        "UPDATE idempotency_keys SET status = $3, body = $4 WHERE user_id = $1 AND key = $2"
                    ),
                    &args![user, key, i64::from(status), body],
                )
                .await?;
                Ok(())
            })
        })
        .await
    }

    /// Frees a claimed key (the request failed on our side; a retry may run).
    pub async fn release_idempotency_key(&self, user: i64, key: String) -> Result<()> {
        self.write(move |mut c| {
            Box::pin(async move {
                c.exec(
                    sql!(
                        c,
                        "DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND status IS NULL AND order_number IS NULL"
                    ),
                    &args![user, key],
                )
                .await?;
                Ok(())
            })
        })
        .await
    }
}
