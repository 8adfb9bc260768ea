//! "Service calendar > Coworking": the ticket list, the ticket page and the
//! new-order form.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use tessera_domain::period_text::period_text;
use tessera_domain::premises::PremisesKind;
use tessera_domain::{Locale, TicketStatus};

use super::format::instant;
use super::list_filter::FilterValues;
use super::orders::{StatusAction, offers_confirmation};
use super::viewer::Area;
use super::{Html, Viewer, WebError, render};
use crate::AppState;
use crate::i18n;
use crate::routes::tickets::{ListQuery, list_out, parse_filter};
use crate::wire::encode_cursor;
use tessera_domain::access::Direction;

/// A row of the list.
pub struct Row {
    number: i64,
    period: String,
    visitor: String,
    status: String,
    status_key: String,
    workplace: String,
}

#[derive(Template)]
#[template(path = "tickets.html")]
struct ListPage {
    v: Viewer,
    rows: Vec<Row>,
    f: FilterValues,
    statuses: Vec<(&'static str, &'static str, bool)>,
    status_summary: String,
    next_url: Option<String>,
    first_url: Option<String>,
    error: Option<String>,
}

/// The ticket list with its filters.
pub async fn list(State(state): State<AppState>, v: Viewer, RawQuery(raw): RawQuery) -> Result<Html, WebError> {
    v.require(Area::Coworking)?;
    let l = v.locale;
    let (mut f, cursor) = FilterValues::from_query(raw.as_deref(), &["number", "from", "to", "visitor"]);
    let q = ListQuery {
        number: f.param("number"),
        from: f.param("from"),
        to: f.param("to"),
        visitor: f.param("visitor"),
        status: f.status_param(),
        limit: Some(20),
        cursor: cursor.clone(),
    };
    let (rows, next, error) = match parse_filter(&q) {
        Ok(filter) => {
            let page = state.store.list_tickets(&filter, state.clock.now()).await?;
            let rows = page
                .items
                .into_iter()
                .map(|t| {
                    let o = list_out(t, l);
                    Row {
                        number: o.number,
                        period: o.period.text,
                        visitor: format!("{} {}", o.visitor.first_name, o.visitor.last_name),
                        status: o.status_text,
                        status_key: o.status,
                        workplace: o.workplace.name,
                    }
                })
                .collect();
            (rows, page.next_before.map(encode_cursor), None)
        }
        Err(problem) => (Vec::new(), None, f.refused(&problem, l)),
    };
    let (first_url, next_url) = f.pages("/admin/coworking", next, cursor.as_deref());
    let (statuses, status_summary) = f.status_choices(
        TicketStatus::ALL
            .into_iter()
            .map(|s| (s.as_str(), i18n::ticket_status(s, l))),
    );
    let page = ListPage {
        next_url,
        first_url,
        v,
        rows,
        f,
        statuses,
        status_summary,
        error,
    };
    render(&page, l)
}

/// A modifier on the ticket page.
pub struct ModifierLine {
    name: String,
}

/// A line of the ticket's history.
pub struct HistoryLine {
    at: String,
    what: String,
}

