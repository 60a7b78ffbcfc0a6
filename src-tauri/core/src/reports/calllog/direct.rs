//! Pages read straight from the calls: from the full-text or objection
//! index when the filter matches few calls, else in order from the calls,
//! the total counted up to a cap.

use rusqlite::Connection;

use super::cursor::{key_from, period, Key};
use super::page::{From, Placed};
use super::query::CallCount;
use super::walk::{keyset, Dir};
use crate::error::Result;
use crate::reports::sql::{self, Params};
use crate::reports::ReportFilter;

/// A text filter that matches at most this many calls is served from the
/// full-text index (a lookup per match by rowid).
const DRIVE_TEXT_MAX: i64 = 10_000;
/// An objection raised in at most this many calls is served from its index
/// (a lookup per call by id, dearer than by rowid).
const DRIVE_OBJECTION_MAX: i64 = 5_000;
/// Without rollups, the total is counted up to this.
const COUNT_CAP: i64 = 10_000;

/// When the text query or the objection matches few calls, read them all
/// from their own index and sort them.
pub(super) fn drive_small(conn: &Connection, filter: &ReportFilter) -> Result<Option<Vec<Key>>> {
    let text = filter.text_query();
    let text_n: Option<i64> = match &text {
        Some(q) => Some(conn.query_row(
            "SELECT count(*) FROM (SELECT 1 FROM calls_fts WHERE calls_fts MATCH ?1 LIMIT ?2)",
            rusqlite::params![q, DRIVE_TEXT_MAX + 1],
            |r| r.get(0),
        )?),
        None => None,
    };
    let obj_n: Option<i64> = match &filter.objection_id {
        Some(o) => Some(conn.query_row(
            "SELECT count(*) FROM (SELECT 1 FROM call_objections WHERE objection_id = ?1 LIMIT ?2)",
            rusqlite::params![o, DRIVE_OBJECTION_MAX + 1],
            |r| r.get(0),
        )?),
        None => None,
    };
    // Calls flagged for coaching are few: read from their table first.
    let use_flags = filter.flagged
        && conn.query_row(
            "SELECT count(*) FROM (SELECT 1 FROM call_flags WHERE flagged = 1 LIMIT ?1)",
            [DRIVE_OBJECTION_MAX + 1],
            |r| r.get::<_, i64>(0),
        )? <= DRIVE_OBJECTION_MAX;
    let use_text = !use_flags
        && matches!(text_n, Some(n) if n <= DRIVE_TEXT_MAX)
        && obj_n.is_none_or(|o| text_n.unwrap_or(0) <= o || o > DRIVE_OBJECTION_MAX);
    let use_obj = !use_flags && !use_text && matches!(obj_n, Some(n) if n <= DRIVE_OBJECTION_MAX);
    if !use_flags && !use_text && !use_obj {
        return Ok(None);
    }
    let mut p = Params::default();
    let driver = if use_flags {
        "(SELECT call_id AS cid FROM call_flags WHERE flagged = 1) m
         CROSS JOIN calls c ON c.id = m.cid"
            .to_string()
    } else if use_text {
        format!(
            "(SELECT rowid AS rid FROM calls_fts WHERE calls_fts MATCH {}) m CROSS JOIN calls c ON c.rowid = m.rid",
            p.bind(text.clone().unwrap_or_default())
        )
    } else {
        format!(
            "(SELECT DISTINCT call_id AS cid FROM call_objections WHERE objection_id = {}) m
             CROSS JOIN calls c ON c.id = m.cid",
            p.bind(filter.objection_id.clone().unwrap_or_default())
        )
    };
    let mut w = vec!["c.outcome IS NOT NULL".to_string()];
    w.extend(period(filter, &mut p));
    let rest = ReportFilter {
        text: if use_text { None } else { filter.text.clone() },
        objection_id: if use_obj {
            None
        } else {
            filter.objection_id.clone()
        },
        flagged: filter.flagged && !use_flags,
        ..filter.clone()
    };
    w.extend(sql::raw_conditions(&rest, &mut p));
    let sql = format!(
        "SELECT c.rowid, c.started_at, c.id FROM {driver} WHERE {}",
        sql::and(&w)
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut keys: Vec<Key> = stmt
        .query_map(p.as_params(), key_from)?
        .collect::<rusqlite::Result<_>>()?;
    keys.sort_by(|a, b| (&b.started_at, &b.id).cmp(&(&a.started_at, &a.id)));
    Ok(Some(keys))
}

pub(super) fn capped_count(conn: &Connection, filter: &ReportFilter) -> Result<CallCount> {
    let mut p = Params::default();
    let mut w = vec!["c.outcome IS NOT NULL".to_string()];
    w.extend(period(filter, &mut p));
    w.extend(sql::raw_conditions(filter, &mut p));
    let sql = format!(
        "SELECT count(*) FROM (SELECT 1 FROM calls c WHERE {} LIMIT {})",
        sql::and(&w),
        p.bind(COUNT_CAP + 1)
    );
    let n: i64 = conn.query_row(&sql, p.as_params(), |r| r.get(0))?;
    Ok(CallCount {
        value: n.min(COUNT_CAP) as u32,
        exact: n <= COUNT_CAP,
    })
}

/// The page read straight from the calls (no rollups): by OFFSET, or from
/// a cursor either way.
pub(super) fn plain(
    conn: &Connection,
    filter: &ReportFilter,
    from: &From,
    limit: usize,
) -> Result<Placed> {
    let mut p = Params::default();
    let mut w = vec!["c.outcome IS NOT NULL".to_string()];
    w.extend(period(filter, &mut p));
    w.extend(sql::raw_conditions(filter, &mut p));
    let (skip, order) = match from {
        From::Row(n) => (*n, "DESC"),
        From::After(c) => {
            w.push(keyset(c, Dir::Older, &mut p));
            (0, "DESC")
        }
        From::Before(c) => {
            w.push(keyset(c, Dir::Newer, &mut p));
            (0, "ASC")
        }
    };
    let sql = format!(
        "SELECT c.rowid, c.started_at, c.id FROM calls c WHERE {}
         ORDER BY c.started_at {order}, c.id {order} LIMIT {} OFFSET {}",
        sql::and(&w),
        p.bind(limit as i64 + 1),
        p.bind(i64::from(skip))
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut keys: Vec<Key> = stmt
        .query_map(p.as_params(), key_from)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(match from {
        From::Row(n) => Placed {
            keys,
            offset: Some(*n),
            before: *n > 0,
        },
        From::After(_) => Placed {
            keys,
            offset: None,
            before: true,
        },
        From::Before(c) => {
            if keys.len() <= limit {
                return plain(conn, filter, &From::Row(0), limit);
            }
            keys.truncate(limit);
            keys.reverse();
            keys.push(Key {
                rowid: -1,
                started_at: c.started_at.clone(),
                id: c.id.clone(),
            });
            Placed {
                keys,
                offset: None,
                before: true,
            }
        }
    })
}
