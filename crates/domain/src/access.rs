//! Who may pass a door: a pure decision over a ticket's state.

use crate::TicketStatus;

/// Why a door opens or stays shut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessReason {
    /// Validated, active, right premises, within the period.
    Allowed,
    /// The pass is forged, truncated, or from before a send or a reset.
    UnknownPass,
    /// The ticket's order was cancelled.
    Cancelled,
    /// The ticket is for other premises.
    WrongPremises,
    /// The visitor's identity has not been checked.
    NotValidated,
    /// The order is not confirmed yet.
    NotConfirmed,
    /// The period has not started.
    NotStarted,
    /// The period has ended.
    Ended,
}

impl AccessReason {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessReason::Allowed => "allowed",
            AccessReason::UnknownPass => "unknown_pass",
            AccessReason::Cancelled => "cancelled",
            AccessReason::WrongPremises => "wrong_premises",
            AccessReason::NotValidated => "not_validated",
            AccessReason::NotConfirmed => "not_confirmed",
            AccessReason::NotStarted => "not_started",
            AccessReason::Ended => "ended",
        }
    }
}

/// The verdict for a ticket at a door, a pure decision over its state.
pub fn verdict(status: TicketStatus, premises_ok: bool, validated: bool) -> AccessReason {
    match status {
        TicketStatus::Cancelled => AccessReason::Cancelled,
        _ if !premises_ok => AccessReason::WrongPremises,
        TicketStatus::Completed => AccessReason::Ended,
        TicketStatus::New => AccessReason::NotConfirmed,
        TicketStatus::Confirmed => AccessReason::NotStarted,
        TicketStatus::Active if !validated => AccessReason::NotValidated,
        TicketStatus::Active => AccessReason::Allowed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_validated_active_ticket_at_its_premises_opens_the_door() {
        use AccessReason::*;
        assert_eq!(verdict(TicketStatus::Active, true, true), Allowed);
        assert_eq!(verdict(TicketStatus::Active, true, false), NotValidated);
        assert_eq!(verdict(TicketStatus::Active, false, true), WrongPremises);
        assert_eq!(verdict(TicketStatus::Confirmed, true, true), NotStarted);
        assert_eq!(verdict(TicketStatus::Completed, true, true), Ended);
        assert_eq!(verdict(TicketStatus::Cancelled, true, true), Cancelled);
        assert_eq!(verdict(TicketStatus::New, true, false), NotConfirmed);
    }
}
