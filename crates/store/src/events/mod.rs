//! Events: loading an event's whole state, adding its parts, and applying
//! a cascade's plan in one transaction — the same plan a preview shows.

mod audit;
mod cascade;
mod charges;
mod diary;
mod frame;
mod parts;
mod plan_writer;
mod read;
mod shapes;

use std::str::FromStr;

use jiff::civil::Date;
use rust_decimal::Decimal;
use tessera_events::CascadeError;

use crate::{Result, StoreError};

pub use diary::{DiaryEntry, DiaryHall};
pub use parts::BlockEdit;
pub use shapes::{ActivityRow, AuditEntry, BlockRow, ChargeRow, EventView, FolioRow, NewActivity, NewCharge, NewEvent};

pub(super) fn bad(what: &str) -> StoreError {
    StoreError::Database(sqlx::Error::Decode(format!("stored {what}").into()))
}

pub(super) fn date(s: &str) -> Result<Date> {
    s.parse().map_err(|_| bad("date"))
}

/// A charge's service date: its event's day zero plus its day count.
pub(super) fn service_date(day_zero: Date, day: i64) -> Result<Date> {
    let days = i32::try_from(day).map_err(|_| bad("service day"))?;
    day_zero
        .checked_add(jiff::Span::new().days(days))
        .map_err(|_| bad("service day"))
}

/// A date as days from the event's day zero.
pub(super) fn service_day(day_zero: Date, date: Date) -> Result<i64> {
    day_zero
        .until(date)
        .map(|s| i64::from(s.get_days()))
        .map_err(|_| StoreError::Cascade(CascadeError::OutOfRange))
}

pub(super) fn decimal(s: &str) -> Result<Decimal> {
    Decimal::from_str(s).map_err(|_| bad("decimal"))
}

/// The hall index's refusal as the cascade's "hall taken", its holder not
/// read (on PostgreSQL the failed statement aborted the transaction); any
/// other error as it is.
pub(super) fn hall_taken_by_index(
    e: StoreError,
    activity_id: i64,
    premises_id: i64,
    date: jiff::civil::Date,
    time: tessera_events::DayTime,
) -> StoreError {
    if !e.is_hall_taken() {
        return e;
    }
    StoreError::Cascade(CascadeError::HallTaken {
        activity_id,
        premises_id,
        date,
        time,
        other_activity_id: 0,
        other_event_id: 0,
    })
}
