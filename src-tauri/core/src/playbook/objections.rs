//! The objection library: objections with a label, a hotkey the rep presses
//! during a call, a position in the list, and versioned responses.
//!
//! - Hotkeys are single letters `a`-`z` (stored in lower case; digits and
//!   other keys belong to the call screen's outcomes and navigation). A key is
//!   unique among the active objections, and none is one of the rep's
//!   outcome keys (Settings; an outcome may be given a letter); an objection
//!   may have none.
//! - Responses are versioned per (objection, theme): `theme_id` NULL is the
//!   library response that every theme sees; a theme's own rows override it.
//!   Every save is a new version; saving the current text again writes nothing.
//! - Removing a theme's override is also a version: a row whose response is
//!   empty (no real response may be empty), after which the theme sees the
//!   library response again. Older versions stay, because calls name them.
//! - Archiving hides an objection from calls and frees its hotkey; it keeps
//!   its history and can be restored.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::placeholders::{lint_text, PlaceholderWarning};
use super::talk_tracks::{check_rep, check_theme};
use super::ObjectionWithResponse;
use crate::error::{Error, Result};
use crate::time;

/// The keys an objection may use.
pub const HOTKEYS: &str = "abcdefghijklmnopqrstuvwxyz";
/// The longest a label may be, in characters.
pub const LABEL_MAX_CHARS: usize = crate::text::OBJECTION_LABEL.max_chars;
/// The longest a response may be, in characters.
pub const RESPONSE_MAX_CHARS: usize = crate::text::RESPONSE.max_chars;

/// One version of a response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ResponseVersion {
    pub id: String,
    pub objection_id: String,
    /// `None` for the library response.
    pub theme_id: Option<String>,
    pub theme_name: Option<String>,
    pub version: u32,
    /// Empty when `removed`.
    pub response: String,
    /// This version removed the theme's override.
    pub removed: bool,
    pub created_by: Option<String>,
    pub created_at: String,
}

/// An objection as the playbook editor shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct LibraryObjection {
    pub id: String,
    /// A stable key, used to match objections across exported files.
    pub slug: String,
    pub label: String,
    pub hotkey: Option<String>,
    pub position: u32,
    pub archived_at: Option<String>,
    /// The current library response.
    pub response: Option<ResponseVersion>,
    /// The current override of each theme that has one, by theme name.
    pub overrides: Vec<ResponseVersion>,
    /// Placeholder problems in the response and the overrides.
    pub warnings: Vec<PlaceholderWarning>,
}

/// Validate and normalize a hotkey: `None` or blank is no key; otherwise one
/// letter a-z (upper case is accepted and stored in lower case).
pub fn normalize_hotkey(key: Option<&str>) -> Result<Option<String>> {
    let Some(k) = key.map(str::trim).filter(|k| !k.is_empty()) else {
        return Ok(None);
    };
    let lower = k.to_lowercase();
    let mut chars = lower.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if HOTKEYS.contains(c) => Ok(Some(c.to_string())),
        _ => Err(Error::invalid(
            "hotkey",
            format!(
                "{} is not allowed: a hotkey is one letter from a to z (digits and other \
                 keys are used by the call screen)",
                crate::error::quoted(k)
            ),
        )),
    }
}

fn clean_label(label: &str) -> Result<String> {
    crate::text::required(crate::text::OBJECTION_LABEL, label)
}

/// Check a response's text (normalized, see [`crate::text`]): not empty,
/// not too long.
pub fn clean_response(text: &str) -> Result<String> {
    crate::text::required(crate::text::RESPONSE, text)
}

/// A well-formed slug: 1 to 64 lower-case ASCII letters, digits or `_`.
pub fn is_valid_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// A slug from a label: lower-case ASCII letters and digits joined by `_`.
pub fn slugify(label: &str) -> String {
    let mut out = String::new();
    for c in label.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    let s = out.trim_end_matches('_');
    if s.is_empty() {
        "objection".to_string()
    } else {
        s.chars()
            .take(48)
            .collect::<String>()
            .trim_end_matches('_')
            .to_string()
    }
}

