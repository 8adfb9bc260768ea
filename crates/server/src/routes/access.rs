//! The door: a turnstile checks a pass, uploads what it decided offline and
//! fetches the keys to decide with; managers read the door log and who is
//! in today.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use tessera_domain::Locale;
use tessera_domain::access::{AccessReason, Direction};
use tessera_domain::refusal::Refusal;
use tessera_store::{CheckFilter, CheckRow, OfflineCheck};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::{Admin, CoworkingManager, Gatekeeper, Turnstile};
use crate::error::{FieldFault, Problem, ProblemBody};
use crate::extract::{Json, Lang, Number, Query};
use crate::field_text::Malformed;
use crate::i18n;
use crate::query_params::{positive_query_number, refuse_query};
use crate::wire::{Named, Page, PersonRef, instant_s, limit, zone};

/// How far ahead of the server's clock a turnstile's clock may run.
const CLOCK_SKEW_SECONDS: i64 = 300;
/// Most checks one upload may carry.
pub const UPLOAD_MAX: usize = 20_000;

/// A pass shown at a door of some premises.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckIn {
    /// The pass token from the QR code.
    #[schema(value_type = crate::rules::PassToken)]
    pub token: String,
    /// The premises the door leads into.
    #[schema(value_type = crate::rules::Id)]
    #[serde(deserialize_with = "crate::rules::id")]
    pub premises_id: i64,
    /// `in` (the default) or `out`.
    #[serde(default)]
    #[schema(value_type = Option<String>, pattern = "^(in|out)$")]
    pub direction: Option<String>,
}

/// The verdict.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckOut {
    /// Open the door?
    pub allowed: bool,
    /// `allowed`, `not_validated`, `not_confirmed`, `not_started`, `ended`, `cancelled`, `wrong_premises`, `expired` or `unknown_pass`.
    pub reason: String,
    /// The reason in words, for the person at the door.
    pub reason_text: String,
    /// The ticket the pass belongs to, when it is a real pass.
    pub ticket_number: Option<i64>,
    /// `in` or `out`.
    pub direction: String,
}

fn direction(raw: Option<&str>) -> Result<Direction, Problem> {
    match raw {
        None => Ok(Direction::In),
        Some(s) => Direction::parse(s).ok_or_else(|| Problem::field("direction", Refusal::OneOf(&["in", "out"]))),
    }
}

/// Checks a pass; every check is logged, and the first allowed entry is the
/// ticket's first visit. An `out` is allowed for a genuine pass of these
/// premises, so nobody is kept in.
#[utoipa::path(post, path = "/api/v1/access/check", tag = "gate", request_body = CheckIn, security(("bearer" = [])),
    responses((status = 200, body = CheckOut), (status = 403, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn check(
    State(state): State<AppState>,
    Gatekeeper(caller): Gatekeeper,
    Lang(l): Lang,
    Json(b): Json<CheckIn>,
) -> Result<axum::Json<CheckOut>, Problem> {
    if b.token.len() > crate::rules::TOKEN_MAX {
        return Err(Problem::field("token", Refusal::TooLong(crate::rules::TOKEN_MAX)));
    }
    let direction = direction(b.direction.as_deref())?;
    let now = state.clock.now();
    let claim = state.passes.verify(&state.store, &b.token, now.as_second()).await;
    let (reason, ticket) = state
        .store
        .check_access(claim, b.premises_id, direction, caller.user.id, now)
        .await?;
    Ok(axum::Json(CheckOut {
        allowed: reason == AccessReason::Allowed,
        reason: reason.as_str().into(),
        reason_text: i18n::access_reason(reason, l).into(),
        ticket_number: ticket,
        direction: direction.as_str().into(),
    }))
}

/// A public key passes are signed with, as a JWK.
#[derive(Debug, Serialize, ToSchema)]
pub struct KeyOut {
    /// Key id, as in the passes it signs.
    pub kid: String,
    /// Always `OKP`.
    pub kty: &'static str,
    /// Always `Ed25519`.
    pub crv: &'static str,
    /// The public key, base64url without padding.
    pub x: String,
}

/// The published keys.
#[derive(Debug, Serialize, ToSchema)]
pub struct KeysOut {
    /// Every key a valid pass may be signed with now.
    pub keys: Vec<KeyOut>,
}

/// The public keys passes are signed with, for a turnstile that decides
/// offline. A retired key stays here while passes it signed can live.
#[utoipa::path(get, path = "/api/v1/access/keys", tag = "gate", security(("bearer" = [])),
    responses((status = 200, body = KeysOut), (status = 403, body = ProblemBody)))]
