//! Invariants of every cascade, over random events.

use jiff::civil::{Date, date};
use proptest::prelude::*;
use rust_decimal::Decimal;
use tessera_events::*;

fn day(n: i32) -> Date {
    date(2024, 1, 1).checked_add(jiff::Span::new().days(n)).expect("date")
}

prop_compose! {
    fn event()(len in 0i32..6, pax in 1u32..300, acts in prop::collection::vec((0i32..6, 1u32..300, any::<bool>()), 0..6),
               charges in prop::collection::vec((0i32..6, prop::option::of(0usize..6), 0u32..300, any::<bool>(), any::<bool>()), 0..10),
               closed in any::<bool>()) -> EventState {
        let start = day(40);
        let activities: Vec<Activity> = acts.iter().enumerate().map(|(i, (d, p, at_default))| Activity {
            id: i as i64 + 1, kind: ActivityKind::Catering, date: day(40 + d.min(&len)),
            pax: if *at_default { pax } else { *p }, premises_id: None, time: DayTime::WHOLE_DAY, status: ItemStatus::Active,
        }).collect();
        let charges = charges.iter().enumerate().map(|(i, (d, a, q, at_pax, second_folio))| {
            let activity_id = a.filter(|a| *a < activities.len()).map(|a| a as i64 + 1);
            Charge {
                id: i as i64 + 1, folio_id: if *second_folio { 2 } else { 1 }, activity_id,
                service_date: day(40 + d.min(&len)), quantity: Decimal::from(if *at_pax { pax } else { *q }),
                follows_pax: true, status: ItemStatus::Active,
            }
        }).collect();
        EventState {
            pax, start_date: start, end_date: day(40 + len), activities,
            blocks: vec![Block { id: 1, start_date: start, end_date: day(40 + len), status: ItemStatus::Active }],
            folios: vec![Folio { id: 1, status: FolioStatus::Open }, Folio { id: 2, status: if closed { FolioStatus::Closed } else { FolioStatus::Open } }],
            charges,
            cancelled: false,
        }
    }
}

/// Every cascade a manager can run, over the activities [`event`] makes.
fn any_command() -> impl Strategy<Value = EventCommand> {
    prop_oneof![
        command().prop_map(EventCommand::ChangeDates),
        (1i64..400).prop_map(|pax| EventCommand::ChangePax(ChangePax {
            pax,
            activities: Default::default()
        })),
        (1i64..7, 0i32..6, 1i64..300).prop_map(|(a, d, p)| EventCommand::ChangeActivity {
            activity_id: a,
            change: ChangeActivity {
                date: Some(day(40 + d)),
                pax: Some(p),
                ..Default::default()
            },
        }),
        (1i64..7).prop_map(|activity_id| EventCommand::CancelActivity { activity_id }),
        Just(EventCommand::CancelEvent),
    ]
}

fn command() -> impl Strategy<Value = DateChange> {
    prop_oneof![
        (-20i32..20).prop_map(|k| DateChange::Move {
            start_date: day(40 + k)
        }),
        (0i32..3, 0i32..3).prop_map(|(a, b)| DateChange::Extend {
            start_date: day(40 - a),
            end_date: day(46 + b)
        }),
        (0i32..3, 0i32..3).prop_map(|(a, b)| DateChange::Shorten {
            start_date: day(40 + a),
            end_date: day(42 + b)
        }),
        (0i32..10, 0i32..5).prop_map(|(a, b)| DateChange::PeriodOnly {
            start_date: day(30 + a),
            end_date: day(40 + a + b)
        }),
    ]
}

