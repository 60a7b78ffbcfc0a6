//! The playbook as the Playbook view and `callblock playbook` use it: the
//! talk-track editor and its versions, the preview of the call card, the
//! objection library's changes (each made as the current rep, in one
//! transaction), and export/import of a `callblock-playbook` file. Every rule
//! lives in [`crate::playbook`].

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use specta::Type;

use crate::error::{Error, Result};
use crate::files;
use crate::playbook::{
    self, CallPlaybook, ExportSummary, ImportOptions, ImportReport, LibraryObjection,
    PlaceholderInfo, PlaceholderValues, PlaceholderWarning, ResponseVersion, TalkTrackSections,
    TalkTrackVersion,
};
use crate::store::Store;

/// The file name the export and import fields start with.
pub const DEFAULT_FILE_NAME: &str = "callblock-playbook.json";

/// A theme as the playbook editor lists it.
#[derive(Debug, Clone, Serialize, Type)]
pub struct TrackTheme {
    pub id: String,
    pub name: String,
    /// The version number of the theme's own track; `None`: it uses the default.
    pub own_version: Option<u32>,
}

/// What the editor shows for the default track or one theme.
#[derive(Debug, Clone, Serialize, Type)]
pub struct TrackEditor {
    /// `None`: the default track.
    pub theme_id: Option<String>,
    pub theme_name: Option<String>,
    /// Every active theme, for the picker.
    pub themes: Vec<TrackTheme>,
    /// The newest version of the track being edited: the theme's own, or the
    /// default one. `None` when the theme has no track of its own.
    pub own: Option<TalkTrackVersion>,
    /// The default track's newest version (a theme without its own track uses it).
    pub default: Option<TalkTrackVersion>,
    /// The versions of `own`'s track, newest first.
    pub versions: Vec<TalkTrackVersion>,
    /// Reps by id, to name who saved a version.
    pub authors: Vec<Author>,
    pub placeholders: Vec<PlaceholderInfo>,
    /// Where export and import start: `~/Documents/callblock-playbook.json`.
    pub default_file: String,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct Author {
    pub id: String,
    pub name: String,
}

fn themes(conn: &Connection) -> Result<Vec<TrackTheme>> {
    let mut stmt = conn.prepare(
        "SELECT th.id, th.name,
            (SELECT max(v.version) FROM talk_tracks tt
             JOIN talk_track_versions v ON v.talk_track_id = tt.id WHERE tt.theme_id = th.id)
         FROM themes th WHERE th.archived_at IS NULL ORDER BY th.name COLLATE NOCASE",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(TrackTheme {
            id: r.get(0)?,
            name: r.get(1)?,
            own_version: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn theme_name(conn: &Connection, theme_id: &str) -> Result<String> {
    conn.query_row("SELECT name FROM themes WHERE id = ?1", [theme_id], |r| {
        r.get(0)
    })
    .optional()?
    .ok_or_else(|| Error::NotFound {
        what: "theme",
        id: theme_id.to_string(),
    })
}

fn authors(conn: &Connection) -> Result<Vec<Author>> {
    Ok(crate::reps::reps(conn)?
        .into_iter()
        .map(|r| Author {
            id: r.id,
            name: r.name,
        })
        .collect())
}

fn current_rep_id(conn: &Connection) -> Result<Option<String>> {
    Ok(crate::reps::current_rep(conn)?.map(|r| r.id))
}

/// `~/Documents/callblock-playbook.json`, or the home folder when there is no
/// Documents folder.
pub fn default_file() -> PathBuf {
    files::default_file(DEFAULT_FILE_NAME)
}

/// The path typed in a field: `~` is the home folder; it must be absolute.
pub fn typed_path(text: &str) -> Result<PathBuf> {
    files::typed_path_of(text, "playbook file", DEFAULT_FILE_NAME)
}

/// What the editor shows for `theme_id`'s track (`None`: the default track).
pub fn editor(conn: &Connection, theme_id: Option<&str>) -> Result<TrackEditor> {
    let theme_name = match theme_id {
        Some(t) => Some(theme_name(conn, t)?),
        None => None,
    };
    Ok(TrackEditor {
        theme_id: theme_id.map(str::to_string),
        theme_name,
        themes: themes(conn)?,
        own: playbook::own_talk_track(conn, theme_id)?,
        default: playbook::own_talk_track(conn, None)?,
        versions: playbook::talk_track_versions(conn, theme_id)?,
        authors: authors(conn)?,
        placeholders: playbook::placeholder_catalog(),
        default_file: default_file().display().to_string(),
    })
}

/// What a save did.
#[derive(Debug, Clone, Serialize, Type)]
pub struct SavedTrack {
    /// The current version after the save.
    pub version: TalkTrackVersion,
    /// False when the text was identical to the current version (nothing written).
    pub created: bool,
    /// Placeholder problems in the saved text (saved anyway; shown to the author).
    pub warnings: Vec<PlaceholderWarning>,
    pub editor: TrackEditor,
}

pub fn save_track(
    store: &mut Store,
    theme_id: Option<&str>,
    sections: &TalkTrackSections,
    change_note: &str,
) -> Result<SavedTrack> {
    let (version, created) = store.write(|tx| {
        let before = playbook::own_talk_track(tx, theme_id)?.map(|v| v.id);
        let name = match theme_id {
            Some(t) => theme_name(tx, t)?,
            None => "Default talk track".to_string(),
        };
        let by = current_rep_id(tx)?;
        let v =
            playbook::save_talk_track(tx, theme_id, &name, sections, change_note, by.as_deref())?;
        let created = before.as_deref() != Some(v.id.as_str());
        Ok::<_, Error>((v, created))
    })?;
    Ok(SavedTrack {
        warnings: playbook::lint_sections(&version.sections),
        version,
        created,
        editor: editor(store.conn(), theme_id)?,
    })
}

/// Who the preview is filled for.
#[derive(Debug, Clone, Serialize, Type)]
pub struct PreviewProspect {
    /// `None` for the built-in sample.
    pub prospect_id: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub title: String,
    pub company: String,
    pub location: String,
    /// Which of the theme's prospects this is (0-based) and how many there are;
    /// 0 of 0 for the built-in sample.
    pub index: u32,
    pub of: u32,
}

/// The call card's playbook for a sample prospect, as the card will show it.
#[derive(Debug, Clone, Serialize, Type)]
pub struct PlaybookPreview {
    pub prospect: PreviewProspect,
    pub rep_name: String,
    pub playbook: CallPlaybook,
    pub warnings: Vec<PlaceholderWarning>,
}

/// The prospect the preview uses when the theme has none (or for the default track).
pub fn sample_prospect() -> (PreviewProspect, PlaceholderValues) {
    let values = PlaceholderValues {
        first_name: "Dana".into(),
        last_name: "Reyes".into(),
        title: "VP Operations".into(),
        company: "Northwind Logistics".into(),
        city: "Austin".into(),
        region: "TX".into(),
        country: "US".into(),
        industry: "Transportation".into(),
        ..PlaceholderValues::default()
    };
    let p = PreviewProspect {
        prospect_id: None,
        first_name: values.first_name.clone(),
        last_name: values.last_name.clone(),
        title: values.title.clone(),
        company: values.company.clone(),
        location: "Austin, TX, US".into(),
        index: 0,
        of: 0,
    };
    (p, values)
}

/// The `n`-th prospect of a theme (wrapping), the ones with a name and a
/// company first, so that the preview shows the placeholders filled.
fn theme_prospect(
    conn: &Connection,
    theme_id: &str,
    n: u32,
) -> Result<Option<(PreviewProspect, String)>> {
    let total: u32 = conn.query_row(
        "SELECT count(*) FROM prospects WHERE theme_id = ?1",
        [theme_id],
        |r| r.get(0),
    )?;
    if total == 0 {
        return Ok(None);
    }
    let index = n % total;
    let row = conn.query_row(
        "SELECT id, first_name, last_name, title, company,
            trim(city || CASE WHEN city <> '' AND region <> '' THEN ', ' ELSE '' END || region
                 || CASE WHEN country <> '' AND (city <> '' OR region <> '') THEN ', ' ELSE '' END
                 || country)
         FROM prospects WHERE theme_id = ?1
         ORDER BY (first_name = '') + (company = ''), created_at, id
         LIMIT 1 OFFSET ?2",
        rusqlite::params![theme_id, index],
        |r| {
            Ok(PreviewProspect {
                prospect_id: Some(r.get(0)?),
                first_name: r.get(1)?,
                last_name: r.get(2)?,
                title: r.get(3)?,
                company: r.get(4)?,
                location: r.get(5)?,
                index,
                of: total,
            })
        },
    )?;
    let id = row.prospect_id.clone().unwrap_or_default();
    Ok(Some((row, id)))
}

/// Fill the playbook `theme_id` sees, with `sections` in place of its saved
/// track (the editor's unsaved text), for a sample prospect: the `sample`-th
/// prospect of the theme, else a built-in one. Rendered by the same code as
/// the call card.
pub fn preview(
    conn: &Connection,
    theme_id: Option<&str>,
    sections: Option<&TalkTrackSections>,
    sample: u32,
) -> Result<PlaybookPreview> {
    let rep = crate::reps::current_rep(conn)?;
    let found = match theme_id {
        Some(t) => {
            theme_name(conn, t)?;
            theme_prospect(conn, t, sample)?
        }
        None => None,
    };
    let (prospect, mut values) = match found {
        Some((p, id)) => {
            let v = playbook::placeholder_values(conn, &id, None)?;
            (p, v)
        }
        None => sample_prospect(),
    };
    values.rep_name = rep.map(|r| r.name).unwrap_or_default();
    let mut pb = playbook::playbook_for(conn, theme_id)?;
    if let Some(s) = sections {
        let track = pb.talk_track.get_or_insert_with(|| TalkTrackVersion {
            id: String::new(),
            talk_track_id: String::new(),
            name: String::new(),
            theme_id: theme_id.map(str::to_string),
            version: 0,
            sections: s.clone(),
            change_note: String::new(),
            created_by: None,
            created_at: String::new(),
        });
        track.sections = s.clone();
    }
    let warnings = pb
        .talk_track
        .as_ref()
        .map(|t| playbook::lint_sections(&t.sections))
        .unwrap_or_default();
    Ok(PlaybookPreview {
        rep_name: values.rep_name.clone(),
        playbook: playbook::fill_playbook(pb, &values),
        prospect,
        warnings,
    })
}

/// Make an old version current again (saved as a new version).
pub fn restore_track(store: &mut Store, version_id: &str) -> Result<SavedTrack> {
    let (version, created) = store.write(|tx| {
        let old = playbook::version_by_id(tx, version_id)?.ok_or_else(|| Error::NotFound {
            what: "talk track version",
            id: version_id.to_string(),
        })?;
        let before = playbook::own_talk_track(tx, old.theme_id.as_deref())?.map(|v| v.id);
        let by = current_rep_id(tx)?;
        let v = playbook::restore_talk_track_version(tx, version_id, by.as_deref())?;
        let created = before.as_deref() != Some(v.id.as_str());
        Ok::<_, Error>((v, created))
    })?;
    let theme_id = version.theme_id.clone();
    Ok(SavedTrack {
        warnings: playbook::lint_sections(&version.sections),
        version,
        created,
        editor: editor(store.conn(), theme_id.as_deref())?,
    })
}

// -- The objection library ----------------------------------------------------
// Each change is one transaction, made as the current rep.

/// A new objection with its first response.
pub fn create_objection(
    store: &mut Store,
    label: &str,
    hotkey: Option<&str>,
    response: &str,
) -> Result<LibraryObjection> {
    store.write(|tx| {
        let by = current_rep_id(tx)?;
        playbook::create_objection(tx, label, hotkey, response, by.as_deref())
    })
}

/// A new version of the response every theme sees (unless it overrides it).
pub fn save_library_response(
    store: &mut Store,
    objection_id: &str,
    text: &str,
) -> Result<ResponseVersion> {
    store.write(|tx| {
        let by = current_rep_id(tx)?;
        playbook::save_library_response(tx, objection_id, text, by.as_deref())
    })
}

/// A new version of one theme's own response.
pub fn save_theme_override(
    store: &mut Store,
    objection_id: &str,
    theme_id: &str,
    text: &str,
) -> Result<ResponseVersion> {
    store.write(|tx| {
        let by = current_rep_id(tx)?;
        playbook::save_theme_override(tx, objection_id, theme_id, text, by.as_deref())
    })
}

/// The theme sees the library response again (recorded as a version).
pub fn remove_theme_override(
    store: &mut Store,
    objection_id: &str,
    theme_id: &str,
) -> Result<Option<ResponseVersion>> {
    store.write(|tx| {
        let by = current_rep_id(tx)?;
        playbook::remove_theme_override(tx, objection_id, theme_id, by.as_deref())
    })
}

/// Every version of an objection's response for `theme_id` (`None`: the
/// library response), newest first; an unknown objection is an error.
pub fn response_versions(
    conn: &Connection,
    objection_id: &str,
    theme_id: Option<&str>,
) -> Result<Vec<ResponseVersion>> {
    playbook::objection(conn, objection_id)?;
    playbook::response_versions(conn, objection_id, theme_id)
}

/// Make an old response version current again.
pub fn restore_response_version(store: &mut Store, response_id: &str) -> Result<ResponseVersion> {
    store.write(|tx| {
        let by = current_rep_id(tx)?;
        playbook::restore_response_version(tx, response_id, by.as_deref())
    })
}

// -- Sharing -------------------------------------------------------------------

/// Export to `path`. An existing file is replaced only with `replace`.
pub fn export_to(conn: &Connection, path: &Path, replace: bool) -> Result<ExportSummary> {
    files::check_output_file(path, replace, DEFAULT_FILE_NAME)?;
    playbook::export_playbook_to_path(conn, path, replace)
}

/// Import from `path` as the current rep; with `dry_run`, report what would
/// change and write nothing. A malformed or foreign file changes nothing.
pub fn import_from(store: &mut Store, path: &Path, dry_run: bool) -> Result<ImportReport> {
    store.write(|tx| {
        let options = ImportOptions {
            dry_run,
            created_by: current_rep_id(tx)?,
        };
        playbook::import_playbook_file(tx, path, &options)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ThemeKind;

    fn store_with_theme() -> (Store, String) {
        let mut store = Store::open_in_memory().unwrap();
        let id = store
            .write(|tx| crate::lists::create_theme(tx, "Logistics", ThemeKind::Vertical, ""))
            .unwrap()
            .id;
        (store, id)
    }

    #[test]
    fn paths_typed_in_a_field() {
        let home = files::home_dir().unwrap();
        assert_eq!(typed_path("~/x.json").unwrap(), home.join("x.json"));
        assert_eq!(
            typed_path(" /tmp/a.json ").unwrap(),
            PathBuf::from("/tmp/a.json")
        );
        assert!(typed_path("")
            .unwrap_err()
            .to_string()
            .contains("enter the path"));
        assert!(typed_path("a.json")
            .unwrap_err()
            .to_string()
            .contains("not a full path"));
        assert!(default_file().ends_with(DEFAULT_FILE_NAME));
    }

    #[test]
    fn a_theme_track_starts_at_version_one_and_saves_report_warnings() {
        let (mut store, theme) = store_with_theme();
        let e = editor(store.conn(), Some(&theme)).unwrap();
        assert!(e.own.is_none(), "the theme uses the default");
        assert_eq!(e.default.as_ref().unwrap().version, 1);
        assert_eq!(e.themes[0].own_version, None);

        let mut s = e.default.unwrap().sections;
        s.engage_statement = "Teams like {company} in {cty} ...".into();
        let saved = save_track(&mut store, Some(&theme), &s, "first").unwrap();
        assert!(saved.created);
        assert_eq!(saved.version.version, 1);
        assert_eq!(saved.version.name, "Logistics");
        assert_eq!(saved.warnings.len(), 1);
        assert_eq!(saved.warnings[0].placeholder, "{cty}");
        assert_eq!(saved.editor.themes[0].own_version, Some(1));

        // The same text again writes nothing.
        let again = save_track(&mut store, Some(&theme), &s, "again").unwrap();
        assert!(!again.created);
        assert_eq!(again.version.id, saved.version.id);
    }

    #[test]
    fn the_preview_fills_unsaved_text_like_the_call_card() {
        let (mut store, theme) = store_with_theme();
        // No prospect in the theme: the built-in sample.
        let mut s = playbook::default_talk_track();
        s.engage_statement = "Shippers like {company} in {city}.".into();
        let p = preview(store.conn(), Some(&theme), Some(&s), 0).unwrap();
        assert_eq!(p.prospect.prospect_id, None);
        let r = p.playbook.rendered.unwrap();
        assert_eq!(
            r.sections.engage_statement,
            "Shippers like Northwind Logistics in Austin."
        );

        // A real prospect of the theme.
        store
            .write(|tx| {
                tx.execute(
                    "INSERT INTO prospects (id, theme_id, first_name, company, city, created_at, updated_at)
                     VALUES ('p1', ?1, 'Ada', 'Acme Freight', 'Tulsa', 'x', 'x')",
                    [&theme],
                )
            })
            .unwrap();
        let p = preview(store.conn(), Some(&theme), Some(&s), 3).unwrap();
        assert_eq!(p.prospect.prospect_id.as_deref(), Some("p1"));
        assert_eq!((p.prospect.index, p.prospect.of), (0, 1));
        let r = p.playbook.rendered.unwrap();
        assert_eq!(
            r.sections.engage_statement,
            "Shippers like Acme Freight in Tulsa."
        );
        assert!(r.sections.opener.starts_with("Hi Ada,"));

        // Same as the call card would render the saved track.
        save_track(&mut store, Some(&theme), &s, "").unwrap();
        let values = playbook::placeholder_values(store.conn(), "p1", None).unwrap();
        let card = playbook::call_playbook(store.conn(), Some(&theme), &values).unwrap();
        let saved = preview(store.conn(), Some(&theme), None, 0).unwrap();
        assert_eq!(card.rendered, saved.playbook.rendered);
        assert_eq!(card.objections, saved.playbook.objections);
    }

    #[test]
    fn export_refuses_to_replace_and_import_reports_first() {
        let (mut store, _) = store_with_theme();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pb.json");
        let sum = export_to(store.conn(), &path, false).unwrap();
        assert_eq!(sum.talk_tracks, 1);
        let e = export_to(store.conn(), &path, false).unwrap_err();
        assert!(e.to_string().contains("already exists"), "{e}");
        export_to(store.conn(), &path, true).unwrap();
        let e = export_to(store.conn(), &dir.path().join("no/pb.json"), false).unwrap_err();
        assert!(e.to_string().contains("does not exist"), "{e}");

        let report = import_from(&mut store, &path, true).unwrap();
        assert!(report.dry_run);
        assert!(!report.changed());

        let bad = dir.path().join("bad.json");
        std::fs::write(&bad, "{\"format\": \"something-else\"}").unwrap();
        let e = import_from(&mut store, &bad, true).unwrap_err();
        assert!(e.to_string().contains("nothing was imported"), "{e}");
    }
}
