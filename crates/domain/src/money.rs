//! Money is a decimal amount, never a float.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A non-negative decimal amount with at most two fractional digits on the wire
/// (`"7000.00"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Money(#[serde(with = "rust_decimal::serde::str")] Decimal);

/// Why a price was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Not a decimal number.
    #[error("not a decimal amount")]
    NotDecimal,
    /// Below zero.
    #[error("must not be negative")]
    Negative,
    /// More than two digits after the point.
    #[error("at most two digits after the decimal point")]
    TooPrecise,
    /// Too large to be a price.
    #[error("too large (at most 1,000,000,000)")]
    TooLarge,
}

/// Any amount in the wire form of money, rounded to cents: `"-12.50"`. For
/// sums that may be negative (a folio with a discount), which `Money` is not.
pub fn cents_text(amount: Decimal) -> String {
    let mut d = amount.round_dp(2);
    d.rescale(2);
    d.to_string()
}

impl Money {
    /// Zero.
    pub const ZERO: Money = Money(Decimal::ZERO);
    const MAX: Decimal = Decimal::from_parts(1_000_000_000, 0, 0, false, 0);

    /// Parses a decimal string such as `"7000"` or `"7000.50"`.
    pub fn parse(s: &str) -> Result<Money, MoneyError> {
        let s = s.trim();
        if s.is_empty() || s.contains(['e', 'E']) {
            return Err(MoneyError::NotDecimal);
        }
        let d: Decimal = s.parse().map_err(|_| MoneyError::NotDecimal)?;
        Money::from_decimal(d)
    }

    /// Checks a decimal for being a price.
    pub fn from_decimal(d: Decimal) -> Result<Money, MoneyError> {
        if d.is_sign_negative() && !d.is_zero() {
            return Err(MoneyError::Negative);
        }
        if d.normalize().scale() > 2 {
            return Err(MoneyError::TooPrecise);
        }
        if d > Money::MAX {
            return Err(MoneyError::TooLarge);
        }
        Ok(Money(d.round_dp(2)))
    }

    /// The amount.
    pub fn amount(self) -> Decimal {
        self.0
    }

    /// The wire form, always two decimals: `"7000.00"`.
    pub fn to_wire(self) -> String {
        cents_text(self.0)
    }

    /// `self × units`, rounded to cents (units may be fractional hours).
    pub fn times(self, units: Decimal) -> Money {
        Money((self.0 * units).round_dp(2))
    }

    /// Sum of two amounts.
    pub fn plus(self, other: Money) -> Money {
        Money(self.0 + other.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_prices_and_refuses_what_is_not_one() {
        assert_eq!(Money::parse("7000").map(Money::to_wire), Ok("7000.00".into()));
        assert_eq!(Money::parse("12.5").map(Money::to_wire), Ok("12.50".into()));
        assert_eq!(Money::parse("-1"), Err(MoneyError::Negative));
        assert_eq!(Money::parse("1.234"), Err(MoneyError::TooPrecise));
        assert_eq!(Money::parse("abc"), Err(MoneyError::NotDecimal));
        assert_eq!(Money::parse("1e3"), Err(MoneyError::NotDecimal));
        assert_eq!(Money::parse("10000000000"), Err(MoneyError::TooLarge));
    }
}
