//! The command line. `callblock` alone opens the window; the subcommands work
//! without a display, for scripting and tests. Exit codes: 0 success, 1 an
//! error with a one-line message on stderr, 2 a usage error (unknown command
//! or flag) with the usage.
//!
//! Each subcommand parses its arguments, calls the core (`callblock_core::api`
//! for what the window shares) and prints the result: one module per area.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use callblock_core::paths::{self, DbSource};
use callblock_core::Store;

#[macro_use]
mod output;
mod dnc;
mod lists;
mod plan;
mod playbook;
mod review;
mod team;

use dnc::DncCommand;
use lists::ImportArgs;
use plan::{PlanArgs, PlanError, ScheduleCommand};
use playbook::PlaybookCommand;
use review::{FilterArgs, ReportArgs};
use team::TeamCommand;

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
    /// The current rep's plan: from quota, less the wins to date and what the
    /// open pipeline should bring, to wins, opportunities, meetings,
    /// conversations, connects, dials and blocks per week, and the selling
    /// hours split across the work. Without --quota and --deal-size, the plan
    /// saved for this period (with its progress)
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
    /// The do-not-call list: its numbers and e-mails, and one put on it by
    /// hand. Nobody on it is dialled again
    #[command(subcommand)]
    Dnc(DncCommand),
    /// The team store: a PostgreSQL database the reps' calls sync to, and a
    /// manager's review of the whole team reads from
    #[command(subcommand)]
    Team(TeamCommand),
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
    let _ = writeln!(
        std::io::stderr(),
        "{}",
        output::error_line(&message.to_string())
    );
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

/// The database for a command that may write it (see [`Store::open_to_write`]).
fn open(path: &Path) -> Result<Store, String> {
    Store::open_to_write(path).map_err(|e| e.to_string())
}

/// The database for a command that only reads it (see [`Store::open_to_read`]).
fn open_to_read(path: &Path) -> Result<Store, String> {
    Store::open_to_read(path).map_err(|e| e.to_string())
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
        Command::Demo { seed, json } => lists::run_demo(&path, seed, json),
        Command::Lists { json } => lists::run_lists(&path, json),
        Command::Info { json } => lists::run_info(&path, json),
        Command::Playbook(PlaybookCommand::Export { file, force, json }) => {
            playbook::run_export(&path, &file, force, json)
        }
        Command::Playbook(PlaybookCommand::Import {
            file,
            dry_run,
            json,
        }) => playbook::run_import(&path, &file, dry_run, json),
        Command::Plan(args) => match plan::run_plan(&path, &args) {
            Err(PlanError::Usage(m)) => return usage_error("plan", &m),
            Err(PlanError::Failed(m)) => Err(m),
            Ok(()) => Ok(()),
        },
        Command::Schedule(ScheduleCommand::List { json }) => plan::run_schedule_list(&path, json),
        Command::Schedule(ScheduleCommand::Export {
            output,
            force,
            json,
        }) => plan::run_schedule_export(&path, &output, force, json),
        Command::Import(args) => lists::run_import(&path, &args),
        Command::Export(ExportCommand::Prospects {
            theme,
            output,
            force,
            json,
        }) => lists::run_export_prospects(&path, theme.as_deref(), &output, force, json),
        Command::Report(args) => review::run_report(&path, &args),
        Command::Export(ExportCommand::Calls {
            filter,
            format,
            output,
            force,
        }) => review::run_export_calls(&path, &filter, format.as_deref(), output.as_deref(), force),
        Command::Export(ExportCommand::Bundle {
            rep,
            from,
            to,
            output,
            force,
            json,
        }) => review::run_export_bundle(
            &path,
            rep.as_deref(),
            from.as_deref(),
            to.as_deref(),
            &output,
            force,
            json,
        ),
        Command::ImportBundle { files, json } => review::run_import_bundles(&path, &files, json),
        Command::Dnc(command) => dnc::run(&path, command),
        Command::Team(command) => team::run(&path, command),
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
        "{}\n\n{}",
        output::error_line(message),
        usage_for(args.into_iter())
    );
    2
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
