//! Blocks under review: blocks run against blocks planned (the weekly
//! schedule), time in the blocks, minutes on the phone and dials per hour per
//! block. Blocks are selected by the period (when they started), the reps and
//! the themes of the filter; the other filters are about calls and do not
//! apply here.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use specta::Type;

use super::funnel::week_label;
use super::rollup;
use super::sql::Params;
use super::{Rate, ReportFilter};
use crate::domain::{Outcome, Settings};
use crate::error::Result;
use crate::time;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct BlockStats {
    /// Blocks the schedule planned in the period (up to now); `None` when no
    /// schedule exists for the selection.
    pub planned: Option<u32>,
    /// Blocks that ran and ended (completed, ended early or abandoned).
    pub run: u32,
    pub completed: u32,
    pub ended_early: u32,
    pub abandoned: u32,
    pub in_progress: u32,
    /// run / planned
    pub run_vs_planned: Option<Rate>,
    /// The planned length of the blocks that ran.
    pub planned_seconds: u32,
    /// Time from start to end of the blocks that ran, less their pauses.
    pub active_seconds: u32,
    /// Time on the phone in those blocks (sum of call lengths).
    pub phone_seconds: u32,
    pub dials: u32,
    pub connects: u32,
    pub conversations: u32,
    pub meetings: u32,
    /// dials / active hours
    pub dials_per_hour: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct BlockGroup {
    pub key: String,
    pub label: String,
    pub stats: BlockStats,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct DialsPerHourBin {
    pub from: u32,
    /// `None` for the last, open bin.
    pub to: Option<u32>,
    pub label: String,
    pub blocks: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct BlocksReport {
    /// True when the selected reps have a weekly schedule of blocks.
    pub schedule_defined: bool,
    pub total: BlockStats,
    pub by_rep: Vec<BlockGroup>,
    pub by_week: Vec<BlockGroup>,
    /// How many blocks ran at each pace (dials per active hour, bins of 5).
    pub dials_per_hour: Vec<DialsPerHourBin>,
    pub definitions: Vec<String>,
}

/// A block's active time, in whole seconds, from its row `b`: start to end
/// less its pauses (NULL while it runs). The one definition of "the
/// block's time" every figure per hour divides by.
pub const ACTIVE_SECONDS_SQL: &str = "CASE WHEN b.ended_at IS NULL THEN NULL ELSE max(0,
    CAST(round((julianday(b.ended_at) - julianday(b.started_at)) * 86400) AS INTEGER)
    - ifnull((SELECT CAST(round(sum(julianday(min(ifnull(pp.resumed_at, b.ended_at), b.ended_at))
        - julianday(pp.paused_at)) * 86400) AS INTEGER)
      FROM block_pauses pp WHERE pp.block_id = b.id), 0)) END";

/// A block's active time as [`ACTIVE_SECONDS_SQL`] computes it in SQLite,
/// from its start and end and its pauses (paused, resumed) as written
/// (`time::to_db`): the same arithmetic (Julian days as doubles, rounded
/// half away from zero), so that a store that reads the instants counts the
/// same seconds. `None` while it runs, or when an instant cannot be read.
pub fn active_seconds(
    started_at: &str,
    ended_at: Option<&str>,
    pauses: &[(String, Option<String>)],
) -> Option<u32> {
    // SQLite's julianday(): the instant in whole milliseconds from the
    // Julian epoch, divided as a double.
    let jd = |s: &str| -> Option<f64> {
        let ms = time::from_db(s).ok()?.timestamp_millis();
        Some((ms + 210_866_760_000_000) as f64 / 86_400_000.0)
    };
    let ended = ended_at?;
    let (start, end) = (jd(started_at)?, jd(ended)?);
    let whole = ((end - start) * 86_400.0).round() as i64;
    // sum() of doubles as SQLite (3.43 on) adds them: Kahan-Babuska-Neumaier.
    let (mut sum, mut err) = (0f64, 0f64);
    let mut any = false;
    for (at, resumed) in pauses {
        // min(ifnull(resumed, ended), ended), compared as text.
        let until = match resumed.as_deref() {
            Some(r) if r < ended => r,
            _ => ended,
        };
        let v = jd(until)? - jd(at)?;
        let t = sum + v;
        if sum.abs() > v.abs() {
            err += (sum - t) + v;
        } else {
            err += (v - t) + sum;
        }
        sum = t;
        any = true;
    }
    let paused = if any {
        ((sum + err) * 86_400.0).round() as i64
    } else {
        0
    };
    Some(u32::try_from((whole - paused).max(0)).unwrap_or(u32::MAX))
}

/// A block's bin of dials per active hour (bins of 5, the last, 12, open):
/// `None` while it runs or without active time. The team store counts the
/// same bins in SQL (`callblock_team::review::block_facts`; a test compares).
pub fn pace_bin(ended: bool, dials: u32, active: Option<u32>) -> Option<usize> {
    let a = active.filter(|a| *a > 0)?;
    if !ended {
        return None;
    }
    let dph = f64::from(dials) * 3600.0 / f64::from(a);
    Some(((dph / 5.0).floor() as usize).min(12))
}

/// Dials per hour: dials / active hours (pauses not counted); `None`
/// without active time. The block summary, the recent blocks and Review
/// all show this number.
pub fn dials_per_hour(dials: u32, active_seconds: u32) -> Option<f64> {
    (active_seconds > 0).then(|| f64::from(dials) * 3600.0 / f64::from(active_seconds))
}

/// One block as read from a copy, with the figures of its calls; or, from
/// the team store, `blocks` blocks of one rep (or one week), end and pace,
/// their figures summed (see [`BlockSums`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockFacts {
    /// How many blocks these are (1 for a block of this copy).
    pub blocks: u32,
    /// Their bin of dials per active hour ([`pace_bin`]), when they ran.
    pub pace_bin: Option<usize>,
    pub rep_id: String,
    /// The Monday (UTC) of the week it started, `YYYY-MM-DD`.
    pub week: String,
    /// `None` while it runs.
    pub end_reason: Option<String>,
    pub planned: u32,
    /// Start to end less pauses ([`ACTIVE_SECONDS_SQL`]); `None` while it runs.
    pub active: Option<u32>,
    pub dials: u32,
    pub connects: u32,
    pub conversations: u32,
    pub meetings: u32,
    pub talk_ms: u64,
}

/// The blocks the team store sums for a report, by rep and by week apart:
/// see [`blocks_of`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlockSums {
    pub by_rep: Vec<BlockFacts>,
    pub by_week: Vec<BlockFacts>,
}

