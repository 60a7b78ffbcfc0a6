//! The Review view's commands: the dashboards of a selection, the funnel by a
//! grouping, the call log (paged by cursor) and a call's detail, every figure
//! as a CSV file, charts saved as images, the calls exported, and a team's
//! bundles exported and imported. Thin, like [`crate::commands`]: the figures
//! come from `callblock_core::reports`, the bundles from
//! `callblock_core::bundle`. The file helpers here are shared with the
//! command line (`callblock report`, `export`, `import-bundle`).
//!
//! Reports bring the rollups up to date before they read them, so every
//! command here works on the read-write store.

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;

use callblock_core::bundle::{self, BundleReport, ExportSummary};
use callblock_core::domain::{Outcome, Settings};
use callblock_core::reports::calllog::{self, CallDetail, CallLogPage, CallLogQuery};
use callblock_core::reports::export::{self, ExportFormat, Figures, Table};
use callblock_core::reports::{self, Dashboards, DurationBand, FunnelGroup, GroupBy, ReportFilter};
use callblock_core::{settings, Error, Store};

use crate::commands::AppState;
use crate::error::AppError;

/// Rates over fewer calls than this are shown greyed out: they say little.
pub const SMALL_SAMPLE: u32 = 30;

// -- Options for the filter bar -------------------------------------------------

