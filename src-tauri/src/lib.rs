//! The Callblock app: one binary that is both the desktop window (Tauri) and a
//! headless command line. Everything here is a thin layer over
//! `callblock_core`: parse the input, call the core, turn errors into clear
//! messages.
//!
//! - [`cli`]: argument parsing and the headless subcommands
//! - [`gui`]: the Tauri window, its state and plugins
//! - [`commands`]: the commands the UI invokes
//! - [`commands_playbook`]: the Playbook view's commands (talk tracks, objections, sharing)
//! - [`commands_import`]: the Lists view's commands (CSV import with progress and cancel, theme operations, CSV export)
//! - [`commands_plan`]: the Plan view's commands (plan, progress, weekly schedule, due blocks)
//! - [`commands_review`]: the Review view's commands (dashboards, call log, exports, team bundles)
//! - [`bindings`]: the typed command list, and the TypeScript it generates
//! - [`instance`]: one window per database
//! - [`session`]: the block running in the window (clocks, call, prospect on screen)
//! - [`desktop`]: links, invitations, clipboard and notifications handed to the desktop
//! - [`error`]: the error the UI receives

pub mod bindings;
pub mod cli;
pub mod commands;
pub mod commands_import;
pub mod commands_plan;
pub mod commands_playbook;
pub mod commands_review;
pub mod desktop;
pub mod error;
pub mod gui;
pub mod instance;
pub mod session;

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
    cli::main()
}
