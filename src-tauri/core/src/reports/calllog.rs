//! The call log: completed calls newest first, filtered, a page at a time,
//! fast at any depth of a million calls; and one call's detail (its timeline).
//!
//! How a page is found. The rollups know how many calls each UTC day holds
//! for any filter of period, reps, themes, outcomes and length bands, so a
//! page reads only the days that hold its rows: the total is exact, a deep
//! offset skips whole days, and a sparse filter skips empty days. Filters the
//! rollups do not know (the text query, an objection) are served from their
//! own index when they match few calls (all matches are read and sorted), or
//! else by walking the days of the rest of the filter until the page is
//! full; the total is then an estimate, and says so.

use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::rollup::{self, BY_LENGTH, BY_OUTCOME};
use super::sql::{self, Params};
use super::ReportFilter;
use crate::domain::{Outcome, Settings};
use crate::error::{Error, Result};
use crate::time;

/// Where a page ends: the next page starts after this call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct CallCursor {
    pub started_at: String,
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(default)]
pub struct CallLogQuery {
    pub filter: ReportFilter,
    /// Continue after this call (keyset paging).
    pub after: Option<CallCursor>,
    /// Or start at this row of the list (0 = the newest call); used when
    /// `after` is `None`.
    pub offset: u32,
    /// Rows per page, 1 to 500.
    pub limit: u32,
}

impl Default for CallLogQuery {
    fn default() -> Self {
        CallLogQuery {
            filter: ReportFilter::default(),
            after: None,
            offset: 0,
            limit: 100,
        }
    }
}

/// How many calls the filter selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct CallCount {
    pub value: u32,
    /// False when `value` is an estimate (a text or objection filter over
    /// many calls): show it as "about".
    pub exact: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct CallLogRow {
    pub id: String,
    pub started_at: String,
    pub rep_id: String,
    pub rep_name: String,
    pub theme_id: Option<String>,
    pub theme_name: Option<String>,
    pub prospect_id: String,
    pub prospect_name: String,
    pub company: String,
    pub duration_ms: u32,
    pub outcome: Outcome,
    pub outcome_label: String,
    /// The objections raised, in order (labels).
    pub objections: Vec<String>,
    /// The first 160 characters of the notes.
    pub notes: String,
    pub has_gap_notes: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct CallLogPage {
    pub rows: Vec<CallLogRow>,
    /// `None` on the last page.
    pub next: Option<CallCursor>,
    pub total: CallCount,
    /// The row number of the first row, when known (offset paging).
    pub offset: Option<u32>,
}

const MAX_LIMIT: u32 = 500;
/// A text filter that matches at most this many calls is served from the
/// full-text index (a lookup per match by rowid).
const DRIVE_TEXT_MAX: i64 = 30_000;
/// An objection raised in at most this many calls is served from its index
/// (a lookup per call by id, dearer than by rowid).
const DRIVE_OBJECTION_MAX: i64 = 5_000;
/// Without rollups, the total is counted up to this.
const COUNT_CAP: i64 = 10_000;

/// Per UTC day (newest first): calls the filter selects, exactly or at most.
struct DayCounts {
    days: Vec<(String, u32)>,
    exact: bool,
}

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

/// A call's place in the list.
#[derive(Debug, Clone)]
struct Key {
    rowid: i64,
    started_at: String,
    id: String,
}

impl Key {
    /// True when this call comes after the cursor in the list (older).
    fn before(&self, c: &CallCursor) -> bool {
        (self.started_at.as_str(), self.id.as_str()) < (c.started_at.as_str(), c.id.as_str())
    }
}

fn key_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<Key> {
    Ok(Key {
        rowid: r.get(0)?,
        started_at: r.get(1)?,
        id: r.get(2)?,
    })
}

fn day_counts(conn: &Connection, filter: &ReportFilter, settings: &Settings) -> Result<DayCounts> {
    let mut p = Params::default();
    let (cube, measure) = if filter.duration.is_some() {
        (&BY_LENGTH, "calls")
    } else {
        (&BY_OUTCOME, "dials")
    };
    let src = rollup::source_grains(cube, filter, settings, true, false, &mut p);
    let sql = format!(
        "SELECT day, sum({measure}) FROM ({src}) s GROUP BY 1 HAVING sum({measure}) > 0 ORDER BY 1 DESC"
    );
    let mut stmt = conn.prepare(&sql)?;
    let days = stmt
        .query_map(p.as_params(), |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(DayCounts { days, exact: true })
}

fn next_day(day: &str) -> String {
    NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.succ_opt())
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| format!("{day}U"))
}