pub(crate) fn unique_slug(conn: &Connection, base: &str) -> Result<String> {
    let mut slug = base.to_string();
    let mut n = 2;
    loop {
        let taken: Option<i64> = conn
            .query_row("SELECT 1 FROM objections WHERE slug = ?1", [&slug], |r| {
                r.get(0)
            })
            .optional()?;
        if taken.is_none() {
            return Ok(slug);
        }
        slug = format!("{base}_{n}");
        n += 1;
    }
}

/// The active objection (other than `except`) that uses `key`, by label.
fn hotkey_owner(conn: &Connection, key: &str, except: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT label FROM objections
             WHERE hotkey = ?1 AND archived_at IS NULL AND id <> ?2",
            params![key, except],
            |r| r.get(0),
        )
        .optional()?)
}

fn check_hotkey_free(conn: &Connection, key: Option<&str>, except: &str) -> Result<()> {
    if let Some(k) = key {
        if let Some(owner) = hotkey_owner(conn, k, except)? {
            return Err(Error::Conflict(format!(
                "the key {k:?} is already used by the objection {owner:?}; choose another key \
                 or free it first"
            )));
        }
        if let Some((_, label)) = crate::settings::outcome_with_key(conn, k)? {
            return Err(Error::Conflict(format!(
                "the key {k} is already the key of the outcome {}; choose another key, or \
                 change the outcome's key in Settings first",
                crate::error::quoted(&label)
            )));
        }
    }
    Ok(())
}

fn check_label_free(conn: &Connection, label: &str, except: &str) -> Result<()> {
    let other: Option<String> = conn
        .query_row(
            "SELECT label FROM objections
             WHERE label = ?1 COLLATE NOCASE AND archived_at IS NULL AND id <> ?2",
            params![label, except],
            |r| r.get(0),
        )
        .optional()?;
    match other {
        Some(o) => Err(Error::Conflict(format!(
            "an objection labelled {o:?} already exists"
        ))),
        None => Ok(()),
    }
}

const RESPONSE_COLUMNS: &str = "r.id, r.objection_id, r.theme_id, t.name, r.version, r.response,
    r.created_by, r.created_at";

fn response_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ResponseVersion> {
    let response: String = r.get(5)?;
    Ok(ResponseVersion {
        id: r.get(0)?,
        objection_id: r.get(1)?,
        theme_id: r.get(2)?,
        theme_name: r.get(3)?,
        version: r.get(4)?,
        removed: response.is_empty(),
        response,
        created_by: r.get(6)?,
        created_at: r.get(7)?,
    })
}

/// Every version of one objection's response for `theme_id` (`None`: the
/// library response), newest first.
pub fn response_versions(
    conn: &Connection,
    objection_id: &str,
    theme_id: Option<&str>,
) -> Result<Vec<ResponseVersion>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {RESPONSE_COLUMNS} FROM objection_responses r
         LEFT JOIN themes t ON t.id = r.theme_id
         WHERE r.objection_id = ?1 AND r.theme_id IS ?2
         ORDER BY r.version DESC"
    ))?;
    let rows = stmt.query_map(params![objection_id, theme_id], response_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn response_by_id(conn: &Connection, id: &str) -> Result<Option<ResponseVersion>> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {RESPONSE_COLUMNS} FROM objection_responses r
                 LEFT JOIN themes t ON t.id = r.theme_id WHERE r.id = ?1"
            ),
            [id],
            response_from_row,
        )
        .optional()?)
}

