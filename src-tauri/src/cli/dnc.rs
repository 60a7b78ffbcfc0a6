//! `callblock dnc list|add`: the do-not-call list, and a number or an e-mail
//! put on it by hand (a request that came by mail, a complaint). The rules
//! are `callblock_core::api::dnc`'s, the window's too.

use std::path::Path;

use callblock_core::api::dnc;

use super::output::{cell, count, print_json, width, CELL_MAX};
use super::{open, open_to_read};

#[derive(Debug, clap::Subcommand)]
pub enum DncCommand {
    /// Show the numbers and e-mails on the do-not-call list, newest first
    List {
        /// Only the entries with these digits in their number, this text in
        /// their e-mail, or from a prospect of this name
        #[arg(long, value_name = "TEXT", default_value = "")]
        search: String,
        /// Show at most N entries (1 to 1000)
        #[arg(long, value_name = "N", default_value_t = dnc::SHOWN,
              value_parser = clap::value_parser!(u32).range(1..=dnc::MAX_SHOWN as i64))]
        limit: u32,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Put numbers or e-mails on the do-not-call list: whoever holds one here
    /// is marked do-not-call at once, and the team's list gets it at the next
    /// sync. A number without a country code is read in the default region
    Add {
        /// Phone numbers (with an extension as "x 204") or e-mail addresses
        #[arg(value_name = "NUMBER|E-MAIL", required = true)]
        values: Vec<String>,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
}

pub fn run(path: &Path, command: DncCommand) -> Result<(), String> {
    match command {
        DncCommand::List {
            search,
            limit,
            json,
        } => run_list(path, &search, limit, json),
        DncCommand::Add { values, json } => run_add(path, &values, json),
    }
}

fn run_list(path: &Path, search: &str, limit: u32, json: bool) -> Result<(), String> {
    let store = open_to_read(path)?;
    let list = dnc::list(store.conn(), search, limit).map_err(|e| e.to_string())?;
    if json {
        return print_json(&list);
    }
    if list.entries.is_empty() {
        if list.total == 0 {
            say!("The do-not-call list is empty.");
        } else {
            say!(
                "Nothing on the do-not-call list matches {} ({} in all).",
                callblock_core::quote::quoted(search),
                count(list.total, "entry", "entries")
            );
        }
        return Ok(());
    }
    let shown: Vec<String> = list
        .entries
        .iter()
        .map(|e| cell(&e.shown, CELL_MAX))
        .collect();
    let w = width(shown.iter().map(String::as_str), 14);
    let whys = width(list.entries.iter().map(|e| e.why.as_str()), 3);
    say!(
        "{:<w$}  {:<10}  {:<whys$}  PROSPECT",
        "NUMBER/E-MAIL",
        "SINCE",
        "WHY"
    );
    for (e, shown) in list.entries.iter().zip(&shown) {
        let since = e.since.get(..10).unwrap_or(&e.since);
        say!(
            "{shown:<w$}  {since:<10}  {:<whys$}  {}",
            e.why,
            cell(e.prospect.as_deref().unwrap_or("-"), CELL_MAX)
        );
    }
    if list.matching as usize > list.entries.len() {
        say!(
            "{} of {} shown (--limit N for more).",
            list.entries.len(),
            list.matching
        );
    }
    Ok(())
}

fn run_add(path: &Path, values: &[String], json: bool) -> Result<(), String> {
    let mut store = open(path)?;
    // Every value is read first: one that is not a number or an e-mail adds
    // nothing at all.
    let region = callblock_core::settings::load(store.conn())
        .map_err(|e| e.to_string())?
        .default_region;
    for v in values {
        dnc::parse_entry(v, &region).map_err(|e| format!("{e}; nothing was added"))?;
    }
    // Each value in its own transaction: one that fails (a full disk) says
    // which went on the list before it.
    let mut added: Vec<dnc::DncAdded> = Vec::with_capacity(values.len());
    for v in values {
        match dnc::add(&mut store, v, callblock_core::time::now()) {
            Ok(a) => added.push(a),
            Err(e) if added.is_empty() => return Err(format!("{e}; nothing was added")),
            Err(e) => {
                let before: Vec<&str> = added.iter().map(|a| a.shown.as_str()).collect();
                return Err(format!(
                    "{e}; {} went on the list before it, the rest not",
                    before.join(", ")
                ));
            }
        }
    }
    if json {
        return print_json(&added);
    }
    for a in &added {
        let what = if a.added {
            "on the do-not-call list"
        } else {
            "already on the do-not-call list"
        };
        if a.marked > 0 {
            say!(
                "{}: {what}; {} marked do-not-call.",
                a.shown,
                count(a.marked, "prospect", "prospects")
            );
        } else {
            say!("{}: {what}.", a.shown);
        }
    }
    Ok(())
}
