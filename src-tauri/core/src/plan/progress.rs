//! Progress: the period so far against the plan, and the rep's week so far.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::compute::{ceil_count, compute_plan, PlanResult};
use super::hours::hour_inputs;
use super::inputs::working_days;
use super::rates::{history_rates, history_window, HistoryCounts};
use super::saved::SavedPlan;
use super::schedule::{self, SlotKind, SlotOccurrence};
use crate::domain::Settings;
use crate::error::{Error, Result};
use crate::time;

/// One stage of the funnel, this period so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ProgressStage {
    /// dials, connects, conversations or meetings
    pub stage: String,
    /// For the whole period.
    pub target: u32,
    /// The share of the target due by the start of today.
    pub expected_by_now: u32,
    pub actual: u32,
    /// `expected_by_now - actual`: positive is behind, negative ahead.
    pub behind: i32,
}

/// The period so far against the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct PlanProgress {
    pub plan: PlanResult,
    pub as_of: DateTime<Utc>,
    /// The zone the period's days are counted in (the rep's, else UTC).
    pub time_zone: String,
    /// Working days of the period before today.
    pub elapsed_working_days: u32,
    /// Working days from today (included) to the end of the period.
    pub remaining_working_days: u32,
    pub stages: Vec<ProgressStage>,
    /// Blocks the rep started this period, and of those completed.
    pub blocks_started: u32,
    pub blocks_completed: u32,
    /// Meetings behind the plan (negative: ahead).
    pub meetings_behind: i32,
    /// Blocks that would make up the meetings behind, at the rep's rates.
    pub extra_blocks_this_week: u32,
    /// Scheduled block slots of this period that have passed, and those without a block.
    pub scheduled_blocks_past: u32,
    pub missed_blocks: Vec<SlotOccurrence>,
    /// This calendar week so far (Monday in the rep's zone to now), against
    /// [`PlanResult::per_week`].
    pub this_week: WeekSoFar,
    /// The gap, said plainly.
    pub summary: String,
}

/// The rep's calendar week so far: from Monday 00:00 in the rep's zone to
/// the instant asked about. The week may begin before the plan's period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct WeekSoFar {
    /// The Monday the week starts on, in the rep's zone.
    pub starts_on: NaiveDate,
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub dials: u32,
    pub connects: u32,
    pub conversations: u32,
    pub meetings: u32,
    /// Blocks the rep started this week, and of those completed.
    pub blocks_started: u32,
    pub blocks_completed: u32,
    /// Block slots of this week (past and to come), and the past ones missed.
    pub scheduled_blocks: u32,
    pub missed_blocks: u32,
}

/// The rep's week so far at `now` (see [`WeekSoFar`]).
pub fn week_so_far(
    conn: &Connection,
    rep_id: &str,
    now: DateTime<Utc>,
    settings: &Settings,
) -> Result<WeekSoFar> {
    let tz = rep_zone(conn, rep_id)?;
    let today = now.with_timezone(&tz).date_naive();
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let from = local_midnight(tz, monday);
    let next_monday = local_midnight(tz, monday + Duration::days(7));
    let counts = history_window(conn, rep_id, from, now, settings)?;
    let (blocks_started, blocks_completed) = blocks_run(conn, rep_id, from, now)?;
    let scheduled_blocks = schedule::schedule_occurrences(conn, rep_id, from, next_monday)?
        .into_iter()
        .filter(|o| o.kind == SlotKind::Block && o.starts_at >= from)
        .count() as u32;
    let missed_blocks = schedule::missed_blocks(conn, rep_id, from, now)?.len() as u32;
    Ok(WeekSoFar {
        starts_on: monday,
        from,
        until: now,
        dials: counts.dials,
        connects: counts.connects,
        conversations: counts.conversations,
        meetings: counts.meetings,
        blocks_started,
        blocks_completed,
        scheduled_blocks,
        missed_blocks,
    })
}

