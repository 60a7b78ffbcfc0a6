//! The Playbook view's commands: talk tracks and their versions, live
//! placeholder warnings, the preview of the call card, the objection library,
//! and export/import of a `callblock-playbook` file. Each is a shim over
//! `callblock_core::api::playbook` (or one `callblock_core::playbook`
//! function).

use tauri::State;

use callblock_core::api::playbook::{self as api, PlaybookPreview, SavedTrack, TrackEditor};
use callblock_core::playbook::{
    self, ExportSummary, ImportReport, LibraryObjection, PlaceholderWarning, ResponseVersion,
    TalkTrackSections, TalkTrackVersion,
};

use crate::error::AppError;
use crate::state::AppState;

/// The talk track of `theme_id` (`None`: the default track) with its versions.
#[tauri::command(async)]
#[specta::specta]
pub fn talk_track_editor(
    state: State<'_, AppState>,
    theme_id: Option<String>,
) -> Result<TrackEditor, AppError> {
    state.with_store(|s| api::editor(s.conn(), theme_id.as_deref()))
}

/// Save the sections as a new version of `theme_id`'s track (`None`: the
/// default), creating the theme's own track on its first save.
#[tauri::command(async)]
#[specta::specta]
pub fn save_talk_track(
    state: State<'_, AppState>,
    theme_id: Option<String>,
    sections: TalkTrackSections,
    change_note: String,
) -> Result<SavedTrack, AppError> {
    state.with_store(|s| api::save_track(s, theme_id.as_deref(), &sections, &change_note))
}

/// Every version of `theme_id`'s own track, newest first.
#[tauri::command(async)]
#[specta::specta]
pub fn list_talk_track_versions(
    state: State<'_, AppState>,
    theme_id: Option<String>,
) -> Result<Vec<TalkTrackVersion>, AppError> {
    state.with_store(|s| playbook::talk_track_versions(s.conn(), theme_id.as_deref()))
}

/// Make an old version current again (saved as a new version).
#[tauri::command(async)]
#[specta::specta]
pub fn restore_talk_track_version(
    state: State<'_, AppState>,
    version_id: String,
) -> Result<SavedTrack, AppError> {
    state.with_store(|s| api::restore_track(s, &version_id))
}

/// The placeholder problems in every section (for the editor's live warnings).
#[tauri::command(async)]
#[specta::specta]
pub fn lint_talk_track(sections: TalkTrackSections) -> Vec<PlaceholderWarning> {
    playbook::lint_sections(&sections)
}

/// The placeholder problems in an objection response.
#[tauri::command(async)]
#[specta::specta]
pub fn lint_response(text: String) -> Vec<PlaceholderWarning> {
    playbook::lint_text("response", &text)
}

/// The call card's talk track and responses for a sample prospect, with the
/// editor's unsaved `sections` when given.
#[tauri::command(async)]
#[specta::specta]
pub fn preview_playbook(
    state: State<'_, AppState>,
    theme_id: Option<String>,
    sections: Option<TalkTrackSections>,
    sample: u32,
) -> Result<PlaybookPreview, AppError> {
    state.with_store(|s| api::preview(s.conn(), theme_id.as_deref(), sections.as_ref(), sample))
}

/// The library in its order, archived objections last.
#[tauri::command(async)]
#[specta::specta]
pub fn list_objections(state: State<'_, AppState>) -> Result<Vec<LibraryObjection>, AppError> {
    state.with_store(|s| playbook::objection_library(s.conn(), true))
}

#[tauri::command(async)]
#[specta::specta]
pub fn create_objection(
    state: State<'_, AppState>,
    label: String,
    hotkey: Option<String>,
    response: String,
) -> Result<LibraryObjection, AppError> {
    state.with_store(|s| api::create_objection(s, &label, hotkey.as_deref(), &response))
}

