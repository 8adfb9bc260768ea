//! What an event looks like to callers: the event as read with its parts,
//! its audit lines, and the new parts a caller adds.

use jiff::civil::Date;
use rust_decimal::Decimal;
use tessera_events::{ActivityKind, Change, DayTime, FolioStatus, ItemStatus};

/// An event as read, with everything on it.
#[derive(Debug, Clone)]
pub struct EventView {
    /// Id.
    pub id: i64,
    /// Venue.
    pub venue_id: i64,
    /// Name.
    pub name: String,
    /// Default PAX.
    pub pax: i64,
    /// First day.
    pub start_date: String,
    /// Last day.
    pub end_date: String,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// Active, or cancelled.
    pub status: ItemStatus,
    /// Activities.
    pub activities: Vec<ActivityRow>,
    /// Blocks.
    pub blocks: Vec<BlockRow>,
    /// Folios.
    pub folios: Vec<FolioRow>,
    /// Charges of every folio.
    pub charges: Vec<ChargeRow>,
}

/// An activity row.
#[derive(Debug, Clone)]
pub struct ActivityRow {
    /// Id.
    pub id: i64,
    /// Kind.
    pub kind: ActivityKind,
    /// Name.
    pub name: String,
    /// Date.
    pub date: String,
    /// PAX.
    pub pax: i64,
    /// Hall.
    pub premises_id: Option<i64>,
    /// Its time on its day.
    pub time: DayTime,
    /// Notes for the staff (empty for none).
    pub notes: String,
    /// Status.
    pub status: ItemStatus,
}

/// A block row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BlockRow {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Rooms.
    pub rooms: i64,
    /// First day.
    pub start_date: String,
    /// Last day.
    pub end_date: String,
    /// Active, or cancelled.
    #[sqlx(try_from = "String")]
    pub status: ItemStatus,
}

/// A folio row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FolioRow {
    /// Id.
    pub id: i64,
    /// Event.
    pub event_id: i64,
    /// Name ("Organiser"; blank for none).
    pub name: String,
    /// Status.
    #[sqlx(try_from = "String")]
    pub status: FolioStatus,
}

/// A charge row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ChargeRow {
    /// Id.
    pub id: i64,
    /// Folio.
    pub folio_id: i64,
    /// Activity.
    pub activity_id: Option<i64>,
    /// Description.
    pub description: String,
    /// Service date.
    pub service_date: String,
    /// Quantity.
    pub quantity: Decimal,
    /// Unit price.
    pub unit_price: Decimal,
    /// Currency.
    pub currency: String,
    /// Follows PAX (1) or pinned (0).
    pub follows_pax: i64,
    /// Status.
    pub status: ItemStatus,
    /// Why it was voided.
    pub void_reason: Option<String>,
    /// When (UNIX seconds).
    pub voided_at: Option<i64>,
    /// By whom.
    pub voided_by: Option<i64>,
}

/// One line of an event's audit trail.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditEntry {
    /// Its place in the trail (for paging).
    pub id: i64,
    /// When (UNIX seconds).
    pub at: i64,
    /// Who.
    pub actor_id: i64,
    /// Which change.
    #[sqlx(try_from = "String")]
    pub command: Change,
    /// What changed (JSON: the plan, or the item added).
    pub detail: String,
    /// The version the change made.
    pub version_after: i64,
}

/// A new event.
#[derive(Debug, Clone)]
pub struct NewEvent {
    /// Venue.
    pub venue_id: i64,
    /// Name.
    pub name: String,
    /// First day.
    pub start_date: Date,
    /// Last day.
    pub end_date: Date,
    /// Default PAX.
    pub pax: i64,
}

/// A new activity.
#[derive(Debug, Clone)]
pub struct NewActivity {
    /// Kind.
    pub kind: ActivityKind,
    /// Name.
    pub name: String,
    /// Date.
    pub date: Date,
    /// PAX.
    pub pax: i64,
    /// Hall.
    pub premises_id: Option<i64>,
    /// Its time on its day (the whole day when none was given).
    pub time: DayTime,
    /// Notes for the staff (empty for none).
    pub notes: String,
}

/// A new charge.
#[derive(Debug, Clone)]
pub struct NewCharge {
    /// Description.
    pub description: String,
    /// Service date.
    pub service_date: Date,
    /// Quantity.
    pub quantity: Decimal,
    /// Unit price.
    pub unit_price: Decimal,
    /// Posted through this activity.
    pub activity_id: Option<i64>,
    /// `false` pins the quantity.
    pub follows_pax: bool,
}
