//! Sharing a playbook: export to a JSON file and import one (a team shares its
//! playbook this way).
//!
//! The file (`*.callblock-playbook.json` by convention):
//!
//! ```json
//! {
//!   "format": "callblock-playbook",
//!   "format_version": 1,
//!   "exported_at": "2026-11-22T09:30:00.000Z",
//!   "app_version": "0.1.0",
//!   "talk_tracks": [
//!     { "theme": null, "name": "Default talk track", "version": 3,
//!       "sections": { "opener": "...", "engage_statement": "...", "impact_question": "...",
//!                     "appointment_request": "...", "voicemail_script": "...",
//!                     "referral": "", "agenda_line": "..." } },
//!     { "theme": "Logistics", "name": "Logistics", "version": 2, "sections": { ... } }
//!   ],
//!   "objections": [
//!     { "slug": "no_budget", "label": "No budget", "hotkey": "b", "response": "...",
//!       "overrides": [ { "theme": "Finance", "response": "..." } ] }
//!   ]
//! }
//! ```
//!
//! - Export writes the current version of every talk track (the default and
//!   each theme's own, themes named by NAME), and the active objections in
//!   library order with their current library response and theme overrides.
//! - Import validates the whole file before writing anything: JSON syntax
//!   (with line and column), the format name (a foreign file is refused), the
//!   format version (a newer one is refused), missing fields (with their path),
//!   empty texts, duplicate themes, slugs, labels and hotkeys. Unknown
//!   placeholders are warnings in the report, not errors. Any problem refuses
//!   the whole file and nothing changes.
//! - Import then writes in one savepoint (inside the caller's transaction if
//!   there is one) and creates new versions only where the text differs.
//! - Import adds and updates; it never deletes, archives or removes anything
//!   that the file does not mention.
//! - Themes are matched by name, ignoring case. A theme the database does not
//!   have is NOT created (a theme is a call list, which an import of words
//!   should not invent): its talk track and overrides are skipped and named
//!   in the report, so the user can create the theme and import again.
//! - Objections are matched by slug, else by label (ignoring case) among the
//!   active ones, else created. A matched archived objection is restored. The
//!   file's objections take the file's order at the top of the library and the
//!   file's hotkeys; an objection the file does not mention that holds one of
//!   those keys loses its key (reported).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::objections::{append_response, normalize_hotkey, objection_library, unique_slug};
use super::placeholders::{lint_text, PlaceholderWarning};
use super::talk_tracks::{
    check_rep, own_talk_track, save_talk_track, NAME_MAX_CHARS, SECTION_MAX_CHARS,
};
use super::{TalkTrackSections, LABEL_MAX_CHARS, RESPONSE_MAX_CHARS};
use crate::error::{Error, Result};
use crate::time;

/// The `format` of a playbook file.
pub const FORMAT_NAME: &str = "callblock-playbook";
/// The newest `format_version` this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;
/// Larger files are refused before they are parsed.
pub const MAX_FILE_BYTES: u64 = 5 * 1024 * 1024;
/// How many problems an error message lists before "and N more".
const MAX_LISTED_PROBLEMS: usize = 12;

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

/// A file that passed validation, with its placeholder warnings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ParsedPlaybook {
    pub file: PlaybookFile,
    pub warnings: Vec<PlaceholderWarning>,
}

fn refuse(source: &str, reason: impl Into<String>) -> Error {
    Error::invalid(source, format!("{}; nothing was imported", reason.into()))
}

