//! Callblock's core: everything the app does that is not a window. The Tauri
//! app and the CLI are thin layers over these modules; nothing here depends on
//! Tauri, so it is tested on its own.
//!
//! - [`store`]: opening the SQLite file safely, pragmas, migrations
//! - [`domain`]: theme kinds, statuses, outcomes, settings and their defaults
//! - [`rules`]: what an outcome does to a prospect (attempts, retries, flags)
//! - [`lists`]: themes, prospects and their counts
//! - [`playbook`]: talk tracks, objections, the default playbook
//! - [`calls`]: writing calls and blocks
//! - [`reports`]: Review: the funnel, dashboards, call log, exports
//! - [`bundle`]: a rep's calls and blocks as a file, imported by a manager
//! - [`demo`]: the demo database
//! - [`paths`]: where the database lives

pub mod bundle;
pub mod calls;
pub mod demo;
pub mod domain;
pub mod error;
pub mod lists;
pub mod paths;
pub mod playbook;
pub mod reports;
pub mod reps;
pub mod rules;
pub mod settings;
pub mod store;
pub mod time;

pub use error::{Error, Result, StoreError};
pub use store::Store;
