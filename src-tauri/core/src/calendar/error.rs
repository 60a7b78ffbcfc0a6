//! Why the rep's calendar could not be read: a leaf (it names nothing of the
//! crate). Never an error of the meeting form: the slots fall back to the
//! rep's working hours and show this as their one line of warning.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum CalendarError {
    #[error("{} is not there (moved or deleted?)", path.display())]
    Missing { path: PathBuf },

    #[error("{} is not a file", path.display())]
    NotAFile { path: PathBuf },

    #[error("{}: {max_mb} MB at most is read; this one has {mb} MB", path.display())]
    TooBig { path: PathBuf, mb: u64, max_mb: u64 },

    #[error("{} cannot be read ({detail})", path.display())]
    CannotRead { path: PathBuf, detail: String },

    #[error("{} is not an iCalendar file ({detail})", path.display())]
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
