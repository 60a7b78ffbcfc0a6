//! The block slot of a window: the running block, if any, and the Block
//! view's state after each action.

use std::path::PathBuf;

use super::{BlockView, Dialled, Session};
use crate::block::{BlockSummary, BreakState, EndReason};
use crate::calls::{CallNotes, CallResult};
use crate::clock::Clocks;
use crate::domain::Settings;
use crate::error::{Error, Result};
use crate::store::Store;
use crate::time;

/// A temporary file older than this is no write in progress.
const STALE_TEMP: std::time::Duration = std::time::Duration::from_secs(3600);

/// Where the rep's blocks run: at most one block at a time, and where the
/// invitations of the meetings it books are saved.
pub struct BlockDesk {
    session: Option<Session>,
    invitations: PathBuf,
}

/// The current rep's break at this moment, if any.
fn current_break(store: &Store) -> Result<Option<BreakState>> {
    match crate::reps::current_rep(store.conn())? {
        Some(rep) => crate::block::break_state(store.conn(), &rep.id, time::now()),
        None => Ok(None),
    }
}

fn not_running() -> Error {
    Error::Conflict("no block is running".into())
}

impl BlockDesk {
    /// A desk with no block, saving invitations into `invitations`.
    pub fn new(invitations: PathBuf) -> BlockDesk {
        BlockDesk {
            session: None,
            invitations,
        }
    }

    /// Take up the block the current rep left running, if any (see
    /// [`Session::reopen`]).
    pub fn reopen(&mut self, store: &Store) -> Result<()> {
        // A write killed half-way (the app was killed while it saved an
        // invitation) leaves its hidden temporary file; the folder is ours.
        crate::files::sweep_stale_temp_files(&self.invitations, STALE_TEMP);
        self.session = Session::reopen(store)?;
        Ok(())
    }

    /// Where the invitations of booked meetings are saved.
    pub fn invitations(&self) -> &std::path::Path {
        &self.invitations
    }

    /// True while a block runs.
    pub fn is_running(&self) -> bool {
        self.session.is_some()
    }

    /// List work (an import) waits for the end of the block: preparation
    /// and calling are kept apart (domain.md section 1), and an import
    /// holds the database for seconds that the block's next card must not
    /// wait for.
    pub fn check_list_work(&self) -> Result<()> {
        if self.is_running() {
            return Err(Error::Conflict(
                "a block is running; import between blocks (list work is preparation time)".into(),
            ));
        }
        Ok(())
    }

    /// The running block's id, clocks and thresholds, for the ticker.
    pub fn clocks(&mut self) -> Option<(String, Clocks, Settings)> {
        let s = self.session.as_mut()?;
        Some((s.block_id().to_string(), s.clocks(), s.settings().clone()))
    }

    /// The Block view's state now, with `summary` shown when no block runs.
    fn view_with(&self, store: &Store, summary: Option<BlockSummary>) -> Result<BlockView> {
        Ok(match &self.session {
            Some(s) => BlockView::Running {
                snapshot: Box::new(s.snapshot()),
            },
            None => BlockView::Idle {
                summary: summary.map(Box::new),
                rest: current_break(store)?,
            },
        })
    }

    /// The Block view's state, after looking again for someone to call
    /// (the queue may have been empty).
    pub fn refresh(&mut self, store: &Store) -> Result<BlockView> {
        if let Some(s) = &mut self.session {
            s.refresh(store)?;
        }
        self.view_with(store, None)
    }

    /// Start a block (see [`Session::start`]); refused while one runs.
    pub fn start(
        &mut self,
        store: &mut Store,
        theme_ids: &[String],
        minutes: Option<u32>,
        rep_name: Option<&str>,
    ) -> Result<BlockView> {
        if self.session.is_some() {
            return Err(Error::Conflict(
                "a block is already running; end it before starting another".into(),
            ));
        }
        let session = Session::start(store, theme_ids, minutes, rep_name, time::now())?;
        self.session = Some(session);
        self.view_with(store, None)
    }

    /// Apply `f` to the running block; a summary from it ends the block.
    fn running(
        &mut self,
        store: &mut Store,
        f: impl FnOnce(&mut Session, &mut Store) -> Result<Option<BlockSummary>>,
    ) -> Result<BlockView> {
        let s = self.session.as_mut().ok_or_else(not_running)?;
        let summary = f(s, store)?;
        if summary.is_some() {
            self.session = None;
        }
        self.view_with(store, summary)
    }

