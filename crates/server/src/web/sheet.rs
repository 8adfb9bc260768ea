//! The event sheet (function sheet, BEO): one printable page per event for
//! the banquet staff — each day's activities with times, hall, PAX and
//! notes, the room blocks, and the folios' lines and totals.

use askama::Template;
use axum::extract::{Path, State};
use tessera_domain::money::cents_text;
use tessera_domain::money_text::{money_text, number_text};
use tessera_events::ItemStatus;

use super::format::day;
use super::viewer::Area;
use super::{Html, Viewer, WebError, render};
use crate::AppState;

/// An activity on the sheet.
pub struct SheetActivity {
    time: String,
    name: String,
    hall: String,
    pax: i64,
    notes: String,
}

/// A day of the event.
pub struct SheetDay {
    date: String,
    activities: Vec<SheetActivity>,
}

/// A charge line.
pub struct SheetLine {
    description: String,
    date: String,
    quantity: String,
    unit_price: String,
    amount: String,
}

/// A folio on the sheet: its active lines and total.
pub struct SheetFolio {
    title: String,
    lines: Vec<SheetLine>,
    total: String,
}

/// A block on the sheet.
pub struct SheetBlock {
    name: String,
    rooms: i64,
}

#[derive(Template)]
#[template(path = "sheet.html")]
struct SheetPage {
    v: Viewer,
    id: i64,
    name: String,
    venue: String,
    period: String,
    pax: i64,
    cancelled: bool,
    days: Vec<SheetDay>,
    blocks: Vec<SheetBlock>,
    folios: Vec<SheetFolio>,
}

/// The sheet.
pub async fn sheet(State(state): State<AppState>, v: Viewer, Path(id): Path<String>) -> Result<Html, WebError> {
    v.require(Area::Events)?;
    let l = v.locale;
    let id: i64 = id.parse().map_err(|_| WebError::NotFound(l))?;
    let e = state.store.event(id).await?.ok_or(WebError::NotFound(l))?;
    let venue = state.store.venue(e.venue_id).await?.map(|x| x.name).unwrap_or_default();
    let premises = state.store.premises_list(Some(e.venue_id)).await?;
    let hall_name = |p: Option<i64>| {
        p.and_then(|p| premises.iter().find(|x| x.id == p))
            .map(|x| x.name.clone())
            .unwrap_or_default()
    };
    let mut dates: Vec<String> = e
        .activities
        .iter()
        .filter(|a| a.status == ItemStatus::Active)
        .map(|a| a.date.clone())
        .collect();
    dates.dedup();
    // Activities are read by day and start, so each day's list is in order.
    let days = dates
        .into_iter()
        .map(|d| SheetDay {
            date: day(&d, l),
            activities: e
                .activities
                .iter()
                .filter(|a| a.status == ItemStatus::Active && a.date == d)
                .map(|a| SheetActivity {
                    time: super::format::day_time(a.time, v.ui.whole_day),
                    name: a.name.clone(),
                    hall: hall_name(a.premises_id),
                    pax: a.pax,
                    notes: a.notes.clone(),
                })
                .collect(),
        })
        .collect();
    let blocks = e
        .blocks
        .iter()
        .filter(|b| b.status == ItemStatus::Active)
        .map(|b| SheetBlock {
            name: b.name.clone(),
            rooms: b.rooms,
        })
        .collect();
    let folios = e
        .folios
        .iter()
        .map(|f| {
            let mine: Vec<&tessera_store::ChargeRow> = e
                .charges
                .iter()
                .filter(|c| c.folio_id == f.id && c.status == ItemStatus::Active)
                .collect();
            let totals = tessera_events::folio_totals(
                mine.iter()
                    .map(|c| (c.status, c.currency.as_str(), c.quantity, c.unit_price)),
            );
            SheetFolio {
                title: super::format::folio_title(v.ui.folio, f.id, &f.name),
                lines: mine
                    .iter()
                    .map(|c| SheetLine {
                        description: c.description.clone(),
                        date: day(&c.service_date, l),
                        quantity: number_text(&c.quantity.to_string(), l),
                        unit_price: money_text(&c.unit_price.to_string(), &c.currency, l),
                        amount: tessera_events::charge_amount(c.quantity, c.unit_price)
                            .map(|a| money_text(&cents_text(a), &c.currency, l))
                            .unwrap_or_default(),
                    })
                    .collect(),
                total: super::format::totals_text(&totals, l),
            }
        })
        .collect();
    let page = SheetPage {
        id: e.id,
        name: e.name.clone(),
        venue,
        period: format!("{} - {}", day(&e.start_date, l), day(&e.end_date, l)),
        pax: e.pax,
        cancelled: e.status == ItemStatus::Cancelled,
        days,
        blocks,
        folios,
        v,
    };
    render(&page, l)
}
