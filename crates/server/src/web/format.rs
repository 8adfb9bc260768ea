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
