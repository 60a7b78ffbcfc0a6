//! The Block view's commands: each runs one action of the block desk
//! (`callblock_core::session`) and returns the view's new state.

use tauri::State;

use callblock_core::block::{BlockRow, BlockSummary};
use callblock_core::calls::{CallNotes, CallResult};
use callblock_core::session::{BlockView, Dialled};

use crate::error::AppError;
use crate::state::AppState;

/// The Block view's state: the running block (reopened after a restart), or none.
#[tauri::command(async)]
#[specta::specta]
pub fn block_view(state: State<'_, AppState>) -> Result<BlockView, AppError> {
    state.with_desk(|desk, store| desk.refresh(store))
}

/// Start a block on `theme_ids`, `minutes` long (the setting when null). On a
/// database without a rep, `rep_name` names the rep who calls.
#[tauri::command(async)]
#[specta::specta]
pub fn start_block(
    state: State<'_, AppState>,
    theme_ids: Vec<String>,
    minutes: Option<u32>,
    rep_name: Option<String>,
) -> Result<BlockView, AppError> {
    state.with_desk(|desk, store| desk.start(store, &theme_ids, minutes, rep_name.as_deref()))
}

#[tauri::command(async)]
#[specta::specta]
pub fn pause_block(state: State<'_, AppState>) -> Result<BlockView, AppError> {
    state.with_desk(|desk, store| desk.pause(store))
}

#[tauri::command(async)]
#[specta::specta]
pub fn resume_block(state: State<'_, AppState>) -> Result<BlockView, AppError> {
    state.with_desk(|desk, store| desk.resume(store))
}

/// End the block now (before its planned length: ended early).
#[tauri::command(async)]
#[specta::specta]
pub fn end_block(state: State<'_, AppState>) -> Result<BlockView, AppError> {
    state.with_desk(|desk, store| desk.end(store))
}

#[tauri::command(async)]
#[specta::specta]
pub fn start_call(state: State<'_, AppState>) -> Result<BlockView, AppError> {
    state.with_desk(|desk, store| desk.start_call(store))
}

/// The prospect answered ("connected"): talk time starts now.
#[tauri::command(async)]
#[specta::specta]
pub fn answer_call(state: State<'_, AppState>) -> Result<BlockView, AppError> {
    state.with_desk(|desk, store| desk.answer(store))
}

/// Mark (or unmark) that the rep asked for the meeting in this call.
#[tauri::command(async)]
#[specta::specta]
pub fn toggle_asked(state: State<'_, AppState>) -> Result<BlockView, AppError> {
    state.with_desk(|desk, store| desk.toggle_asked(store))
}

/// Dial the prospect's number at `position` (0 = the first), starting the
/// call; returns the `tel:` link to open.
#[tauri::command(async)]
#[specta::specta]
pub fn dial_number(state: State<'_, AppState>, position: u32) -> Result<Dialled, AppError> {
    state.with_desk(|desk, store| desk.dial(store, position))
}

/// Save a referral heard on the call in progress as a new prospect on its
/// theme; with `call_next`, it is the next card of the block.
#[tauri::command(async)]
#[specta::specta]
pub fn add_referral(
    state: State<'_, AppState>,
    referral: callblock_core::referral::NewReferral,
    call_next: bool,
) -> Result<BlockView, AppError> {
    state.with_desk(|desk, store| desk.add_referral(store, &referral, call_next))
}

/// The rep opened an outcome's form: the call's clocks stand still.
#[tauri::command(async)]
#[specta::specta]
pub fn begin_outcome(state: State<'_, AppState>) -> Result<BlockView, AppError> {
    state.with_desk(|desk, store| desk.begin_outcome(store))
}

/// The rep left the outcome's form without logging: the call goes on.
#[tauri::command(async)]
#[specta::specta]
pub fn back_to_call(state: State<'_, AppState>) -> Result<BlockView, AppError> {
    state.with_desk(|desk, store| desk.back_to_call(store))
}