proptest! {
    #[test]
    fn blocks_always_equal_the_period(s in event(), cmd in command()) {
        if let Ok(plan) = plan_date_change(&s, &cmd, 1, &[]) {
            let mut after = s.clone();
            plan.apply(&mut after);
            for b in &after.blocks {
                prop_assert_eq!((b.start_date, b.end_date), (after.start_date, after.end_date));
            }
        }
    }

    #[test]
    fn a_move_and_the_opposite_move_restore_every_date(s in event(), k in -30i32..30) {
        let there = DateChange::Move { start_date: day(40 + k) };
        if let Ok(plan) = plan_date_change(&s, &there, 1, &[]) {
            let mut moved = s.clone();
            plan.apply(&mut moved);
            let back = plan_date_change(&moved, &DateChange::Move { start_date: s.start_date }, 1, &[]).expect("back");
            back.apply(&mut moved);
            prop_assert_eq!(moved, s);
        }
    }

    #[test]
    fn closed_folio_charges_never_change_and_nothing_is_removed(s in event(), cmd in command(), pax in 1i64..400) {
        let plans = [plan_date_change(&s, &cmd, 1, &[]), plan_pax_change(&s, &ChangePax { pax, activities: Default::default() })];
        for plan in plans.into_iter().flatten() {
            let mut after = s.clone();
            plan.apply(&mut after);
            prop_assert_eq!(after.charges.len(), s.charges.len());
            prop_assert_eq!(after.activities.len(), s.activities.len());
            for (b, a) in s.charges.iter().zip(&after.charges) {
                prop_assert_eq!(b.id, a.id);
                if s.folios.iter().any(|f| f.id == b.folio_id && f.status == FolioStatus::Closed) {
                    prop_assert_eq!(b, a);
                }
            }
        }
    }

    #[test]
    fn kept_lists_what_the_cascade_would_change_were_every_folio_open(s in event(), cmd in command(), pax in 1i64..400) {
        let mut open = s.clone();
        for f in &mut open.folios {
            f.status = FolioStatus::Open;
        }
        let pax = ChangePax { pax, activities: Default::default() };
        let pairs = [
            (plan_date_change(&s, &cmd, 1, &[]), plan_date_change(&open, &cmd, 1, &[])),
            (plan_pax_change(&s, &pax), plan_pax_change(&open, &pax)),
        ];
        for (plan, if_open) in pairs {
            let (Ok(plan), Ok(if_open)) = (plan, if_open) else { continue };
            let mut listed: Vec<i64> = plan.charges.iter().map(|c| c.id).collect();
            listed.extend(plan.kept.iter().map(|k| k.id));
            listed.sort_unstable();
            let mut all: Vec<i64> = if_open.charges.iter().map(|c| c.id).collect();
            all.sort_unstable();
            prop_assert_eq!(listed, all);
            for k in &plan.kept {
                prop_assert!(s.folios.iter().any(|f| f.id == k.folio_id && f.status == FolioStatus::Closed));
                let c = s.charges.iter().find(|c| c.id == k.id).expect("charge");
                prop_assert_eq!((c.service_date, c.quantity), (k.service_date, k.quantity));
            }
            prop_assert_eq!(&plan.activities, &if_open.activities, "activities change as if every folio were open");
        }
    }

    #[test]
    fn no_command_ever_changes_a_closed_folios_charge_or_removes_anything(s in event(), cmd in any_command()) {
        if let Ok(plan) = cmd.plan(&s, 1, &[]) {
            let mut after = s.clone();
            plan.apply(&mut after);
            prop_assert_eq!(after.charges.len(), s.charges.len());
            prop_assert_eq!(after.activities.len(), s.activities.len());
            prop_assert_eq!(after.blocks.len(), s.blocks.len());
            for (b, a) in s.charges.iter().zip(&after.charges) {
                if s.folios.iter().any(|f| f.id == b.folio_id && f.status == FolioStatus::Closed) {
                    prop_assert_eq!(b, a);
                }
            }
            for k in &plan.kept {
                prop_assert!(!plan.charges.iter().any(|c| c.id == k.id), "a kept charge is not also changed");
            }
        }
    }

    #[test]
    fn a_cancelled_event_has_nothing_active_outside_closed_folios_and_refuses_every_cascade(s in event(), cmd in any_command()) {
        let plan = EventCommand::CancelEvent.plan(&s, 1, &[]).expect("an event can always be cancelled");
        let mut after = s.clone();
        plan.apply(&mut after);
        prop_assert!(after.cancelled);
        prop_assert!(after.activities.iter().all(|a| a.status == ItemStatus::Cancelled));
        prop_assert!(after.blocks.iter().all(|b| b.status == ItemStatus::Cancelled));
        for c in &after.charges {
            let closed = s.folios.iter().any(|f| f.id == c.folio_id && f.status == FolioStatus::Closed);
            prop_assert!(closed || c.status == ItemStatus::Cancelled);
        }
        prop_assert_eq!(cmd.plan(&after, 1, &[]), Err(CascadeError::EventCancelled));
    }

    #[test]
    fn cancelling_an_activity_cancels_exactly_it_and_its_open_folio_charges(s in event(), id in 1i64..7) {
        if let Ok(plan) = plan_activity_cancel(&s, id) {
            let mut after = s.clone();
            plan.apply(&mut after);
            for (b, a) in s.activities.iter().zip(&after.activities) {
                prop_assert_eq!(a.status == ItemStatus::Cancelled, b.id == id || b.status == ItemStatus::Cancelled);
            }
            for (b, a) in s.charges.iter().zip(&after.charges) {
                let closed = s.folios.iter().any(|f| f.id == b.folio_id && f.status == FolioStatus::Closed);
                let cancels = b.activity_id == Some(id) && !closed;
                prop_assert_eq!(a.status == ItemStatus::Cancelled, cancels || b.status == ItemStatus::Cancelled);
            }
            prop_assert_eq!(plan_activity_cancel(&after, id), Err(CascadeError::ActivityCancelled));
        }
    }

    #[test]
    fn the_plan_lists_exactly_what_apply_changes(s in event(), cmd in command()) {
        if let Ok(plan) = plan_date_change(&s, &cmd, 1, &[]) {
            let mut after = s.clone();
            plan.apply(&mut after);
            for (b, a) in s.charges.iter().zip(&after.charges) {
                let listed = plan.charges.iter().any(|c| c.id == b.id);
                prop_assert_eq!(listed, b != a, "charge {} listed={} changed={}", b.id, listed, b != a);
            }
            for (b, a) in s.activities.iter().zip(&after.activities) {
                let listed = plan.activities.iter().any(|c| c.id == b.id);
                prop_assert_eq!(listed, b != a);
            }
        }
    }
}

