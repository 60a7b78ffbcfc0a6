//! The Lists view's commands: importing a CSV export (open, preview with a
//! corrected mapping, check every row, import in the background with
//! progress and cancel), theme operations (create, rename, merge, split,
//! move prospects, recycle) and exporting prospects to CSV.
//!
//! An import (or the check of every row, a dry run) holds the store for its
//! one transaction. Meanwhile every other command fails at once with "an
//! import is running" (see [`ImportGate`] and `AppState::with_store`) instead
//! of waiting for the lock, and the UI shows the import's progress.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{Manager, State};

use callblock_core::domain::ThemeKind;
use callblock_core::export::{self, ExportScope};
use callblock_core::import::{
    self, Field, ImportOptions, ImportReport, Mapping, OnRejects, Preview, SourceFile, ThemeChoice,
};
use callblock_core::lists::{self, Theme};
use callblock_core::themes::{
    self, MergeReport, ProspectFilter, RecycleReport, RecycleScope, SplitReport,
};
use callblock_core::{paths, settings, Error, Store};

use crate::commands::AppState;
use crate::error::AppError;

/// Rows the preview shows.
pub const PREVIEW_ROWS: usize = 20;

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

    /// Take the gate for a run; `None` when another run has it.
    fn enter(&self) -> Option<(u32, GateGuard<'_>)> {
        self.running
            .compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst)
            .ok()?;
        self.cancel.store(false, Ordering::SeqCst);
        let job = self.jobs.fetch_add(1, Ordering::SeqCst) + 1;
        Some((job, GateGuard(self)))
    }
}

/// Opens the gate again when the run ends, however it ends.
struct GateGuard<'a>(&'a ImportGate);

impl Drop for GateGuard<'_> {
    fn drop(&mut self) {
        self.0.cancel.store(false, Ordering::SeqCst);
        self.0.running.store(false, Ordering::SeqCst);
    }
}

/// What every other command says while an import runs.
pub fn busy_error() -> AppError {
    AppError::new(
        "busy",
        "an import is running; wait for it to finish or cancel it (Lists view)",
    )
}

/// Sent every thousand rows of a run, and once at its end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, tauri_specta::Event)]
pub struct ImportProgress {
    pub job: u32,
    /// True while every row is checked (nothing is written).
    pub dry_run: bool,
    pub rows_read: u32,
    /// Share of the file read, 0 to 1.
    pub fraction: f64,
}

/// A field a column can feed, as the mapping table lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct FieldInfo {
    pub field: Field,
    pub label: String,
    pub is_phone: bool,
}

/// What the import panel starts from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ImportDefaults {
    /// The downloads folder, with a trailing slash, where exports usually are.
    pub folder: Option<String>,
    /// The region setting for numbers without a country code.
    pub region: String,
    pub fields: Vec<FieldInfo>,
    /// True while an import or a check holds the database.
    pub running: bool,
}

/// One field and the column (0-based) it is read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct FieldColumn {
    pub field: Field,
    pub column: u32,
}

/// The file and the user's choices: which column feeds which field (fields
/// not listed are not mapped), the themes, the region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ImportSetup {
    pub path: String,
    pub columns: Vec<FieldColumn>,
    pub theme: ThemeChoice,
    pub region: String,
}

/// A file opened for import: what was detected, the suggested mapping, the
/// first rows as they will be saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ImportDraft {
    /// `hubspot`, `salesforce`, `apollo`, `pipedrive`, `zoominfo` or `csv`.
    pub format: String,
    pub encoding_label: String,
    pub delimiter_label: String,
    pub setup: ImportSetup,
    pub preview: Preview,
    /// For each column, its first non-empty value among the first rows (to
    /// see what a column holds while correcting the mapping).
    pub column_samples: Vec<String>,
}

/// Rows looked at for [`ImportDraft::column_samples`].
const SAMPLE_ROWS: usize = 50;

