//! The SQLite store: opening a file safely, the pragmas, migrations.
//!
//! Opening follows one rule: a file that is not ours, not healthy, or from a
//! newer Callblock is refused before anything writes to it. So the checks run
//! in this order, and only the last step opens the file for writing:
//!
//! 1. the file's first 100 bytes must be an SQLite header (or the file is new
//!    or empty);
//! 2. the header's application id must be Callblock's (or 0 on a database with
//!    no tables yet), and its schema version must not be newer than ours;
//! 3. the same two checks again through a read-only connection, which sees
//!    changes still in a write-ahead log that the raw header does not;
//! 4. open read-write, set WAL, `synchronous=FULL`, foreign keys and a busy
//!    timeout, back the file up if a migration is due, and run all pending
//!    migrations in one transaction.
//!
//! [`Store::open_read_only`] is for a file the user cannot write (its mode, a
//! read-only mount): steps 1 to 3, then it keeps the read-only connection of
//! step 3. It never migrates: a file older than this Callblock is refused
//! with a message saying that a writable Callblock must open it once. SQLite
//! creates `-wal` and `-shm` files beside a WAL database even for a reader;
//! the ones it created are removed when the store is dropped (if they did not
//! exist before and the log is empty), so the directory is left as found.
//! Where SQLite cannot create them (a read-only directory) and there is no
//! log to read, the file is read as immutable (no locks, no side files).

mod access;
pub mod checkpoint;
pub mod merge;
pub mod migrations;

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, Transaction, TransactionBehavior};

use crate::error::StoreError;
pub use migrations::{APPLICATION_ID, LATEST};

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// An open, migrated Callblock database.
pub struct Store {
    // Dropped in this order: the connection is closed before the side files
    // of a read-only store are tidied.
    conn: Connection,
    /// For a read-only store: the side files that were there before it.
    read_only: Option<Sidecars>,
    path: PathBuf,
    /// The schema version the file had before it was opened (0: new file).
    opened_at_version: i64,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

/// What the raw header of a file says, read without SQLite.
#[derive(Debug, PartialEq, Eq)]
enum Header {
    /// The file does not exist or is empty: a new database.
    Empty,
    Sqlite {
        user_version: i64,
        application_id: u32,
    },
}

fn read_header(path: &Path) -> Result<Header, StoreError> {
    // Look before opening: opening a pipe waits for a writer for ever.
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => {
            return Err(StoreError::IsDirectory {
                path: path.to_owned(),
            })
        }
        Ok(meta) if !meta.is_file() => {
            return Err(StoreError::NotAFile {
                path: path.to_owned(),
            })
        }
        _ => {}
    }
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Header::Empty),
        Err(e) => {
            return Err(StoreError::CannotOpen {
                path: path.to_owned(),
                detail: e.to_string(),
            })
        }
    };
    let meta = file.metadata().map_err(|e| StoreError::CannotOpen {
        path: path.to_owned(),
        detail: e.to_string(),
    })?;
    if meta.is_dir() {
        return Err(StoreError::IsDirectory {
            path: path.to_owned(),
        });
    }
    if meta.len() == 0 {
        return Ok(Header::Empty);
    }
    let mut buf = [0u8; 100];
    let mut read = 0;
    while read < buf.len() {
        match file.read(&mut buf[read..]) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                return Err(StoreError::CannotOpen {
                    path: path.to_owned(),
                    detail: e.to_string(),
                })
            }
        }
    }
    if read < buf.len() || &buf[..16] != SQLITE_MAGIC {
        return Err(StoreError::NotSqlite {
            path: path.to_owned(),
        });
    }
    let be = |at: usize| u32::from_be_bytes([buf[at], buf[at + 1], buf[at + 2], buf[at + 3]]);
    Ok(Header::Sqlite {
        // user_version is a signed 32-bit integer.
        user_version: i64::from(be(60) as i32),
        application_id: be(68),
    })
}

