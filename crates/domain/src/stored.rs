//! Names as they are stored, read back into the domain's types: a row
//! decodes straight into `TicketStatus` or `Role` (`#[sqlx(try_from =
//! "String")]`), and a name this version does not know is refused, never
//! read as a default.

/// A stored name that names nothing this version knows (a row written by a
/// newer version, or a damaged one).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{name}`")]
pub struct UnknownName {
    /// What the name should have named.
    pub what: &'static str,
    /// The name read.
    pub name: String,
}

/// `TryFrom<String>` for types with a `parse(&str) -> Option<Self>` of their
/// wire names; the events crate's enums decode the same way.
#[macro_export]
macro_rules! from_stored_name {
    ($($t:ty => $what:literal),* $(,)?) => {$(
        impl TryFrom<String> for $t {
            type Error = $crate::stored::UnknownName;
            fn try_from(name: String) -> Result<Self, $crate::stored::UnknownName> {
                <$t>::parse(&name).ok_or($crate::stored::UnknownName { what: $what, name })
            }
        }
    )*};
}

from_stored_name!(
    crate::TicketStatus => "ticket status",
    crate::OrderStatus => "order status",
    crate::Role => "role",
    crate::pricing::TariffUnit => "tariff unit",
    crate::premises::PremisesKind => "premises kind",
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{OrderStatus, Role, TicketStatus};

    #[test]
    fn a_known_name_reads_back_and_an_unknown_one_is_refused() {
        assert_eq!(
            TicketStatus::try_from("confirmed".to_owned()),
            Ok(TicketStatus::Confirmed)
        );
        assert_eq!(
            OrderStatus::try_from("confirmed".to_owned()),
            Ok(OrderStatus::Confirmed)
        );
        assert_eq!(Role::try_from("admin".to_owned()), Ok(Role::Admin));
        assert_eq!(
            TicketStatus::try_from("pending".to_owned()),
            Err(UnknownName {
                what: "ticket status",
                name: "pending".into()
            })
        );
    }
}
