//! A page of the log: which way it is found, and its rows.
//!
//! - A text query or an objection matching few calls: all of them, sorted.
//! - Otherwise the rollups say how many calls of the filter each month holds
//!   (and each day of the month the page starts in): a page at row n reads
//!   from the day that holds row n, past the rows of that day before it; a
//!   page after or before a cursor reads from the cursor's month on. When
//!   the counts are estimates (a text or an objection matching many calls,
//!   with what the rollups do not know), a row far down is placed by the
//!   estimate (the page says its row number is not known); near the top it
//!   is counted.
//! - Without rollups (a file this connection cannot write): the calls in
//!   order, the total counted up to a cap.

use rusqlite::types::Value;
use rusqlite::Connection;

use super::cursor::Key;
use super::days::{self, Counts, Span};
use super::direct::{capped_count, drive_small, plain};
use super::query::{CallCount, CallCursor, CallLogPage, CallLogQuery, CallLogRow};
use super::walk::{walk, Dir};
use crate::domain::{Outcome, Settings};
use crate::error::Result;
use crate::reports::rollup;
use crate::reports::sql::Params;

const MAX_LIMIT: u32 = 500;
/// With estimated counts, a row is counted exactly when reaching it reads
/// at most about this many calls.
pub(super) const COUNTED: f64 = 20_000.0;

/// Where a page starts.
#[derive(Debug, Clone)]
pub(super) enum From {
    Row(u32),
    After(CallCursor),
    Before(CallCursor),
}

/// A page's calls before their rows are read.
pub(super) struct Placed {
    /// Up to `limit + 1` calls, newest first (one more tells a next page).
    pub keys: Vec<Key>,
    /// The row number of the first, when known.
    pub offset: Option<u32>,
    /// Calls come before the first.
    pub before: bool,
}

pub fn call_log(
    conn: &Connection,
    query: &CallLogQuery,
    settings: &Settings,
) -> Result<CallLogPage> {
    let fresh = rollup::ensure_fresh(conn, settings);
    call_log_with(conn, query, settings, fresh)
}

/// How a page is found (the tests try each way).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tuning {
    /// Read a text or an objection matching few calls whole.
    pub drive_small: bool,
    /// With estimated counts, count row n when reaching it reads at most
    /// about this many calls.
    pub counted: f64,
}

pub(crate) const TUNING: Tuning = Tuning {
    drive_small: true,
    counted: COUNTED,
};

pub(crate) fn call_log_with(
    conn: &Connection,
    query: &CallLogQuery,
    settings: &Settings,
    fresh: bool,
) -> Result<CallLogPage> {
    call_log_tuned(conn, query, settings, fresh, TUNING)
}

pub(crate) fn call_log_tuned(
    conn: &Connection,
    query: &CallLogQuery,
    settings: &Settings,
    fresh: bool,
    t: Tuning,
) -> Result<CallLogPage> {
    if let Some(b) = query.filter.duration {
        b.validate()?;
    }
    let limit = query.limit.clamp(1, MAX_LIMIT) as usize;
    let filter = &query.filter;
    let from = match (&query.before, &query.after) {
        (Some(c), _) => From::Before(c.clone()),
        (None, Some(c)) => From::After(c.clone()),
        (None, None) => From::Row(query.offset),
    };
    let driven = if t.drive_small {
        drive_small(conn, filter)?
    } else {
        None
    };
    let (placed, total) = if let Some(driven) = driven {
        let total = CallCount {
            value: driven.len() as u32,
            exact: true,
        };
        (in_memory(driven, &from, limit), total)
    } else if fresh {
        let counts = days::counts(conn, filter, settings)?;
        (
            by_counts(conn, filter, settings, &counts, &from, limit, t)?,
            counts.total(),
        )
    } else {
        let total = capped_count(conn, filter)?;
        (plain(conn, filter, &from, limit)?, total)
    };
    let has_more = placed.keys.len() > limit;
    let keys: Vec<Key> = placed.keys.into_iter().take(limit).collect();
    let cursor = |k: &Key| CallCursor {
        started_at: k.started_at.clone(),
        id: k.id.clone(),
    };
    Ok(CallLogPage {
        next: if has_more {
            keys.last().map(cursor)
        } else {
            None
        },
        prev: if placed.before {
            keys.first().map(cursor)
        } else {
            None
        },
        rows: rows_for(conn, &keys)?,
        total,
        offset: placed.offset,
    })
}

/// A page of every matching call, held sorted (newest first).
fn in_memory(all: Vec<Key>, from: &From, limit: usize) -> Placed {
    let older = |k: &Key, c: &CallCursor| {
        (k.started_at.as_str(), k.id.as_str()) < (c.started_at.as_str(), c.id.as_str())
    };
    let first = match from {
        From::Row(n) => *n as usize,
        From::After(c) => all.iter().position(|k| older(k, c)).unwrap_or(all.len()),
        From::Before(c) => {
            // The calls newer than the cursor end where the older begin.
            let end = all
                .iter()
                .position(|k| older(k, c) || (k.started_at == c.started_at && k.id == c.id))
                .unwrap_or(all.len());
            end.saturating_sub(limit)
        }
    };
    Placed {
        offset: Some(first as u32),
        before: first > 0,
        keys: all.into_iter().skip(first).take(limit + 1).collect(),
    }
}

