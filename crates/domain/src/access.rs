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
    /// The pass itself has expired (the app fetches a fresh one online).
    Expired,
}

/// Every reason, for catalogues and for parsing a turnstile's own words.
pub const REASONS: [AccessReason; 9] = [
    AccessReason::Allowed,
    AccessReason::UnknownPass,
    AccessReason::Cancelled,
    AccessReason::WrongPremises,
    AccessReason::NotValidated,
    AccessReason::NotConfirmed,
    AccessReason::NotStarted,
    AccessReason::Ended,
    AccessReason::Expired,
];

/// A pass lives at most a day after it is issued, so a door that decides
/// offline trusts an old pass (one from before a send or a reset) at most
/// that long.
pub const PASS_LIFETIME_SECONDS: i64 = 86_400;

/// When a pass issued at `issued_at` for a ticket ending at `ticket_end`
/// expires (Unix seconds): a day later, never after the ticket's end.
pub fn pass_expiry(issued_at: i64, ticket_end: i64) -> i64 {
    issued_at.saturating_add(PASS_LIFETIME_SECONDS).min(ticket_end)
}

/// Which way someone passes the door.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    /// Coming in: every rule applies, and the first one is the first visit.
    #[default]
    In,
    /// Going out: a genuine pass of these premises is enough, so nobody is
    /// kept inside by a ticket that ended or a pass that expired meanwhile.
    Out,
}

impl Direction {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
        }
    }

    /// From the wire name.
    pub fn parse(s: &str) -> Option<Direction> {
        match s {
            "in" => Some(Direction::In),
            "out" => Some(Direction::Out),
            _ => None,
        }
    }
}

/// What the door knows about a pass whose signature is good.
#[derive(Debug, Clone, Copy)]
pub struct PassFacts {
    /// The pass is of the ticket's current generation (no send or reset since).
    pub current: bool,
    /// The pass's own expiry has passed.
    pub expired: bool,
}

/// The whole decision at a door, for a pass whose signature is good.
pub fn decide(
    direction: Direction,
    pass: PassFacts,
    status: TicketStatus,
    premises_ok: bool,
    validated: bool,
) -> AccessReason {
    if !pass.current {
        return AccessReason::UnknownPass;
    }
    match direction {
        Direction::Out if premises_ok => AccessReason::Allowed,
        Direction::Out => AccessReason::WrongPremises,
        // The ticket's own state speaks first (an ended ticket reads
        // `ended`); expiry only stops a pass that would open the door.
        Direction::In => match verdict(status, premises_ok, validated) {
            AccessReason::Allowed if pass.expired => AccessReason::Expired,
            reason => reason,
        },
    }
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
            AccessReason::Expired => "expired",
        }
    }

    /// From the wire name.
    pub fn parse(s: &str) -> Option<AccessReason> {
        REASONS.into_iter().find(|r| r.as_str() == s)
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

    const CURRENT: PassFacts = PassFacts {
        current: true,
        expired: false,
    };

    #[test]
    fn an_old_generation_opens_nothing_either_way() {
        let old = PassFacts {
            current: false,
            expired: false,
        };
        for d in [Direction::In, Direction::Out] {
            assert_eq!(
                decide(d, old, TicketStatus::Active, true, true),
                AccessReason::UnknownPass
            );
        }
    }

    #[test]
    fn an_expired_pass_does_not_let_in_but_lets_out() {
        let expired = PassFacts {
            current: true,
            expired: true,
        };
        assert_eq!(
            decide(Direction::In, expired, TicketStatus::Active, true, true),
            AccessReason::Expired
        );
        assert_eq!(
            decide(Direction::Out, expired, TicketStatus::Completed, true, true),
            AccessReason::Allowed
        );
        assert_eq!(
            decide(Direction::In, CURRENT, TicketStatus::Active, true, true),
            AccessReason::Allowed
        );
        assert_eq!(
            decide(Direction::In, expired, TicketStatus::Completed, true, true),
            AccessReason::Ended,
            "an ended ticket says so, whatever its pass"
        );
    }

    #[test]
    fn out_needs_the_premises_only() {
        assert_eq!(
            decide(Direction::Out, CURRENT, TicketStatus::Active, false, true),
            AccessReason::WrongPremises
        );
        assert_eq!(
            decide(Direction::Out, CURRENT, TicketStatus::Active, true, false),
            AccessReason::Allowed
        );
    }

    #[test]
    fn a_pass_lives_a_day_and_never_past_its_ticket() {
        assert_eq!(pass_expiry(1_000, 1_000_000), 1_000 + PASS_LIFETIME_SECONDS);
        assert_eq!(pass_expiry(1_000, 5_000), 5_000);
    }

    #[test]
    fn every_reason_parses_back() {
        for r in REASONS {
            assert_eq!(AccessReason::parse(r.as_str()), Some(r));
        }
        assert_eq!(AccessReason::parse("open"), None);
        assert_eq!(Direction::parse("out"), Some(Direction::Out));
        assert_eq!(Direction::parse("up"), None);
    }
}
