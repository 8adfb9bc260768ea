//! The event as the cascades see it, and the plan they produce.

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Ids are the database's.
pub type Id = i64;

/// What an activity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    /// An event hall (зала за мероприятия); holds its premises for the day.
    Hall,
    /// Catering (кетъринг).
    Catering,
    /// Anything else.
    Other,
}

impl ActivityKind {
    /// Every kind.
    pub const ALL: [ActivityKind; 3] = [ActivityKind::Hall, ActivityKind::Catering, ActivityKind::Other];
    /// Their wire names, in the same order (for refusals and the API document).
    pub const NAMES: &'static [&'static str] = &["hall", "catering", "other"];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ActivityKind::Hall => "hall",
            ActivityKind::Catering => "catering",
            ActivityKind::Other => "other",
        }
    }

    /// Parses the wire name.
    pub fn parse(s: &str) -> Option<Self> {
        ActivityKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Activities and charges are cancelled, never deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    /// In force.
    Active,
    /// Cancelled (by a shorten, or with its activity or event).
    Cancelled,
    /// Voided by hand, with a reason (charges only).
    Void,
}

impl ItemStatus {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemStatus::Active => "active",
            ItemStatus::Cancelled => "cancelled",
            ItemStatus::Void => "void",
        }
    }

    /// Parses the wire name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(ItemStatus::Active),
            "cancelled" => Some(ItemStatus::Cancelled),
            "void" => Some(ItemStatus::Void),
            _ => None,
        }
    }
}

/// A folio is open, or closed for good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FolioStatus {
    /// Charges may change.
    Open,
    /// Charges are frozen.
    Closed,
}

impl FolioStatus {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            FolioStatus::Open => "open",
            FolioStatus::Closed => "closed",
        }
    }

    /// Parses the wire name.
    pub fn parse(s: &str) -> Option<Self> {
        [FolioStatus::Open, FolioStatus::Closed]
            .into_iter()
            .find(|f| f.as_str() == s)
    }
}

// Rows decode straight into the enums (`#[sqlx(try_from = "String")]`).
tessera_domain::from_stored_name!(ActivityKind => "activity kind", ItemStatus => "item status", FolioStatus => "folio status");

/// When on its day an activity holds its hall: minutes from midnight in the
/// venue's time zone, half-open; the whole day is `0..1440`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct DayTime {
    /// First minute held.
    pub start: u16,
    /// First minute no longer held.
    pub end: u16,
}

impl DayTime {
    /// The whole day: an activity given no times.
    pub const WHOLE_DAY: DayTime = DayTime { start: 0, end: 1440 };

    /// `start`–`end` on one day; the end must come after the start.
    pub fn new(start: jiff::civil::Time, end: jiff::civil::Time) -> Result<DayTime, CascadeError> {
        let minutes =
            |t: jiff::civil::Time| u16::from(t.hour().unsigned_abs()) * 60 + u16::from(t.minute().unsigned_abs());
        let (start, end) = (minutes(start), minutes(end));
        if end <= start {
            return Err(CascadeError::EndTimeNotAfterStart);
        }
        Ok(DayTime { start, end })
    }

    /// From stored minutes; `None` when they are not a time of one day.
    pub fn from_minutes(start: i64, end: i64) -> Option<DayTime> {
        let (start, end) = (u16::try_from(start).ok()?, u16::try_from(end).ok()?);
        (start < end && end <= 1440).then_some(DayTime { start, end })
    }

    /// Whether it is the whole day.
    pub fn is_whole_day(self) -> bool {
        self == DayTime::WHOLE_DAY
    }

    /// Whether two times on one day share a minute.
    pub fn overlaps(self, other: DayTime) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// `HH:MM` of the start and the end; `None` for the whole day.
    pub fn hh_mm(self) -> Option<(String, String)> {
        let f = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
        (!self.is_whole_day()).then(|| (f(self.start), f(self.end)))
    }
}

/// An activity of the event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Activity {
    /// Id.
    pub id: Id,
    /// Kind.
    pub kind: ActivityKind,
    /// Date.
    pub date: Date,
    /// Participants.
    pub pax: u32,
    /// The hall it holds, if any.
    pub premises_id: Option<Id>,
    /// Its time on its day (the whole day when none was given).
    pub time: DayTime,
    /// Status.
    pub status: ItemStatus,
}

/// A room block; while active, its dates always equal the event period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Block {
    /// Id.
    pub id: Id,
    /// First day.
    pub start_date: Date,
    /// Last day.
    pub end_date: Date,
    /// Active, or cancelled (kept, never deleted).
    pub status: ItemStatus,
}

/// A folio.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Folio {
    /// Id.
    pub id: Id,
    /// Open or closed.
    pub status: FolioStatus,
}

