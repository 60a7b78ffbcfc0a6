//! The command line. `callblock` alone opens the window; the subcommands work
//! without a display, for scripting and tests. Exit codes: 0 success, 1 an
//! error with a one-line message on stderr, 2 a usage error (unknown command
//! or flag) with the usage.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use callblock_core::domain::Outcome;
use callblock_core::paths::{self, DbSource};
use callblock_core::plan::{self, Period, PlanProgress, PlanResult, RateSource};
use callblock_core::reports::export::ExportFormat;
use callblock_core::reports::{self, GroupBy, ReportFilter};
use callblock_core::{demo, lists, Store};

use crate::commands_plan::{self, PlanForm};

#[derive(Debug, Parser)]
#[command(
    name = "callblock",
    version,
    about = "Focused phone blocks for sales development reps",
    long_about = "Callblock runs timed blocks of back-to-back prospecting calls and keeps every \
                  outcome in a local SQLite file.\n\nWithout a command, it opens the Callblock \
                  window. The commands below need no display.",
    after_help = "The database is --db PATH, else $CALLBLOCK_DB, else callblock.db in the app-data \
                  directory (~/.local/share/app.callblock.desktop on Linux)."
)]
pub struct Cli {
    /// The database file to use (created if it does not exist)
    #[arg(long, global = true, value_name = "PATH", env = paths::DB_ENV)]
    pub db: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Fill an empty database with demo data: four themes of prospects, the
    /// default playbook and two weeks of call history for two reps
    Demo {
        /// Seed of the random generator (the same seed and day give the same demo)
        #[arg(long, default_value_t = 52)]
        seed: u64,
        /// Print the summary as JSON
        #[arg(long)]
        json: bool,
    },
    /// Show the themes (call lists) and their counts
    Lists {
        /// Print a JSON array
        #[arg(long)]
        json: bool,
    },
    /// Show which database is used and its state
    Info {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Share the playbook (talk tracks and objection library) as a file
    #[command(subcommand)]
    Playbook(PlaybookCommand),
    /// The current rep's plan: from quota to wins, opportunities, meetings,
    /// conversations, connects, dials and blocks per week. Without --quota and
    /// --deal-size, the plan saved for this period (with its progress)
    Plan(PlanArgs),
    /// The current rep's weekly schedule of block and preparation slots
    #[command(subcommand)]
    Schedule(ScheduleCommand),
    /// Import a CSV export of a CRM or data provider (HubSpot, Salesforce,
    /// Apollo, Pipedrive, ZoomInfo, ...) into call lists, in one transaction.
    /// A row seen before (same CRM id, e-mail, or name and company) updates
    /// that prospect instead of adding a second one
    Import(ImportArgs),
    /// Show the funnel (dials, connects, conversations, meetings and the rates
    /// between them) of a selection of calls, the figures of the Review view
    #[command(
        after_help = "Dates are YYYY-MM-DD (UTC days, both included). Definitions (domain.md section 5): \
                      a connect is a call on which the prospect was reached (not interested, callback, \
                      meeting, do not call); a conversation is a connect that lasted at least 60 s or \
                      reached the appointment request."
    )]
    Report(ReportArgs),
    /// Export the calls of a selection (CSV or JSON), or a rep's bundle for a manager
    #[command(subcommand)]
    Export(ExportCommand),
    /// Import bundles exported by reps (`callblock export bundle`) into this
    /// database; importing one twice changes nothing, and a damaged bundle or
    /// one from a newer version is refused with nothing imported
    ImportBundle {
        /// The bundle files (.cbbundle)
        #[arg(value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
        /// Print the reports as JSON
        #[arg(long)]
        json: bool,
    },
}

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
            format!("{text:?} is not a region phone numbers know; give a two-letter country code such as US, GB or DE")
        })
}

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
}

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Also show the funnel grouped by rep, theme, day, week (from Monday),
    /// hour or weekday (the prospect's local time), or outcome
    #[arg(long, value_name = "GROUPING",
          value_parser = ["rep", "theme", "day", "week", "hour", "weekday", "outcome"])]
    pub by: Option<String>,
    /// Print JSON: dials, connects, conversations, meetings (and more) at the top
    /// level, `groups` with --by
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Write the calls of a selection, newest first, as CSV or JSON
    Calls {
        #[command(flatten)]
        filter: FilterArgs,
        /// csv or json (default: from the -o file's extension, else csv)
        #[arg(long, value_name = "FORMAT", value_parser = ["csv", "json"])]
        format: Option<String>,
        /// The file to write (default: standard output)
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        /// Replace FILE if it exists
        #[arg(long)]
        force: bool,
    },
    /// Write a rep's calls and blocks of a period to a bundle file that a
    /// manager imports with `callblock import-bundle`
    Bundle {
        /// The rep (a name; default: the rep this database works as)
        #[arg(long, value_name = "NAME")]
        rep: Option<String>,
        /// First day (YYYY-MM-DD, UTC), included
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// Last day (YYYY-MM-DD, UTC), included
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// The bundle file to write (.cbbundle)
        #[arg(short = 'o', long = "output", value_name = "FILE", required = true)]
        output: PathBuf,
        /// Replace FILE if it exists
        #[arg(long)]
        force: bool,
        /// Print what was written as JSON
        #[arg(long)]
        json: bool,
    },
    /// Write prospects to a CSV file; cells a spreadsheet would run as
    /// formulas (=, +, -, @) are escaped with a leading '
    Prospects {
        /// Only the prospects of the theme NAME
        #[arg(long, value_name = "NAME")]
        theme: Option<String>,
        /// The file to write
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
        /// Replace FILE if it exists
        #[arg(long)]
        force: bool,
        /// Print what was written as JSON
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PeriodArg {
    Month,
    Quarter,
}

impl From<PeriodArg> for Period {
    fn from(p: PeriodArg) -> Period {
        match p {
            PeriodArg::Month => Period::Month,
            PeriodArg::Quarter => Period::Quarter,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    /// The quota for the period, in money (120000, 120,000 or 120k)
    #[arg(long, value_name = "AMOUNT", value_parser = parse_amount, allow_hyphen_values = true)]
    pub quota: Option<f64>,
    /// The average deal size, in the same money
    #[arg(long, value_name = "AMOUNT", value_parser = parse_amount, allow_hyphen_values = true)]
    pub deal_size: Option<f64>,
    /// Opportunities per win (4 means one win in four opportunities) [default: 4]
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub close_ratio: Option<f64>,
    /// The period the quota is for (the one that contains today) [default: month]
    #[arg(long, value_enum)]
    pub period: Option<PeriodArg>,
    /// Your own share of dials that connect (0-1; 0.08 is 8 %)
    #[arg(long, value_name = "RATE", allow_hyphen_values = true)]
    pub rate_connect: Option<f64>,
    /// Your own share of connects that become conversations (0-1)
    #[arg(long, value_name = "RATE", allow_hyphen_values = true)]
    pub rate_conversation: Option<f64>,
    /// Your own share of conversations that book a meeting (0-1)
    #[arg(long, value_name = "RATE", allow_hyphen_values = true)]
    pub rate_meeting: Option<f64>,
    /// Your own share of meetings that become opportunities (0-1)
    #[arg(long, value_name = "RATE", allow_hyphen_values = true)]
    pub rate_opportunity: Option<f64>,
    /// Your own dials in one block
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub dials_per_block: Option<f64>,
    /// Save the plan as the current rep's plan for this period
    #[arg(long)]
    pub save: bool,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ScheduleCommand {
    /// Show the weekly slots
    List {
        /// Print a JSON array
        #[arg(long)]
        json: bool,
    },
    /// Write the weekly slots to an iCalendar (.ics) file for your calendar
    Export {
        /// The file to write
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
        /// Replace FILE if it exists
        #[arg(long)]
        force: bool,
        /// Print what was written as JSON
        #[arg(long)]
        json: bool,
    },
}

/// An amount of money: digits with optional thousands separators (`,` `_`),
/// an optional currency sign in front, and an optional `k` or `m` after.
fn parse_amount(text: &str) -> Result<f64, String> {
    let t: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '_' | ' '))
        .collect();
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest.to_string()),
        None => (false, t),
    };
    let t = t.trim_start_matches(['$', '€', '£']);
    let (digits, factor) = match t.chars().last() {
        Some('k' | 'K') => (&t[..t.len() - 1], 1e3),
        Some('m' | 'M') => (&t[..t.len() - 1], 1e6),
        _ => (t, 1.0),
    };
    let v: f64 = digits
        .parse()
        .map_err(|_| format!("{text:?} is not an amount (for example 120000, 120,000 or 120k)"))?;
    if !v.is_finite() {
        return Err(format!("{text:?} is not an amount"));
    }
    Ok(if neg { -v * factor } else { v * factor })
}

