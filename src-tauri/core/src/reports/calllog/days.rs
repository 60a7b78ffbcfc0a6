//! How many calls of the filter each stretch of days holds, from the
//! rollups: per month for the whole period (a dozen rows a year from the
//! monthly rollups), and per day for the one month a page starts in. The
//! counts are exact when the rollups know every part of the filter (period,
//! reps, themes, outcomes, length bands on the bins, or one objection with
//! neither outcome nor band), else upper bounds scaled by the share of calls
//! the text or the objection matches: an estimate.

use chrono::{Months, NaiveDate, TimeZone, Utc};
use rusqlite::Connection;

use super::query::CallCount;
use crate::domain::Settings;
use crate::error::Result;
use crate::reports::rollup::{self, Cube, BY_LENGTH, BY_OUTCOME, OBJECTIONS};
use crate::reports::sql::{self, Params};
use crate::reports::ReportFilter;

/// Days `[lo, hi)` (`YYYY-MM-DD`) and the calls of the filter in them.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Span {
    pub lo: String,
    pub hi: String,
    pub calls: f64,
}

/// Where the counts come from.
#[derive(Clone)]
enum Source {
    /// A rollup that knows the filter; the measure to sum.
    Cube(&'static Cube, &'static str),
    /// The objections' rollup: the calls that raised this objection.
    Objection(String),
}

/// The filter's calls per stretch of days, newest first.
#[derive(Clone)]
pub(super) struct Counts {
    source: Source,
    /// The filter the rollups are asked (all of it, or what they know of it).
    filter: ReportFilter,
    /// Each count times this (1 when exact).
    scale: f64,
    pub exact: bool,
    /// Per month, newest first.
    pub months: Vec<Span>,
}

impl Counts {
    /// What the estimates keep of the bounds (1 when exact).
    pub fn scale(&self) -> f64 {
        self.scale
    }

    pub fn total(&self) -> CallCount {
        CallCount {
            value: self.months.iter().map(|m| m.calls).sum::<f64>().round() as u32,
            exact: self.exact,
        }
    }

    /// The days of `month`, newest first.
    pub fn days_of(
        &self,
        conn: &Connection,
        settings: &Settings,
        month: &Span,
    ) -> Result<Vec<Span>> {
        let start = day_instant(&month.lo);
        let end = day_instant(&month.hi);
        let filter = ReportFilter {
            from: Some(self.filter.from.map_or(start, |f| f.max(start))),
            to: Some(self.filter.to.map_or(end, |t| t.min(end))),
            ..self.filter.clone()
        };
        let mut days = grouped(conn, &self.source, &filter, settings, false)?;
        for d in &mut days {
            d.calls *= self.scale;
        }
        Ok(days)
    }
}

fn day_instant(day: &str) -> chrono::DateTime<Utc> {
    NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map_or_else(Utc::now, |t| Utc.from_utc_datetime(&t))
}

