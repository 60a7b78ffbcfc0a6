//! Themes and their prospects: the call lists of domain.md section 1.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::domain::{ProspectStatus, ThemeKind};
use crate::error::{Error, Result};
use crate::text;
use crate::time;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Theme {
    pub id: String,
    pub name: String,
    pub kind: ThemeKind,
    pub description: String,
}

/// A theme with the counts the Lists view shows. `ready` counts prospects due
/// now (never called, or a later attempt that has come due); local calling
/// hours are applied when the block draws its queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ThemeSummary {
    /// `None` for the row of prospects without a theme.
    pub id: Option<String>,
    pub name: String,
    pub kind: Option<ThemeKind>,
    pub prospects: u32,
    pub ready: u32,
    pub waiting: u32,
    pub callbacks_due: u32,
    pub meetings: u32,
    pub not_interested: u32,
    pub exhausted: u32,
    pub do_not_call: u32,
    pub bad_number: u32,
}

pub fn create_theme(
    conn: &Connection,
    name: &str,
    kind: ThemeKind,
    description: &str,
) -> Result<Theme> {
    let name = text::required(text::THEME_NAME, name)?;
    let name = name.as_str();
    let description = text::check(text::THEME_DESCRIPTION, description)?;
    let description = description.as_str();
    let exists: Option<String> = conn
        .query_row("SELECT name FROM themes WHERE name = ?1", [name], |r| {
            r.get(0)
        })
        .optional()?;
    if let Some(existing) = exists {
        return Err(Error::Conflict(format!(
            "a theme named {existing:?} already exists"
        )));
    }
    let theme = Theme {
        id: crate::ids::new_id(),
        name: name.to_string(),
        kind,
        description: description.to_string(),
    };
    conn.execute(
        "INSERT INTO themes (id, name, kind, description, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            theme.id,
            theme.name,
            theme.kind,
            theme.description,
            time::to_db(time::now())
        ],
    )?;
    Ok(theme)
}