#[derive(Debug, Subcommand)]
pub enum PlaybookCommand {
    /// Write the current talk tracks and objection library to a
    /// callblock-playbook JSON file
    Export {
        /// The file to write
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Replace FILE if it exists
        #[arg(long)]
        force: bool,
        /// Print what was written as JSON
        #[arg(long)]
        json: bool,
    },
    /// Read a callblock-playbook JSON file: new versions where the text differs;
    /// a malformed or foreign file is refused and nothing changes
    Import {
        /// The file to read
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Report what would change and write nothing
        #[arg(long)]
        dry_run: bool,
        /// Print the report as JSON
        #[arg(long)]
        json: bool,
    },
}

/// Parse the arguments and run; returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // Help and version go to stdout with code 0; usage errors to stderr with 2,
            // always with the usage line of the command that was meant.
            let _ = e.print();
            if e.use_stderr() && !e.to_string().contains("Usage:") {
                let _ = writeln!(std::io::stderr(), "\n{}", usage_for(std::env::args_os()));
            }
            return e.exit_code();
        }
    };
    run(cli)
}

/// A headless command piped into `head` stops quietly when the reader goes
/// away, as command-line tools do, instead of panicking in `println!`.
fn quiet_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: restoring the default action of SIGPIPE has no memory-safety
    // preconditions; it is done before any other thread writes to stdout.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// The usage of the subcommand named in `args` (or of `callblock`).
fn usage_for(args: impl Iterator<Item = std::ffi::OsString>) -> String {
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    let named: Vec<String> = args
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let sub = named.iter().find_map(|a| {
        cmd.get_subcommands()
            .find(|c| c.get_name() == a)
            .map(|c| c.get_name().to_string())
    });
    match sub.and_then(|name| cmd.find_subcommand_mut(&name).map(|c| c.render_usage())) {
        Some(u) => u.to_string().replacen("Usage: ", "Usage: callblock ", 1),
        None => cmd.render_usage().to_string(),
    }
}

fn fail(message: impl std::fmt::Display) -> i32 {
    let _ = writeln!(std::io::stderr(), "callblock: error: {message}");
    1
}

/// The database path from `--db`/`$CALLBLOCK_DB`, else the default (whose
/// directory is created on first use).
pub fn db_path(flag: Option<PathBuf>) -> Result<PathBuf, String> {
    if let Some(p) = &flag {
        if p.as_os_str().is_empty() {
            return Err("--db: the path is empty".to_string());
        }
    }
    let (path, source) = paths::resolve_db_path(flag).ok_or_else(|| {
        "no app-data directory is known for this user; pass --db PATH".to_string()
    })?;
    if source == DbSource::Default {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| {
                format!(
                    "{}: cannot create the app-data directory ({e})",
                    dir.display()
                )
            })?;
        }
    }
    Ok(path)
}