prop_compose! {
    /// An event whose activities hold two halls at random times of random
    /// days, none overlapping another in its hall.
    fn hall_event()(base in event(), slots in prop::collection::vec((0i32..4, 0u16..20, 1u16..10, 0i64..2), 0..8)) -> EventState {
        let mut s = base;
        let mut taken: Vec<(i64, Date, DayTime)> = Vec::new();
        let first = s.activities.len() as i64;
        for (i, (d, start, len, hall)) in slots.into_iter().enumerate() {
            let time = DayTime::from_minutes(i64::from(start) * 60, i64::from((start + len).min(24)) * 60)
                .unwrap_or(DayTime::WHOLE_DAY);
            let date = day(40 + d.min((s.end_date - s.start_date).get_days()));
            let premises = 100 + hall;
            if taken.iter().any(|(p, dd, t)| *p == premises && *dd == date && t.overlaps(time)) {
                continue;
            }
            taken.push((premises, date, time));
            s.activities.push(Activity {
                id: first + i as i64 + 1, kind: ActivityKind::Hall, date, pax: s.pax,
                premises_id: Some(premises), time, status: ItemStatus::Active,
            });
        }
        s
    }
}

fn any_hall_command() -> impl Strategy<Value = EventCommand> {
    prop_oneof![
        any_command(),
        (1i64..16, 0u16..20, 1u16..10, 0i32..4).prop_map(|(a, start, len, d)| EventCommand::ChangeActivity {
            activity_id: a,
            change: ChangeActivity {
                time: DayTime::from_minutes(i64::from(start) * 60, i64::from((start + len).min(24)) * 60),
                date: Some(day(40 + d)),
                ..Default::default()
            },
        }),
    ]
}

proptest! {
    #[test]
    fn no_two_live_activities_ever_overlap_in_one_hall(s in hall_event(), cmd in any_hall_command()) {
        if let Ok(plan) = cmd.plan(&s, 1, &[]) {
            let mut after = s.clone();
            plan.apply(&mut after);
            let live: Vec<&Activity> = after.activities.iter().filter(|a| a.status == ItemStatus::Active && a.premises_id.is_some()).collect();
            for (i, a) in live.iter().enumerate() {
                for b in &live[i + 1..] {
                    prop_assert!(
                        !(a.premises_id == b.premises_id && a.date == b.date && a.time.overlaps(b.time)),
                        "{:?} and {:?} overlap after {:?}", a, b, cmd
                    );
                }
            }
        }
    }
}

proptest! {
    #[test]
    fn folio_totals_equal_the_sum_of_active_lines_in_cents(lines in prop::collection::vec((0u8..3, 0i64..100_000, 0i64..1_000_000, any::<bool>()), 0..30)) {
        let lines: Vec<(ItemStatus, &str, Decimal, Decimal)> = lines
            .into_iter()
            .map(|(s, q, p, eur)| {
                let status = [ItemStatus::Active, ItemStatus::Cancelled, ItemStatus::Void][usize::from(s)];
                (status, if eur { "EUR" } else { "BGN" }, Decimal::new(q, 3), Decimal::new(p, 2))
            })
            .collect();
        let totals = folio_totals(lines.iter().cloned());
        for currency in ["EUR", "BGN"] {
            let expected: Decimal = lines
                .iter()
                .filter(|l| l.0 == ItemStatus::Active && l.1 == currency)
                .map(|l| (l.2 * l.3).round_dp(2))
                .sum();
            let got = totals.iter().find(|t| t.0 == currency).map(|t| t.1);
            let any = lines.iter().any(|l| l.0 == ItemStatus::Active && l.1 == currency);
            prop_assert_eq!(got, any.then_some(expected));
        }
    }
}
