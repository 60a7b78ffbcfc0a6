//! Past blocks as the Block view lists them, and a past block's summary.

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::block::{BlockRow, BlockSummary};
use crate::error::Result;
use crate::{settings, time};

/// A past block's summary, as the settings define its figures.
pub fn summary(conn: &Connection, block_id: &str) -> Result<BlockSummary> {
    let settings = settings::load(conn)?;
    crate::block::summary(conn, block_id, &settings, time::now())
}

/// Who is callable now on each theme (all themes when `theme_ids` is
/// empty), until when, and when the next window opens for the others.
pub fn callable(
    conn: &Connection,
    theme_ids: &[String],
) -> Result<Vec<crate::queue::ThemeCallable>> {
    let settings = settings::load(conn)?;
    crate::queue::callable(conn, theme_ids, &settings, time::now())
}

/// The newest blocks of every rep (1 to 500 of them).
pub fn recent(conn: &Connection, limit: u32) -> Result<Vec<BlockRow>> {
    crate::block::recent_blocks(conn, None, limit.clamp(1, 500))
}

/// A callback a prospect asked for, at its time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct DueCallback {
    pub prospect_id: String,
    pub name: String,
    pub company: String,
    pub theme_name: Option<String>,
    /// The time agreed (UTC).
    pub callback_at: String,
}

/// The callbacks due now: how many, and the oldest few.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct CallbacksDue {
    pub total: u32,
    pub oldest: Vec<DueCallback>,
}

/// The callbacks agreed for now or earlier and not yet made, oldest first
/// (at most `limit`), and how many there are in all.
pub fn callbacks_due(
    conn: &Connection,
    now: DateTime<Utc>,
    limit: u32,
) -> Result<(u32, Vec<DueCallback>)> {
    let now = time::to_db(now);
    let total: u32 = conn.query_row(
        "SELECT count(*) FROM prospects
         WHERE status = 'callback' AND callback_at <= ?1 AND do_not_call = 0 AND bad_number = 0",
        [&now],
        |r| r.get(0),
    )?;
    let mut stmt = conn.prepare_cached(
        "SELECT p.id, trim(p.first_name || ' ' || p.last_name), p.company, t.name, p.callback_at
         FROM prospects p LEFT JOIN themes t ON t.id = p.theme_id
         WHERE p.status = 'callback' AND p.callback_at <= ?1 AND p.do_not_call = 0 AND p.bad_number = 0
         ORDER BY p.callback_at, p.id LIMIT ?2",
    )?;
    let due = stmt
        .query_map(rusqlite::params![now, limit], |r| {
            Ok(DueCallback {
                prospect_id: r.get(0)?,
                name: r.get(1)?,
                company: r.get(2)?,
                theme_name: r.get(3)?,
                callback_at: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok((total, due))
}

/// The desktop notification for the callbacks that came due since the
/// last look (`announced` keeps what was said: a callback is said once, at
/// its time), while no block runs (a block puts them first in its queue).
pub fn callback_notification(
    due: &[DueCallback],
    block_running: bool,
    announced: &mut std::collections::HashSet<String>,
) -> Option<(String, String)> {
    let fresh: Vec<&DueCallback> = due
        .iter()
        .filter(|c| announced.insert(format!("{}@{}", c.prospect_id, c.callback_at)))
        .collect();
    if fresh.is_empty() || block_running {
        return None;
    }
    let who = |c: &DueCallback| {
        let name = if c.name.is_empty() {
            "a prospect"
        } else {
            &c.name
        };
        if c.company.is_empty() {
            name.to_string()
        } else {
            format!("{name} ({})", c.company)
        }
    };
    Some(match fresh.as_slice() {
        [one] => (
            format!("Callback due: {}", crate::quote::clipped(&one.name, 60)),
            format!(
                "{} asked to be called back now. Start a block to call them first.",
                crate::quote::clipped(&who(one), 120)
            ),
        ),
        many => (
            format!("{} callbacks due", many.len()),
            format!(
                "{} and {} more asked to be called back now. Start a block to call them first.",
                crate::quote::clipped(&who(many[0]), 120),
                many.len() - 1
            ),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn a_callback_is_said_once_at_its_time_and_not_during_a_block() {
        let f = crate::block::tests_fixture(3);
        let c = f.store.conn();
        let t0 = crate::block::tests::t0();
        c.execute(
            "UPDATE prospects SET status = 'callback', callback_at = ?2 WHERE id = ?1",
            [&f.prospects[0], &time::to_db(t0 + Duration::minutes(10))],
        )
        .unwrap();
        c.execute(
            "UPDATE prospects SET status = 'callback', callback_at = ?2 WHERE id = ?1",
            [&f.prospects[1], &time::to_db(t0 + Duration::minutes(20))],
        )
        .unwrap();
        let mut said = std::collections::HashSet::new();
        let (n, due) = callbacks_due(c, t0, 10).unwrap();
        assert_eq!((n, due.len()), (0, 0));
        assert_eq!(callback_notification(&due, false, &mut said), None);
        let (n, due) = callbacks_due(c, t0 + Duration::minutes(10), 10).unwrap();
        assert_eq!(n, 1);
        let (title, body) = callback_notification(&due, false, &mut said).unwrap();
        assert_eq!(title, "Callback due: P0 Doe");
        assert!(
            body.starts_with("P0 Doe (Acme) asked to be called back now"),
            "{body}"
        );
        assert_eq!(callback_notification(&due, false, &mut said), None, "once");
        // Due during a block: not said (the queue calls it first), nor later.
        let (n, due) = callbacks_due(c, t0 + Duration::minutes(25), 10).unwrap();
        assert_eq!(n, 2);
        assert_eq!(callback_notification(&due, true, &mut said), None);
        assert_eq!(callback_notification(&due, false, &mut said), None);
    }
}
