//! The events benchmark: an event with 500 activities and 20,000 charges,
//! and the time a preview and an apply of a Move, a Shorten and a PAX change
//! take through the store (load, plan, write, commit).

use std::time::{Duration, Instant};

use jiff::civil::{Date, date};
use rust_decimal::Decimal;
use tessera_events::{ActivityKind, ChangePax, DateChange, EventCommand};
use tessera_store::{NewActivity, NewCharge, NewEvent, NewUser, NewVenue, Store};

use crate::stats::{ms, percentiles};

const ACTIVITIES: i64 = 500;
/// The event's first and last day as built.
const START: Date = date(2030, 3, 1);
const END: Date = date(2030, 3, 30);
const CHARGES_PER_ACTIVITY: i64 = 39;
const STRAIGHT_CHARGES: i64 = 500;

fn err(e: tessera_store::StoreError) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

/// Builds the event through the store's own API; answers its id.
pub async fn build(store: &Store) -> anyhow::Result<i64> {
    let user = store
        .create_user(
            NewUser {
                email: "bench@bench.test".into(),
                first_name: "Bench".into(),
                last_name: "Manager".into(),
                phone: None,
                role: "event_manager".into(),
                password_hash: None,
                locale: "en".into(),
            },
            0,
        )
        .await
        .map_err(err)?;
    let venue = store
        .create_venue(NewVenue {
            name: "Hotel".into(),
            time_zone: "Europe/Sofia".into(),
            currency: "BGN".into(),
            locale: "bg".into(),
            limits: tessera_domain::booking::VenueLimits::DEFAULT,
        })
        .await
        .map_err(err)?;
    let (start, end) = (START, END);
    let event = store
        .create_event(
            NewEvent {
                venue_id: venue.id,
                name: "Congress".into(),
                start_date: start,
                end_date: end,
                pax: 100,
            },
            user.id,
            0,
        )
        .await
        .map_err(err)?;
    let folio = event
        .folios
        .first()
        .map(|f| f.id)
        .ok_or_else(|| anyhow::anyhow!("no folio"))?;
    for i in 0..ACTIVITIES {
        let day = start.checked_add(jiff::Span::new().days(i % 30))?;
        let activity = NewActivity {
            kind: ActivityKind::Catering,
            name: format!("Catering {i}"),
            date: day,
            pax: 100,
            premises_id: None,
            time: tessera_events::DayTime::WHOLE_DAY,
            notes: String::new(),
        };
        let (aid, _) = store
            .add_activity(event.id, activity, None, user.id, 0)
            .await
            .map_err(err)?;
        for k in 0..CHARGES_PER_ACTIVITY {
            let charge = NewCharge {
                description: format!("Item {k}"),
                service_date: day,
                quantity: Decimal::from(if k % 3 == 0 { 100 } else { 1 + k }),
                unit_price: Decimal::new(2550, 2),
                activity_id: Some(aid),
                follows_pax: true,
            };
            store.add_charge(folio, charge, None, user.id, 0).await.map_err(err)?;
        }
    }
    for k in 0..STRAIGHT_CHARGES {
        let day = start.checked_add(jiff::Span::new().days(k % 30))?;
        let charge = NewCharge {
            description: format!("Room {k}"),
            service_date: day,
            quantity: Decimal::from(100),
            unit_price: Decimal::new(9000, 2),
            activity_id: None,
            follows_pax: true,
        };
        store.add_charge(folio, charge, None, user.id, 0).await.map_err(err)?;
    }
    Ok(event.id)
}

/// A day this many days off, or the day itself at the calendar's end.
fn day(d: Date, days: i64) -> Date {
    d.checked_add(jiff::Span::new().days(days)).unwrap_or(d)
}

/// The command of run `i`, previewed or applied.
type Make = dyn Fn(u32, bool) -> EventCommand;

/// One cascade through the store, timed.
async fn once(store: &Store, id: i64, command: EventCommand, dry_run: bool) -> anyhow::Result<Duration> {
    let t = Instant::now();
    store.cascade(id, command, dry_run, None, 1, 0).await.map_err(err)?;
    Ok(t.elapsed())
}

