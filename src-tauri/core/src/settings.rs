//! Settings in the store: one row per field of [`Settings`], the value as JSON,
//! so that a later version can add a field without a migration (missing keys
//! take their default).

use rusqlite::{params, Connection};

use crate::domain::Settings;
use crate::error::{Error, Result};

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

pub fn save(conn: &Connection, settings: &Settings) -> Result<()> {
    settings.validate()?;
    let value =
        serde_json::to_value(settings).map_err(|e| Error::invalid("settings", e.to_string()))?;
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
}
