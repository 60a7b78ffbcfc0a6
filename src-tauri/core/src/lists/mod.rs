//! Themes and their prospects: the call lists of domain.md section 1; the
//! Lists table a page at a time is `page`.

pub mod page;

pub use page::{
    prospects, prospects_at, ProspectKey, ProspectPage, ProspectQuery, ProspectRow, ProspectSeek,
};

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::domain::ThemeKind;
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

/// A theme with the counts the Lists view shows. `ready` counts prospects
/// callable now: due (never called, or a later attempt that has come due)
/// and inside their local calling hours (an unknown zone is allowed), as the
/// block's queue draws them; `due_outside_hours` the others due now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ThemeSummary {
    /// `None` for the row of prospects without a theme.
    pub id: Option<String>,
    pub name: String,
    pub kind: Option<ThemeKind>,
    pub prospects: u32,
    pub ready: u32,
    /// Due now, but outside their local calling hours ...
    pub due_outside_hours: u32,
    /// ... until the first of them enters them (UTC).
    pub next_window_at: Option<DateTime<Utc>>,
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

/// Due now (`?1` is now, as stored): never called, or a later attempt whose
/// time has come. With [`crate::queue::in_calling_hours`], what "Ready now"
/// counts.
pub const DUE_SQL: &str =
    "p.status = 'new' OR (p.status = 'attempting' AND p.next_attempt_at <= ?1)";

/// Every theme with its counts at `now`, then (if any) a row for prospects
/// without a theme. Counted by theme and time zone in one pass, so that each
/// zone's calling hours are looked at once.
pub fn theme_summaries(conn: &Connection, now: DateTime<Utc>) -> Result<Vec<ThemeSummary>> {
    let settings = crate::settings::load(conn)?;
    let at = time::to_db(now);
    // A lead a manager withdrew from the team's lists is no one's to call:
    // neither ready, waiting nor a callback due here.
    let nw = crate::team::lists::not_withdrawn_sql(conn)?;
    let counts = format!(
        "count(p.id),
            count(*) FILTER (WHERE ({DUE_SQL}) AND {nw}),
            count(*) FILTER (WHERE ((p.status = 'attempting' AND p.next_attempt_at > ?1)
                OR (p.status = 'callback' AND p.callback_at > ?1)) AND {nw}),
            count(*) FILTER (WHERE p.status = 'callback' AND p.callback_at <= ?1 AND {nw}),
            count(*) FILTER (WHERE p.status = 'meeting'),
            count(*) FILTER (WHERE p.status = 'not_interested'),
            count(*) FILTER (WHERE p.status = 'exhausted'),
            count(*) FILTER (WHERE p.status = 'do_not_call'),
            count(*) FILTER (WHERE p.status = 'bad_number')"
    );
    let mut stmt = conn.prepare(&format!(
        "SELECT * FROM (
         SELECT t.id AS id, t.name AS name, t.kind, p.time_zone, {counts}
         FROM themes t LEFT JOIN prospects p ON p.theme_id = t.id
         WHERE t.archived_at IS NULL
         GROUP BY t.id, p.time_zone
         UNION ALL
         SELECT NULL, 'No theme', NULL, p.time_zone, {counts}
         FROM prospects p WHERE p.theme_id IS NULL
         GROUP BY p.time_zone)
         ORDER BY id IS NULL, name COLLATE NOCASE, id"
    ))?;
    let rows = stmt.query_map([&at], |r| {
        let n = |i: usize| r.get::<_, u32>(i);
        Ok((
            ThemeSummary {
                id: r.get(0)?,
                name: r.get(1)?,
                kind: r.get(2)?,
                prospects: n(4)?,
                ready: n(5)?,
                due_outside_hours: 0,
                next_window_at: None,
                waiting: n(6)?,
                callbacks_due: n(7)?,
                meetings: n(8)?,
                not_interested: n(9)?,
                exhausted: n(10)?,
                do_not_call: n(11)?,
                bad_number: n(12)?,
            },
            r.get::<_, Option<String>>(3)?,
        ))
    })?;
    let mut out: Vec<ThemeSummary> = Vec::new();
    for row in rows {
        let (mut part, zone) = row?;
        // Due now, but outside this zone's calling hours (as `queue::in_calling_hours`).
        if let Some(tz) = zone.as_deref().and_then(time::parse_tz) {
            if let Err(start) = crate::queue::window(tz, now, &settings) {
                part.due_outside_hours = part.ready;
                part.ready = 0;
                if part.due_outside_hours > 0 {
                    part.next_window_at = Some(start);
                }
            }
        }
        match out.last_mut() {
            Some(t) if t.id == part.id && t.name == part.name => {
                t.prospects += part.prospects;
                t.ready += part.ready;
                t.due_outside_hours += part.due_outside_hours;
                t.next_window_at = match (t.next_window_at, part.next_window_at) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                t.waiting += part.waiting;
                t.callbacks_due += part.callbacks_due;
                t.meetings += part.meetings;
                t.not_interested += part.not_interested;
                t.exhausted += part.exhausted;
                t.do_not_call += part.do_not_call;
                t.bad_number += part.bad_number;
            }
            _ => out.push(part),
        }
    }
    Ok(out)
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
        assert_eq!((s.due_outside_hours, s.next_window_at), (0, None));
        // The prospects table's "Ready now" shows exactly those it counts.
        let ready = |now| {
            let q = ProspectQuery {
                theme_id: Some(t.id.clone()),
                ready: true,
                ..Default::default()
            };
            let page = prospects_at(c, &q, now).unwrap();
            let mut names: Vec<String> = page.rows.into_iter().map(|r| r.name).collect();
            names.sort();
            (page.total, names)
        };
        assert_eq!(
            ready(now),
            (2, vec!["P0 Doe".to_string(), "P1 Doe".to_string()])
        );

        // Ready is callable now: a prospect due in Tokyo (Saturday, midnight
        // there) waits for Monday's calling hours; Chicago (9:00) is called.
        c.execute(
            "UPDATE prospects SET time_zone = ?1 WHERE id = ?2",
            params!["America/Chicago", ids[0]],
        )
        .unwrap();
        c.execute(
            "UPDATE prospects SET time_zone = ?1 WHERE id = ?2",
            params!["Asia/Tokyo", ids[1]],
        )
        .unwrap();
        let s = theme_summaries(c, now).unwrap();
        let s = &s[0];
        assert_eq!((s.prospects, s.ready, s.due_outside_hours), (7, 1, 1));
        let start = crate::domain::Settings::default().calling_hour_start;
        let monday_in_tokyo = chrono_tz::Asia::Tokyo
            .with_ymd_and_hms(2026, 11, 23, start, 0, 0)
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(s.next_window_at, Some(monday_in_tokyo));
        assert_eq!((s.waiting, s.callbacks_due), (2, 1), "the rest as before");
        assert_eq!(ready(now), (1, vec!["P0 Doe".to_string()]));
        // With the search box's text too. An hour later the attempt set for
        // then is due as well; Tokyo still waits (the weekend there).
        let q = ProspectQuery {
            theme_id: Some(t.id.clone()),
            ready: true,
            search: Some("P1".into()),
            ..Default::default()
        };
        assert_eq!(prospects_at(c, &q, now).unwrap().total, 0);
        assert_eq!(
            ready(now + Duration::hours(1)),
            (2, vec!["P0 Doe".to_string(), "P2 Doe".to_string()])
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
}
