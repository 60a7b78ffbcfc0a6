//! Settings in the store: one row per field of [`Settings`], the value as JSON,
//! so that a later version can add a field without a migration (missing keys
//! take their default).

use rusqlite::{params, Connection};

use crate::domain::{Outcome, Settings};
use crate::error::{quoted, Error, Result};

pub fn load(conn: &Connection) -> Result<Settings> {
    let mut map = serde_json::Map::new();
    let mut stmt = conn.prepare("SELECT key, value FROM settings")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (k, v) = row?;
        if k.starts_with("app.") {
            continue;
        }
        let value = serde_json::from_str(&v).map_err(|e| {
            Error::invalid(
                format!("setting {k}"),
                format!("stored value is not JSON ({e})"),
            )
        })?;
        map.insert(k, value);
    }
    serde_json::from_value(serde_json::Value::Object(map))
        .map_err(|e| Error::invalid("settings", e.to_string()))
}

/// Save the settings: normalized (see [`Settings::normalized`]), checked
/// together, and the outcomes' keys checked against the active objections'
/// hotkeys of this database (so call it inside the transaction that writes).
pub fn save(conn: &Connection, settings: &Settings) -> Result<()> {
    settings.validate()?;
    let settings = settings.normalized()?;
    check_outcome_keys_free(conn, &settings)?;
    let value =
        serde_json::to_value(&settings).map_err(|e| Error::invalid("settings", e.to_string()))?;
    if let serde_json::Value::Object(map) = value {
        for (k, v) in map {
            conn.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![k, v.to_string()],
            )?;
        }
    }
    Ok(())
}

/// Refuse outcome keys that an active objection uses as its hotkey.
pub fn check_outcome_keys_free(conn: &Connection, settings: &Settings) -> Result<()> {
    use rusqlite::OptionalExtension;
    let mut stmt = conn.prepare(
        "SELECT label FROM objections WHERE hotkey = ?1 AND archived_at IS NULL
         ORDER BY position LIMIT 1",
    )?;
    for o in Outcome::ALL.iter().copied() {
        let key = settings.outcome_key(o);
        let owner: Option<String> = stmt.query_row([key], |r| r.get(0)).optional()?;
        if let Some(label) = owner {
            return Err(Error::Conflict(format!(
                "the key {key} is already the hotkey of the objection {}; choose another key \
                 for {}, or change the objection's hotkey in the Playbook first",
                quoted(&label),
                quoted(settings.outcome_label(o))
            )));
        }
    }
    Ok(())
}

/// The outcome whose key is `key` in this database's settings, if any: an
/// objection's hotkey may not be one of them.
pub fn outcome_with_key(conn: &Connection, key: &str) -> Result<Option<(Outcome, String)>> {
    let s = load(conn)?;
    Ok(s.outcome_for_key(key)
        .map(|o| (o, s.outcome_label(o).to_string())))
}

/// App-level values that are not user settings (the current rep, ...), kept
/// under keys starting with `app.`.
pub fn get_app_value(conn: &Connection, key: &str) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row(
            "SELECT value FROM settings WHERE key = ?1",
            [format!("app.{key}")],
            |r| r.get(0),
        )
        .optional()?)
}

