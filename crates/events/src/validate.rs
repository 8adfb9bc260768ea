//! Checks on single values, shared by the cascades and by new items.

use jiff::civil::Date;
use rust_decimal::Decimal;

use crate::error::CascadeError;
use crate::model::Period;

/// A PAX must be at least 1.
pub(crate) fn pax(pax: i64) -> Result<i64, CascadeError> {
    if pax < 1 {
        return Err(CascadeError::InvalidPax { pax });
    }
    Ok(pax)
}

/// Checks a new event: PAX at least 1 and a period whose last day is not before its first.
pub fn validate_new_event(pax: i64, period: Period) -> Result<(), CascadeError> {
    self::pax(pax)?;
    Period::new(period.start_date, period.end_date)?;
    Ok(())
}

/// Checks a new activity: its date within the event period and PAX at least 1.
pub fn validate_new_activity(period: Period, date: Date, pax: i64) -> Result<(), CascadeError> {
    self::pax(pax)?;
    date_within(period, date)
}

/// Checks a new charge: its quantity must not be negative.
pub fn validate_new_charge(quantity: Decimal) -> Result<(), CascadeError> {
    if quantity < Decimal::ZERO {
        return Err(CascadeError::NegativeQuantity { quantity });
    }
    Ok(())
}

/// A date must be one of the event's days.
pub(crate) fn date_within(period: Period, date: Date) -> Result<(), CascadeError> {
    if !period.contains(date) {
        return Err(CascadeError::DateOutsidePeriod { date, period });
    }
    Ok(())
}
