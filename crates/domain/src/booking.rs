//! Which periods may be booked, by whom: the booking window.
//!
//! Managers book for anyone, walk-ins included. Visitors book for
//! themselves, in the future only, and within their venue's limits (a
//! horizon, a longest booking) and a cap on unpaid orders, so that a fresh
//! self-registered account cannot hoard a venue. A visitor's order still
//! unpaid at its payment deadline is cancelled by the sweep.

use jiff::{Timestamp, ToSpan};

use crate::Period;
use crate::refusal::Refusal;

/// Who is booking, which decides the periods allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Booking {
    /// A visitor for themselves: future periods, inside the venue's limits.
    Visitor,
    /// A manager: also a period that has started (a walk-in), not one that has ended.
    Manager,
    /// Importing history: any period.
    Import,
}

/// A venue's limits on visitors' own bookings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VenueLimits {
    /// A booking ends at most this many days from now.
    pub horizon_days: u32,
    /// A booking spans at most this many days.
    pub longest_days: u32,
    /// An unpaid order is cancelled this many hours after it was made.
    pub payment_hours: u32,
}

impl VenueLimits {
    /// 180 days ahead, 31 days long, 24 hours to pay.
    pub const DEFAULT: VenueLimits = VenueLimits {
        horizon_days: 180,
        longest_days: 31,
        payment_hours: 24,
    };

    /// Bounds for each setting (a venue's admin picks inside them).
    pub const HORIZON_DAYS: (u32, u32) = (1, 3660);
    /// Bounds for `longest_days`.
    pub const LONGEST_DAYS: (u32, u32) = (1, 3660);
    /// Bounds for `payment_hours`.
    pub const PAYMENT_HOURS: (u32, u32) = (1, 8760);

    /// When an order made at `created_at` (UNIX seconds) must be paid by.
    pub fn payment_deadline(&self, created_at: i64) -> i64 {
        created_at.saturating_add(i64::from(self.payment_hours) * 3600)
    }
}

/// Limits on a visitor across venues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VisitorLimits {
    /// Unpaid orders (`new`, `new_payment_in_progress`) a visitor may have open.
    pub unpaid_orders: u32,
}

impl VisitorLimits {
    /// Three unpaid orders.
    pub const DEFAULT: VisitorLimits = VisitorLimits { unpaid_orders: 3 };
}

/// Why a period may not be booked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BookingRefusal {
    /// Over already (managers).
    #[error("the period has already ended")]
    Ended,
    /// Started already (visitors).
    #[error("the period must start in the future")]
    NotFuture,
    /// Ends past the venue's horizon.
    #[error("bookings end at most {0} days from today")]
    BeyondHorizon(u32),
    /// Longer than the venue allows.
    #[error("a booking lasts at most {0} days")]
    TooLong(u32),
}

/// Whether `period` may be booked now.
pub fn check_period(
    booking: Booking,
    period: &Period,
    now: Timestamp,
    venue: &VenueLimits,
) -> Result<(), BookingRefusal> {
    match booking {
        Booking::Import => Ok(()),
        Booking::Manager if period.end() <= now => Err(BookingRefusal::Ended),
        Booking::Manager => Ok(()),
        Booking::Visitor => {
            if period.start() <= now {
                return Err(BookingRefusal::NotFuture);
            }
            let days = period
                .last_day()
                .since(period.first_day())
                .map_or(i64::MAX, |s| i64::from(s.get_days()))
                + 1;
            if days > i64::from(venue.longest_days) {
                return Err(BookingRefusal::TooLong(venue.longest_days));
            }
            let horizon = now
                .checked_add(i64::from(venue.horizon_days).saturating_mul(24).hours())
                .unwrap_or(Timestamp::MAX);
            if period.end() > horizon {
                return Err(BookingRefusal::BeyondHorizon(venue.horizon_days));
            }
            Ok(())
        }
    }
}

/// Whether a visitor with `unpaid` open unpaid orders may make another.
pub fn may_order_more(limits: &VisitorLimits, unpaid: u32) -> bool {
    unpaid < limits.unpaid_orders
}

/// Where a booked ticket may move: to a workplace of the venue it is booked
/// in, whose tariffs, prices and opening hours it was booked under.
pub fn check_workplace_move(current_venue: i64, target_venue: i64) -> Result<(), Refusal> {
    if target_venue == current_venue {
        Ok(())
    } else {
        Err(Refusal::OtherVenue)
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;
    use jiff::tz::TimeZone;

    use super::*;
    use crate::PeriodInput;

    fn days(from: jiff::civil::Date, to: jiff::civil::Date) -> Period {
        Period::new(
            PeriodInput::Days {
                start_date: from,
                end_date: to,
            },
            &TimeZone::UTC,
        )
        .expect("period")
    }

    const NOW: &str = "2026-12-01T10:00:00Z";

    fn now() -> Timestamp {
        NOW.parse().expect("now")
    }

    #[test]
    fn visitors_book_the_future_within_the_horizon_and_the_longest_booking() {
        let l = VenueLimits::DEFAULT;
        let v = Booking::Visitor;
        assert_eq!(
            check_period(v, &days(date(2026, 12, 2), date(2027, 1, 1)), now(), &l),
            Ok(())
        );
        assert_eq!(
            check_period(v, &days(date(2026, 12, 1), date(2026, 12, 2)), now(), &l),
            Err(BookingRefusal::NotFuture)
        );
        assert_eq!(
            check_period(v, &days(date(2026, 12, 2), date(2027, 1, 2)), now(), &l),
            Err(BookingRefusal::TooLong(31)),
            "32 days"
        );
        // 180 days from 1 December is 30 May; a period ending 29 May at midnight fits.
        assert_eq!(
            check_period(v, &days(date(2027, 5, 20), date(2027, 5, 29)), now(), &l),
            Ok(())
        );
        assert_eq!(
            check_period(v, &days(date(2027, 5, 20), date(2027, 5, 30)), now(), &l),
            Err(BookingRefusal::BeyondHorizon(180))
        );
        assert_eq!(
            check_period(v, &days(date(2999, 1, 1), date(2999, 1, 2)), now(), &l),
            Err(BookingRefusal::BeyondHorizon(180))
        );
    }

    #[test]
    fn managers_are_exempt_but_not_from_the_past() {
        let l = VenueLimits::DEFAULT;
        let m = Booking::Manager;
        assert_eq!(
            check_period(m, &days(date(2026, 11, 30), date(2028, 12, 31)), now(), &l),
            Ok(())
        );
        assert_eq!(
            check_period(m, &days(date(2026, 11, 1), date(2026, 11, 30)), now(), &l),
            Err(BookingRefusal::Ended)
        );
        assert_eq!(
            check_period(Booking::Import, &days(date(2020, 1, 1), date(2020, 1, 2)), now(), &l),
            Ok(())
        );
    }

    #[test]
    fn the_cap_and_the_deadline() {
        let v = VisitorLimits::DEFAULT;
        assert!(may_order_more(&v, 2));
        assert!(!may_order_more(&v, 3));
        assert_eq!(VenueLimits::DEFAULT.payment_deadline(1000), 1000 + 24 * 3600);
    }

    #[test]
    fn a_ticket_moves_only_within_its_venue() {
        assert_eq!(check_workplace_move(1, 1), Ok(()));
        assert_eq!(check_workplace_move(1, 2), Err(Refusal::OtherVenue));
    }
}
