//! A period as the seed's list shows it, per language, formatted by ICU4X
//! with CLDR data: `13.12.2022 - 14.12.2022`, `6 декабря 2022 г., с 09:00 до 11:00`.

use std::sync::LazyLock;

use icu::calendar::{Date as IcuDate, Iso};
use icu::datetime::fieldsets::{T, YMD};
use icu::datetime::input::Time as IcuTime;
use icu::datetime::options::TimePrecision;
use icu::datetime::{DateTimeFormatter, NoCalendarFormatter};
use icu::locale::Locale as IcuLocale;
use jiff::civil::{Date, Time};

use crate::{Locale, PeriodInput};

struct Formatters {
    numeric: DateTimeFormatter<YMD>,
    long: DateTimeFormatter<YMD>,
    time: NoCalendarFormatter<T>,
}

fn formatters_for(locale: Locale) -> Option<Formatters> {
    let tag: IcuLocale = locale.tag().parse().ok()?;
    // Russian lists days as 13.12.2022 (CLDR "short"); Bulgarian's short form
    // has a two-digit year, so it gets "medium" (13.12.2022 г.).
    let numeric = match locale {
        Locale::Ru => YMD::short(),
        Locale::Bg | Locale::En => YMD::medium(),
    };
    Some(Formatters {
        numeric: DateTimeFormatter::try_new(tag.clone().into(), numeric).ok()?,
        long: DateTimeFormatter::try_new(tag.clone().into(), YMD::long()).ok()?,
        time: NoCalendarFormatter::try_new(tag.into(), T::short().with_time_precision(TimePrecision::Minute)).ok()?,
    })
}

static FORMATTERS: LazyLock<[Option<Formatters>; 3]> = LazyLock::new(|| Locale::ALL.map(formatters_for));

fn formatters(locale: Locale) -> Option<&'static Formatters> {
    let i = Locale::ALL.iter().position(|l| *l == locale)?;
    FORMATTERS[i].as_ref()
}

fn icu_date(d: Date) -> Option<IcuDate<Iso>> {
    IcuDate::try_new_iso(i32::from(d.year()), d.month().unsigned_abs(), d.day().unsigned_abs()).ok()
}

fn icu_time(t: Time) -> Option<IcuTime> {
    IcuTime::try_new(t.hour().unsigned_abs(), t.minute().unsigned_abs(), 0, 0).ok()
}

/// CLDR puts no-break spaces in `2022 г.` and `9:00 AM`; the seed's pages
/// (and every client that compares text) use plain ones.
fn plain_spaces(s: String) -> String {
    s.replace(['\u{202f}', '\u{a0}'], " ")
}

/// A date as the list shows a day: `13.12.2022` in Russian.
pub fn short_date(date: Date, locale: Locale) -> String {
    match (formatters(locale), icu_date(date)) {
        (Some(f), Some(d)) => plain_spaces(f.numeric.format(&d).to_string()),
        _ => date.to_string(),
    }
}

/// A date in words: `6 декабря 2022 г.` in Russian.
pub fn long_date(date: Date, locale: Locale) -> String {
    match (formatters(locale), icu_date(date)) {
        (Some(f), Some(d)) => plain_spaces(f.long.format(&d).to_string()),
        _ => date.to_string(),
    }
}

/// A time of day: `09:00` in Russian, `9:00 AM` in English.
pub fn time_of_day(time: Time, locale: Locale) -> String {
    match (formatters(locale), icu_time(time)) {
        (Some(f), Some(t)) => plain_spaces(f.time.format(&t).to_string()),
        _ => time.strftime("%H:%M").to_string(),
    }
}

/// A date and time, `06.12.2022 09:34` in Russian (ticket header, check time).
pub fn date_time(date: Date, time: Time, locale: Locale) -> String {
    format!("{} {}", short_date(date, locale), time_of_day(time, locale))
}

/// The period text of the ticket list.
pub fn period_text(period: &PeriodInput, locale: Locale) -> String {
    match *period {
        PeriodInput::Days { start_date, end_date } => {
            format!("{} - {}", short_date(start_date, locale), short_date(end_date, locale))
        }
        PeriodInput::Slot {
            date,
            start_time,
            end_time,
        } => {
            let (day, from, to) = (
                long_date(date, locale),
                time_of_day(start_time, locale),
                time_of_day(end_time, locale),
            );
            match locale {
                Locale::Ru => format!("{day}, с {from} до {to}"),
                Locale::Bg => format!("{day}, от {from} до {to}"),
                Locale::En => format!("{day}, from {from} to {to}"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    #[test]
    fn russian_matches_the_seed_list() {
        let days = PeriodInput::Days {
            start_date: date(2022, 12, 13),
            end_date: date(2022, 12, 14),
        };
        assert_eq!(period_text(&days, Locale::Ru), "13.12.2022 - 14.12.2022");
        let slot = PeriodInput::Slot {
            date: date(2022, 12, 6),
            start_time: time(9, 0, 0, 0),
            end_time: time(11, 0, 0, 0),
        };
        assert_eq!(period_text(&slot, Locale::Ru), "6 декабря 2022 г., с 09:00 до 11:00");
    }

    #[test]
    fn bulgarian_and_english_use_their_own_forms() {
        let slot = PeriodInput::Slot {
            date: date(2022, 12, 6),
            start_time: time(9, 0, 0, 0),
            end_time: time(11, 0, 0, 0),
        };
        assert_eq!(
            period_text(&slot, Locale::Bg),
            "6 декември 2022 г., от 09:00 ч. до 11:00 ч."
        );
        let en = period_text(&slot, Locale::En);
        assert!(en.starts_with("December 6, 2022, from 9:00"), "{en}");
        let days = PeriodInput::Days {
            start_date: date(2022, 12, 13),
            end_date: date(2022, 12, 14),
        };
        assert_eq!(period_text(&days, Locale::Bg), "13.12.2022 г. - 14.12.2022 г.");
    }
}
