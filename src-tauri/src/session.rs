//! The block running in this window: its persisted record, its clocks, the
//! call in progress and the prospect on screen. Commands change it through
//! the core (one transaction per action); the ticker reads its clocks.
//!
//! Lock order: the session first, then the store.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use tokio::time::Instant;

use callblock_core::block::{
    self, BlockRecord, BlockSummary, CallResult, EndReason, LoggedObjection,
};
use callblock_core::calls::CallNotes;
use callblock_core::card::{self, CallCard};
use callblock_core::clock::{Alert, BlockClock, CallClock, CallPhase, Clocks};
use callblock_core::domain::{Outcome, Settings};
use callblock_core::queue::{self, QueueReason, QueueRest};
use callblock_core::{invite, reps, settings, time, Error, Result, Store};

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

/// The call in progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct CallState {
    pub call_id: String,
    pub started_at: String,
    pub elapsed_ms: u32,
    pub phase: CallPhase,
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
}

/// What the last logged outcome produced, for the rep to act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct LastOutcome {
    pub prospect_name: String,
    pub outcome: Outcome,
    pub duration_ms: u32,
    /// For a meeting: the invitation file saved for the rep.
    pub ics_path: Option<String>,
    /// For a meeting: a mail draft to the prospect describing it.
    pub mailto: Option<String>,
    /// Something the rep should know (e.g. the invitation could not be saved).
    pub warning: Option<String>,
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
    pub phases: Phases,
}

/// Sent about once a second (on the block's and the call's whole seconds)
/// while a block runs; the UI draws the clocks from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, tauri_specta::Event)]
pub struct BlockTick {
    pub block_id: String,
    pub elapsed_ms: u32,
    pub remaining_ms: u32,
    pub paused: bool,
    pub time_up: bool,
    pub call_elapsed_ms: Option<u32>,
    pub phase: Option<CallPhase>,
    /// Given once per block: five minutes left, then time up.
    pub alert: Option<Alert>,
}

impl BlockTick {
    pub fn new(
        block_id: String,
        tick: &callblock_core::clock::Tick,
        settings: &Settings,
    ) -> BlockTick {
        BlockTick {
            block_id,
            elapsed_ms: ms(tick.block_elapsed),
            remaining_ms: ms(tick.block_remaining),
            paused: tick.paused,
            time_up: tick.block_remaining.is_zero(),
            call_elapsed_ms: tick.call_elapsed.map(ms),
            phase: tick.call_elapsed.map(|e| CallPhase::at(e, settings)),
            alert: tick.alert,
        }
    }
}

/// The Block view's state: a running block, or none (with the last summary).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum BlockView {
    Idle { summary: Option<Box<BlockSummary>> },
    Running { snapshot: Box<BlockSnapshot> },
}

pub struct Session {
    block: BlockRecord,
    /// The settings when the block was opened (thresholds, calling hours).
    settings: Settings,
    themes: Vec<ThemeRef>,
    clock: BlockClock,
    call: Option<(block::OpenCall, CallClock)>,
    current: Option<(queue::QueueEntry, CallCard)>,
    queue_rest: Option<QueueRest>,
    last_outcome: Option<LastOutcome>,
}

fn ms(d: Duration) -> u32 {
    u32::try_from(d.as_millis()).unwrap_or(u32::MAX)
}

fn phases(s: &Settings) -> Phases {
    Phases {
        opening_end: s.phase_opening_end,
        request_end: s.phase_request_end,
        caution: s.phase_caution,
        limit: s.phase_limit,
    }
}

fn theme_refs(store: &Store, ids: &[String]) -> Result<Vec<ThemeRef>> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let name: String =
            store
                .conn()
                .query_row("SELECT name FROM themes WHERE id = ?1", [id], |r| r.get(0))?;
        out.push(ThemeRef {
            id: id.clone(),
            name,
        });
    }
    Ok(out)
}

