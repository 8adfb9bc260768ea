//! Changes to one charge that change only it: an edit, a void, a transfer to
//! another folio. Each is checked here against the charge, its folio and the
//! event; the store writes what the check lets through.

use jiff::civil::Date;
use rust_decimal::Decimal;

use crate::model::{CascadeError, FolioStatus, Id, ItemStatus};

/// What an edit of a charge sets (`None` keeps the value).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChargeEdit {
    /// New description.
    pub description: Option<String>,
    /// New service date.
    pub service_date: Option<Date>,
    /// New quantity.
    pub quantity: Option<Decimal>,
    /// New unit price.
    pub unit_price: Option<Decimal>,
    /// Pin (`false`) or free (`true`) the quantity against PAX changes.
    pub follows_pax: Option<bool>,
}

/// A change of one charge.
#[derive(Debug, Clone, PartialEq)]
pub enum ChargeCommand {
    /// Correct its fields.
    Edit(ChargeEdit),
    /// Void it: it stays, greyed, with the reason, and no longer counts.
    Void {
        /// Why (not blank).
        reason: String,
    },
    /// Move it to another open folio of the same event.
    Transfer {
        /// The folio it goes to.
        folio_id: Id,
    },
}

/// The facts a charge command is checked against.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChargeFacts {
    /// The charge's folio.
    pub folio_id: Id,
    /// Whether that folio is open.
    pub folio_status: FolioStatus,
    /// The charge's status.
    pub status: ItemStatus,
    /// The event's first day.
    pub start_date: Date,
    /// The event's last day.
    pub end_date: Date,
}

/// A folio a transfer names, as the store found it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TargetFolio {
    /// Whether it is a folio of the charge's event.
    pub same_event: bool,
    /// Its status.
    pub status: FolioStatus,
}

/// Checks a change of one charge: its folio is open, it is active, and what
/// it sets is valid; a transfer goes to another open folio of its event
/// (`target` is `None` when there is no folio by that id).
pub fn check_charge_command(
    facts: &ChargeFacts,
    cmd: &ChargeCommand,
    target: Option<TargetFolio>,
) -> Result<(), CascadeError> {
    if facts.folio_status == FolioStatus::Closed {
        return Err(CascadeError::ClosedFolio {
            folio_id: facts.folio_id,
        });
    }
    if facts.status != ItemStatus::Active {
        return Err(CascadeError::ChargeNotActive);
    }
    match cmd {
        ChargeCommand::Edit(e) => {
            if let Some(d) = e.service_date
                && (d < facts.start_date || d > facts.end_date)
            {
                return Err(CascadeError::ServiceDateOutsidePeriod);
            }
            if e.quantity.is_some_and(negative) {
                return Err(CascadeError::NegativeQuantity);
            }
            if e.unit_price.is_some_and(negative) {
                return Err(CascadeError::NegativePrice);
            }
            Ok(())
        }
        ChargeCommand::Void { reason } => {
            if reason.trim().is_empty() {
                Err(CascadeError::NoReason)
            } else {
                Ok(())
            }
        }
        ChargeCommand::Transfer { folio_id } => match target {
            Some(t) if t.same_event && t.status == FolioStatus::Open => Ok(()),
            Some(t) if t.same_event => Err(CascadeError::ClosedFolio { folio_id: *folio_id }),
            _ => Err(CascadeError::NotThisEventsFolio),
        },
    }
}