async fn time(store: &Store, id: i64, make: &Make, dry_run: bool, runs: u32) -> anyhow::Result<Vec<Duration>> {
    let mut samples = Vec::new();
    for i in 0..runs {
        samples.push(once(store, id, make(i, dry_run), dry_run).await?);
    }
    Ok(samples)
}

/// Fresh instances measured per change (an even number: applies go and come back).
const FRESH: u32 = 4;

/// The first preview or apply of instances that remember nothing yet, each
/// opened on the same database; with `read_first`, after the instance read
/// the event (as a manager does before changing it).
async fn fresh(url: &str, id: i64, make: &Make, dry_run: bool, read_first: bool) -> anyhow::Result<Vec<Duration>> {
    let mut samples = Vec::new();
    for i in 0..FRESH {
        let store = Store::open(url).await.map_err(err)?;
        if read_first {
            store.event(id).await.map_err(err)?;
        }
        samples.push(once(&store, id, make(i, dry_run), dry_run).await?);
        store.close().await;
    }
    Ok(samples)
}

/// Runs the benchmark; a Markdown table.
pub async fn run(store: &Store, url: &str, backend: &str, runs: u32) -> anyhow::Result<String> {
    let started = Instant::now();
    let id = build(store).await?;
    eprintln!("built the event in {:.0} s", started.elapsed().as_secs_f64());
    // A day on, then a day back: every preview and apply is a real move of
    // every activity and charge, and the applies end where they began.
    let mv = |i: u32, dry_run: bool| -> EventCommand {
        // Previews all start from the built event; applies alternate.
        let days = match (dry_run, i.is_multiple_of(2)) {
            (_, true) => 1,
            (true, false) => -1,
            (false, false) => 0,
        };
        EventCommand::ChangeDates(DateChange::Move {
            start_date: day(START, days),
        })
    };
    // 100 → 110 and back: each a real change of ~7,000 charges.
    let pax = |i: u32, dry_run: bool| -> EventCommand {
        EventCommand::ChangePax(ChangePax {
            pax: if dry_run || i.is_multiple_of(2) { 110 } else { 100 },
            activities: Default::default(),
        })
    };
    let shorten = |_: u32, _: bool| -> EventCommand {
        EventCommand::ChangeDates(DateChange::Shorten {
            start_date: START,
            end_date: day(END, -5),
        })
    };
    let mut out = format!(
        "Event cascades through the store, {backend}, {ACTIVITIES} activities and {} charges, {runs} runs (ms); a fresh instance reads the event before its first plan (median of {FRESH})\n\n| change | preview p50 | preview max | apply p50 | apply max | fresh instance: preview | fresh instance: apply | fresh instance, event read first: apply |\n|---|---:|---:|---:|---:|---:|---:|---:|\n",
        ACTIVITIES * CHARGES_PER_ACTIVITY + STRAIGHT_CHARGES
    );
    for (name, make) in [("Move a day on or back", &mv as &Make), ("PAX 100 ↔ 110", &pax)] {
        let mut preview = time(store, id, make, true, runs).await?;
        let mut apply = time(store, id, make, false, runs).await?;
        let (p, a) = (percentiles(&mut preview), percentiles(&mut apply));
        let mut fresh_preview = fresh(url, id, make, true, false).await?;
        let mut fresh_apply = fresh(url, id, make, false, false).await?;
        let mut read_apply = fresh(url, id, make, false, true).await?;
        out.push_str(&format!(
            "| {name} | {} | {} | {} | {} | {} | {} | {} |\n",
            ms(p.p50),
            ms(p.max),
            ms(a.p50),
            ms(a.max),
            ms(percentiles(&mut fresh_preview).p50),
            ms(percentiles(&mut fresh_apply).p50),
            ms(percentiles(&mut read_apply).p50)
        ));
    }
    out.push_str(&one_thing_changes(store, id, runs).await?);
    let mut preview = time(store, id, &shorten, true, runs).await?;
    // A shorten cancels for good, so it is applied once.
    let mut apply = time(store, id, &shorten, false, 1).await?;
    let (p, a) = (percentiles(&mut preview), percentiles(&mut apply));
    out.push_str(&format!(
        "| Shorten by five days (cancels ~3,300 charges; applied once) | {} | {} | {} | {} | | | |\n",
        ms(p.p50),
        ms(p.max),
        ms(a.p50),
        ms(a.max)
    ));
    // Last, as it ends the event: cancelling every activity, block and charge.
    let cancel = |_: u32, _: bool| EventCommand::CancelEvent;
    let mut preview = time(store, id, &cancel, true, runs).await?;
    let mut apply = time(store, id, &cancel, false, 1).await?;
    let (p, a) = (percentiles(&mut preview), percentiles(&mut apply));
    out.push_str(&format!(
        "| Cancel the event (every activity, block and charge; applied once) | {} | {} | {} | {} | | | |\n",
        ms(p.p50),
        ms(p.max),
        ms(a.p50),
        ms(a.max)
    ));
    Ok(out)
}