#[derive(Template)]
#[template(path = "ticket.html")]
struct TicketPage {
    /// The ticket's latest passages through the door: when, which way, the verdict.
    checks: Vec<(String, &'static str, bool, String, bool)>,
    v: Viewer,
    number: i64,
    created_at: String,
    premises: String,
    order_number: i64,
    order_status: &'static str,
    /// "Confirm the order", while the order may still be confirmed.
    confirm_order: Option<StatusAction>,
    status: &'static str,
    status_key: &'static str,
    visitor_name: String,
    visitor_phone: String,
    visitor_email: String,
    period: String,
    service_variant: Option<String>,
    tariff: String,
    workplace: String,
    price: String,
    modifiers: Vec<ModifierLine>,
    checked_at: Option<String>,
    checked_by: Option<String>,
    first_visit: Option<String>,
    may_validate: bool,
    may_change_visitor: bool,
    may_change_workplace: bool,
    free_workplaces: Vec<(i64, String)>,
    history: Vec<HistoryLine>,
}

fn history_text(h: &tessera_store::HistoryEntry, l: Locale) -> String {
    use crate::i18n::pick;
    let status = |s: &Option<String>| {
        s.as_deref()
            .and_then(TicketStatus::parse)
            .map(|s| i18n::ticket_status(s, l))
            .unwrap_or("—")
    };
    match h.kind.as_str() {
        "status" if h.from_status.is_none() => format!(
            "{}: {}",
            pick(l, "Билет создан", "Билетът е създаден", "Ticket created"),
            status(&h.to_status)
        ),
        "status" => format!("{} → {}", status(&h.from_status), status(&h.to_status)),
        "validated" => pick(l, "Билет валидирован", "Билетът е валидиран", "Ticket validated").into(),
        "validation_reset" => pick(l, "Валидация сброшена", "Валидирането е нулирано", "Validation reset").into(),
        "visitor_changed" => pick(l, "Изменён посетитель", "Променен посетител", "Visitor changed").into(),
        "workplace_changed" => pick(
            l,
            "Изменено рабочее место",
            "Променено работно място",
            "Workplace changed",
        )
        .into(),
        "sent" => pick(
            l,
            "Билет передан другому пользователю",
            "Билетът е изпратен на друг потребител",
            "Ticket sent to another user",
        )
        .into(),
        "first_visit" => pick(l, "Первое посещение", "Първо посещение", "First visit").into(),
        other => other.to_owned(),
    }
}

/// The ticket page.
pub async fn ticket(State(state): State<AppState>, v: Viewer, Path(number): Path<String>) -> Result<Html, WebError> {
    v.require(Area::Coworking)?;
    let l = v.locale;
    let number: i64 = number.parse().map_err(|_| WebError::NotFound(l))?;
    let t = state
        .store
        .ticket(number, state.clock.now())
        .await?
        .ok_or(WebError::NotFound(l))?;
    let free_workplaces = if t.status.may_change_workplace() {
        match state
            .store
            .free_workplaces(t.premises.0, t.period.input(), None, 500)
            .await
        {
            Ok(list) => list.into_iter().map(|w| (w.id, w.name)).collect(),
            Err(e) => {
                tracing::warn!(error = %e, "free workplaces unavailable");
                Vec::new()
            }
        }
    } else {
        Vec::new()
    };
    let tz = t.time_zone.clone();
    let log = state
        .store
        .access_checks(&tessera_store::CheckFilter {
            ticket_number: Some(number),
            limit: 10,
            ..tessera_store::CheckFilter::default()
        })
        .await?;
    let checks = log
        .items
        .into_iter()
        .map(|c| {
            let reason = tessera_domain::access::AccessReason::parse(&c.reason)
                .unwrap_or(tessera_domain::access::AccessReason::UnknownPass);
            let direction = Direction::parse(&c.direction).unwrap_or_default();
            let direction = i18n::direction(direction, l);
            (
                instant(c.at, &tz, l),
                direction,
                c.allowed == 1,
                i18n::access_reason(reason, l).to_owned(),
                c.offline == 1,
            )
        })
        .collect();
    let page = TicketPage {
        checks,
        number: t.number,
        created_at: instant(t.created_at, &tz, l),
        premises: t.premises.1.clone(),
        order_number: t.order_number,
        order_status: i18n::order_status(t.order_status, l),
        confirm_order: offers_confirmation(t.status, t.order_status)
            .then(|| StatusAction::to(tessera_domain::OrderStatus::Confirmed, l)),
        status: i18n::ticket_status(t.status, l),
        status_key: t.status.as_str(),
        visitor_name: format!("{} {}", t.visitor.first_name, t.visitor.last_name),
        visitor_phone: t.visitor.phone.clone().unwrap_or_default(),
        visitor_email: t.visitor.email.clone(),
        period: period_text(&t.period.input(), l),
        service_variant: t.service_variant.as_ref().map(|s| s.1.clone()),
        tariff: t.tariff.1.clone(),
        workplace: t.workplace.1.clone(),
        price: tessera_domain::money_text::money_text(&t.price, &t.currency, l),
        modifiers: t
            .modifiers
            .iter()
            .map(|m| ModifierLine { name: m.name.clone() })
            .collect(),
        checked_at: t.validated_at.map(|at| instant(at, &tz, l)),
        checked_by: t
            .validated_by
            .as_ref()
            .map(|u| format!("{} {}", u.first_name, u.last_name)),
        first_visit: t.first_visit_at.map(|at| instant(at, &tz, l)),
        may_validate: t.status.check_validation(t.validated_at.is_some()).is_ok(),
        may_change_visitor: t.status.may_change_visitor(),
        may_change_workplace: t.status.may_change_workplace(),
        free_workplaces,
        history: t
            .history
            .iter()
            .map(|h| HistoryLine {
                at: instant(h.at, &tz, l),
                what: history_text(h, l),
            })
            .collect(),
        v,
    };
    render(&page, l)
}

/// A choice in a select.
pub struct Choice {
    pub(super) id: i64,
    pub(super) name: String,
    /// The venue or premises it belongs to, for the script to filter by.
    pub(super) group: i64,
    /// A price to show beside it, if any.
    pub(super) price: String,
    /// A tariff's unit (`hour`, `day`, `month`), so the form picks the one that fits the period.
    pub(super) unit: String,
}

/// What an order can book: everything not archived, grouped for the form's script.
pub struct OrderCatalogue {
    pub(super) premises: Vec<Choice>,
    pub(super) workplaces: Vec<Choice>,
    pub(super) tariffs: Vec<Choice>,
    pub(super) variants: Vec<Choice>,
    pub(super) modifiers: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "order_new.html")]
