use rusqlite::Connection;

use super::*;
use crate::domain::ThemeKind;
use crate::error::Result;
use crate::lists::create_theme;
use crate::playbook::{
    archive_objection, create_objection, default_talk_track, objection_library, objections_for,
    save_talk_track, save_theme_override, talk_track_versions,
};
use crate::store::Store;
use crate::time;

/// A database with a logistics track, a finance override and one objection of its own.
fn source_db() -> Store {
    let store = Store::open_in_memory().unwrap();
    let c = store.conn();
    let lg = create_theme(c, "Logistics", ThemeKind::Vertical, "").unwrap();
    let fi = create_theme(c, "Finance", ThemeKind::Role, "").unwrap();
    let mut s = default_talk_track();
    s.engage_statement = "Carriers like {company} lose margin to empty miles.".into();
    s.referral = "Riverbend Freight in {city} cut empty miles by a fifth.".into();
    save_talk_track(c, Some(&lg.id), "Logistics & freight", &s, "v1", None).unwrap();
    let nb = objection_library(c, false)
        .unwrap()
        .into_iter()
        .find(|o| o.slug == "no_budget")
        .unwrap();
    save_theme_override(
        c,
        &nb.id,
        &fi.id,
        "Finance teams fund it from savings. Tuesday?",
        None,
    )
    .unwrap();
    create_objection(
        c,
        "Too expensive",
        Some("x"),
        "Compared to what? 20 minutes?",
        None,
    )
    .unwrap();
    store
}

fn target_db(themes: &[&str]) -> Store {
    let store = Store::open_in_memory().unwrap();
    for t in themes {
        create_theme(store.conn(), t, ThemeKind::Custom, "").unwrap();
    }
    store
}

