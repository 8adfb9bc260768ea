//! An amount as a person reads it, per language, grouped and with the
//! decimal separator of the language by ICU4X (CLDR): `7 000,00 ₽` in
//! Russian, `RUB 7,000.00` in English.

use std::str::FromStr;
use std::sync::LazyLock;

use icu::decimal::DecimalFormatter;
use icu::decimal::input::Decimal;
use icu::locale::Locale as IcuLocale;

use crate::Locale;

static FORMATTERS: LazyLock<[Option<DecimalFormatter>; 3]> = LazyLock::new(|| {
    Locale::ALL.map(|l| {
        let tag: IcuLocale = l.tag().parse().ok()?;
        DecimalFormatter::try_new(tag.into(), Default::default()).ok()
    })
});

fn symbol(currency: &str) -> &str {
    match currency {
        "RUB" => "₽",
        "BGN" => "лв.",
        "EUR" => "€",
        "USD" => "$",
        other => other,
    }
}

/// A decimal number (`"110"`, `"7000.00"`) grouped for the language.
pub fn number_text(amount: &str, locale: Locale) -> String {
    let i = Locale::ALL.iter().position(|l| *l == locale).unwrap_or(0);
    match (FORMATTERS[i].as_ref(), Decimal::from_str(amount.trim())) {
        (Some(f), Ok(d)) => f.format(&d).to_string().replace(['\u{202f}', '\u{a0}'], " "),
        _ => amount.to_owned(),
    }
}

/// An amount with its currency.
pub fn money_text(amount: &str, currency: &str, locale: Locale) -> String {
    let number = number_text(amount, locale);
    match locale {
        Locale::En => format!("{} {number}", currency),
        Locale::Ru | Locale::Bg => format!("{number} {}", symbol(currency)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_language_groups_and_separates_its_own_way() {
        assert_eq!(money_text("7000.00", "RUB", Locale::Ru), "7 000,00 ₽");
        // Bulgarian groups only from five digits (CLDR's minimum grouping).
        assert_eq!(money_text("7000.00", "BGN", Locale::Bg), "7000,00 лв.");
        assert_eq!(money_text("12000.00", "BGN", Locale::Bg), "12 000,00 лв.");
        assert_eq!(money_text("7000.00", "RUB", Locale::En), "RUB 7,000.00");
        assert_eq!(number_text("110", Locale::Ru), "110");
        assert_eq!(number_text("2.5", Locale::Bg), "2,5");
    }

    #[test]
    fn what_is_not_a_number_is_shown_as_it_is() {
        assert_eq!(number_text("n/a", Locale::En), "n/a");
    }
}
