//! The funnel (domain.md section 5): dials, connects, conversations and
//! meetings over a selection of calls, in total and grouped by rep, theme,
//! day, week, the prospect's local hour or weekday, or outcome, with the
//! definitions printed beside the figures wherever they are shown.

use chrono::{Datelike, NaiveDate};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use specta::Type;

use super::by_objections::{by_objections, ByObjections};
use super::rollup::{self, BY_HOUR, BY_OUTCOME};
use super::sql::Params;
use super::{Rate, ReportFilter};
use crate::domain::{Outcome, Settings};
use crate::error::{Error, Result};
use crate::time;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Funnel {
    pub dials: u32,
    pub connects: u32,
    pub conversations: u32,
    pub meetings: u32,
    /// Seconds on the phone.
    pub talk_seconds: u32,
    /// Calls longer than the outer limit (3:00 by default).
    pub calls_past_limit: u32,
}

/// The rates between the steps of a funnel, each with its counts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Type)]
pub struct FunnelRates {
    /// connects / dials
    pub connect_rate: Rate,
    /// conversations / connects
    pub conversation_rate: Rate,
    /// meetings / conversations
    pub meeting_rate: Rate,
    /// meetings / connects
    pub connect_to_meeting: Rate,
    /// meetings / dials
    pub dial_to_meeting: Rate,
    /// calls past the outer limit / dials
    pub past_limit: Rate,
}