pub fn set_app_value(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![format!("app.{key}"), value],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn defaults_until_saved_then_round_trip() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(load(store.conn()).unwrap(), Settings::default());
        let s = Settings {
            block_minutes: 45,
            max_attempts: 4,
            ..Settings::default()
        };
        save(store.conn(), &s).unwrap();
        assert_eq!(load(store.conn()).unwrap(), s);
        set_app_value(store.conn(), "current_rep", "r1").unwrap();
        assert_eq!(load(store.conn()).unwrap(), s);
        assert_eq!(
            get_app_value(store.conn(), "current_rep")
                .unwrap()
                .as_deref(),
            Some("r1")
        );
    }

    #[test]
    fn invalid_settings_are_refused_and_nothing_is_written() {
        let store = Store::open_in_memory().unwrap();
        let bad = Settings {
            calling_hour_start: 18,
            ..Settings::default()
        };
        assert!(save(store.conn(), &bad).is_err());
        assert_eq!(load(store.conn()).unwrap(), Settings::default());
    }

    #[test]
    fn an_older_database_without_the_outcome_keys_reads_the_defaults() {
        let store = Store::open_in_memory().unwrap();
        // What an older version wrote: its fields, none for the outcomes.
        store
            .conn()
            .execute_batch(
                "DELETE FROM settings WHERE key NOT LIKE 'app.%';
                 INSERT INTO settings (key, value) VALUES ('block_minutes', '45');",
            )
            .unwrap();
        let s = load(store.conn()).unwrap();
        assert_eq!(s.block_minutes, 45);
        assert_eq!(s.outcome_labels, crate::domain::default_outcome_labels());
        assert_eq!(s.outcome_keys, crate::domain::default_outcome_keys());
        // A stored map naming only some outcomes: the others keep theirs.
        store
            .conn()
            .execute(
                "INSERT INTO settings (key, value) VALUES ('outcome_labels', '{\"meeting\":\"Demo set\"}')",
                [],
            )
            .unwrap();
        let s = load(store.conn()).unwrap();
        assert_eq!(s.outcome_label(Outcome::Meeting), "Demo set");
        assert_eq!(s.outcome_label(Outcome::Callback), "Callback requested");
    }

    #[test]
    fn outcome_keys_are_saved_normalized_and_never_an_objections_hotkey() {
        let store = Store::open_in_memory().unwrap();
        let c = store.conn();
        let mut s = Settings::default();
        s.outcome_labels
            .insert(Outcome::Meeting, " Demo set ".to_string());
        s.outcome_keys.insert(Outcome::Meeting, "D".to_string());
        save(c, &s).unwrap();
        let back = load(c).unwrap();
        assert_eq!(back.outcome_label(Outcome::Meeting), "Demo set");
        assert_eq!(back.outcome_key(Outcome::Meeting), "d");
        // "n" is the hotkey of the default objection "Not interested".
        s.outcome_keys
            .insert(Outcome::NotInterested, "N".to_string());
        let e = save(c, &s).unwrap_err();
        assert_eq!(e.kind(), "conflict");
        assert_eq!(
            e.to_string(),
            "the key n is already the hotkey of the objection \"Not interested\"; choose another \
             key for \"Not interested\", or change the objection's hotkey in the Playbook first"
        );
        assert_eq!(load(c).unwrap(), back, "nothing written");
        // Once the objection is archived, its key is free for an outcome.
        let id: String = c
            .query_row("SELECT id FROM objections WHERE hotkey = 'n'", [], |r| {
                r.get(0)
            })
            .unwrap();
        crate::playbook::objections::archive_objection(c, &id).unwrap();
        save(c, &s).unwrap();
        assert_eq!(
            load(c).unwrap().outcome_for_key("n"),
            Some(Outcome::NotInterested)
        );
        // And then the objection cannot come back on it, nor another take it.
        let e = crate::playbook::objections::restore_objection(c, &id).unwrap_err();
        assert_eq!(e.kind(), "conflict");
        let e = crate::playbook::objections::create_objection(
            c,
            "Send me an email",
            Some("d"),
            "Sure?",
            None,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "the key d is already the key of the outcome \"Demo set\"; choose another key, or \
             change the outcome's key in Settings first"
        );
        let o = crate::playbook::objections::create_objection(
            c,
            "Send me an email",
            Some("q"),
            "Sure?",
            None,
        )
        .unwrap();
        let e =
            crate::playbook::objections::update_objection(c, &o.id, "Send me an email", Some("D"))
                .unwrap_err();
        assert_eq!(e.kind(), "conflict");
        assert!(e.to_string().contains("outcome \"Demo set\""), "{e}");
        // An outcome key on that objection's key: refused, naming it.
        s.outcome_keys.insert(Outcome::Voicemail, "q".to_string());
        let e = save(c, &s).unwrap_err().to_string();
        assert!(
            e.starts_with("the key q is already the hotkey of the objection \"Send me an email\""),
            "{e}"
        );
    }
}
