//! The team store's sync, in the background: a thread of its own with its
//! own connection to the database file and its own runtime, so a block never
//! waits on the network. Four times a second it looks at the outbox (a
//! local count); when something waits it pushes at once, and it pulls every
//! few seconds. A manager's window also listens to the store (`LISTEN`):
//! a rep's push is pulled the moment it commits. Every wait on the server
//! is bounded (`callblock_team::client::WAIT`); after a failure it tries
//! again less often. The window hears `TeamStatus` when what it shows
//! changes.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use tauri::Manager;
use tauri_specta::Event;

use callblock_core::team::link;
use callblock_core::Store;
use callblock_team::Listener;

use crate::events::TeamStatus;
use crate::state::AppState;

/// How often the outbox is looked at.
const LOOK_EVERY: Duration = Duration::from_millis(250);
/// How often the team's new calls are pulled when nothing is heard.
const PULL_EVERY: Duration = Duration::from_secs(5);
/// How long to wait after the server could not be reached.
const RETRY_AFTER: Duration = Duration::from_secs(15);

pub fn spawn(app: tauri::AppHandle, db_path: PathBuf) {
    let spawned = std::thread::Builder::new()
        .name("team-sync".into())
        .spawn(move || {
            // Its own connection: opened once the window's has migrated the file.
            std::thread::sleep(Duration::from_secs(1));
            let Ok(store) = Store::open_to_write(&db_path) else {
                return; // the window says why the database cannot be opened
            };
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                eprintln!("callblock: warning: the team store will not sync (no runtime)");
                return;
            };
            rt.block_on(run(app, store));
        });
    if let Err(e) = spawned {
        eprintln!("callblock: warning: the team store will not sync ({e})");
    }
}

/// Wait `LOOK_EVERY`, or less when a listening connection hears a push;
/// true when one was heard. A closed listener is dropped.
async fn wait(listener: &mut Option<Listener>) -> bool {
    let Some(l) = listener.as_mut() else {
        tokio::time::sleep(LOOK_EVERY).await;
        return false;
    };
    tokio::select! {
        heard = l.heard() => {
            if heard.is_none() {
                *listener = None;
            }
            heard.is_some()
        }
        _ = tokio::time::sleep(LOOK_EVERY) => false,
    }
}

async fn run(app: tauri::AppHandle, mut store: Store) {
    let secrets = callblock_team::config::secrets_path();
    let mut last_sent = None;
    let mut last_sync: Option<Instant> = None;
    let mut failed_at: Option<Instant> = None;
    let mut listener: Option<Listener> = None;
    let mut listen_tried: Option<Instant> = None;
    loop {
        let heard = wait(&mut listener).await;
        if app.state::<AppState>().import.is_running() {
            continue;
        }
        let Ok(status) = link::status(store.conn()) else {
            continue;
        };
        match &status.link {
            Some(l) => {
                let due = match (failed_at, last_sync) {
                    (Some(f), _) => f.elapsed() >= RETRY_AFTER,
                    (None, None) => true,
                    (None, Some(t)) => heard || status.waiting > 0 || t.elapsed() >= PULL_EVERY,
                };
                if due {
                    match callblock_team::sync(&mut store, &secrets).await {
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
                if l.manager
                    && listener.is_none()
                    && failed_at.is_none()
                    && listen_tried.is_none_or(|t| t.elapsed() >= RETRY_AFTER)
                {
                    listen_tried = Some(Instant::now());
                    listener = callblock_team::listen(&store, &secrets).await.ok();
                }
            }
            None => {
                failed_at = None;
                listener = None;
            }
        }
        if let Ok(now) = link::status(store.conn()) {
            if last_sent.as_ref() != Some(&now) {
                let _ = TeamStatus(now.clone()).emit(&app);
                last_sent = Some(now);
            }
        }
    }
}
