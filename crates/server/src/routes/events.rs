//! Events: the event page's data and every change to it. Writes take
//! `If-Match: <version>` (412 when stale); the PAX and dates cascades take
//! `dry_run` to preview the very plan an apply would write.

use std::collections::BTreeMap;
use std::str::FromStr;

use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use tessera_events::{ActivityKind, ChangeActivity, ChangePax, DateChange, Plan};
use tessera_store::{EventView, NewActivity, NewCharge, NewEvent};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Caller;
use crate::error::{FieldError, Problem, ProblemBody};
use crate::extract::{Json, Number};
use crate::wire::{DecimalIn, check, parse_date, text_field};

/// An admin or an event manager.
pub struct EventManager(pub Caller);

impl FromRequestParts<AppState> for EventManager {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let caller = Caller::from_request_parts(parts, state).await?;
        if caller.role.manages_events() {
            Ok(EventManager(caller))
        } else {
            Err(Problem::Forbidden)
        }
    }
}

/// `If-Match: <version>` (quotes and `W/` allowed); absent means "any".
pub struct IfMatch(pub Option<i64>);

impl FromRequestParts<AppState> for IfMatch {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Problem> {
        let Some(v) = parts.headers.get(header::IF_MATCH) else {
            return Ok(IfMatch(None));
        };
        let text = v.to_str().unwrap_or("").trim();
        if text == "*" {
            return Ok(IfMatch(None));
        }
        let bare = text.trim_start_matches("W/").trim_matches('"');
        bare.parse::<i64>()
            .map(|n| IfMatch(Some(n)))
            .map_err(|_| Problem::Malformed("If-Match must be an event version".into()))
    }
}

/// A charge.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChargeOut {
    /// Id.
    pub id: i64,
    /// Description.
    pub description: String,
    /// Service date.
    pub service_date: String,
    /// Decimal quantity.
    pub quantity: String,
    /// Decimal unit price.
    pub unit_price: String,
    /// Currency.
    pub currency: String,
    /// `active` or `cancelled`.
    pub status: String,
    /// The activity it was posted through, if any.
    pub activity_id: Option<i64>,
    /// `false`: a pinned quantity that PAX changes never rewrite.
    pub follows_pax: bool,
}

/// A folio.
#[derive(Debug, Serialize, ToSchema)]
pub struct FolioOut {
    /// Id.
    pub id: i64,
    /// `open` or `closed`.
    pub status: String,
    /// Charges.
    pub charges: Vec<ChargeOut>,
}

/// An activity.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityOut {
    /// Id.
    pub id: i64,
    /// `hall`, `catering` or `other`.
    pub kind: String,
    /// Name.
    pub name: String,
    /// Date.
    pub date: String,
    /// PAX.
    pub pax: i64,
    /// The hall held.
    pub premises_id: Option<i64>,
    /// `active` or `cancelled`.
    pub status: String,
}

/// A room block.
#[derive(Debug, Serialize, ToSchema)]
pub struct BlockOut {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Rooms held.
    pub rooms: i64,
    /// First day (the event's).
    pub start_date: String,
    /// Last day (the event's).
    pub end_date: String,
}

/// An event with everything on it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventOut {
    /// Id.
    pub id: i64,
    /// Venue.
    pub venue_id: i64,
    /// Name.
    pub name: String,
    /// First day.
    pub start_date: String,
    /// Last day.
    pub end_date: String,
    /// Default PAX.
    pub pax: i64,
    /// Version for `If-Match`.
    pub version: i64,
    /// Activities.
    pub activities: Vec<ActivityOut>,
    /// Blocks.
    pub blocks: Vec<BlockOut>,
    /// Folios with their charges.
    pub folios: Vec<FolioOut>,
}

fn charge_out(c: tessera_store::ChargeRow) -> ChargeOut {
    ChargeOut {
        id: c.id,
        description: c.description,
        service_date: c.service_date,
        quantity: c.quantity,
        unit_price: c.unit_price,
        currency: c.currency,
        status: c.status,
        activity_id: c.activity_id,
        follows_pax: c.follows_pax != 0,
    }
}

