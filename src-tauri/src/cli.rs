//! The command line. `callblock` alone opens the window; the subcommands work
//! without a display, for scripting and tests. Exit codes: 0 success, 1 an
//! error with a one-line message on stderr, 2 a usage error (unknown command
//! or flag) with the usage.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use callblock_core::paths::{self, DbSource};
use callblock_core::{demo, lists, Store};

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
    };
    match result {
        Ok(()) => 0,
        Err(e) => fail(e),
    }
}

fn print_json(value: &impl serde::Serialize) -> Result<(), String> {
    let s = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    println!("{s}");
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
