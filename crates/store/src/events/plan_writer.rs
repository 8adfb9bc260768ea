//! Writing a plan: activities, blocks and charges in as few statements as
//! the plan allows, with day zero moved so that most charges keep their
//! stored day count.

use jiff::civil::Date;
use rust_decimal::Decimal;
use tessera_events::{CascadeError, EventState, ItemStatus, Plan};

use super::hall_taken_by_index;
use crate::{Conn, Dialect, Result, StoreError, args, sql};

/// Charges whose stored row changes alike: the same days added to their
/// day count, the same new quantity (or none), the same status after (or
/// none).
#[derive(Debug, PartialEq)]
pub(super) struct ChargeGroup {
    pub(super) days: i32,
    pub(super) quantity: Option<String>,
    pub(super) status: Option<ItemStatus>,
    /// Their ids as a JSON array.
    pub(super) ids: String,
    pub(super) count: u64,
}

/// Days a group of alike charges shift by.
pub(super) fn shift_of(a: &AlikeCharges) -> i32 {
    (a.date_after - a.date_before).get_days()
}

/// How far the event's day zero moves with a plan: by the shift most of its
/// charges make (those the plan leaves alone make none), so that most
/// charges keep their stored day count. A Move moves day zero by its offset
/// and rewrites no charge; anything else leaves day zero where it is.
pub(super) fn day_zero_shift(state: &EventState, alike: &[AlikeCharges]) -> i32 {
    let mut counts: std::collections::HashMap<i32, usize> = Default::default();
    let mut changed = 0;
    for a in alike {
        *counts.entry(shift_of(a)).or_default() += a.ids.len();
        changed += a.ids.len();
    }
    *counts.entry(0).or_default() += state.charges.len().saturating_sub(changed);
    counts
        .into_iter()
        .max_by_key(|&(days, n)| (n, days == 0, -days.abs(), days))
        .map_or(0, |(days, _)| days)
}

