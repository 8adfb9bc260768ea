//! Tessera's events domain: an event's state, the changes managers make to
//! it (PAX, dates, one activity), and for each change one pure function from
//! state + command to a [`Plan`] — item by item what would change. A preview
//! shows the plan; an apply writes the same plan. No I/O, no async.

#![warn(missing_docs)]

mod activity;
mod dates;
mod error;
mod folios;
mod halls;
mod model;
mod pax;
mod plan;
mod validate;

pub use activity::{ChangeActivity, plan_activity_change};
pub use dates::{DateChange, plan_date_change};
pub use error::CascadeError;
pub use model::{
    Activity, ActivityKind, Block, Charge, EventState, Folio, FolioStatus, HallHolding, Id, ItemStatus, Period,
};
pub use pax::{ChangePax, plan_pax_change};
pub use plan::{ActivityChange, BlockChange, ChargeChange, Plan};
pub use validate::{validate_new_activity, validate_new_charge, validate_new_event};