fn map_open_error(path: &Path, e: rusqlite::Error) -> StoreError {
    let path = path.to_owned();
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => StoreError::NotSqlite { path },
        Some(ErrorCode::DatabaseCorrupt) => StoreError::Corrupt {
            path,
            detail: e.to_string(),
        },
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => {
            StoreError::Busy { path }
        }
        Some(ErrorCode::CannotOpen)
        | Some(ErrorCode::PermissionDenied)
        | Some(ErrorCode::ReadOnly)
        | Some(ErrorCode::SystemIoFailure)
        | Some(ErrorCode::DiskFull) => StoreError::CannotOpen {
            path,
            detail: e.to_string(),
        },
        _ => StoreError::Sqlite(e),
    }
}

/// Refuse a version or application id that is not ours to touch.
fn check_identity(
    path: &Path,
    user_version: i64,
    application_id: u32,
    has_tables: bool,
) -> Result<(), StoreError> {
    if application_id != APPLICATION_ID && (application_id != 0 || has_tables) {
        return Err(StoreError::ForeignDatabase {
            path: path.to_owned(),
            app_id: application_id,
        });
    }
    if user_version > LATEST {
        return Err(StoreError::TooNew {
            path: path.to_owned(),
            found: user_version,
            supported: LATEST,
        });
    }
    if user_version < 0 {
        return Err(StoreError::Corrupt {
            path: path.to_owned(),
            detail: format!("negative schema version {user_version}"),
        });
    }
    Ok(())
}

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// The `-wal` and `-shm` files beside a database, as found before a
/// read-only connection opened it. SQLite creates them for a reader of a WAL
/// database too; when this is dropped (after the connection is closed), the
/// ones that were not there before are removed again, as long as the log is
/// empty (a non-empty log holds commits, and is never removed).
struct Sidecars {
    wal: PathBuf,
    shm: PathBuf,
    had_any: bool,
}

impl Sidecars {
    fn note(path: &Path) -> Sidecars {
        let wal = sidecar(path, "-wal");
        let shm = sidecar(path, "-shm");
        let had_any = wal.exists() || shm.exists();
        Sidecars { wal, shm, had_any }
    }
}

impl Drop for Sidecars {
    fn drop(&mut self) {
        if self.had_any {
            return;
        }
        if std::fs::metadata(&self.wal)
            .map(|m| m.len() == 0)
            .unwrap_or(false)
        {
            let _ = std::fs::remove_file(&self.wal);
        }
        if !self.wal.exists() {
            let _ = std::fs::remove_file(&self.shm);
        }
    }
}

/// Look at an existing SQLite file through a read-only connection, leaving
/// no side file behind (see [`Sidecars`]), so that a refused file is left
/// exactly as it was found.
fn inspect_read_only(path: &Path) -> Result<(), StoreError> {
    let _sidecars = Sidecars::note(path);
    // The connection is closed when this returns, before the side files are tidied.
    read_only_connection(path).map(|_| ())
}

/// A read-only connection to an existing file, its identity checked; returns
/// it with the file's schema version.
fn read_only_connection(path: &Path) -> Result<(Connection, i64), StoreError> {
    let conn = open_read_only_flags(path, false)?;
    match read_identity(&conn) {
        Ok(identity) => return checked(path, conn, identity),
        // SQLite cannot set up the log's index: the directory is read-only
        // and the `-shm` file is missing. With no log to read, the file alone
        // is the database, and can be read as immutable.
        Err(e)
            if e.sqlite_error_code() == Some(ErrorCode::ReadOnly)
                && std::fs::metadata(sidecar(path, "-wal"))
                    .map(|m| m.len() == 0)
                    .unwrap_or(true) => {}
        Err(e) => return Err(map_open_error(path, e)),
    }
    drop(conn);
    let conn = open_read_only_flags(path, true)?;
    let identity = read_identity(&conn).map_err(|e| map_open_error(path, e))?;
    checked(path, conn, identity)
}

fn open_read_only_flags(path: &Path, immutable: bool) -> Result<Connection, StoreError> {
    let base = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = if immutable {
        Connection::open_with_flags(immutable_uri(path), base | OpenFlags::SQLITE_OPEN_URI)
    } else {
        Connection::open_with_flags(path, base)
    }
    .map_err(|e| map_open_error(path, e))?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(|e| map_open_error(path, e))?;
    Ok(conn)
}

