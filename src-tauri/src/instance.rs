//! One window per database. The first launch on a database binds a local
//! socket named after the database's path; a second launch on the same
//! database finds the name taken, asks the first to bring its window to the
//! front, and exits. On Linux the socket lives in the abstract namespace, so
//! it vanishes with its process (even after `kill -9`) and needs no D-Bus
//! session, no lock file and no cleanup. A launch on another database opens
//! its own window.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

pub enum Instance {
    /// This process is the first on the database; it serves focus requests.
    #[cfg(target_os = "linux")]
    Primary(std::os::unix::net::UnixListener),
    /// Another process has the database open and was asked to show itself.
    Secondary,
    /// Detection is not available here; run without it.
    Unsupported(String),
}

/// The absolute, normalised path used as the key.
pub fn canonical_db_path(db: &Path) -> PathBuf {
    if let Ok(p) = db.canonicalize() {
        return p;
    }
    let abs = if db.is_absolute() {
        db.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(db))
            .unwrap_or_else(|_| db.to_path_buf())
    };
    match (
        abs.parent().and_then(|p| p.canonicalize().ok()),
        abs.file_name(),
    ) {
        (Some(dir), Some(name)) => dir.join(name),
        _ => abs,
    }
}

/// FNV-1a, 64 bits: a stable short name for a path.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

pub fn socket_name(db: &Path) -> String {
    let key = canonical_db_path(db);
    #[cfg(unix)]
    let bytes = {
        use std::os::unix::ffi::OsStrExt;
        key.as_os_str().as_bytes().to_vec()
    };
    #[cfg(not(unix))]
    let bytes = key.to_string_lossy().as_bytes().to_vec();
    // The user's id keeps two users' sockets apart (the abstract namespace is shared).
    #[cfg(unix)]
    let uid = {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata("/proc/self")
            .map(|m| m.uid())
            .unwrap_or(0)
    };
    #[cfg(not(unix))]
    let uid = 0;
    format!("app.callblock.desktop/{uid}/{:016x}", fnv1a(&bytes))
}

#[cfg(target_os = "linux")]
pub fn acquire(db: &Path) -> Instance {
    use std::os::linux::net::SocketAddrExt;
    use std::os::unix::net::{SocketAddr, UnixListener, UnixStream};

    let name = socket_name(db);
    let addr = match SocketAddr::from_abstract_name(name.as_bytes()) {
        Ok(a) => a,
        Err(e) => return Instance::Unsupported(e.to_string()),
    };
    match UnixListener::bind_addr(&addr) {
        Ok(listener) => Instance::Primary(listener),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            if let Ok(mut stream) = UnixStream::connect_addr(&addr) {
                let _ = stream.set_write_timeout(Some(std::time::Duration::from_secs(2)));
                let _ = stream.write_all(b"focus\n");
            }
            Instance::Secondary
        }
        Err(e) => Instance::Unsupported(e.to_string()),
    }
}

#[cfg(not(target_os = "linux"))]
pub fn acquire(_db: &Path) -> Instance {
    Instance::Unsupported("one-window-per-database is implemented on Linux only".into())
}

/// Serve focus requests on `listener` for as long as the process lives,
/// calling `on_focus` for each.
#[cfg(target_os = "linux")]
pub fn serve(listener: std::os::unix::net::UnixListener, on_focus: impl Fn() + Send + 'static) {
    std::thread::Builder::new()
        .name("callblock-instance".into())
        .spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut line = String::new();
                let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(2)));
                if BufReader::new(&stream).read_line(&mut line).is_ok() && line.trim() == "focus" {
                    on_focus();
                }
            }
        })
        .ok();
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[test]
    fn a_second_launch_on_the_same_database_asks_the_first_to_focus() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("one.db");
        let Instance::Primary(listener) = acquire(&db) else {
            panic!("the first launch is the primary")
        };
        let focused = Arc::new(AtomicUsize::new(0));
        let f = focused.clone();
        serve(listener, move || {
            f.fetch_add(1, Ordering::SeqCst);
        });
        // The same file by another spelling of its path.
        let other_spelling = dir.path().join(".").join("one.db");
        assert!(matches!(acquire(&other_spelling), Instance::Secondary));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while focused.load(Ordering::SeqCst) == 0 && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert_eq!(focused.load(Ordering::SeqCst), 1);
        // Another database is independent.
        assert!(matches!(
            acquire(&dir.path().join("two.db")),
            Instance::Primary(_)
        ));
    }
}
