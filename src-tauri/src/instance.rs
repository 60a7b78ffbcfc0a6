//! One window per database. The first launch on a database binds a local
//! socket named after the database's path; a second launch on the same
//! database finds the name taken, asks the first to bring its window to the
//! front, and exits. On Linux the socket lives in the abstract namespace, so
//! it vanishes with its process (even after `kill -9`) and needs no D-Bus
//! session, no lock file and no cleanup. A launch on another database opens
//! its own window.
//!
//! Who holds the name. The abstract namespace is shared by every user of the
//! machine and has no permissions: another user can bind our name first. A
//! taken name is therefore not enough to exit. The launch connects and asks
//! the kernel who is listening (`SO_PEERCRED`: the effective uid of the
//! process that bound the name, which the other side cannot fake); only a
//! holder running as the same user is asked to focus, and only then does the
//! launch exit. A name held by another user, or by a process that cannot be
//! identified (it does not accept the connection), makes the launch run
//! anyway, without one-window detection this time ([`Instance::Alone`]), and
//! print nothing: the user's database is fine and there is nothing to do. The
//! primary likewise ignores focus requests from other users.
//!
//! Why not a socket file in `$XDG_RUNTIME_DIR`: that directory is private, but
//! a file outlives a `kill -9`, so every launch would have to tell a stale
//! file from a live one (connect, on `ECONNREFUSED` remove and rebind), and
//! two launches racing through that can both end up primary, each having
//! removed the other's socket. The abstract name keeps the kernel as the
//! arbiter of who binds first and leaves nothing behind; checking the
//! holder's uid closes the hole the shared namespace opens.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

pub enum Instance {
    /// This process is the first on the database; it serves focus requests.
    #[cfg(target_os = "linux")]
    Primary(std::os::unix::net::UnixListener),
    /// Another process of this user has the database open and was asked to
    /// show itself.
    Secondary,
    /// The name is held by another user's process (or one that cannot be
    /// identified): run, without one-window detection for this launch.
    Alone,
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
    let uid = effective_uid();
    format!("app.callblock.desktop/{uid}/{:016x}", fnv1a(&bytes))
}

/// The user this process acts as: the uid `SO_PEERCRED` reports for it.
fn effective_uid() -> u32 {
    #[cfg(unix)]
    {
        // SAFETY: geteuid has no preconditions and cannot fail.
        unsafe { libc::geteuid() }
    }
    #[cfg(not(unix))]
    {
        0
    }
}

/// The effective uid of the process at the other end of `stream` (for a
/// client, the one that bound the listening name), from the kernel; `None`
/// when it cannot be told.
#[cfg(target_os = "linux")]
fn peer_uid(stream: &std::os::unix::net::UnixStream) -> Option<u32> {
    use std::os::fd::AsRawFd;
    let mut cred = libc::ucred {
        pid: 0,
        uid: 0,
        gid: 0,
    };
    let size = std::mem::size_of::<libc::ucred>();
    let mut len = size as libc::socklen_t;
    // SAFETY: the fd is a live socket borrowed from `stream`; `cred` and
    // `len` are valid for writes and `len` holds the size of `cred`.
    let rc = unsafe {
        libc::getsockopt(
            stream.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            (&mut cred as *mut libc::ucred).cast::<libc::c_void>(),
            &mut len,
        )
    };
    (rc == 0 && len as usize == size).then_some(cred.uid)
}

/// Whether the process at the other end of a connection may be trusted as
/// this user's own Callblock: only when the kernel says it runs as `our_uid`.
/// A launch exits (after asking the holder to focus) only when this is true,
/// and the primary serves a focus request only when it is true.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn same_user(peer_uid: Option<u32>, our_uid: u32) -> bool {
    peer_uid == Some(our_uid)
}

#[cfg(target_os = "linux")]
pub fn acquire(db: &Path) -> Instance {
    acquire_name(&socket_name(db), effective_uid())
}

