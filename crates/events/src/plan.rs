//! The plan: item by item what a change would do. Preview shows it, apply
//! writes it; both read the same value, so they cannot disagree.

use std::collections::HashMap;

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::model::{Activity, Charge, EventState, Id, ItemStatus, Period};

/// One activity that changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityChange {
    /// Id.
    pub id: Id,
    /// Date before.
    pub date_before: Date,
    /// Date after.
    pub date_after: Date,
    /// PAX before.
    pub pax_before: i64,
    /// PAX after.
    pub pax_after: i64,
    /// Status before.
    pub status_before: ItemStatus,
    /// Status after.
    pub status_after: ItemStatus,
}

impl ActivityChange {
    /// The activity as it is; a cascade then sets what changes.
    pub(crate) fn of(a: &Activity) -> Self {
        Self {
            id: a.id,
            date_before: a.date,
            date_after: a.date,
            pax_before: a.pax,
            pax_after: a.pax,
            status_before: a.status,
            status_after: a.status,
        }
    }

    fn changes(&self) -> bool {
        self.date_before != self.date_after
            || self.pax_before != self.pax_after
            || self.status_before != self.status_after
    }
}

/// One charge that changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChargeChange {
    /// Id.
    pub id: Id,
    /// Its folio.
    pub folio_id: Id,
    /// Service date before.
    pub service_date_before: Date,
    /// Service date after.
    pub service_date_after: Date,
    /// Quantity before.
    pub quantity_before: Decimal,
    /// Quantity after.
    pub quantity_after: Decimal,
    /// Status before.
    pub status_before: ItemStatus,
    /// Status after.
    pub status_after: ItemStatus,
}

impl ChargeChange {
    /// The charge as it is; a cascade then sets what changes.
    pub(crate) fn of(c: &Charge) -> Self {
        Self {
            id: c.id,
            folio_id: c.folio_id,
            service_date_before: c.service_date,
            service_date_after: c.service_date,
            quantity_before: c.quantity,
            quantity_after: c.quantity,
            status_before: c.status,
            status_after: c.status,
        }
    }

    // Decimal equality ignores scale, so 100 -> 100.00 is not a change.
    fn changes(&self) -> bool {
        self.service_date_before != self.service_date_after
            || self.quantity_before != self.quantity_after
            || self.status_before != self.status_after
    }
}

/// One room block that changes (it follows the period).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlockChange {
    /// Id.
    pub id: Id,
    /// First day before.
    pub start_before: Date,
    /// Last day before.
    pub end_before: Date,
    /// First day after.
    pub start_after: Date,
    /// Last day after.
    pub end_after: Date,
}

/// What a change would do, item by item; only what changes is listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The event period before.
    pub period_before: Period,
    /// The event period after.
    pub period_after: Period,
    /// The event's PAX before.
    pub pax_before: i64,
    /// The event's PAX after.
    pub pax_after: i64,
    /// Activities that change.
    pub activities: Vec<ActivityChange>,
    /// Charges that change.
    pub charges: Vec<ChargeChange>,
    /// Blocks that change.
    pub blocks: Vec<BlockChange>,
}

impl Plan {
    /// A plan that changes nothing yet.
    pub(crate) fn keep(state: &EventState) -> Self {
        Self {
            period_before: state.period,
            period_after: state.period,
            pax_before: state.pax,
            pax_after: state.pax,
            activities: Vec::new(),
            charges: Vec::new(),
            blocks: Vec::new(),
        }
    }

    /// Lists the activity change, unless it changes nothing.
    pub(crate) fn push_activity(&mut self, change: ActivityChange) {
        if change.changes() {
            self.activities.push(change);
        }
    }

    /// Lists the charge change, unless it changes nothing.
    pub(crate) fn push_charge(&mut self, change: ChargeChange) {
        if change.changes() {
            self.charges.push(change);
        }
    }

    /// Whether the plan changes nothing at all.
    pub fn is_empty(&self) -> bool {
        self.period_before == self.period_after
            && self.pax_before == self.pax_after
            && self.activities.is_empty()
            && self.charges.is_empty()
            && self.blocks.is_empty()
    }

    /// Writes the plan's "after" values into the state; items it does not list stay as they are.
    pub fn apply(&self, state: &mut EventState) {
        state.pax = self.pax_after;
        state.period = self.period_after;
        let activities: HashMap<Id, &ActivityChange> = self.activities.iter().map(|c| (c.id, c)).collect();
        for a in &mut state.activities {
            if let Some(c) = activities.get(&a.id) {
                (a.date, a.pax, a.status) = (c.date_after, c.pax_after, c.status_after);
            }
        }
        let charges: HashMap<Id, &ChargeChange> = self.charges.iter().map(|c| (c.id, c)).collect();
        for ch in &mut state.charges {
            if let Some(c) = charges.get(&ch.id) {
                (ch.service_date, ch.quantity, ch.status) = (c.service_date_after, c.quantity_after, c.status_after);
            }
        }
        let blocks: HashMap<Id, &BlockChange> = self.blocks.iter().map(|c| (c.id, c)).collect();
        for b in &mut state.blocks {
            if let Some(c) = blocks.get(&b.id) {
                (b.start_date, b.end_date) = (c.start_after, c.end_after);
            }
        }
    }
}
