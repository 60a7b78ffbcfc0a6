//! The Lists view's commands: importing a CSV export (open, preview with a
//! corrected mapping, check every row, import in the background with
//! progress and cancel), theme operations (create, rename, merge, split,
//! move prospects, recycle), exporting prospects to CSV and the do-not-call
//! list (found, a value added by hand). Each is a shim over
//! `callblock_core::api::import`, `api::lists`, `api::dnc` or one
//! `callblock_core::themes` function.
//!
//! An import (or the check of every row, a dry run) holds the store for its
//! one transaction. Meanwhile every other command fails at once with "an
//! import is running" (see [`crate::state::ImportGate`] and
//! `AppState::with_store`) instead of waiting for the lock, and the UI shows
//! the import's progress.

use tauri::{Manager, State};

use callblock_core::api::dnc::{self, DncAdded, DncList};
use callblock_core::api::import::{
    self as api, ImportDefaults, ImportDraft, ImportSetup, RunOptions,
};
use callblock_core::api::lists::{self, ProspectExport};
use callblock_core::domain::ThemeKind;
use callblock_core::export::ExportScope;
use callblock_core::files;
use callblock_core::import::{ImportReport, ImportStage, IndexStep, OnRejects};
use callblock_core::lists::Theme;
use callblock_core::themes::{
    self, MergeReport, ProspectFilter, RecycleReport, RecycleScope, SplitReport,
};

use crate::error::AppError;
use crate::events::ImportProgress;
use crate::state::{AppState, ImportGate};

/// Where the panel starts: the downloads folder, the region setting, the fields.
#[tauri::command(async)]
#[specta::specta]
pub fn import_defaults(state: State<'_, AppState>) -> Result<ImportDefaults, AppError> {
    if state.import.is_running() {
        return Ok(api::defaults(None, true));
    }
    let defaults = state.with_store(|s| Ok(api::defaults(Some(s.conn()), false)));
    Ok(defaults.unwrap_or_else(|_| api::defaults(None, false)))
}

/// Open `path` for import: the detected encoding and delimiter, the header,
/// the suggested mapping, and the first rows as they will be saved. A file
/// that cannot be read fails here with the reason; nothing is written.
#[tauri::command(async)]
#[specta::specta]
pub fn open_import(state: State<'_, AppState>, path: String) -> Result<ImportDraft, AppError> {
    state.with_store(|s| api::open_draft(s.conn(), &path))
}

/// The first rows again, with the user's mapping, themes and region.
#[tauri::command(async)]
#[specta::specta]
pub fn preview_import(
    state: State<'_, AppState>,
    setup: ImportSetup,
) -> Result<ImportDraft, AppError> {
    state.with_store(|s| api::preview_draft(s.conn(), setup))
}

/// Read every row and report what an import would do (new, updated,
/// rejected with line and reason); nothing is written. Runs in the
/// background with [`ImportProgress`] events; [`cancel_import`] stops it.
#[tauri::command]
#[specta::specta]
pub async fn check_import(
    app: tauri::AppHandle,
    setup: ImportSetup,
) -> Result<ImportReport, AppError> {
    let how = RunOptions {
        dry_run: true,
        on_rejects: OnRejects::ImportValid,
        remember_region: false,
    };
    in_background(app, setup, how).await
}

/// Import the file in one transaction: the valid rows
/// (`on_rejects: import_valid`), or nothing if any row is rejected
/// (`import_nothing`). Runs in the background with [`ImportProgress`]
/// events; [`cancel_import`] rolls it back. With `remember_region`, the
/// region becomes the setting once the import is saved.
#[tauri::command]
#[specta::specta]
pub async fn run_import(
    app: tauri::AppHandle,
    setup: ImportSetup,
    on_rejects: OnRejects,
    remember_region: bool,
) -> Result<ImportReport, AppError> {
    let how = RunOptions {
        dry_run: false,
        on_rejects,
        remember_region,
    };
    in_background(app, setup, how).await
}

async fn in_background(
    app: tauri::AppHandle,
    setup: ImportSetup,
    how: RunOptions,
) -> Result<ImportReport, AppError> {
    tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        run_blocking(&state, &setup, how, |p| {
            use tauri_specta::Event;
            let _ = p.emit(&app);
        })
    })
    .await
    .map_err(|e| AppError::new("internal", format!("the import stopped unexpectedly ({e})")))?
}