#[derive(Default)]
struct Acc {
    s: BlockStats,
    talk_ms: u64,
}

impl Acc {
    fn add(&mut self, b: &BlockFacts) {
        let n = b.blocks;
        match b.end_reason.as_deref() {
            None => {
                self.s.in_progress += n;
                return;
            }
            Some("completed") => self.s.completed += n,
            Some("ended_early") => self.s.ended_early += n,
            _ => self.s.abandoned += n,
        }
        self.s.run += n;
        self.s.planned_seconds += b.planned;
        self.s.active_seconds += b.active.unwrap_or(0);
        self.talk_ms += b.talk_ms;
        self.s.dials += b.dials;
        self.s.connects += b.connects;
        self.s.conversations += b.conversations;
        self.s.meetings += b.meetings;
    }

    fn finish(mut self, planned: Option<u32>) -> BlockStats {
        self.s.phone_seconds = (self.talk_ms / 1000) as u32;
        self.s.dials_per_hour = dials_per_hour(self.s.dials, self.s.active_seconds);
        self.s.planned = planned;
        self.s.run_vs_planned = planned.map(|p| Rate::new(self.s.run, p));
        self.s
    }
}

pub fn blocks(
    conn: &Connection,
    filter: &ReportFilter,
    settings: &Settings,
) -> Result<BlocksReport> {
    let fresh = rollup::ensure_fresh(conn, settings);
    blocks_with(conn, filter, settings, fresh, time::now())
}

