//! `callblock demo|lists|info|import|export prospects`: the database's call
//! lists, a CRM export imported into them, and prospects written to CSV.

use std::io::Write;
use std::path::{Path, PathBuf};

use callblock_core::api::import::{self as import_api, TypedImport};
use callblock_core::api::lists as lists_api;
use callblock_core::import;
use callblock_core::{demo, lists};

use super::output::{cell, count, file_error, print_json, thousands, width, CELL_MAX};
use super::{open, open_to_read};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "FIELDs for --map: crm_id, first_name, last_name, full_name, title, company, email, \
phone, direct_phone, mobile, corporate_phone, other_phone, city, region (state), country, industry, \
employees, time_zone. --map FIELD= (empty) unmaps a field; a HEADER may be #N, the N-th column.\n\n\
--theme-by industry makes verticals, state or country geographies, employees size bands, title role \
families (finance, IT, operations, ...); any other column name makes one theme per value."
)]
pub struct ImportArgs {
    /// The CSV file (comma, semicolon or tab; UTF-8, UTF-16 or Windows-1252)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Put every imported prospect in the theme NAME (created if needed)
    #[arg(long, value_name = "NAME", conflicts_with = "theme_by")]
    pub theme: Option<String>,
    /// One theme per value of FIELD: industry, state, country, employees,
    /// title, or any column name
    #[arg(long, value_name = "FIELD")]
    pub theme_by: Option<String>,
    /// Read FIELD from the column HEADER instead of the suggested one (repeatable)
    #[arg(long = "map", value_name = "FIELD=HEADER", value_parser = parse_map)]
    pub map: Vec<(String, String)>,
    /// Country for numbers without a country code, when the row has no
    /// country (two letters, e.g. US, GB, DE) [default: the setting, US]
    #[arg(long, value_name = "CC", value_parser = parse_region_arg)]
    pub region: Option<String>,
    /// Read and check every row, report what would happen, write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Import nothing if any row is rejected (by default the valid rows are
    /// imported and the rejected ones listed)
    #[arg(long)]
    pub all_or_nothing: bool,
    /// Move prospects already in a theme to this import's theme (by default
    /// only prospects without a theme get one)
    #[arg(long)]
    pub retheme: bool,
    /// Print the report as one JSON object
    #[arg(long)]
    pub json: bool,
    /// Show the progress on stderr (rows, rows/s, time left) even when
    /// stderr is not a terminal: a line a second. On a terminal it is shown
    /// anyway, on one line
    #[arg(long)]
    pub progress: bool,
}

fn parse_map(text: &str) -> Result<(String, String), String> {
    let (field, header) =
        callblock_core::import::parse_override(text).map_err(|e| e.to_string())?;
    callblock_core::import::Field::parse(&field).map_err(|e| e.to_string())?;
    Ok((field, header))
}

fn parse_region_arg(text: &str) -> Result<String, String> {
    callblock_core::import::phone::parse_region(text)
        .map(|id| id.as_ref().to_string())
        .ok_or_else(|| {
            format!(
                "{} is not a region phone numbers know; give a two-letter country code such as US, GB or DE",
                callblock_core::quote::quoted(text)
            )
        })
}

impl ImportArgs {
    /// The import as typed, for the core to turn into options.
    fn typed(&self) -> TypedImport {
        TypedImport {
            map: self.map.clone(),
            theme: self.theme.clone(),
            theme_by: self.theme_by.clone(),
            region: self.region.clone(),
            dry_run: self.dry_run,
            all_or_nothing: self.all_or_nothing,
            retheme: self.retheme,
        }
    }
}

pub fn run_demo(path: &Path, seed: u64, json: bool) -> Result<(), String> {
    let mut store = open(path)?;
    let summary = demo::fill(&mut store, seed, chrono::Utc::now()).map_err(|e| e.to_string())?;
    if json {
        return print_json(&summary);
    }
    say!(
        "Demo written to {}: {} themes, {} prospects, {} reps, {} blocks, {} calls, {} meetings.",
        path.display(),
        summary.themes,
        summary.prospects,
        summary.reps,
        summary.blocks,
        summary.calls,
        summary.meetings
    );
    Ok(())
}

