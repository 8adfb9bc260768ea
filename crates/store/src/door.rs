//! The door beyond one check: the keys passes are signed with, checks a
//! turnstile decided offline and uploads later, the door log managers read,
//! and who is in today.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use tessera_domain::access::{AccessReason, Direction};
use tessera_domain::refusal::{Refusal, Thing};

use crate::list_query::Query;
use crate::{Dialect, Result, Store, StoreError, args, sql};

/// A signing key as stored: the secret never leaves the server.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PassKeyRow {
    /// Key id, carried in every pass it signs.
    pub kid: String,
    /// The secret key's 32 bytes, base64url.
    pub secret: String,
    /// When it was made (Unix seconds).
    pub created_at: i64,
    /// When a newer key took over signing, if one did.
    pub retired_at: Option<i64>,
}

/// A check a turnstile decided offline, as uploaded (already parsed).
#[derive(Debug, Clone)]
pub struct OfflineCheck {
    /// The turnstile's own id for it (a UUID): uploads are retried.
    pub client_id: String,
    /// The ticket the pass names, when its signature was good.
    pub ticket: Option<i64>,
    /// The door's premises.
    pub premises_id: i64,
    /// When it was decided (Unix seconds).
    pub at: i64,
    /// Which way.
    pub direction: Direction,
    /// What the turnstile decided.
    pub allowed: bool,
    /// Why.
    pub reason: AccessReason,
}

/// The door log's filters, combined with AND.
#[derive(Debug, Clone, Default)]
pub struct CheckFilter {
    /// One premises.
    pub premises_id: Option<i64>,
    /// One ticket.
    pub ticket_number: Option<i64>,
    /// Only allowed, or only refused.
    pub allowed: Option<bool>,
    /// From this instant (Unix seconds, included).
    pub from: Option<i64>,
    /// Until this instant (Unix seconds, excluded).
    pub to: Option<i64>,
    /// Continue after this `(at, id)`.
    pub after: Option<(i64, i64)>,
    /// Page size.
    pub limit: i64,
}

/// One line of the door log.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CheckRow {
    /// Its id.
    pub id: i64,
    /// When (Unix seconds).
    pub at: i64,
    /// The ticket, when the pass was real.
    pub ticket_number: Option<i64>,
    /// The premises.
    pub premises_id: i64,
    /// Their name.
    pub premises_name: String,
    /// The gate account.
    pub gate_id: i64,
    /// Its first name.
    pub gate_first_name: String,
    /// Its last name.
    pub gate_last_name: String,
    /// `in` or `out`.
    pub direction: String,
    /// 1 if the door opened.
    pub allowed: i64,
    /// Why.
    pub reason: String,
    /// 1 if the turnstile decided offline.
    pub offline: i64,
    /// The venue's time zone, to show the time.
    pub time_zone: String,
}

/// One page of the door log, newest first.
#[derive(Debug, Clone)]
pub struct CheckPage {
    /// Lines.
    pub items: Vec<CheckRow>,
    /// Where the next page starts, if there may be one.
    pub next_after: Option<(i64, i64)>,
}

/// Who came to some premises today (the venue's day).
#[derive(Debug, Clone, Copy)]
pub struct Presence {
    /// The premises.
    pub premises_id: i64,
    /// Today in the venue's zone.
    pub date: jiff::civil::Date,
    /// Tickets let in at least once today.
    pub entered_today: i64,
    /// Tickets whose last passage today was in.
    pub inside_now: i64,
}

impl Store {
    /// Every signing key, newest first.
    pub async fn pass_keys(&self) -> Result<Vec<PassKeyRow>> {
        let mut r = self.reader().await?;
        let mut c = r.conn();
        c.all(
            sql!(
                c,
                "SELECT kid, secret, created_at, retired_at FROM pass_keys ORDER BY created_at DESC, kid DESC"
            ),
            &[],
        )
        .await
    }

