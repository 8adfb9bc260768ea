//! The password rule: one for signing up, for a password an admin sets, for
//! a changed one and for a reset one.

/// Fewest characters a password has.
pub const MIN_PASSWORD: usize = 10;
/// Most bytes a password has (hashing a longer one is only a cost).
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// How much of a password the guessability estimate reads: its cost grows
/// fast with the length, and a longer password is not guessed from its start.
const ESTIMATE_CHARS: usize = 64;

/// Why a password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Fewer than [`MIN_PASSWORD`] characters.
    #[error("must be at least 10 characters long")]
    TooShort,
    /// More than [`MAX_PASSWORD_BYTES`] bytes.
    #[error("must be at most 1024 bytes long")]
    TooLong,
    /// Nothing but spaces and control characters.
    #[error("must contain more than spaces and control characters")]
    Blank,
    /// A common password, a keyboard or number run, or the user's own name
    /// or e-mail: found in the first million guesses of a password cracker.
    #[error("is too common or too easy to guess: add words of your own")]
    Guessable,
}

/// Checks a password for a user known by `about_user` (e-mail, names: a
/// password made of them is guessable).
pub fn check_password(password: &str, about_user: &[&str]) -> Result<(), PasswordError> {
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(PasswordError::TooLong);
    }
    if password.chars().count() < MIN_PASSWORD {
        return Err(PasswordError::TooShort);
    }
    if password.chars().all(|c| c.is_whitespace() || c.is_control()) {
        return Err(PasswordError::Blank);
    }
    let head: String = password.chars().take(ESTIMATE_CHARS).collect();
    // zxcvbn's dictionaries hold the 30,000 most common leaked passwords and
    // find them also reversed, in l33t or with digits around; score 2 means
    // at least 10^6 guesses.
    if zxcvbn::zxcvbn(&head, about_user).score() < zxcvbn::Score::Two {
        return Err(PasswordError::Guessable);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_blank_and_huge_passwords_are_refused() {
        assert_eq!(check_password("12345678", &[]), Err(PasswordError::TooShort));
        assert_eq!(check_password("Zq8#kv1!", &[]), Err(PasswordError::TooShort));
        assert_eq!(check_password("          ", &[]), Err(PasswordError::Blank));
        assert_eq!(
            check_password("\t\n\u{7}\u{0} \t\n\u{7}\u{0} ", &[]),
            Err(PasswordError::Blank)
        );
        assert_eq!(check_password(&"x".repeat(1025), &[]), Err(PasswordError::TooLong));
    }

    #[test]
    fn common_passwords_and_simple_runs_are_refused() {
        for common in [
            "1234567890",
            "password123",
            "Password123",
            "qwertyuiop",
            "1q2w3e4r5t",
            "aaaaaaaaaaaa",
            "iloveyou12",
            "drowssap123",
            "p@ssw0rd123",
        ] {
            assert_eq!(check_password(common, &[]), Err(PasswordError::Guessable), "{common}");
        }
        assert_eq!(
            check_password("ivanova2024", &["ivanova@example.test", "Мария", "ivanova"]),
            Err(PasswordError::Guessable),
            "the user's own name"
        );
    }

    #[test]
    fn passwords_of_ones_own_are_accepted() {
        for own in [
            "tessera-admin",
            "correct horse battery",
            "Zq8#kv1!mW",
            "кофе с корицей утром",
            "gate-north-42x",
        ] {
            assert_eq!(check_password(own, &[]), Ok(()), "{own}");
        }
        // Only the first characters are estimated: a long one stays cheap to check.
        assert_eq!(check_password(&format!("Zq8#kv1!mW{}", "a".repeat(1000)), &[]), Ok(()));
    }
}
