//! The plan behind the calls (domain.md section 7): from a quota for a period,
//! the average deal size, the close ratio and the rates down the funnel follow
//! the wins, opportunities, meetings, conversations, connects and dials
//! needed, and so the blocks per week.
//!
//! - Every step rounds UP: you cannot book half a meeting. A step's result is
//!   a whole number before the next step divides it.
//! - Each rate is the rep's own when enough calls stand behind it (at least
//!   [`MIN_HISTORY`] in the rate's denominator over the last [`HISTORY_DAYS`]
//!   days), else the benchmark of domain.md section 8, else (meetings that
//!   become opportunities, for which the method gives no figure, and which
//!   the call log cannot see) a stated assumption. The rep may set any rate.
//!   A history rate of zero is not used (it would make any plan impossible);
//!   the benchmark stands in and says why.
//! - Working days are Monday to Friday in the period; holidays are not taken
//!   off. A week is five working days.
//! - Selling hours: [`Settings::selling_hours_per_year`] over
//!   [`SELLING_DAYS_PER_YEAR`] days (1,760 / 220 = 8 a day, 40 a week). Blocks
//!   count their calling minutes, not the break after them.
//!
//! [`schedule`] holds the weekly block and preparation slots, and [`ics`] the
//! calendar export.

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, Utc, Weekday};
use chrono_tz::Tz;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::domain::{Outcome, Settings};
use crate::error::{Error, Result};
use crate::time;

pub mod ics;
pub mod schedule;

pub use schedule::*;

/// Opportunities per win when the rep does not say (4:1).
pub const DEFAULT_CLOSE_RATIO: f64 = 4.0;
/// The rep's history is the calls of this many days before the plan's instant.
pub const HISTORY_DAYS: i64 = 90;
/// A history rate is used when its denominator has at least this many calls.
pub const MIN_HISTORY: u32 = 30;
/// Dials per block come from history when at least this many completed blocks stand behind them.
pub const MIN_HISTORY_BLOCKS: u32 = 5;
/// Days a year the selling hours are spread over (domain.md: 220 days x 8 hours).
pub const SELLING_DAYS_PER_YEAR: f64 = 220.0;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Month,
    Quarter,
}

impl Period {
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Month => "month",
            Period::Quarter => "quarter",
        }
    }

    pub fn parse(s: &str) -> Result<Period> {
        match s.trim().to_ascii_lowercase().as_str() {
            "month" => Ok(Period::Month),
            "quarter" => Ok(Period::Quarter),
            _ => Err(Error::invalid(
                "period",
                format!("{s:?} is not one of: month, quarter"),
            )),
        }
    }

    fn months(self) -> u32 {
        match self {
            Period::Month => 1,
            Period::Quarter => 3,
        }
    }

    /// The first day of the calendar month or quarter that contains `date`.
    pub fn start_containing(self, date: NaiveDate) -> NaiveDate {
        let month0 = match self {
            Period::Month => date.month0(),
            Period::Quarter => date.month0() / 3 * 3,
        };
        NaiveDate::from_ymd_opt(date.year(), month0 + 1, 1).unwrap_or(date)
    }

    /// The last day of the period that starts on `starts_on`.
    pub fn last_day(self, starts_on: NaiveDate) -> NaiveDate {
        starts_on
            .checked_add_months(Months::new(self.months()))
            .and_then(|d| d.pred_opt())
            .unwrap_or(starts_on)
    }
}

/// Monday to Friday from `from` to `to`, both included.
pub fn working_days(from: NaiveDate, to: NaiveDate) -> u32 {
    from.iter_days()
        .take_while(|d| *d <= to)
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .count() as u32
}

/// Rates the rep set; `None` takes history or the benchmark.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
#[serde(default)]
pub struct RateOverrides {
    pub meeting_to_opportunity: Option<f64>,
    pub conversation_to_meeting: Option<f64>,
    pub connect_to_conversation: Option<f64>,
    pub dial_to_connect: Option<f64>,
    pub dials_per_block: Option<f64>,
}

