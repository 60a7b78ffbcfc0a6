//! Every figure as a table, written as CSV or JSON, and the calls themselves
//! (`callblock export calls`). CSV cells that a spreadsheet would run as a
//! formula (text starting with `=`, `+`, `-`, `@`, a tab or a carriage
//! return) are written with a leading `'`.

use std::io::Write;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use specta::Type;

use super::blocks::{BlockGroup, BlocksReport};
use super::by_objections::{ByObjections, ObjectionCurve};
use super::calllog::{for_each_call, ExportCall};
use super::funnel::{FunnelGroup, FunnelReport, ReviewSummary};
use super::length::LengthReport;
use super::playbook::PlaybookReport;
use super::timing::{TimingReport, TimingRow};
use super::{Rate, ReportFilter};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Csv,
    Json,
}

impl ExportFormat {
    pub fn parse(s: &str) -> Result<ExportFormat> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(ExportFormat::Csv),
            "json" => Ok(ExportFormat::Json),
            _ => Err(Error::invalid(
                "--format",
                format!(
                    "{} is not a format; use csv or json",
                    crate::quote::quoted(s)
                ),
            )),
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(untagged)]
pub enum Cell {
    Number(f64),
    Text(String),
    Empty,
}

impl From<u32> for Cell {
    fn from(n: u32) -> Cell {
        Cell::Number(f64::from(n))
    }
}

impl From<f64> for Cell {
    fn from(n: f64) -> Cell {
        Cell::Number(n)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Cell {
        v.map_or(Cell::Empty, Into::into)
    }
}

/// A rate as a percentage with one decimal (empty when there is no denominator).
fn pct(r: &Rate) -> Cell {
    r.value
        .map_or(Cell::Empty, |v| Cell::Number((v * 1000.0).round() / 10.0))
}

/// One table of figures: what a chart shows, as rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Table {
    /// A short name, usable in a file name (`funnel_by_rep`).
    pub name: String,
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// The definitions the figures follow.
    pub definitions: Vec<String>,
}

/// Reports that can be written as tables.
pub trait Figures {
    fn tables(&self) -> Vec<Table>;
}

fn funnel_columns(first: &str) -> Vec<String> {
    [
        first,
        "Dials",
        "Connects",
        "Conversations",
        "Meetings",
        "Connect rate %",
        "Conversation rate %",
        "Meetings per conversation %",
        "Meetings per connect %",
        "Minutes on the phone",
        "Calls past the limit",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn funnel_row(label: &str, f: &super::Funnel) -> Vec<Cell> {
    let r = f.rates();
    vec![
        label.into(),
        f.dials.into(),
        f.connects.into(),
        f.conversations.into(),
        f.meetings.into(),
        pct(&r.connect_rate),
        pct(&r.conversation_rate),
        pct(&r.meeting_rate),
        pct(&r.connect_to_meeting),
        Cell::Number((f64::from(f.talk_seconds) / 6.0).round() / 10.0),
        f.calls_past_limit.into(),
    ]
}

fn funnel_table(
    name: &str,
    title: &str,
    first: &str,
    groups: &[FunnelGroup],
    defs: &[String],
) -> Table {
    Table {
        name: name.into(),
        title: title.into(),
        columns: funnel_columns(first),
        rows: groups
            .iter()
            .map(|g| funnel_row(&g.label, &g.funnel))
            .collect(),
        definitions: defs.to_vec(),
    }
}

impl Figures for FunnelReport {
    fn tables(&self) -> Vec<Table> {
        let mut rows = vec![funnel_row("All", &self.total)];
        let by = self.by.and_then(super::ReportBy::grouping);
        let first = by.map_or("Selection", |b| b.as_str());
        if let Some(g) = &self.groups {
            rows.extend(g.iter().map(|g| funnel_row(&g.label, &g.funnel)));
        }
        let mut tables = vec![Table {
            name: match by {
                Some(b) => format!("funnel_by_{}", b.as_str()),
                None => "funnel".into(),
            },
            title: format!("Funnel: {}", self.selection),
            columns: funnel_columns(first),
            rows,
            definitions: self.definitions.clone(),
        }];
        tables.extend(self.by_objections.iter().map(ByObjections::table));
        tables
    }
}

impl Figures for ReviewSummary {
    fn tables(&self) -> Vec<Table> {
        let d = &self.definitions;
        vec![
            Table {
                name: "funnel".into(),
                title: "Funnel".into(),
                columns: funnel_columns("Selection"),
                rows: vec![funnel_row("All", &self.total)],
                definitions: d.clone(),
            },
            funnel_table("funnel_by_rep", "Funnel by rep", "Rep", &self.by_rep, d),
            funnel_table(
                "funnel_by_theme",
                "Funnel by theme",
                "Theme",
                &self.by_theme,
                d,
            ),
            funnel_table("funnel_by_week", "Funnel by week", "Week", &self.by_week, d),
            funnel_table("funnel_by_day", "Funnel by day", "Day", &self.by_day, d),
        ]
    }
}

fn timing_table(
    name: &str,
    title: &str,
    first: &str,
    rows: &[TimingRow],
    defs: &[String],
) -> Table {
    Table {
        name: name.into(),
        title: title.into(),
        columns: [
            first,
            "Dials",
            "Connects",
            "Connect rate %",
            "Conversations",
            "Meetings",
            "Meetings per dial %",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    r.label.as_str().into(),
                    r.dials.into(),
                    r.connects.into(),
                    pct(&r.connect_rate),
                    r.conversations.into(),
                    r.meetings.into(),
                    pct(&r.meeting_rate),
                ]
            })
            .collect(),
        definitions: defs.to_vec(),
    }
}

