//! The hall diary page: a venue's halls × a week of days, every event's
//! activities in their halls, each a link to its event.

use askama::Template;
use axum::extract::{Query, State};
use jiff::civil::Date;
use serde::Deserialize;

use super::format::day;
use super::viewer::Area;
use super::{Html, Viewer, WebError, render};
use crate::AppState;

/// What the page's form asks for; anything unreadable falls back to the default.
#[derive(Debug, Default, Deserialize)]
pub struct DiaryParams {
    venue_id: Option<String>,
    from: Option<String>,
}

/// A venue to pick.
pub struct VenueChoice {
    id: i64,
    name: String,
    selected: bool,
}

/// One activity in a cell.
pub struct Held {
    event_id: i64,
    event_name: String,
    name: String,
    time: String,
    pax: i64,
}

/// A hall's row: one cell per day.
pub struct HallRow {
    id: i64,
    name: String,
    days: Vec<Vec<Held>>,
}

#[derive(Template)]
#[template(path = "diary.html")]
struct DiaryPage {
    v: Viewer,
    venues: Vec<VenueChoice>,
    venue_id: i64,
    from: String,
    previous: String,
    next: String,
    days: Vec<String>,
    halls: Vec<HallRow>,
}

const DAYS: i64 = 7;

fn shift(d: Date, days: i64) -> Date {
    d.checked_add(jiff::Span::new().days(days)).unwrap_or(d)
}

/// The diary.
pub async fn diary(State(state): State<AppState>, v: Viewer, Query(q): Query<DiaryParams>) -> Result<Html, WebError> {
    v.require(Area::Events)?;
    let l = v.locale;
    let all = state.store.venues().await?;
    let wanted = q
        .venue_id
        .as_deref()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .filter(|w| all.iter().any(|x| x.id == *w));
    let venue_id = match wanted {
        Some(id) => id,
        // None asked for: the first venue with a hall, the premises read only then.
        None => {
            let premises = state.store.premises_list(None).await?;
            let has_halls = |venue: i64| {
                premises.iter().any(|p| {
                    p.venue_id == venue
                        && p.kind == tessera_domain::premises::PremisesKind::Hall
                        && p.archived_at.is_none()
                })
            };
            all.iter()
                .find(|x| has_halls(x.id))
                .or_else(|| all.first())
                .map_or(0, |x| x.id)
        }
    };
    let zone = all
        .iter()
        .find(|x| x.id == venue_id)
        .map(|x| crate::wire::zone(&x.time_zone))
        .unwrap_or(jiff::tz::TimeZone::UTC);
    let today = state.clock.now().to_zoned(zone).date();
    let from = q
        .from
        .as_deref()
        .and_then(|s| s.trim().parse::<Date>().ok())
        .filter(|d| tessera_events::in_event_years(*d))
        .unwrap_or(today);
    let to = shift(from, DAYS - 1);
    let dates: Vec<Date> = (0..DAYS).map(|i| shift(from, i)).collect();
    let diary = state
        .store
        .hall_diary(venue_id, from.to_string(), to.to_string())
        .await?
        .unwrap_or_default();
    let halls = diary
        .into_iter()
        .map(|h| HallRow {
            id: h.id,
            name: h.name,
            days: dates
                .iter()
                .map(|d| {
                    let d = d.to_string();
                    h.activities
                        .iter()
                        .filter(|a| a.date == d)
                        .map(|a| Held {
                            event_id: a.event_id,
                            event_name: a.event_name.clone(),
                            name: a.name.clone(),
                            time: super::format::day_time(a.time, v.ui.whole_day),
                            pax: a.pax,
                        })
                        .collect()
                })
                .collect(),
        })
        .collect();
    let page = DiaryPage {
        venues: all
            .iter()
            .filter(|x| x.archived_at.is_none())
            .map(|x| VenueChoice {
                id: x.id,
                name: x.name.clone(),
                selected: x.id == venue_id,
            })
            .collect(),
        venue_id,
        from: from.to_string(),
        previous: shift(from, -DAYS).to_string(),
        next: shift(from, DAYS).to_string(),
        days: dates.iter().map(|d| day(&d.to_string(), l)).collect(),
        halls,
        v,
    };
    render(&page, l)
}
