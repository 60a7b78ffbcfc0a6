//! The calls of a filter read in order over stretches of days, from a
//! cursor, older (newest first, the log's order) or newer: a batch of days
//! at a time, sized by how many calls they hold, each read in chunks from
//! the index that holds the fewest calls to look at. A text query matching
//! many calls is tested here, chunk by chunk, against the full-text index
//! within the chunk's rowids, rather than in SQL (SQLite would read every
//! match of the whole log for every query).

use std::collections::HashSet;

use rusqlite::Connection;

use super::cursor::{key_from, period, Key};
use super::days::Span;
use super::query::CallCursor;
use crate::error::Result;
use crate::reports::sql::{self, Params};
use crate::reports::ReportFilter;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Dir {
    /// Newest first: the log's order.
    Older,
    /// Oldest first: back towards the top of the log.
    Newer,
}

/// The calls of `rowids` whose notes match the text query, read from the
/// full-text index within their rowids' range: calls are written in time
/// order, so the calls of a stretch of days are a narrow range of rowids
/// (and any range gives the right answer, only slower).
fn text_matches(conn: &Connection, q: &str, rowids: &[i64]) -> Result<HashSet<i64>> {
    let (Some(lo), Some(hi)) = (rowids.iter().min(), rowids.iter().max()) else {
        return Ok(HashSet::new());
    };
    let mut stmt = conn.prepare_cached(
        "SELECT rowid FROM calls_fts WHERE calls_fts MATCH ?1 AND rowid BETWEEN ?2 AND ?3",
    )?;
    let found = stmt
        .query_map(rusqlite::params![q, lo, hi], |r| r.get(0))?
        .collect::<rusqlite::Result<HashSet<i64>>>()?;
    Ok(found)
}

/// The index a walk reads: the one that holds the fewest calls to look at
/// (one rep's, one outcome's, one theme's), else every call's in order with
/// the filter's columns.
fn index_for(filter: &ReportFilter) -> &'static str {
    if filter.rep_ids.len() == 1 {
        "calls_rep_started"
    } else if filter.outcomes.len() == 1 {
        "calls_outcome_started"
    } else if filter.theme_ids.len() == 1 {
        "calls_theme_started"
    } else {
        "calls_log"
    }
}

pub(super) fn keyset(c: &CallCursor, dir: Dir, p: &mut Params) -> String {
    let s = p.bind(c.started_at.clone());
    let id = p.bind(c.id.clone());
    match dir {
        Dir::Older => format!("(c.started_at < {s} OR (c.started_at = {s} AND c.id < {id}))"),
        Dir::Newer => format!("(c.started_at > {s} OR (c.started_at = {s} AND c.id > {id}))"),
    }
}

/// Up to `want` calls of `filter` in `spans` (given in walk order), past
/// `cursor` in `dir`, after passing over `skip` of them. With `text`, the
/// filter's text query is tested here (not asked of SQL). Contiguous spans are
/// read as one range of the index, in chunks, each from where the last
/// ended: no query sorts more than the ties of one instant.
#[allow(clippy::too_many_arguments)]
pub(super) fn walk(
    conn: &Connection,
    filter: &ReportFilter,
    spans: &[Span],
    dir: Dir,
    cursor: Option<&CallCursor>,
    skip: usize,
    want: usize,
    text: Option<&str>,
) -> Result<Vec<Key>> {
    let asked = ReportFilter {
        text: if text.is_some() {
            None
        } else {
            filter.text.clone()
        },
        ..filter.clone()
    };
    let order = match dir {
        Dir::Older => "DESC",
        Dir::Newer => "ASC",
    };
    let mut ranges: Vec<(String, String)> = Vec::new();
    for s in spans {
        let (lo, hi) = (format!("{}T", s.lo), format!("{}T", s.hi));
        match ranges.last_mut() {
            Some(r) if dir == Dir::Older && r.0 == hi => r.0 = lo,
            Some(r) if dir == Dir::Newer && r.1 == lo => r.1 = hi,
            _ => ranges.push((lo, hi)),
        }
    }
    let mut out: Vec<Key> = Vec::new();
    let mut skip = skip;
    let mut cursor = cursor.cloned();
    let index = index_for(filter);
    let mut chunk = if text.is_some() { 512 } else { want + skip };
    for (lo, hi) in &ranges {
        loop {
            if out.len() >= want {
                return Ok(out);
            }
            let mut p = Params::default();
            let mut w = vec![
                format!("c.started_at >= {}", p.bind(lo.clone())),
                format!("c.started_at < {}", p.bind(hi.clone())),
                "c.outcome IS NOT NULL".to_string(),
            ];
            w.extend(period(filter, &mut p));
            w.extend(sql::raw_conditions(&asked, &mut p));
            if let Some(c) = &cursor {
                w.push(keyset(c, dir, &mut p));
            }
            let n = chunk.clamp(1, MAX_CHUNK);
            let sql = format!(
                "SELECT c.rowid, c.started_at, c.id FROM calls c INDEXED BY {index}
                 WHERE {} ORDER BY c.started_at {order}, c.id {order} LIMIT {}",
                sql::and(&w),
                p.bind(n as i64),
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            let got: Vec<Key> = stmt
                .query_map(p.as_params(), key_from)?
                .collect::<rusqlite::Result<_>>()?;
            let read = got.len();
            let matching = match text {
                Some(q) => {
                    let rowids: Vec<i64> = got.iter().map(|k| k.rowid).collect();
                    Some(text_matches(conn, q, &rowids)?)
                }
                None => None,
            };
            for k in got {
                cursor = Some(CallCursor {
                    started_at: k.started_at.clone(),
                    id: k.id.clone(),
                });
                if matching.as_ref().is_some_and(|m| !m.contains(&k.rowid)) {
                    continue;
                }
                if skip > 0 {
                    skip -= 1;
                } else if out.len() < want {
                    out.push(k);
                }
            }
            if read < n {
                break;
            }
            chunk = (chunk * 2).min(MAX_CHUNK);
        }
    }
    Ok(out)
}

/// The most rows one query reads.
const MAX_CHUNK: usize = 8192;
