//! The command line. `callblock` alone opens the window; the subcommands work
//! without a display, for scripting and tests. Exit codes: 0 success, 1 an
//! error with a one-line message on stderr, 2 a usage error (unknown command
//! or flag) with the usage.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use callblock_core::paths::{self, DbSource};
use callblock_core::plan::{self, Period, PlanProgress, PlanResult, RateSource};
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
    /// Write data out as files
    #[command(subcommand)]
    Export(ExportCommand),
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

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
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
