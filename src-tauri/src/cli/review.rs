//! `callblock report`, `export calls|bundle` and `import-bundle`: the
//! figures of the Review view for a selection typed on the command line,
//! the calls as CSV or JSON, and a team's bundles.

use std::path::{Path, PathBuf};

use callblock_core::api::review::{self, TypedFilter};
use callblock_core::api::team;
use callblock_core::reports::{self, export::ExportFormat};

use super::output::{cell, count, file_error, print_json, width, CELL_MAX};
use super::{open, open_to_read};

/// Which calls: the same filters as the Review view.
#[derive(Debug, Clone, clap::Args)]
pub struct FilterArgs {
    /// First day (YYYY-MM-DD, UTC), included
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Last day (YYYY-MM-DD, UTC), included
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Only this rep's calls (a name; repeat for several)
    #[arg(long, value_name = "NAME")]
    pub rep: Vec<String>,
    /// Only calls of this theme (a name; repeat for several)
    #[arg(long, value_name = "NAME")]
    pub theme: Vec<String>,
    /// Only calls with this outcome (no_answer, voicemail, gatekeeper, bad_number,
    /// not_interested, callback, meeting, do_not_call; repeat for several)
    #[arg(long, value_name = "OUTCOME")]
    pub outcome: Vec<String>,
    /// Only calls of this length: under-1, 1-2, 2-3, over-3 (minutes) or M:SS-M:SS
    #[arg(long, value_name = "BAND")]
    pub duration: Option<String>,
    /// Only calls on which this objection was raised (its slug or label)
    #[arg(long, value_name = "OBJECTION")]
    pub objection: Option<String>,
    /// Only calls whose notes or gap notes match these words ("a phrase", word* for a prefix)
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// Only calls flagged for coaching
    #[arg(long)]
    pub flagged: bool,
    /// Only calls made with this talk-track version ("Texas track v2", as
    /// Review names it; repeat for several)
    #[arg(long, value_name = "VERSION")]
    pub track_version: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Also show the funnel grouped by rep, theme, day, week (from Monday),
    /// hour or weekday (the prospect's local time), or outcome; or `objections`:
    /// the meeting rate of conversations by objections heard (0, 1, 2, 3, 4+),
    /// overall, per theme and per talk-track version
    #[arg(long, value_name = "GROUPING",
          value_parser = ["rep", "theme", "day", "week", "hour", "weekday", "outcome", "objections"])]
    pub by: Option<String>,
    /// Print JSON: dials, connects, conversations, meetings (and more) at the top
    /// level, `groups` with --by, `by_objections` with --by objections
    #[arg(long)]
    pub json: bool,
    /// The whole team's calls: pull what is new from the team store first
    /// (this database must be linked as a manager's: `callblock team connect`),
    /// then report with the same definitions as any report
    #[arg(long)]
    pub team: bool,
    /// With --team: count in the team store itself, nothing pulled (by
    /// period, rep, theme and outcome; every grouping but objections)
    #[arg(long, requires = "team")]
    pub live: bool,
}

impl FilterArgs {
    /// The selection as typed, for the core to resolve.
    pub fn typed(&self) -> TypedFilter {
        TypedFilter {
            from: self.from.clone(),
            to: self.to.clone(),
            reps: self.rep.clone(),
            themes: self.theme.clone(),
            outcomes: self.outcome.clone(),
            duration: self.duration.clone(),
            objection: self.objection.clone(),
            search: self.search.clone(),
            flagged: self.flagged,
            track_versions: self.track_version.clone(),
        }
    }
}

pub fn run_report(db: &Path, args: &ReportArgs) -> Result<(), String> {
    if args.live {
        return run_live_report(db, args);
    }
    if args.team {
        pull_team(db)?;
    }
    let store = open_to_read(db)?;
    let report = review::report(store.conn(), &args.filter.typed(), args.by.as_deref())
        .map_err(|e| e.to_string())?;
    if args.json {
        return print_json(&report);
    }
    super::output::say_text(&report_text(&report));
    Ok(())
}

/// `report --team --live`: the report counted in the team store.
fn run_live_report(db: &Path, args: &ReportArgs) -> Result<(), String> {
    let store = open_to_read(db)?;
    // Themes go to the store by name (each rep's ids are their own).
    let mut typed = args.filter.typed();
    let themes = std::mem::take(&mut typed.themes);
    let filter = review::filter(store.conn(), &typed).map_err(|e| e.to_string())?;
    let by = match args.by.as_deref() {
        None => None,
        Some("objections") => {
            return Err(
                "--live: the meeting rate by objections heard is reported from this copy \
                 (`callblock report --team --by objections`, without --live)"
                    .into(),
            )
        }
        Some(b) => Some(reports::GroupBy::parse(b).map_err(|e| e.to_string())?),
    };
    let secrets = callblock_team::config::secrets_path();
    let report = callblock_team::block_on(callblock_team::live_report(
        &store, &secrets, &filter, &themes, by,
    ))
    .map_err(|e| format!("--team --live: {e}"))?;
    if args.json {
        return print_json(&report);
    }
    super::output::say_text(&report_text(&report));
    Ok(())
}

