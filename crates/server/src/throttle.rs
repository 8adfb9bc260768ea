//! Sign-in throttling: after too many failed sign-ins for one e-mail or from
//! one client address within a window, further attempts are refused without
//! checking the password, until the oldest failure leaves the window.
//!
//! Per instance and in memory: behind a load balancer with N instances an
//! attacker gets at most N times the limits. A successful sign-in clears the
//! e-mail's failures (not the address's: one address may try many e-mails).
//! Every sign-in path (the API's, the web form's) calls
//! [`LoginThrottle::check`] first and [`LoginThrottle::failed`] /
//! [`LoginThrottle::succeeded`] after.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use jiff::Timestamp;

use crate::AppState;
use crate::error::Problem;

/// Failed sign-ins for one e-mail that close it for the window.
pub const MAX_PER_EMAIL: usize = 5;
/// Failed sign-ins from one client address that close it for the window.
pub const MAX_PER_ADDRESS: usize = 20;
/// How long a failure counts.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Keys remembered at most; past it, expired ones are dropped first and, if
/// that is not enough, the oldest half.
const MAX_KEYS: usize = 100_000;

/// What is counted.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Email(String),
    Address(IpAddr),
}

#[derive(Default)]
struct Failures {
    map: HashMap<Key, VecDeque<i64>>,
}

/// The throttle, shared by the handlers of one instance.
#[derive(Clone, Default)]
pub struct LoginThrottle {
    inner: Arc<Mutex<Failures>>,
}

/// The e-mail as it is counted: trimmed and lower-cased, as sign-in reads it
/// (and cut to a bounded length, so that huge bodies cost no memory).
pub fn normalize_email(email: &str) -> String {
    email.trim().chars().take(300).collect::<String>().to_lowercase()
}

fn window_seconds() -> i64 {
    i64::try_from(WINDOW.as_secs()).unwrap_or(i64::MAX)
}

impl Failures {
    /// Seconds until `key` may try again, if it is closed now.
    fn closed_for(&mut self, key: &Key, limit: usize, now: i64) -> Option<u64> {
        let times = self.map.get_mut(key)?;
        let since = now.saturating_sub(window_seconds());
        while times.front().is_some_and(|&t| t <= since) {
            times.pop_front();
        }
        if times.is_empty() {
            self.map.remove(key);
            return None;
        }
        if times.len() < limit {
            return None;
        }
        let oldest = times.front().copied().unwrap_or(now);
        let wait = oldest.saturating_add(window_seconds()).saturating_sub(now).max(1);
        Some(u64::try_from(wait).unwrap_or(1))
    }

    fn record(&mut self, key: Key, limit: usize, now: i64) {
        if !self.map.contains_key(&key) && self.map.len() >= MAX_KEYS {
            self.prune(now);
        }
        let times = self.map.entry(key).or_default();
        times.push_back(now);
        // Only the last `limit` failures matter for the verdict.
        while times.len() > limit {
            times.pop_front();
        }
    }

    fn prune(&mut self, now: i64) {
        let since = now.saturating_sub(window_seconds());
        self.map.retain(|_, t| t.back().is_some_and(|&last| last > since));
        if self.map.len() >= MAX_KEYS {
            let mut lasts: Vec<i64> = self.map.values().filter_map(|t| t.back().copied()).collect();
            lasts.sort_unstable();
            let median = lasts.get(lasts.len() / 2).copied().unwrap_or(now);
            self.map.retain(|_, t| t.back().is_some_and(|&last| last > median));
        }
    }
}

impl LoginThrottle {
    fn lock(&self) -> MutexGuard<'_, Failures> {
        // A panic while holding the lock leaves only counters behind: keep going.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// `Err(seconds to wait)` when this e-mail or address may not try now.
    pub fn check(&self, email: &str, address: Option<IpAddr>, now: Timestamp) -> Result<(), u64> {
        let now = now.as_second();
        let mut f = self.lock();
        let by_email = f.closed_for(&Key::Email(normalize_email(email)), MAX_PER_EMAIL, now);
        let by_address = address.and_then(|a| f.closed_for(&Key::Address(a), MAX_PER_ADDRESS, now));
        match by_email.max(by_address) {
            Some(wait) => Err(wait),
            None => Ok(()),
        }
    }

