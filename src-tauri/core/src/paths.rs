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

/// Where meeting invitations (.ics) are saved for the rep: the user's
/// documents folder (`~/Documents/Callblock invitations`), else beside the
/// database.
pub fn invitations_dir(db_path: &std::path::Path) -> PathBuf {
    dirs::document_dir()
        .or_else(|| dirs::home_dir().map(|h| h.join("Documents")))
        .map(|d| d.join("Callblock invitations"))
        .unwrap_or_else(|| {
            db_path
                .parent()
                .map(|p| p.join("invitations"))
                .unwrap_or_else(|| PathBuf::from("invitations"))
        })
}

/// The folder where exports are usually downloaded (`~/Downloads`), for the
/// import panel's first path; `None` when no home directory is known.
pub fn downloads_dir() -> Option<PathBuf> {
    dirs::download_dir().or_else(|| dirs::home_dir().map(|h| h.join("Downloads")))
}

/// `path` with a leading `~` or `~/` replaced by the home directory, as a
/// user types it in a path field (a shell would do it on the command line).
pub fn expand_home(path: &str) -> PathBuf {
    let home = || dirs::home_dir();
    if path == "~" {
        if let Some(h) = home() {
            return h;
        }
    } else if let Some(rest) = path.strip_prefix("~/") {
        if let Some(h) = home() {
            return h.join(rest);
        }
    }
    PathBuf::from(path)
}