    /// Adds `key` unless a key is signing already (the first instance to
    /// start decides).
    pub async fn ensure_pass_key(&self, key: PassKeyRow) -> Result<()> {
        self.write(move |mut c| {
            Box::pin(async move {
                c.exec(
                    sql!(
                        c,
                        "INSERT INTO pass_keys (kid, secret, created_at) SELECT $1, $2, $3
                         WHERE NOT EXISTS (SELECT 1 FROM pass_keys WHERE retired_at IS NULL)"
                    ),
                    &args![key.kid, key.secret, key.created_at],
                )
                .await?;
                Ok(())
            })
        })
        .await
    }

    /// Makes `key` the signing key and retires the others; retired keys
    /// stay published for as long as a pass they signed can live.
    pub async fn rotate_pass_key(&self, key: PassKeyRow) -> Result<()> {
        self.write(move |mut c| {
            Box::pin(async move {
                c.exec(
                    sql!(c, "UPDATE pass_keys SET retired_at = $1 WHERE retired_at IS NULL"),
                    &args![key.created_at],
                )
                .await?;
                c.exec(
                    sql!(c, "INSERT INTO pass_keys (kid, secret, created_at) VALUES ($1, $2, $3)"),
                    &args![key.kid, key.secret, key.created_at],
                )
                .await?;
                Ok(())
            })
        })
        .await
    }

    /// Records checks decided offline, in one transaction: every check or
    /// none. A check whose id was recorded before is counted as a
    /// duplicate and changes nothing. Allowed entries count for the first
    /// visit. Answers `(recorded, duplicates)`.
    pub async fn record_offline_checks(&self, checks: Vec<OfflineCheck>, gate: i64) -> Result<(u64, u64)> {
        let total = checks.len() as u64;
        if checks.is_empty() {
            return Ok((0, 0));
        }
        let mut rows = Vec::with_capacity(checks.len());
        for ch in &checks {
            rows.push(serde_json::json!([
                ch.ticket,
                ch.at,
                i64::from(ch.allowed),
                ch.premises_id,
                gate,
                ch.reason.as_str(),
                ch.direction.as_str(),
                ch.client_id,
            ]));
        }
        let rows = serde_json::Value::Array(rows).to_string();
        let premises: Vec<i64> = checks.iter().map(|c| c.premises_id).collect();
        let tickets: Vec<i64> = checks.iter().filter_map(|c| c.ticket).collect();
        let recorded = self
            .write(move |mut c| {
                Box::pin(async move {
                    let missing: Option<(i64,)> = c
                        .opt(
                            match c.dialect() {
                                Dialect::Sqlite => "SELECT value FROM json_each(?1) WHERE value NOT IN (SELECT id FROM premises) LIMIT 1",
                                Dialect::Postgres => "SELECT e::bigint FROM jsonb_array_elements_text($1::jsonb) e WHERE e::bigint NOT IN (SELECT id FROM premises) LIMIT 1",
                            },
                            &args![serde_json::json!(premises).to_string()],
                        )
                        .await?;
                    if let Some((id,)) = missing {
                        let i = premises.iter().position(|p| *p == id).unwrap_or(0);
                        return Err(StoreError::unprocessable(
                            format!("checks[{i}].premises_id"),
                            Refusal::NoSuchPremises,
                        ));
                    }
                    let missing: Option<(i64,)> = c
                        .opt(
                            match c.dialect() {
                                Dialect::Sqlite => "SELECT value FROM json_each(?1) WHERE value NOT IN (SELECT number FROM tickets) LIMIT 1",
                                Dialect::Postgres => "SELECT e::bigint FROM jsonb_array_elements_text($1::jsonb) e WHERE e::bigint NOT IN (SELECT number FROM tickets) LIMIT 1",
                            },
                            &args![serde_json::json!(tickets).to_string()],
                        )
                        .await?;
                    if let Some((number,)) = missing {
                        let i = checks.iter().position(|ch| ch.ticket == Some(number)).unwrap_or(0);
                        return Err(StoreError::unprocessable(format!("checks[{i}].token"), Refusal::NoSuchTicket));
                    }
                    let recorded = c
                        .exec(
                            match c.dialect() {
                                Dialect::Sqlite => {
                                    "INSERT INTO access_checks (ticket_number, at, allowed, premises_id, gate_id, reason, direction, offline, client_id)
                                     SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, 1, value ->> 7
                                     FROM json_each(?1) WHERE true
                                     ON CONFLICT (client_id) WHERE client_id IS NOT NULL DO NOTHING"
                                }
                                Dialect::Postgres => {
                                    "INSERT INTO access_checks (ticket_number, at, allowed, premises_id, gate_id, reason, direction, offline, client_id)
                                     SELECT (e->>0)::bigint, (e->>1)::bigint, (e->>2)::bigint, (e->>3)::bigint, (e->>4)::bigint, e->>5, e->>6, 1, e->>7
                                     FROM jsonb_array_elements($1::jsonb) e
                                     ON CONFLICT (client_id) WHERE client_id IS NOT NULL DO NOTHING"
                                }
                            },
                            &args![rows.clone()],
                        )
                        .await?;
                    c.exec(
                        match c.dialect() {
                            Dialect::Sqlite => {
                                "UPDATE tickets SET first_visit_at = f.at
                                 FROM (SELECT value ->> 0 AS number, min(value ->> 1) AS at FROM json_each(?1)
                                       WHERE value ->> 2 = 1 AND value ->> 6 = 'in' AND value ->> 0 IS NOT NULL GROUP BY 1) AS f
                                 WHERE tickets.number = f.number AND (tickets.first_visit_at IS NULL OR tickets.first_visit_at > f.at)"
                            }
                            Dialect::Postgres => {
                                "UPDATE tickets SET first_visit_at = f.at
                                 FROM (SELECT (e->>0)::bigint AS number, min((e->>1)::bigint) AS at FROM jsonb_array_elements($1::jsonb) e
                                       WHERE (e->>2)::bigint = 1 AND e->>6 = 'in' AND e->>0 IS NOT NULL GROUP BY 1) AS f
                                 WHERE tickets.number = f.number AND (tickets.first_visit_at IS NULL OR tickets.first_visit_at > f.at)"
                            }
                        },
                        &args![rows],
                    )
                    .await?;
                    Ok(recorded)
                })
            })
            .await?;
        Ok((recorded, total - recorded))
    }

