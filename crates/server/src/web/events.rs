//! The events area: the list and an event's page with its dialogs.

use askama::Template;
use axum::extract::{Path, State};
use tessera_domain::Locale;
use tessera_domain::money::cents_text;
use tessera_domain::money_text::{money_text, number_text};
use tessera_events::{ActivityKind, Change, FolioStatus, ItemStatus};

use super::format::day;
use super::viewer::Area;
use super::{Html, Viewer, WebError, render};
use crate::AppState;

/// A row of the events list.
pub struct EventRow {
    id: i64,
    name: String,
    period: String,
    pax: i64,
}

/// A choice in a select: its value and what it reads.
pub struct Choice {
    id: i64,
    name: String,
}

#[derive(Template)]
#[template(path = "events.html")]
struct ListPage {
    v: Viewer,
    rows: Vec<EventRow>,
    /// Venues an event may be created at.
    venues: Vec<Choice>,
    /// The first day offered for a new event.
    today: String,
}

/// The events list.
pub async fn list(State(state): State<AppState>, v: Viewer) -> Result<Html, WebError> {
    v.require(Area::Events)?;
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
    let venues = state
        .store
        .venues()
        .await?
        .into_iter()
        .filter(|x| x.archived_at.is_none())
        .map(|x| Choice { id: x.id, name: x.name })
        .collect();
    let today = state.clock.now().to_zoned(jiff::tz::TimeZone::UTC).date().to_string();
    render(&ListPage { v, rows, venues, today }, l)
}

/// An activity on the page.
pub struct ActivityLine {
    id: i64,
    kind: &'static str,
    name: String,
    date: String,
    date_iso: String,
    /// `09:00–13:00`, or the whole day.
    time: String,
    /// `HH:MM` for the edit dialog; empty for the whole day.
    start_iso: String,
    end_iso: String,
    notes: String,
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
    /// The values as the edit dialog takes them.
    service_date_iso: String,
    quantity_raw: String,
    unit_price_raw: String,
    quantity: String,
    unit_price: String,
    amount: String,
    active: bool,
    status: &'static str,
    /// Why it was voided, shown beside its status.
    void_reason: Option<String>,
    /// Active in an open folio: it may be corrected, voided, transferred.
    changeable: bool,
    pinned: bool,
    activity: Option<String>,
}

/// A folio with its charges.
pub struct FolioBox {
    id: i64,
    /// As pages name it: `Фолио 2 · Организатор`.
    title: String,
    open: bool,
    charges: Vec<ChargeLine>,
    total: String,
}

/// A room block.
pub struct BlockLine {
    id: i64,
    name: String,
    rooms: i64,
    period: String,
    active: bool,
    status: &'static str,
}

/// A line of the audit trail.
pub struct AuditLine {
    at: String,
    who: String,
    command: String,
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
    /// Whether the whole event is cancelled.
    cancelled: bool,
    /// The venue's halls, for a new activity.
    halls: Vec<Choice>,
    /// Live activities, for a charge posted through one.
    live_activities: Vec<Choice>,
    /// Open folios, for a transfer.
    open_folios: Vec<Choice>,
}

impl EventPage {
    /// Where the event's charges are exported.
    fn charges_export(&self) -> String {
        format!("/api/v1/events/{}/charges/export", self.id)
    }
}

fn kind_text(kind: ActivityKind, v: &Viewer) -> &'static str {
    match kind {
        ActivityKind::Hall => v.ui.kind_hall,
        ActivityKind::Catering => v.ui.kind_catering,
        ActivityKind::Other => v.ui.kind_other,
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
        Change::EditCharge => pick(l, "Исправлено начисление", "Коригирано начисление", "Charge corrected"),
        Change::VoidCharge => pick(
            l,
            "Начисление аннулировано",
            "Начислението е анулирано",
            "Charge voided",
        ),
        Change::TransferCharge => pick(
            l,
            "Начисление перенесено в другое фолио",
            "Начислението е прехвърлено в друго фолио",
            "Charge moved to another folio",
        ),
        Change::CancelActivity => pick(l, "Активность отменена", "Дейността е анулирана", "Activity cancelled"),
        Change::CancelEvent => pick(
            l,
            "Мероприятие отменено",
            "Мероприятието е анулирано",
            "Event cancelled",
        ),
        Change::RenameEvent => pick(
            l,
            "Мероприятие переименовано",
            "Мероприятието е преименувано",
            "Event renamed",
        ),
        Change::EditBlock => pick(l, "Изменён блок номеров", "Променен блок стаи", "Room block changed"),
        Change::CancelBlock => pick(
            l,
            "Блок номеров отменён",
            "Блокът стаи е анулиран",
            "Room block cancelled",
        ),
    }
}