/// A charge on a folio, posted straight or through an activity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Charge {
    /// Id.
    pub id: Id,
    /// Its folio.
    pub folio_id: Id,
    /// The activity it was posted through, if any.
    pub activity_id: Option<Id>,
    /// Service date.
    pub service_date: Date,
    /// Quantity.
    pub quantity: Decimal,
    /// `false` pins a hand-typed quantity: PAX changes never rewrite it.
    pub follows_pax: bool,
    /// Status.
    pub status: ItemStatus,
}

/// Everything a cascade reads.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventState {
    /// Default PAX.
    pub pax: u32,
    /// First day.
    pub start_date: Date,
    /// Last day (included).
    pub end_date: Date,
    /// Activities.
    pub activities: Vec<Activity>,
    /// Blocks.
    pub blocks: Vec<Block>,
    /// Folios.
    pub folios: Vec<Folio>,
    /// Charges.
    pub charges: Vec<Charge>,
    /// Whether the event is cancelled (nothing of it changes any more).
    pub cancelled: bool,
}

/// A hall held by an activity of another event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HallHolding {
    /// The other event.
    pub event_id: Id,
    /// Its activity.
    pub activity_id: Id,
    /// The hall.
    pub premises_id: Id,
    /// The day.
    pub date: Date,
    /// The time held that day.
    pub time: DayTime,
}

/// Premises as the venue keeps them, for placing an activity there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PremisesFacts {
    /// Whether it is a hall (not a coworking, say).
    pub is_hall: bool,
    /// Whose it is.
    pub venue_id: Id,
}

/// One activity's change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActivityChange {
    /// Id.
    pub id: Id,
    /// Date before.
    pub date_before: Date,
    /// Date after.
    pub date_after: Date,
    /// PAX before.
    pub pax_before: u32,
    /// PAX after.
    pub pax_after: u32,
    /// Time before.
    pub time_before: DayTime,
    /// Time after.
    pub time_after: DayTime,
    /// Status after.
    pub status_after: ItemStatus,
}

/// One charge's change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChargeChange {
    /// Id.
    pub id: Id,
    /// Service date before.
    pub service_date_before: Date,
    /// Service date after.
    pub service_date_after: Date,
    /// Quantity before.
    pub quantity_before: Decimal,
    /// Quantity after.
    pub quantity_after: Decimal,
    /// Status after.
    pub status_after: ItemStatus,
}

/// One block's change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BlockChange {
    /// Id.
    pub id: Id,
    /// First day after.
    pub start_date: Date,
    /// Last day after.
    pub end_date: Date,
    /// Status after.
    pub status_after: ItemStatus,
}

/// A charge of a closed folio that a cascade would have changed and leaves
/// exactly as it is: the preview lists it so the manager sees what stays.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeptCharge {
    /// Id.
    pub id: Id,
    /// Its (closed) folio.
    pub folio_id: Id,
    /// Its service date, as it stays.
    pub service_date: Date,
    /// Its quantity, as it stays.
    pub quantity: Decimal,
}

/// What a change would do, item by item (only what changes is listed).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// PAX after.
    pub pax: u32,
    /// First day after.
    pub start_date: Date,
    /// Last day after.
    pub end_date: Date,
    /// Activities that change.
    pub activities: Vec<ActivityChange>,
    /// Charges that change.
    pub charges: Vec<ChargeChange>,
    /// Blocks that change.
    pub blocks: Vec<BlockChange>,
    /// Closed-folio charges the change leaves as they are.
    pub kept: Vec<KeptCharge>,
    /// New names and notes of activities (no cascade follows them).
    pub texts: Vec<ActivityTexts>,
    /// Whether the event is cancelled after.
    pub cancelled: bool,
}

/// An activity's new name or notes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActivityTexts {
    /// The activity.
    pub id: Id,
    /// New name.
    pub name: Option<String>,
    /// New notes (empty for none).
    pub notes: Option<String>,
}

impl Plan {
    /// Whether nothing changes.
    pub fn is_empty(&self, before: &EventState) -> bool {
        self.activities.is_empty()
            && self.texts.is_empty()
            && self.charges.is_empty()
            && self.blocks.is_empty()
            && self.pax == before.pax
            && self.start_date == before.start_date
            && self.end_date == before.end_date
            && self.cancelled == before.cancelled
    }

