//! Adding to an event: activities, room blocks, folios, charges; closing a
//! folio.

use std::str::FromStr;

use axum::extract::State;
use axum::http::StatusCode;
use rust_decimal::Decimal;
use serde::Deserialize;
use tessera_domain::refusal::Refusal;
use tessera_events::ActivityKind;
use tessera_store::{NewActivity, NewCharge};
use utoipa::ToSchema;

use super::shapes::*;
use super::{EventManager, IfMatch, req_date};
use crate::AppState;
use crate::error::{FieldFault, Problem, ProblemBody};
use crate::extract::{Json, Number};
use crate::wire::{DecimalIn, check, one_of, text_field};

/// An activity to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityIn {
    /// `hall`, `catering` or `other`.
    #[schema(value_type = crate::rules::ActivityKind)]
    pub kind: String,
    /// Name.
    #[schema(value_type = crate::rules::Name)]
    pub name: String,
    /// Date within the event period.
    #[schema(value_type = crate::rules::EventDate)]
    pub date: String,
    /// PAX.
    #[schema(value_type = crate::rules::Pax)]
    #[serde(deserialize_with = "crate::rules::int")]
    pub pax: i64,
    /// The hall (premises of kind `hall`) it holds.
    #[schema(value_type = Option<crate::rules::Id>)]
    #[serde(default, deserialize_with = "crate::rules::opt_id")]
    pub premises_id: Option<i64>,
    /// Start, `HH:MM` in the venue's time zone; with `end_time`, or neither for the whole day.
    #[schema(value_type = Option<crate::rules::Time>)]
    pub start_time: Option<String>,
    /// End, `HH:MM`, excluded; after `start_time`.
    #[schema(value_type = Option<crate::rules::Time>)]
    pub end_time: Option<String>,
    /// Notes for the staff (the event sheet shows them).
    #[schema(value_type = Option<crate::rules::Notes>)]
    pub notes: Option<String>,
}

/// Adds an activity.
#[utoipa::path(post, path = "/api/v1/events/{id}/activities", tag = "events", request_body = ActivityIn, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id")),
    responses((status = 201, body = ActivityOut), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody), (status = 412, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn add_activity(
    State(state): State<AppState>,
    EventManager(m): EventManager,
    Number(id): Number,
    IfMatch(v): IfMatch,
    Json(b): Json<ActivityIn>,
) -> Result<(StatusCode, axum::Json<ActivityOut>), Problem> {
    let mut errors = Vec::new();
    let name = text_field("name", &b.name, crate::rules::NAME_MAX, &mut errors);
    let kind = one_of("kind", &b.kind, ActivityKind::parse, ActivityKind::NAMES, &mut errors);
    let date = req_date("date", &b.date, &mut errors);
    let time = super::activity_time(b.start_time.as_deref(), b.end_time.as_deref(), &mut errors);
    let notes = crate::wire::optional_text("notes", b.notes.as_deref(), crate::rules::NOTES_MAX, &mut errors);
    check(errors)?;
    let (Some(kind), Some(date), Some(time)) = (kind, date, time) else {
        return Err(Problem::field("date", Refusal::Required));
    };
    let new = NewActivity {
        kind,
        name,
        date,
        pax: b.pax,
        premises_id: b.premises_id,
        time,
        notes: notes.unwrap_or_default(),
    };
    let (aid, view) = state
        .store
        .add_activity(id, new, v, m.user.id, state.clock.now().as_second())
        .await?;
    let a = event_out(view)
        .activities
        .into_iter()
        .find(|a| a.id == aid)
        .ok_or(Problem::Internal)?;
    Ok((StatusCode::CREATED, axum::Json(a)))
}

/// A room block to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BlockIn {
    /// Name.
    #[schema(value_type = crate::rules::Name)]
    pub name: String,
    /// Rooms held (at least 1).
    #[schema(value_type = crate::rules::Rooms)]
    #[serde(deserialize_with = "crate::rules::int")]
    pub rooms: i64,
}

/// Adds a room block (its dates are the event's).
#[utoipa::path(post, path = "/api/v1/events/{id}/blocks", tag = "events", request_body = BlockIn, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id")),
    responses((status = 201, body = BlockOut), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody), (status = 412, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn add_block(
    State(state): State<AppState>,
    EventManager(m): EventManager,
    Number(id): Number,
    IfMatch(v): IfMatch,
    Json(b): Json<BlockIn>,
) -> Result<(StatusCode, axum::Json<BlockOut>), Problem> {
    let mut errors = Vec::new();
    let name = text_field("name", &b.name, crate::rules::NAME_MAX, &mut errors);
    if !(1..=crate::rules::ROOMS_MAX).contains(&b.rooms) {
        errors.push(FieldFault {
            field: "rooms".into(),
            refusal: Refusal::AtLeastOne,
        });
    }
    check(errors)?;
    let (bid, view) = state
        .store
        .add_block(id, name, b.rooms, v, m.user.id, state.clock.now().as_second())
        .await?;
    let block = event_out(view)
        .blocks
        .into_iter()
        .find(|x| x.id == bid)
        .ok_or(Problem::Internal)?;
    Ok((StatusCode::CREATED, axum::Json(block)))
}

/// A folio to open.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FolioIn {
    /// Its name ("Organiser", "Guests' extras"); none when left out.
    #[schema(value_type = Option<crate::rules::Name>)]
    pub name: Option<String>,
}

