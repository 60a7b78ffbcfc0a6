//! A call's life in the store: started in a running block (the row is
//! written at once, so a call in progress survives a crash), objections and
//! notes logged while it runs, completed with its outcome in one transaction
//! that also updates the prospect by the rules of [`crate::rules`] (a
//! do-not-call puts the prospect's numbers and e-mail on the list of
//! [`crate::suppress`]); and calls written whole (the demo, bundles). A call
//! never starts on a number or e-mail on that list.

use chrono::{DateTime, Datelike, Duration, Timelike, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;

pub use crate::domain::NewMeeting;
use crate::domain::{Outcome, ProspectStatus, Settings};
use crate::error::{Error, Result};
use crate::rules::{self, apply_outcome, ProspectState};
use crate::time;

/// An objection raised in a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct RaisedObjection {
    pub objection_id: String,
    pub response_id: Option<String>,
    /// Milliseconds into the call.
    pub at_ms: u32,
}

/// A finished call, written in one go (the demo, imports of bundles).
#[derive(Debug, Clone)]
pub struct CompletedCall {
    pub prospect_id: String,
    pub rep_id: String,
    pub block_id: Option<String>,
    pub theme_id: Option<String>,
    pub talk_track_version_id: Option<String>,
    pub started_at: DateTime<Utc>,
    /// Ring time: before the answer (talk is `duration_ms` after it), or
    /// the whole call with `duration_ms` 0 when nobody answered; `None`:
    /// unknown, `duration_ms` is the whole call.
    pub ring_ms: Option<u32>,
    pub duration_ms: u32,
    pub outcome: Outcome,
    pub asked_for_meeting: bool,
    pub callback_at: Option<DateTime<Utc>>,
    pub notes: String,
    pub gap_current_state: String,
    pub gap_objectives: String,
    pub gap_impact: String,
    pub objections: Vec<RaisedObjection>,
    pub meeting: Option<NewMeeting>,
}

pub(crate) fn load_state(
    conn: &Connection,
    prospect_id: &str,
) -> Result<(ProspectState, Option<String>, Option<String>)> {
    let row = conn
        .query_row(
            "SELECT status, attempts, next_attempt_at, callback_at, do_not_call, bad_number, time_zone,
                (SELECT ifnull(e164, raw) FROM prospect_phones WHERE prospect_id = p.id AND bad = 0
                 ORDER BY position LIMIT 1)
             FROM prospects p WHERE id = ?1",
            [prospect_id],
            |r| {
                Ok((
                    r.get::<_, ProspectStatus>(0)?,
                    r.get::<_, u32>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, bool>(4)?,
                    r.get::<_, bool>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, Option<String>>(7)?,
                ))
            },
        )
        .optional()?
        .ok_or_else(|| Error::NotFound {
            what: "prospect",
            id: prospect_id.to_string(),
        })?;
    let parse = |s: Option<String>| s.map(|s| time::from_db(&s)).transpose();
    Ok((
        ProspectState {
            status: row.0,
            attempts: row.1,
            next_attempt_at: parse(row.2)?,
            callback_at: parse(row.3)?,
            do_not_call: row.4,
            bad_number: row.5,
        },
        row.6,
        row.7,
    ))
}

/// Write `state` back to the prospect.
pub(crate) fn save_state(
    conn: &Connection,
    prospect_id: &str,
    s: &ProspectState,
    called_at: DateTime<Utc>,
) -> Result<()> {
    conn.execute(
        "UPDATE prospects SET status = ?2, attempts = ?3, next_attempt_at = ?4, callback_at = ?5,
            do_not_call = ?6, bad_number = ?7, last_called_at = ?8, updated_at = ?8
         WHERE id = ?1",
        params![
            prospect_id,
            s.status,
            s.attempts,
            s.next_attempt_at.map(time::to_db),
            s.callback_at.map(time::to_db),
            s.do_not_call,
            s.bad_number,
            time::to_db(called_at),
        ],
    )?;
    Ok(())
}

/// The notes a rep types during a call.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct CallNotes {
    pub notes: String,
    /// The prospect's current state, in their words (the "gap").
    pub gap_current_state: String,
    pub gap_objectives: String,
    pub gap_impact: String,
}

