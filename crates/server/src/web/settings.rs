//! "Settings" (admin): venues, and per venue its premises (with the
//! first-visit directions), workplaces, tariffs, service variants and
//! modifiers — added, edited, archived and restored through the JSON API.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use tessera_domain::Locale;
use tessera_domain::money_text::money_text;
use tessera_domain::premises::PremisesKind;
use tessera_domain::pricing::TariffUnit;

use super::viewer::Area;
use super::{Html, Viewer, WebError, render};
use crate::AppState;

/// One catalogue item as a row with its edit data.
pub struct ItemRow {
    id: i64,
    name: String,
    /// What follows the name: a price, a unit, a kind.
    detail: String,
    archived: bool,
    /// The values its edit dialog starts with (JSON).
    fill: String,
}

/// Premises with their workplaces.
pub struct PremisesBlock {
    row: ItemRow,
    coworking: bool,
    directions: String,
    workplaces: Vec<ItemRow>,
}

fn fill(pairs: &[(&str, &str)]) -> String {
    let map: serde_json::Map<String, serde_json::Value> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), serde_json::Value::String((*v).to_owned())))
        .collect();
    serde_json::Value::Object(map).to_string()
}

fn show_archived(raw: Option<&str>) -> bool {
    form_urlencoded::parse(raw.unwrap_or("").as_bytes()).any(|(k, v)| k == "archived" && v == "true")
}

#[derive(Template)]
#[template(path = "settings.html")]
struct VenuesPage {
    v: Viewer,
    venues: Vec<ItemRow>,
    archived: bool,
}

fn require_admin(v: &Viewer) -> Result<(), WebError> {
    v.require(Area::Admin)
}

/// The venues.
pub async fn venues(State(state): State<AppState>, v: Viewer, RawQuery(raw): RawQuery) -> Result<Html, WebError> {
    require_admin(&v)?;
    let l = v.locale;
    let archived = show_archived(raw.as_deref());
    let venues = state
        .store
        .venues()
        .await?
        .into_iter()
        .filter(|x| archived || x.archived_at.is_none())
        .map(|x| ItemRow {
            detail: format!("{} · {} · {}", x.time_zone, x.currency, language_name(&x.locale)),
            fill: fill(&[("id", &x.id.to_string()), ("name", &x.name)]),
            id: x.id,
            name: x.name,
            archived: x.archived_at.is_some(),
        })
        .collect();
    render(&VenuesPage { v, venues, archived }, l)
}

#[derive(Template)]
#[template(path = "venue_settings.html")]
struct VenuePage {
    v: Viewer,
    id: i64,
    name: String,
    time_zone: String,
    currency: String,
    locale: String,
    /// The venue's language by name.
    locale_name: String,
    archived: bool,
    show_archived: bool,
    premises: Vec<PremisesBlock>,
    tariffs: Vec<ItemRow>,
    variants: Vec<ItemRow>,
    modifiers: Vec<ItemRow>,
    units: Vec<(&'static str, &'static str)>,
    locales: Vec<(&'static str, &'static str)>,
}

/// One venue's catalogue.
pub async fn venue(
    State(state): State<AppState>,
    v: Viewer,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Html, WebError> {
    require_admin(&v)?;
    let l = v.locale;
    let id: i64 = id.parse().map_err(|_| WebError::NotFound(l))?;
    let venue = state.store.venue(id).await?.ok_or(WebError::NotFound(l))?;
    let all = show_archived(raw.as_deref());
    let keep = |archived_at: Option<i64>| all || archived_at.is_none();
    let workplaces = state.store.workplaces(None).await?;
    let premises = state
        .store
        .premises_list(Some(id))
        .await?
        .into_iter()
        .filter(|p| keep(p.archived_at))
        .map(|p| {
            let coworking = p.kind == PremisesKind::Coworking;
            let directions = p.directions.clone().unwrap_or_default();
            PremisesBlock {
                workplaces: workplaces
                    .iter()
                    .filter(|w| w.premises_id == p.id && keep(w.archived_at))
                    .map(|w| ItemRow {
                        id: w.id,
                        name: w.name.clone(),
                        detail: String::new(),
                        archived: w.archived_at.is_some(),
                        fill: fill(&[("id", &w.id.to_string()), ("name", &w.name)]),
                    })
                    .collect(),
                coworking,
                row: ItemRow {
                    id: p.id,
                    detail: if coworking { v.ui.kind_coworking } else { v.ui.kind_hall }.to_owned(),
                    fill: fill(&[
                        ("id", &p.id.to_string()),
                        ("name", &p.name),
                        ("directions", &directions),
                    ]),
                    name: p.name,
                    archived: p.archived_at.is_some(),
                },
                directions,
            }
        })
        .collect();
    let money = |price: &str| money_text(price, &venue.currency, l);
    let tariffs = state
        .store
        .tariffs(Some(id))
        .await?
        .into_iter()
        .filter(|t| keep(t.archived_at))
        .map(|t| {
            let unit = TariffUnit::parse(&t.unit).map(|u| v.ui.unit(u)).unwrap_or("");
            ItemRow {
                detail: format!("{} / {unit}", money(&t.price)),
                fill: fill(&[("id", &t.id.to_string()), ("name", &t.name), ("price", &t.price)]),
                id: t.id,
                name: t.name,
                archived: t.archived_at.is_some(),
            }
        })
        .collect();
    let variants = state
        .store
        .service_variants(Some(id))
        .await?
        .into_iter()
        .filter(|s| keep(s.archived_at))
        .map(|s| ItemRow {
            detail: String::new(),
            fill: fill(&[("id", &s.id.to_string()), ("name", &s.name)]),
            id: s.id,
            name: s.name,
            archived: s.archived_at.is_some(),
        })
        .collect();
    let modifiers = state
        .store
        .modifiers(Some(id))
        .await?
        .into_iter()
        .filter(|m| keep(m.archived_at))
        .map(|m| ItemRow {
            detail: money(&m.price),
            fill: fill(&[("id", &m.id.to_string()), ("name", &m.name), ("price", &m.price)]),
            id: m.id,
            name: m.name,
            archived: m.archived_at.is_some(),
        })
        .collect();
    let page = VenuePage {
        id,
        name: venue.name,
        time_zone: venue.time_zone,
        currency: venue.currency,
        locale_name: language_name(&venue.locale).to_owned(),
        locale: venue.locale,
        archived: venue.archived_at.is_some(),
        show_archived: all,
        premises,
        tariffs,
        variants,
        modifiers,
        units: TariffUnit::ALL
            .into_iter()
            .map(|u| (u.as_str(), v.ui.unit(u)))
            .collect(),
        locales: Locale::ALL
            .into_iter()
            .zip(["Русский", "Български", "English"])
            .map(|(x, n)| (x.tag(), n))
            .collect(),
        v,
    };
    render(&page, l)
}

/// A language as its speakers name it (a venue's default language).
fn language_name(tag: &str) -> &str {
    match Locale::parse(tag) {
        Some(Locale::Ru) => "Русский",
        Some(Locale::Bg) => "Български",
        Some(Locale::En) => "English",
        None => tag,
    }
}