fn event_out(v: EventView) -> EventOut {
    let mut charges = v.charges;
    EventOut {
        id: v.id,
        venue_id: v.venue_id,
        name: v.name,
        start_date: v.start_date,
        end_date: v.end_date,
        pax: v.pax,
        version: v.version,
        activities: v
            .activities
            .into_iter()
            .map(|a| ActivityOut {
                id: a.id,
                kind: a.kind,
                name: a.name,
                date: a.date,
                pax: a.pax,
                premises_id: a.premises_id,
                status: a.status,
            })
            .collect(),
        blocks: v
            .blocks
            .into_iter()
            .map(|b| BlockOut {
                id: b.id,
                name: b.name,
                rooms: b.rooms,
                start_date: b.start_date,
                end_date: b.end_date,
            })
            .collect(),
        folios: v
            .folios
            .into_iter()
            .map(|f| {
                let (mine, rest): (Vec<_>, Vec<_>) = charges.drain(..).partition(|c| c.folio_id == f.id);
                charges = rest;
                FolioOut {
                    id: f.id,
                    status: f.status,
                    charges: mine.into_iter().map(charge_out).collect(),
                }
            })
            .collect(),
    }
}

fn with_etag(status: StatusCode, body: EventOut) -> Response {
    let etag = format!("\"{}\"", body.version);
    let mut res = (status, axum::Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        res.headers_mut().insert(header::ETAG, v);
    }
    res
}

/// A date of an event, an activity or a charge: in the years events may have.
fn req_date(field: &str, v: &str, errors: &mut Vec<FieldError>) -> Option<Date> {
    let d = parse_date(field, v, errors)?;
    if !tessera_events::in_event_years(d) {
        errors.push(FieldError {
            field: field.into(),
            message: tessera_events::CascadeError::YearOutOfRange.to_string(),
        });
        return None;
    }
    Some(d)
}

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
        errors.push(FieldError {
            field: "end_date".into(),
            message: "must not be before start_date".into(),
        });
    }
    if !(1..=crate::rules::PAX_MAX).contains(&b.pax) {
        errors.push(FieldError {
            field: "pax".into(),
            message: "must be at least 1".into(),
        });
    }
    check(errors)?;
    let (Some(start_date), Some(end_date)) = (start, end) else {
        return Err(Problem::field("start_date", "required"));
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

/// An event in the list.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventSummary {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// First day.
    pub start_date: String,
    /// Last day.
    pub end_date: String,
    /// Default PAX.
    pub pax: i64,
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
    let view = state.store.event(id).await?.ok_or(Problem::NotFound("event"))?;
    Ok(with_etag(StatusCode::OK, event_out(view)))
}

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
}

