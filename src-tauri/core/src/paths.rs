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

/// Check where a file is about to be written: a path was given, it is not a
/// folder (then `example` names a file to add), its folder exists, and it is
/// not there already unless `replace`. The messages say what to do.
pub fn check_output_file(
    path: &std::path::Path,
    replace: bool,
    example: &str,
) -> crate::Result<()> {
    use crate::Error;
    if path.as_os_str().is_empty() {
        return Err(Error::invalid(
            "file",
            format!("type the path of the file to write, such as {example}"),
        ));
    }
    if path.is_dir() {
        return Err(Error::invalid(
            "file",
            format!(
                "{} is a folder; add a file name such as {example}",
                path.display()
            ),
        ));
    }
    if let Some(dir) = path.parent() {
        if !dir.as_os_str().is_empty() && !dir.is_dir() {
            return Err(Error::invalid(
                "file",
                format!(
                    "the folder {} does not exist; create it or choose another",
                    dir.display()
                ),
            ));
        }
    }
    if path.exists() && !replace {
        return Err(Error::Conflict(format!(
            "{} already exists; replace it, or choose another name",
            path.display()
        )));
    }
    Ok(())
}

/// Where files the user asks for go by default: `~/Documents` when it exists,
/// else the home folder (the current folder when there is no home).
pub fn documents_dir() -> PathBuf {
    match std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        Some(h) => {
            let home = PathBuf::from(h);
            let docs = home.join("Documents");
            if docs.is_dir() {
                docs
            } else {
                home
            }
        }
        None => PathBuf::from("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_files_are_checked_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("out.csv");
        check_output_file(&file, false, "out.csv").unwrap();
        std::fs::write(&file, "x").unwrap();
        let e = check_output_file(&file, false, "out.csv")
            .unwrap_err()
            .to_string();
        assert!(e.contains("already exists"), "{e}");
        check_output_file(&file, true, "out.csv").unwrap();
        let e = check_output_file(dir.path(), false, "out.csv")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("is a folder; add a file name such as out.csv"),
            "{e}"
        );
        let e = check_output_file(&dir.path().join("nope/x.csv"), false, "x.csv")
            .unwrap_err()
            .to_string();
        assert!(e.contains("does not exist"), "{e}");
        assert!(check_output_file(std::path::Path::new(""), false, "x.csv").is_err());
    }
}
