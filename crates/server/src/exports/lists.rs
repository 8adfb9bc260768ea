//! The exports of the ticket list, the orders, the door log and an event's
//! charges: each takes its list's filters plus `format`, and reads the list
//! in pages of 500 through the same store queries the list answers from.

use axum::extract::State;
use axum::response::Response;
use jiff::Timestamp;
use serde::Deserialize;
use tessera_domain::Locale;
use tessera_domain::access::{AccessReason, Direction};
use tessera_domain::refusal::Thing;
use tessera_events::ItemStatus;
use utoipa::IntoParams;

use super::columns::{Column, header, yes_no};
use super::{Cell, Format, Rows, Sink, respond};
use crate::AppState;
use crate::auth::CoworkingManager;
use crate::error::{Problem, ProblemBody};
use crate::extract::{Lang, Number, Query};
use crate::i18n;
use crate::routes::access::{CheckListQuery, parse_check_filter};
use crate::routes::events::EventManager;
use crate::routes::order_list::{OrderListQuery, parse_order_filter};
use crate::routes::tickets::{ListQuery, parse_filter};
use crate::wire::{PeriodOut, zone};
use tessera_store::StoreError;

/// Rows per page read from the store: larger than a list's pages (fewer
/// round trips), small enough that a page in flight stays a few MiB.
const PAGE: i64 = 2000;

/// Reads a list into the sink a page at a time: `page` reads the page a
/// filter names and answers its rows and the filter of the next page.
async fn pages<Q, F, Fut>(sink: Sink, first: Q, mut page: F) -> Result<(), StoreError>
where
    F: FnMut(Q) -> Fut,
    Fut: std::future::Future<Output = Result<(Rows, Option<Q>), StoreError>>,
{
    let mut filter = first;
    loop {
        let (rows, next) = page(filter).await?;
        if !sink.send(rows).await {
            return Ok(());
        }
        match next {
            Some(f) => filter = f,
            None => return Ok(()),
        }
    }
}

fn instant(seconds: i64, time_zone: &str) -> Cell {
    Cell::Instant(
        Timestamp::from_second(seconds).unwrap_or(Timestamp::UNIX_EPOCH),
        zone(time_zone),
    )
}

/// The ticket list's filters, and the format.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TicketExportQuery {
    /// Exact ticket number.
    pub number: Option<String>,
    /// Tickets whose period overlaps from this day (`YYYY-MM-DD`)…
    pub from: Option<String>,
    /// …to this day, included.
    pub to: Option<String>,
    /// Start of the visitor's first or last name, any case.
    pub visitor: Option<String>,
    /// Comma-separated statuses.
    pub status: Option<String>,
    /// `csv` (the default) or `xlsx`.
    pub format: Option<String>,
}

/// Every ticket the list's filters match, number descending.
#[utoipa::path(get, path = "/api/v1/coworking/tickets/export", tag = "coworking", params(TicketExportQuery), security(("bearer" = [])),
    responses((status = 200, description = "CSV or XLSX", content((String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 400, body = ProblemBody), (status = 403, body = ProblemBody)))]
pub async fn tickets(
    State(state): State<AppState>,
    _m: CoworkingManager,
    Lang(l): Lang,
    Query(q): Query<TicketExportQuery>,
) -> Result<Response, Problem> {
    let format = Format::parse(q.format.as_deref())?;
    let mut filter = parse_filter(&ListQuery {
        number: q.number,
        from: q.from,
        to: q.to,
        visitor: q.visitor,
        status: q.status,
        limit: None,
        cursor: None,
    })?;
    filter.limit = PAGE;
    let columns = [
        Column::Ticket,
        Column::Period,
        Column::Start,
        Column::End,
        Column::Visitor,
        Column::Status,
        Column::Workplace,
    ];
    Ok(respond(format, "tickets", header(&columns, l), move |sink| {
        pages(sink, filter, move |filter| {
            let state = state.clone();
            async move {
                let page = state.store.list_tickets(&filter, state.clock.now()).await?;
                let rows = page
                    .items
                    .into_iter()
                    .map(|t| {
                        let tz = zone(&t.time_zone);
                        vec![
                            Cell::Int(t.number),
                            Cell::Text(PeriodOut::new(&t.period, &tz, l).text),
                            Cell::Instant(t.period.start(), tz.clone()),
                            Cell::Instant(t.period.end(), tz),
                            Cell::Text(format!("{} {}", t.visitor.1, t.visitor.2)),
                            Cell::Text(i18n::ticket_status(t.status, l).to_owned()),
                            Cell::Text(t.workplace.1),
                        ]
                    })
                    .collect();
                let next = page.next_before.map(|before| tessera_store::TicketFilter {
                    before: Some(before),
                    ..filter
                });
                Ok((rows, next))
            }
        })
    }))
}

