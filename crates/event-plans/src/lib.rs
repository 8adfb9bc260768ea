//! Tessera's events domain: an event's state, the changes managers make to
//! it (PAX, dates, one activity), and for each change one pure function from
//! state + command to a *plan* — item by item what would change. Preview
//! shows the plan; apply writes the same plan. No I/O, no async.

mod cascade;
mod charge;
mod command;
mod model;

pub use cascade::{
    ChangeActivity, ChangePax, DateChange, MAX_PAX, check_block_change, check_event_live, check_new_activity_hall,
    plan_activity_cancel, plan_activity_change, plan_date_change, plan_event_cancel, plan_pax_change,
    validate_new_activity, validate_new_charge,
};
pub use charge::{
    ChargeCommand, ChargeEdit, ChargeFacts, TargetFolio, charge_amount, check_charge_command, folio_totals,
};
pub use command::{Change, DateMode, EndDateRequired, EventCommand};
pub use model::{
    Activity, ActivityChange, ActivityKind, ActivityTexts, Block, BlockChange, CascadeError, Charge, ChargeChange,
    DayTime, EventState, FIRST_YEAR, Folio, FolioStatus, HallHolding, Id, ItemStatus, KeptCharge, LAST_YEAR, Plan,
    PremisesFacts, in_event_years,
};
