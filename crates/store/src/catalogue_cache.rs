//! The catalogue is only ever added to — workplaces, tariffs, variants and
//! modifiers are never edited or removed, and neither are users — so each
//! row, once read, is kept in memory. Pricing an order then costs no queries, which matters on the
//! hot path of booking. Several instances can cache independently: a row
//! never changes, so no copy is ever stale.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::catalogue::{WorkplaceInVenue, modifier_by_id, tariff_by_id, variant_by_id, workplace_in_venue};
use crate::users::user_by_id;
use crate::{Conn, Modifier, Result, ServiceVariant, Tariff, User};

#[derive(Default)]
pub(crate) struct CatalogueCache {
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
    lookup!(workplace, workplaces, WorkplaceInVenue, workplace_in_venue);
    lookup!(tariff, tariffs, Tariff, tariff_by_id);
    lookup!(variant, variants, ServiceVariant, variant_by_id);
    lookup!(modifier, modifiers, Modifier, modifier_by_id);
    lookup!(user, users, User, user_by_id);
}
