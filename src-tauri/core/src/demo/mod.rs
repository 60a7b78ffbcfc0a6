//! A demo database: four themes of prospects (one of each kind the method
//! names), two reps, a theme-specific talk track with two versions and an
//! objection override, and two weeks of plausible blocks and calls played
//! through the same rules as real calls, so every view has something true to
//! show. Names, companies and numbers are fictional (555-01xx numbers,
//! `.example` e-mail domains).
//!
//! One seeded generator draws everything in a fixed order, so that the same
//! seed and day give the same demo: `data` holds the names and themes,
//! `people` the reps, themes and prospects, `playbook` the talk tracks
//! and the override, `history` the two weeks of blocks, `call` one call.

mod call;
mod data;
mod history;
mod people;
mod playbook;

use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::SeedableRng;
use rusqlite::Connection;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::settings as settings_store;
use crate::store::Store;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct DemoSummary {
    pub themes: u32,
    pub prospects: u32,
    pub reps: u32,
    pub blocks: u32,
    pub calls: u32,
    pub meetings: u32,
}

/// Fill an empty database with the demo. `now` anchors the two weeks of
/// history (they end the day before `now`).
/// The seed `callblock demo` and the window's "Load the demo" use.
pub const DEFAULT_SEED: u64 = 52;

pub fn fill(store: &mut Store, seed: u64, now: DateTime<Utc>) -> Result<DemoSummary> {
    if !store.is_empty()? {
        return Err(Error::Conflict(format!(
            "{} already has themes, prospects or calls; the demo only fills an empty database \
             (use another --db path)",
            store.path().display()
        )));
    }
    store.write(|tx| fill_in(tx, seed, now))
}

fn fill_in(c: &Connection, seed: u64, now: DateTime<Utc>) -> Result<DemoSummary> {
    let mut rng = StdRng::seed_from_u64(seed);
    let settings = settings_store::load(c)?;
    let created = now - Duration::days(21);
    let reps = people::reps(c)?;
    let lists = people::themes_and_prospects(c, &mut rng, created)?;
    let playbook = playbook::DemoPlaybook::create(c, &lists.theme_ids, created)?;
    let done =
        history::History::new(c, &settings, &lists, &playbook).two_weeks(&mut rng, &reps, now)?;
    Ok(DemoSummary {
        themes: data::THEMES.len() as u32,
        prospects: lists.prospects.len() as u32,
        reps: reps.len() as u32,
        blocks: done.blocks,
        calls: done.calls,
        meetings: done.meetings,
    })
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::time;

    #[test]
    fn demo_fills_every_view_and_follows_the_rules() {
        let mut store = Store::open_in_memory().unwrap();
        let now = Utc.with_ymd_and_hms(2026, 11, 20, 18, 0, 0).unwrap();
        let s = fill(&mut store, 7, now).unwrap();
        assert_eq!((s.themes, s.reps), (4, 2));
        assert_eq!(s.prospects, 1020);
        assert!(s.blocks >= 20, "{s:?}");
        assert!(s.calls >= 400, "{s:?}");
        assert!(s.meetings >= 1, "{s:?}");
        let c = store.conn();
        let n = |sql: &str| -> i64 { c.query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(n("SELECT count(*) FROM calls"), i64::from(s.calls));
        assert_eq!(n("SELECT count(*) FROM meetings"), i64::from(s.meetings));
        assert_eq!(n("SELECT count(*) FROM blocks"), i64::from(s.blocks));
        // Every block has calls: a rep with nobody to call does not start one.
        assert_eq!(
            n("SELECT count(*) FROM blocks b WHERE NOT EXISTS (SELECT 1 FROM calls WHERE block_id = b.id)"),
            0
        );
        // No call after now, none on a weekend for the rep, none twice on a day.
        assert_eq!(
            n(&format!(
                "SELECT count(*) FROM calls WHERE started_at >= '{}'",
                time::to_db(now)
            )),
            0
        );
        // Nobody was dialled after a do-not-call, no number after it was bad.
        assert_eq!(
            n(
                "SELECT count(*) FROM calls c JOIN calls d ON d.prospect_id = c.prospect_id
               WHERE d.started_at > c.started_at AND (c.outcome = 'do_not_call'
                  OR (c.outcome = 'bad_number' AND d.phone_e164 IS c.phone_e164))"
            ),
            0
        );
        // Prospect attempts agree with the calls made.
        assert_eq!(
            n("SELECT count(*) FROM prospects p WHERE attempts <> (SELECT count(*) FROM calls WHERE prospect_id = p.id)"),
            0
        );
        // Both talk-track versions of the logistics theme were used.
        assert_eq!(n("SELECT count(DISTINCT talk_track_version_id) FROM calls c JOIN themes t ON t.id = c.theme_id WHERE t.kind = 'vertical'"), 2);
        // The demo refuses a database that is not empty.
        assert!(fill(&mut store, 7, now).is_err());
    }
}