/// `report --team`: the team's new calls pulled (and this copy's own pushed)
/// before the report reads them; a server that cannot be reached is said,
/// and nothing is reported from a copy that may be behind.
fn pull_team(db: &Path) -> Result<(), String> {
    let mut store = super::open(db)?;
    let link = callblock_core::team::link::get(store.conn())
        .map_err(|e| e.to_string())?
        .ok_or_else(|| callblock_team::TeamError::NotLinked.to_string())?;
    if !link.manager {
        return Err(format!(
            "--team: the role {} reads only its own calls in the team store; a manager's role reads the team's",
            link.role
        ));
    }
    let secrets = callblock_team::config::secrets_path();
    callblock_team::block_on(callblock_team::sync(&mut store, &secrets))
        .map(|_| ())
        .map_err(|e| format!("--team: {e}"))
}

fn rate(r: &reports::Rate) -> String {
    match r.value {
        Some(v) => format!("{:.1} % ({}/{})", v * 100.0, r.numerator, r.denominator),
        None => format!("- ({}/{})", r.numerator, r.denominator),
    }
}

fn hours(seconds: u32) -> String {
    let m = (seconds + 30) / 60;
    if m < 60 {
        format!("{m} min")
    } else {
        format!("{} h {:02} min", m / 60, m % 60)
    }
}

/// The report as plain text: the funnel, the rates with their counts, the
/// groups as a table, then the definitions.
pub fn report_text(r: &reports::FunnelReport) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let f = &r.total;
    let _ = writeln!(out, "Funnel: {}", r.selection);
    let _ = writeln!(out, "  Dials          {:>9}", f.dials);
    let _ = writeln!(
        out,
        "  Connects       {:>9}   connect rate {}",
        f.connects,
        rate(&r.rates.connect_rate)
    );
    let _ = writeln!(
        out,
        "  Conversations  {:>9}   of connects {}",
        f.conversations,
        rate(&r.rates.conversation_rate)
    );
    let _ = writeln!(
        out,
        "  Meetings       {:>9}   of conversations {}; of connects {}",
        f.meetings,
        rate(&r.rates.meeting_rate),
        rate(&r.rates.connect_to_meeting)
    );
    let _ = writeln!(out, "  On the phone   {:>9}", hours(f.talk_seconds));
    let _ = writeln!(
        out,
        "  Past the limit {:>9}   of dials {}",
        f.calls_past_limit,
        rate(&r.rates.past_limit)
    );
    if let Some(o) = &r.by_objections {
        by_objections_text(&mut out, o);
    }
    if let (Some(by), Some(groups)) = (r.by, &r.groups) {
        let _ = writeln!(out);
        let head = by.as_str().to_uppercase();
        let labels: Vec<String> = groups.iter().map(|g| cell(&g.label, CELL_MAX)).collect();
        let width = width(labels.iter().map(String::as_str), head.len());
        let _ = writeln!(
            out,
            "{head:<width$}  {:>7}  {:>8}  {:>13}  {:>8}  {:>12}  {:>16}",
            "DIALS", "CONNECTS", "CONVERSATIONS", "MEETINGS", "CONNECT RATE", "MEETINGS/CONNECT"
        );
        for (g, label) in groups.iter().zip(&labels) {
            let pct = |x: &reports::Rate| {
                x.value
                    .map(|v| format!("{:.1} %", v * 100.0))
                    .unwrap_or_else(|| "-".into())
            };
            let _ = writeln!(
                out,
                "{:<width$}  {:>7}  {:>8}  {:>13}  {:>8}  {:>12}  {:>16}",
                label,
                g.funnel.dials,
                g.funnel.connects,
                g.funnel.conversations,
                g.funnel.meetings,
                pct(&g.rates.connect_rate),
                pct(&g.rates.connect_to_meeting)
            );
        }
        if groups.is_empty() {
            let _ = writeln!(out, "(no calls)");
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "Definitions:");
    let extra = r.by_objections.iter().flat_map(|o| &o.definitions);
    for d in r.definitions.iter().chain(extra) {
        let _ = writeln!(out, "  - {d}");
    }
    out
}

/// The meeting rate by objections heard: one small table per group (all
/// conversations, each theme, each talk-track version), every bucket shown.
fn by_objections_text(out: &mut String, o: &reports::ByObjections) {
    use std::fmt::Write as _;
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Meeting rate by objections heard (out of conversations; n = conversations)"
    );
    objection_curve(out, "All conversations", &o.overall);
    for t in &o.by_theme {
        let head = format!("Theme: {}", cell(&t.curve.label, CELL_MAX));
        objection_curve(out, &head, &t.curve);
    }
    for v in &o.by_version {
        let theme = v
            .theme_name
            .as_deref()
            .map_or("default track".into(), |t| cell(t, CELL_MAX));
        let head = format!("Talk track: {} ({theme})", cell(&v.curve.label, CELL_MAX));
        objection_curve(out, &head, &v.curve);
    }
}

