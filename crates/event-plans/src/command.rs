//! Every change a manager makes to an event, typed: what the change is
//! ([`EventCommand`]), the name its audit line carries ([`Change`]), and the
//! one pure function from state + command to a plan. Preview and apply both
//! call [`EventCommand::plan`]; a new cascade is a new variant here, and the
//! compiler then asks the store, the API and the UI for their part.

use jiff::civil::Date;

use crate::cascade::{
    ChangeActivity, ChangePax, DateChange, plan_activity_cancel, plan_activity_change, plan_date_change,
    plan_event_cancel, plan_pax_change,
};
use crate::model::{CascadeError, EventState, HallHolding, Id, Plan};

/// A cascade: a change whose consequences are planned before they are written.
#[derive(Debug, Clone, PartialEq)]
pub enum EventCommand {
    /// New PAX for the event (and values typed for some activities).
    ChangePax(ChangePax),
    /// New dates, in one of the calendar's four modes.
    ChangeDates(DateChange),
    /// A new date or PAX for one activity.
    ChangeActivity {
        /// The activity.
        activity_id: Id,
        /// What changes.
        change: ChangeActivity,
    },
    /// Cancel one activity and its charges.
    CancelActivity {
        /// The activity.
        activity_id: Id,
    },
    /// Cancel the whole event.
    CancelEvent,
}

impl EventCommand {
    /// The plan this command makes of the state; `others` are the halls other
    /// events hold.
    pub fn plan(&self, state: &EventState, event_id: Id, others: &[HallHolding]) -> Result<Plan, CascadeError> {
        if state.cancelled {
            return Err(CascadeError::EventCancelled);
        }
        match self {
            EventCommand::ChangePax(cmd) => plan_pax_change(state, cmd),
            EventCommand::ChangeDates(cmd) => plan_date_change(state, cmd, event_id, others),
            EventCommand::ChangeActivity { activity_id, change } => {
                plan_activity_change(state, *activity_id, change, event_id, others)
            }
            EventCommand::CancelActivity { activity_id } => plan_activity_cancel(state, *activity_id),
            EventCommand::CancelEvent => Ok(plan_event_cancel(state)),
        }
    }

    /// The name of the change, as the audit trail records it.
    pub fn change(&self) -> Change {
        match self {
            EventCommand::ChangePax(_) => Change::ChangePax,
            EventCommand::ChangeDates(_) => Change::ChangeDates,
            EventCommand::ChangeActivity { .. } => Change::ChangeActivity,
            EventCommand::CancelActivity { .. } => Change::CancelActivity,
            EventCommand::CancelEvent => Change::CancelEvent,
        }
    }
}

/// What one line of an event's audit trail records: every change an event
/// can go through, cascades and plain additions alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Change {
    /// The event was created.
    Create,
    /// An activity was added.
    AddActivity,
    /// A block of rooms was added.
    AddBlock,
    /// A folio was added.
    AddFolio,
    /// A charge was posted.
    AddCharge,
    /// A folio was closed.
    CloseFolio,
    /// The PAX cascade.
    ChangePax,
    /// The dates cascade.
    ChangeDates,
    /// The activity cascade.
    ChangeActivity,
    /// A charge was corrected.
    EditCharge,
    /// A charge was voided.
    VoidCharge,
    /// A charge moved to another folio.
    TransferCharge,
    /// An activity was cancelled, with its charges.
    CancelActivity,
    /// The event was cancelled.
    CancelEvent,
    /// The event was renamed.
    RenameEvent,
    /// A block was edited.
    EditBlock,
    /// A block was cancelled.
    CancelBlock,
}

impl Change {
    /// Every change, for catalogues and tests.
    pub const ALL: [Change; 17] = [
        Change::Create,
        Change::AddActivity,
        Change::AddBlock,
        Change::AddFolio,
        Change::AddCharge,
        Change::CloseFolio,
        Change::ChangePax,
        Change::ChangeDates,
        Change::ChangeActivity,
        Change::EditCharge,
        Change::VoidCharge,
        Change::TransferCharge,
        Change::CancelActivity,
        Change::CancelEvent,
        Change::RenameEvent,
        Change::EditBlock,
        Change::CancelBlock,
    ];