/// Everything an import could change, to prove that a refused one changed nothing.
fn fingerprint(c: &Connection) -> String {
    let q = |sql: &str| -> String {
        let mut stmt = c.prepare(sql).unwrap();
        let rows: Vec<String> = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        rows.join("|")
    };
    [
        q("SELECT id || version || opener || referral FROM talk_track_versions ORDER BY id"),
        q("SELECT id || name FROM talk_tracks ORDER BY id"),
        q("SELECT id || slug || label || ifnull(hotkey, '-') || position || ifnull(archived_at, '-')
           FROM objections ORDER BY id"),
        q("SELECT id || version || response FROM objection_responses ORDER BY id"),
    ]
    .join("\n")
}

fn export_json(c: &Connection) -> String {
    playbook_to_json(&export_playbook(c, time::now()).unwrap()).unwrap()
}

/// The exported content without the stamps and version numbers.
fn content(c: &Connection) -> PlaybookFile {
    let mut f = export_playbook(c, time::now()).unwrap();
    f.exported_at.clear();
    for t in &mut f.talk_tracks {
        t.version = 0;
    }
    f
}

fn import(c: &Connection, json: &str) -> Result<ImportReport> {
    import_playbook(c, json, "team.json", &ImportOptions::default())
}

#[test]
fn export_then_import_round_trips_and_a_second_import_changes_nothing() {
    let src = source_db();
    let json = export_json(src.conn());
    let file: PlaybookFile = serde_json::from_str(&json).unwrap();
    assert_eq!(file.format, "callblock-playbook");
    assert_eq!(file.format_version, 1);
    assert_eq!(file.talk_tracks.len(), 2);
    assert_eq!(file.talk_tracks[0].theme, None);
    assert_eq!(file.talk_tracks[1].theme.as_deref(), Some("Logistics"));
    assert_eq!(file.objections.len(), 8);
    let nb = file
        .objections
        .iter()
        .find(|o| o.slug == "no_budget")
        .unwrap();
    assert_eq!(nb.overrides.len(), 1);
    assert_eq!(nb.overrides[0].theme, "Finance");

    let mut dst = target_db(&["logistics", "FINANCE"]);
    let before = talk_track_versions(dst.conn(), None).unwrap().len();
    let report = dst.write(|tx| import(tx, &json)).unwrap();
    assert!(report.changed());
    assert!(report.skipped_themes.is_empty());
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    // The default track is identical to a new database's: no new version.
    assert_eq!(talk_track_versions(dst.conn(), None).unwrap().len(), before);
    let mut a = content(src.conn());
    let mut b = content(dst.conn());
    // Theme names come from the target database (matched without regard to case).
    a.talk_tracks[1].theme = None;
    b.talk_tracks[1].theme = None;
    for o in a.objections.iter_mut().chain(b.objections.iter_mut()) {
        for ov in &mut o.overrides {
            ov.theme = ov.theme.to_lowercase();
        }
    }
    assert_eq!(a, b);
    // The finance theme sees its override.
    let fin: String = dst
        .conn()
        .query_row("SELECT id FROM themes WHERE name = 'FINANCE'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let seen = objections_for(dst.conn(), Some(&fin)).unwrap();
    assert!(seen.iter().any(|o| o.slug == "no_budget" && o.overridden));

    let fp = fingerprint(dst.conn());
    let again = dst.write(|tx| import(tx, &json)).unwrap();
    assert!(!again.changed(), "{:?}", again.items);
    assert!(
        again.summary.starts_with("Nothing to change"),
        "{}",
        again.summary
    );
    assert_eq!(fingerprint(dst.conn()), fp);
}

#[test]
fn only_changed_texts_get_new_versions() {
    let src = source_db();
    let mut dst = target_db(&["Logistics", "Finance"]);
    dst.write(|tx| import(tx, &export_json(src.conn())))
        .unwrap();

    let mut file = export_playbook(src.conn(), time::now()).unwrap();
    file.talk_tracks[1].sections.impact_question = "Where would the margin go?".into();
    let ni = file
        .objections
        .iter_mut()
        .find(|o| o.slug == "not_interested")
        .unwrap();
    ni.response = "Most say that first. 20 minutes, Thursday?".into();
    let json = playbook_to_json(&file).unwrap();
    let r = dst.write(|tx| import(tx, &json)).unwrap();
    assert_eq!(r.new_versions, 2, "{:?}", r.items);
    assert_eq!(r.created, 0);
    let track = r
        .items
        .iter()
        .find(|i| i.kind == ImportItemKind::TalkTrack && i.action == ImportAction::NewVersion)
        .unwrap();
    assert_eq!(track.version, Some(2));
    assert!(track.detail.contains("impact_question"), "{}", track.detail);
    assert!(track.theme.as_deref() == Some("Logistics"));
    let lg: String = dst
        .conn()
        .query_row("SELECT id FROM themes WHERE name = 'Logistics'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let versions = talk_track_versions(dst.conn(), Some(&lg)).unwrap();
    assert_eq!(versions.len(), 2);
    assert!(versions[0]
        .change_note
        .starts_with("Imported from team.json"));
    assert!(
        r.summary.starts_with("Imported: 2 new versions;"),
        "{}",
        r.summary
    );
}

#[test]
fn themes_missing_in_the_target_are_skipped_and_named() {
    let src = source_db();
    let mut dst = target_db(&[]);
    let r = dst
        .write(|tx| import(tx, &export_json(src.conn())))
        .unwrap();
    assert_eq!(r.skipped_themes, ["Logistics", "Finance"]);
    assert_eq!(r.skipped, 2);
    assert!(
        r.summary
            .contains("not in this database: Logistics, Finance"),
        "{}",
        r.summary
    );
    // The rest went in.
    assert!(objection_library(dst.conn(), false)
        .unwrap()
        .iter()
        .any(|o| o.slug == "too_expensive"));
    let n: i64 = dst
        .conn()
        .query_row("SELECT count(*) FROM themes", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0, "no theme is created");
}

#[test]
fn a_dry_run_reports_and_writes_nothing() {
    let src = source_db();
    let mut dst = target_db(&["Logistics", "Finance"]);
    let fp = fingerprint(dst.conn());
    let opts = ImportOptions {
        dry_run: true,
        created_by: None,
    };
    let r = dst
        .write(|tx| import_playbook(tx, &export_json(src.conn()), "team.json", &opts))
        .unwrap();
    assert!(r.dry_run && r.changed());
    assert!(r.summary.starts_with("Would import"), "{}", r.summary);
    assert_eq!(fingerprint(dst.conn()), fp);
}

#[test]
fn imported_keys_win_and_archived_objections_come_back() {
    let src = source_db();
    let mut dst = target_db(&[]);
    let c = dst.conn();
    // The target's own objection holds the key the file gives "Too expensive".
    create_objection(
        c,
        "Bad timing",
        Some("x"),
        "When is better? Thursday?",
        None,
    )
    .unwrap();
    // And it archived "No budget".
    let nb = objection_library(c, false)
        .unwrap()
        .into_iter()
        .find(|o| o.slug == "no_budget")
        .unwrap();
    archive_objection(c, &nb.id).unwrap();
    let r = dst
        .write(|tx| import(tx, &export_json(src.conn())))
        .unwrap();
    let cleared: Vec<_> = r
        .items
        .iter()
        .filter(|i| i.action == ImportAction::HotkeyCleared)
        .collect();
    assert_eq!(cleared.len(), 1);
    assert_eq!(cleared[0].name, "Bad timing");
    let lib = objection_library(dst.conn(), false).unwrap();
    let slugs: Vec<_> = lib.iter().map(|o| o.slug.as_str()).collect();
    // The file's order first, then the target's own objection.
    assert_eq!(slugs.len(), 9);
    assert_eq!(slugs[7], "too_expensive");
    assert_eq!(slugs[8], "bad_timing");
    assert_eq!(lib[7].hotkey.as_deref(), Some("x"));
    assert_eq!(lib[8].hotkey, None);
    let back = lib.iter().find(|o| o.slug == "no_budget").unwrap();
    assert_eq!(back.archived_at, None);
    assert!(r.items.iter().any(|i| i.name == "No budget"
        && i.action == ImportAction::Updated
        && i.detail.contains("restored")));
}

#[test]
fn an_imported_hotkey_that_is_an_outcome_key_here_is_left_out_and_reported() {
    let src = source_db();
    let mut dst = target_db(&[]);
    // Here "x" (the file's key for "Too expensive") logs a meeting.
    let mut s = crate::settings::load(dst.conn()).unwrap();
    s.outcome_labels
        .insert(crate::domain::Outcome::Meeting, "Demo set".into());
    s.outcome_keys
        .insert(crate::domain::Outcome::Meeting, "x".into());
    crate::settings::save(dst.conn(), &s).unwrap();
    let r = dst
        .write(|tx| import(tx, &export_json(src.conn())))
        .unwrap();
    let left: Vec<_> = r
        .items
        .iter()
        .filter(|i| i.action == ImportAction::HotkeyLeftOut)
        .collect();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].name, "Too expensive");
    assert!(
        left[0]
            .detail
            .starts_with("its key x is the key of the outcome \"Demo set\" here"),
        "{}",
        left[0].detail
    );
    assert!(
        r.summary
            .contains("1 hotkey left out (an outcome's key here)"),
        "{}",
        r.summary
    );
    let lib = objection_library(dst.conn(), false).unwrap();
    let te = lib.iter().find(|o| o.slug == "too_expensive").unwrap();
    assert_eq!(te.hotkey, None);
    // The outcome keeps its key.
    let back = crate::settings::load(dst.conn()).unwrap();
    assert_eq!(
        back.outcome_for_key("x"),
        Some(crate::domain::Outcome::Meeting)
    );
}

#[test]
fn unknown_placeholders_are_warnings_not_errors() {
    let src = source_db();
    let mut file = export_playbook(src.conn(), time::now()).unwrap();
    file.talk_tracks[0].sections.opener = "Hi {frist_name}".into();
    file.objections[0].response = "Ask {weather}?".into();
    let mut dst = target_db(&["Logistics", "Finance"]);
    let r = dst
        .write(|tx| import(tx, &playbook_to_json(&file).unwrap()))
        .unwrap();
    assert_eq!(r.warnings.len(), 2, "{:?}", r.warnings);
    assert_eq!(r.warnings[0].section, "default track: opener");
    assert_eq!(r.warnings[1].section, "objection:not_interested");
    assert!(
        r.summary.contains("2 warnings about placeholders"),
        "{}",
        r.summary
    );
}

/// Each malformed file is refused with a message naming the problem, and the
/// database is left exactly as it was.
#[test]
fn malformed_and_foreign_files_are_refused_and_change_nothing() {
    let src = source_db();
    let good = export_json(src.conn());
    let v: serde_json::Value = serde_json::from_str(&good).unwrap();
    let edit = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut v = v.clone();
        f(&mut v);
        serde_json::to_string_pretty(&v).unwrap()
    };
    let cases: Vec<(String, &str, &str)> = vec![
        (String::new(), "the file is empty", "empty"),
        (
            "{\n  \"format\": \"callblock-playbook\",\n  \"format_version\": 1,\n  oops\n}".into(),
            "not valid JSON at line 4, column 3",
            "syntax",
        ),
        (good[..good.len() / 2].to_string(), "not valid JSON at line", "truncated"),
        ("[1, 2]".into(), "not an object", "array"),
        ("{\"name\": \"x\"}".into(), "it has no \"format\" field", "no format"),
        (
            edit(&|v| v["format"] = "callblock-bundle".into()),
            "its format is \"callblock-bundle\", not \"callblock-playbook\"",
            "foreign",
        ),
        (
            edit(&|v| v["format_version"] = 2.into()),
            "written by a newer Callblock (playbook format version 2; this version reads up to 1)",
            "newer",
        ),
        (
            edit(&|v| v["format_version"] = "one".into()),
            "\"format_version\" is \"one\"",
            "bad version",
        ),
        (
            edit(&|v| {
                v.as_object_mut().unwrap().remove("format_version");
            }),
            "\"format_version\" field is missing",
            "no version",
        ),
        (
            edit(&|v| {
                v["talk_tracks"][1]["sections"]
                    .as_object_mut()
                    .unwrap()
                    .remove("opener");
            }),
            "talk_tracks[1].sections: missing field `opener` (line ",
            "missing field",
        ),
        (
            edit(&|v| {
                v.as_object_mut().unwrap().remove("objections");
            }),
            "missing field `objections`",
            "missing list",
        ),
        (
            edit(&|v| v["objections"][2]["hotkey"] = 5.into()),
            "objections[2].hotkey: invalid type: integer `5`",
            "wrong type",
        ),
        (
            edit(&|v| v["talk_tracks"][1]["sections"]["opener"] = "  ".into()),
            "talk_tracks[1] (theme \"Logistics\"): opener is empty",
            "empty text",
        ),
        (
            edit(&|v| v["objections"][3]["response"] = "".into()),
            "objections[3] (\"No budget\"): response is empty",
            "empty response",
        ),
        (
            edit(&|v| v["objections"][1]["hotkey"] = "N".into()),
            "objections[1] (\"Send me information\"): hotkey \"n\" is also the hotkey of objections[0]",
            "duplicate hotkey",
        ),
        (
            edit(&|v| v["objections"][1]["hotkey"] = "7".into()),
            "is not allowed: a hotkey is one letter",
            "bad hotkey",
        ),
        (
            edit(&|v| v["objections"][1]["slug"] = "not_interested".into()),
            "slug \"not_interested\" is also used by objections[0]",
            "duplicate slug",
        ),
        (
            edit(&|v| v["talk_tracks"][1]["theme"] = serde_json::Value::Null),
            "talk_tracks[1] (default track): appears twice",
            "two defaults",
        ),
        (
            edit(&|v| v["exported_at"] = "last Tuesday".into()),
            "exported_at: \"last Tuesday\" is not a date and time",
            "bad date",
        ),
        (
            edit(&|v| {
                v["talk_tracks"] = serde_json::json!([]);
                v["objections"] = serde_json::json!([]);
            }),
            "no talk tracks and no objections",
            "empty playbook",
        ),
    ];
    let mut dst = target_db(&["Logistics", "Finance"]);
    let fp = fingerprint(dst.conn());
    for (text, want, case) in &cases {
        let e = dst.write(|tx| import(tx, text)).unwrap_err();
        let msg = e.to_string();
        assert_eq!(e.kind(), "invalid", "{case}: {msg}");
        assert!(msg.starts_with("team.json: "), "{case}: {msg}");
        assert!(msg.contains(want), "{case}: {msg}");
        assert!(msg.ends_with("nothing was imported"), "{case}: {msg}");
        assert_eq!(fingerprint(dst.conn()), fp, "{case}");
    }
    // Several problems are listed together.
    let two = edit(&|v| {
        v["objections"][0]["label"] = "".into();
        v["objections"][4]["response"] = " ".into();
    });
    let msg = import(dst.conn(), &two).unwrap_err().to_string();
    assert!(
        msg.contains("2 problems: objections[0]: the label is empty; objections[4]"),
        "{msg}"
    );
}

