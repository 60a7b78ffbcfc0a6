//! The commands the UI invokes. Each one is thin: take the input, call the
//! core with the open store, map the error. They run off the main thread
//! (`async` in the attribute) and hold the store's lock only for one call.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Instant;

use serde::Serialize;
use specta::Type;
use tauri::State;

use callblock_core::calls::BlockRow;
use callblock_core::lists::{ProspectPage, ProspectQuery, ThemeSummary};
use callblock_core::playbook::Playbook;
use callblock_core::reports::{ReportFilter, ReviewSummary};
use callblock_core::reps::Rep;
use callblock_core::{settings, Store};

use crate::error::AppError;

/// What the window works on: the database (or why it could not be opened).
pub struct AppState {
    pub db_path: PathBuf,
    store: Mutex<Option<Store>>,
    open_error: Option<AppError>,
    ready_reported: Mutex<bool>,
}

impl AppState {
    /// Open the database; a failure is kept and shown by the window.
    pub fn open(db_path: PathBuf) -> AppState {
        match Store::open(&db_path) {
            Ok(store) => AppState {
                db_path,
                store: Mutex::new(Some(store)),
                open_error: None,
                ready_reported: Mutex::new(false),
            },
            Err(e) => AppState {
                db_path,
                store: Mutex::new(None),
                open_error: Some(e.into()),
                ready_reported: Mutex::new(false),
            },
        }
    }

    /// Run `f` with the open store.
    pub fn with_store<T>(
        &self,
        f: impl FnOnce(&mut Store) -> callblock_core::Result<T>,
    ) -> Result<T, AppError> {
        if let Some(e) = &self.open_error {
            return Err(e.clone());
        }
        let mut guard = self
            .store
            .lock()
            .map_err(|_| AppError::new("internal", "the database connection is unavailable after an earlier failure; restart Callblock"))?;
        let store = guard
            .as_mut()
            .ok_or_else(|| AppError::new("internal", "the database is not open"))?;
        f(store).map_err(AppError::from)
    }
}

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
        db_error: state.open_error.clone(),
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

#[tauri::command(async)]
#[specta::specta]
pub fn list_blocks(state: State<'_, AppState>, limit: u32) -> Result<Vec<BlockRow>, AppError> {
    state.with_store(|s| callblock_core::calls::recent_blocks(s.conn(), None, limit.clamp(1, 500)))
}

/// The funnel over the last `days` days (0: all time).
#[tauri::command(async)]
#[specta::specta]
pub fn review_summary(state: State<'_, AppState>, days: u32) -> Result<ReviewSummary, AppError> {
    state.with_store(|s| {
        let settings = settings::load(s.conn())?;
        let filter = ReportFilter {
            from: (days > 0).then(|| chrono::Utc::now() - chrono::Duration::days(i64::from(days))),
            ..ReportFilter::default()
        };
        callblock_core::reports::review_summary(s.conn(), &filter, &settings)
    })
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
