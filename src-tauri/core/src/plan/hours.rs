//! The selling year split across the rep's work (domain.md section 7: about
//! 1,760 selling hours a year, 220 days x 8 hours): the plan's prospecting
//! blocks with their breaks, the preparation slots of the weekly schedule,
//! the meetings the plan books held at their length, and what is left for
//! the rest of the job (follow-up, admin, e-mail...). Per week and per year.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::rates::HISTORY_DAYS;
use crate::domain::Settings;
use crate::error::Result;
use crate::time;

/// A meeting's length when the rep booked none to measure (the length a
/// booked meeting starts with).
pub const DEFAULT_MEETING_MINUTES: f64 = 30.0;

/// What the selling hours go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Activity {
    /// The plan's call blocks and the break after each.
    Prospecting,
    /// The preparation slots of the weekly schedule.
    Prep,
    /// The meetings the plan books, held.
    Meetings,
    /// Everything else: follow-up, admin, e-mail; what the others leave.
    Other,
}

/// One activity's hours and its share of the selling hours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct HourShare {
    pub activity: Activity,
    pub hours_per_week: f64,
    /// `hours_per_week` x the weeks of the selling year.
    pub hours_per_year: f64,
    /// Of the selling hours (0.25 = a quarter).
    pub share: f64,
    /// How the hours are counted, in words.
    pub basis: String,
}

/// The selling hours split across the activities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct HourSplit {
    pub selling_hours_per_year: f64,
    pub selling_hours_per_week: f64,
    /// Selling days / 5 (220 days = 44 weeks).
    pub weeks_per_year: f64,
    /// Prospecting, prep, meetings and other, in that order. When the first
    /// three fit, the four add up to the selling hours.
    pub activities: Vec<HourShare>,
    /// Hours a week the first three ask beyond the selling hours (0 when they fit).
    pub over_by_hours_per_week: f64,
}

/// What the split needs besides the plan: the rep's preparation and the
/// length of a meeting.
#[derive(Debug, Clone, PartialEq)]
pub struct HourInputs {
    /// Minutes of preparation slots in the rep's week, and how many slots.
    pub prep_minutes_per_week: u32,
    pub prep_slots: u32,
    /// A meeting's length: the average of the rep's recent booked meetings,
    /// else [`DEFAULT_MEETING_MINUTES`].
    pub meeting_minutes: f64,
    /// The booked meetings the average rests on (0: the default).
    pub meetings_measured: u32,
}

impl HourInputs {
    /// No preparation scheduled and the default meeting length (no rep yet).
    pub fn none() -> HourInputs {
        HourInputs {
            prep_minutes_per_week: 0,
            prep_slots: 0,
            meeting_minutes: DEFAULT_MEETING_MINUTES,
            meetings_measured: 0,
        }
    }
}

/// The rep's preparation slots, and the average length of the meetings they
/// booked in the [`HISTORY_DAYS`] days before `until`.
pub fn hour_inputs(conn: &Connection, rep_id: &str, until: DateTime<Utc>) -> Result<HourInputs> {
    let (prep_slots, prep_minutes_per_week): (u32, u32) = conn.query_row(
        "SELECT count(*), ifnull(sum(minutes), 0) FROM schedule_slots
         WHERE rep_id = ?1 AND kind = 'prep'",
        [rep_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let from = until - Duration::days(HISTORY_DAYS);
    let (meetings_measured, total): (u32, f64) = conn.query_row(
        "SELECT count(*), ifnull(sum(duration_minutes), 0) FROM meetings
         WHERE rep_id = ?1 AND created_at >= ?2 AND created_at < ?3",
        params![rep_id, time::to_db(from), time::to_db(until)],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(HourInputs {
        prep_minutes_per_week,
        prep_slots,
        meeting_minutes: if meetings_measured > 0 {
            total / f64::from(meetings_measured)
        } else {
            DEFAULT_MEETING_MINUTES
        },
        meetings_measured,
    })
}

/// The week's hours of each activity for `blocks_per_week` blocks and
/// `meetings_per_week` meetings, over `selling_hours_per_week`.
pub(super) fn split(
    blocks_per_week: u32,
    meetings_per_week: u32,
    time: &HourInputs,
    selling_hours_per_week: f64,
    settings: &Settings,
) -> HourSplit {
    let weeks_per_year =
        super::compute::SELLING_DAYS_PER_YEAR / f64::from(settings.calling_days_a_week());
    let block_span = settings.block_minutes + settings.break_minutes;
    let worked = [
        (
            Activity::Prospecting,
            f64::from(blocks_per_week) * f64::from(block_span) / 60.0,
            format!(
                "{blocks_per_week} {} a week x ({} calling + {} break minutes)",
                if blocks_per_week == 1 {
                    "block"
                } else {
                    "blocks"
                },
                settings.block_minutes,
                settings.break_minutes
            ),
        ),
        (
            Activity::Prep,
            f64::from(time.prep_minutes_per_week) / 60.0,
            prep_basis(time),
        ),
        (
            Activity::Meetings,
            f64::from(meetings_per_week) * time.meeting_minutes / 60.0,
            meetings_basis(meetings_per_week, time),
        ),
    ];
    let used: f64 = worked.iter().map(|(_, h, _)| h).sum();
    let other = (selling_hours_per_week - used).max(0.0);
    let over = (used - selling_hours_per_week).max(0.0);
    let other_basis = if over > 0.0 {
        format!(
            "nothing left: blocks, preparation and meetings ask {over:.1} hours a week more \
             than your {selling_hours_per_week:.0} selling hours"
        )
    } else {
        "follow-up, admin, e-mail and the rest of the job: what the others leave".to_string()
    };
    let share = |(activity, hours, basis): (Activity, f64, String)| HourShare {
        activity,
        hours_per_week: hours,
        hours_per_year: hours * weeks_per_year,
        share: hours / selling_hours_per_week,
        basis,
    };
    let mut activities: Vec<HourShare> = worked.into_iter().map(share).collect();
    activities.push(share((Activity::Other, other, other_basis)));
    HourSplit {
        selling_hours_per_year: f64::from(settings.selling_hours_per_year.max(1)),
        selling_hours_per_week,
        weeks_per_year,
        activities,
        over_by_hours_per_week: over,
    }
}

fn prep_basis(time: &HourInputs) -> String {
    match time.prep_slots {
        0 => "no preparation slot in your week yet; add them to the schedule".to_string(),
        n => format!(
            "{n} preparation {} in your week, {} minutes",
            if n == 1 { "slot" } else { "slots" },
            time.prep_minutes_per_week
        ),
    }
}

fn meetings_basis(meetings_per_week: u32, time: &HourInputs) -> String {
    let length = match time.meetings_measured {
        0 => {
            format!("the usual length; you booked none in the last {HISTORY_DAYS} days to measure")
        }
        n => format!(
            "the average of the {n} {} you booked in the last {HISTORY_DAYS} days",
            if n == 1 { "meeting" } else { "meetings" }
        ),
    };
    format!(
        "{meetings_per_week} {} a week x {:.0} minutes ({length})",
        if meetings_per_week == 1 {
            "meeting"
        } else {
            "meetings"
        },
        time.meeting_minutes
    )
}
