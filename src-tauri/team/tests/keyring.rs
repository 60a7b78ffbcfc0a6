//! The role's password in the system keyring: a private D-Bus session with
//! a Secret Service (GNOME Keyring, Debian's `gnome-keyring`, its login
//! keyring created and unlocked with a test password) for this test process
//! alone (its own file: it sets the session bus for the whole process).
//! Without a session bus, or with `CALLBLOCK_KEYRING=off`, the file.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use callblock_team::config::{self, Kept};

/// A D-Bus session bus and a GNOME Keyring on it, stopped when dropped.
struct Session {
    bus_pid: u32,
    keyring_pid: Option<u32>,
    _home: tempfile::TempDir,
}

impl Drop for Session {
    fn drop(&mut self) {
        for pid in [Some(self.bus_pid), self.keyring_pid].into_iter().flatten() {
            let _ = Command::new("kill").arg(pid.to_string()).status();
        }
    }
}

fn start() -> Session {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new("dbus-daemon")
        .args(["--session", "--fork", "--print-address=1", "--print-pid=1"])
        .output()
        .expect("dbus-daemon (Debian's dbus) starts a session bus");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut lines = text.lines();
    let address = lines.next().unwrap().trim().to_string();
    let bus_pid: u32 = lines.next().unwrap().trim().parse().unwrap();
    // SAFETY: this test file has this one test: no other thread reads the
    // environment while it is set.
    unsafe {
        std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &address);
        std::env::remove_var("CALLBLOCK_KEYRING");
    }
    let mut keyring = Command::new("gnome-keyring-daemon")
        .args([
            "--replace",
            "--unlock",
            "--components=secrets",
            "--daemonize",
        ])
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_RUNTIME_DIR", home.path())
        .env("DBUS_SESSION_BUS_ADDRESS", &address)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("gnome-keyring-daemon (Debian's gnome-keyring) runs");
    keyring
        .stdin
        .take()
        .unwrap()
        .write_all(b"keyring-test-password")
        .unwrap();
    let out = keyring.wait_with_output().unwrap();
    // It prints GNOME_KEYRING_CONTROL=... and SSH_AUTH_SOCK=..., then forks.
    let keyring_pid = String::from_utf8_lossy(&out.stdout).lines().find_map(|l| {
        l.strip_prefix("GNOME_KEYRING_PID=")
            .and_then(|p| p.parse().ok())
    });
    Session {
        bus_pid,
        keyring_pid,
        _home: home,
    }
}

#[test]
fn with_a_secret_service_the_password_goes_to_the_keyring_not_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("team-passwords.json");
    let label = "dana@db.example:5432/sales";

    // No session bus: the file.
    unsafe { std::env::remove_var("DBUS_SESSION_BUS_ADDRESS") };
    assert_eq!(
        config::keep_password(&file, label, "pw-1").unwrap(),
        Kept::File
    );
    assert_eq!(
        config::password(&file, label).unwrap().as_deref(),
        Some("pw-1")
    );

    let _session = start();
    // The keyring answers once its daemon is on the bus.
    let deadline = Instant::now() + Duration::from_secs(20);
    let kept = loop {
        let kept = config::keep_password(&file, label, "pw-2").unwrap();
        if kept == Kept::Keyring || Instant::now() > deadline {
            break kept;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(kept, Kept::Keyring, "the Secret Service took the password");
    // Not in the file any more; read back from the keyring.
    let text = std::fs::read_to_string(&file).unwrap_or_default();
    assert!(!text.contains("pw-"), "{text}");
    assert_eq!(
        config::password(&file, label).unwrap().as_deref(),
        Some("pw-2")
    );
    assert_eq!(
        config::password(&file, "lee@db.example:5432/sales").unwrap(),
        None
    );

    // Turned off: the file again.
    unsafe { std::env::set_var("CALLBLOCK_KEYRING", "off") };
    assert_eq!(
        config::keep_password(&file, label, "pw-3").unwrap(),
        Kept::File
    );
    unsafe { std::env::remove_var("CALLBLOCK_KEYRING") };

    // Forgotten: gone from both.
    config::forget_password(&file, label).unwrap();
    assert_eq!(config::password(&file, label).unwrap(), None);
}
