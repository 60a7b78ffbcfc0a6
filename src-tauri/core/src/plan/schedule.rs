//! The weekly schedule: recurring slots for call blocks (in the rep's prime
//! time) and for preparation (kept apart from it), domain.md section 1.
//!
//! - A slot is a weekday (0 = Monday), a start in minutes after local
//!   midnight, a length, and an IANA time zone; it must end by midnight.
//! - Occurrences are computed in the slot's own zone, so a 09:00 block stays
//!   at 09:00 local across daylight-saving changes. A start that does not
//!   exist (the hour skipped in spring) is read with the offset in force
//!   before the gap, as RFC 5545 does (02:30 becomes 03:30); a start that
//!   exists twice (autumn) is the first of the two.
//! - Slots of one rep may not overlap. A block outside prime time, a
//!   preparation slot inside it, and weekend slots are warnings, not errors.
//! - A block occurrence counts as kept when the rep started a block from
//!   [`GRACE_MINUTES`] before it until its end; a past occurrence without one,
//!   after the slot was created, is missed.

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc,
};
use chrono_tz::Tz;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::domain::Settings;
use crate::error::{Error, Result};
use crate::time;

/// A block started this many minutes before its slot still counts for it.
pub const GRACE_MINUTES: i64 = 15;
/// How far ahead [`next_due_block`] looks.
const LOOKAHEAD_DAYS: i64 = 8;

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum SlotKind {
    /// A call block.
    Block,
    /// Preparation: research, list cleaning, enrichment.
    Prep,
}

impl SlotKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SlotKind::Block => "block",
            SlotKind::Prep => "prep",
        }
    }

    pub fn parse(s: &str) -> Result<SlotKind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "block" => Ok(SlotKind::Block),
            "prep" | "preparation" => Ok(SlotKind::Prep),
            _ => Err(Error::invalid(
                "slot kind",
                format!("{} is not one of: block, prep", crate::quote::quoted(s)),
            )),
        }
    }
}

/// A slot as entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct NewSlot {
    pub kind: SlotKind,
    /// 0 = Monday ... 6 = Sunday.
    pub weekday: u8,
    /// Minutes after local midnight (540 = 09:00).
    pub start_minute: u32,
    pub minutes: u32,
    /// IANA name, such as America/Chicago.
    pub time_zone: String,
    /// The theme the block calls (or the preparation readies).
    pub theme_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ScheduleSlot {
    pub id: String,
    pub rep_id: String,
    pub kind: SlotKind,
    pub weekday: u8,
    pub start_minute: u32,
    pub minutes: u32,
    pub time_zone: String,
    pub theme_id: Option<String>,
    pub theme_name: Option<String>,
    pub created_at: String,
}

/// A saved slot and what the rep should know about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct SavedSlot {
    pub slot: ScheduleSlot,
    pub warnings: Vec<String>,
}

/// `HH:MM` for minutes after midnight.
pub fn hhmm(minute: u32) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

fn parse_zone(name: &str) -> Result<Tz> {
    time::parse_tz(name).ok_or_else(|| {
        Error::invalid(
            "time zone",
            format!(
                "{} is not an IANA time zone such as America/Chicago",
                crate::quote::quoted(name)
            ),
        )
    })
}

fn validate(slot: &NewSlot) -> Result<Tz> {
    if slot.weekday > 6 {
        return Err(Error::invalid(
            "weekday",
            format!("must be 0 (Monday) to 6 (Sunday); got {}", slot.weekday),
        ));
    }
    if slot.start_minute >= 24 * 60 {
        return Err(Error::invalid(
            "start",
            format!(
                "must be between 00:00 and 23:59 (0 to 1439 minutes); got {}",
                slot.start_minute
            ),
        ));
    }
    if slot.minutes == 0 {
        return Err(Error::invalid("length", "must be at least one minute"));
    }
    if slot.start_minute + slot.minutes > 24 * 60 {
        return Err(Error::invalid(
            "length",
            format!(
                "a slot must end by midnight; {} + {} minutes ends the next day",
                hhmm(slot.start_minute),
                slot.minutes
            ),
        ));
    }
    parse_zone(&slot.time_zone)
}

