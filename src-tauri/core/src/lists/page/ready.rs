//! The prospects of a list callable now, in the table's order: the same
//! prospects the themes table counts as "Ready now" ([`crate::lists::DUE_SQL`]
//! and [`crate::queue::in_calling_hours`]), with the search box's text when there is
//! one. Read whole and sorted (each zone's hours looked at once), and
//! remembered for the next pages while nothing is written and the minute
//! stays the same.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};

use super::order::{Entry, ProspectKey};
use super::{memo, posts, search};
use crate::error::Result;

pub(super) fn list(
    conn: &Connection,
    theme_id: Option<&str>,
    text: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Arc<Vec<Entry>>> {
    let counts = posts::counts(conn, theme_id, None)?;
    // Remembered for this minute while nothing at all is written to the
    // database (a zone, or the settings' hours, change the list too): no
    // change by this connection (`total_changes`), none by another
    // (`data_version`).
    let minute = now.timestamp() / 60;
    let written: (i64, i64) = conn.query_row(
        "SELECT total_changes(), (SELECT data_version FROM pragma_data_version)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let key = memo::Key {
        path: conn.path().unwrap_or_default().to_string(),
        theme_id: theme_id.map(str::to_string),
        status: None,
        // Never a search's text: a search has no control characters.
        text: format!(
            "\u{1}ready {minute} {} {}\u{1}{}",
            written.0,
            written.1,
            text.unwrap_or("")
        ),
        list_version: counts.version,
        search_version: 0,
    };
    let remembered = counts.version >= 0;
    if let Some(all) = memo::get(&key).filter(|_| remembered) {
        return Ok(all);
    }
    let settings = crate::settings::load(conn)?;
    let pattern = text.map(search::like_pattern);
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT p.rowid, p.last_name, p.first_name, p.id, p.time_zone FROM prospects p
         WHERE p.theme_id IS ?1 AND ({}) AND {} AND (?3 IS NULL OR {})",
        crate::lists::DUE_SQL.replace("?1", "?2"),
        crate::team::lists::not_withdrawn_sql(conn)?,
        search::matches_sql("?3")
    ))?;
    let mut open: HashMap<Option<String>, bool> = HashMap::new();
    let mut all = Vec::new();
    let mut rows = stmt.query(params![theme_id, crate::time::to_db(now), pattern])?;
    while let Some(r) = rows.next()? {
        let zone: Option<String> = r.get(4)?;
        let inside = match open.get(&zone) {
            Some(v) => *v,
            None => {
                let v = crate::queue::in_calling_hours(zone.as_deref(), now, &settings);
                open.insert(zone, v);
                v
            }
        };
        if inside {
            all.push(Entry {
                rowid: r.get(0)?,
                key: ProspectKey {
                    last_name: r.get(1)?,
                    first_name: r.get(2)?,
                    id: r.get(3)?,
                },
            });
        }
    }
    all.sort_by(|a, b| a.key.order(&b.key));
    let all = Arc::new(all);
    if remembered {
        memo::put(key, all.clone());
    }
    Ok(all)
}
