//! Mail over SMTP (lettre). Mails are made from the outbox's events when
//! they are fanned out (`compose::intents`), so they ride the same
//! transaction as the change; here each instance claims due ones, writes
//! each out in its recipient's language (`compose::write`), sends it and
//! records how it went, retrying like webhooks. Without SMTP mail waits.

pub mod compose;
pub mod words;

use std::time::Duration;

use futures::StreamExt;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tessera_domain::webhooks::failure;
use tessera_store::{AttemptNext, DueMail, MailOutcome};

use crate::AppState;
use crate::webhooks::{after_failed_attempt, short};

/// Mails claimed per round.
const BATCH: i64 = 32;
/// Mails being sent at once by one instance.
const IN_FLIGHT: usize = 4;
/// How long one SMTP exchange may take, connecting included.
const SEND_TIMEOUT: Duration = Duration::from_secs(30);
/// A claim outlives an attempt, so no mail is sent twice by two instances.
const LEASE_SECONDS: i64 = 120;
/// Rest between polls when nothing was due.
const IDLE: Duration = Duration::from_millis(250);

/// Where mail goes out: `TESSERA_SMTP_URL` and `TESSERA_MAIL_FROM`.
#[derive(Clone, Debug)]
pub struct MailSettings {
    /// `smtp://host:port`, `smtp://host?tls=required`, `smtps://user:pass@host`.
    pub smtp_url: String,
    /// The sender, `Tessera <noreply@example.com>` or a bare address.
    pub from: Mailbox,
}

impl MailSettings {
    /// Checks both settings as the sender will use them; the error says
    /// which one is wrong.
    pub fn parse(smtp_url: &str, from: &str) -> Result<MailSettings, String> {
        AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| format!("TESSERA_SMTP_URL is not an SMTP URL ({e})"))?;
        let from: Mailbox = from
            .parse()
            .map_err(|e| format!("TESSERA_MAIL_FROM is not an address ({e})"))?;
        Ok(MailSettings {
            smtp_url: smtp_url.to_owned(),
            from,
        })
    }

    /// The server as the admin may see it: scheme, host and port, never
    /// the credentials.
    pub fn server(&self) -> String {
        match reqwest::Url::parse(&self.smtp_url) {
            Ok(u) => format!(
                "{}://{}{}",
                u.scheme(),
                u.host_str().unwrap_or(""),
                u.port().map(|p| format!(":{p}")).unwrap_or_default()
            ),
            Err(_) => String::new(),
        }
    }

    fn domain(&self) -> &str {
        self.from.email.domain()
    }
}

/// Starts the sender when SMTP is set.
pub fn spawn_sender(state: AppState) -> Option<tokio::task::JoinHandle<()>> {
    let settings = state.config.mail.clone()?;
    let transport = match AsyncSmtpTransport::<Tokio1Executor>::from_url(&settings.smtp_url) {
        Ok(b) => b.timeout(Some(SEND_TIMEOUT)).build(),
        Err(e) => {
            tracing::error!(error = %e, "cannot use the SMTP settings; mail waits");
            return None;
        }
    };
    tracing::info!(server = %settings.server(), from = %settings.from, "mail goes out over SMTP");
    Some(tokio::spawn(async move {
        loop {
            let sent = round(&state, &settings, &transport).await;
            if !sent {
                tokio::time::sleep(IDLE).await;
            }
        }
    }))
}

/// Claims what is due, sends it, records it; whether there was any.
async fn round(state: &AppState, settings: &MailSettings, transport: &AsyncSmtpTransport<Tokio1Executor>) -> bool {
    let now = state.clock.now().as_second();
    let due = match state.store.claim_mails(now, LEASE_SECONDS, BATCH).await {
        Ok(d) => d,
        Err(e) => {
            tracing::warn!(error = %e, "cannot claim mail");
            return false;
        }
    };
    if due.is_empty() {
        return false;
    }
    let attempts: Vec<MailOutcome> = futures::stream::iter(due)
        .map(|m| send(state, settings, transport, m))
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await;
    if let Err(e) = state.store.record_mail_attempts(attempts).await {
        // The claims run out and the mails are sent again: at least once.
        tracing::warn!(error = %e, "cannot record mail attempts");
    }
    true
}

/// The message for a mail written out, or why it cannot be built.
pub fn message(settings: &MailSettings, m: &DueMail, w: &compose::Written) -> Result<Message, String> {
    let to: Mailbox = m.to_address.parse().map_err(|e| format!("bad address: {e}"))?;
    Message::builder()
        .from(settings.from.clone())
        .to(to)
        .subject(w.subject.clone())
        // The same id on every retry, so a receiver can tell a resend.
        .message_id(Some(format!("<tessera.{}.{}@{}>", m.event_id, m.id, settings.domain())))
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("Content-Language"),
            m.locale.clone(),
        ))
        .multipart(MultiPart::alternative_plain_html(w.text.clone(), w.html.clone()))
        .map_err(|e| e.to_string())
}

/// Writes a mail out and sends it: `Err((why, permanent))` when it failed.
async fn write_and_send(
    state: &AppState,
    settings: &MailSettings,
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    m: &DueMail,
) -> (Option<String>, Result<(), (String, bool)>) {
    let written = match compose::write(state, m).await {
        Ok(Some(w)) => w,
        // What it was about is gone: it never will be sent.
        Ok(None) => return (None, Err((failure::GONE.into(), true))),
        // The database did not answer: try again later.
        Err(e) => return (None, Err((short(&e.to_string()), false))),
    };
    let sent = match message(settings, m, &written) {
        // A mail that cannot be built never will be: failed at once.
        Err(why) => Err((why, true)),
        Ok(msg) => transport
            .send(msg)
            .await
            .map(|_| ())
            .map_err(|e| (short(&e.to_string()), e.is_permanent())),
    };
    (Some(written.subject), sent)
}

async fn send(
    state: &AppState,
    settings: &MailSettings,
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    m: DueMail,
) -> MailOutcome {
    let (subject, outcome) = write_and_send(state, settings, transport, &m).await;
    let now = state.clock.now().as_second();
    let (error, next) = match outcome {
        Ok(()) => {
            metrics::counter!("tessera_mail_sent_total").increment(1);
            (None, AttemptNext::Delivered(now))
        }
        Err((why, permanent)) => {
            metrics::counter!("tessera_mail_attempts_failed_total").increment(1);
            tracing::info!(mail = m.id, error = %why, permanent, "mail attempt failed");
            let next = if permanent {
                AttemptNext::Failed
            } else {
                after_failed_attempt(m.attempts, m.created_at, now)
            };
            (Some(why), next)
        }
    };
    MailOutcome {
        id: m.id,
        subject,
        error,
        next,
    }
}