fn column_samples(source: &SourceFile) -> callblock_core::Result<Vec<String>> {
    let mut samples = vec![String::new(); source.headers.len()];
    let mut records = source.records()?;
    let mut rec = import::reader::Record::default();
    let mut seen = 0;
    // A row the preview already reports (a cut quote) just ends the samples.
    while seen < SAMPLE_ROWS && records.next_into(&mut rec).unwrap_or(false) {
        seen += 1;
        for (i, sample) in samples.iter_mut().enumerate() {
            if sample.is_empty() {
                let cell = rec.get(i).trim();
                if !cell.is_empty() {
                    *sample = cell
                        .chars()
                        .take(60)
                        .collect::<String>()
                        .replace(['\r', '\n'], " ");
                }
            }
        }
        if samples.iter().all(|s| !s.is_empty()) {
            break;
        }
    }
    Ok(samples)
}

fn source_and_options(
    setup: &ImportSetup,
    settings: &callblock_core::domain::Settings,
) -> callblock_core::Result<(SourceFile, ImportOptions)> {
    let source = import::read_file(paths::expand_home(setup.path.trim()))?;
    let mut opts = ImportOptions::new(&source, settings);
    opts.mapping = mapping_of(&source, &setup.columns)?;
    opts.theme = setup.theme.clone();
    opts.region = setup.region.trim().to_uppercase();
    Ok((source, opts))
}

/// The mapping the user chose; a column feeds one field (the last one given).
fn mapping_of(source: &SourceFile, columns: &[FieldColumn]) -> callblock_core::Result<Mapping> {
    let mut m = Mapping {
        headers: source.headers.clone(),
        entries: Vec::new(),
    };
    for fc in columns {
        if fc.column as usize >= source.headers.len() {
            return Err(Error::invalid(
                "mapping",
                format!(
                    "{} has {} columns; column {} does not exist (the file changed since it was opened: open it again)",
                    source.path.display(),
                    source.headers.len(),
                    fc.column + 1
                ),
            ));
        }
        m.set(fc.field, Some(fc.column as usize));
    }
    Ok(m)
}

fn columns_of(m: &Mapping) -> Vec<FieldColumn> {
    m.entries
        .iter()
        .map(|e| FieldColumn {
            field: e.field,
            column: e.column,
        })
        .collect()
}

/// Where the panel starts: the downloads folder, the region setting, the fields.
#[tauri::command(async)]
#[specta::specta]
pub fn import_defaults(state: State<'_, AppState>) -> Result<ImportDefaults, AppError> {
    let running = state.import.is_running();
    let region = if running {
        None
    } else {
        state
            .with_store(|s| settings::load(s.conn()))
            .ok()
            .map(|s| s.default_region)
    };
    Ok(ImportDefaults {
        folder: paths::downloads_dir().map(|d| format!("{}/", d.display())),
        region: region.unwrap_or_else(|| "US".to_string()),
        fields: Field::ALL
            .iter()
            .map(|&f| FieldInfo {
                field: f,
                label: f.label().to_string(),
                is_phone: f.is_phone(),
            })
            .collect(),
        running,
    })
}

/// Open `path` for import: the detected encoding and delimiter, the header,
/// the suggested mapping, and the first rows as they will be saved. A file
/// that cannot be read fails here with the reason; nothing is written.
#[tauri::command(async)]
#[specta::specta]
pub fn open_import(state: State<'_, AppState>, path: String) -> Result<ImportDraft, AppError> {
    if path.trim().is_empty() {
        return Err(AppError::new(
            "invalid",
            "type the path of a CSV file to import",
        ));
    }
    state.with_store(|s| open_draft(s, &path))
}

/// [`open_import`] on a store.
pub fn open_draft(s: &Store, path: &str) -> callblock_core::Result<ImportDraft> {
    let settings = settings::load(s.conn())?;
    let source = import::read_file(paths::expand_home(path.trim()))?;
    let opts = ImportOptions::new(&source, &settings);
    let setup = ImportSetup {
        path: source.path.display().to_string(),
        columns: columns_of(&opts.mapping),
        theme: ThemeChoice::None,
        region: opts.region.clone(),
    };
    draft(s, &source, &opts, setup)
}

