//! Playbooks (domain.md section 6): a versioned talk track per theme and an
//! objection library shared across themes, with per-theme overrides. A new
//! database gets the default playbook below, written for Callblock.

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::{Error, Result};
use crate::time;

/// The sections of a talk track, in the order of a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct TalkTrackSections {
    pub opener: String,
    pub engage_statement: String,
    pub impact_question: String,
    pub appointment_request: String,
    pub voicemail_script: String,
    /// A third-party referral for voicemails (a customer in the same vertical or city).
    pub referral: String,
    /// What to say to questions after a "yes".
    pub agenda_line: String,
}

/// One saved version of a talk track.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct TalkTrackVersion {
    pub id: String,
    pub talk_track_id: String,
    pub name: String,
    /// The theme this track is written for; `None` for the default track.
    pub theme_id: Option<String>,
    pub version: u32,
    pub sections: TalkTrackSections,
    pub change_note: String,
    pub created_at: String,
}

/// An objection with the response that applies to a theme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ObjectionWithResponse {
    pub objection_id: String,
    pub slug: String,
    pub label: String,
    pub hotkey: Option<String>,
    pub response_id: String,
    pub response: String,
    pub response_version: u32,
    /// True when the theme has its own response instead of the library's.
    pub overridden: bool,
}

/// The playbook as a theme sees it: its talk track (or the default) and the
/// objection library with the theme's overrides applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Playbook {
    pub talk_track: Option<TalkTrackVersion>,
    pub objections: Vec<ObjectionWithResponse>,
}

pub fn default_talk_track() -> TalkTrackSections {
    TalkTrackSections {
        opener: "Hi {first_name}, it's {rep_name}. I know I'm calling out of the blue, so I'll be brief.".into(),
        engage_statement: "Teams like yours at {company} tell us the biggest drain on their week is work that \
            should run itself. We help them win those hours back, usually within the first quarter and \
            without adding headcount."
            .into(),
        impact_question: "How much of your team's week goes to that today, and what would it mean for you to \
            have that time back?"
            .into(),
        appointment_request: "Then it's worth a closer look. Let's put 20 minutes on the calendar to see \
            whether the numbers work for {company}. Is Tuesday or Thursday better for you?"
            .into(),
        voicemail_script: "Hi {first_name}, it's {rep_name}. {referral} I have one idea on how {company} could \
            win back hours every week. I'll try you again in a couple of days; if it's easier, call me back \
            on this number."
            .into(),
        referral: String::new(),
        agenda_line: "That's a great question; let's make it the first item on our agenda.".into(),
    }
}

/// The objections reps hear most, each with a short response that aims at the
/// meeting, not the sale: (slug, label, hotkey, response).
pub const DEFAULT_OBJECTIONS: &[(&str, &str, &str, &str)] = &[
    (
        "not_interested",
        "Not interested",
        "n",
        "Fair enough; most people say that before they have seen what it does, which is why I'm \
         only asking for 20 minutes, not a decision. If it isn't a fit, you'll know fast. Would \
         Thursday morning work?",
    ),
    (
        "send_information",
        "Send me information",
        "i",
        "Happy to. So that I send what matters to you and not a brochure, let's take 15 minutes \
         where I walk you through it. How is Wednesday at 10?",
    ),
    (
        "have_provider",
        "We already have a provider",
        "p",
        "Most of the teams we work with did too when we first spoke. The meeting isn't about \
         replacing anyone; it's a benchmark of what you have against what your peers get. Worth \
         20 minutes to know where you stand?",
    ),
    (
        "no_budget",
        "No budget",
        "b",
        "Understood, and I'm not asking for any today. The meeting is to find out whether there \
         is a case worth budgeting for at all. If there isn't, you've spent 20 minutes. Tuesday \
         or Thursday?",
    ),
    (
        "call_later",
        "Call me later",
        "l",
        "Glad to. So I don't interrupt you again, let's put a time in both our calendars now. \
         Later this week, or early next?",
    ),
    (
        "how_number",
        "How did you get my number?",
        "h",
        "Fair question: it's listed as your business contact in the directory we use to reach \
         people in your role. I called you because of the results we've had with companies like \
         {company}. May I show you in 20 minutes next week?",
    ),
    (
        "busy_now",
        "I'm busy right now",
        "t",
        "Then I'll be quick: I'm calling to find a better time for a short meeting, not to take \
         yours now. Tomorrow morning or Thursday afternoon?",
    ),
];

fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Insert the default talk track and objection library. Called once, in the
/// transaction that creates a new database.
pub fn seed_default(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let now = time::to_db(time::now());
    let track_id = new_id();
    tx.execute(
        "INSERT INTO talk_tracks (id, theme_id, name, created_at) VALUES (?1, NULL, ?2, ?3)",
        params![track_id, "Default talk track", now],
    )?;
    insert_version(
        tx,
        &track_id,
        1,
        &default_talk_track(),
        "The default talk track that ships with Callblock",
        &now,
    )?;
    for (i, (slug, label, hotkey, response)) in DEFAULT_OBJECTIONS.iter().enumerate() {
        let oid = new_id();
        tx.execute(
            "INSERT INTO objections (id, slug, label, hotkey, position, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![oid, slug, label, hotkey, i as i64, now],
        )?;
        tx.execute(
            "INSERT INTO objection_responses (id, objection_id, theme_id, version, response, created_at)
             VALUES (?1, ?2, NULL, 1, ?3, ?4)",
            params![new_id(), oid, response, now],
        )?;
    }
    Ok(())
}

