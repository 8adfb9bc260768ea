//! The three cascades. Each reads the event's state and a command and
//! returns the plan, or why not; none writes anything.

use std::collections::BTreeMap;

use jiff::civil::Date;
use rust_decimal::Decimal;

use crate::model::{
    ActivityChange, ActivityTexts, BlockChange, CascadeError, ChargeChange, DayTime, EventState, FolioStatus,
    HallHolding, Id, ItemStatus, KeptCharge, Plan, PremisesFacts, in_event_years,
};

/// Largest PAX we accept (a typo guard, not a venue's capacity).
pub const MAX_PAX: i64 = 1_000_000;

/// New PAX for the event, and values typed for some activities.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChangePax {
    /// The event's new default PAX.
    pub pax: i64,
    /// Activity id → PAX typed into its "New PAX" field.
    pub activities: BTreeMap<Id, i64>,
}

/// The calendar's four modes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DateChange {
    /// New first day; the length stays; everything shifts with it.
    Move {
        /// New first day.
        start_date: Date,
    },
    /// New period containing the old one; new days are empty.
    Extend {
        /// New first day.
        start_date: Date,
        /// New last day.
        end_date: Date,
    },
    /// New period inside the old one; what falls outside is cancelled.
    Shorten {
        /// New first day.
        start_date: Date,
        /// New last day.
        end_date: Date,
    },
    /// New period; activities and charges stay where they are.
    PeriodOnly {
        /// New first day.
        start_date: Date,
        /// New last day.
        end_date: Date,
    },
}

/// A change of one activity.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChangeActivity {
    /// New date (within the event period).
    pub date: Option<Date>,
    /// New PAX.
    pub pax: Option<i64>,
    /// New time on its day (the whole day is [`DayTime::WHOLE_DAY`]).
    pub time: Option<DayTime>,
    /// New name.
    pub name: Option<String>,
    /// New notes (empty for none).
    pub notes: Option<String>,
}

fn pax_of(v: i64) -> Result<u32, CascadeError> {
    if (1..=MAX_PAX).contains(&v) {
        u32::try_from(v).map_err(|_| CascadeError::InvalidPax)
    } else {
        Err(CascadeError::InvalidPax)
    }
}

fn shift(d: Date, days: i64) -> Result<Date, CascadeError> {
    let days = i32::try_from(days).map_err(|_| CascadeError::YearOutOfRange)?;
    d.checked_add(jiff::Span::new().days(days))
        .ok()
        .filter(|d| in_event_years(*d))
        .ok_or(CascadeError::YearOutOfRange)
}

fn days_between(from: Date, to: Date) -> Result<i64, CascadeError> {
    to.since(from)
        .map(|s| i64::from(s.get_days()))
        .map_err(|_| CascadeError::OutOfRange)
}

fn empty_plan(s: &EventState) -> Plan {
    Plan {
        pax: s.pax,
        start_date: s.start_date,
        end_date: s.end_date,
        activities: vec![],
        charges: vec![],
        blocks: vec![],
        kept: vec![],
        texts: vec![],
        cancelled: s.cancelled,
    }
}

/// Active blocks always follow the period.
fn follow_period(s: &EventState, plan: &mut Plan) {
    plan.blocks = s
        .blocks
        .iter()
        .filter(|b| b.status == ItemStatus::Active)
        .filter(|b| b.start_date != plan.start_date || b.end_date != plan.end_date)
        .map(|b| BlockChange {
            id: b.id,
            start_date: plan.start_date,
            end_date: plan.end_date,
            status_after: b.status,
        })
        .collect();
}

/// Takes the charges of closed folios out of the plan and lists them as
/// kept: a cascade changes everything else and leaves them as they are.
fn keep_closed_folios(s: &EventState, plan: &mut Plan) {
    use std::collections::HashMap;
    let closed: std::collections::HashSet<Id> = s
        .folios
        .iter()
        .filter(|f| f.status == FolioStatus::Closed)
        .map(|f| f.id)
        .collect();
    if closed.is_empty() {
        return;
    }
    let frozen: HashMap<Id, &crate::model::Charge> = s
        .charges
        .iter()
        .filter(|c| closed.contains(&c.folio_id))
        .map(|c| (c.id, c))
        .collect();
    let mut kept = Vec::new();
    plan.charges.retain(|change| match frozen.get(&change.id) {
        Some(c) => {
            kept.push(KeptCharge {
                id: c.id,
                folio_id: c.folio_id,
                service_date: c.service_date,
                quantity: c.quantity,
            });
            false
        }
        None => true,
    });
    plan.kept = kept;
}