pub fn themes(conn: &Connection) -> Result<Vec<Theme>> {
    let mut stmt = conn.prepare(
        "SELECT id, name, kind, description FROM themes WHERE archived_at IS NULL ORDER BY name",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Theme {
            id: r.get(0)?,
            name: r.get(1)?,
            kind: r.get(2)?,
            description: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every theme with its counts at `now`, then (if any) a row for prospects
/// without a theme.
pub fn theme_summaries(conn: &Connection, now: DateTime<Utc>) -> Result<Vec<ThemeSummary>> {
    let now = time::to_db(now);
    let mut stmt = conn.prepare(
        "SELECT * FROM (
         SELECT t.id AS id, t.name AS name, t.kind,
            count(p.id),
            count(*) FILTER (WHERE p.status = 'new'
                OR (p.status = 'attempting' AND p.next_attempt_at <= ?1)),
            count(*) FILTER (WHERE (p.status = 'attempting' AND p.next_attempt_at > ?1)
                OR (p.status = 'callback' AND p.callback_at > ?1)),
            count(*) FILTER (WHERE p.status = 'callback' AND p.callback_at <= ?1),
            count(*) FILTER (WHERE p.status = 'meeting'),
            count(*) FILTER (WHERE p.status = 'not_interested'),
            count(*) FILTER (WHERE p.status = 'exhausted'),
            count(*) FILTER (WHERE p.status = 'do_not_call'),
            count(*) FILTER (WHERE p.status = 'bad_number')
         FROM themes t LEFT JOIN prospects p ON p.theme_id = t.id
         WHERE t.archived_at IS NULL
         GROUP BY t.id
         UNION ALL
         SELECT NULL, 'No theme', NULL,
            count(p.id),
            count(*) FILTER (WHERE p.status = 'new'
                OR (p.status = 'attempting' AND p.next_attempt_at <= ?1)),
            count(*) FILTER (WHERE (p.status = 'attempting' AND p.next_attempt_at > ?1)
                OR (p.status = 'callback' AND p.callback_at > ?1)),
            count(*) FILTER (WHERE p.status = 'callback' AND p.callback_at <= ?1),
            count(*) FILTER (WHERE p.status = 'meeting'),
            count(*) FILTER (WHERE p.status = 'not_interested'),
            count(*) FILTER (WHERE p.status = 'exhausted'),
            count(*) FILTER (WHERE p.status = 'do_not_call'),
            count(*) FILTER (WHERE p.status = 'bad_number')
         FROM prospects p WHERE p.theme_id IS NULL
         HAVING count(p.id) > 0)
         ORDER BY id IS NULL, name COLLATE NOCASE",
    )?;
    let rows = stmt.query_map([&now], |r| {
        Ok(ThemeSummary {
            id: r.get(0)?,
            name: r.get(1)?,
            kind: r.get(2)?,
            prospects: r.get(3)?,
            ready: r.get(4)?,
            waiting: r.get(5)?,
            callbacks_due: r.get(6)?,
            meetings: r.get(7)?,
            not_interested: r.get(8)?,
            exhausted: r.get(9)?,
            do_not_call: r.get(10)?,
            bad_number: r.get(11)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A new prospect, as an import or the demo produces it.
#[derive(Debug, Clone, Default)]
pub struct NewProspect {
    pub theme_id: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub title: String,
    pub company: String,
    pub email: Option<String>,
    pub city: String,
    pub region: String,
    pub country: String,
    pub time_zone: Option<String>,
    pub industry: String,
    pub employees: String,
    /// (kind, E.164 if parsed, extension, raw text), in dialling order.
    pub phones: Vec<NewPhone>,
    pub source_file: Option<String>,
    pub crm_id: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct NewPhone {
    pub kind: String,
    pub e164: Option<String>,
    pub extension: Option<String>,
    pub raw: String,
}

/// Write a new prospect and its numbers. One with a number or e-mail on the
/// do-not-call list is stored as do-not-call (see [`crate::suppress`]).
pub fn insert_prospect(conn: &Connection, p: &NewProspect, at: DateTime<Utc>) -> Result<String> {
    let id = crate::ids::new_id();
    let now = time::to_db(at);
    conn.execute(
        "INSERT INTO prospects (id, theme_id, first_name, last_name, title, company, email, city,
            region, country, time_zone, industry, employees, source_file, crm_id, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16)",
        params![
            id,
            p.theme_id,
            p.first_name,
            p.last_name,
            p.title,
            p.company,
            p.email,
            p.city,
            p.region,
            p.country,
            p.time_zone,
            p.industry,
            p.employees,
            p.source_file,
            p.crm_id,
            now
        ],
    )?;
    for (i, ph) in p.phones.iter().enumerate() {
        conn.execute(
            "INSERT INTO prospect_phones (prospect_id, position, kind, e164, extension, raw)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![id, i as i64, ph.kind, ph.e164, ph.extension, ph.raw],
        )?;
    }
    crate::suppress::check_written(conn, &id, crate::suppress::Source::Manual, &now)?;
    Ok(id)
}

/// One prospect as the Lists table shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ProspectRow {
    pub id: String,
    pub name: String,
    pub title: String,
    pub company: String,
    /// The first number to dial, E.164 when known, else the raw text.
    pub phone: String,
    pub location: String,
    /// IANA time zone; `None` when unknown.
    pub time_zone: Option<String>,
    pub status: ProspectStatus,
    pub attempts: u32,
    pub next_attempt_at: Option<String>,
    pub callback_at: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ProspectQuery {
    /// A theme id; `None` for prospects without a theme.
    pub theme_id: Option<String>,
    /// Matches name, company, title, e-mail or phone (case-insensitive).
    pub search: Option<String>,
    pub status: Option<ProspectStatus>,
    pub offset: u32,
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ProspectPage {
    pub total: u32,
    pub rows: Vec<ProspectRow>,
}

fn like_pattern(s: &str) -> String {
    let escaped = s
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

pub fn prospects(conn: &Connection, q: &ProspectQuery) -> Result<ProspectPage> {
    let limit = q.limit.clamp(1, 1000);
    let search = q
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(like_pattern);
    let filter = "(p.theme_id = ?1 OR (?1 IS NULL AND p.theme_id IS NULL))
        AND (?2 IS NULL OR p.status = ?2)
        AND (?3 IS NULL
             OR (p.first_name || ' ' || p.last_name) LIKE ?3 ESCAPE '\\'
             OR p.company LIKE ?3 ESCAPE '\\' OR p.title LIKE ?3 ESCAPE '\\'
             OR ifnull(p.email, '') LIKE ?3 ESCAPE '\\'
             OR EXISTS (SELECT 1 FROM prospect_phones ph WHERE ph.prospect_id = p.id
                        AND (ifnull(ph.e164, '') LIKE ?3 ESCAPE '\\' OR ph.raw LIKE ?3 ESCAPE '\\')))";
    let total: u32 = conn.query_row(
        &format!("SELECT count(*) FROM prospects p WHERE {filter}"),
        params![q.theme_id, q.status, search],
        |r| r.get(0),
    )?;
    let mut stmt = conn.prepare(&format!(
        "SELECT p.id, trim(p.first_name || ' ' || p.last_name), p.title, p.company,
            ifnull((SELECT ifnull(ph.e164, ph.raw) || ifnull(' x' || ph.extension, '')
                    FROM prospect_phones ph WHERE ph.prospect_id = p.id AND ph.bad = 0
                    ORDER BY ph.position LIMIT 1), ''),
            trim(p.city || CASE WHEN p.city <> '' AND p.region <> '' THEN ', ' ELSE '' END || p.region
                 || CASE WHEN p.country <> '' AND (p.city <> '' OR p.region <> '') THEN ', ' ELSE '' END
                 || p.country),
            p.time_zone, p.status, p.attempts, p.next_attempt_at, p.callback_at
         FROM prospects p WHERE {filter}
         ORDER BY p.last_name COLLATE NOCASE, p.first_name COLLATE NOCASE, p.id
         LIMIT ?4 OFFSET ?5"
    ))?;
    let rows = stmt.query_map(
        params![q.theme_id, q.status, search, limit, q.offset],
        |r| {
            Ok(ProspectRow {
                id: r.get(0)?,
                name: r.get(1)?,
                title: r.get(2)?,
                company: r.get(3)?,
                phone: r.get(4)?,
                location: r.get(5)?,
                time_zone: r.get(6)?,
                status: r.get(7)?,
                attempts: r.get(8)?,
                next_attempt_at: r.get(9)?,
                callback_at: r.get(10)?,
            })
        },
    )?;
    Ok(ProspectPage {
        total,
        rows: rows.collect::<rusqlite::Result<_>>()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use chrono::{Duration, TimeZone};

    fn prospect(theme: &str, first: &str, company: &str) -> NewProspect {
        NewProspect {
            theme_id: Some(theme.to_string()),
            first_name: first.into(),
            last_name: "Doe".into(),
            company: company.into(),
            phones: vec![NewPhone {
                kind: "direct".into(),
                e164: Some("+13125550142".into()),
                extension: Some("12".into()),
                raw: "(312) 555-0142 x12".into(),
            }],
            ..NewProspect::default()
        }
    }

    #[test]
    fn summaries_count_each_status_against_now() {
        let store = Store::open_in_memory().unwrap();
        let c = store.conn();
        let now = Utc.with_ymd_and_hms(2026, 11, 20, 15, 0, 0).unwrap();
        let t = create_theme(c, "Logistics", ThemeKind::Vertical, "").unwrap();
        let ids: Vec<String> = (0..7)
            .map(|i| insert_prospect(c, &prospect(&t.id, &format!("P{i}"), "Acme"), now).unwrap())
            .collect();
        let set = |id: &str, sql: &str, v: Option<String>| {
            c.execute(
                &format!("UPDATE prospects SET {sql} WHERE id = ?2"),
                params![v, id],
            )
            .unwrap();
        };
        let past = Some(time::to_db(now - Duration::hours(1)));
        let future = Some(time::to_db(now + Duration::hours(1)));
        set(
            &ids[1],
            "status = 'attempting', next_attempt_at = ?1",
            past.clone(),
        );
        set(
            &ids[2],
            "status = 'attempting', next_attempt_at = ?1",
            future.clone(),
        );
        set(&ids[3], "status = 'callback', callback_at = ?1", past);
        set(&ids[4], "status = 'callback', callback_at = ?1", future);
        set(&ids[5], "status = 'meeting', callback_at = ?1", None);
        set(
            &ids[6],
            "status = 'do_not_call', do_not_call = 1, callback_at = ?1",
            None,
        );
        let s = theme_summaries(c, now).unwrap();
        assert_eq!(s.len(), 1);
        let s = &s[0];
        assert_eq!(
            (
                s.prospects,
                s.ready,
                s.waiting,
                s.callbacks_due,
                s.meetings,
                s.do_not_call
            ),
            (7, 2, 2, 1, 1, 1)
        );
    }

    #[test]
    fn theme_names_are_unique_regardless_of_case() {
        let store = Store::open_in_memory().unwrap();
        create_theme(store.conn(), "Texas", ThemeKind::Geography, "").unwrap();
        let e = create_theme(store.conn(), "texas", ThemeKind::Geography, "").unwrap_err();
        assert!(e.to_string().contains("already exists"), "{e}");
        assert!(create_theme(store.conn(), "  ", ThemeKind::Custom, "").is_err());
    }

    #[test]
    fn prospect_search_matches_names_companies_and_phones_literally() {
        let store = Store::open_in_memory().unwrap();
        let c = store.conn();
        let now = Utc::now();
        let t = create_theme(c, "Logistics", ThemeKind::Vertical, "").unwrap();
        insert_prospect(c, &prospect(&t.id, "Ann", "Northwind 100%"), now).unwrap();
        insert_prospect(c, &prospect(&t.id, "Bob", "Contoso"), now).unwrap();
        let q = |s: &str| {
            prospects(
                c,
                &ProspectQuery {
                    theme_id: Some(t.id.clone()),
                    search: Some(s.into()),
                    limit: 50,
                    ..ProspectQuery::default()
                },
            )
            .unwrap()
        };
        assert_eq!(q("ann").total, 1);
        assert_eq!(q("contoso").rows[0].name, "Bob Doe");
        assert_eq!(q("100%").total, 1);
        assert_eq!(q("%").total, 1, "% is matched literally");
        assert_eq!(q("555014").total, 2);
        assert_eq!(q("").total, 2);
        assert_eq!(q("ann").rows[0].phone, "+13125550142 x12");
    }
}