/// Bind `name`, or find out who holds it; `our_uid` is the user a holder
/// must run as to make this launch a secondary.
#[cfg(target_os = "linux")]
fn acquire_name(name: &str, our_uid: u32) -> Instance {
    use std::os::linux::net::SocketAddrExt;
    use std::os::unix::net::{SocketAddr, UnixListener, UnixStream};

    let addr = match SocketAddr::from_abstract_name(name.as_bytes()) {
        Ok(a) => a,
        Err(e) => return Instance::Unsupported(e.to_string()),
    };
    match UnixListener::bind_addr(&addr) {
        Ok(listener) => Instance::Primary(listener),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            // A launch of ours that is between bind and listen refuses a
            // connection for a moment: try a few times before giving up.
            let mut stream = None;
            for attempt in 0..4 {
                if attempt > 0 {
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                if let Ok(s) = UnixStream::connect_addr(&addr) {
                    stream = Some(s);
                    break;
                }
            }
            let Some(mut stream) = stream else {
                return Instance::Alone;
            };
            if !same_user(peer_uid(&stream), our_uid) {
                return Instance::Alone;
            }
            let _ = stream.set_write_timeout(Some(std::time::Duration::from_secs(2)));
            let _ = stream.write_all(b"focus\n");
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
/// calling `on_focus` for each one that comes from this user.
#[cfg(target_os = "linux")]
pub fn serve(listener: std::os::unix::net::UnixListener, on_focus: impl Fn() + Send + 'static) {
    serve_for(listener, effective_uid(), on_focus)
}

#[cfg(target_os = "linux")]
fn serve_for(
    listener: std::os::unix::net::UnixListener,
    our_uid: u32,
    on_focus: impl Fn() + Send + 'static,
) {
    std::thread::Builder::new()
        .name("callblock-instance".into())
        .spawn(move || {
            for stream in listener.incoming().flatten() {
                if !same_user(peer_uid(&stream), our_uid) {
                    continue;
                }
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

    /// A name no other test (or run) uses.
    fn test_name(what: &str) -> String {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        format!("app.callblock.test/{}/{what}/{nanos}", std::process::id())
    }

    fn focus_counter(listener: std::os::unix::net::UnixListener, as_uid: u32) -> Arc<AtomicUsize> {
        let focused = Arc::new(AtomicUsize::new(0));
        let f = focused.clone();
        serve_for(listener, as_uid, move || {
            f.fetch_add(1, Ordering::SeqCst);
        });
        focused
    }

    #[test]
    fn only_a_holder_of_our_own_uid_is_trusted() {
        assert!(same_user(Some(1000), 1000));
        assert!(same_user(Some(0), 0));
        // Another user's holder, whichever way round root is.
        assert!(!same_user(Some(1001), 1000));
        assert!(!same_user(Some(0), 1000));
        assert!(!same_user(Some(1000), 0));
        // A holder the kernel could not name.
        assert!(!same_user(None, 1000));
    }

    #[test]
    fn the_kernel_names_the_holder_of_a_name() {
        use std::os::linux::net::SocketAddrExt;
        use std::os::unix::net::{SocketAddr, UnixStream};
        let name = test_name("peer");
        let Instance::Primary(_listener) = acquire_name(&name, effective_uid()) else {
            panic!("a fresh name is bound")
        };
        let addr = SocketAddr::from_abstract_name(name.as_bytes()).unwrap();
        let stream = UnixStream::connect_addr(&addr).unwrap();
        assert_eq!(peer_uid(&stream), Some(effective_uid()));
    }

    #[test]
    fn a_name_held_by_another_user_does_not_make_a_launch_exit() {
        let name = test_name("foreign");
        let us = effective_uid();
        let Instance::Primary(listener) = acquire_name(&name, us) else {
            panic!("a fresh name is bound")
        };
        let focused = focus_counter(listener, us);
        // Seen from a launch running as another user, this holder is foreign.
        let other_user = us.wrapping_add(1);
        assert!(
            matches!(acquire_name(&name, other_user), Instance::Alone),
            "a foreign holder leaves the launch running, alone"
        );
        // ... and was not asked to focus.
        std::thread::sleep(std::time::Duration::from_millis(200));
        assert_eq!(focused.load(Ordering::SeqCst), 0);
        // The same holder seen by its own user: a secondary, and a focus.
        assert!(matches!(acquire_name(&name, us), Instance::Secondary));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while focused.load(Ordering::SeqCst) == 0 && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert_eq!(focused.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_focus_request_from_another_user_is_ignored() {
        let name = test_name("ignored");
        let us = effective_uid();
        let Instance::Primary(listener) = acquire_name(&name, us) else {
            panic!("a fresh name is bound")
        };
        // A primary running as another user than the one asking.
        let focused = focus_counter(listener, us.wrapping_add(1));
        let _ = acquire_name(&name, us);
        std::thread::sleep(std::time::Duration::from_millis(300));
        assert_eq!(focused.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn a_name_bound_by_a_socket_that_does_not_listen_does_not_make_a_launch_exit() {
        // What a squatter needs least: bind the name and never accept.
        let name = test_name("mute");
        // SAFETY: plain socket calls on a socket this test owns; the address
        // is a zeroed sockaddr_un with the abstract name after its NUL byte,
        // and the length passed covers exactly the family and the name.
        let fd = unsafe {
            let fd = libc::socket(libc::AF_UNIX, libc::SOCK_STREAM, 0);
            assert!(fd >= 0);
            let mut addr: libc::sockaddr_un = std::mem::zeroed();
            addr.sun_family = libc::AF_UNIX as libc::sa_family_t;
            for (i, b) in name.bytes().enumerate() {
                addr.sun_path[i + 1] = b as libc::c_char;
            }
            let len = std::mem::size_of::<libc::sa_family_t>() + 1 + name.len();
            let rc = libc::bind(
                fd,
                (&addr as *const libc::sockaddr_un).cast::<libc::sockaddr>(),
                len as libc::socklen_t,
            );
            assert_eq!(rc, 0, "bind: {}", std::io::Error::last_os_error());
            fd
        };
        let got = acquire_name(&name, effective_uid());
        // SAFETY: closing the fd this test opened, once.
        unsafe { libc::close(fd) };
        assert!(matches!(got, Instance::Alone));
    }

    #[test]
    fn a_name_is_free_again_once_its_holder_is_gone() {
        let name = test_name("gone");
        let first = acquire_name(&name, effective_uid());
        assert!(matches!(first, Instance::Primary(_)));
        drop(first);
        assert!(matches!(
            acquire_name(&name, effective_uid()),
            Instance::Primary(_)
        ));
    }
}
