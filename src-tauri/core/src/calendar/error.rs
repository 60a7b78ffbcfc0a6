//! Why the rep's calendar could not be read: a leaf (it names nothing of the
//! crate). Never an error of the meeting form: the slots fall back to the
//! rep's working hours and show this as their one line of warning.

use std::path::{Path, PathBuf};

/// A path as a message shows it: its control characters escaped, cut to a
/// readable length (a path pasted with a terminal's escape, or of 100,000
/// characters, makes no readable line).
fn shown(path: &Path) -> String {
    crate::quote::escaped(&path.display().to_string(), 160)
}

#[derive(Debug, thiserror::Error)]
pub enum CalendarError {
    #[error("{} is not there (moved or deleted?)", shown(path))]
    Missing { path: PathBuf },

    #[error("{} is not a file", shown(path))]
    NotAFile { path: PathBuf },

    #[error("{}: {max_mb} MB at most is read; this one has {mb} MB", shown(path))]
    TooBig { path: PathBuf, mb: u64, max_mb: u64 },

    #[error("{} cannot be read ({detail})", shown(path))]
    CannotRead { path: PathBuf, detail: String },

    #[error("{} is not an iCalendar file ({detail})", shown(path))]
    NotCalendar { path: PathBuf, detail: String },

    #[error("{} is a web address: Callblock reads a calendar file (.ics) on this computer; save or sync the calendar to a file and choose it", url)]
    WebAddress { url: String },
}

impl CalendarError {
    pub fn kind(&self) -> &'static str {
        match self {
            CalendarError::Missing { .. } => "missing",
            CalendarError::NotAFile { .. } => "not_a_file",
            CalendarError::TooBig { .. } => "too_big",
            CalendarError::CannotRead { .. } => "cannot_read",
            CalendarError::NotCalendar { .. } => "not_calendar",
            CalendarError::WebAddress { .. } => "web_address",
        }
    }
}