pub async fn keys(State(state): State<AppState>, _g: Gatekeeper) -> Result<axum::Json<KeysOut>, Problem> {
    let keys = state
        .passes
        .published(&state.store, state.clock.now().as_second())
        .await?;
    Ok(axum::Json(KeysOut {
        keys: keys
            .into_iter()
            .map(|k| KeyOut {
                kid: k.kid,
                kty: "OKP",
                crv: "Ed25519",
                x: k.x,
            })
            .collect(),
    }))
}

/// Makes a new key sign passes from now on. Passes signed before keep
/// working until they expire (the old key stays published for a day);
/// turnstiles pick the new key up with their next `GET /access/keys`, and
/// other instances within a minute.
#[utoipa::path(post, path = "/api/v1/access/keys/rotate", tag = "gate", security(("bearer" = [])),
    responses((status = 200, body = KeysOut), (status = 403, body = ProblemBody)))]
pub async fn rotate_keys(State(state): State<AppState>, Admin(caller): Admin) -> Result<axum::Json<KeysOut>, Problem> {
    let now = state.clock.now().as_second();
    let key = crate::passes::new_key(now);
    let kid = key.kid.clone();
    state.store.rotate_pass_key(key).await?;
    state.passes.forget();
    tracing::info!(admin = caller.user.id, kid, "pass keys rotated");
    keys(State(state), Gatekeeper(caller)).await
}

/// One check a turnstile decided offline.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfflineCheckIn {
    /// The turnstile's id for this check, a UUID: the same id twice is recorded once.
    pub id: String,
    /// The pass token it read.
    #[schema(value_type = crate::rules::PassToken)]
    pub token: String,
    /// The premises of the door.
    #[schema(value_type = crate::rules::Id)]
    #[serde(deserialize_with = "crate::rules::id")]
    pub premises_id: i64,
    /// When it decided, RFC 3339 with an offset.
    pub at: String,
    /// `in` (the default) or `out`.
    #[serde(default)]
    #[schema(value_type = Option<String>, pattern = "^(in|out)$")]
    pub direction: Option<String>,
    /// What it decided.
    pub allowed: bool,
    /// Why, one of the reasons of `POST /access/check`.
    pub reason: String,
}

/// An upload of offline checks.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfflineChecksIn {
    /// At most 20,000 checks.
    pub checks: Vec<OfflineCheckIn>,
}

/// What an upload recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfflineChecksOut {
    /// Checks recorded now.
    pub recorded: u64,
    /// Checks recorded by an earlier upload (same id), left as they were.
    pub duplicates: u64,
}

/// Parses one uploaded check, gathering what is wrong with it.
async fn offline_check(
    state: &AppState,
    i: usize,
    c: OfflineCheckIn,
    now: i64,
    errors: &mut Vec<FieldFault>,
) -> Option<OfflineCheck> {
    let mut fault = |field: &str, refusal: Refusal| {
        errors.push(FieldFault {
            field: format!("checks[{i}].{field}"),
            refusal,
        })
    };
    let id = uuid::Uuid::try_parse(&c.id).ok().map(|u| u.hyphenated().to_string());
    if id.is_none() {
        fault("id", Refusal::NotUuid);
    }
    let at = c.at.parse::<jiff::Timestamp>().ok().map(|t| t.as_second());
    match at {
        None => fault("at", Refusal::NotInstant),
        Some(at) if at > now + CLOCK_SKEW_SECONDS => fault("at", Refusal::InFuture),
        Some(_) => {}
    }
    let direction = match c.direction.as_deref() {
        None => Some(Direction::In),
        Some(d) => Direction::parse(d),
    };
    if direction.is_none() {
        fault("direction", Refusal::OneOf(&["in", "out"]));
    }
    let reason = AccessReason::parse(&c.reason);
    match reason {
        None => fault(
            "reason",
            Refusal::Expected(
                tessera_domain::access::REASONS
                    .iter()
                    .map(|r| r.as_str().to_owned())
                    .collect(),
            ),
        ),
        Some(r) if (r == AccessReason::Allowed) != c.allowed => fault("reason", Refusal::OneOf(&["allowed"])),
        Some(_) => {}
    }
    let claim = if c.token.len() > crate::rules::TOKEN_MAX {
        fault("token", Refusal::TooLong(crate::rules::TOKEN_MAX));
        None
    } else {
        state.passes.verify(&state.store, &c.token, now).await
    };
    if claim.is_none() && c.allowed {
        fault("token", Refusal::ForgedPassAllowed);
    }
    Some(OfflineCheck {
        client_id: id?,
        ticket: claim.map(|p| p.ticket),
        premises_id: c.premises_id,
        at: at?,
        direction: direction?,
        allowed: c.allowed,
        reason: reason?,
    })
}