/// Sum the measure per month (`months`) or per day, newest first.
fn grouped(
    conn: &Connection,
    source: &Source,
    filter: &ReportFilter,
    settings: &Settings,
    months: bool,
) -> Result<Vec<Span>> {
    let mut p = Params::default();
    let (cube, measure, only) = match source {
        Source::Cube(c, m) => (*c, *m, None),
        Source::Objection(o) => (&OBJECTIONS, "calls", Some(o.clone())),
    };
    let src = rollup::source_grains(cube, filter, settings, true, months, &mut p);
    let only = match only {
        Some(o) => format!("WHERE s.item_id = {}", p.bind(o)),
        None => String::new(),
    };
    let key = if months {
        "substr(s.day, 1, 7)"
    } else {
        "s.day"
    };
    let sql = format!(
        "SELECT {key}, sum(s.{measure}) FROM ({src}) s {only}
         GROUP BY 1 HAVING sum(s.{measure}) > 0 ORDER BY 1 DESC"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows: Vec<(String, i64)> = stmt
        .query_map(p.as_params(), |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows
        .into_iter()
        .map(|(k, n)| {
            let (lo, hi) = if months {
                let lo = format!("{k}-01");
                let hi = NaiveDate::parse_from_str(&lo, "%Y-%m-%d")
                    .ok()
                    .and_then(|d| d.checked_add_months(Months::new(1)))
                    .map_or_else(|| format!("{k}-99"), |d| d.format("%Y-%m-%d").to_string());
                (lo, hi)
            } else {
                let hi = NaiveDate::parse_from_str(&k, "%Y-%m-%d")
                    .ok()
                    .and_then(|d| d.succ_opt())
                    .map_or_else(|| format!("{k}U"), |d| d.format("%Y-%m-%d").to_string());
                (k, hi)
            };
            Span {
                lo,
                hi,
                calls: n as f64,
            }
        })
        .collect())
}

/// Per month, newest first. A period cut inside months is counted as its
/// whole months (the monthly rollups) less what lies outside the period in
/// its first and last months: usually fewer days than inside them.
fn months_of(
    conn: &Connection,
    source: &Source,
    filter: &ReportFilter,
    settings: &Settings,
) -> Result<Vec<Span>> {
    let floor = |t: chrono::DateTime<Utc>| day_instant(&format!("{}-01", t.format("%Y-%m")));
    let ceil = |t: chrono::DateTime<Utc>| {
        let f = floor(t);
        if f == t {
            t
        } else {
            f.checked_add_months(Months::new(1)).unwrap_or(t)
        }
    };
    let whole_from = filter.from.map(floor);
    let whole_to = filter.to.map(ceil);
    if whole_from == filter.from && whole_to == filter.to {
        return grouped(conn, source, filter, settings, true);
    }
    let whole = ReportFilter {
        from: whole_from,
        to: whole_to,
        ..filter.clone()
    };
    let mut months = grouped(conn, source, &whole, settings, true)?;
    let mut outside = Vec::new();
    if let (Some(lo), Some(from)) = (whole_from, filter.from) {
        if lo < from {
            let before = ReportFilter {
                from: Some(lo),
                to: Some(from),
                ..filter.clone()
            };
            outside.extend(grouped(conn, source, &before, settings, true)?);
        }
    }
    if let (Some(to), Some(hi)) = (filter.to, whole_to) {
        if to < hi {
            let after = ReportFilter {
                from: Some(to),
                to: Some(hi),
                ..filter.clone()
            };
            outside.extend(grouped(conn, source, &after, settings, true)?);
        }
    }
    for o in outside {
        if let Some(m) = months.iter_mut().find(|m| m.lo == o.lo) {
            m.calls -= o.calls;
        }
    }
    months.retain(|m| m.calls > 0.0);
    Ok(months)
}

/// The counts of `filter`: exact when the rollups know all of it, else the
/// bounds of what they know times the share of calls the rest matches.
pub(super) fn counts(
    conn: &Connection,
    filter: &ReportFilter,
    settings: &Settings,
) -> Result<Counts> {
    let cube_for = |f: &ReportFilter| {
        if f.duration.is_some() {
            Source::Cube(&BY_LENGTH, "calls")
        } else {
            Source::Cube(&BY_OUTCOME, "dials")
        }
    };
    let exact_cube =
        sql::cube_can_serve(filter, BY_OUTCOME.caps) || sql::cube_can_serve(filter, BY_LENGTH.caps);
    let without_objection = ReportFilter {
        objection_id: None,
        ..filter.clone()
    };
    let (source, asked, scale, exact) = if exact_cube {
        (cube_for(filter), filter.clone(), 1.0, true)
    } else if let (Some(o), true) = (
        &filter.objection_id,
        sql::cube_can_serve(&without_objection, OBJECTIONS.caps),
    ) {
        (Source::Objection(o.clone()), without_objection, 1.0, true)
    } else {
        // Bounds from what the rollups know, scaled by the share of calls
        // the text or the objection matches.
        let relaxed = ReportFilter {
            objection_id: None,
            text: None,
            flagged: false,
            talk_track_version_ids: vec![],
            duration: filter.duration.filter(|b| sql::band_bins(*b).is_some()),
            ..filter.clone()
        };
        (
            cube_for(&relaxed),
            relaxed,
            share(conn, filter, settings)?,
            false,
        )
    };
    let mut months = months_of(conn, &source, &asked, settings)?;
    for m in &mut months {
        m.calls *= scale;
    }
    Ok(Counts {
        source,
        filter: asked,
        scale,
        exact,
        months,
    })
}

/// Text matches counted exactly up to this many.
const TEXT_COUNTED: i64 = 50_000;
/// Past that, their share among this many of the last calls written.
const TEXT_SAMPLE: i64 = 20_000;

/// The share of calls the text query and the objection match overall (and
/// about half of its bins' calls for a band off the bins).
fn share(conn: &Connection, filter: &ReportFilter, settings: &Settings) -> Result<f64> {
    let all = f64::from(
        crate::reports::funnel::funnel_with(conn, &ReportFilter::default(), settings, true)?.dials,
    );
    if all == 0.0 {
        return Ok(0.0);
    }
    let mut share = 1.0f64;
    if let Some(q) = filter.text_query() {
        // Counted up to a cap (a cost of its matches); past it, the share of
        // the last calls written.
        let n: i64 = conn.query_row(
            "SELECT count(*) FROM (SELECT 1 FROM calls_fts WHERE calls_fts MATCH ?1 LIMIT ?2)",
            rusqlite::params![q, TEXT_COUNTED + 1],
            |r| r.get(0),
        )?;
        if n <= TEXT_COUNTED {
            share *= n as f64 / all;
        } else {
            let (hits, of): (i64, i64) = conn.query_row(
                "SELECT (SELECT count(*) FROM calls_fts WHERE calls_fts MATCH ?1 AND rowid > m.lo),
                        (SELECT count(*) FROM calls WHERE rowid > m.lo)
                 FROM (SELECT ifnull(max(rowid), 0) - ?2 AS lo FROM calls) m",
                rusqlite::params![q, TEXT_SAMPLE],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            share *= hits as f64 / of.max(1) as f64;
        }
    }
    if let Some(o) = &filter.objection_id {
        let n: i64 = conn.query_row(
            "SELECT count(DISTINCT call_id) FROM call_objections WHERE objection_id = ?1",
            [o],
            |r| r.get(0),
        )?;
        share *= n as f64 / all;
    }
    if filter.flagged {
        let n: i64 = conn.query_row(
            "SELECT count(*) FROM call_flags WHERE flagged = 1",
            [],
            |r| r.get(0),
        )?;
        share *= n as f64 / all;
    }
    if !filter.talk_track_version_ids.is_empty() {
        // The share of calls made with these versions (the version of a
        // call is indexed with nothing else: counted once over the calls).
        let mut p = Params::default();
        let n: i64 = conn.query_row(
            &format!(
                "SELECT count(*) FROM calls c WHERE c.outcome IS NOT NULL AND c.talk_track_version_id IN {}",
                p.list(filter.talk_track_version_ids.clone())
            ),
            p.as_params(),
            |r| r.get(0),
        )?;
        share *= n as f64 / all;
    }
    if filter.duration.is_some_and(|b| sql::band_bins(b).is_none()) {
        share *= 0.5;
    }
    Ok(share.min(1.0))
}
