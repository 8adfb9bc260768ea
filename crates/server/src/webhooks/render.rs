//! A delivery's body: `{id, type, at, data, change}`, `data` being the
//! resource as its `GET` answers it when the event is fanned out (the same
//! bytes for every endpoint and every retry, so a signature and a receiver's
//! de-duplication by `id` hold), and `change` what the change itself knew
//! (the statuses before and after), which a later state cannot tell.

use jiff::Timestamp;
use serde_json::{Value, json};
use tessera_domain::webhooks::{EventType, TEST_EVENT};
use tessera_store::{OutboxEvent, StoreError};

use crate::AppState;
use crate::routes::access::check_out;
use crate::routes::events::{charge_out, event_out, folio_detail};
use crate::routes::orders::order_detail;
use crate::routes::tickets::ticket_out;

/// The id a delivery carries, in its body and its `webhook-id` header.
pub fn message_id(event_id: i64) -> String {
    format!("evt_{event_id}")
}

/// The body for an event.
pub async fn body(state: &AppState, e: &OutboxEvent) -> Result<String, StoreError> {
    let data = data(state, e).await?;
    let at = Timestamp::from_second(e.at).unwrap_or(Timestamp::UNIX_EPOCH);
    let mut body = json!({
        "id": message_id(e.id),
        "type": e.kind,
        "at": at.to_string(),
        "data": data,
    });
    if let Some(change) = e.detail.as_deref().and_then(|d| serde_json::from_str::<Value>(d).ok()) {
        body["change"] = change;
    }
    Ok(body.to_string())
}

async fn data(state: &AppState, e: &OutboxEvent) -> Result<Value, StoreError> {
    // Texts in the data (status words) are in the server's default language,
    // as an API answer to a request that names none.
    let l = state.config.default_locale;
    let now = state.clock.now();
    let to_value = |v: Option<Value>| v.unwrap_or(Value::Null);
    if e.kind == TEST_EVENT {
        return Ok(json!({"webhook_id": e.subject, "message": "Tessera test event"}));
    }
    let Some(kind) = EventType::parse(&e.kind) else {
        return Ok(Value::Null);
    };
    Ok(match kind {
        EventType::OrderCreated | EventType::OrderStatusChanged => to_value(
            state
                .store
                .order_with_history(e.subject, now)
                .await?
                .map(|(o, h)| json!(order_detail(o, h, true, l))),
        ),
        EventType::TicketStatusChanged
        | EventType::TicketValidated
        | EventType::TicketValidationReset
        | EventType::TicketVisitorChanged
        | EventType::TicketWorkplaceChanged
        | EventType::TicketSent => to_value(
            state
                .store
                .ticket(e.subject, now)
                .await?
                .map(|t| json!(ticket_out(t, l))),
        ),
        EventType::AccessChecked => to_value(
            state
                .store
                .access_check(e.subject)
                .await?
                .map(|r| json!(check_out(r, l))),
        ),
        EventType::EventChanged => to_value(state.store.event(e.subject).await?.map(|v| json!(event_out(v)))),
        EventType::ChargeChanged => to_value(state.store.charge(e.subject).await?.map(|c| json!(charge_out(c)))),
        EventType::FolioClosed => to_value(
            state
                .store
                .folio_with_charges(e.subject)
                .await?
                .map(|(f, c)| json!(folio_detail(f, c))),
        ),
    })
}
