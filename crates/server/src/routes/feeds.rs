//! Calendar feeds (RFC 5545): a caller's tickets and a hall's activities.
//! Calendar apps cannot sign in, so a feed also opens with `?key=` — the
//! caller's feed key, stored hashed; a new key ends the old one.

use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, TimeZone as _, Utc};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus, Property};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use tessera_domain::refusal::Thing;
use tessera_domain::{Locale, PeriodInput, Role, TicketStatus};
use tessera_store::TicketFilter;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::{Caller, new_token, token_hash};
use crate::error::{Problem, ProblemBody};
use crate::extract::{Number, Query};
use crate::i18n;

/// `?key=` for calendar apps.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FeedQuery {
    /// A feed key (`POST /api/v1/me/feed-key`), instead of a bearer token.
    #[allow(
        dead_code,
        reason = "FeedReader reads it; this struct states it and refuses any other parameter"
    )]
    pub key: Option<String>,
}

/// Whoever asks for a feed: a signed-in caller, or the holder of a feed key.
pub struct FeedReader(pub Caller);

impl FromRequestParts<AppState> for FeedReader {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let key = parts.uri.query().and_then(|q| {
            form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "key")
                .map(|(_, v)| v.into_owned())
        });
        let Some(key) = key.filter(|k| !k.is_empty()) else {
            return Caller::from_request_parts(parts, state).await.map(FeedReader);
        };
        if key.len() > 256 {
            return Err(Problem::Unauthenticated);
        }
        let hash = token_hash(&key);
        let user = state
            .store
            .feed_key_user(&hash)
            .await?
            .ok_or(Problem::Unauthenticated)?;
        let role = Role::parse(&user.role).ok_or(Problem::Forbidden)?;
        Ok(FeedReader(Caller {
            user,
            role,
            token_hash: String::new(),
        }))
    }
}

/// A new feed key.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedKeyOut {
    /// Put it in a feed's address as `?key=…`; shown only here.
    pub key: String,
}

/// Makes a new feed key for the caller; the old one stops opening feeds.
#[utoipa::path(post, path = "/api/v1/me/feed-key", tag = "visitor", security(("bearer" = [])),
    responses((status = 200, body = FeedKeyOut), (status = 401, body = ProblemBody)))]
pub async fn new_key(State(state): State<AppState>, caller: Caller) -> Result<axum::Json<FeedKeyOut>, Problem> {
    let key = new_token();
    state
        .store
        .set_feed_key(caller.user.id, token_hash(&key), state.clock.now().as_second())
        .await?;
    Ok(axum::Json(FeedKeyOut { key }))
}

fn utc(t: Timestamp) -> chrono::DateTime<Utc> {
    Utc.timestamp_opt(t.as_second(), 0).single().unwrap_or_default()
}

fn naive(d: Date) -> NaiveDate {
    NaiveDate::from_ymd_opt(
        i32::from(d.year()),
        u32::from(d.month() as u8),
        u32::from(d.day() as u8),
    )
    .unwrap_or_default()
}

fn calendar_answer(mut cal: Calendar) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/calendar; charset=utf-8"),
        )],
        cal.done().to_string(),
    )
        .into_response()
}

fn word(l: Locale, ru: &'static str, bg: &'static str, en: &'static str) -> &'static str {
    match l {
        Locale::Ru => ru,
        Locale::Bg => bg,
        Locale::En => en,
    }
}

/// The caller's tickets: whole-day tickets as all-day events, slots in
/// UTC, the venue's zone named; cancelled ones marked cancelled.
#[utoipa::path(get, path = "/api/v1/me/calendar.ics", tag = "visitor", params(FeedQuery), security(("bearer" = [])),
    responses((status = 200, description = "An iCalendar feed", content_type = "text/calendar"), (status = 401, body = ProblemBody)))]