    pub fn pause(&mut self, store: &mut Store) -> Result<BlockView> {
        self.running(store, |s, store| s.pause(store).map(|_| None))
    }

    pub fn resume(&mut self, store: &mut Store) -> Result<BlockView> {
        self.running(store, |s, store| s.resume(store).map(|_| None))
    }

    /// End the block now (before its planned length: ended early).
    pub fn end(&mut self, store: &mut Store) -> Result<BlockView> {
        self.running(store, |s, store| {
            s.end(store, EndReason::EndedEarly).map(Some)
        })
    }

    pub fn start_call(&mut self, store: &mut Store) -> Result<BlockView> {
        self.running(store, |s, store| s.start_call(store).map(|_| None))
    }

    /// The prospect answered ("connected"): talk time starts now.
    pub fn answer(&mut self, store: &mut Store) -> Result<BlockView> {
        self.running(store, |s, store| s.answer(store).map(|_| None))
    }

    /// The rep asked for the meeting (again: takes the mark back).
    pub fn toggle_asked(&mut self, store: &mut Store) -> Result<BlockView> {
        self.running(store, |s, store| s.toggle_asked(store).map(|_| None))
    }

    /// Dial the number at `position` of the prospect on screen (starting
    /// the call); the view and the number's `tel:` link.
    pub fn dial(&mut self, store: &mut Store, position: u32) -> Result<Dialled> {
        let mut tel_uri = None;
        let view = self.running(store, |s, store| {
            tel_uri = s.dial(store, position)?;
            Ok(None)
        })?;
        Ok(Dialled { view, tel_uri })
    }

    /// Save a referral heard on the call in progress (see
    /// [`Session::add_referral`]).
    pub fn add_referral(
        &mut self,
        store: &mut Store,
        referral: &crate::referral::NewReferral,
        call_next: bool,
    ) -> Result<BlockView> {
        self.running(store, |s, store| {
            s.add_referral(store, referral, call_next).map(|_| None)
        })
    }

    /// The rep opened an outcome's form: the call's clocks stand still.
    pub fn begin_outcome(&mut self, store: &mut Store) -> Result<BlockView> {
        self.running(store, |s, _| s.begin_outcome().map(|_| None))
    }

    /// The rep left the outcome's form: the call goes on.
    pub fn back_to_call(&mut self, store: &mut Store) -> Result<BlockView> {
        self.running(store, |s, _| {
            s.back_to_call();
            Ok(None)
        })
    }

    pub fn log_objection(&mut self, store: &mut Store, objection_id: &str) -> Result<BlockView> {
        self.running(store, |s, store| {
            s.log_objection(store, objection_id).map(|_| None)
        })
    }

    /// Keep the notes typed so far in the call in progress.
    pub fn save_notes(&mut self, store: &mut Store, notes: CallNotes) -> Result<()> {
        let s = self.session.as_mut().ok_or_else(not_running)?;
        s.save_notes(store, notes)
    }

    /// Log the outcome of the call in progress; the view shows the next
    /// prospect (or the summary, when the block's time is up).
    pub fn log_outcome(&mut self, store: &mut Store, result: &CallResult) -> Result<BlockView> {
        let session = self.session.as_mut().ok_or_else(not_running)?;
        let summary = session.log_outcome(store, result, &self.invitations)?;
        if summary.is_some() {
            self.session = None;
        }
        self.view_with(store, summary)
    }

    pub fn skip(&mut self, store: &mut Store) -> Result<BlockView> {
        self.running(store, |s, store| s.skip(store).map(|_| None))
    }

    /// Add themes to the running block (when it ran dry).
    pub fn add_themes(&mut self, store: &mut Store, theme_ids: &[String]) -> Result<BlockView> {
        self.running(store, |s, store| {
            s.add_themes(store, theme_ids).map(|_| None)
        })
    }

    /// Take back the last outcome: the call open again, for the right one.
    pub fn undo(&mut self, store: &mut Store) -> Result<BlockView> {
        self.running(store, |s, store| s.undo(store).map(|_| None))
    }
}