struct NewOrderPage {
    v: Viewer,
    c: OrderCatalogue,
}

/// "Add order": pick customer, workplace, period, tariff, variant and modifiers.
pub async fn new_order(State(state): State<AppState>, v: Viewer) -> Result<Html, WebError> {
    v.require(Area::Coworking)?;
    let l = v.locale;
    let c = order_catalogue(&state, l).await?;
    render(&NewOrderPage { v, c }, l)
}

/// The catalogue an order form offers, in the page's language.
pub async fn order_catalogue(state: &AppState, l: tessera_domain::Locale) -> Result<OrderCatalogue, WebError> {
    let venues = state.store.venues().await?;
    let currency = |venue: i64| {
        venues
            .iter()
            .find(|x| x.id == venue)
            .map(|x| x.currency.clone())
            .unwrap_or_default()
    };
    let premises: Vec<Choice> = state
        .store
        .premises_list(None)
        .await?
        .into_iter()
        // Archived items (or premises of an archived venue) are never offered.
        .filter(|p| p.kind == PremisesKind::Coworking && p.archived_at.is_none())
        .filter(|p| venues.iter().any(|v| v.id == p.venue_id && v.archived_at.is_none()))
        .map(|p| Choice {
            id: p.id,
            name: p.name,
            group: p.venue_id,
            price: String::new(),
            unit: String::new(),
        })
        .collect();
    let workplaces = state
        .store
        .workplaces(None)
        .await?
        .into_iter()
        .filter(|w| w.archived_at.is_none() && premises.iter().any(|p| p.id == w.premises_id))
        .map(|w| Choice {
            id: w.id,
            name: w.name,
            group: w.premises_id,
            price: String::new(),
            unit: String::new(),
        })
        .collect();
    let tariffs = state
        .store
        .tariffs(None)
        .await?
        .into_iter()
        .filter(|x| x.archived_at.is_none())
        .map(|t| Choice {
            id: t.id,
            // What the tariff prices, said: "1 500,00 ₽ / сутки".
            price: format!(
                "{} / {}",
                tessera_domain::money_text::money_text(&t.price, &currency(t.venue_id), l),
                tessera_domain::pricing::TariffUnit::parse(&t.unit).map_or("", |u| super::text::ui(l).unit(u))
            ),
            name: t.name,
            group: t.venue_id,
            unit: t.unit,
        })
        .collect();
    let variants = state
        .store
        .service_variants(None)
        .await?
        .into_iter()
        .filter(|x| x.archived_at.is_none())
        .map(|s| Choice {
            id: s.id,
            name: s.name,
            group: s.venue_id,
            price: String::new(),
            unit: String::new(),
        })
        .collect();
    let modifiers = state
        .store
        .modifiers(None)
        .await?
        .into_iter()
        .filter(|x| x.archived_at.is_none())
        .map(|m| Choice {
            id: m.id,
            price: tessera_domain::money_text::money_text(&m.price, &currency(m.venue_id), l),
            name: m.name,
            group: m.venue_id,
            unit: String::new(),
        })
        .collect();
    Ok(OrderCatalogue {
        premises,
        workplaces,
        tariffs,
        variants,
        modifiers,
    })
}
