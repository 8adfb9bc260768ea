//! The door at `/door`: a kiosk page for a tablet or a turnstile's screen,
//! that checks passes through the API and, when the server cannot be
//! reached, decides from the pass's signature and queues its checks; and
//! the door log for managers.

use askama::Template;
use axum::extract::{RawQuery, State};
use tessera_domain::Role;
use tessera_domain::access::REASONS;
use tessera_domain::premises::PremisesKind;

use super::list_filter::FilterValues;
use super::viewer::Area;
use super::{Html, Viewer, WebError, render};
use crate::AppState;
use crate::i18n;

#[derive(Template)]
#[template(path = "door.html")]
struct DoorPage {
    v: Viewer,
    premises: Vec<(i64, String)>,
    /// Every reason in words, for the answers the page decides offline.
    reasons: String,
}

/// The door: gates (and admins trying one).
pub async fn door(State(state): State<AppState>, v: Viewer) -> Result<Html, WebError> {
    let role = v.caller.as_ref().map(|c| c.role);
    if !matches!(role, Some(Role::Gate | Role::Admin)) {
        return Err(WebError::NotYourArea {
            locale: v.locale,
            csrf: v.csrf.clone(),
            text: v.app.area_door,
        });
    }
    let premises = state
        .store
        .premises_list(None)
        .await?
        .into_iter()
        .filter(|p| p.kind == PremisesKind::Coworking && p.archived_at.is_none())
        .map(|p| (p.id, p.name))
        .collect();
    let l = v.locale;
    let reasons: serde_json::Map<String, serde_json::Value> = REASONS
        .iter()
        .map(|r| (r.as_str().to_owned(), i18n::access_reason(*r, l).into()))
        .collect();
    let page = DoorPage {
        premises,
        reasons: serde_json::Value::Object(reasons).to_string(),
        v,
    };
    render(&page, l)
}

/// A line of the door log page.
pub struct LogRow {
    at: String,
    ticket: Option<i64>,
    premises: String,
    gate: String,
    direction: String,
    allowed: bool,
    reason: String,
    offline: bool,
}

#[derive(Template)]
#[template(path = "door_log.html")]
struct DoorLogPage {
    v: Viewer,
    rows: Vec<LogRow>,
    f: FilterValues,
    premises: Vec<(i64, String, bool)>,
    presence: Option<(i64, i64)>,
    next_url: Option<String>,
    first_url: Option<String>,
    error: Option<String>,
}

/// The door log with its filters, and who is in today at the chosen premises.
pub async fn log(State(state): State<AppState>, v: Viewer, RawQuery(raw): RawQuery) -> Result<Html, WebError> {
    v.require(Area::Coworking)?;
    let l = v.locale;
    let names = ["premises_id", "ticket_number", "allowed", "from", "to"];
    let (mut f, cursor) = FilterValues::from_query(raw.as_deref(), &names);
    let q = crate::routes::access::CheckListQuery {
        premises_id: Some(f.get("premises_id").to_owned()),
        ticket_number: Some(f.get("ticket_number").to_owned()),
        allowed: Some(f.get("allowed").to_owned()),
        from: Some(f.get("from").to_owned()),
        to: Some(f.get("to").to_owned()),
        limit: Some(50),
        cursor,
    };
    // The API's own reading of the filters: the same faults, in words.
    let (rows, next, error) = match crate::routes::access::parse_check_filter(&state, &q).await {
        Ok(filter) => {
            let page = state.store.access_checks(&filter).await?;
            let rows = page
                .items
                .into_iter()
                .map(|r| {
                    let at = super::format::instant(r.at, &r.time_zone, l);
                    let out = crate::routes::access::check_out(r, l);
                    LogRow {
                        at,
                        ticket: out.ticket_number,
                        premises: out.premises.name,
                        gate: format!("{} {}", out.gate.first_name, out.gate.last_name),
                        direction: out.direction_text,
                        allowed: out.allowed,
                        reason: out.reason_text,
                        offline: out.offline,
                    }
                })
                .collect();
            (rows, page.next_after, None)
        }
        Err(p) => (Vec::new(), None, f.refused(&p, l)),
    };
    let chosen = f.get("premises_id").parse::<i64>().ok();
    let premises = state
        .store
        .premises_list(None)
        .await?
        .into_iter()
        .filter(|p| p.kind == PremisesKind::Coworking)
        .map(|p| (p.id, p.name, Some(p.id) == chosen))
        .collect();
    let presence = match chosen {
        Some(id) => match state.store.presence(id, state.clock.now()).await {
            Ok(p) => Some((p.entered_today, p.inside_now)),
            Err(_) => None,
        },
        None => None,
    };
    let (first_url, next_url) = f.pages(
        "/admin/coworking/door",
        next.map(crate::routes::access::encode_after),
        q.cursor.as_deref(),
    );
    let page = DoorLogPage {
        v,
        rows,
        f,
        premises,
        presence,
        next_url,
        first_url,
        error,
    };
    render(&page, l)
}
