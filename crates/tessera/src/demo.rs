//! `tessera demo`: the seeds' own examples, moved in time so that the seed's
//! "6 December 2022" is today.

use anyhow::Context;
use jiff::civil::{Date, DateTime, Time, date, time};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use tessera_domain::premises::PremisesKind;
use tessera_domain::{OrderStatus, PeriodInput};
use tessera_store::{Booking, NewModifier, NewOrder, NewOrderItem, NewPremises, NewTariff, NewUser, NewVenue, Store};

/// The seed's "today".
const SEED_TODAY: Date = date(2022, 12, 6);
const ZONE: &str = "Europe/Moscow";

/// Hashes a password for storing.
pub fn hash(password: &str) -> anyhow::Result<String> {
    tessera_server::hash_password_now(password).context("hashing a password")
}

/// The logins the demo created.
pub struct DemoLogins(Vec<(String, String, String, String)>);

impl DemoLogins {
    /// Prints them for the person who ran the demo.
    pub fn print(&self) {
        println!("Demo data loaded (the seed's 6 December 2022 is today). Sign in with:");
        for (name, email, password, role) in &self.0 {
            println!("  {role:<15} {email:<28} password: {password:<16} ({name})");
        }
    }
}

struct Seed {
    shift: jiff::Span,
    tz: TimeZone,
    now: Timestamp,
}

impl Seed {
    fn day(&self, d: Date) -> anyhow::Result<Date> {
        Ok(d.checked_add(self.shift)?)
    }

    /// A seed wall-clock moment, shifted, never later than now.
    fn at(&self, d: Date, t: Time) -> anyhow::Result<Timestamp> {
        let local = DateTime::from_parts(self.day(d)?, t);
        let ts = self.tz.to_ambiguous_timestamp(local).compatible()?;
        Ok(ts.min(self.now))
    }

    fn days(&self, a: Date, b: Date) -> anyhow::Result<PeriodInput> {
        Ok(PeriodInput::Days {
            start_date: self.day(a)?,
            end_date: self.day(b)?,
        })
    }

    fn slot(&self, d: Date, from: Time, to: Time) -> anyhow::Result<PeriodInput> {
        Ok(PeriodInput::Slot {
            date: self.day(d)?,
            start_time: from,
            end_time: to,
        })
    }
}

fn err(e: tessera_store::StoreError) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

