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
//! - [`reports`]: the funnel and its definitions
//! - [`demo`]: the demo database
//! - [`import`]: CSV exports of CRMs into themed call lists
//! - [`themes`]: theme operations of the Lists view (rename, merge, split, move, recycle)
//! - [`export`]: prospects to CSV, with spreadsheet formulas escaped
//! - [`paths`]: where the database lives

pub mod calls;
pub mod demo;
pub mod domain;
pub mod error;
pub mod export;
pub mod import;
pub mod lists;
pub mod paths;
pub mod playbook;
pub mod reports;
pub mod reps;
pub mod rules;
pub mod settings;
pub mod store;
pub mod themes;
pub mod time;

pub use error::{Error, Result, StoreError};
pub use store::Store;
