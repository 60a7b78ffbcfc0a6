//! Where the database lives: `--db PATH`, else `$CALLBLOCK_DB`, else
//! `callblock.db` in the OS app-data directory of the app's identifier (the
//! same directory Tauri's `app_data_dir()` gives, so the CLI and the window
//! agree without a window).

use std::path::PathBuf;

/// The app's identifier, as in `tauri.conf.json`.
pub const APP_IDENTIFIER: &str = "app.callblock.desktop";
pub const DB_FILE_NAME: &str = "callblock.db";
pub const DB_ENV: &str = "CALLBLOCK_DB";

/// The OS app-data directory for Callblock (`~/.local/share/app.callblock.desktop` on Linux).
pub fn app_data_dir() -> Option<PathBuf> {
    dirs_data_dir().map(|d| d.join(APP_IDENTIFIER))
}

fn dirs_data_dir() -> Option<PathBuf> {
    dirs::data_dir()
}

/// Which database to open, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbSource {
    Flag,
    Env,
    Default,
}

/// Resolve the database path from the `--db` flag and the environment.
pub fn resolve_db_path(flag: Option<PathBuf>) -> Option<(PathBuf, DbSource)> {
    if let Some(p) = flag {
        return Some((p, DbSource::Flag));
    }
    if let Some(p) = std::env::var_os(DB_ENV).filter(|v| !v.is_empty()) {
        return Some((PathBuf::from(p), DbSource::Env));
    }
    app_data_dir().map(|d| (d.join(DB_FILE_NAME), DbSource::Default))
}