/// Refuses a plan that would have two activities hold one hall at
/// overlapping times of one day.
fn refuse_hall_clash(s: &EventState, plan: &Plan, event_id: Id, others: &[HallHolding]) -> Result<(), CascadeError> {
    let halls: std::collections::HashSet<Id> = s
        .activities
        .iter()
        .filter(|a| a.premises_id.is_some())
        .map(|a| a.id)
        .collect();
    let halls_move = plan.activities.iter().any(|c| halls.contains(&c.id));
    if !halls_move {
        return Ok(());
    }
    let mut after = s.clone();
    plan.apply(&mut after);
    let held: Vec<(Id, Id, Date, DayTime)> = after
        .activities
        .iter()
        .filter(|a| a.status == ItemStatus::Active)
        .filter_map(|a| a.premises_id.map(|p| (a.id, p, a.date, a.time)))
        .collect();
    for change in &plan.activities {
        let Some(&(id, premises_id, date, time)) = held.iter().find(|(id, ..)| *id == change.id) else {
            continue;
        };
        let taken = |other_activity_id, other_event_id| CascadeError::HallTaken {
            activity_id: id,
            premises_id,
            date,
            time,
            other_activity_id,
            other_event_id,
        };
        if let Some(o) = others
            .iter()
            .find(|o| o.premises_id == premises_id && o.date == date && o.time.overlaps(time) && o.event_id != event_id)
        {
            return Err(taken(o.activity_id, o.event_id));
        }
        if let Some(&(other, ..)) = held
            .iter()
            .find(|(o, p, d, t)| *o != id && *p == premises_id && *d == date && t.overlaps(time))
        {
            return Err(taken(other, event_id));
        }
    }
    Ok(())
}

/// Change PAX: activities at the old default PAX get the new one, others
/// keep theirs unless a value is typed; each charge whose quantity equals
/// the PAX it follows (the event's when posted straight to the folio, its
/// activity's when posted through one) follows it, unless pinned.
pub fn plan_pax_change(s: &EventState, cmd: &ChangePax) -> Result<Plan, CascadeError> {
    let new = pax_of(cmd.pax)?;
    let unknown: Vec<Id> = cmd
        .activities
        .keys()
        .copied()
        .filter(|id| {
            !s.activities
                .iter()
                .any(|a| a.id == *id && a.status == ItemStatus::Active)
        })
        .collect();
    if !unknown.is_empty() {
        return Err(CascadeError::UnknownActivities(unknown));
    }
    let mut plan = empty_plan(s);
    plan.pax = new;
    for a in s.activities.iter().filter(|a| a.status == ItemStatus::Active) {
        let after = match cmd.activities.get(&a.id) {
            Some(v) => pax_of(*v)?,
            None if a.pax == s.pax => new,
            None => a.pax,
        };
        if after != a.pax {
            plan.activities.push(ActivityChange {
                id: a.id,
                date_before: a.date,
                date_after: a.date,
                pax_before: a.pax,
                pax_after: after,
                time_before: a.time,
                time_after: a.time,
                status_after: a.status,
            });
        }
    }
    for ch in s
        .charges
        .iter()
        .filter(|c| c.status == ItemStatus::Active && c.follows_pax)
    {
        let followed = match ch.activity_id {
            None => (s.pax != new).then_some((s.pax, new)),
            Some(aid) => plan
                .activities
                .iter()
                .find(|a| a.id == aid)
                .map(|a| (a.pax_before, a.pax_after)),
        };
        if let Some((before, after)) = followed
            && ch.quantity == Decimal::from(before)
        {
            plan.charges.push(ChargeChange {
                id: ch.id,
                service_date_before: ch.service_date,
                service_date_after: ch.service_date,
                quantity_before: ch.quantity,
                quantity_after: Decimal::from(after),
                status_after: ch.status,
            });
        }
    }
    keep_closed_folios(s, &mut plan);
    Ok(plan)
}

