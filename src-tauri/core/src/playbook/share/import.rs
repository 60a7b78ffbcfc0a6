//! Import: a validated playbook file written in one savepoint (see the
//! module documentation of [`crate::playbook::share`] for the rules).

use std::collections::HashSet;
use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::format::{FileObjection, FileTalkTrack};
use super::parse::{parse_playbook, read_playbook_file, ParsedPlaybook};
use super::report::{
    response_item, summary, ImportAction, ImportItem, ImportItemKind, ImportReport,
};
use crate::error::{Error, Result};
use crate::playbook::objections::{append_response, normalize_hotkey, unique_slug};
use crate::playbook::talk_tracks::{check_rep, own_talk_track, save_talk_track, NAME_MAX_CHARS};
use crate::store::merge::{self, Merged};
use crate::time;

/// Options of an import.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ImportOptions {
    /// Work out and report the changes, then write nothing.
    pub dry_run: bool,
    /// The rep recorded as the author of the new versions.
    pub created_by: Option<String>,
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

/// An objection of this database, as the import found it.
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
    let mut targets = targets(conn)?;
    let Matches { found, used } = match_objections(conn, &file.objections, &targets)?;
    check_labels(&file.objections, &targets, &used, source)?;
    let mut a = Apply {
        conn,
        by: options.created_by.as_deref(),
        items: Vec::new(),
        skipped_themes: Vec::new(),
    };
    let note = version_note(source, &file.exported_at);
    for t in &file.talk_tracks {
        a.talk_track(t, &note)?;
    }
    a.free_hotkeys(&file.objections, &mut targets, &used)?;
    let now = time::to_db(time::now());
    for (pos, (o, found)) in file.objections.iter().zip(found).enumerate() {
        a.objection(pos, o, found, &targets, &now)?;
    }
    // The objections the file does not mention follow the file's, in their order.
    let rest = targets.iter().filter(|t| !used.contains(&t.id));
    for (next, t) in (file.objections.len() as i64..).zip(rest) {
        conn.execute(
            "UPDATE objections SET position = ?2 WHERE id = ?1",
            params![t.id, next],
        )?;
    }
    Ok(a.report(parsed, source, options))
}

/// Every objection of this database, the active ones first, in library order.
fn targets(conn: &Connection) -> Result<Vec<TargetObjection>> {
    let targets = conn
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
    Ok(targets)
}

/// The objections of the file found in this database.
struct Matches {
    /// In file order, the objection here each of the file's is, if any.
    found: Vec<Option<Merged<String>>>,
    /// The ids found.
    used: HashSet<String>,
}

/// The objection of this database each of the file's is, found before
/// anything is written: by slug (the key that names an objection across
/// databases), else by label among the active ones; each at most once.
fn match_objections(
    conn: &Connection,
    objections: &[FileObjection],
    targets: &[TargetObjection],
) -> Result<Matches> {
    let mut matched = Vec::new();
    let mut used: HashSet<String> = HashSet::new();
    for o in objections {
        // A playbook file has no row ids: its slug is the objection's
        // identity across databases, so a match by slug is the "by id" step
        // of the merge, and the label the natural key.
        let found = merge::find(
            || -> Result<Option<String>> {
                let by_slug: Option<String> = conn
                    .query_row(
                        "SELECT id FROM objections WHERE slug = ?1",
                        [&o.slug],
                        |r| r.get(0),
                    )
                    .optional()?;
                Ok(by_slug.filter(|id| !used.contains(id)))
            },
            || {
                Ok(targets
                    .iter()
                    .find(|t| {
                        !t.archived
                            && !used.contains(&t.id)
                            && t.label.eq_ignore_ascii_case(o.label.trim())
                    })
                    .map(|t| t.id.clone()))
            },
        )?;
        if let Some(m) = &found {
            used.insert(m.id().clone());
        }
        matched.push(found);
    }
    Ok(Matches {
        found: matched,
        used,
    })
}

/// The file's labels must not collide with an active objection it does not mention.
fn check_labels(
    objections: &[FileObjection],
    targets: &[TargetObjection],
    used: &HashSet<String>,
    source: &str,
) -> Result<()> {
    for o in objections {
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
    Ok(())
}

/// The change note of the versions an import writes.
fn version_note(source: &str, exported_at: &str) -> String {
    let file_name = Path::new(source)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| source.to_string());
    format!("Imported from {file_name} (exported {exported_at})")
        .chars()
        .take(NAME_MAX_CHARS * 4)
        .collect()
}