impl Figures for TimingReport {
    fn tables(&self) -> Vec<Table> {
        vec![
            timing_table(
                "connects_by_hour",
                "Connect rate by the prospect's local hour",
                "Local hour",
                &self.by_hour,
                &self.definitions,
            ),
            timing_table(
                "connects_by_weekday",
                "Connect rate by the prospect's local weekday",
                "Weekday",
                &self.by_weekday,
                &self.definitions,
            ),
            Table {
                name: "connects_by_weekday_hour".into(),
                title: "Connect rate by the prospect's local weekday and hour".into(),
                columns: [
                    "Weekday",
                    "Local hour",
                    "Dials",
                    "Connects",
                    "Connect rate %",
                ]
                .iter()
                .map(|s| s.to_string())
                .collect(),
                rows: self
                    .grid
                    .iter()
                    .map(|c| {
                        vec![
                            super::funnel::weekday_name(c.weekday).into(),
                            format!("{:02}:00-{:02}:00", c.hour, c.hour + 1).into(),
                            c.dials.into(),
                            c.connects.into(),
                            pct(&c.connect_rate),
                        ]
                    })
                    .collect(),
                definitions: self.definitions.clone(),
            },
        ]
    }
}

impl Figures for LengthReport {
    fn tables(&self) -> Vec<Table> {
        let mut series = vec![&self.all];
        series.extend(self.by_outcome.iter());
        let mut columns = vec!["Length".to_string()];
        columns.extend(series.iter().map(|s| s.label.clone()));
        let hist = Table {
            name: "length_distribution".into(),
            title: "Call length by outcome (calls per bin)".into(),
            columns,
            rows: self
                .bins
                .iter()
                .enumerate()
                .map(|(i, b)| {
                    let mut row: Vec<Cell> = vec![b.label.as_str().into()];
                    row.extend(series.iter().map(|s| Cell::from(s.counts[i])));
                    row
                })
                .collect(),
            definitions: self.definitions.clone(),
        };
        let summary = Table {
            name: "length_summary".into(),
            title: "Call length by outcome".into(),
            columns: [
                "Outcome",
                "Calls",
                "Median (s)",
                "Mean (s)",
                "Past the limit",
                "Past the limit %",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            rows: series
                .iter()
                .map(|s| {
                    vec![
                        s.label.as_str().into(),
                        s.calls.into(),
                        s.median_seconds.map(|m| (m * 10.0).round() / 10.0).into(),
                        s.mean_seconds.map(|m| (m * 10.0).round() / 10.0).into(),
                        s.past_limit.numerator.into(),
                        pct(&s.past_limit),
                    ]
                })
                .collect(),
            definitions: self.definitions.clone(),
        };
        vec![hist, summary]
    }
}

impl ByObjections {
    /// One row per group and number of objections heard: the overall curve,
    /// then each theme's, then each talk-track version's.
    pub fn table(&self) -> Table {
        let mut rows = Vec::new();
        let mut add = |kind: &str, c: &ObjectionCurve| {
            rows.extend(c.buckets.iter().map(|b| {
                vec![
                    kind.into(),
                    c.label.as_str().into(),
                    b.label.as_str().into(),
                    b.calls.into(),
                    b.meetings.into(),
                    pct(&b.meeting_rate),
                ]
            }));
        };
        add("All", &self.overall);
        self.by_theme.iter().for_each(|t| add("Theme", &t.curve));
        self.by_version
            .iter()
            .for_each(|v| add("Talk-track version", &v.curve));
        Table {
            name: super::by_objections::TABLE.into(),
            title: "Meeting rate by objections heard".into(),
            columns: [
                "Group",
                "Name",
                "Objections heard",
                "Conversations",
                "Meetings",
                "Meetings per conversation %",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            rows,
            definitions: self.definitions.clone(),
        }
    }
}

impl Figures for ByObjections {
    fn tables(&self) -> Vec<Table> {
        vec![self.table()]
    }
}

impl Figures for PlaybookReport {
    fn tables(&self) -> Vec<Table> {
        let cols = |c: &[&str]| c.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        vec![
            Table {
                name: "objections".into(),
                title: "Objections heard".into(),
                columns: cols(&[
                    "Objection",
                    "Times",
                    "Calls",
                    "Connects",
                    "Heard on connects %",
                    "Meetings",
                    "Meetings per call %",
                ]),
                rows: self
                    .objections
                    .iter()
                    .map(|o| {
                        vec![
                            o.label.as_str().into(),
                            o.times.into(),
                            o.calls.into(),
                            self.connects.into(),
                            pct(&o.share_of_connects),
                            o.meetings.into(),
                            pct(&o.meeting_rate),
                        ]
                    })
                    .collect(),
                definitions: self.definitions.clone(),
            },
            Table {
                name: "responses".into(),
                title: "Objection responses".into(),
                columns: cols(&[
                    "Objection",
                    "Theme",
                    "Version",
                    "Response",
                    "Times",
                    "Calls",
                    "Meetings",
                    "Meetings per call %",
                ]),
                rows: self
                    .responses
                    .iter()
                    .map(|r| {
                        vec![
                            r.objection_label.as_str().into(),
                            r.theme_name.clone().into(),
                            r.version.into(),
                            r.response.as_str().into(),
                            r.times.into(),
                            r.calls.into(),
                            r.meetings.into(),
                            pct(&r.meeting_rate),
                        ]
                    })
                    .collect(),
                definitions: self.definitions.clone(),
            },
            Table {
                name: "talk_tracks".into(),
                title: "Talk-track versions".into(),
                columns: cols(&[
                    "Talk track",
                    "Theme",
                    "Version",
                    "Change",
                    "Dials",
                    "Connects",
                    "Connect rate %",
                    "Conversations",
                    "Meetings",
                    "Meetings per connect %",
                ]),
                rows: self
                    .talk_tracks
                    .iter()
                    .map(|t| {
                        vec![
                            t.track_name.as_str().into(),
                            t.theme_name.clone().into(),
                            t.version.into(),
                            t.change_note.as_str().into(),
                            t.dials.into(),
                            t.connects.into(),
                            pct(&t.connect_rate),
                            t.conversations.into(),
                            t.meetings.into(),
                            pct(&t.connect_to_meeting),
                        ]
                    })
                    .collect(),
                definitions: self.definitions.clone(),
            },
        ]
    }
}

fn block_table(
    name: &str,
    title: &str,
    first: &str,
    groups: &[BlockGroup],
    defs: &[String],
) -> Table {
    Table {
        name: name.into(),
        title: title.into(),
        columns: [
            first,
            "Planned",
            "Run",
            "Run vs planned %",
            "Completed",
            "Ended early",
            "Abandoned",
            "Active minutes",
            "Minutes on the phone",
            "Dials",
            "Dials per hour",
            "Connects",
            "Meetings",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        rows: groups
            .iter()
            .map(|g| {
                let s = &g.stats;
                vec![
                    g.label.as_str().into(),
                    s.planned.into(),
                    s.run.into(),
                    s.run_vs_planned.as_ref().map_or(Cell::Empty, pct),
                    s.completed.into(),
                    s.ended_early.into(),
                    s.abandoned.into(),
                    Cell::Number((f64::from(s.active_seconds) / 6.0).round() / 10.0),
                    Cell::Number((f64::from(s.phone_seconds) / 6.0).round() / 10.0),
                    s.dials.into(),
                    s.dials_per_hour.map(|d| (d * 10.0).round() / 10.0).into(),
                    s.connects.into(),
                    s.meetings.into(),
                ]
            })
            .collect(),
        definitions: defs.to_vec(),
    }
}

impl Figures for BlocksReport {
    fn tables(&self) -> Vec<Table> {
        let total = BlockGroup {
            key: "all".into(),
            label: "All".into(),
            stats: self.total.clone(),
        };
        let mut reps = vec![total];
        reps.extend(self.by_rep.iter().cloned());
        vec![
            block_table(
                "blocks_by_rep",
                "Blocks by rep",
                "Rep",
                &reps,
                &self.definitions,
            ),
            block_table(
                "blocks_by_week",
                "Blocks by week",
                "Week",
                &self.by_week,
                &self.definitions,
            ),
            Table {
                name: "dials_per_hour".into(),
                title: "Blocks by dials per hour".into(),
                columns: vec!["Dials per hour".into(), "Blocks".into()],
                rows: self
                    .dials_per_hour
                    .iter()
                    .map(|b| vec![b.label.as_str().into(), b.blocks.into()])
                    .collect(),
                definitions: self.definitions.clone(),
            },
        ]
    }
}

/// A text cell made safe for spreadsheets.
pub use crate::export::escape_formula;

fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn csv_err(e: csv::Error) -> Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::Io {
            path: "output".into(),
            source: io,
        },
        other => Error::invalid("csv", format!("{other:?}")),
    }
}

fn io_err(e: std::io::Error) -> Error {
    Error::Io {
        path: "output".into(),
        source: e,
    }
}

/// One table as CSV: a header row, then the rows.
pub fn write_csv(table: &Table, w: impl Write) -> Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(table.columns.iter().map(|c| escape_formula(c).into_owned()))
        .map_err(csv_err)?;
    for row in &table.rows {
        out.write_record(row.iter().map(|c| match c {
            Cell::Number(n) => number_text(*n),
            Cell::Text(s) => escape_formula(s).into_owned(),
            Cell::Empty => String::new(),
        }))
        .map_err(csv_err)?;
    }
    out.flush().map_err(io_err)?;
    Ok(())
}

