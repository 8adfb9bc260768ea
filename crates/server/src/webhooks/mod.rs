//! The dispatcher: fans the outbox's events out to the webhooks that hear
//! them (and into the mails they make, which `mail` sends) and delivers each
//! with its own task, so that a slow or dead
//! endpoint (bounded by timeouts and a cap on its claims in flight) never
//! holds back another, nor the request whose change emitted the event.

pub mod render;
pub mod signing;

use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use tessera_domain::webhooks::{AfterFailure, EventType, Subscription, TEST_EVENT, after_failure, failure};
use tessera_store::{Attempt, AttemptNext, DueDelivery, Fan, WebhookRow};
use tokio::sync::{Semaphore, mpsc};

use crate::AppState;

/// Events read per round of fanning out.
const FAN_BATCH: i64 = 500;
/// Deliveries in flight on one instance.
const IN_FLIGHT: usize = 256;
/// Deliveries in flight to one endpoint (across instances).
const PER_WEBHOOK: i64 = 64;
/// How long one attempt may take, connecting included.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a claim lasts: longer than an attempt, so an attempt in flight
/// is never claimed twice; an instance that dies mid-attempt loses its
/// claims when this runs out.
const LEASE_SECONDS: i64 = 60;
/// How long the dispatcher rests when there was nothing to do.
const IDLE: Duration = Duration::from_millis(100);
/// Requests in flight at which the server counts as busy.
const BUSY: i64 = 4;
/// While the server is busy the dispatcher works in rounds this far apart:
/// requests come first, and a burst's events go out right after it (a
/// round still fans out 500 events and starts up to 256 deliveries).
const BUSY_ROUND: Duration = Duration::from_millis(500);

/// The endpoints, as the dispatcher reads them.
struct Listener {
    id: i64,
    hears: Subscription,
}

fn listeners(rows: Vec<WebhookRow>) -> Vec<Listener> {
    rows.into_iter()
        .map(|w| {
            let names: Vec<String> = serde_json::from_str(&w.events).unwrap_or_default();
            Listener {
                id: w.id,
                // A list the API refused never reaches the table; one that
                // cannot be read hears nothing rather than everything.
                hears: Subscription::parse(&names).unwrap_or(Subscription::Only(Vec::new())),
            }
        })
        .collect()
}

/// Starts the dispatcher.
pub fn spawn_dispatcher(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let client = match reqwest::Client::builder()
            .timeout(ATTEMPT_TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Tessera-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
        {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(error = %e, "cannot build the webhook client; no webhooks go out");
                return;
            }
        };
        // Mail goes out on a task of its own, when SMTP is set.
        let _mailer = crate::mail::spawn_sender(state.clone()).map(AbortOnDrop);
        let slots = Arc::new(Semaphore::new(IN_FLIGHT));
        let (done, outcomes) = mpsc::channel::<Attempt>(IN_FLIGHT * 4);
        tokio::spawn(record(state.clone(), outcomes));
        let mut last_purge = 0;
        loop {
            let fanned = fan_out(&state).await;
            let sent = deliver(&state, &client, &slots, &done).await;
            let now = state.clock.now().as_second();
            if now - last_purge > 3600 {
                last_purge = now;
                match state.store.purge_outbox(now).await {
                    Ok(n) if n > 0 => tracing::info!(events = n, "old outbox events removed"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "cannot purge the outbox"),
                }
            }
            if crate::telemetry::requests_in_flight() >= BUSY {
                tokio::time::sleep(BUSY_ROUND).await;
            } else if !fanned && !sent {
                tokio::time::sleep(IDLE).await;
            }
        }
    })
}

/// Stops a task when the task holding this ends (or is aborted).
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// One round of fanning out; whether there may be more right away.
async fn fan_out(state: &AppState) -> bool {
    let events = match state.store.waiting_events(FAN_BATCH).await {
        Ok(e) => e,
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the outbox");
            return false;
        }
    };
    if events.is_empty() {
        return false;
    }
    let hooks = match state.store.webhooks().await {
        Ok(rows) => listeners(rows),
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the webhooks");
            return false;
        }
    };
    // Rendered a few at a time, on several readers; in order, so that an
    // event that cannot be rendered now holds back only itself and later ones.
    use futures::StreamExt;
    let count = events.len();
    let jobs: Vec<_> = events
        .into_iter()
        .map(|e| {
            let webhooks: Vec<i64> = if e.kind == TEST_EVENT {
                hooks.iter().filter(|h| h.id == e.subject).map(|h| h.id).collect()
            } else {
                match EventType::parse(&e.kind) {
                    // A paused endpoint's deliveries are made and wait:
                    // they go out when it runs again.
                    Some(t) => hooks.iter().filter(|h| h.hears.hears(t)).map(|h| h.id).collect(),
                    None => Vec::new(),
                }
            };
            let state = state.clone();
            async move {
                let body = if webhooks.is_empty() {
                    Ok(None)
                } else {
                    render::body(&state, &e).await.map(Some)
                };
                let mails = crate::mail::compose::intents(&e);
                (e, webhooks, body.map(|b| (b, mails)))
            }
        })
        .collect();
    let rendered: Vec<_> = futures::stream::iter(jobs).buffered(8).collect().await;
    let mut fans = Vec::with_capacity(count);
    for (e, webhooks, made) in rendered {
        let (body, mails) = match made {
            Ok(b) => b,
            Err(err) => {
                // It and those after it wait: the next round renders them again.
                tracing::warn!(event = e.id, error = %err, "cannot render an event");
                break;
            }
        };
        fans.push(Fan {
            event_id: e.id,
            kind: e.kind.clone(),
            body,
            webhooks,
            mails,
        });
    }
    if fans.is_empty() {
        return false;
    }
    let now = state.clock.now().as_second();
    match state.store.fan_out(fans, now).await {
        Ok(n) => {
            metrics::counter!("tessera_outbox_events_fanned_out_total").increment(n as u64);
            count as i64 == FAN_BATCH
        }
        Err(e) => {
            tracing::warn!(error = %e, "cannot fan events out");
            false
        }
    }
}