/// The rows a plan rewrites, in groups written one statement each: given
/// that day zero moves by `zero_shift`, each planned charge's day count moves
/// by its own shift less that, and every charge the plan leaves alone moves
/// back by it. A Move is then no charge at all (or only its cancelled ones),
/// a PAX change one group per new quantity, a Shorten one for the cancelled.
/// Updating 20,000 rows from per-row JSON instead makes SQLite build and
/// join a 20,000-row table first, at twice the cost.
pub(super) fn charge_groups(state: &EventState, alike: &[AlikeCharges], zero_shift: i32) -> Vec<ChargeGroup> {
    use std::fmt::Write;
    let mut groups: Vec<ChargeGroup> = Vec::new();
    let mut index: std::collections::HashMap<(i32, Option<String>, Option<&'static str>), usize> = Default::default();
    let mut add = |days: i32, quantity: Option<String>, status: Option<ItemStatus>, id: i64| {
        let key = (days, quantity, status.map(ItemStatus::as_str));
        let at = *index.entry(key.clone()).or_insert_with(|| {
            groups.push(ChargeGroup {
                days,
                quantity: key.1,
                status,
                ids: String::from("["),
                count: 0,
            });
            groups.len() - 1
        });
        if let Some(group) = groups.get_mut(at) {
            if group.count > 0 {
                group.ids.push(',');
            }
            let _ = write!(group.ids, "{id}");
            group.count += 1;
        }
    };
    // Charges are read in id order; one not found is written to be sure.
    let stored_status = |id: i64| {
        state
            .charges
            .binary_search_by_key(&id, |c| c.id)
            .ok()
            .and_then(|at| state.charges.get(at))
            .map(|c| c.status)
    };
    for a in alike {
        let days = shift_of(a) - zero_shift;
        let quantity = (a.quantity_after != a.quantity_before).then(|| a.quantity_after.normalize().to_string());
        for &id in &a.ids {
            if days == 0 && quantity.is_none() && stored_status(id) == Some(a.status_after) {
                continue;
            }
            add(days, quantity.clone(), Some(a.status_after), id);
        }
    }
    if zero_shift != 0 {
        let planned: std::collections::HashSet<i64> = alike.iter().flat_map(|a| a.ids.iter().copied()).collect();
        for c in state.charges.iter().filter(|c| !planned.contains(&c.id)) {
            add(-zero_shift, None, None, c.id);
        }
    }
    for g in &mut groups {
        g.ids.push(']');
    }
    groups
}

/// Charges that changed exactly alike (the same dates and quantities before
/// and after, the same status after), with their ids in plan order. Found
/// once per apply: the audit line lists them, and the write merges them
/// further into [`ChargeGroup`]s.
pub(super) struct AlikeCharges {
    pub(super) date_before: Date,
    pub(super) date_after: Date,
    pub(super) quantity_before: Decimal,
    pub(super) quantity_after: Decimal,
    pub(super) status_after: ItemStatus,
    pub(super) ids: Vec<i64>,
}

pub(super) fn alike_charges(changes: &[tessera_events::ChargeChange]) -> Vec<AlikeCharges> {
    type Key = (Date, Date, Decimal, Decimal, &'static str);
    let mut groups: Vec<AlikeCharges> = Vec::new();
    let mut index: std::collections::HashMap<Key, usize> = Default::default();
    for c in changes {
        let key = (
            c.service_date_before,
            c.service_date_after,
            c.quantity_before,
            c.quantity_after,
            c.status_after.as_str(),
        );
        let at = *index.entry(key).or_insert_with(|| {
            groups.push(AlikeCharges {
                date_before: c.service_date_before,
                date_after: c.service_date_after,
                quantity_before: c.quantity_before,
                quantity_after: c.quantity_after,
                status_after: c.status_after,
                ids: Vec::new(),
            });
            groups.len() - 1
        });
        if let Some(g) = groups.get_mut(at) {
            g.ids.push(c.id);
        }
    }
    groups
}

/// One statement per group of charges whose rows change alike.
pub(super) async fn write_charges(c: &mut Conn<'_>, groups: Vec<ChargeGroup>) -> Result<()> {
    let q = match c.dialect() {
        Dialect::Sqlite => {
            "UPDATE charges SET service_day = service_day + ?1, quantity = COALESCE(?2, quantity), status = COALESCE(?3, status)
             WHERE id IN (SELECT value FROM json_each(?4))"
        }
        Dialect::Postgres => {
            "UPDATE charges SET service_day = service_day + $1, quantity = COALESCE($2, quantity), status = COALESCE($3, status)
             WHERE id IN (SELECT value::bigint FROM jsonb_array_elements_text($4::jsonb))"
        }
    };
    for group in groups {
        let n = c
            .exec(
                q,
                &args![
                    i64::from(group.days),
                    group.quantity,
                    group.status.map(ItemStatus::as_str),
                    group.ids
                ],
            )
            .await?;
        if n != group.count {
            return Err(StoreError::Database(sqlx::Error::Protocol(format!(
                "a charge group touched {n} charges, not {}",
                group.count
            ))));
        }
    }
    Ok(())
}

/// Writes a plan: the event row (with its day zero), activities in one
/// statement fed the plan as JSON, charges in one statement per group that
/// changes alike (20,000 charges are a few round trips, not 20,000).
/// Hall activities go one by one, latest first when moving forward, so the
/// unique hall index never sees a hall on its own next day mid-way.
pub(super) async fn write_plan(
    c: &mut Conn<'_>,
    id: i64,
    plan: &Plan,
    alike: &[AlikeCharges],
    state: &EventState,
    day_zero: Date,
) -> Result<()> {
    let zero_shift = day_zero_shift(state, alike);
    let day_zero_after = day_zero
        .checked_add(jiff::Span::new().days(zero_shift))
        .map_err(|_| StoreError::Cascade(CascadeError::OutOfRange))?;
    c.exec(
        sql!(
            c,
            "UPDATE events SET pax = $2, start_date = $3, end_date = $4, charge_epoch = $5, status = $6 WHERE id = $1"
        ),
        &args![
            id,
            i64::from(plan.pax),
            plan.start_date.to_string(),
            plan.end_date.to_string(),
            day_zero_after.to_string(),
            if plan.cancelled { "cancelled" } else { "active" }
        ],
    )
    .await?;
    let halls: std::collections::HashSet<i64> = state
        .activities
        .iter()
        .filter(|a| a.premises_id.is_some())
        .map(|a| a.id)
        .collect();
    let (mut hall_changes, rest): (Vec<_>, Vec<_>) = plan.activities.iter().partition(|a| halls.contains(&a.id));
    let forward = hall_changes.iter().any(|a| a.date_after > a.date_before);
    hall_changes.sort_by_key(|a| a.date_before);
    if forward {
        hall_changes.reverse();
    }
    for a in hall_changes {
        let r = c
            .exec(
                sql!(
                    c,
                    "UPDATE activities SET date = $2, pax = $3, status = $4, start_min = $5, end_min = $6 WHERE id = $1"
                ),
                &args![
                    a.id,
                    a.date_after.to_string(),
                    i64::from(a.pax_after),
                    a.status_after.as_str(),
                    i64::from(a.time_after.start),
                    i64::from(a.time_after.end)
                ],
            )
            .await;
        if let Err(e) = r {
            // The unique hall index refused it: a concurrent change won.
            return Err(hall_taken_by_index(e, a.id, 0, a.date_after, a.time_after));
        }
    }
    if !rest.is_empty() {
        let rows: Vec<serde_json::Value> = rest
            .iter()
            .map(|a| {
                serde_json::json!([
                    a.id,
                    a.date_after.to_string(),
                    a.pax_after,
                    a.status_after.as_str(),
                    a.time_after.start,
                    a.time_after.end
                ])
            })
            .collect();
        let q = match c.dialect() {
            Dialect::Sqlite => {
                "UPDATE activities SET date = j.d, pax = j.p, status = j.s, start_min = j.st, end_min = j.en
                 FROM (SELECT json_extract(value, '$[0]') AS id, json_extract(value, '$[1]') AS d,
                              json_extract(value, '$[2]') AS p, json_extract(value, '$[3]') AS s,
                              json_extract(value, '$[4]') AS st, json_extract(value, '$[5]') AS en FROM json_each(?1)) AS j
                 WHERE activities.id = j.id"
            }
            Dialect::Postgres => {
                "UPDATE activities SET date = j.v->>1, pax = (j.v->>2)::bigint, status = j.v->>3,
                        start_min = (j.v->>4)::int, end_min = (j.v->>5)::int
                 FROM jsonb_array_elements($1::jsonb) AS j(v) WHERE activities.id = (j.v->>0)::bigint"
            }
        };
        c.exec(q, &args![serde_json::Value::Array(rows).to_string()]).await?;
    }
    for t in &plan.texts {
        c.exec(
            sql!(
                c,
                "UPDATE activities SET name = COALESCE($2, name), notes = COALESCE($3, notes) WHERE id = $1"
            ),
            &args![t.id, t.name.clone(), t.notes.clone()],
        )
        .await?;
    }
    write_charges(c, charge_groups(state, alike, zero_shift)).await?;
    for b in &plan.blocks {
        c.exec(
            sql!(
                c,
                "UPDATE blocks SET start_date = $2, end_date = $3, status = $4 WHERE id = $1"
            ),
            &args![
                b.id,
                b.start_date.to_string(),
                b.end_date.to_string(),
                b.status_after.as_str()
            ],
        )
        .await?;
    }
    Ok(())
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use tessera_events::{Charge, ChargeChange};

    pub(in crate::events) fn charge(
        id: i64,
        before: &str,
        after: &str,
        quantity: (i64, i64),
        status: ItemStatus,
    ) -> ChargeChange {
        let d = |s: &str| s.parse::<Date>().expect("date");
        ChargeChange {
            id,
            service_date_before: d(before),
            service_date_after: d(after),
            quantity_before: Decimal::from(quantity.0),
            quantity_after: Decimal::from(quantity.1),
            status_after: status,
        }
    }

    fn state_with(charges: &[(i64, &str, ItemStatus)]) -> EventState {
        let d = |s: &str| s.parse::<Date>().expect("date");
        EventState {
            pax: 100,
            start_date: d("2024-02-10"),
            end_date: d("2024-02-28"),
            activities: vec![],
            blocks: vec![],
            folios: vec![],
            cancelled: false,
            charges: charges
                .iter()
                .map(|&(id, date, status)| Charge {
                    id,
                    folio_id: 1,
                    activity_id: None,
                    service_date: d(date),
                    quantity: Decimal::from(100),
                    follows_pax: true,
                    status,
                })
                .collect(),
        }
    }

    /// A group as days, quantity, status, ids, count.
    type Seen<'a> = (i32, Option<&'a str>, Option<&'a str>, &'a str, u64);

    fn seen(groups: &[ChargeGroup]) -> Vec<Seen<'_>> {
        groups
            .iter()
            .map(|g| {
                (
                    g.days,
                    g.quantity.as_deref(),
                    g.status.map(ItemStatus::as_str),
                    g.ids.as_str(),
                    g.count,
                )
            })
            .collect()
    }

    #[test]
    fn a_move_shifts_day_zero_and_rewrites_only_the_charges_it_leaves_behind() {
        let (active, cancelled) = (ItemStatus::Active, ItemStatus::Cancelled);
        let state = state_with(&[
            (1, "2024-02-11", active),
            (2, "2024-02-13", active),
            (3, "2024-02-28", active),
            (4, "2024-02-14", cancelled),
        ]);
        let changes = [
            charge(1, "2024-02-11", "2024-02-16", (100, 100), active),
            charge(2, "2024-02-13", "2024-02-18", (100, 100), active),
            charge(3, "2024-02-28", "2024-03-04", (100, 100), active),
        ];
        let alike = alike_charges(&changes);
        assert_eq!(day_zero_shift(&state, &alike), 5);
        assert_eq!(
            seen(&charge_groups(&state, &alike, 5)),
            vec![(-5, None, None, "[4]", 1)],
            "the cancelled charge stays on its day; the moved ones are not written"
        );
    }

    #[test]
    fn other_changes_keep_day_zero_and_write_each_alike_group_once() {
        let (active, cancelled) = (ItemStatus::Active, ItemStatus::Cancelled);
        let state = state_with(&[
            (1, "2024-02-11", active),
            (2, "2024-02-13", active),
            (4, "2024-02-12", active),
            (5, "2024-02-12", active),
            (6, "2024-02-14", active),
            (7, "2024-02-14", active),
            (8, "2024-02-15", active),
        ]);
        let changes = [
            charge(1, "2024-02-11", "2024-02-16", (100, 100), active),
            charge(4, "2024-02-12", "2024-02-12", (100, 110), active),
            charge(5, "2024-02-12", "2024-02-12", (100, 110), active),
            charge(6, "2024-02-14", "2024-02-14", (100, 100), cancelled),
            charge(7, "2024-02-14", "2024-02-10", (100, 100), active),
        ];
        let alike = alike_charges(&changes);
        assert_eq!(day_zero_shift(&state, &alike), 0);
        assert_eq!(
            seen(&charge_groups(&state, &alike, 0)),
            vec![
                (5, None, Some("active"), "[1]", 1),
                (0, Some("110"), Some("active"), "[4,5]", 2),
                (0, None, Some("cancelled"), "[6]", 1),
                (-4, None, Some("active"), "[7]", 1),
            ]
        );
    }
}
