//! The three languages Tessera speaks.

use serde::{Deserialize, Serialize};

/// A language of the UI and of human-readable API text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    /// Russian, the language of the coworking seed.
    #[default]
    Ru,
    /// Bulgarian, the language of the events seed.
    Bg,
    /// English.
    En,
}

impl Locale {
    /// All supported locales.
    pub const ALL: [Locale; 3] = [Locale::Ru, Locale::Bg, Locale::En];
    /// Their tags, in the same order (for refusals and the API document).
    pub const NAMES: &'static [&'static str] = &["ru", "bg", "en"];

    /// The BCP 47 tag.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::Ru => "ru",
            Locale::Bg => "bg",
            Locale::En => "en",
        }
    }

    /// Parses a tag such as `ru`, `ru-RU` or `EN`; only the language part counts.
    pub fn parse(tag: &str) -> Option<Locale> {
        let lang = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match lang.as_str() {
            "ru" => Some(Locale::Ru),
            "bg" => Some(Locale::Bg),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    /// Picks the best supported language from an `Accept-Language` header value,
    /// honouring `q` weights; `None` when nothing supported is asked for.
    pub fn negotiate(header: &str) -> Option<Locale> {
        let mut best: Option<(Locale, f32)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let Some(locale) = pieces.next().and_then(Locale::parse) else {
                continue;
            };
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if q > 0.0 && best.is_none_or(|(_, bq)| q > bq) {
                best = Some((locale, q));
            }
        }
        best.map(|(l, _)| l)
    }
}

impl std::fmt::Display for Locale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.tag())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_tags_in_order() {
        assert_eq!(Locale::ALL.map(Locale::tag), Locale::NAMES);
    }

    #[test]
    fn negotiates_by_weight_and_skips_unknown_languages() {
        assert_eq!(Locale::negotiate("de, bg;q=0.5, ru;q=0.9"), Some(Locale::Ru));
        assert_eq!(Locale::negotiate("en-GB"), Some(Locale::En));
        assert_eq!(Locale::negotiate("fr, de"), None);
        assert_eq!(Locale::negotiate("ru;q=0, bg"), Some(Locale::Bg));
    }
}
