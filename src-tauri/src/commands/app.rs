//! The window's own commands: what the app is and which database it uses,
//! the settings, the lists and prospects of the Lists view, the playbook a
//! call card shows, and the start-up report.

use std::time::Instant;

use serde::Serialize;
use specta::Type;
use tauri::State;

use callblock_core::domain::Settings;
use callblock_core::lists::{ProspectPage, ProspectQuery, ThemeSummary};
use callblock_core::playbook::Playbook;
use callblock_core::reps::Rep;

use crate::error::AppError;
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, Type)]
pub struct AppInfo {
    pub version: String,
    pub db_path: String,
    /// Why the database could not be opened; the window shows this instead of the views.
    pub db_error: Option<AppError>,
    pub current_rep: Option<Rep>,
}

#[tauri::command(async)]
#[specta::specta]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    let current_rep = state
        .with_store(|s| callblock_core::reps::current_rep(s.conn()))
        .ok()
        .flatten();
    AppInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        db_path: state.db_path.display().to_string(),
        db_error: state.open_error().cloned(),
        current_rep,
    }
}

#[tauri::command(async)]
#[specta::specta]
pub fn list_themes(state: State<'_, AppState>) -> Result<Vec<ThemeSummary>, AppError> {
    state.with_store(|s| callblock_core::lists::theme_summaries(s.conn(), chrono::Utc::now()))
}

#[tauri::command(async)]
#[specta::specta]
pub fn list_prospects(
    state: State<'_, AppState>,
    query: ProspectQuery,
) -> Result<ProspectPage, AppError> {
    state.with_store(|s| callblock_core::lists::prospects(s.conn(), &query))
}

#[tauri::command(async)]
#[specta::specta]
pub fn get_playbook(
    state: State<'_, AppState>,
    theme_id: Option<String>,
) -> Result<Playbook, AppError> {
    state.with_store(|s| callblock_core::playbook::playbook_for(s.conn(), theme_id.as_deref()))
}

/// The UI calls this once its first view shows data. With
/// `CALLBLOCK_REPORT_READY=1` the time since the process started is printed,
/// for the start-up benchmark.
#[tauri::command(async)]
#[specta::specta]
pub fn ui_ready(state: State<'_, AppState>, view: String, items: u32) {
    let Ok(mut reported) = state.ready_reported.lock() else {
        return;
    };
    if *reported {
        return;
    }
    *reported = true;
    if std::env::var_os("CALLBLOCK_REPORT_READY").is_some_and(|v| v == "1") {
        let ms = Instant::now()
            .duration_since(crate::process_start())
            .as_secs_f64()
            * 1000.0;
        println!(
            "callblock-ready view={view} items={items} ms={ms:.1} pid={}",
            std::process::id()
        );
        use std::io::Write;
        let _ = std::io::stdout().flush();
    }
}

#[tauri::command(async)]
#[specta::specta]
pub fn get_settings(state: State<'_, AppState>) -> Result<Settings, AppError> {
    state.with_store(|s| callblock_core::settings::load(s.conn()))
}

/// Fill an empty database with the demo (the same as `callblock demo`), to
/// try Callblock from the window.
#[tauri::command(async)]
#[specta::specta]
pub fn load_demo(
    state: State<'_, AppState>,
) -> Result<callblock_core::demo::DemoSummary, AppError> {
    state.with_store(|s| {
        callblock_core::demo::fill(s, callblock_core::demo::DEFAULT_SEED, chrono::Utc::now())
    })
}

/// Save the rep's own profile (name, e-mail, time zone).
#[tauri::command(async)]
#[specta::specta]
pub fn save_profile(
    state: State<'_, AppState>,
    profile: callblock_core::api::settings::Profile,
) -> Result<Rep, AppError> {
    state.with_store(|s| callblock_core::api::settings::save_profile(s, &profile))
}

/// Save the settings, checked together; a new conversation threshold or
/// outer limit recomputes Review's figures. A running block keeps the
/// settings it started with.
#[tauri::command(async)]
#[specta::specta]
pub fn save_settings(state: State<'_, AppState>, settings: Settings) -> Result<Settings, AppError> {
    state.with_store(|s| callblock_core::api::settings::save(s, &settings))
}