/// Below zero (`-0` is zero).
pub(crate) fn negative(d: Decimal) -> bool {
    d.is_sign_negative() && !d.is_zero()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> ChargeFacts {
        ChargeFacts {
            folio_id: 1,
            folio_status: FolioStatus::Open,
            status: ItemStatus::Active,
            start_date: jiff::civil::date(2024, 2, 10),
            end_date: jiff::civil::date(2024, 2, 12),
        }
    }

    fn void() -> ChargeCommand {
        ChargeCommand::Void { reason: "typo".into() }
    }

    #[test]
    fn a_closed_folios_charge_never_changes_by_hand() {
        let closed = ChargeFacts {
            folio_status: FolioStatus::Closed,
            ..facts()
        };
        for cmd in [
            void(),
            ChargeCommand::Edit(ChargeEdit::default()),
            ChargeCommand::Transfer { folio_id: 2 },
        ] {
            assert_eq!(
                check_charge_command(&closed, &cmd, None),
                Err(CascadeError::ClosedFolio { folio_id: 1 })
            );
        }
    }

    #[test]
    fn a_voided_or_cancelled_charge_is_not_voided_again() {
        for status in [ItemStatus::Void, ItemStatus::Cancelled] {
            let f = ChargeFacts { status, ..facts() };
            assert_eq!(
                check_charge_command(&f, &void(), None),
                Err(CascadeError::ChargeNotActive)
            );
        }
        assert_eq!(check_charge_command(&facts(), &void(), None), Ok(()));
    }

    #[test]
    fn a_void_needs_a_reason() {
        let blank = ChargeCommand::Void { reason: "  ".into() };
        assert_eq!(
            check_charge_command(&facts(), &blank, None),
            Err(CascadeError::NoReason)
        );
    }

    #[test]
    fn an_edit_stays_in_the_period_and_above_zero() {
        let edit = |e: ChargeEdit| check_charge_command(&facts(), &ChargeCommand::Edit(e), None);
        assert_eq!(
            edit(ChargeEdit {
                service_date: Some(jiff::civil::date(2024, 2, 13)),
                ..Default::default()
            }),
            Err(CascadeError::ServiceDateOutsidePeriod)
        );
        assert_eq!(
            edit(ChargeEdit {
                unit_price: Some(Decimal::new(-1, 0)),
                ..Default::default()
            }),
            Err(CascadeError::NegativePrice)
        );
        assert_eq!(
            edit(ChargeEdit {
                quantity: Some(Decimal::new(-5, 1)),
                ..Default::default()
            }),
            Err(CascadeError::NegativeQuantity)
        );
        assert_eq!(
            edit(ChargeEdit {
                quantity: Some(Decimal::ZERO),
                unit_price: Some(Decimal::new(2550, 2)),
                service_date: Some(jiff::civil::date(2024, 2, 12)),
                ..Default::default()
            }),
            Ok(())
        );
    }

    #[test]
    fn a_transfer_goes_to_an_open_folio_of_the_same_event() {
        let to = |t: Option<TargetFolio>| check_charge_command(&facts(), &ChargeCommand::Transfer { folio_id: 2 }, t);
        let open = TargetFolio {
            same_event: true,
            status: FolioStatus::Open,
        };
        assert_eq!(to(Some(open)), Ok(()));
        assert_eq!(
            to(Some(TargetFolio {
                status: FolioStatus::Closed,
                ..open
            })),
            Err(CascadeError::ClosedFolio { folio_id: 2 })
        );
        assert_eq!(
            to(Some(TargetFolio {
                same_event: false,
                ..open
            })),
            Err(CascadeError::NotThisEventsFolio)
        );
        assert_eq!(to(None), Err(CascadeError::NotThisEventsFolio));
    }
}

/// A charge line's amount as the folio shows and counts it: quantity ×
/// unit price in cents; `None` past what a decimal holds.
pub fn charge_amount(quantity: Decimal, unit_price: Decimal) -> Option<Decimal> {
    quantity.checked_mul(unit_price).map(|a| a.round_dp(2))
}

/// A folio's totals, one per currency in the order first met: the sum of
/// its active charges' quantity × unit price, each line rounded to cents as
/// the folio shows it (voided and cancelled ones stay on the folio and count
/// for nothing).
pub fn folio_totals<'a>(
    charges: impl IntoIterator<Item = (ItemStatus, &'a str, Decimal, Decimal)>,
) -> Vec<(String, Decimal)> {
    let mut totals: Vec<(String, Decimal)> = Vec::new();
    for (status, currency, quantity, unit_price) in charges {
        if status != ItemStatus::Active {
            continue;
        }
        let amount = charge_amount(quantity, unit_price).unwrap_or(Decimal::MAX);
        match totals.iter_mut().find(|(c, _)| c == currency) {
            Some((_, sum)) => *sum = sum.saturating_add(amount),
            None => totals.push((currency.to_owned(), amount)),
        }
    }
    totals
}

#[cfg(test)]
mod total_tests {
    use super::*;

    #[test]
    fn totals_count_only_active_charges_per_currency() {
        let d = |s: &str| s.parse::<Decimal>().expect("decimal");
        let totals = folio_totals([
            (ItemStatus::Active, "BGN", d("100"), d("25.50")),
            (ItemStatus::Void, "BGN", d("3"), d("1000")),
            (ItemStatus::Cancelled, "BGN", d("1"), d("7")),
            (ItemStatus::Active, "EUR", d("0.5"), d("10")),
            (ItemStatus::Active, "BGN", d("2"), d("0.25")),
            (ItemStatus::Active, "BGN", d("0.333"), d("1")),
        ]);
        assert_eq!(
            totals,
            vec![("BGN".into(), d("2550.83")), ("EUR".into(), d("5"))],
            "each line in cents"
        );
        assert!(folio_totals([]).is_empty());
    }
}