fn open(path: &Path) -> Result<Store, String> {
    Store::open(path).map_err(|e| e.to_string())
}

pub fn run(cli: Cli) -> i32 {
    let path = match db_path(cli.db) {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    let Some(command) = cli.command else {
        return crate::gui::run(path);
    };
    quiet_on_closed_pipe();
    let result = match command {
        Command::Demo { seed, json } => run_demo(&path, seed, json),
        Command::Lists { json } => run_lists(&path, json),
        Command::Info { json } => run_info(&path, json),
        Command::Playbook(PlaybookCommand::Export { file, force, json }) => {
            run_playbook_export(&path, &file, force, json)
        }
        Command::Playbook(PlaybookCommand::Import {
            file,
            dry_run,
            json,
        }) => run_playbook_import(&path, &file, dry_run, json),
        Command::Plan(args) => match run_plan(&path, &args) {
            Err(PlanError::Usage(m)) => return usage_error("plan", &m),
            Err(PlanError::Failed(m)) => Err(m),
            Ok(()) => Ok(()),
        },
        Command::Schedule(ScheduleCommand::List { json }) => run_schedule_list(&path, json),
        Command::Schedule(ScheduleCommand::Export {
            output,
            force,
            json,
        }) => run_schedule_export(&path, &output, force, json),
        Command::Import(args) => run_import(&path, &args),
        Command::Export(ExportCommand::Prospects {
            theme,
            output,
            force,
            json,
        }) => run_export_prospects(&path, theme.as_deref(), &output, force, json),
        Command::Report(args) => run_report(&path, &args),
        Command::Export(ExportCommand::Calls {
            filter,
            format,
            output,
            force,
        }) => run_export_calls(&path, &filter, format.as_deref(), output.as_deref(), force),
        Command::Export(ExportCommand::Bundle {
            rep,
            from,
            to,
            output,
            force,
            json,
        }) => run_export_bundle(
            &path,
            rep.as_deref(),
            from.as_deref(),
            to.as_deref(),
            &output,
            force,
            json,
        ),
        Command::ImportBundle { files, json } => run_import_bundles(&path, &files, json),
    };
    match result {
        Ok(()) => 0,
        Err(e) => fail(e),
    }
}

/// A usage error found after parsing: the message, the subcommand's usage, exit 2.
fn usage_error(subcommand: &str, message: &str) -> i32 {
    let args = ["callblock", subcommand].map(std::ffi::OsString::from);
    let _ = writeln!(
        std::io::stderr(),
        "callblock: error: {message}\n\n{}",
        usage_for(args.into_iter())
    );
    2
}

fn print_json(value: &impl serde::Serialize) -> Result<(), String> {
    let s = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    match writeln!(std::io::stdout().lock(), "{s}") {
        // A reader that stopped early (`| head`) is not an error.
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write to the standard output ({e})"))
        }
        _ => Ok(()),
    }
}

