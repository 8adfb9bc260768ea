//! The hall diary: a venue's halls and, day by day, the live activities
//! every event holds in them, so a manager sees where a new one fits.

use tessera_events::DayTime;

use super::bad;
use crate::{Result, Store, args, sql};

/// One activity in a hall.
#[derive(Debug, Clone)]
pub struct DiaryEntry {
    /// Its event.
    pub event_id: i64,
    /// The event's name.
    pub event_name: String,
    /// The activity.
    pub activity_id: i64,
    /// Its name.
    pub name: String,
    /// Its day.
    pub date: String,
    /// Its time that day.
    pub time: DayTime,
    /// Participants.
    pub pax: i64,
}

/// A hall with its activities, by day and start.
#[derive(Debug, Clone)]
pub struct DiaryHall {
    /// The hall.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// What it holds.
    pub activities: Vec<DiaryEntry>,
}

#[derive(sqlx::FromRow)]
struct Row {
    premises_id: i64,
    activity_id: i64,
    name: String,
    date: String,
    start_min: i64,
    end_min: i64,
    pax: i64,
    event_id: i64,
    event_name: String,
}

impl Store {
    /// The venue's halls (not archived) with the live activities held in
    /// them from `from` to `to` (days, `YYYY-MM-DD`, both included); `None`
    /// when there is no such venue.
    pub async fn hall_diary(&self, venue_id: i64, from: String, to: String) -> Result<Option<Vec<DiaryHall>>> {
        self.read_snapshot(move |mut c| {
            Box::pin(async move {
                if c.opt::<(i64,)>(sql!(c, "SELECT id FROM venues WHERE id = $1"), &args![venue_id]).await?.is_none() {
                    return Ok(None);
                }
                let halls: Vec<(i64, String)> = c
                    .all(
                        sql!(c, "SELECT id, name FROM premises WHERE venue_id = $1 AND kind = 'hall' AND archived_at IS NULL ORDER BY name, id"),
                        &args![venue_id],
                    )
                    .await?;
                let rows: Vec<Row> = c
                    .all(
                        sql!(c, "SELECT a.premises_id, a.id AS activity_id, a.name, a.date, CAST(a.start_min AS BIGINT) AS start_min,
                                        CAST(a.end_min AS BIGINT) AS end_min, a.pax, e.id AS event_id, e.name AS event_name
                                 FROM premises p
                                 JOIN activities a ON a.premises_id = p.id AND a.status = 'active' AND a.date >= $2 AND a.date <= $3
                                 JOIN events e ON e.id = a.event_id
                                 WHERE p.venue_id = $1 AND p.kind = 'hall' AND p.archived_at IS NULL
                                 ORDER BY a.premises_id, a.date, a.start_min, a.id"),
                        &args![venue_id, from, to],
                    )
                    .await?;
                let mut out: Vec<DiaryHall> = halls
                    .into_iter()
                    .map(|(id, name)| DiaryHall {
                        id,
                        name,
                        activities: vec![],
                    })
                    .collect();
                for r in rows {
                    let time = DayTime::from_minutes(r.start_min, r.end_min).ok_or_else(|| bad("activity time"))?;
                    if let Some(h) = out.iter_mut().find(|h| h.id == r.premises_id) {
                        h.activities.push(DiaryEntry {
                            event_id: r.event_id,
                            event_name: r.event_name,
                            activity_id: r.activity_id,
                            name: r.name,
                            date: r.date,
                            time,
                            pax: r.pax,
                        });
                    }
                }
                Ok(Some(out))
            })
        })
        .await
    }
}