/// One run, on the calling thread: takes the gate, holds the store for the
/// transaction, reports progress through `emit`, stops when cancelled.
pub fn run_blocking(
    state: &AppState,
    setup: &ImportSetup,
    how: RunOptions,
    emit: impl Fn(ImportProgress),
) -> Result<ImportReport, AppError> {
    state.check_list_work()?;
    let gate = &state.import;
    let Some((job, _guard)) = gate.enter() else {
        return Err(ImportGate::busy_error());
    };
    // The core reports every thousand rows (and hears a cancel as often);
    // the window hears at most ten times a second, and every change of stage
    // (and of the index being built).
    type Heard = (std::time::Instant, ImportStage, Option<IndexStep>);
    let mut last: Option<Heard> = None;
    state.with_store_during_import(|s| {
        api::run(s, setup, how, &mut |p| {
            let due = last.is_none_or(|(at, stage, index)| {
                stage != p.stage
                    || index != p.index
                    || at.elapsed() >= std::time::Duration::from_millis(100)
            });
            if due {
                last = Some((std::time::Instant::now(), p.stage, p.index));
                emit(ImportProgress {
                    job,
                    dry_run: how.dry_run,
                    rows_read: p.rows_read,
                    fraction: p.fraction,
                    stage: p.stage,
                    rows_per_second: p.rows_per_second,
                    seconds_left: p.seconds_left,
                    index: p.index,
                });
            }
            !gate.cancelled()
        })
    })
}

/// Ask the running import (or check) to stop; it rolls back and changes
/// nothing. Returns false when nothing was running.
#[tauri::command(async)]
#[specta::specta]
pub fn cancel_import(state: State<'_, AppState>) -> bool {
    state.import.cancel()
}

/// Create a theme by hand (empty; move prospects into it).
#[tauri::command(async)]
#[specta::specta]
pub fn create_theme(
    state: State<'_, AppState>,
    name: String,
    kind: ThemeKind,
) -> Result<Theme, AppError> {
    state.with_store(|s| s.write(|tx| callblock_core::lists::create_theme(tx, &name, kind, "")))
}

#[tauri::command(async)]
#[specta::specta]
pub fn rename_theme(
    state: State<'_, AppState>,
    theme_id: String,
    name: String,
) -> Result<Theme, AppError> {
    state.with_store(|s| s.write(|tx| themes::rename_theme(tx, &theme_id, &name)))
}

/// Merge theme `from_id` into `into_id` (its prospects and history move).
#[tauri::command(async)]
#[specta::specta]
pub fn merge_themes(
    state: State<'_, AppState>,
    from_id: String,
    into_id: String,
) -> Result<MergeReport, AppError> {
    state.with_store(|s| s.write(|tx| themes::merge_themes(tx, &from_id, &into_id)))
}

/// How many prospects of a theme (`None`: without a theme) match `filter`,
/// as a split would move them.
#[tauri::command(async)]
#[specta::specta]
pub fn count_matching_prospects(
    state: State<'_, AppState>,
    theme_id: Option<String>,
    filter: ProspectFilter,
) -> Result<u32, AppError> {
    state.with_store(|s| themes::count_matching(s.conn(), theme_id.as_deref(), &filter))
}

/// Move the prospects of a theme that match `filter` to a new theme.
#[tauri::command(async)]
#[specta::specta]
pub fn split_theme(
    state: State<'_, AppState>,
    theme_id: String,
    filter: ProspectFilter,
    new_name: String,
    kind: Option<ThemeKind>,
) -> Result<SplitReport, AppError> {
    state.with_store(|s| s.write(|tx| themes::split_theme(tx, &theme_id, &filter, &new_name, kind)))
}

/// Move prospects to a theme (`None`: out of any theme); returns how many moved.
#[tauri::command(async)]
#[specta::specta]
pub fn move_prospects(
    state: State<'_, AppState>,
    prospect_ids: Vec<String>,
    theme_id: Option<String>,
) -> Result<u32, AppError> {
    state.with_store(|s| {
        s.write(|tx| themes::move_prospects(tx, &prospect_ids, theme_id.as_deref()))
    })
}

/// Put exhausted (and, if asked, not-interested) prospects back into play
/// in a theme; do-not-call and bad numbers never come back.
#[tauri::command(async)]
#[specta::specta]
pub fn recycle_prospects(
    state: State<'_, AppState>,
    into_theme_id: String,
    scope: RecycleScope,
) -> Result<RecycleReport, AppError> {
    state.with_store(|s| {
        s.write(|tx| {
            themes::recycle_into_theme(tx, &into_theme_id, &scope, callblock_core::time::now())
        })
    })
}

/// Write the prospects of `scope` to a CSV file (cells a spreadsheet would
/// run as formulas are escaped).
#[tauri::command(async)]
#[specta::specta]
pub fn export_prospects(
    state: State<'_, AppState>,
    scope: ExportScope,
    path: String,
    replace: bool,
) -> Result<ProspectExport, AppError> {
    let path = files::typed_path(&path, "prospects.csv")?;
    state.with_store(|s| lists::export_prospects(s.conn(), &path, &scope, replace))
}