fn run_demo(path: &Path, seed: u64, json: bool) -> Result<(), String> {
    let mut store = open(path)?;
    let summary = demo::fill(&mut store, seed, chrono::Utc::now()).map_err(|e| e.to_string())?;
    if json {
        return print_json(&summary);
    }
    println!(
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
    ready: u32,
    waiting: u32,
    callbacks_due: u32,
    meetings: u32,
    not_interested: u32,
    exhausted: u32,
    do_not_call: u32,
    bad_number: u32,
}

fn run_lists(path: &Path, json: bool) -> Result<(), String> {
    let store = open(path)?;
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
        println!(
            "No call lists yet in {}. Load the demo with `callblock demo`.",
            path.display()
        );
        return Ok(());
    }
    let width = rows
        .iter()
        .map(|r| r.name.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    println!(
        "{:<width$}  {:<9}  {:>9}  {:>5}  {:>7}  {:>9}  {:>8}  {:>9}  {:>3}",
        "THEME",
        "KIND",
        "PROSPECTS",
        "READY",
        "WAITING",
        "CALLBACKS",
        "MEETINGS",
        "EXHAUSTED",
        "DNC"
    );
    for r in rows {
        println!(
            "{:<width$}  {:<9}  {:>9}  {:>5}  {:>7}  {:>9}  {:>8}  {:>9}  {:>3}",
            r.name,
            r.kind.map(|k| k.as_str()).unwrap_or("-"),
            r.prospects,
            r.ready,
            r.waiting,
            r.callbacks_due,
            r.meetings,
            r.exhausted,
            r.do_not_call
        );
    }
    Ok(())
}

#[derive(serde::Serialize)]
struct InfoJson {
    database: String,
    schema_version: i64,
    themes: i64,
    prospects: i64,
    calls: i64,
}

fn run_info(path: &Path, json: bool) -> Result<(), String> {
    let store = open(path)?;
    let count = |table: &str| -> Result<i64, String> {
        store
            .conn()
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .map_err(|e| e.to_string())
    };
    let info = InfoJson {
        database: path.display().to_string(),
        schema_version: callblock_core::store::LATEST,
        themes: count("themes")?,
        prospects: count("prospects")?,
        calls: count("calls")?,
    };
    if json {
        return print_json(&info);
    }
    println!(
        "Database {} (schema version {}): {} themes, {} prospects, {} calls.",
        info.database, info.schema_version, info.themes, info.prospects, info.calls
    );
    Ok(())
}

fn run_playbook_export(db: &Path, file: &Path, force: bool, json: bool) -> Result<(), String> {
    let store = open(db)?;
    let summary =
        crate::commands_playbook::export_to(store.conn(), file, force).map_err(|e| match e {
            callblock_core::Error::Conflict(m) => format!("{m} (pass --force to replace it)"),
            e => e.to_string(),
        })?;
    if json {
        return print_json(&summary);
    }
    let n = |count: u32, one: &str, many: &str| {
        format!("{count} {}", if count == 1 { one } else { many })
    };
    println!(
        "Playbook exported to {}: {}, {}, {}.",
        summary.path,
        n(summary.talk_tracks, "talk track", "talk tracks"),
        n(summary.objections, "objection", "objections"),
        n(summary.overrides, "theme override", "theme overrides")
    );
    Ok(())
}

fn run_playbook_import(db: &Path, file: &Path, dry_run: bool, json: bool) -> Result<(), String> {
    use callblock_core::playbook::{ImportAction, ImportItemKind};
    let mut store = open(db)?;
    let report = crate::commands_playbook::import_from(&mut store, file, dry_run)
        .map_err(|e| e.to_string())?;
    if json {
        return print_json(&report);
    }
    println!("{}", report.summary);
    for item in report
        .items
        .iter()
        .filter(|i| i.action != ImportAction::Unchanged)
    {
        let kind = match item.kind {
            ImportItemKind::TalkTrack => "talk track",
            ImportItemKind::Objection => "objection",
            ImportItemKind::Response => "response",
            ImportItemKind::Override => "override",
        };
        let action = match item.action {
            ImportAction::Created => "created",
            ImportAction::NewVersion => "new version",
            ImportAction::Updated => "updated",
            ImportAction::Unchanged => "unchanged",
            ImportAction::Skipped => "skipped",
            ImportAction::HotkeyCleared => "hotkey freed",
        };
        let theme = item
            .theme
            .as_deref()
            .filter(|t| *t != item.name)
            .map(|t| format!(" [{t}]"))
            .unwrap_or_default();
        let version = item.version.map(|v| format!(" v{v}")).unwrap_or_default();
        let detail = if item.detail.is_empty() {
            String::new()
        } else {
            format!(": {}", item.detail)
        };
        println!("  {action}{version}  {kind} {}{theme}{detail}", item.name);
    }
    for w in &report.warnings {
        println!("  warning: {}: {}", w.section, w.message);
    }
    Ok(())
}

// -- Plan ----------------------------------------------------------------------

enum PlanError {
    /// A usage error: exit 2 with the usage.
    Usage(String),
    /// Refused or failed: exit 1.
    Failed(String),
}

impl From<String> for PlanError {
    fn from(m: String) -> Self {
        PlanError::Failed(m)
    }
}

impl From<callblock_core::Error> for PlanError {
    fn from(e: callblock_core::Error) -> Self {
        PlanError::Failed(e.to_string())
    }
}

/// What `plan --json` prints: the plan's figures at the top level, the rep,
/// whether it is the saved plan, and the period's progress when it is.
#[derive(serde::Serialize)]
struct PlanJson {
    rep: String,
    #[serde(flatten)]
    plan: PlanResult,
    /// The saved plan shown (or just saved); `None` for a plan not saved.
    saved_plan_id: Option<String>,
    progress: Option<ProgressJson>,
}

#[derive(serde::Serialize)]
struct ProgressJson {
    as_of: String,
    elapsed_working_days: u32,
    remaining_working_days: u32,
    stages: Vec<plan::ProgressStage>,
    blocks_started: u32,
    blocks_completed: u32,
    meetings_behind: i32,
    extra_blocks_this_week: u32,
    scheduled_blocks_past: u32,
    missed_blocks: u32,
    this_week: plan::WeekSoFar,
    summary: String,
}

impl From<PlanProgress> for ProgressJson {
    fn from(p: PlanProgress) -> Self {
        ProgressJson {
            as_of: callblock_core::time::to_db(p.as_of),
            elapsed_working_days: p.elapsed_working_days,
            remaining_working_days: p.remaining_working_days,
            stages: p.stages,
            blocks_started: p.blocks_started,
            blocks_completed: p.blocks_completed,
            meetings_behind: p.meetings_behind,
            extra_blocks_this_week: p.extra_blocks_this_week,
            scheduled_blocks_past: p.scheduled_blocks_past,
            missed_blocks: p.missed_blocks.len() as u32,
            this_week: p.this_week,
            summary: p.summary,
        }
    }
}

fn run_plan(path: &Path, a: &PlanArgs) -> Result<(), PlanError> {
    let mut store = open(path)?;
    let now = callblock_core::time::now();
    let rep = commands_plan::require_rep(store.conn())?;
    let today = commands_plan::today_for(Some(&rep), now);
    let saved = plan::current_plan(store.conn(), &rep.id, today)?;
    let base = saved.as_ref().map(|p| &p.inputs);
    let (quota, deal_size) = match (
        a.quota.or(base.map(|b| b.quota)),
        a.deal_size.or(base.map(|b| b.deal_size)),
    ) {
        (Some(q), Some(d)) => (q, d),
        _ => {
            return Err(PlanError::Usage(format!(
                "{} has no plan for this period yet: pass --quota AMOUNT and --deal-size AMOUNT",
                rep.name
            )))
        }
    };
    let mut overrides = base.map(|b| b.overrides.clone()).unwrap_or_default();
    for (flag, slot) in [
        (a.rate_connect, &mut overrides.dial_to_connect),
        (a.rate_conversation, &mut overrides.connect_to_conversation),
        (a.rate_meeting, &mut overrides.conversation_to_meeting),
        (a.rate_opportunity, &mut overrides.meeting_to_opportunity),
        (a.dials_per_block, &mut overrides.dials_per_block),
    ] {
        if flag.is_some() {
            *slot = flag;
        }
    }
    let form = PlanForm {
        period: a
            .period
            .map(Period::from)
            .or(base.map(|b| b.period))
            .unwrap_or(Period::Month),
        quota,
        deal_size,
        close_ratio: a
            .close_ratio
            .or(base.map(|b| b.close_ratio))
            .unwrap_or(plan::DEFAULT_CLOSE_RATIO),
        overrides,
    };
    let result = commands_plan::preview(store.conn(), &form, now).map_err(|e| {
        // Name the flag that set a rate, not the core's field.
        let mut m = e.to_string();
        for (field, flag) in [
            ("rate dial_to_connect", "--rate-connect"),
            ("rate connect_to_conversation", "--rate-conversation"),
            ("rate conversation_to_meeting", "--rate-meeting"),
            ("rate meeting_to_opportunity", "--rate-opportunity"),
            ("dials per block", "--dials-per-block"),
        ] {
            if let Some(rest) = m.strip_prefix(field) {
                m = format!("{flag}{rest}");
            }
        }
        PlanError::Failed(m)
    })?;
    let shown = if a.save {
        Some(commands_plan::save(&mut store, &form, now)?)
    } else {
        saved.filter(|p| p.inputs == form.inputs(today))
    };
    let settings = callblock_core::settings::load(store.conn())?;
    let progress = match &shown {
        Some(p) => Some(plan::progress(store.conn(), p, now, &settings)?),
        None => None,
    };
    if a.json {
        return Ok(print_json(&PlanJson {
            rep: rep.name,
            plan: result,
            saved_plan_id: shown.map(|p| p.id),
            progress: progress.map(ProgressJson::from),
        })?);
    }
    print_plan(&rep.name, &result, progress.as_ref(), a.save);
    Ok(())
}

fn thousands(v: f64) -> String {
    let whole = v.round() as i64;
    let digits = whole.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if whole < 0 {
        format!("-{out}")
    } else {
        out
    }
}

fn share(v: f64) -> String {
    let p = v * 100.0;
    if (p - p.round()).abs() < 0.05 {
        format!("{p:.0} %")
    } else {
        format!("{p:.1} %")
    }
}

fn print_plan(rep: &str, p: &PlanResult, progress: Option<&PlanProgress>, just_saved: bool) {
    println!(
        "Plan for {rep}: the {} of {} to {} ({} working days){}",
        p.period.as_str(),
        p.starts_on,
        p.ends_on,
        p.working_days,
        if just_saved { ", saved" } else { "" }
    );
    println!(
        "Quota {} at {} a deal, {}:1 close ratio.",
        thousands(p.quota),
        thousands(p.deal_size),
        p.close_ratio
    );
    println!();
    println!(
        "{:<15} {:>10} {:>10} {:>13}",
        "NEEDED", "PERIOD", "PER WEEK", "PER WORK DAY"
    );
    let rows = [
        ("Wins", p.wins, p.per_week.wins, p.per_working_day.wins),
        (
            "Opportunities",
            p.opportunities,
            p.per_week.opportunities,
            p.per_working_day.opportunities,
        ),
        (
            "Meetings",
            p.meetings,
            p.per_week.meetings,
            p.per_working_day.meetings,
        ),
        (
            "Conversations",
            p.conversations,
            p.per_week.conversations,
            p.per_working_day.conversations,
        ),
        (
            "Connects",
            p.connects,
            p.per_week.connects,
            p.per_working_day.connects,
        ),
        ("Dials", p.dials, p.per_week.dials, p.per_working_day.dials),
        ("Blocks", p.blocks, p.blocks_per_week, p.blocks_per_day),
    ];
    for (label, total, week, day) in rows {
        println!(
            "{label:<15} {:>10} {:>10} {:>13}",
            thousands(f64::from(total)),
            thousands(f64::from(week)),
            thousands(f64::from(day))
        );
    }
    println!();
    println!(
        "{} blocks a week of {} minutes = {:.1} calling hours, {} of your {:.0} selling hours a week.",
        p.blocks_per_week,
        p.block_minutes,
        p.block_hours_per_week,
        share(p.selling_hours_share),
        p.selling_hours_per_week
    );
    println!();
    println!("Rates:");
    let r = &p.rates;
    for (label, rate) in [
        ("Dials that connect", &r.dial_to_connect),
        ("Connects -> conversations", &r.connect_to_conversation),
        ("Conversations -> meetings", &r.conversation_to_meeting),
        ("Meetings -> opportunities", &r.meeting_to_opportunity),
    ] {
        println!(
            "  {label:<26} {:>7}  {:<10} {}",
            share(rate.value),
            source_word(rate.source),
            rate.basis
        );
    }
    println!(
        "  {:<26} {:>7.1}  {:<10} {}",
        "Dials per block",
        r.dials_per_block.value,
        source_word(r.dials_per_block.source),
        r.dials_per_block.basis
    );
    println!();
    for note in &p.notes {
        println!("- {note}");
    }
    if let Some(pr) = progress {
        println!();
        println!(
            "Progress ({} of {} working days done): {}",
            pr.elapsed_working_days, p.working_days, pr.summary
        );
        for st in &pr.stages {
            println!(
                "  {:<15} {:>7} of {:>7}, {:>7} expected by now",
                st.stage,
                thousands(f64::from(st.actual)),
                thousands(f64::from(st.target)),
                thousands(f64::from(st.expected_by_now))
            );
        }
        let w = &pr.this_week;
        println!(
            "  This week (from {}): {} dials, {} meetings, {} blocks of {} a week.",
            w.starts_on,
            thousands(f64::from(w.dials)),
            w.meetings,
            w.blocks_started,
            p.blocks_per_week
        );
    }
}

fn source_word(s: RateSource) -> &'static str {
    match s {
        RateSource::History => "history",
        RateSource::Benchmark => "benchmark",
        RateSource::Assumption => "assumption",
        RateSource::User => "yours",
    }
}

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