/// `file:PATH?immutable=1`, the path percent-encoded.
fn immutable_uri(path: &Path) -> String {
    use percent_encoding::{percent_encode, AsciiSet, NON_ALPHANUMERIC};
    const KEEP: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'/')
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    #[cfg(unix)]
    let bytes = {
        use std::os::unix::ffi::OsStrExt;
        path.as_os_str().as_bytes().to_vec()
    };
    #[cfg(not(unix))]
    let bytes = path.to_string_lossy().replace('\\', "/").into_bytes();
    format!("file:{}?immutable=1", percent_encode(&bytes, KEEP))
}

/// (user_version, application_id, schema rows) of an open file.
fn read_identity(conn: &Connection) -> rusqlite::Result<(i64, u32, i64)> {
    let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let a: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    let n: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
    Ok((v, a as u32, n))
}

fn checked(
    path: &Path,
    conn: Connection,
    (version, app_id, tables): (i64, u32, i64),
) -> Result<(Connection, i64), StoreError> {
    check_identity(path, version, app_id, tables > 0)?;
    Ok((conn, version))
}

fn set_pragmas(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") && !mode.eq_ignore_ascii_case("memory") {
        return Err(rusqlite::Error::InvalidQuery);
    }
    conn.execute_batch(
        "PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;",
    )?;
    Ok(())
}

impl Store {
    /// Open for a user action that may write (the window, a writing
    /// command): a file this user cannot write is refused with
    /// [`StoreError::ReadOnly`] before SQLite touches it.
    pub fn open_to_write(path: impl AsRef<Path>) -> Result<Store, StoreError> {
        access::open_to_write(path)
    }

    /// Open for a command that only reads: read-only when this user cannot
    /// write the file (nothing beside it is created or left), else as usual
    /// (an older schema is upgraded, report rollups kept fresh).
    pub fn open_to_read(path: impl AsRef<Path>) -> Result<Store, StoreError> {
        access::open_to_read(path)
    }
}

