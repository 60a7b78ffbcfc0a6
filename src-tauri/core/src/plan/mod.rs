//! The plan behind the calls (domain.md section 7): from a quota for a period,
//! the average deal size, the close ratio and the rates down the funnel follow
//! the wins, opportunities, meetings, conversations, connects and dials
//! needed, and so the blocks per week.
//!
//! - What is already won and open comes first ("if you're short, prospect"):
//!   the revenue won to date comes off the quota, and the open pipeline is
//!   expected to bring its value over the close ratio (100,000 open at 4:1
//!   brings 25,000). The funnel is computed for what is left to find,
//!   `quota - won - pipeline / close ratio`, in wins of the average deal
//!   size. When the wins and the pipeline cover the quota, every count is 0
//!   and [`QuotaCover::covered`] says so; the view says it in words.
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
//! - Selling hours: [`Settings::selling_hours_per_year`](crate::domain::Settings::selling_hours_per_year) over
//!   [`SELLING_DAYS_PER_YEAR`] days (1,760 / 220 = 8 a day, 40 a week). Blocks
//!   count their calling minutes, not the break after them, in the share of
//!   selling hours.
//! - The selling hours split ([`HourSplit`], per week and per year of 44
//!   weeks): prospecting (blocks a week x their minutes and the break after
//!   each), preparation (the prep slots of the weekly schedule), meetings
//!   (meetings a week x their length: the average of the rep's booked
//!   meetings over [`HISTORY_DAYS`] days, else [`DEFAULT_MEETING_MINUTES`]),
//!   and the rest of the job (what the others leave). When the first three
//!   fit, the four add up to the selling hours.
//!
//! [`schedule`] holds the weekly block and preparation slots, and [`ics`] the
//! calendar export.
//!
//! The plan itself, by concept: `inputs` (what the rep enters: the period,
//! the quota, what is won and open, the rates they set), `rates` (the rep's
//! history and the rate chosen for each step), `cover` (won, expected from
//! the pipeline, left to find), `compute` (from quota to dials and blocks),
//! `hours` (the selling hours split across the rep's work),
//! `saved` (plans kept per rep), `progress` (the period and the week so far
//! against the plan).

mod compute;
mod cover;
mod hours;
pub mod ics;
mod inputs;
mod progress;
mod rates;
mod saved;
pub mod schedule;

pub use compute::{compute_plan, PlanResult, StageCounts, SELLING_DAYS_PER_YEAR};
pub use cover::QuotaCover;
pub use hours::{hour_inputs, Activity, HourInputs, HourShare, HourSplit, DEFAULT_MEETING_MINUTES};
pub use inputs::{working_days, Period, PlanInputs, RateOverrides, DEFAULT_CLOSE_RATIO};
pub use progress::{progress, week_so_far, PlanProgress, ProgressStage, WeekSoFar};
pub use rates::{
    choose_rates, history_rates, HistoryCounts, PlanRates, Rate, RateSource,
    ASSUMED_MEETING_TO_OPPORTUNITY, BENCHMARK_CONNECT_TO_CONVERSATION,
    BENCHMARK_CONVERSATION_TO_MEETING, BENCHMARK_DIALS_PER_HOUR, BENCHMARK_DIAL_TO_CONNECT,
    HISTORY_DAYS, MIN_HISTORY, MIN_HISTORY_BLOCKS,
};
pub use saved::{current_plan, delete_plan, plan_by_id, plans_for_rep, save_plan, SavedPlan};
pub use schedule::*;

#[cfg(test)]
mod tests;