#[test]
fn a_label_taken_by_an_unmentioned_objection_is_refused_before_any_write() {
    let src = source_db();
    let mut file = export_playbook(src.conn(), time::now()).unwrap();
    file.talk_tracks[0].sections.opener = "A new opener, {first_name}".into();
    let te = file
        .objections
        .iter_mut()
        .find(|o| o.slug == "too_expensive")
        .unwrap();
    te.slug = "pricey".into();
    te.label = "Bad timing".into();
    file.objections.retain(|o| o.slug != "not_interested");
    let nb = file
        .objections
        .iter_mut()
        .find(|o| o.slug == "no_budget")
        .unwrap();
    nb.label = "Not interested".into();
    let mut dst = target_db(&[]);
    let fp = fingerprint(dst.conn());
    let e = dst
        .write(|tx| import(tx, &playbook_to_json(&file).unwrap()))
        .unwrap_err();
    assert!(
        e.to_string().contains("has the label of another objection"),
        "{e}"
    );
    assert_eq!(fingerprint(dst.conn()), fp);
}

#[test]
fn files_on_disk_round_trip_and_bad_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let src = source_db();
    let path = dir.path().join("team.callblock-playbook.json");
    let s = export_playbook_to_path(src.conn(), &path, false).unwrap();
    assert_eq!((s.talk_tracks, s.objections, s.overrides), (2, 8, 1));
    assert!(!dir.path().join("team.callblock-playbook.json.tmp").exists());
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        ["team.callblock-playbook.json"],
        "nothing else is left"
    );
    let mut dst = target_db(&["Logistics", "Finance"]);
    let r = dst
        .write(|tx| import_playbook_file(tx, &path, &ImportOptions::default()))
        .unwrap();
    assert!(r.changed());
    assert_eq!(r.source, path.display().to_string());

    let fp = fingerprint(dst.conn());
    let binary = dir.path().join("photo.jpg");
    std::fs::write(&binary, [0xff, 0xd8, 0xff, 0xe0, 0x00]).unwrap();
    let e = import_playbook_file(dst.conn(), &binary, &ImportOptions::default()).unwrap_err();
    assert!(
        e.to_string()
            .contains("not a text file (byte 0 is not UTF-8)"),
        "{e}"
    );
    let big = dir.path().join("big.json");
    std::fs::write(&big, vec![b' '; (MAX_FILE_BYTES + 1) as usize]).unwrap();
    let e = import_playbook_file(dst.conn(), &big, &ImportOptions::default()).unwrap_err();
    assert!(e.to_string().contains("too large"), "{e}");
    let e = import_playbook_file(
        dst.conn(),
        &dir.path().join("nope.json"),
        &ImportOptions::default(),
    )
    .unwrap_err();
    assert_eq!(e.kind(), "io");
    let e = import_playbook_file(dst.conn(), dir.path(), &ImportOptions::default()).unwrap_err();
    assert!(e.to_string().contains("is a folder"), "{e}");
    assert_eq!(fingerprint(dst.conn()), fp);
}

