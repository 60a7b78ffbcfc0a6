//! What the fronts call. The window's commands and the command line share
//! these functions, so neither holds logic the other lacks: each takes the
//! store (or a connection, for what only reads) and plain parameters, runs
//! the core's rules (one transaction per user action), and returns the
//! plain data a view or a printout needs (serde, with TypeScript types for
//! the window). A Tauri command is a shim over one of these (or over one
//! domain function, when that is all a view needs); the command line prints
//! what they return.
//!
//! - [`block`]: past blocks and a block's summary
//! - [`dnc`]: the do-not-call list, found by number, e-mail or name; a value added by hand
//! - [`import`]: the import panel (draft, preview, the run) and `callblock import`'s run
//! - [`meeting`]: the meeting form's free slots (the rep's calendar or working hours)
//! - [`lists`]: prospects to CSV, what a database holds
//! - [`playbook`]: the talk-track editor, the preview, the library's changes, sharing
//! - [`plan`]: the Plan view, the schedule and its `.ics`, the due block
//! - [`review`]: Review's options, dashboards, call log, figures and files; typed selections
//!   (reps and themes by name or unique prefix)
//! - [`settings`]: saving the settings (with Review recomputed)
//! - [`team`]: bundles of a rep's calls, exported and imported
//!
//! The running block is [`crate::session`]'s [`BlockDesk`](crate::session::BlockDesk).

pub mod block;
pub mod dnc;
pub mod import;
pub mod lists;
pub mod meeting;
pub mod plan;
pub mod playbook;
pub mod review;
pub mod settings;
pub mod team;

/// A database on disk filled with the demo (seed 7), for the tests here.
#[cfg(test)]
pub(crate) fn demo_on_disk() -> (tempfile::TempDir, crate::Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = crate::Store::open(dir.path().join("a.db")).unwrap();
    crate::demo::fill(&mut store, 7, chrono::Utc::now()).unwrap();
    (dir, store)
}
