//! Talk tracks and their versions. The default track has `theme_id` NULL; a
//! theme may have its own. Every saved edit is a new version numbered from 1;
//! saving text identical to the current version creates nothing and returns
//! the current version. Restoring an old version saves its text again as a
//! new version, noted "Restored version N".

use rusqlite::{params, Connection, OptionalExtension};

use super::{TalkTrackSections, TalkTrackVersion};
use crate::error::{Error, Result};
use crate::time;

/// The longest a section may be, in characters.
pub const SECTION_MAX_CHARS: usize = crate::text::SECTION.max_chars;
/// The longest a talk track's name may be, in characters.
pub const NAME_MAX_CHARS: usize = crate::text::TALK_TRACK_NAME.max_chars;

/// Check the sections before they are saved: every section but the referral
/// must have text, and none may be longer than [`SECTION_MAX_CHARS`].
/// Placeholders are not checked here (unknown ones are warnings, see
/// [`super::lint_sections`]).
pub fn validate_sections(s: &TalkTrackSections) -> Result<()> {
    for (name, text) in s.named() {
        if name != "referral" && text.trim().is_empty() {
            return Err(Error::invalid(
                name,
                "must not be empty (the rep reads it during the call)",
            ));
        }
        crate::text::check(crate::text::SECTION.named(name), text)?;
    }
    Ok(())
}

/// The names of the sections that differ between `a` and `b`, in call order.
pub fn changed_sections(a: &TalkTrackSections, b: &TalkTrackSections) -> Vec<String> {
    a.named()
        .iter()
        .zip(b.named().iter())
        .filter(|(x, y)| x.1 != y.1)
        .map(|(x, _)| x.0.to_string())
        .collect()
}

pub(crate) fn insert_version(
    conn: &Connection,
    track_id: &str,
    version: i64,
    s: &TalkTrackSections,
    note: &str,
    created_by: Option<&str>,
    now: &str,
) -> rusqlite::Result<String> {
    let id = crate::ids::new_id();
    conn.execute(
        "INSERT INTO talk_track_versions
           (id, talk_track_id, version, opener, engage_statement, impact_question,
            appointment_request, voicemail_script, referral, agenda_line, change_note,
            created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            id,
            track_id,
            version,
            s.opener,
            s.engage_statement,
            s.impact_question,
            s.appointment_request,
            s.voicemail_script,
            s.referral,
            s.agenda_line,
            note,
            created_by,
            now
        ],
    )?;
    Ok(id)
}

fn track_id_for(conn: &Connection, theme_id: Option<&str>) -> Result<Option<String>> {
    Ok(match theme_id {
        Some(t) => conn
            .query_row("SELECT id FROM talk_tracks WHERE theme_id = ?1", [t], |r| {
                r.get(0)
            })
            .optional()?,
        None => conn
            .query_row(
                "SELECT id FROM talk_tracks WHERE theme_id IS NULL",
                [],
                |r| r.get(0),
            )
            .optional()?,
    })
}

pub(crate) fn check_theme(conn: &Connection, theme_id: &str) -> Result<()> {
    let exists: Option<i64> = conn
        .query_row("SELECT 1 FROM themes WHERE id = ?1", [theme_id], |r| {
            r.get(0)
        })
        .optional()?;
    exists.map(|_| ()).ok_or_else(|| Error::NotFound {
        what: "theme",
        id: theme_id.to_string(),
    })
}

pub(crate) fn check_rep(conn: &Connection, rep_id: Option<&str>) -> Result<()> {
    if let Some(rep) = rep_id {
        let exists: Option<i64> = conn
            .query_row("SELECT 1 FROM reps WHERE id = ?1", [rep], |r| r.get(0))
            .optional()?;
        if exists.is_none() {
            return Err(Error::NotFound {
                what: "rep",
                id: rep.to_string(),
            });
        }
    }
    Ok(())
}

