//! Events: the event page's data and every change to it. Writes take
//! `If-Match: <version>` (412 when stale); the PAX and dates cascades take
//! `dry_run` to preview the very plan an apply would write.

mod activity_change;
mod blocks;
mod cancel;
mod charges;
mod dates;
mod diary;
mod event;
mod parts;
mod pax;
mod shapes;

pub use activity_change::*;
pub use blocks::*;
pub use cancel::*;
pub use charges::*;
pub use dates::*;
pub use diary::*;
pub use event::*;
pub use parts::*;
pub use pax::*;
pub use shapes::*;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use tessera_domain::refusal::Refusal;

use crate::AppState;
use crate::auth::Caller;
use crate::error::{FieldFault, Problem};
use crate::field_text::Malformed;
use crate::wire::parse_date;

/// An admin or an event manager.
pub struct EventManager(pub Caller);

impl FromRequestParts<AppState> for EventManager {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let caller = Caller::from_request_parts(parts, state).await?;
        if caller.role.manages_events() {
            Ok(EventManager(caller))
        } else {
            Err(Problem::Forbidden)
        }
    }
}

/// `If-Match: <version>` (quotes and `W/` allowed); absent means "any".
pub struct IfMatch(pub Option<i64>);

impl FromRequestParts<AppState> for IfMatch {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Problem> {
        let Some(v) = parts.headers.get(header::IF_MATCH) else {
            return Ok(IfMatch(None));
        };
        let text = v.to_str().unwrap_or("").trim();
        if text == "*" {
            return Ok(IfMatch(None));
        }
        let bare = text.trim_start_matches("W/").trim_matches('"');
        bare.parse::<i64>()
            .map(|n| IfMatch(Some(n)))
            .map_err(|_| Problem::Malformed(Malformed::IfMatch))
    }
}

pub(super) fn with_etag(status: StatusCode, body: EventOut) -> Response {
    let etag = format!("\"{}\"", body.version);
    let mut res = (status, axum::Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        res.headers_mut().insert(header::ETAG, v);
    }
    res
}

/// A date of an event, an activity or a charge: in the years events may have.
pub(super) fn req_date(field: &str, v: &str, errors: &mut Vec<FieldFault>) -> Option<Date> {
    let d = parse_date(field, v, errors)?;
    if !tessera_events::in_event_years(d) {
        errors.push(FieldFault {
            field: field.into(),
            refusal: Refusal::YearOutOfRange,
        });
        return None;
    }
    Some(d)
}

/// An activity's `start_time` and `end_time` (`HH:MM`): both or neither
/// (neither is the whole day); the end after the start. `None` after a
/// refusal, which is pushed to `errors`.
pub(super) fn activity_time(
    start: Option<&str>,
    end: Option<&str>,
    errors: &mut Vec<FieldFault>,
) -> Option<tessera_events::DayTime> {
    let (start, end) = match (start, end) {
        (None, None) => return Some(tessera_events::DayTime::WHOLE_DAY),
        (Some(s), Some(e)) => (s, e),
        (None, Some(_)) | (Some(_), None) => {
            let field = if start.is_none() { "start_time" } else { "end_time" };
            errors.push(FieldFault {
                field: field.into(),
                refusal: Refusal::TimePairIncomplete,
            });
            return None;
        }
    };
    let s = crate::wire::parse_time("start_time", start, errors);
    let e = crate::wire::parse_time("end_time", end, errors);
    let time = tessera_events::DayTime::new(s?, e?);
    if time.is_err() {
        errors.push(FieldFault {
            field: "end_time".into(),
            refusal: Refusal::TimeNotAfterStart,
        });
    }
    time.ok()
}