#[derive(serde::Serialize)]
struct ListJson {
    theme: String,
    id: Option<String>,
    kind: Option<&'static str>,
    prospects: u32,
    /// Callable now: due, and inside their local calling hours.
    ready: u32,
    /// Due now, but outside their local calling hours.
    due_outside_hours: u32,
    waiting: u32,
    callbacks_due: u32,
    meetings: u32,
    not_interested: u32,
    exhausted: u32,
    do_not_call: u32,
    bad_number: u32,
}

pub fn run_lists(path: &Path, json: bool) -> Result<(), String> {
    let store = open_to_read(path)?;
    let rows =
        lists::theme_summaries(store.conn(), chrono::Utc::now()).map_err(|e| e.to_string())?;
    if json {
        let out: Vec<ListJson> = rows
            .into_iter()
            .map(|r| ListJson {
                theme: r.name,
                id: r.id,
                kind: r.kind.map(|k| k.as_str()),
                prospects: r.prospects,
                ready: r.ready,
                due_outside_hours: r.due_outside_hours,
                waiting: r.waiting,
                callbacks_due: r.callbacks_due,
                meetings: r.meetings,
                not_interested: r.not_interested,
                exhausted: r.exhausted,
                do_not_call: r.do_not_call,
                bad_number: r.bad_number,
            })
            .collect();
        return print_json(&out);
    }
    if rows.is_empty() {
        say!(
            "No call lists yet in {}. Load the demo with `callblock demo`.",
            path.display()
        );
        return Ok(());
    }
    let names: Vec<String> = rows.iter().map(|r| cell(&r.name, CELL_MAX)).collect();
    let width = width(names.iter().map(String::as_str), 5);
    say!(
        "{:<width$}  {:<9}  {:>9}  {:>9}  {:>7}  {:>7}  {:>9}  {:>8}  {:>9}  {:>3}",
        "THEME",
        "KIND",
        "PROSPECTS",
        "READY NOW",
        "LATER",
        "WAITING",
        "CALLBACKS",
        "MEETINGS",
        "EXHAUSTED",
        "DNC"
    );
    for (r, name) in rows.iter().zip(&names) {
        say!(
            "{:<width$}  {:<9}  {:>9}  {:>9}  {:>7}  {:>7}  {:>9}  {:>8}  {:>9}  {:>3}",
            name,
            r.kind.map(|k| k.as_str()).unwrap_or("-"),
            r.prospects,
            r.ready,
            r.due_outside_hours,
            r.waiting,
            r.callbacks_due,
            r.meetings,
            r.exhausted,
            r.do_not_call
        );
    }
    Ok(())
}

pub fn run_info(path: &Path, json: bool) -> Result<(), String> {
    let store = open_to_read(path)?;
    let info = lists_api::info(store.conn(), path).map_err(|e| e.to_string())?;
    if json {
        return print_json(&info);
    }
    say!(
        "Database {} (schema version {}): {} themes, {} prospects, {} calls.",
        info.database,
        info.schema_version,
        info.themes,
        info.prospects,
        info.calls
    );
    Ok(())
}

/// What `import --json` prints: the report, the file's format and the mapping used.
#[derive(serde::Serialize)]
struct ImportJson {
    #[serde(flatten)]
    report: callblock_core::import::ImportReport,
    format: &'static str,
    /// Field -> column header (the field's first column).
    mapping: std::collections::BTreeMap<&'static str, String>,
    /// Every column read, with how it was matched.
    columns: Vec<ColumnJson>,
    /// Columns read as another column of the same field (extra phones and
    /// e-mails), in words.
    merged: Vec<String>,
}

/// A column read by a field, as `import --json` shows it.
#[derive(serde::Serialize)]
struct ColumnJson {
    field: &'static str,
    header: String,
    /// 1-based, as `--map FIELD=#N` takes it.
    column: u32,
    rule: callblock_core::import::MatchRule,
    why: String,
}