/// Tables as one JSON document: `[{name, title, columns, rows: [{column: value}], definitions}]`.
pub fn write_json(tables: &[Table], w: impl Write) -> Result<()> {
    let doc: Vec<serde_json::Value> = tables
        .iter()
        .map(|t| {
            let rows: Vec<serde_json::Value> = t
                .rows
                .iter()
                .map(|r| {
                    let mut m = serde_json::Map::new();
                    for (c, v) in t.columns.iter().zip(r) {
                        m.insert(
                            c.clone(),
                            match v {
                                Cell::Number(n) => serde_json::json!(n),
                                Cell::Text(s) => serde_json::json!(s),
                                Cell::Empty => serde_json::Value::Null,
                            },
                        );
                    }
                    serde_json::Value::Object(m)
                })
                .collect();
            serde_json::json!({
                "name": t.name,
                "title": t.title,
                "columns": t.columns,
                "rows": rows,
                "definitions": t.definitions,
            })
        })
        .collect();
    serde_json::to_writer_pretty(w, &doc).map_err(|e| Error::invalid("json", e.to_string()))?;
    Ok(())
}

pub const CALL_COLUMNS: &[&str] = &[
    "id",
    "started_at",
    "rep",
    "theme",
    "prospect",
    "company",
    "duration_seconds",
    "ring_seconds",
    "outcome",
    "asked_for_meeting",
    "local_hour",
    "local_weekday",
    "objections",
    "notes",
    "gap_current_state",
    "gap_objectives",
    "gap_impact",
    "meeting_at",
];

