//! Import: a validated playbook file written in one savepoint (see the
//! module documentation of [`crate::playbook::share`] for the rules).

use std::collections::HashSet;
use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::parse::{parse_playbook, read_playbook_file, ParsedPlaybook};
use super::report::{
    response_item, summary, ImportAction, ImportItem, ImportItemKind, ImportReport,
};
use crate::error::{Error, Result};
use crate::playbook::objections::{append_response, normalize_hotkey, unique_slug};
use crate::playbook::talk_tracks::{check_rep, own_talk_track, save_talk_track, NAME_MAX_CHARS};
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
                    crate::playbook::changed_sections(&b.sections, &saved.sections).join(", ")
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
