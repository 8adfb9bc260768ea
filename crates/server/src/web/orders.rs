//! "Coworking > Orders": the orders list and the order page, where a manager
//! moves an order along its statuses.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use tessera_domain::money_text::money_text;
use tessera_domain::period_text::period_text;
use tessera_domain::{Locale, OrderStatus, TicketStatus};

use super::format::instant;
use super::list_filter::FilterValues;
use super::text::order_action;
use super::viewer::Area;
use super::{Html, Viewer, WebError, render};
use crate::AppState;
use crate::i18n;
use crate::routes::order_list::{OrderListQuery, parse_order_filter};
use crate::wire::encode_cursor;

/// The colour family a status is shown in: every pending status reads as
/// new, every cancelled one as cancelled (the ticket list's five colours).
pub fn status_family(s: OrderStatus) -> &'static str {
    if s.is_pending() {
        "new"
    } else if s.is_cancelled() {
        "cancelled"
    } else if s == OrderStatus::Confirmed {
        "confirmed"
    } else {
        "completed"
    }
}

/// A row of the orders list.
pub struct OrderRow {
    number: i64,
    created_at: String,
    customer_id: i64,
    customer: String,
    status: &'static str,
    family: &'static str,
    total: String,
    tickets: Vec<i64>,
}

#[derive(Template)]
#[template(path = "orders.html")]
struct OrdersPage {
    v: Viewer,
    rows: Vec<OrderRow>,
    f: FilterValues,
    /// The customer the list is narrowed to, by name.
    customer: Option<String>,
    statuses: Vec<(&'static str, &'static str, bool)>,
    status_summary: String,
    next_url: Option<String>,
    first_url: Option<String>,
    error: Option<String>,
}

/// The orders list with its filters.
pub async fn list(State(state): State<AppState>, v: Viewer, RawQuery(raw): RawQuery) -> Result<Html, WebError> {
    v.require(Area::Coworking)?;
    let l = v.locale;
    let (mut f, cursor) = FilterValues::from_query(raw.as_deref(), &["number", "customer_id", "from", "to"]);
    let q = OrderListQuery {
        number: f.param("number"),
        customer_id: f.param("customer_id"),
        from: f.param("from"),
        to: f.param("to"),
        status: f.status_param(),
        limit: Some(20),
        cursor: cursor.clone(),
    };
    let (rows, next, error, customer) = match parse_order_filter(&q) {
        Ok(filter) => {
            let customer = match filter.customer_id {
                Some(id) => state
                    .store
                    .user(id)
                    .await?
                    .map(|u| format!("{} {}", u.first_name, u.last_name)),
                None => None,
            };
            let page = state.store.list_orders(&filter, state.clock.now()).await?;
            let rows = page
                .items
                .into_iter()
                .map(|o| OrderRow {
                    number: o.number,
                    created_at: instant(o.created_at, &o.time_zone, l),
                    customer_id: o.customer.id,
                    customer: format!("{} {}", o.customer.first_name, o.customer.last_name),
                    status: i18n::order_status(o.status, l),
                    family: status_family(o.status),
                    total: money_text(&o.total, &o.currency, l),
                    tickets: o.tickets.iter().map(|t| t.0).collect(),
                })
                .collect();
            (rows, page.next_before.map(encode_cursor), None, customer)
        }
        Err(problem) => (Vec::new(), None, f.refused(&problem, l), None),
    };
    let (first_url, next_url) = f.pages("/admin/coworking/orders", next, cursor.as_deref());
    let (statuses, status_summary) = f.status_choices(
        OrderStatus::ALL
            .into_iter()
            .map(|s| (s.as_str(), i18n::order_status(s, l))),
    );
    let page = OrdersPage {
        next_url,
        first_url,
        v,
        rows,
        f,
        customer,
        statuses,
        status_summary,
        error,
    };
    render(&page, l)
}

/// A ticket on the order page.
pub struct OrderTicketLine {
    number: i64,
    period: String,
    workplace: String,
    premises: String,
    price: String,
    status: &'static str,
    status_key: &'static str,
}

