//! The desktop window: plugins, state, the single-instance listener.

use std::path::PathBuf;

use tauri::Manager;

use crate::commands::AppState;
use crate::instance::{self, Instance};

fn has_display() -> bool {
    if !cfg!(target_os = "linux") {
        return true;
    }
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
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
        Instance::Unsupported(why) => {
            eprintln!("callblock: note: cannot check for another window on this database ({why})");
            None
        }
    };

    let state = AppState::open(db_path);
    let specta = crate::bindings::builder();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .manage(state)
        .invoke_handler(specta.invoke_handler())
        .setup(move |app| {
            specta.mount_events(app);
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
