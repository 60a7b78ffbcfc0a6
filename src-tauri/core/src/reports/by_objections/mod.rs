//! The method's own claim, measured (domain.md section 3): "By the third
//! [objection] the fate of the call is usually sealed; at times it takes a
//! fourth." The meeting rate of conversations by the number of objections
//! heard on them (0, 1, 2, 3, 4 or more), overall, per theme and per
//! talk-track version, each rate with the conversations behind it.
//!
//! No rollup keeps how many objections a call heard, so this reads the calls:
//! one pass over the selection's conversations (by `calls_outcome_started`,
//! or the filter's own index) counting each call's rows of `call_objections`
//! (by its `(call_id, position)` key). Every filter of the selection applies.
//! On the review bench's year of a million calls: about 25 ms for the last 30
//! days or one rep, 0.5 s for the whole year once the file is in the page
//! cache (seconds when it is not). A rollup keyed by (day, rep, theme,
//! version, objections heard) would bring the whole year to rollup speed; it
//! needs a schema step, so it is not here yet.

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use specta::Type;

use super::sql::{self, Params};
use super::{Rate, ReportFilter};
use crate::domain::{Outcome, Settings};
use crate::error::Result;
use crate::time;

/// The figure's table name (CSV export, `figure_table`).
pub const TABLE: &str = "meeting_rate_by_objections";

/// The buckets: 0, 1, 2, 3 objections, and 4 or more (`LAST`).
pub const LAST: u32 = 4;

/// The conversations that heard a number of objections.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ObjectionBucket {
    /// Objections heard: 0 to 3; 4 stands for four or more.
    pub objections: u32,
    /// `0`, `1`, `2`, `3`, `4+`.
    pub label: String,
    /// Conversations in the bucket: the sample size.
    pub calls: u32,
    /// Of those, the ones that booked a meeting.
    pub meetings: u32,
    /// meetings / calls
    pub meeting_rate: Rate,
}

/// Meeting rate by objections heard for one group of conversations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ObjectionCurve {
    pub label: String,
    /// Conversations in the group (every bucket together).
    pub calls: u32,
    pub meetings: u32,
    /// Always five, in order: 0, 1, 2, 3, 4+ (an empty one has 0 calls).
    pub buckets: Vec<ObjectionBucket>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ThemeCurve {
    /// `None`: calls made outside any theme.
    pub theme_id: Option<String>,
    #[serde(flatten)]
    pub curve: ObjectionCurve,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct VersionCurve {
    /// `None`: calls with no talk-track version recorded.
    pub version_id: Option<String>,
    pub track_name: String,
    /// The track's theme; `None` for the default track.
    pub theme_name: Option<String>,
    pub version: Option<u32>,
    /// `label` is `<track> v<version>`, as the Playbook tab names versions.
    #[serde(flatten)]
    pub curve: ObjectionCurve,
}

/// Meeting rate by objections heard: what `callblock report --by objections`
/// prints (`by_objections` in its JSON) and the Playbook tab draws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ByObjections {
    /// What the rates are out of: always `conversations`.
    pub denominator: String,
    pub overall: ObjectionCurve,
    /// By theme name; calls outside any theme last.
    pub by_theme: Vec<ThemeCurve>,
    /// By track name, then version; calls with no version recorded last.
    pub by_version: Vec<VersionCurve>,
    pub definitions: Vec<String>,
}

/// One row of the query: a (theme, version, bucket) cell and its names
/// (`""`: no theme, no version recorded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub theme_id: String,
    pub version_id: String,
    /// Objections heard (up to [`LAST`]).
    pub bucket: u32,
    /// Conversations, and those that booked a meeting.
    pub calls: u32,
    pub meetings: u32,
    pub theme_name: Option<String>,
    pub track_name: Option<String>,
    pub version: Option<u32>,
    pub track_theme: Option<String>,
}

pub fn by_objections(
    conn: &Connection,
    filter: &ReportFilter,
    settings: &Settings,
) -> Result<ByObjections> {
    let cells = cells(conn, filter, settings)?;
    Ok(by_objections_of(&cells, settings))
}