/// One import under way: what it did, item by item.
struct Apply<'a> {
    conn: &'a Connection,
    /// The rep recorded as the author of new versions.
    by: Option<&'a str>,
    items: Vec<ImportItem>,
    /// Theme names of the file this database does not have.
    skipped_themes: Vec<String>,
}

impl Apply<'_> {
    /// The theme of this name here (ignoring case: the column is NOCASE): (id, name).
    fn theme(&self, name: &str) -> Result<Option<(String, String)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, name FROM themes WHERE name = ?1",
                [name.trim()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// An item not imported because this database has no theme `theme`.
    fn skip(&mut self, kind: ImportItemKind, name: String, theme: &str) {
        let theme = theme.trim();
        if !self
            .skipped_themes
            .iter()
            .any(|s| s.eq_ignore_ascii_case(theme))
        {
            self.skipped_themes.push(theme.to_string());
        }
        self.items.push(ImportItem {
            kind,
            name,
            theme: Some(theme.to_string()),
            action: ImportAction::Skipped,
            version: None,
            detail: format!(
                "this database has no theme named {theme:?}; create it and import again"
            ),
        });
    }

    /// A talk track: a new version where its text differs.
    fn talk_track(&mut self, t: &FileTalkTrack, note: &str) -> Result<()> {
        let theme = match &t.theme {
            None => None,
            Some(name) => match self.theme(name)? {
                Some(found) => Some(found),
                None => {
                    self.skip(ImportItemKind::TalkTrack, t.name.trim().to_string(), name);
                    return Ok(());
                }
            },
        };
        let tid = theme.as_ref().map(|t| t.0.as_str());
        let before = own_talk_track(self.conn, tid)?;
        let saved = save_talk_track(self.conn, tid, &t.name, &t.sections, note, self.by)?;
        let (action, version, detail) = match &before {
            Some(b) if b.id == saved.id => (ImportAction::Unchanged, None, "same text".to_string()),
            Some(b) => (
                ImportAction::NewVersion,
                Some(saved.version),
                format!(
                    "version {} (changed: {})",
                    saved.version,
                    crate::playbook::changed_sections(&b.sections, &saved.sections).join(", ")
                ),
            ),
            None => (
                ImportAction::Created,
                Some(saved.version),
                "new talk track".to_string(),
            ),
        };
        self.items.push(ImportItem {
            kind: ImportItemKind::TalkTrack,
            name: saved.name.clone(),
            theme: theme.map(|t| t.1),
            action,
            version,
            detail,
        });
        Ok(())
    }

    /// The file's objections take the file's keys: their own keys are
    /// cleared before they are written, and an active objection the file
    /// does not mention loses a key the file uses (reported).
    fn free_hotkeys(
        &mut self,
        objections: &[FileObjection],
        targets: &mut [TargetObjection],
        used: &HashSet<String>,
    ) -> Result<()> {
        let file_keys: HashSet<String> = objections
            .iter()
            .filter_map(|o| normalize_hotkey(o.hotkey.as_deref()).ok().flatten())
            .collect();
        for t in targets.iter_mut() {
            let in_file = used.contains(&t.id);
            let loses =
                !in_file && !t.archived && t.hotkey.as_ref().is_some_and(|k| file_keys.contains(k));
            if in_file || loses {
                self.conn
                    .execute("UPDATE objections SET hotkey = NULL WHERE id = ?1", [&t.id])?;
            }
            if loses {
                self.items.push(ImportItem {
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
        Ok(())
    }

    /// One of the file's objections at library place `pos`: the one found
    /// here updated, else a new one; then its responses.
    fn objection(
        &mut self,
        pos: usize,
        o: &FileObjection,
        found: Option<Merged<String>>,
        targets: &[TargetObjection],
        now: &str,
    ) -> Result<()> {
        let label = o.label.trim().to_string();
        let mut hotkey = normalize_hotkey(o.hotkey.as_deref())?;
        if let Some(k) = hotkey.clone() {
            // The rep's outcome keys win: a shared playbook does not change
            // which key logs an outcome here.
            if let Some((_, outcome)) = crate::settings::outcome_with_key(self.conn, &k)? {
                self.items.push(ImportItem {
                    kind: ImportItemKind::Objection,
                    name: label.clone(),
                    theme: None,
                    action: ImportAction::HotkeyLeftOut,
                    version: None,
                    detail: format!(
                        "its key {k} is the key of the outcome {} here, so it came in without a \
                         key; give it another in the Playbook, or change the outcome's key in \
                         Settings",
                        crate::error::quoted(&outcome)
                    ),
                });
                hotkey = None;
            }
        }
        let merged = merge::or_insert(found, || {
            self.insert_objection(o, &label, &hotkey, pos, now)
        })?;
        let id = match merged {
            Merged::Inserted(id) => id,
            Merged::ById(id) | Merged::ByKey(id) => {
                let target = targets.iter().find(|t| t.id == id);
                self.update_objection(&id, target, &label, &hotkey, pos)?;
                id
            }
        };
        self.responses(&id, &label, o)
    }

    fn update_objection(
        &mut self,
        id: &str,
        target: Option<&TargetObjection>,
        label: &str,
        hotkey: &Option<String>,
        pos: usize,
    ) -> Result<()> {
        let mut what = Vec::new();
        if let Some(t) = target {
            if t.label != label {
                what.push(format!("label was {:?}", t.label));
            }
            if t.hotkey != *hotkey {
                what.push(match hotkey {
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
        self.conn.execute(
            "UPDATE objections SET label = ?2, hotkey = ?3, position = ?4, archived_at = NULL
             WHERE id = ?1",
            params![id, label, hotkey, pos as i64],
        )?;
        self.items.push(ImportItem {
            kind: ImportItemKind::Objection,
            name: label.to_string(),
            theme: None,
            action: if what.is_empty() {
                ImportAction::Unchanged
            } else {
                ImportAction::Updated
            },
            version: None,
            detail: what.join(", "),
        });
        Ok(())
    }

    /// A new objection (its slug made unique here). Returns its id.
    fn insert_objection(
        &mut self,
        o: &FileObjection,
        label: &str,
        hotkey: &Option<String>,
        pos: usize,
        now: &str,
    ) -> Result<String> {
        let id = crate::ids::new_id();
        let slug = unique_slug(self.conn, &o.slug)?;
        self.conn.execute(
            "INSERT INTO objections (id, slug, label, hotkey, position, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![id, slug, label, hotkey, pos as i64, now],
        )?;
        self.items.push(ImportItem {
            kind: ImportItemKind::Objection,
            name: label.to_string(),
            theme: None,
            action: ImportAction::Created,
            version: None,
            detail: format!(
                "new objection{}",
                match hotkey {
                    Some(k) => format!(" on key {k:?}"),
                    None => String::new(),
                }
            ),
        });
        Ok(id)
    }

    /// The objection's library response and its themes' overrides: a new
    /// version where the text differs; an override whose theme is not here
    /// is skipped.
    fn responses(&mut self, id: &str, label: &str, o: &FileObjection) -> Result<()> {
        let (v, wrote) = append_response(self.conn, id, None, o.response.trim(), self.by)?;
        self.items.push(response_item(
            ImportItemKind::Response,
            label,
            None,
            &v,
            wrote,
        ));
        for ov in &o.overrides {
            match self.theme(&ov.theme)? {
                None => self.skip(ImportItemKind::Override, label.to_string(), &ov.theme),
                Some((tid, tname)) => {
                    let (v, wrote) =
                        append_response(self.conn, id, Some(&tid), ov.response.trim(), self.by)?;
                    self.items.push(response_item(
                        ImportItemKind::Override,
                        label,
                        Some(tname),
                        &v,
                        wrote,
                    ));
                }
            }
        }
        Ok(())
    }

    fn report(
        self,
        parsed: &ParsedPlaybook,
        source: &str,
        options: &ImportOptions,
    ) -> ImportReport {
        let items = self.items;
        let count = |a: ImportAction| items.iter().filter(|i| i.action == a).count() as u32;
        let mut report = ImportReport {
            source: source.to_string(),
            dry_run: options.dry_run,
            exported_at: parsed.file.exported_at.clone(),
            app_version: parsed.file.app_version.clone(),
            created: count(ImportAction::Created),
            new_versions: count(ImportAction::NewVersion),
            updated: count(ImportAction::Updated),
            unchanged: count(ImportAction::Unchanged),
            skipped: count(ImportAction::Skipped),
            items,
            skipped_themes: self.skipped_themes,
            warnings: parsed.warnings.clone(),
            summary: String::new(),
        };
        report.summary = summary(&report);
        report
    }
}