/// The do-not-call list: the entries `search` finds (digits of a number,
/// part of an e-mail, a prospect's name), newest first, at most `limit`.
#[tauri::command(async)]
#[specta::specta]
pub fn do_not_call_list(
    state: State<'_, AppState>,
    search: String,
    limit: u32,
) -> Result<DncList, AppError> {
    state.with_store(|s| dnc::list(s.conn(), &search, limit))
}

/// Put a typed number or e-mail on the do-not-call list; whoever holds it
/// here is marked do-not-call at once.
#[tauri::command(async)]
#[specta::specta]
pub fn add_to_do_not_call(state: State<'_, AppState>, typed: String) -> Result<DncAdded, AppError> {
    state.with_store(|s| dnc::add(s, &typed, callblock_core::time::now()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use std::sync::Mutex;

    use callblock_core::import::{self, Field, ImportOptions, ThemeChoice};

    fn state() -> (tempfile::TempDir, AppState) {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::open(dir.path().join("t.db"));
        (dir, state)
    }

    fn setup_of(state: &AppState, path: &str) -> ImportSetup {
        state
            .with_store(|s| {
                let settings = callblock_core::settings::load(s.conn())?;
                let source = import::read_file(path)?;
                let opts = ImportOptions::new(&source, &settings);
                Ok(ImportSetup {
                    path: path.to_string(),
                    columns: api::columns_of(&opts.mapping),
                    theme: ThemeChoice::Field(Field::Industry),
                    region: "us".into(),
                })
            })
            .unwrap()
    }

    fn prospects(state: &AppState) -> i64 {
        state
            .with_store(|s| lists::info(s.conn(), &state.db_path))
            .unwrap()
            .prospects
    }

    fn how(dry_run: bool) -> RunOptions {
        RunOptions {
            dry_run,
            on_rejects: OnRejects::ImportValid,
            remember_region: false,
        }
    }

    #[test]
    fn a_check_reports_progress_as_events_of_one_job() {
        let (_d, state) = state();
        let sample = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src-tauri/core/tests/fixtures/samples/hubspot-contacts.csv");
        let setup = setup_of(&state, &sample.display().to_string());
        let seen = Mutex::new(Vec::new());
        let check =
            run_blocking(&state, &setup, how(true), |p| seen.lock().unwrap().push(p)).unwrap();
        assert!(!check.committed && check.dry_run);
        assert_eq!(prospects(&state), 0);
        let seen = seen.lock().unwrap();
        let last = seen.last().cloned().unwrap();
        assert!(last.dry_run && last.fraction == 1.0 && last.rows_read == 240);
        assert!(seen.iter().all(|p| p.job == last.job));
        // The next run is another job.
        let again = Mutex::new(None);
        run_blocking(&state, &setup, how(true), |p| {
            *again.lock().unwrap() = Some(p.job)
        })
        .unwrap();
        assert_eq!(again.lock().unwrap().unwrap(), last.job + 1);
    }

    #[test]
    fn while_an_import_runs_other_commands_fail_fast_and_cancel_rolls_back() {
        let (dir, state) = state();
        // A file long enough to see progress twice.
        let mut text = String::from("Name,Phone,Industry\n");
        for i in 0..5000 {
            text.push_str(&format!("Person {i},312555{:04},Logistics\n", i % 10000));
        }
        let path = dir.path().join("long.csv");
        std::fs::write(&path, text).unwrap();
        let setup = setup_of(&state, &path.display().to_string());
        let during = Mutex::new(None);
        let e = run_blocking(&state, &setup, how(false), |p| {
            if p.rows_read == 1000 {
                // Another command, while the import holds the store.
                let other = state.with_store(|s| {
                    callblock_core::lists::theme_summaries(s.conn(), callblock_core::time::now())
                });
                *during.lock().unwrap() = Some(other.map(|_| ()));
                assert!(state.import.cancel());
            }
        })
        .unwrap_err();
        assert_eq!(e.kind, "cancelled", "{e}");
        let other = during.lock().unwrap().take().unwrap().unwrap_err();
        assert_eq!(other.kind, "busy");
        assert!(other.message.contains("an import is running"), "{other}");
        assert!(!state.import.is_running());
        assert!(!state.import.cancel(), "nothing runs to cancel");
        assert_eq!(prospects(&state), 0);
        let themes = state
            .with_store(|s| callblock_core::lists::themes(s.conn()))
            .unwrap();
        assert!(themes.is_empty(), "{themes:?}");
    }
}
