//! A block's life in the store (domain.md section 2): start on one or more
//! themes, pause and resume (paused time does not count), end early or at
//! the planned length; skips; the summary of what it yielded; blocks written
//! whole (the demo's history, bundles) and the list of recent blocks.
//!
//! Only the persisted facts live here (start, pauses, end). The calls made
//! in a block are [`crate::calls`]; the running clock is [`crate::clock`];
//! which prospect comes next is [`crate::queue`].

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::domain::{Outcome, Settings};
use crate::error::{Error, Result};
use crate::time;

/// Why a block ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// It ran its planned length.
    Completed,
    /// The rep ended it before the planned length.
    EndedEarly,
}

impl EndReason {
    pub fn as_str(self) -> &'static str {
        match self {
            EndReason::Completed => "completed",
            EndReason::EndedEarly => "ended_early",
        }
    }
}

/// A block as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockRecord {
    pub id: String,
    pub rep_id: String,
    pub theme_ids: Vec<String>,
    pub planned_seconds: u32,
    pub break_seconds: u32,
    pub started_at: DateTime<Utc>,
    /// (paused at, resumed at); the last may be open.
    pub pauses: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)>,
    pub ended_at: Option<DateTime<Utc>>,
    pub end_reason: Option<String>,
}

impl BlockRecord {
    pub fn is_paused(&self) -> bool {
        self.pauses
            .last()
            .is_some_and(|(_, resumed)| resumed.is_none())
    }

    pub fn is_running(&self) -> bool {
        self.ended_at.is_none()
    }
}

/// Start a block for `rep_id` on `theme_ids`, `planned_minutes` long (the
/// setting when `None`). A rep has one block at a time.
pub fn start_block(
    conn: &Connection,
    rep_id: &str,
    theme_ids: &[String],
    planned_minutes: Option<u32>,
    settings: &Settings,
    now: DateTime<Utc>,
) -> Result<BlockRecord> {
    let minutes = planned_minutes.unwrap_or(settings.block_minutes);
    if minutes == 0 || minutes > 240 {
        return Err(Error::invalid(
            "block length",
            "must be between 1 and 240 minutes",
        ));
    }
    if theme_ids.is_empty() {
        return Err(Error::invalid(
            "themes",
            "choose at least one theme to call",
        ));
    }
    for t in theme_ids {
        let known: Option<i64> = conn
            .query_row(
                "SELECT 1 FROM themes WHERE id = ?1 AND archived_at IS NULL",
                [t],
                |r| r.get(0),
            )
            .optional()?;
        if known.is_none() {
            return Err(Error::NotFound {
                what: "theme",
                id: t.clone(),
            });
        }
    }
    if let Some(running) = running_block(conn, rep_id)? {
        return Err(Error::Conflict(format!(
            "a block started at {} is still running; resume it or end it first",
            time::to_db(running.started_at)
        )));
    }
    let id = crate::ids::new_id();
    conn.execute(
        "INSERT INTO blocks (id, rep_id, planned_seconds, break_seconds, started_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, rep_id, minutes * 60, settings.break_minutes * 60, time::to_db(now)],
    )?;
    for t in theme_ids {
        conn.execute(
            "INSERT OR IGNORE INTO block_themes (block_id, theme_id) VALUES (?1, ?2)",
            params![id, t],
        )?;
    }
    load_block(conn, &id)
}

/// Add themes to a running block (one that ran dry): their prospects join
/// its queue after the themes it has. An unknown or archived theme is
/// refused; a theme the block has already is kept once.
pub fn add_themes(conn: &Connection, block_id: &str, theme_ids: &[String]) -> Result<BlockRecord> {
    let b = load_block(conn, block_id)?;
    if b.ended_at.is_some() {
        return Err(Error::Conflict("this block has ended".into()));
    }
    for t in theme_ids {
        let known: Option<i64> = conn
            .query_row(
                "SELECT 1 FROM themes WHERE id = ?1 AND archived_at IS NULL",
                [t],
                |r| r.get(0),
            )
            .optional()?;
        if known.is_none() {
            return Err(Error::NotFound {
                what: "theme",
                id: t.clone(),
            });
        }
        conn.execute(
            "INSERT OR IGNORE INTO block_themes (block_id, theme_id) VALUES (?1, ?2)",
            params![block_id, t],
        )?;
    }
    load_block(conn, block_id)
}

/// The break after a block (domain.md section 2: 17 minutes after 52), from
/// the persisted end of the rep's last block and its break length.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct BreakState {
    /// The block the break follows.
    pub block_id: String,
    pub started_at: String,
    pub ends_at: String,
    pub break_minutes: u32,
    /// Left at the moment this was read; 0 once it is over.
    pub remaining_ms: u32,
    pub over: bool,
}

/// How long after its end a break is still shown as over (the next block
/// offered); later the Block view simply offers a block.
const BREAK_SHOWN_AFTER_END: i64 = 30 * 60;

