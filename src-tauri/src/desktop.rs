//! What the app hands to the desktop: `tel:` links to the softphone,
//! `mailto:` drafts to the mail program, invitation files to the calendar,
//! text to the clipboard, and notifications. Each fails soft: a missing
//! softphone or notification service gives a message, never a crash.

use std::path::Path;

use tauri::{AppHandle, Runtime, State};
use tauri_plugin_clipboard_manager::ClipboardExt;
use tauri_plugin_notification::NotificationExt;
use tauri_plugin_opener::OpenerExt;

use crate::error::AppError;
use crate::state::AppState;

/// Only these links leave the app.
fn allowed_link(url: &str) -> Result<(), AppError> {
    let lower = url.trim().to_ascii_lowercase();
    if lower.starts_with("tel:") || lower.starts_with("mailto:") {
        Ok(())
    } else {
        Err(AppError::new(
            "invalid",
            format!(
                "{} is not a tel: or mailto: link",
                callblock_core::quote::quoted(url)
            ),
        ))
    }
}

/// Hand a `tel:` or `mailto:` link to the program the desktop has for it.
#[tauri::command(async)]
#[specta::specta]
pub fn open_link(app: AppHandle, url: String) -> Result<(), AppError> {
    allowed_link(&url)?;
    let tel = url.to_ascii_lowercase().starts_with("tel:");
    app.opener()
        .open_url(url.trim(), None::<&str>)
        .map_err(|e| {
            // The launcher's own words (its command, an exit status, an OS
            // error number) are for the log, not for the rep.
            eprintln!("callblock: opening a link failed: {e}");
            AppError::new(
                if tel {
                    "no_softphone"
                } else {
                    "no_mail_program"
                },
                if tel {
                    "No softphone took the number. Copy it (Alt+C) and dial it by hand."
                } else {
                    "No mail program took the invitation e-mail. Copy the e-mail instead, \
                     and attach the invitation file."
                },
            )
        })
}

/// Open a saved invitation (.ics) with the calendar program.
#[tauri::command(async)]
#[specta::specta]
pub fn open_invitation(
    app: AppHandle,
    state: State<'_, AppState>,
    path: String,
) -> Result<(), AppError> {
    let p = Path::new(&path);
    let inside = p
        .canonicalize()
        .ok()
        .zip(state.invitations_dir()?.canonicalize().ok())
        .is_some_and(|(file, dir)| file.starts_with(dir));
    if !inside || p.extension().and_then(|e| e.to_str()) != Some("ics") {
        return Err(AppError::new(
            "invalid",
            format!("{path} is not an invitation saved by Callblock"),
        ));
    }
    app.opener().open_path(&path, None::<&str>).map_err(|e| {
        eprintln!("callblock: opening {path} failed: {e}");
        AppError::new(
            "no_calendar_program",
            "No calendar program opened the invitation. Show it in its folder instead.",
        )
    })
}

/// Show a saved invitation (.ics) in the file manager, selected.
#[tauri::command(async)]
#[specta::specta]
pub fn reveal_invitation(
    app: AppHandle,
    state: State<'_, AppState>,
    path: String,
) -> Result<(), AppError> {
    let p = Path::new(&path);
    let inside = p
        .canonicalize()
        .ok()
        .zip(state.invitations_dir()?.canonicalize().ok())
        .is_some_and(|(file, dir)| file.starts_with(dir));
    if !inside || p.extension().and_then(|e| e.to_str()) != Some("ics") {
        return Err(AppError::new(
            "invalid",
            format!("{path} is not an invitation saved by Callblock"),
        ));
    }
    app.opener().reveal_item_in_dir(p).map_err(|e| {
        eprintln!("callblock: showing {path} failed: {e}");
        AppError::new(
            "no_file_manager",
            format!("No file manager could show it; the invitation is saved at {path}"),
        )
    })
}

#[tauri::command(async)]
#[specta::specta]
pub fn copy_text(app: AppHandle, text: String) -> Result<(), AppError> {
    app.clipboard().write_text(text).map_err(|e| {
        eprintln!("callblock: the clipboard failed: {e}");
        AppError::new("no_clipboard", "The clipboard is not available here.")
    })
}

/// What a file picker looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    /// A CSV export of a CRM (or tab-separated text).
    Csv,
    /// Bundles reps exported (`.cbbundle`), several at once.
    Bundle,
    /// The rep's calendar (`.ics`), read-only.
    Calendar,
}

/// The desktop's file picker, starting in `start_dir` when it exists: the
/// files chosen (none when the user cancels). The path can still be typed:
/// the picker is a shortcut, not the only way in.
#[tauri::command(async)]
#[specta::specta]
pub fn pick_files(
    app: AppHandle,
    kind: FileKind,
    start_dir: Option<String>,
) -> Result<Vec<String>, AppError> {
    use tauri::Manager;
    use tauri_plugin_dialog::DialogExt;
    let mut dialog = app.dialog().file();
    // Over the window, as its own dialog (modal where the desktop does it).
    if let Some(window) = app.get_webview_window("main") {
        dialog = dialog.set_parent(&window);
    }
    dialog = match kind {
        FileKind::Csv => dialog
            .set_title("Import a CSV")
            .add_filter("CSV and text files", &["csv", "tsv", "txt"]),
        FileKind::Bundle => dialog
            .set_title("Import bundles")
            .add_filter("Callblock bundles", &[callblock_core::bundle::EXTENSION]),
        FileKind::Calendar => dialog
            .set_title("Your calendar (.ics file)")
            .add_filter("Calendar files", &["ics", "ical", "ifb"]),
    }
    .add_filter("All files", &["*"]);
    if let Some(dir) = start_dir
        .and_then(|d| callblock_core::files::typed_path(&d, "~/Downloads").ok())
        .filter(|d| d.is_dir())
    {
        dialog = dialog.set_directory(dir);
    }
    let picked = match kind {
        FileKind::Csv | FileKind::Calendar => dialog.blocking_pick_file().map(|f| vec![f]),
        FileKind::Bundle => dialog.blocking_pick_files(),
    };
    Ok(picked
        .unwrap_or_default()
        .into_iter()
        .filter_map(|f| f.into_path().ok())
        .map(|p| p.display().to_string())
        .collect())
}

/// A desktop notification; returns false when the desktop has no
/// notification service (the window shows the message anyway).
pub fn notify<R: Runtime>(app: &AppHandle<R>, title: &str, body: &str) -> bool {
    app.notification()
        .builder()
        .title(title)
        .body(body)
        .show()
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_tel_and_mailto_links_leave_the_app() {
        assert!(allowed_link("tel:+13125550142;ext=12").is_ok());
        assert!(allowed_link("MAILTO:a@b.example?subject=x").is_ok());
        for bad in [
            "https://example.com",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "",
        ] {
            assert!(allowed_link(bad).is_err(), "{bad}");
        }
    }
}