/// What the rep should know about a slot (it is saved all the same).
pub fn slot_warnings(slot: &NewSlot, settings: &Settings) -> Vec<String> {
    let mut w = Vec::new();
    let (ps, pe) = (
        settings.prime_time_start_minute,
        settings.prime_time_end_minute,
    );
    let (s, e) = (slot.start_minute, slot.start_minute + slot.minutes);
    let prime = format!("{}-{}", hhmm(ps), hhmm(pe));
    match slot.kind {
        SlotKind::Block if s < ps || e > pe => w.push(format!(
            "This block runs {}-{}, outside your prime time ({prime}); blocks do best in your \
             peak hours.",
            hhmm(s),
            hhmm(e)
        )),
        SlotKind::Prep if s < pe && e > ps => w.push(format!(
            "This preparation runs {}-{}, inside your prime time ({prime}); keep prime time for \
             calling and prepare in quieter hours.",
            hhmm(s),
            hhmm(e)
        )),
        _ => {}
    }
    if slot.weekday >= 5 {
        w.push(format!(
            "{} is not a working day; the plan counts Monday to Friday.",
            WEEKDAYS[usize::from(slot.weekday)]
        ));
    }
    w
}

const SLOT_COLUMNS: &str = "s.id, s.rep_id, s.kind, s.weekday, s.start_minute, s.minutes,
    s.time_zone, s.theme_id, t.name, s.created_at";

fn slot_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ScheduleSlot> {
    let kind: String = r.get(2)?;
    Ok(ScheduleSlot {
        id: r.get(0)?,
        rep_id: r.get(1)?,
        kind: SlotKind::parse(&kind).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, Box::new(e))
        })?,
        weekday: r.get(3)?,
        start_minute: r.get(4)?,
        minutes: r.get(5)?,
        time_zone: r.get(6)?,
        theme_id: r.get(7)?,
        theme_name: r.get(8)?,
        created_at: r.get(9)?,
    })
}