/// Find the page by reading only the days that hold its rows.
fn walk_days(
    conn: &Connection,
    filter: &ReportFilter,
    counts: &DayCounts,
    after: Option<&CallCursor>,
    offset: u32,
    limit: u32,
) -> Result<Vec<Key>> {
    let want = limit as usize + 1;
    let mut days: Vec<(String, u32)> = match after {
        Some(c) => {
            let cday = c.started_at.get(..10).unwrap_or("");
            counts
                .days
                .iter()
                .filter(|d| d.0.as_str() <= cday)
                .cloned()
                .collect()
        }
        None => counts.days.clone(),
    };
    // Skip whole days before the offset (exact counts only).
    let mut skip = offset as usize;
    if counts.exact {
        let mut drop = 0;
        for d in &days {
            if skip >= d.1 as usize {
                skip -= d.1 as usize;
                drop += 1;
            } else {
                break;
            }
        }
        days.drain(..drop);
    }
    let mut out: Vec<Key> = Vec::new();
    let mut at = 0;
    let mut factor = 1usize;
    while out.len() < want && at < days.len() {
        // Take days until they hold enough rows (bounds: grow the batch).
        let need = (want - out.len() + skip) * factor;
        let mut sum = 0usize;
        let start = at;
        while at < days.len() && (sum < need || at == start) {
            sum += days[at].1 as usize;
            at += 1;
        }
        let batch = &days[start..at];
        let mut p = Params::default();
        // Contiguous days become one range.
        let mut ranges: Vec<(String, String)> = Vec::new();
        for (d, _) in batch.iter().rev() {
            let lo = format!("{d}T");
            let hi = format!("{}T", next_day(d));
            match ranges.last_mut() {
                Some(r) if r.1 == lo => r.1 = hi,
                _ => ranges.push((lo, hi)),
            }
        }
        let values: Vec<String> = ranges
            .iter()
            .map(|(a, b)| format!("({}, {})", p.bind(a.clone()), p.bind(b.clone())))
            .collect();
        let mut w = vec![
            "c.started_at >= r.lo AND c.started_at < r.hi".to_string(),
            "c.outcome IS NOT NULL".to_string(),
        ];
        w.extend(period(filter, &mut p));
        w.extend(sql::raw_conditions(filter, &mut p));
        if let Some(c) = after {
            w.push(keyset(c, &mut p));
        }
        let sql = format!(
            "WITH r(lo, hi) AS (VALUES {})
             SELECT c.rowid, c.started_at, c.id FROM r CROSS JOIN calls c INDEXED BY calls_log
             WHERE {} ORDER BY c.started_at DESC, c.id DESC LIMIT {} OFFSET {}",
            values.join(", "),
            sql::and(&w),
            p.bind((want - out.len()) as i64),
            p.bind(skip as i64),
        );
        let mut stmt = conn.prepare(&sql)?;
        let got: Vec<Key> = stmt
            .query_map(p.as_params(), key_from)?
            .collect::<rusqlite::Result<_>>()?;
        skip = 0;
        out.extend(got);
        factor = (factor * 2).min(64);
    }
    Ok(out)
}

fn period(filter: &ReportFilter, p: &mut Params) -> Vec<String> {
    let mut w = Vec::new();
    if let Some(f) = filter.from {
        w.push(format!("c.started_at >= {}", p.bind(time::to_db(f))));
    }
    if let Some(t) = filter.to {
        w.push(format!("c.started_at < {}", p.bind(time::to_db(t))));
    }
    w
}