/// Save `sections` as the talk track of `theme_id` (`None`: the default
/// track), creating the theme's track on its first save. Returns the new
/// version, or the current one unchanged when the text is identical to it
/// (sections are compared after trimming surrounding white space).
pub fn save_talk_track(
    conn: &Connection,
    theme_id: Option<&str>,
    name: &str,
    sections: &TalkTrackSections,
    change_note: &str,
    created_by: Option<&str>,
) -> Result<TalkTrackVersion> {
    let sections = sections.normalized();
    validate_sections(&sections)?;
    let name = crate::text::check(crate::text::TALK_TRACK_NAME, name)?;
    let name = name.as_str();
    let change_note = crate::text::check(crate::text::CHANGE_NOTE, change_note)?;
    let change_note = change_note.as_str();
    if let Some(t) = theme_id {
        check_theme(conn, t)?;
    }
    check_rep(conn, created_by)?;
    let now = time::to_db(time::now());
    let track_id = match track_id_for(conn, theme_id)? {
        Some(id) => {
            if let Some(cur) = own_talk_track(conn, theme_id)? {
                if cur.sections == sections {
                    return Ok(cur);
                }
            }
            id
        }
        None => {
            if name.is_empty() {
                return Err(Error::invalid("talk track name", "must not be empty"));
            }
            let id = crate::ids::new_id();
            conn.execute(
                "INSERT INTO talk_tracks (id, theme_id, name, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![id, theme_id, name, now],
            )?;
            id
        }
    };
    let next: i64 = conn.query_row(
        "SELECT ifnull(max(version), 0) + 1 FROM talk_track_versions WHERE talk_track_id = ?1",
        [&track_id],
        |r| r.get(0),
    )?;
    let id = insert_version(
        conn,
        &track_id,
        next,
        &sections,
        change_note,
        created_by,
        &now,
    )?;
    version_by_id(conn, &id)?.ok_or(Error::NotFound {
        what: "talk track version",
        id,
    })
}

const VERSION_COLUMNS: &str = "v.id, v.talk_track_id, t.name, t.theme_id, v.version, v.opener,
    v.engage_statement, v.impact_question, v.appointment_request, v.voicemail_script,
    v.referral, v.agenda_line, v.change_note, v.created_by, v.created_at";

fn version_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<TalkTrackVersion> {
    Ok(TalkTrackVersion {
        id: r.get(0)?,
        talk_track_id: r.get(1)?,
        name: r.get(2)?,
        theme_id: r.get(3)?,
        version: r.get(4)?,
        sections: TalkTrackSections {
            opener: r.get(5)?,
            engage_statement: r.get(6)?,
            impact_question: r.get(7)?,
            appointment_request: r.get(8)?,
            voicemail_script: r.get(9)?,
            referral: r.get(10)?,
            agenda_line: r.get(11)?,
        },
        change_note: r.get(12)?,
        created_by: r.get(13)?,
        created_at: r.get(14)?,
    })
}

/// One version, by id (to view an old version, or the one a call used).
pub fn version_by_id(conn: &Connection, id: &str) -> Result<Option<TalkTrackVersion>> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {VERSION_COLUMNS} FROM talk_track_versions v
                 JOIN talk_tracks t ON t.id = v.talk_track_id WHERE v.id = ?1"
            ),
            [id],
            version_from_row,
        )
        .optional()?)
}

/// The newest version of the talk track that applies to `theme_id`: the
/// theme's own, else the default track.
pub fn current_talk_track(
    conn: &Connection,
    theme_id: Option<&str>,
) -> Result<Option<TalkTrackVersion>> {
    let sql = format!(
        "SELECT {VERSION_COLUMNS} FROM talk_track_versions v
         JOIN talk_tracks t ON t.id = v.talk_track_id
         WHERE t.theme_id = ?1 OR t.theme_id IS NULL
         ORDER BY (t.theme_id IS NULL), v.version DESC LIMIT 1"
    );
    Ok(conn
        .query_row(&sql, [theme_id], version_from_row)
        .optional()?)
}

/// The newest version of `theme_id`'s own track (`None`: the default track),
/// without falling back to the default.
pub fn own_talk_track(
    conn: &Connection,
    theme_id: Option<&str>,
) -> Result<Option<TalkTrackVersion>> {
    let sql = format!(
        "SELECT {VERSION_COLUMNS} FROM talk_track_versions v
         JOIN talk_tracks t ON t.id = v.talk_track_id
         WHERE t.theme_id IS ?1
         ORDER BY v.version DESC LIMIT 1"
    );
    Ok(conn
        .query_row(&sql, [theme_id], version_from_row)
        .optional()?)
}