/// Records checks a turnstile decided while it could not reach the server,
/// all or none, marked offline. Retrying an upload is safe: a check whose
/// id was recorded before counts as a duplicate. Allowed entries count for
/// the ticket's first visit.
#[utoipa::path(post, path = "/api/v1/access/checks", tag = "gate", request_body = OfflineChecksIn, security(("bearer" = [])),
    responses((status = 200, body = OfflineChecksOut), (status = 403, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn upload(
    State(state): State<AppState>,
    Turnstile(caller): Turnstile,
    Json(b): Json<OfflineChecksIn>,
) -> Result<axum::Json<OfflineChecksOut>, Problem> {
    if b.checks.len() > UPLOAD_MAX {
        return Err(Problem::field("checks", Refusal::TooMany(UPLOAD_MAX)));
    }
    let now = state.clock.now().as_second();
    let mut errors = Vec::new();
    let mut checks = Vec::with_capacity(b.checks.len());
    for (i, c) in b.checks.into_iter().enumerate() {
        if let Some(c) = offline_check(&state, i, c, now, &mut errors).await {
            checks.push(c);
        }
        // One answer names the first faults, not thousands of them.
        if errors.len() >= 20 {
            break;
        }
    }
    if !errors.is_empty() {
        return Err(Problem::Invalid(errors));
    }
    let (recorded, duplicates) = state.store.record_offline_checks(checks, caller.user.id).await?;
    tracing::info!(gate = caller.user.id, recorded, duplicates, "offline checks uploaded");
    Ok(axum::Json(OfflineChecksOut { recorded, duplicates }))
}

/// The door log's filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CheckListQuery {
    /// One premises.
    pub premises_id: Option<String>,
    /// One ticket.
    pub ticket_number: Option<String>,
    /// `true` for entries let through, `false` for refusals.
    pub allowed: Option<String>,
    /// From this instant (RFC 3339) or the start of this day (`YYYY-MM-DD`, the venue's).
    pub from: Option<String>,
    /// Until this instant (RFC 3339, excluded) or the end of this day (`YYYY-MM-DD`, included).
    pub to: Option<String>,
    /// Page size (default 50, at most 500).
    #[serde(default, deserialize_with = "crate::rules::query_int")]
    pub limit: Option<i64>,
    /// From `next_cursor`.
    #[serde(default, deserialize_with = "crate::rules::empty_as_none")]
    pub cursor: Option<String>,
}

/// An instant, or a day's start (`end_of_day`: the next day's start) in `tz`.
fn query_instant(
    field: &str,
    raw: Option<&str>,
    tz: &jiff::tz::TimeZone,
    end_of_day: bool,
    errors: &mut Vec<FieldFault>,
) -> Option<i64> {
    let s = raw.map(str::trim).filter(|s| !s.is_empty())?;
    if let Ok(t) = s.parse::<jiff::Timestamp>() {
        return Some(t.as_second());
    }
    let day = (s.len() == 10)
        .then(|| s.parse::<jiff::civil::Date>().ok())
        .flatten()
        .and_then(|d| if end_of_day { d.tomorrow().ok() } else { Some(d) })
        .and_then(|d| d.to_zoned(tz.clone()).ok());
    match day {
        Some(z) => Some(z.timestamp().as_second()),
        None => {
            errors.push(FieldFault {
                field: field.into(),
                refusal: Refusal::NotInstant,
            });
            None
        }
    }
}

pub fn encode_after((at, id): (i64, i64)) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("a{at}.{id}"))
}

fn decode_after(cursor: &str) -> Result<(i64, i64), Problem> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| {
            let (at, id) = s.strip_prefix('a')?.split_once('.')?;
            Some((at.parse().ok()?, id.parse().ok()?))
        })
        .ok_or(Problem::Malformed(Malformed::Cursor))
}

