//! The rep's calendar, read-only, for the meeting form's free slots (issue
//! 18): an `.ics` file on this computer (an export, or one a sync tool keeps
//! up to date), set in the rep's profile.
//!
//! - [`setting`]: the profile's field, checked (a path, `~/...` or a
//!   `file://` URL; a web address is refused with what to do instead)
//! - [`read`]: the file's busy times over a window ([`ics`]), or why they
//!   could not be read ([`CalendarError`], one line: the form then offers
//!   the working hours)
//! - [`slots`]: the free slots, a pure function of the busy times and the
//!   rules

pub mod error;
pub mod ics;
pub mod slots;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

pub use error::CalendarError;
pub use ics::{Busy, Interval};
pub use slots::{free_slots, FreeDay, FreeSlot, SlotRules};

use crate::error::{Error, Result};

/// The largest calendar file read (years of a busy calendar are a few MB).
pub const MAX_BYTES: u64 = 32 * 1024 * 1024;

/// The calendar field of the profile as typed (or chosen): None when
/// empty, else the file's full path. The file must be there now; a web
/// address is refused (Callblock reads files, not subscriptions).
pub fn setting(typed: Option<&str>) -> Result<Option<String>> {
    let Some(t) = typed.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if is_web_address(t) {
        return Err(Error::invalid(
            "calendar",
            CalendarError::WebAddress {
                url: crate::quote::quoted(t),
            }
            .to_string(),
        ));
    }
    let path = crate::files::typed_path_of(t, "calendar file", "calendar.ics")
        .map_err(|e| Error::invalid("calendar", reason_of(e)))?;
    if !path.exists() {
        return Err(Error::invalid(
            "calendar",
            CalendarError::Missing { path }.to_string(),
        ));
    }
    if !path.is_file() {
        return Err(Error::invalid(
            "calendar",
            CalendarError::NotAFile { path }.to_string(),
        ));
    }
    // Kept as it is (a path is not text to normalize): it names a file
    // that is there.
    Ok(Some(path.display().to_string()))
}

/// A calendar's web address (a subscription): not read here, said so.
fn is_web_address(text: &str) -> bool {
    let lower = text.trim_start().to_ascii_lowercase();
    ["http://", "https://", "webcal://"]
        .iter()
        .any(|p| lower.starts_with(p))
}

fn reason_of(e: Error) -> String {
    match e {
        Error::Invalid { reason, .. } => reason,
        other => other.to_string(),
    }
}

/// The file's name, as the form names the calendar ("work.ics").
pub fn file_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string())
}

/// The busy times of the calendar at `path` that overlap `[from, to)`;
/// floating times in `zone`.
pub fn read(
    path: &str,
    zone: Tz,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> std::result::Result<Busy, CalendarError> {
    if is_web_address(path) {
        return Err(CalendarError::WebAddress {
            url: crate::quote::quoted(path),
        });
    }
    let path: PathBuf =
        crate::files::typed_path(path, "calendar.ics").map_err(|e| CalendarError::CannotRead {
            path: PathBuf::from(path),
            detail: reason_of(e),
        })?;
    let meta = match std::fs::metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(CalendarError::Missing { path })
        }
        Err(e) => {
            return Err(CalendarError::CannotRead {
                path,
                detail: e.to_string(),
            })
        }
    };
    if !meta.is_file() {
        return Err(CalendarError::NotAFile { path });
    }
    if meta.len() > MAX_BYTES {
        return Err(CalendarError::TooBig {
            path,
            mb: meta.len().div_ceil(1024 * 1024),
            max_mb: MAX_BYTES / 1024 / 1024,
        });
    }
    let bytes = std::fs::read(&path).map_err(|e| CalendarError::CannotRead {
        path: path.clone(),
        detail: e.to_string(),
    })?;
    // RFC 5545 says UTF-8; a stray byte is not worth refusing the file.
    let text = String::from_utf8_lossy(&bytes);
    ics::busy_between(&text, zone, from, to)
        .map_err(|ics::NotCalendar(detail)| CalendarError::NotCalendar { path, detail })
}