impl Session {
    /// The session of a block record at `now_wall`, with its open call (after
    /// a restart: the clocks resume from the persisted start and pauses).
    pub fn open(store: &Store, block: BlockRecord, now_wall: DateTime<Utc>) -> Result<Session> {
        let now = Instant::now();
        let elapsed =
            callblock_core::clock::elapsed_from_record(block.started_at, &block.pauses, now_wall);
        let clock = BlockClock::new(
            Duration::from_secs(u64::from(block.planned_seconds)),
            elapsed,
            block.is_paused(),
            now,
            now_wall,
        );
        let call = block::open_call(store.conn(), &block.id)?.map(|c| {
            let clock = CallClock::recovered(c.started_at, now, now_wall);
            (c, clock)
        });
        let themes = theme_refs(store, &block.theme_ids)?;
        let mut s = Session {
            settings: settings::load(store.conn())?,
            block,
            themes,
            clock,
            call,
            current: None,
            queue_rest: None,
            last_outcome: None,
        };
        s.refresh_current(store, now_wall)?;
        Ok(s)
    }

    pub fn block_id(&self) -> &str {
        &self.block.id
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn clocks(&mut self) -> Clocks {
        self.clock.reconcile(Instant::now(), time::now());
        Clocks {
            block: self.clock.clone(),
            call: self.call.as_ref().map(|(_, c)| *c),
        }
    }

    /// The prospect on screen: the open call's, else the queue's next.
    fn refresh_current(&mut self, store: &Store, now_wall: DateTime<Utc>) -> Result<()> {
        let settings = &self.settings;
        let entry = match &self.call {
            Some((c, _)) => Some(queue::QueueEntry {
                prospect_id: c.prospect_id.clone(),
                reason: match &self.current {
                    Some((e, _)) if e.prospect_id == c.prospect_id => e.reason,
                    _ => QueueReason::New,
                },
                time_zone: None,
            }),
            None => queue::next(
                store.conn(),
                &self.block.id,
                &self.block.theme_ids,
                settings,
                now_wall,
            )?,
        };
        match entry {
            Some(e) => {
                let card = card::call_card(store.conn(), &e.prospect_id, Some(&self.block.rep_id))?;
                self.current = Some((e, card));
                self.queue_rest = None;
            }
            None => {
                self.current = None;
                self.queue_rest = Some(queue::rest(
                    store.conn(),
                    &self.block.id,
                    &self.block.theme_ids,
                    now_wall,
                )?);
            }
        }
        Ok(())
    }

    pub fn snapshot(&self) -> BlockSnapshot {
        let settings = &self.settings;
        let now = Instant::now();
        let elapsed = self.clock.elapsed(now);
        let planned = self.clock.planned();
        BlockSnapshot {
            block_id: self.block.id.clone(),
            themes: self.themes.clone(),
            started_at: time::to_db(self.block.started_at),
            clock: ClockState {
                planned_ms: ms(planned),
                elapsed_ms: ms(elapsed),
                remaining_ms: ms(planned.saturating_sub(elapsed)),
                paused: self.clock.is_paused(),
                time_up: elapsed >= planned,
            },
            call: self.call.as_ref().map(|(c, clock)| {
                let e = clock.elapsed(now);
                CallState {
                    call_id: c.id.clone(),
                    started_at: time::to_db(c.started_at),
                    elapsed_ms: ms(e),
                    phase: CallPhase::at(e, settings),
                    objections: c.objections.clone(),
                    notes: c.notes.clone(),
                }
            }),
            card: self.current.as_ref().map(|(_, c)| c.clone()),
            reason: self.current.as_ref().map(|(e, _)| e.reason),
            queue_rest: self.queue_rest.clone(),
            last_outcome: self.last_outcome.clone(),
            phases: phases(settings),
        }
    }

    pub fn pause(&mut self, store: &mut Store) -> Result<()> {
        let now_wall = time::now();
        store.write(|tx| block::pause_block(tx, &self.block.id, now_wall))?;
        self.clock.pause(Instant::now(), now_wall);
        self.block = block::load_block(store.conn(), &self.block.id)?;
        Ok(())
    }

    pub fn resume(&mut self, store: &mut Store) -> Result<()> {
        let now_wall = time::now();
        store.write(|tx| block::resume_block(tx, &self.block.id, now_wall))?;
        self.clock.resume(Instant::now(), now_wall);
        self.block = block::load_block(store.conn(), &self.block.id)?;
        Ok(())
    }

    /// Start the call on the prospect on screen.
    pub fn start_call(&mut self, store: &mut Store) -> Result<()> {
        if self.call.is_some() {
            return Ok(());
        }
        let Some((_, card)) = &self.current else {
            return Err(Error::Conflict("there is nobody to call right now".into()));
        };
        let prospect = card.prospect_id.clone();
        let track = card.playbook.talk_track.as_ref().map(|t| t.id.clone());
        let now_wall = time::now();
        let now = Instant::now();
        let call = store.write(|tx| {
            block::start_call(tx, &self.block.id, &prospect, track.as_deref(), now_wall)
        })?;
        self.call = Some((call, CallClock::new(now_wall, Duration::ZERO, now)));
        self.last_outcome = None;
        Ok(())
    }

    fn open_call(&self) -> Result<&block::OpenCall> {
        self.call.as_ref().map(|(c, _)| c).ok_or_else(|| {
            Error::Conflict("no call is in progress; start the call first (Space)".into())
        })
    }

    pub fn log_objection(&mut self, store: &mut Store, objection_id: &str) -> Result<()> {
        let (call_id, at_ms) = match &self.call {
            Some((c, clock)) => (c.id.clone(), ms(clock.elapsed(Instant::now()))),
            None => {
                return Err(Error::Conflict(
                    "no call is in progress; start the call first (Space)".into(),
                ))
            }
        };
        let response_id = self
            .current
            .as_ref()
            .and_then(|(_, card)| {
                card.playbook
                    .objections
                    .iter()
                    .find(|o| o.objection.objection_id == objection_id)
            })
            .map(|o| o.objection.response_id.clone());
        let logged = store.write(|tx| {
            block::log_objection(tx, &call_id, objection_id, response_id.as_deref(), at_ms)
        })?;
        if let Some((c, _)) = &mut self.call {
            c.objections.push(logged);
        }
        Ok(())
    }

    pub fn save_notes(&mut self, store: &mut Store, notes: CallNotes) -> Result<()> {
        let call_id = self.open_call()?.id.clone();
        store.write(|tx| block::save_draft(tx, &call_id, &notes))?;
        if let Some((c, _)) = &mut self.call {
            c.notes = notes;
        }
        Ok(())
    }

    /// Log the outcome of the call in progress (one transaction), then draw
    /// the next prospect, or end the block if its time is up.
    pub fn log_outcome(
        &mut self,
        store: &mut Store,
        result: &CallResult,
        invitations: &Path,
    ) -> Result<Option<BlockSummary>> {
        let call = self.open_call()?.clone();
        let settings = self.settings.clone();
        let now_wall = time::now();
        let card = self.current.as_ref().map(|(_, c)| c.clone());
        let rep = reps::current_rep(store.conn())?;
        let (done, warning, ics_path) = store.write(|tx| {
            let done = block::finish_call(tx, &call.id, result, now_wall, &settings)?;
            let (mut warning, mut ics_path) = (None, None);
            if let (Some(meeting_id), Some(m), Some(card)) =
                (&done.meeting_id, &result.meeting, &card)
            {
                match save_invitation(invitations, meeting_id, m, card, rep.as_ref(), now_wall) {
                    Ok(path) => {
                        tx.execute(
                            "UPDATE meetings SET ics_path = ?2 WHERE id = ?1",
                            rusqlite::params![meeting_id, path.to_string_lossy()],
                        )?;
                        ics_path = Some(path.to_string_lossy().into_owned());
                    }
                    Err(e) => {
                        warning = Some(format!(
                        "The meeting is saved, but its invitation file could not be written: {e}"
                    ))
                    }
                }
            }
            Ok::<_, Error>((done, warning, ics_path))
        })?;
        let name = card
            .as_ref()
            .map(|c| {
                format!("{} {}", c.first_name, c.last_name)
                    .trim()
                    .to_string()
            })
            .unwrap_or_default();
        let mailto = match (&result.meeting, &card) {
            (Some(m), Some(card)) => Some(meeting_mailto(m, card, rep.as_ref())),
            _ => None,
        };
        self.last_outcome = Some(LastOutcome {
            prospect_name: name,
            outcome: result.outcome,
            duration_ms: done.duration_ms,
            ics_path,
            mailto,
            warning,
        });
        self.call = None;
        self.current = None;
        if self.clock.is_over(Instant::now()) {
            return self.end(store, EndReason::Completed).map(Some);
        }
        self.refresh_current(store, now_wall)?;
        Ok(None)
    }

    pub fn skip(&mut self, store: &mut Store) -> Result<()> {
        if self.call.is_some() {
            return Err(Error::Conflict(
                "a call is in progress; log its outcome instead of skipping".into(),
            ));
        }
        let Some((entry, _)) = &self.current else {
            return Err(Error::Conflict("there is nobody to skip".into()));
        };
        let prospect = entry.prospect_id.clone();
        let now_wall = time::now();
        store.write(|tx| block::skip(tx, &self.block.id, &prospect, "", now_wall))?;
        self.last_outcome = None;
        self.refresh_current(store, now_wall)
    }

    /// Look for someone to call again (e.g. when the queue was empty).
    pub fn refresh(&mut self, store: &Store) -> Result<()> {
        if self.call.is_none() {
            self.refresh_current(store, time::now())?;
        }
        Ok(())
    }

    pub fn end(&mut self, store: &mut Store, reason: EndReason) -> Result<BlockSummary> {
        let now_wall = time::now();
        let reason = if reason == EndReason::EndedEarly && self.clock.is_over(Instant::now()) {
            EndReason::Completed
        } else {
            reason
        };
        store.write(|tx| block::end_block(tx, &self.block.id, reason, now_wall))?;
        block::summary(store.conn(), &self.block.id, &self.settings, now_wall)
    }
}

fn full_name(card: &CallCard) -> String {
    format!("{} {}", card.first_name, card.last_name)
        .trim()
        .to_string()
}

fn meeting_text(
    m: &callblock_core::calls::NewMeeting,
    card: &CallCard,
    rep: Option<&reps::Rep>,
) -> (String, String) {
    let company = if card.company.is_empty() {
        String::new()
    } else {
        format!(", {}", card.company)
    };
    let rep_name = rep.map(|r| r.name.as_str()).unwrap_or("your Callblock rep");
    let summary = format!("Meeting: {}{} and {}", full_name(card), company, rep_name);
    let when = match card.time_zone.as_deref().and_then(time::parse_tz) {
        Some(tz) => m
            .starts_at
            .with_timezone(&tz)
            .format("%A %-d %B %Y, %H:%M %Z")
            .to_string(),
        None => m.starts_at.format("%A %-d %B %Y, %H:%M UTC").to_string(),
    };
    let agenda = card
        .playbook
        .rendered
        .as_ref()
        .map(|t| t.sections.agenda_line.clone())
        .unwrap_or_default();
    let description = format!(
        "Hi {},\n\nThank you for your time today. As agreed: {} ({} minutes).\n\n\
         Agenda: your questions first, then where you stand today and what you want to reach.\n{}\n\n{}",
        if card.first_name.is_empty() { "there" } else { &card.first_name },
        when,
        m.duration_minutes,
        agenda,
        rep_name
    );
    (summary, description)
}

fn meeting_mailto(
    m: &callblock_core::calls::NewMeeting,
    card: &CallCard,
    rep: Option<&reps::Rep>,
) -> String {
    let (summary, description) = meeting_text(m, card, rep);
    invite::mailto(
        &m.email,
        &summary,
        &format!("{description}\n\n(The calendar invitation is attached.)"),
    )
}

/// Write the meeting's .ics file into `dir`; returns its path.
fn save_invitation(
    dir: &Path,
    meeting_id: &str,
    m: &callblock_core::calls::NewMeeting,
    card: &CallCard,
    rep: Option<&reps::Rep>,
    now: DateTime<Utc>,
) -> std::io::Result<PathBuf> {
    let (summary, description) = meeting_text(m, card, rep);
    let ics = invite::meeting_ics(&invite::Invitation {
        uid: meeting_id,
        starts_at: m.starts_at,
        duration_minutes: m.duration_minutes,
        summary: &summary,
        description: &description,
        format: &m.format,
        attendee_name: &full_name(card),
        attendee_email: &m.email,
        organizer_name: rep.map(|r| r.name.as_str()).unwrap_or("Callblock"),
        organizer_email: rep.and_then(|r| r.email.as_deref()),
        created_at: now,
    });
    std::fs::create_dir_all(dir)?;
    let path = dir.join(invite::file_name(m.starts_at, &full_name(card)));
    // Write then rename, so that a crash never leaves half a file.
    let tmp = path.with_extension("ics.part");
    std::fs::write(&tmp, ics)?;
    std::fs::rename(&tmp, &path)?;
    Ok(path)
}
