//! The playbook file: its format name and version, its size limit, and its
//! types as they are written and read.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::playbook::TalkTrackSections;

/// The `format` of a playbook file.
pub const FORMAT_NAME: &str = "callblock-playbook";
/// The newest `format_version` this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;
/// Larger files are refused before they are parsed.
pub const MAX_FILE_BYTES: u64 = 5 * 1024 * 1024;

/// A playbook file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct PlaybookFile {
    pub format: String,
    pub format_version: u32,
    /// RFC 3339.
    pub exported_at: String,
    /// The Callblock version that wrote the file.
    pub app_version: String,
    pub talk_tracks: Vec<FileTalkTrack>,
    pub objections: Vec<FileObjection>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct FileTalkTrack {
    /// The theme's name; `null` (or absent) for the default track.
    #[serde(default)]
    pub theme: Option<String>,
    pub name: String,
    /// The version number in the database that exported it (for information).
    #[serde(default)]
    pub version: u32,
    pub sections: TalkTrackSections,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct FileObjection {
    /// Lower-case letters, digits and `_`; the key that matches objections
    /// across databases.
    pub slug: String,
    pub label: String,
    #[serde(default)]
    pub hotkey: Option<String>,
    /// The library response.
    pub response: String,
    #[serde(default)]
    pub overrides: Vec<FileOverride>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct FileOverride {
    /// The theme's name.
    pub theme: String,
    pub response: String,
}
