//! Mail waiting to go out, and what became of it. Mails are made when
//! their event is fanned out (see `outbox.rs`), claimed by one instance at a
//! time like webhook deliveries, and retried on the same schedule.

use sqlx::FromRow;
use tessera_domain::mail::{MAIL_TEST_EVENT, MailKind};
use tessera_domain::refusal::Thing;

use crate::{Attempt, AttemptNext, Conn, Dialect, Result, Store, StoreError, args, sql};

/// A mail to make, rendered in its recipient's language.
#[derive(Debug, Clone)]
pub struct NewMail {
    /// What it is.
    pub kind: MailKind,
    /// Its recipient.
    pub user_id: i64,
    /// Their address.
    pub to_address: String,
    /// The language it is written in (`ru`, `bg`, `en`).
    pub locale: String,
    /// Subject line.
    pub subject: String,
    /// The plain-text part.
    pub text_body: String,
    /// The HTML part.
    pub html_body: String,
}

impl NewMail {
    pub(crate) fn to_json(&self, event_id: i64) -> serde_json::Value {
        serde_json::json!([
            event_id,
            self.kind.as_str(),
            self.user_id,
            self.to_address,
            self.locale,
            self.subject,
            self.text_body,
            self.html_body
        ])
    }
}

/// A mail as the admin sees it.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct MailRow {
    /// Id.
    pub id: i64,
    /// The event that made it.
    pub event_id: i64,
    /// Its kind's name.
    pub kind: String,
    /// The recipient.
    pub user_id: i64,
    /// Their address.
    pub to_address: String,
    /// Its language.
    pub locale: String,
    /// Subject line.
    pub subject: String,
    /// `pending`, `sent` or `failed`.
    pub state: String,
    /// Attempts made.
    pub attempts: i64,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When the next attempt is due (pending ones).
    pub next_attempt_at: i64,
    /// When the SMTP server took it.
    pub sent_at: Option<i64>,
    /// Made at (or retried by hand at: its day of retries counts from then).
    pub created_at: i64,
}

/// A mail this instance has claimed, to send.
#[derive(Debug, Clone, FromRow)]
pub struct DueMail {
    /// Id.
    pub id: i64,
    /// The event that made it.
    pub event_id: i64,
    /// Its recipient's address.
    pub to_address: String,
    /// The language it is written in.
    pub locale: String,
    /// Subject line.
    pub subject: String,
    /// The plain-text part.
    pub text_body: String,
    /// The HTML part.
    pub html_body: String,
    /// Attempts before this one.
    pub attempts: i64,
    /// Made at (its retries stop a day later).
    pub created_at: i64,
}

const MAIL_COLUMNS: &str = "id, event_id, kind, user_id, to_address, locale, subject, state, attempts, last_error, next_attempt_at, sent_at, created_at";

/// Inserts the mails (as JSON rows) of the events of `won` (a JSON array of
/// outbox ids), inside the fan-out's transaction. A recipient who is gone
/// or deactivated is mailed nothing.
pub(crate) async fn insert_mails(c: &mut Conn<'_>, mails: String, won: &str, now: i64) -> Result<()> {
    match c.dialect() {
        Dialect::Sqlite => {
            c.exec(
                "INSERT INTO mails (event_id, kind, user_id, to_address, locale, subject, text_body, html_body, next_attempt_at, created_at)
                 SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5,
                        j.value ->> 6, j.value ->> 7, ?3, ?3
                 FROM json_each(?1) AS j
                 WHERE j.value ->> 0 IN (SELECT value FROM json_each(?2))
                   AND EXISTS (SELECT 1 FROM users u WHERE u.id = j.value ->> 2 AND u.deactivated_at IS NULL)",
                &args![mails, won, now],
            )
            .await?;
        }
        Dialect::Postgres => {
            c.exec(
                "INSERT INTO mails (event_id, kind, user_id, to_address, locale, subject, text_body, html_body, next_attempt_at, created_at)
                 SELECT (j.e ->> 0)::bigint, j.e ->> 1, (j.e ->> 2)::bigint, j.e ->> 3, j.e ->> 4, j.e ->> 5,
                        j.e ->> 6, j.e ->> 7, $3, $3
                 FROM jsonb_array_elements($1::jsonb) AS j(e)
                 WHERE (j.e ->> 0)::bigint IN (SELECT value::bigint FROM jsonb_array_elements_text($2::jsonb))
                   AND EXISTS (SELECT 1 FROM users u WHERE u.id = (j.e ->> 2)::bigint AND u.deactivated_at IS NULL)",
                &args![mails, won, now],
            )
            .await?;
        }
    }
    Ok(())
}