/// What the rep enters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct PlanInputs {
    pub period: Period,
    /// The first day of the period.
    pub starts_on: NaiveDate,
    /// The quota for the period, in money.
    pub quota: f64,
    /// The average deal size, in the same money.
    pub deal_size: f64,
    /// Opportunities per win (4 means one win in four opportunities).
    pub close_ratio: f64,
    #[serde(default)]
    pub overrides: RateOverrides,
}

impl PlanInputs {
    /// Inputs for the calendar month or quarter that contains `today`, with the
    /// default close ratio and no overrides.
    pub fn new(period: Period, today: NaiveDate, quota: f64, deal_size: f64) -> PlanInputs {
        PlanInputs {
            period,
            starts_on: period.start_containing(today),
            quota,
            deal_size,
            close_ratio: DEFAULT_CLOSE_RATIO,
            overrides: RateOverrides::default(),
        }
    }

    /// Refuse impossible inputs with a message naming the field.
    pub fn validate(&self) -> Result<()> {
        let num = |v: f64| {
            if v.fract() == 0.0 && v.abs() < 1e15 {
                format!("{v:.0}")
            } else {
                format!("{v}")
            }
        };
        if !self.quota.is_finite() || self.quota <= 0.0 {
            return Err(Error::invalid(
                "quota",
                format!("must be more than 0; got {}", num(self.quota)),
            ));
        }
        if !self.deal_size.is_finite() || self.deal_size <= 0.0 {
            return Err(Error::invalid(
                "deal size",
                format!("must be more than 0; got {}", num(self.deal_size)),
            ));
        }
        if !self.close_ratio.is_finite() || self.close_ratio < 1.0 {
            return Err(Error::invalid(
                "close ratio",
                format!(
                    "must be at least 1 (opportunities per win: 4 means one win in four); got {}",
                    num(self.close_ratio)
                ),
            ));
        }
        let o = &self.overrides;
        for (name, v) in [
            ("meeting_to_opportunity", o.meeting_to_opportunity),
            ("conversation_to_meeting", o.conversation_to_meeting),
            ("connect_to_conversation", o.connect_to_conversation),
            ("dial_to_connect", o.dial_to_connect),
        ] {
            if let Some(v) = v {
                if !v.is_finite() || v <= 0.0 || v > 1.0 {
                    return Err(Error::invalid(
                        format!("rate {name}"),
                        format!(
                            "must be more than 0 and at most 1 (0.25 means 25 %); got {}",
                            num(v)
                        ),
                    ));
                }
            }
        }
        if let Some(v) = o.dials_per_block {
            if !v.is_finite() || v <= 0.0 || v > 1000.0 {
                return Err(Error::invalid(
                    "dials per block",
                    format!("must be more than 0 and at most 1000; got {}", num(v)),
                ));
            }
        }
        Ok(())
    }
}

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

/// Counts at each stage of the funnel.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct StageCounts {
    pub wins: u32,
    pub opportunities: u32,
    pub meetings: u32,
    pub conversations: u32,
    pub connects: u32,
    pub dials: u32,
}

/// The plan for a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct PlanResult {
    pub period: Period,
    pub starts_on: NaiveDate,
    /// The last day of the period (included).
    pub ends_on: NaiveDate,
    /// Monday to Friday in the period.
    pub working_days: u32,
    /// Working days / 5.
    pub weeks: f64,
    pub quota: f64,
    pub deal_size: f64,
    pub close_ratio: f64,
    // What the period needs.
    pub wins: u32,
    pub opportunities: u32,
    pub meetings: u32,
    pub conversations: u32,
    pub connects: u32,
    pub dials: u32,
    pub per_week: StageCounts,
    pub per_working_day: StageCounts,
    /// Blocks for the period, per week and per working day, at the rep's dials per block.
    pub blocks: u32,
    pub blocks_per_week: u32,
    pub blocks_per_day: u32,
    pub block_minutes: u32,
    /// Calling hours the blocks of one week take.
    pub block_hours_per_week: f64,
    /// The rep's selling hours in a week.
    pub selling_hours_per_week: f64,
    /// `block_hours_per_week / selling_hours_per_week` (0.25 = a quarter).
    pub selling_hours_share: f64,
    /// Meetings one block books at these rates.
    pub meetings_per_block: f64,
    pub rates: PlanRates,
    /// Definitions and warnings, in sentences.
    pub notes: Vec<String>,
}

