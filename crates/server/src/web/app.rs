//! The visitor's app at `/app`: a phone-first web app that can be added to
//! the home screen. It reads through the store, writes through the JSON
//! API (as the admin pages do), and a service worker keeps the pages it
//! showed, so a ticket's pass is still there when the phone is offline.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use tessera_domain::{Role, TicketStatus};
use tessera_store::{TicketFilter, TicketListItem};

use super::viewer::page_locale;
use super::{Html, Viewer, WebError, render};
use crate::AppState;
use crate::i18n;

/// A ticket as the app's list shows it.
pub struct TicketCard {
    number: i64,
    period: String,
    workplace: String,
    premises: String,
    status: &'static str,
    status_text: &'static str,
}

impl TicketCard {
    fn new(
        number: i64,
        period: &tessera_domain::Period,
        workplace: &str,
        premises: &str,
        status: TicketStatus,
        l: tessera_domain::Locale,
    ) -> TicketCard {
        TicketCard {
            number,
            period: tessera_domain::period_text::period_text(&period.input(), l),
            workplace: workplace.to_owned(),
            premises: premises.to_owned(),
            status: status.as_str(),
            status_text: i18n::ticket_status(status, l),
        }
    }
}

fn card(t: &TicketListItem, l: tessera_domain::Locale) -> TicketCard {
    TicketCard::new(t.number, &t.period, &t.workplace.1, &t.premises.1, t.status, l)
}

#[derive(Template)]
#[template(path = "app_tickets.html")]
struct TicketsPage {
    v: Viewer,
    upcoming: Vec<TicketCard>,
    past: Vec<TicketCard>,
}

/// Only a visitor's app: staff are sent to their own area.
fn visitor_only(v: &Viewer) -> Result<i64, WebError> {
    match v.caller.as_ref() {
        Some(c) if c.role == Role::Visitor => Ok(c.user.id),
        _ => Err(WebError::NotYourArea {
            locale: v.locale,
            csrf: v.csrf.clone(),
            text: v.app.area_visitor,
        }),
    }
}

/// "My tickets": upcoming first (soonest on top), then the past ones.
pub async fn tickets(State(state): State<AppState>, v: Viewer) -> Result<Html, WebError> {
    let me = visitor_only(&v)?;
    let now = state.clock.now();
    let filter = TicketFilter {
        visitor_id: Some(me),
        limit: 500,
        ..TicketFilter::default()
    };
    let page = state.store.list_tickets(&filter, now).await?;
    let (mut upcoming, past): (Vec<_>, Vec<_>) = page
        .items
        .into_iter()
        .partition(|t| !matches!(t.status, TicketStatus::Completed | TicketStatus::Cancelled));
    upcoming.sort_by_key(|t| t.period.start());
    let l = v.locale;
    let page = TicketsPage {
        upcoming: upcoming.iter().map(|t| card(t, l)).collect(),
        past: past.iter().map(|t| card(t, l)).collect(),
        v,
    };
    render(&page, l)
}

#[derive(Template)]
#[template(path = "app_ticket.html")]
struct TicketPage {
    v: Viewer,
    t: TicketCard,
    order_number: i64,
    order_status_text: &'static str,
    /// The pass as a QR code (an SVG made here) and its expiry in words.
    pass: Option<(String, String, String)>,
    directions: Option<String>,
    first_visit: bool,
    can_send: bool,
    can_cancel: bool,
}

/// One of the visitor's tickets: the pass, the first-visit information,
/// sending and cancelling while the seed's rules allow.
pub async fn ticket(State(state): State<AppState>, v: Viewer, Path(raw): Path<String>) -> Result<Html, WebError> {
    let me = visitor_only(&v)?;
    let l = v.locale;
    let number = raw
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or(WebError::NotFound(l))?;
    let now = state.clock.now();
    let t = state
        .store
        .ticket(number, now)
        .await?
        .filter(|t| t.visitor.id == me)
        .ok_or(WebError::NotFound(l))?;
    let validated = t.validated_at.is_some();
    let opens_some_day = matches!(t.status, TicketStatus::Confirmed | TicketStatus::Active);
    let pass = if opens_some_day {
        match state.store.pass_state(number).await? {
            Some(p) => {
                let at = now.as_second();
                let token = state.passes.issue(&state.store, number, p, at).await;
                token.and_then(|token| {
                    let svg = qrcode::QrCode::new(token.as_bytes())
                        .ok()?
                        .render::<qrcode::render::svg::Color<'_>>()
                        .min_dimensions(280, 280)
                        .build();
                    let until = tessera_domain::access::pass_expiry(at, p.end_at);
                    Some((svg, token, super::format::instant(until, &t.time_zone, l)))
                })
            }
            None => None,
        }
    } else {
        None
    };
    let page = TicketPage {
        t: TicketCard::new(t.number, &t.period, &t.workplace.1, &t.premises.1, t.status, l),
        order_number: t.order_number,
        order_status_text: i18n::order_status(t.order_status, l),
        pass,
        directions: t.premises.2.clone(),
        first_visit: !validated,
        can_send: crate::routes::me::can_send(t.status, validated),
        can_cancel: crate::routes::me::can_cancel(t.order_status, t.status),
        v,
    };
    render(&page, l)
}

#[derive(Template)]
#[template(path = "app_book.html")]
struct BookPage {
    v: Viewer,
    customer_id: i64,
    c: super::coworking::OrderCatalogue,
}

/// Booking a workplace: premises, whole days or a slot, only free
/// workplaces, tariff, variant and modifiers, the server's price first.
pub async fn book(State(state): State<AppState>, v: Viewer) -> Result<Html, WebError> {
    let me = visitor_only(&v)?;
    let l = v.locale;
    let c = super::coworking::order_catalogue(&state, l).await?;
    render(&BookPage { v, customer_id: me, c }, l)
}

#[derive(Template)]
#[template(path = "app_signup.html")]
struct SignUpPage {
    v: Viewer,
}

/// Signing up: the form posts to the API's register, then the page keeps
/// the new session in a cookie (`POST /session`).
pub async fn sign_up(State(state): State<AppState>, headers: HeaderMap) -> Result<Html, WebError> {
    let locale = page_locale(&headers, state.config.default_locale);
    render(
        &SignUpPage {
            v: Viewer::anonymous(locale, "/app/signup".into()),
        },
        locale,
    )
}

/// The app's manifest, so a phone can add it to the home screen.
pub async fn manifest(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let locale = page_locale(&headers, state.config.default_locale);
    let words = super::app_text::app_ui(locale);
    let body = serde_json::json!({
        "name": format!("Tessera — {}", words.my_tickets),
        "short_name": "Tessera",
        "lang": locale.tag(),
        "start_url": "/app",
        "scope": "/app",
        "display": "standalone",
        "background_color": "#f5f7fa",
        "theme_color": "#17202c",
        "icons": [{"src": "/static/icon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any"}],
    });
    let mut res = body.to_string().into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/manifest+json"),
    );
    res
}

/// The service worker, served under `/app/` so that it controls the app.
pub async fn service_worker() -> Response {
    let mut res = super::assets::SERVICE_WORKER.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    // Its scope is `/app` itself (the list) as well as the pages under it.
    res.headers_mut()
        .insert("service-worker-allowed", HeaderValue::from_static("/app"));
    // A new version is picked up on the next visit, never a day later.
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}
