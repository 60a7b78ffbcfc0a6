//! Callblock's core: everything the app does that is not a window. The Tauri
//! app and the CLI are thin layers over these modules; nothing here depends on
//! Tauri, so it is tested on its own.
//!
//! - [`api`]: what the window's commands and the command line call (view
//!   models and user actions, shared by both fronts)
//! - [`session`]: the block running in a window (clocks, call, card, invitations)
//! - [`store`]: opening the SQLite file safely, pragmas, migrations
//! - [`domain`]: theme kinds, statuses, outcomes, settings and their defaults
//! - [`rules`]: what an outcome does to a prospect (attempts, retries, flags)
//! - [`lists`]: themes, prospects and their counts
//! - [`playbook`]: talk tracks and their versions, placeholders, the objection
//!   library, the default playbook, export and import
//! - [`plan`]: from quota to blocks per week, progress, the weekly schedule and its .ics
//! - [`calls`]: writing calls (open at the start, completed with the outcome)
//! - [`block`]: a block's life (start, pause, resume, end), its calls and its summary
//! - [`queue`]: which prospect comes next in a block
//! - [`suppress`]: the do-not-call list, per number and per e-mail, checked by every write of a prospect
//! - [`card`]: what the call card shows about a prospect
//! - [`clock`]: the block clock and the call timer (monotonic, never counted in ticks)
//! - [`calendar`]: the rep's calendar (.ics, read-only) and the free slots for a meeting
//! - [`invite`]: iCalendar writing (RFC 5545) and mail drafts for booked meetings
//! - [`reports`]: Review: the funnel, dashboards, call log, exports
//! - [`bundle`]: a rep's calls and blocks as a file, imported by a manager
//! - [`demo`]: the demo database
//! - [`import`]: CSV exports of CRMs into themed call lists
//! - [`team`]: the team store's local half: its link, the outbox of what waits to be pushed, what a pull brings
//! - [`text`]: one normalization and one set of length limits for every text that comes in
//! - [`themes`]: theme operations of the Lists view (rename, merge, split, move, recycle)
//! - [`export`]: prospects to CSV, with spreadsheet formulas escaped
//! - [`paths`]: where the database lives
//! - [`ids`]: new row ids (UUID v7)
//! - [`files`]: the user's files: typed paths, default folders, atomic writes

pub mod api;
pub mod block;
pub mod bundle;
pub mod calendar;
pub mod calls;
pub mod card;
pub mod clock;
pub mod coaching;
pub mod demo;
pub mod domain;
pub mod error;
pub mod export;
pub mod files;
pub mod ids;
pub mod import;
pub mod invite;
pub mod lists;
pub mod paths;
pub mod plan;
pub mod playbook;
pub mod queue;
pub mod quote;
pub mod referral;
pub mod reports;
pub mod reps;
pub mod rules;
pub mod session;
pub mod settings;
pub mod store;
pub mod suppress;
pub mod team;
pub mod text;
pub mod themes;
pub mod time;
pub mod undo;

pub use error::{Error, Result, StoreError};
pub use store::Store;
