//! What a user sees when the program fails in a way it did not expect (a
//! panic): one line on standard error that says where the details went, and
//! a crash file with the details (the message, where, a backtrace) in the
//! app-data folder, instead of a backtrace on the terminal.

use std::path::{Path, PathBuf};

/// Install the hook for every thread of the process (the window's command
/// threads too).
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".to_string());
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_else(|| "an unknown place".to_string());
        let backtrace = std::backtrace::Backtrace::force_capture().to_string();
        let line = report(&crash_dir(), &message, &at, &backtrace, chrono::Utc::now());
        eprintln!("{line}");
    }));
}

/// Where crash files go: `crashes` in the app-data folder, else the
/// temporary folder.
fn crash_dir() -> PathBuf {
    callblock_core::paths::app_data_dir()
        .map(|d| d.join("crashes"))
        .unwrap_or_else(std::env::temp_dir)
}

/// Save the crash file in `dir`; the line to print.
fn report(
    dir: &Path,
    message: &str,
    at: &str,
    backtrace: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> String {
    let name = format!(
        "callblock-crash-{}-{}.txt",
        now.format("%Y%m%dT%H%M%SZ"),
        std::process::id()
    );
    let path = dir.join(name);
    let text = format!(
        "Callblock {} crashed at {} (UTC)\nthread: {}\nmessage: {message}\nat: {at}\n\n{backtrace}\n",
        env!("CARGO_PKG_VERSION"),
        now.to_rfc3339(),
        std::thread::current().name().unwrap_or("unnamed"),
    );
    let saved = callblock_core::files::ensure_folder(dir).and_then(|()| {
        callblock_core::files::write_bytes(&path, false, "crash.txt", text.as_bytes())
    });
    let first_line: String = message
        .lines()
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    match saved {
        Ok(()) => format!(
            "callblock: error: an unexpected failure ({first_line}); nothing more was done. \
             The details are in {}; please send that file with a report.",
            path.display()
        ),
        Err(_) => format!(
            "callblock: error: an unexpected failure ({first_line} at {at}); nothing more was done. \
             Please report it."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crash_is_one_line_and_a_file_with_the_details() {
        let dir = tempfile::tempdir().unwrap();
        let now = chrono::Utc::now();
        let line = report(
            &dir.path().join("crashes"),
            "index out of bounds\nsecond line\u{1b}[2J",
            "src/x.rs:10",
            "   0: frame",
            now,
        );
        assert!(line.starts_with("callblock: error: an unexpected failure (index out of bounds)"));
        assert!(!line.contains('\n'));
        let files: Vec<_> = std::fs::read_dir(dir.path().join("crashes"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(files.len(), 1);
        assert!(line.contains(&files[0].display().to_string()), "{line}");
        let text = std::fs::read_to_string(&files[0]).unwrap();
        assert!(text.contains("message: index out of bounds\nsecond line"));
        assert!(text.contains("at: src/x.rs:10") && text.contains("0: frame"));
        // Where no file can be written, the line says where it happened.
        let blocked = dir.path().join("file");
        std::fs::write(&blocked, "").unwrap();
        let line = report(&blocked.join("crashes"), "boom", "src/y.rs:2", "", now);
        assert!(line.contains("boom at src/y.rs:2"), "{line}");
    }
}
