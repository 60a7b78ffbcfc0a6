//! Which way to open a database, by whether this user may write it: a file
//! that cannot be written (its mode, a read-only mount or folder) is never
//! opened read-write, which would leave a `-wal` and a `-shm` beside it and
//! fail at the first write.

use std::path::{Path, PathBuf};

use super::Store;
use crate::error::StoreError;

/// The database for a user action that may write it (the window, a
/// writing command). A file this user cannot
/// write is refused before SQLite opens it (which would leave a `-wal` and a
/// `-shm` beside it and fail at the first write).
pub(super) fn open_to_write(path: impl AsRef<Path>) -> Result<Store, StoreError> {
    let path = path.as_ref();
    if path.is_file() && !writable(path) {
        return Err(StoreError::ReadOnly {
            path: path.to_owned(),
        });
    }
    Store::open(path)
}

/// The database for a command that only reads it. A file this user cannot
/// write (its mode, a read-only mount or folder) is opened read-only, which
/// leaves it and its folder exactly as found; any other file is opened as
/// usual, so that a writable file from an older Callblock is still upgraded
/// (a read-only open cannot migrate) and the rollups a report reads are kept
/// up to date.
pub(super) fn open_to_read(path: impl AsRef<Path>) -> Result<Store, StoreError> {
    let path = path.as_ref();
    if path.is_file() && !writable(path) {
        Store::open_read_only(path)
    } else {
        Store::open(path)
    }
}

/// Whether SQLite can write the database at `path`: the file itself, and its
/// log and index beside it (created in its folder when they are missing).
fn writable(path: &Path) -> bool {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let side = |suffix: &str| {
        let mut s = path.as_os_str().to_owned();
        s.push(suffix);
        PathBuf::from(s)
    };
    may_write(path) && (may_write(dir) || (may_write(&side("-wal")) && may_write(&side("-shm"))))
}

#[cfg(unix)]
fn may_write(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `c` is a NUL-terminated string that outlives the call.
    unsafe { libc::access(c.as_ptr(), libc::W_OK) == 0 }
}

#[cfg(not(unix))]
fn may_write(path: &Path) -> bool {
    std::fs::metadata(path)
        .map(|m| !m.permissions().readonly())
        .unwrap_or(false)
}
