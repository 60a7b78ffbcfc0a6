//! The team store's sync, in the background: a thread of its own with its
//! own connection to the database file, so a block never waits on the
//! network. Every second it looks at the outbox (a local count); when
//! something waits, or every few seconds to pull, it syncs (every wait on
//! the server bounded: `callblock_team::client::WAIT`). After a failure it
//! tries again less often. The window hears `TeamStatus` when what it shows
//! changes.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use tauri::Manager;
use tauri_specta::Event;

use callblock_core::team::link;
use callblock_core::Store;

use crate::events::TeamStatus;
use crate::state::AppState;

/// How often the outbox is looked at.
const LOOK_EVERY: Duration = Duration::from_secs(1);
/// How often the team's new calls are pulled when nothing waits.
const PULL_EVERY: Duration = Duration::from_secs(5);
/// How long to wait after the server could not be reached.
const RETRY_AFTER: Duration = Duration::from_secs(15);

pub fn spawn(app: tauri::AppHandle, db_path: PathBuf) {
    let spawned = std::thread::Builder::new()
        .name("team-sync".into())
        .spawn(move || run(app, db_path));
    if let Err(e) = spawned {
        eprintln!("callblock: warning: the team store will not sync ({e})");
    }
}

fn run(app: tauri::AppHandle, db_path: PathBuf) {
    // Its own connection: opened once the window's has migrated the file.
    std::thread::sleep(Duration::from_secs(1));
    let mut store = match Store::open_to_write(&db_path) {
        Ok(s) => s,
        Err(_) => return, // the window says why the database cannot be opened
    };
    let secrets = callblock_team::config::secrets_path();
    let mut last_sent = None;
    let mut last_sync: Option<Instant> = None;
    let mut failed_at: Option<Instant> = None;
    loop {
        let state = app.state::<AppState>();
        if !state.import.is_running() {
            if let Ok(status) = link::status(store.conn()) {
                if status.link.is_some() {
                    let due = match (failed_at, last_sync) {
                        (Some(f), _) => f.elapsed() >= RETRY_AFTER,
                        (None, None) => true,
                        (None, Some(t)) => status.waiting > 0 || t.elapsed() >= PULL_EVERY,
                    };
                    if due {
                        match callblock_team::block_on(callblock_team::sync(&mut store, &secrets)) {
                            Ok(_) => failed_at = None,
                            Err(e) => {
                                if failed_at.is_none() {
                                    eprintln!("callblock: team store: {e}");
                                }
                                failed_at = Some(Instant::now());
                            }
                        }
                        last_sync = Some(Instant::now());
                    }
                } else {
                    failed_at = None;
                }
                if let Ok(now) = link::status(store.conn()) {
                    if last_sent.as_ref() != Some(&now) {
                        let _ = TeamStatus(now.clone()).emit(&app);
                        last_sent = Some(now);
                    }
                }
            }
        }
        std::thread::sleep(LOOK_EVERY);
    }
}
