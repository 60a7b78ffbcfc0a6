//! Pages found through the rollups: they know how many calls each UTC day
//! holds for the filter (exactly, or at most), so a page reads only the
//! days that hold its rows.

use chrono::NaiveDate;
use rusqlite::Connection;

use super::cursor::{key_from, keyset, period, Key};
use super::query::{CallCount, CallCursor};
use crate::domain::Settings;
use crate::error::Result;
use crate::reports::rollup::{self, BY_LENGTH, BY_OUTCOME};
use crate::reports::sql::{self, Params};
use crate::reports::ReportFilter;

/// Per UTC day (newest first): calls the filter selects, exactly or at most.
pub(super) struct DayCounts {
    pub days: Vec<(String, u32)>,
    pub exact: bool,
}

pub(super) fn day_counts(
    conn: &Connection,
    filter: &ReportFilter,
    settings: &Settings,
) -> Result<DayCounts> {
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
pub(super) fn walk_days(
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

/// The total when the rollups only bound it: the bound times the share of
/// calls the text query or objection matches overall.
pub(super) fn estimate(
    conn: &Connection,
    filter: &ReportFilter,
    counts: &DayCounts,
    settings: &Settings,
) -> Result<CallCount> {
    let bound: u64 = counts.days.iter().map(|d| u64::from(d.1)).sum();
    let all = u64::from(
        crate::reports::funnel::funnel_with(conn, &ReportFilter::default(), settings, true)?.dials,
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
