//! Webhook endpoints and their deliveries (admin).

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tessera_domain::refusal::{Refusal, Thing};
use tessera_domain::webhooks::{Subscription, SubscriptionError, UrlError, check_url};
use tessera_store::{DeliveryRow, NewWebhook, WebhookPatch, WebhookRow};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Admin;
use crate::error::{FieldFault, Problem, ProblemBody};
use crate::extract::{Json, Number, Query};
use crate::routes::me::PageQuery;
use crate::rules::DESCRIPTION_MAX;
use crate::webhooks::signing::new_secret;
use crate::wire::{Page, check, decode_cursor, limit, optional_text, page_of, utc_text as utc};

/// An endpoint to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookIn {
    /// Where deliveries are posted (`http://` or `https://`).
    #[schema(value_type = crate::rules::WebhookUrl)]
    pub url: String,
    /// The event types it hears; `["*"]` for every type.
    #[schema(value_type = crate::rules::EventTypes)]
    pub events: Vec<String>,
    /// A note for the admins.
    #[schema(value_type = Option<crate::rules::WebhookNote>)]
    pub description: Option<String>,
}

/// A change to an endpoint; what is left out stays.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookPatchIn {
    /// Where deliveries are posted.
    #[schema(value_type = Option<crate::rules::WebhookUrl>)]
    pub url: Option<String>,
    /// The event types it hears.
    #[schema(value_type = Option<crate::rules::EventTypes>)]
    pub events: Option<Vec<String>>,
    /// `false` pauses deliveries (events still queue for it).
    pub active: Option<bool>,
    /// A note for the admins (blank clears it).
    #[schema(value_type = Option<crate::rules::WebhookNote>)]
    pub description: Option<String>,
}

/// An endpoint.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookOut {
    /// Id.
    pub id: i64,
    /// Where deliveries are posted.
    pub url: String,
    /// The types it hears (`["*"]`: every type).
    pub events: Vec<String>,
    /// The admins' note.
    pub description: String,
    /// Whether deliveries go out.
    pub active: bool,
    /// The signing secret (`whsec_…`), shown only when the endpoint is added.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

/// One delivery of an event to an endpoint.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryOut {
    /// Id.
    pub id: i64,
    /// The event's id (its `webhook-id` is `evt_<event_id>`).
    pub event_id: i64,
    /// The event's type.
    #[serde(rename = "type")]
    pub kind: String,
    /// `pending`, `delivered` or `failed`.
    pub state: String,
    /// Attempts made.
    pub attempts: i64,
    /// The endpoint's HTTP status on the last attempt.
    pub last_status: Option<i64>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When the next attempt is due (RFC 3339, UTC); `null` unless pending.
    pub next_attempt_at: Option<String>,
    /// When it was delivered.
    pub delivered_at: Option<String>,
}

pub(crate) fn webhook_out(w: WebhookRow, with_secret: bool) -> WebhookOut {
    WebhookOut {
        id: w.id,
        events: serde_json::from_str(&w.events).unwrap_or_default(),
        url: w.url,
        description: w.description,
        active: w.active == 1,
        secret: with_secret.then_some(w.secret),
    }
}

pub(crate) fn delivery_out(d: DeliveryRow) -> DeliveryOut {
    DeliveryOut {
        id: d.id,
        event_id: d.event_id,
        kind: d.kind,
        next_attempt_at: (d.state == "pending").then(|| utc(d.next_attempt_at)),
        state: d.state,
        attempts: d.attempts,
        last_status: d.last_status,
        last_error: d.last_error,
        delivered_at: d.delivered_at.map(utc),
    }
}

fn url(value: &str, errors: &mut Vec<FieldFault>) -> String {
    match check_url(value) {
        Ok(()) => {}
        Err(UrlError::NotHttp) => errors.push(FieldFault {
            field: "url".into(),
            refusal: Refusal::NotWebhookUrl,
        }),
        Err(UrlError::TooLong) => errors.push(FieldFault {
            field: "url".into(),
            refusal: Refusal::TooLong(tessera_domain::webhooks::URL_MAX),
        }),
    }
    value.to_owned()
}

fn events(value: &[String], errors: &mut Vec<FieldFault>) -> String {
    match Subscription::parse(value) {
        Ok(s) => serde_json::to_string(&s.names()).unwrap_or_else(|_| "[]".into()),
        Err(e) => {
            let (field, refusal) = match e {
                SubscriptionError::Empty => ("events".to_owned(), Refusal::AtLeastOne),
                SubscriptionError::Unknown(i) => (format!("events[{i}]"), Refusal::UnknownEventType),
                SubscriptionError::EveryWithOthers => ("events".to_owned(), Refusal::EveryTypeAlone),
            };
            errors.push(FieldFault { field, refusal });
            String::new()
        }
    }
}

