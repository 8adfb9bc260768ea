//! People's names, e-mails and phones, parsed at the edge.

/// Longest name part we store.
pub const MAX_NAME: usize = 100;
/// Longest e-mail we store (RFC 5321's path limit).
pub const MAX_EMAIL: usize = 254;
/// Longest phone we store.
pub const MAX_PHONE: usize = 32;

/// Why a value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PersonError {
    /// Empty after trimming.
    #[error("must not be empty")]
    Empty,
    /// Longer than allowed.
    #[error("is too long (at most {0} characters)")]
    TooLong(usize),
    /// Not an e-mail address.
    #[error("is not an e-mail address")]
    NotEmail,
    /// Not a phone number.
    #[error("is not a phone number")]
    NotPhone,
    /// Contains control characters.
    #[error("must not contain control characters")]
    Control,
}

/// A first or last name: trimmed, non-empty, bounded, printable.
pub fn parse_name(s: &str) -> Result<String, PersonError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(PersonError::Empty);
    }
    if s.chars().count() > MAX_NAME {
        return Err(PersonError::TooLong(MAX_NAME));
    }
    if s.chars().any(char::is_control) {
        return Err(PersonError::Control);
    }
    Ok(s.to_owned())
}

/// An e-mail address, lower-cased so that one person has one account.
pub fn parse_email(s: &str) -> Result<String, PersonError> {
    // The bound counts the value as sent, spaces around it too: that is the
    // `maxLength` the API document states, so the two never disagree.
    if s.chars().count() > MAX_EMAIL {
        return Err(PersonError::TooLong(MAX_EMAIL));
    }
    let s = s.trim();
    if s.is_empty() {
        return Err(PersonError::Empty);
    }
    let (local, domain) = s.rsplit_once('@').ok_or(PersonError::NotEmail)?;
    let ok = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control());
    if !ok {
        return Err(PersonError::NotEmail);
    }
    // Lower-casing may lengthen (`İ` becomes two characters): bound what is stored.
    let lower = s.to_lowercase();
    if lower.chars().count() > MAX_EMAIL {
        return Err(PersonError::TooLong(MAX_EMAIL));
    }
    Ok(lower)
}

/// A phone number as people type it: digits with `+ ( ) - .` and spaces.
pub fn parse_phone(s: &str) -> Result<String, PersonError> {
    // Counted as sent, as the API document's `maxLength` states.
    if s.chars().count() > MAX_PHONE {
        return Err(PersonError::TooLong(MAX_PHONE));
    }
    let s = s.trim();
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let allowed = s.chars().all(|c| c.is_ascii_digit() || " +()-.".contains(c));
    if !allowed || digits < 5 {
        return Err(PersonError::NotPhone);
    }
    Ok(s.to_owned())
}

/// The search key of a name: case-folded so that `мар` finds Марина and
/// МАРИЯ in any script. Prefix search compares keys by code point.
pub fn name_key(s: &str) -> String {
    s.trim().to_lowercase().replace('ё', "е")
}

/// The exclusive upper bound of all keys starting with `prefix`, for an
/// index range scan `key >= prefix AND key < upper`.
pub fn prefix_upper_bound(prefix: &str) -> String {
    let mut upper = prefix.to_owned();
    upper.push(char::MAX);
    upper
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_email_or_phone_is_bounded_as_sent_spaces_included() {
        let at_limit = format!("{}@b.cd", "a".repeat(MAX_EMAIL - 5));
        assert!(parse_email(&at_limit).is_ok());
        assert_eq!(
            parse_email(&format!(" {at_limit}")),
            Err(PersonError::TooLong(MAX_EMAIL))
        );
        let phone = "1".repeat(MAX_PHONE);
        assert!(parse_phone(&phone).is_ok());
        assert_eq!(parse_phone(&format!("{phone} ")), Err(PersonError::TooLong(MAX_PHONE)));
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(parse_name("  Мария "), Ok("Мария".into()));
        assert_eq!(parse_name("   "), Err(PersonError::Empty));
        assert_eq!(parse_name(&"я".repeat(101)), Err(PersonError::TooLong(100)));
        assert_eq!(parse_name("a\u{0}b"), Err(PersonError::Control));
    }

    #[test]
    fn emails_are_lower_cased_and_checked() {
        assert_eq!(parse_email("Koshatina77@Mail.ru"), Ok("koshatina77@mail.ru".into()));
        for bad in ["", "no-at", "a@b", "a b@c.d", "@c.d", "a@.d"] {
            assert!(parse_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_email_stays_bounded_once_lower_cased() {
        // `İ` lower-cases to two characters: 200 of them would store 400.
        let long = format!("{}@example.com", "İ".repeat(200));
        assert_eq!(parse_email(&long), Err(PersonError::TooLong(MAX_EMAIL)));
        let fits = format!("{}@example.com", "İ".repeat(100));
        let stored = parse_email(&fits).expect("fits");
        assert_eq!(parse_email(&stored), Ok(stored.clone()), "accepted again as stored");
    }

    #[test]
    fn phones_allow_what_people_type() {
        assert!(parse_phone("+7 (965) 577-65-00").is_ok());
        assert_eq!(parse_phone("call me"), Err(PersonError::NotPhone));
    }

    #[test]
    fn name_keys_fold_case_in_any_script() {
        assert!(name_key("Марина").starts_with(&name_key("мар")));
        assert!(name_key("МАРИЯ").starts_with(&name_key("Мар")));
        assert!(name_key("Семёнова").starts_with(&name_key("семе")));
        let upper = prefix_upper_bound("мар");
        assert!(name_key("марина") < upper && name_key("марина").as_str() >= "мар");
        assert!(name_key("маса").as_str() > upper.as_str() || !name_key("маса").starts_with("мар"));
    }
}
