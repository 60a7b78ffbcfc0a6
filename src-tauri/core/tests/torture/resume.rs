//! Is the block resumable after the kill? On a copy of the database (so that
//! the torture's own script is not changed), the app's restart path: the
//! store opened, the block desk reopened. It must find exactly the block the
//! database has running (with its call in progress), and the rep must be able
//! to go on: finish the call in progress, call the next prospect (an
//! objection, an outcome), end the block. Without a running block, a new one
//! starts and logs a call.

use std::path::Path;

use callblock_core::calls::{CallNotes, CallResult};
use callblock_core::domain::Outcome;
use callblock_core::session::{BlockDesk, BlockSnapshot, BlockView};
use callblock_core::Store;

use super::protocol::REP_NAME;
use super::state::State;

/// What the check did.
#[derive(Debug, Clone, Copy, Default)]
pub struct Resumed {
    /// A running block was reopened.
    pub block: bool,
    /// ... with a call in progress, whose outcome was then logged.
    pub mid_call: bool,
    /// A next call was started and logged (in the reopened or a new block).
    pub next_call: bool,
}

fn snapshot(view: BlockView) -> Option<BlockSnapshot> {
    match view {
        BlockView::Running { snapshot } => Some(*snapshot),
        BlockView::Idle { .. } => None,
    }
}

fn result(outcome: Outcome) -> CallResult {
    CallResult {
        outcome,
        callback_at: None,
        meeting: None,
        notes: CallNotes::default(),
        asked_for_meeting: false,
    }
}

fn outcome_of(store: &Store, call: &str) -> Result<Option<String>, String> {
    store
        .conn()
        .query_row("SELECT outcome FROM calls WHERE id = ?1", [call], |r| {
            r.get(0)
        })
        .map_err(|e| format!("call {call}: {e}"))
}

/// Run the check on `copy` (a copy of the database just checked, whose
/// state is `state`), with `scratch` for invitations.
pub fn check(copy: &Path, scratch: &Path, state: &State) -> Result<Resumed, String> {
    let mut store = Store::open_to_write(copy).map_err(|e| format!("reopening the copy: {e}"))?;
    let mut desk = BlockDesk::new(scratch.join("invitations"));
    desk.reopen(&store)
        .map_err(|e| format!("reopening the block: {e}"))?;
    let e = |what: &'static str| move |err: callblock_core::Error| format!("{what}: {err}");
    let running: Vec<&String> = state
        .blocks
        .iter()
        .filter(|(_, b)| !b.ended)
        .map(|(id, _)| id)
        .collect();
    let mut done = Resumed::default();
    let view = desk.refresh(&store).map_err(e("refresh"))?;
    let Some(mut s) = snapshot(view) else {
        if !running.is_empty() {
            return Err(format!(
                "the block {running:?} is running in the database, but the desk reopened none"
            ));
        }
        // No block: the rep starts one, if there is someone to call.
        let themes: Vec<String> = {
            let mut stmt = store
                .conn()
                .prepare(
                    "SELECT t.id FROM themes t WHERE t.name GLOB 'Torture *'
                       AND EXISTS (SELECT 1 FROM prospects p WHERE p.theme_id = t.id AND p.status = 'new')",
                )
                .map_err(|e| e.to_string())?;
            let ids = stmt
                .query_map([], |r| r.get(0))
                .and_then(|r| r.collect::<rusqlite::Result<Vec<String>>>())
                .map_err(|e| e.to_string())?;
            ids
        };
        if themes.is_empty() {
            return Ok(done);
        }
        let view = desk
            .start(&mut store, &themes[..1], Some(52), Some(REP_NAME))
            .map_err(e("start a block"))?;
        let s = snapshot(view).ok_or("a block started but none runs")?;
        if s.card.is_some() {
            call_next(&mut desk, &mut store)?;
            done.next_call = true;
        }
        end(&mut desk, &mut store)?;
        return Ok(done);
    };
    done.block = true;
    if running != [&s.block_id] {
        return Err(format!(
            "the desk reopened block {}, the database has {running:?} running",
            s.block_id
        ));
    }
    if s.clock.paused {
        s = snapshot(desk.resume(&mut store).map_err(e("resume"))?)
            .ok_or("the block ended on resume")?;
    }
    if let Some(call) = &s.call {
        let known = state.calls.get(&call.call_id);
        if known.map(|c| c.outcome.is_some()) != Some(false) {
            return Err(format!(
                "the desk reopened call {} as in progress; the database has {known:?}",
                call.call_id
            ));
        }
        let view = desk
            .log_outcome(&mut store, &result(Outcome::NoAnswer))
            .map_err(e("the outcome of the call in progress"))?;
        if outcome_of(&store, &call.call_id)?.as_deref() != Some("no_answer") {
            return Err(format!("call {}: its outcome was not saved", call.call_id));
        }
        done.mid_call = true;
        match snapshot(view) {
            Some(next) => s = next,
            // Its time was up: the block ended with that call.
            None => return Ok(done),
        }
    }
    if s.card.is_some() {
        call_next(&mut desk, &mut store)?;
        done.next_call = true;
    }
    end(&mut desk, &mut store)?;
    Ok(done)
}

/// Start a call on the prospect shown, log an objection when the card has
/// one, and its outcome; check the call is saved.
fn call_next(desk: &mut BlockDesk, store: &mut Store) -> Result<(), String> {
    let s = snapshot(
        desk.start_call(store)
            .map_err(|e| format!("start a call: {e}"))?,
    )
    .ok_or("the block ended on starting a call")?;
    let call = s.call.ok_or("no call in progress after starting one")?;
    let objection = s
        .card
        .as_ref()
        .and_then(|c| c.playbook.objections.first())
        .map(|o| o.objection.objection_id.clone());
    if let Some(o) = objection {
        desk.log_objection(store, &o)
            .map_err(|e| format!("log an objection: {e}"))?;
    }
    desk.log_outcome(store, &result(Outcome::NotInterested))
        .map_err(|e| format!("log the next call: {e}"))?;
    if outcome_of(store, &call.call_id)?.as_deref() != Some("not_interested") {
        return Err(format!("call {}: its outcome was not saved", call.call_id));
    }
    Ok(())
}

fn end(desk: &mut BlockDesk, store: &mut Store) -> Result<(), String> {
    if desk.is_running() {
        desk.end(store).map_err(|e| format!("end the block: {e}"))?;
    }
    Ok(())
}
