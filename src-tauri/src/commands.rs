//! The commands the UI invokes. Each one is thin: take the input, call the
//! core with the open store, map the error. They run off the main thread
//! (`async` in the attribute) and hold the store's lock only for one call.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::sync::Notify;

use serde::Serialize;
use specta::Type;
use tauri::State;

use callblock_core::block::{BlockSummary, CallResult, EndReason};
use callblock_core::calls::BlockRow;
use callblock_core::calls::CallNotes;
use callblock_core::clock::Clocks;
use callblock_core::domain::Settings;
use callblock_core::lists::{ProspectPage, ProspectQuery, ThemeSummary};
use callblock_core::playbook::Playbook;
use callblock_core::reps::Rep;
use callblock_core::{settings, Store};

use crate::session::{BlockView, Session};

use crate::error::AppError;

/// What the window works on: the database (or why it could not be opened)
/// and the block running in it.
pub struct AppState {
    pub db_path: PathBuf,
    store: Mutex<Option<Store>>,
    open_error: Option<AppError>,
    ready_reported: Mutex<bool>,
    /// The running block; locked before the store.
    session: Mutex<Option<Session>>,
    /// Notified when the session changes, so that the ticker wakes.
    pub changed: Arc<Notify>,
    pub invitations_dir: PathBuf,
    /// An import holds the store for its transaction; meanwhile the other
    /// commands fail fast instead of waiting.
    pub import: crate::commands_import::ImportGate,
    /// Checkpoints the write-ahead log off the path of a user action.
    _checkpointer: Option<callblock_core::store::checkpoint::Checkpointer>,
}

fn poisoned() -> AppError {
    AppError::new(
        "internal",
        "the database connection is unavailable after an earlier failure; restart Callblock",
    )
}

impl AppState {
    /// Open the database and reopen a block left running (after a crash,
    /// with its time left and its call in progress); a failure is kept and
    /// shown by the window.
    pub fn open(db_path: PathBuf) -> AppState {
        let invitations_dir = callblock_core::paths::invitations_dir(&db_path);
        let (store, open_error) = match Store::open(&db_path) {
            Ok(store) => (Some(store), None),
            Err(e) => (None, Some(AppError::from(e))),
        };
        let checkpointer = store.as_ref().and_then(|s| {
            s.checkpoint_in_background(std::time::Duration::from_secs(5))
                .map_err(|e| eprintln!("callblock: warning: background checkpoints are off ({e})"))
                .ok()
                .flatten()
        });
        let session = store.as_ref().and_then(|s| match reopen_block(s) {
            Ok(session) => session,
            Err(e) => {
                eprintln!("callblock: warning: the running block could not be reopened: {e}");
                None
            }
        });
        AppState {
            db_path,
            store: Mutex::new(store),
            open_error,
            ready_reported: Mutex::new(false),
            session: Mutex::new(session),
            changed: Arc::new(Notify::new()),
            invitations_dir,
            import: Default::default(),
            _checkpointer: checkpointer,
        }
    }

    /// Run `f` with the open store; fails at once while an import runs.
    pub fn with_store<T>(
        &self,
        f: impl FnOnce(&mut Store) -> callblock_core::Result<T>,
    ) -> Result<T, AppError> {
        if self.import.is_running() {
            return Err(crate::commands_import::busy_error());
        }
        self.with_store_during_import(f)
    }

    /// Run `f` with the open store, even while an import runs (the import
    /// itself, which holds the gate).
    pub(crate) fn with_store_during_import<T>(
        &self,
        f: impl FnOnce(&mut Store) -> callblock_core::Result<T>,
    ) -> Result<T, AppError> {
        if let Some(e) = &self.open_error {
            return Err(e.clone());
        }
        let mut guard = self.store.lock().map_err(|_| poisoned())?;
        let store = guard
            .as_mut()
            .ok_or_else(|| AppError::new("internal", "the database is not open"))?;
        f(store).map_err(AppError::from)
    }

    /// Run `f` with the session and the store (in that lock order), then wake the ticker.
    pub fn with_session<T>(
        &self,
        f: impl FnOnce(&mut Option<Session>, &mut Store) -> callblock_core::Result<T>,
    ) -> Result<T, AppError> {
        let mut session = self.session.lock().map_err(|_| poisoned())?;
        let out = self.with_store(|store| f(&mut session, store));
        self.changed.notify_one();
        out
    }

    /// True while a block runs in this window.
    pub fn block_running(&self) -> bool {
        self.session.lock().map(|s| s.is_some()).unwrap_or(false)
    }

    /// The block's clocks and thresholds, for the ticker.
    pub fn clocks(&self) -> Option<(String, Clocks, Settings)> {
        let mut guard = self.session.lock().ok()?;
        let s = guard.as_mut()?;
        Some((s.block_id().to_string(), s.clocks(), s.settings().clone()))
    }

    /// The Block view's state now.
    fn view(&self, session: &Option<Session>, summary: Option<BlockSummary>) -> BlockView {
        match session {
            Some(s) => BlockView::Running {
                snapshot: Box::new(s.snapshot()),
            },
            None => BlockView::Idle {
                summary: summary.map(Box::new),
            },
        }
    }
}