/// Claims what is due and sends each on its own task; whether it sent any.
async fn deliver(
    state: &AppState,
    client: &reqwest::Client,
    slots: &Arc<Semaphore>,
    done: &mpsc::Sender<Attempt>,
) -> bool {
    let free = slots.available_permits();
    if free == 0 {
        return false;
    }
    let now = state.clock.now().as_second();
    let due = match state
        .store
        .claim_deliveries(now, LEASE_SECONDS, PER_WEBHOOK, free as i64)
        .await
    {
        Ok(d) => d,
        Err(e) => {
            tracing::warn!(error = %e, "cannot claim webhook deliveries");
            return false;
        }
    };
    let any = !due.is_empty();
    for d in due {
        let Ok(permit) = Arc::clone(slots).acquire_owned().await else {
            return any;
        };
        let (client, done, state) = (client.clone(), done.clone(), state.clone());
        tokio::spawn(async move {
            let attempt = attempt(&state, &client, d).await;
            let _ = done.send(attempt).await;
            drop(permit);
        });
    }
    any
}

/// One attempt at one delivery.
async fn attempt(state: &AppState, client: &reqwest::Client, d: DueDelivery) -> Attempt {
    let id = render::message_id(d.event_id);
    let timestamp = state.clock.now().as_second();
    let signature = signing::sign(&d.secret, &id, timestamp, &d.body);
    let sent = client
        .post(&d.url)
        .header("content-type", "application/json")
        .header("webhook-id", &id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(d.body)
        .send()
        .await;
    let (status, error) = match sent {
        Ok(r) if r.status().is_success() => (Some(i64::from(r.status().as_u16())), None),
        Ok(r) => (
            Some(i64::from(r.status().as_u16())),
            Some(format!("HTTP {}", r.status().as_u16())),
        ),
        Err(e) if e.is_timeout() => (None, Some(failure::TIMED_OUT.to_owned())),
        Err(e) if e.is_connect() => (None, Some(failure::NO_CONNECTION.to_owned())),
        Err(e) => (None, Some(short(&e.to_string()))),
    };
    let now = state.clock.now().as_second();
    let next = match &error {
        None => {
            metrics::counter!("tessera_webhooks_delivered_total").increment(1);
            AttemptNext::Delivered(now)
        }
        Some(why) => {
            metrics::counter!("tessera_webhook_attempts_failed_total").increment(1);
            tracing::info!(delivery = d.id, webhook = d.webhook_id, error = %why, "webhook attempt failed");
            after_failed_attempt(d.attempts, d.created_at, now)
        }
    };
    Attempt {
        id: d.id,
        status,
        error,
        next,
    }
}

/// What follows a failed attempt (after `attempts_before` earlier ones) at
/// a delivery or a mail made at `created_at`: the domain's schedule, with
/// this attempt's jitter.
pub(crate) fn after_failed_attempt(attempts_before: i64, created_at: i64, now: i64) -> AttemptNext {
    let tries = u32::try_from(attempts_before + 1).unwrap_or(u32::MAX);
    let jitter: f64 = rand::thread_rng().r#gen();
    match after_failure(tries, created_at, now, jitter) {
        AfterFailure::RetryAt(at) => AttemptNext::RetryAt(at),
        AfterFailure::GiveUp => AttemptNext::Failed,
    }
}

/// An error as it is kept: its first 300 characters.
pub(crate) fn short(s: &str) -> String {
    s.chars().take(300).collect()
}

/// Writes outcomes in batches, as they come.
async fn record(state: AppState, mut outcomes: mpsc::Receiver<Attempt>) {
    let mut batch = Vec::with_capacity(512);
    while outcomes.recv_many(&mut batch, 512).await > 0 {
        let attempts = std::mem::take(&mut batch);
        if let Err(e) = state.store.record_attempts(attempts).await {
            // The claims run out and the attempts are made again: delivery
            // is at least once.
            tracing::warn!(error = %e, "cannot record webhook attempts");
        }
    }
}
