//! Sign-in and sign-up throttling: what is counted, and the verdict.
//!
//! Every attempt is counted before its password is checked (an attempt in
//! flight counts like a failure), so a burst of parallel guesses gets no more
//! checks than the limit. Three counts decide:
//! - an e-mail from one address: hard, [`SignInLimits::per_pair`] failures
//!   close that pair for the window;
//! - one address over any e-mails: hard, as for the pair;
//! - an e-mail from *other* addresses: never a refusal (anyone could lock
//!   the admin out), but a delay that grows with the failures, so a botnet
//!   guessing one account is slowed while its owner still signs in.

use std::time::Duration;

/// The limits (their defaults are [`SignInLimits::DEFAULT`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInLimits {
    /// Failures of one e-mail from one address that close the pair.
    pub per_pair: u32,
    /// Failures from one address, any e-mails, that close the address.
    pub per_address: u32,
    /// Failures of one e-mail from other addresses before attempts are delayed.
    pub per_email_before_delay: u32,
    /// How long a failure counts, in seconds.
    pub window_seconds: i64,
    /// The first delay; each further failure doubles it, up to `max_delay`.
    pub first_delay: Duration,
    /// The longest delay.
    pub max_delay: Duration,
}

impl SignInLimits {
    /// 5 per e-mail and address, 20 per address, in 15 minutes; delays from
    /// the 5th failure elsewhere, 250 ms doubling up to 8 s.
    pub const DEFAULT: SignInLimits = SignInLimits {
        per_pair: 5,
        per_address: 20,
        per_email_before_delay: 5,
        window_seconds: 15 * 60,
        first_delay: Duration::from_millis(250),
        max_delay: Duration::from_secs(8),
    };
}

/// Attempts inside the window (failures and attempts in flight).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SignInCounts {
    /// This e-mail from this address.
    pub pair: u32,
    /// The oldest of those (UNIX seconds).
    pub pair_oldest: Option<i64>,
    /// From this address, any e-mail (`0` when the address is unknown).
    pub address: u32,
    /// The oldest of those.
    pub address_oldest: Option<i64>,
    /// This e-mail from other addresses.
    pub email_elsewhere: u32,
}

/// What an attempt may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInVerdict {
    /// Check the password, after waiting this long.
    Allow {
        /// The wait before the check.
        delay: Duration,
    },
    /// Refuse without checking; the caller may try after this many seconds.
    Refuse {
        /// Seconds until the oldest counted attempt leaves the window.
        retry_after: u64,
    },
}

fn retry_after(oldest: Option<i64>, window: i64, now: i64) -> u64 {
    let wait = oldest.unwrap_or(now).saturating_add(window).saturating_sub(now).max(1);
    u64::try_from(wait).unwrap_or(1)
}

/// The verdict on one more attempt, given what is already counted.
pub fn sign_in_verdict(limits: &SignInLimits, counts: &SignInCounts, now: i64) -> SignInVerdict {
    let w = limits.window_seconds;
    let pair = (counts.pair >= limits.per_pair).then(|| retry_after(counts.pair_oldest, w, now));
    let address = (counts.address >= limits.per_address).then(|| retry_after(counts.address_oldest, w, now));
    if let Some(retry_after) = pair.max(address) {
        return SignInVerdict::Refuse { retry_after };
    }
    let over = counts
        .email_elsewhere
        .saturating_sub(limits.per_email_before_delay.saturating_sub(1));
    let delay = if over == 0 {
        Duration::ZERO
    } else {
        let doublings = (over - 1).min(16);
        limits
            .first_delay
            .saturating_mul(1u32 << doublings)
            .min(limits.max_delay)
    };
    SignInVerdict::Allow { delay }
}

/// Sign-ups from one address: at most `per_address` in `window_seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignUpLimits {
    /// Accounts one address may create in the window.
    pub per_address: u32,
    /// The window, in seconds.
    pub window_seconds: i64,
}

impl SignUpLimits {
    /// 30 an hour.
    pub const DEFAULT: SignUpLimits = SignUpLimits {
        per_address: 30,
        window_seconds: 3600,
    };
}

/// `Err(seconds to wait)` when an address has signed up too often.
pub fn sign_up_verdict(limits: &SignUpLimits, count: u32, oldest: Option<i64>, now: i64) -> Result<(), u64> {
    if count >= limits.per_address {
        return Err(retry_after(oldest, limits.window_seconds, now));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const L: SignInLimits = SignInLimits::DEFAULT;

    #[test]
    fn a_pair_closes_at_its_limit_until_the_oldest_leaves_the_window() {
        let mut c = SignInCounts {
            pair: 4,
            pair_oldest: Some(1000),
            address: 4,
            address_oldest: Some(1000),
            email_elsewhere: 0,
        };
        assert_eq!(
            sign_in_verdict(&L, &c, 1100),
            SignInVerdict::Allow { delay: Duration::ZERO }
        );
        c.pair = 5;
        c.address = 5;
        assert_eq!(
            sign_in_verdict(&L, &c, 1100),
            SignInVerdict::Refuse { retry_after: 800 }
        );
    }

    #[test]
    fn an_address_closes_over_any_emails() {
        let c = SignInCounts {
            pair: 0,
            address: 20,
            address_oldest: Some(0),
            ..SignInCounts::default()
        };
        assert_eq!(sign_in_verdict(&L, &c, 60), SignInVerdict::Refuse { retry_after: 840 });
    }

    #[test]
    fn failures_elsewhere_only_delay_and_the_delay_grows_to_a_bound() {
        let delay = |n| match sign_in_verdict(
            &L,
            &SignInCounts {
                email_elsewhere: n,
                ..SignInCounts::default()
            },
            0,
        ) {
            SignInVerdict::Allow { delay } => delay,
            SignInVerdict::Refuse { .. } => panic!("refused for failures elsewhere ({n})"),
        };
        assert_eq!(delay(4), Duration::ZERO);
        assert_eq!(delay(5), Duration::from_millis(250));
        assert_eq!(delay(6), Duration::from_millis(500));
        assert_eq!(delay(9), Duration::from_secs(4));
        assert_eq!(delay(10), Duration::from_secs(8));
        assert_eq!(delay(100_000), Duration::from_secs(8));
    }

    #[test]
    fn sign_ups_are_bounded_per_address() {
        let l = SignUpLimits::DEFAULT;
        assert_eq!(sign_up_verdict(&l, 29, Some(0), 10), Ok(()));
        assert_eq!(sign_up_verdict(&l, 30, Some(0), 10), Err(3590));
    }
}