/// serde_json's message without its " at line L column C" tail.
fn bare_message(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

fn track_where(t: &FileTalkTrack) -> String {
    match &t.theme {
        Some(name) => format!("theme {:?}", name.trim()),
        None => "default track".to_string(),
    }
}

fn is_valid_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn check_text(problems: &mut Vec<String>, at: &str, text: &str, required: bool, max: usize) {
    if required && text.trim().is_empty() {
        problems.push(format!("{at} is empty"));
    }
    let n = text.trim().chars().count();
    if n > max {
        problems.push(format!(
            "{at} is {n} characters long; at most {max} are allowed"
        ));
    }
}

/// Parse and validate a playbook file's text without touching any database.
/// `source` names the file in messages.
pub fn parse_playbook(text: &str, source: &str) -> Result<ParsedPlaybook> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(refuse(
            source,
            "the file is empty, not a Callblock playbook",
        ));
    }
    // 1. JSON at all?
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        refuse(
            source,
            format!(
                "not valid JSON at line {}, column {}: {}",
                e.line(),
                e.column(),
                bare_message(&e)
            ),
        )
    })?;
    // 2. Ours, and a version we read?
    let obj = value.as_object().ok_or_else(|| {
        refuse(
            source,
            "not a Callblock playbook: the file is JSON, but not an object with \
             \"format\": \"callblock-playbook\"",
        )
    })?;
    match obj.get("format") {
        None => {
            return Err(refuse(
                source,
                "not a Callblock playbook: it has no \"format\" field (a playbook file has \
                 \"format\": \"callblock-playbook\")",
            ))
        }
        Some(serde_json::Value::String(f)) if f == FORMAT_NAME => {}
        Some(other) => {
            return Err(refuse(
                source,
                format!("not a Callblock playbook: its format is {other}, not \"{FORMAT_NAME}\""),
            ))
        }
    }
    match obj.get("format_version") {
        None => return Err(refuse(source, "the \"format_version\" field is missing")),
        Some(v) => match v.as_u64() {
            Some(n) if n > u64::from(FORMAT_VERSION) => {
                return Err(refuse(
                    source,
                    format!(
                        "written by a newer Callblock (playbook format version {n}; this \
                         version reads up to {FORMAT_VERSION}); update Callblock to import it"
                    ),
                ))
            }
            Some(n) if n >= 1 => {}
            _ => {
                return Err(refuse(
                    source,
                    format!("\"format_version\" is {v}, not a version number such as 1"),
                ))
            }
        },
    }
    // 3. The shape, with the path and position of what is wrong.
    let mut de = serde_json::Deserializer::from_str(text);
    let file: PlaybookFile = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let inner = e.inner();
        let path = e.path().to_string();
        let at = if path == "." || path.is_empty() {
            String::new()
        } else {
            format!("{path}: ")
        };
        refuse(
            source,
            format!(
                "{at}{} (line {}, column {})",
                bare_message(inner),
                inner.line(),
                inner.column()
            ),
        )
    })?;
    // 4. The content.
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    if time::from_db(&file.exported_at).is_err() {
        problems.push(format!(
            "exported_at: {:?} is not a date and time (RFC 3339)",
            file.exported_at
        ));
    }
    if file.talk_tracks.is_empty() && file.objections.is_empty() {
        problems.push("it contains no talk tracks and no objections".to_string());
    }
    let mut themes_seen = HashSet::new();
    for (i, t) in file.talk_tracks.iter().enumerate() {
        let at = format!("talk_tracks[{i}] ({})", track_where(t));
        if let Some(name) = &t.theme {
            if name.trim().is_empty() {
                problems.push(format!(
                    "talk_tracks[{i}]: the theme name is empty (use null for the default track)"
                ));
            }
        }
        let key = t.theme.as_ref().map(|n| n.trim().to_lowercase());
        if !themes_seen.insert(key) {
            problems.push(format!("{at}: appears twice; a theme has one talk track"));
        }
        if t.name.trim().is_empty() {
            problems.push(format!("{at}: the name is empty"));
        } else if t.name.trim().chars().count() > NAME_MAX_CHARS {
            problems.push(format!(
                "{at}: the name is longer than {NAME_MAX_CHARS} characters"
            ));
        }
        for (section, text) in t.sections.named() {
            check_text(
                &mut problems,
                &format!("{at}: {section}"),
                text,
                section != "referral",
                SECTION_MAX_CHARS,
            );
            for mut w in lint_text(section, text) {
                w.section = format!("{}: {section}", track_where(t));
                warnings.push(w);
            }
        }
    }
    let mut slugs = HashMap::new();
    let mut labels = HashMap::new();
    let mut keys = HashMap::new();
    for (i, o) in file.objections.iter().enumerate() {
        let at = format!("objections[{i}] ({:?})", o.label.trim());
        if !is_valid_slug(&o.slug) {
            problems.push(format!(
                "{at}: slug {:?} must be 1 to 64 lower-case letters, digits or _",
                o.slug
            ));
        } else if let Some(j) = slugs.insert(o.slug.clone(), i) {
            problems.push(format!(
                "{at}: slug {:?} is also used by objections[{j}]",
                o.slug
            ));
        }
        if o.label.trim().is_empty() {
            problems.push(format!("objections[{i}]: the label is empty"));
        } else if o.label.trim().chars().count() > LABEL_MAX_CHARS {
            problems.push(format!(
                "{at}: the label is longer than {LABEL_MAX_CHARS} characters"
            ));
        } else if let Some(j) = labels.insert(o.label.trim().to_lowercase(), i) {
            problems.push(format!("{at}: the label is also used by objections[{j}]"));
        }
        match normalize_hotkey(o.hotkey.as_deref()) {
            Ok(Some(k)) => {
                if let Some(j) = keys.insert(k.clone(), i) {
                    problems.push(format!(
                        "{at}: hotkey {k:?} is also the hotkey of objections[{j}]"
                    ));
                }
            }
            Ok(None) => {}
            Err(e) => problems.push(format!("{at}: {e}")),
        }
        check_text(
            &mut problems,
            &format!("{at}: response"),
            &o.response,
            true,
            RESPONSE_MAX_CHARS,
        );
        warnings.extend(lint_text(&format!("objection:{}", o.slug), &o.response));
        let mut override_themes = HashSet::new();
        for (k, ov) in o.overrides.iter().enumerate() {
            let at_o = format!("{at}: overrides[{k}]");
            if ov.theme.trim().is_empty() {
                problems.push(format!("{at_o}: the theme name is empty"));
            } else if !override_themes.insert(ov.theme.trim().to_lowercase()) {
                problems.push(format!(
                    "{at_o}: theme {:?} has two overrides",
                    ov.theme.trim()
                ));
            }
            check_text(
                &mut problems,
                &format!("{at_o}: response"),
                &ov.response,
                true,
                RESPONSE_MAX_CHARS,
            );
            warnings.extend(lint_text(
                &format!("objection:{}@{}", o.slug, ov.theme.trim()),
                &ov.response,
            ));
        }
    }
    if !problems.is_empty() {
        let n = problems.len();
        let mut listed: Vec<String> = problems.into_iter().take(MAX_LISTED_PROBLEMS).collect();
        if n > MAX_LISTED_PROBLEMS {
            listed.push(format!("and {} more", n - MAX_LISTED_PROBLEMS));
        }
        let head = if n == 1 {
            "1 problem".to_string()
        } else {
            format!("{n} problems")
        };
        return Err(refuse(source, format!("{head}: {}", listed.join("; "))));
    }
    Ok(ParsedPlaybook { file, warnings })
}