#[test]
fn the_importing_rep_is_recorded_and_must_exist() {
    let src = source_db();
    let mut file = export_playbook(src.conn(), time::now()).unwrap();
    file.talk_tracks[0].sections.opener = "Morning {first_name}".into();
    let json = playbook_to_json(&file).unwrap();
    let mut dst = target_db(&[]);
    let rep = crate::reps::create_rep(dst.conn(), "Morgan", None, None).unwrap();
    let e = import_playbook(
        dst.conn(),
        &json,
        "t.json",
        &ImportOptions {
            dry_run: false,
            created_by: Some("ghost".into()),
        },
    )
    .unwrap_err();
    assert_eq!(e.kind(), "not_found");
    let opts = ImportOptions {
        dry_run: false,
        created_by: Some(rep.id.clone()),
    };
    dst.write(|tx| import_playbook(tx, &json, "t.json", &opts))
        .unwrap();
    let v = talk_track_versions(dst.conn(), None).unwrap();
    assert_eq!(v[0].created_by.as_deref(), Some(rep.id.as_str()));
}

#[test]
fn labels_and_texts_are_normalized_and_long_ones_refused_without_an_echo() {
    let src = source_db();
    let good = export_json(src.conn());
    let v: serde_json::Value = serde_json::from_str(&good).unwrap();
    let edit = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut v = v.clone();
        f(&mut v);
        serde_json::to_string_pretty(&v).unwrap()
    };
    // A 100k-character label: refused with its length, not echoed.
    let long = edit(&|v| v["objections"][0]["label"] = "L".repeat(100_000).into());
    let target = target_db(&[]);
    let before = fingerprint(target.conn());
    let e = import(target.conn(), &long).unwrap_err().to_string();
    assert!(e.contains("longer than 80 characters"), "{e}");
    assert!(e.len() < 1000, "the label is not echoed: {} bytes", e.len());
    let huge_format = edit(&|v| v["format"] = "F".repeat(100_000).into());
    let e = import(target.conn(), &huge_format).unwrap_err().to_string();
    assert!(e.len() < 500, "{} bytes", e.len());
    // The app version is only shown (in the report): one clean line, cut.
    let odd_version =
        edit(&|v| v["app_version"] = format!("\u{1b}[31m1.0\r\n{}", "9".repeat(100_000)).into());
    let dry = ImportOptions {
        dry_run: true,
        created_by: None,
    };
    let r = import_playbook(target.conn(), &odd_version, "team.json", &dry).unwrap();
    assert!(
        r.app_version.starts_with("[31m1.0 999"),
        "{:?}",
        r.app_version
    );
    assert_eq!(
        r.app_version.chars().count(),
        crate::text::APP_VERSION.max_chars
    );
    // A parser's message quotes the file's text: its control characters
    // (DEL, which JSON does not escape; an escape sequence in a wrong type)
    // are shown escaped, never raw.
    for odd in [
        edit(&|v| v["format"] = "\u{7f}\u{202e}x".into()),
        edit(&|v| v["talk_tracks"][0]["version"] = "\u{1b}[2J".into()),
    ] {
        let e = import(target.conn(), &odd).unwrap_err().to_string();
        assert!(
            !e.chars().any(|c| c.is_control() || c == '\u{202e}'),
            "{e:?}"
        );
    }
    assert_eq!(fingerprint(target.conn()), before);

    // CR/LF, a right-to-left override and a zero-width space in a label,
    // an escape sequence in a response: stored as clean text.
    let odd = edit(&|v| {
        v["objections"][0]["label"] = "\u{202E}Send me\r\nan e-mail\u{200B}".into();
        v["objections"][0]["response"] = "\u{1b}[2JHappy to.\r\nWhat should it cover?".into();
    });
    let parsed = parse_playbook(&odd, "team.json").unwrap();
    assert_eq!(parsed.file.objections[0].label, "Send me an e-mail");
    assert_eq!(
        parsed.file.objections[0].response,
        "[2JHappy to.\nWhat should it cover?"
    );
    import(target.conn(), &odd).unwrap();
    let label: String = target
        .conn()
        .query_row(
            "SELECT label FROM objections WHERE label LIKE 'Send me%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(label, "Send me an e-mail");
}