fn objection_curve(out: &mut String, head: &str, c: &reports::by_objections::ObjectionCurve) {
    use std::fmt::Write as _;
    let _ = writeln!(out);
    let plural = |n: u32, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    let _ = writeln!(
        out,
        "{head}: {}, {}",
        plural(c.calls, "conversation"),
        plural(c.meetings, "meeting")
    );
    let _ = writeln!(
        out,
        "  {:<10}  {:>13}  {:>8}  MEETING RATE",
        "OBJECTIONS", "CONVERSATIONS", "MEETINGS"
    );
    for b in &c.buckets {
        let _ = writeln!(
            out,
            "  {:<10}  {:>13}  {:>8}  {}",
            b.label,
            b.calls,
            b.meetings,
            rate(&b.meeting_rate)
        );
    }
}

pub fn run_export_calls(
    db: &Path,
    filter: &FilterArgs,
    format: Option<&str>,
    output: Option<&Path>,
    force: bool,
) -> Result<(), String> {
    let store = open_to_read(db)?;
    let conn = store.conn();
    let filter = review::filter(conn, &filter.typed()).map_err(|e| e.to_string())?;
    let format = match format {
        Some(f) => ExportFormat::parse(f).map_err(|e| e.to_string())?,
        None => match output
            .and_then(|o| o.extension())
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("json") => ExportFormat::Json,
            _ => ExportFormat::Csv,
        },
    };
    match output {
        Some(path) => {
            let saved =
                review::export_calls_to(conn, &filter, format, path, force).map_err(file_error)?;
            say!(
                "Exported {} call{} to {}.",
                saved.rows,
                if saved.rows == 1 { "" } else { "s" },
                saved.path
            );
        }
        None => {
            let stdout = std::io::stdout();
            let w = std::io::BufWriter::new(stdout.lock());
            match reports::export::export_calls(conn, &filter, format, w) {
                Ok(_) => {}
                // The reader stopped early (`| head`): not an error.
                Err(callblock_core::Error::Io { source, .. })
                    if source.kind() == std::io::ErrorKind::BrokenPipe => {}
                Err(e) => return Err(e.to_string()),
            }
        }
    }
    Ok(())
}

#[derive(serde::Serialize)]
struct BundleExportJson<'a> {
    path: String,
    #[serde(flatten)]
    summary: &'a callblock_core::bundle::ExportSummary,
}

pub fn run_export_bundle(
    db: &Path,
    rep: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    output: &Path,
    force: bool,
    json: bool,
) -> Result<(), String> {
    let store = open_to_read(db)?;
    let conn = store.conn();
    let summary = team::bundle_rep(conn, rep)
        .and_then(|rep_id| team::export_bundle_to(conn, &rep_id, from, to, output, force))
        .map_err(file_error)?;
    if json {
        return print_json(&BundleExportJson {
            path: output.display().to_string(),
            summary: &summary,
        });
    }
    let c = &summary.counts;
    let period = match (from, to) {
        (None, None) => "all time".to_string(),
        (f, t) => format!("{} to {}", f.unwrap_or("the start"), t.unwrap_or("now")),
    };
    say!(
        "Bundle of {}'s calls ({period}) written to {}: {} calls, {} blocks, {} prospects, {} meetings.",
        summary.rep_name,
        output.display(),
        c.calls,
        c.blocks,
        c.prospects,
        c.meetings
    );
    Ok(())
}

pub fn run_import_bundles(db: &Path, files: &[PathBuf], json: bool) -> Result<(), String> {
    let mut store = open(db)?;
    let reports = team::import_bundle_files(&mut store, files).map_err(|e| e.to_string())?;
    if json {
        return print_json(&reports);
    }
    for r in &reports {
        if r.unchanged {
            say!(
                "{}: {}'s {} calls were already imported; nothing changed.",
                r.source,
                r.rep_name,
                r.calls.in_bundle
            );
            continue;
        }
        say!(
            "{}: {}'s calls imported: {} calls added ({} already present), {} blocks, {} prospects, {} meetings added.",
            r.source,
            r.rep_name,
            r.calls.added,
            r.calls.already_present,
            r.blocks.added,
            r.prospects.added,
            r.meetings.added
        );
        if r.do_not_call > 0 {
            say!(
                "  {} on the do-not-call list: kept, not to be called.",
                count(r.do_not_call, "prospect is", "prospects are")
            );
        }
        if !r.themes_added.is_empty() {
            say!("  new themes: {}", r.themes_added.join(", "));
        }
        if !r.objections_added.is_empty() {
            say!("  new objections: {}", r.objections_added.join(", "));
        }
    }
    Ok(())
}