/// The commands that change one activity or one charge of the big event:
/// an activity's time and name, cancelling an activity (a different one each
/// run, with its 39 charges), a charge's edit, transfer and void.
async fn one_thing_changes(store: &Store, id: i64, runs: u32) -> anyhow::Result<String> {
    use tessera_events::{ChangeActivity, ChargeCommand, ChargeEdit, DayTime};
    let view = store
        .event(id)
        .await
        .map_err(err)?
        .ok_or_else(|| anyhow::anyhow!("no event"))?;
    let activities: Vec<i64> = view.activities.iter().map(|a| a.id).collect();
    let charges: Vec<i64> = view
        .charges
        .iter()
        .filter(|c| c.activity_id.is_none())
        .map(|c| c.id)
        .collect();
    let first = *activities.first().ok_or_else(|| anyhow::anyhow!("no activity"))?;
    let morning = DayTime::new(jiff::civil::time(9, 0, 0, 0), jiff::civil::time(12, 0, 0, 0))?;
    let retime = move |i: u32, _: bool| EventCommand::ChangeActivity {
        activity_id: first,
        change: ChangeActivity {
            time: Some(if i.is_multiple_of(2) {
                morning
            } else {
                DayTime::WHOLE_DAY
            }),
            name: Some(format!("Catering, run {i}")),
            ..Default::default()
        },
    };
    let mut out = String::new();
    let mut preview = time(store, id, &retime, true, runs).await?;
    let mut apply = time(store, id, &retime, false, runs).await?;
    let (p, a) = (percentiles(&mut preview), percentiles(&mut apply));
    out.push_str(&format!(
        "| An activity's time and name | {} | {} | {} | {} | | | |\n",
        ms(p.p50),
        ms(p.max),
        ms(a.p50),
        ms(a.max)
    ));
    // Cancelled for good: each run previews and cancels another activity.
    let last = activities.len();
    let ids = activities.clone();
    let cancel = move |i: u32, _: bool| EventCommand::CancelActivity {
        activity_id: ids.get(last - 1 - (i as usize % last)).copied().unwrap_or(first),
    };
    let mut preview = time(store, id, &cancel, true, runs).await?;
    let mut apply = time(store, id, &cancel, false, runs).await?;
    let (p, a) = (percentiles(&mut preview), percentiles(&mut apply));
    out.push_str(&format!(
        "| Cancel an activity (with its 39 charges) | {} | {} | {} | {} | | | |\n",
        ms(p.p50),
        ms(p.max),
        ms(a.p50),
        ms(a.max)
    ));
    let (second_folio, _) = store.add_folio(id, "Organiser".into(), None, 1, 0).await.map_err(err)?;
    let folio = view
        .folios
        .first()
        .map(|f| f.id)
        .ok_or_else(|| anyhow::anyhow!("no folio"))?;
    let edit = |i: u32| {
        let price = Decimal::new(if i.is_multiple_of(2) { 9500 } else { 9000 }, 2);
        let cmd = ChargeCommand::Edit(ChargeEdit {
            unit_price: Some(price),
            ..Default::default()
        });
        (charges.first().copied().unwrap_or(0), cmd)
    };
    let transfer = |i: u32| {
        let to = if i.is_multiple_of(2) { second_folio } else { folio };
        (
            charges.get(1).copied().unwrap_or(0),
            ChargeCommand::Transfer { folio_id: to },
        )
    };
    let void = |i: u32| {
        let at = 2 + i as usize % charges.len().saturating_sub(2).max(1);
        let reason = "Posted twice".to_owned();
        (charges.get(at).copied().unwrap_or(0), ChargeCommand::Void { reason })
    };
    for (name, make) in [
        ("A charge's unit price", &edit as &dyn Fn(u32) -> (i64, ChargeCommand)),
        ("A charge to another folio", &transfer),
        ("Void a charge (another each run)", &void),
    ] {
        let mut samples = Vec::new();
        for i in 0..runs {
            let (charge, cmd) = make(i);
            let t = Instant::now();
            store.change_charge(charge, cmd, None, 1, 0).await.map_err(err)?;
            samples.push(t.elapsed());
        }
        let a = percentiles(&mut samples);
        out.push_str(&format!("| {name} | | | {} | {} | | | |\n", ms(a.p50), ms(a.max)));
    }
    Ok(out)
}

