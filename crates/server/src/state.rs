//! What every handler shares.

use std::time::Duration;

use tessera_domain::Locale;
use tessera_domain::booking::VisitorLimits;
use tessera_domain::sign_in::{SignInLimits, SignUpLimits};
use tessera_store::Store;

use crate::Clock;

/// Server settings that handlers need.
#[derive(Clone, Debug)]
pub struct Config {
    /// Language when the request names none.
    pub default_locale: Locale,
    /// How long a bearer token lives.
    pub session_ttl: Duration,
    /// Show the demo's sign-ins on the sign-in page (`serve --demo`).
    pub demo_logins: bool,
    /// Take the client's address for sign-in throttling from the last
    /// `X-Forwarded-For` entry (set behind a proxy that appends it).
    pub trust_forwarded_for: bool,
    /// Sign-in throttling.
    pub sign_in: SignInLimits,
    /// Sign-ups per client address.
    pub sign_up: SignUpLimits,
    /// What a visitor may book for themselves beyond the venue's own limits.
    pub visitor: VisitorLimits,
    /// The address people reach the server at, for links in mail
    /// (`TESSERA_PUBLIC_URL`).
    pub public_url: String,
    /// SMTP; without it mail waits.
    pub mail: Option<crate::mail::MailSettings>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            default_locale: Locale::Ru,
            session_ttl: Duration::from_secs(30 * 24 * 3600),
            demo_logins: false,
            trust_forwarded_for: false,
            sign_in: SignInLimits::DEFAULT,
            sign_up: SignUpLimits::DEFAULT,
            visitor: VisitorLimits::DEFAULT,
            public_url: "http://127.0.0.1:8080".into(),
            mail: None,
        }
    }
}

/// Shared application state.
#[derive(Clone)]
pub struct AppState {
    /// The key that signs passes.
    pub passes: crate::passes::PassKeys,
    /// Recently seen sessions.
    pub sessions: crate::sessions::SessionCache,
    /// The database.
    pub store: Store,
    /// The clock.
    pub clock: Clock,
    /// Settings, shared: a request's clone of the state copies a pointer,
    /// not the settings' strings.
    pub config: std::sync::Arc<Config>,
}

impl AppState {
    /// A fresh state over a store: empty caches, new pass keys.
    pub fn new(store: Store, clock: Clock, config: Config) -> AppState {
        AppState {
            passes: Default::default(),
            sessions: Default::default(),
            store,
            clock,
            config: std::sync::Arc::new(config),
        }
    }
}
