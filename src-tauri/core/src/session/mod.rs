//! The block running in a window: its persisted record, its clocks, the call
//! in progress and the prospect on screen. Each action is one transaction
//! through the core's rules ([`block`], [`calls`], [`queue`], [`card`]); the
//! ticker reads the clocks. [`BlockDesk`] holds the running block (or none)
//! and answers every action with the Block view's new state.
//!
//! Lock order in the app: the desk first, then the store.

mod desk;
mod invitation;
mod view;

pub use desk::BlockDesk;
pub use view::{
    BlockScore, BlockSnapshot, BlockView, CallState, CallTimer, ClockState, Dialled, LastOutcome,
    Phases, ThemeRef, TickView,
};

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::time::Instant;

use crate::block::{self, BlockRecord, BlockSummary, EndReason};
use crate::calls::{self, CallNotes, CallResult, OpenCall};
use crate::card::{self, CallCard};
use crate::clock::{self, BlockClock, CallClock, Clocks};
use crate::domain::{Outcome, ProspectStatus, Settings};
use crate::error::{Error, Result};
use crate::queue::{self, QueueRest};
use crate::store::Store;
use crate::{reps, settings, time};

use view::ms;

/// What the rep is told when the block moves on to its next theme: the
/// talk track on screen changes with it.
fn theme_switch(card: &CallCard) -> String {
    let theme = card
        .theme_name
        .as_deref()
        .unwrap_or("prospects without a theme");
    match &card.playbook.talk_track {
        Some(t) => format!(
            "Now calling {theme}: its talk track is on screen ({} v{}).",
            t.name, t.version
        ),
        None => format!("Now calling {theme}: it has no talk track yet."),
    }
}

fn no_call() -> Error {
    Error::Conflict("no call is in progress; start the call first (Space)".into())
}

pub struct Session {
    block: BlockRecord,
    /// The settings when the block was opened (thresholds, calling hours).
    settings: Settings,
    themes: Vec<ThemeRef>,
    clock: BlockClock,
    call: Option<(OpenCall, CallClock)>,
    current: Option<(queue::QueueEntry, CallCard)>,
    queue_rest: Option<QueueRest>,
    last_outcome: Option<LastOutcome>,
    /// Something to say once, in words: the block started outside prime
    /// time, the block moved on to its next theme (and talk track).
    notice: Option<String>,
    /// The theme of the card shown last, to say when the block moves on.
    last_theme: Option<Option<String>>,
    /// A referral the rep chose to call right after this call.
    call_next: Option<String>,
    /// The block's funnel so far (read again after every outcome).
    funnel: crate::reports::Funnel,
    /// The pace the plan needs, read when the block opened.
    pace: Option<crate::api::plan::BlockPace>,
    /// The last outcome, while it can be taken back.
    undo: Option<PendingUndo>,
    /// When the queue ran dry: other themes with people callable now.
    callable_elsewhere: Vec<queue::ThemeCallable>,
}

/// How long after an outcome Undo is offered (of the block's running time),
/// and never once the next call starts.
pub const UNDO_WINDOW: Duration = Duration::from_secs(30);