    /// One line of the door log (a webhook's `access.checked`).
    pub async fn access_check(&self, id: i64) -> Result<Option<CheckRow>> {
        let mut r = self.reader().await?;
        let mut c = r.conn();
        c.opt(
            sql!(
                c,
                "SELECT a.id, a.at, a.ticket_number, a.premises_id, COALESCE(p.name, '') AS premises_name, a.gate_id,
                        g.first_name AS gate_first_name, g.last_name AS gate_last_name, a.direction, a.allowed,
                        a.reason, a.offline, COALESCE(v.time_zone, 'UTC') AS time_zone
                 FROM access_checks a
                 LEFT JOIN premises p ON p.id = a.premises_id
                 LEFT JOIN venues v ON v.id = p.venue_id
                 JOIN users g ON g.id = a.gate_id WHERE a.id = $1"
            ),
            &args![id],
        )
        .await
    }

    /// The door log, newest first.
    pub async fn access_checks(&self, f: &CheckFilter) -> Result<CheckPage> {
        let mut r = self.reader().await?;
        let mut c = r.conn();
        let mut q = Query::new(c.dialect());
        q.push(
            // A turnstile may name premises that do not exist (a wrong
            // setting): the check is logged all the same, without a name.
            "SELECT a.id, a.at, a.ticket_number, a.premises_id, COALESCE(p.name, '') AS premises_name, a.gate_id,
                    g.first_name AS gate_first_name, g.last_name AS gate_last_name, a.direction, a.allowed,
                    a.reason, a.offline, COALESCE(v.time_zone, 'UTC') AS time_zone
             FROM access_checks a
             LEFT JOIN premises p ON p.id = a.premises_id
             LEFT JOIN venues v ON v.id = p.venue_id
             JOIN users g ON g.id = a.gate_id WHERE 1 = 1",
        );
        if let Some(p) = f.premises_id {
            q.push(" AND a.premises_id = ").bind(p);
        }
        if let Some(t) = f.ticket_number {
            q.push(" AND a.ticket_number = ").bind(t);
        }
        if let Some(a) = f.allowed {
            q.push(" AND a.allowed = ").bind(i64::from(a));
        }
        if let Some(from) = f.from {
            q.push(" AND a.at >= ").bind(from);
        }
        if let Some(to) = f.to {
            q.push(" AND a.at < ").bind(to);
        }
        if let Some((at, id)) = f.after {
            q.push(" AND (a.at < ").bind(at);
            q.push(" OR (a.at = ").bind(at);
            q.push(" AND a.id < ").bind(id);
            q.push("))");
        }
        q.push(" ORDER BY a.at DESC, a.id DESC LIMIT ").bind(f.limit + 1);
        let mut items: Vec<CheckRow> = c.all(&q.sql, &q.args).await?;
        let more = items.len() as i64 > f.limit;
        items.truncate(usize::try_from(f.limit).unwrap_or(0));
        let next_after = if more { items.last().map(|r| (r.at, r.id)) } else { None };
        Ok(CheckPage { items, next_after })
    }