/// Loads the demo into an empty database.
pub async fn load(store: &Store, now: Timestamp) -> anyhow::Result<DemoLogins> {
    let tz = TimeZone::get(ZONE)?;
    let today = now.to_zoned(tz.clone()).date();
    // Whole days, so that every seed date keeps its weekday offset and wall time.
    let seed = Seed {
        shift: today.since(SEED_TODAY)?,
        tz,
        now,
    };
    let at = |d: Date, t: Time| seed.at(d, t);
    let n = now.as_second();

    let people = [
        (
            "Администратор",
            "Тессеры",
            "admin@tessera.local",
            "tessera-admin",
            "admin",
            None,
        ),
        (
            "Марина",
            "Спиридонова",
            "marina@tessera.local",
            "tessera-marina",
            "rental_manager",
            Some("+7 (916) 201-44-10"),
        ),
        (
            "Елена",
            "Димитрова",
            "events@tessera.local",
            "tessera-events",
            "event_manager",
            Some("+359 88 123 4567"),
        ),
        (
            "Мария",
            "Семенова",
            "koshatina77@mail.ru",
            "tessera-maria",
            "visitor",
            Some("+7 (965) 577-65-00"),
        ),
        (
            "Иван",
            "Столповский",
            "ivan@tessera.local",
            "tessera-ivan",
            "visitor",
            Some("+7 (903) 100-20-30"),
        ),
        (
            "Анастасия",
            "Иванова",
            "anastasia@tessera.local",
            "tessera-anastasia",
            "visitor",
            Some("+7 (925) 400-50-60"),
        ),
        ("Турникет", "Вход 1", "gate@tessera.local", "tessera-gate", "gate", None),
    ];
    let mut ids = Vec::new();
    let mut logins = Vec::new();
    for (first, last, email, password, role, phone) in people {
        let user = NewUser {
            email: email.into(),
            first_name: first.into(),
            last_name: last.into(),
            phone: phone.map(str::to_owned),
            role: role.into(),
            password_hash: Some(hash(password)?),
            locale: "ru".into(),
        };
        ids.push(store.create_user(user, n).await.map_err(err)?.id);
        logins.push((format!("{first} {last}"), email.into(), password.into(), role.into()));
    }
    let (marina, maria, ivan, anastasia) = (ids[1], ids[3], ids[4], ids[5]);

    let venue = store
        .create_venue(NewVenue {
            name: "Бизнес-центр «Тессера»".into(),
            time_zone: ZONE.into(),
            currency: "RUB".into(),
            locale: "ru".into(),
            limits: tessera_domain::booking::VenueLimits::DEFAULT,
        })
        .await
        .map_err(err)?;
    let directions = Some("Вход со двора, лифт до этажа, покажите QR-код билета на ресепшене.".to_owned());
    let premises = |name: &str| NewPremises {
        venue_id: venue.id,
        name: name.into(),
        kind: PremisesKind::Coworking,
        directions: directions.clone(),
    };
    let main = store.create_premises(premises("Коворкинг №1")).await.map_err(err)?;
    let third = store
        .create_premises(premises("Коворкинг на 3 этаже"))
        .await
        .map_err(err)?;
    let second = store
        .create_premises(premises("Коворкинг на 2 этаже"))
        .await
        .map_err(err)?;
    // The events page's conference is held in Sofia, as the source page's is.
    let hotel = store
        .create_venue(NewVenue {
            name: "Хотел „Тесера“, София".into(),
            time_zone: "Europe/Sofia".into(),
            currency: "EUR".into(),
            locale: "bg".into(),
            limits: tessera_domain::booking::VenueLimits::DEFAULT,
        })
        .await
        .map_err(err)?;
    let hall = store
        .create_premises(NewPremises {
            venue_id: hotel.id,
            name: "Зала за мероприятия".into(),
            kind: PremisesKind::Hall,
            directions: None,
        })
        .await
        .map_err(err)?;
    let mut pm = Vec::new();
    for name in ["PM №1", "PM №2", "PM №3", "PM №4"] {
        pm.push(store.create_workplace(main.id, name.into()).await.map_err(err)?.id);
    }
    let pm_third = store.create_workplace(third.id, "PM №1".into()).await.map_err(err)?.id;
    store.create_workplace(third.id, "PM №2".into()).await.map_err(err)?;
    let rm_second = store.create_workplace(second.id, "RM №1".into()).await.map_err(err)?.id;
    store.create_workplace(second.id, "RM №2".into()).await.map_err(err)?;

    let tariff = |name: &str, unit: &str, price: &str| NewTariff {
        venue_id: venue.id,
        name: name.into(),
        unit: unit.into(),
        price: price.into(),
    };
    let hourly = store
        .create_tariff(tariff("Почасовой", "hour", "300.00"))
        .await
        .map_err(err)?
        .id;
    let daily = store
        .create_tariff(tariff("Суточный", "day", "1500.00"))
        .await
        .map_err(err)?
        .id;
    let monthly = store
        .create_tariff(tariff("1-3 мес (7000 руб в месяц)", "month", "7000.00"))
        .await
        .map_err(err)?
        .id;
    let resident = store
        .create_service_variant(venue.id, "Резидент +".into())
        .await
        .map_err(err)?
        .id;
    store
        .create_service_variant(venue.id, "Гость".into())
        .await
        .map_err(err)?;
    let modifier = |name: &str, price: &str| NewModifier {
        venue_id: venue.id,
        name: name.into(),
        price: price.into(),
    };
    let locker = store
        .create_modifier(modifier("Шкафчик", "500.00"))
        .await
        .map_err(err)?
        .id;
    let printer = store
        .create_modifier(modifier("Принтер", "300.00"))
        .await
        .map_err(err)?
        .id;
    let legal = store
        .create_modifier(modifier("Юридическое сопровождение", "5000.00"))
        .await
        .map_err(err)?
        .id;

    // The seed's list (tickets 22–31) and ticket 34, with their orders.
    struct Row {
        ticket: i64,
        order: i64,
        visitor: i64,
        workplace: i64,
        period: PeriodInput,
        tariff: i64,
        variant: Option<i64>,
        modifiers: Vec<i64>,
        created: Timestamp,
        status: Option<OrderStatus>,
    }
    let d = |m: i8, day: i8| date(if m == 1 { 2023 } else { 2022 }, m, day);
    let rows = vec![
        Row {
            ticket: 22,
            order: 1208,
            visitor: marina,
            workplace: pm[0],
            period: seed.slot(d(12, 5), time(15, 0, 0, 0), time(17, 0, 0, 0))?,
            tariff: hourly,
            variant: None,
            modifiers: vec![],
            created: at(d(12, 1), time(10, 15, 0, 0))?,
            status: Some(OrderStatus::Cancelled),
        },
        Row {
            ticket: 23,
            order: 1209,
            visitor: marina,
            workplace: pm[0],
            period: seed.slot(d(12, 7), time(9, 0, 0, 0), time(13, 0, 0, 0))?,
            tariff: hourly,
            variant: None,
            modifiers: vec![],
            created: at(d(12, 2), time(12, 40, 0, 0))?,
            status: Some(OrderStatus::Confirmed),
        },
        Row {
            ticket: 24,
            order: 1210,
            visitor: marina,
            workplace: pm[0],
            period: seed.days(d(12, 20), d(12, 23))?,
            tariff: daily,
            variant: None,
            modifiers: vec![],
            created: at(d(12, 3), time(16, 5, 0, 0))?,
            status: None,
        },
        Row {
            ticket: 25,
            order: 1211,
            visitor: maria,
            workplace: pm[0],
            period: seed.slot(d(12, 6), time(9, 0, 0, 0), time(12, 0, 0, 0))?,
            tariff: hourly,
            variant: None,
            modifiers: vec![],
            created: at(d(12, 4), time(11, 20, 0, 0))?,
            status: Some(OrderStatus::Confirmed),
        },
        Row {
            ticket: 26,
            order: 1215,
            visitor: maria,
            workplace: pm_third,
            period: seed.days(d(12, 22), d(12, 24))?,
            tariff: daily,
            variant: None,
            modifiers: vec![printer, locker],
            created: at(d(12, 5), time(19, 2, 0, 0))?,
            status: Some(OrderStatus::Confirmed),
        },
        Row {
            ticket: 27,
            order: 1216,
            visitor: anastasia,
            workplace: pm[1],
            period: seed.slot(d(12, 6), time(9, 0, 0, 0), time(12, 0, 0, 0))?,
            tariff: hourly,
            variant: None,
            modifiers: vec![],
            created: at(d(12, 5), time(19, 30, 0, 0))?,
            status: Some(OrderStatus::Confirmed),
        },
        Row {
            ticket: 28,
            order: 1217,
            visitor: anastasia,
            workplace: pm[1],
            period: seed.days(d(12, 7), d(12, 7))?,
            tariff: daily,
            variant: None,
            modifiers: vec![],
            created: at(d(12, 5), time(20, 10, 0, 0))?,
            status: None,
        },
        Row {
            ticket: 29,
            order: 1218,
            visitor: ivan,
            workplace: pm[2],
            period: seed.slot(d(12, 6), time(9, 0, 0, 0), time(11, 0, 0, 0))?,
            tariff: hourly,
            variant: None,
            modifiers: vec![],
            created: at(d(12, 5), time(21, 0, 0, 0))?,
            status: None,
        },
        Row {
            ticket: 30,
            order: 1219,
            visitor: ivan,
            workplace: pm[1],
            period: seed.days(d(12, 23), d(12, 23))?,
            tariff: daily,
            variant: None,
            modifiers: vec![],
            created: at(d(12, 5), time(21, 5, 0, 0))?,
            status: None,
        },
        Row {
            ticket: 31,
            order: 1220,
            visitor: marina,
            workplace: pm[0],
            period: seed.days(d(12, 13), d(12, 14))?,
            tariff: daily,
            variant: None,
            modifiers: vec![],
            created: at(d(12, 6), time(8, 50, 0, 0))?,
            status: Some(OrderStatus::Confirmed),
        },
        Row {
            ticket: 34,
            order: 1223,
            visitor: maria,
            workplace: rm_second,
            period: seed.days(d(12, 22), d(1, 25))?,
            tariff: monthly,
            variant: Some(resident),
            modifiers: vec![locker, legal],
            created: at(d(12, 6), time(9, 34, 0, 0))?,
            status: None,
        },
    ];
    for row in rows {
        let order = NewOrder {
            customer_id: row.visitor,
            items: vec![NewOrderItem {
                workplace_id: row.workplace,
                period: row.period,
                tariff_id: row.tariff,
                service_variant_id: row.variant,
                modifier_ids: row.modifiers,
            }],
            // Booked by the rental manager, as in the seed ("Добавить заказ"):
            // a manager's order waits for payment without a deadline.
            created_by: marina,
            booking: Booking::Import,
            numbers: Some((row.order, vec![row.ticket])),
            idempotency_key: None,
            visitor_limits: tessera_domain::booking::VisitorLimits::DEFAULT,
        };
        store
            .create_order(order, row.created)
            .await
            .map_err(err)
            .with_context(|| format!("ticket {}", row.ticket))?;
        if let Some(status) = row.status {
            let when = row.created.checked_add(10.minutes())?.min(now);
            store
                .change_order_status(row.order, status, None, marina, when)
                .await
                .map_err(err)?;
        }
    }
    event(store, &seed, hotel.id, hall.id, ids[2], n).await?;
    // The demo's made-up past mails nobody (its people's addresses are the
    // seed's) and posts nothing: only what happens from now on goes out.
    store.settle_outbox().await.map_err(err)?;
    Ok(DemoLogins(logins))
}

