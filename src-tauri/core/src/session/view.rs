//! What the Block view shows: the running block's snapshot (clock, call in
//! progress, the card on screen, why nobody is offered, the last outcome),
//! the call thresholds, and the clocks of one tick.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::block::{BlockSummary, BreakState};
use crate::calls::{CallNotes, LoggedObjection};
use crate::card::CallCard;
use crate::clock::{Alert, CallPhase, CallReading, Tick};
use crate::domain::{Outcome, Settings};
use crate::queue::{QueueReason, QueueRest};

/// A theme the block calls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ThemeRef {
    pub id: String,
    pub name: String,
}

/// The block clock as the UI draws it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ClockState {
    pub planned_ms: u32,
    pub elapsed_ms: u32,
    pub remaining_ms: u32,
    pub paused: bool,
    /// The planned length has run (the call in progress may finish).
    pub time_up: bool,
}

/// The call timer as the UI draws it: ringing until the rep marks the
/// answer, then the talk time; the current objection's time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct CallTimer {
    /// Ring time before the answer, talk time after it.
    pub elapsed_ms: u32,
    pub answered: bool,
    /// The rep is logging the outcome: the timer stands still.
    pub stopped: bool,
    pub phase: CallPhase,
    /// How long the current objection has taken (after the first one).
    pub objection_ms: Option<u32>,
    /// The current objection has taken longer than its budget (setting).
    pub objection_over: bool,
}

impl CallTimer {
    pub fn of(r: &CallReading, settings: &Settings) -> CallTimer {
        CallTimer {
            elapsed_ms: ms(r.shown),
            answered: r.answered,
            stopped: r.stopped,
            phase: if r.answered {
                CallPhase::at(r.shown, settings)
            } else {
                CallPhase::Ringing
            },
            objection_ms: r.objection.map(ms),
            objection_over: r
                .objection
                .is_some_and(|o| o.as_secs() >= u64::from(settings.objection_seconds)),
        }
    }
}

/// The call in progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct CallState {
    pub call_id: String,
    pub started_at: String,
    pub timer: CallTimer,
    /// The rep marked that they asked for the meeting.
    pub asked: bool,
    /// The number dialled (E.164), when known.
    pub phone: Option<String>,
    pub objections: Vec<LoggedObjection>,
    pub notes: CallNotes,
}

/// The call thresholds, in seconds (domain.md section 3; settings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Phases {
    pub opening_end: u32,
    pub request_end: u32,
    pub caution: u32,
    pub limit: u32,
    /// An objection's budget.
    pub objection: u32,
}

/// What the last logged outcome produced, for the rep to act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct LastOutcome {
    pub prospect_name: String,
    pub outcome: Outcome,
    /// Talk time (from the answer).
    pub duration_ms: u32,
    /// Ring time; `None` when the answer was not marked on a connect.
    pub ring_ms: Option<u32>,
    /// For a meeting: the invitation file saved for the rep.
    pub ics_path: Option<String>,
    /// For a meeting: a mail draft to the prospect describing it.
    pub mailto: Option<String>,
    /// For a meeting: the same e-mail as text (address, subject, body), to
    /// copy when no mail program takes the draft.
    pub mail_text: Option<String>,
    /// Something the rep should know (e.g. the invitation could not be saved).
    pub warning: Option<String>,
    /// Undo is offered while the block's running time is below this (ms),
    /// until the next call starts.
    pub undo_until_ms: Option<u32>,
}

/// The block so far, for its header: the funnel (as every report counts
/// it) and the pace against what the plan needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct BlockScore {
    pub dials: u32,
    pub connects: u32,
    pub conversations: u32,
    pub meetings: u32,
    /// Dials an hour of the block's running time so far (pauses excluded);
    /// `None` before the first minute.
    pub dials_per_hour: Option<f64>,
    /// Dials an hour the plan needs; `None` when it cannot be told.
    pub needed_dials_per_hour: Option<f64>,
    /// Where the needed pace comes from, in words.
    pub needed_basis: Option<String>,
}

/// Everything the Block view shows while a block runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct BlockSnapshot {
    pub block_id: String,
    pub themes: Vec<ThemeRef>,
    pub started_at: String,
    pub clock: ClockState,
    pub call: Option<CallState>,
    /// The prospect on screen; `None` when the queue has nobody to offer.
    pub card: Option<CallCard>,
    pub reason: Option<QueueReason>,
    /// Why nobody is offered (when `card` is `None`).
    pub queue_rest: Option<QueueRest>,
    pub last_outcome: Option<LastOutcome>,
    /// Something to say once, in words (outside prime time; the block moved
    /// on to its next theme and talk track).
    pub notice: Option<String>,
    pub phases: Phases,
    pub score: BlockScore,
    /// When the queue ran dry: other themes with people callable now, to add
    /// to the block without ending it.
    pub callable_elsewhere: Vec<crate::queue::ThemeCallable>,
}

/// The Block view's state: a running block, or none (with the last summary).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum BlockView {
    Idle {
        summary: Option<Box<BlockSummary>>,
        /// The break after the last block, while it runs (or just ended).
        rest: Option<BreakState>,
    },
    Running {
        snapshot: Box<BlockSnapshot>,
    },
}

/// The clocks as one tick of the ticker gives them (about once a second, on
/// the block's and the call's whole seconds, while a block runs); the window
/// sends it as its `BlockTick` event and the UI draws the clocks from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct TickView {
    pub block_id: String,
    pub elapsed_ms: u32,
    pub remaining_ms: u32,
    pub paused: bool,
    pub time_up: bool,
    pub call: Option<CallTimer>,
    /// Given once per block: five minutes left, then time up.
    pub alert: Option<Alert>,
}

impl TickView {
    pub fn new(block_id: String, tick: &Tick, settings: &Settings) -> TickView {
        TickView {
            block_id,
            elapsed_ms: ms(tick.block_elapsed),
            remaining_ms: ms(tick.block_remaining),
            paused: tick.paused,
            time_up: tick.block_remaining.is_zero(),
            call: tick.call.as_ref().map(|r| CallTimer::of(r, settings)),
            alert: tick.alert,
        }
    }
}

pub(crate) fn ms(d: std::time::Duration) -> u32 {
    u32::try_from(d.as_millis()).unwrap_or(u32::MAX)
}

impl Phases {
    /// The thresholds of `s`.
    pub fn of(s: &Settings) -> Phases {
        Phases {
            opening_end: s.phase_opening_end,
            request_end: s.phase_request_end,
            caution: s.phase_caution,
            limit: s.phase_limit,
            objection: s.objection_seconds,
        }
    }
}

/// A number dialled: the view, and the `tel:` link to hand to the phone
/// (`None`: the number is not dialable from here; dial it by hand).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Dialled {
    pub view: BlockView,
    pub tel_uri: Option<String>,
}
