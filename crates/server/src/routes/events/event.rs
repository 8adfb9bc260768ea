//! The event itself: create, list, read, and its audit trail.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use tessera_domain::refusal::{Refusal, Thing};
use tessera_store::NewEvent;
use utoipa::ToSchema;

use super::shapes::*;
use super::{EventManager, req_date, with_etag};
use crate::AppState;
use crate::error::{FieldFault, Problem, ProblemBody};
use crate::extract::{Json, Number};
use crate::wire::{check, text_field};

/// An event to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventIn {
    /// Venue.
    #[schema(value_type = crate::rules::Id)]
    #[serde(deserialize_with = "crate::rules::id")]
    pub venue_id: i64,
    /// Name.
    #[schema(value_type = crate::rules::Name)]
    pub name: String,
    /// First day.
    #[schema(value_type = crate::rules::EventDate)]
    pub start_date: String,
    /// Last day.
    #[schema(value_type = crate::rules::EventDate)]
    pub end_date: String,
    /// Default PAX (at least 1).
    #[schema(value_type = crate::rules::Pax)]
    #[serde(deserialize_with = "crate::rules::int")]
    pub pax: i64,
}

/// Creates an event with one open folio.
#[utoipa::path(post, path = "/api/v1/events", tag = "events", request_body = EventIn, security(("bearer" = [])),
    responses((status = 201, body = EventOut), (status = 403, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn create(
    State(state): State<AppState>,
    EventManager(m): EventManager,
    Json(b): Json<EventIn>,
) -> Result<Response, Problem> {
    let mut errors = Vec::new();
    let name = text_field("name", &b.name, crate::rules::NAME_MAX, &mut errors);
    let start = req_date("start_date", &b.start_date, &mut errors);
    let end = req_date("end_date", &b.end_date, &mut errors);
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        errors.push(FieldFault {
            field: "end_date".into(),
            refusal: Refusal::BeforeStart,
        });
    }
    if !(1..=crate::rules::PAX_MAX).contains(&b.pax) {
        errors.push(FieldFault {
            field: "pax".into(),
            refusal: Refusal::AtLeastOne,
        });
    }
    check(errors)?;
    let (Some(start_date), Some(end_date)) = (start, end) else {
        return Err(Problem::field("start_date", Refusal::Required));
    };
    let e = NewEvent {
        venue_id: b.venue_id,
        name,
        start_date,
        end_date,
        pax: b.pax,
    };
    let view = state
        .store
        .create_event(e, m.user.id, state.clock.now().as_second())
        .await?;
    tracing::info!(actor = m.user.id, event = view.id, "event created");
    Ok(with_etag(StatusCode::CREATED, event_out(view)))
}

/// Events, newest first, by cursor.
#[utoipa::path(get, path = "/api/v1/events", tag = "events", params(crate::routes::me::PageQuery), security(("bearer" = [])),
    responses((status = 200, body = crate::wire::Page<EventSummary>)))]
pub async fn list(
    State(state): State<AppState>,
    _m: EventManager,
    crate::extract::Query(q): crate::extract::Query<crate::routes::me::PageQuery>,
) -> Result<axum::Json<crate::wire::Page<EventSummary>>, Problem> {
    let limit = crate::wire::limit(q.limit)?;
    let before = q.cursor.as_deref().map(crate::wire::decode_cursor).transpose()?;
    let rows = state.store.events(before, limit.saturating_add(1)).await?;
    let (rows, next_cursor) = crate::wire::page_of(rows, limit, |r| r.0);
    let items = rows
        .into_iter()
        .map(|(id, name, start_date, end_date, pax)| EventSummary {
            id,
            name,
            start_date,
            end_date,
            pax,
        })
        .collect();
    Ok(axum::Json(crate::wire::Page { items, next_cursor }))
}

/// An event; `ETag` is its version.
#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "events", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id")),
    responses((status = 200, body = EventOut), (status = 404, body = ProblemBody)))]
pub async fn get_one(State(state): State<AppState>, _m: EventManager, Number(id): Number) -> Result<Response, Problem> {
    let view = state.store.event(id).await?.ok_or(Problem::NotFound(Thing::Event))?;
    Ok(with_etag(StatusCode::OK, event_out(view)))
}

/// The event's audit trail, oldest first.
#[utoipa::path(get, path = "/api/v1/events/{id}/audit", tag = "events", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id"), crate::routes::me::PageQuery),
    responses((status = 200, body = crate::wire::Page<AuditOut>), (status = 400, body = ProblemBody), (status = 404, body = ProblemBody)))]
pub async fn audit(
    State(state): State<AppState>,
    _m: EventManager,
    Number(id): Number,
    crate::extract::Query(q): crate::extract::Query<crate::routes::me::PageQuery>,
) -> Result<axum::Json<crate::wire::Page<AuditOut>>, Problem> {
    let limit = crate::wire::limit(q.limit)?;
    let after = q.cursor.as_deref().map(crate::wire::decode_cursor).transpose()?;
    state.store.event(id).await?.ok_or(Problem::NotFound(Thing::Event))?;
    let rows = state.store.event_audit(id, after, limit + 1).await?;
    let (rows, next_cursor) = crate::wire::page_of(rows, limit, |a| a.id);
    let items = rows
        .into_iter()
        .map(|a| AuditOut {
            at: crate::wire::instant_s(a.at, &jiff::tz::TimeZone::UTC),
            actor_id: a.actor_id,
            command: a.command.as_str().to_owned(),
            detail: serde_json::from_str(&a.detail).unwrap_or(serde_json::Value::Null),
            version: a.version_after,
        })
        .collect();
    Ok(axum::Json(crate::wire::Page { items, next_cursor }))
}

/// A new name for the event.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventPatch {
    /// Name.
    #[schema(value_type = Option<crate::rules::Name>)]
    pub name: Option<String>,
}

/// Renames the event.
#[utoipa::path(patch, path = "/api/v1/events/{id}", tag = "events", request_body = EventPatch, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id")),
    responses((status = 200, body = EventOut), (status = 404, body = ProblemBody), (status = 412, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn patch_event(
    State(state): State<AppState>,
    EventManager(m): EventManager,
    Number(id): Number,
    super::IfMatch(v): super::IfMatch,
    Json(b): Json<EventPatch>,
) -> Result<Response, Problem> {
    let Some(name) = b.name else {
        let view = state.store.event(id).await?.ok_or(Problem::NotFound(Thing::Event))?;
        return Ok(with_etag(StatusCode::OK, event_out(view)));
    };
    let mut errors = Vec::new();
    let name = text_field("name", &name, crate::rules::NAME_MAX, &mut errors);
    check(errors)?;
    let view = state
        .store
        .rename_event(id, name, v, m.user.id, state.clock.now().as_second())
        .await?;
    Ok(with_etag(StatusCode::OK, event_out(view)))
}
