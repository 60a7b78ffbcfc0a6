//! Two weeks of blocks: weekdays, morning prime time for each rep, a second
//! block on most days, each on one theme, its calls played through the same
//! rules as real calls.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use rand::rngs::StdRng;
use rand::Rng;
use rusqlite::Connection;

use super::call::{demo_call, Dialling};
use super::data::THEMES;
use super::people::{DemoLists, DemoProspect};
use super::playbook::DemoPlaybook;
use crate::calls;
use crate::domain::{Outcome, Settings};
use crate::error::Result;
use crate::queue;
use crate::reps::Rep;
use crate::time;

/// What the two weeks made.
#[derive(Debug, Default)]
pub(super) struct Made {
    pub blocks: u32,
    pub calls: u32,
    pub meetings: u32,
}

pub(super) struct History<'a> {
    c: &'a Connection,
    settings: &'a Settings,
    theme_ids: &'a [String],
    by_id: HashMap<&'a str, &'a DemoProspect>,
    playbook: &'a DemoPlaybook,
    made: Made,
}

/// A block on one theme, as it runs.
struct Block<'a> {
    id: String,
    rep_id: &'a str,
    /// Its theme's number in [`THEMES`].
    theme: usize,
    week_two: bool,
    /// When its planned length is up.
    end_target: DateTime<Utc>,
}

impl<'a> History<'a> {
    pub fn new(
        c: &'a Connection,
        settings: &'a Settings,
        lists: &'a DemoLists,
        playbook: &'a DemoPlaybook,
    ) -> History<'a> {
        History {
            c,
            settings,
            theme_ids: &lists.theme_ids,
            by_id: lists.prospects.iter().map(|p| (p.id.as_str(), p)).collect(),
            playbook,
            made: Made::default(),
        }
    }

    /// The weekdays of the two weeks before `now`'s day.
    pub fn two_weeks(mut self, rng: &mut StdRng, reps: &[Rep], now: DateTime<Utc>) -> Result<Made> {
        let today = now.date_naive();
        let first_day = today - Duration::days(14);
        let mut day = first_day;
        while day < today {
            if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
                let week_two = (day - first_day).num_days() >= 7;
                self.day(rng, reps, day, week_two, now)?;
            }
            day = day.succ_opt().unwrap_or(today);
        }
        Ok(self.made)
    }

    /// Each rep's blocks of one day: two on most days, else one.
    fn day(
        &mut self,
        rng: &mut StdRng,
        reps: &[Rep],
        day: NaiveDate,
        week_two: bool,
        now: DateTime<Utc>,
    ) -> Result<()> {
        for (ri, rep) in reps.iter().enumerate() {
            let rep_tz: Tz = rep
                .time_zone
                .as_deref()
                .and_then(time::parse_tz)
                .unwrap_or(chrono_tz::UTC);
            let slots: &[(u32, u32)] = if rng.random_bool(0.7) {
                &[(9, 0), (10, 30)]
            } else {
                &[(9, 15)]
            };
            for (si, (h, m)) in slots.iter().enumerate() {
                let start_local = day
                    .and_time(NaiveTime::from_hms_opt(*h, *m, 0).unwrap_or_default())
                    + Duration::seconds(rng.random_range(0..600));
                let Some(start) = rep_tz.from_local_datetime(&start_local).earliest() else {
                    continue;
                };
                let start = start.with_timezone(&Utc);
                if start >= now {
                    continue;
                }
                let theme = (day.ordinal() as usize + ri * 2 + si) % THEMES.len();
                self.block(rng, &rep.id, theme, week_two, start)?;
            }
        }
        Ok(())
    }

    /// One block from `start`: calls until its time is up or nobody is left
    /// to call. A block nobody could be called in is not kept.
    fn block(
        &mut self,
        rng: &mut StdRng,
        rep_id: &str,
        theme: usize,
        week_two: bool,
        start: DateTime<Utc>,
    ) -> Result<()> {
        let planned = self.settings.block_minutes * 60;
        let end_target = start + Duration::seconds(i64::from(planned));
        let id = crate::block::insert_finished_block(
            self.c,
            &crate::block::FinishedBlock {
                rep_id,
                theme_ids: std::slice::from_ref(&self.theme_ids[theme]),
                planned_seconds: planned,
                break_seconds: self.settings.break_minutes * 60,
                started_at: start,
                ended_at: end_target,
                end_reason: "completed",
            },
        )?;
        self.made.blocks += 1;
        let block = Block {
            id,
            rep_id,
            theme,
            week_two,
            end_target,
        };
        let t = start + Duration::seconds(rng.random_range(5..30));
        let (t, calls, ended_early) = self.calls(rng, &block, t)?;
        if calls == 0 {
            // Nobody to call: a rep would not have started this block.
            self.c
                .execute("DELETE FROM blocks WHERE id = ?1", [&block.id])?;
            self.made.blocks -= 1;
        } else if ended_early {
            self.c.execute(
                "UPDATE blocks SET ended_at = ?2, end_reason = 'ended_early' WHERE id = ?1",
                rusqlite::params![block.id, time::to_db(t)],
            )?;
        } else {
            self.c.execute(
                "UPDATE blocks SET ended_at = ?2 WHERE id = ?1",
                rusqlite::params![block.id, time::to_db(t.max(block.end_target))],
            )?;
        }
        Ok(())
    }

    /// The block's calls from `t`, one after the other. Returns when the
    /// last ended, how many there were, and whether the queue ran dry first.
    fn calls(
        &mut self,
        rng: &mut StdRng,
        block: &Block<'_>,
        mut t: DateTime<Utc>,
    ) -> Result<(DateTime<Utc>, u32, bool)> {
        let themes = std::slice::from_ref(&self.theme_ids[block.theme]);
        let dialling = Dialling {
            rep_id: block.rep_id,
            block_id: &block.id,
            theme_id: &self.theme_ids[block.theme],
            track: self.playbook.track_for(block.theme, block.week_two),
            objections: self.playbook.objections_for(block.theme),
        };
        let mut n = 0;
        while t < block.end_target {
            let next = queue::next(self.c, &block.id, themes, self.settings, t)?;
            let Some(p) = next.and_then(|e| self.by_id.get(e.prospect_id.as_str()).copied()) else {
                return Ok((t, n, true));
            };
            let call = demo_call(rng, p, &dialling, t);
            let next = t
                + Duration::milliseconds(i64::from(call.ring_ms.unwrap_or(0)))
                + Duration::milliseconds(i64::from(call.duration_ms))
                + Duration::seconds(rng.random_range(4..25));
            if call.outcome == Outcome::Meeting {
                self.made.meetings += 1;
            }
            calls::record_completed_call(self.c, &call, self.settings)?;
            self.made.calls += 1;
            n += 1;
            t = next;
        }
        Ok((t, n, false))
    }
}