#[tauri::command(async)]
#[specta::specta]
pub fn log_objection(
    state: State<'_, AppState>,
    objection_id: String,
) -> Result<BlockView, AppError> {
    state.with_desk(|desk, store| desk.log_objection(store, &objection_id))
}

/// Keep the notes typed so far in the call in progress.
#[tauri::command(async)]
#[specta::specta]
pub fn save_call_notes(state: State<'_, AppState>, notes: CallNotes) -> Result<(), AppError> {
    state.with_desk(|desk, store| desk.save_notes(store, notes))
}

/// Log the outcome of the call in progress; the view shows the next prospect
/// (or the summary, when the block's time is up).
#[tauri::command(async)]
#[specta::specta]
pub fn log_outcome(state: State<'_, AppState>, result: CallResult) -> Result<BlockView, AppError> {
    state.with_desk(|desk, store| desk.log_outcome(store, &result))
}

/// Add themes to the running block (one that ran dry offers them).
#[tauri::command(async)]
#[specta::specta]
pub fn add_block_themes(
    state: State<'_, AppState>,
    theme_ids: Vec<String>,
) -> Result<BlockView, AppError> {
    state.with_desk(|desk, store| desk.add_themes(store, &theme_ids))
}

/// Who is callable now on each theme (all when none is given), until when,
/// and when the next window opens.
#[tauri::command(async)]
#[specta::specta]
pub fn callable_themes(
    state: State<'_, AppState>,
    theme_ids: Vec<String>,
) -> Result<Vec<callblock_core::queue::ThemeCallable>, AppError> {
    state.with_store(|s| callblock_core::api::block::callable(s.conn(), &theme_ids))
}

/// Take back the last outcome (a few seconds, until the next call starts).
#[tauri::command(async)]
#[specta::specta]
pub fn undo_outcome(state: State<'_, AppState>) -> Result<BlockView, AppError> {
    state.with_desk(|desk, store| desk.undo(store))
}

#[tauri::command(async)]
#[specta::specta]
pub fn skip_prospect(state: State<'_, AppState>) -> Result<BlockView, AppError> {
    state.with_desk(|desk, store| desk.skip(store))
}

/// A block's summary (a past block from the list).
#[tauri::command(async)]
#[specta::specta]
pub fn block_summary(
    state: State<'_, AppState>,
    block_id: String,
) -> Result<BlockSummary, AppError> {
    state.with_store(|s| callblock_core::api::block::summary(s.conn(), &block_id))
}

/// The newest blocks, for the Block view's list.
#[tauri::command(async)]
#[specta::specta]
pub fn list_blocks(state: State<'_, AppState>, limit: u32) -> Result<Vec<BlockRow>, AppError> {
    state.with_store(|s| callblock_core::api::block::recent(s.conn(), limit))
}

/// The callbacks due now (how many, the oldest five), for the sidebar.
#[tauri::command(async)]
#[specta::specta]
pub fn callbacks_due(
    state: State<'_, AppState>,
) -> Result<callblock_core::api::block::CallbacksDue, AppError> {
    state.with_store(|s| {
        let (total, oldest) =
            callblock_core::api::block::callbacks_due(s.conn(), callblock_core::time::now(), 5)?;
        Ok(callblock_core::api::block::CallbacksDue { total, oldest })
    })
}

/// The meeting form's free slots for `prospect_id`, `duration_minutes` long:
/// from the rep's calendar when one is set, else the working hours; the
/// rep's zone is the profile's, else `window_zone` (the window's own). The
/// calendar file is read after the store is let go.
#[tauri::command(async)]
#[specta::specta]
pub fn meeting_slots(
    state: State<'_, AppState>,
    prospect_id: String,
    duration_minutes: u32,
    window_zone: Option<String>,
) -> Result<callblock_core::api::meeting::MeetingSlots, AppError> {
    use callblock_core::api::meeting;
    let now = callblock_core::time::now();
    let query = state.with_store(|s| {
        meeting::slot_query(
            s.conn(),
            &prospect_id,
            duration_minutes,
            window_zone.as_deref(),
            now,
        )
    })?;
    Ok(meeting::slots(&query, now))
}