/// Change the event's dates in one of the calendar's four modes.
pub fn plan_date_change(
    s: &EventState,
    cmd: &DateChange,
    event_id: Id,
    others: &[HallHolding],
) -> Result<Plan, CascadeError> {
    let mut plan = empty_plan(s);
    match *cmd {
        DateChange::Move { start_date } => {
            let offset = days_between(s.start_date, start_date)?;
            plan.start_date = start_date;
            plan.end_date = shift(s.end_date, offset)?;
            if offset != 0 {
                for a in s.activities.iter().filter(|a| a.status == ItemStatus::Active) {
                    let date_after = shift(a.date, offset)?;
                    plan.activities.push(ActivityChange {
                        id: a.id,
                        date_before: a.date,
                        date_after,
                        pax_before: a.pax,
                        pax_after: a.pax,
                        time_before: a.time,
                        time_after: a.time,
                        status_after: a.status,
                    });
                }
                // Every charge shifts by the event's offset, so a move and
                // the opposite move give back every date.
                for ch in s.charges.iter().filter(|c| c.status == ItemStatus::Active) {
                    plan.charges.push(ChargeChange {
                        id: ch.id,
                        service_date_before: ch.service_date,
                        service_date_after: shift(ch.service_date, offset)?,
                        quantity_before: ch.quantity,
                        quantity_after: ch.quantity,
                        status_after: ch.status,
                    });
                }
            }
        }
        DateChange::Extend { start_date, end_date } => {
            if end_date < start_date {
                return Err(CascadeError::InvertedPeriod);
            }
            let contains = start_date <= s.start_date && end_date >= s.end_date;
            if !contains || (start_date, end_date) == (s.start_date, s.end_date) {
                return Err(CascadeError::ExtendShrinks);
            }
            (plan.start_date, plan.end_date) = (start_date, end_date);
        }
        DateChange::Shorten { start_date, end_date } => {
            if end_date < start_date {
                return Err(CascadeError::InvertedPeriod);
            }
            let inside = start_date >= s.start_date && end_date <= s.end_date;
            if !inside || (start_date, end_date) == (s.start_date, s.end_date) {
                return Err(CascadeError::ShortenNotInside);
            }
            (plan.start_date, plan.end_date) = (start_date, end_date);
            let outside = |d: Date| d < start_date || d > end_date;
            for a in s
                .activities
                .iter()
                .filter(|a| a.status == ItemStatus::Active && outside(a.date))
            {
                plan.activities.push(cancelled_activity(a));
            }
            for ch in s.charges.iter().filter(|c| c.status == ItemStatus::Active) {
                let activity_cancelled = ch
                    .activity_id
                    .is_some_and(|aid| plan.activities.iter().any(|a| a.id == aid));
                if activity_cancelled || outside(ch.service_date) {
                    plan.charges.push(cancelled_charge(ch));
                }
            }
        }
        DateChange::PeriodOnly { start_date, end_date } => {
            if end_date < start_date {
                return Err(CascadeError::InvertedPeriod);
            }
            (plan.start_date, plan.end_date) = (start_date, end_date);
        }
    }
    if !in_event_years(plan.start_date) || !in_event_years(plan.end_date) {
        return Err(CascadeError::YearOutOfRange);
    }
    follow_period(s, &mut plan);
    keep_closed_folios(s, &mut plan);
    refuse_hall_clash(s, &plan, event_id, others)?;
    Ok(plan)
}