fn plural(n: i64, one: &str, many: &str) -> String {
    if n == 1 || n == -1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The rep's time zone (UTC when not set).
pub(crate) fn rep_zone(conn: &Connection, rep_id: &str) -> Result<Tz> {
    let tz: Option<Option<String>> = conn
        .query_row("SELECT time_zone FROM reps WHERE id = ?1", [rep_id], |r| {
            r.get(0)
        })
        .optional()?;
    let tz = tz.ok_or_else(|| Error::NotFound {
        what: "rep",
        id: rep_id.to_string(),
    })?;
    Ok(tz
        .as_deref()
        .and_then(time::parse_tz)
        .unwrap_or(chrono_tz::UTC))
}

/// Local midnight of `date` in `tz`, as an instant.
pub(crate) fn local_midnight(tz: Tz, date: NaiveDate) -> DateTime<Utc> {
    schedule::local_to_utc(tz, date.and_time(chrono::NaiveTime::MIN))
}

/// This period so far against the plan, from the call log at `now`. The plan
/// is computed with the rep's rates as of `now`.
pub fn progress(
    conn: &Connection,
    plan: &SavedPlan,
    now: DateTime<Utc>,
    settings: &Settings,
) -> Result<PlanProgress> {
    let tz = rep_zone(conn, &plan.rep_id)?;
    let history = history_rates(conn, &plan.rep_id, now, settings)?;
    let time = hour_inputs(conn, &plan.rep_id, now)?;
    let result = compute_plan(&plan.inputs, &history, &time, settings)?;
    let start = local_midnight(tz, result.starts_on);
    let end_day = result.ends_on.succ_opt().unwrap_or(result.ends_on);
    let end = local_midnight(tz, end_day);
    let today = now.with_timezone(&tz).date_naive();
    let days = result.working_days;
    let elapsed = if today <= result.starts_on {
        0
    } else {
        working_days(
            result.starts_on,
            today.pred_opt().unwrap_or(today).min(result.ends_on),
            settings,
        )
    };
    let remaining = days - elapsed.min(days);

    let until = now.min(end);
    let actual = history_window(conn, &plan.rep_id, start, until, settings)?;
    let stages = stages(&result, &actual, elapsed)?;
    let (blocks_started, blocks_completed) = blocks_run(conn, &plan.rep_id, start, until)?;
    let past = schedule::past_block_occurrences(conn, &plan.rep_id, start, until)?.len() as u32;
    let missed = schedule::missed_blocks(conn, &plan.rep_id, start, until)?;

    let behind = stages[3].behind;
    let extra = if behind > 0 && result.meetings_per_block > 0.0 {
        ceil_count(f64::from(behind) / result.meetings_per_block, "blocks")?
    } else {
        0
    };
    let when = if now < start {
        When::Before
    } else if now >= end {
        When::Over
    } else if elapsed == 0 {
        When::JustBegun
    } else {
        When::UnderWay
    };
    let mut summary = summary(&result, &stages[3], when, extra);
    if !missed.is_empty() {
        summary.push_str(&format!(
            " {} of {past} scheduled {} missed this period.",
            missed.len(),
            if past == 1 { "block" } else { "blocks" }
        ));
    }
    Ok(PlanProgress {
        plan: result,
        as_of: now,
        time_zone: tz.name().to_string(),
        elapsed_working_days: elapsed,
        remaining_working_days: remaining,
        stages,
        blocks_started,
        blocks_completed,
        meetings_behind: behind,
        extra_blocks_this_week: extra,
        scheduled_blocks_past: past,
        missed_blocks: missed,
        this_week: week_so_far(conn, &plan.rep_id, now, settings)?,
        summary,
    })
}

/// Dials, connects, conversations and meetings: the target, the share of it
/// due after `elapsed` working days, and what was done.
fn stages(result: &PlanResult, actual: &HistoryCounts, elapsed: u32) -> Result<Vec<ProgressStage>> {
    let days = result.working_days;
    let expected = |target: u32| -> Result<u32> {
        ceil_count(
            f64::from(target) * f64::from(elapsed) / f64::from(days.max(1)),
            "expected",
        )
    };
    let mut stages = Vec::new();
    for (stage, target, got) in [
        ("dials", result.dials, actual.dials),
        ("connects", result.connects, actual.connects),
        ("conversations", result.conversations, actual.conversations),
        ("meetings", result.meetings, actual.meetings),
    ] {
        let exp = expected(target)?;
        stages.push(ProgressStage {
            stage: stage.to_string(),
            target,
            expected_by_now: exp,
            actual: got,
            behind: exp as i32 - got as i32,
        });
    }
    Ok(stages)
}

/// Blocks the rep started in `[from, until)`, and of those completed.
fn blocks_run(
    conn: &Connection,
    rep_id: &str,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<(u32, u32)> {
    Ok(conn.query_row(
        "SELECT count(*), count(*) FILTER (WHERE end_reason = 'completed') FROM blocks
         WHERE rep_id = ?1 AND started_at >= ?2 AND started_at < ?3",
        params![rep_id, time::to_db(from), time::to_db(until)],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// Where the period is at the instant asked about.
#[derive(Clone, Copy)]
enum When {
    Before,
    /// Its first working day (none has passed yet).
    JustBegun,
    UnderWay,
    Over,
}

/// The gap, said plainly.
fn summary(result: &PlanResult, meetings: &ProgressStage, when: When, extra: u32) -> String {
    let bpw = result.blocks_per_week;
    let behind = meetings.behind;
    if result.cover.covered {
        return result.cover.summary.clone();
    }
    match when {
        When::Before => format!(
            "The period starts on {}: {} to book, {} a week at your rates.",
            result.starts_on,
            plural(i64::from(result.meetings), "meeting", "meetings"),
            plural(i64::from(bpw), "block", "blocks")
        ),
        When::Over => {
            let short = i64::from(result.meetings) - i64::from(meetings.actual);
            if short > 0 {
                format!(
                    "The period is over: {} of {} meetings booked, {short} short.",
                    meetings.actual, result.meetings
                )
            } else {
                format!(
                    "The period is over: {} of {} meetings booked; the plan was met.",
                    meetings.actual, result.meetings
                )
            }
        }
        When::JustBegun => format!(
            "The period has just begun: {} to book by {}; that is {} a week at your rates.",
            plural(i64::from(result.meetings), "meeting", "meetings"),
            result.ends_on,
            plural(i64::from(bpw), "block", "blocks")
        ),
        When::UnderWay if behind > 0 => format!(
            "{} behind; at your rates that is {} more {} this week.",
            plural(i64::from(behind), "meeting", "meetings"),
            extra,
            if extra == 1 { "block" } else { "blocks" }
        ),
        When::UnderWay if behind == 0 => format!(
            "On plan: {} of {} meetings expected by now; keep to {} a week.",
            meetings.actual,
            meetings.expected_by_now,
            plural(i64::from(bpw), "block", "blocks")
        ),
        When::UnderWay => format!(
            "{} ahead of plan; keep to {} a week.",
            plural(-i64::from(behind), "meeting", "meetings"),
            plural(i64::from(bpw), "block", "blocks")
        ),
    }
}