#[derive(Debug, Clone, Serialize, Type)]
pub struct NamedOption {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct ObjectionOption {
    pub id: String,
    pub slug: String,
    pub label: String,
    /// Archived from the library (old calls may still have it).
    pub archived: bool,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct BandOption {
    /// `under-1`, `1-2`, `2-3`, `over-3` (what the command line takes).
    pub key: String,
    pub label: String,
    pub band: DurationBand,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct OutcomeOption {
    pub value: Outcome,
    pub label: String,
    pub connect: bool,
}

/// What the Review view's filter bar offers, and where its files go.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ReviewOptions {
    pub reps: Vec<NamedOption>,
    pub themes: Vec<NamedOption>,
    pub objections: Vec<ObjectionOption>,
    pub duration_bands: Vec<BandOption>,
    pub outcomes: Vec<OutcomeOption>,
    /// When the first and the last call started (`None` when there is none).
    pub first_call: Option<String>,
    pub last_call: Option<String>,
    /// The rep this copy of the app works as (the bundle export's default).
    pub current_rep_id: Option<String>,
    /// Where exports go by default: `~/Documents` (or the home folder).
    pub export_dir: String,
    /// Rates over fewer calls than this are greyed out.
    pub small_sample: u32,
    /// The outer limit of a call, in seconds (3:00 by default).
    pub limit_seconds: u32,
}

pub fn options(conn: &Connection) -> callblock_core::Result<ReviewOptions> {
    let settings = settings::load(conn)?;
    let reps = callblock_core::reps::reps(conn)?
        .into_iter()
        .map(|r| NamedOption {
            id: r.id,
            name: r.name,
        })
        .collect();
    // Archived themes too: their calls are still in the log.
    let mut stmt =
        conn.prepare("SELECT id, name FROM themes ORDER BY archived_at IS NOT NULL, name")?;
    let themes = stmt
        .query_map([], |r| {
            Ok(NamedOption {
                id: r.get(0)?,
                name: r.get(1)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare(
        "SELECT id, slug, label, archived_at IS NOT NULL FROM objections
         ORDER BY archived_at IS NOT NULL, position, label",
    )?;
    let objections = stmt
        .query_map([], |r| {
            Ok(ObjectionOption {
                id: r.get(0)?,
                slug: r.get(1)?,
                label: r.get(2)?,
                archived: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let (first_call, last_call) = conn.query_row(
        "SELECT (SELECT min(started_at) FROM calls), (SELECT max(started_at) FROM calls)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(ReviewOptions {
        reps,
        themes,
        objections,
        duration_bands: DurationBand::presets()
            .into_iter()
            .map(|(key, band)| BandOption {
                key: key.to_string(),
                label: band.label(),
                band,
            })
            .collect(),
        outcomes: Outcome::ALL
            .iter()
            .map(|o| OutcomeOption {
                value: *o,
                label: o.label().to_string(),
                connect: o.is_connect(),
            })
            .collect(),
        first_call,
        last_call,
        current_rep_id: callblock_core::reps::current_rep(conn)?.map(|r| r.id),
        export_dir: export_dir().display().to_string(),
        small_sample: SMALL_SAMPLE,
        limit_seconds: settings.phase_limit,
    })
}

// -- Files ---------------------------------------------------------------------

/// `~/Documents`, or the home folder when there is no Documents folder.
pub fn export_dir() -> PathBuf {
    callblock_core::paths::documents_dir()
}

/// The path typed in a field: `~` is the home folder; it must be absolute.
pub fn typed_path(text: &str, example: &str) -> callblock_core::Result<PathBuf> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Error::invalid(
            "file",
            format!("enter the path of the file, such as ~/Documents/{example}"),
        ));
    }
    let home = || std::env::var_os("HOME").map(PathBuf::from);
    let path = if t == "~" {
        home().unwrap_or_default()
    } else if let Some(rest) = t.strip_prefix("~/") {
        match home() {
            Some(h) => h.join(rest),
            None => PathBuf::from(t),
        }
    } else {
        PathBuf::from(t)
    };
    if !path.is_absolute() {
        return Err(Error::invalid(
            "file",
            format!(
                "{t:?} is not a full path; start it with / or ~/ (for example ~/Documents/{example})"
            ),
        ));
    }
    Ok(path)
}

/// Check that `path` can be written: not a folder, its folder exists, and it
/// is not there already unless `replace`.
pub fn check_target(path: &Path, replace: bool) -> callblock_core::Result<()> {
    callblock_core::paths::check_output_file(path, replace, "figures.csv")
}

/// Write a file beside `path` and rename it into place, so that a failure
/// never leaves a half-written file under the name. `write` returns what the
/// caller wants back (a count).
pub fn write_file<T>(
    path: &Path,
    replace: bool,
    write: impl FnOnce(&mut dyn Write) -> callblock_core::Result<T>,
) -> callblock_core::Result<T> {
    check_target(path, replace)?;
    let io = |e: std::io::Error| Error::Io {
        path: path.to_owned(),
        source: e,
    };
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".partial");
    let tmp = PathBuf::from(tmp);
    let file = std::fs::File::create(&tmp).map_err(io)?;
    let mut w = std::io::BufWriter::new(file);
    let out = match write(&mut w) {
        Ok(v) => v,
        Err(e) => {
            drop(w);
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    let finish = w
        .into_inner()
        .map_err(|e| io(e.into_error()))
        .and_then(|f| f.sync_all().map_err(io))
        .and_then(|()| std::fs::rename(&tmp, path).map_err(io));
    if let Err(e) = finish {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(out)
}

/// A file written by an export.
#[derive(Debug, Clone, Serialize, Type)]
pub struct SavedFile {
    pub path: String,
    /// Rows (or calls) written; 0 for an image.
    pub rows: u32,
}

// -- Figures -------------------------------------------------------------------

/// Every figure table of the dashboards, by name (`funnel`, `funnel_by_rep`,
/// `blocks_by_week`, `connects_by_hour`, `length_distribution`,
/// `objections`, `talk_tracks`, ...); `funnel_by_<grouping>` for any
/// grouping.
pub fn figure_table(
    conn: &Connection,
    filter: &ReportFilter,
    name: &str,
    settings: &Settings,
) -> callblock_core::Result<Table> {
    let name = name.trim();
    if let Some(by) = name.strip_prefix("funnel_by_") {
        if let Ok(by) = GroupBy::parse(by) {
            if !matches!(
                by,
                GroupBy::Rep | GroupBy::Theme | GroupBy::Week | GroupBy::Day
            ) {
                let report = reports::report(conn, filter, Some(by), settings)?;
                if let Some(t) = report.tables().into_iter().next() {
                    return Ok(t);
                }
            }
        }
    }
    let d = reports::dashboards(conn, filter, settings)?;
    let mut all = d.summary.tables();
    all.extend(d.blocks.tables());
    all.extend(d.timing.tables());
    all.extend(d.length.tables());
    all.extend(d.playbook.tables());
    let names: Vec<String> = all.iter().map(|t| t.name.clone()).collect();
    all.into_iter().find(|t| t.name == name).ok_or_else(|| {
        Error::invalid(
            "figure",
            format!(
                "no figure named {name:?}; the figures are: {}",
                names.join(", ")
            ),
        )
    })
}

/// Write one figure's table as CSV to `path`.
pub fn export_table_to(
    conn: &Connection,
    filter: &ReportFilter,
    name: &str,
    path: &Path,
    replace: bool,
) -> callblock_core::Result<SavedFile> {
    let settings = settings::load(conn)?;
    let table = figure_table(conn, filter, name, &settings)?;
    let rows = table.rows.len() as u32;
    write_file(path, replace, |w| export::write_csv(&table, w))?;
    Ok(SavedFile {
        path: path.display().to_string(),
        rows,
    })
}

/// Write the calls of `filter` (newest first) as CSV or JSON to `path`.
pub fn export_calls_to(
    conn: &Connection,
    filter: &ReportFilter,
    format: ExportFormat,
    path: &Path,
    replace: bool,
) -> callblock_core::Result<SavedFile> {
    let rows = write_file(path, replace, |w| {
        export::export_calls(conn, filter, format, w)
    })?;
    Ok(SavedFile {
        path: path.display().to_string(),
        rows,
    })
}

/// What a chart is saved as.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChartImage {
    /// A PNG image, base64-encoded (from a canvas).
    Png { base64: String },
    /// An SVG document.
    Svg { text: String },
}

pub fn save_image_to(
    path: &Path,
    image: &ChartImage,
    replace: bool,
) -> callblock_core::Result<SavedFile> {
    let bytes = match image {
        ChartImage::Png { base64 } => {
            let b64 = base64.trim();
            let b64 = b64.strip_prefix("data:image/png;base64,").unwrap_or(b64);
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|e| {
                    Error::invalid("image", format!("the PNG data is not base64 ({e})"))
                })?;
            if !bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
                return Err(Error::invalid("image", "the data is not a PNG image"));
            }
            bytes
        }
        ChartImage::Svg { text } => {
            if !text.trim_start().starts_with("<svg") && !text.trim_start().starts_with("<?xml") {
                return Err(Error::invalid("image", "the text is not an SVG document"));
            }
            text.as_bytes().to_vec()
        }
    };
    let io = |e: std::io::Error| Error::Io {
        path: path.to_owned(),
        source: e,
    };
    write_file(path, replace, |w| w.write_all(&bytes).map_err(io))?;
    Ok(SavedFile {
        path: path.display().to_string(),
        rows: 0,
    })
}

// -- Bundles ---------------------------------------------------------------------

/// The rep a bundle is exported for: `rep` (a name or id), else the current
/// rep; an error that lists the reps when neither is there.
pub fn bundle_rep(conn: &Connection, rep: Option<&str>) -> callblock_core::Result<String> {
    match rep.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => crate::cli::resolve_rep(conn, r),
        None => match callblock_core::reps::current_rep(conn)? {
            Some(r) => Ok(r.id),
            None => Err(Error::invalid(
                "--rep",
                "there is no rep in this database yet, so there are no calls to export",
            )),
        },
    }
}

/// A bundle file name: `callblock-alex-2026-11-01-to-2026-11-30.cbbundle`.
pub fn bundle_file_name(rep_name: &str, from: Option<&str>, to: Option<&str>) -> String {
    let slug: String = rep_name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let period = match (from, to) {
        (None, None) => "all".to_string(),
        (f, t) => format!("{}-to-{}", f.unwrap_or("start"), t.unwrap_or("now")),
    };
    format!(
        "callblock-{}-{period}.{}",
        if slug.is_empty() { "rep" } else { &slug },
        bundle::EXTENSION
    )
}

/// Export `rep_id`'s calls and blocks of the period (dates `YYYY-MM-DD`, both
/// included, or RFC 3339 instants) to a bundle at `path`.
pub fn export_bundle_to(
    conn: &Connection,
    rep_id: &str,
    from: Option<&str>,
    to: Option<&str>,
    path: &Path,
    replace: bool,
) -> callblock_core::Result<ExportSummary> {
    let (from, to) = reports::parse_period(from, to)?;
    check_target(path, replace)?;
    bundle::export_file(conn, rep_id, from, to, path)
}

/// Import bundle files, all or nothing: every file is read and checked
/// first; when one is refused (damaged, from a newer version, not a bundle)
/// none is imported and the error names each refused file. Then each is
/// imported in its own transaction (importing one twice changes nothing).
pub fn import_bundle_files(
    store: &mut Store,
    paths: &[PathBuf],
) -> callblock_core::Result<Vec<BundleReport>> {
    if paths.is_empty() {
        return Err(Error::invalid(
            "bundles",
            "give at least one bundle file (.cbbundle) to import",
        ));
    }
    let mut refused = Vec::new();
    for path in paths {
        let name = path.display().to_string();
        let checked = std::fs::File::open(path)
            .map_err(|e| Error::Io {
                path: path.clone(),
                source: e,
            })
            .and_then(|f| bundle::read(std::io::BufReader::new(f), &name));
        if let Err(e) = checked {
            refused.push(e);
        }
    }
    if !refused.is_empty() {
        if paths.len() == 1 {
            return Err(refused.remove(0));
        }
        let messages: Vec<String> = refused.iter().map(|e| e.to_string()).collect();
        // One line (the command line prints it so); the view breaks it at " | ".
        return Err(Error::Conflict(format!(
            "{} of {} bundles {} refused, so none was imported: {}",
            refused.len(),
            paths.len(),
            if refused.len() == 1 { "was" } else { "were" },
            messages.join(" | ")
        )));
    }
    let mut out = Vec::new();
    for path in paths {
        out.push(bundle::import_file(store, path)?);
    }
    Ok(out)
}

// -- Commands ------------------------------------------------------------------

#[tauri::command(async)]
#[specta::specta]
pub fn review_options(state: State<'_, AppState>) -> Result<ReviewOptions, AppError> {
    state.with_store(|s| options(s.conn()))
}

/// Every dashboard of the Review view for one selection.
#[tauri::command(async)]
#[specta::specta]
pub fn review_dashboards(
    state: State<'_, AppState>,
    filter: ReportFilter,
) -> Result<Dashboards, AppError> {
    state.with_store(|s| {
        let settings = settings::load(s.conn())?;
        reports::dashboards(s.conn(), &filter, &settings)
    })
}

/// The funnel of a selection grouped by rep, theme, day, week, hour, weekday or outcome.
#[tauri::command(async)]
#[specta::specta]
pub fn review_funnel_by(
    state: State<'_, AppState>,
    filter: ReportFilter,
    by: GroupBy,
) -> Result<Vec<FunnelGroup>, AppError> {
    state.with_store(|s| {
        let settings = settings::load(s.conn())?;
        reports::funnel_by(s.conn(), &filter, by, &settings)
    })
}

/// A page of the call log (newest first), after a cursor or at an offset.
#[tauri::command(async)]
#[specta::specta]
pub fn review_call_log(
    state: State<'_, AppState>,
    query: CallLogQuery,
) -> Result<CallLogPage, AppError> {
    state.with_store(|s| {
        let settings = settings::load(s.conn())?;
        calllog::call_log(s.conn(), &query, &settings)
    })
}

/// One call's detail: its timeline, objections, outcome and notes.
#[tauri::command(async)]
#[specta::specta]
pub fn review_call_detail(
    state: State<'_, AppState>,
    call_id: String,
) -> Result<CallDetail, AppError> {
    state.with_store(|s| {
        let settings = settings::load(s.conn())?;
        calllog::call_detail(s.conn(), &call_id, &settings)
    })
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
    state.with_store(|s| export_table_to(s.conn(), &filter, &table, &path, replace))
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
    state.with_store(|s| export_calls_to(s.conn(), &filter, format, &path, replace))
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
    Ok(save_image_to(&path, &image, replace)?)
}

/// What a bundle export wrote. (The core's `bundle::ExportSummary` shares its
/// name with the playbook's, so the UI gets this type instead.)
#[derive(Debug, Clone, Serialize, Type)]
pub struct BundleExported {
    pub path: String,
    pub rep_name: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub counts: bundle::BundleCounts,
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
    let nonempty = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let (from, to) = (nonempty(&from), nonempty(&to));
    state.with_store(|s| {
        let rep = bundle_rep(s.conn(), rep_id.as_deref())?;
        let summary = export_bundle_to(
            s.conn(),
            &rep,
            from.as_deref(),
            to.as_deref(),
            &path,
            replace,
        )?;
        Ok(BundleExported {
            path: path.display().to_string(),
            rep_name: summary.rep_name,
            from: summary.from,
            to: summary.to,
            counts: summary.counts,
        })
    })
}

/// Import bundle files (all checked first; one refused: none imported).
#[tauri::command(async)]
#[specta::specta]
pub fn import_bundles(
    state: State<'_, AppState>,
    paths: Vec<String>,
) -> Result<Vec<BundleReport>, AppError> {
    let paths: Vec<PathBuf> = paths
        .iter()
        .filter(|p| !p.trim().is_empty())
        .map(|p| typed_path(p, &format!("callblock-rep.{}", bundle::EXTENSION)))
        .collect::<callblock_core::Result<_>>()?;
    state.with_store(|s| import_bundle_files(s, &paths))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path().join("a.db")).unwrap();
        callblock_core::demo::fill(&mut store, 7, chrono::Utc::now()).unwrap();
        (dir, store)
    }

    #[test]
    fn options_list_what_the_filters_offer() {
        let (_d, store) = demo();
        let o = options(store.conn()).unwrap();
        assert!(!o.reps.is_empty());
        assert!(!o.themes.is_empty());
        assert!(o.objections.iter().any(|x| x.slug == "no_budget"));
        assert_eq!(o.duration_bands.len(), 4);
        assert_eq!(o.outcomes.len(), Outcome::ALL.len());
        assert!(o.first_call.is_some() && o.last_call.is_some());
        assert_eq!(o.small_sample, 30);
    }

    #[test]
    fn every_dashboard_figure_exports_as_csv() {
        let (d, store) = demo();
        let settings = settings::load(store.conn()).unwrap();
        let filter = ReportFilter::default();
        for name in [
            "funnel",
            "funnel_by_rep",
            "funnel_by_theme",
            "funnel_by_week",
            "funnel_by_day",
            "funnel_by_hour",
            "funnel_by_outcome",
            "blocks_by_rep",
            "blocks_by_week",
            "dials_per_hour",
            "connects_by_hour",
            "connects_by_weekday",
            "connects_by_weekday_hour",
            "length_distribution",
            "length_summary",
            "objections",
            "responses",
            "talk_tracks",
        ] {
            let t = figure_table(store.conn(), &filter, name, &settings).unwrap();
            assert_eq!(t.name, name);
            let path = d.path().join(format!("{name}.csv"));
            let saved = export_table_to(store.conn(), &filter, name, &path, false).unwrap();
            let text = std::fs::read_to_string(&path).unwrap();
            assert_eq!(text.lines().count(), saved.rows as usize + 1, "{name}");
        }
        let e = figure_table(store.conn(), &filter, "nope", &settings).unwrap_err();
        assert!(e.to_string().contains("funnel_by_rep"), "{e}");
    }

    #[test]
    fn files_are_not_replaced_unless_asked_and_folders_must_exist() {
        let (d, store) = demo();
        let path = d.path().join("calls.csv");
        let f = ReportFilter::default();
        let n = export_calls_to(store.conn(), &f, ExportFormat::Csv, &path, false).unwrap();
        assert!(n.rows > 0);
        let e = export_calls_to(store.conn(), &f, ExportFormat::Csv, &path, false).unwrap_err();
        assert_eq!(e.kind(), "conflict");
        export_calls_to(store.conn(), &f, ExportFormat::Json, &path, true).unwrap();
        assert!(std::fs::read_to_string(&path).unwrap().starts_with('['));
        let e = export_calls_to(
            store.conn(),
            &f,
            ExportFormat::Csv,
            &d.path().join("missing/calls.csv"),
            false,
        )
        .unwrap_err();
        assert!(e.to_string().contains("does not exist"), "{e}");
        assert!(!d.path().join("calls.csv.partial").exists());
    }

    #[test]
    fn typed_paths_expand_home_and_must_be_absolute() {
        let e = typed_path("  ", "x.csv").unwrap_err();
        assert!(e.to_string().contains("~/Documents/x.csv"));
        let e = typed_path("relative.csv", "x.csv").unwrap_err();
        assert!(e.to_string().contains("not a full path"));
        assert!(typed_path("/tmp/x.csv", "x.csv").unwrap().is_absolute());
    }

    #[test]
    fn images_are_checked_before_they_are_written() {
        let d = tempfile::tempdir().unwrap();
        let png = d.path().join("chart.png");
        // A 1x1 PNG.
        let one = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
        save_image_to(
            &png,
            &ChartImage::Png {
                base64: format!("data:image/png;base64,{one}"),
            },
            false,
        )
        .unwrap();
        assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"));
        let e = save_image_to(
            &d.path().join("bad.png"),
            &ChartImage::Png {
                base64: "aGVsbG8=".into(),
            },
            false,
        )
        .unwrap_err();
        assert!(e.to_string().contains("not a PNG"));
        let svg = d.path().join("chart.svg");
        save_image_to(
            &svg,
            &ChartImage::Svg {
                text: "<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>".into(),
            },
            false,
        )
        .unwrap();
        assert!(svg.exists());
    }

    #[test]
    fn bundles_round_trip_and_a_refused_one_stops_all() {
        let (d, store) = demo();
        let rep = bundle_rep(store.conn(), None).unwrap();
        let path = d.path().join("a.cbbundle");
        let s = export_bundle_to(store.conn(), &rep, None, None, &path, false).unwrap();
        assert!(s.counts.calls > 0);
        let mut b = Store::open(d.path().join("b.db")).unwrap();
        let bad = d.path().join("bad.cbbundle");
        std::fs::write(&bad, b"\x1f\x8b\x08\x00garbage").unwrap();
        let e = import_bundle_files(&mut b, &[path.clone(), bad.clone()]).unwrap_err();
        assert!(e.to_string().contains("1 of 2 bundles was refused"), "{e}");
        assert!(e.to_string().contains("bad.cbbundle"), "{e}");
        let calls = |s: &Store| -> i64 {
            s.conn()
                .query_row("SELECT count(*) FROM calls", [], |r| r.get(0))
                .unwrap()
        };
        assert_eq!(calls(&b), 0);
        let r = import_bundle_files(&mut b, std::slice::from_ref(&path)).unwrap();
        assert_eq!(r[0].calls.added, s.counts.calls);
        let again = import_bundle_files(&mut b, &[path]).unwrap();
        assert!(again[0].unchanged);
        assert_eq!(calls(&b), i64::from(s.counts.calls));
        assert_eq!(
            bundle_file_name("Alex O'Neil", Some("2026-11-01"), None),
            "callblock-alex-o-neil-2026-11-01-to-now.cbbundle"
        );
    }
}