/// Read and validate a playbook file: size, UTF-8, then [`parse_playbook`].
pub fn read_playbook_file(path: &Path) -> Result<ParsedPlaybook> {
    let source = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    if meta.is_dir() {
        return Err(refuse(&source, "is a folder, not a playbook file"));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(refuse(
            &source,
            format!(
                "the file is {} bytes, too large to be a playbook (at most {MAX_FILE_BYTES})",
                meta.len()
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        refuse(
            &source,
            format!(
                "not a text file (byte {} is not UTF-8); a playbook file is JSON text",
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
    parse_playbook(&text, &source)
}

/// Options of an import.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ImportOptions {
    /// Work out and report the changes, then write nothing.
    pub dry_run: bool,
    /// The rep recorded as the author of the new versions.
    pub created_by: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ImportItemKind {
    TalkTrack,
    Objection,
    /// An objection's library response.
    Response,
    /// A theme's override of an objection response.
    Override,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ImportAction {
    /// A new talk track, objection or override (its version 1).
    Created,
    /// A new version of something that existed.
    NewVersion,
    /// An objection's label, hotkey or place changed, or it was restored from the archive.
    Updated,
    Unchanged,
    /// Not imported: its theme is not in this database.
    Skipped,
    /// An objection that the file does not mention lost its hotkey to one in the file.
    HotkeyCleared,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ImportItem {
    pub kind: ImportItemKind,
    /// The talk track's name, or the objection's label.
    pub name: String,
    pub theme: Option<String>,
    pub action: ImportAction,
    /// The version written, for `Created` and `NewVersion`.
    pub version: Option<u32>,
    pub detail: String,
}

/// What an import changed (or, for a dry run, would change).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ImportReport {
    pub source: String,
    pub dry_run: bool,
    pub exported_at: String,
    pub app_version: String,
    pub items: Vec<ImportItem>,
    pub created: u32,
    pub new_versions: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub skipped: u32,
    /// Theme names in the file that this database does not have.
    pub skipped_themes: Vec<String>,
    pub warnings: Vec<PlaceholderWarning>,
    /// One sentence for the user.
    pub summary: String,
}

impl ImportReport {
    /// True when the import wrote (or would write) anything.
    pub fn changed(&self) -> bool {
        self.created + self.new_versions + self.updated > 0
            || self
                .items
                .iter()
                .any(|i| i.action == ImportAction::HotkeyCleared)
    }
}

/// Validate `text` as a playbook file and import it (see the module
/// documentation). Any validation problem refuses the file before a write.
pub fn import_playbook(
    conn: &Connection,
    text: &str,
    source: &str,
    options: &ImportOptions,
) -> Result<ImportReport> {
    let parsed = parse_playbook(text, source)?;
    import_parsed(conn, parsed, source, options)
}

/// [`read_playbook_file`], then import.
pub fn import_playbook_file(
    conn: &Connection,
    path: &Path,
    options: &ImportOptions,
) -> Result<ImportReport> {
    let parsed = read_playbook_file(path)?;
    import_parsed(conn, parsed, &path.display().to_string(), options)
}

/// Import a file that [`parse_playbook`] accepted.
pub fn import_parsed(
    conn: &Connection,
    parsed: ParsedPlaybook,
    source: &str,
    options: &ImportOptions,
) -> Result<ImportReport> {
    check_rep(conn, options.created_by.as_deref())?;
    conn.execute_batch("SAVEPOINT playbook_import")?;
    let result = apply(conn, &parsed, source, options);
    let end = match (&result, options.dry_run) {
        (Ok(_), false) => conn.execute_batch("RELEASE playbook_import"),
        _ => conn.execute_batch("ROLLBACK TO playbook_import; RELEASE playbook_import"),
    };
    let report = result?;
    end?;
    Ok(report)
}

struct TargetObjection {
    id: String,
    label: String,
    hotkey: Option<String>,
    position: i64,
    archived: bool,
}

fn apply(
    conn: &Connection,
    parsed: &ParsedPlaybook,
    source: &str,
    options: &ImportOptions,
) -> Result<ImportReport> {
    let file = &parsed.file;
    let by = options.created_by.as_deref();
    let mut items = Vec::new();
    let mut skipped_themes: Vec<String> = Vec::new();
    let mut skip_theme = |name: &str| {
        if !skipped_themes.iter().any(|s| s.eq_ignore_ascii_case(name)) {
            skipped_themes.push(name.to_string());
        }
    };

    // Themes by name, ignoring case (the column is NOCASE).
    let theme_id = |name: &str| -> Result<Option<(String, String)>> {
        Ok(conn
            .query_row(
                "SELECT id, name FROM themes WHERE name = ?1",
                [name.trim()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    };

    // Objections: match each file objection to one in the database.
    let mut targets: Vec<TargetObjection> = conn
        .prepare(
            "SELECT id, label, hotkey, position, archived_at IS NOT NULL FROM objections
             ORDER BY archived_at IS NOT NULL, position",
        )?
        .query_map([], |r| {
            Ok(TargetObjection {
                id: r.get(0)?,
                label: r.get(1)?,
                hotkey: r.get(2)?,
                position: r.get(3)?,
                archived: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut matched: Vec<Option<String>> = Vec::new();
    let mut used: HashSet<String> = HashSet::new();
    for o in &file.objections {
        let by_slug: Option<String> = conn
            .query_row(
                "SELECT id FROM objections WHERE slug = ?1",
                [&o.slug],
                |r| r.get(0),
            )
            .optional()?;
        let found = by_slug.filter(|id| !used.contains(id)).or_else(|| {
            targets
                .iter()
                .find(|t| {
                    !t.archived
                        && !used.contains(&t.id)
                        && t.label.eq_ignore_ascii_case(o.label.trim())
                })
                .map(|t| t.id.clone())
        });
        if let Some(id) = &found {
            used.insert(id.clone());
        }
        matched.push(found);
    }
    // The file's labels must not collide with an active objection it does not mention.
    for o in &file.objections {
        if let Some(other) = targets.iter().find(|t| {
            !t.archived && !used.contains(&t.id) && t.label.eq_ignore_ascii_case(o.label.trim())
        }) {
            return Err(Error::invalid(
                source,
                format!(
                    "the objection {:?} (slug {:?}) has the label of another objection in this \
                     database ({:?}); rename one of them and import again; nothing was imported",
                    o.label.trim(),
                    o.slug,
                    other.label
                ),
            ));
        }
    }
    // Talk tracks.
    let file_name = Path::new(source)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| source.to_string());
    let note: String = format!("Imported from {file_name} (exported {})", file.exported_at)
        .chars()
        .take(NAME_MAX_CHARS * 4)
        .collect();
    for t in &file.talk_tracks {
        let theme = match &t.theme {
            None => None,
            Some(name) => match theme_id(name)? {
                Some(found) => Some(found),
                None => {
                    skip_theme(name.trim());
                    items.push(ImportItem {
                        kind: ImportItemKind::TalkTrack,
                        name: t.name.trim().to_string(),
                        theme: Some(name.trim().to_string()),
                        action: ImportAction::Skipped,
                        version: None,
                        detail: format!(
                            "this database has no theme named {:?}; create it and import again",
                            name.trim()
                        ),
                    });
                    continue;
                }
            },
        };
        let tid = theme.as_ref().map(|t| t.0.as_str());
        let before = own_talk_track(conn, tid)?;
        let saved = save_talk_track(conn, tid, &t.name, &t.sections, &note, by)?;
        let (action, version, detail) = match &before {
            Some(b) if b.id == saved.id => (ImportAction::Unchanged, None, "same text".to_string()),
            Some(b) => (
                ImportAction::NewVersion,
                Some(saved.version),
                format!(
                    "version {} (changed: {})",
                    saved.version,
                    super::changed_sections(&b.sections, &saved.sections).join(", ")
                ),
            ),
            None => (
                ImportAction::Created,
                Some(saved.version),
                "new talk track".to_string(),
            ),
        };
        items.push(ImportItem {
            kind: ImportItemKind::TalkTrack,
            name: saved.name.clone(),
            theme: theme.map(|t| t.1),
            action,
            version,
            detail,
        });
    }

    // Keys: the file's objections take the file's keys; others holding one lose it.
    let file_keys: HashSet<String> = file
        .objections
        .iter()
        .filter_map(|o| normalize_hotkey(o.hotkey.as_deref()).ok().flatten())
        .collect();
    for t in targets.iter_mut() {
        let in_file = used.contains(&t.id);
        let loses =
            !in_file && !t.archived && t.hotkey.as_ref().is_some_and(|k| file_keys.contains(k));
        if in_file || loses {
            conn.execute("UPDATE objections SET hotkey = NULL WHERE id = ?1", [&t.id])?;
        }
        if loses {
            items.push(ImportItem {
                kind: ImportItemKind::Objection,
                name: t.label.clone(),
                theme: None,
                action: ImportAction::HotkeyCleared,
                version: None,
                detail: format!(
                    "its key {:?} now belongs to an imported objection",
                    t.hotkey.as_deref().unwrap_or_default()
                ),
            });
            t.hotkey = None;
        }
    }
    let now = time::to_db(time::now());
    for (pos, (o, m)) in file.objections.iter().zip(&matched).enumerate() {
        let label = o.label.trim().to_string();
        let hotkey = normalize_hotkey(o.hotkey.as_deref())?;
        let id = match m {
            Some(id) => {
                let t = targets.iter().find(|t| &t.id == id);
                let mut what = Vec::new();
                if let Some(t) = t {
                    if t.label != label {
                        what.push(format!("label was {:?}", t.label));
                    }
                    if t.hotkey != hotkey {
                        what.push(match &hotkey {
                            Some(k) => format!("hotkey {k:?}"),
                            None => "no hotkey".to_string(),
                        });
                    }
                    if t.position != pos as i64 && !t.archived {
                        what.push(format!("moved to place {}", pos + 1));
                    }
                    if t.archived {
                        what.push("restored from the archive".to_string());
                    }
                }
                conn.execute(
                    "UPDATE objections SET label = ?2, hotkey = ?3, position = ?4, archived_at = NULL
                     WHERE id = ?1",
                    params![id, label, hotkey, pos as i64],
                )?;
                items.push(ImportItem {
                    kind: ImportItemKind::Objection,
                    name: label.clone(),
                    theme: None,
                    action: if what.is_empty() {
                        ImportAction::Unchanged
                    } else {
                        ImportAction::Updated
                    },
                    version: None,
                    detail: what.join(", "),
                });
                id.clone()
            }
            None => {
                let id = crate::store::new_id();
                let slug = unique_slug(conn, &o.slug)?;
                conn.execute(
                    "INSERT INTO objections (id, slug, label, hotkey, position, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![id, slug, label, hotkey, pos as i64, now],
                )?;
                items.push(ImportItem {
                    kind: ImportItemKind::Objection,
                    name: label.clone(),
                    theme: None,
                    action: ImportAction::Created,
                    version: None,
                    detail: format!(
                        "new objection{}",
                        match &hotkey {
                            Some(k) => format!(" on key {k:?}"),
                            None => String::new(),
                        }
                    ),
                });
                id
            }
        };
        let (v, wrote) = append_response(conn, &id, None, o.response.trim(), by)?;
        items.push(response_item(
            ImportItemKind::Response,
            &label,
            None,
            &v,
            wrote,
        ));
        for ov in &o.overrides {
            match theme_id(&ov.theme)? {
                None => {
                    skip_theme(ov.theme.trim());
                    items.push(ImportItem {
                        kind: ImportItemKind::Override,
                        name: label.clone(),
                        theme: Some(ov.theme.trim().to_string()),
                        action: ImportAction::Skipped,
                        version: None,
                        detail: format!(
                            "this database has no theme named {:?}; create it and import again",
                            ov.theme.trim()
                        ),
                    });
                }
                Some((tid, tname)) => {
                    let (v, wrote) =
                        append_response(conn, &id, Some(&tid), ov.response.trim(), by)?;
                    items.push(response_item(
                        ImportItemKind::Override,
                        &label,
                        Some(tname),
                        &v,
                        wrote,
                    ));
                }
            }
        }
    }
    // The objections the file does not mention follow the file's, in their order.
    let rest = targets.iter().filter(|t| !used.contains(&t.id));
    for (next, t) in (file.objections.len() as i64..).zip(rest) {
        conn.execute(
            "UPDATE objections SET position = ?2 WHERE id = ?1",
            params![t.id, next],
        )?;
    }

    let count = |a: ImportAction| items.iter().filter(|i| i.action == a).count() as u32;
    let mut report = ImportReport {
        source: source.to_string(),
        dry_run: options.dry_run,
        exported_at: file.exported_at.clone(),
        app_version: file.app_version.clone(),
        created: count(ImportAction::Created),
        new_versions: count(ImportAction::NewVersion),
        updated: count(ImportAction::Updated),
        unchanged: count(ImportAction::Unchanged),
        skipped: count(ImportAction::Skipped),
        items,
        skipped_themes,
        warnings: parsed.warnings.clone(),
        summary: String::new(),
    };
    report.summary = summary(&report);
    Ok(report)
}

fn response_item(
    kind: ImportItemKind,
    label: &str,
    theme: Option<String>,
    v: &super::ResponseVersion,
    wrote: bool,
) -> ImportItem {
    let (action, detail) = match (wrote, v.version) {
        (false, _) => (ImportAction::Unchanged, "same text".to_string()),
        (true, 1) => (ImportAction::Created, "version 1".to_string()),
        (true, n) => (ImportAction::NewVersion, format!("version {n}")),
    };
    ImportItem {
        kind,
        name: label.to_string(),
        theme,
        action,
        version: wrote.then_some(v.version),
        detail,
    }
}

fn plural(n: u32, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn summary(r: &ImportReport) -> String {
    let mut parts = Vec::new();
    if r.created > 0 {
        parts.push(format!("{} created", r.created));
    }
    if r.new_versions > 0 {
        parts.push(plural(r.new_versions, "new version", "new versions"));
    }
    if r.updated > 0 {
        parts.push(format!(
            "{} updated",
            plural(r.updated, "objection", "objections")
        ));
    }
    let cleared = r
        .items
        .iter()
        .filter(|i| i.action == ImportAction::HotkeyCleared)
        .count() as u32;
    if cleared > 0 {
        parts.push(plural(cleared, "hotkey freed", "hotkeys freed"));
    }
    let verb = if r.dry_run {
        "Would import"
    } else {
        "Imported"
    };
    let mut s = if parts.is_empty() {
        "Nothing to change: this database already has the file's playbook".to_string()
    } else {
        format!("{verb}: {}; {} unchanged", parts.join(", "), r.unchanged)
    };
    if !r.skipped_themes.is_empty() {
        s.push_str(&format!(
            ". Skipped {} for {} not in this database: {}",
            plural(r.skipped, "item", "items"),
            if r.skipped_themes.len() == 1 {
                "a theme"
            } else {
                "themes"
            },
            r.skipped_themes.join(", ")
        ));
    }
    if !r.warnings.is_empty() {
        s.push_str(&format!(
            ". {} about placeholders",
            plural(r.warnings.len() as u32, "warning", "warnings")
        ));
    }
    s.push('.');
    s
}

#[cfg(test)]
mod tests;