pub fn run_import(db: &Path, args: &ImportArgs) -> Result<(), String> {
    use std::io::IsTerminal;
    // The file first: a file that cannot be read changes nothing, not even
    // creating the database.
    let source = import::read_file(&args.file).map_err(|e| e.to_string())?;
    let mut store = open(db)?;
    let opts = import_api::typed_options(store.conn(), &source, &args.typed())
        .map_err(|e| e.to_string())?;
    // On stderr only, so that stdout (the report, or its JSON) stays whole.
    let tty = std::io::stderr().is_terminal();
    let mut shown = ProgressLine::new(tty, args.progress || tty, args.dry_run);
    let result = import::run(&mut store, &source, &opts, &mut |p| {
        shown.show(&p);
        true
    });
    shown.clear();
    let report = result.map_err(|e| e.to_string())?;
    let format = import::source_format(&source.headers);
    // An import that --all-or-nothing refused wrote nothing: a failure for
    // a script, after the report that says which rows were rejected.
    let refused = (!report.dry_run && !report.committed).then(|| {
        format!(
            "{}: nothing was imported: {} and --all-or-nothing was given",
            report.file,
            count(
                report.rejected_count,
                "row was rejected",
                "rows were rejected"
            )
        )
    });
    if args.json {
        let mut mapping = std::collections::BTreeMap::new();
        for e in &opts.mapping.entries {
            mapping
                .entry(e.field.as_str())
                .or_insert_with(|| e.header.clone());
        }
        print_json(&ImportJson {
            mapping,
            columns: opts
                .mapping
                .entries
                .iter()
                .map(|e| ColumnJson {
                    field: e.field.as_str(),
                    header: e.header.clone(),
                    column: e.column + 1,
                    rule: e.rule.clone(),
                    why: e.why.clone(),
                })
                .collect(),
            merged: opts.mapping.merged(),
            report,
            format,
        })?;
    } else {
        print_import(&report, format, &source, &opts);
    }
    refused.map_or(Ok(()), Err)
}

/// The progress of an import on stderr: on a terminal, one line drawn again
/// at most ten times a second and cleared at the end; elsewhere (with
/// `--progress`), a line a second and one at each step of the end.
struct ProgressLine {
    tty: bool,
    on: bool,
    verb: &'static str,
    last: Option<(std::time::Instant, import::ImportStage)>,
    width: usize,
}

impl ProgressLine {
    fn new(tty: bool, on: bool, dry_run: bool) -> ProgressLine {
        ProgressLine {
            tty,
            on,
            verb: if dry_run { "Checking" } else { "Importing" },
            last: None,
            width: 0,
        }
    }

    fn show(&mut self, p: &import::Progress) {
        let every = std::time::Duration::from_millis(if self.tty { 100 } else { 1000 });
        let due = self
            .last
            .is_none_or(|(at, stage)| stage != p.stage || at.elapsed() >= every);
        if !self.on || !due {
            return;
        }
        self.last = Some((std::time::Instant::now(), p.stage));
        let text = format!(
            "{} {}",
            self.verb,
            progress_text(p, self.verb == "Checking")
        );
        let mut err = std::io::stderr().lock();
        if self.tty {
            let pad = self.width.saturating_sub(text.chars().count());
            let _ = write!(err, "\r{text}{:pad$}", "");
            self.width = text.chars().count();
        } else {
            let _ = writeln!(err, "{text}");
        }
        let _ = err.flush();
    }

    /// Clear the terminal's line before the report.
    fn clear(&mut self) {
        if self.tty && self.width > 0 {
            let _ = write!(std::io::stderr(), "\r{:w$}\r", "", w = self.width);
        }
    }
}

/// "40 % (400,000 rows, 52,300 rows/s, about 12 s left)", or the step of the
/// end.
fn progress_text(p: &import::Progress, dry_run: bool) -> String {
    let rows = thousands(f64::from(p.rows_read));
    match p.stage {
        import::ImportStage::Indexing => match p.index {
            Some(i) => format!(
                "100 %: building the indexes, {} of {} ({rows} rows read)",
                i.n, i.of
            ),
            None => format!("100 %: building the indexes ({rows} rows read)"),
        },
        import::ImportStage::Saving if dry_run => format!("100 %: finishing ({rows} rows read)"),
        import::ImportStage::Saving => format!("100 %: saving ({rows} rows read)"),
        import::ImportStage::Reading => {
            let mut parts = vec![format!("{rows} rows")];
            if p.rows_per_second > 0.0 {
                parts.push(format!("{} rows/s", thousands(p.rows_per_second.round())));
            }
            if let Some(left) = p.seconds_left {
                parts.push(format!("about {} left", time_left(left)));
            }
            format!("{:>3.0} % ({})", p.fraction * 100.0, parts.join(", "))
        }
    }
}

