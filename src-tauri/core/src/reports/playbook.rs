//! The playbook under review (domain.md section 6): how often each objection
//! is heard, for each response the share of the calls where it was used that
//! ended in a meeting, and the talk-track versions compared on
//! connect-to-meeting rate, each figure with the number of calls behind it.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use specta::Type;

use super::funnel::funnel_with;
use super::rollup::{self, BY_TRACK, OBJECTIONS, RESPONSES};
use super::sql::Params;
use super::{Rate, ReportFilter};
use crate::domain::Settings;
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ObjectionStat {
    pub objection_id: String,
    pub slug: String,
    pub label: String,
    /// Times raised (twice in one call counts twice).
    pub times: u32,
    /// Calls on which it was raised.
    pub calls: u32,
    /// calls / connects of the selection
    pub share_of_connects: Rate,
    /// Of those calls, the ones that booked a meeting.
    pub meetings: u32,
    /// meetings / calls
    pub meeting_rate: Rate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ResponseStat {
    /// `None`: the objection was logged without a response.
    pub response_id: Option<String>,
    pub objection_id: Option<String>,
    pub objection_label: String,
    /// The theme of an override; `None` for the library's response.
    pub theme_name: Option<String>,
    pub version: Option<u32>,
    pub response: String,
    pub times: u32,
    /// Calls on which it was used.
    pub calls: u32,
    /// Of those calls, the ones that booked a meeting.
    pub meetings: u32,
    /// meetings / calls
    pub meeting_rate: Rate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct TalkTrackStat {
    /// `None`: calls with no talk-track version recorded.
    pub version_id: Option<String>,
    pub track_name: String,
    pub theme_name: Option<String>,
    pub version: Option<u32>,
    pub change_note: String,
    pub created_at: Option<String>,
    pub dials: u32,
    pub connects: u32,
    pub conversations: u32,
    pub meetings: u32,
    /// connects / dials
    pub connect_rate: Rate,
    /// meetings / connects: the figure versions are compared on.
    pub connect_to_meeting: Rate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct PlaybookReport {
    /// Connects in the selection (the denominator of how often an objection
    /// is heard).
    pub connects: u32,
    /// Most heard first.
    pub objections: Vec<ObjectionStat>,
    /// By objection (library order), then most used first.
    pub responses: Vec<ResponseStat>,
    /// By track, then version.
    pub talk_tracks: Vec<TalkTrackStat>,
    pub definitions: Vec<String>,
}

pub fn playbook(
    conn: &Connection,
    filter: &ReportFilter,
    settings: &Settings,
) -> Result<PlaybookReport> {
    let fresh = rollup::ensure_fresh(conn, settings);
    playbook_with(conn, filter, settings, fresh)
}

pub(crate) fn playbook_with(
    conn: &Connection,
    filter: &ReportFilter,
    settings: &Settings,
    fresh: bool,
) -> Result<PlaybookReport> {
    let connects = funnel_with(conn, filter, settings, fresh)?.connects;
    Ok(PlaybookReport {
        connects,
        objections: objection_stats(conn, filter, settings, fresh, connects)?,
        responses: response_stats(conn, filter, settings, fresh)?,
        talk_tracks: talk_track_stats(conn, filter, settings, fresh)?,
        definitions: definitions(settings),
    })
}

/// Objections heard, most first, against the `connects` of the selection.
fn objection_stats(
    conn: &Connection,
    filter: &ReportFilter,
    settings: &Settings,
    fresh: bool,
    connects: u32,
) -> Result<Vec<ObjectionStat>> {
    let mut p = Params::default();
    let src = rollup::source(&OBJECTIONS, filter, settings, fresh, &mut p);
    let sql = format!(
        "SELECT g.k, ifnull(o.slug, ''), ifnull(o.label, g.k), g.t, g.c, g.m FROM (
            SELECT item_id AS k, sum(times) AS t, sum(calls) AS c, sum(meetings) AS m
            FROM ({src}) s GROUP BY 1) g
         LEFT JOIN objections o ON o.id = g.k
         ORDER BY g.t DESC, o.position, 3, g.k"
    );
    let mut stmt = conn.prepare(&sql)?;
    let objections = stmt
        .query_map(p.as_params(), |r| {
            let calls: u32 = r.get(4)?;
            let meetings: u32 = r.get(5)?;
            Ok(ObjectionStat {
                objection_id: r.get(0)?,
                slug: r.get(1)?,
                label: r.get(2)?,
                times: r.get(3)?,
                calls,
                share_of_connects: Rate::new(calls, connects),
                meetings,
                meeting_rate: Rate::new(meetings, calls),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(objections)
}

/// Responses used, by objection (library order), then most used first.
fn response_stats(
    conn: &Connection,
    filter: &ReportFilter,
    settings: &Settings,
    fresh: bool,
) -> Result<Vec<ResponseStat>> {
    let mut p = Params::default();
    let src = rollup::source(&RESPONSES, filter, settings, fresh, &mut p);
    let sql = format!(
        "SELECT g.k, x.objection_id, ifnull(o.label, 'No response recorded'), t.name, x.version,
            ifnull(x.response, ''), g.t, g.c, g.m FROM (
            SELECT item_id AS k, sum(times) AS t, sum(calls) AS c, sum(meetings) AS m
            FROM ({src}) s GROUP BY 1) g
         LEFT JOIN objection_responses x ON x.id = g.k
         LEFT JOIN objections o ON o.id = x.objection_id
         LEFT JOIN themes t ON t.id = x.theme_id
         ORDER BY g.k = '', o.position, g.c DESC, x.version, g.k"
    );
    let mut stmt = conn.prepare(&sql)?;
    let responses = stmt
        .query_map(p.as_params(), |r| {
            let id: String = r.get(0)?;
            let calls: u32 = r.get(7)?;
            let meetings: u32 = r.get(8)?;
            Ok(ResponseStat {
                response_id: (!id.is_empty()).then_some(id),
                objection_id: r.get(1)?,
                objection_label: r.get(2)?,
                theme_name: r.get(3)?,
                version: r.get(4)?,
                response: r.get(5)?,
                times: r.get(6)?,
                calls,
                meetings,
                meeting_rate: Rate::new(meetings, calls),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(responses)
}

/// Talk-track versions by track, then version.
fn talk_track_stats(
    conn: &Connection,
    filter: &ReportFilter,
    settings: &Settings,
    fresh: bool,
) -> Result<Vec<TalkTrackStat>> {
    let mut p = Params::default();
    let src = rollup::source(&BY_TRACK, filter, settings, fresh, &mut p);
    let sql = format!(
        "SELECT g.k, ifnull(tt.name, CASE g.k WHEN '' THEN 'No talk track recorded' ELSE g.k END),
            th.name, v.version, ifnull(v.change_note, ''), v.created_at, g.d, g.c, g.v, g.m FROM (
            SELECT track_version_id AS k, sum(dials) AS d, sum(connects) AS c,
                sum(conversations) AS v, sum(meetings) AS m
            FROM ({src}) s GROUP BY 1) g
         LEFT JOIN talk_track_versions v ON v.id = g.k
         LEFT JOIN talk_tracks tt ON tt.id = v.talk_track_id
         LEFT JOIN themes th ON th.id = tt.theme_id
         ORDER BY g.k = '', 2 COLLATE NOCASE, v.version, g.k"
    );
    let mut stmt = conn.prepare(&sql)?;
    let talk_tracks = stmt
        .query_map(p.as_params(), |r| {
            let id: String = r.get(0)?;
            let dials: u32 = r.get(6)?;
            let connects: u32 = r.get(7)?;
            let meetings: u32 = r.get(9)?;
            Ok(TalkTrackStat {
                version_id: (!id.is_empty()).then_some(id),
                track_name: r.get(1)?,
                theme_name: r.get(2)?,
                version: r.get(3)?,
                change_note: r.get(4)?,
                created_at: r.get(5)?,
                dials,
                connects,
                conversations: r.get(8)?,
                meetings,
                connect_rate: Rate::new(connects, dials),
                connect_to_meeting: Rate::new(meetings, connects),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(talk_tracks)
}

/// An objection raised, counted in a team store: its id and words there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreObjection {
    pub id: String,
    pub slug: Option<String>,
    pub label: Option<String>,
    pub times: u32,
    pub calls: u32,
    pub meetings: u32,
}

/// A response used (`id` empty: none recorded), counted in a team store,
/// with its words, objection and theme there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreResponse {
    pub id: String,
    pub objection_id: Option<String>,
    pub objection_slug: Option<String>,
    pub objection_label: Option<String>,
    pub theme_name: Option<String>,
    pub version: Option<u32>,
    pub response: Option<String>,
    pub times: u32,
    pub calls: u32,
    pub meetings: u32,
}

/// A talk-track version's funnel (`id` empty: none recorded), counted in a
/// team store, with its track, theme and texts there.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StoreTrack {
    pub id: String,
    pub track_name: Option<String>,
    pub theme_name: Option<String>,
    pub version: Option<u32>,
    pub change_note: Option<String>,
    pub created_at: Option<String>,
    /// opener, engage statement, impact question, appointment request,
    /// voicemail script, referral, agenda line.
    pub texts: Option<[String; 7]>,
    pub dials: u32,
    pub connects: u32,
    pub conversations: u32,
    pub meetings: u32,
}

fn optional<T>(r: rusqlite::Result<T>) -> Result<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(rusqlite::Error::QueryReturnedNoRows) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// This copy's objection for a store's: by id, else by slug (as a bundle's
/// import matches them): (id, slug, label, position).
pub(crate) fn copy_objection(
    conn: &Connection,
    id: &str,
    slug: Option<&str>,
) -> Result<Option<(String, String, String, i64)>> {
    let read = |r: &rusqlite::Row| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?));
    let q = "SELECT id, slug, label, position FROM objections";
    if let Some(o) = optional(conn.query_row(&format!("{q} WHERE id = ?1"), [id], read))? {
        return Ok(Some(o));
    }
    match slug {
        Some(slug) => optional(conn.query_row(&format!("{q} WHERE slug = ?1"), [slug], read)),
        None => Ok(None),
    }
}

pub(crate) fn copy_theme(conn: &Connection, name: Option<&str>) -> Result<Option<String>> {
    match name {
        Some(n) => {
            optional(conn.query_row("SELECT id FROM themes WHERE name = ?1", [n], |r| r.get(0)))
        }
        None => Ok(None),
    }
}

/// This copy's talk-track version for a store's: by id, else the version
/// with the same words on the track of the same theme (as a bundle's
/// import matches them): (id, track name, theme name, version, change
/// note, created at).
#[allow(clippy::type_complexity)]
pub(crate) fn copy_version(
    conn: &Connection,
    t: &StoreTrack,
) -> Result<
    Option<(
        String,
        Option<String>,
        Option<String>,
        Option<u32>,
        Option<String>,
        Option<String>,
    )>,
> {
    if t.id.is_empty() {
        return Ok(None);
    }
    let read = |x: &rusqlite::Row| {
        Ok((
            x.get::<_, String>(0)?,
            x.get::<_, Option<String>>(1)?,
            x.get::<_, Option<String>>(2)?,
            x.get::<_, Option<u32>>(3)?,
            x.get::<_, Option<String>>(4)?,
            x.get::<_, Option<String>>(5)?,
        ))
    };
    let q = "SELECT v.id, tt.name, th.name, v.version, v.change_note, v.created_at
             FROM talk_track_versions v
             LEFT JOIN talk_tracks tt ON tt.id = v.talk_track_id
             LEFT JOIN themes th ON th.id = tt.theme_id";
    if let Some(x) = optional(conn.query_row(&format!("{q} WHERE v.id = ?1"), [&t.id], read))? {
        return Ok(Some(x));
    }
    let Some(texts) = &t.texts else {
        return Ok(None);
    };
    let theme = copy_theme(conn, t.theme_name.as_deref())?;
    optional(conn.query_row(
        &format!(
            "{q} WHERE v.talk_track_id = (SELECT id FROM talk_tracks WHERE theme_id IS ?1 LIMIT 1)
               AND v.opener = ?2 AND v.engage_statement = ?3 AND v.impact_question = ?4
               AND v.appointment_request = ?5 AND v.voicemail_script = ?6
               AND v.referral = ?7 AND v.agenda_line = ?8
             ORDER BY v.version LIMIT 1"
        ),
        rusqlite::params![
            theme, texts[0], texts[1], texts[2], texts[3], texts[4], texts[5], texts[6]
        ],
        read,
    ))
}

/// A group of the report, as the copy's own report keys and orders it.
struct Group<S> {
    key: String,
    stat: S,
    order: (bool, Option<i64>, Option<u32>, String),
}

/// The playbook report of a team store's counts, in this copy's words:
/// each objection, response and talk-track version the store names is
/// this copy's own when the copy has it (by id, else as a bundle's import
/// matches it: an objection by slug, a response by its objection, theme
/// and words, a version by its track's theme and words), with this copy's
/// labels and order; one the copy does not have keeps the store's words.
/// `connects`: the selection's, the denominator of how often an objection
/// is heard.
pub fn playbook_of_store(
    conn: &Connection,
    connects: u32,
    objections: &[StoreObjection],
    responses: &[StoreResponse],
    tracks: &[StoreTrack],
    settings: &Settings,
) -> Result<PlaybookReport> {
    // Objections: most heard first, then the library's order, label, id.
    let mut by_id: Vec<Group<ObjectionStat>> = Vec::new();
    for o in objections {
        let (id, slug, label, position) = match copy_objection(conn, &o.id, o.slug.as_deref())? {
            Some((id, slug, label, position)) => (id, slug, label, Some(position)),
            None => (
                o.id.clone(),
                o.slug.clone().unwrap_or_default(),
                o.label.clone().unwrap_or_else(|| o.id.clone()),
                None,
            ),
        };
        match by_id.iter_mut().find(|g| g.key == id) {
            Some(g) => {
                g.stat.times += o.times;
                g.stat.calls += o.calls;
                g.stat.meetings += o.meetings;
            }
            None => by_id.push(Group {
                key: id.clone(),
                order: (false, position, None, label.clone()),
                stat: ObjectionStat {
                    objection_id: id,
                    slug,
                    label,
                    times: o.times,
                    calls: o.calls,
                    share_of_connects: Rate::new(0, 0),
                    meetings: o.meetings,
                    meeting_rate: Rate::new(0, 0),
                },
            }),
        }
    }
    by_id.sort_by(|a, b| {
        b.stat
            .times
            .cmp(&a.stat.times)
            .then_with(|| a.order.1.cmp(&b.order.1))
            .then_with(|| a.order.3.cmp(&b.order.3))
            .then_with(|| a.key.cmp(&b.key))
    });
    let objection_stats = by_id
        .into_iter()
        .map(|g| {
            let mut s = g.stat;
            s.share_of_connects = Rate::new(s.calls, connects);
            s.meeting_rate = Rate::new(s.meetings, s.calls);
            s
        })
        .collect();

    // Responses: by objection (the library's order), most used first.
    let mut rs: Vec<Group<ResponseStat>> = Vec::new();
    for r in responses {
        let here = if r.id.is_empty() {
            None
        } else {
            let read = |x: &rusqlite::Row| {
                Ok((
                    x.get::<_, String>(0)?,
                    x.get::<_, Option<String>>(1)?,
                    x.get::<_, Option<String>>(2)?,
                    x.get::<_, Option<String>>(3)?,
                    x.get::<_, Option<u32>>(4)?,
                    x.get::<_, Option<String>>(5)?,
                    x.get::<_, Option<i64>>(6)?,
                ))
            };
            let q =
                "SELECT x.id, x.objection_id, o.label, t.name, x.version, x.response, o.position
                     FROM objection_responses x
                     LEFT JOIN objections o ON o.id = x.objection_id
                     LEFT JOIN themes t ON t.id = x.theme_id";
            match optional(conn.query_row(&format!("{q} WHERE x.id = ?1"), [&r.id], read))? {
                Some(x) => Some(x),
                None => {
                    let objection = match &r.objection_id {
                        Some(oid) => copy_objection(conn, oid, r.objection_slug.as_deref())?,
                        None => None,
                    };
                    let theme = copy_theme(conn, r.theme_name.as_deref())?;
                    match (objection, &r.response) {
                        (Some((oid, ..)), Some(words)) => optional(conn.query_row(
                            &format!(
                                "{q} WHERE x.objection_id = ?1 AND x.theme_id IS ?2 AND x.response = ?3
                                 ORDER BY x.version LIMIT 1"
                            ),
                            rusqlite::params![oid, theme, words],
                            read,
                        ))?,
                        _ => None,
                    }
                }
            }
        };
        let (key, objection_id, label, theme, version, words, position) = match here {
            Some((id, oid, label, theme, version, words, position)) => (
                id,
                oid,
                label.unwrap_or_else(|| "No response recorded".into()),
                theme,
                version,
                words.unwrap_or_default(),
                position,
            ),
            None if r.id.is_empty() => (
                String::new(),
                None,
                "No response recorded".to_string(),
                None,
                None,
                String::new(),
                None,
            ),
            None => {
                let objection = match &r.objection_id {
                    Some(oid) => copy_objection(conn, oid, r.objection_slug.as_deref())?,
                    None => None,
                };
                let (oid, label, position) = match objection {
                    Some((id, _, label, position)) => (Some(id), label, Some(position)),
                    None => (
                        r.objection_id.clone(),
                        r.objection_label
                            .clone()
                            .unwrap_or_else(|| "No response recorded".into()),
                        None,
                    ),
                };
                (
                    r.id.clone(),
                    oid,
                    label,
                    r.theme_name.clone(),
                    r.version,
                    r.response.clone().unwrap_or_default(),
                    position,
                )
            }
        };
        match rs.iter_mut().find(|g| g.key == key) {
            Some(g) => {
                g.stat.times += r.times;
                g.stat.calls += r.calls;
                g.stat.meetings += r.meetings;
            }
            None => rs.push(Group {
                order: (key.is_empty(), position, version, String::new()),
                stat: ResponseStat {
                    response_id: (!key.is_empty()).then(|| key.clone()),
                    objection_id,
                    objection_label: label,
                    theme_name: theme,
                    version,
                    response: words,
                    times: r.times,
                    calls: r.calls,
                    meetings: r.meetings,
                    meeting_rate: Rate::new(0, 0),
                },
                key,
            }),
        }
    }
    rs.sort_by(|a, b| {
        a.order
            .0
            .cmp(&b.order.0)
            .then_with(|| a.order.1.cmp(&b.order.1))
            .then_with(|| b.stat.calls.cmp(&a.stat.calls))
            .then_with(|| a.order.2.cmp(&b.order.2))
            .then_with(|| a.key.cmp(&b.key))
    });
    let response_stats = rs
        .into_iter()
        .map(|g| {
            let mut s = g.stat;
            s.meeting_rate = Rate::new(s.meetings, s.calls);
            s
        })
        .collect();

    // Talk-track versions: by track (as NOCASE compares), then version.
    let mut ts: Vec<Group<TalkTrackStat>> = Vec::new();
    for t in tracks {
        let here = copy_version(conn, t)?;
        let (key, name, theme, version, note, created) = match here {
            Some((id, name, theme, version, note, created)) => {
                let name = name.unwrap_or_else(|| id.clone());
                (id, name, theme, version, note.unwrap_or_default(), created)
            }
            None if t.id.is_empty() => (
                String::new(),
                "No talk track recorded".to_string(),
                None,
                None,
                String::new(),
                None,
            ),
            None => (
                t.id.clone(),
                t.track_name.clone().unwrap_or_else(|| t.id.clone()),
                t.theme_name.clone(),
                t.version,
                t.change_note.clone().unwrap_or_default(),
                t.created_at.clone(),
            ),
        };
        match ts.iter_mut().find(|g| g.key == key) {
            Some(g) => {
                g.stat.dials += t.dials;
                g.stat.connects += t.connects;
                g.stat.conversations += t.conversations;
                g.stat.meetings += t.meetings;
            }
            None => ts.push(Group {
                order: (key.is_empty(), None, version, name.to_ascii_lowercase()),
                stat: TalkTrackStat {
                    version_id: (!key.is_empty()).then(|| key.clone()),
                    track_name: name,
                    theme_name: theme,
                    version,
                    change_note: note,
                    created_at: created,
                    dials: t.dials,
                    connects: t.connects,
                    conversations: t.conversations,
                    meetings: t.meetings,
                    connect_rate: Rate::new(0, 0),
                    connect_to_meeting: Rate::new(0, 0),
                },
                key,
            }),
        }
    }
    ts.sort_by(|a, b| {
        a.order
            .0
            .cmp(&b.order.0)
            .then_with(|| a.order.3.cmp(&b.order.3))
            .then_with(|| a.order.2.cmp(&b.order.2))
            .then_with(|| a.key.cmp(&b.key))
    });
    let talk_tracks = ts
        .into_iter()
        .map(|g| {
            let mut s = g.stat;
            s.connect_rate = Rate::new(s.connects, s.dials);
            s.connect_to_meeting = Rate::new(s.meetings, s.connects);
            s
        })
        .collect();
    Ok(PlaybookReport {
        connects,
        objections: objection_stats,
        responses: response_stats,
        talk_tracks,
        definitions: definitions(settings),
    })
}

fn definitions(settings: &Settings) -> Vec<String> {
    let mut defs = super::definitions(settings);
    defs.push(
        "Objection heard: the calls on which it was raised, out of the connects of the selection. \
         Response: the calls on which it was used, and how many of them booked a meeting."
            .into(),
    );
    defs.push(
        "Talk-track versions are compared on meetings / connects; the counts show how many calls \
         each figure stands on."
            .into(),
    );
    defs
}
