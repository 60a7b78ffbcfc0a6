//! The Plan view's commands: the plan from quota to dials to blocks, this
//! period's progress, the weekly schedule, its `.ics` export, the prime-time
//! settings and the block that is due. Each is a shim over
//! `callblock_core::api::plan`.

use tauri::State;

use callblock_core::api::plan::{
    self, PlanForm, PlanOverview, PlanSettings, ScheduleExport, ScheduleView,
};
use callblock_core::plan::{DueBlock, NewSlot, PlanResult, SavedSlot, SlotSuggestion};
use callblock_core::time;

use crate::error::AppError;
use crate::state::AppState;

#[tauri::command(async)]
#[specta::specta]
pub fn plan_overview(state: State<'_, AppState>) -> Result<PlanOverview, AppError> {
    state.with_store(|s| plan::overview(s.conn(), time::now()))
}

/// The plan of the form, not saved (the view shows it as the rep types).
#[tauri::command(async)]
#[specta::specta]
pub fn preview_plan(state: State<'_, AppState>, form: PlanForm) -> Result<PlanResult, AppError> {
    state.with_store(|s| plan::preview(s.conn(), &form, time::now()))
}

/// Save the form as the current rep's plan for this period; the view's new state.
#[tauri::command(async)]
#[specta::specta]
pub fn save_plan(state: State<'_, AppState>, form: PlanForm) -> Result<PlanOverview, AppError> {
    state.with_store(|s| plan::save_and_overview(s, &form, time::now()))
}

#[tauri::command(async)]
#[specta::specta]
pub fn plan_schedule(state: State<'_, AppState>) -> Result<ScheduleView, AppError> {
    state.with_store(|s| plan::schedule(s.conn(), time::now()))
}

/// Add one slot; it comes back with its warnings (outside prime time, ...).
#[tauri::command(async)]
#[specta::specta]
pub fn add_schedule_slot(state: State<'_, AppState>, slot: NewSlot) -> Result<SavedSlot, AppError> {
    state.with_store(|s| plan::add_slot(s, &slot))
}

/// Add several slots at once (the suggested ones): all or none.
#[tauri::command(async)]
#[specta::specta]
pub fn add_schedule_slots(
    state: State<'_, AppState>,
    slots: Vec<NewSlot>,
) -> Result<Vec<SavedSlot>, AppError> {
    state.with_store(|s| plan::add_slots(s, &slots))
}

#[tauri::command(async)]
#[specta::specta]
pub fn update_schedule_slot(
    state: State<'_, AppState>,
    id: String,
    slot: NewSlot,
) -> Result<SavedSlot, AppError> {
    state.with_store(|s| plan::update_slot(s, &id, &slot))
}

#[tauri::command(async)]
#[specta::specta]
pub fn delete_schedule_slot(state: State<'_, AppState>, id: String) -> Result<(), AppError> {
    state.with_store(|s| s.write(|tx| callblock_core::plan::delete_slot(tx, &id)))
}

/// Block slots for `blocks_per_week` in prime time (not saved).
#[tauri::command(async)]
#[specta::specta]
pub fn suggest_schedule_slots(
    state: State<'_, AppState>,
    blocks_per_week: u32,
    time_zone: String,
) -> Result<SlotSuggestion, AppError> {
    state.with_store(|s| plan::suggest(s.conn(), blocks_per_week, &time_zone))
}

/// Write the schedule to the `.ics` file at `path` (`~/` allowed).
#[tauri::command(async)]
#[specta::specta]
pub fn export_schedule(
    state: State<'_, AppState>,
    path: String,
    replace: bool,
) -> Result<ScheduleExport, AppError> {
    let path = plan::typed_ics_path(&path)?;
    state.with_store(|s| plan::export_ics(s.conn(), &path, replace, time::now()))
}

/// Prime time and selling hours; refused when they do not fit the other settings.
#[tauri::command(async)]
#[specta::specta]
pub fn save_plan_settings(
    state: State<'_, AppState>,
    settings: PlanSettings,
) -> Result<PlanSettings, AppError> {
    state.with_store(|s| plan::save_plan_settings(s, &settings))
}

/// The next scheduled block with no block started for it (due now, or coming).
#[tauri::command(async)]
#[specta::specta]
pub fn next_due_block(state: State<'_, AppState>) -> Result<Option<DueBlock>, AppError> {
    state.with_store(|s| plan::next_due_block(s.conn(), time::now()))
}
