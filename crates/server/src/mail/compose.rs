//! An outbox event's mails, written in each recipient's language with the
//! seed's words and formats: the same period text and money as the pages.

use askama::Template;
use serde::Deserialize;
use tessera_domain::mail::{Addressee, MAIL_TEST_EVENT, MailKind, PASSWORD_RESET_EVENT, Trigger, mails_for};
use tessera_domain::money_text::money_text;
use tessera_domain::period_text::period_text;
use tessera_domain::{Locale, OrderStatus, Role};
use tessera_store::{NewMail, OrderView, OutboxEvent, StoreError, User};

use super::words::{Fill, MailWords, fill, mail_words};
use crate::AppState;
use crate::i18n::order_status;

/// A ticket as a mail lists it.
pub struct TicketLine {
    pub number: i64,
    pub period: String,
    pub place: String,
}

/// A button (and the same link in plain text).
pub struct Action {
    pub label: &'static str,
    pub url: String,
}

/// What a mail says; rendered as HTML and as plain text.
pub struct Content {
    pub lang: &'static str,
    pub subject: String,
    pub greeting: String,
    pub lead: String,
    pub tickets: Vec<TicketLine>,
    pub total: Option<String>,
    pub notes: Vec<&'static str>,
    pub action: Option<Action>,
    pub w: &'static MailWords,
}

#[derive(Template)]
#[template(path = "email.html")]
struct HtmlMail<'a> {
    m: &'a Content,
}

#[derive(Template)]
#[template(path = "email.txt")]
struct TextMail<'a> {
    m: &'a Content,
}

#[derive(Deserialize)]
struct StatusChange {
    from: Option<String>,
    to: Option<String>,
}

#[derive(Deserialize)]
struct Handover {
    from: i64,
    to: i64,
}

#[derive(Deserialize)]
struct ResetLink {
    link: String,
}

fn status(s: Option<&str>) -> Option<OrderStatus> {
    s.and_then(OrderStatus::parse)
}

/// What an event means for mail.
fn trigger(e: &OutboxEvent) -> Trigger {
    let detail = e.detail.as_deref().unwrap_or("null");
    match e.kind.as_str() {
        "order.created" => Trigger::OrderCreated,
        "order.status_changed" => match serde_json::from_str::<StatusChange>(detail) {
            Ok(StatusChange { from, to }) => match (status(from.as_deref()), status(to.as_deref())) {
                (Some(from), Some(to)) => Trigger::OrderStatusChanged { from, to },
                _ => Trigger::Other,
            },
            Err(_) => Trigger::Other,
        },
        "ticket.sent" => match serde_json::from_str::<Handover>(detail) {
            Ok(h) => Trigger::TicketSent { from: h.from, to: h.to },
            Err(_) => Trigger::Other,
        },
        PASSWORD_RESET_EVENT => Trigger::PasswordReset { user: e.subject },
        MAIL_TEST_EVENT => Trigger::Test { user: e.subject },
        _ => Trigger::Other,
    }
}

fn full_name(u: &User) -> String {
    format!("{} {}", u.first_name, u.last_name).trim().to_owned()
}

/// The status an order event names (the one it moved to), else its
/// status now.
fn event_status(e: &OutboxEvent, order: &OrderView) -> OrderStatus {
    e.detail
        .as_deref()
        .and_then(|d| serde_json::from_str::<StatusChange>(d).ok())
        .and_then(|c| status(c.to.as_deref()))
        .unwrap_or(order.status)
}

/// Every mail an event makes; none for most events, without reading
/// anything.
pub async fn mails(state: &AppState, e: &OutboxEvent) -> Result<Vec<NewMail>, StoreError> {
    let wanted = mails_for(trigger(e));
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let now = state.clock.now();
    let order = if e.kind.starts_with("order.") {
        match state.store.order(e.subject, now).await? {
            Some(o) => Some(o),
            None => return Ok(Vec::new()),
        }
    } else {
        None
    };
    let mut out = Vec::with_capacity(wanted.len());
    for (kind, to) in wanted {
        let user = match (to, &order) {
            (Addressee::Customer, Some(o)) => Some(o.customer.clone()),
            (Addressee::Customer, None) => None,
            (Addressee::User(id), _) => state.store.user(id).await?,
        };
        let Some(user) = user.filter(User::is_active) else {
            continue;
        };
        let l = Locale::parse(&user.locale).unwrap_or(state.config.default_locale);
        let content = content(state, e, kind, &user, order.as_ref(), l).await?;
        let html = HtmlMail { m: &content }.render();
        let text = TextMail { m: &content }.render();
        let (Ok(html_body), Ok(text_body)) = (html, text) else {
            tracing::error!(event = e.id, kind = kind.as_str(), "a mail template failed to render");
            continue;
        };
        out.push(NewMail {
            kind,
            user_id: user.id,
            to_address: user.email.clone(),
            locale: l.tag().to_owned(),
            subject: content.subject,
            text_body,
            html_body,
        });
    }
    Ok(out)
}

