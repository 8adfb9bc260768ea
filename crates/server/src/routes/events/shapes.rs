//! The event's wire shapes: the event with its parts as answers give it,
//! its summary in lists, its audit lines.

use serde::Serialize;
use tessera_store::EventView;
use utoipa::ToSchema;

/// A charge.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChargeOut {
    /// Id.
    pub id: i64,
    /// Description.
    pub description: String,
    /// Service date.
    pub service_date: String,
    /// Decimal quantity.
    pub quantity: String,
    /// Decimal unit price.
    pub unit_price: String,
    /// Currency.
    pub currency: String,
    /// `active`, `cancelled` (with its activity, the event or a shorten) or `void` (by hand).
    pub status: String,
    /// The activity it was posted through, if any.
    pub activity_id: Option<i64>,
    /// `false`: a pinned quantity that PAX changes never rewrite.
    pub follows_pax: bool,
    /// Its folio.
    pub folio_id: i64,
    /// Why it was voided (`void` only).
    pub void_reason: Option<String>,
    /// When it was voided (RFC 3339, UTC).
    pub voided_at: Option<String>,
    /// Who voided it (a user id).
    pub voided_by: Option<i64>,
}

/// A folio's total in one currency: its active charges' quantity × unit price.
#[derive(Debug, Serialize, ToSchema)]
pub struct TotalOut {
    /// ISO 4217 code.
    pub currency: String,
    /// Decimal amount, in cents (`6550.00`).
    pub amount: String,
}

/// Totals per currency of a folio's charges (active ones only).
pub(super) fn totals_of(charges: &[tessera_store::ChargeRow]) -> Vec<TotalOut> {
    tessera_events::folio_totals(
        charges
            .iter()
            .map(|c| (c.status, c.currency.as_str(), c.quantity, c.unit_price)),
    )
    .into_iter()
    .map(|(currency, amount)| TotalOut {
        currency,
        amount: format!("{amount:.2}"),
    })
    .collect()
}

/// A closed-folio charge a cascade leaves as it is.
#[derive(Debug, Serialize, ToSchema)]
pub struct KeptOut {
    /// Id.
    pub id: i64,
    /// Its closed folio.
    pub folio_id: i64,
    /// Its service date, as it stays.
    #[schema(value_type = String, format = Date)]
    pub service_date: jiff::civil::Date,
    /// Its decimal quantity, as it stays.
    pub quantity: String,
}

/// The closed-folio charges a plan leaves behind.
pub(super) fn kept_out(plan: &tessera_events::Plan) -> Vec<KeptOut> {
    plan.kept
        .iter()
        .map(|k| KeptOut {
            id: k.id,
            folio_id: k.folio_id,
            service_date: k.service_date,
            quantity: k.quantity.normalize().to_string(),
        })
        .collect()
}

/// A folio.
#[derive(Debug, Serialize, ToSchema)]
pub struct FolioOut {
    /// Id.
    pub id: i64,
    /// Its name ("Organiser"); empty when it has none.
    pub name: String,
    /// `open` or `closed`.
    pub status: String,
    /// Charges, every status.
    pub charges: Vec<ChargeOut>,
    /// Totals per currency of its active charges.
    pub totals: Vec<TotalOut>,
}

/// A folio on its own, with the event it belongs to.
#[derive(Debug, Serialize, ToSchema)]
pub struct FolioDetailOut {
    /// Id.
    pub id: i64,
    /// Its event.
    pub event_id: i64,
    /// Its name; empty when it has none.
    pub name: String,
    /// `open` or `closed`.
    pub status: String,
    /// Charges, every status, oldest first.
    pub charges: Vec<ChargeOut>,
    /// Totals per currency of its active charges.
    pub totals: Vec<TotalOut>,
}

/// An activity.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityOut {
    /// Id.
    pub id: i64,
    /// `hall`, `catering` or `other`.
    pub kind: String,
    /// Name.
    pub name: String,
    /// Date.
    pub date: String,
    /// PAX.
    pub pax: i64,
    /// The hall held.
    pub premises_id: Option<i64>,
    /// Start, `HH:MM` in the venue's time zone (`null`: the whole day).
    pub start_time: Option<String>,
    /// End, `HH:MM`, excluded (`null`: the whole day).
    pub end_time: Option<String>,
    /// Notes for the staff (empty for none).
    pub notes: String,
    /// `active` or `cancelled`.
    pub status: String,
}

