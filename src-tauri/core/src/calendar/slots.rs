//! The free slots for a meeting (issue 18): the rep's working hours on the
//! rep's working days, in the rep's zone, every half hour, less what is busy
//! (the calendar, the meetings already booked), from an hour from now, over
//! the next working days. Inside the prospect's calling hours where the day
//! has such a slot (their zone, Monday to Friday); else that day's slots are
//! offered marked as outside their hours (a prospect far away). A pure
//! function of its inputs.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;

use super::ics::Interval;

/// What the slots are cut from.
#[derive(Debug, Clone, PartialEq)]
pub struct SlotRules {
    pub rep_zone: Tz,
    /// None: unknown (every slot counts as inside their hours).
    pub prospect_zone: Option<Tz>,
    /// The rep's working hours, minutes after midnight in the rep's zone.
    pub work_start_minute: u32,
    pub work_end_minute: u32,
    /// The rep's working days, 0 = Monday ... 6 = Sunday.
    pub work_days: Vec<u8>,
    /// The prospect's hours (the calling hours), in their zone, Monday to
    /// Friday: from this hour to that one.
    pub their_start_hour: u32,
    pub their_end_hour: u32,
    pub duration_minutes: u32,
    /// How many working days are offered (5).
    pub days: u32,
    /// Slots start on this grid from the start of the working day (30).
    pub step_minutes: u32,
    /// At most this many slots a day, spread over the day (8).
    pub per_day: usize,
    /// No slot starts sooner than this after now (60).
    pub lead_minutes: u32,
}

impl SlotRules {
    /// The rules with the usual grid: five days, half hours, eight a day,
    /// an hour ahead.
    pub fn new(rep_zone: Tz, prospect_zone: Option<Tz>, duration_minutes: u32) -> SlotRules {
        SlotRules {
            rep_zone,
            prospect_zone,
            work_start_minute: 9 * 60,
            work_end_minute: 17 * 60,
            work_days: vec![0, 1, 2, 3, 4],
            their_start_hour: 8,
            their_end_hour: 17,
            duration_minutes,
            days: 5,
            step_minutes: 30,
            per_day: 8,
            lead_minutes: 60,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreeSlot {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Inside the prospect's calling hours (or their zone is unknown).
    pub inside_their_hours: bool,
}

/// One working day of the rep's and its free slots (none when it is full).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreeDay {
    /// The day in the rep's zone.
    pub date: NaiveDate,
    pub slots: Vec<FreeSlot>,
}

/// The next `rules.days` working days of the rep from `now` (today among
/// them while its working hours last past the lead), each with its free
/// slots. `busy` need not be sorted.
pub fn free_slots(now: DateTime<Utc>, rules: &SlotRules, busy: &[Interval]) -> Vec<FreeDay> {
    let mut out = Vec::new();
    let step = i64::from(rules.step_minutes.max(5));
    let length = Duration::minutes(i64::from(rules.duration_minutes.max(1)));
    let earliest = now + Duration::minutes(i64::from(rules.lead_minutes));
    let first_day = now.with_timezone(&rules.rep_zone).date_naive();
    // Three weeks at most, whatever the working days say.
    for offset in 0..21 {
        if out.len() >= rules.days as usize {
            break;
        }
        let Some(date) = first_day.checked_add_signed(Duration::days(offset)) else {
            break;
        };
        let weekday = date.weekday().num_days_from_monday() as u8;
        if !rules.work_days.contains(&weekday) {
            continue;
        }
        let day_end = at_minute(rules.rep_zone, date, rules.work_end_minute);
        if day_end - length < earliest {
            // Today, too late already: not one of the days offered.
            continue;
        }
        let mut free = Vec::new();
        let mut minute = i64::from(rules.work_start_minute);
        while minute + i64::from(rules.duration_minutes) <= i64::from(rules.work_end_minute) {
            let m = minute as u32;
            minute += step;
            let Some(start) = exact_minute(rules.rep_zone, date, m) else {
                continue; // skipped by a clock set forward
            };
            let end = start + length;
            if start < earliest || end > day_end || busy.iter().any(|b| b.overlaps(start, end)) {
                continue;
            }
            free.push(FreeSlot {
                starts_at: start,
                ends_at: end,
                inside_their_hours: inside_their_hours(rules, start, end),
            });
        }
        if free.iter().any(|s| s.inside_their_hours) {
            free.retain(|s| s.inside_their_hours);
        }
        out.push(FreeDay {
            date,
            slots: spread(free, rules.per_day),
        });
    }
    out
}

/// At most `n` of `slots`, spread evenly from the first to the last.
fn spread(slots: Vec<FreeSlot>, n: usize) -> Vec<FreeSlot> {
    if slots.len() <= n || n == 0 {
        return if n == 0 { Vec::new() } else { slots };
    }
    if n == 1 {
        return slots.into_iter().take(1).collect();
    }
    let last = slots.len() - 1;
    let mut picked: Vec<usize> = (0..n).map(|i| (i * last + (n - 1) / 2) / (n - 1)).collect();
    picked.dedup();
    picked.into_iter().map(|i| slots[i].clone()).collect()
}

fn inside_their_hours(rules: &SlotRules, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
    let Some(zone) = rules.prospect_zone else {
        return true;
    };
    let (s, e) = (start.with_timezone(&zone), end.with_timezone(&zone));
    let weekday = s.weekday().num_days_from_monday();
    let from = rules.their_start_hour * 60;
    let until = rules.their_end_hour * 60;
    let s_min = s.hour() * 60 + s.minute();
    let e_min = if e.date_naive() == s.date_naive() {
        e.hour() * 60 + e.minute()
    } else if e.hour() == 0
        && e.minute() == 0
        && e.date_naive() == s.date_naive().succ_opt().unwrap_or(s.date_naive())
    {
        24 * 60
    } else {
        return false;
    };
    weekday < 5 && s_min >= from && e_min <= until
}

/// `minute` after midnight of `date` in `zone`, when that local time exists.
fn exact_minute(zone: Tz, date: NaiveDate, minute: u32) -> Option<DateTime<Utc>> {
    use chrono::TimeZone;
    let t = date.and_hms_opt(0, 0, 0)? + Duration::minutes(i64::from(minute));
    zone.from_local_datetime(&t)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// `minute` after midnight of `date` in `zone` (the next time that exists
/// when the clock skips it).
fn at_minute(zone: Tz, date: NaiveDate, minute: u32) -> DateTime<Utc> {
    exact_minute(zone, date, minute)
        .or_else(|| exact_minute(zone, date, minute + 60))
        .unwrap_or_else(|| {
            date.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
                + Duration::minutes(i64::from(minute))
        })
}
