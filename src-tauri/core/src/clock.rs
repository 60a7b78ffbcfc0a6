//! The block clock and the call timer. Time is never counted in ticks: a
//! clock keeps the persisted UTC start (for the log and for recovery after a
//! crash) and a monotonic anchor (for arithmetic while the process runs), and
//! derives the elapsed time from them whenever it is asked.
//!
//! The monotonic clock is tokio's [`Instant`], which is `std::time::Instant`
//! in the app and a paused, hand-advanced clock in tests, so a 52-minute
//! block runs in milliseconds there.
//!
//! Suspend: Linux's monotonic clock stops while a laptop sleeps, but a block
//! is a slot of real time. [`BlockClock::reconcile`] compares the monotonic
//! elapsed time with the wall clock and, when the wall clock is ahead by more
//! than [`SUSPEND_TOLERANCE`], moves the anchor so that the sleep counts.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use tokio::time::Instant;

use crate::domain::Settings;

/// How far the wall clock may run ahead of the monotonic clock before the
/// difference is taken as a suspend and counted.
pub const SUSPEND_TOLERANCE: Duration = Duration::from_secs(2);

/// A running, paused or finished block's time.
#[derive(Debug, Clone)]
pub struct BlockClock {
    planned: Duration,
    /// Elapsed block time (pauses excluded) at `anchor`.
    anchor_elapsed: Duration,
    /// When `anchor_elapsed` was true; `None` while paused.
    anchor: Option<Instant>,
    /// The wall-clock instant matching `anchor`, for [`reconcile`](Self::reconcile).
    anchor_wall: DateTime<Utc>,
}

impl BlockClock {
    /// A clock whose block had `elapsed` of running time at `now`/`now_wall`.
    pub fn new(
        planned: Duration,
        elapsed: Duration,
        paused: bool,
        now: Instant,
        now_wall: DateTime<Utc>,
    ) -> Self {
        BlockClock {
            planned,
            anchor_elapsed: elapsed,
            anchor: (!paused).then_some(now),
            anchor_wall: now_wall,
        }
    }

    pub fn planned(&self) -> Duration {
        self.planned
    }

    pub fn is_paused(&self) -> bool {
        self.anchor.is_none()
    }

    /// Running time so far (pauses excluded).
    pub fn elapsed(&self, now: Instant) -> Duration {
        match self.anchor {
            Some(a) => self.anchor_elapsed + now.saturating_duration_since(a),
            None => self.anchor_elapsed,
        }
    }

    /// Time left; zero once the planned length has run.
    pub fn remaining(&self, now: Instant) -> Duration {
        self.planned.saturating_sub(self.elapsed(now))
    }

    pub fn is_over(&self, now: Instant) -> bool {
        self.elapsed(now) >= self.planned
    }

    pub fn pause(&mut self, now: Instant, now_wall: DateTime<Utc>) {
        if self.anchor.is_some() {
            self.anchor_elapsed = self.elapsed(now);
            self.anchor = None;
            self.anchor_wall = now_wall;
        }
    }

    pub fn resume(&mut self, now: Instant, now_wall: DateTime<Utc>) {
        if self.anchor.is_none() {
            self.anchor = Some(now);
            self.anchor_wall = now_wall;
        }
    }

    /// The monotonic instant at which the block has run `elapsed`, if it is running.
    pub fn instant_at(&self, elapsed: Duration) -> Option<Instant> {
        let a = self.anchor?;
        Some(match elapsed.checked_sub(self.anchor_elapsed) {
            Some(ahead) => a + ahead,
            None => a,
        })
    }

    /// Count a suspend: when the wall clock has moved further than the
    /// monotonic clock since the anchor, move the anchor back by the
    /// difference. Returns the time added.
    pub fn reconcile(&mut self, now: Instant, now_wall: DateTime<Utc>) -> Duration {
        let Some(a) = self.anchor else {
            return Duration::ZERO;
        };
        let mono = now.saturating_duration_since(a);
        let wall = (now_wall - self.anchor_wall)
            .to_std()
            .unwrap_or(Duration::ZERO);
        let gap = match wall.checked_sub(mono) {
            Some(gap) if gap > SUSPEND_TOLERANCE => gap,
            _ => return Duration::ZERO,
        };
        self.anchor_elapsed += mono + gap;
        self.anchor = Some(now);
        self.anchor_wall = now_wall;
        gap
    }
}

