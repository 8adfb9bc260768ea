//! Mail as the admin sees it (admin): whether SMTP is set, what waits, what
//! went out or failed, a retry, and a test mail to oneself.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tessera_domain::refusal::Refusal;
use tessera_store::MailRow;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::Admin;
use crate::error::{FieldFault, Problem, ProblemBody};
use crate::extract::{Number, Query};
use crate::query_params::refuse_query;
use crate::wire::{Page, decode_cursor, limit, page_of, utc_text as utc};

/// The states a mail is in.
pub const MAIL_STATES: &[&str] = &["pending", "sent", "failed"];

/// Whether mail goes out, and how much of it is where.
#[derive(Debug, Serialize, ToSchema)]
pub struct MailStatusOut {
    /// Whether SMTP is set (`TESSERA_SMTP_URL`, `TESSERA_MAIL_FROM`);
    /// without it mail waits.
    pub configured: bool,
    /// The SMTP server (scheme, host, port; never credentials).
    pub server: Option<String>,
    /// The sender.
    pub from: Option<String>,
    /// Mails waiting to go out (or for SMTP to be set).
    pub pending: i64,
    /// Mails the SMTP server took.
    pub sent: i64,
    /// Mails given up on.
    pub failed: i64,
}

/// One mail.
#[derive(Debug, Serialize, ToSchema)]
pub struct MailOut {
    /// Id.
    pub id: i64,
    /// The outbox event that made it.
    pub event_id: i64,
    /// `order_made`, `order_confirmed`, `order_cancelled`, `ticket_received`,
    /// `ticket_sent`, `password_reset` or `test`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The recipient.
    pub user_id: i64,
    /// Their address.
    pub to: String,
    /// The language it is written in.
    pub locale: String,
    /// Subject line, once the mail has been written out (at its first
    /// attempt); `null` while it waits for SMTP.
    pub subject: Option<String>,
    /// `pending`, `sent` or `failed`.
    pub state: String,
    /// Attempts made.
    pub attempts: i64,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When the next attempt is due (RFC 3339, UTC); `null` unless pending.
    pub next_attempt_at: Option<String>,
    /// When the SMTP server took it.
    pub sent_at: Option<String>,
    /// When it was made (or retried by hand).
    pub created_at: String,
}

/// The mail list's filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MailQuery {
    /// `pending`, `sent` or `failed`; all when absent.
    pub state: Option<String>,
    /// Page size (default 50, at most 500).
    #[serde(default, deserialize_with = "crate::rules::query_int")]
    pub limit: Option<i64>,
    /// From `next_cursor`.
    #[serde(default, deserialize_with = "crate::rules::empty_as_none")]
    pub cursor: Option<String>,
}

pub(crate) fn mail_out(m: MailRow) -> MailOut {
    MailOut {
        id: m.id,
        event_id: m.event_id,
        kind: m.kind,
        user_id: m.user_id,
        to: m.to_address,
        locale: m.locale,
        subject: m.subject,
        next_attempt_at: (m.state == "pending").then(|| utc(m.next_attempt_at)),
        state: m.state,
        attempts: m.attempts,
        last_error: m.last_error,
        sent_at: m.sent_at.map(utc),
        created_at: utc(m.created_at),
    }
}

/// The mail status the API answers and the Integrations page shows.
pub(crate) async fn status(state: &AppState) -> Result<MailStatusOut, tessera_store::StoreError> {
    let counts = state.store.mail_counts().await?;
    let count = |s: &str| counts.iter().find(|(k, _)| k == s).map_or(0, |(_, n)| *n);
    let settings = state.config.mail.as_ref();
    Ok(MailStatusOut {
        configured: settings.is_some(),
        server: settings.map(|m| m.server()),
        from: settings.map(|m| m.from.to_string()),
        pending: count("pending"),
        sent: count("sent"),
        failed: count("failed"),
    })
}

/// Whether mail goes out, and how many mails wait, went out or failed.
#[utoipa::path(get, path = "/api/v1/mail/status", tag = "integrations", security(("bearer" = [])),
    responses((status = 200, body = MailStatusOut), (status = 403, body = ProblemBody)))]
pub async fn get_status(State(state): State<AppState>, _a: Admin) -> Result<axum::Json<MailStatusOut>, Problem> {
    Ok(axum::Json(status(&state).await?))
}

/// Reads a mail list's `state`; anything else is a 400 naming the list.
pub(crate) fn state_filter(raw: Option<&str>) -> Result<Option<String>, Problem> {
    // Spaces and tabs around it only, as the document's pattern says.
    match raw.map(|s| s.trim_matches([' ', '\t'])) {
        None | Some("") => Ok(None),
        Some(s) if MAIL_STATES.contains(&s) => Ok(Some(s.to_owned())),
        Some(_) => {
            refuse_query(vec![FieldFault {
                field: "state".into(),
                refusal: Refusal::OneOf(MAIL_STATES),
            }])?;
            Ok(None)
        }
    }
}

/// Mails, newest first.
#[utoipa::path(get, path = "/api/v1/mail/messages", tag = "integrations", params(MailQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<MailOut>), (status = 400, body = ProblemBody), (status = 403, body = ProblemBody)))]
pub async fn list(
    State(state): State<AppState>,
    _a: Admin,
    Query(q): Query<MailQuery>,
) -> Result<axum::Json<Page<MailOut>>, Problem> {
    let filter = state_filter(q.state.as_deref())?;
    let limit = limit(q.limit)?;
    let before = q.cursor.as_deref().map(decode_cursor).transpose()?;
    let rows = state.store.mails(filter, before, limit + 1).await?;
    let (rows, next_cursor) = page_of(rows, limit, |m| m.id);
    Ok(axum::Json(Page {
        items: rows.into_iter().map(mail_out).collect(),
        next_cursor,
    }))
}

/// Sends a mail again: pending, due now, with a new day of retries. A
/// password reset that went out keeps no text and cannot be resent (409).
#[utoipa::path(post, path = "/api/v1/mail/messages/{id}/retry", tag = "integrations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Mail id")),
    responses((status = 200, body = MailOut), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody)))]
pub async fn retry(
    State(state): State<AppState>,
    _a: Admin,
    Number(id): Number,
) -> Result<axum::Json<MailOut>, Problem> {
    let m = state.store.retry_mail(id, state.clock.now().as_second()).await?;
    Ok(axum::Json(mail_out(m)))
}

/// Mails the caller a test message, through the outbox like any mail
/// (it waits too while SMTP is not set).
#[utoipa::path(post, path = "/api/v1/mail/test", tag = "integrations", security(("bearer" = [])),
    responses((status = 202), (status = 403, body = ProblemBody)))]
pub async fn test(State(state): State<AppState>, a: Admin) -> Result<StatusCode, Problem> {
    state
        .store
        .emit_mail_test(a.0.user.id, state.clock.now().as_second())
        .await?;
    Ok(StatusCode::ACCEPTED)
}