    /// The time zone a door log's days are read in: the premises' venue's,
    /// else the first venue's, else UTC.
    pub async fn door_time_zone(&self, premises_id: Option<i64>) -> Result<String> {
        let mut r = self.reader().await?;
        let mut c = r.conn();
        let zone: Option<(String,)> = c
            .opt(
                sql!(
                    c,
                    "SELECT v.time_zone FROM venues v
                     ORDER BY CASE WHEN v.id = (SELECT venue_id FROM premises WHERE id = $1) THEN 0 ELSE 1 END, v.id LIMIT 1"
                ),
                &args![premises_id.unwrap_or(0)],
            )
            .await?;
        Ok(zone.map_or_else(|| "UTC".to_owned(), |(z,)| z))
    }

    /// The time zone of the venue some premises belong to; 404 when either is missing.
    pub(crate) async fn premises_zone(&self, premises_id: i64) -> Result<TimeZone> {
        let premises = self
            .premises(premises_id)
            .await?
            .ok_or(StoreError::NotFound(Thing::Premises))?;
        let venue = self
            .venue(premises.venue_id)
            .await?
            .ok_or(StoreError::NotFound(Thing::Venue))?;
        Ok(TimeZone::get(&venue.time_zone).unwrap_or(TimeZone::UTC))
    }

    /// Who came to `premises_id` today, in its venue's zone.
    pub async fn presence(&self, premises_id: i64, now: Timestamp) -> Result<Presence> {
        let tz = self.premises_zone(premises_id).await?;
        let date = now.to_zoned(tz.clone()).date();
        let start = date
            .to_zoned(tz.clone())
            .map_err(|_| StoreError::NotFound(Thing::Venue))?;
        let end = date
            .tomorrow()
            .and_then(|d| d.to_zoned(tz))
            .map_err(|_| StoreError::NotFound(Thing::Venue))?;
        let (from, to) = (start.timestamp().as_second(), end.timestamp().as_second());
        let mut r = self.reader().await?;
        let mut c = r.conn();
        let (entered_today, inside_now): (i64, i64) = c
            .one(
                sql!(
                    c,
                    "SELECT COUNT(DISTINCT CASE WHEN direction = 'in' THEN ticket_number END),
                            COUNT(CASE WHEN rn = 1 AND direction = 'in' THEN 1 END)
                     FROM (SELECT ticket_number, direction,
                                  ROW_NUMBER() OVER (PARTITION BY ticket_number ORDER BY at DESC, id DESC) AS rn
                           FROM access_checks
                           WHERE premises_id = $1 AND allowed = 1 AND ticket_number IS NOT NULL
                             AND at >= $2 AND at < $3) AS passages"
                ),
                &args![premises_id, from, to],
            )
            .await?;
        Ok(Presence {
            premises_id,
            date,
            entered_today,
            inside_now,
        })
    }
}