/// Where a call is (domain.md section 3): ringing until the rep marks the
/// answer, then by its talk time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum CallPhase {
    /// Dialled, nobody has answered yet (or the rep has not said so).
    Ringing,
    /// 0:00-0:45: introduction, Engage Statement, Impact Question.
    Opening,
    /// 0:45-1:00: the prospect answers; ask for the appointment.
    Request,
    /// 1:00-2:00: objections, about 20 s each.
    Objections,
    /// 2:00-3:00: a good call is done by now.
    Caution,
    /// 3:00 on: ask for the meeting or let go.
    Limit,
}

impl CallPhase {
    /// The phase at `talk` seconds after the answer.
    pub fn at(talk: Duration, s: &Settings) -> CallPhase {
        let secs = talk.as_secs();
        if secs < u64::from(s.phase_opening_end) {
            CallPhase::Opening
        } else if secs < u64::from(s.phase_request_end) {
            CallPhase::Request
        } else if secs < u64::from(s.phase_caution) {
            CallPhase::Objections
        } else if secs < u64::from(s.phase_limit) {
            CallPhase::Caution
        } else {
            CallPhase::Limit
        }
    }

    /// The next threshold after `talk`, in seconds of talk, if any.
    pub fn next_threshold(talk: Duration, s: &Settings) -> Option<u32> {
        let secs = talk.as_secs();
        [
            s.phase_opening_end,
            s.phase_request_end,
            s.phase_caution,
            s.phase_limit,
        ]
        .into_iter()
        .find(|t| u64::from(*t) > secs)
    }
}

/// A call's clocks, all offsets from the moment the rep started the call
/// (dialling): when the prospect answered (ring time before it, talk time
/// after it), when the rep began logging the outcome (talk stops there: the
/// outcome form is not talk time), and when the last objection was raised.
#[derive(Debug, Clone, Copy)]
pub struct CallClock {
    pub started_at: DateTime<Utc>,
    anchor: Instant,
    anchor_elapsed: Duration,
    answered: Option<Duration>,
    stopped: Option<Duration>,
    last_objection: Option<Duration>,
}

/// A call's clocks read at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallReading {
    /// Ringing until the answer, then the talk time: what the timer shows.
    pub shown: Duration,
    pub answered: bool,
    /// The rep is logging the outcome: the timer stands still.
    pub stopped: bool,
    /// How long the current (last raised) objection has taken.
    pub objection: Option<Duration>,
}

impl CallClock {
    pub fn new(started_at: DateTime<Utc>, elapsed: Duration, now: Instant) -> Self {
        CallClock {
            started_at,
            anchor: now,
            anchor_elapsed: elapsed,
            answered: None,
            stopped: None,
            last_objection: None,
        }
    }

    /// A call that started at `started_at`, resumed after a restart at
    /// `now_wall`, answered at `answered_at` if the rep had said so, its last
    /// objection `last_objection_ms` into the talk.
    pub fn recovered(
        started_at: DateTime<Utc>,
        answered_at: Option<DateTime<Utc>>,
        last_objection_ms: Option<u32>,
        now: Instant,
        now_wall: DateTime<Utc>,
    ) -> Self {
        let since = |t: DateTime<Utc>| (t - started_at).to_std().unwrap_or(Duration::ZERO);
        let mut c = CallClock::new(started_at, since(now_wall), now);
        c.answered = answered_at.map(since);
        c.last_objection = last_objection_ms.map(|ms| Duration::from_millis(u64::from(ms)));
        c
    }