fn json_ids(ids: &[i64]) -> Result<String> {
    serde_json::to_string(ids).map_err(|e| StoreError::Database(sqlx::Error::Protocol(e.to_string())))
}

impl Store {
    /// Claims up to `limit` due mails for `lease` seconds. A claim another
    /// instance holds is skipped; one whose lease ran out is taken again.
    pub async fn claim_mails(&self, now: i64, lease: i64, limit: i64) -> Result<Vec<DueMail>> {
        // Most polls find nothing: ask a reader before taking the writer.
        {
            let mut r = self.reader().await?;
            let mut c = r.conn();
            let due: Option<(i64,)> = c
                .opt(
                    sql!(
                        c,
                        "SELECT id FROM mails WHERE state = 'pending' AND next_attempt_at <= $1
                           AND (claimed_until IS NULL OR claimed_until <= $1) LIMIT 1"
                    ),
                    &args![now],
                )
                .await?;
            if due.is_none() {
                return Ok(Vec::new());
            }
        }
        self.write_quiet(move |mut c| {
            Box::pin(async move {
                const PICK: &str = "SELECT id FROM mails
                     WHERE state = 'pending' AND next_attempt_at <= $1
                       AND (claimed_until IS NULL OR claimed_until <= $1)
                     ORDER BY next_attempt_at, id LIMIT $2";
                let pick = match c.dialect() {
                    Dialect::Sqlite => crate::conn::to_sqlite(PICK),
                    Dialect::Postgres => format!("{PICK} FOR UPDATE SKIP LOCKED"),
                };
                let ids: Vec<(i64,)> = c.all(&pick, &args![now, limit]).await?;
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                let list = json_ids(&ids.iter().map(|(id,)| *id).collect::<Vec<_>>())?;
                let (claim, read) = match c.dialect() {
                    Dialect::Sqlite => (
                        "UPDATE mails SET claimed_until = ?2 WHERE id IN (SELECT value FROM json_each(?1))",
                        "SELECT id, event_id, to_address, locale, subject, text_body, html_body, attempts, created_at
                         FROM mails WHERE id IN (SELECT value FROM json_each(?1)) ORDER BY id",
                    ),
                    Dialect::Postgres => (
                        "UPDATE mails SET claimed_until = $2
                         WHERE id IN (SELECT value::bigint FROM jsonb_array_elements_text($1::jsonb))",
                        "SELECT id, event_id, to_address, locale, subject, text_body, html_body, attempts, created_at
                         FROM mails WHERE id IN (SELECT value::bigint FROM jsonb_array_elements_text($1::jsonb)) ORDER BY id",
                    ),
                };
                c.exec(claim, &args![list.clone(), now + lease]).await?;
                c.all(read, &args![list]).await
            })
        })
        .await
    }

    /// Writes how sending went and frees the claims, in one statement. A
    /// mail with a secret in it (a reset link) keeps no text once it has
    /// gone out or failed for good.
    pub async fn record_mail_attempts(&self, attempts: Vec<Attempt>) -> Result<()> {
        let rows: Vec<serde_json::Value> = attempts
            .iter()
            .map(|a| {
                let (state, next_at, sent_at) = match a.next {
                    AttemptNext::Delivered(at) => ("sent", None, Some(at)),
                    AttemptNext::RetryAt(at) => ("pending", Some(at), None),
                    AttemptNext::Failed => ("failed", None, None),
                };
                serde_json::json!([a.id, state, a.error, next_at, sent_at])
            })
            .collect();
        let rows = serde_json::Value::Array(rows).to_string();
        let secret: Vec<&str> = MailKind::ALL
            .into_iter()
            .filter(|k| k.is_secret())
            .map(MailKind::as_str)
            .collect();
        let secret = serde_json::to_string(&secret).unwrap_or_else(|_| "[]".into());
        self.write_quiet(move |mut c| {
            Box::pin(async move {
                let (record, forget) = match c.dialect() {
                    Dialect::Sqlite => (
                        "UPDATE mails SET state = j.value ->> 1, attempts = attempts + 1, last_error = j.value ->> 2,
                             next_attempt_at = COALESCE(j.value ->> 3, next_attempt_at),
                             sent_at = j.value ->> 4, claimed_until = NULL
                         FROM json_each(?1) AS j
                         WHERE mails.id = j.value ->> 0 AND mails.state = 'pending'",
                        "UPDATE mails SET text_body = '', html_body = ''
                         WHERE id IN (SELECT j.value ->> 0 FROM json_each(?1) AS j)
                           AND state <> 'pending' AND kind IN (SELECT value FROM json_each(?2))",
                    ),
                    Dialect::Postgres => (
                        "UPDATE mails SET state = j.e ->> 1, attempts = attempts + 1, last_error = j.e ->> 2,
                             next_attempt_at = COALESCE((j.e ->> 3)::bigint, next_attempt_at),
                             sent_at = (j.e ->> 4)::bigint, claimed_until = NULL
                         FROM jsonb_array_elements($1::jsonb) AS j(e)
                         WHERE mails.id = (j.e ->> 0)::bigint AND mails.state = 'pending'",
                        "UPDATE mails SET text_body = '', html_body = ''
                         WHERE id IN (SELECT (j.e ->> 0)::bigint FROM jsonb_array_elements($1::jsonb) AS j(e))
                           AND state <> 'pending' AND kind IN (SELECT value FROM jsonb_array_elements_text($2::jsonb))",
                    ),
                };
                c.exec(record, &args![rows.clone()]).await?;
                c.exec(forget, &args![rows, secret]).await?;
                Ok(())
            })
        })
        .await
    }

