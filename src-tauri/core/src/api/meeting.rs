//! The meeting form's free slots (issue 18): the next working days' free
//! half hours of the rep, shown in the rep's zone and the prospect's, from
//! the rep's calendar when one is set (else the working hours alone), less
//! the meetings already booked here.
//!
//! Two steps, so that the window reads the file without holding the
//! database: [`slot_query`] reads what the database knows (a connection),
//! [`slots`] reads the calendar and cuts the slots. [`meeting_slots`] does
//! both.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use specta::Type;

use crate::calendar::{self, FreeDay, Interval, SlotRules};
use crate::error::{Error, Result};
use crate::{reps, settings, time};

/// How far ahead the calendar and the booked meetings are read: the five
/// working days fall inside it whatever the working days are.
const AHEAD_DAYS: i64 = 22;

/// The meeting slots of one call, as the form shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct MeetingSlots {
    /// The working days offered, in order (a full day has no slot).
    pub days: Vec<SlotDay>,
    /// Where the slots come from, one line: "From your calendar work.ics"
    /// or "Your working hours: no calendar set".
    pub source: String,
    /// The calendar's file name when the slots come from it.
    pub calendar: Option<String>,
    /// What went wrong, one line: the calendar could not be read (the
    /// slots are the working hours), or some of its events were left out.
    pub warning: Option<String>,
    /// The rep's zone (IANA name) the working hours are in.
    pub rep_zone: String,
    /// The prospect's zone, when known.
    pub prospect_zone: Option<String>,
    pub duration_minutes: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct SlotDay {
    /// The day in the rep's zone, `2026-04-14`.
    pub date: String,
    /// "Tue 14 Apr"
    pub label: String,
    pub slots: Vec<MeetingSlot>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct MeetingSlot {
    pub starts_at: DateTime<Utc>,
    /// In the rep's zone: "10:00 CEST".
    pub rep_time: String,
    /// In the prospect's zone, with the weekday when it is another day
    /// there: "09:00 BST", "Wed 01:00 +08". None: their zone is unknown.
    pub prospect_time: Option<String>,
    /// Inside the prospect's calling hours (false only on a day with no
    /// such slot: a prospect far away).
    pub inside_their_hours: bool,
}

/// What the database says about one meeting's slots.
#[derive(Debug, Clone, PartialEq)]
pub struct SlotQuery {
    pub rules: SlotRules,
    pub calendar_file: Option<String>,
    /// The rep's meetings already booked, from a day ago on.
    pub booked: Vec<Interval>,
}

/// The meeting's length: 5 minutes to 8 hours, as a booked meeting.
fn checked_length(minutes: u32) -> Result<u32> {
    if !(5..=480).contains(&minutes) {
        return Err(Error::invalid(
            "meeting length",
            format!("{minutes} minutes: give 5 to 480"),
        ));
    }
    Ok(minutes)
}

/// Read what the slots of a meeting with `prospect_id` need: the rep's
/// zone (the profile's, else `window_zone`, the zone of the computer the
/// window runs on, else UTC), the prospect's, the working hours and days,
/// the prospect's calling hours, the calendar's path and the meetings
/// already booked by the rep.
pub fn slot_query(
    conn: &Connection,
    prospect_id: &str,
    duration_minutes: u32,
    window_zone: Option<&str>,
    now: DateTime<Utc>,
) -> Result<SlotQuery> {
    let duration_minutes = checked_length(duration_minutes)?;
    let s = settings::load(conn)?;
    let prospect_zone: Option<Option<String>> = conn
        .query_row(
            "SELECT time_zone FROM prospects WHERE id = ?1",
            [prospect_id],
            |r| r.get(0),
        )
        .optional()?;
    let prospect_zone = prospect_zone.ok_or_else(|| Error::NotFound {
        what: "prospect",
        id: prospect_id.to_string(),
    })?;
    let rep = reps::current_rep(conn)?;
    let rep_zone = rep
        .as_ref()
        .and_then(|r| r.time_zone.as_deref())
        .and_then(time::parse_tz)
        .or_else(|| window_zone.and_then(time::parse_tz))
        .unwrap_or(chrono_tz::UTC);
    let mut booked = Vec::new();
    if let Some(rep) = &rep {
        let mut stmt = conn.prepare(
            "SELECT starts_at, duration_minutes FROM meetings
             WHERE rep_id = ?1 AND starts_at >= ?2 AND starts_at < ?3",
        )?;
        let rows = stmt.query_map(
            rusqlite::params![
                rep.id,
                time::to_db(now - Duration::days(1)),
                time::to_db(now + Duration::days(AHEAD_DAYS))
            ],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
        )?;
        for row in rows {
            let (at, minutes) = row?;
            let start = time::from_db(&at)?;
            booked.push(Interval {
                start,
                end: start + Duration::minutes(minutes),
            });
        }
    }
    let mut rules = SlotRules::new(
        rep_zone,
        prospect_zone.as_deref().and_then(time::parse_tz),
        duration_minutes,
    );
    rules.work_start_minute = s.work_start_minute;
    rules.work_end_minute = s.work_end_minute;
    rules.work_days = s.calling_days.clone();
    rules.their_start_hour = s.calling_hour_start;
    rules.their_end_hour = s.calling_hour_end;
    Ok(SlotQuery {
        rules,
        calendar_file: s.calendar_file,
        booked,
    })
}

/// The slots of `q` from `now`: the calendar read (a file that cannot be
/// read leaves the working hours, and says why), the slots cut and named.
pub fn slots(q: &SlotQuery, now: DateTime<Utc>) -> MeetingSlots {
    let mut busy = q.booked.clone();
    let mut warning = None;
    let mut calendar = None;
    let source = match &q.calendar_file {
        None => "Your working hours: no calendar set".to_string(),
        Some(path) => {
            let name = calendar::file_name(path);
            let to = now + Duration::days(AHEAD_DAYS);
            match calendar::read(path, q.rules.rep_zone, now, to) {
                Ok(read) => {
                    busy.extend(read.intervals);
                    if read.skipped > 0 {
                        warning = Some(format!(
                            "{} of {} events in {name} could not be read: their times may show as free.",
                            read.skipped, read.events
                        ));
                    } else if read.unknown_zones > 0 {
                        warning = Some(format!(
                            "{} events in {name} name a time zone not known here: read in {}.",
                            read.unknown_zones,
                            q.rules.rep_zone.name()
                        ));
                    }
                    calendar = Some(name.clone());
                    format!("From your calendar {name}")
                }
                Err(e) => {
                    warning = Some(format!("Your calendar was not read: {e}."));
                    "Your working hours (the calendar could not be read)".to_string()
                }
            }
        }
    };
    let days = calendar::free_slots(now, &q.rules, &busy);
    MeetingSlots {
        days: days.iter().map(|d| named_day(d, &q.rules)).collect(),
        source,
        calendar,
        warning,
        rep_zone: q.rules.rep_zone.name().to_string(),
        prospect_zone: q.rules.prospect_zone.map(|z| z.name().to_string()),
        duration_minutes: q.rules.duration_minutes,
    }
}

/// [`slot_query`] then [`slots`], for a caller that may hold the
/// connection while the file is read.
pub fn meeting_slots(
    conn: &Connection,
    prospect_id: &str,
    duration_minutes: u32,
    window_zone: Option<&str>,
    now: DateTime<Utc>,
) -> Result<MeetingSlots> {
    let q = slot_query(conn, prospect_id, duration_minutes, window_zone, now)?;
    Ok(slots(&q, now))
}

fn named_day(d: &FreeDay, rules: &SlotRules) -> SlotDay {
    SlotDay {
        date: d.date.format("%Y-%m-%d").to_string(),
        label: d.date.format("%a %-d %b").to_string(),
        slots: d
            .slots
            .iter()
            .map(|s| {
                let mine = s.starts_at.with_timezone(&rules.rep_zone);
                MeetingSlot {
                    starts_at: s.starts_at,
                    rep_time: mine.format("%H:%M %Z").to_string(),
                    prospect_time: rules
                        .prospect_zone
                        .map(|z| their_time(s.starts_at, z, mine.date_naive())),
                    inside_their_hours: s.inside_their_hours,
                }
            })
            .collect(),
    }
}

fn their_time(at: DateTime<Utc>, zone: Tz, my_day: chrono::NaiveDate) -> String {
    let theirs = at.with_timezone(&zone);
    if theirs.date_naive() == my_day {
        theirs.format("%H:%M %Z").to_string()
    } else {
        theirs.format("%a %H:%M %Z").to_string()
    }
}