/// The rep's break after their last block at `now`, while it runs or ended
/// less than half an hour ago; `None` while a block runs, or without one.
pub fn break_state(
    conn: &Connection,
    rep_id: &str,
    now: DateTime<Utc>,
) -> Result<Option<BreakState>> {
    let last: Option<(String, Option<String>, u32)> = conn
        .prepare_cached(
            "SELECT id, ended_at, break_seconds FROM blocks WHERE rep_id = ?1
             ORDER BY started_at DESC LIMIT 1",
        )?
        .query_row([rep_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((block_id, Some(ended), break_seconds)) = last else {
        return Ok(None);
    };
    if break_seconds == 0 {
        return Ok(None);
    }
    let ended = time::from_db(&ended)?;
    let ends = ended + chrono::Duration::seconds(i64::from(break_seconds));
    if now >= ends + chrono::Duration::seconds(BREAK_SHOWN_AFTER_END) || now < ended {
        return Ok(None);
    }
    let remaining = (ends - now).num_milliseconds().max(0);
    Ok(Some(BreakState {
        block_id,
        started_at: time::to_db(ended),
        ends_at: time::to_db(ends),
        break_minutes: break_seconds.div_ceil(60),
        remaining_ms: u32::try_from(remaining).unwrap_or(u32::MAX),
        over: remaining == 0,
    }))
}

/// The words to say when a block starts outside the rep's prime time
/// (domain.md section 1: the block runs in the rep's peak hours), in the
/// rep's zone (`tz`; UTC when unknown); `None` inside it. A warning, never a
/// refusal.
pub fn prime_time_warning(
    settings: &Settings,
    tz: Option<Tz>,
    now: DateTime<Utc>,
) -> Option<String> {
    use chrono::Timelike;
    let local = now.with_timezone(&tz.unwrap_or(Tz::UTC));
    let minute = local.hour() * 60 + local.minute();
    let (from, to) = (
        settings.prime_time_start_minute,
        settings.prime_time_end_minute,
    );
    if (from..to).contains(&minute) {
        return None;
    }
    let hm = |m: u32| format!("{:02}:{:02}", m / 60, m % 60);
    Some(format!(
        "It is {} for you, outside your prime time ({}-{}{}): blocks go best in your peak hours. \
         The block runs all the same; the Plan view sets the window.",
        hm(minute),
        hm(from),
        hm(to),
        if tz.is_some() {
            ""
        } else {
            " UTC: set your time zone in the Plan view"
        }
    ))
}

pub fn load_block(conn: &Connection, id: &str) -> Result<BlockRecord> {
    let row = conn
        .query_row(
            "SELECT rep_id, planned_seconds, break_seconds, started_at, ended_at, end_reason FROM blocks WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, u32>(1)?,
                    r.get::<_, u32>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                ))
            },
        )
        .optional()?
        .ok_or_else(|| Error::NotFound {
            what: "block",
            id: id.to_string(),
        })?;
    let mut stmt = conn
        .prepare_cached("SELECT theme_id FROM block_themes WHERE block_id = ?1 ORDER BY rowid")?;
    let theme_ids = stmt
        .query_map([id], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT paused_at, resumed_at FROM block_pauses WHERE block_id = ?1 ORDER BY paused_at",
    )?;
    let pauses = stmt
        .query_map([id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?
        .into_iter()
        .map(|(p, r)| {
            Ok((
                time::from_db(&p)?,
                r.map(|r| time::from_db(&r)).transpose()?,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(BlockRecord {
        id: id.to_string(),
        rep_id: row.0,
        theme_ids,
        planned_seconds: row.1,
        break_seconds: row.2,
        started_at: time::from_db(&row.3)?,
        pauses,
        ended_at: row.4.map(|s| time::from_db(&s)).transpose()?,
        end_reason: row.5,
    })
}

/// The rep's block that has not ended, if any (after a crash, the one to reopen).
pub fn running_block(conn: &Connection, rep_id: &str) -> Result<Option<BlockRecord>> {
    let id: Option<String> = conn
        .query_row(
            "SELECT id FROM blocks WHERE rep_id = ?1 AND ended_at IS NULL ORDER BY started_at DESC LIMIT 1",
            [rep_id],
            |r| r.get(0),
        )
        .optional()?;
    id.map(|id| load_block(conn, &id)).transpose()
}

fn running(conn: &Connection, block_id: &str) -> Result<BlockRecord> {
    let b = load_block(conn, block_id)?;
    if !b.is_running() {
        return Err(Error::Conflict("this block has already ended".into()));
    }
    Ok(b)
}

/// The block, when a call may start in it now: it runs and is not paused.
pub fn callable(conn: &Connection, block_id: &str) -> Result<BlockRecord> {
    let b = running(conn, block_id)?;
    if b.is_paused() {
        return Err(Error::Conflict(
            "the block is paused; resume it to call".into(),
        ));
    }
    Ok(b)
}

/// True while a call of the block has no outcome yet.
fn has_open_call(conn: &Connection, block_id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM calls WHERE block_id = ?1 AND outcome IS NULL LIMIT 1")?
        .exists([block_id])?)
}

pub fn pause_block(conn: &Connection, block_id: &str, now: DateTime<Utc>) -> Result<()> {
    let b = running(conn, block_id)?;
    if b.is_paused() {
        return Err(Error::Conflict("the block is already paused".into()));
    }
    let at = now.max(b.started_at);
    conn.execute(
        "INSERT INTO block_pauses (id, block_id, paused_at) VALUES (?1, ?2, ?3)",
        params![crate::ids::new_id(), block_id, time::to_db(at)],
    )?;
    Ok(())
}

pub fn resume_block(conn: &Connection, block_id: &str, now: DateTime<Utc>) -> Result<()> {
    let b = running(conn, block_id)?;
    let Some((paused_at, None)) = b.pauses.last() else {
        return Err(Error::Conflict("the block is not paused".into()));
    };
    let at = now.max(*paused_at);
    conn.execute(
        "UPDATE block_pauses SET resumed_at = ?2 WHERE block_id = ?1 AND resumed_at IS NULL",
        params![block_id, time::to_db(at)],
    )?;
    Ok(())
}

/// End the block. A call still open must get its outcome first.
pub fn end_block(
    conn: &Connection,
    block_id: &str,
    reason: EndReason,
    now: DateTime<Utc>,
) -> Result<()> {
    let b = running(conn, block_id)?;
    if has_open_call(conn, block_id)? {
        return Err(Error::Conflict(
            "log the outcome of the call in progress before ending the block".into(),
        ));
    }
    let at = now.max(b.started_at);
    if b.is_paused() {
        conn.execute(
            "UPDATE block_pauses SET resumed_at = ?2 WHERE block_id = ?1 AND resumed_at IS NULL",
            params![block_id, time::to_db(at)],
        )?;
    }
    conn.execute(
        "UPDATE blocks SET ended_at = ?2, end_reason = ?3 WHERE id = ?1",
        params![block_id, time::to_db(at), reason.as_str()],
    )?;
    Ok(())
}

/// Skip a prospect in the block: logged, not a dial, not offered again in this block.
pub fn skip(
    conn: &Connection,
    block_id: &str,
    prospect_id: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let b = running(conn, block_id)?;
    conn.execute(
        "INSERT INTO skips (id, block_id, prospect_id, rep_id, skipped_at, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![crate::ids::new_id(), block_id, prospect_id, b.rep_id, time::to_db(now), reason],
    )?;
    Ok(())
}

/// What a block yielded (domain.md section 2), and how it compares with the
/// rep's earlier blocks on the same themes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct BlockSummary {
    pub block_id: String,
    pub started_at: String,
    pub ended_at: Option<String>,
    pub end_reason: Option<String>,
    pub planned_minutes: u32,
    /// Running time in seconds (pauses excluded).
    pub run_seconds: u32,
    pub dials: u32,
    pub connects: u32,
    pub conversations: u32,
    pub meetings: u32,
    pub callbacks: u32,
    pub skips: u32,
    pub dials_per_hour: f64,
    /// Per hour of running time, to compare a short block with longer ones.
    pub connects_per_hour: f64,
    pub conversations_per_hour: f64,
    pub meetings_per_hour: f64,
    /// This block ran much shorter than the earlier ones (under three
    /// quarters of their average): compare it per hour, not per block.
    pub compare_per_hour: bool,
    pub average_call_seconds: f64,
    pub longest_call_seconds: u32,
    /// Calls longer than the outer limit (3:00 by default).
    pub calls_past_limit: u32,
    /// The outer limit, in seconds, as the settings say (the label's "3:00").
    pub limit_seconds: u32,
    pub objections_heard: u32,
    pub break_minutes: u32,
    /// The rep's earlier ended blocks on the same themes, for comparison.
    pub previous: Option<PreviousBlocks>,
    /// How the figures are counted.
    pub definitions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct PreviousBlocks {
    pub blocks: u32,
    pub dials_per_block: f64,
    pub connects_per_block: f64,
    pub conversations_per_block: f64,
    pub meetings_per_block: f64,
    pub dials_per_hour: f64,
    pub connects_per_hour: f64,
    pub conversations_per_hour: f64,
    pub meetings_per_hour: f64,
    /// Their average running time, in seconds.
    pub average_run_seconds: f64,
}

struct Counts {
    funnel: crate::reports::Funnel,
    callbacks: u32,
    talk_ms: i64,
    longest_ms: u32,
    objections: u32,
}

/// The funnel of one block so far (its logged calls), counted as every
/// report counts it.
pub fn block_funnel(
    conn: &Connection,
    block_id: &str,
    settings: &Settings,
) -> Result<crate::reports::Funnel> {
    let ids =
        serde_json::to_string(&[block_id]).map_err(|e| Error::invalid("block", e.to_string()))?;
    Ok(block_counts(conn, &ids, settings)?.funnel)
}

/// The funnel of the blocks in `block_ids_json` (a JSON array), and the rest of a summary.
fn block_counts(conn: &Connection, block_ids_json: &str, settings: &Settings) -> Result<Counts> {
    let sql = format!(
        "SELECT {funnel},
            count(*) FILTER (WHERE c.outcome = 'callback'),
            ifnull(sum(c.duration_ms), 0),
            ifnull(max(c.duration_ms), 0),
            (SELECT count(*) FROM call_objections co JOIN calls c2 ON c2.id = co.call_id
               WHERE c2.block_id IN (SELECT value FROM json_each(?1)) AND c2.outcome IS NOT NULL)
         FROM calls c WHERE c.block_id IN (SELECT value FROM json_each(?1)) AND c.outcome IS NOT NULL",
        funnel = crate::reports::funnel::funnel_columns(settings)
    );
    Ok(conn.query_row(&sql, params![block_ids_json], |r| {
        Ok(Counts {
            funnel: crate::reports::funnel::funnel_from(r, 0)?,
            callbacks: r.get(6)?,
            talk_ms: r.get(7)?,
            longest_ms: r.get(8)?,
            objections: r.get(9)?,
        })
    })?)
}

fn run_seconds(b: &BlockRecord, now: DateTime<Utc>) -> u32 {
    let until = b.ended_at.unwrap_or(now);
    crate::clock::elapsed_from_record(b.started_at, &b.pauses, until).as_secs() as u32
}

fn per_hour(n: u32, seconds: u32) -> f64 {
    crate::reports::blocks::dials_per_hour(n, seconds).unwrap_or(0.0)
}

pub fn summary(
    conn: &Connection,
    block_id: &str,
    settings: &Settings,
    now: DateTime<Utc>,
) -> Result<BlockSummary> {
    let b = load_block(conn, block_id)?;
    let ids =
        serde_json::to_string(&[block_id]).map_err(|e| Error::invalid("block", e.to_string()))?;
    let c = block_counts(conn, &ids, settings)?;
    let skips: u32 = conn.query_row(
        "SELECT count(*) FROM skips WHERE block_id = ?1",
        [block_id],
        |r| r.get(0),
    )?;
    let run = run_seconds(&b, now);

    // Earlier ended blocks of the same rep that share a theme with this one.
    let themes =
        serde_json::to_string(&b.theme_ids).map_err(|e| Error::invalid("themes", e.to_string()))?;
    let mut stmt = conn.prepare(
        "SELECT DISTINCT b.id FROM blocks b JOIN block_themes bt ON bt.block_id = b.id
         WHERE b.rep_id = ?1 AND b.id <> ?2 AND b.ended_at IS NOT NULL AND b.started_at < ?3
           AND bt.theme_id IN (SELECT value FROM json_each(?4))",
    )?;
    let earlier: Vec<String> = stmt
        .query_map(
            params![b.rep_id, block_id, time::to_db(b.started_at), themes],
            |r| r.get(0),
        )?
        .collect::<rusqlite::Result<_>>()?;
    let previous = if earlier.is_empty() {
        None
    } else {
        let n = earlier.len() as u32;
        let ids =
            serde_json::to_string(&earlier).map_err(|e| Error::invalid("blocks", e.to_string()))?;
        let p = block_counts(conn, &ids, settings)?;
        let mut seconds = 0u32;
        for id in &earlier {
            seconds = seconds.saturating_add(run_seconds(&load_block(conn, id)?, now));
        }
        let per = |x: u32| f64::from(x) / f64::from(n);
        Some(PreviousBlocks {
            blocks: n,
            dials_per_block: per(p.funnel.dials),
            connects_per_block: per(p.funnel.connects),
            conversations_per_block: per(p.funnel.conversations),
            meetings_per_block: per(p.funnel.meetings),
            dials_per_hour: per_hour(p.funnel.dials, seconds),
            connects_per_hour: per_hour(p.funnel.connects, seconds),
            conversations_per_hour: per_hour(p.funnel.conversations, seconds),
            meetings_per_hour: per_hour(p.funnel.meetings, seconds),
            average_run_seconds: f64::from(seconds) / f64::from(n),
        })
    };
    let compare_per_hour = previous
        .as_ref()
        .is_some_and(|p| f64::from(run) < 0.75 * p.average_run_seconds);
    Ok(BlockSummary {
        block_id: block_id.to_string(),
        started_at: time::to_db(b.started_at),
        ended_at: b.ended_at.map(time::to_db),
        end_reason: b.end_reason.clone(),
        planned_minutes: b.planned_seconds / 60,
        run_seconds: run,
        dials: c.funnel.dials,
        connects: c.funnel.connects,
        conversations: c.funnel.conversations,
        meetings: c.funnel.meetings,
        callbacks: c.callbacks,
        skips,
        dials_per_hour: per_hour(c.funnel.dials, run),
        connects_per_hour: per_hour(c.funnel.connects, run),
        conversations_per_hour: per_hour(c.funnel.conversations, run),
        meetings_per_hour: per_hour(c.funnel.meetings, run),
        compare_per_hour,
        average_call_seconds: if c.funnel.dials == 0 {
            0.0
        } else {
            c.talk_ms as f64 / 1000.0 / f64::from(c.funnel.dials)
        },
        longest_call_seconds: c.longest_ms / 1000,
        calls_past_limit: c.funnel.calls_past_limit,
        limit_seconds: settings.phase_limit,
        objections_heard: c.objections,
        break_minutes: b.break_seconds / 60,
        previous,
        definitions: crate::reports::definitions(settings),
    })
}

/// A block that has already ended (the demo's history, imported bundles).
#[derive(Debug, Clone)]
pub struct FinishedBlock<'a> {
    pub rep_id: &'a str,
    pub theme_ids: &'a [String],
    pub planned_seconds: u32,
    pub break_seconds: u32,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    /// completed, ended_early or abandoned
    pub end_reason: &'a str,
}

pub fn insert_finished_block(conn: &Connection, b: &FinishedBlock<'_>) -> Result<String> {
    let id = crate::ids::new_id();
    conn.execute(
        "INSERT INTO blocks (id, rep_id, planned_seconds, break_seconds, started_at, ended_at, end_reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            id,
            b.rep_id,
            b.planned_seconds,
            b.break_seconds,
            time::to_db(b.started_at),
            time::to_db(b.ended_at),
            b.end_reason
        ],
    )?;
    for t in b.theme_ids {
        conn.execute(
            "INSERT INTO block_themes (block_id, theme_id) VALUES (?1, ?2)",
            params![id, t],
        )?;
    }
    Ok(id)
}

/// A block as the Block view lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct BlockRow {
    pub id: String,
    pub rep_name: String,
    pub themes: Vec<String>,
    pub started_at: String,
    pub ended_at: Option<String>,
    pub end_reason: Option<String>,
    pub planned_minutes: u32,
    pub dials: u32,
    pub connects: u32,
    pub meetings: u32,
    /// Seconds on the phone (sum of call durations).
    pub talk_seconds: u32,
    /// Start to end less pauses; `None` while the block runs.
    pub active_seconds: Option<u32>,
    /// Dials per active hour (see [`crate::reports::blocks::dials_per_hour`]).
    pub dials_per_hour: Option<f64>,
}

pub fn recent_blocks(conn: &Connection, rep_id: Option<&str>, limit: u32) -> Result<Vec<BlockRow>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT b.id, r.name,
            (SELECT group_concat(name, char(31)) FROM (SELECT t.name FROM block_themes bt
                JOIN themes t ON t.id = bt.theme_id WHERE bt.block_id = b.id ORDER BY t.name)),
            b.started_at, b.ended_at, b.end_reason, b.planned_seconds / 60,
            count(c.id),
            count(c.id) FILTER (WHERE c.outcome IN {connects}),
            count(c.id) FILTER (WHERE c.outcome = 'meeting'),
            ifnull(sum(c.duration_ms), 0) / 1000,
            {active}
         FROM blocks b JOIN reps r ON r.id = b.rep_id
         LEFT JOIN calls c ON c.block_id = b.id AND c.outcome IS NOT NULL
         WHERE ?1 IS NULL OR b.rep_id = ?1
         GROUP BY b.id
         ORDER BY b.started_at DESC LIMIT ?2",
        connects = Outcome::CONNECT_SQL,
        active = crate::reports::blocks::ACTIVE_SECONDS_SQL
    ))?;
    let rows = stmt.query_map(params![rep_id, limit], |r| {
        let themes: Option<String> = r.get(2)?;
        Ok(BlockRow {
            id: r.get(0)?,
            rep_name: r.get(1)?,
            themes: themes
                .map(|s| s.split('\u{1f}').map(str::to_string).collect())
                .unwrap_or_default(),
            started_at: r.get(3)?,
            ended_at: r.get(4)?,
            end_reason: r.get(5)?,
            planned_minutes: r.get(6)?,
            dials: r.get(7)?,
            connects: r.get(8)?,
            meetings: r.get(9)?,
            talk_seconds: r.get(10)?,
            active_seconds: r.get(11)?,
            dials_per_hour: None,
        })
    })?;
    let mut rows: Vec<BlockRow> = rows.collect::<rusqlite::Result<_>>()?;
    for b in &mut rows {
        b.dials_per_hour = b
            .active_seconds
            .and_then(|a| crate::reports::blocks::dials_per_hour(b.dials, a));
    }
    Ok(rows)
}

