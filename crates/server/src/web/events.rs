//! The events area: the list and an event's page with its dialogs.

use askama::Template;
use axum::extract::{Path, State};
use rust_decimal::Decimal;
use std::str::FromStr;
use tessera_domain::money_text::{money_text, number_text};
use tessera_domain::{Locale, Money};
use tessera_events::Change;

use super::format::day;
use super::{Html, Viewer, WebError, render};
use crate::AppState;

/// A row of the events list.
pub struct EventRow {
    id: i64,
    name: String,
    period: String,
    pax: i64,
}

#[derive(Template)]
#[template(path = "events.html")]
struct ListPage {
    v: Viewer,
    rows: Vec<EventRow>,
}

/// The events list.
pub async fn list(State(state): State<AppState>, v: Viewer) -> Result<Html, WebError> {
    v.require(v.can_events)?;
    let l = v.locale;
    let rows = state
        .store
        .events(None, 500)
        .await?
        .into_iter()
        .map(|(id, name, start, end, pax)| EventRow {
            id,
            name,
            period: format!("{} - {}", day(&start, l), day(&end, l)),
            pax,
        })
        .collect();
    render(&ListPage { v, rows }, l)
}

/// An activity on the page.
pub struct ActivityLine {
    id: i64,
    kind: &'static str,
    name: String,
    date: String,
    date_iso: String,
    pax: i64,
    /// At the event's default PAX: the PAX dialog fills its new PAX in.
    at_default: bool,
    active: bool,
    status: &'static str,
}

/// A charge on the page.
pub struct ChargeLine {
    id: i64,
    description: String,
    service_date: String,
    quantity: String,
    unit_price: String,
    amount: String,
    active: bool,
    status: &'static str,
    pinned: bool,
    activity: Option<String>,
}

/// A folio with its charges.
pub struct FolioBox {
    id: i64,
    open: bool,
    charges: Vec<ChargeLine>,
    total: String,
}

/// A room block.
pub struct BlockLine {
    name: String,
    rooms: i64,
    period: String,
}

/// A line of the audit trail.
pub struct AuditLine {
    at: String,
    who: String,
    command: String,
    version: i64,
}

#[derive(Template)]
#[template(path = "event.html")]
struct EventPage {
    v: Viewer,
    id: i64,
    name: String,
    period: String,
    start_iso: String,
    end_iso: String,
    pax: i64,
    version: i64,
    activities: Vec<ActivityLine>,
    blocks: Vec<BlockLine>,
    folios: Vec<FolioBox>,
    audit: Vec<AuditLine>,
}

fn kind_text(kind: &str, v: &Viewer) -> &'static str {
    match kind {
        "hall" => v.ui.kind_hall,
        "catering" => v.ui.kind_catering,
        _ => v.ui.kind_other,
    }
}

fn command_text(command: Change, l: Locale) -> &'static str {
    use crate::i18n::pick;
    match command {
        Change::Create => pick(l, "Создано мероприятие", "Създадено мероприятие", "Event created"),
        Change::AddActivity => pick(l, "Добавлена активность", "Добавена дейност", "Activity added"),
        Change::AddBlock => pick(l, "Добавлен блок", "Добавен блок", "Block added"),
        Change::AddFolio => pick(l, "Добавлено фолио", "Добавено фолио", "Folio added"),
        Change::AddCharge => pick(l, "Добавлено начисление", "Добавено начисление", "Charge added"),
        Change::CloseFolio => pick(l, "Фолио закрыто", "Фолиото е затворено", "Folio closed"),
        Change::ChangePax => pick(l, "Изменён PAX", "Променен PAX", "PAX changed"),
        Change::ChangeDates => pick(l, "Изменены даты", "Променени дати", "Dates changed"),
        Change::ChangeActivity => pick(l, "Изменена активность", "Променена дейност", "Activity changed"),
    }
}

/// An event's page.
pub async fn event(State(state): State<AppState>, v: Viewer, Path(id): Path<String>) -> Result<Html, WebError> {
    v.require(v.can_events)?;
    let l = v.locale;
    let id: i64 = id.parse().map_err(|_| WebError::NotFound(l))?;
    let e = state.store.event(id).await?.ok_or(WebError::NotFound(l))?;
    let audit_rows = state.store.event_audit_newest(id, 50).await?;
    let time_zone = match state.store.venue(e.venue_id).await? {
        Some(venue) => venue.time_zone,
        None => "UTC".into(),
    };
    let mut audit = Vec::with_capacity(audit_rows.len());
    for a in &audit_rows {
        let who = match state.store.user(a.actor_id).await? {
            Some(u) => format!("{} {}", u.first_name, u.last_name),
            None => a.actor_id.to_string(),
        };
        audit.push(AuditLine {
            at: super::format::instant(a.at, &time_zone, l),
            who,
            command: command_text(a.command, l).to_owned(),
            version: a.version_after,
        });
    }
    let activity_name = |aid: i64| e.activities.iter().find(|a| a.id == aid).map(|a| a.name.clone());
    let activities = e
        .activities
        .iter()
        .map(|a| ActivityLine {
            id: a.id,
            kind: kind_text(&a.kind, &v),
            name: a.name.clone(),
            date: day(&a.date, l),
            date_iso: a.date.clone(),
            pax: a.pax,
            at_default: a.pax == e.pax,
            active: a.status == "active",
            status: if a.status == "active" {
                v.ui.active
            } else {
                v.ui.cancelled
            },
        })
        .collect();
    let blocks = e
        .blocks
        .iter()
        .map(|b| BlockLine {
            name: b.name.clone(),
            rooms: b.rooms,
            period: format!("{} - {}", day(&b.start_date, l), day(&b.end_date, l)),
        })
        .collect();
    let folios = e
        .folios
        .iter()
        .map(|f| {
            let mut total = Money::ZERO;
            let mut currency = String::new();
            let charges = e
                .charges
                .iter()
                .filter(|c| c.folio_id == f.id)
                .map(|c| {
                    // Priced as the domain prices everything: rounded to cents.
                    let quantity = Decimal::from_str(&c.quantity).unwrap_or_default();
                    let amount = Money::parse(&c.unit_price).unwrap_or(Money::ZERO).times(quantity);
                    let active = c.status == "active";
                    if active {
                        total = total.plus(amount);
                    }
                    currency.clone_from(&c.currency);
                    ChargeLine {
                        id: c.id,
                        description: c.description.clone(),
                        service_date: day(&c.service_date, l),
                        quantity: number_text(&c.quantity, l),
                        unit_price: money_text(&c.unit_price, &c.currency, l),
                        amount: money_text(&amount.to_wire(), &c.currency, l),
                        active,
                        status: if active { v.ui.active } else { v.ui.cancelled },
                        pinned: c.follows_pax == 0,
                        activity: c.activity_id.and_then(activity_name),
                    }
                })
                .collect();
            FolioBox {
                id: f.id,
                open: f.status == "open",
                charges,
                total: money_text(&total.to_wire(), &currency, l),
            }
        })
        .collect();
    let page = EventPage {
        id: e.id,
        name: e.name.clone(),
        period: format!("{} - {}", day(&e.start_date, l), day(&e.end_date, l)),
        start_iso: e.start_date.clone(),
        end_iso: e.end_date.clone(),
        pax: e.pax,
        version: e.version,
        activities,
        blocks,
        folios,
        audit,
        v,
    };
    render(&page, l)
}
