//! Checkpoints off the path of a user action. By default SQLite copies the
//! write-ahead log back into the database file inside the commit that crosses
//! its threshold, which makes that one commit many times slower. The app turns
//! that off for its connection ([`Store::checkpoint_in_background`]) and a
//! thread with its own connection checkpoints every few seconds instead
//! (PASSIVE: it never blocks the writer; a commit is as durable either way,
//! since every commit syncs the log).

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::{Store, BUSY_TIMEOUT};

/// The background checkpointer; stops (after a last checkpoint) when dropped.
pub struct Checkpointer {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            t.thread().unpark();
            let _ = t.join();
        }
    }
}

fn checkpoint(conn: &Connection) {
    // Busy or not, a later round catches up; nothing to report to the user.
    let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
}

impl Store {
    /// Move checkpoints off this connection's commits to a background thread
    /// that checkpoints every `every`. Returns `None` for an in-memory store.
    pub fn checkpoint_in_background(
        &self,
        every: Duration,
    ) -> rusqlite::Result<Option<Checkpointer>> {
        if self.path.as_os_str() == ":memory:" {
            return Ok(None);
        }
        let path: PathBuf = self.path.clone();
        let conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        self.conn.execute_batch("PRAGMA wal_autocheckpoint = 0;")?;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("callblock-checkpoint".into())
            .spawn(move || {
                while !flag.load(Ordering::Relaxed) {
                    std::thread::park_timeout(every);
                    checkpoint(&conn);
                }
            })
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        Ok(Some(Checkpointer {
            stop,
            thread: Some(thread),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commits_no_longer_checkpoint_and_the_thread_does() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("c.db");
        let store = Store::open(&db).unwrap();
        store
            .conn()
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
            .unwrap();
        let size = || std::fs::metadata(&db).unwrap().len();
        let before = size();
        // Nothing checkpoints yet: many commits stay in the log, the file does not grow.
        store
            .conn()
            .execute_batch("PRAGMA wal_autocheckpoint = 0;")
            .unwrap();
        store.conn().execute_batch("BEGIN").unwrap();
        for i in 0..3000 {
            store
                .conn()
                .execute("INSERT INTO settings (key, value) VALUES (?1, 'a value long enough to fill pages')", [format!("k{i}")])
                .unwrap();
        }
        store.conn().execute_batch("COMMIT").unwrap();
        assert_eq!(size(), before, "the commit went to the log only");
        let cp = store
            .checkpoint_in_background(Duration::from_millis(20))
            .unwrap()
            .unwrap();
        let auto: i64 = store
            .conn()
            .query_row("PRAGMA wal_autocheckpoint", [], |r| r.get(0))
            .unwrap();
        assert_eq!(auto, 0, "the store's own commits never checkpoint");
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while size() == before && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(
            size() > before,
            "the background thread copied the log into the file"
        );
        drop(cp);
        let n: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM settings", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 3000);
    }
}