/// The orders list's filters, and the format.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OrderExportQuery {
    /// Exact order number.
    pub number: Option<String>,
    /// Only this customer's orders (a user id).
    pub customer_id: Option<String>,
    /// Comma-separated statuses, as they read now.
    pub status: Option<String>,
    /// Orders with a ticket overlapping from this day (`YYYY-MM-DD`)…
    pub from: Option<String>,
    /// …to this day, included.
    pub to: Option<String>,
    /// `csv` (the default) or `xlsx`.
    pub format: Option<String>,
}

/// Every order the list's filters match, number descending.
#[utoipa::path(get, path = "/api/v1/orders/export", tag = "orders", params(OrderExportQuery), security(("bearer" = [])),
    responses((status = 200, description = "CSV or XLSX", content((String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 400, body = ProblemBody), (status = 403, body = ProblemBody)))]
pub async fn orders(
    State(state): State<AppState>,
    _m: CoworkingManager,
    Lang(l): Lang,
    Query(q): Query<OrderExportQuery>,
) -> Result<Response, Problem> {
    let format = Format::parse(q.format.as_deref())?;
    let mut filter = parse_order_filter(&OrderListQuery {
        number: q.number,
        customer_id: q.customer_id,
        status: q.status,
        from: q.from,
        to: q.to,
        limit: None,
        cursor: None,
    })?;
    filter.limit = PAGE;
    let columns = [
        Column::Order,
        Column::Created,
        Column::Customer,
        Column::Email,
        Column::Status,
        Column::Total,
        Column::Currency,
        Column::Tickets,
    ];
    Ok(respond(format, "orders", header(&columns, l), move |sink| {
        pages(sink, filter, move |filter| {
            let state = state.clone();
            async move {
                let page = state.store.list_orders(&filter, state.clock.now()).await?;
                let rows = page.items.into_iter().map(|o| order_row(o, l)).collect();
                let next = page.next_before.map(|before| tessera_store::OrderFilter {
                    before: Some(before),
                    ..filter
                });
                Ok((rows, next))
            }
        })
    }))
}

fn order_row(o: tessera_store::OrderView, l: Locale) -> Vec<Cell> {
    let total = o.total.parse().map_or(Cell::Text(o.total.clone()), Cell::Number);
    vec![
        Cell::Int(o.number),
        instant(o.created_at, &o.time_zone),
        Cell::Text(format!("{} {}", o.customer.first_name, o.customer.last_name)),
        Cell::Text(o.customer.email),
        Cell::Text(i18n::order_status(o.status, l).to_owned()),
        total,
        Cell::Text(o.currency),
        Cell::Text(
            o.tickets
                .iter()
                .map(|(n, _)| n.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        ),
    ]
}

/// The door log's filters, and the format.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CheckExportQuery {
    /// One premises.
    pub premises_id: Option<String>,
    /// One ticket.
    pub ticket_number: Option<String>,
    /// `true` for entries let through, `false` for refusals.
    pub allowed: Option<String>,
    /// From this instant (RFC 3339) or the start of this day (`YYYY-MM-DD`, the venue's).
    pub from: Option<String>,
    /// Until this instant (RFC 3339, excluded) or the end of this day (`YYYY-MM-DD`, included).
    pub to: Option<String>,
    /// `csv` (the default) or `xlsx`.
    pub format: Option<String>,
}

/// Every line of the door log the filters match, newest first.
#[utoipa::path(get, path = "/api/v1/access/checks/export", tag = "gate", params(CheckExportQuery), security(("bearer" = [])),
    responses((status = 200, description = "CSV or XLSX", content((String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 400, body = ProblemBody), (status = 403, body = ProblemBody)))]
pub async fn checks(
    State(state): State<AppState>,
    _m: CoworkingManager,
    Lang(l): Lang,
    Query(q): Query<CheckExportQuery>,
) -> Result<Response, Problem> {
    let format = Format::parse(q.format.as_deref())?;
    let mut filter = parse_check_filter(
        &state,
        &CheckListQuery {
            premises_id: q.premises_id,
            ticket_number: q.ticket_number,
            allowed: q.allowed,
            from: q.from,
            to: q.to,
            limit: None,
            cursor: None,
        },
    )
    .await?;
    filter.limit = PAGE;
    let columns = [
        Column::At,
        Column::Ticket,
        Column::Premises,
        Column::Gate,
        Column::Direction,
        Column::Allowed,
        Column::Reason,
        Column::Offline,
    ];
    Ok(respond(format, "door-log", header(&columns, l), move |sink| {
        pages(sink, filter, move |filter| {
            let state = state.clone();
            async move {
                let page = state.store.access_checks(&filter).await?;
                let rows = page.items.into_iter().map(|r| check_row(r, l)).collect();
                let next = page.next_after.map(|after| tessera_store::CheckFilter {
                    after: Some(after),
                    ..filter
                });
                Ok((rows, next))
            }
        })
    }))
}