/// `x` rounded up to a whole number, forgiving the float noise of a division
/// that should be exact (3 / 0.05 must be 60, not 61).
fn ceil_count(x: f64, what: &str) -> Result<u32> {
    let c = (x - 1e-9 * x.abs().max(1.0)).ceil().max(0.0);
    if !c.is_finite() || c > f64::from(u32::MAX) {
        return Err(Error::invalid(
            "plan",
            format!(
                "needs more than {} {what}, which no rep can make; check the quota, the deal \
                 size and the rates",
                u32::MAX
            ),
        ));
    }
    Ok(c as u32)
}

/// The plan, from the inputs and the rep's history (pure arithmetic; see the
/// module documentation for the rules).
pub fn compute_plan(
    inputs: &PlanInputs,
    history: &HistoryCounts,
    settings: &Settings,
) -> Result<PlanResult> {
    inputs.validate()?;
    let rates = choose_rates(&inputs.overrides, history, settings);
    let ends_on = inputs.period.last_day(inputs.starts_on);
    let days = working_days(inputs.starts_on, ends_on).max(1);
    let weeks = f64::from(days) / 5.0;

    let wins = ceil_count(inputs.quota / inputs.deal_size, "wins")?;
    let opportunities = ceil_count(f64::from(wins) * inputs.close_ratio, "opportunities")?;
    let meetings = ceil_count(
        f64::from(opportunities) / rates.meeting_to_opportunity.value,
        "meetings",
    )?;
    let conversations = ceil_count(
        f64::from(meetings) / rates.conversation_to_meeting.value,
        "conversations",
    )?;
    let connects = ceil_count(
        f64::from(conversations) / rates.connect_to_conversation.value,
        "connects",
    )?;
    let dials = ceil_count(f64::from(connects) / rates.dial_to_connect.value, "dials")?;
    let blocks = ceil_count(f64::from(dials) / rates.dials_per_block.value, "blocks")?;

    let total = StageCounts {
        wins,
        opportunities,
        meetings,
        conversations,
        connects,
        dials,
    };
    let split = |by: f64| -> Result<StageCounts> {
        Ok(StageCounts {
            wins: ceil_count(f64::from(total.wins) / by, "wins")?,
            opportunities: ceil_count(f64::from(total.opportunities) / by, "opportunities")?,
            meetings: ceil_count(f64::from(total.meetings) / by, "meetings")?,
            conversations: ceil_count(f64::from(total.conversations) / by, "conversations")?,
            connects: ceil_count(f64::from(total.connects) / by, "connects")?,
            dials: ceil_count(f64::from(total.dials) / by, "dials")?,
        })
    };
    let per_week = split(weeks)?;
    let per_working_day = split(f64::from(days))?;
    let blocks_per_week = ceil_count(f64::from(blocks) / weeks, "blocks")?;
    let blocks_per_day = ceil_count(f64::from(blocks) / f64::from(days), "blocks")?;
    let block_hours_per_week =
        f64::from(blocks_per_week) * f64::from(settings.block_minutes) / 60.0;
    let selling_hours_per_week =
        f64::from(settings.selling_hours_per_year.max(1)) / SELLING_DAYS_PER_YEAR * 5.0;
    let selling_hours_share = block_hours_per_week / selling_hours_per_week;
    let meetings_per_block = rates.dials_per_block.value
        * rates.dial_to_connect.value
        * rates.connect_to_conversation.value
        * rates.conversation_to_meeting.value;

    let mut notes = vec![
        "Every step rounds up: you cannot book half a meeting.".to_string(),
        format!(
            "Working days are Monday to Friday ({days} in this period); holidays are not taken off."
        ),
        format!(
            "Your own rates are used when at least {MIN_HISTORY} calls stand behind them \
             ({MIN_HISTORY_BLOCKS} completed blocks for dials per block) in the last \
             {HISTORY_DAYS} days; otherwise the benchmarks people quote."
        ),
        format!(
            "Selling hours: {} a year over {SELLING_DAYS_PER_YEAR:.0} days = {selling_hours_per_week:.0} \
             a week; a block counts its {} calling minutes.",
            settings.selling_hours_per_year, settings.block_minutes
        ),
    ];
    if selling_hours_share > 1.0 {
        notes.push(format!(
            "This plan needs {block_hours_per_week:.0} calling hours a week, more than all your \
             {selling_hours_per_week:.0} selling hours: better rates, bigger deals or a talk about \
             the quota."
        ));
    } else if blocks_per_day > 6 {
        notes.push(format!(
            "{blocks_per_day} blocks a day is more than most reps sustain."
        ));
    }
    Ok(PlanResult {
        period: inputs.period,
        starts_on: inputs.starts_on,
        ends_on,
        working_days: days,
        weeks,
        quota: inputs.quota,
        deal_size: inputs.deal_size,
        close_ratio: inputs.close_ratio,
        wins,
        opportunities,
        meetings,
        conversations,
        connects,
        dials,
        per_week,
        per_working_day,
        blocks,
        blocks_per_week,
        blocks_per_day,
        block_minutes: settings.block_minutes,
        block_hours_per_week,
        selling_hours_per_week,
        selling_hours_share,
        meetings_per_block,
        rates,
        notes,
    })
}

