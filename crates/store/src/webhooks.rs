//! Webhook endpoints and their deliveries, as the admin manages them.

use sqlx::FromRow;
use tessera_domain::refusal::Thing;
use tessera_domain::webhooks::TEST_EVENT;

use crate::{Result, Store, StoreError, args, sql};

/// An endpoint.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct WebhookRow {
    /// Id.
    pub id: i64,
    /// Where deliveries are posted.
    pub url: String,
    /// The types it hears, as a JSON array of names (`["*"]` for all).
    pub events: String,
    /// The admin's note.
    pub description: String,
    /// `1` while deliveries go out; `0` while paused.
    pub active: i64,
    /// The signing secret.
    pub secret: String,
    /// Created at (Unix seconds).
    pub created_at: i64,
}

/// A new endpoint.
#[derive(Debug, Clone)]
pub struct NewWebhook {
    /// URL (checked by the domain).
    pub url: String,
    /// Types as a JSON array of names.
    pub events: String,
    /// Note.
    pub description: String,
    /// The secret, made by the caller.
    pub secret: String,
}

/// A change to an endpoint; `None` keeps the field.
#[derive(Debug, Clone, Default)]
pub struct WebhookPatch {
    /// URL.
    pub url: Option<String>,
    /// Types, as a JSON array.
    pub events: Option<String>,
    /// Paused or not.
    pub active: Option<bool>,
    /// Note.
    pub description: Option<String>,
}

/// One delivery of one event to one endpoint.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct DeliveryRow {
    /// Id.
    pub id: i64,
    /// The endpoint.
    pub webhook_id: i64,
    /// The event.
    pub event_id: i64,
    /// The event's type.
    #[sqlx(rename = "type")]
    pub kind: String,
    /// `pending`, `delivered` or `failed`.
    pub state: String,
    /// Attempts made.
    pub attempts: i64,
    /// The endpoint's last HTTP status.
    pub last_status: Option<i64>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When the next attempt is due (pending ones).
    pub next_attempt_at: i64,
    /// When it was delivered.
    pub delivered_at: Option<i64>,
    /// Since when its day of retries counts (made, or retried by hand).
    pub created_at: i64,
}

impl Store {
    /// Every endpoint, oldest first.
    pub async fn webhooks(&self) -> Result<Vec<WebhookRow>> {
        let mut r = self.reader().await?;
        let mut c = r.conn();
        c.all(
            sql!(
                c,
                "SELECT id, url, events, description, active, secret, created_at FROM webhooks ORDER BY id"
            ),
            &[],
        )
        .await
    }

    /// One endpoint.
    pub async fn webhook(&self, id: i64) -> Result<Option<WebhookRow>> {
        let mut r = self.reader().await?;
        let mut c = r.conn();
        c.opt(
            sql!(
                c,
                "SELECT id, url, events, description, active, secret, created_at FROM webhooks WHERE id = $1"
            ),
            &args![id],
        )
        .await
    }

    /// Adds an endpoint.
    pub async fn add_webhook(&self, w: NewWebhook, now: i64) -> Result<WebhookRow> {
        self.write(move |mut c| {
            Box::pin(async move {
                c.one(
                    sql!(
                        c,
                        "INSERT INTO webhooks (url, events, description, active, secret, created_at)
                         VALUES ($1, $2, $3, 1, $4, $5)
                         RETURNING id, url, events, description, active, secret, created_at"
                    ),
                    &args![w.url, w.events, w.description, w.secret, now],
                )
                .await
            })
        })
        .await
    }

    /// Changes an endpoint.
    pub async fn change_webhook(&self, id: i64, p: WebhookPatch) -> Result<WebhookRow> {
        self.write(move |mut c| {
            Box::pin(async move {
                c.opt(
                    sql!(
                        c,
                        "UPDATE webhooks SET url = COALESCE($2, url), events = COALESCE($3, events),
                             active = COALESCE($4, active), description = COALESCE($5, description)
                         WHERE id = $1
                         RETURNING id, url, events, description, active, secret, created_at"
                    ),
                    &args![id, p.url, p.events, p.active.map(i64::from), p.description],
                )
                .await?
                .ok_or(StoreError::NotFound(Thing::Webhook))
            })
        })
        .await
    }

    /// Removes an endpoint and its deliveries.
    pub async fn delete_webhook(&self, id: i64) -> Result<()> {
        self.write(move |mut c| {
            Box::pin(async move {
                c.exec(
                    sql!(c, "DELETE FROM webhook_deliveries WHERE webhook_id = $1"),
                    &args![id],
                )
                .await?;
                let n = c
                    .exec(sql!(c, "DELETE FROM webhooks WHERE id = $1"), &args![id])
                    .await?;
                if n == 0 {
                    return Err(StoreError::NotFound(Thing::Webhook));
                }
                Ok(())
            })
        })
        .await
    }

    /// Emits a test event for one endpoint alone.
    pub async fn test_webhook(&self, id: i64, now: i64) -> Result<()> {
        self.write(move |mut c| {
            Box::pin(async move {
                let n = c
                    .exec(
                        sql!(
                            c,
                            "INSERT INTO outbox (type, subject, at) SELECT $1, id, $3 FROM webhooks WHERE id = $2"
                        ),
                        &args![TEST_EVENT, id, now],
                    )
                    .await?;
                if n == 0 {
                    return Err(StoreError::NotFound(Thing::Webhook));
                }
                Ok(())
            })
        })
        .await
    }

    /// An endpoint's deliveries, newest first, older than `before` (a
    /// delivery id) when given.
    pub async fn deliveries(&self, webhook: i64, before: Option<i64>, limit: i64) -> Result<Vec<DeliveryRow>> {
        let mut r = self.reader().await?;
        let mut c = r.conn();
        c.all(
            sql!(
                c,
                "SELECT id, webhook_id, event_id, type, state, attempts, last_status, last_error, next_attempt_at, delivered_at, created_at
                 FROM webhook_deliveries WHERE webhook_id = $1 AND ($2 IS NULL OR id < $2) ORDER BY id DESC LIMIT $3"
            ),
            &args![webhook, before, limit],
        )
        .await
    }

    /// Makes a delivery pending again, due now, with a fresh day of retries.
    pub async fn retry_delivery(&self, webhook: i64, delivery: i64, now: i64) -> Result<DeliveryRow> {
        self.write(move |mut c| {
            Box::pin(async move {
                c.opt(
                    sql!(
                        c,
                        "UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = $3, created_at = $3,
                             claimed_until = NULL
                         WHERE id = $2 AND webhook_id = $1
                         RETURNING id, webhook_id, event_id, type, state, attempts, last_status, last_error, next_attempt_at, delivered_at, created_at"
                    ),
                    &args![webhook, delivery, now],
                )
                .await?
                .ok_or(StoreError::NotFound(Thing::Delivery))
            })
        })
        .await
    }

    /// How many deliveries of each state an endpoint has.
    pub async fn delivery_counts(&self, webhook: i64) -> Result<Vec<(String, i64)>> {
        let mut r = self.reader().await?;
        let mut c = r.conn();
        c.all(
            sql!(
                c,
                "SELECT state, COUNT(*) FROM webhook_deliveries WHERE webhook_id = $1 GROUP BY state ORDER BY state"
            ),
            &args![webhook],
        )
        .await
    }
}
