//! Calendar feeds: keys that open them, and a hall's activities.

use sqlx::FromRow;

use crate::{Result, Store, User, args, sql};

/// One activity held in a hall, for the hall's calendar.
#[derive(Debug, Clone, FromRow)]
pub struct HallActivity {
    /// Id.
    pub id: i64,
    /// Its event.
    pub event_id: i64,
    /// The event's name.
    pub event_name: String,
    /// The activity's name.
    pub name: String,
    /// Its day (`YYYY-MM-DD`, the venue's).
    pub date: String,
    /// Minutes after midnight it starts (0 with `end_min` 1440: the whole day).
    pub start_min: i64,
    /// Minutes after midnight it ends (excluded).
    pub end_min: i64,
    /// `active` or `cancelled`.
    pub status: String,
    /// PAX.
    pub pax: i64,
    /// Notes for the staff.
    pub notes: String,
}

/// A hall and its venue's time zone.
#[derive(Debug, Clone, FromRow)]
pub struct HallInfo {
    /// The hall's name.
    pub name: String,
    /// Its kind (`hall` for a hall).
    pub kind: String,
    /// The venue's IANA time zone.
    pub time_zone: String,
}

impl Store {
    /// Gives a user a new feed key (its hash); the old one stops working.
    pub async fn set_feed_key(&self, user_id: i64, key_hash: String, now: i64) -> Result<()> {
        self.write(move |mut c| {
            Box::pin(async move {
                c.exec(
                    sql!(
                        c,
                        "INSERT INTO feed_keys (user_id, key_hash, created_at) VALUES ($1, $2, $3)
                         ON CONFLICT (user_id) DO UPDATE SET key_hash = excluded.key_hash, created_at = excluded.created_at"
                    ),
                    &args![user_id, key_hash, now],
                )
                .await?;
                Ok(())
            })
        })
        .await
    }

    /// The active user a feed key belongs to.
    pub async fn feed_key_user(&self, key_hash: &str) -> Result<Option<User>> {
        let mut r = self.reader().await?;
        let mut c = r.conn();
        c.opt(
            sql!(
                c,
                "SELECT u.id, u.email, u.first_name, u.last_name, u.phone, u.role, u.locale, u.deactivated_at
                 FROM feed_keys k JOIN users u ON u.id = k.user_id
                 WHERE k.key_hash = $1 AND u.deactivated_at IS NULL"
            ),
            &args![key_hash],
        )
        .await
    }

    /// A hall with its venue's zone, and every activity ever held in it
    /// (cancelled ones too), by day.
    pub async fn hall_activities(&self, premises_id: i64) -> Result<Option<(HallInfo, Vec<HallActivity>)>> {
        self.read_snapshot(move |mut c| {
            Box::pin(async move {
                let hall: Option<HallInfo> = c
                    .opt(
                        sql!(
                            c,
                            "SELECT p.name, p.kind, v.time_zone FROM premises p JOIN venues v ON v.id = p.venue_id WHERE p.id = $1"
                        ),
                        &args![premises_id],
                    )
                    .await?;
                let Some(hall) = hall else {
                    return Ok(None);
                };
                let activities: Vec<HallActivity> = c
                    .all(
                        sql!(
                            c,
                            "SELECT a.id, a.event_id, e.name AS event_name, a.name, a.date,
                                    CAST(a.start_min AS BIGINT) AS start_min, CAST(a.end_min AS BIGINT) AS end_min,
                                    a.status, a.pax, COALESCE(a.notes, '') AS notes
                             FROM activities a JOIN events e ON e.id = a.event_id
                             WHERE a.premises_id = $1 ORDER BY a.date, a.start_min, a.id"
                        ),
                        &args![premises_id],
                    )
                    .await?;
                Ok(Some((hall, activities)))
            })
        })
        .await
    }
}
