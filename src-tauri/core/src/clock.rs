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

/// Where a call is, by its elapsed time (domain.md section 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum CallPhase {
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
    pub fn at(elapsed: Duration, s: &Settings) -> CallPhase {
        let secs = elapsed.as_secs();
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

    /// The next threshold after `elapsed`, in seconds of the call, if any.
    pub fn next_threshold(elapsed: Duration, s: &Settings) -> Option<u32> {
        let secs = elapsed.as_secs();
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

/// A call's timer: from the moment the rep started the call.
#[derive(Debug, Clone, Copy)]
pub struct CallClock {
    pub started_at: DateTime<Utc>,
    anchor: Instant,
    anchor_elapsed: Duration,
}

impl CallClock {
    pub fn new(started_at: DateTime<Utc>, elapsed: Duration, now: Instant) -> Self {
        CallClock {
            started_at,
            anchor: now,
            anchor_elapsed: elapsed,
        }
    }

    /// A call that started at `started_at`, resumed after a restart at `now_wall`.
    pub fn recovered(started_at: DateTime<Utc>, now: Instant, now_wall: DateTime<Utc>) -> Self {
        let elapsed = (now_wall - started_at).to_std().unwrap_or(Duration::ZERO);
        CallClock::new(started_at, elapsed, now)
    }

    pub fn elapsed(&self, now: Instant) -> Duration {
        self.anchor_elapsed + now.saturating_duration_since(self.anchor)
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
            Instant::now(),
            started + chrono::Duration::seconds(75),
        );
        assert_eq!(c.elapsed(Instant::now()), Duration::from_secs(75));
        tokio::time::advance(Duration::from_secs(5)).await;
        assert_eq!(c.elapsed(Instant::now()), Duration::from_secs(80));
    }
}
