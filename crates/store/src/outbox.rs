//! The outbox: events written in the transaction of the change that made
//! them, then fanned out to the webhooks that listen and delivered.
//!
//! Most events are written by the database itself from the history lines a
//! change writes (see the `outbox` migration); the store emits the rest
//! here. Fanning out and claiming deliveries are single conditional updates,
//! so with several instances on one PostgreSQL each event is fanned out by
//! one instance and each delivery attempt is made by one.

use sqlx::FromRow;
use tessera_domain::webhooks::EventType;

use crate::{Conn, Dialect, Result, Store, args, sql};

/// Writes an event into the current transaction.
pub(crate) async fn emit(c: &mut Conn<'_>, kind: EventType, subject: i64, at: i64) -> Result<()> {
    emit_named(c, kind.as_str(), subject, at, None).await
}

/// Writes an event of any outbox type (the webhooks' types, and the ones
/// only mail hears) into the current transaction.
pub(crate) async fn emit_named(
    c: &mut Conn<'_>,
    kind: &str,
    subject: i64,
    at: i64,
    detail: Option<String>,
) -> Result<()> {
    c.exec(
        sql!(
            c,
            "INSERT INTO outbox (type, subject, at, detail) VALUES ($1, $2, $3, $4)"
        ),
        &args![kind, subject, at, detail],
    )
    .await?;
    Ok(())
}

/// Writes one `charge.changed` per charge of a JSON array of ids, in one
/// statement (a cascade may change 20,000 charges).
pub(crate) async fn emit_charges(c: &mut Conn<'_>, ids_json: String, at: i64) -> Result<()> {
    let q = match c.dialect() {
        Dialect::Sqlite => {
            "INSERT INTO outbox (type, subject, at) SELECT 'charge.changed', value, ?2 FROM json_each(?1)"
        }
        Dialect::Postgres => {
            "INSERT INTO outbox (type, subject, at)
             SELECT 'charge.changed', value::bigint, $2 FROM jsonb_array_elements_text($1::jsonb)"
        }
    };
    c.exec(q, &args![ids_json, at]).await?;
    Ok(())
}

/// An event waiting to be fanned out.
#[derive(Debug, Clone, FromRow)]
pub struct OutboxEvent {
    /// Its id (the deliveries' `webhook-id` is made of it).
    pub id: i64,
    /// Its type's wire name.
    #[sqlx(rename = "type")]
    pub kind: String,
    /// What it is about: an order's or ticket's number, an event's, a
    /// charge's, a folio's or a door check's id; the webhook's for a test.
    pub subject: i64,
    /// When (Unix seconds).
    pub at: i64,
    /// What the change itself knew (statuses before and after), as JSON.
    pub detail: Option<String>,
}

/// An event's way out: the body every endpoint gets, and who gets it.
#[derive(Debug, Clone)]
pub struct Fan {
    /// The event.
    pub event_id: i64,
    /// Its type's wire name.
    pub kind: String,
    /// The body delivered (`None` when no endpoint listens).
    pub body: Option<String>,
    /// The endpoints that get it.
    pub webhooks: Vec<i64>,
    /// The mails it makes.
    pub mails: Vec<crate::MailIntent>,
}

/// A delivery attempt this instance has claimed.
#[derive(Debug, Clone, FromRow)]
pub struct DueDelivery {
    /// The delivery.
    pub id: i64,
    /// Its endpoint.
    pub webhook_id: i64,
    /// The endpoint's URL.
    pub url: String,
    /// The endpoint's signing secret (`whsec_…`).
    pub secret: String,
    /// The event.
    pub event_id: i64,
    /// The body to post.
    pub body: String,
    /// Attempts before this one.
    pub attempts: i64,
    /// When the delivery was made (its retries stop a day later).
    pub created_at: i64,
}

/// How an attempt went.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// The delivery.
    pub id: i64,
    /// The endpoint's HTTP status, when it answered.
    pub status: Option<i64>,
    /// Why it failed, when it did.
    pub error: Option<String>,
    /// What comes next.
    pub next: AttemptNext,
}

/// After an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptNext {
    /// Delivered at this instant.
    Delivered(i64),
    /// Try again at this instant.
    RetryAt(i64),
    /// No more tries.
    Failed,
}