    /// Time since the call started, standing still once the rep logs the
    /// outcome.
    pub fn elapsed(&self, now: Instant) -> Duration {
        let e = self.anchor_elapsed + now.saturating_duration_since(self.anchor);
        self.stopped.map_or(e, |s| s.min(e))
    }

    /// Ring time: up to the answer, or all of it while nobody has answered.
    pub fn ring(&self, now: Instant) -> Duration {
        self.answered.unwrap_or_else(|| self.elapsed(now))
    }

    /// Talk time since the answer; `None` before it.
    pub fn talk(&self, now: Instant) -> Option<Duration> {
        self.answered.map(|a| self.elapsed(now).saturating_sub(a))
    }

    pub fn is_answered(&self) -> bool {
        self.answered.is_some()
    }

    /// Mark the answer now (once); returns the ring time.
    pub fn answer(&mut self, now: Instant) -> Duration {
        if self.answered.is_none() {
            self.answered = Some(self.elapsed(now));
        }
        self.ring(now)
    }

    /// The rep begins logging the outcome: the clocks stand still.
    pub fn stop(&mut self, now: Instant) {
        if self.stopped.is_none() {
            self.stopped = Some(self.elapsed(now));
        }
    }

    /// The clocks stand at `elapsed` into the call (an outcome taken back:
    /// where the call ended).
    pub fn stop_at(&mut self, elapsed: Duration) {
        self.stopped = Some(elapsed);
    }

    /// The rep went back to the call: the clocks run again (the time spent
    /// in the form counts, as the call went on).
    pub fn go_on(&mut self) {
        self.stopped = None;
    }

    /// An objection raised `talk` into the call.
    pub fn objection_at(&mut self, talk: Duration) {
        self.last_objection = Some(talk);
    }

    pub fn phase(&self, now: Instant, s: &Settings) -> CallPhase {
        match self.talk(now) {
            Some(t) => CallPhase::at(t, s),
            None => CallPhase::Ringing,
        }
    }

    pub fn read(&self, now: Instant) -> CallReading {
        let talk = self.talk(now);
        CallReading {
            shown: talk.unwrap_or_else(|| self.ring(now)),
            answered: talk.is_some(),
            stopped: self.stopped.is_some(),
            objection: talk
                .zip(self.last_objection)
                .map(|(t, o)| t.saturating_sub(o)),
        }
    }

    /// When what [`CallClock::read`] shows next changes: the next whole
    /// second of the timer or of the current objection; `None` when stopped.
    fn next_change(&self, now: Instant) -> Option<Instant> {
        if self.stopped.is_some() {
            return None;
        }
        let r = self.read(now);
        let mut wake = now + (next_second(r.shown) - r.shown);
        if let Some(o) = r.objection {
            wake = wake.min(now + (next_second(o) - o));
        }
        Some(wake)
    }
}

/// The block's running time at `now_wall`, from its persisted start and pauses
/// (an open pause counts up to `now_wall`). Used when a block is reopened.
pub fn elapsed_from_record(
    started_at: DateTime<Utc>,
    pauses: &[(DateTime<Utc>, Option<DateTime<Utc>>)],
    now_wall: DateTime<Utc>,
) -> Duration {
    let total = (now_wall - started_at).to_std().unwrap_or(Duration::ZERO);
    let paused: Duration = pauses
        .iter()
        .map(|(from, to)| {
            let to = to.unwrap_or(now_wall).min(now_wall);
            (to - *from).to_std().unwrap_or(Duration::ZERO)
        })
        .sum();
    total.saturating_sub(paused)
}

/// The clocks a running block has now.
#[derive(Debug, Clone)]
pub struct Clocks {
    pub block: BlockClock,
    pub call: Option<CallClock>,
}

/// Something the rep must be told, once per block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Alert {
    /// Five minutes of the block are left.
    FiveMinutesLeft,
    /// The planned length has run: finish the call, then take the break.
    TimeUp,
}

/// When five minutes are left.
pub const FIVE_MINUTES: Duration = Duration::from_secs(300);

