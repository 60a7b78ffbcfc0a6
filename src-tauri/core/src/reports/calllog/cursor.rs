//! A call's place in the log (newest first: by start, then id), and the
//! conditions that select calls within the period.

use crate::reports::sql::Params;
use crate::reports::ReportFilter;
use crate::time;

/// A call's place in the list.
#[derive(Debug, Clone)]
pub(super) struct Key {
    pub rowid: i64,
    pub started_at: String,
    pub id: String,
}

pub(super) fn key_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<Key> {
    Ok(Key {
        rowid: r.get(0)?,
        started_at: r.get(1)?,
        id: r.get(2)?,
    })
}

pub(super) fn period(filter: &ReportFilter, p: &mut Params) -> Vec<String> {
    let mut w = Vec::new();
    if let Some(f) = filter.from {
        w.push(format!("c.started_at >= {}", p.bind(time::to_db(f))));
    }
    if let Some(t) = filter.to {
        w.push(format!("c.started_at < {}", p.bind(time::to_db(t))));
    }
    w
}
