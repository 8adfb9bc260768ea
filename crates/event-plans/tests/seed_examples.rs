//! The worked examples of the events page, date for date.

use jiff::civil::date;
use rust_decimal::Decimal;
use tessera_events::*;

fn event() -> EventState {
    // 100 PAX by default; an event hall and a catering activity of 100 PAX.
    EventState {
        pax: 100,
        start_date: date(2024, 2, 10),
        end_date: date(2024, 2, 12),
        activities: vec![
            Activity {
                id: 1,
                kind: ActivityKind::Hall,
                date: date(2024, 2, 10),
                pax: 100,
                premises_id: Some(7),
                time: DayTime::WHOLE_DAY,
                status: ItemStatus::Active,
            },
            Activity {
                id: 2,
                kind: ActivityKind::Catering,
                date: date(2024, 2, 11),
                pax: 100,
                premises_id: None,
                time: DayTime::WHOLE_DAY,
                status: ItemStatus::Active,
            },
        ],
        blocks: vec![Block {
            id: 1,
            start_date: date(2024, 2, 10),
            end_date: date(2024, 2, 12),
            status: ItemStatus::Active,
        }],
        folios: vec![Folio {
            id: 1,
            status: FolioStatus::Open,
        }],
        charges: vec![
            Charge {
                id: 1,
                folio_id: 1,
                activity_id: None,
                service_date: date(2024, 2, 11),
                quantity: Decimal::from(100),
                follows_pax: true,
                status: ItemStatus::Active,
            },
            Charge {
                id: 2,
                folio_id: 1,
                activity_id: None,
                service_date: date(2024, 2, 12),
                quantity: Decimal::from(100),
                follows_pax: true,
                status: ItemStatus::Active,
            },
            Charge {
                id: 3,
                folio_id: 1,
                activity_id: Some(2),
                service_date: date(2024, 2, 11),
                quantity: Decimal::from(100),
                follows_pax: true,
                status: ItemStatus::Active,
            },
            Charge {
                id: 4,
                folio_id: 1,
                activity_id: Some(2),
                service_date: date(2024, 2, 12),
                quantity: Decimal::from(100),
                follows_pax: true,
                status: ItemStatus::Active,
            },
        ],
        cancelled: false,
    }
}

#[test]
fn pax_100_to_110_prefills_activities_at_the_default_and_moves_charges() {
    let s = event();
    let plan = plan_pax_change(
        &s,
        &ChangePax {
            pax: 110,
            activities: Default::default(),
        },
    )
    .expect("plan");
    let acts: Vec<(Id, u32, u32)> = plan
        .activities
        .iter()
        .map(|a| (a.id, a.pax_before, a.pax_after))
        .collect();
    assert_eq!(acts, vec![(1, 100, 110), (2, 100, 110)]);
    assert_eq!(plan.charges.len(), 4);
    assert!(
        plan.charges
            .iter()
            .all(|c| c.quantity_before == Decimal::from(100) && c.quantity_after == Decimal::from(110))
    );
}

#[test]
fn an_activity_off_the_default_keeps_its_pax_and_its_charges_unless_typed() {
    let mut s = event();
    s.activities[1].pax = 80;
    s.charges[2].quantity = Decimal::from(80);
    s.charges[3].quantity = Decimal::from(80);
    let plan = plan_pax_change(
        &s,
        &ChangePax {
            pax: 110,
            activities: Default::default(),
        },
    )
    .expect("plan");
    assert_eq!(plan.activities.iter().map(|a| a.id).collect::<Vec<_>>(), vec![1]);
    assert_eq!(plan.charges.iter().map(|c| c.id).collect::<Vec<_>>(), vec![1, 2]);
    // Typed: catering to 90, and its 80-charges follow.
    let typed = plan_pax_change(
        &s,
        &ChangePax {
            pax: 110,
            activities: [(2, 90)].into(),
        },
    )
    .expect("plan");
    let c3 = typed.charges.iter().find(|c| c.id == 3).expect("charge 3");
    assert_eq!(c3.quantity_after, Decimal::from(90));
}