/// What a tick reports: the clocks read at one instant.
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    pub block_elapsed: Duration,
    pub block_remaining: Duration,
    pub paused: bool,
    pub call: Option<CallReading>,
    pub alert: Option<Alert>,
}

fn next_second(elapsed: Duration) -> Duration {
    Duration::from_secs(elapsed.as_secs() + 1)
}

/// When the display next changes: the next whole second of the block clock
/// or of the call timer, or a threshold (five minutes left, the end),
/// whichever comes first. `None` when nothing runs.
pub fn next_wake(c: &Clocks, now: Instant) -> Option<Instant> {
    let mut wake: Option<Instant> = None;
    let mut consider = |t: Option<Instant>| {
        if let Some(t) = t {
            wake = Some(wake.map_or(t, |w| w.min(t)));
        }
    };
    let elapsed = c.block.elapsed(now);
    consider(c.block.instant_at(next_second(elapsed)));
    let planned = c.block.planned();
    for mark in [planned.saturating_sub(FIVE_MINUTES), planned] {
        if mark > elapsed {
            consider(c.block.instant_at(mark));
        }
    }
    if let Some(call) = &c.call {
        consider(call.next_change(now));
    }
    wake
}

/// Emits ticks for as long as the process lives: reads the block's key, its
/// clocks and a context for `emit` (e.g. the thresholds) with `read` (which
/// may reconcile the clocks with the wall clock), emits a [`Tick`] at
/// every [`next_wake`], and raises each [`Alert`] once per block. When nothing
/// runs it waits for `changed` (notified on start, pause, resume, end and
/// call changes). `block_key` tells blocks apart, so that alerts reset for a
/// new block.
pub async fn run_ticker<C, R, E>(mut read: R, mut emit: E, changed: &tokio::sync::Notify)
where
    R: FnMut() -> Option<(String, Clocks, C)>,
    E: FnMut(&str, &C, Tick),
{
    let mut alerted: (Option<String>, bool, bool) = (None, false, false);
    loop {
        let Some((key, clocks, context)) = read() else {
            changed.notified().await;
            continue;
        };
        if alerted.0.as_deref() != Some(key.as_str()) {
            // A new (or reopened) block: its alerts have not been given yet.
            alerted = (Some(key.clone()), false, false);
        }
        let now = Instant::now();
        let elapsed = clocks.block.elapsed(now);
        let planned = clocks.block.planned();
        let remaining = planned.saturating_sub(elapsed);
        let mut alert = None;
        if elapsed >= planned && !alerted.2 {
            alert = Some(Alert::TimeUp);
            alerted.1 = true;
            alerted.2 = true;
        } else if planned > FIVE_MINUTES && remaining <= FIVE_MINUTES && !alerted.1 {
            alert = Some(Alert::FiveMinutesLeft);
            alerted.1 = true;
        }
        emit(
            &key,
            &context,
            Tick {
                block_elapsed: elapsed,
                block_remaining: remaining,
                paused: clocks.block.is_paused(),
                call: clocks.call.as_ref().map(|c| c.read(now)),
                alert,
            },
        );
        match next_wake(&clocks, now) {
            Some(wake) => {
                tokio::select! {
                    _ = tokio::time::sleep_until(wake) => {}
                    _ = changed.notified() => {}
                }
            }
            None => changed.notified().await,
        }
    }
}

