//! Review: what the window's Review view and `callblock report|export calls`
//! ask for. The filter bar's options, the dashboards of a selection, the
//! funnel by a grouping, the call log and a call's detail, every figure as a
//! CSV file, charts saved as images, and the calls exported. The figures come
//! from [`crate::reports`] with the settings of the database.
//!
//! Reports bring the rollups up to date before they read them (on a
//! read-only store, where they cannot, they read the calls directly).
//!
//! A search of the notes with no word in it (`*`, `"`) would select every
//! call; it is refused with [`Error::NoSearchWords`], for the window's
//! selections ([`ReportFilter`]) as for the command line's ([`TypedFilter`]).

use std::path::Path;

use base64::Engine;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::coaching::{self, Coaching};
use crate::domain::{Outcome, Settings};
use crate::error::{Error, Result};
use crate::reports::calllog::{self, CallDetail, CallLogPage, CallLogQuery};
use crate::reports::export::{self, ExportFormat, Figures, Table};
use crate::reports::{
    self, ByObjections, Dashboards, DurationBand, FunnelGroup, FunnelReport, GroupBy, ReportBy,
    ReportFilter,
};
use crate::store::Store;
use crate::{files, settings, time};

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
    /// Talk-track versions, by track, newest first ("Texas track v2").
    pub talk_track_versions: Vec<NamedOption>,
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

