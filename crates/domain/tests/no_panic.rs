//! The fuzz targets' properties (`fuzz/src/checks.rs`), run on stable with
//! proptest: the parsers never panic on any input, and what they accept is
//! well-formed. `cargo +nightly fuzz run <target>` in `fuzz/` explores the
//! same properties far longer.

#[path = "../../../fuzz/src/checks.rs"]
mod checks;

use proptest::prelude::*;

/// Dates and times that parse, most of the time, with odd ones mixed in.
macro_rules! date {
    () => {
        r"(-?[0-9]{4,6}|[0-9]{4})-(0[0-9]|1[0-3])-([0-3][0-9])"
    };
}
macro_rules! time {
    () => {
        r"([0-2][0-9]):([0-6][0-9])(:[0-6][0-9](\.[0-9]{1,9})?)?"
    };
}
macro_rules! zone {
    () => {
        r"([0-9]|Europe/Moscow|America/New_York|Pacific/Chatham|[A-Za-z/_+-]{0,16})"
    };
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn periods_of_days(s in concat!(zone!(), r"\|", date!(), r"\|", date!())) {
        checks::period(&s);
    }

    #[test]
    fn periods_of_slots(s in concat!(zone!(), r"\|", date!(), r"\|", time!(), r"\|", time!())) {
        checks::period(&s);
    }

    #[test]
    fn periods_of_anything(s in "\\PC{0,64}") {
        checks::period(&s);
    }

    #[test]
    fn prices(s in r"\s?-?[0-9]{0,30}(\.[0-9]{0,30})?\s?") {
        checks::money(&s);
    }

    #[test]
    fn prices_of_anything(s in "\\PC{0,40}") {
        checks::money(&s);
    }

    #[test]
    fn people(s in "\\PC{0,300}") {
        checks::person(&s);
    }

    #[test]
    fn emails(s in r"\s?[a-zA-Z0-9.İẞΣ_+-]{1,250}@[a-zA-Z0-9İ.-]{1,20}\.[a-z]{2,4}\s?") {
        checks::person(&s);
    }

    #[test]
    fn phones(s in r"\s?\+?[0-9 ()+.-]{0,40}\s?") {
        checks::person(&s);
    }
}
