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
         ORDER BY g.t DESC, o.position, 3"
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
         ORDER BY g.k = '', o.position, g.c DESC, x.version"
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
         ORDER BY g.k = '', 2 COLLATE NOCASE, v.version"
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