/// The report from its cells (one definition, whichever store counted
/// them: this copy, or a team store said in this copy's words).
pub fn by_objections_of(cells: &[Cell], settings: &Settings) -> ByObjections {
    let mut overall = Acc::default();
    let mut themes: BTreeMap<String, (Option<String>, Acc)> = BTreeMap::new();
    let mut versions: BTreeMap<String, (VersionName, Acc)> = BTreeMap::new();
    for c in cells {
        overall.add(c);
        themes
            .entry(c.theme_id.clone())
            .or_insert_with(|| (c.theme_name.clone(), Acc::default()))
            .1
            .add(c);
        versions
            .entry(c.version_id.clone())
            .or_insert_with(|| (VersionName::of(c), Acc::default()))
            .1
            .add(c);
    }
    ByObjections {
        denominator: "conversations".into(),
        overall: overall.curve("All conversations".into()),
        by_theme: theme_curves(themes),
        by_version: version_curves(versions),
        definitions: definitions(settings),
    }
}

/// The selection's conversations counted by theme, version and bucket.
fn cells(conn: &Connection, filter: &ReportFilter, settings: &Settings) -> Result<Vec<Cell>> {
    let mut p = Params::default();
    let mut w = vec![
        format!("c.outcome IN {}", Outcome::CONNECT_SQL),
        format!(
            "(c.duration_ms >= {} OR c.asked_for_meeting = 1 OR c.outcome = 'meeting')",
            u64::from(settings.conversation_seconds) * 1000
        ),
    ];
    if let Some(f) = filter.from {
        w.push(format!("c.started_at >= {}", p.bind(time::to_db(f))));
    }
    if let Some(t) = filter.to {
        w.push(format!("c.started_at < {}", p.bind(time::to_db(t))));
    }
    w.extend(sql::raw_conditions(filter, &mut p));
    let sql = format!(
        "SELECT g.t, g.v, g.b, g.n, g.m, th.name, tt.name, v.version, tth.name FROM (
            SELECT t, v, b, count(*) AS n, sum(m) AS m FROM (
                SELECT ifnull(c.theme_id, '') AS t, ifnull(c.talk_track_version_id, '') AS v,
                    (SELECT min(count(*), {LAST}) FROM call_objections co
                     WHERE co.call_id = c.id) AS b,
                    c.outcome = 'meeting' AS m
                FROM calls c WHERE {})
            GROUP BY 1, 2, 3) g
         LEFT JOIN themes th ON th.id = g.t
         LEFT JOIN talk_track_versions v ON v.id = g.v
         LEFT JOIN talk_tracks tt ON tt.id = v.talk_track_id
         LEFT JOIN themes tth ON tth.id = tt.theme_id",
        sql::and(&w)
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(p.as_params(), |r| {
        Ok(Cell {
            theme_id: r.get(0)?,
            version_id: r.get(1)?,
            bucket: r.get(2)?,
            calls: r.get(3)?,
            meetings: r.get(4)?,
            theme_name: r.get(5)?,
            track_name: r.get(6)?,
            version: r.get(7)?,
            track_theme: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Calls and meetings per bucket.
#[derive(Default)]
struct Acc {
    calls: [u32; LAST as usize + 1],
    meetings: [u32; LAST as usize + 1],
}

impl Acc {
    fn add(&mut self, c: &Cell) {
        let b = c.bucket.min(LAST) as usize;
        self.calls[b] += c.calls;
        self.meetings[b] += c.meetings;
    }

    fn curve(&self, label: String) -> ObjectionCurve {
        let buckets = (0..=LAST)
            .map(|n| {
                let (calls, meetings) = (self.calls[n as usize], self.meetings[n as usize]);
                ObjectionBucket {
                    objections: n,
                    label: bucket_label(n),
                    calls,
                    meetings,
                    meeting_rate: Rate::new(meetings, calls),
                }
            })
            .collect();
        ObjectionCurve {
            label,
            calls: self.calls.iter().sum(),
            meetings: self.meetings.iter().sum(),
            buckets,
        }
    }
}

/// `0` ... `3`, then `4+`.
pub fn bucket_label(n: u32) -> String {
    if n >= LAST {
        format!("{LAST}+")
    } else {
        n.to_string()
    }
}

struct VersionName {
    track_name: Option<String>,
    version: Option<u32>,
    theme_name: Option<String>,
}

impl VersionName {
    fn of(c: &Cell) -> VersionName {
        VersionName {
            track_name: c.track_name.clone(),
            version: c.version,
            theme_name: c.track_theme.clone(),
        }
    }
}

fn theme_curves(themes: BTreeMap<String, (Option<String>, Acc)>) -> Vec<ThemeCurve> {
    let mut out: Vec<ThemeCurve> = themes
        .into_iter()
        .map(|(id, (name, acc))| {
            let label = match (&name, id.is_empty()) {
                (Some(n), _) => n.clone(),
                (None, true) => "No theme".to_string(),
                (None, false) => id.clone(),
            };
            ThemeCurve {
                theme_id: (!id.is_empty()).then_some(id),
                curve: acc.curve(label),
            }
        })
        .collect();
    out.sort_by_cached_key(|t| (t.theme_id.is_none(), t.curve.label.to_lowercase()));
    out
}

fn version_curves(versions: BTreeMap<String, (VersionName, Acc)>) -> Vec<VersionCurve> {
    let mut out: Vec<VersionCurve> = versions
        .into_iter()
        .map(|(id, (name, acc))| {
            let track_name = match (&name.track_name, id.is_empty()) {
                (Some(n), _) => n.clone(),
                (None, true) => "No talk track recorded".to_string(),
                (None, false) => id.clone(),
            };
            let label = match name.version {
                Some(v) => format!("{track_name} v{v}"),
                None => track_name.clone(),
            };
            VersionCurve {
                version_id: (!id.is_empty()).then_some(id),
                track_name,
                theme_name: name.theme_name,
                version: name.version,
                curve: acc.curve(label),
            }
        })
        .collect();
    out.sort_by_cached_key(|v| {
        (
            v.version_id.is_none(),
            v.track_name.to_lowercase(),
            v.version,
        )
    });
    out
}

/// What the figure counts, and why out of conversations.
pub fn definitions(settings: &Settings) -> Vec<String> {
    vec![
        format!(
            "Meeting rate by objections heard: the conversations of the selection grouped by \
             how many objections were logged on the call (0, 1, 2, 3, 4 or more; each one \
             raised counts, the same objection twice counts twice), and for each group the \
             share that booked a meeting (meetings / conversations), with the conversations \
             behind it (n). A conversation is a connect that lasted at least {} s or reached \
             the appointment request.",
            settings.conversation_seconds
        ),
        "Out of conversations, not connects: objections come after the appointment request, \
         so only a conversation could have heard one; a connect cut short in the opener would \
         fill the 0 group with calls the claim is not about. Objections logged on a connect \
         that was not a conversation are left out with their call."
            .to_string(),
        "The method's claim: by the third objection the fate of the call is usually sealed, at \
         times by the fourth. Where it holds, the rate at 3 and at 4 or more stays low next to \
         0 to 2; a group of a few calls says little either way."
            .to_string(),
    ]
}

#[cfg(test)]
mod tests;

/// A (theme, version, objections heard) cell counted in a team store, in
/// the store's words (its version with the words that match it here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreCell {
    pub theme_name: Option<String>,
    /// `id` empty: no version recorded.
    pub version: super::playbook::StoreTrack,
    pub bucket: u32,
    pub calls: u32,
    pub meetings: u32,
}

/// A team store's cells in this copy's words: a theme is this copy's theme
/// of that name, a version this copy's own (by id, else by its words on the
/// theme's track), else the store's.
pub fn cells_of_store(conn: &Connection, store: &[StoreCell]) -> Result<Vec<Cell>> {
    let mut out = Vec::with_capacity(store.len());
    for c in store {
        let theme_id = match &c.theme_name {
            Some(name) => super::playbook::copy_theme(conn, Some(name))?.unwrap_or(name.clone()),
            None => String::new(),
        };
        let v = &c.version;
        let (version_id, track_name, version, track_theme) =
            match super::playbook::copy_version(conn, v)? {
                Some((id, name, theme, version, _, _)) => (id, name, version, theme),
                None => (
                    v.id.clone(),
                    v.track_name.clone(),
                    v.version,
                    v.theme_name.clone(),
                ),
            };
        out.push(Cell {
            theme_id,
            version_id,
            bucket: c.bucket,
            calls: c.calls,
            meetings: c.meetings,
            theme_name: c.theme_name.clone(),
            track_name,
            version,
            track_theme,
        });
    }
    Ok(out)
}