fn run_schedule_list(path: &Path, json: bool) -> Result<(), String> {
    let store = open(path)?;
    let rep = commands_plan::require_rep(store.conn()).map_err(|e| e.to_string())?;
    let view = commands_plan::schedule(store.conn(), callblock_core::time::now())
        .map_err(|e| e.to_string())?;
    if json {
        return print_json(&view.slots);
    }
    if view.slots.is_empty() {
        println!(
            "{} has no slots in the week yet. Add them in the Plan view.",
            rep.name
        );
        return Ok(());
    }
    for s in &view.slots {
        let slot = &s.slot;
        println!(
            "{} {}-{}  {:<5}  {}  {}",
            WEEKDAYS[usize::from(slot.weekday.min(6))],
            plan::hhmm(slot.start_minute),
            plan::hhmm(slot.start_minute + slot.minutes),
            slot.kind.as_str(),
            slot.time_zone,
            slot.theme_name.as_deref().unwrap_or("-")
        );
        for w in &s.warnings {
            println!("    warning: {w}");
        }
    }
    Ok(())
}

fn run_schedule_export(path: &Path, file: &Path, force: bool, json: bool) -> Result<(), String> {
    let store = open(path)?;
    let out = commands_plan::export_ics(store.conn(), file, force, callblock_core::time::now())
        .map_err(|e| match e {
            callblock_core::Error::Conflict(m) => format!("{m} (pass --force to replace it)"),
            e => e.to_string(),
        })?;
    if json {
        return print_json(&out);
    }
    println!(
        "Schedule exported to {}: {} block {}, {} preparation {}.",
        out.path,
        out.blocks,
        if out.blocks == 1 { "slot" } else { "slots" },
        out.prep,
        if out.prep == 1 { "slot" } else { "slots" }
    );
    Ok(())
}