/// Emits the break's ticks for as long as the process lives: `read` gives
/// the break's key (the block it follows) and the time left, read from the
/// persisted end of the block; `emit` gets the time left at every whole
/// second, and `over = true` once per break when it ends. Re-reads when
/// `changed` is notified (a block started or ended), and every minute.
pub async fn run_break_ticker<R, E>(mut read: R, mut emit: E, changed: &tokio::sync::Notify)
where
    R: FnMut() -> Option<(String, Duration)>,
    E: FnMut(&str, Duration, bool),
{
    let mut announced: Option<String> = None;
    let idle = Duration::from_secs(60);
    loop {
        let Some((key, remaining)) = read() else {
            tokio::select! {
                _ = tokio::time::sleep(idle) => {}
                _ = changed.notified() => {}
            }
            continue;
        };
        let deadline = Instant::now() + remaining;
        loop {
            let now = Instant::now();
            let left = deadline.saturating_duration_since(now);
            if left.is_zero() {
                if announced.as_deref() != Some(key.as_str()) {
                    emit(&key, Duration::ZERO, true);
                    announced = Some(key.clone());
                }
                tokio::select! {
                    _ = tokio::time::sleep(idle) => {}
                    _ = changed.notified() => {}
                }
                break;
            }
            emit(&key, left, false);
            let frac = left - Duration::from_secs(left.as_secs());
            let wake = now
                + if frac.is_zero() {
                    Duration::from_secs(1)
                } else {
                    frac
                };
            tokio::select! {
                _ = tokio::time::sleep_until(wake) => {}
                _ = changed.notified() => break,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn wall0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 15, 0, 0).unwrap()
    }

    #[tokio::test(start_paused = true)]
    async fn a_block_counts_running_time_and_not_pauses() {
        let t0 = Instant::now();
        let mut c = BlockClock::new(
            Duration::from_secs(52 * 60),
            Duration::ZERO,
            false,
            t0,
            wall0(),
        );
        tokio::time::advance(Duration::from_secs(600)).await;
        assert_eq!(c.elapsed(Instant::now()), Duration::from_secs(600));
        c.pause(Instant::now(), wall0());
        tokio::time::advance(Duration::from_secs(300)).await;
        assert_eq!(
            c.elapsed(Instant::now()),
            Duration::from_secs(600),
            "a pause does not count"
        );
        assert!(c.is_paused());
        c.resume(Instant::now(), wall0());
        tokio::time::advance(Duration::from_secs(42 * 60)).await;
        assert!(c.is_over(Instant::now()));
        assert_eq!(c.remaining(Instant::now()), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn the_end_instant_is_exact_over_a_whole_block() {
        let t0 = Instant::now();
        let planned = Duration::from_secs(52 * 60);
        let c = BlockClock::new(planned, Duration::ZERO, false, t0, wall0());
        let end = c.instant_at(planned).unwrap();
        tokio::time::sleep_until(end).await;
        let drift = Instant::now()
            .saturating_duration_since(t0)
            .abs_diff(planned);
        assert!(drift < Duration::from_millis(100), "drift {drift:?}");
        assert_eq!(c.elapsed(Instant::now()), planned);
    }

    #[tokio::test(start_paused = true)]
    async fn a_suspend_counts_against_the_block() {
        let t0 = Instant::now();
        let mut c = BlockClock::new(
            Duration::from_secs(3120),
            Duration::ZERO,
            false,
            t0,
            wall0(),
        );
        tokio::time::advance(Duration::from_secs(60)).await;
        // The laptop slept 10 minutes: the wall clock moved 11 minutes, the monotonic 1.
        let added = c.reconcile(Instant::now(), wall0() + chrono::Duration::minutes(11));
        assert_eq!(added, Duration::from_secs(600));
        assert_eq!(c.elapsed(Instant::now()), Duration::from_secs(660));
        // Small differences are ignored.
        assert_eq!(
            c.reconcile(
                Instant::now(),
                wall0() + chrono::Duration::minutes(11) + chrono::Duration::milliseconds(500)
            ),
            Duration::ZERO
        );
    }

    #[test]
    fn phases_follow_the_thresholds() {
        let s = Settings::default();
        let at = |secs| CallPhase::at(Duration::from_secs(secs), &s);
        assert_eq!(at(0), CallPhase::Opening);
        assert_eq!(at(44), CallPhase::Opening);
        assert_eq!(at(45), CallPhase::Request);
        assert_eq!(at(60), CallPhase::Objections);
        assert_eq!(at(119), CallPhase::Objections);
        assert_eq!(at(120), CallPhase::Caution);
        assert_eq!(at(180), CallPhase::Limit);
        assert_eq!(at(3600), CallPhase::Limit, "the timer never ends a call");
        assert_eq!(
            CallPhase::next_threshold(Duration::from_secs(50), &s),
            Some(60)
        );
        assert_eq!(
            CallPhase::next_threshold(Duration::from_secs(200), &s),
            None
        );
        let custom = Settings {
            phase_caution: 150,
            ..Settings::default()
        };
        assert_eq!(
            CallPhase::at(Duration::from_secs(130), &custom),
            CallPhase::Objections
        );
    }

    #[test]
    fn elapsed_from_the_record_excludes_pauses_open_or_closed() {
        let start = wall0();
        let m = |n| start + chrono::Duration::minutes(n);
        let pauses = vec![(m(10), Some(m(15))), (m(30), None)];
        // At 40 minutes: 40 - 5 - 10 (the open pause) = 25.
        assert_eq!(
            elapsed_from_record(start, &pauses, m(40)),
            Duration::from_secs(25 * 60)
        );
        assert_eq!(
            elapsed_from_record(start, &[], m(52)),
            Duration::from_secs(52 * 60)
        );
        // A clock set back does not make time negative.
        assert_eq!(elapsed_from_record(start, &[], m(-5)), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn a_recovered_call_resumes_from_its_persisted_start() {
        let started = wall0();
        let c = CallClock::recovered(
            started,
            Some(started + chrono::Duration::seconds(8)),
            Some(20_000),
            Instant::now(),
            started + chrono::Duration::seconds(75),
        );
        assert_eq!(c.elapsed(Instant::now()), Duration::from_secs(75));
        tokio::time::advance(Duration::from_secs(5)).await;
        assert_eq!(c.elapsed(Instant::now()), Duration::from_secs(80));
        let r = c.read(Instant::now());
        assert_eq!(
            r.shown,
            Duration::from_secs(72),
            "talk counts from the answer"
        );
        assert_eq!(r.objection, Some(Duration::from_secs(52)));
        assert_eq!(c.ring(Instant::now()), Duration::from_secs(8));
    }

    #[tokio::test(start_paused = true)]
    async fn the_ticker_wakes_on_whole_seconds_and_alerts_once_at_five_minutes_and_the_end() {
        use std::sync::{Arc, Mutex};
        let t0 = Instant::now();
        let planned = Duration::from_secs(52 * 60);
        let clocks = Clocks {
            block: BlockClock::new(planned, Duration::ZERO, false, t0, wall0()),
            call: None,
        };
        let ticks: Arc<Mutex<Vec<(Duration, Tick)>>> = Arc::default();
        let changed = Arc::new(tokio::sync::Notify::new());
        let seen = ticks.clone();
        let n = changed.clone();
        let task = tokio::spawn(async move {
            run_ticker(
                move || Some(("b1".to_string(), clocks.clone(), ())),
                move |_, _, t| seen.lock().unwrap().push((Instant::now() - t0, t)),
                &n,
            )
            .await
        });
        tokio::time::sleep(planned + Duration::from_secs(3)).await;
        task.abort();
        let ticks = ticks.lock().unwrap();
        // One tick per second of the block, each on the second.
        assert!(ticks.len() >= 52 * 60, "{} ticks", ticks.len());
        for (at, t) in ticks.iter() {
            assert_eq!(
                *at, t.block_elapsed,
                "the tick reports the clock at its own instant"
            );
            assert_eq!(at.subsec_nanos(), 0, "ticks fall on whole seconds: {at:?}");
        }
        let alerts: Vec<(Duration, Alert)> = ticks
            .iter()
            .filter_map(|(at, t)| t.alert.map(|a| (*at, a)))
            .collect();
        assert_eq!(
            alerts,
            vec![
                (planned - FIVE_MINUTES, Alert::FiveMinutesLeft),
                (planned, Alert::TimeUp)
            ]
        );
        let end = ticks
            .iter()
            .find(|(_, t)| t.alert == Some(Alert::TimeUp))
            .unwrap();
        assert!(
            end.0.abs_diff(planned) < Duration::from_millis(100),
            "drift {:?}",
            end.0.abs_diff(planned)
        );
        assert_eq!(end.1.block_remaining, Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn a_paused_block_does_not_tick_until_it_changes() {
        let t0 = Instant::now();
        let mut block = BlockClock::new(
            Duration::from_secs(600),
            Duration::from_secs(100),
            false,
            t0,
            wall0(),
        );
        block.pause(t0, wall0());
        let c = Clocks { block, call: None };
        assert_eq!(next_wake(&c, t0), None);
        let call = CallClock::new(wall0(), Duration::from_millis(1500), t0);
        let c = Clocks {
            block: c.block,
            call: Some(call),
        };
        assert_eq!(
            next_wake(&c, t0),
            Some(t0 + Duration::from_millis(500)),
            "the call timer still runs"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn ring_then_talk_from_the_answer_and_the_form_is_not_talk() {
        let s = Settings::default();
        let t0 = Instant::now();
        let mut c = CallClock::new(wall0(), Duration::ZERO, t0);
        tokio::time::advance(Duration::from_secs(8)).await;
        let r = c.read(Instant::now());
        assert_eq!((r.shown, r.answered), (Duration::from_secs(8), false));
        assert_eq!(c.phase(Instant::now(), &s), CallPhase::Ringing);
        assert_eq!(c.answer(Instant::now()), Duration::from_secs(8));
        let r = c.read(Instant::now());
        assert_eq!(
            (r.shown, r.answered),
            (Duration::ZERO, true),
            "0:00 at the answer"
        );
        assert_eq!(c.phase(Instant::now(), &s), CallPhase::Opening);
        tokio::time::advance(Duration::from_secs(61)).await;
        assert_eq!(c.phase(Instant::now(), &s), CallPhase::Objections);
        c.objection_at(c.talk(Instant::now()).unwrap());
        tokio::time::advance(Duration::from_secs(25)).await;
        assert_eq!(
            c.read(Instant::now()).objection,
            Some(Duration::from_secs(25))
        );
        // A second answer mark changes nothing.
        assert_eq!(c.answer(Instant::now()), Duration::from_secs(8));
        c.stop(Instant::now());
        tokio::time::advance(Duration::from_secs(40)).await;
        assert_eq!(c.talk(Instant::now()), Some(Duration::from_secs(86)));
        assert!(c.read(Instant::now()).stopped);
        let clocks = Clocks {
            block: BlockClock::new(Duration::from_secs(600), Duration::ZERO, true, t0, wall0()),
            call: Some(c),
        };
        assert_eq!(
            next_wake(&clocks, Instant::now()),
            None,
            "a stopped call does not tick"
        );
        c.go_on();
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(c.talk(Instant::now()), Some(Duration::from_secs(127)));
    }

    #[tokio::test(start_paused = true)]
    async fn the_break_ticks_each_second_and_says_once_when_it_is_over() {
        use std::sync::{Arc, Mutex};
        let t0 = Instant::now();
        let end = t0 + Duration::from_secs(3);
        let seen: Arc<Mutex<Vec<(Duration, bool)>>> = Arc::default();
        let s2 = seen.clone();
        let changed = Arc::new(tokio::sync::Notify::new());
        let n = changed.clone();
        let task = tokio::spawn(async move {
            run_break_ticker(
                move || {
                    Some((
                        "b1".to_string(),
                        end.saturating_duration_since(Instant::now()),
                    ))
                },
                move |_, left, over| s2.lock().unwrap().push((left, over)),
                &n,
            )
            .await
        });
        tokio::time::sleep(Duration::from_secs(200)).await;
        task.abort();
        let seen = seen.lock().unwrap();
        assert_eq!(
            seen.iter().filter(|(_, over)| *over).count(),
            1,
            "over is said once: {seen:?}"
        );
        let lefts: Vec<u64> = seen.iter().map(|(l, _)| l.as_secs()).collect();
        assert_eq!(&lefts[..4], &[3, 2, 1, 0], "{seen:?}");
    }
}