/// A page found through the rollups' counts.
fn by_counts(
    conn: &Connection,
    filter: &crate::reports::ReportFilter,
    settings: &Settings,
    counts: &Counts,
    from: &From,
    limit: usize,
    t: Tuning,
) -> Result<Placed> {
    // A text query the counts do not know is tested as the calls are read.
    let text = filter.text_query().filter(|_| !counts.exact);
    let text = text.as_deref();
    let month_of = |c: &CallCursor| c.started_at.get(..7).unwrap_or("").to_string();
    match from {
        From::Row(n) => {
            let n = *n as usize;
            let months = &counts.months;
            // Near the top of estimated counts, row n is counted: reaching
            // it reads about n / scale calls.
            if !counts.exact && n as f64 <= t.counted * counts.scale() {
                let keys = walk(conn, filter, months, Dir::Older, None, n, limit + 1, text)?;
                return Ok(Placed {
                    offset: Some(n as u32),
                    before: n > 0,
                    keys,
                });
            }
            // The month, then the day, that holds row n.
            let mut cum = 0.0;
            let mut i = 0;
            while i < months.len() && cum + months[i].calls <= n as f64 {
                cum += months[i].calls;
                i += 1;
            }
            if i == months.len() {
                return Ok(Placed {
                    keys: vec![],
                    offset: Some(n as u32),
                    before: n > 0,
                });
            }
            let days = counts.days_of(conn, settings, &months[i])?;
            let mut j = 0;
            while j < days.len() && cum + days[j].calls <= n as f64 {
                cum += days[j].calls;
                j += 1;
            }
            let mut spans: Vec<Span> = days[j.min(days.len())..].to_vec();
            spans.extend(months[i + 1..].iter().cloned());
            let skip = (n as f64 - cum).max(0.0).round() as usize;
            let keys = walk(
                conn,
                filter,
                &spans,
                Dir::Older,
                None,
                skip,
                limit + 1,
                text,
            )?;
            Ok(Placed {
                offset: counts.exact.then_some(n as u32),
                before: n > 0,
                keys,
            })
        }
        From::After(c) => {
            let m = month_of(c);
            let spans: Vec<Span> = counts
                .months
                .iter()
                .filter(|s| s.lo.get(..7).unwrap_or("") <= m.as_str())
                .cloned()
                .collect();
            let keys = walk(
                conn,
                filter,
                &spans,
                Dir::Older,
                Some(c),
                0,
                limit + 1,
                text,
            )?;
            Ok(Placed {
                keys,
                offset: None,
                before: true,
            })
        }
        From::Before(c) => {
            let m = month_of(c);
            let spans: Vec<Span> = counts
                .months
                .iter()
                .rev()
                .filter(|s| s.lo.get(..7).unwrap_or("") >= m.as_str())
                .cloned()
                .collect();
            let mut keys = walk(
                conn,
                filter,
                &spans,
                Dir::Newer,
                Some(c),
                0,
                limit + 1,
                text,
            )?;
            if keys.len() <= limit {
                // Less than a page before the cursor: the top of the log.
                return by_counts(conn, filter, settings, counts, &From::Row(0), limit, t);
            }
            keys.truncate(limit);
            keys.reverse();
            // The cursor's call comes after these: it stands for the next
            // page (its row is never read).
            keys.push(Key {
                rowid: -1,
                started_at: c.started_at.clone(),
                id: c.id.clone(),
            });
            Ok(Placed {
                keys,
                offset: None,
                before: true,
            })
        }
    }
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
            c.ring_ms,
            ifnull((SELECT flagged FROM call_flags f WHERE f.call_id = c.id), 0),
            (SELECT count(*) FROM call_comments m WHERE m.call_id = c.id AND m.deleted_at IS NULL)
         FROM calls c
         LEFT JOIN reps r ON r.id = c.rep_id
         LEFT JOIN themes t ON t.id = c.theme_id
         LEFT JOIN prospects p ON p.id = c.prospect_id
         WHERE c.rowid IN {list}"
    );
    let settings = crate::settings::load(conn)?;
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
                    outcome_label: settings.outcome_label(outcome).to_string(),
                    objections: objections
                        .map(|s| s.split('\u{1f}').map(str::to_string).collect())
                        .unwrap_or_default(),
                    notes: r.get(12)?,
                    has_gap_notes: r.get(13)?,
                    flagged: r.get(16)?,
                    comments: r.get(17)?,
                },
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let order: std::collections::HashMap<i64, usize> =
        keys.iter().enumerate().map(|(i, k)| (k.rowid, i)).collect();
    rows.sort_by_key(|(rid, _)| order.get(rid).copied().unwrap_or(usize::MAX));
    Ok(rows.into_iter().map(|(_, r)| r).collect())
}
