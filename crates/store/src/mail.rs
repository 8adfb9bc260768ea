//! Mail waiting to go out, and what became of it. A mail is made when its
//! event is fanned out (see `outbox.rs`) and addressed then; it is written
//! out when it is sent, claimed by one instance at a time like webhook
//! deliveries, and retried on the same schedule.

use sqlx::FromRow;
use tessera_domain::mail::{Addressee, MAIL_TEST_EVENT, MailKind, PASSWORD_RESET_EVENT};
use tessera_domain::refusal::Thing;

use crate::{Conn, Dialect, Result, Store, StoreError, args, sql};

/// A mail an event makes: what, and to whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MailIntent {
    /// What it is.
    pub kind: MailKind,
    /// Who it goes to.
    pub to: Addressee,
}

impl MailIntent {
    /// `[event, kind, user or null]`: a null user is the customer of the
    /// order the event is about.
    pub(crate) fn to_json(self, event_id: i64) -> serde_json::Value {
        let user = match self.to {
            Addressee::Customer => None,
            Addressee::User(id) => Some(id),
        };
        serde_json::json!([event_id, self.kind.as_str(), user])
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
    /// Subject line, once it has been written out.
    pub subject: Option<String>,
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

/// A mail this instance has claimed, to write out and send.
#[derive(Debug, Clone, FromRow)]
pub struct DueMail {
    /// Id.
    pub id: i64,
    /// Its kind's name.
    pub kind: String,
    /// The recipient.
    pub user_id: i64,
    /// Their address.
    pub to_address: String,
    /// The language to write it in.
    pub locale: String,
    /// Attempts before this one.
    pub attempts: i64,
    /// Made at (its retries stop a day later).
    pub created_at: i64,
    /// The event that made it.
    pub event_id: i64,
    /// The event's type.
    pub event_type: String,
    /// What the event is about (an order's or a ticket's number, a user).
    pub event_subject: i64,
    /// What the change knew (statuses, who sent a ticket to whom, a reset
    /// link until it is mailed).
    pub event_detail: Option<String>,
}

/// How sending one mail went.
#[derive(Debug, Clone)]
pub struct MailOutcome {
    /// The mail.
    pub id: i64,
    /// Its subject line, as written out.
    pub subject: Option<String>,
    /// Why it failed, when it did.
    pub error: Option<String>,
    /// What comes next.
    pub next: crate::AttemptNext,
}

const MAIL_COLUMNS: &str = "id, event_id, kind, user_id, to_address, locale, subject, state, attempts, last_error, next_attempt_at, sent_at, created_at";

/// Inserts the mails (JSON rows of [`MailIntent::to_json`]) of the events
/// of `won` (a JSON array of outbox ids), inside the fan-out's transaction,
/// addressed to the recipient's address and language of now. A recipient
/// who is deactivated is mailed nothing.
pub(crate) async fn insert_mails(c: &mut Conn<'_>, mails: String, won: &str, now: i64) -> Result<()> {
    match c.dialect() {
        Dialect::Sqlite => {
            c.exec(
                "INSERT INTO mails (event_id, kind, user_id, to_address, locale, next_attempt_at, created_at)
                 SELECT m.event, m.kind, u.id, u.email, u.locale, ?3, ?3
                 FROM (SELECT j.value ->> 0 AS event, j.value ->> 1 AS kind,
                              COALESCE(j.value ->> 2,
                                       (SELECT o.customer_id FROM outbox e JOIN orders o ON o.number = e.subject
                                        WHERE e.id = j.value ->> 0)) AS user_id
                       FROM json_each(?1) AS j
                       WHERE j.value ->> 0 IN (SELECT value FROM json_each(?2))) AS m
                 JOIN users u ON u.id = m.user_id AND u.deactivated_at IS NULL",
                &args![mails, won, now],
            )
            .await?;
        }
        Dialect::Postgres => {
            c.exec(
                "INSERT INTO mails (event_id, kind, user_id, to_address, locale, next_attempt_at, created_at)
                 SELECT m.event, m.kind, u.id, u.email, u.locale, $3, $3
                 FROM (SELECT (j.e ->> 0)::bigint AS event, j.e ->> 1 AS kind,
                              COALESCE((j.e ->> 2)::bigint,
                                       (SELECT o.customer_id FROM outbox e JOIN orders o ON o.number = e.subject
                                        WHERE e.id = (j.e ->> 0)::bigint)) AS user_id
                       FROM jsonb_array_elements($1::jsonb) AS j(e)
                       WHERE (j.e ->> 0)::bigint IN (SELECT value::bigint FROM jsonb_array_elements_text($2::jsonb))) AS m
                 JOIN users u ON u.id = m.user_id AND u.deactivated_at IS NULL",
                &args![mails, won, now],
            )
            .await?;
        }
    }
    Ok(())
}

/// Forgets the reset links of the events of mails that will not be sent
/// again (sent, or given up on): the link's only plain copy. `only`: the
/// mails just recorded (a JSON array of `[id, …]` rows), so that recording
/// looks at its own few; without it, every such mail (the hourly expiry).
async fn forget_reset_links(c: &mut Conn<'_>, only: Option<String>) -> Result<()> {
    let q = match c.dialect() {
        Dialect::Sqlite => {
            "UPDATE outbox SET detail = NULL
             WHERE type = ?1 AND detail IS NOT NULL
               AND id IN (SELECT event_id FROM mails WHERE kind = ?2 AND state <> 'pending'
                            AND (?3 IS NULL OR id IN (SELECT j.value ->> 0 FROM json_each(?3) AS j)))"
        }
        Dialect::Postgres => {
            "UPDATE outbox SET detail = NULL
             WHERE type = $1 AND detail IS NOT NULL
               AND id IN (SELECT event_id FROM mails WHERE kind = $2 AND state <> 'pending'
                            AND ($3::text IS NULL OR id IN (SELECT (j.e ->> 0)::bigint FROM jsonb_array_elements($3::jsonb) AS j(e))))"
        }
    };
    c.exec(q, &args![PASSWORD_RESET_EVENT, MailKind::PasswordReset.as_str(), only])
        .await?;
    Ok(())
}

/// Fails mail still pending a day after it was made (no SMTP, or one that
/// never answered), as a webhook's last retry does.
pub(crate) async fn expire_mails(c: &mut Conn<'_>, before: i64, now: i64) -> Result<()> {
    let n = c
        .exec(
            sql!(
                c,
                "UPDATE mails SET state = 'failed', last_error = $3
                 WHERE state = 'pending' AND created_at < $1 AND (claimed_until IS NULL OR claimed_until <= $2)"
            ),
            &args![before, now, tessera_domain::webhooks::failure::EXPIRED],
        )
        .await?;
    if n > 0 {
        forget_reset_links(c, None).await?;
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
                const READ: &str = "SELECT m.id, m.kind, m.user_id, m.to_address, m.locale, m.attempts, m.created_at,
                            m.event_id, e.type AS event_type, e.subject AS event_subject, e.detail AS event_detail
                     FROM mails m JOIN outbox e ON e.id = m.event_id";
                let (claim, read) = match c.dialect() {
                    Dialect::Sqlite => (
                        "UPDATE mails SET claimed_until = ?2 WHERE id IN (SELECT value FROM json_each(?1))".to_owned(),
                        format!("{READ} WHERE m.id IN (SELECT value FROM json_each(?1)) ORDER BY m.id"),
                    ),
                    Dialect::Postgres => (
                        "UPDATE mails SET claimed_until = $2
                         WHERE id IN (SELECT value::bigint FROM jsonb_array_elements_text($1::jsonb))"
                            .to_owned(),
                        format!(
                            "{READ} WHERE m.id IN (SELECT value::bigint FROM jsonb_array_elements_text($1::jsonb)) ORDER BY m.id"
                        ),
                    ),
                };
                c.exec(&claim, &args![list.clone(), now + lease]).await?;
                c.all(&read, &args![list]).await
            })
        })
        .await
    }

    /// Writes how sending went and frees the claims, in one statement; a
    /// reset link that went out (or will not) is forgotten.
    pub async fn record_mail_attempts(&self, outcomes: Vec<MailOutcome>) -> Result<()> {
        let rows: Vec<serde_json::Value> = outcomes
            .iter()
            .map(|a| {
                let (state, next_at, sent_at) = a.next.columns("sent");
                serde_json::json!([a.id, state, a.error, next_at, sent_at, a.subject])
            })
            .collect();
        let rows = serde_json::Value::Array(rows).to_string();
        self.write_quiet(move |mut c| {
            Box::pin(async move {
                let record = match c.dialect() {
                    Dialect::Sqlite => {
                        "UPDATE mails SET state = j.value ->> 1, attempts = attempts + 1, last_error = j.value ->> 2,
                             next_attempt_at = COALESCE(j.value ->> 3, next_attempt_at),
                             sent_at = j.value ->> 4, subject = COALESCE(j.value ->> 5, subject), claimed_until = NULL
                         FROM json_each(?1) AS j
                         WHERE mails.id = j.value ->> 0 AND mails.state = 'pending'"
                    }
                    Dialect::Postgres => {
                        "UPDATE mails SET state = j.e ->> 1, attempts = attempts + 1, last_error = j.e ->> 2,
                             next_attempt_at = COALESCE((j.e ->> 3)::bigint, next_attempt_at),
                             sent_at = (j.e ->> 4)::bigint, subject = COALESCE(j.e ->> 5, subject), claimed_until = NULL
                         FROM jsonb_array_elements($1::jsonb) AS j(e)
                         WHERE mails.id = (j.e ->> 0)::bigint AND mails.state = 'pending'"
                    }
                };
                c.exec(record, &args![rows.clone()]).await?;
                forget_reset_links(&mut c, Some(rows)).await
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
            "SELECT {MAIL_COLUMNS} FROM mails WHERE ($1::text IS NULL OR state = $1) AND ($2::bigint IS NULL OR id < $2)
             ORDER BY id DESC LIMIT $3"
        );
        let q = match c.dialect() {
            Dialect::Sqlite => crate::conn::to_sqlite(&q.replace("::text", "").replace("::bigint", "")),
            Dialect::Postgres => q,
        };
        c.all(&q, &args![state, before, limit]).await
    }

    /// Makes a mail pending again, due now, with a fresh day of retries. A
    /// reset mail whose link is forgotten cannot be sent again.
    pub async fn retry_mail(&self, id: i64, now: i64) -> Result<MailRow> {
        self.write(move |mut c| {
            Box::pin(async move {
                let forgotten: Option<(i64,)> = c
                    .opt(
                        sql!(
                            c,
                            "SELECT m.id FROM mails m JOIN outbox e ON e.id = m.event_id
                             WHERE m.id = $1 AND e.type = $2 AND e.detail IS NULL"
                        ),
                        &args![id, PASSWORD_RESET_EVENT],
                    )
                    .await?;
                if forgotten.is_some() {
                    return Err(StoreError::Conflict(crate::Conflict::MailForgotten));
                }
                let q = format!(
                    "UPDATE mails SET state = 'pending', next_attempt_at = $2, created_at = $2, claimed_until = NULL
                     WHERE id = $1 RETURNING {MAIL_COLUMNS}"
                );
                let q = match c.dialect() {
                    Dialect::Sqlite => crate::conn::to_sqlite(&q),
                    Dialect::Postgres => q,
                };
                c.opt(&q, &args![id, now])
                    .await?
                    .ok_or(StoreError::NotFound(Thing::Mail))
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
