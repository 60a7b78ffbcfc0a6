//! When to call: the connect rate by the prospect's local hour of day and by
//! weekday, with the counts behind every rate, and the weekday x hour grid.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use specta::Type;

use super::funnel::weekday_name;
use super::rollup::{self, BY_HOUR};
use super::sql::Params;
use super::{Rate, ReportFilter};
use crate::domain::Settings;
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct TimingRow {
    /// `"09"` (hour) or `"0"` (Monday) ...; `"unknown"` for prospects whose
    /// time zone is not known.
    pub key: String,
    pub label: String,
    pub dials: u32,
    pub connects: u32,
    pub conversations: u32,
    pub meetings: u32,
    /// connects / dials
    pub connect_rate: Rate,
    /// meetings / dials
    pub meeting_rate: Rate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct TimingCell {
    /// 0 = Monday
    pub weekday: u32,
    pub hour: u32,
    pub dials: u32,
    pub connects: u32,
    pub connect_rate: Rate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct TimingReport {
    /// Every hour that has calls, in order, then "unknown" if any.
    pub by_hour: Vec<TimingRow>,
    /// Every weekday that has calls, Monday first, then "unknown" if any.
    pub by_weekday: Vec<TimingRow>,
    /// Weekday x hour, only cells with calls.
    pub grid: Vec<TimingCell>,
    pub definitions: Vec<String>,
}

fn row(key: String, label: String, d: u32, c: u32, v: u32, m: u32) -> TimingRow {
    TimingRow {
        key,
        label,
        dials: d,
        connects: c,
        conversations: v,
        meetings: m,
        connect_rate: Rate::new(c, d),
        meeting_rate: Rate::new(m, d),
    }
}

pub fn timing(
    conn: &Connection,
    filter: &ReportFilter,
    settings: &Settings,
) -> Result<TimingReport> {
    let fresh = rollup::ensure_fresh(conn, settings);
    timing_with(conn, filter, settings, fresh)
}

pub(crate) fn timing_with(
    conn: &Connection,
    filter: &ReportFilter,
    settings: &Settings,
    fresh: bool,
) -> Result<TimingReport> {
    let mut p = Params::default();
    let src = rollup::source(&BY_HOUR, filter, settings, fresh, &mut p);
    let sql = format!(
        "SELECT local_weekday, local_hour, sum(dials), sum(connects), sum(conversations), sum(meetings)
         FROM ({src}) s GROUP BY 1, 2 ORDER BY 1, 2"
    );
    let mut stmt = conn.prepare(&sql)?;
    let cells: Vec<(i64, i64, u32, u32, u32, u32)> = stmt
        .query_map(p.as_params(), |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(timing_of_cells(&cells, settings))
}

/// The report from its cells: (the prospect's local weekday 0-6, local hour
/// 0-23, dials, connects, conversations, meetings), a weekday or hour
/// outside those ranges being unknown. Shared with the team store's count
/// of the same report (`callblock_team::review::timing`).
pub fn timing_of_cells(
    cells: &[(i64, i64, u32, u32, u32, u32)],
    settings: &Settings,
) -> TimingReport {
    // Sum the grid into hours and weekdays (index 24 / 7: unknown).
    let mut hours = [[0u32; 4]; 25];
    let mut days = [[0u32; 4]; 8];
    let mut grid = Vec::new();
    for &(wd, h, d, c, v, m) in cells {
        let hi = if (0..24).contains(&h) { h as usize } else { 24 };
        let di = if (0..7).contains(&wd) { wd as usize } else { 7 };
        for (i, x) in [d, c, v, m].into_iter().enumerate() {
            hours[hi][i] += x;
            days[di][i] += x;
        }
        if hi < 24 && di < 7 {
            grid.push(TimingCell {
                weekday: di as u32,
                hour: hi as u32,
                dials: d,
                connects: c,
                connect_rate: Rate::new(c, d),
            });
        }
    }
    let by_hour = hours
        .iter()
        .enumerate()
        .filter(|(_, x)| x[0] > 0)
        .map(|(h, x)| {
            let (k, l) = if h < 24 {
                (format!("{h:02}"), format!("{h:02}:00-{:02}:00", h + 1))
            } else {
                ("unknown".into(), "Time zone unknown".into())
            };
            row(k, l, x[0], x[1], x[2], x[3])
        })
        .collect();
    let by_weekday = days
        .iter()
        .enumerate()
        .filter(|(_, x)| x[0] > 0)
        .map(|(d, x)| {
            let (k, l) = if d < 7 {
                (d.to_string(), weekday_name(d as u32).to_string())
            } else {
                ("unknown".into(), "Time zone unknown".into())
            };
            row(k, l, x[0], x[1], x[2], x[3])
        })
        .collect();
    let mut defs = super::definitions(settings);
    defs.push(
        "Hour and weekday are the prospect's local time when the call started (from the \
         prospect's time zone); calls to prospects without a known time zone are shown apart."
            .into(),
    );
    TimingReport {
        by_hour,
        by_weekday,
        grid,
        definitions: defs,
    }
}
