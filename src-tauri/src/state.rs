//! What the window works on: the database (or why it could not be opened),
//! the block desk, and the gate an import holds. Commands reach the core
//! through [`AppState::with_store`] and [`AppState::with_desk`], which hold a
//! lock only for one call.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

use callblock_core::clock::Clocks;
use callblock_core::domain::Settings;
use callblock_core::session::BlockDesk;
use callblock_core::Store;

use crate::error::AppError;

/// The database, the running block, and the import gate.
pub struct AppState {
    pub db_path: PathBuf,
    store: Mutex<Option<Store>>,
    open_error: Option<AppError>,
    pub(crate) ready_reported: Mutex<bool>,
    /// The running block; locked before the store.
    desk: Mutex<BlockDesk>,
    /// Notified when the block changes, so that the ticker wakes.
    pub changed: Arc<Notify>,
    /// Notified when the block changes, so that the break ticker re-reads.
    pub break_changed: Arc<Notify>,
    /// An import holds the store for its transaction; meanwhile the other
    /// commands fail fast instead of waiting.
    pub import: ImportGate,
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
        let mut desk = BlockDesk::new(callblock_core::files::invitations_dir(&db_path));
        let (store, open_error) = match Store::open_to_write(&db_path) {
            Ok(store) => (Some(store), None),
            Err(e) => (None, Some(AppError::from(e))),
        };
        let checkpointer = store.as_ref().and_then(|s| {
            s.checkpoint_in_background(std::time::Duration::from_secs(5))
                .map_err(|e| eprintln!("callblock: warning: background checkpoints are off ({e})"))
                .ok()
                .flatten()
        });
        if let Some(s) = &store {
            if let Err(e) = desk.reopen(s) {
                eprintln!("callblock: warning: the running block could not be reopened: {e}");
            }
        }
        AppState {
            db_path,
            store: Mutex::new(store),
            open_error,
            ready_reported: Mutex::new(false),
            desk: Mutex::new(desk),
            changed: Arc::new(Notify::new()),
            break_changed: Arc::new(Notify::new()),
            import: ImportGate::default(),
            _checkpointer: checkpointer,
        }
    }

    /// Why the database could not be opened, if it could not.
    pub fn open_error(&self) -> Option<&AppError> {
        self.open_error.as_ref()
    }

    /// Run `f` with the open store; fails at once while an import runs.
    pub fn with_store<T>(
        &self,
        f: impl FnOnce(&mut Store) -> callblock_core::Result<T>,
    ) -> Result<T, AppError> {
        if self.import.is_running() {
            return Err(ImportGate::busy_error());
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

    /// Run `f` with the block desk and the store (in that lock order), then
    /// wake the ticker.
    pub fn with_desk<T>(
        &self,
        f: impl FnOnce(&mut BlockDesk, &mut Store) -> callblock_core::Result<T>,
    ) -> Result<T, AppError> {
        let mut desk = self.desk.lock().map_err(|_| poisoned())?;
        let out = self.with_store(|store| f(&mut desk, store));
        self.changed.notify_one();
        self.break_changed.notify_one();
        out
    }

    /// Where the invitations of booked meetings are saved (the desk's folder).
    pub fn invitations_dir(&self) -> Result<PathBuf, AppError> {
        let desk = self.desk.lock().map_err(|_| poisoned())?;
        Ok(desk.invitations().to_path_buf())
    }

    /// True while a block runs in this window.
    pub fn block_running(&self) -> bool {
        self.desk.lock().map(|d| d.is_running()).unwrap_or(false)
    }

    /// Refused while a block runs (see `BlockDesk::check_list_work`).
    pub fn check_list_work(&self) -> Result<(), AppError> {
        let desk = self.desk.lock().map_err(|_| poisoned())?;
        Ok(desk.check_list_work()?)
    }

    /// The current rep's break: the block it follows and the time left.
    pub fn break_left(&self) -> Option<(String, std::time::Duration)> {
        let b = self
            .with_store(|s| {
                let rep = callblock_core::reps::current_rep(s.conn())?;
                match rep {
                    Some(r) => callblock_core::block::break_state(
                        s.conn(),
                        &r.id,
                        callblock_core::time::now(),
                    ),
                    None => Ok(None),
                }
            })
            .ok()??;
        Some((
            b.block_id,
            std::time::Duration::from_millis(u64::from(b.remaining_ms)),
        ))
    }

    /// The block's id, clocks and thresholds, for the ticker.
    pub fn clocks(&self) -> Option<(String, Clocks, Settings)> {
        self.desk.lock().ok()?.clocks()
    }
}

/// Whether an import holds the store, and the cancel request for it.
#[derive(Debug, Default)]
pub struct ImportGate {
    running: AtomicBool,
    cancel: AtomicBool,
    /// Numbers the runs, so that the UI can tell their progress apart.
    jobs: AtomicU32,
}

impl ImportGate {
    pub fn is_running(&self) -> bool {
        self.running.load(Ordering::SeqCst)
    }

    /// Take the gate for a run: its job number, and the guard that opens the
    /// gate again when the run ends, however it ends; `None` when another
    /// run has it.
    pub fn enter(&self) -> Option<(u32, GateGuard<'_>)> {
        self.running
            .compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst)
            .ok()?;
        self.cancel.store(false, Ordering::SeqCst);
        let job = self.jobs.fetch_add(1, Ordering::SeqCst) + 1;
        Some((job, GateGuard(self)))
    }

    /// Ask the running import to stop; false when none runs.
    pub fn cancel(&self) -> bool {
        if self.is_running() {
            self.cancel.store(true, Ordering::SeqCst);
            true
        } else {
            false
        }
    }

    /// True once the running import was asked to stop.
    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }

    /// What every other command says while an import runs.
    pub fn busy_error() -> AppError {
        AppError::new(
            "busy",
            "an import is running; wait for it to finish or cancel it (Lists view)",
        )
    }
}

/// Opens the gate again when the run ends, however it ends.
pub struct GateGuard<'a>(&'a ImportGate);

impl Drop for GateGuard<'_> {
    fn drop(&mut self) {
        self.0.cancel.store(false, Ordering::SeqCst);
        self.0.running.store(false, Ordering::SeqCst);
    }
}