/// The (id, name) rows of `sql` as options.
fn named_options(conn: &Connection, sql: &str) -> Result<Vec<NamedOption>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], |r| {
        Ok(NamedOption {
            id: r.get(0)?,
            name: r.get(1)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What the filter bar offers: reps, themes (archived ones too: their calls
/// are still in the log), objections, duration bands, outcomes, the period
/// the calls cover.
pub fn options(conn: &Connection) -> Result<ReviewOptions> {
    let settings = settings::load(conn)?;
    let reps = crate::reps::reps(conn)?
        .into_iter()
        .map(|r| NamedOption {
            id: r.id,
            name: r.name,
        })
        .collect();
    let themes = named_options(
        conn,
        "SELECT id, name FROM themes ORDER BY archived_at IS NOT NULL, name",
    )?;
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
    let talk_track_versions = named_options(
        conn,
        &format!(
            "SELECT v.id, {} FROM talk_track_versions v
             JOIN talk_tracks t ON t.id = v.talk_track_id ORDER BY t.name, v.version DESC",
            reports::TRACK_VERSION_LABEL
        ),
    )?;
    let (first_call, last_call) = conn.query_row(
        "SELECT (SELECT min(started_at) FROM calls), (SELECT max(started_at) FROM calls)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(ReviewOptions {
        reps,
        themes,
        talk_track_versions,
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
                label: settings.outcome_label(*o).to_string(),
                connect: o.is_connect(),
            })
            .collect(),
        first_call,
        last_call,
        current_rep_id: crate::reps::current_rep(conn)?.map(|r| r.id),
        export_dir: files::documents_dir().display().to_string(),
        small_sample: SMALL_SAMPLE,
        limit_seconds: settings.phase_limit,
    })
}

// -- Figures ---------------------------------------------------------------------

/// How the window names its search box, in the refusal of a search with no word.
pub const SEARCH_BOX: &str = "Search the notes";

/// A selection from the window, held to the command line's rule: a search
/// must have a word to look for.
fn check_selection(filter: &ReportFilter) -> Result<()> {
    match filter.text.as_deref() {
        Some(text) if !text.trim().is_empty() => check_search(SEARCH_BOX, text),
        _ => Ok(()),
    }
}

/// Every dashboard of the Review view for one selection.
pub fn dashboards(conn: &Connection, filter: &ReportFilter) -> Result<Dashboards> {
    check_selection(filter)?;
    reports::dashboards(conn, filter, &settings::load(conn)?)
}

/// The funnel of a selection grouped by rep, theme, day, week, hour, weekday
/// or outcome.
pub fn funnel_by(
    conn: &Connection,
    filter: &ReportFilter,
    by: GroupBy,
) -> Result<Vec<FunnelGroup>> {
    check_selection(filter)?;
    reports::funnel_by(conn, filter, by, &settings::load(conn)?)
}

/// Meeting rate by the number of objections heard on the selection's
/// conversations, overall, per theme and per talk-track version.
pub fn by_objections(conn: &Connection, filter: &ReportFilter) -> Result<ByObjections> {
    check_selection(filter)?;
    reports::by_objections(conn, filter, &settings::load(conn)?)
}

/// A page of the call log (newest first), after a cursor or at an offset.
pub fn call_log(conn: &Connection, query: &CallLogQuery) -> Result<CallLogPage> {
    check_selection(&query.filter)?;
    calllog::call_log(conn, query, &settings::load(conn)?)
}

/// One call's detail: its timeline, objections, outcome and notes.
pub fn call_detail(conn: &Connection, call_id: &str) -> Result<CallDetail> {
    calllog::call_detail(conn, call_id, &settings::load(conn)?)
}

/// Comment on a completed call (one transaction); its coaching after.
pub fn comment_on_call(store: &mut Store, call_id: &str, body: &str) -> Result<Coaching> {
    store.write(|tx| {
        coaching::add_comment(tx, call_id, body, time::now())?;
        coaching::of_call(tx, call_id)
    })
}

/// Remove a comment written here; the call's coaching after.
pub fn remove_call_comment(store: &mut Store, comment_id: &str) -> Result<Coaching> {
    store.write(|tx| {
        let call_id: String = tx
            .query_row(
                "SELECT call_id FROM call_comments WHERE id = ?1",
                [comment_id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| Error::NotFound {
                what: "comment",
                id: comment_id.to_string(),
            })?;
        coaching::remove_comment(tx, comment_id, time::now())?;
        coaching::of_call(tx, &call_id)
    })
}

/// Flag a call for coaching, or take the flag off; its coaching after.
pub fn flag_call(store: &mut Store, call_id: &str, flagged: bool) -> Result<Coaching> {
    store.write(|tx| coaching::set_flag(tx, call_id, flagged, time::now()))
}

/// The table of the meeting rate by objections heard (not a dashboard: the
/// Playbook tab asks for it on its own).
pub const BY_OBJECTIONS_TABLE: &str = reports::by_objections::TABLE;

/// Every figure table of the dashboards, by name (`funnel`, `funnel_by_rep`,
/// `blocks_by_week`, `connects_by_hour`, `length_distribution`,
/// `objections`, `talk_tracks`, ...); `funnel_by_<grouping>` for any
/// grouping.
pub fn figure_table(
    conn: &Connection,
    filter: &ReportFilter,
    name: &str,
    settings: &Settings,
) -> Result<Table> {
    check_selection(filter)?;
    let name = name.trim();
    if let Some(by) = name.strip_prefix("funnel_by_") {
        if let Ok(by) = GroupBy::parse(by) {
            if !matches!(
                by,
                GroupBy::Rep | GroupBy::Theme | GroupBy::Week | GroupBy::Day
            ) {
                let report = reports::report(conn, filter, Some(ReportBy::Funnel(by)), settings)?;
                if let Some(t) = report.tables().into_iter().next() {
                    return Ok(t);
                }
            }
        }
    }
    if name == BY_OBJECTIONS_TABLE {
        return Ok(reports::by_objections(conn, filter, settings)?.table());
    }
    let d = reports::dashboards(conn, filter, settings)?;
    let mut all = d.summary.tables();
    all.extend(d.blocks.tables());
    all.extend(d.timing.tables());
    all.extend(d.length.tables());
    all.extend(d.playbook.tables());
    let names: Vec<String> = all
        .iter()
        .map(|t| t.name.clone())
        .chain([BY_OBJECTIONS_TABLE.to_string()])
        .collect();
    all.into_iter().find(|t| t.name == name).ok_or_else(|| {
        Error::invalid(
            "figure",
            format!(
                "no figure named {}; the figures are: {}",
                crate::quote::quoted(name),
                names.join(", ")
            ),
        )
    })
}

// -- Files -------------------------------------------------------------------------

/// A file written by an export.
#[derive(Debug, Clone, Serialize, Type)]
pub struct SavedFile {
    pub path: String,
    /// Rows (or calls) written; 0 for an image.
    pub rows: u32,
}

/// Write one figure's table as CSV to `path` (an existing file only with
/// `replace`).
pub fn export_table_to(
    conn: &Connection,
    filter: &ReportFilter,
    name: &str,
    path: &Path,
    replace: bool,
) -> Result<SavedFile> {
    let settings = settings::load(conn)?;
    let table = figure_table(conn, filter, name, &settings)?;
    let rows = table.rows.len() as u32;
    files::write_file(path, replace, "figures.csv", |w| {
        export::write_csv(&table, w)
    })?;
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
) -> Result<SavedFile> {
    check_selection(filter)?;
    let example = format!("calls.{}", format.extension());
    let rows = files::write_file(path, replace, &example, |w| {
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

impl ChartImage {
    /// The file's bytes, once they are checked to be what they claim.
    fn bytes(&self) -> Result<Vec<u8>> {
        match self {
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
                Ok(bytes)
            }
            ChartImage::Svg { text } => {
                let start = text.trim_start();
                if !start.starts_with("<svg") && !start.starts_with("<?xml") {
                    return Err(Error::invalid("image", "the text is not an SVG document"));
                }
                Ok(text.as_bytes().to_vec())
            }
        }
    }
}

/// Save a chart drawn by the view as a PNG or SVG file. The window hands
/// over the bytes, so they go only where a chart belongs: a file named
/// `.png` (PNG data) or `.svg` (an SVG document), and nowhere else.
pub fn save_image_to(path: &Path, image: &ChartImage, replace: bool) -> Result<SavedFile> {
    let wanted = match image {
        ChartImage::Png { .. } => "png",
        ChartImage::Svg { .. } => "svg",
    };
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if ext.as_deref() != Some(wanted) {
        return Err(Error::invalid(
            "file",
            format!(
                "{} does not end in .{wanted}; a chart is saved as a .png image or an .svg drawing",
                path.display()
            ),
        ));
    }
    let bytes = image.bytes()?;
    files::write_file(path, replace, "chart.png", |w| {
        w.write_all(&bytes).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })
    })?;
    Ok(SavedFile {
        path: path.display().to_string(),
        rows: 0,
    })
}

// -- Selections typed by name (the command line) ---------------------------------

/// A selection of calls as a person types it: dates, and reps, themes,
/// outcomes, a duration band and an objection by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypedFilter {
    /// First day (YYYY-MM-DD, UTC), included.
    pub from: Option<String>,
    /// Last day (YYYY-MM-DD, UTC), included.
    pub to: Option<String>,
    pub reps: Vec<String>,
    pub themes: Vec<String>,
    pub outcomes: Vec<String>,
    /// under-1, 1-2, 2-3, over-3 (minutes) or M:SS-M:SS.
    pub duration: Option<String>,
    /// An objection's slug or label.
    pub objection: Option<String>,
    /// Words the notes or gap notes contain.
    pub search: Option<String>,
    /// Only calls flagged for coaching.
    pub flagged: bool,
    /// Talk-track versions ("Texas track v2" or an id).
    pub track_versions: Vec<String>,
}

/// The filter `typed` describes; names are resolved (an unknown one is an
/// error that lists the valid ones).
pub fn filter(conn: &Connection, typed: &TypedFilter) -> Result<ReportFilter> {
    let (from, to) = reports::parse_period(typed.from.as_deref(), typed.to.as_deref())?;
    let duration = typed
        .duration
        .as_deref()
        .map(DurationBand::parse)
        .transpose()?;
    let objection_id = typed
        .objection
        .as_deref()
        .map(|o| reports::resolve_objection(conn, o))
        .transpose()?;
    Ok(ReportFilter {
        from,
        to,
        rep_ids: typed
            .reps
            .iter()
            .map(|r| rep_id(conn, r))
            .collect::<Result<_>>()?,
        theme_ids: typed
            .themes
            .iter()
            .map(|t| theme_id(conn, t))
            .collect::<Result<_>>()?,
        outcomes: typed
            .outcomes
            .iter()
            .map(|o| parse_outcome(o))
            .collect::<Result<_>>()?,
        duration,
        objection_id,
        text: search(typed.search.as_deref())?,
        flagged: typed.flagged,
        talk_track_version_ids: typed
            .track_versions
            .iter()
            .map(|v| reports::resolve_track_version(conn, v))
            .collect::<Result<_>>()?,
    })
}

/// The words to look for in the notes; a search that has none (`*`, `"`)
/// is refused rather than taken for "every call".
fn search(typed: Option<&str>) -> Result<Option<String>> {
    let Some(text) = typed.filter(|t| !t.trim().is_empty()) else {
        return Ok(None);
    };
    check_search("--search", text)?;
    Ok(Some(text.to_string()))
}

/// Refuse a search that has no word to look for; `field` names where it was typed.
fn check_search(field: &'static str, text: &str) -> Result<()> {
    if reports::fts_query(text).is_none() {
        return Err(Error::NoSearchWords {
            field,
            typed: text.to_string(),
        });
    }
    Ok(())
}

fn parse_outcome(typed: &str) -> Result<Outcome> {
    Outcome::parse(typed).map_err(|_| {
        Error::invalid(
            "--outcome",
            format!(
                "{} is not an outcome; use one of: {}",
                crate::quote::quoted(typed),
                Outcome::ALL
                    .iter()
                    .map(|o| o.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    })
}

/// A rep by name, id, or the start of a name that only one rep has (so that
/// `--rep sam` finds "Sam Okafor").
pub fn rep_id(conn: &Connection, typed: &str) -> Result<String> {
    reports::resolve_rep(conn, typed)
        .or_else(|e| unique_prefix(conn, "SELECT id, name FROM reps", typed)?.ok_or(e))
}

/// A theme by name (any case), id, or the start of a name that only one
/// theme has; the error lists the themes there are.
pub fn theme_id(conn: &Connection, typed: &str) -> Result<String> {
    reports::resolve_theme(conn, typed)
        .or_else(|e| unique_prefix(conn, "SELECT id, name FROM themes", typed)?.ok_or(e))
}

/// The id of the only row of `sql` (id, name) whose name starts with `typed`
/// (case-insensitive). `sql` is one of this module's constant statements.
fn unique_prefix(conn: &Connection, sql: &'static str, typed: &str) -> Result<Option<String>> {
    let t = typed.trim().to_lowercase();
    if t.is_empty() {
        return Ok(None);
    }
    let mut stmt = conn.prepare(sql)?;
    let rows: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let hits: Vec<&(String, String)> = rows
        .iter()
        .filter(|(_, n)| n.to_lowercase().starts_with(&t))
        .collect();
    Ok(match hits.as_slice() {
        [one] => Some(one.0.clone()),
        _ => None,
    })
}

/// The funnel report of a typed selection, grouped by `by` (`rep`, `theme`,
/// `day`, `week`, `hour`, `weekday`, `outcome`, or `objections` for the
/// meeting rate by objections heard) when given.
pub fn report(conn: &Connection, typed: &TypedFilter, by: Option<&str>) -> Result<FunnelReport> {
    let filter = filter(conn, typed)?;
    let by = by.map(ReportBy::parse).transpose()?;
    reports::report(conn, &filter, by, &settings::load(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::api::demo_on_disk as demo;

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
            BY_OBJECTIONS_TABLE,
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
        let tmp: Vec<_> = std::fs::read_dir(d.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        assert!(tmp.is_empty(), "temporary files left: {tmp:?}");
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
        // Only where a chart belongs.
        for (name, image) in [
            (
                "notes.txt",
                ChartImage::Svg {
                    text: "<svg/>".into(),
                },
            ),
            (
                ".bashrc",
                ChartImage::Svg {
                    text: "<svg/>".into(),
                },
            ),
            ("chart.svg", ChartImage::Png { base64: one.into() }),
        ] {
            let e = save_image_to(&d.path().join(name), &image, true).unwrap_err();
            assert!(e.to_string().contains("a chart is saved as"), "{name}: {e}");
            assert!(!d.path().join(name).exists() || name == "chart.svg");
        }
        save_image_to(
            &d.path().join("CHART.PNG"),
            &ChartImage::Png { base64: one.into() },
            false,
        )
        .unwrap();
    }

    #[test]
    fn typed_names_resolve_by_name_or_unique_prefix() {
        let (_d, store) = demo();
        let conn = store.conn();
        let reps = crate::reps::reps(conn).unwrap();
        let first = &reps[0];
        let prefix: String = first.name.chars().take(3).collect();
        let unique = reps
            .iter()
            .filter(|r| r.name.to_lowercase().starts_with(&prefix.to_lowercase()))
            .count()
            == 1;
        if unique {
            assert_eq!(rep_id(conn, &prefix).unwrap(), first.id);
        }
        assert_eq!(rep_id(conn, &first.name.to_uppercase()).unwrap(), first.id);
        let themes = crate::lists::themes(conn).unwrap();
        let theme = &themes[0];
        assert_eq!(
            theme_id(conn, &format!(" {} ", theme.name.to_lowercase())).unwrap(),
            theme.id
        );
        let e = theme_id(conn, "Nope").unwrap_err();
        assert!(
            e.to_string()
                .contains("no theme named \"Nope\"; the themes are:"),
            "{e}"
        );
        let e = rep_id(conn, "nobody at all").unwrap_err();
        assert!(e.to_string().contains("the reps are"), "{e}");
        let e = filter(
            conn,
            &TypedFilter {
                outcomes: vec!["maybe".into()],
                ..TypedFilter::default()
            },
        )
        .unwrap_err();
        assert!(e.to_string().contains("no_answer"), "{e}");
        for nothing in ["*", "\"", " \"\" * "] {
            let e = filter(
                conn,
                &TypedFilter {
                    search: Some(nothing.into()),
                    ..TypedFilter::default()
                },
            )
            .unwrap_err();
            assert!(e.to_string().contains("has no word to look for"), "{e}");
        }
        let f = filter(
            conn,
            &TypedFilter {
                search: Some("budg*".into()),
                ..TypedFilter::default()
            },
        )
        .unwrap();
        assert_eq!(f.text.as_deref(), Some("budg*"));
    }

    #[test]
    fn a_window_search_with_no_word_is_refused_like_the_command_lines() {
        let (d, store) = demo();
        let conn = store.conn();
        for nothing in ["*", "\"", " \"\" * "] {
            let typed = TypedFilter {
                search: Some(nothing.into()),
                ..TypedFilter::default()
            };
            let cli = report(conn, &typed, None).unwrap_err();
            assert_eq!(cli.kind(), "no_search_words");
            let cli = cli.to_string();
            assert!(cli.starts_with("--search: "), "{cli}");

            let f = ReportFilter {
                text: Some(nothing.into()),
                ..ReportFilter::default()
            };
            let query = CallLogQuery {
                filter: f.clone(),
                after: None,
                before: None,
                offset: 0,
                limit: 50,
            };
            let out = d.path().join("calls.csv");
            let table = d.path().join("funnel.csv");
            let refusals = [
                dashboards(conn, &f).map(|_| ()).unwrap_err(),
                funnel_by(conn, &f, GroupBy::Rep).map(|_| ()).unwrap_err(),
                call_log(conn, &query).map(|_| ()).unwrap_err(),
                export_table_to(conn, &f, "funnel", &table, false)
                    .map(|_| ())
                    .unwrap_err(),
                export_calls_to(conn, &f, ExportFormat::Csv, &out, false)
                    .map(|_| ())
                    .unwrap_err(),
            ];
            for e in refusals {
                assert_eq!(e.kind(), "no_search_words", "{nothing:?}: {e}");
                // The command line's message, naming the window's box.
                assert_eq!(
                    e.to_string(),
                    cli.replacen("--search", SEARCH_BOX, 1),
                    "{nothing:?}"
                );
            }
            assert!(!out.exists() && !table.exists(), "no file written");
        }
        // A blank search is no search; a word is a search.
        for fine in ["", "   ", "budg*", "\"next quarter\""] {
            let f = ReportFilter {
                text: Some(fine.into()),
                ..ReportFilter::default()
            };
            dashboards(conn, &f).unwrap();
        }
    }
}