    /// How many mails are in each state.
    pub async fn mail_counts(&self) -> Result<Vec<(String, i64)>> {
        let mut r = self.reader().await?;
        let mut c = r.conn();
        c.all(
            sql!(c, "SELECT state, COUNT(*) FROM mails GROUP BY state ORDER BY state"),
            &[],
        )
        .await
    }

    /// Mails, newest first, of one state when given, older than `before`
    /// (a mail id) when given.
    pub async fn mails(&self, state: Option<String>, before: Option<i64>, limit: i64) -> Result<Vec<MailRow>> {
        let mut r = self.reader().await?;
        let mut c = r.conn();
        let q = format!(
            "SELECT {MAIL_COLUMNS} FROM mails WHERE ($1 IS NULL OR state = $1) AND ($2 IS NULL OR id < $2)
             ORDER BY id DESC LIMIT $3"
        );
        let q = match c.dialect() {
            Dialect::Sqlite => crate::conn::to_sqlite(&q),
            Dialect::Postgres => q
                .replace("$1 IS NULL", "$1::text IS NULL")
                .replace("$2 IS NULL", "$2::bigint IS NULL"),
        };
        c.all(&q, &args![state, before, limit]).await
    }

    /// Makes a mail pending again, due now, with a fresh day of retries.
    pub async fn retry_mail(&self, id: i64, now: i64) -> Result<MailRow> {
        self.write(move |mut c| {
            Box::pin(async move {
                let q = format!(
                    "UPDATE mails SET state = 'pending', next_attempt_at = $2, created_at = $2, claimed_until = NULL
                     WHERE id = $1 AND (state <> 'pending' OR next_attempt_at > $2)
                       AND NOT (state = 'sent' AND text_body = '')
                     RETURNING {MAIL_COLUMNS}"
                );
                let q = match c.dialect() {
                    Dialect::Sqlite => crate::conn::to_sqlite(&q),
                    Dialect::Postgres => q,
                };
                if let Some(row) = c.opt(&q, &args![id, now]).await? {
                    return Ok(row);
                }
                // Due already, or a reset link that went out and was
                // forgotten: nothing to retry; an unknown id is a 404.
                let q = format!("SELECT {MAIL_COLUMNS} FROM mails WHERE id = $1");
                let q = match c.dialect() {
                    Dialect::Sqlite => crate::conn::to_sqlite(&q),
                    Dialect::Postgres => q,
                };
                let row: Option<MailRow> = c.opt(&q, &args![id]).await?;
                match row {
                    Some(r) if r.state == "pending" => Ok(r),
                    Some(_) => Err(StoreError::Conflict(crate::Conflict::MailForgotten)),
                    None => Err(StoreError::NotFound(Thing::Mail)),
                }
            })
        })
        .await
    }

    /// Emits a test mail to a user (an admin trying the settings).
    pub async fn emit_mail_test(&self, user: i64, now: i64) -> Result<()> {
        self.write(move |mut c| {
            Box::pin(async move { crate::outbox::emit_named(&mut c, MAIL_TEST_EVENT, user, now, None).await })
        })
        .await
    }
}
