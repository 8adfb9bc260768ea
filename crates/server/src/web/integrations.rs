//! "Integrations" (admin): webhooks — added, edited, paused, tried and
//! deleted through the JSON API — and each one's deliveries, retried by hand.

use askama::Template;
use axum::extract::{Path, State};
use tessera_domain::mail::MailKind;
use tessera_domain::webhooks::{EVERY_TYPE, EventType};

use super::format::instant;
use super::integrations_text::{IntegrationsUi, event_type_text, integrations_ui};
use super::viewer::Area;
use super::{Html, Viewer, WebError, render};
use crate::AppState;
use crate::routes::mail::MailStatusOut;

/// A webhook as a row of the list.
pub struct WebhookItem {
    id: i64,
    url: String,
    events: String,
    description: String,
    active: bool,
    pending: i64,
    delivered: i64,
    failed: i64,
}

/// A type as a checkbox.
pub struct TypeBox {
    name: &'static str,
    text: &'static str,
    checked: bool,
}

#[derive(Template)]
#[template(path = "integrations.html")]
struct IntegrationsPage {
    v: Viewer,
    t: &'static IntegrationsUi,
    hooks: Vec<WebhookItem>,
    types: Vec<TypeBox>,
    mail: MailStatusOut,
}

/// A mail as a row.
pub struct MailItem {
    id: i64,
    made: String,
    to: String,
    kind: String,
    subject: String,
    state: &'static str,
    state_key: String,
    attempts: i64,
    error: String,
    resendable: bool,
}

#[derive(Template)]
#[template(path = "mail.html")]
struct MailPage {
    v: Viewer,
    t: &'static IntegrationsUi,
    mail: MailStatusOut,
    mails: Vec<MailItem>,
}

/// A delivery as a row.
pub struct DeliveryItem {
    id: i64,
    made: String,
    kind: String,
    state: &'static str,
    state_key: String,
    attempts: i64,
    answer: String,
    next: String,
}

#[derive(Template)]
#[template(path = "webhook.html")]
struct WebhookPage {
    v: Viewer,
    t: &'static IntegrationsUi,
    hook: WebhookItem,
    every: bool,
    types: Vec<TypeBox>,
    deliveries: Vec<DeliveryItem>,
}

fn names(events: &str) -> Vec<String> {
    serde_json::from_str(events).unwrap_or_default()
}

fn events_text(events: &[String], v: &Viewer, t: &IntegrationsUi) -> String {
    if events.iter().any(|e| e == EVERY_TYPE) {
        return t.every_event.to_owned();
    }
    events
        .iter()
        .map(|e| EventType::parse(e).map_or(e.as_str(), |k| event_type_text(k, v.locale)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn type_boxes(checked: &[String], v: &Viewer) -> Vec<TypeBox> {
    EventType::ALL
        .into_iter()
        .map(|k| TypeBox {
            name: k.as_str(),
            text: event_type_text(k, v.locale),
            checked: checked.iter().any(|c| c == k.as_str()),
        })
        .collect()
}

async fn item(
    state: &AppState,
    w: tessera_store::WebhookRow,
    v: &Viewer,
    t: &IntegrationsUi,
) -> Result<WebhookItem, WebError> {
    let counts = state.store.delivery_counts(w.id).await?;
    let count = |s: &str| counts.iter().find(|(k, _)| k == s).map_or(0, |(_, n)| *n);
    Ok(WebhookItem {
        id: w.id,
        events: events_text(&names(&w.events), v, t),
        url: w.url,
        description: w.description,
        active: w.active == 1,
        pending: count("pending"),
        delivered: count("delivered"),
        failed: count("failed"),
    })
}

/// Every webhook, with its deliveries counted.
pub async fn list(State(state): State<AppState>, v: Viewer) -> Result<Html, WebError> {
    v.require(Area::Admin)?;
    let l = v.locale;
    let t = integrations_ui(l);
    let mut hooks = Vec::new();
    for w in state.store.webhooks().await? {
        hooks.push(item(&state, w, &v, t).await?);
    }
    let types = type_boxes(&[], &v);
    let mail = crate::routes::mail::status(&state).await?;
    render(
        &IntegrationsPage {
            v,
            t,
            hooks,
            types,
            mail,
        },
        l,
    )
}

/// Mail: whether it goes out, and the latest hundred mails with a resend.
pub async fn mail(State(state): State<AppState>, v: Viewer) -> Result<Html, WebError> {
    v.require(Area::Admin)?;
    let l = v.locale;
    let t = integrations_ui(l);
    let mail = crate::routes::mail::status(&state).await?;
    let mails = state
        .store
        .mails(None, None, 100)
        .await?
        .into_iter()
        .map(|m| MailItem {
            id: m.id,
            made: instant(m.created_at, "UTC", l),
            kind: MailKind::parse(&m.kind).map_or(m.kind.clone(), |k| t.mail_kind_word(k).to_owned()),
            // A reset link is forgotten once it went out (or will not).
            resendable: !(m.state != "pending" && MailKind::parse(&m.kind).is_some_and(MailKind::is_secret)),
            to: m.to_address,
            subject: m.subject.unwrap_or_else(|| "—".to_owned()),
            state: t.mail_state_word(&m.state),
            state_key: m.state,
            attempts: m.attempts,
            error: m.last_error.map(|e| t.error_words(&e)).unwrap_or_default(),
        })
        .collect();
    render(&MailPage { v, t, mail, mails }, l)
}

/// One webhook: its settings and its latest deliveries.
pub async fn webhook(State(state): State<AppState>, v: Viewer, Path(id): Path<String>) -> Result<Html, WebError> {
    v.require(Area::Admin)?;
    let l = v.locale;
    let t = integrations_ui(l);
    let Some(w) = (match id.parse::<i64>() {
        Ok(id) => state.store.webhook(id).await?,
        Err(_) => None,
    }) else {
        return Err(WebError::NotFound(l));
    };
    let subscribed = names(&w.events);
    let every = subscribed.iter().any(|e| e == EVERY_TYPE);
    let types = type_boxes(&subscribed, &v);
    let time_zone = "UTC";
    let deliveries = state
        .store
        .deliveries(w.id, None, 50)
        .await?
        .into_iter()
        .map(|d| DeliveryItem {
            id: d.id,
            made: instant(d.created_at, time_zone, l),
            kind: if d.kind == tessera_domain::webhooks::TEST_EVENT {
                t.test_event.to_owned()
            } else {
                EventType::parse(&d.kind).map_or(d.kind.clone(), |k| event_type_text(k, l).to_owned())
            },
            state: t.state_word(&d.state),
            answer: match (d.last_status, d.last_error) {
                (_, Some(e)) => t.error_words(&e),
                (Some(s), None) => format!("HTTP {s}"),
                (None, None) => "—".to_owned(),
            },
            next: if d.state == "pending" {
                instant(d.next_attempt_at, time_zone, l)
            } else {
                "—".to_owned()
            },
            state_key: d.state,
            attempts: d.attempts,
        })
        .collect();
    let hook = item(&state, w, &v, t).await?;
    render(
        &WebhookPage {
            v,
            t,
            hook,
            every,
            types,
            deliveries,
        },
        l,
    )
}
