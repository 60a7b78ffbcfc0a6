//! The Review view's commands: the dashboards of a selection, the funnel by
//! a grouping, the meeting rate by objections heard, the call log and a
//! call's detail, figures and calls saved as
//! files, charts saved as images, and a team's bundles. Each is a shim over
//! `callblock_core::api::review` or `api::team`.

use tauri::State;

use callblock_core::api::review::{self, ChartImage, ReviewOptions, SavedFile};
use callblock_core::api::team::{self, BundleExported};
use callblock_core::bundle::{self, BundleReport};
use callblock_core::coaching::Coaching;
use callblock_core::files::typed_path;
use callblock_core::reports::calllog::{CallDetail, CallLogPage, CallLogQuery};
use callblock_core::reports::export::ExportFormat;
use callblock_core::reports::{ByObjections, Dashboards, FunnelGroup, GroupBy, ReportFilter};

use crate::error::AppError;
use crate::state::AppState;

#[tauri::command(async)]
#[specta::specta]
pub fn review_options(state: State<'_, AppState>) -> Result<ReviewOptions, AppError> {
    state.with_store(|s| review::options(s.conn()))
}

/// Every dashboard of the Review view for one selection.
#[tauri::command(async)]
#[specta::specta]
pub fn review_dashboards(
    state: State<'_, AppState>,
    filter: ReportFilter,
) -> Result<Dashboards, AppError> {
    state.with_store(|s| review::dashboards(s.conn(), &filter))
}

/// The funnel of a selection grouped by rep, theme, day, week, hour, weekday or outcome.
#[tauri::command(async)]
#[specta::specta]
pub fn review_funnel_by(
    state: State<'_, AppState>,
    filter: ReportFilter,
    by: GroupBy,
) -> Result<Vec<FunnelGroup>, AppError> {
    state.with_store(|s| review::funnel_by(s.conn(), &filter, by))
}

/// Meeting rate by objections heard (0, 1, 2, 3, 4+) on the selection's
/// conversations, overall, per theme and per talk-track version.
#[tauri::command(async)]
#[specta::specta]
pub fn review_by_objections(
    state: State<'_, AppState>,
    filter: ReportFilter,
) -> Result<ByObjections, AppError> {
    state.with_store(|s| review::by_objections(s.conn(), &filter))
}

/// A page of the call log (newest first), after a cursor or at an offset.
#[tauri::command(async)]
#[specta::specta]
pub fn review_call_log(
    state: State<'_, AppState>,
    query: CallLogQuery,
) -> Result<CallLogPage, AppError> {
    state.with_store(|s| review::call_log(s.conn(), &query))
}

/// One call's detail: its timeline, objections, outcome and notes.
#[tauri::command(async)]
#[specta::specta]
pub fn review_call_detail(
    state: State<'_, AppState>,
    call_id: String,
) -> Result<CallDetail, AppError> {
    state.with_store(|s| review::call_detail(s.conn(), &call_id))
}

/// Comment on a call (a manager's coaching); the call's coaching after.
#[tauri::command(async)]
#[specta::specta]
pub fn comment_on_call(
    state: State<'_, AppState>,
    call_id: String,
    body: String,
) -> Result<Coaching, AppError> {
    state.with_store(|s| review::comment_on_call(s, &call_id, &body))
}

/// Remove a comment written here; the call's coaching after.
#[tauri::command(async)]
#[specta::specta]
pub fn remove_call_comment(
    state: State<'_, AppState>,
    comment_id: String,
) -> Result<Coaching, AppError> {
    state.with_store(|s| review::remove_call_comment(s, &comment_id))
}

/// Flag a call for coaching, or take the flag off.
#[tauri::command(async)]
#[specta::specta]
pub fn flag_call(
    state: State<'_, AppState>,
    call_id: String,
    flagged: bool,
) -> Result<Coaching, AppError> {
    state.with_store(|s| review::flag_call(s, &call_id, flagged))
}

