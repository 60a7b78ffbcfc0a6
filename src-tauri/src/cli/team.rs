//! `callblock team connect|add-rep|status|sync|publish|withdraw|playbook|disconnect`: the team store
//! (PostgreSQL) from the command line. The window syncs by itself; these are
//! for scripts, for a rep who works from a terminal and for the store's
//! owner, who creates the reps' roles.

use std::io::BufRead;
use std::path::Path;
use std::time::Duration;

use clap::Subcommand;

use callblock_team::{self as team, block_on, TeamError};

use super::output::{count, print_json};
use super::{open, open_to_read};

#[derive(Debug, Subcommand)]
pub enum TeamCommand {
    /// Link this database to a team store: checks the server, creates or
    /// updates its schema (as the database's owner), registers this rep
    /// under the role, keeps the password apart from the database (a file
    /// only you can read) and queues the history to be pushed
    #[command(
        after_help = "URL is a PostgreSQL connection string: postgres://ROLE[:PASSWORD]@HOST[:PORT]/DATABASE\
                      [?sslmode=disable|prefer|require|verify-full[&sslrootcert=FILE]]. With verify-full the \
                      server's certificate must chain to the system's roots (or FILE) and name HOST."
    )]
    Connect {
        /// The connection string
        #[arg(value_name = "URL")]
        url: String,
        /// Print what was done as JSON
        #[arg(long)]
        json: bool,
    },
    /// Create a rep's login role in the team store (as its owner, or a
    /// role that may create roles); an existing role is given the team's
    /// rights
    AddRep {
        /// The role's name, which the rep connects as
        #[arg(value_name = "ROLE")]
        role: String,
        /// A manager: reads the whole team's calls
        #[arg(long)]
        manager: bool,
        /// Read the role's password from the first line of standard input
        #[arg(long)]
        password_stdin: bool,
    },
    /// The link, what waits to be pushed, and the server's answer (within a
    /// few seconds, whether or not it can be reached)
    Status {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Push what waits and pull what is new, once
    Sync {
        /// Print what was done as JSON
        #[arg(long)]
        json: bool,
    },
    /// Publish themes and their callable prospects (with their numbers) to
    /// the team, as a manager: every rep's copy takes them in on its next
    /// sync, and their blocks lease each lead to one rep at a time
    #[command(arg_required_else_help = true)]
    Publish {
        /// The themes' names, as `callblock lists` shows them
        #[arg(value_name = "THEME")]
        themes: Vec<String>,
        /// Publish this database's playbook (talk tracks, objections,
        /// responses) as the team's next version: reps who have not
        /// changed theirs take it in; the others choose
        #[arg(long)]
        playbook: bool,
        /// Print what was done as JSON
        #[arg(long)]
        json: bool,
    },
    /// Take leads off the team's lists, as a manager: the published
    /// prospects of the themes named, and those of `--prospect`; nobody is
    /// leased them from now on and every rep's copy stops drawing them on
    /// its next sync (publishing again brings them back)
    #[command(arg_required_else_help = true)]
    Withdraw {
        /// The themes' names, as `callblock lists` shows them
        #[arg(value_name = "THEME")]
        themes: Vec<String>,
        /// A prospect's id (the `id` column of `callblock export`); repeat
        /// for more
        #[arg(long = "prospect", value_name = "ID")]
        prospects: Vec<String>,
        /// Print what was done as JSON
        #[arg(long)]
        json: bool,
    },
    /// The team's playbook: its newest version, the one this copy took,
    /// and whether yours was changed since
    Playbook {
        /// Take the team's newest version in (your versions stay in the
        /// history)
        #[arg(long)]
        take: bool,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Forget the link and its password (the store keeps what it holds)
    Disconnect,
}

/// The ids of the themes named `names` here (exactly, else ignoring case).
fn theme_ids(store: &callblock_core::Store, names: &[String]) -> Result<Vec<String>, String> {
    let all = callblock_core::lists::themes(store.conn()).map_err(|e| e.to_string())?;
    names
        .iter()
        .map(|name| {
            all.iter()
                .find(|t| t.name == *name)
                .or_else(|| all.iter().find(|t| t.name.eq_ignore_ascii_case(name)))
                .map(|t| t.id.clone())
                .ok_or_else(|| {
                    format!(
                        "no theme is named {} here; `callblock lists` shows the themes",
                        callblock_core::quote::quoted(name)
                    )
                })
        })
        .collect()
}

fn message(e: TeamError) -> String {
    e.to_string()
}

pub fn run(db: &Path, command: TeamCommand) -> Result<(), String> {
    let secrets = team::config::secrets_path();
    match command {
        TeamCommand::Connect { url, json } => {
            let mut store = open(db)?;
            let r = block_on(team::connect(&mut store, &url, &secrets)).map_err(message)?;
            if json {
                return print_json(&r);
            }
            let who = if r.manager { "a manager" } else { "a rep" };
            say!("Connected to {} as {} ({who}).", r.store, r.role);
            match r.schema_migrated_from {
                Some(None) => say!("Team schema version {} created.", r.schema_version),
                Some(Some(v)) => say!(
                    "Team schema brought from version {v} to {}.",
                    r.schema_version
                ),
                None => {}
            }
            if let Some(rep) = &r.rep {
                say!("Calling as {rep}.");
            }
            match r.password_kept {
                Some(team::config::Kept::Keyring) => say!(
                    "The password is kept in the system keyring (Secret Service), not in the database."
                ),
                Some(team::config::Kept::File) => say!(
                    "The password is kept in {} (only you can read it; no system keyring here), not in the database.",
                    secrets.display()
                ),
                None => {}
            }
            if r.queued > 0 {
                say!(
                    "{} queued to push: `callblock team sync` sends them now; the window sends them by itself.",
                    count(r.queued, "call or block", "calls and blocks")
                );
            }
            Ok(())
        }
        TeamCommand::AddRep {
            role,
            manager,
            password_stdin,
        } => {
            let store = open_to_read(db)?;
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .lock()
                    .read_line(&mut line)
                    .map_err(|e| format!("standard input: {e}"))?;
                let p = line.trim_end_matches(['\r', '\n']).to_string();
                if p.is_empty() {
                    return Err(
                        "--password-stdin: the first line of standard input is empty".into(),
                    );
                }
                Some(p)
            } else {
                None
            };
            block_on(team::add_rep(
                &store,
                &secrets,
                &role,
                password.as_deref(),
                manager,
            ))
            .map_err(message)?;
            say!(
                "{role} may connect as {} ({}).",
                if manager { "a manager" } else { "a rep" },
                if password.is_some() {
                    "with the password given"
                } else {
                    "no password set: give one with --password-stdin, or set it in PostgreSQL"
                }
            );
            Ok(())
        }
        TeamCommand::Status { json } => {
            let store = open_to_read(db)?;
            let st = block_on(team::status(&store, &secrets, Duration::from_secs(3)))
                .map_err(message)?;
            if json {
                return print_json(&st);
            }
            let Some(link) = &st.local.link else {
                return Err(TeamError::NotLinked.to_string());
            };
            say!(
                "Team store: {} (role {}, {}).",
                link.url,
                link.role,
                if link.manager { "manager" } else { "rep" }
            );
            match &st.local.oldest_waiting {
                Some(oldest) => say!(
                    "Waiting to push: {} (the oldest since {oldest}).",
                    st.local.waiting
                ),
                None => say!("Waiting to push: nothing."),
            }
            say!(
                "Last push: {}; last pull: {}.",
                link.pushed_at.as_deref().unwrap_or("never"),
                link.pulled_at.as_deref().unwrap_or("never")
            );
            match &st.server {
                Ok(s) => match s.schema_version {
                    Some(v) => say!(
                        "Server: reachable, team schema {v}; {} of yours there, {} the team's you can read.",
                        s.my_calls,
                        s.team_calls
                    ),
                    None => say!("Server: reachable, but it has no Callblock schema."),
                },
                Err(e) => match &link.offline_since {
                    Some(since) => say!("Server: offline since {since}: {e}."),
                    None => say!("Server: {e}."),
                },
            }
            Ok(())
        }
        TeamCommand::Sync { json } => {
            let mut store = open(db)?;
            let r = block_on(team::sync(&mut store, &secrets)).map_err(|e| {
                let waiting = callblock_core::team::link::status(store.conn())
                    .map(|s| s.waiting)
                    .unwrap_or(0);
                if e.is_offline() && waiting > 0 {
                    format!("{e}; {waiting} waiting stay queued and go with the next sync")
                } else {
                    e.to_string()
                }
            })?;
            if json {
                return print_json(&r);
            }
            say!(
                "Pushed {} ({}); pulled {} ({}).",
                count(r.pushed.calls, "call", "calls"),
                count(r.pushed.entries, "change", "changes"),
                count(r.pulled.calls_added, "new call", "new calls"),
                if r.pulled.reps.is_empty() {
                    "nothing new from the team".to_string()
                } else {
                    format!("from {}", r.pulled.reps.join(", "))
                }
            );
            if r.pushed.do_not_call_removed > 0 {
                say!(
                    "Taken off the team's do-not-call list (an undo here; nobody else lists it): {}.",
                    count(
                        r.pushed.do_not_call_removed,
                        "number or e-mail",
                        "numbers and e-mails"
                    )
                );
            }
            let shared = &r.pulled.shared;
            if shared.prospects_added > 0 {
                say!(
                    "The team's lists: {} new{}.",
                    count(shared.prospects_added, "prospect", "prospects"),
                    if shared.themes_added.is_empty() {
                        String::new()
                    } else {
                        format!(" (themes {})", shared.themes_added.join(", "))
                    }
                );
            }
            if shared.prospects_withdrawn > 0 {
                say!(
                    "Withdrawn from the team's lists by a manager: {} (no block draws them now).",
                    count(shared.prospects_withdrawn, "prospect", "prospects")
                );
            }
            if shared.do_not_call_added > 0 {
                say!(
                    "Do not call, from the team: {} ({} here marked).",
                    count(
                        shared.do_not_call_added,
                        "number or e-mail",
                        "numbers and e-mails"
                    ),
                    shared.prospects_marked
                );
            }
            if shared.do_not_call_removed > 0 {
                say!(
                    "Taken off the team's do-not-call list (the call that listed it was undone): {} ({} here callable again).",
                    count(
                        shared.do_not_call_removed,
                        "number or e-mail",
                        "numbers and e-mails"
                    ),
                    shared.prospects_unmarked
                );
            }
            if let Some(v) = r.pulled.playbook_version {
                if r.pulled.playbook_taken {
                    say!("Took in the team's playbook, version {v}.");
                } else {
                    say!(
                        "The team's playbook version {v} waits: you changed yours. \
                         `callblock team playbook --take` takes it in."
                    );
                }
            }
            if r.leases.held > 0 || r.leases.released > 0 {
                say!(
                    "Leads leased to you: {}; given back: {}.",
                    r.leases.held,
                    r.leases.released
                );
            }
            Ok(())
        }
        TeamCommand::Publish {
            themes,
            playbook,
            json,
        } => {
            let mut store = open(db)?;
            if playbook {
                let r = block_on(team::publish_playbook(&mut store, &secrets)).map_err(message)?;
                if json && themes.is_empty() {
                    return print_json(&r);
                }
                if r.unchanged {
                    say!(
                        "The team's playbook is already this one (team version {}): nothing new published.",
                        r.version
                    );
                } else {
                    say!(
                        "Published the playbook as team version {}: each rep's copy takes it in on its next sync, \
                         unless the rep changed theirs (then they choose).",
                        r.version
                    );
                }
                if themes.is_empty() {
                    return Ok(());
                }
            }
            let ids = theme_ids(&store, &themes)?;
            let r = block_on(team::publish(&mut store, &secrets, &ids)).map_err(message)?;
            if json {
                return print_json(&r);
            }
            say!(
                "Published {} ({}) to the team: each rep's copy takes them in on its next sync.",
                count(r.prospects, "prospect", "prospects"),
                r.themes.join(", ")
            );
            Ok(())
        }
        TeamCommand::Withdraw {
            themes,
            prospects,
            json,
        } => {
            if themes.is_empty() && prospects.is_empty() {
                return Err(
                    "name a theme or give --prospect ID: nothing to withdraw from the team's lists"
                        .into(),
                );
            }
            let mut store = open(db)?;
            let ids = theme_ids(&store, &themes)?;
            let r = block_on(team::withdraw(&mut store, &secrets, &ids, &prospects))
                .map_err(message)?;
            if json {
                return print_json(&r);
            }
            let from = if r.themes.is_empty() {
                String::new()
            } else {
                format!(" ({})", r.themes.join(", "))
            };
            if r.prospects == 0 {
                say!("Nothing to withdraw{from}: no lead of it is on the team's lists now.");
            } else {
                say!(
                    "Withdrew {}{from} from the team's lists: nobody is leased them now, and each \
                     rep's copy stops drawing them on its next sync.",
                    count(r.prospects, "prospect", "prospects"),
                );
            }
            Ok(())
        }
        TeamCommand::Playbook { take, json } => {
            let mut store = open(db)?;
            if callblock_core::team::link::get(store.conn())
                .map_err(|e| e.to_string())?
                .is_none()
            {
                return Err(TeamError::NotLinked.to_string());
            }
            use callblock_core::team::playbook;
            if take {
                let r = store
                    .write(|tx| playbook::take(tx))
                    .map_err(|e| e.to_string())?;
                if !json {
                    say!("{}", r.summary);
                }
            }
            let st = playbook::status(store.conn()).map_err(|e| e.to_string())?;
            if json {
                return print_json(&st);
            }
            match (st.version, st.taken_version) {
                (None, _) => say!("No manager has published a playbook to this team yet."),
                (Some(v), Some(t)) if v == t => say!(
                    "Team playbook version {v} (published by {}): yours{}.",
                    st.published_by.as_deref().unwrap_or("a manager"),
                    if st.yours_changed {
                        ", changed since"
                    } else {
                        " is the same"
                    }
                ),
                (Some(v), _) => say!(
                    "Team playbook version {v} (published by {}) waits: you changed yours since you took version {}. \
                     `callblock team playbook --take` takes it in (yours stays in the history).",
                    st.published_by.as_deref().unwrap_or("a manager"),
                    st.taken_version
                        .map(|t| t.to_string())
                        .unwrap_or_else(|| "none".into())
                ),
            }
            Ok(())
        }
        TeamCommand::Disconnect => {
            let mut store = open(db)?;
            if team::disconnect(&mut store, &secrets).map_err(message)? {
                say!("Disconnected from the team store; its password forgotten.");
            } else {
                say!("This database was not linked to a team store.");
            }
            Ok(())
        }
    }
}
