//! `callblock playbook export|import`: the playbook shared as a file.

use std::path::{Path, PathBuf};

use clap::Subcommand;

use callblock_core::api::playbook;

use super::output::{count, file_error, print_json};
use super::{open, open_to_read};

#[derive(Debug, Subcommand)]
pub enum PlaybookCommand {
    /// Write the current talk tracks and objection library to a
    /// callblock-playbook JSON file
    Export {
        /// The file to write
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Replace FILE if it exists
        #[arg(long)]
        force: bool,
        /// Print what was written as JSON
        #[arg(long)]
        json: bool,
    },
    /// Read a callblock-playbook JSON file: new versions where the text differs;
    /// a malformed or foreign file is refused and nothing changes
    Import {
        /// The file to read
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Report what would change and write nothing
        #[arg(long)]
        dry_run: bool,
        /// Print the report as JSON
        #[arg(long)]
        json: bool,
    },
}

pub fn run_export(db: &Path, file: &Path, force: bool, json: bool) -> Result<(), String> {
    let store = open_to_read(db)?;
    let summary = playbook::export_to(store.conn(), file, force).map_err(file_error)?;
    if json {
        return print_json(&summary);
    }
    say!(
        "Playbook exported to {}: {}, {}, {}.",
        summary.path,
        count(summary.talk_tracks, "talk track", "talk tracks"),
        count(summary.objections, "objection", "objections"),
        count(summary.overrides, "theme override", "theme overrides")
    );
    Ok(())
}

pub fn run_import(db: &Path, file: &Path, dry_run: bool, json: bool) -> Result<(), String> {
    use callblock_core::playbook::{ImportAction, ImportItemKind};
    let mut store = open(db)?;
    let report = playbook::import_from(&mut store, file, dry_run).map_err(|e| e.to_string())?;
    if json {
        return print_json(&report);
    }
    say!("{}", report.summary);
    for item in report
        .items
        .iter()
        .filter(|i| i.action != ImportAction::Unchanged)
    {
        let kind = match item.kind {
            ImportItemKind::TalkTrack => "talk track",
            ImportItemKind::Objection => "objection",
            ImportItemKind::Response => "response",
            ImportItemKind::Override => "override",
        };
        let action = match item.action {
            ImportAction::Created => "created",
            ImportAction::NewVersion => "new version",
            ImportAction::Updated => "updated",
            ImportAction::Unchanged => "unchanged",
            ImportAction::Skipped => "skipped",
            ImportAction::HotkeyCleared => "hotkey freed",
            ImportAction::HotkeyLeftOut => "hotkey left out",
        };
        let theme = item
            .theme
            .as_deref()
            .filter(|t| *t != item.name)
            .map(|t| format!(" [{t}]"))
            .unwrap_or_default();
        let version = item.version.map(|v| format!(" v{v}")).unwrap_or_default();
        let detail = if item.detail.is_empty() {
            String::new()
        } else {
            format!(": {}", item.detail)
        };
        say!("  {action}{version}  {kind} {}{theme}{detail}", item.name);
    }
    for w in &report.warnings {
        say!("  warning: {}: {}", w.section, w.message);
    }
    Ok(())
}
