//! A ticket's status is derived from its order's status and the clock.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::OrderStatus;

/// The five ticket statuses of the seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    /// Новый: the order is any `new*` or has an issued invoice.
    New,
    /// Подтвержден: the order is confirmed and the period has not started.
    Confirmed,
    /// Активен: confirmed and the period has started.
    Active,
    /// Отменен: the order is any `cancelled*`.
    Cancelled,
    /// Выполнен: the period has ended (the order is then completed too).
    Completed,
}

impl TicketStatus {
    /// Every status, in the seed's order.
    pub const ALL: [TicketStatus; 5] = [
        TicketStatus::New,
        TicketStatus::Confirmed,
        TicketStatus::Active,
        TicketStatus::Cancelled,
        TicketStatus::Completed,
    ];

    /// The wire names of [`TicketStatus::ALL`], in its order.
    pub const NAMES: &'static [&'static str] = &["new", "confirmed", "active", "cancelled", "completed"];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            TicketStatus::New => "new",
            TicketStatus::Confirmed => "confirmed",
            TicketStatus::Active => "active",
            TicketStatus::Cancelled => "cancelled",
            TicketStatus::Completed => "completed",
        }
    }

    /// Parses the wire name.
    pub fn parse(s: &str) -> Option<TicketStatus> {
        TicketStatus::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// The status a ticket has under an order status at `now`, for a period
    /// `[start, end)`.
    pub fn derive(order: OrderStatus, start: Timestamp, end: Timestamp, now: Timestamp) -> Self {
        if order.is_pending() {
            TicketStatus::New
        } else if order.is_cancelled() {
            TicketStatus::Cancelled
        } else if order == OrderStatus::Completed || now >= end {
            TicketStatus::Completed
        } else if now >= start {
            TicketStatus::Active
        } else {
            TicketStatus::Confirmed
        }
    }

    /// What a stored status reads as at `now`: the clock may have moved a
    /// confirmed ticket on before the background sweep wrote it down, and a
    /// reader must never see the stale value.
    pub fn at(self, start: Timestamp, end: Timestamp, now: Timestamp) -> Self {
        match self {
            TicketStatus::Confirmed | TicketStatus::Active if now >= end => TicketStatus::Completed,
            TicketStatus::Confirmed if now >= start => TicketStatus::Active,
            other => other,
        }
    }

    /// Whether the ticket still holds its workplace.
    pub fn holds_workplace(self) -> bool {
        self != TicketStatus::Cancelled
    }

    /// A rental manager may validate the visitor's identity only now.
    pub fn may_validate(self) -> bool {
        matches!(self, TicketStatus::Confirmed | TicketStatus::Active)
    }

    /// Whether a manager may check the visitor's identity now: the status
    /// allows it and it was not checked yet (a reset makes it checkable again).
    pub fn check_validation(self, validated: bool) -> Result<(), ValidationRefusal> {
        if !self.may_validate() {
            return Err(ValidationRefusal::Status(self));
        }
        if validated {
            return Err(ValidationRefusal::AlreadyValidated);
        }
        Ok(())
    }

    /// The visitor may be changed (by a manager) or the ticket sent (by its visitor).
    pub fn may_change_visitor(self) -> bool {
        matches!(self, TicketStatus::New | TicketStatus::Confirmed)
    }

    /// The workplace may be changed.
    pub fn may_change_workplace(self) -> bool {
        !matches!(self, TicketStatus::Cancelled | TicketStatus::Completed)
    }
}

#[cfg(test)]
mod validation_tests {
    use super::TicketStatus::*;
    use super::ValidationRefusal;

    #[test]
    fn only_a_confirmed_or_active_ticket_not_yet_checked_may_be_validated() {
        assert_eq!(Confirmed.check_validation(false), Ok(()));
        assert_eq!(Active.check_validation(false), Ok(()));
        assert_eq!(Active.check_validation(true), Err(ValidationRefusal::AlreadyValidated));
        for s in [New, Cancelled, Completed] {
            assert_eq!(s.check_validation(false), Err(ValidationRefusal::Status(s)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::TicketStatus::*;
    use super::*;

    #[test]
    fn the_names_are_the_statuses_wire_names() {
        assert_eq!(TicketStatus::ALL.map(TicketStatus::as_str), TicketStatus::NAMES);
    }

    fn ts(s: i64) -> Timestamp {
        Timestamp::from_second(s).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    #[test]
    fn follows_the_order_and_the_clock() {
        let (start, end) = (ts(100), ts(200));
        for st in OrderStatus::ALL {
            let derived = TicketStatus::derive(st, start, end, ts(50));
            let expected = if st.is_pending() {
                New
            } else if st.is_cancelled() {
                Cancelled
            } else if st == OrderStatus::Completed {
                Completed
            } else {
                Confirmed
            };
            assert_eq!(derived, expected, "{st:?}");
        }
        let c = OrderStatus::Confirmed;
        assert_eq!(TicketStatus::derive(c, start, end, ts(100)), Active);
        assert_eq!(TicketStatus::derive(c, start, end, ts(199)), Active);
        assert_eq!(TicketStatus::derive(c, start, end, ts(200)), Completed);
    }

    #[test]
    fn a_stored_status_is_never_read_stale() {
        let (start, end) = (ts(100), ts(200));
        assert_eq!(Confirmed.at(start, end, ts(99)), Confirmed);
        assert_eq!(Confirmed.at(start, end, ts(100)), Active);
        assert_eq!(Confirmed.at(start, end, ts(250)), Completed);
        assert_eq!(Active.at(start, end, ts(200)), Completed);
        assert_eq!(New.at(start, end, ts(250)), New);
        assert_eq!(Cancelled.at(start, end, ts(150)), Cancelled);
    }
}

/// Why a ticket's identity may not be checked now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValidationRefusal {
    /// Not `confirmed` or `active`.
    Status(TicketStatus),
    /// Checked already.
    AlreadyValidated,
}

/// What a person does to a ticket, which its status may refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketAction {
    /// Check the visitor's identity.
    Validate,
    /// Give the ticket to another visitor (a manager).
    ChangeVisitor,
    /// Move it to another workplace.
    ChangeWorkplace,
    /// Send it to another visitor (its holder).
    Send,
}