/// An outcome that can still be taken back.
#[derive(Debug, Clone)]
struct PendingUndo {
    point: crate::undo::UndoPoint,
    entry: queue::QueueEntry,
    /// When the call ended (its clock stands there again after the undo).
    ended: DateTime<Utc>,
    /// The block's running time until which Undo is offered.
    until: Duration,
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
    /// Start a block on `theme_ids`, `minutes` long (the setting when
    /// `None`), for the current rep; on a database without a rep, `rep_name`
    /// names the rep who calls (saved as the current rep). One transaction.
    pub fn start(
        store: &mut Store,
        theme_ids: &[String],
        minutes: Option<u32>,
        rep_name: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Session> {
        let settings = settings::load(store.conn())?;
        let block = store.write(|tx| {
            let rep = match reps::current_rep(tx)? {
                Some(r) => r,
                None => {
                    let name = rep_name.map(str::trim).unwrap_or("");
                    if name.is_empty() {
                        return Err(Error::invalid(
                            "your name",
                            "enter the name of the rep who makes the calls",
                        ));
                    }
                    let rep = reps::create_rep(tx, name, None, None)?;
                    reps::set_current_rep(tx, &rep.id)?;
                    rep
                }
            };
            let tz = rep.time_zone.as_deref().and_then(time::parse_tz);
            let block = block::start_block(tx, &rep.id, theme_ids, minutes, &settings, now)?;
            Ok::<_, Error>((block, block::prime_time_warning(&settings, tz, now)))
        })?;
        let (block, warning) = block;
        let mut session = Session::open(store, block, now)?;
        session.notice = warning;
        Ok(session)
    }

    /// The block the current rep left running (the app closed or crashed
    /// during it), with its time left and its call in progress; `None` when
    /// there is none.
    pub fn reopen(store: &Store) -> Result<Option<Session>> {
        let Some(rep) = reps::current_rep(store.conn())? else {
            return Ok(None);
        };
        match block::running_block(store.conn(), &rep.id)? {
            Some(b) => Ok(Some(Session::open(store, b, time::now())?)),
            None => Ok(None),
        }
    }

    /// The session of a block record at `now_wall`, with its open call (after
    /// a restart: the clocks resume from the persisted start and pauses).
    pub fn open(store: &Store, block: BlockRecord, now_wall: DateTime<Utc>) -> Result<Session> {
        let now = Instant::now();
        let elapsed = clock::elapsed_from_record(block.started_at, &block.pauses, now_wall);
        let clock = BlockClock::new(
            Duration::from_secs(u64::from(block.planned_seconds)),
            elapsed,
            block.is_paused(),
            now,
            now_wall,
        );
        let call = calls::open_call(store.conn(), &block.id)?.map(|c| {
            let last = c.objections.last().map(|o| o.at_ms);
            let clock = CallClock::recovered(c.started_at, c.answered_at, last, now, now_wall);
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
            notice: None,
            last_theme: None,
            call_next: None,
            funnel: Default::default(),
            // A plan that cannot be read costs the header its target, never the block.
            pace: crate::api::plan::block_pace(store.conn(), now_wall).ok(),
            undo: None,
            callable_elsewhere: Vec::new(),
        };
        s.funnel = block::block_funnel(store.conn(), &s.block.id, &s.settings)?;
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
                    // Reopened after a restart: from the prospect's state.
                    _ => queue::reason_of(store.conn(), &c.prospect_id)?,
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
        self.callable_elsewhere.clear();
        match entry {
            Some(e) => self.show(store, e)?,
            None => {
                self.current = None;
                self.callable_elsewhere = queue::callable(store.conn(), &[], settings, now_wall)?
                    .into_iter()
                    .filter(|t| t.callable_now > 0 && !self.block.theme_ids.contains(&t.theme_id))
                    .collect();
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

    /// Put `entry`'s prospect on screen.
    fn show(&mut self, store: &Store, entry: queue::QueueEntry) -> Result<()> {
        let card = card::call_card(store.conn(), &entry.prospect_id, Some(&self.block.rep_id))?;
        if let Some(before) = self.last_theme.replace(card.theme_id.clone()) {
            if before != card.theme_id && self.block.theme_ids.len() > 1 {
                self.notice = Some(theme_switch(&card));
            }
        }
        self.current = Some((entry, card));
        self.queue_rest = None;
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
            call: self.call.as_ref().map(|(c, clock)| CallState {
                call_id: c.id.clone(),
                started_at: time::to_db(c.started_at),
                timer: CallTimer::of(&clock.read(now), settings),
                asked: c.asked,
                phone: c.phone.clone(),
                objections: c.objections.clone(),
                notes: c.notes.clone(),
            }),
            card: self.current.as_ref().map(|(_, c)| c.clone()),
            reason: self.current.as_ref().map(|(e, _)| e.reason),
            queue_rest: self.queue_rest.clone(),
            last_outcome: self.last_outcome.clone(),
            notice: self.notice.clone(),
            phases: Phases::of(settings),
            callable_elsewhere: self.callable_elsewhere.clone(),
            score: BlockScore {
                dials: self.funnel.dials,
                connects: self.funnel.connects,
                conversations: self.funnel.conversations,
                meetings: self.funnel.meetings,
                dials_per_hour: (elapsed.as_secs() >= 60)
                    .then(|| {
                        crate::reports::blocks::dials_per_hour(
                            self.funnel.dials,
                            elapsed.as_secs() as u32,
                        )
                    })
                    .flatten(),
                needed_dials_per_hour: self.pace.as_ref().map(|p| p.dials_per_hour),
                needed_basis: self.pace.as_ref().map(|p| p.basis.clone()),
            },
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
            calls::start_call(tx, &self.block.id, &prospect, track.as_deref(), now_wall)
        })?;
        self.call = Some((call, CallClock::new(now_wall, Duration::ZERO, now)));
        self.last_outcome = None;
        self.undo = None;
        Ok(())
    }

    /// Add themes to the block (one that ran dry offers them): their
    /// prospects are offered next, the block goes on.
    pub fn add_themes(&mut self, store: &mut Store, theme_ids: &[String]) -> Result<()> {
        if theme_ids.is_empty() {
            return Err(Error::invalid("themes", "choose at least one theme to add"));
        }
        self.block = store.write(|tx| block::add_themes(tx, &self.block.id, theme_ids))?;
        self.themes = theme_refs(store, &self.block.theme_ids)?;
        if self.call.is_none() {
            self.refresh_current(store, time::now())?;
        }
        Ok(())
    }

    /// Take back the last outcome (within [`UNDO_WINDOW`], before the next
    /// call): the prospect's state as it was, the call open again on
    /// screen, its clock standing where it ended, for the right outcome.
    pub fn undo(&mut self, store: &mut Store) -> Result<()> {
        let now = Instant::now();
        let pending = match &self.undo {
            Some(u) if self.call.is_none() && self.clock.elapsed(now) <= u.until => u.clone(),
            _ => {
                return Err(Error::Conflict(
                    "there is no outcome to undo: Undo takes back the last outcome for a few \
                     seconds, until the next call starts"
                        .into(),
                ))
            }
        };
        let ics = store.write(|tx| crate::undo::undo_outcome(tx, &pending.point))?;
        self.undo = None;
        if let Some(path) = ics {
            // The invitation of a meeting taken back is no longer true.
            let _ = std::fs::remove_file(path);
        }
        let now_wall = time::now();
        let call = calls::open_call(store.conn(), &self.block.id)?.ok_or_else(no_call)?;
        let last = call.objections.last().map(|o| o.at_ms);
        let mut clock =
            CallClock::recovered(call.started_at, call.answered_at, last, now, now_wall);
        clock.stop_at(
            (pending.ended - call.started_at)
                .to_std()
                .unwrap_or_default(),
        );
        self.call = Some((call, clock));
        self.last_outcome = None;
        self.notice = None;
        self.funnel = block::block_funnel(store.conn(), &self.block.id, &self.settings)?;
        self.show(store, pending.entry)
    }

    fn open_call(&self) -> Result<&OpenCall> {
        self.call.as_ref().map(|(c, _)| c).ok_or_else(no_call)
    }

    /// The prospect answered: talk time starts now (a second mark keeps the
    /// first).
    pub fn answer(&mut self, store: &mut Store) -> Result<()> {
        let now = Instant::now();
        let Some((c, clock)) = &mut self.call else {
            return Err(no_call());
        };
        if clock.is_answered() {
            return Ok(());
        }
        let ring = chrono::Duration::from_std(clock.ring(now)).unwrap_or_default();
        let at = c.started_at + ring;
        store.write(|tx| calls::mark_answered(tx, &c.id, at))?;
        clock.answer(now);
        c.answered_at = Some(at);
        Ok(())
    }

    /// The rep asked for the meeting (or takes the mark back). Asking means
    /// someone answered.
    pub fn toggle_asked(&mut self, store: &mut Store) -> Result<()> {
        self.answer(store)?;
        let Some((c, _)) = &mut self.call else {
            return Err(no_call());
        };
        let asked = !c.asked;
        store.write(|tx| calls::mark_asked(tx, &c.id, asked))?;
        c.asked = asked;
        Ok(())
    }

    /// The rep dials the number at `position`, starting the call if none
    /// is in progress. Returns its `tel:` link (`None`: not dialable from
    /// here).
    pub fn dial(&mut self, store: &mut Store, position: u32) -> Result<Option<String>> {
        self.start_call(store)?;
        let Some((c, _)) = &mut self.call else {
            return Err(no_call());
        };
        let number = store.write(|tx| calls::dial_number(tx, &c.id, position))?;
        if number.e164.is_some() {
            c.phone = number.e164;
        }
        Ok(number.tel_uri)
    }

    /// Save a referral heard on the call in progress as a new prospect on
    /// its theme; with `call_next`, the block calls them right after this
    /// call. Returns the new prospect's id.
    pub fn add_referral(
        &mut self,
        store: &mut Store,
        referral: &crate::referral::NewReferral,
        call_next: bool,
    ) -> Result<String> {
        let call_id = self.open_call()?.id.clone();
        let settings = self.settings.clone();
        let id = store.write(|tx| {
            crate::referral::add_referral(tx, &call_id, referral, &settings, time::now())
        })?;
        if call_next {
            self.call_next = Some(id.clone());
        }
        Ok(id)
    }

    /// The rep opened the outcome's form: the call's clocks stand still (the
    /// form is not talk time).
    pub fn begin_outcome(&mut self) -> Result<()> {
        let Some((_, clock)) = &mut self.call else {
            return Err(no_call());
        };
        clock.stop(Instant::now());
        Ok(())
    }

    /// The rep left the form without logging: the call went on.
    pub fn back_to_call(&mut self) {
        if let Some((_, clock)) = &mut self.call {
            clock.go_on();
        }
    }

    pub fn log_objection(&mut self, store: &mut Store, objection_id: &str) -> Result<()> {
        // An objection means someone answered.
        self.answer(store)?;
        let (call_id, at_ms) = match &self.call {
            Some((c, clock)) => (
                c.id.clone(),
                ms(clock.talk(Instant::now()).unwrap_or_default()),
            ),
            None => return Err(no_call()),
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
            calls::log_objection(tx, &call_id, objection_id, response_id.as_deref(), at_ms)
        })?;
        if let Some((c, clock)) = &mut self.call {
            clock.objection_at(Duration::from_millis(u64::from(logged.at_ms)));
            c.objections.push(logged);
        }
        Ok(())
    }

    pub fn save_notes(&mut self, store: &mut Store, notes: CallNotes) -> Result<()> {
        let call_id = self.open_call()?.id.clone();
        store.write(|tx| calls::save_draft(tx, &call_id, &notes))?;
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
        // The call ended when the rep began logging it (the form is not talk).
        let ended = self
            .call
            .as_ref()
            .map(|(c, clock)| {
                c.started_at
                    + chrono::Duration::from_std(clock.elapsed(Instant::now())).unwrap_or_default()
            })
            .unwrap_or(now_wall)
            .min(now_wall);
        let card = self.current.as_ref().map(|(_, c)| c.clone());
        let entry = self.current.as_ref().map(|(e, _)| e.clone());
        let rep = reps::current_rep(store.conn())?;
        let (done, warning, ics_path, point) = store.write(|tx| {
            let point = crate::undo::undo_point(tx, &call.id, result.outcome)?;
            let done = calls::finish_call(tx, &call.id, result, ended, &settings)?;
            let (mut warning, mut ics_path) = (None, None);
            if let (Some(meeting_id), Some(m), Some(card)) =
                (&done.meeting_id, &result.meeting, &card)
            {
                let gap = &result.notes;
                match invitation::save(
                    invitations,
                    meeting_id,
                    m,
                    card,
                    rep.as_ref(),
                    gap,
                    now_wall,
                ) {
                    Ok(path) => {
                        let path = path.to_string_lossy().into_owned();
                        calls::set_meeting_invitation(tx, meeting_id, &path)?;
                        ics_path = Some(path);
                    }
                    Err(e) => {
                        warning = Some(format!(
                        "The meeting is saved, but its invitation file could not be written: {e}"
                    ))
                    }
                }
            }
            Ok::<_, Error>((done, warning, ics_path, point))
        })?;
        let until = self.clock.elapsed(Instant::now()) + UNDO_WINDOW;
        self.undo = entry.map(|entry| PendingUndo {
            point,
            entry,
            ended,
            until,
        });
        let name = card.as_ref().map(invitation::full_name).unwrap_or_default();
        let mailto = match (&result.meeting, &card) {
            (Some(m), Some(card)) => Some(invitation::mailto(m, card, rep.as_ref(), &result.notes)),
            _ => None,
        };
        let mail_text = match (&result.meeting, &card) {
            (Some(m), Some(card)) => {
                Some(invitation::mail_text(m, card, rep.as_ref(), &result.notes))
            }
            _ => None,
        };
        self.last_outcome = Some(LastOutcome {
            prospect_name: name,
            outcome: result.outcome,
            duration_ms: done.duration_ms,
            ring_ms: done.ring_ms,
            ics_path,
            mailto,
            mail_text,
            warning,
            undo_until_ms: Some(ms(until)),
        });
        self.call = None;
        self.notice = None;
        self.funnel = block::block_funnel(store.conn(), &self.block.id, &settings)?;
        // A bad number with another number left: the same prospect, next number.
        let keep = (result.outcome == Outcome::BadNumber
            && done.prospect_status == ProspectStatus::Attempting)
            .then(|| self.current.take())
            .flatten();
        self.current = None;
        if self.clock.is_over(Instant::now()) {
            return self.end(store, EndReason::Completed).map(Some);
        }
        if let Some(referral) = self.call_next.take() {
            let entry = queue::QueueEntry {
                prospect_id: referral,
                reason: queue::QueueReason::Referral,
                time_zone: None,
            };
            return self.show(store, entry).map(|_| None);
        }
        match keep {
            Some((entry, _)) => self.show(
                store,
                queue::QueueEntry {
                    reason: queue::QueueReason::NextNumber,
                    ..entry
                },
            )?,
            None => self.refresh_current(store, now_wall)?,
        }
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
        self.undo = None;
        self.notice = None;
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
        self.undo = None;
        let reason = if reason == EndReason::EndedEarly && self.clock.is_over(Instant::now()) {
            EndReason::Completed
        } else {
            reason
        };
        store.write(|tx| block::end_block(tx, &self.block.id, reason, now_wall))?;
        block::summary(store.conn(), &self.block.id, &self.settings, now_wall)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block::tests_fixture;
    use crate::calls::CallResult;
    use crate::domain::ThemeKind;

    #[test]
    fn the_block_calls_its_themes_one_after_the_other_and_says_when_it_moves_on() {
        let mut f = tests_fixture(3);
        let c = f.store.conn();
        reps::set_current_rep(c, &f.rep).unwrap();
        let ohio = crate::lists::create_theme(c, "Ohio", ThemeKind::Geography, "")
            .unwrap()
            .id;
        // Unknown zones are inside calling hours whenever the test runs.
        c.execute_batch("UPDATE prospects SET time_zone = NULL")
            .unwrap();
        c.execute(
            "UPDATE prospects SET theme_id = ?1 WHERE id = ?2",
            [&ohio, &f.prospects[0]],
        )
        .unwrap();
        let themes = [f.theme.clone(), ohio];
        let mut s = Session::start(&mut f.store, &themes, Some(30), None, time::now()).unwrap();
        let shown = |s: &Session| s.snapshot().card.map(|c| c.prospect_id).unwrap();
        // Texas first (both of its prospects), although Ohio's is older.
        assert_eq!(shown(&s), f.prospects[1]);
        let no_answer = CallResult {
            outcome: Outcome::NoAnswer,
            callback_at: None,
            meeting: None,
            notes: CallNotes::default(),
            asked_for_meeting: false,
        };
        let dir = tempfile::tempdir().unwrap();
        for _ in 0..2 {
            s.start_call(&mut f.store).unwrap();
            s.log_outcome(&mut f.store, &no_answer, dir.path()).unwrap();
        }
        assert_eq!(shown(&s), f.prospects[0], "then Ohio");
        let notice = s.snapshot().notice.unwrap_or_default();
        assert!(notice.starts_with("Now calling Ohio"), "{notice}");
        s.start_call(&mut f.store).unwrap();
        s.log_outcome(&mut f.store, &no_answer, dir.path()).unwrap();
        assert_eq!(s.snapshot().notice, None, "said once");
    }

    #[test]
    fn the_header_keeps_the_blocks_score_and_the_pace_the_plan_needs() {
        let mut f = tests_fixture(3);
        let c = f.store.conn();
        reps::set_current_rep(c, &f.rep).unwrap();
        c.execute_batch("UPDATE prospects SET time_zone = NULL")
            .unwrap();
        let theme = [f.theme.clone()];
        let mut s = Session::start(&mut f.store, &theme, Some(30), None, time::now()).unwrap();
        let score = s.snapshot().score;
        assert_eq!((score.dials, score.connects, score.meetings), (0, 0, 0));
        assert_eq!(score.dials_per_hour, None, "not before the first minute");
        // No plan saved: the benchmark's 30 dials an hour, said so.
        let needed = score.needed_dials_per_hour.unwrap();
        assert!((needed - 30.0).abs() < 0.01, "{needed}");
        assert!(
            score.needed_basis.unwrap().starts_with("no plan saved"),
            "the basis is said"
        );
        let dir = tempfile::tempdir().unwrap();
        let result = |outcome, asked| CallResult {
            outcome,
            callback_at: None,
            meeting: None,
            notes: CallNotes::default(),
            asked_for_meeting: asked,
        };
        s.start_call(&mut f.store).unwrap();
        s.log_outcome(&mut f.store, &result(Outcome::NoAnswer, false), dir.path())
            .unwrap();
        s.start_call(&mut f.store).unwrap();
        s.answer(&mut f.store).unwrap();
        s.log_outcome(
            &mut f.store,
            &result(Outcome::NotInterested, true),
            dir.path(),
        )
        .unwrap();
        let score = s.snapshot().score;
        assert_eq!(
            (
                score.dials,
                score.connects,
                score.conversations,
                score.meetings
            ),
            (2, 1, 1, 0),
            "an asked call is a conversation, as in every report"
        );
        let summary =
            block::summary(f.store.conn(), s.block_id(), s.settings(), time::now()).unwrap();
        assert_eq!(
            (summary.dials, summary.conversations),
            (2, 1),
            "the same numbers"
        );
    }

    #[test]
    fn a_block_that_runs_dry_offers_themes_with_people_callable_and_takes_them_in() {
        let mut f = tests_fixture(2);
        let c = f.store.conn();
        reps::set_current_rep(c, &f.rep).unwrap();
        c.execute_batch("UPDATE prospects SET time_zone = NULL")
            .unwrap();
        let ohio = crate::lists::create_theme(c, "Ohio", ThemeKind::Geography, "")
            .unwrap()
            .id;
        c.execute(
            "UPDATE prospects SET theme_id = ?1 WHERE id = ?2",
            [&ohio, &f.prospects[1]],
        )
        .unwrap();
        let texas = [f.theme.clone()];
        let mut s = Session::start(&mut f.store, &texas, Some(30), None, time::now()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        s.start_call(&mut f.store).unwrap();
        let no_answer = CallResult {
            outcome: Outcome::NoAnswer,
            callback_at: None,
            meeting: None,
            notes: CallNotes::default(),
            asked_for_meeting: false,
        };
        s.log_outcome(&mut f.store, &no_answer, dir.path()).unwrap();
        let snap = s.snapshot();
        assert!(snap.card.is_none(), "Texas ran dry");
        let offered: Vec<(&str, u32)> = snap
            .callable_elsewhere
            .iter()
            .map(|t| (t.theme_name.as_str(), t.callable_now))
            .collect();
        assert_eq!(offered, [("Ohio", 1)]);
        s.add_themes(&mut f.store, std::slice::from_ref(&ohio))
            .unwrap();
        let snap = s.snapshot();
        assert_eq!(
            snap.card.unwrap().prospect_id,
            f.prospects[1],
            "the block goes on"
        );
        assert_eq!(snap.themes.len(), 2);
        assert!(snap.callable_elsewhere.is_empty());
        assert_eq!(
            s.add_themes(&mut f.store, &["nope".to_string()])
                .unwrap_err()
                .kind(),
            "not_found"
        );
    }

    #[test]
    fn undo_takes_the_last_outcome_back_until_the_next_call() {
        let mut f = tests_fixture(3);
        let c = f.store.conn();
        reps::set_current_rep(c, &f.rep).unwrap();
        c.execute_batch("UPDATE prospects SET time_zone = NULL")
            .unwrap();
        let theme = [f.theme.clone()];
        let mut s = Session::start(&mut f.store, &theme, Some(30), None, time::now()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            s.undo(&mut f.store).unwrap_err().kind(),
            "conflict",
            "nothing yet"
        );
        let first = s.snapshot().card.unwrap().prospect_id;
        let state = |store: &Store| -> (String, i64) {
            store
                .conn()
                .query_row(
                    "SELECT status, attempts FROM prospects WHERE id = ?1",
                    [&first],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .unwrap()
        };
        let before = state(&f.store);
        s.start_call(&mut f.store).unwrap();
        s.answer(&mut f.store).unwrap();
        let dnc = CallResult {
            outcome: Outcome::DoNotCall,
            callback_at: None,
            meeting: None,
            notes: CallNotes {
                notes: "said not now".into(),
                ..CallNotes::default()
            },
            asked_for_meeting: false,
        };
        s.log_outcome(&mut f.store, &dnc, dir.path()).unwrap();
        assert_eq!(state(&f.store).0, "do_not_call");
        let snap = s.snapshot();
        assert!(snap.last_outcome.unwrap().undo_until_ms.is_some());
        assert_eq!(snap.score.dials, 1);
        s.undo(&mut f.store).unwrap();
        assert_eq!(state(&f.store), before, "the prospect as it was");
        let snap = s.snapshot();
        assert_eq!(snap.card.unwrap().prospect_id, first, "back on the card");
        let call = snap.call.expect("the call is open again");
        assert_eq!(call.notes.notes, "said not now");
        assert!(call.timer.stopped, "its clock stands where it ended");
        assert_eq!(snap.score.dials, 0);
        // The right outcome, then the next call: no undo any more.
        let no = CallResult {
            outcome: Outcome::NotInterested,
            ..dnc
        };
        s.log_outcome(&mut f.store, &no, dir.path()).unwrap();
        assert_eq!(state(&f.store).0, "not_interested");
        s.start_call(&mut f.store).unwrap();
        assert_eq!(s.undo(&mut f.store).unwrap_err().kind(), "conflict");
    }

    #[test]
    fn a_referral_heard_on_a_call_is_called_next_when_the_rep_wants() {
        let mut f = tests_fixture(3);
        let c = f.store.conn();
        reps::set_current_rep(c, &f.rep).unwrap();
        c.execute_batch("UPDATE prospects SET time_zone = NULL")
            .unwrap();
        let theme = [f.theme.clone()];
        let mut s = Session::start(&mut f.store, &theme, Some(30), None, time::now()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let not_interested = CallResult {
            outcome: Outcome::NotInterested,
            callback_at: None,
            meeting: None,
            notes: CallNotes::default(),
            asked_for_meeting: false,
        };
        let referral = crate::referral::NewReferral {
            name: "Dana Ruiz".into(),
            note: "runs operations".into(),
            ..Default::default()
        };
        assert!(
            s.add_referral(&mut f.store, &referral, true).is_err(),
            "heard on a call: none yet"
        );
        s.start_call(&mut f.store).unwrap();
        let dana = s.add_referral(&mut f.store, &referral, true).unwrap();
        s.log_outcome(&mut f.store, &not_interested, dir.path())
            .unwrap();
        let snap = s.snapshot();
        let card = snap.card.unwrap();
        assert_eq!(card.prospect_id, dana, "called next");
        assert_eq!(snap.reason, Some(queue::QueueReason::Referral));
        assert_eq!(card.referred_by.as_deref(), Some("P0 Doe: runs operations"));
        // Not wanted next: saved on the theme, the queue goes on.
        s.start_call(&mut f.store).unwrap();
        let later = crate::referral::NewReferral {
            name: "Lee".into(),
            ..Default::default()
        };
        let lee = s.add_referral(&mut f.store, &later, false).unwrap();
        s.log_outcome(&mut f.store, &not_interested, dir.path())
            .unwrap();
        assert_ne!(s.snapshot().card.unwrap().prospect_id, lee);
    }
}