/// Opens another folio on the event.
#[utoipa::path(post, path = "/api/v1/events/{id}/folios", tag = "events", request_body = FolioIn, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id")),
    responses((status = 201, body = FolioStatusOut), (status = 404, body = ProblemBody), (status = 412, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn add_folio(
    State(state): State<AppState>,
    EventManager(m): EventManager,
    Number(id): Number,
    IfMatch(v): IfMatch,
    Json(b): Json<FolioIn>,
) -> Result<(StatusCode, axum::Json<FolioStatusOut>), Problem> {
    let mut errors = Vec::new();
    let name = b
        .name
        .as_deref()
        .map(|n| text_field("name", n, crate::rules::NAME_MAX, &mut errors))
        .unwrap_or_default();
    check(errors)?;
    let (fid, _) = state
        .store
        .add_folio(id, name.clone(), v, m.user.id, state.clock.now().as_second())
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(FolioStatusOut {
            id: fid,
            name,
            status: "open".into(),
        }),
    ))
}

/// A charge to post.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChargeIn {
    /// Description.
    #[schema(value_type = crate::rules::Description)]
    pub description: String,
    /// Service date.
    #[schema(value_type = crate::rules::EventDate)]
    pub service_date: String,
    /// Decimal quantity (not negative).
    #[schema(value_type = crate::rules::Quantity)]
    pub quantity: DecimalIn,
    /// Decimal unit price.
    #[schema(value_type = crate::rules::UnitPrice)]
    pub unit_price: DecimalIn,
    /// Post through this activity of the event.
    #[schema(value_type = Option<crate::rules::Id>)]
    #[serde(default, deserialize_with = "crate::rules::opt_id")]
    pub activity_id: Option<i64>,
    /// `false` pins the quantity against PAX changes (default `true`).
    pub follows_pax: Option<bool>,
}

/// Posts a charge to an open folio.
#[utoipa::path(post, path = "/api/v1/folios/{id}/charges", tag = "events", request_body = ChargeIn, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Folio id")),
    responses((status = 201, body = ChargeOut), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody), (status = 412, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn add_charge(
    State(state): State<AppState>,
    EventManager(m): EventManager,
    Number(folio): Number,
    IfMatch(v): IfMatch,
    Json(b): Json<ChargeIn>,
) -> Result<(StatusCode, axum::Json<ChargeOut>), Problem> {
    let mut errors = Vec::new();
    let description = text_field(
        "description",
        &b.description,
        crate::rules::DESCRIPTION_MAX,
        &mut errors,
    );
    let service_date = req_date("service_date", &b.service_date, &mut errors);
    let quantity = super::charges::not_negative("quantity", &b.quantity, &mut errors);
    let unit_price = super::charges::not_negative("unit_price", &b.unit_price, &mut errors);
    check(errors)?;
    let Some(service_date) = service_date else {
        return Err(Problem::field("service_date", Refusal::Required));
    };
    let new = NewCharge {
        description,
        service_date,
        quantity,
        unit_price,
        activity_id: b.activity_id,
        follows_pax: b.follows_pax.unwrap_or(true),
    };
    let row = state
        .store
        .add_charge(folio, new, v, m.user.id, state.clock.now().as_second())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(charge_out(row))))
}

/// Closes a folio; its charges are frozen for good.
#[utoipa::path(post, path = "/api/v1/folios/{id}/close", tag = "events", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Folio id")),
    responses((status = 200, body = FolioStatusOut), (status = 404, body = ProblemBody), (status = 412, body = ProblemBody)))]
pub async fn close_folio(
    State(state): State<AppState>,
    EventManager(m): EventManager,
    Number(folio): Number,
    IfMatch(v): IfMatch,
) -> Result<axum::Json<FolioStatusOut>, Problem> {
    let f = state
        .store
        .close_folio(folio, v, m.user.id, state.clock.now().as_second())
        .await?;
    Ok(axum::Json(FolioStatusOut {
        id: f.id,
        name: f.name,
        status: f.status.as_str().to_owned(),
    }))
}

/// A quantity or unit price: a plain decimal of at most six places.
pub(super) fn decimal(field: &str, d: &DecimalIn, errors: &mut Vec<FieldFault>) -> Decimal {
    let text = d.text();
    match Decimal::from_str(text.trim()) {
        Ok(v) if !text.contains(['e', 'E']) && v.scale() <= 6 => v,
        _ => {
            errors.push(FieldFault {
                field: field.into(),
                refusal: Refusal::NotDecimal,
            });
            Decimal::ZERO
        }
    }
}