    /// The state after the plan; used by tests and to check applies.
    pub fn apply(&self, state: &mut EventState) {
        use std::collections::HashMap;
        state.pax = self.pax;
        state.start_date = self.start_date;
        state.end_date = self.end_date;
        state.cancelled = self.cancelled;
        let activities: HashMap<Id, &ActivityChange> = self.activities.iter().map(|c| (c.id, c)).collect();
        for a in &mut state.activities {
            if let Some(c) = activities.get(&a.id) {
                (a.date, a.pax, a.time, a.status) = (c.date_after, c.pax_after, c.time_after, c.status_after);
            }
        }
        let charges: HashMap<Id, &ChargeChange> = self.charges.iter().map(|c| (c.id, c)).collect();
        for ch in &mut state.charges {
            if let Some(c) = charges.get(&ch.id) {
                (ch.service_date, ch.quantity, ch.status) = (c.service_date_after, c.quantity_after, c.status_after);
            }
        }
        for c in &self.blocks {
            if let Some(b) = state.blocks.iter_mut().find(|b| b.id == c.id) {
                (b.start_date, b.end_date, b.status) = (c.start_date, c.end_date, c.status_after);
            }
        }
    }
}

/// The first year an event's dates (activities', charges') may be in.
pub const FIRST_YEAR: i16 = 1900;
/// The last year.
pub const LAST_YEAR: i16 = 2199;

/// Whether a date is in the years events may have: a typo's year 20244 or
/// a move by a million days is refused, not stored.
pub fn in_event_years(d: Date) -> bool {
    (FIRST_YEAR..=LAST_YEAR).contains(&d.year())
}

/// Why a change is refused; nothing changes.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CascadeError {
    /// PAX below 1.
    #[error("PAX must be at least 1")]
    InvalidPax,
    /// End before start.
    #[error("the last day must not be before the first day")]
    InvertedPeriod,
    /// An extend must contain the old period and differ from it.
    #[error("an extend must keep every day of the period and add at least one")]
    ExtendShrinks,
    /// A shorten must lie inside the old period and differ from it.
    #[error("a shorten must stay inside the period and remove at least one day")]
    ShortenNotInside,
    /// A date out of the calendar's range.
    #[error("the date is out of range")]
    OutOfRange,
    /// A date outside the years an event may have ([`FIRST_YEAR`]–[`LAST_YEAR`]).
    #[error("the date must be in the years 1900 to 2199")]
    YearOutOfRange,
    /// Ids that are not active activities of the event.
    #[error("unknown activities: {0:?}")]
    UnknownActivities(Vec<Id>),
    /// The activity is cancelled.
    #[error("the activity is cancelled")]
    ActivityCancelled,
    /// A date outside the event period.
    #[error("the date is outside the event period")]
    OutsidePeriod,
    /// A negative quantity.
    #[error("the quantity must not be negative")]
    NegativeQuantity,
    /// The folio is closed: its charges never change and it takes none.
    #[error("folio {folio_id} is closed")]
    ClosedFolio {
        /// The closed folio.
        folio_id: Id,
    },
    /// The event is cancelled: its activities, blocks and dates change no more.
    #[error("the event is cancelled")]
    EventCancelled,
    /// The block is cancelled.
    #[error("the block is cancelled")]
    BlockCancelled,
    /// The charge is voided or cancelled: it changes no more.
    #[error("the charge is no longer active")]
    ChargeNotActive,
    /// An activity's end time not after its start.
    #[error("the end time must be after the start time")]
    EndTimeNotAfterStart,
    /// A charge's service date outside the event period.
    #[error("the service date is outside the event period")]
    ServiceDateOutsidePeriod,
    /// A negative unit price.
    #[error("the unit price must not be negative")]
    NegativePrice,
    /// A void without a reason.
    #[error("a reason is required")]
    NoReason,
    /// A transfer to a folio that is not one of the charge's event.
    #[error("the folio is not one of this event's")]
    NotThisEventsFolio,
    /// The premises named for an activity is not a hall of the event's venue.
    #[error("the premises is not a hall of the event's venue")]
    NotAHall,
    /// A hall would be held twice on one day.
    #[error("hall {premises_id} is held on {date} by activity {other_activity_id} of event {other_event_id}")]
    HallTaken {
        /// The activity that would move.
        activity_id: Id,
        /// The hall.
        premises_id: Id,
        /// The day.
        date: Date,
        /// The time wanted that day.
        time: DayTime,
        /// Who holds it.
        other_activity_id: Id,
        /// Of which event.
        other_event_id: Id,
    },
}

#[cfg(test)]
mod kind_tests {
    use super::ActivityKind;

    #[test]
    fn activity_kind_names_are_the_wire_names_in_order() {
        assert_eq!(ActivityKind::ALL.map(ActivityKind::as_str), ActivityKind::NAMES);
        for k in ActivityKind::ALL {
            assert_eq!(ActivityKind::parse(k.as_str()), Some(k));
        }
    }
}