/// A line of the order's history.
pub struct OrderHistoryLine {
    at: String,
    what: String,
    by: String,
    comment: Option<String>,
}

/// A status the manager may move the order to: its button and dialog.
pub struct StatusAction {
    /// The status (`confirmed`), also the dialog's id suffix.
    pub key: &'static str,
    /// The button (`Подтвердить заказ`).
    pub label: &'static str,
    /// The status it leads to, in words.
    pub becomes: &'static str,
    /// Shown as the page's main action.
    pub primary: bool,
    /// A cancellation, shown in red.
    pub danger: bool,
}

impl StatusAction {
    /// The action that moves an order to `to`.
    pub fn to(to: OrderStatus, l: Locale) -> StatusAction {
        StatusAction {
            key: to.as_str(),
            label: order_action(to, l),
            becomes: i18n::order_status(to, l),
            primary: to == OrderStatus::Confirmed,
            danger: to.is_cancelled(),
        }
    }
}

#[derive(Template)]
#[template(path = "order.html")]
struct OrderPage {
    v: Viewer,
    number: i64,
    created_at: String,
    status: &'static str,
    family: &'static str,
    customer_id: i64,
    customer_name: String,
    customer_email: String,
    customer_phone: String,
    total: String,
    tickets: Vec<OrderTicketLine>,
    history: Vec<OrderHistoryLine>,
    actions: Vec<StatusAction>,
}

/// The order page: customer, tickets, total, history and the next statuses.
pub async fn order(State(state): State<AppState>, v: Viewer, Path(number): Path<String>) -> Result<Html, WebError> {
    v.require(Area::Coworking)?;
    let l = v.locale;
    let number: i64 = number.parse().map_err(|_| WebError::NotFound(l))?;
    let now = state.clock.now();
    let (o, history) = state
        .store
        .order_with_history(number, now)
        .await?
        .ok_or(WebError::NotFound(l))?;
    let mut tickets = Vec::with_capacity(o.tickets.len());
    for (n, _) in &o.tickets {
        // An order holds a handful of tickets; each reads as its own page does.
        if let Some(t) = state.store.ticket(*n, now).await? {
            tickets.push(OrderTicketLine {
                number: t.number,
                period: period_text(&t.period.input(), l),
                workplace: t.workplace.1,
                premises: t.premises.1,
                price: money_text(&t.price, &t.currency, l),
                status: i18n::ticket_status(t.status, l),
                status_key: t.status.as_str(),
            });
        }
    }
    let tz = o.time_zone.clone();
    let page = OrderPage {
        number: o.number,
        created_at: instant(o.created_at, &tz, l),
        status: i18n::order_status(o.status, l),
        family: status_family(o.status),
        customer_id: o.customer.id,
        customer_name: format!("{} {}", o.customer.first_name, o.customer.last_name),
        customer_email: o.customer.email.clone(),
        customer_phone: o.customer.phone.clone().unwrap_or_default(),
        total: money_text(&o.total, &o.currency, l),
        tickets,
        history: history
            .into_iter()
            .map(|h| OrderHistoryLine {
                at: instant(h.at, &tz, l),
                what: match h.from_status {
                    None => i18n::order_status(h.to_status, l).to_owned(),
                    Some(from) => format!(
                        "{} → {}",
                        i18n::order_status(from, l),
                        i18n::order_status(h.to_status, l)
                    ),
                },
                by: match (h.actor_first_name, h.actor_last_name) {
                    (Some(f), Some(last)) => format!("{f} {last}"),
                    _ => v.ui.system.to_owned(),
                },
                comment: h.comment,
            })
            .collect(),
        actions: o.status.next().iter().map(|s| StatusAction::to(*s, l)).collect(),
        v,
    };
    render(&page, l)
}

/// Whether a ticket's page offers "Confirm the order": its order may still be
/// confirmed and the ticket waits for it.
pub fn offers_confirmation(ticket: TicketStatus, order: OrderStatus) -> bool {
    ticket == TicketStatus::New && order.next().contains(&OrderStatus::Confirmed)
}
