//! Sign-in and sign-up throttling, carried out through the store so that
//! every instance counts the same attempts (the limits and the verdict are
//! the domain's, [`tessera_domain::sign_in`]).
//!
//! A sign-in reserves its attempt *before* the password is hashed: a burst
//! of parallel guesses gets no more checks than the limit allows. A wrong
//! password leaves the reservation as a failure; a right one removes the
//! pair's failures; an attempt that was never checked (the server was busy)
//! is released.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use tessera_domain::sign_in::{SignInLimits, SignUpLimits};
use tessera_store::SignInAttempt;

use crate::AppState;
use crate::error::Problem;

/// The e-mail as it is counted: trimmed and lower-cased, as sign-in reads it
/// (and cut to a bounded length, so that huge bodies cost no memory).
pub fn normalize_email(email: &str) -> String {
    email.trim().chars().take(300).collect::<String>().to_lowercase()
}

/// The client's address: the TCP peer, or, when the configuration trusts a
/// proxy, the last `X-Forwarded-For` entry (the one that proxy appended).
/// `None` when neither is known (a server started without connect info):
/// then only the e-mail is counted.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<IpAddr>);

impl ClientAddr {
    /// The address as the store keys it (`""` when unknown).
    pub fn key(&self) -> String {
        self.0.map(|a| a.to_string()).unwrap_or_default()
    }
}

/// One `X-Forwarded-For` entry: `1.2.3.4`, `1.2.3.4:5678`, `::1` or
/// `[::1]:5678` (proxies write all four).
fn forwarded_address(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| {
            entry
                .strip_prefix('[')
                .and_then(|e| e.strip_suffix(']'))
                .and_then(|e| e.parse::<IpAddr>().ok())
        })
}

/// The last `X-Forwarded-For` entry: the one our proxy appended. Earlier
/// entries are the client's to choose, so they are never used, even when
/// the last one does not parse.
fn last_forwarded(parts: &Parts) -> Option<IpAddr> {
    let last_header = parts.headers.get_all("x-forwarded-for").iter().next_back()?;
    let last = last_header.to_str().ok()?.rsplit(',').next()?;
    forwarded_address(last)
}

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        if state.config.trust_forwarded_for
            && let Some(forwarded) = last_forwarded(parts)
        {
            return Ok(ClientAddr(Some(forwarded)));
        }
        Ok(ClientAddr(peer))
    }
}

fn throttled(addr: ClientAddr, retry_after: u64) -> Problem {
    metrics::counter!(crate::telemetry::LOGINS_THROTTLED).increment(1);
    tracing::warn!(address = ?addr.0, retry_after, "sign-in throttled");
    Problem::TooManyAttempts { retry_after }
}

/// Reserves a sign-in attempt for an e-mail (as [`normalize_email`] gives
/// it), or refuses it with 429 while the e-mail from this address, or the
/// address, is closed. Waits out the delay that other addresses' failures on
/// this e-mail have earned, before answering.
pub(crate) async fn reserve_sign_in(
    state: &AppState,
    email: &str,
    addr: ClientAddr,
    limits: SignInLimits,
) -> Result<SignInAttempt, Problem> {
    let now = state.clock.now().as_second();
    let attempt = state
        .store
        .reserve_sign_in(email.to_owned(), addr.key(), limits, now)
        .await?
        .map_err(|retry_after| throttled(addr, retry_after))?;
    if !attempt.delay.is_zero() {
        tracing::info!(address = ?addr.0, delay_ms = attempt.delay.as_millis(), "sign-in delayed: failures elsewhere");
        tokio::time::sleep(attempt.delay).await;
    }
    Ok(attempt)
}

/// Refuses a sign-up with 429 once an address has made too many.
pub(crate) async fn reserve_sign_up(state: &AppState, addr: ClientAddr, limits: SignUpLimits) -> Result<(), Problem> {
    let now = state.clock.now().as_second();
    state
        .store
        .reserve_sign_up(addr.key(), limits, now)
        .await?
        .map_err(|retry_after| {
            tracing::warn!(address = ?addr.0, retry_after, "sign-up throttled");
            Problem::TooManySignUps { retry_after }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_entries_parse_with_and_without_ports() {
        let v4: IpAddr = "203.0.113.9".parse().expect("ip");
        let v6: IpAddr = "2001:db8::7".parse().expect("ip");
        assert_eq!(forwarded_address(" 203.0.113.9"), Some(v4));
        assert_eq!(forwarded_address("203.0.113.9:51234"), Some(v4));
        assert_eq!(forwarded_address("2001:db8::7"), Some(v6));
        assert_eq!(forwarded_address("[2001:db8::7]:443"), Some(v6));
        assert_eq!(forwarded_address("[2001:db8::7]"), Some(v6));
        assert_eq!(forwarded_address("unknown"), None);
    }

    #[test]
    fn only_the_last_entry_counts_even_when_it_does_not_parse() {
        let parts = |values: &[&str]| {
            let mut b = axum::http::Request::builder();
            for v in values {
                b = b.header("x-forwarded-for", *v);
            }
            b.body(()).map(|r| r.into_parts().0).expect("request")
        };
        let chosen: IpAddr = "198.51.100.1".parse().expect("ip");
        let proxy_saw: IpAddr = "203.0.113.9".parse().expect("ip");
        assert_eq!(
            last_forwarded(&parts(&["198.51.100.1, 203.0.113.9:4711"])),
            Some(proxy_saw)
        );
        assert_eq!(
            last_forwarded(&parts(&["198.51.100.1", "203.0.113.9"])),
            Some(proxy_saw)
        );
        assert_eq!(
            last_forwarded(&parts(&["198.51.100.1, [2001:db8::7]:443"])),
            "2001:db8::7".parse().ok()
        );
        assert_eq!(
            last_forwarded(&parts(&["198.51.100.1, garbage"])),
            None,
            "never {chosen}"
        );
    }
}
