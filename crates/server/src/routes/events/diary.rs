//! The hall diary: halls × days for a venue, every event's live activities
//! in their halls.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use tessera_domain::refusal::Refusal;
use utoipa::{IntoParams, ToSchema};

use super::EventManager;
use crate::AppState;
use crate::error::{FieldFault, Problem, ProblemBody};
use crate::extract::Query;
use crate::wire::{check, parse_date};

/// The longest stretch one diary answers (a year and a day).
pub const DIARY_DAYS_MAX: i32 = 366;

/// Which venue and days.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DiaryQuery {
    /// The venue.
    pub venue_id: String,
    /// First day, `YYYY-MM-DD`.
    pub from: String,
    /// Last day, included (at most 366 days after `from`).
    pub to: String,
}

/// An event as the diary names it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DiaryEvent {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
}

/// An activity in a hall.
#[derive(Debug, Serialize, ToSchema)]
pub struct DiaryActivity {
    /// Its event.
    pub event: DiaryEvent,
    /// The activity.
    pub activity_id: i64,
    /// Its name.
    pub name: String,
    /// Its day.
    pub date: String,
    /// Start, `HH:MM` in the venue's time zone (`null`: the whole day).
    pub start_time: Option<String>,
    /// End, `HH:MM`, excluded (`null`: the whole day).
    pub end_time: Option<String>,
    /// PAX.
    pub pax: i64,
}

/// A hall with what it holds.
#[derive(Debug, Serialize, ToSchema)]
pub struct DiaryHallOut {
    /// The hall (premises of kind `hall`).
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its activities, by day and start.
    pub activities: Vec<DiaryActivity>,
}

/// The diary.
#[derive(Debug, Serialize, ToSchema)]
pub struct DiaryOut {
    /// The venue's halls.
    pub halls: Vec<DiaryHallOut>,
}

/// The venue's halls and every event's live activities in them, day by day.
#[utoipa::path(get, path = "/api/v1/halls/diary", tag = "events", params(DiaryQuery), security(("bearer" = [])),
    responses((status = 200, body = DiaryOut), (status = 400, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn diary(
    State(state): State<AppState>,
    _m: EventManager,
    Query(q): Query<DiaryQuery>,
) -> Result<axum::Json<DiaryOut>, Problem> {
    let mut errors = Vec::new();
    let venue_id = q.venue_id.trim().parse::<i64>().ok().filter(|v| *v > 0);
    if venue_id.is_none() {
        errors.push(FieldFault {
            field: "venue_id".into(),
            refusal: Refusal::NoSuchVenue,
        });
    }
    let from = parse_date("from", q.from.trim(), &mut errors);
    let to = parse_date("to", q.to.trim(), &mut errors);
    if let (Some(f), Some(t)) = (from, to) {
        if t < f {
            errors.push(FieldFault {
                field: "to".into(),
                refusal: Refusal::BeforeStart,
            });
        } else if f.until(t).map_or(true, |s| s.get_days() > DIARY_DAYS_MAX) {
            errors.push(FieldFault {
                field: "to".into(),
                refusal: Refusal::TooManyDays(DIARY_DAYS_MAX),
            });
        }
    }
    check(errors)?;
    let (Some(venue_id), Some(from), Some(to)) = (venue_id, from, to) else {
        return Err(Problem::field("from", Refusal::Required));
    };
    let halls = state
        .store
        .hall_diary(venue_id, from.to_string(), to.to_string())
        .await?
        .ok_or_else(|| Problem::field("venue_id", Refusal::NoSuchVenue))?;
    Ok(axum::Json(DiaryOut {
        halls: halls
            .into_iter()
            .map(|h| DiaryHallOut {
                id: h.id,
                name: h.name,
                activities: h
                    .activities
                    .into_iter()
                    .map(|a| {
                        let times = a.time.hh_mm();
                        DiaryActivity {
                            event: DiaryEvent {
                                id: a.event_id,
                                name: a.event_name,
                            },
                            activity_id: a.activity_id,
                            name: a.name,
                            date: a.date,
                            start_time: times.as_ref().map(|t| t.0.clone()),
                            end_time: times.map(|t| t.1),
                            pax: a.pax,
                        }
                    })
                    .collect(),
            })
            .collect(),
    }))
}