fn insert_version(
    conn: &Connection,
    track_id: &str,
    version: i64,
    s: &TalkTrackSections,
    note: &str,
    now: &str,
) -> rusqlite::Result<String> {
    let id = new_id();
    conn.execute(
        "INSERT INTO talk_track_versions
           (id, talk_track_id, version, opener, engage_statement, impact_question,
            appointment_request, voicemail_script, referral, agenda_line, change_note, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
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
            now
        ],
    )?;
    Ok(id)
}

/// Give `theme_id` its own talk track (a copy of `sections`), or save a new
/// version of the one it has. Returns the new version.
pub fn save_talk_track(
    conn: &Connection,
    theme_id: Option<&str>,
    name: &str,
    sections: &TalkTrackSections,
    change_note: &str,
) -> Result<TalkTrackVersion> {
    let now = time::to_db(time::now());
    let existing: Option<String> = match theme_id {
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
    };
    let track_id = match existing {
        Some(id) => id,
        None => {
            let id = new_id();
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
    let id = insert_version(conn, &track_id, next, sections, change_note, &now)?;
    version_by_id(conn, &id)?.ok_or(Error::NotFound {
        what: "talk track version",
        id,
    })
}

const VERSION_COLUMNS: &str = "v.id, v.talk_track_id, t.name, t.theme_id, v.version, v.opener,
    v.engage_statement, v.impact_question, v.appointment_request, v.voicemail_script,
    v.referral, v.agenda_line, v.change_note, v.created_at";

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
        created_at: r.get(13)?,
    })
}

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

/// The objection library as `theme_id` sees it: for each objection, the
/// newest response of the theme's override if there is one, else of the library.
pub fn objections_for(
    conn: &Connection,
    theme_id: Option<&str>,
) -> Result<Vec<ObjectionWithResponse>> {
    let mut stmt = conn.prepare(
        "SELECT o.id, o.slug, o.label, o.hotkey, r.id, r.response, r.version, r.theme_id IS NOT NULL
         FROM objections o
         JOIN objection_responses r ON r.id = (
             SELECT r2.id FROM objection_responses r2
             WHERE r2.objection_id = o.id AND (r2.theme_id = ?1 OR r2.theme_id IS NULL)
             ORDER BY (r2.theme_id IS NULL), r2.version DESC LIMIT 1)
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

pub fn playbook_for(conn: &Connection, theme_id: Option<&str>) -> Result<Playbook> {
    Ok(Playbook {
        talk_track: current_talk_track(conn, theme_id)?,
        objections: objections_for(conn, theme_id)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn a_new_database_has_the_default_playbook() {
        let store = Store::open_in_memory().unwrap();
        let pb = playbook_for(store.conn(), None).unwrap();
        let track = pb.talk_track.expect("default track");
        assert_eq!(track.version, 1);
        assert_eq!(track.theme_id, None);
        assert_eq!(track.sections, default_talk_track());
        let slugs: Vec<_> = pb.objections.iter().map(|o| o.slug.as_str()).collect();
        assert_eq!(
            slugs,
            DEFAULT_OBJECTIONS.iter().map(|o| o.0).collect::<Vec<_>>()
        );
        assert!(pb
            .objections
            .iter()
            .all(|o| !o.overridden && o.response_version == 1));
        // Hotkeys are distinct.
        let mut keys: Vec<_> = pb
            .objections
            .iter()
            .filter_map(|o| o.hotkey.clone())
            .collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), DEFAULT_OBJECTIONS.len());
    }

    #[test]
    fn a_theme_track_takes_precedence_and_versions_count_up() {
        let store = Store::open_in_memory().unwrap();
        let c = store.conn();
        c.execute(
            "INSERT INTO themes (id, name, kind, created_at) VALUES ('t1', 'Logistics', 'vertical', 'x')",
            [],
        )
        .unwrap();
        let mut s = default_talk_track();
        s.engage_statement = "Shippers like {company} ...".into();
        let v1 = save_talk_track(c, Some("t1"), "Logistics", &s, "first").unwrap();
        assert_eq!(v1.version, 1);
        s.engage_statement = "Carriers like {company} ...".into();
        let v2 = save_talk_track(c, Some("t1"), "Logistics", &s, "second").unwrap();
        assert_eq!(v2.version, 2);
        let cur = current_talk_track(c, Some("t1")).unwrap().unwrap();
        assert_eq!(cur.id, v2.id);
        // Another theme still gets the default track.
        let other = current_talk_track(c, Some("nope")).unwrap().unwrap();
        assert_eq!(other.theme_id, None);
    }
}