#[cfg(test)]
pub(crate) use tests::fixture as tests_fixture;

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::calls::{
        finish_call, log_objection, open_call, save_draft, start_call, CallNotes, CallResult,
        NewMeeting,
    };
    use crate::domain::{ProspectStatus, ThemeKind};
    use crate::lists::{create_theme, insert_prospect, NewPhone, NewProspect};
    use crate::reps::create_rep;
    use crate::store::Store;
    use chrono::{Duration, TimeZone};

    pub(crate) struct Fixture {
        pub store: Store,
        pub rep: String,
        pub theme: String,
        pub prospects: Vec<String>,
    }

    pub(crate) fn fixture(n: usize) -> Fixture {
        let store = Store::open_in_memory().unwrap();
        let c = store.conn();
        let rep = create_rep(c, "Alex", None, Some("America/Chicago"))
            .unwrap()
            .id;
        let theme = create_theme(c, "Texas", ThemeKind::Geography, "")
            .unwrap()
            .id;
        let prospects = (0..n)
            .map(|i| {
                insert_prospect(
                    c,
                    &NewProspect {
                        theme_id: Some(theme.clone()),
                        first_name: format!("P{i}"),
                        last_name: "Doe".into(),
                        company: "Acme".into(),
                        time_zone: Some("America/Chicago".into()),
                        phones: vec![NewPhone {
                            kind: "direct".into(),
                            e164: Some(format!("+1512555{:04}", i)),
                            extension: None,
                            raw: format!("512-555-{:04}", i),
                        }],
                        ..NewProspect::default()
                    },
                    t0(),
                )
                .unwrap()
            })
            .collect();
        Fixture {
            store,
            rep,
            theme,
            prospects,
        }
    }

    /// Monday 2026-11-23 15:00 UTC = 09:00 in Chicago.
    pub(crate) fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 15, 0, 0).unwrap()
    }

    fn result(outcome: Outcome) -> CallResult {
        CallResult {
            outcome,
            callback_at: None,
            meeting: None,
            notes: CallNotes::default(),
            asked_for_meeting: false,
        }
    }

    #[test]
    fn a_block_starts_pauses_resumes_and_ends_once() {
        let f = fixture(1);
        let c = f.store.conn();
        let s = Settings::default();
        let b = start_block(c, &f.rep, std::slice::from_ref(&f.theme), None, &s, t0()).unwrap();
        assert_eq!(b.planned_seconds, 52 * 60);
        assert_eq!(b.break_seconds, 17 * 60);
        let again =
            start_block(c, &f.rep, std::slice::from_ref(&f.theme), None, &s, t0()).unwrap_err();
        assert!(again.to_string().contains("still running"), "{again}");

        pause_block(c, &b.id, t0() + Duration::minutes(10)).unwrap();
        assert!(pause_block(c, &b.id, t0() + Duration::minutes(11)).is_err());
        assert!(load_block(c, &b.id).unwrap().is_paused());
        let e = start_call(
            c,
            &b.id,
            &f.prospects[0],
            None,
            t0() + Duration::minutes(12),
        )
        .unwrap_err();
        assert!(e.to_string().contains("paused"), "{e}");
        resume_block(c, &b.id, t0() + Duration::minutes(15)).unwrap();
        assert!(resume_block(c, &b.id, t0() + Duration::minutes(16)).is_err());

        let rec = running_block(c, &f.rep).unwrap().unwrap();
        assert_eq!(
            crate::clock::elapsed_from_record(
                rec.started_at,
                &rec.pauses,
                t0() + Duration::minutes(20)
            ),
            std::time::Duration::from_secs(15 * 60)
        );
        end_block(
            c,
            &b.id,
            EndReason::EndedEarly,
            t0() + Duration::minutes(20),
        )
        .unwrap();
        assert!(running_block(c, &f.rep).unwrap().is_none());
        assert!(end_block(c, &b.id, EndReason::Completed, t0() + Duration::minutes(21)).is_err());
    }

    #[test]
    fn a_call_is_written_when_it_starts_and_completed_with_its_outcome() {
        let mut f = fixture(2);
        let s = Settings::default();
        let b = start_block(
            f.store.conn(),
            &f.rep,
            std::slice::from_ref(&f.theme),
            Some(30),
            &s,
            t0(),
        )
        .unwrap();
        let p = f.prospects[0].clone();
        let call = f
            .store
            .write(|tx| start_call(tx, &b.id, &p, None, t0() + Duration::seconds(5)))
            .unwrap();
        // The open call is there for a restart, with its objections and draft notes.
        let (obj_id, resp_id): (String, String) = f
            .store
            .conn()
            .query_row(
                "SELECT o.id, r.id FROM objections o JOIN objection_responses r ON r.objection_id = o.id LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        let c = f.store.conn();
        let first = log_objection(c, &call.id, &obj_id, Some(&resp_id), 61_000).unwrap();
        let second = log_objection(c, &call.id, &obj_id, Some(&resp_id), 83_000).unwrap();
        assert_eq!((first.position, second.position), (1, 2));
        save_draft(
            c,
            &call.id,
            &CallNotes {
                notes: "uses spreadsheets".into(),
                ..CallNotes::default()
            },
        )
        .unwrap();
        let open = open_call(c, &b.id).unwrap().unwrap();
        assert_eq!(open.objections.len(), 2);
        assert_eq!(open.notes.notes, "uses spreadsheets");
        assert_eq!(open.started_at, t0() + Duration::seconds(5));
        // Another prospect cannot be called while this call is open, nor can the block end.
        assert!(start_call(c, &b.id, &f.prospects[1], None, t0()).is_err());
        assert!(end_block(c, &b.id, EndReason::EndedEarly, t0()).is_err());

        let mut r = result(Outcome::NotInterested);
        r.notes = open.notes.clone();
        let done = f
            .store
            .write(|tx| finish_call(tx, &call.id, &r, t0() + Duration::seconds(95), &s))
            .unwrap();
        assert_eq!(done.duration_ms, 90_000);
        assert_eq!(done.prospect_status, ProspectStatus::NotInterested);
        let c = f.store.conn();
        assert!(open_call(c, &b.id).unwrap().is_none());
        assert!(
            log_objection(c, &call.id, &obj_id, None, 1).is_err(),
            "a finished call takes no more objections"
        );
        assert!(
            finish_call(c, &call.id, &r, t0(), &s).is_err(),
            "an outcome is logged once"
        );
    }

    #[test]
    fn do_not_call_and_bad_numbers_cannot_be_dialled() {
        let f = fixture(2);
        let c = f.store.conn();
        let s = Settings::default();
        c.execute(
            "UPDATE prospects SET status = 'do_not_call', do_not_call = 1 WHERE id = ?1",
            [&f.prospects[0]],
        )
        .unwrap();
        c.execute(
            "UPDATE prospects SET status = 'bad_number', bad_number = 1 WHERE id = ?1",
            [&f.prospects[1]],
        )
        .unwrap();
        let b = start_block(c, &f.rep, std::slice::from_ref(&f.theme), None, &s, t0()).unwrap();
        assert!(start_call(c, &b.id, &f.prospects[0], None, t0()).is_err());
        assert!(start_call(c, &b.id, &f.prospects[1], None, t0()).is_err());
    }

    #[test]
    fn a_meeting_needs_a_valid_email_and_a_callback_a_future_time() {
        let f = fixture(1);
        let c = f.store.conn();
        let s = Settings::default();
        let b = start_block(c, &f.rep, std::slice::from_ref(&f.theme), None, &s, t0()).unwrap();
        let call = start_call(c, &b.id, &f.prospects[0], None, t0()).unwrap();
        let mut r = result(Outcome::Meeting);
        r.meeting = Some(NewMeeting {
            starts_at: t0() + Duration::days(2),
            duration_minutes: 30,
            email: "not an address".into(),
            format: "web".into(),
        });
        let e = finish_call(c, &call.id, &r, t0() + Duration::minutes(4), &s).unwrap_err();
        assert!(e.to_string().contains("not an e-mail address"), "{e}");
        let mut cb = result(Outcome::Callback);
        cb.callback_at = Some(t0() - Duration::hours(1));
        assert!(finish_call(c, &call.id, &cb, t0() + Duration::minutes(4), &s).is_err());
        assert!(
            open_call(c, &b.id).unwrap().is_some(),
            "nothing was written"
        );
    }

    #[test]
    fn the_summary_counts_the_block_and_compares_with_earlier_blocks() {
        let mut f = fixture(8);
        let s = Settings::default();
        let theme = vec![f.theme.clone()];
        // An earlier block: 2 dials, 1 connect.
        let earlier = start_block(
            f.store.conn(),
            &f.rep,
            &theme,
            Some(52),
            &s,
            t0() - Duration::days(1),
        )
        .unwrap();
        let mut at = t0() - Duration::days(1);
        for (p, o) in [
            (&f.prospects[6], Outcome::NoAnswer),
            (&f.prospects[7], Outcome::NotInterested),
        ] {
            let call = start_call(f.store.conn(), &earlier.id, p, None, at).unwrap();
            at += Duration::seconds(30);
            finish_call(f.store.conn(), &call.id, &result(o), at, &s).unwrap();
        }
        end_block(
            f.store.conn(),
            &earlier.id,
            EndReason::Completed,
            t0() - Duration::days(1) + Duration::minutes(52),
        )
        .unwrap();

        let b = start_block(f.store.conn(), &f.rep, &theme, Some(52), &s, t0()).unwrap();
        // (outcome, seconds): 6 dials, 3 connects, 2 conversations, 1 meeting, 1 past 3:00.
        let plan = [
            (Outcome::NoAnswer, 20),
            (Outcome::Voicemail, 50),
            (Outcome::NotInterested, 40),
            (Outcome::Callback, 70),
            (Outcome::Meeting, 200),
            (Outcome::Gatekeeper, 30),
        ];
        let mut at = t0();
        for (i, (o, secs)) in plan.iter().enumerate() {
            let c = f.store.conn();
            let call = start_call(c, &b.id, &f.prospects[i], None, at).unwrap();
            // Someone picked up at once: the whole call is talk.
            crate::calls::mark_answered(c, &call.id, at).unwrap();
            if *o == Outcome::NotInterested {
                let oid: String = c
                    .query_row("SELECT id FROM objections LIMIT 1", [], |r| r.get(0))
                    .unwrap();
                log_objection(c, &call.id, &oid, None, 10_000).unwrap();
                log_objection(c, &call.id, &oid, None, 30_000).unwrap();
            }
            at += Duration::seconds(*secs);
            let mut r = result(*o);
            if *o == Outcome::Callback {
                r.callback_at = Some(at + Duration::days(1));
            }
            if *o == Outcome::Meeting {
                r.meeting = Some(NewMeeting {
                    starts_at: at + Duration::days(2),
                    duration_minutes: 30,
                    email: "p4@acme.example".into(),
                    format: "web".into(),
                });
            }
            f.store
                .write(|tx| finish_call(tx, &call.id, &r, at, &s))
                .unwrap();
        }
        skip(f.store.conn(), &b.id, &f.prospects[6], "", at).unwrap();
        end_block(
            f.store.conn(),
            &b.id,
            EndReason::EndedEarly,
            t0() + Duration::minutes(30),
        )
        .unwrap();
        let sum = summary(f.store.conn(), &b.id, &s, t0() + Duration::hours(1)).unwrap();
        assert_eq!(
            (
                sum.dials,
                sum.connects,
                sum.conversations,
                sum.meetings,
                sum.callbacks
            ),
            (6, 3, 2, 1, 1)
        );
        assert_eq!(sum.skips, 1);
        assert_eq!(sum.run_seconds, 30 * 60);
        assert_eq!(sum.dials_per_hour, 12.0);
        assert_eq!(sum.average_call_seconds, 410.0 / 6.0);
        assert_eq!(sum.longest_call_seconds, 200);
        assert_eq!(sum.calls_past_limit, 1);
        assert_eq!(sum.objections_heard, 2);
        let prev = sum.previous.unwrap();
        assert_eq!(prev.blocks, 1);
        assert_eq!((prev.dials_per_block, prev.connects_per_block), (2.0, 1.0));
        // 30 minutes against a 52-minute block: compared per hour.
        assert_eq!(prev.average_run_seconds, 52.0 * 60.0);
        assert!(sum.compare_per_hour);
        assert_eq!(sum.connects_per_hour, 6.0);
        assert!((prev.connects_per_hour - 60.0 / 52.0).abs() < 1e-9);
        assert!(!sum.definitions.is_empty());
    }

    #[test]
    fn dials_per_hour_is_one_number_in_the_summary_the_recent_blocks_and_review() {
        let f = fixture(8);
        let s = Settings::default();
        let c = f.store.conn();
        let theme = vec![f.theme.clone()];
        let b = start_block(c, &f.rep, &theme, Some(52), &s, t0()).unwrap();
        let mut at = t0();
        for p in &f.prospects[..6] {
            let call = start_call(c, &b.id, p, None, at).unwrap();
            at += Duration::seconds(40);
            finish_call(c, &call.id, &result(Outcome::NoAnswer), at, &s).unwrap();
        }
        // A 10-minute pause: 40 minutes on the wall, 30 of them active.
        pause_block(c, &b.id, t0() + Duration::minutes(10)).unwrap();
        resume_block(c, &b.id, t0() + Duration::minutes(20)).unwrap();
        end_block(
            c,
            &b.id,
            EndReason::EndedEarly,
            t0() + Duration::minutes(40),
        )
        .unwrap();

        let sum = summary(c, &b.id, &s, t0() + Duration::hours(1)).unwrap();
        assert_eq!(sum.run_seconds, 30 * 60);
        assert_eq!(sum.dials_per_hour, 12.0, "6 dials in 30 active minutes");
        let row = recent_blocks(c, None, 5).unwrap().remove(0);
        assert_eq!(row.active_seconds, Some(30 * 60));
        assert_eq!(row.dials_per_hour, Some(12.0));
        let review = crate::reports::blocks::blocks(c, &Default::default(), &s).unwrap();
        assert_eq!(review.total.dials_per_hour, Some(12.0));
    }

    fn add_mobile(c: &rusqlite::Connection, prospect: &str) {
        c.execute(
            "INSERT INTO prospect_phones (prospect_id, position, kind, e164, raw)
             VALUES (?1, 1, 'mobile', '+15125559999', '512 555 9999')",
            [prospect],
        )
        .unwrap();
    }

    #[test]
    fn a_bad_number_marks_that_number_only_and_the_next_is_due_at_once() {
        let f = fixture(1);
        let c = f.store.conn();
        let s = Settings::default();
        let p = &f.prospects[0];
        add_mobile(c, p);
        let b = start_block(c, &f.rep, std::slice::from_ref(&f.theme), None, &s, t0()).unwrap();
        let call = start_call(c, &b.id, p, None, t0()).unwrap();
        assert_eq!(
            call.phone.as_deref(),
            Some("+15125550000"),
            "the first number"
        );
        let at = t0() + Duration::seconds(20);
        finish_call(c, &call.id, &result(Outcome::BadNumber), at, &s).unwrap();
        let (status, bad, next): (String, bool, Option<String>) = c
            .query_row(
                "SELECT status, bad_number, next_attempt_at FROM prospects WHERE id = ?1",
                [p],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!((status.as_str(), bad), ("attempting", false));
        assert_eq!(next, Some(crate::time::to_db(at)), "due at once");
        let card = crate::card::call_card(c, p, None).unwrap();
        assert_eq!(
            card.phones
                .iter()
                .map(|p| (p.bad, p.tel_uri.is_some()))
                .collect::<Vec<_>>(),
            [(true, false), (false, true)],
            "the bad number stays on the card, not dialable"
        );
        // The next call dials the second number; the first is refused.
        let again = start_call(c, &b.id, p, None, at).unwrap();
        assert_eq!(again.phone.as_deref(), Some("+15125559999"));
        let e = crate::calls::dial_number(c, &again.id, 0).unwrap_err();
        assert!(e.to_string().contains("marked bad"), "{e}");
        let d = crate::calls::dial_number(c, &again.id, 1).unwrap();
        assert_eq!(d.tel_uri.as_deref(), Some("tel:+15125559999"));
        let end = at + Duration::seconds(15);
        finish_call(c, &again.id, &result(Outcome::BadNumber), end, &s).unwrap();
        let (status, bad): (String, bool) = c
            .query_row(
                "SELECT status, bad_number FROM prospects WHERE id = ?1",
                [p],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(
            (status.as_str(), bad),
            ("bad_number", true),
            "out when no good number is left"
        );
        assert!(start_call(c, &b.id, p, None, end).is_err());
    }

    #[test]
    fn talk_counts_from_the_answer_and_ring_time_is_kept_apart() {
        let f = fixture(3);
        let c = f.store.conn();
        let s = Settings::default();
        let b = start_block(c, &f.rep, std::slice::from_ref(&f.theme), None, &s, t0()).unwrap();
        let read = |id: &str| -> (Option<u32>, u32, bool) {
            c.query_row(
                "SELECT ring_ms, duration_ms, asked_for_meeting FROM calls WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap()
        };
        // Answered after 8 s, 50 s of talk, the ask marked: a conversation.
        let call = start_call(c, &b.id, &f.prospects[0], None, t0()).unwrap();
        crate::calls::mark_answered(c, &call.id, t0() + Duration::seconds(8)).unwrap();
        crate::calls::mark_answered(c, &call.id, t0() + Duration::seconds(30)).unwrap();
        crate::calls::mark_asked(c, &call.id, true).unwrap();
        let end = t0() + Duration::seconds(58);
        finish_call(c, &call.id, &result(Outcome::NotInterested), end, &s).unwrap();
        assert_eq!(
            read(&call.id),
            (Some(8_000), 50_000, true),
            "the first mark holds"
        );
        // Nobody answered: all ringing, no talk.
        let call = start_call(c, &b.id, &f.prospects[1], None, end).unwrap();
        let end2 = end + Duration::seconds(25);
        finish_call(c, &call.id, &result(Outcome::NoAnswer), end2, &s).unwrap();
        assert_eq!(read(&call.id), (Some(25_000), 0, false));
        // A connect whose answer was not marked counts whole.
        let call = start_call(c, &b.id, &f.prospects[2], None, end2).unwrap();
        let end3 = end2 + Duration::seconds(70);
        finish_call(c, &call.id, &result(Outcome::NotInterested), end3, &s).unwrap();
        assert_eq!(read(&call.id), (None, 70_000, false));
        let sum = summary(c, &b.id, &s, end3).unwrap();
        // 50 s of talk is short of 60, but the ask makes it a conversation;
        // the 70 s connect is one by its length.
        assert_eq!((sum.dials, sum.connects, sum.conversations), (3, 2, 2));
        assert_eq!(sum.longest_call_seconds, 70);
    }

    #[test]
    fn a_block_outside_prime_time_is_said_not_refused() {
        let s = Settings::default(); // 09:00-12:00
        let chicago: Tz = "America/Chicago".parse().unwrap();
        // 15:00 UTC = 09:00 in Chicago: inside.
        assert_eq!(prime_time_warning(&s, Some(chicago), t0()), None);
        let late = t0() + Duration::hours(5); // 14:00 in Chicago
        let w = prime_time_warning(&s, Some(chicago), late).unwrap();
        assert!(
            w.contains("It is 14:00 for you, outside your prime time (09:00-12:00)"),
            "{w}"
        );
        // Without the rep's zone, UTC is said as such.
        let w = prime_time_warning(&s, None, t0()).unwrap();
        assert!(w.contains("15:00") && w.contains("UTC"), "{w}");
    }

    #[test]
    fn the_break_runs_from_the_end_of_the_block_for_its_length() {
        let f = fixture(1);
        let c = f.store.conn();
        let s = Settings::default();
        assert_eq!(break_state(c, &f.rep, t0()).unwrap(), None, "no block yet");
        let b = start_block(c, &f.rep, std::slice::from_ref(&f.theme), None, &s, t0()).unwrap();
        assert_eq!(break_state(c, &f.rep, t0()).unwrap(), None, "a block runs");
        let end = t0() + Duration::minutes(52);
        end_block(c, &b.id, EndReason::Completed, end).unwrap();
        let at = |m: i64| break_state(c, &f.rep, end + Duration::minutes(m)).unwrap();
        let b5 = at(5).unwrap();
        assert_eq!(
            (b5.remaining_ms, b5.over, b5.break_minutes),
            (12 * 60_000, false, 17)
        );
        assert_eq!(b5.ends_at, time::to_db(end + Duration::minutes(17)));
        let over = at(20).unwrap();
        assert!(
            over.over && over.remaining_ms == 0,
            "over: the next block is offered"
        );
        assert_eq!(at(17 + 31), None, "long over");
    }
}