#[test]
fn moving_the_event_shifts_straight_charges_by_the_offset() {
    // Period 10.02 - 12.02, charges 11.02 and 12.02, move to 15.02 → 16.02 and 17.02.
    let s = event();
    let plan = plan_date_change(
        &s,
        &DateChange::Move {
            start_date: date(2024, 2, 15),
        },
        1,
        &[],
    )
    .expect("plan");
    assert_eq!((plan.start_date, plan.end_date), (date(2024, 2, 15), date(2024, 2, 17)));
    let c = |id| plan.charges.iter().find(|c| c.id == id).map(|c| c.service_date_after);
    assert_eq!(c(1), Some(date(2024, 2, 16)));
    assert_eq!(c(2), Some(date(2024, 2, 17)));
    assert_eq!(plan.blocks[0].start_date, date(2024, 2, 15));
}

#[test]
fn moving_an_activity_gives_its_charges_its_new_date() {
    // Catering on 11.02 with charges 11.02 and 12.02, moved to 16.02 → both 16.02.
    let mut s = event();
    s.end_date = date(2024, 2, 17);
    let plan = plan_activity_change(
        &s,
        2,
        &ChangeActivity {
            date: Some(date(2024, 2, 16)),
            ..Default::default()
        },
        1,
        &[],
    )
    .expect("plan");
    let dates: Vec<_> = plan.charges.iter().map(|c| (c.id, c.service_date_after)).collect();
    assert_eq!(dates, vec![(3, date(2024, 2, 16)), (4, date(2024, 2, 16))]);
}

#[test]
fn an_activity_given_its_own_date_leaves_its_charges_dates_alone() {
    // A PAX-only edit that re-sends the activity's date (11.02) must not
    // pull its 12.02 charge onto 11.02.
    let s = event();
    let plan = plan_activity_change(
        &s,
        2,
        &ChangeActivity {
            date: Some(date(2024, 2, 11)),
            pax: Some(80),
            ..Default::default()
        },
        1,
        &[],
    )
    .expect("plan");
    assert!(
        plan.charges
            .iter()
            .all(|c| c.service_date_after == c.service_date_before),
        "{:?}",
        plan.charges
    );
    assert!(
        plan.charges
            .iter()
            .any(|c| c.quantity_after == rust_decimal::Decimal::from(80))
    );
}

#[test]
fn shorten_cancels_what_falls_outside_and_never_deletes() {
    let s = event();
    let plan = plan_date_change(
        &s,
        &DateChange::Shorten {
            start_date: date(2024, 2, 10),
            end_date: date(2024, 2, 10),
        },
        1,
        &[],
    )
    .expect("plan");
    assert_eq!(
        plan.activities
            .iter()
            .map(|a| (a.id, a.status_after))
            .collect::<Vec<_>>(),
        vec![(2, ItemStatus::Cancelled)]
    );
    assert_eq!(plan.charges.iter().map(|c| c.id).collect::<Vec<_>>(), vec![1, 2, 3, 4]);
    let mut after = s.clone();
    plan.apply(&mut after);
    assert_eq!(after.charges.len(), s.charges.len());
}

#[test]
fn extend_and_period_only_leave_activities_and_charges_alone() {
    let s = event();
    let e = plan_date_change(
        &s,
        &DateChange::Extend {
            start_date: date(2024, 2, 9),
            end_date: date(2024, 2, 14),
        },
        1,
        &[],
    )
    .expect("plan");
    assert!(e.activities.is_empty() && e.charges.is_empty());
    assert_eq!(e.blocks[0].end_date, date(2024, 2, 14));
    let p = plan_date_change(
        &s,
        &DateChange::PeriodOnly {
            start_date: date(2024, 3, 1),
            end_date: date(2024, 3, 2),
        },
        1,
        &[],
    )
    .expect("plan");
    assert!(p.activities.is_empty() && p.charges.is_empty());
    assert_eq!(p.blocks[0].start_date, date(2024, 3, 1));
}

#[test]
fn bad_commands_are_refused() {
    let s = event();
    assert_eq!(
        plan_pax_change(
            &s,
            &ChangePax {
                pax: 0,
                activities: Default::default()
            }
        ),
        Err(CascadeError::InvalidPax)
    );
    assert_eq!(
        plan_pax_change(
            &s,
            &ChangePax {
                pax: 5,
                activities: [(99, 3)].into()
            }
        ),
        Err(CascadeError::UnknownActivities(vec![99]))
    );
    let shrink = DateChange::Extend {
        start_date: date(2024, 2, 11),
        end_date: date(2024, 2, 14),
    };
    assert_eq!(plan_date_change(&s, &shrink, 1, &[]), Err(CascadeError::ExtendShrinks));
    let outside = DateChange::Shorten {
        start_date: date(2024, 2, 9),
        end_date: date(2024, 2, 11),
    };
    assert_eq!(
        plan_date_change(&s, &outside, 1, &[]),
        Err(CascadeError::ShortenNotInside)
    );
    assert_eq!(
        validate_new_charge(Decimal::from(-1)),
        Err(CascadeError::NegativeQuantity)
    );
}

