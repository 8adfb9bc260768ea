//! Properties of the domain's parsers over any input: they never panic, and
//! what they accept is well-formed. Shared by the cargo-fuzz targets
//! (`fuzz/fuzz_targets/*.rs`) and by a stable proptest in
//! `crates/domain/tests/no_panic.rs` (which includes this file by path), so
//! it depends on `tessera_domain` and `jiff` only.

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use tessera_domain::period_text::period_text;
use tessera_domain::person::{name_key, parse_email, parse_name, parse_phone, prefix_upper_bound};
use tessera_domain::pricing::{TariffUnit, item_total};
use tessera_domain::{Locale, Money, Period, PeriodInput};

/// Zones with DST gaps and folds, a half-hour one and UTC.
const ZONES: &[&str] = &[
    "Europe/Moscow",
    "Europe/Sofia",
    "America/New_York",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "UTC",
];

/// `ZONE|DATE|DATE` (whole days) or `ZONE|DATE|TIME|TIME` (a slot); `ZONE`
/// is a name, or a digit picking one of a few zones. Parts that do not parse
/// end the check: the wire layer refuses them before the domain sees them.
pub fn period(input: &str) {
    let mut parts = input.split('|');
    let zone = parts.next().unwrap_or("");
    let tz = match zone.parse::<usize>() {
        Ok(i) => TimeZone::get(ZONES[i % ZONES.len()]),
        Err(_) => TimeZone::get(zone),
    };
    let Ok(tz) = tz else { return };
    let rest: Vec<&str> = parts.collect();
    let period_input = match rest.as_slice() {
        [a, b] => match (a.parse::<Date>(), b.parse::<Date>()) {
            (Ok(start_date), Ok(end_date)) => PeriodInput::Days { start_date, end_date },
            _ => return,
        },
        [d, s, e] => match (d.parse::<Date>(), s.parse::<Time>(), e.parse::<Time>()) {
            (Ok(date), Ok(start_time), Ok(end_time)) => PeriodInput::Slot {
                date,
                start_time,
                end_time,
            },
            _ => return,
        },
        _ => return,
    };
    let Ok(p) = Period::new(period_input, &tz) else { return };
    assert!(p.start() < p.end(), "{input}: empty period");
    assert!(p.first_day() <= p.last_day(), "{input}");
    assert!(p.days() >= 1, "{input}");
    assert!(p.minutes() >= 1, "{input}");
    assert!(p.overlaps(&p), "{input}");
    assert_eq!(p.input(), period_input);
    assert_eq!(Period::from_stored(period_input, p.start(), p.end()), p);
    for locale in Locale::ALL {
        assert!(!period_text(&period_input, locale).is_empty(), "{input}");
    }
    let most = Money::parse("1000000000").unwrap_or(Money::ZERO);
    for unit in [TariffUnit::Hour, TariffUnit::Day, TariffUnit::Month] {
        let total = item_total(most, unit, &p, &[most, most]);
        assert!(total >= most, "{input}: {unit:?}");
    }
}

/// A price: accepted ones are non-negative, at most two decimals, and read
/// back the same from their wire form.
pub fn money(input: &str) {
    let Ok(m) = Money::parse(input) else { return };
    let wire = m.to_wire();
    assert_eq!(Money::parse(&wire), Ok(m), "{input:?} → {wire}");
    let (_, cents) = wire.split_once('.').unwrap_or(("", ""));
    assert_eq!(cents.len(), 2, "{input:?} → {wire}");
    assert!(!wire.starts_with('-'), "{input:?} → {wire}");
}

/// Names, e-mails and phones: what is accepted is trimmed, bounded and
/// accepted again unchanged.
pub fn person(input: &str) {
    if let Ok(n) = parse_name(input) {
        assert_eq!(parse_name(&n).as_deref(), Ok(n.as_str()));
        assert!(!n.is_empty() && n.trim() == n);
        assert!(n.chars().count() <= tessera_domain::person::MAX_NAME);
        let key = name_key(&n);
        assert!(prefix_upper_bound(&key) > key);
    }
    if let Ok(e) = parse_email(input) {
        assert_eq!(parse_email(&e).as_deref(), Ok(e.as_str()), "{input:?}");
        assert!(e.contains('@'));
        assert!(e.chars().count() <= tessera_domain::person::MAX_EMAIL);
    }
    if let Ok(p) = parse_phone(input) {
        assert_eq!(parse_phone(&p).as_deref(), Ok(p.as_str()));
        assert!(p.chars().count() <= tessera_domain::person::MAX_PHONE);
    }
}