fn keyset(c: &CallCursor, p: &mut Params) -> String {
    let s = p.bind(c.started_at.clone());
    format!(
        "(c.started_at < {s} OR (c.started_at = {s} AND c.id < {}))",
        p.bind(c.id.clone())
    )
}

/// When the text query or the objection matches few calls, read them all
/// from their own index and sort them.
fn drive_small(conn: &Connection, filter: &ReportFilter) -> Result<Option<Vec<Key>>> {
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
    let use_text = matches!(text_n, Some(n) if n <= DRIVE_TEXT_MAX)
        && obj_n.map_or(true, |o| {
            text_n.unwrap_or(0) <= o || o > DRIVE_OBJECTION_MAX
        });
    let use_obj = !use_text && matches!(obj_n, Some(n) if n <= DRIVE_OBJECTION_MAX);
    if !use_text && !use_obj {
        return Ok(None);
    }
    let mut p = Params::default();
    let driver = if use_text {
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

/// The total when the rollups only bound it: the bound times the share of
/// calls the text query or objection matches overall.
fn estimate(
    conn: &Connection,
    filter: &ReportFilter,
    counts: &DayCounts,
    settings: &Settings,
) -> Result<CallCount> {
    let bound: u64 = counts.days.iter().map(|d| u64::from(d.1)).sum();
    let all = u64::from(
        super::funnel::funnel_with(conn, &ReportFilter::default(), settings, true)?.dials,
    );
    if all == 0 || bound == 0 {
        return Ok(CallCount {
            value: 0,
            exact: true,
        });
    }
    let mut share = 1.0f64;
    if let Some(q) = filter.text_query() {
        let n: i64 = conn.query_row(
            "SELECT count(*) FROM calls_fts WHERE calls_fts MATCH ?1",
            [q],
            |r| r.get(0),
        )?;
        share *= n as f64 / all as f64;
    }
    if let Some(o) = &filter.objection_id {
        let n: i64 = conn.query_row(
            "SELECT count(DISTINCT call_id) FROM call_objections WHERE objection_id = ?1",
            [o],
            |r| r.get(0),
        )?;
        share *= n as f64 / all as f64;
    }
    if filter.duration.is_some_and(|b| sql::band_bins(b).is_none()) {
        // A band off the bins: about the share of its bins' calls.
        share *= 0.5;
    }
    Ok(CallCount {
        value: (bound as f64 * share.min(1.0)).round() as u32,
        exact: false,
    })
}

fn capped_count(conn: &Connection, filter: &ReportFilter) -> Result<CallCount> {
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

/// The page read straight from the calls (no rollups).
fn plain(
    conn: &Connection,
    filter: &ReportFilter,
    after: Option<&CallCursor>,
    offset: u32,
    limit: u32,
) -> Result<Vec<Key>> {
    let mut p = Params::default();
    let mut w = vec!["c.outcome IS NOT NULL".to_string()];
    w.extend(period(filter, &mut p));
    w.extend(sql::raw_conditions(filter, &mut p));
    let skip = match after {
        Some(c) => {
            w.push(keyset(c, &mut p));
            0
        }
        None => offset,
    };
    let sql = format!(
        "SELECT c.rowid, c.started_at, c.id FROM calls c WHERE {}
         ORDER BY c.started_at DESC, c.id DESC LIMIT {} OFFSET {}",
        sql::and(&w),
        p.bind(i64::from(limit) + 1),
        p.bind(i64::from(skip))
    );
    let mut stmt = conn.prepare(&sql)?;
    let keys = stmt
        .query_map(p.as_params(), key_from)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(keys)
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
                WHERE co.call_id = c.id ORDER BY co.position))
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

// ---------------------------------------------------------------- detail

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Phase {
    pub key: String,
    pub label: String,
    pub from_seconds: u32,
    /// `None` for the last, open phase.
    pub to_seconds: Option<u32>,
    /// The call lasted into this phase.
    pub reached: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct CallObjection {
    pub position: u32,
    pub at_ms: u32,
    pub objection_id: String,
    pub label: String,
    pub response_id: Option<String>,
    pub response: Option<String>,
    pub response_version: Option<u32>,
    /// The key of the phase it came in.
    pub phase: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum TimelineKind {
    Phase,
    Objection,
    End,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct TimelineEvent {
    pub at_ms: u32,
    pub kind: TimelineKind,
    pub label: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct MeetingInfo {
    pub id: String,
    pub starts_at: String,
    pub duration_minutes: u32,
    pub format: String,
    pub email: String,
    pub invitation_sent_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct TalkTrackRef {
    pub version_id: String,
    pub name: String,
    pub version: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct CallDetail {
    pub id: String,
    pub started_at: String,
    pub ended_at: Option<String>,
    pub rep_id: String,
    pub rep_name: String,
    pub theme_id: Option<String>,
    pub theme_name: Option<String>,
    pub prospect_id: String,
    pub prospect_name: String,
    pub company: String,
    pub title: String,
    pub phone: Option<String>,
    pub prospect_time_zone: Option<String>,
    /// The prospect's local hour and weekday (0 = Monday) when called.
    pub local_hour: Option<u32>,
    pub local_weekday: Option<u32>,
    pub block_id: Option<String>,
    pub talk_track: Option<TalkTrackRef>,
    /// `None` while the call is in progress.
    pub duration_ms: Option<u32>,
    pub outcome: Option<Outcome>,
    pub outcome_label: String,
    pub asked_for_meeting: bool,
    pub callback_at: Option<String>,
    pub phases: Vec<Phase>,
    pub objections: Vec<CallObjection>,
    /// Phases reached, objections and the end, in time order.
    pub timeline: Vec<TimelineEvent>,
    pub notes: String,
    pub gap_current_state: String,
    pub gap_objectives: String,
    pub gap_impact: String,
    pub meeting: Option<MeetingInfo>,
}

/// The phases of a call from the settings' thresholds (domain.md section 3).
pub fn phases(settings: &Settings, duration_ms: Option<u32>) -> Vec<Phase> {
    let s = settings;
    let spec: [(&str, &str, u32, Option<u32>); 5] = [
        (
            "opening",
            "Opening: Engage Statement and Impact Question",
            0,
            Some(s.phase_opening_end),
        ),
        (
            "request",
            "The answer and the appointment request",
            s.phase_opening_end,
            Some(s.phase_request_end),
        ),
        (
            "objections",
            "Objections",
            s.phase_request_end,
            Some(s.phase_caution),
        ),
        (
            "closing",
            "A good call is done by now: ask for the meeting",
            s.phase_caution,
            Some(s.phase_limit),
        ),
        ("past_limit", "Past the outer limit", s.phase_limit, None),
    ];
    spec.iter()
        .map(|&(key, label, from, to)| Phase {
            key: key.into(),
            label: label.into(),
            from_seconds: from,
            to_seconds: to,
            reached: duration_ms
                .is_some_and(|d| u64::from(d) > u64::from(from) * 1000 || from == 0),
        })
        .collect()
}

fn phase_at(phases: &[Phase], at_ms: u32) -> String {
    phases
        .iter()
        .rev()
        .find(|p| u64::from(at_ms) >= u64::from(p.from_seconds) * 1000)
        .map(|p| p.key.clone())
        .unwrap_or_default()
}

pub fn call_detail(conn: &Connection, call_id: &str, settings: &Settings) -> Result<CallDetail> {
    let mut d = conn
        .query_row(
            "SELECT c.id, c.started_at, c.ended_at, c.rep_id, ifnull(r.name, c.rep_id), c.theme_id, t.name,
                c.prospect_id, trim(ifnull(p.first_name, '') || ' ' || ifnull(p.last_name, '')),
                ifnull(p.company, ''), ifnull(p.title, ''), c.phone_e164, c.prospect_time_zone,
                c.local_hour, c.local_weekday, c.block_id, c.talk_track_version_id, tt.name, v.version,
                c.duration_ms, c.outcome, c.asked_for_meeting, c.callback_at, c.notes,
                c.gap_current_state, c.gap_objectives, c.gap_impact
             FROM calls c
             LEFT JOIN reps r ON r.id = c.rep_id
             LEFT JOIN themes t ON t.id = c.theme_id
             LEFT JOIN prospects p ON p.id = c.prospect_id
             LEFT JOIN talk_track_versions v ON v.id = c.talk_track_version_id
             LEFT JOIN talk_tracks tt ON tt.id = v.talk_track_id
             WHERE c.id = ?1",
            [call_id],
            |r| {
                let outcome: Option<Outcome> = r.get(20)?;
                let tv: Option<String> = r.get(16)?;
                let duration: Option<u32> = r.get(19)?;
                Ok(CallDetail {
                    id: r.get(0)?,
                    started_at: r.get(1)?,
                    ended_at: r.get(2)?,
                    rep_id: r.get(3)?,
                    rep_name: r.get(4)?,
                    theme_id: r.get(5)?,
                    theme_name: r.get(6)?,
                    prospect_id: r.get(7)?,
                    prospect_name: r.get(8)?,
                    company: r.get(9)?,
                    title: r.get(10)?,
                    phone: r.get(11)?,
                    prospect_time_zone: r.get(12)?,
                    local_hour: r.get(13)?,
                    local_weekday: r.get(14)?,
                    block_id: r.get(15)?,
                    talk_track: match tv {
                        Some(id) => Some(TalkTrackRef {
                            version_id: id,
                            name: r.get::<_, Option<String>>(17)?.unwrap_or_default(),
                            version: r.get::<_, Option<u32>>(18)?.unwrap_or(0),
                        }),
                        None => None,
                    },
                    duration_ms: duration,
                    outcome,
                    outcome_label: outcome.map_or("In progress", |o| o.label()).to_string(),
                    asked_for_meeting: r.get(21)?,
                    callback_at: r.get(22)?,
                    phases: phases(settings, duration),
                    objections: vec![],
                    timeline: vec![],
                    notes: r.get(23)?,
                    gap_current_state: r.get(24)?,
                    gap_objectives: r.get(25)?,
                    gap_impact: r.get(26)?,
                    meeting: None,
                })
            },
        )
        .optional()?
        .ok_or_else(|| Error::NotFound {
            what: "call",
            id: call_id.to_string(),
        })?;
    let mut stmt = conn.prepare(
        "SELECT co.position, co.at_ms, co.objection_id, ifnull(o.label, co.objection_id),
            co.response_id, x.response, x.version
         FROM call_objections co
         LEFT JOIN objections o ON o.id = co.objection_id
         LEFT JOIN objection_responses x ON x.id = co.response_id
         WHERE co.call_id = ?1 ORDER BY co.position",
    )?;
    let objections: Vec<CallObjection> = stmt
        .query_map([call_id], |r| {
            let at: u32 = r.get(1)?;
            Ok(CallObjection {
                position: r.get(0)?,
                at_ms: at,
                objection_id: r.get(2)?,
                label: r.get(3)?,
                response_id: r.get(4)?,
                response: r.get(5)?,
                response_version: r.get(6)?,
                phase: phase_at(&d.phases, at),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    d.meeting = conn
        .query_row(
            "SELECT id, starts_at, duration_minutes, format, email, invitation_sent_at
             FROM meetings WHERE call_id = ?1",
            [call_id],
            |r| {
                Ok(MeetingInfo {
                    id: r.get(0)?,
                    starts_at: r.get(1)?,
                    duration_minutes: r.get(2)?,
                    format: r.get(3)?,
                    email: r.get(4)?,
                    invitation_sent_at: r.get(5)?,
                })
            },
        )
        .optional()?;
    let mut timeline: Vec<TimelineEvent> = d
        .phases
        .iter()
        .filter(|p| p.reached)
        .map(|p| TimelineEvent {
            at_ms: p.from_seconds * 1000,
            kind: TimelineKind::Phase,
            label: p.label.clone(),
            detail: String::new(),
        })
        .collect();
    for o in &objections {
        timeline.push(TimelineEvent {
            at_ms: o.at_ms,
            kind: TimelineKind::Objection,
            label: o.label.clone(),
            detail: o
                .response
                .clone()
                .unwrap_or_else(|| "No response recorded".into()),
        });
    }
    if let (Some(ms), Some(o)) = (d.duration_ms, d.outcome) {
        let detail = match (&d.meeting, &d.callback_at) {
            (Some(m), _) => format!("Meeting on {} ({})", m.starts_at, m.format),
            (None, Some(cb)) => format!("Call back at {cb}"),
            _ => String::new(),
        };
        timeline.push(TimelineEvent {
            at_ms: ms,
            kind: TimelineKind::End,
            label: o.label().to_string(),
            detail,
        });
    }
    timeline.sort_by_key(|e| {
        (
            e.at_ms,
            match e.kind {
                TimelineKind::Phase => 0,
                TimelineKind::Objection => 1,
                TimelineKind::End => 2,
            },
        )
    });
    d.objections = objections;
    d.timeline = timeline;
    Ok(d)
}

/// Every completed call of the filter, newest first, for exports: calls `f`
/// for each row in turn (streamed, so a million calls fit).
pub fn for_each_call(
    conn: &Connection,
    filter: &ReportFilter,
    mut f: impl FnMut(&ExportCall) -> Result<()>,
) -> Result<u32> {
    let mut p = Params::default();
    let mut w = vec!["c.outcome IS NOT NULL".to_string()];
    w.extend(period(filter, &mut p));
    w.extend(sql::raw_conditions(filter, &mut p));
    let sql = format!(
        "SELECT c.id, c.started_at, ifnull(r.name, c.rep_id), ifnull(t.name, ''),
            trim(ifnull(p.first_name, '') || ' ' || ifnull(p.last_name, '')), ifnull(p.company, ''),
            c.duration_ms, c.outcome, c.asked_for_meeting, c.local_hour, c.local_weekday,
            (SELECT group_concat(label, '; ') FROM (
                SELECT o.label AS label FROM call_objections co JOIN objections o ON o.id = co.objection_id
                WHERE co.call_id = c.id ORDER BY co.position)),
            c.notes, c.gap_current_state, c.gap_objectives, c.gap_impact,
            (SELECT starts_at FROM meetings m WHERE m.call_id = c.id)
         FROM calls c
         LEFT JOIN reps r ON r.id = c.rep_id
         LEFT JOIN themes t ON t.id = c.theme_id
         LEFT JOIN prospects p ON p.id = c.prospect_id
         WHERE {} ORDER BY c.started_at DESC, c.id DESC",
        sql::and(&w)
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query(p.as_params())?;
    let mut n = 0u32;
    while let Some(r) = rows.next()? {
        let outcome: Outcome = r.get(7)?;
        let call = ExportCall {
            id: r.get(0)?,
            started_at: r.get(1)?,
            rep: r.get(2)?,
            theme: r.get(3)?,
            prospect: r.get(4)?,
            company: r.get(5)?,
            duration_seconds: f64::from(r.get::<_, u32>(6)?) / 1000.0,
            outcome: outcome.as_str().to_string(),
            outcome_label: outcome.label().to_string(),
            asked_for_meeting: r.get(8)?,
            local_hour: r.get(9)?,
            local_weekday: r.get(10)?,
            objections: r.get::<_, Option<String>>(11)?.unwrap_or_default(),
            notes: r.get(12)?,
            gap_current_state: r.get(13)?,
            gap_objectives: r.get(14)?,
            gap_impact: r.get(15)?,
            meeting_at: r.get(16)?,
        };
        f(&call)?;
        n += 1;
    }
    Ok(n)
}

/// One call as `export calls` writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ExportCall {
    pub id: String,
    pub started_at: String,
    pub rep: String,
    pub theme: String,
    pub prospect: String,
    pub company: String,
    pub duration_seconds: f64,
    pub outcome: String,
    pub outcome_label: String,
    pub asked_for_meeting: bool,
    pub local_hour: Option<u32>,
    pub local_weekday: Option<u32>,
    /// Labels in order, separated by "; ".
    pub objections: String,
    pub notes: String,
    pub gap_current_state: String,
    pub gap_objectives: String,
    pub gap_impact: String,
    pub meeting_at: Option<String>,
}