impl CallNotes {
    /// The notes normalized and within their limits (see [`crate::text`]).
    pub fn checked(&self) -> Result<CallNotes> {
        use crate::text::{check, GAP_NOTE, NOTES};
        Ok(CallNotes {
            notes: check(NOTES, &self.notes)?,
            gap_current_state: check(GAP_NOTE.named("current state"), &self.gap_current_state)?,
            gap_objectives: check(GAP_NOTE.named("objectives"), &self.gap_objectives)?,
            gap_impact: check(GAP_NOTE.named("impact"), &self.gap_impact)?,
        })
    }
}

/// A call as it starts: the row is written at once (outcome NULL), so that a
/// call in progress survives a crash.
#[derive(Debug, Clone)]
pub struct NewCall<'a> {
    pub prospect_id: &'a str,
    pub rep_id: &'a str,
    pub block_id: Option<&'a str>,
    pub theme_id: Option<&'a str>,
    pub talk_track_version_id: Option<&'a str>,
    pub started_at: DateTime<Utc>,
}

/// Write the row of a call that has started. Returns its id.
pub fn insert_open_call(conn: &Connection, call: &NewCall<'_>) -> Result<String> {
    let (_, tz_name, phone) = load_state(conn, call.prospect_id)?;
    let tz = tz_name.as_deref().and_then(time::parse_tz);
    let local = tz.map(|z| call.started_at.with_timezone(&z));
    let id = crate::ids::new_id();
    conn.prepare_cached(
        "INSERT INTO calls (id, prospect_id, rep_id, block_id, theme_id, phone_e164, talk_track_version_id,
            started_at, prospect_time_zone, local_hour, local_weekday)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        id,
        call.prospect_id,
        call.rep_id,
        call.block_id,
        call.theme_id,
        phone,
        call.talk_track_version_id,
        time::to_db(call.started_at),
        tz_name,
        local.map(|l| l.hour()),
        local.map(|l| l.weekday().num_days_from_monday()),
    ])?;
    Ok(id)
}

/// Log an objection raised in an open call, after the ones already logged.
/// Returns its position (1 for the first).
pub fn insert_objection(conn: &Connection, call_id: &str, o: &RaisedObjection) -> Result<u32> {
    let position: u32 = conn
        .prepare_cached(
            "SELECT ifnull(max(position), 0) + 1 FROM call_objections WHERE call_id = ?1",
        )?
        .query_row([call_id], |r| r.get(0))?;
    conn.prepare_cached(
        "INSERT INTO call_objections (id, call_id, objection_id, response_id, position, at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        crate::ids::new_id(),
        call_id,
        o.objection_id,
        o.response_id,
        position,
        o.at_ms
    ])?;
    Ok(position)
}

/// How an open call ended.
#[derive(Debug, Clone)]
pub struct CallEnd<'a> {
    pub outcome: Outcome,
    pub ended_at: DateTime<Utc>,
    pub asked_for_meeting: bool,
    pub callback_at: Option<DateTime<Utc>>,
    pub meeting: Option<&'a NewMeeting>,
    pub notes: &'a CallNotes,
    /// Written whole without its ring time: its length is the whole call.
    pub ring_unknown: bool,
}

/// What completing a call did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completed {
    pub call_id: String,
    pub prospect_id: String,
    /// Talk time (from the answer).
    pub duration_ms: u32,
    pub ring_ms: Option<u32>,
    pub meeting_id: Option<String>,
    pub prospect_status: ProspectStatus,
}

/// A call's ring and talk time, in milliseconds, from its start, the answer
/// the rep marked (if any) and its end (domain.md section 3: talk time
/// starts at the answer). Not marked: a connect was all talk (ring time
/// unknown), any other call all ringing; `whole` (a call written whole,
/// measured elsewhere, without its ring time) counts every call whole.
pub fn ring_and_talk(
    started: DateTime<Utc>,
    answered: Option<DateTime<Utc>>,
    ended: DateTime<Utc>,
    outcome: Outcome,
    whole: bool,
) -> (Option<u32>, u32) {
    let ms = |a: DateTime<Utc>, b: DateTime<Utc>| {
        u32::try_from((b - a).num_milliseconds().max(0)).unwrap_or(u32::MAX)
    };
    match answered {
        Some(a) => {
            let a = a.clamp(started, ended);
            (Some(ms(started, a)), ms(a, ended))
        }
        None if whole || outcome.is_connect() => (None, ms(started, ended)),
        None => (Some(ms(started, ended)), 0),
    }
}