/// Adds an endpoint; its secret is in this answer only.
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "integrations", request_body = WebhookIn, security(("bearer" = [])),
    responses((status = 201, body = WebhookOut), (status = 403, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn create(
    State(state): State<AppState>,
    _a: Admin,
    Json(b): Json<WebhookIn>,
) -> Result<(StatusCode, axum::Json<WebhookOut>), Problem> {
    let mut errors = Vec::new();
    let url = url(&b.url, &mut errors);
    let events = events(&b.events, &mut errors);
    let description = optional_text("description", b.description.as_deref(), DESCRIPTION_MAX, &mut errors);
    check(errors)?;
    let w = state
        .store
        .add_webhook(
            NewWebhook {
                url,
                events,
                description: description.unwrap_or_default(),
                secret: new_secret(),
            },
            state.clock.now().as_second(),
        )
        .await?;
    Ok((StatusCode::CREATED, axum::Json(webhook_out(w, true))))
}

/// Every endpoint, oldest first (without secrets).
#[utoipa::path(get, path = "/api/v1/webhooks", tag = "integrations", params(PageQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<WebhookOut>), (status = 400, body = ProblemBody), (status = 403, body = ProblemBody)))]
pub async fn list(
    State(state): State<AppState>,
    _a: Admin,
    Query(q): Query<PageQuery>,
) -> crate::routes::catalogue::Listed<WebhookOut> {
    crate::routes::catalogue::page(
        state.store.webhooks().await?,
        (q.limit, q.cursor.as_deref()),
        |w| w.id,
        |w| webhook_out(w, false),
    )
}

/// Changes an endpoint: its URL, types, note, or pauses it.
#[utoipa::path(patch, path = "/api/v1/webhooks/{id}", tag = "integrations", request_body = WebhookPatchIn, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Webhook id")),
    responses((status = 200, body = WebhookOut), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn patch(
    State(state): State<AppState>,
    _a: Admin,
    Number(id): Number,
    Json(b): Json<WebhookPatchIn>,
) -> Result<axum::Json<WebhookOut>, Problem> {
    let mut errors = Vec::new();
    let url = b.url.as_deref().map(|u| url(u, &mut errors));
    let events = b.events.as_deref().map(|e| events(e, &mut errors));
    let description = b
        .description
        .as_deref()
        .map(|d| optional_text("description", Some(d), DESCRIPTION_MAX, &mut errors).unwrap_or_default());
    check(errors)?;
    let w = state
        .store
        .change_webhook(
            id,
            WebhookPatch {
                url,
                events,
                active: b.active,
                description,
            },
        )
        .await?;
    Ok(axum::Json(webhook_out(w, false)))
}

/// Removes an endpoint and its deliveries.
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = "integrations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Webhook id")),
    responses((status = 204), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
pub async fn delete(State(state): State<AppState>, _a: Admin, Number(id): Number) -> Result<StatusCode, Problem> {
    state.store.delete_webhook(id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sends the endpoint a `webhook.test` event (to it alone), to try it.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/test", tag = "integrations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Webhook id")),
    responses((status = 202), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
pub async fn test(State(state): State<AppState>, _a: Admin, Number(id): Number) -> Result<StatusCode, Problem> {
    state.store.test_webhook(id, state.clock.now().as_second()).await?;
    Ok(StatusCode::ACCEPTED)
}

/// An endpoint's deliveries, newest first.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/deliveries", tag = "integrations", params(("id" = i64, Path, description = "Webhook id"), PageQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<DeliveryOut>), (status = 400, body = ProblemBody), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
pub async fn deliveries(
    State(state): State<AppState>,
    _a: Admin,
    Number(id): Number,
    Query(q): Query<PageQuery>,
) -> Result<axum::Json<Page<DeliveryOut>>, Problem> {
    let limit = limit(q.limit)?;
    let before = q.cursor.as_deref().map(decode_cursor).transpose()?;
    state
        .store
        .webhook(id)
        .await?
        .ok_or(Problem::NotFound(Thing::Webhook))?;
    let rows = state.store.deliveries(id, before, limit + 1).await?;
    let (rows, next_cursor) = page_of(rows, limit, |d| d.id);
    Ok(axum::Json(Page {
        items: rows.into_iter().map(delivery_out).collect(),
        next_cursor,
    }))
}

/// Makes a delivery pending again, due now, with a new day of retries.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/deliveries/{delivery_id}/retry", tag = "integrations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Webhook id"), ("delivery_id" = i64, Path, description = "Delivery id")),
    responses((status = 200, body = DeliveryOut), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
pub async fn retry(
    State(state): State<AppState>,
    _a: Admin,
    axum::extract::Path((id, delivery)): axum::extract::Path<(String, String)>,
) -> Result<axum::Json<DeliveryOut>, Problem> {
    let (Ok(id), Ok(delivery)) = (id.parse::<i64>(), delivery.parse::<i64>()) else {
        return Err(Problem::NotFound(Thing::Delivery));
    };
    let d = state
        .store
        .retry_delivery(id, delivery, state.clock.now().as_second())
        .await?;
    Ok(axum::Json(delivery_out(d)))
}
