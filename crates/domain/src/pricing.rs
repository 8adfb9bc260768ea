//! What a booking costs: the tariff's price per unit times the units the
//! period covers, plus the modifiers.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::{Money, Period};

/// The unit a tariff is priced in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TariffUnit {
    /// Per hour, pro rata by the minute.
    Hour,
    /// Per day; a slot counts as one day.
    Day,
    /// Per started month from the first day: 22.12 to 25.01 is two months.
    Month,
}

impl TariffUnit {
    /// Every unit.
    pub const ALL: [TariffUnit; 3] = [TariffUnit::Hour, TariffUnit::Day, TariffUnit::Month];
    /// Their wire names, in the same order (for refusals and the API document).
    pub const NAMES: &'static [&'static str] = &["hour", "day", "month"];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            TariffUnit::Hour => "hour",
            TariffUnit::Day => "day",
            TariffUnit::Month => "month",
        }
    }

    /// Parses the wire name.
    pub fn parse(s: &str) -> Option<TariffUnit> {
        TariffUnit::ALL.into_iter().find(|u| u.as_str() == s)
    }

    /// How many units a period takes.
    pub fn units(self, period: &Period) -> Decimal {
        match self {
            TariffUnit::Hour => Decimal::from(period.minutes()) / Decimal::from(60),
            TariffUnit::Day => Decimal::from(period.days()),
            TariffUnit::Month => Decimal::from(started_months(period)),
        }
    }
}

fn started_months(period: &Period) -> i64 {
    let (first, last) = (period.first_day(), period.last_day());
    let mut months = 1i64;
    while let Ok(next) = first.checked_add(jiff::Span::new().months(months)) {
        if next > last {
            break;
        }
        months += 1;
    }
    months
}

/// The price of one booked workplace.
pub fn item_total(tariff_price: Money, unit: TariffUnit, period: &Period, modifiers: &[Money]) -> Money {
    modifiers
        .iter()
        .fold(tariff_price.times(unit.units(period)), |sum, m| sum.plus(*m))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PeriodInput;
    use jiff::civil::{date, time};

    #[test]
    fn unit_names_are_the_wire_names_in_order() {
        assert_eq!(TariffUnit::ALL.map(TariffUnit::as_str), TariffUnit::NAMES);
    }
    use jiff::tz::TimeZone;

    fn days(a: jiff::civil::Date, b: jiff::civil::Date) -> Period {
        Period::new(
            PeriodInput::Days {
                start_date: a,
                end_date: b,
            },
            &TimeZone::UTC,
        )
        .unwrap()
    }

    #[test]
    fn a_monthly_tariff_counts_started_months() {
        // Ticket 34: 22.12.2022 - 25.01.2023 at 7000 a month.
        let p = days(date(2022, 12, 22), date(2023, 1, 25));
        let price = Money::parse("7000").unwrap();
        assert_eq!(item_total(price, TariffUnit::Month, &p, &[]).to_wire(), "14000.00");
        let one = days(date(2022, 12, 22), date(2023, 1, 21));
        assert_eq!(TariffUnit::Month.units(&one), Decimal::from(1));
    }

    #[test]
    fn daily_and_hourly_tariffs_and_modifiers_add_up() {
        let p = days(date(2022, 12, 22), date(2022, 12, 24));
        let m = [Money::parse("150").unwrap(), Money::parse("99.50").unwrap()];
        assert_eq!(
            item_total(Money::parse("1000").unwrap(), TariffUnit::Day, &p, &m).to_wire(),
            "3249.50"
        );
        let slot = Period::new(
            PeriodInput::Slot {
                date: date(2022, 12, 6),
                start_time: time(9, 0, 0, 0),
                end_time: time(11, 30, 0, 0),
            },
            &TimeZone::UTC,
        )
        .unwrap();
        assert_eq!(
            item_total(Money::parse("300").unwrap(), TariffUnit::Hour, &slot, &[]).to_wire(),
            "750.00"
        );
    }
}