fn draft(
    s: &Store,
    source: &SourceFile,
    opts: &ImportOptions,
    setup: ImportSetup,
) -> callblock_core::Result<ImportDraft> {
    // A mapping without a phone column is shown (to be corrected), not refused.
    let preview = if opts.mapping.has_phone() {
        import::preview(s.conn(), source, opts, PREVIEW_ROWS)?
    } else {
        Preview {
            file: source.clone(),
            mapping: opts.mapping.clone(),
            unmapped: (0..source.headers.len())
                .filter(|&i| opts.mapping.field_of(i).is_none())
                .map(|i| source.headers[i].clone())
                .collect(),
            rows: Vec::new(),
            rejected: Vec::new(),
            complete: false,
        }
    };
    Ok(ImportDraft {
        format: import::source_format(&source.headers).to_string(),
        encoding_label: source.encoding.label().to_string(),
        delimiter_label: source.delimiter.label().to_string(),
        setup,
        preview,
        column_samples: column_samples(source)?,
    })
}

/// The first rows again, with the user's mapping, themes and region.
#[tauri::command(async)]
#[specta::specta]
pub fn preview_import(
    state: State<'_, AppState>,
    setup: ImportSetup,
) -> Result<ImportDraft, AppError> {
    state.with_store(|s| preview_draft(s, setup))
}

/// [`preview_import`] on a store.
pub fn preview_draft(s: &Store, setup: ImportSetup) -> callblock_core::Result<ImportDraft> {
    let settings = settings::load(s.conn())?;
    let (source, opts) = source_and_options(&setup, &settings)?;
    if !opts.mapping.has_phone() {
        return Err(import::ImportError::NoPhoneColumn {
            path: source.path.clone(),
        }
        .into());
    }
    let setup = ImportSetup {
        columns: columns_of(&opts.mapping),
        ..setup
    };
    draft(s, &source, &opts, setup)
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
    in_background(app, setup, true, OnRejects::ImportValid, false).await
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
    in_background(app, setup, false, on_rejects, remember_region).await
}

async fn in_background(
    app: tauri::AppHandle,
    setup: ImportSetup,
    dry_run: bool,
    on_rejects: OnRejects,
    remember_region: bool,
) -> Result<ImportReport, AppError> {
    tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        run_blocking(&state, &setup, dry_run, on_rejects, remember_region, |p| {
            use tauri_specta::Event;
            let _ = p.emit(&app);
        })
    })
    .await
    .map_err(|e| AppError::new("internal", format!("the import stopped unexpectedly ({e})")))?
}

/// One run, on the calling thread: takes the gate, holds the store for the
/// transaction, reports progress through `emit`.
pub fn run_blocking(
    state: &AppState,
    setup: &ImportSetup,
    dry_run: bool,
    on_rejects: OnRejects,
    remember_region: bool,
    emit: impl Fn(ImportProgress),
) -> Result<ImportReport, AppError> {
    if state.block_running() {
        return Err(AppError::new(
            "conflict",
            "a block is running; import between blocks (list work is preparation time)",
        ));
    }
    let gate = &state.import;
    let Some((job, _guard)) = gate.enter() else {
        return Err(busy_error());
    };
    state.with_store_during_import(|s| {
        let settings = settings::load(s.conn())?;
        let (source, mut opts) = source_and_options(setup, &settings)?;
        opts.dry_run = dry_run;
        opts.on_rejects = on_rejects;
        let mut progress = |p: import::Progress| {
            emit(ImportProgress {
                job,
                dry_run,
                rows_read: p.rows_read,
                fraction: p.fraction,
            });
            !gate.cancel.load(Ordering::SeqCst)
        };
        let report = import::run(s, &source, &opts, &mut progress)?;
        if report.committed && remember_region && opts.region != settings.default_region {
            let mut changed = settings.clone();
            changed.default_region = opts.region.clone();
            changed.validate()?;
            s.write(|tx| settings::save(tx, &changed))?;
        }
        Ok(report)
    })
}