/// A room block.
#[derive(Debug, Serialize, ToSchema)]
pub struct BlockOut {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Rooms held.
    pub rooms: i64,
    /// First day (the event's).
    pub start_date: String,
    /// Last day (the event's).
    pub end_date: String,
    /// `active` or `cancelled`.
    pub status: String,
}

/// An event with everything on it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventOut {
    /// Id.
    pub id: i64,
    /// Venue.
    pub venue_id: i64,
    /// Name.
    pub name: String,
    /// First day.
    pub start_date: String,
    /// Last day.
    pub end_date: String,
    /// Default PAX.
    pub pax: i64,
    /// Version for `If-Match`.
    pub version: i64,
    /// `active` or `cancelled`.
    pub status: String,
    /// Activities.
    pub activities: Vec<ActivityOut>,
    /// Blocks.
    pub blocks: Vec<BlockOut>,
    /// Folios with their charges.
    pub folios: Vec<FolioOut>,
}

pub(crate) fn charge_out(c: tessera_store::ChargeRow) -> ChargeOut {
    ChargeOut {
        id: c.id,
        description: c.description,
        service_date: c.service_date,
        quantity: c.quantity.to_string(),
        unit_price: c.unit_price.to_string(),
        currency: c.currency,
        status: c.status.as_str().to_owned(),
        activity_id: c.activity_id,
        follows_pax: c.follows_pax != 0,
        folio_id: c.folio_id,
        void_reason: c.void_reason,
        voided_at: c.voided_at.map(|s| crate::wire::instant_s(s, &jiff::tz::TimeZone::UTC)),
        voided_by: c.voided_by,
    }
}

pub(crate) fn event_out(v: EventView) -> EventOut {
    let mut charges = v.charges;
    EventOut {
        id: v.id,
        venue_id: v.venue_id,
        name: v.name,
        start_date: v.start_date,
        end_date: v.end_date,
        pax: v.pax,
        version: v.version,
        status: v.status.as_str().to_owned(),
        activities: v
            .activities
            .into_iter()
            .map(|a| {
                let times = a.time.hh_mm();
                ActivityOut {
                    id: a.id,
                    kind: a.kind.as_str().to_owned(),
                    name: a.name,
                    date: a.date,
                    pax: a.pax,
                    premises_id: a.premises_id,
                    start_time: times.as_ref().map(|t| t.0.clone()),
                    end_time: times.map(|t| t.1),
                    notes: a.notes,
                    status: a.status.as_str().to_owned(),
                }
            })
            .collect(),
        blocks: v
            .blocks
            .into_iter()
            .map(|b| BlockOut {
                id: b.id,
                name: b.name,
                rooms: b.rooms,
                start_date: b.start_date,
                end_date: b.end_date,
                status: b.status.as_str().to_owned(),
            })
            .collect(),
        folios: v
            .folios
            .into_iter()
            .map(|f| {
                let (mine, rest): (Vec<_>, Vec<_>) = charges.drain(..).partition(|c| c.folio_id == f.id);
                charges = rest;
                FolioOut {
                    id: f.id,
                    name: f.name,
                    status: f.status.as_str().to_owned(),
                    totals: totals_of(&mine),
                    charges: mine.into_iter().map(charge_out).collect(),
                }
            })
            .collect(),
    }
}

/// An event in the list.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventSummary {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// First day.
    pub start_date: String,
    /// Last day.
    pub end_date: String,
    /// Default PAX.
    pub pax: i64,
}

/// One line of the audit trail.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditOut {
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Who.
    pub actor_id: i64,
    /// Which command (`create`, `add_activity`, `change_pax`, `change_dates`, …).
    pub command: String,
    /// What changed: the plan, or the item added.
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
    /// The version the change made.
    pub version: i64,
}

/// A folio's id and status.
#[derive(Debug, Serialize, ToSchema)]
pub struct FolioStatusOut {
    /// Id.
    pub id: i64,
    /// Its name; empty when it has none.
    pub name: String,
    /// `open` or `closed`.
    pub status: String,
}