    /// Counts a failed sign-in.
    pub fn failed(&self, email: &str, address: Option<IpAddr>, now: Timestamp) {
        let now = now.as_second();
        let mut f = self.lock();
        f.record(Key::Email(normalize_email(email)), MAX_PER_EMAIL, now);
        if let Some(a) = address {
            f.record(Key::Address(a), MAX_PER_ADDRESS, now);
        }
    }

    /// A successful sign-in clears the e-mail's failures.
    pub fn succeeded(&self, email: &str) {
        self.lock().map.remove(&Key::Email(normalize_email(email)));
    }
}

/// The client's address: the TCP peer, or, when the configuration trusts a
/// proxy, the last `X-Forwarded-For` entry (the one that proxy appended).
/// `None` when neither is known (a server started without connect info):
/// then only the e-mail is counted.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if state.config.trust_forwarded_for {
            let forwarded = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|a| a.trim().parse::<IpAddr>().ok())
                .next_back();
            if forwarded.is_some() {
                return Ok(ClientAddr(forwarded));
            }
        }
        Ok(ClientAddr(
            parts
                .extensions
                .get::<ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}

/// Refuses a sign-in attempt while its e-mail or address is throttled; call
/// before checking the password.
pub(crate) fn check_login_allowed(state: &AppState, email: &str, addr: ClientAddr) -> Result<(), Problem> {
    state
        .throttle
        .check(email, addr.0, state.clock.now())
        .map_err(|retry_after| {
            metrics::counter!(crate::telemetry::LOGINS_THROTTLED).increment(1);
            tracing::warn!(address = ?addr.0, retry_after, "sign-in throttled");
            Problem::TooManyAttempts { retry_after }
        })
}

/// Counts a failed sign-in (wrong e-mail or password).
pub(crate) fn record_login_failure(state: &AppState, email: &str, addr: ClientAddr) {
    state.throttle.failed(email, addr.0, state.clock.now());
}

/// A successful sign-in clears the e-mail's failures.
pub(crate) fn record_login_success(state: &AppState, email: &str) {
    state.throttle.succeeded(email);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + s).expect("time")
    }

    #[test]
    fn an_email_closes_after_five_failures_and_reopens_after_the_window() {
        let t = LoginThrottle::default();
        let ip: Option<IpAddr> = "10.0.0.1".parse().ok();
        for i in 0..5 {
            assert_eq!(t.check("A@x.test", ip, at(i)), Ok(()));
            t.failed(" a@X.test ", ip, at(i));
        }
        assert_eq!(t.check("a@x.test", ip, at(10)), Err(900 - 10));
        assert_eq!(t.check("b@x.test", ip, at(10)), Ok(()), "another e-mail may try");
        // The first failure leaves the window at 900 s: one more try is allowed.
        assert!(t.check("a@x.test", ip, at(899)).is_err());
        assert_eq!(t.check("a@x.test", ip, at(900)), Ok(()));
    }

    #[test]
    fn an_address_closes_after_twenty_failures_over_any_emails() {
        let t = LoginThrottle::default();
        let ip: Option<IpAddr> = "192.0.2.7".parse().ok();
        let other: Option<IpAddr> = "192.0.2.8".parse().ok();
        for i in 0..20 {
            t.failed(&format!("u{i}@x.test"), ip, at(0));
        }
        assert!(t.check("fresh@x.test", ip, at(1)).is_err());
        assert_eq!(t.check("fresh@x.test", other, at(1)), Ok(()));
        assert_eq!(t.check("fresh@x.test", None, at(1)), Ok(()));
    }

    #[test]
    fn success_clears_the_email() {
        let t = LoginThrottle::default();
        for _ in 0..4 {
            t.failed("a@x.test", None, at(0));
        }
        t.succeeded("A@X.TEST");
        for _ in 0..4 {
            t.failed("a@x.test", None, at(1));
        }
        assert_eq!(t.check("a@x.test", None, at(2)), Ok(()));
    }

    #[test]
    fn memory_stays_bounded() {
        let t = LoginThrottle::default();
        for i in 0..(MAX_KEYS + 10) {
            t.failed(&format!("u{i}@x.test"), None, at(i64::try_from(i).unwrap_or(0)));
        }
        assert!(t.lock().map.len() <= MAX_KEYS);
    }
}
