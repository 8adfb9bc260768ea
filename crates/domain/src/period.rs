//! A rental period: whole days or a slot inside one day, in the venue's time
//! zone, stored as the half-open instant range `[start, end)`.

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// The longest period of whole days one ticket may hold.
pub const MAX_DAYS: i64 = 3 * 366;

/// What a client asks for, before it is checked against a time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodInput {
    /// Whole days, both included: `13.12.2022 - 14.12.2022`.
    Days {
        /// First day.
        start_date: Date,
        /// Last day (included).
        end_date: Date,
    },
    /// A slot inside one day: `6 декабря 2022 г., с 09:00 до 11:00`.
    Slot {
        /// The day.
        date: Date,
        /// Start of the slot, whole minutes.
        start_time: Time,
        /// End of the slot (excluded), whole minutes.
        end_time: Time,
    },
}

/// A checked period with its instants.
#[derive(Debug, Clone, PartialEq)]
pub struct Period {
    input: PeriodInput,
    start: Timestamp,
    end: Timestamp,
}

/// Why a period was refused; `field()` names the offending field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    /// `end_date` before `start_date`.
    #[error("the last day must not be before the first day")]
    EndBeforeStart,
    /// More than [`MAX_DAYS`] days.
    #[error("a period may span at most {MAX_DAYS} days")]
    TooLong,
    /// `end_time` not after `start_time`.
    #[error("the end time must be after the start time")]
    EndTimeNotAfterStart,
    /// Times carry seconds.
    #[error("times are whole minutes (HH:MM)")]
    NotWholeMinutes,
    /// The slot does not exist on that day in the venue's time zone (a DST gap).
    #[error("this time does not exist on that day in the venue's time zone")]
    NonexistentLocalTime,
    /// A date outside the supported range.
    #[error("the date is out of range")]
    OutOfRange,
}

impl PeriodError {
    /// The request field the error belongs to.
    pub fn field(&self) -> &'static str {
        match self {
            PeriodError::EndBeforeStart | PeriodError::TooLong => "end_date",
            PeriodError::EndTimeNotAfterStart => "end_time",
            PeriodError::NotWholeMinutes | PeriodError::NonexistentLocalTime => "start_time",
            PeriodError::OutOfRange => "start_date",
        }
    }
}

/// The instant a local wall time means in `tz`. A time that falls in a DST
/// gap is moved forward, like a wall clock; a repeated time takes the first.
fn instant(date: Date, time: Time, tz: &TimeZone) -> Result<Timestamp, PeriodError> {
    tz.to_ambiguous_timestamp(date.to_datetime(time))
        .compatible()
        .map_err(|_| PeriodError::OutOfRange)
}

/// Like [`instant`], but a slot's edge that does not exist on the wall clock
/// is refused: silently moving a booked hour would surprise the visitor.
fn exact_instant(date: Date, time: Time, tz: &TimeZone) -> Result<Timestamp, PeriodError> {
    let ambiguous = tz.to_ambiguous_timestamp(date.to_datetime(time));
    if let jiff::tz::AmbiguousOffset::Gap { .. } = ambiguous.offset() {
        return Err(PeriodError::NonexistentLocalTime);
    }
    ambiguous.compatible().map_err(|_| PeriodError::OutOfRange)
}

impl Period {
    /// Checks a period in the venue's time zone.
    pub fn new(input: PeriodInput, tz: &TimeZone) -> Result<Period, PeriodError> {
        let (start, end) = match input {
            PeriodInput::Days { start_date, end_date } => {
                if end_date < start_date {
                    return Err(PeriodError::EndBeforeStart);
                }
                if day_number(end_date) - day_number(start_date) >= MAX_DAYS {
                    return Err(PeriodError::TooLong);
                }
                let after = end_date.checked_add(1.day()).map_err(|_| PeriodError::OutOfRange)?;
                (
                    instant(start_date, Time::midnight(), tz)?,
                    instant(after, Time::midnight(), tz)?,
                )
            }
            PeriodInput::Slot {
                date,
                start_time,
                end_time,
            } => {
                if start_time.second() != 0
                    || end_time.second() != 0
                    || start_time.subsec_nanosecond() != 0
                    || end_time.subsec_nanosecond() != 0
                {
                    return Err(PeriodError::NotWholeMinutes);
                }
                if end_time <= start_time {
                    return Err(PeriodError::EndTimeNotAfterStart);
                }
                (exact_instant(date, start_time, tz)?, exact_instant(date, end_time, tz)?)
            }
        };
        Ok(Period { input, start, end })
    }

    /// Rebuilds a stored period (already checked when it was stored).
    pub fn from_stored(input: PeriodInput, start: Timestamp, end: Timestamp) -> Period {
        Period { input, start, end }
    }

    /// What the client asked for.
    pub fn input(&self) -> PeriodInput {
        self.input
    }

    /// First instant (included).
    pub fn start(&self) -> Timestamp {
        self.start
    }