fn reopen_block(store: &Store) -> callblock_core::Result<Option<Session>> {
    let Some(rep) = callblock_core::reps::current_rep(store.conn())? else {
        return Ok(None);
    };
    match callblock_core::block::running_block(store.conn(), &rep.id)? {
        Some(b) => Ok(Some(Session::open(store, b, callblock_core::time::now())?)),
        None => Ok(None),
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
    state.with_store(|s| settings::load(s.conn()))
}

/// Save the settings (every default of the method a user can change). They
/// are checked together first; a change to what counts as a conversation or
/// to the outer limit recomputes Review's figures in the same transaction.
/// A running block keeps the settings it started with.
#[tauri::command(async)]
#[specta::specta]
pub fn save_settings(state: State<'_, AppState>, settings: Settings) -> Result<Settings, AppError> {
    state.with_store(|s| {
        s.write(|tx| {
            let before = settings::load(tx)?;
            settings::save(tx, &settings)?;
            if before.conversation_seconds != settings.conversation_seconds
                || before.phase_limit != settings.phase_limit
            {
                callblock_core::reports::rollup::rebuild(tx, &settings)?;
            }
            settings::load(tx)
        })
    })
}

/// The Block view's state: the running block (reopened after a restart), or none.
#[tauri::command(async)]
#[specta::specta]
pub fn block_view(state: State<'_, AppState>) -> Result<BlockView, AppError> {
    state.with_session(|session, store| {
        if let Some(s) = session {
            s.refresh(store)?;
        }
        Ok(())
    })?;
    let session = state.session.lock().map_err(|_| poisoned())?;
    Ok(state.view(&session, None))
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
    state.with_session(|session, store| {
        if session.is_some() {
            return Err(callblock_core::Error::Conflict(
                "a block is already running; end it before starting another".into(),
            ));
        }
        let settings = settings::load(store.conn())?;
        let now = callblock_core::time::now();
        let block = store.write(|tx| {
            let rep = match callblock_core::reps::current_rep(tx)? {
                Some(r) => r,
                None => {
                    let name = rep_name.as_deref().map(str::trim).unwrap_or("");
                    if name.is_empty() {
                        return Err(callblock_core::Error::invalid(
                            "your name",
                            "enter the name of the rep who makes the calls",
                        ));
                    }
                    let rep = callblock_core::reps::create_rep(tx, name, None, None)?;
                    callblock_core::reps::set_current_rep(tx, &rep.id)?;
                    rep
                }
            };
            callblock_core::block::start_block(tx, &rep.id, &theme_ids, minutes, &settings, now)
        })?;
        *session = Some(Session::open(store, block, now)?);
        Ok(())
    })?;
    let session = state.session.lock().map_err(|_| poisoned())?;
    Ok(state.view(&session, None))
}

/// Apply `f` to the running block and return the view.
fn running(
    state: &AppState,
    f: impl FnOnce(&mut Session, &mut Store) -> callblock_core::Result<Option<BlockSummary>>,
) -> Result<BlockView, AppError> {
    let summary = state.with_session(|session, store| {
        let s = session
            .as_mut()
            .ok_or_else(|| callblock_core::Error::Conflict("no block is running".into()))?;
        let summary = f(s, store)?;
        if summary.is_some() {
            *session = None;
        }
        Ok(summary)
    })?;
    let session = state.session.lock().map_err(|_| poisoned())?;
    Ok(state.view(&session, summary))
}

#[tauri::command(async)]
#[specta::specta]
pub fn pause_block(state: State<'_, AppState>) -> Result<BlockView, AppError> {
    running(&state, |s, store| s.pause(store).map(|_| None))
}

#[tauri::command(async)]
#[specta::specta]
pub fn resume_block(state: State<'_, AppState>) -> Result<BlockView, AppError> {
    running(&state, |s, store| s.resume(store).map(|_| None))
}

/// End the block now (before its planned length: ended early).
#[tauri::command(async)]
#[specta::specta]
pub fn end_block(state: State<'_, AppState>) -> Result<BlockView, AppError> {
    running(&state, |s, store| {
        s.end(store, EndReason::EndedEarly).map(Some)
    })
}

#[tauri::command(async)]
#[specta::specta]
pub fn start_call(state: State<'_, AppState>) -> Result<BlockView, AppError> {
    running(&state, |s, store| s.start_call(store).map(|_| None))
}

#[tauri::command(async)]
#[specta::specta]
pub fn log_objection(
    state: State<'_, AppState>,
    objection_id: String,
) -> Result<BlockView, AppError> {
    running(&state, |s, store| {
        s.log_objection(store, &objection_id).map(|_| None)
    })
}

/// Keep the notes typed so far in the call in progress.
#[tauri::command(async)]
#[specta::specta]
pub fn save_call_notes(state: State<'_, AppState>, notes: CallNotes) -> Result<(), AppError> {
    state.with_session(|session, store| match session {
        Some(s) => s.save_notes(store, notes),
        None => Err(callblock_core::Error::Conflict(
            "no block is running".into(),
        )),
    })
}

/// Log the outcome of the call in progress; the view shows the next prospect
/// (or the summary, when the block's time is up).
#[tauri::command(async)]
#[specta::specta]
pub fn log_outcome(state: State<'_, AppState>, result: CallResult) -> Result<BlockView, AppError> {
    let dir = state.invitations_dir.clone();
    running(&state, |s, store| s.log_outcome(store, &result, &dir))
}

#[tauri::command(async)]
#[specta::specta]
pub fn skip_prospect(state: State<'_, AppState>) -> Result<BlockView, AppError> {
    running(&state, |s, store| s.skip(store).map(|_| None))
}

/// A block's summary (a past block from the list).
#[tauri::command(async)]
#[specta::specta]
pub fn block_summary(
    state: State<'_, AppState>,
    block_id: String,
) -> Result<BlockSummary, AppError> {
    state.with_store(|s| {
        let settings = settings::load(s.conn())?;
        callblock_core::block::summary(s.conn(), &block_id, &settings, callblock_core::time::now())
    })
}