/// Adds an activity.
#[utoipa::path(post, path = "/api/v1/events/{id}/activities", tag = "events", request_body = ActivityIn, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id")),
    responses((status = 201, body = ActivityOut), (status = 409, body = ProblemBody), (status = 412, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn add_activity(
    State(state): State<AppState>,
    EventManager(m): EventManager,
    Number(id): Number,
    IfMatch(v): IfMatch,
    Json(b): Json<ActivityIn>,
) -> Result<(StatusCode, axum::Json<ActivityOut>), Problem> {
    let mut errors = Vec::new();
    let name = text_field("name", &b.name, crate::rules::NAME_MAX, &mut errors);
    let kind = ActivityKind::parse(&b.kind);
    if kind.is_none() {
        errors.push(FieldError {
            field: "kind".into(),
            message: "one of hall, catering, other".into(),
        });
    }
    let date = req_date("date", &b.date, &mut errors);
    check(errors)?;
    let (Some(kind), Some(date)) = (kind, date) else {
        return Err(Problem::field("date", "required"));
    };
    let new = NewActivity {
        kind,
        name,
        date,
        pax: b.pax,
        premises_id: b.premises_id,
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

/// A change of one activity.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityPatch {
    /// New date (its charges follow).
    #[schema(value_type = Option<crate::rules::EventDate>)]
    pub date: Option<String>,
    /// New PAX (its charges at the old PAX follow).
    #[schema(value_type = Option<crate::rules::Pax>)]
    #[serde(default, deserialize_with = "crate::rules::opt_int")]
    pub pax: Option<i64>,
}

/// The activity cascade, previewed or applied: one plan either way.
async fn activity_change(
    state: &AppState,
    actor: i64,
    (id, aid): (String, String),
    if_match: Option<i64>,
    b: ActivityPatch,
    dry_run: bool,
) -> Result<(i64, Plan, i64), Problem> {
    let (Ok(id), Ok(aid)) = (id.parse::<i64>(), aid.parse::<i64>()) else {
        return Err(Problem::NotFound("activity"));
    };
    let view = state.store.event(id).await?.ok_or(Problem::NotFound("event"))?;
    if !view.activities.iter().any(|a| a.id == aid) {
        return Err(Problem::NotFound("activity"));
    }
    let mut errors = Vec::new();
    let date = b.date.as_deref().and_then(|d| req_date("date", d, &mut errors));
    check(errors)?;
    let cmd = ChangeActivity { date, pax: b.pax };
    let cascade: tessera_store::Cascade =
        Box::new(move |s, event, others| tessera_events::plan_activity_change(s, aid, &cmd, event, others));
    let (plan, version) = state
        .store
        .cascade(
            id,
            "change_activity",
            cascade,
            dry_run,
            if_match,
            actor,
            state.clock.now().as_second(),
        )
        .await?;
    Ok((id, plan, version))
}

/// Changes an activity's date or PAX; its charges follow.
#[utoipa::path(patch, path = "/api/v1/events/{id}/activities/{activity_id}", tag = "events", request_body = ActivityPatch, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id"), ("activity_id" = i64, Path, description = "Activity id")),
    responses((status = 200, body = EventOut), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody), (status = 412, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn patch_activity(
    State(state): State<AppState>,
    EventManager(m): EventManager,
    axum::extract::Path(ids): axum::extract::Path<(String, String)>,
    IfMatch(v): IfMatch,
    Json(b): Json<ActivityPatch>,
) -> Result<Response, Problem> {
    let (id, _, _) = activity_change(&state, m.user.id, ids, v, b, false).await?;
    let view = state.store.event(id).await?.ok_or(Problem::NotFound("event"))?;
    Ok(with_etag(StatusCode::OK, event_out(view)))
}

/// One activity in an activity-change plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityPlanItem {
    /// Id.
    pub id: i64,
    /// Date before.
    #[schema(value_type = String, format = Date)]
    pub date_before: Date,
    /// Date after.
    #[schema(value_type = String, format = Date)]
    pub date_after: Date,
    /// PAX before.
    pub pax_before: u32,
    /// PAX after.
    pub pax_after: u32,
    /// `active` or `cancelled`.
    pub status_after: String,
}

/// One charge in an activity-change plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityPlanCharge {
    /// Id.
    pub id: i64,
    /// Service date before.
    #[schema(value_type = String, format = Date)]
    pub service_date_before: Date,
    /// Service date after.
    #[schema(value_type = String, format = Date)]
    pub service_date_after: Date,
    /// Quantity before.
    pub quantity_before: String,
    /// Quantity after.
    pub quantity_after: String,
    /// `active` or `cancelled`.
    pub status_after: String,
}

/// What an activity change would do.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityPlanOut {
    /// Always `true`: a preview writes nothing.
    pub dry_run: bool,
    /// The event's version now.
    pub version: i64,
    /// Activities that change.
    pub activities: Vec<ActivityPlanItem>,
    /// Charges that change.
    pub charges: Vec<ActivityPlanCharge>,
}

/// Previews an activity's change of date or PAX: the very plan the `PATCH` would write.
#[utoipa::path(post, path = "/api/v1/events/{id}/activities/{activity_id}/preview", tag = "events", request_body = ActivityPatch, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id"), ("activity_id" = i64, Path, description = "Activity id")),
    responses((status = 200, body = ActivityPlanOut), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody), (status = 412, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn preview_activity(
    State(state): State<AppState>,
    EventManager(m): EventManager,
    axum::extract::Path(ids): axum::extract::Path<(String, String)>,
    IfMatch(v): IfMatch,
    Json(b): Json<ActivityPatch>,
) -> Result<axum::Json<ActivityPlanOut>, Problem> {
    let (_, plan, version) = activity_change(&state, m.user.id, ids, v, b, true).await?;
    Ok(axum::Json(ActivityPlanOut {
        dry_run: true,
        version,
        activities: plan
            .activities
            .iter()
            .map(|a| ActivityPlanItem {
                id: a.id,
                date_before: a.date_before,
                date_after: a.date_after,
                pax_before: a.pax_before,
                pax_after: a.pax_after,
                status_after: a.status_after.as_str().into(),
            })
            .collect(),
        charges: plan
            .charges
            .iter()
            .map(|c| ActivityPlanCharge {
                id: c.id,
                service_date_before: c.service_date_before,
                service_date_after: c.service_date_after,
                quantity_before: c.quantity_before.to_string(),
                quantity_after: c.quantity_after.to_string(),
                status_after: c.status_after.as_str().into(),
            })
            .collect(),
    }))
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
    responses((status = 201, body = BlockOut), (status = 412, body = ProblemBody), (status = 422, body = ProblemBody)))]
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
        errors.push(FieldError {
            field: "rooms".into(),
            message: "must be at least 1".into(),
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

/// An empty body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Empty {}

/// A folio's id and status.
#[derive(Debug, Serialize, ToSchema)]
pub struct FolioStatusOut {
    /// Id.
    pub id: i64,
    /// `open` or `closed`.
    pub status: String,
}

/// Opens another folio on the event.
#[utoipa::path(post, path = "/api/v1/events/{id}/folios", tag = "events", request_body = Empty, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id")),
    responses((status = 201, body = FolioStatusOut), (status = 404, body = ProblemBody), (status = 412, body = ProblemBody)))]
pub async fn add_folio(
    State(state): State<AppState>,
    EventManager(m): EventManager,
    Number(id): Number,
    IfMatch(v): IfMatch,
    Json(_b): Json<Empty>,
) -> Result<(StatusCode, axum::Json<FolioStatusOut>), Problem> {
    let (fid, _) = state
        .store
        .add_folio(id, v, m.user.id, state.clock.now().as_second())
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(FolioStatusOut {
            id: fid,
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

fn decimal(field: &str, d: &DecimalIn, errors: &mut Vec<FieldError>) -> Decimal {
    let text = d.text();
    match Decimal::from_str(text.trim()) {
        Ok(v) if !text.contains(['e', 'E']) && v.scale() <= 6 => v,
        _ => {
            errors.push(FieldError {
                field: field.into(),
                message: "not a decimal number".into(),
            });
            Decimal::ZERO
        }
    }
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
    let quantity = decimal("quantity", &b.quantity, &mut errors);
    let unit_price = decimal("unit_price", &b.unit_price, &mut errors);
    if quantity.is_sign_negative() && !quantity.is_zero() {
        errors.push(FieldError {
            field: "quantity".into(),
            message: "must not be negative".into(),
        });
    }
    check(errors)?;
    let Some(service_date) = service_date else {
        return Err(Problem::field("service_date", "required"));
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
        status: f.status,
    }))
}

/// A PAX change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaxIn {
    /// The event's new PAX.
    #[schema(value_type = crate::rules::Pax)]
    #[serde(deserialize_with = "crate::rules::int")]
    pub pax: i64,
    /// "New PAX" typed for activities: activity id → PAX.
    #[schema(value_type = Option<crate::rules::ActivityPax>)]
    #[serde(default, deserialize_with = "crate::rules::opt_int_map")]
    pub activities: Option<BTreeMap<String, i64>>,
    /// Only show what would change.
    pub dry_run: Option<bool>,
}

/// One activity's PAX in a plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaxActivityOut {
    /// Id.
    pub id: i64,
    /// Before.
    pub pax_before: u32,
    /// After.
    pub pax_after: u32,
}