/// A plan as saved for a rep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct SavedPlan {
    pub id: String,
    pub rep_id: String,
    pub inputs: PlanInputs,
    pub created_at: String,
}

fn check_rep(conn: &Connection, rep_id: &str) -> Result<()> {
    let found: Option<i64> = conn
        .query_row("SELECT 1 FROM reps WHERE id = ?1", [rep_id], |r| r.get(0))
        .optional()?;
    found.map(|_| ()).ok_or_else(|| Error::NotFound {
        what: "rep",
        id: rep_id.to_string(),
    })
}

/// Save a plan for a rep (a new row each time: the newest plan of a period counts).
pub fn save_plan(conn: &Connection, rep_id: &str, inputs: &PlanInputs) -> Result<SavedPlan> {
    inputs.validate()?;
    check_rep(conn, rep_id)?;
    let overrides = serde_json::to_string(&inputs.overrides)
        .map_err(|e| Error::invalid("rate overrides", e.to_string()))?;
    let id = crate::store::new_id();
    conn.execute(
        "INSERT INTO plans (id, rep_id, period, starts_on, quota, deal_size, close_ratio,
            rate_overrides, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            id,
            rep_id,
            inputs.period.as_str(),
            inputs.starts_on.format("%Y-%m-%d").to_string(),
            inputs.quota,
            inputs.deal_size,
            inputs.close_ratio,
            overrides,
            time::to_db(time::now())
        ],
    )?;
    plan_by_id(conn, &id)
}

const PLAN_COLUMNS: &str =
    "id, rep_id, period, starts_on, quota, deal_size, close_ratio, rate_overrides, created_at";

type PlanRow = (
    String,
    String,
    String,
    String,
    f64,
    f64,
    f64,
    String,
    String,
);

fn plan_from(row: PlanRow) -> Result<SavedPlan> {
    let (id, rep_id, period, starts_on, quota, deal_size, close_ratio, overrides, created_at) = row;
    let starts_on = NaiveDate::parse_from_str(&starts_on, "%Y-%m-%d").map_err(|e| {
        Error::invalid(
            format!("plan {id}"),
            format!("starts_on {starts_on:?} is not a date ({e})"),
        )
    })?;
    let overrides: RateOverrides = serde_json::from_str(&overrides).map_err(|e| {
        Error::invalid(
            format!("plan {id}"),
            format!("the stored rate overrides are not readable ({e})"),
        )
    })?;
    Ok(SavedPlan {
        id,
        rep_id,
        inputs: PlanInputs {
            period: Period::parse(&period)?,
            starts_on,
            quota,
            deal_size,
            close_ratio,
            overrides,
        },
        created_at,
    })
}

fn plan_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PlanRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
    ))
}

