//! Who may do what is decided by a user's role.

use serde::{Deserialize, Serialize};

/// A user's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything, including users and the catalogue.
    Admin,
    /// The coworking calendar: tickets, orders, visitors, validation.
    RentalManager,
    /// Events, activities, blocks, folios and charges.
    EventManager,
    /// Own orders and tickets only.
    Visitor,
    /// A turnstile: access checks only.
    Gate,
}

impl Role {
    /// Every role, for matrices in tests and docs.
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::RentalManager,
        Role::EventManager,
        Role::Visitor,
        Role::Gate,
    ];
    /// Their wire names, in the same order (for refusals and the API document).
    pub const NAMES: &'static [&'static str] = &["admin", "rental_manager", "event_manager", "visitor", "gate"];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::RentalManager => "rental_manager",
            Role::EventManager => "event_manager",
            Role::Visitor => "visitor",
            Role::Gate => "gate",
        }
    }

    /// Parses the wire name.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// May work the coworking calendar (tickets, orders, validation).
    pub fn manages_coworking(self) -> bool {
        matches!(self, Role::Admin | Role::RentalManager)
    }

    /// May work events, folios and charges.
    pub fn manages_events(self) -> bool {
        matches!(self, Role::Admin | Role::EventManager)
    }

    /// May hold a ticket (be sent one, be put on one): visitors only, never
    /// a turnstile or a member of staff.
    pub fn holds_tickets(self) -> bool {
        self == Role::Visitor
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_wire_names_in_order() {
        assert_eq!(Role::ALL.map(Role::as_str), Role::NAMES);
    }
}