/// Change one activity's date or PAX; its charges follow: every charge
/// posted through it takes its new date, and those at its old PAX the new.
pub fn plan_activity_change(
    s: &EventState,
    activity_id: Id,
    cmd: &ChangeActivity,
    event_id: Id,
    others: &[HallHolding],
) -> Result<Plan, CascadeError> {
    let a = active_activity(s, activity_id)?;
    let date = cmd.date.unwrap_or(a.date);
    if date < s.start_date || date > s.end_date {
        return Err(CascadeError::OutsidePeriod);
    }
    let pax = match cmd.pax {
        Some(p) => pax_of(p)?,
        None => a.pax,
    };
    let time = cmd.time.unwrap_or(a.time);
    let mut plan = empty_plan(s);
    if date != a.date || pax != a.pax || time != a.time {
        plan.activities.push(ActivityChange {
            id: a.id,
            date_before: a.date,
            date_after: date,
            pax_before: a.pax,
            pax_after: pax,
            time_before: a.time,
            time_after: time,
            status_after: a.status,
        });
    }
    if cmd.name.is_some() || cmd.notes.is_some() {
        plan.texts.push(ActivityTexts {
            id: a.id,
            name: cmd.name.clone(),
            notes: cmd.notes.clone(),
        });
    }
    for ch in s
        .charges
        .iter()
        .filter(|c| c.status == ItemStatus::Active && c.activity_id == Some(a.id))
    {
        let quantity_after = if ch.follows_pax && pax != a.pax && ch.quantity == Decimal::from(a.pax) {
            Decimal::from(pax)
        } else {
            ch.quantity
        };
        // Only a real change of date moves the charges: re-sending the
        // activity's own date (a form that submits every field) is no move.
        let service_date_after = if date != a.date { date } else { ch.service_date };
        if quantity_after != ch.quantity || service_date_after != ch.service_date {
            plan.charges.push(ChargeChange {
                id: ch.id,
                service_date_before: ch.service_date,
                service_date_after,
                quantity_before: ch.quantity,
                quantity_after,
                status_after: ch.status,
            });
        }
    }
    keep_closed_folios(s, &mut plan);
    refuse_hall_clash(s, &plan, event_id, others)?;
    Ok(plan)
}

/// Cancels one activity: it and its open-folio charges are cancelled, never
/// deleted; its closed-folio charges stay as they are (kept).
pub fn plan_activity_cancel(s: &EventState, activity_id: Id) -> Result<Plan, CascadeError> {
    let a = active_activity(s, activity_id)?;
    let mut plan = empty_plan(s);
    plan.activities.push(cancelled_activity(a));
    plan.charges = s
        .charges
        .iter()
        .filter(|c| c.status == ItemStatus::Active && c.activity_id == Some(a.id))
        .map(cancelled_charge)
        .collect();
    keep_closed_folios(s, &mut plan);
    Ok(plan)
}

/// Cancels the whole event: every active activity, block and open-folio
/// charge is cancelled, never deleted; closed-folio charges stay (kept).
pub fn plan_event_cancel(s: &EventState) -> Plan {
    let mut plan = empty_plan(s);
    plan.cancelled = true;
    plan.activities = s
        .activities
        .iter()
        .filter(|a| a.status == ItemStatus::Active)
        .map(cancelled_activity)
        .collect();
    plan.charges = s
        .charges
        .iter()
        .filter(|c| c.status == ItemStatus::Active)
        .map(cancelled_charge)
        .collect();
    plan.blocks = s
        .blocks
        .iter()
        .filter(|b| b.status == ItemStatus::Active)
        .map(|b| BlockChange {
            id: b.id,
            start_date: b.start_date,
            end_date: b.end_date,
            status_after: ItemStatus::Cancelled,
        })
        .collect();
    keep_closed_folios(s, &mut plan);
    plan
}

/// An activity of the event that is still in force.
fn active_activity(s: &EventState, activity_id: Id) -> Result<&crate::model::Activity, CascadeError> {
    let a = s
        .activities
        .iter()
        .find(|a| a.id == activity_id)
        .ok_or(CascadeError::UnknownActivities(vec![activity_id]))?;
    if a.status == ItemStatus::Active {
        Ok(a)
    } else {
        Err(CascadeError::ActivityCancelled)
    }
}

fn cancelled_activity(a: &crate::model::Activity) -> ActivityChange {
    ActivityChange {
        id: a.id,
        date_before: a.date,
        date_after: a.date,
        pax_before: a.pax,
        pax_after: a.pax,
        time_before: a.time,
        time_after: a.time,
        status_after: ItemStatus::Cancelled,
    }
}

