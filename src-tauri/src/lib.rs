//! The Callblock app: one binary that is both the desktop window (Tauri) and a
//! headless command line. Everything here is a thin layer over
//! `callblock_core`: parse the input, call the core, turn errors into clear
//! messages.
//!
//! - [`cli`]: argument parsing and the headless subcommands (over `callblock_core::api`)
//! - [`gui`]: the Tauri window, its plugins, the block ticker and the due-block watcher
//! - [`state`]: what the window works on (store, block desk, import gate)
//! - [`commands`]: the commands the UI invokes, one module per view
//! - [`events`]: the events the window sends (block ticks, import progress)
//! - [`bindings`]: the typed command list, and the TypeScript it generates
//! - [`instance`]: one window per database
//! - [`desktop`]: links, invitations, clipboard and notifications handed to the desktop
//! - [`error`]: the error the UI receives
//! - [`crash`]: an unexpected failure as one line and a crash file

pub mod bindings;
pub mod cli;
pub mod commands;
pub mod crash;
pub mod desktop;
pub mod error;
pub mod events;
pub mod gui;
pub mod instance;
pub mod state;
pub mod team_sync;

use std::sync::OnceLock;
use std::time::Instant;

static PROCESS_START: OnceLock<Instant> = OnceLock::new();

/// When this process started (as near as the app can tell).
pub fn process_start() -> Instant {
    *PROCESS_START.get_or_init(Instant::now)
}

/// The program's entry point; returns the exit code.
pub fn main_entry() -> i32 {
    process_start();
    crash::install();
    cli::main()
}