fn check_row(r: tessera_store::CheckRow, l: Locale) -> Vec<Cell> {
    let reason = AccessReason::parse(&r.reason).unwrap_or(AccessReason::UnknownPass);
    let direction = Direction::parse(&r.direction).unwrap_or_default();
    vec![
        instant(r.at, &r.time_zone),
        r.ticket_number.map_or(Cell::Empty, Cell::Int),
        Cell::Text(r.premises_name),
        Cell::Text(format!("{} {}", r.gate_first_name, r.gate_last_name)),
        Cell::Text(i18n::direction(direction, l).to_owned()),
        Cell::Text(yes_no(r.allowed == 1, l).to_owned()),
        Cell::Text(i18n::access_reason(reason, l).to_owned()),
        Cell::Text(yes_no(r.offline == 1, l).to_owned()),
    ]
}

/// The format alone (an event's charges have no other filter).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ChargeExportQuery {
    /// `csv` (the default) or `xlsx`.
    pub format: Option<String>,
}

fn charge_status(s: ItemStatus, l: Locale) -> &'static str {
    match (l, s) {
        (Locale::Ru, ItemStatus::Active) => "действует",
        (Locale::Ru, ItemStatus::Cancelled) => "отменено",
        (Locale::Ru, ItemStatus::Void) => "аннулировано",
        (Locale::Bg, ItemStatus::Active) => "активно",
        (Locale::Bg, ItemStatus::Cancelled) => "отменено",
        (Locale::Bg, ItemStatus::Void) => "анулирано",
        (Locale::En, ItemStatus::Active) => "active",
        (Locale::En, ItemStatus::Cancelled) => "cancelled",
        (Locale::En, ItemStatus::Void) => "void",
    }
}

/// Every charge of an event, of every folio and status, oldest first.
#[utoipa::path(get, path = "/api/v1/events/{id}/charges/export", tag = "events", params(("id" = i64, Path, description = "Event id"), ChargeExportQuery), security(("bearer" = [])),
    responses((status = 200, description = "CSV or XLSX", content((String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 400, body = ProblemBody), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
pub async fn charges(
    State(state): State<AppState>,
    _m: EventManager,
    Lang(l): Lang,
    Number(id): Number,
    Query(q): Query<ChargeExportQuery>,
) -> Result<Response, Problem> {
    let format = Format::parse(q.format.as_deref())?;
    let event = state.store.event(id).await?.ok_or(Problem::NotFound(Thing::Event))?;
    let columns = [
        Column::Charge,
        Column::Folio,
        Column::Description,
        Column::ServiceDate,
        Column::Quantity,
        Column::UnitPrice,
        Column::Amount,
        Column::Currency,
        Column::Status,
        Column::VoidReason,
    ];
    let folio_word = Column::Folio.text(l);
    Ok(respond(
        format,
        "charges",
        header(&columns, l),
        move |sink| async move {
            let names: std::collections::HashMap<i64, String> = event
                .folios
                .iter()
                .map(|f| (f.id, crate::web::folio_title(folio_word, f.id, &f.name)))
                .collect();
            for chunk in event.charges.chunks(usize::try_from(PAGE).unwrap_or(500)) {
                let rows = chunk
                    .iter()
                    .map(|c| {
                        vec![
                            Cell::Int(c.id),
                            Cell::Text(names.get(&c.folio_id).cloned().unwrap_or_default()),
                            Cell::Text(c.description.clone()),
                            c.service_date
                                .parse()
                                .map_or(Cell::Text(c.service_date.clone()), Cell::Date),
                            Cell::Number(c.quantity),
                            Cell::Number(c.unit_price),
                            tessera_events::charge_amount(c.quantity, c.unit_price).map_or(Cell::Empty, Cell::Number),
                            Cell::Text(c.currency.clone()),
                            Cell::Text(charge_status(c.status, l).to_owned()),
                            c.void_reason.clone().map_or(Cell::Empty, Cell::Text),
                        ]
                    })
                    .collect();
                if !sink.send(rows).await {
                    break;
                }
            }
            Ok(())
        },
    ))
}
