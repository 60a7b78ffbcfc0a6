//! One call's detail: who, what, the phases it reached, the objections
//! raised and the meeting booked, and its timeline.

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::domain::{Outcome, Settings};
use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Phase {
    pub key: String,
    pub label: String,
    pub from_seconds: u32,
    /// `None` for the last, open phase.
    pub to_seconds: Option<u32>,
    /// The call lasted into this phase.
    pub reached: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct CallObjection {
    pub position: u32,
    pub at_ms: u32,
    pub objection_id: String,
    pub label: String,
    pub response_id: Option<String>,
    pub response: Option<String>,
    pub response_version: Option<u32>,
    /// The key of the phase it came in.
    pub phase: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum TimelineKind {
    Phase,
    Objection,
    End,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct TimelineEvent {
    pub at_ms: u32,
    pub kind: TimelineKind,
    pub label: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct MeetingInfo {
    pub id: String,
    pub starts_at: String,
    pub duration_minutes: u32,
    pub format: String,
    pub email: String,
    pub invitation_sent_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct TalkTrackRef {
    pub version_id: String,
    pub name: String,
    pub version: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct CallDetail {
    pub id: String,
    pub started_at: String,
    pub ended_at: Option<String>,
    pub rep_id: String,
    pub rep_name: String,
    pub theme_id: Option<String>,
    pub theme_name: Option<String>,
    pub prospect_id: String,
    pub prospect_name: String,
    pub company: String,
    pub title: String,
    pub phone: Option<String>,
    pub prospect_time_zone: Option<String>,
    /// The prospect's local hour and weekday (0 = Monday) when called.
    pub local_hour: Option<u32>,
    pub local_weekday: Option<u32>,
    pub block_id: Option<String>,
    pub talk_track: Option<TalkTrackRef>,
    /// Talk time (from the answer); `None` while the call is in progress.
    pub duration_ms: Option<u32>,
    /// Ring time; `None` when unknown (the answer not marked on a connect).
    pub ring_ms: Option<u32>,
    pub outcome: Option<Outcome>,
    pub outcome_label: String,
    pub asked_for_meeting: bool,
    pub callback_at: Option<String>,
    pub phases: Vec<Phase>,
    pub objections: Vec<CallObjection>,
    /// Phases reached, objections and the end, in time order.
    pub timeline: Vec<TimelineEvent>,
    pub notes: String,
    pub gap_current_state: String,
    pub gap_objectives: String,
    pub gap_impact: String,
    pub meeting: Option<MeetingInfo>,
    /// The manager's comments and the coaching flag.
    pub coaching: crate::coaching::Coaching,
}

/// The phases of a call from the settings' thresholds (domain.md section 3).
pub fn phases(settings: &Settings, duration_ms: Option<u32>) -> Vec<Phase> {
    let s = settings;
    let spec: [(&str, &str, u32, Option<u32>); 5] = [
        (
            "opening",
            "Opening: Engage Statement and Impact Question",
            0,
            Some(s.phase_opening_end),
        ),
        (
            "request",
            "The answer and the appointment request",
            s.phase_opening_end,
            Some(s.phase_request_end),
        ),
        (
            "objections",
            "Objections",
            s.phase_request_end,
            Some(s.phase_caution),
        ),
        (
            "closing",
            "A good call is done by now: ask for the meeting",
            s.phase_caution,
            Some(s.phase_limit),
        ),
        ("past_limit", "Past the outer limit", s.phase_limit, None),
    ];
    spec.iter()
        .map(|&(key, label, from, to)| Phase {
            key: key.into(),
            label: label.into(),
            from_seconds: from,
            to_seconds: to,
            reached: duration_ms
                .is_some_and(|d| u64::from(d) > u64::from(from) * 1000 || from == 0),
        })
        .collect()
}

fn phase_at(phases: &[Phase], at_ms: u32) -> String {
    phases
        .iter()
        .rev()
        .find(|p| u64::from(at_ms) >= u64::from(p.from_seconds) * 1000)
        .map(|p| p.key.clone())
        .unwrap_or_default()
}

pub fn call_detail(conn: &Connection, call_id: &str, settings: &Settings) -> Result<CallDetail> {
    let mut d = call_row(conn, call_id, settings)?.ok_or_else(|| Error::NotFound {
        what: "call",
        id: call_id.to_string(),
    })?;
    let objections = objections_raised(conn, call_id, &d.phases)?;
    d.meeting = meeting(conn, call_id)?;
    d.coaching = crate::coaching::of_call(conn, call_id)?;
    d.timeline = timeline(&d, &objections);
    d.objections = objections;
    Ok(d)
}

/// The call with its rep, theme, prospect and talk track, and the phases it
/// reached; no objections, timeline or meeting yet.
fn call_row(conn: &Connection, call_id: &str, settings: &Settings) -> Result<Option<CallDetail>> {
    let d = conn
        .query_row(
            "SELECT c.id, c.started_at, c.ended_at, c.rep_id, ifnull(r.name, c.rep_id), c.theme_id, t.name,
                c.prospect_id, trim(ifnull(p.first_name, '') || ' ' || ifnull(p.last_name, '')),
                ifnull(p.company, ''), ifnull(p.title, ''), c.phone_e164, c.prospect_time_zone,
                c.local_hour, c.local_weekday, c.block_id, c.talk_track_version_id, tt.name, v.version,
                c.duration_ms, c.outcome, c.asked_for_meeting, c.callback_at, c.notes,
                c.gap_current_state, c.gap_objectives, c.gap_impact, c.ring_ms
             FROM calls c
             LEFT JOIN reps r ON r.id = c.rep_id
             LEFT JOIN themes t ON t.id = c.theme_id
             LEFT JOIN prospects p ON p.id = c.prospect_id
             LEFT JOIN talk_track_versions v ON v.id = c.talk_track_version_id
             LEFT JOIN talk_tracks tt ON tt.id = v.talk_track_id
             WHERE c.id = ?1",
            [call_id],
            |r| {
                let outcome: Option<Outcome> = r.get(20)?;
                let tv: Option<String> = r.get(16)?;
                let duration: Option<u32> = r.get(19)?;
                Ok(CallDetail {
                    id: r.get(0)?,
                    started_at: r.get(1)?,
                    ended_at: r.get(2)?,
                    rep_id: r.get(3)?,
                    rep_name: r.get(4)?,
                    theme_id: r.get(5)?,
                    theme_name: r.get(6)?,
                    prospect_id: r.get(7)?,
                    prospect_name: r.get(8)?,
                    company: r.get(9)?,
                    title: r.get(10)?,
                    phone: r.get(11)?,
                    prospect_time_zone: r.get(12)?,
                    local_hour: r.get(13)?,
                    local_weekday: r.get(14)?,
                    block_id: r.get(15)?,
                    talk_track: match tv {
                        Some(id) => Some(TalkTrackRef {
                            version_id: id,
                            name: r.get::<_, Option<String>>(17)?.unwrap_or_default(),
                            version: r.get::<_, Option<u32>>(18)?.unwrap_or(0),
                        }),
                        None => None,
                    },
                    duration_ms: duration,
                    ring_ms: r.get(27)?,
                    outcome,
                    outcome_label: outcome
                        .map_or("In progress", |o| settings.outcome_label(o))
                        .to_string(),
                    asked_for_meeting: r.get(21)?,
                    callback_at: r.get(22)?,
                    phases: phases(settings, duration),
                    objections: vec![],
                    timeline: vec![],
                    notes: r.get(23)?,
                    gap_current_state: r.get(24)?,
                    gap_objectives: r.get(25)?,
                    gap_impact: r.get(26)?,
                    meeting: None,
                    coaching: Default::default(),
                })
            },
        )
        .optional()?;
    Ok(d)
}

/// The objections raised in the call, in order, each with the phase it came in.
fn objections_raised(
    conn: &Connection,
    call_id: &str,
    phases: &[Phase],
) -> Result<Vec<CallObjection>> {
    let mut stmt = conn.prepare(
        "SELECT co.position, co.at_ms, co.objection_id, ifnull(o.label, co.objection_id),
            co.response_id, x.response, x.version
         FROM call_objections co
         LEFT JOIN objections o ON o.id = co.objection_id
         LEFT JOIN objection_responses x ON x.id = co.response_id
         WHERE co.call_id = ?1 ORDER BY co.position",
    )?;
    let objections = stmt
        .query_map([call_id], |r| {
            let at: u32 = r.get(1)?;
            Ok(CallObjection {
                position: r.get(0)?,
                at_ms: at,
                objection_id: r.get(2)?,
                label: r.get(3)?,
                response_id: r.get(4)?,
                response: r.get(5)?,
                response_version: r.get(6)?,
                phase: phase_at(phases, at),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(objections)
}

/// The meeting booked in the call, if any.
fn meeting(conn: &Connection, call_id: &str) -> Result<Option<MeetingInfo>> {
    let m = conn
        .query_row(
            "SELECT id, starts_at, duration_minutes, format, email, invitation_sent_at
             FROM meetings WHERE call_id = ?1",
            [call_id],
            |r| {
                Ok(MeetingInfo {
                    id: r.get(0)?,
                    starts_at: r.get(1)?,
                    duration_minutes: r.get(2)?,
                    format: r.get(3)?,
                    email: r.get(4)?,
                    invitation_sent_at: r.get(5)?,
                })
            },
        )
        .optional()?;
    Ok(m)
}

/// Phases reached, objections and the end, in time order (at the same
/// instant: phase, then objection, then end).
fn timeline(d: &CallDetail, objections: &[CallObjection]) -> Vec<TimelineEvent> {
    let mut timeline: Vec<TimelineEvent> = d
        .phases
        .iter()
        .filter(|p| p.reached)
        .map(|p| TimelineEvent {
            at_ms: p.from_seconds * 1000,
            kind: TimelineKind::Phase,
            label: p.label.clone(),
            detail: String::new(),
        })
        .collect();
    for o in objections {
        timeline.push(TimelineEvent {
            at_ms: o.at_ms,
            kind: TimelineKind::Objection,
            label: o.label.clone(),
            detail: o
                .response
                .clone()
                .unwrap_or_else(|| "No response recorded".into()),
        });
    }
    if let (Some(ms), Some(_)) = (d.duration_ms, d.outcome) {
        let detail = match (&d.meeting, &d.callback_at) {
            (Some(m), _) => format!("Meeting on {} ({})", m.starts_at, m.format),
            (None, Some(cb)) => format!("Call back at {cb}"),
            _ => String::new(),
        };
        timeline.push(TimelineEvent {
            at_ms: ms,
            kind: TimelineKind::End,
            label: d.outcome_label.clone(),
            detail,
        });
    }
    timeline.sort_by_key(|e| {
        (
            e.at_ms,
            match e.kind {
                TimelineKind::Phase => 0,
                TimelineKind::Objection => 1,
                TimelineKind::End => 2,
            },
        )
    });
    timeline
}
