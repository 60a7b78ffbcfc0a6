//! The demo's reps, themes and prospects.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rand::rngs::StdRng;
use rand::Rng;
use rusqlite::Connection;

use super::data::{pick, slug, ThemeSpec, CITIES, COMPANY_A, FIRST, LAST, TEXAS, THEMES};
use crate::error::Result;
use crate::lists::{self, NewPhone, NewProspect};
use crate::reps::{self, Rep};
use crate::time;

/// A prospect as the demo's calls need it.
pub(super) struct DemoProspect {
    pub id: String,
    pub first: String,
    pub last: String,
    pub company: String,
    pub tz: Tz,
}

/// The themes (in [`THEMES`] order) and every prospect in them.
pub(super) struct DemoLists {
    pub theme_ids: Vec<String>,
    pub prospects: Vec<DemoProspect>,
}

/// Alex (Chicago, the current rep) and Sam (New York).
pub(super) fn reps(c: &Connection) -> Result<Vec<Rep>> {
    let alex = reps::create_rep(
        c,
        "Alex Rivera",
        Some("alex.rivera@callblock.example"),
        Some("America/Chicago"),
    )?;
    let sam = reps::create_rep(
        c,
        "Sam Okafor",
        Some("sam.okafor@callblock.example"),
        Some("America/New_York"),
    )?;
    reps::set_current_rep(c, &alex.id)?;
    Ok(vec![alex, sam])
}

/// Every theme of [`THEMES`] with its prospects, created at `created`.
pub(super) fn themes_and_prospects(
    c: &Connection,
    rng: &mut StdRng,
    created: DateTime<Utc>,
) -> Result<DemoLists> {
    let mut theme_ids = Vec::new();
    let mut prospects: Vec<DemoProspect> = Vec::new();
    for (ti, spec) in THEMES.iter().enumerate() {
        let theme = lists::create_theme(c, spec.name, spec.kind, spec.description)?;
        for n in 0..spec.size {
            prospects.push(prospect(c, rng, spec, ti, n, &theme.id, created)?);
        }
        theme_ids.push(theme.id);
    }
    Ok(DemoLists {
        theme_ids,
        prospects,
    })
}

/// The `n`th prospect of theme number `ti`.
fn prospect(
    c: &Connection,
    rng: &mut StdRng,
    spec: &ThemeSpec,
    ti: usize,
    n: usize,
    theme_id: &str,
    created: DateTime<Utc>,
) -> Result<DemoProspect> {
    let cities = if spec.texas { TEXAS } else { CITIES };
    let first = pick(rng, FIRST).to_string();
    let last = pick(rng, LAST).to_string();
    let company = format!("{} {}", pick(rng, COMPANY_A), pick(rng, spec.company_b));
    let (city, state, tz, area) = *pick(rng, cities);
    let phones = phones(rng, area, n);
    // A few prospects have no known time zone, as real lists do.
    let time_zone = if rng.random_bool(0.04) {
        None
    } else {
        Some(tz.to_string())
    };
    let id = lists::insert_prospect(
        c,
        &NewProspect {
            theme_id: Some(theme_id.to_string()),
            first_name: first.clone(),
            last_name: last.clone(),
            title: pick(rng, spec.titles).to_string(),
            company: company.clone(),
            email: Some(format!(
                "{}.{}@{}.example",
                slug(&first),
                slug(&last),
                slug(&company)
            )),
            city: if time_zone.is_some() {
                city.to_string()
            } else {
                String::new()
            },
            region: if time_zone.is_some() {
                state.to_string()
            } else {
                String::new()
            },
            country: "US".into(),
            time_zone: time_zone.clone(),
            industry: pick(rng, spec.industries).to_string(),
            employees: pick(rng, spec.employees).to_string(),
            phones,
            source_file: Some("demo".into()),
            crm_id: Some(format!("DEMO-{}-{n:04}", ti + 1)),
        },
        created,
    )?;
    Ok(DemoProspect {
        id,
        first,
        last,
        company,
        tz: time_zone
            .as_deref()
            .and_then(time::parse_tz)
            .unwrap_or(chrono_tz::America::Chicago),
    })
}

/// A direct line, and for some a switchboard with an extension.
fn phones(rng: &mut StdRng, area: &str, n: usize) -> Vec<NewPhone> {
    // 0100 to 0198: never the switchboard's 0199, so that a prospect's two
    // numbers differ (a bad number marks one of them).
    let line = format!("{:04}", 100 + (n % 99));
    let mut phones = vec![NewPhone {
        kind: "direct".into(),
        e164: Some(format!("+1{area}555{line}")),
        extension: None,
        raw: format!("({area}) 555-{line}"),
    }];
    if rng.random_bool(0.3) {
        let ext = rng.random_range(100..400).to_string();
        phones.push(NewPhone {
            kind: "corporate".into(),
            e164: Some(format!("+1{area}5550199")),
            extension: Some(ext.clone()),
            raw: format!("{area}.555.0199 ext. {ext}"),
        });
    }
    phones
}