/// One charge's quantity in a plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaxChargeOut {
    /// Id.
    pub id: i64,
    /// Before.
    pub quantity_before: String,
    /// After.
    pub quantity_after: String,
}

/// What a PAX change does.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaxOut {
    /// `true` when nothing was written.
    pub dry_run: bool,
    /// The event's version after (or now, for a dry run).
    pub version: i64,
    /// PAX after.
    pub pax: u32,
    /// Activities whose PAX changes.
    pub activities: Vec<PaxActivityOut>,
    /// Charges whose quantity changes.
    pub charges: Vec<PaxChargeOut>,
}

/// Changes the event's PAX; activities and charges follow as the seed says.
#[utoipa::path(post, path = "/api/v1/events/{id}/pax", tag = "events", request_body = PaxIn, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id")),
    responses((status = 200, body = PaxOut), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody), (status = 412, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn pax(
    State(state): State<AppState>,
    EventManager(m): EventManager,
    Number(id): Number,
    IfMatch(v): IfMatch,
    Json(b): Json<PaxIn>,
) -> Result<axum::Json<PaxOut>, Problem> {
    let mut activities = BTreeMap::new();
    for (k, p) in b.activities.unwrap_or_default() {
        let id = k
            .parse::<i64>()
            .map_err(|_| Problem::field(format!("activities.{k}"), "not an activity id"))?;
        activities.insert(id, p);
    }
    let cmd = ChangePax { pax: b.pax, activities };
    let dry_run = b.dry_run.unwrap_or(false);
    let cascade: tessera_store::Cascade = Box::new(move |s, _, _| tessera_events::plan_pax_change(s, &cmd));
    let (plan, version) = state
        .store
        .cascade(
            id,
            "change_pax",
            cascade,
            dry_run,
            v,
            m.user.id,
            state.clock.now().as_second(),
        )
        .await?;
    Ok(axum::Json(PaxOut {
        dry_run,
        version,
        pax: plan.pax,
        activities: plan
            .activities
            .iter()
            .map(|a| PaxActivityOut {
                id: a.id,
                pax_before: a.pax_before,
                pax_after: a.pax_after,
            })
            .collect(),
        charges: plan
            .charges
            .iter()
            .map(|c| PaxChargeOut {
                id: c.id,
                quantity_before: c.quantity_before.to_string(),
                quantity_after: c.quantity_after.to_string(),
            })
            .collect(),
    }))
}

/// A change of the event's dates.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DatesIn {
    /// `move`, `extend`, `shorten` or `period_only`.
    pub mode: String,
    /// New first day.
    #[schema(value_type = crate::rules::EventDate)]
    pub start_date: String,
    /// New last day (not for `move`, which keeps the length).
    #[schema(value_type = Option<crate::rules::EventDate>)]
    pub end_date: Option<String>,
    /// Only show what would change.
    pub dry_run: Option<bool>,
}

