//! The desktop window: plugins, state, the single-instance listener, and the
//! two background tasks: the block ticker and the due-block watcher.

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Duration;

use tauri::Manager;

use callblock_core::clock::Alert;
use callblock_core::session::TickView;

use crate::desktop;
use crate::events::{BlockTick, BreakTick};
use crate::instance::{self, Instance};
use crate::state::AppState;

fn has_display() -> bool {
    if !cfg!(target_os = "linux") {
        return true;
    }
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
}

/// Whether the toolkit can open the display; the reason when it cannot.
/// (Tauri's event loop would panic on the same failure.)
fn display_opens() -> Result<(), String> {
    #[cfg(target_os = "linux")]
    {
        gtk::init().map_err(|e| e.to_string())
    }
    #[cfg(not(target_os = "linux"))]
    {
        Ok(())
    }
}

/// Open the window on `db_path`; returns the exit code.
pub fn run(db_path: PathBuf) -> i32 {
    if !has_display() {
        eprintln!(
            "callblock: error: cannot open the window: no display (neither DISPLAY nor WAYLAND_DISPLAY is set). \
             The commands (see `callblock --help`) work without one."
        );
        return 1;
    }
    if let Err(why) = display_opens() {
        let display = ["WAYLAND_DISPLAY", "DISPLAY"]
            .iter()
            .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
            .unwrap_or_default();
        eprintln!(
            "callblock: error: cannot open the window: the display {display:?} cannot be opened ({why}). \
             Check that DISPLAY names a running display; the commands (see `callblock --help`) work without one."
        );
        return 1;
    }
    let listener = match instance::acquire(&db_path) {
        #[cfg(target_os = "linux")]
        Instance::Primary(l) => Some(l),
        Instance::Secondary => {
            println!(
                "Callblock is already open on {}; its window was brought to the front.",
                db_path.display()
            );
            return 0;
        }
        // Another user holds this database's name: run, saying nothing.
        Instance::Alone => None,
        Instance::Unsupported(why) => {
            eprintln!("callblock: note: cannot check for another window on this database ({why})");
            None
        }
    };

    let team_db = db_path.clone();
    let state = AppState::open(db_path);
    let specta = crate::bindings::builder();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        .invoke_handler(specta.invoke_handler())
        .setup(move |app| {
            specta.mount_events(app);
            if let Some(w) = app.get_webview_window("main") {
                fit_on_screen(&w);
            }
            // The phone metadata takes a moment of CPU to load: after start-up
            // (two cores are busy starting WebKit), before a first import preview.
            std::thread::spawn(|| {
                std::thread::sleep(std::time::Duration::from_secs(3));
                callblock_core::import::warm_up();
            });
            spawn_ticker(app.handle().clone());
            spawn_break_ticker(app.handle().clone());
            watch_due_blocks(app.handle().clone());
            crate::team_sync::spawn(app.handle().clone(), team_db);
            #[cfg(target_os = "linux")]
            if let Some(listener) = listener {
                let handle = app.handle().clone();
                instance::serve(listener, move || {
                    if let Some(w) = handle.get_webview_window("main") {
                        let _ = w.unminimize();
                        let _ = w.show();
                        let _ = w.set_focus();
                    }
                });
            }
            #[cfg(not(target_os = "linux"))]
            let _ = listener;
            Ok(())
        })
        .run(tauri::generate_context!());
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("callblock: error: the window failed: {e}");
            1
        }
    }
}

/// Keep the window on its screen: a size remembered from a larger screen
/// (or the default 1280x820 on a small one) is cut to the screen, and a
/// window that would stick out is placed in the middle of it, so that the
/// navigation is never off the edge. (The inner size: before the window is
/// shown, its frame is not known yet.)
fn fit_on_screen(w: &tauri::WebviewWindow) {
    let (Ok(Some(monitor)), Ok(size), Ok(at)) =
        (w.current_monitor(), w.inner_size(), w.outer_position())
    else {
        return;
    };
    let (screen, origin) = (monitor.size(), monitor.position());
    let (sw, sh) = (screen.width as i64, screen.height as i64);
    let (width, height) = (
        i64::from(size.width).min(sw),
        i64::from(size.height).min(sh),
    );
    let (x, y) = (i64::from(at.x - origin.x), i64::from(at.y - origin.y));
    if (width, height) == (i64::from(size.width), i64::from(size.height))
        && x >= 0
        && y >= 0
        && x + width <= sw
        && y + height <= sh
    {
        return;
    }
    let _ = w.set_size(tauri::PhysicalSize::new(width as u32, height as u32));
    let _ = w.set_position(tauri::PhysicalPosition::new(
        origin.x + ((sw - width) / 2) as i32,
        origin.y + ((sh - height) / 2) as i32,
    ));
}

