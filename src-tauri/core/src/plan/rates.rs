//! The rates down the funnel: the rep's own over their recent history when
//! enough calls stand behind them, else a benchmark or a stated assumption,
//! unless the rep set one.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::inputs::RateOverrides;
use crate::domain::{Outcome, Settings};
use crate::error::Result;
use crate::time;

/// The rep's history is the calls of this many days before the plan's instant.
pub const HISTORY_DAYS: i64 = 90;
/// A history rate is used when its denominator has at least this many calls.
pub const MIN_HISTORY: u32 = 30;
/// Dials per block come from history when at least this many completed blocks stand behind them.
pub const MIN_HISTORY_BLOCKS: u32 = 5;

/// Benchmark: connects per dial, the midpoint of "roughly 5 - 10 %" (domain.md section 8).
pub const BENCHMARK_DIAL_TO_CONNECT: f64 = 0.075;
/// Benchmark: conversations per connect, "about half".
pub const BENCHMARK_CONNECT_TO_CONVERSATION: f64 = 0.5;
/// Benchmark: meetings per conversation, "about 5 %".
pub const BENCHMARK_CONVERSATION_TO_MEETING: f64 = 0.05;
/// Assumption (domain.md gives no figure): opportunities per meeting held.
pub const ASSUMED_MEETING_TO_OPPORTUNITY: f64 = 0.5;
/// Benchmark: manual dialling, "about 20 - 40 dials an hour"; the midpoint.
pub const BENCHMARK_DIALS_PER_HOUR: f64 = 30.0;

/// The rep's own figures over a window of the call log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct HistoryCounts {
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub dials: u32,
    pub connects: u32,
    pub conversations: u32,
    pub meetings: u32,
    pub completed_blocks: u32,
    /// Dials made inside those completed blocks.
    pub dials_in_completed_blocks: u32,
}