/// Write the calls of `filter` (newest first) as CSV or as a JSON array.
/// Returns how many were written.
pub fn export_calls(
    conn: &Connection,
    filter: &ReportFilter,
    format: ExportFormat,
    mut w: impl Write,
) -> Result<u32> {
    match format {
        ExportFormat::Csv => {
            let mut out = csv::Writer::from_writer(w);
            out.write_record(CALL_COLUMNS).map_err(csv_err)?;
            let n = for_each_call(conn, filter, |c: &ExportCall| {
                let opt = |v: Option<u32>| v.map(|x| x.to_string()).unwrap_or_default();
                out.write_record([
                    escape_formula(&c.id).as_ref(),
                    escape_formula(&c.started_at).as_ref(),
                    escape_formula(&c.rep).as_ref(),
                    escape_formula(&c.theme).as_ref(),
                    escape_formula(&c.prospect).as_ref(),
                    escape_formula(&c.company).as_ref(),
                    &number_text(c.duration_seconds),
                    &c.ring_seconds.map(number_text).unwrap_or_default(),
                    &c.outcome,
                    if c.asked_for_meeting { "1" } else { "0" },
                    &opt(c.local_hour),
                    &opt(c.local_weekday),
                    escape_formula(&c.objections).as_ref(),
                    escape_formula(&c.notes).as_ref(),
                    escape_formula(&c.gap_current_state).as_ref(),
                    escape_formula(&c.gap_objectives).as_ref(),
                    escape_formula(&c.gap_impact).as_ref(),
                    c.meeting_at.as_deref().unwrap_or(""),
                ])
                .map_err(csv_err)
            })?;
            out.flush().map_err(io_err)?;
            Ok(n)
        }
        ExportFormat::Json => {
            w.write_all(b"[").map_err(io_err)?;
            let mut first = true;
            let n = for_each_call(conn, filter, |c| {
                if !first {
                    w.write_all(b",").map_err(io_err)?;
                }
                first = false;
                w.write_all(b"\n  ").map_err(io_err)?;
                serde_json::to_writer(&mut w, c).map_err(|e| Error::invalid("json", e.to_string()))
            })?;
            w.write_all(b"\n]\n").map_err(io_err)?;
            w.flush().map_err(io_err)?;
            Ok(n)
        }
    }
}
