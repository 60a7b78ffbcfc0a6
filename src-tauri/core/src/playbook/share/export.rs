//! Export: the current playbook of this database as a file.

use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use specta::Type;

use super::format::{
    FileObjection, FileOverride, FileTalkTrack, PlaybookFile, FORMAT_NAME, FORMAT_VERSION,
};
use crate::error::{Error, Result};
use crate::playbook::objections::objection_library;
use crate::playbook::talk_tracks::own_talk_track;
use crate::time;

/// The playbook of this database as a file, stamped `exported_at`.
pub fn export_playbook(conn: &Connection, exported_at: DateTime<Utc>) -> Result<PlaybookFile> {
    let mut talk_tracks = Vec::new();
    let mut stmt = conn.prepare(
        "SELECT tt.theme_id, th.name FROM talk_tracks tt LEFT JOIN themes th ON th.id = tt.theme_id
         ORDER BY tt.theme_id IS NOT NULL, th.name COLLATE NOCASE",
    )?;
    let tracks: Vec<(Option<String>, Option<String>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (theme_id, theme_name) in tracks {
        if let Some(v) = own_talk_track(conn, theme_id.as_deref())? {
            talk_tracks.push(FileTalkTrack {
                theme: theme_name,
                name: v.name,
                version: v.version,
                sections: v.sections,
            });
        }
    }
    let objections = objection_library(conn, false)?
        .into_iter()
        .filter_map(|o| {
            let response = o.response?.response;
            Some(FileObjection {
                slug: o.slug,
                label: o.label,
                hotkey: o.hotkey,
                response,
                overrides: o
                    .overrides
                    .into_iter()
                    .filter_map(|v| {
                        Some(FileOverride {
                            theme: v.theme_name?,
                            response: v.response,
                        })
                    })
                    .collect(),
            })
        })
        .collect();
    Ok(PlaybookFile {
        format: FORMAT_NAME.to_string(),
        format_version: FORMAT_VERSION,
        exported_at: time::to_db(exported_at),
        app_version: env!("CARGO_PKG_VERSION").to_string(),
        talk_tracks,
        objections,
    })
}

/// The file's text: pretty JSON with a final line break.
pub fn playbook_to_json(file: &PlaybookFile) -> Result<String> {
    let mut s = serde_json::to_string_pretty(file)
        .map_err(|e| Error::invalid("playbook", format!("cannot be written as JSON ({e})")))?;
    s.push('\n');
    Ok(s)
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ExportSummary {
    pub path: String,
    pub talk_tracks: u32,
    pub objections: u32,
    pub overrides: u32,
    pub bytes: u32,
}

/// Export to `path`, written atomically ([`crate::files::write_atomic`]): a
/// failed export never leaves half a file, and an existing file is replaced
/// only with `replace`.
pub fn export_playbook_to_path(
    conn: &Connection,
    path: &Path,
    replace: bool,
) -> Result<ExportSummary> {
    let file = export_playbook(conn, time::now())?;
    let json = playbook_to_json(&file)?;
    crate::files::write_atomic(path, replace, |w| {
        w.write_all(json.as_bytes()).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })
    })?;
    Ok(ExportSummary {
        path: path.display().to_string(),
        talk_tracks: file.talk_tracks.len() as u32,
        objections: file.objections.len() as u32,
        overrides: file
            .objections
            .iter()
            .map(|o| o.overrides.len() as u32)
            .sum(),
        bytes: json.len() as u32,
    })
}
