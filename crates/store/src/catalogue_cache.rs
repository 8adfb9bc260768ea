//! Catalogue rows (workplaces, tariffs, variants, modifiers) and customers,
//! once read, are kept in memory: pricing an order then costs one query
//! instead of five, which matters on the hot path of booking. Every edit of
//! the catalogue or of a user bumps `catalogue_version` in its transaction;
//! before pricing, [`CatalogueCache::sync`] reads that one row and drops
//! every copy if it moved, so several instances cache independently and
//! none prices with a stale row.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::catalogue::{WorkplaceInVenue, modifier_by_id, tariff_by_id, variant_by_id, workplace_in_venue};
use crate::users::user_by_id;
use crate::{Conn, Modifier, Result, ServiceVariant, Tariff, User};

#[derive(Default)]
pub(crate) struct CatalogueCache {
    /// The `catalogue_version` the copies were read under.
    version: Mutex<i64>,
    workplaces: Mutex<HashMap<i64, WorkplaceInVenue>>,
    tariffs: Mutex<HashMap<i64, Tariff>>,
    variants: Mutex<HashMap<i64, ServiceVariant>>,
    modifiers: Mutex<HashMap<i64, Modifier>>,
    users: Mutex<HashMap<i64, User>>,
}

fn cached<T: Clone>(map: &Mutex<HashMap<i64, T>>, id: i64) -> Option<T> {
    map.lock().ok().and_then(|m| m.get(&id).cloned())
}

fn remember<T: Clone>(map: &Mutex<HashMap<i64, T>>, id: i64, row: &Option<T>) {
    if let (Some(row), Ok(mut m)) = (row, map.lock()) {
        m.insert(id, row.clone());
    }
}

macro_rules! lookup {
    ($name:ident, $field:ident, $ty:ty, $load:path) => {
        pub(crate) async fn $name(&self, c: &mut Conn<'_>, id: i64) -> Result<Option<$ty>> {
            if let Some(hit) = cached(&self.$field, id) {
                return Ok(Some(hit));
            }
            let row = $load(c, id).await?;
            remember(&self.$field, id, &row);
            Ok(row)
        }
    };
}

impl CatalogueCache {
    /// Drops every copy if the catalogue changed since they were read.
    pub(crate) async fn sync(&self, c: &mut Conn<'_>) -> Result<()> {
        let now: i64 = c
            .scalar(
                crate::sql!(c, "SELECT version FROM catalogue_version WHERE id = 1"),
                &[],
            )
            .await?;
        let Ok(mut version) = self.version.lock() else {
            return Ok(());
        };
        if *version != now {
            for_each_clear(self);
            *version = now;
        }
        Ok(())
    }

    lookup!(workplace, workplaces, WorkplaceInVenue, workplace_in_venue);
    lookup!(tariff, tariffs, Tariff, tariff_by_id);
    lookup!(variant, variants, ServiceVariant, variant_by_id);
    lookup!(modifier, modifiers, Modifier, modifier_by_id);
    lookup!(user, users, User, user_by_id);
}

fn clear<T>(map: &Mutex<HashMap<i64, T>>) {
    if let Ok(mut m) = map.lock() {
        m.clear();
    }
}

fn for_each_clear(cache: &CatalogueCache) {
    clear(&cache.workplaces);
    clear(&cache.tariffs);
    clear(&cache.variants);
    clear(&cache.modifiers);
    clear(&cache.users);
}