fn cancelled_charge(c: &crate::model::Charge) -> ChargeChange {
    ChargeChange {
        id: c.id,
        service_date_before: c.service_date,
        service_date_after: c.service_date,
        quantity_before: c.quantity,
        quantity_after: c.quantity,
        status_after: ItemStatus::Cancelled,
    }
}

/// Checks that an event still takes new activities and blocks, and block
/// edits: not once it is cancelled.
pub fn check_event_live(cancelled: bool) -> Result<(), CascadeError> {
    if cancelled {
        Err(CascadeError::EventCancelled)
    } else {
        Ok(())
    }
}

/// Checks an edit or a cancellation of a block: an active block of a live event.
pub fn check_block_change(event_cancelled: bool, block: ItemStatus) -> Result<(), CascadeError> {
    check_event_live(event_cancelled)?;
    if block == ItemStatus::Active {
        Ok(())
    } else {
        Err(CascadeError::BlockCancelled)
    }
}

/// Checks a new activity: a date inside the period and a PAX of at least 1.
pub fn validate_new_activity(s: &EventState, date: Date, pax: i64) -> Result<u32, CascadeError> {
    if date < s.start_date || date > s.end_date {
        return Err(CascadeError::OutsidePeriod);
    }
    pax_of(pax)
}

/// Checks a new activity's hall: premises that exist, are a hall and
/// belong to the event's venue (`premises` is `None` when there are none by
/// that id), and that no active activity, of this event or another, holds
/// on that day (`held_by`).
pub fn check_new_activity_hall(
    event_venue: Id,
    premises_id: Id,
    date: Date,
    time: DayTime,
    premises: Option<PremisesFacts>,
    held_by: Option<&HallHolding>,
) -> Result<(), CascadeError> {
    if !premises.is_some_and(|p| p.is_hall && p.venue_id == event_venue) {
        return Err(CascadeError::NotAHall);
    }
    match held_by {
        Some(h) => Err(CascadeError::HallTaken {
            activity_id: 0,
            premises_id,
            date,
            time,
            other_activity_id: h.activity_id,
            other_event_id: h.event_id,
        }),
        None => Ok(()),
    }
}