/// One activity in a dates plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct DatesActivityOut {
    /// Id.
    pub id: i64,
    /// Before.
    #[schema(value_type = String, format = Date)]
    pub date_before: Date,
    /// After.
    #[schema(value_type = String, format = Date)]
    pub date_after: Date,
    /// `active` or `cancelled`.
    pub status_after: String,
}

/// One charge in a dates plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct DatesChargeOut {
    /// Id.
    pub id: i64,
    /// Before.
    #[schema(value_type = String, format = Date)]
    pub service_date_before: Date,
    /// After.
    #[schema(value_type = String, format = Date)]
    pub service_date_after: Date,
    /// `active` or `cancelled`.
    pub status_after: String,
}

/// What a change of dates does.
#[derive(Debug, Serialize, ToSchema)]
pub struct DatesOut {
    /// `true` when nothing was written.
    pub dry_run: bool,
    /// The event's version after (or now, for a dry run).
    pub version: i64,
    /// New first day.
    #[schema(value_type = String, format = Date)]
    pub start_date: Date,
    /// New last day.
    #[schema(value_type = String, format = Date)]
    pub end_date: Date,
    /// Activities that move or are cancelled.
    pub activities: Vec<DatesActivityOut>,
    /// Charges that move or are cancelled.
    pub charges: Vec<DatesChargeOut>,
}

