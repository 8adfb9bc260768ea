//! Which mails an outbox event makes (decided when it is fanned out, from
//! the event alone), and each written out when it is sent: in the
//! recipient's language, with the seed's words and formats (the same period
//! text and money as the pages).

use askama::Template;
use serde::Deserialize;
use tessera_domain::mail::{MAIL_TEST_EVENT, MailKind, PASSWORD_RESET_EVENT, Trigger, mails_for};
use tessera_domain::money_text::money_text;
use tessera_domain::period_text::period_text;
use tessera_domain::{Locale, OrderStatus, Role};
use tessera_store::{DueMail, MailIntent, OrderView, OutboxEvent, StoreError, User};

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
fn trigger(kind: &str, subject: i64, detail: Option<&str>) -> Trigger {
    let detail = detail.unwrap_or("null");
    match kind {
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
        PASSWORD_RESET_EVENT => Trigger::PasswordReset { user: subject },
        MAIL_TEST_EVENT => Trigger::Test { user: subject },
        _ => Trigger::Other,
    }
}

fn full_name(u: &User) -> String {
    format!("{} {}", u.first_name, u.last_name).trim().to_owned()
}

/// The status an order event names (the one it moved to), else its
/// status now.
fn event_status(e: &DueMail, order: &OrderView) -> OrderStatus {
    e.event_detail
        .as_deref()
        .and_then(|d| serde_json::from_str::<StatusChange>(d).ok())
        .and_then(|c| status(c.to.as_deref()))
        .unwrap_or(order.status)
}

/// The mails an event makes, from the event alone (no reads: most events
/// make none, and fanning out must stay cheap).
pub fn intents(e: &OutboxEvent) -> Vec<MailIntent> {
    mails_for(trigger(&e.kind, e.subject, e.detail.as_deref()))
        .into_iter()
        .map(|(kind, to)| MailIntent { kind, to })
        .collect()
}

/// A mail written out: its subject and both parts.
pub struct Written {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Writes a claimed mail out in its recipient's language; `None` when what
/// it is about is gone.
pub async fn write(state: &AppState, m: &DueMail) -> Result<Option<Written>, StoreError> {
    let Some(kind) = MailKind::parse(&m.kind) else {
        return Ok(None);
    };
    let l = Locale::parse(&m.locale).unwrap_or(state.config.default_locale);
    let Some(user) = state.store.user(m.user_id).await? else {
        return Ok(None);
    };
    let order = if m.event_type.starts_with("order.") {
        match state.store.order(m.event_subject, state.clock.now()).await? {
            Some(o) => Some(o),
            None => return Ok(None),
        }
    } else {
        None
    };
    let content = content(state, m, kind, &user, order.as_ref(), l).await?;
    if kind == MailKind::PasswordReset && content.action.is_none() {
        // Its link is forgotten: a reset mail without it is no use.
        return Ok(None);
    }
    let (Ok(html), Ok(text)) = (HtmlMail { m: &content }.render(), TextMail { m: &content }.render()) else {
        tracing::error!(mail = m.id, kind = kind.as_str(), "a mail template failed to render");
        return Ok(None);
    };
    Ok(Some(Written {
        subject: content.subject,
        text,
        html,
    }))
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
    e: &DueMail,
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
                .event_detail
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
                ticket: Some(e.event_subject),
                name: Some(other.as_deref().unwrap_or("—")),
                ..Fill::default()
            };
            c.subject = fill(words.subject, &f);
            c.lead = fill(words.lead, &f);
            c.tickets = ticket_lines(state, &[e.event_subject], l).await?;
            if kind == MailKind::TicketReceived && visitor {
                c.action = Some(Action {
                    label: w.open_ticket,
                    url: format!("{base}/app/tickets/{}", e.event_subject),
                });
            }
        }
        MailKind::PasswordReset => {
            c.subject = w.password_reset.subject.to_owned();
            c.lead = w.password_reset.lead.to_owned();
            if let Some(link) = e
                .event_detail
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