impl AttemptNext {
    /// The state written (`done`: what the done state is called), the next
    /// attempt's instant and the instant it was done.
    pub(crate) fn columns(self, done: &'static str) -> (&'static str, Option<i64>, Option<i64>) {
        match self {
            AttemptNext::Delivered(at) => (done, None, Some(at)),
            AttemptNext::RetryAt(at) => ("pending", Some(at), None),
            AttemptNext::Failed => ("failed", None, None),
        }
    }
}

/// Events fanned out and older than this are removed, with their
/// deliveries, once none is pending.
const KEEP_SECONDS: i64 = 30 * 24 * 3600;

impl Store {
    /// Events not yet fanned out, oldest first.
    pub async fn waiting_events(&self, limit: i64) -> Result<Vec<OutboxEvent>> {
        let mut r = self.reader().await?;
        let mut c = r.conn();
        c.all(
            sql!(
                c,
                "SELECT id, type, subject, at, detail FROM outbox WHERE fanned_out = 0 ORDER BY id LIMIT $1"
            ),
            &args![limit],
        )
        .await
    }

    /// Fans events out: each is marked and its deliveries made in one
    /// transaction, by whichever instance gets there first (an event another
    /// one has fanned out meanwhile is left alone). Two statements for the
    /// whole round, fed as JSON. Answers how many were fanned out here.
    pub async fn fan_out(&self, fans: Vec<Fan>, now: i64) -> Result<usize> {
        let marks: Vec<serde_json::Value> = fans.iter().map(|f| serde_json::json!([f.event_id, f.body])).collect();
        let deliveries: Vec<serde_json::Value> = fans
            .iter()
            .flat_map(|f| {
                f.webhooks
                    .iter()
                    .map(move |w| serde_json::json!([f.event_id, w, f.kind]))
            })
            .collect();
        let mails: Vec<serde_json::Value> = fans
            .iter()
            .flat_map(|f| f.mails.iter().map(move |m| m.to_json(f.event_id)))
            .collect();
        let marks = serde_json::Value::Array(marks).to_string();
        let deliveries = serde_json::Value::Array(deliveries).to_string();
        let mails = (!mails.is_empty()).then(|| serde_json::Value::Array(mails).to_string());
        self.write_quiet(move |mut c| {
            Box::pin(async move {
                let won: Vec<(i64,)> = match c.dialect() {
                    Dialect::Sqlite => {
                        c.all(
                            "UPDATE outbox SET fanned_out = 1, body = j.value ->> 1
                             FROM json_each(?1) AS j
                             WHERE outbox.id = j.value ->> 0 AND outbox.fanned_out = 0
                             RETURNING outbox.id",
                            &args![marks],
                        )
                        .await?
                    }
                    Dialect::Postgres => {
                        c.all(
                            "UPDATE outbox SET fanned_out = 1, body = j.e ->> 1
                             FROM jsonb_array_elements($1::jsonb) AS j(e)
                             WHERE outbox.id = (j.e ->> 0)::bigint AND outbox.fanned_out = 0
                             RETURNING outbox.id",
                            &args![marks],
                        )
                        .await?
                    }
                };
                if won.is_empty() {
                    return Ok(0);
                }
                let won_list = serde_json::to_string(&won.iter().map(|(id,)| *id).collect::<Vec<_>>())
                    .map_err(|e| crate::StoreError::Database(sqlx::Error::Protocol(e.to_string())))?;
                // Only for the events this instance marked; only to endpoints
                // that still exist.
                match c.dialect() {
                    Dialect::Sqlite => {
                        c.exec(
                            "INSERT INTO webhook_deliveries (webhook_id, event_id, type, next_attempt_at, created_at)
                             SELECT j.value ->> 1, j.value ->> 0, j.value ->> 2, ?3, ?3 FROM json_each(?1) AS j
                             WHERE j.value ->> 0 IN (SELECT value FROM json_each(?2))
                               AND EXISTS (SELECT 1 FROM webhooks w WHERE w.id = j.value ->> 1)",
                            &args![deliveries, won_list.clone(), now],
                        )
                        .await?
                    }
                    Dialect::Postgres => {
                        c.exec(
                            "INSERT INTO webhook_deliveries (webhook_id, event_id, type, next_attempt_at, created_at)
                             SELECT (j.e ->> 1)::bigint, (j.e ->> 0)::bigint, j.e ->> 2, $3, $3
                             FROM jsonb_array_elements($1::jsonb) AS j(e)
                             WHERE (j.e ->> 0)::bigint IN (SELECT value::bigint FROM jsonb_array_elements_text($2::jsonb))
                               AND EXISTS (SELECT 1 FROM webhooks w WHERE w.id = (j.e ->> 1)::bigint)",
                            &args![deliveries, won_list.clone(), now],
                        )
                        .await?
                    }
                };
                if let Some(mails) = mails {
                    crate::mail::insert_mails(&mut c, mails, &won_list, now).await?;
                }
                Ok(won.len())
            })
        })
        .await
    }

