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
//!
//! By concept: `format` (the file), `export`, `parse` (validation), `import`
//! (objections found through [`crate::store::merge`], then written), and
//! `report` (what the import did, and its summary).

mod export;
mod format;
mod import;
mod parse;
mod report;

pub use export::{export_playbook, export_playbook_to_path, playbook_to_json, ExportSummary};
pub use format::{
    FileObjection, FileOverride, FileTalkTrack, PlaybookFile, FORMAT_NAME, FORMAT_VERSION,
    MAX_FILE_BYTES,
};
pub use import::{import_parsed, import_playbook, import_playbook_file, ImportOptions};
pub use parse::{parse_playbook, read_playbook_file, ParsedPlaybook};
pub use report::{ImportAction, ImportItem, ImportItemKind, ImportReport};

#[cfg(test)]
mod tests;