/// A rep's slots, by weekday and start.
pub fn slots(conn: &Connection, rep_id: &str) -> Result<Vec<ScheduleSlot>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {SLOT_COLUMNS} FROM schedule_slots s LEFT JOIN themes t ON t.id = s.theme_id
         WHERE s.rep_id = ?1 ORDER BY s.weekday, s.start_minute, s.id"
    ))?;
    let rows = stmt.query_map([rep_id], slot_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn slot_by_id(conn: &Connection, id: &str) -> Result<ScheduleSlot> {
    conn.query_row(
        &format!(
            "SELECT {SLOT_COLUMNS} FROM schedule_slots s LEFT JOIN themes t ON t.id = s.theme_id
             WHERE s.id = ?1"
        ),
        [id],
        slot_from_row,
    )
    .optional()?
    .ok_or_else(|| Error::NotFound {
        what: "schedule slot",
        id: id.to_string(),
    })
}

/// The slot as it would be entered again (to check it against others).
pub fn as_new(s: &ScheduleSlot) -> NewSlot {
    NewSlot {
        kind: s.kind,
        weekday: s.weekday,
        start_minute: s.start_minute,
        minutes: s.minutes,
        time_zone: s.time_zone.clone(),
        theme_id: s.theme_id.clone(),
    }
}

/// Whether two slots ever overlap. In one zone this is weekly arithmetic; in
/// two zones the occurrences of the coming year are compared, so that
/// daylight-saving changes that differ between the zones are seen.
pub fn slots_overlap(a: &NewSlot, b: &NewSlot, from: DateTime<Utc>) -> Result<bool> {
    if a.time_zone == b.time_zone {
        let span = |s: &NewSlot| {
            let start = u32::from(s.weekday) * 1440 + s.start_minute;
            (start, start + s.minutes)
        };
        let ((a0, a1), (b0, b1)) = (span(a), span(b));
        return Ok(a0 < b1 && b0 < a1);
    }
    let to = from + Duration::days(371);
    let oa = occurrences_of(a, "", None, from, to)?;
    let ob = occurrences_of(b, "", None, from, to)?;
    Ok(oa.iter().any(|x| {
        ob.iter()
            .any(|y| x.starts_at < y.ends_at && y.starts_at < x.ends_at)
    }))
}

fn check_slot(conn: &Connection, rep_id: &str, slot: &NewSlot, except: Option<&str>) -> Result<()> {
    validate(slot)?;
    if let Some(t) = &slot.theme_id {
        let found: Option<i64> = conn
            .query_row("SELECT 1 FROM themes WHERE id = ?1", [t], |r| r.get(0))
            .optional()?;
        if found.is_none() {
            return Err(Error::NotFound {
                what: "theme",
                id: t.clone(),
            });
        }
    }
    let now = time::now();
    for other in slots(conn, rep_id)? {
        if Some(other.id.as_str()) == except {
            continue;
        }
        if slots_overlap(slot, &as_new(&other), now)? {
            return Err(Error::Conflict(format!(
                "this slot overlaps the {} slot on {} {}-{} ({}); move one of them",
                other.kind.as_str(),
                WEEKDAYS[usize::from(other.weekday.min(6))],
                hhmm(other.start_minute),
                hhmm(other.start_minute + other.minutes),
                other.time_zone
            )));
        }
    }
    Ok(())
}

/// Add a slot to the rep's week.
pub fn add_slot(
    conn: &Connection,
    rep_id: &str,
    slot: &NewSlot,
    settings: &Settings,
) -> Result<SavedSlot> {
    super::saved::check_rep(conn, rep_id)?;
    check_slot(conn, rep_id, slot, None)?;
    let id = crate::ids::new_id();
    conn.execute(
        "INSERT INTO schedule_slots (id, rep_id, kind, weekday, start_minute, minutes, time_zone,
            theme_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            id,
            rep_id,
            slot.kind.as_str(),
            slot.weekday,
            slot.start_minute,
            slot.minutes,
            slot.time_zone.trim(),
            slot.theme_id,
            time::to_db(time::now())
        ],
    )?;
    Ok(SavedSlot {
        slot: slot_by_id(conn, &id)?,
        warnings: slot_warnings(slot, settings),
    })
}

/// Change a slot (its creation time, from which misses are counted, stays).
pub fn update_slot(
    conn: &Connection,
    id: &str,
    slot: &NewSlot,
    settings: &Settings,
) -> Result<SavedSlot> {
    let old = slot_by_id(conn, id)?;
    check_slot(conn, &old.rep_id, slot, Some(id))?;
    conn.execute(
        "UPDATE schedule_slots SET kind = ?2, weekday = ?3, start_minute = ?4, minutes = ?5,
            time_zone = ?6, theme_id = ?7
         WHERE id = ?1",
        params![
            id,
            slot.kind.as_str(),
            slot.weekday,
            slot.start_minute,
            slot.minutes,
            slot.time_zone.trim(),
            slot.theme_id
        ],
    )?;
    Ok(SavedSlot {
        slot: slot_by_id(conn, id)?,
        warnings: slot_warnings(slot, settings),
    })
}

pub fn delete_slot(conn: &Connection, id: &str) -> Result<()> {
    if conn.execute("DELETE FROM schedule_slots WHERE id = ?1", [id])? == 0 {
        return Err(Error::NotFound {
            what: "schedule slot",
            id: id.to_string(),
        });
    }
    Ok(())
}

/// A local date and time in `tz` as an instant, the RFC 5545 way: the first
/// of two when the time exists twice, and read with the offset before the gap
/// when it does not exist.
pub fn local_to_utc(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        LocalResult::None => {
            // The offset in force just before the gap.
            let offset = (1..=24 * 60)
                .find_map(|m| {
                    tz.from_local_datetime(&(local - Duration::minutes(m)))
                        .latest()
                        .map(|t| t.offset().fix())
                })
                .map(|o| o.local_minus_utc())
                .unwrap_or(0);
            Utc.from_utc_datetime(&(local - Duration::seconds(i64::from(offset))))
        }
    }
}