/// Change an objection's label and hotkey (blank: no key).
#[tauri::command(async)]
#[specta::specta]
pub fn update_objection(
    state: State<'_, AppState>,
    objection_id: String,
    label: String,
    hotkey: Option<String>,
) -> Result<LibraryObjection, AppError> {
    state.with_store(|s| {
        s.write(|tx| playbook::update_objection(tx, &objection_id, &label, hotkey.as_deref()))
    })
}

/// Put the active objections in this order (every active one, once).
#[tauri::command(async)]
#[specta::specta]
pub fn reorder_objections(
    state: State<'_, AppState>,
    objection_ids: Vec<String>,
) -> Result<Vec<LibraryObjection>, AppError> {
    state.with_store(|s| s.write(|tx| playbook::reorder_objections(tx, &objection_ids)))
}

#[tauri::command(async)]
#[specta::specta]
pub fn archive_objection(
    state: State<'_, AppState>,
    objection_id: String,
) -> Result<LibraryObjection, AppError> {
    state.with_store(|s| s.write(|tx| playbook::archive_objection(tx, &objection_id)))
}

#[tauri::command(async)]
#[specta::specta]
pub fn restore_objection(
    state: State<'_, AppState>,
    objection_id: String,
) -> Result<LibraryObjection, AppError> {
    state.with_store(|s| s.write(|tx| playbook::restore_objection(tx, &objection_id)))
}

/// A new version of the response every theme sees (unless it overrides it).
#[tauri::command(async)]
#[specta::specta]
pub fn save_library_response(
    state: State<'_, AppState>,
    objection_id: String,
    text: String,
) -> Result<ResponseVersion, AppError> {
    state.with_store(|s| api::save_library_response(s, &objection_id, &text))
}

/// A new version of one theme's own response.
#[tauri::command(async)]
#[specta::specta]
pub fn save_theme_override(
    state: State<'_, AppState>,
    objection_id: String,
    theme_id: String,
    text: String,
) -> Result<ResponseVersion, AppError> {
    state.with_store(|s| api::save_theme_override(s, &objection_id, &theme_id, &text))
}

/// The theme sees the library response again (recorded as a version).
#[tauri::command(async)]
#[specta::specta]
pub fn remove_theme_override(
    state: State<'_, AppState>,
    objection_id: String,
    theme_id: String,
) -> Result<Option<ResponseVersion>, AppError> {
    state.with_store(|s| api::remove_theme_override(s, &objection_id, &theme_id))
}

/// Every version of an objection's response for `theme_id` (`None`: the
/// library response), newest first.
#[tauri::command(async)]
#[specta::specta]
pub fn list_response_versions(
    state: State<'_, AppState>,
    objection_id: String,
    theme_id: Option<String>,
) -> Result<Vec<ResponseVersion>, AppError> {
    state.with_store(|s| api::response_versions(s.conn(), &objection_id, theme_id.as_deref()))
}

#[tauri::command(async)]
#[specta::specta]
pub fn restore_response_version(
    state: State<'_, AppState>,
    response_id: String,
) -> Result<ResponseVersion, AppError> {
    state.with_store(|s| api::restore_response_version(s, &response_id))
}

/// Export the whole playbook to the file at `path` (`~/` allowed).
#[tauri::command(async)]
#[specta::specta]
pub fn export_playbook(
    state: State<'_, AppState>,
    path: String,
    replace: bool,
) -> Result<ExportSummary, AppError> {
    let path = api::typed_path(&path)?;
    state.with_store(|s| api::export_to(s.conn(), &path, replace))
}

/// Import a playbook file (`~/` allowed); `dry_run` first to see the report.
#[tauri::command(async)]
#[specta::specta]
pub fn import_playbook(
    state: State<'_, AppState>,
    path: String,
    dry_run: bool,
) -> Result<ImportReport, AppError> {
    let path = api::typed_path(&path)?;
    state.with_store(|s| api::import_from(s, &path, dry_run))
}