/// An event's page.
pub async fn event(State(state): State<AppState>, v: Viewer, Path(id): Path<String>) -> Result<Html, WebError> {
    v.require(Area::Events)?;
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
        });
    }
    let activity_name = |aid: i64| e.activities.iter().find(|a| a.id == aid).map(|a| a.name.clone());
    let activities = e
        .activities
        .iter()
        .map(|a| ActivityLine {
            id: a.id,
            kind: kind_text(a.kind, &v),
            name: a.name.clone(),
            date: day(&a.date, l),
            date_iso: a.date.clone(),
            time: super::format::day_time(a.time, v.ui.whole_day),
            start_iso: a.time.hh_mm().map(|t| t.0).unwrap_or_default(),
            end_iso: a.time.hh_mm().map(|t| t.1).unwrap_or_default(),
            notes: a.notes.clone(),
            pax: a.pax,
            at_default: a.pax == e.pax,
            active: a.status == ItemStatus::Active,
            status: if a.status == ItemStatus::Active {
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
            id: b.id,
            name: b.name.clone(),
            rooms: b.rooms,
            period: format!("{} - {}", day(&b.start_date, l), day(&b.end_date, l)),
            active: b.status == ItemStatus::Active,
            status: if b.status == ItemStatus::Active {
                v.ui.active
            } else {
                v.ui.cancelled
            },
        })
        .collect();
    let folios = e
        .folios
        .iter()
        .map(|f| {
            let mine: Vec<&tessera_store::ChargeRow> = e.charges.iter().filter(|c| c.folio_id == f.id).collect();
            // One rule for every total: the events domain's.
            let totals = tessera_events::folio_totals(
                mine.iter()
                    .map(|c| (c.status, c.currency.as_str(), c.quantity, c.unit_price)),
            );
            let charges = e
                .charges
                .iter()
                .filter(|c| c.folio_id == f.id)
                .map(|c| {
                    // Rounded to cents, as the folio totals count each line.
                    let amount = tessera_events::charge_amount(c.quantity, c.unit_price);
                    let active = c.status == ItemStatus::Active;
                    ChargeLine {
                        id: c.id,
                        description: c.description.clone(),
                        service_date: day(&c.service_date, l),
                        service_date_iso: c.service_date.clone(),
                        quantity_raw: c.quantity.normalize().to_string(),
                        unit_price_raw: c.unit_price.to_string(),
                        quantity: number_text(&c.quantity.to_string(), l),
                        unit_price: money_text(&c.unit_price.to_string(), &c.currency, l),
                        amount: amount
                            .map(|a| money_text(&cents_text(a), &c.currency, l))
                            .unwrap_or_default(),
                        active,
                        status: match c.status {
                            ItemStatus::Active => v.ui.active,
                            ItemStatus::Cancelled => v.ui.cancelled,
                            ItemStatus::Void => v.ui.voided,
                        },
                        void_reason: c.void_reason.clone(),
                        changeable: active && f.status == FolioStatus::Open,
                        pinned: c.follows_pax == 0,
                        activity: c.activity_id.and_then(activity_name),
                    }
                })
                .collect();
            FolioBox {
                id: f.id,
                title: super::format::folio_title(v.ui.folio, f.id, &f.name),
                open: f.status == FolioStatus::Open,
                charges,
                total: super::format::totals_text(&totals, l),
            }
        })
        .collect();
    let halls = state
        .store
        .premises_list(Some(e.venue_id))
        .await?
        .into_iter()
        .filter(|p| p.kind == tessera_domain::premises::PremisesKind::Hall && p.archived_at.is_none())
        .map(|p| Choice { id: p.id, name: p.name })
        .collect();
    let live_activities = e
        .activities
        .iter()
        .filter(|a| a.status == ItemStatus::Active)
        .map(|a| Choice {
            id: a.id,
            name: format!("{} · {}", a.name, day(&a.date, l)),
        })
        .collect();
    let open_folios = e
        .folios
        .iter()
        .filter(|f| f.status == FolioStatus::Open)
        .map(|f| Choice {
            id: f.id,
            name: super::format::folio_title(v.ui.folio, f.id, &f.name),
        })
        .collect();
    let page = EventPage {
        cancelled: e.status == ItemStatus::Cancelled,
        halls,
        live_activities,
        open_folios,
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