fn current_response(
    conn: &Connection,
    objection_id: &str,
    theme_id: Option<&str>,
) -> Result<Option<ResponseVersion>> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {RESPONSE_COLUMNS} FROM objection_responses r
                 LEFT JOIN themes t ON t.id = r.theme_id
                 WHERE r.objection_id = ?1 AND r.theme_id IS ?2
                 ORDER BY r.version DESC LIMIT 1"
            ),
            params![objection_id, theme_id],
            response_from_row,
        )
        .optional()?)
}

/// Append a version for (objection, theme) unless the current one has the
/// same text. Returns the current version (new or unchanged).
pub(crate) fn append_response(
    conn: &Connection,
    objection_id: &str,
    theme_id: Option<&str>,
    text: &str,
    created_by: Option<&str>,
) -> Result<(ResponseVersion, bool)> {
    let cur = current_response(conn, objection_id, theme_id)?;
    if let Some(c) = &cur {
        if c.response == text {
            return Ok((c.clone(), false));
        }
    }
    let next = cur.map(|c| c.version + 1).unwrap_or(1);
    let id = crate::ids::new_id();
    conn.execute(
        "INSERT INTO objection_responses
            (id, objection_id, theme_id, version, response, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            id,
            objection_id,
            theme_id,
            next,
            text,
            created_by,
            time::to_db(time::now())
        ],
    )?;
    let v = response_by_id(conn, &id)?.ok_or(Error::NotFound {
        what: "objection response",
        id,
    })?;
    Ok((v, true))
}

fn objection_exists(conn: &Connection, id: &str) -> Result<()> {
    let found: Option<i64> = conn
        .query_row("SELECT 1 FROM objections WHERE id = ?1", [id], |r| r.get(0))
        .optional()?;
    found.map(|_| ()).ok_or_else(|| Error::NotFound {
        what: "objection",
        id: id.to_string(),
    })
}

