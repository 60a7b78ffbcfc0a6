//! Typed errors of the core. Every variant reads as a complete sentence for the
//! user (the CLI prints it on one line, the UI shows it), and `kind()` gives a
//! stable machine name for tests and for the UI to pick an icon or a hint.
//!
//! A domain with errors of its own keeps them in a leaf file (it names
//! nothing of the core) that [`Error`] wraps: this file imports only those
//! leaves, std and rusqlite, so that it depends on no domain module.

use std::path::PathBuf;

use crate::bundle::error::BundleError;
use crate::import::error::ImportError;

/// Errors from opening or using the database file.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{}: not an SQLite database (the file does not start with an SQLite header); nothing was changed", path.display())]
    NotSqlite { path: PathBuf },

    #[error("{}: an SQLite database of another application (application id {app_id:#x}), not a Callblock database; nothing was changed", path.display())]
    ForeignDatabase { path: PathBuf, app_id: u32 },

    #[error("{}: written by a newer version of Callblock (schema version {found}; this version understands up to {supported}); update Callblock to open it. Nothing was changed", path.display())]
    TooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },

    #[error("{}: the database has schema version {found} and this Callblock uses version {current}; it is opened read-only here, so it cannot be upgraded. Open it once with a Callblock that can write to it (or make the file writable), then try again. Nothing was changed", path.display())]
    NeedsUpgrade {
        path: PathBuf,
        found: i64,
        current: i64,
    },

    #[error("{}: the database is damaged ({detail}); nothing was changed. Restore a backup or open another file", path.display())]
    Corrupt { path: PathBuf, detail: String },

    #[error("{}: is a directory, not a database file", path.display())]
    IsDirectory { path: PathBuf },

    #[error("{}: is not a regular file (a device, pipe or socket), so not a database; nothing was changed. Give the path of a database file (--db PATH)", path.display())]
    NotAFile { path: PathBuf },

    #[error("{}: cannot be read or created ({detail})", path.display())]
    CannotOpen { path: PathBuf, detail: String },

    #[error("{}: this user cannot write the database (its permissions, or a read-only disk or folder), and this command changes it; nothing was changed. Commands that only read it work", path.display())]
    ReadOnly { path: PathBuf },

    #[error("{}: the database is busy (another program holds a lock on it); try again", path.display())]
    Busy { path: PathBuf },

    #[error("{}: the schema upgrade from version {from} to {to} failed ({detail}); the database was left as it was", path.display())]
    MigrationFailed {
        path: PathBuf,
        from: i64,
        to: i64,
        detail: String,
    },

    #[error("the disk that holds the database is full, so this was not saved (the database is as it was before); free some space and try again")]
    DatabaseFull,

    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
}

impl StoreError {
    pub fn kind(&self) -> &'static str {
        match self {
            StoreError::NotSqlite { .. } => "not_sqlite",
            StoreError::ForeignDatabase { .. } => "foreign_database",
            StoreError::TooNew { .. } => "too_new",
            StoreError::NeedsUpgrade { .. } => "needs_upgrade",
            StoreError::Corrupt { .. } => "corrupt",
            StoreError::IsDirectory { .. } => "is_directory",
            StoreError::NotAFile { .. } => "not_a_file",
            StoreError::CannotOpen { .. } => "cannot_open",
            StoreError::Busy { .. } => "busy",
            StoreError::ReadOnly { .. } => "read_only",
            StoreError::MigrationFailed { .. } => "migration_failed",
            StoreError::DatabaseFull => "disk_full",
            StoreError::Sqlite(_) => "database",
        }
    }
}

/// The error type of every core operation.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] StoreError),

    #[error("{what} not found: {id}")]
    NotFound { what: &'static str, id: String },

    #[error("{field}: {reason}")]
    Invalid { field: String, reason: String },

    #[error("{0}")]
    Conflict(String),

    /// Starting a call on a prospect whose number or e-mail is on the
    /// do-not-call list (`suppress.rs`), whatever the prospect row says.
    #[error("this prospect's {what} {} is on the do-not-call list (since {since}); they asked not to be called and are never dialled again. Skip them", quoted(value))]
    OnDoNotCallList {
        what: &'static str,
        value: String,
        since: String,
    },

    /// Starting a call on a lead a manager took off the team's lists after
    /// its card was drawn (`team::lists::check_not_withdrawn`).
    #[error("a manager withdrew this lead from the team's lists ({at}); it is no longer called. Skip it")]
    Withdrawn { at: String },

    /// A search of the notes with no word in it (`*`, `"`): refused rather
    /// than taken for "every call". `field` is how the front names the box.
    #[error("{field}: {} has no word to look for; give words, \"a phrase\" or word* for a prefix", quoted(typed.trim()))]
    NoSearchWords { field: &'static str, typed: String },

    #[error(transparent)]
    Bundle(#[from] BundleError),

    #[error(transparent)]
    Import(#[from] ImportError),

    #[error("{}: the disk is full, so nothing was written (a file already there is as it was); free some space or choose another folder", path.display())]
    DiskFull { path: PathBuf },

    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Store(e) => e.kind(),
            Error::NotFound { .. } => "not_found",
            Error::Invalid { .. } => "invalid",
            Error::Conflict(_) => "conflict",
            Error::OnDoNotCallList { .. } => "do_not_call",
            Error::Withdrawn { .. } => "withdrawn",
            Error::NoSearchWords { .. } => "no_search_words",
            Error::Bundle(e) => e.kind(),
            Error::Io { .. } => "io",
            Error::DiskFull { .. } => "disk_full",
            Error::Import(e) => e.kind(),
        }
    }

    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

/// A write the disk had no room for is said as such, whatever wrote it
/// (SQLite rolled the transaction back).
impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DiskFull) => StoreError::DatabaseFull,
            _ => StoreError::Sqlite(e),
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Store(StoreError::from(e))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

pub use crate::quote::{clipped, escaped, quoted};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_is_said_with_what_to_do() {
        let full = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
            Some("database or disk is full".into()),
        );
        let e = Error::from(full);
        assert_eq!(e.kind(), "disk_full");
        let m = e.to_string();
        assert!(m.contains("disk that holds the database is full"), "{m}");
        assert!(m.contains("free some space and try again"), "{m}");
        let other = Error::from(rusqlite::Error::QueryReturnedNoRows);
        assert_eq!(other.kind(), "database");
    }
}