/// Emit [`BlockTick`]s while a block runs, with a desktop notification (and
/// the in-window alert) at five minutes left and at the end.
fn spawn_ticker(app: tauri::AppHandle) {
    use tauri_specta::Event;
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let changed = state.changed.clone();
        callblock_core::clock::run_ticker(
            || state.clocks(),
            |block_id, settings, tick| {
                match tick.alert {
                    Some(Alert::FiveMinutesLeft) => {
                        desktop::notify(
                            &app,
                            "Five minutes left",
                            "Five minutes left in this block.",
                        );
                    }
                    Some(Alert::TimeUp) => {
                        desktop::notify(
                            &app,
                            "Block time is up",
                            "Finish this call, then take your break.",
                        );
                    }
                    None => {}
                }
                let _ = BlockTick(TickView::new(block_id.to_string(), &tick, settings)).emit(&app);
            },
            &changed,
        )
        .await;
    });
}

/// Emit [`BreakTick`]s during the break after a block, with a desktop
/// notification when it is over.
fn spawn_break_ticker(app: tauri::AppHandle) {
    use tauri_specta::Event;
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let changed = state.break_changed.clone();
        callblock_core::clock::run_break_ticker(
            || state.break_left(),
            |block_id, left, over| {
                if over {
                    desktop::notify(
                        &app,
                        "Break over",
                        "Time for the next block. Open Callblock's Block view to start it.",
                    );
                }
                let _ = BreakTick {
                    block_id: block_id.to_string(),
                    remaining_ms: u32::try_from(left.as_millis()).unwrap_or(u32::MAX),
                    over,
                }
                .emit(&app);
            },
            &changed,
        )
        .await;
    });
}

/// What the watcher said of the callbacks due: each once, at its time; the
/// count as the sidebar shows it.
#[derive(Default)]
struct CallbackWatch {
    announced: HashSet<String>,
    total: Option<u32>,
}

impl CallbackWatch {
    /// Notify the callbacks that came due (not during a block), and tell the
    /// window when their number changed. Fails soft.
    fn look(&mut self, app: &tauri::AppHandle, state: &AppState, running: bool) {
        use callblock_core::api::block;
        use tauri_specta::Event;
        let Ok((total, due)) =
            state.with_store(|s| block::callbacks_due(s.conn(), callblock_core::time::now(), 50))
        else {
            return;
        };
        if let Some((title, body)) =
            block::callback_notification(&due, running, &mut self.announced)
        {
            desktop::notify(app, &title, &body);
        }
        if self.total != Some(total) {
            self.total = Some(total);
            let _ = crate::events::CallbacksChanged { total }.emit(app);
        }
    }
}

/// How often the app looks for a due block.
const DUE_CHECK_EVERY: Duration = Duration::from_secs(30);

/// Every [`DUE_CHECK_EVERY`], notify the desktop when a scheduled block of
/// the current rep is due and no block is running (once per occurrence;
/// fails soft).
fn watch_due_blocks(app: tauri::AppHandle) {
    use callblock_core::api::plan;
    tauri::async_runtime::spawn(async move {
        let mut announced = HashSet::new();
        let mut warned = false;
        let mut callbacks = CallbackWatch::default();
        loop {
            let state = app.state::<AppState>();
            let running = state.block_running();
            // An import holds the database for a moment; check again later.
            let due = if running || state.import.is_running() {
                None
            } else {
                state
                    .with_store(|s| plan::next_due_block(s.conn(), callblock_core::time::now()))
                    .unwrap_or_else(|e| {
                        // Once: a database that cannot be opened fails every time.
                        if !warned {
                            eprintln!("callblock: warning: cannot check the schedule ({e})");
                            warned = true;
                        }
                        None
                    })
            };
            if let Some((title, body)) =
                plan::due_notification(due.as_ref(), running, &mut announced)
            {
                desktop::notify(&app, &title, &body);
            }
            if !state.import.is_running() {
                callbacks.look(&app, &state, running);
            }
            tokio::time::sleep(DUE_CHECK_EVERY).await;
        }
    });
}