fn overrides_of(conn: &Connection, objection_id: &str) -> Result<Vec<ResponseVersion>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {RESPONSE_COLUMNS} FROM objection_responses r
         JOIN themes t ON t.id = r.theme_id
         WHERE r.objection_id = ?1
           AND r.version = (SELECT max(version) FROM objection_responses r2
                            WHERE r2.objection_id = r.objection_id AND r2.theme_id = r.theme_id)
           AND r.response <> ''
         ORDER BY t.name COLLATE NOCASE"
    ))?;
    let rows = stmt.query_map([objection_id], response_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn library_objection_from(
    conn: &Connection,
    row: (String, String, String, Option<String>, u32, Option<String>),
) -> Result<LibraryObjection> {
    let (id, slug, label, hotkey, position, archived_at) = row;
    let response = current_response(conn, &id, None)?;
    let overrides = overrides_of(conn, &id)?;
    let mut warnings = Vec::new();
    if let Some(r) = &response {
        warnings.extend(lint_text(&format!("objection:{slug}"), &r.response));
    }
    for o in &overrides {
        let theme = o.theme_name.as_deref().unwrap_or("?");
        warnings.extend(lint_text(&format!("objection:{slug}@{theme}"), &o.response));
    }
    Ok(LibraryObjection {
        id,
        slug,
        label,
        hotkey,
        position,
        archived_at,
        response,
        overrides,
        warnings,
    })
}

/// The library in its order: active objections, then (when asked) archived ones.
pub fn objection_library(
    conn: &Connection,
    include_archived: bool,
) -> Result<Vec<LibraryObjection>> {
    let mut stmt = conn.prepare(
        "SELECT id, slug, label, hotkey, position, archived_at FROM objections
         WHERE ?1 OR archived_at IS NULL
         ORDER BY archived_at IS NOT NULL, position, label COLLATE NOCASE",
    )?;
    let rows = stmt
        .query_map([include_archived], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|row| library_objection_from(conn, row))
        .collect()
}

/// One objection, archived or not.
pub fn objection(conn: &Connection, id: &str) -> Result<LibraryObjection> {
    let row = conn
        .query_row(
            "SELECT id, slug, label, hotkey, position, archived_at FROM objections WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )
        .optional()?
        .ok_or_else(|| Error::NotFound {
            what: "objection",
            id: id.to_string(),
        })?;
    library_objection_from(conn, row)
}

/// Add an objection at the end of the library with its first library response.
pub fn create_objection(
    conn: &Connection,
    label: &str,
    hotkey: Option<&str>,
    response: &str,
    created_by: Option<&str>,
) -> Result<LibraryObjection> {
    let label = clean_label(label)?;
    let hotkey = normalize_hotkey(hotkey)?;
    let response = clean_response(response)?;
    check_rep(conn, created_by)?;
    check_label_free(conn, &label, "")?;
    check_hotkey_free(conn, hotkey.as_deref(), "")?;
    let slug = unique_slug(conn, &slugify(&label))?;
    let id = crate::ids::new_id();
    conn.execute(
        "INSERT INTO objections (id, slug, label, hotkey, position, created_at)
         VALUES (?1, ?2, ?3, ?4, (SELECT ifnull(max(position), -1) + 1 FROM objections), ?5)",
        params![id, slug, label, hotkey, time::to_db(time::now())],
    )?;
    append_response(conn, &id, None, &response, created_by)?;
    objection(conn, &id)
}

/// Change an objection's label and hotkey (`None` or blank: no key).
pub fn update_objection(
    conn: &Connection,
    id: &str,
    label: &str,
    hotkey: Option<&str>,
) -> Result<LibraryObjection> {
    objection_exists(conn, id)?;
    let label = clean_label(label)?;
    let hotkey = normalize_hotkey(hotkey)?;
    let archived: bool = conn.query_row(
        "SELECT archived_at IS NOT NULL FROM objections WHERE id = ?1",
        [id],
        |r| r.get(0),
    )?;
    if !archived {
        check_label_free(conn, &label, id)?;
        check_hotkey_free(conn, hotkey.as_deref(), id)?;
    }
    conn.execute(
        "UPDATE objections SET label = ?2, hotkey = ?3 WHERE id = ?1",
        params![id, label, hotkey],
    )?;
    objection(conn, id)
}

/// Put the active objections in the order given. `ids` must name every active
/// objection exactly once; archived objections keep their place after them.
pub fn reorder_objections(conn: &Connection, ids: &[String]) -> Result<Vec<LibraryObjection>> {
    let active: Vec<String> = conn
        .prepare("SELECT id FROM objections WHERE archived_at IS NULL")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for (i, id) in ids.iter().enumerate() {
        if !active.contains(id) {
            objection_exists(conn, id)?;
            return Err(Error::invalid(
                "order",
                format!("objection {id} is archived; restore it before placing it"),
            ));
        }
        if ids[..i].contains(id) {
            return Err(Error::invalid(
                "order",
                format!("objection {id} is listed twice"),
            ));
        }
    }
    if ids.len() != active.len() {
        return Err(Error::invalid(
            "order",
            format!(
                "lists {} objections but the library has {} active ones; send them all",
                ids.len(),
                active.len()
            ),
        ));
    }
    for (i, id) in ids.iter().enumerate() {
        conn.execute(
            "UPDATE objections SET position = ?2 WHERE id = ?1",
            params![id, i as i64],
        )?;
    }
    conn.execute(
        "UPDATE objections SET position = position + ?1 WHERE archived_at IS NOT NULL",
        [ids.len() as i64],
    )?;
    objection_library(conn, true)
}

/// Hide an objection from calls. Its responses and the calls that used them stay.
pub fn archive_objection(conn: &Connection, id: &str) -> Result<LibraryObjection> {
    objection_exists(conn, id)?;
    conn.execute(
        "UPDATE objections SET archived_at = ?2 WHERE id = ?1 AND archived_at IS NULL",
        params![id, time::to_db(time::now())],
    )?;
    objection(conn, id)
}

/// Bring an archived objection back, at the end of the list. Refused when its
/// label or hotkey has been taken by another objection meanwhile.
pub fn restore_objection(conn: &Connection, id: &str) -> Result<LibraryObjection> {
    let o = objection(conn, id)?;
    if o.archived_at.is_none() {
        return Ok(o);
    }
    check_label_free(conn, &o.label, id)?;
    check_hotkey_free(conn, o.hotkey.as_deref(), id)?;
    conn.execute(
        "UPDATE objections SET archived_at = NULL,
            position = (SELECT ifnull(max(position), -1) + 1 FROM objections WHERE archived_at IS NULL)
         WHERE id = ?1",
        [id],
    )?;
    objection(conn, id)
}

/// Save a new version of the library response. Identical text writes nothing
/// and returns the current version.
pub fn save_library_response(
    conn: &Connection,
    objection_id: &str,
    text: &str,
    created_by: Option<&str>,
) -> Result<ResponseVersion> {
    objection_exists(conn, objection_id)?;
    let text = clean_response(text)?;
    check_rep(conn, created_by)?;
    Ok(append_response(conn, objection_id, None, &text, created_by)?.0)
}

/// Save a new version of `theme_id`'s own response to an objection.
pub fn save_theme_override(
    conn: &Connection,
    objection_id: &str,
    theme_id: &str,
    text: &str,
    created_by: Option<&str>,
) -> Result<ResponseVersion> {
    objection_exists(conn, objection_id)?;
    check_theme(conn, theme_id)?;
    let text = clean_response(text)?;
    check_rep(conn, created_by)?;
    Ok(append_response(conn, objection_id, Some(theme_id), &text, created_by)?.0)
}

/// Remove `theme_id`'s override, so the theme sees the library response
/// again; recorded as a version. Returns that version, or `None` when the
/// theme had no override.
pub fn remove_theme_override(
    conn: &Connection,
    objection_id: &str,
    theme_id: &str,
    created_by: Option<&str>,
) -> Result<Option<ResponseVersion>> {
    objection_exists(conn, objection_id)?;
    check_theme(conn, theme_id)?;
    check_rep(conn, created_by)?;
    match current_response(conn, objection_id, Some(theme_id))? {
        Some(c) if !c.removed => Ok(Some(
            append_response(conn, objection_id, Some(theme_id), "", created_by)?.0,
        )),
        _ => Ok(None),
    }
}

/// Make an old response version current again, as a new version with its
/// text (restoring a removal removes the override again). Returns the current
/// version unchanged when it already has that text.
pub fn restore_response_version(
    conn: &Connection,
    response_id: &str,
    created_by: Option<&str>,
) -> Result<ResponseVersion> {
    let old = response_by_id(conn, response_id)?.ok_or_else(|| Error::NotFound {
        what: "objection response",
        id: response_id.to_string(),
    })?;
    check_rep(conn, created_by)?;
    Ok(append_response(
        conn,
        &old.objection_id,
        old.theme_id.as_deref(),
        &old.response,
        created_by,
    )?
    .0)
}

/// The objection library as `theme_id` sees it: for each active objection,
/// the newest response of the theme's override if there is one (and it was
/// not removed), else the newest library response.
pub fn objections_for(
    conn: &Connection,
    theme_id: Option<&str>,
) -> Result<Vec<ObjectionWithResponse>> {
    let mut stmt = conn.prepare(
        "SELECT o.id, o.slug, o.label, o.hotkey, r.id, r.response, r.version, r.theme_id IS NOT NULL
         FROM objections o
         JOIN objection_responses r ON r.id = coalesce(
             (SELECT CASE WHEN r2.response <> '' THEN r2.id END FROM objection_responses r2
              WHERE r2.objection_id = o.id AND r2.theme_id = ?1
              ORDER BY r2.version DESC LIMIT 1),
             (SELECT r2.id FROM objection_responses r2
              WHERE r2.objection_id = o.id AND r2.theme_id IS NULL
              ORDER BY r2.version DESC LIMIT 1))
         WHERE o.archived_at IS NULL
         ORDER BY o.position, o.label",
    )?;
    let rows = stmt.query_map([theme_id], |r| {
        Ok(ObjectionWithResponse {
            objection_id: r.get(0)?,
            slug: r.get(1)?,
            label: r.get(2)?,
            hotkey: r.get(3)?,
            response_id: r.get(4)?,
            response: r.get(5)?,
            response_version: r.get(6)?,
            overridden: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn setup() -> (Store, String) {
        let store = Store::open_in_memory().unwrap();
        let t =
            crate::lists::create_theme(store.conn(), "Finance", crate::domain::ThemeKind::Role, "")
                .unwrap();
        (store, t.id)
    }

    fn by_slug(c: &Connection, slug: &str) -> LibraryObjection {
        objection_library(c, true)
            .unwrap()
            .into_iter()
            .find(|o| o.slug == slug)
            .unwrap()
    }

    #[test]
    fn hotkeys_are_single_letters() {
        assert_eq!(normalize_hotkey(Some(" Q ")).unwrap().as_deref(), Some("q"));
        assert_eq!(normalize_hotkey(Some("")).unwrap(), None);
        assert_eq!(normalize_hotkey(None).unwrap(), None);
        for bad in ["1", "ab", "é", " ", "?", "F1"] {
            if bad.trim().is_empty() {
                continue;
            }
            let e = normalize_hotkey(Some(bad)).unwrap_err().to_string();
            assert!(e.contains("one letter from a to z"), "{bad}: {e}");
        }
    }

    #[test]
    fn create_edit_and_hotkey_conflicts() {
        let (store, _) = setup();
        let c = store.conn();
        let o = create_objection(
            c,
            "  Too expensive ",
            Some("X"),
            "Compared to what? 20 minutes \
            to see. Tuesday?",
            None,
        )
        .unwrap();
        assert_eq!(
            (
                o.slug.as_str(),
                o.label.as_str(),
                o.hotkey.as_deref(),
                o.position
            ),
            ("too_expensive", "Too expensive", Some("x"), 7)
        );
        assert_eq!(o.response.as_ref().unwrap().version, 1);
        // The key of "Not interested" is taken.
        let e = create_objection(c, "Other", Some("n"), "r?", None).unwrap_err();
        assert_eq!(e.kind(), "conflict");
        assert!(e.to_string().contains("\"Not interested\""), "{e}");
        // The label too, whatever its case.
        let e = create_objection(c, "too EXPENSIVE", None, "r?", None).unwrap_err();
        assert_eq!(e.kind(), "conflict");
        let e = update_objection(c, &o.id, "Too expensive", Some("b")).unwrap_err();
        assert_eq!(e.kind(), "conflict");
        let o = update_objection(c, &o.id, "Too pricey", None).unwrap();
        assert_eq!(
            (o.label.as_str(), o.hotkey, o.slug.as_str()),
            ("Too pricey", None, "too_expensive")
        );
        // A second objection with the same slug base gets a suffix.
        let o2 = create_objection(c, "Too expensive!", Some("y"), "r?", None).unwrap();
        assert_eq!(o2.slug, "too_expensive_2");
        let e = create_objection(c, "", None, "r", None).unwrap_err();
        assert!(e.to_string().starts_with("objection label"), "{e}");
        let e = create_objection(c, "Empty", None, "  ", None).unwrap_err();
        assert!(e.to_string().starts_with("response"), "{e}");
        assert_eq!(
            update_objection(c, "nope", "x", None).unwrap_err().kind(),
            "not_found"
        );
    }

    #[test]
    fn the_database_refuses_duplicate_active_hotkeys_too() {
        let (store, _) = setup();
        let e = store
            .conn()
            .execute(
                "UPDATE objections SET hotkey = 'n' WHERE slug = 'no_budget'",
                [],
            )
            .unwrap_err();
        assert_eq!(
            e.sqlite_error_code(),
            Some(rusqlite::ErrorCode::ConstraintViolation)
        );
    }

    #[test]
    fn the_hotkey_step_cleans_duplicate_and_invalid_keys_of_an_older_database() {
        let c = Connection::open_in_memory().unwrap();
        let steps = crate::store::migrations::MIGRATIONS;
        c.execute_batch(steps[0].sql).unwrap();
        c.execute_batch(
            "INSERT INTO objections (id, slug, label, hotkey, position, created_at, archived_at) VALUES
                ('a', 'a', 'A', 'N', 0, 'x', NULL),
                ('b', 'b', 'B', 'n ', 1, 'x', NULL),
                ('c', 'c', 'C', 'n', 2, 'x', 'y'),
                ('d', 'd', 'D', 'F1', 3, 'x', NULL),
                ('e', 'e', 'E', 'q', 4, 'x', NULL);",
        )
        .unwrap();
        c.execute_batch(steps[1].sql).unwrap();
        let keys: Vec<(String, Option<String>)> = c
            .prepare("SELECT id, hotkey FROM objections ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let keys: Vec<(&str, Option<&str>)> = keys
            .iter()
            .map(|(i, k)| (i.as_str(), k.as_deref()))
            .collect();
        assert_eq!(
            keys,
            [
                ("a", Some("n")),
                ("b", None),
                ("c", Some("n")),
                ("d", None),
                ("e", Some("q"))
            ]
        );
    }

    #[test]
    fn archive_frees_the_key_and_restore_needs_it_back() {
        let (store, _) = setup();
        let c = store.conn();
        let ni = by_slug(c, "not_interested");
        let a = archive_objection(c, &ni.id).unwrap();
        assert!(a.archived_at.is_some());
        assert!(objections_for(c, None)
            .unwrap()
            .iter()
            .all(|o| o.slug != "not_interested"));
        assert!(objection_library(c, false)
            .unwrap()
            .iter()
            .all(|o| o.slug != "not_interested"));
        let other = create_objection(c, "Not now", Some("n"), "When then?", None).unwrap();
        let e = restore_objection(c, &ni.id).unwrap_err();
        assert_eq!(e.kind(), "conflict");
        update_objection(c, &other.id, "Not now", Some("w")).unwrap();
        let back = restore_objection(c, &ni.id).unwrap();
        assert_eq!(back.archived_at, None);
        assert_eq!(back.position, 8);
        assert!(objections_for(c, None)
            .unwrap()
            .iter()
            .any(|o| o.slug == "not_interested"));
    }

    #[test]
    fn reorder_needs_every_active_objection_once() {
        let (store, _) = setup();
        let c = store.conn();
        let mut ids: Vec<String> = objection_library(c, false)
            .unwrap()
            .into_iter()
            .map(|o| o.id)
            .collect();
        ids.reverse();
        let lib = reorder_objections(c, &ids).unwrap();
        assert_eq!(lib[0].slug, "busy_now");
        assert_eq!(objections_for(c, None).unwrap()[0].slug, "busy_now");
        let e = reorder_objections(c, &ids[1..]).unwrap_err();
        assert!(e.to_string().contains("send them all"), "{e}");
        let mut twice = ids.clone();
        twice[1] = twice[0].clone();
        assert!(reorder_objections(c, &twice)
            .unwrap_err()
            .to_string()
            .contains("twice"));
        let mut ghost = ids.clone();
        ghost[0] = "ghost".into();
        assert_eq!(
            reorder_objections(c, &ghost).unwrap_err().kind(),
            "not_found"
        );
        archive_objection(c, &ids[0]).unwrap();
        let e = reorder_objections(c, &ids).unwrap_err();
        assert!(e.to_string().contains("archived"), "{e}");
        let lib = reorder_objections(c, &ids[1..]).unwrap();
        assert_eq!(lib.last().unwrap().id, ids[0]);
    }

    #[test]
    fn responses_and_overrides_are_versioned_and_restorable() {
        let (store, theme) = setup();
        let c = store.conn();
        let nb = by_slug(c, "no_budget");
        let lib1 = nb.response.clone().unwrap();
        // Same text: no new version.
        let same = save_library_response(c, &nb.id, &format!(" {} ", lib1.response), None).unwrap();
        assert_eq!(same.id, lib1.id);
        let lib2 =
            save_library_response(c, &nb.id, "Budgets follow cases. 20 minutes?", None).unwrap();
        assert_eq!(lib2.version, 2);

        // A theme override, then a second version of it.
        let o1 = save_theme_override(
            c,
            &nb.id,
            &theme,
            "CFOs find it in {company}'s spend?",
            None,
        )
        .unwrap();
        assert_eq!((o1.version, o1.theme_name.as_deref()), (1, Some("Finance")));
        let o2 = save_theme_override(
            c,
            &nb.id,
            &theme,
            "Finance teams fund it from savings?",
            None,
        )
        .unwrap();
        let seen = objections_for(c, Some(&theme)).unwrap();
        let seen_nb = seen.iter().find(|o| o.slug == "no_budget").unwrap();
        assert!(seen_nb.overridden);
        assert_eq!(seen_nb.response_id, o2.id);
        // Other themes and the default see the library response.
        let lib_seen = objections_for(c, None).unwrap();
        assert_eq!(
            lib_seen
                .iter()
                .find(|o| o.slug == "no_budget")
                .unwrap()
                .response_id,
            lib2.id
        );
        let lib_obj = objection(c, &nb.id).unwrap();
        assert_eq!(lib_obj.overrides.len(), 1);
        assert_eq!(lib_obj.overrides[0].id, o2.id);

        // Remove the override: a version; the theme sees the library again.
        let removed = remove_theme_override(c, &nb.id, &theme, None)
            .unwrap()
            .unwrap();
        assert!(removed.removed);
        assert_eq!(removed.version, 3);
        assert_eq!(
            remove_theme_override(c, &nb.id, &theme, None).unwrap(),
            None
        );
        let seen = objections_for(c, Some(&theme)).unwrap();
        let seen_nb = seen.iter().find(|o| o.slug == "no_budget").unwrap();
        assert!(!seen_nb.overridden);
        assert_eq!(seen_nb.response_id, lib2.id);
        assert!(objection(c, &nb.id).unwrap().overrides.is_empty());

        // History, newest first, and restoring the first override.
        let hist = response_versions(c, &nb.id, Some(&theme)).unwrap();
        assert_eq!(
            hist.iter().map(|v| v.version).collect::<Vec<_>>(),
            [3, 2, 1]
        );
        let back = restore_response_version(c, &o1.id, None).unwrap();
        assert_eq!(
            (back.version, back.response.as_str()),
            (4, o1.response.as_str())
        );
        let seen = objections_for(c, Some(&theme)).unwrap();
        assert_eq!(
            seen.iter()
                .find(|o| o.slug == "no_budget")
                .unwrap()
                .response_id,
            back.id
        );
        // Restoring the library's first version.
        let lib3 = restore_response_version(c, &lib1.id, None).unwrap();
        assert_eq!(
            (lib3.version, lib3.response.as_str()),
            (3, lib1.response.as_str())
        );
        assert_eq!(response_versions(c, &nb.id, None).unwrap().len(), 3);
        // Placeholder problems are flagged, not refused.
        save_library_response(c, &nb.id, "Ask {compny} for 20 minutes?", None).unwrap();
        let w = objection(c, &nb.id).unwrap().warnings;
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].section, "objection:no_budget");
        assert!(w[0].message.contains("did you mean {company}"));
        assert_eq!(
            save_theme_override(c, &nb.id, "nope", "x", None)
                .unwrap_err()
                .kind(),
            "not_found"
        );
    }
}