    /// Claims due delivery attempts for `lease` seconds: of each endpoint at
    /// most `per_webhook` in flight (a slow endpoint never takes every slot,
    /// nor holds back another's turn), `limit` in all. A claim another
    /// instance holds is skipped; one whose lease ran out (its instance died
    /// mid-attempt) is taken again.
    pub async fn claim_deliveries(
        &self,
        now: i64,
        lease: i64,
        per_webhook: i64,
        limit: i64,
    ) -> Result<Vec<DueDelivery>> {
        // Most polls find nothing: ask a reader before taking the writer.
        {
            let mut r = self.reader().await?;
            let mut c = r.conn();
            let due: Option<(i64,)> = c
                .opt(
                    sql!(
                        c,
                        "SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id AND w.active = 1
                         WHERE d.state = 'pending' AND d.next_attempt_at <= $1
                           AND (d.claimed_until IS NULL OR d.claimed_until <= $1) LIMIT 1"
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
                // In flight per endpoint: the few rows with a live claim.
                let busy: Vec<(i64, i64)> = c
                    .all(
                        sql!(
                            c,
                            "SELECT webhook_id, COUNT(*) FROM webhook_deliveries
                             WHERE claimed_until IS NOT NULL AND claimed_until > $1 GROUP BY webhook_id"
                        ),
                        &args![now],
                    )
                    .await?;
                // A paused endpoint's deliveries wait.
                let hooks: Vec<(i64,)> = c
                    .all(sql!(c, "SELECT id FROM webhooks WHERE active = 1 ORDER BY id"), &[])
                    .await?;
                const PICK: &str = "SELECT id FROM webhook_deliveries
                     WHERE webhook_id = $1 AND state = 'pending' AND next_attempt_at <= $2
                       AND (claimed_until IS NULL OR claimed_until <= $2)
                     ORDER BY next_attempt_at, id LIMIT $3";
                let pick = match c.dialect() {
                    Dialect::Sqlite => crate::conn::to_sqlite(PICK),
                    Dialect::Postgres => format!("{PICK} FOR UPDATE SKIP LOCKED"),
                };
                let mut left = limit;
                let mut ids: Vec<i64> = Vec::new();
                for (hook,) in hooks {
                    if left <= 0 {
                        break;
                    }
                    let in_flight = busy.iter().find(|(h, _)| *h == hook).map_or(0, |(_, n)| *n);
                    let room = (per_webhook - in_flight).min(left);
                    if room <= 0 {
                        continue;
                    }
                    let picked: Vec<(i64,)> = c.all(&pick, &args![hook, now, room]).await?;
                    left -= picked.len() as i64;
                    ids.extend(picked.into_iter().map(|(id,)| id));
                }
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                let list = serde_json::to_string(&ids)
                    .map_err(|e| crate::StoreError::Database(sqlx::Error::Protocol(e.to_string())))?;
                let q = match c.dialect() {
                    Dialect::Sqlite => {
                        "UPDATE webhook_deliveries SET claimed_until = ?2 WHERE id IN (SELECT value FROM json_each(?1))"
                    }
                    Dialect::Postgres => {
                        "UPDATE webhook_deliveries SET claimed_until = $2
                         WHERE id IN (SELECT value::bigint FROM jsonb_array_elements_text($1::jsonb))"
                    }
                };
                c.exec(q, &args![list.clone(), now + lease]).await?;
                let read = match c.dialect() {
                    Dialect::Sqlite => {
                        "SELECT d.id, d.webhook_id, w.url, w.secret, d.event_id, COALESCE(e.body, '') AS body, d.attempts, d.created_at
                         FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id JOIN outbox e ON e.id = d.event_id
                         WHERE d.id IN (SELECT value FROM json_each(?1)) ORDER BY d.id"
                    }
                    Dialect::Postgres => {
                        "SELECT d.id, d.webhook_id, w.url, w.secret, d.event_id, COALESCE(e.body, '') AS body, d.attempts, d.created_at
                         FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id JOIN outbox e ON e.id = d.event_id
                         WHERE d.id IN (SELECT value::bigint FROM jsonb_array_elements_text($1::jsonb)) ORDER BY d.id"
                    }
                };
                c.all(read, &args![list]).await
            })
        })
        .await
    }

    /// Writes how attempts went and frees their claims, in one statement.
    pub async fn record_attempts(&self, attempts: Vec<Attempt>) -> Result<()> {
        let rows: Vec<serde_json::Value> = attempts
            .iter()
            .map(|a| {
                let (state, next_at, delivered_at) = a.next.columns("delivered");
                serde_json::json!([a.id, state, a.status, a.error, next_at, delivered_at])
            })
            .collect();
        let rows = serde_json::Value::Array(rows).to_string();
        self.write_quiet(move |mut c| {
            Box::pin(async move {
                let q = match c.dialect() {
                    Dialect::Sqlite => {
                        "UPDATE webhook_deliveries SET state = j.value ->> 1, attempts = attempts + 1,
                             last_status = j.value ->> 2, last_error = j.value ->> 3,
                             next_attempt_at = COALESCE(j.value ->> 4, next_attempt_at),
                             delivered_at = j.value ->> 5, claimed_until = NULL
                         FROM json_each(?1) AS j
                         WHERE webhook_deliveries.id = j.value ->> 0 AND webhook_deliveries.state = 'pending'"
                    }
                    Dialect::Postgres => {
                        "UPDATE webhook_deliveries SET state = j.e ->> 1, attempts = attempts + 1,
                             last_status = (j.e ->> 2)::bigint, last_error = j.e ->> 3,
                             next_attempt_at = COALESCE((j.e ->> 4)::bigint, next_attempt_at),
                             delivered_at = (j.e ->> 5)::bigint, claimed_until = NULL
                         FROM jsonb_array_elements($1::jsonb) AS j(e)
                         WHERE webhook_deliveries.id = (j.e ->> 0)::bigint AND webhook_deliveries.state = 'pending'"
                    }
                };
                c.exec(q, &args![rows]).await?;
                Ok(())
            })
        })
        .await
    }

    /// Marks every event written so far as fanned out, to nobody: the
    /// demo's made-up history is not news to mail or post anywhere.
    pub async fn settle_outbox(&self) -> Result<u64> {
        self.write(move |mut c| {
            Box::pin(async move {
                c.exec(sql!(c, "UPDATE outbox SET fanned_out = 1 WHERE fanned_out = 0"), &[])
                    .await
            })
        })
        .await
    }

    /// Fails mail that waited a day, and removes events (and their
    /// deliveries and mails) older than a month once none of their
    /// deliveries or mails is pending. Answers how many events went.
    pub async fn purge_outbox(&self, now: i64) -> Result<u64> {
        let before = now - KEEP_SECONDS;
        self.write_quiet(move |mut c| {
            Box::pin(async move {
                c.exec(
                    sql!(
                        c,
                        "DELETE FROM webhook_deliveries WHERE state <> 'pending'
                           AND event_id IN (SELECT id FROM outbox WHERE at < $1 AND fanned_out = 1)"
                    ),
                    &args![before],
                )
                .await?;
                crate::mail::expire_mails(&mut c, now - tessera_domain::webhooks::RETRY_FOR_SECONDS, now).await?;
                c.exec(
                    sql!(
                        c,
                        "DELETE FROM mails WHERE state <> 'pending'
                           AND event_id IN (SELECT id FROM outbox WHERE at < $1 AND fanned_out = 1)"
                    ),
                    &args![before],
                )
                .await?;
                c.exec(
                    sql!(
                        c,
                        "DELETE FROM outbox WHERE at < $1 AND fanned_out = 1
                           AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = outbox.id)
                           AND NOT EXISTS (SELECT 1 FROM mails m WHERE m.event_id = outbox.id)"
                    ),
                    &args![before],
                )
                .await
            })
        })
        .await
    }
}