    /// Last instant (excluded).
    pub fn end(&self) -> Timestamp {
        self.end
    }

    /// First local day.
    pub fn first_day(&self) -> Date {
        match self.input {
            PeriodInput::Days { start_date, .. } => start_date,
            PeriodInput::Slot { date, .. } => date,
        }
    }

    /// Last local day (included).
    pub fn last_day(&self) -> Date {
        match self.input {
            PeriodInput::Days { end_date, .. } => end_date,
            PeriodInput::Slot { date, .. } => date,
        }
    }

    /// Whether two half-open periods share an instant.
    pub fn overlaps(&self, other: &Period) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// Whole local days the period covers (a slot counts as one).
    pub fn days(&self) -> i64 {
        day_number(self.last_day()) - day_number(self.first_day()) + 1
    }

    /// Length in minutes.
    pub fn minutes(&self) -> i64 {
        (self.end.as_second() - self.start.as_second()) / 60
    }
}

/// Days since 1970-01-01 of a civil date: an integer key for indexed day filters.
pub fn day_number(date: Date) -> i64 {
    let epoch = Date::constant(1970, 1, 1);
    date.since(epoch).map(|s| i64::from(s.get_days())).unwrap_or(0)
}

/// The civil date of a day number.
pub fn date_of_day_number(n: i64) -> Option<Date> {
    let n = i32::try_from(n).ok()?;
    Date::constant(1970, 1, 1).checked_add(n.days()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    fn tz(name: &str) -> TimeZone {
        TimeZone::get(name).unwrap_or(TimeZone::UTC)
    }

    #[test]
    fn whole_days_include_both_ends() {
        let p = Period::new(
            PeriodInput::Days {
                start_date: date(2022, 12, 13),
                end_date: date(2022, 12, 14),
            },
            &tz("Europe/Moscow"),
        )
        .unwrap();
        assert_eq!(p.start().to_string(), "2022-12-12T21:00:00Z");
        assert_eq!(p.end().to_string(), "2022-12-14T21:00:00Z");
        assert_eq!(p.days(), 2);
    }

    #[test]
    fn days_across_a_dst_change_stay_whole_local_days() {
        // Sofia leaves summer time on 2022-10-30: that day has 25 hours.
        let p = Period::new(
            PeriodInput::Days {
                start_date: date(2022, 10, 30),
                end_date: date(2022, 10, 30),
            },
            &tz("Europe/Sofia"),
        )
        .unwrap();
        assert_eq!(p.end().as_second() - p.start().as_second(), 25 * 3600);
    }

    #[test]
    fn a_slot_in_a_dst_gap_is_refused() {
        // Sofia skips 03:00-04:00 on 2023-03-26.
        let r = Period::new(
            PeriodInput::Slot {
                date: date(2023, 3, 26),
                start_time: time(3, 0, 0, 0),
                end_time: time(3, 30, 0, 0),
            },
            &tz("Europe/Sofia"),
        );
        assert_eq!(r, Err(PeriodError::NonexistentLocalTime));
    }

    #[test]
    fn inverted_and_empty_periods_are_refused() {
        let utc = TimeZone::UTC;
        let inverted = PeriodInput::Days {
            start_date: date(2022, 12, 14),
            end_date: date(2022, 12, 13),
        };
        assert_eq!(Period::new(inverted, &utc), Err(PeriodError::EndBeforeStart));
        let empty = PeriodInput::Slot {
            date: date(2022, 12, 6),
            start_time: time(9, 0, 0, 0),
            end_time: time(9, 0, 0, 0),
        };
        assert_eq!(Period::new(empty, &utc), Err(PeriodError::EndTimeNotAfterStart));
        let long = PeriodInput::Days {
            start_date: date(2020, 1, 1),
            end_date: date(2025, 1, 1),
        };
        assert_eq!(Period::new(long, &utc), Err(PeriodError::TooLong));
    }

    #[test]
    fn half_open_periods_touching_do_not_overlap() {
        let utc = TimeZone::UTC;
        let a = Period::new(
            PeriodInput::Slot {
                date: date(2022, 12, 6),
                start_time: time(9, 0, 0, 0),
                end_time: time(11, 0, 0, 0),
            },
            &utc,
        )
        .unwrap();
        let b = Period::new(
            PeriodInput::Slot {
                date: date(2022, 12, 6),
                start_time: time(11, 0, 0, 0),
                end_time: time(12, 0, 0, 0),
            },
            &utc,
        )
        .unwrap();
        let c = Period::new(
            PeriodInput::Days {
                start_date: date(2022, 12, 6),
                end_date: date(2022, 12, 6),
            },
            &utc,
        )
        .unwrap();
        assert!(!a.overlaps(&b));
        assert!(a.overlaps(&c) && b.overlaps(&c));
    }

    #[test]
    fn day_numbers_round_trip() {
        for d in [date(1970, 1, 1), date(2022, 12, 6), date(2099, 2, 28)] {
            assert_eq!(date_of_day_number(day_number(d)), Some(d));
        }
    }
}