/// Ask the running import (or check) to stop; it rolls back and changes
/// nothing. Returns false when nothing was running.
#[tauri::command(async)]
#[specta::specta]
pub fn cancel_import(state: State<'_, AppState>) -> bool {
    if state.import.is_running() {
        state.import.cancel.store(true, Ordering::SeqCst);
        true
    } else {
        false
    }
}

// -- Themes ------------------------------------------------------------------

/// Create a theme by hand (empty; move prospects into it).
#[tauri::command(async)]
#[specta::specta]
pub fn create_theme(
    state: State<'_, AppState>,
    name: String,
    kind: ThemeKind,
) -> Result<Theme, AppError> {
    state.with_store(|s| s.write(|tx| lists::create_theme(tx, &name, kind, "")))
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
    state.with_store(|s| {
        Ok(themes::matching_prospects(s.conn(), theme_id.as_deref(), &filter)?.len() as u32)
    })
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

/// Prospects written to a CSV file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ProspectExport {
    pub path: String,
    pub prospects: u32,
}

/// Check where an export goes: a file name in a folder that exists; an
/// existing file only with `replace`.
pub fn check_export_path(path: &Path, replace: bool) -> callblock_core::Result<()> {
    callblock_core::paths::check_output_file(path, replace, "prospects.csv")
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
    let path: PathBuf = paths::expand_home(path.trim());
    state.with_store(|s| {
        check_export_path(&path, replace)?;
        let prospects = export::export_prospects(s.conn(), &path, &scope)?;
        Ok(ProspectExport {
            path: path.display().to_string(),
            prospects,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    fn sample(name: &str) -> String {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src-tauri/core/tests/fixtures/samples")
            .join(name)
            .display()
            .to_string()
    }

    fn state() -> (tempfile::TempDir, AppState) {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::open(dir.path().join("t.db"));
        (dir, state)
    }

    fn setup_of(state: &AppState, path: &str) -> ImportSetup {
        state
            .with_store(|s| {
                let settings = settings::load(s.conn())?;
                let source = import::read_file(path)?;
                let opts = ImportOptions::new(&source, &settings);
                Ok(ImportSetup {
                    path: path.to_string(),
                    columns: columns_of(&opts.mapping),
                    theme: ThemeChoice::Field(Field::Industry),
                    region: "us".into(),
                })
            })
            .unwrap()
    }

    fn prospects(state: &AppState) -> i64 {
        state
            .with_store(|s| {
                Ok(s.conn()
                    .query_row("SELECT count(*) FROM prospects", [], |r| r.get(0))?)
            })
            .unwrap()
    }

    #[test]
    fn a_corrected_mapping_is_kept_and_a_column_feeds_one_field() {
        let (_d, state) = state();
        let path = sample("salesforce-leads.csv");
        let mut setup = setup_of(&state, &path);
        let title_col = setup
            .columns
            .iter()
            .find(|c| c.field == Field::Title)
            .unwrap()
            .column;
        // "Lead Source" (column 10) as the title; then the industry column too.
        setup.columns.push(FieldColumn {
            field: Field::Title,
            column: 9,
        });
        let d = state
            .with_store(|s| preview_draft(s, setup.clone()))
            .unwrap();
        assert!(d.setup.columns.contains(&FieldColumn {
            field: Field::Title,
            column: 9
        }));
        assert!(!d.setup.columns.iter().any(|c| c.column == title_col));
        assert!(d.preview.unmapped.contains(&"Title".to_string()));
        assert_eq!(d.column_samples[9], "Trade Show");
        assert_eq!(
            d.column_samples[10], "7579 Beacon St Suite 510",
            "line breaks shown as spaces"
        );
        // The preview shows the corrected column.
        assert_eq!(d.preview.rows[0].title, "Trade Show");
        assert_eq!(d.preview.rows[1].title, "Web");
        // Unmapping every phone is refused with the reason.
        setup.columns.retain(|c| !c.field.is_phone());
        let e = state.with_store(|s| preview_draft(s, setup)).unwrap_err();
        assert_eq!(e.kind, "no_phone_column");
        assert_eq!(prospects(&state), 0);
    }

    #[test]
    fn a_check_writes_nothing_and_an_import_then_commits() {
        let (_d, state) = state();
        let setup = setup_of(&state, &sample("hubspot-contacts.csv"));
        let seen = Mutex::new(Vec::new());
        let check = run_blocking(&state, &setup, true, OnRejects::ImportValid, false, |p| {
            seen.lock().unwrap().push(p)
        })
        .unwrap();
        assert!(!check.committed && check.dry_run);
        assert_eq!((check.imported, check.rejected_count), (239, 1));
        assert_eq!(prospects(&state), 0);
        let last = seen.lock().unwrap().last().cloned().unwrap();
        assert!(last.dry_run && last.fraction == 1.0 && last.rows_read == 240);

        // Import nothing when a row is rejected: rolled back.
        let r = run_blocking(
            &state,
            &setup,
            false,
            OnRejects::ImportNothing,
            false,
            |_| {},
        )
        .unwrap();
        assert!(!r.committed);
        assert_eq!(prospects(&state), 0);

        let r = run_blocking(&state, &setup, false, OnRejects::ImportValid, true, |_| {}).unwrap();
        assert!(r.committed);
        assert_eq!(prospects(&state), 239);
        let themed: u32 = r.themes.values().sum();
        assert_eq!(themed, 239);
        // The region typed in lower case was kept as the setting, in upper case.
        let region = state
            .with_store(|s| Ok(settings::load(s.conn())?.default_region))
            .unwrap();
        assert_eq!(region, "US");
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
        let e = run_blocking(&state, &setup, false, OnRejects::ImportValid, false, |p| {
            if p.rows_read == 1000 {
                // Another command, while the import holds the store.
                let other = state
                    .with_store(|s| lists::theme_summaries(s.conn(), callblock_core::time::now()));
                *during.lock().unwrap() = Some(other.map(|_| ()));
                state.import.cancel.store(true, Ordering::SeqCst);
            }
        })
        .unwrap_err();
        assert_eq!(e.kind, "cancelled", "{e}");
        let other = during.lock().unwrap().take().unwrap().unwrap_err();
        assert_eq!(other.kind, "busy");
        assert!(other.message.contains("an import is running"), "{other}");
        assert!(!state.import.is_running());
        assert_eq!(prospects(&state), 0);
        let themes = state.with_store(|s| lists::themes(s.conn())).unwrap();
        assert!(themes.is_empty(), "{themes:?}");
    }

    #[test]
    fn an_unreadable_file_is_a_clear_error() {
        let (_d, state) = state();
        for (name, kind) in [
            ("not-a-csv.csv", "not_text"),
            ("headers-only.csv", "no_rows"),
        ] {
            let e = state
                .with_store(|s| open_draft(s, &sample(name)))
                .unwrap_err();
            assert_eq!(e.kind, kind, "{name}: {e}");
            assert!(e.message.contains(name), "{e}");
        }
        assert_eq!(prospects(&state), 0);
    }

    #[test]
    fn export_refuses_to_replace_a_file_unless_asked() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("x.csv");
        std::fs::write(&f, "old").unwrap();
        let e = check_export_path(&f, false).unwrap_err();
        assert_eq!(e.kind(), "conflict");
        check_export_path(&f, true).unwrap();
        let e = check_export_path(dir.path(), false).unwrap_err();
        assert!(e.to_string().contains("is a folder"), "{e}");
        let e = check_export_path(&dir.path().join("nope/x.csv"), false).unwrap_err();
        assert!(e.to_string().contains("does not exist"), "{e}");
    }
}