/// Halls in the diary benchmark's venue.
const DIARY_HALLS: i64 = 20;
/// Days it covers.
const DIARY_DAYS: i64 = 31;
/// Activities held in those halls over those days.
const DIARY_ACTIVITIES: i64 = 2_000;

/// The hall diary of a venue with 20 halls and 2,000 timed activities of
/// 40 events over 31 days, read whole, `runs` times: a Markdown line.
pub async fn diary(store: &Store, runs: u32) -> anyhow::Result<String> {
    use tessera_domain::premises::PremisesKind;
    use tessera_events::DayTime;
    let venue = store
        .create_venue(NewVenue {
            name: "Congress centre".into(),
            time_zone: "Europe/Sofia".into(),
            currency: "EUR".into(),
            locale: "bg".into(),
            limits: tessera_domain::booking::VenueLimits::DEFAULT,
        })
        .await
        .map_err(err)?;
    let mut halls = Vec::new();
    for h in 0..DIARY_HALLS {
        let p = store
            .create_premises(tessera_store::NewPremises {
                venue_id: venue.id,
                name: format!("Hall {h:02}"),
                kind: PremisesKind::Hall,
                directions: None,
            })
            .await
            .map_err(err)?;
        halls.push(p.id);
    }
    let start = date(2031, 5, 1);
    let end = day(start, DIARY_DAYS - 1);
    let events_n = 40;
    let mut events = Vec::new();
    for e in 0..events_n {
        let ev = store
            .create_event(
                NewEvent {
                    venue_id: venue.id,
                    name: format!("Event {e}"),
                    start_date: start,
                    end_date: end,
                    pax: 50,
                },
                1,
                0,
            )
            .await
            .map_err(err)?;
        events.push(ev.id);
    }
    // Four sessions a day in each hall (08–11, 11–14, 14–17, 17–20); the
    // first 2,000 of the 2,480 slots are taken, by events in turn.
    let mut placed = 0;
    'fill: for d in 0..DIARY_DAYS {
        for (hi, hall) in halls.iter().enumerate() {
            for slot in 0..4i8 {
                if placed == DIARY_ACTIVITIES {
                    break 'fill;
                }
                let from = jiff::civil::time(8 + 3 * slot, 0, 0, 0);
                let to = jiff::civil::time(11 + 3 * slot, 0, 0, 0);
                let event = events[(placed as usize + hi) % events.len()];
                store
                    .add_activity(
                        event,
                        NewActivity {
                            kind: ActivityKind::Hall,
                            name: format!("Session {placed}"),
                            date: day(start, d),
                            pax: 50,
                            premises_id: Some(*hall),
                            time: DayTime::new(from, to)?,
                            notes: String::new(),
                        },
                        None,
                        1,
                        0,
                    )
                    .await
                    .map_err(err)?;
                placed += 1;
            }
        }
    }
    let mut samples = Vec::new();
    let mut held = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let d = store
            .hall_diary(venue.id, start.to_string(), end.to_string())
            .await
            .map_err(err)?
            .unwrap_or_default();
        samples.push(t.elapsed());
        held = d.iter().map(|h| h.activities.len()).sum::<usize>();
    }
    let p = percentiles(&mut samples);
    Ok(format!(
        "The hall diary through the store: {DIARY_HALLS} halls × {DIARY_DAYS} days, {held} activities of {events_n} events, {runs} runs: p50 {} ms, p99 {} ms, max {} ms\n",
        ms(p.p50),
        ms(p.p99),
        ms(p.max)
    ))
}
