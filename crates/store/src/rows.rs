//! Rows as stored, decoded alike from both backends.

use sqlx::FromRow;
use tessera_domain::premises::PremisesKind;

/// A user account.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct User {
    /// Id.
    pub id: i64,
    /// E-mail, lower-cased.
    pub email: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Phone, as typed.
    pub phone: Option<String>,
    /// Role name.
    pub role: String,
    /// The language of mail to them (`ru`, `bg`, `en`).
    pub locale: String,
    /// When the account was deactivated; `None` while it may sign in.
    pub deactivated_at: Option<i64>,
}

impl User {
    /// Whether the account may sign in.
    pub fn is_active(&self) -> bool {
        self.deactivated_at.is_none()
    }
}

/// A venue.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Venue {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// IANA time zone.
    pub time_zone: String,
    /// ISO 4217 currency.
    pub currency: String,
    /// Default locale.
    pub locale: String,
    /// A visitor's booking ends at most this many days ahead.
    pub booking_horizon_days: i64,
    /// A visitor's booking lasts at most this many days.
    pub longest_booking_days: i64,
    /// A visitor's unpaid order is cancelled this many hours after it was made.
    pub payment_hours: i64,
    /// When it was archived; `None` while it is offered.
    pub archived_at: Option<i64>,
}

impl Venue {
    /// The venue's limits on visitors' own bookings.
    pub fn limits(&self) -> tessera_domain::booking::VenueLimits {
        let n = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
        tessera_domain::booking::VenueLimits {
            horizon_days: n(self.booking_horizon_days),
            longest_days: n(self.longest_booking_days),
            payment_hours: n(self.payment_hours),
        }
    }
}

/// A room of a venue.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Premises {
    /// Id.
    pub id: i64,
    /// Venue.
    pub venue_id: i64,
    /// Name ("Коворкинг на 2 этаже").
    pub name: String,
    /// A coworking or a hall.
    #[sqlx(try_from = "String")]
    pub kind: PremisesKind,
    /// How to find it, shown on a first visit.
    pub directions: Option<String>,
    /// When it was archived; `None` while it is offered.
    pub archived_at: Option<i64>,
}

/// A numbered workplace of a coworking.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Workplace {
    /// Id.
    pub id: i64,
    /// Premises.
    pub premises_id: i64,
    /// Name ("PM №1").
    pub name: String,
    /// When it was archived; `None` while it is offered.
    pub archived_at: Option<i64>,
}

/// A tariff.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Tariff {
    /// Id.
    pub id: i64,
    /// Venue.
    pub venue_id: i64,
    /// Name ("Суточный").
    pub name: String,
    /// `hour`, `day` or `month`.
    pub unit: String,
    /// Decimal price per unit.
    pub price: String,
    /// When it was archived; `None` while it is offered.
    pub archived_at: Option<i64>,
}

/// A service variant ("Резидент +").
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct ServiceVariant {
    /// Id.
    pub id: i64,
    /// Venue.
    pub venue_id: i64,
    /// Name.
    pub name: String,
    /// When it was archived; `None` while it is offered.
    pub archived_at: Option<i64>,
}

/// A priced add-on ("Шкафчик").
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Modifier {
    /// Id.
    pub id: i64,
    /// Venue.
    pub venue_id: i64,
    /// Name.
    pub name: String,
    /// Decimal price.
    pub price: String,
    /// When it was archived; `None` while it is offered.
    pub archived_at: Option<i64>,
}

/// One line of a ticket's history.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct HistoryEntry {
    /// When (UNIX seconds).
    pub at: i64,
    /// `status`, `validated`, `validation_reset`, `visitor_changed`, `workplace_changed`, `sent`.
    pub kind: String,
    /// Status before, for status changes.
    pub from_status: Option<String>,
    /// Status after, for status changes.
    pub to_status: Option<String>,
    /// Who did it; `None` for the system.
    pub actor_id: Option<i64>,
    /// Why: `order_created`, `order_status`, `period_started`, `period_ended`, …
    pub cause: String,
    /// Free detail (JSON), e.g. the previous and new visitor.
    pub detail: Option<String>,
}
