//! From quota to dials: what is left to find after the wins to date and the
//! open pipeline, then the wins, opportunities, meetings, conversations,
//! connects and dials needed for it, and so the blocks per week and the
//! selling hours they take (pure arithmetic).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use specta::Type;

use super::cover::QuotaCover;
use super::hours::{self, HourInputs, HourSplit};
use super::inputs::{working_days, Period, PlanInputs};
use super::rates::{
    choose_rates, HistoryCounts, PlanRates, HISTORY_DAYS, MIN_HISTORY, MIN_HISTORY_BLOCKS,
};
use crate::domain::Settings;
use crate::error::{Error, Result};

/// Days a year the selling hours are spread over (domain.md: 220 days x 8 hours).
pub const SELLING_DAYS_PER_YEAR: f64 = 220.0;

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
    /// The rep's calling days in the period (Monday to Friday unless the
    /// profile says otherwise).
    pub working_days: u32,
    /// Working days / calling days a week.
    pub weeks: f64,
    /// The rep's calling days, 0 = Monday ... 6 = Sunday.
    pub calling_days: Vec<u8>,
    pub quota: f64,
    pub deal_size: f64,
    pub close_ratio: f64,
    /// What is won and open already, and what is left to find.
    pub cover: QuotaCover,
    // What the period needs from new opportunities (all 0 when `cover.covered`).
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
    /// The selling hours split across blocks, preparation, meetings and the rest.
    pub hours: HourSplit,
    pub rates: PlanRates,
    /// Definitions and warnings, in sentences.
    pub notes: Vec<String>,
}

/// `x` rounded up to a whole number, forgiving the float noise of a division
/// that should be exact (3 / 0.05 must be 60, not 61).
pub(super) fn ceil_count(x: f64, what: &str) -> Result<u32> {
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

/// The plan, from the inputs, the rep's history and the rep's other time
/// (pure arithmetic; see the documentation of [`crate::plan`] for the rules).
pub fn compute_plan(
    inputs: &PlanInputs,
    history: &HistoryCounts,
    time: &HourInputs,
    settings: &Settings,
) -> Result<PlanResult> {
    inputs.validate()?;
    let rates = choose_rates(&inputs.overrides, history, settings);
    let ends_on = inputs.period.last_day(inputs.starts_on);
    let days = working_days(inputs.starts_on, ends_on, settings).max(1);
    let weeks = f64::from(days) / f64::from(settings.calling_days_a_week());

    let (cover, wins) = QuotaCover::of(inputs)?;
    let total = StageCounts::needed(wins, inputs.close_ratio, &rates)?;
    let blocks = ceil_count(
        f64::from(total.dials) / rates.dials_per_block.value,
        "blocks",
    )?;
    let per_week = total.split(weeks)?;
    let per_working_day = total.split(f64::from(days))?;
    let blocks_per_week = ceil_count(f64::from(blocks) / weeks, "blocks")?;
    let blocks_per_day = ceil_count(f64::from(blocks) / f64::from(days), "blocks")?;
    let block_hours_per_week =
        f64::from(blocks_per_week) * f64::from(settings.block_minutes) / 60.0;
    let selling_hours_per_week = f64::from(settings.selling_hours_per_year.max(1))
        / SELLING_DAYS_PER_YEAR
        * f64::from(settings.calling_days_a_week());
    let selling_hours_share = block_hours_per_week / selling_hours_per_week;
    let meetings_per_block = rates.dials_per_block.value
        * rates.dial_to_connect.value
        * rates.connect_to_conversation.value
        * rates.conversation_to_meeting.value;
    let hours = hours::split(
        blocks_per_week,
        per_week.meetings,
        time,
        selling_hours_per_week,
        settings,
    );
    let mut notes = notes(
        settings,
        days,
        block_hours_per_week,
        selling_hours_per_week,
        blocks_per_day,
    );
    if hours.over_by_hours_per_week > 0.0 && selling_hours_share <= 1.0 {
        notes.push(format!(
            "Blocks, preparation and meetings need {:.1} hours a week more than your \
             {selling_hours_per_week:.0} selling hours.",
            hours.over_by_hours_per_week
        ));
    }
    Ok(PlanResult {
        period: inputs.period,
        starts_on: inputs.starts_on,
        ends_on,
        working_days: days,
        weeks,
        calling_days: {
            let mut d = settings.calling_days.clone();
            d.sort_unstable();
            d.dedup();
            d
        },
        quota: inputs.quota,
        deal_size: inputs.deal_size,
        close_ratio: inputs.close_ratio,
        cover,
        wins: total.wins,
        opportunities: total.opportunities,
        meetings: total.meetings,
        conversations: total.conversations,
        connects: total.connects,
        dials: total.dials,
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
        hours,
        rates,
        notes,
    })
}

impl StageCounts {
    /// What the period needs, step by step down the funnel from the new
    /// wins, each step rounded up before the next divides it.
    fn needed(wins: u32, close_ratio: f64, rates: &PlanRates) -> Result<StageCounts> {
        let opportunities = ceil_count(f64::from(wins) * close_ratio, "opportunities")?;
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
        Ok(StageCounts {
            wins,
            opportunities,
            meetings,
            conversations,
            connects,
            dials,
        })
    }

    /// Each count over `by` (weeks or days), rounded up.
    fn split(&self, by: f64) -> Result<StageCounts> {
        Ok(StageCounts {
            wins: ceil_count(f64::from(self.wins) / by, "wins")?,
            opportunities: ceil_count(f64::from(self.opportunities) / by, "opportunities")?,
            meetings: ceil_count(f64::from(self.meetings) / by, "meetings")?,
            conversations: ceil_count(f64::from(self.conversations) / by, "conversations")?,
            connects: ceil_count(f64::from(self.connects) / by, "connects")?,
            dials: ceil_count(f64::from(self.dials) / by, "dials")?,
        })
    }
}

/// The plan's definitions, and a warning when it asks more than a rep can do.
fn notes(
    settings: &Settings,
    days: u32,
    block_hours_per_week: f64,
    selling_hours_per_week: f64,
    blocks_per_day: u32,
) -> Vec<String> {
    let selling_hours_share = block_hours_per_week / selling_hours_per_week;
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
    notes
}