impl Funnel {
    pub fn rates(&self) -> FunnelRates {
        FunnelRates {
            connect_rate: Rate::new(self.connects, self.dials),
            conversation_rate: Rate::new(self.conversations, self.connects),
            meeting_rate: Rate::new(self.meetings, self.conversations),
            connect_to_meeting: Rate::new(self.meetings, self.connects),
            dial_to_meeting: Rate::new(self.meetings, self.dials),
            past_limit: Rate::new(self.calls_past_limit, self.dials),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct FunnelGroup {
    /// The group's key: a rep or theme id (`""`: no theme), a date
    /// (YYYY-MM-DD, UTC), a week's Monday, an hour `"09"`, a weekday `"0"`
    /// (Monday), an outcome; `"unknown"` for calls whose prospect's time zone
    /// is not known.
    pub key: String,
    pub label: String,
    pub funnel: Funnel,
    pub rates: FunnelRates,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    Rep,
    Theme,
    Day,
    /// Weeks starting on Monday (UTC).
    Week,
    /// The prospect's local hour of day.
    Hour,
    /// The prospect's local weekday.
    Weekday,
    Outcome,
}

impl GroupBy {
    pub const ALL: &'static [GroupBy] = &[
        GroupBy::Rep,
        GroupBy::Theme,
        GroupBy::Day,
        GroupBy::Week,
        GroupBy::Hour,
        GroupBy::Weekday,
        GroupBy::Outcome,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Rep => "rep",
            GroupBy::Theme => "theme",
            GroupBy::Day => "day",
            GroupBy::Week => "week",
            GroupBy::Hour => "hour",
            GroupBy::Weekday => "weekday",
            GroupBy::Outcome => "outcome",
        }
    }

    /// `rep`, `theme`, `day`, `week`, `hour`, `weekday` or `outcome`.
    pub fn parse(s: &str) -> Result<GroupBy> {
        let t = s.trim().to_ascii_lowercase();
        GroupBy::ALL
            .iter()
            .copied()
            .find(|g| g.as_str() == t)
            .ok_or_else(|| {
                Error::invalid(
                    "--by",
                    format!(
                        "{} is not a grouping; use one of: {}",
                        crate::quote::quoted(s),
                        GroupBy::ALL
                            .iter()
                            .map(|g| g.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })
    }
}

/// What `callblock report --by` groups by: a grouping of the funnel, or the
/// meeting rate by objections heard ([`super::by_objections`]). Written as
/// its name in JSON (`"rep"`, `"objections"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(untagged)]
pub enum ReportBy {
    Funnel(GroupBy),
    Objections(ObjectionsHeard),
}

/// The name of the grouping by objections heard: `"objections"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ObjectionsHeard {
    Objections,
}

impl ReportBy {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportBy::Funnel(g) => g.as_str(),
            ReportBy::Objections(_) => "objections",
        }
    }

    /// A funnel grouping (`rep`, `theme`, ...) or `objections`.
    pub fn parse(s: &str) -> Result<ReportBy> {
        if s.trim().eq_ignore_ascii_case("objections") {
            return Ok(ReportBy::Objections(ObjectionsHeard::Objections));
        }
        GroupBy::parse(s).map(ReportBy::Funnel).map_err(|_| {
            Error::invalid(
                "--by",
                format!(
                    "{} is not a grouping; use one of: {}, objections",
                    crate::quote::quoted(s),
                    GroupBy::ALL
                        .iter()
                        .map(|g| g.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })
    }

    /// The funnel grouping, if this is one.
    pub fn grouping(self) -> Option<GroupBy> {
        match self {
            ReportBy::Funnel(g) => Some(g),
            ReportBy::Objections(_) => None,
        }
    }
}

/// The definitions behind the figures, stated on every report.
pub fn definitions(settings: &Settings) -> Vec<String> {
    vec![
        "Dial: every completed call (a call in progress is not counted).".to_string(),
        "Connect: a call on which the prospect was reached (not interested, callback requested, \
         meeting booked, do not call)."
            .to_string(),
        format!(
            "Conversation: a connect with at least {} s of talk or on which the rep asked for the \
             meeting (the appointment request).",
            settings.conversation_seconds
        ),
        "Talk time: from the moment the rep marked the answer (\"Connected\") to the outcome; the \
         ringing before it is kept apart, and so is the time spent filling the outcome form. A \
         connect whose answer was not marked counts whole."
            .to_string(),
        "Meeting: a call that ended with a meeting booked.".to_string(),
        format!(
            "Past the limit: a call with more than {} of talk (the outer limit).",
            super::mmss(settings.phase_limit)
        ),
        "Rates are shown with their counts (meetings / connects ...): a rate over a few calls \
         says little."
            .to_string(),
    ]
}

const SUMS: &str = "ifnull(sum(dials), 0), ifnull(sum(connects), 0), ifnull(sum(conversations), 0),
    ifnull(sum(meetings), 0), ifnull(sum(talk_ms), 0) / 1000, ifnull(sum(past_limit), 0)";

/// The funnel's columns over completed calls aliased `c` (dials, connects,
/// conversations, meetings, seconds on the phone, calls past the limit), read
/// back with [`funnel_from`]: for selections the rollups do not keep (a block).
pub(crate) fn funnel_columns(settings: &Settings) -> String {
    let c = crate::domain::Outcome::CONNECT_SQL;
    format!(
        "count(*),
         count(*) FILTER (WHERE c.outcome IN {c}),
         count(*) FILTER (WHERE c.outcome IN {c}
             AND (c.duration_ms >= {conv} OR c.asked_for_meeting = 1 OR c.outcome = 'meeting')),
         count(*) FILTER (WHERE c.outcome = 'meeting'),
         ifnull(sum(c.duration_ms), 0) / 1000,
         count(*) FILTER (WHERE c.duration_ms > {limit})",
        conv = u64::from(settings.conversation_seconds) * 1000,
        limit = u64::from(settings.phase_limit) * 1000,
    )
}

pub(crate) fn funnel_from(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Funnel> {
    Ok(Funnel {
        dials: r.get(at)?,
        connects: r.get(at + 1)?,
        conversations: r.get(at + 2)?,
        meetings: r.get(at + 3)?,
        talk_seconds: r.get(at + 4)?,
        calls_past_limit: r.get(at + 5)?,
    })
}

pub fn funnel(conn: &Connection, filter: &ReportFilter, settings: &Settings) -> Result<Funnel> {
    let fresh = rollup::ensure_fresh(conn, settings);
    funnel_with(conn, filter, settings, fresh)
}

pub(crate) fn funnel_with(
    conn: &Connection,
    filter: &ReportFilter,
    settings: &Settings,
    fresh: bool,
) -> Result<Funnel> {
    let mut p = Params::default();
    let src = rollup::source(&BY_OUTCOME, filter, settings, fresh, &mut p);
    let sql = format!("SELECT {SUMS} FROM ({src}) s");
    Ok(conn.query_row(&sql, p.as_params(), |r| funnel_from(r, 0))?)
}

pub fn funnel_by(
    conn: &Connection,
    filter: &ReportFilter,
    by: GroupBy,
    settings: &Settings,
) -> Result<Vec<FunnelGroup>> {
    let fresh = rollup::ensure_fresh(conn, settings);
    funnel_by_with(conn, filter, by, settings, fresh)
}

pub(crate) fn funnel_by_with(
    conn: &Connection,
    filter: &ReportFilter,
    by: GroupBy,
    settings: &Settings,
    fresh: bool,
) -> Result<Vec<FunnelGroup>> {
    if by == GroupBy::Week {
        let days = funnel_by_with(conn, filter, GroupBy::Day, settings, fresh)?;
        return Ok(weeks_of(&days));
    }
    let mut p = Params::default();
    let (cube, key) = match by {
        GroupBy::Rep => (&BY_OUTCOME, "rep_id"),
        GroupBy::Theme => (&BY_OUTCOME, "theme_id"),
        GroupBy::Day => (&BY_OUTCOME, "day"),
        GroupBy::Week => (&BY_OUTCOME, "day"), // folded into weeks above
        GroupBy::Outcome => (&BY_OUTCOME, "outcome"),
        GroupBy::Hour => (&BY_HOUR, "local_hour"),
        GroupBy::Weekday => (&BY_HOUR, "local_weekday"),
    };
    let daily = matches!(by, GroupBy::Day | GroupBy::Week);
    let src = rollup::source_grains(cube, filter, settings, fresh, !daily, &mut p);
    let (label, join, order) = match by {
        GroupBy::Rep => (
            "ifnull(x.name, g.k)",
            "LEFT JOIN reps x ON x.id = g.k",
            "2 COLLATE NOCASE, 1",
        ),
        GroupBy::Theme => (
            "ifnull(x.name, CASE g.k WHEN '' THEN 'No theme' ELSE g.k END)",
            "LEFT JOIN themes x ON x.id = g.k",
            "g.k = '', 2 COLLATE NOCASE, 1",
        ),
        _ => ("g.k", "", "1"),
    };
    let sql = format!(
        "SELECT g.k, {label}, g.d, g.c, g.v, g.m, g.t, g.p FROM (
            SELECT {key} AS k, {SUMS_AS} FROM ({src}) s GROUP BY 1) g {join}
         ORDER BY {order}",
        SUMS_AS = "ifnull(sum(dials), 0) AS d, ifnull(sum(connects), 0) AS c, \
                   ifnull(sum(conversations), 0) AS v, ifnull(sum(meetings), 0) AS m, \
                   ifnull(sum(talk_ms), 0) / 1000 AS t, ifnull(sum(past_limit), 0) AS p"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(p.as_params(), |r| {
        let key: rusqlite::types::Value = r.get(0)?;
        let label: rusqlite::types::Value = r.get(1)?;
        Ok((key, label, funnel_from(r, 2)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (key, label, funnel) = row?;
        let raw = |v: rusqlite::types::Value| match v {
            rusqlite::types::Value::Text(s) => RawKey::Text(s),
            rusqlite::types::Value::Integer(i) => RawKey::Int(i),
            rusqlite::types::Value::Real(f) => RawKey::Text(f.to_string()),
            _ => RawKey::None,
        };
        out.push(group(by, raw(key), raw(label), funnel));
    }
    relabel_outcomes(by, &mut out, settings);
    sort_groups(by, &mut out);
    Ok(out)
}

/// A group's key (or label) as a database gives it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawKey {
    Int(i64),
    Text(String),
    None,
}

impl RawKey {
    fn text(self) -> String {
        match self {
            RawKey::Text(s) => s,
            RawKey::Int(i) => i.to_string(),
            RawKey::None => String::new(),
        }
    }
}

/// A group of the funnel grouped `by`, its key and label as every report
/// shows them (an hour "09" as "09:00-10:00", an outcome by its label, ...),
/// whichever database counted it: this copy's, or the team store's.
pub fn group(by: GroupBy, key: RawKey, label: RawKey, funnel: Funnel) -> FunnelGroup {
    let (key, label) = match by {
        GroupBy::Hour => match key {
            RawKey::Int(h) if h >= 0 => (format!("{h:02}"), format!("{h:02}:00-{:02}:00", h + 1)),
            _ => ("unknown".into(), "Time zone unknown".into()),
        },
        GroupBy::Weekday => match key {
            RawKey::Int(d) if (0..7).contains(&d) => {
                (d.to_string(), weekday_name(d as u32).to_string())
            }
            _ => ("unknown".into(), "Time zone unknown".into()),
        },
        GroupBy::Outcome => {
            let k = key.text();
            let l = Outcome::parse(&k)
                .map(|o| o.label().to_string())
                .unwrap_or_else(|_| k.clone());
            (k, l)
        }
        GroupBy::Week => {
            let k = key.text();
            let l = week_label(&k);
            (k, l)
        }
        _ => (key.text(), label.text()),
    };
    FunnelGroup {
        key,
        label,
        rates: funnel.rates(),
        funnel,
    }
}

/// Grouped by outcome: each group labelled with the rep's words for it.
pub fn relabel_outcomes(by: GroupBy, groups: &mut [FunnelGroup], settings: &Settings) {
    if by != GroupBy::Outcome {
        return;
    }
    for g in groups {
        if let Ok(o) = Outcome::parse(&g.key) {
            g.label = settings.outcome_label(o).to_string();
        }
    }
}

/// The groups in the order every report shows them: outcomes in the
/// method's order, hours and weekdays in time (unknown last); the others as
/// the query ordered them.
pub fn sort_groups(by: GroupBy, out: &mut [FunnelGroup]) {
    match by {
        GroupBy::Outcome => out.sort_by_key(|g| {
            Outcome::ALL
                .iter()
                .position(|o| o.as_str() == g.key)
                .unwrap_or(usize::MAX)
        }),
        GroupBy::Hour | GroupBy::Weekday => out.sort_by_key(|g| {
            g.key.parse::<u32>().unwrap_or(u32::MAX) // unknown last
        }),
        _ => {}
    }
}

/// Sum groups by day (`YYYY-MM-DD`) into weeks starting on Monday.
pub fn weeks_of(days: &[FunnelGroup]) -> Vec<FunnelGroup> {
    let mut weeks: std::collections::BTreeMap<String, Funnel> = std::collections::BTreeMap::new();
    for g in days {
        let Ok(d) = NaiveDate::parse_from_str(&g.key, "%Y-%m-%d") else {
            continue;
        };
        let monday = d - chrono::Duration::days(i64::from(d.weekday().num_days_from_monday()));
        let w = weeks
            .entry(monday.format("%Y-%m-%d").to_string())
            .or_default();
        w.dials += g.funnel.dials;
        w.connects += g.funnel.connects;
        w.conversations += g.funnel.conversations;
        w.meetings += g.funnel.meetings;
        w.talk_seconds += g.funnel.talk_seconds;
        w.calls_past_limit += g.funnel.calls_past_limit;
    }
    weeks
        .into_iter()
        .map(|(k, f)| FunnelGroup {
            label: week_label(&k),
            rates: f.rates(),
            key: k,
            funnel: f,
        })
        .collect()
}

/// Monday = 0.
pub fn weekday_name(d: u32) -> &'static str {
    [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ]
    .get(d as usize)
    .copied()
    .unwrap_or("Unknown")
}

/// `2026-W47 (from 16 Nov)` for the Monday `2026-11-16`.
pub fn week_label(monday: &str) -> String {
    match NaiveDate::parse_from_str(monday, "%Y-%m-%d") {
        Ok(d) => {
            let w = d.iso_week();
            format!(
                "{}-W{:02} (from {})",
                w.year(),
                w.week(),
                d.format("%-d %b")
            )
        }
        Err(_) => monday.to_string(),
    }
}

/// The funnel of a selection, optionally grouped: what `callblock report`
/// prints (its JSON has `dials`, `connects`, `conversations`, `meetings` at
/// the top level, `groups` when a funnel grouping was asked for and
/// `by_objections` for `--by objections`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct FunnelReport {
    /// The selection in words.
    pub selection: String,
    pub from: Option<String>,
    pub to: Option<String>,
    #[serde(flatten)]
    pub total: Funnel,
    pub rates: FunnelRates,
    pub by: Option<ReportBy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<FunnelGroup>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_objections: Option<ByObjections>,
    pub definitions: Vec<String>,
}

pub fn report(
    conn: &Connection,
    filter: &ReportFilter,
    by: Option<ReportBy>,
    settings: &Settings,
) -> Result<FunnelReport> {
    let fresh = rollup::ensure_fresh(conn, settings);
    let total = funnel_with(conn, filter, settings, fresh)?;
    let objections = matches!(by, Some(ReportBy::Objections(_)));
    Ok(FunnelReport {
        selection: filter.describe(conn)?,
        from: filter.from.map(time::to_db),
        to: filter.to.map(time::to_db),
        rates: total.rates(),
        total,
        by,
        groups: by
            .and_then(ReportBy::grouping)
            .map(|b| funnel_by_with(conn, filter, b, settings, fresh))
            .transpose()?,
        by_objections: objections
            .then(|| by_objections(conn, filter, settings))
            .transpose()?,
        definitions: definitions(settings),
    })
}

/// What the Review view opens with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ReviewSummary {
    pub from: Option<String>,
    pub to: Option<String>,
    pub total: Funnel,
    pub rates: FunnelRates,
    pub by_rep: Vec<FunnelGroup>,
    pub by_theme: Vec<FunnelGroup>,
    pub by_day: Vec<FunnelGroup>,
    pub by_week: Vec<FunnelGroup>,
    pub definitions: Vec<String>,
}

pub fn review_summary(
    conn: &Connection,
    filter: &ReportFilter,
    settings: &Settings,
) -> Result<ReviewSummary> {
    let fresh = rollup::ensure_fresh(conn, settings);
    review_summary_with(conn, filter, settings, fresh)
}

pub(crate) fn review_summary_with(
    conn: &Connection,
    filter: &ReportFilter,
    settings: &Settings,
    fresh: bool,
) -> Result<ReviewSummary> {
    let total = funnel_with(conn, filter, settings, fresh)?;
    let by_day = funnel_by_with(conn, filter, GroupBy::Day, settings, fresh)?;
    Ok(ReviewSummary {
        from: filter.from.map(time::to_db),
        to: filter.to.map(time::to_db),
        rates: total.rates(),
        total,
        by_rep: funnel_by_with(conn, filter, GroupBy::Rep, settings, fresh)?,
        by_theme: funnel_by_with(conn, filter, GroupBy::Theme, settings, fresh)?,
        by_week: weeks_of(&by_day),
        by_day,
        definitions: definitions(settings),
    })
}