/// The tickets of an order, as lines in a language.
async fn ticket_lines(state: &AppState, numbers: &[i64], l: Locale) -> Result<Vec<TicketLine>, StoreError> {
    let now = state.clock.now();
    let mut lines = Vec::with_capacity(numbers.len());
    for &n in numbers {
        if let Some(t) = state.store.ticket(n, now).await? {
            lines.push(TicketLine {
                number: t.number,
                period: period_text(&t.period.input(), l),
                place: format!("{} · {}", t.workplace.1, t.premises.1),
            });
        }
    }
    Ok(lines)
}

async fn content(
    state: &AppState,
    e: &OutboxEvent,
    kind: MailKind,
    user: &User,
    order: Option<&OrderView>,
    l: Locale,
) -> Result<Content, StoreError> {
    let w = mail_words(l);
    let base = state.config.public_url.trim_end_matches('/');
    let visitor = user.role == Role::Visitor.as_str();
    let first = user.first_name.trim();
    let greeting = if first.is_empty() {
        w.hello_nameless.to_owned()
    } else {
        fill(
            w.hello,
            &Fill {
                name: Some(first),
                ..Fill::default()
            },
        )
    };
    let mut c = Content {
        lang: l.tag(),
        subject: String::new(),
        greeting,
        lead: String::new(),
        tickets: Vec::new(),
        total: None,
        notes: Vec::new(),
        action: None,
        w,
    };
    match kind {
        MailKind::OrderMade | MailKind::OrderConfirmed | MailKind::OrderCancelled => {
            let Some(o) = order else { return Ok(c) };
            let words = match kind {
                MailKind::OrderMade => &w.order_made,
                MailKind::OrderConfirmed => &w.order_confirmed,
                _ => &w.order_cancelled,
            };
            let f = Fill {
                order: Some(o.number),
                status: Some(order_status(event_status(e, o), l)),
                ..Fill::default()
            };
            c.subject = fill(words.subject, &f);
            c.lead = fill(words.lead, &f);
            let numbers: Vec<i64> = o.tickets.iter().map(|(n, _)| *n).collect();
            c.tickets = ticket_lines(state, &numbers, l).await?;
            c.total = Some(money_text(&o.total, &o.currency, l));
            if kind == MailKind::OrderConfirmed {
                c.notes.push(w.confirmed_hint);
            }
            if visitor && kind != MailKind::OrderCancelled {
                c.action = Some(Action {
                    label: w.open_tickets,
                    url: format!("{base}/app"),
                });
            }
        }
        MailKind::TicketReceived | MailKind::TicketSentCopy => {
            let handover = e
                .detail
                .as_deref()
                .and_then(|d| serde_json::from_str::<Handover>(d).ok());
            let other_id = handover.map(|h| if kind == MailKind::TicketReceived { h.from } else { h.to });
            let other = match other_id {
                Some(id) => state.store.user(id).await?.map(|u| full_name(&u)),
                None => None,
            };
            let words = if kind == MailKind::TicketReceived {
                &w.ticket_received
            } else {
                &w.ticket_sent
            };
            let f = Fill {
                ticket: Some(e.subject),
                name: Some(other.as_deref().unwrap_or("—")),
                ..Fill::default()
            };
            c.subject = fill(words.subject, &f);
            c.lead = fill(words.lead, &f);
            c.tickets = ticket_lines(state, &[e.subject], l).await?;
            if kind == MailKind::TicketReceived && visitor {
                c.action = Some(Action {
                    label: w.open_ticket,
                    url: format!("{base}/app/tickets/{}", e.subject),
                });
            }
        }
        MailKind::PasswordReset => {
            c.subject = w.password_reset.subject.to_owned();
            c.lead = w.password_reset.lead.to_owned();
            if let Some(link) = e
                .detail
                .as_deref()
                .and_then(|d| serde_json::from_str::<ResetLink>(d).ok())
            {
                c.action = Some(Action {
                    label: w.reset_button,
                    url: format!("{base}{}", link.link),
                });
            }
            c.notes = vec![w.reset_hint, w.reset_ignore];
        }
        MailKind::Test => {
            c.subject = w.test.subject.to_owned();
            c.lead = w.test.lead.to_owned();
        }
    }
    Ok(c)
}