/// Every version of `theme_id`'s own track (`None`: the default track),
/// newest first. Empty when the theme has no track of its own.
pub fn talk_track_versions(
    conn: &Connection,
    theme_id: Option<&str>,
) -> Result<Vec<TalkTrackVersion>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {VERSION_COLUMNS} FROM talk_track_versions v
         JOIN talk_tracks t ON t.id = v.talk_track_id
         WHERE t.theme_id IS ?1
         ORDER BY v.version DESC"
    ))?;
    let rows = stmt.query_map([theme_id], version_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Make an old version current again: its text is saved as a new version
/// with the note "Restored version N". When the current version already has
/// that text, nothing is written and the current version is returned.
pub fn restore_talk_track_version(
    conn: &Connection,
    version_id: &str,
    created_by: Option<&str>,
) -> Result<TalkTrackVersion> {
    let old = version_by_id(conn, version_id)?.ok_or_else(|| Error::NotFound {
        what: "talk track version",
        id: version_id.to_string(),
    })?;
    save_talk_track(
        conn,
        old.theme_id.as_deref(),
        &old.name,
        &old.sections,
        &format!("Restored version {}", old.version),
        created_by,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playbook::default_talk_track;
    use crate::store::Store;

    fn theme(c: &Connection) -> String {
        crate::lists::create_theme(c, "Logistics", crate::domain::ThemeKind::Vertical, "")
            .unwrap()
            .id
    }

    #[test]
    fn a_theme_track_takes_precedence_and_versions_count_up() {
        let store = Store::open_in_memory().unwrap();
        let c = store.conn();
        let t1 = theme(c);
        let mut s = default_talk_track();
        s.engage_statement = "Shippers like {company} ...".into();
        let v1 = save_talk_track(c, Some(&t1), "Logistics", &s, "first", None).unwrap();
        assert_eq!(v1.version, 1);
        s.engage_statement = "Carriers like {company} ...".into();
        let v2 = save_talk_track(c, Some(&t1), "Logistics", &s, "second", None).unwrap();
        assert_eq!(v2.version, 2);
        let cur = current_talk_track(c, Some(&t1)).unwrap().unwrap();
        assert_eq!(cur.id, v2.id);
        // Another theme still gets the default track.
        let other = current_talk_track(c, Some("nope")).unwrap().unwrap();
        assert_eq!(other.theme_id, None);
        assert_eq!(own_talk_track(c, Some("nope")).unwrap(), None);
        assert!(talk_track_versions(c, Some("nope")).unwrap().is_empty());
    }

    #[test]
    fn saving_identical_text_returns_the_current_version() {
        let store = Store::open_in_memory().unwrap();
        let c = store.conn();
        let cur = current_talk_track(c, None).unwrap().unwrap();
        let mut same = cur.sections.clone();
        same.opener = format!("  {}\n", same.opener);
        let again = save_talk_track(c, None, "ignored", &same, "no change", None).unwrap();
        assert_eq!(again, cur);
        assert_eq!(talk_track_versions(c, None).unwrap().len(), 1);
    }

    #[test]
    fn versions_are_listed_viewed_and_restored_as_new_versions() {
        let mut store = Store::open_in_memory().unwrap();
        let rep = crate::reps::create_rep(store.conn(), "Alex", None, None).unwrap();
        let c = store.conn();
        let v1 = current_talk_track(c, None).unwrap().unwrap();
        let mut s = v1.sections.clone();
        s.impact_question = "What would a free afternoon a week be worth to you?".into();
        let v2 = save_talk_track(c, None, "", &s, "Sharper question", Some(&rep.id)).unwrap();
        assert_eq!(
            (v2.version, v2.created_by.as_deref()),
            (2, Some(rep.id.as_str()))
        );
        assert_eq!(
            changed_sections(&v1.sections, &v2.sections),
            ["impact_question"]
        );

        let list = talk_track_versions(c, None).unwrap();
        assert_eq!(list.iter().map(|v| v.version).collect::<Vec<_>>(), [2, 1]);
        assert_eq!(version_by_id(c, &v1.id).unwrap().unwrap(), v1);

        let v3 = store
            .write(|tx| restore_talk_track_version(tx, &v1.id, None))
            .unwrap();
        assert_eq!(v3.version, 3);
        assert_eq!(v3.change_note, "Restored version 1");
        assert_eq!(v3.sections, v1.sections);
        // The old versions are all still there.
        assert_eq!(talk_track_versions(store.conn(), None).unwrap().len(), 3);
        // Restoring what is already current writes nothing.
        let same = restore_talk_track_version(store.conn(), &v1.id, None).unwrap();
        assert_eq!(same.id, v3.id);
        assert_eq!(
            restore_talk_track_version(store.conn(), "nope", None)
                .unwrap_err()
                .kind(),
            "not_found"
        );
    }

    #[test]
    fn empty_sections_unknown_themes_and_reps_are_refused() {
        let store = Store::open_in_memory().unwrap();
        let c = store.conn();
        let mut s = default_talk_track();
        s.appointment_request = "   ".into();
        let e = save_talk_track(c, None, "x", &s, "", None).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("appointment_request: must not be empty"),
            "{e}"
        );
        let e = save_talk_track(c, Some("nope"), "x", &default_talk_track(), "", None).unwrap_err();
        assert_eq!(e.kind(), "not_found");
        let mut s = default_talk_track();
        s.opener = "x".into();
        let e = save_talk_track(c, None, "x", &s, "", Some("ghost")).unwrap_err();
        assert_eq!(e.kind(), "not_found");
        let t = theme(c);
        let e = save_talk_track(c, Some(&t), " ", &default_talk_track(), "", None).unwrap_err();
        assert!(e.to_string().contains("talk track name"), "{e}");
        // An empty referral is fine.
        let mut s = default_talk_track();
        s.referral.clear();
        s.opener = "Hello {first_name}".into();
        save_talk_track(c, Some(&t), "Logistics", &s, "", None).unwrap();
    }
}
