//! What a playbook import changed, item by item, and in one sentence.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::playbook::placeholders::PlaceholderWarning;
use crate::playbook::ResponseVersion;

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
    /// One of the file's objections came in without the file's hotkey: here
    /// that key logs an outcome (the rep's outcome keys, Settings).
    HotkeyLeftOut,
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

pub(super) fn response_item(
    kind: ImportItemKind,
    label: &str,
    theme: Option<String>,
    v: &ResponseVersion,
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

pub(super) fn summary(r: &ImportReport) -> String {
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
    let left_out = r
        .items
        .iter()
        .filter(|i| i.action == ImportAction::HotkeyLeftOut)
        .count() as u32;
    if left_out > 0 {
        parts.push(plural(
            left_out,
            "hotkey left out (an outcome's key here)",
            "hotkeys left out (outcome keys here)",
        ));
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