/// Write one figure (`table`, such as `funnel_by_rep`) of the selection as CSV.
#[tauri::command(async)]
#[specta::specta]
pub fn export_review_table(
    state: State<'_, AppState>,
    filter: ReportFilter,
    table: String,
    path: String,
    replace: bool,
) -> Result<SavedFile, AppError> {
    let path = typed_path(&path, &format!("callblock-{table}.csv"))?;
    state.with_store(|s| review::export_table_to(s.conn(), &filter, &table, &path, replace))
}

/// Write the calls of the selection as CSV or JSON.
#[tauri::command(async)]
#[specta::specta]
pub fn export_review_calls(
    state: State<'_, AppState>,
    filter: ReportFilter,
    format: ExportFormat,
    path: String,
    replace: bool,
) -> Result<SavedFile, AppError> {
    let path = typed_path(&path, &format!("callblock-calls.{}", format.extension()))?;
    state.with_store(|s| review::export_calls_to(s.conn(), &filter, format, &path, replace))
}

/// Save a chart drawn by the view as a PNG or SVG file.
#[tauri::command(async)]
#[specta::specta]
pub fn save_chart_image(
    path: String,
    image: ChartImage,
    replace: bool,
) -> Result<SavedFile, AppError> {
    let path = typed_path(&path, "callblock-chart.png")?;
    Ok(review::save_image_to(&path, &image, replace)?)
}

/// Export a rep's calls and blocks of a period (dates `YYYY-MM-DD`, both
/// included; empty: open) as a bundle a manager can import.
#[tauri::command(async)]
#[specta::specta]
pub fn export_rep_bundle(
    state: State<'_, AppState>,
    rep_id: Option<String>,
    from: Option<String>,
    to: Option<String>,
    path: String,
    replace: bool,
) -> Result<BundleExported, AppError> {
    let path = typed_path(&path, &format!("callblock-rep.{}", bundle::EXTENSION))?;
    state.with_store(|s| {
        team::export_rep_bundle(
            s.conn(),
            rep_id.as_deref(),
            from.as_deref(),
            to.as_deref(),
            &path,
            replace,
        )
    })
}

/// Import bundle files (all checked first; one refused: none imported).
#[tauri::command(async)]
#[specta::specta]
pub fn import_bundles(
    state: State<'_, AppState>,
    paths: Vec<String>,
) -> Result<Vec<BundleReport>, AppError> {
    let paths = team::typed_bundle_paths(&paths)?;
    state.with_store(|s| team::import_bundle_files(s, &paths))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the Review view's commands do with a search of `*` or `"`: the
    /// store's state runs the core, whose typed refusal reaches the window
    /// as `{ kind, message }` (the view shows it under the search box).
    #[test]
    fn a_search_with_no_word_reaches_the_window_as_the_cores_refusal() {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::open(dir.path().join("t.db"));
        for typed in ["*", "\""] {
            let filter = ReportFilter {
                text: Some(typed.into()),
                ..ReportFilter::default()
            };
            let query = CallLogQuery {
                filter: filter.clone(),
                after: None,
                before: None,
                offset: 0,
                limit: 50,
            };
            let errors = [
                state
                    .with_store(|s| review::dashboards(s.conn(), &filter))
                    .map(|_| ())
                    .unwrap_err(),
                state
                    .with_store(|s| review::funnel_by(s.conn(), &filter, GroupBy::Rep))
                    .map(|_| ())
                    .unwrap_err(),
                state
                    .with_store(|s| review::call_log(s.conn(), &query))
                    .map(|_| ())
                    .unwrap_err(),
            ];
            for e in errors {
                let sent = serde_json::to_value(&e).unwrap();
                assert_eq!(sent["kind"], "no_search_words", "{sent}");
                assert_eq!(
                    sent["message"],
                    format!(
                        "Search the notes: {typed:?} has no word to look for; give words, \"a phrase\" or word* for a prefix"
                    ),
                );
            }
        }
    }
}