pub fn plan_by_id(conn: &Connection, id: &str) -> Result<SavedPlan> {
    let row = conn
        .query_row(
            &format!("SELECT {PLAN_COLUMNS} FROM plans WHERE id = ?1"),
            [id],
            plan_row,
        )
        .optional()?
        .ok_or_else(|| Error::NotFound {
            what: "plan",
            id: id.to_string(),
        })?;
    plan_from(row)
}

/// A rep's plans, newest first.
pub fn plans_for_rep(conn: &Connection, rep_id: &str) -> Result<Vec<SavedPlan>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {PLAN_COLUMNS} FROM plans WHERE rep_id = ?1 ORDER BY created_at DESC, id DESC"
    ))?;
    let rows = stmt
        .query_map([rep_id], plan_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(plan_from).collect()
}

/// The newest plan of the rep whose period contains `on`.
pub fn current_plan(conn: &Connection, rep_id: &str, on: NaiveDate) -> Result<Option<SavedPlan>> {
    Ok(plans_for_rep(conn, rep_id)?
        .into_iter()
        .find(|p| p.inputs.starts_on <= on && on <= p.inputs.period.last_day(p.inputs.starts_on)))
}

pub fn delete_plan(conn: &Connection, id: &str) -> Result<()> {
    let n = conn.execute("DELETE FROM plans WHERE id = ?1", [id])?;
    if n == 0 {
        return Err(Error::NotFound {
            what: "plan",
            id: id.to_string(),
        });
    }
    Ok(())
}

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
    let (blocks_started, blocks_completed): (u32, u32) = conn.query_row(
        "SELECT count(*), count(*) FILTER (WHERE end_reason = 'completed') FROM blocks
         WHERE rep_id = ?1 AND started_at >= ?2 AND started_at < ?3",
        params![rep_id, time::to_db(from), time::to_db(now)],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
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
    let result = compute_plan(&plan.inputs, &history, settings)?;
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
        )
    };
    let remaining = days - elapsed.min(days);

    let until = now.min(end);
    let actual = history_window(conn, &plan.rep_id, start, until, settings)?;
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
    let (blocks_started, blocks_completed): (u32, u32) = conn.query_row(
        "SELECT count(*), count(*) FILTER (WHERE end_reason = 'completed') FROM blocks
         WHERE rep_id = ?1 AND started_at >= ?2 AND started_at < ?3",
        params![plan.rep_id, time::to_db(start), time::to_db(until)],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let past = schedule::past_block_occurrences(conn, &plan.rep_id, start, until)?.len() as u32;
    let missed = schedule::missed_blocks(conn, &plan.rep_id, start, until)?;

    let meetings = &stages[3];
    let behind = meetings.behind;
    let extra = if behind > 0 && result.meetings_per_block > 0.0 {
        ceil_count(f64::from(behind) / result.meetings_per_block, "blocks")?
    } else {
        0
    };
    let bpw = result.blocks_per_week;
    let mut summary = if now < start {
        format!(
            "The period starts on {}: {} to book, {} a week at your rates.",
            result.starts_on,
            plural(i64::from(result.meetings), "meeting", "meetings"),
            plural(i64::from(bpw), "block", "blocks")
        )
    } else if now >= end {
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
    } else if elapsed == 0 {
        format!(
            "The period has just begun: {} to book by {}; that is {} a week at your rates.",
            plural(i64::from(result.meetings), "meeting", "meetings"),
            result.ends_on,
            plural(i64::from(bpw), "block", "blocks")
        )
    } else if behind > 0 {
        format!(
            "{} behind; at your rates that is {} more {} this week.",
            plural(i64::from(behind), "meeting", "meetings"),
            extra,
            if extra == 1 { "block" } else { "blocks" }
        )
    } else if behind == 0 {
        format!(
            "On plan: {} of {} meetings expected by now; keep to {} a week.",
            meetings.actual,
            meetings.expected_by_now,
            plural(i64::from(bpw), "block", "blocks")
        )
    } else {
        format!(
            "{} ahead of plan; keep to {} a week.",
            plural(-i64::from(behind), "meeting", "meetings"),
            plural(i64::from(bpw), "block", "blocks")
        )
    };
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

/// Dials, connects, conversations and meetings of a rep in `[from, to)`.
fn history_window(
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

#[cfg(test)]
mod tests;