/// The rep's calls and completed blocks in the [`HISTORY_DAYS`] days before
/// `until`. A conversation is defined as in [`crate::reports`].
pub fn history_rates(
    conn: &Connection,
    rep_id: &str,
    until: DateTime<Utc>,
    settings: &Settings,
) -> Result<HistoryCounts> {
    let from = until - Duration::days(HISTORY_DAYS);
    let mut h = history_window(conn, rep_id, from, until, settings)?;
    let (completed_blocks, dials_in_completed_blocks): (u32, u32) = conn.query_row(
        "SELECT count(DISTINCT b.id), count(c.id)
         FROM blocks b LEFT JOIN calls c ON c.block_id = b.id AND c.outcome IS NOT NULL
         WHERE b.rep_id = ?1 AND b.end_reason = 'completed'
           AND b.started_at >= ?2 AND b.started_at < ?3",
        params![rep_id, time::to_db(from), time::to_db(until)],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    h.completed_blocks = completed_blocks;
    h.dials_in_completed_blocks = dials_in_completed_blocks;
    Ok(h)
}

/// Dials, connects, conversations and meetings of a rep in `[from, to)`.
pub(super) fn history_window(
    conn: &Connection,
    rep_id: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    settings: &Settings,
) -> Result<HistoryCounts> {
    let c = Outcome::CONNECT_SQL;
    let (dials, connects, conversations, meetings): (u32, u32, u32, u32) = conn.query_row(
        &format!(
            "SELECT count(*),
                count(*) FILTER (WHERE outcome IN {c}),
                count(*) FILTER (WHERE outcome IN {c}
                    AND (duration_ms >= ?4 OR asked_for_meeting = 1 OR outcome = 'meeting')),
                count(*) FILTER (WHERE outcome = 'meeting')
             FROM calls
             WHERE rep_id = ?1 AND outcome IS NOT NULL AND started_at >= ?2 AND started_at < ?3"
        ),
        params![
            rep_id,
            time::to_db(from),
            time::to_db(to),
            i64::from(settings.conversation_seconds) * 1000
        ],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    Ok(HistoryCounts {
        from: Some(from),
        until: Some(to),
        dials,
        connects,
        conversations,
        meetings,
        ..HistoryCounts::default()
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum RateSource {
    /// The rep's own calls.
    History,
    /// A figure people quote (domain.md section 8).
    Benchmark,
    /// No figure to go on: a stated default.
    Assumption,
    /// Set by the rep.
    User,
}

/// One rate of the plan and where it came from. Named `PlanRate` in the
/// TypeScript bindings, apart from the reports' `Rate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename = "PlanRate")]
pub struct Rate {
    /// A share (0.05 = 5 %), or a count for dials per block.
    pub value: f64,
    pub source: RateSource,
    /// What the value rests on, in words.
    pub basis: String,
    /// The rep's own figures behind it, whether or not they were enough.
    pub history_numerator: u32,
    pub history_denominator: u32,
    /// The denominator needed before history is used.
    pub min_history: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct PlanRates {
    pub meeting_to_opportunity: Rate,
    pub conversation_to_meeting: Rate,
    pub connect_to_conversation: Rate,
    pub dial_to_connect: Rate,
    pub dials_per_block: Rate,
}

fn percent(v: f64) -> String {
    let p = v * 100.0;
    if (p - p.round()).abs() < 0.05 {
        format!("{p:.0} %")
    } else {
        format!("{p:.1} %")
    }
}

struct RateSpec<'a> {
    user: Option<f64>,
    num: u32,
    den: u32,
    min: u32,
    /// (numerator noun, denominator noun), plural.
    nouns: (&'a str, &'a str),
    fallback: f64,
    fallback_source: RateSource,
    fallback_basis: String,
    is_share: bool,
}

fn choose(s: RateSpec<'_>) -> Rate {
    let shown = |v: f64| {
        if s.is_share {
            percent(v)
        } else {
            format!("{v:.1}")
        }
    };
    let mut rate = Rate {
        value: s.fallback,
        source: s.fallback_source,
        basis: String::new(),
        history_numerator: s.num,
        history_denominator: s.den,
        min_history: s.min,
    };
    let history = format!(
        "your last {HISTORY_DAYS} days: {} {} of {} {}",
        s.num, s.nouns.0, s.den, s.nouns.1
    );
    if let Some(v) = s.user {
        rate.value = v;
        rate.source = RateSource::User;
        rate.basis = format!("set by you ({})", shown(v));
    } else if s.min == 0 {
        // No history can stand behind this rate: the fallback alone.
        rate.basis = s.fallback_basis;
    } else if s.den >= s.min && s.num > 0 {
        rate.value = f64::from(s.num) / f64::from(s.den);
        rate.source = RateSource::History;
        rate.basis = format!("{history} = {}", shown(rate.value));
    } else if s.den >= s.min {
        rate.basis = format!(
            "{}; {history}, and a rate of zero cannot plan anything",
            s.fallback_basis
        );
    } else {
        rate.basis = format!(
            "{}; {history} ({} {} needed to use yours)",
            s.fallback_basis, s.min, s.nouns.1
        );
    }
    rate
}

/// Choose every rate from the overrides, the history and the benchmarks.
pub fn choose_rates(
    overrides: &RateOverrides,
    h: &HistoryCounts,
    settings: &Settings,
) -> PlanRates {
    let bench_dpb = BENCHMARK_DIALS_PER_HOUR * f64::from(settings.block_minutes) / 60.0;
    PlanRates {
        meeting_to_opportunity: choose(RateSpec {
            user: overrides.meeting_to_opportunity,
            num: 0,
            den: 0,
            min: 0,
            nouns: ("opportunities", "meetings"),
            fallback: ASSUMED_MEETING_TO_OPPORTUNITY,
            fallback_source: RateSource::Assumption,
            fallback_basis: format!(
                "assumption: {} of meetings become opportunities (the method gives no figure \
                 and the call log cannot see opportunities; set your own)",
                percent(ASSUMED_MEETING_TO_OPPORTUNITY)
            ),
            is_share: true,
        }),
        conversation_to_meeting: choose(RateSpec {
            user: overrides.conversation_to_meeting,
            num: h.meetings,
            den: h.conversations,
            min: MIN_HISTORY,
            nouns: ("meetings", "conversations"),
            fallback: BENCHMARK_CONVERSATION_TO_MEETING,
            fallback_source: RateSource::Benchmark,
            fallback_basis: "benchmark: about 5 % of conversations book a meeting".to_string(),
            is_share: true,
        }),
        connect_to_conversation: choose(RateSpec {
            user: overrides.connect_to_conversation,
            num: h.conversations,
            den: h.connects,
            min: MIN_HISTORY,
            nouns: ("conversations", "connects"),
            fallback: BENCHMARK_CONNECT_TO_CONVERSATION,
            fallback_source: RateSource::Benchmark,
            fallback_basis: "benchmark: about half of connects become conversations".to_string(),
            is_share: true,
        }),
        dial_to_connect: choose(RateSpec {
            user: overrides.dial_to_connect,
            num: h.connects,
            den: h.dials,
            min: MIN_HISTORY,
            nouns: ("connects", "dials"),
            fallback: BENCHMARK_DIAL_TO_CONNECT,
            fallback_source: RateSource::Benchmark,
            fallback_basis: "benchmark: 7.5 % of dials connect (the midpoint of 5 - 10 %)"
                .to_string(),
            is_share: true,
        }),
        dials_per_block: {
            let mut r = choose(RateSpec {
                user: overrides.dials_per_block,
                num: h.dials_in_completed_blocks,
                den: h.completed_blocks,
                min: MIN_HISTORY_BLOCKS,
                nouns: ("dials", "completed blocks"),
                fallback: bench_dpb,
                fallback_source: RateSource::Benchmark,
                fallback_basis: format!(
                    "benchmark: {BENCHMARK_DIALS_PER_HOUR:.0} dials an hour (manual dialling, \
                     20 - 40) for a {}-minute block = {bench_dpb:.1}",
                    settings.block_minutes
                ),
                is_share: false,
            });
            if r.source == RateSource::History {
                r.basis = format!(
                    "your last {HISTORY_DAYS} days: {} dials in {} completed blocks = {:.1} a block",
                    h.dials_in_completed_blocks, h.completed_blocks, r.value
                );
            }
            r
        },
    }
}