/// Checks a new charge's quantity.
pub fn validate_new_charge(quantity: Decimal) -> Result<(), CascadeError> {
    if crate::charge::negative(quantity) {
        Err(CascadeError::NegativeQuantity)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> Date {
        jiff::civil::date(2024, 2, 12)
    }

    const HALL_OF_VENUE_1: PremisesFacts = PremisesFacts {
        is_hall: true,
        venue_id: 1,
    };

    #[test]
    fn a_free_hall_of_the_events_venue_takes_the_activity() {
        assert_eq!(
            check_new_activity_hall(1, 5, day(), DayTime::WHOLE_DAY, Some(HALL_OF_VENUE_1), None),
            Ok(())
        );
    }

    #[test]
    fn premises_that_are_missing_not_a_hall_or_another_venues_are_refused() {
        let coworking = PremisesFacts {
            is_hall: false,
            venue_id: 1,
        };
        let elsewhere = PremisesFacts {
            is_hall: true,
            venue_id: 2,
        };
        for premises in [None, Some(coworking), Some(elsewhere)] {
            assert_eq!(
                check_new_activity_hall(1, 5, day(), DayTime::WHOLE_DAY, premises, None),
                Err(CascadeError::NotAHall),
                "{premises:?}"
            );
        }
    }

    #[test]
    fn a_hall_held_that_day_names_its_holder() {
        let holder = HallHolding {
            event_id: 9,
            activity_id: 40,
            premises_id: 5,
            date: day(),
            time: DayTime::WHOLE_DAY,
        };
        assert_eq!(
            check_new_activity_hall(1, 5, day(), DayTime::WHOLE_DAY, Some(HALL_OF_VENUE_1), Some(&holder)),
            Err(CascadeError::HallTaken {
                activity_id: 0,
                premises_id: 5,
                date: day(),
                time: DayTime::WHOLE_DAY,
                other_activity_id: 40,
                other_event_id: 9,
            })
        );
    }
}

#[cfg(test)]
mod time_tests {
    use super::*;
    use crate::model::{Activity, ActivityKind, Block, Folio, FolioStatus};
    use jiff::civil::{date, time};

    fn t(h: i8, m: i8, h2: i8, m2: i8) -> DayTime {
        DayTime::new(time(h, m, 0, 0), time(h2, m2, 0, 0)).expect("time")
    }

    fn two_sessions() -> EventState {
        let hall = |id, time| Activity {
            id,
            kind: ActivityKind::Hall,
            date: date(2024, 2, 10),
            pax: 50,
            premises_id: Some(7),
            time,
            status: ItemStatus::Active,
        };
        EventState {
            pax: 50,
            start_date: date(2024, 2, 10),
            end_date: date(2024, 2, 11),
            activities: vec![hall(1, t(9, 0, 12, 0)), hall(2, t(13, 0, 17, 0))],
            blocks: vec![Block {
                id: 1,
                start_date: date(2024, 2, 10),
                end_date: date(2024, 2, 11),
                status: ItemStatus::Active,
            }],
            folios: vec![Folio {
                id: 1,
                status: FolioStatus::Open,
            }],
            charges: vec![],
            cancelled: false,
        }
    }

    #[test]
    fn times_are_half_open_and_the_end_comes_after_the_start() {
        assert!(
            !t(9, 0, 12, 0).overlaps(t(12, 0, 13, 0)),
            "12:00 ends one and starts the next"
        );
        assert!(t(9, 0, 12, 0).overlaps(t(11, 59, 13, 0)));
        assert!(DayTime::WHOLE_DAY.overlaps(t(23, 0, 23, 30)));
        assert_eq!(
            DayTime::new(time(12, 0, 0, 0), time(9, 0, 0, 0)),
            Err(CascadeError::EndTimeNotAfterStart)
        );
        assert_eq!(
            DayTime::new(time(9, 0, 0, 0), time(9, 0, 0, 0)),
            Err(CascadeError::EndTimeNotAfterStart)
        );
        assert_eq!(t(9, 5, 12, 30).hh_mm(), Some(("09:05".into(), "12:30".into())));
        assert_eq!(DayTime::WHOLE_DAY.hh_mm(), None);
    }

    #[test]
    fn a_morning_and_an_afternoon_share_a_hall_but_never_overlap() {
        let s = two_sessions();
        let longer = ChangeActivity {
            time: Some(t(9, 0, 13, 30)),
            ..Default::default()
        };
        match plan_activity_change(&s, 1, &longer, 1, &[]) {
            Err(CascadeError::HallTaken { other_activity_id, .. }) => assert_eq!(other_activity_id, 2),
            other => panic!("an overlap must be refused: {other:?}"),
        }
        let earlier = ChangeActivity {
            time: Some(t(8, 0, 13, 0)),
            ..Default::default()
        };
        let plan = plan_activity_change(&s, 1, &earlier, 1, &[]).expect("ends as the other starts");
        assert_eq!(plan.activities[0].time_after, t(8, 0, 13, 0));
        let whole_day = ChangeActivity {
            time: Some(DayTime::WHOLE_DAY),
            ..Default::default()
        };
        assert!(plan_activity_change(&s, 1, &whole_day, 1, &[]).is_err());
    }

    #[test]
    fn another_events_time_in_the_hall_is_respected_on_a_move() {
        let s = two_sessions();
        let others = [HallHolding {
            event_id: 9,
            activity_id: 90,
            premises_id: 7,
            date: date(2024, 2, 12),
            time: t(17, 0, 22, 0),
        }];
        let plan = plan_date_change(
            &s,
            &DateChange::Move {
                start_date: date(2024, 2, 12),
            },
            1,
            &others,
        )
        .expect("the evening is free of our sessions");
        assert_eq!(plan.activities.len(), 2);
        let late = [HallHolding {
            time: t(16, 0, 22, 0),
            ..others[0].clone()
        }];
        assert!(matches!(
            plan_date_change(
                &s,
                &DateChange::Move {
                    start_date: date(2024, 2, 12)
                },
                1,
                &late
            ),
            Err(CascadeError::HallTaken { other_event_id: 9, .. })
        ));
    }
}
