//! Why a change is refused. A refused change changes nothing.

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::model::{Id, Period};

/// Why a command or a new item is refused; nothing changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum CascadeError {
    /// A PAX below 1.
    #[error("PAX must be at least 1, got {pax}")]
    InvalidPax {
        /// The PAX given.
        pax: i64,
    },
    /// A last day before the first day.
    #[error("the last day ({end_date}) is before the first day ({start_date})")]
    InvertedPeriod {
        /// First day given.
        start_date: Date,
        /// Last day given.
        end_date: Date,
    },
    /// An extend that does not keep every day of the period and add at least one.
    #[error("an extend must keep every day of {period} and add at least one; {requested} shrinks or keeps it")]
    ExtendShrinks {
        /// The period now.
        period: Period,
        /// The period asked for.
        requested: Period,
    },
    /// A shorten that does not stay inside the period and remove at least one day.
    #[error("a shorten must stay inside {period} and remove at least one day; {requested} does not")]
    ShortenNotInside {
        /// The period now.
        period: Period,
        /// The period asked for.
        requested: Period,
    },
    /// Shifting a date would leave the calendar's range.
    #[error("{date} shifted by {days} days is out of the calendar's range")]
    DateOutOfRange {
        /// The date to shift.
        date: Date,
        /// By how many days.
        days: i64,
    },
    /// Ids that are not active activities of the event.
    #[error("not active activities of this event: {activity_ids:?}")]
    UnknownActivities {
        /// The ids, ascending.
        activity_ids: Vec<Id>,
    },
    /// The activity is cancelled; only active activities change.
    #[error("activity {activity_id} is cancelled; only active activities can change")]
    ActivityNotActive {
        /// The activity.
        activity_id: Id,
    },
    /// A date outside the event period.
    #[error("{date} is outside the event period {period}")]
    DateOutsidePeriod {
        /// The date given.
        date: Date,
        /// The event period.
        period: Period,
    },
    /// A negative charge quantity.
    #[error("a quantity must not be negative, got {quantity}")]
    NegativeQuantity {
        /// The quantity given.
        quantity: Decimal,
    },
    /// The change would alter or cancel charges of closed folios.
    #[error("the change would alter charges in closed folios: {charge_ids:?}")]
    ClosedFolio {
        /// Every such charge, ascending.
        charge_ids: Vec<Id>,
    },
    /// Two activities would hold one hall on one day.
    #[error(
        "activity {activity_id} would hold hall {premises_id} on {date}, \
         already held by activity {other_activity_id} of event {other_event_id}"
    )]
    HallClash {
        /// The activity that would move there.
        activity_id: Id,
        /// The hall.
        premises_id: Id,
        /// The day.
        date: Date,
        /// The activity holding it.
        other_activity_id: Id,
        /// Its event (this event's own id for a clash among its own activities).
        other_event_id: Id,
    },
}
