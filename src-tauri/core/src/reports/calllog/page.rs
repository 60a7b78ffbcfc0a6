//! A page of the log: which way it is found (the rollups' day counts, an
//! index, or the calls in order), and its rows.

use super::cursor::Key;
use super::days::{day_counts, estimate, walk_days, DayCounts};
use super::direct::{capped_count, drive_small, plain};
use super::query::{CallCount, CallCursor, CallLogPage, CallLogQuery, CallLogRow};
use crate::domain::{Outcome, Settings};
use crate::error::Result;
use crate::reports::rollup::{self, BY_LENGTH, BY_OUTCOME};
use crate::reports::sql::{self, Params};
use crate::reports::ReportFilter;
use rusqlite::types::Value;
use rusqlite::Connection;

const MAX_LIMIT: u32 = 500;

pub fn call_log(
    conn: &Connection,
    query: &CallLogQuery,
    settings: &Settings,
) -> Result<CallLogPage> {
    let fresh = rollup::ensure_fresh(conn, settings);
    call_log_with(conn, query, settings, fresh)
}

pub(crate) fn call_log_with(
    conn: &Connection,
    query: &CallLogQuery,
    settings: &Settings,
    fresh: bool,
) -> Result<CallLogPage> {
    if let Some(b) = query.filter.duration {
        b.validate()?;
    }
    let limit = query.limit.clamp(1, MAX_LIMIT);
    let filter = &query.filter;
    let keys: Vec<Key>;
    let total: CallCount;
    let mut offset = if query.after.is_none() {
        Some(query.offset)
    } else {
        None
    };
    let exact_cube = fresh
        && (sql::cube_can_serve(filter, BY_OUTCOME.caps)
            || sql::cube_can_serve(filter, BY_LENGTH.caps));
    if exact_cube {
        let counts = day_counts(conn, filter, settings)?;
        total = CallCount {
            value: counts.days.iter().map(|d| d.1).sum(),
            exact: true,
        };
        keys = walk_days(
            conn,
            filter,
            &counts,
            query.after.as_ref(),
            query.offset,
            limit,
        )?;
    } else if let Some(driven) = drive_small(conn, filter)? {
        total = CallCount {
            value: driven.len() as u32,
            exact: true,
        };
        let start = match &query.after {
            Some(c) => driven
                .iter()
                .position(|k| k.before(c))
                .unwrap_or(driven.len()),
            None => (query.offset as usize).min(driven.len()),
        };
        keys = driven
            .into_iter()
            .skip(start)
            .take(limit as usize + 1)
            .collect();
    } else if fresh {
        // Per-day upper bounds from what the rollups know of the filter.
        let relaxed = ReportFilter {
            objection_id: None,
            text: None,
            duration: filter.duration.filter(|b| sql::band_bins(*b).is_some()),
            ..filter.clone()
        };
        let counts = DayCounts {
            exact: false,
            ..day_counts(conn, &relaxed, settings)?
        };
        total = estimate(conn, filter, &counts, settings)?;
        if query.after.is_none() && query.offset > 0 {
            keys = plain(conn, filter, None, query.offset, limit)?;
        } else {
            keys = walk_days(conn, filter, &counts, query.after.as_ref(), 0, limit)?;
        }
    } else {
        total = capped_count(conn, filter)?;
        keys = plain(conn, filter, query.after.as_ref(), query.offset, limit)?;
    }
    if query.after.is_some() {
        offset = None;
    }
    let has_more = keys.len() > limit as usize;
    let keys: Vec<Key> = keys.into_iter().take(limit as usize).collect();
    let next = if has_more {
        keys.last().map(|k| CallCursor {
            started_at: k.started_at.clone(),
            id: k.id.clone(),
        })
    } else {
        None
    };
    Ok(CallLogPage {
        rows: rows_for(conn, &keys)?,
        next,
        total,
        offset,
    })
}

fn rows_for(conn: &Connection, keys: &[Key]) -> Result<Vec<CallLogRow>> {
    if keys.is_empty() {
        return Ok(vec![]);
    }
    let mut p = Params::default();
    let list = p.list(keys.iter().map(|k| Value::Integer(k.rowid)));
    let sql = format!(
        "SELECT c.rowid, c.id, c.started_at, c.rep_id, ifnull(r.name, c.rep_id), c.theme_id, t.name,
            c.prospect_id, trim(ifnull(p.first_name, '') || ' ' || ifnull(p.last_name, '')),
            ifnull(p.company, ''), ifnull(c.duration_ms, 0), c.outcome, substr(c.notes, 1, 160),
            c.gap_current_state <> '' OR c.gap_objectives <> '' OR c.gap_impact <> '',
            (SELECT group_concat(label, char(31)) FROM (
                SELECT o.label AS label FROM call_objections co JOIN objections o ON o.id = co.objection_id
                WHERE co.call_id = c.id ORDER BY co.position)),
            c.ring_ms
         FROM calls c
         LEFT JOIN reps r ON r.id = c.rep_id
         LEFT JOIN themes t ON t.id = c.theme_id
         LEFT JOIN prospects p ON p.id = c.prospect_id
         WHERE c.rowid IN {list}"
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut rows: Vec<(i64, CallLogRow)> = stmt
        .query_map(p.as_params(), |r| {
            let outcome: Outcome = r.get(11)?;
            let objections: Option<String> = r.get(14)?;
            Ok((
                r.get(0)?,
                CallLogRow {
                    id: r.get(1)?,
                    started_at: r.get(2)?,
                    rep_id: r.get(3)?,
                    rep_name: r.get(4)?,
                    theme_id: r.get(5)?,
                    theme_name: r.get(6)?,
                    prospect_id: r.get(7)?,
                    prospect_name: r.get(8)?,
                    company: r.get(9)?,
                    duration_ms: r.get(10)?,
                    ring_ms: r.get(15)?,
                    outcome,
                    outcome_label: outcome.label().to_string(),
                    objections: objections
                        .map(|s| s.split('\u{1f}').map(str::to_string).collect())
                        .unwrap_or_default(),
                    notes: r.get(12)?,
                    has_gap_notes: r.get(13)?,
                },
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let order: std::collections::HashMap<i64, usize> =
        keys.iter().enumerate().map(|(i, k)| (k.rowid, i)).collect();
    rows.sort_by_key(|(rid, _)| order.get(rid).copied().unwrap_or(usize::MAX));
    Ok(rows.into_iter().map(|(_, r)| r).collect())
}