pub async fn my_calendar(
    State(state): State<AppState>,
    FeedReader(caller): FeedReader,
    Query(_q): Query<FeedQuery>,
) -> Result<Response, Problem> {
    let l = Locale::parse(&caller.user.locale).unwrap_or(state.config.default_locale);
    let now = state.clock.now();
    let mut filter = TicketFilter {
        visitor_id: Some(caller.user.id),
        limit: 500,
        ..TicketFilter::default()
    };
    let mut cal = Calendar::new();
    cal.name(word(
        l,
        "Мои билеты · Tessera",
        "Моите билети · Tessera",
        "My tickets · Tessera",
    ));
    let mut zone_named = false;
    loop {
        let page = state.store.list_tickets(&filter, now).await?;
        for t in page.items {
            if !zone_named {
                cal.append_property(Property::new("X-WR-TIMEZONE", &t.time_zone));
                zone_named = true;
            }
            let mut e = Event::new();
            e.uid(&format!("ticket-{}@tessera", t.number))
                .summary(&format!(
                    "{} · {} ({} {})",
                    t.premises.1,
                    t.workplace.1,
                    word(l, "билет", "билет", "ticket"),
                    t.number
                ))
                .location(&t.premises.1)
                .add_property("X-TESSERA-TIME-ZONE", &t.time_zone)
                .add_property("X-TESSERA-STATUS", i18n::ticket_status(t.status, l));
            if let Some(directions) = t.premises.2.as_deref().filter(|d| !d.is_empty()) {
                e.description(directions);
            }
            match t.period.input() {
                PeriodInput::Days { start_date, end_date } => {
                    let after = end_date.tomorrow().unwrap_or(end_date);
                    e.starts(naive(start_date)).ends(naive(after));
                }
                PeriodInput::Slot { .. } => {
                    e.starts(utc(t.period.start())).ends(utc(t.period.end()));
                }
            }
            e.status(match t.status {
                TicketStatus::Cancelled => EventStatus::Cancelled,
                TicketStatus::New => EventStatus::Tentative,
                _ => EventStatus::Confirmed,
            });
            cal.push(e.done());
        }
        match page.next_before {
            Some(before) => filter.before = Some(before),
            None => break,
        }
    }
    Ok(calendar_answer(cal))
}

/// A hall's activities, every event's, cancelled ones marked cancelled; a
/// whole-day activity as an all-day event.
#[utoipa::path(get, path = "/api/v1/halls/{id}/calendar.ics", tag = "events", params(("id" = i64, Path, description = "The hall (premises) id"), FeedQuery), security(("bearer" = [])),
    responses((status = 200, description = "An iCalendar feed", content_type = "text/calendar"), (status = 401, body = ProblemBody), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
pub async fn hall_calendar(
    State(state): State<AppState>,
    FeedReader(caller): FeedReader,
    Number(id): Number,
    Query(_q): Query<FeedQuery>,
) -> Result<Response, Problem> {
    if !caller.role.manages_events() {
        return Err(Problem::Forbidden);
    }
    let (hall, activities) = state
        .store
        .hall_activities(id)
        .await?
        .filter(|(h, _)| h.kind == "hall")
        .ok_or(Problem::NotFound(Thing::Premises))?;
    let tz = crate::wire::zone(&hall.time_zone);
    let mut cal = Calendar::new();
    cal.name(&format!("{} · Tessera", hall.name));
    cal.append_property(Property::new("X-WR-TIMEZONE", &hall.time_zone));
    for a in activities {
        let Ok(day) = a.date.parse::<Date>() else {
            continue;
        };
        let mut e = Event::new();
        e.uid(&format!("activity-{}@tessera", a.id))
            .summary(&format!("{} · {}", a.event_name, a.name))
            .location(&hall.name)
            .add_property("X-TESSERA-TIME-ZONE", &hall.time_zone)
            .add_property("X-TESSERA-PAX", a.pax.to_string())
            .add_property("X-TESSERA-EVENT", a.event_id.to_string());
        if !a.notes.is_empty() {
            e.description(&a.notes);
        }
        if a.start_min == 0 && a.end_min >= 1440 {
            e.starts(naive(day)).ends(naive(day.tomorrow().unwrap_or(day)));
        } else {
            let at = |minutes: i64| {
                day.at(0, 0, 0, 0)
                    .to_zoned(tz.clone())
                    .ok()
                    .and_then(|z| z.checked_add(jiff::SignedDuration::from_mins(minutes)).ok())
                    .map(|z| z.timestamp())
                    .unwrap_or(Timestamp::UNIX_EPOCH)
            };
            e.starts(utc(at(a.start_min))).ends(utc(at(a.end_min)));
        }
        e.status(if a.status == "cancelled" {
            EventStatus::Cancelled
        } else {
            EventStatus::Confirmed
        });
        cal.push(e.done());
    }
    Ok(calendar_answer(cal))
}