pub(crate) fn blocks_with(
    conn: &Connection,
    filter: &ReportFilter,
    settings: &Settings,
    fresh: bool,
    now: DateTime<Utc>,
) -> Result<BlocksReport> {
    let facts = block_facts(conn, filter, settings, fresh)?;
    let schedule = planned_blocks(conn, filter, now)?;
    let names: BTreeMap<String, String> = {
        let mut stmt = conn.prepare("SELECT id, name FROM reps")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    Ok(blocks_of(&facts, &facts, schedule, &names, settings))
}

/// The blocks report from its blocks (one definition, whichever store read
/// them), the planned blocks per (rep, week) of the weekly schedule
/// ([`planned_blocks`]) and the reps' names. `by_rep` counts for each
/// fact's rep and makes the total and the pace bins (a fact's week is not
/// read); `by_week` counts for each fact's week (its rep is not read). A
/// copy's blocks, one fact each, are both; the team store sums them by rep
/// and by week apart ([`BlockSums`]).
pub fn blocks_of(
    by_rep: &[BlockFacts],
    by_week: &[BlockFacts],
    schedule: Option<BTreeMap<(String, String), u32>>,
    names: &BTreeMap<String, String>,
    settings: &Settings,
) -> BlocksReport {
    // The blocks planned by rep and by week, summed once.
    let mut planned_reps: BTreeMap<&str, u32> = BTreeMap::new();
    let mut planned_weeks: BTreeMap<&str, u32> = BTreeMap::new();
    for ((rep, week), n) in schedule.iter().flatten() {
        *planned_reps.entry(rep.as_str()).or_default() += n;
        *planned_weeks.entry(week.as_str()).or_default() += n;
    }
    let planned = |m: &BTreeMap<&str, u32>, key: &str| -> Option<u32> {
        schedule.as_ref().map(|_| m.get(key).copied().unwrap_or(0))
    };

    let mut total = Acc::default();
    let mut reps: BTreeMap<String, Acc> = BTreeMap::new();
    let mut weeks: BTreeMap<String, Acc> = BTreeMap::new();
    let mut pace = [0u32; 13];
    for b in by_rep {
        total.add(b);
        reps.entry(b.rep_id.clone()).or_default().add(b);
        if let Some(bin) = b.pace_bin {
            pace[bin.min(12)] += b.blocks;
        }
    }
    for b in by_week {
        weeks.entry(b.week.clone()).or_default().add(b);
    }
    // Reps and weeks with a plan but no block show too.
    if let Some(m) = &schedule {
        for (rep, week) in m.keys() {
            reps.entry(rep.clone()).or_default();
            weeks.entry(week.clone()).or_default();
        }
    }
    let mut by_rep: Vec<BlockGroup> = reps
        .into_iter()
        .map(|(rep, acc)| BlockGroup {
            label: names.get(&rep).cloned().unwrap_or_else(|| rep.clone()),
            stats: acc.finish(planned(&planned_reps, &rep)),
            key: rep,
        })
        .collect();
    by_rep.sort_by_key(|g| g.label.to_lowercase());
    let by_week = weeks
        .into_iter()
        .map(|(week, acc)| BlockGroup {
            label: week_label(&week),
            stats: acc.finish(planned(&planned_weeks, &week)),
            key: week,
        })
        .collect();
    BlocksReport {
        schedule_defined: schedule.is_some(),
        total: total.finish(schedule.as_ref().map(|m| m.values().sum())),
        by_rep,
        by_week,
        dials_per_hour: pace_bins(&pace),
        definitions: definitions(settings, schedule.is_some()),
    }
}

/// Every block the filter selects, with the figures of its calls (from the
/// rollups when they are fresh, else from the calls).
///
/// See [`ACTIVE_SECONDS_SQL`] and [`dials_per_hour`] for the definitions
/// every view shares.
fn block_facts(
    conn: &Connection,
    filter: &ReportFilter,
    settings: &Settings,
    fresh: bool,
) -> Result<Vec<BlockFacts>> {
    let mut p = Params::default();
    let w = block_conditions(filter, &mut p);
    let (join, sums) = call_sums(settings, fresh);
    let sql = format!(
        "SELECT b.rep_id,
            date(substr(b.started_at, 1, 10), '-' || ((CAST(strftime('%w', substr(b.started_at, 1, 10)) AS INTEGER) + 6) % 7) || ' days'),
            b.end_reason, b.planned_seconds,
            {ACTIVE_SECONDS_SQL},
            {sums}
         FROM blocks b {join}
         WHERE {}
         GROUP BY b.id",
        super::sql::and(&w)
    );
    let mut stmt = conn.prepare(&sql)?;
    let facts = stmt
        .query_map(p.as_params(), |r| {
            let (end_reason, active, dials): (Option<String>, Option<u32>, u32) =
                (r.get(2)?, r.get(4)?, r.get(5)?);
            Ok(BlockFacts {
                blocks: 1,
                pace_bin: pace_bin(end_reason.is_some(), dials, active),
                rep_id: r.get(0)?,
                week: r.get(1)?,
                end_reason,
                planned: r.get(3)?,
                active,
                dials,
                connects: r.get(6)?,
                conversations: r.get(7)?,
                meetings: r.get(8)?,
                talk_ms: r.get::<_, i64>(9)?.max(0) as u64,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(facts)
}

/// Blocks by when they started, their rep and their themes.
fn block_conditions(filter: &ReportFilter, p: &mut Params) -> Vec<String> {
    let mut w = Vec::new();
    if let Some(f) = filter.from {
        w.push(format!("b.started_at >= {}", p.bind(time::to_db(f))));
    }
    if let Some(t) = filter.to {
        w.push(format!("b.started_at < {}", p.bind(time::to_db(t))));
    }
    if !filter.rep_ids.is_empty() {
        w.push(format!("b.rep_id IN {}", p.list(filter.rep_ids.clone())));
    }
    if !filter.theme_ids.is_empty() {
        w.push(format!(
            "EXISTS (SELECT 1 FROM block_themes bt WHERE bt.block_id = b.id AND bt.theme_id IN {})",
            p.list(filter.theme_ids.clone())
        ));
    }
    w
}

/// (join, columns): a block's dials, connects, conversations, meetings and
/// talk time, from the per-block rollup or from its calls.
fn call_sums(settings: &Settings, fresh: bool) -> (String, String) {
    let c = Outcome::CONNECT_SQL;
    if fresh {
        (
            "LEFT JOIN review_by_block s ON s.block_id = b.id".to_string(),
            "ifnull(sum(s.dials), 0), ifnull(sum(s.connects), 0), ifnull(sum(s.conversations), 0),
             ifnull(sum(s.meetings), 0), ifnull(sum(s.talk_ms), 0)"
                .to_string(),
        )
    } else {
        (
            "LEFT JOIN calls c ON c.block_id = b.id AND c.outcome IS NOT NULL".to_string(),
            format!(
                "count(c.id), count(c.id) FILTER (WHERE c.outcome IN {c}),
                 count(c.id) FILTER (WHERE c.outcome IN {c} AND (c.duration_ms >= {conv}
                    OR c.asked_for_meeting = 1 OR c.outcome = 'meeting')),
                 count(c.id) FILTER (WHERE c.outcome = 'meeting'), ifnull(sum(c.duration_ms), 0)",
                conv = i64::from(settings.conversation_seconds) * 1000
            ),
        )
    }
}

/// Blocks per pace, in bins of 5 dials an hour (the last one open).
fn pace_bins(pace: &[u32; 13]) -> Vec<DialsPerHourBin> {
    pace.iter()
        .enumerate()
        .map(|(i, &n)| {
            let from = i as u32 * 5;
            DialsPerHourBin {
                from,
                to: (i < 12).then_some(from + 5),
                label: if i < 12 {
                    format!("{from}-{}", from + 5)
                } else {
                    format!("{from}+")
                },
                blocks: n,
            }
        })
        .collect()
}

fn definitions(settings: &Settings, schedule_defined: bool) -> Vec<String> {
    let mut defs = super::definitions(settings);
    defs.push(
        "Blocks are selected by when they started, their rep and their themes; the other \
         filters apply to calls only."
            .into(),
    );
    defs.push(
        "Run: a block that ended (completed, ended early or abandoned). Planned: the block \
         slots of the weekly schedule from the start of the period (or from when the slot was \
         made) up to its end or now, whichever comes first."
            .into(),
    );
    defs.push(
        "Dials per hour: dials in the block / its active time (start to end, less pauses). \
         Minutes on the phone: the sum of the lengths of its calls."
            .into(),
    );
    if !schedule_defined {
        defs.push(
            "No weekly schedule of blocks exists for this selection, so blocks planned cannot \
             be counted."
                .into(),
        );
    }
    defs
}

/// Planned blocks per (rep, week Monday) from the weekly schedule, or
/// `None` when the selected reps have no block slots.
pub fn planned_blocks(
    conn: &Connection,
    filter: &ReportFilter,
    now: DateTime<Utc>,
) -> Result<Option<BTreeMap<(String, String), u32>>> {
    let mut p = Params::default();
    let mut w = vec!["kind = 'block'".to_string()];
    if !filter.rep_ids.is_empty() {
        w.push(format!("rep_id IN {}", p.list(filter.rep_ids.clone())));
    }
    if !filter.theme_ids.is_empty() {
        w.push(format!("theme_id IN {}", p.list(filter.theme_ids.clone())));
    }
    let sql = format!(
        "SELECT rep_id, weekday, start_minute, time_zone, created_at FROM schedule_slots WHERE {}",
        super::sql::and(&w)
    );
    let mut stmt = conn.prepare(&sql)?;
    let slots: Vec<(String, u32, u32, String, String)> = stmt
        .query_map(p.as_params(), |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    if slots.is_empty() {
        return Ok(None);
    }
    let end = filter.to.map_or(now, |t| t.min(now));
    // Counted by rep and Monday, written as text once per pair.
    let mut counts: BTreeMap<(&str, NaiveDate), u32> = BTreeMap::new();
    for (rep, weekday, minute, tz, created) in &slots {
        let (weekday, minute) = (*weekday, *minute);
        let tz = time::parse_tz(tz).unwrap_or(chrono_tz::UTC);
        let created = time::from_db(created).unwrap_or(end);
        let start = filter.from.map_or(created, |f| f.max(created));
        if start >= end {
            continue;
        }
        if weekday > 6 {
            continue;
        }
        let first: NaiveDate = start.with_timezone(&tz).date_naive() - Duration::days(1);
        let last: NaiveDate = end.with_timezone(&tz).date_naive() + Duration::days(1);
        // From the slot's first weekday on or after `first`, a week at a time.
        let lag = (weekday + 7 - first.weekday().num_days_from_monday()) % 7;
        let mut day = first + Duration::days(i64::from(lag));
        while day <= last {
            let local = day.and_time(NaiveTime::MIN) + Duration::minutes(i64::from(minute));
            if let Some(at) = tz.from_local_datetime(&local).earliest() {
                let at = at.with_timezone(&Utc);
                if at >= start && at < end {
                    let d = at.date_naive();
                    let monday = d - Duration::days(i64::from(d.weekday().num_days_from_monday()));
                    *counts.entry((rep.as_str(), monday)).or_default() += 1;
                }
            }
            day += Duration::days(7);
        }
    }
    Ok(Some(
        counts
            .into_iter()
            .map(|((rep, monday), n)| ((rep.to_string(), monday.format("%Y-%m-%d").to_string()), n))
            .collect(),
    ))
}
