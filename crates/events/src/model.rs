//! The event as the cascades read it: the event itself, its activities,
//! blocks, folios and charges.

use std::fmt;

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::CascadeError;

/// A row id, as the database gives it.
pub type Id = i64;

/// The event's days: the first and the last, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    /// First day.
    pub start_date: Date,
    /// Last day (included).
    pub end_date: Date,
}

impl Period {
    /// A period from its first and last day; refuses a last day before the first.
    pub fn new(start_date: Date, end_date: Date) -> Result<Self, CascadeError> {
        if end_date < start_date {
            return Err(CascadeError::InvertedPeriod { start_date, end_date });
        }
        Ok(Self { start_date, end_date })
    }

    /// Whether the day is one of the period's days.
    pub fn contains(&self, date: Date) -> bool {
        self.start_date <= date && date <= self.end_date
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} to {}", self.start_date, self.end_date)
    }
}

/// What an activity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    /// An event hall; holds its premises for the day.
    Hall,
    /// Catering.
    Catering,
    /// Anything else.
    Other,
}

impl ActivityKind {
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
        [ActivityKind::Hall, ActivityKind::Catering, ActivityKind::Other]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// Activities and charges are cancelled, never deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    /// In force.
    Active,
    /// Cancelled; no cascade touches it again.
    Cancelled,
}

impl ItemStatus {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemStatus::Active => "active",
            ItemStatus::Cancelled => "cancelled",
        }
    }

    /// Parses the wire name.
    pub fn parse(s: &str) -> Option<Self> {
        [ItemStatus::Active, ItemStatus::Cancelled]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// A folio is open, or closed and its charges frozen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FolioStatus {
    /// Its charges may change.
    Open,
    /// Its charges are frozen.
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
            .find(|k| k.as_str() == s)
    }
}

/// An activity of the event (a hall, catering, anything else) on one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    /// Id.
    pub id: Id,
    /// Kind.
    pub kind: ActivityKind,
    /// Name.
    pub name: String,
    /// Its day.
    pub date: Date,
    /// Participants (at least 1).
    pub pax: i64,
    /// The hall it holds on its day, if any.
    pub premises_id: Option<Id>,
    /// Active or cancelled.
    pub status: ItemStatus,
}

impl Activity {
    /// Whether it is in force (cascades touch only active activities).
    pub fn is_active(&self) -> bool {
        self.status == ItemStatus::Active
    }
}

/// A room block; its dates always equal the event period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Block {
    /// Id.
    pub id: Id,
    /// Name.
    pub name: String,
    /// Rooms blocked.
    pub rooms: i64,
    /// First day.
    pub start_date: Date,
    /// Last day (included).
    pub end_date: Date,
}

/// A folio: the account charges are posted to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Folio {
    /// Id.
    pub id: Id,
    /// Open or closed.
    pub status: FolioStatus,
}

/// A charge on a folio, posted straight to it or through an activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Charge {
    /// Id.
    pub id: Id,
    /// Its folio.
    pub folio_id: Id,
    /// The activity it was posted through; `None` when posted straight to the folio.
    pub activity_id: Option<Id>,
    /// Description.
    pub description: String,
    /// Service date.
    pub service_date: Date,
    /// Quantity (never negative).
    pub quantity: Decimal,
    /// Unit price.
    pub unit_price: Decimal,
    /// `false` pins a hand-typed quantity: PAX changes never rewrite it.
    #[serde(default = "follows_pax_by_default")]
    pub follows_pax: bool,
    /// Active or cancelled.
    pub status: ItemStatus,
}

fn follows_pax_by_default() -> bool {
    true
}

impl Charge {
    /// Whether it is in force (cascades touch only active charges).
    pub fn is_active(&self) -> bool {
        self.status == ItemStatus::Active
    }
}

/// The event with everything a cascade reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventState {
    /// The event's id.
    pub id: Id,
    /// Default PAX (at least 1).
    pub pax: i64,
    /// The event's days.
    pub period: Period,
    /// Activities, cancelled ones included.
    pub activities: Vec<Activity>,
    /// Room blocks.
    pub blocks: Vec<Block>,
    /// Folios.
    pub folios: Vec<Folio>,
    /// Charges, cancelled ones included.
    pub charges: Vec<Charge>,
}

impl EventState {
    /// The activity with this id, if the event has it.
    pub fn activity(&self, id: Id) -> Option<&Activity> {
        self.activities.iter().find(|a| a.id == id)
    }
}

/// A hall held on one day by an activity of another event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HallHolding {
    /// The other event.
    pub event_id: Id,
    /// Its activity.
    pub activity_id: Id,
    /// The hall.
    pub premises_id: Id,
    /// The day.
    pub date: Date,
}