fn dates_out(plan: &Plan, dry_run: bool, version: i64) -> DatesOut {
    DatesOut {
        dry_run,
        version,
        start_date: plan.start_date,
        end_date: plan.end_date,
        activities: plan
            .activities
            .iter()
            .map(|a| DatesActivityOut {
                id: a.id,
                date_before: a.date_before,
                date_after: a.date_after,
                status_after: a.status_after.as_str().into(),
            })
            .collect(),
        charges: plan
            .charges
            .iter()
            .map(|c| DatesChargeOut {
                id: c.id,
                service_date_before: c.service_date_before,
                service_date_after: c.service_date_after,
                status_after: c.status_after.as_str().into(),
            })
            .collect(),
    }
}

/// Changes the event's dates: move, extend, shorten or period only.
#[utoipa::path(post, path = "/api/v1/events/{id}/dates", tag = "events", request_body = DatesIn, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id")),
    responses((status = 200, body = DatesOut), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody), (status = 412, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn dates(
    State(state): State<AppState>,
    EventManager(m): EventManager,
    Number(id): Number,
    IfMatch(v): IfMatch,
    Json(b): Json<DatesIn>,
) -> Result<axum::Json<DatesOut>, Problem> {
    let mut errors = Vec::new();
    let start = req_date("start_date", &b.start_date, &mut errors);
    let end = b.end_date.as_deref().and_then(|e| req_date("end_date", e, &mut errors));
    let needs_end = b.mode != "move";
    if needs_end && b.end_date.is_none() {
        errors.push(FieldError {
            field: "end_date".into(),
            message: "is required for this mode".into(),
        });
    }
    check(errors)?;
    let Some(start_date) = start else {
        return Err(Problem::field("start_date", "required"));
    };
    let end_date = end.unwrap_or(start_date);
    let cmd = match b.mode.as_str() {
        "move" => DateChange::Move { start_date },
        "extend" => DateChange::Extend { start_date, end_date },
        "shorten" => DateChange::Shorten { start_date, end_date },
        "period_only" => DateChange::PeriodOnly { start_date, end_date },
        _ => return Err(Problem::field("mode", "one of move, extend, shorten, period_only")),
    };
    let dry_run = b.dry_run.unwrap_or(false);
    let cascade: tessera_store::Cascade =
        Box::new(move |s, event, others| tessera_events::plan_date_change(s, &cmd, event, others));
    let (plan, version) = state
        .store
        .cascade(
            id,
            "change_dates",
            cascade,
            dry_run,
            v,
            m.user.id,
            state.clock.now().as_second(),
        )
        .await?;
    Ok(axum::Json(dates_out(&plan, dry_run, version)))
}

/// One line of the audit trail.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditOut {
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Who.
    pub actor_id: i64,
    /// Which command (`create`, `add_activity`, `change_pax`, `change_dates`, …).
    pub command: String,
    /// What changed: the plan, or the item added.
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
    /// The version the change made.
    pub version: i64,
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
    state.store.event(id).await?.ok_or(Problem::NotFound("event"))?;
    let rows = state.store.event_audit(id, after, limit + 1).await?;
    let (rows, next_cursor) = crate::wire::page_of(rows, limit, |a| a.id);
    let items = rows
        .into_iter()
        .map(|a| AuditOut {
            at: crate::wire::instant_s(a.at, &jiff::tz::TimeZone::UTC),
            actor_id: a.actor_id,
            command: a.command,
            detail: serde_json::from_str(&a.detail).unwrap_or(serde_json::Value::Null),
            version: a.version_after,
        })
        .collect();
    Ok(axum::Json(crate::wire::Page { items, next_cursor }))
}