impl Store {
    /// Open (creating if needed) the database at `path` and bring its schema
    /// up to date. See the module documentation for the order of checks.
    pub fn open(path: impl AsRef<Path>) -> Result<Store, StoreError> {
        let path = path.as_ref().to_owned();
        match read_header(&path)? {
            Header::Empty => {}
            Header::Sqlite {
                user_version,
                application_id,
            } => {
                // The raw header cannot tell "no tables" from "tables"; a
                // foreign id is refused here only when it is nonzero.
                check_identity(&path, user_version, application_id, application_id != 0)?;
                inspect_read_only(&path)?;
            }
        }

        let conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| map_open_error(&path, e))?;
        set_pragmas(&conn).map_err(|e| map_open_error(&path, e))?;

        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| map_open_error(&path, e))?;
        let mut store = Store {
            conn,
            read_only: None,
            path,
            opened_at_version: version,
        };
        store.migrate()?;
        Ok(store)
    }

    /// Open an existing database for reading only, for a file the user
    /// cannot write: the same checks as [`Store::open`] with the same
    /// refusals, no migration (an older file is refused with
    /// [`StoreError::NeedsUpgrade`]), and no side file left beside it once
    /// the store is dropped. Every write through it fails.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Store, StoreError> {
        let path = path.as_ref().to_owned();
        match read_header(&path)? {
            Header::Empty if !path.exists() => {
                return Err(StoreError::CannotOpen {
                    detail: "no such file".into(),
                    path,
                })
            }
            // An empty file has no schema yet: it needs setting up.
            Header::Empty => {
                return Err(StoreError::NeedsUpgrade {
                    path,
                    found: 0,
                    current: LATEST,
                })
            }
            Header::Sqlite {
                user_version,
                application_id,
            } => check_identity(&path, user_version, application_id, application_id != 0)?,
        }
        let sidecars = Sidecars::note(&path);
        let (conn, version) = read_only_connection(&path)?;
        if version < LATEST {
            return Err(StoreError::NeedsUpgrade {
                path,
                found: version,
                current: LATEST,
            });
        }
        conn.execute_batch("PRAGMA query_only = ON; PRAGMA temp_store = MEMORY;")
            .map_err(|e| map_open_error(&path, e))?;
        Ok(Store {
            conn,
            read_only: Some(sidecars),
            path,
            opened_at_version: version,
        })
    }

    /// True for a store opened with [`Store::open_read_only`].
    pub fn is_read_only(&self) -> bool {
        self.read_only.is_some()
    }

    /// An in-memory database with the full schema, for tests and benchmarks.
    pub fn open_in_memory() -> Result<Store, StoreError> {
        let conn = Connection::open_in_memory()?;
        conn.execute_batch("PRAGMA foreign_keys = ON;")?;
        let mut store = Store {
            conn,
            read_only: None,
            path: PathBuf::from(":memory:"),
            opened_at_version: 0,
        };
        store.migrate()?;
        Ok(store)
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let from = self.opened_at_version;
        if from == LATEST {
            return Ok(());
        }
        if from > 0 && self.path.as_os_str() != ":memory:" {
            self.backup_before_migration(from)?;
        }
        let path = self.path.clone();
        let fail = |detail: String| StoreError::MigrationFailed {
            path: path.clone(),
            from,
            to: LATEST,
            detail,
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| map_open_error(&path, e))?;
        // Another process may have migrated between our read and our lock.
        let current: i64 = tx
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| fail(e.to_string()))?;
        check_identity(&path, current, APPLICATION_ID, true)?;
        for m in migrations::MIGRATIONS
            .iter()
            .filter(|m| m.version > current)
        {
            tx.execute_batch(m.sql)
                .map_err(|e| fail(format!("step {} ({}): {e}", m.version, m.description)))?;
        }
        tx.execute_batch(&format!(
            "PRAGMA user_version = {LATEST}; PRAGMA application_id = {};",
            APPLICATION_ID as i32
        ))
        .map_err(|e| fail(e.to_string()))?;
        if current == 0 {
            crate::playbook::seed_default(&tx).map_err(|e| fail(e.to_string()))?;
        }
        // A foreign key broken by a step would be a bug in that step.
        let broken: i64 = tx
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .map_err(|e| fail(e.to_string()))?;
        if broken > 0 {
            return Err(fail(format!("{broken} rows break a foreign key")));
        }
        tx.commit().map_err(|e| fail(e.to_string()))?;
        Ok(())
    }

    /// Copy the file to `<name>.v<from>-<UTC date and time>.bak` beside it
    /// before changing its schema.
    fn backup_before_migration(&self, from: i64) -> Result<(), StoreError> {
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "callblock.db".into());
        let backup = self
            .path
            .with_file_name(format!("{name}.v{from}-{stamp}.bak"));
        self.conn
            .execute("VACUUM INTO ?1", [backup.to_string_lossy()])
            .map_err(|e| StoreError::MigrationFailed {
                path: self.path.clone(),
                from,
                to: LATEST,
                detail: format!("could not write the backup {}: {e}", backup.display()),
            })?;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A second connection to this store's file that only reads, for work
    /// on another thread (WAL: it reads what is committed while this one
    /// writes). `None` for an in-memory store.
    pub fn reader(&self) -> Result<Option<Connection>, StoreError> {
        // The file SQLite opened (its path made absolute then): not
        // `self.path` again, which a change of directory since would move.
        let Some(file) = self.conn.path().filter(|p| !p.is_empty()) else {
            return Ok(None);
        };
        let conn = open_read_only_flags(Path::new(file), false)?;
        conn.execute_batch("PRAGMA query_only = ON; PRAGMA temp_store = MEMORY;")
            .map_err(|e| map_open_error(&self.path, e))?;
        Ok(Some(conn))
    }

    /// The schema version the file had before this open (0 for a new file).
    pub fn opened_at_version(&self) -> i64 {
        self.opened_at_version
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// One transaction per user action: `f` runs inside it and the
    /// transaction commits only if `f` succeeds.
    pub fn write<T, E>(&mut self, f: impl FnOnce(&Transaction<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<rusqlite::Error>,
    {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// True when the database has no prospects, calls or themes yet.
    pub fn is_empty(&self) -> rusqlite::Result<bool> {
        self.conn.query_row(
            "SELECT NOT EXISTS (SELECT 1 FROM prospects)
                AND NOT EXISTS (SELECT 1 FROM calls)
                AND NOT EXISTS (SELECT 1 FROM themes)",
            [],
            |r| r.get(0),
        )
    }
}

#[cfg(test)]
mod tests;