/// 4 -> "4 s", 200 -> "3 min 20 s", 4000 -> "1 h 06 min".
fn time_left(seconds: f64) -> String {
    let s = seconds.max(0.0).round() as u64;
    if s < 60 {
        format!("{s} s")
    } else if s < 3600 {
        format!("{} min {:02} s", s / 60, s % 60)
    } else {
        format!("{} h {:02} min", s / 3600, (s % 3600) / 60)
    }
}

fn print_import(
    r: &callblock_core::import::ImportReport,
    format: &str,
    source: &callblock_core::import::SourceFile,
    opts: &callblock_core::import::ImportOptions,
) {
    use callblock_core::import::OnRejects;
    let n = count;
    let what = format!(
        "{} read ({} export, {}, {}): {} new, {} updated{}, {} rejected",
        n(r.rows_read, "row", "rows"),
        import::source_format_label(format),
        source.encoding.label(),
        source.delimiter.label(),
        thousands(f64::from(r.imported)),
        thousands(f64::from(r.updated)),
        if r.unchanged > 0 {
            format!(
                " ({} with nothing new, left as they were)",
                thousands(f64::from(r.unchanged))
            )
        } else {
            String::new()
        },
        thousands(f64::from(r.rejected_count)),
    );
    if r.dry_run {
        say!("Dry run of {}: nothing was written.", r.file);
        say!("{what}.");
    } else if r.committed {
        say!("Imported {}.", r.file);
        say!("{what}.");
    } else if opts.on_rejects == OnRejects::ImportNothing && r.rejected_count > 0 {
        say!(
            "Nothing was imported from {}: {} rejected and --all-or-nothing was given.",
            r.file,
            n(r.rejected_count, "row was", "rows were")
        );
        say!("{what}.");
    }
    if r.do_not_call > 0 {
        say!(
            "{} on the do-not-call list: kept, not to be called.",
            n(r.do_not_call, "row is", "rows are")
        );
    }
    say!("Columns (correct one with --map FIELD=HEADER):");
    for e in &opts.mapping.entries {
        say!("  {:<16} {:?}: {}", e.field.as_str(), e.header, e.why);
    }
    for note in &source.notes {
        say!("Note: {note}.");
    }
    if r.rejected_count > 0 {
        say!();
        say!("Rejected rows:");
        for issue in &r.rejected {
            say!("  line {}: {}", issue.line, issue.reason);
        }
        if r.rejected_count as usize > r.rejected.len() {
            say!(
                "  ... and {} more",
                r.rejected_count as usize - r.rejected.len()
            );
        }
    }
    if !r.themes.is_empty() {
        say!();
        say!("Themes:");
        let names: Vec<String> = r.themes.keys().map(|k| cell(k, CELL_MAX)).collect();
        let width = width(names.iter().map(String::as_str), 10);
        for (name, count) in names.iter().zip(r.themes.values()) {
            say!("  {name:<width$}  {:>7}", thousands(f64::from(*count)));
        }
        if r.unthemed > 0 {
            say!(
                "  {:<width$}  {:>7}",
                "(no theme)",
                thousands(f64::from(r.unthemed))
            );
        }
    }
    if r.warning_count > 0 {
        say!();
        say!(
            "{} with a remark (kept; --json lists them), e.g. line {}: {}",
            n(r.warning_count, "row imported", "rows imported"),
            r.warnings.first().map(|w| w.line).unwrap_or(0),
            r.warnings.first().map(|w| w.reason.as_str()).unwrap_or("")
        );
    }
    if r.time_zone_unknown > 0 {
        say!(
            "{} no known time zone (no zone or location in the file).",
            n(r.time_zone_unknown, "prospect has", "prospects have")
        );
    }
}

pub fn run_export_prospects(
    db: &Path,
    theme: Option<&str>,
    output: &Path,
    force: bool,
    json: bool,
) -> Result<(), String> {
    use callblock_core::export::ExportScope;
    let store = open_to_read(db)?;
    let scope = match theme {
        Some(name) => ExportScope::Theme(
            callblock_core::api::review::theme_id(store.conn(), name).map_err(|e| e.to_string())?,
        ),
        None => ExportScope::All,
    };
    let done =
        lists_api::export_prospects(store.conn(), output, &scope, force).map_err(file_error)?;
    if json {
        return print_json(&done);
    }
    say!(
        "Exported {} to {}.",
        count(done.prospects, "prospect", "prospects"),
        output.display()
    );
    Ok(())
}
