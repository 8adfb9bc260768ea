//! What premises are: a coworking (workplaces booked by tickets) or a hall
//! (held by an event's activity for a day).

/// The kind of premises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PremisesKind {
    /// Workplaces booked by tickets.
    Coworking,
    /// An event hall, held by one activity a day.
    Hall,
}

impl PremisesKind {
    /// Every kind.
    pub const ALL: [PremisesKind; 2] = [PremisesKind::Coworking, PremisesKind::Hall];
    /// Their wire names, in the same order (for refusals and the API document).
    pub const NAMES: &'static [&'static str] = &["coworking", "hall"];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            PremisesKind::Coworking => "coworking",
            PremisesKind::Hall => "hall",
        }
    }

    /// Parses the wire name.
    pub fn parse(s: &str) -> Option<PremisesKind> {
        PremisesKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_kinds_wire_names_in_order() {
        assert_eq!(PremisesKind::ALL.map(PremisesKind::as_str), PremisesKind::NAMES);
        for k in PremisesKind::ALL {
            assert_eq!(PremisesKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(PremisesKind::parse("Hall"), None);
    }
}
