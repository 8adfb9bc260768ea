//! Dates, instants and money as the pages show them.

use jiff::Timestamp;
use jiff::civil::Date;
use tessera_domain::Locale;
use tessera_domain::period_text::{date_time, short_date};

/// Percent-encodes a query value.
pub fn url_encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// `13.12.2022` from `2022-12-13` (or the text itself if it is not a date).
pub fn day(iso: &str, l: Locale) -> String {
    iso.parse::<Date>()
        .map(|d| short_date(d, l))
        .unwrap_or_else(|_| iso.to_owned())
}

/// `06.12.2022 09:34` in the venue's time zone.
pub fn instant(seconds: i64, time_zone: &str, l: Locale) -> String {
    let tz = crate::wire::zone(time_zone);
    let at = Timestamp::from_second(seconds)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .to_zoned(tz);
    date_time(at.date(), at.time(), l)
}

/// An activity's time as pages show it: `09:00–12:00`, or the words for the whole day.
pub fn day_time(t: tessera_events::DayTime, whole_day: &str) -> String {
    t.hh_mm()
        .map_or_else(|| whole_day.to_owned(), |(s, e)| format!("{s}–{e}"))
}

/// A folio as pages name it: `Фолио 2 · Организатор`, or `Фолио 2` without a name.
pub fn folio_title(word: &str, id: i64, name: &str) -> String {
    if name.is_empty() {
        format!("{word} {id}")
    } else {
        format!("{word} {id} · {name}")
    }
}

/// A folio's totals, one per currency, as money in the page's language.
pub fn totals_text(totals: &[(String, rust_decimal::Decimal)], l: Locale) -> String {
    totals
        .iter()
        .map(|(currency, t)| {
            tessera_domain::money_text::money_text(&tessera_domain::money::cents_text(*t), currency, l)
        })
        .collect::<Vec<_>>()
        .join(" · ")
}
