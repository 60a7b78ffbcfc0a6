//! The playbook file's types, as they are written and read.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::playbook::TalkTrackSections;

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