/// Reads the door log's query into a filter; a bad value is a 400 naming it.
pub async fn parse_check_filter(state: &AppState, q: &CheckListQuery) -> Result<CheckFilter, Problem> {
    let mut errors = Vec::new();
    let premises_id = positive_query_number("premises_id", q.premises_id.as_deref(), &mut errors);
    let ticket_number = positive_query_number("ticket_number", q.ticket_number.as_deref(), &mut errors);
    let allowed = match q.allowed.as_deref().map(str::trim) {
        None | Some("") => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => {
            errors.push(FieldFault {
                field: "allowed".into(),
                refusal: Refusal::OneOf(&["true", "false"]),
            });
            None
        }
    };
    // Days are the venue's days: the premises' venue, else the first venue.
    let tz = state.store.door_time_zone(premises_id).await?;
    let tz = zone(&tz);
    let from = query_instant("from", q.from.as_deref(), &tz, false, &mut errors);
    let to = query_instant("to", q.to.as_deref(), &tz, true, &mut errors);
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        errors.push(FieldFault {
            field: "to".into(),
            refusal: Refusal::BeforeStart,
        });
    }
    let after = q.cursor.as_deref().map(decode_after).transpose()?;
    let limit = limit(q.limit)?;
    refuse_query(errors)?;
    Ok(CheckFilter {
        premises_id,
        ticket_number,
        allowed,
        from,
        to,
        after,
        limit,
    })
}

/// One line of the door log.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckLogOut {
    /// Its id.
    pub id: i64,
    /// When, RFC 3339 in the venue's offset.
    pub at: String,
    /// The ticket, when the pass was real.
    pub ticket_number: Option<i64>,
    /// The premises.
    pub premises: Named,
    /// The turnstile's account.
    pub gate: PersonRef,
    /// `in` or `out`.
    pub direction: String,
    /// The direction in words.
    pub direction_text: String,
    /// Whether the door opened.
    pub allowed: bool,
    /// Why.
    pub reason: String,
    /// Why, in words.
    pub reason_text: String,
    /// Decided by the turnstile offline and uploaded later.
    pub offline: bool,
}

/// A line of the door log as the API shows it.
pub fn check_out(r: CheckRow, l: Locale) -> CheckLogOut {
    let reason = AccessReason::parse(&r.reason).unwrap_or(AccessReason::UnknownPass);
    let direction = Direction::parse(&r.direction).unwrap_or_default();
    CheckLogOut {
        id: r.id,
        at: instant_s(r.at, &zone(&r.time_zone)),
        ticket_number: r.ticket_number,
        premises: Named {
            id: r.premises_id,
            name: r.premises_name,
        },
        gate: PersonRef {
            id: r.gate_id,
            first_name: r.gate_first_name,
            last_name: r.gate_last_name,
        },
        direction: direction.as_str().into(),
        direction_text: i18n::direction(direction, l).into(),
        allowed: r.allowed == 1,
        reason: reason.as_str().into(),
        reason_text: i18n::access_reason(reason, l).into(),
        offline: r.offline == 1,
    }
}

/// The door log, newest first.
#[utoipa::path(get, path = "/api/v1/access/checks", tag = "gate", params(CheckListQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<CheckLogOut>), (status = 400, body = ProblemBody), (status = 403, body = ProblemBody)))]
pub async fn list(
    State(state): State<AppState>,
    _m: CoworkingManager,
    Lang(l): Lang,
    Query(q): Query<CheckListQuery>,
) -> Result<axum::Json<Page<CheckLogOut>>, Problem> {
    let filter = parse_check_filter(&state, &q).await?;
    let page = state.store.access_checks(&filter).await?;
    Ok(axum::Json(Page {
        items: page.items.into_iter().map(|r| check_out(r, l)).collect(),
        next_cursor: page.next_after.map(encode_after),
    }))
}

/// Who came today.
#[derive(Debug, Serialize, ToSchema)]
pub struct PresenceOut {
    /// The premises.
    #[schema(value_type = crate::rules::Id)]
    pub premises_id: i64,
    /// Today, in the venue's zone.
    #[schema(value_type = String, format = Date)]
    pub date: String,
    /// Tickets let in at least once today.
    pub entered_today: i64,
    /// Tickets whose last passage today was in.
    pub inside_now: i64,
}

/// Who entered some premises today and who is inside now.
#[utoipa::path(get, path = "/api/v1/premises/{id}/presence", tag = "gate", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Premises id")),
    responses((status = 200, body = PresenceOut), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
pub async fn presence(
    State(state): State<AppState>,
    _m: CoworkingManager,
    Number(id): Number,
) -> Result<axum::Json<PresenceOut>, Problem> {
    let p = state.store.presence(id, state.clock.now()).await?;
    Ok(axum::Json(PresenceOut {
        premises_id: p.premises_id,
        date: p.date.to_string(),
        entered_today: p.entered_today,
        inside_now: p.inside_now,
    }))
}