// -- Review --------------------------------------------------------------------

/// The filter the arguments describe; names are resolved (an unknown one is an
/// error that lists the valid ones).
pub fn report_filter(
    conn: &rusqlite::Connection,
    a: &FilterArgs,
) -> callblock_core::Result<ReportFilter> {
    let (from, to) = reports::parse_period(a.from.as_deref(), a.to.as_deref())?;
    let duration = a
        .duration
        .as_deref()
        .map(reports::DurationBand::parse)
        .transpose()?;
    let objection_id = a
        .objection
        .as_deref()
        .map(|o| reports::resolve_objection(conn, o))
        .transpose()?;
    Ok(ReportFilter {
        from,
        to,
        rep_ids: a
            .rep
            .iter()
            .map(|r| resolve_rep(conn, r))
            .collect::<callblock_core::Result<_>>()?,
        theme_ids: a
            .theme
            .iter()
            .map(|t| {
                reports::resolve_theme(conn, t)
                    .or_else(|e| unique_prefix(conn, "SELECT id, name FROM themes", t)?.ok_or(e))
            })
            .collect::<callblock_core::Result<_>>()?,
        outcomes: a
            .outcome
            .iter()
            .map(|o| {
                Outcome::parse(o).map_err(|_| {
                    callblock_core::Error::invalid(
                        "--outcome",
                        format!(
                            "{o:?} is not an outcome; use one of: {}",
                            Outcome::ALL
                                .iter()
                                .map(|o| o.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )
                })
            })
            .collect::<callblock_core::Result<_>>()?,
        duration,
        objection_id,
        text: a.search.clone().filter(|t| !t.trim().is_empty()),
    })
}

/// The id of the only row of `sql` (id, name) whose name starts with `typed`
/// (case-insensitive), so that `--rep sam` finds "Sam Okafor".
fn unique_prefix(
    conn: &rusqlite::Connection,
    sql: &str,
    typed: &str,
) -> callblock_core::Result<Option<String>> {
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

/// A rep by name, id, or the start of a name that only one rep has.
pub fn resolve_rep(conn: &rusqlite::Connection, typed: &str) -> callblock_core::Result<String> {
    reports::resolve_rep(conn, typed)
        .or_else(|e| unique_prefix(conn, "SELECT id, name FROM reps", typed)?.ok_or(e))
}

fn run_report(db: &Path, args: &ReportArgs) -> Result<(), String> {
    let store = open(db)?;
    let conn = store.conn();
    let report = (|| {
        let filter = report_filter(conn, &args.filter)?;
        let by = args.by.as_deref().map(GroupBy::parse).transpose()?;
        let settings = callblock_core::settings::load(conn)?;
        reports::report(conn, &filter, by, &settings)
    })()
    .map_err(|e| e.to_string())?;
    if args.json {
        return print_json(&report);
    }
    print!("{}", report_text(&report));
    Ok(())
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
    if let (Some(by), Some(groups)) = (r.by, &r.groups) {
        let _ = writeln!(out);
        let head = by.as_str().to_uppercase();
        let width = groups
            .iter()
            .map(|g| g.label.chars().count())
            .max()
            .unwrap_or(0)
            .max(head.len());
        let _ = writeln!(
            out,
            "{head:<width$}  {:>7}  {:>8}  {:>13}  {:>8}  {:>12}  {:>16}",
            "DIALS", "CONNECTS", "CONVERSATIONS", "MEETINGS", "CONNECT RATE", "MEETINGS/CONNECT"
        );
        for g in groups {
            let pct = |x: &reports::Rate| {
                x.value
                    .map(|v| format!("{:.1} %", v * 100.0))
                    .unwrap_or_else(|| "-".into())
            };
            let _ = writeln!(
                out,
                "{:<width$}  {:>7}  {:>8}  {:>13}  {:>8}  {:>12}  {:>16}",
                g.label,
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
    for d in &r.definitions {
        let _ = writeln!(out, "  - {d}");
    }
    out
}

fn run_export_calls(
    db: &Path,
    filter: &FilterArgs,
    format: Option<&str>,
    output: Option<&Path>,
    force: bool,
) -> Result<(), String> {
    let store = open(db)?;
    let conn = store.conn();
    let filter = report_filter(conn, filter).map_err(|e| e.to_string())?;
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
            let saved = crate::commands_review::export_calls_to(conn, &filter, format, path, force)
                .map_err(|e| match e {
                    callblock_core::Error::Conflict(m) => {
                        format!("{m} (pass --force to replace it)")
                    }
                    e => e.to_string(),
                })?;
            println!(
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

fn run_export_bundle(
    db: &Path,
    rep: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    output: &Path,
    force: bool,
    json: bool,
) -> Result<(), String> {
    let store = open(db)?;
    let conn = store.conn();
    let summary = (|| {
        let rep_id = crate::commands_review::bundle_rep(conn, rep)?;
        crate::commands_review::export_bundle_to(conn, &rep_id, from, to, output, force)
    })()
    .map_err(|e| match e {
        callblock_core::Error::Conflict(m) => format!("{m} (pass --force to replace it)"),
        e => e.to_string(),
    })?;
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
    println!(
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

fn run_import_bundles(db: &Path, files: &[PathBuf], json: bool) -> Result<(), String> {
    let mut store = open(db)?;
    let reports = crate::commands_review::import_bundle_files(&mut store, files)
        .map_err(|e| e.to_string())?;
    if json {
        return print_json(&reports);
    }
    for r in &reports {
        if r.unchanged {
            println!(
                "{}: {}'s {} calls were already imported; nothing changed.",
                r.source, r.rep_name, r.calls.in_bundle
            );
            continue;
        }
        println!(
            "{}: {}'s calls imported: {} calls added ({} already present), {} blocks, {} prospects, {} meetings added.",
            r.source,
            r.rep_name,
            r.calls.added,
            r.calls.already_present,
            r.blocks.added,
            r.prospects.added,
            r.meetings.added
        );
        if !r.themes_added.is_empty() {
            println!("  new themes: {}", r.themes_added.join(", "));
        }
        if !r.objections_added.is_empty() {
            println!("  new objections: {}", r.objections_added.join(", "));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn amounts_take_separators_signs_and_suffixes() {
        assert_eq!(parse_amount("120000"), Ok(120_000.0));
        assert_eq!(parse_amount("120,000"), Ok(120_000.0));
        assert_eq!(parse_amount("$120_000.50"), Ok(120_000.5));
        assert_eq!(parse_amount("120k"), Ok(120_000.0));
        assert_eq!(parse_amount("1.5M"), Ok(1_500_000.0));
        assert_eq!(parse_amount("-5"), Ok(-5.0));
        assert!(parse_amount("lots").is_err());
        assert!(parse_amount("").is_err());
        assert!(parse_amount("inf").is_err());
    }
}

// -- Import and export -----------------------------------------------------------

/// What `import --json` prints: the report, the file's format and the mapping used.
#[derive(serde::Serialize)]
struct ImportJson {
    #[serde(flatten)]
    report: callblock_core::import::ImportReport,
    format: &'static str,
    /// Field -> column header.
    mapping: std::collections::BTreeMap<&'static str, String>,
}

fn theme_choice(args: &ImportArgs) -> callblock_core::import::ThemeChoice {
    use callblock_core::import::{Field, ThemeChoice};
    if let Some(name) = &args.theme {
        return ThemeChoice::Named(name.clone());
    }
    let Some(by) = args.theme_by.as_deref().map(str::trim) else {
        return ThemeChoice::None;
    };
    // "industry", "state", "title" and the like group by the field, whatever
    // its column is called; any other name is a column ("Lead Source").
    match by.to_ascii_lowercase().as_str() {
        "role" | "title_family" | "title-family" | "titlefamily" => {
            ThemeChoice::Field(Field::Title)
        }
        "size" | "employee_band" => ThemeChoice::Field(Field::Employees),
        "geography" => ThemeChoice::Field(Field::Region),
        "vertical" => ThemeChoice::Field(Field::Industry),
        _ => match Field::parse(by) {
            Ok(f) => ThemeChoice::Field(f),
            // Any other column: one theme per value.
            Err(_) => ThemeChoice::Column(by.to_string()),
        },
    }
}

fn run_import(db: &Path, args: &ImportArgs) -> Result<(), String> {
    use callblock_core::import::{self, ImportOptions, OnRejects};
    use std::io::IsTerminal;
    // The file first: a file that cannot be read changes nothing, not even
    // creating the database.
    let source = import::read_file(&args.file).map_err(|e| e.to_string())?;
    let mut store = open(db)?;
    let settings = callblock_core::settings::load(store.conn()).map_err(|e| e.to_string())?;
    let mut opts = ImportOptions::new(&source, &settings);
    opts.mapping
        .apply_overrides(&source.path, &args.map)
        .map_err(|e| e.to_string())?;
    opts.theme = theme_choice(args);
    if let callblock_core::import::ThemeChoice::Field(f) = opts.theme {
        if opts.mapping.column(f).is_none() {
            return Err(format!(
                "{}: --theme-by {}: no column is mapped to {f}; map one with --map {f}=HEADER",
                source.path.display(),
                args.theme_by.as_deref().unwrap_or_default()
            ));
        }
    }
    if let Some(r) = &args.region {
        opts.region = r.clone();
    }
    opts.dry_run = args.dry_run;
    opts.retheme_existing = args.retheme;
    if args.all_or_nothing {
        opts.on_rejects = OnRejects::ImportNothing;
    }
    let tty = std::io::stderr().is_terminal() && !args.json;
    let mut progress = |p: import::Progress| {
        if tty {
            let _ = write!(
                std::io::stderr(),
                "\r{} {:>3.0} % ({} rows)",
                if args.dry_run {
                    "Checking"
                } else {
                    "Importing"
                },
                p.fraction * 100.0,
                thousands(f64::from(p.rows_read))
            );
        }
        true
    };
    let result = import::run(&mut store, &source, &opts, &mut progress);
    if tty {
        let _ = write!(std::io::stderr(), "\r{:40}\r", "");
    }
    let report = result.map_err(|e| e.to_string())?;
    let format = import::source_format(&source.headers);
    if args.json {
        return print_json(&ImportJson {
            mapping: opts
                .mapping
                .entries
                .iter()
                .map(|e| (e.field.as_str(), e.header.clone()))
                .collect(),
            report,
            format,
        });
    }
    print_import(&report, format, &source, &opts);
    Ok(())
}

fn print_import(
    r: &callblock_core::import::ImportReport,
    format: &str,
    source: &callblock_core::import::SourceFile,
    opts: &callblock_core::import::ImportOptions,
) {
    use callblock_core::import::OnRejects;
    let n = |count: u32, one: &str, many: &str| {
        format!(
            "{} {}",
            thousands(f64::from(count)),
            if count == 1 { one } else { many }
        )
    };
    let what = format!(
        "{} read ({} export, {}, {}): {} new, {} updated, {} rejected",
        n(r.rows_read, "row", "rows"),
        match format {
            "hubspot" => "HubSpot",
            "salesforce" => "Salesforce",
            "apollo" => "Apollo",
            "pipedrive" => "Pipedrive",
            "zoominfo" => "ZoomInfo",
            _ => "CSV",
        },
        source.encoding.label(),
        source.delimiter.label(),
        thousands(f64::from(r.imported)),
        thousands(f64::from(r.updated)),
        thousands(f64::from(r.rejected_count)),
    );
    if r.dry_run {
        println!("Dry run of {}: nothing was written.", r.file);
        println!("{what}.");
    } else if r.committed {
        println!("Imported {}.", r.file);
        println!("{what}.");
    } else if opts.on_rejects == OnRejects::ImportNothing && r.rejected_count > 0 {
        println!(
            "Nothing was imported from {}: {} rejected and --all-or-nothing was given.",
            r.file,
            n(r.rejected_count, "row was", "rows were")
        );
        println!("{what}.");
    }
    let mapped: Vec<String> = opts
        .mapping
        .entries
        .iter()
        .map(|e| format!("{}={:?}", e.field.as_str(), e.header))
        .collect();
    println!("Columns: {}", mapped.join(", "));
    if r.rejected_count > 0 {
        println!();
        println!("Rejected rows:");
        for issue in &r.rejected {
            println!("  line {}: {}", issue.line, issue.reason);
        }
        if r.rejected_count as usize > r.rejected.len() {
            println!(
                "  ... and {} more",
                r.rejected_count as usize - r.rejected.len()
            );
        }
    }
    if !r.themes.is_empty() {
        println!();
        println!("Themes:");
        let width = r
            .themes
            .keys()
            .map(|k| k.chars().count())
            .max()
            .unwrap_or(5);
        for (name, count) in &r.themes {
            println!("  {name:<width$}  {:>7}", thousands(f64::from(*count)));
        }
        if r.unthemed > 0 {
            println!(
                "  {:<width$}  {:>7}",
                "(no theme)",
                thousands(f64::from(r.unthemed))
            );
        }
    }
    if r.warning_count > 0 {
        println!();
        println!(
            "{} with a remark (kept; --json lists them), e.g. line {}: {}",
            n(r.warning_count, "row imported", "rows imported"),
            r.warnings.first().map(|w| w.line).unwrap_or(0),
            r.warnings.first().map(|w| w.reason.as_str()).unwrap_or("")
        );
    }
    if r.time_zone_unknown > 0 {
        println!(
            "{} no known time zone (no zone or location in the file).",
            n(r.time_zone_unknown, "prospect has", "prospects have")
        );
    }
}

/// The id of the (live) theme named `name`, ignoring case.
fn theme_id_by_name(conn: &rusqlite::Connection, name: &str) -> Result<String, String> {
    let themes = lists::themes(conn).map_err(|e| e.to_string())?;
    let wanted = name.trim();
    themes
        .iter()
        .find(|t| t.name.to_lowercase() == wanted.to_lowercase())
        .map(|t| t.id.clone())
        .ok_or_else(|| {
            if themes.is_empty() {
                format!("no theme named {wanted:?}: this database has no themes yet")
            } else {
                format!(
                    "no theme named {wanted:?}; the themes are: {}",
                    themes
                        .iter()
                        .map(|t| format!("{:?}", t.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        })
}

fn run_export_prospects(
    db: &Path,
    theme: Option<&str>,
    output: &Path,
    force: bool,
    json: bool,
) -> Result<(), String> {
    use callblock_core::export::ExportScope;
    let store = open(db)?;
    let scope = match theme {
        Some(name) => ExportScope::Theme(theme_id_by_name(store.conn(), name)?),
        None => ExportScope::All,
    };
    crate::commands_import::check_export_path(output, force).map_err(|e| match e {
        callblock_core::Error::Conflict(m) => format!("{m} (pass --force to replace it)"),
        e => e.to_string(),
    })?;
    let count = callblock_core::export::export_prospects(store.conn(), output, &scope)
        .map_err(|e| e.to_string())?;
    if json {
        return print_json(&crate::commands_import::ProspectExport {
            path: output.display().to_string(),
            prospects: count,
        });
    }
    println!(
        "Exported {} {} to {}.",
        thousands(f64::from(count)),
        if count == 1 { "prospect" } else { "prospects" },
        output.display()
    );
    Ok(())
}