/// One occurrence of a slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct SlotOccurrence {
    pub slot_id: String,
    pub kind: SlotKind,
    pub theme_id: Option<String>,
    pub theme_name: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The date in the slot's zone.
    pub local_date: NaiveDate,
    /// `HH:MM` in the slot's zone, as entered.
    pub local_start: String,
    pub time_zone: String,
}

fn occurrences_of(
    slot: &NewSlot,
    slot_id: &str,
    theme_name: Option<&str>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<SlotOccurrence>> {
    let tz = parse_zone(&slot.time_zone)?;
    let mut out = Vec::new();
    if to <= from {
        return Ok(out);
    }
    let first = from.with_timezone(&tz).date_naive() - Duration::days(1);
    let last = to.with_timezone(&tz).date_naive() + Duration::days(1);
    let start_time =
        chrono::NaiveTime::from_num_seconds_from_midnight_opt(slot.start_minute * 60, 0)
            .unwrap_or(chrono::NaiveTime::MIN);
    for date in first.iter_days().take_while(|d| *d <= last) {
        if date.weekday().num_days_from_monday() != u32::from(slot.weekday) {
            continue;
        }
        let starts_at = local_to_utc(tz, date.and_time(start_time));
        let ends_at = starts_at + Duration::minutes(i64::from(slot.minutes));
        if ends_at > from && starts_at < to {
            out.push(SlotOccurrence {
                slot_id: slot_id.to_string(),
                kind: slot.kind,
                theme_id: slot.theme_id.clone(),
                theme_name: theme_name.map(str::to_string),
                starts_at,
                ends_at,
                local_date: date,
                local_start: hhmm(slot.start_minute),
                time_zone: tz.name().to_string(),
            });
        }
    }
    Ok(out)
}

/// The occurrences of `slot` that overlap `[from, to)`, in order.
pub fn occurrences(
    slot: &ScheduleSlot,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<SlotOccurrence>> {
    occurrences_of(
        &as_new(slot),
        &slot.id,
        slot.theme_name.as_deref(),
        from,
        to,
    )
}

/// Every occurrence of the rep's slots that overlaps `[from, to)`, in order.
pub fn schedule_occurrences(
    conn: &Connection,
    rep_id: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<SlotOccurrence>> {
    let mut all = Vec::new();
    for s in slots(conn, rep_id)? {
        all.extend(occurrences(&s, from, to)?);
    }
    all.sort_by(|a, b| {
        a.starts_at
            .cmp(&b.starts_at)
            .then(a.slot_id.cmp(&b.slot_id))
    });
    Ok(all)
}

fn block_started_for(conn: &Connection, rep_id: &str, o: &SlotOccurrence) -> Result<bool> {
    let found: Option<i64> = conn
        .query_row(
            "SELECT 1 FROM blocks WHERE rep_id = ?1 AND started_at >= ?2 AND started_at < ?3
             LIMIT 1",
            params![
                rep_id,
                time::to_db(o.starts_at - Duration::minutes(GRACE_MINUTES)),
                time::to_db(o.ends_at)
            ],
            |r| r.get(0),
        )
        .optional()?;
    Ok(found.is_some())
}

/// Block occurrences in `[from, to)` that have ended by `to`, counting only
/// those after their slot was created (a slot added today has no past).
pub fn past_block_occurrences(
    conn: &Connection,
    rep_id: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<SlotOccurrence>> {
    let mut out = Vec::new();
    for s in slots(conn, rep_id)?
        .into_iter()
        .filter(|s| s.kind == SlotKind::Block)
    {
        let created = time::from_db(&s.created_at)?;
        for o in occurrences(&s, from.max(created), to)? {
            if o.starts_at >= created && o.ends_at <= to {
                out.push(o);
            }
        }
    }
    out.sort_by_key(|o| o.starts_at);
    Ok(out)
}

/// Block occurrences in `[from, to)` that have ended with no block started
/// for them, counting only those after their slot was created.
pub fn missed_blocks(
    conn: &Connection,
    rep_id: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<SlotOccurrence>> {
    let mut out = Vec::new();
    for o in past_block_occurrences(conn, rep_id, from, to)? {
        if !block_started_for(conn, rep_id, &o)? {
            out.push(o);
        }
    }
    Ok(out)
}

/// The block the rep should be told about at `at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct DueBlock {
    pub occurrence: SlotOccurrence,
    /// The slot has begun and no block was started for it yet: notify now.
    pub due_now: bool,
    /// Minutes until it begins (0 when due).
    pub minutes_until: u32,
}

/// The next block occurrence at `at` that has not ended and has no block
/// started for it: the one to notify about (when `due_now`) and to offer in
/// the Block view, on its theme.
pub fn next_due_block(
    conn: &Connection,
    rep_id: &str,
    at: DateTime<Utc>,
) -> Result<Option<DueBlock>> {
    for o in schedule_occurrences(conn, rep_id, at, at + Duration::days(LOOKAHEAD_DAYS))? {
        if o.kind != SlotKind::Block || o.ends_at <= at || block_started_for(conn, rep_id, &o)? {
            continue;
        }
        let until = (o.starts_at - at).num_minutes().max(0);
        return Ok(Some(DueBlock {
            due_now: o.starts_at <= at,
            minutes_until: u32::try_from(until).unwrap_or(u32::MAX),
            occurrence: o,
        }));
    }
    Ok(None)
}

/// Block slots proposed for a week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct SlotSuggestion {
    pub slots: Vec<NewSlot>,
    /// Blocks that did not fit in prime time around the existing slots.
    pub unplaced: u32,
    pub note: String,
}

/// Place `blocks_per_week` block slots in prime time, Monday to Friday: each
/// block followed by its break, spread over the days before a day gets a
/// second block, around the rep's existing slots.
pub fn suggest_block_slots(
    blocks_per_week: u32,
    time_zone: &str,
    existing: &[ScheduleSlot],
    settings: &Settings,
) -> Result<SlotSuggestion> {
    parse_zone(time_zone)?;
    let step = settings.block_minutes + settings.break_minutes;
    let (ps, pe) = (
        settings.prime_time_start_minute,
        settings.prime_time_end_minute,
    );
    let per_day = if pe >= ps + settings.block_minutes {
        (pe - ps - settings.block_minutes) / step.max(1) + 1
    } else {
        0
    };
    let existing: Vec<NewSlot> = existing.iter().map(as_new).collect();
    let now = time::now();
    let mut out: Vec<NewSlot> = Vec::new();
    'fill: for k in 0..per_day {
        for day in 0..5u8 {
            if out.len() as u32 >= blocks_per_week {
                break 'fill;
            }
            let candidate = NewSlot {
                kind: SlotKind::Block,
                weekday: day,
                start_minute: ps + k * step,
                minutes: settings.block_minutes,
                time_zone: time_zone.to_string(),
                theme_id: None,
            };
            let mut free = true;
            for other in existing.iter().chain(out.iter()) {
                if slots_overlap(&candidate, other, now)? {
                    free = false;
                    break;
                }
            }
            if free {
                out.push(candidate);
            }
        }
    }
    out.sort_by_key(|s| (s.weekday, s.start_minute));
    let unplaced = blocks_per_week.saturating_sub(out.len() as u32);
    let note = if unplaced == 0 {
        format!(
            "{} in prime time ({}-{}), each followed by a {}-minute break.",
            if out.len() == 1 {
                "1 block".to_string()
            } else {
                format!("{} blocks", out.len())
            },
            hhmm(ps),
            hhmm(pe),
            settings.break_minutes
        )
    } else {
        format!(
            "Only {} of {blocks_per_week} blocks fit in prime time ({}-{}) on weekdays; widen \
             prime time or place the other {unplaced} by hand.",
            out.len(),
            hhmm(ps),
            hhmm(pe)
        )
    };
    Ok(SlotSuggestion {
        slots: out,
        unplaced,
        note,
    })
}