/// Mark the number a call dialled as bad (the prospect's first good number
/// when the call names none); returns how many good numbers the prospect
/// has left.
fn mark_number_bad(conn: &Connection, call_id: &str, prospect_id: &str) -> Result<u32> {
    let phone: Option<String> = conn
        .prepare_cached("SELECT phone_e164 FROM calls WHERE id = ?1")?
        .query_row([call_id], |r| r.get(0))?;
    conn.prepare_cached(
        "UPDATE prospect_phones SET bad = 1
         WHERE prospect_id = ?1 AND bad = 0 AND position = (
             SELECT position FROM prospect_phones
             WHERE prospect_id = ?1 AND bad = 0 AND (?2 IS NULL OR e164 = ?2)
             ORDER BY position LIMIT 1)",
    )?
    .execute(params![prospect_id, phone])?;
    Ok(conn
        .prepare_cached("SELECT count(*) FROM prospect_phones WHERE prospect_id = ?1 AND bad = 0")?
        .query_row([prospect_id], |r| r.get(0))?)
}

/// Complete an open call: its outcome, notes and meeting, and the prospect's
/// new state by the rules. Run it inside the caller's transaction.
pub fn complete_call(
    conn: &Connection,
    call_id: &str,
    end: &CallEnd<'_>,
    settings: &Settings,
) -> Result<Completed> {
    rules::check_outcome_details(end.outcome, end.callback_at, end.meeting)?;
    let notes = end.notes.checked()?;
    let row: (String, String, Option<String>, bool, Option<Outcome>) = conn
        .prepare_cached(
            "SELECT prospect_id, started_at, answered_at, asked_for_meeting, outcome
             FROM calls WHERE id = ?1",
        )?
        .query_row([call_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .optional()?
        .ok_or_else(|| Error::NotFound {
            what: "call",
            id: call_id.to_string(),
        })?;
    let (prospect_id, started_at, answered_at, asked_before, outcome) = row;
    if outcome.is_some() {
        return Err(Error::Conflict("this call already has its outcome".into()));
    }
    let started_at = time::from_db(&started_at)?;
    let answered_at = answered_at.map(|a| time::from_db(&a)).transpose()?;
    let ended = end.ended_at.max(started_at);
    let (ring_ms, duration_ms) = ring_and_talk(
        started_at,
        answered_at,
        ended,
        end.outcome,
        end.ring_unknown,
    );
    let (before, tz_name, _) = load_state(conn, &prospect_id)?;
    let tz = tz_name.as_deref().and_then(time::parse_tz);
    let after = if end.outcome == Outcome::BadNumber {
        let left = mark_number_bad(conn, call_id, &prospect_id)?;
        rules::apply_bad_number(&before, left, ended, tz, settings)
    } else {
        apply_outcome(&before, end.outcome, ended, end.callback_at, tz, settings)
    };
    conn.prepare_cached(
        "UPDATE calls SET ended_at = ?2, duration_ms = ?3, outcome = ?4, asked_for_meeting = ?5,
            callback_at = ?6, notes = ?7, gap_current_state = ?8, gap_objectives = ?9, gap_impact = ?10,
            ring_ms = ?11
         WHERE id = ?1",
    )?
    .execute(params![
        call_id,
        time::to_db(ended),
        duration_ms,
        end.outcome,
        asked_before || end.asked_for_meeting || end.outcome == Outcome::Meeting,
        end.callback_at.map(time::to_db),
        notes.notes,
        notes.gap_current_state,
        notes.gap_objectives,
        notes.gap_impact,
        ring_ms,
    ])?;
    let mut meeting_id = None;
    if let (Outcome::Meeting, Some(m)) = (end.outcome, end.meeting) {
        let id = crate::ids::new_id();
        let rep_id: String = conn
            .prepare_cached("SELECT rep_id FROM calls WHERE id = ?1")?
            .query_row([call_id], |r| r.get(0))?;
        conn.prepare_cached(
            "INSERT INTO meetings (id, call_id, prospect_id, rep_id, starts_at, duration_minutes, format,
                email, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?
        .execute(params![
            id,
            call_id,
            prospect_id,
            rep_id,
            time::to_db(m.starts_at),
            m.duration_minutes,
            m.format,
            crate::text::normalize(&m.email, crate::text::Lines::One),
            time::to_db(ended)
        ])?;
        meeting_id = Some(id);
    }
    save_state(conn, &prospect_id, &after, ended)?;
    if end.outcome == Outcome::DoNotCall {
        crate::suppress::after_do_not_call(conn, &prospect_id, call_id, &time::to_db(ended))?;
    }
    Ok(Completed {
        call_id: call_id.to_string(),
        prospect_id,
        duration_ms,
        ring_ms,
        meeting_id,
        prospect_status: after.status,
    })
}

/// Record where a meeting's invitation (`.ics`) was saved for the rep.
pub fn set_meeting_invitation(conn: &Connection, meeting_id: &str, path: &str) -> Result<()> {
    conn.execute(
        "UPDATE meetings SET ics_path = ?2 WHERE id = ?1",
        params![meeting_id, path],
    )?;
    Ok(())
}

/// Record a finished call in one go (the demo, tests) and apply its outcome
/// to the prospect. Run it inside the caller's transaction.
pub fn record_completed_call(
    conn: &Connection,
    call: &CompletedCall,
    settings: &Settings,
) -> Result<String> {
    rules::check_outcome_details(call.outcome, call.callback_at, call.meeting.as_ref())?;
    let id = insert_open_call(
        conn,
        &NewCall {
            prospect_id: &call.prospect_id,
            rep_id: &call.rep_id,
            block_id: call.block_id.as_deref(),
            theme_id: call.theme_id.as_deref(),
            talk_track_version_id: call.talk_track_version_id.as_deref(),
            started_at: call.started_at,
        },
    )?;
    for o in &call.objections {
        insert_objection(conn, &id, o)?;
    }
    let ring = Duration::milliseconds(i64::from(call.ring_ms.unwrap_or(0)));
    if call.ring_ms.is_some() && call.duration_ms > 0 {
        mark_answered(conn, &id, call.started_at + ring)?;
    }
    let notes = CallNotes {
        notes: call.notes.clone(),
        gap_current_state: call.gap_current_state.clone(),
        gap_objectives: call.gap_objectives.clone(),
        gap_impact: call.gap_impact.clone(),
    };
    complete_call(
        conn,
        &id,
        &CallEnd {
            outcome: call.outcome,
            ended_at: call.started_at + ring + Duration::milliseconds(i64::from(call.duration_ms)),
            asked_for_meeting: call.asked_for_meeting,
            callback_at: call.callback_at,
            meeting: call.meeting.as_ref(),
            notes: &notes,
            ring_unknown: call.ring_ms.is_none(),
        },
        settings,
    )?;
    Ok(id)
}

// -- A call in a running block ------------------------------------------------

/// An objection logged in a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct LoggedObjection {
    pub objection_id: String,
    pub label: String,
    pub response_id: Option<String>,
    pub position: u32,
    pub at_ms: u32,
}

/// A call that has started and has no outcome yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenCall {
    pub id: String,
    pub prospect_id: String,
    pub theme_id: Option<String>,
    pub talk_track_version_id: Option<String>,
    pub started_at: DateTime<Utc>,
    /// When the rep marked the answer ("connected").
    pub answered_at: Option<DateTime<Utc>>,
    /// The rep asked for the meeting.
    pub asked: bool,
    /// The number dialled (E.164).
    pub phone: Option<String>,
    pub objections: Vec<LoggedObjection>,
    pub notes: CallNotes,
}

/// Start a call on `prospect_id` in the block.
pub fn start_call(
    conn: &Connection,
    block_id: &str,
    prospect_id: &str,
    talk_track_version_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<OpenCall> {
    let b = crate::block::callable(conn, block_id)?;
    if let Some(open) = open_call(conn, block_id)? {
        if open.prospect_id == prospect_id {
            return Ok(open);
        }
        return Err(Error::Conflict(
            "another call is in progress; log its outcome first".into(),
        ));
    }
    let (theme_id, dnc, bad): (Option<String>, bool, bool) = conn
        .query_row(
            "SELECT theme_id, do_not_call, bad_number FROM prospects WHERE id = ?1",
            [prospect_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?
        .ok_or_else(|| Error::NotFound {
            what: "prospect",
            id: prospect_id.to_string(),
        })?;
    rules::check_may_call(dnc, bad)?;
    crate::suppress::check_not_listed(conn, prospect_id)?;
    crate::team::lists::check_not_withdrawn(conn, prospect_id)?;
    let id = insert_open_call(
        conn,
        &NewCall {
            prospect_id,
            rep_id: &b.rep_id,
            block_id: Some(block_id),
            theme_id: theme_id.as_deref(),
            talk_track_version_id,
            started_at: now,
        },
    )?;
    let phone: Option<String> = conn
        .prepare_cached("SELECT phone_e164 FROM calls WHERE id = ?1")?
        .query_row([&id], |r| r.get(0))?;
    Ok(OpenCall {
        id,
        prospect_id: prospect_id.to_string(),
        theme_id,
        talk_track_version_id: talk_track_version_id.map(str::to_string),
        started_at: now,
        answered_at: None,
        asked: false,
        phone,
        objections: Vec::new(),
        notes: CallNotes::default(),
    })
}

/// The call in progress in the block, if any.
pub fn open_call(conn: &Connection, block_id: &str) -> Result<Option<OpenCall>> {
    let row = conn
        .prepare_cached(
            "SELECT id, prospect_id, theme_id, talk_track_version_id, started_at, notes, gap_current_state,
                gap_objectives, gap_impact, answered_at, asked_for_meeting, phone_e164
             FROM calls WHERE block_id = ?1 AND outcome IS NULL ORDER BY started_at DESC LIMIT 1",
        )?
        .query_row([block_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
                CallNotes {
                    notes: r.get(5)?,
                    gap_current_state: r.get(6)?,
                    gap_objectives: r.get(7)?,
                    gap_impact: r.get(8)?,
                },
                (
                    r.get::<_, Option<String>>(9)?,
                    r.get::<_, bool>(10)?,
                    r.get::<_, Option<String>>(11)?,
                ),
            ))
        })
        .optional()?;
    let Some((id, prospect_id, theme_id, track, started_at, notes, (answered, asked, phone))) = row
    else {
        return Ok(None);
    };
    let objections = call_objections(conn, &id)?;
    Ok(Some(OpenCall {
        id,
        prospect_id,
        theme_id,
        talk_track_version_id: track,
        started_at: time::from_db(&started_at)?,
        answered_at: answered.map(|a| time::from_db(&a)).transpose()?,
        asked,
        phone,
        objections,
        notes,
    }))
}

pub fn call_objections(conn: &Connection, call_id: &str) -> Result<Vec<LoggedObjection>> {
    let mut stmt = conn.prepare_cached(
        "SELECT co.objection_id, o.label, co.response_id, co.position, co.at_ms
         FROM call_objections co JOIN objections o ON o.id = co.objection_id
         WHERE co.call_id = ?1 ORDER BY co.position",
    )?;
    let rows = stmt.query_map([call_id], |r| {
        Ok(LoggedObjection {
            objection_id: r.get(0)?,
            label: r.get(1)?,
            response_id: r.get(2)?,
            position: r.get(3)?,
            at_ms: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn open_call_by_id(conn: &Connection, call_id: &str) -> Result<()> {
    let outcome: Option<Option<String>> = conn
        .prepare_cached("SELECT outcome FROM calls WHERE id = ?1")?
        .query_row([call_id], |r| r.get(0))
        .optional()?;
    match outcome {
        None => Err(Error::NotFound {
            what: "call",
            id: call_id.to_string(),
        }),
        Some(Some(_)) => Err(Error::Conflict("this call already has its outcome".into())),
        Some(None) => Ok(()),
    }
}

/// Log an objection in an open call, `at_ms` into it, with the response used.
pub fn log_objection(
    conn: &Connection,
    call_id: &str,
    objection_id: &str,
    response_id: Option<&str>,
    at_ms: u32,
) -> Result<LoggedObjection> {
    open_call_by_id(conn, call_id)?;
    let label: String = conn
        .query_row(
            "SELECT label FROM objections WHERE id = ?1",
            [objection_id],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| Error::NotFound {
            what: "objection",
            id: objection_id.to_string(),
        })?;
    let position = insert_objection(
        conn,
        call_id,
        &RaisedObjection {
            objection_id: objection_id.to_string(),
            response_id: response_id.map(str::to_string),
            at_ms,
        },
    )?;
    Ok(LoggedObjection {
        objection_id: objection_id.to_string(),
        label,
        response_id: response_id.map(str::to_string),
        position,
        at_ms,
    })
}

/// Keep what the rep has typed so far in an open call (a crash keeps it).
pub fn save_draft(conn: &Connection, call_id: &str, notes: &CallNotes) -> Result<()> {
    open_call_by_id(conn, call_id)?;
    let notes = notes.checked()?;
    conn.prepare_cached(
        "UPDATE calls SET notes = ?2, gap_current_state = ?3, gap_objectives = ?4, gap_impact = ?5 WHERE id = ?1",
    )?
    .execute(params![
        call_id,
        notes.notes,
        notes.gap_current_state,
        notes.gap_objectives,
        notes.gap_impact
    ])?;
    Ok(())
}

/// The prospect answered (the rep said so) at `at`; a second mark keeps the
/// first.
pub fn mark_answered(conn: &Connection, call_id: &str, at: DateTime<Utc>) -> Result<()> {
    open_call_by_id(conn, call_id)?;
    conn.prepare_cached("UPDATE calls SET answered_at = ?2 WHERE id = ?1 AND answered_at IS NULL")?
        .execute(params![call_id, time::to_db(at)])?;
    Ok(())
}

/// The rep dials the prospect's number at `position` in the open call
/// (before the answer): the call records that number. A number marked bad
/// is refused. Returns the number (E.164) and its `tel:` link, `None` when
/// the number is not dialable from here.
pub fn dial_number(conn: &Connection, call_id: &str, position: u32) -> Result<DialedNumber> {
    open_call_by_id(conn, call_id)?;
    let (prospect_id, answered): (String, Option<String>) = conn
        .prepare_cached("SELECT prospect_id, answered_at FROM calls WHERE id = ?1")?
        .query_row([call_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let number: Option<(Option<String>, Option<String>, bool)> = conn
        .prepare_cached(
            "SELECT e164, extension, bad FROM prospect_phones WHERE prospect_id = ?1 AND position = ?2",
        )?
        .query_row(params![prospect_id, position], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let Some((e164, extension, bad)) = number else {
        return Err(Error::NotFound {
            what: "phone number",
            id: (position + 1).to_string(),
        });
    };
    if bad {
        return Err(Error::Conflict(
            "this number is marked bad; it is never dialled again".into(),
        ));
    }
    if answered.is_some() {
        return Err(Error::Conflict(
            "the prospect has answered this call; log its outcome before dialling another number"
                .into(),
        ));
    }
    if let Some(e) = &e164 {
        conn.prepare_cached("UPDATE calls SET phone_e164 = ?2 WHERE id = ?1")?
            .execute(params![call_id, e])?;
    }
    Ok(DialedNumber {
        tel_uri: e164
            .as_deref()
            .and_then(|e| crate::card::tel_uri(e, extension.as_deref())),
        e164,
    })
}

/// A number the rep dials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialedNumber {
    pub e164: Option<String>,
    pub tel_uri: Option<String>,
}

/// The rep asked for the meeting in this call (or takes the mark back).
pub fn mark_asked(conn: &Connection, call_id: &str, asked: bool) -> Result<()> {
    open_call_by_id(conn, call_id)?;
    conn.prepare_cached("UPDATE calls SET asked_for_meeting = ?2 WHERE id = ?1")?
        .execute(params![call_id, asked])?;
    Ok(())
}

/// The outcome the rep logs for an open call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct CallResult {
    pub outcome: Outcome,
    /// For a callback: the time agreed.
    pub callback_at: Option<DateTime<Utc>>,
    /// For a meeting: when, how long, the e-mail for the invitation.
    pub meeting: Option<NewMeeting>,
    pub notes: CallNotes,
    /// The rep asked for the meeting (counts the call as a conversation).
    pub asked_for_meeting: bool,
}

/// Complete an open call with its outcome (run in the caller's transaction).
pub fn finish_call(
    conn: &Connection,
    call_id: &str,
    result: &CallResult,
    now: DateTime<Utc>,
    settings: &Settings,
) -> Result<Completed> {
    rules::check_callback_ahead(result.outcome, result.callback_at, now)?;
    complete_call(
        conn,
        call_id,
        &CallEnd {
            outcome: result.outcome,
            ended_at: now,
            asked_for_meeting: result.asked_for_meeting,
            callback_at: result.callback_at,
            meeting: result.meeting.as_ref(),
            notes: &result.notes,
            ring_unknown: false,
        },
        settings,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lists::{create_theme, insert_prospect, NewPhone, NewProspect};
    use crate::reps::create_rep;
    use crate::store::Store;
    use chrono::TimeZone;

    fn setup() -> (Store, String, String, String) {
        let store = Store::open_in_memory().unwrap();
        let c = store.conn();
        let rep = create_rep(c, "Alex", None, Some("America/Chicago")).unwrap();
        let theme = create_theme(c, "Texas", crate::domain::ThemeKind::Geography, "").unwrap();
        let p = insert_prospect(
            c,
            &NewProspect {
                theme_id: Some(theme.id.clone()),
                first_name: "Dana".into(),
                time_zone: Some("America/Chicago".into()),
                phones: vec![NewPhone {
                    kind: "direct".into(),
                    e164: Some("+15125550100".into()),
                    extension: None,
                    raw: "512-555-0100".into(),
                }],
                ..NewProspect::default()
            },
            Utc::now(),
        )
        .unwrap();
        (store, rep.id, theme.id, p)
    }

    fn call(p: &str, rep: &str, outcome: Outcome) -> CompletedCall {
        CompletedCall {
            prospect_id: p.into(),
            rep_id: rep.into(),
            block_id: None,
            theme_id: None,
            talk_track_version_id: None,
            // 15:00 UTC = 09:00 in Chicago, a Thursday.
            started_at: Utc.with_ymd_and_hms(2026, 11, 19, 15, 0, 0).unwrap(),
            ring_ms: None,
            duration_ms: 42_000,
            outcome,
            asked_for_meeting: false,
            callback_at: None,
            notes: String::new(),
            gap_current_state: String::new(),
            gap_objectives: String::new(),
            gap_impact: String::new(),
            objections: vec![],
            meeting: None,
        }
    }

    #[test]
    fn a_call_updates_its_prospect_and_records_local_time() {
        let (store, rep, _t, p) = setup();
        let c = store.conn();
        record_completed_call(c, &call(&p, &rep, Outcome::NoAnswer), &Settings::default()).unwrap();
        let (status, attempts, next): (String, u32, String) = c
            .query_row(
                "SELECT status, attempts, next_attempt_at FROM prospects WHERE id = ?1",
                [&p],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!((status.as_str(), attempts), ("attempting", 1));
        // Thursday + 2 business days = Monday 2026-11-23.
        assert!(next.starts_with("2026-11-23T15:00:42"), "{next}");
        let (hour, weekday, phone): (u32, u32, String) = c
            .query_row(
                "SELECT local_hour, local_weekday, phone_e164 FROM calls",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!((hour, weekday, phone.as_str()), (9, 3, "+15125550100"));
    }

    #[test]
    fn callback_and_meeting_need_their_details() {
        let (store, rep, _t, p) = setup();
        let s = Settings::default();
        assert!(
            record_completed_call(store.conn(), &call(&p, &rep, Outcome::Callback), &s).is_err()
        );
        assert!(
            record_completed_call(store.conn(), &call(&p, &rep, Outcome::Meeting), &s).is_err()
        );
        let n: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM calls", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0);
    }
}