    /// The stored and wire name (`change_pax`).
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Create => "create",
            Change::AddActivity => "add_activity",
            Change::AddBlock => "add_block",
            Change::AddFolio => "add_folio",
            Change::AddCharge => "add_charge",
            Change::CloseFolio => "close_folio",
            Change::ChangePax => "change_pax",
            Change::ChangeDates => "change_dates",
            Change::ChangeActivity => "change_activity",
            Change::EditCharge => "edit_charge",
            Change::VoidCharge => "void_charge",
            Change::TransferCharge => "transfer_charge",
            Change::CancelActivity => "cancel_activity",
            Change::CancelEvent => "cancel_event",
            Change::RenameEvent => "rename_event",
            Change::EditBlock => "edit_block",
            Change::CancelBlock => "cancel_block",
        }
    }

    /// The change a stored name stands for.
    pub fn parse(s: &str) -> Option<Change> {
        Change::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

tessera_domain::from_stored_name!(Change => "change");

/// The calendar's four modes, as a client names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DateMode {
    /// Shift everything; the length stays.
    Move,
    /// Grow the period; new days are empty.
    Extend,
    /// Shrink the period; what falls outside is cancelled.
    Shorten,
    /// Change the period only; activities and charges stay.
    PeriodOnly,
}

/// A dates command lacks what its mode needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("every mode but move needs an end date")]
pub struct EndDateRequired;

impl DateMode {
    /// Every mode, in the calendar's order.
    pub const ALL: [DateMode; 4] = [
        DateMode::Move,
        DateMode::Extend,
        DateMode::Shorten,
        DateMode::PeriodOnly,
    ];

    /// The wire name (`period_only`).
    pub fn as_str(self) -> &'static str {
        match self {
            DateMode::Move => "move",
            DateMode::Extend => "extend",
            DateMode::Shorten => "shorten",
            DateMode::PeriodOnly => "period_only",
        }
    }

    /// Whether the mode takes a last day (a move keeps the length).
    pub fn needs_end_date(self) -> bool {
        self != DateMode::Move
    }

    /// The date change this mode makes of the days given.
    pub fn with(self, start_date: Date, end_date: Option<Date>) -> Result<DateChange, EndDateRequired> {
        let end = || end_date.ok_or(EndDateRequired);
        Ok(match self {
            DateMode::Move => DateChange::Move { start_date },
            DateMode::Extend => DateChange::Extend {
                start_date,
                end_date: end()?,
            },
            DateMode::Shorten => DateChange::Shorten {
                start_date,
                end_date: end()?,
            },
            DateMode::PeriodOnly => DateChange::PeriodOnly {
                start_date,
                end_date: end()?,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_change_reads_back_from_its_name() {
        for c in Change::ALL {
            assert_eq!(Change::parse(c.as_str()), Some(c));
        }
        assert_eq!(Change::parse("move"), None);
    }

    #[test]
    fn modes_are_named_as_serde_reads_them() {
        for m in DateMode::ALL {
            let read: DateMode = serde_json::from_value(serde_json::json!(m.as_str())).expect("mode");
            assert_eq!(read, m);
        }
    }

    #[test]
    fn a_move_needs_no_end_date_and_the_other_modes_do() {
        let d = |s: &str| s.parse::<Date>().expect("date");
        assert_eq!(
            DateMode::Move.with(d("2026-03-02"), None),
            Ok(DateChange::Move {
                start_date: d("2026-03-02")
            })
        );
        for mode in [DateMode::Extend, DateMode::Shorten, DateMode::PeriodOnly] {
            assert!(mode.needs_end_date());
            assert_eq!(mode.with(d("2026-03-02"), None), Err(EndDateRequired));
        }
        assert_eq!(
            DateMode::Extend.with(d("2026-03-02"), Some(d("2026-03-05"))),
            Ok(DateChange::Extend {
                start_date: d("2026-03-02"),
                end_date: d("2026-03-05")
            })
        );
    }

    #[test]
    fn each_command_names_its_change() {
        assert_eq!(
            EventCommand::ChangePax(ChangePax::default()).change(),
            Change::ChangePax
        );
        assert_eq!(
            EventCommand::ChangeDates(DateChange::Move {
                start_date: jiff::civil::date(2026, 3, 2)
            })
            .change(),
            Change::ChangeDates
        );
        assert_eq!(
            EventCommand::ChangeActivity {
                activity_id: 1,
                change: ChangeActivity::default()
            }
            .change(),
            Change::ChangeActivity
        );
    }
}