#[test]
fn closed_folios_and_pinned_charges_are_respected() {
    let mut s = event();
    s.charges[1].follows_pax = false;
    let plan = plan_pax_change(
        &s,
        &ChangePax {
            pax: 110,
            activities: Default::default(),
        },
    )
    .expect("plan");
    assert!(
        !plan.charges.iter().any(|c| c.id == 2),
        "a pinned charge keeps its quantity"
    );
    s.folios[0].status = FolioStatus::Closed;
    let moved = plan_date_change(
        &s,
        &DateChange::Move {
            start_date: date(2024, 2, 15),
        },
        1,
        &[],
    )
    .expect("a closed folio no longer blocks a move");
    assert_eq!(moved.start_date, date(2024, 2, 15));
    assert_eq!(moved.activities.len(), 2, "the activities move");
    assert!(moved.charges.is_empty(), "no closed-folio charge moves");
    let kept: Vec<(i64, i64, jiff::civil::Date)> =
        moved.kept.iter().map(|k| (k.id, k.folio_id, k.service_date)).collect();
    assert_eq!(
        kept,
        vec![
            (1, 1, date(2024, 2, 11)),
            (2, 1, date(2024, 2, 12)),
            (3, 1, date(2024, 2, 11)),
            (4, 1, date(2024, 2, 12))
        ],
        "each stays on its date, listed as kept"
    );
}

#[test]
fn a_move_into_a_held_hall_is_refused_naming_the_holder() {
    let s = event();
    let others = [HallHolding {
        event_id: 9,
        activity_id: 90,
        premises_id: 7,
        date: date(2024, 2, 15),
        time: DayTime::WHOLE_DAY,
    }];
    let r = plan_date_change(
        &s,
        &DateChange::Move {
            start_date: date(2024, 2, 15),
        },
        1,
        &others,
    );
    assert_eq!(
        r,
        Err(CascadeError::HallTaken {
            activity_id: 1,
            premises_id: 7,
            date: date(2024, 2, 15),
            time: DayTime::WHOLE_DAY,
            other_activity_id: 90,
            other_event_id: 9
        })
    );
}

#[test]
fn cancelling_the_catering_cancels_its_charges_and_keeps_a_closed_folios() {
    let mut s = event();
    s.folios.push(Folio {
        id: 2,
        status: FolioStatus::Closed,
    });
    s.charges[3].folio_id = 2;
    let plan = plan_activity_cancel(&s, 2).expect("plan");
    assert_eq!(plan.activities.len(), 1);
    assert_eq!(plan.activities[0].status_after, ItemStatus::Cancelled);
    let cancelled: Vec<Id> = plan.charges.iter().map(|c| c.id).collect();
    assert_eq!(cancelled, vec![3], "the open folio's charge through the catering");
    assert_eq!(plan.kept.iter().map(|k| k.id).collect::<Vec<_>>(), vec![4]);
    assert!(plan.charges.iter().all(|c| c.status_after == ItemStatus::Cancelled));
}

#[test]
fn cancelling_the_event_cancels_everything_and_deletes_nothing() {
    let s = event();
    let plan = EventCommand::CancelEvent.plan(&s, 1, &[]).expect("plan");
    assert!(plan.cancelled);
    assert_eq!(plan.activities.len(), 2);
    assert_eq!(plan.charges.len(), 4);
    assert_eq!(plan.blocks.len(), 1);
    assert_eq!(plan.blocks[0].status_after, ItemStatus::Cancelled);
    let mut after = s.clone();
    plan.apply(&mut after);
    assert_eq!(
        EventCommand::ChangePax(ChangePax {
            pax: 5,
            activities: Default::default()
        })
        .plan(&after, 1, &[]),
        Err(CascadeError::EventCancelled)
    );
}