/// The events page's example: 100 PAX by default, an event hall and a
/// catering of 100, charges straight on the folio and through the catering.
async fn event(store: &Store, seed: &Seed, venue: i64, hall: i64, manager: i64, at: i64) -> anyhow::Result<()> {
    use rust_decimal::Decimal;
    use tessera_events::ActivityKind;
    use tessera_store::{NewActivity, NewCharge, NewEvent};
    // The page's 10.02–12.02, placed a little after the coworking's "today".
    let (first, second, third) = (
        seed.day(date(2022, 12, 12))?,
        seed.day(date(2022, 12, 13))?,
        seed.day(date(2022, 12, 14))?,
    );
    let e = store
        .create_event(
            NewEvent {
                venue_id: venue,
                name: "Годишна конференция".into(),
                start_date: first,
                end_date: third,
                pax: 100,
            },
            manager,
            at,
        )
        .await
        .map_err(err)?;
    let activity = |kind, name: &str, date, premises_id| NewActivity {
        kind,
        name: name.into(),
        date,
        pax: 100,
        premises_id,
        time: tessera_events::DayTime::WHOLE_DAY,
        notes: String::new(),
    };
    // The hall is held for the morning; the afternoon is free for another session.
    let morning = tessera_events::DayTime::new(jiff::civil::time(9, 0, 0, 0), jiff::civil::time(13, 0, 0, 0))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    store
        .add_activity(
            e.id,
            NewActivity {
                time: morning,
                notes: "Сцена, проектор и два микрофона".into(),
                ..activity(ActivityKind::Hall, "Зала за мероприятия", first, Some(hall))
            },
            None,
            manager,
            at,
        )
        .await
        .map_err(err)?;
    let (catering, _) = store
        .add_activity(
            e.id,
            activity(ActivityKind::Catering, "Кетъринг", second, None),
            None,
            manager,
            at,
        )
        .await
        .map_err(err)?;
    store
        .add_block(e.id, "Стаи за гости".into(), 40, None, manager, at)
        .await
        .map_err(err)?;
    let folio = e.folios.first().map(|f| f.id).context("the event's folio")?;
    let charges = [
        ("Наем на зала", second, None, "450.00"),
        ("Техника", third, None, "12.00"),
        ("Кафе-пауза", second, Some(catering), "8.50"),
        ("Обяд", third, Some(catering), "25.00"),
    ];
    for (description, service_date, activity_id, price) in charges {
        let charge = NewCharge {
            description: description.into(),
            service_date,
            quantity: Decimal::from(100),
            unit_price: price.parse()?,
            activity_id,
            follows_pax: true,
        };
        store.add_charge(folio, charge, None, manager, at).await.map_err(err)?;
    }
    // A flip chart posted by mistake and voided, kept with its reason; the
    // organiser's own folio with the team's coffee.
    let flip_chart = NewCharge {
        description: "Флипчарт".into(),
        service_date: first,
        quantity: Decimal::from(1),
        unit_price: "15.00".parse()?,
        activity_id: None,
        follows_pax: false,
    };
    let voided = store
        .add_charge(folio, flip_chart, None, manager, at)
        .await
        .map_err(err)?;
    let reason = "Не е използван".to_owned();
    store
        .change_charge(
            voided.id,
            tessera_events::ChargeCommand::Void { reason },
            None,
            manager,
            at,
        )
        .await
        .map_err(err)?;
    let (organiser, _) = store
        .add_folio(e.id, "Организатор".into(), None, manager, at)
        .await
        .map_err(err)?;
    let coffee = NewCharge {
        description: "Кафе за екипа".into(),
        service_date: second,
        quantity: Decimal::from(6),
        unit_price: "3.50".parse()?,
        activity_id: None,
        follows_pax: false,
    };
    store
        .add_charge(organiser, coffee, None, manager, at)
        .await
        .map_err(err)?;
    Ok(())
}
